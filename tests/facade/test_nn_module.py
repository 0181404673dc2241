"""torch.nn.Module and containers: registration, traversal order, state_dict round trips
(also through torch.save/torch.load), load_state_dict errors, hooks, train/eval, dtype
conversion, zero_grad, reprs; nn.init; nn.utils; every docstring example of torch.nn."""
import doctest
import importlib
import math
import pkgutil
import warnings
from collections import OrderedDict

import numpy as np
import pytest

import functorch_lite.torch as torch
import functorch_lite.torch.nn.functional as F
from functorch_lite.torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(128, 10)
        self.register_buffer("steps", torch.zeros(1))
        self.register_buffer("scratch", torch.zeros(2), persistent=False)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


def test_registration_and_traversal_order():
    net = Net()
    assert [n for n, _ in net.named_parameters()] == ["fc1.weight", "fc1.bias", "fc2.weight",
                                                      "fc2.bias"]
    assert [n for n, _ in net.named_buffers()] == ["steps", "scratch"]
    assert [n for n, _ in net.named_children()] == ["fc1", "act", "fc2"]
    assert [n for n, _ in net.named_modules()] == ["", "fc1", "act", "fc2"]
    assert [n for n, _ in net.named_parameters(prefix="m", recurse=True)][0] == "m.fc1.weight"
    assert list(net.named_parameters(recurse=False)) == []
    # state_dict: each module's parameters then persistent buffers, then children
    assert list(net.state_dict()) == ["steps", "fc1.weight", "fc1.bias", "fc2.weight",
                                      "fc2.bias"]
    assert isinstance(net.fc1.weight, nn.Parameter) and net.fc1.weight.requires_grad
    assert not net.state_dict()["fc1.weight"].requires_grad
    assert net.state_dict(keep_vars=True)["fc1.weight"] is net.fc1.weight
    assert net.get_submodule("fc2") is net.fc2
    assert net.get_parameter("fc1.bias") is net.fc1.bias
    with pytest.raises(AttributeError, match="has no attribute `nope`"):
        net.get_submodule("nope")


def test_shared_parameters_are_listed_once():
    lin = nn.Linear(2, 2)
    seq = nn.Sequential(lin, nn.ReLU(), lin)
    assert len(list(seq.parameters())) == 2
    assert [n for n, _ in seq.named_parameters(remove_duplicate=False)] == \
        ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert len(list(seq.modules())) == 3


def test_setattr_getattr_delattr():
    m = nn.Module()
    m.w = nn.Parameter(torch.ones(2))
    m.sub = nn.Linear(1, 1)
    m.register_buffer("b", torch.zeros(1))
    m.b = torch.ones(1)  # assigning a tensor to a buffer name keeps it a buffer
    assert "b" in dict(m.named_buffers()) and float(m.b) == 1.0
    with pytest.raises(TypeError, match="cannot assign 'int' as parameter 'w'"):
        m.w = 3
    m.w = None
    assert list(m._parameters) == ["w"] and m.w is None
    del m.sub
    assert "sub" not in m._modules
    with pytest.raises(AttributeError, match="'Module' object has no attribute 'missing'"):
        _ = m.missing
    with pytest.raises(KeyError, match="attribute 'x' already exists"):
        m.x = 1
        m.register_buffer("x", torch.ones(1))
    m.stat = nn.Buffer(torch.ones(1), persistent=False)
    assert "stat" in m._buffers and "stat" not in m.state_dict()
    with pytest.raises(AttributeError, match="before Module.__init__"):
        class Bad(nn.Module):
            def __init__(self):
                self.w = nn.Parameter(torch.ones(1))

        Bad()


def test_state_dict_round_trip_and_save_load(tmp_path):
    torch.manual_seed(0)
    a, b = Net(), Net()
    a.steps.fill_(3.0)
    assert not torch.equal(a.fc1.weight, b.fc1.weight)
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert repr(result) == "<All keys matched successfully>"
    for (na, pa), (nb, pb) in zip(a.state_dict().items(), b.state_dict().items()):
        assert na == nb and torch.equal(pa, pb)
    w_before = b.fc1.weight
    b.load_state_dict(Net().state_dict())
    assert b.fc1.weight is w_before  # loaded in place: optimizers keep their parameters
    path = tmp_path / "net.pth"
    torch.save(a.state_dict(), path)
    c = Net()
    c.load_state_dict(torch.load(path))
    x = torch.randn(3, 784)
    assert torch.equal(a(x), c(x)) and float(c.steps) == 3.0


def test_load_state_dict_errors_and_non_strict():
    net = Net()
    sd = net.state_dict()
    del sd["fc2.bias"]
    sd["fc3.weight"] = torch.zeros(1)
    sd["extra"] = torch.zeros(1)
    with pytest.raises(RuntimeError) as info:
        Net().load_state_dict(sd)
    msg = str(info.value)
    assert msg.startswith("Error(s) in loading state_dict for Net:\n\t"
                          'Missing key(s) in state_dict: "fc2.bias". \n\t'
                          'Unexpected key(s) in state_dict: "fc3.weight", "extra". ')
    assert "strict=False" in msg
    result = Net().load_state_dict(sd, strict=False)
    assert result.missing_keys == ["fc2.bias"]
    assert result.unexpected_keys == ["fc3.weight", "extra"]
    assert result == (["fc2.bias"], ["fc3.weight", "extra"])
    bad = net.state_dict()
    bad["fc1.weight"] = torch.zeros(3, 3)
    with pytest.raises(RuntimeError, match=r"size mismatch for fc1\.weight: copying a param "
                       r"with shape torch\.Size\(\[3, 3\]\) from checkpoint, the shape in "
                       r"current model is torch\.Size\(\[128, 784\]\)"):
        Net().load_state_dict(bad, strict=False)


def test_forward_hooks_and_pre_hooks():
    lin = nn.Linear(2, 2)
    seen = []
    h1 = lin.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    h2 = lin.register_forward_hook(lambda m, args, out: seen.append(out) or out + 1)
    y = lin(torch.ones(1, 2))
    assert torch.allclose(y, lin.bias + 1) and len(seen) == 1
    h1.remove()
    h2.remove()
    assert torch.allclose(lin(torch.zeros(1, 2)), lin.bias.detach().unsqueeze(0))
    kw = lin.register_forward_hook(lambda m, args, kwargs, out: out * 0, with_kwargs=True)
    assert float(lin(torch.ones(1, 2)).abs().sum()) == 0.0
    kw.remove()


def test_train_eval_apply_zero_grad_requires_grad():
    net = nn.Sequential(nn.Linear(3, 3), nn.Dropout(0.5), nn.BatchNorm1d(3))
    assert all(m.training for m in net.modules())
    net.eval()
    assert not any(m.training for m in net.modules())
    net.train()
    net(torch.randn(4, 3)).sum().backward()
    assert net[0].weight.grad is not None
    net.zero_grad(set_to_none=False)
    assert float(net[0].weight.grad.abs().sum()) == 0.0
    net.zero_grad()
    assert net[0].weight.grad is None
    names = []
    net.apply(lambda m: names.append(type(m).__name__))
    assert names == ["Linear", "Dropout", "BatchNorm1d", "Sequential"]
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())


def test_to_dtype_keeps_parameter_objects():
    net = Net()
    w = net.fc1.weight
    net.double()
    assert net.fc1.weight is w and w.dtype == torch.float64 and w.requires_grad
    assert net.steps.dtype == torch.float64
    net.to(torch.float32)
    assert w.dtype == torch.float32
    bn = nn.BatchNorm1d(2).to(dtype=torch.float64)
    assert bn.num_batches_tracked.dtype == torch.int64  # integer buffers keep their dtype
    assert net.cpu() is net
    with pytest.raises(TypeError, match="floating point or complex"):
        net.to(torch.int32)


def test_repr_like_torch():
    assert repr(Net()) == (
        "Net(\n"
        "  (fc1): Linear(in_features=784, out_features=128, bias=True)\n"
        "  (act): ReLU()\n"
        "  (fc2): Linear(in_features=128, out_features=10, bias=True)\n"
        ")")
    nested = nn.Sequential(nn.Sequential(nn.Conv2d(1, 2, 3)), nn.Flatten())
    assert repr(nested) == (
        "Sequential(\n"
        "  (0): Sequential(\n"
        "    (0): Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1))\n"
        "  )\n"
        "  (1): Flatten(start_dim=1, end_dim=-1)\n"
        ")")
    assert repr(nn.ModuleList([nn.ReLU(), nn.ReLU(), nn.Tanh()])) == (
        "ModuleList(\n  (0-1): 2 x ReLU()\n  (2): Tanh()\n)")
    assert repr(nn.Parameter(torch.tensor([1.0]))) == \
        "Parameter containing:\ntensor([1.], requires_grad=True)"


def test_containers():
    seq = nn.Sequential(OrderedDict([("a", nn.Linear(2, 3)), ("b", nn.ReLU())]))
    assert [n for n, _ in seq.named_children()] == ["a", "b"]
    assert isinstance(seq[-1], nn.ReLU) and isinstance(seq[:1], nn.Sequential)
    assert len(seq[:1]) == 1 and seq.a is seq[0]
    seq.append(nn.Linear(3, 1))
    assert seq(torch.ones(4, 2)).shape == (4, 1)
    del seq[0]
    assert [n for n, _ in seq.named_children()] == ["0", "1"]
    with pytest.raises(IndexError, match="out of range"):
        seq[5]
    ml = nn.ModuleList([nn.Linear(1, 1)])
    ml.append(nn.Linear(1, 2))
    ml.extend([nn.ReLU()])
    ml.insert(0, nn.Tanh())
    assert [type(m).__name__ for m in ml] == ["Tanh", "Linear", "Linear", "ReLU"]
    assert len(list(ml.parameters())) == 4
    md = nn.ModuleDict({"x": nn.ReLU()})
    md["y"] = nn.Linear(1, 1)
    assert list(md.keys()) == ["x", "y"] and "y" in md and len(md) == 2
    pl = nn.ParameterList([torch.ones(2), nn.Parameter(torch.zeros(1))])
    assert all(isinstance(p, nn.Parameter) for p in pl)
    assert [n for n, _ in pl.named_parameters()] == ["0", "1"]
    pd = nn.ParameterDict({"b": torch.ones(1), "a": torch.ones(2)})
    assert list(pd.keys()) == ["a", "b"]  # a plain dict is sorted, as torch
    assert [n for n, _ in pd.named_parameters()] == ["a", "b"]


def test_linear_shape_error_names_the_fix():
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied "
                       r"\(64x100 and 784x128\).*in_features=784.*\[64, 100\]"):
        nn.Linear(784, 128)(torch.randn(64, 100))
    with pytest.raises(RuntimeError, match="same dtype"):
        nn.Linear(2, 2)(torch.ones(1, 2, dtype=torch.float64))


def test_cross_entropy_target_errors():
    logits = torch.randn(4, 3)
    with pytest.raises(RuntimeError, match=r"expected scalar type Long but found "
                       r"torch\.float32.*target\.long\(\)"):
        nn.CrossEntropyLoss()(logits, torch.tensor([0.0, 1.0, 2.0, 1.0]))
    with pytest.raises(IndexError, match=r"Target 3 is out of bounds.*\[0, 2\].*3 classes"):
        nn.CrossEntropyLoss()(logits, torch.tensor([0, 1, 3, 1]))
    with pytest.raises(IndexError, match="Target -2 is out of bounds"):
        F.cross_entropy(logits, torch.tensor([0, 1, -2, 1]))
    with pytest.raises(ValueError, match=r"Expected input batch_size \(4\) to match target "
                       r"batch_size \(3\)"):
        F.cross_entropy(logits, torch.tensor([0, 1, 2]))
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        F.mse_loss(logits, logits, reduction="avg")


def test_module_errors_name_the_fix():
    with pytest.raises(RuntimeError, match=r"expected input\[1, 1, 8, 8\] to have 3 channels, "
                       r"but got 1 channels.*in_channels"):
        nn.Conv2d(3, 4, 3)(torch.ones(1, 1, 8, 8))
    with pytest.raises(ValueError, match=r"expected 4D input \(got 2D input\)"):
        nn.BatchNorm2d(3)(torch.ones(2, 3))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        nn.BatchNorm1d(3)(torch.ones(1, 3))
    with pytest.raises(IndexError, match="index out of range in self"):
        nn.Embedding(4, 2)(torch.tensor([4]))
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout(1.5)
    with pytest.raises(RuntimeError, match="not supported for strided"):
        F.conv2d(torch.ones(1, 1, 4, 4), torch.ones(1, 1, 3, 3), stride=2, padding="same")


# ---- nn.init -----------------------------------------------------------------------------------

def test_calculate_gain_and_fans():
    init = nn.init
    assert init.calculate_gain("relu") == math.sqrt(2)
    assert init.calculate_gain("tanh") == 5 / 3
    assert init.calculate_gain("leaky_relu", 0.2) == math.sqrt(2 / 1.04)
    assert init.calculate_gain("selu") == 0.75
    assert init.calculate_gain("conv2d") == 1
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        init.calculate_gain("swish")
    assert init._calculate_fan_in_and_fan_out(torch.empty(16, 3, 5, 5)) == (75, 400)
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init._calculate_fan_in_and_fan_out(torch.empty(3))


@pytest.mark.parametrize("fill, check", [
    (lambda t: nn.init.uniform_(t, -2, 3), lambda v: v.min() >= -2 and v.max() < 3
     and abs(v.mean() - 0.5) < 0.1),
    (lambda t: nn.init.normal_(t, 1.0, 2.0), lambda v: abs(v.mean() - 1) < 0.1
     and abs(v.std() - 2) < 0.1),
    (lambda t: nn.init.xavier_uniform_(t), lambda v: np.abs(v).max() <= math.sqrt(6 / 300)
     and abs(v.std() - math.sqrt(2 / 300)) < 0.01),
    (lambda t: nn.init.xavier_normal_(t, gain=2.0),
     lambda v: abs(v.std() - 2 * math.sqrt(2 / 300)) < 0.01),
    (lambda t: nn.init.kaiming_uniform_(t, a=math.sqrt(5)),
     lambda v: np.abs(v).max() <= 1 / math.sqrt(100)),
    (lambda t: nn.init.kaiming_normal_(t, mode="fan_out", nonlinearity="relu"),
     lambda v: abs(v.std() - math.sqrt(2 / 200)) < 0.01),
    (lambda t: nn.init.trunc_normal_(t, std=0.5, a=-0.6, b=0.6),
     lambda v: np.abs(v).max() <= 0.6 and abs(v.std() - 0.3) < 0.05),
    (lambda t: nn.init.constant_(t, 0.3), lambda v: np.all(v == np.float32(0.3))),
])
def test_init_distributions(fill, check):
    torch.manual_seed(0)
    t = torch.empty(200, 100)
    out = fill(t)
    assert out is t and t.dtype == torch.float32
    assert check(t.numpy())


def test_init_orthogonal_eye_dirac_on_parameters():
    w = nn.Parameter(torch.empty(3, 5))
    nn.init.orthogonal_(w, gain=2.0)
    np.testing.assert_allclose(w.detach().numpy() @ w.detach().numpy().T, 4 * np.eye(3),
                               atol=1e-5)
    assert w.requires_grad and w.is_leaf
    tall = nn.init.orthogonal_(torch.empty(6, 2, 2))
    flat = tall.view(6, 4).numpy()
    np.testing.assert_allclose(flat.T @ flat, np.eye(4), atol=1e-5)
    np.testing.assert_array_equal(nn.init.eye_(torch.empty(2, 3)).numpy(), np.eye(2, 3))
    d = nn.init.dirac_(torch.empty(2, 2, 3, 3)).numpy()
    x = np.random.default_rng(0).standard_normal((1, 2, 4, 4)).astype(np.float32)
    out = F.conv2d(torch.tensor(x), torch.tensor(d), padding=1)
    np.testing.assert_allclose(out.numpy(), x, atol=1e-6)


def test_linear_default_init_bounds():
    torch.manual_seed(1)
    lin = nn.Linear(400, 50)
    bound = 1 / math.sqrt(400)
    w, b = lin.weight.detach().numpy(), lin.bias.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.95 * bound
    assert np.abs(b).max() <= bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.05 * bound
    emb = nn.Embedding(50, 4, padding_idx=3)
    assert float(emb.weight[3].abs().sum()) == 0.0


# ---- utils ---------------------------------------------------------------------------------------

def test_clip_grad_norm_and_value():
    a = nn.Parameter(torch.ones(3))
    b = nn.Parameter(torch.ones(4))
    a.grad = torch.tensor([3.0, 0.0, 0.0])
    b.grad = torch.tensor([0.0, 4.0, 0.0, 0.0])
    total = nn.utils.clip_grad_norm_([a, b], max_norm=1.0)
    assert abs(float(total) - 5.0) < 1e-6
    np.testing.assert_allclose(a.grad.numpy(), [0.6, 0, 0], rtol=1e-5)
    np.testing.assert_allclose(b.grad.numpy(), [0, 0.8, 0, 0], rtol=1e-5)
    assert abs(float(nn.utils.clip_grad_norm_([a, b], 10.0, norm_type="inf")) - 0.8) < 1e-6
    np.testing.assert_allclose(a.grad.numpy(), [0.6, 0, 0], rtol=1e-5)  # below max: unchanged
    nn.utils.clip_grad_value_([a, b], 0.7)
    np.testing.assert_allclose(b.grad.numpy(), [0, 0.7, 0, 0], rtol=1e-6)
    lin = nn.Linear(2, 3)
    vec = nn.utils.parameters_to_vector(lin.parameters())
    assert vec.shape == (9,)
    nn.utils.vector_to_parameters(torch.arange(9.0), lin.parameters())
    np.testing.assert_array_equal(lin.bias.detach().numpy(), [6.0, 7.0, 8.0])


# ---- docstring examples --------------------------------------------------------------------------

def _nn_modules():
    import functorch_lite.torch.nn as pkg

    names = ["functorch_lite.torch.nn"]
    for info in pkgutil.walk_packages(pkg.__path__, "functorch_lite.torch.nn."):
        if not any(part in info.name for part in ("rnn", "attention", "transformer")):
            names.append(info.name)
    return names


@pytest.mark.parametrize("module_name", _nn_modules())
def test_docstring_examples(module_name):
    module = importlib.import_module(module_name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    globs = {"torch": torch, "F": F, "nn": nn}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for test in finder.find(module, module_name, globs=dict(globs)):
            torch.manual_seed(0)
            runner.run(test)
    assert runner.failures == 0, f"{runner.failures} failing examples in {module_name}"


def test_modules_without_a_forward_say_what_to_do():
    class NoForward(nn.Module):
        pass

    with pytest.raises(NotImplementedError, match=r'Module \[NoForward\] is missing the '
                                                  'required "forward" function'):
        NoForward()(torch.zeros(1))
    with pytest.raises(NotImplementedError, match="ModuleList has no forward\\(\\): iterate "
                                                  "over it"):
        nn.ModuleList([nn.ReLU()])(torch.zeros(1))
    with pytest.raises(NotImplementedError, match="ParameterList has no forward\\(\\): index "
                                                  "it instead"):
        nn.ParameterList([nn.Parameter(torch.zeros(1))])()
    with pytest.raises(NotImplementedError, match="ParameterDict has no forward\\(\\): index "
                                                  "it instead"):
        nn.ParameterDict({"a": nn.Parameter(torch.zeros(1))})()
    from functorch_lite.torch.nn.modules.batchnorm import _BatchNorm

    class NoDimCheck(_BatchNorm):
        pass

    with pytest.raises(NotImplementedError, match="NoDimCheck must implement "
                                                  "_check_input_dim.*subclass one of those"):
        NoDimCheck(2)(torch.zeros(3, 2))


def test_deepcopy_of_a_state_dict_is_a_snapshot():
    # torch's transfer-learning tutorial keeps its best weights with
    # copy.deepcopy(model.state_dict()): the state dict's tensors are live (detached views),
    # a deep copy must be independent plain tensors.
    import copy

    torch.manual_seed(0)
    model = nn.Linear(2, 3)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    live = model.state_dict()
    best = copy.deepcopy(live)
    before = best["weight"].numpy().copy()
    model(torch.ones(1, 2)).sum().backward()
    opt.step()
    np.testing.assert_array_equal(best["weight"].numpy(), before)
    assert not np.array_equal(live["weight"].numpy(), before)  # the live dict follows
    assert type(best["weight"]) is torch.Tensor and not best["weight"].requires_grad
    model.load_state_dict(best)
    np.testing.assert_array_equal(model.weight.detach().numpy(), before)
