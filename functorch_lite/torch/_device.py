"""``torch.device`` and moving data between devices.

A tensor's device is where its Array's buffer lives: numpy memory is ``cpu``, cupy memory is
``cuda:0``. ``cuda`` is available only where cupy imports and sees a GPU; elsewhere asking for it
raises torch's error, while ``torch.device("cuda" if torch.cuda.is_available() else "cpu")``
runs on the CPU.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .._src.array import Array
from .._src.backends import cupy_or_none

__all__ = ["device"]


class device:
    """Where a tensor's data lives: ``torch.device("cpu")``, ``torch.device("cuda")``,
    ``torch.device("cuda:0")`` or ``torch.device("cuda", 0)``.

    Example:
        >>> import functorch_lite.torch as torch
        >>> torch.device("cuda:0")
        device(type='cuda', index=0)
    """

    __slots__ = ("type", "index")

    def __init__(self, type: Any, index: int | None = None):
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, int) and not isinstance(type, bool):
            type, index = "cuda", type  # torch.device(0) means cuda:0
        if not isinstance(type, str):
            raise TypeError(f"torch.device() expects a string like 'cpu' or 'cuda:0', "
                            f"got {type!r}")
        name, _, idx = type.partition(":")
        if idx:
            if index is not None:
                raise RuntimeError(
                    f"type (string) must not include an index because index was passed "
                    f"explicitly: {type}"
                )
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}'")
            index = int(idx)
        if name not in ("cpu", "cuda", "mps", "meta"):
            raise RuntimeError(
                f"Expected one of cpu, cuda, mps, meta device type at start of device string: "
                f"{type}"
            )
        self.type = name
        self.index = index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (str(self),))


CPU = device("cpu")
CUDA0 = device("cuda", 0)


def as_device(d: Any) -> device:
    if d.__class__ is device:
        return d
    if d is None:
        return CPU
    return device(d)


def device_of(value: Any) -> device:
    """The device of a core Array (or tracer) value."""
    if isinstance(value, (np.ndarray, np.generic)) or value.__class__ is not Array:
        return CPU if not _is_cupy(value) else CUDA0
    return CPU if isinstance(value._value, (np.ndarray, np.generic)) else CUDA0


def _is_cupy(value: Any) -> bool:
    v = getattr(value, "_value", None)
    return v is not None and type(v).__module__.startswith("cupy")


def no_cuda_error() -> RuntimeError:
    return RuntimeError(
        "No CUDA GPUs are available: functorch_lite.torch runs CUDA tensors through cupy, and "
        "cupy is not installed or sees no GPU on this machine. Keep the data on the CPU, e.g. "
        "device = torch.device('cuda' if torch.cuda.is_available() else 'cpu'), then "
        ".to(device); or install cupy (pip install functorch_lite[cuda12]) on a GPU machine."
    )


def move(value: Any, target: device) -> Any:
    """The core Array ``value`` placed on ``target`` (itself when already there)."""
    if target.type == "cpu" or target.type == "meta":
        if value.__class__ is Array and not isinstance(value._value, (np.ndarray, np.generic)):
            return value.to_device("cpu")
        return value
    if target.type == "cuda":
        if cupy_or_none() is None:
            raise no_cuda_error()
        if target.index not in (None, 0):
            raise RuntimeError(
                f"CUDA error: invalid device ordinal {target.index}: functorch_lite uses one "
                "GPU, cuda:0"
            )
        if value.__class__ is Array:
            return value.to_device("gpu")
        return value
    raise RuntimeError(f"device type '{target.type}' is not supported by functorch_lite.torch; "
                       "use 'cpu' or 'cuda'")
