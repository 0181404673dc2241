"""Sorting, searching, counting and set operations with numpy's names (sort, argsort, lexsort,
searchsorted, digitize, unique, bincount, histogram, isin, intersect1d, ...).

Everything composes the multi-operand ``sort`` primitive (``_src/prims/sort.py``) with gathers
and scatters, so derivatives, vmap and jit come from those primitives' rules.

Functions whose output shape depends on the values (unique, the set operations, bincount
without ``length``) work eagerly and under grad; under jit or vmap they raise a
ConcretizationTypeError that names the ``size=`` / ``length=`` argument which fixes the shape.
"""
from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from .. import dtypes
from ..array import Array
from ..core import concrete_or_none
from ..errors import ConcretizationTypeError
from ..prims import elementwise as E
from ..prims import reduce as R
from ..prims import shape as S
from ..prims import sort as So
from ..prims.indexing import gather, scatter
from ._convert import asarray, promote, promote_inexact
from .shape_ops import _axis, ravel

# ---- helpers -------------------------------------------------------------------------------------


def _int_array(values: Any) -> Array:
    return Array(np.asarray(values, dtype=dtypes.default_int))


def _arange(n: int) -> Array:
    return _int_array(np.arange(n))


def _isnan(x: Any) -> Any:
    if S.dtype_of(x).kind not in "fc":
        return Array(np.zeros(S.shape_of(x), bool))
    return E.ne(x, x)


def _lt_total(x: Any, y: Any) -> Any:
    """``x < y`` in the order sort uses (NaN after every number)."""
    lt = E.lt(x, y)
    if S.dtype_of(x).kind not in "fc":
        return lt
    return E.bitwise_or(lt, E.bitwise_and(_isnan(y), E.bitwise_not(_isnan(x))))


def _first(x: Any, k: int) -> Any:
    """``x[:k]`` along axis 0."""
    shape = S.shape_of(x)
    return S.slice_(x, (0,) * len(shape), (k,) + tuple(shape[1:]))


def _rest(x: Any, k: int) -> Any:
    """``x[k:]`` along axis 0."""
    shape = S.shape_of(x)
    return S.slice_(x, (k,) + (0,) * (len(shape) - 1), tuple(shape))


def _concrete_size(count: Any, fname: str, arg: str) -> int:
    """``count`` as a Python int, or a ConcretizationTypeError naming the static ``arg``."""
    value = concrete_or_none(count)
    if value is None:
        raise ConcretizationTypeError(
            f"{fname}: the shape of the result depends on the values of the input, which are "
            f"not known while tracing (inside jit or vmap). Pass {arg}=<a Python int> to fix "
            f"the output size (results are then padded or truncated to it)."
        )
    return int(value)


def _cast_fill(fill_value: Any, like: Any) -> Any:
    fill = asarray(fill_value, S.dtype_of(like))
    return S.broadcast_to(fill, S.shape_of(like))


def _compact(mask: Any, size: int) -> tuple[Any, Any]:
    """Positions of the true entries of a 1-d ``mask``, in order, as ``size`` entries (padded
    with 0), and which of those entries are real: a stable sort of ``~mask``."""
    n = S.shape_of(mask)[0]
    _, order = So.sort((E.bitwise_not(mask), _arange(n)), 0)
    if size <= n:
        pos = _first(order, size)
    else:
        pos = S.concatenate([order, _int_array(np.zeros(size - n))], 0)
    count = R.reduce_sum(S.convert_element_type(mask, dtypes.default_int), (0,))
    return pos, E.lt(_arange(size), count)


# ---- sort, argsort, lexsort, partition -----------------------------------------------------------


def _prepare(a: Any, axis: int | None, fname: str) -> tuple[Any, int]:
    a = asarray(a)
    if axis is None:
        return ravel(a), 0
    if a.ndim == 0:
        raise ValueError(f"{fname}: axis {axis} is out of range for a 0-d array; pass axis=None")
    return a, _axis(axis, a.ndim)


def sort(a: Any, axis: int | None = -1, *, kind: Any = None, order: Any = None,
         stable: bool = True, descending: bool = False) -> Any:
    """``a`` sorted along ``axis`` (flattened if None); NaNs go last (first if descending).

    Example:
        >>> sort(asarray([3.0, 1.0, 2.0]))
        Array([1., 2., 3.], dtype=float32)
    """
    if order is not None:
        raise NotImplementedError("sort: order= (fields of a structured array) is not "
                                  "supported; sort by several keys with lexsort")
    a, ax = _prepare(a, axis, "sort")
    out = So.sort(a, ax, stable, 1)
    return S.rev(out, (ax,)) if descending else out


def argsort(a: Any, axis: int | None = -1, *, kind: Any = None, order: Any = None,
            stable: bool = True, descending: bool = False) -> Any:
    """Indices that sort ``a`` along ``axis``; equal elements keep their order (also when
    ``descending``).

    Example:
        >>> argsort(asarray([3.0, 1.0, 2.0]))
        Array([1, 2, 0], dtype=int32)
    """
    if order is not None:
        raise NotImplementedError("argsort: order= (fields of a structured array) is not "
                                  "supported; sort by several keys with lexsort")
    a, ax = _prepare(a, axis, "argsort")
    # Descending and stable: sort the reversed array ascending, then reverse back and map the
    # positions, so that equal elements still come in their original order.
    x = S.rev(a, (ax,)) if descending else a
    _, perm = So.sort((x, So.iota(dtypes.default_int, a.shape, ax)), ax, stable, 1)
    if descending:
        perm = E.sub(a.shape[ax] - 1, S.rev(perm, (ax,)))
    return perm


def lexsort(keys: Any, axis: int = -1) -> Any:
    """Indices that sort by several keys, the **last** key first (numpy's convention).

    Example:
        >>> lexsort([asarray([2, 1, 2]), asarray([0, 0, 1])])  # by the 2nd key, then the 1st
        Array([1, 0, 2], dtype=int32)
    """
    if type(keys) is Array or hasattr(keys, "shape"):
        keys = asarray(keys)
        if keys.ndim == 0:
            raise TypeError("lexsort: keys must be a sequence of arrays or a 2-d array")
        keys = [keys[i] for i in range(keys.shape[0])]
    keys = [asarray(k) for k in keys]
    if not keys:
        raise TypeError("lexsort: need a sequence of keys with at least one key")
    shapes = {k.shape for k in keys}
    if len(shapes) != 1:
        raise ValueError(f"lexsort: all keys must have the same shape, got {sorted(shapes)}")
    shape = keys[0].shape
    if not shape:
        raise ValueError("lexsort: keys must have at least one dimension")
    ax = _axis(axis, len(shape))
    index = So.iota(dtypes.default_int, shape, ax)
    return So.sort(keys[::-1] + [index], ax, True, len(keys))[-1]


def _check_kth(kth: Any, n: int, fname: str) -> int:
    k = operator.index(kth)
    if not -n <= k < n:
        raise ValueError(f"{fname}: kth={k} is out of range for an axis of length {n}")
    return k % n


def partition(a: Any, kth: int, axis: int = -1) -> Any:
    """``a`` rearranged so that the element at ``kth`` is where sorting would put it, smaller
    ones before and larger ones after (here: fully sorted, which is one such arrangement).

    Example: ``partition(x, 2)[2] == sort(x)[2]``.
    """
    a, ax = _prepare(a, axis, "partition")
    _check_kth(kth, a.shape[ax], "partition")
    return sort(a, ax)


def argpartition(a: Any, kth: int, axis: int = -1) -> Any:
    """Indices that partition ``a`` around ``kth`` (see ``partition``; here a stable argsort).

    Example: ``x[argpartition(x, 2)[2]] == sort(x)[2]``.
    """
    a, ax = _prepare(a, axis, "argpartition")
    _check_kth(kth, a.shape[ax], "argpartition")
    return argsort(a, ax)


# ---- searchsorted and digitize -------------------------------------------------------------------


def _search_scan(a: Any, v: Any, side: str) -> Any:
    """Binary search, ``bit_length(n)`` vectorised steps of gather + compare + select."""
    n = a.shape[0]
    lo = S.broadcast_to(_int_array(0), v.shape)
    hi = S.broadcast_to(_int_array(n), v.shape)
    for _ in range(n.bit_length()):
        mid = E.floor_divide(E.add(lo, hi), 2)
        am = gather(a, E.min_(mid, n - 1))  # (clamped: only reached when lo == hi == n)
        right = _lt_total(am, v) if side == "left" else E.bitwise_not(_lt_total(v, am))
        right = E.bitwise_and(right, E.lt(lo, hi))
        lo = E.select(right, E.add(mid, 1), lo)
        hi = E.select(right, hi, mid)
    return lo


def _search_compare_all(a: Any, v: Any, side: str) -> Any:
    vb = S.reshape(v, v.shape + (1,))
    hit = _lt_total(a, vb) if side == "left" else E.bitwise_not(_lt_total(vb, a))
    return R.reduce_sum(S.convert_element_type(hit, dtypes.default_int), (v.ndim,))


def _rank(x: Any) -> Any:
    """Where each element of a 1-d ``x`` lands in a stable sort."""
    index = _arange(x.shape[0])
    _, perm = So.sort((x, index), 0)
    return So.put_along_axis(index, perm, 0)


def _search_sort(a: Any, v: Any, side: str) -> Any:
    q = ravel(v)
    if side == "left":
        index = _first(_rank(S.concatenate([q, a], 0)), q.shape[0])
    else:
        index = _rest(_rank(S.concatenate([a, q], 0)), a.shape[0])
    return S.reshape(E.sub(index, _rank(q)), v.shape)


_SEARCH = {"scan": _search_scan, "scan_unrolled": _search_scan,
           "compare_all": _search_compare_all, "sort": _search_sort}


def searchsorted(a: Any, v: Any, side: str = "left", sorter: Any = None, *,
                 method: str = "scan") -> Any:
    """Where to insert ``v`` into the sorted 1-d ``a`` to keep it sorted: the first such place
    (``side="left"``) or the last (``"right"``). NaNs count as larger than every number.

    ``method``: "scan" (binary search, the default), "scan_unrolled" (the same), "compare_all"
    (every pair: fast for small ``a``) or "sort" (one sort of both).

    Example:
        >>> searchsorted(asarray([1.0, 2.0, 3.0]), asarray([2.0, 2.5]))
        Array([1, 2], dtype=int32)
    """
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    if method not in _SEARCH:
        raise ValueError(f"searchsorted: method must be one of {sorted(_SEARCH)}, got {method!r}")
    a, v = asarray(a), asarray(v)
    if a.ndim != 1:
        raise ValueError(f"searchsorted: a must be 1-dimensional, got shape {a.shape}")
    if sorter is not None:
        a = gather(a, asarray(sorter))
    a, v = promote(a, v)
    return _SEARCH[method](a, v, side)


def digitize(x: Any, bins: Any, right: bool = False, *, method: str | None = None) -> Any:
    """The index of the bin each ``x`` falls in, for monotonic ``bins`` (increasing: ``bins[i-1]
    <= x < bins[i]``; ``right=True`` closes bins on the right instead).

    Example:
        >>> digitize(asarray([0.5, 1.5, 3.0]), asarray([1.0, 2.0, 3.0]))
        Array([0, 1, 3], dtype=int32)
    """
    x, bins = asarray(x), asarray(bins)
    if bins.ndim != 1:
        raise ValueError(f"digitize: bins must be 1-dimensional, got shape {bins.shape}")
    side = "left" if right else "right"
    method = method or "scan"
    n = bins.shape[0]
    if n == 0:
        return S.broadcast_to(_int_array(0), x.shape)
    up = searchsorted(bins, x, side=side, method=method)
    down = E.sub(n, searchsorted(S.rev(bins, (0,)), x, side=side, method=method))
    b = promote(bins)[0]
    increasing = E.ge(S.reshape(_rest(b, n - 1), ()), S.reshape(_first(b, 1), ()))
    return E.select(S.broadcast_to(increasing, S.shape_of(up)), up, down)


# ---- unique --------------------------------------------------------------------------------------


def _group_starts(sorted_rows: Any, equal_nan: bool) -> Any:
    """For rows sorted along axis 0, True where a row differs from the one before (and at 0)."""
    n = S.shape_of(sorted_rows)[0]
    if n == 0:
        return Array(np.zeros(0, bool))
    later, earlier = _rest(sorted_rows, 1), _first(sorted_rows, n - 1)
    differ = E.ne(later, earlier)
    if equal_nan and S.dtype_of(sorted_rows).kind in "fc":
        differ = E.bitwise_and(differ, E.bitwise_not(E.bitwise_and(_isnan(later),
                                                                     _isnan(earlier))))
    if S.ndim_of(differ) > 1:
        differ = R.reduce_max(differ, tuple(range(1, S.ndim_of(differ))))
    return S.concatenate([Array(np.ones(1, bool)), differ], 0)


def _unique_rows(rows: Any, equal_nan: bool, size: int | None, fill_value: Any, fname: str):
    """Unique rows of ``rows`` (shape (n, ...)): (values, first indices, inverse, counts)."""
    n = rows.shape[0]
    flat = S.reshape(rows, (n, int(np.prod(rows.shape[1:], dtype=np.int64))))
    index = _arange(n)
    cols = [S.reshape(S.slice_(flat, (0, j), (n, j + 1)), (n,)) for j in range(flat.shape[1])]
    perm = So.sort(cols + [index], 0, True, max(len(cols), 1))[-1] if cols else index
    srt = gather(rows, perm)
    starts = _group_starts(srt, equal_nan)
    count = R.reduce_sum(S.convert_element_type(starts, dtypes.default_int), (0,))
    if size is None:
        size = _concrete_size(count, fname, "size")
    # One extra slot: the end of the last kept group is the start of the next one.
    pos, valid = _compact(starts, size + 1)
    first_pos, valid_k = _first(pos, size), _first(valid, size)
    values = gather(srt, first_pos)
    fill = gather(srt, _int_array(0)) if fill_value is None else fill_value
    keep = S.broadcast_in_dim(valid_k, values.shape, (0,))
    values = E.select(keep, values, _cast_fill(fill, values))
    # (padding: the first index, as JAX: that of the smallest value, the default fill)
    indices = E.select(valid_k, gather(perm, first_pos), gather(perm, _int_array(0)))
    ends = E.select(_rest(valid, 1), _rest(pos, 1), n)
    counts = E.select(valid_k, E.sub(ends, first_pos), 0)
    group = E.sub(R.cumsum(S.convert_element_type(starts, dtypes.default_int), 0), 1)
    inverse = So.put_along_axis(group, perm, 0)
    return values, indices, inverse, counts


def unique(ar: Any, return_index: bool = False, return_inverse: bool = False,
           return_counts: bool = False, axis: int | None = None, *, equal_nan: bool = True,
           size: int | None = None, fill_value: Any = None, sorted: bool = True) -> Any:  # noqa: A002
    """The sorted unique elements of ``ar`` (flattened; or unique slices along ``axis``).

    Optionally also: the index of each value's first occurrence, the ``inverse`` that rebuilds
    ``ar`` from the values, and how often each occurs. Under jit/vmap pass ``size=``: the result
    then has exactly ``size`` entries, padded with ``fill_value`` (default: the smallest value;
    padded indices are that value's index, padded counts 0) or truncated. ``sorted=False``
    (numpy 2.3) allows any order; the result is sorted either way.

    Example:
        >>> unique(asarray([3, 1, 3, 2]))
        Array([1, 2, 3], dtype=int32)
    """
    del sorted  # always sorted
    a = asarray(ar)
    if axis is None:
        rows, ax = ravel(a), 0
    else:
        if a.ndim == 0:
            raise ValueError("unique: axis must be None for a 0-d array")
        ax = _axis(axis, a.ndim)
        rows = S.moveaxis(a, ax, 0)
    if rows.shape[0] == 0:
        size = 0 if size is None else operator.index(size)
        if size and fill_value is None:
            raise ValueError("unique: size= with an empty input needs fill_value= (there is no "
                             "smallest value to pad with)")
        empty = _int_array(np.zeros(0))
        values, indices, inverse, counts = rows, empty, empty, empty
        if size:
            values = S.broadcast_to(asarray(fill_value, rows.dtype), (size,) + rows.shape[1:])
            indices = counts = _int_array(np.zeros(size))
    else:
        values, indices, inverse, counts = _unique_rows(
            rows, equal_nan, None if size is None else operator.index(size), fill_value,
            "unique")
    if axis is None:
        inverse = S.reshape(inverse, a.shape)  # (numpy 2: the inverse has ar's shape)
    else:
        values = S.moveaxis(values, 0, ax)
    extra = [x for flag, x in ((return_index, indices), (return_inverse, inverse),
                               (return_counts, counts)) if flag]
    return (values, *extra) if extra else values


class UniqueAllResult(NamedTuple):
    """``unique_all``'s result: values, first indices, inverse indices, counts."""

    values: Any
    indices: Any
    inverse_indices: Any
    counts: Any


class UniqueCountsResult(NamedTuple):
    """``unique_counts``'s result: values and counts."""

    values: Any
    counts: Any


class UniqueInverseResult(NamedTuple):
    """``unique_inverse``'s result: values and inverse indices (``x``'s shape)."""

    values: Any
    inverse_indices: Any


def unique_values(x: Any, /, *, size: int | None = None, fill_value: Any = None) -> Any:
    """The unique values of ``x`` (Array API; NaNs are all distinct).

    Example: ``unique_values(asarray([2, 1, 2]))`` is ``[1, 2]``.
    """
    return unique(x, equal_nan=False, size=size, fill_value=fill_value)


def unique_counts(x: Any, /, *, size: int | None = None,
                  fill_value: Any = None) -> UniqueCountsResult:
    """Unique values of ``x`` and how often each occurs (Array API).

    Example: ``unique_counts(asarray([2, 1, 2])).counts`` is ``[1, 2]``.
    """
    v, c = unique(x, return_counts=True, equal_nan=False, size=size, fill_value=fill_value)
    return UniqueCountsResult(v, c)


def unique_inverse(x: Any, /, *, size: int | None = None,
                   fill_value: Any = None) -> UniqueInverseResult:
    """Unique values of ``x`` and the indices that rebuild ``x`` from them (Array API).

    Example: ``r = unique_inverse(x); r.values[r.inverse_indices]`` equals ``x``.
    """
    v, inv = unique(x, return_inverse=True, equal_nan=False, size=size, fill_value=fill_value)
    return UniqueInverseResult(v, inv)


def unique_all(x: Any, /, *, size: int | None = None, fill_value: Any = None) -> UniqueAllResult:
    """Unique values of ``x`` with first indices, inverse indices and counts (Array API).

    Example: ``unique_all(asarray([2, 1, 2])).indices`` is ``[1, 0]``.
    """
    v, i, inv, c = unique(x, return_index=True, return_inverse=True, return_counts=True,
                          equal_nan=False, size=size, fill_value=fill_value)
    return UniqueAllResult(v, i, inv, c)


# ---- set operations ------------------------------------------------------------------------------


def _sorted_with_starts(x: Any) -> tuple[Any, Any, Any]:
    """A 1-d ``x`` sorted, the permutation, and where each group of equal values starts."""
    s, perm = So.sort((x, _arange(x.shape[0])), 0)
    return s, perm, _group_starts(s, True)


def _member(sorted_t: Any, x: Any) -> Any:
    """Whether each element of ``x`` occurs in the sorted 1-d ``sorted_t`` (NaN never does)."""
    n = sorted_t.shape[0]
    if n == 0:
        return Array(np.zeros(S.shape_of(x), bool))
    idx = E.min_(_search_scan(sorted_t, x, "left"), n - 1)
    return E.eq(gather(sorted_t, idx), x)


def _select_sorted(values: Any, mask: Any, size: int | None, fill_value: Any, fname: str,
                   default_fill: Any = None):
    """The entries of the sorted 1-d ``values`` where ``mask`` holds, padded or truncated to
    ``size``: (result, their positions in ``values``, which entries are real). The padding is
    ``fill_value``, else ``default_fill``, else the first selected value, or 0 when there is
    none (JAX's defaults)."""
    count = R.reduce_sum(S.convert_element_type(mask, dtypes.default_int), (0,))
    if size is None:
        size = _concrete_size(count, fname, "size")
    size = operator.index(size)
    fill = default_fill if fill_value is None else fill_value
    if values.shape[0] == 0:
        if size:
            fill = 0 if fill is None else fill
            return (S.broadcast_to(asarray(fill, S.dtype_of(values)), (size,)),
                    _int_array(np.zeros(size)), Array(np.zeros(size, bool)))
        return values, _int_array(np.zeros(0)), Array(np.zeros(0, bool))
    pos, valid = _compact(mask, size)
    out = gather(values, pos)
    if fill is None and size:  # nothing selected: 0, as JAX
        fill = E.select(gather(valid, _int_array(0)), gather(out, _int_array(0)),
                        _cast_fill(0, gather(out, _int_array(0))))
    return (E.select(valid, out, _cast_fill(fill, out)) if size else out), pos, valid


def _two_1d(ar1: Any, ar2: Any) -> tuple[Any, Any]:
    a, b = promote(ravel(asarray(ar1)), ravel(asarray(ar2)))
    return a, b


def intersect1d(ar1: Any, ar2: Any, assume_unique: bool = False, return_indices: bool = False,
                *, size: int | None = None, fill_value: Any = None) -> Any:
    """The sorted unique values in both ``ar1`` and ``ar2`` (with ``return_indices``, also
    where each first occurs in each input). Pass ``size=`` under jit.

    Example:
        >>> intersect1d(asarray([1, 3, 4]), asarray([3, 1, 5]))
        Array([1, 3], dtype=int32)
    """
    a, b = _two_1d(ar1, ar2)
    sa, pa, starts = _sorted_with_starts(a)
    sb, pb = So.sort((b, _arange(b.shape[0])), 0)
    mask = E.bitwise_and(starts, _member(sb, sa))
    values, pos, valid = _select_sorted(sa, mask, size, fill_value, "intersect1d")
    if not return_indices:
        return values
    # Padded indices are out of bounds (len(ar1), len(ar2)), as JAX documents.
    n1, n2, k = a.shape[0], b.shape[0], values.shape[0]
    if k == 0 or n1 == 0 or n2 == 0:  # nothing in common
        return values, _int_array(np.full(k, n1)), _int_array(np.full(k, n2))
    # (stable sorts: the first of equal values in sorted order is the first occurrence)
    idx1 = E.select(valid, gather(pa, pos), n1)
    at_b = E.min_(_search_scan(sb, values, "left"), n2 - 1)
    idx2 = E.select(valid, gather(pb, at_b), n2)
    return values, idx1, idx2


def union1d(ar1: Any, ar2: Any, *, size: int | None = None, fill_value: Any = None) -> Any:
    """The sorted unique values in either input. Pass ``size=`` under jit.

    Example:
        >>> union1d(asarray([1, 3]), asarray([3, 2]))
        Array([1, 2, 3], dtype=int32)
    """
    a, b = _two_1d(ar1, ar2)
    return unique(S.concatenate([a, b], 0), size=size, fill_value=fill_value)


def setdiff1d(ar1: Any, ar2: Any, assume_unique: bool = False, *, size: int | None = None,
              fill_value: Any = None) -> Any:
    """The sorted unique values of ``ar1`` that are not in ``ar2``. Pass ``size=`` under jit.

    Example:
        >>> setdiff1d(asarray([1, 2, 3, 2]), asarray([2]))
        Array([1, 3], dtype=int32)
    """
    a, b = _two_1d(ar1, ar2)
    sa, _, starts = _sorted_with_starts(a)
    sb = So.sort(b, 0)
    mask = E.bitwise_and(starts, E.bitwise_not(_member(sb, sa)))
    return _select_sorted(sa, mask, size, fill_value, "setdiff1d", default_fill=0)[0]


def setxor1d(ar1: Any, ar2: Any, assume_unique: bool = False, *, size: int | None = None,
             fill_value: Any = None) -> Any:
    """The sorted unique values in exactly one of the inputs. Pass ``size=`` under jit.

    Example:
        >>> setxor1d(asarray([1, 2, 3]), asarray([2, 4]))
        Array([1, 3, 4], dtype=int32)
    """
    a, b = _two_1d(ar1, ar2)
    sa, _, starts_a = _sorted_with_starts(a)
    sb, _, starts_b = _sorted_with_starts(b)
    only_a = E.bitwise_and(starts_a, E.bitwise_not(_member(sb, sa)))
    only_b = E.bitwise_and(starts_b, E.bitwise_not(_member(sa, sb)))
    both = S.concatenate([sa, sb], 0)
    keep = S.concatenate([only_a, only_b], 0)
    # Kept values first, in sorted order: sort by (not kept, value).
    _, values, kept = So.sort((E.bitwise_not(keep), both, keep), 0, True, 2)
    return _select_sorted(values, kept, size, fill_value, "setxor1d")[0]


def isin(element: Any, test_elements: Any, assume_unique: bool = False, invert: bool = False,
         *, method: str = "auto") -> Any:
    """Whether each element of ``element`` occurs in ``test_elements`` (same shape as
    ``element``). ``method``: "auto"/"sort"/"binary_search" (sort, then binary search) or
    "compare_all" (every pair).

    Example:
        >>> isin(asarray([1, 2, 3]), asarray([3, 1]))
        Array([ True, False,  True], dtype=bool)
    """
    if method not in ("auto", "sort", "binary_search", "compare_all"):
        raise ValueError(f"isin: unknown method {method!r}")
    e, t = promote(asarray(element), ravel(asarray(test_elements)))
    if method == "compare_all" and t.shape[0]:
        eb = S.reshape(e, e.shape + (1,))
        found = R.reduce_max(E.eq(eb, t), (e.ndim,))
    else:
        found = _member(So.sort(t, 0), e)
    return E.bitwise_not(found) if invert else found


def in1d(ar1: Any, ar2: Any, assume_unique: bool = False, invert: bool = False, *,
         method: str = "auto") -> Any:
    """``isin`` of the flattened ``ar1`` (numpy's older name).

    Example: ``in1d(asarray([[1, 2]]), asarray([2]))`` is ``[False, True]``.
    """
    return isin(ravel(asarray(ar1)), ar2, assume_unique, invert, method=method)


# ---- counting: bincount and histograms -----------------------------------------------------------


def bincount(x: Any, weights: Any = None, minlength: int = 0, *,
             length: int | None = None) -> Any:
    """How often each value ``0, 1, ...`` occurs in the non-negative integer array ``x`` (or the
    sum of ``weights`` there). The result has ``max(x) + 1`` (at least ``minlength``) entries; under
    jit pass ``length=`` (values beyond it are dropped, negative ones count as 0, as in JAX).

    Example:
        >>> bincount(asarray([0, 1, 1, 3]))
        Array([1, 2, 0, 1], dtype=int32)
    """
    x = asarray(x)
    if x.dtype.kind not in "iub":
        raise TypeError(f"bincount: x must be an integer array, got {x.dtype}")
    if x.ndim != 1:
        raise ValueError(f"bincount: x must be 1-dimensional, got shape {x.shape}")
    concrete = concrete_or_none(x)
    if concrete is not None and concrete.size and concrete.min() < 0:
        raise ValueError(f"bincount: x must be non-negative, got the value {concrete.min()}")
    if length is None:
        top = R.reduce_max(x, (0,)) if x.shape[0] else _int_array(-1)
        length = _concrete_size(top, "bincount", "length") + 1
        length = max(length, operator.index(minlength))
    length = operator.index(length)
    if weights is None:
        w = S.broadcast_to(_int_array(1), x.shape)
    else:
        w = asarray(weights)
        if w.shape != x.shape:
            raise ValueError(f"bincount: weights of shape {w.shape} must match x's {x.shape}")
        if w.dtype.kind == "b":
            w = S.convert_element_type(w, dtypes.default_int)
    idx = S.convert_element_type(x, dtypes.default_int)
    idx = E.max_(idx, 0)
    idx = E.select(E.lt(idx, length), idx, length)  # one spare bin collects the dropped values
    counts = scatter(Array(np.zeros(length + 1, w.dtype)), w, idx, mode="add")
    return _first(counts, length)


def histogram_bin_edges(a: Any, bins: Any = 10, range: Sequence[Any] | None = None,  # noqa: A002
                        weights: Any = None) -> Any:
    """The edges of ``histogram``'s bins: ``bins`` equal bins over ``range`` (default: from
    the data's min to max, widened by 0.5 each way if those are equal), or ``bins`` itself.

    Example: ``histogram_bin_edges(asarray([0.0, 1.0]), 2)`` is ``[0, 0.5, 1]``.
    """
    if isinstance(bins, str):
        raise NotImplementedError(f"histogram: string bins ({bins!r}: numpy's bin estimators) "
                                  "are not supported; pass the number of bins or the bin edges")
    (arr,) = promote_inexact(ravel(asarray(a)))
    dt = arr.dtype
    if np.ndim(bins) == 1 or getattr(bins, "ndim", 0) == 1:
        return asarray(bins, dt)
    n = operator.index(bins)
    if n < 1:
        raise ValueError(f"histogram: bins must be a positive integer, got {n}")
    if range is None:
        if arr.shape[0] == 0:
            lo, hi = asarray(0.0, dt), asarray(1.0, dt)
        else:
            lo, hi = R.reduce_min(arr, (0,)), R.reduce_max(arr, (0,))
    else:
        if len(range) != 2:
            raise ValueError(f"histogram: range must be a pair (min, max), got {range!r}")
        lo, hi = asarray(range[0], dt), asarray(range[1], dt)
    same = E.eq(lo, hi)
    lo, hi = E.select(same, E.sub(lo, 0.5), lo), E.select(same, E.add(hi, 0.5), hi)
    # As numpy's linspace: start + i * step, with the last edge exactly ``hi``.
    step = E.div(E.sub(hi, lo), float(n))
    inner = E.add(lo, E.mul(Array(np.arange(n, dtype=dt)), step))
    return S.concatenate([inner, S.reshape(hi, (1,))], 0)


def histogram(a: Any, bins: Any = 10, range: Sequence[Any] | None = None,  # noqa: A002
              weights: Any = None, density: bool | None = None) -> tuple[Any, Any]:
    """A histogram of the flattened ``a``: (counts per bin, bin edges). Bins are half-open
    ``[e_i, e_i+1)`` except the last, which includes its right edge; values outside are not
    counted. Counts are floats (as in JAX); ``density`` divides by total count times width.

    Example:
        >>> histogram(asarray([0.0, 0.4, 1.0]), bins=2)[0]
        Array([2., 1.], dtype=float32)
    """
    arr = ravel(asarray(a))
    if weights is None:
        (arr,) = promote_inexact(arr)
        w = S.broadcast_to(asarray(1.0, arr.dtype), arr.shape)
    else:
        w = asarray(weights)
        if w.shape != asarray(a).shape:
            raise ValueError(f"histogram: weights of shape {w.shape} must match a's "
                             f"{asarray(a).shape}")
        arr, w = promote_inexact(arr, ravel(w))
    edges = histogram_bin_edges(arr, bins, range)
    n_edges = edges.shape[0]
    idx = searchsorted(edges, arr, side="right")
    last = S.reshape(_rest(edges, n_edges - 1), ())
    idx = E.select(E.eq(arr, last), n_edges - 1, idx)
    counts = scatter(Array(np.zeros(n_edges + 1, w.dtype)), w, idx, mode="add")
    counts = S.slice_(counts, (1,), (n_edges,))
    if density:
        widths = E.sub(_rest(edges, 1), _first(edges, n_edges - 1))
        counts = E.div(E.div(counts, widths), R.reduce_sum(counts, (0,)))
    return counts, edges


# The public names functorch_lite.numpy re-exports from this module.
__all__ = [
    "argpartition", "argsort", "bincount", "digitize", "histogram", "histogram_bin_edges",
    "in1d", "intersect1d", "isin", "lexsort", "partition", "searchsorted", "setdiff1d",
    "setxor1d", "sort", "union1d", "unique", "unique_all", "unique_counts", "unique_inverse",
    "unique_values",
]
