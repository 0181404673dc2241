"""scipy.special functions (jax.scipy.special's names): logsumexp, softmax, erf, gammaln, ...

logsumexp, softmax and log_softmax have fused derivative rules (``custom_vjp``), so their
backward pass is a few operations, and they are stable for large
inputs. Conventions for -inf rows and other edge cases are in docs/numerics.md.
"""
from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from . import dtypes
from .custom import custom_jvp, custom_vjp
from .numpy._convert import asarray, promote_inexact
from .numpy.shape_ops import _axes, broadcast_arrays
from .prims import elementwise as E
from .prims import reduce as R
from .prims import shape as S
from .prims import softmax as SM

# ---- the softmax family (fused rules) ------------------------------------------------------------


def _keep(x: Any, axes: tuple) -> tuple:
    return tuple(1 if i in axes else s for i, s in enumerate(S.shape_of(x)))


def _sum_keep(x: Any, axes: tuple) -> Any:
    return S.reshape(R.reduce_sum(x, axes), _keep(x, axes))


def _shifted(x: Any, axes: tuple) -> tuple:
    """``(x - m, m)`` with m the max over ``axes`` (kept), and 0 where that max is not finite:
    a row of -inf stays -inf instead of becoming ``-inf - -inf = NaN``."""
    m = S.stop_gradient_p.bind(S.reshape(R.reduce_max(x, axes), _keep(x, axes)))
    m = E.select(E.is_finite(m), m, 0.0)
    return E.sub(x, m), m


def _safe_log(s: Any) -> Any:
    """log(s) for a sum of exponentials s >= 0; -inf at 0 without numpy's divide warning."""
    empty = E.eq(s, 0.0)
    return E.select(empty, -np.inf, E.log(E.select(empty, 1.0, s)))


def _lse_parts(x: Any, axes: tuple) -> tuple:
    """(logsumexp kept over axes, softmax): the softmax of an all -inf row is 0."""
    z, m = _shifted(x, axes)
    e = E.exp(z)
    s = _sum_keep(e, axes)
    return E.add(_safe_log(s), m), E.div(e, E.select(E.eq(s, 0.0), 1.0, s))


# The fused rules are custom_vjp (a direct backward pass, the cheapest under grad); forward mode
# differentiates the primal code, which is written to be stable and NaN-free for it too.


@functools.lru_cache(maxsize=256)
def _lse_fn(axes: tuple) -> custom_vjp:
    @custom_vjp
    def lse(x):
        z, m = _shifted(x, axes)
        return E.add(_safe_log(_sum_keep(E.exp(z), axes)), m)  # (all -inf: -inf)

    def lse_fwd(x):
        # The weights are the softmax (0 for an all -inf row: a finite gradient, not NaN),
        # from the shifted exponentials: exp(x - out) would lose digits when |x| is large.
        return _lse_parts(x, axes)

    def lse_bwd(p, ct):
        return (E.mul(ct, p),)

    lse.defvjp(lse_fwd, lse_bwd)
    return lse


# softmax and log_softmax are one fused primitive (prims/softmax.py) plus, for softmax, an exp:
# eagerly that is 1-2 recorded operations instead of a custom_vjp call's machinery.


@functools.lru_cache(maxsize=256)
def _softmax_fn(axes: tuple) -> Any:
    return lambda x: E.exp(SM.log_softmax(x, axes))


@functools.lru_cache(maxsize=256)
def _log_softmax_fn(axes: tuple) -> Any:
    return lambda x: SM.log_softmax(x, axes)


def _float_arrays(*xs: Any) -> list:
    """Promote to one float dtype, Python scalars included (they take the arrays' dtype)."""
    xs = promote_inexact(*xs)
    dt = dtypes.result_type(*xs)
    return [asarray(x, dt) for x in xs]


def _prepare(x: Any, axis: Any) -> tuple:
    (x,) = promote_inexact(x)
    x = asarray(x)
    return x, _axes(axis, x.ndim)


def _masked(x: Any, where: Any, fill: float) -> Any:
    return x if where is None else E.select(asarray(where, bool), x, fill)


def logsumexp(a: Any, axis: Any = None, b: Any = None, keepdims: bool = False,
              return_sign: bool = False, where: Any = None) -> Any:
    """``log(sum(b * exp(a)))`` over ``axis``, computed without overflow.

    A slice that is all -inf gives -inf, with gradient 0 (not NaN). With ``return_sign``, returns
    ``(log|sum|, sign(sum))``, which allows negative weights ``b``. ``where`` masks elements out.

    Example:
        >>> logsumexp(jnp.asarray([1000.0, 1000.0]))
        Array(1000.6931, dtype=float32)
    """
    x, axes = _prepare(a, axis)
    x = _masked(x, where, -np.inf)
    if b is None and not return_sign:
        out = _lse_fn(axes)(x)
    else:
        # Weighted: compose (the weights may be negative or zero; no fused rule).
        if b is not None:
            (bb,) = promote_inexact(b)
            bb = asarray(bb).astype(x.dtype)
            if where is not None:
                bb = E.select(asarray(where, bool), bb, 0.0)
            x, bb = broadcast_arrays(x, bb)
        z, m = _shifted(x, axes)
        terms = E.exp(z) if b is None else E.mul(bb, E.exp(z))
        s = _sum_keep(terms, axes)
        sign = E.sign(s)
        empty = E.eq(s, 0.0)
        abs_s = E.abs_(E.select(empty, 1.0, s))
        out = E.add(E.select(empty, -np.inf, E.log(abs_s)), m)
        if not return_sign:
            out = E.select(E.lt(s, 0.0), np.nan, out)
    if not keepdims:
        out = S.reshape(out, tuple(d for i, d in enumerate(out.shape) if i not in axes))
        if return_sign:
            sign = S.reshape(sign, out.shape)
    return (out, sign) if return_sign else out


def softmax(x: Any, /, *, axis: Any = None) -> Any:
    """``exp(x) / sum(exp(x))`` over ``axis`` (all axes by default, as in scipy).

    Example:
        >>> softmax(jnp.asarray([1.0, 1.0]))
        Array([0.5, 0.5], dtype=float32)
    """
    x, axes = _prepare(x, axis)
    return _softmax_fn(axes)(x)


def log_softmax(x: Any, /, *, axis: Any = None) -> Any:
    """``x - logsumexp(x)`` over ``axis`` (all axes by default), without overflow.

    Example:
        >>> log_softmax(jnp.asarray([0.0, 0.0]))
        Array([-0.6931472, -0.6931472], dtype=float32)
    """
    x, axes = _prepare(x, axis)
    return _log_softmax_fn(axes)(x)


# ---- error function and gamma family ----------------------------------------------------------


def _unary(name: str, bound: Any, what: str, example: str) -> Any:
    def fn(x: Any) -> Any:
        (x,) = promote_inexact(x)
        return bound(asarray(x))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"{what}.\n\n    Example: ``{example}``."
    return fn


erf = _unary("erf", E.erf, "The error function 2/sqrt(pi) * integral of exp(-t**2) from 0 to x",
             "erf(jnp.asarray(0.5))  # 0.5204999")
erfc = _unary("erfc", E.erfc, "The complementary error function 1 - erf(x), accurate where "
              "erf(x) is near 1", "erfc(jnp.asarray(3.0))  # 2.209e-05")
erfinv = _unary("erfinv", E.erf_inv, "The inverse of erf on (-1, 1) (+-inf at +-1)",
                "erfinv(jnp.asarray(0.5))  # 0.4769363")
gammaln = _unary("gammaln", E.lgamma, "log|Gamma(x)| (inf at 0, -1, -2, ...)",
                 "gammaln(jnp.asarray(5.0))  # log(24) = 3.1780539")
digamma = _unary("digamma", E.digamma, "The digamma function, d/dx log Gamma(x) (NaN at the "
                 "poles 0, -1, -2, ...)", "digamma(jnp.asarray(1.0))  # -0.5772157")
expit = _unary("expit", E.logistic, "The logistic sigmoid 1 / (1 + exp(-x))",
               "expit(jnp.asarray(0.0))  # 0.5")


def polygamma(n: Any, x: Any) -> Any:
    """The n-th derivative of digamma, for a non-negative integer ``n`` (a Python int or a
    concrete integer array holding one value).

    Example: ``polygamma(1, jnp.asarray(1.0))`` is pi**2 / 6 = 1.6449341."""
    try:
        n_int = int(np.asarray(n).reshape(-1)[0]) if np.size(n) else None
        if n_int is None or np.any(np.asarray(n) != n_int) or n_int < 0:
            raise ValueError
    except (ValueError, TypeError):
        raise ValueError(f"polygamma: n must be one non-negative integer, got {n!r}") from None
    (x,) = promote_inexact(x)
    x = asarray(x)
    return E.digamma(x) if n_int == 0 else E.polygamma(n_int, x)


def gamma(x: Any) -> Any:
    """The gamma function, sign included: ``sign * exp(gammaln(x))``.

    Example: ``gamma(jnp.asarray(5.0))`` is 24."""
    (x,) = promote_inexact(x)
    x = asarray(x)
    odd = E.ne(E.rem(E.floor(x), 2.0), 0.0)
    negative = E.bitwise_and(E.lt(x, 0.0), odd)
    magnitude = E.exp(E.lgamma(x))
    return E.select(negative, E.neg(magnitude), magnitude)


def betaln(a: Any, b: Any) -> Any:
    """``log|B(a, b)| = gammaln(a) + gammaln(b) - gammaln(a + b)``. Example: ``betaln(2., 3.)``."""
    a, b = _float_arrays(a, b)
    return E.sub(E.add(E.lgamma(a), E.lgamma(b)), E.lgamma(E.add(a, b)))


def logit(x: Any) -> Any:
    """The inverse of expit: ``log(x / (1 - x))``, -inf at 0 and inf at 1, where the
    derivative ``1 / (x (1 - x))`` is +inf. Example: ``logit(jnp.asarray(0.5))`` is 0."""
    (x,) = promote_inexact(x)
    x = asarray(x)
    # (log(x / (1 - x)) would differentiate to inf - inf = NaN at 1 and 0 * inf at 0)
    return E.sub(E.log(x), E.log1p(E.neg(x)))


@custom_jvp
def _xlogy(x, y):
    safe_y = E.select(E.eq(x, 0.0), 1.0, y)
    return E.select(E.eq(x, 0.0), 0.0, E.mul(x, E.log(safe_y)))


@_xlogy.defjvp
def _xlogy_jvp(primals, tangents):
    (x, y), (tx, ty) = primals, tangents
    out = _xlogy(x, y)
    x_zero = E.eq(x, 0.0)
    # d/dx = log(y); d/dy = x / y, which is 0 where x == 0 (even at y == 0). Only the 0 / 0
    # point gets a safe denominator, so that d/dx of d/dy is 1 / y at x == 0 too.
    dy = E.div(x, E.select(E.bitwise_and(x_zero, E.eq(y, 0.0)), 1.0, y))
    return out, E.add(E.mul(tx, E.log(y)), E.mul(ty, dy))


def xlogy(x: Any, y: Any) -> Any:
    """``x * log(y)``, defined as 0 where ``x == 0`` (even at ``y == 0``).

    Example: ``xlogy(jnp.asarray(0.0), jnp.asarray(0.0))`` is 0."""
    return _xlogy(*broadcast_arrays(*_float_arrays(x, y)))


@custom_jvp
def _xlog1py(x, y):
    x_zero = E.eq(x, 0.0)
    safe_y = E.select(x_zero, 0.0, y)
    return E.select(x_zero, 0.0, E.mul(x, E.log1p(safe_y)))


@_xlog1py.defjvp
def _xlog1py_jvp(primals, tangents):
    (x, y), (tx, ty) = primals, tangents
    out = _xlog1py(x, y)
    x_zero = E.eq(x, 0.0)
    # d/dx = log1p(y), at x == 0 too (the value's select would say 0 there); d/dy = x / (1 + y),
    # 0 where x == 0 (even at y == -1).
    one_y = E.add(1.0, y)
    dy = E.div(x, E.select(E.bitwise_and(x_zero, E.eq(one_y, 0.0)), 1.0, one_y))
    return out, E.add(E.mul(tx, E.log1p(y)), E.mul(ty, dy))


def xlog1py(x: Any, y: Any) -> Any:
    """``x * log1p(y)``, defined as 0 where ``x == 0`` (even at ``y == -1``); the derivative in
    ``x`` is ``log1p(y)`` everywhere. Example: ``xlog1py(x, y)``."""
    return _xlog1py(*broadcast_arrays(*_float_arrays(x, y)))


def entr(x: Any) -> Any:
    """Elementwise entropy ``-x log x`` (0 at 0, -inf for x < 0). The gradient at 0, where the
    true derivative is +inf, is 0 (see docs/numerics.md).

    Example: ``entr(jnp.asarray(0.5))`` is 0.3465736."""
    (x,) = promote_inexact(x)
    x = asarray(x)
    positive = E.gt(x, 0.0)
    safe = E.select(positive, x, 1.0)
    inner = E.neg(E.mul(safe, E.log(safe)))
    # x * 0 keeps x's dtype, is 0 at 0 and NaN at NaN
    return E.select(E.lt(x, 0.0), -np.inf, E.select(positive, inner, E.mul(x, 0.0)))


_SQRT_HALF = math.sqrt(0.5)


def ndtr(x: Any) -> Any:
    """The standard normal CDF. Example: ``ndtr(jnp.asarray(0.0))`` is 0.5."""
    (x,) = promote_inexact(x)
    x = asarray(x)
    return E.mul(0.5, E.erfc(E.mul(x, -_SQRT_HALF)))


def log_ndtr(x: Any) -> Any:
    """``log(ndtr(x))``, accurate far into both tails. Example: ``log_ndtr(jnp.asarray(-40.))``.
    """
    (x,) = promote_inexact(x)
    x = asarray(x)
    # x > 0: log1p(-ndtr(-x)); moderate x <= 0: log(ndtr(x)); far left tail: the asymptotic
    # series of the Mills ratio.
    upper = E.log1p(E.neg(ndtr(E.neg(E.select(E.gt(x, 0.0), x, 0.0)))))
    # where ndtr is still far from underflow (its square too: second derivatives divide by it)
    cut = -20.0 if x.dtype.itemsize >= 8 else -8.0
    far = E.lt(x, cut)
    middle = E.log(ndtr(E.select(far, cut, x)))
    xs = E.select(far, x, cut)
    w = E.div(1.0, E.mul(xs, xs))
    poly = 10395.0  # the Mills-ratio series 1 - w + 3w^2 - 15w^3 + ... with w = 1/x^2
    for c in (-945.0, 105.0, -15.0, 3.0, -1.0):
        poly = E.add(c, E.mul(w, poly))
    series = E.log1p(E.mul(w, poly))
    tail = E.add(E.sub(E.mul(-0.5, E.mul(xs, xs)), E.log(E.neg(xs))),
                 E.sub(series, 0.5 * math.log(2 * math.pi)))
    return E.select(E.gt(x, 0.0), upper, E.select(far, tail, middle))


def ndtri(p: Any) -> Any:
    """The inverse of ndtr (the standard normal quantile), ``sqrt(2) * erfinv(2p - 1)``.
    Accurate for p not within ~1e-16 of 0 (float64).

    Example: ``ndtri(jnp.asarray(0.975))`` is 1.959964."""
    (p,) = promote_inexact(p)
    p = asarray(p)
    return E.mul(math.sqrt(2.0), E.erf_inv(E.sub(E.mul(2.0, p), 1.0)))


# The public names re-exported by the public module.
__all__: list[str] = [
    "betaln", "digamma", "entr", "erf", "erfc", "erfinv", "expit", "gamma", "gammaln",
    "log_ndtr", "log_softmax", "logit", "logsumexp", "ndtr", "ndtri", "polygamma", "softmax",
    "xlog1py", "xlogy",
]
