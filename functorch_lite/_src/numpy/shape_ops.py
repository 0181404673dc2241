"""Shape manipulation: reshape, ravel, transpose, swapaxes, moveaxis, squeeze, expand_dims,
concatenate, stack, broadcast_to, broadcast_arrays, flip."""
from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..prims import shape as S
from ._convert import asarray, promote


def _axis(axis: int, ndim: int, name: str = "axis") -> int:
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name} {axis} is out of range for an array with {ndim} dimensions")
    return axis % ndim


def _axes(axis: Any, ndim: int) -> tuple[int, ...]:
    """``axis`` (None, an int or a sequence) as a tuple of non-negative axes, validated."""
    if axis is None or axis.__class__ is int or axis.__class__ is tuple:
        return _axes_cached(axis, ndim)  # hashable: every reduction asks, so it is cached
    if isinstance(axis, (int, np.integer)):
        return _axes_cached(int(axis), ndim)
    return _axes_cached(tuple(int(a) for a in axis), ndim)


@functools.lru_cache(maxsize=1024)
def _axes_cached(axis: Any, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int):
        axis = (axis,)
    out = tuple(_axis(int(a), ndim) for a in axis)
    if len(set(out)) != len(out):
        raise ValueError(f"repeated axis in {tuple(axis)}")
    return out


def reshape(a: Any, newshape: Any = None, order: str = "C", *, shape: Any = None) -> Any:
    """Give ``a`` a new shape with the same number of elements; one entry may be -1.

    Example:
        >>> reshape(arange(6), (2, -1)).shape
        (2, 3)
    """
    if order != "C":
        raise NotImplementedError("reshape: only order='C' is supported")
    a = asarray(a)
    newshape = shape if shape is not None else newshape
    if isinstance(newshape, (int, np.integer)):
        newshape = (int(newshape),)
    newshape = [int(s) for s in newshape]
    if newshape.count(-1) > 1:
        raise ValueError(f"reshape: only one dimension can be -1, got {tuple(newshape)}")
    if -1 in newshape:
        known = math.prod([s for s in newshape if s != -1])
        if known == 0 or a.size % known:
            raise ValueError(f"reshape: cannot reshape shape {a.shape} into {tuple(newshape)}")
        newshape[newshape.index(-1)] = a.size // known
    return S.reshape(a, tuple(newshape))


def ravel(a: Any) -> Any:
    """Flatten to one dimension. Example: ``ravel(x).shape == (x.size,)``."""
    a = asarray(a)
    return S.reshape(a, (a.size,))


def transpose(a: Any, axes: Sequence[int] | None = None) -> Any:
    """Permute axes (reverse them by default). Example: ``transpose(x, (1, 0))``."""
    a = asarray(a)
    if axes is None:
        axes = tuple(reversed(range(a.ndim)))
    axes = tuple(_axis(int(p), a.ndim) for p in axes)
    if sorted(axes) != list(range(a.ndim)):
        raise ValueError(f"transpose: axes {axes} are not a permutation for shape {a.shape}")
    return S.transpose(a, axes)


def swapaxes(a: Any, axis1: int, axis2: int) -> Any:
    """Exchange two axes. Example: ``swapaxes(x, 0, 1)``."""
    a = asarray(a)
    perm = list(range(a.ndim))
    i, j = _axis(axis1, a.ndim), _axis(axis2, a.ndim)
    perm[i], perm[j] = perm[j], perm[i]
    return S.transpose(a, tuple(perm))


def moveaxis(a: Any, source: int, destination: int) -> Any:
    """Move one axis to a new position. Example: ``moveaxis(x, 0, -1)``."""
    a = asarray(a)
    return S.moveaxis(a, _axis(source, a.ndim), _axis(destination, a.ndim))


def squeeze(a: Any, axis: Any = None) -> Any:
    """Remove axes of size 1 (all of them, or those named). Example: ``squeeze(zeros((1, 3)))``."""
    a = asarray(a)
    if axis is None:
        axes = tuple(i for i, s in enumerate(a.shape) if s == 1)
    else:
        axes = _axes(axis, a.ndim)
        for ax in axes:
            if a.shape[ax] != 1:
                raise ValueError(
                    f"squeeze: axis {ax} of shape {a.shape} has size {a.shape[ax]}, not 1"
                )
    return S.reshape(a, tuple(s for i, s in enumerate(a.shape) if i not in axes))


def expand_dims(a: Any, axis: Any) -> Any:
    """Insert axes of size 1 at ``axis`` (an int or tuple). Example: ``expand_dims(x, 0)``."""
    a = asarray(a)
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out_ndim = a.ndim + len(axes)
    axes = sorted(_axis(int(ax), out_ndim) for ax in axes)
    shape = list(a.shape)
    for ax in axes:
        shape.insert(ax, 1)
    return S.reshape(a, tuple(shape))


def concatenate(arrays: Sequence[Any], axis: int | None = 0) -> Any:
    """Join arrays along an existing axis. Example: ``concatenate([x, y], axis=0)``."""
    if len(arrays) == 0:
        raise ValueError("concatenate needs at least one array")
    arrays = promote(*[asarray(a) for a in arrays])
    if axis is None:
        arrays = [ravel(a) for a in arrays]
        axis = 0
    ndim = arrays[0].ndim
    if ndim == 0:
        raise ValueError("zero-dimensional arrays cannot be concatenated")
    if len(arrays) == 1:
        return arrays[0]
    return S.concatenate(arrays, _axis(axis, ndim))


def stack(arrays: Sequence[Any], axis: int = 0) -> Any:
    """Join arrays along a new axis. Example: ``stack([x, y]).shape == (2,) + x.shape``."""
    if len(arrays) == 0:
        raise ValueError("stack needs at least one array")
    arrays = [asarray(a) for a in arrays]
    shapes = {a.shape for a in arrays}
    if len(shapes) != 1:
        raise ValueError(f"stack: all arrays must have the same shape, got {sorted(shapes)}")
    ax = _axis(axis, arrays[0].ndim + 1)
    return concatenate([expand_dims(a, ax) for a in arrays], axis=ax)


def broadcast_to(a: Any, shape: Any) -> Any:
    """Broadcast ``a`` to ``shape`` (numpy rules). Example: ``broadcast_to(1.0, (2, 2))``."""
    a = asarray(a)
    shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
    try:
        if tuple(np.broadcast_shapes(a.shape, shape)) != shape:
            raise ValueError
    except ValueError:
        raise ValueError(f"broadcast_to: cannot broadcast shape {a.shape} to {shape}") from None
    return S.broadcast_to(a, shape)


def broadcast_arrays(*args: Any) -> list:
    """Broadcast all arguments to their common shape."""
    args = [asarray(a) for a in args]
    shape = tuple(np.broadcast_shapes(*(a.shape for a in args)))
    return [S.broadcast_to(a, shape) for a in args]


def flip(a: Any, axis: Any = None) -> Any:
    """Reverse the order of elements along ``axis`` (all axes by default)."""
    a = asarray(a)
    return S.rev(a, _axes(axis, a.ndim))


def atleast_1d(a: Any) -> Any:
    """``a`` with at least one dimension. Example: ``atleast_1d(3.0).shape == (1,)``."""
    a = asarray(a)
    return reshape(a, (1,)) if a.ndim == 0 else a


def shape(a: Any) -> tuple[int, ...]:
    """The shape of ``a``."""
    return tuple(asarray(a).shape)


def ndim(a: Any) -> int:
    """The number of dimensions of ``a``."""
    return asarray(a).ndim


def size(a: Any) -> int:
    """The number of elements of ``a``."""
    return asarray(a).size


# The public names functorch_lite.numpy re-exports from this module.
__all__ = [
    "atleast_1d", "broadcast_arrays", "broadcast_to", "concatenate", "expand_dims", "flip",
    "moveaxis", "ndim", "ravel", "reshape", "shape", "size", "squeeze", "stack", "swapaxes",
    "transpose"
]
