"""Shape primitives: broadcast_in_dim, reshape, transpose, slice, pad, concatenate, rev and
convert_element_type; plus the helpers every rule uses (``shape_of``, ``unbroadcast``,
``moveaxis`` ...). squeeze and expand_dims are reshapes.
"""
from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from .. import dtypes
from ..core import ZERO_DERIVATIVE, Primitive, ShapedArray, get_aval

# ---- helpers -------------------------------------------------------------------------------------


def shape_of(x: Any) -> tuple[int, ...]:
    s = getattr(x, "shape", None)
    return tuple(s) if s is not None else ()


def dtype_of(x: Any) -> np.dtype:
    return dtypes.dtype_of(x)


def ndim_of(x: Any) -> int:
    return len(shape_of(x))


def unbroadcast(ct: Any, shape: tuple[int, ...]) -> Any:
    """Sum ``ct`` over the axes that broadcasting added or stretched, down to ``shape``."""
    ct_shape = ct.shape
    if ct_shape == shape:
        return ct
    axes, reshape_after = _unbroadcast_plan(tuple(ct_shape), tuple(shape))
    if axes:
        ct = _reduce.reduce_sum(ct, axes)
    if reshape_after:
        ct = reshape(ct, tuple(shape))
    return ct


@functools.lru_cache(maxsize=4096)
def _unbroadcast_plan(ct_shape: tuple, shape: tuple) -> tuple[tuple[int, ...], bool]:
    lead = len(ct_shape) - len(shape)
    stretched = tuple(lead + i for i, s in enumerate(shape) if s == 1 and ct_shape[lead + i] != 1)
    axes = tuple(range(lead)) + stretched
    kept = tuple(s for i, s in enumerate(ct_shape) if i not in axes)
    return axes, kept != shape


def broadcast_to(x: Any, shape: tuple[int, ...]) -> Any:
    """numpy-style broadcast_to (leading axes added) via broadcast_in_dim."""
    xs = shape_of(x)
    if xs == tuple(shape):
        return x
    lead = len(shape) - len(xs)
    return broadcast_in_dim(x, tuple(shape), tuple(range(lead, len(shape))))


def inverse_permutation(perm: Any) -> tuple[int, ...]:
    """The permutation that undoes ``perm`` (a pure-Python argsort: numpy's costs µs)."""
    return tuple(sorted(range(len(perm)), key=perm.__getitem__))


def moveaxis(x: Any, src: int, dst: int) -> Any:
    n = ndim_of(x)
    src, dst = src % n, dst % n
    if src == dst:
        return x
    perm = [i for i in range(n) if i != src]
    perm.insert(dst, src)
    return transpose(x, tuple(perm))


def broadcast_batch(x: Any, size: int, axis: int) -> Any:
    """Give an unbatched value a batch axis of ``size`` at ``axis`` (vmap's out_axes)."""
    xs = shape_of(x)
    axis = axis % (len(xs) + 1)
    out_shape = xs[:axis] + (size,) + xs[axis:]
    dims = tuple(i for i in range(len(out_shape)) if i != axis)
    return broadcast_in_dim(x, out_shape, dims)


def bdim_to_front(x: Any, d: int | None, size: int) -> Any:
    """Move batch axis ``d`` to the front; an unbatched ``x`` is broadcast to ``size``."""
    if d is None:
        return broadcast_batch(x, size, 0)
    return moveaxis(x, d, 0)


def batch_size(vals: list, dims: list) -> int:
    for v, d in zip(vals, dims):
        if d is not None:
            return shape_of(v)[d]
    raise ValueError("no batched argument")


def zeros_like_value(x: Any) -> Any:
    from ..array import Array

    aval = get_aval(x)
    return Array(np.zeros(aval.shape, aval.dtype))


# ---- convert_element_type ------------------------------------------------------------------------


def _convert_vjp(ct, out, x, *, new_dtype):
    if dtypes.is_float(dtype_of(x)) and dtypes.is_float(new_dtype):
        return convert_element_type(ct, dtype_of(x))
    return None


def _convert_jvp(t, out, x, *, new_dtype):
    if dtypes.is_float(dtype_of(x)) and dtypes.is_float(new_dtype):
        return convert_element_type(t, new_dtype)
    return None


convert_element_type_p = Primitive(
    "convert_element_type",
    kernel=lambda xp: lambda x, new_dtype: x.astype(new_dtype),
    abstract_eval=lambda a, new_dtype: ShapedArray(a.shape, new_dtype),
    jvp=(_convert_jvp,),
    vjp=(_convert_vjp,),
    batch=lambda v, d, new_dtype: (convert_element_type(v[0], new_dtype), d[0]),
    emit=lambda n, p, a: f"{n[0]}.astype(xp.{p['new_dtype'].name})",
)


def convert_element_type(x: Any, new_dtype: Any) -> Any:
    """``x`` converted to ``new_dtype``. Example: ``lax.convert_element_type(x, jnp.float64)``."""
    new_dtype = np.dtype(new_dtype)
    if dtype_of(x) == new_dtype and not dtypes.is_python_scalar(x):
        return x
    return convert_element_type_p.bind(x, new_dtype=new_dtype)


# ---- broadcast_in_dim ----------------------------------------------------------------------------


def _broadcast_in_dim_kernel(xp):
    def impl(x, shape, broadcast_dimensions):
        xs = np.shape(x)
        expanded = [1] * len(shape)
        for src, dst in enumerate(broadcast_dimensions):
            expanded[dst] = xs[src]
        x = x.reshape(expanded)
        # Small outputs are filled outright: numpy's broadcast_to costs ~4 µs of Python, more
        # than writing a few thousand elements. Large ones stay zero-copy views.
        if math.prod(shape) <= 4096:
            out = xp.empty(shape, x.dtype)
            out[...] = x
            return out
        return xp.broadcast_to(x, shape)

    return impl


def _check_increasing(shape: tuple, broadcast_dimensions: tuple) -> None:
    # The kernel reshapes, which cannot reorder axes: out-of-order dimensions would silently
    # mix elements up instead of transposing.
    dims = broadcast_dimensions
    if any(d >= e for d, e in zip(dims, dims[1:])) or any(not 0 <= d < len(shape) for d in dims):
        raise ValueError(
            f"broadcast_in_dim: broadcast_dimensions={tuple(dims)} must be strictly increasing "
            f"axes of the output shape {tuple(shape)}; transpose the operand first to reorder "
            "its axes"
        )


def _broadcast_in_dim_aval(a, shape, broadcast_dimensions):
    _check_increasing(shape, broadcast_dimensions)
    ok = len(broadcast_dimensions) == a.ndim and all(
        a.shape[i] in (1, shape[d]) for i, d in enumerate(broadcast_dimensions)
    )
    if not ok:
        raise ValueError(
            f"broadcast_in_dim: cannot broadcast shape {a.shape} to {tuple(shape)} with "
            f"broadcast_dimensions={tuple(broadcast_dimensions)}"
        )
    return ShapedArray(shape, a.dtype)


def _broadcast_in_dim_vjp(ct, out, x, *, shape, broadcast_dimensions):
    xs = shape_of(x)
    dims = set(broadcast_dimensions)
    sum_axes = [i for i in range(len(shape)) if i not in dims]
    sum_axes += [d for i, d in enumerate(broadcast_dimensions) if xs[i] == 1 and shape[d] != 1]
    ct = _reduce.reduce_sum(ct, tuple(sorted(sum_axes))) if sum_axes else ct
    return reshape(ct, xs) if shape_of(ct) != xs else ct


def _broadcast_in_dim_batch(vals, dims, *, shape, broadcast_dimensions):
    x = moveaxis(vals[0], dims[0], 0)
    size = shape_of(x)[0]
    return (
        broadcast_in_dim(x, (size,) + tuple(shape), (0,) + tuple(d + 1 for d in
                                                                  broadcast_dimensions)),
        0,
    )


broadcast_in_dim_p = Primitive(
    "broadcast_in_dim",
    kernel=_broadcast_in_dim_kernel,
    abstract_eval=_broadcast_in_dim_aval,
    jvp=(lambda t, out, x, **p: broadcast_in_dim(t, **p),),
    vjp=(_broadcast_in_dim_vjp,),
    batch=_broadcast_in_dim_batch,
    emit=lambda n, p, a: "xp.broadcast_to({}.reshape({!r}), {!r})".format(
        n[0], _expanded_shape(a[0].shape, p["shape"], p["broadcast_dimensions"]), p["shape"])
    if math.prod(p["shape"]) > 4096 else None,
)


def _expanded_shape(xs: tuple, shape: tuple, broadcast_dimensions: tuple) -> tuple:
    expanded = [1] * len(shape)
    for src, dst in enumerate(broadcast_dimensions):
        expanded[dst] = xs[src]
    return tuple(expanded)


def broadcast_in_dim(x: Any, shape: tuple, broadcast_dimensions: tuple) -> Any:
    """Broadcast ``x`` to ``shape``; axis i of x becomes axis ``broadcast_dimensions[i]``.

    Example: ``lax.broadcast_in_dim(jnp.ones(3), (2, 3), (1,))`` has shape (2, 3).
    """
    # (No dimension-order check here: internal callers always pass increasing dimensions and
    # this is on every reduction's VJP; lax.broadcast_in_dim and the shape rule check.)
    return broadcast_in_dim_p.bind(
        x, shape=tuple(shape), broadcast_dimensions=tuple(broadcast_dimensions)
    )


# ---- reshape -------------------------------------------------------------------------------------


def _reshape_aval(a, new_sizes):
    size = math.prod(new_sizes)
    if size != a.size:
        raise ValueError(
            f"reshape: cannot reshape an array of shape {a.shape} ({a.size} elements) into "
            f"shape {tuple(new_sizes)} ({size} elements)"
        )
    return ShapedArray(new_sizes, a.dtype)


reshape_p = Primitive(
    "reshape",
    kernel=lambda xp: lambda x, new_sizes: x.reshape(new_sizes),
    abstract_eval=_reshape_aval,
    jvp=(lambda t, out, x, new_sizes: reshape(t, new_sizes),),
    vjp=(lambda ct, out, x, new_sizes: reshape(ct, shape_of(x)),),
    batch=lambda v, d, new_sizes: (
        reshape(moveaxis(v[0], d[0], 0), (shape_of(v[0])[d[0]],) + tuple(new_sizes)), 0),
    emit=lambda n, p, a: f"{n[0]}.reshape({p['new_sizes']!r})",
)


def reshape(x: Any, new_sizes: tuple) -> Any:
    """``x`` with shape ``new_sizes`` (same size, C order). Example: ``lax.reshape(x, (2, 3))``."""
    new_sizes = tuple(int(s) for s in new_sizes)
    if shape_of(x) == new_sizes and not dtypes.is_python_scalar(x):
        return x
    return reshape_p.bind(x, new_sizes=new_sizes)


# ---- transpose -----------------------------------------------------------------------------------


def _transpose_aval(a, permutation):
    if sorted(permutation) != list(range(a.ndim)):
        raise ValueError(
            f"transpose: permutation {tuple(permutation)} is not a permutation of the "
            f"{a.ndim} axes of an array of shape {a.shape}"
        )
    return ShapedArray(tuple(a.shape[p] for p in permutation), a.dtype)


def _transpose_batch(vals, dims, *, permutation):
    d = dims[0]
    # Keep the batch axis where it is; renumber the others around it.
    full = [p if p < d else p + 1 for p in permutation]
    full.insert(d, d)
    return transpose(vals[0], tuple(full)), d


transpose_p = Primitive(
    "transpose",
    kernel=lambda xp: lambda x, permutation: x.transpose(permutation),
    abstract_eval=_transpose_aval,
    jvp=(lambda t, out, x, permutation: transpose(t, permutation),),
    vjp=(lambda ct, out, x, permutation: transpose(ct, inverse_permutation(permutation)),),
    batch=_transpose_batch,
    emit=lambda n, p, a: f"{n[0]}.transpose({p['permutation']!r})",
)


def transpose(x: Any, permutation: tuple) -> Any:
    """Permute the axes of ``x``. Example: ``lax.transpose(x, (1, 0))``."""
    permutation = tuple(int(p) for p in permutation)
    if permutation == tuple(range(len(permutation))):
        return x
    return transpose_p.bind(x, permutation=permutation)


# ---- slice and pad -------------------------------------------------------------------------------


def _slice_kernel(xp):
    def impl(x, start_indices, limit_indices, strides):
        return x[tuple(slice(s, l, st) for s, l, st in zip(start_indices, limit_indices,
                                                         strides))]

    return impl


def _slice_aval(a, start_indices, limit_indices, strides):
    shape = []
    for size, s, l, st in zip(a.shape, start_indices, limit_indices, strides):
        if not (0 <= s <= l <= size) or st < 1:
            raise IndexError(
                f"slice: start {tuple(start_indices)} / limit {tuple(limit_indices)} / strides "
                f"{tuple(strides)} are out of range for shape {a.shape}"
            )
        shape.append(max(0, -(-(l - s) // st)))
    return ShapedArray(tuple(shape), a.dtype)


def _slice_vjp(ct, out, x, *, start_indices, limit_indices, strides):
    xs = shape_of(x)
    out_shape = shape_of(out)
    config = []
    for size, s, st, n in zip(xs, start_indices, strides, out_shape):
        used = s + (n - 1) * st + 1 if n > 0 else s
        config.append((s, size - used, st - 1 if n > 1 else 0))
    return pad(ct, 0.0 if dtype_of(ct).kind in "fc" else 0, tuple(config))


def _slice_batch(vals, dims, *, start_indices, limit_indices, strides):
    d = dims[0]
    size = shape_of(vals[0])[d]
    start, limit, stride = list(start_indices), list(limit_indices), list(strides)
    start.insert(d, 0)
    limit.insert(d, size)
    stride.insert(d, 1)
    return slice_(vals[0], tuple(start), tuple(limit), tuple(stride)), d


def _slice_emit(n, p, a):
    parts = []
    for s, l, st, size in zip(p["start_indices"], p["limit_indices"], p["strides"], a[0].shape):
        text = (f"{s}" if s else "") + ":" + (f"{l}" if l != size else "")
        parts.append(text + (f":{st}" if st != 1 else ""))
    if not parts:  # a 0-d operand: the slice is the identity (and `x[]` is not Python)
        return n[0]
    return f"{n[0]}[{', '.join(parts)}{',' if len(parts) == 1 else ''}]"


slice_p = Primitive(
    "slice",
    kernel=_slice_kernel,
    abstract_eval=_slice_aval,
    jvp=(lambda t, out, x, **p: slice_(t, **p),),
    vjp=(_slice_vjp,),
    batch=_slice_batch,
    emit=_slice_emit,
)


def slice_(x: Any, start_indices: tuple, limit_indices: tuple, strides: tuple | None = None):
    """The static slice ``x[start:limit:stride]`` per axis. Example: ``lax.slice(x, (1,),
    (3,))``.
    """
    if strides is None:
        strides = (1,) * len(start_indices)
    return slice_p.bind(
        x, start_indices=tuple(start_indices), limit_indices=tuple(limit_indices),
        strides=tuple(strides),
    )


def _pad_kernel(xp):
    def impl(x, padding_value, padding_config):
        out_shape = []
        index = []
        for size, (lo, hi, interior) in zip(np.shape(x), padding_config):
            out_shape.append(lo + hi + size + max(size - 1, 0) * interior)
            index.append(slice(lo, lo + size + max(size - 1, 0) * interior, interior + 1))
        out = xp.full(out_shape, padding_value, dtype=x.dtype)
        out[tuple(index)] = x
        return out

    return impl


def _pad_aval(a, v, padding_config):
    if any(lo < 0 or hi < 0 or it < 0 for lo, hi, it in padding_config):
        raise ValueError(f"pad: negative padding {padding_config} is not supported")
    shape = tuple(lo + hi + s + max(s - 1, 0) * it for s, (lo, hi, it) in zip(a.shape,
                                                                             padding_config))
    return ShapedArray(shape, a.dtype)


def _pad_vjp_x(ct, out, x, v, *, padding_config):
    xs = shape_of(x)
    start = [lo for lo, _, _ in padding_config]
    stride = [it + 1 for _, _, it in padding_config]
    limit = [lo + s + max(s - 1, 0) * it for s, (lo, _, it) in zip(xs, padding_config)]
    return slice_(ct, tuple(start), tuple(limit), tuple(stride))


def _pad_vjp_v(ct, out, x, v, *, padding_config):
    from .elementwise import sub
    from .reduce import reduce_sum

    every = tuple(range(ndim_of(ct)))
    inner = _pad_vjp_x(ct, out, x, v, padding_config=padding_config)
    return sub(reduce_sum(ct, every), reduce_sum(inner, every))


def _pad_jvp(primals, tangents, out, *, padding_config):
    t_x, t_v = tangents
    x, v = primals
    if t_x is None and t_v is None:
        return None
    if t_x is None:
        t_x = zeros_like_value(x)
    if t_v is None:
        t_v = 0.0
    return pad(t_x, t_v, padding_config)


def _pad_batch(vals, dims, *, padding_config):
    x, v = vals
    if dims[1] is None:
        cfg = list(padding_config)
        cfg.insert(dims[0], (0, 0, 0))
        return pad(x, v, tuple(cfg)), dims[0]
    # One padding value per example: pad with zeros, then select the values where a constant
    # mask (x's own positions, padded with False) says "padding".
    from ..array import Array
    from .elementwise import select

    size = batch_size(vals, dims)
    x = bdim_to_front(x, dims[0], size)
    inside = pad(Array(np.ones(shape_of(x)[1:], np.bool_)), False, padding_config)
    padded = pad(x, 0, ((0, 0, 0),) + tuple(padding_config))
    v = reshape(moveaxis(v, dims[1], 0), (size,) + (1,) * ndim_of(inside))
    return select(inside, padded, v), 0


pad_p = Primitive(
    "pad",
    kernel=_pad_kernel,
    abstract_eval=_pad_aval,
    jvp_full=_pad_jvp,
    vjp=(_pad_vjp_x, _pad_vjp_v),
    batch=_pad_batch,
)


def pad(x: Any, padding_value: Any, padding_config: tuple) -> Any:
    """Pad each axis by ``(low, high, interior)`` with ``padding_value``.

    Example: ``lax.pad(jnp.ones(2), 0.0, ((1, 1, 1),))`` is ``[0, 1, 0, 1, 0]``.
    """
    return pad_p.bind(x, padding_value, padding_config=tuple(tuple(c) for c in padding_config))


# ---- concatenate ---------------------------------------------------------------------------------


def _concatenate_aval(*avals, dimension):
    first = avals[0]
    for a in avals[1:]:
        same = a.ndim == first.ndim and all(
            s == t for i, (s, t) in enumerate(zip(a.shape, first.shape)) if i != dimension
        )
        if not same or a.dtype != first.dtype:
            listed = ", ".join(x.str_short() for x in avals)
            raise TypeError(
                f"concatenate along axis {dimension}: arrays must have the same dtype and the "
                f"same shape except along that axis, got {listed}"
            )
    size = sum(a.shape[dimension] for a in avals)
    shape = first.shape[:dimension] + (size,) + first.shape[dimension + 1 :]
    return ShapedArray(shape, first.dtype)


class _ConcatenateVJP:
    """Per-argument VJPs for an n-ary primitive: the i-th is a slice of the cotangent."""

    def __getitem__(self, i: int):
        def vjp(ct, out, *xs, dimension):
            start = sum(shape_of(x)[dimension] for x in xs[:i])
            stop = start + shape_of(xs[i])[dimension]
            n = ndim_of(ct)
            lo = tuple(start if a == dimension else 0 for a in range(n))
            hi = tuple(stop if a == dimension else s for a, s in enumerate(shape_of(ct)))
            return slice_(ct, lo, hi)

        return vjp


def _concatenate_jvp(primals, tangents, out, *, dimension):
    if all(t is None for t in tangents):
        return None
    ts = [zeros_like_value(p) if t is None else t for p, t in zip(primals, tangents)]
    return concatenate(ts, dimension)


def _concatenate_batch(vals, dims, *, dimension):
    size = batch_size(vals, dims)
    xs = [bdim_to_front(v, d, size) for v, d in zip(vals, dims)]
    return concatenate(xs, dimension + 1), 0


concatenate_p = Primitive(
    "concatenate",
    kernel=lambda xp: lambda *xs, dimension: xp.concatenate(xs, axis=dimension),
    abstract_eval=_concatenate_aval,
    jvp_full=_concatenate_jvp,
    vjp=_ConcatenateVJP(),
    batch=_concatenate_batch,
    emit=lambda n, p, a: f"xp.concatenate(({', '.join(n)},), axis={p['dimension']})",
)


def concatenate(xs: list, dimension: int) -> Any:
    """Join arrays along axis ``dimension``. Example: ``lax.concatenate([x, y], 0)``."""
    return concatenate_p.bind(*xs, dimension=int(dimension))


# ---- split ---------------------------------------------------------------------------------------
# concatenate's inverse (JAX's lax.split). Built from slices, a split's backward pass would pad
# each piece's cotangent to the full size and add them up (an LSTM/GRU's gate split, on every
# step); as a primitive its VJP is one concatenate.


def _split_aval(a, *, sizes, axis):
    if not 0 <= axis < a.ndim or any(s < 0 for s in sizes) or sum(sizes) != a.shape[axis]:
        raise ValueError(
            f"split: sizes {tuple(sizes)} must be non-negative and add up to the size of axis "
            f"{axis} of the operand, whose shape is {a.shape}"
        )
    return tuple(ShapedArray(a.shape[:axis] + (s,) + a.shape[axis + 1:], a.dtype) for s in sizes)


def _split_kernel(xp):
    def impl(x, *, sizes, axis):
        lead = (slice(None),) * axis
        out, start = [], 0
        for s in sizes:
            out.append(x[lead + (slice(start, start + s),)])
            start += s
        return tuple(out)

    return impl


def _split_jvp(primals, tangents, out, *, sizes, axis):
    (t,) = tangents
    return [None] * len(sizes) if t is None else list(split(t, sizes, axis))


def _split_batch(vals, dims, *, sizes, axis):
    x = moveaxis(vals[0], dims[0], 0)
    return split(x, sizes, axis + 1), [0] * len(sizes)


split_p = Primitive(
    "split",
    kernel=_split_kernel,
    abstract_eval=_split_aval,
    jvp_full=_split_jvp,
    vjp=(lambda cts, outs, x, *, sizes, axis: concatenate(list(cts), axis),),
    batch=_split_batch,
    multiple_results=True,
)


def split(x: Any, sizes: Any, axis: int = 0) -> tuple:
    """Split ``x`` along ``axis`` into pieces of the given ``sizes`` (which add up to its size).

    Example: ``lax.split(jnp.arange(5), (2, 3))`` gives pieces of shapes (2,) and (3,).
    """
    return split_p.bind(x, sizes=tuple(int(s) for s in sizes), axis=int(axis))


# ---- rev -----------------------------------------------------------------------------------------

rev_p = Primitive(
    "rev",
    kernel=lambda xp: lambda x, dimensions: xp.flip(x, axis=dimensions),
    abstract_eval=lambda a, dimensions: ShapedArray(a.shape, a.dtype),
    jvp=(lambda t, out, x, dimensions: rev(t, dimensions),),
    vjp=(lambda ct, out, x, dimensions: rev(ct, dimensions),),
    batch=lambda v, d, dimensions: (
        rev(v[0], tuple(a if a < d[0] else a + 1 for a in dimensions)), d[0]),
    emit=lambda n, p, a: f"xp.flip({n[0]}, axis={p['dimensions']!r})",
)


def rev(x: Any, dimensions: tuple) -> Any:
    """Reverse ``x`` along ``dimensions``. Example: ``lax.rev(x, (0,))``."""
    return rev_p.bind(x, dimensions=tuple(dimensions))


# ---- stop_gradient -------------------------------------------------------------------------------

stop_gradient_p = Primitive(
    "stop_gradient",
    kernel=lambda xp: lambda x: x,
    abstract_eval=lambda a: a,
    jvp=ZERO_DERIVATIVE,
    vjp=ZERO_DERIVATIVE,
    batch=lambda v, d: (stop_gradient_p.bind(v[0]), d[0]),
    emit=lambda n, p, a: n[0],
)


# reduce.py imports this module, so it is bound here, after both are defined.
from . import reduce as _reduce  # noqa: E402
