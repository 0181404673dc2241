"""functorch_lite.lax: the primitive-level operations (JAX's ``jax.lax`` names).

Unlike ``functorch_lite.numpy`` these do no dtype promotion: binary operations want arguments of
one dtype (Python scalars are weak and adapt).
"""
from collections.abc import Callable
from typing import Any

from ._src.prims import elementwise as _E
from ._src.prims.indexing import gather, scatter
from ._src.prims.linalg import dot_general
from ._src.prims.reduce import (
    argmax,
    argmin,
    cumprod,
    cumsum,
    reduce_max,
    reduce_min,
    reduce_prod,
    reduce_sum,
)
from ._src.prims.shape import (
    _check_increasing,
    concatenate,
    convert_element_type,
    pad,
    reshape,
    rev,
    split,
    stop_gradient_p,
    transpose,
)
from ._src.prims.shape import broadcast_in_dim as _broadcast_in_dim
from ._src.prims.shape import slice_ as slice
from ._src.prims.sort import sort


def _unary(name: str, bound: Callable, what: str) -> Callable:
    def op(x: Any) -> Any:
        return bound(x)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise {what}. Example: ``lax.{name}(jnp.asarray([0.5, 1.0]))``."
    return op


def _binary(name: str, bound: Callable, what: str) -> Callable:
    def op(x: Any, y: Any) -> Any:
        return bound(x, y)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = (f"Elementwise {what}, with numpy broadcasting; both arguments must have one "
                  f"dtype (Python scalars adapt). Example: ``lax.{name}(x, y)``.")
    return op


# Public wrappers (with docstrings) around the internal bound primitives.
abs = _unary("abs", _E.abs_, "absolute value")
acos = _unary("acos", _E.acos, "arccosine")
acosh = _unary("acosh", _E.acosh, "inverse hyperbolic cosine")
asin = _unary("asin", _E.asin, "arcsine")
asinh = _unary("asinh", _E.asinh, "inverse hyperbolic sine")
atan = _unary("atan", _E.atan, "arctangent")
atanh = _unary("atanh", _E.atanh, "inverse hyperbolic tangent")
ceil = _unary("ceil", _E.ceil, "ceiling")
cos = _unary("cos", _E.cos, "cosine")
cosh = _unary("cosh", _E.cosh, "hyperbolic cosine")
exp = _unary("exp", _E.exp, "exponential")
expm1 = _unary("expm1", _E.expm1, "exp(x) - 1")
floor = _unary("floor", _E.floor, "floor")
log = _unary("log", _E.log, "natural logarithm")
log1p = _unary("log1p", _E.log1p, "log(1 + x)")
logistic = _unary("logistic", _E.logistic, "logistic sigmoid 1 / (1 + exp(-x))")
neg = _unary("neg", _E.neg, "negation")
round = _unary("round", _E.round_, "rounding")
sign = _unary("sign", _E.sign, "sign")
sin = _unary("sin", _E.sin, "sine")
sinh = _unary("sinh", _E.sinh, "hyperbolic sine")
sqrt = _unary("sqrt", _E.sqrt, "square root")
tan = _unary("tan", _E.tan, "tangent")
tanh = _unary("tanh", _E.tanh, "hyperbolic tangent")
add = _binary("add", _E.add, "x + y")
atan2 = _binary("atan2", _E.atan2, "arctan(x / y) in the right quadrant")
div = _binary("div", _E.div, "x / y")
eq = _binary("eq", _E.eq, "x == y")
ge = _binary("ge", _E.ge, "x >= y")
gt = _binary("gt", _E.gt, "x > y")
le = _binary("le", _E.le, "x <= y")
lt = _binary("lt", _E.lt, "x < y")
max = _binary("max", _E.max_, "maximum")
min = _binary("min", _E.min_, "minimum")
mul = _binary("mul", _E.mul, "x * y")
ne = _binary("ne", _E.ne, "x != y")
pow = _binary("pow", _E.pow_, "x ** y")
rem = _binary("rem", _E.rem, "remainder (sign of y, like numpy)")
sub = _binary("sub", _E.sub, "x - y")
cbrt = _unary("cbrt", _E.cbrt, "cube root")
digamma = _unary("digamma", _E.digamma, "digamma function (derivative of lgamma)")
erf = _unary("erf", _E.erf, "error function")
erf_inv = _unary("erf_inv", _E.erf_inv, "inverse error function")
erfc = _unary("erfc", _E.erfc, "complementary error function 1 - erf(x)")
exp2 = _unary("exp2", _E.exp2, "2 ** x")
is_finite = _unary("is_finite", _E.is_finite, "test for finite values (bool result)")
lgamma = _unary("lgamma", _E.lgamma, "log |Gamma(x)|")
population_count = _unary("population_count", _E.population_count,
                          "count of set bits (integers)")
bitwise_not = _unary("bitwise_not", _E.bitwise_not, "bitwise not (logical not for bools)")
bitwise_and = _binary("bitwise_and", _E.bitwise_and, "bitwise and")
bitwise_or = _binary("bitwise_or", _E.bitwise_or, "bitwise or")
bitwise_xor = _binary("bitwise_xor", _E.bitwise_xor, "bitwise exclusive or")
nextafter = _binary("nextafter", _E.nextafter, "next representable float after x towards y")
shift_left = _binary("shift_left", _E.shift_left, "x << y (integers)")
shift_right_arithmetic = _binary("shift_right_arithmetic", _E.shift_right_arithmetic,
                                 "arithmetic x >> y (sign-extending, integers)")
shift_right_logical = _binary("shift_right_logical", _E.shift_right_logical,
                              "logical x >> y (zero-filling, integers)")


def rsqrt(x: Any) -> Any:
    """Elementwise ``1 / sqrt(x)``. Example: ``lax.rsqrt(jnp.asarray([4.0]))`` is ``[0.5]``."""
    return _E.div(1.0, _E.sqrt(x))


def square(x: Any) -> Any:
    """Elementwise ``x * x``. Example: ``lax.square(jnp.asarray([3.0]))`` is ``[9.]``."""
    return _E.integer_pow(x, 2)


def reciprocal(x: Any) -> Any:
    """Elementwise ``1 / x``. Example: ``lax.reciprocal(jnp.asarray([4.0]))`` is ``[0.25]``."""
    return _E.div(1.0, x)


def clamp(min: Any, x: Any, max: Any) -> Any:  # noqa: A002
    """``x`` clipped to ``[min, max]`` elementwise (note the argument order, as in JAX).

    Example: ``lax.clamp(0.0, jnp.asarray([-1.0, 0.5, 2.0]), 1.0)`` is ``[0., 0.5, 1.]``."""
    return _E.min_(_E.max_(x, min), max)


def polygamma(m: Any, x: Any) -> Any:
    """The m-th derivative of digamma, for a non-negative integer ``m`` (static).

    Example: ``lax.polygamma(1, jnp.asarray(1.0))`` is pi**2 / 6."""
    from ._src.scipy_special import polygamma as _polygamma

    return _polygamma(m, x)


def integer_pow(x: Any, y: int) -> Any:
    """Elementwise ``x ** y`` for a Python int ``y`` (exact repeated multiplication).

    Example:
        >>> lax.integer_pow(jnp.asarray([2.0, 3.0]), 2)
        Array([4., 9.], dtype=float32)
    """
    return _E.integer_pow(x, y)


def broadcast_in_dim(operand: Any, shape: Any, broadcast_dimensions: Any) -> Any:
    """Broadcast ``operand`` to ``shape``; its axis i becomes axis ``broadcast_dimensions[i]``
    (strictly increasing).

    Example:
        >>> lax.broadcast_in_dim(jnp.ones(3), (2, 3), (1,)).shape
        (2, 3)
    """
    shape, broadcast_dimensions = tuple(shape), tuple(broadcast_dimensions)
    _check_increasing(shape, broadcast_dimensions)
    if not hasattr(operand, "shape"):  # a Python scalar or list: as an array (weak scalars)
        from ._src.numpy._convert import asarray

        operand = asarray(operand)
    return _broadcast_in_dim(operand, shape, broadcast_dimensions)


def select(pred: Any, on_true: Any, on_false: Any) -> Any:
    """``on_true`` where the bool ``pred`` holds, else ``on_false`` (elementwise).

    Example:
        >>> lax.select(jnp.asarray([True, False]), jnp.ones(2), jnp.zeros(2))
        Array([1., 0.], dtype=float32)
    """
    return _E.select(pred, on_true, on_false)


def stop_gradient(x: Any) -> Any:
    """``x``, with derivatives through it treated as zero (a pytree of arrays works too).

    Example:
        >>> grad(lambda x: x * stop_gradient(x))(2.0)   # d/dx of x * const = 2
        Array(2., dtype=float32)
    """
    from ._src.numpy._convert import as_operand, is_arraylike
    from ._src.tree_util import tree_map

    if is_arraylike(x):  # the common case, without walking a pytree
        return stop_gradient_p.bind(x)
    return tree_map(lambda v: stop_gradient_p.bind(as_operand(v)), x)


# Families defined elsewhere list their lax names in __all__: control flow, convolution.
from ._src.control import *  # noqa: E402, F403
from ._src.control import __all__ as _control_names  # noqa: E402
from ._src.conv import *  # noqa: E402, F403
from ._src.conv import __all__ as _conv_names  # noqa: E402

__all__ = _control_names + _conv_names + [
    "abs", "acos", "acosh", "add", "argmax", "argmin", "asin", "asinh", "atan", "atan2",
    "atanh", "broadcast_in_dim", "ceil", "concatenate", "convert_element_type", "cos",
    "cosh", "cumsum", "div", "dot_general", "eq", "exp", "expm1", "floor", "gather", "ge", "gt",
    "integer_pow", "le", "log", "log1p", "logistic", "lt", "max", "min", "mul", "ne", "neg",
    "pad", "pow", "reduce_max", "reduce_min", "reduce_sum", "rem", "reshape", "rev", "round",
    "scatter", "select", "sign", "sin", "sinh", "slice", "sqrt", "stop_gradient", "sub", "tan",
    "tanh", "transpose",
    # special functions, bits and other elementwise operations
    "bitwise_and", "bitwise_not", "bitwise_or", "bitwise_xor", "cbrt", "clamp", "digamma",
    "erf", "erf_inv", "erfc", "exp2", "is_finite", "lgamma", "nextafter", "polygamma",
    "population_count", "reciprocal", "rsqrt", "shift_left", "shift_right_arithmetic",
    "shift_right_logical", "square", "cumprod", "reduce_prod", "sort", "split",
]
