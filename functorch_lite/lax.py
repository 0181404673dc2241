"""functorch_lite.lax: the primitive-level operations (JAX's ``jax.lax`` names).

Unlike ``functorch_lite.numpy`` these do no dtype promotion: binary operations want arguments of
one dtype (Python scalars are weak and adapt).
"""
from typing import Any

from ._src.control import cond
from ._src.prims.elementwise import abs_ as abs
from ._src.prims.elementwise import (
    acos,
    acosh,
    add,
    asin,
    asinh,
    atan,
    atan2,
    atanh,
    ceil,
    cos,
    cosh,
    div,
    eq,
    exp,
    expm1,
    floor,
    ge,
    gt,
    integer_pow,
    le,
    log,
    log1p,
    logistic,
    lt,
    mul,
    ne,
    neg,
    rem,
    select,
    sign,
    sin,
    sinh,
    sqrt,
    sub,
    tan,
    tanh,
)
from ._src.prims.elementwise import max_ as max
from ._src.prims.elementwise import min_ as min
from ._src.prims.elementwise import pow_ as pow
from ._src.prims.elementwise import round_ as round
from ._src.prims.indexing import gather, scatter
from ._src.prims.linalg import dot_general
from ._src.prims.reduce import argmax, argmin, cumsum, reduce_max, reduce_min, reduce_sum
from ._src.prims.shape import (
    broadcast_in_dim,
    concatenate,
    convert_element_type,
    pad,
    reshape,
    rev,
    stop_gradient_p,
    transpose,
)
from ._src.prims.shape import slice_ as slice


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


__all__ = [
    "abs", "acos", "acosh", "add", "argmax", "argmin", "asin", "asinh", "atan", "atan2",
    "atanh", "broadcast_in_dim", "ceil", "concatenate", "cond", "convert_element_type", "cos",
    "cosh", "cumsum", "div", "dot_general", "eq", "exp", "expm1", "floor", "gather", "ge", "gt",
    "integer_pow", "le", "log", "log1p", "logistic", "lt", "max", "min", "mul", "ne", "neg",
    "pad", "pow", "reduce_max", "reduce_min", "reduce_sum", "rem", "reshape", "rev", "round",
    "scatter", "select", "sign", "sin", "sinh", "slice", "sqrt", "stop_gradient", "sub", "tan",
    "tanh", "transpose",
]
