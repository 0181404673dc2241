"""torch.nn.functional against numpy references (float32 and float64), gradients against
central finite differences (float64), dropout statistics, and the traced paths under the
core's jit."""
import math

import numpy as np
import pytest

import functorch_lite as fl
import functorch_lite.torch as torch
import functorch_lite.torch.nn.functional as F
from functorch_lite.torch import nn
from functorch_lite.torch._tensor import Tensor

RNG = np.random.default_rng(0)


def np_conv2d(x, w, b, stride, pad, dil, groups):
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    oh = (h + 2 * pad[0] - dil[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (wd + 2 * pad[1] - dil[1] * (kw - 1) - 1) // stride[1] + 1
    out = np.zeros((n, o, oh, ow))
    og = o // groups
    for oc in range(o):
        g = oc // og
        for i in range(oh):
            for j in range(ow):
                patch = xp[:, g * cg:(g + 1) * cg,
                           i * stride[0]:i * stride[0] + dil[0] * (kh - 1) + 1:dil[0],
                           j * stride[1]:j * stride[1] + dil[1] * (kw - 1) + 1:dil[1]]
                out[:, oc, i, j] = (patch * w[oc]).sum(axis=(1, 2, 3))
    return out + (0 if b is None else b[None, :, None, None])


def np_pool(x, k, s, p, op, pad_value):
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=pad_value)
    oh, ow = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
    out = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[:, :, i, j] = op(xp[:, :, i * s:i * s + k, j * s:j * s + k], axis=(2, 3))
    return out


def fd_check(f, *arrays, eps=1e-6, tol=1e-6):
    """Facade gradients of sum(f(*tensors) * cot) vs central differences, float64."""
    tensors = [torch.tensor(a, requires_grad=True) for a in arrays]
    out = f(*tensors)
    cot = np.cos(np.arange(out.numel()) * 0.7).reshape(tuple(out.shape))
    grads = torch.autograd.grad((out * torch.tensor(cot)).sum(), tensors)
    for a, g in zip(arrays, grads):
        num = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            plus, minus = [x.copy() for x in arrays], [x.copy() for x in arrays]
            k = next(i for i, x in enumerate(arrays) if x is a)
            plus[k][idx] += eps
            minus[k][idx] -= eps
            fp = (f(*[torch.tensor(x) for x in plus]).numpy() * cot).sum()
            fm = (f(*[torch.tensor(x) for x in minus]).numpy() * cot).sum()
            num[idx] = (fp - fm) / (2 * eps)
        np.testing.assert_allclose(g.numpy(), num, rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype, tol", [(np.float32, 1e-4), (np.float64, 1e-12)])
@pytest.mark.parametrize("stride, pad, dil, groups", [
    ((1, 1), (0, 0), (1, 1), 1), ((2, 1), (1, 2), (1, 1), 1), ((1, 2), (2, 1), (2, 1), 2)])
def test_conv2d_vs_numpy(dtype, tol, stride, pad, dil, groups):
    x = RNG.standard_normal((2, 4, 7, 6)).astype(dtype)
    w = RNG.standard_normal((6, 4 // groups, 3, 2)).astype(dtype)
    b = RNG.standard_normal(6).astype(dtype)
    out = F.conv2d(torch.tensor(x), torch.tensor(w), torch.tensor(b), stride, pad, dil, groups)
    assert out.dtype == torch.tensor(x).dtype
    np.testing.assert_allclose(out.numpy(), np_conv2d(x.astype(np.float64),
                                                      w.astype(np.float64), b, stride, pad,
                                                      dil, groups), rtol=tol, atol=tol)


def test_conv_same_padding_and_transpose_is_conv_gradient():
    x = RNG.standard_normal((1, 2, 5, 6))
    w = RNG.standard_normal((3, 2, 4, 3))
    same = F.conv2d(torch.tensor(x), torch.tensor(w), padding="same").numpy()
    # torch's 'same': total pad k-1, the extra one at the end
    ref = np_conv2d(np.pad(x, ((0, 0), (0, 0), (1, 2), (1, 1))), w, None, (1, 1), (0, 0),
                    (1, 1), 1)
    np.testing.assert_allclose(same, ref, rtol=1e-12)
    # conv_transpose2d(y, w) is the input-gradient of conv2d(x, w) applied to y
    xt = torch.tensor(RNG.standard_normal((1, 2, 7, 7)), requires_grad=True)
    y = RNG.standard_normal((1, 3, 4, 4))
    out = F.conv2d(xt, torch.tensor(w[:, :, :3, :3]), stride=2, padding=1)
    (gx,) = torch.autograd.grad((out * torch.tensor(y)).sum(), [xt])
    tr = F.conv_transpose2d(torch.tensor(y), torch.tensor(w[:, :, :3, :3]), stride=2,
                            padding=1)
    np.testing.assert_allclose(tr.numpy(), gx.numpy(), rtol=1e-12)


@pytest.mark.parametrize("k, s, p", [(2, 2, 0), (3, 2, 1), (3, 1, 1)])
def test_pooling_vs_numpy(k, s, p):
    x = RNG.standard_normal((2, 3, 7, 6))
    mx = F.max_pool2d(torch.tensor(x), k, s, p).numpy()
    np.testing.assert_array_equal(mx, np_pool(x, k, s, p, np.max, -np.inf))
    avg = F.avg_pool2d(torch.tensor(x), k, s, p).numpy()
    np.testing.assert_allclose(avg, np_pool(x, k, s, p, np.sum, 0.0) / (k * k), rtol=1e-12)
    counts = np_pool(np.ones_like(x), k, s, p, np.sum, 0.0)
    avg_ex = F.avg_pool2d(torch.tensor(x), k, s, p, count_include_pad=False).numpy()
    np.testing.assert_allclose(avg_ex, np_pool(x, k, s, p, np.sum, 0.0) / counts, rtol=1e-12)


def test_adaptive_avg_pool_bins_and_ceil_mode_shapes():
    x = RNG.standard_normal((1, 2, 7, 5))
    out = F.adaptive_avg_pool2d(torch.tensor(x), (3, 2)).numpy()
    for i in range(3):
        h0, h1 = (i * 7) // 3, math.ceil((i + 1) * 7 / 3)
        for j in range(2):
            w0, w1 = (j * 5) // 2, math.ceil((j + 1) * 5 / 2)
            np.testing.assert_allclose(out[:, :, i, j], x[:, :, h0:h1, w0:w1].mean((2, 3)))
    mx = F.adaptive_max_pool2d(torch.tensor(x), (3, 2)).numpy()
    np.testing.assert_array_equal(mx[:, :, 1, 1], x[:, :, 2:5, 2:5].max((2, 3)))
    assert nn.MaxPool2d(2, ceil_mode=True)(torch.ones(1, 1, 5, 5)).shape == (1, 1, 3, 3)
    assert nn.MaxPool2d(3, 2, 1, ceil_mode=True)(torch.ones(1, 1, 6, 6)).shape == (1, 1, 4, 4)
    # the last window would start in the right padding: dropped (torch)
    assert nn.MaxPool2d(2, 2, 1, ceil_mode=True)(torch.ones(1, 1, 5, 5)).shape == (1, 1, 3, 3)


def test_batch_norm_training_and_running_stats_vs_numpy():
    x = RNG.standard_normal((8, 3, 2, 2)) * 3 + 1
    bn = nn.BatchNorm2d(3, momentum=0.2).double()
    y = bn(torch.tensor(x)).detach().numpy()
    mean, var = x.mean((0, 2, 3)), x.var((0, 2, 3))
    ref = (x - mean[None, :, None, None]) / np.sqrt(var[None, :, None, None] + 1e-5)
    np.testing.assert_allclose(y, ref, rtol=1e-10, atol=1e-12)
    n = x.size // 3
    np.testing.assert_allclose(bn.running_mean.numpy(), 0.2 * mean, rtol=1e-12)
    np.testing.assert_allclose(bn.running_var.numpy(), 0.8 + 0.2 * var * n / (n - 1),
                               rtol=1e-12)
    assert int(bn.num_batches_tracked) == 1
    bn.eval()
    y_eval = bn(torch.tensor(x)).detach().numpy()
    rm, rv = bn.running_mean.numpy(), bn.running_var.numpy()
    np.testing.assert_allclose(y_eval, (x - rm[None, :, None, None]) /
                               np.sqrt(rv[None, :, None, None] + 1e-5), rtol=1e-10)
    assert int(bn.num_batches_tracked) == 1  # eval does not count


def test_layer_and_group_norm_vs_numpy():
    x = RNG.standard_normal((2, 4, 3))
    w, b = RNG.standard_normal((4, 3)), RNG.standard_normal((4, 3))
    y = F.layer_norm(torch.tensor(x), (4, 3), torch.tensor(w), torch.tensor(b)).numpy()
    mu, var = x.mean((1, 2), keepdims=True), x.var((1, 2), keepdims=True)
    np.testing.assert_allclose(y, (x - mu) / np.sqrt(var + 1e-5) * w + b, rtol=1e-10)
    g = F.group_norm(torch.tensor(x), 2).numpy()
    xg = x.reshape(2, 2, -1)
    ref = ((xg - xg.mean(2, keepdims=True)) / np.sqrt(xg.var(2, keepdims=True) + 1e-5))
    np.testing.assert_allclose(g, ref.reshape(x.shape), rtol=1e-10)


def np_cross_entropy(x, t, w=None, ignore=-100, eps=0.0):
    n, c = x.shape
    logp = x - np.log(np.exp(x - x.max(1, keepdims=True)).sum(1, keepdims=True)) - \
        x.max(1, keepdims=True)
    w = np.ones(c) if w is None else w
    valid = t != ignore
    ts = np.where(valid, t, 0)
    nll = -(w[ts] * logp[np.arange(n), ts] * valid).sum()
    smooth = -((logp * w).sum(1) * valid).sum() / c
    return ((1 - eps) * nll + eps * smooth) / (w[ts] * valid).sum()


@pytest.mark.parametrize("weighted, eps", [(False, 0.0), (True, 0.0), (True, 0.25)])
def test_cross_entropy_vs_numpy(weighted, eps):
    x = RNG.standard_normal((7, 4))
    t = RNG.integers(0, 4, 7)
    t[2] = -100
    w = RNG.random(4) + 0.5 if weighted else None
    got = F.cross_entropy(torch.tensor(x), torch.tensor(t),
                          weight=None if w is None else torch.tensor(w), label_smoothing=eps)
    np.testing.assert_allclose(got.item(), np_cross_entropy(x, t, w, eps=eps), rtol=1e-12)
    fd_check(lambda a: F.cross_entropy(a, torch.tensor(t), label_smoothing=eps,
                                       weight=None if w is None else torch.tensor(w)), x)


def test_losses_vs_numpy():
    x, y = RNG.standard_normal((3, 4)), RNG.standard_normal((3, 4))
    d = x - y
    cases = {
        "mse": (F.mse_loss, (d ** 2).mean()),
        "l1": (F.l1_loss, np.abs(d).mean()),
        "smooth_l1": (F.smooth_l1_loss, np.where(np.abs(d) < 1, 0.5 * d ** 2,
                                                 np.abs(d) - 0.5).mean()),
        "huber": (lambda a, b: F.huber_loss(a, b, delta=0.5),
                  np.where(np.abs(d) <= 0.5, 0.5 * d ** 2, 0.5 * (np.abs(d) - 0.25)).mean()),
    }
    for name, (fn, ref) in cases.items():
        np.testing.assert_allclose(fn(torch.tensor(x), torch.tensor(y)).item(), ref,
                                   rtol=1e-12, err_msg=name)
    p = 1 / (1 + np.exp(-x))
    t = RNG.random((3, 4))
    bce = -(t * np.log(p) + (1 - t) * np.log(1 - p)).mean()
    np.testing.assert_allclose(F.binary_cross_entropy(torch.tensor(p), torch.tensor(t)).item(),
                               bce, rtol=1e-10)
    np.testing.assert_allclose(
        F.binary_cross_entropy_with_logits(torch.tensor(x), torch.tensor(t)).item(), bce,
        rtol=1e-10)
    fd_check(lambda a: F.binary_cross_entropy_with_logits(a, torch.tensor(t),
                                                          pos_weight=torch.tensor([2.0])), x)


def test_activations_vs_numpy():
    x = RNG.standard_normal(50) * 3
    erf = np.vectorize(math.erf)
    refs = {
        F.relu: np.maximum(x, 0), F.relu6: np.clip(x, 0, 6),
        F.gelu: 0.5 * x * (1 + erf(x / math.sqrt(2))),
        (lambda t: F.gelu(t, approximate="tanh")):
            0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3))),
        F.silu: x / (1 + np.exp(-x)), F.elu: np.where(x > 0, x, np.expm1(x)),
        F.softplus: np.log1p(np.exp(x)), F.mish: x * np.tanh(np.log1p(np.exp(x))),
        (lambda t: F.leaky_relu(t, 0.1)): np.where(x > 0, x, 0.1 * x),
        F.hardswish: x * np.clip(x + 3, 0, 6) / 6,
        (lambda t: F.softmax(t, 0)): np.exp(x) / np.exp(x).sum(),
    }
    for fn, ref in refs.items():
        np.testing.assert_allclose(fn(torch.tensor(x)).numpy(), ref, rtol=1e-10, atol=1e-12)
    fd_check(lambda a: F.gelu(a) + F.mish(a) + F.softplus(a, beta=2.0), x[:6])


@pytest.mark.parametrize("fn", [
    lambda a: F.max_pool2d(a, 3, 2, 1, ceil_mode=True),
    lambda a: F.avg_pool2d(a, 3, 2, 1, ceil_mode=True, count_include_pad=False),
    lambda a: F.adaptive_avg_pool2d(a, (2, 3)),
    lambda a: F.interpolate(a, scale_factor=1.5, mode="bilinear"),
    lambda a: F.batch_norm(a, None, None, training=True),
    lambda a: F.group_norm(a, 1),
    lambda a: F.pad(a, (1, 2, 2, 1), mode="reflect"),
], ids=["maxpool", "avgpool", "adaptive", "bilinear", "batchnorm", "groupnorm", "reflect"])
def test_gradients_vs_finite_differences(fn):
    fd_check(fn, RNG.standard_normal((1, 2, 5, 4)))


def test_conv_and_linear_gradients_vs_finite_differences():
    fd_check(lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1, groups=2),
             RNG.standard_normal((1, 4, 4, 4)), RNG.standard_normal((2, 2, 3, 3)),
             RNG.standard_normal(2))
    fd_check(lambda x, w: F.conv_transpose2d(x, w, stride=2, output_padding=1),
             RNG.standard_normal((1, 2, 2, 2)), RNG.standard_normal((2, 1, 2, 2)))
    fd_check(F.linear, RNG.standard_normal((3, 4)), RNG.standard_normal((2, 4)),
             RNG.standard_normal(2))


def test_dropout_statistics_reproducibility_and_modes():
    x = torch.ones(200, 100)
    torch.manual_seed(3)
    a = F.dropout(x, 0.3)
    torch.manual_seed(3)
    b = F.dropout(x, 0.3)
    assert torch.equal(a, b)
    v = a.numpy()
    assert set(np.unique(v)) <= {0.0, np.float32(1 / 0.7)}
    assert abs((v == 0).mean() - 0.3) < 0.02
    layer = nn.Dropout(0.3)
    layer.eval()
    assert layer(x) is x
    c = F.dropout2d(torch.ones(50, 40, 3, 3), 0.5).numpy()
    per_channel = c.reshape(50, 40, 9)
    assert np.all(per_channel.min(2) == per_channel.max(2))  # whole channels dropped
    xt = torch.ones(4, requires_grad=True)
    y = F.dropout(xt, 0.5)
    y.sum().backward()
    np.testing.assert_array_equal(xt.grad.numpy(), y.detach().numpy())


def test_embedding_gradient_skips_padding_row():
    w = torch.tensor(RNG.standard_normal((5, 2)), requires_grad=True)
    out = F.embedding(torch.tensor([[0, 1], [1, 4]]), w, padding_idx=1)
    out.sum().backward()
    np.testing.assert_array_equal(w.grad.numpy()[:, 0], [1, 0, 0, 0, 1])


def test_traced_paths_under_core_jit():
    """The facade functions also run on core tracers (inside fl.jit/grad): the traced
    cross_entropy target path equals the eager one."""
    x = RNG.standard_normal((5, 3)).astype(np.float32)
    t = np.array([0, 2, 1, -100, 2])

    def loss(xv, tv):
        return F.cross_entropy(Tensor._from_value(xv), Tensor._from_value(tv),
                               label_smoothing=0.1)._data

    eager = loss(fl.numpy.asarray(x), fl.numpy.asarray(t))
    np.testing.assert_allclose(np.asarray(fl.jit(loss)(x, t)), np.asarray(eager), rtol=1e-6)
    g = fl.grad(loss)(fl.numpy.asarray(x), fl.numpy.asarray(t))
    xt = torch.tensor(x, requires_grad=True)
    F.cross_entropy(xt, torch.tensor(t), label_smoothing=0.1).backward()
    np.testing.assert_allclose(np.asarray(g), xt.grad.numpy(), rtol=1e-5, atol=1e-7)


def test_unsupported_modes_name_the_supported_ones():
    x = torch.zeros(1, 1, 4, 4)
    with pytest.raises(NotImplementedError, match="Unsupported padding mode: wrap; use "
                                                  "'constant', 'reflect', 'replicate' or "
                                                  "'circular'"):
        F.pad(x, (1, 1), mode="wrap")
    with pytest.raises(NotImplementedError, match="interpolate: mode 'bicubic' is not supported "
                                                  "by the facade; use nearest"):
        F.interpolate(x, scale_factor=2, mode="bicubic")
    with pytest.raises(NotImplementedError, match="Got 4D input, but linear mode needs 3D input "
                                                  "\\(batch, channels and 1 spatial dims\\)"):
        F.interpolate(x, scale_factor=2, mode="linear")
    with pytest.raises(NotImplementedError, match="adaptive_max_pool2d: return_indices=True is "
                                                  "not supported by the facade; use max_pool"):
        F.adaptive_max_pool2d(x, 2, return_indices=True)
