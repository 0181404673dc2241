"""``functorch_lite.torchvision.models``: ResNet-18/34/50 with torchvision's parameter names.

Pretrained weights come only from local safetensors files (see ``_weights``'s docstring and
docs/torchvision.md); nothing is downloaded and no pickle is ever read.

Example:
    >>> from functorch_lite.torchvision import models
    >>> models.resnet18(weights=None).fc.out_features
    1000
"""
from functorch_lite.torchvision.models._weights import WeightsEnum, get_weight
from functorch_lite.torchvision.models.resnet import *  # noqa: F403
from functorch_lite.torchvision.models.resnet import __all__ as _resnet_all

__all__ = ["WeightsEnum", "get_weight", *_resnet_all]
