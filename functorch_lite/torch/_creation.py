"""Creating tensors: ``tensor``, ``zeros``, ``arange``, ``randn``... and the random generators.

Random numbers come from numpy's Philox counter-based generator, seeded by
``torch.manual_seed`` (a global ``Generator``) or by a ``torch.Generator`` passed as
``generator=``: the same seed gives the same numbers on every machine (not torch's numbers).
Values are drawn on the host and moved to the tensor's device.
"""
from __future__ import annotations

import builtins
import json
import math
from typing import Any

import numpy as np

from .._src.array import Array
from . import _dtypes as D
from ._device import as_device, move
from ._tensor import Tensor, _LegacyType


def _size(size: tuple) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = s.item()
        if not isinstance(s, (builtins.int, np.integer)) or isinstance(s, builtins.bool):
            raise TypeError(
                f"size must be a sequence of ints (got an element of type {type(s).__name__})"
            )
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: "
                               f"{list(size)}")
        out.append(builtins.int(s))
    return tuple(out)


# How many tensors were made from host data (Python numbers, lists, numpy arrays, a batch
# from a DataLoader): ``torch.compile`` of a training step compares it before and after its
# trace, since such data would be frozen into the program as a constant.
HOST_DATA = [0]


def _finish(value: np.ndarray, device: Any, requires_grad: bool) -> Tensor:
    arr = Array(value)
    if device is not None:
        arr = move(arr, as_device(device))
    t = Tensor._from_value(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _np_dtype(dtype: Any, default: D.dtype | None = None) -> np.dtype:
    if dtype is None:
        return (default or D.get_default_dtype()).np
    return D.as_dtype(dtype).np


# ---- from data ---------------------------------------------------------------------------------

def _to_numpy_tree(data: Any) -> Any:
    if isinstance(data, Tensor):
        return data.detach().numpy(force=True) if data.ndim else data.item()
    if isinstance(data, (list, tuple)):
        return [_to_numpy_tree(d) for d in data]
    return data


def _has_numpy(data: Any) -> bool:
    if isinstance(data, (np.ndarray, np.generic)):
        return True
    if isinstance(data, (list, tuple)):
        return builtins.any(_has_numpy(d) for d in data)
    return False


def _infer_dtype(value: np.ndarray, from_numpy: bool) -> np.dtype:
    kind = value.dtype.kind
    if from_numpy and kind in "biufc":
        return D.from_np(value.dtype).np
    if kind == "b":
        return np.dtype(np.bool_)
    if kind in "iu":
        return np.dtype(np.int64)
    if kind == "f":
        return D.get_default_dtype().np
    if kind == "c":
        return D.default_complex().np
    raise TypeError(
        f"Could not infer dtype of {value.dtype} data: torch.tensor takes numbers, (nested) "
        "lists of numbers, numpy arrays or tensors"
    )


def tensor(data: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False,
           pin_memory: bool = False) -> Tensor:
    """A new leaf tensor holding a copy of ``data`` (a number, nested lists, a numpy array or
    a tensor). Python ints become int64, floats the default dtype (float32); numpy arrays keep
    their dtype.

    Example:
        >>> torch.tensor([1, 2]).dtype
        torch.int64
        >>> torch.tensor([1.0, 2.0], requires_grad=True)
        tensor([1., 2.], requires_grad=True)
    """
    if isinstance(data, Tensor):
        value = data.detach().numpy(force=True)
        if dtype is not None:
            value = value.astype(D.as_dtype(dtype).np)
        dev = device if device is not None else data.device
        return _finish(value, dev, requires_grad)
    HOST_DATA[0] += 1
    tree = _to_numpy_tree(data) if isinstance(data, (list, tuple)) else data
    try:
        value = np.array(tree)
    except ValueError as e:
        raise ValueError(
            f"could not build a tensor from this data ({e}); nested lists must be rectangular"
        ) from None
    if dtype is not None:
        want = D.as_dtype(dtype).np
    else:
        want = _infer_dtype(value, _has_numpy(data))
    if value.dtype.kind not in "biufc":
        raise TypeError(
            f"Could not infer dtype of {type(data).__name__}: torch.tensor takes numbers, lists "
            "of numbers, numpy arrays or tensors"
        )
    return _finish(value.astype(want, copy=False), device, requires_grad)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """``data`` as a tensor: a tensor of the right dtype/device is returned as is; anything
    else is converted like ``torch.tensor`` (without requires_grad).

    Example:
        >>> t = torch.tensor([1.0])
        >>> torch.as_tensor(t) is t
        True
    """
    if isinstance(data, Tensor):
        out = data
        if dtype is not None:
            out = out.to(dtype)
        if device is not None:
            out = out.to(device)
        return out
    return tensor(data, dtype=dtype, device=device)


asarray = as_tensor


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor with a copy of a numpy array's data and its dtype. Unlike torch, it shares no
    memory: later writes to the array do not show in the tensor (tensors wrap immutable
    Arrays).

    Example:
        >>> torch.from_numpy(np.array([1.0, 2.0])).dtype
        torch.float64
    """
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    HOST_DATA[0] += 1
    if ndarray.dtype.kind not in "biufc":
        raise TypeError(
            f"can't convert np.ndarray of type {ndarray.dtype}. The only supported types are: "
            "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, "
            "uint8, and bool."
        )
    return _finish(ndarray.astype(D.from_np(ndarray.dtype).np, copy=True), None, False)


def _rebuild(value: np.ndarray, requires_grad: bool) -> Tensor:
    return _finish(value, None, requires_grad)


def legacy_new(args: tuple, kwargs: dict, dtype: D.dtype | None = None) -> Tensor:
    """``torch.Tensor(...)``/``torch.FloatTensor(...)``: from data, or uninitialized (zeros
    here) of the given sizes."""
    dtype = dtype or D.get_default_dtype()
    device = kwargs.get("device")
    if "size" in kwargs:
        return zeros(_size((kwargs["size"],)), dtype=dtype, device=device)
    if not args:
        return _finish(np.zeros((0,), dtype.np), device, False)
    if len(args) == 1 and not isinstance(args[0], (builtins.int, np.integer)) and not \
            isinstance(args[0], D.__class__):
        data = args[0]
        if isinstance(data, Tensor):
            return data.to(dtype)
        return tensor(data, dtype=dtype, device=device)
    return zeros(_size(args), dtype=dtype, device=device)


# ---- filled ------------------------------------------------------------------------------------

def zeros(*size: Any, out: Any = None, dtype: Any = None, layout: Any = None,
          device: Any = None, requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """A tensor of zeros (default dtype float32).

    Example:
        >>> torch.zeros(2, 3).shape
        torch.Size([2, 3])
    """
    return _finish(np.zeros(_size(size), _np_dtype(dtype)), device, requires_grad)


def ones(*size: Any, out: Any = None, dtype: Any = None, layout: Any = None,
         device: Any = None, requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """A tensor of ones.

    Example:
        >>> torch.ones(2)
        tensor([1., 1.])
    """
    return _finish(np.ones(_size(size), _np_dtype(dtype)), device, requires_grad)


def empty(*size: Any, out: Any = None, dtype: Any = None, layout: Any = None,
          device: Any = None, requires_grad: bool = False, pin_memory: bool = False,
          memory_format: Any = None) -> Tensor:
    """An "uninitialized" tensor: filled with zeros here (immutable Arrays cannot be left
    uninitialized).

    Example:
        >>> torch.empty(2).shape
        torch.Size([2])
    """
    return zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def full(size: Any, fill_value: Any, *, out: Any = None, dtype: Any = None, layout: Any = None,
         device: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value``; the dtype follows the value (bool, int64 or the
    default float) unless given.

    Example:
        >>> torch.full((2,), 7)
        tensor([7, 7])
    """
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if dtype is None:
        dtype = D.scalar_dtype(fill_value)
    return _finish(np.full(_size((size,)), fill_value, _np_dtype(dtype)), device, requires_grad)


def eye(n: int, m: int | None = None, *, out: Any = None, dtype: Any = None, layout: Any = None,
        device: Any = None, requires_grad: bool = False) -> Tensor:
    """The identity matrix (``n`` x ``m``).

    Example:
        >>> torch.eye(2)
        tensor([[1., 0.],
                [0., 1.]])
    """
    return _finish(np.eye(n, m, dtype=_np_dtype(dtype)), device, requires_grad)


def _like(input: Tensor, dtype: Any, device: Any) -> tuple:
    dt = input.dtype if dtype is None else D.as_dtype(dtype)
    dev = input.device if device is None else device
    return tuple(input.shape), dt, dev


def zeros_like(input: Tensor, *, dtype: Any = None, layout: Any = None, device: Any = None,
               requires_grad: bool = False, memory_format: Any = None) -> Tensor:
    """Zeros with ``input``'s shape, dtype and device.

    Example:
        >>> torch.zeros_like(torch.tensor([1, 2]))
        tensor([0, 0])
    """
    shape, dt, dev = _like(input, dtype, device)
    return zeros(shape, dtype=dt, device=dev, requires_grad=requires_grad)


def ones_like(input: Tensor, *, dtype: Any = None, layout: Any = None, device: Any = None,
              requires_grad: bool = False, memory_format: Any = None) -> Tensor:
    """Ones with ``input``'s shape, dtype and device.

    Example:
        >>> torch.ones_like(torch.zeros(2))
        tensor([1., 1.])
    """
    shape, dt, dev = _like(input, dtype, device)
    return ones(shape, dtype=dt, device=dev, requires_grad=requires_grad)


def empty_like(input: Tensor, *, dtype: Any = None, layout: Any = None, device: Any = None,
               requires_grad: bool = False, memory_format: Any = None) -> Tensor:
    """``zeros_like`` (see ``empty``).

    Example:
        >>> torch.empty_like(torch.zeros(2)).shape
        torch.Size([2])
    """
    return zeros_like(input, dtype=dtype, device=device, requires_grad=requires_grad)


def full_like(input: Tensor, fill_value: Any, *, dtype: Any = None, layout: Any = None,
              device: Any = None, requires_grad: bool = False, memory_format: Any = None
              ) -> Tensor:
    """``fill_value`` with ``input``'s shape, dtype and device.

    Example:
        >>> torch.full_like(torch.zeros(2), 3)
        tensor([3., 3.])
    """
    shape, dt, dev = _like(input, dtype, device)
    return full(shape, fill_value, dtype=dt, device=dev, requires_grad=requires_grad)


def rand_like(input: Tensor, *, dtype: Any = None, layout: Any = None, device: Any = None,
              requires_grad: bool = False, memory_format: Any = None) -> Tensor:
    """Uniform [0, 1) samples with ``input``'s shape, dtype and device.

    Example:
        >>> torch.rand_like(torch.zeros(2)).shape
        torch.Size([2])
    """
    shape, dt, dev = _like(input, dtype, device)
    return rand(shape, dtype=dt, device=dev, requires_grad=requires_grad)


def randn_like(input: Tensor, *, dtype: Any = None, layout: Any = None, device: Any = None,
               requires_grad: bool = False, memory_format: Any = None) -> Tensor:
    """Standard normal samples with ``input``'s shape, dtype and device.

    Example:
        >>> torch.randn_like(torch.zeros(2)).shape
        torch.Size([2])
    """
    shape, dt, dev = _like(input, dtype, device)
    return randn(shape, dtype=dt, device=dev, requires_grad=requires_grad)


def randint_like(input: Tensor, low: int = 0, high: int | None = None, *, dtype: Any = None,
                 device: Any = None, requires_grad: bool = False) -> Tensor:
    """Random ints in [low, high) with ``input``'s shape (and dtype).

    Example:
        >>> torch.randint_like(torch.zeros(3), 5).shape
        torch.Size([3])
    """
    if high is None:
        low, high = 0, low
    shape, dt, dev = _like(input, dtype, device)
    return randint(low, high, shape, dtype=dt, device=dev)


# ---- ranges ------------------------------------------------------------------------------------

def arange(start: Any = 0, end: Any = None, step: Any = 1, *, out: Any = None, dtype: Any = None,
           layout: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """``start, start + step, ...`` below ``end``: int64 when all bounds are ints, else the
    default float.

    Example:
        >>> torch.arange(3)
        tensor([0, 1, 2])
        >>> torch.arange(0, 1, 0.25)
        tensor([0.0000, 0.2500, 0.5000, 0.7500])
    """
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if dtype is None:
        is_int = builtins.all(isinstance(v, (builtins.int, np.integer)) for v in vals)
        dt = np.dtype(np.int64) if is_int else D.get_default_dtype().np
    else:
        dt = D.as_dtype(dtype).np
    s, e, st = vals
    n = builtins.max(math.ceil((e - s) / st), 0)
    value = (s + st * np.arange(n, dtype=np.float64)) if dt.kind in "fc" else \
        np.arange(s, e, st, dtype=np.int64)
    return _finish(value.astype(dt), device, requires_grad)


def range(start: Any = 0, end: Any = None, step: Any = 1, *, dtype: Any = None,
          device: Any = None, requires_grad: bool = False) -> Tensor:
    """Deprecated torch.range: like arange but including ``end``; default float dtype.

    Example:
        >>> torch.range(1, 3)
        tensor([1., 2., 3.])
    """
    if end is None:
        start, end = 0, start
    n = builtins.int(math.floor((end - start) / step)) + 1
    value = start + step * np.arange(n, dtype=np.float64)
    return _finish(value.astype(_np_dtype(dtype)), device, requires_grad)


def linspace(start: Any, end: Any, steps: int, *, out: Any = None, dtype: Any = None,
             layout: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive.

    Example:
        >>> torch.linspace(0, 1, 3)
        tensor([0.0000, 0.5000, 1.0000])
    """
    start = start.item() if isinstance(start, Tensor) else start
    end = end.item() if isinstance(end, Tensor) else end
    value = np.linspace(start, end, steps, dtype=np.float64)
    return _finish(value.astype(_np_dtype(dtype)), device, requires_grad)


def logspace(start: Any, end: Any, steps: int, base: float = 10.0, *, dtype: Any = None,
             device: Any = None, requires_grad: bool = False) -> Tensor:
    """``base ** linspace(start, end, steps)``.

    Example:
        >>> torch.logspace(0, 2, 3)
        tensor([  1.,  10., 100.])
    """
    value = np.logspace(start, end, steps, base=base, dtype=np.float64)
    return _finish(value.astype(_np_dtype(dtype)), device, requires_grad)


# ---- random ------------------------------------------------------------------------------------

class Generator:
    """A random number generator (numpy's Philox underneath): seed it with ``manual_seed`` and
    pass it as ``generator=`` to random functions.

    Example:
        >>> g = torch.Generator().manual_seed(0)
        >>> torch.rand(2, generator=g).shape
        torch.Size([2])
    """

    def __init__(self, device: Any = "cpu"):
        self.device = as_device(device)
        self._seed = 67280421310721  # torch's default seed
        self._rng = np.random.Generator(np.random.Philox(self._seed))

    def manual_seed(self, seed: Any) -> Generator:
        seed = builtins.int(seed)
        self._seed = seed
        self._rng = np.random.Generator(np.random.Philox(seed & (2 ** 64 - 1)))
        return self

    def seed(self) -> int:
        s = builtins.int(np.random.SeedSequence().entropy) & (2 ** 63 - 1)
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> Tensor:
        """The generator's full state as a uint8 tensor (for ``set_state``)."""
        state = self._rng.bit_generator.state
        plain = {"seed": self._seed, "state": {k: [int(w) for w in v] for k, v in
                                               state["state"].items()},
                 "buffer": [int(w) for w in state["buffer"]], "buffer_pos":
                 int(state["buffer_pos"]), "has_uint32": int(state["has_uint32"]),
                 "uinteger": int(state["uinteger"])}
        raw = np.frombuffer(json.dumps(plain).encode(), dtype=np.uint8)
        return _finish(raw.copy(), None, False)

    def set_state(self, new_state: Tensor) -> Generator:
        """Restore a state from ``get_state``."""
        plain = json.loads(new_state.numpy(force=True).astype(np.uint8).tobytes().decode())
        bg = np.random.Philox()
        state = bg.state
        state["state"] = {k: np.array(v, dtype=np.uint64) for k, v in plain["state"].items()}
        state["buffer"] = np.array(plain["buffer"], dtype=np.uint64)
        for k in ("buffer_pos", "has_uint32", "uinteger"):
            state[k] = plain[k]
        bg.state = state
        self._seed = plain["seed"]
        self._rng = np.random.Generator(bg)
        return self


default_generator = Generator()


def _rng(generator: Generator | None) -> np.random.Generator:
    return (generator or default_generator)._rng


def manual_seed(seed: Any) -> Generator:
    """Seed the global generator (and cupy's, where used); returns it.

    Example:
        >>> _ = torch.manual_seed(0)
        >>> a = torch.rand(2); _ = torch.manual_seed(0)
        >>> torch.equal(a, torch.rand(2))
        True
    """
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the global generator from OS entropy; returns the seed.

    Example:
        >>> isinstance(torch.seed(), int)
        True
    """
    return default_generator.seed()


def initial_seed() -> int:
    """The seed the global generator was last seeded with.

    Example:
        >>> _ = torch.manual_seed(3); torch.initial_seed()
        3
    """
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    """The global generator's state (a uint8 tensor).

    Example:
        >>> s = torch.get_rng_state(); a = torch.rand(1); torch.set_rng_state(s)
        >>> torch.equal(a, torch.rand(1))
        True
    """
    return default_generator.get_state()


def set_rng_state(new_state: Tensor) -> None:
    """Restore a state from ``get_rng_state``.

    Example:
        >>> torch.set_rng_state(torch.get_rng_state())
    """
    default_generator.set_state(new_state)


def _float_dt(dtype: Any) -> np.dtype:
    dt = _np_dtype(dtype)
    if dt.kind not in "fc":
        raise RuntimeError(f"\"normal_kernel_cpu\" not implemented for '{D.from_np(dt)}'; "
                           "random floats need a floating-point dtype")
    return dt


def rand(*size: Any, generator: Generator | None = None, out: Any = None, dtype: Any = None,
         layout: Any = None, device: Any = None, requires_grad: bool = False,
         pin_memory: bool = False) -> Tensor:
    """Uniform samples from [0, 1).

    Example:
        >>> torch.rand(2, 3).shape
        torch.Size([2, 3])
    """
    dt = _float_dt(dtype)
    value = _rng(generator).random(_size(size), dtype=np.float64).astype(dt)
    return _finish(value, device, requires_grad)


def randn(*size: Any, generator: Generator | None = None, out: Any = None, dtype: Any = None,
          layout: Any = None, device: Any = None, requires_grad: bool = False,
          pin_memory: bool = False) -> Tensor:
    """Standard normal samples.

    Example:
        >>> torch.randn(4).shape
        torch.Size([4])
    """
    dt = _float_dt(dtype)
    value = _rng(generator).standard_normal(_size(size), dtype=np.float64).astype(dt)
    return _finish(value, device, requires_grad)


def randint(low: int = 0, high: int | None = None, size: Any = None, *,
            generator: Generator | None = None, out: Any = None, dtype: Any = None,
            layout: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """Random int64 values in [low, high): ``randint(high, size)`` or
    ``randint(low, high, size)``.

    Example:
        >>> torch.randint(0, 10, (3,)).dtype
        torch.int64
    """
    if size is None:
        if high is None or not isinstance(high, (tuple, list)):
            raise TypeError("randint() missing the size argument: randint(low, high, size) or "
                            "randint(high, size) with size a tuple")
        low, high, size = 0, low, high
    if high is None:
        raise TypeError("randint() needs high")
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} "
                           f">= to={high}")
    dt = _np_dtype(dtype, D.int64)
    value = _rng(generator).integers(low, high, _size((size,)), dtype=np.int64).astype(dt)
    return _finish(value, device, requires_grad)


def randperm(n: int, *, generator: Generator | None = None, out: Any = None, dtype: Any = None,
             layout: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A random permutation of ``0..n-1`` (int64).

    Example:
        >>> sorted(torch.randperm(4).tolist())
        [0, 1, 2, 3]
    """
    value = _rng(generator).permutation(builtins.int(n)).astype(_np_dtype(dtype, D.int64))
    return _finish(value, device, requires_grad)


def normal(mean: Any = 0.0, std: Any = 1.0, size: Any = None, *,
           generator: Generator | None = None, out: Any = None, dtype: Any = None,
           device: Any = None, requires_grad: bool = False) -> Tensor:
    """Normal samples with ``mean`` and ``std`` (numbers with ``size``, or tensors that give
    the shape).

    Example:
        >>> torch.normal(0.0, 1.0, size=(2,)).shape
        torch.Size([2])
    """
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        m = mean.numpy(force=True) if isinstance(mean, Tensor) else mean
        s = std.numpy(force=True) if isinstance(std, Tensor) else std
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
        ref = mean if isinstance(mean, Tensor) else std
        z = _rng(generator).standard_normal(shape)
        return _finish((m + s * z).astype(ref.dtype.np), device, requires_grad)
    if size is None:
        raise TypeError("normal() with float mean and std needs size=")
    dt = _float_dt(dtype)
    z = _rng(generator).standard_normal(_size((size,)))
    return _finish((mean + std * z).astype(dt), device, requires_grad)


def bernoulli(input: Tensor, p: Any = None, *, generator: Generator | None = None) -> Tensor:
    """0/1 samples with probabilities ``input`` (or ``p``), in ``input``'s dtype.

    Example:
        >>> torch.bernoulli(torch.ones(3))
        tensor([1., 1., 1.])
    """
    probs = np.broadcast_to(p if p is not None else input.numpy(force=True), tuple(input.shape))
    u = _rng(generator).random(tuple(input.shape))
    return _finish((u < probs).astype(input.dtype.np), input.device, False)


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *,
                generator: Generator | None = None) -> Tensor:
    """Indices drawn with probabilities proportional to the rows of ``input``.

    Example:
        >>> torch.multinomial(torch.tensor([0.0, 1.0]), 2, replacement=True)
        tensor([1, 1])
    """
    w = input.numpy(force=True).astype(np.float64)
    rows = w.reshape(-1, w.shape[-1])
    rng = _rng(generator)
    out = []
    for r in rows:
        if not replacement and num_samples > np.count_nonzero(r):
            raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                               "replacement")
        out.append(rng.choice(len(r), num_samples, replace=replacement, p=r / r.sum()))
    value = np.asarray(out, np.int64).reshape(w.shape[:-1] + (num_samples,))
    return _finish(value, input.device, False)


def poisson(input: Tensor, generator: Generator | None = None) -> Tensor:
    """Poisson samples with rates ``input``.

    Example:
        >>> torch.poisson(torch.zeros(2))
        tensor([0., 0.])
    """
    value = _rng(generator).poisson(input.numpy(force=True)).astype(input.dtype.np)
    return _finish(value, input.device, False)


# ---- legacy typed constructors -----------------------------------------------------------------

FloatTensor = _LegacyType("torch.FloatTensor", D.float32)
DoubleTensor = _LegacyType("torch.DoubleTensor", D.float64)
HalfTensor = _LegacyType("torch.HalfTensor", D.float16)
LongTensor = _LegacyType("torch.LongTensor", D.int64)
IntTensor = _LegacyType("torch.IntTensor", D.int32)
ShortTensor = _LegacyType("torch.ShortTensor", D.int16)
CharTensor = _LegacyType("torch.CharTensor", D.int8)
ByteTensor = _LegacyType("torch.ByteTensor", D.uint8)
BoolTensor = _LegacyType("torch.BoolTensor", D.bool)
