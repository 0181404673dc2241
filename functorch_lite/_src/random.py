"""Functional, splittable, counter-based pseudo-random numbers (jax.random's names).

A key is a uint32 array of shape (2,) (JAX's "raw" legacy keys). Random numbers are the
Threefry-2x32 hash of counters under the key (``prims/random_bits.py``), so a key always gives
the same numbers: on every call, under ``jit`` (keys may be traced) and under ``vmap`` over a
batch of keys, on numpy and on cupy. Keys are never consumed: ``split`` and ``fold_in`` derive
new ones. The counter layout is JAX's partitionable Threefry (its default since JAX 0.5), so
``key``, ``split``, ``fold_in`` and ``bits`` give JAX's numbers bit for bit, and ``uniform``
uses JAX's construction from those bits. See docs/random.md.

Everything here is a composite of the numpy layer and three ZERO_DERIVATIVE primitives, so
``grad`` flows into ``minval``/``maxval``/``p``/``logits``-like float parameters where the
sampling formula depends on them smoothly.
"""
from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import dtypes
from .array import Array
from .core import Tracer, concrete_or_none
from .numpy import creation as C
from .numpy import indexing as Ix
from .numpy import math as M
from .numpy import reductions as Rd
from .numpy import shape_ops as SO
from .numpy import sorting as Srt
from .numpy._convert import asarray
from .prims import elementwise as E
from .prims import random_bits as RB
from .prims import shape as S

_U32 = np.dtype(np.uint32)
_MAKE_KEY = "make one with `key = functorch_lite.random.key(0)` (or split an existing key)"

# ---- keys ------------------------------------------------------------------------------------


def _check_key(name: str, key: Any) -> Any:
    """``key`` as a uint32[2] Array/tracer, or a TypeError/ValueError that says what a key is."""
    if isinstance(key, (np.ndarray, np.generic)) and key.dtype == _U32:
        key = asarray(key)
    if not (type(key) is Array or isinstance(key, Tracer)):
        raise TypeError(
            f"{name} expects a PRNG key (a uint32 array of shape (2,)) as its first argument, "
            f"got {type(key).__name__} {key!r}; {_MAKE_KEY}"
        )
    if key.dtype != _U32 or key.ndim == 0 or key.shape[-1] != 2:
        raise TypeError(
            f"{name} expects a PRNG key (a uint32 array of shape (2,)), got an array of dtype "
            f"{key.dtype} and shape {tuple(key.shape)}; {_MAKE_KEY}"
        )
    if key.ndim != 1:
        raise ValueError(
            f"{name} takes one key of shape (2,), got a batch of keys of shape "
            f"{tuple(key.shape)}; map over the keys with vmap, e.g. "
            f"vmap(lambda k: {name}(k, ...))(keys)"
        )
    return key


def _seed_words(seed: int, itemsize: int) -> tuple[int, int]:
    """The (high, low) words of a concrete seed of ``itemsize`` bytes (8 for a Python int)."""
    if not -(2**63) <= seed < 2**64:
        raise ValueError(f"key: seed {seed} does not fit in 64 bits")
    if dtypes.default_int.itemsize != 8 or itemsize < 8:
        # 32-bit mode, or a 32-bit (or narrower) seed: the high word is 0, as in JAX
        return 0, seed % 2**32
    return (seed >> 32) % 2**32, seed % 2**32


def key(seed: Any) -> Any:
    """A PRNG key from an integer seed: a uint32 array of shape (2,).

    The key holds the seed's high and low 32-bit words (the high word is 0 for int32 seeds and
    when ``jax_enable_x64`` is off), as ``jax.random.PRNGKey`` does. ``seed`` may be traced.

    Example:
        >>> key(42)
        Array([ 0, 42], dtype=uint32)
    """
    if isinstance(seed, (bool, np.bool_)) or isinstance(seed, (float, complex)):
        raise TypeError(f"key: the seed must be an integer, got {type(seed).__name__} {seed!r}")
    if isinstance(seed, (int, np.integer)):
        hi, lo = _seed_words(int(seed), 8 if isinstance(seed, int) else seed.dtype.itemsize)
        return Array(np.array([hi, lo], dtype=_U32))
    seed = asarray(seed)
    if seed.ndim != 0 or seed.dtype.kind not in "iu":
        raise TypeError(
            f"key: the seed must be an integer scalar, got an array of dtype {seed.dtype} and "
            f"shape {tuple(seed.shape)}"
        )
    lo = S.convert_element_type(seed, _U32)  # the low word: wraps modulo 2**32
    if seed.dtype.itemsize == 8:
        hi = S.convert_element_type(M.floor_divide(seed, 2**32), _U32)
    else:
        hi = C.zeros((), _U32)
    return SO.stack([hi, lo])


PRNGKey = key


def key_data(keys: Any) -> Any:
    """The uint32 data of a key (keys are already uint32 arrays: returned as they are).

    Example:
        >>> key_data(key(0)).dtype
        dtype('uint32')
    """
    keys = asarray(keys)
    if keys.dtype != _U32 or keys.ndim == 0 or keys.shape[-1] != 2:
        raise TypeError(f"key_data expects keys (uint32[..., 2]), got {keys.dtype} "
                        f"{tuple(keys.shape)}; {_MAKE_KEY}")
    return keys


def wrap_key_data(key_bits_array: Any, *, impl: Any = None) -> Any:
    """A key from its uint32 data (the inverse of ``key_data``); only Threefry keys exist.

    Example:
        >>> wrap_key_data(np.array([0, 7], np.uint32))
        Array([0, 7], dtype=uint32)
    """
    if impl not in (None, "threefry2x32"):
        raise ValueError(f"wrap_key_data: only impl='threefry2x32' exists, got {impl!r}")
    return key_data(key_bits_array)


def split(key: Any, num: int | Sequence[int] = 2) -> Any:
    """``num`` new keys derived from ``key`` (a uint32 array of shape (num, 2)). ``num`` may be
    a shape tuple. Never reuse ``key`` after splitting it.

    Example:
        >>> key, subkey = split(key(0))
    """
    key = _check_key("split", key)
    return RB.random_bits(key, _shape("split", num))


def fold_in(key: Any, data: Any) -> Any:
    """A new key from ``key`` and an integer ``data`` (taken modulo 2**32); ``data`` may be
    traced (``vmap(lambda i: fold_in(key, i))(arange(8))`` gives eight keys).

    Example:
        >>> step_key = fold_in(key(0), 3)
    """
    key = _check_key("fold_in", key)
    if isinstance(data, (int, np.integer)) and not isinstance(data, bool):
        count = Array(np.array([0, int(data) % 2**32], _U32))
    else:
        data = asarray(data)
        if data.ndim != 0 or data.dtype.kind not in "iub":
            raise TypeError(f"fold_in: data must be an integer scalar, got {data.dtype} "
                            f"{tuple(data.shape)}")
        count = SO.stack([C.zeros((), _U32), S.convert_element_type(data, _U32)])
    return RB.threefry2x32(key, count)


# ---- argument helpers ------------------------------------------------------------------------


def _shape(name: str, shape: Any) -> tuple[int, ...]:
    try:
        if isinstance(shape, (int, np.integer)):
            return (operator.index(shape),)
        return tuple(operator.index(s) for s in shape)
    except TypeError:
        raise TypeError(f"{name}: shape must be an int or a tuple of ints, got {shape!r}") from None


def _float_dtype(name: str, dtype: Any) -> np.dtype:
    dt = dtypes.default_float if dtype is None or dtype is float else dtypes.canonicalize(dtype)
    if dt.kind != "f":
        raise ValueError(f"dtype argument to `{name}` must be a float dtype, got {dt}")
    return dt


def _check_shape(name: str, shape: tuple, *param_shapes: tuple) -> None:
    try:
        ok = np.broadcast_shapes(shape, *param_shapes) == shape
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(
            f"{name}: shape {shape} must be broadcast-compatible with the parameter shapes "
            f"{', '.join(map(str, param_shapes))} (the parameters broadcast to the shape, not "
            "the other way round)"
        )


def _word(pairs: Any, i: int) -> Any:
    return Ix.getitem(pairs, (Ellipsis, i))


def _bits(key: Any, shape: tuple, width: int) -> Any:
    """Random unsigned integers of ``width`` bits: JAX's partitionable layout."""
    pairs = RB.random_bits(key, shape)
    hi, lo = _word(pairs, 0), _word(pairs, 1)
    if width == 64:
        u64 = np.dtype(np.uint64)
        return E.bitwise_or(E.mul(S.convert_element_type(hi, u64), 2**32),
                            S.convert_element_type(lo, u64))
    bits = E.bitwise_xor(hi, lo)
    return bits if width == 32 else S.convert_element_type(bits, np.dtype(f"uint{width}"))


def _unit_floats(key: Any, shape: tuple, dtype: np.dtype) -> Any:
    """Floats in [0, 1) on the dtype's mantissa grid: the top mantissa-many random bits over
    2**mantissa (bit-identical to JAX's shift-or-bitcast-subtract construction)."""
    nmant = np.finfo(dtype).nmant
    if dtype.itemsize == 8:
        # (hi * 2**32 + lo) >> 12 = hi * 2**20 + (lo >> 12); both terms are exact in float64.
        pairs = RB.random_bits(key, shape)
        hi = S.convert_element_type(_word(pairs, 0), dtype)
        lo = S.convert_element_type(E.floor_divide(_word(pairs, 1), 2**12), dtype)
        return E.add(E.mul(hi, 2.0**-32), E.mul(lo, 2.0**-52))
    width = 8 * dtype.itemsize
    mantissa_bits = E.floor_divide(_bits(key, shape, width), 2 ** (width - nmant))
    return E.mul(S.convert_element_type(mantissa_bits, dtype), 2.0**-nmant)


# ---- the samplers ----------------------------------------------------------------------------


def bits(key: Any, shape: Any = (), dtype: Any = None) -> Any:
    """Uniform random unsigned integers: uint8/16/32/64; by default uint32, or uint64 with
    ``jax_enable_x64`` (as in JAX).

    Example:
        >>> bits(key(0), (3,))
        Array([4070199207, 4202968722, 1427181096], dtype=uint32)
    """
    key = _check_key("bits", key)
    if dtype is None:
        dtype = np.uint64 if dtypes.default_int.itemsize == 8 else np.uint32
    dt = np.dtype(dtype)
    if dt.kind != "u" or dt.itemsize not in (1, 2, 4, 8):
        raise TypeError(f"bits: dtype must be an unsigned integer type, got {dt}")
    return _bits(key, _shape("bits", shape), 8 * dt.itemsize)


def uniform(key: Any, shape: Any = (), dtype: Any = float, minval: Any = 0.0,
            maxval: Any = 1.0) -> Any:
    """Uniform floats in ``[minval, maxval)``; differentiable in ``minval`` and ``maxval``.

    Example:
        >>> x = uniform(key(0), (2, 3), minval=-1.0, maxval=1.0)
    """
    key = _check_key("uniform", key)
    shape = _shape("uniform", shape)
    dt = _float_dtype("uniform", dtype)
    minval, maxval = asarray(minval, dt), asarray(maxval, dt)
    _check_shape("uniform", shape, tuple(minval.shape), tuple(maxval.shape))
    floats = _unit_floats(key, shape, dt)
    out = M.add(M.multiply(floats, M.subtract(maxval, minval)), minval)
    return M.maximum(minval, out)  # rounding must not take it below minval


def normal(key: Any, shape: Any = (), dtype: Any = float) -> Any:
    """Standard normal floats: ``sqrt(2) * erfinv(u)`` for ``u`` uniform on (-1, 1).

    Example:
        >>> z = normal(key(0), (1000,))
    """
    key = _check_key("normal", key)
    dt = _float_dtype("normal", dtype)
    lo = float(np.nextafter(dt.type(-1), dt.type(0)))
    u = uniform(key, _shape("normal", shape), dt, lo, 1.0)
    return M.multiply(_erfinv(u), float(np.sqrt(2.0)))


def truncated_normal(key: Any, lower: Any, upper: Any, shape: Any = None,
                     dtype: Any = float) -> Any:
    """Standard normal floats conditioned on ``lower < x < upper``.

    Example:
        >>> x = truncated_normal(key(0), -2.0, 2.0, (100,))
    """
    key = _check_key("truncated_normal", key)
    dt = _float_dtype("truncated_normal", dtype)
    lower, upper = asarray(lower, dt), asarray(upper, dt)
    if shape is None:
        shape = np.broadcast_shapes(tuple(lower.shape), tuple(upper.shape))
    else:
        shape = _shape("truncated_normal", shape)
        _check_shape("truncated_normal", shape, tuple(lower.shape), tuple(upper.shape))
    sqrt2 = float(np.sqrt(2.0))
    a = E.erf(M.divide(lower, sqrt2))
    b = E.erf(M.divide(upper, sqrt2))
    u = uniform(key, shape, dt, a, b)
    out = M.multiply(_erfinv(u), sqrt2)
    # Clamp into the open interval: rounding (or u == a) must not reach the bounds.
    return M.clip(out, _step_inside(lower, 1), _step_inside(upper, -1))


def bernoulli(key: Any, p: Any = 0.5, shape: Any = None) -> Any:
    """Booleans that are True with probability ``p``.

    Example:
        >>> coins = bernoulli(key(0), 0.3, (10,))
    """
    key = _check_key("bernoulli", key)
    p = asarray(p)
    if p.dtype.kind != "f":
        raise TypeError(f"bernoulli: the probability p must have a float dtype, got {p.dtype}")
    if shape is None:
        shape = tuple(p.shape)
    else:
        shape = _shape("bernoulli", shape)
        _check_shape("bernoulli", shape, tuple(p.shape))
    return M.less(uniform(key, shape, p.dtype), p)


def rademacher(key: Any, shape: Any = (), dtype: Any = int) -> Any:
    """Uniform random signs, -1 or +1.

    Example:
        >>> signs = rademacher(key(0), (4,))
    """
    key = _check_key("rademacher", key)
    dt = dtypes.default_int if dtype is int else dtypes.canonicalize(dtype)
    coin = S.convert_element_type(bernoulli(key, 0.5, _shape("rademacher", shape)), dt)
    return M.subtract(M.multiply(coin, 2), 1)


def randint(key: Any, shape: Any, minval: Any, maxval: Any, dtype: Any = int) -> Any:
    """Uniform random integers in ``[minval, maxval)`` (bounds clipped to the dtype's range;
    float bounds are truncated towards zero, as in JAX).

    Example:
        >>> dice = randint(key(0), (5,), 1, 7)
    """
    key = _check_key("randint", key)
    shape = _shape("randint", shape)
    dt = dtypes.default_int if dtype is int else dtypes.canonicalize(dtype)
    if dt.kind not in "iu":
        raise TypeError(f"randint only accepts integer dtypes, got {dt}")
    minval, maxval = asarray(minval), asarray(maxval)
    _check_shape("randint", shape, tuple(minval.shape), tuple(maxval.shape))
    info = np.iinfo(dt)
    if info.bits < 32:
        # As JAX: 8- and 16-bit integers are drawn as int32 and cast (twice as many random bits
        # per value as an 8/16-bit draw: less modulo bias, and JAX's numbers for a key).
        i32 = np.dtype(np.int32)
        lo = M.clip(_as_int(minval, i32), info.min, info.max)
        hi = M.clip(_as_int(maxval, i32), info.min, info.max + 1)
        return S.convert_element_type(_randint(key, shape, lo, hi, i32), dt)
    return _randint(key, shape, minval, maxval, dt)


def _randint(key: Any, shape: tuple, minval: Any, maxval: Any, dt: np.dtype) -> Any:
    """JAX's method: two independent ``width``-bit words, reduced modulo the span."""
    minval = _as_int(minval, dtypes.default_int)
    maxval = _as_int(maxval, dtypes.default_int)
    info = np.iinfo(dt)
    # A maxval above the dtype's range means "up to and including its maximum".
    maxval_over = (M.greater(maxval, asarray(info.max, maxval.dtype))
                   if np.iinfo(maxval.dtype).max > info.max else None)
    minval = _clip_to(minval, dt)
    maxval = _clip_to(maxval, dt)
    width = 8 * dt.itemsize
    udt = np.dtype(f"uint{width}")
    k1, k2 = _split2(key)
    higher, lower = _bits(k1, shape, width), _bits(k2, shape, width)
    span = S.convert_element_type(M.subtract(maxval, minval), udt)  # wraps: exact modulo 2**w
    if maxval_over is not None:
        span = M.where(maxval_over, M.add(span, np.ones((), udt)), span)
    span = M.where(M.less_equal(maxval, minval), C.ones((), udt), span)
    full_range = M.equal(span, 0)  # span was 2**width: every value of the dtype
    safe = M.where(full_range, C.ones((), udt), span)
    # (2**width mod span) as ((2**(width/2) mod span)**2 mod span): high bits count in too.
    multiplier = M.remainder(M.multiply(M.remainder(asarray(2 ** (width // 2), udt), safe),
                                        M.remainder(asarray(2 ** (width // 2), udt), safe)),
                             safe)
    offset = M.remainder(M.add(M.multiply(M.remainder(higher, safe), multiplier),
                               M.remainder(lower, safe)), safe)
    offset = M.where(full_range, lower, offset)
    return M.add(minval, S.convert_element_type(offset, dt))


def _as_int(v: Any, dt: np.dtype) -> Any:
    """An integer bound as is; a float one truncated towards zero (JAX's ``astype(int)``),
    saturating at ``dt``'s range."""
    if v.dtype.kind in "iu":
        return v
    if v.dtype.kind != "f":
        return S.convert_element_type(v, dt)
    info = np.iinfo(dt)
    v = M.clip(M.trunc(S.convert_element_type(v, np.dtype(np.float64))), info.min, info.max)
    return S.convert_element_type(v, dt)


def _clip_to(v: Any, dt: np.dtype) -> Any:
    """Integer ``v`` clipped to ``dt``'s range (each bound applied in ``v``'s own dtype, where
    it is representable) and converted."""
    have, want = np.iinfo(v.dtype), np.iinfo(dt)
    if want.min > have.min:
        v = M.maximum(v, asarray(want.min, v.dtype))
    if want.max < have.max:
        v = M.minimum(v, asarray(want.max, v.dtype))
    return S.convert_element_type(v, dt)


def _split2(key: Any) -> tuple[Any, Any]:
    keys = RB.random_bits(key, (2,))
    return Ix.getitem(keys, 0), Ix.getitem(keys, 1)


def exponential(key: Any, shape: Any = (), dtype: Any = float) -> Any:
    """Exponential(1) floats: ``-log1p(-u)``.

    Example:
        >>> waits = exponential(key(0), (3,))
    """
    key = _check_key("exponential", key)
    dt = _float_dtype("exponential", dtype)
    u = uniform(key, _shape("exponential", shape), dt)
    return M.negative(M.log1p(M.negative(u)))


def gumbel(key: Any, shape: Any = (), dtype: Any = float, mode: str = "standard") -> Any:
    """Standard Gumbel floats: ``-log(-log(u))`` for ``u`` uniform on (0, 1).

    Example:
        >>> g = gumbel(key(0), (3,))
    """
    key = _check_key("gumbel", key)
    if mode != "standard":
        raise ValueError(f"gumbel: only mode='standard' is supported, got {mode!r}")
    dt = _float_dtype("gumbel", dtype)
    u = uniform(key, _shape("gumbel", shape), dt, float(np.finfo(dt).tiny), 1.0)
    return M.negative(M.log(M.negative(M.log(u))))


def laplace(key: Any, shape: Any = (), dtype: Any = float) -> Any:
    """Laplace(0, 1) floats: ``sign(u) * log1p(-|u|)`` for ``u`` uniform on (-1, 1) (JAX's
    formula, so the same key gives JAX's numbers, not their negatives).

    Example:
        >>> x = laplace(key(0), (3,))
    """
    key = _check_key("laplace", key)
    dt = _float_dtype("laplace", dtype)
    lo = float(np.nextafter(dt.type(-1), dt.type(0)))
    u = uniform(key, _shape("laplace", shape), dt, lo, 1.0)
    return M.multiply(M.sign(u), M.log1p(M.negative(M.abs(u))))


def logistic(key: Any, shape: Any = (), dtype: Any = float) -> Any:
    """Standard logistic floats: ``log(u / (1 - u))``.

    Example:
        >>> x = logistic(key(0), (3,))
    """
    key = _check_key("logistic", key)
    dt = _float_dtype("logistic", dtype)
    u = uniform(key, _shape("logistic", shape), dt, float(np.finfo(dt).tiny), 1.0)
    return M.log(M.divide(u, M.subtract(1.0, u)))


def cauchy(key: Any, shape: Any = (), dtype: Any = float) -> Any:
    """Standard Cauchy floats: ``tan(pi * (u - 1/2))``.

    Example:
        >>> x = cauchy(key(0), (3,))
    """
    key = _check_key("cauchy", key)
    dt = _float_dtype("cauchy", dtype)
    u = uniform(key, _shape("cauchy", shape), dt, float(np.finfo(dt).eps), 1.0)
    return M.tan(M.multiply(M.subtract(u, 0.5), float(np.pi)))


def categorical(key: Any, logits: Any, axis: int = -1, shape: Any = None) -> Any:
    """Indices drawn with probabilities ``softmax(logits)`` along ``axis`` (Gumbel-max).

    ``shape`` must end with the batch shape (``logits.shape`` without ``axis``); leading extra
    axes draw more samples.

    Example:
        >>> i = categorical(key(0), jnp.log(jnp.asarray([0.2, 0.3, 0.5])), shape=(1000,))
    """
    key = _check_key("categorical", key)
    logits = asarray(logits)
    if logits.dtype.kind != "f":
        logits = S.convert_element_type(logits, dtypes.default_float)
    if logits.ndim == 0:
        raise ValueError("categorical: logits must have at least one axis")
    axis = axis % logits.ndim
    batch = tuple(logits.shape[:axis]) + tuple(logits.shape[axis + 1:])
    shape = batch if shape is None else _shape("categorical", shape)
    if len(shape) < len(batch) or tuple(shape[len(shape) - len(batch):]) != batch:
        raise ValueError(
            f"categorical: shape {shape} must end with the batch shape {batch} (logits.shape "
            f"{tuple(logits.shape)} without axis {axis})"
        )
    prefix = tuple(shape[:len(shape) - len(batch)])
    noise_shape = prefix + tuple(logits.shape)
    g = gumbel(key, noise_shape, logits.dtype)
    return Rd.argmax(M.add(g, logits), axis=len(prefix) + axis)


def permutation(key: Any, x: Any, axis: int = 0, independent: bool = False) -> Any:
    """A random permutation of ``arange(x)`` (int ``x``) or of ``x`` along ``axis``; with
    ``independent=True`` each slice along ``axis`` is permuted on its own.

    Example:
        >>> order = permutation(key(0), 10)
    """
    key = _check_key("permutation", key)
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        n = int(x)
        if n < 0:
            raise ValueError(f"permutation: x must be a nonnegative integer, got {n}")
        return RB.random_permutation(key, (n,), 0)
    x = asarray(x)
    if x.ndim == 0:
        if x.dtype.kind not in "iu":
            raise TypeError("permutation: x must be an integer or at least 1-dimensional")
        concrete = concrete_or_none(x)
        if concrete is None:
            raise TypeError(
                "permutation: a traced integer x has no static length; pass a Python int or "
                "an array to permute"
            )
        return permutation(key, int(concrete), axis, independent)
    axis = _axis("permutation", axis, x.ndim)
    if not independent or x.ndim == 1:
        perm = RB.random_permutation(key, (x.shape[axis],), 0)
        return Ix.take(x, perm, axis)
    perm = RB.random_permutation(key, tuple(x.shape), axis)
    return _take_along(x, perm, axis)


def _axis(name: str, axis: int, ndim: int) -> int:
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name}: axis {axis} is out of range for an array of {ndim} axes")
    return axis % ndim


def _take_along(x: Any, idx: Any, axis: int) -> Any:
    """x[..., idx, ...] elementwise along ``axis`` (numpy's take_along_axis for one axis)."""
    index = []
    for d, n in enumerate(x.shape):
        if d == axis:
            index.append(idx)
        else:
            shape = [1] * x.ndim
            shape[d] = n
            index.append(Array(np.arange(n, dtype=dtypes.default_int).reshape(shape)))
    return Ix.getitem(x, tuple(index))


def choice(key: Any, a: Any, shape: Any = (), replace: bool = True, p: Any = None,
           axis: int = 0) -> Any:
    """Random elements of ``a`` (an int ``n`` means ``arange(n)``) along ``axis``, with or
    without replacement, uniformly or with probabilities ``p``.

    Example:
        >>> picks = choice(key(0), 10, (3,), replace=False)
    """
    key = _check_key("choice", key)
    shape = _shape("choice", shape)
    if isinstance(a, (int, np.integer)) and not isinstance(a, bool):
        arr, n = None, int(a)
    else:
        arr = asarray(a)
        if arr.ndim == 0:
            raise ValueError("choice: a must be an int or an array with at least one axis")
        axis = _axis("choice", axis, arr.ndim)
        n = arr.shape[axis]
    n_draws = math.prod(shape)
    if n <= 0 and n_draws:
        raise ValueError(f"choice: a must be nonempty to draw from, got {n} elements")
    if not replace and n_draws > n:
        raise ValueError(
            f"choice: cannot take {n_draws} samples from {n} elements without replacement "
            "(replace=False); use replace=True or a smaller shape"
        )
    if p is None:
        if replace:
            ind = randint(key, shape, 0, n)
        else:
            ind = SO.reshape(Ix.getitem(RB.random_permutation(key, (n,), 0),
                                        slice(0, n_draws)), shape)
    else:
        p = asarray(p)
        if p.dtype.kind != "f":
            p = S.convert_element_type(p, dtypes.default_float)
        if tuple(p.shape) != (n,):
            raise ValueError(f"choice: p must be None or have shape ({n},) to match a, got "
                             f"{tuple(p.shape)}")
        if replace:
            cdf = Rd.cumsum(p)
            r = M.multiply(Ix.getitem(cdf, -1),
                           M.subtract(1.0, uniform(key, shape, p.dtype)))
            # searchsorted(cdf, r, side="left"): how many cumulative weights lie below r.
            below = M.less(cdf, SO.expand_dims(r, -1))
            ind = Rd.sum(below, axis=-1, dtype=dtypes.default_int)
        else:
            # Gumbel top-k: the n_draws largest of log(p) + Gumbel noise, largest first. A
            # stable descending sort keeps the picks distinct when p has zeros (their -inf
            # keys tie and follow in index order, as JAX's top_k).
            with np.errstate(divide="ignore"):  # p == 0 gives log(p) = -inf: drawn last
                g = M.add(gumbel(key, (n,), p.dtype), M.log(p))
            order = S.convert_element_type(Srt.argsort(g, descending=True),
                                           dtypes.default_int)
            ind = SO.reshape(Ix.getitem(order, slice(0, n_draws)), shape)
    return ind if arr is None else Ix.take(arr, ind, axis)


# ---- erfinv as a composite (for normal and truncated_normal) ---------------------------------

# Giles, "Approximating the erfinv function" (GPU Computing Gems, 2011): single precision
# (two branches in w = -log(1 - x^2)) and double precision (three branches). Highest power first.
_GILES32 = (
    (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
     -0.00125372503, -0.00417768164, 0.246640727, 1.50140941),
    (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
     -0.0076224613, 0.00943887047, 1.00167406, 2.83297682),
)
_GILES64 = (
    (-3.6444120640178196996e-21, -1.685059138182016589e-19, 1.2858480715256400167e-18,
     1.115787767802518096e-17, -1.333171662854620906e-16, 2.0972767875968561637e-17,
     6.6376381343583238325e-15, -4.0545662729752068639e-14, -8.1519341976054721522e-14,
     2.6335093153082322977e-12, -1.2975133253453532498e-11, -5.4154120542946279317e-11,
     1.051212273321532285e-09, -4.1126339803469836976e-09, -2.9070369957882005086e-08,
     4.2347877827932403518e-07, -1.3654692000834678645e-06, -1.3882523362786468719e-05,
     0.0001867342080340571352, -0.00074070253416626697512, -0.0060336708714301490533,
     0.24015818242558961693, 1.6536545626831027356),
    (2.2137376921775787049e-09, 9.0756561938885390979e-08, -2.7517406297064545428e-07,
     1.8239629214389227755e-08, 1.5027403968909827627e-06, -4.013867526981545969e-06,
     2.9234449089955446044e-06, 1.2475304481671778723e-05, -4.7318229009055733981e-05,
     6.8284851459573175448e-05, 2.4031110387097893999e-05, -0.0003550375203628474796,
     0.00095328937973738049703, -0.0016882755560235047313, 0.0024914420961078508066,
     -0.0037512085075692412107, 0.005370914553590063617, 1.0052589676941592334,
     3.0838856104922207635),
    (-2.7109920616438573243e-11, -2.5556418169965252055e-10, 1.5076572693500548083e-09,
     -3.7894654401267369937e-09, 7.6157012080783393804e-09, -1.4960026627149240478e-08,
     2.9147953450901080826e-08, -6.7711997758452339498e-08, 2.2900482228026654717e-07,
     -9.9298272942317002539e-07, 4.5260625972231537039e-06, -1.9681778105531670567e-05,
     7.5995277030017761139e-05, -0.00021503011930044477347, -0.00013871931833623122026,
     1.0103004648645343977, 4.8499064014085844221),
)


def _horner(coeffs: tuple, w: Any) -> Any:
    p = M.add(M.multiply(coeffs[0], w), coeffs[1])
    for c in coeffs[2:]:
        p = M.add(M.multiply(p, w), c)
    return p


def _erfinv(x: Any) -> Any:
    """erfinv for |x| < 1 (float32: ~1e-7 relative error; float64: ~1e-15)."""
    if x.dtype.itemsize < 4:  # half precision: compute in float32
        return S.convert_element_type(_erfinv(S.convert_element_type(x, np.float32)), x.dtype)
    w = M.negative(M.log(M.multiply(M.subtract(1.0, x), M.add(1.0, x))))
    # The square-root branches see w clamped to their own range, so the branch that is not
    # selected never takes sqrt at 0 (whose infinite derivative would leak a NaN into grads).
    if x.dtype.itemsize == 8:
        central = _horner(_GILES64[0], M.subtract(w, 3.125))
        mid = _horner(_GILES64[1], M.subtract(M.sqrt(M.maximum(w, 6.25)), 3.25))
        tail = _horner(_GILES64[2], M.subtract(M.sqrt(M.maximum(w, 16.0)), 5.0))
        p = M.where(M.less(w, 6.25), central, M.where(M.less(w, 16.0), mid, tail))
    else:
        central = _horner(_GILES32[0], M.subtract(w, 2.5))
        tail = _horner(_GILES32[1], M.subtract(M.sqrt(M.maximum(w, 5.0)), 3.0))
        p = M.where(M.less(w, 5.0), central, tail)
    return M.multiply(p, x)


def _step_inside(bound: Any, direction: int) -> Any:
    """The next float after ``bound`` towards the inside of the interval (``-inf`` steps to the
    most negative finite float). Gradients do not flow through it."""
    b = S.stop_gradient_p.bind(bound)
    return E.nextafter(b, np.inf if direction > 0 else -np.inf)


__all__ = [
    "PRNGKey", "bernoulli", "bits", "categorical", "cauchy", "choice", "exponential",
    "fold_in", "gumbel", "key", "key_data", "laplace", "logistic", "normal", "permutation",
    "rademacher", "randint", "split", "truncated_normal", "uniform", "wrap_key_data",
]
