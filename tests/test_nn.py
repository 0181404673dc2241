"""functorch_lite.nn: activations against numpy formulas (float32 and float64), derivatives to
second order, vmap against a loop, jit against eager; derivative conventions at the kinks; the
softmax family's stability for large inputs and its -inf conventions."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import functorch_lite as fl
import functorch_lite.nn as nn
import functorch_lite.numpy as jnp
from functorch_lite.test_util import check_grads

SETTINGS = settings(max_examples=15, deadline=None, derandomize=True)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def np_log_softmax(x, axis=-1):
    m = np.max(x, axis=axis, keepdims=True)
    return x - m - np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))


SELU_A, SELU_S = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
ERF = np.vectorize(math.erf, otypes=[np.float64])
# name: (function, numpy formula); evaluated away from the kinks (|x| > 0.1, not near 6 or 1)
CASES = {
    "relu": (nn.relu, lambda x: np.maximum(x, 0)),
    "relu6": (nn.relu6, lambda x: np.minimum(np.maximum(x, 0), 6)),
    "leaky_relu": (nn.leaky_relu, lambda x: np.where(x >= 0, x, 0.01 * x)),
    "leaky_relu_slope": (lambda x: nn.leaky_relu(x, negative_slope=0.2),
                         lambda x: np.where(x >= 0, x, 0.2 * x)),
    "elu": (nn.elu, lambda x: np.where(x > 0, x, np.expm1(x))),
    "celu": (lambda x: nn.celu(x, alpha=2.0),
             lambda x: np.maximum(x, 0) + 2 * np.expm1(np.minimum(x, 0) / 2)),
    "selu": (nn.selu, lambda x: SELU_S * np.where(x > 0, x, SELU_A * np.expm1(x))),
    "gelu": (nn.gelu, lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi)
                                                          * (x + 0.044715 * x**3)))),
    "gelu_exact": (lambda x: nn.gelu(x, approximate=False),
                   lambda x: 0.5 * x * (1 + ERF(x / np.sqrt(2)))),
    "sigmoid": (nn.sigmoid, sigmoid),
    "silu": (nn.silu, lambda x: x * sigmoid(x)),
    "swish": (nn.swish, lambda x: x * sigmoid(x)),
    "softplus": (nn.softplus, lambda x: np.log1p(np.exp(x))),
    "log_sigmoid": (nn.log_sigmoid, lambda x: -np.log1p(np.exp(-x))),
    "soft_sign": (nn.soft_sign, lambda x: x / (np.abs(x) + 1)),
    "hard_tanh": (nn.hard_tanh, lambda x: np.clip(x, -1, 1)),
    "hard_sigmoid": (nn.hard_sigmoid, lambda x: np.clip(x + 3, 0, 6) / 6),
    "hard_silu": (nn.hard_silu, lambda x: x * np.clip(x + 3, 0, 6) / 6),
    "tanh": (nn.tanh, np.tanh),
    "mish": (nn.mish, lambda x: x * np.tanh(np.log1p(np.exp(x)))),
    "squareplus": (nn.squareplus, lambda x: (x + np.sqrt(x * x + 4)) / 2),
    "glu": (nn.glu, lambda x: x[..., :2] * sigmoid(x[..., 2:])),
    "softmax": (nn.softmax, lambda x: np.exp(np_log_softmax(x))),
    "softmax_axis0": (lambda x: nn.softmax(x, axis=0), lambda x: np.exp(np_log_softmax(x, 0))),
    "log_softmax": (nn.log_softmax, np_log_softmax),
    "logsumexp": (lambda x: nn.logsumexp(x, axis=-1),
                  lambda x: (x - np_log_softmax(x))[..., 0]),
    "standardize": (nn.standardize,
                    lambda x: (x - x.mean(-1, keepdims=True))
                    / np.sqrt(x.var(-1, keepdims=True) + 1e-5)),
}


def _points(rng, shape):
    x = rng.uniform(-4, 4, shape)
    x = np.where(np.abs(x) < 0.1, 0.5, x)  # off the kinks at 0 ...
    x = np.where(np.abs(np.abs(x) - 1) < 0.05, 1.5, x)  # ... +-1 (hard_tanh) and -3 (hard_*)
    return np.where(np.abs(x + 3) < 0.05, -2.5, x)


@pytest.mark.parametrize("name", sorted(CASES))
@SETTINGS
@given(lead=st.sampled_from([(), (2,), (3, 1)]), seed=st.integers(0, 2**31))
def test_values_derivatives_vmap_jit(name, lead, seed):
    fn, ref = CASES[name]
    x64 = _points(np.random.default_rng(seed), lead + (4,))
    for dtype in (np.float32, np.float64):
        x = x64.astype(dtype)
        got = fn(jnp.asarray(x))
        assert got.dtype == dtype, (got.dtype, dtype)
        tol = 2e-6 if dtype == np.float32 else 1e-12
        np.testing.assert_allclose(np.asarray(got), ref(x.astype(np.float64)), rtol=tol,
                                   atol=tol)
        np.testing.assert_allclose(np.asarray(fl.jit(fn)(jnp.asarray(x))), np.asarray(got),
                                   rtol=tol, atol=tol)
    check_grads(fn, (jnp.asarray(x64),), order=2, modes=("fwd", "rev"))
    batch = np.stack([x64, -x64])
    want = np.stack([np.asarray(fn(jnp.asarray(b))) for b in batch])
    np.testing.assert_allclose(np.asarray(fl.vmap(fn)(jnp.asarray(batch))), want, rtol=1e-12)


def test_derivatives_at_kinks_follow_jax():
    def d(f, x):
        return float(fl.grad(f)(x))

    assert d(nn.relu, 0.0) == 0.0 and d(nn.relu, 1.0) == 1.0
    assert d(nn.relu6, 0.0) == 0.0 and d(nn.relu6, 6.0) == 0.0 and d(nn.relu6, 3.0) == 1.0
    assert d(nn.leaky_relu, 0.0) == 1.0
    assert d(nn.hard_tanh, 1.0) == 1.0 and d(nn.hard_tanh, -1.0) == 1.0
    assert d(nn.elu, 0.0) == 1.0  # alpha * exp(0): the left branch at 0, as JAX's where
    assert d(nn.softplus, 0.0) == 0.5 and d(nn.sigmoid, 0.0) == 0.25
    assert np.isnan(float(nn.relu(jnp.asarray(np.nan))))
    assert nn.relu(jnp.asarray([-2, 3])).dtype == np.int32


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_family_is_stable_for_large_inputs(dtype):
    x = jnp.asarray(np.array([[1e4, 1e4 - 1.0, -1e4], [-1e4, 0.0, 1e4]], dtype))
    want = np_log_softmax(np.asarray(x, np.float64))
    np.testing.assert_allclose(np.asarray(nn.log_softmax(x)), want, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(nn.softmax(x)), np.exp(want), rtol=1e-6, atol=1e-30)
    np.testing.assert_allclose(np.asarray(nn.logsumexp(x, axis=-1)),
                               np.asarray(x, np.float64)[:, 0] - want[:, 0], rtol=1e-6)
    for f in (lambda v: jnp.sum(nn.log_softmax(v)[:, 0]),
              lambda v: jnp.sum(nn.softmax(v)[:, 1]),
              lambda v: jnp.sum(nn.logsumexp(v, axis=-1))):
        g = np.asarray(fl.grad(f)(x))
        assert np.all(np.isfinite(g)) and g.dtype == dtype
    g = fl.grad(lambda v: jnp.sum(nn.logsumexp(v, axis=-1)))(x)
    np.testing.assert_allclose(np.asarray(g), np.exp(want), rtol=1e-5, atol=1e-30)


def test_rows_of_minus_inf_have_documented_values_and_finite_gradients():
    x = jnp.asarray(np.array([[-np.inf, -np.inf, -np.inf], [1.0, 2.0, 3.0]]))
    assert np.asarray(nn.logsumexp(x, axis=-1))[0] == -np.inf
    np.testing.assert_array_equal(np.asarray(nn.softmax(x))[0], [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(np.asarray(nn.log_softmax(x))[0], [-np.inf] * 3)
    w = jnp.asarray(np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]]))
    losses = [lambda v, w: jnp.sum(nn.logsumexp(v, axis=-1)),
              lambda v, w: jnp.sum(nn.softmax(v) * w),
              lambda v, w: jnp.sum(jnp.where(jnp.isfinite(v), nn.log_softmax(v), 0.0) * w)]
    for loss in losses:
        g = np.asarray(fl.grad(loss)(x, w))
        assert np.all(np.isfinite(g)), g
        clean = np.asarray(fl.grad(loss)(x[1:], w[1:]))  # the -inf row leaves the others be
        np.testing.assert_allclose(g[1:], clean, rtol=1e-12)
    np.testing.assert_array_equal(np.asarray(fl.grad(losses[0])(x, w))[0], [0.0, 0.0, 0.0])
    t = fl.jvp(lambda v: nn.logsumexp(v, axis=-1), (x,), (jnp.ones_like(x),))[1]
    np.testing.assert_allclose(np.asarray(t), [0.0, 1.0])


def test_softmax_where_masks_entries():
    x = jnp.asarray([1.0, 2.0, 3.0])
    mask = jnp.asarray([True, False, True])
    got = np.asarray(nn.softmax(x, where=mask))
    e = np.exp([1.0, 3.0])
    np.testing.assert_allclose(got, [e[0] / e.sum(), 0.0, e[1] / e.sum()], rtol=1e-6)
    assert np.asarray(nn.log_softmax(x, where=mask))[1] == -np.inf
    g = fl.grad(lambda v: jnp.sum(nn.softmax(v, where=mask) * x))(x)
    assert np.asarray(g)[1] == 0.0


def test_softmax_second_order_and_jit_of_grad():
    x = jnp.asarray(np.random.default_rng(0).standard_normal((3, 4)))
    check_grads(lambda v: nn.softmax(v) * 2.0, (x,), order=2, modes=("fwd", "rev"))
    h = fl.hessian(lambda v: nn.logsumexp(v))(jnp.asarray(np.array([1.0, 2.0])))
    p = np.exp([1.0, 2.0]) / np.exp([1.0, 2.0]).sum()
    np.testing.assert_allclose(np.asarray(h), np.diag(p) - np.outer(p, p), rtol=1e-12)
    g = lambda v: fl.grad(lambda u: jnp.sum(nn.log_softmax(u)[:, 0]))(v)  # noqa: E731
    np.testing.assert_allclose(np.asarray(fl.jit(g)(x)), np.asarray(g(x)), rtol=1e-12)


def test_one_hot():
    got = nn.one_hot(jnp.asarray([0, 2, 5, -1]), 3)
    np.testing.assert_array_equal(np.asarray(got), [[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]])
    assert got.dtype == np.float32
    assert nn.one_hot(jnp.asarray([1]), 2, dtype=jnp.int32).dtype == np.int32
    got = nn.one_hot(jnp.asarray([[0, 1]]), 3, axis=0)
    assert got.shape == (3, 1, 2)
    np.testing.assert_array_equal(np.asarray(got)[:, 0, 1], [0, 1, 0])
    labels = jnp.asarray([[0, 1], [2, 2]])
    np.testing.assert_array_equal(np.asarray(fl.vmap(lambda v: nn.one_hot(v, 3))(labels)),
                                  np.asarray(nn.one_hot(labels, 3)))
    np.testing.assert_array_equal(np.asarray(fl.jit(lambda v: nn.one_hot(v, 3))(labels)),
                                  np.asarray(nn.one_hot(labels, 3)))
    with pytest.raises(TypeError, match="num_classes"):
        nn.one_hot(jnp.asarray([1]), jnp.asarray(3))


def test_standardize_with_given_statistics_and_errors():
    x = jnp.asarray([[1.0, 3.0], [2.0, 6.0]])
    got = nn.standardize(x, axis=0, mean=jnp.asarray([1.0, 1.0]), variance=4.0, epsilon=0.0)
    np.testing.assert_allclose(np.asarray(got), [[0.0, 1.0], [0.5, 2.5]])
    with pytest.raises(ValueError, match="even"):
        nn.glu(jnp.ones((2, 3)))


def test_standardize_given_mean_clips_the_variance_and_keeps_the_dtype():
    # With a Python-scalar mean the "fast" variance mean(x**2) - mean**2 can be negative: it is
    # clipped at 0, as in JAX (it was NaN), and the result stays float32 (it was float64).
    x = np.array([[0.1, 0.2, 0.1], [1.0, 2.0, 3.0]], np.float32)
    out = fl.nn.standardize(jnp.asarray(x), mean=0.5)
    assert out.dtype == np.float32
    var = np.maximum((x.astype(np.float64) ** 2).mean(-1, keepdims=True) - 0.25, 0.0)
    np.testing.assert_allclose(np.asarray(out), (x - 0.5) / np.sqrt(var + 1e-5), rtol=1e-4)
    assert fl.nn.standardize(jnp.asarray(x), mean=0.5, variance=2).dtype == np.float32


@pytest.mark.parametrize("axis", [-1, 0, (0, 1)])
def test_standardize_stable_algorithm(axis):
    x = np.random.default_rng(0).normal(size=(4, 5)) + 1e3
    out = fl.nn.standardize(jnp.asarray(x), axis=axis, algorithm="stable")
    m = x.mean(axis=axis, keepdims=True)
    want = (x - m) / np.sqrt(((x - m) ** 2).mean(axis=axis, keepdims=True) + 1e-5)
    np.testing.assert_allclose(np.asarray(out), want, rtol=1e-9, atol=1e-9)
    check_grads(lambda v: fl.nn.standardize(v, axis=axis, algorithm="stable"), (x,), order=2,
                modes=("fwd", "rev"))
    with pytest.raises(ValueError, match="algorithm must be 'fast' or 'stable'"):
        fl.nn.standardize(jnp.asarray(x), algorithm="two-pass")


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_sigmoid_keeps_relative_precision_in_the_left_tail(dtype):
    # 0.5 * tanh(x / 2) + 0.5 rounded to exactly 0 below x = -17 (float32), so log(sigmoid(x))
    # was -inf; the true value is exp(x) / (1 + exp(x)).
    lowest = -9.0 if dtype == np.float16 else -60.0  # (float16 is subnormal below -9.7)
    x = np.linspace(lowest, 30.0, 301).astype(dtype)
    want = np.exp(np.minimum(x, 0).astype(np.float64)) / (1 + np.exp(-np.abs(x.astype(np.float64))))
    for f in (nn.sigmoid, fl.jit(nn.sigmoid), fl.scipy.special.expit):
        got = np.asarray(f(jnp.asarray(x)))
        assert got.dtype == dtype
        np.testing.assert_allclose(got, want, rtol=4 * np.finfo(dtype).eps, atol=0)


def test_one_hot_axis_is_an_int_position():
    labels = jnp.asarray([[0, 2]])
    np.testing.assert_array_equal(np.asarray(nn.one_hot(labels, 3, axis=np.int64(0))),
                                  np.asarray(nn.one_hot(labels, 3, axis=0)))
    with pytest.raises(NotImplementedError, match="one_hot: axis must be an int .*got 'batch'; "
                                                  "named axes"):
        nn.one_hot(labels, 3, axis="batch")
