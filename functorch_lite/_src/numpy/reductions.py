"""Reductions with numpy's names and JAX's signatures and dtype rules: sum, prod, mean, var, std,
max/min, ptp, argmax/argmin, all/any, count_nonzero, the cumulative ones, the nan* family,
average, and the order statistics (median, quantile, percentile and their nan* versions).

Conventions (as in JAX): bool and small integer sums and products accumulate in the default int;
mean/var/std/average/quantile of integers give the default float; ``out=`` is rejected since
Arrays are immutable; ``where=`` masks elements out (max/min then need ``initial=``).

Derivatives: ties in max/min share the derivative equally (JAX's rule); prod and cumprod need no
division, so zeros are fine; std at zero variance has derivative 0 (JAX gives NaN there; 0 is the
smallest subgradient of the norm it is); median and quantile differentiate through the sort, so
the derivative goes to the selected (or interpolated) elements.
"""
from __future__ import annotations

import builtins
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import dtypes
from ..core import concrete_or_none
from ..prims import elementwise as E
from ..prims import reduce as R
from ..prims import shape as S
from ..prims import sort as So
from ._convert import asarray, check_out, promote_inexact
from .math import where
from .shape_ops import _axes, _axis, ravel

# (the reductions' ``where=`` parameter shadows the function inside them)
where_ = where

# ---- helpers -------------------------------------------------------------------------------------


def _sum_dtype(dt: np.dtype) -> np.dtype:
    # Small ints and bools sum in the default int, as in JAX.
    if dt.kind == "b" or (dt.kind in "iu" and dt.itemsize < dtypes.default_int.itemsize):
        return dtypes.default_int if dt.kind != "u" else np.dtype(
            f"uint{dtypes.default_int.itemsize * 8}")
    return dt


def _float_dtype(dt: np.dtype) -> np.dtype:
    return dt if dt.kind in "fc" else dtypes.default_float


def _reduce(fn: Callable, a: Any, axis: Any, keepdims: bool) -> Any:
    axes = _axes(axis, a.ndim)
    out = fn(a, axes)
    if keepdims:
        out = S.reshape(out, tuple(1 if i in axes else s for i, s in enumerate(a.shape)))
    return out


def _masked(a: Any, where_: Any, fill: Any) -> Any:
    """``a`` with the elements where ``where_`` is False replaced by ``fill``."""
    if where_ is None:
        return a
    mask = S.broadcast_to(asarray(where_, bool), a.shape)
    return E.select(mask, a, S.broadcast_to(asarray(fill, a.dtype), a.shape))


def _count(a: Any, axis: Any, keepdims: bool, where_: Any, dt: np.dtype) -> Any:
    """How many elements each reduction sees (an Array when ``where_`` masks some out)."""
    if where_ is None:
        axes = _axes(axis, a.ndim)
        return float(math.prod([a.shape[i] for i in axes]))
    mask = S.convert_element_type(S.broadcast_to(asarray(where_, bool), a.shape), dt)
    return _reduce(R.reduce_sum, mask, axis, keepdims)


def _isnan(a: Any) -> Any:
    return E.ne(a, a)


# ---- sums and products ---------------------------------------------------------------------------


def _sum_like(prim: Callable, identity: int, combine: Callable, fname: str) -> Callable:
    def op(a: Any, axis: Any = None, dtype: Any = None, out: None = None, keepdims: bool = False,
           initial: Any = None, where: Any = None, promote_integers: bool = True) -> Any:
        check_out(out, fname)
        a = asarray(a)
        if dtype is not None:
            dt = dtypes.canonicalize(dtype)
        elif promote_integers or a.dtype.kind == "b":
            dt = _sum_dtype(a.dtype)
        else:
            dt = a.dtype
        a = _masked(S.convert_element_type(a, dt), where, identity)
        result = _reduce(prim, a, axis, keepdims)
        if initial is not None:
            result = combine(result, asarray(initial, dt))
        return result

    op.__name__ = fname
    return op


sum = _sum_like(R.reduce_sum, 0, E.add, "sum")  # noqa: A001
sum.__doc__ = """Sum over ``axis`` (an int, tuple, or None for all).

    Bools and small ints accumulate in the default int. ``initial`` is added; ``where`` masks
    elements out.

    Example:
        >>> sum(asarray([[1.0, 2.0], [3.0, 4.0]]), axis=0)
        Array([4., 6.], dtype=float32)
    """
prod = _sum_like(R.reduce_prod, 1, E.mul, "prod")
prod.__doc__ = """Product over ``axis``; its derivative needs no division (zeros are fine).

    Example:
        >>> prod(asarray([1.0, 2.0, 3.0]))
        Array(6., dtype=float32)
    """


def mean(a: Any, axis: Any = None, dtype: Any = None, out: None = None, keepdims: bool = False,
         *, where: Any = None) -> Any:
    """Arithmetic mean over ``axis`` (of the elements ``where`` selects). Integer inputs give
    the default float.

    Example:
        >>> mean(asarray([1, 2, 3, 4]))
        Array(2.5, dtype=float32)
    """
    check_out(out, "mean")
    a = asarray(a)
    dt = dtypes.canonicalize(dtype) if dtype is not None else _float_dtype(a.dtype)
    if dt.kind not in "fc":  # an integer dtype=: of the elements in it, truncated (numpy)
        a = S.convert_element_type(a, dt)
        return _as_integer(mean(a, axis, None, None, keepdims, where=where), dt)
    a = S.convert_element_type(a, dt)
    total = _reduce(R.reduce_sum, _masked(a, where, 0), axis, keepdims)
    return E.div(total, _count(a, axis, keepdims, where, dt))


def _as_integer(x: Any, dt: np.dtype) -> Any:
    """A float statistic as the integer (or bool) ``dt`` a user asked for with ``dtype=``.
    (Dividing an integer total by the float count would have made float64.)"""
    return S.convert_element_type(x, dt)


def var(a: Any, axis: Any = None, dtype: Any = None, out: None = None, ddof: int = 0,
        keepdims: bool = False, *, where: Any = None, correction: int | float | None = None
        ) -> Any:
    """Variance over ``axis``: the mean squared deviation, divided by ``n - ddof`` (``correction``
    is the Array API name for ``ddof``).

    Example:
        >>> var(asarray([1.0, 2.0, 3.0, 4.0]), ddof=1)
        Array(1.6666666, dtype=float32)
    """
    check_out(out, "var")
    if correction is not None:
        if ddof != 0:
            raise ValueError("var: pass ddof= or correction=, not both")
        ddof = correction
    a = asarray(a)
    dt = dtypes.canonicalize(dtype) if dtype is not None else _float_dtype(a.dtype)
    a = S.convert_element_type(a, dt)
    # (an integer dtype=: the mean and the squares in it, as numpy; only the division in float)
    centered = E.sub(a, mean(a, axis, dt, keepdims=True, where=where))
    squares = _masked(E.mul(centered, centered), where, 0)
    total = _reduce(R.reduce_sum, squares, axis, keepdims)
    if dt.kind not in "fc":
        f = dtypes.default_float
        total = S.convert_element_type(total, f)
        n = _count(a, axis, keepdims, where, f)
        denom = builtins.max(n - ddof, 0.0) if isinstance(n, float) else E.max_(E.sub(n, ddof),
                                                                                0.0)
        return _as_integer(E.div(total, denom), dt)
    n = _count(a, axis, keepdims, where, dt)
    # (as numpy: n - ddof below zero counts as zero, giving inf or nan)
    denom = builtins.max(n - ddof, 0.0) if isinstance(n, float) else E.max_(E.sub(n, ddof), 0.0)
    return E.div(total, denom)


def _safe_sqrt(v: Any) -> Any:
    """sqrt with derivative 0 (not inf * 0 = NaN) where ``v`` is 0."""
    positive = E.gt(v, 0.0)
    root = E.sqrt(E.select(positive, v, S.broadcast_to(asarray(1.0, v.dtype), v.shape)))
    return E.select(positive, root, E.mul(v, 0.0))


def std(a: Any, axis: Any = None, dtype: Any = None, out: None = None, ddof: int = 0,
        keepdims: bool = False, *, where: Any = None, correction: int | float | None = None
        ) -> Any:
    """Standard deviation over ``axis`` (the square root of ``var``). At zero variance the
    derivative is 0 (JAX gives NaN).

    Example:
        >>> std(asarray([1.0, 3.0]))
        Array(1., dtype=float32)
    """
    check_out(out, "std")
    if dtype is not None and dtypes.canonicalize(dtype).kind not in "fc":
        return _as_integer(std(a, axis, None, None, ddof, keepdims, where=where,
                               correction=correction), dtypes.canonicalize(dtype))
    return _safe_sqrt(var(a, axis, dtype, None, ddof, keepdims, where=where,
                          correction=correction))


# ---- extrema -------------------------------------------------------------------------------------


def _extremum(prim: Callable, name: str) -> Callable:
    combine = E.max_ if name == "max" else E.min_

    def op(a: Any, axis: Any = None, out: None = None, keepdims: bool = False,
           initial: Any = None, where: Any = None) -> Any:
        check_out(out, name)
        a = asarray(a)
        axes = _axes(axis, a.ndim)
        if where is not None and initial is None:
            raise ValueError(f"{name}: where= needs initial= (the maximum and minimum have no "
                             "identity to fill the masked-out elements with)")
        if builtins.any(a.shape[i] == 0 for i in axes) and initial is None:
            raise ValueError(f"{name} of an empty axis has no identity; pass initial=")
        if where is not None:
            a = _masked(a, where, initial)
        result = _reduce(prim, a, axes, keepdims)
        if initial is not None:
            result = combine(result, asarray(initial, a.dtype))
        return result

    op.__name__ = name
    op.__doc__ = (f"The {name}imum over ``axis``; tied elements share its derivative equally."
                  f"\n\n    Example: ``{name}(x, axis=0)``.\n    ")
    return op


max = _extremum(R.reduce_max, "max")  # noqa: A001
min = _extremum(R.reduce_min, "min")  # noqa: A001
amax = max
amin = min


def ptp(a: Any, axis: Any = None, out: None = None, keepdims: bool = False) -> Any:
    """Peak to peak: ``max - min`` over ``axis``.

    Example:
        >>> ptp(asarray([3.0, 1.0, 5.0]))
        Array(4., dtype=float32)
    """
    check_out(out, "ptp")
    return E.sub(max(a, axis, keepdims=keepdims), min(a, axis, keepdims=keepdims))


def _arg(prim: Callable, name: str) -> Callable:
    def op(a: Any, axis: int | None = None, out: None = None, keepdims: bool | None = None
           ) -> Any:
        check_out(out, name)
        a = asarray(a)
        if axis is None:
            if a.size == 0:
                raise ValueError(f"{name} of an empty array has no answer")
            result = prim(ravel(a), 0)
            return S.reshape(result, (1,) * a.ndim) if keepdims else result
        ax = _axis(axis, a.ndim)
        if a.shape[ax] == 0:
            raise ValueError(f"{name} along an empty axis {ax} of shape {a.shape} has no answer")
        result = prim(a, ax)
        if keepdims:
            result = S.reshape(result, tuple(1 if i == ax else s for i, s in enumerate(a.shape)))
        return result

    op.__name__ = name
    op.__doc__ = (f"Indices of the {name[3:]}imum along ``axis`` (of the flattened array if "
                  f"None); the first one where there are ties or NaNs.\n\n    Example: "
                  f"``{name}(x, axis=1)``.\n    ")
    return op


argmax = _arg(R.argmax, "argmax")
argmin = _arg(R.argmin, "argmin")


def all(a: Any, axis: Any = None, out: None = None, keepdims: bool = False, *,  # noqa: A001
        where: Any = None) -> Any:
    """True where every element along ``axis`` is true. Example: ``all(x > 0, axis=0)``."""
    check_out(out, "all")
    return _bool_reduce(R.reduce_min, _masked(asarray(a, bool), where, True), axis, keepdims,
                        True)


def any(a: Any, axis: Any = None, out: None = None, keepdims: bool = False, *,  # noqa: A001
        where: Any = None) -> Any:
    """True where some element along ``axis`` is true. Example: ``any(x > 0, axis=0)``."""
    check_out(out, "any")
    return _bool_reduce(R.reduce_max, _masked(asarray(a, bool), where, False), axis, keepdims,
                        False)


def _bool_reduce(prim: Callable, a: Any, axis: Any, keepdims: bool, identity: bool) -> Any:
    """all/any as a min/max over bools; over an empty axis (where min/max have no identity)
    the result is the identity: ``all([])`` is True, ``any([])`` False, as in numpy and JAX."""
    axes = _axes(axis, a.ndim)
    if builtins.any(a.shape[i] == 0 for i in axes):
        shape = tuple(1 if i in axes else s for i, s in enumerate(a.shape) if keepdims
                      or i not in axes)
        return S.broadcast_to(asarray(identity), shape)
    return _reduce(prim, a, axes, keepdims)


def count_nonzero(a: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """How many elements along ``axis`` are not zero (in the default int).

    Example:
        >>> count_nonzero(asarray([0, 1, 2, 0]))
        Array(2, dtype=int32)
    """
    a = asarray(a)
    nonzero = E.ne(a, False if a.dtype.kind == "b" else 0)
    return _reduce(R.reduce_sum, S.convert_element_type(nonzero, dtypes.default_int), axis,
                   keepdims)


# ---- cumulative reductions -----------------------------------------------------------------------


def _cumulative(prim: Callable, fname: str, nan_fill: int | None = None) -> Callable:
    def op(a: Any, axis: int | None = None, dtype: Any = None, out: None = None) -> Any:
        check_out(out, fname)
        a = asarray(a)
        if nan_fill is not None and a.dtype.kind in "fc":
            a = where(_isnan(a), nan_fill, a)
        dt = _sum_dtype(a.dtype) if dtype is None else dtypes.canonicalize(dtype)
        a = S.convert_element_type(a, dt)
        if axis is None:
            return _accumulate(prim, ravel(a), 0)
        return _accumulate(prim, a, _axis(axis, a.ndim))

    op.__name__ = fname
    return op


def _accumulate(prim: Callable, a: Any, axis: int) -> Any:
    """``prim`` (cumsum/cumprod) along ``axis``; float16 runs in float32 and is rounded back
    once: a float16 running sum stalls (``cumsum(full(5000, 0.1, float16))`` stopped at 256)."""
    if a.dtype.kind == "f" and a.dtype.itemsize < 4:
        wide = prim(S.convert_element_type(a, np.dtype(np.float32)), axis)
        return S.convert_element_type(wide, a.dtype)
    return prim(a, axis)


cumsum = _cumulative(R.cumsum, "cumsum")
cumsum.__doc__ = """Cumulative sum along ``axis`` (of the flattened array if None).

    Example:
        >>> cumsum(asarray([1, 2, 3]))
        Array([1, 3, 6], dtype=int32)
    """
cumprod = _cumulative(R.cumprod, "cumprod")
cumprod.__doc__ = """Cumulative product along ``axis`` (of the flattened array if None); its
    derivative needs no division, so zeros are fine.

    Example:
        >>> cumprod(asarray([1, 2, 3]))
        Array([1, 2, 6], dtype=int32)
    """
nancumsum = _cumulative(R.cumsum, "nancumsum", nan_fill=0)
nancumsum.__doc__ = """``cumsum`` with NaNs counted as 0.

    Example: ``nancumsum(asarray([1.0, nan, 2.0]))`` is ``[1, 1, 3]``.
    """
nancumprod = _cumulative(R.cumprod, "nancumprod", nan_fill=1)
nancumprod.__doc__ = """``cumprod`` with NaNs counted as 1.

    Example: ``nancumprod(asarray([2.0, nan, 2.0]))`` is ``[2, 2, 4]``.
    """


def _cumulative_array_api(prim: Callable, fname: str, identity: int) -> Callable:
    def op(x: Any, /, *, axis: int | None = None, dtype: Any = None,
           include_initial: bool = False) -> Any:
        x = asarray(x)
        if x.ndim == 0:
            raise ValueError(f"{fname}: x must have at least one dimension, got a 0-d array")
        if axis is None:
            if x.ndim > 1:
                raise ValueError(f"{fname}: axis must be given for an array of {x.ndim} "
                                 "dimensions")
            axis = 0
        ax = _axis(axis, x.ndim)
        dt = _sum_dtype(x.dtype) if dtype is None else dtypes.canonicalize(dtype)
        result = _accumulate(prim, S.convert_element_type(x, dt), ax)
        if include_initial:
            config = [(0, 0, 0)] * x.ndim
            config[ax] = (1, 0, 0)
            result = S.pad(result, identity if dt.kind in "biu" else float(identity),
                           tuple(config))
        return result

    op.__name__ = fname
    return op


cumulative_sum = _cumulative_array_api(R.cumsum, "cumulative_sum", 0)
cumulative_sum.__doc__ = """Cumulative sum along ``axis`` (Array API; ``include_initial`` puts a
    leading 0).

    Example:
        >>> cumulative_sum(asarray([1, 2, 3]), include_initial=True)
        Array([0, 1, 3, 6], dtype=int32)
    """
cumulative_prod = _cumulative_array_api(R.cumprod, "cumulative_prod", 1)
cumulative_prod.__doc__ = """Cumulative product along ``axis`` (Array API; ``include_initial``
    puts a leading 1).

    Example:
        >>> cumulative_prod(asarray([1, 2, 3]))
        Array([1, 2, 6], dtype=int32)
    """


# ---- the nan* family -----------------------------------------------------------------------------


def _without_nan(a: Any, fill: Any) -> Any:
    return where(_isnan(a), fill, a) if a.dtype.kind in "fc" else a


def nansum(a: Any, axis: Any = None, dtype: Any = None, out: None = None, keepdims: bool = False,
           initial: Any = None, where: Any = None) -> Any:
    """``sum`` with NaNs counted as 0. Example: ``nansum(asarray([1.0, nan]))`` is 1."""
    return sum(_without_nan(asarray(a), 0), axis, dtype, out, keepdims, initial, where)


def nanprod(a: Any, axis: Any = None, dtype: Any = None, out: None = None,
            keepdims: bool = False, initial: Any = None, where: Any = None) -> Any:
    """``prod`` with NaNs counted as 1. Example: ``nanprod(asarray([2.0, nan]))`` is 2."""
    return prod(_without_nan(asarray(a), 1), axis, dtype, out, keepdims, initial, where)


def _not_nan_mask(a: Any, where_: Any) -> Any:
    ok = E.bitwise_not(_isnan(a)) if a.dtype.kind in "fc" else None
    if where_ is None:
        return ok
    w = S.broadcast_to(asarray(where_, bool), a.shape)
    return w if ok is None else E.bitwise_and(ok, w)


def nanmean(a: Any, axis: Any = None, dtype: Any = None, out: None = None,
            keepdims: bool = False, *, where: Any = None) -> Any:
    """``mean`` of the elements that are not NaN (NaN where there are none).

    Example: ``nanmean(asarray([1.0, nan, 3.0]))`` is 2.
    """
    a = asarray(a)
    return mean(_without_nan(a, 0), axis, dtype, out, keepdims, where=_not_nan_mask(a, where))


def nanvar(a: Any, axis: Any = None, dtype: Any = None, out: None = None, ddof: int = 0,
           keepdims: bool = False, *, where: Any = None, correction: Any = None) -> Any:
    """``var`` of the elements that are not NaN. Example: ``nanvar(asarray([1.0, nan, 3.0]))``
    is 1."""
    a = asarray(a)
    return var(_without_nan(a, 0), axis, dtype, out, ddof, keepdims,
               where=_not_nan_mask(a, where), correction=correction)


def nanstd(a: Any, axis: Any = None, dtype: Any = None, out: None = None, ddof: int = 0,
           keepdims: bool = False, *, where: Any = None, correction: Any = None) -> Any:
    """``std`` of the elements that are not NaN. Example: ``nanstd(asarray([1.0, nan, 3.0]))``
    is 1."""
    check_out(out, "nanstd")
    if dtype is not None and dtypes.canonicalize(dtype).kind not in "fc":
        return _as_integer(nanstd(a, axis, None, None, ddof, keepdims, where=where,
                                  correction=correction), dtypes.canonicalize(dtype))
    return _safe_sqrt(nanvar(a, axis, dtype, None, ddof, keepdims, where=where,
                             correction=correction))


def _nan_extremum(fn: Callable, name: str) -> Callable:
    fill = -np.inf if name == "nanmax" else np.inf

    def op(a: Any, axis: Any = None, out: None = None, keepdims: bool = False,
           initial: Any = None, where: Any = None) -> Any:
        a = asarray(a)
        if a.dtype.kind not in "fc":
            return fn(a, axis, out, keepdims, initial, where)
        nan = _isnan(a)
        result = fn(where_(nan, fill, a), axis, out, keepdims, initial, where)
        if initial is not None:  # the initial value stands in for an all-NaN slice
            return result
        all_nan = all(nan, axis, keepdims=keepdims, where=where)
        return where_(all_nan, np.nan, result)

    op.__name__ = name
    op.__doc__ = (f"``{name[3:]}`` ignoring NaNs (NaN for a slice of only NaNs).\n\n"
                  f"    Example: ``{name}(asarray([1.0, nan, 3.0]))``.\n    ")
    return op


nanmax = _nan_extremum(max, "nanmax")
nanmin = _nan_extremum(min, "nanmin")


def _nan_arg(fn: Callable, name: str) -> Callable:
    fill = -np.inf if name == "nanargmax" else np.inf

    def op(a: Any, axis: int | None = None, out: None = None, keepdims: bool | None = None
           ) -> Any:
        a = asarray(a)
        if a.dtype.kind not in "fc":
            return fn(a, axis, out, keepdims)
        nan = _isnan(a)
        result = fn(where_(nan, fill, a), axis, out, keepdims)
        all_nan = all(nan, axis, keepdims=bool(keepdims))
        return where_(all_nan, -1, result)

    op.__name__ = name
    op.__doc__ = (f"``{name[3:]}`` ignoring NaNs; -1 for a slice of only NaNs (as JAX; numpy "
                  f"raises).\n\n    Example: ``{name}(asarray([1.0, nan, 3.0]))``.\n    ")
    return op


nanargmax = _nan_arg(argmax, "nanargmax")
nanargmin = _nan_arg(argmin, "nanargmin")


# ---- average -------------------------------------------------------------------------------------


def average(a: Any, axis: Any = None, weights: Any = None, returned: bool = False,
            keepdims: bool = False) -> Any:
    """The (weighted) mean over ``axis``. ``weights`` has ``a``'s shape, or is 1-d along an int
    ``axis``; ``returned`` also gives the sum of the weights.

    Example:
        >>> average(asarray([1.0, 2.0]), weights=asarray([3.0, 1.0]))
        Array(1.25, dtype=float32)
    """
    a = asarray(a)
    if weights is None:
        (a,) = promote_inexact(a)
        avg = mean(a, axis, keepdims=keepdims)
        total = S.broadcast_to(asarray(_count(a, axis, keepdims, None, a.dtype), a.dtype),
                               S.shape_of(avg))
    else:
        a, w = promote_inexact(a, asarray(weights))
        if w.shape != a.shape:
            if axis is None or not isinstance(axis, (int, np.integer)):
                raise TypeError(f"average: weights of shape {w.shape} differ from a's shape "
                                f"{a.shape}; then axis must be an int")
            ax = _axis(axis, a.ndim)
            if w.shape != (a.shape[ax],):
                raise ValueError(f"average: 1-d weights must have the length of axis {ax} "
                                 f"({a.shape[ax]}), got shape {w.shape}")
            w = S.broadcast_in_dim(w, a.shape, (ax,))
        total = sum(w, axis, keepdims=keepdims)
        avg = E.div(sum(E.mul(a, w), axis, keepdims=keepdims), total)
    return (avg, total) if returned else avg


# ---- order statistics: median, quantile, percentile ----------------------------------------------

# Hyndman & Fan's continuous methods: the virtual index is n q + alpha + q (1 - alpha - beta) - 1.
_ALPHA_BETA = {"linear": (1.0, 1.0), "weibull": (0.0, 0.0), "hazen": (0.5, 0.5),
               "interpolated_inverted_cdf": (0.0, 1.0), "median_unbiased": (1 / 3, 1 / 3),
               "normal_unbiased": (3 / 8, 3 / 8)}
_METHODS = (*_ALPHA_BETA, "lower", "higher", "midpoint", "nearest", "inverted_cdf",
            "averaged_inverted_cdf", "closest_observation")


def _quantile(a: Any, q: Any, axis: Any, method: str, keepdims: bool, ignore_nan: bool,
              fname: str, out: Any = None, overwrite_input: bool = False, weights: Any = None
              ) -> Any:
    check_out(out, fname)
    if overwrite_input:
        raise NotImplementedError(f"{fname}: overwrite_input=True is not supported (as in "
                                  "JAX; Arrays are immutable): leave it False")
    if weights is not None:
        raise NotImplementedError(f"{fname}: weights= is not supported; repeat the samples by "
                                  "integer weights, or sort and interpolate the weighted "
                                  "cumulative sum yourself")
    if method not in _METHODS:
        raise ValueError(f"{fname}: method must be one of {_METHODS}, got {method!r}")
    (a,) = promote_inexact(asarray(a))
    if isinstance(q, (int, float, list, tuple)):  # Python numbers are weak: take a's dtype
        q = asarray(q, a.dtype)
    a, q = promote_inexact(a, asarray(q))
    q_now = concrete_or_none(q)
    if q_now is not None and np.size(q_now) and not np.all((q_now >= 0) & (q_now <= 1)):
        raise ValueError(f"{fname}: q must be in [0, 1] (percentiles in [0, 100]), got "
                         f"{np.asarray(q_now).tolist()}")
    axes = _axes(axis, a.ndim)
    kept = tuple(i for i in range(a.ndim) if i not in axes)
    n = math.prod([a.shape[i] for i in axes])
    if n == 0:
        raise ValueError(f"{fname}: cannot take a quantile of an empty axis")
    # The reduced axes, last and flattened into one: (kept..., n), then sorted (NaNs last).
    x = S.reshape(S.transpose(a, kept + axes), tuple(a.shape[i] for i in kept) + (n,))
    x = So.sort(x, x.ndim - 1)
    batch = x.shape[:-1]
    nan = _isnan(x)
    if ignore_nan:
        count = R.reduce_sum(S.convert_element_type(E.bitwise_not(nan), a.dtype), (x.ndim - 1,))
    else:
        count = S.broadcast_to(asarray(float(n), a.dtype), batch)
    # Positions: q.shape + batch.
    qb = S.broadcast_in_dim(q, q.shape + batch, tuple(range(q.ndim)))
    last = E.max_(E.sub(count, 1.0), 0.0)
    count_b = S.broadcast_in_dim(count, qb.shape, tuple(range(q.ndim, qb.ndim)))
    last_b = S.broadcast_in_dim(last, qb.shape, tuple(range(q.ndim, qb.ndim)))
    if method in _ALPHA_BETA and method != "linear":
        alpha, beta = _ALPHA_BETA[method]
        virtual = E.add(E.mul(count_b, qb), E.sub(E.add(alpha, E.mul(qb, 1.0 - alpha - beta)),
                                                  1.0))
        pos = E.min_(E.max_(virtual, 0.0), last_b)  # (numpy: the end values outside)
    else:
        pos = E.mul(qb, last_b)
    low = E.min_(E.max_(E.floor(pos), 0.0), last_b)
    high = E.min_(E.add(low, 1.0), last_b)
    frac = E.sub(pos, low)

    def pick(p: Any) -> Any:
        # x[..., p] for positions p of shape q.shape + batch: move q's axes last, gather, back.
        p = E.min_(E.max_(p, 0.0), S.broadcast_to(last, p.shape))
        idx = S.convert_element_type(p, dtypes.default_int)
        idx = S.transpose(idx, tuple(range(q.ndim, idx.ndim)) + tuple(range(q.ndim)))
        k = math.prod(q.shape)
        got = So.take_along_axis(x, S.reshape(idx, batch + (k,)), x.ndim - 1)
        got = S.reshape(got, batch + q.shape)
        nb = len(batch)
        return S.transpose(got, tuple(range(nb, nb + q.ndim)) + tuple(range(nb)))

    if method in _ALPHA_BETA:
        at_low = pick(low)
        result = E.add(at_low, E.mul(E.sub(pick(high), at_low), frac))
    elif method in ("inverted_cdf", "closest_observation", "averaged_inverted_cdf"):
        # numpy's discrete rules on the virtual index n q - 1 (- 1/2 for closest_observation)
        shift = 1.5 if method == "closest_observation" else 1.0
        virtual = E.sub(E.mul(count_b, qb), shift)
        prev = E.floor(virtual)
        exact = E.eq(virtual, prev)
        if method == "averaged_inverted_cdf":  # the midpoint where n q is an integer
            lo, hi = E.min_(E.max_(prev, 0.0), last_b), E.min_(E.max_(E.add(prev, 1.0), 0.0),
                                                               last_b)
            at_lo = pick(lo)
            weight = E.select(exact, asarray(0.5, a.dtype), asarray(1.0, a.dtype))
            result = E.add(at_lo, E.mul(E.sub(pick(hi), at_lo), weight))
        else:
            keep_prev = exact if method == "inverted_cdf" else E.bitwise_and(
                exact, E.eq(E.sub(prev, E.mul(E.floor(E.mul(prev, 0.5)), 2.0)), 1.0))
            result = pick(E.select(keep_prev, prev, E.add(prev, 1.0)))
    elif method == "lower":
        result = pick(low)
    elif method == "higher":
        result = pick(E.ceil(pos))
    elif method == "midpoint":
        result = E.mul(E.add(pick(low), pick(E.ceil(pos))), 0.5)
    else:  # nearest, halves to even (numpy's rule)
        result = pick(E.round_(pos))
    if not ignore_nan:  # any NaN in a slice makes its quantiles NaN
        has_nan = R.reduce_max(nan, (x.ndim - 1,))
        result = where(S.broadcast_in_dim(has_nan, result.shape,
                                          tuple(range(q.ndim, result.ndim))), np.nan, result)
    if keepdims:
        shape = q.shape + tuple(1 if i in axes else s for i, s in enumerate(a.shape))
        result = S.reshape(result, shape)
    return result


def quantile(a: Any, q: Any, axis: Any = None, out: None = None, overwrite_input: bool = False,
             method: str = "linear", keepdims: bool = False, *, weights: Any = None) -> Any:
    """The ``q``-th quantiles (``q`` in [0, 1], a scalar or array: its axes come first) over
    ``axis``. ``method``: "linear" (default), "lower", "higher", "midpoint", "nearest", or
    one of numpy's other Hyndman-Fan methods ("weibull", "hazen", "median_unbiased",
    "normal_unbiased", "interpolated_inverted_cdf", "inverted_cdf", "averaged_inverted_cdf",
    "closest_observation"). NaN in a slice gives NaN. Differentiable in ``a`` (through the
    sort) and, for the interpolating methods, in ``q``.

    Example:
        >>> quantile(asarray([1.0, 2.0, 3.0, 4.0]), 0.5)
        Array(2.5, dtype=float32)
    """
    return _quantile(a, q, axis, method, keepdims, False, "quantile", out, overwrite_input,
                     weights)


def nanquantile(a: Any, q: Any, axis: Any = None, out: None = None,
                overwrite_input: bool = False, method: str = "linear", keepdims: bool = False,
                *, weights: Any = None) -> Any:
    """``quantile`` ignoring NaNs (NaN for a slice of only NaNs).

    Example: ``nanquantile(asarray([1.0, nan, 3.0]), 0.5)`` is 2.
    """
    return _quantile(a, q, axis, method, keepdims, True, "nanquantile", out, overwrite_input,
                     weights)


def _percent(q: Any) -> Any:
    if isinstance(q, (int, float, list, tuple)):
        return (np.asarray(q, np.float64) / 100.0).tolist()  # still weak Python numbers
    (q,) = promote_inexact(asarray(q))
    return E.div(q, 100.0)


def percentile(a: Any, q: Any, axis: Any = None, out: None = None, overwrite_input: bool = False,
               method: str = "linear", keepdims: bool = False, *, weights: Any = None) -> Any:
    """``quantile`` with ``q`` in percent (0 to 100).

    Example: ``percentile(asarray([1.0, 2.0, 3.0]), 50)`` is 2.
    """
    return _quantile(a, _percent(q), axis, method, keepdims, False, "percentile", out,
                     overwrite_input, weights)


def nanpercentile(a: Any, q: Any, axis: Any = None, out: None = None,
                  overwrite_input: bool = False, method: str = "linear", keepdims: bool = False,
                  *, weights: Any = None) -> Any:
    """``nanquantile`` with ``q`` in percent (0 to 100).

    Example: ``nanpercentile(asarray([1.0, nan, 3.0]), 50)`` is 2.
    """
    return _quantile(a, _percent(q), axis, method, keepdims, True, "nanpercentile", out,
                     overwrite_input, weights)


def median(a: Any, axis: Any = None, out: None = None, overwrite_input: bool = False,
           keepdims: bool = False) -> Any:
    """The median over ``axis`` (the mean of the two middle values for an even count); its
    derivative goes to the middle element(s).

    Example:
        >>> median(asarray([3.0, 1.0, 2.0, 10.0]))
        Array(2.5, dtype=float32)
    """
    return _quantile(a, 0.5, axis, "linear", keepdims, False, "median", out, overwrite_input)


def nanmedian(a: Any, axis: Any = None, out: None = None, overwrite_input: bool = False,
              keepdims: bool = False) -> Any:
    """``median`` ignoring NaNs. Example: ``nanmedian(asarray([1.0, nan, 3.0]))`` is 2."""
    return _quantile(a, 0.5, axis, "linear", keepdims, True, "nanmedian", out, overwrite_input)


# The public names functorch_lite.numpy re-exports from this module.
__all__ = [
    "all", "amax", "amin", "any", "argmax", "argmin", "average", "count_nonzero", "cumprod",
    "cumsum", "cumulative_prod", "cumulative_sum", "max", "mean", "median", "min", "nanargmax",
    "nanargmin", "nancumprod", "nancumsum", "nanmax", "nanmean", "nanmedian", "nanmin",
    "nanpercentile", "nanprod", "nanquantile", "nanstd", "nansum", "nanvar", "percentile", "prod",
    "ptp", "quantile", "std", "sum", "var",
]
