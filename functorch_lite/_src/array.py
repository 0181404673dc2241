"""The immutable ``Array``: a thin, read-only handle on a numpy (or cupy) buffer.

Operators and methods (``+``, ``@``, indexing, ``.at``, ``.sum()``...) are installed on ``Array``
and on every ``Tracer`` by ``_src/numpy/methods.py``, so both behave alike.
"""
from __future__ import annotations

import sys
from typing import Any

import numpy as np

from . import dtypes


class Array:
    """An immutable n-dimensional array, the value type of functorch_lite.

    Create one with ``functorch_lite.numpy.asarray`` (or ``array``, ``zeros``...). Arrays never
    change: write ``x = x.at[idx].set(v)`` instead of ``x[idx] = v``.

    Example:
        >>> import functorch_lite.numpy as jnp
        >>> x = jnp.asarray([1.0, 2.0])
        >>> x * 2
        Array([2., 4.], dtype=float32)
    """

    __slots__ = ("_value",)
    # Make `numpy_array + Array` defer to Array.__radd__ instead of converting the Array.
    __array_priority__ = 100

    def __init__(self, value: Any):
        self._value = value

    # ---- shape & dtype -------------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self._value.shape

    @property
    def dtype(self) -> np.dtype:
        return self._value.dtype

    @property
    def ndim(self) -> int:
        return self._value.ndim

    @property
    def size(self) -> int:
        return self._value.size

    @property
    def aval(self):
        from .core import ShapedArray

        return ShapedArray(self._value.shape, self._value.dtype)

    @property
    def device(self) -> str:
        return "cpu" if isinstance(self._value, (np.ndarray, np.generic)) else "gpu"

    # ---- conversion to Python / numpy ---------------------------------------------------------
    def __array__(self, dtype=None, copy=None):
        value = _to_numpy(self._value)
        if dtype is not None and np.dtype(dtype) != value.dtype:
            return value.astype(dtype)
        if copy:
            return np.array(value, copy=True)
        # A read-only view: writing through it must not change this immutable Array.
        view = np.asarray(value).view()
        view.flags.writeable = False
        return view

    def __bool__(self) -> bool:
        return bool(self._value)

    def __int__(self) -> int:
        return int(self._value)

    def __float__(self) -> float:
        return float(self._value)

    def __complex__(self) -> complex:
        return complex(self._value)

    def __index__(self) -> int:
        if self._value.dtype.kind not in "iub":
            raise TypeError(
                f"only integer arrays can be used as an index, got dtype {self._value.dtype}"
            )
        return int(self._value)

    def __len__(self) -> int:
        if self._value.ndim == 0:
            raise TypeError("len() of a 0-d Array (a scalar); use x.item() for its value")
        return self._value.shape[0]

    def __iter__(self):
        if self._value.ndim == 0:
            raise TypeError("iteration over a 0-d Array (a scalar)")
        return (Array(v) for v in self._value)

    def item(self) -> Any:
        """The value of a one-element array as a Python scalar."""
        if self._value.size != 1:
            raise ValueError(
                f"item() needs an array with exactly one element, got shape {self.shape}"
            )
        return _to_numpy(self._value).item()

    def tolist(self) -> Any:
        """The array as nested Python lists of Python scalars."""
        return _to_numpy(self._value).tolist()

    def copy(self) -> Array:
        return Array(self._value.copy())

    # ---- devices & DLPack (the Array API standard) ----------------------------------------------
    def to_device(self, device: Any, /, *, stream: Any = None) -> Array:
        """This array on ``device`` (``"cpu"`` or ``"gpu"``): itself if it is already there."""
        check_device(device)
        if device is None or device == self.device:
            return self
        if device == "cpu":
            return Array(_to_numpy(self._value).copy())
        from .backends import cupy_or_none

        cupy = cupy_or_none()
        if cupy is None:
            raise ValueError("to_device: no GPU is available (cupy sees none); use 'cpu'")
        from .core import _backends_in_use

        _backends_in_use["cupy"] = True
        return Array(cupy.asarray(self._value))

    def __dlpack__(self, *, stream: Any = None, max_version: Any = None, dl_device: Any = None,
                   copy: bool | None = None) -> Any:
        # Export a read-only view, so a consumer cannot write into this immutable Array. A
        # consumer of the old protocol (no max_version) cannot be told "read-only": it gets a
        # private copy instead, unless it asked for copy=False.
        kwargs = {"max_version": max_version, "dl_device": dl_device, "copy": copy}
        if not isinstance(self._value, (np.ndarray, np.generic)):  # cupy: pass through
            return self._value.__dlpack__(stream=stream, **kwargs)
        view = np.asarray(self._value).view()
        view.flags.writeable = False
        try:
            return view.__dlpack__(stream=stream, **kwargs)
        except BufferError:
            if copy is False:
                raise
            return np.array(view, copy=True).__dlpack__(stream=stream, **kwargs)

    def __dlpack_device__(self) -> tuple[int, int]:
        return self._value.__dlpack_device__()

    def block_until_ready(self) -> Array:
        """No-op on numpy (computation is synchronous); kept for JAX compatibility."""
        return self

    def delete(self) -> None:
        """Free this array's buffer; any later use raises RuntimeError (as JAX's). A jit call
        does this to the arrays given for its ``donate_argnums``.

        Example:
            >>> x = jnp.ones(3)
            >>> x.delete()
            >>> x.is_deleted()
            True
        """
        self._value = _DELETED

    def is_deleted(self) -> bool:
        """Whether ``delete()`` freed this array (a donated jit argument, say).

        Example: ``jnp.ones(3).is_deleted()`` is False.
        """
        return self._value is _DELETED

    # ---- immutability & hashing -----------------------------------------------------------------
    def __setitem__(self, idx, value):
        raise TypeError(
            "functorch_lite Arrays are immutable, so item assignment is not supported. "
            "Write `x = x.at[idx].set(value)` instead of `x[idx] = value` "
            "(and .at[idx].add/multiply/min/max for the other updates)."
        )

    __hash__ = None  # type: ignore[assignment]  # == is elementwise, like numpy and JAX

    def __reduce__(self):
        return (Array, (_to_numpy(self._value).copy(),))

    # ---- printing -------------------------------------------------------------------------------
    def __repr__(self) -> str:
        if self._value is _DELETED:
            return "Array(<deleted>)"
        return _format(_to_numpy(self._value), "Array")

    def __str__(self) -> str:
        return str(_to_numpy(self._value))

    def _repr_html_(self) -> str:
        value = _to_numpy(self._value)
        body = np.array2string(value, separator=", ", threshold=200)
        shape = "×".join(map(str, value.shape)) or "scalar"
        return (
            f"<div><b>Array</b> <code>{dtypes.short_name(value.dtype)}[{shape}]</code> "
            f"on {self.device}<pre>{body}</pre></div>"
        )

    def __format__(self, spec: str) -> str:
        if self._value.ndim == 0:
            return format(self.item(), spec)
        return format(str(self), spec)


def buffer_refs(a: Array) -> int | None:
    """How many references hold ``a``'s numpy buffer, counted through this function (compare
    with ``BUFFER_ALONE``: only ``a`` holds it), or None when the buffer cannot be written in
    place: not a plain, owning, writeable, C-contiguous numpy array. The in-place paths (jit's
    donated arguments, the facade optimizers' state) write a buffer only when nothing else
    (another Array, a numpy view, a list) can see it."""
    v = a._value
    if type(v) is not np.ndarray or v.base is not None or not v.flags.writeable \
            or not v.flags.c_contiguous:
        return None
    return sys.getrefcount(v)


class _DeletedBuffer:
    """The value of a deleted Array: every use (shape, arithmetic, conversion) raises."""

    __slots__ = ()

    def _fail(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(
            "Array has been deleted: it was donated to a jit-compiled function (donate_argnums) "
            "or deleted with .delete(), and its memory may hold other values now; use the "
            "function's result instead, or do not donate an array you use again"
        )

    __getattr__ = _fail
    __array__ = __array_ufunc__ = __array_function__ = _fail
    __len__ = __iter__ = __getitem__ = __bool__ = __float__ = __int__ = __index__ = _fail


_DELETED = _DeletedBuffer()
BUFFER_ALONE = buffer_refs(Array(np.zeros(2)))

_DEVICES = ("cpu", "gpu")


def check_device(device: Any) -> None:
    """Raise ValueError unless ``device`` is None or a device name (``"cpu"``, ``"gpu"``)."""
    if device is not None and device not in _DEVICES:
        raise ValueError(
            f"unknown device {device!r}: functorch_lite's devices are 'cpu' and 'gpu' "
            "(the values of Array.device)"
        )


def on_device(x: Any, device: Any) -> Any:
    """``x`` placed on ``device`` (None: where it is). Tracers stay as they are: a traced value
    lives where its inputs live."""
    if device is None:
        return x
    if type(x) is Array:
        return x.to_device(device)
    check_device(device)
    return x


def _to_numpy(value: Any) -> np.ndarray:
    if isinstance(value, (np.ndarray, np.generic)):
        return np.asarray(value)
    return value.get()  # cupy


def _format(value: np.ndarray, name: str) -> str:
    prefix = f"{name}("
    body = np.array2string(value, separator=", ", prefix=prefix)
    # An empty array prints as [] whatever its shape, so the shape is spelled out (like numpy
    # and JAX); bool and the defaults still show their dtype, like JAX.
    shape = f", shape={value.shape}" if value.size == 0 and value.shape != (0,) else ""
    return f"{prefix}{body}{shape}, dtype={value.dtype})"
