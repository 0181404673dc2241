"""Derivatives and batching of every primitive, from the table in test_primitives.py.

* derivatives against finite differences (``check_grads``, order 2, fwd and rev, float64) at
  points where the entry is smooth, with tangent/cotangent shapes and dtypes;
  ZERO_DERIVATIVE primitives give zero tangents;
* the batching rule against a Python loop, with drawn batch sizes, ``in_axes`` (None for some
  operands, negative and nonzero axes) and ``out_axes``;
* the derivative rules themselves under vmap (vs a loop) and jit (vs eager).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from test_primitives import (
    CASES,
    F64,
    NAMES,
    SEEDS,
    SETTINGS,
    ZERO_NAMES,
    Array,
    E,
    R,
    _arrays,
    _close,
    _draw,
    _scatter_ref,
    ix,
)

import functorch_lite as fl
from functorch_lite.test_util import check_grads

GRAD_NAMES = [n for n in NAMES if CASES[n].grad]


@pytest.mark.parametrize("name", GRAD_NAMES)
@SETTINGS
@given(data=st.data())
def test_derivatives_against_finite_differences(name, data):
    """check_grads to second order in both modes, in float64, where the entry is smooth
    (``assume`` passes over the few drawn variants that are not: scatter's "mul" mode, converts
    to int or bool)."""
    ex, _, args = _draw(data, name, F64)
    assume(ex.diff)
    args = _arrays(args)
    check_grads(ex.fn, args, order=2, modes=("fwd", "rev"), **ex.grad_kw)
    # (check_grads compares values only:) tangents and cotangents keep shapes and dtypes.
    out, t_out = fl.jvp(ex.fn, args, [Array(np.ones(a.shape, a.dtype)) for a in args])
    assert (t_out.shape, t_out.dtype) == (out.shape, out.dtype)
    _, pullback = fl.vjp(ex.fn, *args)
    for a, ct in zip(args, pullback(Array(np.ones(out.shape, out.dtype))), strict=True):
        assert (ct.shape, ct.dtype) == (a.shape, a.dtype)


@pytest.mark.parametrize("name", ZERO_NAMES)
@SETTINGS
@given(data=st.data())
def test_zero_derivative_marks_give_zero_tangents(name, data):
    ex, dtype, args = _draw(data, name, F64)
    args = _arrays(args)
    tangents = [Array(np.ones(a.shape, a.dtype)) for a in args]
    out, t_out = fl.jvp(ex.fn, args, tangents)
    assert t_out.shape == out.shape and not np.any(np.asarray(t_out))
    _, pullback = fl.vjp(ex.fn, *args)
    ct = np.ones(out.shape, out.dtype)
    for a, c in zip(args, pullback(Array(ct)), strict=True):
        assert c.shape == a.shape and not np.any(np.asarray(c))


def _vmap_vs_loop(data, fn: Callable, per_example: list, tol: float) -> None:
    """vmap(fn) over drawn in_axes (None for some operands) and out_axes, against a loop."""
    first = per_example[0]
    in_axes = [data.draw(st.none() | st.integers(-np.ndim(a) - 1, np.ndim(a)), label="in_axis")
               for a in first]
    if all(ax is None for ax in in_axes):
        k = data.draw(st.integers(0, len(first) - 1), label="batched argument")
        in_axes[k] = data.draw(st.integers(-np.ndim(first[k]) - 1, np.ndim(first[k])))
    batched = [first[i] if ax is None else np.stack([e[i] for e in per_example], axis=ax)
               for i, ax in enumerate(in_axes)]
    outs = [fn(*_arrays([first[i] if ax is None else e[i] for i, ax in enumerate(in_axes)]))
            for e in per_example]
    single = not isinstance(outs[0], tuple)
    outs = [(o,) if single else o for o in outs]
    out_axis = data.draw(st.integers(-outs[0][0].ndim - 1, outs[0][0].ndim), label="out_axes") \
        if single else 0
    got = fl.vmap(fn, in_axes=tuple(in_axes), out_axes=out_axis)(*_arrays(batched))
    for k, g in enumerate((got,) if single else got):
        _close(g, np.stack([np.asarray(o[k]) for o in outs], axis=out_axis), tol)


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(data=st.data())
def test_vmap_matches_a_python_loop(name, data):
    c = CASES[name]
    ex = data.draw(c.examples, label="example")
    dtype = data.draw(st.sampled_from(c.dtypes), label="dtype")
    rng = np.random.default_rng(data.draw(SEEDS, label="seed"))
    size = data.draw(st.integers(2, 3), label="batch size")
    _vmap_vs_loop(data, ex.fn, [ex.make(rng, dtype) for _ in range(size)], c.tol)


@pytest.mark.parametrize("name", GRAD_NAMES)
@SETTINGS
@given(data=st.data())
def test_derivative_rules_under_vmap_and_jit(name, data):
    """The jvp and vjp rules are traceable: batched (vs a loop) and jitted (vs eager)."""
    ex = data.draw(CASES[name].examples, label="example")
    assume(ex.diff)
    rng = np.random.default_rng(data.draw(SEEDS, label="seed"))
    out = ex.fn(*_arrays(ex.make(np.random.default_rng(0), F64)))
    n = len(ex.make(np.random.default_rng(0), F64))

    def pullback(*a):
        return fl.vjp(ex.fn, *a[:n])[1](a[n])

    def push(*a):
        return fl.jvp(ex.fn, a[:n], a[n:])[1]

    def draw_point():
        args = ex.make(rng, F64)
        ts = [rng.standard_normal(np.shape(a)) if a.dtype == F64 else np.zeros_like(a)
              for a in args]
        return args, ts, rng.standard_normal(out.shape)

    points = [draw_point() for _ in range(data.draw(st.integers(2, 3), label="batch size"))]
    args, ts, ct = points[0]
    for fn, extra in ((pullback, [ct]), (push, ts)):
        eager = fn(*_arrays(args + extra))
        jitted = fl.jit(fn)(*_arrays(args + extra))
        for e, j in zip(eager if isinstance(eager, tuple) else (eager,),
                        jitted if isinstance(jitted, tuple) else (jitted,), strict=True):
            _close(j, e, 4.0)
    _vmap_vs_loop(data, pullback, [a + [c] for a, _, c in points], 4.0)
    _vmap_vs_loop(data, push, [a + t for a, t, _ in points], 4.0)


# ---- targeted checks the table cannot express ----------------------------------------------------


def test_scatter_mul_derivative_says_what_to_do():
    x, u, i = Array(np.ones(3)), Array(np.full(2, 2.0)), Array(np.array([0, 2]))
    with pytest.raises(NotImplementedError, match="multiply"):
        fl.grad(lambda u: R.reduce_sum(ix.scatter(x, u, i, mode="mul"), (0,)))(u)


def test_extrema_split_ties_equally():
    x = Array(np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]]))
    g = fl.grad(lambda x: R.reduce_sum(R.reduce_max(x, (1,)), (0,)))(x)
    np.testing.assert_allclose(np.asarray(g), [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])
    g = fl.grad(lambda x: R.reduce_sum(E.max_(x, 1.0), (0, 1)))(x)
    np.testing.assert_allclose(np.asarray(g), [[0.5, 1, 1], [1, 1, 1]])


def test_scatter_broadcast_updates_onto_repeated_indices():
    # numpy 2.4's ufunc.at reads garbage for these (a 1-d update under a 2-d index array).
    x, u = np.zeros(3), np.array([1.0, 2.0])
    i = np.array([[0, 1], [2, 0]])
    for mode in ("add", "mul", "min", "max"):
        got = ix.scatter(Array(x + 0.5), Array(u), Array(i), mode=mode)
        np.testing.assert_array_equal(np.asarray(got), _scatter_ref(mode)(x + 0.5, u, i))
