"""Convolutions and pooling (torch's NCHW layout, padding, dilation, groups, ceil_mode): one
recorded op each over ``lax.conv_general_dilated`` and the core's windowed reductions."""
from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np

from .... import lax
from .... import numpy as jnp
from ...._src import conv as core_conv
from ... import _autograd as AG
from ..._tensor import Tensor

__all__ = [
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
    "max_pool1d", "max_pool2d", "max_pool3d", "avg_pool1d", "avg_pool2d", "avg_pool3d",
    "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_max_pool1d",
    "adaptive_max_pool2d", "lp_pool2d",
]


def ntuple(value: Any, n: int, name: str = "argument") -> tuple[int, ...]:
    """An int or a length-``n`` sequence as an ``n``-tuple of ints."""
    if isinstance(value, (list, tuple)):
        if len(value) == 1 and n > 1:
            return tuple(int(value[0]) for _ in range(n))
        if len(value) != n:
            raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} "
                               f"values to match the convolution dimensions, but got "
                               f"{name}={list(value)}")
        return tuple(int(v) for v in value)
    return (int(value),) * n


def _batched(input: Tensor, nsp: int, fname: str) -> bool:
    """Whether the input has a batch dim (torch accepts unbatched ``(C, *spatial)``)."""
    if input.ndim == nsp + 2:
        return True
    if input.ndim == nsp + 1:
        return False
    raise RuntimeError(
        f"{fname}: Expected {nsp + 1}D (unbatched) or {nsp + 2}D (batched) input, but got "
        f"input of size: {list(input.shape)}"
    )


def _same_pads(kernel: tuple, dilation: tuple) -> tuple[tuple[int, int], ...]:
    pads = []
    for k, d in zip(kernel, dilation):
        total = d * (k - 1)
        pads.append((total // 2, total - total // 2))
    return tuple(pads)


def _conv(input: Tensor, weight: Tensor, bias: Any, stride: Any, padding: Any, dilation: Any,
          groups: int, nsp: int, fname: str) -> Tensor:
    if not isinstance(input, Tensor):
        raise TypeError(f"{fname}() received an invalid combination of arguments: input must "
                        f"be a Tensor, got {type(input).__name__}")
    batched = _batched(input, nsp, fname)
    stride = ntuple(stride, nsp, "stride")
    dilation = ntuple(dilation, nsp, "dilation")
    w_shape = tuple(weight.shape)
    if len(w_shape) != nsp + 2:
        raise RuntimeError(f"{fname}: expected a weight of {nsp + 2} dimensions, got "
                           f"{list(w_shape)}")
    in_ch = input.shape[1 if batched else 0]
    if in_ch != w_shape[1] * groups:
        shown = list(input.shape) if batched else [1] + list(input.shape)
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(w_shape)}, expected input{shown} to "
            f"have {w_shape[1] * groups} channels, but got {in_ch} channels instead. Hint: "
            "the layer's in_channels must equal the input's channel dim (dim 1, NCHW layout; "
            "an NHWC image needs x.permute(0, 3, 1, 2))"
        )
    if w_shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by "
                           f"{groups} at dimension 0, but got weight of size {list(w_shape)}")
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * nsp
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            pads = _same_pads(w_shape[2:], dilation)
        else:
            raise ValueError(f"Invalid padding string '{padding}', should be one of "
                             "{'valid', 'same'}")
    else:
        pads = tuple((p, p) for p in ntuple(padding, nsp, "padding"))
    for i in range(nsp):
        size = input.shape[i + (2 if batched else 1)] + sum(pads[i])
        eff = dilation[i] * (w_shape[2 + i] - 1) + 1
        if size < eff:
            raise RuntimeError(
                f"{fname}: Calculated padded input size per channel: "
                f"({' x '.join(str(input.shape[j + (2 if batched else 1)] + sum(pads[j])) for j in range(nsp))}). "  # noqa: E501
                f"Kernel size: ({' x '.join(str(dilation[j] * (w_shape[2 + j] - 1) + 1) for j in range(nsp))}). "  # noqa: E501
                "Kernel size can't be greater than actual input size"
            )
    if input._data.dtype != weight._data.dtype:
        raise RuntimeError(
            f"Input type ({input.dtype}) and weight type ({weight.dtype}) should be the same; "
            "convert the input (x.float()) or the model (model.double())")
    bshape = (1, -1) + (1,) * nsp

    def fn(x: Any, w: Any, *b: Any) -> Any:
        if not batched:
            x = x[None]
        y = lax.conv_general_dilated(x, w, stride, pads, rhs_dilation=dilation,
                                     feature_group_count=groups)
        if b:
            y = y + b[0].reshape(bshape)
        return y if batched else y[0]

    args = (input, weight) if bias is None else (input, weight, bias)
    return AG.apply(fn, "ConvolutionBackward0", args)


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """1-d cross-correlation of ``(N, C_in, L)`` with ``(C_out, C_in/groups, k)``.

    Example:
        >>> F.conv1d(torch.ones(1, 1, 5), torch.ones(1, 1, 3))
        tensor([[[3., 3., 3.]]])
    """
    return _conv(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """2-d cross-correlation of ``(N, C_in, H, W)`` with ``(C_out, C_in/groups, kH, kW)``;
    ``padding`` an int, a pair, ``'valid'`` or ``'same'``.

    Example:
        >>> F.conv2d(torch.ones(1, 1, 4, 4), torch.ones(2, 1, 3, 3), padding=1).shape
        torch.Size([1, 2, 4, 4])
    """
    return _conv(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """3-d cross-correlation of ``(N, C_in, D, H, W)``.

    Example:
        >>> F.conv3d(torch.ones(1, 1, 3, 3, 3), torch.ones(1, 1, 3, 3, 3)).shape
        torch.Size([1, 1, 1, 1, 1])
    """
    return _conv(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d")


def _conv_transpose(input: Tensor, weight: Tensor, bias: Any, stride: Any, padding: Any,
                    output_padding: Any, groups: int, dilation: Any, nsp: int, fname: str
                    ) -> Tensor:
    batched = _batched(input, nsp, fname)
    stride = ntuple(stride, nsp, "stride")
    padding = ntuple(padding, nsp, "padding")
    output_padding = ntuple(output_padding, nsp, "output_padding")
    dilation = ntuple(dilation, nsp, "dilation")
    w_shape = tuple(weight.shape)  # (C_in, C_out / groups, *k)
    in_ch = input.shape[1 if batched else 0]
    if in_ch != w_shape[0]:
        raise RuntimeError(
            f"Given transposed=1, weight of size {list(w_shape)}, expected input"
            f"{list(input.shape)} to have {w_shape[0]} channels, but got {in_ch} channels "
            "instead")
    for op, s, d in zip(output_padding, stride, dilation):
        if op >= max(s, d):
            raise RuntimeError("output padding must be smaller than either stride or dilation")
    ks = w_shape[2:]
    pads = tuple((d * (k - 1) - p, d * (k - 1) - p + op)
                 for k, p, op, d in zip(ks, padding, output_padding, dilation))
    c_in, c_out_g = w_shape[0], w_shape[1]
    bshape = (1, -1) + (1,) * nsp
    flip = tuple(range(2, 2 + nsp))

    def fn(x: Any, w: Any, *b: Any) -> Any:
        if not batched:
            x = x[None]
        # (C_in, C_out/g, k) -> (C_out, C_in/g, k) per group, spatially flipped
        wk = w.reshape((groups, c_in // groups, c_out_g) + ks)
        wk = jnp.swapaxes(wk, 1, 2).reshape((groups * c_out_g, c_in // groups) + ks)
        wk = jnp.flip(wk, axis=flip)
        y = lax.conv_general_dilated(x, wk, (1,) * nsp, pads, lhs_dilation=stride,
                                     rhs_dilation=dilation, feature_group_count=groups)
        if b:
            y = y + b[0].reshape(bshape)
        return y if batched else y[0]

    args = (input, weight) if bias is None else (input, weight, bias)
    return AG.apply(fn, "ConvolutionBackward0", args)


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
                     stride: Any = 1, padding: Any = 0, output_padding: Any = 0,
                     groups: int = 1, dilation: Any = 1) -> Tensor:
    """1-d transposed convolution (the gradient of conv1d with respect to its input).

    Example:
        >>> F.conv_transpose1d(torch.ones(1, 1, 3), torch.ones(1, 1, 2), stride=2).shape
        torch.Size([1, 1, 6])
    """
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups,
                           dilation, 1, "conv_transpose1d")


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
                     stride: Any = 1, padding: Any = 0, output_padding: Any = 0,
                     groups: int = 1, dilation: Any = 1) -> Tensor:
    """2-d transposed convolution; weight ``(C_in, C_out/groups, kH, kW)``; output size
    ``(H - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1``.

    Example:
        >>> F.conv_transpose2d(torch.ones(1, 2, 3, 3), torch.ones(2, 4, 2, 2), stride=2).shape
        torch.Size([1, 4, 6, 6])
    """
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups,
                           dilation, 2, "conv_transpose2d")


# ---- pooling ------------------------------------------------------------------------------------

def _pool_geometry(sizes: tuple, kernel: tuple, stride: tuple, padding: tuple,
                   dilation: tuple, ceil_mode: bool, fname: str) -> tuple:
    """Output sizes and (low, high) pads per pooled dim, torch's formula (ceil_mode drops a
    last window that would start in the right padding)."""
    outs, pads = [], []
    for L, k, s, p, d in zip(sizes, kernel, stride, padding, dilation):
        eff = d * (k - 1) + 1
        if p > eff // 2 or 2 * p > k:
            raise RuntimeError(f"{fname}: pad should be at most half of effective kernel size, "
                               f"but got pad={p}, kernel_size={k} and dilation={d}")
        span = L + 2 * p - eff
        out = (-(-span // s) if ceil_mode else span // s) + 1
        if ceil_mode and (out - 1) * s >= L + p:
            out -= 1
        if out < 1:
            raise RuntimeError(f"{fname}: Given input size per channel: {list(sizes)}. "
                               f"Calculated output size is too small (kernel {list(kernel)}, "
                               f"padding {list(padding)})")
        outs.append(out)
        pads.append((p, max(p, (out - 1) * s + eff - L - p)))
    return tuple(outs), tuple(pads)


def _pool_args(input: Tensor, nsp: int, kernel_size: Any, stride: Any, padding: Any,
               dilation: Any, fname: str) -> tuple:
    batched = _batched(input, nsp, fname)
    kernel = ntuple(kernel_size, nsp, "kernel_size")
    stride = kernel if stride is None or (isinstance(stride, (list, tuple)) and not stride) \
        else ntuple(stride, nsp, "stride")
    return batched, kernel, stride, ntuple(padding, nsp, "padding"), \
        ntuple(dilation, nsp, "dilation")


def _max_pool(input: Tensor, nsp: int, kernel_size: Any, stride: Any, padding: Any,
              dilation: Any, ceil_mode: bool, return_indices: bool, fname: str) -> Any:
    batched, kernel, stride, padding, dilation = _pool_args(input, nsp, kernel_size, stride,
                                                            padding, dilation, fname)
    sizes = tuple(input.shape)[-nsp:]
    outs, pads = _pool_geometry(sizes, kernel, stride, padding, dilation, ceil_mode, fname)
    out = AG.apply(lambda x: core_conv.max_pool(x, kernel, stride, pads, dilation),
                   "MaxPool2DWithIndicesBackward0", (input,))
    if not return_indices:
        return out
    return out, _max_indices(input, kernel, stride, pads, dilation, outs)


def _max_indices(input: Tensor, kernel: tuple, stride: tuple, pads: tuple, dilation: tuple,
                 outs: tuple) -> Tensor:
    """Flat per-plane indices of each window's (first) maximum, on host values."""
    from ... import _creation as C

    nsp = len(kernel)
    x = np.asarray(input.detach()._concrete())
    lead = x.shape[:-nsp]
    xp = np.pad(x.astype(np.float64), [(0, 0)] * len(lead) + list(pads),
                constant_values=-np.inf)
    positions = np.arange(math.prod(x.shape[-nsp:])).reshape(x.shape[-nsp:])
    pos_p = np.pad(positions, list(pads), constant_values=-1)
    best = np.full(lead + outs, -np.inf)
    idx = np.zeros(lead + outs, dtype=np.int64)
    for offset in np.ndindex(*kernel):
        sl = tuple(slice(o * d, o * d + (n - 1) * s + 1, s)
                   for o, d, n, s in zip(offset, dilation, outs, stride))
        vals = xp[(Ellipsis,) + sl]
        better = vals > best
        best = np.where(better, vals, best)
        idx = np.where(better, pos_p[sl], idx)
    return C.tensor(idx, device=input.device)


def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """Max over windows of the last dim of ``(N, C, L)``.

    Example:
        >>> F.max_pool1d(torch.tensor([[[1.0, 3.0, 2.0, 4.0]]]), 2)
        tensor([[[3., 4.]]])
    """
    return _max_pool(input, 1, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices, "max_pool1d")


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """Max over ``kernel_size`` windows of ``(N, C, H, W)``; ``stride`` defaults to the
    kernel; padding acts as -inf.

    Example:
        >>> F.max_pool2d(torch.arange(16.0).view(1, 1, 4, 4), 2)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """
    return _max_pool(input, 2, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices, "max_pool2d")


def max_pool3d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """Max over windows of the last three dims.

    Example:
        >>> F.max_pool3d(torch.ones(1, 1, 2, 2, 2), 2).shape
        torch.Size([1, 1, 1, 1, 1])
    """
    return _max_pool(input, 3, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices, "max_pool3d")


@lru_cache(maxsize=256)
def _avg_divisor(sizes: tuple, kernel: tuple, stride: tuple, padding: tuple, outs: tuple,
                 count_include_pad: bool) -> np.ndarray:
    """torch's per-window divisor: the window clipped to the padded input (include pad) or to
    the input itself; separable, so an outer product of per-dim counts."""
    div = np.ones(())
    for L, k, s, p, n in zip(sizes, kernel, stride, padding, outs):
        start = np.arange(n) * s - p
        end = np.minimum(start + k, L + p)
        if count_include_pad:
            count = end - start
        else:
            count = np.minimum(end, L) - np.maximum(start, 0)
        div = np.multiply.outer(div, count)
    return div


def _avg_pool(input: Tensor, nsp: int, kernel_size: Any, stride: Any, padding: Any,
              ceil_mode: bool, count_include_pad: bool, divisor_override: Any,
              fname: str) -> Tensor:
    batched, kernel, stride, padding, _ = _pool_args(input, nsp, kernel_size, stride, padding,
                                                     1, fname)
    sizes = tuple(input.shape)[-nsp:]
    outs, pads = _pool_geometry(sizes, kernel, stride, padding, (1,) * nsp, ceil_mode, fname)
    lead = input.ndim - nsp
    window = (1,) * lead + kernel
    strides = (1,) * lead + stride
    full_pads = ((0, 0),) * lead + pads
    if divisor_override:
        divisor: Any = float(divisor_override)
    else:
        div = _avg_divisor(sizes, kernel, stride, padding, outs, count_include_pad)
        uniform = div.size == 0 or (div == div.flat[0]).all()
        divisor = float(div.flat[0]) if uniform and div.size else div

    def fn(x: Any) -> Any:
        total = lax.reduce_window(x, 0.0, lax.add, window, strides, full_pads)
        d = divisor if isinstance(divisor, float) else jnp.asarray(divisor, x.dtype)
        return total / d

    return AG.apply(fn, "AvgPool2DBackward0", (input,), saves=AG.SAVE_NONE)


def avg_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True) -> Tensor:
    """Mean over windows of the last dim.

    Example:
        >>> F.avg_pool1d(torch.tensor([[[1.0, 3.0, 2.0, 4.0]]]), 2)
        tensor([[[2., 3.]]])
    """
    return _avg_pool(input, 1, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     None, "avg_pool1d")


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """Mean over windows of ``(N, C, H, W)``; ``count_include_pad`` counts zero padding in
    the divisor (torch's default), ``divisor_override`` replaces it.

    Example:
        >>> F.avg_pool2d(torch.ones(1, 1, 4, 4), 2)
        tensor([[[[1., 1.],
                  [1., 1.]]]])
    """
    return _avg_pool(input, 2, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override, "avg_pool2d")


def avg_pool3d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """Mean over windows of the last three dims.

    Example:
        >>> F.avg_pool3d(torch.ones(1, 1, 2, 2, 2), 2).shape
        torch.Size([1, 1, 1, 1, 1])
    """
    return _avg_pool(input, 3, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override, "avg_pool3d")


def _bins(n_in: int, n_out: int) -> list[tuple[int, int]]:
    """torch's adaptive bins: [floor(i * in / out), ceil((i + 1) * in / out))."""
    return [((i * n_in) // n_out, -((-(i + 1) * n_in) // n_out)) for i in range(n_out)]


@lru_cache(maxsize=256)
def _avg_matrix(n_in: int, n_out: int) -> np.ndarray:
    m = np.zeros((n_out, n_in))
    for i, (a, b) in enumerate(_bins(n_in, n_out)):
        m[i, a:b] = 1.0 / (b - a)
    return m


def _adaptive_sizes(input: Tensor, output_size: Any, nsp: int, fname: str) -> tuple:
    _batched(input, nsp, fname)
    if not isinstance(output_size, (list, tuple)):
        output_size = (output_size,) * nsp
    if len(output_size) != nsp:
        raise ValueError(f"{fname}: output_size must be an int or {nsp} values, got "
                         f"{output_size}")
    sizes = tuple(input.shape)[-nsp:]
    return sizes, tuple(s if o is None else int(o) for s, o in zip(sizes, output_size))


def _adaptive_avg(input: Tensor, output_size: Any, nsp: int, fname: str) -> Tensor:
    sizes, outs = _adaptive_sizes(input, output_size, nsp, fname)
    axes = tuple(range(input.ndim - nsp, input.ndim))
    if all(o == 1 for o in outs):
        return AG.apply(lambda x: jnp.mean(x, axis=axes, keepdims=True), "MeanBackward1",
                        (input,), saves=AG.SAVE_NONE)
    mats = [_avg_matrix(n, o) for n, o in zip(sizes, outs)]

    def fn(x: Any) -> Any:
        # separable: average along each pooled axis with a (out, in) bin matrix
        for axis, m in zip(axes, mats):
            x = jnp.moveaxis(jnp.tensordot(x, jnp.asarray(m, x.dtype), axes=([axis], [1])),
                             -1, axis)
        return x

    return AG.apply(fn, "AdaptiveAvgPool2DBackward0", (input,), saves=AG.SAVE_NONE)


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:
    """Average over ``output_size`` adaptive bins of the last dim.

    Example:
        >>> F.adaptive_avg_pool1d(torch.tensor([[[1.0, 2.0, 3.0]]]), 2)
        tensor([[[1.5000, 2.5000]]])
    """
    return _adaptive_avg(input, output_size, 1, "adaptive_avg_pool1d")


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Average over adaptive bins (``start = floor(i*in/out)``, ``end = ceil((i+1)*in/out)``)
    so the output is ``output_size`` (an int, a pair, None keeps a size).

    Example:
        >>> F.adaptive_avg_pool2d(torch.ones(1, 3, 7, 7), 1).shape
        torch.Size([1, 3, 1, 1])
    """
    return _adaptive_avg(input, output_size, 2, "adaptive_avg_pool2d")


def _adaptive_max(input: Tensor, output_size: Any, nsp: int, return_indices: bool,
                  fname: str) -> Any:
    sizes, outs = _adaptive_sizes(input, output_size, nsp, fname)
    if return_indices:
        raise NotImplementedError(f"{fname}: return_indices=True is not supported by the "
                                  "facade; use max_pool with a fixed kernel for indices")
    axes = tuple(range(input.ndim - nsp, input.ndim))
    bins = [_bins(n, o) for n, o in zip(sizes, outs)]

    def fn(x: Any) -> Any:
        # per pooled axis: max over each bin, stacked (max is separable over axes)
        for axis, axis_bins in zip(axes, bins):
            parts = [jnp.max(_take_range(x, a, b, axis), axis=axis, keepdims=True)
                     for a, b in axis_bins]
            x = jnp.concatenate(parts, axis=axis)
        return x

    return AG.apply(fn, "AdaptiveMaxPool2DBackward0", (input,))


def adaptive_max_pool1d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Max over adaptive bins of the last dim.

    Example:
        >>> F.adaptive_max_pool1d(torch.tensor([[[1.0, 2.0, 3.0]]]), 2)
        tensor([[[2., 3.]]])
    """
    return _adaptive_max(input, output_size, 1, return_indices, "adaptive_max_pool1d")


def adaptive_max_pool2d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Max over adaptive bins of the last two dims.

    Example:
        >>> F.adaptive_max_pool2d(torch.arange(16.0).view(1, 1, 4, 4), 1)
        tensor([[[[15.]]]])
    """
    return _adaptive_max(input, output_size, 2, return_indices, "adaptive_max_pool2d")


def lp_pool2d(input: Tensor, norm_type: float, kernel_size: Any, stride: Any = None,
              ceil_mode: bool = False) -> Tensor:
    """``(sum x^p)^(1/p)`` over windows.

    Example:
        >>> F.lp_pool2d(torch.ones(1, 1, 2, 2), 2, 2)
        tensor([[[[2.]]]])
    """
    kernel = ntuple(kernel_size, 2, "kernel_size")
    out = avg_pool2d(input.pow(norm_type), kernel, stride, 0, ceil_mode)
    return (out.sign() * out.abs()).mul(kernel[0] * kernel[1]).pow(1.0 / norm_type)


def _take_range(x: Any, start: int, stop: int, axis: int) -> Any:
    index = [slice(None)] * x.ndim
    index[axis] = slice(start, stop)
    return x[tuple(index)]
