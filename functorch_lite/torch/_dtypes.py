"""torch's dtypes (``torch.float32``, ``torch.long``...), the default dtype and torch's type
promotion, mapped onto numpy dtypes (what the core's Arrays carry).

torch's promotion differs from the core's (JAX-like) one in two ways that ported code notices:
Python ints become int64 (``torch.tensor([1, 2]).dtype`` is int64), and a zero-dimensional
tensor ranks below a dimensioned one of the same category (``f32_vector * f64_scalar_tensor`` is
float32). ``result_type`` implements torch's three-tier rule; the facade converts operands to
its answer before calling the core, so the core only sees operands of one dtype.
"""
from __future__ import annotations

import builtins
from typing import Any

import numpy as np

__all__ = [
    "dtype", "float32", "float", "float64", "double", "float16", "half", "bfloat16", "int64",
    "long", "int32", "int", "int16", "short", "int8", "uint8", "bool", "complex64", "cfloat",
    "complex128", "cdouble", "get_default_dtype", "set_default_dtype", "promote_types",
    "result_type", "can_cast", "finfo", "iinfo",
]


class dtype:
    """A torch dtype (``torch.float32``...): a named handle on a numpy dtype.

    Example:
        >>> import functorch_lite.torch as torch
        >>> torch.tensor([1, 2]).dtype
        torch.int64
    """

    __slots__ = ("name", "np", "is_floating_point", "is_complex", "is_signed", "itemsize")

    def __init__(self, name: str, np_dtype: Any):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = self.np.kind == "f"
        self.is_complex = self.np.kind == "c"
        self.is_signed = self.np.kind in "ifc"
        self.itemsize = self.np.itemsize

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def to_complex(self) -> dtype:
        return _BY_NP[np.dtype(np.complex128 if self.np.itemsize >= 8 else np.complex64)]

    def to_real(self) -> dtype:
        return _BY_NP[np.dtype(np.float64 if self.np.itemsize >= 16 else np.float32)] \
            if self.is_complex else self

    def __reduce__(self):
        return (_lookup, (self.name,))


def _lookup(name: str) -> dtype:
    return _BY_NAME[name]


float32 = float = dtype("float32", np.float32)
float64 = double = dtype("float64", np.float64)
float16 = half = dtype("float16", np.float16)
# numpy has no bfloat16: it is an alias of float32 here, so code that asks for it runs.
bfloat16 = float32
int64 = long = dtype("int64", np.int64)
int32 = int = dtype("int32", np.int32)
int16 = short = dtype("int16", np.int16)
int8 = dtype("int8", np.int8)
uint8 = dtype("uint8", np.uint8)
bool = dtype("bool", np.bool_)
complex64 = cfloat = dtype("complex64", np.complex64)
complex128 = cdouble = dtype("complex128", np.complex128)

_ALL = [float32, float64, float16, int64, int32, int16, int8, uint8, bool, complex64, complex128]
_BY_NP: dict[np.dtype, dtype] = {d.np: d for d in _ALL}
_BY_NAME: dict[str, dtype] = {d.name: d for d in _ALL}
# numpy dtypes torch lacks map to the nearest torch dtype (uint16/32/64 exist in torch >= 2.3
# only as "limited support" types): keep their values exact by widening.
_BY_NP[np.dtype(np.uint16)] = int32
_BY_NP[np.dtype(np.uint32)] = int64
_BY_NP[np.dtype(np.uint64)] = int64

_default = [float32]


def get_default_dtype() -> dtype:
    """The dtype Python floats and float factories (zeros, randn...) produce: float32 unless
    changed by ``set_default_dtype``.

    Example:
        >>> torch.get_default_dtype()
        torch.float32
    """
    return _default[0]


def set_default_dtype(d: dtype) -> None:
    """Make ``d`` (torch.float32 or torch.float64; float16 too) the default float dtype.

    Example:
        >>> torch.set_default_dtype(torch.float64)
        >>> torch.tensor(1.5).dtype
        torch.float64
        >>> torch.set_default_dtype(torch.float32)
    """
    d = as_dtype(d)
    if not d.is_floating_point:
        raise TypeError(
            f"only floating-point types are supported as the default type, got {d}; "
            "use torch.float32 or torch.float64"
        )
    _default[0] = d


def default_complex() -> dtype:
    return complex128 if _default[0] is float64 else complex64


def as_dtype(d: Any) -> dtype:
    """A torch dtype from a torch dtype, numpy dtype, dtype name or Python type."""
    if d.__class__ is dtype:
        return d
    if d is builtins.float:
        return _default[0]
    if d is builtins.int:
        return int64
    if d is builtins.bool:
        return bool
    if d is builtins.complex:
        return default_complex()
    if isinstance(d, str):
        name = d[6:] if d.startswith("torch.") else d
        if name in _ALIASES:
            return _ALIASES[name]
    try:
        return _BY_NP[np.dtype(d)]
    except (TypeError, KeyError):
        raise TypeError(
            f"{d!r} is not a torch dtype; use one of torch.float32, torch.float64, torch.int64, "
            "torch.int32, torch.bool, ..."
        ) from None


_ALIASES = {
    **_BY_NAME, "float": float32, "double": float64, "half": float16, "long": int64,
    "int": int32, "short": int16, "cfloat": complex64, "cdouble": complex128,
    "bfloat16": float32,
}


def from_np(np_dtype: np.dtype) -> dtype:
    return _BY_NP[np_dtype]


# ---- promotion ---------------------------------------------------------------------------------

def _category(d: dtype) -> builtins.int:
    k = d.np.kind
    return 0 if k == "b" else 1 if k in "iu" else 2 if k == "f" else 3


def promote_types(a: dtype, b: dtype) -> dtype:
    """The smallest dtype both ``a`` and ``b`` convert to without losing their category.

    Example:
        >>> torch.promote_types(torch.uint8, torch.int8)
        torch.int16
    """
    a, b = as_dtype(a), as_dtype(b)
    if a is b:
        return a
    ca, cb = _category(a), _category(b)
    if ca != cb:
        hi, lo = (a, b) if ca > cb else (b, a)
        if hi.is_complex and lo is float64:
            return complex128
        return hi
    return _BY_NP[np.promote_types(a.np, b.np)]


def _combine(higher: dtype | None, lower: dtype | None) -> dtype | None:
    # torch's rule for merging a higher-priority tier (dimensioned tensors) with a lower one
    # (zero-dim tensors, then Python scalars): the lower tier only matters when it is of a
    # higher category.
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.is_complex:
        return higher
    if lower.is_complex:
        return higher.to_complex() if higher.is_floating_point else lower
    if higher.is_floating_point:
        return higher
    if higher is bool or lower.is_floating_point:
        return promote_types(higher, lower)
    return higher


def scalar_dtype(x: Any) -> dtype:
    """The dtype a Python scalar stands for in promotion (and in ``torch.tensor(x)``)."""
    t = type(x)
    if t is builtins.bool:
        return bool
    if t is builtins.int:
        return int64
    if t is builtins.float:
        return _default[0]
    if t is builtins.complex:
        return default_complex()
    if isinstance(x, np.generic):
        return from_np(x.dtype)
    raise TypeError(f"expected a number, got {type(x).__name__}")


def result_type(*args: Any) -> dtype:
    """The dtype torch gives an elementwise operation over tensors and Python scalars.

    Dimensioned tensors decide within their category; zero-dim tensors and then Python scalars
    only raise the category (``int64_tensor * 2.5`` -> the default float).

    Example:
        >>> torch.result_type(torch.tensor([1, 2]), 2.5)
        torch.float32
    """
    dim = zero = wrapped = None
    for a in args:
        d = getattr(a, "_torch_dtype", None)
        if d is not None:
            if a.ndim:
                dim = d if dim is None else promote_types(dim, d)
            else:
                zero = d if zero is None else promote_types(zero, d)
        else:
            d = scalar_dtype(a)
            wrapped = d if wrapped is None else promote_types(wrapped, d)
    out = _combine(dim, _combine(zero, wrapped))
    if out is None:
        raise TypeError("result_type needs at least one tensor or number")
    return out


def can_cast(from_: dtype, to: dtype) -> builtins.bool:
    """Whether torch allows an in-place result of ``from_`` to be written into ``to`` (no
    lowering of category: float into int is not allowed).

    Example:
        >>> torch.can_cast(torch.float64, torch.int32)
        False
    """
    return _category(as_dtype(from_)) <= _category(as_dtype(to))


class finfo:
    """Machine limits of a float dtype (``eps``, ``max``, ``min``, ``tiny``, ``bits``).

    Example:
        >>> torch.finfo(torch.float32).eps
        1.1920928955078125e-07
    """

    def __init__(self, type: dtype | None = None):
        d = as_dtype(type) if type is not None else _default[0]
        info = np.finfo(d.np)
        self.dtype = d.name
        self.bits = info.bits
        self.eps = builtins.float(info.eps)
        self.max = builtins.float(info.max)
        self.min = builtins.float(info.min)
        self.tiny = self.smallest_normal = builtins.float(info.tiny)
        self.resolution = builtins.float(info.resolution)

    def __repr__(self) -> str:
        return (f"finfo(resolution={self.resolution}, min={self.min:e}, max={self.max:e}, "
                f"eps={self.eps}, smallest_normal={self.tiny}, tiny={self.tiny}, "
                f"dtype={self.dtype})")


class iinfo:
    """Limits of an integer dtype (``min``, ``max``, ``bits``).

    Example:
        >>> torch.iinfo(torch.int64).max
        9223372036854775807
    """

    def __init__(self, type: dtype):
        d = as_dtype(type)
        info = np.iinfo(d.np)
        self.dtype = d.name
        self.bits = info.bits
        self.min = builtins.int(info.min)
        self.max = builtins.int(info.max)

    def __repr__(self) -> str:
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"
