"""functorch_lite.lax: the primitive-level operations (JAX's ``jax.lax`` names)."""
from typing import Any

from ._src.control import cond  # noqa: F401
from ._src.prims.elementwise import (  # noqa: F401
    abs_ as abs,
)
from ._src.prims.indexing import gather, scatter  # noqa: F401
from ._src.prims.linalg import dot_general  # noqa: F401
from ._src.prims.reduce import (  # noqa: F401
    argmax,
    argmin,
    cumsum,
    reduce_max,
    reduce_min,
    reduce_sum,
)
from ._src.prims.shape import (  # noqa: F401
    broadcast_in_dim,
    concatenate,
    convert_element_type,
    pad,
    reshape,
    rev,
    stop_gradient_p,
    transpose,
)


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
