"""Parameter initialisers (jax.nn.initializers' names): each returns init(key, shape, dtype).

An initializer is a pure function of a PRNG key (``functorch_lite.random.key``), a shape and a
dtype; ``dtype=None`` means the default float dtype (float32, or float64 with
``jax_enable_x64``). ``zeros`` and ``ones`` are initialisers themselves; the rest are factories
that return one.
"""
from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import dtypes
from . import random as R
from .numpy import creation as C
from .numpy import math as M
from .numpy import shape_ops as SO
from .numpy._convert import asarray

Initializer = Callable[..., Any]

# The standard deviation of a standard normal truncated to (-2, 2): dividing by it makes the
# truncated samples have the requested variance.
_TRUNCATED_STDDEV = 0.87962566103423978


def _shape(shape: Any) -> tuple[int, ...]:
    if isinstance(shape, (int, np.integer)):
        return (operator.index(shape),)
    return tuple(operator.index(s) for s in shape)


def _dtype(dtype: Any) -> np.dtype:
    return dtypes.default_float if dtype is None else dtypes.canonicalize(dtype)


def _float_dtype(name: str, dtype: Any) -> np.dtype:
    dt = _dtype(dtype)
    if dt.kind != "f":
        raise ValueError(f"{name} initializer needs a float dtype, got {dt}")
    return dt


def zeros(key: Any, shape: Any, dtype: Any = None) -> Any:
    """An initializer of zeros (the key is ignored).

    Example:
        >>> zeros(random.key(0), (2, 3)).shape
        (2, 3)
    """
    return C.zeros(_shape(shape), _dtype(dtype))


def ones(key: Any, shape: Any, dtype: Any = None) -> Any:
    """An initializer of ones (the key is ignored).

    Example:
        >>> ones(random.key(0), (2,))
        Array([1., 1.], dtype=float32)
    """
    return C.ones(_shape(shape), _dtype(dtype))


def constant(value: Any, dtype: Any = None) -> Initializer:
    """An initializer that fills with ``value`` (broadcast to the shape).

    Example:
        >>> constant(0.5)(random.key(0), (2,))
        Array([0.5, 0.5], dtype=float32)
    """
    def init(key: Any, shape: Any, dtype: Any = dtype) -> Any:
        return SO.broadcast_to(asarray(value, _dtype(dtype)), _shape(shape))

    return init


def normal(stddev: float = 1e-2, dtype: Any = None) -> Initializer:
    """An initializer of normal samples with standard deviation ``stddev``.

    Example:
        >>> w = normal(0.1)(random.key(0), (3, 4))
    """
    def init(key: Any, shape: Any, dtype: Any = dtype) -> Any:
        dt = _float_dtype("normal", dtype)
        return M.multiply(R.normal(key, _shape(shape), dt), stddev)

    return init


def uniform(scale: float = 1e-2, dtype: Any = None) -> Initializer:
    """An initializer of uniform samples in ``[0, scale)``.

    Example:
        >>> w = uniform(0.1)(random.key(0), (3, 4))
    """
    def init(key: Any, shape: Any, dtype: Any = dtype) -> Any:
        dt = _float_dtype("uniform", dtype)
        return M.multiply(R.uniform(key, _shape(shape), dt), scale)

    return init


def truncated_normal(stddev: float = 1e-2, dtype: Any = None, lower: float = -2.0,
                     upper: float = 2.0) -> Initializer:
    """An initializer of ``stddev`` times a standard normal truncated to ``(lower, upper)``
    (``stddev`` scales the untruncated normal, as in JAX).

    Example:
        >>> w = truncated_normal(0.1)(random.key(0), (3, 4))
    """
    def init(key: Any, shape: Any, dtype: Any = dtype) -> Any:
        dt = _float_dtype("truncated_normal", dtype)
        return M.multiply(R.truncated_normal(key, lower, upper, _shape(shape), dt), stddev)

    return init


def _axes_size(shape: tuple, axes: int | Sequence[int]) -> int:
    if isinstance(axes, (int, np.integer)):
        return shape[axes]
    return math.prod(shape[a] for a in axes)


def compute_fans(shape: Sequence[int], in_axis: int | Sequence[int] = -2,
                 out_axis: int | Sequence[int] = -1,
                 batch_axis: int | Sequence[int] = ()) -> tuple[float, float]:
    """(fan_in, fan_out) of a weight shape: the input/output axis sizes times the receptive
    field (every axis that is neither input, output nor batch).

    Example:
        >>> compute_fans((3, 3, 16, 32))   # a 3x3 convolution from 16 to 32 channels
        (144.0, 288.0)
    """
    shape = tuple(shape)
    if len(shape) <= 1 and isinstance(in_axis, (int, np.integer)) and in_axis == -2:
        # (as JAX: with explicit axes a 1-d weight is fine, e.g. in_axis=0, out_axis=0)
        raise ValueError(
            f"cannot compute fan-in and fan-out of a {len(shape)}-dimensional weight of shape "
            f"{shape} with the default in_axis=-2: variance-scaling initializers need at least "
            "2 axes, or explicit in_axis/out_axis"
        )
    try:
        in_size = _axes_size(shape, in_axis)
        out_size = _axes_size(shape, out_axis)
        batch_size = _axes_size(shape, batch_axis)
    except IndexError:
        raise ValueError(
            f"compute_fans: in_axis={in_axis}, out_axis={out_axis} or batch_axis={batch_axis} "
            f"is out of range for a weight of shape {shape}"
        ) from None
    receptive_field = math.prod(shape) / in_size / out_size / batch_size
    return in_size * receptive_field, out_size * receptive_field


def variance_scaling(scale: float, mode: str, distribution: str,
                     in_axis: int | Sequence[int] = -2, out_axis: int | Sequence[int] = -1,
                     batch_axis: int | Sequence[int] = (), dtype: Any = None) -> Initializer:
    """An initializer whose samples have variance ``scale / n``, with ``n`` the fan-in
    (``mode="fan_in"``), fan-out (``"fan_out"``) or their mean (``"fan_avg"``), drawn from
    ``distribution`` "truncated_normal" (truncated to 2 standard deviations, then rescaled),
    "normal" or "uniform".

    Example:
        >>> w = variance_scaling(2.0, "fan_in", "normal")(random.key(0), (128, 64))
    """
    if mode not in ("fan_in", "fan_out", "fan_avg"):
        raise ValueError(f"variance_scaling: mode must be 'fan_in', 'fan_out' or 'fan_avg', "
                         f"got {mode!r}")
    if distribution not in ("truncated_normal", "normal", "uniform"):
        raise ValueError("variance_scaling: distribution must be 'truncated_normal', 'normal' "
                         f"or 'uniform', got {distribution!r}")

    def init(key: Any, shape: Any, dtype: Any = dtype) -> Any:
        shape = _shape(shape)
        dt = _float_dtype("variance_scaling", dtype)
        fan_in, fan_out = compute_fans(shape, in_axis, out_axis, batch_axis)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
        std = math.sqrt(scale / n)
        if distribution == "truncated_normal":
            sample = R.truncated_normal(key, -2.0, 2.0, shape, dt)
            return M.multiply(sample, std / _TRUNCATED_STDDEV)
        if distribution == "normal":
            return M.multiply(R.normal(key, shape, dt), std)
        # uniform on [-a, a) has variance a^2 / 3
        return M.multiply(R.uniform(key, shape, dt, -1.0, 1.0), math.sqrt(3.0) * std)

    return init


def _preset(scale: float, mode: str, distribution: str, name: str, what: str) -> Callable:
    def factory(in_axis: int | Sequence[int] = -2, out_axis: int | Sequence[int] = -1,
                batch_axis: int | Sequence[int] = (), dtype: Any = None) -> Initializer:
        return variance_scaling(scale, mode, distribution, in_axis, out_axis, batch_axis, dtype)

    factory.__name__ = factory.__qualname__ = name
    factory.__doc__ = (
        f"{what}: ``variance_scaling({scale}, {mode!r}, {distribution!r})``.\n\n"
        f"    Example:\n        >>> w = {name}()(random.key(0), (64, 32))\n"
    )
    return factory


glorot_uniform = _preset(1.0, "fan_avg", "uniform", "glorot_uniform", "Glorot/Xavier uniform")
glorot_normal = _preset(1.0, "fan_avg", "truncated_normal", "glorot_normal",
                        "Glorot/Xavier normal")
lecun_uniform = _preset(1.0, "fan_in", "uniform", "lecun_uniform", "LeCun uniform")
lecun_normal = _preset(1.0, "fan_in", "truncated_normal", "lecun_normal", "LeCun normal")
he_uniform = _preset(2.0, "fan_in", "uniform", "he_uniform", "He/Kaiming uniform")
he_normal = _preset(2.0, "fan_in", "truncated_normal", "he_normal", "He/Kaiming normal")
xavier_uniform, xavier_normal = glorot_uniform, glorot_normal
kaiming_uniform, kaiming_normal = he_uniform, he_normal


def orthogonal(scale: float = 1.0, column_axis: int = -1, dtype: Any = None) -> Initializer:
    """An initializer of (semi-)orthogonal matrices: the columns along ``column_axis`` (the
    other axes flattened into rows) are orthonormal (or the rows, when there are fewer of
    them), times ``scale``. Uniform over orthogonal matrices (QR of a normal matrix with the
    signs of R's diagonal folded into Q).

    Example:
        >>> q = orthogonal()(random.key(0), (4, 4))
    """
    def init(key: Any, shape: Any, dtype: Any = dtype) -> Any:
        from .numpy.linalg import qr

        shape = _shape(shape)
        dt = _float_dtype("orthogonal", dtype)
        if len(shape) < 2:
            raise ValueError(f"orthogonal initializer needs at least a 2-D shape, got {shape}")
        axis = column_axis % len(shape)
        n_cols = shape[axis]
        n_rows = math.prod(shape) // n_cols
        matrix_shape = (n_cols, n_rows) if n_rows < n_cols else (n_rows, n_cols)
        q, r = qr(R.normal(key, matrix_shape, dt))
        diag = SO.reshape(_diagonal(r), (1, -1))
        q = M.multiply(q, M.sign(diag))
        if n_rows < n_cols:
            q = SO.transpose(q)
        rest = tuple(s for i, s in enumerate(shape) if i != axis)
        q = SO.moveaxis(SO.reshape(q, rest + (n_cols,)), -1, axis)
        return M.multiply(q, scale)

    return init


def _diagonal(r: Any) -> Any:
    from .numpy import indexing as Ix

    n = min(r.shape)
    idx = C.arange(n)
    return Ix.getitem(r, (idx, idx))


__all__ = [
    "compute_fans", "constant", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform",
    "kaiming_normal", "kaiming_uniform", "lecun_normal", "lecun_uniform", "normal", "ones",
    "orthogonal", "truncated_normal", "uniform", "variance_scaling", "xavier_normal",
    "xavier_uniform", "zeros",
]
