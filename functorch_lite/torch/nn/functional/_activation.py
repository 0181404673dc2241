"""Activations, softmax, dropout and ``one_hot``: one recorded op each, on the core's
``functorch_lite.nn`` functions (whose derivatives are the core's rules)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .... import nn as fnn
from .... import numpy as jnp
from ... import _autograd as AG
from ... import _creation as C
from ... import _reductions as R
from ..._tensor import Tensor

__all__ = [
    "relu", "relu_", "relu6", "leaky_relu", "leaky_relu_", "elu", "elu_", "selu", "celu",
    "gelu", "silu", "mish", "sigmoid", "tanh", "softplus", "hardtanh", "hardtanh_",
    "hardsigmoid", "hardswish", "logsigmoid", "softsign", "tanhshrink", "threshold",
    "glu", "prelu", "softmax", "log_softmax", "softmin", "normalize", "dropout",
    "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout", "one_hot",
]

SAVE_IN, SAVE_OUT = AG.SAVE_INPUTS, AG.SAVE_OUTPUT


def _check(input: Any, fname: str) -> None:
    if not isinstance(input, Tensor):
        raise TypeError(f"{fname}(): argument 'input' must be Tensor, not {type(input).__name__}")


def _act(input: Tensor, fn: Any, name: str, fname: str, inplace: bool = False,
         saves: int = SAVE_IN) -> Tensor:
    _check(input, fname)
    if input._data.dtype.kind not in "fc":
        raise RuntimeError(f"{fname}: expected a floating-point input, got {input.dtype}; "
                           "convert it first (x.float())")
    out = AG.apply(fn, name, (input,), saves=saves)
    if inplace:
        return input._inplace(out)
    return out


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """``max(x, 0)``.

    Example:
        >>> F.relu(torch.tensor([-1.0, 2.0]))
        tensor([0., 2.])
    """
    return _act(input, fnn.relu, "ReluBackward0", "relu", inplace, SAVE_OUT)


def relu_(input: Tensor) -> Tensor:
    """In-place ``relu``.

    Example:
        >>> F.relu_(torch.tensor([-1.0, 2.0]))
        tensor([0., 2.])
    """
    return relu(input, inplace=True)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """``min(max(x, 0), 6)``.

    Example:
        >>> F.relu6(torch.tensor([-1.0, 7.0]))
        tensor([0., 6.])
    """
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """``x`` for x >= 0, ``negative_slope * x`` otherwise.

    Example:
        >>> F.leaky_relu(torch.tensor([-1.0, 2.0]), 0.1)
        tensor([-0.1000,  2.0000])
    """
    return _act(input, lambda x: jnp.where(x > 0, x, x * negative_slope),
                "LeakyReluBackward0", "leaky_relu", inplace)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """In-place ``leaky_relu``.

    Example:
        >>> F.leaky_relu_(torch.tensor([-1.0]))
        tensor([-0.0100])
    """
    return leaky_relu(input, negative_slope, True)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``x`` for x > 0, ``alpha * (exp(x) - 1)`` otherwise.

    Example:
        >>> F.elu(torch.tensor([0.0, 1.0]))
        tensor([0., 1.])
    """
    return _act(input, lambda x: fnn.elu(x, alpha), "EluBackward0", "elu", inplace, SAVE_OUT)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """In-place ``elu``.

    Example:
        >>> F.elu_(torch.tensor([1.0]))
        tensor([1.])
    """
    return elu(input, alpha, True)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """``scale * elu(x, alpha)`` with torch's constants (1.0507..., 1.6732...).

    Example:
        >>> F.selu(torch.tensor([0.0]))
        tensor([0.])
    """
    return _act(input, fnn.selu, "EluBackward0", "selu", inplace, SAVE_OUT)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.

    Example:
        >>> F.celu(torch.tensor([1.0]))
        tensor([1.])
    """
    return _act(input, lambda x: fnn.celu(x, alpha), "CeluBackward0", "celu", inplace)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """``x * Phi(x)`` (exact, with erf) or its tanh approximation (``approximate='tanh'``).

    Example:
        >>> F.gelu(torch.tensor([0.0, 1.0]))
        tensor([0.0000, 0.8413])
    """
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"approximate argument must be either none or tanh, got "
                           f"'{approximate}'")
    tanh_form = approximate == "tanh"
    return _act(input, lambda x: fnn.gelu(x, approximate=tanh_form), "GeluBackward0", "gelu")


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * sigmoid(x)`` (swish).

    Example:
        >>> F.silu(torch.tensor([0.0]))
        tensor([0.])
    """
    return _act(input, fnn.silu, "SiluBackward0", "silu", inplace)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * tanh(softplus(x))``.

    Example:
        >>> F.mish(torch.tensor([0.0]))
        tensor([0.])
    """
    return _act(input, fnn.mish, "MishBackward0", "mish", inplace)


def sigmoid(input: Tensor) -> Tensor:
    """``1 / (1 + exp(-x))``.

    Example:
        >>> F.sigmoid(torch.tensor([0.0]))
        tensor([0.5000])
    """
    return _act(input, fnn.sigmoid, "SigmoidBackward0", "sigmoid", saves=SAVE_OUT)


def tanh(input: Tensor) -> Tensor:
    """Hyperbolic tangent.

    Example:
        >>> F.tanh(torch.tensor([0.0]))
        tensor([0.])
    """
    return _act(input, jnp.tanh, "TanhBackward0", "tanh", saves=SAVE_OUT)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + exp(beta * x)) / beta``, linear where ``beta * x > threshold``.

    Example:
        >>> F.softplus(torch.tensor([0.0, 30.0]))
        tensor([ 0.6931, 30.0000])
    """
    def fn(x: Any) -> Any:
        bx = x * beta
        soft = jnp.logaddexp(bx, 0.0) if beta == 1 else jnp.logaddexp(bx, 0.0) / beta
        return jnp.where(bx > threshold, x, soft)

    return _act(input, fn, "SoftplusBackward0", "softplus")


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:
    """``clamp(x, min_val, max_val)``.

    Example:
        >>> F.hardtanh(torch.tensor([-2.0, 0.5, 2.0]))
        tensor([-1.0000,  0.5000,  1.0000])
    """
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _act(input, lambda x: jnp.clip(x, min_val, max_val), "HardtanhBackward0",
                "hardtanh", inplace)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """In-place ``hardtanh``.

    Example:
        >>> F.hardtanh_(torch.tensor([2.0]))
        tensor([1.])
    """
    return hardtanh(input, min_val, max_val, True)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """``clamp(x / 6 + 1/2, 0, 1)``.

    Example:
        >>> F.hardsigmoid(torch.tensor([0.0]))
        tensor([0.5000])
    """
    return _act(input, lambda x: jnp.clip(x / 6.0 + 0.5, 0.0, 1.0), "HardsigmoidBackward0",
                "hardsigmoid", inplace)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * hardsigmoid(x)``.

    Example:
        >>> F.hardswish(torch.tensor([3.0]))
        tensor([3.])
    """
    return _act(input, lambda x: x * jnp.clip(x / 6.0 + 0.5, 0.0, 1.0), "HardswishBackward0",
                "hardswish", inplace)


def logsigmoid(input: Tensor) -> Tensor:
    """``log(sigmoid(x))``, computed stably.

    Example:
        >>> F.logsigmoid(torch.tensor([0.0]))
        tensor([-0.6931])
    """
    return _act(input, fnn.log_sigmoid, "LogSigmoidBackward0", "logsigmoid")


def softsign(input: Tensor) -> Tensor:
    """``x / (1 + |x|)``.

    Example:
        >>> F.softsign(torch.tensor([1.0]))
        tensor([0.5000])
    """
    return _act(input, fnn.soft_sign, "DivBackward0", "softsign")


def tanhshrink(input: Tensor) -> Tensor:
    """``x - tanh(x)``.

    Example:
        >>> F.tanhshrink(torch.tensor([0.0]))
        tensor([0.])
    """
    return _act(input, lambda x: x - jnp.tanh(x), "SubBackward0", "tanhshrink")


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """``x`` where ``x > threshold``, else ``value``.

    Example:
        >>> F.threshold(torch.tensor([0.5, 2.0]), 1.0, -1.0)
        tensor([-1.,  2.])
    """
    return _act(input, lambda x: jnp.where(x > threshold, x, value), "ThresholdBackward0",
                "threshold", inplace)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """``a * sigmoid(b)`` for the halves ``a, b`` of ``input`` along ``dim``.

    Example:
        >>> F.glu(torch.tensor([1.0, 0.0]))
        tensor([0.5000])
    """
    if input.shape[dim] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {dim} is size "
                           f"{input.shape[dim]}")
    return _act(input, lambda x: fnn.glu(x, axis=dim), "GluBackward0", "glu")


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """``x`` for x >= 0, ``weight * x`` otherwise (``weight`` per channel, dim 1).

    Example:
        >>> F.prelu(torch.tensor([[-1.0, 2.0]]), torch.tensor([0.25]))
        tensor([[-0.2500,  2.0000]])
    """
    nd = input.ndim

    def fn(x: Any, w: Any) -> Any:
        if w.size > 1 and nd >= 2:
            w = w.reshape((1, -1) + (1,) * (nd - 2))
        return jnp.where(x > 0, x, w * x)

    return AG.apply(fn, "PreluKernelBackward0", (input, weight))


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype: Any = None) -> Tensor:
    """Softmax along ``dim``.

    Example:
        >>> F.softmax(torch.tensor([0.0, 0.0]), dim=0)
        tensor([0.5000, 0.5000])
    """
    return R.softmax(input, dim, dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
                dtype: Any = None) -> Tensor:
    """``log(softmax(x))`` along ``dim``, computed stably (the core's fused rule).

    Example:
        >>> F.log_softmax(torch.tensor([0.0, 0.0]), dim=0)
        tensor([-0.6931, -0.6931])
    """
    return R.log_softmax(input, dim, dtype)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype: Any = None) -> Tensor:
    """``softmax(-x)`` along ``dim``.

    Example:
        >>> F.softmin(torch.tensor([0.0, 0.0]), dim=0)
        tensor([0.5000, 0.5000])
    """
    return R.softmax(-input, dim, dtype)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12,
              out: Any = None) -> Tensor:
    """``x / max(||x||_p, eps)`` along ``dim``.

    Example:
        >>> F.normalize(torch.tensor([[3.0, 4.0]]))
        tensor([[0.6000, 0.8000]])
    """
    def fn(x: Any) -> Any:
        if p == 2:
            norm = jnp.sqrt(jnp.sum(x * x, axis=dim, keepdims=True))
        else:
            norm = jnp.sum(jnp.abs(x) ** p, axis=dim, keepdims=True) ** (1.0 / p)
        return x / jnp.maximum(norm, eps)

    return AG.apply(fn, "DivBackward0", (input,))


# ---- dropout ----------------------------------------------------------------------------------

def _check_p(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _mask_tensor(input: Tensor, shape: tuple, p: float) -> Tensor:
    """A keep-mask scaled by 1/(1-p), drawn from the facade's global generator."""
    keep = C._rng(None).random(shape) >= p
    scale = 0.0 if p == 1.0 else 1.0 / (1.0 - p)
    mask = C.tensor(keep.astype(input._data.dtype) * np.asarray(scale, input._data.dtype),
                    device=input.device)
    return mask


def _apply_mask(input: Tensor, mask: Tensor, inplace: bool) -> Tensor:
    out = AG.apply(lambda x, m: x * m, "NativeDropoutBackward0", (input, mask))
    return input._inplace(out) if inplace else out


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
            ) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by ``1/(1-p)`` when
    ``training`` (randomness from the global generator, ``torch.manual_seed``).

    Example:
        >>> F.dropout(torch.ones(3), 0.5, training=False)
        tensor([1., 1., 1.])
    """
    _check_p(p)
    if not training or p == 0.0:
        return input
    return _apply_mask(input, _mask_tensor(input, tuple(input.shape), p), inplace)


def _feature_dropout(input: Tensor, p: float, training: bool, inplace: bool, spatial: int,
                     fname: str) -> Tensor:
    _check_p(p)
    if not training or p == 0.0:
        return input
    nd = input.ndim
    if nd not in (spatial + 1, spatial + 2):
        raise RuntimeError(f"{fname}: Expected {spatial + 1}D or {spatial + 2}D input, but "
                           f"received a {nd}D input of shape {list(input.shape)}")
    lead = tuple(input.shape)[: nd - spatial]
    shape = lead + (1,) * spatial
    return _apply_mask(input, _mask_tensor(input, shape, p), inplace)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
              ) -> Tensor:
    """Zero whole channels (``(N, C, L)`` or ``(C, L)`` input) with probability ``p``.

    Example:
        >>> F.dropout1d(torch.ones(2, 3, 4), training=False).shape
        torch.Size([2, 3, 4])
    """
    return _feature_dropout(input, p, training, inplace, 1, "dropout1d")


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
              ) -> Tensor:
    """Zero whole channels (``(N, C, H, W)`` or ``(C, H, W)`` input) with probability ``p``.

    Example:
        >>> F.dropout2d(torch.ones(2, 3, 4, 4), training=False).shape
        torch.Size([2, 3, 4, 4])
    """
    return _feature_dropout(input, p, training, inplace, 2, "dropout2d")


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
              ) -> Tensor:
    """Zero whole channels of a 4-d/5-d input with probability ``p``.

    Example:
        >>> F.dropout3d(torch.ones(1, 2, 2, 2, 2), training=False).shape
        torch.Size([1, 2, 2, 2, 2])
    """
    return _feature_dropout(input, p, training, inplace, 3, "dropout3d")


_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772, 1.0507009873554805


def _alpha_dropout(input: Tensor, p: float, training: bool, shape: tuple) -> Tensor:
    _check_p(p)
    if not training or p == 0.0:
        return input
    alpha_p = -_SELU_ALPHA * _SELU_SCALE
    keep = (C._rng(None).random(shape) >= p).astype(input._data.dtype)
    a = 1.0 / math.sqrt((alpha_p ** 2 * p + 1) * (1 - p))
    b = -a * alpha_p * p
    keep_t = C.tensor(keep, device=input.device)
    return AG.apply(lambda x, k: (x * k + alpha_p * (1 - k)) * a + b, "AlphaDropoutBackward0",
                    (input, keep_t))


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                  inplace: bool = False) -> Tensor:
    """Dropout that keeps SELU's self-normalising mean and variance.

    Example:
        >>> F.alpha_dropout(torch.ones(2), 0.5, training=False)
        tensor([1., 1.])
    """
    return _alpha_dropout(input, p, training, tuple(input.shape))


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                          inplace: bool = False) -> Tensor:
    """Alpha dropout of whole channels.

    Example:
        >>> F.feature_alpha_dropout(torch.ones(1, 2, 3), training=False).shape
        torch.Size([1, 2, 3])
    """
    shape = tuple(input.shape)[:2] + (1,) * (input.ndim - 2)
    return _alpha_dropout(input, p, training, shape)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Class indices to one-hot rows (int64), ``num_classes = max + 1`` by default.

    Example:
        >>> F.one_hot(torch.tensor([0, 2]), 3)
        tensor([[1, 0, 0],
                [0, 0, 1]])
    """
    if tensor._data.dtype.kind not in "iu":
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor; "
                           f"got {tensor.dtype}: convert with .long()")
    values = np.asarray(tensor._concrete())
    if num_classes == -1:
        num_classes = int(values.max()) + 1 if values.size else 0
    if values.size and (values.min() < 0 or values.max() >= num_classes):
        raise RuntimeError(f"Class values must be smaller than num_classes ({num_classes}) and "
                           f"non-negative; got values in [{values.min()}, {values.max()}]")
    out = (values[..., None] == np.arange(num_classes)).astype(np.int64)
    return C.tensor(out, device=tensor.device)
