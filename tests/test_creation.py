"""Array creation (functorch_lite.numpy): constants against numpy with JAX's default dtypes, and
the functions of arrays (tril/triu/diag/diagonal/linspace of array endpoints...) through the
shared table: values, jit, vmap against a loop, second-order derivatives."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_shape_ops import SETTINGS, Case, normal, table_tests

import functorch_lite as fl
import functorch_lite.numpy as jnp
from functorch_lite.test_util import check_grads

C = Case
CASES: dict[str, Case] = {
    "tril": C(jnp.tril, np.tril, [normal(3, 4)]),
    "tril_k_batched": C(lambda x: jnp.tril(x, -1), lambda x: np.tril(x, -1), [normal(2, 3, 3)]),
    "triu": C(lambda x: jnp.triu(x, 1), lambda x: np.triu(x, 1), [normal(4, 3)]),
    "diag_build": C(jnp.diag, np.diag, [normal(3)]),
    "diag_build_k": C(lambda v: jnp.diag(v, 2), lambda v: np.diag(v, 2), [normal(3)]),
    "diag_build_neg_k": C(lambda v: jnp.diag(v, -1), lambda v: np.diag(v, -1), [normal(2)]),
    "diag_extract": C(lambda m: jnp.diag(m, -1), lambda m: np.diag(m, -1), [normal(3, 4)]),
    "diagonal": C(lambda m: jnp.diagonal(m, 1, 2, 0), lambda m: np.diagonal(m, 1, 2, 0),
                  [normal(3, 2, 4)]),
    "diagonal_empty": C(lambda m: jnp.diagonal(m, 5), lambda m: np.diagonal(m, 5),
                        [normal(2, 3)], grad=False),
    "diagflat": C(lambda v: jnp.diagflat(v, -1), lambda v: np.diagflat(v, -1), [normal(2, 2)]),
    "linspace_arrays": C(lambda a, b: jnp.linspace(a, b, 4, axis=-1),
                         lambda a, b: np.linspace(a, b, 4, axis=-1), [normal(2), normal(3, 1)],
                         ints=False),
    "linspace_no_endpoint": C(lambda a, b: jnp.linspace(a, b, 5, endpoint=False),
                              lambda a, b: np.linspace(a, b, 5, endpoint=False),
                              [normal(), normal()], ints=False),
    "logspace": C(lambda a, b: jnp.logspace(a, b, 4, base=2.0),
                  lambda a, b: np.logspace(a, b, 4, base=2.0), [normal(2), normal(2)],
                  ints=False),
    "geomspace": C(lambda a, b: jnp.geomspace(jnp.exp(a), jnp.exp(b), 5),
                   lambda a, b: np.geomspace(np.exp(a), np.exp(b), 5), [normal(2), normal(2)],
                   ints=False),
    "meshgrid_xy": C(lambda x, y, z: jnp.meshgrid(x, y, z), lambda x, y, z: np.meshgrid(x, y, z),
                     [normal(3), normal(2), normal(4)]),
    "meshgrid_ij_sparse": C(lambda x, y: jnp.meshgrid(x, y, indexing="ij", sparse=True),
                            lambda x, y: np.meshgrid(x, y, indexing="ij", sparse=True),
                            [normal(3), normal(2)]),
    "full_array_fill": C(lambda v: jnp.full((2, 3), v), lambda v: np.full((2, 3), v),
                         [normal(3)]),
    "array_ndmin": C(lambda x: jnp.array(x, ndmin=3), lambda x: np.array(x, ndmin=3),
                     [normal(2)]),
}

test_values_and_jit, test_second_order_grads, test_vmap_matches_loop = table_tests(CASES)


# ---- constants -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fn,args,kwargs", [
    ("zeros", ((2, 3),), {}), ("ones", (4,), {"dtype": int}), ("empty", ((0, 2),), {}),
    ("eye", (3,), {}), ("eye", (2, 4), {"k": 1}), ("eye", (4, 2), {"k": -1, "dtype": "int32"}),
    ("identity", (3,), {}), ("tri", (3, 4), {"k": 1}), ("tri", (2,), {"dtype": bool}),
    ("arange", (5,), {}), ("arange", (1.0, 3.0, 0.5), {}), ("arange", (2, 9, 3), {}),
    ("linspace", (0.0, 1.0, 7), {}), ("linspace", (0, 10, 4), {"dtype": int}),
    ("logspace", (0.0, 3.0, 4), {}), ("geomspace", (-1.0, -1000.0, 4), {}),
    ("indices", ((2, 3),), {}),
])
def test_constants_match_numpy_with_jax_default_dtypes(fn, args, kwargs):
    got = getattr(jnp, fn)(*args, **kwargs)
    want = getattr(np, fn)(*args, **kwargs)
    np.testing.assert_allclose(got, want, rtol=1e-6)
    assert got.shape == want.shape
    if want.dtype == np.float64:
        assert got.dtype == np.float32  # JAX's default float
    elif want.dtype == np.int64:
        assert got.dtype == np.int32
    else:
        assert got.dtype == want.dtype


def test_like_functions_and_full():
    x = jnp.asarray(np.ones((2, 3), np.float64))
    for fn, want in [(jnp.zeros_like, 0.0), (jnp.ones_like, 1.0), (jnp.empty_like, 0.0)]:
        out = fn(x)
        assert out.shape == (2, 3) and out.dtype == np.float64
        np.testing.assert_array_equal(out, want)
    assert jnp.ones_like(x, dtype=int, shape=4).shape == (4,)
    assert jnp.full_like(x, 7, dtype=np.int32).dtype == np.int32
    assert jnp.full((2,), 7.0).dtype == np.float32
    assert jnp.full(3, 7).dtype == np.int32
    assert jnp.array([1, 2], dtype=np.float64).dtype == np.float64


def test_linspace_retstep_and_integer_dtype():
    y, step = jnp.linspace(0.0, 1.0, 5, endpoint=False, retstep=True)
    want, want_step = np.linspace(0.0, 1.0, 5, endpoint=False, retstep=True)
    np.testing.assert_allclose(y, want, rtol=1e-6)
    np.testing.assert_allclose(step, want_step, rtol=1e-6)
    np.testing.assert_array_equal(jnp.linspace(-3, 7, 6, dtype=int),
                                  np.linspace(-3, 7, 6, dtype=int))
    assert jnp.linspace(0.0, 1.0, 0).shape == (0,)
    np.testing.assert_array_equal(jnp.linspace(2.0, 5.0, 1), [2.0])


def test_index_helpers_match_numpy():
    for ours, theirs in [(jnp.tril_indices(4, -1), np.tril_indices(4, -1)),
                         (jnp.triu_indices(3, 1, 5), np.triu_indices(3, 1, 5)),
                         (jnp.tril_indices_from(np.ones((3, 2))), np.tril_indices_from(
                             np.ones((3, 2)))),
                         (jnp.triu_indices_from(jnp.ones((2, 4)), 1), np.triu_indices_from(
                             np.ones((2, 4)), 1)),
                         (jnp.diag_indices(3, 3), np.diag_indices(3, 3)),
                         (jnp.diag_indices_from(jnp.ones((2, 2))), np.diag_indices_from(
                             np.ones((2, 2)))),
                         (jnp.ix_([0, 2], [True, False, True]), np.ix_([0, 2],
                                                                      [True, False, True])),
                         (jnp.indices((2, 3), sparse=True), np.indices((2, 3), sparse=True))]:
        assert len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            assert o.dtype == np.int32
            np.testing.assert_array_equal(o, t)
    x = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(jnp.asarray(x)[jnp.ix_([2, 0], [1, 3])], x[np.ix_([2, 0],
                                                                                     [1, 3])])
    np.testing.assert_array_equal(jnp.fromfunction(lambda i, j: i * 10 + j, (2, 3)),
                                  np.fromfunction(lambda i, j: i * 10 + j, (2, 3)))


@SETTINGS
@given(st.integers(1, 4), st.integers(1, 4), st.integers(-4, 4), st.integers(0, 2))
def test_tril_triu_diag_of_traced_values(n, m, k, bdim):
    rng = np.random.default_rng(n * 10 + m)
    x = rng.standard_normal((n, m))
    batched = np.stack([x, -x, 2 * x], axis=bdim)
    for ours, theirs in [(jnp.tril, np.tril), (jnp.triu, np.triu),
                         (lambda a, k: jnp.diagonal(a, k), lambda a, k: np.diagonal(a, k))]:
        got = fl.vmap(lambda a, f=ours: f(a, k), in_axes=bdim)(jnp.asarray(batched))
        np.testing.assert_array_equal(got, np.stack([theirs(b, k) for b in (x, -x, 2 * x)]))
        np.testing.assert_array_equal(fl.jit(lambda a, f=ours: f(a, k))(jnp.asarray(x)),
                                      theirs(x, k))
    v = rng.standard_normal(n)
    np.testing.assert_array_equal(fl.jit(lambda a: jnp.diag(a, k))(jnp.asarray(v)),
                                  np.diag(v, k))
    check_grads(lambda a: jnp.diag(a, k), (jnp.asarray(v),), order=2)


def test_creation_errors():
    with pytest.raises(ValueError, match="negative dimensions"):
        jnp.zeros((2, -1))
    with pytest.raises(TypeError, match="concrete scalars"):
        fl.jit(lambda n: jnp.arange(n))(3)
    with pytest.raises(ValueError, match="step must not be zero"):
        jnp.arange(0, 3, 0)
    with pytest.raises(ValueError, match="indexing must be 'xy' or 'ij'"):
        jnp.meshgrid(jnp.ones(2), indexing="yx")
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        jnp.tril(jnp.ones(3))
    with pytest.raises(ValueError, match="1-d or 2-d"):
        jnp.diag(jnp.ones((2, 2, 2)))
    with pytest.raises(ValueError, match="axis1 and axis2 must differ"):
        jnp.diagonal(jnp.ones((2, 2)), 0, 1, -1)
    with pytest.raises(ValueError, match="num must be non-negative"):
        jnp.linspace(0.0, 1.0, -1)
    with pytest.raises(ValueError, match="must be nonzero"):
        jnp.geomspace(0.0, 1.0, 3)
    with pytest.raises(ValueError, match="needs a 2-d array"):
        jnp.tril_indices_from(jnp.ones(3))
    with pytest.raises(ValueError, match="equal length"):
        jnp.diag_indices_from(jnp.ones((2, 3)))


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint16])
def test_geomspace_and_logspace_integer_dtypes_hit_exact_powers(dtype):
    # They were computed in float32 and truncated: geomspace(1, 1000, 4, dtype=int) gave
    # [1, 9, 99, 1000]. Values within rounding of an integer are that integer; others truncate.
    np.testing.assert_array_equal(np.asarray(jnp.geomspace(1, 1000, 4, dtype=dtype)),
                                  [1, 10, 100, 1000])
    np.testing.assert_array_equal(np.asarray(jnp.geomspace(1, 256, 9, dtype=dtype)),
                                  2 ** np.arange(9))
    np.testing.assert_array_equal(np.asarray(jnp.geomspace(3, 3**10, 10, dtype=dtype)),
                                  3 ** np.arange(1, 11))
    np.testing.assert_array_equal(np.asarray(jnp.logspace(0, 4, 5, dtype=dtype)),
                                  10 ** np.arange(5))
    np.testing.assert_array_equal(np.asarray(jnp.logspace(0, 2.5, 6, dtype=dtype)),
                                  np.logspace(0, 2.5, 6).astype(dtype))  # (not integral)
    assert jnp.geomspace(1, 8, 4, dtype=dtype).dtype == np.dtype(dtype)


def test_array_order_is_only_a_layout():
    x = np.arange(6.0).reshape(2, 3)
    for order in ("C", "F", "A", "K", None):
        np.testing.assert_array_equal(np.asarray(jnp.array(x, order=order)),
                                      np.array(x, order=order))
    with pytest.raises(ValueError, match="array: order must be one of 'C', 'F', 'A', 'K' or "
                                         "None, got 'X'"):
        jnp.array(x, order="X")
