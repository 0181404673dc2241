"""CIFAR-10 and CIFAR-100 read from a local copy (python pickles or the binary version)."""
from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np

from functorch_lite.torchvision.datasets._safe_pickle import load_data_pickle
from functorch_lite.torchvision.datasets.vision import (
    _ImageSplitDataset,
    missing_files_error,
    safe_extract,
)

__all__ = ["CIFAR10", "CIFAR100"]

_RECORD = 3 * 32 * 32


class CIFAR10(_ImageSplitDataset):
    """The CIFAR-10 data set from local files (no download).

    Reads ``root/cifar-10-batches-py/`` (the "python version": ``data_batch_1`` ...
    ``data_batch_5``, ``test_batch``, ``batches.meta``) with a pickle reader that runs no code
    from the files, or else ``root/cifar-10-batches-bin/`` (the "binary version":
    ``data_batch_1.bin`` ... ``test_batch.bin``, ``batches.meta.txt``). With ``download=True``
    and neither folder present, ``root/cifar-10-python.tar.gz`` is extracted if it is there;
    otherwise a RuntimeError says which files to put where.

    ``data`` is a ``(N, 32, 32, 3)`` uint8 array and ``targets`` a list of ints, as in
    torchvision. ``dataset[i]`` is ``(image, target)``: the image is a PIL image when Pillow is
    installed, else the ``(32, 32, 3)`` uint8 array (which every transform here accepts).

    Example:
        >>> from functorch_lite.torchvision import datasets, transforms
        >>> ds = datasets.CIFAR10("./data", train=True,
        ...                       transform=transforms.ToTensor())  # doctest: +SKIP
        >>> image, label = ds[0]  # doctest: +SKIP
    """

    base_folder = "cifar-10-batches-py"
    binary_folder = "cifar-10-batches-bin"
    url = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    filename = "cifar-10-python.tar.gz"
    train_list = [f"data_batch_{i}" for i in range(1, 6)]
    test_list = ["test_batch"]
    meta = {"filename": "batches.meta", "key": "label_names"}
    label_key = "labels"
    binary_train_list = [f"data_batch_{i}.bin" for i in range(1, 6)]
    binary_test_list = ["test_batch.bin"]
    binary_meta = "batches.meta.txt"
    binary_label_bytes = 1

    def __init__(self, root: str | os.PathLike, train: bool = True,
                 transform: Callable | None = None, target_transform: Callable | None = None,
                 download: bool = False) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download and not self._available():
            self.download()
        if self._python_files_present():
            self._load_python()
        elif self._binary_files_present():
            self._load_binary()
        else:
            raise self._missing(download)
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}

    # --- locating the files --------------------------------------------------------------
    def _python_files(self) -> list[str]:
        names = self.train_list if self.train else self.test_list
        return names + [self.meta["filename"]]

    def _binary_files(self) -> list[str]:
        names = self.binary_train_list if self.train else self.binary_test_list
        return names + [self.binary_meta]

    def _python_files_present(self) -> bool:
        folder = os.path.join(self.root, self.base_folder)
        return all(os.path.isfile(os.path.join(folder, f)) for f in self._python_files())

    def _binary_files_present(self) -> bool:
        if self.binary_folder is None:
            return False
        folder = os.path.join(self.root, self.binary_folder)
        return all(os.path.isfile(os.path.join(folder, f)) for f in self._binary_files())

    def _available(self) -> bool:
        return self._python_files_present() or self._binary_files_present()

    def _missing(self, download: bool) -> RuntimeError:
        name = type(self).__name__
        how = (f"They are the contents of {self.filename} ({self.url}): download it on a "
               f"machine with network access and either unpack it in {self.root} or put the "
               f"archive itself at {os.path.join(self.root, self.filename)} and pass "
               "download=True to unpack it.")
        if self.binary_folder is not None:
            how += (f" The binary version ({self.binary_folder}/"
                    f"{', '.join(self._binary_files())}) is read as well.")
        return missing_files_error(name, os.path.join(self.root, self.base_folder),
                                   self._python_files(), how, download)

    def download(self) -> None:
        """Unpack a local ``root/<archive>.tar.gz``; never touches the network.

        Example:
            >>> CIFAR10.download  # doctest: +ELLIPSIS
            <function CIFAR10.download at ...>
        """
        if self._available():
            return
        archive = os.path.join(self.root, self.filename)
        if not os.path.isfile(archive):
            raise self._missing(download=True)
        safe_extract(archive, self.root)

    # --- reading -------------------------------------------------------------------------
    def _read_pickle(self, path: str) -> Any:
        with open(path, "rb") as f:
            blob = f.read()
        entry = load_data_pickle(blob, encoding="latin1")
        if not isinstance(entry, dict):
            raise ValueError(f"{path}: expected a pickled dict, got {type(entry).__name__}")
        return entry

    def _load_python(self) -> None:
        folder = os.path.join(self.root, self.base_folder)
        data, targets = [], []
        names = self.train_list if self.train else self.test_list
        for name in names:
            path = os.path.join(folder, name)
            entry = self._read_pickle(path)
            label_key = self.label_key if self.label_key in entry else "fine_labels"
            if "data" not in entry or label_key not in entry:
                raise ValueError(f"{path}: a {type(self).__name__} batch holds 'data' and "
                                 f"'{self.label_key}'; found keys {sorted(entry)}")
            batch = np.asarray(entry["data"], dtype=np.uint8)
            if batch.ndim != 2 or batch.shape[1] != _RECORD:
                raise ValueError(f"{path}: 'data' should be (N, {_RECORD}) uint8, got "
                                 f"{batch.shape}")
            data.append(batch)
            targets.extend(int(t) for t in entry[label_key])
        self.data = np.vstack(data).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        self.data = np.ascontiguousarray(self.data)
        self.targets = targets
        if len(self.targets) != len(self.data):
            raise ValueError(f"{folder}: {len(self.data)} images but {len(self.targets)} labels")
        meta = self._read_pickle(os.path.join(folder, self.meta["filename"]))
        self.classes = [str(c) for c in meta[self.meta["key"]]]

    def _load_binary(self) -> None:
        folder = os.path.join(self.root, self.binary_folder)
        names = self.binary_train_list if self.train else self.binary_test_list
        record = self.binary_label_bytes + _RECORD
        data, targets = [], []
        for name in names:
            path = os.path.join(folder, name)
            raw = np.fromfile(path, dtype=np.uint8)
            if raw.size % record:
                raise ValueError(f"{path}: {raw.size} bytes is not a whole number of "
                                 f"{record}-byte records (label + 32x32x3 pixels); the file is "
                                 "truncated or not a CIFAR binary batch")
            raw = raw.reshape(-1, record)
            # The last label byte is the one used (CIFAR-100 stores coarse then fine).
            targets.extend(raw[:, self.binary_label_bytes - 1].astype(int).tolist())
            data.append(raw[:, self.binary_label_bytes:])
        self.data = np.ascontiguousarray(
            np.vstack(data).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
        self.targets = targets
        with open(os.path.join(folder, self.binary_meta), encoding="utf-8") as f:
            self.classes = [line.strip() for line in f if line.strip()]

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        return self._sample(self.data[index], self.targets[index])

    def __len__(self) -> int:
        return len(self.data)


class CIFAR100(CIFAR10):
    """CIFAR-100 (fine labels) from ``root/cifar-100-python/`` (``train``, ``test``, ``meta``)
    or the binary version ``root/cifar-100-binary/`` (``train.bin``, ``test.bin``,
    ``fine_label_names.txt``).

    Example:
        >>> from functorch_lite.torchvision import datasets
        >>> datasets.CIFAR100.base_folder
        'cifar-100-python'
    """

    base_folder = "cifar-100-python"
    binary_folder = "cifar-100-binary"
    url = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
    filename = "cifar-100-python.tar.gz"
    train_list = ["train"]
    test_list = ["test"]
    meta = {"filename": "meta", "key": "fine_label_names"}
    label_key = "fine_labels"
    binary_train_list = ["train.bin"]
    binary_test_list = ["test.bin"]
    binary_meta = "fine_label_names.txt"
    binary_label_bytes = 2
