"""``torch.autograd``: backward, grad, Function and the grad-mode switches.

Example:
    >>> import functorch_lite.torch as torch
    >>> x = torch.tensor([3.0], requires_grad=True)
    >>> torch.autograd.grad((x ** 2).sum(), x)
    (tensor([6.]),)
"""
from __future__ import annotations

from typing import Any

from .._autograd import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from .._engine import backward, grad
from .function import Function, FunctionCtx, once_differentiable


def Variable(data: Any, requires_grad: bool = False, volatile: bool = False) -> Any:  # noqa: N802
    """Legacy ``torch.autograd.Variable``: the tensor itself (Variables and Tensors merged in
    torch 0.4); ``requires_grad=True`` makes it require grad.

    Example:
        >>> Variable(torch.ones(1), requires_grad=True).requires_grad
        True
    """
    from .._creation import as_tensor

    t = as_tensor(data)
    if requires_grad:
        t.requires_grad_(True)
    return t


def set_detect_anomaly(mode: bool, check_nan: bool = True) -> None:
    """Accepted for compatibility; functorch_lite's errors already name the failing op.

    Example:
        >>> torch.autograd.set_detect_anomaly(False)
    """


class detect_anomaly:
    """Accepted for compatibility (a no-op context manager).

    Example:
        >>> with torch.autograd.detect_anomaly():
        ...     pass
    """

    def __init__(self, check_nan: bool = True):
        pass  # anomaly detection is accepted and does nothing (documented above)

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None


__all__ = ["Function", "FunctionCtx", "Variable", "backward", "detect_anomaly", "enable_grad",
           "grad", "inference_mode", "is_grad_enabled", "no_grad", "once_differentiable",
           "set_detect_anomaly", "set_grad_enabled"]
