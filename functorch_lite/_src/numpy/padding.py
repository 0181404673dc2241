"""``pad`` with numpy's modes, composed of the pad/slice/rev/concatenate/gather primitives.

Axes are padded one after the other, each over the array padded so far; that is exactly what
numpy's in-place algorithm computes (the corners come from the later axes).
"""
from __future__ import annotations

import operator
from typing import Any

import numpy as np

from .. import dtypes
from ..core import Tracer, concrete_or_none
from ..errors import ConcretizationTypeError
from ..prims import elementwise as E
from ..prims import reduce as R
from ..prims import shape as S
from ._convert import asarray
from .shape_ops import _slice_axis, _take_static

_MODES = ("constant", "edge", "linear_ramp", "maximum", "mean", "median", "minimum",
          "reflect", "symmetric", "wrap", "empty")
_KWARGS = {
    "constant": {"constant_values"}, "edge": set(), "linear_ramp": {"end_values"},
    "maximum": {"stat_length"}, "mean": {"stat_length"}, "median": {"stat_length"},
    "minimum": {"stat_length"},
    "reflect": {"reflect_type"}, "symmetric": {"reflect_type"}, "wrap": set(), "empty": set(),
}


def _pairs(value: Any, ndim: int, name: str, as_int: bool = True) -> np.ndarray:
    """``value`` (a scalar, a (before, after) pair, or one pair per axis) as an (ndim, 2)
    numpy array, numpy's rule for ``pad_width`` and the per-side options."""
    v = np.asarray(value)
    if as_int:
        if v.dtype.kind not in "iu" and not (v.dtype.kind == "f" and np.all(v == np.round(v))):
            raise TypeError(f"pad: {name} must be integers, got {value!r}")
        v = v.astype(np.int64)
    try:
        if v.ndim > 2:
            raise ValueError
        return np.broadcast_to(v, (ndim, 2))
    except ValueError:
        raise ValueError(
            f"pad: {name}={value!r} does not fit an array with {ndim} dimensions; give an int, "
            f"a (before, after) pair, or {ndim} such pairs"
        ) from None


def pad(array: Any, pad_width: Any, mode: str = "constant", **kwargs: Any) -> Any:
    """Pad an array, numpy-style.

    ``pad_width`` is an int, a ``(before, after)`` pair, or one pair per axis. ``mode`` is one
    of "constant" (``constant_values``, scalars or per-axis pairs; may be traced),
    "edge", "reflect" / "symmetric" (``reflect_type`` "even" or "odd"), "wrap",
    "linear_ramp" (``end_values``), "maximum" / "minimum" / "mean" / "median" (``stat_length``) or
    "empty" (zeros here: Arrays have no uninitialised memory).

    Example:
        >>> pad(asarray([1, 2, 3]), (1, 2), mode="reflect")
        Array([2, 1, 2, 3, 2, 1], dtype=int32)
    """
    x = asarray(array)
    if not isinstance(mode, str):
        raise NotImplementedError("pad: a callable mode is not supported; pass one of "
                                  f"{', '.join(_MODES)}")
    if mode not in _MODES:
        raise ValueError(f"pad: unknown mode {mode!r}; use one of {', '.join(_MODES)}")
    extra = set(kwargs) - _KWARGS[mode]
    if extra:
        raise ValueError(f"pad: unsupported keyword arguments for mode {mode!r}: "
                         f"{sorted(extra)} (it takes {sorted(_KWARGS[mode]) or 'none'})")
    widths = concrete_or_none(pad_width)
    if widths is None:
        raise TypeError("pad: pad_width must be concrete integers (it fixes the output shape); "
                        "under jit pass it as a static argument")
    widths = _pairs(widths, x.ndim, "pad_width")
    if np.any(widths < 0):
        raise ValueError(f"pad: pad_width must be non-negative, got {widths.tolist()}")
    widths = widths.tolist()
    if mode in ("constant", "empty"):
        return _pad_constant(x, widths, kwargs.get("constant_values", 0))
    for ax, (lo, hi) in enumerate(widths):
        if (lo or hi) and x.shape[ax] == 0:
            raise ValueError(f"pad: cannot extend the empty axis {ax} of shape {x.shape} with "
                             f"mode {mode!r}; only 'constant' and 'empty' can")
    if mode == "linear_ramp":
        ends = concrete_or_none(kwargs.get("end_values", 0))
        if ends is None:
            raise TypeError("pad: end_values must be concrete numbers for mode='linear_ramp'")
        ends = _pairs(ends, x.ndim, "end_values", as_int=False).tolist()
    if mode in ("maximum", "minimum", "mean", "median"):
        stat = kwargs.get("stat_length")
        stat = None if stat is None else _pairs(stat, x.ndim, "stat_length").tolist()
    reflect_type = kwargs.get("reflect_type", "even")
    if reflect_type not in ("even", "odd"):
        raise ValueError(f"pad: reflect_type must be 'even' or 'odd', got {reflect_type!r}")
    for ax, (lo, hi) in enumerate(widths):
        if not (lo or hi):
            continue
        if mode == "edge" or (mode == "reflect" and x.shape[ax] == 1):
            x = _pad_edge(x, ax, lo, hi)
        elif mode == "wrap":
            n = x.shape[ax]
            x = _take_static(x, (np.arange(-lo, n + hi) % n), ax)
        elif mode in ("reflect", "symmetric"):
            x = _pad_reflect(x, ax, lo, hi, mode == "symmetric", reflect_type == "odd")
        elif mode == "linear_ramp":
            x = _pad_ramp(x, ax, lo, hi, ends[ax])
        else:
            x = _pad_stat(x, ax, lo, hi, mode, None if stat is None else stat[ax])
    return x


def _config(ndim: int, ax: int, lo: int, hi: int) -> tuple:
    return tuple((lo, hi, 0) if a == ax else (0, 0, 0) for a in range(ndim))


def _pad_constant(x: Any, widths: list, values: Any) -> Any:
    if all(lo == 0 and hi == 0 for lo, hi in widths):
        return x
    # (not concrete_or_none of a tracer: under grad its primal is concrete, but then the
    # derivative with respect to the padding value would be lost)
    try:
        concrete = None if _has_tracer(values) else concrete_or_none(values)
    except ConcretizationTypeError:
        concrete = None
    if concrete is not None:
        vals = _pairs(concrete, x.ndim, "constant_values", as_int=False)
        vals = vals.astype(x.dtype) if x.dtype.kind != "b" else vals.astype(bool)
        if np.all(vals == vals.flat[0]) or x.ndim == 0:
            return S.pad(x, vals.flat[0].item(), tuple((lo, hi, 0) for lo, hi in widths))
        for ax, (lo, hi) in enumerate(widths):
            for side, width in ((0, lo), (1, hi)):
                if width:
                    cfg = _config(x.ndim, ax, width if side == 0 else 0, width if side else 0)
                    x = S.pad(x, vals[ax, side].item(), cfg)
        return x
    # Traced padding values (differentiable): one pad per side, each with its own 0-d value.
    v = asarray(values, x.dtype)
    if v.ndim == 0:
        return S.pad(x, v, tuple((lo, hi, 0) for lo, hi in widths))
    try:
        v = S.broadcast_to(v, (x.ndim, 2))
    except ValueError:
        raise ValueError(f"pad: constant_values of shape {v.shape} do not fit an array with "
                         f"{x.ndim} dimensions") from None
    for ax, (lo, hi) in enumerate(widths):
        for side, width in ((0, lo), (1, hi)):
            if width:
                value = S.reshape(S.slice_(v, (ax, side), (ax + 1, side + 1)), ())
                x = S.pad(x, value, _config(x.ndim, ax, width if side == 0 else 0,
                                            width if side else 0))
    return x


def _has_tracer(x: Any) -> bool:
    if isinstance(x, (list, tuple)):
        return any(_has_tracer(e) for e in x)
    return isinstance(x, Tracer)


def _widened(part: Any, ax: int, width: int) -> Any:
    shape = tuple(width if a == ax else s for a, s in enumerate(part.shape))
    return S.broadcast_to(part, shape)


def _pad_edge(x: Any, ax: int, lo: int, hi: int) -> Any:
    n = x.shape[ax]
    parts = []
    if lo:
        parts.append(_widened(_slice_axis(x, ax, 0, 1), ax, lo))
    parts.append(x)
    if hi:
        parts.append(_widened(_slice_axis(x, ax, n - 1, n), ax, hi))
    return S.concatenate(parts, ax)


def _pad_reflect(x: Any, ax: int, lo: int, hi: int, symmetric: bool, odd: bool) -> Any:
    """numpy's algorithm: reflect in chunks no longer than the values available so far (a
    whole number of periods of the original axis), so "odd" keeps extrapolating its trend."""
    period = x.shape[ax]
    while lo or hi:
        length = x.shape[ax]
        if symmetric:
            avail = length // period * period
        else:
            avail = (length - 1) // (period - 1) * (period - 1)
        off = 0 if symmetric else 1
        parts = [x]
        if lo:
            k = min(avail, lo)
            chunk = S.rev(_slice_axis(x, ax, off, off + k), (ax,))
            if odd:
                chunk = E.sub(E.mul(_slice_axis(x, ax, 0, 1), _two(x)), chunk)
            parts.insert(0, chunk)
            lo -= k
        if hi:
            k = min(avail, hi)
            chunk = S.rev(_slice_axis(x, ax, length - off - k, length - off), (ax,))
            if odd:
                chunk = E.sub(E.mul(_slice_axis(x, ax, length - 1, length), _two(x)), chunk)
            parts.append(chunk)
            hi -= k
        x = S.concatenate(parts, ax)
    return x


def _two(x: Any) -> Any:
    return 2.0 if x.dtype.kind in "fc" else 2


def _pad_ramp(x: Any, ax: int, lo: int, hi: int, ends: list) -> Any:
    n = x.shape[ax]
    inexact = x.dtype.kind in "fc"
    work = x if inexact else S.convert_element_type(x, dtypes.default_float)
    parts = [work]
    for side, width in ((0, lo), (1, hi)):
        if not width:
            continue
        edge = _slice_axis(work, ax, 0, 1) if side == 0 else _slice_axis(work, ax, n - 1, n)
        # before: end + (edge - end) * k / width; after: edge + (end - edge) * (k + 1) / width
        steps = np.arange(width) / width if side == 0 else (np.arange(width) + 1) / width
        t = asarray(np.asarray(steps, work.dtype).reshape(
            tuple(width if a == ax else 1 for a in range(x.ndim))))
        end = float(ends[side])
        start, stop = (end, edge) if side == 0 else (edge, end)
        ramp = E.add(start, E.mul(E.sub(stop, start), t))  # (edge's shape, width on ax)
        if side == 0:
            parts.insert(0, ramp)
        else:
            parts.append(ramp)
    out = S.concatenate(parts, ax)
    if not inexact:
        out = S.convert_element_type(E.floor(out), x.dtype)  # numpy's linspace rounds down
    return out


def _pad_stat(x: Any, ax: int, lo: int, hi: int, mode: str, stat: list | None) -> Any:
    n = x.shape[ax]
    parts = [x]
    for side, width in ((0, lo), (1, hi)):
        if not width:
            continue
        k = n if stat is None else max(1, min(operator.index(stat[side]), n))
        if stat is not None and stat[side] == 0:
            raise ValueError("pad: stat_length of 0 leaves no values to compute a statistic of")
        region = _slice_axis(x, ax, 0, k) if side == 0 else _slice_axis(x, ax, n - k, n)
        if mode == "maximum":
            value = R.reduce_max(region, (ax,))
        elif mode == "minimum":
            value = R.reduce_min(region, (ax,))
        else:
            work = region if x.dtype.kind in "fc" else S.convert_element_type(
                region, dtypes.default_float)
            if mode == "median":
                from .reductions import median

                value = median(work, axis=ax)
            else:
                value = E.div(R.reduce_sum(work, (ax,)), float(k))
            if x.dtype.kind not in "fc":  # numpy rounds the mean (median) of integers
                value = S.convert_element_type(E.round_(value), x.dtype)
        shape = tuple(width if a == ax else s for a, s in enumerate(x.shape))
        dims = tuple(a for a in range(x.ndim) if a != ax)
        block = S.broadcast_in_dim(value, shape, dims)
        if side == 0:
            parts.insert(0, block)
        else:
            parts.append(block)
    return S.concatenate(parts, ax)


__all__: list[str] = []  # pad is re-exported through shape_ops
