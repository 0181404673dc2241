"""Datasets with torch's semantics: Dataset, IterableDataset, TensorDataset, Subset, ... ."""

from __future__ import annotations

import bisect
import itertools
import math
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar

import numpy as np

__all__ = [
    "Dataset",
    "IterableDataset",
    "TensorDataset",
    "Subset",
    "ConcatDataset",
    "ChainDataset",
    "random_split",
]

T_co = TypeVar("T_co", covariant=True)


def _torch():
    import functorch_lite.torch as torch  # lazy: torch/__init__ imports utils

    return torch


# Tensors wrap immutable core Arrays. A numpy array that this module just made and hands over
# (a gathered batch) can become a tensor without the copy torch.from_numpy makes; the dataset's
# own arrays are read in place. (docs/facade_internals.md: _from_value, _concrete.)
_NATIVE = {
    np.dtype(t)
    for t in (
        np.bool_,
        np.uint8,
        np.int8,
        np.int16,
        np.int32,
        np.int64,
        np.float16,
        np.float32,
        np.float64,
        np.complex64,
        np.complex128,
    )
}


def wrap_owned(array: np.ndarray) -> Any:
    """A tensor over ``array``, which the caller gives up (no one else may write to it)."""
    if array.dtype not in _NATIVE:
        return _torch().from_numpy(array)  # the facade converts other dtypes
    if not _WRAP:
        from functorch_lite._src.array import Array
        from functorch_lite.torch._tensor import Tensor

        _WRAP.append(lambda value: Tensor._from_value(Array(value)))
    return _WRAP[0](array)


_WRAP: list = []  # filled on first use (the facade imports this package)


def host_view(tensor: Any) -> np.ndarray:
    """A read-only numpy view of a CPU tensor's values, without copying."""
    return tensor._concrete()


class Dataset(Generic[T_co]):
    """A map-style dataset: subclasses define ``__getitem__`` (and usually ``__len__``).

    ``a + b`` concatenates two datasets (a :class:`ConcatDataset`).

    Example:
        >>> class Squares(Dataset):
        ...     def __len__(self):
        ...         return 4
        ...     def __getitem__(self, i):
        ...         return i * i
        >>> [Squares()[i] for i in range(4)]
        [0, 1, 4, 9]
    """

    def __getitem__(self, index: Any) -> T_co:
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


class IterableDataset(Dataset[T_co], Iterable[T_co]):
    """A stream of samples: subclasses define ``__iter__``. ``a + b`` chains two streams.

    Example:
        >>> class Count(IterableDataset):
        ...     def __iter__(self):
        ...         return iter(range(3))
        >>> list(Count() + Count())
        [0, 1, 2, 0, 1, 2]
    """

    def __iter__(self) -> Iterator[T_co]:
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __add__(self, other: Dataset) -> ChainDataset:  # type: ignore[override]
        return ChainDataset([self, other])


class SizeMismatchError(ValueError, AssertionError):
    """Tensors of different first dimensions given to TensorDataset.

    torch raises AssertionError here; this is also a ValueError, the type the rest of
    functorch_lite raises for bad arguments, so either ``except`` clause catches it.
    """


class TensorDataset(Dataset[tuple]):
    """Samples are the rows of the given tensors: ``ds[i] == (t[i] for t in tensors)``.

    A DataLoader with the default collate function gathers a whole batch of a TensorDataset
    (or a Subset of one) with one fancy index per tensor instead of stacking rows one by one.

    Example:
        >>> import functorch_lite.torch as torch
        >>> ds = TensorDataset(torch.zeros(5, 3), torch.arange(5))
        >>> len(ds), ds[2][1].item()
        (5, 2)
    """

    def __init__(self, *tensors: Any) -> None:
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor")
        sizes = [t.shape[0] if len(t.shape) else None for t in tensors]
        if None in sizes or any(size != sizes[0] for size in sizes):
            shapes = ", ".join(str(tuple(t.shape)) for t in tensors)
            raise SizeMismatchError(
                f"Size mismatch between tensors: TensorDataset needs tensors with the same "
                f"first dimension (the number of samples), got shapes {shapes}"
            )
        self.tensors = tensors

    def __getitem__(self, index: Any) -> tuple:
        return tuple(tensor[index] for tensor in self.tensors)

    def __len__(self) -> int:
        return int(self.tensors[0].shape[0])


class Subset(Dataset[T_co]):
    """The samples of ``dataset`` at ``indices``, in that order.

    Example:
        >>> Subset(list("abcde"), [4, 0])[0]
        'e'
    """

    def __init__(self, dataset: Any, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices: list[int]) -> list:
        # A DataLoader fetches a batch through __getitems__ when the dataset has one.
        getitems = getattr(self.dataset, "__getitems__", None)
        if callable(getitems):
            return getitems([self.indices[i] for i in indices])
        return [self.dataset[self.indices[i]] for i in indices]

    def __len__(self) -> int:
        return len(self.indices)


class ConcatDataset(Dataset[T_co]):
    """Map-style datasets one after another.

    Example:
        >>> ds = ConcatDataset([[1, 2], [3]])
        >>> len(ds), ds[2], ds.cumulative_sizes
        (3, 3, [2, 3])
    """

    @staticmethod
    def cumsum(sequence: Iterable[Any]) -> list[int]:
        sizes, total = [], 0
        for dataset in sequence:
            total += len(dataset)
            sizes.append(total)
        return sizes

    def __init__(self, datasets: Iterable[Any]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("datasets should not be an empty iterable")
        for dataset in self.datasets:
            if isinstance(dataset, IterableDataset):
                raise TypeError(
                    "ConcatDataset does not support IterableDataset; use ChainDataset "
                    "(or `a + b`) to chain streams"
                )
        self.cumulative_sizes = self.cumsum(self.datasets)

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> Any:
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        dataset_idx = bisect.bisect_right(self.cumulative_sizes, idx)
        if dataset_idx >= len(self.datasets):
            raise IndexError(f"index {idx} is out of range for a dataset of length {len(self)}")
        sample_idx = idx if dataset_idx == 0 else idx - self.cumulative_sizes[dataset_idx - 1]
        return self.datasets[dataset_idx][sample_idx]


class ChainDataset(IterableDataset):
    """Iterable datasets one after another (what ``IterableDataset + IterableDataset`` gives).

    Example:
        >>> list(ChainDataset([range(2), range(3)]))
        [0, 1, 0, 1, 2]
    """

    def __init__(self, datasets: Iterable[Any]) -> None:
        self.datasets = datasets

    def __iter__(self) -> Iterator[Any]:
        for dataset in self.datasets:
            yield from dataset

    def __len__(self) -> int:
        return sum(len(dataset) for dataset in self.datasets)


def _split_lengths(n: int, lengths: Sequence[float]) -> list[int]:
    """Fractions summing to 1 -> integer lengths, the remainder handed out round-robin."""
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        counts = []
        for i, fraction in enumerate(lengths):
            if fraction < 0 or fraction > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            counts.append(int(math.floor(n * fraction)))
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        for i, count in enumerate(counts):
            if count == 0:
                warnings.warn(
                    f"Length of split at index {i} is 0. This might result in an empty dataset.",
                    stacklevel=3,
                )
        return counts
    if any(not float(length).is_integer() or length < 0 for length in lengths):
        raise ValueError(
            f"random_split: lengths must be non-negative integers or fractions summing to 1, "
            f"got {list(lengths)}"
        )
    return [int(length) for length in lengths]


def random_split(dataset: Any, lengths: Sequence[float], generator: Any = None) -> list[Subset]:
    """Split a dataset into non-overlapping random Subsets of the given lengths or fractions.

    Fractions (summing to 1) get ``floor(len * fraction)`` samples each, and the remaining
    samples go one each to the splits in turn. The permutation is drawn with
    ``torch.randperm(len, generator=generator)`` (the global generator when ``None``), so it
    is reproducible after ``torch.manual_seed`` or with a seeded ``torch.Generator``.

    Example:
        >>> import functorch_lite.torch as torch
        >>> train, val = random_split(range(10), [0.8, 0.2], torch.Generator().manual_seed(0))
        >>> len(train), len(val)
        (8, 2)
    """
    counts = _split_lengths(len(dataset), lengths)
    if sum(counts) != len(dataset):
        raise ValueError(
            f"Sum of input lengths does not equal the length of the input dataset! "
            f"(lengths {list(lengths)} sum to {sum(counts)}, the dataset has {len(dataset)})"
        )
    torch = _torch()
    perm = torch.randperm(sum(counts), generator=generator)
    indices = np.asarray(perm.numpy()).tolist()
    return [
        Subset(dataset, indices[offset - length : offset])
        for offset, length in zip(itertools.accumulate(counts), counts)
    ]


def _index_array(indices: Any) -> np.ndarray:
    torch = _torch()
    if isinstance(indices, torch.Tensor):
        indices = indices.detach().cpu().numpy()
    return np.asarray(indices, dtype=np.int64)


def batch_gatherer(dataset: Any) -> Callable[[Any], list] | None:
    """For a TensorDataset (or Subsets of one), a function from an index array or slice to the
    collated batch ``[t[idx] for t in tensors]``, one gather per tensor; otherwise None."""
    torch = _torch()
    if isinstance(dataset, Subset) and type(dataset).__getitem__ is Subset.__getitem__:
        inner = batch_gatherer(dataset.dataset)
        if inner is None:
            return None
        index_map = _index_array(dataset.indices)
        return lambda idx: inner(index_map[idx])
    if not isinstance(dataset, TensorDataset) or (
        type(dataset).__getitem__ is not TensorDataset.__getitem__
    ):
        return None
    takers = []
    for tensor in dataset.tensors:
        if isinstance(tensor, torch.Tensor) and (
            tensor.requires_grad or str(tensor.device) != "cpu"
        ):
            # keep the autograd graph / the device: index the tensor itself
            takers.append(
                lambda idx, t=tensor: t[
                    idx if isinstance(idx, slice) else torch.from_numpy(np.asarray(idx))
                ]
            )
        elif isinstance(tensor, torch.Tensor):
            array = host_view(tensor)
            takers.append(lambda idx, a=array: wrap_owned(_take(a, idx)))
        else:
            return None
    return lambda idx: [take(idx) for take in takers]


def _take(array: np.ndarray, idx: Any) -> np.ndarray:
    # A batch owns its memory (as torch's stacked batches do): a slice is copied.
    return array[idx].copy() if idx.__class__ is slice else array.take(idx, axis=0)
