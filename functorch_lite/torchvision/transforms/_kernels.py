"""numpy kernels behind the image transforms: padding, cropping and resampling.

Every kernel takes a channel-first array of shape ``(..., H, W)`` (a tensor image's layout; the
HWC arrays that stand in for PIL images are viewed as CHW by the caller) and returns a new array.
Two resampling families live here:

- ``resize_torch``: what ``torch.nn.functional.interpolate`` computes for tensors (bilinear or
  bicubic with ``align_corners=False``, with or without antialiasing; nearest; nearest-exact).
  Each is a linear map along H and along W, so the kernel builds one weight matrix per axis and
  applies the two with matmuls in the image's float dtype.
- ``resize_pil``: what Pillow's ``Image.resize`` computes for 8-bit images (its fixed-point
  convolution with 22 fractional bits, horizontal pass first and an 8-bit intermediate), so the
  numpy stand-in for a PIL image resizes to exactly the bytes Pillow would give.
"""
from __future__ import annotations

import math

import numpy as np

# Pillow's fixed-point precision for 8-bit resampling: 32 - 8 bits of data - 2 bits of headroom.
_PIL_PRECISION_BITS = 32 - 8 - 2


# ---------------------------------------------------------------------------------------------
# padding and cropping
# ---------------------------------------------------------------------------------------------

def parse_padding(padding) -> tuple[int, int, int, int]:
    """torchvision's padding argument as ``(left, top, right, bottom)``."""
    if isinstance(padding, bool) or not isinstance(padding, (int, tuple, list)):
        raise TypeError(f"Got inappropriate padding arg: {padding!r} (expected an int or a "
                        f"sequence of 1, 2 or 4 ints)")
    if isinstance(padding, int):
        return padding, padding, padding, padding
    padding = [int(p) for p in padding]
    if len(padding) == 1:
        return padding[0], padding[0], padding[0], padding[0]
    if len(padding) == 2:
        return padding[0], padding[1], padding[0], padding[1]
    if len(padding) == 4:
        return padding[0], padding[1], padding[2], padding[3]
    raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a "
                     f"{len(padding)} element tuple")


def pad(img: np.ndarray, ltrb: tuple[int, int, int, int], fill=0,
        padding_mode: str = "constant") -> np.ndarray:
    """Pad the last two axes; negative amounts crop first (as torchvision does)."""
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric, "
                         f"got {padding_mode!r}")
    left, top, right, bottom = ltrb
    height, width = img.shape[-2:]
    # Negative padding removes rows/columns from that side.
    img = img[..., max(-top, 0): height - max(-bottom, 0), max(-left, 0): width - max(-right, 0)]
    left, top, right, bottom = (max(p, 0) for p in ltrb)
    if padding_mode != "constant":
        widths = [(0, 0)] * (img.ndim - 2) + [(top, bottom), (left, right)]
        # numpy's reflect repeats the reflection for pads wider than the image, as Pillow's
        # path does; tensors reject such pads (torch does) in functional.pad.
        return np.pad(img, widths, mode=padding_mode)
    # Constant padding by allocation and one copy (np.pad is slower per sample).
    out = np.empty(img.shape[:-2] + (img.shape[-2] + top + bottom,
                                     img.shape[-1] + left + right), img.dtype)
    if isinstance(fill, (tuple, list)) and len(fill) != 1:
        if img.ndim < 3 or len(fill) != img.shape[-3]:
            raise ValueError(f"fill has {len(fill)} values but the image has "
                             f"{img.shape[-3] if img.ndim >= 3 else 1} channels")
        out[...] = np.asarray(fill).astype(img.dtype).reshape(-1, 1, 1)
    else:
        fill = fill[0] if isinstance(fill, (tuple, list)) else fill
        out[...] = np.asarray(0 if fill is None else fill).astype(img.dtype)
    out[..., top: top + img.shape[-2], left: left + img.shape[-1]] = img
    return out


def crop(img: np.ndarray, top: int, left: int, height: int, width: int) -> np.ndarray:
    """Crop the last two axes; parts of the box outside the image are zero (as torchvision)."""
    h, w = img.shape[-2:]
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        ltrb = (max(-left + min(0, right), 0), max(-top + min(0, bottom), 0),
                max(right - max(w, left), 0), max(bottom - max(h, top), 0))
        return pad(img[..., max(top, 0): bottom, max(left, 0): right], ltrb, fill=0)
    return img[..., top:bottom, left:right]


# ---------------------------------------------------------------------------------------------
# resampling weights: one (out, in) matrix per axis
# ---------------------------------------------------------------------------------------------

def _triangle(x: np.ndarray) -> np.ndarray:
    x = np.abs(x)
    return np.where(x < 1.0, 1.0 - x, 0.0)


def _keys_cubic(a: float):
    # Keys' cubic convolution kernel; Pillow and torch's antialiased bicubic use a = -0.5.
    def kernel(x: np.ndarray) -> np.ndarray:
        x = np.abs(x)
        near = ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0
        far = (((x - 5.0) * x + 8.0) * x - 4.0) * a
        return np.where(x < 1.0, near, np.where(x < 2.0, far, 0.0))
    return kernel


_FILTERS = {"bilinear": (_triangle, 1.0), "bicubic": (_keys_cubic(-0.5), 2.0)}


def antialias_weights(in_size: int, out_size: int, mode: str) -> np.ndarray:
    """Pillow's (and torch's antialias=True) separable filter weights, rows summing to 1.

    For output pixel ``i`` the filter is centred at ``(i + 0.5) * scale`` and stretched by
    ``max(scale, 1)``, so a downscale averages over every input pixel it covers.
    """
    kernel, support = _FILTERS[mode]
    scale = in_size / out_size
    filter_scale = max(scale, 1.0)
    support = support * filter_scale
    weights = np.zeros((out_size, in_size), np.float64)
    for i in range(out_size):
        center = (i + 0.5) * scale
        # int() truncates toward zero exactly like the C casts in Pillow and torch.
        x_min = max(int(center - support + 0.5), 0)
        x_max = min(int(center + support + 0.5), in_size)
        taps = np.arange(x_min, x_max)
        w = kernel((taps - center + 0.5) / filter_scale)
        total = w.sum()
        weights[i, x_min:x_max] = w / total if total != 0.0 else w
    return weights


def _cubic_interp_weights(in_size: int, out_size: int) -> np.ndarray:
    # torch's bicubic without antialias: a = -0.75, four taps clamped to the border.
    scale = in_size / out_size
    kernel = _keys_cubic(-0.75)
    weights = np.zeros((out_size, in_size), np.float64)
    for i in range(out_size):
        src = scale * (i + 0.5) - 0.5
        i0 = math.floor(src)
        t = src - i0
        coeffs = kernel(np.array([t + 1.0, t, 1.0 - t, 2.0 - t]))
        for k, c in zip(range(i0 - 1, i0 + 3), coeffs):
            weights[i, min(max(k, 0), in_size - 1)] += c
    return weights


def _linear_interp_weights(in_size: int, out_size: int) -> np.ndarray:
    # torch's bilinear without antialias, align_corners=False: source clamped at 0.
    scale = in_size / out_size
    weights = np.zeros((out_size, in_size), np.float64)
    for i in range(out_size):
        src = max(scale * (i + 0.5) - 0.5, 0.0)
        i0 = int(src)
        lam = min(max(src - i0, 0.0), 1.0)
        i1 = i0 + 1 if i0 < in_size - 1 else i0
        weights[i, i0] += 1.0 - lam
        weights[i, i1] += lam
    return weights


def nearest_indices(in_size: int, out_size: int, exact: bool) -> np.ndarray:
    """Source index of each output pixel for torch's 'nearest' / 'nearest-exact'."""
    # torch computes the scale and the product in float32; doing the same keeps ties identical.
    scale = np.float32(in_size) / np.float32(out_size)
    dst = np.arange(out_size, dtype=np.float32)
    if exact:
        dst = dst + np.float32(0.5)
    src = np.floor(dst * scale).astype(np.int64)
    return np.minimum(src, in_size - 1)


def torch_weights(in_size: int, out_size: int, mode: str, antialias: bool) -> np.ndarray:
    """The (out, in) matrix of ``interpolate`` along one axis (bilinear/bicubic modes)."""
    if antialias:
        return antialias_weights(in_size, out_size, mode)
    if mode == "bilinear":
        return _linear_interp_weights(in_size, out_size)
    return _cubic_interp_weights(in_size, out_size)


def resize_torch(img: np.ndarray, size: tuple[int, int], mode: str,
                 antialias: bool) -> np.ndarray:
    """Resize the last two axes of a float array as ``torch.nn.functional.interpolate`` does."""
    out_h, out_w = size
    in_h, in_w = img.shape[-2:]
    if mode in ("nearest", "nearest-exact"):
        exact = mode == "nearest-exact"
        rows = nearest_indices(in_h, out_h, exact)
        cols = nearest_indices(in_w, out_w, exact)
        return img[..., rows[:, None], cols[None, :]]
    w_h = torch_weights(in_h, out_h, mode, antialias).astype(img.dtype)
    w_w = torch_weights(in_w, out_w, mode, antialias).astype(img.dtype)
    # (out_h, in_h) @ (..., in_h, in_w) @ (in_w, out_w)
    return np.matmul(np.matmul(w_h, img), w_w.T)


# ---------------------------------------------------------------------------------------------
# Pillow's resampling of 8-bit images, bit for bit
# ---------------------------------------------------------------------------------------------

def _pil_fixed_point(weights: np.ndarray) -> np.ndarray:
    # Pillow rounds each normalised coefficient half away from zero to 22 fractional bits.
    scaled = weights * (1 << _PIL_PRECISION_BITS)
    return np.trunc(scaled + np.where(scaled < 0, -0.5, 0.5)).astype(np.int64)


def _pil_pass_u8(img: np.ndarray, weights: np.ndarray, axis: int) -> np.ndarray:
    coeffs = _pil_fixed_point(weights)
    acc = np.tensordot(np.moveaxis(img.astype(np.int64), axis, -1), coeffs.T, axes=1)
    acc = (acc + (1 << (_PIL_PRECISION_BITS - 1))) >> _PIL_PRECISION_BITS
    return np.moveaxis(np.clip(acc, 0, 255).astype(np.uint8), -1, axis)


def _pil_nearest(in_size: int, out_size: int) -> np.ndarray:
    # Pillow walks the source position by repeated addition of the scale, starting half a step
    # in, and truncates; accumulating the same way reproduces its choice at near-ties.
    scale = in_size / out_size
    steps = np.full(out_size, scale)
    steps[0] = 0.5 * scale
    return np.minimum(np.add.accumulate(steps).astype(np.int64), in_size - 1)


def resize_pil(img: np.ndarray, size: tuple[int, int], mode: str) -> np.ndarray:
    """Resize ``(..., H, W)`` like Pillow's ``Image.resize`` (8-bit fixed point or float).

    Pillow resamples horizontally first (into an image of the input's type) and then vertically,
    skipping a pass whose size does not change. Nearest picks ``floor((i + 0.5) * scale)``.
    """
    out_h, out_w = size
    in_h, in_w = img.shape[-2:]
    if mode in ("nearest", "nearest-exact"):
        rows, cols = _pil_nearest(in_h, out_h), _pil_nearest(in_w, out_w)
        return img[..., rows[:, None], cols[None, :]]
    passes = [(in_w, out_w, -1), (in_h, out_h, -2)]
    out = img
    for in_size, out_size, axis in passes:
        if in_size == out_size:
            continue
        weights = antialias_weights(in_size, out_size, mode)
        if out.dtype == np.uint8:
            out = _pil_pass_u8(out, weights, axis)
        else:
            moved = np.moveaxis(out.astype(np.float64), axis, -1) @ weights.T
            out = np.moveaxis(moved, -1, axis).astype(img.dtype)
    return out
