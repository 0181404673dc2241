"""``functorch_lite.torchvision``: torchvision's transforms, datasets and models on the facade.

``import functorch_lite.torchvision as torchvision`` gives the names PyTorch tutorials use:
``torchvision.transforms`` (Compose, ToTensor, Normalize, RandomCrop, ...),
``torchvision.datasets`` (CIFAR10, MNIST, FashionMNIST read from local files) and
``torchvision.models`` (resnet18/34/50 with torchvision's parameter names). See
docs/torchvision.md.

Example:
    >>> import functorch_lite.torchvision as torchvision
    >>> torchvision.transforms.ToTensor()
    ToTensor()
"""
import importlib
from typing import Any

__version__ = "0.29.1+functorch_lite"

__all__ = ["datasets", "models", "transforms"]


def __getattr__(name: str) -> Any:
    # Submodules load on first use: models needs the facade's nn, datasets and transforms don't.
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
