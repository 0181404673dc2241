"""jit's buffer reuse: elementwise results written into dead buffers the generated code owns
(numpy ``out=``), and never into an argument, a live value, a view's base or an output."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import functorch_lite as fl
import functorch_lite.numpy as jnp

UNARY = [jnp.sin, jnp.exp, jnp.sqrt, jnp.negative, jnp.tanh, lambda a: a * 2.0,
         lambda a: 1.5 - a]
BINARY = [jnp.add, jnp.subtract, jnp.multiply, jnp.maximum, lambda a, b: a / (b * b + 1.0)]
VIEWS = [lambda a: a.T, lambda a: a.reshape(-1), lambda a: a[1:], lambda a: a[:, ::-1]]


@st.composite
def programs(draw):
    """A straight-line program over a pool of values: elementwise ops on any earlier value
    (so a value may be read long after its last "natural" use), views of values, and a few
    values returned. Returns (steps, outputs)."""
    n = draw(st.integers(3, 12))
    steps = []
    for k in range(n):
        pool = 2 + k  # two arguments, then one value per step
        kind = draw(st.sampled_from(["unary", "binary", "binary", "view"]))
        if kind == "unary":
            steps.append(("unary", draw(st.integers(0, len(UNARY) - 1)),
                          draw(st.integers(0, pool - 1))))
        elif kind == "binary":
            steps.append(("binary", draw(st.integers(0, len(BINARY) - 1)),
                          draw(st.integers(0, pool - 1)), draw(st.integers(0, pool - 1))))
        else:
            steps.append(("view", draw(st.integers(0, len(VIEWS) - 1)),
                          draw(st.integers(0, pool - 1))))
    outs = draw(st.lists(st.integers(0, n + 1), min_size=1, max_size=3))
    return steps, outs


def run_program(steps, outs, x, y):
    vals = [x, y]
    for step in steps:
        if step[0] == "unary":
            vals.append(UNARY[step[1]](vals[step[2]]))
        elif step[0] == "binary":
            a, b = vals[step[2]], vals[step[3]]
            if a.shape != b.shape:  # (views change shapes: combine with a matching one)
                b = jnp.reshape(b, -1)[: a.size].reshape(a.shape) if b.size >= a.size else a
            vals.append(BINARY[step[1]](a, b))
        else:
            v = vals[step[2]]
            vals.append(VIEWS[step[1]](v) if v.ndim == 2 else v[::-1])
    return [vals[i] for i in outs]


@settings(max_examples=60, deadline=None)
@given(programs())
def test_reused_buffers_never_change_what_a_program_computes(prog):
    steps, outs = prog
    rng = np.random.default_rng(0)
    x = rng.uniform(0.5, 2.0, (3, 4))
    y = rng.uniform(0.5, 2.0, (3, 4))
    x0, y0 = x.copy(), y.copy()
    want = run_program(steps, outs, jnp.asarray(x), jnp.asarray(y))
    f = fl.jit(lambda x, y: run_program(steps, outs, x, y))
    for _ in range(2):  # the second call runs the cached code on fresh buffers
        got = f(x, y)
        for g, w in zip(got, want):
            np.testing.assert_array_equal(np.asarray(g), np.asarray(w))
        np.testing.assert_array_equal(x, x0)  # arguments are never written
        np.testing.assert_array_equal(y, y0)


def test_an_update_chain_runs_in_place_and_reads_no_overwritten_value():
    def adam_like(p, g, m, v):
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        return p - 0.01 * m / (jnp.sqrt(v) + 1e-8), m, v

    rng = np.random.default_rng(1)
    args = [rng.standard_normal((5, 7)) for _ in range(4)]
    args[3] = np.abs(args[3])
    f = fl.jit(adam_like)
    text = f.lower(*args).as_text()
    assert text.count("out=") >= 4, text
    for got, want in zip(f(*args), adam_like(*map(jnp.asarray, args))):
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


def test_a_value_read_through_a_view_later_keeps_its_buffer():
    def f(x):
        a = x * 2.0
        t = a.T  # a view of a's buffer, read after a's last direct use
        b = a + 1.0
        return b, t * 3.0

    x = np.arange(6.0).reshape(2, 3)
    b, t3 = fl.jit(f)(x)
    np.testing.assert_array_equal(np.asarray(b), x * 2 + 1)
    np.testing.assert_array_equal(np.asarray(t3), (x * 2).T * 3)


def test_scalars_and_broadcasts_are_not_written_into():
    def f(x, s):
        a = s * 2.0  # 0-d: numpy returns scalars
        b = a + x  # a is smaller than the result
        return jnp.exp(b), a + 1.0

    x = np.ones((2, 3))
    got = fl.jit(f)(x, np.float64(0.5))
    np.testing.assert_allclose(np.asarray(got[0]), np.exp(x + 1.0))
    np.testing.assert_allclose(np.asarray(got[1]), 2.0)


# ---- donate_argnums ------------------------------------------------------------------------------


def _adam(p, g, m, v):
    m = 0.9 * m + 0.1 * g
    v = 0.999 * v + 0.001 * g * g
    return p - 0.01 * m / (jnp.sqrt(v) + 1e-8), m, v


def _adam_args(seed=0):
    rng = np.random.default_rng(seed)
    p, g, m, v = (rng.standard_normal((5, 7)) for _ in range(4))
    return [jnp.asarray(a) for a in (p, g, m, np.abs(v))]


def test_donated_arrays_hold_the_results_and_are_deleted():
    import weakref

    want = fl.jit(_adam)(*_adam_args())
    f = fl.jit(_adam, donate_argnums=(0, 2, 3))
    args = _adam_args()
    p_buffer = weakref.ref(args[0]._value)  # (a weak reference: not a holder of the buffer)
    out = f(*args)
    for got, w in zip(out, want):
        np.testing.assert_array_equal(np.asarray(got), np.asarray(w))
    assert out[0]._value is p_buffer()  # the new parameters live in the old ones' memory
    assert [a.is_deleted() for a in args] == [True, False, True, True]
    with pytest.raises(RuntimeError, match="deleted.*donate"):
        args[0] + 1
    assert repr(args[0]) == "Array(<deleted>)"
    np.testing.assert_array_equal(np.asarray(args[1]), np.asarray(_adam_args()[1]))


def test_a_donated_buffer_that_something_else_holds_is_copied_first():
    f = fl.jit(lambda x, y: x * 2.0 + y, donate_argnums=0)
    x = jnp.arange(6.0).reshape(2, 3)
    view = x.reshape(6)  # shares x's memory
    np_view = np.asarray(x)  # so does this
    out = f(x, jnp.ones((2, 3)))
    np.testing.assert_array_equal(np.asarray(out), np.arange(6.0).reshape(2, 3) * 2 + 1)
    np.testing.assert_array_equal(np.asarray(view), np.arange(6.0))
    np.testing.assert_array_equal(np_view, np.arange(6.0).reshape(2, 3))
    assert x.is_deleted()
    z = jnp.arange(4.0)  # the same array donated and passed again: still read intact
    np.testing.assert_array_equal(np.asarray(fl.jit(lambda a, b: a * 3.0 + b,
                                                    donate_argnums=0)(z, z)), np.arange(4.0) * 4)
    host = np.arange(3.0)  # a numpy argument is copied, as always
    fl.jit(lambda a: a + 1.0, donate_argnums=0)(host)
    np.testing.assert_array_equal(host, np.arange(3.0))


def test_donate_argnames_pytrees_and_static_overlap():
    def step(params, lr):
        return {k: v - lr * v for k, v in params.items()}

    f = fl.jit(step, donate_argnames="params")
    params = {"a": jnp.ones(3), "b": jnp.full((2, 2), 2.0)}
    out = f(params, 0.5)
    assert all(v.is_deleted() for v in params.values())
    np.testing.assert_array_equal(np.asarray(out["b"]), np.full((2, 2), 1.0))
    with pytest.raises(ValueError, match="both static and donated"):
        fl.jit(step, static_argnums=1, donate_argnames="lr")
