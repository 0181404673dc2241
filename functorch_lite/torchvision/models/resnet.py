"""ResNet (He et al., 2015) with torchvision's module names, so state_dict keys match.

``conv1, bn1, layer1.0.conv1, ..., layer4.1.bn2, fc`` (and ``downsample.0/1``) are the names a
torchvision checkpoint uses; converted to safetensors, such a checkpoint loads with
``load_state_dict`` unchanged.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import functorch_lite.torch as torch
from functorch_lite.torch import nn
from functorch_lite.torchvision.models._weights import WeightsEnum, load_weights

__all__ = [
    "ResNet", "BasicBlock", "Bottleneck", "resnet18", "resnet34", "resnet50",
    "ResNet18_Weights", "ResNet34_Weights", "ResNet50_Weights",
]


def conv3x3(in_planes: int, out_planes: int, stride: int = 1, groups: int = 1,
            dilation: int = 1) -> nn.Conv2d:
    """3x3 convolution with padding (no bias: a BatchNorm follows).

    Example:
        >>> conv3x3(3, 8).kernel_size
        (3, 3)
    """
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=dilation,
                     groups=groups, bias=False, dilation=dilation)


def conv1x1(in_planes: int, out_planes: int, stride: int = 1) -> nn.Conv2d:
    """1x1 convolution (no bias).

    Example:
        >>> conv1x1(3, 8).kernel_size
        (1, 1)
    """
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    """Two 3x3 convolutions with a residual connection (ResNet-18/34).

    Example:
        >>> import functorch_lite.torch as torch
        >>> tuple(BasicBlock(4, 4)(torch.zeros(1, 4, 5, 5)).shape)
        (1, 4, 5, 5)
    """

    expansion: int = 1

    def __init__(self, inplanes: int, planes: int, stride: int = 1,
                 downsample: nn.Module | None = None, groups: int = 1, base_width: int = 64,
                 dilation: int = 1, norm_layer: Callable[..., nn.Module] | None = None) -> None:
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        if groups != 1 or base_width != 64:
            raise ValueError("BasicBlock only supports groups=1 and base_width=64")
        if dilation > 1:
            raise NotImplementedError("Dilation > 1 not supported in BasicBlock (as torchvision); "
                                      "replace_stride_with_dilation needs Bottleneck blocks "
                                      "(resnet50)")
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = norm_layer(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = norm_layer(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x: Any) -> Any:
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out = out + identity
        return self.relu(out)


class Bottleneck(nn.Module):
    """1x1, 3x3 (strided), 1x1 convolutions with 4x expansion (ResNet-50 and up; V1.5: the
    stride sits on the 3x3 convolution, as in torchvision).

    Example:
        >>> import functorch_lite.torch as torch
        >>> tuple(Bottleneck(16, 4)(torch.zeros(1, 16, 5, 5)).shape)
        (1, 16, 5, 5)
    """

    expansion: int = 4

    def __init__(self, inplanes: int, planes: int, stride: int = 1,
                 downsample: nn.Module | None = None, groups: int = 1, base_width: int = 64,
                 dilation: int = 1, norm_layer: Callable[..., nn.Module] | None = None) -> None:
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        width = int(planes * (base_width / 64.0)) * groups
        self.conv1 = conv1x1(inplanes, width)
        self.bn1 = norm_layer(width)
        self.conv2 = conv3x3(width, width, stride, groups, dilation)
        self.bn2 = norm_layer(width)
        self.conv3 = conv1x1(width, planes * self.expansion)
        self.bn3 = norm_layer(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x: Any) -> Any:
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out = out + identity
        return self.relu(out)


class ResNet(nn.Module):
    """The ResNet trunk: stem (7x7 conv, BN, ReLU, max-pool), four stages, pooling, ``fc``.

    Example:
        >>> import functorch_lite.torch as torch
        >>> net = ResNet(BasicBlock, [1, 1, 1, 1], num_classes=3)
        >>> tuple(net(torch.zeros(1, 3, 32, 32)).shape)
        (1, 3)
    """

    def __init__(self, block: type[BasicBlock | Bottleneck], layers: list[int],
                 num_classes: int = 1000, zero_init_residual: bool = False, groups: int = 1,
                 width_per_group: int = 64,
                 replace_stride_with_dilation: list[bool] | None = None,
                 norm_layer: Callable[..., nn.Module] | None = None) -> None:
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        self._norm_layer = norm_layer
        self.inplanes = 64
        self.dilation = 1
        if replace_stride_with_dilation is None:
            replace_stride_with_dilation = [False, False, False]
        if len(replace_stride_with_dilation) != 3:
            raise ValueError("replace_stride_with_dilation should be None or a 3-element tuple, "
                             f"got {replace_stride_with_dilation}")
        self.groups = groups
        self.base_width = width_per_group
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = norm_layer(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2,
                                       dilate=replace_stride_with_dilation[0])
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2,
                                       dilate=replace_stride_with_dilation[1])
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2,
                                       dilate=replace_stride_with_dilation[2])
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)

        # torchvision's initialisation: He-normal (fan_out) convs, BN weight 1 and bias 0.
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, (nn.BatchNorm2d, getattr(nn, "GroupNorm", nn.BatchNorm2d))):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        if zero_init_residual:
            # Each residual branch starts as zero, so every block begins as the identity.
            for m in self.modules():
                if isinstance(m, Bottleneck) and m.bn3.weight is not None:
                    nn.init.constant_(m.bn3.weight, 0)
                elif isinstance(m, BasicBlock) and m.bn2.weight is not None:
                    nn.init.constant_(m.bn2.weight, 0)

    def _make_layer(self, block: type[BasicBlock | Bottleneck], planes: int, blocks: int,
                    stride: int = 1, dilate: bool = False) -> nn.Sequential:
        norm_layer = self._norm_layer
        downsample = None
        previous_dilation = self.dilation
        if dilate:
            self.dilation *= stride
            stride = 1
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(conv1x1(self.inplanes, planes * block.expansion, stride),
                                       norm_layer(planes * block.expansion))
        layers = [block(self.inplanes, planes, stride, downsample, self.groups, self.base_width,
                        previous_dilation, norm_layer)]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(block(self.inplanes, planes, groups=self.groups,
                                base_width=self.base_width, dilation=self.dilation,
                                norm_layer=norm_layer))
        return nn.Sequential(*layers)

    def forward(self, x: Any) -> Any:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.fc(x)


class ResNet18_Weights(WeightsEnum):
    """ImageNet weights of resnet18 (loaded from a local safetensors file only).

    Example:
        >>> ResNet18_Weights.DEFAULT.file_name
        'resnet18-f37072fd.safetensors'
    """

    IMAGENET1K_V1 = ("resnet18-f37072fd", "IMAGENET1K_V1")
    DEFAULT = IMAGENET1K_V1


class ResNet34_Weights(WeightsEnum):
    """ImageNet weights of resnet34 (loaded from a local safetensors file only).

    Example:
        >>> ResNet34_Weights.DEFAULT.file_name
        'resnet34-b627a593.safetensors'
    """

    IMAGENET1K_V1 = ("resnet34-b627a593", "IMAGENET1K_V1")
    DEFAULT = IMAGENET1K_V1


class ResNet50_Weights(WeightsEnum):
    """ImageNet weights of resnet50 (loaded from a local safetensors file only).

    Example:
        >>> ResNet50_Weights.DEFAULT.file_name
        'resnet50-11ad3fa6.safetensors'
    """

    IMAGENET1K_V1 = ("resnet50-0676ba61", "IMAGENET1K_V1")
    IMAGENET1K_V2 = ("resnet50-11ad3fa6", "IMAGENET1K_V2")
    DEFAULT = IMAGENET1K_V2


def _resnet(block: type[BasicBlock | Bottleneck], layers: list[int], weights: Any,
            weights_enum: type[WeightsEnum], kwargs: dict[str, Any]) -> ResNet:
    if "pretrained" in kwargs:
        # torchvision's legacy flag: pretrained=True means the default ImageNet weights.
        pretrained = kwargs.pop("pretrained")
        if pretrained and weights is None:
            weights = weights_enum.DEFAULT
    state_dict, source = load_weights(weights, weights_enum, kwargs)
    model = ResNet(block, layers, **kwargs)
    if state_dict is not None:
        try:
            model.load_state_dict(state_dict)
        except (RuntimeError, KeyError) as e:
            raise RuntimeError(f"weights from {source} do not fit this model: {e}") from e
    return model


def resnet18(*, weights: ResNet18_Weights | str | os.PathLike | None = None,
             progress: bool = True, **kwargs: Any) -> ResNet:
    """ResNet-18 (11.7M parameters). ``weights``: None, a path to a safetensors state dict, or
    ``ResNet18_Weights``/"DEFAULT" (read from the local cache; see docs/torchvision.md).

    Example:
        >>> from functorch_lite.torchvision import models
        >>> net = models.resnet18(num_classes=10)
        >>> net.fc.in_features
        512
    """
    return _resnet(BasicBlock, [2, 2, 2, 2], weights, ResNet18_Weights, kwargs)


def resnet34(*, weights: ResNet34_Weights | str | os.PathLike | None = None,
             progress: bool = True, **kwargs: Any) -> ResNet:
    """ResNet-34 (21.8M parameters); ``weights`` as in :func:`resnet18`.

    Example:
        >>> from functorch_lite.torchvision import models
        >>> len(models.resnet34().layer3)
        6
    """
    return _resnet(BasicBlock, [3, 4, 6, 3], weights, ResNet34_Weights, kwargs)


def resnet50(*, weights: ResNet50_Weights | str | os.PathLike | None = None,
             progress: bool = True, **kwargs: Any) -> ResNet:
    """ResNet-50 (25.6M parameters, Bottleneck blocks); ``weights`` as in :func:`resnet18`.

    Example:
        >>> from functorch_lite.torchvision import models
        >>> models.resnet50().fc.in_features
        2048
    """
    return _resnet(Bottleneck, [3, 4, 6, 3], weights, ResNet50_Weights, kwargs)
