"""Table entries for the matrix primitives (solve, det, cholesky, eigh, svd, qr).

Inputs are well conditioned (diagonally dominant, SPD, or built from distinct eigenvalues /
singular values), so values, finite differences and loops agree. Entries with several outputs
return one array made of gauge-invariant pieces (``v * v``, ``u diag(f(s)) vᵀ``), since the
sign of an eigenvector or singular vector is arbitrary.
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from test_primitives import Ex, case, maker, shapes

from functorch_lite._src.prims import elementwise as E
from functorch_lite._src.prims import linalg_decomp as D
from functorch_lite._src.prims import shape as S


def well_conditioned(rng, shape, dt):
    n = shape[-1]
    return (rng.uniform(-1.0, 1.0, shape) + 3.0 * np.eye(n)).astype(dt)


def spd(rng, shape, dt):
    x = rng.uniform(-1.0, 1.0, shape)
    return (x @ np.swapaxes(x, -1, -2) + shape[-1] * np.eye(shape[-1])).astype(dt)


def _orthogonal(rng, batch, n):
    q, _ = np.linalg.qr(rng.standard_normal(batch + (n, n)))
    return q


def _distinct(rng, batch, k, lo):
    """Values at least 0.6 apart and at least ``lo``, in random order."""
    base = lo + np.arange(k, dtype=np.float64)
    vals = base + rng.uniform(-0.2, 0.2, batch + (k,))
    return np.take_along_axis(vals, np.argsort(rng.random(batch + (k,)), axis=-1), axis=-1)


def distinct_eigs(rng, shape, dt):
    batch, n = shape[:-2], shape[-1]
    q = _orthogonal(rng, batch, n)
    w = _distinct(rng, batch, n, -1.0)
    return ((q * w[..., None, :]) @ np.swapaxes(q, -1, -2)).astype(dt)


def distinct_svals(rng, shape, dt):
    batch, (m, n) = shape[:-2], shape[-2:]
    k = min(m, n)
    u = _orthogonal(rng, batch, m)[..., :k]
    v = _orthogonal(rng, batch, n)[..., :k]
    s = _distinct(rng, batch, k, 0.8)
    return ((u * s[..., None, :]) @ np.swapaxes(v, -1, -2)).astype(dt)


def _batch(draw):
    return draw(shapes(max_dims=2, max_side=2))


def _sym(x):
    return E.mul(E.add(x, D._mT(x)), 0.5)


def _np_sym(x):
    return (x + np.swapaxes(x, -1, -2)) / x.dtype.type(2)


@case("linalg_solve", tol=64.0)
def _solve(draw):
    batch, n, k = _batch(draw), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return Ex(lambda a, b: D.solve(a, b), lambda a, b: np.linalg.solve(a, b),
              maker((batch + (n, n), well_conditioned), (batch + (n, k), real_normal)))


def real_normal(rng, shape, dt):
    return rng.uniform(-2.0, 2.0, shape).astype(dt)


@case("linalg_det", tol=64.0)
def _det(draw):
    batch, n = _batch(draw), draw(st.integers(1, 3))
    return Ex(lambda a: D.det(a), lambda a: np.linalg.det(a),
              maker((batch + (n, n), well_conditioned)))


@case("linalg_slogdet", tol=64.0)
def _slogdet(draw):
    batch, n = _batch(draw), draw(st.integers(0, 3))
    # rows of either sign: negative determinants too
    flip = draw(st.sampled_from([1.0, -1.0]))

    def fn(a):
        sign, logabsdet = D.slogdet(E.mul(a, flip))
        return E.add(E.mul(sign, 10.0), logabsdet)

    def ref(a):
        sign, logabsdet = np.linalg.slogdet(a * a.dtype.type(flip))
        return sign * 10 + logabsdet

    return Ex(fn, ref, maker((batch + (n, n), well_conditioned)))


@case("linalg_cholesky", tol=64.0)
def _cholesky(draw):
    batch, n = _batch(draw), draw(st.integers(1, 3))
    # symmetrised first: the derivative rule symmetrises tangents (as JAX's)
    return Ex(lambda a: D.cholesky(_sym(a)), lambda a: np.linalg.cholesky(_np_sym(a)),
              maker((batch + (n, n), spd)))


@case("linalg_eigh", tol=256.0)
def _eigh(draw):
    batch, n = _batch(draw), draw(st.integers(1, 3))
    lower = draw(st.booleans())

    def fn(a):
        v, w = D.eigh(_sym(a), lower=lower)
        return S.concatenate([E.mul(v, v), D._row(w)], S.ndim_of(v) - 2)

    def ref(a):
        w, v = np.linalg.eigh(_np_sym(a), UPLO="L" if lower else "U")
        return np.concatenate([v * v, w[..., None, :]], axis=-2)

    return Ex(fn, ref, maker((batch + (n, n), distinct_eigs)))


@case("linalg_svd", tol=256.0)
def _svd(draw):
    batch, m, n = _batch(draw), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    compute_uv = draw(st.booleans())
    full = draw(st.booleans())
    k = min(m, n)

    if not compute_uv:
        return Ex(lambda a: D.svd(a, full_matrices=full, compute_uv=False)[0],
                  lambda a: np.linalg.svd(a, compute_uv=False),
                  maker((batch + (m, n), distinct_svals)))

    def fn(a):  # u diag(sin s) vᵀ over the first k singular vectors: sign-invariant
        s, u, vt = D.svd(a, full_matrices=full)
        nd = S.ndim_of(u)
        u = S.slice_(u, (0,) * nd, S.shape_of(u)[:-1] + (k,))
        vt = S.slice_(vt, (0,) * nd, S.shape_of(vt)[:-2] + (k, n))
        return D._mm(E.mul(u, D._row(E.sin(s))), vt)

    def ref(a):
        u, s, vt = np.linalg.svd(a, full_matrices=full)
        return (u[..., :k] * np.sin(s)[..., None, :]) @ vt[..., :k, :]

    return Ex(fn, ref, maker((batch + (m, n), distinct_svals)),
              diff=not (full and m != n))


@case("linalg_qr", tol=64.0)
def _qr(draw):
    batch, m, n = _batch(draw), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    full = draw(st.booleans())

    def fn(a):
        q, r = D.qr(a, full_matrices=full)
        return S.concatenate([q, D._mT(r)], S.ndim_of(q) - 2)

    def ref(a):
        q, r = np.linalg.qr(a, mode="complete" if full else "reduced")
        return np.concatenate([q, np.swapaxes(r, -1, -2)], axis=-2)

    return Ex(fn, ref, maker((batch + (m, n), well_conditioned_rect)),
              diff=m >= n and not (full and m != n))


def well_conditioned_rect(rng, shape, dt):
    m, n = shape[-2:]
    return (rng.uniform(-1.0, 1.0, shape) + 3.0 * np.eye(m, n)).astype(dt)
