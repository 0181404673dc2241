"""Padding layers and ``nn.Upsample``/``nn.PixelShuffle`` (over ``F.pad``/``F.interpolate``)."""
from __future__ import annotations

from typing import Any

from ..._tensor import Tensor
from .. import functional as F
from .module import Module

__all__ = ["ZeroPad1d", "ZeroPad2d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d",
           "ReflectionPad1d", "ReflectionPad2d", "ReplicationPad1d", "ReplicationPad2d",
           "CircularPad1d", "CircularPad2d", "Upsample", "UpsamplingNearest2d",
           "UpsamplingBilinear2d", "PixelShuffle", "PixelUnshuffle"]


class _PadNd(Module):
    _n = 2
    _mode = "constant"

    def __init__(self, padding: Any, value: float = 0.0) -> None:
        super().__init__()
        self.padding = tuple(padding) if isinstance(padding, (list, tuple)) else \
            (int(padding),) * (2 * self._n)
        if len(self.padding) != 2 * self._n:
            raise ValueError(f"{type(self).__name__}: padding must be an int or "
                             f"{2 * self._n} values, got {padding}")
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        if self._mode == "constant":
            return F.pad(input, self.padding, "constant", self.value)
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        if self._mode == "constant" and not isinstance(self, (ZeroPad1d, ZeroPad2d)):
            return f"padding={self.padding}, value={self.value}"
        return f"{self.padding}"


def _pad_class(name: str, n: int, mode: str, doc: str) -> type:
    def __init__(self: Any, padding: Any, *args: Any) -> None:
        _PadNd.__init__(self, padding, *args)

    return type(name, (_PadNd,), {"_n": n, "_mode": mode, "__doc__": doc,
                                  "__init__": __init__})


ZeroPad1d = _pad_class("ZeroPad1d", 1, "constant", """Zero padding of the last dim.

    Example:
        >>> torch.nn.ZeroPad1d(1)(torch.ones(1, 2))
        tensor([[0., 1., 1., 0.]])
    """)
ZeroPad2d = _pad_class("ZeroPad2d", 2, "constant", """Zero padding of the last two dims
    (left, right, top, bottom).

    Example:
        >>> torch.nn.ZeroPad2d(1)(torch.ones(1, 1, 1)).shape
        torch.Size([1, 3, 3])
    """)
ConstantPad1d = _pad_class("ConstantPad1d", 1, "constant", """Constant padding of the last
    dim.

    Example:
        >>> torch.nn.ConstantPad1d(1, 2.0)(torch.ones(1, 1))
        tensor([[2., 1., 2.]])
    """)
ConstantPad2d = _pad_class("ConstantPad2d", 2, "constant", """Constant padding of the last two
    dims.

    Example:
        >>> torch.nn.ConstantPad2d(1, 0.5)(torch.ones(1, 1, 1)).shape
        torch.Size([1, 3, 3])
    """)
ConstantPad3d = _pad_class("ConstantPad3d", 3, "constant", """Constant padding of the last
    three dims.

    Example:
        >>> torch.nn.ConstantPad3d(1, 0.0)(torch.ones(1, 1, 1, 1)).shape
        torch.Size([1, 3, 3, 3])
    """)
ReflectionPad1d = _pad_class("ReflectionPad1d", 1, "reflect", """Reflection padding of the
    last dim.

    Example:
        >>> torch.nn.ReflectionPad1d(1)(torch.tensor([[[1.0, 2.0]]]))
        tensor([[[2., 1., 2., 1.]]])
    """)
ReflectionPad2d = _pad_class("ReflectionPad2d", 2, "reflect", """Reflection padding of the
    last two dims.

    Example:
        >>> torch.nn.ReflectionPad2d(1)(torch.ones(1, 1, 2, 2)).shape
        torch.Size([1, 1, 4, 4])
    """)
ReplicationPad1d = _pad_class("ReplicationPad1d", 1, "replicate", """Edge replication of the
    last dim.

    Example:
        >>> torch.nn.ReplicationPad1d(1)(torch.tensor([[[1.0, 2.0]]]))
        tensor([[[1., 1., 2., 2.]]])
    """)
ReplicationPad2d = _pad_class("ReplicationPad2d", 2, "replicate", """Edge replication of the
    last two dims.

    Example:
        >>> torch.nn.ReplicationPad2d(1)(torch.ones(1, 1, 2, 2)).shape
        torch.Size([1, 1, 4, 4])
    """)
CircularPad1d = _pad_class("CircularPad1d", 1, "circular", """Circular padding of the last
    dim.

    Example:
        >>> torch.nn.CircularPad1d(1)(torch.tensor([[[1.0, 2.0]]]))
        tensor([[[2., 1., 2., 1.]]])
    """)
CircularPad2d = _pad_class("CircularPad2d", 2, "circular", """Circular padding of the last
    two dims.

    Example:
        >>> torch.nn.CircularPad2d(1)(torch.ones(1, 1, 2, 2)).shape
        torch.Size([1, 1, 4, 4])
    """)


class Upsample(Module):
    """Resize (``F.interpolate``) by ``size`` or ``scale_factor``.

    Example:
        >>> torch.nn.Upsample(scale_factor=2, mode="nearest")
        Upsample(scale_factor=2.0, mode='nearest')
    """

    def __init__(self, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                 align_corners: bool | None = None,
                 recompute_scale_factor: bool | None = None) -> None:
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor: Any = tuple(float(f) for f in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input: Tensor) -> Tensor:
        return F.interpolate(input, self.size, self.scale_factor, self.mode,
                             self.align_corners, self.recompute_scale_factor)

    def extra_repr(self) -> str:
        if self.scale_factor is not None:
            info = f"scale_factor={self.scale_factor!r}"
        else:
            info = f"size={self.size!r}"
        return info + f", mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Nearest-neighbour upsampling.

    Example:
        >>> torch.nn.UpsamplingNearest2d(scale_factor=2)(torch.ones(1, 1, 2, 2)).shape
        torch.Size([1, 1, 4, 4])
    """

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Bilinear upsampling with ``align_corners=True``.

    Example:
        >>> torch.nn.UpsamplingBilinear2d(scale_factor=2)(torch.ones(1, 1, 2, 2)).shape
        torch.Size([1, 1, 4, 4])
    """

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)


class PixelShuffle(Module):
    """``(*, C r^2, H, W)`` to ``(*, C, H r, W r)``.

    Example:
        >>> torch.nn.PixelShuffle(2)
        PixelShuffle(upscale_factor=2)
    """

    def __init__(self, upscale_factor: int) -> None:
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input: Tensor) -> Tensor:
        return F.pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self) -> str:
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """``(*, C, H r, W r)`` to ``(*, C r^2, H, W)``.

    Example:
        >>> torch.nn.PixelUnshuffle(2)
        PixelUnshuffle(downscale_factor=2)
    """

    def __init__(self, downscale_factor: int) -> None:
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input: Tensor) -> Tensor:
        return F.pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self) -> str:
        return f"downscale_factor={self.downscale_factor}"
