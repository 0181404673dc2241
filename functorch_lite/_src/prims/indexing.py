"""gather and scatter: integer-array indexing of the leading axes, ``x[i0, i1, ..., ik]``.

``functorch_lite.numpy`` reduces every numpy index expression (slices, ints, None, Ellipsis,
integer and boolean arrays) to slice/reshape/rev/transpose plus, for array indices, these two
primitives, so their rules stay small: the output of ``gather(x, *idx)`` has shape
``broadcast(idx shapes) + x.shape[k:]``.

Out-of-bounds indices raise IndexError from the kernel, eagerly and under jit alike (numpy
semantics; JAX clamps instead). Negative indices count from the end.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core import Primitive, ShapedArray
from . import elementwise as E
from . import shape as S


def _index_shape(name: str, x: ShapedArray, idx: tuple[ShapedArray, ...]) -> tuple[int, ...]:
    if len(idx) > x.ndim:
        raise IndexError(f"{name}: too many indices ({len(idx)}) for an array of shape {x.shape}")
    for i in idx:
        if i.dtype.kind not in "iu":
            raise IndexError(f"{name}: index arrays must be integers, got {i.dtype}")
    return E.broadcast_shapes(name, *(i.shape for i in idx)) + x.shape[len(idx):]


# ---- gather --------------------------------------------------------------------------------------


def _gather_batch(vals, dims):
    x, idx = vals[0], list(vals[1:])
    size = S.batch_size(vals, dims)
    if dims[0] is None:  # only the indices are batched: index with batched index arrays
        n_idx_rank = max(S.ndim_of(i) - (d is not None) for i, d in zip(idx, dims[1:]))
        idx = [_index_to_front(i, d, size, n_idx_rank) for i, d in zip(idx, dims[1:])]
        return gather(x, *idx), 0
    x = S.moveaxis(x, dims[0], 0)
    n_idx_rank = max([S.ndim_of(i) - (d is not None) for i, d in zip(idx, dims[1:])] + [0])
    arange = _batch_arange(size, n_idx_rank)
    idx = [_index_to_front(i, d, size, n_idx_rank) if d is not None else i
           for i, d in zip(idx, dims[1:])]
    return gather(x, arange, *idx), 0


def _batch_arange(size: int, rank: int) -> Any:
    from ..array import Array

    return Array(np.arange(size, dtype=np.int64).reshape((size,) + (1,) * rank))


def _index_to_front(i: Any, d: int | None, size: int, rank: int) -> Any:
    """A batched index array with its batch axis first, padded to ``rank`` + 1 axes."""
    if d is None:
        return i
    i = S.moveaxis(i, d, 0)
    k = S.ndim_of(i) - 1
    if k < rank:
        i = S.reshape(i, (size,) + (1,) * (rank - k) + S.shape_of(i)[1:])
    return i


class _FirstArgOnly:
    """Per-argument rules for (operand, *indices): only the operand is differentiable."""

    def __init__(self, rule):
        self.rule = rule

    def __getitem__(self, i):
        return self.rule if i == 0 else None


def _gather_vjp(ct, out, x, *idx):
    return scatter(S.zeros_like_value(x), ct, *idx, mode="add")


gather_p = Primitive(
    "gather",
    kernel=lambda xp: lambda x, *idx: x[idx],
    abstract_eval=lambda x, *idx: ShapedArray(_index_shape("gather", x, idx), x.dtype),
    jvp=_FirstArgOnly(lambda t, out, x, *idx: gather(t, *idx)),
    vjp=_FirstArgOnly(_gather_vjp),
    batch=_gather_batch,
    emit=lambda n, p, a: f"{n[0]}[{', '.join(n[1:])}{',' if len(n) == 2 else ''}]",
)


def gather(x: Any, *idx: Any) -> Any:
    """``x[i0, i1, ...]`` for integer index arrays on the leading axes (numpy semantics).

    Example: ``lax.gather(x, jnp.asarray([2, 0]))`` is ``x[[2, 0]]``.
    """
    return gather_p.bind(x, *idx)


# ---- scatter -------------------------------------------------------------------------------------

_SCATTER_UFUNCS = {"add": "add", "mul": "multiply", "min": "minimum", "max": "maximum"}


def _indexed_shape(shape: tuple, idx: tuple) -> tuple:
    return np.broadcast_shapes(*(np.shape(i) for i in idx)) + tuple(shape[len(idx):])


def _scatter_kernel(xp):
    def impl(operand, updates, *idx, mode):
        out = operand.copy()
        if mode == "set":
            out[idx] = updates
        elif xp.__name__ == "numpy":
            # NOTE: numpy 2.4's ufunc.at misreads updates that broadcast by missing leading
            # axes (np.add.at(zeros(3), ([[0, 1], [2, 0]],), [1., 2.]) reads garbage); giving
            # them the full rank with leading 1s avoids that path.
            if np.ndim(updates):
                lead = len(_indexed_shape(out.shape, idx)) - updates.ndim
                if lead > 0:
                    updates = updates.reshape((1,) * lead + updates.shape)
            getattr(np, _SCATTER_UFUNCS[mode]).at(out, idx, updates)
        else:  # cupy: cupyx.scatter_add & co.
            import cupyx

            getattr(cupyx, f"scatter_{mode}")(out, idx, updates)
        return out

    return impl


def _scatter_aval(operand, updates, *idx, mode):
    target = _index_shape("scatter", operand, idx)
    try:
        np.broadcast_shapes(updates.shape, target)
        ok = len(updates.shape) <= len(target)
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(
            f".at[...] update: values of shape {updates.shape} cannot be broadcast to the "
            f"indexed shape {target} of an array of shape {operand.shape}"
        )
    if not updates.weak and updates.dtype != operand.dtype:
        raise TypeError(f"scatter: updates dtype {updates.dtype} != operand {operand.dtype}")
    return operand


def _scatter_jvp(primals, tangents, out, *, mode):
    operand, updates, *idx = primals
    t_op, t_up = tangents[0], tangents[1]
    if t_op is None and t_up is None:
        return None
    t_op = S.zeros_like_value(operand) if t_op is None else t_op
    # (a weak zero: zeros_like_value of a Python-scalar update, x.at[i].set(2.0), would be a
    # strong default-dtype array that scatter rejects for a float64 operand)
    t_up = 0.0 if t_up is None else t_up
    if mode in ("add", "set"):
        return scatter(t_op, t_up, *idx, mode=mode)
    if mode in ("min", "max"):
        kept, won = _extremum_weights(out, operand, updates, idx)
        return scatter(E.mul(t_op, kept), E.mul(t_up, won), *idx, mode="add")
    raise NotImplementedError(_MUL_MSG)


def _extremum_weights(out, operand, updates, idx):
    """For min/max: where the operand / each update attained the output, divided by how many
    did there, so ties share the derivative (as in reduce_max). NOTE: without the division an
    update broadcast onto a repeated index, x.at[[1, 1]].max(u), would count twice."""
    dt = S.dtype_of(out)
    kept = E.convert(E.eq(out, operand), dt)
    won = E.convert(E.eq(gather(out, *idx), updates), dt)  # the indexed (broadcast) shape
    counts = scatter(kept, won, *idx, mode="add")
    return E.div(kept, counts), E.div(won, gather(counts, *idx))


_MUL_MSG = (
    "the derivative of .at[idx].multiply(values) is not supported (with repeated indices it "
    "is a product over duplicates); write x.at[idx].set(x[idx] * values) for unique indices."
)


def _scatter_vjp_operand(ct, out, operand, updates, *idx, mode):
    if mode == "add":
        return ct
    if mode == "set":
        return scatter(ct, 0.0 if S.dtype_of(ct).kind in "fc" else 0, *idx, mode="set")
    if mode in ("min", "max"):
        return E.mul(ct, _extremum_weights(out, operand, updates, idx)[0])
    raise NotImplementedError(_MUL_MSG)


def _scatter_vjp_updates(ct, out, operand, updates, *idx, mode):
    g = gather(ct, *idx)
    if mode in ("min", "max"):
        g = E.mul(g, _extremum_weights(out, operand, updates, idx)[1])
    elif mode == "mul":
        raise NotImplementedError(_MUL_MSG)
    return S.unbroadcast(g, S.shape_of(updates))


class _ScatterVJP:
    def __getitem__(self, i):
        return (_scatter_vjp_operand, _scatter_vjp_updates)[i] if i < 2 else None


def _scatter_batch(vals, dims, *, mode):
    size = S.batch_size(vals, dims)
    operand = S.bdim_to_front(vals[0], dims[0], size)
    idx = list(vals[2:])
    n_idx_rank = max([S.ndim_of(i) - (d is not None) for i, d in zip(idx, dims[2:])] + [0])
    idx = [_index_to_front(i, d, size, n_idx_rank) for i, d in zip(idx, dims[2:])]
    updates = vals[1]
    if dims[1] is not None:
        updates = S.moveaxis(updates, dims[1], 0)
        # Align the update's per-example axes with the indexed shape's trailing axes.
        target_rank = n_idx_rank + S.ndim_of(operand) - 1 - len(idx)
        k = S.ndim_of(updates) - 1
        if k < target_rank:
            updates = S.reshape(updates, (size,) + (1,) * (target_rank - k) +
                                S.shape_of(updates)[1:])
    return scatter(operand, updates, _batch_arange(size, n_idx_rank), *idx, mode=mode), 0


scatter_p = Primitive(
    "scatter",
    kernel=_scatter_kernel,
    abstract_eval=_scatter_aval,
    jvp_full=_scatter_jvp,
    vjp=_ScatterVJP(),
    batch=_scatter_batch,
)


def scatter(operand: Any, updates: Any, *idx: Any, mode: str) -> Any:
    """A copy of ``operand`` with ``updates`` written at ``operand[idx]``; ``mode`` is "set",
    "add" (repeated indices accumulate), "mul", "min" or "max".

    Example: ``lax.scatter(jnp.zeros(3), 1.0, jnp.asarray([0, 0]), mode="add")``.
    """
    return scatter_p.bind(operand, updates, *idx, mode=mode)
