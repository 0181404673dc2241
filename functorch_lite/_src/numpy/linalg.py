"""numpy.linalg with numpy's names (jax.numpy.linalg): solve, inv, det, cholesky, eigh, svd, ...

Seven primitives do the factorisations (``prims/linalg_decomp.py``: solve, det, slogdet,
cholesky, eigh, svd, qr); everything here composes them, so it batches, jits and differentiates
with no rules of its own (``pinv`` alone has a custom JVP, as in JAX, so its derivative does not
go through the singular vectors). Every function works on stacks of matrices (leading axes), as
numpy's do.

Errors: a singular matrix in ``solve``/``inv`` and a matrix that is not positive definite in
``cholesky`` raise ``numpy.linalg.LinAlgError`` eagerly, as numpy does (JAX returns inf/NaN).
The jit-compiled code runs the same kernels, so they raise there too.
"""
from __future__ import annotations

import operator
from typing import Any, NamedTuple

import numpy as np

from .. import dtypes
from ..custom import custom_jvp
from ..prims import elementwise as E
from ..prims import linalg_decomp as D
from ..prims import reduce as R
from ..prims import shape as S
from ._convert import asarray, promote_inexact
from .linalg_norm import __all__ as _norm_all
from .linalg_norm import matrix_norm, norm, vector_norm
from .linalg_ops import _diagonal, matmul, matrix_transpose, tensordot, vecdot
from .linalg_ops import cross as _cross
from .linalg_ops import outer as _outer

__all__ = list(_norm_all) + [
    "EighResult", "QRResult", "SVDResult", "SlogdetResult", "cholesky", "cond", "cross", "det",
    "diagonal", "eigh", "eigvalsh", "inv", "lstsq", "matmul", "matrix_power", "matrix_rank",
    "matrix_transpose", "multi_dot", "outer", "pinv", "qr", "slogdet", "solve", "svd",
    "svdvals", "tensordot", "tensorinv", "tensorsolve", "trace", "vecdot",
]
_ = (matrix_norm, norm, vector_norm, matmul, tensordot, vecdot)  # re-exported


class EighResult(NamedTuple):
    """``eigh``'s result: ascending eigenvalues and eigenvectors (columns)."""

    eigenvalues: Any
    eigenvectors: Any


class QRResult(NamedTuple):
    """``qr``'s result: ``Q`` (orthonormal columns) and upper-triangular ``R``."""

    Q: Any
    R: Any


class SVDResult(NamedTuple):
    """``svd``'s result: ``a = U diag(S) Vh``, ``S`` descending."""

    U: Any
    S: Any
    Vh: Any


class SlogdetResult(NamedTuple):
    """``slogdet``'s result: ``det = sign * exp(logabsdet)``."""

    sign: Any
    logabsdet: Any


# ---- helpers -------------------------------------------------------------------------------------


def _floats(*xs: Any) -> list:
    return list(promote_inexact(*[asarray(x) for x in xs]))


def _matrix(name: str, a: Any, square: bool = False) -> Any:
    (a,) = _floats(a)
    if a.ndim < 2:
        raise ValueError(f"{name}: expected a matrix or a stack of matrices (at least 2 "
                         f"dimensions), got shape {a.shape}")
    if square and a.shape[-1] != a.shape[-2]:
        raise ValueError(f"{name}: expected square matrices (shape (..., n, n)), got shape "
                         f"{a.shape}")
    return a


def _eye_like(a: Any) -> Any:
    n = a.shape[-1]
    return S.broadcast_to(asarray(np.eye(n, dtype=a.dtype)), a.shape[:-2] + (n, n))


def _sym(a: Any) -> Any:
    return E.mul(E.add(a, D._mT(a)), 0.5)


def _default_rtol(a: Any) -> float:
    # JAX's default cutoff for pinv/lstsq/matrix_rank: eps * the larger side (x10 for pinv).
    return float(np.finfo(a.dtype).eps) * max(a.shape[-2:])


# ---- factorisations ------------------------------------------------------------------------------


def cholesky(a: Any, *, upper: bool = False, symmetrize_input: bool = True) -> Any:
    """Cholesky factor: lower ``L`` with ``a = L Lᵀ`` (or upper ``U = Lᵀ`` with ``a = Uᵀ U``).

    ``symmetrize_input`` uses ``(a + aᵀ)/2`` (both triangles; better derivatives), else the
    lower triangle only. Raises ``numpy.linalg.LinAlgError`` if ``a`` is not positive definite.

    Example:
        >>> cholesky(jnp.asarray([[4.0, 2.0], [2.0, 2.0]]))
        Array([[2., 0.],
               [1., 1.]], dtype=float32)
    """
    a = _matrix("cholesky", a, square=True)
    low = D.cholesky(_sym(a) if symmetrize_input else a)
    return D._mT(low) if upper else low


def eigh(a: Any, UPLO: str | None = None, symmetrize_input: bool = True) -> EighResult:
    """Eigenvalues (ascending) and eigenvectors (columns) of symmetric matrices.

    ``symmetrize_input`` (default, as JAX) uses ``(a + aᵀ)/2``; else the ``UPLO`` triangle
    ('L' by default). Eigenvector derivatives need distinct eigenvalues (inf/NaN otherwise, as
    in JAX); eigenvalue derivatives are always finite.

    Example:
        >>> eigh(jnp.asarray([[2.0, 0.0], [0.0, 1.0]])).eigenvalues
        Array([1., 2.], dtype=float32)
    """
    a = _matrix("eigh", a, square=True)
    uplo = "L" if UPLO is None else UPLO
    if uplo not in ("L", "U"):
        raise ValueError(f"eigh: UPLO must be 'L' or 'U', got {UPLO!r}")
    v, w = D.eigh(_sym(a) if symmetrize_input else a, lower=uplo == "L")
    return EighResult(w, v)


def eigvalsh(a: Any, UPLO: str | None = "L", *, symmetrize_input: bool = True) -> Any:
    """Eigenvalues (ascending) of symmetric matrices.

    Example:
        >>> eigvalsh(jnp.asarray([[2.0, 1.0], [1.0, 2.0]]))
        Array([1., 3.], dtype=float32)
    """
    return eigh(a, UPLO, symmetrize_input).eigenvalues


def qr(a: Any, mode: str = "reduced") -> Any:
    """QR factorisation: ``QRResult(Q, R)`` for mode 'reduced' or 'complete', ``R`` for 'r'.

    Derivatives: m >= n with 'reduced' (or 'r'), as in JAX.

    Example:
        >>> qr(jnp.eye(3)).R.shape
        (3, 3)
    """
    a = _matrix("qr", a)
    if mode not in ("reduced", "complete", "r"):
        raise ValueError(f"qr: mode must be 'reduced', 'complete' or 'r', got {mode!r}")
    q, r = D.qr(a, full_matrices=mode == "complete")
    return r if mode == "r" else QRResult(q, r)


def svd(a: Any, full_matrices: bool = True, compute_uv: bool = True,
        hermitian: bool = False) -> Any:
    """Singular value decomposition ``a = U diag(S) Vh``: ``SVDResult(U, S, Vh)``, or ``S``
    (descending) alone without ``compute_uv``.

    Singular-vector derivatives need distinct singular values and ``full_matrices=False`` for
    non-square input (as in JAX); singular values are differentiable (repeated ones included).
    ``hermitian`` is accepted and ignored.

    Example:
        >>> svd(jnp.asarray([[3.0, 0.0], [0.0, 4.0]]), compute_uv=False)
        Array([4., 3.], dtype=float32)
    """
    del hermitian
    a = _matrix("svd", a)
    if not compute_uv:
        return D.svd(a, compute_uv=False)[0]
    s, u, vt = D.svd(a, full_matrices=full_matrices)
    return SVDResult(u, s, vt)


def svdvals(x: Any, /) -> Any:
    """Singular values, descending.

    Example:
        >>> svdvals(jnp.eye(2))
        Array([1., 1.], dtype=float32)
    """
    return svd(x, compute_uv=False)


# ---- determinants, inverses, solves -------------------------------------------------------------


def det(a: Any) -> Any:
    """Determinants of square matrices. The derivative is ``adj(a)ᵀ``, right for singular
    matrices too (rank n-1: the cofactors), as in JAX.

    Example:
        >>> det(jnp.asarray([[1.0, 2.0], [3.0, 4.0]]))
        Array(-2., dtype=float32)
    """
    return D.det(_matrix("det", a, square=True))


def slogdet(a: Any, *, method: str | None = None) -> SlogdetResult:
    """``(sign, log|det|)`` of square matrices, from an LU factorisation as numpy (no
    overflow). ``method='qr'`` uses a QR factorisation instead (as JAX).

    ``sign`` is 0 and ``logabsdet`` -inf for a singular matrix (one where LU meets a zero
    pivot, as ``det`` then returns 0).

    Example:
        >>> slogdet(jnp.asarray([[2.0, 0.0], [0.0, -3.0]]))
        SlogdetResult(sign=Array(-1., dtype=float32), logabsdet=Array(1.7917595, dtype=float32))
    """
    if method not in (None, "qr", "lu"):
        raise ValueError(f"slogdet: unknown method {method!r}; use 'lu' (default) or 'qr'")
    a = _matrix("slogdet", a, square=True)
    if method != "qr" or a.shape[-1] == 0:
        return SlogdetResult(*D.slogdet(a))
    q, r = D.qr(a)
    diag = D._diag(r)
    last = (diag.ndim - 1,)
    zero = E.eq(diag, 0.0)
    any_zero = R.reduce_max(S.convert_element_type(zero, a.dtype), last)
    negatives = R.reduce_sum(S.convert_element_type(E.lt(diag, 0.0), a.dtype), last)
    sign = E.mul(E.sign(D.det(q)), E.sub(1.0, E.mul(2.0, E.rem(negatives, 2.0))))
    sign = S.stop_gradient_p.bind(E.mul(sign, E.sub(1.0, any_zero)))
    logs = E.log(E.select(zero, 1.0, E.abs_(diag)))
    logabsdet = E.select(E.gt(any_zero, 0.0), -np.inf, R.reduce_sum(logs, last))
    return SlogdetResult(sign, logabsdet)


def solve(a: Any, b: Any) -> Any:
    """Solve ``a x = b``: ``a`` (..., n, n); ``b`` (n,) as one vector, else (..., n, k) (numpy
    2's rule; leading axes broadcast). Raises ``numpy.linalg.LinAlgError`` for a singular ``a``.

    Example:
        >>> solve(jnp.asarray([[2.0, 0.0], [0.0, 4.0]]), jnp.asarray([2.0, 2.0]))
        Array([1. , 0.5], dtype=float32)
    """
    a, b = _floats(a, b)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"solve: a must be square matrices (shape (..., n, n)), got a of shape "
                         f"{a.shape} (b has shape {b.shape})")
    n = a.shape[-1]
    vector = b.ndim == 1
    if (b.shape[0] if vector else (b.shape[-2] if b.ndim >= 2 else None)) != n:
        raise ValueError(
            f"solve: shapes {a.shape} (a) and {b.shape} (b) do not match: b must be a vector "
            f"of length {n} or a stack of matrices of shape (..., {n}, k)"
        )
    if vector:
        b = S.reshape(b, (n, 1))
    batch = tuple(np.broadcast_shapes(a.shape[:-2], b.shape[:-2]))
    a = S.broadcast_to(a, batch + a.shape[-2:])
    b = S.broadcast_to(b, batch + b.shape[-2:])
    x = D.solve(a, b)
    return S.reshape(x, batch + (n,)) if vector else x


def inv(a: Any) -> Any:
    """Inverse of square matrices (``solve(a, I)``). Raises ``numpy.linalg.LinAlgError`` for a
    singular matrix.

    Example:
        >>> inv(jnp.asarray([[2.0, 0.0], [0.0, 4.0]]))
        Array([[0.5 , 0.  ],
               [0.  , 0.25]], dtype=float32)
    """
    a = _matrix("inv", a, square=True)
    try:
        return D.solve(a, _eye_like(a))
    except np.linalg.LinAlgError:
        raise np.linalg.LinAlgError(
            f"inv: the matrix is singular (shape {a.shape}); use linalg.pinv for a "
            "pseudo-inverse") from None


def _pinv_value(a: Any, rtol: Any) -> Any:
    s, u, vt = D.svd(a, full_matrices=False)
    cutoff = E.mul(rtol, R.reduce_max(s, (s.ndim - 1,)))
    keep = E.gt(s, D._col(cutoff) if s.ndim > 1 else cutoff)
    s_inv = E.select(keep, E.div(1.0, E.select(keep, s, 1.0)), 0.0)
    return D._mm(E.mul(D._mT(vt), D._row(s_inv)), D._mT(u))


# rtol is an argument, not a closure, so a traced rtol (vmap over per-matrix tolerances, jit)
# reaches the function through the transformations; it gets no derivative (the rank is
# piecewise constant in it).
@custom_jvp
def _pinv(a: Any, rtol: Any) -> Any:
    return _pinv_value(a, rtol)


@_pinv.defjvp
def _pinv_jvp(primals: tuple, tangents: tuple) -> tuple:
    # The derivative of the pseudo-inverse at constant rank (Golub & Pereyra):
    # ṗ = -p ȧ p + p pᵀ ȧᵀ (I - a p) + (I - p a) ȧᵀ pᵀ p
    (a, rtol), (t, _) = primals, tangents
    p = _pinv(a, rtol)
    pt, tt = D._mT(p), D._mT(t)
    m, n = a.shape[-2:]
    eye_m = asarray(np.eye(m, dtype=a.dtype))
    eye_n = asarray(np.eye(n, dtype=a.dtype))
    term1 = E.neg(D._mm(p, D._mm(t, p)))
    term2 = D._mm(D._mm(p, pt), D._mm(tt, E.sub(eye_m, D._mm(a, p))))
    term3 = D._mm(E.sub(eye_n, D._mm(p, a)), D._mm(tt, D._mm(pt, p)))
    return p, E.add(term1, E.add(term2, term3))


def pinv(a: Any, rtol: Any = None, hermitian: bool = False, *, rcond: Any = None) -> Any:
    """Moore-Penrose pseudo-inverse from the SVD; singular values below ``rtol`` times the
    largest are dropped (default ``10 · max(m, n) · eps``, as JAX). ``rcond`` is an alias.
    Differentiable where the rank is locally constant (a custom JVP, as JAX).

    Example:
        >>> pinv(jnp.asarray([[2.0, 0.0], [0.0, 0.0]]))
        Array([[0.5, 0. ],
               [0. , 0. ]], dtype=float32)
    """
    del hermitian
    if rtol is not None and rcond is not None:
        raise ValueError("pinv: give rtol or its alias rcond, not both")
    rtol = rcond if rtol is None else rtol
    a = _matrix("pinv", a)
    if 0 in a.shape[-2:]:  # no singular values: the pseudo-inverse of an empty map is empty
        return S.broadcast_to(asarray(np.zeros((), a.dtype)), a.shape[:-2] + a.shape[:-3:-1])
    if rtol is None:
        rtol = 10.0 * _default_rtol(a)
    return _pinv(a, asarray(rtol, a.dtype))


def lstsq(a: Any, b: Any, rcond: float | None = None, *, numpy_resid: bool = False) -> tuple:
    """Least-squares solution of ``a x = b``: ``(x, resid, rank, s)``.

    ``a`` is (M, N); ``b`` (M,) or (M, K). Singular values below ``rcond`` times the largest
    count as zero (default ``eps · max(M, N)``, machine epsilon for a negative ``rcond``, as
    JAX). ``resid`` is the squared residual norm per column, shape (K,) or (1,) for a vector
    ``b`` (always, as JAX); ``rank`` has the default integer dtype. With ``numpy_resid=True``
    ``resid`` is numpy's (empty unless the rank is N and M > N; needs concrete values, so not
    under jit). ``x`` comes from ``pinv`` (its
    derivative does not need distinct singular values).

    Example:
        >>> lstsq(jnp.asarray([[1.0, 0.0], [0.0, 2.0]]), jnp.asarray([1.0, 2.0]))[0]
        Array([1., 1.], dtype=float32)
    """
    a, b = _floats(a, b)
    if a.ndim != 2:
        raise ValueError(f"lstsq: a must be a 2-d matrix, got shape {a.shape}")
    if b.ndim not in (1, 2) or b.shape[0] != a.shape[0]:
        raise ValueError(f"lstsq: shapes {a.shape} (a) and {b.shape} (b) do not match: b must "
                         f"be ({a.shape[0]},) or ({a.shape[0]}, k)")
    if rcond is None:
        rcond = _default_rtol(a)
    elif rcond < 0:  # (as JAX: a negative rcond means machine precision)
        rcond = float(np.finfo(a.dtype).eps)
    else:
        rcond = float(rcond)
    s = svdvals(a)
    if s.shape[0]:
        # JAX's (and LAPACK's) count: s_i > 0 and s_i >= rcond * s_max
        kept = E.bitwise_and(E.gt(s, 0.0), E.ge(s, E.mul(rcond, R.reduce_max(s, (0,)))))
        rank = R.reduce_sum(S.convert_element_type(kept, dtypes.default_int), (0,))
    else:
        rank = asarray(np.zeros((), dtypes.default_int))
    vector = b.ndim == 1
    if vector:  # as numpy and JAX: resid has one entry per column, (1,) for a vector b
        b = S.reshape(b, (b.shape[0], 1))
    x = matmul(pinv(a, rcond), b)
    resid = R.reduce_sum(E.integer_pow(E.sub(b, matmul(a, x)), 2), (0,))
    if numpy_resid:
        m, n = a.shape
        if not (int(rank) == n and m > n):
            resid = asarray(np.zeros((0,), a.dtype))
    if vector:
        x = S.reshape(x, (x.shape[0],))
    return x, resid, rank, s


def matrix_power(a: Any, n: int) -> Any:
    """``a`` to the integer power ``n`` by repeated squaring; negative powers invert first,
    ``n = 0`` gives the identity.

    Example:
        >>> matrix_power(jnp.asarray([[1.0, 1.0], [0.0, 1.0]]), 3)
        Array([[1., 3.],
               [0., 1.]], dtype=float32)
    """
    try:
        n = operator.index(n)
    except TypeError:
        raise TypeError(f"matrix_power: the exponent must be an integer, got {n!r}") from None
    a = asarray(a)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"matrix_power: expected square matrices (shape (..., n, n)), got "
                         f"shape {a.shape}")
    if n == 0:
        return S.broadcast_to(asarray(np.eye(a.shape[-1], dtype=a.dtype)), a.shape)
    if n < 0:
        a, n = inv(a), -n
    result = None
    square = a
    while n:  # binary exponentiation
        if n & 1:
            result = square if result is None else matmul(result, square)
        n >>= 1
        if n:
            square = matmul(square, square)
    return result


def matrix_rank(M: Any, rtol: Any = None, *, tol: Any = None) -> Any:
    """Number of singular values above ``tol`` (absolute) or ``rtol`` times the largest
    (default ``max(m, n) · eps``, as JAX).

    Example:
        >>> matrix_rank(jnp.asarray([[1.0, 2.0], [2.0, 4.0]]))
        Array(1, dtype=int32)
    """
    (M,) = _floats(M)
    if M.ndim < 2:
        return S.convert_element_type(R.reduce_max(S.convert_element_type(
            E.ne(M, 0.0), np.dtype(np.int32)), tuple(range(M.ndim))) if M.ndim else
            E.ne(M, 0.0), np.dtype(np.int32))
    s = svdvals(M)
    last = (s.ndim - 1,)
    if tol is None:
        rtol = _default_rtol(M) if rtol is None else rtol
        tol = E.mul(R.reduce_max(s, last), asarray(rtol, M.dtype))
    tol = asarray(tol, M.dtype)
    above = E.gt(s, D._col(tol) if tol.ndim else tol)
    return R.reduce_sum(S.convert_element_type(above, dtypes.default_int), last)


def cond(x: Any, p: Any = None) -> Any:
    """Condition number: ``s_max / s_min`` for p None/2 (``s_min / s_max`` for -2), else
    ``norm(x, p) · norm(inv(x), p)``, which is inf for a singular matrix (as numpy and JAX).

    Example:
        >>> cond(jnp.asarray([[2.0, 0.0], [0.0, 1.0]]))
        Array(2., dtype=float32)
    """
    x = _matrix("cond", x)
    if p is None or p in (2, -2):
        s = svdvals(x)
        last = (s.ndim - 1,)
        big, small = R.reduce_max(s, last), R.reduce_min(s, last)
        return E.div(small, big) if p == -2 else E.div(big, small)
    # A singular matrix has condition number inf (numpy, JAX): invert a stand-in there instead
    # of raising, decided by LU's exact zero pivot (slogdet's sign 0), as inv would fail.
    singular = E.eq(D.slogdet(x)[0], 0.0)
    safe = E.select(D._col(D._col(singular)), _eye_like(x), x)
    value = E.mul(norm(x, p, axis=(-2, -1)), norm(inv(safe), p, axis=(-2, -1)))
    return E.select(singular, np.inf, value)


# ---- small helpers numpy.linalg has too --------------------------------------------------------


def diagonal(x: Any, /, *, offset: int = 0) -> Any:
    """Diagonals of the matrices in the last two axes (``offset`` > 0: above the main one).

    Example:
        >>> diagonal(jnp.asarray([[1.0, 2.0], [3.0, 4.0]]))
        Array([1., 4.], dtype=float32)
    """
    x = asarray(x)
    if x.ndim < 2:
        raise ValueError(f"diagonal: expected at least 2 dimensions, got shape {x.shape}")
    return _diagonal(x, offset, x.ndim - 2, x.ndim - 1)


def outer(x1: Any, x2: Any, /) -> Any:
    """Outer product of two vectors (1-d only, as the array API).

    Example:
        >>> outer(jnp.ones(2), jnp.ones(3)).shape
        (2, 3)
    """
    x1, x2 = asarray(x1), asarray(x2)
    if x1.ndim != 1 or x2.ndim != 1:
        raise ValueError(f"linalg.outer: expected two vectors, got shapes {x1.shape} and "
                         f"{x2.shape}")
    return _outer(x1, x2)


def trace(x: Any, /, *, offset: int = 0, dtype: Any = None) -> Any:
    """Traces of the matrices in the last two axes (``offset`` above the main diagonal).

    Example:
        >>> trace(jnp.ones((2, 3, 3)))
        Array([3., 3.], dtype=float32)
    """
    from .linalg_ops import trace as _trace

    x = asarray(x)
    if x.ndim < 2:
        raise ValueError(f"linalg.trace: expected at least 2 dimensions, got shape {x.shape}")
    return _trace(x, offset, x.ndim - 2, x.ndim - 1, dtype)


def cross(x1: Any, x2: Any, /, *, axis: int = -1) -> Any:
    """Cross product of 3-vectors along ``axis`` (leading axes broadcast).

    Example:
        >>> cross(jnp.asarray([1.0, 0.0, 0.0]), jnp.asarray([0.0, 1.0, 0.0]))
        Array([0., 0., 1.], dtype=float32)
    """
    x1, x2 = asarray(x1), asarray(x2)
    for name, x in (("x1", x1), ("x2", x2)):
        if x.ndim == 0 or x.shape[axis] != 3:
            raise ValueError(f"linalg.cross: {name} must have size 3 along axis {axis}, got "
                             f"shape {x.shape}")
    return _cross(x1, x2, axis=axis)


def multi_dot(arrays: Any, *, precision: Any = None) -> Any:
    """The product of a chain of matrices, multiplied in the cheapest order (dynamic
    programming over the chain, as numpy). The first and last may be vectors.

    Example:
        >>> multi_dot([jnp.ones((2, 3)), jnp.ones((3, 4)), jnp.ones(4)]).shape
        (2,)
    """
    del precision
    arrays = [asarray(a) for a in arrays]
    if len(arrays) < 2:
        raise ValueError(f"multi_dot: expected at least 2 arrays, got {len(arrays)}")
    first_vec, last_vec = arrays[0].ndim == 1, arrays[-1].ndim == 1
    if first_vec:
        arrays[0] = S.reshape(arrays[0], (1, arrays[0].shape[0]))
    if last_vec:
        arrays[-1] = S.reshape(arrays[-1], (arrays[-1].shape[0], 1))
    for i, a in enumerate(arrays):
        if a.ndim != 2:
            raise ValueError(f"multi_dot: array {i} must be 2-d (1-d allowed first and last), "
                             f"got shape {a.shape}")
    dims = [a.shape[0] for a in arrays] + [arrays[-1].shape[1]]
    n = len(arrays)
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if cost[i][j] is None or c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k

    def product(i: int, j: int) -> Any:
        if i == j:
            return arrays[i]
        k = split[i][j]
        return matmul(product(i, k), product(k + 1, j))

    out = product(0, n - 1)
    if first_vec:
        out = S.reshape(out, out.shape[1:])
    if last_vec:
        out = S.reshape(out, out.shape[:-1])
    return out


def tensorinv(a: Any, ind: int = 2) -> Any:
    """The inverse of ``a`` as a tensor map: ``tensordot(tensorinv(a, ind), a, ind)`` is the
    identity on ``a.shape[:ind]``.

    Example:
        >>> tensorinv(jnp.eye(4).reshape(4, 2, 2), ind=1).shape
        (2, 2, 4)
    """
    a = asarray(a)
    if ind <= 0:
        raise ValueError(f"tensorinv: ind must be a positive integer, got {ind}")
    out_shape, in_shape = a.shape[:ind], a.shape[ind:]
    rows, cols = int(np.prod(out_shape)), int(np.prod(in_shape))
    if rows != cols:
        raise ValueError(f"tensorinv: prod(a.shape[:ind]) must equal prod(a.shape[ind:]), got "
                         f"shape {a.shape} with ind={ind}")
    return S.reshape(inv(S.reshape(asarray(a), (rows, cols))), in_shape + out_shape)


def tensorsolve(a: Any, b: Any, axes: Any = None) -> Any:
    """Solve ``tensordot(a, x, x.ndim) = b`` for ``x`` (``axes`` of ``a`` move to the end).

    Example:
        >>> tensorsolve(jnp.eye(6).reshape(6, 2, 3), jnp.ones(6)).shape
        (2, 3)
    """
    a, b = _floats(a, b)
    if axes is not None:
        axes = [ax % a.ndim for ax in ((axes,) if isinstance(axes, int) else axes)]
        rest = [i for i in range(a.ndim) if i not in axes]
        a = S.transpose(a, tuple(rest + axes))
    x_shape = a.shape[b.ndim:]
    rows, cols = int(np.prod(b.shape)), int(np.prod(x_shape))
    if a.shape[:b.ndim] != b.shape or rows != cols:
        raise ValueError(f"tensorsolve: shapes {a.shape} (a) and {b.shape} (b) do not match: a "
                         "must be b.shape + x.shape with prod(x.shape) == b.size")
    x = solve(S.reshape(a, (rows, cols)), S.reshape(b, (rows,)))
    return S.reshape(x, x_shape)
