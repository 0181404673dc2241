"""Array creation: array, asarray, zeros, ones, full, *_like, arange, linspace, eye."""
from __future__ import annotations

import operator
from typing import Any

import numpy as np

from .. import dtypes
from ..array import Array
from ._convert import asarray


def _shape(shape: Any) -> tuple[int, ...]:
    # operator.index gives traced sizes a TracerIntegerConversionError that says what to do.
    if isinstance(shape, (int, np.integer)) or getattr(shape, "ndim", None) == 0:
        return (operator.index(shape),)
    return tuple(operator.index(s) for s in shape)


def _dt(dtype: Any, default: np.dtype) -> np.dtype:
    return default if dtype is None else dtypes.canonicalize(dtype)


def array(object: Any, dtype: Any = None, copy: bool = True) -> Any:
    """Create an Array from a number, nested list, numpy array or Array (always a new value).

    Example:
        >>> array([[1., 2.], [3., 4.]]).shape
        (2, 2)
    """
    return asarray(object, dtype=dtype, copy=copy)


def zeros(shape: Any, dtype: Any = None) -> Array:
    """An array of zeros. Example: ``zeros((2, 3))`` is a float32 (2, 3) array of 0."""
    return Array(np.zeros(_shape(shape), _dt(dtype, dtypes.default_float)))


def ones(shape: Any, dtype: Any = None) -> Array:
    """An array of ones. Example: ``ones(3, dtype=int)`` is ``Array([1, 1, 1], dtype=int32)``."""
    return Array(np.ones(_shape(shape), _dt(dtype, dtypes.default_float)))


def full(shape: Any, fill_value: Any, dtype: Any = None) -> Any:
    """An array filled with ``fill_value``. Example: ``full((2,), 7.0)``."""
    from .shape_ops import broadcast_to

    if dtype is None and dtypes.is_python_scalar(fill_value):
        dtype = dtypes.python_scalar_dtype(fill_value)
    return broadcast_to(asarray(fill_value, dtype), _shape(shape))


def empty(shape: Any, dtype: Any = None) -> Array:
    """Like ``zeros`` (Arrays are immutable, so uninitialised memory is never useful)."""
    return zeros(shape, dtype)


def _like_shape_dtype(a: Any, dtype: Any, shape: Any) -> tuple[tuple, np.dtype]:
    a = asarray(a)
    return (a.shape if shape is None else _shape(shape),
            a.dtype if dtype is None else dtypes.canonicalize(dtype))


def zeros_like(a: Any, dtype: Any = None, shape: Any = None) -> Array:
    """Zeros with the shape and dtype of ``a``. Example: ``zeros_like(x)``."""
    s, d = _like_shape_dtype(a, dtype, shape)
    return Array(np.zeros(s, d))


def ones_like(a: Any, dtype: Any = None, shape: Any = None) -> Array:
    """Ones with the shape and dtype of ``a``. Example: ``ones_like(x)``."""
    s, d = _like_shape_dtype(a, dtype, shape)
    return Array(np.ones(s, d))


def full_like(a: Any, fill_value: Any, dtype: Any = None, shape: Any = None) -> Any:
    """``fill_value`` with the shape and dtype of ``a``. Example: ``full_like(x, 2.0)``."""
    s, d = _like_shape_dtype(a, dtype, shape)
    return full(s, fill_value, d)


def empty_like(a: Any, dtype: Any = None, shape: Any = None) -> Array:
    """Like ``zeros_like``."""
    return zeros_like(a, dtype, shape)


def arange(start: Any, stop: Any = None, step: Any = None, dtype: Any = None) -> Array:
    """Evenly spaced values in ``[start, stop)``; int32 for int arguments, as in JAX.

    Example:
        >>> arange(3)
        Array([0, 1, 2], dtype=int32)
    """
    args = [a for a in (start, stop, step) if a is not None]
    for a in args:
        if not isinstance(a, (int, float, np.number)) and not (
            type(a) is Array and a.ndim == 0
        ):
            raise TypeError(
                f"arange needs concrete numbers for start/stop/step, got {type(a).__name__}; "
                "under jit, pass them as static arguments"
            )
    values = [a.item() if type(a) is Array else a for a in args]
    out = np.arange(*values)
    if dtype is None:
        dtype = dtypes.default_dtype_for_rank(dtypes.kind_rank(out.dtype))
    return Array(out.astype(dtypes.canonicalize(dtype)))


def linspace(start: float, stop: float, num: int = 50, endpoint: bool = True,
             dtype: Any = None) -> Array:
    """``num`` evenly spaced numbers from ``start`` to ``stop``. Example: ``linspace(0, 1, 5)``."""
    out = np.linspace(float(start), float(stop), int(num), endpoint=endpoint)
    return Array(out.astype(_dt(dtype, dtypes.default_float)))


def eye(N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> Array:
    """The identity matrix (ones on diagonal ``k``). Example: ``eye(2)``."""
    return Array(np.eye(N, M, k, dtype=_dt(dtype, dtypes.default_float)))


def identity(n: int, dtype: Any = None) -> Array:
    """The ``n`` by ``n`` identity matrix."""
    return eye(n, dtype=dtype)


# The public names functorch_lite.numpy re-exports from this module.
__all__ = [
    "arange", "array", "empty", "empty_like", "eye", "full", "full_like", "identity", "linspace",
    "ones", "ones_like", "zeros", "zeros_like"
]
