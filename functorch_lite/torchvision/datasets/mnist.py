"""MNIST and Fashion-MNIST read from local idx files (plain or .gz)."""
from __future__ import annotations

import gzip
import os
from collections.abc import Callable
from typing import Any

import numpy as np

from functorch_lite.torchvision.datasets.vision import (
    _ImageSplitDataset,
    missing_files_error,
)

__all__ = ["MNIST", "FashionMNIST", "read_idx_file"]

# idx type byte -> big-endian numpy dtype (LeCun's format, as torchvision reads it).
_IDX_TYPES = {0x08: np.dtype(">u1"), 0x09: np.dtype(">i1"), 0x0B: np.dtype(">i2"),
              0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}


def read_idx_file(path: str | os.PathLike) -> np.ndarray:
    """Read an idx file (``.gz`` compressed or not) into a native-endian numpy array.

    The header is two zero bytes, a type byte, the number of dimensions, then each dimension as
    a big-endian uint32; the data follows in big-endian order.

    Example:
        >>> import tempfile, os, numpy as np
        >>> p = os.path.join(tempfile.mkdtemp(), "x-idx1-ubyte")
        >>> _ = open(p, "wb").write(bytes([0, 0, 8, 1, 0, 0, 0, 2, 7, 9]))
        >>> read_idx_file(p).tolist()
        [7, 9]
    """
    path = os.fspath(path)
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            blob = f.read()
    except (OSError, EOFError) as e:
        raise ValueError(f"{path}: cannot read the idx file ({e})") from e
    if len(blob) < 4 or blob[0] != 0 or blob[1] != 0 or blob[2] not in _IDX_TYPES:
        raise ValueError(f"{path}: not an idx file (bad magic number {blob[:4].hex()!r}; "
                         "expected 0000 followed by a type byte 08-0e and a dimension count)")
    dtype, ndim = _IDX_TYPES[blob[2]], blob[3]
    if not 1 <= ndim <= 4 or len(blob) < 4 + 4 * ndim:
        raise ValueError(f"{path}: idx header claims {ndim} dimensions; the file is corrupt")
    shape = tuple(int(d) for d in np.frombuffer(blob, ">u4", count=ndim, offset=4))
    need = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    body = len(blob) - 4 - 4 * ndim
    if body != need:
        raise ValueError(f"{path}: header says shape {shape} ({need} bytes of data) but the "
                         f"file holds {body}: truncated or corrupt")
    arr = np.frombuffer(blob, dtype, offset=4 + 4 * ndim).reshape(shape)
    return arr.astype(dtype.newbyteorder("="))


class MNIST(_ImageSplitDataset):
    """The MNIST data set from local idx files (no download).

    Reads ``root/MNIST/raw/{train,t10k}-images-idx3-ubyte`` and ``...-labels-idx1-ubyte``, each
    plain or with ``.gz``. ``data`` is a ``(N, 28, 28)`` uint8 tensor and ``targets`` an int64
    tensor, as in torchvision. ``dataset[i]`` is ``(image, int)``: the image is a PIL image
    (mode "L") when Pillow is installed, else the ``(28, 28)`` uint8 array.

    Example:
        >>> from functorch_lite.torchvision import datasets
        >>> datasets.MNIST.resources[0]
        'train-images-idx3-ubyte'
    """

    mirror = "https://ossci-datasets.s3.amazonaws.com/mnist/"
    resources = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                 "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five",
               "6 - six", "7 - seven", "8 - eight", "9 - nine"]

    def __init__(self, root: str | os.PathLike, train: bool = True,
                 transform: Callable | None = None, target_transform: Callable | None = None,
                 download: bool = False) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        prefix = "train" if train else "t10k"
        images_path = self._find(f"{prefix}-images-idx3-ubyte")
        labels_path = self._find(f"{prefix}-labels-idx1-ubyte")
        if images_path is None or labels_path is None:
            raise self._missing(download)
        images, labels = read_idx_file(images_path), read_idx_file(labels_path)
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise ValueError(f"{images_path} / {labels_path}: expected images (N, H, W) and "
                             f"labels (N,), got {images.shape} and {labels.shape}")
        self._images = np.ascontiguousarray(images.astype(np.uint8))
        self._labels = labels.astype(np.int64)
        torch = _torch()
        self.data = torch.from_numpy(self._images)
        self.targets = torch.from_numpy(self._labels)

    @property
    def raw_folder(self) -> str:
        return os.path.join(self.root, self.__class__.__name__, "raw")

    @property
    def processed_folder(self) -> str:
        return os.path.join(self.root, self.__class__.__name__, "processed")

    @property
    def class_to_idx(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.classes)}

    def _find(self, name: str) -> str | None:
        for candidate in (name, name + ".gz"):
            path = os.path.join(self.raw_folder, candidate)
            if os.path.isfile(path):
                return path
        return None

    def _missing(self, download: bool) -> RuntimeError:
        prefix = "train" if self.train else "t10k"
        files = [f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"]
        how = (f"Each may also be the .gz file as distributed ({self.mirror}"
               f"{files[0]}.gz); download them on a machine with network access.")
        return missing_files_error(type(self).__name__, self.raw_folder, files, how, download)

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        return self._sample(self._images[index], int(self._labels[index]))

    def __len__(self) -> int:
        return len(self._images)


class FashionMNIST(MNIST):
    """Fashion-MNIST: MNIST's file format under ``root/FashionMNIST/raw/``.

    Example:
        >>> from functorch_lite.torchvision import datasets
        >>> datasets.FashionMNIST.classes[0]
        'T-shirt/top'
    """

    mirror = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot"]


def _torch():
    import functorch_lite.torch as torch
    return torch
