"""angle, gcd, lcm, i0, spacing, convolve, correlate (``_src/numpy/extra_math.py``): values
against numpy (float32/float64, integers where meaningful), derivatives against finite
differences (check_grads to 2nd order, forward and reverse), vmap against a Python loop with
hypothesis-drawn shapes and axes, jit against eager, and the errors."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import functorch_lite as fl
import functorch_lite.numpy as jnp
from functorch_lite.test_util import check_grads

SET = settings(max_examples=15, deadline=None, derandomize=True)
FLOATS = (np.float32, np.float64)
SPECIALS = [0.0, -0.0, 1.0, -1.0, 2.5, -3.0, np.inf, -np.inf, np.nan]


def _np(x):
    return np.asarray(x)


def _shapes(n):
    return hnp.mutually_broadcastable_shapes(num_shapes=n, max_dims=3, max_side=3)


def _vmap_vs_loop(fn, per_example, axes):
    """vmap of ``fn`` over a stack of per-example argument tuples, each argument stacked along
    its own axis (None: shared, taken from the first example), against a Python loop."""
    batched = [per_example[0][i] if ax is None else
               jnp.asarray(np.stack([p[i] for p in per_example], axis=ax))
               for i, ax in enumerate(axes)]
    got = fl.vmap(fn, in_axes=tuple(axes))(*batched)
    want = np.stack([_np(fn(*[jnp.asarray(p[i] if ax is not None else per_example[0][i])
                              for i, ax in enumerate(axes)])) for p in per_example])
    assert got.dtype == want.dtype
    np.testing.assert_allclose(_np(got), want, rtol=1e-12, atol=0)


# ---- angle --------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", FLOATS)
def test_angle_values(dtype):
    x = np.array(SPECIALS + list(np.random.default_rng(0).normal(size=20)), dtype)
    for deg in (False, True):
        got = jnp.angle(jnp.asarray(x), deg=deg)
        assert got.dtype == dtype
        np.testing.assert_array_equal(_np(got), np.angle(x, deg=deg).astype(dtype))
    assert float(jnp.angle(jnp.asarray(-0.0, dtype))) == np.float64(np.pi).astype(dtype)


def test_angle_integers_and_scalars_give_the_default_float():
    got = jnp.angle(jnp.asarray([3, -2, 0]))
    assert got.dtype == np.float32
    np.testing.assert_array_equal(_np(got), np.angle([3, -2, 0]).astype(np.float32))
    assert jnp.angle(True).dtype == np.float32 and float(jnp.angle(-2, deg=True)) == 180.0


def test_angle_derivative_is_zero_even_at_zero():
    x = jnp.asarray([-2.0, -0.0, 0.0, 1.5])
    g = fl.grad(lambda x: jnp.sum(jnp.angle(x)))(x)
    np.testing.assert_array_equal(_np(g), np.zeros(4, np.float32))
    check_grads(jnp.angle, (jnp.asarray([-2.0, 0.7, 3.0]),), order=2, modes=("fwd", "rev"))


@SET
@given(shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=3), size=st.integers(1, 3),
       seed=st.integers(0, 2**31))
def test_angle_vmap_and_jit(shape, size, seed):
    rng = np.random.default_rng(seed)
    per = [(rng.normal(size=shape),) for _ in range(size)]
    _vmap_vs_loop(jnp.angle, per, (0,))
    x = jnp.asarray(per[0][0])
    np.testing.assert_array_equal(_np(fl.jit(jnp.angle)(x)), _np(jnp.angle(x)))


def test_angle_complex_is_not_supported():
    with pytest.raises(NotImplementedError, match="angle: complex"):
        jnp.angle(jnp.asarray(np.array([1 + 1j])))


# ---- gcd, lcm -----------------------------------------------------------------------------------
INTS = (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint32)


@pytest.mark.parametrize("dtype", INTS)
@SET
@given(data=st.data())
def test_gcd_lcm_values(dtype, data):
    shapes = data.draw(_shapes(2)).input_shapes
    rng = np.random.default_rng(data.draw(st.integers(0, 2**31)))
    lo = 0 if np.dtype(dtype).kind == "u" else -11  # |lcm| <= 110 fits every dtype
    a, b = (rng.integers(lo, 12, size=s).astype(dtype) for s in shapes)
    for fn, ref in ((jnp.gcd, np.gcd), (jnp.lcm, np.lcm)):
        got = fn(jnp.asarray(a), jnp.asarray(b))
        assert got.dtype == dtype
        np.testing.assert_array_equal(_np(got), ref(a, b))
        np.testing.assert_array_equal(_np(fl.jit(fn)(jnp.asarray(a), jnp.asarray(b))), _np(got))


def test_gcd_lcm_signs_zeros_and_large_values():
    a = np.array([12, -12, 12, -12, 0, 0, 7, 0, 2**30, 3 * 2**20, -(2**31 - 1)], np.int32)
    b = np.array([18, 18, -18, -18, 5, 0, 0, -9, 2**29 * 3 % 2**31, 2**21, 2**31 - 1], np.int32)
    np.testing.assert_array_equal(_np(jnp.gcd(a, b)), np.gcd(a, b))
    np.testing.assert_array_equal(_np(jnp.lcm(a[:8], b[:8])), np.lcm(a[:8], b[:8]))
    # Consecutive Fibonacci numbers: Euclid's longest run for their size.
    fib = [1, 1]
    while fib[-1] < 2**62:
        fib.append(fib[-1] + fib[-2])
    f1, f2 = np.array(fib[-2:-1], np.int64), np.array(fib[-3:-2], np.int64)
    np.testing.assert_array_equal(_np(jnp.gcd(f1, f2)), np.gcd(f1, f2))


def test_gcd_of_int_min_wraps_like_numpy():
    # abs(int_min) overflows; numpy's gcd(int_min, 0) is int_min, and gcd(int_min, 6) is 2
    # (JAX's loop never ends there).
    for dtype in (np.int8, np.int32, np.int64):
        m = np.array([np.iinfo(dtype).min] * 3, dtype)
        other = np.array([0, 6, np.iinfo(dtype).min], dtype)
        np.testing.assert_array_equal(_np(jnp.gcd(m, other)), np.gcd(m, other))


def test_gcd_lcm_promotion_and_broadcasting():
    a = np.array([[4], [6]], np.int8)
    assert jnp.gcd(a, 6).dtype == np.int8 and jnp.lcm(6, a).dtype == np.int8
    assert jnp.gcd(a, np.array([9, 15], np.int32)).dtype == np.int32
    np.testing.assert_array_equal(_np(jnp.gcd(a, np.array([9, 15], np.int32))),
                                  np.gcd(a, np.array([9, 15], np.int32)))
    assert int(jnp.gcd(12, 18)) == 6 and int(jnp.lcm(4, 6)) == 12
    assert jnp.gcd(jnp.zeros((0, 2), np.int32), 3).shape == (0, 2)


@pytest.mark.parametrize("fn", [jnp.gcd, jnp.lcm])
def test_gcd_lcm_reject_non_integers(fn):
    name = fn.__name__
    with pytest.raises(TypeError, match=rf"{name}: needs integer arrays, got float32"):
        fn(jnp.asarray([2.0]), 4)
    with pytest.raises(TypeError, match=rf"{name}: needs integer arrays, got bool"):
        fn(jnp.asarray([True]), jnp.asarray([False]))


@pytest.mark.parametrize("fn", [jnp.gcd, jnp.lcm])
@SET
@given(data=st.data())
def test_gcd_lcm_vmap(fn, data):
    shapes = data.draw(_shapes(2)).input_shapes
    size = data.draw(st.integers(1, 3))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**31)))
    per = [tuple(rng.integers(-40, 40, size=s).astype(np.int32) for s in shapes)
           for _ in range(size)]
    axes = [data.draw(st.one_of(st.none(), st.integers(0, len(s)))) for s in shapes]
    if axes == [None, None]:
        axes[0] = 0
    _vmap_vs_loop(fn, per, axes)


# ---- i0 -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype,rtol",
                         [(np.float16, 3e-3), (np.float32, 1e-6), (np.float64, 1e-13)])
def test_i0_values(dtype, rtol):
    rng = np.random.default_rng(1)
    x = np.concatenate([np.linspace(-700, 700, 20001), rng.uniform(-40, 40, 5000),
                        np.linspace(-1, 1, 201), [0.0, -0.0]]).astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # np.i0 overflows to inf, as we do
        want = np.i0(x.astype(np.float64)).astype(dtype)
        got = jnp.i0(jnp.asarray(x))
    assert got.dtype == dtype
    got = _np(got)
    finite = np.isfinite(want)
    np.testing.assert_allclose(got[finite], want[finite], rtol=rtol, atol=0)
    np.testing.assert_array_equal(got[~finite], want[~finite])  # overflow is inf for both
    special = _np(jnp.i0(jnp.asarray([np.inf, -np.inf, np.nan], dtype)))
    np.testing.assert_array_equal(special, np.array([np.inf, np.inf, np.nan], dtype))


def test_i0_integers_give_the_default_float():
    got = jnp.i0(jnp.asarray([0, 1, -3]))
    assert got.dtype == np.float32
    np.testing.assert_allclose(_np(got), np.i0([0.0, 1.0, -3.0]), rtol=1e-6)


def test_i0_derivatives():
    # Both branches (|x| <= 25 series, asymptotic above), the switch, and 0.
    x = jnp.asarray(np.array([-40.0, -26.0, -24.9, -3.0, 0.0, 0.4, 11.0, 25.0, 33.0]))
    check_grads(jnp.i0, (x,), order=2, modes=("fwd", "rev"))
    # i0' = i1: against a central difference of numpy's i0, over [-60, 60] and at 0.
    xs = np.concatenate([np.linspace(-60, 60, 241), [0.0, 25.0, -25.0, 15.0]])
    h = 1e-5 * np.maximum(1.0, np.abs(xs))
    fd = (np.i0(xs + h) - np.i0(xs - h)) / (2 * h)
    g = _np(fl.vmap(fl.grad(jnp.i0))(jnp.asarray(xs)))
    np.testing.assert_allclose(g, fd, rtol=1e-7, atol=1e-9)
    # i0''(0) = 1/2; far out the unused branch must not leak inf/NaN into the gradient.
    assert float(fl.grad(fl.grad(jnp.i0))(jnp.asarray(0.0, np.float64))) == pytest.approx(0.5)
    big = jnp.asarray([700.0, -700.0, 0.0], np.float64)
    gb = _np(fl.grad(lambda x: jnp.sum(jnp.i0(x)))(big))
    assert np.all(np.isfinite(gb)) and gb[0] > 0 > gb[1] and gb[2] == 0
    for dtype in (np.float16, np.float32):  # the unused branch stays finite in narrow floats
        x = jnp.asarray([0.0, 3.0, -7.0, 11.0], dtype)
        g = _np(fl.grad(lambda x: jnp.sum(jnp.i0(x)))(x))
        assert g.dtype == dtype and np.all(np.isfinite(g))


@SET
@given(shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=3), size=st.integers(1, 3),
       axis=st.integers(0, 3), seed=st.integers(0, 2**31))
def test_i0_vmap_and_jit(shape, size, axis, seed):
    rng = np.random.default_rng(seed)
    axis = min(axis, len(shape))
    per = [(rng.uniform(-40, 40, size=shape),) for _ in range(size)]
    _vmap_vs_loop(jnp.i0, per, (axis,))
    x = jnp.asarray(per[0][0])
    np.testing.assert_allclose(_np(fl.jit(jnp.i0)(x)), _np(jnp.i0(x)), rtol=1e-14)
    jg = fl.jit(fl.grad(lambda x: jnp.sum(jnp.i0(x))))(x)
    np.testing.assert_allclose(_np(jg), _np(fl.grad(lambda x: jnp.sum(jnp.i0(x)))(x)),
                               rtol=1e-14)


# ---- spacing ------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", (np.float16, np.float32, np.float64))
def test_spacing_values(dtype):
    fi = np.finfo(dtype)
    edge = [fi.max, -fi.max, fi.smallest_subnormal, -fi.smallest_subnormal, fi.tiny, -fi.tiny]
    rng = np.random.default_rng(2)
    x = np.array(SPECIALS + edge, dtype)
    x = np.concatenate([x, (rng.normal(size=50) * 10.0 ** rng.integers(-5, 5, 50)).astype(dtype)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        want = np.spacing(x)
        got = jnp.spacing(jnp.asarray(x))
    assert got.dtype == dtype
    np.testing.assert_array_equal(_np(got), want)
    # The signs numpy gives: + at both zeros, - below zero (but float16 always steps up).
    assert np.all(_np(jnp.spacing(jnp.asarray([0.0, -0.0], dtype))) > 0)
    assert (_np(jnp.spacing(jnp.asarray(-1.0, dtype))) < 0) == (dtype != np.float16)


def test_spacing_integers_and_zero_derivative():
    got = jnp.spacing(jnp.asarray([1, -4]))
    assert got.dtype == np.float32
    np.testing.assert_array_equal(_np(got), np.spacing(np.array([1.0, -4.0], np.float32)))
    x = jnp.asarray([1.0, -3.0, 0.0], np.float64)
    np.testing.assert_array_equal(_np(fl.grad(lambda x: jnp.sum(jnp.spacing(x)))(x)), 0.0)
    _, t = fl.jvp(jnp.spacing, (x,), (jnp.ones(3, np.float64),))
    np.testing.assert_array_equal(_np(t), 0.0)
    with pytest.raises(NotImplementedError, match="spacing: complex"):
        jnp.spacing(jnp.asarray(np.array([1j])))


@SET
@given(shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=3), size=st.integers(1, 3),
       seed=st.integers(0, 2**31))
def test_spacing_vmap_and_jit(shape, size, seed):
    rng = np.random.default_rng(seed)
    per = [(rng.normal(size=shape) * 1e3,) for _ in range(size)]
    _vmap_vs_loop(jnp.spacing, per, (len(shape),))
    x = jnp.asarray(per[0][0])
    np.testing.assert_array_equal(_np(fl.jit(jnp.spacing)(x)), _np(jnp.spacing(x)))


# ---- convolve, correlate ------------------------------------------------------------------------
CONV = [(jnp.convolve, np.convolve), (jnp.correlate, np.correlate)]
MODES = ("full", "same", "valid")


@pytest.mark.parametrize("fn,ref", CONV, ids=["convolve", "correlate"])
@pytest.mark.parametrize("dtype", FLOATS)
def test_conv_values_every_length_and_mode(fn, ref, dtype):
    rng = np.random.default_rng(3)
    tol = 1e-5 if dtype == np.float32 else 1e-13
    for n in range(1, 7):
        for m in range(1, 7):
            a, v = rng.normal(size=n).astype(dtype), rng.normal(size=m).astype(dtype)
            for mode in MODES:
                got = fn(jnp.asarray(a), jnp.asarray(v), mode=mode)
                want = ref(a, v, mode=mode)
                assert got.dtype == dtype and got.shape == want.shape, (n, m, mode)
                np.testing.assert_allclose(_np(got), want, rtol=tol, atol=tol)


@pytest.mark.parametrize("fn,ref", CONV, ids=["convolve", "correlate"])
def test_conv_defaults_and_integers(fn, ref):
    a, v = np.array([1, 2, 3, 4]), np.array([2, -1])
    np.testing.assert_array_equal(_np(fn(a, v)), ref(a, v))  # numpy's default mode
    got = fn(jnp.asarray(a), jnp.asarray(v))
    assert got.dtype == np.float32  # integers become the default float, as numpy's float
    exact = fn(jnp.asarray(a), jnp.asarray(v), mode="full", preferred_element_type=np.int32)
    assert exact.dtype == np.int32
    np.testing.assert_array_equal(_np(exact), ref(a, v, mode="full"))
    mixed = fn(jnp.asarray(a, np.float32), jnp.asarray(v, np.float64), mode="same")
    assert mixed.dtype == np.float64


@pytest.mark.parametrize("fn", [jnp.convolve, jnp.correlate])
@pytest.mark.parametrize("mode", MODES)
def test_conv_derivatives_in_both_arguments(fn, mode):
    rng = np.random.default_rng(4)
    for n, m in ((5, 3), (2, 4), (4, 4)):
        a, v = jnp.asarray(rng.normal(size=n)), jnp.asarray(rng.normal(size=m))
        check_grads(lambda a, v: fn(a, v, mode=mode), (a, v), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("fn", [jnp.convolve, jnp.correlate])
@SET
@given(n=st.integers(1, 6), m=st.integers(1, 6), size=st.integers(1, 3),
       axes=st.sampled_from([(0, 0), (0, None), (None, 0), (1, 0), (1, 1)]),
       mode=st.sampled_from(MODES), seed=st.integers(0, 2**31))
def test_conv_vmap_and_jit(fn, n, m, size, axes, mode, seed):
    rng = np.random.default_rng(seed)
    per = [(rng.normal(size=n), rng.normal(size=m)) for _ in range(size)]
    f = lambda a, v: fn(a, v, mode=mode)  # noqa: E731
    _vmap_vs_loop(f, per, axes)
    a, v = (jnp.asarray(x) for x in per[0])
    np.testing.assert_allclose(_np(fl.jit(f)(a, v)), _np(f(a, v)), rtol=1e-14, atol=1e-14)


@pytest.mark.parametrize("fn", [jnp.convolve, jnp.correlate])
def test_conv_errors(fn):
    name = fn.__name__
    with pytest.raises(ValueError, match=rf"{name}: a and v must be one-dimensional.*\(2, 2\)"):
        fn(jnp.ones((2, 2)), jnp.ones(2))
    with pytest.raises(ValueError, match=rf"{name}: a and v must be one-dimensional"):
        fn(jnp.ones(3), 1.0)
    with pytest.raises(ValueError, match=rf"{name}: mode must be one of .*'circular'"):
        fn(jnp.ones(3), jnp.ones(2), mode="circular")
    with pytest.raises(ValueError, match=rf"{name}: inputs must not be empty"):
        fn(jnp.ones(0), jnp.ones(2))
    with pytest.raises(NotImplementedError, match=rf"{name}: complex"):
        fn(jnp.asarray(np.ones(3, complex)), jnp.ones(2))


def test_i0_of_complex_raises_with_a_fix():
    with pytest.raises(NotImplementedError, match=r"i0: complex arrays are not supported yet "
                                                  r"\(got complex128\); keep the real"):
        jnp.i0(jnp.asarray(np.array([1j])))
