"""Loss functions with torch's reductions, weights and target conventions; each is one
recorded op over the core (``cross_entropy`` on the core's fused ``log_softmax``)."""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .... import nn as fnn
from .... import numpy as jnp
from ...._src.array import Array
from ... import _autograd as AG
from ..._device import move
from ..._tensor import Tensor

__all__ = [
    "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "cross_entropy", "nll_loss",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div",
    "soft_margin_loss", "cosine_embedding_loss", "margin_ranking_loss", "hinge_embedding_loss",
]


def legacy_reduction(size_average: Any, reduce: Any, reduction: str) -> str:
    """torch's mapping of the deprecated ``size_average``/``reduce`` flags."""
    if size_average is None and reduce is None:
        return reduction
    warnings.warn("size_average and reduce args will be deprecated, please use "
                  "reduction='mean' or reduction='sum' instead.", stacklevel=3)
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if size_average and reduce:
        return "mean"
    return "sum" if reduce else "none"


def _reduce(loss: Any, reduction: str) -> Any:
    if reduction == "mean":
        return jnp.mean(loss)
    if reduction == "sum":
        return jnp.sum(loss)
    return loss


def _check_reduction(reduction: str) -> None:
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction; use 'mean', 'sum' "
                         "or 'none'")


def _pair(input: Any, target: Any, fname: str) -> tuple[Tensor, Tensor]:
    """Both operands as tensors of the input's float dtype, with torch's size warning."""
    from ... import _ops as O

    if not isinstance(input, Tensor):
        raise TypeError(f"{fname}(): argument 'input' must be Tensor, not "
                        f"{type(input).__name__}")
    if not isinstance(target, Tensor):
        raise TypeError(f"{fname}(): argument 'target' must be Tensor, not "
                        f"{type(target).__name__}")
    if tuple(input.shape) != tuple(target.shape):
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.", stacklevel=3)
    return O.promote(input, target)


def _elementwise(input: Any, target: Any, fn: Any, reduction: str, name: str,
                 fname: str) -> Tensor:
    _check_reduction(reduction)
    input, target = _pair(input, target, fname)
    return AG.apply(lambda x, t: _reduce(fn(x, t), reduction), name, (input, target))


def mse_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
             reduction: str = "mean", weight: Any = None) -> Tensor:
    """Mean squared error ``(x - y)^2``, reduced.

    Example:
        >>> F.mse_loss(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 4.0]))
        tensor(2.)
    """
    reduction = legacy_reduction(size_average, reduce, reduction)

    def sq(x: Any, t: Any) -> Any:
        d = x - t
        return d * d

    return _elementwise(input, target, sq, reduction, "MseLossBackward0", "mse_loss")


def l1_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
            reduction: str = "mean") -> Tensor:
    """Mean absolute error ``|x - y|``, reduced.

    Example:
        >>> F.l1_loss(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 4.0]))
        tensor(1.)
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    return _elementwise(input, target, lambda x, t: jnp.abs(x - t), reduction,
                        "L1LossBackward0" if reduction == "none" else "MeanBackward0",
                        "l1_loss")


def smooth_l1_loss(input: Tensor, target: Tensor, size_average: Any = None,
                   reduce: Any = None, reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """``0.5 d^2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta`` (``d = x - y``);
    ``beta = 0`` is the L1 loss.

    Example:
        >>> F.smooth_l1_loss(torch.tensor([0.0, 3.0]), torch.tensor([0.5, 0.0]))
        tensor(1.3125)
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")

    def fn(x: Any, t: Any) -> Any:
        d = jnp.abs(x - t)
        if beta == 0:
            return d
        return jnp.where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta)

    return _elementwise(input, target, fn, reduction, "SmoothL1LossBackward0",
                        "smooth_l1_loss")


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Any = None) -> Tensor:
    """``0.5 d^2`` where ``|d| <= delta``, else ``delta (|d| - 0.5 delta)``.

    Example:
        >>> F.huber_loss(torch.tensor([0.0, 3.0]), torch.tensor([0.5, 0.0]))
        tensor(1.3125)
    """
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")

    def fn(x: Any, t: Any) -> Any:
        d = jnp.abs(x - t)
        return jnp.where(d <= delta, 0.5 * d * d, delta * (d - 0.5 * delta))

    return _elementwise(input, target, fn, reduction, "HuberLossBackward0", "huber_loss")


# ---- cross entropy / nll ----------------------------------------------------------------------

def _class_coefficients(target: np.ndarray, n_classes: int, class_dim: int, weight: Any,
                        ignore_index: int, label_smoothing: float, dtype: Any
                        ) -> tuple[np.ndarray, float]:
    """Host constants ``-coef`` (the input's shape) and ``denom`` such that the reduced loss
    is ``sum(-coef * logp) / denom``: the weighted one-hot of each valid target (scaled by
    1 - label_smoothing) plus the smoothing term ``label_smoothing / C * weight``."""
    if weight is None and label_smoothing == 0 and target.ndim == 1 and class_dim == 1:
        # the common case (a batch of labels, no weights or smoothing): -1 at each label
        neg = np.zeros((target.shape[0], n_classes), dtype)
        valid = target != ignore_index
        if valid.all():
            neg[np.arange(target.shape[0]), target] = -1.0
            return neg, float(target.shape[0])
        rows = np.flatnonzero(valid)
        neg[rows, target[rows]] = -1.0
        return neg, float(rows.size)
    valid = target != ignore_index
    safe = np.where(valid, target, 0)
    onehot = safe[..., None] == np.arange(n_classes)          # (..., C)
    w = np.ones(n_classes) if weight is None else weight
    w_target = w[safe] * valid                                   # (...)
    coef = onehot * w_target[..., None] * (1.0 - label_smoothing)
    if label_smoothing > 0:
        coef = coef + (label_smoothing / n_classes) * w * valid[..., None]
    coef = np.moveaxis(coef, -1, class_dim)
    # negated as 0 - coef so that ignored entries are +0.0 (their gradient prints as 0, not -0)
    return (0.0 - coef).astype(dtype), float(w_target.sum())


def _check_targets(target: np.ndarray, n_classes: int, ignore_index: int, fname: str) -> None:
    if not target.size or (target.min() >= 0 and target.max() < n_classes):
        return
    bad = (target != ignore_index) & ((target < 0) | (target >= n_classes))
    if bad.any():
        value = int(target[bad].flat[0])
        raise IndexError(
            f"Target {value} is out of bounds. {fname}: class-index targets must be in "
            f"[0, {n_classes - 1}] for an input with {n_classes} classes (dim 1), or equal "
            f"ignore_index={ignore_index}; check the number of output features of the last "
            "layer, or remap the labels (e.g. 1-based labels: target - 1)"
        )


def _class_index_loss(input: Tensor, target: Tensor, weight: Any, ignore_index: int,
                      reduction: str, label_smoothing: float, log_softmax: bool,
                      fname: str, name: str) -> Tensor:
    x_shape = tuple(input.shape)
    class_dim = 0 if len(x_shape) == 1 else 1
    n_classes = x_shape[class_dim]
    expected = x_shape[:class_dim] + x_shape[class_dim + 1:]
    if tuple(target.shape) != expected:
        t_shape = tuple(target.shape)
        if len(t_shape) == len(expected) and t_shape and t_shape[0] != x_shape[0]:
            raise ValueError(f"Expected input batch_size ({x_shape[0]}) to match target "
                             f"batch_size ({t_shape[0]}).")
        raise RuntimeError(
            f"{fname}: expected a target of shape {list(expected)} (class indices: the input's "
            f"shape without the class dim {class_dim}) for an input of shape {list(x_shape)}, "
            f"got {list(t_shape)}"
        )
    w_host = None
    if weight is not None:
        w_host = np.asarray(weight._concrete(), dtype=np.float64)
        if w_host.shape != (n_classes,):
            raise RuntimeError(f"weight tensor should be defined either for all {n_classes} "
                               f"classes or no classes but got weight tensor of shape: "
                               f"{list(weight.shape)}")
    dt = input._data.dtype
    concrete = not _is_traced(target)
    if concrete:
        t_host = np.asarray(target._data)
        _check_targets(t_host, n_classes, ignore_index, fname)
        coef, denom = _class_coefficients(t_host, n_classes, class_dim, w_host, ignore_index,
                                          label_smoothing, dt)
        coef_t = Tensor._from_value(_to_device(coef, input))

        def fn(x: Any, neg_c: Any) -> Any:
            logp = fnn.log_softmax(x, axis=class_dim) if log_softmax else x
            if reduction == "none":
                return jnp.sum(logp * neg_c, axis=class_dim)
            total = jnp.sum(logp * neg_c)
            return total if reduction == "sum" else total / denom

        return AG.apply(fn, name, (input, coef_t))

    # a traced target (inside a core transformation): the same coefficients, traced
    def traced(x: Any, t: Any) -> Any:
        valid = t != ignore_index
        safe = jnp.where(valid, t, 0)
        onehot = (safe[..., None] == jnp.arange(n_classes)).astype(x.dtype)
        w = jnp.ones(n_classes, x.dtype) if w_host is None else jnp.asarray(w_host, x.dtype)
        w_t = w[safe] * valid.astype(x.dtype)
        c = onehot * (w_t[..., None] * (1.0 - label_smoothing))
        if label_smoothing > 0:
            c = c + (label_smoothing / n_classes) * w * valid[..., None].astype(x.dtype)
        c = jnp.moveaxis(c, -1, class_dim)
        logp = fnn.log_softmax(x, axis=class_dim) if log_softmax else x
        if reduction == "none":
            return -jnp.sum(logp * c, axis=class_dim)
        total = -jnp.sum(logp * c)
        return total if reduction == "sum" else total / jnp.sum(w_t)

    return AG.apply(traced, name, (input, target))


def _is_traced(t: Tensor) -> bool:
    return not isinstance(t._data, Array)


def _to_device(value: np.ndarray, like: Tensor) -> Any:
    arr = Array(value)
    return move(arr, like.device) if like.is_cuda else arr


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                  size_average: Any = None, ignore_index: int = -100, reduce: Any = None,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """Cross entropy of logits ``input`` (``(C)``, ``(N, C)`` or ``(N, C, d1, ...)``) against
    class indices (int, ``(N)``/``(N, d1, ...)``) or class probabilities (float, the input's
    shape); ``weight`` per class, ``ignore_index``, ``label_smoothing``, ``reduction``.
    With class indices and ``reduction='mean'`` the weighted mean divides by the total weight
    of the non-ignored targets, as torch.

    Example:
        >>> F.cross_entropy(torch.tensor([[0.0, 0.0]]), torch.tensor([1]))
        tensor(0.6931)
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if not isinstance(input, Tensor) or not isinstance(target, Tensor):
        bad = "input" if not isinstance(input, Tensor) else "target"
        raise TypeError(f"cross_entropy(): argument '{bad}' must be Tensor, not "
                        f"{type(input if bad == 'input' else target).__name__}")
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: "
                           f"{label_smoothing}")
    if input._data.dtype.kind not in "fc":
        raise RuntimeError(f"cross_entropy: expected a floating-point input (logits), got "
                           f"{input.dtype}; convert it (input.float())")
    if target._data.dtype.kind in "fc":
        if tuple(target.shape) != tuple(input.shape):
            raise RuntimeError(
                f"expected scalar type Long but found {target.dtype}: CrossEntropyLoss takes "
                f"class-index targets as integers (torch.int64) of shape "
                f"{list(input.shape[:1]) + list(input.shape[2:])}, or class probabilities "
                f"of the input's shape {list(input.shape)}; for labels use target.long()"
            )
        return _probability_ce(input, target, weight, reduction, label_smoothing)
    if target._data.dtype.kind not in "iu":
        raise RuntimeError(f"expected scalar type Long but found {target.dtype}: class-index "
                           "targets must be integers; use target.long()")
    return _class_index_loss(input, target, weight, ignore_index, reduction, label_smoothing,
                             True, "cross_entropy", "NllLossBackward0")


def _probability_ce(input: Tensor, target: Tensor, weight: Any, reduction: str,
                    label_smoothing: float) -> Tensor:
    from ... import _ops as O

    input, target = O.promote(input, target)
    class_dim = 0 if input.ndim == 1 else 1
    n_classes = input.shape[class_dim]
    n_rows = input.numel() // n_classes if n_classes else 0
    w_shape = (n_classes,) + (1,) * (input.ndim - class_dim - 1)

    def fn(x: Any, t: Any, *w: Any) -> Any:
        if label_smoothing > 0:
            t = t * (1.0 - label_smoothing) + label_smoothing / n_classes
        prod = fnn.log_softmax(x, axis=class_dim) * t
        if w:
            prod = prod * w[0].reshape(w_shape)
        loss = -jnp.sum(prod, axis=class_dim)
        if reduction == "none":
            return loss
        total = jnp.sum(loss)
        return total if reduction == "sum" else total / n_rows

    args = (input, target) if weight is None else (input, target, weight)
    return AG.apply(fn, "DivBackward1" if reduction == "mean" else "NegBackward0", args)


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
             size_average: Any = None, ignore_index: int = -100, reduce: Any = None,
             reduction: str = "mean") -> Tensor:
    """Negative log likelihood of log-probabilities ``input`` at class indices ``target``
    (weighted mean over non-ignored targets by default).

    Example:
        >>> F.nll_loss(torch.tensor([[-1.0, -2.0]]), torch.tensor([1]))
        tensor(2.)
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if target._data.dtype.kind not in "iu":
        raise RuntimeError(f"expected scalar type Long but found {target.dtype}: nll_loss takes "
                           "class-index targets as integers; use target.long()")
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim})")
    return _class_index_loss(input, target, weight, ignore_index, reduction, 0.0, False,
                             "nll_loss", "NllLossBackward0")


# ---- binary ---------------------------------------------------------------------------------

def _same_size(input: Tensor, target: Tensor) -> None:
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input "
                         f"size ({input.shape}) is deprecated. Please ensure they have the "
                         "same size.")


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         size_average: Any = None, reduce: Any = None,
                         reduction: str = "mean") -> Tensor:
    """``-w (y log x + (1 - y) log(1 - x))`` for probabilities ``x`` (logs clamped at -100,
    as torch).

    Example:
        >>> F.binary_cross_entropy(torch.tensor([0.5]), torch.tensor([1.0]))
        tensor(0.6931)
    """
    from ... import _ops as O

    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    _same_size(input, target)
    input, target = O.promote(input, target)
    if not _is_traced(input):
        x = np.asarray(input._concrete())
        if x.size and not ((x >= 0) & (x <= 1)).all():
            raise RuntimeError("all elements of input should be between 0 and 1; apply "
                               "torch.sigmoid first, or use BCEWithLogitsLoss on the logits")

    def fn(x: Any, t: Any, *w: Any) -> Any:
        log_x = jnp.maximum(jnp.log(x), -100.0)
        log_1mx = jnp.maximum(jnp.log1p(-x), -100.0)
        loss = -(t * log_x + (1.0 - t) * log_1mx)
        if w:
            loss = loss * w[0]
        return _reduce(loss, reduction)

    args = (input, target) if weight is None else (input, target, weight)
    return AG.apply(fn, "BinaryCrossEntropyBackward0", args)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor,
                                     weight: Tensor | None = None, size_average: Any = None,
                                     reduce: Any = None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """Sigmoid + binary cross entropy in one stable formula:
    ``(1 - y) x + (1 + (pos_weight - 1) y) (log(1 + exp(-|x|)) + max(-x, 0))``, times
    ``weight``.

    Example:
        >>> F.binary_cross_entropy_with_logits(torch.tensor([0.0]), torch.tensor([1.0]))
        tensor(0.6931)
    """
    from ... import _ops as O

    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    _same_size(input, target)
    input, target = O.promote(input, target)
    has_w, has_pw = weight is not None, pos_weight is not None

    def fn(x: Any, t: Any, *extra: Any) -> Any:
        soft = jnp.log1p(jnp.exp(-jnp.abs(x))) + jnp.maximum(-x, 0.0)
        if has_pw:
            pw = extra[has_w]
            loss = (1.0 - t) * x + (1.0 + (pw - 1.0) * t) * soft
        else:
            loss = (1.0 - t) * x + soft
        if has_w:
            loss = loss * extra[0]
        return _reduce(loss, reduction)

    args = (input, target) + ((weight,) if has_w else ()) + ((pos_weight,) if has_pw else ())
    return AG.apply(fn, "BinaryCrossEntropyWithLogitsBackward0", args)


def kl_div(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
           reduction: str = "mean", log_target: bool = False) -> Tensor:
    """Pointwise KL divergence ``y (log y - x)`` for log-probabilities ``x`` (0 where
    ``y = 0``); ``log_target=True`` takes ``log y``. ``reduction='batchmean'`` divides the
    sum by the batch size (the mathematically correct KL; 'mean' divides by every element,
    as torch, with its warning).

    Example:
        >>> F.kl_div(torch.tensor([[-1.0, -1.0]]), torch.tensor([[0.5, 0.5]]),
        ...          reduction="batchmean")
        tensor(0.3069)
    """
    from ... import _ops as O

    reduction = legacy_reduction(size_average, reduce, reduction)
    if reduction not in ("mean", "sum", "none", "batchmean"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the "
                      "support size.'batchmean' divides only by the batch size, and aligns "
                      "with the KL div math definition.'mean' will be changed to behave the "
                      "same as 'batchmean' in the next major release.", stacklevel=2)
    input, target = O.promote(input, target)
    batch = input.shape[0] if input.ndim else 1

    def fn(x: Any, t: Any) -> Any:
        if log_target:
            loss = jnp.exp(t) * (t - x)
        else:
            safe = jnp.where(t > 0, t, 1.0)
            loss = jnp.where(t > 0, t * (jnp.log(safe) - x), 0.0 * x)
        if reduction == "batchmean":
            return jnp.sum(loss) / batch
        return _reduce(loss, reduction)

    return AG.apply(fn, "KlDivBackward0", (input, target))


def soft_margin_loss(input: Tensor, target: Tensor, size_average: Any = None,
                     reduce: Any = None, reduction: str = "mean") -> Tensor:
    """``log(1 + exp(-y x))``, reduced.

    Example:
        >>> F.soft_margin_loss(torch.tensor([0.0]), torch.tensor([1.0]))
        tensor(0.6931)
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    return _elementwise(input, target, lambda x, t: jnp.logaddexp(-t * x, 0.0), reduction,
                        "SoftMarginLossBackward0", "soft_margin_loss")


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        size_average: Any = None, reduce: Any = None,
                        reduction: str = "mean") -> Tensor:
    """``max(0, -y (x1 - x2) + margin)``, reduced.

    Example:
        >>> F.margin_ranking_loss(torch.tensor([1.0]), torch.tensor([0.0]), torch.tensor([1.0]))
        tensor(0.)
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    return AG.apply(lambda a, b, t: _reduce(jnp.maximum(-t * (a - b) + margin, 0.0),
                                            reduction),
                    "ClampMinBackward0", (input1, input2, target))


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,
                         size_average: Any = None, reduce: Any = None,
                         reduction: str = "mean") -> Tensor:
    """``x`` where ``y = 1``, ``max(0, margin - x)`` where ``y = -1``, reduced.

    Example:
        >>> F.hinge_embedding_loss(torch.tensor([0.5]), torch.tensor([-1.0]))
        tensor(0.5000)
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)

    def fn(x: Any, t: Any) -> Any:
        pos = jnp.where(t == 1, x, 0.0)
        neg = jnp.where(t == -1, jnp.maximum(margin - x, 0.0), 0.0)
        return _reduce(pos + neg, reduction)

    return AG.apply(fn, "AddBackward0", (input, target))


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                          size_average: Any = None, reduce: Any = None,
                          reduction: str = "mean") -> Tensor:
    """``1 - cos(x1, x2)`` where ``y = 1``, ``max(0, cos(x1, x2) - margin)`` where ``y = -1``.

    Example:
        >>> F.cosine_embedding_loss(torch.ones(1, 2), torch.ones(1, 2), torch.tensor([1.0]))
        tensor(0.)
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    eps = 1e-12

    def fn(a: Any, b: Any, t: Any) -> Any:
        dot = jnp.sum(a * b, axis=-1)
        mag = jnp.sqrt((jnp.sum(a * a, axis=-1) + eps) * (jnp.sum(b * b, axis=-1) + eps))
        cos = dot / mag
        loss = jnp.where(t == 1, 1.0 - cos, jnp.where(t == -1, jnp.maximum(cos - margin, 0.0),
                                                        0.0))
        return _reduce(loss, reduction)

    return AG.apply(fn, "MeanBackward0", (input1, input2, target))
