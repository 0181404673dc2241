"""Recurrent and attention layers against real PyTorch with copied weights (skipped where torch
is not installed): forward values, input and parameter gradients, state_dict keys, reprs."""
import numpy as np
import pytest

real = pytest.importorskip("torch")
if not hasattr(real, "from_numpy"):  # some other module named torch, not the library
    pytest.skip("PyTorch is not installed", allow_module_level=True)

import functorch_lite.torch as fake  # noqa: E402
from functorch_lite.torch.nn.modules import rnn as R  # noqa: E402
from functorch_lite.torch.nn.modules.activation_attention import MultiheadAttention  # noqa: E402
from functorch_lite.torch.nn.modules.transformer import (  # noqa: E402
    TransformerEncoder,
    TransformerEncoderLayer,
)
from functorch_lite.torch.nn.utils import rnn as U  # noqa: E402


def _f(t):
    return fake.from_numpy(t.detach().numpy().copy())


def _copy(fm, tm):
    assert list(fm.state_dict()) == list(tm.state_dict())
    for name, p in tm.state_dict().items():
        target = fm.state_dict()[name]
        target._set_value(_f(p)._data)


def _close(a, b, tol=1e-10):
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=tol, atol=tol)


CASES = [("LSTM", {}), ("LSTM", {"proj_size": 2}), ("GRU", {}), ("RNN", {}),
         ("RNN", {"nonlinearity": "relu"}), ("LSTM", {"bias": False})]


@pytest.mark.parametrize("name,kw", CASES)
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
def test_rnn_values_and_gradients(name, kw, bidirectional, batch_first):
    real.manual_seed(0)
    tm = getattr(real.nn, name)(4, 5, num_layers=2, bidirectional=bidirectional,
                                batch_first=batch_first, **kw).double()
    fm = getattr(R, name)(4, 5, num_layers=2, bidirectional=bidirectional,
                          batch_first=batch_first, dtype=fake.float64, **kw)
    _copy(fm, tm)
    assert repr(fm) == repr(tm)
    x = real.randn(3, 6, 4, dtype=real.float64, requires_grad=True)
    fx = _f(x).requires_grad_()
    out, state = tm(x)
    f_out, f_state = fm(fx)
    h, fh = (state[0] + 2 * state[1].sum(), f_state[0] + 2 * f_state[1].sum()) \
        if name == "LSTM" else (state, f_state)
    _close(f_out, out)
    _close(fh, h)
    (out.sin().sum() + h.cos().sum()).backward()
    (f_out.sin().sum() + fh.cos().sum()).backward()
    _close(fx.grad, x.grad)
    for pname, p in tm.named_parameters():
        _close(fm.get_parameter(pname).grad, p.grad)


@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_packed_sequences(name):
    real.manual_seed(0)
    tm = getattr(real.nn, name)(3, 4, num_layers=2, bidirectional=True).double()
    fm = getattr(R, name)(3, 4, num_layers=2, bidirectional=True, dtype=fake.float64)
    _copy(fm, tm)
    x = real.randn(6, 3, 3, dtype=real.float64)
    lengths = [4, 6, 2]
    packed = real.nn.utils.rnn.pack_padded_sequence(x, lengths, enforce_sorted=False)
    f_packed = U.pack_padded_sequence(_f(x), lengths, enforce_sorted=False)
    _close(f_packed.data, packed.data)
    assert f_packed.batch_sizes.tolist() == packed.batch_sizes.tolist()
    out, state = tm(packed)
    f_out, f_state = fm(f_packed)
    _close(f_out.data, out.data)
    _close(f_state[0] if name == "LSTM" else f_state, state[0] if name == "LSTM" else state)
    pad, lens = real.nn.utils.rnn.pad_packed_sequence(out, batch_first=True)
    f_pad, f_lens = U.pad_packed_sequence(f_out, batch_first=True)
    _close(f_pad, pad)
    assert f_lens.tolist() == lens.tolist()


@pytest.mark.parametrize("cls", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cells(cls):
    real.manual_seed(0)
    tm = getattr(real.nn, cls)(4, 3).double()
    fm = getattr(R, cls)(4, 3, dtype=fake.float64)
    _copy(fm, tm)
    assert repr(fm) == repr(tm)
    x = real.randn(2, 4, dtype=real.float64)
    out, f_out = tm(x), fm(_f(x))
    if cls == "LSTMCell":
        _close(f_out[0], out[0])
        _close(f_out[1], out[1])
    else:
        _close(f_out, out)


@pytest.mark.parametrize("kw", [{}, {"kdim": 3, "vdim": 5}, {"add_bias_kv": True},
                                {"add_zero_attn": True, "bias": False}])
@pytest.mark.parametrize("batch_first", [False, True])
def test_multihead_attention(kw, batch_first):
    real.manual_seed(0)
    tm = real.nn.MultiheadAttention(8, 2, batch_first=batch_first, **kw).double()
    fm = MultiheadAttention(8, 2, batch_first=batch_first, dtype=fake.float64, **kw)
    _copy(fm, tm)
    shape = (lambda n, s, e: (n, s, e)) if batch_first else (lambda n, s, e: (s, n, e))
    q = real.randn(*shape(3, 4, 8), dtype=real.float64, requires_grad=True)
    k = real.randn(*shape(3, 5, kw.get("kdim", 8)), dtype=real.float64)
    v = real.randn(*shape(3, 5, kw.get("vdim", 8)), dtype=real.float64)
    kpm = real.zeros(3, 5, dtype=real.bool)
    kpm[1, 3:] = True
    mask = real.randn(4, 5, dtype=real.float64)
    out, w = tm(q, k, v, key_padding_mask=kpm, attn_mask=mask, average_attn_weights=False)
    fq = _f(q).requires_grad_()
    f_out, f_w = fm(fq, _f(k), _f(v), key_padding_mask=_f(kpm), attn_mask=_f(mask),
                    average_attn_weights=False)
    _close(f_out, out)
    _close(f_w, w)
    (out.sin().sum() + w.pow(2).sum()).backward()
    (f_out.sin().sum() + f_w.pow(2).sum()).backward()
    _close(fq.grad, q.grad)
    for pname, p in tm.named_parameters():
        _close(fm.get_parameter(pname).grad, p.grad)


@pytest.mark.parametrize("mask", ["none", "causal", "bool", "float"])
def test_scaled_dot_product_attention(mask):
    import functorch_lite.torch.nn._functional_attention as FA

    q = real.randn(2, 3, 4, 8, dtype=real.float64)
    k = real.randn(2, 3, 6, 8, dtype=real.float64)
    v = real.randn(2, 3, 6, 5, dtype=real.float64)
    kw, f_kw = {}, {}
    if mask == "causal":
        kw = f_kw = {"is_causal": True}
    elif mask == "bool":
        m = real.rand(4, 6) < 0.5
        m[:, 0] = True
        kw, f_kw = {"attn_mask": m}, {"attn_mask": _f(m)}
    elif mask == "float":
        m = real.randn(3, 4, 6, dtype=real.float64)
        kw, f_kw = {"attn_mask": m}, {"attn_mask": _f(m)}
    _close(FA.scaled_dot_product_attention(_f(q), _f(k), _f(v), **f_kw),
           real.nn.functional.scaled_dot_product_attention(q, k, v, **kw))


@pytest.mark.parametrize("norm_first", [False, True])
def test_transformer_encoder(norm_first):
    real.manual_seed(0)
    t_layer = real.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, norm_first=norm_first,
                                              activation="gelu", batch_first=True)
    tm = real.nn.TransformerEncoder(t_layer, 2, norm=real.nn.LayerNorm(8),
                                    enable_nested_tensor=False).double().eval()
    f_layer = TransformerEncoderLayer(8, 2, dim_feedforward=16, norm_first=norm_first,
                                      activation="gelu", batch_first=True)
    fm = TransformerEncoder(f_layer, 2, norm=fake.nn.LayerNorm(8)).double().eval()
    _copy(fm, tm)
    x = real.randn(3, 5, 8, dtype=real.float64)
    kpm = real.zeros(3, 5, dtype=real.bool)
    kpm[0, 4] = True
    _close(fm(_f(x), src_key_padding_mask=_f(kpm)), tm(x, src_key_padding_mask=kpm))
