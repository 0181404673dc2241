"""Gradient clipping: ``clip_grad_norm_`` and ``clip_grad_value_`` (in place, as torch)."""
from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from typing import Any

from .... import numpy as jnp
from ... import _autograd as AG
from ..._tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_"]


def _grads(parameters: Any) -> list[Tensor]:
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def clip_grad_norm_(parameters: Iterable[Tensor] | Tensor, max_norm: float,
                    norm_type: float = 2.0, error_if_nonfinite: bool = False,
                    foreach: bool | None = None) -> Tensor:
    """Scale the gradients in place so that their total ``norm_type`` norm (over all of them,
    as if concatenated) is at most ``max_norm``: factor ``min(1, max_norm / (total + 1e-6))``.
    Returns the total norm (before clipping).

    Example:
        >>> w = torch.nn.Parameter(torch.ones(4)); w.grad = torch.full((4,), 3.0)
        >>> torch.nn.utils.clip_grad_norm_([w], 1.0)
        tensor(6.)
        >>> round(float(w.grad.norm()), 4)
        1.0
    """
    from ... import _creation as C

    grads = _grads(parameters)
    max_norm = float(max_norm)
    norm_type = float(norm_type)
    if not grads:
        return C.tensor(0.0)
    with AG.no_grad():
        values = [g._data for g in grads]
        if norm_type == math.inf:
            norms = [jnp.max(jnp.abs(v)) for v in values]
            total = jnp.max(jnp.stack([n.astype(values[0].dtype) for n in norms]))
        else:
            norms = [jnp.sum(jnp.abs(v) ** norm_type) for v in values]
            total = jnp.sum(jnp.stack([n.astype(values[0].dtype) for n in norms])) ** (
                1.0 / norm_type)
        total_t = Tensor._from_value(total)
        if error_if_nonfinite and not bool(jnp.isfinite(total)):
            raise RuntimeError(
                f"The total norm of order {norm_type} for gradients from `parameters` is "
                "non-finite, so it cannot be clipped. To disable this error and scale the "
                "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`")
        coef = jnp.minimum(max_norm / (total + 1e-6), 1.0)
        for g in grads:
            g._set_value((g._data * coef).astype(g._data.dtype))
    return total_t


def clip_grad_norm(parameters: Any, max_norm: float, norm_type: float = 2.0,
                   error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """Deprecated alias of ``clip_grad_norm_``.

    Example:
        >>> w = torch.nn.Parameter(torch.ones(1)); w.grad = torch.ones(1)
        >>> import warnings; warnings.simplefilter("ignore")
        >>> torch.nn.utils.clip_grad_norm([w], 1.0)
        tensor(1.)
    """
    warnings.warn("torch.nn.utils.clip_grad_norm is now deprecated in favor of "
                  "torch.nn.utils.clip_grad_norm_.", FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters: Iterable[Tensor] | Tensor, clip_value: float,
                     foreach: bool | None = None) -> None:
    """Clamp every gradient to ``[-clip_value, clip_value]`` in place.

    Example:
        >>> w = torch.nn.Parameter(torch.ones(2)); w.grad = torch.tensor([-3.0, 0.5])
        >>> torch.nn.utils.clip_grad_value_([w], 1.0); w.grad
        tensor([-1.0000,  0.5000])
    """
    clip_value = float(clip_value)
    with AG.no_grad():
        for g in _grads(parameters):
            g._set_value(jnp.clip(g._data, -clip_value, clip_value))
