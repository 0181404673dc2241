"""``torch.optim.SGD``: stochastic gradient descent with momentum, dampening, Nesterov momentum,
weight decay and maximize, with torch's update (``docs/facade_optim.md``)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..._src.array import Array
from .._tensor import Tensor
from . import _inplace
from .optimizer import Optimizer, _as_float, _check_lr, _check_unsupported

__all__ = ["SGD"]


def _sgd_leaf(param: Any, grad: Any, buf: Any, *, lr: float, momentum: float,
              dampening: float, weight_decay: float, nesterov: bool, maximize: bool
              ) -> tuple[Any, Any]:
    """One SGD update of one parameter, as a pure function of core values.

    Returns ``(new_param, new_momentum_buffer)``; ``buf`` is None before the first step with
    momentum (the buffer then starts as the gradient, as in torch) and stays None without
    momentum.

    Example:
        >>> _sgd_leaf(p, g, None, lr=0.1, momentum=0.9, dampening=0, weight_decay=0,
        ...           nesterov=False, maximize=False)
    """
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = grad + weight_decay * param
    if momentum != 0:
        if buf is None:
            buf = grad
        elif dampening != 0:
            buf = buf * momentum + (1 - dampening) * grad
        else:
            buf = buf * momentum + grad
        grad = grad + momentum * buf if nesterov else buf
    return param - lr * grad, buf


def _sgd_numpy(param: np.ndarray, grad: np.ndarray, buf: np.ndarray | None, s: np.ndarray,
               g2: np.ndarray, *, lr: float, momentum: float, dampening: float,
               weight_decay: float, nesterov: bool, maximize: bool) -> np.ndarray:
    """:func:`_sgd_leaf` on numpy buffers, with the same operations in the same order: ``buf``
    (the momentum buffer after its first step; None without momentum or on the first step,
    where the caller copies the gradient in afterwards) is updated in place, ``s`` and ``g2``
    are scratch. Returns the new parameter (the one array it allocates).

    Example:
        >>> new_p = _sgd_numpy(p, g, b, s, g2, lr=0.1, momentum=0.9, dampening=0,
        ...                    weight_decay=0, nesterov=False, maximize=False)
    """
    if maximize:
        grad = np.negative(grad, out=g2)
    if weight_decay != 0:
        np.multiply(param, weight_decay, out=s)
        grad = np.add(grad, s, out=g2)
    if buf is not None:
        buf *= momentum
        if dampening != 0:
            np.multiply(grad, 1 - dampening, out=s)
            buf += s
        else:
            buf += grad
        if nesterov:
            np.multiply(buf, momentum, out=s)
            grad = np.add(grad, s, out=s)
        else:
            grad = buf
    out = np.empty_like(param)
    np.multiply(grad, lr, out=out)
    np.subtract(param, out, out=out)
    return out


class SGD(Optimizer):
    """Stochastic gradient descent (optionally with momentum), as ``torch.optim.SGD``.

    With ``g`` the gradient (negated when ``maximize``), each step does
    ``g += weight_decay * p``; with momentum, ``b = g`` on the first step and
    ``b = momentum * b + (1 - dampening) * g`` after, then ``g = g + momentum * b`` (Nesterov)
    or ``g = b``; finally ``p -= lr * g``.

    Args:
        params: tensors or parameter groups to optimize.
        lr: learning rate (default 1e-3).
        momentum: momentum factor (default 0).
        dampening: dampening for momentum (default 0).
        weight_decay: L2 penalty (default 0).
        nesterov: Nesterov momentum (needs momentum > 0 and dampening 0).
        maximize: maximize the objective instead of minimizing.
        foreach, fused: accepted for compatibility; the update is always per leaf.
        differentiable: only False is supported.

    Example:
        >>> opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        >>> opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()
    """

    _GROUP_DEFAULTS = {"nesterov": False, "maximize": False, "foreach": None,
                       "differentiable": False, "fused": None}

    def __init__(self, params: Any, lr: float | Tensor = 1e-3, momentum: float = 0,
                 dampening: float = 0, weight_decay: float | Tensor = 0, nesterov: bool = False,
                 *, maximize: bool = False, foreach: bool | None = None,
                 differentiable: bool = False, fused: bool | None = None):
        _check_lr(lr)
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if _as_float(weight_decay) < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        _check_unsupported(differentiable)
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening,
                    "weight_decay": weight_decay, "nesterov": nesterov, "maximize": maximize,
                    "foreach": foreach, "differentiable": differentiable, "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def step(self, closure: Any = None) -> Any:
        """Perform one SGD step; returns ``closure()``'s loss when a closure is given.

        Example:
            >>> opt.step()
        """
        loss = self._eval_closure(closure)
        state = self.state
        for group in self.param_groups:
            lr = _as_float(group["lr"])
            momentum = group["momentum"]
            dampening = group["dampening"]
            weight_decay = _as_float(group["weight_decay"])
            nesterov = group["nesterov"]
            maximize = group["maximize"]
            for p, g in self._params_with_grad(group):
                if _inplace.eager_numpy(p._data, g._data):
                    self._step_numpy(p, g, lr=lr, momentum=momentum, dampening=dampening,
                                     weight_decay=weight_decay, nesterov=nesterov,
                                     maximize=maximize)
                    continue
                if momentum != 0:
                    st = state[p]
                    buf_t = st.get("momentum_buffer")
                    buf = None if buf_t is None else buf_t._data
                else:
                    buf = None
                new_p, new_buf = _sgd_leaf(
                    p._data, g._data, buf, lr=lr, momentum=momentum, dampening=dampening,
                    weight_decay=weight_decay, nesterov=nesterov, maximize=maximize)
                p._set_value(new_p)
                if momentum != 0:
                    if buf_t is None:
                        st["momentum_buffer"] = Tensor._from_value(new_buf)
                    else:
                        buf_t._set_value(new_buf)
        return loss

    def _step_numpy(self, p: Tensor, g: Tensor, *, lr: float, momentum: float,
                    dampening: float, weight_decay: float, nesterov: bool,
                    maximize: bool) -> None:
        """One parameter's step on the eager numpy path (the momentum buffer in place)."""
        p_np, g_np = p._data._value, g._data._value
        s, g2 = _inplace.scratch(self, p_np), _inplace.scratch(self, p_np, 1)
        if momentum == 0:
            p._set_value(Array(_sgd_numpy(p_np, g_np, None, s, g2, lr=lr, momentum=0,
                                          dampening=dampening, weight_decay=weight_decay,
                                          nesterov=False, maximize=maximize)))
            return
        st = self.state[p]
        buf_t = st.get("momentum_buffer")
        if buf_t is None:
            # First step: the buffer starts as the (decayed, negated) gradient. That is
            # torch's update with momentum applied to a zero buffer, so compute the gradient
            # into a fresh buffer first.
            if maximize:
                grad = np.negative(g_np, out=g2)
            else:
                grad = g_np
            if weight_decay != 0:
                np.multiply(p_np, weight_decay, out=s)
                grad = np.add(grad, s, out=g2)
            buf = np.array(grad, copy=True)
            if nesterov:
                np.multiply(buf, momentum, out=s)
                grad = np.add(grad, s, out=s)
            else:
                grad = buf
            out = np.empty_like(p_np)
            np.multiply(grad, lr, out=out)
            np.subtract(p_np, out, out=out)
            p._set_value(Array(out))
            st["momentum_buffer"] = Tensor._from_value(Array(buf))
            return
        buf, owned = _inplace.private_buffer(buf_t, p_np)
        p._set_value(Array(_sgd_numpy(p_np, g_np, buf, s, g2, lr=lr, momentum=momentum,
                                      dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, maximize=maximize)))
        _inplace.commit(buf_t, buf, owned)
