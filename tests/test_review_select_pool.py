"""Review of select's branch-free bit-picking kernel (bit-exact against np.where for every dtype,
broadcast, weak scalar, 0-d operand, sizes around the 2048 threshold, -0.0 and NaN payloads) and
of the tiled max/min-pool VJP (bit-identical to window_argmax + scatter-add on layouts, dtypes
and window sizes the existing tests do not draw)."""
from __future__ import annotations

import numpy as np
import pytest
import test_primitives  # noqa: F401  (first: it loads prim_cases_conv with the whole table)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import functorch_lite as fl
import functorch_lite.numpy as jnp
from functorch_lite._src.array import Array
from functorch_lite._src.prims import conv as C
from functorch_lite._src.prims import elementwise as E
from functorch_lite._src.prims import indexing as ix

SET = settings(max_examples=50, deadline=None, derandomize=True,
               suppress_health_check=[HealthCheck.too_slow])
DTYPES = [np.bool_, np.int8, np.uint16, np.int32, np.int64, np.float16, np.float32, np.float64,
          np.complex64, np.complex128, np.longdouble]


def _bits(a):
    a = np.asarray(a).copy(order="C")
    return a.reshape(-1).view(np.uint8).reshape(a.shape + (a.dtype.itemsize,))


def _random_bits(rng, shape, dtype):
    """Values with every bit pattern: NaN payloads, infinities, -0.0, subnormals."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    if dtype == np.longdouble:  # (padding bytes: random values, not random bits)
        return rng.choice([np.nan, -0.0, 0.0, np.inf, 1.5, -2.0], shape).astype(dtype)
    raw = rng.integers(0, 256, shape + (dtype.itemsize,), dtype=np.uint8)
    out = raw.view(dtype).reshape(shape)
    return out


def _operand(rng, kind, shape, dtype):
    if kind == "array":
        return _random_bits(rng, shape, dtype)
    if kind == "row":  # broadcasts along the leading axis
        return _random_bits(rng, shape[1:], dtype)
    if kind == "strided":  # a reversed, non-contiguous view
        return _random_bits(rng, shape, dtype)[::-1]
    if kind == "0d":
        return _random_bits(rng, (), dtype)
    return {"+0.0": 0.0, "-0.0": -0.0, "0": 0, "False": False, "nan": float("nan"),
            "1": 1}[kind]


SIDES = ["array", "row", "strided", "0d", "+0.0", "-0.0", "0", "False", "nan", "1"]


@SET
@given(dtype=st.sampled_from(DTYPES), rows=st.sampled_from([1, 2, 3, 4, 8]),
       cols=st.sampled_from([511, 512, 1023, 1024, 2047, 2048, 2049]),
       t=st.sampled_from(SIDES), f=st.sampled_from(SIDES), seed=st.integers(0, 2**16))
def test_select_kernel_is_np_where_bit_for_bit(dtype, rows, cols, t, f, seed):
    rng = np.random.default_rng(seed)
    shape = (rows, cols)
    pred = rng.random(shape) < 0.5
    on_true, on_false = _operand(rng, t, shape, dtype), _operand(rng, f, shape, dtype)
    want = np.where(pred, on_true, on_false)
    got = E._select_kernel(np)(pred, on_true, on_false)
    assert got.dtype == want.dtype and got.shape == want.shape
    if want.dtype == np.longdouble:  # compare values (padding bytes are unspecified)
        np.testing.assert_array_equal(got, want)
        assert np.array_equal(np.signbit(got), np.signbit(want))
    else:
        np.testing.assert_array_equal(_bits(got), _bits(want))


@pytest.mark.parametrize("n", [2047, 4096])
def test_select_against_plus_zero_with_long_double(n):
    # the +0-side fast path looked up an unsigned type of the array's size: KeyError for 16
    x = np.linspace(-1, 1, n).astype(np.longdouble)
    np.testing.assert_array_equal(jnp.where(x > 0, 0.0, x), np.where(x > 0, 0.0, x))
    np.testing.assert_array_equal(fl.nn.relu(x), np.maximum(x, 0))


def test_select_vjp_keeps_signed_zeros_and_nan_payloads():
    rng = np.random.default_rng(0)
    x = _random_bits(rng, (3, 1000), np.float32)
    ct = _random_bits(rng, (3, 1000), np.float32)
    pred = rng.random((3, 1000)) < 0.5
    _, pullback = fl.vjp(lambda a, b: jnp.where(pred, a, b), x, x)
    ga, gb = pullback(ct)
    np.testing.assert_array_equal(_bits(ga), _bits(np.where(pred, ct, np.float32(0))))
    np.testing.assert_array_equal(_bits(gb), _bits(np.where(pred, np.float32(0), ct)))


# ---- tiled max/min-pool VJP ----------------------------------------------------------------------


def _old_path(ct, x, kind, *params):
    """window_argmax's flat positions, scatter-added into zeros (the general path)."""
    idx = C.window_argmax(Array(x.copy(order="C")), kind, *params)
    zeros = Array(np.zeros(x.size + 1, ct.dtype))
    spread = np.asarray(ix.scatter(zeros, Array(ct.copy(order="C")), idx, mode="add"))
    return spread[:x.size].reshape(x.shape)


def _tiled(window, ndim):
    w = (1,) * (ndim - len(window)) + tuple(window)
    return (w, w, ((0, 0),) * ndim, (1,) * ndim, (1,) * ndim)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.int8, np.int32, np.uint8])
@pytest.mark.parametrize("window, shape", [((2, 2), (2, 5, 7)), ((16, 17), (1, 33, 35)),
                                           ((3,), (4, 10)), ((), ())])
@pytest.mark.parametrize("layout", ["plain", "transposed", "reversed"])
@pytest.mark.parametrize("kind", ["max", "min"])
def test_tiled_pool_vjp_on_strided_operands_big_windows_and_small_dtypes(dtype, window, shape,
                                                                        layout, kind):
    # (16, 17) has 272 offsets: the winners' numbers no longer fit uint8
    rng = np.random.default_rng(1)
    if np.dtype(dtype).kind == "f":
        x = rng.choice([np.nan, -np.inf, 0.0, -0.0, 1.0, 2.0, -1.0], shape).astype(dtype)
    else:
        x = rng.integers(0, 3, shape).astype(dtype)
    if layout == "transposed":
        x = np.ascontiguousarray(x.T).T
    elif layout == "reversed" and x.ndim:
        x = np.ascontiguousarray(x[::-1])[::-1]
    params = _tiled(window, x.ndim)
    out = tuple(n // k for n, k in zip(x.shape, params[0]))
    special = [1.5, -0.0, np.inf, 3.0] if np.dtype(dtype).kind == "f" else [1, 0, 7, 3]
    ct = rng.choice(special, out).astype(dtype)
    if layout == "transposed":
        ct = np.ascontiguousarray(ct.T).T
    want = _old_path(ct, x, kind, *params)
    got = C.select_and_scatter_add(Array(ct), Array(x), kind, *params)
    np.testing.assert_array_equal(_bits(np.asarray(got)), _bits(want))
    extremum = C.reduce_window_prim(kind, Array(x), *params)
    got = C.select_and_scatter_add_p.bind(Array(ct), Array(x), extremum, kind=kind,
                                          **C._window_params(*params))
    np.testing.assert_array_equal(_bits(np.asarray(got)), _bits(want))


@pytest.mark.parametrize("overlap", [False, True])
def test_pool_grad_under_vmap_of_jit_with_batch_in_the_middle(overlap):
    rng = np.random.default_rng(2)
    x = np.maximum(rng.standard_normal((2, 4, 3, 9, 8)), 0)  # ReLU ties; vmap over axis 1
    window, strides = (1, 1, 2, 2), ((1, 1, 1, 1) if overlap else (1, 1, 2, 2))

    def g(v):
        def loss(u):
            y = fl.lax.reduce_window(u, -np.inf, fl.lax.max, window, strides, "VALID")
            return (y * y).sum()
        return fl.grad(loss)(v)

    got = fl.vmap(fl.jit(g), in_axes=1)(x)
    want = np.stack([np.asarray(g(x[:, i])) for i in range(4)])
    np.testing.assert_array_equal(_bits(np.asarray(got)), _bits(want))


def test_forward_derivative_of_a_0d_max_pool():
    # window_argmax on a 0-d operand kept a Python 0 as the flat index: AttributeError
    f = lambda v: fl.lax.reduce_window(v, -np.inf, fl.lax.max, (), (), "VALID")  # noqa: E731
    y, y_dot = fl.jvp(f, (np.float64(3.0),), (np.float64(2.0),))
    assert float(y) == 3.0 and float(y_dot) == 2.0
    assert float(fl.grad(f)(np.float64(3.0))) == 1.0
