"""Review of jit's buffer reuse (lowering._reuse_plan: elementwise results written into dead
buffers the generated code owns): random programs mixing views, reshapes, broadcasting, dtype
changes and control flow give the same values jitted as eagerly, and never change an argument
or a returned value."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import functorch_lite as fl
import functorch_lite.numpy as jnp
from functorch_lite import lax

OPS = [
    lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b.T.T,
    lambda a, b: jnp.tanh(a) * b, lambda a, b: jnp.where(a > b, a, b),
    lambda a, b: (a.reshape(-1)[::-1].reshape(a.shape)) + b,
    lambda a, b: a.T.T - jnp.sum(b, axis=0, keepdims=True),
    lambda a, b: (a > 0).astype(a.dtype) * b, lambda a, b: jnp.maximum(a, b[:1]),
    lambda a, b: a @ b.T @ b if a.shape[1] == b.shape[1] else a - b,
    lambda a, b: (a.astype(jnp.int32) + 1).astype(a.dtype) * b,
    lambda a, b: a * 0 + b[::-1],
]


def program(codes):
    def f(x, y):
        vals = [x, y]
        for c, i, j in codes:
            vals.append(OPS[c](vals[i % len(vals)], vals[j % len(vals)]))
        return vals[-1], vals[-2], x.T, y.reshape(-1)
    return f


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(OPS) - 1), st.integers(0, 20),
                          st.integers(0, 20)), min_size=1, max_size=10),
       st.integers(0, 2 ** 31 - 1))
def test_random_programs_jit_equal_eager(codes, seed):
    rng = np.random.default_rng(seed)
    xn, yn = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    x, y = jnp.asarray(xn), jnp.asarray(yn)  # numpy float64 inputs keep their dtype
    f = program(codes)
    want = f(x, y)
    got = fl.jit(f)(x, y)
    for a, b in zip(got, want):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    np.testing.assert_array_equal(np.asarray(x), xn)  # arguments never written
    np.testing.assert_array_equal(np.asarray(y), yn)
    kept = [np.asarray(a).copy() for a in got]
    fl.jit(f)(x, y)  # a second call must not write into the first call's results
    for a, b in zip(got, kept):
        np.testing.assert_array_equal(np.asarray(a), b)


def test_scan_and_while_bodies_with_reuse_match_eager():
    def body(c, x):
        t = c * 2.0 + x
        u = jnp.tanh(t) - t.T.T
        return u * 0.5 + c, (u + 1.0).reshape(-1)

    def f(c0, xs):
        c, ys = lax.scan(body, c0, xs)
        w = lax.while_loop(lambda s: s[1] < 3, lambda s: (s[0] * 1.5 - 0.1, s[1] + 1), (c, 0))
        return c, ys, w[0]

    rng = np.random.default_rng(0)
    c0 = jnp.asarray(rng.standard_normal((2, 3)).astype(np.float32))
    xs = jnp.asarray(rng.standard_normal((4, 2, 3)).astype(np.float32))
    for a, b in zip(fl.jit(f)(c0, xs), f(c0, xs)):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6, atol=1e-6)


def test_grad_and_vmap_under_jit_match_eager():
    def loss(w, x):
        h = jnp.tanh(x @ w)
        return jnp.sum((h * h - h.T.T) ** 2)

    rng = np.random.default_rng(1)
    w = jnp.asarray(rng.standard_normal((3, 4)).astype(np.float32))
    xs = jnp.asarray(rng.standard_normal((5, 2, 3)).astype(np.float32))
    g = fl.vmap(fl.grad(loss), in_axes=(None, 0))
    np.testing.assert_allclose(np.asarray(fl.jit(g)(w, xs)), np.asarray(g(w, xs)),
                               rtol=1e-5, atol=1e-6)
