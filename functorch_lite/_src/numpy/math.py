"""Elementwise math, comparisons and reductions with numpy's names and JAX's promotion rules."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import dtypes
from ..array import Array
from ..core import EVAL, Primitive, Tracer, _backends_in_use, _kernel_error, _state
from ..prims import elementwise as E
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


def _make_unary(prim: Primitive, name: str, inexact: bool = True) -> Callable:
    impl = prim.impl

    def op(x: Any, /) -> Any:
        if x.__class__ is Array:
            if _state.trace is EVAL and not _backends_in_use["cupy"] and (
                not inexact or x._value.dtype.kind in _FLOAT_KINDS
            ):
                return Array(impl(x._value))
        elif isinstance(x, Tracer) and (not inexact or x.dtype.kind in _FLOAT_KINDS):
            return _state.trace.process(prim, (x,), _NO_PARAMS)
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
floor = _make_unary(E.floor_p, "floor")
ceil = _make_unary(E.ceil_p, "ceil")
isfinite = _make_unary(E.is_finite_p, "isfinite")
invert = _make_unary(E.not_p, "invert", inexact=False)
bitwise_not = invert


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


def exp2(x: Any, /) -> Any:
    """Elementwise ``2 ** x``. Example: ``exp2(jnp.asarray([1.0, 3.0]))``."""
    (x,) = promote_inexact(x)
    return E.exp(E.mul(x, float(np.log(2.0))))


def log2(x: Any, /) -> Any:
    """Elementwise base-2 logarithm. Example: ``log2(jnp.asarray([8.0]))``."""
    (x,) = promote_inexact(x)
    return E.div(E.log(x), float(np.log(2.0)))


def log10(x: Any, /) -> Any:
    """Elementwise base-10 logarithm. Example: ``log10(jnp.asarray([100.0]))``."""
    (x,) = promote_inexact(x)
    return E.div(E.log(x), float(np.log(10.0)))


def logaddexp(x: Any, y: Any, /) -> Any:
    """``log(exp(x) + exp(y))`` computed without overflow."""
    x, y = promote_inexact(x, y)
    m = E.max_(x, y)
    m = S.stop_gradient_p.bind(m)
    return E.add(m, E.log(E.add(E.exp(E.sub(x, m)), E.exp(E.sub(y, m)))))


def where(condition: Any, x: Any = None, y: Any = None, /) -> Any:
    """``x`` where ``condition`` holds, else ``y`` (three-argument form).

    Example:
        >>> where(asarray([True, False]), 1.0, 0.0)
        Array([1., 0.], dtype=float32)
    """
    if x is None or y is None:
        raise NotImplementedError(
            "where(condition) with one argument (nonzero) is not supported yet; pass x and y"
        )
    c = asarray(condition, bool)
    x, y = promote(x, y)
    return E.select(c, x, y)


def clip(a: Any, a_min: Any = None, a_max: Any = None) -> Any:
    """Limit values to ``[a_min, a_max]``. Example: ``clip(x, 0.0, 1.0)``."""
    out = a
    if a_min is not None:
        out = maximum(out, a_min)
    if a_max is not None:
        out = minimum(out, a_max)
    return asarray(out)


# The public names functorch_lite.numpy re-exports from this module.
__all__ = [
    "abs", "absolute", "add", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctan2",
    "arctanh", "bitwise_and", "bitwise_not", "bitwise_or", "bitwise_xor", "ceil", "clip", "cos",
    "cosh", "divide", "equal", "exp", "exp2", "expm1", "floor", "floor_divide", "greater",
    "greater_equal", "heaviside", "invert", "isfinite", "less", "less_equal", "log", "log10",
    "log1p", "log2", "logaddexp", "logical_and", "logical_not", "logical_or", "maximum", "minimum",
    "mod", "multiply", "negative", "not_equal", "power", "reciprocal", "remainder", "round",
    "sign", "sin", "sinh", "sqrt", "square", "subtract", "tan", "tanh", "true_divide", "where"
]
