"""Elementwise math, comparisons and logic with numpy's names and JAX's promotion rules.

Derivative conventions at kinks and NaN-avoiding rules are listed in docs/numerics.md."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import dtypes
from ..array import Array
from ..core import (
    EVAL,
    Primitive,
    Tracer,
    _backends_in_use,
    _kernel_error,
    _state,
    concrete_or_none,
)
from ..errors import ConcretizationTypeError
from ..prims import elementwise as E
from ..prims import reduce as R
from ..prims import shape as S
from ._convert import asarray, promote, promote_inexact

_FLOAT_KINDS = {"f", "c"}


_NO_PARAMS: dict = {}


def _make_binary(prim: Primitive, name: str, inexact: bool = False) -> Callable:
    """The numpy-level binary op for ``prim``: promotion, then bind.

    The fast paths are inlined here because they are every eager op's cost: two concrete Arrays
    of one dtype (or an Array and a Python scalar it absorbs) with no transformation running
    call the numpy kernel directly; a traced float and a Python float go straight to the
    current trace."""
    impl = prim.impl

    def op(x: Any, y: Any, /) -> Any:
        trace = _state.trace
        if x.__class__ is Array:
            if trace is EVAL and not _backends_in_use["cupy"]:
                ty = y.__class__
                xv = x._value
                if ty is Array:
                    if xv.dtype == y._value.dtype and not (inexact and xv.dtype.kind in "biu"):
                        try:
                            return Array(impl(xv, y._value))
                        except Exception as e:
                            raise _kernel_error(prim, (x, y), _NO_PARAMS, e) from e
                elif (ty is float and xv.dtype.kind in _FLOAT_KINDS) or (
                        ty is int and not inexact and xv.dtype.kind in "fciu"):
                    return Array(impl(xv, y))
        elif isinstance(x, Tracer) and not x.weak_type:
            ty = y.__class__
            if ty is float:
                if x.dtype.kind in _FLOAT_KINDS:
                    return trace.process(prim, (x, y), _NO_PARAMS)  # nothing to promote
            elif ty is x.__class__ and not y.weak_type:
                dt = x.dtype
                if dt == y.dtype and not (inexact and dt.kind in "biu"):
                    return trace.process(prim, (x, y), _NO_PARAMS)
        x, y = promote_inexact(x, y) if inexact else promote(x, y)
        return prim.bind(x, y)

    op.__name__ = name
    op.__doc__ = f"Elementwise ``{name}`` with numpy broadcasting. Example: ``{name}(x, y)``."
    return op


def _make_unary(prim: Primitive, name: str, inexact: bool = True,
                keep_integers: bool = False) -> Callable:
    """The numpy-level unary op for ``prim``. ``inexact``: ints and bools become the default
    float first; ``keep_integers``: they are returned unchanged instead (floor, ceil), as in
    numpy and JAX. Both only act off the fast path, which floats take."""
    impl = prim.impl

    def op(x: Any, /) -> Any:
        if x.__class__ is Array:
            if _state.trace is EVAL and not _backends_in_use["cupy"] and (
                not inexact or x._value.dtype.kind in _FLOAT_KINDS
            ):
                return Array(impl(x._value))
        elif isinstance(x, Tracer) and (not inexact or x.dtype.kind in _FLOAT_KINDS):
            return _state.trace.process(prim, (x,), _NO_PARAMS)
        if keep_integers:
            (x,) = promote(x)
            if x.dtype.kind in "biu":
                return x
        (x,) = promote_inexact(x) if inexact else promote(x)
        return prim.bind(x)

    op.__name__ = name
    op.__doc__ = f"Elementwise ``{name}``. Example: ``{name}(x)``."
    return op


add = _make_binary(E.add_p, "add")
subtract = _make_binary(E.sub_p, "subtract")
multiply = _make_binary(E.mul_p, "multiply")
true_divide = _make_binary(E.div_p, "true_divide", inexact=True)
divide = true_divide
maximum = _make_binary(E.max_p, "maximum")
minimum = _make_binary(E.min_p, "minimum")
arctan2 = _make_binary(E.atan2_p, "arctan2", inexact=True)
heaviside = _make_binary(E.heaviside_p, "heaviside", inexact=True)
remainder = _make_binary(E.rem_p, "remainder")
mod = remainder
equal = _make_binary(E.eq_p, "equal")
not_equal = _make_binary(E.ne_p, "not_equal")
less = _make_binary(E.lt_p, "less")
less_equal = _make_binary(E.le_p, "less_equal")
greater = _make_binary(E.gt_p, "greater")
greater_equal = _make_binary(E.ge_p, "greater_equal")
bitwise_and = _make_binary(E.and_p, "bitwise_and")
bitwise_or = _make_binary(E.or_p, "bitwise_or")
bitwise_xor = _make_binary(E.xor_p, "bitwise_xor")

negative = _make_unary(E.neg_p, "negative", inexact=False)
exp = _make_unary(E.exp_p, "exp")
log = _make_unary(E.log_p, "log")
log1p = _make_unary(E.log1p_p, "log1p")
expm1 = _make_unary(E.expm1_p, "expm1")
tanh = _make_unary(E.tanh_p, "tanh")
sin = _make_unary(E.sin_p, "sin")
cos = _make_unary(E.cos_p, "cos")
tan = _make_unary(E.tan_p, "tan")
arcsin = _make_unary(E.asin_p, "arcsin")
arccos = _make_unary(E.acos_p, "arccos")
arctan = _make_unary(E.atan_p, "arctan")
sinh = _make_unary(E.sinh_p, "sinh")
cosh = _make_unary(E.cosh_p, "cosh")
arcsinh = _make_unary(E.asinh_p, "arcsinh")
arccosh = _make_unary(E.acosh_p, "arccosh")
arctanh = _make_unary(E.atanh_p, "arctanh")
sqrt = _make_unary(E.sqrt_p, "sqrt")
absolute = _make_unary(E.abs_p, "absolute", inexact=False)
abs = absolute
sign = _make_unary(E.sign_p, "sign", inexact=False)
floor = _make_unary(E.floor_p, "floor", keep_integers=True)
ceil = _make_unary(E.ceil_p, "ceil", keep_integers=True)
isfinite = _make_unary(E.is_finite_p, "isfinite")
invert = _make_unary(E.not_p, "invert", inexact=False)
bitwise_not = invert
exp2 = _make_unary(E.exp2_p, "exp2")
cbrt = _make_unary(E.cbrt_p, "cbrt")
fmod = _make_binary(E.fmod_p, "fmod")
copysign = _make_binary(E.copysign_p, "copysign", inexact=True)
nextafter = _make_binary(E.nextafter_p, "nextafter", inexact=True)
_left_shift = _make_binary(E.shift_left_p, "left_shift")
_right_shift = _make_binary(E.shift_right_arithmetic_p, "right_shift")  # logical if unsigned


def _check_integers(name: str, x: Any, y: Any) -> None:
    for v in (x, y):
        if not isinstance(v, int) and dtypes.dtype_of(v).kind not in "iu":
            raise TypeError(f"{name} is defined for integer arrays only, got "
                            f"{dtypes.dtype_of(v)}; convert with .astype(int)")


def left_shift(x: Any, y: Any, /) -> Any:
    """``x << y`` for integers. Example: ``left_shift(jnp.asarray([1, 2]), 3)``."""
    _check_integers("left_shift", x, y)
    return _left_shift(x, y)


def right_shift(x: Any, y: Any, /) -> Any:
    """``x >> y`` for integers: arithmetic for signed, logical for unsigned dtypes.
    Example: ``right_shift(jnp.asarray([-8, 8]), 1)`` is ``[-4, 4]``."""
    _check_integers("right_shift", x, y)
    return _right_shift(x, y)


bitwise_left_shift = left_shift
bitwise_right_shift = right_shift
# numpy 2's short names
acos, asin, atan, acosh, asinh, atanh = arccos, arcsin, arctan, arccosh, arcsinh, arctanh
atan2 = arctan2


def logical_not(x: Any, /) -> Any:
    """Elementwise logical not (the result is bool)."""
    return invert(asarray(x, bool))


def logical_and(x: Any, y: Any, /) -> Any:
    """Elementwise logical and (the result is bool). Example: ``logical_and(a > 0, b > 0)``."""
    return bitwise_and(asarray(x, bool), asarray(y, bool))


def logical_or(x: Any, y: Any, /) -> Any:
    """Elementwise logical or (the result is bool). Example: ``logical_or(a > 0, b > 0)``."""
    return bitwise_or(asarray(x, bool), asarray(y, bool))


def round(x: Any, decimals: int = 0) -> Any:  # noqa: A001
    """Round half to even, like numpy. Example: ``round(x, 2)``."""
    (x,) = promote(x)
    if decimals == 0:
        return E.round_(x)
    scale = 10.0 ** decimals
    return divide(E.round_(multiply(x, scale)), scale)


def floor_divide(x: Any, y: Any, /) -> Any:
    """Elementwise ``x // y`` (floor of the quotient)."""
    x, y = promote(x, y)
    if dtypes.result_type(x, y).kind in "fc":
        return E.floor(E.div(x, y))
    return E.floor_divide(x, y)


def power(x: Any, y: Any, /) -> Any:
    """Elementwise ``x ** y``. A Python int exponent uses repeated multiplication (exact)."""
    if isinstance(y, int) and not isinstance(y, bool):
        (x,) = promote(x)
        if y < 0:
            if dtypes.dtype_of(x).kind not in "fc":
                raise ValueError("integers to negative integer powers are not allowed")
            return E.div(1.0, E.integer_pow(x, -y))
        return E.integer_pow(x, y)
    x, y = promote(x, y)
    return E.pow_(x, y)


def square(x: Any, /) -> Any:
    """Elementwise ``x * x``."""
    (x,) = promote(x)
    return E.integer_pow(x, 2)


def reciprocal(x: Any, /) -> Any:
    """Elementwise ``1 / x``."""
    (x,) = promote_inexact(x)
    return E.div(1.0, x)


def log2(x: Any, /) -> Any:
    """Elementwise base-2 logarithm. Example: ``log2(jnp.asarray([8.0]))``."""
    (x,) = promote_inexact(x)
    return E.div(E.log(x), float(np.log(2.0)))


def log10(x: Any, /) -> Any:
    """Elementwise base-10 logarithm. Example: ``log10(jnp.asarray([100.0]))``."""
    (x,) = promote_inexact(x)
    return E.div(E.log(x), float(np.log(10.0)))


def _inexact_arrays(*args: Any) -> list:
    """``promote_inexact``, then Python scalars become Arrays of the common dtype too, so that
    unary operations on them stay in that dtype (``abs_(2.0)`` alone would be float64)."""
    args = promote_inexact(*args)
    dt = dtypes.result_type(*args)
    return [asarray(a, dt) for a in args]


def _nonfinite_safe_max(x: Any, y: Any) -> Any:
    """max(x, y) with its gradient stopped, and 0 where it is infinite (so ``x - m`` is never
    ``inf - inf``)."""
    m = S.stop_gradient_p.bind(E.max_(x, y))
    return E.select(E.is_finite(m), m, 0.0)


def logaddexp(x: Any, y: Any, /) -> Any:
    """``log(exp(x) + exp(y))`` without overflow. Where both are -inf the value is -inf and the
    gradient 0 (not NaN): see docs/numerics.md.

    Example:
        >>> logaddexp(asarray(1000.0), asarray(1000.0))
        Array(1000.6931, dtype=float32)
    """
    x, y = promote_inexact(x, y)
    m = _nonfinite_safe_max(x, y)
    s = E.add(E.exp(E.sub(x, m)), E.exp(E.sub(y, m)))
    empty = E.eq(s, 0.0)  # both -inf: log(0), whose derivative 1/0 would make NaN gradients
    log_s = E.select(empty, -np.inf, E.log(E.select(empty, 1.0, s)))
    return E.add(m, log_s)


def logaddexp2(x: Any, y: Any, /) -> Any:
    """``log2(2**x + 2**y)`` without overflow. Example: ``logaddexp2(x, y)``."""
    x, y = _inexact_arrays(x, y)
    return E.div(logaddexp(E.mul(x, _LN2), E.mul(y, _LN2)), _LN2)


_LN2 = float(np.log(2.0))


def _float_only(x: Any) -> bool:
    return dtypes.dtype_of(x).kind in "fc"


def isnan(x: Any, /) -> Any:
    """True where ``x`` is NaN. Example: ``isnan(jnp.asarray([1.0, jnp.nan]))``."""
    (x,) = promote(x)
    x = asarray(x)
    return E.ne(x, x)  # (False for every integer)


def isinf(x: Any, /) -> Any:
    """True where ``x`` is +inf or -inf. Example: ``isinf(jnp.asarray([1.0, jnp.inf]))``."""
    x = asarray(x)
    if not _float_only(x):
        return E.ne(x, x)
    return E.eq(E.abs_(x), np.inf)


def isposinf(x: Any, /) -> Any:
    """True where ``x`` is +inf. Example: ``isposinf(jnp.asarray([jnp.inf, -jnp.inf]))``."""
    x = asarray(x)
    return E.eq(x, np.inf) if _float_only(x) else E.ne(x, x)


def isneginf(x: Any, /) -> Any:
    """True where ``x`` is -inf. Example: ``isneginf(jnp.asarray([jnp.inf, -jnp.inf]))``."""
    x = asarray(x)
    return E.eq(x, -np.inf) if _float_only(x) else E.ne(x, x)


def signbit(x: Any, /) -> Any:
    """True where the sign bit is set (negative numbers, -0.0 and negative NaNs).

    Example:
        >>> signbit(jnp.asarray([-0.0, 0.0, -2.0]))
        Array([ True, False,  True], dtype=bool)
    """
    x = asarray(x)
    if _float_only(x):
        return E.lt(E.copysign(1.0, x), 0.0)
    if x.dtype.kind == "b":
        return E.ne(x, x)
    return E.lt(x, 0)


def fabs(x: Any, /) -> Any:
    """Absolute value as a float (ints and bools become the default float).

    Example: ``fabs(jnp.asarray([-2, 3]))`` is ``Array([2., 3.], dtype=float32)``."""
    (x,) = promote_inexact(x)
    return E.abs_(x)


def positive(x: Any, /) -> Any:
    """``+x`` (the input, as an Array). Example: ``positive(x)``."""
    return asarray(x)


def trunc(x: Any, /) -> Any:
    """Round towards zero. Example: ``trunc(jnp.asarray([-1.7, 1.7]))`` gives ``[-1., 1.]``."""
    x = asarray(x)
    if not _float_only(x):
        return x
    return E.select(E.lt(x, 0.0), E.ceil(x), E.floor(x))


fix = trunc


def rint(x: Any, /) -> Any:
    """Round to the nearest integer, halves to even. Example: ``rint(jnp.asarray([0.5, 1.5]))``."""
    (x,) = promote_inexact(x)
    return E.round_(x)


around = round


def divmod(x: Any, y: Any, /) -> tuple:  # noqa: A001
    """``(floor_divide(x, y), remainder(x, y))``. Example: ``q, r = divmod(x, 3)``."""
    return floor_divide(x, y), remainder(x, y)


def fmax(x: Any, y: Any, /) -> Any:
    """Elementwise maximum that ignores NaNs (NaN only where both are NaN).

    Example: ``fmax(jnp.asarray([1.0, jnp.nan]), 0.0)`` is ``[1., 0.]``."""
    return _nan_ignoring(E.max_, x, y)


def _nan_ignoring(extremum: Callable, x: Any, y: Any) -> Any:
    """fmax/fmin: a NaN operand is replaced by the other one before ``extremum``, so the other
    one gets the whole derivative and the NaN one 0 (a NaN fed to max_ would make both NaN)."""
    x, y = promote(x, y)
    x, y = asarray(x), asarray(y)
    x_ok = E.eq(x, x)
    x = E.select(x_ok, x, y)
    return extremum(x, E.select(E.eq(y, y), y, x))


def fmin(x: Any, y: Any, /) -> Any:
    """Elementwise minimum that ignores NaNs. Example: ``fmin(x, 0.0)``."""
    return _nan_ignoring(E.min_, x, y)


def hypot(x: Any, y: Any, /) -> Any:
    """``sqrt(x**2 + y**2)`` without overflow or underflow. The gradient at (0, 0) is 0.

    Example:
        >>> hypot(asarray(3e30), asarray(4e30))
        Array(5.e+30, dtype=float32)
    """
    x, y = _inexact_arrays(x, y)
    ax, ay = E.abs_(x), E.abs_(y)
    big, small = E.max_(ax, ay), E.min_(ax, ay)
    zero = E.eq(big, 0.0)
    ratio = E.div(small, E.select(zero, 1.0, big))
    out = E.mul(big, E.sqrt(E.add(1.0, E.mul(ratio, ratio))))
    out = E.select(E.eq(big, np.inf), np.inf, out)
    return E.select(zero, 0.0, out)


def ldexp(x1: Any, x2: Any, /) -> Any:
    """``x1 * 2**x2`` for an integer ``x2``. Example: ``ldexp(jnp.asarray(0.75), 3)`` is 6."""
    (x1,) = promote_inexact(x1)
    x1 = asarray(x1)
    x2 = asarray(x2)
    if x2.dtype.kind not in "iub":
        raise TypeError(f"ldexp: the exponent x2 must be an integer array, got {x2.dtype}")
    return E.mul(x1, E.exp2(E.convert(x2, x1.dtype)))


def frexp(x: Any, /) -> tuple:
    """Split ``x`` into a mantissa in [0.5, 1) (with x's sign) and an int32 exponent, so that
    ``x == mantissa * 2**exponent``. Zero, inf and NaN give themselves and exponent 0.

    Example: ``m, e = frexp(jnp.asarray([8.0]))`` gives ``m = [0.5]``, ``e = [4]``."""
    (x,) = promote_inexact(x)
    x = asarray(x)
    ax = E.abs_(x)
    regular = E.bitwise_and(E.gt(ax, 0.0), E.is_finite(x))
    safe = E.select(regular, ax, 1.0)
    e = E.add(E.floor(log2(safe)), 1.0)
    m = E.div(safe, E.exp2(e))  # off by one power of two at most: log2 rounds
    e = E.add(e, E.sub(E.convert(E.ge(m, 1.0), x.dtype), E.convert(E.lt(m, 0.5), x.dtype)))
    mantissa = E.select(regular, E.div(x, E.exp2(e)), x)
    exponent = E.convert(E.select(regular, e, 0.0), np.dtype(np.int32))
    return mantissa, exponent


def modf(x: Any, /) -> tuple:
    """``(fractional part, integral part)``, both with x's sign. Example: ``modf(x)``."""
    (x,) = promote_inexact(x)
    whole = trunc(x)
    infinite = isinf(x)
    finite_x = E.select(infinite, 0.0, x)  # (inf - inf would be NaN: the fraction of inf is 0)
    frac = E.select(infinite, E.copysign(0.0, x), E.sub(finite_x, trunc(finite_x)))
    return frac, whole


def deg2rad(x: Any, /) -> Any:
    """Degrees to radians. Example: ``deg2rad(jnp.asarray(180.0))`` is pi."""
    (x,) = promote_inexact(x)
    return E.mul(x, float(np.pi / 180.0))


def rad2deg(x: Any, /) -> Any:
    """Radians to degrees. Example: ``rad2deg(jnp.asarray(jnp.pi))`` is 180."""
    (x,) = promote_inexact(x)
    return E.mul(x, float(180.0 / np.pi))


radians = deg2rad
degrees = rad2deg


def sinc(x: Any, /) -> Any:
    """The normalized sinc ``sin(pi x) / (pi x)``, 1 at 0, with exact derivatives there
    (sinc'(0) = 0, sinc''(0) = -pi**2 / 3).

    Example:
        >>> sinc(asarray([0.0, 0.5]))
        Array([1.       , 0.6366198], dtype=float32)
    """
    (x,) = promote_inexact(x)
    x = asarray(x)
    at_zero = E.eq(x, 0.0)
    px = E.mul(E.select(at_zero, 1.0, x), float(np.pi))
    # At 0 the Taylor polynomial stands in: same value and first four derivatives as sinc.
    pz = E.mul(x, float(np.pi))
    pz2 = E.mul(pz, pz)
    taylor = E.add(1.0, E.mul(pz2, E.add(-1.0 / 6.0, E.mul(pz2, 1.0 / 120.0))))
    return E.select(at_zero, taylor, E.div(E.sin(px), px))


def float_power(x: Any, y: Any, /) -> Any:
    """``x ** y`` computed in floating point (ints become the default float).

    Example: ``float_power(jnp.asarray([2, 3]), 2)`` is ``[4., 9.]``."""
    x, y = promote_inexact(x, y)
    return E.pow_(x, y)


pow = power  # noqa: A001


def logical_xor(x: Any, y: Any, /) -> Any:
    """Elementwise logical exclusive or (the result is bool). Example: ``logical_xor(a, b)``."""
    return bitwise_xor(asarray(x, bool), asarray(y, bool))


def nan_to_num(x: Any, copy: bool = True, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None) -> Any:
    """Replace NaN by ``nan`` and infinities by ``posinf``/``neginf`` (the dtype's largest
    finite values by default). The gradient flows through the finite entries.

    Example:
        >>> nan_to_num(asarray([jnp.nan, jnp.inf, 1.0]))
        Array([0.0000000e+00, 3.4028235e+38, 1.0000000e+00], dtype=float32)
    """
    del copy  # Arrays are immutable
    x = asarray(x)
    if not _float_only(x):
        return x
    info = np.finfo(x.dtype)
    posinf = float(info.max) if posinf is None else float(posinf)
    neginf = float(info.min) if neginf is None else float(neginf)
    out = E.select(E.eq(x, np.inf), posinf, x)
    out = E.select(E.eq(x, -np.inf), neginf, out)
    return E.select(E.ne(x, x), float(nan), out)


def isclose(a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Any:
    """``|a - b| <= atol + rtol * |b|`` elementwise; equal infinities are close, NaNs are not
    (unless ``equal_nan``). Example: ``isclose(x, y, atol=1e-6)``."""
    a, b = _inexact_arrays(a, b)
    tol = E.add(float(atol), E.mul(float(rtol), E.abs_(b)))
    near = E.le(E.abs_(E.sub(a, b)), tol)
    finite = E.bitwise_and(E.is_finite(a), E.is_finite(b))
    out = E.select(finite, near, E.eq(a, b))
    if equal_nan:
        out = E.bitwise_or(out, E.bitwise_and(E.ne(a, a), E.ne(b, b)))
    return out


def _all(x: Any) -> Any:
    if x.size == 0:  # (min has no identity; everything in nothing is true)
        return asarray(True)
    return R.reduce_min(x, tuple(range(x.ndim)))


def allclose(a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> Any:
    """True (a bool Array) when every element is ``isclose``. Example: ``allclose(x, y)``."""
    return _all(isclose(a, b, rtol, atol, equal_nan))


def array_equal(a1: Any, a2: Any, equal_nan: bool = False) -> Any:
    """True (a bool Array) when the shapes match and every element is equal.

    Example: ``array_equal(jnp.asarray([1, 2]), jnp.asarray([1, 2]))`` is ``Array(True)``."""
    a1, a2 = asarray(a1), asarray(a2)
    if a1.shape != a2.shape:
        return asarray(False)
    a1, a2 = promote(a1, a2)
    same = E.eq(a1, a2)
    if equal_nan:
        same = E.bitwise_or(same, E.bitwise_and(isnan(a1), isnan(a2)))
    return _all(same)


def array_equiv(a1: Any, a2: Any) -> Any:
    """True (a bool Array) when the arrays broadcast together and are equal everywhere."""
    a1, a2 = asarray(a1), asarray(a2)
    try:
        np.broadcast_shapes(a1.shape, a2.shape)
    except ValueError:
        return asarray(False)
    return _all(equal(a1, a2))


def _real_only(name: str, x: Any) -> Any:
    """``x`` as an Array, or NotImplementedError for a complex one (the numpy layer computes on
    real dtypes; complex support is future work)."""
    x = asarray(x)
    if x.dtype.kind == "c":
        raise NotImplementedError(
            f"{name}: complex arrays are not supported yet (got {x.dtype}); keep the real and "
            "imaginary parts as two real arrays"
        )
    return x


def conjugate(x: Any, /) -> Any:
    """The complex conjugate: ``x`` itself for real arrays. Example: ``conj(x)``."""
    return _real_only("conjugate", x)


conj = conjugate


def real(val: Any, /) -> Any:
    """The real part: ``val`` itself for real arrays. Example: ``real(x)``."""
    return _real_only("real", val)


def imag(val: Any, /) -> Any:
    """The imaginary part: zeros for real arrays. Example: ``imag(x)``."""
    from .creation import zeros_like

    return zeros_like(_real_only("imag", val))


def where(condition: Any, x: Any = None, y: Any = None, /, *, size: int | None = None,
          fill_value: Any = None) -> Any:
    """``x`` where ``condition`` holds, else ``y``; with only ``condition``, the indices of its
    nonzero elements (``nonzero(condition)``), which needs a concrete condition (not under jit).

    Example:
        >>> where(asarray([True, False]), 1.0, 0.0)
        Array([1., 0.], dtype=float32)
        >>> where(asarray([0, 3, 5]))
        (Array([1, 2], dtype=int32),)
    """
    if x is None and y is None:
        from .indexing import nonzero

        if size is None and isinstance(condition, Tracer) and concrete_or_none(condition) is None:
            raise ConcretizationTypeError(
                "where(condition) with one argument returns arrays whose size depends on the "
                f"values of condition (shape {condition.shape}), which are not known under "
                "jit/vmap. Use the three-argument where(condition, x, y), or "
                "nonzero(condition, size=...) / where(condition, size=...) with a static size."
            )
        if size is None:
            return nonzero(condition)
        return nonzero(condition, size=size, fill_value=fill_value)
    if x is None or y is None:
        raise ValueError("where: pass both x and y, or neither (where(condition) is nonzero)")
    c = asarray(condition, bool)
    x, y = promote(x, y)
    return E.select(c, x, y)


def clip(arr: Any = None, /, min: Any = None, max: Any = None, *,  # noqa: A002
         a: Any = None, a_min: Any = None, a_max: Any = None) -> Any:
    """Limit values to ``[min, max]`` (either may be None). ``a``, ``a_min`` and ``a_max`` are
    the older numpy names, still accepted. At a bound the gradient is split like
    maximum/minimum's (half to each side).

    Example:
        >>> clip(asarray([-1.0, 0.5, 2.0]), 0.0, 1.0)
        Array([0. , 0.5, 1. ], dtype=float32)
    """
    arr = a if arr is None else arr
    if arr is None:
        raise TypeError("clip: pass the array to clip as the first argument")
    lo = a_min if min is None else min
    hi = a_max if max is None else max
    out = asarray(arr)
    if lo is not None:
        out = maximum(out, lo)
    if hi is not None:
        out = minimum(out, hi)
    return out

# The public names functorch_lite.numpy re-exports from this module.
__all__ = [
    "abs", "absolute", "acos", "acosh", "add", "allclose", "arccos", "arccosh", "arcsin",
    "arcsinh", "arctan", "arctan2", "arctanh", "around", "array_equal", "array_equiv", "asin",
    "asinh", "atan", "atan2", "atanh", "bitwise_and", "bitwise_left_shift", "bitwise_not",
    "bitwise_or", "bitwise_right_shift", "bitwise_xor", "cbrt", "ceil", "clip", "conj",
    "conjugate", "copysign", "cos", "cosh", "deg2rad", "degrees", "divide", "divmod", "equal",
    "exp", "exp2", "expm1", "fabs", "fix", "float_power", "floor", "floor_divide", "fmax", "fmin",
    "fmod", "frexp", "greater", "greater_equal", "heaviside", "hypot", "imag", "invert",
    "isclose", "isfinite", "isinf", "isnan", "isneginf", "isposinf", "ldexp", "left_shift",
    "less", "less_equal", "log", "log10", "log1p", "log2", "logaddexp", "logaddexp2",
    "logical_and", "logical_not", "logical_or", "logical_xor", "maximum", "minimum", "mod",
    "modf", "multiply", "nan_to_num", "negative", "nextafter", "not_equal", "positive", "pow",
    "power", "rad2deg", "radians", "real", "reciprocal", "remainder", "right_shift", "rint",
    "round", "sign", "signbit", "sin", "sinc", "sinh", "sqrt", "square", "subtract", "tan",
    "tanh", "true_divide", "trunc", "where",
]
