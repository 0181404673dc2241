"""Reductions: reduce_sum, reduce_prod, reduce_max, reduce_min, argmax, argmin, cumsum and
cumprod.

The products' derivatives never divide by the input: the derivative of ``prod(x)`` with respect
to ``x_i`` is the product of the other elements (exclusive cumulative products from both ends),
and cumprod's derivative rules follow its associative-scan formulation, which only multiplies.
So a zero input gives the right (finite) derivative to any order, as in JAX.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes
from ..array import Array
from ..core import ZERO_DERIVATIVE, Primitive, ShapedArray
from . import elementwise as E
from . import shape as S


def _check_axes(name: str, a: ShapedArray, axes: tuple) -> None:
    for ax in axes:
        if not 0 <= ax < a.ndim:
            raise ValueError(f"{name}: axis {ax} is out of range for an array of shape {a.shape}")


def _reduce_aval(name: str):
    def rule(a, axes):
        _check_axes(name, a, axes)
        shape = tuple(s for i, s in enumerate(a.shape) if i not in axes)
        return ShapedArray(shape, a.dtype)

    return rule


def _keepdims_broadcast(x_reduced: Any, full_shape: tuple, axes: tuple) -> Any:
    """Broadcast a reduced value back over the reduced ``axes`` of ``full_shape``."""
    kept = tuple(i for i in range(len(full_shape)) if i not in axes)
    return S.broadcast_in_dim(x_reduced, full_shape, kept)


def _batch_reduce(prim_name: str):
    def rule(vals, dims, *, axes):
        d = dims[0]
        new_axes = tuple(a if a < d else a + 1 for a in axes)
        out_dim = d - sum(1 for a in axes if a < d)
        return PRIMS[prim_name](vals[0], new_axes), out_dim

    return rule


def _emit_reduce(fn: str):
    def emit(n, p, a):
        return f"{n[0]}.{fn}(axis={p['axes']!r})"

    return emit


# ---- reduce_sum ----------------------------------------------------------------------------------

reduce_sum_p = Primitive(
    "reduce_sum",
    # dtype=x.dtype keeps int32 sums int32 (numpy would widen them to int64). Kernels call
    # array methods where they can: numpy's module-level wrappers cost microseconds each.
    kernel=lambda xp: lambda x, axes: x.sum(axis=axes, dtype=x.dtype),
    abstract_eval=_reduce_aval("reduce_sum"),
    jvp=(lambda t, out, x, axes: reduce_sum(t, axes),),
    vjp=(lambda ct, out, x, axes: _keepdims_broadcast(ct, S.shape_of(x), axes),),
    batch=_batch_reduce("reduce_sum"),
    emit=lambda n, p, a: (f"{n[0]}.sum(axis={p['axes']!r})" if a[0].dtype.kind in "fc"
                          else f"{n[0]}.sum(axis={p['axes']!r}, dtype=xp.{a[0].dtype.name})"),
)


# ---- reduce_max / reduce_min ---------------------------------------------------------------------


def _chooser_locations(x, out, axes):
    """Where x attains the extremum, as floats, and how many places do (for splitting ties)."""
    full = _keepdims_broadcast(out, S.shape_of(x), axes)
    loc = S.convert_element_type(E.eq(x, full), S.dtype_of(x))
    return loc, reduce_sum(loc, axes)


def _chooser_jvp(t, out, x, axes):
    # NOTE: ties share the derivative equally, as in JAX.
    loc, counts = _chooser_locations(x, out, axes)
    return E.div(reduce_sum(E.mul(t, loc), axes), counts)


def _chooser_vjp(ct, out, x, axes):
    loc, counts = _chooser_locations(x, out, axes)
    return E.mul(_keepdims_broadcast(E.div(ct, counts), S.shape_of(x), axes), loc)


reduce_max_p = Primitive(
    "reduce_max",
    kernel=lambda xp: lambda x, axes: x.max(axis=axes),
    abstract_eval=_reduce_aval("reduce_max"),
    jvp=(_chooser_jvp,),
    vjp=(_chooser_vjp,),
    batch=_batch_reduce("reduce_max"),
    emit=_emit_reduce("max"),
)
reduce_min_p = Primitive(
    "reduce_min",
    kernel=lambda xp: lambda x, axes: x.min(axis=axes),
    abstract_eval=_reduce_aval("reduce_min"),
    jvp=(_chooser_jvp,),
    vjp=(_chooser_vjp,),
    batch=_batch_reduce("reduce_min"),
    emit=_emit_reduce("min"),
)


# ---- argmax / argmin -----------------------------------------------------------------------------


def _arg_aval(name):
    def rule(a, axis, index_dtype):
        _check_axes(name, a, (axis,))
        return ShapedArray(a.shape[:axis] + a.shape[axis + 1 :], index_dtype)

    return rule


def _arg_batch(name):
    def rule(vals, dims, *, axis, index_dtype):
        d = dims[0]
        new_axis = axis if axis < d else axis + 1
        return PRIMS[name](vals[0], new_axis, index_dtype), d if axis >= d else d - 1

    return rule


argmax_p = Primitive(
    "argmax",
    kernel=lambda xp: lambda x, axis, index_dtype: x.argmax(axis=axis).astype(index_dtype),
    abstract_eval=_arg_aval("argmax"),
    jvp=ZERO_DERIVATIVE,
    vjp=ZERO_DERIVATIVE,
    batch=_arg_batch("argmax"),
)
argmin_p = Primitive(
    "argmin",
    kernel=lambda xp: lambda x, axis, index_dtype: x.argmin(axis=axis).astype(index_dtype),
    abstract_eval=_arg_aval("argmin"),
    jvp=ZERO_DERIVATIVE,
    vjp=ZERO_DERIVATIVE,
    batch=_arg_batch("argmin"),
)


# ---- cumsum --------------------------------------------------------------------------------------


def _cumsum_kernel(xp):
    def impl(x, axis, reverse):
        if reverse:
            return xp.flip(xp.cumsum(xp.flip(x, axis), axis=axis, dtype=x.dtype), axis)
        return xp.cumsum(x, axis=axis, dtype=x.dtype)

    return impl


def _cumsum_aval(a, axis, reverse):
    _check_axes("cumsum", a, (axis,))
    return a


cumsum_p = Primitive(
    "cumsum",
    kernel=_cumsum_kernel,
    abstract_eval=_cumsum_aval,
    jvp=(lambda t, out, x, axis, reverse: cumsum(t, axis, reverse),),
    vjp=(lambda ct, out, x, axis, reverse: cumsum(ct, axis, not reverse),),
    batch=lambda v, d, axis, reverse: (
        cumsum(v[0], axis if axis < d[0] else axis + 1, reverse), d[0]),
)


# ---- reduce_prod and cumprod --------------------------------------------------------------------


def _shift(x: Any, axis: int, s: int, fill: float, forward: bool) -> Any:
    """``x`` moved ``s`` places along ``axis`` (towards the end if ``forward``), filled with
    ``fill``: forward, ``out[k] = x[k - s]``; backward, ``out[k] = x[k + s]``."""
    shape = S.shape_of(x)
    n = shape[axis]
    if s >= n:
        return S.broadcast_in_dim(Array(np.asarray(fill, S.dtype_of(x))), shape, ())
    lo = [0] * len(shape)
    hi = list(shape)
    if forward:
        hi[axis] = n - s
    else:
        lo[axis] = s
    body = S.slice_(x, tuple(lo), tuple(hi))
    config = [(0, 0, 0)] * len(shape)
    config[axis] = (s, 0, 0) if forward else (0, s, 0)
    return S.pad(body, fill, tuple(config))


def _scan_levels(x: Any, axis: int) -> list:
    """The levels of the Hillis-Steele scan for a cumulative product along ``axis``:
    ``(y, shifted y, s)`` with ``y_next = y * shifted y``."""
    levels, y, s, n = [], x, 1, S.shape_of(x)[axis]
    while s < n:
        ys = _shift(y, axis, s, 1.0, forward=True)
        levels.append((y, ys, s))
        y = E.mul(y, ys)
        s *= 2
    return levels


def _cumprod_jvp(t, out, x, *, axis, reverse):
    if reverse:
        x, t = S.rev(x, (axis,)), S.rev(t, (axis,))
    for y, ys, s in _scan_levels(x, axis):  # the product rule at each level of the scan
        t = E.add(E.mul(t, ys), E.mul(y, _shift(t, axis, s, 0.0, forward=True)))
    return S.rev(t, (axis,)) if reverse else t


def _cumprod_vjp(ct, out, x, *, axis, reverse):
    if reverse:
        x, ct = S.rev(x, (axis,)), S.rev(ct, (axis,))
    for y, ys, s in reversed(_scan_levels(x, axis)):  # the transpose of each level, in reverse
        ct = E.add(E.mul(ct, ys), _shift(E.mul(ct, y), axis, s, 0.0, forward=False))
    return S.rev(ct, (axis,)) if reverse else ct


def _cumprod_kernel(xp):
    def impl(x, axis, reverse):
        if reverse:
            return xp.flip(xp.cumprod(xp.flip(x, axis), axis=axis, dtype=x.dtype), axis)
        return xp.cumprod(x, axis=axis, dtype=x.dtype)

    return impl


def _cumprod_aval(a, axis, reverse):
    _check_axes("cumprod", a, (axis,))
    return a


cumprod_p = Primitive(
    "cumprod",
    kernel=_cumprod_kernel,
    abstract_eval=_cumprod_aval,
    jvp=(_cumprod_jvp,),
    vjp=(_cumprod_vjp,),
    batch=lambda v, d, axis, reverse: (
        cumprod(v[0], axis if axis < d[0] else axis + 1, reverse), d[0]),
)


def _product_of_others(x: Any, axes: tuple) -> Any:
    """``g`` with ``g[i] = prod(x[j] for j != i)`` over the reduced ``axes`` (no division)."""
    shape = S.shape_of(x)
    kept = tuple(i for i in range(len(shape)) if i not in axes)
    perm = kept + tuple(axes)
    n = int(np.prod([shape[a] for a in axes], dtype=np.int64))
    flat = S.reshape(S.transpose(x, perm), tuple(shape[i] for i in kept) + (n,))
    last = len(kept)
    left = cumprod(_shift(flat, last, 1, 1.0, forward=True), last)
    right = cumprod(_shift(flat, last, 1, 1.0, forward=False), last, reverse=True)
    g = S.reshape(E.mul(left, right), tuple(shape[i] for i in perm))
    return S.transpose(g, S.inverse_permutation(perm))


def _reduce_prod_jvp(t, out, x, *, axes):
    if not axes:
        return t
    return reduce_sum(E.mul(t, _product_of_others(x, axes)), axes)


def _reduce_prod_vjp(ct, out, x, *, axes):
    if not axes:
        return ct
    return E.mul(_keepdims_broadcast(ct, S.shape_of(x), axes), _product_of_others(x, axes))


reduce_prod_p = Primitive(
    "reduce_prod",
    kernel=lambda xp: lambda x, axes: x.prod(axis=axes, dtype=x.dtype),
    abstract_eval=_reduce_aval("reduce_prod"),
    jvp=(_reduce_prod_jvp,),
    vjp=(_reduce_prod_vjp,),
    batch=_batch_reduce("reduce_prod"),
    emit=lambda n, p, a: f"{n[0]}.prod(axis={p['axes']!r}, dtype=xp.{a[0].dtype.name})",
)


# ---- bound functions -----------------------------------------------------------------------------


def reduce_sum(x: Any, axes: tuple) -> Any:
    """Sum over ``axes`` (a tuple of ints). Example: ``lax.reduce_sum(x, (0,))``."""
    return reduce_sum_p.bind(x, axes=tuple(axes))


def reduce_prod(x: Any, axes: tuple) -> Any:
    """Product over ``axes``; its derivative needs no division, so zeros are fine.

    Example: ``lax.reduce_prod(x, (0,))``.
    """
    return reduce_prod_p.bind(x, axes=tuple(axes))


def reduce_max(x: Any, axes: tuple) -> Any:
    """Maximum over ``axes``; ties share the derivative. Example: ``lax.reduce_max(x, (1,))``."""
    return reduce_max_p.bind(x, axes=tuple(axes))


def reduce_min(x: Any, axes: tuple) -> Any:
    """Minimum over ``axes``; ties share the derivative. Example: ``lax.reduce_min(x, (1,))``."""
    return reduce_min_p.bind(x, axes=tuple(axes))


def argmax(x: Any, axis: int, index_dtype: Any = None) -> Any:
    """Index of the maximum along ``axis``. Example: ``lax.argmax(x, 0, jnp.int32)``."""
    return argmax_p.bind(x, axis=int(axis), index_dtype=np.dtype(index_dtype or
                                                                  dtypes.default_int))


def argmin(x: Any, axis: int, index_dtype: Any = None) -> Any:
    """Index of the minimum along ``axis``. Example: ``lax.argmin(x, 0, jnp.int32)``."""
    return argmin_p.bind(x, axis=int(axis), index_dtype=np.dtype(index_dtype or
                                                                  dtypes.default_int))


def cumsum(x: Any, axis: int, reverse: bool = False) -> Any:
    """Cumulative sum along ``axis`` (from the end if ``reverse``).

    Example: ``lax.cumsum(x, 0)``.
    """
    return cumsum_p.bind(x, axis=int(axis), reverse=bool(reverse))


def cumprod(x: Any, axis: int, reverse: bool = False) -> Any:
    """Cumulative product along ``axis`` (from the end if ``reverse``).

    Example: ``lax.cumprod(x, 0)``.
    """
    return cumprod_p.bind(x, axis=int(axis), reverse=bool(reverse))


PRIMS = {
    "reduce_sum": reduce_sum,
    "reduce_prod": reduce_prod,
    "reduce_max": reduce_max,
    "reduce_min": reduce_min,
    "argmax": argmax,
    "argmin": argmin,
}
