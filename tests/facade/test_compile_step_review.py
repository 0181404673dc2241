"""Review of torch.compile's whole-step staging (_compile_step.py): steps that must give the
same parameters, gradients, buffers and optimizer state as the same step run eagerly, whether
they stage as one program or run as Python (a fallback). Each of the "was:" tests is the
minimal repro of a bug found in review."""
from __future__ import annotations

import numpy as np
import pytest

import functorch_lite.torch as torch
from functorch_lite.torch import nn

CRIT = nn.MSELoss()


def mlp():
    return nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))


def bn_mlp():
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))


def data():
    torch.manual_seed(1)
    return torch.randn(5, 3), torch.randn(5, 2)


def assert_same_state(m1, m2, o1=None, o2=None, tol=1e-5):
    for (k, a), (_, b) in zip(m1.state_dict().items(), m2.state_dict().items()):
        assert type(b._data).__name__ == "Array", k  # no tracer left behind
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=tol, atol=tol, err_msg=k)
    for p, q in zip(m1.parameters(), m2.parameters()):
        assert (p.grad is None) == (q.grad is None)
        if p.grad is not None:
            np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=tol, atol=tol)
    for a, b in zip(o1 or (), o2 or ()):
        s1, s2 = a.state_dict()["state"], b.state_dict()["state"]
        assert s1.keys() == s2.keys()
        for i in s1:
            for name in s1[i]:
                np.testing.assert_allclose(np.asarray(s1[i][name]), np.asarray(s2[i][name]),
                                           rtol=tol, atol=tol, err_msg=name)


def twins(make_model, make_opt):
    out = []
    for _ in range(2):
        torch.manual_seed(0)
        m = make_model()
        out.append((m, make_opt(m)))
    return out


def std_step(m, o, x, y, set_to_none=True, zero=True):
    if zero:
        o.zero_grad(set_to_none=set_to_none)
    loss = CRIT(m(x), y)
    loss.backward()
    o.step()
    return loss


def clip_step(m, o, x, y):
    o.zero_grad()
    loss = CRIT(m(x), y)
    loss.backward()
    nn.utils.clip_grad_norm_(m.parameters(), 0.1)
    o.step()
    return loss


def dict_step(m, o, x, y):
    loss = std_step(m, o, x, y)
    return {"loss": loss, "n": 3, "none": None, "t": (loss * 2, m(x).detach())}


def frozen():
    m = mlp()
    m[0].weight.requires_grad_(False)
    return m


def tied():
    m = nn.Sequential(nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 3), nn.Linear(3, 2))
    m[2].weight = m[0].weight
    return m


def adam(**kw):
    return lambda m: torch.optim.Adam([p for p in m.parameters() if p.requires_grad], **kw)


CASES = {
    "zero_grad_keep": (mlp, adam(lr=0.01), lambda *a: std_step(*a, set_to_none=False)),
    "accumulate": (mlp, lambda m: torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9),
                   lambda *a: std_step(*a, zero=False)),
    "clip": (mlp, lambda m: torch.optim.SGD(m.parameters(), lr=0.1), clip_step),
    "frozen": (frozen, adam(lr=0.01), std_step),
    "frozen_in_opt": (frozen, lambda m: torch.optim.Adam(m.parameters(), lr=0.01,
                                                         weight_decay=0.1), std_step),
    "tied": (tied, adam(lr=0.01), std_step),
    "groups": (mlp, lambda m: torch.optim.Adam(
        [{"params": m[0].parameters(), "lr": 0.1}, {"params": m[2].parameters()}], lr=0.01,
        amsgrad=True, maximize=True, weight_decay=0.1), std_step),
    "tensor_lr": (mlp, lambda m: torch.optim.Adam(m.parameters(), lr=torch.tensor(0.01)),
                  std_step),
    "float64": (lambda: mlp().double(), adam(lr=0.01),
                lambda m, o, x, y: std_step(m, o, x.double(), y.double())),
    "dict_out": (mlp, lambda m: torch.optim.SGD(m.parameters(), lr=0.1), dict_step),
    # (SGD: the bias before BatchNorm has a gradient of 0 up to rounding, which Adam's
    # normalisation would blow up to +-lr, parting eager and compiled roundings)
    "bn": (bn_mlp, lambda m: torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9), std_step),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_staged_step_matches_eager(name):
    make_model, make_opt, body = CASES[name]
    (m1, o1), (m2, o2) = twins(make_model, make_opt)
    x, y = data()
    compiled = torch.compile(lambda x, y: body(m2, o2, x, y))
    for _ in range(4):
        out1, out2 = body(m1, o1, x, y), compiled(x, y)
        l1, l2 = (out1["loss"], out2["loss"]) if isinstance(out1, dict) else (out1, out2)
        np.testing.assert_allclose(l1.detach().numpy(), l2.detach().numpy(), rtol=1e-5)
    assert not compiled._lowered_text().startswith("# runs as Python")
    assert len(compiled._step._cache) == 2  # first call (no state), then with state
    assert_same_state(m1, m2, [o1], [o2])


def test_train_eval_switch_between_calls_keys_and_matches():
    (m1, o1), (m2, o2) = twins(bn_mlp, lambda m: torch.optim.SGD(m.parameters(), lr=0.1,
                                                                  momentum=0.5))
    x, y = data()
    compiled = torch.compile(lambda x, y: std_step(m2, o2, x, y))
    for i in range(5):
        std_step(m1, o1, x, y)
        compiled(x, y)
        m1.train(i % 2 == 1)
        m2.train(i % 2 == 1)
    assert_same_state(m1, m2, [o1], [o2])
    assert len(compiled._step._cache) == 3


def test_was_module_reached_through_a_helper_leaked_tracers_into_its_buffers():
    # The model is only reached through a helper function: it is no slot, so BatchNorm's
    # running statistics were left holding tracers of the finished trace.
    torch.manual_seed(0)
    model = bn_mlp()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    torch.manual_seed(0)
    ref = bn_mlp()
    ref_opt = torch.optim.SGD(ref.parameters(), lr=0.1)
    helpers = {"loss": lambda x, y: CRIT(model(x), y)}

    def step(x, y):
        opt.zero_grad()
        loss = helpers["loss"](x, y)
        loss.backward()
        opt.step()
        return loss

    compiled = torch.compile(step)
    x, y = data()
    for _ in range(3):
        compiled(x, y)
        std_step(ref, ref_opt, x, y)
    assert_same_state(ref, model)
    assert compiled._lowered_text().startswith("# runs as Python")


def test_was_global_tensor_changed_in_place_kept_a_tracer():
    torch.manual_seed(0)
    model = mlp()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    seen = {"count": torch.zeros(())}

    def step(x, y):
        loss = std_step(model, opt, x, y)
        seen["count"].add_(1)
        return loss

    compiled = torch.compile(step)
    x, y = data()
    for _ in range(3):
        compiled(x, y)
    assert float(seen["count"]) == 3.0


def test_was_parameter_passed_as_argument_lost_its_gradient_path():
    (m1, o1), (m2, o2) = twins(lambda: nn.Linear(3, 2),
                               lambda m: torch.optim.SGD(m.parameters(), lr=0.1))

    def make(m, o):
        def step(x, y, w):
            o.zero_grad()
            loss = CRIT(m(x), y) + (w * w).sum()
            loss.backward()
            o.step()
            return loss
        return step

    eager, compiled = make(m1, o1), torch.compile(make(m2, o2))
    x, y = data()
    for _ in range(3):
        np.testing.assert_allclose(eager(x, y, m1.weight).detach().numpy(),
                                   compiled(x, y, m2.weight).detach().numpy(), rtol=1e-5)
    assert_same_state(m1, m2)


def test_was_leaf_argument_requiring_grad_got_no_grad():
    (m1, o1), (m2, o2) = twins(lambda: nn.Linear(3, 2),
                               lambda m: torch.optim.SGD(m.parameters(), lr=0.1))
    s1, s2 = torch.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)

    def make(m, o):
        def step(x, y, s):
            return std_step(m, o, x * 1.0, y / s)
        return step

    eager, compiled = make(m1, o1), torch.compile(make(m2, o2))
    x, y = data()
    for _ in range(2):
        eager(x, y, s1)
        compiled(x, y, s2)
    assert s1.grad is not None and s2.grad is not None
    np.testing.assert_allclose(s1.grad.numpy(), s2.grad.numpy(), rtol=1e-5)
    assert_same_state(m1, m2)


def test_was_closure_tensor_requiring_grad_got_a_tracer_grad():
    # A tensor read from the closure that requires grad: backward() accumulated a tracer into
    # its .grad (the next eager use crashed with UnexpectedTracerError); after
    # add_param_group it must become part of the step.
    def run(compile_it):
        torch.manual_seed(0)
        m = mlp()
        o = torch.optim.SGD(m.parameters(), lr=0.1)
        extra = torch.ones(2, requires_grad=True)

        def step(x, y):
            o.zero_grad()
            loss = CRIT(m(x) * extra, y)
            loss.backward()
            o.step()
            return loss

        f = torch.compile(step) if compile_it else step
        x, y = data()
        f(x, y)
        f(x, y)
        out = [extra.grad.numpy().copy()]
        o.add_param_group({"params": [extra], "lr": 0.5})
        f(x, y)
        f(x, y)
        return out + [extra.detach().numpy().copy(), m[0].weight.detach().numpy().copy()]

    for a, b in zip(run(False), run(True)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_was_loss_returned_for_backward_outside_was_detached():
    (m1, _), (m2, _) = twins(mlp, lambda m: None)
    compiled = torch.compile(lambda x, y: CRIT(m2(x), y))
    x, y = data()
    for _ in range(2):
        l1, l2 = CRIT(m1(x), y), compiled(x, y)
        assert l2.requires_grad
        l1.backward()
        l2.backward()
    assert_same_state(m1, m2)


def test_was_optimizers_in_a_tuple_leaked_tracers_into_their_state():
    def make_opts(m):
        return (torch.optim.SGD(m[0].parameters(), lr=0.1, momentum=0.9),
                torch.optim.Adam(m[2].parameters(), lr=0.01))

    (m1, os1), (m2, os2) = twins(mlp, make_opts)

    def body(m, opts, x, y):
        for o in opts:
            o.zero_grad()
        loss = CRIT(m(x), y)
        loss.backward()
        for o in opts:
            o.step()
        return loss

    compiled = torch.compile(lambda x, y: body(m2, os2, x, y))
    x, y = data()
    for _ in range(3):
        body(m1, os1, x, y)
        compiled(x, y)
    assert_same_state(m1, m2, os1, os2)
    assert "reaches only through" in compiled._step.last.fallback


@pytest.mark.parametrize("opt_name", ["adam", "sgd"])
def test_was_optimizer_load_state_dict_between_calls_left_state_stale(opt_name):
    make_opt = {"adam": adam(lr=0.01, amsgrad=True),
                "sgd": lambda m: torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)}
    (m1, o1), (m2, o2) = twins(mlp, make_opt[opt_name])
    compiled = torch.compile(lambda x, y: std_step(m2, o2, x, y))
    x, y = data()
    saved = []
    for m, o, f in ((m1, o1, lambda x, y: std_step(m1, o1, x, y)), (m2, o2, compiled)):
        f(x, y)
        f(x, y)
        sd = o.state_dict()
        saved.append({"param_groups": sd["param_groups"], "state": {
            k: {n: (t.clone() if isinstance(t, torch.Tensor) else t) for n, t in st.items()}
            for k, st in sd["state"].items()}})
        msd = {k: v.clone() for k, v in m.state_dict().items()}
        f(x, y)
        f(x, y)
        m.load_state_dict(msd)
        o.load_state_dict(saved[-1])
        f(x, y)
        f(x, y)
    assert_same_state(m1, m2, [o1], [o2])


def test_grad_tensor_held_from_a_previous_call_behaves_as_eager():
    def run(compile_it):
        torch.manual_seed(0)
        m = mlp()
        o = torch.optim.Adam(m.parameters(), lr=0.1)
        f = torch.compile(lambda x, y: std_step(m, o, x, y)) if compile_it else (
            lambda x, y: std_step(m, o, x, y))
        x, y = data()
        f(x, y)
        f(x, y)
        g, exp_avg = m[0].weight.grad, o.state[m[0].weight]["exp_avg"]
        before = g.numpy().copy()
        kept = np.asarray(exp_avg._data)
        kept_value = kept.copy()
        f(x, y)
        np.testing.assert_array_equal(g.numpy(), before)  # set_to_none: a new grad tensor
        assert m[0].weight.grad is not g
        np.testing.assert_array_equal(kept, kept_value)  # a held buffer is never written
        return m[0].weight.detach().numpy().copy()

    np.testing.assert_allclose(run(False), run(True), rtol=1e-4, atol=1e-5)
