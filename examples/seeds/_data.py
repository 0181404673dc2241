"""The data stand-in of the seed examples: scikit-learn's bundled digits in the shapes the
documents' code needs, plus small helpers the scripts share (quick mode, evaluation, the loss plot).

The documents train on MNIST and CIFAR-10, which need a download. scikit-learn ships a real
image data set offline: 1797 handwritten digits, 8x8 pixels, 10 classes
(``sklearn.datasets.load_digits``). Every script trains and evaluates on a fixed split of it:
1442 training and 355 held-out test images (a fifth of each class held out), resized or padded
to the shape the document's model takes:

- ``mnist_like``: 1x28x28 (or flattened to 784) in [0, 1], like ``ToTensor()`` of MNIST: the
  digit is upsampled to 20x20 and centred in a 28x28 frame, as MNIST's digits are.
- ``small_digits``: 1x11x11, the input size that the CNN of document 003 implies (two unpadded
  3x3 convolutions ending in ``64 * 7 * 7`` features), standardised as MNIST code does with
  ``transforms.Normalize``.
- ``write_cifar10``: the digits as 32x32 RGB uint8 images written in CIFAR-10's binary file
  format under ``root/cifar-10-batches-bin/``, so ``torchvision.datasets.CIFAR10(root, ...)``
  reads them like the real thing.

``--quick`` on a script's command line (``QUICK``) keeps only the first ``QUICK_TRAIN``
training images, for a smoke run of a few seconds.

Example:
    >>> train = mnist_like(train=True, flatten=True)
    >>> x, y = train[0]
    >>> tuple(x.shape), int(y) in range(10)
    ((784,), True)
"""
from __future__ import annotations

import functools
import importlib.util
import os
import sys
from collections.abc import Iterable
from typing import Any

import numpy as np

import functorch_lite.torch as torch

__all__ = ["QUICK", "QUICK_TRAIN", "load_digits_arrays", "digits_split", "resize",
           "mnist_like", "small_digits", "binary_digits", "digit_rows", "write_cifar10",
           "evaluate", "plot_losses", "progress"]

QUICK = "--quick" in sys.argv[1:]
QUICK_TRAIN = 128  # training images kept by --quick


def load_digits_arrays() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's bundled digits: ``(images, labels)``, ``(1797, 8, 8)`` float64 pixel
    values 0..16 and int64 labels, the arrays ``sklearn.datasets.load_digits()`` returns.

    It reads the CSV file that scikit-learn ships (``sklearn/datasets/data/digits.csv.gz``)
    without importing scikit-learn, which takes about a second, and falls back to
    ``load_digits`` if that file is not where it used to be.

    Example:
        >>> images, labels = load_digits_arrays()
        >>> images.shape, sorted(set(labels.tolist())) == list(range(10))
        ((1797, 8, 8), True)
    """
    spec = importlib.util.find_spec("sklearn")  # finds the package without importing it
    if spec is not None and spec.origin is not None:
        path = os.path.join(os.path.dirname(spec.origin), "datasets", "data", "digits.csv.gz")
        if os.path.isfile(path):
            table = np.loadtxt(path, delimiter=",")
            if table.shape == (1797, 65):
                return table[:, :-1].reshape(-1, 8, 8), table[:, -1].astype(np.int64)
    from sklearn.datasets import load_digits

    digits = load_digits()
    return digits.images, digits.target.astype(np.int64)


@functools.lru_cache(maxsize=1)
def digits_split() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(x_train, y_train, x_test, y_test)``: float32 8x8 images in [0, 1] and int64 labels.
    A fifth of each class (rounded down) is held out for testing, always the same images:
    1442 training and 355 test images.

    Example:
        >>> x_train, y_train, x_test, y_test = digits_split()
        >>> x_train.shape, x_test.shape
        ((1442, 8, 8), (355, 8, 8))
    """
    images, labels = load_digits_arrays()
    images = (images / 16.0).astype(np.float32)
    rng = np.random.default_rng(0)
    test = np.concatenate([rng.permutation(np.flatnonzero(labels == c))[:np.sum(labels == c) // 5]
                           for c in range(10)])
    is_test = np.zeros(len(labels), bool)
    is_test[test] = True
    train_idx = rng.permutation(np.flatnonzero(~is_test))  # shuffled: --quick keeps a mix
    test_idx = np.sort(test)
    return images[train_idx], labels[train_idx], images[test_idx], labels[test_idx]


def _split(train: bool) -> tuple[np.ndarray, np.ndarray]:
    x_train, y_train, x_test, y_test = digits_split()
    if not train:
        return x_test, y_test
    if QUICK:
        return x_train[:QUICK_TRAIN], y_train[:QUICK_TRAIN]
    return x_train, y_train


def _interp_matrix(n_in: int, n_out: int) -> np.ndarray:
    """The (n_out, n_in) matrix of linear interpolation with aligned pixel centres."""
    pos = (np.arange(n_out) + 0.5) * n_in / n_out - 0.5
    pos = np.clip(pos, 0, n_in - 1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, n_in - 1)
    frac = pos - lo
    m = np.zeros((n_out, n_in))
    m[np.arange(n_out), lo] += 1 - frac
    m[np.arange(n_out), hi] += frac
    return m


def resize(images: np.ndarray, size: int, frame: int | None = None) -> np.ndarray:
    """Bilinearly resize ``(N, h, w)`` images to ``size x size``, then centre them in a
    ``frame x frame`` black border (``frame`` defaults to ``size``).

    Example:
        >>> resize(np.ones((2, 8, 8), np.float32), 20, 28).shape
        (2, 28, 28)
    """
    a_rows = _interp_matrix(images.shape[1], size)
    a_cols = _interp_matrix(images.shape[2], size)
    out = np.einsum("ij,njk,lk->nil", a_rows, images, a_cols).astype(images.dtype)
    frame = size if frame is None else frame
    lo = (frame - size) // 2
    return np.pad(out, ((0, 0), (lo, frame - size - lo), (lo, frame - size - lo)))


def _tensor_dataset(x: np.ndarray, y: np.ndarray) -> torch.utils.data.TensorDataset:
    return torch.utils.data.TensorDataset(torch.from_numpy(np.ascontiguousarray(x)),
                                          torch.from_numpy(y))


def mnist_like(train: bool = True, flatten: bool = False) -> torch.utils.data.TensorDataset:
    """The digits shaped like ``ToTensor()`` MNIST: ``(1, 28, 28)`` float32 images in [0, 1]
    (``(784,)`` with ``flatten=True``, what a 784-input ``nn.Linear`` takes) and int64 labels.

    Example:
        >>> x, y = mnist_like(train=False)[0]
        >>> tuple(x.shape)
        (1, 28, 28)
    """
    x, y = _split(train)
    x = resize(x, 20, 28)
    x = x.reshape(len(x), 784) if flatten else x[:, None]
    return _tensor_dataset(x, y)


def small_digits(train: bool = True, size: int = 11,
                 normalize: bool = True) -> torch.utils.data.TensorDataset:
    """The 8x8 digits padded to ``(1, size, size)`` float32 images, int64 labels. With
    ``normalize`` (the default) the pixels are standardised with the training images' mean and
    standard deviation, as ``transforms.Normalize((0.1307,), (0.3081,))`` does for MNIST; else
    they are in [0, 1].

    Example:
        >>> x, y = small_digits(train=False)[0]
        >>> tuple(x.shape)
        (1, 11, 11)
    """
    lo = (size - 8) // 2
    pad = ((0, 0), (lo, size - 8 - lo), (lo, size - 8 - lo))
    x, y = _split(train)
    x = np.pad(x, pad)
    if normalize:
        full_train = np.pad(digits_split()[0], pad)
        x = (x - full_train.mean()) / full_train.std()
    return _tensor_dataset(x[:, None].astype(np.float32), y)


def binary_digits(train: bool = True, size: int = 11) -> torch.utils.data.TensorDataset:
    """``small_digits`` with two-class labels: 1 for the digits 5..9, 0 for 0..4.

    Example:
        >>> _, y = binary_digits(train=False)[0]
        >>> int(y) in (0, 1)
        True
    """
    x, y = small_digits(train, size).tensors
    return torch.utils.data.TensorDataset(x, (y >= 5).long())


def digit_rows(train: bool = True, size: int = 10,
               classes: int = 5) -> torch.utils.data.TensorDataset:
    """The digits ``0 .. classes-1`` resized to ``size x size`` and read as sequences: a
    ``(size, size)`` float32 sample is ``size`` time steps (the image rows, top to bottom) of
    ``size`` features (the pixels of a row); int64 labels in ``[0, classes)``.

    Example:
        >>> x, y = digit_rows(train=False)[0]
        >>> tuple(x.shape), int(y) < 5
        ((10, 10), True)
    """
    x, y = _split(train)
    keep = y < classes
    return _tensor_dataset(resize(x[keep], size), y[keep])


def write_cifar10(root: str | os.PathLike = "./data") -> str:
    """Write the digits as CIFAR-10 binary batches: ``root/cifar-10-batches-bin/``
    (``data_batch_1.bin`` ... ``data_batch_5.bin``, ``test_batch.bin``, ``batches.meta.txt``),
    32x32 RGB uint8 images (the digit upsampled to 24x24 in a 32x32 frame, grey on all three
    channels), so ``torchvision.datasets.CIFAR10(root)`` reads them. Returns the folder.

    Example:
        >>> import tempfile
        >>> folder = write_cifar10(tempfile.mkdtemp())
        >>> sorted(os.listdir(folder))[:2]
        ['batches.meta.txt', 'data_batch_1.bin']
    """
    folder = os.path.join(root, "cifar-10-batches-bin")
    os.makedirs(folder, exist_ok=True)
    for train in (True, False):
        x, y = _split(train)
        pixels = np.round(resize(x, 24, 32) * 255).clip(0, 255).astype(np.uint8)
        # one record: the label byte, then 1024 red, 1024 green, 1024 blue bytes
        rgb = np.repeat(pixels.reshape(len(x), 1, 1024), 3, axis=1).reshape(len(x), 3072)
        records = np.concatenate([y.astype(np.uint8)[:, None], rgb], axis=1)
        if train:
            for i, part in enumerate(np.array_split(records, 5), start=1):
                part.tofile(os.path.join(folder, f"data_batch_{i}.bin"))
        else:
            records.tofile(os.path.join(folder, "test_batch.bin"))
    with open(os.path.join(folder, "batches.meta.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(str(d) for d in range(10)) + "\n")
    return folder


def evaluate(model: Any, loader: Iterable, max_batches: int | None = None) -> float:
    """The fraction of ``(inputs, labels)`` batches' labels that ``model``'s argmax gets right,
    computed in eval mode under ``torch.no_grad()`` (over the first ``max_batches`` batches
    when given).

    Example:
        >>> net = torch.nn.Linear(784, 10)
        >>> loader = torch.utils.data.DataLoader(mnist_like(False, flatten=True), batch_size=90)
        >>> 0.0 <= evaluate(net, loader) <= 1.0
        True
    """
    was_training = model.training
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for k, (inputs, labels) in enumerate(loader):
            if max_batches is not None and k == max_batches:
                break
            outputs = model(inputs)
            if isinstance(outputs, tuple):
                outputs = outputs[0]
            correct += int((outputs.argmax(dim=1) == labels).sum())
            total += len(labels)
    model.train(was_training)
    return correct / total


def plot_losses(losses: list[float], name: str, xlabel: str = "step") -> str | None:
    """Save the loss curve to ``<name>_loss.png`` in the working directory when matplotlib is
    installed; returns the file name (None without matplotlib).

    Example:
        >>> plot_losses([1.0, 0.5], "demo") in (None, "demo_loss.png")  # doctest: +SKIP
        True
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    fig, ax = plt.subplots(figsize=(5, 3.2))
    ax.plot(np.arange(1, len(losses) + 1), losses)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("loss")
    ax.set_yscale("log")
    ax.set_title(name)
    fig.tight_layout()
    path = f"{name}_loss.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    print(f"loss curve written to {path}")
    return path


def progress(iterable: Iterable, **kwargs: Any) -> Iterable:
    """``tqdm(iterable)`` when tqdm is installed and stdout is a terminal, else ``iterable``.

    Example:
        >>> list(progress(range(3)))
        [0, 1, 2]
    """
    if not sys.stdout.isatty():
        return iterable
    try:
        from tqdm import tqdm
    except ImportError:
        return iterable
    return tqdm(iterable, **kwargs)
