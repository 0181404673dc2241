"""Indexing functions (take, take_along_axis, nonzero, select, choose, compress, ...) through the
shared table, their jit/vmap forms (size=), errors, and ``x[idx]`` against numpy for drawn basic
and advanced index expressions."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_shape_ops import SETTINGS, Case, const, normal, table_tests

import functorch_lite as fl
import functorch_lite.numpy as jnp
from functorch_lite.errors import ConcretizationTypeError

IDX = np.array([[2, -1], [0, 1]])
C = Case
CASES: dict[str, Case] = {
    "take_axis": C(lambda x, i: jnp.take(x, i, axis=1), lambda x, i: np.take(x, i, axis=1),
                   [normal(2, 3, 2), const(IDX)]),
    "take_flat": C(lambda x, i: jnp.take(x, i), lambda x, i: np.take(x, i),
                   [normal(2, 3), const([5, 0, 0, -6])]),
    "take_clip": C(lambda x, i: jnp.take(x, i, axis=0, mode="clip"),
                   lambda x, i: np.take(x, i, axis=0, mode="clip"),
                   [normal(3, 2), const([-4, 1, 7])]),
    "take_wrap": C(lambda x, i: jnp.take(x, i, axis=-1, mode="wrap"),
                   lambda x, i: np.take(x, i, axis=-1, mode="wrap"),
                   [normal(2, 3), const([-4, 1, 7])]),
    "take_fill": C(lambda x, i: jnp.take(x, i, axis=0, mode="fill", fill_value=-7),
                   lambda x, i: np.where((np.asarray(i) < 3)[:, None] & (np.asarray(i) >= -3)
                                         [:, None], np.take(x, np.clip(i, -3, 2), axis=0), -7),
                   [normal(3, 2), const([-4, 1, 7, -1])]),
    "take_along_axis": C(lambda x, i: jnp.take_along_axis(x, i, axis=1),
                         lambda x, i: np.take_along_axis(x, i, axis=1),
                         [normal(2, 3), const([[2, 0, 0, 1], [1, 1, -1, 0]])]),
    "take_along_axis_bcast": C(lambda x, i: jnp.take_along_axis(x, i, axis=0),
                               lambda x, i: np.take_along_axis(x, i, axis=0),
                               [normal(3, 1, 2), const(np.zeros((2, 4, 1), int) + [[[2]],
                                                                                    [[0]]])]),
    "take_along_axis_none": C(lambda x, i: jnp.take_along_axis(x, i, axis=None),
                              lambda x, i: np.take_along_axis(x, i, axis=None),
                              [normal(2, 3), const([5, 0, 3])]),
    "select": C(lambda x, y: jnp.select([x > 0.5, y < 0], [x, 2 * y], default=y * x),
                lambda x, y: np.select([x > 0.5, y < 0], [x, 2 * y], default=y * x),
                [normal(2, 3), normal(3)]),
    "choose": C(lambda a, b: jnp.choose(jnp.asarray([[0, 1, 1], [1, 0, 1]]), [a, b]),
                lambda a, b: np.choose([[0, 1, 1], [1, 0, 1]], [a, b]),
                [normal(2, 3), normal(3)]),
    "choose_wrap": C(lambda a, b: jnp.choose(jnp.asarray([3, -1, 0]), [a, b], mode="wrap"),
                     lambda a, b: np.choose([3, -1, 0], [a, b], mode="wrap"),
                     [normal(3), normal(3)]),
    "compress": C(lambda x: jnp.compress(jnp.asarray([True, False, True]), x, axis=1),
                  lambda x: np.compress([True, False, True], x, axis=1), [normal(2, 3)]),
    "compress_size": C(lambda x: jnp.compress(jnp.asarray([True, False, True]), x, size=4,
                                              fill_value=1.5),
                       lambda x: np.concatenate([np.compress([True, False, True], x),
                                                 [1.5, 1.5]]), [normal(3)], ints=False),
    "extract": C(lambda x: jnp.extract(jnp.asarray([[0, 1], [2, 0]]), x),
                 lambda x: np.extract([[0, 1], [2, 0]], x), [normal(2, 2)]),
}

test_values_and_jit, test_second_order_grads, test_vmap_matches_loop = table_tests(CASES)


# ---- nonzero family ------------------------------------------------------------------------------


def _padded(found, size, fill):
    found = found[:size]
    return np.concatenate([found, np.full(size - found.size, fill)])


@SETTINGS
@given(st.lists(st.integers(1, 4), min_size=1, max_size=3), st.integers(0, 12),
       st.integers(-2, 2), st.integers(0, 99))
def test_nonzero_with_size_matches_numpy_eager_jit_and_vmap(shape, size, fill, seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2, shape) * rng.integers(-3, 4, shape)
    want = [_padded(f, size, fill) for f in np.nonzero(x)]
    for got in (jnp.nonzero(jnp.asarray(x), size=size, fill_value=fill),
                fl.jit(lambda a: jnp.nonzero(a, size=size, fill_value=fill))(jnp.asarray(x))):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g, w)
            assert g.dtype == np.int32
    batch = np.stack([x, 1 - np.abs(np.sign(x)), np.zeros_like(x)])
    got = fl.vmap(lambda a: jnp.argwhere(a, size=size, fill_value=fill))(jnp.asarray(batch))
    want_b = np.stack([np.stack([_padded(f, size, fill) for f in np.nonzero(b)], axis=1)
                       for b in batch])
    np.testing.assert_array_equal(got, want_b)
    flat = fl.jit(lambda a: jnp.flatnonzero(a, size=size, fill_value=fill))(jnp.asarray(x))
    np.testing.assert_array_equal(flat, _padded(np.flatnonzero(x), size, fill))


def test_nonzero_eager_and_errors():
    x = np.array([[0.0, 1.5], [-2.0, 0.0]])
    for ours, theirs in zip(jnp.nonzero(jnp.asarray(x)), np.nonzero(x)):
        np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(jnp.argwhere(jnp.asarray(x)), np.argwhere(x))
    assert jnp.argwhere(jnp.asarray(2.0)).shape == np.argwhere(2.0).shape
    np.testing.assert_array_equal(jnp.flatnonzero(jnp.asarray(x)), np.flatnonzero(x))
    np.testing.assert_array_equal(jnp.nonzero(jnp.asarray(x), fill_value=(7, 8), size=3)[1],
                                  [1, 0, 8])
    with pytest.raises(ConcretizationTypeError, match="size="):
        fl.jit(jnp.nonzero)(jnp.asarray(x))
    with pytest.raises(ConcretizationTypeError, match="size="):
        fl.vmap(jnp.flatnonzero)(jnp.asarray(x))
    with pytest.raises(ConcretizationTypeError, match="size="):
        fl.jit(lambda c, a: jnp.compress(c, a))(jnp.asarray([True, False]), jnp.ones(2))
    with pytest.raises(ValueError, match="0-d"):
        jnp.nonzero(jnp.asarray(1.0))
    with pytest.raises(ValueError, match="one value per axis"):
        jnp.nonzero(jnp.asarray(x), size=2, fill_value=(1, 2, 3))


def test_unravel_and_ravel_multi_index():
    flat = np.array([0, 5, 23, 11])
    for ours, theirs in zip(jnp.unravel_index(jnp.asarray(flat), (2, 3, 4)),
                            np.unravel_index(flat, (2, 3, 4))):
        np.testing.assert_array_equal(ours, theirs)
    jitted = fl.jit(lambda f: jnp.unravel_index(f, (2, 3, 4)))(jnp.asarray(flat))
    for ours, theirs in zip(jitted, np.unravel_index(flat, (2, 3, 4))):
        np.testing.assert_array_equal(ours, theirs)
    coords = (np.array([1, 0, 3]), np.array([2, -1, 4]))
    for mode in ("wrap", "clip"):
        for order in ("C", "F"):
            np.testing.assert_array_equal(
                jnp.ravel_multi_index(tuple(map(jnp.asarray, coords)), (2, 3), mode, order),
                np.ravel_multi_index(coords, (2, 3), mode=mode, order=order))
    ok = (np.array([1, 0]), np.array([2, 1]))
    np.testing.assert_array_equal(jnp.ravel_multi_index(ok, (2, 3)),
                                  np.ravel_multi_index(ok, (2, 3)))
    with pytest.raises(ValueError, match="out of bounds"):
        jnp.unravel_index(jnp.asarray([6]), (2, 3))
    with pytest.raises(ValueError, match="coordinate 3 is out of bounds for axis 0"):
        jnp.ravel_multi_index(tuple(map(jnp.asarray, coords)), (2, 3))


def test_take_errors():
    x = jnp.ones((2, 3))
    with pytest.raises(IndexError, match="index 3 is out of bounds for axis 1 with size 3"):
        jnp.take(x, jnp.asarray([0, 3]), axis=1, mode="raise")
    with pytest.raises(IndexError, match="out of bounds"):
        jnp.take(x, jnp.asarray([-7]))
    with pytest.raises(IndexError):  # under jit the kernel raises at run time
        fl.jit(lambda i: jnp.take(x, i, axis=1))(jnp.asarray([5]))
    with pytest.raises(ValueError, match="unknown mode 'clamp'"):
        jnp.take(x, jnp.asarray([0]), mode="clamp")
    with pytest.raises(TypeError, match="indices must be integers"):
        jnp.take(x, jnp.asarray([0.5]))
    with pytest.raises(ValueError, match="axis 2 is out of range"):
        jnp.take(x, jnp.asarray([0]), axis=2)
    with pytest.raises(ValueError, match="same number of dimensions"):
        jnp.take_along_axis(x, jnp.asarray([0]), axis=1)
    with pytest.raises(ValueError, match="outside \\[0, 2\\)"):
        jnp.choose(jnp.asarray([0, 2]), [jnp.ones(2), jnp.zeros(2)])
    with pytest.raises(TypeError, match="must be a bool array"):
        jnp.select([jnp.ones(2)], [jnp.ones(2)])
    with pytest.raises(ValueError, match="same length"):
        jnp.select([jnp.ones(2) > 0], [])


def test_take_fill_default_values_and_grad():
    x = jnp.asarray([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(jnp.take(x, jnp.asarray([0, 3]), mode="fill"), [1.0, np.nan])
    xi = jnp.asarray([1, 2, 3])
    assert int(jnp.take(xi, jnp.asarray([9]), mode="fill")[0]) == np.iinfo(np.int32).min
    g = fl.grad(lambda a: jnp.sum(jnp.take(a, jnp.asarray([0, 0, 5]), mode="fill",
                                           fill_value=0.0)))(x)
    np.testing.assert_array_equal(g, [2.0, 0.0, 0.0])


# ---- x[idx] against numpy ------------------------------------------------------------------------


@st.composite
def index_expr(draw, shape):
    """An index for an array of ``shape``: ints, slices (negative steps too), None, one
    Ellipsis, integer arrays and (eagerly) boolean masks, advanced ones maybe split by slices."""
    items = []
    axis = 0
    used_ellipsis = False
    n = len(shape)
    for _ in range(draw(st.integers(0, n + 2))):
        if axis >= n:
            break
        kind = draw(st.sampled_from(["int", "slice", "none", "ellipsis", "array", "mask"]))
        size = shape[axis]
        if kind == "int":
            items.append(draw(st.integers(-size, size - 1)))
        elif kind == "slice":
            items.append(slice(draw(st.none() | st.integers(-size - 2, size + 2)),
                               draw(st.none() | st.integers(-size - 2, size + 2)),
                               draw(st.none() | st.sampled_from([1, 2, -1, -2, 3]))))
        elif kind == "none":
            items.append(None)
            continue
        elif kind == "ellipsis":
            if used_ellipsis:
                continue
            used_ellipsis = True
            items.append(Ellipsis)
            axis = n - sum(1 for i in items if i is not None and i is not Ellipsis)
            left = draw(st.integers(0, n - axis)) if n > axis else 0
            axis = n - left
            continue
        elif kind == "array":
            k = draw(st.integers(1, 3))
            items.append(np.array(draw(st.lists(st.integers(-size, size - 1), min_size=k,
                                                max_size=k))))
        else:
            items.append(np.array(draw(st.lists(st.booleans(), min_size=size, max_size=size))))
        axis += 1
    if used_ellipsis:
        # keep the index valid: no more non-None items than axes
        while sum(1 for i in items if i is not None and i is not Ellipsis) > n:
            items.pop()
    return tuple(items)


@settings(max_examples=80, deadline=None, derandomize=True)
@given(st.lists(st.integers(1, 4), min_size=0, max_size=4), st.data())
def test_getitem_matches_numpy(shape, data):
    x = np.arange(int(np.prod(shape))).reshape(shape).astype(np.float64)
    idx = data.draw(index_expr(tuple(shape)), label="index")
    try:
        want = x[idx]
    except IndexError:  # e.g. integer arrays that do not broadcast
        with pytest.raises(IndexError):
            jnp.asarray(x)[idx]
        return
    got = jnp.asarray(x)[idx]
    assert np.asarray(got).shape == np.shape(want)
    np.testing.assert_array_equal(got, want)
    if not any(isinstance(i, np.ndarray) and i.dtype == bool for i in idx):
        jitted = fl.jit(lambda a: a[idx])(jnp.asarray(x))
        np.testing.assert_array_equal(jitted, want)


def test_getitem_mixed_advanced_corner_cases():
    x = np.arange(120.0).reshape(2, 3, 4, 5)
    i, j = np.array([0, 2, 1]), np.array([1, 0, 3])
    for idx in [(slice(None), i, j), (i % 2, slice(None), j), (0, slice(None), j),
                (Ellipsis, i, slice(None, None, -2)), (None, 1, i[:, None], Ellipsis, 0),
                (slice(None), i[:, None], None, j), (x[:, 0, 0, 0] > 30,),
                (slice(None, None, -1), np.array([True, False, True]), 1)]:
        np.testing.assert_array_equal(jnp.asarray(x)[idx], x[idx])
    with pytest.raises(IndexError, match="data-dependent shape"):
        fl.jit(lambda a, m: a[m])(jnp.asarray(x), jnp.asarray(x > 3))


def test_getitem_index_errors():
    x = jnp.ones((2, 3))
    with pytest.raises(IndexError, match="boolean index of shape \\(2,\\) does not match"):
        x[:, np.array([True, False])]
    with pytest.raises(IndexError, match="cannot be broadcast together"):
        x[np.array([0, 1]), np.array([0, 1, 2])]
    with pytest.raises(IndexError, match="out of bounds for axis 1 with size 3"):
        x[:, np.array([3])]


@pytest.mark.parametrize("call", [
    lambda x: ("take", jnp.take(x, jnp.asarray([0]), out=x)),
    lambda x: ("choose", jnp.choose(jnp.asarray([0, 1]), [x, x], out=x)),
    lambda x: ("compress", jnp.compress(jnp.asarray([True, False]), x, out=x)),
])
def test_out_argument_is_unsupported_with_a_fix(call):
    x = jnp.ones(2)
    with pytest.raises(NotImplementedError, match=r"(take|choose|compress): out= is not "
                                                  r"supported \(Arrays are immutable\); use the "
                                                  "returned value"):
        call(x)
