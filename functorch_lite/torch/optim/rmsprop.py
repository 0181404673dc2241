"""``torch.optim.RMSprop`` with torch's update formulas (``docs/facade_optim.md``)."""
from __future__ import annotations

from typing import Any

from ... import numpy as jnp
from .._tensor import Tensor
from .adam import _lerp
from .optimizer import (
    Optimizer,
    _advance,
    _as_float,
    _check_lr,
    _check_unsupported,
    _new_step,
    _no_complex,
    _zeros_like,
)

__all__ = ["RMSprop"]


def _rmsprop_leaf(param: Any, grad: Any, square_avg: Any, grad_avg: Any, buf: Any, *,
                  lr: float, alpha: float, eps: float, weight_decay: float, momentum: float,
                  centered: bool, maximize: bool) -> tuple[Any, Any, Any, Any]:
    """One RMSprop update of one parameter, as a pure function of core values.

    Returns ``(param, square_avg, grad_avg, momentum_buffer)``; ``grad_avg`` is None unless
    ``centered`` and the buffer None unless ``momentum > 0``.

    Example:
        >>> _rmsprop_leaf(p, g, sq, None, None, lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0,
        ...               momentum=0, centered=False, maximize=False)
    """
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = grad + weight_decay * param
    square_avg = square_avg * alpha + ((1 - alpha) * grad) * grad
    if centered:
        grad_avg = _lerp(grad_avg, grad, 1 - alpha)
        avg = jnp.sqrt(square_avg - grad_avg * grad_avg) + eps
    else:
        avg = jnp.sqrt(square_avg) + eps
    if momentum > 0:
        buf = buf * momentum + grad / avg
        return param - lr * buf, square_avg, grad_avg, buf
    return param + ((-lr) * grad) / avg, square_avg, grad_avg, buf


class RMSprop(Optimizer):
    """RMSprop (Hinton), as ``torch.optim.RMSprop``.

    With ``g`` the gradient (negated when ``maximize``): ``g += wd * p``;
    ``v = alpha * v + (1 - alpha) * g * g``; ``centered`` subtracts the square of the running
    mean of ``g`` (``gavg = lerp(gavg, g, 1 - alpha)``) from ``v``; ``a = sqrt(v) + eps``; with
    momentum ``b = momentum * b + g / a`` and ``p -= lr * b``, else ``p -= lr * g / a``.

    Args:
        params: tensors or parameter groups to optimize.
        lr: learning rate (default 1e-2).
        alpha: smoothing constant (default 0.99).
        eps: added to the denominator (default 1e-8).
        weight_decay: L2 penalty (default 0).
        momentum: momentum factor (default 0).
        centered: normalize by an estimate of the gradient's variance.
        maximize: maximize the objective instead of minimizing.
        capturable, foreach: accepted for compatibility.
        differentiable: only False is supported.

    Example:
        >>> opt = torch.optim.RMSprop(model.parameters(), lr=0.01)
    """

    _GROUP_DEFAULTS = {"momentum": 0, "centered": False, "foreach": None, "maximize": False,
                       "differentiable": False, "capturable": False}

    def __init__(self, params: Any, lr: float | Tensor = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0, momentum: float = 0,
                 centered: bool = False, capturable: bool = False, foreach: bool | None = None,
                 maximize: bool = False, differentiable: bool = False):
        _check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        _check_unsupported(differentiable)
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps,
                    "centered": centered, "weight_decay": weight_decay,
                    "capturable": capturable, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def step(self, closure: Any = None) -> Any:
        """Perform one RMSprop step; returns ``closure()``'s loss when a closure is given.

        Example:
            >>> opt.step()
        """
        loss = self._eval_closure(closure)
        state = self.state
        for group in self.param_groups:
            lr = _as_float(group["lr"])
            alpha, eps = group["alpha"], group["eps"]
            weight_decay, momentum = group["weight_decay"], group["momentum"]
            centered, maximize = group["centered"], group["maximize"]
            for p, g in self._params_with_grad(group):
                st = state[p]
                if len(st) == 0:
                    _no_complex("RMSprop", p)
                    st["step"] = _new_step()
                    st["square_avg"] = _zeros_like(p)
                    if momentum > 0:
                        st["momentum_buffer"] = _zeros_like(p)
                    if centered:
                        st["grad_avg"] = _zeros_like(p)
                sq_t = st["square_avg"]
                gavg_t = st.get("grad_avg") if centered else None
                buf_t = st.get("momentum_buffer") if momentum > 0 else None
                _advance(st)
                new_p, sq, gavg, buf = _rmsprop_leaf(
                    p._data, g._data, sq_t._data, None if gavg_t is None else gavg_t._data,
                    None if buf_t is None else buf_t._data, lr=lr, alpha=alpha, eps=eps,
                    weight_decay=weight_decay, momentum=momentum, centered=centered,
                    maximize=maximize)
                p._set_value(new_p)
                sq_t._set_value(sq)
                if gavg_t is not None:
                    gavg_t._set_value(gavg)
                if buf_t is not None:
                    buf_t._set_value(buf)
        return loss
