"""numpy indexing on immutable arrays: ``x[idx]`` and ``x.at[idx].set/add/...``.

An index expression is taken apart into static pieces (slices, ints, None, Ellipsis), done with
slice/rev/reshape, and array pieces, done with one ``gather`` (or ``scatter`` for updates) over
the indexed axes moved to the front. Integers and arrays follow numpy's placement rule: advanced
indices that are adjacent keep their place, otherwise their axes go first.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes
from ..array import Array
from ..core import Tracer, concrete_or_none
from ..prims import shape as S
from ..prims.indexing import gather, scatter
from ._convert import asarray


def _is_array_index(i: Any) -> bool:
    return (type(i) is Array or isinstance(i, Tracer) or isinstance(i, (np.ndarray, list))
            or (isinstance(i, np.generic) and i.dtype.kind == "b"))


def _normalize(idx: Any, shape: tuple) -> tuple[list, list, int | None]:
    """Expand Ellipsis and booleans; return the index list, the positions of new axes, and the
    position of an Ellipsis that expanded to no axes (None if there is none)."""
    if not isinstance(idx, tuple):
        idx = (idx,)
    out = []
    for i in idx:
        if isinstance(i, (list, np.ndarray)) or (isinstance(i, np.generic) and
                                                 i.dtype.kind == "b"):
            i = asarray(i) if not isinstance(i, list) or len(i) else asarray(i, int)
        if isinstance(i, bool):
            i = asarray(i)
        if (type(i) is Array or isinstance(i, Tracer)) and i.dtype == dtypes.bool_:
            concrete = concrete_or_none(i)
            if concrete is None:
                raise IndexError(
                    "boolean mask indexing x[mask] has a data-dependent shape, so it cannot be "
                    f"traced (mask shape {i.shape}); use functorch_lite.numpy.where(mask, x, 0) "
                    "instead"
                )
            if i.ndim == 0:
                raise IndexError("a scalar boolean index is not supported; use where()")
            out.extend(Array(np.asarray(c, dtypes.default_int)) for c in
                       np.nonzero(np.asarray(concrete)))
            continue
        if not (i is None or i is Ellipsis or isinstance(i, (slice, int, np.integer))
                or type(i) is Array or isinstance(i, Tracer)):
            raise IndexError(
                f"only integers, slices (`:`), ellipsis (`...`), None and integer or boolean "
                f"arrays are valid indices, got {type(i).__name__}"
            )
        out.append(i)
    n_ellipsis = sum(1 for i in out if i is Ellipsis)
    if n_ellipsis > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    used = sum(1 for i in out if i is not None and i is not Ellipsis)
    if used > len(shape):
        raise IndexError(
            f"too many indices for an array of shape {shape}: {used} were given"
        )
    empty_ellipsis = None
    if n_ellipsis:
        # (not out.index(Ellipsis): that compares arrays in the index with ==)
        k = next(j for j, i in enumerate(out) if i is Ellipsis)
        out[k : k + 1] = [slice(None)] * (len(shape) - used)
        if len(shape) == used:
            empty_ellipsis = k
    else:
        out += [slice(None)] * (len(shape) - used)
    return out, [k for k, i in enumerate(out) if i is None], empty_ellipsis


def _check_int(i: int, size: int, axis: int) -> int:
    if not -size <= i < size:
        raise IndexError(
            f"index {i} is out of bounds for axis {axis} with size {size} (valid: {-size} to "
            f"{size - 1})"
        )
    return i % size


def _check_bounds(i: Any, size: int, axis: int) -> None:
    concrete = concrete_or_none(i)
    if concrete is not None and np.size(concrete):
        lo, hi = int(np.min(concrete)), int(np.max(concrete))
        if lo < -size or hi >= size:
            bad = hi if hi >= size else lo
            raise IndexError(
                f"index {bad} is out of bounds for axis {axis} with size {size} (valid: "
                f"{-size} to {size - 1}); functorch_lite raises instead of clamping like JAX"
            )


def _plan(x: Any, idx: Any):
    """Apply the static part of ``idx`` to ``x``; return (x', advanced indices, position).

    ``advanced`` lists (axis of x', index array) pairs and ``where`` is the axis at which
    gather's output axes must be placed (None: at the front)."""
    items, new_axes, empty_ellipsis = _normalize(idx, tuple(x.shape))
    # New axes first: they behave like slices over a size-1 axis.
    if new_axes:
        shape = list(x.shape)
        for k in new_axes:
            shape.insert(k, 1)
        x = S.reshape(x, tuple(shape))
        items = [slice(None) if i is None else i for i in items]
    has_array = any(_is_array_index(i) for i in items)
    start, limit, stride, flips, squeeze, advanced = [], [], [], [], [], []
    for axis, (i, size) in enumerate(zip(items, x.shape)):
        if isinstance(i, slice):
            lo, hi, st = i.indices(size)
            if st > 0:
                start.append(lo)
                limit.append(max(lo, hi))
                stride.append(st)
            else:  # a negative step: slice the mirrored range, then flip
                n = len(range(lo, hi, st))
                first = lo + (n - 1) * st if n else 0
                start.append(first)
                limit.append(first + (n - 1) * (-st) + 1 if n else 0)
                stride.append(-st)
                flips.append(axis)
        elif not has_array and isinstance(i, (int, np.integer)):
            j = _check_int(int(i), size, axis)
            start.append(j)
            limit.append(j + 1)
            stride.append(1)
            squeeze.append(axis)
        else:
            start.append(0)
            limit.append(size)
            stride.append(1)
            if isinstance(i, (int, np.integer)):
                i = Array(np.asarray(_check_int(int(i), size, axis), dtypes.default_int))
            else:
                i = asarray(i)
                if i.dtype.kind not in "iu":
                    raise IndexError(
                        f"arrays used as indices must be integer or bool, got {i.dtype}"
                    )
                _check_bounds(i, size, axis)
            advanced.append((axis, i))
    if any((s, l, st) != (0, n, 1) for s, l, st, n in zip(start, limit, stride, x.shape)):
        x = S.slice_(x, tuple(start), tuple(limit), tuple(stride))
    if flips:
        x = S.rev(x, tuple(flips))
    if squeeze:
        x = S.reshape(x, tuple(s for a, s in enumerate(x.shape) if a not in squeeze))
    if not advanced:
        return x, [], None
    axes = [a for a, _ in advanced]
    adjacent = axes == list(range(axes[0], axes[0] + len(axes)))
    if empty_ellipsis is not None and axes[0] < empty_ellipsis <= axes[-1]:
        adjacent = False  # numpy: an Ellipsis separates advanced indices even when it is empty
    return x, advanced, axes[0] if adjacent else None


def _front_perm(ndim: int, axes: list[int]) -> tuple[int, ...]:
    return tuple(axes) + tuple(a for a in range(ndim) if a not in axes)


def getitem(x: Any, idx: Any) -> Any:
    """``x[idx]`` with numpy semantics (basic and advanced indexing)."""
    x, advanced, where = _plan(x, idx)
    if not advanced:
        return x
    axes = [a for a, _ in advanced]
    moved = S.transpose(x, _front_perm(x.ndim, axes))
    out = gather(moved, *[i for _, i in advanced])
    if where is not None and where != 0:
        n_idx = out.ndim - (x.ndim - len(axes))
        perm = list(range(n_idx, n_idx + where)) + list(range(n_idx)) + list(
            range(n_idx + where, out.ndim))
        out = S.transpose(out, tuple(perm))
    return out


def update(x: Any, idx: Any, values: Any, mode: str) -> Any:
    """``x`` with ``x[idx]`` replaced/combined with ``values`` (for ``.at[idx]``)."""
    x = asarray(x)
    if not dtypes.is_python_scalar(values):
        values = asarray(values)
        if values.dtype != x.dtype:
            values = S.convert_element_type(values, x.dtype)
    if x.ndim == 0:
        raise IndexError(".at[...] needs an array with at least one dimension")
    positions = _leading_positions(x, idx)
    if positions is None:
        positions = _positions(x, idx)
        target = positions[0].shape
    else:
        target = tuple(np.broadcast_shapes(*(p.shape for p in positions))) + tuple(
            x.shape[len(positions):])
    if not dtypes.is_python_scalar(values):
        try:
            if tuple(np.broadcast_shapes(values.shape, target)) != tuple(target):
                raise ValueError
        except ValueError:
            raise ValueError(
                f".at[...].{mode}: values of shape {values.shape} cannot be broadcast to the "
                f"indexed shape {tuple(target)} of an array of shape {x.shape}"
            ) from None
    return scatter(x, values, *positions, mode=mode)


def _leading_positions(x: Any, idx: Any) -> list | None:
    """The index arrays if ``idx`` is only integers/integer arrays on leading axes, else None."""
    items = idx if isinstance(idx, tuple) else (idx,)
    if not items or len(items) > x.ndim:
        return None
    out = []
    for axis, i in enumerate(items):
        if isinstance(i, (int, np.integer)) and not isinstance(i, bool):
            out.append(Array(np.asarray(_check_int(int(i), x.shape[axis], axis),
                                        dtypes.default_int)))
        elif (type(i) is Array or isinstance(i, Tracer)) and i.dtype.kind in "iu":
            _check_bounds(i, x.shape[axis], axis)
            out.append(i)
        else:
            return None
    return out


def _positions(x: Any, idx: Any) -> list:
    """Integer index arrays (one per axis of x) naming every element that ``x[idx]`` selects,
    laid out in the shape of ``x[idx]``."""
    grids = np.indices(x.shape)
    return [getitem(Array(g.astype(dtypes.default_int)), idx) for g in grids]


def take_diagonal(x: Any, axis1: int, axis2: int) -> Any:
    """The diagonal over two axes, moved to the last axis (for einsum and trace)."""
    x = asarray(x)
    n = min(x.shape[axis1], x.shape[axis2])
    moved = S.transpose(x, _front_perm(x.ndim, [axis1, axis2]))
    r = Array(np.arange(n, dtype=dtypes.default_int))
    out = gather(moved, r, r)
    return S.moveaxis(out, 0, -1)


def take(a: Any, indices: Any, axis: int | None = None) -> Any:
    """Elements of ``a`` at ``indices`` along ``axis`` (of the flattened array if None)."""
    from .shape_ops import ravel

    a = asarray(a)
    if axis is None:
        a, axis = ravel(a), 0
    axis = axis % a.ndim
    return getitem(a, (slice(None),) * axis + (asarray(indices),))


class _IndexUpdateHelper:
    """``x.at`` — write ``x.at[idx].set(v)`` for what numpy writes as ``x[idx] = v``."""

    __slots__ = ("array",)

    def __init__(self, array: Any):
        self.array = array

    def __getitem__(self, idx: Any) -> _IndexUpdateRef:
        return _IndexUpdateRef(self.array, idx)

    def __repr__(self) -> str:
        return f"_IndexUpdateHelper({self.array!r})"


class _IndexUpdateRef:
    __slots__ = ("array", "index")

    def __init__(self, array: Any, index: Any):
        self.array = array
        self.index = index

    def get(self) -> Any:
        """``x[idx]``."""
        return getitem(self.array, self.index)

    def set(self, values: Any) -> Any:
        """A copy of x with ``x[idx] = values``."""
        return update(self.array, self.index, values, "set")

    def add(self, values: Any) -> Any:
        """A copy of x with ``x[idx] += values`` (repeated indices accumulate)."""
        return update(self.array, self.index, values, "add")

    def multiply(self, values: Any) -> Any:
        """A copy of x with ``x[idx] *= values``."""
        return update(self.array, self.index, values, "mul")

    mul = multiply

    def min(self, values: Any) -> Any:
        """A copy of x with ``x[idx] = minimum(x[idx], values)``."""
        return update(self.array, self.index, values, "min")

    def max(self, values: Any) -> Any:
        """A copy of x with ``x[idx] = maximum(x[idx], values)``."""
        return update(self.array, self.index, values, "max")


# The public names functorch_lite.numpy re-exports from this module.
__all__ = [
    "take"
]
