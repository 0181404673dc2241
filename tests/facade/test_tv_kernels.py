"""torchvision transforms at the numpy level: padding, cropping and resampling kernels, sizes,
grayscale, against hand-computed numpy references (Pillow / torch comparisons where installed)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from functorch_lite.torchvision.transforms import _kernels as K
from functorch_lite.torchvision.transforms import functional as F

SETTINGS = settings(max_examples=20, deadline=None)


# --- padding --------------------------------------------------------------------------------

def test_parse_padding_forms():
    assert K.parse_padding(2) == (2, 2, 2, 2)
    assert K.parse_padding([3]) == (3, 3, 3, 3)
    assert K.parse_padding((1, 2)) == (1, 2, 1, 2)  # left/right, top/bottom
    assert K.parse_padding([1, 2, 3, 4]) == (1, 2, 3, 4)  # left, top, right, bottom
    with pytest.raises(ValueError, match="1, 2, or 4 element"):
        K.parse_padding((1, 2, 3))
    with pytest.raises(TypeError, match="padding"):
        K.parse_padding("2")


@SETTINGS
@given(h=st.integers(2, 6), w=st.integers(2, 6), ltrb=st.tuples(*[st.integers(0, 3)] * 4),
       mode=st.sampled_from(["constant", "edge", "reflect", "symmetric"]))
def test_pad_matches_numpy_pad(h, w, ltrb, mode):
    img = np.arange(2 * h * w, dtype=np.float32).reshape(2, h, w)
    left, top, right, bottom = ltrb
    widths = ((0, 0), (top, bottom), (left, right))
    kw = {"constant_values": 7} if mode == "constant" else {}
    ref = np.pad(img, widths, mode=mode, **kw)
    np.testing.assert_array_equal(K.pad(img, ltrb, 7, mode), ref)


def test_pad_by_hand_and_negative_padding_crops():
    row = np.array([[1, 2, 3]], np.uint8)
    assert K.pad(row, (2, 0, 2, 0), 0, "reflect").tolist() == [[3, 2, 1, 2, 3, 2, 1]]
    assert K.pad(row, (2, 0, 2, 0), 0, "symmetric").tolist() == [[2, 1, 1, 2, 3, 3, 2]]
    assert K.pad(row, (1, 0, 1, 0), 0, "edge").tolist() == [[1, 1, 2, 3, 3]]
    assert K.pad(row, (-1, 0, 1, 0), 9, "constant").tolist() == [[2, 3, 9]]
    # a per-channel fill on a CHW array
    out = K.pad(np.zeros((2, 1, 1), np.uint8), (1, 0, 0, 0), (5, 6), "constant")
    assert out[:, 0, 0].tolist() == [5, 6]


def test_functional_pad_keeps_hwc_layout():
    img = np.arange(12, dtype=np.uint8).reshape(2, 2, 3)  # H, W, C
    out = F.pad(img, 1, fill=(1, 2, 3))
    assert out.shape == (4, 4, 3)
    assert out[0, 0].tolist() == [1, 2, 3]
    np.testing.assert_array_equal(out[1:3, 1:3], img)
    with pytest.raises(ValueError, match="Padding mode"):
        F.pad(img, 1, padding_mode="wrap")


# --- cropping -------------------------------------------------------------------------------

def test_crop_inside_and_outside():
    img = np.arange(16, dtype=np.int32).reshape(4, 4)
    np.testing.assert_array_equal(F.crop(img, 1, 2, 2, 2), img[1:3, 2:4])
    out = F.crop(img, -1, 3, 2, 3)  # sticks out top and right: zeros there
    ref = np.zeros((2, 3), np.int32)
    ref[1, 0] = img[0, 3]
    np.testing.assert_array_equal(out, ref)


def test_center_crop_rounds_half_to_even_and_pads():
    img = np.arange(25, dtype=np.uint8).reshape(5, 5)
    # (5 - 2) / 2 = 1.5 rounds to 2 with Python's round, as in torchvision.
    np.testing.assert_array_equal(F.center_crop(img, 2), img[2:4, 2:4])
    np.testing.assert_array_equal(F.center_crop(img, [3, 1]), img[1:4, 2:3])
    big = F.center_crop(np.ones((2, 2), np.uint8), 5)
    ref = np.zeros((5, 5), np.uint8)
    ref[1:3, 1:3] = 1  # left/top get (5-2)//2 = 1, right/bottom (5-2+1)//2 = 2
    np.testing.assert_array_equal(big, ref)


def test_flips_of_hwc_arrays():
    img = np.arange(12, dtype=np.uint8).reshape(2, 2, 3)
    np.testing.assert_array_equal(F.hflip(img), img[:, ::-1])
    np.testing.assert_array_equal(F.vflip(img), img[::-1])
    with pytest.raises(TypeError, match="PIL Image"):
        F.hflip([[1, 2]])


# --- output sizes ---------------------------------------------------------------------------

def test_resized_size_rules():
    assert F._resized_size(10, 20, 5, None) == [5, 10]  # smaller edge -> 5
    assert F._resized_size(20, 10, [5], None) == [10, 5]
    assert F._resized_size(7, 10, 5, None) == [5, 7]  # int(5 * 10 / 7) = 7
    assert F._resized_size(10, 40, 5, 12) == [3, 12]  # the long edge capped by max_size
    assert F._resized_size(10, 20, (3, 4), None) == [3, 4]
    assert F._resized_size(10, 20, None, 8) == [4, 8]
    with pytest.raises(ValueError, match="strictly greater"):
        F._resized_size(10, 20, 5, 5)
    with pytest.raises(ValueError, match="max_size should only"):
        F.resize(np.zeros((4, 4), np.uint8), (2, 2), max_size=3)


# --- resampling weights ---------------------------------------------------------------------

@SETTINGS
@given(n_in=st.integers(1, 30), n_out=st.integers(1, 30),
       mode=st.sampled_from(["bilinear", "bicubic"]), aa=st.booleans())
def test_weight_rows_sum_to_one(n_in, n_out, mode, aa):
    w = K.torch_weights(n_in, n_out, mode, aa)
    assert w.shape == (n_out, n_in)
    np.testing.assert_allclose(w.sum(axis=1), 1.0, atol=1e-12)


def test_antialias_downscale_by_two_is_1331_over_8():
    w = K.antialias_weights(12, 6, "bilinear")
    for i in range(1, 5):  # interior rows: taps 2i-1 .. 2i+2
        np.testing.assert_allclose(w[i, 2 * i - 1: 2 * i + 3], np.array([1, 3, 3, 1]) / 8)
        assert w[i].sum() == pytest.approx(1.0)
    np.testing.assert_allclose(w[0, :3], np.array([3, 3, 1]) / 7)  # edge renormalised


@SETTINGS
@given(n_in=st.integers(2, 20), n_out=st.integers(1, 40))
def test_bilinear_without_antialias_is_clamped_linear_interpolation(n_in, n_out):
    x = np.random.default_rng(n_in * 100 + n_out).standard_normal(n_in)
    scale = n_in / n_out
    src = np.maximum((np.arange(n_out) + 0.5) * scale - 0.5, 0.0)
    ref = np.interp(src, np.arange(n_in), x)
    np.testing.assert_allclose(K.torch_weights(n_in, n_out, "bilinear", False) @ x, ref,
                               atol=1e-12)


def test_antialias_upscale_equals_plain_bilinear():
    # With scale < 1 the triangle filter has support 1: the same map as bilinear.
    for n_in, n_out in [(3, 7), (5, 10), (4, 9)]:
        np.testing.assert_allclose(K.antialias_weights(n_in, n_out, "bilinear"),
                                   K.torch_weights(n_in, n_out, "bilinear", False), atol=1e-12)


def test_bicubic_without_antialias_by_hand():
    # 2x upscale: output 5 sits at source 2.25, so t = 0.25 and the taps are 1..4 with Keys'
    # a = -0.75 coefficients worked out by hand.
    w = K.torch_weights(10, 20, "bicubic", False)
    expected = np.zeros(10)
    expected[1:5] = [-0.10546875, 0.87890625, 0.26171875, -0.03515625]
    np.testing.assert_allclose(w[5], expected, atol=1e-12)
    # at the border the out-of-range taps fold onto pixel 0
    assert w[0, 0] == pytest.approx(1.0 - w[0, 1:].sum())


def test_antialiased_bicubic_reproduces_linear_ramps_on_upscale():
    x = np.arange(10, dtype=np.float64) * 0.5 + 1.0
    w = K.torch_weights(10, 20, "bicubic", True)  # a = -0.5 reproduces linear functions
    src = (np.arange(20) + 0.5) / 2 - 0.5
    inside = (src >= 1) & (src <= 8)
    np.testing.assert_allclose((w @ x)[inside], (src * 0.5 + 1.0)[inside], atol=1e-12)


def test_nearest_indices_by_hand():
    assert K.nearest_indices(4, 8, exact=False).tolist() == [0, 0, 1, 1, 2, 2, 3, 3]
    assert K.nearest_indices(8, 4, exact=False).tolist() == [0, 2, 4, 6]
    assert K.nearest_indices(3, 2, exact=False).tolist() == [0, 1]  # floor(i * 1.5)
    assert K.nearest_indices(3, 2, exact=True).tolist() == [0, 2]  # floor((i + .5) * 1.5)


def test_resize_torch_is_separable_matmul():
    rng = np.random.default_rng(0)
    img = rng.standard_normal((2, 5, 7)).astype(np.float32)
    out = K.resize_torch(img, (3, 4), "bilinear", True)
    w_h = K.antialias_weights(5, 3, "bilinear")
    w_w = K.antialias_weights(7, 4, "bilinear")
    ref = np.einsum("oh,chw,pw->cop", w_h, img.astype(np.float64), w_w)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-6)


def test_resize_pil_u8_fixed_point_by_hand():
    # Horizontal-only 2x downscale: weights (1,3,3,1)/8 are exact in 22-bit fixed point,
    # so Pillow's result is the weighted sum rounded half up.
    rng = np.random.default_rng(1)
    img = rng.integers(0, 256, (1, 3, 12), dtype=np.uint8)
    out = K.resize_pil(img, (3, 6), "bilinear")
    w = K.antialias_weights(12, 6, "bilinear")
    exact = img.astype(np.float64) @ w.T
    ref = np.floor(exact + 0.5)
    interior = slice(1, 5)  # the edge rows have weights like 3/7 that are not exact
    np.testing.assert_array_equal(out[..., interior], ref[..., interior])
    assert out.dtype == np.uint8
    assert np.abs(out.astype(float) - exact).max() <= 0.5 + 1e-9


def test_resize_numpy_image_keeps_layout_and_dtype():
    img = np.zeros((6, 8, 3), np.uint8)
    img[..., 1] = 200
    out = F.resize(img, [3, 4])
    assert out.shape == (3, 4, 3) and out.dtype == np.uint8
    assert (out[..., 1] == 200).all() and (out[..., 0] == 0).all()
    assert F.resize(img, [6, 8]) is img  # same size: returned as is, like torchvision
    with pytest.raises(TypeError, match="interpolation"):
        F.resize(img, 3, interpolation="bilinear")


# --- grayscale ------------------------------------------------------------------------------

def test_grayscale_of_numpy_image_uses_pillows_integer_luma():
    rng = np.random.default_rng(2)
    img = rng.integers(0, 256, (4, 5, 3), dtype=np.uint8)
    r, g, b = (img[..., k].astype(np.int64) for k in range(3))
    ref = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16
    out = F.rgb_to_grayscale(img)
    np.testing.assert_array_equal(out, ref)
    assert np.abs(out - (0.299 * r + 0.587 * g + 0.114 * b)).max() <= 1
    out3 = F.rgb_to_grayscale(img, 3)
    assert out3.shape == (4, 5, 3) and (out3 == out[..., None]).all()
    with pytest.raises(ValueError, match="1 or 3"):
        F.rgb_to_grayscale(img, 2)


# --- against Pillow, where it is installed --------------------------------------------------

def test_numpy_path_matches_pillow():
    Image = pytest.importorskip("PIL.Image")
    rng = np.random.default_rng(3)
    for _ in range(30):
        h, w, oh, ow = (int(v) for v in rng.integers(2, 30, 4))
        img = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        pil = Image.fromarray(img)
        ref = np.asarray(pil.resize((ow, oh), Image.BILINEAR))
        ours = F.resize(img, [oh, ow])
        assert np.abs(ref.astype(int) - ours).max() <= 1
        ref_n = np.asarray(pil.resize((ow, oh), Image.NEAREST))
        np.testing.assert_array_equal(F.resize(img, [oh, ow], F.InterpolationMode.NEAREST),
                                      ref_n)
        np.testing.assert_array_equal(F.rgb_to_grayscale(img), np.asarray(pil.convert("L")))
        for mode in ("edge", "reflect", "symmetric", "constant"):
            ref_p = np.asarray(F.pad(pil, [1, 2, 0, 1], fill=3, padding_mode=mode))
            np.testing.assert_array_equal(F.pad(img, [1, 2, 0, 1], 3, mode), ref_p)
        np.testing.assert_array_equal(F.crop(img, -1, 2, 5, 4), np.asarray(F.crop(pil, -1, 2, 5,
                                                                                     4)))
