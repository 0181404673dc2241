"""The last jax.numpy names: ``angle``, ``gcd``, ``lcm``, ``i0``, ``spacing``, ``convolve``,
``correlate``. All are composites (no primitives of their own), so grad, vmap and jit apply.

They live here, beside ``array_api.py`` (which re-exports them through its ``__all__``), to keep
that file under the size budget.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import dtypes
from ..control import while_loop
from ..prims import shape as S
from . import math as _math
from ._convert import asarray, promote, promote_inexact
from .creation import zeros_like
from .reductions import any as _any
from .shape_ops import broadcast_arrays, flip, reshape


# ---- angle --------------------------------------------------------------------------------------
def angle(z: Any, deg: bool = False) -> Any:
    """The counterclockwise angle of each element from the positive real axis. For real input
    this is ``arctan2(0, z)``: 0 for ``z > 0`` and ``+0.0``, pi for ``z < 0`` and ``-0.0``,
    NaN for NaN; in degrees if ``deg``. Integers and bools give the default float dtype.

    The result is piecewise constant in ``z``, so its derivative is 0 everywhere (JAX's is NaN
    at ``z = 0``, from arctan2's rule at the origin).

    Example:
        >>> angle(asarray([2.0, -1.0, -0.0]))
        Array([0.       , 3.1415927, 3.1415927], dtype=float32)
    """
    z = asarray(z)
    _math._real_only("angle", z)
    if z.dtype.kind != "f":
        z = asarray(z, dtypes.default_float)
    # The imaginary part of a real number is the constant +0, so only z's sign bit matters.
    z = S.stop_gradient_p.bind(z)
    out = _math.arctan2(zeros_like(z), z)
    return _math.rad2deg(out) if deg else out


# ---- gcd, lcm -----------------------------------------------------------------------------------
def _integer_operands(name: str, x1: Any, x2: Any) -> tuple[Any, Any, np.dtype]:
    """``x1``, ``x2`` promoted to one integer dtype and broadcast, as magnitudes in the unsigned
    dtype of that width, so ``abs(int_min)`` is exact (numpy wraps it back on the way out)."""
    x1, x2 = promote(x1, x2)
    dt = dtypes.result_type(x1, x2)
    if dt.kind not in "iu":
        raise TypeError(
            f"{name}: needs integer arrays, got {dt} (the promoted dtype of x1 and x2); "
            "convert with .astype(int) if the values are whole numbers")
    x1, x2 = broadcast_arrays(asarray(x1, dt), asarray(x2, dt))
    if dt.kind == "i":
        udt = np.dtype(f"uint{dt.itemsize * 8}")
        x1, x2 = asarray(_math.absolute(x1), udt), asarray(_math.absolute(x2), udt)
    return x1, x2, dt


def _euclid_step(carry: tuple) -> tuple:
    a, b = carry
    live = _math.not_equal(b, 0)
    b_safe = _math.where(live, b, 1)  # a finished lane divides by 1 and keeps b = 0
    return _math.where(live, b, a), _math.remainder(a, b_safe)


def _gcd_unsigned(a: Any, b: Any) -> Any:
    # Euclid on every lane at once, until every lane is done: at most ~1.44 * bits steps.
    g, _ = while_loop(lambda c: _any(_math.not_equal(c[1], 0)), _euclid_step, (a, b))
    return g


def gcd(x1: Any, x2: Any) -> Any:
    """The greatest common divisor of ``|x1|`` and ``|x2|``, elementwise with broadcasting, for
    integer arrays (``gcd(0, 0) == 0``). As in numpy, ``gcd(int_min, 0)`` wraps to ``int_min``.

    Example:
        >>> gcd(asarray([12, -12, 0, 7]), asarray([18, 8, 5, 0]))
        Array([6, 4, 5, 7], dtype=int32)
    """
    a, b, dt = _integer_operands("gcd", x1, x2)
    return asarray(_gcd_unsigned(a, b), dt)


def lcm(x1: Any, x2: Any) -> Any:
    """The least common multiple of ``|x1|`` and ``|x2|``, elementwise with broadcasting, for
    integer arrays (0 when either is 0). Results beyond the dtype's range wrap around.

    Example:
        >>> lcm(asarray([4, -6, 0]), asarray([6, 4, 5]))
        Array([12, 12,  0], dtype=int32)
    """
    a, b, dt = _integer_operands("lcm", x1, x2)
    g = _gcd_unsigned(a, b)
    g_zero = _math.equal(g, 0)
    out = _math.multiply(_math.floor_divide(a, _math.where(g_zero, 1, g)), b)
    return asarray(_math.where(g_zero, 0, out), dt)


# ---- i0 -----------------------------------------------------------------------------------------
# Two branches, each accurate to the dtype where it is used (thresholds from the size of the
# terms left out): the power series sum_k (x^2/4)^k / (k!)^2 for |x| <= switch, and the
# asymptotic series e^x / sqrt(2 pi x) * sum_k c_k / x^k above, c_k = ((2k-1)!!)^2 / (k! 8^k).
# (switch, power-series terms, asymptotic terms) per dtype:
_I0_PLAN = {8: (25.0, 42, 22), 4: (15.0, 26, 11), 2: (8.0, 14, 8)}


def _i0_power_series(x: Any, n_terms: int) -> Any:
    # Nested form 1 + t/1^2 (1 + t/2^2 (1 + ...)): all terms positive, so no cancellation,
    # and no tiny coefficients 1/(k!)^2 to underflow in float32.
    t = _math.multiply(_math.multiply(x, x), 0.25)
    u = _math.add(_math.multiply(t, 0.0), 1.0)
    for k in range(n_terms, 0, -1):
        u = _math.add(_math.true_divide(_math.multiply(t, u), float(k * k)), 1.0)
    return u


def _i0_asymptotic(ax: Any, n_terms: int) -> Any:
    r = _math.reciprocal(ax)
    s = _math.add(_math.multiply(r, 0.0), 1.0)
    for k in range(n_terms, 0, -1):
        s = _math.add(_math.multiply(_math.multiply(r, (2 * k - 1) ** 2 / (8.0 * k)), s), 1.0)
    # e^x as exp(x/2)^2, so the result stays finite as long as I0 itself is.
    half = _math.exp(_math.multiply(ax, 0.5))
    scale = _math.sqrt(_math.multiply(ax, 2.0 * math.pi))
    return _math.multiply(half, _math.true_divide(_math.multiply(half, s), scale))


def i0(x: Any) -> Any:
    """The modified Bessel function of the first kind of order 0 (``numpy.i0``), for real
    input (integers give the default float dtype). Accurate to a few ulp in float32 and
    float64, and differentiable to any order (``i0' == i1``); ``i0(+-inf)`` is inf.

    Example:
        >>> i0(asarray([0.0, 1.0, -2.0]))
        Array([1.       , 1.2660658, 2.2795854], dtype=float32)
    """
    (x,) = promote_inexact(x)
    x = asarray(x)
    _math._real_only("i0", x)
    switch, n_power, n_asym = _I0_PLAN.get(x.dtype.itemsize, _I0_PLAN[8])
    ax = _math.absolute(x)
    small = _math.less_equal(ax, switch)  # NaN goes to the asymptotic branch and stays NaN
    # Each branch sees only inputs it is valid for ("double where"), so the other branch's
    # overflow (the power series at x = 700) never reaches a value or a gradient as inf * 0.
    # Infinities are set at the end: e^x / sqrt(x) would be inf / inf.
    inf = _math.isinf(x)
    power = _i0_power_series(_math.where(small, x, 0.0), n_power)
    asym = _i0_asymptotic(_math.where(_math.logical_or(small, inf), switch, ax), n_asym)
    return _math.where(inf, np.inf, _math.where(small, power, asym))


# ---- spacing ------------------------------------------------------------------------------------
def spacing(x: Any, /) -> Any:
    """The distance from ``x`` to the next representable number away from zero, signed like
    ``x`` (numpy's ``spacing``): ``spacing(1.0)`` is eps, ``spacing(-1.0)`` is ``-eps``,
    ``spacing(+-0.0)`` the smallest positive subnormal; NaN for inf and NaN. float16 steps
    towards +inf for every ``x``, as numpy's does. Integers give the default float dtype. The
    derivative is 0.

    Example:
        >>> spacing(asarray([1.0, -1.0]))
        Array([ 1.1920929e-07, -1.1920929e-07], dtype=float32)
    """
    (x,) = promote_inexact(x)
    x = asarray(x)
    _math._real_only("spacing", x)
    x = S.stop_gradient_p.bind(x)
    if x.dtype == np.float16:
        toward = np.inf
    else:  # -0.0 steps up, as in numpy (not by its sign bit)
        toward = _math.where(_math.less(x, 0), asarray(-np.inf, x.dtype), np.inf)
    out = _math.subtract(_math.nextafter(x, toward), x)
    if x.dtype == np.float16:  # -inf steps up to -max; numpy's answer is NaN
        out = _math.where(_math.isinf(x), np.nan, out)
    return out


# ---- convolve, correlate ------------------------------------------------------------------------
_CONV_MODES = ("full", "same", "valid")


def _conv1d(name: str, a: Any, v: Any, mode: Any, precision: Any,
            preferred_element_type: Any) -> Any:
    a, v = asarray(a), asarray(v)
    if a.ndim != 1 or v.ndim != 1:
        raise ValueError(
            f"{name}: a and v must be one-dimensional, got shapes {a.shape} and {v.shape}; "
            "for n-d inputs use functorch_lite.lax.conv_general_dilated, or vmap over rows")
    if mode not in _CONV_MODES:
        raise ValueError(f"{name}: mode must be one of {list(_CONV_MODES)}, got {mode!r}")
    _math._real_only(name, a)
    _math._real_only(name, v)
    if a.shape[0] == 0 or v.shape[0] == 0:
        raise ValueError(f"{name}: inputs must not be empty, got shapes {a.shape} and {v.shape}")
    # Without preferred_element_type integers become floats, as numpy's float results.
    a, v = promote_inexact(a, v) if preferred_element_type is None else promote(a, v)
    reverse = False
    if a.shape[0] < v.shape[0]:
        # numpy slides the shorter array: convolution commutes; correlation of the swapped
        # pair is the original one reversed.
        a, v = v, a
        reverse = name == "correlate"
    if name == "convolve":
        v = flip(v)
    m = v.shape[0]
    pads = {"full": (m - 1, m - 1), "same": (m // 2, m - 1 - m // 2), "valid": (0, 0)}[mode]
    from ..conv import conv_general_dilated  # the lax layer sits above this one

    out = conv_general_dilated(reshape(a, (1, 1, -1)), reshape(v, (1, 1, -1)), (1,), [pads],
                               precision=precision,
                               preferred_element_type=preferred_element_type)
    out = reshape(out, (-1,))
    return flip(out) if reverse else out


def convolve(a: Any, v: Any, mode: str = "full", *, precision: Any = None,
             preferred_element_type: Any = None) -> Any:
    """The discrete linear convolution of two 1-d arrays (``numpy.convolve``):
    ``out[n] = sum_m a[m] v[n - m]``. ``mode`` is ``"full"`` (length ``N + M - 1``),
    ``"same"`` (length ``max(N, M)``, centred) or ``"valid"`` (length ``max(N, M) -
    min(N, M) + 1``). Integers give a float result unless ``preferred_element_type`` is given
    (the dtype to compute and return in); ``precision`` is accepted and ignored.

    Example:
        >>> convolve(asarray([1.0, 2.0, 3.0]), asarray([0.0, 1.0, 0.5]))
        Array([0. , 1. , 2.5, 4. , 1.5], dtype=float32)
    """
    return _conv1d("convolve", a, v, mode, precision, preferred_element_type)


def correlate(a: Any, v: Any, mode: str = "valid", *, precision: Any = None,
              preferred_element_type: Any = None) -> Any:
    """The cross-correlation of two 1-d arrays (``numpy.correlate``):
    ``out[k] = sum_n a[n + k] v[n]``, with ``mode`` ``"valid"`` (the default), ``"same"`` or
    ``"full"`` as for ``convolve``. Integers give a float result unless
    ``preferred_element_type`` is given; ``precision`` is accepted and ignored.

    Example:
        >>> correlate(asarray([1.0, 2.0, 3.0]), asarray([0.0, 1.0, 0.5]))
        Array([3.5], dtype=float32)
    """
    return _conv1d("correlate", a, v, mode, precision, preferred_element_type)


__all__ = ["angle", "convolve", "correlate", "gcd", "i0", "lcm", "spacing"]
