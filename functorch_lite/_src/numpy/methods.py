"""Operators and methods shared by ``Array`` and every ``Tracer`` (installed at import)."""
from __future__ import annotations

from typing import Any

from ..array import Array, on_device
from ..core import Tracer
from ..prims import elementwise as E
from . import creation, indexing, linalg_ops, math, reductions, shape_ops, sorting
from ._convert import asarray


def _array_namespace(self, /, *, api_version: str | None = None) -> Any:
    """The Array API namespace of this array: ``functorch_lite.numpy``."""
    from . import array_api

    if api_version is not None and api_version not in array_api._API_VERSIONS:
        raise ValueError(
            f"__array_namespace__: api_version {api_version!r} is not supported; "
            f"use one of {array_api._API_VERSIONS} or None"
        )
    import functorch_lite.numpy

    return functorch_lite.numpy


def _tracer_device(self) -> str:
    """The device of the value behind a tracer ("cpu" while staging for jit: jit runs on the
    devices of its arguments)."""
    from ..errors import ConcretizationTypeError

    try:
        return self.to_concrete().device
    except ConcretizationTypeError:
        return "cpu"


def _tracer_to_device(self, device: Any, /, *, stream: Any = None) -> Any:
    return on_device(self, device)


def _swap(f):
    return lambda self, other: f(other, self)


def _checked(f, symbol: str):
    """Wrap a comparison so unsupported operand types give NotImplemented (``x == None`` is then
    False, as for any Python object, instead of an error)."""

    def op(self, other):
        if isinstance(other, (str, bytes, dict, set)) or other is None:
            return NotImplemented
        return f(self, other)

    op.__name__ = f"__{symbol}__"
    return op


def _astype(self, dtype: Any) -> Any:
    return asarray(self, dtype=dtype)


def _reshape(self, *shape: Any, order: str = "C") -> Any:
    if len(shape) == 1 and not isinstance(shape[0], int):
        shape = tuple(shape[0])
    return shape_ops.reshape(self, shape, order=order)


def _transpose(self, *axes: Any) -> Any:
    if len(axes) == 1 and not isinstance(axes[0], int):
        axes = axes[0]
    return shape_ops.transpose(self, axes or None)


_BINARY = {
    "add": math.add, "sub": math.subtract, "mul": math.multiply, "truediv": math.true_divide,
    "floordiv": math.floor_divide, "mod": math.remainder, "pow": math.power,
    "matmul": linalg_ops.matmul, "and": math.bitwise_and, "or": math.bitwise_or,
    "xor": math.bitwise_xor, "lshift": math.left_shift, "rshift": math.right_shift,
}
_COMPARE = {
    "eq": math.equal, "ne": math.not_equal, "lt": math.less, "le": math.less_equal,
    "gt": math.greater, "ge": math.greater_equal,
}

_METHODS = {
    "__neg__": math.negative,
    "__pos__": math.positive,
    "__abs__": math.absolute,
    "__invert__": math.invert,
    "__getitem__": indexing.getitem,
    "__divmod__": lambda self, other: (math.floor_divide(self, other), math.remainder(self, other)),
    "__rdivmod__": lambda self, other: (math.floor_divide(other, self),
                                        math.remainder(other, self)),
    "__round__": lambda self, ndigits=None: math.round(self, ndigits or 0),
    "at": property(indexing._IndexUpdateHelper),
    "T": property(lambda self: shape_ops.transpose(self)),
    "mT": property(lambda self: shape_ops.swapaxes(self, -1, -2)),
    "astype": _astype,
    "reshape": _reshape,
    "transpose": _transpose,
    "ravel": shape_ops.ravel,
    "flatten": shape_ops.ravel,
    "squeeze": shape_ops.squeeze,
    "swapaxes": shape_ops.swapaxes,
    "sum": reductions.sum,
    "mean": reductions.mean,
    "max": reductions.max,
    "min": reductions.min,
    "argmax": reductions.argmax,
    "argmin": reductions.argmin,
    "cumsum": reductions.cumsum,
    "var": reductions.var,
    "std": reductions.std,
    "all": reductions.all,
    "any": reductions.any,
    "clip": math.clip,
    "prod": reductions.prod,
    "cumprod": reductions.cumprod,
    "ptp": reductions.ptp,
    "sort": sorting.sort,
    "argsort": sorting.argsort,
    "argpartition": sorting.argpartition,
    "searchsorted": sorting.searchsorted,
    "take": indexing.take,
    "repeat": shape_ops.repeat,
    "nonzero": indexing.nonzero,
    "diagonal": creation.diagonal,
    "trace": linalg_ops.trace,
    "compress": lambda self, condition, axis=None, **kw: indexing.compress(condition, self, axis,
                                                                          **kw),
    "choose": lambda self, choices, mode="raise": indexing.choose(self, choices, mode=mode),
    "dot": linalg_ops.dot,
    "round": math.round,
    "conj": math.conjugate,
    "conjugate": math.conjugate,
    "real": property(math.real),
    "imag": property(math.imag),
    "__array_namespace__": _array_namespace,
}
# Array defines these itself (they read its concrete value).
_TRACER_ONLY = {"device": property(_tracer_device), "to_device": _tracer_to_device}


def install() -> None:
    for cls in (Array, Tracer):
        for name, fn in _BINARY.items():
            # Unsupported operand types raise a TypeError naming the type (from as_operand).
            setattr(cls, f"__{name}__", fn)
            setattr(cls, f"__r{name}__", _swap(fn))
        for name, fn in _COMPARE.items():
            setattr(cls, f"__{name}__", _checked(fn, name))
        for name, fn in _METHODS.items():
            setattr(cls, name, fn)
        if cls is Tracer:
            for name, fn in _TRACER_ONLY.items():
                setattr(cls, name, fn)
        # __eq__ is elementwise, so instances stay unhashable.
        cls.__hash__ = None  # type: ignore[assignment]


install()
del E
