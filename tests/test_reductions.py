"""functorch_lite.numpy reductions: values against numpy (float32/float64, ints, NaNs for the nan*
family), derivatives to second order in both modes, vmap against a Python loop, jit against
eager, dtype rules and errors."""
from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import functorch_lite as fl
import functorch_lite.numpy as jnp
from functorch_lite.test_util import check_grads

# Slices with nothing to average (all NaN, or fewer elements than ddof) give NaN with numpy's 0/0
# warning, as numpy's own functions do.
pytestmark = pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning",
                                        "ignore:divide by zero:RuntimeWarning")

SETTINGS = settings(max_examples=20, deadline=None, derandomize=True)
GRAD_SETTINGS = settings(max_examples=8, deadline=None, derandomize=True)
FLOATS = (np.float32, np.float64)


def distinct(rng, shape, dtype=np.float64, nan_frac=0.0, zero_frac=0.0):
    """Values at least 0.3 apart (no ties), optionally with NaNs and exact zeros."""
    n = int(np.prod(shape, dtype=np.int64))
    x = (rng.permutation(n) - n / 2 + 0.25) * 0.37 + rng.uniform(-0.02, 0.02, n)
    x = x.reshape(shape)
    if zero_frac:
        x = np.where(rng.random(shape) < zero_frac, 0.0, x)
    if nan_frac:
        x = np.where(rng.random(shape) < nan_frac, np.nan, x)
    return x.astype(dtype)


@st.composite
def shape_and_axis(draw, min_dims=1, tuple_axes=True):
    shape = tuple(draw(st.integers(1, 4)) for _ in range(draw(st.integers(min_dims, 3))))
    kinds = ["none", "int"] + (["tuple"] if tuple_axes else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "none" or not shape:
        axis = None
    elif kind == "int":
        axis = draw(st.integers(-len(shape), len(shape) - 1))
    else:
        axis = tuple(draw(st.sets(st.integers(0, len(shape) - 1), min_size=1)))
    return shape, axis, draw(st.booleans())


def _close(got, want, dtype):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    tol = 2e-5 if np.dtype(dtype) == np.float32 else 1e-11
    np.testing.assert_allclose(got, want.astype(got.dtype), rtol=tol, atol=tol)


# name: (functorch_lite function of (x, axis, keepdims), numpy reference, nan_frac, zeros, grad)
def _kw(f):
    return lambda x, axis, keepdims: f(x, axis=axis, keepdims=keepdims)


def _q(f, q, method="linear"):
    return lambda x, axis, keepdims: f(x, q, axis=axis, keepdims=keepdims, method=method)


CASES: dict[str, tuple[Callable, Callable, float, float, bool]] = {
    "sum": (_kw(jnp.sum), _kw(np.sum), 0, 0, True),
    "prod": (_kw(jnp.prod), _kw(np.prod), 0, 0.3, True),
    "mean": (_kw(jnp.mean), _kw(np.mean), 0, 0, True),
    "var": (_kw(jnp.var), _kw(np.var), 0, 0, True),
    "var_ddof": (lambda x, axis, keepdims: jnp.var(x, axis, ddof=1, keepdims=keepdims),
                 lambda x, axis, keepdims: np.var(x, axis, ddof=1, keepdims=keepdims), 0, 0,
                 True),
    "std": (_kw(jnp.std), _kw(np.std), 0, 0, True),
    "std_correction": (
        lambda x, axis, keepdims: jnp.std(x, axis, correction=1, keepdims=keepdims),
        lambda x, axis, keepdims: np.std(x, axis, ddof=1, keepdims=keepdims), 0, 0, True),
    "max": (_kw(jnp.max), _kw(np.max), 0, 0, True),
    "amin": (_kw(jnp.amin), _kw(np.amin), 0, 0, True),
    "ptp": (_kw(jnp.ptp), _kw(np.ptp), 0, 0, True),
    "max_initial": (lambda x, axis, keepdims: jnp.max(x, axis, keepdims=keepdims, initial=0.1),
                    lambda x, axis, keepdims: np.max(x, axis, keepdims=keepdims, initial=0.1),
                    0, 0, True),
    "sum_where": (
        lambda x, axis, keepdims: jnp.sum(x, axis, keepdims=keepdims, where=x > 0, initial=1.0),
        lambda x, axis, keepdims: np.sum(x, axis, keepdims=keepdims, where=x > 0, initial=1.0),
        0, 0, True),
    "prod_where": (
        lambda x, axis, keepdims: jnp.prod(x, axis, keepdims=keepdims, where=x < 1),
        lambda x, axis, keepdims: np.prod(x, axis, keepdims=keepdims, where=x < 1), 0, 0, True),
    "min_where": (
        lambda x, axis, keepdims: jnp.min(x, axis, keepdims=keepdims, where=x > 0, initial=9.0),
        lambda x, axis, keepdims: np.min(x, axis, keepdims=keepdims, where=x > 0, initial=9.0),
        0, 0, True),
    "count_nonzero": (lambda x, axis, keepdims: jnp.count_nonzero(x, axis, keepdims),
                      lambda x, axis, keepdims: np.count_nonzero(x, axis, keepdims=keepdims),
                      0, 0.3, False),
    "all": (lambda x, axis, keepdims: jnp.all(x > 0, axis, keepdims=keepdims),
            lambda x, axis, keepdims: np.all(x > 0, axis, keepdims=keepdims), 0, 0, False),
    "any_where": (lambda x, axis, keepdims: jnp.any(x > 0, axis, keepdims=keepdims, where=x < 1),
                  lambda x, axis, keepdims: np.any(x > 0, axis, keepdims=keepdims, where=x < 1),
                  0, 0, False),
    "nansum": (_kw(jnp.nansum), _kw(np.nansum), 0.25, 0, True),
    "nanprod": (_kw(jnp.nanprod), _kw(np.nanprod), 0.25, 0.2, True),
    "nanmean": (_kw(jnp.nanmean), _kw(np.nanmean), 0.2, 0, True),
    "nanvar": (_kw(jnp.nanvar), _kw(np.nanvar), 0.2, 0, True),
    "nanstd": (_kw(jnp.nanstd), _kw(np.nanstd), 0.2, 0, True),
    "nanmax": (_kw(jnp.nanmax), _kw(np.nanmax), 0.25, 0, True),
    "nanmin": (_kw(jnp.nanmin), _kw(np.nanmin), 0.25, 0, True),
    "median": (_kw(jnp.median), _kw(np.median), 0, 0, True),
    "nanmedian": (_kw(jnp.nanmedian), _kw(np.nanmedian), 0.2, 0, True),
    "quantile_linear": (_q(jnp.quantile, 0.3), _q(np.quantile, 0.3), 0, 0, True),
    "quantile_vector": (_q(jnp.quantile, [0.0, 0.7, 1.0]), _q(np.quantile, [0.0, 0.7, 1.0]),
                        0, 0, True),
    "quantile_nan_gives_nan": (_q(jnp.quantile, 0.4), _q(np.quantile, 0.4), 0.2, 0, True),
    "nanquantile_lower": (_q(jnp.nanquantile, 0.4, "lower"), _q(np.nanquantile, 0.4, "lower"),
                          0.2, 0, True),
    "quantile_higher": (_q(jnp.quantile, 0.4, "higher"), _q(np.quantile, 0.4, "higher"), 0, 0,
                        True),
    "quantile_midpoint": (_q(jnp.quantile, [0.25, 0.6], "midpoint"),
                          _q(np.quantile, [0.25, 0.6], "midpoint"), 0, 0, True),
    "quantile_nearest": (_q(jnp.quantile, [0.5, 0.2, 0.9], "nearest"),
                         _q(np.quantile, [0.5, 0.2, 0.9], "nearest"), 0, 0, True),
    "percentile": (_q(jnp.percentile, 35.0), _q(np.percentile, 35.0), 0, 0, True),
    "nanpercentile": (_q(jnp.nanpercentile, [10, 90]), _q(np.nanpercentile, [10, 90]), 0.2, 0,
                      True),
    "average_weights": (
        lambda x, axis, keepdims: jnp.average(x, axis, weights=jnp.abs(x) + 0.5,
                                              keepdims=keepdims),
        lambda x, axis, keepdims: np.average(x, axis, weights=np.abs(x) + 0.5,
                                             keepdims=keepdims), 0, 0, True),
}
NAMES = sorted(CASES)
INT_CASES = ["sum", "prod", "max", "amin", "ptp", "count_nonzero", "all", "mean", "var",
             "median", "quantile_nearest", "average_weights"]


def _draw_input(data, name, dtype):
    _, _, nan_frac, zero_frac, _ = CASES[name]
    shape, axis, keepdims = data.draw(shape_and_axis())
    rng = np.random.default_rng(data.draw(st.integers(0, 2**31 - 1)))
    return distinct(rng, shape, dtype, nan_frac, zero_frac), axis, keepdims


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(data=st.data())
def test_values_against_numpy(name, data):
    f, ref, *_ = CASES[name]
    dtype = data.draw(st.sampled_from(FLOATS))
    x, axis, keepdims = _draw_input(data, name, dtype)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (numpy warns about all-NaN slices)
        want = ref(x, axis, keepdims)
    got = f(jnp.asarray(x), axis, keepdims)
    if np.asarray(want).dtype.kind in "fc":
        _close(got, want, dtype)
    else:
        np.testing.assert_array_equal(np.asarray(got), want)


@pytest.mark.parametrize("name", INT_CASES)
@SETTINGS
@given(data=st.data())
def test_integer_inputs_against_numpy(name, data):
    f, ref, *_ = CASES[name]
    shape, axis, keepdims = data.draw(shape_and_axis())
    rng = np.random.default_rng(data.draw(st.integers(0, 2**31 - 1)))
    x = rng.integers(-3, 4, shape).astype(np.int32)
    got = np.asarray(f(jnp.asarray(x), axis, keepdims))
    want = np.asarray(ref(x, axis, keepdims))
    if got.dtype.kind in "iub":
        np.testing.assert_array_equal(got, want)
    else:  # integer means/variances/quantiles are the default float
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", [n for n in NAMES if CASES[n][4]])
@GRAD_SETTINGS
@given(data=st.data())
def test_derivatives_second_order(name, data):
    f, ref = CASES[name][:2]
    x, axis, keepdims = _draw_input(data, name, np.float64)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # (a NaN result, from a slice with no numbers, has no derivative to compare)
        assume(np.all(np.isfinite(ref(x, axis, keepdims))))
    check_grads(lambda v: f(v, axis, keepdims), (jnp.asarray(x),), order=2,
                modes=("fwd", "rev"))


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(data=st.data())
def test_vmap_matches_a_loop_and_jit_matches_eager(name, data):
    f = CASES[name][0]
    shape, axis, keepdims = data.draw(shape_and_axis())
    size = data.draw(st.integers(1, 3))
    in_axis = data.draw(st.integers(0, len(shape)))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**31 - 1)))
    nan_frac, zero_frac = CASES[name][2], CASES[name][3]
    xs = [distinct(rng, shape, np.float64, nan_frac, zero_frac) for _ in range(size)]

    def g(v):
        return f(v, axis, keepdims)

    got = fl.vmap(g, in_axes=in_axis)(jnp.asarray(np.stack(xs, axis=in_axis)))
    want = np.stack([np.asarray(g(jnp.asarray(x))) for x in xs])
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-12, atol=1e-12)
    x = jnp.asarray(xs[0])
    np.testing.assert_allclose(np.asarray(fl.jit(g)(x)), np.asarray(g(x)), rtol=1e-12,
                               atol=1e-12)


# ---- the cumulative reductions -------------------------------------------------------------------

CUMULATIVE = {
    "cumsum": (jnp.cumsum, np.cumsum, 0, 0),
    "cumprod": (jnp.cumprod, np.cumprod, 0, 0.3),
    "nancumsum": (jnp.nancumsum, np.nancumsum, 0.25, 0),
    "nancumprod": (jnp.nancumprod, np.nancumprod, 0.25, 0.2),
}


@pytest.mark.parametrize("name", sorted(CUMULATIVE))
@SETTINGS
@given(data=st.data())
def test_cumulative(name, data):
    f, ref, nan_frac, zero_frac = CUMULATIVE[name]
    shape, _, _ = data.draw(shape_and_axis())
    axis = data.draw(st.none() | st.integers(-len(shape), len(shape) - 1))
    dtype = data.draw(st.sampled_from(FLOATS))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**31 - 1)))
    x = distinct(rng, shape, dtype, nan_frac, zero_frac) * 0.7
    _close(f(jnp.asarray(x), axis), ref(x, axis), dtype)
    x64 = jnp.asarray(x.astype(np.float64))
    check_grads(lambda v: f(v, axis), (x64,), order=2, modes=("fwd", "rev"))
    np.testing.assert_allclose(np.asarray(fl.jit(lambda v: f(v, axis))(x64)),
                               np.asarray(f(x64, axis)), rtol=1e-12)
    xs = jnp.asarray(np.stack([x, x * 0.5]).astype(np.float64))
    got = fl.vmap(lambda v: f(v, axis))(xs)
    np.testing.assert_allclose(np.asarray(got), np.stack([np.asarray(f(v, axis)) for v in xs]),
                               rtol=1e-12)


def test_cumulative_sum_and_prod_array_api():
    x = np.array([[1, 2, 3], [4, 5, 6]], np.int32)
    got = jnp.cumulative_sum(jnp.asarray(x), axis=1, include_initial=True)
    np.testing.assert_array_equal(np.asarray(got), np.concatenate(
        [np.zeros((2, 1), np.int32), np.cumsum(x, 1)], 1))
    assert got.dtype == np.int32
    got = jnp.cumulative_prod(jnp.asarray(x.astype(np.float64)), axis=0, include_initial=True)
    np.testing.assert_array_equal(np.asarray(got), [[1, 1, 1], [1, 2, 3], [4, 10, 18]])
    with pytest.raises(ValueError, match="axis must be given"):
        jnp.cumulative_sum(jnp.asarray(x))


# ---- derivative conventions ----------------------------------------------------------------------


def test_prod_gradient_at_zeros_is_the_product_of_the_others():
    x = jnp.asarray([2.0, 0.0, 3.0, 4.0])
    np.testing.assert_array_equal(np.asarray(fl.grad(jnp.prod)(x)), [0.0, 24.0, 0.0, 0.0])
    two_zeros = jnp.asarray([2.0, 0.0, 0.0])
    np.testing.assert_array_equal(np.asarray(fl.grad(jnp.prod)(two_zeros)), [0.0, 0.0, 0.0])
    # the Hessian of x0*x1*x2 at (2, 0, 0): d2/dx1dx2 = x0 = 2, nothing is NaN
    h = np.asarray(fl.hessian(jnp.prod)(two_zeros))
    np.testing.assert_array_equal(h, [[0, 0, 0], [0, 0, 2], [0, 2, 0]])


def test_cumprod_gradient_at_zero():
    x = jnp.asarray([3.0, 0.0, 2.0])
    # sum(cumprod) = x0 + x0 x1 + x0 x1 x2
    np.testing.assert_array_equal(np.asarray(fl.grad(lambda v: jnp.cumprod(v).sum())(x)),
                                  [1.0, 3.0 + 6.0, 0.0])


def test_max_ties_share_the_gradient_equally():
    x = jnp.asarray([1.0, 3.0, 3.0, 3.0])
    np.testing.assert_allclose(np.asarray(fl.grad(jnp.max)(x)), [0, 1 / 3, 1 / 3, 1 / 3])
    np.testing.assert_allclose(np.asarray(fl.grad(jnp.min)(jnp.asarray([2.0, 2.0, 5.0]))),
                               [0.5, 0.5, 0])


def test_std_at_zero_variance_has_zero_derivative():
    g = fl.grad(jnp.std)(jnp.full((3,), 2.0))
    np.testing.assert_array_equal(np.asarray(g), [0.0, 0.0, 0.0])
    g = fl.grad(lambda v: jnp.nanstd(v))(jnp.asarray([2.0, np.nan, 2.0]))
    np.testing.assert_array_equal(np.asarray(g), [0.0, 0.0, 0.0])


def test_median_gradient_goes_to_the_middle_elements():
    g = fl.grad(jnp.median)(jnp.asarray([3.0, 1.0, 2.0, 10.0]))
    np.testing.assert_array_equal(np.asarray(g), [0.5, 0.0, 0.5, 0.0])
    g = fl.grad(jnp.median)(jnp.asarray([3.0, 1.0, 2.0]))
    np.testing.assert_array_equal(np.asarray(g), [0.0, 0.0, 1.0])


def test_quantile_is_differentiable_in_q():
    x = jnp.asarray(np.array([4.0, 1.0, 3.0, 0.0]))
    # linear between sorted[1] = 1 and sorted[2] = 3 at q * 3 in (1, 2): slope 2 * 3
    np.testing.assert_allclose(float(fl.grad(lambda q: jnp.quantile(x, q))(0.5)), 6.0)


# ---- dtypes and errors ---------------------------------------------------------------------------


def test_dtype_rules():
    b = jnp.asarray([True, False, True])
    i8 = jnp.asarray(np.array([1, 2, 3], np.int8))
    assert jnp.sum(b).dtype == np.int32 and jnp.prod(i8).dtype == np.int32
    assert jnp.sum(i8, promote_integers=False).dtype == np.int8
    assert jnp.cumprod(b).dtype == np.int32
    assert jnp.mean(i8).dtype == np.float32 and jnp.var(i8).dtype == np.float32
    assert jnp.median(i8).dtype == np.float32 and jnp.average(i8).dtype == np.float32
    assert jnp.max(i8).dtype == np.int8 and jnp.argmax(i8).dtype == np.int32
    assert jnp.count_nonzero(i8).dtype == np.int32
    assert jnp.sum(i8, dtype=jnp.float64).dtype == np.float64
    x64 = jnp.asarray(np.ones(3))
    assert jnp.quantile(x64, 0.5).dtype == np.float64 and jnp.nanstd(x64).dtype == np.float64


def test_nanargmax_and_all_nan_slices():
    a = np.array([[np.nan, 2.0, 5.0], [np.nan, np.nan, np.nan], [1.0, np.nan, 0.0]])
    x = jnp.asarray(a)
    np.testing.assert_array_equal(np.asarray(jnp.nanargmax(x, axis=1)), [2, -1, 0])
    np.testing.assert_array_equal(np.asarray(jnp.nanargmin(x, axis=1)), [1, -1, 2])
    np.testing.assert_array_equal(np.asarray(jnp.nanargmax(x[0])), 2)
    got = np.asarray(jnp.nanmax(x, axis=1))
    np.testing.assert_array_equal(got, [5.0, np.nan, 1.0])
    np.testing.assert_array_equal(np.asarray(jnp.nanmedian(x, axis=1)), [3.5, np.nan, 0.5])


def test_average_returned_and_1d_weights():
    a = np.arange(6.0).reshape(2, 3)
    w = np.array([1.0, 2.0, 3.0])
    avg, total = jnp.average(jnp.asarray(a), axis=1, weights=jnp.asarray(w), returned=True)
    want_avg, want_total = np.average(a, axis=1, weights=w, returned=True)
    np.testing.assert_allclose(np.asarray(avg), want_avg)
    np.testing.assert_allclose(np.asarray(total), want_total)
    avg, total = jnp.average(jnp.asarray(a), axis=0, returned=True)
    np.testing.assert_allclose(np.asarray(total), [2.0, 2.0, 2.0])
    with pytest.raises(ValueError, match="length of axis"):
        jnp.average(jnp.asarray(a), axis=0, weights=jnp.asarray(w))
    with pytest.raises(TypeError, match="axis must be an int"):
        jnp.average(jnp.asarray(a), weights=jnp.asarray(w))


def test_errors_name_the_argument_and_the_fix():
    x = jnp.ones((2, 3))
    with pytest.raises(NotImplementedError, match="out= is not supported"):
        jnp.sum(x, out=x)
    with pytest.raises(NotImplementedError, match="out="):
        jnp.quantile(x, 0.5, out=x)
    with pytest.raises(ValueError, match="needs initial="):
        jnp.max(x, where=x > 0)
    with pytest.raises(ValueError, match="initial"):
        jnp.min(jnp.zeros((0, 2)), axis=0)
    with pytest.raises(ValueError, match="ddof= or correction="):
        jnp.var(x, ddof=1, correction=1)
    with pytest.raises(ValueError, match="method must be one of"):
        jnp.quantile(x, 0.5, method="hazel")
    with pytest.raises(ValueError, match=r"q must be in \[0, 1\]"):
        jnp.quantile(x, 1.5)
    with pytest.raises(ValueError, match="percentiles in"):
        jnp.percentile(x, 150)
    with pytest.raises(ValueError, match="empty"):
        jnp.argmax(jnp.zeros((0,)))
    with pytest.raises(ValueError, match="out of range"):
        jnp.sum(x, axis=2)


@pytest.mark.parametrize("shape,axis", [((0,), None), ((0, 3), 0), ((0, 3), 1), ((2, 0), 1),
                                        ((2, 0), (0, 1))])
def test_all_and_any_of_empty_axes_are_their_identities(shape, axis):
    # min/max have no identity: all/any of an empty axis used to raise numpy's ValueError.
    x = np.ones(shape, bool)
    for keepdims in (False, True):
        for name in ("all", "any"):
            got = getattr(jnp, name)(jnp.asarray(x), axis=axis, keepdims=keepdims)
            want = getattr(np, name)(x, axis=axis, keepdims=keepdims)
            assert got.shape == want.shape and got.dtype == want.dtype
            np.testing.assert_array_equal(np.asarray(got), want)
            jitted = fl.jit(lambda v, f=getattr(jnp, name), k=keepdims: f(v, axis=axis,
                                                                          keepdims=k))
            np.testing.assert_array_equal(np.asarray(jitted(jnp.asarray(x))), want)
    e = jnp.asarray(np.zeros(shape))
    assert bool(jnp.allclose(e, e)) and bool(jnp.array_equal(e, e))


@pytest.mark.parametrize("name", ["mean", "var", "std", "nanmean", "nanvar", "nanstd"])
@pytest.mark.parametrize("dtype", [np.int32, np.int8])
def test_integer_dtype_statistics_stay_integer(name, dtype):
    # dtype=int: the integer total divided by the float count used to give float64.
    x = np.array([[1, 2, 4], [-3, 0, -4]], np.int32)
    for axis in (None, 1):
        got = getattr(jnp, name)(jnp.asarray(x), axis=axis, dtype=dtype)
        assert got.dtype == np.dtype(dtype)
        if name in ("mean", "var", "nanmean", "nanvar"):  # (numpy's std rejects int dtypes)
            want = getattr(np, name)(x, axis=axis, dtype=dtype)
            np.testing.assert_array_equal(np.asarray(got), want)
        else:
            want = np.trunc(getattr(np, name)(x.astype(np.float64), axis=axis))
            np.testing.assert_array_equal(np.asarray(got), want.astype(dtype))


@pytest.mark.parametrize("name", ["cumsum", "nancumsum", "cumulative_sum"])
def test_float16_cumulative_sums_accumulate_in_float32(name):
    # A float16 running sum stalls at 256 once 0.1 is below half an ulp.
    x = np.full(5000, 0.1, np.float16)
    got = getattr(jnp, name)(jnp.asarray(x))
    assert got.dtype == np.float16
    want = np.cumsum(x.astype(np.float32)).astype(np.float16)
    np.testing.assert_array_equal(np.asarray(got), want)


def test_non_integer_axes_are_rejected_with_a_message():
    # axis=(1.5,) was silently truncated to axis 1; axis=1.5 and argmax(axis=(0, 1)) failed
    # with Python's "'float' object is not iterable" / "cannot be interpreted as an integer".
    x = jnp.ones((2, 3))
    with pytest.raises(TypeError, match=r"axis must be an integer, got 1.5"):
        jnp.sum(x, axis=(1.5,))
    with pytest.raises(TypeError, match=r"axis must be None, an integer or a tuple"):
        jnp.mean(x, axis=1.5)
    with pytest.raises(TypeError, match=r"axis must be an integer, got \(0, 1\)"):
        jnp.argmax(x, axis=(0, 1))
    with pytest.raises(TypeError, match="tile: reps must be an integer or a sequence"):
        jnp.tile(x, 1.5)
    np.testing.assert_array_equal(np.asarray(jnp.sum(x, axis=[np.int64(0), 1])), 6.0)


QUANTILE_METHODS = ["weibull", "hazen", "median_unbiased", "normal_unbiased",
                    "interpolated_inverted_cdf", "inverted_cdf", "averaged_inverted_cdf",
                    "closest_observation"]


@pytest.mark.parametrize("method", QUANTILE_METHODS)
def test_quantile_hyndman_fan_methods_against_numpy(method):
    # (these methods were rejected: only linear/lower/higher/midpoint/nearest existed)
    rng = np.random.default_rng(0)
    q = np.array([0.0, 0.01, 0.2, 0.25, 1 / 3, 0.5, 0.75, 0.99, 1.0])
    for n in (1, 2, 4, 7):
        a = rng.normal(size=(3, n))
        np.testing.assert_allclose(np.asarray(jnp.quantile(a, q, axis=1, method=method)),
                                   np.quantile(a, q, axis=1, method=method), rtol=1e-12)
    b = rng.normal(size=(4, 5)).astype(np.float32)
    b[1, 2] = np.nan
    got = fl.jit(lambda v: jnp.nanquantile(v, 0.3, axis=-1, method=method))(b)
    assert got.dtype == np.float32
    np.testing.assert_allclose(np.asarray(got), np.nanquantile(b, 0.3, axis=-1, method=method),
                               rtol=1e-6)
    vm = fl.vmap(lambda v: jnp.quantile(v, 0.6, method=method))(b)
    np.testing.assert_allclose(np.asarray(vm), np.quantile(b, 0.6, axis=1, method=method),
                               rtol=1e-6)
    check_grads(lambda v: jnp.quantile(v, 0.3, method=method), (rng.normal(size=7),), order=2,
                modes=("fwd", "rev"))


@pytest.mark.parametrize("fn", [jnp.quantile, jnp.percentile])
def test_quantile_unsupported_arguments_name_the_fix(fn):
    x = jnp.arange(5.0)
    with pytest.raises(NotImplementedError, match="overwrite_input=True is not supported .*"
                                                  "leave it False"):
        fn(x, 0.5, overwrite_input=True)
    with pytest.raises(NotImplementedError, match="weights= is not supported; repeat the "
                                                  "samples"):
        fn(x, 0.5, weights=jnp.ones(5))
