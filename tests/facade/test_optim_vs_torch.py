"""torch.optim and lr_scheduler against real PyTorch, where torch is installed: identical
initial parameters and gradients give the same trajectories, state dicts, learning-rate
sequences, reprs and errors."""
from __future__ import annotations

import numpy as np
import pytest

real = pytest.importorskip("torch")
if not hasattr(real, "from_numpy"):  # some other module named torch, not the library
    pytest.skip("PyTorch is not installed", allow_module_level=True)

from test_optim import CONFIGS, IDS, _grad_fn, _init  # noqa: E402

import functorch_lite.torch as fake  # noqa: E402

real.set_num_threads(1)


def _trajectory(t, name, kw, dtype, steps=20):
    ps = [t.tensor(a, requires_grad=True) for a in _init(dtype)]
    opt = getattr(t.optim, name)(ps, **kw)
    history = []
    for step in range(steps):
        for i, p in enumerate(ps):
            p.grad = t.from_numpy(_grad_fn(i, p.detach().numpy().copy(), step))
        opt.step()
        history.append([p.detach().numpy().copy() for p in ps])
    return history, opt


@pytest.mark.parametrize("name,ref,kw", CONFIGS, ids=IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_trajectory_matches_torch(name, ref, kw, dtype):
    got, fake_opt = _trajectory(fake, name, kw, dtype)
    want, real_opt = _trajectory(real, name, kw, dtype)
    tol = dict(rtol=1e-12, atol=1e-14) if dtype == np.float64 else dict(rtol=1e-5, atol=1e-6)
    for step, (g_ps, w_ps) in enumerate(zip(got, want)):
        for g, w in zip(g_ps, w_ps):
            assert g.dtype == w.dtype
            np.testing.assert_allclose(g, w, **tol, err_msg=f"step {step}")
    fake_sd, real_sd = fake_opt.state_dict(), real_opt.state_dict()
    assert fake_sd["param_groups"] == real_sd["param_groups"]
    assert list(fake_sd["state"]) == list(real_sd["state"])
    for k in real_sd["state"]:
        assert list(fake_sd["state"][k]) == list(real_sd["state"][k])
        for key, value in real_sd["state"][k].items():
            mine = fake_sd["state"][k][key]
            assert str(mine.dtype) == str(value.dtype) and list(mine.shape) == list(value.shape)
            np.testing.assert_allclose(mine.numpy(), value.numpy(), **tol)
    assert repr(fake_opt) == repr(real_opt)


def test_multiple_groups_and_none_grads_match_torch():
    def run(t):
        ps = [t.tensor(a, requires_grad=True) for a in _init(np.float32)]
        extra = t.ones(4, requires_grad=True)
        opt = t.optim.Adam([{"params": ps[:1], "lr": 0.1, "amsgrad": True},
                            {"params": [ps[1], extra]}], lr=0.01, weight_decay=0.1)
        for step in range(6):
            for i, p in enumerate(ps):
                p.grad = t.from_numpy(_grad_fn(i, p.detach().numpy().copy(), step))
            opt.step()
            if step == 2:
                opt.zero_grad()
        return [p.detach().numpy().copy() for p in ps + [extra]], opt.state_dict()

    (g_ps, g_sd), (w_ps, w_sd) = run(fake), run(real)
    for g, w in zip(g_ps, w_ps):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    assert g_sd["param_groups"] == w_sd["param_groups"]
    assert sorted(g_sd["state"]) == sorted(w_sd["state"]) == [0, 1]


def test_state_dict_loads_across_libraries():
    """A state dict made by torch loads into the facade's optimizer (tensors converted with
    numpy) and both continue identically."""
    ps_r = [real.tensor(a, requires_grad=True) for a in _init(np.float32)]
    opt_r = real.optim.Adam(ps_r, lr=0.05)
    for step in range(3):
        for i, p in enumerate(ps_r):
            p.grad = real.from_numpy(_grad_fn(i, p.detach().numpy().copy(), step))
        opt_r.step()
    sd = opt_r.state_dict()
    converted = {"state": {k: {n: fake.from_numpy(v.numpy().copy()) for n, v in st.items()}
                           for k, st in sd["state"].items()},
                 "param_groups": sd["param_groups"]}
    ps_f = [fake.tensor(p.detach().numpy().copy(), requires_grad=True) for p in ps_r]
    opt_f = fake.optim.Adam(ps_f)
    opt_f.load_state_dict(converted)
    for step in range(3, 6):
        for i, (pf, pr) in enumerate(zip(ps_f, ps_r)):
            pf.grad = fake.from_numpy(_grad_fn(i, pf.detach().numpy().copy(), step))
            pr.grad = real.from_numpy(_grad_fn(i, pr.detach().numpy().copy(), step))
        opt_f.step()
        opt_r.step()
    for pf, pr in zip(ps_f, ps_r):
        np.testing.assert_allclose(pf.detach().numpy(), pr.detach().numpy(), rtol=1e-5, atol=1e-6)


ERRORS = {
    "lr": lambda t, w: t.optim.SGD([w], lr=-0.1),
    "nesterov": lambda t, w: t.optim.SGD([w], lr=0.1, nesterov=True),
    "betas": lambda t, w: t.optim.Adam([w], betas=(1.5, 0.9)),
    "eps": lambda t, w: t.optim.RMSprop([w], eps=-1.0),
    "adagrad": lambda t, w: t.optim.Adagrad([w], initial_accumulator_value=-2),
    "empty": lambda t, w: t.optim.SGD([], lr=0.1),
    "tensor": lambda t, w: t.optim.SGD(w, lr=0.1),
    "nonleaf": lambda t, w: t.optim.SGD([w * 2], lr=0.1),
    "two_groups": lambda t, w: t.optim.SGD([{"params": [w]}, {"params": [w]}], lr=0.1),
    "set": lambda t, w: t.optim.SGD([{"params": {w}}], lr=0.1),
    "not_tensor": lambda t, w: t.optim.SGD([w, 1.5], lr=0.1),
    "groups": lambda t, w: t.optim.SGD([{"params": [w]}, {"params": [w * 1]}]),
    "factor": lambda t, w: t.optim.lr_scheduler.ReduceLROnPlateau(t.optim.SGD([w]), factor=2),
    "mode": lambda t, w: t.optim.lr_scheduler.ReduceLROnPlateau(t.optim.SGD([w]), mode="up"),
    "not_opt": lambda t, w: t.optim.lr_scheduler.StepLR(object(), 3),
    "resume": lambda t, w: t.optim.lr_scheduler.StepLR(t.optim.SGD([w]), 3, last_epoch=4),
    "linear": lambda t, w: t.optim.lr_scheduler.LinearLR(t.optim.SGD([w]), start_factor=0),
    "onecycle": lambda t, w: t.optim.lr_scheduler.OneCycleLR(t.optim.SGD([w]), 0.1),
    "warm": lambda t, w: t.optim.lr_scheduler.CosineAnnealingWarmRestarts(t.optim.SGD([w]), 0),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_errors_have_torchs_types_and_messages(case):
    def outcome(t):
        w = t.ones(2, requires_grad=True)
        try:
            ERRORS[case](t, w)
        except Exception as e:  # noqa: BLE001
            return type(e), str(e)
        return None

    got, want = outcome(fake), outcome(real)
    assert want is not None and got is not None
    assert got[0] is want[0]
    # Messages may add a hint to torch's text, which must be there in full.
    assert want[1] in got[1], (got[1], want[1])


# ---- schedulers ----------------------------------------------------------------------------------

SCHEDULERS = {
    "StepLR": lambda S, o: S.StepLR(o, step_size=3, gamma=0.5),
    "MultiStepLR": lambda S, o: S.MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.3),
    "ExponentialLR": lambda S, o: S.ExponentialLR(o, gamma=0.9),
    "CosineAnnealingLR": lambda S, o: S.CosineAnnealingLR(o, T_max=7, eta_min=0.001),
    "CosineAnnealingLR0": lambda S, o: S.CosineAnnealingLR(o, T_max=10),
    "LambdaLR": lambda S, o: S.LambdaLR(o, lr_lambda=lambda e: 1.0 / (1 + e)),
    "LambdaLR2": lambda S, o: S.LambdaLR(o, lr_lambda=[lambda e: 0.9 ** e, lambda e: e + 1]),
    "MultiplicativeLR": lambda S, o: S.MultiplicativeLR(o, lr_lambda=lambda e: 0.95),
    "ConstantLR": lambda S, o: S.ConstantLR(o, factor=0.25, total_iters=4),
    "LinearLR": lambda S, o: S.LinearLR(o, start_factor=0.1, end_factor=0.9, total_iters=6),
    "PolynomialLR": lambda S, o: S.PolynomialLR(o, total_iters=8, power=2.0),
    "OneCycleLR": lambda S, o: S.OneCycleLR(o, max_lr=[0.5, 1.0], total_steps=31),
    "OneCycleLR3": lambda S, o: S.OneCycleLR(o, max_lr=1.0, epochs=4, steps_per_epoch=8,
                                             anneal_strategy="linear", three_phase=True),
    "WarmRestarts": lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=4, T_mult=2,
                                                                eta_min=0.01),
    "Sequential": lambda S, o: S.SequentialLR(
        o, [S.LinearLR(o, start_factor=0.2, total_iters=4), S.ExponentialLR(o, gamma=0.8)],
        milestones=[5]),
    "Chained": lambda S, o: S.ChainedScheduler(
        [S.ConstantLR(o, factor=0.5, total_iters=3), S.ExponentialLR(o, gamma=0.9)]),
}


def _lr_run(t, make, steps=30, opt_name="SGD"):
    w1, w2 = t.ones(2, requires_grad=True), t.ones(3, requires_grad=True)
    kw = {"momentum": 0.9} if opt_name == "SGD" else {}
    opt = getattr(t.optim, opt_name)([{"params": [w1]}, {"params": [w2], "lr": 0.3}], lr=0.1,
                                     **kw)
    sched = make(t.optim.lr_scheduler, opt)
    lrs = [list(sched.get_last_lr())]
    moms = []
    for _ in range(steps):
        opt.step()
        sched.step()
        lrs.append(list(sched.get_last_lr()))
        assert lrs[-1] == [g["lr"] for g in opt.param_groups]
        moms.append([g.get("momentum", g.get("betas", (None,))[0]) for g in opt.param_groups])
    return lrs, moms, sched


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
def test_scheduler_lr_sequence_matches_torch(name, opt_name):
    got, got_m, fake_sched = _lr_run(fake, SCHEDULERS[name], opt_name=opt_name)
    want, want_m, real_sched = _lr_run(real, SCHEDULERS[name], opt_name=opt_name)
    np.testing.assert_allclose(np.array(got), np.array(want), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(np.array(got_m, float), np.array(want_m, float), rtol=1e-13)
    assert set(fake_sched.state_dict()) == set(real_sched.state_dict())


@pytest.mark.parametrize("name", ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR",
                                  "LinearLR", "PolynomialLR", "ConstantLR"])
def test_scheduler_step_with_epoch_uses_the_closed_form(name):
    def run(t):
        w = t.ones(1, requires_grad=True)
        opt = t.optim.SGD([w], lr=0.2)
        sched = SCHEDULERS[name](t.optim.lr_scheduler, opt)
        opt.step()
        out = []
        with pytest.warns(UserWarning, match="epoch parameter"):
            for epoch in [3, 1, 7, 12, 5, 20]:
                sched.step(epoch)
                out.append(sched.get_last_lr()[0])
        return out

    np.testing.assert_allclose(run(fake), run(real), rtol=1e-13)


def test_warm_restarts_fractional_epochs_match_torch():
    def run(t):
        w = t.ones(1, requires_grad=True)
        opt = t.optim.SGD([w], lr=0.2)
        sched = t.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2)
        out = []
        for epoch in np.arange(0, 20, 0.37):
            sched.step(float(epoch))
            out.append(sched.get_last_lr()[0])
        return out

    np.testing.assert_allclose(run(fake), run(real), rtol=1e-13)


PLATEAU = [
    dict(),
    dict(mode="max", factor=0.5, patience=2, threshold=0.1, threshold_mode="abs"),
    dict(patience=1, cooldown=2, min_lr=[0.02, 0.05], factor=0.3),
    dict(patience=0, threshold_mode="rel", threshold=0.01, eps=0.05),
]


@pytest.mark.parametrize("kw", PLATEAU)
def test_reduce_lr_on_plateau_matches_torch(kw):
    metrics = [1.0, 0.9, 0.95, 0.95, 0.91, 0.899, 0.9, 0.9, 0.9, 0.5, 0.6, 0.6, 0.6, 0.6,
               0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7]

    def run(t):
        w1, w2 = t.ones(1, requires_grad=True), t.ones(1, requires_grad=True)
        opt = t.optim.SGD([{"params": [w1]}, {"params": [w2], "lr": 0.2}], lr=0.1)
        sched = t.optim.lr_scheduler.ReduceLROnPlateau(opt, **kw)
        out = []
        for m in metrics:
            sched.step(t.tensor(m))
            out.append(sched.get_last_lr() + [sched.num_bad_epochs, sched.cooldown_counter])
        return out, sched.state_dict()

    (got, g_sd), (want, w_sd) = run(fake), run(real)
    np.testing.assert_allclose(np.array(got), np.array(want), rtol=1e-13)
    assert set(g_sd) == set(w_sd)


def test_scheduler_warns_when_stepped_before_optimizer():
    for t in (fake, real):
        w = t.ones(1, requires_grad=True)
        opt = t.optim.SGD([w], lr=0.1)
        sched = t.optim.lr_scheduler.StepLR(opt, 2)
        with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
            sched.step()


@pytest.mark.parametrize("opt_name,kw", [("Adam", {"lr": 0.01}),
                                         ("SGD", {"lr": 0.1, "momentum": 0.9}),
                                         ("AdamW", {"lr": 0.01, "amsgrad": True})])
def test_mlp_training_matches_torch(opt_name, kw):
    """The seed tutorials' loop (zero_grad, forward, cross-entropy, backward, step) on a small
    MLP with torch's initial weights copied into the facade's model."""
    if not hasattr(fake.nn, "CrossEntropyLoss"):
        pytest.skip("functorch_lite.torch.nn.CrossEntropyLoss is not there yet")
    real.manual_seed(0)

    def mlp(t):
        return t.nn.Sequential(t.nn.Linear(20, 16), t.nn.ReLU(), t.nn.Linear(16, 3))

    r_model, f_model = mlp(real), mlp(fake)
    f_model.load_state_dict({k: fake.from_numpy(v.detach().numpy().copy())
                             for k, v in r_model.state_dict().items()})
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 20)).astype(np.float32)
    y = rng.integers(0, 3, 32)
    for model, t in ((r_model, real), (f_model, fake)):
        opt = getattr(t.optim, opt_name)(model.parameters(), **kw)
        loss_fn = t.nn.CrossEntropyLoss()
        xs, ys = t.from_numpy(x), t.from_numpy(y)
        for _ in range(10):
            opt.zero_grad()
            loss_fn(model(xs), ys).backward()
            opt.step()
    for (name, a), (_, b) in zip(r_model.state_dict().items(), f_model.state_dict().items()):
        np.testing.assert_allclose(b.numpy(), a.detach().numpy(), rtol=1e-4, atol=1e-5,
                                   err_msg=name)
