"""The tiling fast path of ``select_and_scatter_add`` (the max/min-pool VJP; the primitive and
its rules are in ``conv.py``): windows that tile the operand, with no padding or dilation.

Each window's cotangent goes to its first extremum in row-major window order, exactly as the
general path (``window_argmax`` then a scatter-add into zeros) puts it, bit for bit, but
cheaper: per window offset, one strided comparison against the windows' extrema (the
forward's, when NaN-free) gives each window's winning offset; then one flat index per window
(a cached per-shape base plus the offset's delta) and one plain assignment into zeros.
"""
from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np


def is_tiling(shape: tuple, ct_dtype: Any, window_dimensions: tuple, window_strides: tuple,
              padding: tuple, base_dilation: tuple, window_dilation: tuple) -> bool:
    """Whether the fast path applies: windows side by side (window == stride on every axis),
    no padding or holes, and a cotangent dtype whose bits can be masked as integers. A
    trailing remainder that no window reads is allowed (its gradient is zero)."""
    return (tuple(window_dimensions) == tuple(window_strides)
            and all(lo == 0 and hi == 0 for lo, hi in padding)
            and all(d == 1 for d in base_dilation) and all(d == 1 for d in window_dilation)
            and np.dtype(ct_dtype).kind in "fiu" and np.dtype(ct_dtype).itemsize in (1, 2, 4, 8)
            and len(shape) == len(window_dimensions))


def _axis_slice(ax: int, start: int, count: int, step: int) -> tuple:
    return (slice(None),) * ax + (slice(start, start + (count - 1) * step + 1, step),)


def _nan_skipping_extremum(xp: Any, x: Any, kind: str, window: tuple, out_shape: tuple) -> Any:
    """The extremum of each window, skipping NaN (NaN only where the whole window is), one
    axis at a time (fewer, longer passes than one per offset). Only equality with it is used,
    so neither the order nor the sign of a zero extremum matters."""
    pick = xp.fmax if kind == "max" else xp.fmin
    best = x
    for ax, (k, o) in enumerate(zip(window, out_shape)):
        if k == 1:
            continue
        part = pick(best[_axis_slice(ax, 0, o, k)], best[_axis_slice(ax, 1, o, k)])
        for w in range(2, k):
            pick(part, best[_axis_slice(ax, w, o, k)], out=part)
        best = part
    return best


def tiled_select_and_scatter_add(xp: Any, ct: Any, x: Any, extremum: Any, kind: str,
                                 window: tuple) -> Any:
    """``ct`` (one value per window) placed at each window's first maximum (``kind="max"``) or
    minimum of ``x``; zeros elsewhere. Only for windows that tile ``x`` (see ``is_tiling``).
    ``extremum``, if not None, is the forward pass's ``reduce_window_{kind}(x)``: it saves
    computing the windows' extrema again, unless one of them is NaN."""
    out_shape = tuple(n // k for n, k in zip(x.shape, window))
    if math.prod(out_shape) == 0:
        return xp.zeros(x.shape, dtype=ct.dtype)
    if extremum is not None and not (x.dtype.kind == "f" and xp.isnan(extremum).any()):
        best = extremum  # NaN-free: also the NaN-skipping extremum
    else:
        best = _nan_skipping_extremum(xp, x, kind, window, out_shape)
    offsets = [tuple(slice(w, w + (o - 1) * k + 1, k) for w, k, o in zip(off, window, out_shape))
               for off in itertools.product(*(range(k) for k in window))]
    # The same winner as window_argmax's scan: the first offset equal to the extremum, except
    # that a NaN first element wins (and a later NaN never does). ``pending`` marks the windows
    # whose winner is still to come; the first offset loses only if it is strictly below the
    # extremum (above, for min), which is False for NaN. If a window is still pending at the
    # last offset, that offset holds the first extremum.
    worse = xp.less if kind == "max" else xp.greater
    pending = worse(x[offsets[0]], best)
    # ``which``: each window's winning offset number, then one flat index per window and a
    # single assignment of the cotangents into zeros (fewer strided passes than one masked
    # write per offset; indices are unique, so no accumulation is needed)
    which = xp.zeros(out_shape, dtype=np.uint8 if len(offsets) < 256 else np.int32)
    hit = xp.empty(out_shape, dtype=bool)
    last = len(offsets) - 1
    for k in range(1, last + 1):
        if k < last:
            xp.equal(x[offsets[k]], best, out=hit)
            xp.logical_and(hit, pending, out=hit)
            xp.greater(pending, hit, out=pending)  # pending and not hit
        else:
            hit = pending
        xp.add(which, hit.view(np.uint8) * which.dtype.type(k), out=which)
    strides = [math.prod(x.shape[i + 1:]) for i in range(x.ndim)]
    deltas = xp.asarray([sum(o * s for o, s in zip(off, strides))
                         for off in itertools.product(*(range(k) for k in window))],
                        dtype=np.intp)
    flat = deltas.take(which.astype(np.intp))
    flat += _window_base(xp, x.shape, window, out_shape)
    # ct + 0: the general path adds each cotangent into zeros (-0.0 becomes +0.0); the
    # assignment copies bits (NaN payloads, inf) unchanged
    result = xp.zeros(math.prod(x.shape), dtype=ct.dtype)
    result[flat.reshape(-1)] = xp.add(ct, ct.dtype.type(0)).reshape(-1)
    return result.reshape(x.shape)


_BASES: dict = {}


def _window_base(xp: Any, shape: tuple, window: tuple, out_shape: tuple) -> Any:
    """The flat index of each window's first element (read-only; cached per shape: pooling
    meets the same few shapes every step)."""
    key = (xp.__name__, shape, window)
    base = _BASES.get(key)
    if base is None:
        base = xp.zeros(out_shape, dtype=np.intp)
        for ax, (o, k) in enumerate(zip(out_shape, window)):
            step = k * math.prod(shape[ax + 1:])
            base = base + (xp.arange(o, dtype=np.intp) * step).reshape(
                (1,) * ax + (o,) + (1,) * (len(shape) - ax - 1))
        if len(_BASES) >= 16:
            _BASES.clear()
        _BASES[key] = base
    return base
