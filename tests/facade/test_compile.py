"""torch.compile: compiled modules and training steps against the eager facade (values,
gradients, buffers, trajectories), the cache and its retraces, train/eval, graph breaks and
torch's exception types."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import functorch_lite.torch as torch
from functorch_lite.torch import nn

F = nn.functional


def close(a, b, tol=1e-6):
    a = a.detach().numpy() if isinstance(a, torch.Tensor) else np.asarray(a)
    b = b.detach().numpy() if isinstance(b, torch.Tensor) else np.asarray(b)
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def pair(make):
    torch.manual_seed(0)
    a, b = make(), make()
    b.load_state_dict(a.state_dict())
    return a, b


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(12, 16), nn.ReLU(), nn.Linear(16, 5))


def bn_net():
    return nn.Sequential(nn.Conv2d(2, 3, 3, padding=1), nn.BatchNorm2d(3), nn.ReLU(),
                         nn.Flatten(), nn.Linear(3 * 4 * 4, 4))


def test_compiled_module_values_and_gradients_equal_eager():
    model, ref = pair(mlp)
    fast = torch.compile(model)
    x = torch.randn(6, 3, 4)
    xr = x.clone().requires_grad_()
    xe = x.clone().requires_grad_()
    out = fast(xr)
    assert out.grad_fn is not None and out.grad_fn.name() == "CompiledFunctionBackward"
    close(out, ref(xe))
    out.pow(2).sum().backward()
    ref(xe).pow(2).sum().backward()
    for p, q in zip(model.parameters(), ref.parameters()):
        close(p.grad, q.grad, 1e-5)
    close(xr.grad, xe.grad, 1e-5)
    text = fast._lowered_text()
    assert "def Sequential_forward(" in text and "def Sequential_backward(" in text
    with torch.no_grad():
        plain = fast(x)
    assert plain.grad_fn is None and "_backward" not in fast._lowered_text()
    close(plain, ref(x))


def test_training_with_compiled_module_follows_eager_and_sees_optimizer_updates():
    model, ref = pair(mlp)
    fast = torch.compile(model)
    crit = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    opt_ref = torch.optim.SGD(ref.parameters(), lr=0.1, momentum=0.9)
    x, y = torch.randn(8, 3, 4), torch.randint(0, 5, (8,))
    for _ in range(4):
        opt.zero_grad()
        loss = crit(fast(x), y)
        loss.backward()
        opt.step()
        opt_ref.zero_grad()
        loss_ref = crit(ref(x), y)
        loss_ref.backward()
        opt_ref.step()
        close(loss, loss_ref, 1e-5)
    for p, q in zip(model.parameters(), ref.parameters()):
        close(p, q, 1e-5)
    assert fast.cache_size() == 1


def test_compiled_train_step_with_adam_follows_eager():
    model, ref = pair(mlp)
    crit = nn.CrossEntropyLoss()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    opt_ref = torch.optim.Adam(ref.parameters(), lr=0.01)
    x, y = torch.randn(8, 3, 4), torch.randint(0, 5, (8,))

    @torch.compile
    def train_step(x, y):
        opt.zero_grad()
        loss = crit(model(x), y)
        loss.backward()
        opt.step()
        return loss

    for _ in range(3):
        loss = train_step(x, y)
        opt_ref.zero_grad()
        loss_ref = crit(ref(x), y)
        loss_ref.backward()
        opt_ref.step()
        close(loss, loss_ref, 1e-5)
    for p, q in zip(model.parameters(), ref.parameters()):
        close(p, q, 1e-5)
    # the whole step (forward, backward, Adam) is one generated function
    assert "def train_step(" in train_step._lowered_text()
    assert "forward" not in model.__dict__
    close(torch.compile(train_step.fn, fullgraph=True)(x, y), crit(ref(x), y), 1e-5)


def test_batchnorm_buffers_train_eval_and_cache_keys():
    model, ref = pair(bn_net)
    fast = torch.compile(model)
    x = torch.randn(5, 2, 4, 4)
    for _ in range(2):
        out, out_ref = fast(x), ref(x)
        close(out, out_ref, 1e-5)
        out.sum().backward()
        out_ref.sum().backward()
    for b, c in zip(model.buffers(), ref.buffers()):
        close(b, c, 1e-6)
    assert int(model[1].num_batches_tracked) == 2
    close(model[0].weight.grad, ref[0].weight.grad, 1e-4)
    model.eval()
    ref.eval()
    close(fast(x), ref(x), 1e-5)
    assert int(model[1].num_batches_tracked) == 2  # eval: running statistics are only read
    assert fast.cache_size() == 2
    assert "train() and eval()" in fast.retrace_reasons[-1]
    fast(torch.randn(3, 2, 4, 4))  # a new batch size: one more trace, and the reason says so
    assert fast.cache_size() == 3
    assert "[5, 2, 4, 4] to float32[3, 2, 4, 4]" in fast.retrace_reasons[-1]
    fast(torch.randn(3, 2, 4, 4))
    assert fast.cache_size() == 3


def test_graph_breaks_run_eagerly_or_raise_with_fullgraph():
    torch.manual_seed(1)
    drop = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5))
    fast = torch.compile(drop)
    x = torch.ones(8, 4)
    with pytest.warns(UserWarning, match="random numbers"):
        a = fast(x)
    b = fast(x)
    assert not np.array_equal(a.detach().numpy(), b.detach().numpy())  # fresh masks
    drop.eval()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        close(fast(x), drop(x))
    with pytest.raises(RuntimeError, match="fullgraph=True"):
        torch.compile(nn.Dropout(0.5), fullgraph=True)(x)

    def branchy(x):
        return x * 2 if x.sum() > 0 else x  # Python control flow on a tensor value

    f = torch.compile(branchy)
    with pytest.warns(UserWarning, match="graph break"):
        close(f(torch.ones(2)), [2.0, 2.0])
    close(f(-torch.ones(2)), [-1.0, -1.0])
    with pytest.raises(Exception, match="concrete|Abstract tracer"):
        torch.compile(branchy, fullgraph=True)(torch.ones(2))


def test_compiled_function_pure_and_differentiable():
    f = torch.compile(lambda x, y: (x.sin() * y).sum(dim=0))
    x = torch.randn(3, 2, dtype=torch.float64, requires_grad=True)
    y = torch.randn(3, 2, dtype=torch.float64)
    out = f(x, y)
    close(out, (x.detach().sin() * y).sum(dim=0), 1e-12)
    out.sum().backward()
    close(x.grad, x.detach().cos() * y, 1e-12)
    assert "xp.sin" in f._lowered_text()

    @torch.compile(fullgraph=True, mode="max-autotune")
    def g(a, scale=2):
        return a * scale

    close(g(torch.ones(2)), [2.0, 2.0])
    close(g(torch.ones(2), scale=3), [3.0, 3.0])  # a new static value: a new trace


def test_optimized_module_surface_and_arguments():
    lin = nn.Linear(3, 2)
    fast = torch.compile(lin)
    assert fast._orig_mod is lin and fast.in_features == 3
    assert list(fast.state_dict()) == ["_orig_mod.weight", "_orig_mod.bias"]
    assert repr(fast).startswith("OptimizedModule(\n  (_orig_mod): Linear(")
    assert torch.compile(lin, backend="eager") is lin
    assert torch.compile(lin, disable=True) is lin
    with pytest.raises(RuntimeError, match="Unrecognized mode"):
        torch.compile(lin, mode="fastest")
    with pytest.raises(RuntimeError, match="Either mode or options"):
        torch.compile(lin, mode="default", options={})
    with pytest.raises(RuntimeError, match="callable"):
        torch.compile(3)
    # forward hooks are part of the compiled call
    lin.register_forward_hook(lambda m, args, out: out * 0)
    close(fast(torch.ones(1, 3)), [[0.0, 0.0]])


def test_compiled_module_inside_core_transform_is_inlined():
    from functorch_lite.torch.func import functional_call, grad

    model = mlp()
    fast = torch.compile(model)
    params = {k: v.detach() for k, v in model.named_parameters()}
    x = torch.randn(2, 3, 4)
    g = grad(lambda p: functional_call(fast, {"_orig_mod." + k: v for k, v in p.items()},
                                       (x,)).sum())(params)
    for k, p in model.named_parameters():
        model.zero_grad()
        model(x).sum().backward()
        close(g[k], p.grad, 1e-5)
