"""functorch_lite.scipy.special: values against the math module, hand formulas and numpy;
derivatives to second order; vmap and jit; the softmax family's stability and -inf conventions.
scipy is not needed (its kernels are our own); where scipy is installed it is one more check."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import functorch_lite as fl
import functorch_lite.numpy as jnp
import functorch_lite.scipy.special as sp
from functorch_lite._src.prims import _special_kernels as K
from functorch_lite.test_util import check_grads

SETTINGS = settings(max_examples=15, deadline=None, derandomize=True)


def vec(fn):
    return np.vectorize(fn, otypes=[np.float64])


def np_logsumexp(a, axis=None, keepdims=False):
    m = np.max(a, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


# ---- the kernels against the math module, over wide ranges --------------------------------------


def test_erf_erfc_kernels_against_math():
    x = np.concatenate([np.linspace(-6, 6, 1201), np.linspace(-27, 27, 109), [0.0, 1e-300]])
    np.testing.assert_allclose(K.erf_kernel(np)(x), vec(math.erf)(x), rtol=1e-15, atol=1e-300)
    want = vec(math.erfc)(x)
    np.testing.assert_allclose(K.erfc_kernel(np)(x), want, rtol=1e-13, atol=1e-300)
    assert K.erf_kernel(np)(np.array([np.inf, -np.inf])).tolist() == [1.0, -1.0]
    assert K.erfc_kernel(np)(np.array([np.inf, -np.inf])).tolist() == [0.0, 2.0]
    assert np.isnan(K.erf_kernel(np)(np.array([np.nan]))[0])


def test_lgamma_kernel_against_math():
    x = np.concatenate([np.linspace(0.01, 40, 2000), np.linspace(-9.99, -0.01, 999), [1e10]])
    x = x[np.abs(x - np.round(x)) > 1e-3]
    want = vec(math.lgamma)(x)
    np.testing.assert_allclose(K.lgamma_kernel(np)(x), want, rtol=1e-13, atol=1e-13)
    poles = K.lgamma_kernel(np)(np.array([0.0, -1.0, -2.0, np.inf, -np.inf]))
    assert np.all(poles == np.inf)
    assert K.lgamma_kernel(np)(np.array([1.0, 2.0])).tolist() == [0.0, 0.0]
    x32 = np.linspace(0.1, 10, 50).astype(np.float32)
    got = K.lgamma_kernel(np)(x32)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, vec(math.lgamma)(x32), rtol=1e-6, atol=1e-6)


def test_erf_inv_kernel_inverts_math_erf():
    y = np.concatenate([np.linspace(-0.999999, 0.999999, 2001), [1 - 2.0**-53, 1e-300, 0.0]])
    x = K.erf_inv_kernel(np)(y)
    np.testing.assert_allclose(vec(math.erf)(x), y, rtol=0, atol=4e-16)
    tail = np.array([1 - 1e-12, 1 - 2.0**-53])
    np.testing.assert_allclose(vec(math.erfc)(K.erf_inv_kernel(np)(tail)), 1 - tail, rtol=1e-6)
    edges = K.erf_inv_kernel(np)(np.array([1.0, -1.0, 1.5, np.nan]))
    assert edges[0] == np.inf and edges[1] == -np.inf and np.all(np.isnan(edges[2:]))


def test_digamma_and_polygamma_known_values():
    euler = 0.57721566490153286
    zeta3 = 1.2020569031595942
    cases = [
        (sp.digamma(1.0), -euler), (sp.digamma(0.5), -euler - 2 * math.log(2)),
        (sp.digamma(10.0), sum(1 / k for k in range(1, 10)) - euler),
        (sp.digamma(-0.5), -euler - 2 * math.log(2) + 2),  # psi(x+1) = psi(x) + 1/x
        (sp.polygamma(1, 1.0), math.pi**2 / 6), (sp.polygamma(1, 0.5), math.pi**2 / 2),
        (sp.polygamma(2, 1.0), -2 * zeta3), (sp.polygamma(3, 1.0), math.pi**4 / 15),
        (sp.polygamma(1, -0.5), math.pi**2 / 2 + 4),  # psi1(x) = psi1(x+1) + 1/x^2
        (sp.polygamma(0, 2.0), 1 - euler),
    ]
    for got, want in cases:
        np.testing.assert_allclose(float(jnp.asarray(got, jnp.float64)), want, rtol=1e-6)
    x = np.array([0.3, 1.7, 25.0, -2.5])
    got = K.digamma_kernel(np)(x)
    # psi(x + 1) - psi(x) = 1/x holds to float64 precision
    np.testing.assert_allclose(K.digamma_kernel(np)(x + 1) - got, 1 / x, rtol=1e-13)
    assert np.isnan(K.digamma_kernel(np)(np.array([0.0, -3.0]))).all()
    with pytest.raises(ValueError, match="non-negative integer"):
        sp.polygamma(1.5, 1.0)


def test_scipy_agrees_where_installed():
    scipy_special = pytest.importorskip("scipy.special")
    x = np.linspace(-3, 3, 61)
    np.testing.assert_allclose(np.asarray(sp.erf(x)), scipy_special.erf(x), rtol=1e-14)
    np.testing.assert_allclose(np.asarray(sp.digamma(x + 3.5)),
                               scipy_special.digamma(x + 3.5), rtol=1e-13)


# ---- the public functions --------------------------------------------------------------------

# name: (function, reference on float64 numpy, domain, differentiable there)
U = lambda lo, hi: (lambda rng, shape: rng.uniform(lo, hi, shape))  # noqa: E731
CASES = {
    "erf": (sp.erf, vec(math.erf), U(-2, 2)),
    "erfc": (sp.erfc, vec(math.erfc), U(-2, 2)),
    "erfinv": (sp.erfinv, None, U(-0.9, 0.9)),
    "gammaln": (sp.gammaln, vec(math.lgamma), U(0.2, 6)),
    "digamma": (sp.digamma, None, U(0.3, 6)),
    "polygamma1": (lambda x: sp.polygamma(1, x), None, U(0.3, 6)),
    "gamma": (sp.gamma, vec(math.gamma), U(0.3, 4)),
    "expit": (sp.expit, lambda x: 1 / (1 + np.exp(-x)), U(-5, 5)),
    "logit": (sp.logit, lambda x: np.log(x / (1 - x)), U(0.1, 0.9)),
    "ndtr": (sp.ndtr, vec(lambda v: 0.5 * math.erfc(-v / math.sqrt(2))), U(-3, 3)),
    "log_ndtr": (sp.log_ndtr, vec(lambda v: math.log(0.5 * math.erfc(-v / math.sqrt(2)))),
                 U(-30, 5)),
    "ndtri": (sp.ndtri, None, U(0.2, 0.8)),
    "entr": (sp.entr, lambda x: -x * np.log(x), U(0.1, 2)),
    "xlogy": (lambda x: sp.xlogy(x, x * x + 0.5), lambda x: x * np.log(x * x + 0.5), U(-2, 2)),
    "xlog1py": (lambda x: sp.xlog1py(x, x * x), lambda x: x * np.log1p(x * x), U(-2, 2)),
    "betaln": (lambda x: sp.betaln(x, 2.5), vec(lambda v: math.lgamma(v) + math.lgamma(2.5)
                                                  - math.lgamma(v + 2.5)), U(0.3, 4)),
    "logsumexp_axis": (lambda x: sp.logsumexp(x, axis=-1), lambda x: np_logsumexp(x, -1),
                       U(-3, 3)),
    "logsumexp_keep": (lambda x: sp.logsumexp(x, axis=0, keepdims=True),
                       lambda x: np_logsumexp(x, 0, True), U(-3, 3)),
    "logsumexp_b": (lambda x: sp.logsumexp(x, b=0.5 + x * x),
                    lambda x: np.log(np.sum((0.5 + x * x) * np.exp(x))), U(-3, 3)),
    "softmax": (lambda x: sp.softmax(x, axis=-1),
                lambda x: np.exp(x - np_logsumexp(x, -1, True)), U(-3, 3)),
    "log_softmax": (lambda x: sp.log_softmax(x), lambda x: x - np_logsumexp(x), U(-3, 3)),
}


def _inverse_refs(name, x):
    """Checks for the entries without a closed-form reference: invert or differentiate."""
    got = np.asarray(CASES[name][0](jnp.asarray(x)), np.float64)
    if name == "erfinv":
        np.testing.assert_allclose(vec(math.erf)(got), x, rtol=1e-6, atol=1e-6)
    elif name == "ndtri":
        np.testing.assert_allclose(vec(lambda v: 0.5 * math.erfc(-v / math.sqrt(2)))(got), x,
                                   rtol=1e-5)
    elif name in ("digamma", "polygamma1"):  # central differences of the level below
        below = (lambda v: vec(math.lgamma)(v)) if name == "digamma" else (
            lambda v: np.asarray(sp.digamma(jnp.asarray(v))))
        h = 1e-5
        want = (below(x.astype(np.float64) + h) - below(x.astype(np.float64) - h)) / (2 * h)
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("name", sorted(CASES))
@SETTINGS
@given(shape=st.sampled_from([(3,), (2, 3), (1,), (4, 2)]), seed=st.integers(0, 2**31))
def test_values_derivatives_jit_vmap(name, shape, seed):
    fn, ref, dom = CASES[name]
    x64 = dom(np.random.default_rng(seed), shape)
    for dtype in (np.float32, np.float64):
        x = x64.astype(dtype)
        got = fn(jnp.asarray(x))
        assert got.dtype == dtype
        if ref is None:
            _inverse_refs(name, x)
        else:
            tol = 1e-5 if dtype == np.float32 else 1e-12
            np.testing.assert_allclose(np.asarray(got), ref(x.astype(np.float64)), rtol=tol,
                                       atol=tol)
        np.testing.assert_allclose(np.asarray(fl.jit(fn)(jnp.asarray(x))), np.asarray(got),
                                   rtol=1e-6)
    check_grads(fn, (jnp.asarray(x64),), order=2, modes=("fwd", "rev"))
    batch = np.stack([x64, x64[::-1] * 0.9])
    looped = np.stack([np.asarray(fn(jnp.asarray(b))) for b in batch])
    np.testing.assert_allclose(np.asarray(fl.vmap(fn)(jnp.asarray(batch))), looped, rtol=1e-12)


def test_xlogy_and_entr_at_zero():
    assert float(sp.xlogy(0.0, 0.0)) == 0.0 and float(sp.xlog1py(0.0, -1.0)) == 0.0
    assert float(fl.grad(lambda y: sp.xlogy(0.0, y))(0.0)) == 0.0
    assert float(fl.grad(lambda x: sp.xlogy(x, 2.0))(0.0)) == pytest.approx(math.log(2.0))
    assert float(sp.entr(0.0)) == 0.0 and float(sp.entr(-1.0)) == -np.inf
    assert float(fl.grad(sp.entr)(0.0)) == 0.0  # documented convention (true value +inf)


def test_logsumexp_return_sign_and_where():
    a = np.array([1.0, 2.0, 3.0])
    b = np.array([1.0, -3.0, 0.5])
    out, sign = sp.logsumexp(jnp.asarray(a), b=jnp.asarray(b), return_sign=True)
    s = np.sum(b * np.exp(a))
    np.testing.assert_allclose(float(out), np.log(abs(s)))
    assert float(sign) == np.sign(s)
    assert np.isnan(float(sp.logsumexp(jnp.asarray(a), b=jnp.asarray(b))))
    masked = sp.logsumexp(jnp.asarray(a), where=jnp.asarray([True, False, True]))
    np.testing.assert_allclose(float(masked), np.log(np.exp(1.0) + np.exp(3.0)))


def test_xlog1py_derivative_in_x_is_log1p_y_at_x_zero():
    # The value is 0 at x == 0, but its x-derivative is log1p(y) there too (it was 0, the
    # derivative of the select); the y-derivative at x == 0 is 0, even at y == -1.
    x = np.array([0.0, 0.0, 1.0, 2.0])
    y = np.array([1.0, -1.0, 0.0, 3.0])
    gx, gy = fl.grad(lambda a, b: jnp.sum(fl.scipy.special.xlog1py(a, b)), argnums=(0, 1))(x, y)
    np.testing.assert_allclose(np.asarray(gx), np.log1p(y))
    np.testing.assert_allclose(np.asarray(gy), [0.0, 0.0, 1.0, 0.5])
    for f in (fl.scipy.special.xlog1py, fl.scipy.special.xlogy):  # (x == 0: mixed 2nd order)
        check_grads(f, (np.array([0.0, 0.5, 2.0]), np.array([0.5, 0.3, 2.0])), order=2,
                    modes=("fwd", "rev"))


def test_logit_derivative_is_infinite_not_nan_at_0_and_1():
    p = np.array([0.0, 0.25, 1.0])
    np.testing.assert_allclose(np.asarray(fl.scipy.special.logit(p)),
                               [-np.inf, np.log(1 / 3), np.inf])
    g = fl.vmap(fl.grad(fl.scipy.special.logit))(p)
    np.testing.assert_allclose(np.asarray(g), [np.inf, 1 / (0.25 * 0.75), np.inf])
    check_grads(fl.scipy.special.logit, (np.array([0.1, 0.5, 0.8]),), order=2,
                modes=("fwd", "rev"))
