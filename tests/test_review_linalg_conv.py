"""Review of dot_general's layout-choosing VJP plans, jit's transpose(dot_general) peephole, and
the conv kernel's cache-sized im2col chunks and col2im layouts: values against einsum / loop
references, chunked against unchunked, second-order derivatives, vmap, jit, odd layouts."""
from __future__ import annotations

import numpy as np
import pytest
import test_primitives  # noqa: F401  (first: it loads prim_cases_conv with the whole table)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prim_cases_conv import conv_config, conv_ref

import functorch_lite as fl
import functorch_lite.numpy as jnp
from functorch_lite import lax
from functorch_lite._src.prims import conv as C
from functorch_lite.test_util import check_grads

SET = settings(max_examples=30, deadline=None, derandomize=True,
               suppress_health_check=[HealthCheck.function_scoped_fixture,
                                      HealthCheck.too_slow, HealthCheck.filter_too_much])


# ---- dot_general ---------------------------------------------------------------------------------


@st.composite
def dot_config(draw):
    """Operand shapes and dimension numbers with batch / contracting axes anywhere (several
    contracting axes, no free axes, 0-d and 1-d operands included)."""
    nb, nc = draw(st.integers(0, 2)), draw(st.integers(0, 3))
    nlf, nrf = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    xn, yn = nb + nc + nlf, nb + nc + nrf
    xperm = draw(st.permutations(range(xn)))
    yperm = draw(st.permutations(range(yn)))
    lb, lc = tuple(xperm[:nb]), tuple(xperm[nb:nb + nc])
    rb, rc = tuple(yperm[:nb]), tuple(yperm[nb:nb + nc])
    xs, ys = [0] * xn, [0] * yn
    for a, b in zip(lb + lc, rb + rc):
        xs[a] = ys[b] = draw(st.integers(1, 3))
    xs = tuple(s or draw(st.integers(1, 3)) for s in xs)
    ys = tuple(s or draw(st.integers(1, 3)) for s in ys)
    return xs, ys, ((lc, rc), (lb, rb))


def _subscripts(xn, yn, dn):
    """einsum subscripts (x, y, out) of a dot_general."""
    (lc, rc), (lb, rb) = dn
    letters = iter("abcdefghijklmnopqrstuvwxyz")
    xl, yl = [None] * xn, [None] * yn
    batch = []
    for a, b in zip(lb, rb):
        xl[a] = yl[b] = next(letters)
        batch.append(xl[a])
    for a, b in zip(lc, rc):
        xl[a] = yl[b] = next(letters)
    lf = [xl.__setitem__(i, next(letters)) or xl[i] for i in range(xn) if xl[i] is None]
    rf = [yl.__setitem__(i, next(letters)) or yl[i] for i in range(yn) if yl[i] is None]
    return "".join(xl), "".join(yl), "".join(batch + lf + rf)


@SET
@given(dot_config(), st.sampled_from([np.float32, np.float64]), st.booleans())
def test_dot_general_vjp_equals_the_einsum_transposes(cfg, dtype, use_jit):
    xs, ys, dn = cfg
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal(xs).astype(dtype), rng.standard_normal(ys).astype(dtype)
    a, b, o = _subscripts(len(xs), len(ys), dn)

    def pullback(x, y, ct):
        return fl.vjp(lambda x, y: lax.dot_general(x, y, dn), x, y)[1](ct)

    out = lax.dot_general(x, y, dn)
    ct = rng.standard_normal(np.shape(out)).astype(dtype)
    gx, gy = (fl.jit(pullback) if use_jit else pullback)(x, y, ct)
    tol = dict(rtol=1e-5, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(out, np.einsum(f"{a},{b}->{o}", x, y), **tol)
    for got, want, shape in ((gx, np.einsum(f"{o},{b}->{a}", ct, y), xs),
                             (gy, np.einsum(f"{a},{o}->{b}", x, ct), ys)):
        got = np.asarray(got)
        assert got.shape == shape and got.dtype == dtype
        np.testing.assert_allclose(got, want, **tol)


@settings(max_examples=15, deadline=None, derandomize=True)
@given(dot_config())
def test_dot_general_second_order_grads(cfg):
    xs, ys, dn = cfg
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal(xs), rng.standard_normal(ys)
    check_grads(lambda x, y: lax.dot_general(x, y, dn), (x, y), order=2, modes=("fwd", "rev"))


@settings(max_examples=20, deadline=None, derandomize=True)
@given(dot_config(), st.data())
def test_vmap_and_jit_of_dot_general_grad_equal_the_loop(cfg, data):
    xs, ys, dn = cfg
    rng = np.random.default_rng(2)
    g = fl.grad(lambda x, y: jnp.sum(jnp.sin(lax.dot_general(x, y, dn))), argnums=(0, 1))
    ax = data.draw(st.integers(0, len(xs)))
    ay = data.draw(st.sampled_from([None, *range(len(ys) + 1)]))
    xb = np.stack([rng.standard_normal(xs) for _ in range(3)], ax)
    yb = rng.standard_normal(ys) if ay is None else np.stack(
        [rng.standard_normal(ys) for _ in range(3)], ay)
    got = fl.vmap(g, in_axes=(ax, ay))(xb, yb)
    got_jit = fl.jit(fl.vmap(g, in_axes=(ax, ay)))(xb, yb)
    for i in range(3):
        want = g(np.take(xb, i, ax), yb if ay is None else np.take(yb, i, ay))
        for k in range(2):
            np.testing.assert_allclose(np.asarray(got[k])[i], want[k], rtol=1e-12, atol=1e-12)
            np.testing.assert_allclose(np.asarray(got_jit[k])[i], want[k], rtol=1e-12,
                                       atol=1e-12)


# (lhs (3, 4, 5, 2) with batch axis 0 and contracting axis 2; rhs (5, 3, 6) with batch axis 1)
_DN = (((2,), (0,)), ((0,), (1,)))
_SWAP = (0, 3, 1, 2)  # batch, rhs free, lhs free: the swapped product's layout


@pytest.mark.parametrize("program", ["alone", "used_twice", "duplicate_product", "not_a_swap"])
def test_jit_swapped_product_peephole_with_batch_axes(program):
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((3, 4, 5, 2)), rng.standard_normal((5, 3, 6))

    def f(x, y):
        d = lax.dot_general(x, y, _DN)
        if program == "alone":
            return jnp.transpose(d, _SWAP)
        if program == "used_twice":
            return jnp.transpose(d, _SWAP), d * 2.0
        if program == "duplicate_product":  # CSE merges the two products first
            return jnp.transpose(d, _SWAP) + 1.0, lax.dot_general(x, y, _DN)
        return jnp.transpose(d, (0, 3, 2, 1))  # also reorders lhs's free axes: no rewrite

    want = f(x, y)
    got = fl.jit(f)(x, y)
    for w, g in zip(want if isinstance(want, tuple) else (want,),
                    got if isinstance(got, tuple) else (got,)):
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(g, w, rtol=1e-13, atol=1e-13)


# ---- conv: chunks, col2im, odd shapes ------------------------------------------------------------


def _params(cfg):
    return (cfg["window_strides"], cfg["padding"], cfg["lhs_dilation"], cfg["rhs_dilation"],
            cfg["feature_group_count"])


def test_conv_without_spatial_axes_is_a_matmul():
    # o < c takes col2im, which looked at the (missing) last spatial axis: IndexError
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal((3, 4)), rng.standard_normal((2, 4))
    f = lambda x, w: C.conv_general_dilated(x, w, (), (), (), ())  # noqa: E731
    np.testing.assert_allclose(f(x, w), x @ w.T, rtol=1e-13)
    check_grads(f, (x, w), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("nsp", [1, 2])
def test_conv_with_no_input_features_is_zeros(nsp):
    # the im2col chunk size divided by a zero column size: ZeroDivisionError
    x = np.ones((2, 0) + (5,) * nsp, np.float32)
    w = np.ones((3, 0) + (2,) * nsp, np.float32)
    y = C.conv_general_dilated(x, w, (1,) * nsp, ((0, 0),) * nsp, (1,) * nsp, (1,) * nsp)
    assert np.asarray(y).dtype == np.float32
    np.testing.assert_array_equal(y, np.zeros((2, 3) + (4,) * nsp, np.float32))


def _odd_layout(x, how):
    """The same values in a non-contiguous numpy array: reversed or transposed storage."""
    if how == "reversed":
        return np.ascontiguousarray(x[::-1, ::-1])[::-1, ::-1]
    if how == "transposed":
        return np.ascontiguousarray(x.T).T
    return x


@SET
@given(conv_config(max_spatial=3), st.sampled_from([np.float32, np.float64]),
       st.integers(1, 4), st.sampled_from(["plain", "reversed", "transposed"]))
def test_chunked_conv_and_its_vjps_equal_the_unchunked_ones(monkeypatch, cfg, dtype, extra_n,
                                                             layout):
    p = _params(cfg)
    rng = np.random.default_rng(5)
    n = cfg["lhs_shape"][0] + extra_n  # up to 6 examples: chunks of 2 leave a remainder
    x = rng.standard_normal((n,) + cfg["lhs_shape"][1:]).astype(dtype)
    w = rng.standard_normal(cfg["rhs_shape"]).astype(dtype)
    x, w = _odd_layout(x, layout), _odd_layout(w, layout)
    f = lambda x, w: C.conv_general_dilated(x, w, *p)  # noqa: E731
    y, pullback = fl.vjp(f, x, w)
    ct = _odd_layout(rng.standard_normal(np.shape(y)).astype(dtype), layout)
    whole = (y, *pullback(ct))
    tol = dict(rtol=2e-5, atol=2e-5) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(y, conv_ref(x, w, *p), **tol)
    per_example = x.shape[1] * np.prod(w.shape[2:]) * np.prod(np.shape(y)[2:]) * x.itemsize
    for budget in (1, 2 * per_example):  # one example (or feature) at a time; two
        monkeypatch.setattr(C, "_CACHE_BYTES", int(budget))
        y2, pullback2 = fl.vjp(f, x, w)
        for got, want in zip((y2, *pullback2(ct)), whole):
            assert np.asarray(got).dtype == dtype
            np.testing.assert_allclose(got, want, **tol)


@settings(max_examples=10, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
@given(conv_config())
def test_chunked_conv_under_vmap_of_grad_and_jit(monkeypatch, cfg):
    p = _params(cfg)
    rng = np.random.default_rng(6)
    xb = rng.standard_normal((3,) + cfg["lhs_shape"])
    w = rng.standard_normal(cfg["rhs_shape"])
    loss = lambda x, w: jnp.sum(jnp.sin(C.conv_general_dilated(x, w, *p)))  # noqa: E731
    g = fl.grad(loss, argnums=(0, 1))
    want = [g(xb[i], w) for i in range(3)]
    monkeypatch.setattr(C, "_CACHE_BYTES", 8)
    for h in (fl.vmap(g, in_axes=(0, None)), fl.jit(fl.vmap(g, in_axes=(0, None)))):
        got = h(xb, w)
        for i in range(3):
            for k in range(2):
                np.testing.assert_allclose(np.asarray(got[k])[i], want[i][k], rtol=1e-12,
                                           atol=1e-12)


@pytest.mark.parametrize("n", [1, 3, 7])  # examples innermost when n >= the last spatial size
@pytest.mark.parametrize("nsp", [1, 2, 3])
def test_col2im_layouts_with_crops_and_strided_operands(n, nsp):
    # 1 output feature from 6 input features, unit strides: col2im; negative padding crops
    rng = np.random.default_rng(7)
    sp = (3, 4, 3)[:nsp]
    x = np.swapaxes(rng.standard_normal((6, n) + sp), 0, 1)  # a strided (N, C, ...) view
    w = rng.standard_normal((1, 6) + (2,) * nsp)[..., ::-1]  # reversed last axis
    p = ((1,) * nsp, ((-1, 1), (1, -1), (0, 0))[:nsp], (1, 2, 1)[:nsp], (2, 1, 1)[:nsp], 1)
    got = C.conv_general_dilated(x, w, *p)
    np.testing.assert_allclose(got, conv_ref(x, w, *p), rtol=1e-12, atol=1e-12)
