"""log_softmax: one fused primitive, so that a softmax cross-entropy costs one recorded
operation forward and a handful backward (composed from max, exp, sum and log it is about ten
of each, and eager grad pays per operation).

NOTE: a slice that is all -inf gives -inf (softmax 0), not NaN, and finite derivatives: the
shift uses 0 where the max is not finite, and an empty sum takes log(1) (docs/numerics.md).
"""
from __future__ import annotations

from typing import Any

from ..core import Primitive, ShapedArray
from . import elementwise as E
from . import reduce as R
from . import shape as S


def _log_softmax_kernel(xp):
    def impl(x, *, axes):
        m = x.max(axis=axes, keepdims=True, initial=-xp.inf)
        m = xp.where(xp.isfinite(m), m, 0)  # (m is small: one value per slice)
        z = x - m
        s = xp.exp(z).sum(axis=axes, keepdims=True)
        return z - xp.log(xp.where(s == 0, 1, s))

    return impl


def _log_softmax_aval(a: ShapedArray, *, axes: tuple) -> ShapedArray:
    if a.dtype.kind not in "f":
        raise TypeError(f"log_softmax needs a floating-point input, got {a.dtype}; convert "
                        "with .astype(jnp.float32)")
    if any(not 0 <= ax < a.ndim for ax in axes):
        raise ValueError(f"log_softmax: axes {axes} out of range for shape {a.shape}")
    return ShapedArray(a.shape, a.dtype)


def _sum_keep(x: Any, axes: tuple) -> Any:
    kept = tuple(1 if i in axes else s for i, s in enumerate(S.shape_of(x)))
    return S.reshape(R.reduce_sum(x, axes), kept)


def _log_softmax_jvp(t, out, x, *, axes):
    return E.sub(t, _sum_keep(E.mul(E.exp(out), t), axes))


def _log_softmax_vjp(ct, out, x, *, axes):
    return E.sub(ct, E.mul(E.exp(out), _sum_keep(ct, axes)))


def _log_softmax_batch(vals, dims, *, axes):
    (x,), (d,) = vals, dims
    return log_softmax(x, tuple(a + (a >= d) for a in axes)), d


log_softmax_p = Primitive(
    "log_softmax",
    kernel=_log_softmax_kernel,
    abstract_eval=_log_softmax_aval,
    jvp=(_log_softmax_jvp,),
    vjp=(_log_softmax_vjp,),
    batch=_log_softmax_batch,
)


def log_softmax(x: Any, axes: tuple) -> Any:
    """``x - logsumexp(x)`` over ``axes`` (non-negative ints), as one primitive.

    Example: ``log_softmax(jnp.zeros(2), (0,))`` is ``[-0.6931472, -0.6931472]``.
    """
    return log_softmax_p.bind(x, axes=tuple(sorted(int(a) for a in axes)))



