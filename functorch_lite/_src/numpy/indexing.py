"""numpy indexing on immutable arrays: ``x[idx]`` and ``x.at[idx].set/add/...``.

An index expression is taken apart into static pieces (slices, ints, None, Ellipsis), done with
slice/rev/reshape, and array pieces, done with one ``gather`` (or ``scatter`` for updates) over
the indexed axes moved to the front. Integers and arrays follow numpy's placement rule: advanced
indices that are adjacent keep their place, otherwise their axes go first.
"""
from __future__ import annotations

import operator
from typing import Any

import numpy as np

from .. import dtypes
from ..array import Array
from ..core import Tracer, concrete_or_none
from ..errors import ConcretizationTypeError
from ..prims import elementwise as E
from ..prims import shape as S
from ..prims.indexing import gather, scatter
from ._convert import asarray, check_out


def _is_array_index(i: Any) -> bool:
    return (type(i) is Array or isinstance(i, Tracer) or isinstance(i, (np.ndarray, list))
            or (isinstance(i, np.generic) and i.dtype.kind == "b"))


def _normalize(idx: Any, shape: tuple) -> tuple[list, list, int | None]:
    """Expand Ellipsis and booleans; return the index list, the positions of new axes, and the
    position of an Ellipsis that expanded to no axes (None if there is none)."""
    if not isinstance(idx, tuple):
        idx = (idx,)
    out = []
    masks = {}  # id of a mask's first index array -> the mask's shape (checked below)
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
            found = [Array(np.asarray(c, dtypes.default_int))
                     for c in np.nonzero(np.asarray(concrete))]
            masks[id(found[0])] = tuple(i.shape)
            out.extend(found)
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
    if masks:
        axis = 0
        for i in out:
            if i is None:
                continue
            want = masks.get(id(i))
            if want is not None and tuple(shape[axis:axis + len(want)]) != want:
                raise IndexError(
                    f"boolean index of shape {want} does not match the indexed axes "
                    f"{axis}..{axis + len(want) - 1} of an array of shape {shape}"
                )
            axis += 1
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
    try:
        np.broadcast_shapes(*(tuple(i.shape) for _, i in advanced))
    except ValueError:
        shapes = ", ".join(str(tuple(i.shape)) for _, i in advanced)
        raise IndexError(f"shape mismatch: the index arrays (shapes {shapes}, after boolean "
                         "masks become integer indices) cannot be broadcast together") from None
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


# ---- take, take_along_axis and friends -----------------------------------------------------------

_TAKE_MODES = (None, "raise", "fill", "clip", "wrap")


def _index_array(indices: Any, name: str) -> Any:
    idx = asarray(indices) if not (isinstance(indices, (list, tuple)) and len(indices) == 0) \
        else asarray(indices, dtypes.default_int)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"{name}: indices must be integers, got dtype {idx.dtype}")
    return idx


def _default_fill(dtype: np.dtype) -> Any:
    if dtype.kind in "fc":
        return np.nan
    if dtype.kind == "b":
        return True
    return np.iinfo(dtype).min if dtype.kind == "i" else np.iinfo(dtype).max


def _prepare(name: str, idx: Any, n: int, mode: str | None) -> tuple[Any, Any]:
    """Indices made safe for ``mode``, and (for "fill") the mask of in-bounds ones."""
    if mode not in _TAKE_MODES:
        raise ValueError(f"{name}: unknown mode {mode!r}; use 'raise' (the default: "
                         "out-of-bounds indices raise IndexError), 'fill', 'clip' or 'wrap'")
    if mode == "wrap":
        return E.rem(E.add(E.rem(idx, n), n), n), None  # non-negative for negative idx too
    if mode == "clip":  # numpy's clip: negative indices clip to 0 (no counting from the end)
        return E.min_(E.max_(idx, 0), n - 1), None
    if mode == "fill":
        valid = E.bitwise_and(E.ge(idx, -n), E.lt(idx, n))
        zero = Array(np.zeros((), idx.dtype))
        return E.select(valid, idx, zero), valid
    return idx, None


def _filled(out: Any, valid: Any, fill_value: Any, before: int) -> Any:
    """``out`` with the positions of invalid indices (whose axes start at ``before``) set to
    ``fill_value``."""
    fill = _default_fill(out.dtype) if fill_value is None else fill_value
    after = out.ndim - before - valid.ndim
    mask = S.reshape(valid, (1,) * before + tuple(valid.shape) + (1,) * after)
    return E.select(mask, out, Array(np.asarray(fill).astype(out.dtype)))


def take(a: Any, indices: Any, axis: int | None = None, out: None = None,
         mode: str | None = None, unique_indices: bool = False,
         indices_are_sorted: bool = False, fill_value: Any = None) -> Any:
    """Elements of ``a`` at ``indices`` along ``axis`` (of the flattened array if None).

    ``mode``: None / "raise" (the default: negative indices count from the end, out-of-bounds
    ones raise IndexError, also under jit; JAX fills instead), "fill" (out-of-bounds give
    ``fill_value``, NaN for floats by default), "clip" or "wrap".

    Example:
        >>> take(asarray([[1., 2.], [3., 4.]]), asarray([1, 0]), axis=1)
        Array([[2., 1.],
               [4., 3.]], dtype=float32)
    """
    from .shape_ops import _axis, ravel

    check_out(out, "take")
    a = asarray(a)
    idx = _index_array(indices, "take")
    if axis is None:
        a, axis = ravel(a), 0
    if a.ndim == 0:
        raise ValueError("take: cannot take from a 0-d array along an axis")
    ax = _axis(axis, a.ndim)
    n = a.shape[ax]
    if n == 0 and idx.size:
        raise IndexError(f"take: cannot take {idx.shape} indices from the empty axis {ax} of "
                         f"shape {a.shape}")
    idx, valid = _prepare("take", idx, n, mode)
    result = getitem(a, (slice(None),) * ax + (idx,))
    return result if valid is None else _filled(result, valid, fill_value, ax)


def take_along_axis(arr: Any, indices: Any, axis: int | None = -1, mode: str | None = None,
                    fill_value: Any = None) -> Any:
    """Pick ``arr``'s elements at ``indices`` along ``axis``, matching the other axes
    (which broadcast): the inverse of ``argsort``/``argmax(keepdims=True)`` style indices.

    ``mode`` as for ``take``.

    Example:
        >>> x = asarray([[5, 3, 4], [2, 7, 6]])
        >>> take_along_axis(x, argsort(x, axis=1), axis=1)
        Array([[3, 4, 5],
               [2, 6, 7]], dtype=int32)
    """
    from .shape_ops import _axis, broadcast_shapes, ravel

    a = asarray(arr)
    idx = _index_array(indices, "take_along_axis")
    if axis is None:
        if idx.ndim != 1:
            raise ValueError(f"take_along_axis: with axis=None the indices must be 1-d, got "
                             f"shape {idx.shape}")
        a, axis = ravel(a), 0
    if idx.ndim != a.ndim:
        raise ValueError(f"take_along_axis: indices ({idx.shape}) and arr ({a.shape}) must have "
                         "the same number of dimensions")
    ax = _axis(axis, a.ndim)
    n = a.shape[ax]
    try:
        out_shape = broadcast_shapes(idx.shape, a.shape[:ax] + (1,) + a.shape[ax + 1:])
    except ValueError:
        raise ValueError(f"take_along_axis: indices of shape {idx.shape} do not broadcast "
                         f"with arr of shape {a.shape} outside axis {ax}") from None
    if n == 0 and idx.size:
        raise IndexError(f"take_along_axis: cannot take from the empty axis {ax} of shape "
                         f"{a.shape}")
    if mode == "clip":  # (JAX counts negative indices from the end here, then clips)
        idx = E.select(E.lt(idx, 0), E.add(idx, n), idx)
    idx, valid = _prepare("take_along_axis", idx, n, mode)
    index = []
    for i, size in enumerate(a.shape):
        if i == ax:
            index.append(idx)
        else:
            # The matching position on the other axes (0 where arr's axis is 1, to broadcast).
            r = np.arange(size) if size == out_shape[i] else np.zeros(1, np.int64)
            shape = tuple(-1 if j == i else 1 for j in range(a.ndim))
            index.append(Array(r.astype(dtypes.default_int).reshape(shape)))
    result = getitem(a, tuple(index))
    if valid is None:
        return result
    fill = _default_fill(result.dtype) if fill_value is None else fill_value
    mask = S.broadcast_to(valid, tuple(result.shape))
    return E.select(mask, result, Array(np.asarray(fill).astype(result.dtype)))


# ---- nonzero and friends -------------------------------------------------------------------------


def _size_fix(name: str) -> str:
    return (f"{name} has a data-dependent output shape, so it needs a concrete array; under "
            f"jit/vmap pass size=<int> (the output length; extra places get fill_value, surplus "
            f"entries are dropped): {name}(x, size=n, fill_value=0)")


def nonzero(a: Any, *, size: int | None = None, fill_value: Any = None) -> tuple:
    """The indices of ``a``'s nonzero elements, one integer array per axis.

    Without ``size`` this needs a concrete ``a`` (the result's length depends on its values).
    With ``size`` it works under jit and vmap: the first ``size`` indices, padded with
    ``fill_value`` (0 by default; a tuple gives one value per axis).

    Example:
        >>> nonzero(asarray([0, 3, 0, 5]))
        (Array([1, 3], dtype=int32),)
    """
    from ..prims import reduce as R
    from .shape_ops import ravel

    a = asarray(a)
    if a.ndim == 0:
        raise ValueError("nonzero is not defined for 0-d arrays; use atleast_1d(a) first")
    fills = _fills(fill_value, a.ndim, "nonzero")
    concrete = concrete_or_none(a)
    dt = dtypes.default_int
    if concrete is not None:
        found = np.nonzero(np.asarray(concrete))
        if size is None:
            return tuple(Array(f.astype(dt)) for f in found)
        size = operator.index(size)
        out = []
        for f, fill in zip(found, fills):
            f = f[:size]
            fill_arr = np.full(size - f.size, concrete_or_none(fill) if fill is not None else 0)
            out.append(Array(np.concatenate([f, fill_arr.astype(f.dtype)]).astype(dt)))
        return tuple(out)
    if size is None:
        raise ConcretizationTypeError(_size_fix("nonzero"))
    size = operator.index(size)
    total = a.size
    mask = E.convert(E.ne(ravel(a), Array(np.zeros((), a.dtype))), dt)
    ends = R.cumsum(mask, 0)  # ends[p]: how many nonzeros up to and including p
    # Slot j holds the flat position of the (j+1)-th nonzero: #{p : ends[p] <= j}. A
    # comparison table of size * a.size elements, the price of a fixed output shape.
    slots = Array(np.arange(size, dtype=dt).reshape(size, 1))
    flat = R.reduce_sum(E.convert(E.le(S.reshape(ends, (1, total)), slots), dt), (1,))
    valid = E.lt(flat, total)
    flat = E.min_(flat, max(total - 1, 0))
    out = []
    for coord, fill in zip(_unravel(flat, tuple(a.shape)), fills):
        fill = asarray(0 if fill is None else fill, dt)
        out.append(E.select(valid, coord, fill))
    return tuple(out)


def _fills(fill_value: Any, ndim: int, name: str) -> list:
    if fill_value is None or np.ndim(fill_value) == 0 and not isinstance(fill_value, tuple):
        return [fill_value] * ndim
    fills = list(fill_value)
    if len(fills) != ndim:
        raise ValueError(f"{name}: fill_value must be a scalar or one value per axis ({ndim}), "
                         f"got {fill_value!r}")
    return fills


def _unravel(flat: Any, shape: tuple[int, ...]) -> list:
    """Coordinates (C order) of the in-range flat indices ``flat`` in an array of ``shape``."""
    coords = []
    rest = flat
    for size in reversed(shape[1:]):
        coords.append(E.rem(rest, size))
        rest = E.floor_divide(rest, size)
    coords.append(rest)
    return coords[::-1]


def flatnonzero(a: Any, *, size: int | None = None, fill_value: Any = None) -> Any:
    """The indices of the nonzero elements of the flattened ``a`` (``size`` as for nonzero).

    Example: ``flatnonzero(asarray([[0, 1], [2, 0]]))`` is ``[1, 2]``.
    """
    from .shape_ops import ravel

    return nonzero(ravel(a), size=size, fill_value=fill_value)[0]


def argwhere(a: Any, *, size: int | None = None, fill_value: Any = None) -> Any:
    """The indices of the nonzero elements, one row per element (``size`` as for nonzero).

    Example: ``argwhere(asarray([[0, 1], [2, 0]]))`` is ``[[0, 1], [1, 0]]``.
    """
    from .shape_ops import atleast_1d, stack

    a = asarray(a)
    if a.ndim == 0:  # numpy: a (count, 0) array
        rows = nonzero(atleast_1d(a), size=size, fill_value=fill_value)[0]
        return S.reshape(rows, (rows.shape[0], 1))[:, :0]
    return stack(nonzero(a, size=size, fill_value=fill_value), axis=1)


def select(condlist: Any, choicelist: Any, default: Any = 0) -> Any:
    """Elementwise, the choice for the first condition that holds, else ``default``
    (numpy's select; the way to write piecewise definitions).

    Example:
        >>> x = arange(5)
        >>> select([x < 2, x > 3], [x, 10 * x], default=-1)
        Array([ 0,  1, -1, -1, 40], dtype=int32)
    """
    from ._convert import promote
    from .shape_ops import broadcast_arrays

    if len(condlist) != len(choicelist):
        raise ValueError(f"select: condlist ({len(condlist)}) and choicelist "
                         f"({len(choicelist)}) must have the same length")
    if len(condlist) == 0:
        raise ValueError("select: condlist is empty; give at least one condition")
    conds = [asarray(c) for c in condlist]
    for i, c in enumerate(conds):
        if c.dtype != dtypes.bool_:
            raise TypeError(f"select: condlist[{i}] must be a bool array, got {c.dtype}")
    values = promote(default, *choicelist)
    values = [asarray(v) for v in values]
    arrays = broadcast_arrays(*conds, *values)
    conds, (out, *choices) = arrays[:len(conds)], arrays[len(conds):]
    for c, v in zip(reversed(conds), reversed(choices)):
        out = E.select(c, v, out)
    return out


def choose(a: Any, choices: Any, out: None = None, mode: str = "raise") -> Any:
    """Elementwise, ``choices[a][i]``: ``a`` picks which array each element comes from.

    ``mode`` "raise" (an index outside [0, n) is an error), "wrap" or "clip".

    Example:
        >>> choose(asarray([0, 1, 0]), [asarray([1, 2, 3]), asarray([10, 20, 30])])
        Array([ 1, 20,  3], dtype=int32)
    """
    from ._convert import promote
    from .shape_ops import broadcast_arrays

    check_out(out, "choose")
    idx = _index_array(a, "choose")
    if not isinstance(choices, (list, tuple)):
        choices = asarray(choices)
        choices = [choices[i] for i in range(choices.shape[0])]
    n = len(choices)
    if n == 0:
        raise ValueError("choose: choices is empty")
    if mode == "raise":
        c = concrete_or_none(idx)
        if c is not None and c.size and (c.min() < 0 or c.max() >= n):
            raise ValueError(f"choose: index {int(c.min() if c.min() < 0 else c.max())} is "
                             f"outside [0, {n}) for {n} choices; use mode='wrap' or 'clip'")
    elif mode == "wrap":
        idx = E.rem(E.add(E.rem(idx, n), n), n)
    elif mode == "clip":
        idx = E.min_(E.max_(idx, 0), n - 1)
    else:
        raise ValueError(f"choose: unknown mode {mode!r}; use 'raise', 'wrap' or 'clip'")
    idx, *values = broadcast_arrays(idx, *[asarray(v) for v in promote(*choices)])
    from .shape_ops import stack

    stacked = stack(values)  # (n, *shape)
    positions = [Array(g.astype(dtypes.default_int)) for g in np.indices(idx.shape,
                                                                        sparse=True)]
    return getitem(stacked, (idx, *positions))


def compress(condition: Any, a: Any, axis: int | None = None, *, size: int | None = None,
             fill_value: Any = 0, out: None = None) -> Any:
    """The slices of ``a`` along ``axis`` where the 1-d ``condition`` is true (of the flattened
    ``a`` if ``axis`` is None). ``size`` as for nonzero: with it, this works under jit.

    Example: ``compress(asarray([True, False, True]), arange(3))`` is ``[0, 2]``.
    """
    from .shape_ops import _axis, ravel

    check_out(out, "compress")
    cond = asarray(condition)
    if cond.ndim != 1:
        raise ValueError(f"compress: condition must be 1-d, got shape {cond.shape}")
    a = asarray(a)
    if axis is None:
        a, axis = ravel(a), 0
    ax = _axis(axis, a.ndim)
    n = a.shape[ax]
    if cond.shape[0] > n:
        extra = concrete_or_none(cond[n:])
        if extra is not None and np.any(extra):
            raise IndexError(f"compress: condition has true entries past the length {n} of "
                             f"axis {ax}")
        cond = cond[:n]
    if size is None:
        concrete = concrete_or_none(cond)
        if concrete is None:
            raise ConcretizationTypeError(_size_fix("compress"))
        positions = np.nonzero(np.asarray(concrete))[0].astype(dtypes.default_int)
        return getitem(a, (slice(None),) * ax + (Array(positions),))
    (positions,) = nonzero(cond, size=size, fill_value=n)  # n: marks padding (out of bounds)
    return take(a, positions, axis=ax, mode="fill", fill_value=fill_value)


def extract(condition: Any, arr: Any, *, size: int | None = None, fill_value: Any = 0) -> Any:
    """The elements of ``arr`` where ``condition`` is nonzero, flattened (``size`` as for
    nonzero). Example: ``extract(x > 0, x)``.
    """
    from .shape_ops import ravel

    cond = E.ne(ravel(asarray(condition)), 0) if asarray(condition).dtype != dtypes.bool_ \
        else ravel(asarray(condition))
    return compress(cond, ravel(arr), size=size, fill_value=fill_value)


def unravel_index(indices: Any, shape: Any) -> tuple:
    """Convert flat indices into coordinate arrays for an array of ``shape`` (C order).

    Out-of-range indices raise ValueError eagerly; traced ones (under jit) are clipped, as JAX
    does.

    Example:
        >>> unravel_index(asarray([5, 1]), (2, 3))
        (Array([1, 0], dtype=int32), Array([2, 1], dtype=int32))
    """
    idx = _index_array(indices, "unravel_index")
    shape = tuple(operator.index(s) for s in (shape if np.ndim(shape) else (shape,)))
    total = int(np.prod(shape, dtype=np.int64))
    c = concrete_or_none(idx)
    if c is not None:
        if c.size and (c.min() < 0 or c.max() >= total):
            bad = int(c.min() if c.min() < 0 else c.max())
            raise ValueError(f"unravel_index: index {bad} is out of bounds for an array of "
                             f"shape {shape} (size {total})")
    else:
        idx = E.min_(E.max_(idx, 0), max(total - 1, 0))
    if not shape:
        return ()
    return tuple(_unravel(idx, shape))


def ravel_multi_index(multi_index: Any, dims: Any, mode: str = "raise",
                      order: str = "C") -> Any:
    """Flat indices from a tuple of coordinate arrays in an array of shape ``dims``.

    ``mode`` "raise" (the default, checked eagerly), "wrap" or "clip" for each coordinate;
    ``order`` "C" or "F".

    Example: ``ravel_multi_index((asarray([1, 0]), asarray([2, 1])), (2, 3))`` is ``[5, 1]``.
    """
    dims = tuple(operator.index(d) for d in dims)
    if len(multi_index) != len(dims):
        raise ValueError(f"ravel_multi_index: {len(multi_index)} coordinate arrays for "
                         f"{len(dims)} dimensions")
    if order not in ("C", "F"):
        raise ValueError(f"ravel_multi_index: order must be 'C' or 'F', got {order!r}")
    if mode not in ("raise", "wrap", "clip"):
        raise ValueError(f"ravel_multi_index: unknown mode {mode!r}; use 'raise', 'wrap' or "
                         "'clip'")
    coords = [_index_array(i, "ravel_multi_index") for i in multi_index]
    strides = [int(np.prod(dims[k + 1:], dtype=np.int64)) for k in range(len(dims))]
    if order == "F":
        strides = [int(np.prod(dims[:k], dtype=np.int64)) for k in range(len(dims))]
    out = None
    for k, (i, d) in enumerate(zip(coords, dims)):
        i = S.convert_element_type(i, dtypes.default_int)
        if mode == "raise":
            c = concrete_or_none(i)
            if c is not None and c.size and (c.min() < 0 or c.max() >= d):
                bad = int(c.min() if c.min() < 0 else c.max())
                raise ValueError(f"ravel_multi_index: coordinate {bad} is out of bounds for "
                                 f"axis {k} of size {d}; use mode='wrap' or 'clip'")
        elif mode == "wrap":
            i = E.rem(E.add(E.rem(i, d), d), d)
        else:
            i = E.min_(E.max_(i, 0), d - 1)
        term = E.mul(i, strides[k])
        out = term if out is None else E.add(out, term)
    return out


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
    "argwhere", "choose", "compress", "extract", "flatnonzero", "nonzero", "ravel_multi_index",
    "select", "take", "take_along_axis", "unravel_index",
]
