"""default_collate and default_convert with torch's rules."""

from __future__ import annotations

import collections.abc
import copy
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from ._dataset import wrap_owned

__all__ = ["default_collate", "default_convert"]

# numpy dtypes default_collate refuses: strings, bytes, objects (as torch does).
_NP_STR_OBJ = re.compile(r"[SaUO]")


def _torch():
    import functorch_lite.torch as torch  # lazy: torch/__init__ imports utils

    return torch


def _collate_error(elem: Any) -> TypeError:
    # torch names the dtype for numpy arrays of strings/objects, the type otherwise
    found = elem.dtype if isinstance(elem, (np.ndarray, np.generic)) else type(elem)
    return TypeError(
        f"default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
        f"found {found}"
    )


def _numbers_tensor(batch: list, torch: Any) -> Any:
    """Python numbers -> one tensor: float64 for floats and int64 for ints, as torch does."""
    array = np.asarray(batch)
    if array.dtype == np.bool_:
        return wrap_owned(array)
    if array.dtype.kind in "iu":
        return wrap_owned(array.astype(np.int64, copy=False))
    if array.dtype.kind == "f" and isinstance(batch[0], float):
        return wrap_owned(array.astype(np.float64, copy=False))
    return torch.tensor(batch)  # a mixed batch: torch.tensor infers the dtype


def default_collate(batch: Sequence[Any]) -> Any:
    """Stack a list of samples into a batch, with the rules of torch's ``default_collate``.

    Tensors are stacked along a new first axis; numpy arrays become tensors and are stacked;
    Python floats become one float64 tensor, ints one int64 tensor, bools one bool tensor;
    numpy scalars one tensor of their dtype; strings and bytes stay a list; dicts collate per
    key (same mapping type); namedtuples per field; other sequences are transposed and each
    position collated (a tuple of fields gives a *list* of batches, as torch returns).

    Example:
        >>> import functorch_lite.torch as torch
        >>> xs, ys = default_collate([(torch.zeros(2), 1), (torch.ones(2), 0)])
        >>> xs.shape, ys.dtype
        (torch.Size([2, 2]), torch.int64)
    """
    torch = _torch()
    elem = batch[0]
    if isinstance(elem, torch.Tensor):
        return torch.stack(batch, 0)
    if isinstance(elem, np.ndarray) and type(elem).__module__ == "numpy":
        if _NP_STR_OBJ.search(elem.dtype.str) is not None:
            raise _collate_error(elem)
        return wrap_owned(np.stack(batch))
    if isinstance(elem, (str, bytes)):  # before np.generic: numpy's str_ is a str
        return batch
    if isinstance(elem, np.generic):
        if _NP_STR_OBJ.search(elem.dtype.str) is not None:
            raise _collate_error(elem)
        return wrap_owned(np.array(batch))
    if isinstance(elem, (bool, int, float)):
        return _numbers_tensor(batch, torch)
    if isinstance(elem, collections.abc.Mapping):
        collated = {key: default_collate([d[key] for d in batch]) for key in elem}
        try:
            if isinstance(elem, collections.abc.MutableMapping):
                clone = copy.copy(elem)  # keeps the mapping type and its extra attributes
                clone.update(collated)
                return clone
            return type(elem)(collated)
        except TypeError:
            return collated
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(default_collate(s) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(sample) != size for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        collated_seq = [default_collate(samples) for samples in zip(*batch)]
        if isinstance(elem, tuple):
            return collated_seq  # torch returns a list here (backwards compatibility)
        try:
            if isinstance(elem, collections.abc.MutableSequence):
                clone = copy.copy(elem)
                for i, value in enumerate(collated_seq):
                    clone[i] = value
                return clone
            return type(elem)(collated_seq)
        except TypeError:
            return collated_seq
    raise _collate_error(elem)


def default_convert(data: Any) -> Any:
    """Turn numpy arrays in a sample into tensors, keeping everything else (no batching).

    The collate function a DataLoader uses when ``batch_size=None``.

    Example:
        >>> default_convert({"x": np.zeros(2, np.float32), "id": 7})["x"].dtype
        torch.float32
    """
    torch = _torch()
    if isinstance(data, torch.Tensor):
        return data
    if isinstance(data, np.ndarray) and type(data).__module__ == "numpy":
        if _NP_STR_OBJ.search(data.dtype.str) is not None:
            return data
        return torch.as_tensor(data)
    if isinstance(data, (str, bytes)):
        return data
    if isinstance(data, np.generic) and _NP_STR_OBJ.search(data.dtype.str) is None:
        return torch.as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        converted = {key: default_convert(data[key]) for key in data}
        try:
            if isinstance(data, collections.abc.MutableMapping):
                clone = copy.copy(data)
                clone.update(converted)
                return clone
            return type(data)(converted)
        except TypeError:
            return converted
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]  # torch returns a list here too
    if isinstance(data, collections.abc.Sequence):
        converted_seq = [default_convert(d) for d in data]
        try:
            if isinstance(data, collections.abc.MutableSequence):
                clone = copy.copy(data)
                for i, value in enumerate(converted_seq):
                    clone[i] = value
                return clone
            return type(data)(converted_seq)
        except TypeError:
            return converted_seq
    return data
