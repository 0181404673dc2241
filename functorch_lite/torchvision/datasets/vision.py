"""VisionDataset and the helpers the local-file datasets share."""
from __future__ import annotations

import os
import tarfile
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functorch_lite.torch.utils.data import Dataset

try:  # Pillow is optional: without it, images are numpy HWC uint8 arrays.
    from PIL import Image as _PILImage
except ImportError:  # pragma: no cover - depends on the environment
    _PILImage = None

__all__ = ["VisionDataset"]


class VisionDataset(Dataset):
    """Base class of the vision datasets: ``root``, ``transform``, ``target_transform``.

    Example:
        >>> class Two(VisionDataset):
        ...     def __getitem__(self, i):
        ...         return i, i
        ...     def __len__(self):
        ...         return 2
        >>> len(Two("data"))
        2
    """

    _repr_indent = 4

    def __init__(self, root: str | os.PathLike | None = None,
                 transforms: Callable | None = None, transform: Callable | None = None,
                 target_transform: Callable | None = None) -> None:
        self.root = os.fspath(os.path.expanduser(root)) if root is not None else None
        has_separate = transform is not None or target_transform is not None
        if transforms is not None and has_separate:
            raise ValueError("Only transforms or transform/target_transform can be passed as "
                             "argument")
        self.transform = transform
        self.target_transform = target_transform
        if has_separate:
            transforms = _StandardTransform(transform, target_transform)
        self.transforms = transforms

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__(index) "
                                  "(a VisionDataset subclass returns one sample)")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must implement __len__() (a "
                                  "VisionDataset subclass returns its number of samples)")

    def extra_repr(self) -> str:
        """Dataset-specific lines of ``repr`` (e.g. the split).

        Example:
            >>> VisionDataset("data").extra_repr()
            ''
        """
        return ""

    def __repr__(self) -> str:
        head = "Dataset " + self.__class__.__name__
        body = [f"Number of datapoints: {self.__len__()}"]
        if self.root is not None:
            body.append(f"Root location: {self.root}")
        body += self.extra_repr().splitlines()
        if self.transforms is not None:
            body += [repr(self.transforms)]
        return "\n".join([head] + [" " * self._repr_indent + line for line in body])


class _ImageSplitDataset(VisionDataset):
    """A dataset of raw images and targets with a train/test split (``self.train``), as CIFAR
    and MNIST: ``_sample`` turns pixels into the image and applies the transforms, and ``repr``
    shows the split."""

    train: bool

    def _sample(self, pixels: np.ndarray, target: Any) -> tuple[Any, Any]:
        """``(image, target)`` as ``dataset[i]`` returns it: ``to_image(pixels)``, then
        ``transform`` / ``target_transform``."""
        img = to_image(pixels)
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def extra_repr(self) -> str:
        split = "Train" if self.train is True else "Test"
        return f"Split: {split}"


class _StandardTransform:
    def __init__(self, transform: Callable | None, target_transform: Callable | None):
        self.transform = transform
        self.target_transform = target_transform

    def __call__(self, inpt: Any, target: Any) -> tuple[Any, Any]:
        if self.transform is not None:
            inpt = self.transform(inpt)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return inpt, target

    def __repr__(self) -> str:
        body = [self.__class__.__name__.lstrip("_")]
        for name, t in (("Transform", self.transform),
                        ("Target transform", self.target_transform)):
            if t is not None:
                lines = repr(t).splitlines()
                body += [f"{name}: {lines[0]}"] + [" " * (len(name) + 2) + ln for ln in lines[1:]]
        return "\n".join(body)


def to_image(pixels: np.ndarray) -> Any:
    """A dataset's raw image: a PIL image when Pillow is installed, else the uint8 array.

    (H, W) uint8 pixels become a mode "L" image and (H, W, 3) ones a mode "RGB" image.
    """
    if _PILImage is None:
        return pixels
    return _PILImage.fromarray(pixels)


def missing_files_error(name: str, folder: str, files: Sequence[str], how: str,
                        download: bool) -> RuntimeError:
    """The error for a dataset whose files are not there: where to put which files."""
    listing = "\n".join(f"  {os.path.join(folder, f)}" for f in files)
    first = (f"{name}: download=True cannot fetch files (functorch_lite never downloads data)"
             if download else f"{name}: Dataset not found or corrupted")
    return RuntimeError(f"{first}. Put these files in place:\n{listing}\n{how}")


def safe_extract(archive: str, dest: str) -> None:
    """Extract a .tar.gz of data files, refusing links and paths that leave ``dest``."""
    dest_real = os.path.realpath(dest)
    with tarfile.open(archive, "r:*") as tar:
        members = tar.getmembers()
        for m in members:
            target = os.path.realpath(os.path.join(dest, m.name))
            if not (m.isfile() or m.isdir()) or not (
                    target == dest_real or target.startswith(dest_real + os.sep)):
                raise RuntimeError(f"{archive}: refusing to extract {m.name!r} (not a plain "
                                   f"file inside {dest})")
        if hasattr(tarfile, "data_filter"):
            tar.extractall(dest, members=members, filter="data")
        else:  # pragma: no cover - Python without extraction filters
            tar.extractall(dest, members=members)
