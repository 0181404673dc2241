"""torch.func on facade modules: transforms against Python loops, the eager facade's autograd
and closed forms; functional_call (buffers, ties, strictness); in-place changes under
transforms; torch's exception types."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import functorch_lite as fl
import functorch_lite.torch as torch
from functorch_lite._src import core as fl_core
from functorch_lite.torch import nn
from functorch_lite.torch.func import (
    functional_call,
    grad,
    grad_and_value,
    hessian,
    jacfwd,
    jacrev,
    jvp,
    linearize,
    replace_all_batch_norm_modules_,
    stack_module_state,
    vjp,
    vmap,
)

F = nn.functional


def t64(a):
    return torch.tensor(np.asarray(a, dtype=np.float64))


def close(a, b, tol=1e-6):
    a = a.detach().numpy() if isinstance(a, torch.Tensor) else np.asarray(a)
    b = b.detach().numpy() if isinstance(b, torch.Tensor) else np.asarray(b)
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


# ---- grad and friends ----------------------------------------------------------------------------


def test_grad_matches_eager_backward_and_closed_form():
    x = t64([0.5, -1.0, 2.0])
    f = lambda x: (x.sin() * x).sum()  # noqa: E731
    g = grad(f)(x)
    xe = x.clone().requires_grad_()
    f(xe).backward()
    close(g, xe.grad, 1e-12)
    close(g, np.sin(x.numpy()) + x.numpy() * np.cos(x.numpy()), 1e-12)
    assert isinstance(g, torch.Tensor) and not g.requires_grad


def test_grad_argnums_pytrees_and_aux():
    w = {"a": t64([1.0, 2.0]), "b": t64(3.0)}
    x = t64([4.0, 5.0])

    def f(w, x):
        y = (w["a"] * x).sum() + w["b"]
        return y * y, y

    (gw, gx), aux = grad(f, argnums=(0, 1), has_aux=True)(w, x)
    y = 1 * 4 + 2 * 5 + 3.0
    close(gw["a"], 2 * y * x.numpy(), 1e-12)
    close(gw["b"], 2 * y, 1e-12)
    close(gx, 2 * y * w["a"].numpy(), 1e-12)
    close(aux, y)
    g, (value, aux2) = grad_and_value(f, has_aux=True)(w, x)
    close(value, y * y)
    close(aux2, y)
    close(g["b"], 2 * y)


def test_grad_errors_use_torch_types():
    x = torch.ones(3)
    with pytest.raises(RuntimeError, match="scalar Tensor, got tensor with 1 dims"):
        grad(lambda x: x * 2)(x)
    with pytest.raises(RuntimeError, match="to return a Tensor, got <class 'tuple'>"):
        grad(lambda x: (x.sum(), x))(x)
    with pytest.raises(RuntimeError, match="floating point"):
        grad(lambda x: x.sum())(torch.ones(3, dtype=torch.long))
    with pytest.raises(RuntimeError, match="Got argnum=3, but only 1 positional inputs"):
        grad(lambda x: x.sum(), argnums=3)(x)
    with pytest.raises(RuntimeError, match="output of function f should be a tuple"):
        grad(lambda x: x.sum(), has_aux=True)(x)


@pytest.mark.parametrize("call, where", [
    (lambda f, x: grad_and_value(f, has_aux=True)(x), r"grad_and_value\(f\)\(\*args\)"),
    (lambda f, x: vjp(f, x, has_aux=True), r"vjp\(f, \*primals\)"),
    (lambda f, x: jvp(f, (x,), (x,), has_aux=True), r"jvp\(f, primals, tangents\)"),
    (lambda f, x: jacrev(f, has_aux=True)(x), r"jacrev\(f\)\(\*args\)"),
    (lambda f, x: jacfwd(f, has_aux=True)(x), r"jacfwd\(f\)\(\*args\)"),
])
def test_has_aux_needs_an_output_aux_pair(call, where):
    x = torch.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match=where + ": output of function f should be a tuple"):
        call(lambda x: x.sin().sum(), x)
    with pytest.raises(RuntimeError, match=where + ": output of function f should be a tuple"):
        call(lambda x: (x.sin().sum(), x, x), x)


def test_grad_of_grad_and_connection_to_backward():
    x = t64([0.3, 0.7])
    # second derivative by nesting
    gg = grad(lambda x: grad(lambda y: (y ** 3).sum())(x).sum())(x)
    close(gg, 6 * x.numpy(), 1e-12)
    # a transformed call is one facade op: backward() reaches an input that requires grad
    xr = x.clone().requires_grad_()
    g = grad(lambda y: (y ** 3).sum())(xr)
    assert g.requires_grad
    g.sum().backward()
    close(xr.grad, 6 * x.numpy(), 1e-12)


def test_vjp_jvp_linearize_jacobians_hessian():
    x = t64([0.1, 0.2, 0.3])
    out, vjp_fn = vjp(torch.sin, x)
    close(out, np.sin(x.numpy()))
    (ct,) = vjp_fn(t64([1.0, 2.0, 3.0]))
    close(ct, np.cos(x.numpy()) * [1, 2, 3], 1e-12)
    with pytest.raises(RuntimeError, match="structure of cotangents"):
        vjp_fn((t64([1.0, 2.0, 3.0]), t64(1.0)))
    out, t_out = jvp(torch.sin, (x,), (t64([1.0, 0.0, 2.0]),))
    close(t_out, np.cos(x.numpy()) * [1, 0, 2], 1e-12)
    with pytest.raises(RuntimeError, match="Expected primals to be a tuple"):
        jvp(torch.sin, x, x)
    _, jvp_fn = linearize(torch.sin, x)
    close(jvp_fn(t64([1.0, 1.0, 1.0])), np.cos(x.numpy()), 1e-12)
    f = lambda x: x.exp() * x.sum()  # noqa: E731
    expected = np.diag(np.exp(x.numpy())) * x.numpy().sum() + np.exp(x.numpy())[:, None]
    close(jacrev(f)(x), expected, 1e-12)
    close(jacfwd(f)(x), expected, 1e-12)
    h = hessian(lambda x: (x ** 3).sum() * x[0])(x)
    xn = x.numpy()
    ref = np.zeros((3, 3))
    ref += np.diag(6 * xn * xn[0])
    ref[0, :] += 3 * xn ** 2
    ref[:, 0] += 3 * xn ** 2
    close(h, ref, 1e-10)


# ---- vmap ---------------------------------------------------------------------------------------


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 4), st.integers(0, 1), st.sampled_from([0, 1, -1]), st.integers(0, 2**16))
def test_vmap_against_python_loop(n, in_dim, out_dim, seed):
    rng = np.random.default_rng(seed)
    a = torch.tensor(rng.standard_normal((n, 3) if in_dim == 0 else (3, n)))
    w = torch.tensor(rng.standard_normal((3, 2)))

    def f(x, w, *, scale):
        return (x @ w).tanh() * scale, x.sum()

    out, s = vmap(f, in_dims=(in_dim, None), out_dims=(out_dim, 0))(a, w, scale=2.0)
    cols = [a.select(in_dim, i) for i in range(n)]
    ref = torch.stack([f(c, w, scale=2.0)[0] for c in cols], dim=out_dim)
    close(out, ref, 1e-12)
    close(s, torch.stack([c.sum() for c in cols]), 1e-12)


def test_vmap_kwargs_are_not_mapped_and_nested():
    x, y = torch.ones(3), torch.arange(3.0)
    assert vmap(lambda a, b: a + b)(x, b=y).shape == (3, 3)
    m = torch.arange(6.0).reshape(2, 3)
    close(vmap(vmap(lambda a: a * 2))(m), m * 2)


def test_vmap_chunk_size_and_randomness():
    x = torch.randn(7, 3)
    f = lambda a: a.exp().sum()  # noqa: E731
    close(vmap(f, chunk_size=3)(x), vmap(f)(x))
    noisy = lambda a: a + torch.rand(())  # noqa: E731
    with pytest.raises(RuntimeError, match="randomness error mode"):
        vmap(noisy)(torch.zeros(4))
    same = vmap(noisy, randomness="same")(torch.zeros(4))
    assert len(set(same.tolist())) == 1
    diff = vmap(noisy, randomness="different")(torch.zeros(4))
    assert len(set(diff.tolist())) == 4
    with pytest.raises(RuntimeError, match="randomness"):
        vmap(f, randomness="sometimes")


def test_vmap_errors_use_torch_types():
    with pytest.raises(ValueError, match="same size in the mapped dimension"):
        vmap(lambda a, b: a + b)(torch.ones(3), torch.ones(4))
    with pytest.raises(ValueError, match="in_dims"):
        vmap(lambda a, b: a + b, in_dims=(0,))(torch.ones(3), torch.ones(3))
    with pytest.raises(ValueError, match="expected in_dim to satisfy"):
        vmap(lambda a: a, in_dims=2)(torch.ones(3))
    with pytest.raises(ValueError, match="must only return Tensors"):
        vmap(lambda a: 3)(torch.ones(3))
    with pytest.raises(ValueError, match="out_axes=None"):
        vmap(lambda a: a, out_dims=None)(torch.ones(3))
    with pytest.raises(ValueError, match="chunk_size"):
        vmap(lambda a: a, chunk_size=0)


# ---- the torch.func tutorials: per-sample gradients and ensembling ------------------------------


def _mlp():
    return nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 3))


def test_per_sample_gradients_as_in_the_tutorial():
    torch.manual_seed(0)
    model = _mlp()
    params = {k: v.detach() for k, v in model.named_parameters()}
    buffers = {k: v.detach() for k, v in model.named_buffers()}

    def compute_loss(params, buffers, sample, target):
        batch, targets = sample.unsqueeze(0), target.unsqueeze(0)
        predictions = functional_call(model, (params, buffers), (batch,))
        return F.cross_entropy(predictions, targets)

    x, y = torch.randn(5, 4), torch.randint(0, 3, (5,))
    per_sample = vmap(grad(compute_loss), in_dims=(None, None, 0, 0))(params, buffers, x, y)
    for i in range(5):
        model.zero_grad()
        F.cross_entropy(model(x[i:i + 1]), y[i:i + 1]).backward()
        for k, p in model.named_parameters():
            close(per_sample[k][i], p.grad, 1e-5)


def test_model_ensembling_as_in_the_tutorial():
    torch.manual_seed(1)
    models = [_mlp() for _ in range(3)]
    params, buffers = stack_module_state(models)
    assert params["0.weight"].shape == (3, 6, 4) and params["0.weight"].is_leaf
    assert params["0.weight"].requires_grad
    base = _mlp()

    def fmodel(params, buffers, x):
        return functional_call(base, (params, buffers), (x,))

    x = torch.randn(8, 4)
    out = vmap(fmodel, in_dims=(0, 0, None))(params, buffers, x)
    for i, m in enumerate(models):
        close(out[i], m(x), 1e-6)
    # gradients flow back to the stacked leaves through the one recorded op
    out.pow(2).sum().backward()
    for i, m in enumerate(models):
        m.zero_grad()
        m(x).pow(2).sum().backward()
        close(params["0.weight"].grad[i], m[0].weight.grad, 1e-5)
    with pytest.raises(RuntimeError, match="at least one model"):
        stack_module_state([])


# ---- functional_call ----------------------------------------------------------------------------


def test_functional_call_values_strictness_and_restoration():
    m = nn.Linear(3, 2)
    w0 = m.weight
    new = {"weight": torch.ones(2, 3), "bias": torch.zeros(2)}
    x = torch.tensor([1.0, 2.0, 3.0])
    close(functional_call(m, new, x), [6.0, 6.0])  # a lone argument need not be a tuple
    assert m.weight is w0 and isinstance(m.weight, nn.Parameter)
    close(functional_call(m, {"weight": torch.ones(2, 3)}, (x,)), x.sum() + m.bias)
    with pytest.raises(RuntimeError, match="Missing key\\(s\\): 'bias'"):
        functional_call(m, {"weight": torch.ones(2, 3)}, (x,), strict=True)
    with pytest.raises(RuntimeError, match="Unexpected key\\(s\\): 'foo'"):
        functional_call(m, dict(new, foo=torch.ones(1)), (x,), strict=True)
    with pytest.raises(ValueError, match="appeared in multiple dictionaries"):
        functional_call(m, (new, {"weight": torch.ones(2, 3)}), (x,))
    out = functional_call(nn.Linear(3, 2), new, args=(), kwargs={"input": x})
    close(out, [6.0, 6.0])


def test_functional_call_tied_weights():
    enc, dec = nn.Linear(2, 2, bias=False), nn.Linear(2, 2, bias=False)
    dec.weight = enc.weight  # one Parameter under two names
    model = nn.Sequential(enc, dec)
    x = torch.ones(1, 2)
    w = torch.eye(2) * 2
    close(functional_call(model, {"0.weight": w}, (x,)), [[4.0, 4.0]])
    close(functional_call(model, {"0.weight": w}, (x,), tie_weights=False),
          (x @ w.T) @ enc.weight.T)
    with pytest.raises(ValueError, match="tied"):
        functional_call(model, {"0.weight": w, "1.weight": w.clone()}, (x,))


def test_functional_call_batchnorm_buffers_follow_torch():
    torch.manual_seed(2)
    bn, ref = nn.BatchNorm1d(3), nn.BatchNorm1d(3)
    x = torch.randn(8, 3)
    ref(x)
    bufs = {k: v.clone() for k, v in bn.named_buffers()}
    functional_call(bn, bufs, (x,))
    for k, v in ref.named_buffers():
        close(bufs[k], v)  # the given tensors were updated in place...
    close(bn.running_mean, torch.zeros(3))  # ...and the module's own were not
    assert int(bn.num_batches_tracked) == 0


def test_functional_call_with_core_values_under_grad_jit_and_vmap():
    torch.manual_seed(3)
    bn, ref = nn.BatchNorm1d(3), nn.BatchNorm1d(3)
    x = torch.randn(8, 3)
    ref_out = ref(x)
    params = {k: v.detach()._data for k, v in bn.named_parameters()}

    def loss(p, b, xv):
        out = functional_call(bn, (p, b), (torch.Tensor._from_value(xv),))
        return (out._data ** 2).sum(), b  # the dict now holds the updated buffers

    for transform in (lambda f: fl.grad(f, has_aux=True), lambda f: fl.jit(fl.grad(
            f, has_aux=True))):
        bufs = {k: v.detach()._data for k, v in bn.named_buffers()}
        g, new_bufs = transform(loss)(params, bufs, x._data)
        for k, v in ref.named_buffers():
            close(np.asarray(new_bufs[k]), v)
        xe = x.clone()
        w = bn.weight.detach().clone().requires_grad_()
        F.batch_norm(xe, None, None, w, bn.bias.detach(), True).pow(2).sum().backward()
        close(np.asarray(g["weight"]), w.grad, 1e-5)
    close(ref_out, F.batch_norm(x, None, None, training=True), 1e-6)
    # under vmap, buffers left out of the dicts cannot take per-example values: a clear error,
    # and no half update
    p = {k: v.detach() for k, v in bn.named_parameters()}
    with pytest.raises(RuntimeError, match="pass the buffers in the dicts"):
        vmap(lambda xb: functional_call(bn, p, (xb,)))(torch.randn(2, 8, 3))
    close(bn.running_mean, torch.zeros(3))
    assert int(bn.num_batches_tracked) == 0


def test_vmap_ensemble_of_batchnorm_models_updates_stacked_buffers():
    torch.manual_seed(4)
    models = [nn.BatchNorm1d(3) for _ in range(2)]
    params, buffers = stack_module_state(models)
    base = nn.BatchNorm1d(3)
    xs = torch.randn(2, 6, 3)
    vmap(lambda p, b, x: functional_call(base, (p, b), (x,)))(params, buffers, xs)
    for i, m in enumerate(models):
        m(xs[i])
        close(buffers["running_mean"][i], m.running_mean)
        close(buffers["running_var"][i], m.running_var)
    assert buffers["num_batches_tracked"].tolist() == [1, 1]


def test_in_place_changes_inside_transforms_are_written_back():
    x = torch.ones(3)

    def f(a):
        a.add_(1)
        return (a * a).sum()

    close(grad(f)(x), [4.0, 4.0, 4.0])  # the derivative at the changed value
    close(x, [2.0, 2.0, 2.0])
    y = torch.zeros(4, 3)

    def g(a):
        a[0] = 5.0
        return a.sum()

    close(vmap(g)(y), [5.0] * 4)
    close(y[:, 0], [5.0] * 4)
    z = torch.ones(5, 2)
    vmap(lambda a: a.mul_(3), chunk_size=2)(z)
    close(z, np.full((5, 2), 3.0))
    with pytest.raises(RuntimeError, match="not mapped"):
        vmap(lambda a, b: b.add_(a), in_dims=(0, None))(torch.ones(3, 2), torch.zeros(2))
    leaf = torch.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        grad(f)(leaf)


def test_replace_all_batch_norm_modules_():
    net = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    replace_all_batch_norm_modules_(net)
    assert net[1].running_mean is None and not net[1].track_running_stats
    x = torch.randn(4, 2)
    out = vmap(lambda xb: net(xb))(x.unsqueeze(1).expand(4, 2, 2).clone())
    assert out.shape == (4, 2, 3)


def test_a_module_called_directly_keeps_concrete_state_updates_and_refuses_traced_ones():
    torch.manual_seed(0)
    bn, ref = nn.BatchNorm1d(3), nn.BatchNorm1d(3)
    x = torch.randn(6, 3)
    # under grad the running statistics' update is concrete: kept, as an eager call would
    torch.func.grad(lambda x: (bn(x) ** 2).sum())(x)
    ref(x)
    for a, b in zip(bn.buffers(), ref.buffers()):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)
    # under vmap it would be one value per example: refused, and nothing is half-updated
    before = [b.numpy().copy() for b in bn.buffers()]
    with pytest.raises(RuntimeError, match="functional_call.*eval"):
        torch.func.vmap(bn)(torch.randn(4, 6, 3))
    for b, old in zip(bn.buffers(), before):
        np.testing.assert_array_equal(b.numpy(), old)
    assert all(not isinstance(b._data, fl_core.Tracer) for b in bn.buffers())
    bn.eval()  # eval mode only reads them: fine
    out = torch.func.vmap(bn)(torch.randn(4, 6, 3))
    assert out.shape == (4, 6, 3)
