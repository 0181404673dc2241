"""``F.scaled_dot_product_attention`` and ``F.multi_head_attention_forward`` with torch's
signatures, shapes, mask conventions and errors, each one recorded op over core values (no
derivative code: autograd records the primitives).

Mask conventions (torch's, and they differ between the two functions):

* ``scaled_dot_product_attention``: a **bool** ``attn_mask`` is True where attention is
  *allowed*; a float mask is added to the scores.
* ``multi_head_attention_forward`` / ``nn.MultiheadAttention``: a bool ``attn_mask`` or
  ``key_padding_mask`` is True where attention is *not allowed*; float masks are added.

A query row whose keys are all masked gets zero weights and a zero output here (the core's
softmax of an all ``-inf`` row is 0); torch gives NaN there.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ... import nn as core_nn
from ... import numpy as jnp
from ..._src.array import Array
from .._autograd import SAVE_INPUTS, apply
from .._creation import _rng
from .._device import move
from .._tensor import Tensor

__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward"]


def dropout_mask(shape: tuple, p: float, like: Tensor) -> Tensor:
    """A dropout mask of ``shape``: 0 with probability ``p``, else ``1 / (1 - p)``, in
    ``like``'s dtype and on its device, drawn from the global generator (torch.manual_seed).

    Example:
        >>> dropout_mask((2, 3), 0.5, x)  # entries 0.0 or 2.0
    """
    dt = like._data.dtype
    keep = _rng(None).random(tuple(shape)) >= p
    scale = 0.0 if p >= 1.0 else 1.0 / (1.0 - p)
    value = Array((keep * scale).astype(dt))
    return Tensor._from_value(move(value, like.device))


def _float_mask(mask: Any, dtype: Any, allowed_if_true: bool) -> Any:
    """A bool mask as an additive float mask (0 or -inf); a float mask as it is."""
    if mask.dtype == np.bool_:
        blocked = mask if not allowed_if_true else jnp.logical_not(mask)
        return jnp.where(blocked, -np.inf, 0.0).astype(dtype)
    return mask.astype(dtype)


def _check_mask_dtype(mask: Tensor | None, name: str) -> None:
    if mask is not None and not (mask.dtype.is_floating_point or mask._data.dtype == np.bool_):
        raise AssertionError(
            f"only bool and floating types of {name} are supported (got {mask.dtype}); use "
            f"{name}.bool() for a True=masked mask"
        )


# ---- scaled_dot_product_attention ----------------------------------------------------------------

def _sdpa_values(q: Any, k: Any, v: Any, mask: Any, drop: Any, is_causal: bool, scale: float,
                 groups: int) -> Any:
    if groups > 1:  # grouped-query attention: each key/value head serves `groups` query heads
        k = jnp.repeat(k, groups, axis=-3)
        v = jnp.repeat(v, groups, axis=-3)
    scores = jnp.matmul(q * scale, jnp.swapaxes(k, -1, -2))
    if is_causal:
        n_q, n_k = q.shape[-2], k.shape[-2]
        causal = np.tril(np.ones((n_q, n_k), dtype=bool))
        scores = jnp.where(causal, scores, -np.inf)
    if mask is not None:
        scores = scores + _float_mask(mask, scores.dtype, allowed_if_true=True)
    weights = core_nn.softmax(scores, axis=-1)
    if drop is not None:
        weights = weights * drop
    return jnp.matmul(weights, v)


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor,
                                 attn_mask: Tensor | None = None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """``softmax(query @ key^T * scale + mask) @ value`` over the last two dimensions.

    ``query`` (..., L, E), ``key`` (..., S, E), ``value`` (..., S, Ev) -> (..., L, Ev). A bool
    ``attn_mask`` is True where attention is allowed; a float one is added to the scores; it
    broadcasts to (..., L, S). ``is_causal`` applies a lower-triangular (top-left aligned) mask
    and excludes ``attn_mask``. ``scale`` defaults to ``1 / sqrt(E)``. ``dropout_p`` drops
    attention weights whenever it is positive (pass ``dropout_p=0.0`` in evaluation, as with
    torch). ``enable_gqa``: key/value may have fewer heads (dim -3) than the query.

    Example:
        >>> q = torch.randn(2, 4, 5, 8)
        >>> F.scaled_dot_product_attention(q, q, q, is_causal=True).shape
        torch.Size([2, 4, 5, 8])
    """
    for name, t in (("query", query), ("key", key), ("value", value)):
        if not isinstance(t, Tensor):
            raise TypeError(f"scaled_dot_product_attention(): argument '{name}' must be Tensor, "
                            f"not {type(t).__name__}")
        if t.dim() < 2:
            raise RuntimeError(f"scaled_dot_product_attention: {name} must have at least 2 "
                               f"dimensions (..., length, features), got shape {list(t.shape)}")
    if not (query.dtype == key.dtype == value.dtype):
        raise RuntimeError(
            "Expected query, key, and value to have the same dtype, but got query.dtype: "
            f"{query.dtype} key.dtype: {key.dtype} and value.dtype: {value.dtype} instead.")
    if attn_mask is not None and is_causal:
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set "
                           "when is_causal=True (the causal mask is built from the shapes)")
    _check_mask_dtype(attn_mask, "attn_mask")
    e, s = query.shape[-1], key.shape[-2]
    if key.shape[-1] != e:
        raise RuntimeError(f"scaled_dot_product_attention: query and key must have the same "
                           f"feature size, got query {list(query.shape)} and key "
                           f"{list(key.shape)}")
    if value.shape[-2] != s:
        raise RuntimeError(f"scaled_dot_product_attention: key and value must have the same "
                           f"length (dim -2), got key {list(key.shape)} and value "
                           f"{list(value.shape)}")
    groups = 1
    if enable_gqa and query.dim() >= 3 and key.shape[-3] != query.shape[-3]:
        hq, hk = query.shape[-3], key.shape[-3]
        if hk == 0 or hq % hk:
            raise RuntimeError(f"scaled_dot_product_attention: with enable_gqa the query's "
                               f"heads ({hq}) must be a multiple of the key's heads ({hk})")
        groups = hq // hk
    scale = 1.0 / math.sqrt(e) if scale is None else float(scale)
    drop = None
    if dropout_p > 0.0:
        batch = np.broadcast_shapes(tuple(query.shape[:-2]), tuple(key.shape[:-3]) +
                                    ((query.shape[-3],) if groups > 1 else
                                     tuple(key.shape[-3:-2])))
        drop = dropout_mask(tuple(batch) + (query.shape[-2], s), dropout_p, query)
    return apply(lambda q, k, v, m, d: _sdpa_values(q, k, v, m, d, is_causal, scale, groups),
                 "ScaledDotProductAttentionBackward0", (query, key, value, attn_mask, drop),
                 saves=SAVE_INPUTS)


# ---- multi_head_attention_forward ----------------------------------------------------------------

def _mha_values(query: Any, key: Any, value: Any, in_w: Any, in_b: Any, q_w: Any, k_w: Any,
                v_w: Any, bias_k: Any, bias_v: Any, out_w: Any, out_b: Any, kpm: Any,
                attn_mask: Any, drop: Any, *, num_heads: int, add_zero_attn: bool,
                need_weights: bool, average: bool, unbatched: bool, batch_first: bool) -> Any:
    if unbatched:
        query, key, value = (jnp.expand_dims(t, 1) for t in (query, key, value))
        if kpm is not None:
            kpm = jnp.expand_dims(kpm, 0)
    elif batch_first:
        query, key, value = (jnp.swapaxes(t, 0, 1) for t in (query, key, value))
    n_q, batch, embed = query.shape
    head_dim = embed // num_heads
    if in_w is not None:
        q_w, k_w, v_w = jnp.split(in_w, 3, axis=0)
    b_q = b_k = b_v = None
    if in_b is not None:
        b_q, b_k, b_v = jnp.split(in_b, 3, axis=0)

    def project(x: Any, w: Any, b: Any) -> Any:
        y = jnp.matmul(x, jnp.swapaxes(w, 0, 1))
        return y if b is None else y + b

    q = project(query, q_w, b_q)
    k = project(key, k_w, b_k)
    v = project(value, v_w, b_v)
    dt = q.dtype
    mask = None if attn_mask is None else _float_mask(attn_mask, dt, allowed_if_true=False)
    pad = None if kpm is None else _float_mask(kpm, dt, allowed_if_true=False)
    extra = 0
    if bias_k is not None:  # one learned key/value appended to the sequence (after projection)
        k = jnp.concatenate([k, jnp.broadcast_to(bias_k, (1, batch, embed))], axis=0)
        v = jnp.concatenate([v, jnp.broadcast_to(bias_v, (1, batch, embed))], axis=0)
        extra += 1

    def heads(x: Any) -> Any:  # (T, N, E) -> (N, H, T, head_dim)
        return jnp.transpose(jnp.reshape(x, (x.shape[0], batch, num_heads, head_dim)),
                             (1, 2, 0, 3))

    q, k, v = heads(q), heads(k), heads(v)
    if add_zero_attn:  # a zero key/value appended after the head split
        zeros = jnp.zeros((batch, num_heads, 1, head_dim), dtype=dt)
        k = jnp.concatenate([k, zeros], axis=2)
        v = jnp.concatenate([v, zeros], axis=2)
        extra += 1
    if mask is not None:
        if mask.ndim == 3:  # (N*H, L, S): batch-major, head-minor
            mask = jnp.reshape(mask, (batch, num_heads) + mask.shape[1:])
        if extra:
            mask = jnp.pad(mask, [(0, 0)] * (mask.ndim - 1) + [(0, extra)])
    if pad is not None:
        if extra:
            pad = jnp.pad(pad, [(0, 0), (0, extra)])
        pad = pad[:, None, None, :]
        mask = pad if mask is None else mask + pad
    scores = jnp.matmul(q * (1.0 / math.sqrt(head_dim)), jnp.swapaxes(k, -1, -2))
    if mask is not None:
        scores = scores + mask
    weights = core_nn.softmax(scores, axis=-1)
    if drop is not None:
        weights = weights * drop
    out = jnp.matmul(weights, v)  # (N, H, L, head_dim)
    out = jnp.reshape(jnp.transpose(out, (2, 0, 1, 3)), (n_q, batch, embed))
    out = project(out, out_w, out_b)
    if unbatched:
        out = jnp.squeeze(out, 1)
    elif batch_first:
        out = jnp.swapaxes(out, 0, 1)
    if not need_weights:
        return out
    if average:
        weights = jnp.mean(weights, axis=1)
    if unbatched:
        weights = jnp.squeeze(weights, 0)
    return out, weights


def _shape(t: Tensor) -> tuple:
    return tuple(t.shape)


def multi_head_attention_forward(
        query: Tensor, key: Tensor, value: Tensor, embed_dim_to_check: int, num_heads: int,
        in_proj_weight: Tensor | None, in_proj_bias: Tensor | None, bias_k: Tensor | None,
        bias_v: Tensor | None, add_zero_attn: bool, dropout_p: float, out_proj_weight: Tensor,
        out_proj_bias: Tensor | None, training: bool = True,
        key_padding_mask: Tensor | None = None, need_weights: bool = True,
        attn_mask: Tensor | None = None, use_separate_proj_weight: bool = False,
        q_proj_weight: Tensor | None = None, k_proj_weight: Tensor | None = None,
        v_proj_weight: Tensor | None = None, static_k: Tensor | None = None,
        static_v: Tensor | None = None, average_attn_weights: bool = True,
        is_causal: bool = False, *, _batch_first: bool = False) -> tuple:
    """torch's multi-head attention on time-major inputs: ``query`` (L, N, E), ``key`` (S, N,
    E_k), ``value`` (S, N, E_v), or unbatched (L, E)/(S, E_k)/(S, E_v).

    Returns ``(attn_output, attn_weights)``: (L, N, E) and (N, L, S) averaged over heads, or
    (N, num_heads, L, S) with ``average_attn_weights=False``; weights None when
    ``need_weights=False``. Bool masks are True where attention is *not* allowed; float masks
    are added. ``attn_mask`` is (L, S) or (N*num_heads, L, S); ``key_padding_mask`` (N, S).
    Dropout on the attention weights applies when ``training`` and ``dropout_p > 0``.

    Example:
        >>> out, w = F.multi_head_attention_forward(q, q, q, 8, 2, m.in_proj_weight,
        ...     m.in_proj_bias, None, None, False, 0.0, m.out_proj.weight, m.out_proj.bias)
    """
    if static_k is not None or static_v is not None:
        raise NotImplementedError("multi_head_attention_forward: static_k/static_v are not "
                                  "supported; project the keys/values yourself")
    unbatched = _check_mha_shapes(query, key, value, key_padding_mask, attn_mask, num_heads)
    if _batch_first and not unbatched:
        q_shape, k_shape = (query.shape[1], query.shape[0]), (key.shape[1], key.shape[0])
    else:
        q_shape, k_shape = _shape(query)[:2], _shape(key)[:2]
    n_q, s = q_shape[0], k_shape[0]
    batch = 1 if unbatched else q_shape[1]
    embed = query.shape[-1]
    if embed != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, "
                             f"but got {embed}")
    if embed % num_heads:
        raise AssertionError(f"embed_dim must be divisible by num_heads (embed_dim={embed}, "
                             f"num_heads={num_heads})")
    if not unbatched and k_shape[1] != batch:
        raise RuntimeError(f"MultiheadAttention: query has batch size {batch} but key has "
                           f"batch size {k_shape[1]}; they must match")
    if use_separate_proj_weight:
        if _shape(key)[:-1] != _shape(value)[:-1]:
            raise AssertionError(f"key's sequence and batch dims {_shape(key)[:-1]} do not "
                                 f"match value's {_shape(value)[:-1]}")
        if q_proj_weight is None or k_proj_weight is None or v_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is True but q_proj_weight, "
                                 "k_proj_weight or v_proj_weight is None")
        for name, w, x in (("k_proj_weight", k_proj_weight, key),
                           ("v_proj_weight", v_proj_weight, value)):
            if w.shape[-1] != x.shape[-1]:
                raise RuntimeError(f"MultiheadAttention: {name} expects inputs of size "
                                   f"{w.shape[-1]} (kdim/vdim) but got {x.shape[-1]}")
        in_proj_weight = None
    else:
        if _shape(key) != _shape(value):
            raise AssertionError(f"key shape {key.shape} does not match value shape "
                                 f"{value.shape}")
        if in_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
        if key.shape[-1] != embed:
            raise RuntimeError(f"MultiheadAttention: key and value have {key.shape[-1]} "
                               f"features but embed_dim is {embed}; pass kdim/vdim to the "
                               "module for other sizes")
        q_proj_weight = k_proj_weight = v_proj_weight = None
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the "
                           "Transformer module method `generate_square_subsequent_mask` to "
                           "create this mask.")
    if (bias_k is None) != (bias_v is None):
        raise AssertionError("bias_k and bias_v must both be given or both be None")
    _check_mask_dtype(attn_mask, "attn_mask")
    _check_mask_dtype(key_padding_mask, "key_padding_mask")
    if attn_mask is not None:
        if attn_mask.dim() == 2:
            if _shape(attn_mask) != (n_q, s):
                raise RuntimeError(f"The shape of the 2D attn_mask is {attn_mask.shape}, but "
                                   f"should be {(n_q, s)}.")
        elif attn_mask.dim() == 3:
            want = (batch * num_heads, n_q, s)
            if _shape(attn_mask) != want:
                raise RuntimeError(f"The shape of the 3D attn_mask is {attn_mask.shape}, but "
                                   f"should be {want}.")
        else:
            raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")
    if key_padding_mask is not None:
        want_kpm = (s,) if unbatched else (batch, s)
        if _shape(key_padding_mask) != want_kpm:
            raise AssertionError(f"expecting key_padding_mask shape of {want_kpm}, but got "
                                 f"{key_padding_mask.shape}")
    dtypes = {t.dtype for t in (query, key, value, in_proj_weight, q_proj_weight,
                                out_proj_weight) if t is not None}
    if len(dtypes) > 1:
        raise RuntimeError(f"MultiheadAttention: query, key, value and the weights must share "
                           f"one dtype, got {sorted(str(d) for d in dtypes)}; convert with "
                           ".to(dtype) (or module.to(dtype))")
    drop = None
    if training and dropout_p > 0.0:
        s_total = s + (bias_k is not None) + bool(add_zero_attn)
        drop = dropout_mask((batch, num_heads, n_q, s_total), dropout_p, query)

    def fn(*vals: Any) -> Any:
        return _mha_values(*vals, num_heads=num_heads, add_zero_attn=bool(add_zero_attn),
                           need_weights=need_weights, average=average_attn_weights,
                           unbatched=unbatched, batch_first=_batch_first)

    res = apply(fn, "ViewBackward0" if not _batch_first else "TransposeBackward0",
                (query, key, value, in_proj_weight, in_proj_bias, q_proj_weight, k_proj_weight,
                 v_proj_weight, bias_k, bias_v, out_proj_weight, out_proj_bias,
                 key_padding_mask, attn_mask, drop), saves=SAVE_INPUTS)
    if not need_weights:
        return res, None
    out, weights = res
    if weights._graph is not None:
        weights._fn = "MeanBackward1" if average_attn_weights else "ViewBackward0"
    return out, weights


def _check_mha_shapes(query: Tensor, key: Tensor, value: Tensor, kpm: Tensor | None,
                      attn_mask: Tensor | None, num_heads: int) -> bool:
    """torch's _mha_shape_check; returns whether the input is unbatched."""
    if query.dim() == 3:
        if key.dim() != 3 or value.dim() != 3:
            raise AssertionError(
                "For batched (3-D) `query`, expected `key` and `value` to be 3-D but found "
                f"{key.dim()}-D and {value.dim()}-D tensors respectively")
        if kpm is not None and kpm.dim() != 2:
            raise AssertionError(
                "For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D "
                f"but found {kpm.dim()}-D tensor instead")
        if attn_mask is not None and attn_mask.dim() not in (2, 3):
            raise AssertionError(
                "For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but "
                f"found {attn_mask.dim()}-D tensor instead")
        return False
    if query.dim() == 2:
        if key.dim() != 2 or value.dim() != 2:
            raise AssertionError(
                "For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found "
                f"{key.dim()}-D and {value.dim()}-D tensors respectively")
        if kpm is not None and kpm.dim() != 1:
            raise AssertionError(
                "For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D "
                f"but found {kpm.dim()}-D tensor instead")
        if attn_mask is not None:
            if attn_mask.dim() not in (2, 3):
                raise AssertionError(
                    "For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or "
                    f"3-D but found {attn_mask.dim()}-D tensor instead")
            if attn_mask.dim() == 3 and attn_mask.shape[0] != num_heads:
                raise AssertionError(
                    f"Expected `attn_mask` shape to be {(num_heads, query.shape[0], key.shape[0])}"
                    f" but got {attn_mask.shape}")
        return True
    raise AssertionError(
        f"query should be unbatched 2D or batched 3D tensor but received {query.dim()}-D query "
        "tensor")
