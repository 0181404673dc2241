"""``torch.cuda``: GPU queries. CUDA here means cupy: available only where cupy imports and
sees a GPU; elsewhere ``is_available()`` is False and the tutorials' device code picks the CPU.

Example:
    >>> import functorch_lite.torch as torch
    >>> device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
"""
from __future__ import annotations

from typing import Any

from .._src.backends import cupy_or_none
from ._device import no_cuda_error


def is_available() -> bool:
    """True when cupy is installed and sees at least one GPU.

    Example:
        >>> isinstance(torch.cuda.is_available(), bool)
        True
    """
    return cupy_or_none() is not None


def device_count() -> int:
    """Number of usable GPUs (functorch_lite uses at most one).

    Example:
        >>> torch.cuda.device_count() in (0, 1)
        True
    """
    return 1 if is_available() else 0


def _require() -> Any:
    cupy = cupy_or_none()
    if cupy is None:
        raise no_cuda_error()
    return cupy


def current_device() -> int:
    """The index of the current GPU (0).

    Example:
        >>> torch.cuda.current_device() if torch.cuda.is_available() else 0
        0
    """
    _require()
    return 0


def get_device_name(device: Any = None) -> str:
    """The GPU's name.

    Example:
        >>> torch.cuda.get_device_name() if torch.cuda.is_available() else ""
        ''
    """
    cupy = _require()
    props = cupy.cuda.runtime.getDeviceProperties(0)
    name = props.get("name", b"GPU")
    return name.decode() if isinstance(name, bytes) else str(name)


def set_device(device: Any) -> None:
    """Select the GPU (only cuda:0 exists here).

    Example:
        >>> None
    """
    _require()


def synchronize(device: Any = None) -> None:
    """Wait for the GPU's queued work to finish (a no-op without a GPU).

    Example:
        >>> torch.cuda.synchronize()
    """
    cupy = cupy_or_none()
    if cupy is not None:
        cupy.cuda.Device(0).synchronize()


def empty_cache() -> None:
    """Release cached GPU memory (cupy's memory pool).

    Example:
        >>> torch.cuda.empty_cache()
    """
    cupy = cupy_or_none()
    if cupy is not None:
        cupy.get_default_memory_pool().free_all_blocks()


def manual_seed(seed: int) -> None:
    """Seed GPU random numbers: facade random numbers all come from the global generator
    (``torch.manual_seed``), so this seeds that.

    Example:
        >>> torch.cuda.manual_seed(0)
    """
    from ._creation import manual_seed as seed_all

    seed_all(seed)


manual_seed_all = manual_seed


def memory_allocated(device: Any = None) -> int:
    """Bytes held by cupy's memory pool (0 without a GPU).

    Example:
        >>> torch.cuda.memory_allocated() >= 0
        True
    """
    cupy = cupy_or_none()
    return 0 if cupy is None else int(cupy.get_default_memory_pool().used_bytes())


def is_initialized() -> bool:
    """Whether CUDA is usable (same as is_available here).

    Example:
        >>> isinstance(torch.cuda.is_initialized(), bool)
        True
    """
    return is_available()


__all__ = ["current_device", "device_count", "empty_cache", "get_device_name", "is_available",
           "is_initialized", "manual_seed", "manual_seed_all", "memory_allocated", "set_device",
           "synchronize"]
