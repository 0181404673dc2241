"""torchvision transforms on facade tensors: conversions, Normalize, tensor geometry, random
transforms under torch.manual_seed, the seed tutorial's CIFAR-10 pipeline through a DataLoader;
and, where real torchvision is installed, the same calls compared with it."""
import numpy as np
import pytest

import functorch_lite.torch as torch
import functorch_lite.torchvision as torchvision
from functorch_lite.torchvision import transforms as T
from functorch_lite.torchvision.transforms import functional as F


def _img(h=6, w=8, c=3, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (h, w, c), dtype=np.uint8)


# --- conversions ----------------------------------------------------------------------------

def test_to_tensor_scales_uint8_and_transposes():
    img = _img()
    t = T.ToTensor()(img)
    assert isinstance(t, torch.Tensor) and t.dtype == torch.float32
    assert tuple(t.shape) == (3, 6, 8)
    ref = img.transpose(2, 0, 1).astype(np.float32) / np.float32(255)
    np.testing.assert_array_equal(t.numpy(), ref)
    gray = F.to_tensor(img[..., 0])
    assert tuple(gray.shape) == (1, 6, 8)
    # non-uint8 data is only transposed, as in torchvision
    f = F.to_tensor(np.full((2, 2, 1), 3.5, np.float64))
    assert f.dtype == torch.float64 and f.numpy().max() == 3.5
    with pytest.raises(TypeError, match="PIL Image or ndarray"):
        F.to_tensor([[1, 2]])
    with pytest.raises(ValueError, match="2/3 dimensional"):
        F.to_tensor(np.zeros((1, 2, 2, 2), np.uint8))


def test_pil_to_tensor_and_convert_image_dtype():
    img = _img()
    t = T.PILToTensor()(img)
    assert t.dtype == torch.uint8
    np.testing.assert_array_equal(t.numpy(), img.transpose(2, 0, 1))
    f = T.ConvertImageDtype(torch.float32)(t)
    np.testing.assert_array_equal(f.numpy(), img.transpose(2, 0, 1).astype(np.float32) / 255)
    back = F.convert_image_dtype(f, torch.uint8)
    # (x/255) * (255 + 1 - 1e-3) truncated: every byte value maps back to itself
    np.testing.assert_array_equal(back.numpy(), img.transpose(2, 0, 1))
    assert F.convert_image_dtype(t, torch.int32).numpy().max() <= 2 ** 31 - 1
    np.testing.assert_array_equal(F.convert_image_dtype(t, torch.int32).numpy(),
                                  img.transpose(2, 0, 1).astype(np.int64) << 23)
    with pytest.raises(RuntimeError, match="cannot be performed safely"):
        F.convert_image_dtype(f, torch.int32)


def test_normalize_values_inplace_and_errors():
    x = torch.from_numpy(np.random.default_rng(1).random((3, 4, 5), dtype=np.float32))
    mean, std = (0.1, 0.2, 0.3), (0.5, 0.25, 2.0)
    out = T.Normalize(mean, std)(x)
    ref = (x.numpy() - np.float32(mean).reshape(3, 1, 1)) / np.float32(std).reshape(3, 1, 1)
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-6, atol=1e-7)
    assert out is not x and not np.allclose(x.numpy(), out.numpy())
    y = x.clone()
    assert F.normalize(y, mean, std, inplace=True) is y
    np.testing.assert_allclose(y.numpy(), ref, rtol=1e-6, atol=1e-7)
    batch = torch.stack([x, x])  # (B, C, H, W) works too
    np.testing.assert_allclose(F.normalize(batch, mean, std).numpy()[1], ref, rtol=1e-6)
    with pytest.raises(ValueError, match="std evaluated to zero"):
        F.normalize(x, mean, (1.0, 0.0, 1.0))
    with pytest.raises(TypeError, match="float tensor"):
        F.normalize(torch.zeros(3, 2, 2, dtype=torch.uint8), mean, std)
    with pytest.raises(ValueError, match=r"\(\.\.\., C, H, W\)"):
        F.normalize(torch.zeros(2, 2), mean, std)
    with pytest.raises(TypeError, match="Tensor Image"):
        F.normalize(np.zeros((3, 2, 2), np.float32), mean, std)


def test_normalize_is_differentiable():
    x = torch.ones(2, 2, 2, requires_grad=True)
    F.normalize(x, (0.0, 0.0), (2.0, 4.0)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy()[:, 0, 0], [0.5, 0.25])


# --- tensor geometry ------------------------------------------------------------------------

def test_tensor_flip_crop_pad_keep_chw_and_dtype():
    arr = np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4)
    t = torch.from_numpy(arr)
    np.testing.assert_array_equal(F.hflip(t).numpy(), arr[..., ::-1])
    np.testing.assert_array_equal(F.vflip(t).numpy(), arr[:, ::-1])
    np.testing.assert_array_equal(F.crop(t, 1, 1, 2, 2).numpy(), arr[:, 1:3, 1:3])
    padded = F.pad(t, [1, 2], fill=-1.0)
    assert tuple(padded.shape) == (2, 7, 6) and padded.dtype == torch.float32
    np.testing.assert_array_equal(padded.numpy(), np.pad(arr, ((0, 0), (2, 2), (1, 1)),
                                                         constant_values=-1))
    np.testing.assert_array_equal(F.pad(t, 1, padding_mode="reflect").numpy(),
                                  np.pad(arr, ((0, 0), (1, 1), (1, 1)), mode="reflect"))
    with pytest.raises(RuntimeError, match="less than the corresponding input dimension"):
        F.pad(t, 3, padding_mode="reflect")
    with pytest.raises(TypeError, match="fill"):
        F.pad(t, 1, fill=(1, 2))
    np.testing.assert_array_equal(F.center_crop(t, 2).numpy(), arr[:, 0:2, 1:3])


def test_tensor_resize_uint8_rounds_and_float_stays_float():
    arr = _img(8, 8).transpose(2, 0, 1).copy()
    out = F.resize(torch.from_numpy(arr), [4, 4])
    assert out.dtype == torch.uint8
    from functorch_lite.torchvision.transforms import _kernels as K
    ref = np.round(K.resize_torch(arr.astype(np.float32), (4, 4), "bilinear", True))
    np.testing.assert_array_equal(out.numpy(), ref.astype(np.uint8))
    f = F.resize(torch.from_numpy(arr.astype(np.float32)), 4, antialias=False)
    assert f.dtype == torch.float32 and tuple(f.shape) == (3, 4, 4)
    with pytest.raises(ValueError, match="only available for PIL"):
        F.resize(torch.from_numpy(arr), 3, T.InterpolationMode.LANCZOS)


def test_tensor_grayscale_luma():
    arr = np.random.default_rng(2).random((3, 2, 3), dtype=np.float32)
    out = T.Grayscale()(torch.from_numpy(arr))
    ref = (np.float32(0.2989) * arr[0] + np.float32(0.587) * arr[1]
           + np.float32(0.114) * arr[2])
    np.testing.assert_allclose(out.numpy()[0], ref, rtol=1e-6)
    assert tuple(T.Grayscale(3)(torch.from_numpy(arr)).shape) == (3, 2, 3)


# --- randomness -----------------------------------------------------------------------------

def test_random_transforms_follow_manual_seed():
    img = _img(32, 32)
    t = T.Compose([T.RandomHorizontalFlip(), T.RandomCrop(32, padding=4),
                   T.RandomResizedCrop(16), T.ToTensor()])
    torch.manual_seed(123)
    first = [t(img).numpy() for _ in range(5)]
    torch.manual_seed(123)
    second = [t(img).numpy() for _ in range(5)]
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    assert any(not np.array_equal(first[0], x) for x in first[1:])


def test_random_horizontal_flip_probability_and_random_crop_positions():
    img = np.arange(16, dtype=np.uint8).reshape(4, 4)
    torch.manual_seed(0)
    flips = sum(not np.array_equal(T.RandomHorizontalFlip(0.3)(img), img) for _ in range(400))
    assert 80 < flips < 160  # about 0.3 * 400
    assert np.array_equal(T.RandomHorizontalFlip(0.0)(img), img)
    seen = set()
    for _ in range(200):
        out = T.RandomCrop(2)(img)
        top, left = divmod(int(out[0, 0]), 4)
        np.testing.assert_array_equal(out, img[top:top + 2, left:left + 2])
        seen.add((top, left))
    assert seen == {(i, j) for i in range(3) for j in range(3)}
    with pytest.raises(ValueError, match="larger than input image size"):
        T.RandomCrop(5)(img)
    padded = T.RandomCrop(6, pad_if_needed=True)(img)
    assert padded.shape == (6, 6)


def test_random_resized_crop_params_stay_inside():
    img = _img(20, 30)
    torch.manual_seed(5)
    for _ in range(30):
        i, j, h, w = T.RandomResizedCrop.get_params(img, (0.08, 1.0), (3 / 4, 4 / 3))
        assert 0 <= i and 0 <= j and i + h <= 20 and j + w <= 30 and h > 0 and w > 0
    # impossible scale: the fallback is the central crop clipped to the ratio range
    assert T.RandomResizedCrop.get_params(img, (5.0, 5.0), (1.0, 1.0)) == (0, 5, 20, 20)


def test_reprs_match_torchvision():
    assert repr(T.Normalize((0.5,), (0.5,))) == "Normalize(mean=(0.5,), std=(0.5,))"
    assert repr(T.RandomCrop(32, padding=4)) == "RandomCrop(size=(32, 32), padding=4)"
    assert repr(T.RandomHorizontalFlip()) == "RandomHorizontalFlip(p=0.5)"
    assert repr(T.Resize(8)) == ("Resize(size=8, interpolation=bilinear, max_size=None, "
                                 "antialias=True)")
    assert repr(T.Compose([T.ToTensor()])) == "Compose(\n    ToTensor()\n)"
    with pytest.raises(TypeError, match="should be callable"):
        T.Lambda(3)


# --- the seed tutorial's pipeline ---------------------------------------------------------

def test_seed_cifar_pipeline_through_dataloader(tmp_path):
    from test_tv_datasets import _batches, _write_cifar_py
    data, labels = _batches(4, 5)
    _write_cifar_py(str(tmp_path), data, labels, data[:8], labels[:8])
    transform = T.Compose([T.RandomHorizontalFlip(), T.RandomCrop(32, padding=4),
                           T.ToTensor(), T.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
    trainset = torchvision.datasets.CIFAR10(root=str(tmp_path), train=True, download=True,
                                            transform=transform)
    loader = torch.utils.data.DataLoader(trainset, batch_size=8, shuffle=True)
    images, targets = next(iter(loader))
    assert tuple(images.shape) == (8, 3, 32, 32) and images.dtype == torch.float32
    assert targets.dtype == torch.int64 and tuple(targets.shape) == (8,)
    assert float(images.min()) >= -1.0 and float(images.max()) <= 1.0


# --- against real torchvision, where it is installed ----------------------------------------

def test_against_real_torchvision():
    tv = pytest.importorskip("torchvision")
    import torch as real_torch
    from torchvision.transforms import functional as TF
    rng = np.random.default_rng(7)
    img = rng.integers(0, 256, (13, 17, 3), dtype=np.uint8)
    np.testing.assert_array_equal(T.ToTensor()(img).numpy(), tv.transforms.ToTensor()(img))
    x = rng.random((3, 13, 17), dtype=np.float32)
    mean, std = (0.4, 0.5, 0.6), (0.2, 0.3, 0.4)
    np.testing.assert_allclose(F.normalize(torch.from_numpy(x), mean, std).numpy(),
                               TF.normalize(real_torch.from_numpy(x), mean, std).numpy(),
                               rtol=1e-6, atol=1e-7)
    for size in ([7, 9], [20, 30], 5, [13, 4]):
        for mode in (T.InterpolationMode.BILINEAR, T.InterpolationMode.BICUBIC,
                     T.InterpolationMode.NEAREST, T.InterpolationMode.NEAREST_EXACT):
            for aa in (True, False):
                tmode = tv.transforms.InterpolationMode(mode.value)
                ours = F.resize(torch.from_numpy(x), size, mode, antialias=aa).numpy()
                ref = TF.resize(real_torch.from_numpy(x), size, tmode, antialias=aa).numpy()
                np.testing.assert_allclose(ours, ref, atol=2e-5, err_msg=f"{size} {mode} {aa}")
                u8 = x.__mul__(255).astype(np.uint8)
                ours = F.resize(torch.from_numpy(u8), size, mode, antialias=aa).numpy()
                ref = TF.resize(real_torch.from_numpy(u8), size, tmode, antialias=aa).numpy()
                assert np.abs(ours.astype(int) - ref).max() <= 1
    t = real_torch.from_numpy(x)
    for padding, mode in (([1, 2], "constant"), (2, "edge"), ([1, 2, 3, 1], "reflect"),
                          (3, "symmetric"), ([-1, 2], "symmetric")):
        np.testing.assert_array_equal(F.pad(torch.from_numpy(x), padding, 0.5, mode).numpy(),
                                      TF.pad(t, padding, 0.5, mode).numpy())
    for box in ((2, 3, 5, 6), (-2, 10, 6, 9)):
        np.testing.assert_array_equal(F.crop(torch.from_numpy(x), *box).numpy(),
                                      TF.crop(t, *box).numpy())
    for size in (4, [5, 20], 15):
        np.testing.assert_array_equal(F.center_crop(torch.from_numpy(x), size).numpy(),
                                      TF.center_crop(t, size).numpy())
    np.testing.assert_allclose(F.rgb_to_grayscale(torch.from_numpy(x)).numpy(),
                               TF.rgb_to_grayscale(t).numpy(), rtol=1e-6)
    u8 = real_torch.from_numpy((x * 255).astype(np.uint8))
    np.testing.assert_array_equal(
        F.rgb_to_grayscale(torch.from_numpy((x * 255).astype(np.uint8))).numpy(),
        TF.rgb_to_grayscale(u8).numpy())
    np.testing.assert_array_equal(
        F.convert_image_dtype(torch.from_numpy(x), torch.uint8).numpy(),
        TF.convert_image_dtype(t, real_torch.uint8).numpy())
