"""functorch_lite.numpy's products (einsum path optimisation, kron, cross, ...) and
functorch_lite.numpy.linalg: values against numpy (float32 loose, float64 tight), derivatives
with check_grads (order 2, fwd and rev, float64) on well-conditioned inputs, vmap against a
Python loop, jit against eager, the norm-at-zero convention and the errors."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prim_cases_linalg import distinct_eigs, distinct_svals, spd, well_conditioned

import functorch_lite as fl
import functorch_lite.numpy as jnp
from functorch_lite.test_util import check_grads

L = jnp.linalg
SET = settings(max_examples=15, deadline=None, derandomize=True)
TOL = {np.float32: dict(rtol=2e-4, atol=2e-4), np.float64: dict(rtol=1e-10, atol=1e-10)}


def _rng(seed=0):
    return np.random.default_rng(seed)


def _close(got, want, dtype):
    got = np.asarray(got)
    assert got.dtype == np.dtype(dtype), (got.dtype, dtype)
    np.testing.assert_allclose(got, np.asarray(want), **TOL[dtype])


def _grads(f, *args):
    check_grads(f, args, order=2, modes=("fwd", "rev"))


# ---- values against numpy -------------------------------------------------------------------


def _sq(rng, dt, batch=()):
    return well_conditioned(rng, batch + (3, 3), np.dtype(dt))


VALUE_CASES = [
    ("det", lambda x: L.det(x), np.linalg.det, lambda r, d: [_sq(r, d, (2,))]),
    ("inv", L.inv, np.linalg.inv, lambda r, d: [_sq(r, d, (2,))]),
    ("solve_matrix", L.solve, np.linalg.solve,
     lambda r, d: [_sq(r, d, (2,)), r.standard_normal((2, 3, 2)).astype(d)]),
    ("solve_vector", L.solve, np.linalg.solve,
     lambda r, d: [_sq(r, d, (2,)), r.standard_normal(3).astype(d)]),
    ("slogdet", lambda x: tuple(L.slogdet(x)), lambda x: tuple(np.linalg.slogdet(x)),
     lambda r, d: [_sq(r, d, (2,)) * np.array([[[1]], [[-1]]], d)]),
    ("cholesky", L.cholesky, np.linalg.cholesky, lambda r, d: [spd(r, (2, 3, 3), np.dtype(d))]),
    ("cholesky_upper", lambda x: L.cholesky(x, upper=True),
     lambda x: np.linalg.cholesky(x, upper=True), lambda r, d: [spd(r, (3, 3), np.dtype(d))]),
    ("eigvalsh", L.eigvalsh, np.linalg.eigvalsh,
     lambda r, d: [distinct_eigs(r, (2, 3, 3), np.dtype(d))]),
    ("svdvals", L.svdvals, lambda x: np.linalg.svd(x, compute_uv=False),
     lambda r, d: [r.standard_normal((2, 4, 3)).astype(d)]),
    ("pinv", L.pinv, np.linalg.pinv, lambda r, d: [r.standard_normal((4, 3)).astype(d)]),
    ("matrix_power", lambda x: L.matrix_power(x, 5), lambda x: np.linalg.matrix_power(x, 5),
     lambda r, d: [_sq(r, d) / 3]),
    ("matrix_power_neg", lambda x: L.matrix_power(x, -2),
     lambda x: np.linalg.matrix_power(x, -2), lambda r, d: [_sq(r, d, (2,))]),
    ("matrix_power_0", lambda x: L.matrix_power(x, 0), lambda x: np.linalg.matrix_power(x, 0),
     lambda r, d: [_sq(r, d)]),
    ("cond", L.cond, np.linalg.cond, lambda r, d: [_sq(r, d, (2,))]),
    ("cond_fro", lambda x: L.cond(x, "fro"), lambda x: np.linalg.cond(x, "fro"),
     lambda r, d: [_sq(r, d)]),
    ("multi_dot", lambda *a: L.multi_dot(a), lambda *a: np.linalg.multi_dot(a),
     lambda r, d: [r.standard_normal(s).astype(d) for s in [(3,), (3, 6), (6, 2), (2, 4)]]),
    ("tensorinv", lambda x: L.tensorinv(x, 1), lambda x: np.linalg.tensorinv(x, 1),
     lambda r, d: [_sq(r, d, ()).reshape(3, 3)[[0, 1, 2]].repeat(1, 0)[:, :3].reshape(3, 3)]),
    ("tensorsolve", L.tensorsolve, np.linalg.tensorsolve,
     lambda r, d: [well_conditioned(r, (6, 6), np.dtype(d)).reshape(6, 2, 3),
                   r.standard_normal(6).astype(d)]),
    ("diagonal", lambda x: L.diagonal(x, offset=1), lambda x: np.linalg.diagonal(x, offset=1),
     lambda r, d: [r.standard_normal((2, 3, 4)).astype(d)]),
    ("trace", lambda x: L.trace(x, offset=-1), lambda x: np.linalg.trace(x, offset=-1),
     lambda r, d: [r.standard_normal((2, 3, 4)).astype(d)]),
    ("linalg.cross", L.cross, np.linalg.cross,
     lambda r, d: [r.standard_normal((4, 3)).astype(d), r.standard_normal(3).astype(d)]),
    ("linalg.outer", L.outer, np.linalg.outer,
     lambda r, d: [r.standard_normal(3).astype(d), r.standard_normal(2).astype(d)]),
    ("matrix_transpose", L.matrix_transpose, np.linalg.matrix_transpose,
     lambda r, d: [r.standard_normal((2, 3, 4)).astype(d)]),
    ("vecdot", lambda a, b: jnp.vecdot(a, b, axis=0), lambda a, b: np.vecdot(a, b, axis=0),
     lambda r, d: [r.standard_normal((3, 2)).astype(d), r.standard_normal((3, 1)).astype(d)]),
    ("kron", jnp.kron, np.kron,
     lambda r, d: [r.standard_normal((2, 3)).astype(d), r.standard_normal((3, 1, 2)).astype(d)]),
    ("cross_axis", lambda a, b: jnp.cross(a, b, axis=0), lambda a, b: np.cross(a, b, axis=0),
     lambda r, d: [r.standard_normal((3, 4)).astype(d), r.standard_normal((3, 4)).astype(d)]),
    ("cross_2d", jnp.cross, lambda a, b: a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0],
     lambda r, d: [r.standard_normal((4, 2)).astype(d), r.standard_normal(2).astype(d)]),
    ("trace_np", lambda x: jnp.trace(x, 1, 0, 2), lambda x: np.trace(x, 1, 0, 2),
     lambda r, d: [r.standard_normal((3, 2, 4)).astype(d)]),
    ("matmul_batched", jnp.matmul, np.matmul,
     lambda r, d: [r.standard_normal((2, 1, 3, 4)).astype(d),
                   r.standard_normal((3, 4, 2)).astype(d)]),
    ("matmul_vec", jnp.matmul, np.matmul,
     lambda r, d: [r.standard_normal(4).astype(d), r.standard_normal((2, 4, 3)).astype(d)]),
]


@pytest.mark.parametrize("name,fn,ref,make", VALUE_CASES, ids=[c[0] for c in VALUE_CASES])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_values_against_numpy(name, fn, ref, make, dtype):
    args = make(_rng(), dtype)
    got, want = fn(*args), ref(*args)
    if isinstance(want, tuple):
        for g, w in zip(got, want, strict=True):
            _close(g, w, dtype)
    else:
        _close(got, want, dtype)
    jitted = fl.jit(fn)(*args)  # jit equals eager
    for j, e in zip(jitted if isinstance(got, tuple) else (jitted,),
                    got if isinstance(got, tuple) else (got,), strict=True):
        np.testing.assert_allclose(np.asarray(j), np.asarray(e), **TOL[dtype])


def test_factorisations_reconstruct_their_input():
    rng = _rng(1)
    for dt in (np.float32, np.float64):
        a = rng.standard_normal((2, 4, 3)).astype(dt)
        q, r = L.qr(a)
        _close(jnp.matmul(q, r), a, dt)
        assert L.qr(a, mode="complete").Q.shape == (2, 4, 4)
        _close(L.qr(a, mode="r"), r, dt)
        u, s, vh = L.svd(a, full_matrices=False)
        _close(jnp.matmul(u * s[..., None, :], vh), a, dt)
        assert L.svd(a).U.shape == (2, 4, 4)
        sym = distinct_eigs(rng, (2, 3, 3), np.dtype(dt))
        w, v = L.eigh(sym)
        _close(jnp.matmul(v * w[..., None, :], jnp.matrix_transpose(v)), sym, dt)
        _close(w, np.linalg.eigvalsh(sym), dt)
        x, resid, rank, sv = L.lstsq(a[0], a[0, :, 0] + 1.0)
        want = np.linalg.lstsq(a[0], a[0, :, 0] + 1.0)
        _close(x, want[0], dt)
        _close(resid, np.sum((a[0] @ want[0] - a[0, :, 0] - 1.0) ** 2), dt)
        assert int(rank) == want[2]
        _close(L.lstsq(a[0], a[0, :, :2], numpy_resid=True)[1], np.linalg.lstsq(
            a[0], a[0, :, :2])[1], dt)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_norms_against_numpy(dtype):
    rng = _rng(2)
    v = rng.standard_normal(5).astype(dtype)
    m = rng.standard_normal((3, 4)).astype(dtype)
    t = rng.standard_normal((2, 3, 4)).astype(dtype)
    for ord in (None, 2, 1, 3, 0.5, -1, np.inf, -np.inf, 0):
        _close(L.norm(v, ord), np.linalg.norm(v, ord), dtype)
        _close(L.norm(t, ord, axis=1, keepdims=True),
               np.linalg.norm(t, ord, axis=1, keepdims=True), dtype)
    for ord in (None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf):
        _close(L.norm(m, ord), np.linalg.norm(m, ord), dtype)
        _close(L.norm(t, ord, axis=(2, 0)), np.linalg.norm(t, ord, axis=(2, 0)), dtype)
        _close(L.norm(t, ord, axis=(0, 1), keepdims=True),
               np.linalg.norm(t, ord, axis=(0, 1), keepdims=True), dtype)
    _close(L.norm(t), np.linalg.norm(t), dtype)
    _close(L.vector_norm(t, axis=(0, 2), ord=3), np.linalg.vector_norm(t, axis=(0, 2), ord=3),
           dtype)
    _close(L.matrix_norm(t, ord="nuc"), np.linalg.matrix_norm(t, ord="nuc"), dtype)
    assert int(L.matrix_rank(np.outer(v, v))) == np.linalg.matrix_rank(np.outer(v, v)) == 1


@pytest.mark.parametrize("dt", [np.uint8, np.uint16, np.int8, np.bool_, np.int32, np.float16])
def test_trace_accumulates_small_ints_like_sum(dt):
    # uint8 stayed uint8 and wrapped around (300 * 200 = 60000); jnp.sum (and JAX) use uint32
    x = np.full((300, 300), 200 if dt != np.bool_ else 1).astype(dt)
    for got in (jnp.trace(x), L.trace(x), fl.jit(jnp.trace)(x)):
        assert got.dtype == jnp.sum(jnp.diagonal(x)).dtype
        assert float(got) == float(np.trace(x.astype(np.float64)))


def test_lax_dot_general_takes_precision_and_preferred_element_type():
    # JAX's signature: ported calls passed these and got a TypeError
    a, b = np.arange(6, dtype=np.int8).reshape(2, 3), np.ones((3, 2), np.int8)
    dn = (((1,), (0,)), ((), ()))
    got = fl.lax.dot_general(a, b, dn, precision=None, preferred_element_type=np.float32)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(np.asarray(got), a.astype(np.float32) @ b)
    x = _rng(10).standard_normal((2, 3))
    _grads(lambda x: fl.lax.dot_general(x, x, (((1,), (1,)), ((), ())), precision="highest"), x)


# ---- einsum and its path --------------------------------------------------------------------


def test_einsum_path_picks_a_cheaper_order_with_the_same_values():
    rng = _rng(3)
    a, b, c = rng.standard_normal((30, 40)), rng.standard_normal((40, 50)), \
        rng.standard_normal(50)
    path, report = jnp.einsum_path("ij,jk,k->i", a, b, c)
    assert path == ["einsum_path", (1, 2), (0, 1)]  # jk,k first: no (i, k) intermediate
    naive = int(report.split("Left-to-right cost (multiply-adds):")[1].split()[0])
    optimised = int(report.split("Optimized cost (multiply-adds):")[1].split()[0])
    assert optimised < naive
    want = np.einsum("ij,jk,k->i", a, b, c)
    for opt in ("auto", "greedy", "optimal", False, path):
        np.testing.assert_allclose(np.asarray(jnp.einsum("ij,jk,k->i", a, b, c, optimize=opt)),
                                   want, rtol=1e-10)
    # the staged program of the default path has no (30, 50) intermediate; left-to-right does
    shapes = {tuple(v.aval.shape) for e in fl.make_jaxpr(
        lambda *o: jnp.einsum("ij,jk,k->i", *o))(a, b, c).eqns for v in e.outvars}
    assert (30, 50) not in shapes
    shapes = {tuple(v.aval.shape) for e in fl.make_jaxpr(
        lambda *o: jnp.einsum("ij,jk,k->i", *o, optimize=False))(a, b, c).eqns
        for v in e.outvars}
    assert (30, 50) in shapes


def test_einsum_takes_paths_that_contract_several_operands_at_once():
    # numpy's einsum_path (and opt_einsum) give steps such as (0, 1, 2); they were rejected
    rng = _rng(9)
    spec = "ij,jk,kl,lm,mn->in"
    ops = [rng.standard_normal(s) for s in [(2, 3), (3, 4), (4, 5), (5, 2), (2, 6)]]
    want = np.einsum(spec, *ops)
    v = [rng.standard_normal(n) for n in (2, 3, 4)]
    paths = [np.einsum_path("i,j,k->ijk", *v, optimize="greedy")[0],
             ["einsum_path", (0, 1, 2, 3, 4)], ["einsum_path", (3, 1, 0), (0, 2), (0, 1)],
             [(4,), (0, 2), (0, 1, 2, 3)]]
    assert paths[0] == ["einsum_path", (0, 1, 2)]  # numpy's own multi-operand step
    np.testing.assert_allclose(np.asarray(jnp.einsum("i,j,k->ijk", *v, optimize=paths[0])),
                               np.einsum("i,j,k->ijk", *v), rtol=1e-12)
    for path in paths[1:]:
        np.testing.assert_allclose(np.asarray(jnp.einsum(spec, *ops, optimize=path)), want,
                                   rtol=1e-10)
    _grads(lambda *o: jnp.einsum(spec, *o, optimize=paths[2]), *ops)
    with pytest.raises(ValueError, match="leaves 4 operands of 5"):
        jnp.einsum(spec, *ops, optimize=[(0, 1)])
    with pytest.raises(ValueError, match=r"step \(0, 5\)"):
        jnp.einsum(spec, *ops, optimize=[(0, 5)])


EINSUM_CASES = [
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 2)]),
    ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("ij->", [(2, 3)]),
    ("i,i,i->", [(4,), (4,), (4,)]),
    ("...ij,...jk->...ik", [(2, 3, 4), (4, 5)]),
    ("ij,kl->ikjl", [(2, 3), (2, 2)]),
    ("abc,cd,bd,a->", [(2, 3, 4), (4, 5), (3, 5), (2,)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("iij,jk->ik", [(2, 2, 3), (3, 4)]),
]


@pytest.mark.parametrize("spec,shapes", EINSUM_CASES, ids=[c[0] for c in EINSUM_CASES])
def test_einsum_values_and_grads(spec, shapes):
    rng = _rng(4)
    ops = [rng.standard_normal(s) for s in shapes]
    np.testing.assert_allclose(np.asarray(jnp.einsum(spec, *ops)), np.einsum(spec, *ops),
                               rtol=1e-10, atol=1e-12)
    f32 = [o.astype(np.float32) for o in ops]
    _close(jnp.einsum(spec, *f32), np.einsum(spec, *f32), np.float32)
    _grads(lambda *o: jnp.einsum(spec, *o), *ops)


# ---- derivatives (float64, order 2, both modes) ---------------------------------------------


def _gauge_free_svd(x):
    u, s, vh = L.svd(x, full_matrices=False)
    return jnp.matmul(u * jnp.sin(s)[..., None, :], vh), u * u, vh * vh


def _gauge_free_eigh(x):
    w, v = L.eigh(x)
    return w, v * v


def _gauge_free_qr(x):
    q, r = L.qr(x)
    return q, r  # numpy's QR is unique for full column rank (LAPACK's sign convention)


GRAD_CASES = [
    ("det", L.det, lambda r: [well_conditioned(r, (2, 3, 3), np.dtype(np.float64))]),
    ("slogdet", lambda x: L.slogdet(x).logabsdet,
     lambda r: [well_conditioned(r, (3, 3), np.dtype(np.float64)) * [[1], [-1], [1]]]),
    ("slogdet_qr", lambda x: L.slogdet(x, method="qr").logabsdet,
     lambda r: [well_conditioned(r, (2, 3, 3), np.dtype(np.float64)) * [[1], [-1], [1]]]),
    ("inv", L.inv, lambda r: [well_conditioned(r, (2, 3, 3), np.dtype(np.float64))]),
    ("solve", L.solve, lambda r: [well_conditioned(r, (3, 3), np.dtype(np.float64)),
                                  r.standard_normal(3)]),
    ("cholesky", L.cholesky, lambda r: [spd(r, (2, 3, 3), np.dtype(np.float64))]),
    ("eigh", _gauge_free_eigh, lambda r: [distinct_eigs(r, (2, 3, 3), np.dtype(np.float64))]),
    ("eigvalsh", L.eigvalsh, lambda r: [distinct_eigs(r, (3, 3), np.dtype(np.float64))]),
    ("svd_tall", _gauge_free_svd, lambda r: [distinct_svals(r, (4, 3), np.dtype(np.float64))]),
    ("svd_wide", _gauge_free_svd, lambda r: [distinct_svals(r, (2, 4), np.dtype(np.float64))]),
    ("qr", _gauge_free_qr, lambda r: [well_conditioned(r, (2, 3, 3), np.dtype(np.float64))]),
    ("qr_tall", _gauge_free_qr, lambda r: [r.standard_normal((4, 2)) + np.eye(4, 2)]),
    ("pinv", L.pinv, lambda r: [distinct_svals(r, (4, 3), np.dtype(np.float64))]),
    ("pinv_identity", L.pinv, lambda r: [np.eye(3)]),  # repeated singular values: custom JVP
    ("lstsq", lambda a, b: L.lstsq(a, b)[:2],
     lambda r: [distinct_svals(r, (4, 3), np.dtype(np.float64)), r.standard_normal(4)]),
    ("matrix_power", lambda x: L.matrix_power(x, -3),
     lambda r: [well_conditioned(r, (3, 3), np.dtype(np.float64))]),
    ("norm_fro", L.norm, lambda r: [r.standard_normal((3, 2))]),
    ("norm_nuc", lambda x: L.norm(x, "nuc"), lambda r: [distinct_svals(r, (3, 2),
                                                                       np.dtype(np.float64))]),
    ("norm_2", lambda x: L.norm(x, 2), lambda r: [distinct_svals(r, (3, 2),
                                                                 np.dtype(np.float64))]),
    ("norm_p", lambda x: L.norm(x, 3, axis=-1), lambda r: [r.standard_normal((2, 4))]),
    ("multi_dot", lambda *a: L.multi_dot(a),
     lambda r: [r.standard_normal(s) for s in [(2, 3), (3, 4), (4,)]]),
    ("kron", jnp.kron, lambda r: [r.standard_normal((2, 2)), r.standard_normal((1, 3))]),
    ("cross", jnp.cross, lambda r: [r.standard_normal((2, 3)), r.standard_normal(3)]),
    ("cond", L.cond, lambda r: [distinct_svals(r, (3, 3), np.dtype(np.float64))]),
]


@pytest.mark.parametrize("name,fn,make", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_derivatives_second_order(name, fn, make):
    _grads(fn, *make(_rng(5)))


def test_det_gradient_at_a_rank_deficient_matrix_is_the_cofactor_matrix():
    # rank n-1: det's gradient is adj(a)ᵀ, the cofactors (JAX's cofactor path gives the same)
    a = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])
    assert np.linalg.det(a) == 0.0
    cof = np.array([[(-1) ** (i + j) * np.linalg.det(np.delete(np.delete(a, i, 0), j, 1))
                     for j in range(3)] for i in range(3)])
    np.testing.assert_allclose(np.asarray(fl.grad(L.det)(a)), cof, atol=1e-12)
    # also batched, with a regular matrix next to it
    stack = np.stack([a, np.eye(3) * 2.0])
    g = fl.vmap(fl.grad(L.det))(stack)
    np.testing.assert_allclose(np.asarray(g), np.stack([cof, np.eye(3) * 4.0]), atol=1e-12)
    # rank n-2: the adjugate (and so the gradient) is 0
    np.testing.assert_allclose(np.asarray(fl.grad(L.det)(np.ones((3, 3)))), 0.0, atol=1e-12)


def test_slogdet_of_singular_and_empty_matrices_agrees_with_det_and_numpy():
    # LU's exact zero pivot: sign 0 and log|det| -inf, where det is 0 (QR gave sign 1, -111)
    stack = np.stack([np.ones((3, 3)), np.diag([2.0, -3.0, 1.0])])
    for dt in (np.float32, np.float64):
        sign, logabsdet = L.slogdet(stack.astype(dt))
        want_sign, want_log = np.linalg.slogdet(stack.astype(dt))
        _close(sign, want_sign, dt)
        _close(logabsdet, want_log, dt)
        assert float(L.det(stack.astype(dt))[0]) == 0.0 == float(sign[0])
        jit_sign, jit_log = fl.jit(L.slogdet)(stack.astype(dt))
        _close(jit_log, want_log, dt)
    sign, logabsdet = L.slogdet(np.zeros((2, 0, 0)))
    np.testing.assert_array_equal(np.asarray(sign), [1.0, 1.0])
    np.testing.assert_array_equal(np.asarray(logabsdet), [0.0, 0.0])
    # method='qr' (as JAX) agrees on a regular matrix
    a = well_conditioned(_rng(7), (3, 3), np.dtype(np.float64)) * [[1], [-1], [1]]
    for got, want in zip(L.slogdet(a, method="qr"), np.linalg.slogdet(a)):
        _close(got, want, np.float64)


@pytest.mark.parametrize("p", [1, -1, np.inf, -np.inf, "fro", "nuc"])
def test_cond_of_a_singular_matrix_is_inf(p):
    # numpy and JAX give inf; inv used to raise LinAlgError
    stack = np.stack([np.ones((2, 2)), np.diag([2.0, 0.5])])
    got = L.cond(stack, p)
    assert np.isinf(np.asarray(got)[0])
    want = np.linalg.cond(stack[1], p)  # (numpy's 'nuc' fails on the NaNs of a singular inv)
    np.testing.assert_allclose(np.asarray(got)[1], want)
    np.testing.assert_allclose(np.asarray(fl.jit(lambda x: L.cond(x, p))(stack)), np.asarray(got))
    g = fl.grad(lambda x: L.cond(x, p))(stack[1])  # and still differentiable where regular
    assert np.all(np.isfinite(np.asarray(g)))


def test_lstsq_matches_numpy_and_jax_conventions():
    rng = _rng(8)
    a, b = rng.standard_normal((5, 3)), rng.standard_normal(5)
    x, resid, rank, s = L.lstsq(a, b)
    want = np.linalg.lstsq(a, b)
    assert resid.shape == want[1].shape == (1,)  # one entry per column, as numpy and JAX
    _close(resid, want[1], np.float64)
    _close(x, want[0], np.float64)
    assert fl.jit(lambda a, b: L.lstsq(a, b)[1])(a, b).shape == (1,)
    # a negative rcond is machine precision (JAX); a tiny singular value then still counts
    tiny = np.eye(5, 3) @ np.diag([1.0, 1.0, 3e-16])  # exact singular values
    assert int(L.lstsq(tiny, b, rcond=-1)[2]) == 3 and int(L.lstsq(tiny, b)[2]) == 2
    # empty problems
    x, resid, rank, s = L.lstsq(np.zeros((3, 0)), np.ones(3))
    assert x.shape == (0,) and int(rank) == 0 and L.pinv(np.zeros((2, 3, 0))).shape == (2, 0, 3)
    # ranks have the default integer dtype (int64 with jax_enable_x64, as JAX)
    old = fl.config.read("jax_enable_x64")
    try:
        fl.config.update("jax_enable_x64", True)
        assert L.lstsq(a, b)[2].dtype == np.int64
        assert L.matrix_rank(a).dtype == np.int64
    finally:
        fl.config.update("jax_enable_x64", old)
    assert L.lstsq(a, b)[2].dtype == L.matrix_rank(a).dtype == np.int32


@pytest.mark.parametrize("name", ["det", "inv", "solve_matrix", "slogdet", "cholesky",
                                  "eigvalsh", "svdvals", "pinv", "cond"])
def test_float16_is_computed_in_float32_and_keeps_its_dtype(name):
    # numpy's LAPACK raised "array type float16 is unsupported in linalg"; JAX computes float16
    _, fn, ref, make = next(c for c in VALUE_CASES if c[0] == name)
    args = [a.astype(np.float16) for a in make(_rng(), np.float32)]
    got = fn(*args)
    want = ref(*[a.astype(np.float32) for a in args])
    for g, w in zip(got if isinstance(got, tuple) else (got,),
                    want if isinstance(want, tuple) else (want,), strict=True):
        assert np.asarray(g).dtype == np.float16
        np.testing.assert_allclose(np.asarray(g, np.float32), w, rtol=5e-3, atol=5e-3)


def test_pinv_with_a_traced_rtol():
    # rtol was closed over by pinv's custom JVP: a vmapped or jitted rtol leaked its tracer
    rng = _rng(11)
    a = rng.standard_normal((3, 4, 3)) @ np.diag([1.0, 0.1, 0.01])
    rtol = np.array([0.05, 0.5, 0.005])
    want = np.linalg.pinv(a, rtol=rtol)
    np.testing.assert_allclose(
        np.asarray(fl.vmap(lambda a, r: L.pinv(a, rtol=r))(a, rtol)), want, rtol=1e-10)
    np.testing.assert_allclose(
        np.asarray(fl.jit(lambda a, r: L.pinv(a, rtol=r))(a, rtol)), want, rtol=1e-10)
    g = fl.vmap(fl.grad(lambda a, r: jnp.sum(L.pinv(a, rtol=r) ** 2)))(a, rtol)
    loop = [fl.grad(lambda x, r: jnp.sum(L.pinv(x, rtol=r) ** 2))(x, float(r))
            for x, r in zip(a, rtol)]
    np.testing.assert_allclose(np.asarray(g), np.stack(loop), rtol=1e-9)


def test_eigh_degenerate_eigenvalues():
    # eigenvalues keep a finite gradient at a repeated eigenvalue; eigenvectors do not (as JAX)
    a = np.diag([1.0, 1.0, 2.0])
    g = fl.grad(lambda x: jnp.sum(L.eigvalsh(x) ** 2))(a)
    np.testing.assert_allclose(np.asarray(g), 2 * a)
    with np.errstate(all="ignore"):
        g = fl.grad(lambda x: jnp.sum(L.eigh(x).eigenvectors[:, 0]))(a)
    assert not np.all(np.isfinite(np.asarray(g)))
    g = fl.grad(lambda x: jnp.sum(L.svdvals(x)))(np.eye(3))
    np.testing.assert_allclose(np.asarray(g), np.eye(3))


# ---- norm at zero: gradient 0 (the convention; JAX gives NaN) -----------------------


@pytest.mark.parametrize("fn,shape", [
    (L.norm, (3,)), (L.norm, (2, 3)), (lambda x: L.norm(x, "fro"), (2, 2)),
    (lambda x: L.vector_norm(x), (4,)), (lambda x: L.matrix_norm(x), (3, 3)),
    (lambda x: L.norm(x, axis=1), (2, 3)),
])
def test_norm_at_zero_has_zero_gradient_and_no_nan(fn, shape):
    zero = np.zeros(shape)

    def total(x):
        return jnp.sum(fn(x))

    g = fl.grad(total)(zero)
    np.testing.assert_array_equal(np.asarray(g), 0.0)
    hess = fl.hessian(total)(zero)
    assert np.all(np.isfinite(np.asarray(hess)))
    gg = fl.grad(lambda x: jnp.sum(fl.grad(total)(x) ** 2))(zero)
    assert np.all(np.isfinite(np.asarray(gg)))
    _, t = fl.jvp(total, (zero,), (np.ones(shape),))
    assert np.asarray(t) == 0.0
    # and away from zero it is the usual derivative
    x = _rng(6).standard_normal(shape)
    _grads(total, x)


# ---- vmap against a loop, jit against eager ---------------------------------------------------


VMAP_CASES = {
    "det": (L.det, lambda r, b: [well_conditioned(r, b + (3, 3), np.dtype(np.float64))]),
    "inv": (L.inv, lambda r, b: [well_conditioned(r, b + (2, 2), np.dtype(np.float64))]),
    "solve": (L.solve, lambda r, b: [well_conditioned(r, b + (3, 3), np.dtype(np.float64)),
                                     r.standard_normal(b + (3,))]),
    "cholesky": (L.cholesky, lambda r, b: [spd(r, b + (3, 3), np.dtype(np.float64))]),
    "eigh": (_gauge_free_eigh, lambda r, b: [distinct_eigs(r, b + (3, 3), np.dtype(np.float64))]),
    "svd": (_gauge_free_svd, lambda r, b: [distinct_svals(r, b + (3, 2),
                                                          np.dtype(np.float64))]),
    "qr": (_gauge_free_qr, lambda r, b: [well_conditioned(r, b + (3, 3), np.dtype(np.float64))]),
    "slogdet": (lambda x: tuple(L.slogdet(x)),
                lambda r, b: [well_conditioned(r, b + (3, 3), np.dtype(np.float64))]),
    "pinv": (L.pinv, lambda r, b: [r.standard_normal(b + (3, 2))]),
    "norm": (lambda x: L.norm(x, "nuc"), lambda r, b: [r.standard_normal(b + (3, 2))]),
    "einsum": (lambda a, b: jnp.einsum("ij,jk,k->i", a, b, b[0]),
               lambda r, b: [r.standard_normal(b + (2, 3)), r.standard_normal(b + (3, 3))]),
    "grad_det": (fl.grad(lambda x: L.det(x) ** 2),
                 lambda r, b: [well_conditioned(r, b + (3, 3), np.dtype(np.float64))]),
    "grad_eigvalsh": (fl.grad(lambda x: jnp.sum(jnp.sin(L.eigvalsh(x)))),
                      lambda r, b: [distinct_eigs(r, b + (3, 3), np.dtype(np.float64))]),
}


@pytest.mark.parametrize("name", sorted(VMAP_CASES))
@SET
@given(data=st.data())
def test_vmap_matches_a_loop_and_jit_matches_eager(name, data):
    fn, make = VMAP_CASES[name]
    size = data.draw(st.integers(1, 4), label="batch size")
    rng = _rng(data.draw(st.integers(0, 2**16), label="seed"))
    args = make(rng, (size,))
    axes = [data.draw(st.integers(0, a.ndim - 1), label="in_axis") for a in args]
    moved = [np.moveaxis(a, 0, ax) for a, ax in zip(args, axes, strict=True)]
    got = fl.vmap(fn, in_axes=tuple(axes))(*moved)
    loop = [fn(*[a[i] for a in args]) for i in range(size)]
    got_leaves = got if isinstance(got, tuple) else (got,)
    for k, g in enumerate(got_leaves):
        want = np.stack([np.asarray(o[k] if isinstance(o, tuple) else o) for o in loop])
        np.testing.assert_allclose(np.asarray(g), want, rtol=1e-9, atol=1e-9)
    eager = fn(*[a[0] for a in args])
    jitted = fl.jit(fn)(*[a[0] for a in args])
    for j, e in zip(jitted if isinstance(eager, tuple) else (jitted,),
                    eager if isinstance(eager, tuple) else (eager,), strict=True):
        np.testing.assert_allclose(np.asarray(j), np.asarray(e), rtol=1e-12, atol=1e-12)


# ---- errors -----------------------------------------------------------------------------------


def test_errors_name_the_shapes():
    with pytest.raises(ValueError, match=r"square.*\(2, 3\)"):
        L.inv(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"square.*\(2, 3\)"):
        L.det(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"square.*\(3, 2\)"):
        L.cholesky(np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"matri.*\(3,\)"):
        L.eigh(np.ones(3))
    with pytest.raises(ValueError, match=r"\(3, 3\) \(a\) and \(4,\) \(b\)"):
        L.solve(np.eye(3), np.ones(4))
    with pytest.raises(ValueError, match=r"\(3, 3\) \(a\) and \(2, 4, 1\) \(b\)"):
        L.solve(np.eye(3), np.ones((2, 4, 1)))
    with pytest.raises(np.linalg.LinAlgError, match="inv: the matrix is singular"):
        L.inv(np.ones((2, 2)))
    with pytest.raises(np.linalg.LinAlgError, match="solve: the matrix is singular"):
        L.solve(np.ones((2, 2)), np.ones(2))
    with pytest.raises(np.linalg.LinAlgError, match="singular"):  # the jit runs the kernel too
        fl.jit(L.solve)(np.ones((2, 2)), np.ones(2))
    with pytest.raises(np.linalg.LinAlgError, match="not positive definite"):
        L.cholesky(-np.eye(2))
    with pytest.raises(ValueError, match="invalid norm order 'fro' for vectors"):
        L.norm(np.ones(3), "fro")
    with pytest.raises(ValueError, match="invalid norm order 3 for matrices"):
        L.norm(np.ones((2, 2)), 3)
    with pytest.raises(ValueError, match="1-d or 2-d"):
        L.norm(np.ones((2, 2, 2)), 2)
    with pytest.raises(ValueError, match="mode"):
        L.qr(np.eye(2), mode="bogus")
    with pytest.raises(TypeError, match="integer"):
        L.matrix_power(np.eye(2), 1.5)
    with pytest.raises(NotImplementedError, match="m >= n"):
        fl.grad(lambda x: jnp.sum(L.qr(x).R))(np.ones((2, 3)))
    with pytest.raises(NotImplementedError, match="full_matrices"):
        fl.grad(lambda x: jnp.sum(L.svd(x).U))(np.ones((3, 2)))
    with pytest.raises(ValueError, match="size 3"):
        L.cross(np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match="index 'j' has size 3 in one operand and 4"):
        jnp.einsum("ij,jk->ik", np.ones((2, 3)), np.ones((4, 2)))
    with pytest.raises(ValueError, match="optimize"):
        jnp.einsum("ij,jk->ik", np.ones((2, 3)), np.ones((3, 2)), optimize="fastest")


def test_einsum_out_is_unsupported_with_a_fix():
    x = jnp.ones(3)
    with pytest.raises(NotImplementedError, match="einsum: out= is not supported .*use the "
                                                  "returned value"):
        jnp.einsum("i,i->", x, x, out=x)


@settings(max_examples=20, deadline=None)
@given(st.sampled_from([
    ("ij,kj->ik", (3, 5), (4, 5)),      # x @ w.T: w's gradient is ct.T @ x
    ("ij,jk->ik", (3, 5), (5, 4)),      # plain matmul
    ("ji,jk->ik", (5, 3), (5, 4)),      # x.T @ y
    ("ji,kj->ik", (5, 3), (4, 5)),      # x.T @ y.T: both gradients transposed products
    ("bij,bkj->bik", (2, 3, 5), (2, 4, 5)),
]), st.booleans())
def test_matmul_gradients_come_back_contiguous_with_the_same_values(case, use_jit):
    # A transposed (strided) gradient makes every later elementwise op against a contiguous
    # array (an optimizer update) several times slower; the values must not change.
    spec, xs, ys = case
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal(xs), rng.standard_normal(ys)
    f = lambda a, b: jnp.sum(jnp.sin(jnp.einsum(spec, a, b)))  # noqa: E731
    g = fl.grad(f, argnums=(0, 1))
    gx, gy = (fl.jit(g) if use_jit else g)(x, y)
    ct = np.cos(np.einsum(spec, x, y))
    ins, out = spec.split("->")
    a, b = ins.split(",")
    np.testing.assert_allclose(gx, np.einsum(f"{out},{b}->{a}", ct, y), rtol=1e-12)
    np.testing.assert_allclose(gy, np.einsum(f"{a},{out}->{b}", x, ct), rtol=1e-12)
    assert np.asarray(gx).flags.c_contiguous and np.asarray(gy).flags.c_contiguous


def test_jit_turns_transpose_of_a_product_into_the_swapped_product():
    x, w = np.ones((3, 5)), np.ones((4, 5))
    f = fl.jit(fl.grad(lambda w, x: jnp.sum(x @ w.T)))
    text = f.lower(w, x).as_text()
    assert ".transpose(" not in text.split("@")[-1], text  # nothing after the last product
    np.testing.assert_allclose(f(w, x), np.full((4, 5), 3.0))
    assert np.asarray(f(w, x)).flags.c_contiguous
