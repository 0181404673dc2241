"""``embedding``, ``pad``, ``interpolate``/``upsample`` and distance helpers."""
from __future__ import annotations

import math
import warnings
from functools import lru_cache
from typing import Any

import numpy as np

from .... import lax
from .... import numpy as jnp
from ... import _autograd as AG
from ..._tensor import Tensor

__all__ = ["embedding", "pad", "interpolate", "upsample", "upsample_nearest",
           "upsample_bilinear", "cosine_similarity", "pairwise_distance", "pixel_shuffle",
           "pixel_unshuffle"]


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None,
              max_norm: float | None = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Rows of ``weight`` at the integer indices ``input``; the row ``padding_idx`` gets no
    gradient; ``max_norm`` renormalises the looked-up rows of ``weight`` in place first.

    Example:
        >>> F.embedding(torch.tensor([1]), torch.tensor([[0.0, 0.0], [1.0, 2.0]]))
        tensor([[1., 2.]])
    """
    if input._data.dtype.kind not in "iu":
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the "
                           f"following scalar types: Long, Int; but got {input.dtype} instead "
                           "(while checking arguments for embedding); use indices.long()")
    n = weight.shape[0]
    if padding_idx is not None:
        if padding_idx > 0 and padding_idx >= n or padding_idx < -n:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx %= n
    from ...._src.array import Array

    if isinstance(input._data, Array):
        idx = np.asarray(input._data)
        if idx.size and (idx.min() < 0 or idx.max() >= n):
            bad = int(idx.min() if idx.min() < 0 else idx.max())
            raise IndexError(f"index out of range in self: index {bad} for an embedding of "
                             f"{n} rows (valid indices 0..{n - 1}); check num_embeddings "
                             "against the vocabulary size")
        if max_norm is not None:
            _renorm_rows(weight, np.unique(idx), max_norm, norm_type)
    pad = padding_idx

    def fn(w: Any, i: Any) -> Any:
        out = jnp.take(w, i, axis=0)
        if pad is not None:
            out = jnp.where((i == pad)[..., None], lax.stop_gradient(out), out)
        return out

    return AG.apply(fn, "EmbeddingBackward0", (weight, input))


def _renorm_rows(weight: Tensor, rows: np.ndarray, max_norm: float, norm_type: float) -> None:
    w = np.array(weight.detach()._concrete())
    norms = np.linalg.norm(w[rows].astype(np.float64), ord=norm_type, axis=1)
    scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
    w[rows] = (w[rows] * scale[:, None]).astype(w.dtype)
    from ...._src.array import Array

    with AG.no_grad():
        weight._set_value(Array(w))


def pad(input: Tensor, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad the last ``len(pad) // 2`` dims: ``pad = (left, right, top, bottom, ...)`` starting
    from the last dim. ``mode``: 'constant' (negative pads crop), 'reflect', 'replicate',
    'circular'.

    Example:
        >>> F.pad(torch.ones(1, 2), (1, 1))
        tensor([[0., 1., 1., 0.]])
    """
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    k = len(pad) // 2
    if k > input.ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the "
                           f"input dimension but got padding length {len(pad)} and input of "
                           f"dimension {input.ndim}")
    pairs = [(0, 0)] * (input.ndim - k) + [(pad[2 * i], pad[2 * i + 1])
                                             for i in reversed(range(k))]
    if mode == "constant":
        fill = 0.0 if value is None else value

        grow = tuple((max(lo, 0), max(hi, 0), 0) for lo, hi in pairs)
        crop = tuple(slice(max(-lo, 0), (n + max(lo, 0) + max(hi, 0)) - max(-hi, 0))
                     for (lo, hi), n in zip(pairs, input.shape))
        if any(sl.stop - sl.start < 0 for sl in crop):
            raise RuntimeError(f"The input size {list(input.shape)}, plus negative padding "
                               f"{list(pad)} resulted in a negative output size")

        def fn(x: Any) -> Any:
            y = lax.pad(x, jnp.asarray(fill, x.dtype), grow)
            return y[crop]  # negative pads crop

        return AG.apply(fn, "ConstantPadNdBackward0", (input,), saves=AG.SAVE_NONE)
    np_mode = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}.get(mode)
    if np_mode is None:
        raise NotImplementedError(f"Unsupported padding mode: {mode}; use 'constant', "
                                  "'reflect', 'replicate' or 'circular'")
    if any(lo < 0 or hi < 0 for lo, hi in pairs):
        raise RuntimeError(f"negative padding is only supported in 'constant' mode, got {pad}")
    if mode == "reflect":
        for (lo, hi), s in zip(pairs, input.shape):
            if lo >= s or hi >= s:
                raise RuntimeError(f"Argument #4: Padding size should be less than the "
                                   f"corresponding input dimension, but got: padding ({lo}, "
                                   f"{hi}) at dimension of input {list(input.shape)}")
    name = {"reflect": "ReflectionPad2DBackward0", "edge": "ReplicationPad2DBackward0",
            "wrap": "CircularPadBackward0"}[np_mode]
    return AG.apply(lambda x: jnp.pad(x, pairs, mode=np_mode), name, (input,),
                    saves=AG.SAVE_NONE)


def _out_sizes(input: Tensor, nsp: int, size: Any, scale_factor: Any) -> tuple:
    in_sizes = tuple(input.shape)[-nsp:]
    if (size is None) == (scale_factor is None):
        raise ValueError("either size or scale_factor should be defined (exactly one)")
    if size is not None:
        sizes = tuple(size) if isinstance(size, (list, tuple)) else (size,) * nsp
        if len(sizes) != nsp:
            raise ValueError(f"Input and output must have the same number of spatial "
                             f"dimensions, but got input with spatial dimensions of "
                             f"{list(in_sizes)} and output size of {list(sizes)}.")
        return in_sizes, tuple(int(s) for s in sizes), None
    scales = tuple(scale_factor) if isinstance(scale_factor, (list, tuple)) else \
        (scale_factor,) * nsp
    outs = tuple(int(math.floor(s * f)) for s, f in zip(in_sizes, scales))
    return in_sizes, outs, tuple(float(f) for f in scales)


@lru_cache(maxsize=256)
def _nearest_index(n_in: int, n_out: int, scale: float | None, exact: bool) -> np.ndarray:
    ratio = (1.0 / scale) if scale is not None else n_in / n_out
    dst = np.arange(n_out, dtype=np.float64)
    src = np.floor((dst + 0.5) * ratio) if exact else np.floor(dst * np.float32(ratio))
    return np.minimum(src.astype(np.int64), n_in - 1)


@lru_cache(maxsize=256)
def _linear_matrix(n_in: int, n_out: int, scale: float | None, align_corners: bool
                   ) -> np.ndarray:
    """(n_out, n_in) weights of torch's linear interpolation along one axis."""
    dst = np.arange(n_out, dtype=np.float64)
    if align_corners:
        src = dst * ((n_in - 1) / (n_out - 1)) if n_out > 1 else np.zeros(n_out)
    else:
        ratio = (1.0 / scale) if scale is not None else n_in / n_out
        src = np.maximum((dst + 0.5) * ratio - 0.5, 0.0)
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    i1 = np.minimum(i0 + 1, n_in - 1)
    lam = src - i0
    m = np.zeros((n_out, n_in))
    np.add.at(m, (np.arange(n_out), i0), 1.0 - lam)
    np.add.at(m, (np.arange(n_out), i1), lam)
    return m


def interpolate(input: Tensor, size: Any = None, scale_factor: Any = None,
                mode: str = "nearest", align_corners: bool | None = None,
                recompute_scale_factor: bool | None = None, antialias: bool = False) -> Tensor:
    """Resize the spatial dims (all but N, C): ``mode`` 'nearest', 'nearest-exact', 'linear'
    (3-d), 'bilinear' (4-d), 'trilinear' (5-d), with torch's source-index conventions
    (``align_corners``; a given ``scale_factor`` is used as is unless
    ``recompute_scale_factor``).

    Example:
        >>> F.interpolate(torch.tensor([[[1.0, 2.0]]]), scale_factor=2)
        tensor([[[1., 1., 2., 2.]]])
    """
    nsp = input.ndim - 2
    if nsp < 1:
        raise ValueError(f"interpolate: expected a 3-d, 4-d or 5-d input (N, C, ...), got "
                         f"{list(input.shape)}")
    in_sizes, outs, scales = _out_sizes(input, nsp, size, scale_factor)
    if recompute_scale_factor:
        scales = None
    axes = tuple(range(2, input.ndim))
    if mode in ("nearest", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating "
                             "modes: linear | bilinear | bicubic | trilinear")
        exact = mode == "nearest-exact"
        idxs = [_nearest_index(n, o, None if scales is None else scales[i], exact)
                for i, (n, o) in enumerate(zip(in_sizes, outs))]

        def nearest(x: Any) -> Any:
            for axis, idx in zip(axes, idxs):
                x = jnp.take(x, jnp.asarray(idx), axis=axis)
            return x

        return AG.apply(nearest, "UpsampleNearest2DBackward0", (input,), saves=AG.SAVE_NONE)
    wanted = {"linear": 1, "bilinear": 2, "trilinear": 3}.get(mode)
    if wanted is None:
        raise NotImplementedError(f"interpolate: mode '{mode}' is not supported by the facade; "
                                  "use nearest, nearest-exact, linear, bilinear or trilinear")
    if wanted != nsp:
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs "
                                  f"{wanted + 2}D input (batch, channels and {wanted} spatial "
                                  "dims); reshape the input or pick the mode of its dims")
    if antialias:
        warnings.warn("interpolate: antialias=True is ignored by the facade", stacklevel=2)
    ac = bool(align_corners)
    mats = [_linear_matrix(n, o, None if (scales is None or ac) else scales[i], ac)
            for i, (n, o) in enumerate(zip(in_sizes, outs))]

    def linear(x: Any) -> Any:
        for axis, m in zip(axes, mats):
            x = jnp.moveaxis(jnp.tensordot(x, jnp.asarray(m, x.dtype), axes=([axis], [1])),
                             -1, axis)
        return x

    return AG.apply(linear, "UpsampleBilinear2DBackward0", (input,), saves=AG.SAVE_NONE)


def upsample(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
             align_corners: bool | None = None) -> Tensor:
    """Deprecated alias of ``interpolate``.

    Example:
        >>> F.upsample(torch.ones(1, 1, 2), scale_factor=2).shape
        torch.Size([1, 1, 4])
    """
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:
    """Deprecated: ``interpolate(mode='nearest')``.

    Example:
        >>> F.upsample_nearest(torch.ones(1, 1, 2), 4).shape
        torch.Size([1, 1, 4])
    """
    return interpolate(input, size, scale_factor, "nearest")


def upsample_bilinear(input: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:
    """Deprecated: ``interpolate(mode='bilinear', align_corners=True)``.

    Example:
        >>> F.upsample_bilinear(torch.ones(1, 1, 2, 2), scale_factor=2).shape
        torch.Size([1, 1, 4, 4])
    """
    return interpolate(input, size, scale_factor, "bilinear", True)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """``x1 . x2 / max(||x1|| ||x2||, eps)`` along ``dim``.

    Example:
        >>> F.cosine_similarity(torch.tensor([[1.0, 0.0]]), torch.tensor([[1.0, 0.0]]))
        tensor([1.])
    """
    def fn(a: Any, b: Any) -> Any:
        na = jnp.sqrt(jnp.sum(a * a, axis=dim))
        nb = jnp.sqrt(jnp.sum(b * b, axis=dim))
        return jnp.sum(a * b, axis=dim) / jnp.maximum(na * nb, eps)

    return AG.apply(fn, "DivBackward0", (x1, x2))


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """``||x1 - x2 + eps||_p`` along the last dim.

    Example:
        >>> F.pairwise_distance(torch.tensor([[0.0, 0.0]]), torch.tensor([[3.0, 4.0]]))
        tensor([5.0000])
    """
    def fn(a: Any, b: Any) -> Any:
        d = jnp.abs(a - b + eps)
        return jnp.sum(d ** p, axis=-1, keepdims=keepdim) ** (1.0 / p)

    return AG.apply(fn, "NormBackward1", (x1, x2))


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """``(*, C r^2, H, W)`` to ``(*, C, H r, W r)``.

    Example:
        >>> F.pixel_shuffle(torch.ones(1, 4, 2, 2), 2).shape
        torch.Size([1, 1, 4, 4])
    """
    r = upscale_factor
    *lead, c, h, w = tuple(input.shape)
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be "
                           f"divisible by the square of upscale_factor, but input.size(-3)={c} "
                           f"is not divisible by {r * r}")
    lead = tuple(lead)
    nl = len(lead)

    def fn(x: Any) -> Any:
        y = x.reshape(lead + (c // (r * r), r, r, h, w))
        perm = tuple(range(nl)) + (nl, nl + 3, nl + 1, nl + 4, nl + 2)
        return jnp.transpose(y, perm).reshape(lead + (c // (r * r), h * r, w * r))

    return AG.apply(fn, "PixelShuffleBackward0", (input,), saves=AG.SAVE_NONE)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """``(*, C, H r, W r)`` to ``(*, C r^2, H, W)``.

    Example:
        >>> F.pixel_unshuffle(torch.ones(1, 1, 4, 4), 2).shape
        torch.Size([1, 4, 2, 2])
    """
    r = downscale_factor
    *lead, c, h, w = tuple(input.shape)
    lead = tuple(lead)
    nl = len(lead)

    def fn(x: Any) -> Any:
        y = x.reshape(lead + (c, h // r, r, w // r, r))
        perm = tuple(range(nl)) + (nl, nl + 2, nl + 4, nl + 1, nl + 3)
        return jnp.transpose(y, perm).reshape(lead + (c * r * r, h // r, w // r))

    return AG.apply(fn, "PixelUnshuffleBackward0", (input,), saves=AG.SAVE_NONE)
