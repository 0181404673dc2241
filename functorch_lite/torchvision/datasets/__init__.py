"""``functorch_lite.torchvision.datasets``: vision data sets read from local files.

Nothing is ever downloaded: ``download=True`` only unpacks an archive already placed in
``root``, and a missing file raises a RuntimeError naming the folder and files to provide.

Example:
    >>> from functorch_lite.torchvision import datasets
    >>> sorted(datasets.__all__)[:2]
    ['CIFAR10', 'CIFAR100']
"""
from functorch_lite.torchvision.datasets.cifar import CIFAR10, CIFAR100
from functorch_lite.torchvision.datasets.mnist import MNIST, FashionMNIST
from functorch_lite.torchvision.datasets.vision import VisionDataset

__all__ = ["CIFAR10", "CIFAR100", "MNIST", "FashionMNIST", "VisionDataset"]
