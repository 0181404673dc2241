"""Matrix primitives composition cannot give: solve, det, slogdet, cholesky, eigh, svd and qr.

Each works on stacks of matrices (the last two axes), as ``xp.linalg`` does, so a batching rule
only moves the batch axis to the front. Derivative rules follow JAX's (jax.lax.linalg), written
with traceable operations, including the primitives themselves, so they differentiate again:

* ``solve``: ``x = a⁻¹ b``; ``ẋ = a⁻¹(ḃ - ȧ x)``; ``b̄ = a⁻ᵀ x̄``, ``ā = -b̄ xᵀ``.
* ``det``: ``ḋ = tr(adj(a) ȧ)``. The adjugate comes from ``det(a) a⁻¹`` where ``det(a) != 0``
  and from the SVD where the matrix is exactly singular, so the derivative at a rank n-1 matrix
  is right (as JAX's cofactor path); higher derivatives at singular matrices are not defined.
* ``slogdet`` (outputs ``sign, log|det|``, from LU as numpy): ``d log|det| = tr(a⁻¹ ȧ)``,
  cotangent ``ct · a⁻ᵀ``; the sign has no derivative.
* ``cholesky``: the tangent is symmetrised first (as JAX): ``L̇ = L Φ(L⁻¹ sym(ȧ) L⁻ᵀ)`` with Φ the
  lower triangle with half the diagonal.
* ``eigh`` (outputs ``v, w``): ``ẇ = diag(vᵀ ȧ v)``, ``v̇ = v (F ∘ vᵀ ȧ v)``,
  ``F_ij = 1/(w_j - w_i)``. At repeated eigenvalues F is infinite, as in JAX: the eigenvectors of
  a repeated eigenvalue are not unique and their derivative is inf/NaN, while the eigenvalues'
  derivative stays finite (``eigvalsh``'s gradient is fine there). An entry of ``vᵀ ȧ v`` (or of
  the eigenvector cotangent) that is exactly 0 contributes 0, which keeps an unused eigenvector
  output from turning an eigenvalue gradient into NaN (JAX gets this from symbolic zeros).
* ``svd`` (outputs ``s, u, vt`` or ``s``): JAX's formula, ``F_ij = 1/(s_j² - s_i²)`` (infinite
  for repeated singular values, as above), plus the terms for non-square matrices; singular
  vectors have a derivative only for distinct singular values, singular values always
  (``compute_uv=False`` recomputes u, v inside its rule). Not for ``full_matrices`` with m != n
  (as JAX).
* ``qr`` (m >= n, reduced, as JAX): ``X = qᵀ ȧ r⁻¹``, ``Ω = tril(X, -1) - tril(X, -1)ᵀ``,
  ``q̇ = q(Ω - X) + ȧ r⁻¹``, ``ṙ = (X - Ω) r``.

Each VJP is the transpose of the JVP, written out.
"""
from __future__ import annotations

import functools
from typing import Any

import numpy as np

from ..array import Array
from ..core import Primitive, ShapedArray
from . import elementwise as E
from . import reduce as R
from . import shape as S
from .linalg import dot_general

# ---- helpers on stacks of matrices (all traceable) -----------------------------------------------


def _mT(x: Any) -> Any:
    """Swap the last two axes."""
    n = S.ndim_of(x)
    return S.transpose(x, tuple(range(n - 2)) + (n - 1, n - 2))


def _mm(a: Any, b: Any) -> Any:
    """Batched matrix product of (..., m, k) and (..., k, n) with the same leading axes."""
    nb = S.ndim_of(a) - 2
    batch = tuple(range(nb))
    return dot_general(a, b, (((nb + 1,), (nb,)), (batch, batch)))


@functools.lru_cache(maxsize=256)
def _const(kind: str, n: int, dtype: np.dtype, k: int = 0) -> np.ndarray:
    if kind == "eye":
        return np.eye(n, dtype=dtype)
    if kind == "tril":
        return np.tril(np.ones((n, n), dtype), k)
    if kind == "phi":  # lower triangle, half the diagonal (cholesky's Φ)
        return np.tril(np.ones((n, n), dtype)) - 0.5 * np.eye(n, dtype=dtype)
    raise ValueError(kind)


def _c(kind: str, n: int, dtype: Any, k: int = 0) -> Array:
    return Array(_const(kind, n, np.dtype(dtype), k))


def _diag(x: Any) -> Any:
    """The diagonal of each (..., n, n) matrix, as (..., n)."""
    n = S.shape_of(x)[-1]
    return R.reduce_sum(E.mul(x, _c("eye", n, S.dtype_of(x))), (S.ndim_of(x) - 1,))


def _row(v: Any) -> Any:
    """(..., n) -> (..., 1, n): broadcasts along rows (v_j in column j)."""
    s = S.shape_of(v)
    return S.reshape(v, s[:-1] + (1, s[-1]))


def _col(v: Any) -> Any:
    """(..., n) -> (..., n, 1)."""
    s = S.shape_of(v)
    return S.reshape(v, s + (1,))


def _diag_matrix(v: Any) -> Any:
    return E.mul(_row(v), _c("eye", S.shape_of(v)[-1], S.dtype_of(v)))


def _tril(x: Any, k: int = 0) -> Any:
    return E.mul(x, _c("tril", S.shape_of(x)[-1], S.dtype_of(x), k))


def _sym(x: Any) -> Any:
    return E.mul(E.add(x, _mT(x)), 0.5)


def _broadcast_eye(like: Any) -> Any:
    shape = S.shape_of(like)
    return S.broadcast_to(_c("eye", shape[-1], S.dtype_of(like)), shape)


def _reciprocal_gaps(vals: Any) -> Any:
    """``F_ij = 1/(vals_j - vals_i)``: 0 on the diagonal, inf where two values are equal (made
    without a division by zero, so numpy stays quiet)."""
    n = S.shape_of(vals)[-1]
    gaps = E.sub(_row(vals), _col(vals))
    equal = E.eq(gaps, 0.0)
    ones = S.convert_element_type(equal, S.dtype_of(vals))
    recip = E.div(1.0, E.add(gaps, ones))
    off_diagonal = Array(~np.eye(n, dtype=bool))
    return E.select(E.bitwise_and(equal, off_diagonal), np.inf, E.mul(recip, E.sub(1.0, ones)))


def _gap_product(f: Any, x: Any) -> Any:
    """``f ∘ x`` where an exact 0 in ``x`` gives 0 even against an infinite ``f``."""
    return E.mul(E.select(E.eq(x, 0.0), 0.0, f), x)


def _square_check(name: str, a: ShapedArray) -> None:
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(
            f"{name}: expected a square matrix or a stack of them (shape (..., n, n)), got "
            f"shape {a.shape}"
        )


def _float_check(name: str, a: ShapedArray) -> None:
    if a.dtype.kind not in "fc":
        raise TypeError(f"{name}: expected a floating-point matrix, got {a.dtype}")


def _batch_front(prim_ref: list) -> Any:
    """Batching rule: move every batched operand's axis to the front (broadcasting unbatched
    ones), then apply the primitive itself, which already works on stacks of matrices."""

    def rule(vals, dims, **params):
        size = S.batch_size(vals, dims)
        moved = [S.bdim_to_front(v, d, size) for v, d in zip(vals, dims)]
        prim = prim_ref[0]
        out = prim.bind(*moved, **params)
        return out, ((0,) * len(out) if prim.multiple_results else 0)

    return rule


def _lapack(kernel: Any) -> Any:
    """``kernel(xp)`` for a LAPACK routine, which has no half precision: float16 operands are
    computed in float32 and the results rounded back (JAX computes float16 too; numpy raised
    "array type float16 is unsupported in linalg")."""

    def make(xp):
        impl = kernel(xp)

        def run(a, *args, **params):
            if a.dtype.itemsize >= 4:
                return impl(a, *args, **params)
            dt = a.dtype
            outs = impl(a.astype(np.float32), *[x.astype(np.float32) for x in args], **params)
            if isinstance(outs, tuple):
                return tuple(xp.asarray(o).astype(dt) for o in outs)
            return xp.asarray(outs).astype(dt)

        return run

    return make


def _lapack_primitive(name: str, kernel: Any, **rules: Any) -> Primitive:
    """A primitive over stacks of matrices computed by a LAPACK routine: its kernel goes through
    ``_lapack`` (float16 computed in float32) and it batches with ``_batch_front`` (the routine
    already works on stacks). ``rules`` are the rest of ``Primitive``'s arguments."""
    prim_ref: list = []
    prim = Primitive(name, kernel=_lapack(kernel), batch=_batch_front(prim_ref), **rules)
    prim_ref.append(prim)
    return prim


def _linalg_error(name: str, what: str, shape: tuple, fix: str) -> np.linalg.LinAlgError:
    return np.linalg.LinAlgError(f"{name}: {what} (shape {tuple(shape)}); {fix}")


# ---- solve ---------------------------------------------------------------------------------------


def _solve_kernel(xp):
    def impl(a, b):
        try:
            return xp.linalg.solve(a, b)
        except np.linalg.LinAlgError:
            raise _linalg_error(
                "solve", "the matrix is singular", a.shape,
                "use linalg.lstsq or linalg.pinv for singular or rank-deficient systems"
            ) from None

    return impl


def _solve_aval(a: ShapedArray, b: ShapedArray) -> ShapedArray:
    _square_check("solve", a)
    if b.ndim != a.ndim or b.shape[:-1] != a.shape[:-1]:
        raise ValueError(
            f"solve: shapes {a.shape} (a) and {b.shape} (b) do not match: b must have shape "
            f"{a.shape[:-1]} + (k,)"
        )
    _float_check("solve", a)
    return ShapedArray(b.shape, a.dtype)


solve_p = _lapack_primitive(
    "linalg_solve",
    kernel=_solve_kernel,
    abstract_eval=_solve_aval,
    jvp=(lambda t, out, a, b: E.neg(solve(a, _mm(t, out))),
         lambda t, out, a, b: solve(a, t)),
    vjp=(lambda ct, out, a, b: E.neg(_mm(solve(_mT(a), ct), _mT(out))),
         lambda ct, out, a, b: solve(_mT(a), ct)),
)


def solve(a: Any, b: Any) -> Any:
    """``a⁻¹ b`` for stacks of square ``a`` (..., n, n) and ``b`` (..., n, k)."""
    return solve_p.bind(a, b)


# ---- det -----------------------------------------------------------------------------------------


def _det_aval(a: ShapedArray) -> ShapedArray:
    _square_check("det", a)
    _float_check("det", a)
    return ShapedArray(a.shape[:-2], a.dtype)


def _exclusive_products(s: Any) -> Any:
    """``p_i = prod_{j != i} s_j`` over the last axis, without division (s may hold a 0)."""
    n = S.shape_of(s)[-1]
    nd = S.ndim_of(s)
    # s_j off the diagonal, 1 on it; then multiply the n columns together.
    eye = _c("eye", n, S.dtype_of(s))
    m = E.add(E.mul(_row(s), E.sub(1.0, eye)), eye)
    shape = S.shape_of(m)
    out = None
    for j in range(n):
        col = S.slice_(m, (0,) * nd + (j,), shape[:-1] + (j + 1,))
        col = S.reshape(col, shape[:-1])
        out = col if out is None else E.mul(out, col)
    return out


def adjugate(a: Any) -> Any:
    """adj(a) for stacks of square matrices: ``det(a) a⁻¹`` where ``det(a) != 0``, and
    ``sign · V diag(prod_{j≠i} s_j) Uᵀ`` from the SVD ``a = U diag(s) Vᵀ`` where ``det(a) == 0``
    (exactly: where LAPACK's LU met a zero pivot, which is also where solve would fail). Each
    branch is computed on a safe stand-in where it is not used, so neither puts NaN into a
    derivative (the "double where")."""
    n = S.shape_of(a)[-1]
    dt = S.dtype_of(a)
    d = det(a)
    singular = _col(_col(E.eq(d, 0.0)))  # (..., 1, 1)
    eye = _broadcast_eye(a)
    regular = E.mul(_col(_col(d)), solve(E.select(singular, eye, a), eye))
    # The stand-in for regular matrices: distinct singular values n..1 (svd is smooth there).
    safe = S.broadcast_to(Array(np.diag(np.arange(n, 0, -1)).astype(dt)), S.shape_of(a))
    s, u, vt = svd_p.bind(E.select(singular, a, safe), full_matrices=False, compute_uv=True)
    sign = S.stop_gradient_p.bind(E.mul(det(u), det(vt)))
    adj_singular = E.mul(_col(_col(sign)), _mm(E.mul(_mT(vt), _row(_exclusive_products(s))),
                                               _mT(u)))
    return E.select(singular, adj_singular, regular)


def _det_jvp(t, out, a):
    return R.reduce_sum(E.mul(_mT(adjugate(a)), t), (S.ndim_of(a) - 2, S.ndim_of(a) - 1))


def _det_vjp(ct, out, a):
    return E.mul(_col(_col(ct)), _mT(adjugate(a)))


det_p = _lapack_primitive(
    "linalg_det",
    kernel=lambda xp: lambda a: xp.linalg.det(a),
    abstract_eval=_det_aval,
    jvp=(_det_jvp,),
    vjp=(_det_vjp,),
)


def det(a: Any) -> Any:
    """Determinants of a stack of square matrices (..., n, n) -> (...)."""
    return det_p.bind(a)


# ---- slogdet -------------------------------------------------------------------------------------
# A primitive of its own (LAPACK's LU, as numpy and JAX): composing it from QR gave a tiny
# nonzero log|det| (sign 1) for exactly singular matrices where LU finds a zero pivot, so
# slogdet disagreed with det, numpy and JAX there.


def _slogdet_kernel(xp):
    def impl(a):
        sign, logabsdet = xp.linalg.slogdet(a)
        return xp.asarray(sign, dtype=a.dtype), xp.asarray(logabsdet, dtype=a.dtype)

    return impl


def _slogdet_aval(a: ShapedArray) -> tuple:
    _square_check("slogdet", a)
    _float_check("slogdet", a)
    out = ShapedArray(a.shape[:-2], a.dtype)
    return (out, out)


def _slogdet_jvp(primals, tangents, out, **_):
    (a,), (t,) = primals, tangents
    if t is None:
        return [None, None]
    # d log|det a| = tr(a⁻¹ ȧ); the sign is piecewise constant
    return [None, R.reduce_sum(_diag(solve(a, t)), (S.ndim_of(a) - 2,))]


def _slogdet_vjp(ct, out, a):
    _, logabsdet_ct = ct
    return E.mul(_col(_col(logabsdet_ct)), solve(_mT(a), _broadcast_eye(a)))  # ct · a⁻ᵀ


slogdet_p = _lapack_primitive(
    "linalg_slogdet",
    kernel=_slogdet_kernel,
    abstract_eval=_slogdet_aval,
    jvp_full=_slogdet_jvp,
    vjp=(_slogdet_vjp,),
    multiple_results=True,
)


def slogdet(a: Any) -> tuple:
    """``(sign, log|det|)`` of a stack of square matrices, from an LU factorisation."""
    return slogdet_p.bind(a)


# ---- cholesky ------------------------------------------------------------------------------------


def _cholesky_kernel(xp):
    def impl(a):
        try:
            return xp.linalg.cholesky(a)
        except np.linalg.LinAlgError:
            raise _linalg_error(
                "cholesky", "the matrix is not positive definite", a.shape,
                "check that it is symmetric positive definite (add a small multiple of the "
                "identity to a positive semi-definite matrix)"
            ) from None

    return impl


def _cholesky_aval(a: ShapedArray) -> ShapedArray:
    _square_check("cholesky", a)
    _float_check("cholesky", a)
    return a


def _l_inv_sym_l_inv_t(low: Any, x: Any) -> Any:
    """``L⁻¹ x L⁻ᵀ`` for symmetric x (the result is symmetric too)."""
    return solve(low, _mT(solve(low, x)))


def _cholesky_jvp(t, low, a):
    n = S.shape_of(a)[-1]
    inner = _l_inv_sym_l_inv_t(low, _sym(t))
    return _mm(low, E.mul(inner, _c("phi", n, S.dtype_of(a))))


def _cholesky_vjp(ct, low, a):
    n = S.shape_of(a)[-1]
    p = E.mul(_mm(_mT(low), ct), _c("phi", n, S.dtype_of(a)))
    # L⁻ᵀ P L⁻¹, then symmetrised (the JVP symmetrises the tangent)
    z = _mT(solve(_mT(low), _mT(solve(_mT(low), p))))
    return _sym(z)


cholesky_p = _lapack_primitive(
    "linalg_cholesky",
    kernel=_cholesky_kernel,
    abstract_eval=_cholesky_aval,
    jvp=(_cholesky_jvp,),
    vjp=(_cholesky_vjp,),
)


def cholesky(a: Any) -> Any:
    """Lower Cholesky factors of a stack of symmetric positive definite matrices (reads the
    lower triangle only)."""
    return cholesky_p.bind(a)


# ---- eigh ----------------------------------------------------------------------------------------


def _eigh_kernel(xp):
    def impl(a, lower):
        w, v = xp.linalg.eigh(a, UPLO="L" if lower else "U")
        return v, w

    return impl


def _eigh_aval(a: ShapedArray, lower: bool) -> tuple:
    _square_check("eigh", a)
    _float_check("eigh", a)
    return (a, ShapedArray(a.shape[:-1], a.dtype))


def _eigh_jvp(primals, tangents, out, *, lower):
    (t,) = tangents
    if t is None:
        return [None, None]
    v, w = out
    vt_t_v = _mm(_mT(v), _mm(t, v))
    return [_mm(v, _gap_product(_reciprocal_gaps(w), vt_t_v)), _diag(vt_t_v)]


def _eigh_vjp(ct, out, a, *, lower):
    v_ct, w_ct = ct
    v, w = out
    inner = E.add(_diag_matrix(w_ct), _gap_product(_reciprocal_gaps(w), _mm(_mT(v), v_ct)))
    return _mm(v, _mm(inner, _mT(v)))


eigh_p = _lapack_primitive(
    "linalg_eigh",
    kernel=_eigh_kernel,
    abstract_eval=_eigh_aval,
    jvp_full=_eigh_jvp,
    vjp=(_eigh_vjp,),
    multiple_results=True,
)


def eigh(a: Any, lower: bool = True) -> tuple:
    """``(v, w)``: eigenvectors (columns) and ascending eigenvalues of symmetric matrices, from
    the lower (or upper) triangle."""
    return eigh_p.bind(a, lower=bool(lower))


# ---- svd -----------------------------------------------------------------------------------------


def _svd_kernel(xp):
    def impl(a, full_matrices, compute_uv):
        if not compute_uv:
            return (xp.linalg.svd(a, compute_uv=False),)
        u, s, vt = xp.linalg.svd(a, full_matrices=full_matrices)
        return s, u, vt

    return impl


def _svd_aval(a: ShapedArray, full_matrices: bool, compute_uv: bool) -> tuple:
    if a.ndim < 2:
        raise ValueError(f"svd: expected a matrix or a stack of them, got shape {a.shape}")
    _float_check("svd", a)
    m, n = a.shape[-2:]
    k = min(m, n)
    s = ShapedArray(a.shape[:-2] + (k,), a.dtype)
    if not compute_uv:
        return (s,)
    ku, kv = (m, n) if full_matrices else (k, k)
    return (s, ShapedArray(a.shape[:-2] + (m, ku), a.dtype),
            ShapedArray(a.shape[:-2] + (kv, n), a.dtype))


def _svd_check_differentiable(a: Any, full_matrices: bool, compute_uv: bool) -> None:
    m, n = S.shape_of(a)[-2:]
    if compute_uv and full_matrices and m != n:
        raise NotImplementedError(
            f"svd: the derivative with full_matrices=True is defined only for square matrices, "
            f"got shape {S.shape_of(a)}; use full_matrices=False (as in JAX)"
        )


def _inverse_or_zero(s: Any) -> Any:
    """1/s, and 0 where s == 0 (no division by zero)."""
    zero = S.convert_element_type(E.eq(s, 0.0), S.dtype_of(s))
    return E.sub(E.div(1.0, E.add(s, zero)), zero)


def _svd_jvp(primals, tangents, out, *, full_matrices, compute_uv):
    (a,), (t,) = primals, tangents
    if t is None:
        return [None] * len(out)
    _svd_check_differentiable(a, full_matrices, compute_uv)
    s, u, vt = svd_p.bind(a, full_matrices=False, compute_uv=True) if not compute_uv else out
    v = _mT(vt)
    ds_mat = _mm(_mT(u), _mm(t, v))
    ds = _diag(ds_mat)
    if not compute_uv:
        return [ds]
    f = _reciprocal_gaps(E.mul(s, s))
    ds_s = E.mul(ds_mat, _row(s))  # dS diag(s)
    s_ds = E.mul(_col(s), ds_mat)  # diag(s) dS
    du = _mm(u, _gap_product(f, E.add(ds_s, _mT(ds_s))))
    dv = _mm(v, _gap_product(f, E.add(s_ds, _mT(s_ds))))
    m, n = S.shape_of(a)[-2:]
    if m > n:  # the part of ȧ v outside the span of u
        dav = _mm(t, v)
        du = E.add(du, E.mul(E.sub(dav, _mm(u, _mm(_mT(u), dav))), _row(_inverse_or_zero(s))))
    if n > m:
        datu = _mm(_mT(t), u)
        dv = E.add(dv, E.mul(E.sub(datu, _mm(v, _mm(vt, datu))), _row(_inverse_or_zero(s))))
    return [ds, du, _mT(dv)]


def _svd_vjp(ct, out, a, *, full_matrices, compute_uv):
    _svd_check_differentiable(a, full_matrices, compute_uv)
    if not compute_uv:
        (s_ct,) = ct
        _, u, vt = svd_p.bind(a, full_matrices=False, compute_uv=True)
        return _mm(u, E.mul(_col(s_ct), vt))
    s_ct, u_ct, vt_ct = ct
    s, u, vt = out
    v, v_ct = _mT(vt), _mT(vt_ct)
    f = _reciprocal_gaps(E.mul(s, s))
    j = _gap_product(f, _mm(_mT(u), u_ct))
    k = _gap_product(f, _mm(vt, v_ct))
    g = E.add(_diag_matrix(s_ct),
              E.add(E.mul(E.add(j, _mT(j)), _row(s)), E.mul(_col(s), E.add(k, _mT(k)))))
    a_ct = _mm(u, _mm(g, vt))
    m, n = S.shape_of(a)[-2:]
    if m > n:  # (I - u uᵀ) ū s⁻¹ vᵀ
        outside = E.sub(u_ct, _mm(u, _mm(_mT(u), u_ct)))
        a_ct = E.add(a_ct, _mm(E.mul(outside, _row(_inverse_or_zero(s))), vt))
    if n > m:  # u s⁻¹ v̄ᵀ (I - v vᵀ)
        outside = E.sub(v_ct, _mm(v, _mm(vt, v_ct)))
        a_ct = E.add(a_ct, _mm(u, E.mul(_col(_inverse_or_zero(s)), _mT(outside))))
    return a_ct


svd_p = _lapack_primitive(
    "linalg_svd",
    kernel=_svd_kernel,
    abstract_eval=_svd_aval,
    jvp_full=_svd_jvp,
    vjp=(_svd_vjp,),
    multiple_results=True,
)


def svd(a: Any, full_matrices: bool = False, compute_uv: bool = True) -> tuple:
    """``(s, u, vt)`` (or ``(s,)`` without ``compute_uv``) for a stack of matrices."""
    return svd_p.bind(a, full_matrices=bool(full_matrices), compute_uv=bool(compute_uv))


# ---- qr ------------------------------------------------------------------------------------------


def _qr_kernel(xp):
    def impl(a, full_matrices):
        return tuple(xp.linalg.qr(a, mode="complete" if full_matrices else "reduced"))

    return impl


def _qr_aval(a: ShapedArray, full_matrices: bool) -> tuple:
    if a.ndim < 2:
        raise ValueError(f"qr: expected a matrix or a stack of them, got shape {a.shape}")
    _float_check("qr", a)
    m, n = a.shape[-2:]
    k = m if full_matrices else min(m, n)
    return (ShapedArray(a.shape[:-2] + (m, k), a.dtype),
            ShapedArray(a.shape[:-2] + (k, n), a.dtype))


def _qr_check_differentiable(a: Any, full_matrices: bool) -> None:
    m, n = S.shape_of(a)[-2:]
    if m < n or (full_matrices and m != n):
        raise NotImplementedError(
            f"qr: the derivative is implemented for m >= n with mode='reduced' (as in JAX), "
            f"got shape {S.shape_of(a)}{' with mode=complete' if full_matrices else ''}"
        )


def _right_solve(x: Any, r: Any) -> Any:
    """``x r⁻¹``."""
    return _mT(solve(_mT(r), _mT(x)))


def _qr_jvp(primals, tangents, out, *, full_matrices):
    (a,), (t,) = primals, tangents
    if t is None:
        return [None, None]
    _qr_check_differentiable(a, full_matrices)
    q, r = out
    t_rinv = _right_solve(t, r)
    x = _mm(_mT(q), t_rinv)
    low = _tril(x, -1)
    omega = E.sub(low, _mT(low))
    dq = E.add(_mm(q, E.sub(omega, x)), t_rinv)
    dr = _mm(E.sub(x, omega), r)
    return [dq, dr]


def _qr_vjp(ct, out, a, *, full_matrices):
    _qr_check_differentiable(a, full_matrices)
    q_ct, r_ct = ct
    q, r = out
    m_ = E.sub(_mm(r, _mT(r_ct)), _mm(_mT(q_ct), q))
    low = _tril(m_, -1)
    copyltu = E.add(E.add(low, _mT(low)), _diag_matrix(_diag(m_)))
    b = E.add(q_ct, _mm(q, copyltu))
    return _mT(solve(r, _mT(b)))  # b r⁻ᵀ


qr_p = _lapack_primitive(
    "linalg_qr",
    kernel=_qr_kernel,
    abstract_eval=_qr_aval,
    jvp_full=_qr_jvp,
    vjp=(_qr_vjp,),
    multiple_results=True,
)


def qr(a: Any, full_matrices: bool = False) -> tuple:
    """``(q, r)`` for a stack of matrices (reduced unless ``full_matrices``)."""
    return qr_p.bind(a, full_matrices=bool(full_matrices))
