"""``nn.RNN``, ``nn.LSTM``, ``nn.GRU`` and their cells, with torch's signatures, parameter
names and shapes, gate order, default initialisation and errors.

A layer's whole forward pass (every layer, direction and time step) is **one** recorded op
over the core (``_functional_rnn.rnn_values``, which loops with ``lax.scan``): measured faster
in eager training than one recorded op per step (docs/facade_nn_rnn.md), and under jit the time
loop stays one loop.
"""
from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

from ... import _creation as C
from ..._autograd import SAVE_INPUTS, apply
from ..._tensor import Tensor
from .. import init
from .._functional_attention import dropout_mask
from .._functional_rnn import cell_values, rnn_values
from ..parameter import Parameter
from .module import Module

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


def _check_dtype(input: Tensor, weight: Tensor) -> None:
    if input.dtype != weight.dtype:
        raise ValueError(
            f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight.dtype}). "
            f"Convert input: input.to({weight.dtype}), or convert model: "
            f"model.to({input.dtype})")


class RNNBase(Module):
    """The shared machinery of RNN, LSTM and GRU (torch's ``nn.RNNBase``).

    ``mode`` is ``'RNN_TANH'``, ``'RNN_RELU'``, ``'LSTM'`` or ``'GRU'``. Parameters per layer
    ``k`` and direction (suffix ``_reverse`` for the backward direction): ``weight_ih_l{k}``
    (gates*hidden, input), ``weight_hh_l{k}`` (gates*hidden, hidden or proj_size),
    ``bias_ih_l{k}``, ``bias_hh_l{k}`` and, for an LSTM with ``proj_size > 0``,
    ``weight_hr_l{k}`` (proj_size, hidden). All start as U(-1/sqrt(hidden), 1/sqrt(hidden)).

    Example:
        >>> lstm = torch.nn.LSTM(10, 20, num_layers=2, batch_first=True)
        >>> out, (h, c) = lstm(torch.randn(3, 5, 10))
        >>> out.shape, h.shape
        (torch.Size([3, 5, 20]), torch.Size([2, 3, 20]))
    """

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        if mode not in _GATES:
            raise ValueError(f"Unrecognized RNN mode: {mode}")
        if (not isinstance(dropout, numbers.Number) or isinstance(dropout, bool)
                or not 0 <= dropout <= 1):
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero "
                f"dropout expects num_layers greater than 1, but got dropout={dropout} and "
                f"num_layers={num_layers}", UserWarning, stacklevel=2)
        if not isinstance(hidden_size, int) or isinstance(hidden_size, bool):
            raise TypeError(f"hidden_size should be of type int, got: "
                            f"{type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable "
                             "projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        num_dirs = 2 if bidirectional else 1
        gate_size = _GATES[mode] * hidden_size
        real_hidden = proj_size if proj_size > 0 else hidden_size
        self._flat_weights_names: list[str] = []
        self._all_weights: list[list[str]] = []
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else real_hidden * num_dirs
            for d in range(num_dirs):
                suffix = "_reverse" if d == 1 else ""
                shapes = [("weight_ih", (gate_size, layer_input)),
                          ("weight_hh", (gate_size, real_hidden))]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size > 0:
                    shapes.append(("weight_hr", (proj_size, hidden_size)))
                names = []
                for base, shape in shapes:
                    name = f"{base}_l{layer}{suffix}"
                    setattr(self, name, Parameter(C.empty(shape, device=device, dtype=dtype)))
                    names.append(name)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    @property
    def _flat_weights(self) -> list:
        params = self._parameters
        return [params.get(name) for name in self._flat_weights_names]

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters grouped per layer and direction, in torch's order."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self) -> None:
        """A no-op kept for compatibility (cuDNN's weight packing has no meaning here)."""

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    # ---- forward ---------------------------------------------------------------------------------

    def _name(self) -> str:
        return {"LSTM": "LSTM", "GRU": "GRU"}.get(self.mode, "RNN")

    def _check_input(self, input: Tensor) -> bool:
        if not isinstance(input, Tensor):
            raise TypeError(f"{type(self).__name__}.forward: input must be a Tensor, got "
                            f"{type(input).__name__}")
        if input.dim() not in (2, 3):
            raise ValueError(f"{self._name()}: Expected input to be 2D or 3D, got "
                             f"{input.dim()}D instead")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.shape[-1]}")
        _check_dtype(input, self._flat_weights[0])
        return input.dim() == 2

    def _hidden_shapes(self, input: Tensor, unbatched: bool) -> tuple[tuple, tuple]:
        num_dirs = 2 if self.bidirectional else 1
        lead = (self.num_layers * num_dirs,)
        if not unbatched:
            lead += (input.shape[0 if self.batch_first else 1],)
        h_size = self.proj_size if self.proj_size > 0 else self.hidden_size
        return lead + (h_size,), lead + (self.hidden_size,)

    def _check_hidden(self, hx: Tensor, want: tuple, what: str) -> None:
        if tuple(hx.shape) != want:
            raise RuntimeError(f"Expected {what} size {want}, got {list(hx.shape)}")

    def forward(self, input: Any, hx: Any = None) -> tuple:
        from ..utils.rnn import PackedSequence, _run_packed

        if isinstance(input, PackedSequence):
            return _run_packed(self, input, hx)
        unbatched = self._check_input(input)
        h_shape, c_shape = self._hidden_shapes(input, unbatched)
        is_lstm = self.mode == "LSTM"
        want = 2 if unbatched else 3
        kind = "unbatched 2-D" if unbatched else "batched 3-D"
        if hx is None:
            h0 = C.zeros(h_shape, dtype=input.dtype, device=input.device)
            c0 = C.zeros(c_shape, dtype=input.dtype, device=input.device) if is_lstm else None
        elif is_lstm:
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise TypeError("LSTM: hx must be a tuple (h_0, c_0) of two tensors")
            h0, c0 = hx
            if h0.dim() != want or c0.dim() != want:
                raise RuntimeError(f"For {kind} input, hx and cx should also be {want}-D but "
                                   f"got ({h0.dim()}-D, {c0.dim()}-D) tensors")
            self._check_hidden(h0, h_shape, "hidden[0]")
            self._check_hidden(c0, c_shape, "hidden[1]")
        else:
            h0, c0 = hx, None
            if not isinstance(h0, Tensor):
                raise TypeError(f"{self._name()}: hx must be a Tensor, got {type(hx).__name__}")
            if h0.dim() != want:
                raise RuntimeError(f"For {kind} input, hx should also be {want}-D but got "
                                   f"{h0.dim()}-D tensor")
            self._check_hidden(h0, h_shape, "hidden")
        return self._run(input, h0, c0, unbatched)

    def _dropout_masks(self, input: Tensor, unbatched: bool, batch_first: bool) -> list:
        if not (self.training and self.dropout > 0 and self.num_layers > 1):
            return []
        shape = list(input.shape)
        if unbatched:
            shape.insert(1, 1)
        elif batch_first:
            shape[0], shape[1] = shape[1], shape[0]
        h_size = self.proj_size if self.proj_size > 0 else self.hidden_size
        shape[-1] = h_size * (2 if self.bidirectional else 1)
        return [dropout_mask(tuple(shape), self.dropout, input)
                for _ in range(self.num_layers - 1)]

    def _run(self, input: Tensor, h0: Tensor, c0: Tensor | None, unbatched: bool,
             mask: Tensor | None = None, batch_first: bool | None = None) -> tuple:
        """The recorded op: ``input`` and the states already checked. ``mask`` (L, N, 1) bool
        marks the valid steps of packed sequences (time-major, ``batch_first=False``)."""
        batch_first = self.batch_first if batch_first is None else batch_first
        weights = self._flat_weights
        masks = self._dropout_masks(input, unbatched, batch_first)
        mode, n_masks = self.mode, len(masks)
        config = dict(num_layers=self.num_layers, bidirectional=self.bidirectional,
                      has_bias=self.bias, has_proj=self.proj_size > 0,
                      batch_first=batch_first, unbatched=unbatched)

        def fn(x: Any, h: Any, c: Any, m: Any, *rest: Any) -> tuple:
            return rnn_values(mode, x, h, c, rest[n_masks:], dropout_masks=rest[:n_masks],
                              mask=m, **config)

        res = apply(fn, "StackBackward0", (input, h0, c0, mask, *masks, *weights),
                    saves=SAVE_INPUTS)
        out = res[0]
        if out._graph is not None:
            out._fn = ("SqueezeBackward1" if unbatched else "TransposeBackward0"
                       if batch_first else "CatBackward0" if self.bidirectional
                       else "StackBackward0")
        if mode == "LSTM":
            return out, (res[1], res[2])
        return out, res[1]


class RNN(RNNBase):
    """An Elman RNN: ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)`` (or relu),
    stacked ``num_layers`` deep.

    ``RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True,
    batch_first=False, dropout=0.0, bidirectional=False)``. Input (L, N, H_in), (N, L, H_in)
    with ``batch_first`` or unbatched (L, H_in); ``h_0`` optional (zeros). Returns
    ``(output, h_n)``: (L, N, D*H) and (D*num_layers, N, H).

    Example:
        >>> rnn = torch.nn.RNN(4, 3, nonlinearity="relu")
        >>> out, h = rnn(torch.randn(5, 2, 4))
        >>> out.shape, h.shape
        (torch.Size([5, 2, 3]), torch.Size([1, 2, 3]))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, device: Any = None,
                 dtype: Any = None, proj_size: int = 0) -> None:
        if nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or "
                             "'relu'.")
        # (proj_size is accepted only to raise torch's ValueError when it is set)
        super().__init__(mode, input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, proj_size, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity


class LSTM(RNNBase):
    """A long short-term memory RNN with torch's gates ``i, f, g, o``:
    ``c_t = f*c_{t-1} + i*g``, ``h_t = o*tanh(c_t)`` (then ``h_t = W_hr h_t`` with
    ``proj_size > 0``).

    ``LSTM(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
    bidirectional=False, proj_size=0)``. Returns ``(output, (h_n, c_n))``.

    Example:
        >>> lstm = torch.nn.LSTM(input_size=10, hidden_size=20, num_layers=2, batch_first=True)
        >>> out, (h_n, c_n) = lstm(torch.randn(3, 5, 10))
        >>> out[:, -1, :].shape
        torch.Size([3, 20])
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, proj_size, device, dtype)


class GRU(RNNBase):
    """A gated recurrent unit RNN with torch's gates ``r, z, n``:
    ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``, ``h' = (1 - z) * n + z * h``.

    ``GRU(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
    bidirectional=False)``. Returns ``(output, h_n)``.

    Example:
        >>> gru = torch.nn.GRU(4, 3, bidirectional=True)
        >>> out, h = gru(torch.randn(5, 2, 4))
        >>> out.shape, h.shape
        (torch.Size([5, 2, 6]), torch.Size([2, 2, 3]))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, device: Any = None, dtype: Any = None,
                 proj_size: int = 0) -> None:
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, proj_size, device=device, dtype=dtype)


# ---- cells ---------------------------------------------------------------------------------------

class RNNCellBase(Module):
    """The shared machinery of the cells: ``weight_ih`` (chunks*hidden, input),
    ``weight_hh`` (chunks*hidden, hidden), ``bias_ih``, ``bias_hh``, all
    U(-1/sqrt(hidden), 1/sqrt(hidden)).

    Example:
        >>> torch.nn.GRUCell(4, 3).weight_ih.shape
        torch.Size([9, 4])
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(C.empty((num_chunks * hidden_size, input_size),
                                           device=device, dtype=dtype))
        self.weight_hh = Parameter(C.empty((num_chunks * hidden_size, hidden_size),
                                           device=device, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(C.empty(num_chunks * hidden_size, device=device,
                                             dtype=dtype))
            self.bias_hh = Parameter(C.empty(num_chunks * hidden_size, device=device,
                                             dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        nonlinearity = getattr(self, "nonlinearity", "tanh")
        if nonlinearity != "tanh":
            s += f", nonlinearity={nonlinearity}"
        return s

    def _prepare(self, input: Tensor, hx: Any, n_states: int) -> tuple:
        name = type(self).__name__
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}.forward: input must be a Tensor, got "
                            f"{type(input).__name__}")
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D "
                             "instead")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.shape[-1]} "
                               f"expected {self.input_size}")
        _check_dtype(input, self.weight_ih)
        unbatched = input.dim() == 1
        batch = 1 if unbatched else input.shape[0]
        states = hx if n_states == 2 else (hx,)
        if hx is None:
            shape = (self.hidden_size,) if unbatched else (batch, self.hidden_size)
            states = tuple(C.zeros(shape, dtype=input.dtype, device=input.device)
                           for _ in range(n_states))
        elif n_states == 2 and (not isinstance(hx, (tuple, list)) or len(hx) != 2):
            raise TypeError(f"{name}: hx must be a tuple (h_0, c_0) of two tensors")
        for k, h in enumerate(states):
            if h.dim() not in (1, 2):
                raise ValueError(f"{name}: Expected hidden to be 1D or 2D, got {h.dim()}D "
                                 "instead")
            if unbatched and h.dim() != 1:
                raise RuntimeError(f"{name}: for an unbatched 1-D input, hidden{k} should also "
                                   f"be 1-D but got {h.dim()}-D; add a batch dimension to the "
                                   "input (input.unsqueeze(0))")
            if not unbatched and (h.dim() != 2 or h.shape[0] != batch):
                got = h.shape[0] if h.dim() == 2 else "none (1-D hidden)"
                raise RuntimeError(f"Input batch size {batch} doesn't match hidden{k} batch "
                                   f"size {got}")
            if h.shape[-1] != self.hidden_size:
                raise RuntimeError(f"hidden{k} has inconsistent hidden_size: got "
                                   f"{h.shape[-1]}, expected {self.hidden_size}")
        return unbatched, states

    def _cell(self, mode: str, name: str, input: Tensor, states: tuple, unbatched: bool) -> Any:
        def fn(x: Any, h: Any, c: Any, w_ih: Any, w_hh: Any, b_ih: Any, b_hh: Any) -> Any:
            if unbatched:
                x, h = x[None], h[None]
                c = c[None] if c is not None else None
            out = cell_values(mode, x, h, c, w_ih, w_hh, b_ih, b_hh)
            if unbatched:
                out = tuple(o[0] for o in out) if mode == "LSTM" else out[0]
            return out

        c = states[1] if len(states) == 2 else None
        return apply(fn, name, (input, states[0], c, self.weight_ih, self.weight_hh,
                                self.bias_ih, self.bias_hh), saves=SAVE_INPUTS)


class RNNCell(RNNCellBase):
    """One Elman RNN step: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)`` (or relu).

    Example:
        >>> cell = torch.nn.RNNCell(4, 3)
        >>> cell(torch.randn(2, 4)).shape
        torch.Size([2, 3])
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        if self.nonlinearity not in ("tanh", "relu"):
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        unbatched, states = self._prepare(input, hx, 1)
        mode = "RNN_TANH" if self.nonlinearity == "tanh" else "RNN_RELU"
        name = "TanhBackward0" if mode == "RNN_TANH" else "ReluBackward0"
        return self._cell(mode, name, input, states, unbatched)


class LSTMCell(RNNCellBase):
    """One LSTM step (gates ``i, f, g, o``); returns ``(h', c')``.

    Example:
        >>> cell = torch.nn.LSTMCell(4, 3)
        >>> h, c = cell(torch.randn(2, 4))
        >>> h.shape, c.shape
        (torch.Size([2, 3]), torch.Size([2, 3]))
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input: Tensor, hx: tuple | None = None) -> tuple:
        unbatched, states = self._prepare(input, hx, 2)
        h, c = self._cell("LSTM", "MulBackward0", input, states, unbatched)
        if c._graph is not None:
            c._fn = "AddBackward0"
        return h, c


class GRUCell(RNNCellBase):
    """One GRU step (gates ``r, z, n`` with ``n = tanh(W_in x + b_in + r*(W_hn h + b_hn))``).

    Example:
        >>> cell = torch.nn.GRUCell(4, 3)
        >>> cell(torch.randn(2, 4)).shape
        torch.Size([2, 3])
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        unbatched, states = self._prepare(input, hx, 1)
        return self._cell("GRU", "AddBackward0", input, states, unbatched)
