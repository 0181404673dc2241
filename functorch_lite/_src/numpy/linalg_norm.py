"""Norms for functorch_lite.numpy.linalg: norm, vector_norm, matrix_norm.

NOTE (beyond JAX): the 2-norm of an all-zero vector and the Frobenius norm of an all-zero matrix
have gradient 0 (PyTorch's convention; JAX gives NaN), and their second derivatives there have no
NaN either. The square root is taken of ``where(s == 0, 1, s)`` and the result replaced by 0
where ``s == 0`` (the "double where"), so no branch ever differentiates sqrt at 0.
"""
from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..prims import elementwise as E
from ..prims import linalg_decomp as D
from ..prims import reduce as R
from ..prims import shape as S
from ._convert import asarray, promote_inexact


def _float(x: Any) -> Any:
    (x,) = promote_inexact(asarray(x))
    return x


def _keep(x: Any, shape: tuple, axes: tuple, keepdims: bool) -> Any:
    if not keepdims:
        return x
    return S.reshape(x, tuple(1 if i in axes else s for i, s in enumerate(shape)))


def _safe_root(total: Any, p: float) -> Any:
    """``total ** (1/p)`` with derivative 0 (not inf·0) where ``total == 0``."""
    zero = E.eq(total, 0.0)
    safe = E.select(zero, 1.0, total)
    root = E.sqrt(safe) if p == 2 else E.pow_(safe, 1.0 / p)
    return E.select(zero, 0.0, root)


def _vector_norm(x: Any, axes: tuple, ord: Any, keepdims: bool) -> Any:
    shape = x.shape
    if ord is None or ord == 2:
        out = _safe_root(R.reduce_sum(E.mul(x, x), axes), 2)
    elif isinstance(ord, str):
        raise ValueError(f"norm: invalid norm order {ord!r} for vectors; use a number, inf or "
                         "-inf ('fro' and 'nuc' are matrix norms: give two axes)")
    elif ord == np.inf:
        out = R.reduce_max(E.abs_(x), axes)
    elif ord == -np.inf:
        out = R.reduce_min(E.abs_(x), axes)
    elif ord == 0:
        out = R.reduce_sum(S.convert_element_type(E.ne(x, 0.0), x.dtype), axes)
    elif ord == 1:
        out = R.reduce_sum(E.abs_(x), axes)
    else:
        p = float(ord)
        out = _safe_root(R.reduce_sum(E.pow_(E.abs_(x), p), axes), p)
    return _keep(out, shape, axes, keepdims)


def _to_end(x: Any, rows: int, cols: int) -> Any:
    """Move the two matrix axes to the end (rows, then cols)."""
    rest = [i for i in range(x.ndim) if i not in (rows, cols)]
    return S.transpose(x, tuple(rest) + (rows, cols))


def _matrix_norm(x: Any, axes: tuple, ord: Any, keepdims: bool) -> Any:
    shape = x.shape
    rows, cols = axes
    if rows == cols:
        raise ValueError(f"norm: the two axes {axes} name the same axis of shape {shape}")
    if ord is None or ord == "fro":
        out = _safe_root(R.reduce_sum(E.mul(x, x), (rows, cols)), 2)
    elif ord == "nuc" or ord in (2, -2):
        s = D.svd(_to_end(x, rows, cols), compute_uv=False)[0]
        last = (s.ndim - 1,)
        out = {"nuc": R.reduce_sum, 2: R.reduce_max, -2: R.reduce_min}[ord](s, last)
    elif ord in (1, -1, np.inf, -np.inf):
        # 1: the largest column sum of |x|; inf: the largest row sum
        summed, other = (rows, cols) if ord in (1, -1) else (cols, rows)
        sums = R.reduce_sum(E.abs_(x), (summed,))
        other = other - (1 if summed < other else 0)
        out = (R.reduce_max if ord > 0 else R.reduce_min)(sums, (other,))
    else:
        raise ValueError(f"norm: invalid norm order {ord!r} for matrices; use None, 'fro', "
                         "'nuc', inf, -inf, 1, -1, 2 or -2")
    return _keep(out, shape, tuple(sorted(axes)), keepdims)


def _axis_tuple(axis: Any, ndim: int) -> tuple:
    axes = (axis,) if not isinstance(axis, (tuple, list)) else tuple(axis)
    out = []
    for a in axes:
        a = operator.index(a)
        if not -ndim <= a < ndim:
            raise ValueError(f"norm: axis {a} is out of bounds for an array of {ndim} dimensions")
        out.append(a % ndim)
    return tuple(out)


def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Any:
    """Vector or matrix norm, as numpy.linalg.norm (jax.numpy.linalg.norm).

    ``axis=None`` with ``ord=None``: the 2-norm of the flattened array; with ``ord`` given, ``x``
    must be 1-d (vector norm) or 2-d (matrix norm). An int axis: vector norms along it; a pair:
    matrix norms over those axes. Vector ``ord``: None/2, inf, -inf, 0, 1, any other p.
    Matrix ``ord``: None/'fro', 'nuc', inf, -inf, 1, -1, 2, -2. NOTE: the gradient at an all-zero
    input of the 2-norm and Frobenius norm is 0 (JAX gives NaN).

    Example:
        >>> norm(jnp.asarray([3.0, 4.0]))
        Array(5., dtype=float32)
    """
    x = _float(x)
    if axis is None:
        if ord is None:
            return _vector_norm(x, tuple(range(x.ndim)), None, keepdims)
        if x.ndim == 1:
            return _vector_norm(x, (0,), ord, keepdims)
        if x.ndim == 2:
            return _matrix_norm(x, (0, 1), ord, keepdims)
        raise ValueError(f"norm: with ord={ord!r} and axis=None the input must be 1-d or 2-d, "
                         f"got shape {x.shape}; pass axis (an int or a pair of ints)")
    axes = _axis_tuple(axis, x.ndim)
    if len(axes) == 1:
        return _vector_norm(x, axes, ord, keepdims)
    if len(axes) == 2:
        return _matrix_norm(x, axes, ord, keepdims)
    raise ValueError(f"norm: axis must be an int or a pair of ints, got {axis!r}")


def vector_norm(x: Any, /, *, axis: Any = None, keepdims: bool = False, ord: Any = 2) -> Any:
    """Vector norm over ``axis`` (all axes if None, any number of axes).

    Example:
        >>> vector_norm(jnp.ones((2, 2)))
        Array(2., dtype=float32)
    """
    x = _float(x)
    axes = tuple(range(x.ndim)) if axis is None else _axis_tuple(axis, x.ndim)
    return _vector_norm(x, axes, ord, keepdims)


def matrix_norm(x: Any, /, *, keepdims: bool = False, ord: Any = "fro") -> Any:
    """Matrix norm over the last two axes.

    Example:
        >>> matrix_norm(jnp.eye(3), ord=2)
        Array(1., dtype=float32)
    """
    x = _float(x)
    if x.ndim < 2:
        raise ValueError(f"matrix_norm: expected at least 2 dimensions, got shape {x.shape}")
    return _matrix_norm(x, (x.ndim - 2, x.ndim - 1), ord, keepdims)


__all__ = ["matrix_norm", "norm", "vector_norm"]
