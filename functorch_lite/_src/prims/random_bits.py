"""Counter-based random bits: the Threefry-2x32 hash (20 rounds, Salmon et al. 2011) and the
two primitives built on it.

A key is a uint32 array whose last axis has size 2 (the two key words). Every random number is
a pure function of a key and a counter, so the same key gives the same bits anywhere: eagerly,
under jit, under vmap, on numpy and on cupy (the hash is integer adds, xors and rotations,
written once against ``xp``).

* ``threefry2x32(key, count)``: hash counters ``count`` (uint32[..., 2]) under ``key``
  (uint32[..., 2]); leading axes broadcast. ``fold_in`` is built on it.
* ``random_bits(key, shape)``: for keys uint32[*b, 2], the hash of every flat index
  ``0 .. prod(shape)-1`` (as a 64-bit counter split into (high, low) words) under each key:
  uint32[*b, *shape, 2]. ``split`` returns exactly these pairs; ``bits`` xors the two words.
  This is the counter layout of JAX's "partitionable" Threefry (jax_threefry_partitionable).
* ``random_permutation(key, shape, axis)``: indices that sort 64-bit random words along
  ``axis`` (a uniformly random permutation of each slice); permutation/shuffle use it. It is a
  primitive because sorting is: the words are hashed inside the kernel and never leave it.

All three are ZERO_DERIVATIVE (their outputs are integers). Their batching rules map over
leading key axes: a batch of keys is just more leading axes.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import dtypes
from ..core import ZERO_DERIVATIVE, Primitive, ShapedArray
from . import shape as S

_U32 = np.dtype(np.uint32)
# Rotation constants of Threefry-2x32 (the two groups of four alternate) and the key-schedule
# parity constant, from the Random123 specification.
_ROTATIONS = ((13, 15, 26, 6), (17, 29, 16, 24))
_PARITY = 0x1BD11BDA


def threefry2x32_words(xp: Any, k0: Any, k1: Any, x0: Any, x1: Any) -> tuple[Any, Any]:
    """Threefry-2x32-20 of counters (x0, x1) under keys (k0, k1): 1-d uint32 arrays of one
    length. (1-d on purpose: numpy's 0-d arithmetic returns scalars, whose wrap-around warns.)"""
    u32 = xp.uint32
    ks = (k0, k1, k0 ^ k1 ^ u32(_PARITY))
    x0 = x0 + ks[0]
    x1 = x1 + ks[1]
    for i in range(5):
        for r in _ROTATIONS[i % 2]:
            x0 = x0 + x1
            x1 = (x1 << u32(r)) | (x1 >> u32(32 - r))
            x1 = x1 ^ x0
        x0 = x0 + ks[(i + 1) % 3]
        x1 = x1 + ks[(i + 2) % 3] + u32(i + 1)
    return x0, x1


def _flat_u32(xp: Any, a: Any, shape: tuple) -> Any:
    return xp.ascontiguousarray(xp.broadcast_to(a, shape), dtype=xp.uint32).reshape(-1)


def _hash_pairs(xp: Any, key: Any, count: Any) -> Any:
    """Hash count[..., :] under key[..., :] (leading axes broadcast) -> uint32[..., 2]."""
    lead = np.broadcast_shapes(key.shape[:-1], count.shape[:-1])
    words = threefry2x32_words(xp, _flat_u32(xp, key[..., 0], lead),
                               _flat_u32(xp, key[..., 1], lead),
                               _flat_u32(xp, count[..., 0], lead),
                               _flat_u32(xp, count[..., 1], lead))
    return xp.stack(words, axis=-1).reshape(lead + (2,))


def _counter_words(xp: Any, n: int) -> tuple[Any, Any]:
    """The flat indices 0..n-1 as 64-bit counters, split into (high, low) uint32 words."""
    idx = xp.arange(n, dtype=xp.uint64)
    return (idx >> xp.uint64(32)).astype(xp.uint32), idx.astype(xp.uint32)


def _random_bits_kernel(xp: Any):
    def impl(key, shape):
        batch = key.shape[:-1]
        n, nk = math.prod(shape), math.prod(batch)
        hi, lo = _counter_words(xp, n)
        k0 = xp.repeat(key[..., 0].reshape(-1).astype(xp.uint32), n)
        k1 = xp.repeat(key[..., 1].reshape(-1).astype(xp.uint32), n)
        words = threefry2x32_words(xp, k0, k1, xp.tile(hi, nk), xp.tile(lo, nk))
        return xp.stack(words, axis=-1).reshape(batch + tuple(shape) + (2,))

    return impl


def _random_permutation_kernel(xp: Any):
    def impl(key, shape, axis, index_dtype):
        pairs = _random_bits_kernel(xp)(key, shape)
        # 64-bit sort keys: ties (which would bias the permutation) are vanishingly rare.
        words = (pairs[..., 0].astype(xp.uint64) << xp.uint64(32)) | pairs[..., 1]
        batch_axes = key.ndim - 1
        return xp.argsort(words, axis=batch_axes + axis, kind="stable").astype(index_dtype)

    return impl


# ---- shape/dtype rules -----------------------------------------------------------------------


def _check_keys(name: str, key: ShapedArray) -> None:
    if key.dtype != _U32 or key.ndim < 1 or key.shape[-1] != 2:
        raise TypeError(
            f"{name}: keys must be uint32 arrays whose last axis has size 2, got "
            f"{key.str_short()}; make one with functorch_lite.random.key(0)"
        )


def _threefry_aval(key: ShapedArray, count: ShapedArray) -> ShapedArray:
    _check_keys("threefry2x32", key)
    if count.dtype != _U32 or count.ndim < 1 or count.shape[-1] != 2:
        raise TypeError(
            f"threefry2x32: counters must be uint32[..., 2], got {count.str_short()}"
        )
    from .elementwise import broadcast_shapes

    lead = broadcast_shapes("threefry2x32", key.shape[:-1], count.shape[:-1])
    return ShapedArray(lead + (2,), _U32)


def _random_bits_aval(key: ShapedArray, shape: tuple) -> ShapedArray:
    _check_keys("random_bits", key)
    return ShapedArray(key.shape[:-1] + tuple(shape) + (2,), _U32)


def _random_permutation_aval(key: ShapedArray, shape: tuple, axis: int,
                             index_dtype: np.dtype) -> ShapedArray:
    _check_keys("random_permutation", key)
    if not 0 <= axis < len(shape):
        raise ValueError(f"random_permutation: axis {axis} is out of range for shape {shape}")
    return ShapedArray(key.shape[:-1] + tuple(shape), index_dtype)


# ---- batching: a batch of keys is one more leading key axis -----------------------------------


def _batch_threefry(vals: list, dims: list):
    size = S.batch_size(vals, dims)
    ranks = [S.ndim_of(v) - (d is not None) for v, d in zip(vals, dims)]
    r = max(ranks)
    new = []
    for v, d, k in zip(vals, dims, ranks):
        if d is not None:
            v = S.moveaxis(v, d, 0)
            if k < r:  # batch axis first, then size-1 axes so the rest broadcasts as before
                v = S.reshape(v, (size,) + (1,) * (r - k) + S.shape_of(v)[1:])
        new.append(v)
    return threefry2x32(*new), 0


def _batch_keys_front(fn):
    def rule(vals, dims, **params):
        return fn(S.moveaxis(vals[0], dims[0], 0), **params), 0

    return rule


threefry2x32_p = Primitive(
    "threefry2x32",
    kernel=lambda xp: lambda key, count: _hash_pairs(xp, key, count),
    abstract_eval=_threefry_aval,
    jvp=ZERO_DERIVATIVE,
    vjp=ZERO_DERIVATIVE,
    batch=_batch_threefry,
)

random_bits_p = Primitive(
    "random_bits",
    kernel=_random_bits_kernel,
    abstract_eval=_random_bits_aval,
    jvp=ZERO_DERIVATIVE,
    vjp=ZERO_DERIVATIVE,
    batch=_batch_keys_front(lambda key, shape: random_bits(key, shape)),
)

random_permutation_p = Primitive(
    "random_permutation",
    kernel=_random_permutation_kernel,
    abstract_eval=_random_permutation_aval,
    jvp=ZERO_DERIVATIVE,
    vjp=ZERO_DERIVATIVE,
    batch=_batch_keys_front(lambda key, **p: random_permutation_p.bind(key, **p)),
)


# ---- bound functions -------------------------------------------------------------------------


def threefry2x32(key: Any, count: Any) -> Any:
    """Threefry-2x32-20 of ``count`` (uint32[..., 2]) under ``key`` (uint32[..., 2])."""
    return threefry2x32_p.bind(key, count)


def random_bits(key: Any, shape: tuple) -> Any:
    """uint32[*key_batch, *shape, 2]: the hash of each flat index of ``shape`` under ``key``."""
    return random_bits_p.bind(key, shape=tuple(int(s) for s in shape))


def random_permutation(key: Any, shape: tuple, axis: int, index_dtype: Any = None) -> Any:
    """Indices that randomly permute each slice of ``shape`` along ``axis``."""
    return random_permutation_p.bind(
        key, shape=tuple(int(s) for s in shape), axis=int(axis),
        index_dtype=np.dtype(index_dtype or dtypes.default_int))
