"""F.scaled_dot_product_attention, nn.MultiheadAttention and the Transformer encoder against
hand-written numpy references of torch's documented formulas (float64), plus masks, shapes,
parameters, dropout and errors."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import functorch_lite.torch as torch
from functorch_lite.test_util import check_grads
from functorch_lite.torch.nn import _functional_attention as FA
from functorch_lite.torch.nn.modules.activation_attention import MultiheadAttention
from functorch_lite.torch.nn.modules.transformer import TransformerEncoder, TransformerEncoderLayer


def _np(t):
    return t.detach().numpy()


def _softmax(s):
    s = s - s.max(axis=-1, keepdims=True)
    e = np.exp(s)
    return e / e.sum(axis=-1, keepdims=True)


def _np_sdpa(q, k, v, mask=None, is_causal=False, scale=None):
    scale = 1 / np.sqrt(q.shape[-1]) if scale is None else scale
    s = q @ np.swapaxes(k, -1, -2) * scale
    if is_causal:
        s = np.where(np.tril(np.ones(s.shape[-2:], bool)), s, -np.inf)
    if mask is not None:
        s = np.where(mask, s, -np.inf) if mask.dtype == bool else s + mask
    return _softmax(s) @ v


def _np_mha(q, k, v, w_in, b_in, w_out, b_out, heads, attn_mask=None, kpm=None):
    """torch's multi-head attention on time-major (L, N, E) inputs, in numpy."""
    L, N, E = q.shape
    S = k.shape[0]
    hd = E // heads
    wq, wk, wv = np.split(w_in, 3)
    bq, bk, bv = np.split(b_in, 3)
    Q = (q @ wq.T + bq).reshape(L, N, heads, hd).transpose(1, 2, 0, 3)
    K = (k @ wk.T + bk).reshape(S, N, heads, hd).transpose(1, 2, 0, 3)
    V = (v @ wv.T + bv).reshape(S, N, heads, hd).transpose(1, 2, 0, 3)
    s = Q @ K.transpose(0, 1, 3, 2) / np.sqrt(hd)
    if attn_mask is not None:
        s = np.where(attn_mask, -np.inf, s) if attn_mask.dtype == bool else s + attn_mask
    if kpm is not None:
        s = np.where(kpm[:, None, None, :], -np.inf, s)
    p = _softmax(s)
    out = (p @ V).transpose(2, 0, 1, 3).reshape(L, N, E) @ w_out.T + b_out
    return out, p


RNG = np.random.default_rng(0)


@pytest.mark.parametrize("kind", ["none", "causal", "bool", "float", "scale"])
def test_sdpa_matches_reference(kind):
    q, k, v = RNG.normal(size=(2, 3, 4, 8)), RNG.normal(size=(2, 3, 6, 8)), \
        RNG.normal(size=(2, 3, 6, 5))
    kwargs, ref_kwargs = {}, {}
    if kind == "causal":
        kwargs = ref_kwargs = {"is_causal": True}
    elif kind == "bool":
        m = RNG.random((4, 6)) < 0.6
        m[:, 0] = True
        kwargs, ref_kwargs = {"attn_mask": torch.from_numpy(m)}, {"mask": m}
    elif kind == "float":
        m = RNG.normal(size=(3, 4, 6))
        kwargs, ref_kwargs = {"attn_mask": torch.from_numpy(m)}, {"mask": m}
    elif kind == "scale":
        kwargs = ref_kwargs = {"scale": 0.3}
    got = FA.scaled_dot_product_attention(torch.from_numpy(q), torch.from_numpy(k),
                                          torch.from_numpy(v), **kwargs)
    np.testing.assert_allclose(_np(got), _np_sdpa(q, k, v, **ref_kwargs), rtol=1e-12,
                               atol=1e-12)


def test_sdpa_gradients_and_gqa():
    q, k, v = RNG.normal(size=(2, 4, 3)), RNG.normal(size=(2, 5, 3)), RNG.normal(size=(2, 5, 2))
    mask = RNG.normal(size=(4, 5))

    def f(q, k, v):
        qt, kt, vt = (torch.Tensor._from_value(a) for a in (q, k, v))
        return FA.scaled_dot_product_attention(qt, kt, vt, torch.from_numpy(mask))._data

    import functorch_lite.numpy as jnp
    check_grads(f, tuple(jnp.asarray(a) for a in (q, k, v)), order=1, modes=("fwd", "rev"))
    # grouped-query attention: 4 query heads share 2 key/value heads
    q4, k2, v2 = RNG.normal(size=(1, 4, 3, 6)), RNG.normal(size=(1, 2, 5, 6)), \
        RNG.normal(size=(1, 2, 5, 6))
    got = FA.scaled_dot_product_attention(torch.from_numpy(q4), torch.from_numpy(k2),
                                          torch.from_numpy(v2), enable_gqa=True)
    ref = _np_sdpa(q4, np.repeat(k2, 2, axis=1), np.repeat(v2, 2, axis=1))
    np.testing.assert_allclose(_np(got), ref, rtol=1e-12)


def test_sdpa_errors_and_dropout():
    q = torch.randn(2, 4, 8)
    with pytest.raises(RuntimeError, match="attn_mask should not be set when is_causal"):
        FA.scaled_dot_product_attention(q, q, q, attn_mask=torch.ones(4, 4, dtype=torch.bool),
                                        is_causal=True)
    with pytest.raises(RuntimeError, match="same dtype"):
        FA.scaled_dot_product_attention(q, q.double(), q)
    with pytest.raises(RuntimeError, match="same length"):
        FA.scaled_dot_product_attention(q, q, q[:, :3])
    torch.manual_seed(0)
    a = FA.scaled_dot_product_attention(q, q, q, dropout_p=0.5)
    b = FA.scaled_dot_product_attention(q, q, q, dropout_p=0.5)
    assert not np.allclose(_np(a), _np(b))
    # dropout_p=1 drops every weight
    assert not _np(FA.scaled_dot_product_attention(q, q, q, dropout_p=1.0)).any()


def _mha(batch_first=False, **kw):
    torch.manual_seed(0)
    return MultiheadAttention(8, 2, batch_first=batch_first, dtype=torch.float64, **kw)


@pytest.mark.parametrize("masks", ["none", "bool", "float", "padding", "both"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_mha_matches_reference(masks, batch_first):
    m = _mha(batch_first)
    L, S, N = 4, 5, 3
    q, k, v = RNG.normal(size=(L, N, 8)), RNG.normal(size=(S, N, 8)), RNG.normal(size=(S, N, 8))
    am = kpm = None
    if masks in ("bool", "both"):
        am = RNG.random((L, S)) < 0.3
        am[:, 0] = False
    if masks == "float":
        am = RNG.normal(size=(N * 2, L, S))
    if masks in ("padding", "both"):
        kpm = np.zeros((N, S), bool)
        kpm[0, 3:] = True
    ins = [q, k, v] if not batch_first else [np.swapaxes(a, 0, 1).copy() for a in (q, k, v)]
    kwargs = {}
    if am is not None:
        kwargs["attn_mask"] = torch.from_numpy(am)
    if kpm is not None:
        kwargs["key_padding_mask"] = torch.from_numpy(kpm)
    out, w = m(*(torch.from_numpy(a) for a in ins), average_attn_weights=False, **kwargs)
    am_ref = am.reshape(N, 2, L, S) if am is not None and am.ndim == 3 else am
    ref_out, ref_p = _np_mha(q, k, v, _np(m.in_proj_weight), _np(m.in_proj_bias),
                             _np(m.out_proj.weight), _np(m.out_proj.bias), 2, am_ref, kpm)
    if batch_first:
        ref_out = np.swapaxes(ref_out, 0, 1)
    np.testing.assert_allclose(_np(out), ref_out, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(_np(w), ref_p, rtol=1e-12, atol=1e-12)
    _, w_avg = m(*(torch.from_numpy(a) for a in ins), **kwargs)
    np.testing.assert_allclose(_np(w_avg), ref_p.mean(axis=1), rtol=1e-12, atol=1e-12)


def test_mha_parameters_init_and_state_dict():
    m = MultiheadAttention(8, 2)
    assert list(m.state_dict()) == ["in_proj_weight", "in_proj_bias", "out_proj.weight",
                                    "out_proj.bias"]
    assert tuple(m.in_proj_weight.shape) == (24, 8) and tuple(m.in_proj_bias.shape) == (24,)
    assert not _np(m.in_proj_bias).any() and not _np(m.out_proj.bias).any()
    assert np.abs(_np(m.in_proj_weight)).max() <= np.sqrt(6 / (8 + 24))  # xavier_uniform
    assert type(m.out_proj).__name__ == "NonDynamicallyQuantizableLinear"
    sep = MultiheadAttention(8, 2, kdim=3, vdim=5, bias=False, add_bias_kv=True)
    assert list(sep.state_dict()) == ["q_proj_weight", "k_proj_weight", "v_proj_weight",
                                      "bias_k", "bias_v", "out_proj.weight"]
    assert sep.in_proj_weight is None and sep.in_proj_bias is None
    assert tuple(sep.k_proj_weight.shape) == (8, 3) and tuple(sep.bias_k.shape) == (1, 1, 8)


def test_mha_separate_dims_bias_kv_and_zero_attn_run_and_backprop():
    m = MultiheadAttention(8, 2, kdim=3, vdim=5, add_bias_kv=True, add_zero_attn=True)
    q = torch.randn(4, 2, 8, requires_grad=True)
    out, w = m(q, torch.randn(6, 2, 3), torch.randn(6, 2, 5))
    assert tuple(out.shape) == (4, 2, 8) and tuple(w.shape) == (2, 4, 8)  # S + bias + zero
    np.testing.assert_allclose(_np(w).sum(-1), 1.0, rtol=1e-5)
    out.sum().backward()
    assert q.grad is not None and m.bias_k.grad is not None and m.k_proj_weight.grad is not None


@settings(max_examples=15, deadline=None)
@given(batch_first=st.booleans(), unbatched=st.booleans(), need=st.booleans(),
       avg=st.booleans(), L=st.integers(1, 4), S=st.integers(1, 4), N=st.integers(1, 3))
def test_mha_shapes(batch_first, unbatched, need, avg, L, S, N):
    m = MultiheadAttention(6, 3, batch_first=batch_first)
    if unbatched:
        q, kv = torch.randn(L, 6), torch.randn(S, 6)
    else:
        q = torch.randn(*((N, L) if batch_first else (L, N)), 6)
        kv = torch.randn(*((N, S) if batch_first else (S, N)), 6)
    out, w = m(q, kv, kv, need_weights=need, average_attn_weights=avg)
    assert tuple(out.shape) == tuple(q.shape)
    if not need:
        assert w is None
        return
    lead = () if unbatched else (N,)
    heads = () if avg else (3,)
    assert tuple(w.shape) == lead + heads + (L, S)


def test_mha_dropout_train_only():
    m = MultiheadAttention(8, 2, dropout=0.5)
    x = torch.randn(4, 2, 8)
    m.eval()
    a, wa = m(x, x, x, average_attn_weights=False)
    b, _ = m(x, x, x)
    np.testing.assert_array_equal(_np(a), _np(b))
    m.train()
    c, wc = m(x, x, x, average_attn_weights=False)
    assert not np.allclose(_np(c), _np(a))
    # the returned weights are the dropped-out ones (as torch's): 0 or 2x the eval weights
    ratio = set(np.unique(np.round(_np(wc) / _np(wa), 4)).tolist())
    assert ratio == {0.0, 2.0}


def test_mha_errors():
    m = MultiheadAttention(8, 2)
    q = torch.randn(4, 3, 8)
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        MultiheadAttention(8, 3)
    with pytest.raises(RuntimeError, match=r"The shape of the 2D attn_mask is .*\(4, 4\)"):
        m(q, q, q, attn_mask=torch.zeros(3, 3))
    with pytest.raises(AssertionError, match="expecting key_padding_mask shape of"):
        m(q, q, q, key_padding_mask=torch.zeros(3, 5, dtype=torch.bool))
    with pytest.raises(AssertionError, match="expecting embedding dimension of 8, but got 7"):
        x = torch.randn(4, 3, 7)
        m(x, x, x)
    with pytest.raises(RuntimeError, match="Need attn_mask if specifying the is_causal hint"):
        m(q, q, q, is_causal=True)
    with pytest.raises(AssertionError, match="only bool and floating types of attn_mask"):
        m(q, q, q, attn_mask=torch.zeros(4, 4, dtype=torch.int64))
    with pytest.raises(RuntimeError, match="query has batch size 3 but key has batch size 2"):
        m(q, q[:, :2], q[:, :2])
    with pytest.raises(AssertionError, match="`key` and `value` to be 3-D"):
        m(q, q[0], q[0])


def _layernorm(x, w, b, eps=1e-5):
    mu = x.mean(-1, keepdims=True)
    var = x.var(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
def test_encoder_layer_matches_reference(norm_first, activation):
    from math import erf

    torch.manual_seed(0)
    layer = TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.1, norm_first=norm_first,
                                    activation=activation, dtype=torch.float64).eval()
    assert list(layer.state_dict()) == [
        "self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight",
        "self_attn.out_proj.bias", "linear1.weight", "linear1.bias", "linear2.weight",
        "linear2.bias", "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"]
    x = RNG.normal(size=(5, 2, 8))
    kpm = np.zeros((2, 5), bool)
    kpm[1, 4] = True
    P = {k: _np(v) for k, v in layer.state_dict().items()}
    act = (lambda h: np.maximum(h, 0)) if activation == "relu" else \
        np.vectorize(lambda h: 0.5 * h * (1 + erf(h / np.sqrt(2))))

    def sa(h):
        return _np_mha(h, h, h, P["self_attn.in_proj_weight"], P["self_attn.in_proj_bias"],
                       P["self_attn.out_proj.weight"], P["self_attn.out_proj.bias"], 2,
                       kpm=kpm)[0]

    def ff(h):
        return act(h @ P["linear1.weight"].T + P["linear1.bias"]) @ P["linear2.weight"].T + \
            P["linear2.bias"]

    def n1(h):
        return _layernorm(h, P["norm1.weight"], P["norm1.bias"])

    def n2(h):
        return _layernorm(h, P["norm2.weight"], P["norm2.bias"])

    if norm_first:
        h = x + sa(n1(x))
        ref = h + ff(n2(h))
    else:
        h = n1(x + sa(x))
        ref = n2(h + ff(h))
    got = layer(torch.from_numpy(x), src_key_padding_mask=torch.from_numpy(kpm))
    np.testing.assert_allclose(_np(got), ref, rtol=1e-10, atol=1e-10)


def test_encoder_stacks_copies_and_trains():
    torch.manual_seed(0)
    layer = TransformerEncoderLayer(8, 2, dim_feedforward=16, batch_first=True)
    enc = TransformerEncoder(layer, num_layers=2, norm=torch.nn.LayerNorm(8))
    keys = list(enc.state_dict())
    assert keys[0] == "layers.0.self_attn.in_proj_weight" and keys[-1] == "norm.bias"
    assert len(keys) == 2 * 12 + 2
    assert enc.layers[0].self_attn.in_proj_weight is not enc.layers[1].self_attn.in_proj_weight
    x = torch.randn(3, 5, 8)
    causal = torch.full((5, 5), float("-inf")).triu(diagonal=1)
    out = enc(x, mask=causal, is_causal=True)
    assert tuple(out.shape) == (3, 5, 8)
    out.pow(2).sum().backward()
    assert all(p.grad is not None for p in enc.parameters())
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        TransformerEncoderLayer(8, 2, activation="tanh")


def test_static_keys_are_unsupported_with_a_fix():
    m = MultiheadAttention(8, 2)
    q = torch.zeros(3, 1, 8)
    with pytest.raises(NotImplementedError, match="static_k/static_v are not supported; project "
                                                  "the keys/values yourself"):
        FA.multi_head_attention_forward(q, q, q, 8, 2, m.in_proj_weight, m.in_proj_bias, None,
                                        None, False, 0.0, m.out_proj.weight, m.out_proj.bias,
                                        static_k=torch.zeros(2, 3, 4))
