"""Dtype defaults and the type-promotion table.

Promotion follows JAX's lattice in spirit (see docs/dtypes.md):

* Arrays (and numpy inputs) carry *strong* dtypes that are always honoured: a float64 numpy array
  stays float64.
* Python scalars are *weak*: ``x * 2.0`` keeps ``x``'s dtype. A weak scalar of a higher kind than
  the array (``int_array * 2.5``) gives the default dtype of that kind (float32, or float64 with
  ``jax_enable_x64``).
* Mixing kinds between strong dtypes gives the higher kind's dtype (``int32 + float16 -> float16``);
  within a kind the wider type wins (``float32 + float64 -> float64``).
"""
from __future__ import annotations

import functools

import numpy as np

from .config import config

bool_ = np.dtype(np.bool_)
float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
int32 = np.dtype(np.int32)
int64 = np.dtype(np.int64)

# Filled in by _refresh_defaults from config.jax_enable_x64.
default_float = float32
default_int = int32
default_complex = np.dtype(np.complex64)


def _refresh_defaults() -> None:
    global default_float, default_int, default_complex
    x64 = config.jax_enable_x64
    default_float = float64 if x64 else float32
    default_int = int64 if x64 else int32
    default_complex = np.dtype(np.complex128 if x64 else np.complex64)


_refresh_defaults()

# Kinds ordered bool < int < float < complex; unsigned ints count as ints.
_KIND_RANK = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}


def kind_rank(dtype: np.dtype) -> int:
    return _KIND_RANK[dtype.kind]


def default_dtype_for_rank(rank: int) -> np.dtype:
    return (bool_, default_int, default_float, default_complex)[rank]


def python_scalar_dtype(x: object) -> np.dtype:
    """The default dtype a Python scalar becomes when it must be an array on its own."""
    if isinstance(x, bool):
        return bool_
    if isinstance(x, int):
        return default_int
    if isinstance(x, float):
        return default_float
    if isinstance(x, complex):
        return default_complex
    raise TypeError(f"not a Python scalar: {type(x).__name__}")


def is_python_scalar(x: object) -> bool:
    return type(x) in (int, float, bool, complex)


def python_scalar_rank(x: object) -> int:
    t = type(x)
    return 0 if t is bool else 1 if t is int else 2 if t is float else 3


@functools.cache
def promote_types(a: np.dtype, b: np.dtype) -> np.dtype:
    """Promote two strong dtypes (see the module docstring for the table)."""
    if a == b:
        return a
    ra, rb = kind_rank(a), kind_rank(b)
    if ra != rb:
        hi, lo = (a, b) if ra > rb else (b, a)
        if hi.kind == "c" and lo.kind == "f" and hi.itemsize < 2 * lo.itemsize:
            return np.dtype(f"complex{16 * lo.itemsize}")  # float64 + complex64 -> complex128
        return hi
    out = np.promote_types(a, b)
    if kind_rank(out) != ra:  # e.g. uint64 + int64, which numpy sends to float64
        return int64
    return out


def result_type(*args: object) -> np.dtype:
    """The dtype of an elementwise operation over ``args`` (arrays, tracers, Python scalars)."""
    strong = None
    weak_rank = -1
    for a in args:
        if is_python_scalar(a):
            weak_rank = max(weak_rank, python_scalar_rank(a))
            continue
        if getattr(a, "weak_type", False):  # a traced Python scalar (jit argument)
            weak_rank = max(weak_rank, kind_rank(a.dtype))
            continue
        dt = dtype_of(a)
        strong = dt if strong is None else promote_types(strong, dt)
    if strong is None:
        return default_dtype_for_rank(weak_rank)
    if weak_rank > kind_rank(strong):
        if weak_rank == 3 and strong.kind == "f":  # float64 * 1j -> complex128
            return promote_types(strong, default_complex)
        return default_dtype_for_rank(weak_rank)
    return strong


def dtype_of(x: object) -> np.dtype:
    dt = getattr(x, "dtype", None)
    if dt is not None:
        return np.dtype(dt)
    if is_python_scalar(x):
        return python_scalar_dtype(x)
    return np.asarray(x).dtype


def canonicalize(dtype: object) -> np.dtype:
    """Turn a user's dtype spec (``float``, ``"float32"``, ``np.float64``...) into a numpy dtype.

    Python's ``float``/``int`` mean the *default* float/int, as in JAX.
    """
    if dtype is float:
        return default_float
    if dtype is int:
        return default_int
    if dtype is bool:
        return bool_
    if dtype is complex:
        return default_complex
    try:
        return np.dtype(dtype)
    except TypeError as e:
        raise TypeError(f"{dtype!r} is not a valid dtype") from e


def is_float(dtype: np.dtype) -> bool:
    return dtype.kind in "fc"


def short_name(dtype: np.dtype) -> str:
    """JAX-style short dtype names for the IR printer: f32, i32, bool..."""
    if dtype.kind == "b":
        return "bool"
    return f"{dtype.kind}{dtype.itemsize * 8}"


def finfo_eps(dtype: np.dtype) -> float:
    return float(np.finfo(dtype).eps)
