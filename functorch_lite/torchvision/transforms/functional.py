"""torchvision.transforms.functional: the image operations behind the transform classes.

Images come in three kinds, as in torchvision, with one addition:

- a facade ``Tensor`` of shape ``(..., C, H, W)`` (or ``(H, W)``);
- a ``PIL.Image.Image``, when Pillow is installed (handled with Pillow's own operations, so the
  results are torchvision's bit for bit);
- a numpy ``uint8`` array of shape ``(H, W, C)`` or ``(H, W)``: the stand-in for a PIL image when
  Pillow is absent (the datasets return these then). It is treated as the PIL image with the same
  pixels would be: geometric operations keep the HWC layout and dtype, and ``resize`` follows
  Pillow's 8-bit resampling (see docs/torchvision.md for the exactness).

Tensor images are processed in numpy (the facade's ``Tensor.numpy()`` and ``torch.from_numpy``)
and come back on the input's device: flips, crops, padding and resizing are data preparation and
carry no gradient. ``normalize`` is computed with tensor operations, so it is differentiable.
"""
from __future__ import annotations

import enum
import numbers
import sys
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from functorch_lite.torchvision.transforms import _kernels as K

try:  # Pillow is optional: without it, images are numpy HWC arrays.
    from PIL import Image as _PILImage
except ImportError:  # pragma: no cover - depends on the environment
    _PILImage = None

__all__ = [
    "InterpolationMode", "get_dimensions", "get_image_size", "get_image_num_channels",
    "to_tensor", "pil_to_tensor", "normalize", "hflip", "vflip", "pad", "crop", "center_crop",
    "resize", "resized_crop", "rgb_to_grayscale", "to_grayscale", "convert_image_dtype",
]


class InterpolationMode(enum.Enum):
    """Interpolation modes (torchvision's enum; values are the ``interpolate`` mode names).

    Example:
        >>> from functorch_lite.torchvision.transforms import InterpolationMode
        >>> InterpolationMode.BILINEAR.value
        'bilinear'
    """

    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    # Pillow-only filters (torchvision accepts them for PIL images only).
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


_FROM_INT = {0: InterpolationMode.NEAREST, 2: InterpolationMode.BILINEAR,
             3: InterpolationMode.BICUBIC, 4: InterpolationMode.BOX, 5: InterpolationMode.HAMMING,
             1: InterpolationMode.LANCZOS}
_PIL_FILTER = {InterpolationMode.NEAREST: 0, InterpolationMode.NEAREST_EXACT: 0,
               InterpolationMode.BILINEAR: 2, InterpolationMode.BICUBIC: 3,
               InterpolationMode.BOX: 4, InterpolationMode.HAMMING: 5,
               InterpolationMode.LANCZOS: 1}


def _interpolation(mode: Any) -> InterpolationMode:
    if isinstance(mode, InterpolationMode):
        return mode
    if isinstance(mode, int) and not isinstance(mode, bool) and mode in _FROM_INT:
        return _FROM_INT[mode]
    raise TypeError("Argument interpolation should be a InterpolationMode or a corresponding "
                    f"Pillow integer constant, got {mode!r}")


# ---------------------------------------------------------------------------------------------
# image kinds
# ---------------------------------------------------------------------------------------------

def _torch():
    import functorch_lite.torch as torch  # the facade; imported on first use
    return torch


def _is_tensor(img: Any) -> bool:
    # A facade Tensor can only exist once the facade module has been imported.
    tensor_cls = getattr(sys.modules.get("functorch_lite.torch"), "Tensor", None)
    return tensor_cls is not None and isinstance(img, tensor_cls)


def _is_pil(img: Any) -> bool:
    return _PILImage is not None and isinstance(img, _PILImage.Image)


def _kind_error(img: Any, what: str = "img") -> TypeError:
    return TypeError(f"{what} should be a Tensor, a PIL Image or a numpy HWC uint8 array "
                     f"(the PIL stand-in). Got {type(img)}")


def _check_array_image(img: np.ndarray) -> None:
    if img.ndim not in (2, 3):
        raise ValueError(f"a numpy image must be HWC or HW (2 or 3 dimensions); got shape "
                         f"{img.shape}. Tensor images are CHW: convert with ToTensor first")


def _to_chw(img: np.ndarray) -> np.ndarray:
    # transpose, not moveaxis: this runs per sample and moveaxis costs ~10x more
    return img[None] if img.ndim == 2 else img.transpose(2, 0, 1)


def _from_chw(out: np.ndarray, like: np.ndarray) -> np.ndarray:
    out = out[0] if like.ndim == 2 else out.transpose(1, 2, 0)
    return np.ascontiguousarray(out)


def _tensor_numpy(t: Any) -> np.ndarray:
    return t.detach().cpu().numpy()


def _like_tensor(arr: np.ndarray, like: Any) -> Any:
    out = _torch().from_numpy(np.ascontiguousarray(arr))
    return out if like.device.type == "cpu" else out.to(like.device)


def _assert_tensor_image(t: Any) -> None:
    if t.ndim < 2:
        raise TypeError(f"Tensor is not a torch image: expected (..., H, W), got shape "
                        f"{tuple(t.shape)}")


def _apply(img: Any, kernel, pil_fn=None) -> Any:
    """Run ``kernel`` (CHW numpy -> CHW numpy) on any kind of image, keeping its kind."""
    if _is_tensor(img):
        _assert_tensor_image(img)
        return _like_tensor(kernel(_tensor_numpy(img)), img)
    if _is_pil(img):
        if pil_fn is not None:
            return pil_fn(img)
        arr = np.asarray(img)
        out = _from_chw(kernel(_to_chw(arr)), arr)
        return _PILImage.fromarray(out, mode=img.mode if img.mode != "P" else None)
    if isinstance(img, np.ndarray):
        _check_array_image(img)
        return _from_chw(kernel(_to_chw(img)), img)
    raise _kind_error(img)


def get_dimensions(img: Any) -> list[int]:
    """``[channels, height, width]`` of an image.

    Example:
        >>> import numpy as np
        >>> get_dimensions(np.zeros((4, 5, 3), np.uint8))
        [3, 4, 5]
    """
    if _is_tensor(img):
        _assert_tensor_image(img)
        shape = tuple(img.shape)
        return [1 if len(shape) == 2 else shape[-3], shape[-2], shape[-1]]
    if _is_pil(img):
        return [len(img.getbands()), img.height, img.width]
    if isinstance(img, np.ndarray):
        _check_array_image(img)
        return [1 if img.ndim == 2 else img.shape[2], img.shape[0], img.shape[1]]
    raise _kind_error(img)


def get_image_size(img: Any) -> list[int]:
    """``[width, height]`` of an image (torchvision's order).

    Example:
        >>> import numpy as np
        >>> get_image_size(np.zeros((4, 5, 3), np.uint8))
        [5, 4]
    """
    _, h, w = get_dimensions(img)
    return [w, h]


def get_image_num_channels(img: Any) -> int:
    """The number of channels of an image.

    Example:
        >>> import numpy as np
        >>> get_image_num_channels(np.zeros((4, 5), np.uint8))
        1
    """
    return get_dimensions(img)[0]


# ---------------------------------------------------------------------------------------------
# conversions
# ---------------------------------------------------------------------------------------------

def _default_float():
    torch = _torch()
    get = getattr(torch, "get_default_dtype", None)
    return get() if get is not None else torch.float32


def _pil_array(pic: Any) -> np.ndarray:
    # torchvision's table: 32-bit int, 16-bit int and float modes keep their type.
    mode_to_nptype = {"I": np.int32, "I;16" if sys.byteorder == "little" else "I;16B": np.int16,
                      "F": np.float32}
    arr = np.array(pic, mode_to_nptype.get(pic.mode, np.uint8), copy=True)
    if pic.mode == "1":
        arr = (255 * arr).astype(np.uint8)
    return arr.reshape(pic.size[1], pic.size[0], len(pic.getbands()))


def to_tensor(pic: Any) -> Any:
    """Convert a PIL image or a numpy ``(H, W, C)`` array to a ``(C, H, W)`` tensor.

    ``uint8`` data becomes the default float dtype divided by 255; any other dtype is only
    transposed (as in torchvision).

    Example:
        >>> import numpy as np
        >>> t = to_tensor(np.full((2, 3, 1), 255, np.uint8))
        >>> tuple(t.shape), float(t.max())
        ((1, 2, 3), 1.0)
    """
    torch = _torch()
    if _is_pil(pic):
        arr = _pil_array(pic)
    elif isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        arr = pic[:, :, None] if pic.ndim == 2 else pic
    else:
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    chw = np.ascontiguousarray(arr.transpose(2, 0, 1))
    if chw.dtype == np.uint8:
        dtype = _default_float()
        np_dtype = np.float64 if dtype == torch.float64 else np.float32
        # x / 255 in the float dtype, exactly what `img.to(float).div(255)` computes.
        return torch.from_numpy(chw.astype(np_dtype) / np_dtype(255))
    return torch.from_numpy(chw)


def pil_to_tensor(pic: Any) -> Any:
    """A PIL image (or numpy HWC array) as a ``(C, H, W)`` tensor of the same dtype, unscaled.

    Example:
        >>> import numpy as np
        >>> t = pil_to_tensor(np.full((2, 3, 1), 7, np.uint8))
        >>> tuple(t.shape), int(t.max())
        ((1, 2, 3), 7)
    """
    if _is_pil(pic):
        arr = _pil_array(pic) if pic.mode != "1" else np.asarray(pic)[..., None]
    elif isinstance(pic, np.ndarray):
        _check_array_image(pic)
        arr = pic[:, :, None] if pic.ndim == 2 else pic
    else:
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    return _torch().from_numpy(np.ascontiguousarray(arr.transpose(2, 0, 1)))


def normalize(tensor: Any, mean: Sequence[float], std: Sequence[float],
              inplace: bool = False) -> Any:
    """``(tensor - mean) / std`` per channel of a float ``(..., C, H, W)`` tensor.

    Example:
        >>> import functorch_lite.torch as torch
        >>> x = torch.ones(3, 2, 2)
        >>> float(normalize(x, (0.5, 0.5, 0.5), (0.5, 0.5, 0.5))[0, 0, 0])
        1.0
    """
    if not _is_tensor(tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    if not tensor.is_floating_point():
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.ndim < 3:
        raise ValueError("Expected tensor to be a tensor image of size (..., C, H, W). Got "
                         f"tensor.size() = {tensor.size()}")
    mean_t, std_t = _normalize_constants(mean, std, tensor.dtype, tensor.device)
    if inplace:
        return tensor.sub_(mean_t).div_(std_t)
    return tensor.sub(mean_t).div(std_t)


_NORMALIZE_CACHE: dict = {}


def _normalize_constants(mean: Any, std: Any, dtype: Any, device: Any) -> tuple[Any, Any]:
    # A pipeline normalises every sample with the same constants: build the (C, 1, 1) tensors
    # once per (mean, std, dtype, device) rather than four facade ops per sample.
    try:
        key = (tuple(float(m) for m in mean), tuple(float(s) for s in std), dtype, str(device))
    except TypeError:  # tensors or nested sequences: no caching
        key = None
    if key is not None and key in _NORMALIZE_CACHE:
        return _NORMALIZE_CACHE[key]
    torch = _torch()
    mean_t = torch.as_tensor(mean, dtype=dtype, device=device)
    std_t = torch.as_tensor(std, dtype=dtype, device=device)
    if bool((std_t == 0).any()):
        raise ValueError(f"std evaluated to zero after conversion to {dtype}, leading to "
                         "division by zero.")
    if mean_t.ndim == 1:
        mean_t = mean_t.view(-1, 1, 1)
    if std_t.ndim == 1:
        std_t = std_t.view(-1, 1, 1)
    if key is not None:
        if len(_NORMALIZE_CACHE) > 64:
            _NORMALIZE_CACHE.clear()
        _NORMALIZE_CACHE[key] = (mean_t, std_t)
    return mean_t, std_t


def convert_image_dtype(image: Any, dtype: Any = None) -> Any:
    """Convert a tensor image's dtype, rescaling values (ints span their range, floats [0, 1]).

    Example:
        >>> import functorch_lite.torch as torch
        >>> x = torch.tensor([[[0, 255]]], dtype=torch.uint8)
        >>> convert_image_dtype(x, torch.float32).tolist()
        [[[0.0, 1.0]]]
    """
    torch = _torch()
    dtype = torch.float32 if dtype is None else dtype
    if not _is_tensor(image):
        raise TypeError("Input img should be Tensor Image")
    if image.dtype == dtype:
        return image
    arr = _tensor_numpy(image)
    out_np = np.dtype(torch.empty(0, dtype=dtype).numpy().dtype)
    if arr.dtype.kind == "f":
        if out_np.kind == "f":
            return image.to(dtype)
        if (arr.dtype == np.float32 and out_np in (np.int32, np.int64)) or (
                arr.dtype == np.float64 and out_np == np.int64):
            raise RuntimeError(f"The cast from {image.dtype} to {dtype} cannot be performed "
                               "safely.")
        # max + 1 - eps spreads [0, 1] evenly over the integer range (torchvision's choice).
        scaled = arr * arr.dtype.type(float(_int_max(out_np)) + 1.0 - 1e-3)
        return _like_tensor(scaled.astype(out_np), image)
    in_max = _int_max(arr.dtype)
    if out_np.kind == "f":
        return _like_tensor(arr.astype(out_np) / out_np.type(in_max), image)
    out_max = _int_max(out_np)
    if in_max > out_max:
        factor = (in_max + 1) // (out_max + 1)
        return _like_tensor((arr // factor).astype(out_np), image)
    factor = (out_max + 1) // (in_max + 1)
    return _like_tensor(arr.astype(out_np) * out_np.type(factor), image)


def _int_max(np_dtype: Any) -> int:
    np_dtype = np.dtype(np_dtype)
    if np_dtype == np.bool_:
        return 1
    return int(np.iinfo(np_dtype).max)


# ---------------------------------------------------------------------------------------------
# geometry
# ---------------------------------------------------------------------------------------------

def hflip(img: Any) -> Any:
    """Flip an image left-right.

    Example:
        >>> import numpy as np
        >>> hflip(np.array([[1, 2, 3]], np.uint8)).tolist()
        [[3, 2, 1]]
    """
    return _apply(img, lambda a: a[..., ::-1],
                  lambda p: p.transpose(_PILImage.Transpose.FLIP_LEFT_RIGHT))


def vflip(img: Any) -> Any:
    """Flip an image top-bottom.

    Example:
        >>> import numpy as np
        >>> vflip(np.array([[1], [2]], np.uint8)).tolist()
        [[2], [1]]
    """
    return _apply(img, lambda a: a[..., ::-1, :],
                  lambda p: p.transpose(_PILImage.Transpose.FLIP_TOP_BOTTOM))


def pad(img: Any, padding: int | Sequence[int], fill: Any = 0,
        padding_mode: str = "constant") -> Any:
    """Pad an image on its sides.

    ``padding``: an int (all sides), ``(left/right, top/bottom)`` or ``(left, top, right,
    bottom)``; negative values crop. ``padding_mode``: ``"constant"`` (with ``fill``; a tuple
    gives one value per channel for PIL/numpy images), ``"edge"``, ``"reflect"`` (no repeat of
    the border pixel) or ``"symmetric"`` (with repeat).

    Example:
        >>> import numpy as np
        >>> pad(np.array([[1, 2]], np.uint8), (1, 0), padding_mode="reflect").tolist()
        [[2, 1, 2, 1]]
    """
    ltrb = K.parse_padding(padding)
    if not isinstance(padding_mode, str):
        raise TypeError("Got inappropriate padding_mode arg")
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    if fill is not None and not isinstance(fill, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate fill arg")
    if _is_tensor(img):
        if isinstance(fill, (tuple, list)):
            raise TypeError("Got inappropriate fill arg: a Tensor image takes one number")
        h, w = tuple(img.shape)[-2:]
        left, top, right, bottom = ltrb
        if padding_mode == "reflect" and (max(top, bottom) >= h or max(left, right) >= w):
            raise RuntimeError(f"Padding size should be less than the corresponding input "
                               f"dimension: reflect padding {ltrb} (left, top, right, bottom) "
                               f"of an image with H, W = {(h, w)}; use 'symmetric' or 'edge'")
    if _is_pil(img) and padding_mode == "constant" and img.mode == "P":
        palette = img.getpalette()
        out = _apply(np.asarray(img), lambda a: K.pad(a, ltrb, fill, padding_mode))
        out = _PILImage.fromarray(out)
        out.putpalette(palette)
        return out
    return _apply(img, lambda a: K.pad(a, ltrb, fill, padding_mode))


def crop(img: Any, top: int, left: int, height: int, width: int) -> Any:
    """Crop the box with corner ``(top, left)`` and size ``(height, width)``.

    Parts of the box outside the image are filled with zeros (as torchvision does).

    Example:
        >>> import numpy as np
        >>> crop(np.arange(9, dtype=np.uint8).reshape(3, 3), 1, 1, 2, 2).tolist()
        [[4, 5], [7, 8]]
    """
    top, left, height, width = int(top), int(left), int(height), int(width)
    return _apply(img, lambda a: K.crop(a, top, left, height, width),
                  lambda p: p.crop((left, top, left + width, top + height)))


def _pair(size: Any, name: str = "size") -> tuple[int, int]:
    if isinstance(size, numbers.Number) and not isinstance(size, bool):
        return int(size), int(size)
    if isinstance(size, Sequence) and len(size) == 1:
        return int(size[0]), int(size[0])
    if isinstance(size, Sequence) and len(size) == 2:
        return int(size[0]), int(size[1])
    raise ValueError(f"Please provide only two dimensions (h, w) for {name}; got {size!r}")


def center_crop(img: Any, output_size: int | Sequence[int]) -> Any:
    """Crop the centre ``output_size`` (an int or ``(h, w)``); pads with zeros if larger.

    Example:
        >>> import numpy as np
        >>> center_crop(np.arange(16, dtype=np.uint8).reshape(4, 4), 2).tolist()
        [[5, 6], [9, 10]]
    """
    crop_h, crop_w = _pair(output_size, "output_size")
    _, h, w = get_dimensions(img)
    if crop_w > w or crop_h > h:
        ltrb = [(crop_w - w) // 2 if crop_w > w else 0, (crop_h - h) // 2 if crop_h > h else 0,
                (crop_w - w + 1) // 2 if crop_w > w else 0,
                (crop_h - h + 1) // 2 if crop_h > h else 0]
        img = pad(img, ltrb, fill=0)
        _, h, w = get_dimensions(img)
        if crop_w == w and crop_h == h:
            return img
    # Python's round (half to even) as in torchvision.
    top = int(round((h - crop_h) / 2.0))
    left = int(round((w - crop_w) / 2.0))
    return crop(img, top, left, crop_h, crop_w)


def _resized_size(h: int, w: int, size: Any, max_size: int | None) -> list[int]:
    if size is None:
        if not isinstance(max_size, int):
            raise ValueError(f"max_size must be an integer when size is None, but got "
                             f"{max_size} instead.")
        short, long = (w, h) if w <= h else (h, w)
        new_short, new_long = int(max_size * short / long), max_size
        new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
        return [new_h, new_w]
    if isinstance(size, int):
        size = [size]
    if len(size) == 1:
        short, long = (w, h) if w <= h else (h, w)
        requested = int(size[0])
        new_short, new_long = requested, int(requested * long / short)
        if max_size is not None:
            if max_size <= requested:
                raise ValueError(f"max_size = {max_size} must be strictly greater than the "
                                 f"requested size for the smaller edge size = {size}")
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
        new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
        return [new_h, new_w]
    return [int(size[0]), int(size[1])]


def _resize_tensor_array(arr: np.ndarray, out_hw: list[int], mode: str,
                         antialias: bool) -> np.ndarray:
    # torchvision: compute in float32 (or the float64 input), then round back for integers.
    if mode not in ("nearest", "nearest-exact", "bilinear", "bicubic"):
        raise ValueError(f"interpolation {mode!r} is only available for PIL images; tensors "
                         "support nearest, nearest-exact, bilinear and bicubic")
    if antialias and mode not in ("bilinear", "bicubic"):
        antialias = False
    work = arr if arr.dtype in (np.float32, np.float64) else arr.astype(np.float32)
    out = K.resize_torch(work, tuple(out_hw), mode, bool(antialias))
    if out.dtype != arr.dtype:
        if mode == "bicubic" and arr.dtype == np.uint8:
            out = np.clip(out, 0, 255)
        if arr.dtype.kind in "iu":
            out = np.round(out)
        out = out.astype(arr.dtype)
    return out


def resize(img: Any, size: int | Sequence[int] | None,
           interpolation: InterpolationMode | int = InterpolationMode.BILINEAR,
           max_size: int | None = None, antialias: bool | None = True) -> Any:
    """Resize an image. An int ``size`` sets the smaller edge (keeping the aspect ratio).

    Tensors resize like ``torch.nn.functional.interpolate`` (``align_corners=False``; with
    ``antialias=True``, the default, bilinear/bicubic downscaling averages like Pillow); PIL
    images with Pillow; numpy HWC arrays with Pillow's 8-bit algorithm re-implemented in numpy.

    Example:
        >>> import numpy as np
        >>> resize(np.zeros((4, 8, 3), np.uint8), 2).shape
        (2, 4, 3)
    """
    interpolation = _interpolation(interpolation)
    if isinstance(size, (list, tuple)):
        if len(size) not in (1, 2):
            raise ValueError(f"Size must be an int or a 1 or 2 element tuple/list, not a "
                             f"{len(size)} element tuple/list")
        if max_size is not None and len(size) != 1:
            raise ValueError("max_size should only be passed if size specifies the length of "
                             "the smaller edge, i.e. size should be an int or a sequence of "
                             "length 1 in torchscript mode.")
    _, h, w = get_dimensions(img)
    out_hw = _resized_size(h, w, size, max_size)
    if out_hw == [h, w]:
        return img
    if min(out_hw) <= 0:
        raise ValueError(f"resize to {out_hw} from {[h, w]}: the output size must be positive")
    if _is_tensor(img):
        return _apply(img, lambda a: _resize_tensor_array(a, out_hw, interpolation.value,
                                                          antialias))
    if antialias is False:
        warnings.warn("Anti-alias option is always applied for PIL Image input. Argument "
                      "antialias is ignored.", stacklevel=2)
    if _is_pil(img):
        return img.resize((out_hw[1], out_hw[0]), _PIL_FILTER[interpolation])
    if interpolation not in (InterpolationMode.NEAREST, InterpolationMode.NEAREST_EXACT,
                             InterpolationMode.BILINEAR, InterpolationMode.BICUBIC):
        raise ValueError(f"interpolation {interpolation} needs Pillow (pip install pillow) for "
                         "numpy images; nearest, bilinear and bicubic work without it")
    return _apply(img, lambda a: K.resize_pil(a, tuple(out_hw), interpolation.value))


def resized_crop(img: Any, top: int, left: int, height: int, width: int, size: Any,
                 interpolation: InterpolationMode | int = InterpolationMode.BILINEAR,
                 antialias: bool | None = True) -> Any:
    """``crop`` then ``resize`` (what RandomResizedCrop applies).

    Example:
        >>> import numpy as np
        >>> resized_crop(np.zeros((8, 8), np.uint8), 0, 0, 4, 4, [2, 2]).shape
        (2, 2)
    """
    img = crop(img, top, left, height, width)
    return resize(img, size, interpolation, antialias=antialias)


# ---------------------------------------------------------------------------------------------
# colour
# ---------------------------------------------------------------------------------------------

def _gray_tensor_array(arr: np.ndarray, num_output_channels: int) -> np.ndarray:
    if arr.ndim < 3:
        raise TypeError(f"Input image tensor should have at least 3 dimensions, but found "
                        f"{arr.ndim}")
    if arr.shape[-3] not in (1, 3):
        raise TypeError(f"Input image tensor permitted channel values are [1, 3], but found "
                        f"{arr.shape[-3]}")
    if arr.shape[-3] == 3:
        r, g, b = arr[..., 0, :, :], arr[..., 1, :, :], arr[..., 2, :, :]
        # Tensor path: ITU-R 601-2 luma in float32 (Python float times a tensor), truncated
        # back to the input dtype, as torchvision's `.to(img.dtype)` does.
        f = np.float32 if arr.dtype != np.float64 else np.float64
        luma = (f(0.2989) * r.astype(f) + f(0.587) * g.astype(f) + f(0.114) * b.astype(f))
        gray = luma.astype(arr.dtype)[..., None, :, :]
    else:
        gray = arr.copy()
    if num_output_channels == 3:
        gray = np.broadcast_to(gray, gray.shape[:-3] + (3,) + gray.shape[-2:]).copy()
    return gray


def _gray_pil_array(arr: np.ndarray, num_output_channels: int) -> np.ndarray:
    # Pillow's "L" conversion: (R*19595 + G*38470 + B*7471 + 0x8000) >> 16 on 8-bit pixels.
    if arr.shape[0] >= 3:
        rgb = arr[:3].astype(np.int64)
        gray = ((rgb[0] * 19595 + rgb[1] * 38470 + rgb[2] * 7471 + 0x8000) >> 16)
        gray = gray.astype(arr.dtype)[None]
    else:
        gray = arr[:1].copy()
    if num_output_channels == 3:
        gray = np.concatenate([gray] * 3, axis=0)
    return gray


def rgb_to_grayscale(img: Any, num_output_channels: int = 1) -> Any:
    """Convert an RGB image to grayscale with 1 or 3 (equal) output channels.

    Example:
        >>> import numpy as np
        >>> rgb_to_grayscale(np.full((1, 1, 3), 100, np.uint8)).tolist()
        [[100]]
    """
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    if _is_tensor(img):
        return _apply(img, lambda a: _gray_tensor_array(a, num_output_channels))
    if _is_pil(img):
        gray = img.convert("L")
        if num_output_channels == 3:
            gray = _PILImage.merge("RGB", [gray, gray, gray])
        return gray
    if isinstance(img, np.ndarray):
        _check_array_image(img)
        out = _gray_pil_array(_to_chw(img), num_output_channels)
        out = np.moveaxis(out, 0, -1)
        return np.ascontiguousarray(out[..., 0] if num_output_channels == 1 else out)
    raise _kind_error(img)


def to_grayscale(img: Any, num_output_channels: int = 1) -> Any:
    """Grayscale of a PIL image (or numpy HWC array); see :func:`rgb_to_grayscale`.

    Example:
        >>> import numpy as np
        >>> to_grayscale(np.full((1, 1, 3), 100, np.uint8), 3).shape
        (1, 1, 3)
    """
    if _is_tensor(img):
        raise TypeError(f"img should be PIL Image. Got {type(img)}")
    return rgb_to_grayscale(img, num_output_channels)

