"""sort: a stable multi-operand sort along one axis (JAX's ``lax.sort``).

``sort(operands, dimension, is_stable, num_keys)`` orders every operand by the lexicographic order
of the first ``num_keys`` operands (NaNs last), and carries the other operands along. With an
integer ``iota`` as the last operand the carried output is the permutation, so argsort, lexsort,
unique and searchsorted all compose from this one primitive.

Derivatives: the output is a permutation of each operand, so the tangent of output ``i`` is
operand ``i``'s tangent permuted the same way (a gather along the axis), and the cotangent is
scattered back through the inverse permutation. The keys' influence on the permutation itself is
piecewise constant (zero almost everywhere), as in JAX.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes
from ..array import Array
from ..core import Primitive, ShapedArray
from . import shape as S
from .indexing import gather, scatter

# ---- helpers: iota and gathers/scatters along one axis ------------------------------------------


def iota(dtype: Any, shape: tuple, dimension: int) -> Array:
    """A constant array counting 0, 1, ... along ``dimension``, broadcast to ``shape``."""
    n = shape[dimension]
    ramp = np.arange(n, dtype=dtype).reshape([n if i == dimension else 1
                                              for i in range(len(shape))])
    return Array(np.ascontiguousarray(np.broadcast_to(ramp, shape)))


def _rows(m: int) -> Array:
    return Array(np.arange(m, dtype=dtypes.default_int).reshape(m, 1))


def _to_rows(x: Any, axis: int) -> tuple[Any, tuple]:
    """``x`` with ``axis`` moved last and the other axes flattened: shape (m, n)."""
    moved = S.moveaxis(x, axis, -1)
    shape = S.shape_of(moved)
    return S.reshape(moved, (int(np.prod(shape[:-1], dtype=np.int64)), shape[-1])), shape


def _from_rows(x2: Any, moved_shape: tuple, k: int, axis: int) -> Any:
    out = S.reshape(x2, tuple(moved_shape[:-1]) + (k,))
    return S.moveaxis(out, -1, axis)


def take_along_axis(x: Any, idx: Any, axis: int) -> Any:
    """``out[..., j, ...] = x[..., idx[..., j, ...], ...]`` along ``axis`` (numpy's
    take_along_axis; ``idx`` has ``x``'s shape except along ``axis``), via one ``gather``."""
    nd = S.ndim_of(x)
    axis %= nd
    x2, moved = _to_rows(x, axis)
    i2, _ = _to_rows(idx, axis)
    k = S.shape_of(i2)[1]
    return _from_rows(gather(x2, _rows(S.shape_of(x2)[0]), i2), moved, k, axis)


def put_along_axis(values: Any, perm: Any, axis: int) -> Any:
    """The inverse of ``take_along_axis`` for a permutation ``perm``: ``out`` with
    ``out[..., perm[..., j], ...] = values[..., j, ...]``, via one ``scatter``."""
    axis %= S.ndim_of(values)
    v2, moved = _to_rows(values, axis)
    p2, _ = _to_rows(perm, axis)
    m, n = S.shape_of(v2)
    zeros = S.zeros_like_value(v2)
    out = scatter(zeros, v2, _rows(m), p2, mode="set")
    return _from_rows(out, moved, n, axis)


# ---- the primitive -------------------------------------------------------------------------------


def _sort_kernel(xp):
    def stable_argsort(k, axis, stable):
        return xp.argsort(k, axis=axis, kind="stable" if stable else None)

    def impl(*operands, dimension, is_stable, num_keys):
        if num_keys == 1 and len(operands) == 1:
            return (xp.sort(operands[0], axis=dimension, kind="stable" if is_stable else None),)
        keys = operands[:num_keys]
        # A lexicographic sort is successive stable sorts from the last key to the first
        # (what numpy's lexsort does; written out so that it is the same for every xp).
        perm = stable_argsort(keys[-1], dimension, is_stable or num_keys > 1)
        for k in reversed(keys[:-1]):
            inner = stable_argsort(xp.take_along_axis(k, perm, axis=dimension), dimension, True)
            perm = xp.take_along_axis(perm, inner, axis=dimension)
        return tuple(xp.take_along_axis(x, perm, axis=dimension) for x in operands)

    return impl


def _sort_aval(*avals, dimension, is_stable, num_keys):
    first = avals[0]
    if first.ndim == 0:
        raise ValueError("sort: operands must have at least one dimension, got a 0-d array")
    if not 0 <= dimension < first.ndim:
        raise ValueError(f"sort: dimension {dimension} is out of range for shape {first.shape}")
    if not 1 <= num_keys <= len(avals):
        raise ValueError(f"sort: num_keys={num_keys} must be between 1 and the number of "
                         f"operands ({len(avals)})")
    for a in avals[1:]:
        if a.shape != first.shape:
            listed = ", ".join(x.str_short() for x in avals)
            raise ValueError(f"sort: all operands must have the same shape, got {listed}")
    return tuple(ShapedArray(a.shape, a.dtype) for a in avals)


def _permutation(operands, dimension, is_stable, num_keys):
    """The permutation the sort applies (an int array): the keys sorted with an iota carried."""
    keys = list(operands[:num_keys])
    index = iota(dtypes.default_int, S.shape_of(keys[0]), dimension)
    return sort_p.bind(*keys, index, dimension=dimension, is_stable=is_stable,
                       num_keys=num_keys)[-1]


def _sort_jvp(primals, tangents, out, *, dimension, is_stable, num_keys):
    if all(t is None for t in tangents):
        return [None] * len(out)
    perm = _permutation(primals, dimension, is_stable, num_keys)
    return [None if t is None else take_along_axis(t, perm, dimension) for t in tangents]


class _SortVJP:
    """Operand ``i``'s cotangent: output ``i``'s cotangent put back in operand order."""

    def __getitem__(self, i: int):
        def vjp(ct, out, *operands, dimension, is_stable, num_keys):
            if not dtypes.is_float(S.dtype_of(operands[i])):
                return None
            perm = _permutation(operands, dimension, is_stable, num_keys)
            return put_along_axis(ct[i], perm, dimension)

        return vjp


def _sort_batch(vals, dims, *, dimension, is_stable, num_keys):
    size = S.batch_size(vals, dims)
    moved = [S.bdim_to_front(v, d, size) for v, d in zip(vals, dims)]
    out = sort_p.bind(*moved, dimension=dimension + 1, is_stable=is_stable, num_keys=num_keys)
    return out, [0] * len(out)


sort_p = Primitive(
    "sort",
    kernel=_sort_kernel,
    abstract_eval=_sort_aval,
    jvp_full=_sort_jvp,
    vjp=_SortVJP(),
    batch=_sort_batch,
    multiple_results=True,
)


def sort(operands: Any, dimension: int = -1, is_stable: bool = True,
         num_keys: int = 1) -> tuple:
    """Sort ``operands`` (one array or a sequence of same-shape arrays) along ``dimension`` by
    the lexicographic order of the first ``num_keys`` of them; the rest are carried along.

    Example: ``keys, perm = lax.sort((x, iota), num_keys=1)`` gives argsort as ``perm``.
    """
    single = not isinstance(operands, (list, tuple))
    ops = [operands] if single else list(operands)
    nd = S.ndim_of(ops[0])
    if nd and not -nd <= dimension < nd:
        raise ValueError(f"sort: dimension {dimension} is out of range for shape "
                         f"{S.shape_of(ops[0])}")
    out = sort_p.bind(*ops, dimension=int(dimension) % max(nd, 1), is_stable=bool(is_stable),
                      num_keys=int(num_keys))
    return out[0] if single else tuple(out)
