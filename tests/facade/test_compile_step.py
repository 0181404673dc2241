"""torch.compile of a whole training step (forward, loss, backward, optimizer step as one
generated function): trajectories, gradients and optimizer state against the same step run
eagerly, the buffers it writes in place, retraces, and the steps that run as Python instead."""
from __future__ import annotations

import weakref

import numpy as np
import pytest

import functorch_lite.torch as torch
from functorch_lite.torch import nn


def close(a, b, tol=1e-5):
    a = a.detach().numpy() if isinstance(a, torch.Tensor) else np.asarray(a)
    b = b.detach().numpy() if isinstance(b, torch.Tensor) else np.asarray(b)
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def twins(make_model, make_opt):
    """Two identical (model, optimizer) pairs."""
    out = []
    for _ in range(2):
        torch.manual_seed(0)
        m = make_model()
        out.append((m, make_opt(m.parameters())))
    return out


def make_step(model, opt, crit, zero_first=True, set_to_none=True):
    def train_step(x, y):
        if zero_first:
            opt.zero_grad(set_to_none=set_to_none)
        loss = crit(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return train_step


def mlp():
    return nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 4))


def bn_cnn():
    # (no conv bias before BatchNorm: its gradient is 0 up to rounding, which Adam's
    # normalisation blows up to +-lr, so eager and compiled roundings would part ways)
    return nn.Sequential(nn.Conv2d(2, 3, 3, padding=1, bias=False), nn.BatchNorm2d(3), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(3 * 2 * 2, 4))


OPTIMIZERS = {
    "adam": lambda p: torch.optim.Adam(p, lr=1e-2),
    "adamw": lambda p: torch.optim.AdamW(p, lr=1e-2, weight_decay=0.1),
    "adam_amsgrad": lambda p: torch.optim.Adam(p, lr=1e-2, amsgrad=True, weight_decay=0.01),
    "sgd": lambda p: torch.optim.SGD(p, lr=0.1),
    "sgd_nesterov": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True,
                                              weight_decay=1e-3),
    "rmsprop": lambda p: torch.optim.RMSprop(p, lr=1e-2, momentum=0.5, centered=True),
    "adagrad": lambda p: torch.optim.Adagrad(p, lr=0.1, lr_decay=0.01),
}


@pytest.mark.parametrize("opt_name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("model_fn", [mlp, bn_cnn], ids=["mlp", "bn_cnn"])
def test_compiled_step_follows_the_eager_step(opt_name, model_fn):
    (m1, o1), (m2, o2) = twins(model_fn, OPTIMIZERS[opt_name])
    crit = nn.CrossEntropyLoss()
    torch.manual_seed(1)
    shape = (8, 6) if model_fn is mlp else (8, 2, 4, 4)
    x, y = torch.randn(*shape), torch.randint(0, 4, (8,))
    eager = make_step(m1, o1, crit)
    compiled = torch.compile(make_step(m2, o2, crit))
    for _ in range(4):
        close(compiled(x, y), eager(x, y))
    assert compiled._lowered_text().startswith("def train_step(")  # one program, no fallback
    for a, b in zip(m1.state_dict().values(), m2.state_dict().values()):
        close(a, b)  # parameters and BatchNorm's running statistics
    for p, q in zip(m1.parameters(), m2.parameters()):
        close(p.grad, q.grad)
    s1, s2 = o1.state_dict()["state"], o2.state_dict()["state"]
    assert s1.keys() == s2.keys()
    for k in s1:
        assert s1[k].keys() == s2[k].keys()
        for name in s1[k]:
            close(s1[k][name], s2[k][name])
    # the first call created the optimizer state, the second traced with it: then no retrace
    assert len(compiled._step._cache) == 2


def test_gradients_kept_between_steps_are_accumulated_and_written_in_place():
    (m1, o1), (m2, o2) = twins(mlp, OPTIMIZERS["sgd_nesterov"])
    crit = nn.MSELoss()
    x, y = torch.randn(5, 6), torch.randn(5, 4)
    eager = make_step(m1, o1, crit, zero_first=False)
    compiled = torch.compile(make_step(m2, o2, crit, zero_first=False))
    for _ in range(3):
        close(compiled(x, y), eager(x, y))
        for p, q in zip(m1.parameters(), m2.parameters()):
            close(p.grad, q.grad)
    g = m2[0].weight.grad
    compiled(x, y)
    assert m2[0].weight.grad is g  # the same grad tensor, its value replaced (accumulated)


def test_buffers_someone_else_holds_are_never_overwritten():
    # The program writes its updates into the old parameters' and state's buffers, but only
    # into buffers nothing else holds: a value kept from before the step keeps its numbers.
    torch.manual_seed(0)
    model = mlp()
    opt = torch.optim.Adam(model.parameters(), lr=0.1)
    step = torch.compile(make_step(model, opt, nn.MSELoss()))
    x, y = torch.randn(5, 6), torch.randn(5, 4)
    step(x, y)
    step(x, y)
    w = model[0].weight
    kept_array = w._data  # the immutable value itself (what a jit closure would capture)
    kept_numpy = np.asarray(w._data)  # its buffer as numpy sees it (no copy)
    exp_avg = opt.state[w]["exp_avg"]._data
    values = [np.array(kept_array), kept_numpy.copy(), np.array(exp_avg)]
    free = weakref.ref(model[2].weight._data._value)  # no one else holds it: reused
    step(x, y)
    for got, want in zip([np.asarray(kept_array), kept_numpy, np.asarray(exp_avg)], values):
        np.testing.assert_array_equal(got, want)
    assert not np.array_equal(np.asarray(w._data), values[0])  # it did train
    assert model[2].weight._data._value is free()
    assert int(opt.state_dict()["state"][0]["step"]) == 3


def test_a_new_learning_rate_retraces_and_is_used():
    (m1, o1), (m2, o2) = twins(mlp, OPTIMIZERS["sgd"])
    crit = nn.MSELoss()
    x, y = torch.randn(5, 6), torch.randn(5, 4)
    eager, compiled = make_step(m1, o1, crit), torch.compile(make_step(m2, o2, crit))
    sched1 = torch.optim.lr_scheduler.StepLR(o1, step_size=1, gamma=0.5)
    sched2 = torch.optim.lr_scheduler.StepLR(o2, step_size=1, gamma=0.5)
    for _ in range(3):
        close(compiled(x, y), eager(x, y))
        sched1.step()
        sched2.step()
    for p, q in zip(m1.parameters(), m2.parameters()):
        close(p, q)


def test_steps_that_cannot_be_staged_run_as_python():
    (m1, o1), (m2, o2) = twins(mlp, OPTIMIZERS["adam"])
    crit = nn.MSELoss()
    x, y = torch.randn(5, 6), torch.randn(5, 4)
    losses = []
    sched = torch.optim.lr_scheduler.StepLR(o2, step_size=1, gamma=0.5)

    def logging_step(x, y):  # .item() needs a concrete value
        o2.zero_grad()
        loss = crit(m2(x), y)
        loss.backward()
        o2.step()
        sched.step()
        losses.append(loss.item())
        return loss

    sched1 = torch.optim.lr_scheduler.StepLR(o1, step_size=1, gamma=0.5)
    eager = make_step(m1, o1, crit)
    compiled = torch.compile(logging_step)
    for _ in range(3):
        close(compiled(x, y), eager(x, y))
        sched1.step()
    assert len(losses) == 3
    assert compiled._lowered_text().startswith("# ")  # the compiled Modules' code, per Module
    for p, q in zip(m1.parameters(), m2.parameters()):
        close(p, q)
    with pytest.raises(RuntimeError, match="cannot compile the step as one graph"):
        torch.compile(logging_step, fullgraph=True)(x, y)


def test_a_scheduler_stepped_inside_the_step_is_not_frozen_into_the_program():
    (m1, o1), (m2, o2) = twins(mlp, OPTIMIZERS["sgd"])
    crit = nn.MSELoss()
    s1 = torch.optim.lr_scheduler.StepLR(o1, step_size=1, gamma=0.5)
    s2 = torch.optim.lr_scheduler.StepLR(o2, step_size=1, gamma=0.5)
    x, y = torch.randn(5, 6), torch.randn(5, 4)

    def with_schedule(model, opt, sched):
        def train_step(x, y):
            opt.zero_grad()
            crit(model(x), y).backward()
            opt.step()
            sched.step()
        return train_step

    eager, compiled = with_schedule(m1, o1, s1), torch.compile(with_schedule(m2, o2, s2))
    for _ in range(3):
        eager(x, y)
        compiled(x, y)
    assert o1.param_groups[0]["lr"] == o2.param_groups[0]["lr"] == 0.1 * 0.5 ** 3
    for p, q in zip(m1.parameters(), m2.parameters()):
        close(p, q)
    assert "LR scheduler" in compiled._step.last.fallback


def test_an_argument_changed_in_place_makes_the_step_run_as_python():
    torch.manual_seed(0)
    model = mlp()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)

    def step(x, counter):
        opt.zero_grad()
        model(x).sum().backward()
        opt.step()
        counter.add_(1)

    f = torch.compile(step)
    counter = torch.zeros(())
    for _ in range(3):
        f(torch.ones(2, 6), counter)
    assert float(counter) == 3.0
    assert "argument in place" in f._step.last.fallback


def test_data_made_inside_the_step_is_not_frozen_into_the_program():
    # A DataLoader iterated inside (or torch.tensor of Python data) would be a constant of
    # the program: the step runs as Python instead, and each call sees its new data.
    torch.manual_seed(0)
    model = mlp()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    data = {"rows": [[1.0] * 6, [2.0] * 6]}

    def step():
        x = torch.tensor(data["rows"])
        opt.zero_grad()
        loss = model(x).sum()
        loss.backward()
        opt.step()
        return loss

    f = torch.compile(step)
    first = float(f())
    data["rows"] = [[-1.0] * 6, [5.0] * 6]
    second = f()
    assert "host data" in f._step.last.fallback
    assert float(second) != first
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.randn(8, 6), torch.randn(8, 4)), batch_size=4)

    def epoch():
        for x, y in loader:
            opt.zero_grad()
            nn.functional.mse_loss(model(x), y).backward()
            opt.step()

    g = torch.compile(epoch)
    g()
    assert "host data" in g._step.last.fallback
