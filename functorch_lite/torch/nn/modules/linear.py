"""``nn.Identity`` and ``nn.Linear``."""
from __future__ import annotations

import math
from typing import Any

from ... import _creation as C
from ..._tensor import Tensor
from .. import init
from ..functional import _linear as FL
from ..parameter import Parameter
from .module import Module

__all__ = ["Identity", "Linear", "LazyLinear"]


class Identity(Module):
    """Returns its input; constructor arguments are ignored (as torch's).

    Example:
        >>> torch.nn.Identity(54, unused="x")(torch.ones(2))
        tensor([1., 1.])
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input


class Linear(Module):
    """``y = x @ weight.T + bias`` with ``weight`` of shape ``(out_features, in_features)``,
    initialised as torch: kaiming_uniform_(a=sqrt(5)) (so U(-1/sqrt(in), 1/sqrt(in))) and the
    bias U(-1/sqrt(in), 1/sqrt(in)).

    Example:
        >>> fc = torch.nn.Linear(784, 128)
        >>> fc
        Linear(in_features=784, out_features=128, bias=True)
        >>> fc(torch.randn(64, 784)).shape
        torch.Size([64, 128])
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(C.empty((out_features, in_features), device=device,
                                        dtype=dtype))
        if bias:
            self.bias = Parameter(C.empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        return FL.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class LazyLinear(Linear):
    """A Linear whose ``in_features`` is taken from the first input.

    Example:
        >>> fc = torch.nn.LazyLinear(4); fc(torch.ones(2, 3)).shape
        torch.Size([2, 4])
    """

    def __init__(self, out_features: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        Module.__init__(self)
        self.in_features = 0
        self.out_features = out_features
        self._lazy = (bias, device, dtype)
        self.weight = Parameter(C.empty(0, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(C.empty(0, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)

    def forward(self, input: Tensor) -> Tensor:
        if self.in_features == 0:
            bias, device, dtype = self._lazy
            self.in_features = input.shape[-1]
            w = C.empty((self.out_features, self.in_features), device=device, dtype=dtype)
            self.weight._set_value(w._data)
            if bias:
                self.bias._set_value(C.empty(self.out_features, device=device,
                                             dtype=dtype)._data)
            self.reset_parameters()
        return FL.linear(input, self.weight, self.bias)
