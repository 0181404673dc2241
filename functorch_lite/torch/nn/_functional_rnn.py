"""The numerics of torch's recurrent layers, as functions of core values (Arrays or tracers).

``rnn_values`` runs a whole multi-layer, optionally bidirectional RNN/LSTM/GRU. The facade's
modules (``modules/rnn.py``) call it inside **one** recorded op (``_autograd.apply``), so there
is no derivative code here: autograd records the primitives it binds.

Per layer and direction, the input projection ``x @ W_ih.T + b_ih`` is one matmul over all time
steps; only ``h @ W_hh.T`` runs per step, inside ``lax.scan``. In eager code and under the
facade's autograd, scan runs as a Python loop (every step's primitives are recorded); under jit
it stays one loop primitive, so a compiled LSTM does not unroll (docs/facade_nn_rnn.md).

Gate order and formulas are torch's:

* RNN:  ``h' = act(W_ih x + b_ih + W_hh h + b_hh)`` with act tanh or relu;
* LSTM: gates ``i, f, g, o`` (rows of ``W_ih``/``W_hh`` in that order), ``c' = f*c + i*g``,
  ``h' = o * tanh(c')``, then ``h' = W_hr h'`` when ``proj_size > 0``;
* GRU:  gates ``r, z, n``, ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``,
  ``h' = (1 - z) * n + z * h``.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ... import lax
from ... import nn as core_nn
from ... import numpy as jnp
from ..._src.control import _python_mode

GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _t(w: Any) -> Any:
    return jnp.swapaxes(w, 0, 1)


def cell_values(mode: str, x: Any, h: Any, c: Any, w_ih: Any, w_hh: Any, b_ih: Any = None,
                b_hh: Any = None) -> Any:
    """One step of an RNN/LSTM/GRU cell on (N, H_in) input ``x`` and (N, H) state ``h``
    (and ``c`` for an LSTM). Returns ``h'`` (or ``(h', c')`` for an LSTM).

    Example:
        >>> cell_values("GRU", x, h, None, w_ih, w_hh, b_ih, b_hh).shape  # (N, H)
    """
    xw = jnp.matmul(x, _t(w_ih))
    if b_ih is not None:
        xw = xw + b_ih
    hw = jnp.matmul(h, _t(w_hh))
    if b_hh is not None:
        hw = hw + b_hh
    if mode == "GRU":
        return _gru_update(xw, hw, h)
    if mode == "LSTM":
        return _lstm_update(xw + hw, c)
    return _act(mode, xw + hw)


def _act(mode: str, v: Any) -> Any:
    return jnp.tanh(v) if mode == "RNN_TANH" else core_nn.relu(v)


def _lstm_update(gates: Any, c: Any) -> tuple[Any, Any]:
    i, f, g, o = jnp.split(gates, 4, axis=-1)
    c_new = core_nn.sigmoid(f) * c + core_nn.sigmoid(i) * jnp.tanh(g)
    return core_nn.sigmoid(o) * jnp.tanh(c_new), c_new


def _gru_update(xw: Any, hw: Any, h: Any) -> Any:
    x_r, x_z, x_n = jnp.split(xw, 3, axis=-1)
    h_r, h_z, h_n = jnp.split(hw, 3, axis=-1)
    r = core_nn.sigmoid(x_r + h_r)
    z = core_nn.sigmoid(x_z + h_z)
    n = jnp.tanh(x_n + r * h_n)
    return (1.0 - z) * n + z * h


def _direction(mode: str, xs: Any, h0: Any, c0: Any, w: Sequence[Any], has_bias: bool,
               has_proj: bool, reverse: bool, mask: Any = None) -> tuple[Any, Any, Any]:
    """Run one direction of one layer over time-major ``xs`` (L, N, I); returns the outputs
    (L, N, H_out) and the final ``h`` and ``c`` (``c`` None unless LSTM). With a bool ``mask``
    (L, N, 1) (packed sequences), a masked-out step keeps the state and outputs zeros, so the
    reverse direction starts at each sequence's own last step."""
    w_ih, w_hh = w[0], w[1]
    b_ih = b_hh = None
    k = 2
    if has_bias:
        b_ih, b_hh = w[2], w[3]
        k = 4
    if has_proj:
        w_hr_t = _t(w[k])
    # The input projection of every step at once: one (L*N, I) x (I, G) matmul.
    xw = jnp.matmul(xs, _t(w_ih))
    if b_ih is not None:
        # b_hh joins b_ih here except for GRU, whose n gate multiplies W_hn h + b_hn by r.
        xw = xw + (b_ih if mode == "GRU" else b_ih + b_hh)
    w_hh_t = _t(w_hh)

    if mode == "LSTM":
        def step(carry: Any, xw_t: Any) -> Any:
            h, c = carry
            h, c = _lstm_update(xw_t + jnp.matmul(h, w_hh_t), c)
            if has_proj:
                h = jnp.matmul(h, w_hr_t)
            return (h, c), h
        init = (h0, c0)
    elif mode == "GRU":
        def step(h: Any, xw_t: Any) -> Any:
            hw = jnp.matmul(h, w_hh_t)
            if b_hh is not None:
                hw = hw + b_hh
            h = _gru_update(xw_t, hw, h)
            return h, h
        init = h0
    else:
        def step(h: Any, xw_t: Any) -> Any:
            h = _act(mode, xw_t + jnp.matmul(h, w_hh_t))
            return h, h
        init = h0

    if mask is None:
        carry, ys = _scan(step, init, xw, reverse)
    else:
        def masked_step(carry: Any, inputs: Any) -> Any:
            xw_t, m_t = inputs
            new, y = step(carry, xw_t)
            new = _where_tree(m_t, new, carry)
            return new, jnp.where(m_t, y, 0.0)

        carry, ys = _scan(masked_step, init, (xw, mask), reverse)
    if mode == "LSTM":
        return ys, carry[0], carry[1]
    return ys, carry, None


def _scan(step: Any, init: Any, xs: Any, reverse: bool) -> tuple[Any, Any]:
    """``lax.scan(step, init, xs, reverse=reverse)``. When scan would run as a Python loop
    anyway (eager code and the facade's autograd), the per-step inputs come from one split
    primitive instead of one slice per step: a slice's VJP pads its cotangent to the whole
    (L, N, G) input, so L slices cost O(L^2) in the backward pass; the split's VJP is one
    concatenate. Under jit/vmap it is lax.scan (one loop primitive)."""
    if not _python_mode():
        return lax.scan(step, init, xs, reverse=reverse)
    leaves = xs if isinstance(xs, tuple) else (xs,)
    steps = leaves[0].shape[0]
    per_step = [[jnp.reshape(p, p.shape[1:]) for p in jnp.split(leaf, steps, axis=0)]
                for leaf in leaves]
    carry, ys = init, [None] * steps
    for t in (range(steps - 1, -1, -1) if reverse else range(steps)):
        x_t = tuple(p[t] for p in per_step) if isinstance(xs, tuple) else per_step[0][t]
        carry, ys[t] = step(carry, x_t)
    return carry, jnp.stack(ys)


def _where_tree(m: Any, new: Any, old: Any) -> Any:
    if isinstance(new, tuple):
        return tuple(jnp.where(m, a, b) for a, b in zip(new, old))
    return jnp.where(m, new, old)


def rnn_values(mode: str, x: Any, hx: Any, cx: Any, weights: Sequence[Any], *, num_layers: int,
               bidirectional: bool, has_bias: bool, has_proj: bool, batch_first: bool,
               unbatched: bool, dropout_masks: Sequence[Any] = (), mask: Any = None) -> tuple:
    """A multi-layer RNN/LSTM/GRU over ``x`` with torch's layouts.

    ``x``: (L, N, H_in), (N, L, H_in) with ``batch_first``, or (L, H_in) when ``unbatched``.
    ``hx``/``cx``: (D*num_layers, N, H) (no N when unbatched); ``cx`` only for LSTM.
    ``weights``: the flat parameters in torch's order (per layer, per direction: w_ih, w_hh,
    [b_ih, b_hh], [w_hr]). ``dropout_masks``: one already scaled mask of the output's shape
    (L, N, D*H_out) per layer but the last, or empty (no dropout). ``mask``: optional bool
    (L, N, 1), True where a (time-major) step is part of its sequence (packed input).
    Returns ``(output, h_n)`` or ``(output, h_n, c_n)`` for an LSTM.

    Example:
        >>> out, h_n, c_n = rnn_values("LSTM", x, h0, c0, ws, num_layers=1, ...)
    """
    if unbatched:
        x = jnp.expand_dims(x, 1)
        hx = jnp.expand_dims(hx, 1)
        if cx is not None:
            cx = jnp.expand_dims(cx, 1)
    elif batch_first:
        x = jnp.swapaxes(x, 0, 1)
    num_dirs = 2 if bidirectional else 1
    per = 2 + 2 * has_bias + has_proj
    layer_input = x
    h_out, c_out = [], []
    for layer in range(num_layers):
        outs = []
        for d in range(num_dirs):
            idx = layer * num_dirs + d
            w = weights[idx * per:(idx + 1) * per]
            c0 = cx[idx] if cx is not None else None
            ys, h, c = _direction(mode, layer_input, hx[idx], c0, w, has_bias, has_proj,
                                  reverse=d == 1, mask=mask)
            outs.append(ys)
            h_out.append(h)
            c_out.append(c)
        layer_input = outs[0] if num_dirs == 1 else jnp.concatenate(outs, axis=-1)
        if dropout_masks and layer < num_layers - 1:
            layer_input = layer_input * dropout_masks[layer]
    output = layer_input
    h_n = jnp.stack(h_out)
    c_n = jnp.stack(c_out) if mode == "LSTM" else None
    if unbatched:
        output = jnp.squeeze(output, 1)
        h_n = jnp.squeeze(h_n, 1)
        c_n = jnp.squeeze(c_n, 1) if c_n is not None else None
    elif batch_first:
        output = jnp.swapaxes(output, 0, 1)
    return (output, h_n) if c_n is None else (output, h_n, c_n)


__all__: list[str] = []
