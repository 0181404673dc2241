"""``torch.optim.Adagrad`` with torch's update formulas (``docs/facade_optim.md``)."""
from __future__ import annotations

from typing import Any

from ... import numpy as jnp
from .._tensor import Tensor
from .optimizer import (
    Optimizer,
    _advance,
    _as_float,
    _check_lr,
    _check_unsupported,
    _new_step,
    _no_complex,
)

__all__ = ["Adagrad"]


def _adagrad_leaf(param: Any, grad: Any, state_sum: Any, *, step: float, lr: float,
                  lr_decay: float, weight_decay: float, eps: float, maximize: bool
                  ) -> tuple[Any, Any]:
    """One Adagrad update of one parameter, as a pure function of core values.

    ``step`` is the step count after this update. Returns ``(param, sum)``.

    Example:
        >>> _adagrad_leaf(p, g, s, step=1.0, lr=0.01, lr_decay=0, weight_decay=0, eps=1e-10,
        ...               maximize=False)
    """
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = grad + weight_decay * param
    clr = lr / (1 + (step - 1) * lr_decay)
    state_sum = state_sum + grad * grad
    std = jnp.sqrt(state_sum) + eps
    return param + ((-clr) * grad) / std, state_sum


class Adagrad(Optimizer):
    """Adagrad (Duchi et al.), as ``torch.optim.Adagrad``.

    With ``g`` the gradient (negated when ``maximize``) and ``t`` the step: ``g += wd * p``;
    ``clr = lr / (1 + (t - 1) * lr_decay)``; ``s += g * g``; ``p -= clr * g / (sqrt(s) + eps)``.
    The state (``step`` 0 and ``sum`` filled with ``initial_accumulator_value``) is made when
    the optimizer is built, as in torch (for a group added later: at its first step).

    Args:
        params: tensors or parameter groups to optimize.
        lr: learning rate (default 1e-2).
        lr_decay: learning-rate decay (default 0).
        weight_decay: L2 penalty (default 0).
        initial_accumulator_value: the starting value of the sums of squares (default 0).
        eps: added to the denominator (default 1e-10).
        maximize: maximize the objective instead of minimizing.
        foreach, fused: accepted for compatibility.
        differentiable: only False is supported.

    Example:
        >>> opt = torch.optim.Adagrad(model.parameters(), lr=0.01)
    """

    _GROUP_DEFAULTS = {"foreach": None, "maximize": False, "differentiable": False, "fused": None}

    def __init__(self, params: Any, lr: float | Tensor = 1e-2, lr_decay: float = 0,
                 weight_decay: float = 0, initial_accumulator_value: float = 0,
                 eps: float = 1e-10, foreach: bool | None = None, *, maximize: bool = False,
                 differentiable: bool = False, fused: bool | None = None):
        _check_lr(lr)
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(
                f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        _check_unsupported(differentiable)
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value,
                    "foreach": foreach, "maximize": maximize, "differentiable": differentiable,
                    "fused": fused}
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, group)

    def _init_state(self, p: Tensor, group: dict) -> None:
        _no_complex("Adagrad", p)
        st = self.state[p]
        st["step"] = _new_step()
        st["sum"] = Tensor._from_value(
            jnp.full_like(p._data, group["initial_accumulator_value"]))

    def step(self, closure: Any = None) -> Any:
        """Perform one Adagrad step; returns ``closure()``'s loss when a closure is given.

        Example:
            >>> opt.step()
        """
        loss = self._eval_closure(closure)
        state = self.state
        for group in self.param_groups:
            lr = _as_float(group["lr"])
            lr_decay, weight_decay = group["lr_decay"], group["weight_decay"]
            eps, maximize = group["eps"], group["maximize"]
            for p, g in self._params_with_grad(group):
                st = state[p]
                if "sum" not in st:
                    self._init_state(p, group)
                sum_t = st["sum"]
                step = _advance(st)
                new_p, new_sum = _adagrad_leaf(
                    p._data, g._data, sum_t._data, step=step, lr=lr, lr_decay=lr_decay,
                    weight_decay=weight_decay, eps=eps, maximize=maximize)
                p._set_value(new_p)
                sum_t._set_value(new_sum)
        return loss
