"""lax convolutions, reduce_window and the pooling helpers, through the public functions:
values against naive loop references (and np.correlate / np.convolve in 1-d), derivatives to
second order, vmap against a Python loop, jit against eager, and the error messages."""
from __future__ import annotations

import numpy as np
import pytest
import test_primitives  # noqa: F401  (first: it loads prim_cases_conv with the whole table)
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from prim_cases_conv import (
    conv_config,
    conv_ref,
    every_window_reads_the_operand,
    reduce_window_ref,
    window_config,
)

import functorch_lite as fl
import functorch_lite.numpy as jnp
from functorch_lite import lax
from functorch_lite._src import conv as conv_src
from functorch_lite._src.prims import conv as C
from functorch_lite.test_util import check_grads

SETTINGS = settings(max_examples=20, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
F32, F64 = np.dtype(np.float32), np.dtype(np.float64)


def close(got, want, dtype=F64, tol=64):
    got = np.asarray(got)
    assert got.shape == np.shape(want) and got.dtype == dtype, (got.shape, got.dtype)
    eps = np.finfo(dtype).eps
    np.testing.assert_allclose(got, want, rtol=tol * eps, atol=tol * eps)


# ---- layouts -------------------------------------------------------------------------------------

SPATIAL = "HWD"


@st.composite
def layout(draw, nsp: int):
    """Random layout strings (the spatial letters in random orders) and the axis orders that
    take each operand to (N, C, spatial in rhs order) / (O, I, ...), worked out here directly."""
    sp = SPATIAL[:nsp]
    lhs = "".join(draw(st.permutations("NC" + sp)))
    rhs = "".join(draw(st.permutations("OI" + sp)))
    out = "".join(draw(st.permutations("NC" + sp)))
    rhs_sp = [c for c in rhs if c in sp]  # the spatial order everything follows
    to_canon = {s: [s.index(a) for a in pair] + [s.index(c) for c in rhs_sp]
                for s, pair in ((lhs, "NC"), (rhs, "OI"), (out, "NC"))}
    return (lhs, rhs, out), to_canon[lhs], to_canon[rhs], to_canon[out]


def from_canonical(x, perm):
    """Lay a canonical-order array out as ``perm`` says (perm[i]: where canonical axis i goes)."""
    return np.transpose(x, np.argsort(perm))


@st.composite
def public_conv(draw, max_spatial: int = 2):
    """A drawn public-API convolution: (function of lhs, rhs; its numpy reference; shapes)."""
    cfg = draw(conv_config(max_spatial))
    nsp = len(cfg["window_strides"])
    dims, lperm, rperm, operm = draw(layout(nsp))
    g = cfg["feature_group_count"]
    strides, pads = cfg["window_strides"], cfg["padding"]
    ld, rd = cfg["lhs_dilation"], cfg["rhs_dilation"]
    lhs_shape, rhs_shape = list(cfg["lhs_shape"]), cfg["rhs_shape"]
    batch_groups = 1
    if g == 1 and draw(st.booleans()) and rhs_shape[0] % 2 == 0:  # batch groups of 2
        batch_groups = 2
        lhs_shape[0] *= 2
    padding = pads
    if all(d == 1 for d in ld) and draw(st.booleans()):
        padding = draw(st.sampled_from(["SAME", "VALID", "SAME_LOWER", "same"]))
        spans = [(k - 1) * d + 1 for k, d in zip(rhs_shape[2:], rd)]
        pads = conv_src.padtype_to_pads(lhs_shape[2:], spans, strides, padding)

    def fn(x, w):
        return lax.conv_general_dilated(x, w, strides, padding, ld, rd, dims,
                                        feature_group_count=g, batch_group_count=batch_groups)

    def ref(x, w):
        xc = np.transpose(x, lperm)
        wc = np.transpose(w, rperm)
        if batch_groups == 1:
            yc = conv_ref(xc, wc, strides, pads, ld, rd, g)
        else:  # each half of the batch meets its half of the output features
            half_n, half_o = xc.shape[0] // 2, wc.shape[0] // 2
            yc = np.concatenate([conv_ref(xc[b * half_n:(b + 1) * half_n],
                                          wc[b * half_o:(b + 1) * half_o],
                                          strides, pads, ld, rd) for b in range(2)], axis=1)
        return from_canonical(yc, operm)

    shapes = (tuple(from_canonical(np.empty(lhs_shape), lperm).shape),
              tuple(from_canonical(np.empty(rhs_shape), rperm).shape))
    out = [conv_src.P.window_out_dim(m, lo, hi, a, k, b, s) for m, (lo, hi), a, k, b, s in
           zip(lhs_shape[2:], pads, ld, rhs_shape[2:], rd, strides)]
    assume(all(m > 0 for m in out))
    return fn, ref, shapes


def draw_args(seed, shapes, dtype):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1, 1, s).astype(dtype) for s in shapes]


# ---- conv_general_dilated: values ----------------------------------------------------------------


@SETTINGS
@given(public_conv(max_spatial=3), st.sampled_from([F32, F64]), st.integers(0, 2**32 - 1))
def test_conv_general_dilated_matches_naive_loops(drawn, dtype, seed):
    fn, ref, shapes = drawn
    x, w = draw_args(seed, shapes, dtype)
    close(fn(x, w), ref(x, w), dtype)


@SETTINGS
@given(st.integers(1, 12), st.integers(1, 5), st.sampled_from([F32, F64]),
       st.integers(0, 2**32 - 1))
def test_1d_against_np_correlate_and_convolve(n, k, dtype, seed):
    assume(k <= n)
    x, w = draw_args(seed, [(n,), (k,)], dtype)
    x3, w3 = x[None, None], w[None, None]
    valid = lax.conv(x3, w3, (1,), "VALID")[0, 0]
    close(valid, np.correlate(x, w, "valid"), dtype)
    full = lax.conv_general_dilated(x3, w3, (1,), [(k - 1, k - 1)])[0, 0]
    close(full, np.correlate(x, w, "full"), dtype)
    # a true convolution is a correlation with the kernel reversed
    flipped = lax.conv_general_dilated(x3, w3[..., ::-1].copy(), (1,), [(k - 1, k - 1)])
    close(flipped[0, 0], np.convolve(x, w, "full"), dtype)


def test_conv_and_conv_with_general_padding_are_the_general_one():
    x, w = draw_args(0, [(2, 3, 6, 5), (4, 3, 3, 2)], F64)
    np.testing.assert_array_equal(lax.conv(x, w, (2, 1), "SAME"),
                                  lax.conv_general_dilated(x, w, (2, 1), "SAME"))
    got = lax.conv_with_general_padding(x, w, (1, 1), [(1, 0), (2, 2)], (2, 1), (1, 2))
    close(got, conv_ref(x, w, (1, 1), [(1, 0), (2, 2)], (2, 1), (1, 2)))


def test_depthwise_convolution_in_channels_last_layout():
    # feature_group_count = channels: every channel convolved with its own two filters
    x, w = draw_args(1, [(2, 5, 5, 3), (3, 3, 1, 6)], F64)
    got = lax.conv_general_dilated(x, w, (1, 1), "SAME", dimension_numbers=("NHWC", "HWIO",
                                                                          "NHWC"),
                                   feature_group_count=3)
    want = conv_ref(x.transpose(0, 3, 1, 2), w.transpose(3, 2, 0, 1), (1, 1), [(1, 1)] * 2,
                    (1, 1), (1, 1), 3).transpose(0, 2, 3, 1)
    close(got, want)


def test_preferred_element_type_and_float32_default():
    x, w = draw_args(2, [(1, 2, 4), (3, 2, 2)], F32)
    assert lax.conv(x, w, (1,), "VALID").dtype == F32
    got = lax.conv(x, w, (1,), "VALID", preferred_element_type=jnp.float64)
    close(got, conv_ref(x.astype(F64), w.astype(F64), (1,), [(0, 0)], (1,), (1,)))


@SETTINGS
@given(conv_config(max_spatial=3), st.integers(0, 2**32 - 1))
def test_both_conv_kernel_algorithms_match_naive_loops(cfg, seed):
    # The kernel picks im2col or col2im by shape; check each one on every drawn convolution
    # (col2im only takes unit window strides).
    cfg = dict(cfg, window_strides=(1,) * len(cfg["window_strides"]))
    assume(all(C.window_out_dim(m, lo, hi, ld, k, rd, 1) > 0 for m, (lo, hi), ld, k, rd in
               zip(cfg["lhs_shape"][2:], cfg["padding"], cfg["lhs_dilation"],
                   cfg["rhs_shape"][2:], cfg["rhs_dilation"])))
    x, w = draw_args(seed, (cfg["lhs_shape"], cfg["rhs_shape"]), F64)
    params = (cfg["window_strides"], cfg["padding"], cfg["lhs_dilation"], cfg["rhs_dilation"])
    g = cfg["feature_group_count"]
    want = conv_ref(x, w, *params, g)
    close(C._conv_col2im(np, x, w, *params[1:], g, want.shape[2:]), want)
    close(C.conv_general_dilated_p.kernel(np)(x, w, *params, g), want)


def test_the_input_gradient_of_a_feature_widening_conv_takes_col2im(monkeypatch):
    calls = []
    real = C._conv_col2im
    monkeypatch.setattr(C, "_conv_col2im", lambda *a: calls.append(1) or real(*a))
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 2, 6, 6)), rng.standard_normal((5, 2, 3, 3))
    conv = lambda x: lax.conv(x, w, (1, 1), "VALID")  # noqa: E731
    y, vjp = fl.vjp(conv, x)
    assert not calls  # the forward convolution: im2col
    ct = rng.standard_normal(y.shape)
    (got,) = vjp(ct)
    assert calls == [1]
    close(got, conv_ref(ct, np.flip(w, (2, 3)).transpose(1, 0, 2, 3), (1, 1), [(2, 2)] * 2,
                        (1, 1), (1, 1)))


# ---- derivatives, vmap, jit ----------------------------------------------------------------------


@SETTINGS
@given(public_conv(), st.integers(0, 2**32 - 1))
def test_conv_derivatives_to_second_order(drawn, seed):
    fn, _, shapes = drawn
    args = [fl.Array(a) for a in draw_args(seed, shapes, F64)]
    check_grads(fn, args, order=2, modes=("fwd", "rev"))


@SETTINGS
@given(public_conv(), st.sampled_from(["lhs", "rhs", "both"]), st.integers(2, 3),
       st.integers(0, 3), st.integers(0, 2**32 - 1))
def test_conv_vmap_matches_a_loop(drawn, which, size, axis_seed, seed):
    fn, _, shapes = drawn
    rng = np.random.default_rng(seed)
    per = [draw_args(rng.integers(2**32), shapes, F64) for _ in range(size)]
    axes = [None, None]
    for i in {"lhs": [0], "rhs": [1], "both": [0, 1]}[which]:
        axes[i] = axis_seed % (len(shapes[i]) + 1)
    batched = [np.stack([p[i] for p in per], axis=ax) if ax is not None else per[0][i]
               for i, ax in enumerate(axes)]
    got = fl.vmap(fn, in_axes=tuple(axes))(*batched)
    want = np.stack([np.asarray(fn(*[p[i] if ax is not None else per[0][i]
                                     for i, ax in enumerate(axes)])) for p in per])
    close(got, want)
    # per-example gradients of the kernel: vmap of grad
    loss = lambda x, w: jnp.sum(fn(x, w) ** 2)  # noqa: E731
    got = fl.vmap(fl.grad(loss, argnums=1), in_axes=tuple(axes))(*batched)
    want = np.stack([np.asarray(fl.grad(loss, argnums=1)(
        *[p[i] if ax is not None else per[0][i] for i, ax in enumerate(axes)])) for p in per])
    close(got, want, tol=256)


@SETTINGS
@given(public_conv(), st.integers(0, 2**32 - 1))
def test_conv_jit_matches_eager(drawn, seed):
    fn, _, shapes = drawn
    x, w = draw_args(seed, shapes, F32)
    close(fl.jit(fn)(x, w), fn(x, w), F32, tol=8)
    g = fl.jit(fl.grad(lambda x, w: jnp.sum(fn(x, w) ** 2), argnums=(0, 1)))(x, w)
    want = fl.grad(lambda x, w: jnp.sum(fn(x, w) ** 2), argnums=(0, 1))(x, w)
    for a, b in zip(g, want):
        close(a, b, F32, tol=64)


def test_grad_of_grad_through_a_small_cnn():
    x, w1, w2 = (fl.Array(a) for a in draw_args(3, [(2, 1, 6, 6), (3, 1, 3, 3), (2, 3, 2, 2)],
                                                F64))

    def net(w1, w2):
        h = jnp.tanh(lax.conv(x, w1, (1, 1), "SAME"))
        h = conv_src.max_pool(h, (2, 2))
        return jnp.sum(lax.conv(h, w2, (1, 1), "VALID") ** 2)

    check_grads(net, (w1, w2), order=2, modes=("fwd", "rev"))


# ---- conv_transpose ------------------------------------------------------------------------------


@SETTINGS
@given(st.integers(1, 2), st.integers(1, 3), st.integers(1, 3), st.sampled_from(["SAME",
                                                                                  "VALID"]),
       st.integers(2, 4), st.integers(0, 2**32 - 1))
def test_conv_transpose_with_flipped_kernel_is_the_gradient(nsp, k, s, padding, m, seed):
    """conv_transpose(transpose_kernel=True) is the VJP of the forward convolution whose
    output has the transposed convolution's input shape."""
    sp = "HW"[:nsp]
    dims = ("N" + sp + "C", sp + "IO", "N" + sp + "C")
    y, w = draw_args(seed, [(2,) + (m,) * nsp + (3,), (k,) * nsp + (2, 3)], F64)
    got = lax.conv_transpose(y, w, (s,) * nsp, padding, dimension_numbers=dims,
                             transpose_kernel=True)
    x_shape = got.shape
    fwd = lambda x: lax.conv_general_dilated(x, w, (s,) * nsp, padding,  # noqa: E731
                                             dimension_numbers=dims)
    x0 = np.zeros(x_shape)
    assume(fwd(x0).shape == y.shape)
    _, pullback = fl.vjp(fwd, x0)
    close(got, pullback(y)[0])


def test_conv_transpose_shapes_and_default_layout():
    x, w = draw_args(4, [(1, 4, 5, 3), (3, 3, 3, 8)], F32)
    assert lax.conv_transpose(x, w, (2, 2), "SAME").shape == (1, 8, 10, 8)
    assert lax.conv_transpose(x, w, (2, 2), "VALID").shape == (1, 9, 11, 8)
    got = lax.conv_transpose(x, w, (1, 1), [(2, 2), (2, 2)])
    want = conv_ref(x.transpose(0, 3, 1, 2), w.transpose(3, 2, 0, 1), (1, 1), [(2, 2)] * 2,
                    (1, 1), (1, 1)).transpose(0, 2, 3, 1)
    close(got, want, F32)


# ---- dimension numbers and padding ---------------------------------------------------------------


def test_conv_dimension_numbers():
    dn = lax.conv_dimension_numbers((1, 5, 6, 3), (3, 4, 3, 8), ("NHWC", "HWIO", "NHWC"))
    assert dn == lax.ConvDimensionNumbers((0, 3, 1, 2), (3, 2, 0, 1), (0, 3, 1, 2))
    assert lax.conv_dimension_numbers((1, 2, 3), (1, 2, 3), None) == ((0, 1, 2),) * 3
    assert lax.conv_dimension_numbers((1, 2, 3), (1, 2, 3), dn) is not None
    # spatial axes follow the kernel's order
    assert lax.conv_general_permutations(("NCHW", "OIWH", "NWHC")) == (
        (0, 1, 3, 2), (0, 1, 2, 3), (0, 3, 1, 2))


def test_padtype_to_pads_by_hand():
    assert lax.padtype_to_pads((5,), (3,), (2,), "SAME") == [(1, 1)]
    assert lax.padtype_to_pads((4,), (3,), (2,), "SAME") == [(0, 1)]
    assert lax.padtype_to_pads((4,), (3,), (2,), "SAME_LOWER") == [(1, 0)]
    assert lax.padtype_to_pads((4, 7), (3, 1), (1, 3), "valid") == [(0, 0), (0, 0)]


@given(st.integers(1, 20), st.integers(1, 6), st.integers(1, 4))
def test_same_padding_keeps_ceil_of_size_over_stride(n, k, s):
    ((lo, hi),) = lax.padtype_to_pads((n,), (k,), (s,), "SAME")
    assert lo in (hi, hi - 1) and (n + lo + hi - k) // s + 1 == -(-n // s)


# ---- errors --------------------------------------------------------------------------------------


def test_conv_errors_name_the_problem():
    x, w = np.ones((1, 4, 5, 5)), np.ones((6, 3, 3, 3))
    with pytest.raises(ValueError, match=r"\(1, 4, 5, 5\).*\(6, 3, 3, 3\).*feature_group_count=1"):
        lax.conv(x, w, (1, 1), "SAME")
    with pytest.raises(ValueError, match="not a multiple of feature_group_count=2"):
        lax.conv_general_dilated(np.ones((1, 4, 5)), np.ones((3, 2, 3)), (1,), "SAME",
                                 feature_group_count=2)
    with pytest.raises(ValueError, match="unrecognised padding 'SAMEE'"):
        lax.conv(x, np.ones((6, 4, 3, 3)), (1, 1), "SAMEE")
    with pytest.raises(ValueError, match="pairs"):
        lax.conv(x, np.ones((6, 4, 3, 3)), (1, 1), [1, 2])
    with pytest.raises(TypeError, match="'NCHX'.*'N' and 'C'|same spatial"):
        lax.conv_general_dilated(x, w, (1, 1), "SAME", dimension_numbers=("NCHX", "OIHW",
                                                                          "NCHW"))
    with pytest.raises(TypeError, match="'NHC' has 3 letters.*rank 4"):
        lax.conv_general_dilated(x, w, (1, 1), "SAME", dimension_numbers=("NHC", "OIHW",
                                                                          "NCHW"))
    with pytest.raises(TypeError, match="dimension_numbers must be None"):
        lax.conv_general_dilated(x, w, (1, 1), "SAME", dimension_numbers="NCHW")
    with pytest.raises(TypeError, match="float32 and float64"):
        lax.conv(x.astype(np.float32), np.ones((6, 4, 3, 3)), (1, 1), "SAME")
    with pytest.raises(ValueError, match="lhs_dilation"):
        lax.conv_general_dilated(x, np.ones((6, 4, 3, 3)), (1, 1), "SAME", lhs_dilation=(2, 2))
    with pytest.raises(ValueError, match="window_strides.*2 entries"):
        lax.conv(x, np.ones((6, 4, 3, 3)), (1,), "SAME")
    with pytest.raises(ValueError, match="same rank"):
        lax.conv(x, np.ones((6, 4, 3)), (1, 1), "SAME")
    # a zero stride or dilation: a ValueError naming it (was a ZeroDivisionError in the
    # 'SAME' padding arithmetic)
    with pytest.raises(ValueError, match=r"window_strides=\(0, 1\) must hold positive"):
        lax.conv(x, np.ones((6, 4, 3, 3)), (0, 1), "SAME")
    with pytest.raises(ValueError, match=r"rhs_dilation=\(1, 0\) must hold positive"):
        lax.conv_general_dilated(x, np.ones((6, 4, 3, 3)), (1, 1), "SAME", rhs_dilation=(1, 0))
    with pytest.raises(ValueError, match=r"strides=\(0, 2\) must hold positive"):
        lax.conv_transpose(x, np.ones((3, 3, 5, 2)), (0, 2), "SAME")
    with pytest.raises(ValueError, match="window_strides.*positive"):
        lax.reduce_window(x, 0.0, lax.add, (1, 1, 2, 2), (1, 1, 0, 2), "SAME")
    with pytest.raises(ValueError, match="4 entries, one per axis of the operand"):
        lax.reduce_window(x, 0.0, lax.add, (2, 2), (2, 2))


# ---- reduce_window -------------------------------------------------------------------------------

COMPUTATIONS = {"sum": (lax.add, 0.0), "max": (lax.max, -np.inf), "min": (lax.min, np.inf)}


@st.composite
def public_window(draw):
    shape, params = draw(window_config())
    kind = draw(st.sampled_from(["sum", "max", "min"]))
    window, strides, pads, base, wdil = params
    padding = pads
    if all(b == 1 for b in base) and draw(st.booleans()):
        padding = draw(st.sampled_from(["SAME", "VALID", "SAME_LOWER"]))
        spans = [(k - 1) * d + 1 for k, d in zip(window, wdil)]
        pads = tuple(lax.padtype_to_pads(shape, spans, strides, padding))
    comp, init = COMPUTATIONS[kind]

    def fn(x):
        return lax.reduce_window(x, init, comp, window, strides, padding, base, wdil)

    params = (window, strides, pads, base, wdil)
    assume(all(conv_src.P.window_out_dim(m, lo, hi, b, k, d, s) > 0 for m, (lo, hi), b, k, d, s
               in zip(shape, pads, base, window, wdil, strides)))
    return fn, (lambda x: reduce_window_ref(x, kind, *params)), shape, kind, params


def distinct_values(seed, shape, dtype):
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    return (rng.permutation(n).reshape(shape) + rng.uniform(-0.2, 0.2, shape)).astype(dtype)


@SETTINGS
@given(public_window(), st.sampled_from([F32, F64]), st.integers(0, 2**32 - 1))
def test_reduce_window_matches_naive_loops(drawn, dtype, seed):
    fn, ref, shape, _, _ = drawn
    x = distinct_values(seed, shape, dtype)
    close(fn(x), ref(x), dtype)
    close(fl.jit(fn)(x), ref(x), dtype)


@SETTINGS
@given(public_window(), st.integers(0, 2**32 - 1))
def test_reduce_window_derivatives_and_vmap(drawn, seed):
    fn, _, shape, kind, params = drawn
    assume(kind == "sum" or every_window_reads_the_operand(shape, params))
    x = fl.Array(distinct_values(seed, shape, F64))
    check_grads(fn, (x,), order=2, modes=("fwd", "rev"))
    xs = np.stack([distinct_values(seed + i, shape, F64) for i in range(3)], axis=-1)
    got = fl.vmap(fn, in_axes=-1, out_axes=1)(xs)
    close(got, np.stack([np.asarray(fn(xs[..., i])) for i in range(3)], axis=1))


def test_reduce_window_other_init_values_and_computations():
    x = np.array([[1.0, -2.0, 3.0], [-4.0, 5.0, -6.0]])
    ref = reduce_window_ref(x, "sum", (1, 2), (1, 1), ((0, 0), (1, 0)), (1, 1), (1, 1))
    # the init value joins each window once (padding takes no part)
    got = lax.reduce_window(x, 1.0, lax.add, (1, 2), (1, 1), ((0, 0), (1, 0)))
    close(got, ref + 1.0)
    got = lax.reduce_window(x, 0.0, jnp.maximum, (2, 2), (1, 1), "VALID")
    close(got, np.maximum(reduce_window_ref(x, "max", (2, 2), (1, 1), ((0, 0),) * 2, (1, 1),
                                            (1, 1)), 0.0))
    # a traced init value is differentiable
    g = fl.grad(lambda c: jnp.sum(lax.reduce_window(x, c, lax.add, (1, 3), (1, 1), "VALID")))
    close(g(fl.Array(np.float64(0.5))), np.float64(2.0))
    with pytest.raises(NotImplementedError, match="lax.add, lax.max or lax.min"):
        lax.reduce_window(x, 1.0, lax.mul, (2, 2), (1, 1), "VALID")
    with pytest.raises(ValueError, match="window_dimensions.*2 entries"):
        lax.reduce_window(x, 0.0, lax.add, (2,), (1,), "VALID")
    with pytest.raises(TypeError, match="init_value of dtype float32"):
        lax.reduce_window(x, np.float32(0), lax.add, (2, 2), (1, 1), "VALID")


# ---- pooling helpers (for the facade) ------------------------------------------------------------


def test_max_pool_values_and_first_maximum_takes_the_gradient():
    x = np.array([[[[1.0, 3.0, 3.0, 0.0], [3.0, 2.0, 1.0, 3.0],
                    [0.0, 0.0, 5.0, 5.0], [0.0, 0.0, 5.0, 5.0]]]])
    close(conv_src.max_pool(x, (2, 2)), [[[[3.0, 3.0], [0.0, 5.0]]]])
    g = fl.grad(lambda x: jnp.sum(conv_src.max_pool(x, (2, 2))))(x)
    want = np.zeros_like(x)
    want[0, 0, 0, 1] = want[0, 0, 0, 2] = want[0, 0, 2, 0] = want[0, 0, 2, 2] = 1.0
    close(g, want)
    # overlapping windows accumulate
    g = fl.grad(lambda x: jnp.sum(conv_src.max_pool(x, (1, 2), strides=(1, 1))))(
        np.array([[[[0.0, 2.0, 1.0]]]]))
    close(g, [[[[0.0, 2.0, 0.0]]]])


@SETTINGS
@given(st.integers(1, 2), st.integers(1, 3), st.integers(1, 3), st.integers(0, 1),
       st.booleans(), st.integers(0, 2**32 - 1))
def test_pools_against_reference(nsp, k, s, p, include, seed):
    assume(p <= k // 2)  # PyTorch's rule: padding at most half the window
    shape = (2, 3) + (5,) * nsp
    x = distinct_values(seed, shape, F64)
    window, strides, pads = (k,) * nsp, (s,) * nsp, ((p, p),) * nsp
    full = ((1, 1, *window), (1, 1, *strides), ((0, 0),) * 2 + pads, (1,) * (nsp + 2),
            (1,) * (nsp + 2))
    close(conv_src.max_pool(x, window, strides, pads), reduce_window_ref(x, "max", *full))
    total = reduce_window_ref(x, "sum", *full)
    count = k ** nsp if include else reduce_window_ref(np.ones(shape), "sum", *full)
    got = conv_src.avg_pool(x, window, strides, pads, count_include_pad=include)
    close(got, total / count)
    check_grads(lambda x: conv_src.avg_pool(x, window, strides, pads, include), (x,), order=2,
                modes=("fwd", "rev"))
    check_grads(lambda x: conv_src.max_pool(x, window, strides, pads), (x,), order=2,
                modes=("fwd", "rev"))


def test_integer_windows_and_their_errors():
    x = np.arange(12, dtype=np.int32).reshape(3, 4) * np.int32(-1)
    lowest = np.iinfo(np.int32).min
    got = lax.reduce_window(x, lowest, lax.max, (2, 2), (1, 2), [(0, 1), (0, 0)])
    want = reduce_window_ref(x, "max", (2, 2), (1, 2), ((0, 1), (0, 0)), (1, 1), (1, 1))
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(lax.reduce_window(x, 0, lax.add, (3, 1), (1, 1)),
                                  x.sum(axis=0, keepdims=True))
    with pytest.raises(TypeError, match="cannot be an element of the int32 operand"):
        lax.reduce_window(x, -np.inf, lax.max, (2, 2), (1, 1), "VALID")


@SETTINGS
@given(window_config(), st.sampled_from(["max", "min"]), st.integers(0, 2**32 - 1))
def test_window_argmax_is_a_strict_scan_nan_included(cfg, kind, seed):
    # The first extremum of each window in row-major window order; a first NaN wins, later
    # NaNs never do (what `if v > best: best = v` does), checked one window at a time.
    shape, (window, strides, pads, base, wdil) = cfg
    rng = np.random.default_rng(seed)
    x = rng.integers(-1, 2, shape).astype(F64)
    x[rng.random(shape) < 0.25] = np.nan
    got = np.asarray(C.window_argmax(x, kind, window, strides, pads, base, wdil))

    def dilate_pad(a, fill):  # holes and padding hold `fill`; negative padding crops
        for ax, (d, (lo, hi)) in enumerate(zip(base, pads)):
            a = np.moveaxis(a, ax, 0)
            out = np.full(((a.shape[0] - 1) * d + 1,) + a.shape[1:], fill, a.dtype)
            out[::d] = a
            out = np.concatenate([np.full((max(lo, 0),) + a.shape[1:], fill, a.dtype), out,
                                  np.full((max(hi, 0),) + a.shape[1:], fill, a.dtype)])
            a = np.moveaxis(out[max(-lo, 0):out.shape[0] - max(-hi, 0)], 0, ax)
        return a

    xd = dilate_pad(x, -np.inf if kind == "max" else np.inf)
    flat = dilate_pad(np.arange(x.size).reshape(shape), x.size)
    better = (lambda a, b: a > b) if kind == "max" else (lambda a, b: a < b)
    for o in np.ndindex(*got.shape):
        best = pos = None
        for w in np.ndindex(*window):
            at = tuple(i * s + j * d for i, s, j, d in zip(o, strides, w, wdil))
            if best is None or better(xd[at], best):
                best, pos = xd[at], flat[at]
        assert got[o] == pos, (o, got[o], pos)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(conv_config(), st.integers(1, 3))
def test_kernel_in_cache_sized_chunks_equals_the_reference(monkeypatch, cfg, chunk_examples):
    # On the CPU the kernel builds its im2col columns a few examples (or contracted features)
    # at a time; a tiny cache budget forces that path on the small drawn shapes.
    p = (cfg["window_strides"], cfg["padding"], cfg["lhs_dilation"], cfg["rhs_dilation"],
         cfg["feature_group_count"])
    rng = np.random.default_rng(0)
    x = rng.standard_normal(cfg["lhs_shape"])
    w = rng.standard_normal(cfg["rhs_shape"])
    f = lambda x, w: C.conv_general_dilated(x, w, *p)  # noqa: E731
    y, pullback = fl.vjp(f, x, w)
    ct = rng.standard_normal(np.shape(y))
    whole = (y, *pullback(ct))
    monkeypatch.setattr(C, "_CACHE_BYTES", chunk_examples * 8)
    y, pullback = fl.vjp(f, x, w)
    for got, want in zip((y, *pullback(ct)), whole):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(y, conv_ref(x, w, *p), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("budget", [8, 8 * 49 * 9 * 2 + 8])
def test_kernel_gradient_in_chunks_of_contracted_features(monkeypatch, budget):
    # The kernel's VJP correlates the input with the whole output cotangent (a window larger
    # than the output); on the CPU it contracts a few examples at a time and sums.
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((5, 2, 9, 9)), rng.standard_normal((3, 2, 3, 3))
    f = lambda w: C.conv_general_dilated(x, w, (1, 1), ((0, 0), (0, 0)), (1, 1), (1, 1))  # noqa
    y, pullback = fl.vjp(f, w)
    ct = rng.standard_normal(np.shape(y))
    (whole,) = pullback(ct)
    monkeypatch.setattr(C, "_CACHE_BYTES", budget)
    (chunked,) = fl.vjp(f, w)[1](ct)
    np.testing.assert_allclose(chunked, whole, rtol=1e-12)
    want = np.einsum("nohw,nckhlw->ockl", ct, np.lib.stride_tricks.sliding_window_view(
        x, (7, 7), axis=(2, 3)).transpose(0, 1, 2, 4, 3, 5))
    np.testing.assert_allclose(chunked, want, rtol=1e-10)


@pytest.mark.parametrize("n", [2, 12])  # examples innermost in the shifted adds when n >= 3
@pytest.mark.parametrize("lhs_dil, rhs_dil, groups", [((1, 1), (1, 1), 1), ((2, 1), (1, 2), 1),
                                                      ((1, 1), (1, 1), 2)])
def test_col2im_in_both_layouts_equals_the_reference(n, lhs_dil, rhs_dil, groups):
    # Few output features from many input features with unit strides take col2im; its adds
    # run along the examples or along the last spatial axis, whichever is longer.
    rng = np.random.default_rng(2)
    x = rng.standard_normal((n, 8, 3, 3))
    w = rng.standard_normal((2, 8 // groups, 2, 2))
    p = ((1, 1), ((1, 2), (0, 1)), lhs_dil, rhs_dil, groups)
    got = C.conv_general_dilated(x, w, (1, 1), *p[1:])
    np.testing.assert_allclose(got, conv_ref(x, w, *p), rtol=1e-12, atol=1e-12)
    assert 2 * 9 < 8 * int(np.prod(np.shape(got)[2:]))  # (the col2im condition holds)
