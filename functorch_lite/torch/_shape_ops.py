"""torch-named shape, indexing, joining and sorting ops over tensors.

``view``/``reshape``/``flatten``/``squeeze``/``unsqueeze``/``t``/``transpose``/``permute``/
``select``/``narrow`` and basic indexing return *views* (see _tensor.py): writing into them
writes into their base. ``expand``, ``split``/``chunk``/``unbind`` and advanced indexing return
new tensors. Strides are not modelled, so ``view`` never fails for non-contiguous inputs.
"""
from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np

import functorch_lite.numpy as jnp

from .._src.array import Array
from . import _dtypes as D
from ._autograd import SAVE_NONE, apply
from ._ops import _norm_dim
from ._tensor import Tensor
from ._views import _View


def _shape_arg(shape: tuple) -> tuple:
    if len(shape) == 1 and not isinstance(shape[0], (builtins.int, Tensor)):
        shape = tuple(shape[0])
    return tuple(builtins.int(s) for s in shape)


def _infer(shape: tuple, numel: int, fname: str = "view") -> tuple:
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = math.prod(s for s in shape if s != -1)
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        return tuple(numel // known if s == -1 else s for s in shape)
    if known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def _reshaped(x: Tensor, shape: tuple, name: str = "ViewBackward0") -> Tensor:
    return apply(lambda v: jnp.reshape(v, shape), name, (x,), saves=SAVE_NONE)


def _reshape_view(x: Tensor, shape: tuple, name: str) -> Tensor:
    src_shape = tuple(x._data.shape)
    return _View._of(x, lambda s: _reshaped(s, shape, name),
                     lambda s, v: _reshaped(v, tuple(s._data.shape), name),
                     value=_reshaped(x, shape, name) if src_shape != shape else None)


def view(input: Tensor, *shape: Any) -> Tensor:
    """The same data with another shape (one dim may be -1); a view. ``view(dtype)`` is not
    supported.

    Example:
        >>> torch.arange(6).view(2, 3).shape
        torch.Size([2, 3])
    """
    if len(shape) == 1 and isinstance(shape[0], D.dtype):
        raise NotImplementedError("view(dtype) (reinterpreting the bits as another dtype) is not "
                                  "supported; to convert the values use .to(dtype)")
    return _reshape_view(input, _infer(_shape_arg(shape), input.numel()), "ViewBackward0")


def reshape(input: Tensor, *shape: Any) -> Tensor:
    """The same data with another shape (one dim may be -1); a view.

    Example:
        >>> torch.reshape(torch.arange(6), (3, -1)).shape
        torch.Size([3, 2])
    """
    return _reshape_view(input, _infer(_shape_arg(shape), input.numel(), "reshape"),
                         "ViewBackward0")


def view_as(input: Tensor, other: Tensor) -> Tensor:
    """``input.view(other.shape)``.

    Example:
        >>> torch.zeros(6).view_as(torch.zeros(2, 3)).shape
        torch.Size([2, 3])
    """
    return view(input, tuple(other.shape))


reshape_as = view_as


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dims ``start_dim..end_dim`` into one; a view.

    Example:
        >>> torch.flatten(torch.zeros(2, 3, 4), 1).shape
        torch.Size([2, 12])
    """
    shape = tuple(input._data.shape)
    if not shape:
        return _reshape_view(input, (1,), "ViewBackward0")
    s, e = _norm_dim(start_dim, len(shape)), _norm_dim(end_dim, len(shape))
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    new = shape[:s] + (math.prod(shape[s:e + 1]),) + shape[e + 1:]
    return _reshape_view(input, new, "ViewBackward0")


def unflatten(input: Tensor, dim: int, sizes: Any) -> Tensor:
    """Split dim ``dim`` into ``sizes`` (one may be -1).

    Example:
        >>> torch.zeros(2, 12).unflatten(1, (3, 4)).shape
        torch.Size([2, 3, 4])
    """
    shape = tuple(input._data.shape)
    d = _norm_dim(dim, len(shape))
    sizes = _infer(tuple(sizes), shape[d], "unflatten")
    return _reshape_view(input, shape[:d] + sizes + shape[d + 1:], "ViewBackward0")


def squeeze(input: Tensor, dim: Any = None) -> Tensor:
    """Drop size-1 dims (all, or those in ``dim`` that have size 1); a view.

    Example:
        >>> torch.zeros(2, 1, 3).squeeze().shape
        torch.Size([2, 3])
    """
    shape = tuple(input._data.shape)
    if dim is None:
        dims = {i for i, s in enumerate(shape) if s == 1}
    else:
        dims = {_norm_dim(d, len(shape)) for d in (dim if isinstance(dim, (tuple, list))
                                                    else (dim,))}
        dims = {d for d in dims if len(shape) and shape[d] == 1}
    new = tuple(s for i, s in enumerate(shape) if i not in dims)
    return _reshape_view(input, new, "SqueezeBackward0" if dim is None else "SqueezeBackward1")


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """Insert a size-1 dim at ``dim``; a view.

    Example:
        >>> torch.zeros(3).unsqueeze(0).shape
        torch.Size([1, 3])
    """
    shape = list(input._data.shape)
    n = len(shape) + 1
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    shape.insert(dim % n, 1)
    return _reshape_view(input, tuple(shape), "UnsqueezeBackward0")


def _transposed(x: Tensor, perm: tuple, name: str) -> Tensor:
    return apply(lambda v: jnp.transpose(v, perm), name, (x,), saves=SAVE_NONE)


def permute(input: Tensor, *dims: Any) -> Tensor:
    """Reorder the dims; a view.

    Example:
        >>> torch.zeros(2, 3, 4).permute(2, 0, 1).shape
        torch.Size([4, 2, 3])
    """
    n = input._data.ndim
    perm = tuple(_norm_dim(d, n) for d in _shape_arg(dims))
    if sorted(perm) != list(range(n)):
        raise RuntimeError(
            f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
            f"length of the desired ordering of dimensions i.e. input.dim() = {n} is not equal "
            f"to len(dims) = {len(perm)}" if len(perm) != n else
            f"permute(): dims {list(perm)} repeat a dimension; give each dim once"
        )
    inverse = tuple(np.argsort(perm).tolist())
    return _View._of(input, lambda s: _transposed(s, perm, "PermuteBackward0"),
                     lambda s, v: _transposed(v, inverse, "PermuteBackward0"))


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dims; a view.

    Example:
        >>> torch.zeros(2, 3).transpose(0, 1).shape
        torch.Size([3, 2])
    """
    n = input._data.ndim
    if n == 0:
        return input.view(())
    a, b = _norm_dim(dim0, n), _norm_dim(dim1, n)
    perm = list(range(n))
    perm[a], perm[b] = perm[b], perm[a]
    perm = tuple(perm)
    return _View._of(input, lambda s: _transposed(s, perm, "TransposeBackward0"),
                     lambda s, v: _transposed(v, perm, "TransposeBackward0"))


swapaxes = swapdims = transpose


def t(input: Tensor) -> Tensor:
    """Transpose of a tensor with at most 2 dims.

    Example:
        >>> torch.zeros(2, 3).t().shape
        torch.Size([3, 2])
    """
    if input._data.ndim > 2:
        raise RuntimeError(
            f"t() expects a tensor with <= 2 dimensions, but self is {input._data.ndim}D; use "
            ".transpose(dim0, dim1) or .permute(...)"
        )
    if input._data.ndim < 2:
        return input.view(tuple(input.shape))
    return _View._of(input, lambda s: _transposed(s, (1, 0), "TBackward0"),
                     lambda s, v: _transposed(v, (1, 0), "TBackward0"))


def movedim(input: Tensor, source: Any, destination: Any) -> Tensor:
    """Move dim(s) ``source`` to position(s) ``destination``.

    Example:
        >>> torch.zeros(2, 3, 4).movedim(0, -1).shape
        torch.Size([3, 4, 2])
    """
    n = input._data.ndim
    src = [source] if isinstance(source, builtins.int) else list(source)
    dst = [destination] if isinstance(destination, builtins.int) else list(destination)
    src = [_norm_dim(s, n) for s in src]
    dst = [_norm_dim(d, n) for d in dst]
    order = [i for i in range(n) if i not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return permute(input, *order)


moveaxis = movedim


def select(input: Tensor, dim: int, index: int) -> Tensor:
    """The slice at ``index`` along ``dim`` (that dim removed); a view.

    Example:
        >>> torch.arange(6).view(2, 3).select(1, 0)
        tensor([0, 3])
    """
    d = _norm_dim(dim, input._data.ndim)
    return getitem(input, (slice(None),) * d + (index,))


def narrow(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    """Elements ``start:start+length`` along ``dim``; a view.

    Example:
        >>> torch.arange(5).narrow(0, 1, 2)
        tensor([1, 2])
    """
    d = _norm_dim(dim, input._data.ndim)
    start = builtins.int(start)
    return getitem(input, (slice(None),) * d + (slice(start, start + length),))


# ---- indexing ----------------------------------------------------------------------------------

def _index_value(i: Any) -> Any:
    if isinstance(i, Tensor):
        v = i._data
        if v.dtype.kind not in "biu":
            raise IndexError(
                "tensors used as indices must be long, int, byte or bool tensors, got "
                f"{i.dtype}; convert with .long()"
            )
        return v
    if isinstance(i, list):
        return [_index_value(e) for e in i] if builtins.any(isinstance(e, Tensor) for e in i) \
            else i
    return i


def convert_index(idx: Any) -> Any:
    """A torch index with tensors turned into core values."""
    if isinstance(idx, tuple):
        return tuple(_index_value(i) for i in idx)
    return _index_value(idx)


def _is_basic(idx: Any) -> bool:
    items = idx if isinstance(idx, tuple) else (idx,)
    for i in items:
        if i is None or i is Ellipsis or isinstance(i, slice):
            continue
        if isinstance(i, (builtins.int, np.integer)) and not isinstance(i, builtins.bool):
            continue
        return False
    return True


def _index_name(idx: Any) -> str:
    items = idx if isinstance(idx, tuple) else (idx,)
    if builtins.all(isinstance(i, (builtins.int, np.integer)) for i in items):
        return "SelectBackward0"
    return "SliceBackward0"


def _get(x: Tensor, idx: Any, name: str) -> Tensor:
    return apply(lambda v: v[idx], name, (x,), saves=SAVE_NONE)


def _set(x: Tensor, idx: Any, value: Any) -> Tensor:
    if isinstance(value, Tensor):
        if value._data.dtype != x._data.dtype:
            value = value.to(x.dtype)
    elif not isinstance(value, (builtins.int, builtins.float, builtins.bool)):
        from ._creation import tensor

        value = tensor(value, dtype=x.dtype)
    elif x._data.dtype.kind in "iub" and isinstance(value, builtins.float):
        value = builtins.int(value) if x._data.dtype.kind != "b" else builtins.bool(value)
    if isinstance(value, Tensor) and value._data.ndim:
        value = _fit(value, x, idx)
    return apply(lambda b, v: b.at[idx].set(v), "CopySlices", (x, value), saves=SAVE_NONE)


def _fit(value: Tensor, x: Tensor, idx: Any) -> Tensor:
    # torch drops leading size-1 dims of the value that the indexed region lacks
    # (x[0] = torch.ones(1, 3) for a row of 3).
    try:
        probe = np.broadcast_to(np.zeros((), np.bool_), tuple(x._data.shape))
        items = idx if isinstance(idx, tuple) else (idx,)
        items = tuple(np.asarray(i) if isinstance(i, Array) else i for i in items)
        target = probe[items if isinstance(idx, tuple) else items[0]].shape
    except Exception:  # let the core report a bad index
        return value
    shape = tuple(value._data.shape)
    while len(shape) > len(target) and shape[0] == 1:
        shape = shape[1:]
    return value if shape == tuple(value._data.shape) else value.reshape(shape)


def getitem(input: Tensor, idx: Any) -> Tensor:
    """``input[idx]``: basic indexing (ints, slices, None, ...) gives a view, advanced
    indexing (tensors, lists, masks) a new tensor."""
    idx = convert_index(idx)
    if _is_basic(idx):
        name = _index_name(idx)
        return _View._of(input, lambda s: _get(s, idx, name), lambda s, v: _set(s, idx, v))
    return _get(input, idx, "IndexBackward0")


def setitem(input: Tensor, idx: Any, value: Any) -> None:
    """``input[idx] = value``, written as an in-place update (rebinding ``input``)."""
    input._check_inplace()
    input._assign(_set(input, convert_index(idx), value))

_INTERNAL = {"convert_index", "getitem", "setitem"}
__all__ = [n for n, v in list(globals().items())
           if not n.startswith("_") and callable(v) and n not in _INTERNAL
           and getattr(v, "__module__", None) == __name__]
