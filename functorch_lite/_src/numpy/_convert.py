"""Turning user inputs into Arrays, and dtype promotion before a primitive is bound."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes
from ..array import Array
from ..core import Tracer, _backends_in_use
from ..prims.shape import convert_element_type, convert_element_type_p

_WEAK_RANK = {bool: 0, int: 1, float: 2, complex: 3}


def is_arraylike(x: Any) -> bool:
    return type(x) is Array or isinstance(x, Tracer)


def _strong_leaf_dtype(x: Any) -> np.dtype | None:
    """The widest strong (numpy) dtype in a nested list; None if it holds only Python scalars."""
    if isinstance(x, (list, tuple)):
        found = None
        for e in x:
            d = _strong_leaf_dtype(e)
            if d is not None:
                found = d if found is None else dtypes.promote_types(found, d)
        return found
    if isinstance(x, (np.ndarray, np.generic)):
        return x.dtype
    return None


def _contains_traced(x: Any) -> bool:
    if isinstance(x, (list, tuple)):
        return any(_contains_traced(e) for e in x)
    return is_arraylike(x)


def asarray(x: Any, dtype: Any = None, copy: bool | None = None, *, device: Any = None) -> Any:
    """Convert ``x`` to an Array (tracers pass through). Python scalars and lists become the
    default dtypes (float32/int32); numpy arrays keep their dtype; ``dtype`` converts;
    ``device`` (``"cpu"``/``"gpu"``) places the result.

    Example:
        >>> asarray([1, 2]).dtype
        dtype('int32')
    """
    if device is not None:
        from ..array import on_device

        return on_device(asarray(x, dtype, copy), device)
    want = None if dtype is None else dtypes.canonicalize(dtype)
    if type(x) is Array or isinstance(x, Tracer):
        if x.__class__ is not Array and x.weak_type:
            # A traced Python scalar (jit argument): eagerly asarray makes it a strong Array,
            # so it stops being weak here too (a same-dtype conversion is a strong result).
            x = convert_element_type_p.bind(x, new_dtype=x.dtype)
        if want is not None and x.dtype != want:
            return convert_element_type(x, want)
        return x
    if dtypes.is_python_scalar(x):
        return Array(np.asarray(x, dtype=want or dtypes.python_scalar_dtype(x)))
    if isinstance(x, (list, tuple)):
        if _contains_traced(x):
            from .shape_ops import stack

            return asarray(stack([asarray(e) for e in x]), dtype=want)
        value = np.asarray(x)
        if want is None and value.dtype.kind in "biufc":
            # Python scalars in the list are weak, numpy scalars strong (as for operators).
            strong = _strong_leaf_dtype(x)
            rank = dtypes.kind_rank(value.dtype)
            if strong is None or rank > dtypes.kind_rank(strong):
                want = dtypes.default_dtype_for_rank(rank)
            else:
                want = strong
        elif want is None:
            want = value.dtype
        return _from_numpy(value.astype(want, copy=False), copy=False)
    if isinstance(x, (np.ndarray, np.generic)):
        value = np.asarray(x)
        if want is not None and value.dtype != want:
            return _from_numpy(value.astype(want), copy=False)
        # Arrays are immutable: take a private copy so later writes to `x` cannot leak in.
        return _from_numpy(value, copy=copy is not False)
    if type(x).__module__.startswith("cupy"):
        _backends_in_use["cupy"] = True
        value = x if want is None else x.astype(want)
        return Array(value.copy() if copy is not False else value)
    if hasattr(x, "__jax_array__"):
        return asarray(x.__jax_array__(), dtype)
    if hasattr(x, "__array__"):
        return asarray(np.asarray(x), dtype)
    raise TypeError(
        f"cannot convert an object of type {type(x).__name__} to an Array; pass a number, a "
        "(nested) list, a numpy array or an Array"
    )


def _from_numpy(value: np.ndarray, copy: bool) -> Array:
    if value.dtype.kind not in "biufc":
        raise TypeError(f"Arrays hold numeric or bool data, got dtype {value.dtype}")
    if copy:
        value = value.copy()
    return Array(value)


def as_operand(x: Any, name: str = "argument") -> Any:
    """Arrays and tracers as they are; Python scalars stay weak; anything else via asarray."""
    if type(x) is Array or isinstance(x, Tracer) or dtypes.is_python_scalar(x):
        return x
    try:
        return asarray(x)
    except TypeError:
        raise TypeError(
            f"{name} of type {type(x).__name__} is not an array, a number or a list"
        ) from None


def _fast_common_dtype(args: tuple) -> np.dtype | None:
    """The shared dtype when no conversion is needed (the common case), else None."""
    common = None
    weak = -1
    for a in args:
        t = type(a)
        if t is Array:
            dt = a._value.dtype
        elif isinstance(a, Tracer):
            if a.weak_type:
                return None
            dt = a.dtype
        else:
            rank = _WEAK_RANK.get(t)
            if rank is None:
                return None
            weak = rank if rank > weak else weak
            continue
        if common is None:
            common = dt
        elif dt != common:
            return None
    if common is None or weak > dtypes.kind_rank(common):
        return None
    return common


def check_out(out: Any, fname: str) -> None:
    """Raise for numpy's ``out=`` argument: Arrays are immutable, so there is nothing to write
    the result into; the caller uses the returned value instead."""
    if out is not None:
        raise NotImplementedError(
            f"{fname}: out= is not supported (Arrays are immutable); use the returned value"
        )


def promote(*args: Any) -> tuple:
    """Bring ``args`` to one dtype by the promotion table; Python scalars stay weak scalars."""
    if _fast_common_dtype(args) is not None:
        return args
    args = [as_operand(a) for a in args]
    dt = dtypes.result_type(*args)
    out = []
    for a in args:
        if dtypes.is_python_scalar(a):
            out.append(a)  # weak: numpy keeps the array's dtype (NEP 50)
        elif a.dtype != dt:
            out.append(convert_element_type(a, dt))
        else:
            out.append(a)
    if all(dtypes.is_python_scalar(a) for a in out):
        out[0] = asarray(out[0], dt)  # only scalars: one must carry the dtype
    return tuple(out)


def promote_inexact(*args: Any) -> list:
    """Like ``promote``, then ints and bools become the default float (for exp, sin, ...)."""
    common = _fast_common_dtype(args)
    if common is not None and common.kind in "fc":
        return args
    args = promote(*args)
    dt = dtypes.result_type(*args)
    if dt.kind in "fc":
        return args
    f = dtypes.default_float
    # A Python scalar becomes a Python float: still weak, as Python's own ``3 / 2`` is.
    return [float(a) if dtypes.is_python_scalar(a) else convert_element_type(a, f) for a in args]
