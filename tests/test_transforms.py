"""The composition matrix: every transformation nested in every other, checked against closed
forms, central finite differences (float64) and Python loops.

Covers grad^3, jacfwd(jacrev), hessian, vmap(grad), grad(vmap), vmap(vmap), jit of each of these,
vmap(jit(grad)); value_and_grad (argnums int/tuple, has_aux); vjp, jvp, linearize, jacfwd and jacrev
on pytrees; vmap's in_axes/out_axes/axis_size; stop_gradient; and per-thread trace state.
"""
from __future__ import annotations

import threading
from collections import namedtuple

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import functorch_lite as fl
import functorch_lite.numpy as jnp
from functorch_lite import lax

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True)
RNG = np.random.RandomState(0)


def f64(x) -> fl.Array:
    return jnp.asarray(np.asarray(x, np.float64))


def assert_close(got, want, atol=1e-7, rtol=1e-7):
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), atol=atol, rtol=rtol)


def num_grad(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central finite differences of scalar ``f`` (numpy in, float out)."""
    x = np.asarray(x, np.float64)
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = eps
        g[i] = (f(x + e) - f(x - e)) / (2 * eps)
    return g


def num_jac(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Jacobian of ``f`` (numpy in, numpy out) by central differences: shape out + in."""
    x = np.asarray(x, np.float64)
    cols = []
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = eps
        cols.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * eps))
    out_shape = np.shape(cols[0])
    return np.stack(cols, -1).reshape(out_shape + x.shape)


# ---- the test functions and their closed forms ---------------------------------------------------

# s(x) = sin(x) * x^2 + exp(x / 2)
def s(x):
    return jnp.sin(x) * x ** 2 + jnp.exp(x / 2.0)


def s1(x):
    return np.cos(x) * x ** 2 + 2 * x * np.sin(x) + 0.5 * np.exp(x / 2)


def s2(x):
    return -np.sin(x) * x ** 2 + 4 * x * np.cos(x) + 2 * np.sin(x) + 0.25 * np.exp(x / 2)


def s3(x):
    return (-np.cos(x) * x ** 2 - 6 * x * np.sin(x) + 6 * np.cos(x)
            + 0.125 * np.exp(x / 2))


A = RNG.standard_normal((4, 4))


def v(x):
    """A scalar function of a vector with cross terms (a dense Hessian)."""
    return jnp.sum(jnp.tanh(x) * (f64(A) @ x)) + jnp.sum(x ** 3) / 3.0


def v_grad_np(x):
    x = np.asarray(x, np.float64)
    t = np.tanh(x)
    return (1 - t ** 2) * (A @ x) + A.T @ t + x ** 2


def v_hess_np(x):
    return num_jac(v_grad_np, x)


def pair(a, b):
    """A two-argument elementwise function for vmap(vmap(...))."""
    return jnp.sin(a) * b + a * b ** 2


def pair_np(a, b):
    return np.sin(a) * b + a * b ** 2


X4 = RNG.uniform(-1.5, 1.5, 4)
POINTS = [-1.3, -0.2, 0.0, 0.7, 2.1]

jit = fl.jit
ident = lambda f: f  # noqa: E731
WRAPS = pytest.mark.parametrize("wrap", [ident, jit], ids=["eager", "jit"])


# ---- the composition matrix ----------------------------------------------------------------------


@WRAPS
@pytest.mark.parametrize("x", POINTS)
def test_grad_grad_grad(wrap, x):
    g1 = wrap(fl.grad(s))
    g2 = wrap(fl.grad(fl.grad(s)))
    g3 = wrap(fl.grad(fl.grad(fl.grad(s))))
    xa = f64(x)
    assert_close(g1(xa), s1(x))
    assert_close(g2(xa), s2(x))
    assert_close(g3(xa), s3(x))
    assert g3(xa).dtype == np.float64 and g3(xa).shape == ()


def test_grad_grad_grad_float32_stays_float32():
    out = fl.grad(fl.grad(fl.grad(s)))(jnp.asarray(0.5))
    assert out.dtype == np.float32
    assert_close(out, s3(0.5), atol=1e-4, rtol=1e-4)


@WRAPS
@pytest.mark.parametrize(
    "make", [
        lambda f: fl.jacfwd(fl.jacrev(f)),
        lambda f: fl.hessian(f),
        lambda f: fl.jacrev(fl.jacrev(f)),
        lambda f: fl.jacfwd(fl.jacfwd(f)),
        lambda f: fl.jacrev(fl.jacfwd(f)),
        lambda f: fl.jacfwd(fl.grad(f)),
    ],
    ids=["jacfwd(jacrev)", "hessian", "jacrev(jacrev)", "jacfwd(jacfwd)", "jacrev(jacfwd)",
         "jacfwd(grad)"],
)
def test_hessians(wrap, make):
    h = wrap(make(v))(f64(X4))
    want = v_hess_np(X4)
    assert h.shape == (4, 4) and h.dtype == np.float64
    assert_close(h, want, atol=1e-6, rtol=1e-6)
    assert_close(h, np.asarray(h).T, atol=1e-10)


@WRAPS
def test_jacobians_match_finite_differences(wrap):
    def f(x):
        return jnp.stack([jnp.sum(x ** 2), x[0] * x[1], jnp.sin(x[2]) * x[3]])

    def f_np(x):
        return np.stack([np.sum(x ** 2), x[0] * x[1], np.sin(x[2]) * x[3]])

    want = num_jac(f_np, X4)
    assert_close(wrap(fl.jacfwd(f))(f64(X4)), want, atol=1e-7)
    assert_close(wrap(fl.jacrev(f))(f64(X4)), want, atol=1e-7)


@WRAPS
def test_vmap_of_grad(wrap):
    xs = np.asarray(POINTS)
    got = wrap(fl.vmap(fl.grad(s)))(f64(xs))
    assert_close(got, [s1(x) for x in xs])


@WRAPS
def test_grad_of_vmap(wrap):
    xs = np.asarray(POINTS)
    got = wrap(fl.grad(lambda x: fl.vmap(s)(x).sum()))(f64(xs))
    assert_close(got, s1(xs))


@WRAPS
def test_vmap_of_vmap(wrap):
    a = RNG.standard_normal((3, 5))
    b = RNG.standard_normal((3, 5))
    got = wrap(fl.vmap(fl.vmap(pair)))(f64(a), f64(b))
    want = np.array([[pair_np(a[i, j], b[i, j]) for j in range(5)] for i in range(3)])
    assert_close(got, want)
    # the inner map over a different axis: pair row i of a with column j of b
    c = RNG.standard_normal((5, 4))
    got = wrap(fl.vmap(fl.vmap(pair, in_axes=(None, 1)), in_axes=(0, None)))(f64(a), f64(c))
    want = np.array([[pair_np(a[i], c[:, j]) for j in range(4)] for i in range(3)])
    assert got.shape == (3, 4, 5)
    assert_close(got, want)


@WRAPS
def test_vmap_of_hessian(wrap):
    xs = RNG.uniform(-1, 1, (3, 4))
    got = wrap(fl.vmap(fl.hessian(v)))(f64(xs))
    assert_close(got, np.stack([v_hess_np(x) for x in xs]), atol=1e-6, rtol=1e-6)


def test_vmap_of_jit_of_grad():
    xs = np.asarray(POINTS)
    got = fl.vmap(fl.jit(fl.grad(s)))(f64(xs))
    assert_close(got, [s1(x) for x in xs])
    got = fl.vmap(fl.jit(fl.grad(fl.grad(s))))(f64(xs))
    assert_close(got, [s2(x) for x in xs])


def test_grad_of_jit_and_jit_inside_grad():
    x = f64(0.7)
    assert_close(fl.grad(fl.jit(s))(x), s1(0.7))
    assert_close(fl.grad(lambda y: fl.jit(s)(y) * 2.0)(x), 2 * s1(0.7))
    assert_close(fl.grad(fl.grad(fl.jit(s)))(x), s2(0.7))


def test_jvp_of_grad_and_grad_of_jvp():
    x = f64(0.4)
    _, t = fl.jvp(fl.grad(s), (x,), (f64(1.0),))
    assert_close(t, s2(0.4))
    g = fl.grad(lambda y: fl.jvp(s, (y,), (f64(1.0),))[1])(x)
    assert_close(g, s2(0.4))


@settings(max_examples=10, deadline=None, derandomize=True)
@given(st.lists(st.floats(-2, 2), min_size=1, max_size=5), st.sampled_from([ident, jit]))
def test_vmap_grad_matches_loop_drawn(xs, wrap):
    got = wrap(fl.vmap(fl.grad(s)))(f64(xs))
    assert_close(got, [s1(x) for x in xs], atol=1e-9, rtol=1e-9)


# ---- value_and_grad ----------------------------------------------------------------------------


def loss(w, b, x):
    return jnp.sum((x @ w + b) ** 2)


W = RNG.standard_normal((3, 2))
B = RNG.standard_normal(2)
XB = RNG.standard_normal((5, 3))


def loss_np(w, b, x):
    return float(np.sum((x @ w + b) ** 2))


@WRAPS
def test_value_and_grad_argnums_int(wrap):
    val, g = wrap(fl.value_and_grad(loss))(f64(W), f64(B), f64(XB))
    assert_close(val, loss_np(W, B, XB))
    assert_close(g, num_grad(lambda w: loss_np(w, B, XB), W), atol=1e-6)
    val, g = wrap(fl.value_and_grad(loss, argnums=1))(f64(W), f64(B), f64(XB))
    assert_close(g, num_grad(lambda b: loss_np(W, b, XB), B), atol=1e-6)
    g = wrap(fl.grad(loss, argnums=-1))(f64(W), f64(B), f64(XB))
    assert_close(g, num_grad(lambda x: loss_np(W, B, x), XB), atol=1e-6)


@WRAPS
def test_value_and_grad_argnums_tuple(wrap):
    val, g = wrap(fl.value_and_grad(loss, argnums=(0, 2)))(f64(W), f64(B), f64(XB))
    assert isinstance(g, tuple) and len(g) == 2
    assert_close(g[0], num_grad(lambda w: loss_np(w, B, XB), W), atol=1e-6)
    assert_close(g[1], num_grad(lambda x: loss_np(W, B, x), XB), atol=1e-6)
    (g1,) = wrap(fl.grad(loss, argnums=(1,)))(f64(W), f64(B), f64(XB))
    assert_close(g1, num_grad(lambda b: loss_np(W, b, XB), B), atol=1e-6)


@WRAPS
def test_value_and_grad_has_aux(wrap):
    def f(w, b, x):
        pred = x @ w + b
        return jnp.sum(pred ** 2), {"pred": pred, "n": x.shape[0]}

    (val, aux), g = wrap(fl.value_and_grad(f, has_aux=True))(f64(W), f64(B), f64(XB))
    assert_close(val, loss_np(W, B, XB))
    assert_close(aux["pred"], XB @ W + B)
    assert isinstance(aux["pred"], fl.Array)  # not a tracer
    assert_close(g, num_grad(lambda w: loss_np(w, B, XB), W), atol=1e-6)
    g2, aux2 = fl.grad(f, argnums=(0, 1), has_aux=True)(f64(W), f64(B), f64(XB))
    assert_close(g2[1], num_grad(lambda b: loss_np(W, b, XB), B), atol=1e-6)
    assert_close(aux2["pred"], XB @ W + B)


def test_grad_of_unused_argument_is_zero_and_constant_output():
    g = fl.grad(lambda x, y: jnp.sum(x ** 2), argnums=1)(f64([1.0, 2.0]), f64([3.0]))
    assert_close(g, [0.0])
    assert fl.grad(lambda x: 3.0)(f64(2.0)) == 0.0


def test_grad_accepts_python_float_and_pytree_argument():
    assert_close(fl.grad(lambda x: x * x)(3.0), 6.0)
    g = fl.grad(lambda p: p["a"] * p["b"][0] + p["b"][1] ** 2)(
        {"a": f64(2.0), "b": (f64(3.0), f64(4.0))})
    assert_close(g["a"], 3.0)
    assert_close(g["b"][0], 2.0)
    assert_close(g["b"][1], 8.0)


# ---- vjp, jvp, linearize on pytrees -----------------------------------------------------------


def tree_fn(p):
    """Pytree in (dict with a tuple), pytree out (tuple with a dict)."""
    a, (b, c) = p["a"], p["bc"]
    return (a * b, {"s": jnp.sum(jnp.sin(c)) * a[0], "t": c ** 2})


P = {"a": RNG.standard_normal(3), "bc": (RNG.standard_normal(3), RNG.standard_normal(2))}


def to_tree(p):
    return fl.tree_util.tree_map(f64, p)


def flat_in(vec):
    """numpy vector -> numpy pytree of P's structure."""
    return {"a": vec[:3], "bc": (vec[3:6], vec[6:8])}


def tree_fn_np_flat(vec):
    p = flat_in(vec)
    a, (b, c) = p["a"], p["bc"]
    return np.concatenate([a * b, [np.sum(np.sin(c)) * a[0]], c ** 2])


VEC = np.concatenate([P["a"], P["bc"][0], P["bc"][1]])
JAC = num_jac(tree_fn_np_flat, VEC)  # (3 + 1 + 2) x 8


def flatten_out(out):
    return np.concatenate([np.asarray(out[0]).ravel(), np.asarray(out[1]["s"]).ravel(),
                           np.asarray(out[1]["t"]).ravel()])


def flatten_in(p):
    return np.concatenate([np.asarray(p["a"]), np.asarray(p["bc"][0]),
                           np.asarray(p["bc"][1])])


def test_jvp_pytree():
    t = RNG.standard_normal(8)
    out, t_out = fl.jvp(tree_fn, (to_tree(P),), (to_tree(flat_in(t)),))
    assert_close(flatten_out(out), tree_fn_np_flat(VEC))
    assert_close(flatten_out(t_out), JAC @ t, atol=1e-7)
    assert set(t_out[1]) == {"s", "t"}


def test_vjp_pytree():
    u = RNG.standard_normal(6)
    out, pullback = fl.vjp(tree_fn, to_tree(P))
    ct = (f64(u[:3]), {"s": f64(u[3]), "t": f64(u[4:])})
    (g,) = pullback(ct)
    assert set(g) == {"a", "bc"} and isinstance(g["bc"], tuple)
    assert_close(flatten_in(g), u @ JAC, atol=1e-7)
    # the pullback can be called again, and under jit
    (g2,) = fl.jit(pullback)(ct)
    assert_close(flatten_in(g2), u @ JAC, atol=1e-7)


def test_vjp_has_aux_and_several_primals():
    out, pullback, aux = fl.vjp(lambda a, b: (a * b, a + b), f64([1.0, 2.0]), f64([3.0, 4.0]),
                                has_aux=True)
    ga, gb = pullback(f64([1.0, 1.0]))
    assert_close(ga, [3.0, 4.0])
    assert_close(gb, [1.0, 2.0])
    assert_close(aux, [4.0, 6.0])


def test_jvp_has_aux_and_scalar_args():
    y, t, aux = fl.jvp(lambda x: (jnp.sin(x), x * 2.0), (f64(0.5),), (f64(2.0),), has_aux=True)
    assert_close(t, 2 * np.cos(0.5))
    assert_close(aux, 1.0)


def test_linearize_pytree_and_reuse():
    y, f_jvp = fl.linearize(tree_fn, to_tree(P))
    assert_close(flatten_out(y), tree_fn_np_flat(VEC))
    for _ in range(2):
        t = RNG.standard_normal(8)
        assert_close(flatten_out(f_jvp(to_tree(flat_in(t)))), JAC @ t, atol=1e-7)


def test_linearize_matches_jvp_scalar():
    y, f_jvp = fl.linearize(s, f64(1.1))
    assert_close(y, np.sin(1.1) * 1.21 + np.exp(0.55))
    assert_close(f_jvp(f64(3.0)), 3.0 * s1(1.1))


@pytest.mark.parametrize("jac", [fl.jacfwd, fl.jacrev])
def test_jacobian_pytree_in_and_out(jac):
    J = jac(tree_fn)(to_tree(P))
    # J has the output's structure, and under each output leaf the input's structure
    assert isinstance(J, tuple) and set(J[1]) == {"s", "t"}
    assert set(J[0]) == {"a", "bc"}
    rows = [(J[0], 3), (J[1]["s"], 1), (J[1]["t"], 2)]
    full = np.concatenate([
        np.concatenate([np.asarray(blk["a"]).reshape(n, 3),
                        np.asarray(blk["bc"][0]).reshape(n, 3),
                        np.asarray(blk["bc"][1]).reshape(n, 2)], 1)
        for blk, n in rows])
    assert J[1]["s"]["a"].shape == (3,)  # scalar output: the input's shape
    assert J[1]["t"]["bc"][1].shape == (2, 2)
    assert_close(full, JAC, atol=1e-7)


@pytest.mark.parametrize("jac", [fl.jacfwd, fl.jacrev])
def test_jacobian_argnums_tuple_and_has_aux(jac):
    def f(x, y):
        return x * y[0] + jnp.sin(y), {"aux": x.sum()}

    x, y = f64([1.0, 2.0]), f64([0.5, -0.3])
    (jx, jy), aux = jac(f, argnums=(0, 1), has_aux=True)(x, y)
    assert_close(jx, np.diag([0.5, 0.5]))
    assert_close(jy, np.array([[1 + np.cos(0.5), 0.0], [2.0, np.cos(-0.3)]]))
    assert_close(aux["aux"], 3.0)


# ---- vmap axes ---------------------------------------------------------------------------------


@st.composite
def shape_and_axes(draw):
    ndim = draw(st.integers(1, 3))
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=ndim, max_size=ndim)))
    in_axis = draw(st.integers(-ndim, ndim - 1))
    out_ndim = ndim  # f below keeps the per-example rank
    out_axis = draw(st.integers(-out_ndim, out_ndim - 1))
    return shape, in_axis, out_axis


@SETTINGS
@given(shape_and_axes(), st.sampled_from([ident, jit]))
def test_vmap_in_out_axes_drawn(case, wrap):
    shape, in_axis, out_axis = case
    x = RNG.standard_normal(shape)
    y = RNG.standard_normal(shape[:in_axis % len(shape)] + shape[in_axis % len(shape) + 1:])

    def f(a, b):  # per example: a and b have the same shape (rank ndim - 1)
        return jnp.expand_dims(jnp.sin(a) * b, 0) + jnp.sum(a)

    got = wrap(fl.vmap(f, in_axes=(in_axis, None), out_axes=out_axis))(f64(x), f64(y))
    ax = in_axis % len(shape)
    per = [np.expand_dims(np.sin(xi) * y, 0) + np.sum(xi) for xi in np.moveaxis(x, ax, 0)]
    want = np.stack(per, axis=out_axis)
    assert got.shape == want.shape
    assert_close(got, want)


def test_vmap_in_axes_pytrees():
    d = {"w": RNG.standard_normal((3, 2)), "b": RNG.standard_normal(2)}
    xs = RNG.standard_normal((2, 5))  # mapped along axis 1

    def f(params, x):
        return params["w"] @ x + params["b"][0]

    got = fl.vmap(f, in_axes=({"w": None, "b": None}, 1))(to_tree(d), f64(xs))
    want = np.stack([d["w"] @ xs[:, j] + d["b"][0] for j in range(5)])
    assert_close(got, want)
    # a tuple of in_axes for a tuple argument, plus None as a whole-argument prefix
    got = fl.vmap(lambda t, c: t[0] * t[1] + c, in_axes=((0, 1), None))(
        (f64(np.ones((4, 3))), f64(np.arange(12.0).reshape(3, 4))), f64(1.0))
    assert_close(got, np.arange(12.0).reshape(3, 4).T + 1.0)
    # in_axes as a list behaves like a tuple
    got = fl.vmap(jnp.dot, in_axes=[0, None])(f64(np.ones((3, 2))), f64([1.0, 2.0]))
    assert_close(got, [3.0, 3.0, 3.0])


def test_vmap_out_axes_pytree_and_none():
    x = RNG.standard_normal((4, 3))

    def f(a):
        return {"row": a, "const": f64(np.ones(2))}, jnp.sum(a)

    out = fl.vmap(f, out_axes=({"row": 1, "const": None}, 0))(f64(x))
    assert_close(out[0]["row"], x.T)
    assert out[0]["const"].shape == (2,)  # unbatched output with out_axes None stays as is
    assert_close(out[1], x.sum(1))
    # an unbatched output with an int out_axes is broadcast along the batch
    out = fl.vmap(lambda a: f64(np.ones(2)), out_axes=1)(f64(x))
    assert out.shape == (2, 4)


def test_vmap_axis_size_with_all_none_in_axes():
    out = fl.vmap(lambda a: a * 2.0, in_axes=None, axis_size=3)(f64([1.0, 2.0]))
    assert_close(out, [[2.0, 4.0]] * 3)
    out = fl.vmap(lambda: f64(5.0), axis_size=2)()
    assert_close(out, [5.0, 5.0])


def test_vmap_kwargs_are_mapped_on_axis_zero():
    out = fl.vmap(lambda a, *, b: a * b)(f64([1.0, 2.0]), b=f64([3.0, 4.0]))
    assert_close(out, [3.0, 8.0])


def test_vmap_with_integer_and_bool_inputs():
    out = fl.vmap(lambda i, m: jnp.where(m, i * 2, i))(
        jnp.asarray([1, 2, 3]), jnp.asarray([True, False, True]))
    assert out.dtype == np.int32
    assert_close(out, [2, 2, 6])


def test_vmap_of_indexing_and_reductions():
    x = RNG.standard_normal((3, 4, 5))
    got = fl.vmap(lambda a: a[1:, ::2].sum(axis=0) + a[0, jnp.asarray([4, 0])].sum())(f64(x))
    want = np.stack([a[1:, ::2].sum(0) + a[0, [4, 0]].sum() for a in x])
    assert_close(got, want)


# ---- stop_gradient ------------------------------------------------------------------------------


@WRAPS
def test_stop_gradient(wrap):
    x = f64([1.0, 2.0, 3.0])
    g = wrap(fl.grad(lambda a: jnp.sum(a * lax.stop_gradient(a))))(x)
    assert_close(g, [1.0, 2.0, 3.0])  # d/da (a * const) with const = a
    _, t = fl.jvp(lambda a: lax.stop_gradient(a) ** 2 + a, (x,), (jnp.ones_like(x),))
    assert_close(t, [1.0, 1.0, 1.0])
    # second order: the stopped factor stays constant
    gg = wrap(fl.grad(fl.grad(lambda a: a ** 2 * lax.stop_gradient(a ** 2))))(f64(3.0))
    assert_close(gg, 2 * 9.0)
    # a pytree
    tree = lax.stop_gradient({"a": x, "b": (x,)})
    assert_close(tree["b"][0], x)
    # under vmap and jacrev
    assert_close(fl.vmap(fl.grad(lambda a: a * lax.stop_gradient(a)))(x), x)
    assert_close(fl.jacrev(lambda a: a * lax.stop_gradient(a))(x), np.diag([1.0, 2.0, 3.0]))


# ---- per-thread trace state ----------------------------------------------------------------------


def test_trace_state_is_per_thread():
    """Two threads trace at the same time; a barrier inside each traced function makes sure both
    transformations are in progress together."""
    n_rounds = 20
    barrier = threading.Barrier(2, timeout=30)
    errors: list = []
    results: dict = {"a": [], "b": []}
    xs = np.linspace(-1.0, 1.0, 5)

    def fa(x):
        y = jnp.sin(x) * x
        barrier.wait()  # thread b is inside its own trace now
        return jnp.sum(y * 2.0)

    def fb(x):
        y = jnp.cos(x)
        barrier.wait()
        return y ** 2 + 1.0

    def run(name, fn):
        try:
            for k in range(n_rounds):
                results[name].append(np.asarray(fn(f64(xs + k))))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)
            barrier.abort()

    # a: eager grad (and every few rounds jit of grad); b: jit of vmap (fresh jit each round
    # so that it traces)
    def thread_a_fn(x):
        return fl.grad(fa)(x)

    def thread_b_fn(x):
        return fl.jit(fl.vmap(fb))(x)

    ta = threading.Thread(target=run, args=("a", thread_a_fn))
    tb = threading.Thread(target=run, args=("b", thread_b_fn))
    ta.start()
    tb.start()
    ta.join(60)
    tb.join(60)
    assert not errors, errors
    for k in range(n_rounds):
        x = xs + k
        assert_close(results["a"][k], 2 * (np.cos(x) * x + np.sin(x)))
        assert_close(results["b"][k], np.cos(x) ** 2 + 1.0)


def test_threads_vmap_and_jit_of_grad_concurrently():
    barrier = threading.Barrier(2, timeout=30)
    out: dict = {}
    errors: list = []

    def g(x):
        barrier.wait()
        return jnp.sum(x ** 3)

    def h(x):
        barrier.wait()
        return jnp.tanh(x) * 3.0

    def run(name, fn, x):
        try:
            out[name] = np.asarray(fn(x))
        except Exception as e:  # pragma: no cover
            errors.append(e)
            barrier.abort()

    x = f64([0.5, -1.0, 2.0])
    t1 = threading.Thread(target=run, args=("g", fl.jit(fl.grad(g)), x))
    t2 = threading.Thread(target=run, args=("h", fl.vmap(h), x))
    t1.start()
    t2.start()
    t1.join(60)
    t2.join(60)
    assert not errors, errors
    assert_close(out["g"], 3 * np.asarray(x) ** 2)
    assert_close(out["h"], np.tanh(np.asarray(x)) * 3.0)


def test_namedtuple_through_grad_and_vmap():
    Params = namedtuple("Params", ["w", "b"])
    p = Params(f64([1.0, 2.0]), f64(0.5))
    g = fl.grad(lambda q: jnp.sum(q.w ** 2) + q.b * 3.0)(p)
    assert isinstance(g, Params)
    assert_close(g.w, [2.0, 4.0])
    assert_close(g.b, 3.0)
    out = fl.vmap(lambda q: q.w * q.b, in_axes=(Params(0, None),))(p)
    assert_close(out, [0.5, 1.0])


# ---- more compositions -------------------------------------------------------------------------


def test_no_perturbation_confusion():
    assert_close(fl.grad(lambda x: fl.grad(lambda y: x * y)(3.0))(f64(2.0)), 1.0)
    assert_close(fl.grad(lambda x: x * fl.grad(lambda y: x + y)(1.0))(f64(2.0)), 1.0)
    _, t = fl.jvp(lambda x: x * fl.jvp(lambda y: x + y, (1.0,), (1.0,))[1], (2.0,), (1.0,))
    assert_close(t, 1.0)
    assert_close(fl.grad(lambda x: x * fl.jvp(lambda y: x * y, (1.0,), (1.0,))[1])(f64(2.0)), 4.0)
    out = fl.vmap(lambda x: fl.vmap(lambda y: x * y)(f64([1.0, 2.0])))(f64([3.0, 4.0]))
    assert_close(out, [[3.0, 6.0], [4.0, 8.0]])


def test_jacobians_of_vmap_with_axes():
    x = RNG.standard_normal((3, 4))
    want = np.zeros((3, 4, 3, 4))
    for i, j in np.ndindex(3, 4):
        want[i, j, i, j] = np.cos(x[i, j])
    g = lambda a: fl.vmap(jnp.sin, in_axes=1, out_axes=1)(a)  # noqa: E731
    assert_close(fl.jacrev(g)(f64(x)), want)
    assert_close(fl.jacfwd(g)(f64(x)), want)
    assert_close(fl.jit(fl.jacrev(g))(f64(x)), want)


def test_vmap_of_jacobians():
    def g(x):
        return jnp.sum(jnp.tanh(x)[:, None] * x[None, :] ** 2)

    xs = RNG.standard_normal((3, 4))
    want = np.stack([num_jac(lambda v: np.asarray(fl.grad(g)(f64(v))), x) for x in xs])
    assert_close(fl.vmap(fl.jacfwd(fl.grad(g)))(f64(xs)), want, atol=1e-6)
    assert_close(fl.vmap(fl.jacrev(fl.grad(g)))(f64(xs)), want, atol=1e-6)
    assert_close(fl.jit(fl.vmap(fl.hessian(g)))(f64(xs)), want, atol=1e-6)


def test_vmap_of_pullback_and_linearized_map():
    x = RNG.standard_normal(4)
    _, pullback = fl.vjp(lambda v: jnp.sin(v) * 2.0, f64(x))
    assert_close(fl.vmap(pullback)(f64(np.eye(4)))[0], np.diag(2 * np.cos(x)))
    _, f_jvp = fl.linearize(lambda v: jnp.sin(v) * 2.0, f64(x))
    assert_close(fl.vmap(f_jvp)(f64(np.eye(4))), np.diag(2 * np.cos(x)))
    jvp_rows = fl.vmap(lambda t: fl.jvp(jnp.sin, (f64(x),), (t,))[1])(f64(np.eye(4)))
    assert_close(jvp_rows, np.diag(np.cos(x)))
    assert_close(fl.jit(lambda v, ct: fl.vjp(jnp.sin, v)[1](ct)[0])(f64(x), f64(np.ones(4))),
                 np.cos(x))
    assert_close(fl.jvp(fl.vmap(jnp.sin), (f64(x),), (f64(np.ones(4)),))[1], np.cos(x))


@WRAPS
def test_cond_under_transformations(wrap):
    def f(v):
        return lax.cond(v > 0, lambda a: a ** 2, lambda a: -a, v)

    assert_close(wrap(fl.grad(f))(f64(3.0)), 6.0)
    assert_close(wrap(fl.grad(f))(f64(-3.0)), -1.0)
    assert_close(wrap(fl.vmap(fl.grad(f)))(f64([-3.0, 3.0])), [-1.0, 6.0])
    assert_close(wrap(fl.vmap(f))(f64([-1.0, 2.0])), [1.0, 4.0])


@WRAPS
def test_batched_indices_under_vmap_and_grad(wrap):
    x = RNG.standard_normal((3, 4))
    idx = jnp.asarray([0, 1, 3])
    assert_close(wrap(fl.vmap(lambda r, i: r[i]))(f64(x), idx), x[[0, 1, 2], [0, 1, 3]])
    assert_close(wrap(fl.vmap(lambda r, i: r.at[i].add(1.0)))(f64(x), idx),
                 x + np.eye(4)[[0, 1, 3]])
    assert_close(wrap(fl.vmap(lambda i: jnp.zeros(3).at[i].set(1.0)))(jnp.asarray([0, 2])),
                 [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    g = wrap(fl.grad(lambda a: fl.vmap(lambda r, i: r[i])(a, idx).sum()))(f64(x))
    assert_close(g, np.eye(4)[[0, 1, 3]])


def test_jit_inside_other_transformations():
    x = RNG.standard_normal(4)
    jsin = fl.jit(jnp.sin)
    g = fl.grad(lambda v: (jsin(v) + jsin(v * 2.0)).sum())(f64(x))
    assert_close(g, np.cos(x) + 2 * np.cos(2 * x))
    powered = fl.jit(lambda v, n: v ** n, static_argnums=1)
    assert_close(fl.vmap(powered, in_axes=(0, None))(f64(x), 3), x ** 3)
    assert_close(fl.grad(lambda v: jnp.sum(powered(v, 3)))(f64(x)), 3 * x ** 2)
    assert_close(fl.jit(fl.vmap(lambda a, c: a * c, in_axes=(0, None)))(f64(x), 3.0), 3 * x)
    out = fl.vmap(fl.jit(fl.vmap(lambda a: a.sum())))(f64(RNG.standard_normal((2, 3, 4))))
    assert out.shape == (2, 3)
