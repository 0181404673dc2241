"""Kernels for the special-function primitives (erf, erfc, erf_inv, lgamma, digamma, polygamma),
written once against ``xp`` (numpy or cupy). numpy has none of these functions; scipy is not a
dependency. Each kernel computes in float64 and casts back to the input's dtype, so float32
results are correctly rounded to within an ulp or two.

Methods (all public-domain mathematics):

* erf / erfc: Cephes' rational approximations (Moshier's ``ndtr.c``): ``x T(x^2) / U(x^2)`` for
  ``|x| <= 1``, ``exp(-x^2) P(|x|) / Q(|x|)`` below 8 and ``R/S`` above (relative error ~1e-16).
* erf_inv: Giles' single-precision approximation (an asymptotic one beyond float32's range)
  as a first guess, then three Halley steps on
  ``erf(x) = y`` (the residual taken through erfc near +-1, where ``1 - |y|`` is exact).
* lgamma: the Lanczos approximation (g = 7, 9 terms), with the reflection formula below 1/2.
* digamma: the recurrence ``psi(x) = psi(x + 1) - 1/x`` up to x >= 10, then the asymptotic
  series; reflection ``psi(x) = psi(1 - x) - pi / tan(pi x)`` below 1/2.
* polygamma(n >= 1): ``(-1)^(n+1) n! zeta(n + 1, x)``, with the Hurwitz zeta by Euler-Maclaurin
  summation (direct terms until the argument exceeds ``n + 16``, then 10 Bernoulli terms).
"""
from __future__ import annotations

import contextlib
import math
from collections.abc import Callable
from typing import Any

import numpy as np

# Cephes ndtr.c coefficients, highest power first.
_ERF_T = (9.60497373987051638749e0, 9.00260197203842689217e1, 2.23200534594684319226e3,
          7.00332514112805075473e3, 5.55923013010394962768e4)
_ERF_U = (3.35617141647503099647e1, 5.21357949780152679795e2, 4.59432382970980127987e3,
          2.26290000613890934246e4, 4.92673942608635921086e4)
_ERFC_P = (2.46196981473530512524e-10, 5.64189564831068821977e-1, 7.46321056442269912687e0,
           4.86371970985681366614e1, 1.96520832956077098242e2, 5.26445194995477358631e2,
           9.34528527171957607540e2, 1.02755188689515710272e3, 5.57535335369399327526e2)
_ERFC_Q = (1.32281951154744992508e1, 8.67072140885989742329e1, 3.54937778887819891062e2,
           9.75708501743205489753e2, 1.82390916687909736289e3, 2.24633760818710981792e3,
           1.65666309194161350182e3, 5.57535340817727675546e2)
_ERFC_R = (5.64189583547755073984e-1, 1.27536670759978104416e0, 5.01905042251180477414e0,
           6.16021097993053585195e0, 7.40974269950448939160e0, 2.97886665372100240670e0)
_ERFC_S = (2.26052863220117276590e0, 9.39603524938001434673e0, 1.20489539808096656605e1,
           1.70814450747565897222e1, 9.60896809063285878198e0, 3.36907645100081516050e0)

# Giles, "Approximating the erfinv function" (GPU Computing Gems, 2011), single precision.
_ERFINV_CENTRAL = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06,
                   0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941)
_ERFINV_TAIL = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
                -0.0076224613, 0.00943887047, 1.00167406, 2.83297682)

# Lanczos approximation, g = 7, n = 9.
_LANCZOS_G = 7.0
_LANCZOS = (0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012,
            9.9843695780195716e-6, 1.5056327351493116e-7)
_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)

# Bernoulli numbers B_2, B_4, ..., B_20.
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510,
              43867 / 798, -174611 / 330)


def _quiet(xp: Any):
    # Both branches of every select are computed; the unused one may overflow or divide by 0.
    return np.errstate(all="ignore") if xp is np else contextlib.nullcontext()


def _polevl(x: Any, coefs: tuple) -> Any:
    acc = coefs[0]
    for c in coefs[1:]:
        acc = acc * x + c
    return acc


def _p1evl(x: Any, coefs: tuple) -> Any:
    """Like _polevl with an implicit leading coefficient 1."""
    acc = x + coefs[0]
    for c in coefs[1:]:
        acc = acc * x + c
    return acc


def _in_float64(fn: Callable) -> Callable:
    """Kernel factory: run ``fn(xp, x64)`` on a float64 copy, return the input's dtype."""

    def kernel(xp: Any) -> Callable:
        def impl(x: Any) -> Any:
            dt = x.dtype
            with _quiet(xp):
                out = fn(xp, x.astype(np.float64, copy=False))
            return out.astype(dt, copy=False)

        return impl

    return kernel


def _erfc_large(xp: Any, ax: Any) -> Any:
    """erfc(ax) for ax >= 1 (garbage below; callers select)."""
    z = xp.exp(-ax * ax)
    small = ax < 8.0
    p = xp.where(small, _polevl(ax, _ERFC_P), _polevl(ax, _ERFC_R))
    q = xp.where(small, _p1evl(ax, _ERFC_Q), _p1evl(ax, _ERFC_S))
    return xp.where(z == 0.0, 0.0, z * p / q)  # (z == 0 also catches ax = inf: p/q is nan)


def _erf_small(xp: Any, x: Any) -> Any:
    """erf(x) for |x| <= 1."""
    z = x * x
    return x * _polevl(z, _ERF_T) / _p1evl(z, _ERF_U)


def erf64(xp: Any, x: Any) -> Any:
    ax = xp.abs(x)
    large = xp.copysign(1.0 - _erfc_large(xp, ax), x)
    return xp.where(ax <= 1.0, _erf_small(xp, x), large)


def erfc64(xp: Any, x: Any) -> Any:
    ax = xp.abs(x)
    tail = _erfc_large(xp, ax)
    large = xp.where(x < 0, 2.0 - tail, tail)
    return xp.where(ax < 1.0, 1.0 - _erf_small(xp, x), large)


def erf_inv64(xp: Any, y: Any) -> Any:
    ay = xp.abs(y)
    w = -xp.log((1.0 - y) * (1.0 + y))
    central = _polevl(w - 2.5, _ERFINV_CENTRAL)
    tail = _polevl(xp.sqrt(w) - 3.0, _ERFINV_TAIL)
    x = xp.where(w < 5.0, central, tail) * y
    # Beyond float32's range Giles' tail is a poor start; there erfc(x) ~ exp(-x^2) / (x sqrt(pi))
    # solved by fixed-point steps is a good one.
    q = 1.0 - ay
    t = xp.sqrt(-xp.log(q))
    for _ in range(3):
        t = xp.sqrt(-xp.log(q * math.sqrt(math.pi) * t))
    x = xp.where(q < 1e-7, xp.copysign(t, y), x)
    near_one = ay > 0.5
    two_over_sqrt_pi = 2.0 / math.sqrt(math.pi)
    for _ in range(3):  # Halley's method on f(x) = erf(x) - y, f'' = -2 x f'
        # Near +-1 the residual goes through erfc: 1 - |y| is exact there, 1 - erf(x) is not.
        r = xp.where(near_one, xp.sign(y) * ((1.0 - ay) - erfc64(xp, xp.abs(x))),
                     erf64(xp, x) - y)
        fp = two_over_sqrt_pi * xp.exp(-x * x)
        step = r / (fp + x * r)
        x = xp.where(xp.isfinite(step), x - step, x)
    x = xp.where(ay == 1.0, xp.copysign(xp.inf, y), x)
    return xp.where(ay > 1.0, xp.nan, x)


def _sin_pi(xp: Any, x: Any) -> Any:
    """sin(pi x) with the argument reduced first (exact zeros at the integers)."""
    r = x - 2.0 * xp.round(x * 0.5)  # in [-1, 1], exactly
    return xp.where(r == xp.round(r), 0.0, xp.sin(math.pi * r))


def _lgamma_lanczos(xp: Any, x: Any) -> Any:
    """log|Gamma(x)| for x >= 1/2."""
    z = x - 1.0
    a = _LANCZOS[0]
    for i, c in enumerate(_LANCZOS[1:], start=1):
        a = a + c / (z + i)
    t = z + _LANCZOS_G + 0.5
    return _HALF_LOG_2PI + (z + 0.5) * xp.log(t) - t + xp.log(a)


def lgamma64(xp: Any, x: Any) -> Any:
    reflect = x < 0.5
    y = xp.where(reflect, 1.0 - x, x)
    main = _lgamma_lanczos(xp, y)
    reflected = math.log(math.pi) - xp.log(xp.abs(_sin_pi(xp, x))) - main
    out = xp.where(reflect, reflected, main)
    out = xp.where((x == 1.0) | (x == 2.0), 0.0, out)  # exact zeros, as math.lgamma gives
    return xp.where(xp.isinf(x), xp.inf, out)  # lgamma(+-inf) = inf


def digamma64(xp: Any, x: Any) -> Any:
    reflect = x < 0.5
    y = xp.where(reflect, 1.0 - x, x)
    acc = xp.zeros_like(y)
    for _ in range(10):  # y >= 1/2: at most 10 steps reach y >= 10
        low = y < 10.0
        acc = acc - xp.where(low, 1.0 / y, 0.0)
        y = xp.where(low, y + 1.0, y)
    w = 1.0 / (y * y)
    series = w * (1 / 12 - w * (1 / 120 - w * (1 / 252 - w * (1 / 240 - w * (
        1 / 132 - w * (691 / 32760 - w / 12))))))
    psi = xp.log(y) - 0.5 / y - series + acc
    r = x - xp.round(x)  # tan has period 1: reduce the argument first
    reflected = psi - math.pi / xp.tan(math.pi * r)
    out = xp.where(reflect, reflected, psi)
    # Poles at 0, -1, -2, ...: the limit is +inf from one side and -inf from the other.
    return xp.where(reflect & (r == 0.0), xp.nan, out)


def polygamma64(xp: Any, n: int, x: Any) -> Any:
    """psi^(n)(x) for an integer n >= 1."""
    s = n + 1
    threshold = n + 16.0
    y = x
    acc = xp.zeros_like(y)
    low = y < threshold
    while bool(low.any()):  # x + k for k = 0, 1, ... until past the threshold
        acc = acc + xp.where(low, y ** -s, 0.0)
        y = xp.where(low, y + 1.0, y)
        low = y < threshold
    # Euler-Maclaurin tail of zeta(s, y).
    tail = y ** (1 - s) / (s - 1) + 0.5 * y ** -s
    rising = float(s)  # s (s + 1) ... (s + 2k - 2)
    power = y ** (-s - 1)
    inv_y2 = 1.0 / (y * y)
    for k, b in enumerate(_BERNOULLI, start=1):
        tail = tail + (b / math.factorial(2 * k) * rising) * power
        rising *= (s + 2 * k - 1) * (s + 2 * k)
        power = power * inv_y2
    sign = 1.0 if n % 2 else -1.0
    return (sign * math.factorial(n)) * (acc + tail)


erf_kernel = _in_float64(erf64)
erfc_kernel = _in_float64(erfc64)
erf_inv_kernel = _in_float64(erf_inv64)
lgamma_kernel = _in_float64(lgamma64)
digamma_kernel = _in_float64(digamma64)


def polygamma_kernel(xp: Any) -> Callable:
    def impl(x: Any, *, n: int) -> Any:
        with _quiet(xp):
            out = polygamma64(xp, n, x.astype(np.float64, copy=False))
        return out.astype(x.dtype, copy=False)

    return impl
