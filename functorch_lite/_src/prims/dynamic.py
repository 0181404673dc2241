"""dynamic_slice and dynamic_update_slice: slices whose start positions are (traced) integers.

Start indices follow JAX. The public functions first count a negative start from the end of
its axis (``s + dim``, as Python indexing does; ``allow_negative_indices=False`` skips this), and
the primitives then clamp each start to ``clip(s, 0, dim - size)``, so the slice always lies
inside the operand (an out-of-range start never raises). This is the same eagerly, under jit and
under every transformation. Start indices are scalar integers, one per operand axis, passed as
operands so they can be traced (a loop counter inside ``fori_loop``, say).

The primitives themselves only clamp (XLA's semantics): their own rules pass already-normalised
starts back to them (``_slice``/``_update_slice``), since normalising twice would move a start
that is still negative after the first pass.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import dtypes
from ..array import Array
from ..core import Primitive, ShapedArray, get_aval
from . import elementwise as E
from . import shape as S
from .indexing import gather, scatter


def _clamped_starts(shape: tuple, sizes: tuple, starts: tuple) -> tuple:
    return tuple(min(max(int(s), 0), d - n) for s, d, n in zip(starts, shape, sizes))


def _check_starts(name: str, operand: ShapedArray, starts: tuple) -> None:
    if len(starts) != operand.ndim:
        raise TypeError(
            f"{name}: got {len(starts)} start indices for an operand of rank {operand.ndim} "
            f"(shape {operand.shape}); pass one scalar start index per axis"
        )
    for k, s in enumerate(starts):
        if s.shape != () or s.dtype.kind not in "iu":
            raise TypeError(
                f"{name}: start index {k} must be a scalar integer, got "
                f"{s.dtype}{list(s.shape)}"
            )


# ---- dynamic_slice -------------------------------------------------------------------------------


def _dynamic_slice_kernel(xp):
    def impl(x, *starts, slice_sizes):
        begin = _clamped_starts(x.shape, slice_sizes, starts)
        return x[tuple(slice(b, b + n) for b, n in zip(begin, slice_sizes))]

    return impl


def _dynamic_slice_aval(x, *starts, slice_sizes):
    _check_starts("dynamic_slice", x, starts)
    if len(slice_sizes) != x.ndim or any(not 0 <= n <= d for n, d in zip(slice_sizes, x.shape)):
        raise TypeError(
            f"dynamic_slice: slice_sizes={tuple(slice_sizes)} must give one size per axis, "
            f"each between 0 and the operand's size along it (shape {x.shape})"
        )
    return ShapedArray(tuple(slice_sizes), x.dtype)


def _batched_window_index(starts: list, dims: list, size: int, shape: tuple,
                          sizes: tuple) -> list:
    """Index arrays (batch first) selecting, per example, the clamped window of ``sizes`` at
    ``starts`` inside an operand of per-example ``shape``: for gather/scatter."""
    rank = len(shape)
    idx = [Array(np.arange(size).reshape((size,) + (1,) * rank))]
    for k, (s, d) in enumerate(zip(starts, dims)):
        s = S.convert_element_type(s, np.int64)
        s = E.min_(E.max_(s, 0), shape[k] - sizes[k])
        s = S.reshape(s, (size,) + (1,) * rank) if d is not None else s
        ramp = np.arange(sizes[k]).reshape((1,) * (k + 1) + (sizes[k],) + (1,) * (rank - k - 1))
        idx.append(E.add(s, Array(ramp)))
    return idx


def _dynamic_slice_batch(vals, dims, *, slice_sizes):
    size = S.batch_size(vals, dims)
    x, starts = vals[0], list(vals[1:])
    if all(d is None for d in dims[1:]):  # only the operand is batched: slice it whole
        d = dims[0]
        starts.insert(d, 0)
        sizes = list(slice_sizes)
        sizes.insert(d, size)
        return _slice(x, starts, tuple(sizes)), d
    x = S.bdim_to_front(x, dims[0], size)
    shape = S.shape_of(x)[1:]
    return gather(x, *_batched_window_index(starts, dims[1:], size, shape, slice_sizes)), 0


def _dynamic_slice_vjp(ct, out, x, *starts, slice_sizes):
    return _update_slice(S.zeros_like_value(x), ct, starts)


class _OperandOnly:
    def __init__(self, rule):
        self.rule = rule

    def __getitem__(self, i):
        return self.rule if i == 0 else None


dynamic_slice_p = Primitive(
    "dynamic_slice",
    kernel=_dynamic_slice_kernel,
    abstract_eval=_dynamic_slice_aval,
    jvp=_OperandOnly(lambda t, out, x, *starts, slice_sizes: _slice(t, starts, slice_sizes)),
    vjp=_OperandOnly(_dynamic_slice_vjp),
    batch=_dynamic_slice_batch,
)


def _index_operands(name: str, operand: Any, start_indices: Any,
                   allow_negative_indices: bool | Sequence[bool]) -> list:
    """The start indices as integer scalars, a negative one counted from the end of its axis
    (where allowed), as JAX's wrappers do before the (clamping) primitive."""
    from ..numpy._convert import asarray

    starts = list(start_indices)
    shape = S.shape_of(operand)
    allow = ([bool(allow_negative_indices)] * len(starts)
             if isinstance(allow_negative_indices, (bool, np.bool_))
             else [bool(a) for a in allow_negative_indices])
    if len(allow) != len(starts):
        raise ValueError(f"{name}: allow_negative_indices has {len(allow)} entries for "
                         f"{len(starts)} start indices; pass a bool or one per index")
    out = []
    for k, s in enumerate(starts):
        concrete = isinstance(s, (int, np.integer)) and not isinstance(s, bool)
        if concrete and allow[k] and s < 0 and k < len(shape):
            s = type(s)(s + shape[k])  # a Python start: counted from the end right away
        s = asarray(s)
        if s.dtype.kind not in "iu":
            raise TypeError(f"{name}: start indices must be integers, got dtype {s.dtype} for "
                            f"index {k}")
        if not concrete and allow[k] and s.dtype.kind == "i" and k < len(shape) \
                and s.shape == ():
            if shape[k] > np.iinfo(s.dtype).max:  # (an int8 start on a long axis)
                s = S.convert_element_type(s, np.dtype(np.int64))
            # s + dim where s < 0 (in the index's dtype, as JAX); a select, so it can be traced
            s = E.select(E.lt(s, s.dtype.type(0)), E.add(s, s.dtype.type(shape[k])), s)
        out.append(s)
    return out


def _slice(x: Any, starts: Any, slice_sizes: tuple) -> Any:
    """The primitive itself: starts are clamped, never counted from the end."""
    return dynamic_slice_p.bind(x, *starts, slice_sizes=tuple(slice_sizes))


def dynamic_slice(operand: Any, start_indices: Any, slice_sizes: Any, *,
                  allow_negative_indices: bool | Sequence[bool] = True) -> Any:
    """The slice of ``operand`` of shape ``slice_sizes`` starting at ``start_indices`` (one
    scalar integer, possibly traced, per axis). As in JAX, a negative start counts from the end
    of its axis (unless ``allow_negative_indices=False``), and starts are then clamped so the
    slice fits.

    Example:
        >>> lax.dynamic_slice(jnp.arange(5), (3,), (2,))
        Array([3, 4], dtype=int32)
        >>> lax.dynamic_slice(jnp.arange(5), (4,), (2,))   # clamped to start 3
        Array([3, 4], dtype=int32)
        >>> lax.dynamic_slice(jnp.arange(5), (-2,), (2,))  # counted from the end: start 3
        Array([3, 4], dtype=int32)
    """
    from ..numpy._convert import asarray

    x = asarray(operand)
    starts = _index_operands("dynamic_slice", x, start_indices, allow_negative_indices)
    sizes = tuple(int(n) for n in slice_sizes)
    # (checked here too: an eager bind runs the kernel without the shape rule)
    _dynamic_slice_aval(get_aval(x), *map(get_aval, starts), slice_sizes=sizes)
    return _slice(x, starts, sizes)


# ---- dynamic_update_slice ------------------------------------------------------------------------


def _dynamic_update_slice_kernel(xp):
    def impl(x, update, *starts):
        begin = _clamped_starts(x.shape, update.shape, starts)
        out = x.copy()
        out[tuple(slice(b, b + n) for b, n in zip(begin, update.shape))] = update
        return out

    return impl


def _dynamic_update_slice_aval(x, update, *starts):
    _check_starts("dynamic_update_slice", x, starts)
    if update.ndim != x.ndim or any(n > d for n, d in zip(update.shape, x.shape)):
        raise TypeError(
            f"dynamic_update_slice: the update of shape {update.shape} must have the operand's "
            f"rank and fit inside it (operand shape {x.shape})"
        )
    if update.dtype != x.dtype:
        raise TypeError(
            f"dynamic_update_slice: the update's dtype {update.dtype} differs from the "
            f"operand's {x.dtype}; convert it with .astype({x.dtype.name!r})"
        )
    return ShapedArray(x.shape, x.dtype)


def _dus_jvp(primals, tangents, out, **_):
    x, update, *starts = primals
    t_x, t_u = tangents[0], tangents[1]
    if t_x is None and t_u is None:
        return None
    t_x = S.zeros_like_value(x) if t_x is None else t_x
    t_u = S.zeros_like_value(update) if t_u is None else t_u
    return _update_slice(t_x, t_u, starts)


def _dus_vjp_operand(ct, out, x, update, *starts):
    return _update_slice(ct, S.zeros_like_value(update), starts)


def _dus_vjp_update(ct, out, x, update, *starts):
    return _slice(ct, starts, S.shape_of(update))


class _DUSVJP:
    def __getitem__(self, i):
        return (_dus_vjp_operand, _dus_vjp_update)[i] if i < 2 else None


def _dus_batch(vals, dims):
    size = S.batch_size(vals, dims)
    x = S.bdim_to_front(vals[0], dims[0], size)
    update = S.bdim_to_front(vals[1], dims[1], size)
    starts = list(vals[2:])
    if all(d is None for d in dims[2:]):
        return _update_slice(x, update, [0] + starts), 0
    shape = S.shape_of(x)[1:]
    idx = _batched_window_index(starts, dims[2:], size, shape, S.shape_of(update)[1:])
    return scatter(x, update, *idx, mode="set"), 0


dynamic_update_slice_p = Primitive(
    "dynamic_update_slice",
    kernel=_dynamic_update_slice_kernel,
    abstract_eval=_dynamic_update_slice_aval,
    jvp_full=_dus_jvp,
    vjp=_DUSVJP(),
    batch=_dus_batch,
)


def _update_slice(x: Any, update: Any, starts: Any) -> Any:
    """The primitive itself: starts are clamped, never counted from the end."""
    return dynamic_update_slice_p.bind(x, update, *starts)


def dynamic_update_slice(operand: Any, update: Any, start_indices: Any, *,
                         allow_negative_indices: bool | Sequence[bool] = True) -> Any:
    """A copy of ``operand`` with ``update`` written at ``start_indices``. As in JAX, a negative
    start counts from the end of its axis (unless ``allow_negative_indices=False``), and starts
    are then clamped so the update fits.

    Example:
        >>> lax.dynamic_update_slice(jnp.zeros(4), jnp.ones(2), (3,))   # clamped to start 2
        Array([0., 0., 1., 1.], dtype=float32)
    """
    from ..numpy._convert import asarray

    x = asarray(operand)
    # (a Python scalar update takes the operand's dtype, as a weak value does in JAX)
    u = asarray(update, x.dtype) if dtypes.is_python_scalar(update) else asarray(update)
    starts = _index_operands("dynamic_update_slice", x, start_indices, allow_negative_indices)
    # (checked here too: an eager bind runs the kernel without the shape rule)
    _dynamic_update_slice_aval(get_aval(x), get_aval(u), *map(get_aval, starts))
    return _update_slice(x, u, starts)
