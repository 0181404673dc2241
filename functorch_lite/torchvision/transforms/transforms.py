"""torchvision.transforms' classes: callables that wrap the functions in ``functional``.

Random transforms draw from the facade's global generator with ``torch.rand`` and
``torch.randint`` (as torchvision does), so ``torch.manual_seed`` makes a pipeline repeatable.
The classes are plain callables (torchvision's are ``nn.Module`` subclasses with no parameters):
``t(img)`` and ``t.forward(img)`` do the same, and ``repr`` matches torchvision's.
"""
from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functorch_lite.torchvision.transforms import functional as F
from functorch_lite.torchvision.transforms.functional import InterpolationMode

__all__ = [
    "Compose", "ToTensor", "PILToTensor", "ConvertImageDtype", "Normalize", "Resize",
    "CenterCrop", "Pad", "Lambda", "RandomHorizontalFlip", "RandomVerticalFlip", "RandomCrop",
    "RandomResizedCrop", "Grayscale", "RandomGrayscale", "RandomApply", "RandomChoice",
    "RandomOrder",
]


def _rand() -> float:
    return float(F._torch().rand(1).item())


def _randint(low: int, high: int) -> int:
    return int(F._torch().randint(low, high, size=(1,)).item())


def _setup_size(size: Any, error_msg: str) -> tuple[int, int]:
    if isinstance(size, numbers.Number) and not isinstance(size, bool):
        return int(size), int(size)
    if isinstance(size, Sequence) and len(size) == 1:
        return size[0], size[0]
    if not isinstance(size, Sequence) or len(size) != 2:
        raise ValueError(error_msg)
    return size[0], size[1]


class _Transform:
    """Base: ``__call__`` runs ``forward`` (torchvision's transforms are Modules)."""

    def __call__(self, *args: Any) -> Any:
        return self.forward(*args)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}()"


class Compose:
    """Apply transforms one after the other.

    Example:
        >>> import numpy as np
        >>> from functorch_lite.torchvision import transforms
        >>> t = transforms.Compose([transforms.CenterCrop(2), transforms.ToTensor()])
        >>> tuple(t(np.zeros((4, 4, 3), np.uint8)).shape)
        (3, 2, 2)
    """

    def __init__(self, transforms: Sequence[Callable]):
        self.transforms = transforms

    def __call__(self, img: Any) -> Any:
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self) -> str:
        lines = [self.__class__.__name__ + "("]
        lines += [f"    {t}" for t in self.transforms]
        return "\n".join(lines) + "\n)"


class ToTensor:
    """PIL image or numpy ``(H, W, C)`` array -> ``(C, H, W)`` tensor; ``uint8`` scaled to [0, 1].

    Example:
        >>> import numpy as np
        >>> tuple(ToTensor()(np.zeros((4, 5, 3), np.uint8)).shape)
        (3, 4, 5)
    """

    def __call__(self, pic: Any) -> Any:
        return F.to_tensor(pic)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}()"


class PILToTensor:
    """PIL image (or numpy HWC array) -> ``(C, H, W)`` tensor of the same dtype, unscaled.

    Example:
        >>> import numpy as np
        >>> PILToTensor()(np.zeros((4, 5, 3), np.uint8)).dtype
        functorch_lite.torch.uint8
    """

    def __call__(self, pic: Any) -> Any:
        return F.pil_to_tensor(pic)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}()"


class ConvertImageDtype(_Transform):
    """Convert a tensor image to ``dtype``, rescaling the values.

    Example:
        >>> import functorch_lite.torch as torch
        >>> x = torch.tensor([[[255]]], dtype=torch.uint8)
        >>> ConvertImageDtype(torch.float32)(x).item()
        1.0
    """

    def __init__(self, dtype: Any) -> None:
        self.dtype = dtype

    def forward(self, image: Any) -> Any:
        return F.convert_image_dtype(image, self.dtype)


class Normalize(_Transform):
    """Per-channel ``(x - mean) / std`` on a float tensor image.

    Example:
        >>> import functorch_lite.torch as torch
        >>> Normalize((0.5,), (0.5,))(torch.zeros(1, 1, 1)).item()
        -1.0
    """

    def __init__(self, mean: Sequence[float], std: Sequence[float], inplace: bool = False):
        self.mean = mean
        self.std = std
        self.inplace = inplace

    def forward(self, tensor: Any) -> Any:
        return F.normalize(tensor, self.mean, self.std, self.inplace)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(mean={self.mean}, std={self.std})"


class Resize(_Transform):
    """Resize to ``size`` (an int sets the smaller edge); see :func:`functional.resize`.

    Example:
        >>> import numpy as np
        >>> Resize((2, 3))(np.zeros((4, 6, 3), np.uint8)).shape
        (2, 3, 3)
    """

    def __init__(self, size: int | Sequence[int] | None,
                 interpolation: InterpolationMode | int = InterpolationMode.BILINEAR,
                 max_size: int | None = None, antialias: bool | None = True) -> None:
        if not (size is None or isinstance(size, (int, Sequence))):
            raise TypeError(f"Size should be int or sequence. Got {type(size)}")
        if isinstance(size, Sequence) and len(size) not in (1, 2):
            raise ValueError("If size is a sequence, it should have 1 or 2 values")
        self.size = size
        self.max_size = max_size
        self.interpolation = F._interpolation(interpolation)
        self.antialias = antialias

    def forward(self, img: Any) -> Any:
        return F.resize(img, self.size, self.interpolation, self.max_size, self.antialias)

    def __repr__(self) -> str:
        return (f"{self.__class__.__name__}(size={self.size}, "
                f"interpolation={self.interpolation.value}, max_size={self.max_size}, "
                f"antialias={self.antialias})")


class CenterCrop(_Transform):
    """Crop the centre ``size`` (int or ``(h, w)``), padding with zeros if it is larger.

    Example:
        >>> import numpy as np
        >>> CenterCrop(2)(np.zeros((4, 4, 3), np.uint8)).shape
        (2, 2, 3)
    """

    def __init__(self, size: int | Sequence[int]) -> None:
        self.size = _setup_size(size, "Please provide only two dimensions (h, w) for size.")

    def forward(self, img: Any) -> Any:
        return F.center_crop(img, self.size)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(size={self.size})"


class Pad(_Transform):
    """Pad the sides of an image; see :func:`functional.pad`.

    Example:
        >>> import numpy as np
        >>> Pad(1)(np.zeros((2, 2), np.uint8)).shape
        (4, 4)
    """

    def __init__(self, padding: int | Sequence[int], fill: Any = 0,
                 padding_mode: str = "constant") -> None:
        if not isinstance(padding, (numbers.Number, tuple, list)):
            raise TypeError("Got inappropriate padding arg")
        if not isinstance(fill, (numbers.Number, tuple, list)):
            raise TypeError("Got inappropriate fill arg")
        if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
            raise ValueError("Padding mode should be either constant, edge, reflect or "
                             "symmetric")
        if isinstance(padding, Sequence) and len(padding) not in (1, 2, 4):
            raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a "
                             f"{len(padding)} element tuple")
        self.padding, self.fill, self.padding_mode = padding, fill, padding_mode

    def forward(self, img: Any) -> Any:
        return F.pad(img, self.padding, self.fill, self.padding_mode)

    def __repr__(self) -> str:
        return (f"{self.__class__.__name__}(padding={self.padding}, fill={self.fill}, "
                f"padding_mode={self.padding_mode})")


class Lambda:
    """Wrap a function as a transform.

    Example:
        >>> Lambda(lambda x: x + 1)(1)
        2
    """

    def __init__(self, lambd: Callable) -> None:
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got "
                            f"{repr(type(lambd).__name__)}")
        self.lambd = lambd

    def __call__(self, img: Any) -> Any:
        return self.lambd(img)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}()"


class RandomHorizontalFlip(_Transform):
    """Flip left-right with probability ``p`` (``torch.rand(1) < p``).

    Example:
        >>> import numpy as np
        >>> RandomHorizontalFlip(p=1.0)(np.array([[1, 2]], np.uint8)).tolist()
        [[2, 1]]
    """

    def __init__(self, p: float = 0.5) -> None:
        self.p = p

    def forward(self, img: Any) -> Any:
        if _rand() < self.p:
            return F.hflip(img)
        return img

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(p={self.p})"


class RandomVerticalFlip(RandomHorizontalFlip):
    """Flip top-bottom with probability ``p``.

    Example:
        >>> import numpy as np
        >>> RandomVerticalFlip(p=1.0)(np.array([[1], [2]], np.uint8)).tolist()
        [[2], [1]]
    """

    def forward(self, img: Any) -> Any:
        if _rand() < self.p:
            return F.vflip(img)
        return img


class RandomCrop(_Transform):
    """Crop a random ``size`` box, after optional ``padding`` (the CIFAR-10 augmentation).

    Example:
        >>> import numpy as np
        >>> RandomCrop(32, padding=4)(np.zeros((32, 32, 3), np.uint8)).shape
        (32, 32, 3)
    """

    def __init__(self, size: int | Sequence[int], padding: Any = None,
                 pad_if_needed: bool = False, fill: Any = 0,
                 padding_mode: str = "constant") -> None:
        self.size = tuple(_setup_size(
            size, error_msg="Please provide only two dimensions (h, w) for size."))
        self.padding = padding
        self.pad_if_needed = pad_if_needed
        self.fill = fill
        self.padding_mode = padding_mode

    @staticmethod
    def get_params(img: Any, output_size: tuple[int, int]) -> tuple[int, int, int, int]:
        """``(top, left, height, width)`` of a uniformly random crop of ``output_size``.

        Example:
            >>> import numpy as np
            >>> RandomCrop.get_params(np.zeros((4, 4), np.uint8), (4, 4))
            (0, 0, 4, 4)
        """
        _, h, w = F.get_dimensions(img)
        th, tw = output_size
        if h < th or w < tw:
            raise ValueError(f"Required crop size {(th, tw)} is larger than input image size "
                             f"{(h, w)}")
        if w == tw and h == th:
            return 0, 0, h, w
        i = _randint(0, h - th + 1)
        j = _randint(0, w - tw + 1)
        return i, j, th, tw

    def forward(self, img: Any) -> Any:
        if self.padding is not None:
            img = F.pad(img, self.padding, self.fill, self.padding_mode)
        _, height, width = F.get_dimensions(img)
        if self.pad_if_needed and width < self.size[1]:
            img = F.pad(img, [self.size[1] - width, 0], self.fill, self.padding_mode)
        if self.pad_if_needed and height < self.size[0]:
            img = F.pad(img, [0, self.size[0] - height], self.fill, self.padding_mode)
        i, j, h, w = self.get_params(img, self.size)
        return F.crop(img, i, j, h, w)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(size={self.size}, padding={self.padding})"


class RandomResizedCrop(_Transform):
    """Crop a random area and aspect ratio, then resize to ``size`` (the ImageNet augmentation).

    Example:
        >>> import numpy as np
        >>> RandomResizedCrop(8)(np.zeros((16, 16, 3), np.uint8)).shape
        (8, 8, 3)
    """

    def __init__(self, size: int | Sequence[int], scale: Sequence[float] = (0.08, 1.0),
                 ratio: Sequence[float] = (3.0 / 4.0, 4.0 / 3.0),
                 interpolation: InterpolationMode | int = InterpolationMode.BILINEAR,
                 antialias: bool | None = True) -> None:
        self.size = _setup_size(size, "Please provide only two dimensions (h, w) for size.")
        if not isinstance(scale, Sequence):
            raise TypeError("Scale should be a sequence")
        if not isinstance(ratio, Sequence):
            raise TypeError("Ratio should be a sequence")
        if scale[0] > scale[1] or ratio[0] > ratio[1]:
            warnings.warn("Scale and ratio should be of kind (min, max)", stacklevel=2)
        self.interpolation = F._interpolation(interpolation)
        self.antialias = antialias
        self.scale = scale
        self.ratio = ratio

    @staticmethod
    def get_params(img: Any, scale: Sequence[float],
                   ratio: Sequence[float]) -> tuple[int, int, int, int]:
        """``(top, left, height, width)``: up to 10 random tries, then a central crop.

        Example:
            >>> import numpy as np
            >>> RandomResizedCrop.get_params(np.zeros((4, 4), np.uint8), (2.0, 2.0), (1.0, 1.0))
            (0, 0, 4, 4)
        """
        _, height, width = F.get_dimensions(img)
        area = height * width
        # torchvision takes the log of the ratios in float32.
        log_lo, log_hi = (float(v) for v in np.log(np.asarray(ratio, np.float32)))
        for _ in range(10):
            target_area = area * (scale[0] + (scale[1] - scale[0]) * _rand())
            aspect = float(np.exp(np.float32(log_lo + (log_hi - log_lo) * _rand())))
            w = int(round(math.sqrt(target_area * aspect)))
            h = int(round(math.sqrt(target_area / aspect)))
            if 0 < w <= width and 0 < h <= height:
                i = _randint(0, height - h + 1)
                j = _randint(0, width - w + 1)
                return i, j, h, w
        in_ratio = float(width) / float(height)
        if in_ratio < min(ratio):
            w = width
            h = int(round(w / min(ratio)))
        elif in_ratio > max(ratio):
            h = height
            w = int(round(h * max(ratio)))
        else:
            w, h = width, height
        return (height - h) // 2, (width - w) // 2, h, w

    def forward(self, img: Any) -> Any:
        i, j, h, w = self.get_params(img, self.scale, self.ratio)
        return F.resized_crop(img, i, j, h, w, list(self.size), self.interpolation,
                              antialias=self.antialias)

    def __repr__(self) -> str:
        scale = tuple(round(s, 4) for s in self.scale)
        ratio = tuple(round(r, 4) for r in self.ratio)
        return (f"{self.__class__.__name__}(size={self.size}, scale={scale}, ratio={ratio}, "
                f"interpolation={self.interpolation.value}, antialias={self.antialias})")


class Grayscale(_Transform):
    """Convert to grayscale with 1 or 3 output channels.

    Example:
        >>> import numpy as np
        >>> Grayscale()(np.zeros((2, 2, 3), np.uint8)).shape
        (2, 2)
    """

    def __init__(self, num_output_channels: int = 1) -> None:
        self.num_output_channels = num_output_channels

    def forward(self, img: Any) -> Any:
        return F.rgb_to_grayscale(img, num_output_channels=self.num_output_channels)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(num_output_channels={self.num_output_channels})"


class RandomGrayscale(_Transform):
    """Grayscale (keeping the channel count) with probability ``p``.

    Example:
        >>> import numpy as np
        >>> RandomGrayscale(p=1.0)(np.zeros((2, 2, 3), np.uint8)).shape
        (2, 2, 3)
    """

    def __init__(self, p: float = 0.1) -> None:
        self.p = p

    def forward(self, img: Any) -> Any:
        num_output_channels, _, _ = F.get_dimensions(img)
        if _rand() < self.p:
            return F.rgb_to_grayscale(img, num_output_channels=num_output_channels)
        return img

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(p={self.p})"


class RandomApply(_Transform):
    """Apply a list of transforms with probability ``p``.

    Example:
        >>> RandomApply([lambda x: x + 1], p=1.0)(1)
        2
    """

    def __init__(self, transforms: Sequence[Callable], p: float = 0.5) -> None:
        self.transforms = transforms
        self.p = p

    def forward(self, img: Any) -> Any:
        if self.p < _rand():
            return img
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self) -> str:
        lines = [f"{self.__class__.__name__}(", f"    p={self.p}"]
        lines += [f"    {t}" for t in self.transforms]
        return "\n".join(lines) + "\n)"


class RandomChoice:
    """Apply one transform picked at random (optionally weighted by ``p``).

    Example:
        >>> RandomChoice([lambda x: x + 1])(1)
        2
    """

    def __init__(self, transforms: Sequence[Callable], p: Sequence[float] | None = None):
        if not isinstance(transforms, Sequence):
            raise TypeError("Argument transforms should be a sequence")
        if p is not None and len(p) != len(transforms):
            raise ValueError(f"Length of p doesn't match the number of transforms: {len(p)} "
                             f"!= {len(transforms)}")
        self.transforms = transforms
        self.p = p

    def __call__(self, *args: Any) -> Any:
        weights = self.p if self.p is not None else [1.0] * len(self.transforms)
        cum = np.cumsum(np.asarray(weights, np.float64))
        u = _rand() * cum[-1]
        k = int(min(np.searchsorted(cum, u, side="right"), len(self.transforms) - 1))
        return self.transforms[k](*args)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(transforms={self.transforms}, p={self.p})"


class RandomOrder:
    """Apply the transforms in a random order (``torch.randperm``).

    Example:
        >>> RandomOrder([lambda x: x * 2])(3)
        6
    """

    def __init__(self, transforms: Sequence[Callable]) -> None:
        self.transforms = transforms

    def __call__(self, img: Any) -> Any:
        order = F._torch().randperm(len(self.transforms)).tolist()
        for i in order:
            img = self.transforms[i](img)
        return img

    def __repr__(self) -> str:
        lines = [self.__class__.__name__ + "("]
        lines += [f"    {t}" for t in self.transforms]
        return "\n".join(lines) + "\n)"
