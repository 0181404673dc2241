"""torch.optim.lr_scheduler: learning-rate sequences against the documented closed forms,
ReduceLROnPlateau scenarios worked out by hand, state dicts and warnings."""
from __future__ import annotations

import math
from bisect import bisect_right

import numpy as np
import pytest

import functorch_lite.torch as torch
from functorch_lite.torch.optim import SGD, Adam
from functorch_lite.torch.optim import lr_scheduler as S

BASE = (0.1, 0.3)


def _opt(cls=SGD, **kw):
    w1, w2 = torch.ones(2, requires_grad=True), torch.ones(1, requires_grad=True)
    return cls([{"params": [w1]}, {"params": [w2], "lr": BASE[1]}], lr=BASE[0], **kw)


def _sequence(make, steps=25, cls=SGD, **kw):
    opt = _opt(cls, **kw)
    sched = make(opt)
    out = [sched.get_last_lr()]
    for _ in range(steps):
        opt.step()
        sched.step()
        out.append(sched.get_last_lr())
        assert out[-1] == [g["lr"] for g in opt.param_groups]
    return np.array(out), opt, sched


def _cos(e, base, eta_min, t_max):
    return eta_min + (base - eta_min) * (1 + math.cos(math.pi * e / t_max)) / 2


CLOSED_FORMS = {
    "StepLR": (lambda o: S.StepLR(o, step_size=3, gamma=0.5),
               lambda e, b: b * 0.5 ** (e // 3)),
    "MultiStepLR": (lambda o: S.MultiStepLR(o, milestones=[9, 2, 5, 5], gamma=0.3),
                    lambda e, b: b * 0.3 ** bisect_right([2, 5, 5, 9], e)),
    "ExponentialLR": (lambda o: S.ExponentialLR(o, gamma=0.9), lambda e, b: b * 0.9 ** e),
    "CosineAnnealingLR": (lambda o: S.CosineAnnealingLR(o, T_max=7, eta_min=0.001),
                          lambda e, b: _cos(e, b, 0.001, 7)),
    "CosineAnnealingLR-even": (lambda o: S.CosineAnnealingLR(o, T_max=4),
                               lambda e, b: _cos(e, b, 0.0, 4)),
    "LambdaLR": (lambda o: S.LambdaLR(o, lambda e: 1.0 / (1 + e)), lambda e, b: b / (1 + e)),
    "ConstantLR": (lambda o: S.ConstantLR(o, factor=0.25, total_iters=4),
                   lambda e, b: b * (0.25 if e < 4 else 1.0)),
    "LinearLR": (lambda o: S.LinearLR(o, start_factor=0.1, end_factor=0.9, total_iters=6),
                 lambda e, b: b * (0.1 + 0.8 * min(e, 6) / 6)),
    "PolynomialLR": (lambda o: S.PolynomialLR(o, total_iters=8, power=2.0),
                     lambda e, b: b * (1 - min(e, 8) / 8) ** 2),
    "MultiplicativeLR": (lambda o: S.MultiplicativeLR(o, lambda e: 0.95),
                         lambda e, b: b * 0.95 ** e),
}


@pytest.mark.parametrize("name", sorted(CLOSED_FORMS))
def test_sequence_matches_closed_form(name):
    make, form = CLOSED_FORMS[name]
    got, _, _ = _sequence(make)
    want = np.array([[form(e, b) for b in BASE] for e in range(got.shape[0])])
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-15)


def test_cosine_recursive_form_tracks_a_changed_lr_as_torch():
    """torch's chainable form scales the current lr, so an lr set by hand mid-schedule keeps
    being annealed from there (the closed form would ignore it)."""
    opt = _opt()
    sched = S.CosineAnnealingLR(opt, T_max=10)
    for _ in range(3):
        opt.step()
        sched.step()
    opt.param_groups[0]["lr"] = 0.05
    opt.step()
    sched.step()
    ratio = (1 + math.cos(math.pi * 4 / 10)) / (1 + math.cos(math.pi * 3 / 10))
    assert sched.get_last_lr()[0] == pytest.approx(0.05 * ratio, rel=1e-12)


def _one_cycle_reference(s, total, max_lr, pct=0.3, div=25.0, final_div=1e4):
    initial = max_lr / div
    low = initial / final_div
    end1 = pct * total - 1

    def cos_anneal(a, b, x):
        return b + (a - b) / 2 * (math.cos(math.pi * x) + 1)

    if s <= end1:
        return cos_anneal(initial, max_lr, s / end1), cos_anneal(0.95, 0.85, s / end1)
    x = (s - end1) / (total - 1 - end1)
    return cos_anneal(max_lr, low, x), cos_anneal(0.85, 0.95, x)


@pytest.mark.parametrize("cls", [SGD, Adam])
def test_one_cycle_lr_and_momentum(cls):
    kw = {"momentum": 0.9} if cls is SGD else {}
    got, opt, _ = _sequence(lambda o: S.OneCycleLR(o, max_lr=[1.0, 2.0], total_steps=20),
                            steps=19, cls=cls, **kw)
    want = np.array([[_one_cycle_reference(s, 20, m)[0] for m in (1.0, 2.0)]
                     for s in range(20)])
    np.testing.assert_allclose(got, want, rtol=1e-12)
    momentum = _one_cycle_reference(19, 20, 1.0)[1]
    key = (lambda g: g["momentum"]) if cls is SGD else (lambda g: g["betas"][0])
    assert key(opt.param_groups[0]) == pytest.approx(momentum, rel=1e-12)
    assert got[-1][0] == pytest.approx(1.0 / 25 / 1e4, rel=1e-9)


def _step_past_end():
    opt = _opt()
    sched = S.OneCycleLR(opt, max_lr=1.0, total_steps=20)
    for _ in range(21):
        opt.step()
        sched.step()


def test_warm_restarts_sequence():
    got, _, _ = _sequence(lambda o: S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2,
                                                                    eta_min=0.01), steps=21)
    # Restarts at epochs 3, 9 and 21 (periods 3, 6, 12, 24).
    t_cur = [0, 1, 2] + list(range(6)) + list(range(12)) + [0]
    t_i = [3] * 3 + [6] * 6 + [12] * 12 + [24]
    want = np.array([[_cos(tc, b, 0.01, ti) for b in BASE] for tc, ti in zip(t_cur, t_i)])
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_sequential_and_chained():
    got, _, _ = _sequence(lambda o: S.SequentialLR(
        o, [S.ConstantLR(o, factor=0.5, total_iters=10), S.ExponentialLR(o, gamma=0.5)],
        milestones=[3]), steps=6)
    want = [[b * (0.5 if e < 3 else 0.5 ** (e - 3)) for b in BASE] for e in range(7)]
    np.testing.assert_allclose(got, want, rtol=1e-12)
    got, _, _ = _sequence(lambda o: S.ChainedScheduler(
        [S.ConstantLR(o, factor=0.5, total_iters=2), S.ExponentialLR(o, gamma=0.9)]), steps=5)
    want = [[b * 0.9 ** e * (0.5 if e < 2 else 1.0) for b in BASE] for e in range(6)]
    np.testing.assert_allclose(got, want, rtol=1e-12)
    opt = _opt()
    with pytest.raises(ValueError, match="does not support `ReduceLROnPlateau`"):
        S.ChainedScheduler([S.ReduceLROnPlateau(opt)])
    with pytest.raises(ValueError, match="same optimizer"):
        S.SequentialLR(opt, [S.StepLR(opt, 2), S.StepLR(_opt(), 2)], milestones=[2])


# ---- ReduceLROnPlateau ---------------------------------------------------------------------------


def _plateau(metrics, **kw):
    opt = _opt()
    sched = S.ReduceLROnPlateau(opt, **kw)
    out = []
    for m in metrics:
        sched.step(m)
        out.append(sched.get_last_lr()[0])
    return out, sched


def test_plateau_reduces_after_patience():
    got, _ = _plateau([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5], patience=2, factor=0.5)
    assert got == pytest.approx([0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025])


def test_plateau_cooldown_min_lr_and_eps():
    got, _ = _plateau([1.0] * 6, patience=0, cooldown=1, min_lr=0.03, factor=0.5)
    assert got == pytest.approx([0.1, 0.05, 0.05, 0.03, 0.03, 0.03])
    got, _ = _plateau([1.0] * 3, patience=0, factor=0.5, eps=0.06)
    assert got == pytest.approx([0.1, 0.1, 0.1])  # 0.1 -> 0.05 is not larger than eps


def test_plateau_thresholds_and_mode_max():
    # rel: 0.95 is not below 1 * (1 - 0.1); abs: it is below 1 - 0.01.
    _, sched = _plateau([1.0, 0.95], threshold=0.1)
    assert sched.num_bad_epochs == 1 and sched.best == 1.0
    _, sched = _plateau([1.0, 0.95], threshold=0.01, threshold_mode="abs")
    assert sched.num_bad_epochs == 0 and sched.best == 0.95
    got, sched = _plateau([1.0, 0.5, 0.5], mode="max", patience=1, factor=0.1)
    assert got == pytest.approx([0.1, 0.1, 0.01]) and sched.best == 1.0
    _, sched = _plateau([torch.tensor(2.0)])  # a one-element tensor works as the metric
    assert sched.best == 2.0


def test_plateau_per_group_min_lrs_and_errors():
    opt = _opt()
    sched = S.ReduceLROnPlateau(opt, patience=0, factor=0.1, min_lr=[0.0, 0.2])
    for m in (1.0, 1.0, 1.0):
        sched.step(m)
    assert sched.get_last_lr() == pytest.approx([0.001, 0.2])
    with pytest.raises(ValueError, match="Factor should be < 1.0."):
        S.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="expected 2 min_lrs, got 1"):
        S.ReduceLROnPlateau(opt, min_lr=[0.1])
    with pytest.raises(ValueError, match="threshold mode bad is unknown!"):
        S.ReduceLROnPlateau(opt, threshold_mode="bad")


# ---- state dicts, resuming, warnings, errors -----------------------------------------------------


def test_state_dict_round_trip_resumes_the_schedule(tmp_path):
    opt = _opt()
    sched = S.StepLR(opt, step_size=2, gamma=0.5)
    for _ in range(3):
        opt.step()
        sched.step()
    path = tmp_path / "ckpt.pt"
    torch.save({"optim": opt.state_dict(), "sched": sched.state_dict()}, path)
    ckpt = torch.load(path)
    opt2 = _opt()
    sched2 = S.StepLR(opt2, step_size=2, gamma=0.5)
    sched2.load_state_dict(ckpt["sched"])
    opt2.load_state_dict(ckpt["optim"])
    assert sched2.last_epoch == 3 and sched2.get_last_lr() == sched.get_last_lr()
    for _ in range(4):
        opt.step()
        sched.step()
        opt2.step()
        sched2.step()
        assert sched2.get_last_lr() == sched.get_last_lr()
        assert [g["lr"] for g in opt2.param_groups] == [g["lr"] for g in opt.param_groups]


def test_lambda_state_dict_skips_functions_keeps_callable_objects():
    class Decay:
        def __init__(self):
            self.rate = 0.5

        def __call__(self, epoch):
            return self.rate ** epoch

    opt = _opt()
    sched = S.LambdaLR(opt, [lambda e: 1.0, Decay()])
    sd = sched.state_dict()
    assert sd["lr_lambdas"] == [None, {"rate": 0.5}] and "optimizer" not in sd
    sd["lr_lambdas"][1]["rate"] = 0.25
    sched.load_state_dict(sd)
    assert sched.lr_lambdas[1].rate == 0.25
    with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 3"):
        S.LambdaLR(opt, [lambda e: 1.0] * 3)


def test_resuming_with_last_epoch():
    opt = _opt()
    with pytest.raises(KeyError, match="initial_lr"):
        S.ExponentialLR(opt, gamma=0.5, last_epoch=3)
    for g in opt.param_groups:
        g["initial_lr"] = g["lr"]
    sched = S.CosineAnnealingLR(opt, T_max=10, last_epoch=3)
    assert sched.last_epoch == 4 and sched.get_last_lr()[0] == 0.1  # the lr as loaded
    opt.step()
    sched.step()  # torch's chainable form: the loaded lr times cos-ratio of epochs 5 and 4
    ratio = (1 + math.cos(math.pi * 5 / 10)) / (1 + math.cos(math.pi * 4 / 10))
    assert sched.get_last_lr()[0] == pytest.approx(0.1 * ratio, rel=1e-12)


def test_warnings():
    opt = _opt()
    sched = S.StepLR(opt, 2)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        sched.step()
    with pytest.warns(UserWarning, match="please use `get_last_lr\\(\\)`"):
        sched.get_lr()
    with pytest.warns(UserWarning, match="epoch parameter in `scheduler.step\\(\\)`"):
        sched.step(4)
    assert sched.get_last_lr()[0] == pytest.approx(0.1 * 0.1 ** 2)


def test_scheduler_errors():
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        S.StepLR([], 2)
    opt = _opt()
    with pytest.raises(ValueError, match="Starting multiplicative factor"):
        S.LinearLR(opt, start_factor=0)
    with pytest.raises(ValueError, match="between 0 and 1"):
        S.ConstantLR(opt, factor=2)
    with pytest.raises(ValueError, match="total_steps OR \\(epochs AND steps_per_epoch\\)"):
        S.OneCycleLR(opt, max_lr=0.1)
    with pytest.raises(ValueError, match="max_lr must have the same length"):
        S.OneCycleLR(opt, max_lr=[0.1], total_steps=3)
    with pytest.raises(ValueError, match="Expected positive integer T_0"):
        S.CosineAnnealingWarmRestarts(opt, T_0=0)
    with pytest.raises(ValueError, match="Tried to step 21 times"):
        _step_past_end()


def test_a_scheduler_without_get_lr_says_what_to_implement():
    class NoGetLr(S.LRScheduler):
        pass

    opt = SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    with pytest.raises(NotImplementedError, match="NoGetLr must implement get_lr\\(\\)"):
        NoGetLr(opt)
