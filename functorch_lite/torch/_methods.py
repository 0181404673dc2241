"""Install torch's Tensor methods and operators: the functions of _ops/_shape_ops as methods,
their in-place ``*_`` variants (compute out of place, then rebind), and the random fills."""
from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from .._src.array import Array
from . import _creation as C
from . import _linalg, _reductions, _select_ops
from . import _ops as O
from . import _shape_ops as S
from ._tensor import Tensor

_MODULES = (O, _reductions, _linalg, S, _select_ops)


def _find(name: str) -> Any:
    for mod in _MODULES:
        fn = getattr(mod, name, None)
        if fn is not None and getattr(fn, "__module__", None) == mod.__name__:
            return fn
    raise AttributeError(name)

# Methods that are the torch function of the same name, with the tensor as first argument.
_SAME = [
    "add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "floor_divide",
    "remainder", "fmod", "atan2", "arctan2", "maximum", "minimum", "fmax", "fmin", "pow",
    "float_power", "eq", "ne", "lt", "le", "gt", "ge", "not_equal", "less", "less_equal",
    "greater", "greater_equal", "logical_and", "logical_or", "logical_xor", "logical_not",
    "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "exp", "exp2", "expm1", "log",
    "log2", "log10", "log1p", "sqrt", "rsqrt", "sin", "cos", "tan", "asin", "acos", "atan",
    "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "sigmoid",
    "erf", "reciprocal", "neg", "negative", "abs", "absolute", "sign", "sgn", "square", "floor",
    "ceil", "trunc", "fix", "frac", "isnan", "isinf", "isfinite", "relu", "round", "clamp",
    "clip", "clamp_min", "clamp_max", "lerp", "addcmul", "addcdiv", "nan_to_num", "sum",
    "nansum", "mean", "nanmean", "prod", "var", "std", "max", "min", "amax", "amin", "argmax",
    "argmin", "all", "any", "logsumexp", "cumsum", "cumprod", "softmax", "log_softmax", "norm",
    "dist", "matmul", "mm", "bmm", "mv", "dot", "inner", "outer", "ger", "addmm", "trace",
    "allclose", "isclose", "equal",
]
_SAME_SHAPE = [
    "view", "reshape", "view_as", "reshape_as", "flatten", "unflatten", "squeeze", "unsqueeze",
    "permute", "transpose", "swapaxes", "swapdims", "t", "movedim", "moveaxis", "select",
    "narrow", "split", "chunk", "tensor_split", "unbind", "expand", "expand_as", "broadcast_to",
    "repeat", "tile", "repeat_interleave", "flip", "roll", "tril", "triu", "diag", "diagonal",
    "gather", "scatter", "scatter_add", "index_select", "take", "masked_fill", "masked_select",
    "nonzero", "argwhere", "sort", "argsort", "msort", "topk", "kthvalue", "median", "unique",
    "bincount",
]
# In-place variants: name_ = rebind to name(self, ...).
_INPLACE = [
    "add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "floor_divide",
    "remainder", "fmod", "atan2", "pow", "float_power", "exp", "exp2", "expm1", "log", "log2",
    "log10", "log1p", "sqrt", "rsqrt", "sin", "cos", "tan", "asin", "acos", "atan", "sinh",
    "cosh", "tanh", "sigmoid", "erf", "reciprocal", "neg", "negative", "abs", "absolute", "sign",
    "square", "floor", "ceil", "trunc", "frac", "relu", "round", "clamp", "clip", "clamp_min",
    "clamp_max", "lerp", "addcmul", "addcdiv", "nan_to_num", "eq", "ne", "lt", "le", "gt", "ge",
    "logical_and", "logical_or", "logical_not", "masked_fill", "scatter", "scatter_add", "tril",
    "triu", "cumsum", "maximum", "minimum",
]
# Shape-changing in-place variants (they change the tensor's shape, so no shape check).
_INPLACE_SHAPE = ["t", "transpose", "unsqueeze", "squeeze", "swapaxes", "swapdims"]


def _method(fn: Any) -> Any:
    def method(self: Tensor, *args: Any, **kwargs: Any) -> Any:
        return fn(self, *args, **kwargs)

    method.__name__ = fn.__name__
    method.__doc__ = fn.__doc__
    return method


def _inplace(fn: Any, name: str) -> Any:
    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        self._check_inplace()
        return self._inplace(fn(self, *args, **kwargs))

    method.__name__ = name
    method.__doc__ = f"In-place ``{fn.__name__}``: rebinds this tensor to the result."
    return method


def _inplace_shape(fn: Any, name: str) -> Any:
    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        self._check_inplace()
        out = fn(self, *args, **kwargs)
        return self._assign(Tensor._from_value(out._data) if out._graph is None else out)

    method.__name__ = name
    return method


def _swap(fn: Any) -> Any:
    return lambda self, other: fn(other, self)


def _binary_dunder(fn: Any) -> Any:
    def op(self: Tensor, other: Any) -> Any:
        if other is None or isinstance(other, (str, dict, set)):
            return NotImplemented
        return fn(self, other)

    return op


def _iop(fn: Any) -> Any:
    def op(self: Tensor, other: Any) -> Tensor:
        self._check_inplace()
        return self._inplace(fn(self, other))

    return op


# ---- fills -------------------------------------------------------------------------------------

def zero_(self: Tensor) -> Tensor:
    """Fill with zeros in place."""
    return fill_(self, 0)


def fill_(self: Tensor, value: Any) -> Tensor:
    """Fill with ``value`` in place."""
    self._check_inplace()
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(
                "fill_ only supports 0-dimension value tensor but got tensor with "
                f"{value.ndim} dimensions."
            )
        return self._inplace(value.to(self.dtype).expand(tuple(self.shape)))
    data = self._data
    filled = Tensor._from_value(Array(np.full(data.shape, value, data.dtype)))
    if self._graph is not None:  # the old value's gradient path ends here
        return self._assign(filled)
    return self._assign(filled)


def copy_(self: Tensor, src: Any, non_blocking: bool = False) -> Tensor:
    """Copy ``src``'s values (broadcast, converted to this dtype and device) into this tensor.
    """
    self._check_inplace()
    if not isinstance(src, Tensor):
        src = C.tensor(src)
    if src.device != self.device:
        src = src.to(self.device)
    return self._inplace(src.to(self.dtype) if src.dtype is not self.dtype else src * 1
                         if src is self else src)


def _random_fill(self: Tensor, value: np.ndarray) -> Tensor:
    self._check_inplace()
    from ._device import move

    arr = Array(value.astype(self._data.dtype))
    if self.is_cuda:
        arr = move(arr, self.device)
    return self._assign(Tensor._from_value(arr))


def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, *, generator: Any = None
            ) -> Tensor:
    """Fill with normal samples in place."""
    rng = C._rng(generator)
    return _random_fill(self, mean + std * rng.standard_normal(tuple(self.shape)))


def uniform_(self: Tensor, from_: float = 0.0, to: float = 1.0, *, generator: Any = None
             ) -> Tensor:
    """Fill with uniform samples from [from_, to) in place."""
    rng = C._rng(generator)
    return _random_fill(self, from_ + (to - from_) * rng.random(tuple(self.shape)))


def bernoulli_(self: Tensor, p: Any = 0.5, *, generator: Any = None) -> Tensor:
    """Fill with 0/1 samples of probability ``p`` in place."""
    if isinstance(p, Tensor):
        p = p.numpy(force=True)
    rng = C._rng(generator)
    return _random_fill(self, rng.random(tuple(self.shape)) < p)


def random_(self: Tensor, from_: int = 0, to: int | None = None, *, generator: Any = None
            ) -> Tensor:
    """Fill with random ints in [from_, to) in place."""
    if to is None:
        from_, to = 0, from_ if from_ else 2 ** 24
    rng = C._rng(generator)
    return _random_fill(self, rng.integers(from_, to, tuple(self.shape)))


def exponential_(self: Tensor, lambd: float = 1.0, *, generator: Any = None) -> Tensor:
    """Fill with exponential samples of rate ``lambd`` in place."""
    rng = C._rng(generator)
    return _random_fill(self, rng.exponential(1.0 / lambd, tuple(self.shape)))


def _new_factory(fn: Any) -> Any:
    def method(self: Tensor, *size: Any, dtype: Any = None, device: Any = None,
               requires_grad: bool = False, **_: Any) -> Tensor:
        return fn(*size, dtype=dtype or self.dtype, device=device or self.device,
                  requires_grad=requires_grad)

    return method


def new_tensor(self: Tensor, data: Any, *, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    """A new tensor from ``data`` with this tensor's dtype and device by default."""
    return C.tensor(data, dtype=dtype or self.dtype, device=device or self.device,
                    requires_grad=requires_grad)


def new_full(self: Tensor, size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """``torch.full`` with this tensor's dtype and device by default."""
    return C.full(size, fill_value, dtype=dtype or self.dtype, device=device or self.device,
                  requires_grad=requires_grad)


def clone(self: Tensor, *, memory_format: Any = None) -> Tensor:
    """A copy that stays connected to autograd (grad flows back to this tensor)."""
    from ._autograd import SAVE_NONE, apply

    return apply(lambda v: v * 1 if v.dtype.kind != "b" else v | False, "CloneBackward0",
                 (self,), saves=SAVE_NONE)


def apply_(self: Tensor, callable: Any) -> Tensor:
    """Apply a Python function to each element, in place (CPU tensors)."""
    values = np.vectorize(callable)(self.numpy(force=True)).astype(self._data.dtype)
    return _random_fill(self, values)


def map_(self: Tensor, other: Tensor, callable: Any) -> Tensor:
    """``self[i] = callable(self[i], other[i])`` in place."""
    values = np.vectorize(callable)(self.numpy(force=True), other.numpy(force=True))
    return _random_fill(self, values.astype(self._data.dtype))


def index_fill_(self: Tensor, dim: int, index: Tensor, value: Any) -> Tensor:
    """Fill the entries at ``index`` along ``dim`` with ``value`` in place."""
    d = O._norm_dim(dim, self.ndim)
    idx = (slice(None),) * d + (index,)
    self[idx] = value
    return self


def index_add(self: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: Any = 1
              ) -> Tensor:
    """A copy with ``source`` slices added at ``index`` along ``dim``."""
    from ._autograd import SAVE_NONE, apply

    d = O._norm_dim(dim, self.ndim)
    idx = (slice(None),) * d + (index._data,)
    src = source if alpha == 1 else O.mul(source, alpha)
    return apply(lambda v, s: v.at[idx].add(s), "IndexAddBackward0", (self, src.to(self.dtype)),
                 saves=SAVE_NONE)


def install() -> None:
    for name in _SAME + _SAME_SHAPE:
        setattr(Tensor, name, _method(_find(name)))
    for name in _INPLACE:
        setattr(Tensor, name + "_", _inplace(_find(name), name + "_"))
    for name in _INPLACE_SHAPE:
        setattr(Tensor, name + "_", _inplace_shape(getattr(S, name), name + "_"))
    Tensor.T = property(lambda self: S.permute(self, *reversed(builtins.range(self.ndim))))
    Tensor.mT = property(lambda self: S.transpose(self, -2, -1))
    Tensor.H = property(lambda self: S.permute(self, *reversed(builtins.range(self.ndim))))
    Tensor.__getitem__ = S.getitem
    Tensor.__setitem__ = S.setitem
    binary = {"add": O.add, "sub": O.sub, "mul": O.mul, "truediv": O.div, "floordiv":
              O.floor_divide, "mod": O.remainder, "pow": O.pow, "matmul": _linalg.matmul, "and":
              O.bitwise_and, "or": O.bitwise_or, "xor": O.bitwise_xor}
    for name, fn in binary.items():
        setattr(Tensor, f"__{name}__", _binary_dunder(fn))
        setattr(Tensor, f"__r{name}__", _binary_dunder(_swap(fn)))
        setattr(Tensor, f"__i{name}__", _iop(fn))
    for name, fn in {"eq": O.eq, "ne": O.ne, "lt": O.lt, "le": O.le, "gt": O.gt,
                     "ge": O.ge}.items():
        setattr(Tensor, f"__{name}__", _binary_dunder(fn))
    Tensor.__hash__ = object.__hash__
    Tensor.__neg__ = lambda self: O.neg(self)
    Tensor.__pos__ = lambda self: self
    Tensor.__abs__ = lambda self: O.abs(self)
    Tensor.__invert__ = lambda self: O.bitwise_not(self)
    for fn in (zero_, fill_, copy_, normal_, uniform_, bernoulli_, random_, exponential_,
               new_tensor, new_full, clone, apply_, map_, index_fill_, index_add):
        setattr(Tensor, fn.__name__, fn)
    Tensor.new_zeros = _new_factory(C.zeros)
    Tensor.new_ones = _new_factory(C.ones)
    Tensor.new_empty = _new_factory(C.empty)
    Tensor.masked_fill_ = _inplace(_select_ops.masked_fill, "masked_fill_")
    # x.where(condition, y) is torch.where(condition, x, y)
    Tensor.where = lambda self, condition, other: _linalg.where(condition, self, other)
    Tensor.index_add_ = _inplace(index_add, "index_add_")


install()
