"""torch.nn of the facade against real PyTorch (skipped where torch is not installed): every
layer's forward, input and parameter gradients with copied weights (float64), reprs,
state_dict keys, BatchNorm buffers, losses, functional extras and default initialisation."""
import numpy as np
import pytest

real = pytest.importorskip("torch")
if not hasattr(real, "from_numpy"):  # some other module named torch, not the library
    pytest.skip("PyTorch is not installed", allow_module_level=True)

import functorch_lite.torch as fake  # noqa: E402

RNG = np.random.default_rng(0)

# name: (constructor over an `nn` namespace, input shape)
LAYERS = {
    "linear": (lambda nn: nn.Linear(5, 3), (4, 5)),
    "linear_nobias_3d": (lambda nn: nn.Linear(5, 3, bias=False), (2, 4, 5)),
    "conv1d": (lambda nn: nn.Conv1d(3, 4, 3, stride=2, padding=1), (2, 3, 9)),
    "conv2d": (lambda nn: nn.Conv2d(3, 4, 3), (2, 3, 7, 6)),
    "conv2d_general": (lambda nn: nn.Conv2d(3, 6, (3, 2), stride=(2, 1), padding=(1, 0),
                                            dilation=(1, 2), groups=3), (2, 3, 9, 8)),
    "conv2d_same_dil": (lambda nn: nn.Conv2d(2, 4, 3, padding="same", dilation=2),
                        (1, 2, 7, 7)),
    "conv2d_same_even": (lambda nn: nn.Conv2d(2, 4, 4, padding="same"), (1, 2, 6, 5)),
    "conv2d_valid": (lambda nn: nn.Conv2d(2, 4, 3, padding="valid", bias=False),
                     (1, 2, 5, 5)),
    "conv2d_reflect": (lambda nn: nn.Conv2d(2, 2, 3, padding=1, padding_mode="reflect"),
                       (1, 2, 5, 5)),
    "conv2d_replicate": (lambda nn: nn.Conv2d(2, 2, 3, padding=(2, 1),
                                              padding_mode="replicate"), (1, 2, 5, 5)),
    "conv2d_circular": (lambda nn: nn.Conv2d(2, 2, 3, padding=1, padding_mode="circular"),
                        (1, 2, 5, 5)),
    "conv2d_unbatched": (lambda nn: nn.Conv2d(2, 3, 3), (2, 5, 5)),
    "conv3d": (lambda nn: nn.Conv3d(2, 2, 2, stride=(1, 2, 1)), (1, 2, 3, 4, 3)),
    "conv_transpose2d": (lambda nn: nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1,
                                                       output_padding=1, groups=2),
                         (2, 4, 4, 3)),
    "conv_transpose1d": (lambda nn: nn.ConvTranspose1d(2, 3, 4, stride=3, dilation=2),
                         (2, 2, 5)),
    "maxpool2d": (lambda nn: nn.MaxPool2d(3, 2, 1), (2, 3, 7, 8)),
    "maxpool2d_ceil": (lambda nn: nn.MaxPool2d(2, ceil_mode=True), (1, 2, 5, 7)),
    "maxpool2d_dil": (lambda nn: nn.MaxPool2d(3, stride=2, padding=1, dilation=2),
                      (1, 2, 9, 9)),
    "maxpool2d_ceil_pad": (lambda nn: nn.MaxPool2d(3, 2, 1, ceil_mode=True), (1, 1, 6, 6)),
    "maxpool1d": (lambda nn: nn.MaxPool1d(3, 2), (2, 3, 9)),
    "avgpool2d": (lambda nn: nn.AvgPool2d(3, 2, 1), (2, 2, 7, 6)),
    "avgpool2d_nopad": (lambda nn: nn.AvgPool2d(3, 2, 1, count_include_pad=False),
                        (2, 2, 7, 6)),
    "avgpool2d_ceil": (lambda nn: nn.AvgPool2d(2, ceil_mode=True), (1, 2, 5, 7)),
    "avgpool2d_ceil_pad": (lambda nn: nn.AvgPool2d(3, 2, 1, ceil_mode=True), (1, 1, 6, 6)),
    "avgpool2d_ceil_nopad": (lambda nn: nn.AvgPool2d(3, 2, 1, ceil_mode=True,
                                                     count_include_pad=False), (1, 1, 6, 6)),
    "avgpool2d_divisor": (lambda nn: nn.AvgPool2d(2, divisor_override=3), (1, 1, 4, 4)),
    "avgpool1d": (lambda nn: nn.AvgPool1d(3, 2, 1), (2, 2, 8)),
    "adaptive_avg2d": (lambda nn: nn.AdaptiveAvgPool2d((3, 2)), (2, 2, 7, 5)),
    "adaptive_avg2d_1": (lambda nn: nn.AdaptiveAvgPool2d(1), (2, 3, 4, 4)),
    "adaptive_avg2d_none": (lambda nn: nn.AdaptiveAvgPool2d((None, 3)), (1, 2, 4, 7)),
    "adaptive_avg1d": (lambda nn: nn.AdaptiveAvgPool1d(4), (2, 2, 10)),
    "adaptive_max2d": (lambda nn: nn.AdaptiveMaxPool2d((2, 3)), (2, 2, 5, 7)),
    "adaptive_max1d": (lambda nn: nn.AdaptiveMaxPool1d(3), (1, 2, 7)),
    "layernorm": (lambda nn: nn.LayerNorm((4, 5)), (3, 4, 5)),
    "layernorm_noaffine": (lambda nn: nn.LayerNorm(5, elementwise_affine=False), (3, 5)),
    "groupnorm": (lambda nn: nn.GroupNorm(2, 4), (3, 4, 3, 2)),
    "instancenorm2d": (lambda nn: nn.InstanceNorm2d(3, affine=True), (2, 3, 4, 4)),
    "relu": (lambda nn: nn.ReLU(), (3, 4)),
    "relu6": (lambda nn: nn.ReLU6(), (3, 4)),
    "leaky_relu": (lambda nn: nn.LeakyReLU(0.2), (3, 4)),
    "elu": (lambda nn: nn.ELU(0.5), (3, 4)),
    "selu": (lambda nn: nn.SELU(), (3, 4)),
    "celu": (lambda nn: nn.CELU(0.7), (3, 4)),
    "gelu": (lambda nn: nn.GELU(), (3, 4)),
    "gelu_tanh": (lambda nn: nn.GELU("tanh"), (3, 4)),
    "silu": (lambda nn: nn.SiLU(), (3, 4)),
    "mish": (lambda nn: nn.Mish(), (3, 4)),
    "sigmoid": (lambda nn: nn.Sigmoid(), (3, 4)),
    "tanh": (lambda nn: nn.Tanh(), (3, 4)),
    "softplus": (lambda nn: nn.Softplus(2.0, 1.0), (3, 4)),
    "hardtanh": (lambda nn: nn.Hardtanh(-0.5, 0.7), (3, 4)),
    "hardsigmoid": (lambda nn: nn.Hardsigmoid(), (3, 4)),
    "hardswish": (lambda nn: nn.Hardswish(), (3, 4)),
    "logsigmoid": (lambda nn: nn.LogSigmoid(), (3, 4)),
    "softsign": (lambda nn: nn.Softsign(), (3, 4)),
    "tanhshrink": (lambda nn: nn.Tanhshrink(), (3, 4)),
    "threshold": (lambda nn: nn.Threshold(0.1, 2.0), (3, 4)),
    "glu": (lambda nn: nn.GLU(1), (3, 4)),
    "prelu": (lambda nn: nn.PReLU(3), (2, 3, 4)),
    "softmax": (lambda nn: nn.Softmax(dim=1), (3, 4)),
    "log_softmax": (lambda nn: nn.LogSoftmax(dim=-1), (3, 4)),
    "softmin": (lambda nn: nn.Softmin(dim=0), (3, 4)),
    "softmax2d": (lambda nn: nn.Softmax2d(), (2, 3, 2, 2)),
    "flatten": (lambda nn: nn.Flatten(), (2, 3, 4)),
    "unflatten": (lambda nn: nn.Unflatten(1, (2, 3)), (4, 6)),
    "identity": (lambda nn: nn.Identity(3, x=1), (2, 2)),
    "upsample_nearest": (lambda nn: nn.Upsample(scale_factor=2), (1, 2, 3, 4)),
    "upsample_nearest_frac": (lambda nn: nn.Upsample(scale_factor=1.7), (1, 2, 5, 4)),
    "upsample_nearest_size": (lambda nn: nn.Upsample(size=(7, 3)), (1, 2, 5, 4)),
    "upsample_bilinear": (lambda nn: nn.Upsample(scale_factor=2, mode="bilinear"),
                          (1, 2, 3, 4)),
    "upsample_bilinear_ac": (lambda nn: nn.Upsample(size=(5, 7), mode="bilinear",
                                                    align_corners=True), (1, 2, 3, 4)),
    "upsample_bilinear_down": (lambda nn: nn.Upsample(size=(2, 3), mode="bilinear"),
                               (1, 1, 5, 7)),
    "upsample_linear": (lambda nn: nn.Upsample(scale_factor=2.5, mode="linear"), (1, 2, 4)),
    "pixel_shuffle": (lambda nn: nn.PixelShuffle(2), (1, 8, 2, 3)),
    "zeropad": (lambda nn: nn.ZeroPad2d((1, 2, 0, 1)), (1, 2, 3, 3)),
    "reflectpad": (lambda nn: nn.ReflectionPad2d(1), (1, 2, 3, 3)),
    "replicatepad": (lambda nn: nn.ReplicationPad1d((2, 1)), (1, 2, 3)),
    "sequential": (lambda nn: nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Dropout(0.0),
                                            nn.Linear(6, 2)), (3, 4)),
    "batchnorm1d_eval": (lambda nn: nn.BatchNorm1d(4).eval(), (5, 4)),
    "batchnorm2d_eval": (lambda nn: nn.BatchNorm2d(3, affine=False).eval(), (2, 3, 2, 2)),
}


def _state(module):
    return {k: v.detach().numpy() for k, v in module.state_dict().items()}


def _run(lib, make, state, x, g, load=True):
    module = make(lib.nn).double()
    if load and state:
        module.load_state_dict({k: lib.tensor(v) for k, v in state.items()})
    xt = lib.tensor(x, requires_grad=True)
    y = module(xt)
    y.backward(lib.tensor(g))
    grads = {n: p.grad.numpy() for n, p in module.named_parameters()}
    buffers = {n: b.numpy() for n, b in module.named_buffers()}
    return module, y.detach().numpy(), xt.grad.numpy(), grads, buffers


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_forward_and_gradients(name):
    make, shape = LAYERS[name]
    real.manual_seed(0)
    x = RNG.standard_normal(shape)
    m_real = make(real.nn).double()
    # random (not default) buffers so that eval-mode BatchNorm is a real test
    for _, buf in m_real.named_buffers():
        if buf.is_floating_point():
            buf.copy_(real.rand(buf.shape, dtype=buf.dtype) + 0.5)
    state = _state(m_real)
    y_real = m_real(real.tensor(x))
    g = RNG.standard_normal(tuple(y_real.shape))
    mod_r, y_r, gx_r, gp_r, buf_r = _run(real, make, state, x, g)
    mod_f, y_f, gx_f, gp_f, buf_f = _run(fake, make, state, x, g)
    np.testing.assert_allclose(y_f, y_r, rtol=1e-10, atol=1e-12)
    # torch's CPU backward kernels of these two use float32 constants (1.0f / 6.0f, 1 / alpha
    # as float) even for float64, which moves their gradients by ~1e-8
    rtol = 1e-7 if name in ("celu", "hardsigmoid") else 1e-10
    np.testing.assert_allclose(gx_f, gx_r, rtol=rtol, atol=1e-12)
    assert list(gp_f) == list(gp_r)
    for k in gp_r:
        np.testing.assert_allclose(gp_f[k], gp_r[k], rtol=1e-10, atol=1e-12, err_msg=k)
    assert list(buf_f) == list(buf_r)
    for k in buf_r:
        np.testing.assert_allclose(buf_f[k], buf_r[k], rtol=1e-12, err_msg=k)
    assert repr(mod_f) == repr(mod_r)
    assert list(mod_f.state_dict()) == list(mod_r.state_dict())


@pytest.mark.parametrize("make", [
    lambda nn: nn.BatchNorm1d(4), lambda nn: nn.BatchNorm1d(4, momentum=None),
    lambda nn: nn.BatchNorm2d(3, affine=False, momentum=0.3),
    lambda nn: nn.BatchNorm1d(4, track_running_stats=False),
], ids=["bn1d", "bn1d_cumulative", "bn2d_noaffine", "bn1d_untracked"])
def test_batchnorm_training_steps(make):
    """Three training steps then eval: outputs, gradients and running buffers as torch."""
    real.manual_seed(0)
    mods = {lib: make(lib.nn).double() for lib in (real, fake)}
    shape = (6, 4) if "1d" in repr(mods[real]) or "BatchNorm1d" in repr(mods[real]) \
        else (2, 3, 2, 3)
    for step in range(4):
        x = RNG.standard_normal(shape) * 2 + 1
        g = RNG.standard_normal(shape)
        out = {}
        for lib, m in mods.items():
            if step == 3:
                m.eval()
            xt = lib.tensor(x, requires_grad=True)
            y = m(xt)
            y.backward(lib.tensor(g))
            out[lib] = (y.detach().numpy(), xt.grad.numpy(),
                        {n: b.numpy() for n, b in m.named_buffers()})
        np.testing.assert_allclose(out[fake][0], out[real][0], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(out[fake][1], out[real][1], rtol=1e-9, atol=1e-11)
        assert list(out[fake][2]) == list(out[real][2])
        for k, v in out[real][2].items():
            np.testing.assert_allclose(out[fake][2][k], v, rtol=1e-12, err_msg=k)


def test_embedding_forward_backward_padding_idx():
    real.manual_seed(0)
    m_real = real.nn.Embedding(10, 3, padding_idx=2).double()
    state = _state(m_real)
    idx = np.array([[1, 2, 3], [2, 9, 1]])
    g = RNG.standard_normal((2, 3, 3))
    res = {}
    for lib in (real, fake):
        m = lib.nn.Embedding(10, 3, padding_idx=2).double()
        m.load_state_dict({k: lib.tensor(v) for k, v in state.items()})
        y = m(lib.tensor(idx))
        y.backward(lib.tensor(g))
        res[lib] = (y.detach().numpy(), m.weight.grad.numpy(), repr(m))
    np.testing.assert_allclose(res[fake][0], res[real][0])
    np.testing.assert_allclose(res[fake][1], res[real][1])
    assert res[fake][2] == res[real][2]


def test_embedding_max_norm_renormalises_in_place():
    w = RNG.standard_normal((6, 3)) * 3
    idx = np.array([0, 2, 2, 5])
    res = {}
    for lib in (real, fake):
        weight = lib.tensor(w.copy())
        out = lib.nn.functional.embedding(lib.tensor(idx), weight, max_norm=1.5)
        res[lib] = (out.numpy(), weight.numpy())
    np.testing.assert_allclose(res[fake][0], res[real][0], rtol=1e-6)
    np.testing.assert_allclose(res[fake][1], res[real][1], rtol=1e-6)


def _ce_targets(n=6, c=5):
    t = RNG.integers(0, c, n)
    t_ign = t.copy()
    t_ign[[1, 4]] = -100
    probs = RNG.random((n, c))
    probs /= probs.sum(1, keepdims=True)
    return t, t_ign, probs


_T, _T_IGN, _PROBS = _ce_targets()
_W = np.array([0.5, 1.0, 2.0, 0.3, 1.5])
_W4, _PW4 = RNG.random(4), RNG.random(4) * 3
# name: (loss over `nn`, input, target, target dtype is integer)
LOSSES = {
    "ce": (lambda nn, t: nn.CrossEntropyLoss(), (6, 5), _T),
    "ce_sum": (lambda nn, t: nn.CrossEntropyLoss(reduction="sum"), (6, 5), _T),
    "ce_none": (lambda nn, t: nn.CrossEntropyLoss(reduction="none"), (6, 5), _T),
    "ce_weight": (lambda nn, t: nn.CrossEntropyLoss(weight=t.tensor(_W)), (6, 5), _T),
    "ce_ignore": (lambda nn, t: nn.CrossEntropyLoss(), (6, 5), _T_IGN),
    "ce_ignore_weight_none": (lambda nn, t: nn.CrossEntropyLoss(weight=t.tensor(_W),
                                                                reduction="none"),
                              (6, 5), _T_IGN),
    "ce_smooth": (lambda nn, t: nn.CrossEntropyLoss(label_smoothing=0.2), (6, 5), _T),
    "ce_smooth_all": (lambda nn, t: nn.CrossEntropyLoss(weight=t.tensor(_W),
                                                        label_smoothing=0.3), (6, 5), _T_IGN),
    "ce_smooth_all_sum": (lambda nn, t: nn.CrossEntropyLoss(weight=t.tensor(_W),
                                                            label_smoothing=0.3,
                                                            reduction="sum"), (6, 5), _T_IGN),
    "ce_smooth_none": (lambda nn, t: nn.CrossEntropyLoss(label_smoothing=0.1,
                                                         reduction="none"), (6, 5), _T_IGN),
    "ce_probs": (lambda nn, t: nn.CrossEntropyLoss(), (6, 5), _PROBS),
    "ce_probs_smooth_weight": (lambda nn, t: nn.CrossEntropyLoss(weight=t.tensor(_W),
                                                                 label_smoothing=0.2),
                               (6, 5), _PROBS),
    "ce_kdim": (lambda nn, t: nn.CrossEntropyLoss(ignore_index=1), (2, 5, 3, 2),
                RNG.integers(0, 5, (2, 3, 2))),
    "ce_unbatched": (lambda nn, t: nn.CrossEntropyLoss(), (5,), np.array(3)),
    "nll": (lambda nn, t: nn.NLLLoss(), (6, 5), _T),
    "nll_weight_ignore": (lambda nn, t: nn.NLLLoss(weight=t.tensor(_W), ignore_index=-100),
                          (6, 5), _T_IGN),
    "mse": (lambda nn, t: nn.MSELoss(), (3, 4), RNG.standard_normal((3, 4))),
    "mse_none": (lambda nn, t: nn.MSELoss(reduction="none"), (3, 4),
                 RNG.standard_normal((3, 4))),
    "l1_sum": (lambda nn, t: nn.L1Loss(reduction="sum"), (3, 4), RNG.standard_normal((3, 4))),
    "smooth_l1": (lambda nn, t: nn.SmoothL1Loss(beta=0.5), (3, 4),
                  RNG.standard_normal((3, 4))),
    "smooth_l1_beta0": (lambda nn, t: nn.SmoothL1Loss(beta=0.0), (3, 4),
                        RNG.standard_normal((3, 4))),
    "huber": (lambda nn, t: nn.HuberLoss(delta=0.5), (3, 4), RNG.standard_normal((3, 4))),
    "bce": (lambda nn, t: nn.BCELoss(), (3, 4), RNG.random((3, 4))),
    "bce_weight": (lambda nn, t: nn.BCELoss(weight=t.tensor(_W4)), (3, 4),
                   RNG.random((3, 4))),
    "bce_logits": (lambda nn, t: nn.BCEWithLogitsLoss(), (3, 4), RNG.random((3, 4))),
    "bce_logits_pos": (lambda nn, t: nn.BCEWithLogitsLoss(
        weight=t.tensor(_W4), pos_weight=t.tensor(_PW4)), (3, 4),
        RNG.random((3, 4))),
    "kl_batchmean": (lambda nn, t: nn.KLDivLoss(reduction="batchmean"), (3, 4),
                     np.where(RNG.random((3, 4)) > 0.3, RNG.random((3, 4)), 0.0)),
    "kl_log_target_sum": (lambda nn, t: nn.KLDivLoss(reduction="sum", log_target=True),
                          (3, 4), RNG.standard_normal((3, 4))),
    "soft_margin": (lambda nn, t: nn.SoftMarginLoss(), (3, 4),
                    np.sign(RNG.standard_normal((3, 4)))),
}


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_values_and_gradients(name):
    make, shape, target = LOSSES[name]
    x = RNG.standard_normal(shape)
    if name.startswith("bce") and "logits" not in name:
        x = 1 / (1 + np.exp(-x))
    if name.startswith("nll"):
        x = x - np.log(np.exp(x).sum(1, keepdims=True))
    res = {}
    for lib in (real, fake):
        xt = lib.tensor(x, requires_grad=True)
        loss = make(lib.nn, lib)(xt, lib.tensor(target))
        g = np.ones(tuple(loss.shape))
        loss.backward(lib.tensor(g))
        res[lib] = (loss.detach().numpy(), xt.grad.numpy(), repr(make(lib.nn, lib)))
    np.testing.assert_allclose(res[fake][0], res[real][0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(res[fake][1], res[real][1], rtol=1e-9, atol=1e-12)
    assert res[fake][2] == res[real][2]


def test_cross_entropy_float32_default_path_matches():
    x = RNG.standard_normal((64, 10)).astype(np.float32)
    t = RNG.integers(0, 10, 64)
    res = {}
    for lib in (real, fake):
        xt = lib.tensor(x, requires_grad=True)
        loss = lib.nn.functional.cross_entropy(xt, lib.tensor(t))
        loss.backward()
        res[lib] = (loss.item(), xt.grad.numpy(), str(loss.dtype))
    assert res[fake][2] == res[real][2]
    np.testing.assert_allclose(res[fake][0], res[real][0], rtol=1e-6)
    np.testing.assert_allclose(res[fake][1], res[real][1], rtol=1e-5, atol=1e-7)


FUNCTIONAL = {
    "pad_constant_neg": lambda F, t, x: F.pad(x, (1, -1, 2, 0), value=0.5),
    "pad_circular": lambda F, t, x: F.pad(x, (1, 2, 2, 1), mode="circular"),
    "interp_nearest_exact": lambda F, t, x: F.interpolate(x, scale_factor=1.6,
                                                          mode="nearest-exact"),
    "interp_bilinear_scale_recompute": lambda F, t, x: F.interpolate(
        x, scale_factor=1.3, mode="bilinear", recompute_scale_factor=True),
    "interp_bilinear_scale": lambda F, t, x: F.interpolate(x, scale_factor=1.3,
                                                           mode="bilinear"),
    "normalize": lambda F, t, x: F.normalize(x, dim=1),
    "normalize_p1": lambda F, t, x: F.normalize(x, p=1.0, dim=-1),
    "cosine_similarity": lambda F, t, x: F.cosine_similarity(x, x * 2 + 1, dim=1),
    "dropout_eval": lambda F, t, x: F.dropout(x, 0.3, training=False),
    "avg_pool_lp": lambda F, t, x: F.lp_pool2d(x.abs() + 0.1, 2, 2),
    "max_pool_values": lambda F, t, x: F.max_pool2d(x, 2, return_indices=True)[0],
    "softmax_dtype": lambda F, t, x: F.softmax(x, dim=1, dtype=t.float64),
}


@pytest.mark.parametrize("name", sorted(FUNCTIONAL))
def test_functional_extras(name):
    x = RNG.standard_normal((2, 3, 5, 4))
    res = {}
    for lib in (real, fake):
        xt = lib.tensor(x, requires_grad=True)
        y = FUNCTIONAL[name](lib.nn.functional, lib, xt)
        y.backward(lib.tensor(np.cos(np.arange(y.numel())).reshape(tuple(y.shape))))
        res[lib] = (y.detach().numpy(), xt.grad.numpy())
    np.testing.assert_allclose(res[fake][0], res[real][0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(res[fake][1], res[real][1], rtol=1e-10, atol=1e-12)


def test_max_pool_indices_and_one_hot():
    x = RNG.standard_normal((2, 3, 7, 6))
    for kwargs in ({"kernel_size": 2}, {"kernel_size": 3, "stride": 2, "padding": 1},
                   {"kernel_size": 2, "ceil_mode": True, "dilation": 2}):
        _, i_real = real.nn.functional.max_pool2d(real.tensor(x), return_indices=True, **kwargs)
        _, i_fake = fake.nn.functional.max_pool2d(fake.tensor(x), return_indices=True, **kwargs)
        np.testing.assert_array_equal(i_fake.numpy(), i_real.numpy())
        assert i_fake.dtype == fake.int64
    t = np.array([[0, 3], [2, 1]])
    np.testing.assert_array_equal(fake.nn.functional.one_hot(fake.tensor(t)).numpy(),
                                  real.nn.functional.one_hot(real.tensor(t)).numpy())


def test_module_reprs_match():
    def build(nn):
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv1 = nn.Conv2d(1, 6, 5)
                self.pool = nn.MaxPool2d(2, 2)
                self.fc1 = nn.Linear(784, 128)
                self.blocks = nn.ModuleList([nn.Linear(4, 4) for _ in range(3)] + [nn.ReLU()])
                self.heads = nn.ModuleDict({"a": nn.Sequential(nn.Dropout(0.5), nn.Tanh())})
                self.params = nn.ParameterList([nn.Parameter(nn.init.zeros_(
                    nn.Parameter(nn.Linear(2, 3).weight.detach())))])
                self.pd = nn.ParameterDict({"b": nn.Parameter(nn.Linear(2, 3).bias.detach()),
                                            "a": nn.Parameter(nn.Linear(1, 1).bias.detach())})
                self.bn = nn.BatchNorm2d(6)
                self.emb = nn.Embedding(5, 2, max_norm=1.0)
                self.up = nn.Upsample(size=(3, 4), mode="bilinear", align_corners=False)
                self.extra = nn.Sequential(nn.Conv2d(2, 4, 3, 2, 1, bias=False, dilation=2),
                                           nn.ConvTranspose2d(4, 2, 3, stride=2),
                                           nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(),
                                           nn.LeakyReLU(0.2, inplace=True), nn.ReLU(True),
                                           nn.GELU(), nn.Softmax(dim=-1), nn.GroupNorm(2, 4),
                                           nn.LayerNorm([3, 4]), nn.AvgPool2d(2),
                                           nn.ELU(), nn.Hardtanh(), nn.Softplus(),
                                           nn.Dropout2d(0.1), nn.PReLU(), nn.Identity(),
                                           nn.Embedding(3, 4, padding_idx=-1))

        return Net()

    assert repr(build(fake.nn)) == repr(build(real.nn))
    assert list(build(fake.nn).state_dict()) == list(build(real.nn).state_dict())
    assert [n for n, _ in build(fake.nn).named_modules()] == \
        [n for n, _ in build(real.nn).named_modules()]
    p_fake, p_real = fake.nn.Parameter(fake.ones(2)), real.nn.Parameter(real.ones(2))
    assert repr(p_fake) == repr(p_real)


@pytest.mark.parametrize("make", [
    lambda nn: nn.Linear(784, 128), lambda nn: nn.Conv2d(3, 16, 5),
    lambda nn: nn.Conv1d(4, 8, 3, groups=2), lambda nn: nn.ConvTranspose2d(8, 4, 3),
    lambda nn: nn.Embedding(300, 40), lambda nn: nn.BatchNorm2d(8),
    lambda nn: nn.LayerNorm(6), lambda nn: nn.PReLU(4),
], ids=["linear", "conv2d", "conv1d_groups", "convT", "embedding", "bn", "ln", "prelu"])
def test_default_initialisation_distributions(make):
    """Same parameter names, shapes, dtypes and distributions (support and spread)."""
    fake.manual_seed(0)
    real.manual_seed(0)
    m_fake, m_real = make(fake.nn), make(real.nn)
    params_real = dict(m_real.named_parameters())
    for name, p in m_fake.named_parameters():
        q = params_real[name].detach().numpy()
        v = p.detach().numpy()
        assert v.shape == q.shape and v.dtype == q.dtype, name
        assert p.requires_grad
        if np.ptp(q) == 0:
            np.testing.assert_array_equal(v, q)
            continue
        spread = np.abs(q).max()
        assert np.abs(v).max() <= spread * 1.05 + 1e-6 if name != "weight" or not isinstance(
            m_real, real.nn.Embedding) else True
        assert abs(v.std() - q.std()) < 0.2 * q.std(), name
        assert abs(v.mean()) < 0.2 * q.std() + 3 * q.std() / np.sqrt(v.size), name
