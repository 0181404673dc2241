"""``parameters_to_vector`` / ``vector_to_parameters``."""
from __future__ import annotations

from collections.abc import Iterable

from ... import _autograd as AG
from ..._tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """All parameters flattened and concatenated into one 1-d tensor (differentiable).

    Example:
        >>> torch.nn.utils.parameters_to_vector(torch.nn.Linear(2, 3).parameters()).shape
        torch.Size([9])
    """
    from ... import _select_ops as S

    return S.cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of the 1-d ``vec`` into the parameters (their ``.data``).

    Example:
        >>> lin = torch.nn.Linear(2, 1)
        >>> torch.nn.utils.vector_to_parameters(torch.zeros(3), lin.parameters())
        >>> lin.bias
        Parameter containing:
        tensor([0.], requires_grad=True)
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    offset = 0
    with AG.no_grad():
        for p in parameters:
            n = p.numel()
            p._set_value(vec[offset:offset + n].view_as(p).detach()._data.astype(
                p._data.dtype))
            offset += n
