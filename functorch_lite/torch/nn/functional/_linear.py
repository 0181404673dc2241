"""``F.linear`` and friends: one recorded op each."""
from __future__ import annotations

from typing import Any

from .... import lax
from ... import _autograd as AG
from ..._tensor import Tensor

__all__ = ["linear", "identity"]


def _linear_no_bias(x: Any, w: Any) -> Any:
    # x @ w.T as one dot_general contracting x's last axis with w's axis 1 (no transpose op)
    return lax.dot_general(x, w, (((x.ndim - 1,), (1,)), ((), ())))


def _linear_bias(x: Any, w: Any, b: Any) -> Any:
    return lax.dot_general(x, w, (((x.ndim - 1,), (1,)), ((), ()))) + b


def _shape_str(shape: tuple) -> str:
    return "x".join(str(s) for s in shape)


def check_linear(input: Any, weight: Any, bias: Any = None) -> None:
    """torch's errors for ``linear``, raised before the core sees the operands."""
    if not isinstance(input, Tensor) or not isinstance(weight, Tensor):
        bad = "input" if not isinstance(input, Tensor) else "weight"
        raise TypeError(f"linear(): argument '{bad}' must be Tensor, not "
                        f"{type(input if bad == 'input' else weight).__name__}")
    x_shape, w_shape = input._data.shape, weight._data.shape
    if len(w_shape) != 2 or not x_shape or x_shape[-1] != w_shape[-1]:
        rows = 1 if len(x_shape) < 2 else int(_prod(x_shape[:-1]))
        mat1 = f"{rows}x{x_shape[-1] if x_shape else 1}"
        mat2 = _shape_str(tuple(reversed(w_shape))) if len(w_shape) == 2 else _shape_str(w_shape)
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({mat1} and {mat2}). Hint: the layer "
            f"expects in_features={w_shape[-1] if w_shape else '?'} features in the last "
            f"dimension but got an input of shape {list(x_shape)}; flatten the input "
            "(x.view(x.size(0), -1) or nn.Flatten()) or change in_features to match"
        )
    if input._data.dtype != weight._data.dtype or (
            bias is not None and bias._data.dtype != weight._data.dtype):
        raise RuntimeError(
            f"mat1 and mat2 must have the same dtype, but got {input.dtype} and "
            f"{weight.dtype}; convert the input (x.float()) or the model (model.double())"
        )


def _prod(xs: tuple) -> int:
    out = 1
    for s in xs:
        out *= s
    return out


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias``: a fully connected layer, one recorded op.

    Example:
        >>> F.linear(torch.ones(2, 3), torch.ones(4, 3)).shape
        torch.Size([2, 4])
    """
    check_linear(input, weight, bias)
    if bias is None:
        return AG.apply(_linear_no_bias, "MmBackward0", (input, weight))
    return AG.apply(_linear_bias, "AddmmBackward0", (input, weight, bias))


def identity(input: Tensor) -> Tensor:
    """The input, unchanged.

    Example:
        >>> F.identity(torch.ones(1))
        tensor([1.])
    """
    return input
