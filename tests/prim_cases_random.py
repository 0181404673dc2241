"""Primitive-table entries for the random family (prims/random_bits.py): threefry2x32,
random_bits and random_permutation, checked against an independent pure-Python Threefry-2x32
(itself pinned to the Random123 known-answer vectors in tests/test_random.py)."""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from test_primitives import Ex, case, maker, shapes

from functorch_lite._src.prims import random_bits as RB

U32 = np.dtype(np.uint32)
_MASK = 2**32 - 1


def threefry2x32_reference(key: tuple[int, int], counter: tuple[int, int]) -> tuple[int, int]:
    """Threefry-2x32 with 20 rounds on Python ints, written from the Random123 specification."""
    def rotl(v: int, r: int) -> int:
        return ((v << r) | (v >> (32 - r))) & _MASK

    rotations = (13, 15, 26, 6, 17, 29, 16, 24)
    ks = [key[0], key[1], key[0] ^ key[1] ^ 0x1BD11BDA]
    x = [(counter[0] + ks[0]) & _MASK, (counter[1] + ks[1]) & _MASK]
    for rnd in range(20):
        x[0] = (x[0] + x[1]) & _MASK
        x[1] = rotl(x[1], rotations[rnd % 8]) ^ x[0]
        if rnd % 4 == 3:  # key injection after every four rounds
            s = rnd // 4 + 1
            x[0] = (x[0] + ks[s % 3]) & _MASK
            x[1] = (x[1] + ks[(s + 1) % 3] + s) & _MASK
    return x[0], x[1]


def reference_pairs(keys: np.ndarray, counters: np.ndarray) -> np.ndarray:
    """The hash of counters[..., :] under keys[..., :] (leading axes broadcast)."""
    lead = np.broadcast_shapes(keys.shape[:-1], counters.shape[:-1])
    k = np.broadcast_to(keys, lead + (2,)).reshape(-1, 2)
    c = np.broadcast_to(counters, lead + (2,)).reshape(-1, 2)
    out = [threefry2x32_reference((int(a), int(b)), (int(x), int(y)))
           for (a, b), (x, y) in zip(k, c, strict=True)]
    return np.array(out, dtype=U32).reshape(lead + (2,))


def reference_bits(keys: np.ndarray, shape: tuple) -> np.ndarray:
    n = int(np.prod(shape, dtype=np.int64))
    counters = np.stack([np.zeros(n, U32), np.arange(n, dtype=U32)], -1).reshape(shape + (2,))
    lead = keys.shape[:-1]
    k = keys.reshape(lead + (1,) * len(shape) + (2,))
    return reference_pairs(k, counters)


def words(rng, shape, dt):
    return rng.integers(0, 2**32, shape, dtype=np.uint64).astype(U32)


@case("threefry2x32", (U32,), grad=False)
def _threefry(draw):
    key_lead, count_lead = draw(hnp.mutually_broadcastable_shapes(
        num_shapes=2, max_dims=2, max_side=3)).input_shapes
    return Ex(RB.threefry2x32, reference_pairs,
              maker((key_lead + (2,), words), (count_lead + (2,), words)), diff=False)


@case("random_bits", (U32,), grad=False)
def _random_bits(draw):
    batch = draw(shapes(max_dims=2))
    shape = draw(shapes(max_dims=2, min_side=draw(st.sampled_from([1, 1, 0]))))
    return Ex(lambda k: RB.random_bits(k, shape), lambda k: reference_bits(k, shape),
              maker((batch + (2,), words)), diff=False)


@case("random_permutation", (U32,), grad=False)
def _random_permutation(draw):
    batch = draw(shapes(max_dims=1))
    shape = draw(shapes(min_dims=1, max_dims=2, max_side=5))
    axis = draw(st.integers(0, len(shape) - 1))

    def ref(k):
        pairs = reference_bits(k, shape).astype(np.uint64)
        sort_keys = (pairs[..., 0] << np.uint64(32)) | pairs[..., 1]
        return np.argsort(sort_keys, axis=len(batch) + axis, kind="stable").astype(np.int32)

    return Ex(lambda k: RB.random_permutation(k, shape, axis), ref,
              maker((batch + (2,), words)), diff=False)
