"""``functorch_lite.torchvision.transforms``: torchvision's image transforms (v1 API).

Example:
    >>> import numpy as np
    >>> from functorch_lite.torchvision import transforms
    >>> t = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
    >>> t(np.zeros((2, 2), np.uint8)).tolist()
    [[[-1.0, -1.0], [-1.0, -1.0]]]
"""
from functorch_lite.torchvision.transforms import functional
from functorch_lite.torchvision.transforms.functional import InterpolationMode
from functorch_lite.torchvision.transforms.transforms import *  # noqa: F403
from functorch_lite.torchvision.transforms.transforms import __all__ as _transforms_all

__all__ = ["functional", "InterpolationMode", *_transforms_all]
