"""functorch_lite.numpy elementwise math: values against numpy (float32 and float64), derivatives
to second order (check_grads, fwd and rev, float64), vmap against a Python loop, jit against
eager, and the numerical conventions of docs/numerics.md."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import functorch_lite as fl
import functorch_lite.numpy as jnp
from functorch_lite.test_util import check_grads

SETTINGS = settings(max_examples=15, deadline=None, derandomize=True)


def uniform(lo, hi):
    return lambda rng, shape: rng.uniform(lo, hi, shape)


def apart(lo, hi):
    return lambda rng, shape: rng.choice([-1.0, 1.0], shape) * rng.uniform(lo, hi, shape)


def frac_steps(rng, shape):  # inside the flat parts of trunc/rint: k + [0.1, 0.4]
    return rng.choice([-3.0, -2.0, -1.0, 1.0, 2.0], shape) + rng.uniform(0.1, 0.4, shape)


N = uniform(-2.0, 2.0)
# name: (function, numpy reference, argument domains, differentiable at those points)
CASES = {
    "exp2": (jnp.exp2, np.exp2, [N], True),
    "log2": (jnp.log2, np.log2, [uniform(0.3, 3.0)], True),
    "log10": (jnp.log10, np.log10, [uniform(0.3, 3.0)], True),
    "cbrt": (jnp.cbrt, np.cbrt, [apart(0.2, 2.0)], True),
    "fabs": (jnp.fabs, np.fabs, [apart(0.2, 2.0)], True),
    "trunc": (jnp.trunc, np.trunc, [frac_steps], True),
    "rint": (jnp.rint, np.rint, [frac_steps], True),
    "deg2rad": (jnp.deg2rad, np.deg2rad, [N], True),
    "rad2deg": (jnp.rad2deg, np.rad2deg, [N], True),
    "sinc": (jnp.sinc, np.sinc, [N], True),
    "positive": (jnp.positive, np.positive, [N], True),
    "square": (jnp.square, np.square, [N], True),
    "reciprocal": (jnp.reciprocal, np.reciprocal, [apart(0.3, 2.0)], True),
    "arcsinh": (jnp.asinh, np.arcsinh, [N], True),
    "signbit": (jnp.signbit, np.signbit, [N], False),
    "isnan": (jnp.isnan, np.isnan, [N], False),
    "hypot": (jnp.hypot, np.hypot, [N, N], True),
    "fmod": (jnp.fmod, np.fmod, [frac_steps, uniform(0.95, 1.05)], True),
    "copysign": (jnp.copysign, np.copysign, [apart(0.2, 2.0), apart(0.2, 2.0)], True),
    "logaddexp": (jnp.logaddexp, np.logaddexp, [N, N], True),
    "logaddexp2": (jnp.logaddexp2, np.logaddexp2, [N, N], True),
    # (numpy always computes in float64; JAX, and we, keep float32)
    "float_power": (jnp.float_power, np.power, [uniform(0.5, 2.0), N], True),
    "fmax": (jnp.fmax, np.fmax, [uniform(-2, -1), uniform(1, 2)], True),
    "fmin": (jnp.fmin, np.fmin, [uniform(-2, -1), uniform(1, 2)], True),
    "nextafter": (jnp.nextafter, np.nextafter, [N, N], False),
    "heaviside": (jnp.heaviside, np.heaviside, [apart(0.2, 2.0), N], False),
    "arctan2": (jnp.atan2, np.arctan2, [N, uniform(0.3, 2.0)], True),
    "ldexp": (lambda x: jnp.ldexp(x, 3), lambda x: np.ldexp(x, 3).astype(x.dtype), [N], True),
    "frexp_mantissa": (lambda x: jnp.frexp(x)[0], lambda x: np.frexp(x)[0],
                       [uniform(0.55, 0.95)], True),
    "modf_fraction": (lambda x: jnp.modf(x)[0], lambda x: np.modf(x)[0], [frac_steps], True),
    "clip": (lambda x, lo: jnp.clip(x, min=lo, max=1.0), lambda x, lo: np.clip(x, lo, 1.0),
             [uniform(-3, 3), uniform(-2.5, -1.5)], False),
}
NAMES = sorted(CASES)


def _args(name, rng, shapes, dtype):
    return [np.asarray(dom(rng, s)).astype(dtype) for dom, s in
            zip(CASES[name][2], shapes, strict=True)]


def _shapes(n):
    return hnp.mutually_broadcastable_shapes(num_shapes=n, max_dims=3, max_side=3)


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(data=st.data())
def test_values_against_numpy(name, data):
    fn, ref, doms, _ = CASES[name]
    shapes = data.draw(_shapes(len(doms))).input_shapes
    seed = data.draw(st.integers(0, 2**31))
    for dtype in (np.float32, np.float64):
        args = _args(name, np.random.default_rng(seed), shapes, dtype)
        got, want = fn(*[jnp.asarray(a) for a in args]), ref(*args)
        assert got.dtype == np.asarray(want).dtype, (got.dtype, np.asarray(want).dtype)
        tol = 4 * np.finfo(dtype).eps
        np.testing.assert_allclose(np.asarray(got), want, rtol=tol, atol=tol)
        jitted = fl.jit(fn)(*[jnp.asarray(a) for a in args])
        np.testing.assert_allclose(np.asarray(jitted), np.asarray(got), rtol=tol, atol=tol)


@pytest.mark.parametrize("name", [n for n in NAMES if CASES[n][3]])
@SETTINGS
@given(data=st.data())
def test_derivatives(name, data):
    fn, _, doms, _ = CASES[name]
    shapes = data.draw(_shapes(len(doms))).input_shapes
    args = _args(name, np.random.default_rng(data.draw(st.integers(0, 2**31))), shapes,
                 np.float64)
    check_grads(fn, [jnp.asarray(a) for a in args], order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(data=st.data())
def test_vmap_matches_loop(name, data):
    fn, _, doms, _ = CASES[name]
    shapes = data.draw(_shapes(len(doms))).input_shapes
    size = data.draw(st.integers(1, 3))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**31)))
    per = [_args(name, rng, shapes, np.float64) for _ in range(size)]
    axes = [data.draw(st.integers(0, len(s))) for s in shapes]
    batched = [jnp.asarray(np.stack([p[i] for p in per], axis=ax)) for i, ax in enumerate(axes)]
    got = fl.vmap(fn, in_axes=tuple(axes))(*batched)
    want = np.stack([np.asarray(fn(*[jnp.asarray(a) for a in p])) for p in per])
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-12, atol=1e-12)


# ---- tuples, predicates and other forms -------------------------------------------------------

SPECIAL = np.array([-2.5, -0.0, 0.0, 0.5, 1.5, np.inf, -np.inf, np.nan])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_predicates_and_tuples_on_special_values(dtype):
    x = SPECIAL.astype(dtype)
    a = jnp.asarray(x)
    for name in ["isnan", "isinf", "isposinf", "isneginf", "isfinite", "signbit", "trunc",
                 "fix", "rint", "nan_to_num", "imag", "real", "conj", "fabs", "cbrt", "sinc"]:
        got, want = getattr(jnp, name)(a), getattr(np, name)(x)
        assert got.dtype == want.dtype, name
        np.testing.assert_array_equal(np.asarray(got), want, err_msg=name)
    for name in ["frexp", "modf"]:
        for got, want in zip(getattr(jnp, name)(a), getattr(np, name)(x), strict=True):
            assert got.dtype == want.dtype, name
            np.testing.assert_array_equal(np.asarray(got), want, err_msg=name)
    q, r = jnp.divmod(jnp.asarray(np.array([7.0, -7.0], dtype)), 3.0)
    np.testing.assert_array_equal(np.asarray(q), [2.0, -3.0])
    np.testing.assert_array_equal(np.asarray(r), [1.0, 2.0])
    assert jnp.isinf(jnp.asarray([1, 2])).dtype == np.bool_


def test_frexp_round_trips_powers_of_two_and_subnormals():
    x = np.array([1.0, 2.0, 0.5, 3.0, 1e-310, -7.5, 2.0**-1022, 2.0**1000])
    m, e = jnp.frexp(jnp.asarray(x))
    wm, we = np.frexp(x)
    np.testing.assert_array_equal(np.asarray(m), wm)
    np.testing.assert_array_equal(np.asarray(e), we)


def test_comparisons_of_closeness():
    a = jnp.asarray([1.0, np.inf, np.nan, 1.0])
    b = jnp.asarray([1.0 + 1e-9, np.inf, np.nan, 2.0])
    np.testing.assert_array_equal(np.asarray(jnp.isclose(a, b)),
                                  np.isclose(np.asarray(a), np.asarray(b)))
    np.testing.assert_array_equal(np.asarray(jnp.isclose(a, b, equal_nan=True)),
                                  np.isclose(np.asarray(a), np.asarray(b), equal_nan=True))
    assert not bool(jnp.isclose(1.0, np.inf))
    assert bool(jnp.allclose(a[:3], b[:3], equal_nan=True))
    assert not bool(jnp.allclose(a, b))
    assert bool(jnp.array_equal(a[:2], a[:2])) and not bool(jnp.array_equal(a, a))
    assert bool(jnp.array_equal(a, a, equal_nan=True))
    assert not bool(jnp.array_equal(jnp.ones(2), jnp.ones(3)))
    assert bool(jnp.array_equiv(jnp.ones((2, 2)), 1.0))
    assert bool(fl.jit(lambda u, v: jnp.allclose(u, v))(jnp.ones(3), jnp.ones(3)))


def test_logic_and_bits():
    x, y = jnp.asarray([True, False, True]), jnp.asarray([True, True, False])
    np.testing.assert_array_equal(np.asarray(jnp.logical_xor(x, y)), [False, True, True])
    i = jnp.asarray(np.array([-8, 8, 3], np.int32))
    np.testing.assert_array_equal(np.asarray(jnp.left_shift(i, 2)), np.left_shift([-8, 8, 3], 2))
    np.testing.assert_array_equal(np.asarray(jnp.right_shift(i, 1)), [-4, 4, 1])
    u = jnp.asarray(np.array([255], np.uint8))
    np.testing.assert_array_equal(np.asarray(jnp.right_shift(u, 4)), [15])
    with pytest.raises(TypeError, match="integer arrays only"):
        jnp.left_shift(jnp.asarray([1.0]), 1)


def test_where_one_argument_is_nonzero_outside_jit_and_explains_itself_inside():
    c = jnp.asarray([[0, 2], [3, 0]])
    got = jnp.where(c)
    for g, w in zip(got, np.where(np.asarray(c)), strict=True):
        np.testing.assert_array_equal(np.asarray(g), w)
    with pytest.raises(fl.errors.ConcretizationTypeError, match=r"where\(condition, x, y\)"):
        fl.jit(lambda v: jnp.where(v))(c)
    with pytest.raises(ValueError, match="both x and y"):
        jnp.where(c, 1.0)


def test_clip_signatures():
    x = jnp.asarray([-2.0, 0.5, 3.0])
    want = [0.0, 0.5, 1.0]
    for got in (jnp.clip(x, 0.0, 1.0), jnp.clip(x, min=0.0, max=1.0),
                jnp.clip(x, a_min=0.0, a_max=1.0), jnp.clip(a=x, a_min=0.0, a_max=1.0),
                x.clip(0.0, 1.0)):
        np.testing.assert_array_equal(np.asarray(got), want)
    np.testing.assert_array_equal(np.asarray(jnp.clip(x, max=0.0)), [-2.0, 0.0, 0.0])
    with pytest.raises(TypeError, match="first argument"):
        jnp.clip(min=0.0)


def test_ldexp_wants_an_integer_exponent():
    with pytest.raises(TypeError, match="x2 must be an integer"):
        jnp.ldexp(jnp.asarray([1.0]), jnp.asarray([1.5]))


# ---- numerics conventions (docs/numerics.md) -------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log1p_expm1_are_precise_near_zero(dtype):
    x = np.array([1e-10, -1e-12, 3e-8], dtype)
    np.testing.assert_allclose(np.asarray(jnp.log1p(jnp.asarray(x))), np.log1p(x), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(jnp.expm1(jnp.asarray(x))), np.expm1(x), rtol=1e-6)
    assert np.all(np.asarray(jnp.log1p(jnp.asarray(x))) != 0)


def test_sqrt_and_log_at_zero_follow_jax():
    assert float(jnp.sqrt(0.0)) == 0.0 and float(fl.grad(jnp.sqrt)(0.0)) == np.inf
    assert float(jnp.log(0.0)) == -np.inf and float(fl.grad(jnp.log)(0.0)) == np.inf


def test_double_where_gives_finite_gradients():
    def naive(x):
        return jnp.where(x > 0, jnp.sqrt(x), x)

    def double_where(x):
        safe = jnp.where(x > 0, x, 1.0)
        return jnp.where(x > 0, jnp.sqrt(safe), x)

    x = jnp.asarray([-1.0, 0.0, 4.0])
    g = fl.grad(lambda v: jnp.sum(double_where(v)))(x)
    np.testing.assert_allclose(np.asarray(g), [1.0, 1.0, 0.25])
    g2 = fl.grad(lambda v: jnp.sum(fl.grad(lambda u: jnp.sum(double_where(u)))(v)))(x)
    assert np.all(np.isfinite(np.asarray(g2)))
    with np.errstate(all="ignore"):  # the naive form is NaN at -1 (0 * inf), as in JAX
        assert np.isnan(np.asarray(fl.grad(lambda v: jnp.sum(naive(v)))(x))[0])


def test_kinks_follow_jax():
    assert float(fl.grad(jnp.abs)(0.0)) == 0.0
    assert float(fl.grad(lambda x: jnp.maximum(x, 0.0))(0.0)) == 0.5  # ties split, as lax.max
    assert float(fl.grad(lambda x: jnp.minimum(x, 1.0))(1.0)) == 0.5
    assert float(fl.grad(jnp.sinc)(0.0)) == 0.0
    np.testing.assert_allclose(float(fl.grad(fl.grad(jnp.sinc))(0.0)), -np.pi**2 / 3, rtol=1e-6)
    assert float(fl.grad(lambda x: jnp.hypot(x, 0.0))(0.0)) == 0.0
    assert float(fl.grad(jnp.cbrt)(0.0)) == np.inf


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_logaddexp_is_stable_and_finite_at_minus_inf(dtype):
    big = jnp.asarray(np.array([1e4, -np.inf], dtype))
    np.testing.assert_allclose(np.asarray(jnp.logaddexp(big, big)),
                               [1e4 + np.log(2.0), -np.inf], rtol=1e-6)
    g = fl.grad(lambda v: jnp.sum(jnp.logaddexp(v, v)))(big)
    np.testing.assert_allclose(np.asarray(g), [1.0, 0.0])
    g = fl.grad(lambda v: jnp.sum(jnp.logaddexp(v, -np.inf)))(big)
    np.testing.assert_allclose(np.asarray(g), [1.0, 0.0])


@pytest.mark.parametrize("name", ["hypot", "logaddexp", "logaddexp2", "arctan2", "copysign"])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.int8, np.uint8, np.bool_])
def test_float_composites_keep_the_array_dtype_with_a_python_scalar(name, dtype):
    # A weak Python scalar must take the array's float dtype on either side (it used to be
    # computed alone, in float64, and leak float64 into the result).
    f = getattr(jnp, name)
    x = jnp.asarray(np.array([1, 0, 1], dtype))
    want = np.dtype(dtype) if np.dtype(dtype).kind == "f" else np.dtype(np.float32)
    for s in (2, 2.5, True):
        assert f(x, s).dtype == want, (name, s)
        assert f(s, x).dtype == want, (name, s)
    ref = getattr(np, name)(np.asarray(x, np.float64), 2.5)
    np.testing.assert_allclose(np.asarray(f(x, 2.5), np.float64), ref, rtol=2e-3)


@pytest.mark.parametrize("name", ["floor", "ceil", "trunc"])
@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int32, np.int64, np.bool_])
def test_rounding_keeps_integer_dtypes(name, dtype):
    # numpy 2 and JAX return integer (and bool) inputs unchanged; floor/ceil used to give floats.
    x = np.array([1, 0, 1], dtype)
    out = getattr(jnp, name)(jnp.asarray(x))
    assert out.dtype == getattr(np, name)(x).dtype == np.dtype(dtype)
    np.testing.assert_array_equal(np.asarray(out), x)
    assert fl.jit(getattr(jnp, name))(jnp.asarray(x)).dtype == np.dtype(dtype)


@pytest.mark.parametrize("name", ["fmax", "fmin"])
def test_fmax_fmin_derivative_goes_to_the_non_nan_operand(name):
    # A NaN operand is ignored in the value, so its derivative is 0 and the other operand's is
    # 1 (they were both NaN: the NaN reached maximum's derivative rule).
    f = getattr(jnp, name)
    x = np.array([np.nan, 1.0, 3.0])
    y = np.array([0.5, np.nan, -1.0])
    np.testing.assert_array_equal(np.asarray(f(jnp.asarray(x), jnp.asarray(y))),
                                  getattr(np, name)(x, y))
    gx, gy = fl.grad(lambda a, b: jnp.sum(f(a, b)), argnums=(0, 1))(x, y)
    picked_x = float(name == "fmax")
    np.testing.assert_array_equal(np.asarray(gx), [0.0, 1.0, picked_x])
    np.testing.assert_array_equal(np.asarray(gy), [1.0, 0.0, 1.0 - picked_x])


@pytest.mark.parametrize("fn", [jnp.real, jnp.imag, jnp.conjugate])
def test_complex_arrays_raise_with_a_fix(fn):
    z = jnp.asarray(np.array([1 + 2j], np.complex64))
    with pytest.raises(NotImplementedError, match=r"complex arrays are not supported yet "
                                                  r"\(got complex64\); keep the real and "
                                                  "imaginary parts as two real arrays"):
        fn(z)
