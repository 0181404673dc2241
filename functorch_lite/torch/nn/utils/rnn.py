"""``torch.nn.utils.rnn``: PackedSequence, pack_padded_sequence, pad_packed_sequence,
pad_sequence, pack_sequence and unpack_sequence, with torch's layouts.

A PackedSequence's ``data`` is (sum(lengths), *): the batch entries of time step 0 (longest
sequence first), then those of step 1 still running, and so on; ``batch_sizes`` (int64, on the
CPU) counts them per step. Packing and unpacking are gathers, so gradients flow through both.
An RNN/LSTM/GRU fed a PackedSequence runs the padded batch with a mask: a sequence's state
stops at its length, and the reverse direction starts at its own last element (torch's
semantics); the output is packed again and ``h_n`` is in the caller's batch order.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from .... import numpy as jnp
from ...._src.array import Array
from ... import _creation as C
from ..._autograd import SAVE_NONE, apply
from ..._tensor import Tensor

__all__ = ["PackedSequence", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence",
           "pack_sequence", "unpack_sequence"]


def _int_tensor(values: np.ndarray) -> Tensor:
    return Tensor._from_value(Array(np.asarray(values, dtype=np.int64)))


def _lengths_np(lengths: Any) -> np.ndarray:
    if isinstance(lengths, Tensor):
        if lengths.device.type != "cpu":
            raise RuntimeError("'lengths' argument should be a 1D CPU int64 tensor, but got 1D "
                               f"{lengths.device.type} {lengths.dtype} tensor; use "
                               "lengths.cpu()")
        out = np.asarray(lengths.detach().numpy(force=True))
    else:
        out = np.asarray(lengths)
    if out.ndim != 1:
        raise RuntimeError(f"'lengths' argument should be a 1D tensor or list, got shape "
                           f"{list(out.shape)}")
    return out.astype(np.int64)


class PackedSequence(NamedTuple):
    """Variable-length sequences packed time step by time step (see the module docstring).

    Fields: ``data``, ``batch_sizes``, ``sorted_indices``, ``unsorted_indices``.

    Example:
        >>> p = pack_padded_sequence(torch.randn(5, 2, 3), [5, 3])
        >>> p.data.shape, p.batch_sizes.tolist()
        (torch.Size([8, 3]), [2, 2, 2, 1, 1])
    """

    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None = None
    unsorted_indices: Tensor | None = None

    def to(self, *args: Any, **kwargs: Any) -> PackedSequence:
        """The same sequence with ``data`` converted by ``Tensor.to``."""
        return self._replace(data=self.data.to(*args, **kwargs))

    def cpu(self) -> PackedSequence:
        return self._replace(data=self.data.cpu())

    def cuda(self, *args: Any, **kwargs: Any) -> PackedSequence:
        return self._replace(data=self.data.cuda(*args, **kwargs))

    def double(self) -> PackedSequence:
        return self._replace(data=self.data.double())

    def float(self) -> PackedSequence:
        return self._replace(data=self.data.float())

    @property
    def is_cuda(self) -> bool:
        return self.data.is_cuda

    def is_pinned(self) -> bool:
        return False


def _packed_positions(lengths_sorted: np.ndarray, batch: int) -> np.ndarray:
    """Flat (t * batch + b) positions, in packed order, of the steps of sorted sequences."""
    steps = int(lengths_sorted[0]) if lengths_sorted.size else 0
    t = np.arange(steps)[:, None]
    b = np.arange(len(lengths_sorted))[None, :]
    keep = t < lengths_sorted[None, :]
    return (t * batch + b)[keep]


def _batch_sizes(lengths_sorted: np.ndarray) -> np.ndarray:
    steps = int(lengths_sorted[0]) if lengths_sorted.size else 0
    return (np.arange(steps)[:, None] < lengths_sorted[None, :]).sum(axis=1)


def pack_padded_sequence(input: Tensor, lengths: Any, batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch (T, B, *) (or (B, T, *) with ``batch_first``) of sequences with
    the given ``lengths``. With ``enforce_sorted=False`` the lengths may come in any order
    (the batch is sorted internally and restored by ``pad_packed_sequence``).

    Example:
        >>> x = torch.randn(4, 3, 2)
        >>> pack_padded_sequence(x, [2, 4, 1], enforce_sorted=False).batch_sizes
        tensor([3, 2, 1, 1])
    """
    lengths_np = _lengths_np(lengths)
    if batch_first:
        input = input.transpose(0, 1)
    steps, batch = input.shape[0], input.shape[1]
    if len(lengths_np) != batch:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got "
                           f"{len(lengths_np)} (batch_size={batch})")
    if batch and (lengths_np.min() <= 0):
        raise RuntimeError("Length of all samples has to be greater than 0, but found an "
                           "element in 'lengths' that is <= 0")
    if enforce_sorted:
        if np.any(np.diff(lengths_np) > 0):
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is "
                "True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
                "pack_sequence to sidestep this requirement if you do not need ONNX "
                "exportability.")
        order = None
    else:
        order = np.argsort(-lengths_np, kind="stable")
    sorted_lengths = lengths_np if order is None else lengths_np[order]
    if batch and sorted_lengths[0] > steps:
        raise RuntimeError(f"Expected the longest length ({sorted_lengths[0]}) to be at most "
                           f"the padded sequence length ({steps})")
    # positions in the (T, B) grid of the *unsorted* batch
    cols = np.arange(batch) if order is None else order
    pos = _packed_positions(sorted_lengths, batch)
    t_idx, b_idx = pos // batch, pos % batch
    flat = t_idx * batch + cols[b_idx]
    tail = tuple(input.shape[2:])

    def gather(x: Any) -> Any:
        return jnp.take(jnp.reshape(x, (steps * batch,) + tail), flat, axis=0)

    data = apply(gather, "PackPaddedSequenceBackward0", (input,), saves=SAVE_NONE)
    sorted_idx = unsorted_idx = None
    if order is not None:
        sorted_idx = _int_tensor(order)
        unsorted_idx = _int_tensor(np.argsort(order, kind="stable"))
    return PackedSequence(data, _int_tensor(_batch_sizes(sorted_lengths)), sorted_idx,
                          unsorted_idx)


def _lengths_from_batch_sizes(batch_sizes: np.ndarray) -> np.ndarray:
    batch = int(batch_sizes[0]) if batch_sizes.size else 0
    return (np.arange(batch)[:, None] < batch_sizes[None, :]).sum(axis=1)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False,
                        padding_value: float = 0.0,
                        total_length: int | None = None) -> tuple[Tensor, Tensor]:
    """Unpack a PackedSequence into a padded batch (T, B, *) (or (B, T, *)) and the lengths
    (int64), in the batch order given to ``pack_padded_sequence``.

    Example:
        >>> padded, lengths = pad_packed_sequence(pack_padded_sequence(x, [3, 2]))
    """
    padded, lengths = _unpack_sorted(sequence, padding_value, total_length)
    if sequence.unsorted_indices is not None:
        order = np.asarray(sequence.unsorted_indices.numpy(force=True))
        padded = apply(lambda x: jnp.take(x, order, axis=1), "IndexSelectBackward0",
                       (padded,), saves=SAVE_NONE)
        lengths = lengths[order]
    if batch_first:
        padded = padded.transpose(0, 1)
    return padded, _int_tensor(lengths)


def _unpack_sorted(sequence: PackedSequence, padding_value: float = 0.0,
                   total_length: int | None = None) -> tuple[Tensor, np.ndarray]:
    """The padded (T, B, *) batch in *sorted* order and the sorted lengths."""
    batch_sizes = np.asarray(sequence.batch_sizes.numpy(force=True)).astype(np.int64)
    lengths = _lengths_from_batch_sizes(batch_sizes)
    steps = len(batch_sizes)
    if total_length is not None:
        if total_length < steps:
            raise ValueError(f"Expected total_length to be at least the length of the "
                             f"longest sequence in input, but got total_length={total_length} "
                             f"and max sequence length being {steps}")
        steps = total_length
    batch = len(lengths)
    data = sequence.data
    n = data.shape[0]
    # each grid cell (t, b) reads its packed row, or row n (the padding row) past its length
    index = np.full(steps * batch, n, dtype=np.int64)
    index[_packed_positions(lengths, batch)] = np.arange(n)
    tail = tuple(data.shape[1:])

    def scatter(x: Any) -> Any:
        pad = jnp.full((1,) + tail, padding_value, dtype=x.dtype)
        rows = jnp.take(jnp.concatenate([x, pad], axis=0), index, axis=0)
        return jnp.reshape(rows, (steps, batch) + tail)

    return apply(scatter, "PadPackedSequenceBackward0", (data,), saves=SAVE_NONE), lengths


def pad_sequence(sequences: Sequence[Tensor] | Tensor, batch_first: bool = False,
                 padding_value: float = 0.0, padding_side: str = "right") -> Tensor:
    """Stack variable-length tensors (L_i, *) into (T, B, *) (or (B, T, *) with
    ``batch_first``), padded with ``padding_value`` on ``padding_side``.

    Example:
        >>> pad_sequence([torch.ones(2), torch.ones(3)], batch_first=True)
        tensor([[1., 1., 0.],
                [1., 1., 1.]])
    """
    if padding_side not in ("left", "right"):
        raise ValueError(f"Expected padding_side to be one of left or right, but got "
                         f"{padding_side}.")
    seqs = list(sequences)
    if not seqs:
        raise RuntimeError("received an empty list of sequences")
    steps = max(s.shape[0] for s in seqs)
    tail = tuple(seqs[0].shape[1:])
    for s in seqs:
        if tuple(s.shape[1:]) != tail:
            raise RuntimeError(f"pad_sequence: every sequence must have trailing shape {tail}, "
                               f"got {tuple(s.shape)}")

    def fn(*xs: Any) -> Any:
        rows = []
        for x in xs:
            widths = [(0, steps - x.shape[0]) if padding_side == "right" else
                      (steps - x.shape[0], 0)] + [(0, 0)] * len(tail)
            rows.append(jnp.pad(x, widths, constant_values=padding_value))
        return jnp.stack(rows, axis=0 if batch_first else 1)

    return apply(fn, "StackBackward0", tuple(seqs), saves=SAVE_NONE)


def pack_sequence(sequences: Sequence[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of variable-length tensors (L_i, *) (``pad_sequence`` then
    ``pack_padded_sequence``).

    Example:
        >>> pack_sequence([torch.ones(3), torch.ones(2)]).batch_sizes
        tensor([2, 2, 1])
    """
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """The list of tensors that ``pack_sequence`` packed.

    Example:
        >>> [t.shape[0] for t in unpack_sequence(pack_sequence([torch.ones(3), torch.ones(2)]))]
        [3, 2]
    """
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return [padded[i, :int(n)] for i, n in enumerate(lengths.tolist())]


def _run_packed(module: Any, packed: PackedSequence, hx: Any) -> tuple:
    """RNNBase.forward on a PackedSequence: the padded batch (in sorted order) with a mask."""
    padded, lengths = _unpack_sorted(packed)
    steps, batch = padded.shape[0], padded.shape[1]
    if padded.shape[-1] != module.input_size:
        raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                           f"{module.input_size}, got {padded.shape[-1]}")
    sorted_idx = (None if packed.sorted_indices is None
                  else np.asarray(packed.sorted_indices.numpy(force=True)))
    unsorted_idx = (None if packed.unsorted_indices is None
                    else np.asarray(packed.unsorted_indices.numpy(force=True)))

    def permute(h: Tensor, order: np.ndarray | None) -> Tensor:
        if order is None:
            return h
        return apply(lambda v: jnp.take(v, order, axis=1), "IndexSelectBackward0", (h,),
                     saves=SAVE_NONE)

    is_lstm = module.mode == "LSTM"
    num_dirs = 2 if module.bidirectional else 1
    lead = (module.num_layers * num_dirs, batch)
    h_shape = lead + (module.proj_size or module.hidden_size,)
    c_shape = lead + (module.hidden_size,)

    if hx is None:
        h0 = C.zeros(h_shape, dtype=padded.dtype, device=padded.device)
        c0 = C.zeros(c_shape, dtype=padded.dtype, device=padded.device) if is_lstm else None
    elif is_lstm:
        module._check_hidden(hx[0], h_shape, "hidden[0]")
        module._check_hidden(hx[1], c_shape, "hidden[1]")
        h0, c0 = permute(hx[0], sorted_idx), permute(hx[1], sorted_idx)
    else:
        module._check_hidden(hx, h_shape, "hidden")
        h0, c0 = permute(hx, sorted_idx), None
    mask = Tensor._from_value(Array((np.arange(steps)[:, None] < lengths[None, :])[..., None]))
    out, state = module._run(padded, h0, c0, False, mask=mask, batch_first=False)
    positions = _packed_positions(lengths, batch)
    features = out.shape[-1]
    data = apply(lambda v: jnp.take(jnp.reshape(v, (steps * batch, features)), positions,
                                    axis=0), "PackPaddedSequenceBackward0", (out,),
                 saves=SAVE_NONE)
    out_packed = PackedSequence(data, packed.batch_sizes, packed.sorted_indices,
                                packed.unsorted_indices)
    if is_lstm:
        return out_packed, (permute(state[0], unsorted_idx), permute(state[1], unsorted_idx))
    return out_packed, permute(state, unsorted_idx)
