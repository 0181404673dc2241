"""``torch.optim.Adam`` (and the update AdamW shares), with torch's update formulas
(``docs/facade_optim.md``)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ... import numpy as jnp
from ..._src.array import Array
from .._tensor import Tensor
from . import _inplace
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

__all__ = ["Adam"]


def _lerp(start: Any, end: Any, weight: float) -> Any:
    """``torch.lerp(start, end, weight)`` with torch's two-branch formula (exact at both ends)."""
    if abs(weight) < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1 - weight)


def _adam_leaf(param: Any, grad: Any, exp_avg: Any, exp_avg_sq: Any, max_exp_avg_sq: Any, *,
               step: float, lr: float, beta1: float, beta2: float, eps: float,
               weight_decay: float, amsgrad: bool, maximize: bool,
               decoupled_weight_decay: bool) -> tuple[Any, Any, Any, Any]:
    """One Adam/AdamW update of one parameter, as a pure function of core values.

    ``step`` is the step count after this update (1 on the first step). Returns
    ``(param, exp_avg, exp_avg_sq, max_exp_avg_sq)``; ``max_exp_avg_sq`` is None unless
    ``amsgrad``.

    Example:
        >>> _adam_leaf(p, g, m, v, None, step=1.0, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
        ...            weight_decay=0, amsgrad=False, maximize=False,
        ...            decoupled_weight_decay=False)
    """
    if maximize:
        grad = -grad
    if weight_decay != 0:
        if decoupled_weight_decay:
            param = param * (1 - lr * weight_decay)
        else:
            grad = grad + weight_decay * param
    exp_avg = _lerp(exp_avg, grad, 1 - beta1)
    exp_avg_sq = exp_avg_sq * beta2 + ((1 - beta2) * grad) * grad
    # The bias corrections are Python floats (torch's non-capturable path), or float32 arrays
    # when the step count is traced (a compiled training step: torch's capturable path).
    bias_correction1 = 1 - beta1 ** step
    if isinstance(step, float):
        bias_correction2_sqrt = math.sqrt(1 - beta2 ** step)
    else:
        bias_correction2_sqrt = jnp.sqrt(1 - beta2 ** step)
    step_size = lr / bias_correction1
    if amsgrad:
        max_exp_avg_sq = jnp.maximum(max_exp_avg_sq, exp_avg_sq)
        denom = jnp.sqrt(max_exp_avg_sq) / bias_correction2_sqrt + eps
    else:
        denom = jnp.sqrt(exp_avg_sq) / bias_correction2_sqrt + eps
    # torch's addcdiv_: param + (value * exp_avg) / denom
    return param + ((-step_size) * exp_avg) / denom, exp_avg, exp_avg_sq, max_exp_avg_sq


def _adam_numpy(param: np.ndarray, grad: np.ndarray, exp_avg: np.ndarray,
                exp_avg_sq: np.ndarray, max_exp_avg_sq: np.ndarray | None, s: np.ndarray,
                g2: np.ndarray, *, step: float, lr: float, beta1: float, beta2: float,
                eps: float, weight_decay: float, amsgrad: bool, maximize: bool,
                decoupled_weight_decay: bool) -> np.ndarray:
    """:func:`_adam_leaf` on numpy buffers, with the same operations in the same order (so the
    same roundings): ``exp_avg``, ``exp_avg_sq`` and ``max_exp_avg_sq`` are updated in place,
    ``s`` and ``g2`` are scratch, ``param`` and ``grad`` are only read. Returns the new
    parameter (the one array it allocates).

    Example:
        >>> new_p = _adam_numpy(p, g, m, v, None, s, g2, step=1.0, lr=1e-3, beta1=0.9,
        ...                     beta2=0.999, eps=1e-8, weight_decay=0, amsgrad=False,
        ...                     maximize=False, decoupled_weight_decay=False)
    """
    if maximize:
        grad = np.negative(grad, out=g2)
    decay = weight_decay != 0
    if decay and not decoupled_weight_decay:
        np.multiply(param, weight_decay, out=s)
        grad = np.add(grad, s, out=g2)
    # exp_avg = lerp(exp_avg, grad, 1 - beta1), torch's two branches
    weight = 1 - beta1
    np.subtract(grad, exp_avg, out=s)
    if abs(weight) < 0.5:
        s *= weight
        exp_avg += s
    else:
        s *= 1 - weight
        np.subtract(grad, s, out=exp_avg)
    exp_avg_sq *= beta2
    np.multiply(grad, 1 - beta2, out=s)
    s *= grad
    exp_avg_sq += s
    bias_correction1 = 1 - beta1 ** step
    bias_correction2_sqrt = math.sqrt(1 - beta2 ** step)
    step_size = lr / bias_correction1
    if amsgrad:
        np.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
        np.sqrt(max_exp_avg_sq, out=s)
    else:
        np.sqrt(exp_avg_sq, out=s)
    s /= bias_correction2_sqrt
    s += eps
    out = np.empty_like(param)
    np.multiply(exp_avg, -step_size, out=out)
    out /= s
    if decay and decoupled_weight_decay:
        param = np.multiply(param, 1 - lr * weight_decay, out=s)
    out += param
    return out


class Adam(Optimizer):
    """Adam (Kingma & Ba), as ``torch.optim.Adam``.

    With ``g`` the gradient (negated when ``maximize``) and ``t`` the step: ``g += wd * p``
    (or, with ``decoupled_weight_decay``, ``p *= 1 - lr * wd``); ``m = lerp(m, g, 1 - beta1)``;
    ``v = beta2 * v + (1 - beta2) * g * g``; with ``amsgrad`` ``vmax = max(vmax, v)`` is used for
    ``v``; ``p -= lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)``.

    Args:
        params: tensors or parameter groups to optimize.
        lr: learning rate (default 1e-3).
        betas: coefficients of the running averages of the gradient and its square
            (default (0.9, 0.999)).
        eps: added to the denominator (default 1e-8).
        weight_decay: L2 penalty (default 0).
        amsgrad: use the AMSGrad variant.
        maximize: maximize the objective instead of minimizing.
        decoupled_weight_decay: AdamW's weight decay.
        foreach, capturable, fused: accepted for compatibility; the update is always per leaf.
        differentiable: only False is supported.

    Example:
        >>> opt = torch.optim.Adam(model.parameters(), lr=0.001)
        >>> opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()
    """

    _GROUP_DEFAULTS = {"amsgrad": False, "maximize": False, "foreach": None, "capturable": False,
                       "differentiable": False, "fused": None, "decoupled_weight_decay": False}

    def __init__(self, params: Any, lr: float | Tensor = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None,
                 decoupled_weight_decay: bool = False):
        _check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= _as_float(betas[0]) < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= _as_float(betas[1]) < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if isinstance(betas[0], Tensor) != isinstance(betas[1], Tensor):
            raise ValueError("betas must be either both floats or both Tensors")
        _check_unsupported(differentiable)
        betas = (_as_float(betas[0]), _as_float(betas[1]))
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "amsgrad": amsgrad, "maximize": maximize, "foreach": foreach,
                    "capturable": capturable, "differentiable": differentiable, "fused": fused,
                    "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)

    def step(self, closure: Any = None) -> Any:
        """Perform one Adam step; returns ``closure()``'s loss when a closure is given.

        Example:
            >>> opt.step()
        """
        loss = self._eval_closure(closure)
        state = self.state
        name = type(self).__name__
        for group in self.param_groups:
            lr = _as_float(group["lr"])
            beta1, beta2 = (_as_float(b) for b in group["betas"])
            eps = group["eps"]
            weight_decay = _as_float(group["weight_decay"])
            amsgrad = group["amsgrad"]
            maximize = group["maximize"]
            decoupled = group["decoupled_weight_decay"]
            for p, g in self._params_with_grad(group):
                st = state[p]
                if len(st) == 0:
                    _no_complex(name, p)
                    st["step"] = _new_step()
                    st["exp_avg"] = _zeros_like(p)
                    st["exp_avg_sq"] = _zeros_like(p)
                    if amsgrad:
                        st["max_exp_avg_sq"] = _zeros_like(p)
                m_t, v_t = st["exp_avg"], st["exp_avg_sq"]
                vmax_t = st.get("max_exp_avg_sq") if amsgrad else None
                if amsgrad and vmax_t is None:  # amsgrad switched on after some steps
                    vmax_t = st["max_exp_avg_sq"] = _zeros_like(p)
                step = _advance(st)
                if _inplace.eager_numpy(p._data, g._data):
                    p_np = p._data._value
                    m, m_own = _inplace.private_buffer(m_t, p_np)
                    v, v_own = _inplace.private_buffer(v_t, p_np)
                    if vmax_t is not None:
                        vmax, vmax_own = _inplace.private_buffer(vmax_t, p_np)
                    else:
                        vmax = None
                    new_p = _adam_numpy(
                        p_np, g._data._value, m, v, vmax, _inplace.scratch(self, p_np),
                        _inplace.scratch(self, p_np, 1), step=step, lr=lr, beta1=beta1,
                        beta2=beta2, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, decoupled_weight_decay=decoupled)
                    p._set_value(Array(new_p))
                    _inplace.commit(m_t, m, m_own)
                    _inplace.commit(v_t, v, v_own)
                    if vmax_t is not None:
                        _inplace.commit(vmax_t, vmax, vmax_own)
                    continue
                new_p, m, v, vmax = _adam_leaf(
                    p._data, g._data, m_t._data, v_t._data,
                    None if vmax_t is None else vmax_t._data, step=step, lr=lr, beta1=beta1,
                    beta2=beta2, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                    maximize=maximize, decoupled_weight_decay=decoupled)
                p._set_value(new_p)
                m_t._set_value(m)
                v_t._set_value(v)
                if vmax_t is not None:
                    vmax_t._set_value(vmax)
        return loss
