"""The max/min-pool VJP (select_and_scatter_add): its tiling fast path puts every cotangent
exactly where the general path (window_argmax, then a scatter-add into zeros) puts it, bit for
bit, ties, NaN, infinities and signed zeros included; and max pooling's gradient under grad,
vmap and jit."""
from __future__ import annotations

import numpy as np
import pytest
import test_primitives  # noqa: F401  (first: it loads prim_cases_conv with the whole table)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prim_cases_conv import select_and_scatter_add_ref, window_config

import functorch_lite as fl
from functorch_lite import lax
from functorch_lite._src.array import Array
from functorch_lite._src.prims import conv as C
from functorch_lite._src.prims import indexing as ix
from functorch_lite._src.prims import pool_vjp
from functorch_lite.test_util import check_grads

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])
F32, F64 = np.dtype(np.float32), np.dtype(np.float64)


def old_path(ct, x, kind, *params):
    """The VJP as it was: window_argmax's flat positions, scatter-added into zeros."""
    idx = C.window_argmax(Array(x), kind, *params)
    zeros = Array(np.zeros(x.size + 1, ct.dtype))
    spread = np.asarray(ix.scatter(zeros, Array(ct), idx, mode="add"))
    return spread[:x.size].reshape(x.shape)


def bits(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a).view(f"i{a.dtype.itemsize}")


def assert_bit_equal(got, want) -> None:
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(bits(got), bits(want))


@st.composite
def pooling(draw):
    """Pooling over 1-3 trailing axes of (batch, channel, *spatial), windows side by side,
    sometimes with a trailing remainder no window reads."""
    nsp = draw(st.integers(1, 3))
    window = (1, 1) + tuple(draw(st.integers(1, 3)) for _ in range(nsp))
    shape = (draw(st.integers(1, 3)), draw(st.integers(1, 2))) + tuple(
        k * draw(st.integers(1, 3)) + draw(st.sampled_from([0, 0, 0, k - 1])) for k in window[2:])
    return shape, (window, window, ((0, 0),) * len(window), (1,) * len(window),
                   (1,) * len(window))


def draw_values(rng, domain: str, shape, dtype):
    if domain == "normal":
        return rng.standard_normal(shape).astype(dtype)
    if domain == "ties":  # small integers: many equal extrema
        return rng.integers(-1, 2, shape).astype(dtype)
    if domain == "relu":  # many zeros, as after a ReLU
        return np.maximum(rng.standard_normal(shape), 0).astype(dtype)
    special = rng.choice([np.nan, -np.inf, np.inf, 0.0, -0.0, 1.0, -1.0], shape)
    return special.astype(dtype)


def out_shape(shape, params):
    window, strides, pads, base, wdil = params
    return tuple(C.window_out_dim(n, lo, hi, bd, k, wd, s) for n, (lo, hi), bd, k, wd, s
                 in zip(shape, pads, base, window, wdil, strides))


@SETTINGS
@given(cfg=pooling(), kind=st.sampled_from(["max", "min"]), dtype=st.sampled_from([F32, F64]),
       domain=st.sampled_from(["normal", "ties", "relu", "special"]),
       seed=st.integers(0, 2**16))
def test_fast_path_is_bit_identical_to_argmax_and_scatter(cfg, kind, dtype, domain, seed):
    shape, params = cfg
    assert pool_vjp.is_tiling(shape, dtype, *params)
    rng = np.random.default_rng(seed)
    x = draw_values(rng, domain, shape, dtype)
    # cotangents with signed zeros and non-finite values too: each must land exactly
    ct = rng.choice([1.5, -2.0, 0.0, -0.0, np.inf, np.nan, 3.25],
                    out_shape(shape, params)).astype(dtype)
    want = old_path(ct, x, kind, *params)
    assert_bit_equal(C.select_and_scatter_add(Array(ct), Array(x), kind, *params), want)
    # with the forward's extrema passed along, as reduce_window's VJP binds it
    extremum = C.reduce_window_prim(kind, Array(x), *params)
    got = C.select_and_scatter_add_p.bind(Array(ct), Array(x), extremum, kind=kind,
                                          **C._window_params(*params))
    assert_bit_equal(got, want)
    # and through the VJP of the windowed reduction itself
    _, f_vjp = fl.vjp(lambda v: C.reduce_window_prim(kind, v, *params), Array(x))
    assert_bit_equal(f_vjp(Array(ct))[0], want)


@SETTINGS
@given(cfg=window_config(), kind=st.sampled_from(["max", "min"]),
       domain=st.sampled_from(["normal", "ties", "special"]), seed=st.integers(0, 2**16))
def test_general_windows_match_the_reference(cfg, kind, domain, seed):
    shape, params = cfg
    rng = np.random.default_rng(seed)
    x = draw_values(rng, domain, shape, F64)
    ct = rng.standard_normal(out_shape(shape, params))
    got = C.select_and_scatter_add(Array(ct), Array(x), kind, *params)
    assert_bit_equal(got, old_path(ct, x, kind, *params))
    if domain != "special":  # (the loop reference's `>` scan has no NaN rule)
        np.testing.assert_array_equal(np.asarray(got),
                                      select_and_scatter_add_ref(ct, x, kind, *params))


def test_first_extremum_wins_ties_and_nan_rule():
    x = np.array([[3.0, 3.0, 1.0, 5.0, 5.0, 5.0, np.nan, 2.0, 1.0, np.nan, 4.0, 4.0]])
    ct = np.array([[10.0, 20.0, 30.0, 40.0, 50.0, 60.0]])
    p = ((1, 2), (1, 2), ((0, 0), (0, 0)), (1, 1), (1, 1))
    got = np.asarray(C.select_and_scatter_add(Array(ct), Array(x), "max", *p))
    # ties: the first; a NaN first element wins; a later NaN never does
    np.testing.assert_array_equal(
        got, [[10.0, 0.0, 0.0, 20.0, 30.0, 0.0, 40.0, 0.0, 50.0, 0.0, 60.0, 0.0]])


def test_bad_cotangent_shape_raises():
    x = Array(np.zeros((4, 4)))
    p = ((2, 2), (2, 2), ((0, 0), (0, 0)), (1, 1), (1, 1))
    with pytest.raises(ValueError, match="windowed shape"):
        C.select_and_scatter_add(Array(np.zeros((3, 2))), x, "max", *p)
    with pytest.raises(ValueError, match="kind must be"):
        C.select_and_scatter_add(Array(np.zeros((2, 2))), x, "sum", *p)


def max_pool(x, window):
    return lax.reduce_window(x, -np.inf, lax.max, window, window, "VALID")


def distinct_values(rng, shape):
    n = int(np.prod(shape))
    return (rng.permutation(n).reshape(shape) + rng.uniform(-0.2, 0.2, shape)).astype(F64)


@settings(max_examples=10, deadline=None, derandomize=True)
@given(cfg=pooling(), seed=st.integers(0, 2**16))
def test_max_pool_grads_match_finite_differences(cfg, seed):
    shape, (window, *_) = cfg
    rng = np.random.default_rng(seed)
    x = distinct_values(rng, shape)  # no ties: the derivative exists
    w = rng.standard_normal(out_shape(shape, cfg[1]))
    check_grads(lambda v: (max_pool(v, window) * w).sum(), (x,), order=2,
                modes=("fwd", "rev"))
    # the VJP itself as a function of the cotangent (its own VJP is a gather)
    check_grads(lambda c: fl.vjp(lambda v: max_pool(v, window), x)[1](c)[0], (w,), order=2,
                modes=("fwd", "rev"))


@SETTINGS
@given(cfg=pooling(), axis=st.integers(0, 2), seed=st.integers(0, 2**16),
       domain=st.sampled_from(["normal", "ties", "special"]))
def test_vmap_of_grad_matches_a_loop(cfg, axis, seed, domain):
    shape, (window, *_) = cfg
    rng = np.random.default_rng(seed)
    axis = min(axis, len(shape))
    batch = 3
    xs = np.stack([draw_values(rng, domain, shape, F32) for _ in range(batch)], axis=axis)

    def f(v):
        return fl.grad(lambda u: (max_pool(u, window) * 1.5).sum())(v)

    got = fl.vmap(f, in_axes=axis)(xs)
    want = np.stack([np.asarray(f(np.take(xs, i, axis=axis))) for i in range(batch)])
    assert_bit_equal(got, want)


def test_vmap_with_unbatched_operand_and_batched_cotangent():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 6, 4)).astype(F32)
    cts = rng.standard_normal((5, 1, 3, 2)).astype(F32)
    _, f_vjp = fl.vjp(lambda v: max_pool(v, (2, 2, 2)), x)
    got = fl.vmap(lambda c: f_vjp(c)[0])(cts)
    assert_bit_equal(got, np.stack([np.asarray(f_vjp(c)[0]) for c in cts]))


@pytest.mark.parametrize("dtype", [F32, F64])
def test_jit_equals_eager(dtype):
    rng = np.random.default_rng(1)
    x = np.maximum(rng.standard_normal((3, 2, 8, 6)), 0).astype(dtype)  # ReLU ties

    def g(v):
        return fl.grad(lambda u: (max_pool(u, (1, 1, 2, 2)) ** 2).sum())(v)

    assert_bit_equal(fl.jit(g)(x), g(x))
