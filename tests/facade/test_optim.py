"""torch.optim: trajectories against numpy implementations of torch's documented algorithms,
param groups, state dicts (also through torch.save/torch.load), hooks and torch's errors."""
from __future__ import annotations

import io
import math
import warnings

import numpy as np
import pytest

import functorch_lite.torch as torch
from functorch_lite.torch import optim

# ---- numpy references: torch's documented algorithms, one parameter at a time -------------------


def ref_sgd(p, g, st, *, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False,
            maximize=False):
    g = -g if maximize else g
    g = g + weight_decay * p
    if momentum:
        b = g.copy() if "b" not in st else momentum * st["b"] + (1 - dampening) * g
        st["b"] = b
        g = g + momentum * b if nesterov else b
    return p - lr * g


def ref_adam(p, g, st, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
             amsgrad=False, maximize=False, decoupled=False):
    b1, b2 = betas
    t = st["t"] = st.get("t", 0) + 1
    g = -g if maximize else g
    if decoupled:
        p = p * (1 - lr * weight_decay)
    else:
        g = g + weight_decay * p
    m = st["m"] = b1 * st.get("m", 0.0) + (1 - b1) * g
    v = st["v"] = b2 * st.get("v", 0.0) + (1 - b2) * g * g
    if amsgrad:
        v = st["vmax"] = np.maximum(st.get("vmax", 0.0), v)
    m_hat = m / (1 - b1 ** t)
    v_hat = v / (1 - b2 ** t)
    return p - lr * m_hat / (np.sqrt(v_hat) + eps)


def ref_adamw(p, g, st, *, weight_decay=1e-2, **kw):
    return ref_adam(p, g, st, weight_decay=weight_decay, decoupled=True, **kw)


def ref_rmsprop(p, g, st, *, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                centered=False, maximize=False):
    g = -g if maximize else g
    g = g + weight_decay * p
    v = st["v"] = alpha * st.get("v", 0.0) + (1 - alpha) * g * g
    if centered:
        ga = st["ga"] = alpha * st.get("ga", 0.0) + (1 - alpha) * g
        v = v - ga * ga
    if momentum > 0:
        b = st["b"] = momentum * st.get("b", 0.0) + g / (np.sqrt(v) + eps)
        return p - lr * b
    return p - lr * g / (np.sqrt(v) + eps)


def ref_adagrad(p, g, st, *, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                eps=1e-10, maximize=False):
    t = st["t"] = st.get("t", 0) + 1
    g = -g if maximize else g
    g = g + weight_decay * p
    clr = lr / (1 + (t - 1) * lr_decay)
    s = st["s"] = st.get("s", initial_accumulator_value) + g * g
    return p - clr * g / (np.sqrt(s) + eps)


CONFIGS = [
    ("SGD", ref_sgd, dict(lr=0.1)),
    ("SGD", ref_sgd, dict(lr=0.05, momentum=0.9)),
    ("SGD", ref_sgd, dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.1)),
    ("SGD", ref_sgd, dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.01)),
    ("SGD", ref_sgd, dict(lr=0.05, momentum=0.5, maximize=True)),
    ("Adam", ref_adam, dict()),
    ("Adam", ref_adam, dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    ("Adam", ref_adam, dict(lr=0.05, amsgrad=True)),
    ("Adam", ref_adam, dict(lr=0.05, maximize=True, weight_decay=0.01)),
    ("AdamW", ref_adamw, dict(lr=0.05)),
    ("AdamW", ref_adamw, dict(lr=0.05, weight_decay=0.3, amsgrad=True, betas=(0.5, 0.9))),
    ("RMSprop", ref_rmsprop, dict()),
    ("RMSprop", ref_rmsprop, dict(lr=0.01, alpha=0.9, centered=True)),
    ("RMSprop", ref_rmsprop, dict(lr=0.01, momentum=0.9, weight_decay=0.1)),
    ("RMSprop", ref_rmsprop, dict(lr=0.01, momentum=0.5, centered=True, maximize=True)),
    ("Adagrad", ref_adagrad, dict()),
    ("Adagrad", ref_adagrad, dict(lr=0.1, lr_decay=0.05, weight_decay=0.1,
                                  initial_accumulator_value=0.5, eps=1e-6)),
    ("Adagrad", ref_adagrad, dict(lr=0.1, maximize=True)),
]
IDS = [f"{name}-{i}" for i, (name, _, _) in enumerate(CONFIGS)]

SHAPES = [(3, 4), (5,)]


def _init(dtype, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype(dtype) for s in SHAPES]


def _grad_fn(i, p, t):
    """A non-quadratic gradient that changes sign across steps, per parameter."""
    return (np.sin(3.0 * p + 0.3 * t + i) + 0.5 * p).astype(p.dtype)


def _facade_trajectory(name, kw, dtype, steps=20, params=None):
    ps = params if params is not None else [torch.tensor(a, requires_grad=True)
                                            for a in _init(dtype)]
    opt = getattr(optim, name)(ps, **kw)
    for t in range(steps):
        for i, p in enumerate(ps):
            p.grad = torch.from_numpy(_grad_fn(i, p.detach().numpy(), t))
        opt.step()
    return [p.detach().numpy() for p in ps], opt


def _ref_trajectory(ref, kw, steps=20):
    ps = _init(np.float64)
    states = [{} for _ in ps]
    for t in range(steps):
        for i in range(len(ps)):
            ps[i] = ref(ps[i], _grad_fn(i, ps[i], t), states[i], **kw)
    return ps


@pytest.mark.parametrize("name,ref,kw", CONFIGS, ids=IDS)
def test_trajectory_matches_documented_algorithm_float64(name, ref, kw):
    got, _ = _facade_trajectory(name, kw, np.float64)
    want = _ref_trajectory(ref, kw)
    for g, w in zip(got, want):
        assert g.dtype == np.float64
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name,ref,kw", CONFIGS, ids=IDS)
def test_trajectory_float32_stays_float32(name, ref, kw):
    got, opt = _facade_trajectory(name, kw, np.float32)
    want = _ref_trajectory(ref, kw)
    for g, w in zip(got, want):
        assert g.dtype == np.float32
        np.testing.assert_allclose(g, w, rtol=2e-4, atol=2e-5)
    for st in opt.state.values():
        for key, value in st.items():
            if key == "step":
                assert value.dtype == torch.float32 and value.shape == ()
            else:
                assert value.dtype == torch.float32


def test_training_through_backward_reduces_loss():
    rng = np.random.default_rng(1)
    x = torch.from_numpy(rng.standard_normal((32, 3)).astype(np.float32))
    y = x @ torch.tensor([[1.0], [-2.0], [0.5]]) + 0.3
    w = torch.zeros(3, 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    opt = optim.Adam([w, b], lr=0.1)
    losses = []
    for _ in range(100):
        opt.zero_grad()
        loss = ((x @ w + b - y) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 1e-2 * losses[0]
    np.testing.assert_allclose(w.detach().numpy().ravel(), [1.0, -2.0, 0.5], atol=0.05)


# ---- groups, skipping, zero_grad ---------------------------------------------------------------


def test_param_groups_use_their_own_options():
    a, b = (torch.ones(2, requires_grad=True) for _ in range(2))
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5, "momentum": 0.9}], lr=0.1)
    assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[0]["momentum"] == 0
    assert opt.param_groups[1]["lr"] == 0.5 and opt.param_groups[1]["momentum"] == 0.9
    a.grad, b.grad = torch.ones(2), torch.ones(2)
    opt.step()
    np.testing.assert_allclose(a.detach().numpy(), [0.9, 0.9], rtol=1e-6)
    np.testing.assert_allclose(b.detach().numpy(), [0.5, 0.5], rtol=1e-6)
    assert a not in opt.state and "momentum_buffer" in opt.state[b]


def test_add_param_group_and_lr_change_take_effect():
    a, b = torch.ones(1, requires_grad=True), torch.ones(1, requires_grad=True)
    opt = optim.SGD([a], lr=0.1)
    opt.add_param_group({"params": [b], "lr": 1.0})
    opt.param_groups[0]["lr"] = 0.2
    a.grad, b.grad = torch.ones(1), torch.ones(1)
    opt.step()
    assert a.item() == pytest.approx(0.8) and b.item() == pytest.approx(0.0)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_params_without_grad_are_skipped(name):
    a, b = torch.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    opt = getattr(optim, name)([a, b], lr=0.1, **({"momentum": 0.9} if name == "SGD" else {}))
    a.grad = torch.ones(2)
    opt.step()
    np.testing.assert_array_equal(b.detach().numpy(), [1.0, 1.0])
    assert not np.allclose(a.detach().numpy(), 1.0)
    if name == "Adagrad":  # torch makes Adagrad's state in __init__
        assert opt.state[b]["step"].item() == 0.0
    else:
        assert b not in opt.state


def test_zero_grad_set_to_none_and_zeros():
    w = torch.ones(3, requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    (w * 2).sum().backward()
    opt.zero_grad(set_to_none=False)
    assert w.grad is not None and w.grad.tolist() == [0.0, 0.0, 0.0]
    (w * 2).sum().backward()
    assert w.grad.tolist() == [2.0, 2.0, 2.0]
    opt.zero_grad()
    assert w.grad is None


def test_step_updates_are_not_recorded_and_old_values_stay():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    old = w._data
    opt = optim.Adam([w], lr=0.1)
    (w * w).sum().backward()
    opt.step()
    assert w.is_leaf and w.requires_grad and w.grad_fn is None
    np.testing.assert_array_equal(np.asarray(old), [1.0, 2.0])  # the old Array is unchanged
    assert w._version == 1


def test_step_bumps_version_so_retained_graph_raises():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    loss = (w * w).sum()
    loss.backward(retain_graph=True)
    opt.step()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


def test_closure_is_called_with_grad_enabled_and_returned():
    w = torch.tensor([3.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    with torch.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 9.0 and w.item() == pytest.approx(1.5)


def test_tensor_lr():
    w = torch.tensor([1.0], requires_grad=True)
    opt = optim.SGD([w], lr=torch.tensor(0.5))
    w.grad = torch.tensor([1.0])
    opt.step()
    assert w.item() == pytest.approx(0.5)


def test_named_parameters_give_param_names():
    a, b = torch.ones(1, requires_grad=True), torch.ones(2, requires_grad=True)
    opt = optim.Adam([("a", a), ("b", b)], lr=0.1)
    assert all(x is y for x, y in zip(opt.param_groups[0]["params"], [a, b], strict=True))
    assert opt.param_groups[0]["param_names"] == ["a", "b"]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["a", "b"]


def test_repr_lists_sorted_group_options():
    w = torch.ones(1, requires_grad=True)
    text = repr(optim.SGD([w], lr=0.1, momentum=0.9))
    assert text.startswith("SGD (\nParameter Group 0\n    dampening: 0\n")
    assert "    lr: 0.1\n" in text and "    momentum: 0.9\n" in text and text.endswith(")")


def test_step_hooks_run_around_step_and_can_be_removed():
    w = torch.ones(1, requires_grad=True)
    w.grad = torch.ones(1)
    opt = optim.SGD([w], lr=0.1)
    calls = []
    pre = opt.register_step_pre_hook(lambda o, a, k: calls.append(("pre", w.item())))
    post = opt.register_step_post_hook(lambda o, a, k: calls.append(("post", w.item())))
    glob = optim.optimizer.register_optimizer_step_post_hook(lambda o, a, k: calls.append("g"))
    opt.step()
    assert calls == [("pre", 1.0), ("post", pytest.approx(0.9)), "g"]
    for handle in (pre, post, glob):
        handle.remove()
    opt.step()
    assert len(calls) == 3


def test_subclass_step_calling_super_runs_hooks_once():
    class Clipped(optim.SGD):
        def step(self, closure=None):
            return super().step(closure)

    w = torch.ones(1, requires_grad=True)
    w.grad = torch.ones(1)
    opt = Clipped([w], lr=0.1)
    calls = []
    opt.register_step_post_hook(lambda o, a, k: calls.append(1))
    opt.step()
    assert calls == [1] and w.item() == pytest.approx(0.9)


# ---- state dicts ---------------------------------------------------------------------------------


def _fresh(dtype=np.float32):
    return [torch.tensor(a, requires_grad=True) for a in _init(dtype)]


def _run(opt, ps, steps, start=0):
    for t in range(start, start + steps):
        for i, p in enumerate(ps):
            p.grad = torch.from_numpy(_grad_fn(i, p.detach().numpy(), t))
        opt.step()


@pytest.mark.parametrize("name,ref,kw", CONFIGS, ids=IDS)
def test_state_dict_round_trip_continues_the_same_trajectory(name, ref, kw):
    ps = _fresh()
    opt = getattr(optim, name)(ps, **kw)
    _run(opt, ps, 3)
    sd = opt.state_dict()
    ps2 = [torch.tensor(p.detach().numpy(), requires_grad=True) for p in ps]
    opt2 = getattr(optim, name)(ps2, lr=123.0)
    opt2.load_state_dict(sd)
    assert opt2.param_groups[0]["lr"] == opt.param_groups[0]["lr"]
    assert opt2.param_groups[0]["params"][0] is ps2[0]
    _run(opt, ps, 4, start=3)
    _run(opt2, ps2, 4, start=3)
    for a, b in zip(ps, ps2):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_state_dict_layout_is_torchs():
    a, b, c = (torch.ones(2, requires_grad=True) for _ in range(3))
    opt = optim.Adam([{"params": [a, b]}, {"params": [c], "lr": 0.5}], lr=0.1)
    for p in (a, c):
        p.grad = torch.ones(2)
    opt.step()
    sd = opt.state_dict()
    assert set(sd) == {"state", "param_groups"}
    assert list(sd["state"]) == [0, 2]
    assert set(sd["state"][0]) == {"step", "exp_avg", "exp_avg_sq"}
    assert sd["state"][0]["step"].item() == 1.0
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], [2]]
    assert sd["param_groups"][1]["lr"] == 0.5 and sd["param_groups"][0]["betas"] == (0.9, 0.999)
    assert list(sd["param_groups"][0]) == ["lr", "betas", "eps", "weight_decay", "amsgrad",
                                          "maximize", "foreach", "capturable", "differentiable",
                                          "fused", "decoupled_weight_decay", "params"]


def test_loaded_state_is_not_aliased_with_the_dict():
    w = torch.ones(2, requires_grad=True)
    opt = optim.SGD([w], lr=0.1, momentum=0.9)
    w.grad = torch.ones(2)
    opt.step()
    sd = opt.state_dict()
    saved = sd["state"][0]["momentum_buffer"].clone()
    w2 = torch.ones(2, requires_grad=True)
    opt2 = optim.SGD([w2], lr=0.1, momentum=0.9)
    opt2.load_state_dict(sd)
    w2.grad = torch.ones(2)
    opt2.step()
    np.testing.assert_array_equal(sd["state"][0]["momentum_buffer"].numpy(), saved.numpy())


def test_load_state_dict_casts_state_to_param_dtype():
    w = torch.ones(2, requires_grad=True)
    opt = optim.Adam([w])
    w.grad = torch.ones(2)
    opt.step()
    w64 = torch.ones(2, dtype=torch.float64, requires_grad=True)
    opt64 = optim.Adam([w64])
    opt64.load_state_dict(opt.state_dict())
    assert opt64.state[w64]["exp_avg"].dtype == torch.float64
    assert opt64.state[w64]["step"].dtype == torch.float32


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop", "Adagrad"])
def test_state_dict_through_save_and_load(name, tmp_path):
    kw = {"momentum": 0.9} if name in ("SGD", "RMSprop") else {}
    ps = _fresh()
    opt = getattr(optim, name)(ps, lr=0.01, **kw)
    _run(opt, ps, 3)
    path = tmp_path / "optim.pt"
    torch.save(opt.state_dict(), path)
    loaded = torch.load(path)
    ps2 = [torch.tensor(p.detach().numpy(), requires_grad=True) for p in ps]
    opt2 = getattr(optim, name)(ps2, lr=0.5)
    opt2.load_state_dict(loaded)
    assert opt2.param_groups[0]["lr"] == 0.01
    assert all(x is y for x, y in zip(opt2.param_groups[0]["params"], ps2, strict=True))
    _run(opt, ps, 3, start=3)
    _run(opt2, ps2, 3, start=3)
    for a, b in zip(ps, ps2):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    buf = io.BytesIO()
    torch.save({"optim": opt.state_dict(), "epoch": 3}, buf)
    buf.seek(0)
    assert torch.load(buf)["optim"]["param_groups"][0]["params"] == [0, 1]


def test_load_state_dict_errors():
    a, b = torch.ones(1, requires_grad=True), torch.ones(1, requires_grad=True)
    sd = optim.SGD([a, b]).state_dict()
    with pytest.raises(ValueError, match="different number of parameter groups"):
        optim.SGD([{"params": [a]}, {"params": [b]}]).load_state_dict(sd)
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        optim.SGD([a]).load_state_dict(sd)


# ---- errors, with torch's types and messages -----------------------------------------------------


def test_constructor_errors():
    w = torch.ones(2, requires_grad=True)
    with pytest.raises(ValueError, match="Invalid learning rate: -0.1"):
        optim.SGD([w], lr=-0.1)
    with pytest.raises(ValueError, match="Invalid momentum value: -1"):
        optim.SGD([w], momentum=-1)
    with pytest.raises(ValueError, match="Nesterov momentum requires a momentum and zero"):
        optim.SGD([w], nesterov=True)
    with pytest.raises(ValueError, match="Invalid beta parameter at index 1: 1.0"):
        optim.Adam([w], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="Invalid epsilon value: -1"):
        optim.Adam([w], eps=-1)
    with pytest.raises(ValueError, match="Invalid weight_decay value: -0.5"):
        optim.AdamW([w], weight_decay=-0.5)
    with pytest.raises(ValueError, match="Invalid alpha value: -0.1"):
        optim.RMSprop([w], alpha=-0.1)
    with pytest.raises(ValueError, match="Invalid lr_decay value: -1"):
        optim.Adagrad([w], lr_decay=-1)
    with pytest.raises(ValueError, match="Invalid initial_accumulator_value value: -1"):
        optim.Adagrad([w], initial_accumulator_value=-1)
    with pytest.raises(NotImplementedError, match="differentiable=True"):
        optim.Adam([w], differentiable=True)


def test_parameter_errors():
    w = torch.ones(2, requires_grad=True)
    with pytest.raises(TypeError, match="iterable of Tensors or dicts, but got "
                                        "torch.FloatTensor"):
        optim.SGD(w, lr=0.1)
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="ordered collections.*Please use a list"):
        optim.SGD([{"params": {w}}], lr=0.1)
    with pytest.raises(TypeError, match="can only optimize Tensors, but one of the params is "
                                        "int"):
        optim.SGD([w, 3], lr=0.1)
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        optim.SGD([w * 2], lr=0.1)
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter "
                                         "group"):
        optim.SGD([{"params": [w]}, {"params": [w]}], lr=0.1)
    opt = optim.SGD([w], lr=0.1)
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": w})
    with pytest.raises(TypeError, match="param_group must be a dict"):
        opt.add_param_group([w])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        optim.SGD([w, w], lr=0.1)
    assert any("duplicate parameters" in str(c.message) for c in caught)


def test_required_option():
    class Custom(optim.Optimizer):
        def __init__(self, params, lr=optim.optimizer.required):
            super().__init__(params, {"lr": lr})

    w = torch.ones(1, requires_grad=True)
    with pytest.raises(ValueError, match="didn't specify a value of required optimization "
                                         "parameter lr"):
        Custom([w])
    assert Custom([{"params": [w], "lr": 0.1}]).param_groups[0]["lr"] == 0.1
    with pytest.raises(NotImplementedError, match="Custom must implement step"):
        Custom([w], lr=0.1).step()


def test_complex_params_are_refused_by_adaptive_optimizers():
    w = torch.tensor([1 + 1j], requires_grad=True)
    w.grad = torch.tensor([1 + 0j])
    with pytest.raises(NotImplementedError, match="complex parameters"):
        optim.Adam([w]).step()
    opt = optim.SGD([w], lr=0.5)
    opt.step()
    assert w.item() == pytest.approx(0.5 + 1j)


# ---- nn.Parameter and modules (the usual training loop) ------------------------------------------


def test_linear_model_with_sgd_momentum_matches_reference():
    nn = pytest.importorskip("functorch_lite.torch.nn")
    torch.manual_seed(0)
    model = nn.Linear(4, 3)
    params = list(model.parameters())
    assert all(isinstance(p, nn.Parameter) for p in params)
    ref = [p.detach().numpy().astype(np.float64) for p in params]
    states = [{} for _ in ref]
    opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-3)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, 4)).astype(np.float32)
    for _ in range(10):
        opt.zero_grad()
        out = model(torch.from_numpy(x))
        (out ** 2).mean().backward()
        grads = [p.grad.numpy().astype(np.float64) for p in params]
        opt.step()
        for i in range(len(ref)):
            ref[i] = ref_sgd(ref[i], grads[i], states[i], lr=0.05, momentum=0.9,
                             weight_decay=1e-3)
        for p, r in zip(params, ref):
            np.testing.assert_allclose(p.detach().numpy(), r, rtol=1e-5, atol=1e-6)
        assert all(isinstance(p, nn.Parameter) and p.is_leaf for p in model.parameters())
    assert math.isfinite(float((model(torch.from_numpy(x)) ** 2).mean()))


# ---- the pure per-leaf updates are functions of core values -------------------------------------


def test_leaf_updates_trace_under_jit_and_grad():
    import functorch_lite as fl
    import functorch_lite.numpy as jnp
    from functorch_lite.torch.optim.adagrad import _adagrad_leaf
    from functorch_lite.torch.optim.adam import _adam_leaf
    from functorch_lite.torch.optim.rmsprop import _rmsprop_leaf
    from functorch_lite.torch.optim.sgd import _sgd_leaf

    rng = np.random.default_rng(3)
    p, g, m, b = (jnp.asarray(rng.standard_normal(5)) for _ in range(4))
    v = jnp.abs(m)
    updates = {
        "sgd": lambda p, g: _sgd_leaf(p, g, b, lr=0.1, momentum=0.9, dampening=0.1,
                                      weight_decay=0.01, nesterov=False, maximize=False),
        "adam": lambda p, g: _adam_leaf(p, g, m, v, v, step=3.0, lr=0.1, beta1=0.9,
                                        beta2=0.99, eps=1e-8, weight_decay=0.1, amsgrad=True,
                                        maximize=True, decoupled_weight_decay=True),
        "rmsprop": lambda p, g: _rmsprop_leaf(p, g, v + 1.0, m, b, lr=0.1, alpha=0.9, eps=1e-8,
                                              weight_decay=0.1, momentum=0.5, centered=True,
                                              maximize=False),
        "adagrad": lambda p, g: _adagrad_leaf(p, g, v, step=2.0, lr=0.1, lr_decay=0.1,
                                              weight_decay=0.1, eps=1e-10, maximize=False),
    }
    for name, update in updates.items():
        eager = update(p, g)
        jitted = fl.jit(update)(p, g)
        for a, c in zip(eager, jitted):
            np.testing.assert_allclose(np.asarray(c), np.asarray(a), rtol=1e-12, err_msg=name)
        # d(new_param)/d(grad) exists and is finite: the update is built of traceable ops.
        d = fl.grad(lambda g_, u=update: u(p, g_)[0].sum())(g)
        assert np.all(np.isfinite(np.asarray(d))) and np.any(np.asarray(d) != 0), name
