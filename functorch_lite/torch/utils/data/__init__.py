"""torch.utils.data: datasets, samplers and the DataLoader, with torch's names and semantics.

See ``docs/facade_data_and_checkpoints.md`` for what differs from torch (no worker processes)
and how batching of tensor datasets is made fast.
"""

from ._collate import default_collate, default_convert
from ._dataloader import DataLoader, get_worker_info
from ._dataset import (
    ChainDataset,
    ConcatDataset,
    Dataset,
    IterableDataset,
    Subset,
    TensorDataset,
    random_split,
)
from ._sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
)

__all__ = [
    "BatchSampler",
    "ChainDataset",
    "ConcatDataset",
    "DataLoader",
    "Dataset",
    "IterableDataset",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "Subset",
    "SubsetRandomSampler",
    "TensorDataset",
    "default_collate",
    "default_convert",
    "get_worker_info",
    "random_split",
]
