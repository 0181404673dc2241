"""The optimizers' eager numpy path (optim/_inplace.py): state buffers are updated in place,
with the pure per-leaf update's exact results, and only when no one else can see them."""
from __future__ import annotations

import copy

import numpy as np
import pytest

import functorch_lite as fl
import functorch_lite.numpy as jnp
import functorch_lite.torch as torch
from functorch_lite.torch.optim.adam import _adam_leaf
from functorch_lite.torch.optim.sgd import _sgd_leaf

ADAM_OPTIONS = [
    {},
    {"amsgrad": True},
    {"maximize": True, "weight_decay": 0.1},
    {"weight_decay": 0.05, "decoupled_weight_decay": True},
    {"betas": (0.3, 0.99), "amsgrad": True, "maximize": True},
]
SGD_OPTIONS = [
    {},
    {"momentum": 0.9},
    {"momentum": 0.9, "dampening": 0.2, "weight_decay": 0.1},
    {"momentum": 0.8, "nesterov": True, "maximize": True},
    {"maximize": True, "weight_decay": 0.01},
]


def _grads(dtype, steps=6, shape=(3, 4)):
    rng = np.random.default_rng(0)
    return rng.standard_normal(shape).astype(dtype), [
        rng.standard_normal(shape).astype(dtype) for _ in range(steps)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("options", ADAM_OPTIONS)
def test_adam_in_place_matches_the_pure_update_bitwise(dtype, options):
    init, grads = _grads(dtype)
    w = torch.tensor(init, requires_grad=True)
    opt = torch.optim.Adam([w], lr=0.01, **options)
    beta1, beta2 = options.get("betas", (0.9, 0.999))
    p, m, v = jnp.asarray(init), jnp.zeros_like(init), jnp.zeros_like(init)
    vmax = jnp.zeros_like(init) if options.get("amsgrad") else None
    buffers = set()
    for t, g in enumerate(grads, 1):
        w.grad = torch.tensor(g)
        opt.step()
        p, m, v, vmax = _adam_leaf(
            p, jnp.asarray(g), m, v, vmax, step=float(t), lr=0.01, beta1=beta1, beta2=beta2,
            eps=1e-8, weight_decay=options.get("weight_decay", 0),
            amsgrad=bool(options.get("amsgrad")), maximize=bool(options.get("maximize")),
            decoupled_weight_decay=bool(options.get("decoupled_weight_decay")))
        np.testing.assert_array_equal(w.detach().numpy(), np.asarray(p))
        st = opt.state[w]
        np.testing.assert_array_equal(st["exp_avg"].numpy(), np.asarray(m))
        np.testing.assert_array_equal(st["exp_avg_sq"].numpy(), np.asarray(v))
        if vmax is not None:
            np.testing.assert_array_equal(st["max_exp_avg_sq"].numpy(), np.asarray(vmax))
        buffers.add(id(st["exp_avg"]._data._value))
    assert len(buffers) == 1  # the in-place path was taken: one buffer for all steps


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("options", SGD_OPTIONS)
def test_sgd_in_place_matches_the_pure_update_bitwise(dtype, options):
    init, grads = _grads(dtype)
    w = torch.tensor(init, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.05, **options)
    p, buf = jnp.asarray(init), None
    for g in grads:
        w.grad = torch.tensor(g)
        opt.step()
        p, buf = _sgd_leaf(p, jnp.asarray(g), buf, lr=0.05,
                           momentum=options.get("momentum", 0),
                           dampening=options.get("dampening", 0),
                           weight_decay=options.get("weight_decay", 0),
                           nesterov=bool(options.get("nesterov")),
                           maximize=bool(options.get("maximize")))
        np.testing.assert_array_equal(w.detach().numpy(), np.asarray(p))
        if buf is not None:
            np.testing.assert_array_equal(opt.state[w]["momentum_buffer"].numpy(),
                                          np.asarray(buf))


def _step(opt, w, g):
    w.grad = torch.tensor(g)
    opt.step()


@pytest.mark.parametrize("make", [lambda ps: torch.optim.Adam(ps, lr=0.1),
                                  lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9)])
def test_copies_taken_before_a_step_keep_their_values(make):
    w = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    opt = make([w])
    g = np.array([0.5, 0.25, -1.0], np.float32)
    _step(opt, w, g)
    key = "exp_avg" if isinstance(opt, torch.optim.Adam) else "momentum_buffer"
    before_p, before_s = w.detach().numpy(), opt.state[w][key].numpy()
    detached_clone = w.detach().clone()
    param_deepcopy = copy.deepcopy(w)            # shares w's Array
    state_copy = copy.deepcopy(opt.state_dict())  # shares the state tensors' Arrays
    state_clone = opt.state[w][key].clone()
    numpy_view = np.asarray(opt.state[w][key]._data)  # a read-only view of the buffer
    live = opt.state_dict()["state"][0][key]
    live_view = live.detach()
    _step(opt, w, g)
    after_s = opt.state[w][key].numpy()
    assert not np.array_equal(after_s, before_s)
    np.testing.assert_array_equal(detached_clone.numpy(), before_p)
    np.testing.assert_array_equal(param_deepcopy.detach().numpy(), before_p)
    np.testing.assert_array_equal(state_copy["state"][0][key].numpy(), before_s)
    np.testing.assert_array_equal(state_clone.numpy(), before_s)
    np.testing.assert_array_equal(numpy_view, before_s)
    # torch's state_dict() holds the live tensors: they (and their views) see the update.
    assert live is opt.state[w][key]
    np.testing.assert_array_equal(live.numpy(), after_s)
    np.testing.assert_array_equal(live_view.numpy(), after_s)
    # The holders made the step write a fresh buffer once; without them it writes in place.
    del state_copy, state_clone, numpy_view, live_view  # live_view cached the old Array
    buffer = id(opt.state[w][key]._data._value)
    _step(opt, w, g)
    assert id(opt.state[w][key]._data._value) == buffer


def test_the_parameter_array_is_never_written():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    opt = torch.optim.Adam([w], lr=0.1)
    old = w._data
    old_values = np.array(old)
    _step(opt, w, np.array([1.0, 1.0], np.float32))
    assert w._data is not old
    np.testing.assert_array_equal(np.asarray(old), old_values)


def test_a_loaded_state_dict_is_not_written_by_later_steps():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    opt = torch.optim.Adam([w], lr=0.1)
    _step(opt, w, np.array([1.0, -1.0], np.float32))
    saved = copy.deepcopy(opt.state_dict())
    expected = saved["state"][0]["exp_avg"].numpy()
    opt2 = torch.optim.Adam([w], lr=0.1)
    opt2.load_state_dict(saved)
    for _ in range(2):
        _step(opt2, w, np.array([3.0, 3.0], np.float32))
    np.testing.assert_array_equal(saved["state"][0]["exp_avg"].numpy(), expected)
    assert not np.array_equal(opt2.state[w]["exp_avg"].numpy(), expected)


def test_state_version_moves_on_every_step():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
    _step(opt, w, np.array([1.0, 1.0], np.float32))
    buf = opt.state[w]["momentum_buffer"]
    version = buf._version
    _step(opt, w, np.array([1.0, 1.0], np.float32))
    assert buf._version > version


def test_steps_under_jit_take_the_pure_path():
    init, grads = _grads(np.float32, steps=3)

    def run(p0):
        w = torch.Tensor._from_value(p0)
        w.requires_grad_(True)
        opt = torch.optim.Adam([w], lr=0.01, amsgrad=True)
        for g in grads:
            w.grad = torch.tensor(g)
            opt.step()
        return w._data

    np.testing.assert_allclose(np.asarray(fl.jit(run)(jnp.asarray(init))),
                               np.asarray(run(jnp.asarray(init))), rtol=1e-6, atol=1e-7)
