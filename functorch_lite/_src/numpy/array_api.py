"""The Array API standard (2023.12) pieces of ``functorch_lite.numpy`` that numpy's names lack.

``functorch_lite.numpy`` is itself the standard's namespace (``x.__array_namespace__()``
returns it): the data type objects and functions (``isdtype``, ``finfo``, ``astype``,
``result_type``...), the inspection API (``__array_namespace_info__``), ``from_dlpack``, and a
few cheap jax.numpy names built on the same functions (dtype helpers, ``diff``, ``copy``...).
Devices are the strings ``"cpu"`` and ``"gpu"`` (the values of ``Array.device``).
See docs/array_api.md.
"""
from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from .. import dtypes
from ..array import Array, check_device, on_device
from ..core import Tracer
from ..prims import elementwise as E
from . import math as _math
from ._convert import asarray

__array_api_version__ = "2023.12"
_API_VERSIONS = ("2021.12", "2022.12", "2023.12")

# ---- data type objects ---------------------------------------------------------------------
# numpy's scalar types, as in functorch_lite.numpy's other dtype names: they compare equal to
# the dtypes of arrays (``x.dtype == float32``) and hash like them, as the standard asks.
bool = np.bool_  # noqa: A001  (the standard's name)
uint16, uint64 = np.uint16, np.uint64
single, double, csingle, cdouble = np.float32, np.float64, np.complex64, np.complex128
int_, uint, float_, complex_ = np.int64, np.uint64, np.float64, np.complex128
generic, number, inexact, floating = np.generic, np.number, np.inexact, np.floating
complexfloating, integer = np.complexfloating, np.integer
signedinteger, unsignedinteger = np.signedinteger, np.unsignedinteger
character, flexible, object_ = np.character, np.flexible, np.object_
ComplexWarning = np.exceptions.ComplexWarning
euler_gamma = float(np.euler_gamma)

# The dtypes the standard names, by kind (bool first, then ints, floats, complex).
_SPEC_DTYPES = {
    "bool": np.dtype(np.bool_),
    **{f"int{b}": np.dtype(f"int{b}") for b in (8, 16, 32, 64)},
    **{f"uint{b}": np.dtype(f"uint{b}") for b in (8, 16, 32, 64)},
    "float32": np.dtype(np.float32), "float64": np.dtype(np.float64),
    "complex64": np.dtype(np.complex64), "complex128": np.dtype(np.complex128),
}
# isdtype's kinds: the dtype kind characters each one covers.
_KINDS = {
    "bool": "b", "signed integer": "i", "unsigned integer": "u", "integral": "iu",
    "real floating": "f", "complex floating": "c", "numeric": "iufc",
}


def _to_dtype(x: Any, name: str) -> np.dtype:
    """A dtype from a dtype spec, an Array, a tracer or a numpy array (its dtype)."""
    if isinstance(x, (Array, Tracer, np.ndarray, np.generic)):
        return np.dtype(x.dtype)
    try:
        return dtypes.canonicalize(x)
    except TypeError:
        raise TypeError(
            f"{name}: expected a dtype or an array, got {x!r} of type {type(x).__name__}"
        ) from None


def isdtype(dtype: Any, kind: Any) -> builtins.bool:
    """Whether ``dtype`` is of ``kind``: a dtype, a kind name (``"bool"``, ``"signed integer"``,
    ``"unsigned integer"``, ``"integral"``, ``"real floating"``, ``"complex floating"``,
    ``"numeric"``) or a tuple of them.

    Example:
        >>> isdtype(float32, "real floating"), isdtype(int8, ("bool", "unsigned integer"))
        (True, False)
    """
    dt = _to_dtype(dtype, "isdtype")
    if isinstance(kind, tuple):
        return builtins.any(isdtype(dt, k) for k in kind)
    if isinstance(kind, str):
        chars = _KINDS.get(kind)
        if chars is None:
            raise ValueError(
                f"isdtype: unknown kind {kind!r}; use a dtype or one of {sorted(_KINDS)}"
            )
        return dt.kind in chars
    return dt == _to_dtype(kind, "isdtype")


def finfo(type: Any, /) -> np.finfo:  # noqa: A002  (the standard's name)
    """Machine limits of a floating dtype (or of an array's dtype): ``bits``, ``eps``, ``max``,
    ``min``, ``smallest_normal``, ``dtype``.

    Example:
        >>> float(finfo(float32).eps)
        1.1920928955078125e-07
    """
    dt = _to_dtype(type, "finfo")
    if dt.kind not in "fc":
        raise TypeError(f"finfo: needs a floating dtype, got {dt}; use iinfo for integers")
    return np.finfo(dt)


def iinfo(type: Any, /) -> np.iinfo:  # noqa: A002
    """Machine limits of an integer dtype (or of an array's dtype): ``bits``, ``max``, ``min``,
    ``dtype``.

    Example:
        >>> iinfo(int8).min
        -128
    """
    dt = _to_dtype(type, "iinfo")
    if dt.kind not in "iu":
        raise TypeError(f"iinfo: needs an integer dtype, got {dt}; use finfo for floats")
    return np.iinfo(dt)


def _weak_or_dtype(x: Any) -> Any:
    """result_type's operands: Python scalars (and the types int/float/complex) stay weak."""
    if dtypes.is_python_scalar(x) or isinstance(x, (Array, Tracer)):
        return x
    if x in (int, float, complex, builtins.bool):
        return x()  # the weak scalar of that kind: 0, 0.0, 0j, False
    if isinstance(x, (np.ndarray, np.generic)):
        return np.empty((), x.dtype)
    return np.empty((), _to_dtype(x, "result_type"))


def result_type(*arrays_and_dtypes: Any) -> np.dtype:
    """The dtype that promoting the arguments gives (arrays, dtypes, Python scalars), by
    functorch_lite's table (docs/dtypes.md): Python scalars are weak.

    Example:
        >>> result_type(int8, uint8), result_type(float32, 1.0)
        (dtype('int16'), dtype('float32'))
    """
    if not arrays_and_dtypes:
        raise ValueError("result_type: pass at least one array or dtype")
    return dtypes.result_type(*[_weak_or_dtype(a) for a in arrays_and_dtypes])


def promote_types(a: Any, b: Any) -> np.dtype:
    """The dtype two dtypes promote to (functorch_lite's table, as jax.numpy's).

    Example:
        >>> promote_types(int32, float32)
        dtype('float32')
    """
    return dtypes.promote_types(_to_dtype(a, "promote_types"), _to_dtype(b, "promote_types"))


def can_cast(from_: Any, to: Any, /, casting: str = "safe") -> builtins.bool:
    """Whether ``from_`` (a dtype or an array) casts to ``to`` under ``casting`` (numpy's rule;
    ``"safe"`` by default: no loss of values).

    Example:
        >>> can_cast(int8, int16), can_cast(float64, float32)
        (True, False)
    """
    return builtins.bool(np.can_cast(_to_dtype(from_, "can_cast"), _to_dtype(to, "can_cast"),
                                     casting=casting))


def issubdtype(arg1: Any, arg2: Any) -> builtins.bool:
    """numpy's ``issubdtype``: whether ``arg1`` is ``arg2`` or below it in the type hierarchy
    (``arg2`` may be an abstract type such as ``floating``).

    Example:
        >>> issubdtype(float32, floating), issubdtype(int32, floating)
        (True, False)
    """
    if isinstance(arg1, (Array, Tracer)):
        arg1 = arg1.dtype
    return builtins.bool(np.issubdtype(arg1, arg2))


def astype(x: Any, dtype: Any, /, *, copy: builtins.bool = True, device: Any = None) -> Any:
    """``x`` converted to ``dtype`` (and placed on ``device``). Arrays are immutable, so
    ``copy`` changes nothing observable and is accepted for the standard's signature.

    Example:
        >>> astype(asarray([1.5, 2.5]), int32)
        Array([1, 2], dtype=int32)
    """
    return on_device(asarray(x, dtype=dtype), device)


def from_dlpack(x: Any, /, *, device: Any = None, copy: builtins.bool | None = None) -> Array:
    """An Array from any object that exports DLPack (``__dlpack__``: numpy, cupy, torch...).
    The data is copied unless ``copy=False`` (Arrays must not change behind the caller's back).

    Example:
        >>> from_dlpack(np.arange(3.0))
        Array([0., 1., 2.], dtype=float64)
    """
    if isinstance(x, Array):
        return on_device(x, device)
    if not hasattr(x, "__dlpack__"):
        raise TypeError(
            f"from_dlpack: {type(x).__name__} does not support DLPack (no __dlpack__ method)"
        )
    kind = x.__dlpack_device__()[0] if hasattr(x, "__dlpack_device__") else 1
    if kind == 1:  # kDLCPU
        value = np.from_dlpack(x)
    else:
        import cupy

        value = cupy.from_dlpack(x)
    out = Array(value if copy is False else value.copy())
    return on_device(out, device)


def bitwise_invert(x: Any, /) -> Any:
    """Bitwise NOT (logical NOT for bools): the standard's name for ``invert``.

    Example:
        >>> bitwise_invert(asarray([0, 1], dtype=int8))
        Array([-1, -2], dtype=int8)
    """
    return _math.invert(x)


def bitwise_count(x: Any, /) -> Any:
    """The number of 1 bits in each element's absolute value (numpy's ``bitwise_count``).

    Example:
        >>> bitwise_count(asarray([7, -3], dtype=int8))
        Array([3, 2], dtype=uint8)
    """
    x = asarray(x)
    if x.dtype.kind not in "iub":
        raise TypeError(f"bitwise_count: needs an integer or bool array, got {x.dtype}")
    if x.dtype.kind == "b":
        return astype(x, np.uint8)
    magnitude = _math.absolute(x) if x.dtype.kind == "i" else x
    # abs(int_min) wraps to int_min; as unsigned it is 2**(bits-1), whose count is 1 as wanted.
    unsigned = np.dtype(f"uint{x.dtype.itemsize * 8}")
    return astype(E.population_count(asarray(magnitude, unsigned)), np.uint8)


# ---- the inspection API ----------------------------------------------------------------------
class __array_namespace_info__:  # noqa: N801  (the standard's name)
    """The standard's inspection API: what this namespace supports.

    Example:
        >>> info = __array_namespace_info__()
        >>> info.default_device(), info.default_dtypes()["real floating"]
        ('cpu', dtype('float32'))
    """

    def capabilities(self) -> dict[str, Any]:
        """Optional features. Boolean masks and data-dependent shapes work eagerly but not under
        jit or vmap (pass ``size=`` there), so, as jax.numpy, both are reported False."""
        return {"boolean indexing": False, "data-dependent shapes": False,
                "max dimensions": 64}

    def default_device(self) -> str:
        """Where arrays are created when no device is given: ``"cpu"``."""
        return "cpu"

    def default_dtypes(self, *, device: Any = None) -> dict[str, np.dtype]:
        """The default dtypes (float64/int64 with ``jax_enable_x64``, else float32/int32)."""
        check_device(device)
        return {"real floating": dtypes.default_float, "complex floating": dtypes.default_complex,
                "integral": dtypes.default_int, "indexing": dtypes.default_int}

    def dtypes(self, *, device: Any = None, kind: Any = None) -> dict[str, np.dtype]:
        """The supported dtypes of the standard, by name, optionally of a ``kind``."""
        check_device(device)
        if kind is None:
            return dict(_SPEC_DTYPES)
        return {name: dt for name, dt in _SPEC_DTYPES.items() if isdtype(dt, kind)}

    def devices(self) -> list[str]:
        """The devices arrays can live on: ``"cpu"``, plus ``"gpu"`` when cupy sees one."""
        from ..backends import cupy_or_none

        return ["cpu"] + (["gpu"] if cupy_or_none() is not None else [])


__all__ = [
    "ComplexWarning", "__array_api_version__", "__array_namespace_info__", "astype",
    "bitwise_count", "bitwise_invert", "bool", "can_cast", "cdouble", "character",
    "complex_", "complexfloating", "csingle", "double", "euler_gamma", "finfo", "flexible",
    "float_", "floating", "from_dlpack", "generic", "iinfo", "inexact", "int_", "integer",
    "isdtype", "issubdtype", "number", "object_", "promote_types", "result_type",
    "signedinteger", "single", "uint", "uint16", "uint64", "unsignedinteger",
]
