"""Neural-network functions (jax.nn's names): activations, softmax family, one_hot, standardize.

All are composites of primitives (no rules of their own) except the softmax family, which
shares the fused rules of ``scipy_special``. Derivatives at kinks follow JAX: relu'(0) = 0,
relu6' is 0 at 0 and 6, leaky_relu'(0) = 1, hard_tanh' is 1 at +-1 (docs/numerics.md).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import dtypes
from .numpy import math as M
from .numpy._convert import asarray, promote, promote_inexact
from .numpy.shape_ops import _axes, _axis, moveaxis
from .prims import elementwise as E
from .prims import shape as S
from .scipy_special import _log_softmax_fn, _softmax_fn, logsumexp


def _float(x: Any) -> Any:
    (x,) = promote_inexact(x)
    return asarray(x)


def relu(x: Any) -> Any:
    """``max(x, 0)``, with relu'(0) = 0 as in JAX (NaN stays NaN).

    Example:
        >>> relu(jnp.asarray([-1.0, 0.0, 2.0]))
        Array([0., 0., 2.], dtype=float32)
    """
    x = asarray(x)
    return E.select(E.le(x, 0), 0 if x.dtype.kind in "iu" else 0.0, x)


def relu6(x: Any) -> Any:
    """``min(max(x, 0), 6)``; the derivative is 0 at 0 and at 6 (JAX's convention).

    Example: ``relu6(jnp.asarray([-1.0, 3.0, 9.0]))`` is ``[0., 3., 6.]``."""
    x = _float(x)
    return E.select(E.le(x, 0.0), 0.0, E.select(E.ge(x, 6.0), 6.0, x))


def leaky_relu(x: Any, negative_slope: float = 1e-2) -> Any:
    """``x`` for x >= 0, ``negative_slope * x`` below (derivative 1 at 0).

    Example: ``leaky_relu(jnp.asarray([-1.0, 2.0]))`` is ``[-0.01, 2.]``."""
    x = _float(x)
    return E.select(E.ge(x, 0.0), x, E.mul(x, float(negative_slope)))


def elu(x: Any, alpha: float = 1.0) -> Any:
    """``x`` for x > 0, ``alpha * (exp(x) - 1)`` below (no overflow for large x).

    Example: ``elu(jnp.asarray([-1.0, 2.0]))`` is ``[-0.6321206, 2.]``."""
    x = _float(x)
    positive = E.gt(x, 0.0)
    safe = E.select(positive, 0.0, x)  # exp of large positives would overflow in the dead branch
    return E.select(positive, x, E.mul(float(alpha), E.expm1(safe)))


def celu(x: Any, alpha: float = 1.0) -> Any:
    """``max(x, 0) + alpha * expm1(min(x, 0) / alpha)``.

    Example: ``celu(jnp.asarray([-1.0, 2.0]))`` is ``[-0.6321206, 2.]``."""
    x = _float(x)
    return E.add(E.max_(x, 0.0), E.mul(float(alpha), E.expm1(E.div(E.min_(x, 0.0), float(alpha)))))


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(x: Any) -> Any:
    """Scaled ELU with the self-normalising constants (Klambauer et al., 2017).

    Example: ``selu(jnp.asarray([1.0]))`` is ``[1.050701]``."""
    return E.mul(_SELU_SCALE, elu(x, _SELU_ALPHA))


def sigmoid(x: Any) -> Any:
    """The logistic sigmoid ``1 / (1 + exp(-x))``, without overflow.

    Example: ``sigmoid(jnp.asarray(0.0))`` is 0.5."""
    return E.logistic(_float(x))


def silu(x: Any) -> Any:
    """``x * sigmoid(x)`` (also called swish). Example: ``silu(jnp.asarray(1.0))`` is 0.7310586."""
    x = _float(x)
    return E.mul(x, E.logistic(x))


swish = silu


def softplus(x: Any) -> Any:
    """``log(1 + exp(x))`` without overflow; its derivative is exactly sigmoid(x).

    Example: ``softplus(jnp.asarray(0.0))`` is log(2) = 0.6931472."""
    x = _float(x)
    # m + log(exp(x - m) + exp(-m)) with m = max(x, 0) held constant: stable, and smooth to any
    # order (the m terms cancel in the derivative).
    m = S.stop_gradient_p.bind(E.max_(x, 0.0))
    return E.add(m, E.log(E.add(E.exp(E.sub(x, m)), E.exp(E.neg(m)))))


def log_sigmoid(x: Any) -> Any:
    """``log(sigmoid(x)) = -softplus(-x)``, accurate for large |x|.

    Example: ``log_sigmoid(jnp.asarray(0.0))`` is -0.6931472."""
    return E.neg(softplus(E.neg(_float(x))))


def soft_sign(x: Any) -> Any:
    """``x / (|x| + 1)``. Example: ``soft_sign(jnp.asarray(1.0))`` is 0.5."""
    x = _float(x)
    return E.div(x, E.add(E.abs_(x), 1.0))


def hard_tanh(x: Any) -> Any:
    """``x`` clipped to [-1, 1] (derivative 1 at +-1, as in JAX).

    Example: ``hard_tanh(jnp.asarray([-2.0, 0.5]))`` is ``[-1., 0.5]``."""
    x = _float(x)
    return E.select(E.gt(x, 1.0), 1.0, E.select(E.lt(x, -1.0), -1.0, x))


def hard_sigmoid(x: Any) -> Any:
    """``relu6(x + 3) / 6``. Example: ``hard_sigmoid(jnp.asarray(0.0))`` is 0.5."""
    return E.div(relu6(E.add(_float(x), 3.0)), 6.0)


def hard_silu(x: Any) -> Any:
    """``x * hard_sigmoid(x)`` (also called hard_swish). Example: ``hard_silu(x)``."""
    x = _float(x)
    return E.mul(x, hard_sigmoid(x))


hard_swish = hard_silu


def tanh(x: Any) -> Any:
    """The hyperbolic tangent. Example: ``tanh(jnp.asarray(0.5))`` is 0.46211717."""
    return E.tanh(_float(x))


def gelu(x: Any, approximate: bool = True) -> Any:
    """The Gaussian error linear unit ``x * Phi(x)``: by default (as in JAX) the tanh
    approximation, with ``approximate=False`` the exact one (through erfc).

    Example: ``gelu(jnp.asarray(1.0))`` is 0.841192 (exact: 0.8413447)."""
    x = _float(x)
    if approximate:
        c = math.sqrt(2.0 / math.pi)
        inner = E.mul(c, E.add(x, E.mul(0.044715, E.mul(x, E.mul(x, x)))))
        return E.mul(E.mul(0.5, x), E.add(1.0, E.tanh(inner)))
    return E.mul(E.mul(0.5, x), E.erfc(E.mul(x, -math.sqrt(0.5))))


def mish(x: Any) -> Any:
    """``x * tanh(softplus(x))``. Example: ``mish(jnp.asarray(1.0))`` is 0.8650984."""
    x = _float(x)
    return E.mul(x, E.tanh(softplus(x)))


def squareplus(x: Any, b: float = 4) -> Any:
    """``(x + sqrt(x**2 + b)) / 2``, a smooth relu. Example: ``squareplus(jnp.asarray(0.0))``
    is 1."""
    x = _float(x)
    return E.mul(0.5, E.add(x, E.sqrt(E.add(E.mul(x, x), float(b)))))


def identity(x: Any) -> Any:
    """The identity activation. Example: ``identity(x)`` is ``x``."""
    return asarray(x)


def _halves(x: Any, axis: int) -> tuple:
    x = asarray(x)
    ax = _axis(axis, x.ndim)
    n = x.shape[ax]
    if n % 2:
        raise ValueError(f"glu: the size of axis {axis} must be even, got shape {x.shape}")
    zeros, limit = (0,) * x.ndim, x.shape
    mid = tuple(n // 2 if i == ax else 0 for i in range(x.ndim))
    upper = tuple(n // 2 if i == ax else s for i, s in enumerate(limit))
    return S.slice_(x, zeros, upper), S.slice_(x, mid, limit)


def glu(x: Any, axis: int = -1) -> Any:
    """Gated linear unit: split ``x`` in two halves along ``axis``, ``a * sigmoid(b)``.

    Example: ``glu(jnp.asarray([1.0, 0.0]))`` is ``[0.5]``."""
    a, b = _halves(_float(x), axis)
    return E.mul(a, E.logistic(b))


def _prepare(x: Any, axis: Any) -> tuple:
    x = _float(x)
    return x, _axes(axis, x.ndim)


def softmax(x: Any, axis: Any = -1, where: Any = None) -> Any:
    """``exp(x) / sum(exp(x))`` along ``axis``, stable for large inputs, with a fused backward
    pass. ``where`` masks entries out (they get 0). A slice that is all -inf (or all masked)
    gives zeros, with finite gradients (JAX gives NaN there; docs/numerics.md).

    Example:
        >>> softmax(jnp.asarray([0.0, 1e4]))
        Array([0., 1.], dtype=float32)
    """
    x, axes = _prepare(x, axis)
    if where is None:
        return _softmax_fn(axes)(x)
    mask = asarray(where, bool)
    return E.select(mask, _softmax_fn(axes)(E.select(mask, x, -np.inf)), 0.0)


def log_softmax(x: Any, axis: Any = -1, where: Any = None) -> Any:
    """``x - logsumexp(x)`` along ``axis``, stable, with a fused backward pass. Masked entries
    (``where`` False) and all -inf slices give -inf.

    Example:
        >>> log_softmax(jnp.asarray([0.0, 0.0]))
        Array([-0.6931472, -0.6931472], dtype=float32)
    """
    x, axes = _prepare(x, axis)
    if where is None:
        return _log_softmax_fn(axes)(x)
    mask = asarray(where, bool)
    return E.select(mask, _log_softmax_fn(axes)(E.select(mask, x, -np.inf)), -np.inf)


def one_hot(x: Any, num_classes: int, *, dtype: Any = None, axis: int | tuple = -1) -> Any:
    """One-hot encode integer labels: a new axis (at ``axis``) of size ``num_classes``, 1 where
    the index equals the label. Out-of-range labels give all zeros.

    Example:
        >>> one_hot(jnp.asarray([0, 2]), 3)
        Array([[1., 0., 0.],
               [0., 0., 1.]], dtype=float32)
    """
    if not isinstance(num_classes, (int, np.integer)):
        raise TypeError(f"one_hot: num_classes must be a Python int (static), got {num_classes!r}")
    x = asarray(x)
    dt = dtypes.default_float if dtype is None else dtypes.canonicalize(dtype)
    classes = asarray(np.arange(int(num_classes)))
    x_, classes = promote(x, classes)
    hot = E.eq(S.reshape(x_, x.shape + (1,)), classes)
    out = E.convert(hot, dt)
    if not isinstance(axis, (int, np.integer)):
        raise NotImplementedError(
            f"one_hot: axis must be an int (the position of the new axis), got {axis!r}; "
            "named axes (JAX's axis names of pmap/shard_map) are not supported"
        )
    return moveaxis(out, -1, _axis(axis, x.ndim + 1))


def standardize(x: Any, axis: Any = -1, mean: Any = None, variance: Any = None,
                epsilon: float = 1e-5, where: Any = None, *, algorithm: str = "fast") -> Any:
    """``(x - mean) / sqrt(variance + epsilon)`` along ``axis``, the statistics computed when
    not given. ``algorithm="fast"`` (the default, as JAX) takes the variance as
    ``mean(x**2) - mean**2``, clipped at 0 (rounding, or a given ``mean``, can make it
    negative); ``"stable"`` as ``mean((x - mean)**2)``. Python-scalar ``mean``/``variance``
    take x's dtype.

    Example: ``standardize(jnp.asarray([1.0, 3.0]))`` is about ``[-1., 1.]``."""
    from .numpy.reductions import mean as _mean

    if algorithm not in ("fast", "stable"):
        raise ValueError(f"standardize: algorithm must be 'fast' or 'stable', got {algorithm!r}")
    x = _float(x)
    kw = {} if where is None else {"where": where}
    mean = _mean(x, axis, keepdims=True, **kw) if mean is None else _like(mean, x)
    if variance is None:
        if algorithm == "stable":
            centred = M.subtract(x, mean)
            variance = _mean(E.mul(centred, centred), axis, keepdims=True, **kw)
        else:
            sq = _mean(E.mul(x, x), axis, keepdims=True, **kw)
            variance = E.max_(E.sub(sq, E.mul(mean, mean)), 0.0)
    else:
        variance = _like(variance, x)
    return E.mul(M.subtract(x, mean), E.div(1.0, E.sqrt(M.add(variance, float(epsilon)))))


def _like(value: Any, x: Any) -> Any:
    """A Python scalar as an Array of x's dtype (weak, as in JAX); arrays as they are."""
    return asarray(value, x.dtype) if dtypes.is_python_scalar(value) else asarray(value)


# The public names re-exported by the public module.
__all__: list[str] = [
    "celu", "elu", "gelu", "glu", "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh",
    "identity", "leaky_relu", "log_sigmoid", "log_softmax", "logsumexp", "mish", "one_hot",
    "relu", "relu6", "selu", "sigmoid", "silu", "soft_sign", "softmax", "softplus",
    "squareplus", "standardize", "swish", "tanh",
]
