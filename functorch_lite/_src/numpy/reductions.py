"""Reductions with numpy's names: sum, mean, max/min, argmax/argmin, cumsum, all/any, var/std."""
from __future__ import annotations

import builtins
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import dtypes
from ..prims import elementwise as E
from ..prims import reduce as R
from ..prims import shape as S
from ._convert import asarray
from .math import maximum, minimum, multiply, sqrt, subtract
from .shape_ops import _axes, _axis, ravel

# ---- reductions ----------------------------------------------------------------------------------


def _sum_dtype(dt: np.dtype) -> np.dtype:
    # Small ints and bools sum in the default int, as in JAX.
    if dt.kind == "b" or (dt.kind in "iu" and dt.itemsize < dtypes.default_int.itemsize):
        return dtypes.default_int if dt.kind != "u" else np.dtype(
            f"uint{dtypes.default_int.itemsize * 8}")
    return dt


def _reduce(fn: Callable, a: Any, axis: Any, keepdims: bool) -> Any:
    axes = _axes(axis, a.ndim)
    out = fn(a, axes)
    if keepdims:
        out = S.reshape(out, tuple(1 if i in axes else s for i, s in enumerate(a.shape)))
    return out


def sum(a: Any, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Any:  # noqa: A001
    """Sum over ``axis`` (an int, tuple, or None for all). Example: ``sum(x, axis=0)``."""
    a = asarray(a)
    dt = _sum_dtype(a.dtype) if dtype is None else dtypes.canonicalize(dtype)
    return _reduce(R.reduce_sum, S.convert_element_type(a, dt), axis, keepdims)


def mean(a: Any, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Any:
    """Arithmetic mean over ``axis``. Integer inputs give the default float."""
    a = asarray(a)
    dt = dtypes.canonicalize(dtype) if dtype is not None else (
        a.dtype if a.dtype.kind in "fc" else dtypes.default_float)
    a = S.convert_element_type(a, dt)
    axes = _axes(axis, a.ndim)
    n = math.prod([a.shape[i] for i in axes])
    return E.div(_reduce(R.reduce_sum, a, axes, keepdims), float(n))


def _extremum(fn: Callable, name: str) -> Callable:
    def op(a: Any, axis: Any = None, keepdims: bool = False, initial: Any = None) -> Any:
        a = asarray(a)
        axes = _axes(axis, a.ndim)
        if builtins.any(a.shape[i] == 0 for i in axes) and initial is None:
            raise ValueError(f"{name} of an empty axis has no identity; pass initial=")
        out = _reduce(fn, a, axes, keepdims)
        if initial is not None:
            out = (maximum if name == "max" else minimum)(out, initial)
        return out

    op.__name__ = name
    op.__doc__ = f"The {name}imum over ``axis``. Example: ``{name}(x, axis=0)``."
    return op


max = _extremum(R.reduce_max, "max")  # noqa: A001
min = _extremum(R.reduce_min, "min")  # noqa: A001
amax = max
amin = min


def _arg(fn: Callable, name: str) -> Callable:
    def op(a: Any, axis: int | None = None, keepdims: bool = False) -> Any:
        a = asarray(a)
        if axis is None:
            out = fn(ravel(a), 0)
            return S.reshape(out, (1,) * a.ndim) if keepdims else out
        ax = _axis(axis, a.ndim)
        out = fn(a, ax)
        if keepdims:
            out = S.reshape(out, tuple(1 if i == ax else s for i, s in enumerate(a.shape)))
        return out

    op.__name__ = name
    op.__doc__ = f"Indices of the {name[3:]}imum along ``axis`` (flattened if None)."
    return op


argmax = _arg(R.argmax, "argmax")
argmin = _arg(R.argmin, "argmin")


def cumsum(a: Any, axis: int | None = None, dtype: Any = None) -> Any:
    """Cumulative sum along ``axis`` (of the flattened array if None)."""
    a = asarray(a)
    dt = _sum_dtype(a.dtype) if dtype is None else dtypes.canonicalize(dtype)
    a = S.convert_element_type(a, dt)
    if axis is None:
        return R.cumsum(ravel(a), 0)
    return R.cumsum(a, _axis(axis, a.ndim))


def all(a: Any, axis: Any = None, keepdims: bool = False) -> Any:  # noqa: A001
    """True where every element along ``axis`` is true."""
    return _reduce(R.reduce_min, asarray(a, bool), axis, keepdims)


def any(a: Any, axis: Any = None, keepdims: bool = False) -> Any:  # noqa: A001
    """True where some element along ``axis`` is true."""
    return _reduce(R.reduce_max, asarray(a, bool), axis, keepdims)


def var(a: Any, axis: Any = None, ddof: int = 0, keepdims: bool = False) -> Any:
    """Variance over ``axis`` with ``ddof`` delta degrees of freedom."""
    a = asarray(a)
    m = mean(a, axis, keepdims=True)
    d = subtract(a, m)
    axes = _axes(axis, a.ndim)
    n = math.prod([a.shape[i] for i in axes])
    return E.div(sum(multiply(d, d), axis, keepdims=keepdims), float(n - ddof))


def std(a: Any, axis: Any = None, ddof: int = 0, keepdims: bool = False) -> Any:
    """Standard deviation over ``axis``."""
    return sqrt(var(a, axis, ddof, keepdims))


# The public names functorch_lite.numpy re-exports from this module.
__all__ = [
    "all", "amax", "amin", "any", "argmax", "argmin", "cumsum", "max", "mean", "min", "std", "sum",
    "var"
]
