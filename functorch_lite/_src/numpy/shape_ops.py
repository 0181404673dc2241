"""Shape manipulation with numpy's names: reshaping, axis moves, joining, splitting, tiling,
repeating, flipping, rolling and padding.

Everything here composes the shape primitives (reshape, transpose, broadcast_in_dim, slice,
concatenate, rev, pad) and, where an index pattern is needed (``repeat`` with per-element
counts, ``roll`` by a traced shift, the mirrored ``pad`` modes), ``gather``. So every function is
differentiable, batchable and jittable with no rules of its own.
"""
from __future__ import annotations

import functools
import math
import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import dtypes
from ..array import Array
from ..core import concrete_or_none
from ..errors import ConcretizationTypeError
from ..prims import elementwise as E
from ..prims import shape as S
from ._convert import asarray, check_out, promote


def _axis(axis: int, ndim: int, name: str = "axis") -> int:
    try:
        axis = operator.index(axis)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {axis!r} of type "
                        f"{type(axis).__name__}") from None
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name} {axis} is out of range for an array with {ndim} dimensions "
                         f"(valid: {-ndim} to {ndim - 1})")
    return axis % ndim


def _axes(axis: Any, ndim: int) -> tuple[int, ...]:
    """``axis`` (None, an int or a sequence) as a tuple of non-negative axes, validated."""
    if axis is None or axis.__class__ is int or axis.__class__ is tuple:
        return _axes_cached(axis, ndim)  # hashable: every reduction asks, so it is cached
    if isinstance(axis, (int, np.integer)):
        return _axes_cached(int(axis), ndim)
    if not isinstance(axis, (list, tuple, np.ndarray)):
        raise TypeError(f"axis must be None, an integer or a tuple of integers, got {axis!r} of "
                        f"type {type(axis).__name__}")
    return _axes_cached(tuple(_axis(a, ndim) for a in axis), ndim)


@functools.lru_cache(maxsize=1024)
def _axes_cached(axis: Any, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int):
        axis = (axis,)
    out = tuple(_axis(a, ndim) for a in axis)  # (rejects non-integers such as 1.5)
    if len(set(out)) != len(out):
        raise ValueError(f"repeated axis in {tuple(axis)}")
    return out


def _int_tuple(x: Any, name: str = "argument") -> tuple[int, ...]:
    if isinstance(x, (int, np.integer)):
        return (int(x),)
    try:
        return tuple(operator.index(s) for s in x)
    except TypeError:
        raise TypeError(f"{name} must be an integer or a sequence of integers, got {x!r}"
                        ) from None


def _slice_axis(x: Any, axis: int, start: int, stop: int, step: int = 1) -> Any:
    """``x[..., start:stop:step, ...]`` on one axis (start <= stop, both in range)."""
    n = x.ndim
    lo = tuple(start if a == axis else 0 for a in range(n))
    hi = tuple(stop if a == axis else s for a, s in enumerate(x.shape))
    st = tuple(step if a == axis else 1 for a in range(n))
    if lo == (0,) * n and hi == tuple(x.shape) and step == 1:
        return x
    return S.slice_(x, lo, hi, st)


# ---- reshaping and axes --------------------------------------------------------------------------


def reshape(a: Any, newshape: Any = None, order: str = "C", *, shape: Any = None,
            copy: bool | None = None) -> Any:
    """Give ``a`` a new shape with the same number of elements; one entry may be -1.
    (Arrays are immutable, so ``copy`` changes nothing observable.)

    Example:
        >>> reshape(arange(6), (2, -1)).shape
        (2, 3)
    """
    if order != "C":
        raise NotImplementedError("reshape: only order='C' is supported")
    a = asarray(a)
    newshape = shape if shape is not None else newshape
    if newshape is None:
        raise TypeError("reshape: pass the new shape (shape=...)")
    newshape = list(_int_tuple(newshape))
    if newshape.count(-1) > 1:
        raise ValueError(f"reshape: only one dimension can be -1, got {tuple(newshape)}")
    if -1 in newshape:
        known = math.prod([s for s in newshape if s != -1])
        if known == 0 or a.size % known:
            raise ValueError(f"reshape: cannot reshape shape {a.shape} into {tuple(newshape)}")
        newshape[newshape.index(-1)] = a.size // known
    return S.reshape(a, tuple(newshape))


def ravel(a: Any, order: str = "C") -> Any:
    """Flatten to one dimension, in row-major (``order='C'``) or column-major (``'F'``) order.
    Example: ``ravel(x).shape == (x.size,)``."""
    if order not in ("C", "F"):
        raise NotImplementedError(f"ravel: order={order!r} is not supported (as in JAX: Arrays "
                                  "have no memory layout for 'A' or 'K' to follow); use 'C' or "
                                  "'F'")
    a = asarray(a)
    if order == "F":
        a = S.transpose(a, tuple(reversed(range(a.ndim))))
    return S.reshape(a, (a.size,))


def transpose(a: Any, axes: Sequence[int] | None = None) -> Any:
    """Permute axes (reverse them by default). Example: ``transpose(x, (1, 0))``."""
    a = asarray(a)
    if axes is None:
        axes = tuple(reversed(range(a.ndim)))
    axes = tuple(_axis(p, a.ndim) for p in axes)
    if sorted(axes) != list(range(a.ndim)):
        raise ValueError(f"transpose: axes {axes} are not a permutation for shape {a.shape}")
    return S.transpose(a, axes)


def permute_dims(a: Any, /, axes: Sequence[int]) -> Any:
    """Permute axes (the array API name of ``transpose``). Example: ``permute_dims(x, (1, 0))``."""
    return transpose(a, axes)


def swapaxes(a: Any, axis1: int, axis2: int) -> Any:
    """Exchange two axes. Example: ``swapaxes(x, 0, 1)``."""
    a = asarray(a)
    perm = list(range(a.ndim))
    i, j = _axis(axis1, a.ndim, "axis1"), _axis(axis2, a.ndim, "axis2")
    perm[i], perm[j] = perm[j], perm[i]
    return S.transpose(a, tuple(perm))


def moveaxis(a: Any, source: Any, destination: Any) -> Any:
    """Move axes (an int or a tuple of them) to new positions.

    Example:
        >>> moveaxis(zeros((2, 3, 4)), (0, 1), (-1, -2)).shape
        (4, 3, 2)
    """
    a = asarray(a)
    src = _axes(source, a.ndim)
    dst = _axes(destination, a.ndim)
    if len(src) != len(dst):
        raise ValueError(f"moveaxis: source {source} and destination {destination} must have "
                         "the same number of axes")
    order = [i for i in range(a.ndim) if i not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return S.transpose(a, tuple(order))


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


def expand_dims(a: Any, axis: Any = 0) -> Any:
    """Insert axes of size 1 at ``axis`` (an int or tuple). Example: ``expand_dims(x, 0)``."""
    a = asarray(a)
    out_ndim = a.ndim + (1 if isinstance(axis, (int, np.integer)) else len(axis))
    axes = sorted(_axes(axis, out_ndim))
    shape = list(a.shape)
    for ax in axes:
        shape.insert(ax, 1)
    return S.reshape(a, tuple(shape))


def atleast_1d(*arys: Any) -> Any:
    """Each argument with at least one dimension (a list for several).

    Example: ``atleast_1d(3.0).shape == (1,)``.
    """
    out = [_at_least(a, 1) for a in arys]
    return out[0] if len(out) == 1 else out


def atleast_2d(*arys: Any) -> Any:
    """Each argument with at least two dimensions: a 1-d ``(n,)`` becomes ``(1, n)``.

    Example: ``atleast_2d(ones(3)).shape == (1, 3)``.
    """
    out = [_at_least(a, 2) for a in arys]
    return out[0] if len(out) == 1 else out


def atleast_3d(*arys: Any) -> Any:
    """Each argument with at least three dimensions: ``(n,)`` becomes ``(1, n, 1)`` and
    ``(m, n)`` becomes ``(m, n, 1)``, as in numpy.

    Example: ``atleast_3d(ones((2, 3))).shape == (2, 3, 1)``.
    """
    out = [_at_least(a, 3) for a in arys]
    return out[0] if len(out) == 1 else out


def _at_least(a: Any, n: int) -> Any:
    a = asarray(a)
    if a.ndim >= n:
        return a
    if n == 3:
        shape = {0: (1, 1, 1), 1: (1,) + a.shape + (1,), 2: a.shape + (1,)}[a.ndim]
    else:
        shape = (1,) * (n - a.ndim) + a.shape
    return S.reshape(a, shape)


# ---- broadcasting --------------------------------------------------------------------------------


def broadcast_shapes(*shapes: Any) -> tuple[int, ...]:
    """The shape that arrays of ``shapes`` broadcast to (numpy rules).

    Example: ``broadcast_shapes((2, 1), (3,)) == (2, 3)``.
    """
    shapes = [_int_tuple(s) for s in shapes]
    try:
        return tuple(int(s) for s in np.broadcast_shapes(*shapes))
    except ValueError:
        raise ValueError(
            f"broadcast_shapes: shapes {', '.join(map(str, shapes))} are incompatible (each "
            "axis, aligned from the right, must be equal or 1)"
        ) from None


def broadcast_to(array: Any, shape: Any) -> Any:
    """Broadcast ``array`` to ``shape`` (numpy rules). Example: ``broadcast_to(1.0, (2, 2))``."""
    a = asarray(array)
    shape = _int_tuple(shape)
    try:
        if tuple(np.broadcast_shapes(a.shape, shape)) != shape:
            raise ValueError
    except ValueError:
        raise ValueError(f"broadcast_to: cannot broadcast shape {a.shape} to {shape}") from None
    return S.broadcast_to(a, shape)


def broadcast_arrays(*args: Any) -> list:
    """Broadcast all arguments to their common shape.

    Example: ``[a.shape for a in broadcast_arrays(ones((2, 1)), ones(3))] == [(2, 3), (2, 3)]``.
    """
    args = [asarray(a) for a in args]
    shape = broadcast_shapes(*(a.shape for a in args))
    return [S.broadcast_to(a, shape) for a in args]


# ---- joining -------------------------------------------------------------------------------------


def _promoted(arrays: Sequence[Any], dtype: Any, name: str) -> list:
    if isinstance(arrays, Array) or hasattr(arrays, "_trace"):
        arrays = [arrays[i] for i in range(arrays.shape[0])]  # numpy iterates the first axis
    if len(arrays) == 0:
        raise ValueError(f"{name} needs at least one array")
    arrays = [asarray(a) for a in arrays]
    if dtype is not None:
        return [asarray(a, dtype) for a in arrays]
    return list(promote(*arrays)) if len(arrays) > 1 else arrays


def concatenate(arrays: Sequence[Any], axis: int | None = 0, dtype: Any = None) -> Any:
    """Join arrays along an existing axis (flattened first if ``axis`` is None).

    Example:
        >>> concatenate([ones(2), zeros(1)]).shape
        (3,)
    """
    arrays = _promoted(arrays, dtype, "concatenate")
    if axis is None:
        arrays = [ravel(a) for a in arrays]
        axis = 0
    ndim = arrays[0].ndim
    if ndim == 0:
        raise ValueError("zero-dimensional arrays cannot be concatenated; use stack")
    ax = _axis(axis, ndim)
    for a in arrays[1:]:
        if a.ndim != ndim or any(s != t for i, (s, t) in enumerate(zip(a.shape, arrays[0].shape))
                                 if i != ax):
            raise ValueError(
                f"concatenate along axis {ax}: all arrays must have the same shape except "
                f"along that axis, got {[tuple(b.shape) for b in arrays]}"
            )
    if len(arrays) == 1:
        return arrays[0]
    return S.concatenate(arrays, ax)


def concat(arrays: Sequence[Any], /, *, axis: int | None = 0) -> Any:
    """Join arrays along an existing axis (the array API name of ``concatenate``).

    Example: ``concat([x, y], axis=1)``.
    """
    return concatenate(arrays, axis)


def stack(arrays: Sequence[Any], axis: int = 0, out: None = None, dtype: Any = None) -> Any:
    """Join arrays of one shape along a new axis.

    Example: ``stack([x, y]).shape == (2,) + x.shape``.
    """
    check_out(out, "stack")
    arrays = _promoted(arrays, dtype, "stack")
    shapes = {tuple(a.shape) for a in arrays}
    if len(shapes) != 1:
        raise ValueError(f"stack: all arrays must have the same shape, got "
                         f"{[tuple(a.shape) for a in arrays]}")
    ax = _axis(axis, arrays[0].ndim + 1)
    return concatenate([expand_dims(a, ax) for a in arrays], axis=ax)


def hstack(tup: Sequence[Any], dtype: Any = None) -> Any:
    """Join along the second axis (the first for 1-d arrays). Example: ``hstack([x, y])``."""
    arrays = [atleast_1d(a) for a in _promoted(tup, dtype, "hstack")]
    return concatenate(arrays, axis=0 if arrays[0].ndim == 1 else 1)


def vstack(tup: Sequence[Any], dtype: Any = None) -> Any:
    """Join along the first axis, 1-d arrays becoming rows. Example: ``vstack([x, y])``."""
    return concatenate([atleast_2d(a) for a in _promoted(tup, dtype, "vstack")], axis=0)


def dstack(tup: Sequence[Any], dtype: Any = None) -> Any:
    """Join along the third axis (after ``atleast_3d``). Example: ``dstack([x, y])``."""
    return concatenate([atleast_3d(a) for a in _promoted(tup, dtype, "dstack")], axis=2)


def column_stack(tup: Sequence[Any]) -> Any:
    """Join 1-d arrays as columns (and 2-d arrays along their second axis).

    Example: ``column_stack([ones(3), zeros(3)]).shape == (3, 2)``.
    """
    arrays = [a if a.ndim >= 2 else reshape(a, (-1, 1))
              for a in _promoted(tup, None, "column_stack")]
    return concatenate(arrays, axis=1)


def append(arr: Any, values: Any, axis: int | None = None) -> Any:
    """``arr`` with ``values`` joined at the end (both flattened if ``axis`` is None).

    Example: ``append(ones(2), 0.0)`` is ``[1., 1., 0.]``.
    """
    if axis is None:
        return concatenate([ravel(arr), ravel(values)])
    return concatenate([arr, values], axis=axis)


# ---- splitting -----------------------------------------------------------------------------------


def _split(name: str, ary: Any, indices_or_sections: Any, axis: int, equal: bool) -> list:
    a = asarray(ary)
    if a.ndim == 0:
        raise ValueError(f"{name}: cannot split a 0-d array")
    ax = _axis(axis, a.ndim)
    n = a.shape[ax]
    if isinstance(indices_or_sections, (int, np.integer)) or (
            np.ndim(indices_or_sections) == 0 and concrete_or_none(indices_or_sections) is not None
            and not isinstance(indices_or_sections, (list, tuple))):
        sections = operator.index(indices_or_sections)
        if sections <= 0:
            raise ValueError(f"{name}: the number of sections must be positive, got {sections}")
        if equal and n % sections:
            raise ValueError(
                f"{name}: an axis of size {n} cannot be split into {sections} equal sections; "
                f"use array_split for unequal sections, or pass the split indices"
            )
        size, extra = divmod(n, sections)
        sizes = [size + 1] * extra + [size] * (sections - extra)
        bounds = np.concatenate([[0], np.cumsum(sizes)]).tolist()
    else:
        idx = concrete_or_none(indices_or_sections)
        if idx is None:
            raise ConcretizationTypeError(
                f"{name}: the split indices must be concrete (they fix the output shapes); "
                "under jit pass them as a static argument or a Python list"
            )
        idx = [operator.index(i) for i in np.asarray(idx).ravel().tolist()]
        bounds = [0] + idx + [n]
    pieces = []
    for start, stop in zip(bounds[:-1], bounds[1:]):
        lo, hi, _ = slice(start, stop).indices(n)
        pieces.append((lo, max(lo, hi)))
    if all(p[1] == q[0] for p, q in zip(pieces, pieces[1:])) and pieces[-1][1] == n:
        # Pieces that tile the axis: one split primitive, whose VJP is one concatenate
        # (slicing each piece would pad every piece's cotangent to the full size).
        # (the first piece starts at 0: bounds[0] is 0)
        return list(S.split(a, [hi - lo for lo, hi in pieces], ax))
    return [_slice_axis(a, ax, lo, hi) for lo, hi in pieces]  # overlapping indices, as numpy


def split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list:
    """Split into equal sections (an int) or at the given indices (a sequence).

    Example:
        >>> [p.shape for p in split(arange(6), [2, 5])]
        [(2,), (3,), (1,)]
    """
    return _split("split", ary, indices_or_sections, axis, equal=True)


def array_split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list:
    """Like ``split``, but ``n`` sections need not divide the axis: the first ones get one more.

    Example: ``[p.shape for p in array_split(arange(5), 2)] == [(3,), (2,)]``.
    """
    return _split("array_split", ary, indices_or_sections, axis, equal=False)


def hsplit(ary: Any, indices_or_sections: Any) -> list:
    """Split along the second axis (the first for 1-d arrays). Example: ``hsplit(x, 2)``."""
    a = asarray(ary)
    return _split("hsplit", a, indices_or_sections, 1 if a.ndim > 1 else 0, equal=True)


def vsplit(ary: Any, indices_or_sections: Any) -> list:
    """Split along the first axis of an array of at least 2 dimensions. Example:
    ``vsplit(x, 2)``."""
    a = asarray(ary)
    if a.ndim < 2:
        raise ValueError(f"vsplit needs an array of at least 2 dimensions, got shape {a.shape}")
    return _split("vsplit", a, indices_or_sections, 0, equal=True)


def dsplit(ary: Any, indices_or_sections: Any) -> list:
    """Split along the third axis of an array of at least 3 dimensions. Example:
    ``dsplit(x, 2)``."""
    a = asarray(ary)
    if a.ndim < 3:
        raise ValueError(f"dsplit needs an array of at least 3 dimensions, got shape {a.shape}")
    return _split("dsplit", a, indices_or_sections, 2, equal=True)


def unstack(x: Any, /, *, axis: int = 0) -> tuple:
    """The slices of ``x`` along ``axis``, as a tuple. Example: ``len(unstack(ones((3, 2)))) == 3``.
    """
    x = asarray(x)
    if x.ndim == 0:
        raise ValueError("unstack needs an array of at least 1 dimension")
    ax = _axis(axis, x.ndim)
    shape = x.shape[:ax] + x.shape[ax + 1:]
    return tuple(S.reshape(_slice_axis(x, ax, i, i + 1), shape) for i in range(x.shape[ax]))


# ---- tiling and repeating ------------------------------------------------------------------------


def tile(A: Any, reps: Any) -> Any:
    """Repeat the whole of ``A`` ``reps`` times along each axis.

    Example:
        >>> tile(asarray([1, 2]), 2)
        Array([1, 2, 1, 2], dtype=int32)
    """
    a = asarray(A)
    reps = _int_tuple(reps, "tile: reps")
    if any(r < 0 for r in reps):
        raise ValueError(f"tile: reps must be non-negative, got {reps}")
    n = max(len(reps), a.ndim)
    reps = (1,) * (n - len(reps)) + reps
    shape = (1,) * (n - a.ndim) + tuple(a.shape)
    a = S.reshape(a, shape)
    # (r0, s0, r1, s1, ...): each axis gets a broadcast copy axis in front of it.
    wide = tuple(d for pair in zip(reps, shape) for d in pair)
    a = S.broadcast_in_dim(a, wide, tuple(range(1, 2 * n, 2)))
    return S.reshape(a, tuple(r * s for r, s in zip(reps, shape)))


def repeat(a: Any, repeats: Any, axis: int | None = None, *,
           total_repeat_length: int | None = None) -> Any:
    """Repeat each element of ``a`` ``repeats`` times (an int, or one count per element).

    Under jit, array ``repeats`` need ``total_repeat_length=`` (the output length is fixed):
    extra places repeat the last element, and surplus repeats are dropped.

    Example:
        >>> repeat(asarray([1, 2]), asarray([1, 3]))
        Array([1, 2, 2, 2], dtype=int32)
    """
    a = asarray(a)
    if axis is None:
        a, axis = ravel(a), 0
    ax = _axis(axis, a.ndim)
    n = a.shape[ax]
    counts = concrete_or_none(repeats)
    if counts is not None:
        counts = np.asarray(counts)
        if counts.dtype.kind not in "iu":
            raise TypeError(f"repeat: repeats must be integers, got dtype {counts.dtype}")
        if counts.ndim > 1 or (counts.ndim == 1 and counts.shape[0] not in (1, n)):
            raise ValueError(f"repeat: repeats of shape {counts.shape} do not match the axis "
                             f"of size {n} (pass an int or {n} counts)")
        if np.any(counts < 0):
            raise ValueError(f"repeat: repeats must be non-negative, got {counts.tolist()}")
        if counts.ndim == 1 and counts.shape[0] == 1:
            counts = counts[0]
        if counts.ndim == 0 and total_repeat_length is None:
            r = int(counts)
            shape = a.shape[:ax + 1] + (r,) + a.shape[ax + 1:]
            dims = tuple(i if i <= ax else i + 1 for i in range(a.ndim))
            out = S.broadcast_in_dim(a, shape, dims)
            return S.reshape(out, a.shape[:ax] + (n * r,) + a.shape[ax + 1:])
        idx = np.repeat(np.arange(n), np.broadcast_to(counts, (n,)))
        if total_repeat_length is not None:
            idx = idx[:total_repeat_length]
            if idx.size < total_repeat_length:
                idx = np.concatenate([idx, np.full(total_repeat_length - idx.size, n - 1)])
        return _take_static(a, idx.astype(np.int64), ax)
    if total_repeat_length is None:
        raise ConcretizationTypeError(
            "repeat: traced repeats give an output length that is not known while tracing; "
            "pass total_repeat_length=<int> (the output length along the axis)"
        )
    return _repeat_traced(a, asarray(repeats), ax, int(total_repeat_length))


def _repeat_traced(a: Any, repeats: Any, ax: int, total: int) -> Any:
    from ..prims import reduce as R
    from ..prims.indexing import gather

    n = a.shape[ax]
    if repeats.dtype.kind not in "iu":
        raise TypeError(f"repeat: repeats must be integers, got dtype {repeats.dtype}")
    repeats = S.broadcast_to(S.convert_element_type(repeats, dtypes.default_int), (n,))
    ends = R.cumsum(repeats, 0)
    # Output position t comes from element #{j : ends[j] <= t}: a searchsorted as a comparison
    # table (n * total), clipped to the last element for positions past sum(repeats).
    t = Array(np.arange(total, dtype=dtypes.default_int).reshape(total, 1))
    src = R.reduce_sum(E.convert(E.le(S.reshape(ends, (1, n)), t), dtypes.default_int), (1,))
    src = E.min_(src, n - 1)
    moved = S.moveaxis(a, ax, 0)
    return S.moveaxis(gather(moved, src), 0, ax)


def _take_static(a: Any, idx: np.ndarray, ax: int) -> Any:
    """``a`` indexed along ``ax`` by the concrete, in-bounds integer array ``idx``."""
    from ..prims.indexing import gather

    moved = S.moveaxis(a, ax, 0)
    out = gather(moved, Array(idx.astype(dtypes.default_int)))
    k = idx.ndim
    if ax == 0:
        return out
    # gather put idx's axes first; move them back to where the axis was.
    perm = tuple(range(k, k + ax)) + tuple(range(k)) + tuple(range(k + ax, out.ndim))
    return S.transpose(out, perm)


# ---- flipping and rolling ------------------------------------------------------------------------


def flip(m: Any, axis: Any = None) -> Any:
    """Reverse the order of elements along ``axis`` (an int, tuple, or None for all axes).

    Example: ``flip(asarray([1, 2, 3]))`` is ``[3, 2, 1]``.
    """
    m = asarray(m)
    axes = _axes(axis, m.ndim)
    return S.rev(m, axes) if axes else m


def fliplr(m: Any) -> Any:
    """Reverse the second axis (left/right). Example: ``fliplr(eye(2))``."""
    m = asarray(m)
    if m.ndim < 2:
        raise ValueError(f"fliplr needs an array of at least 2 dimensions, got shape {m.shape}")
    return S.rev(m, (1,))


def flipud(m: Any) -> Any:
    """Reverse the first axis (up/down). Example: ``flipud(asarray([1, 2]))`` is ``[2, 1]``."""
    m = asarray(m)
    if m.ndim < 1:
        raise ValueError("flipud needs an array of at least 1 dimension, got a 0-d array")
    return S.rev(m, (0,))


def roll(a: Any, shift: Any, axis: Any = None) -> Any:
    """Shift elements along ``axis`` cyclically (the flattened array if ``axis`` is None);
    ``shift`` and ``axis`` may be tuples, and ``shift`` may be traced.

    Example:
        >>> roll(asarray([1, 2, 3]), 1)
        Array([3, 1, 2], dtype=int32)
    """
    a = asarray(a)
    if axis is None:
        return reshape(roll(ravel(a), shift, 0), a.shape)
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    axes = [_axis(ax, a.ndim) for ax in axes]
    static = concrete_or_none(shift)
    if static is not None:
        shifts = np.asarray(static)
        if shifts.dtype.kind not in "iub":
            raise TypeError(f"roll: shift must be integers, got dtype {shifts.dtype}")
        shifts, axes_b = np.broadcast_arrays(shifts, np.asarray(axes))
        for s, ax in zip(shifts.ravel().tolist(), axes_b.ravel().tolist()):
            n = a.shape[ax]
            s = s % n if n else 0
            if s:
                a = S.concatenate([_slice_axis(a, ax, n - s, n), _slice_axis(a, ax, 0, n - s)],
                                  ax)
        return a
    shift = asarray(shift)
    if shift.dtype.kind not in "iu":
        raise TypeError(f"roll: shift must be integers, got dtype {shift.dtype}")
    if shift.ndim > 1 or (shift.ndim == 1 and shift.shape[0] not in (1, len(axes))):
        raise ValueError(f"roll: shift of shape {shift.shape} does not match axis {axis}")
    for k, ax in enumerate(axes):
        s = shift if shift.ndim == 0 else shift[0 if shift.shape[0] == 1 else k]
        a = _roll_traced(a, S.convert_element_type(s, dtypes.default_int), ax)
    return a


def _roll_traced(a: Any, s: Any, ax: int) -> Any:
    from ..prims.indexing import gather

    n = a.shape[ax]
    if n == 0:
        return a
    pos = Array(np.arange(n, dtype=dtypes.default_int))
    src = E.rem(E.add(E.rem(E.sub(pos, s), n), n), n)  # (i - s) mod n, for negative s too
    return S.moveaxis(gather(S.moveaxis(a, ax, 0), src), 0, ax)


def rot90(m: Any, k: int = 1, axes: tuple[int, int] = (0, 1)) -> Any:
    """Rotate by 90 degrees ``k`` times in the plane of ``axes`` (from the first axis towards
    the second).

    Example: ``rot90(asarray([[1, 2], [3, 4]]))`` is ``[[2, 4], [1, 3]]``.
    """
    m = asarray(m)
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError(f"rot90: axes must name two axes, got {axes}")
    if m.ndim < 2:
        raise ValueError(f"rot90 needs an array of at least 2 dimensions, got shape {m.shape}")
    a0, a1 = _axis(axes[0], m.ndim), _axis(axes[1], m.ndim)
    if a0 == a1:
        raise ValueError(f"rot90: the two axes must differ, got {axes}")
    k = operator.index(k) % 4
    if k == 0:
        return m
    if k == 2:
        return S.rev(m, tuple(sorted((a0, a1))))
    perm = list(range(m.ndim))
    perm[a0], perm[a1] = perm[a1], perm[a0]
    if k == 1:
        return S.transpose(S.rev(m, (a1,)), tuple(perm))
    return S.rev(S.transpose(m, tuple(perm)), (a1,))


# ---- shape queries -------------------------------------------------------------------------------


def shape(a: Any) -> tuple[int, ...]:
    """The shape of ``a``. Example: ``shape([[1, 2]]) == (1, 2)``."""
    return tuple(asarray(a).shape)


def ndim(a: Any) -> int:
    """The number of dimensions of ``a``. Example: ``ndim(1.0) == 0``."""
    return asarray(a).ndim


def size(a: Any, axis: int | None = None) -> int:
    """The number of elements of ``a`` (along ``axis`` if given). Example: ``size(ones((2, 3)))``.
    """
    a = asarray(a)
    return a.size if axis is None else a.shape[_axis(axis, a.ndim)]


from .padding import pad  # noqa: E402  (padding builds on the helpers above)

# The public names functorch_lite.numpy re-exports from this module.
__all__ = [
    "append", "array_split", "atleast_1d", "atleast_2d", "atleast_3d", "broadcast_arrays",
    "broadcast_shapes", "broadcast_to", "column_stack", "concat", "concatenate", "dsplit",
    "dstack", "expand_dims", "flip", "fliplr", "flipud", "hsplit", "hstack", "moveaxis", "ndim",
    "pad", "permute_dims", "ravel", "repeat", "reshape", "roll", "rot90", "shape", "size",
    "split", "squeeze", "stack", "swapaxes", "tile", "transpose", "unstack", "vsplit", "vstack",
]
