"""DataLoader: batches of a dataset, in the order of a sampler, collated."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from ..._creation import HOST_DATA
from ._collate import default_collate, default_convert
from ._dataset import IterableDataset, batch_gatherer
from ._sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ["DataLoader", "get_worker_info"]


def get_worker_info() -> None:
    """Always ``None``: data is loaded in the main process (see :class:`DataLoader`).

    Example:
        >>> get_worker_info() is None
        True
    """
    return None


class _InfiniteConstantSampler(Sampler[None]):
    """What an IterableDataset's DataLoader samples: nothing but 'the next one'."""

    def __iter__(self) -> Iterator[None]:
        while True:
            yield None


# Attributes torch forbids changing once the DataLoader exists (the sampler was built from them).
_FROZEN = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers")


class DataLoader:
    """Iterate over a dataset in batches, with torch's arguments and semantics.

    Map-style datasets are visited in the order of ``sampler`` (``SequentialSampler``, or a
    ``RandomSampler`` drawing with ``generator`` when ``shuffle=True``: a new permutation each
    epoch, reproducible after ``torch.manual_seed``), grouped by a ``BatchSampler`` of
    ``batch_size`` (the last short batch dropped when ``drop_last``), and each batch's samples
    merged by ``collate_fn`` (``default_collate``). ``batch_size=None`` turns batching off
    (samples go through ``default_convert``). An ``IterableDataset`` is read in its own order.

    Differences from torch, by design: ``num_workers > 0`` loads in the main process (no worker
    processes: the arrays are in memory and batching is a gather, so workers would only add
    copying); ``worker_init_fn`` is then not called and :func:`get_worker_info` returns None.
    ``pin_memory``, ``timeout``, ``prefetch_factor``, ``persistent_workers`` and the
    multiprocessing options are checked as torch checks them and otherwise have no effect.

    Speed: with the default collate function, a batch of a ``TensorDataset`` (or a ``Subset``
    of one) is gathered with one fancy index per tensor (a slice when not shuffled) instead of
    indexing each sample and stacking.

    Example:
        >>> import functorch_lite.torch as torch
        >>> from functorch_lite.torch.utils.data import TensorDataset
        >>> loader = DataLoader(TensorDataset(torch.zeros(10, 3), torch.arange(10)), batch_size=4)
        >>> [tuple(x.shape) for x, y in loader]
        [(4, 3), (4, 3), (2, 3)]
    """

    def __init__(
        self,
        dataset: Any,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Sampler | Iterable | None = None,
        batch_sampler: Sampler | Iterable | None = None,
        num_workers: int = 0,
        collate_fn: Callable[[list], Any] | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable[[int], None] | None = None,
        multiprocessing_context: Any = None,
        generator: Any = None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        pin_memory_device: str = "",
        in_order: bool = True,
    ) -> None:
        if num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; use num_workers=0 to disable "
                "multiprocessing."
            )
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError(
                "prefetch_factor option could only be specified in multiprocessing. Let "
                "num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None."
            )
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")

        if isinstance(dataset, IterableDataset):
            if shuffle not in (None, False):
                raise ValueError(
                    f"DataLoader with IterableDataset: expected unspecified shuffle option, "
                    f"but got shuffle={shuffle}"
                )
            if sampler is not None:
                raise ValueError(
                    f"DataLoader with IterableDataset: expected unspecified sampler option, "
                    f"but got sampler={sampler}"
                )
            if batch_sampler is not None:
                raise ValueError(
                    f"DataLoader with IterableDataset: expected unspecified batch_sampler "
                    f"option, but got batch_sampler={batch_sampler}"
                )
        else:
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, "
                    "sampler, and drop_last"
                )
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError(
                "batch_size=None option disables auto-batching and is mutually exclusive with "
                "drop_last"
            )
        if sampler is None:
            if isinstance(dataset, IterableDataset):
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self.collate_fn = collate_fn or (
            default_collate if batch_sampler is not None else default_convert
        )
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.generator = generator
        self.prefetch_factor = prefetch_factor
        self.persistent_workers = persistent_workers
        self.in_order = in_order
        self._initialized = True

    def __setattr__(self, name: str, value: Any) -> None:
        if getattr(self, "_initialized", False) and name in _FROZEN:
            raise ValueError(
                f"{name} attribute should not be set after {type(self).__name__} is "
                f"initialized; build a new DataLoader instead"
            )
        super().__setattr__(name, value)

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None

    @property
    def _index_sampler(self) -> Any:
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self) -> int:
        if isinstance(self.dataset, IterableDataset):
            length = len(self.dataset)
            if self.batch_size is not None:
                if self.drop_last:
                    return length // self.batch_size
                return -(-length // self.batch_size)
            return length
        return len(self._index_sampler)

    def __iter__(self) -> _LoaderIter:
        HOST_DATA[0] += 1  # (its batches are data a compiled step must not freeze)
        if isinstance(self.dataset, IterableDataset):
            batches = self._iterable_batches()
        else:
            batches = self._map_batches()
        return _LoaderIter(batches, self)

    def _iterable_batches(self) -> Iterator[Any]:
        stream = iter(self.dataset)
        if not self._auto_collation:
            for sample in stream:
                yield self.collate_fn(sample)
            return
        while True:
            batch = list(itertools.islice(stream, self.batch_size))
            if not batch or (self.drop_last and len(batch) < self.batch_size):
                return
            yield self.collate_fn(batch)

    def _map_batches(self) -> Iterator[Any]:
        dataset, collate_fn = self.dataset, self.collate_fn
        if not self._auto_collation:
            for index in self.sampler:
                yield collate_fn(dataset[index])
            return
        gather = batch_gatherer(dataset) if collate_fn is default_collate else None
        if gather is not None:
            yield from self._gathered_batches(gather)
            return
        getitems = getattr(dataset, "__getitems__", None)
        for indices in self.batch_sampler:
            if callable(getitems):
                samples = getitems(indices)
            else:
                samples = [dataset[i] for i in indices]
            yield collate_fn(samples)

    def _gathered_batches(self, gather: Callable[[Any], list]) -> Iterator[list]:
        batch_sampler = self.batch_sampler
        if (
            type(batch_sampler) is BatchSampler and type(batch_sampler.sampler) is SequentialSampler
        ):  # in order: each batch is a slice, no index list at all
            n, size = len(batch_sampler.sampler), batch_sampler.batch_size
            stop = n - n % size if batch_sampler.drop_last else n
            for start in range(0, stop, size):
                yield gather(slice(start, min(start + size, stop)))
            return
        if type(batch_sampler) is BatchSampler and type(batch_sampler.sampler) is RandomSampler:
            # shuffled: one permutation array, sliced into batches (no Python int per sample)
            order, size = batch_sampler.sampler._index_array(), batch_sampler.batch_size
            stop = len(order) - len(order) % size if batch_sampler.drop_last else len(order)
            for start in range(0, stop, size):
                yield gather(order[start : min(start + size, stop)])
            return
        for indices in batch_sampler:
            yield gather(np.asarray(indices, dtype=np.int64))


class _LoaderIter(Iterator[Any]):
    """One pass over a DataLoader (what ``iter(loader)`` returns); it knows its length."""

    def __init__(self, batches: Iterator[Any], loader: DataLoader) -> None:
        self._batches = batches
        self._loader = loader

    def __iter__(self) -> _LoaderIter:
        return self

    def __next__(self) -> Any:
        return next(self._batches)

    def __len__(self) -> int:
        return len(self._loader)
