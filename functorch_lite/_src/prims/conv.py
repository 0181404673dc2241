"""Convolution and windowed-reduction primitives.

``conv_general_dilated`` works in one canonical layout, lhs ``(N, C, *spatial)``, rhs
``(O, C // G, *window)``, out ``(N, O, *spatial)``; ``lax.conv_general_dilated`` transposes other
layouts into it (transposes are primitives with their own rules, so this costs no rule here).
Its kernel is im2col: a strided view of the padded input, one copy into a column matrix and one
matmul per call, the feature groups batched into the matmul; or, with unit strides where it is
cheaper (an input gradient onto fewer features), col2im: one matmul, then a shifted add per tap.

``reduce_window_sum`` / ``reduce_window_max`` / ``reduce_window_min`` window over every axis of
their operand. The extrema's derivatives go to the first maximal (minimal) element of each
window in row-major window order, as in JAX/XLA: ``window_argmax`` (no derivative) finds its
flat position and the JVP gathers there. The VJP is ``select_and_scatter_add`` (as in JAX):
its kernel writes each cotangent at its window's winner (strided, with no indices, when the
windows tile the operand: ``pool_vjp.py``; else ``window_argmax`` then a scatter-add), and its
own rules are that gather and itself, so second derivatives come free.

Padding pairs may be negative (they crop): the VJP paddings need it.
"""
from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from ..core import ZERO_DERIVATIVE, Primitive, ShapedArray
from . import indexing as ix
from . import shape as S
from .pool_vjp import is_tiling, tiled_select_and_scatter_add

# ---- shape arithmetic (pure Python: shared by the shape rules and the kernels) ------------------


def dilate_dim(n: int, d: int) -> int:
    """The size of an axis of ``n`` elements with ``d - 1`` holes between neighbours."""
    return 0 if n == 0 else (n - 1) * d + 1


def window_out_dim(n: int, lo: int, hi: int, base_dil: int, k: int, win_dil: int,
                   stride: int) -> int:
    """How many windows fit along an axis (after dilation and padding)."""
    padded = dilate_dim(n, base_dil) + lo + hi
    span = dilate_dim(k, win_dil)
    return 0 if padded < span else (padded - span) // stride + 1


def vjp_lhs_padding(in_shape, window, strides, out_shape, padding, lhs_dil, rhs_dil) -> tuple:
    """Padding of the transposed window operation that maps an output cotangent back onto the
    (undilated) input positions: a full correlation, cropped to where the input was read."""
    pads = []
    for n, k, s, p, (lo, _), ld, rd in zip(in_shape, window, strides, out_shape, padding,
                                            lhs_dil, rhs_dil):
        span = dilate_dim(k, rd)
        before = span - 1 - lo
        after = dilate_dim(n, ld) + span - 1 - dilate_dim(p, s) - before
        pads.append((before, after))
    return tuple(pads)


def vjp_rhs_padding(in_shape, window, strides, out_shape, padding, lhs_dil, rhs_dil) -> tuple:
    """Padding of the correlation of the input with the output cotangent (the kernel's VJP)."""
    pads = []
    for n, k, s, p, (lo, _), ld, rd in zip(in_shape, window, strides, out_shape, padding,
                                            lhs_dil, rhs_dil):
        after = dilate_dim(p, s) - dilate_dim(n, ld) + dilate_dim(k, rd) - lo - 1
        pads.append((lo, after))
    return tuple(pads)


# ---- kernel helpers (written against xp) ---------------------------------------------------------


def _dilate_pad(xp: Any, x: Any, first: int, padding: tuple, dilation: tuple, fill: Any) -> Any:
    """``x`` with axes ``first...`` dilated (holes) and padded ((lo, hi); negative crops), the
    new places holding ``fill``. Returns ``x`` itself when there is nothing to do."""
    if all(d == 1 for d in dilation) and all(lo == 0 and hi == 0 for lo, hi in padding):
        return x
    shape = list(x.shape)
    src = [slice(None)] * x.ndim
    dst = [slice(None)] * x.ndim
    empty = False
    for k, ((lo, hi), d) in enumerate(zip(padding, dilation)):
        ax = first + k
        n = x.shape[ax]
        size = max(dilate_dim(n, d) + lo + hi, 0)
        shape[ax] = size
        # element i lands at lo + i * d: keep the ones inside [0, size)
        i0 = max(0, -(lo // d) if lo < 0 else 0)
        i1 = min(n, -(-(size - lo) // d))
        if i1 <= i0:
            empty = True
            continue
        src[ax] = slice(i0, i1)
        dst[ax] = slice(lo + i0 * d, lo + (i1 - 1) * d + 1, d)
    out = xp.full(shape, fill, dtype=x.dtype)
    if not empty:
        out[tuple(dst)] = x[tuple(src)]
    return out


def _window_view(xp: Any, x: Any, first: int, window: tuple, strides: tuple,
                 dilation: tuple) -> Any:
    """A read-only strided view of shape ``x.shape[:first] + out_spatial + window``: element
    ``[..., o, w]`` is ``x[..., o * stride + w * dilation]`` (no copy)."""
    out = tuple(window_out_dim(n, 0, 0, 1, k, d, s)
                for n, k, d, s in zip(x.shape[first:], window, dilation, strides))
    st = x.strides
    view_strides = (st[:first] + tuple(st[first + i] * s for i, s in enumerate(strides))
                    + tuple(st[first + i] * d for i, d in enumerate(dilation)))
    # (read-only where numpy allows it; cupy's as_strided takes no `writeable`)
    kw = {"writeable": False} if xp.__name__ == "numpy" else {}
    return xp.lib.stride_tricks.as_strided(x, x.shape[:first] + out + tuple(window),
                                           view_strides, **kw)


def _offset_slices(shape: tuple, window: tuple, strides: tuple, dilation: tuple,
                   out: tuple) -> list:
    """For each window offset (row-major), the strided slice of the padded operand it reads."""
    del shape
    return [tuple(slice(w * d, w * d + (o - 1) * s + 1, s)
                  for w, d, s, o in zip(offset, dilation, strides, out))
            for offset in itertools.product(*(range(k) for k in window))]


# ---- conv_general_dilated ------------------------------------------------------------------------


# Bytes of im2col columns the CPU kernel builds at a time: about half a core's L2 cache.
_CACHE_BYTES = 1 << 18


def _conv_kernel(xp):
    def impl(lhs, rhs, window_strides, padding, lhs_dilation, rhs_dilation, feature_group_count):
        n, c = lhs.shape[:2]
        o = rhs.shape[0]
        ks = tuple(rhs.shape[2:])
        nsp = len(ks)
        g = feature_group_count
        x = _dilate_pad(xp, lhs, 2, padding, lhs_dilation, 0)
        win = _window_view(xp, x, 2, ks, window_strides, rhs_dilation)  # (N, C, *P, *K)
        out_sp = tuple(win.shape[2:2 + nsp])
        p_size, k_size = math.prod(out_sp), math.prod(ks)
        if n * p_size * o == 0:
            return xp.zeros((n, o) + out_sp, dtype=lhs.dtype)
        if (all(s == 1 for s in window_strides)
                and o * math.prod(lhs.shape[2:]) < c * p_size):
            # Fewer output than input values per window tap (the input's VJP: a cotangent of
            # many features back onto an input of few): col2im beats im2col.
            return _conv_col2im(xp, lhs, rhs, padding, lhs_dilation, rhs_dilation, g, out_sp)
        sp_axes = tuple(range(2, 2 + nsp))
        k_axes = tuple(range(2 + nsp, 2 + 2 * nsp))
        w = rhs.reshape(g, o // g, (c // g) * k_size)
        if k_size <= p_size:
            # im2col into (C, *K, N, *P): the copy walks the output positions innermost (the
            # view's long, regularly strided axis), then one grouped matmul contracts (C/G, *K).
            # The columns are K times the input: on the CPU, a few examples at a time, so
            # they are read back from cache rather than memory (2x faster on a 5x5 kernel).
            per_example = c * k_size * p_size * lhs.dtype.itemsize
            step = n if xp is not np else max(1, min(n, _CACHE_BYTES // max(1, per_example)))
            perm = (1,) + k_axes + (0,) + sp_axes
            if step == n:
                cols = win.transpose(perm).reshape(g, (c // g) * k_size, n * p_size)
                y = xp.matmul(w, cols).reshape((o, n) + out_sp)
                return y.swapaxes(0, 1)  # (a view: elementwise ops keep its memory order)
            y = xp.empty((n, o) + out_sp, dtype=lhs.dtype)
            for i in range(0, n, step):
                j = min(n, i + step)
                cols = win[i:j].transpose(perm).reshape(g, (c // g) * k_size, (j - i) * p_size)
                part = xp.matmul(w, cols).reshape((o, j - i) + out_sp)
                y[i:j] = part.swapaxes(0, 1)
            return y
        # A window larger than the output (the kernel's VJP correlates the input with the
        # whole output cotangent): copy with the window innermost instead, into (N, *P, C, *K).
        # (Splitting C into (G, C/G) keeps the view a view.) NOTE: 2-d matmuls per group, as
        # numpy's stacked matmul can miss BLAS on a transposed operand (~50x slower here).
        win = win.reshape((n, g, c // g) + win.shape[2:])
        perm = (1, 0) + tuple(a + 1 for a in sp_axes) + (2,) + tuple(a + 1 for a in k_axes)
        per_feature = n * p_size * k_size * lhs.dtype.itemsize
        step = c // g if xp is not np else max(1, min(c // g,
                                                    _CACHE_BYTES // max(1, per_feature)))
        if g == 1 and step < c:
            # As above: the columns a few contracted features at a time, summed (the kernel's
            # gradient of a 5x5 convolution: 2x faster than one large copy and matmul).
            w2 = rhs.reshape(o, c, k_size)
            y = None
            for i in range(0, c, step):
                j = min(c, i + step)
                cols = win[:, :, i:j].transpose(perm).reshape(n * p_size, (j - i) * k_size)
                part = cols @ w2[:, i:j].reshape(o, -1).T
                y = part if y is None else xp.add(y, part, out=y)
            y = y[None]
        else:
            cols = win.transpose(perm).reshape(g, n * p_size, -1)
            y = xp.stack([cols[i] @ w[i].T for i in range(g)])  # (G, N*P, O/G)
        y = y.reshape((g, n, p_size, o // g)).transpose(1, 0, 3, 2)
        return y.reshape((n, o) + out_sp)

    return impl


def _conv_col2im(xp: Any, lhs: Any, rhs: Any, padding: tuple, lhs_dilation: tuple,
                 rhs_dilation: tuple, g: int, out_sp: tuple) -> Any:
    """The convolution with unit window strides as a scatter: one matmul gives every (output
    feature, tap) product of every input element, ``t[o, k, n, i]``, and each tap ``k`` adds
    its slice into the output, shifted: ``out[n, o, lo + i * ld - k * rd] += t[o, k, n, i]``.
    Its work is ``O * K * N * I`` where im2col's is ``C * K * N * P``: cheaper when the output
    has fewer features than the input (or the input is dilated: P ~ I * ld)."""
    n, c = lhs.shape[:2]
    o, ks, in_sp = rhs.shape[0], tuple(rhs.shape[2:]), tuple(lhs.shape[2:])
    cg, og = c // g, o // g
    k_size, i_size = math.prod(ks), math.prod(in_sp)
    w = rhs.reshape(g, og, cg, k_size).transpose(0, 1, 3, 2).reshape(g, og * k_size, cg)
    # The shifted adds run along the innermost axis of the products: the input's last spatial
    # axis, or the examples when there are more of those (then each add's rows are N long
    # instead of, say, 10: LeNet's input gradient 2.2 -> 1.36 ms, same sums in the same order).
    # (Unlike im2col, taking a few examples at a time does not pay here: the shifted adds per
    # tap then cost more in calls than the cache saves.)
    examples_inner = bool(in_sp) and n >= in_sp[-1]  # (no spatial axes: one layout)
    if examples_inner:
        x = lhs.reshape(n, g, cg, i_size).transpose(1, 2, 3, 0).reshape(g, cg, i_size * n)
    else:
        x = lhs.reshape(n, g, cg, i_size).transpose(1, 2, 0, 3).reshape(g, cg, n * i_size)
    # (2-d matmuls per group: numpy's stacked matmul can miss BLAS, see _conv_kernel)
    t = w[0] @ x[0] if g == 1 else xp.stack([w[i] @ x[i] for i in range(g)])
    every = (slice(None),)
    if examples_inner:  # t[o, *k, *i, n] into out[o, *p, n]
        t = t.reshape((o,) + ks + in_sp + (n,))
        out = xp.zeros((o,) + out_sp + (n,), dtype=lhs.dtype)
    else:  # t[o, *k, n, *i] into out[o, n, *p]
        t = t.reshape((o,) + ks + (n,) + in_sp)
        out = xp.zeros((o, n) + out_sp, dtype=lhs.dtype)
    for offset in itertools.product(*(range(k) for k in ks)):
        src, dst = [], []
        for k, (lo, _), ld, rd, p, m in zip(offset, padding, lhs_dilation, rhs_dilation,
                                            out_sp, in_sp):
            shift = lo - k * rd  # input element i lands on output position shift + i * ld
            i0 = max(0, -(shift // ld))
            i1 = min(m, (p - 1 - shift) // ld + 1)
            if i1 <= i0:
                break
            src.append(slice(i0, i1))
            dst.append(slice(shift + i0 * ld, shift + (i1 - 1) * ld + 1, ld))
        else:
            if examples_inner:
                out[every + tuple(dst)] += t[every + offset + tuple(src)]
            else:
                out[every * 2 + tuple(dst)] += t[every + offset + every + tuple(src)]
    if examples_inner:  # contiguous (N, O, *P): later elementwise ops meet no strided layout
        nsp = len(out_sp)
        return xp.ascontiguousarray(out.transpose((1 + nsp, 0) + tuple(range(1, 1 + nsp))))
    return out.swapaxes(0, 1)  # (a view, as in the im2col path)


def _check_conv(lhs: ShapedArray, rhs: ShapedArray, window_strides, padding, lhs_dilation,
                rhs_dilation, feature_group_count) -> None:
    nsp = lhs.ndim - 2
    if lhs.ndim != rhs.ndim or lhs.ndim < 2:
        raise ValueError(
            f"conv_general_dilated: lhs and rhs need the same rank (2 + spatial dims), got "
            f"shapes {lhs.shape} and {rhs.shape}")
    for name, v in (("window_strides", window_strides), ("padding", padding),
                    ("lhs_dilation", lhs_dilation), ("rhs_dilation", rhs_dilation)):
        if len(v) != nsp:
            raise ValueError(
                f"conv_general_dilated: {name}={tuple(v)} needs one entry per spatial "
                f"dimension ({nsp} for lhs of shape {lhs.shape})")
    for name, v in (("window_strides", window_strides), ("lhs_dilation", lhs_dilation),
                    ("rhs_dilation", rhs_dilation)):
        if any(int(s) < 1 for s in v):
            raise ValueError(f"conv_general_dilated: {name}={tuple(v)} must be positive")
    g = feature_group_count
    if g < 1:
        raise ValueError(f"conv_general_dilated: feature_group_count={g} must be positive")
    c, o, ci = lhs.shape[1], rhs.shape[0], rhs.shape[1]
    if c % g or c // g != ci or o % g:
        raise ValueError(
            f"conv_general_dilated: lhs of shape {lhs.shape} has {c} input features and rhs "
            f"of shape {rhs.shape} has {ci} input features per group and {o} output features"
            f", which does not fit feature_group_count={g}: lhs features must equal "
            f"{g} * rhs input features ({g * ci}), and {o} output features must divide by {g}"
            " (the shapes here are in (N, C, spatial...) / (O, I, spatial...) order)")
    if lhs.dtype != rhs.dtype:
        raise TypeError(
            f"conv_general_dilated requires lhs and rhs of one dtype, got {lhs.dtype} and "
            f"{rhs.dtype}; convert one with .astype(...)")


def _conv_aval(lhs, rhs, *, window_strides, padding, lhs_dilation, rhs_dilation,
               feature_group_count):
    _check_conv(lhs, rhs, window_strides, padding, lhs_dilation, rhs_dilation,
                feature_group_count)
    out_sp = tuple(window_out_dim(n, lo, hi, ld, k, rd, s) for n, (lo, hi), ld, k, rd, s in
                   zip(lhs.shape[2:], padding, lhs_dilation, rhs.shape[2:], rhs_dilation,
                       window_strides))
    return ShapedArray((lhs.shape[0], rhs.shape[0]) + out_sp, lhs.dtype)


def _spatial(x: Any) -> tuple:
    return tuple(range(2, S.ndim_of(x)))


def _conv_vjp_lhs(ct, out, lhs, rhs, *, window_strides, padding, lhs_dilation, rhs_dilation,
                  feature_group_count):
    """A convolution of the cotangent with the kernel flipped in space and its feature axes
    swapped per group; the forward strides become lhs dilation (a transposed convolution)."""
    lhs_shape, rhs_shape = S.shape_of(lhs), S.shape_of(rhs)
    if math.prod(S.shape_of(ct)) == 0:
        return S.zeros_like_value(lhs)
    g = feature_group_count
    o, cg, ks = rhs_shape[0], rhs_shape[1], rhs_shape[2:]
    nsp = len(ks)
    w = S.reshape(rhs, (g, o // g, cg) + ks)
    w = S.transpose(w, (0, 2, 1) + tuple(range(3, 3 + nsp)))
    w = S.rev(S.reshape(w, (g * cg, o // g) + ks), tuple(range(2, 2 + nsp)))
    pads = vjp_lhs_padding(lhs_shape[2:], ks, window_strides, S.shape_of(ct)[2:], padding,
                           lhs_dilation, rhs_dilation)
    return conv_general_dilated(ct, w, lhs_dilation, pads, window_strides, rhs_dilation, g)


def _conv_vjp_rhs(ct, out, lhs, rhs, *, window_strides, padding, lhs_dilation, rhs_dilation,
                  feature_group_count):
    """A correlation of the input (features as batch) with the cotangent (as the kernel); with
    feature groups, each group's input features correlate with its own output features."""
    lhs_shape, rhs_shape = S.shape_of(lhs), S.shape_of(rhs)
    if math.prod(S.shape_of(ct)) == 0:
        return S.zeros_like_value(rhs)
    g = feature_group_count
    n, c, sp = lhs_shape[0], lhs_shape[1], lhs_shape[2:]
    nsp = len(sp)
    rest = tuple(range(2, 2 + nsp))
    x = S.transpose(lhs, (1, 0) + rest)  # (C, N, *S)
    if g > 1:  # group g's features become batch entries g*N...(g+1)*N of a (C/G, G*N) lhs
        x = S.reshape(x, (g, c // g, n) + sp)
        x = S.transpose(x, (1, 0, 2) + tuple(range(3, 3 + nsp)))
        x = S.reshape(x, (c // g, g * n) + sp)
    k = S.transpose(ct, (1, 0) + rest)  # (O, N, *P)
    pads = vjp_rhs_padding(sp, rhs_shape[2:], window_strides, S.shape_of(ct)[2:], padding,
                           lhs_dilation, rhs_dilation)
    r = conv_general_dilated(x, k, rhs_dilation, pads, lhs_dilation, window_strides, g)
    return S.transpose(r, (1, 0) + rest)  # (C/G, O, *K) -> (O, C/G, *K)


def _conv_batch(vals, dims, *, window_strides, padding, lhs_dilation, rhs_dilation,
                feature_group_count):
    lhs, rhs = vals
    dl, dr = dims
    g = feature_group_count
    params = (window_strides, padding, lhs_dilation, rhs_dilation)
    if dr is None:  # batched lhs: the batch joins N
        x = S.moveaxis(lhs, dl, 0)
        b, n = S.shape_of(x)[:2]
        y = conv_general_dilated(S.reshape(x, (b * n,) + S.shape_of(x)[2:]), rhs, *params, g)
        return S.reshape(y, (b, n) + S.shape_of(y)[1:]), 0
    w = S.moveaxis(rhs, dr, 0)
    b, o = S.shape_of(w)[:2]
    wk = S.shape_of(w)[2:]  # (C/G, *K)
    if dl is None:  # batched rhs: the batch joins the output features, inside each group
        w = S.reshape(w, (b, g, o // g) + wk)
        w = S.transpose(w, (1, 0, 2) + tuple(range(3, 3 + len(wk))))
        y = conv_general_dilated(lhs, S.reshape(w, (g * b * o // g,) + wk), *params, g)
        n, sp = S.shape_of(y)[0], S.shape_of(y)[2:]
        y = S.reshape(y, (n, g, b, o // g) + sp)
        y = S.transpose(y, (0, 2, 1, 3) + tuple(range(4, 4 + len(sp))))
        return S.reshape(y, (n, b, o) + sp), 1
    # both batched: each example is its own set of feature groups
    x = S.moveaxis(lhs, dl, 0)
    b, n, c = S.shape_of(x)[:3]
    sp = S.shape_of(x)[3:]
    x = S.transpose(x, (1, 0, 2) + tuple(range(3, 3 + len(sp))))
    x = S.reshape(x, (n, b * c) + sp)
    y = conv_general_dilated(x, S.reshape(w, (b * o,) + wk), *params, b * g)
    return S.reshape(y, (n, b, o) + S.shape_of(y)[2:]), 1


conv_general_dilated_p = Primitive(
    "conv_general_dilated",
    kernel=_conv_kernel,
    abstract_eval=_conv_aval,
    jvp=(lambda t, out, lhs, rhs, **p: conv_general_dilated_p.bind(t, rhs, **p),
         lambda t, out, lhs, rhs, **p: conv_general_dilated_p.bind(lhs, t, **p)),
    vjp=(_conv_vjp_lhs, _conv_vjp_rhs),
    batch=_conv_batch,
)


def conv_general_dilated(lhs: Any, rhs: Any, window_strides: tuple, padding: tuple,
                         lhs_dilation: tuple, rhs_dilation: tuple,
                         feature_group_count: int = 1) -> Any:
    """The convolution primitive in the canonical layout: lhs (N, C, *S), rhs (O, C/G, *K),
    out (N, O, *S'); ``padding`` is (lo, hi) pairs (negative ones crop).

    Example: ``conv_general_dilated(x, w, (1, 1), ((1, 1), (1, 1)), (1, 1), (1, 1))``.
    """
    return conv_general_dilated_p.bind(
        lhs, rhs, window_strides=tuple(int(s) for s in window_strides),
        padding=tuple((int(lo), int(hi)) for lo, hi in padding),
        lhs_dilation=tuple(int(d) for d in lhs_dilation),
        rhs_dilation=tuple(int(d) for d in rhs_dilation),
        feature_group_count=int(feature_group_count))


# ---- reduce_window_{sum,max,min} -----------------------------------------------------------------


def identity(kind: str, dtype: Any) -> Any:
    """The value padding holds for a windowed reduction: 0, or the lowest / highest value."""
    dtype = np.dtype(dtype)
    if kind == "sum":
        return dtype.type(0)
    if dtype.kind == "f":
        return dtype.type(-np.inf if kind == "max" else np.inf)
    if dtype.kind == "b":
        return kind != "max"
    info = np.iinfo(dtype)
    return dtype.type(info.min if kind == "max" else info.max)


# Up to this many window offsets the kernels loop over offsets, one strided whole-array ufunc
# each (fast, no copies); bigger windows (global pooling) reduce a strided view instead.
_OFFSET_LOOP_MAX = 64


def _reduce_window_kernel(kind: str):
    def kernel(xp):
        ufunc = {"sum": xp.add, "max": xp.maximum, "min": xp.minimum}[kind]

        def impl(x, window_dimensions, window_strides, padding, base_dilation,
                 window_dilation):
            xpd = _dilate_pad(xp, x, 0, padding, base_dilation, identity(kind, x.dtype))
            out = tuple(window_out_dim(n, 0, 0, 1, k, d, s) for n, k, d, s in
                        zip(xpd.shape, window_dimensions, window_dilation, window_strides))
            if math.prod(out) == 0 or math.prod(window_dimensions) == 0:
                return xp.full(out, identity(kind, x.dtype), dtype=x.dtype)
            if math.prod(window_dimensions) > _OFFSET_LOOP_MAX:
                view = _window_view(xp, xpd, 0, window_dimensions, window_strides,
                                    window_dilation)
                axes = tuple(range(len(out), 2 * len(out)))
                if kind == "sum":
                    return view.sum(axis=axes, dtype=x.dtype)
                return view.max(axis=axes) if kind == "max" else view.min(axis=axes)
            slices = _offset_slices(xpd.shape, window_dimensions, window_strides,
                                    window_dilation, out)
            acc = xpd[slices[0]].copy()
            for sl in slices[1:]:
                ufunc(acc, xpd[sl], out=acc)
            return acc

        return impl

    return kernel


def _check_window(name: str, a: ShapedArray, window_dimensions, window_strides, padding,
                  base_dilation, window_dilation) -> None:
    for what, v in (("window_dimensions", window_dimensions),
                    ("window_strides", window_strides), ("padding", padding),
                    ("base_dilation", base_dilation), ("window_dilation", window_dilation)):
        if len(v) != a.ndim:
            raise ValueError(
                f"{name}: {what}={tuple(v)} needs one entry per axis of the operand of shape "
                f"{a.shape} ({a.ndim})")
    for what, v in (("window_dimensions", window_dimensions),
                    ("window_strides", window_strides), ("base_dilation", base_dilation),
                    ("window_dilation", window_dilation)):
        if any(s < 1 for s in v):
            raise ValueError(f"{name}: {what}={tuple(v)} must be positive")


def _window_out_shape(a: ShapedArray, window_dimensions, window_strides, padding,
                      base_dilation, window_dilation) -> tuple:
    return tuple(window_out_dim(n, lo, hi, bd, k, wd, s) for n, (lo, hi), bd, k, wd, s in
                 zip(a.shape, padding, base_dilation, window_dimensions, window_dilation,
                     window_strides))


def _reduce_window_aval(name: str):
    def rule(a, **p):
        _check_window(name, a, **p)
        return ShapedArray(_window_out_shape(a, **p), a.dtype)

    return rule


def _with_batch_axis(p: dict, d: int) -> dict:
    """Window parameters for an operand with a batch axis inserted at ``d`` (a window of 1)."""
    def ins(v, x):
        v = list(v)
        v.insert(d, x)
        return tuple(v)

    return {"window_dimensions": ins(p["window_dimensions"], 1),
            "window_strides": ins(p["window_strides"], 1),
            "padding": ins(p["padding"], (0, 0)),
            "base_dilation": ins(p["base_dilation"], 1),
            "window_dilation": ins(p["window_dilation"], 1)}


def _rw_sum_vjp(ct, out, x, *, window_dimensions, window_strides, padding, base_dilation,
                window_dilation):
    """The windows' sums spread back: a windowed sum of the stride-dilated cotangent."""
    pads = vjp_lhs_padding(S.shape_of(x), window_dimensions, window_strides, S.shape_of(ct),
                           padding, base_dilation, window_dilation)
    return reduce_window_sum_p.bind(
        ct, window_dimensions=window_dimensions, window_strides=base_dilation, padding=pads,
        base_dilation=window_strides, window_dilation=window_dilation)


reduce_window_sum_p = Primitive(
    "reduce_window_sum",
    kernel=_reduce_window_kernel("sum"),
    abstract_eval=_reduce_window_aval("reduce_window_sum"),
    jvp=(lambda t, out, x, **p: reduce_window_sum_p.bind(t, **p),),
    vjp=(_rw_sum_vjp,),
    batch=lambda v, d, **p: (reduce_window_sum_p.bind(v[0], **_with_batch_axis(p, d[0])), d[0]),
)


def _chooser_jvp(kind: str):
    def jvp(t, out, x, **p):
        idx = window_argmax_p.bind(x, kind=kind, batch_dims=0, **p)
        size = math.prod(S.shape_of(x))
        # one extra zero slot: windows made only of padding point there
        flat = S.pad(S.reshape(t, (size,)), 0.0, ((0, 1, 0),))
        return ix.gather(flat, idx)

    return jvp


def _chooser_vjp(kind: str):
    def vjp(ct, out, x, **p):
        # (the forward's extrema come along: the kernel need not find them again)
        return select_and_scatter_add_p.bind(ct, x, out, kind=kind, **p)

    return vjp


def _chooser_primitive(kind: str) -> Primitive:
    name = f"reduce_window_{kind}"
    prim: list = []
    prim.append(Primitive(
        name,
        kernel=_reduce_window_kernel(kind),
        abstract_eval=_reduce_window_aval(name),
        jvp=(_chooser_jvp(kind),),
        vjp=(_chooser_vjp(kind),),
        batch=lambda v, d, **p: (prim[0].bind(v[0], **_with_batch_axis(p, d[0])), d[0]),
    ))
    return prim[0]


reduce_window_max_p = _chooser_primitive("max")
reduce_window_min_p = _chooser_primitive("min")


# ---- window_argmax: where each window's extremum sits --------------------------------------------


def _window_argmax_kernel(xp):
    def impl(x, kind, batch_dims, window_dimensions, window_strides, padding, base_dilation,
             window_dilation):
        fill = identity(kind, x.dtype)
        xpd = _dilate_pad(xp, x, 0, padding, base_dilation, fill)
        out = tuple(window_out_dim(n, 0, 0, 1, k, d, s) for n, k, d, s in
                    zip(xpd.shape, window_dimensions, window_dilation, window_strides))
        slices = _offset_slices(xpd.shape, window_dimensions, window_strides, window_dilation,
                                out)
        if math.prod(out) == 0:
            return xp.zeros(out, dtype=np.int64)
        # The extremum first (fmax/fmin skip NaN), then the first offset holding it: offsets
        # from the last to the first, each overwriting ``which`` where it holds the extremum,
        # by arithmetic (a masked copy branches per element: ~5x slower on random masks).
        # This is the strict-comparison scan "the first extremum wins", NaN included: a
        # later NaN never wins, a first NaN always does.
        pick = xp.fmax if kind == "max" else xp.fmin
        first = xpd[slices[0]]
        best = first.copy()
        for sl in slices[1:]:
            pick(best, xpd[sl], out=best)
        which = xp.zeros(out, dtype=np.int8 if len(slices) < 128 else np.int32)
        step = xp.empty_like(which)
        for k in range(len(slices) - 1, -1, -1):
            hit = xp.equal(xpd[slices[k]], best)
            xp.subtract(which, k, out=step)
            xp.multiply(step, hit, out=step)
            xp.subtract(which, step, out=which)  # which = k where hit
        if x.dtype.kind in "fc":
            xp.multiply(which, first == first, out=which)  # a NaN first element wins
        return _offset_to_flat(xp, which, x.shape, batch_dims, window_dimensions,
                               window_strides, padding, base_dilation, window_dilation, out)

    return impl


def _offset_to_flat(xp, which, shape, batch_dims, window, strides, padding, base_dilation,
                    window_dilation, out):
    """From each window's winning offset (row-major number) to the flat position it read
    within its batch example, or to the extra slot ``example size`` when it read padding or a
    hole. Axes with a window of 1 only need small broadcast aranges: full-size work is done
    for the window's own axes alone (pooling: the two spatial ones)."""
    ndim = len(shape)
    ex_shape = shape[batch_dims:]
    ex_size = math.prod(ex_shape)
    ex_strides = [math.prod(ex_shape[i + 1:]) for i in range(len(ex_shape))]
    big = [ax for ax in range(ndim) if window[ax] > 1]
    small_flat, small_valid = 0, True  # broadcast arrays over the window-1 axes
    flat, valid = 0, True  # full-size arrays
    rem = which
    for ax in reversed(range(ndim)):
        k, s, wd, bd = window[ax], strides[ax], window_dilation[ax], base_dilation[ax]
        lo = padding[ax][0]
        pos = xp.arange(out[ax]).reshape((-1,) + (1,) * (ndim - ax - 1)) * s - lo
        if k > 1:
            w = rem % k if ax != big[0] else rem
            if ax != big[0]:
                rem = rem // k
            pos = pos + (w if wd == 1 else w.astype(np.int64) * wd)  # (int8: no overflow)
        dilated = dilate_dim(shape[ax], bd)
        if lo > 0 or (out[ax] - 1) * s + (k - 1) * wd - lo >= dilated or bd > 1:
            ok = (pos >= 0) & (pos < dilated) & (pos % bd == 0)
            if k > 1:
                valid = ok if valid is True else valid & ok
            else:
                small_valid = ok if small_valid is True else small_valid & ok
        if ax >= batch_dims:
            part = (pos // bd if bd > 1 else pos) * ex_strides[ax - batch_dims]
            if k > 1:
                flat = flat + part
            else:
                small_flat = small_flat + part
    flat = flat + small_flat
    if getattr(flat, "shape", None) != out or flat.dtype != np.int64:  # (0-d: a Python 0)
        flat = xp.broadcast_to(xp.asarray(flat, dtype=np.int64), out)
    if small_valid is not True:
        valid = small_valid if valid is True else valid & small_valid
    if valid is True:
        return flat
    return xp.where(valid, flat, ex_size)


def _window_argmax_aval(a, *, kind, batch_dims, **p):
    _check_window("window_argmax", a, **p)
    return ShapedArray(_window_out_shape(a, **p), np.dtype(np.int64))


def _window_argmax_batch(vals, dims, *, kind, batch_dims, **p):
    x = S.moveaxis(vals[0], dims[0], 0)
    return window_argmax_p.bind(x, kind=kind, batch_dims=batch_dims + 1,
                                **_with_batch_axis(p, 0)), 0


window_argmax_p = Primitive(
    "window_argmax",
    kernel=_window_argmax_kernel,
    abstract_eval=_window_argmax_aval,
    jvp=ZERO_DERIVATIVE,
    vjp=ZERO_DERIVATIVE,
    batch=_window_argmax_batch,
)


# ---- select_and_scatter_add: the max/min-pool VJP --------------------------------------------


def _select_and_scatter_add_kernel(xp):
    argmax = _window_argmax_kernel(xp)
    scatter = ix.scatter_p.kernel(xp)

    def impl(ct, x, *extremum, kind, window_dimensions, window_strides, padding, base_dilation,
             window_dilation):
        if kind not in ("max", "min"):  # (eager calls skip the shape rule, which says why)
            raise ValueError(kind)
        if is_tiling(x.shape, ct.dtype, window_dimensions, window_strides, padding,
                     base_dilation, window_dilation):
            return tiled_select_and_scatter_add(xp, ct, x, extremum[0] if extremum else None,
                                                kind, window_dimensions)
        # general windows (overlapping, padded, dilated): the flat position of each window's
        # winner, then a scatter-add into zeros with one extra slot for windows won by padding
        idx = argmax(x, kind, 0, window_dimensions, window_strides, padding, base_dilation,
                     window_dilation)
        size = math.prod(x.shape)
        spread = scatter(xp.zeros(size + 1, dtype=ct.dtype), ct, idx, mode="add")
        return spread[:size].reshape(x.shape)

    return impl


def _select_and_scatter_add_aval(ct, a, *extremum, kind, **p):
    _check_window("select_and_scatter_add", a, **p)
    if kind not in ("max", "min"):
        raise ValueError(f"select_and_scatter_add: kind must be 'max' or 'min', got {kind!r}")
    out = _window_out_shape(a, **p)
    for what, v in (("cotangent", ct),) + tuple(("extremum", e) for e in extremum):
        if v.shape != out or v.dtype != a.dtype:
            raise ValueError(
                f"select_and_scatter_add: the {what} must have the windowed shape {out} and the "
                f"operand's dtype {a.dtype}, got {v.shape} {v.dtype}")
    if len(extremum) > 1:
        raise TypeError("select_and_scatter_add takes (ct, operand[, extremum])")
    return ShapedArray(a.shape, a.dtype)


def _select_and_scatter_add_vjp_ct(g, out, ct, x, *extremum, kind, **p):
    """Each window's share back from its winner: a gather at the window's argmax."""
    return _chooser_jvp(kind)(g, None, x, **p)


def _select_and_scatter_add_jvp_ct(t, out, ct, x, *extremum, **p):
    return select_and_scatter_add_p.bind(t, x, *extremum, **p)


def _select_and_scatter_add_batch(vals, dims, *, kind, **p):
    size = S.batch_size(vals, dims)
    args = [S.bdim_to_front(v, d, size) for v, d in zip(vals, dims)]
    return select_and_scatter_add_p.bind(*args, kind=kind, **_with_batch_axis(p, 0)), 0


select_and_scatter_add_p = Primitive(
    "select_and_scatter_add",
    kernel=_select_and_scatter_add_kernel,
    abstract_eval=_select_and_scatter_add_aval,
    # linear in the cotangent; piecewise constant in the operand (its winners) as in JAX, and
    # in the optional extremum (a function of the operand, passed to save work)
    jvp=(_select_and_scatter_add_jvp_ct, None, None),
    vjp=(_select_and_scatter_add_vjp_ct, None, None),
    batch=_select_and_scatter_add_batch,
)


def select_and_scatter_add(ct: Any, x: Any, kind: str, window_dimensions: tuple,
                           window_strides: tuple, padding: tuple, base_dilation: tuple,
                           window_dilation: tuple) -> Any:
    """An array shaped like ``x`` holding each window's ``ct`` at the window's first maximum
    (``kind="max"``) or minimum in row-major window order, summed where windows share it:
    the VJP of ``reduce_window_{kind}``.

    Example: ``select_and_scatter_add(ct, x, "max", (2,), (2,), ((0, 0),), (1,), (1,))``.
    """
    return select_and_scatter_add_p.bind(ct, x, kind=kind, **_window_params(
        window_dimensions, window_strides, padding, base_dilation, window_dilation))


def _window_params(window_dimensions, window_strides, padding, base_dilation,
                   window_dilation) -> dict:
    return {"window_dimensions": tuple(int(k) for k in window_dimensions),
            "window_strides": tuple(int(s) for s in window_strides),
            "padding": tuple((int(lo), int(hi)) for lo, hi in padding),
            "base_dilation": tuple(int(d) for d in base_dilation),
            "window_dilation": tuple(int(d) for d in window_dilation)}


def reduce_window_prim(kind: str, x: Any, window_dimensions: tuple, window_strides: tuple,
                       padding: tuple, base_dilation: tuple, window_dilation: tuple) -> Any:
    """Bind ``reduce_window_{kind}`` (kind: "sum", "max", "min") with identity padding.

    Example: ``reduce_window_prim("max", x, (2, 2), (2, 2), ((0, 0),) * 2, (1, 1), (1, 1))``.
    """
    prim = {"sum": reduce_window_sum_p, "max": reduce_window_max_p,
            "min": reduce_window_min_p}[kind]
    return prim.bind(x, **_window_params(window_dimensions, window_strides, padding,
                                         base_dilation, window_dilation))


def window_argmax(x: Any, kind: str, window_dimensions: tuple, window_strides: tuple,
                  padding: tuple, base_dilation: tuple, window_dilation: tuple) -> Any:
    """Flat index (into ``x.ravel()``) of each window's first maximum (``kind="max"``) or
    minimum; ``x.size`` where the window's winner is padding.

    Example: ``window_argmax(x, "max", (2,), (2,), ((0, 0),), (1,), (1,))``.
    """
    return window_argmax_p.bind(x, kind=kind, batch_dims=0, **_window_params(
        window_dimensions, window_strides, padding, base_dilation, window_dilation))
