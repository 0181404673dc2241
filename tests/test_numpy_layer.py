"""functorch_lite.numpy, the user-level layer composed from primitives: every function against
numpy, and (from one table) under jit, under vmap against a Python loop, and its derivatives
against finite differences in float64."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import functorch_lite as fl
import functorch_lite.numpy as jnp
from functorch_lite.test_util import check_grads

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True)


def assert_close(got, want, atol=1e-10, rtol=1e-10):
    got_np = np.asarray(got)
    want = np.asarray(want)
    assert got_np.shape == want.shape, (got_np.shape, want.shape)
    np.testing.assert_allclose(got_np, want, atol=atol, rtol=rtol)


def normal(*shape):
    return lambda rng: rng.standard_normal(shape)


def positive(*shape):
    return lambda rng: rng.uniform(0.5, 2.0, shape)


@dataclass
class Case:
    fn: Callable  # jnp function of Arrays
    ref: Callable  # the same on numpy arrays
    args: list  # makers: rng -> numpy float64 array
    grad: bool = True  # smooth at random points: check derivatives
    batch: bool = True  # check vmap against a loop


C = Case
SPECIAL = np.array([1.0, np.inf, 1.0, np.nan, -np.inf, 1.0])
CASES: dict[str, Case] = {
    # reductions
    "sum_axis_keepdims": C(lambda x: jnp.sum(x, axis=1, keepdims=True),
                           lambda x: np.sum(x, axis=1, keepdims=True), [normal(2, 3, 4)]),
    "sum_axes_tuple": C(lambda x: jnp.sum(x, axis=(0, 2)), lambda x: np.sum(x, (0, 2)),
                        [normal(2, 3, 4)]),
    "mean_neg_axis": C(lambda x: jnp.mean(x, axis=-1), lambda x: np.mean(x, -1), [normal(3, 4)]),
    "max_axis": C(lambda x: jnp.max(x, axis=0), lambda x: np.max(x, 0), [normal(4, 3)]),
    "min_keepdims": C(lambda x: jnp.min(x, axis=1, keepdims=True),
                      lambda x: np.min(x, 1, keepdims=True), [normal(3, 4)]),
    "max_initial": C(lambda x: jnp.max(x, initial=0.5), lambda x: np.max(x, initial=0.5),
                     [normal(5)], grad=False),
    "var_ddof": C(lambda x: jnp.var(x, axis=0, ddof=1), lambda x: np.var(x, 0, ddof=1),
                  [normal(4, 3)]),
    "std": C(lambda x: jnp.std(x), lambda x: np.std(x), [normal(3, 4)]),
    "cumsum_axis": C(lambda x: jnp.cumsum(x, axis=1), lambda x: np.cumsum(x, 1), [normal(3, 4)]),
    "cumsum_flat": C(lambda x: jnp.cumsum(x), lambda x: np.cumsum(x), [normal(2, 3)]),
    "argmax": C(lambda x: jnp.argmax(x, axis=1), lambda x: np.argmax(x, 1), [normal(3, 5)],
                grad=False),
    "argmin_flat": C(lambda x: jnp.argmin(x), lambda x: np.argmin(x), [normal(3, 5)],
                     grad=False),
    "all_any": C(lambda x: jnp.stack([jnp.all(x > -1.0, axis=0), jnp.any(x > 1.0, axis=0)]),
                 lambda x: np.stack([np.all(x > -1.0, 0), np.any(x > 1.0, 0)]), [normal(4, 3)],
                 grad=False),
    # shape manipulation
    "reshape": C(lambda x: jnp.reshape(x, (4, -1)), lambda x: np.reshape(x, (4, -1)),
                 [normal(2, 3, 2)]),
    "ravel": C(jnp.ravel, np.ravel, [normal(2, 3)]),
    "transpose": C(lambda x: jnp.transpose(x, (2, 0, 1)), lambda x: np.transpose(x, (2, 0, 1)),
                   [normal(2, 3, 4)]),
    "swapaxes": C(lambda x: jnp.swapaxes(x, 0, -1), lambda x: np.swapaxes(x, 0, -1),
                  [normal(2, 3, 4)]),
    "moveaxis": C(lambda x: jnp.moveaxis(x, 0, -1), lambda x: np.moveaxis(x, 0, -1),
                  [normal(2, 3, 4)]),
    "squeeze": C(lambda x: jnp.squeeze(x, axis=(0, 2)), lambda x: np.squeeze(x, (0, 2)),
                 [normal(1, 3, 1, 2)]),
    "expand_dims": C(lambda x: jnp.expand_dims(x, (0, -1)), lambda x: np.expand_dims(x, (0, -1)),
                     [normal(3, 2)]),
    "concatenate": C(lambda x, y: jnp.concatenate([x, y, x], axis=1),
                     lambda x, y: np.concatenate([x, y, x], 1), [normal(2, 3), normal(2, 1)]),
    "concatenate_none": C(lambda x, y: jnp.concatenate([x, y], axis=None),
                          lambda x, y: np.concatenate([x, y], None), [normal(2, 3), normal(4)]),
    "stack": C(lambda x, y: jnp.stack([x, y], axis=-1), lambda x, y: np.stack([x, y], -1),
               [normal(2, 3), normal(2, 3)]),
    "broadcast_to": C(lambda x: jnp.broadcast_to(x, (4, 2, 3)),
                      lambda x: np.broadcast_to(x, (4, 2, 3)), [normal(2, 1)]),
    "broadcast_arrays": C(lambda x, y: jnp.stack(jnp.broadcast_arrays(x, y)),
                          lambda x, y: np.stack(np.broadcast_arrays(x, y)),
                          [normal(3, 1), normal(4)]),
    "flip": C(lambda x: jnp.flip(x, (0, 2)), lambda x: np.flip(x, (0, 2)), [normal(2, 3, 4)]),
    "flip_all": C(jnp.flip, np.flip, [normal(2, 3)]),
    "atleast_1d": C(jnp.atleast_1d, np.atleast_1d, [normal()]),
    "take": C(lambda x: jnp.take(x, jnp.asarray([2, 0, 2]), axis=1),
              lambda x: np.take(x, [2, 0, 2], axis=1), [normal(2, 3)]),
    "take_flat": C(lambda x: jnp.take(x, jnp.asarray([[5, 0], [1, 1]])),
                   lambda x: np.take(x, [[5, 0], [1, 1]]), [normal(2, 3)]),
    # elementwise
    "where": C(lambda x, y: jnp.where(x > 0, x * y, y ** 2),
               lambda x, y: np.where(x > 0, x * y, y ** 2), [normal(3, 4), normal(4)]),
    "clip": C(lambda x: jnp.clip(x, -0.5, 0.7), lambda x: np.clip(x, -0.5, 0.7), [normal(3, 4)]),
    "logaddexp": C(jnp.logaddexp, np.logaddexp, [normal(3), normal(2, 3)]),
    "round": C(lambda x: jnp.round(x * 10.0, 1), lambda x: np.round(x * 10.0, 1), [normal(5)],
               grad=False),
    "floor_divide": C(lambda x, y: x // y, lambda x, y: x // y, [normal(5), positive(5)],
                      grad=False),
    "remainder": C(lambda x, y: jnp.remainder(x, y), np.remainder, [normal(5), positive(5)],
                   grad=False),
    "power_int": C(lambda x: jnp.power(x, 3), lambda x: np.power(x, 3), [normal(4)]),
    "power_neg_int": C(lambda x: x ** -2, lambda x: x ** -2.0, [positive(4)]),
    "power_float": C(lambda x, y: x ** y, lambda x, y: x ** y, [positive(4), normal(4)]),
    "square_reciprocal": C(lambda x: jnp.square(x) + jnp.reciprocal(x),
                           lambda x: np.square(x) + np.reciprocal(x), [positive(4)]),
    "exp2_log2_log10": C(lambda x: jnp.exp2(x) + jnp.log2(x) * jnp.log10(x),
                         lambda x: np.exp2(x) + np.log2(x) * np.log10(x), [positive(4)]),
    "hyperbolic": C(lambda x: jnp.sinh(x) + jnp.cosh(x) * jnp.arcsinh(x) - jnp.arctan(x),
                    lambda x: np.sinh(x) + np.cosh(x) * np.arcsinh(x) - np.arctan(x),
                    [normal(4)]),
    "arctan2": C(jnp.arctan2, np.arctan2, [normal(4), positive(4)]),
    "max_min_binary": C(lambda x, y: jnp.maximum(x, y) - jnp.minimum(x, 0.3 * y),
                        lambda x, y: np.maximum(x, y) - np.minimum(x, 0.3 * y),
                        [normal(3, 2), normal(2)]),
    "sign_abs": C(lambda x: jnp.sign(x) * jnp.abs(x) ** 1.5,
                  lambda x: np.sign(x) * np.abs(x) ** 1.5, [normal(5)]),
    "logical": C(lambda x, y: jnp.logical_or(jnp.logical_and(x > 0, y > 0),
                                             jnp.logical_not(x > -0.5)),
                 lambda x, y: np.logical_or(np.logical_and(x > 0, y > 0),
                                            np.logical_not(x > -0.5)),
                 [normal(6), normal(6)], grad=False),
    "isfinite": C(lambda x: jnp.isfinite(x * jnp.asarray(SPECIAL)),
                  lambda x: np.isfinite(x * SPECIAL), [positive(6)], grad=False),
    # products
    "dot_mv": C(jnp.dot, np.dot, [normal(3, 4), normal(4)]),
    "dot_mm": C(jnp.dot, np.dot, [normal(2, 3), normal(3, 4)]),
    "vdot": C(jnp.vdot, np.vdot, [normal(2, 3), normal(2, 3)]),
    "inner": C(jnp.inner, np.inner, [normal(2, 3), normal(4, 3)]),
    "outer": C(jnp.outer, np.outer, [normal(3), normal(2, 2)]),
    "tensordot_int": C(lambda a, b: jnp.tensordot(a, b, 1), lambda a, b: np.tensordot(a, b, 1),
                       [normal(2, 3), normal(3, 4)]),
    "tensordot_pairs": C(lambda a, b: jnp.tensordot(a, b, ([1, 0], [0, 1])),
                         lambda a, b: np.tensordot(a, b, ([1, 0], [0, 1])),
                         [normal(2, 3, 4), normal(3, 2, 5)]),
    "matmul_batched": C(jnp.matmul, np.matmul, [normal(2, 1, 3, 4), normal(5, 4, 2)]),
    "einsum_mm": C(lambda a, b: jnp.einsum("ij,jk->ik", a, b),
                   lambda a, b: np.einsum("ij,jk->ik", a, b), [normal(2, 3), normal(3, 4)]),
    "einsum_implicit": C(lambda a, b: jnp.einsum("ij,jk", a, b),
                         lambda a, b: np.einsum("ij,jk", a, b), [normal(2, 3), normal(3, 4)]),
    "einsum_diag": C(lambda a: jnp.einsum("ii->i", a), lambda a: np.einsum("ii->i", a),
                     [normal(3, 3)]),
    "einsum_trace": C(lambda a: jnp.einsum("ii", a), lambda a: np.einsum("ii", a),
                      [normal(3, 3)]),
    "einsum_batch": C(lambda a, b: jnp.einsum("bij,bjk->bik", a, b),
                      lambda a, b: np.einsum("bij,bjk->bik", a, b),
                      [normal(2, 3, 4), normal(2, 4, 1)]),
    "einsum_ellipsis": C(lambda a, b: jnp.einsum("...ij,...j->...i", a, b),
                         lambda a, b: np.einsum("...ij,...j->...i", a, b),
                         [normal(2, 3, 4), normal(2, 4)]),
    "einsum_three": C(lambda a, b, c: jnp.einsum("i,ij,j->", a, b, c),
                      lambda a, b, c: np.einsum("i,ij,j->", a, b, c),
                      [normal(3), normal(3, 4), normal(4)]),
    "einsum_outer_sum": C(lambda a, b: jnp.einsum("ij,k->jk", a, b),
                          lambda a, b: np.einsum("ij,k->jk", a, b), [normal(2, 3), normal(4)]),
    "trace": C(jnp.trace, np.trace, [normal(3, 3)]),
}
NAMES = sorted(CASES)


def make_args(case: Case, seed: int = 0) -> list:
    rng = np.random.RandomState(seed)
    return [m(rng) for m in case.args]


@pytest.mark.parametrize("name", NAMES)
def test_value_matches_numpy_and_jit(name):
    case = CASES[name]
    args = make_args(case)
    want = case.ref(*args)
    got = case.fn(*[jnp.asarray(a) for a in args])
    assert isinstance(got, fl.Array)
    assert_close(got, want)
    if np.asarray(want).dtype.kind == "f":
        assert got.dtype == np.float64
    got32 = case.fn(*[jnp.asarray(a.astype(np.float32)) for a in args])
    assert got32.dtype == (np.float32 if got.dtype == np.float64 else got.dtype)
    jitted = fl.jit(case.fn)(*[jnp.asarray(a) for a in args])
    assert jitted.dtype == got.dtype
    assert_close(jitted, got, atol=1e-12, rtol=1e-12)


@pytest.mark.parametrize("name", [n for n in NAMES if CASES[n].batch])
def test_vmap_matches_loop(name):
    case = CASES[name]
    rng = np.random.RandomState(1)
    batch = 3
    args = make_args(case, 1)
    # batch the first argument along axis 0 and (if any) the last along its last axis + 1
    first = np.stack([m(rng) for m in [case.args[0]] * batch])
    in_axes = [0] + [None] * (len(args) - 1)
    call_args = [first] + args[1:]
    if len(args) > 1:
        last = np.stack([case.args[-1](rng) for _ in range(batch)], axis=-1)
        call_args[-1] = last
        in_axes[-1] = -1
    got = fl.vmap(case.fn, in_axes=tuple(in_axes))(*[jnp.asarray(a) for a in call_args])
    per = []
    for b in range(batch):
        ex = [first[b]] + args[1:]
        if len(args) > 1:
            ex[-1] = call_args[-1][..., b]
        per.append(case.ref(*ex))
    assert_close(got, np.stack(per))


@pytest.mark.parametrize("name", [n for n in NAMES if CASES[n].grad])
def test_derivatives_match_finite_differences(name):
    case = CASES[name]
    args = tuple(jnp.asarray(a) for a in make_args(case, 2))
    check_grads(case.fn, args, order=1, modes=("fwd", "rev"), atol=1e-6, rtol=1e-6)


@pytest.mark.parametrize("name", ["sum_axis_keepdims", "var_ddof", "logaddexp", "power_float",
                                  "einsum_batch", "where", "take", "hyperbolic", "std"])
def test_second_derivatives(name):
    case = CASES[name]
    args = tuple(jnp.asarray(a) for a in make_args(case, 3))
    check_grads(case.fn, args, order=2, modes=("fwd", "rev"), atol=1e-5, rtol=1e-5)


# ---- drawn reductions and shape operations ------------------------------------------------------


@st.composite
def array_and_axes(draw, min_dims=1):
    a = draw(hnp.arrays(np.float64, hnp.array_shapes(min_dims=min_dims, max_dims=4, max_side=4),
                        elements=st.floats(-10, 10)))
    nd = a.ndim
    axis = draw(st.none() | st.integers(-nd, nd - 1) | st.lists(
        st.integers(0, nd - 1), unique=True, max_size=nd).map(tuple))
    return a, axis, draw(st.booleans())


REDUCTIONS = {"sum": (jnp.sum, np.sum), "mean": (jnp.mean, np.mean), "max": (jnp.max, np.max),
              "min": (jnp.min, np.min), "var": (jnp.var, np.var), "std": (jnp.std, np.std),
              "all": (jnp.all, np.all), "any": (jnp.any, np.any)}


@SETTINGS
@given(array_and_axes(), st.sampled_from(sorted(REDUCTIONS)))
def test_reductions_drawn(case, name):
    a, axis, keepdims = case
    fn, ref = REDUCTIONS[name]
    if name in ("all", "any"):
        a = a > 0
    if name in ("mean", "var", "std", "max", "min") and axis == ():
        axis = None  # numpy reduces nothing over an empty tuple; keep the test about axes
    want = ref(a, axis=axis, keepdims=keepdims)
    got = fn(jnp.asarray(a), axis=axis, keepdims=keepdims)
    assert_close(got, want, atol=1e-9, rtol=1e-9)
    assert_close(fl.jit(lambda x: fn(x, axis=axis, keepdims=keepdims))(jnp.asarray(a)), want,
                 atol=1e-9, rtol=1e-9)


@SETTINGS
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=4, max_side=4),
                  elements=st.floats(-10, 10)), st.data())
def test_shape_ops_drawn(a, data):
    nd = a.ndim
    x = jnp.asarray(a)
    perm = tuple(data.draw(st.permutations(range(nd))))
    assert_close(jnp.transpose(x, perm), np.transpose(a, perm))
    src = data.draw(st.integers(-nd, nd - 1))
    dst = data.draw(st.integers(-nd, nd - 1))
    assert_close(jnp.moveaxis(x, src, dst), np.moveaxis(a, src, dst))
    assert_close(jnp.swapaxes(x, src, dst), np.swapaxes(a, src, dst))
    ax = data.draw(st.integers(-nd - 1, nd))
    assert_close(jnp.expand_dims(x, ax), np.expand_dims(a, ax))
    flips = tuple(data.draw(st.lists(st.integers(0, nd - 1), unique=True)))
    assert_close(jnp.flip(x, flips), np.flip(a, flips))
    k = data.draw(st.integers(-nd, nd - 1))
    assert_close(jnp.argmax(x, axis=k), np.argmax(a, axis=k))
    assert_close(jnp.cumsum(x, axis=k), np.cumsum(a, axis=k))
    assert_close(jnp.concatenate([x, x * 2.0], axis=k), np.concatenate([a, a * 2.0], axis=k))
    s = data.draw(st.integers(-nd - 1, nd))
    assert_close(jnp.stack([x, x], axis=s), np.stack([a, a], axis=s))
    assert_close(jnp.reshape(x, (-1,)), a.reshape(-1))
    assert_close(x.reshape(a.shape[::-1]), a.reshape(a.shape[::-1]))
    assert_close(jnp.squeeze(jnp.expand_dims(x, 0)), np.squeeze(a[None]))


# ---- creation -----------------------------------------------------------------------------


def test_creation_functions():
    assert_close(jnp.zeros((2, 3)), np.zeros((2, 3), np.float32))
    assert jnp.zeros(3).dtype == np.float32 and jnp.zeros(3, jnp.int32).dtype == np.int32
    assert_close(jnp.ones(3, dtype=int), np.ones(3, np.int32))
    full = jnp.full((2, 2), 7.0)
    assert full.dtype == np.float32 and np.all(np.asarray(full) == 7.0)
    assert jnp.full(3, 2).dtype == np.int32
    assert jnp.full(3, np.float64(2.0)).dtype == np.float64
    assert_close(jnp.empty((1, 2)), np.zeros((1, 2)))
    x = jnp.asarray(np.ones((2, 3)))
    assert jnp.zeros_like(x).dtype == np.float64 and jnp.zeros_like(x).shape == (2, 3)
    assert jnp.ones_like(x, dtype=np.float32).dtype == np.float32
    assert jnp.full_like(x, 3.0, shape=(4,)).shape == (4,)
    assert jnp.empty_like(x).shape == (2, 3)
    assert_close(jnp.arange(5), np.arange(5, dtype=np.int32))
    assert jnp.arange(5).dtype == np.int32
    assert_close(jnp.arange(1.0, 2.0, 0.25), np.arange(1.0, 2.0, 0.25).astype(np.float32))
    assert jnp.arange(1, 7, 2, dtype=jnp.float64).dtype == np.float64
    assert jnp.arange(jnp.asarray(4)).shape == (4,)
    assert_close(jnp.linspace(0, 1, 5), np.linspace(0, 1, 5).astype(np.float32))
    assert_close(jnp.linspace(0, 1, 4, endpoint=False), np.linspace(0, 1, 4, endpoint=False))
    assert_close(jnp.eye(3, 4, k=1), np.eye(3, 4, 1, dtype=np.float32))
    assert_close(jnp.identity(2, dtype=jnp.int32), np.identity(2, np.int32))
    src = np.ones(2)
    arr = jnp.array(src)
    src[0] = 5.0
    assert float(arr[0]) == 1.0
    assert jnp.array([[1, 2], [3, 4]], dtype=jnp.float32).dtype == np.float32
    with pytest.raises(TypeError, match="static"):
        fl.jit(lambda n: jnp.arange(n))(3)


def test_creation_inside_transformations():
    def f(x):
        return jnp.sum(x * jnp.arange(3.0) + jnp.zeros_like(x) + jnp.full_like(x, 2.0))

    x = jnp.asarray(np.ones(3))
    assert_close(fl.grad(f)(x), [0.0, 1.0, 2.0])
    assert_close(fl.jit(fl.grad(f))(x), [0.0, 1.0, 2.0])
    assert_close(fl.vmap(lambda r: jnp.ones_like(r) * r.sum())(jnp.asarray(np.eye(2))),
                 np.ones((2, 2)))
    assert_close(fl.vmap(lambda v: jnp.full((2,), v))(jnp.asarray([1.0, 3.0])),
                 [[1.0, 1.0], [3.0, 3.0]])
    assert_close(fl.grad(lambda v: jnp.sum(jnp.full((4,), v)))(2.0), 4.0)
    assert_close(fl.vmap(lambda v: jnp.asarray([v, 2.0 * v]))(jnp.asarray([1.0, 3.0])),
                 [[1.0, 2.0], [3.0, 6.0]])
    assert_close(fl.grad(lambda v: jnp.sum(jnp.asarray([v, v * v])))(3.0), 7.0)


def test_integer_and_bool_reduction_dtypes():
    assert jnp.sum(jnp.asarray([True, True, False])).dtype == np.int32
    assert int(jnp.sum(jnp.asarray([True, True, False]))) == 2
    assert jnp.sum(jnp.asarray([1, 2], jnp.int8)).dtype == np.int32
    assert jnp.mean(jnp.asarray([1, 2])).dtype == np.float32
    assert jnp.cumsum(jnp.asarray([True, True])).dtype == np.int32
    assert jnp.sum(jnp.asarray([1.0, 2.0]), dtype=jnp.float64).dtype == np.float64
    with pytest.raises(ValueError, match="initial"):
        jnp.max(jnp.zeros((0, 2)), axis=0)


def test_unsupported_forms_raise_clearly():
    with pytest.raises(fl.errors.ConcretizationTypeError, match="where"):
        fl.jit(lambda c: jnp.where(c))(jnp.asarray([True]))  # one-argument where under jit
    with pytest.raises(ValueError, match="same shape"):
        jnp.stack([jnp.ones(2), jnp.ones(3)])
    with pytest.raises(ValueError, match="cannot broadcast"):
        jnp.broadcast_to(jnp.ones(3), (2, 4))
    with pytest.raises(ValueError, match="not 1"):
        jnp.squeeze(jnp.ones((2, 3)), axis=0)
    with pytest.raises(ValueError, match="repeated axis"):
        jnp.sum(jnp.ones((2, 3)), axis=(0, 0))
