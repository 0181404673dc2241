"""torch-named joining, splitting, selection and sorting ops: ``cat``/``stack``/``split``/
``chunk``/``unbind``, ``expand``/``repeat``, ``gather``/``scatter``/``index_select``/
``masked_fill``, ``sort``/``topk``/``nonzero``/``unique``. Their results are new tensors (not
views)."""
from __future__ import annotations

import builtins
from typing import Any

import numpy as np

import functorch_lite.numpy as jnp

from .._src.array import Array
from . import _dtypes as D
from ._autograd import SAVE_INPUTS, SAVE_NONE, apply
from ._ops import _cast, _norm_dim, as_tensor_operand, sort_result, topk_result
from ._shape_ops import _shape_arg
from ._tensor import Tensor

# ---- joining and splitting ---------------------------------------------------------------------

def _common(tensors: Any, fname: str) -> tuple:
    if isinstance(tensors, Tensor):
        raise TypeError(f"{fname}(): argument 'tensors' must be a tuple or list of Tensors, "
                        "not Tensor")
    tensors = [as_tensor_operand(t) for t in tensors]
    if not tensors:
        raise RuntimeError(f"{fname}(): expected a non-empty list of Tensors")
    dt = D.result_type(*tensors) if len(tensors) > 1 else tensors[0].dtype
    return tuple(_cast(t, dt) for t in tensors)


def cat(tensors: Any, dim: int = 0, *, out: Any = None) -> Tensor:
    """Join tensors along existing dim ``dim`` (1-D empty tensors are skipped, as in torch).

    Example:
        >>> torch.cat([torch.zeros(2, 3), torch.ones(1, 3)]).shape
        torch.Size([3, 3])
    """
    ts = _common(tensors, "cat")
    ts = tuple(t for t in ts if not (t._data.ndim == 1 and t._data.shape[0] == 0)) or ts[:1]
    d = _norm_dim(dim, ts[0]._data.ndim)
    for k, t in enumerate(ts[1:], 1):
        a, b = ts[0]._data.shape, t._data.shape
        if len(a) != len(b) or builtins.any(x != y for i, (x, y) in enumerate(zip(a, b))
                                            if i != d):
            raise RuntimeError(
                f"Sizes of tensors must match except in dimension {d}. Expected size "
                f"{list(a)} but got size {list(b)} for tensor number {k} in the list."
            )
    return apply(lambda *vs: jnp.concatenate(vs, axis=d), "CatBackward0", ts, saves=SAVE_NONE)


concat = concatenate = cat


def stack(tensors: Any, dim: int = 0, *, out: Any = None) -> Tensor:
    """Join same-shape tensors along a new dim ``dim``.

    Example:
        >>> torch.stack([torch.zeros(3), torch.ones(3)], dim=1).shape
        torch.Size([3, 2])
    """
    ts = _common(tensors, "stack")
    shapes = {tuple(t._data.shape) for t in ts}
    if len(shapes) > 1:
        raise RuntimeError(
            f"stack expects each tensor to be equal size, but got {[list(s) for s in shapes]}"
        )
    n = ts[0]._data.ndim + 1
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    return apply(lambda *vs: jnp.stack(vs, axis=dim % n), "StackBackward0", ts, saves=SAVE_NONE)


def hstack(tensors: Any) -> Tensor:
    """Concatenate along dim 1 (dim 0 for 1-D tensors).

    Example:
        >>> torch.hstack([torch.zeros(2), torch.ones(2)])
        tensor([0., 0., 1., 1.])
    """
    ts = _common(tensors, "hstack")
    return cat(ts, 0 if ts[0].ndim == 1 else 1)


def vstack(tensors: Any) -> Tensor:
    """Stack rows: 1-D tensors become rows; concatenate along dim 0.

    Example:
        >>> torch.vstack([torch.zeros(2), torch.ones(2)]).shape
        torch.Size([2, 2])
    """
    ts = _common(tensors, "vstack")
    return cat([t.unsqueeze(0) if t.ndim == 1 else t for t in ts], 0)


def split(tensor: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple:
    """Pieces of ``split_size`` along ``dim`` (the last may be smaller), or of the sizes in a
    list.

    Example:
        >>> [p.shape[0] for p in torch.arange(5).split(2)]
        [2, 2, 1]
    """
    d = _norm_dim(dim, tensor._data.ndim)
    n = tensor._data.shape[d]
    if isinstance(split_size_or_sections, builtins.int):
        size = split_size_or_sections
        if size <= 0 and n:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, got {size}")
        sizes = [builtins.min(size, n - i) for i in range(0, n, size)] if n else [0]
    else:
        sizes = list(split_size_or_sections)
        if builtins.sum(sizes) != n:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's "
                f"size at dimension {d}), but got split_sizes={sizes}"
            )
    bounds = np.cumsum([0] + sizes).tolist()

    def pieces(v: Any) -> tuple:
        return tuple(v[(slice(None),) * d + (slice(a, b),)] for a, b in zip(bounds, bounds[1:]))

    return apply(pieces, "SplitBackward0", (tensor,), saves=SAVE_NONE)


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    """Up to ``chunks`` pieces of equal size ``ceil(n / chunks)`` along ``dim``.

    Example:
        >>> [p.shape[0] for p in torch.arange(5).chunk(3)]
        [2, 2, 1]
    """
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0")
    n = input._data.shape[_norm_dim(dim, input._data.ndim)]
    return split(input, builtins.max(-(-n // chunks), 1), dim)


def tensor_split(input: Tensor, indices_or_sections: Any, dim: int = 0) -> tuple:
    """numpy's array_split: ``sections`` nearly equal pieces, or split at indices.

    Example:
        >>> [p.shape[0] for p in torch.arange(5).tensor_split(2)]
        [3, 2]
    """
    d = _norm_dim(dim, input._data.ndim)
    spec = indices_or_sections
    spec = spec if isinstance(spec, builtins.int) else list(spec)
    return apply(lambda v: tuple(jnp.array_split(v, spec, axis=d)), "SplitBackward0", (input,),
                 saves=SAVE_NONE)


def unbind(input: Tensor, dim: int = 0) -> tuple:
    """The slices along ``dim`` (that dim removed).

    Example:
        >>> len(torch.zeros(3, 2).unbind())
        3
    """
    d = _norm_dim(dim, input._data.ndim)
    n = input._data.shape[d]
    return apply(lambda v: tuple(v[(slice(None),) * d + (i,)] for i in range(n)),
                 "UnbindBackward0", (input,), saves=SAVE_NONE)


def expand(input: Tensor, *sizes: Any) -> Tensor:
    """Broadcast size-1 dims to ``sizes`` (-1 keeps a dim); a new tensor here (torch returns
    a view that cannot be written to).

    Example:
        >>> torch.zeros(3, 1).expand(3, 4).shape
        torch.Size([3, 4])
    """
    sizes = _shape_arg(sizes)
    shape = tuple(input._data.shape)
    if len(sizes) < len(shape):
        raise RuntimeError(
            f"expand: the number of sizes provided ({len(sizes)}) must be greater or equal to "
            f"the number of dimensions in the tensor ({len(shape)})"
        )
    lead = len(sizes) - len(shape)
    target = []
    for i, s in enumerate(sizes):
        old = shape[i - lead] if i >= lead else None
        if s == -1:
            if old is None:
                raise RuntimeError("expand: -1 is not allowed in a leading, non-existing dim")
            s = old
        elif old is not None and old != s and old != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({old}) at "
                f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                f"{list(shape)}"
            )
        target.append(s)
    target = tuple(target)
    if target == shape:
        return input
    return apply(lambda v: jnp.broadcast_to(v, target), "ExpandBackward0", (input,),
                 saves=SAVE_NONE)


def expand_as(input: Tensor, other: Tensor) -> Tensor:
    """``input.expand(other.shape)``.

    Example:
        >>> torch.zeros(1, 3).expand_as(torch.zeros(2, 3)).shape
        torch.Size([2, 3])
    """
    return expand(input, tuple(other.shape))


def broadcast_to(input: Tensor, size: Any) -> Tensor:
    """``input.expand(size)``.

    Example:
        >>> torch.broadcast_to(torch.zeros(3), (2, 3)).shape
        torch.Size([2, 3])
    """
    return expand(input, tuple(size))


def broadcast_tensors(*tensors: Tensor) -> tuple:
    """The tensors broadcast to their common shape.

    Example:
        >>> [t.shape for t in torch.broadcast_tensors(torch.zeros(3, 1), torch.zeros(4))]
        [torch.Size([3, 4]), torch.Size([3, 4])]
    """
    shape = np.broadcast_shapes(*(tuple(t.shape) for t in tensors))
    return tuple(expand(t, shape) for t in tensors)


def repeat(input: Tensor, *sizes: Any) -> Tensor:
    """Tile the tensor ``sizes[i]`` times along each dim (numpy's ``tile``).

    Example:
        >>> torch.tensor([1, 2]).repeat(2)
        tensor([1, 2, 1, 2])
    """
    sizes = _shape_arg(sizes)
    if len(sizes) < input._data.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions "
            "of tensor"
        )
    return apply(lambda v: jnp.tile(v, sizes), "RepeatBackward0", (input,), saves=SAVE_NONE)


def tile(input: Tensor, dims: Any) -> Tensor:
    """numpy's ``tile`` (fewer dims than the tensor are padded with 1s).

    Example:
        >>> torch.tile(torch.tensor([1, 2]), (2,))
        tensor([1, 2, 1, 2])
    """
    dims = tuple(dims)
    dims = (1,) * builtins.max(input.ndim - len(dims), 0) + dims
    return repeat(input, dims)


def repeat_interleave(input: Tensor, repeats: Any, dim: int | None = None) -> Tensor:
    """Repeat each element ``repeats`` times (along ``dim``, or flattened).

    Example:
        >>> torch.tensor([1, 2]).repeat_interleave(2)
        tensor([1, 1, 2, 2])
    """
    reps = repeats._data if isinstance(repeats, Tensor) else repeats
    return apply(lambda v: jnp.repeat(v, reps, axis=dim), "RepeatInterleaveBackward0",
                 (input,), saves=SAVE_NONE)


def flip(input: Tensor, dims: Any) -> Tensor:
    """Reverse the order along ``dims``.

    Example:
        >>> torch.flip(torch.tensor([1, 2, 3]), [0])
        tensor([3, 2, 1])
    """
    dims = (dims,) if isinstance(dims, builtins.int) else tuple(dims)
    axes = tuple(_norm_dim(d, input._data.ndim) for d in dims)
    return apply(lambda v: jnp.flip(v, axes), "FlipBackward0", (input,), saves=SAVE_NONE)


def roll(input: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    """Rotate elements by ``shifts`` along ``dims`` (flattened when ``dims`` is None).

    Example:
        >>> torch.roll(torch.tensor([1, 2, 3]), 1)
        tensor([3, 1, 2])
    """
    return apply(lambda v: jnp.roll(v, shifts, dims), "RollBackward0", (input,), saves=SAVE_NONE)


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """Lower triangle (elements above ``diagonal`` zeroed).

    Example:
        >>> torch.tril(torch.ones(2, 2))
        tensor([[1., 0.],
                [1., 1.]])
    """
    return apply(lambda v: jnp.tril(v, diagonal), "TrilBackward0", (input,), saves=SAVE_NONE)


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """Upper triangle (elements below ``diagonal`` zeroed).

    Example:
        >>> torch.triu(torch.ones(2, 2))
        tensor([[1., 1.],
                [0., 1.]])
    """
    return apply(lambda v: jnp.triu(v, diagonal), "TriuBackward0", (input,), saves=SAVE_NONE)


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """A diagonal matrix from a vector, or the diagonal of a matrix.

    Example:
        >>> torch.diag(torch.tensor([1, 2]))
        tensor([[1, 0],
                [0, 2]])
    """
    return apply(lambda v: jnp.diag(v, diagonal), "DiagBackward0", (input,), saves=SAVE_NONE)


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal over dims ``dim1``, ``dim2`` (appended as the last dim).

    Example:
        >>> torch.diagonal(torch.eye(2))
        tensor([1., 1.])
    """
    return apply(lambda v: jnp.diagonal(v, offset, dim1, dim2), "DiagonalBackward0", (input,),
                 saves=SAVE_NONE)


# ---- gather / scatter / masks ------------------------------------------------------------------

def _long_index(index: Tensor, fname: str) -> Any:
    if not isinstance(index, Tensor) or index._data.dtype != np.int64:
        got = index.dtype if isinstance(index, Tensor) else type(index).__name__
        raise RuntimeError(f"{fname}(): Expected dtype int64 for index, got {got}; use "
                           "index.long()")
    return index._data


def gather(input: Tensor, dim: int, index: Tensor, *, sparse_grad: bool = False) -> Tensor:
    """``out[i][j] = input[index[i][j]][j]`` (for dim 0): values picked along ``dim``.

    Example:
        >>> torch.gather(torch.tensor([[1, 2], [3, 4]]), 1, torch.tensor([[1], [0]]))
        tensor([[2],
                [3]])
    """
    idx = _long_index(index, "gather")
    d = _norm_dim(dim, input._data.ndim)
    if idx.ndim != input._data.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as input "
                           "tensor")
    shape = tuple(idx.shape)
    crop = tuple(slice(None) if i == d else slice(0, s) for i, s in enumerate(shape))

    def gathered(v: Any, i: Any) -> Any:
        return jnp.take_along_axis(v[crop], i, axis=d)

    return apply(gathered, "GatherBackward0", (input, Tensor._from_value(idx)),
                 saves=SAVE_INPUTS)


def _grid(idx_shape: tuple, d: int, idx: Any) -> tuple:
    grids = []
    for i, s in enumerate(idx_shape):
        if i == d:
            grids.append(idx)
        else:
            shape = [1] * len(idx_shape)
            shape[i] = s
            grids.append(jnp.broadcast_to(jnp.arange(s).reshape(shape), idx_shape))
    return tuple(grids)


def scatter(input: Tensor, dim: int, index: Tensor, src: Any = None, *, value: Any = None,
            reduce: str | None = None) -> Tensor:
    """A copy of ``input`` with ``out[index[i][j]][j] = src[i][j]`` (for dim 0); ``value`` for a
    scalar source; ``reduce='add'``/``'multiply'`` combine instead of replacing.

    Example:
        >>> torch.zeros(3).scatter(0, torch.tensor([2]), torch.tensor([5.0]))
        tensor([0., 0., 5.])
    """
    idx = _long_index(index, "scatter")
    d = _norm_dim(dim, input._data.ndim)
    if src is None:
        src = value
    shape = tuple(idx.shape)
    grid = _grid(shape, d, idx)
    if isinstance(src, Tensor):
        src = src.to(input.dtype) if src.dtype is not input.dtype else src
        crop = tuple(slice(0, s) for s in shape)
        mode = {"add": "add", "multiply": "multiply", None: "set"}[reduce]
        return apply(lambda v, s: getattr(v.at[grid], mode)(s[crop]), "ScatterBackward0",
                     (input, src), saves=SAVE_NONE)
    mode = {"add": "add", "multiply": "multiply", None: "set"}[reduce]
    return apply(lambda v: getattr(v.at[grid], mode)(src), "ScatterBackward1", (input,),
                 saves=SAVE_NONE)


def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """``scatter`` that adds (duplicates in ``index`` accumulate).

    Example:
        >>> torch.zeros(2).scatter_add(0, torch.tensor([1, 1]), torch.tensor([1.0, 2.0]))
        tensor([0., 3.])
    """
    return scatter(input, dim, index, src, reduce="add")


def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """The entries at ``index`` (1-D int tensor) along ``dim``.

    Example:
        >>> torch.index_select(torch.tensor([10, 20, 30]), 0, torch.tensor([2, 0]))
        tensor([30, 10])
    """
    if not isinstance(index, Tensor) or index._data.dtype.kind not in "iu":
        raise RuntimeError("index_select(): Expected dtype int32/int64 for index")
    d = _norm_dim(dim, input._data.ndim)
    idx = index._data
    return apply(lambda v: jnp.take(v, idx, axis=d), "IndexSelectBackward0", (input,),
                 saves=SAVE_NONE)


def take(input: Tensor, index: Tensor) -> Tensor:
    """Elements of the flattened tensor at ``index``.

    Example:
        >>> torch.take(torch.tensor([[1, 2], [3, 4]]), torch.tensor([0, 3]))
        tensor([1, 4])
    """
    idx = index._data
    return apply(lambda v: jnp.take(v.reshape(-1), idx), "TakeBackward0", (input,),
                 saves=SAVE_NONE)


def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    """``value`` where ``mask`` (a bool tensor broadcastable to ``input``) is True.

    Example:
        >>> torch.zeros(3).masked_fill(torch.tensor([True, False, True]), 1.0)
        tensor([1., 0., 1.])
    """
    if not isinstance(mask, Tensor) or mask._data.dtype.kind != "b":
        raise RuntimeError(
            "masked_fill_ only supports boolean masks, but got mask with dtype "
            f"{getattr(mask, 'dtype', type(mask).__name__)}; use mask.bool()"
        )
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(
                "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value.ndim} dimension(s)."
            )
        v = value.to(input.dtype)
        return apply(lambda x, m, s: jnp.where(m, s, x), "MaskedFillBackward0",
                     (input, mask, v), saves=SAVE_NONE)
    return apply(lambda x, m: jnp.where(m, jnp.asarray(value, dtype=x.dtype), x),
                 "MaskedFillBackward0", (input, mask), saves=SAVE_NONE)


def masked_select(input: Tensor, mask: Tensor) -> Tensor:
    """The elements where ``mask`` is True, as a 1-D tensor.

    Example:
        >>> torch.masked_select(torch.tensor([1, 2, 3]), torch.tensor([True, False, True]))
        tensor([1, 3])
    """
    m = np.broadcast_to(np.asarray(mask._concrete()), tuple(input.shape))
    return apply(lambda v: jnp.broadcast_to(v, m.shape)[Array(m)], "MaskedSelectBackward0",
                 (input,), saves=SAVE_NONE)


def nonzero(input: Tensor, *, as_tuple: bool = False) -> Any:
    """Indices of the nonzero elements: an (n, ndim) int64 tensor, or a tuple of 1-D ones.

    Example:
        >>> torch.nonzero(torch.tensor([0, 1, 1]))
        tensor([[1],
                [2]])
    """
    idx = np.nonzero(input._concrete())
    cols = [Tensor._from_value(Array(i.astype(np.int64))) for i in idx]
    if as_tuple:
        return tuple(cols)
    return Tensor._from_value(Array(np.stack([i.astype(np.int64) for i in idx], axis=1)))


def argwhere(input: Tensor) -> Tensor:
    """``nonzero(input)``.

    Example:
        >>> torch.argwhere(torch.tensor([0, 3]))
        tensor([[1]])
    """
    return nonzero(input)


def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
    """Sorted values and their int64 indices along ``dim`` (ties keep their order).

    Example:
        >>> torch.sort(torch.tensor([3, 1, 2])).indices
        tensor([1, 2, 0])
    """
    d = _norm_dim(dim, input._data.ndim)

    def both(v: Any) -> tuple:
        if v.ndim == 0:
            return v, jnp.zeros((), np.int64)
        i = jnp.argsort(v, axis=d, descending=descending)
        return jnp.take_along_axis(v, i, axis=d), i.astype(np.int64)

    values, indices = apply(both, "SortBackward0", (input,), saves=SAVE_NONE)
    return sort_result(values, indices)


def argsort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False
            ) -> Tensor:
    """int64 indices that sort ``input`` along ``dim``.

    Example:
        >>> torch.argsort(torch.tensor([3, 1, 2]))
        tensor([1, 2, 0])
    """
    return sort(input, dim, descending, stable).indices


def msort(input: Tensor) -> Tensor:
    """Sort along dim 0.

    Example:
        >>> torch.msort(torch.tensor([2, 1]))
        tensor([1, 2])
    """
    return sort(input, 0).values


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True
         ) -> Any:
    """The ``k`` largest (or smallest) values along ``dim`` and their int64 indices.

    Example:
        >>> torch.topk(torch.tensor([1.0, 3.0, 2.0]), 2).values
        tensor([3., 2.])
    """
    d = _norm_dim(dim, input._data.ndim)
    n = input._data.shape[d] if input._data.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError(f"selected index k out of range: k={k} for a dim of size {n}")

    def both(v: Any) -> tuple:
        i = jnp.argsort(v, axis=d, descending=largest)
        i = i[(slice(None),) * d + (slice(0, k),)]
        return jnp.take_along_axis(v, i, axis=d), i.astype(np.int64)

    values, indices = apply(both, "TopkBackward0", (input,), saves=SAVE_NONE)
    return topk_result(values, indices)


def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False) -> Any:
    """The k-th smallest value (1-based) along ``dim`` and its index.

    Example:
        >>> torch.kthvalue(torch.tensor([3.0, 1.0, 2.0]), 2).values
        tensor(2.)
    """
    from ._ops import median_result

    values, indices = sort(input, dim)
    d = _norm_dim(dim, input._data.ndim)
    sel = (slice(None),) * d + (k - 1,)
    v, i = values[sel], indices[sel]
    if keepdim:
        v, i = v.unsqueeze(d), i.unsqueeze(d)
    return median_result(v, i)


def median(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:
    """The lower median (over all elements, or along ``dim`` with its index).

    Example:
        >>> torch.median(torch.tensor([1.0, 3.0, 2.0, 4.0]))
        tensor(2.)
    """
    if dim is None:
        flat = input.reshape(-1)
        return sort(flat).values[(flat.numel() - 1) // 2]
    n = input.shape[_norm_dim(dim, input._data.ndim)]
    return kthvalue(input, (n - 1) // 2 + 1, dim, keepdim)


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False,
           return_counts: bool = False, dim: int | None = None) -> Any:
    """The distinct values (sorted), optionally with inverse indices and counts.

    Example:
        >>> torch.unique(torch.tensor([2, 1, 2]))
        tensor([1, 2])
    """
    res = np.unique(input._concrete(), return_inverse=return_inverse,
                    return_counts=return_counts, axis=dim)
    if not isinstance(res, tuple):
        return Tensor._from_value(Array(res))
    out = [Tensor._from_value(Array(res[0]))]
    out += [Tensor._from_value(Array(np.asarray(r, np.int64).reshape(
        input.shape if k == 1 and return_inverse and dim is None else np.shape(r))))
        for k, r in enumerate(res[1:], 1)]
    return tuple(out)


def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    """Counts of each non-negative int value (weighted sums with ``weights``).

    Example:
        >>> torch.bincount(torch.tensor([0, 2, 2]))
        tensor([1, 0, 2])
    """
    w = None if weights is None else weights._concrete()
    out = np.bincount(input._concrete(), w, minlength)
    return Tensor._from_value(Array(out if w is not None else out.astype(np.int64)))


def meshgrid(*tensors: Any, indexing: str = "ij") -> tuple:
    """Coordinate grids from 1-D tensors (``indexing='ij'`` by default, as torch).

    Example:
        >>> [g.shape for g in torch.meshgrid(torch.arange(2), torch.arange(3), indexing="ij")]
        [torch.Size([2, 3]), torch.Size([2, 3])]
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    return apply(lambda *vs: tuple(jnp.meshgrid(*vs, indexing=indexing)), "MeshgridBackward0",
                 tuple(tensors), saves=SAVE_NONE)


__all__ = [n for n, v in list(globals().items())
           if not n.startswith("_") and callable(v)
           and getattr(v, "__module__", None) == __name__]
