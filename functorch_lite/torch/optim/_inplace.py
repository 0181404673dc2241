"""The optimizers' eager numpy fast path: state buffers updated in place.

torch updates an optimizer's state (``exp_avg``, ``momentum_buffer``...) in place, and its
``state_dict()`` hands out the live tensors. Here the state tensors are rebound like any tensor
(DESIGN.md principle 7), which allocates about a dozen fresh buffers per parameter and step.
This module lets ``Adam.step``/``SGD.step`` write into a state tensor's numpy buffer instead,
but only when nothing else can see that buffer: the buffer owns its memory, and the reference
counts of its Array and of the numpy array are those of a tensor that nobody else holds (no
clone sharing the Array, no ``detach()`` view that read it, no numpy view of it, no tape). A
state tensor that fails the check gets a fresh private copy, which later steps then own.

Parameters are never written in place: a step rebinds each one to one new array. Tracers
(inside ``jit``/``grad``/``vmap``), cupy buffers and other dtypes take the pure per-leaf update.
"""
from __future__ import annotations

import sys
from typing import Any

import numpy as np

from ..._src.array import Array, buffer_refs
from .._tensor import Tensor

__all__ = ["eager_numpy", "owned_buffer", "private_buffer", "commit", "scratch"]

_FAST_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def eager_numpy(*values: Any) -> bool:
    """Whether every value is a concrete numpy Array of one float32/float64 dtype and shape
    (the values the in-place path handles; anything else takes the pure update)."""
    first = values[0]
    if type(first) is not Array or type(first._value) is not np.ndarray:
        return False
    dtype, shape = first._value.dtype, first._value.shape
    if dtype not in _FAST_DTYPES:
        return False
    for v in values[1:]:
        if (type(v) is not Array or type(v._value) is not np.ndarray
                or v._value.dtype != dtype or v._value.shape != shape):
            return False
    return True


def _probe(t: Tensor) -> tuple[int, int] | None:
    """The reference counts of ``t``'s Array and numpy buffer, or None when the buffer cannot
    be written (see ``buffer_refs``). The Array's count matters too here: unlike a donated
    jit argument, the Array lives on, and whoever else holds it must not see it change."""
    a = t._data
    if type(a) is not Array:
        return None
    n = buffer_refs(a)
    return None if n is None else (sys.getrefcount(a), n)


def _baseline() -> tuple[int, int] | None:
    # The counts of a tensor whose Array and buffer nobody else holds, measured through the
    # same code (so they hold whatever the interpreter's reference counting is).
    if not hasattr(sys, "getrefcount"):
        return None
    return _probe(Tensor._from_value(Array(np.zeros(2, np.float32))))


_BASELINE = _baseline()


def owned_buffer(t: Tensor, like: np.ndarray) -> np.ndarray | None:
    """``t``'s numpy buffer when this optimizer may write it in place: ``t`` is a plain tensor
    (no graph) of ``like``'s shape and dtype whose Array and buffer nobody else references."""
    if t._graph is not None or _BASELINE is None:
        return None
    counts = _probe(t)
    if counts != _BASELINE:
        return None
    v = t._data._value
    if v.shape != like.shape or v.dtype != like.dtype:
        return None
    return v


def private_buffer(t: Tensor, like: np.ndarray) -> tuple[np.ndarray, bool]:
    """A buffer with ``t``'s values that the step may write: ``t``'s own (``True``) when
    :func:`owned_buffer` allows it, else a fresh copy (``False``) to :func:`commit` after."""
    buf = owned_buffer(t, like)
    if buf is not None:
        return buf, True
    return np.array(t._data._value, dtype=like.dtype, copy=True), False


def commit(t: Tensor, buf: np.ndarray, owned: bool) -> None:
    """Finish a state tensor's update: bump its version (as torch's in-place update does, and
    so its views re-read it), or rebind it to the fresh buffer."""
    t._set_value(t._data if owned else Array(buf))


def scratch(optimizer: Any, like: np.ndarray, slot: int = 0) -> np.ndarray:
    """A scratch buffer of ``like``'s shape and dtype, private to ``optimizer`` and reused by
    every step (its contents never matter between uses)."""
    cache = optimizer.__dict__.get("_np_scratch")
    if cache is None:
        cache = optimizer.__dict__["_np_scratch"] = {}
    key = (like.shape, like.dtype.str, slot)
    buf = cache.get(key)
    if buf is None:
        buf = cache[key] = np.empty_like(like)
    return buf
