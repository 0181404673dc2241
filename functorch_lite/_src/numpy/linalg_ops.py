"""Products: matmul, dot, vdot, inner, outer, kron, tensordot, vecdot, cross, trace and einsum
(``linalg_einsum``), on dot_general and elementwise products."""
from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..prims import elementwise as E
from ..prims import reduce as R
from ..prims import shape as S
from ..prims.linalg import dot_general, dot_general_p
from ._convert import asarray, promote
from .linalg_einsum import einsum, einsum_path  # noqa: F401  (re-exported)
from .shape_ops import broadcast_to, ravel

# matmul's dimension numbers when b has no batch axes, by a's rank (a's last axis with b's first).
_MATMUL_DN = {n: (((n - 1,), (0,)), ((), ())) for n in range(1, 33)}


def matmul(a: Any, b: Any, /) -> Any:
    """Matrix product with numpy's rules: 1-d operands are vectors, leading axes broadcast.

    Example:
        >>> matmul(ones((2, 3)), ones((3, 4))).shape
        (2, 4)
    """
    a, b = promote(asarray(a), asarray(b))
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(
            f"matmul: operands must not be scalars, got shapes {a.shape} and {b.shape}; "
            "use * to multiply by a scalar"
        )
    k_a = a.shape[-1]
    k_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if k_a != k_b:
        raise ValueError(
            f"matmul: shapes {a.shape} and {b.shape} are incompatible: the last axis of the "
            f"first ({k_a}) must equal the {'only' if b.ndim == 1 else 'second-to-last'} axis "
            f"of the second ({k_b}). Transpose one operand (x.T) or check the layer sizes."
        )
    if b.ndim <= 2:  # no batch axes on b: contract a's last axis with b's first/only one
        return dot_general_p.bind(a, b, dimension_numbers=_MATMUL_DN[a.ndim])
    if a.ndim == 1:
        return dot_general(a, b, (((0,), (b.ndim - 2,)), ((), ())))
    batch = tuple(np.broadcast_shapes(a.shape[:-2], b.shape[:-2]))
    a = broadcast_to(a, batch + a.shape[-2:])
    b = broadcast_to(b, batch + b.shape[-2:])
    nb = len(batch)
    dims = tuple(range(nb))
    return dot_general(a, b, (((nb + 1,), (nb,)), (dims, dims)))


def dot(a: Any, b: Any, /) -> Any:
    """numpy's dot: scalars multiply, vectors give an inner product, otherwise the last axis of
    ``a`` contracts with the second-to-last axis of ``b``.
    """
    a, b = promote(asarray(a), asarray(b))
    if a.ndim == 0 or b.ndim == 0:
        return E.mul(a, b)
    kb = 0 if b.ndim == 1 else b.ndim - 2
    if a.shape[-1] != b.shape[kb]:
        raise ValueError(
            f"dot: shapes {a.shape} and {b.shape} are not aligned: {a.shape[-1]} (axis "
            f"{a.ndim - 1}) != {b.shape[kb]} (axis {kb})"
        )
    return dot_general(a, b, (((a.ndim - 1,), (kb,)), ((), ())))


def vdot(a: Any, b: Any, /) -> Any:
    """Dot product of the flattened arguments."""
    return dot(ravel(a), ravel(b))


def inner(a: Any, b: Any, /) -> Any:
    """Contract the last axes of ``a`` and ``b``."""
    a, b = promote(asarray(a), asarray(b))
    if a.ndim == 0 or b.ndim == 0:
        return E.mul(a, b)
    return dot_general(a, b, (((a.ndim - 1,), (b.ndim - 1,)), ((), ())))


def outer(a: Any, b: Any, /) -> Any:
    """Outer product of the flattened arguments."""
    a, b = promote(ravel(a), ravel(b))
    return E.mul(S.reshape(a, (a.shape[0], 1)), b)


def tensordot(a: Any, b: Any, axes: Any = 2) -> Any:
    """Contract ``axes`` of ``a`` with ``axes`` of ``b`` (an int: the last/first n)."""
    a, b = promote(asarray(a), asarray(b))
    if isinstance(axes, int):
        ca = tuple(range(a.ndim - axes, a.ndim))
        cb = tuple(range(axes))
    else:
        ca, cb = axes
        ca = (ca,) if isinstance(ca, int) else tuple(ca)
        cb = (cb,) if isinstance(cb, int) else tuple(cb)
        ca = tuple(c % a.ndim for c in ca)
        cb = tuple(c % b.ndim for c in cb)
    return dot_general(a, b, ((ca, cb), ((), ())))


def _diagonal(x: Any, offset: int, axis1: int, axis2: int) -> Any:
    """The ``offset`` diagonal over two axes, moved to the last axis."""
    from .indexing import take_diagonal

    axis1, axis2 = axis1 % x.ndim, axis2 % x.ndim
    if axis1 == axis2:
        raise ValueError(f"diagonal: axis1 and axis2 are the same axis ({axis1}) of shape "
                         f"{x.shape}")
    if offset:
        start = [0] * x.ndim
        axis, k = (axis2, offset) if offset > 0 else (axis1, -offset)
        start[axis] = min(k, x.shape[axis])
        x = S.slice_(x, tuple(start), tuple(x.shape))
    return take_diagonal(x, axis1, axis2)


def trace(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype: Any = None) -> Any:
    """Sum along a diagonal (``offset`` above the main one) of the axes ``axis1, axis2``.

    Example:
        >>> trace(jnp.eye(3))
        Array(3., dtype=float32)
    """
    a = asarray(a)
    if a.ndim < 2:
        raise ValueError(f"trace: expected at least 2 dimensions, got shape {a.shape}")
    from .reductions import _sum_dtype

    d = _diagonal(a, operator.index(offset), axis1, axis2)
    # small ints, unsigned ones and bools sum in the default (unsigned) int, as jnp.sum
    dtype = _sum_dtype(d.dtype) if dtype is None else np.dtype(dtype)
    if dtype != d.dtype:
        d = S.convert_element_type(d, dtype)
    return R.reduce_sum(d, (d.ndim - 1,))


def matrix_transpose(x: Any, /) -> Any:
    """Swap the last two axes.

    Example:
        >>> matrix_transpose(jnp.ones((2, 3, 4))).shape
        (2, 4, 3)
    """
    x = asarray(x)
    if x.ndim < 2:
        raise ValueError(f"matrix_transpose: expected at least 2 dimensions, got shape {x.shape}")
    return S.transpose(x, tuple(range(x.ndim - 2)) + (x.ndim - 1, x.ndim - 2))


def vecdot(x1: Any, x2: Any, /, *, axis: int = -1, precision: Any = None,
           preferred_element_type: Any = None) -> Any:
    """Dot products of vectors along ``axis`` (the other axes broadcast).

    Example:
        >>> vecdot(jnp.ones((2, 3)), jnp.ones(3))
        Array([3., 3.], dtype=float32)
    """
    del precision
    x1, x2 = promote(asarray(x1), asarray(x2))
    if preferred_element_type is not None:
        x1 = S.convert_element_type(x1, preferred_element_type)
        x2 = S.convert_element_type(x2, preferred_element_type)
    if x1.ndim == 0 or x2.ndim == 0 or x1.shape[axis] != x2.shape[axis]:
        raise ValueError(f"vecdot: shapes {x1.shape} and {x2.shape} must have the same size "
                         f"along axis {axis}")
    x1 = S.moveaxis(x1, axis, -1)
    x2 = S.moveaxis(x2, axis, -1)
    prod = E.mul(x1, x2)
    return R.reduce_sum(prod, (prod.ndim - 1,))


def kron(a: Any, b: Any) -> Any:
    """Kronecker product: blocks ``a[i, j] * b``.

    Example:
        >>> kron(jnp.eye(2), jnp.ones((2, 2))).shape
        (4, 4)
    """
    a, b = promote(asarray(a), asarray(b))
    nd = max(a.ndim, b.ndim)
    sa = (1,) * (nd - a.ndim) + tuple(a.shape)
    sb = (1,) * (nd - b.ndim) + tuple(b.shape)
    a = S.reshape(a, tuple(x for s in sa for x in (s, 1)))
    b = S.reshape(b, tuple(x for s in sb for x in (1, s)))
    return S.reshape(E.mul(a, b), tuple(p * q for p, q in zip(sa, sb)))


def cross(a: Any, b: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1,
          axis: int | None = None) -> Any:
    """Cross product of 3-vectors (or 2-vectors: the z component) along the given axes.

    Example:
        >>> cross(jnp.asarray([1.0, 0.0, 0.0]), jnp.asarray([0.0, 1.0, 0.0]))
        Array([0., 0., 1.], dtype=float32)
    """
    from .indexing import getitem
    from .shape_ops import stack

    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = promote(asarray(a), asarray(b))
    for name, x, ax in (("a", a, axisa), ("b", b, axisb)):
        if x.ndim == 0 or x.shape[ax] not in (2, 3):
            raise ValueError(f"cross: {name} must have size 2 or 3 along axis {ax}, got shape "
                             f"{x.shape}")
    a, b = S.moveaxis(a, axisa, -1), S.moveaxis(b, axisb, -1)

    def comp(x: Any, i: int) -> Any:
        return getitem(x, (Ellipsis, i)) if i < x.shape[-1] else 0.0

    a0, a1, a2 = (comp(a, i) for i in range(3))
    b0, b1, b2 = (comp(b, i) for i in range(3))
    z = E.sub(E.mul(a0, b1), E.mul(a1, b0))
    if a.shape[-1] == 2 and b.shape[-1] == 2:
        return z
    x = E.sub(E.mul(a1, b2), E.mul(a2, b1))
    y = E.sub(E.mul(a2, b0), E.mul(a0, b2))
    shape = tuple(np.broadcast_shapes(*(np.shape(c) for c in (x, y, z))))
    out = stack([S.broadcast_to(asarray(c, a.dtype), shape) for c in (x, y, z)], axis=-1)
    return S.moveaxis(out, -1, axisc)


# The public names functorch_lite.numpy re-exports from this module.
__all__ = [
    "cross", "dot", "einsum", "einsum_path", "inner", "kron", "matmul", "matrix_transpose",
    "outer", "tensordot", "trace", "vdot", "vecdot",
]
