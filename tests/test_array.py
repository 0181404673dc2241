"""The immutable Array: attributes, operators, numpy-exact indexing, ``.at`` updates, conversions,
printing, immutability, bounds checks and dtype rules (including ``jax_enable_x64``)."""
from __future__ import annotations

import operator
import pickle

import numpy as np
import pytest
from hypothesis import assume, given, note, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import functorch_lite as fl
import functorch_lite.numpy as jnp
from functorch_lite import Array

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True)
F32, F64, I32, I64, BOOL = (np.dtype(t) for t in ("float32", "float64", "int32", "int64", "bool"))


def assert_same(got, want, exact_dtype=True):
    got_np = np.asarray(got)
    want = np.asarray(want)
    assert got_np.shape == want.shape, (got_np.shape, want.shape)
    if exact_dtype:
        assert got_np.dtype == want.dtype, (got_np.dtype, want.dtype)
    np.testing.assert_array_equal(got_np, want)


@pytest.fixture
def x64():
    """Turn on jax_enable_x64 for one test and always restore it."""
    old = fl.config.read("jax_enable_x64")
    fl.config.update("jax_enable_x64", True)
    try:
        yield
    finally:
        fl.config.update("jax_enable_x64", old)


# ---- attributes ----------------------------------------------------------------------------


@SETTINGS
@given(hnp.arrays(st.sampled_from([F32, F64, I32, BOOL]), hnp.array_shapes(min_dims=0, max_dims=4,
                                                                           min_side=0)))
def test_attributes_match_numpy(a):
    x = jnp.asarray(a)
    assert isinstance(x, Array)
    assert x.shape == a.shape and x.dtype == a.dtype
    assert x.ndim == a.ndim and x.size == a.size
    assert_same(x.T, a.T)
    assert_same(np.asarray(x), a)
    assert jnp.shape(x) == a.shape and jnp.ndim(x) == a.ndim and jnp.size(x) == a.size


def test_transpose_mT_and_methods():
    a = np.arange(24.0, dtype=np.float32).reshape(2, 3, 4)
    x = jnp.asarray(a)
    assert_same(x.T, a.T)
    assert_same(x.mT, np.swapaxes(a, -1, -2))
    assert_same(x.transpose(1, 0, 2), a.transpose(1, 0, 2))
    assert_same(x.transpose((2, 0, 1)), a.transpose((2, 0, 1)))
    assert_same(x.reshape(4, 6), a.reshape(4, 6))
    assert_same(x.reshape((-1, 4)), a.reshape(-1, 4))
    assert_same(x.ravel(), a.ravel())
    assert_same(x.sum(axis=1), a.sum(axis=1))
    assert_same(x.mean(), np.float32(a.mean()))
    assert_same(x.max(axis=(0, 2)), a.max(axis=(0, 2)))
    assert_same(x.argmax(axis=-1).astype(np.int64), a.argmax(axis=-1))
    assert_same(x.astype(np.int32), a.astype(np.int32))
    assert_same(x[None].squeeze(0), a)
    assert_same(x.swapaxes(0, 2), a.swapaxes(0, 2))
    assert x.device == "cpu"


# ---- operators ------------------------------------------------------------------------------


def lib_promote(a: np.dtype, b: np.dtype) -> np.dtype:
    """The library's table for two strong dtypes: the higher kind wins, then the wider type."""
    rank = {"b": 0, "i": 1, "u": 1, "f": 2, "c": 3}
    if rank[a.kind] != rank[b.kind]:
        return a if rank[a.kind] > rank[b.kind] else b
    return np.promote_types(a, b)


ARITH = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "truediv": operator.truediv,
    "floordiv": operator.floordiv, "mod": operator.mod, "pow": operator.pow,
}
COMPARE = {
    "lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge,
    "eq": operator.eq, "ne": operator.ne,
}


@st.composite
def binary_case(draw):
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=4))
    da, db = draw(st.sampled_from([(F32, F32), (F64, F64), (F32, F64), (I32, I32), (I32, F32),
                                   (F64, I32)]))
    name = draw(st.sampled_from(sorted(ARITH) + sorted(COMPARE)))
    elems = lambda dt: (st.integers(1, 5) if dt.kind == "i"  # noqa: E731
                        else st.floats(0.5, 3.0, width=32))
    a = draw(hnp.arrays(da, shapes.input_shapes[0], elements=elems(da)))
    b = draw(hnp.arrays(db, shapes.input_shapes[1], elements=elems(db)))
    if draw(st.booleans()):
        b = -b  # negative divisors/exponents exercise floordiv/mod signs and reciprocal powers
    if name == "pow" and (da.kind == "i" and db.kind == "i"):
        b = np.abs(b)  # integers to negative powers are an error in numpy and here
    return name, a, b


@SETTINGS
@given(binary_case(), st.sampled_from(["array-array", "numpy-left", "numpy-right"]))
def test_binary_operators_match_numpy(case, where):
    name, a, b = case
    op = ARITH.get(name) or COMPARE[name]
    if where == "array-array":
        got = op(jnp.asarray(a), jnp.asarray(b))
    elif where == "numpy-left":  # reflected: numpy's operator must defer to Array's
        got = op(a, jnp.asarray(b))
    else:
        got = op(jnp.asarray(a), b)
    assert isinstance(got, Array), type(got)
    out_dt = lib_promote(a.dtype, b.dtype)
    want = op(a.astype(np.float64), b.astype(np.float64))
    if name in COMPARE:
        assert got.dtype == BOOL
        want = op(a.astype(out_dt), b.astype(out_dt))
    elif name == "truediv" and out_dt.kind == "i":
        assert got.dtype == F32
    elif name == "pow" and out_dt.kind == "i":
        want = op(a.astype(np.int64), b.astype(np.int64))
        assert got.dtype == out_dt
    else:
        assert got.dtype == out_dt
    tol = 1e-5 if F32 in (a.dtype, b.dtype) or got.dtype == F32 else 1e-12
    np.testing.assert_allclose(np.asarray(got, np.float64), want.astype(np.float64),
                               rtol=tol, atol=tol)


@SETTINGS
@given(hnp.arrays(F32, hnp.array_shapes(max_dims=3), elements=st.floats(-3, 3, width=32)),
       st.sampled_from([2, 2.5, -1.0, 0.5]))
def test_python_scalar_operands_keep_array_dtype(a, c):
    x = jnp.asarray(a)
    for got, want in [(x + c, a + np.float32(c)), (c + x, np.float32(c) + a),
                      (x * c, a * np.float32(c)), (c * x, np.float32(c) * a),
                      (x - c, a - np.float32(c)), (c - x, np.float32(c) - a),
                      (x / c, a / np.float32(c))]:
        assert got.dtype == F32
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6, atol=1e-6)
    assert_same(x > c, a > c)
    assert_same(c <= x, c <= a)


def test_unary_operators():
    a = np.array([-2.5, 0.0, 1.5], np.float32)
    x = jnp.asarray(a)
    assert_same(-x, -a)
    assert_same(+x, a)
    assert_same(abs(x), np.abs(a))
    i = np.array([0, 3, -4], np.int32)
    assert_same(~jnp.asarray(i), ~i)
    assert_same(-jnp.asarray(i), -i)
    assert_same(~jnp.asarray([True, False]), np.array([False, True]))
    assert_same(jnp.asarray([True, False]) & jnp.asarray([True, True]), np.array([True, False]))
    assert_same(jnp.asarray(i) | 1, i | 1)
    assert_same(3 ^ jnp.asarray(i), 3 ^ i)


@SETTINGS
@given(st.sampled_from([((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
                        ((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)), ((5, 1, 2, 3), (4, 3, 2)),
                        ((1, 2, 3), (6, 3, 1))]),
       st.sampled_from([F32, F64]), st.booleans())
def test_matmul_matches_numpy(shapes, dt, numpy_left):
    rng = np.random.RandomState(0)
    a = rng.standard_normal(shapes[0]).astype(dt)
    b = rng.standard_normal(shapes[1]).astype(dt)
    got = (a @ jnp.asarray(b)) if numpy_left else (jnp.asarray(a) @ jnp.asarray(b))
    want = a @ b
    assert got.shape == want.shape and got.dtype == dt
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(np.asarray(jnp.matmul(a, b)), want, rtol=1e-5, atol=1e-5)


def test_comparison_with_unsupported_types():
    x = jnp.asarray([1.0, 2.0])
    assert (x == None) is False  # noqa: E711
    assert (x != "a") is True
    with pytest.raises(TypeError):
        x + "a"
    with pytest.raises(TypeError):
        hash(x)


# ---- indexing -------------------------------------------------------------------------------


@st.composite
def index_case(draw, allow_bool=True):
    """A shape and an index expression mixing ints, slices, None, Ellipsis, integer arrays,
    lists and (optionally) boolean masks."""
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=5))
    n_used = draw(st.integers(0, len(shape)))
    use_adv = draw(st.booleans())
    adv_shape = draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=3))
    items: list = []
    for size in shape[:n_used]:
        kinds = ["int", "slice", "slice"] + (["array", "list"] if use_adv else [])
        kind = draw(st.sampled_from(kinds))
        if kind == "int":
            items.append(draw(st.integers(-size, size - 1)))
        elif kind == "slice":
            start = draw(st.none() | st.integers(-size - 1, size + 1))
            stop = draw(st.none() | st.integers(-size - 1, size + 1))
            step = draw(st.none() | st.sampled_from([1, 2, 3, -1, -2]))
            items.append(slice(start, stop, step))
        elif kind == "array":
            items.append(draw(hnp.arrays(np.int64, adv_shape,
                                         elements=st.integers(-size, size - 1))))
        else:
            items.append(draw(st.lists(st.integers(-size, size - 1), min_size=1, max_size=3)))
    if allow_bool and n_used < len(shape) and draw(st.integers(0, 4)) == 0:
        # a boolean mask over the next axis
        size = shape[n_used]
        items.append(draw(hnp.arrays(np.bool_, (size,))))
    if items and draw(st.booleans()):
        items.insert(draw(st.integers(0, len(items))), None)
    if draw(st.booleans()):
        items.insert(draw(st.integers(0, len(items))), Ellipsis)
    lists = [i for i in items if isinstance(i, list)]
    if len({len(i) for i in lists}) > 1 or (lists and any(isinstance(i, np.ndarray) and
                                                         i.dtype != np.bool_ for i in items)):
        items = [np.asarray(i) if isinstance(i, list) else i for i in items]
    idx = items[0] if len(items) == 1 and draw(st.booleans()) else tuple(items)
    return shape, idx


def _np_index(a, idx):
    try:
        return a[idx]
    except IndexError:
        return None


@settings(max_examples=120, deadline=None, derandomize=True)
@given(index_case())
def test_getitem_matches_numpy(case):
    shape, idx = case
    a = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    want = _np_index(a, idx)
    assume(want is not None)  # shape-mismatched advanced indices: numpy rejects them too
    note(f"index {idx!r}")
    got = jnp.asarray(a)[idx]
    assert_same(got, np.asarray(want))
    assert_same(jnp.asarray(a).at[idx].get(), np.asarray(want))


@settings(max_examples=60, deadline=None, derandomize=True)
@given(index_case(allow_bool=False))
def test_getitem_under_jit_matches_numpy(case):
    shape, idx = case
    a = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    want = _np_index(a, idx)
    assume(want is not None)
    items = idx if isinstance(idx, tuple) else (idx,)
    arrays = [jnp.asarray(i) for i in items if isinstance(i, (np.ndarray, list))]

    def f(x, arrs):  # index arrays are traced arguments, the rest is static structure
        it = iter(arrs)
        full = tuple(next(it) if isinstance(i, (np.ndarray, list)) else i for i in items)
        return x[full if isinstance(idx, tuple) else full[0]]

    assert_same(fl.jit(f)(jnp.asarray(a), arrays), np.asarray(want))
    # and as closed-over constants
    assert_same(fl.jit(lambda x: x[idx])(jnp.asarray(a)), np.asarray(want))


def test_getitem_boolean_masks_and_special_cases():
    a = np.arange(12.0).reshape(3, 4)
    x = jnp.asarray(a)
    assert_same(x[a > 4], a[a > 4])
    assert_same(x[x > 4], a[a > 4])
    assert_same(x[[True, False, True]], a[[True, False, True]])
    assert_same(x[np.array([], dtype=np.int64)], a[np.array([], dtype=np.int64)])
    assert_same(x[np.int64(1), -1], a[1, -1])
    assert_same(x[jnp.asarray(2)], a[2])
    assert_same(x[..., None], a[..., None])
    assert_same(x[:, [0, 0, 3]][1:], a[:, [0, 0, 3]][1:])
    # an array before an Ellipsis (the index must not compare arrays with ==)
    assert_same(x[np.array(0), ...], a[np.array(0), ...])
    # numpy: an Ellipsis separates advanced indices even when it stands for no axes
    b = np.arange(24.0).reshape(2, 3, 4)
    assert_same(jnp.asarray(b)[None, 0, ..., 1, [0, 1]], b[None, 0, ..., 1, [0, 1]])
    assert_same(jnp.asarray(b)[0, ..., 1, [0, 1]], b[0, ..., 1, [0, 1]])
    with pytest.raises(IndexError):
        x[0, 0, 0]
    with pytest.raises(IndexError):
        x[..., ...]
    with pytest.raises(IndexError):
        x["a"]
    with pytest.raises(IndexError):
        x[jnp.asarray([0.5])]


@pytest.mark.parametrize("idx", [3, -4, (0, 4), (slice(None), -5), [0, 3], (0, [1, 4])])
def test_out_of_bounds_raises_index_error(idx):
    x = jnp.asarray(np.zeros((3, 4)))
    with pytest.raises(IndexError, match="out of bounds"):
        x[idx]
    with pytest.raises(IndexError, match="out of bounds"):
        x.at[idx].set(1.0)


def test_out_of_bounds_under_jit_raises_index_error():
    x = jnp.asarray(np.zeros((3, 4)))
    # a static (Python int) index: caught while tracing
    with pytest.raises(IndexError, match="out of bounds"):
        fl.jit(lambda v: v[3])(x)
    # a traced index array: numpy raises when the compiled code runs
    f = fl.jit(lambda v, i: v[i])
    assert_same(f(x, jnp.asarray([0, 2])), np.zeros((2, 4)))
    with pytest.raises(IndexError):
        f(x, jnp.asarray([0, 3]))
    with pytest.raises(IndexError):
        fl.jit(lambda v, i: v[:, i])(x, jnp.asarray([7]))
    # under grad and vmap outside jit, concrete indices are still checked
    with pytest.raises(IndexError):
        fl.grad(lambda v: v[jnp.asarray([5])].sum())(x)


# ---- .at updates ---------------------------------------------------------------------------


MODES = {
    "add": np.add.at, "multiply": np.multiply.at, "min": np.minimum.at, "max": np.maximum.at,
}


@st.composite
def update_case(draw):
    shape, idx = draw(index_case(allow_bool=False))
    mode = draw(st.sampled_from(["set", "add", "multiply", "min", "max"]))
    return shape, idx, mode, draw(st.integers(0, 2**16)), draw(st.booleans())


@settings(max_examples=100, deadline=None, derandomize=True)
@given(update_case())
def test_at_updates_match_numpy(case):
    shape, idx, mode, seed, scalar = case
    rng = np.random.RandomState(seed)
    a = rng.standard_normal(shape)
    sel = _np_index(a, idx)
    assume(sel is not None)
    sel_shape = np.shape(sel)
    if scalar:
        vals = 1.5
    else:  # values broadcast to the selection: drop some leading axes
        vals = rng.standard_normal(sel_shape[rng.randint(0, len(sel_shape) + 1):])
    ref = a.copy()
    if mode == "set":
        # numpy's and our order for repeated positions is unspecified: require unique ones
        pos = np.arange(a.size).reshape(shape)[idx]
        assume(np.unique(pos).size == np.size(pos))
        ref[idx] = vals
    else:
        MODES[mode](ref, idx, vals)  # np.add.at semantics: repeated indices accumulate
    note(f"index {idx!r} mode {mode}")
    x = jnp.asarray(a)
    got = getattr(x.at[idx], mode)(vals)
    assert_same(got, ref)
    assert_same(x, a)  # the original is unchanged
    got_jit = fl.jit(lambda v, w: getattr(v.at[idx], mode)(w))(x, vals)
    np.testing.assert_allclose(np.asarray(got_jit), ref)


def test_at_add_with_repeated_indices():
    x = jnp.asarray(np.zeros(5))
    idx = np.array([0, 1, 1, 3, 3, 3])
    want = np.zeros(5)
    np.add.at(want, idx, 1.0)
    assert_same(x.at[idx].add(1.0), want)
    assert_same(x.at[jnp.asarray(idx)].add(jnp.asarray(np.arange(6.0))),
                np.bincount(idx, np.arange(6.0), minlength=5))
    m = np.arange(12.0).reshape(3, 4)
    want = m.copy()
    np.add.at(want, (slice(None), np.array([0, 0, 2])), 1.0)
    assert_same(jnp.asarray(m).at[:, [0, 0, 2]].add(1.0), want)
    # derivatives through .at
    g = fl.grad(lambda v: jnp.sum(jnp.zeros(5, jnp.float64).at[idx].add(v) ** 2))(
        jnp.asarray(np.ones(6)))
    assert_same(g, 2 * np.array([1.0, 2.0, 2.0, 3.0, 3.0, 3.0]))


def test_at_set_dtype_and_masks_and_errors():
    x = jnp.asarray([1.0, 2.0, 3.0])
    assert x.at[0].set(5).dtype == F32
    assert x.at[1].set(np.float64(7.0)).dtype == F32
    i = jnp.asarray([1, 2, 3])
    assert_same(i.at[0].add(2), np.array([3, 2, 3], np.int32))
    m = np.arange(6.0).reshape(2, 3)
    assert_same(jnp.asarray(m).at[m > 2].set(0.0), np.where(m > 2, 0.0, m))
    assert_same(jnp.asarray(m).at[1].get(), m[1])
    assert_same(jnp.asarray(m).at[1].mul(2.0), m * [[1], [2]])
    with pytest.raises(ValueError, match="cannot be broadcast"):
        jnp.asarray(m).at[0].set(jnp.ones(4))
    with pytest.raises(IndexError):
        jnp.asarray(1.0).at[0].set(2.0)


# ---- conversions, printing, immutability --------------------------------------------------------


def test_array_protocol_and_python_conversions():
    x = jnp.asarray([[1.0, 2.0], [3.0, 4.0]])
    a = np.asarray(x)
    assert a.dtype == F32 and a.shape == (2, 2)
    with pytest.raises(ValueError):  # a read-only view: writing must not reach the Array
        a[0, 0] = 9.0
    assert np.asarray(x, dtype=np.float64).dtype == F64
    assert np.array(x).flags.writeable
    assert len(x) == 2
    rows = list(x)
    assert all(isinstance(r, Array) for r in rows)
    assert_same(rows[1], np.array([3.0, 4.0], np.float32))
    assert x.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert type(x.tolist()[0][0]) is float
    assert jnp.asarray([1, 2]).tolist() == [1, 2]
    s = jnp.asarray(2.5)
    assert s.item() == 2.5 and type(s.item()) is float
    assert jnp.asarray([7]).item() == 7 and type(jnp.asarray([7]).item()) is int
    assert float(s) == 2.5 and int(s) == 2 and bool(s) is True and complex(s) == 2.5
    assert [0, 1, 2][jnp.asarray(1)] == 1  # __index__
    assert f"{s:.2f}" == "2.50"
    with pytest.raises(TypeError):
        len(s)
    with pytest.raises(TypeError):
        iter(s)
    with pytest.raises(ValueError, match="exactly one element"):
        x.item()
    with pytest.raises(TypeError):
        [0, 1][jnp.asarray(1.0)]
    y = pickle.loads(pickle.dumps(x))
    assert_same(y, np.asarray(x))


def test_repr_like_jax():
    assert repr(jnp.asarray([1.0, 2.0])) == "Array([1., 2.], dtype=float32)"
    assert repr(jnp.asarray([1, 2])) == "Array([1, 2], dtype=int32)"
    assert repr(jnp.asarray(1.5)) == "Array(1.5, dtype=float32)"
    assert repr(jnp.asarray([True, False])) == "Array([ True, False], dtype=bool)"
    assert repr(jnp.asarray(np.array([0.5, 2.0]))) == "Array([0.5, 2. ], dtype=float64)"
    assert repr(jnp.asarray([[1.0, 2.0], [3.0, 4.0]])) == (
        "Array([[1., 2.],\n       [3., 4.]], dtype=float32)")
    assert repr(jnp.zeros((0, 3))) == "Array([], shape=(0, 3), dtype=float32)"
    assert str(jnp.asarray([1.0, 2.0])) == "[1. 2.]"


def test_repr_html():
    html = jnp.asarray([[1.0, 2.0], [3.0, 4.0]])._repr_html_()
    assert "f32" in html and "2×2" in html and "3., 4." in html
    assert "scalar" in jnp.asarray(1)._repr_html_()


def test_arrays_are_immutable():
    x = jnp.asarray([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match=r"\.at\[idx\]\.set"):
        x[0] = 5.0
    with pytest.raises(TypeError, match=r"\.at\[idx\]\.set"):
        fl.jit(lambda v: v.__setitem__(0, 1.0))(x)
    with pytest.raises(AttributeError):
        x.shape = (3, 1)
    with pytest.raises(AttributeError):
        x.foo = 1
    y = x
    y += 1.0  # rebinding, not mutation
    assert_same(x, np.array([1.0, 2.0, 3.0], np.float32))
    src = np.array([1.0, 2.0])
    z = jnp.asarray(src)
    src[0] = 100.0
    assert float(z[0]) == 1.0  # asarray took a private copy


# ---- dtype rules -----------------------------------------------------------------------------


def test_default_dtypes():
    assert jnp.asarray(1.0).dtype == F32
    assert jnp.asarray(1).dtype == I32
    assert jnp.asarray(True).dtype == BOOL
    assert jnp.asarray([1.0, 2.0]).dtype == F32
    assert jnp.asarray([1, 2]).dtype == I32
    assert jnp.asarray([1, 2.5]).dtype == F32
    assert jnp.asarray([[1], [2]]).dtype == I32
    assert jnp.zeros(3).dtype == F32 and jnp.ones(2, dtype=int).dtype == I32
    assert jnp.arange(3).dtype == I32 and jnp.arange(3.0).dtype == F32
    assert jnp.asarray(1.0, dtype=float).dtype == F32


def test_numpy_dtypes_are_honoured():
    assert jnp.asarray(np.ones(2)).dtype == F64
    assert jnp.asarray(np.float64(2.0)).dtype == F64
    assert jnp.asarray(np.arange(3)).dtype == np.arange(3).dtype
    assert jnp.asarray([np.float64(1.0), 2.0]).dtype == F64
    assert jnp.asarray(np.ones(2, np.float16)).dtype == np.float16
    x64_arr = jnp.asarray(np.ones(3))
    assert (x64_arr * 2.0).dtype == F64
    assert jnp.sin(x64_arr).dtype == F64
    assert fl.grad(lambda v: jnp.sum(v ** 2))(x64_arr).dtype == F64
    assert fl.jit(lambda v: v * 2.0)(x64_arr).dtype == F64


def test_weak_scalar_promotion():
    f = jnp.asarray([1.0, 2.0])
    i = jnp.asarray([1, 2])
    assert (f * 2.0).dtype == F32
    assert (f * 2).dtype == F32
    assert (2.0 * f).dtype == F32
    assert (i * 2).dtype == I32
    assert (i * 2.5).dtype == F32
    assert_same(i * 2.5, np.array([2.5, 5.0], np.float32))
    assert (i / 2).dtype == F32
    assert (i / i).dtype == F32
    assert jnp.sin(i).dtype == F32
    assert (f + jnp.asarray(np.ones(2))).dtype == F64  # strong float64 wins
    assert (i + jnp.asarray([1.0, 2.0], dtype=np.float16)).dtype == np.float16
    assert (jnp.asarray([True]) + 1).dtype == I32
    assert (jnp.asarray(2, np.int8) * 3).dtype == np.int8
    assert fl.jit(lambda v: v * 2.5)(i).dtype == F32


def test_enable_x64_changes_defaults_only(x64):
    assert jnp.asarray(1.0).dtype == F64
    assert jnp.asarray(1).dtype == I64
    assert jnp.asarray([1.0, 2.0]).dtype == F64
    assert jnp.zeros(2).dtype == F64
    assert (jnp.asarray([1, 2]) * 2.5).dtype == F64
    f32 = jnp.asarray([1.0, 2.0], dtype=np.float32)
    assert f32.dtype == F32  # explicit dtypes are honoured
    assert (f32 * 2.0).dtype == F32
    assert jnp.sin(f32).dtype == F32
    assert fl.grad(lambda v: jnp.sum(v * 3.0))(f32).dtype == F32


def test_enable_x64_restored_after_fixture():
    assert jnp.asarray(1.0).dtype == F32
    with pytest.raises(AttributeError, match="unknown config option"):
        fl.config.update("jax_no_such_option", True)


@pytest.mark.parametrize("mode", ["set", "add", "min", "max", "multiply"])
@pytest.mark.parametrize("where", ["repeated", "unique", "slice"])
def test_at_updates_under_transformations(mode, where):
    from functorch_lite.test_util import check_grads

    idx = {"repeated": np.array([0, 2, 2, 4]), "unique": np.array([0, 1, 3, 4]),
           "slice": slice(1, None)}[where]
    if mode == "set" and where == "repeated":
        idx = np.array([4, 2, 0, 1])

    def fn(a, b):
        return getattr(a.at[idx], mode)(b)

    rng = np.random.RandomState(0)
    x, v = rng.standard_normal(5), rng.standard_normal(4)
    if mode == "multiply":  # documented: no derivative rule for scatter-multiply
        with pytest.raises(NotImplementedError, match="multiply"):
            fl.grad(lambda a: fn(a, jnp.asarray(v)).sum())(jnp.asarray(x))
    else:
        check_grads(fn, (jnp.asarray(x), jnp.asarray(v)), order=2)
    xs, vs = rng.standard_normal((3, 5)), rng.standard_normal((3, 4))
    for in_axes, (a, b) in [((0, 0), (xs, vs)), ((None, 0), (x, vs)), ((0, None), (xs, v))]:
        got = fl.vmap(fn, in_axes=in_axes)(jnp.asarray(a), jnp.asarray(b))
        want = [fn(jnp.asarray(a if in_axes[0] is None else a[k]),
                   jnp.asarray(b if in_axes[1] is None else b[k])) for k in range(3)]
        np.testing.assert_allclose(np.asarray(got), np.stack([np.asarray(w) for w in want]))
