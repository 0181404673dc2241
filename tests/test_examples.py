"""Smoke tests of the examples: each runs in its quick mode, and the pieces it demonstrates are
checked against plain references (a Python loop for vmap, eager for jit, the series' known
range)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import functorch_lite as fl
import functorch_lite.numpy as jnp
from functorch_lite import random

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def gru():
    spec = importlib.util.spec_from_file_location("gru_forecast", EXAMPLES / "gru_forecast.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gru_forecast_quick_run_trains(gru, capsys):
    out = gru.main(["--quick", "--no-plot"])
    printed = capsys.readouterr().out
    losses = [loss for _, loss in out["history"]]
    assert len(losses) == 12
    assert np.all(np.isfinite(losses))
    assert out["last_loss"] < 0.5 * out["first_loss"]  # the loss goes down
    assert np.isfinite(out["test_mse"]) and out["persistence_mse"] > 0
    norms = out["grad_norms"]
    assert norms.shape == (32,) and np.all(np.isfinite(norms)) and np.all(norms > 0)
    for text in ("minibatch MSE", "test MSE", "persistence", "gradient norms"):
        assert text in printed


def test_mackey_glass_series(gru):
    x = gru.mackey_glass(600)
    assert x.shape == (600,)
    # the attractor of the tau=17 equation stays within about [0.2, 1.4] and is not periodic
    # with a short period: its values spread over that range
    assert 0.1 < x.min() < 0.6 and 1.0 < x.max() < 1.5
    assert np.std(x) > 0.1
    np.testing.assert_array_equal(x, gru.mackey_glass(600))  # deterministic


def test_gru_vmap_and_jit_match_loops(gru):
    params = gru.init_params(random.key(1), 6)
    xs = random.normal(random.key(2), (5, gru.WINDOW, 1))
    ys = random.normal(random.key(3), (5, gru.WINDOW))
    batched = np.asarray(gru.predict_batch(params, xs))
    looped = np.stack([np.asarray(gru.predict_sequence(params, xs[i])) for i in range(5)])
    np.testing.assert_allclose(batched, looped, rtol=1e-5, atol=1e-6)

    loss, grads = fl.jit(fl.value_and_grad(gru.batch_loss))(params, xs, ys)
    loss_e, grads_e = fl.value_and_grad(gru.batch_loss)(params, xs, ys)
    np.testing.assert_allclose(float(loss), float(loss_e), rtol=1e-5)
    for k in params:
        np.testing.assert_allclose(np.asarray(grads[k]), np.asarray(grads_e[k]), rtol=1e-4,
                                   atol=1e-6)
    # the batch loss is the mean of the per-sequence losses (equal weights per sequence)
    per_seq = [float(gru.sequence_loss(params, xs[i], ys[i])) for i in range(5)]
    np.testing.assert_allclose(float(loss), np.mean(per_seq), rtol=1e-5)


def test_gru_adam_keeps_float32(gru):
    params = gru.init_params(random.key(0), 4)
    grads = fl.tree_util.tree_map(jnp.ones_like, params)
    state = (fl.tree_util.tree_map(jnp.zeros_like, params),) * 2
    new, _ = gru.adam_update(params, grads, state, 1, 0.1)
    for k in params:
        assert new[k].dtype == np.float32
        # the first Adam step moves every parameter by -lr * sign(grad)
        np.testing.assert_allclose(np.asarray(new[k]), np.asarray(params[k]) - 0.1, atol=1e-5)
