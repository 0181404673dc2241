"""Normalisation: ``batch_norm`` (with torch's running-statistics update), ``layer_norm``,
``group_norm``, ``instance_norm``, ``local_response_norm``-free. One recorded op each."""
from __future__ import annotations

from typing import Any

from .... import numpy as jnp
from ... import _autograd as AG
from ..._tensor import Tensor

__all__ = ["batch_norm", "layer_norm", "group_norm", "instance_norm", "rms_norm"]


def _affine(y: Any, extra: tuple, has_w: bool, shape: tuple) -> Any:
    if has_w:
        y = y * extra[0].reshape(shape)
        extra = extra[1:]
    if extra:
        y = y + extra[0].reshape(shape)
    return y


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None,
               training: bool = False, momentum: float | None = 0.1, eps: float = 1e-5
               ) -> Tensor:
    """Normalise over the batch (and spatial) dims per channel (dim 1). In training, batch
    statistics (biased variance) normalise and the running buffers are updated in place:
    ``running = (1 - momentum) * running + momentum * batch`` with the *unbiased* batch
    variance; otherwise the running statistics normalise.

    Example:
        >>> x = torch.tensor([[1.0], [3.0]])
        >>> F.batch_norm(x, None, None, training=True)
        tensor([[-1.0000],
                [ 1.0000]])
    """
    if input.ndim < 2:
        raise ValueError(f"expected 2D or more input (got {input.ndim}D input)")
    n_ch = input.shape[1]
    for name, t in (("weight", weight), ("bias", bias), ("running_mean", running_mean),
                    ("running_var", running_var)):
        if t is not None and tuple(t.shape) != (n_ch,):
            raise RuntimeError(f"batch_norm: {name} should contain {n_ch} elements (the input's "
                               f"channel dim 1) not {t.numel()}")
    axes = (0,) + tuple(range(2, input.ndim))
    shape = (1, n_ch) + (1,) * (input.ndim - 2)
    has_w = weight is not None
    extra = tuple(t for t in (weight, bias) if t is not None)
    use_batch = training or running_mean is None or running_var is None
    if not use_batch:
        def infer(x: Any, rm: Any, rv: Any, *wb: Any) -> Any:
            y = (x - rm.reshape(shape)) * jnp.reciprocal(jnp.sqrt(rv.reshape(shape) + eps))
            return _affine(y, wb, has_w, shape)

        return AG.apply(infer, "NativeBatchNormBackward0",
                        (input, running_mean, running_var) + extra)
    count = input.numel() // n_ch
    if count <= 1 and training:
        raise ValueError(f"Expected more than 1 value per channel when training, got input "
                         f"size {input.shape}")

    def train(x: Any, *wb: Any) -> Any:
        mean = jnp.mean(x, axis=axes, keepdims=True)
        centred = x - mean
        var = jnp.mean(centred * centred, axis=axes, keepdims=True)
        y = centred * jnp.reciprocal(jnp.sqrt(var + eps))
        return _affine(y, wb, has_w, shape), mean.reshape(-1), var.reshape(-1)

    out, mean, var = AG.apply(train, "NativeBatchNormBackward0", (input,) + extra)
    if training and running_mean is not None and running_var is not None:
        _update_running(running_mean, running_var, mean._data, var._data, count, momentum)
    return out


def _update_running(running_mean: Tensor, running_var: Tensor, mean: Any, var: Any,
                    count: int, momentum: float | None) -> None:
    """torch's update (the buffers are rebound, untracked by autograd)."""
    m = 0.1 if momentum is None else momentum
    unbiased = var * (count / max(count - 1, 1))
    dt = running_mean._data.dtype
    running_mean._set_value(((1 - m) * running_mean._data + m * mean).astype(dt))
    running_var._set_value(((1 - m) * running_var._data + m * unbiased).astype(dt))


def layer_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalise over the trailing ``normalized_shape`` dims (biased variance), then scale
    by ``weight`` and shift by ``bias`` elementwise.

    Example:
        >>> F.layer_norm(torch.tensor([[1.0, 3.0]]), (2,))
        tensor([[-1.0000,  1.0000]])
    """
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    normalized_shape = tuple(normalized_shape)
    k = len(normalized_shape)
    if tuple(input.shape)[input.ndim - k:] != normalized_shape or k > input.ndim:
        raise RuntimeError(
            f"Given normalized_shape={list(normalized_shape)}, expected input with shape "
            f"[*, {', '.join(str(s) for s in normalized_shape)}], but got input of size"
            f"{list(input.shape)}")
    axes = tuple(range(input.ndim - k, input.ndim))
    has_w = weight is not None
    extra = tuple(t for t in (weight, bias) if t is not None)

    def fn(x: Any, *wb: Any) -> Any:
        mean = jnp.mean(x, axis=axes, keepdims=True)
        centred = x - mean
        var = jnp.mean(centred * centred, axis=axes, keepdims=True)
        y = centred * jnp.reciprocal(jnp.sqrt(var + eps))
        return _affine(y, wb, has_w, normalized_shape)

    return AG.apply(fn, "NativeLayerNormBackward0", (input,) + extra)


def rms_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None,
             eps: float | None = None) -> Tensor:
    """``x / sqrt(mean(x^2) + eps) * weight`` over the trailing dims (eps defaults to the
    dtype's machine epsilon, as torch).

    Example:
        >>> F.rms_norm(torch.tensor([[3.0, 4.0]]), (2,)).shape
        torch.Size([1, 2])
    """
    import numpy as np

    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    k = len(tuple(normalized_shape))
    axes = tuple(range(input.ndim - k, input.ndim))
    e = float(np.finfo(input._data.dtype).eps) if eps is None else eps
    has_w = weight is not None

    def fn(x: Any, *w: Any) -> Any:
        y = x * jnp.reciprocal(jnp.sqrt(jnp.mean(x * x, axis=axes, keepdims=True) + e))
        return y * w[0] if has_w else y

    return AG.apply(fn, "MulBackward0", (input,) + ((weight,) if has_w else ()))


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalise each of ``num_groups`` channel groups over its channels and spatial dims,
    then a per-channel affine.

    Example:
        >>> F.group_norm(torch.tensor([[[1.0], [3.0]]]), 1).view(-1)
        tensor([-1.0000,  1.0000])
    """
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{input.ndim}")
    n, c = input.shape[0], input.shape[1]
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by "
                           f"num_groups, but got input of shape {list(input.shape)} and "
                           f"num_groups={num_groups}")
    x_shape = tuple(input.shape)
    shape = (1, c) + (1,) * (input.ndim - 2)
    has_w = weight is not None
    extra = tuple(t for t in (weight, bias) if t is not None)

    def fn(x: Any, *wb: Any) -> Any:
        g = x.reshape((n, num_groups, -1))
        mean = jnp.mean(g, axis=2, keepdims=True)
        centred = g - mean
        var = jnp.mean(centred * centred, axis=2, keepdims=True)
        y = (centred * jnp.reciprocal(jnp.sqrt(var + eps))).reshape(x_shape)
        return _affine(y, wb, has_w, shape)

    return AG.apply(fn, "NativeGroupNormBackward0", (input,) + extra)


def instance_norm(input: Tensor, running_mean: Tensor | None = None,
                  running_var: Tensor | None = None, weight: Tensor | None = None,
                  bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each (sample, channel) plane over its spatial dims (``use_input_stats``);
    running statistics, when given, are updated as batch_norm's.

    Example:
        >>> F.instance_norm(torch.tensor([[[1.0, 3.0]]]))
        tensor([[[-1.0000,  1.0000]]])
    """
    n, c = input.shape[0], input.shape[1]
    if not use_input_stats and running_mean is not None:
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    folded = input.reshape((1, n * c) + tuple(input.shape)[2:])
    rm = running_mean.repeat(n) if running_mean is not None else None
    rv = running_var.repeat(n) if running_var is not None else None
    out = batch_norm(folded, rm, rv, None, None, True, momentum, eps).reshape(input.shape)
    if running_mean is not None:
        with AG.no_grad():
            running_mean._set_value(rm.view(n, c).mean(0)._data)
            running_var._set_value(rv.view(n, c).mean(0)._data)
    shape = (1, c) + (1,) * (input.ndim - 2)
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out
