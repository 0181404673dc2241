"""functorch_lite.numpy sorting, searching, counting and set operations: values against numpy,
derivatives (through the sort permutation), vmap against a Python loop, jit against eager (with
``size=``/``length=`` where the output shape depends on the data), and errors."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import functorch_lite as fl
import functorch_lite.numpy as jnp
from functorch_lite.errors import ConcretizationTypeError
from functorch_lite.test_util import check_grads

SETTINGS = settings(max_examples=20, deadline=None, derandomize=True)
SEEDS = st.integers(0, 2**31 - 1)


def values(rng, shape, kind):
    """'distinct' floats (no ties), 'ties' (small integers as floats), 'nan' (ties and NaNs),
    or 'int' (int32 with ties)."""
    if kind == "distinct":
        n = int(np.prod(shape, dtype=np.int64))
        return ((rng.permutation(n) - n / 2) * 0.31).reshape(shape) + rng.uniform(-.01, .01,
                                                                                   shape)
    x = rng.integers(-3, 4, shape)
    if kind == "int":
        return x.astype(np.int32)
    x = x.astype(np.float64)
    if kind == "nan":
        x = np.where(rng.random(shape) < 0.25, np.nan, x)
    return x


@st.composite
def array_and_axis(draw, kinds=("distinct", "ties", "nan", "int"), min_dims=1):
    shape = tuple(draw(st.integers(1, 4)) for _ in range(draw(st.integers(min_dims, 3))))
    axis = draw(st.none() | st.integers(-len(shape), len(shape) - 1))
    kind = draw(st.sampled_from(kinds))
    x = values(np.random.default_rng(draw(SEEDS)), shape, kind)
    if kind != "int":
        x = x.astype(draw(st.sampled_from([np.float32, np.float64])))
    return x, axis


def eq(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    np.testing.assert_array_equal(got, want.astype(got.dtype))


# ---- sort / argsort / lexsort / partition --------------------------------------------------------


@SETTINGS
@given(array_and_axis())
def test_sort_and_argsort_match_numpy_stable(case):
    x, axis = case
    eq(jnp.sort(jnp.asarray(x), axis=axis), np.sort(x, axis=axis))
    got = jnp.argsort(jnp.asarray(x), axis=axis)
    eq(got, np.argsort(x, axis=axis, kind="stable"))
    assert got.dtype == np.int32
    eq(fl.jit(lambda v: jnp.argsort(v, axis=axis))(x), np.argsort(x, axis=axis, kind="stable"))


def _stable_descending(row):
    # Python's sort is stable: equal keys keep their order.
    return sorted(range(len(row)), key=lambda i: -row[i])


@SETTINGS
@given(array_and_axis(kinds=("ties", "int", "distinct")))
def test_descending_sort_and_argsort_are_stable(case):
    x, axis = case
    ax = -1 if axis is None else axis
    flat = x.ravel() if axis is None else np.moveaxis(x, ax, -1)
    want = np.apply_along_axis(_stable_descending, -1, flat.reshape(-1, flat.shape[-1]))
    want = want.reshape(flat.shape)
    if axis is not None:
        want = np.moveaxis(want, -1, ax)
    eq(jnp.argsort(jnp.asarray(x), axis=axis, descending=True), want)
    eq(jnp.sort(jnp.asarray(x), axis=axis, descending=True),
       np.take_along_axis(x.ravel() if axis is None else x, want, axis=0 if axis is None else ax))


@SETTINGS
@given(st.integers(1, 3), st.integers(1, 6), SEEDS)
def test_lexsort_matches_numpy(k, n, seed):
    rng = np.random.default_rng(seed)
    keys = [rng.integers(0, 3, (2, n)).astype(np.float64) for _ in range(k)]
    keys[0][0, 0] = np.nan
    eq(jnp.lexsort([jnp.asarray(c) for c in keys]), np.lexsort(keys))
    eq(jnp.lexsort(jnp.asarray(np.stack(keys)), axis=0), np.lexsort(np.stack(keys), axis=0))


@SETTINGS
@given(array_and_axis(kinds=("ties", "distinct", "int")), st.data())
def test_partition_puts_the_kth_element_in_place(case, data):
    x, axis = case
    ax = -1 if axis is None else axis
    n = x.shape[ax]
    kth = data.draw(st.integers(-n, n - 1))
    got = np.asarray(jnp.partition(jnp.asarray(x), kth, axis=ax))
    want = np.partition(x, kth, axis=ax)
    k = kth % n
    eq(np.take(got, [k], axis=ax), np.take(want, [k], axis=ax))
    assert np.all(np.take(got, range(k), axis=ax) <= np.take(got, [k], axis=ax))
    assert np.all(np.take(got, range(k + 1, n), axis=ax) >= np.take(got, [k], axis=ax))
    idx = np.asarray(jnp.argpartition(jnp.asarray(x), kth, axis=ax))
    eq(np.take_along_axis(x, idx, axis=ax), got)


@SETTINGS
@given(array_and_axis(kinds=("distinct",)))
def test_sort_derivatives_second_order(case):
    x, axis = case
    x = jnp.asarray(x.astype(np.float64))
    check_grads(lambda v: jnp.sort(v, axis=axis, descending=True), (x,), order=2,
                modes=("fwd", "rev"))
    check_grads(lambda v: jnp.take_along_axis(v, jnp.argsort(v * v, axis=-1), axis=-1)
                if x.ndim else v, (x,), order=1, modes=("fwd", "rev"))


def test_sort_gradient_is_the_permutation():
    x = jnp.asarray([3.0, 1.0, 2.0])
    w = jnp.asarray([1.0, 10.0, 100.0])
    g = fl.grad(lambda v: jnp.sum(jnp.sort(v) * w))(x)
    np.testing.assert_array_equal(np.asarray(g), [100.0, 1.0, 10.0])


@SETTINGS
@given(array_and_axis(kinds=("ties", "distinct", "nan")), st.integers(1, 3), st.data())
def test_sort_family_vmap_matches_a_loop(case, size, data):
    x, axis = case
    rng = np.random.default_rng(0)
    xs = np.stack([x] + [rng.permutation(x.ravel()).reshape(x.shape) for _ in range(size - 1)])
    in_axis = data.draw(st.integers(0, x.ndim))
    batched = jnp.asarray(np.moveaxis(xs, 0, in_axis))
    for f in (lambda v: jnp.sort(v, axis=axis), lambda v: jnp.argsort(v, axis=axis),
              lambda v: jnp.argsort(v, axis=axis, descending=True),
              lambda v: jnp.median(v, axis=axis)):
        got = fl.vmap(f, in_axes=in_axis)(batched)
        eq(got, np.stack([np.asarray(f(jnp.asarray(e))) for e in xs]))


# ---- searchsorted and digitize -------------------------------------------------------------------


@SETTINGS
@given(st.integers(0, 7), st.sampled_from(["left", "right"]),
       st.sampled_from(["scan", "scan_unrolled", "compare_all", "sort"]), st.booleans(), SEEDS)
def test_searchsorted_matches_numpy(n, side, method, use_sorter, seed):
    rng = np.random.default_rng(seed)
    a = values(rng, (n,), "nan")
    v = np.concatenate([values(rng, (2, 3), "nan").ravel(), [-9.0, 9.0, np.nan]]).reshape(3, 3)
    sorter = rng.permutation(n) if use_sorter else None
    a_sorted = np.sort(a)
    base = a_sorted[np.argsort(sorter)] if use_sorter else a_sorted
    want = np.searchsorted(base, v, side=side, sorter=sorter)
    s = None if sorter is None else jnp.asarray(sorter)
    got = jnp.searchsorted(jnp.asarray(base), jnp.asarray(v), side=side, sorter=s, method=method)
    eq(got, want)
    assert got.dtype == np.int32
    jitted = fl.jit(lambda b, q: jnp.searchsorted(b, q, side=side, method=method))
    eq(jitted(jnp.asarray(a_sorted), jnp.asarray(v)), np.searchsorted(a_sorted, v, side=side))


@SETTINGS
@given(st.integers(1, 5), st.integers(1, 3), st.sampled_from(["left", "right"]), SEEDS)
def test_searchsorted_vmap_over_both_arguments(n, size, side, seed):
    rng = np.random.default_rng(seed)
    a = np.sort(values(rng, (size, n), "ties"), axis=1)
    v = values(rng, (size, 4), "ties")
    got = fl.vmap(lambda b, q: jnp.searchsorted(b, q, side=side))(a, v)
    eq(got, np.stack([np.searchsorted(b, q, side=side) for b, q in zip(a, v)]))
    got = fl.vmap(lambda q: jnp.searchsorted(a[0], q, side=side), in_axes=1)(v)
    eq(got, np.stack([np.searchsorted(a[0], q, side=side) for q in v.T]))


@SETTINGS
@given(st.integers(1, 6), st.booleans(), st.booleans(), SEEDS)
def test_digitize_matches_numpy(n, right, decreasing, seed):
    rng = np.random.default_rng(seed)
    bins = np.sort(rng.choice(np.arange(-4.0, 5.0), n, replace=False))
    bins = bins[::-1] if decreasing else bins
    x = values(rng, (3, 4), "ties")
    eq(jnp.digitize(jnp.asarray(x), jnp.asarray(bins), right=right),
       np.digitize(x, bins, right=right))
    eq(fl.jit(lambda x_, b: jnp.digitize(x_, b, right))(x, bins), np.digitize(x, bins, right))


# ---- unique --------------------------------------------------------------------------------------


@SETTINGS
@given(array_and_axis(kinds=("ties", "nan", "int")), st.booleans())
def test_unique_matches_numpy(case, equal_nan):
    x, axis = case
    got = jnp.unique(jnp.asarray(x), return_index=True, return_inverse=True, return_counts=True,
                     axis=axis, equal_nan=equal_nan)
    want = np.unique(x, return_index=True, return_inverse=True, return_counts=True, axis=axis,
                     equal_nan=equal_nan)
    for g, w in zip(got, want, strict=True):
        eq(g, w)
    eq(jnp.unique(jnp.asarray(x)), np.unique(x))


@SETTINGS
@given(array_and_axis(kinds=("ties", "int"), min_dims=1), st.integers(1, 8))
def test_unique_with_size_under_jit_and_vmap(case, size):
    x, _ = case
    want_v, want_i, want_c = np.unique(x, return_index=True, return_counts=True)
    k = min(size, want_v.size)

    def f(v):
        return jnp.unique(v, return_index=True, return_counts=True, size=size, fill_value=-7)

    for got_v, got_i, got_c in (f(jnp.asarray(x)), fl.jit(f)(x)):
        eq(got_v[:k], want_v[:k])
        eq(got_i[:k], want_i[:k])
        eq(got_c[:k], want_c[:k])
        assert np.all(np.asarray(got_v[k:]) == -7) and np.all(np.asarray(got_c[k:]) == 0)
    xs = np.stack([x, x[::-1] * 2])
    got = fl.vmap(lambda v: jnp.unique(v, size=size))(xs)
    eq(got, np.stack([np.asarray(jnp.unique(jnp.asarray(e), size=size)) for e in xs]))


def test_unique_array_api_functions_match_numpy():
    x = np.array([[3.0, np.nan, 1.0], [1.0, np.nan, 3.0]])
    for ours, theirs in ((jnp.unique_all, np.unique_all), (jnp.unique_counts, np.unique_counts),
                         (jnp.unique_inverse, np.unique_inverse)):
        got, want = ours(jnp.asarray(x)), theirs(x)
        assert got._fields == want._fields
        for g, w in zip(got, want, strict=True):
            eq(g, w)
    eq(jnp.unique_values(jnp.asarray(x)), np.unique_values(x))
    r = jnp.unique_inverse(jnp.asarray([2, 1, 2]))
    eq(r.values[r.inverse_indices], [2, 1, 2])


def test_unique_default_fill_value_is_the_smallest():
    got = jnp.unique(jnp.asarray([5, 3, 5]), size=4)
    eq(got, [3, 5, 3, 3])


# ---- set operations and isin ---------------------------------------------------------------------

SETOPS = {
    "intersect1d": (jnp.intersect1d, np.intersect1d),
    "union1d": (jnp.union1d, np.union1d),
    "setdiff1d": (jnp.setdiff1d, np.setdiff1d),
    "setxor1d": (jnp.setxor1d, np.setxor1d),
}


@pytest.mark.parametrize("name", sorted(SETOPS))
@SETTINGS
@given(st.integers(0, 6), st.integers(0, 6), st.sampled_from(["ties", "int", "nan"]), SEEDS)
def test_set_operations_match_numpy(name, n1, n2, kind, seed):
    ours, theirs = SETOPS[name]
    rng = np.random.default_rng(seed)
    a, b = values(rng, (n1,), kind), values(rng, (n2, 1), kind)
    want = theirs(a, b)
    eq(ours(jnp.asarray(a), jnp.asarray(b)), want)
    if want.size:  # under jit: the first `size` values, padded with fill_value
        got = fl.jit(lambda p, q: ours(p, q, size=want.size + 2, fill_value=99))(a, b)
        eq(got, np.concatenate([want, [99, 99]]))


@SETTINGS
@given(st.integers(1, 6), st.integers(1, 6), SEEDS)
def test_intersect1d_return_indices(n1, n2, seed):
    rng = np.random.default_rng(seed)
    a, b = values(rng, (n1,), "int"), values(rng, (n2,), "int")
    for g, w in zip(jnp.intersect1d(jnp.asarray(a), jnp.asarray(b), return_indices=True),
                    np.intersect1d(a, b, return_indices=True), strict=True):
        eq(g, w)


@SETTINGS
@given(array_and_axis(kinds=("ties", "nan", "int")), st.integers(0, 5), st.booleans(),
       st.sampled_from(["auto", "sort", "compare_all", "binary_search"]), SEEDS)
def test_isin_matches_numpy(case, n, invert, method, seed):
    x, _ = case
    t = values(np.random.default_rng(seed), (n,), "nan").astype(x.dtype) if x.dtype.kind == \
        "f" else values(np.random.default_rng(seed), (n,), "int")
    want = np.isin(x, t, invert=invert)
    eq(jnp.isin(jnp.asarray(x), jnp.asarray(t), invert=invert, method=method), want)
    eq(fl.jit(lambda p, q: jnp.isin(p, q, invert=invert))(x, t), want)
    eq(jnp.in1d(jnp.asarray(x), jnp.asarray(t)), np.isin(x.ravel(), t))
    got = fl.vmap(lambda p: jnp.isin(p, t))(jnp.asarray(x))
    eq(got, np.stack([np.isin(e, t) for e in x]))


# ---- bincount and histograms ---------------------------------------------------------------------


@SETTINGS
@given(st.integers(0, 8), st.integers(0, 7), st.booleans(), SEEDS)
def test_bincount_matches_numpy(n, minlength, weighted, seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 5, n).astype(np.int32)
    w = rng.standard_normal(n) if weighted else None
    want = np.bincount(x, w, minlength)
    got = jnp.bincount(jnp.asarray(x), None if w is None else jnp.asarray(w), minlength)
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-12)
    assert got.dtype == (np.float64 if weighted else np.int32)
    length = want.size
    jitted = fl.jit(lambda v: jnp.bincount(v, length=length))(x)
    eq(jitted, np.bincount(x, minlength=length))
    short = fl.jit(lambda v: jnp.bincount(v, length=3))(x)  # values beyond length: dropped
    eq(short, np.bincount(x, minlength=5)[:3])
    if weighted and n:
        check_grads(lambda v: jnp.bincount(jnp.asarray(x), v, length=6), (jnp.asarray(w),),
                    order=2, modes=("fwd", "rev"))
    xs = np.stack([x, x[::-1]])
    eq(fl.vmap(lambda v: jnp.bincount(v, length=6))(xs),
       np.stack([np.bincount(e, minlength=6) for e in xs]))


@SETTINGS
@given(st.integers(0, 12), st.sampled_from([1, 3, 5, "edges"]),
       st.sampled_from([None, (-1.0, 1.5), (2.0, 2.0)]), st.booleans(), st.booleans(), SEEDS)
def test_histogram_matches_numpy(n, bins, range_, weighted, density, seed):
    rng = np.random.default_rng(seed)
    a = np.round(rng.standard_normal(n), 1)
    if bins == "edges":
        bins, range_ = np.array([-2.0, -0.5, 0.0, 0.3, 2.0]), None
    w = rng.uniform(0.5, 1.5, n) if weighted else None
    if density and (n == 0 or (range_ is not None and range_[0] == range_[1])):
        density = False  # (numpy divides 0 by 0 there)
    with np.errstate(all="ignore"):
        want_h, want_e = np.histogram(a, bins, range_, weights=w, density=density)
    got_h, got_e = jnp.histogram(jnp.asarray(a), bins, range_,
                                 None if w is None else jnp.asarray(w), density)
    np.testing.assert_allclose(np.asarray(got_e), want_e, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(np.asarray(got_h), want_h, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(np.asarray(jnp.histogram_bin_edges(jnp.asarray(a), bins, range_)),
                               np.histogram_bin_edges(a, bins, range_), rtol=1e-12, atol=1e-12)
    jitted = fl.jit(lambda x: jnp.histogram(x, bins, range_, density=density)[0])(a)
    np.testing.assert_allclose(np.asarray(jitted),
                               np.asarray(jnp.histogram(jnp.asarray(a), bins, range_,
                                                        density=density)[0]), rtol=1e-12)


def test_histogram_is_differentiable_in_the_weights():
    a = jnp.asarray([0.1, 0.5, 0.9, 0.5])
    w = jnp.asarray([1.0, 2.0, 3.0, 4.0])
    check_grads(lambda v: jnp.histogram(a, 2, (0.0, 1.0), weights=v, density=True)[0], (w,),
                order=2, modes=("fwd", "rev"))
    np.testing.assert_array_equal(
        np.asarray(fl.grad(lambda v: jnp.histogram(a, 2, (0.0, 1.0), weights=v)[0][1])(w)),
        [0.0, 1.0, 1.0, 1.0])


# ---- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize("call, arg", [
    (lambda x: jnp.unique(x), "size="),
    (lambda x: jnp.unique_counts(x), "size="),
    (lambda x: jnp.union1d(x, x), "size="),
    (lambda x: jnp.intersect1d(x, x), "size="),
    (lambda x: jnp.setdiff1d(x, x), "size="),
    (lambda x: jnp.bincount(x), "length="),
])
def test_data_dependent_shapes_under_jit_name_the_fix(call, arg):
    x = jnp.asarray([1, 2, 2])
    with pytest.raises(ConcretizationTypeError, match=arg):
        fl.jit(call)(x)
    with pytest.raises(ConcretizationTypeError, match=arg):
        fl.vmap(call)(jnp.asarray([[1, 2, 2]]))
    call(x)  # eagerly fine


def test_errors_name_the_argument():
    x = jnp.asarray([3.0, 1.0])
    with pytest.raises(ValueError, match="side must be"):
        jnp.searchsorted(x, 1.0, side="middle")
    with pytest.raises(ValueError, match="method must be"):
        jnp.searchsorted(x, 1.0, method="magic")
    with pytest.raises(ValueError, match="1-dimensional"):
        jnp.searchsorted(jnp.ones((2, 2)), 1.0)
    with pytest.raises(ValueError, match="same shape"):
        jnp.lexsort([jnp.ones(2), jnp.ones(3)])
    with pytest.raises(ValueError, match="kth=5 is out of range"):
        jnp.partition(x, 5)
    with pytest.raises(ValueError, match="axis=None"):
        jnp.sort(jnp.asarray(1.0))
    with pytest.raises(NotImplementedError, match="order="):
        jnp.sort(x, order="f")
    with pytest.raises(TypeError, match="integer array"):
        jnp.bincount(x)
    with pytest.raises(ValueError, match="non-negative"):
        jnp.bincount(jnp.asarray([1, -1]))
    with pytest.raises(ValueError, match="weights of shape"):
        jnp.histogram(x, weights=jnp.ones(3))
    with pytest.raises(NotImplementedError, match="string"):
        jnp.histogram(x, bins="auto")


def test_unique_size_padding_follows_jax():
    # Padded first-occurrence indices are the smallest value's index (JAX pads with perm[0];
    # they were 0), an empty input pads with an explicit fill_value (it raised), and sorted=
    # (numpy 2.3) is accepted.
    u = np.array([3, 1, 2, 1, 3, 3, 0])
    for f in (jnp.unique, fl.jit(jnp.unique, static_argnames=("size", "return_index"))):
        vals, idx = f(jnp.asarray(u), size=6, return_index=True)
        np.testing.assert_array_equal(np.asarray(vals), [0, 1, 2, 3, 0, 0])
        np.testing.assert_array_equal(np.asarray(idx), [6, 1, 2, 0, 6, 6])
    empty = jnp.asarray(np.zeros(0, np.int32))
    np.testing.assert_array_equal(np.asarray(jnp.unique(empty, size=3, fill_value=9)), [9, 9, 9])
    with pytest.raises(ValueError, match="fill_value="):
        jnp.unique(empty, size=3)
    np.testing.assert_array_equal(np.asarray(jnp.unique(jnp.asarray(u), sorted=False)),
                                  np.unique(u))


def test_set_operations_size_padding_follows_jax():
    a, b = np.array([1, 2, 2, 3, 5]), np.array([2, 3, 3, 4])
    e = np.zeros(0, np.int64)
    # intersect1d pads with the smallest common value (it used the smallest of ar1), or 0
    np.testing.assert_array_equal(np.asarray(jnp.intersect1d(a, b, size=4)), [2, 3, 2, 2])
    np.testing.assert_array_equal(np.asarray(jnp.intersect1d(a, e, size=2)), [0, 0])
    # setdiff1d pads with 0 (it used the smallest of ar1)
    np.testing.assert_array_equal(np.asarray(jnp.setdiff1d(a, b, size=4)), [1, 5, 0, 0])
    # empty inputs with size= pad instead of raising
    np.testing.assert_array_equal(np.asarray(jnp.setdiff1d(e, b, size=2, fill_value=7)), [7, 7])
    np.testing.assert_array_equal(np.asarray(jnp.intersect1d(e, b, size=2)), [0, 0])
    # padded indices are out of bounds: len(ar1), len(ar2)
    v, i1, i2 = jnp.intersect1d(a, b, size=4, return_indices=True)
    np.testing.assert_array_equal(np.asarray(i1), [1, 3, 5, 5])
    np.testing.assert_array_equal(np.asarray(i2), [0, 1, 4, 4])
    jv = fl.jit(lambda x, y: jnp.intersect1d(x, y, size=4, return_indices=True))(a, b)
    for got, want in zip(jv, (v, i1, i2)):
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


def test_structured_order_and_string_bins_name_the_fix():
    x = jnp.asarray([3.0, 1.0])
    for fn in (jnp.sort, jnp.argsort):
        with pytest.raises(NotImplementedError, match=r"order= \(fields of a structured "
                                                      r"array\) is not supported; sort by "
                                                      "several keys with lexsort"):
            fn(x, order="f")
    with pytest.raises(NotImplementedError, match="string bins .*pass the number of bins or "
                                                  "the bin edges"):
        jnp.histogram_bin_edges(x, bins="auto")
