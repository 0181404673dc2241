"""nn.RNN/LSTM/GRU, their cells and nn.utils.rnn against hand-written numpy references
(torch's documented gate equations), plus names, shapes, dropout, errors and transformations."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import functorch_lite as fl
import functorch_lite.numpy as jnp
import functorch_lite.torch as torch
from functorch_lite.test_util import check_grads
from functorch_lite.torch.nn._functional_rnn import rnn_values
from functorch_lite.torch.nn.modules.rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell
from functorch_lite.torch.nn.utils import rnn as rnn_utils

CLASSES = {"LSTM": LSTM, "GRU": GRU, "RNN_TANH": RNN, "RNN_RELU": RNN}


def _sig(v):
    return 1.0 / (1.0 + np.exp(-v))


def _np_cell(mode, x, h, c, w_ih, w_hh, b_ih, b_hh, w_hr=None):
    """torch's documented cell equations, in numpy."""
    gi = x @ w_ih.T + (0 if b_ih is None else b_ih)
    gh = h @ w_hh.T + (0 if b_hh is None else b_hh)
    if mode == "LSTM":
        i, f, g, o = np.split(gi + gh, 4, axis=-1)
        c = _sig(f) * c + _sig(i) * np.tanh(g)
        h = _sig(o) * np.tanh(c)
        return (h if w_hr is None else h @ w_hr.T), c
    if mode == "GRU":
        ir, iz, i_n = np.split(gi, 3, axis=-1)
        hr, hz, h_n = np.split(gh, 3, axis=-1)
        r, z = _sig(ir + hr), _sig(iz + hz)
        n = np.tanh(i_n + r * h_n)
        return (1 - z) * n + z * h, None
    pre = gi + gh
    return (np.tanh(pre) if mode == "RNN_TANH" else np.maximum(pre, 0)), None


def _np_rnn(mode, x, h0, c0, params, num_layers, bidirectional, bias, proj):
    """A multi-layer (bi)directional RNN over time-major x (L, N, I), in numpy."""
    dirs = 2 if bidirectional else 1
    per = 2 + 2 * bias + proj
    inp, hs, cs = x, [], []
    for layer in range(num_layers):
        outs = []
        for d in range(dirs):
            k = layer * dirs + d
            w = params[k * per:(k + 1) * per]
            w_ih, w_hh = w[0], w[1]
            b_ih, b_hh = (w[2], w[3]) if bias else (None, None)
            w_hr = w[-1] if proj else None
            h, c = h0[k], (None if c0 is None else c0[k])
            ys = [None] * len(inp)
            for t in (range(len(inp) - 1, -1, -1) if d else range(len(inp))):
                h, c = _np_cell(mode, inp[t], h, c, w_ih, w_hh, b_ih, b_hh, w_hr)
                ys[t] = h
            outs.append(np.stack(ys))
            hs.append(h)
            cs.append(c)
        inp = np.concatenate(outs, axis=-1)
    return inp, np.stack(hs), (np.stack(cs) if mode == "LSTM" else None)


def _make(mode, *args, **kwargs):
    if mode.startswith("RNN"):
        kwargs["nonlinearity"] = "tanh" if mode == "RNN_TANH" else "relu"
    return CLASSES[mode](*args, **kwargs)


def _params(m):
    return [p.detach().numpy() for p in m._flat_weights]


@pytest.mark.parametrize("mode", sorted(CLASSES))
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
def test_forward_matches_numpy_reference(mode, bidirectional, batch_first):
    torch.manual_seed(0)
    m = _make(mode, 3, 4, num_layers=2, bidirectional=bidirectional, batch_first=batch_first,
              dtype=torch.float64)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(5, 2, 3))
    dirs = 2 if bidirectional else 1
    h0 = rng.normal(size=(2 * dirs, 2, 4))
    c0 = rng.normal(size=(2 * dirs, 2, 4))
    xt = torch.from_numpy(np.swapaxes(x, 0, 1).copy() if batch_first else x)
    hx = (torch.from_numpy(h0), torch.from_numpy(c0)) if mode == "LSTM" else torch.from_numpy(h0)
    out, state = m(xt, hx)
    ref_out, ref_h, ref_c = _np_rnn(mode, x, h0, c0 if mode == "LSTM" else None, _params(m), 2,
                                    bidirectional, True, 0)
    if batch_first:
        ref_out = np.swapaxes(ref_out, 0, 1)
    np.testing.assert_allclose(out.detach().numpy(), ref_out, rtol=1e-12, atol=1e-12)
    h_n = state[0] if mode == "LSTM" else state
    np.testing.assert_allclose(h_n.detach().numpy(), ref_h, rtol=1e-12, atol=1e-12)
    if mode == "LSTM":
        np.testing.assert_allclose(state[1].detach().numpy(), ref_c, rtol=1e-12, atol=1e-12)


def test_lstm_proj_size_and_no_bias_match_reference():
    torch.manual_seed(0)
    m = LSTM(3, 5, num_layers=2, bidirectional=True, proj_size=2, bias=False,
             dtype=torch.float64)
    assert [tuple(p.shape) for p in m._flat_weights[:3]] == [(20, 3), (20, 2), (2, 5)]
    assert tuple(m.weight_ih_l1.shape) == (20, 4)
    x = np.random.default_rng(0).normal(size=(4, 2, 3))
    out, (h, c) = m(torch.from_numpy(x))
    ref_out, ref_h, ref_c = _np_rnn("LSTM", x, np.zeros((4, 2, 2)), np.zeros((4, 2, 5)),
                                    _params(m), 2, True, False, 1)
    assert tuple(out.shape) == (4, 2, 4) and tuple(h.shape) == (4, 2, 2)
    assert tuple(c.shape) == (4, 2, 5)
    np.testing.assert_allclose(out.detach().numpy(), ref_out, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(h.detach().numpy(), ref_h, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(c.detach().numpy(), ref_c, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("mode", ["LSTM", "GRU", "RNN_TANH"])
def test_rnn_values_gradients_match_finite_differences(mode):
    rng = np.random.default_rng(2)
    gates = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1}[mode]
    x = jnp.asarray(rng.normal(size=(3, 2, 2)))
    h0 = jnp.asarray(rng.normal(size=(2, 2, 3)))
    c0 = jnp.asarray(rng.normal(size=(2, 2, 3))) if mode == "LSTM" else None
    ws = [jnp.asarray(rng.normal(size=s) * 0.5) for s in
          [(gates * 3, 2), (gates * 3, 3), (gates * 3,), (gates * 3,)] * 2]

    def f(x, h0, ws):
        res = rnn_values(mode, x, h0, c0, ws, num_layers=1, bidirectional=True, has_bias=True,
                         has_proj=False, batch_first=False, unbatched=False)
        return jnp.sum(jnp.sin(res[0])) + jnp.sum(res[1] ** 2)

    check_grads(f, (x, h0, ws), order=1, modes=("fwd", "rev"))


@pytest.mark.parametrize("mode", ["LSTM", "GRU"])
def test_backward_matches_core_grad_and_jit(mode):
    torch.manual_seed(0)
    m = _make(mode, 3, 4, num_layers=2, batch_first=True, dtype=torch.float64)
    x = torch.randn(2, 5, 3, dtype=torch.float64)
    out, _ = m(x)
    (out ** 2).sum().backward()
    grads = [p.grad.detach().numpy() for p in m._flat_weights]
    config = dict(num_layers=2, bidirectional=False, has_bias=True, has_proj=False,
                  batch_first=True, unbatched=False)
    h0 = jnp.zeros((2, 2, 4), dtype=np.float64)
    c0 = h0 if mode == "LSTM" else None

    def loss(ws):
        return jnp.sum(rnn_values(mode, x._data, h0, c0, ws, **config)[0] ** 2)

    ws = [p._data for p in m._flat_weights]
    for got, want in zip(grads, fl.grad(loss)(ws)):
        np.testing.assert_allclose(got, np.asarray(want), rtol=1e-10, atol=1e-12)
    # under jit the time loop is one scan primitive, and the values agree with eager
    jaxpr = str(fl.make_jaxpr(loss)(ws))
    assert "scan" in jaxpr
    np.testing.assert_allclose(np.asarray(fl.jit(loss)(ws)), np.asarray(loss(ws)), rtol=1e-12)
    for got, want in zip(fl.jit(fl.grad(loss))(ws), grads):
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-10, atol=1e-12)


def test_state_dict_names_and_shapes_follow_torch():
    m = GRU(4, 3, num_layers=2, bidirectional=True)
    names = []
    for layer in range(2):
        for sfx in ("", "_reverse"):
            names += [f"{k}_l{layer}{sfx}" for k in ("weight_ih", "weight_hh", "bias_ih",
                                                     "bias_hh")]
    assert list(m.state_dict()) == names
    assert tuple(m.weight_ih_l0.shape) == (9, 4) and tuple(m.weight_ih_l1.shape) == (9, 6)
    assert tuple(m.weight_hh_l1_reverse.shape) == (9, 3)
    assert m._flat_weights_names == names
    assert [len(ws) for ws in m.all_weights] == [4, 4, 4, 4]
    assert list(LSTMCell(4, 3).state_dict()) == ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]
    assert list(RNNCell(4, 3, bias=False).state_dict()) == ["weight_ih", "weight_hh"]
    assert repr(LSTM(10, 20, num_layers=2, batch_first=True)) == \
        "LSTM(10, 20, num_layers=2, batch_first=True)"
    assert repr(LSTM(4, 6, proj_size=2, bidirectional=True)) == \
        "LSTM(4, 6, proj_size=2, bidirectional=True)"
    assert repr(RNNCell(4, 3, bias=False, nonlinearity="relu")) == \
        "RNNCell(4, 3, bias=False, nonlinearity=relu)"


def test_default_init_is_uniform_in_one_over_sqrt_hidden():
    torch.manual_seed(0)
    m = LSTM(30, 25, num_layers=2)
    bound = 1 / np.sqrt(25)
    values = np.concatenate([p.detach().numpy().ravel() for p in m.parameters()])
    assert values.min() >= -bound and values.max() <= bound
    assert values.min() < -0.9 * bound and values.max() > 0.9 * bound
    assert abs(values.mean()) < 0.01


@settings(max_examples=15, deadline=None)
@given(mode=st.sampled_from(sorted(CLASSES)), layers=st.integers(1, 2), bi=st.booleans(),
       batch_first=st.booleans(), seq=st.integers(1, 4), batch=st.integers(1, 3))
def test_output_shapes(mode, layers, bi, batch_first, seq, batch):
    m = _make(mode, 3, 4, num_layers=layers, bidirectional=bi, batch_first=batch_first)
    dirs = 2 if bi else 1
    x = torch.randn(*((batch, seq) if batch_first else (seq, batch)), 3)
    out, state = m(x)
    h = state[0] if mode == "LSTM" else state
    assert tuple(out.shape) == tuple(x.shape[:2]) + (dirs * 4,)
    assert tuple(h.shape) == (layers * dirs, batch, 4)
    # unbatched input (L, H_in): the batch dimension is absent everywhere
    # (also with batch_first: an unbatched sequence is always (L, H_in))
    out_u, state_u = m(x[0] if batch_first else x[:, 0])
    h_u = state_u[0] if mode == "LSTM" else state_u
    assert tuple(out_u.shape) == (seq, dirs * 4)
    assert tuple(h_u.shape) == (layers * dirs, 4)


def test_unbatched_equals_batch_of_one():
    torch.manual_seed(0)
    m = LSTM(3, 4, bidirectional=True, dtype=torch.float64)
    x = torch.randn(5, 3, dtype=torch.float64)
    out, (h, c) = m(x)
    out1, (h1, c1) = m(x.unsqueeze(1))
    np.testing.assert_array_equal(out.detach().numpy(), out1[:, 0].detach().numpy())
    np.testing.assert_array_equal(h.detach().numpy(), h1[:, 0].detach().numpy())


def test_dropout_between_layers_only_in_training():
    torch.manual_seed(0)
    m = GRU(3, 4, num_layers=2, dropout=0.5)
    x = torch.randn(6, 2, 3)
    m.eval()
    a, _ = m(x)
    b, _ = m(x)
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    m.train()
    c, _ = m(x)
    assert not np.allclose(c.detach().numpy(), a.detach().numpy())
    # dropout=1 zeroes the second layer's input: its output is the layer run on zeros
    m.dropout = 1.0
    out, h = m(x)
    second = GRU(4, 4)
    second.load_state_dict({k[:-1] + "0": v for k, v in m.state_dict().items() if "l1" in k})
    ref, _ = second(torch.zeros(6, 2, 4))
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-6)
    # a single layer has no layer to drop between (torch warns, and nothing is dropped)
    with pytest.warns(UserWarning, match="num_layers greater than 1"):
        one = GRU(3, 4, num_layers=1, dropout=0.5)
    np.testing.assert_array_equal(one(x)[0].detach().numpy(), one.eval()(x)[0].detach().numpy())


@pytest.mark.parametrize("cls,mode", [(RNNCell, "RNN_TANH"), (LSTMCell, "LSTM"),
                                      (GRUCell, "GRU")])
def test_cells_match_reference_and_accept_unbatched(cls, mode):
    torch.manual_seed(0)
    cell = cls(3, 4, dtype=torch.float64)
    rng = np.random.default_rng(0)
    x, h, c = rng.normal(size=(2, 3)), rng.normal(size=(2, 4)), rng.normal(size=(2, 4))
    hx = (torch.from_numpy(h), torch.from_numpy(c)) if mode == "LSTM" else torch.from_numpy(h)
    got = cell(torch.from_numpy(x), hx)
    w = [p.detach().numpy() for p in (cell.weight_ih, cell.weight_hh, cell.bias_ih,
                                      cell.bias_hh)]
    ref_h, ref_c = _np_cell(mode, x, h, c if mode == "LSTM" else None, *w)
    got_h = got[0] if mode == "LSTM" else got
    np.testing.assert_allclose(got_h.detach().numpy(), ref_h, rtol=1e-12)
    if mode == "LSTM":
        np.testing.assert_allclose(got[1].detach().numpy(), ref_c, rtol=1e-12)
    single = cell(torch.from_numpy(x[0]))
    single_h = single[0] if mode == "LSTM" else single
    assert tuple(single_h.shape) == (4,)
    loss = (got_h ** 2).sum()
    loss.backward()
    assert cell.weight_hh.grad is not None and tuple(cell.weight_hh.grad.shape) == (
        cell.weight_hh.shape[0], 4)


def test_errors_name_the_sizes():
    m = LSTM(10, 20, num_layers=2)
    with pytest.raises(RuntimeError, match="Expected 10, got 7"):
        m(torch.randn(3, 5, 7))
    with pytest.raises(ValueError, match="Expected input to be 2D or 3D, got 4D"):
        m(torch.randn(3, 5, 6, 10))
    with pytest.raises(RuntimeError, match=r"Expected hidden\[0\] size \(2, 5, 20\), got "
                                           r"\[1, 5, 20\]"):
        m(torch.randn(3, 5, 10), (torch.zeros(1, 5, 20), torch.zeros(2, 5, 20)))
    with pytest.raises(RuntimeError, match="hx and cx should also be 3-D"):
        m(torch.randn(3, 5, 10), (torch.zeros(2, 20), torch.zeros(2, 20)))
    with pytest.raises(RuntimeError, match=r"Expected hidden size \(1, 3, 3\), got \[2, 3, 3\]"):
        GRU(4, 3)(torch.randn(2, 3, 4), torch.zeros(2, 3, 3))
    with pytest.raises(ValueError, match="does not match weight dtype"):
        m(torch.randn(3, 5, 10, dtype=torch.float64))
    with pytest.raises(ValueError, match="only supported for LSTM"):
        GRU(4, 3, proj_size=1)
    with pytest.raises(ValueError, match="smaller than hidden_size"):
        LSTM(4, 3, proj_size=3)
    with pytest.raises(ValueError, match="hidden_size must be greater than zero"):
        LSTM(4, 0)
    with pytest.raises(ValueError, match="dropout should be a number in range"):
        LSTM(4, 3, dropout=2)
    with pytest.raises(ValueError, match="Unknown nonlinearity 'gelu'"):
        RNN(4, 3, nonlinearity="gelu")
    with pytest.raises(RuntimeError, match="inconsistent input_size: got 5 expected 4"):
        LSTMCell(4, 3)(torch.randn(2, 5))
    with pytest.raises(RuntimeError, match="hidden1 has inconsistent hidden_size: got 4"):
        LSTMCell(4, 3)(torch.randn(2, 4), (torch.zeros(2, 3), torch.zeros(2, 4)))
    with pytest.raises(RuntimeError, match="Input batch size 2 doesn't match hidden0 batch "
                                           "size 3"):
        GRUCell(4, 3)(torch.randn(2, 4), torch.zeros(3, 3))
    with pytest.raises(RuntimeError, match="hidden0 should also be 1-D"):
        GRUCell(4, 3)(torch.randn(4), torch.zeros(2, 3))


def test_seed_lstm_trains():
    """The seed tutorial's Net: LSTM(10, 20, num_layers=2, batch_first=True) + Linear."""
    from functorch_lite.torch.nn.modules.linear import Linear

    torch.manual_seed(0)
    lstm, fc = LSTM(input_size=10, hidden_size=20, num_layers=2, batch_first=True), \
        Linear(20, 5)
    x = torch.randn(8, 6, 10)
    target = torch.randn(8, 5)
    params = list(lstm.parameters()) + list(fc.parameters())
    losses = []
    for _ in range(100):
        out, _ = lstm(x)
        loss = ((fc(out[:, -1, :]) - target) ** 2).mean()
        for p in params:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in params:
                p.sub_(0.5 * p.grad)
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]


# ---- packed sequences ----------------------------------------------------------------------------

def test_pack_pad_roundtrip_and_layout():
    x = torch.arange(24.0).view(4, 3, 2)
    packed = rnn_utils.pack_padded_sequence(x, [2, 4, 1], enforce_sorted=False)
    assert packed.batch_sizes.tolist() == [3, 2, 1, 1]
    assert packed.sorted_indices.tolist() == [1, 0, 2]
    xn = x.detach().numpy()
    order = [(0, 1), (0, 0), (0, 2), (1, 1), (1, 0), (2, 1), (3, 1)]
    np.testing.assert_array_equal(packed.data.detach().numpy(),
                                  np.stack([xn[t, b] for t, b in order]))
    padded, lengths = rnn_utils.pad_packed_sequence(packed, batch_first=True)
    assert lengths.tolist() == [2, 4, 1]
    want = np.swapaxes(xn, 0, 1).copy()
    want[0, 2:] = 0
    want[2, 1:] = 0
    np.testing.assert_array_equal(padded.detach().numpy(), want)
    with pytest.raises(RuntimeError, match="sorted in decreasing order"):
        rnn_utils.pack_padded_sequence(x, [2, 4, 1])
    seqs = [torch.ones(3, 2), torch.ones(1, 2) * 2]
    assert tuple(rnn_utils.pad_sequence(seqs, batch_first=True).shape) == (2, 3, 2)
    assert [tuple(t.shape) for t in rnn_utils.unpack_sequence(rnn_utils.pack_sequence(seqs))] \
        == [(3, 2), (1, 2)]


@pytest.mark.parametrize("mode", ["LSTM", "GRU"])
def test_packed_input_equals_each_sequence_alone(mode):
    torch.manual_seed(0)
    m = _make(mode, 3, 4, bidirectional=True, num_layers=2, dtype=torch.float64)
    lengths = [2, 5, 3]
    x = torch.randn(5, 3, 3, dtype=torch.float64, requires_grad=True)
    out, state = m(rnn_utils.pack_padded_sequence(x, lengths, enforce_sorted=False))
    padded, _ = rnn_utils.pad_packed_sequence(out)
    h_n = state[0] if mode == "LSTM" else state
    for b, n in enumerate(lengths):
        alone, alone_state = m(x[:n, b:b + 1].detach())
        alone_h = alone_state[0] if mode == "LSTM" else alone_state
        np.testing.assert_allclose(padded[:n, b].detach().numpy(), alone[:, 0].detach().numpy(),
                                   rtol=1e-12, atol=1e-12)
        assert not padded[n:, b].detach().numpy().any()
        np.testing.assert_allclose(h_n[:, b].detach().numpy(), alone_h[:, 0].detach().numpy(),
                                   rtol=1e-12, atol=1e-12)
    padded.sum().backward()
    assert not x.grad.numpy()[3:, 0].any()  # padding gets no gradient
