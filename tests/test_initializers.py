"""functorch_lite.nn.initializers: shapes, dtypes, fan computations against the formulas (the
sample variance), orthogonality, determinism and jit/vmap over keys."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import functorch_lite as fl
import functorch_lite.numpy as jnp
from functorch_lite import random
from functorch_lite.nn import initializers as init

KEY = random.key(0)
SETTINGS = settings(max_examples=15, deadline=None, derandomize=True)


def _np(x):
    return np.asarray(x)


def test_constant_initializers():
    z = init.zeros(KEY, (2, 3))
    assert z.shape == (2, 3) and z.dtype == np.float32 and not np.any(_np(z))
    o = init.ones(KEY, 4, jnp.float64)
    assert o.dtype == np.float64 and np.all(_np(o) == 1)
    c = init.constant(0.5)(KEY, (2, 2))
    assert c.dtype == np.float32 and np.all(_np(c) == 0.5)
    assert init.constant(3, jnp.int32)(KEY, (2,)).dtype == np.int32
    np.testing.assert_array_equal(_np(init.constant(jnp.asarray([1.0, 2.0]))(KEY, (3, 2))),
                                  [[1, 2]] * 3)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_normal_uniform_truncated_normal(dtype):
    n = init.normal(0.1)(KEY, (400, 500), dtype)
    assert n.dtype == dtype and abs(_np(n).std() - 0.1) < 0.002
    u = _np(init.uniform(0.5)(KEY, (400, 500), dtype))
    assert u.min() >= 0 and u.max() < 0.5 and abs(u.mean() - 0.25) < 0.003
    t = _np(init.truncated_normal(0.1)(KEY, (400, 500), dtype))
    assert t.min() > -0.2 and t.max() < 0.2 and abs(t.std() - 0.1 * 0.8796) < 0.002
    assert init.normal()(KEY, (2,)).dtype == np.float32  # the default float


@pytest.mark.parametrize("shape,in_axis,out_axis,batch_axis,fans", [
    ((64, 32), -2, -1, (), (64, 32)),
    ((3, 3, 16, 32), -2, -1, (), (144, 288)),  # HWIO convolution: receptive field 9
    ((32, 16, 5), 1, 0, (), (80, 160)),  # OIW with explicit axes
    ((4, 8, 6), -2, -1, 0, (8, 6)),  # a batch of 4 matrices
    ((2, 3, 4, 5), (0, 1), -1, (), (24, 20)),  # several input axes
    ((5,), 0, 0, (), (1, 1)),  # a 1-d weight with explicit axes (as JAX)
])
def test_compute_fans_against_the_formula(shape, in_axis, out_axis, batch_axis, fans):
    assert init.compute_fans(shape, in_axis, out_axis, batch_axis) == fans


PRESETS = [
    ("glorot_uniform", lambda fi, fo: 2 / (fi + fo)),
    ("glorot_normal", lambda fi, fo: 2 / (fi + fo)),
    ("xavier_uniform", lambda fi, fo: 2 / (fi + fo)),
    ("xavier_normal", lambda fi, fo: 2 / (fi + fo)),
    ("lecun_uniform", lambda fi, fo: 1 / fi),
    ("lecun_normal", lambda fi, fo: 1 / fi),
    ("he_uniform", lambda fi, fo: 2 / fi),
    ("he_normal", lambda fi, fo: 2 / fi),
    ("kaiming_uniform", lambda fi, fo: 2 / fi),
    ("kaiming_normal", lambda fi, fo: 2 / fi),
]


@pytest.mark.parametrize("name,variance", PRESETS)
@pytest.mark.parametrize("shape", [(300, 200), (3, 3, 40, 60)])
def test_presets_have_the_variance_of_their_formula(name, variance, shape):
    fan_in, fan_out = init.compute_fans(shape)
    w = _np(getattr(init, name)()(KEY, shape))
    assert w.shape == shape and w.dtype == np.float32
    want = variance(fan_in, fan_out)
    assert abs(w.var() / want - 1) < 0.05, (w.var(), want)
    assert abs(w.mean()) < 0.05 * math.sqrt(want)
    bound = math.sqrt(3 * want) if "uniform" in name else 2 * math.sqrt(want) / 0.8796
    assert np.abs(w).max() <= bound * 1.0001


@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg"])
@pytest.mark.parametrize("distribution", ["truncated_normal", "normal", "uniform"])
def test_variance_scaling_modes_and_distributions(mode, distribution):
    shape = (5, 120, 80)
    w = _np(init.variance_scaling(3.0, mode, distribution, in_axis=1, out_axis=2,
                                  batch_axis=0)(KEY, shape, jnp.float64))
    assert w.dtype == np.float64
    n = {"fan_in": 120, "fan_out": 80, "fan_avg": 100}[mode]
    assert abs(w.var() / (3.0 / n) - 1) < 0.05


def test_orthogonal_has_orthonormal_columns_or_rows():
    q = _np(init.orthogonal()(KEY, (6, 6), jnp.float64))
    np.testing.assert_allclose(q.T @ q, np.eye(6), atol=1e-12)
    tall = _np(init.orthogonal(2.0)(KEY, (10, 4)))
    np.testing.assert_allclose(tall.T @ tall, 4 * np.eye(4), atol=1e-5)
    wide = _np(init.orthogonal()(KEY, (3, 7)))
    np.testing.assert_allclose(wide @ wide.T, np.eye(3), atol=1e-5)
    conv = _np(init.orthogonal(column_axis=0)(KEY, (8, 2, 3)))  # columns along axis 0
    flat = np.moveaxis(conv, 0, -1).reshape(6, 8)
    np.testing.assert_allclose(flat @ flat.T, np.eye(6), atol=1e-5)
    # uniformly distributed: no sign bias on the diagonal
    diag = np.stack([np.diag(_np(init.orthogonal()(k, (3, 3)))) for k in random.split(KEY, 400)])
    assert abs(np.mean(diag > 0) - 0.5) < 0.08


@pytest.mark.parametrize("name", ["normal", "uniform", "truncated_normal", "glorot_normal",
                                  "he_uniform", "lecun_normal", "orthogonal"])
@SETTINGS
@given(shape=st.tuples(st.integers(2, 5), st.integers(2, 5)), seed=st.integers(0, 2**32 - 1))
def test_initializers_are_deterministic_and_match_under_jit_and_vmap(name, shape, seed):
    initializer = getattr(init, name)()
    key = random.key(seed)
    eager = _np(initializer(key, shape))
    np.testing.assert_array_equal(_np(initializer(key, shape)), eager)
    np.testing.assert_allclose(_np(fl.jit(lambda k: initializer(k, shape))(key)), eager,
                               rtol=1e-6, atol=1e-6)
    keys = random.split(key, 3)
    batched = _np(fl.vmap(lambda k: initializer(k, shape))(keys))
    loop = np.stack([_np(initializer(k, shape)) for k in keys])
    np.testing.assert_allclose(batched, loop, rtol=1e-6, atol=1e-6)
    assert not np.array_equal(loop[0], loop[1])


def test_initializer_errors():
    with pytest.raises(ValueError, match="at least 2 axes"):
        init.glorot_uniform()(KEY, (5,))
    with pytest.raises(ValueError, match=r"out of range for a weight of shape \(5, 3\)"):
        init.glorot_uniform(in_axis=2)(KEY, (5, 3))
    w = init.variance_scaling(1.0, "fan_in", "normal", in_axis=0, out_axis=0)(KEY, (5,))
    assert w.shape == (5,)
    with pytest.raises(ValueError, match="mode must be"):
        init.variance_scaling(1.0, "fan_sum", "normal")
    with pytest.raises(ValueError, match="distribution must be"):
        init.variance_scaling(1.0, "fan_in", "cauchy")
    with pytest.raises(ValueError, match="at least a 2-D shape"):
        init.orthogonal()(KEY, (3,))
    with pytest.raises(ValueError, match="float dtype"):
        init.normal()(KEY, (2,), jnp.int32)
    with pytest.raises(TypeError, match=r"random\.key\(0\)"):
        init.normal()(0, (2,))
