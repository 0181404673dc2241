"""Shape manipulation (functorch_lite.numpy): values against numpy in float32/float64/int32,
jit against eager, vmap against a Python loop (hypothesis-drawn batch axes), derivatives to
second order in both modes, and the error messages.

The table harness here (``Case``, ``run_*``) is shared by test_creation.py and
test_indexing_ops.py.
"""
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

SETTINGS = settings(max_examples=20, deadline=None, derandomize=True)
F32, F64, I32 = np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.int32)


def normal(*shape: int) -> Callable:
    return lambda rng, dt: (rng.standard_normal(shape) * (1 if dt.kind == "f" else 5)).astype(dt)


def const(value) -> Callable:
    """An argument that is the same numpy array in every dtype (indices, masks)."""
    return lambda rng, dt: np.asarray(value)


@dataclass
class Case:
    fn: Callable  # jnp function of Arrays
    ref: Callable  # the same on numpy arrays
    args: list  # makers: (rng, dtype) -> numpy array
    grad: bool = True  # differentiable: check_grads to order 2, fwd and rev
    batch: bool = True  # check vmap of the first argument against a loop
    ints: bool = True  # also check int32 values


def make(case: Case, dt: np.dtype, seed: int = 0) -> list:
    rng = np.random.default_rng(seed)
    return [m(rng, dt) for m in case.args]


def _leaves(x) -> list:
    return list(x) if isinstance(x, (list, tuple)) else [x]


def assert_same(got, want, dt: np.dtype) -> None:
    got, want = _leaves(got), _leaves(want)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        g, w = np.asarray(g), np.asarray(w)
        assert g.shape == w.shape, (g.shape, w.shape)
        tol = 1e-5 if dt == F32 else 1e-12
        np.testing.assert_allclose(g.astype(np.float64), w.astype(np.float64), rtol=tol,
                                   atol=tol)


def run_values(case: Case, dt: np.dtype) -> None:
    args = make(case, dt)
    got = case.fn(*[jnp.asarray(a) for a in args])
    want = case.ref(*args)
    assert_same(got, want, dt)
    for g, w in zip(_leaves(got), _leaves(want)):
        if np.asarray(w).dtype.kind == "f" and dt.kind == "f":
            assert g.dtype == dt, (g.dtype, dt)
    jitted = fl.jit(case.fn)(*[jnp.asarray(a) for a in args])
    assert_same(jitted, got, dt)


def run_grads(case: Case) -> None:
    args = tuple(jnp.asarray(a) for a in make(case, F64, 1))
    check_grads(case.fn, args, order=2, modes=("fwd", "rev"))


def run_vmap(case: Case, data) -> None:
    args = make(case, F64, 2)
    size = data.draw(st.integers(1, 3), label="batch size")
    axis = data.draw(st.integers(0, args[0].ndim), label="batch axis")
    rng = np.random.default_rng(3)
    per = [case.args[0](rng, F64) for _ in range(size)]
    batched = np.stack(per, axis=axis)
    got = fl.vmap(lambda x: case.fn(jnp.asarray(x), *[jnp.asarray(a) for a in args[1:]]),
                  in_axes=axis)(jnp.asarray(batched))
    want = [case.ref(p, *args[1:]) for p in per]
    for k, g in enumerate(_leaves(got)):
        stacked = np.stack([np.asarray(_leaves(w)[k]) for w in want])
        assert_same(g, stacked, F64)


def table_tests(cases: dict[str, Case]):
    """The four table tests over ``cases``, to be bound to module-level names."""
    names = sorted(cases)

    @pytest.mark.parametrize("name,dt", [(n, dt) for n in names for dt in (F32, F64, I32)
                                         if dt != I32 or cases[n].ints])
    def test_values_and_jit(name, dt):
        run_values(cases[name], dt)

    @pytest.mark.parametrize("name", [n for n in names if cases[n].grad])
    def test_second_order_grads(name):
        run_grads(cases[name])

    @pytest.mark.parametrize("name", [n for n in names if cases[n].batch])
    @SETTINGS
    @given(data=st.data())
    def test_vmap_matches_loop(name, data):
        run_vmap(cases[name], data)

    return test_values_and_jit, test_second_order_grads, test_vmap_matches_loop


C = Case
CASES: dict[str, Case] = {
    "reshape": C(lambda x: jnp.reshape(x, (3, -1)), lambda x: np.reshape(x, (3, -1)),
                 [normal(2, 3, 2)]),
    "ravel": C(jnp.ravel, np.ravel, [normal(2, 3)]),
    "ravel_F": C(lambda a: jnp.ravel(a, order="F"), lambda a: np.ravel(a, order="F"),
                 [normal(2, 3, 4)]),
    "transpose": C(lambda x: jnp.transpose(x, (2, 0, 1)), lambda x: np.transpose(x, (2, 0, 1)),
                   [normal(2, 3, 4)]),
    "permute_dims": C(lambda x: jnp.permute_dims(x, (1, 0)), lambda x: np.transpose(x),
                      [normal(2, 3)]),
    "swapaxes": C(lambda x: jnp.swapaxes(x, 0, -1), lambda x: np.swapaxes(x, 0, -1),
                  [normal(2, 3, 4)]),
    "moveaxis_tuple": C(lambda x: jnp.moveaxis(x, (0, 1), (-1, 0)),
                        lambda x: np.moveaxis(x, (0, 1), (-1, 0)), [normal(2, 3, 4)]),
    "expand_dims_tuple": C(lambda x: jnp.expand_dims(x, (0, -1, 2)),
                           lambda x: np.expand_dims(x, (0, -1, 2)), [normal(2, 3)]),
    "squeeze": C(lambda x: jnp.squeeze(x, (0, 2)), lambda x: np.squeeze(x, (0, 2)),
                 [normal(1, 3, 1, 2)]),
    "concatenate": C(lambda x, y: jnp.concatenate([x, y, x], axis=1),
                     lambda x, y: np.concatenate([x, y, x], axis=1), [normal(2, 3), normal(2, 1)]),
    "concatenate_none": C(lambda x, y: jnp.concatenate([x, y], axis=None),
                          lambda x, y: np.concatenate([x, y], axis=None),
                          [normal(2, 3), normal(4)]),
    "concat": C(lambda x, y: jnp.concat([x, y], axis=-1), lambda x, y: np.concatenate([x, y], -1),
                [normal(2, 3), normal(2, 2)]),
    "stack": C(lambda x, y: jnp.stack([x, y], axis=-1), lambda x, y: np.stack([x, y], -1),
               [normal(2, 3), normal(2, 3)]),
    "hstack": C(lambda x, y: jnp.hstack([x, y]), lambda x, y: np.hstack([x, y]),
                [normal(2, 3), normal(2, 1)]),
    "hstack_1d": C(lambda x, y: jnp.hstack([x, y]), lambda x, y: np.hstack([x, y]),
                   [normal(3), normal(2)]),
    "vstack": C(lambda x, y: jnp.vstack([x, y]), lambda x, y: np.vstack([x, y]),
                [normal(3), normal(2, 3)]),
    "dstack": C(lambda x, y: jnp.dstack([x, y]), lambda x, y: np.dstack([x, y]),
                [normal(3), normal(1, 3)]),
    "column_stack": C(lambda x, y: jnp.column_stack([x, y]),
                      lambda x, y: np.column_stack([x, y]), [normal(3), normal(3, 2)]),
    "append": C(lambda x, y: jnp.append(x, y), lambda x, y: np.append(x, y),
                [normal(2, 2), normal(3)]),
    "split_sections": C(lambda x: jnp.split(x, 2, axis=1), lambda x: np.split(x, 2, axis=1),
                        [normal(3, 4)]),
    "split_indices": C(lambda x: jnp.split(x, [1, -1, 9], axis=0),
                       lambda x: np.split(x, [1, -1, 9], axis=0), [normal(5, 2)]),
    "array_split": C(lambda x: jnp.array_split(x, 3, axis=-1),
                     lambda x: np.array_split(x, 3, axis=-1), [normal(2, 7)]),
    "hsplit": C(lambda x: jnp.hsplit(x, [1]), lambda x: np.hsplit(x, [1]), [normal(2, 3)]),
    "vsplit": C(lambda x: jnp.vsplit(x, 2), lambda x: np.vsplit(x, 2), [normal(4, 3)]),
    "dsplit": C(lambda x: jnp.dsplit(x, 2), lambda x: np.dsplit(x, 2), [normal(1, 2, 4)]),
    "unstack": C(lambda x: jnp.unstack(x, axis=1),
                 lambda x: tuple(np.moveaxis(x, 1, 0)), [normal(2, 3)]),
    "tile": C(lambda x: jnp.tile(x, (2, 1, 3)), lambda x: np.tile(x, (2, 1, 3)), [normal(2, 3)]),
    "tile_int": C(lambda x: jnp.tile(x, 2), lambda x: np.tile(x, 2), [normal(2, 3)]),
    "repeat_int": C(lambda x: jnp.repeat(x, 3, axis=1), lambda x: np.repeat(x, 3, axis=1),
                    [normal(2, 3)]),
    "repeat_flat": C(lambda x: jnp.repeat(x, 2), lambda x: np.repeat(x, 2), [normal(2, 2)]),
    "repeat_counts": C(lambda x: jnp.repeat(x, jnp.asarray([2, 0, 1]), axis=0),
                       lambda x: np.repeat(x, [2, 0, 1], axis=0), [normal(3, 2)]),
    "repeat_total": C(lambda x: jnp.repeat(x, jnp.asarray([2, 0, 1]), axis=1,
                                           total_repeat_length=5),
                      lambda x: np.concatenate([np.repeat(x, [2, 0, 1], axis=1),
                                                np.repeat(x[:, -1:], 2, axis=1)], axis=1),
                      [normal(2, 3)]),
    "broadcast_to": C(lambda x: jnp.broadcast_to(x, (2, 3, 4)),
                      lambda x: np.broadcast_to(x, (2, 3, 4)), [normal(3, 1)]),
    "broadcast_arrays": C(lambda x, y: jnp.broadcast_arrays(x, y),
                          lambda x, y: np.broadcast_arrays(x, y), [normal(3, 1), normal(4)]),
    "flip": C(lambda x: jnp.flip(x, (0, 2)), lambda x: np.flip(x, (0, 2)), [normal(2, 3, 2)]),
    "flip_all": C(jnp.flip, np.flip, [normal(2, 3)]),
    "fliplr": C(jnp.fliplr, np.fliplr, [normal(2, 3)]),
    "flipud": C(jnp.flipud, np.flipud, [normal(3, 2)]),
    "roll": C(lambda x: jnp.roll(x, -2, axis=1), lambda x: np.roll(x, -2, axis=1), [normal(2, 5)]),
    "roll_flat": C(lambda x: jnp.roll(x, 4), lambda x: np.roll(x, 4), [normal(2, 3)]),
    "roll_tuples": C(lambda x: jnp.roll(x, (1, -3), axis=(0, 1)),
                     lambda x: np.roll(x, (1, -3), axis=(0, 1)), [normal(3, 4)]),
    "rot90": C(lambda x: jnp.rot90(x), lambda x: np.rot90(x), [normal(2, 3)]),
    "rot90_k3_axes": C(lambda x: jnp.rot90(x, 3, axes=(2, 0)),
                       lambda x: np.rot90(x, 3, axes=(2, 0)), [normal(2, 3, 4)]),
    "rot90_k2": C(lambda x: jnp.rot90(x, -2), lambda x: np.rot90(x, -2), [normal(2, 3)]),
    "atleast_3d": C(lambda x, y, z: jnp.atleast_3d(x, y, z),
                    lambda x, y, z: np.atleast_3d(x, y, z), [normal(), normal(3), normal(2, 3)],
                    batch=False),
    "atleast_2d": C(lambda x, y: jnp.atleast_2d(x, y), lambda x, y: np.atleast_2d(x, y),
                    [normal(), normal(3)], batch=False),
    "atleast_1d": C(jnp.atleast_1d, np.atleast_1d, [normal()]),
    # pad
    "pad_constant": C(lambda x: jnp.pad(x, ((1, 2), (0, 3))),
                      lambda x: np.pad(x, ((1, 2), (0, 3))), [normal(2, 3)]),
    "pad_constant_values": C(lambda x: jnp.pad(x, 2, constant_values=((1, 2), (3, 4))),
                             lambda x: np.pad(x, 2, constant_values=((1, 2), (3, 4))),
                             [normal(2, 3)]),
    "pad_traced_value": C(lambda x, v: jnp.pad(x, (1, 2), constant_values=v),
                          lambda x, v: np.pad(x, (1, 2), constant_values=v),
                          [normal(2, 3), normal()]),
    "pad_edge": C(lambda x: jnp.pad(x, (2, 3), mode="edge"),
                  lambda x: np.pad(x, (2, 3), mode="edge"), [normal(2, 3)]),
    "pad_reflect": C(lambda x: jnp.pad(x, ((5, 1), (2, 7)), mode="reflect"),
                     lambda x: np.pad(x, ((5, 1), (2, 7)), mode="reflect"), [normal(3, 3)]),
    "pad_reflect_odd": C(lambda x: jnp.pad(x, ((5, 1), (2, 4)), mode="reflect",
                                           reflect_type="odd"),
                         lambda x: np.pad(x, ((5, 1), (2, 4)), mode="reflect",
                                          reflect_type="odd"), [normal(3, 2)]),
    "pad_symmetric": C(lambda x: jnp.pad(x, ((4, 1), (0, 6)), mode="symmetric"),
                       lambda x: np.pad(x, ((4, 1), (0, 6)), mode="symmetric"), [normal(2, 3)]),
    "pad_symmetric_odd": C(lambda x: jnp.pad(x, 5, mode="symmetric", reflect_type="odd"),
                           lambda x: np.pad(x, 5, mode="symmetric", reflect_type="odd"),
                           [normal(3)]),
    "pad_wrap": C(lambda x: jnp.pad(x, ((4, 1), (2, 5)), mode="wrap"),
                  lambda x: np.pad(x, ((4, 1), (2, 5)), mode="wrap"), [normal(2, 3)]),
    "pad_linear_ramp": C(lambda x: jnp.pad(x, ((2, 1), (3, 2)), mode="linear_ramp",
                                           end_values=((1.0, -2.0), (0.5, 3.0))),
                         lambda x: np.pad(x, ((2, 1), (3, 2)), mode="linear_ramp",
                                          end_values=((1.0, -2.0), (0.5, 3.0))),
                         [normal(2, 3)], ints=False),
    "pad_maximum": C(lambda x: jnp.pad(x, (1, 2), mode="maximum"),
                     lambda x: np.pad(x, (1, 2), mode="maximum"), [normal(2, 3)]),
    "pad_minimum_stat": C(lambda x: jnp.pad(x, (2, 1), mode="minimum", stat_length=2),
                          lambda x: np.pad(x, (2, 1), mode="minimum", stat_length=2),
                          [normal(3, 3)]),
    "pad_mean": C(lambda x: jnp.pad(x, ((1, 1), (2, 0)), mode="mean"),
                  lambda x: np.pad(x, ((1, 1), (2, 0)), mode="mean"), [normal(2, 3)],
                  ints=False),
    # (mode="median" was rejected as unknown)
    "pad_median": C(lambda x: jnp.pad(x, ((2, 9), (1, 0)), mode="median", stat_length=(3, 2)),
                    lambda x: np.pad(x, ((2, 9), (1, 0)), mode="median", stat_length=(3, 2)),
                    [normal(4, 3)], ints=False),
}

test_values_and_jit, test_second_order_grads, test_vmap_matches_loop = table_tests(CASES)


# ---- drawn shapes and axes -----------------------------------------------------------------------


@st.composite
def array_and_axis(draw, min_dims=1, max_dims=3):
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=4))
    x = np.random.default_rng(draw(st.integers(0, 99))).standard_normal(shape)
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    return x, axis


@SETTINGS
@given(array_and_axis(), st.integers(-6, 6), st.integers(0, 2))
def test_roll_drawn_static_and_traced_under_vmap(xa, shift, bdim):
    x, axis = xa
    np.testing.assert_array_equal(jnp.roll(jnp.asarray(x), shift, axis), np.roll(x, shift, axis))
    shifts = np.array([shift, shift + 1, -shift])
    batched = np.stack([x] * 3, axis=bdim % (x.ndim + 1))
    got = fl.vmap(lambda xi, s: jnp.roll(xi, s, axis), in_axes=(bdim % (x.ndim + 1), 0))(
        jnp.asarray(batched), jnp.asarray(shifts))
    want = np.stack([np.roll(x, int(s), axis) for s in shifts])
    np.testing.assert_array_equal(got, want)
    traced = fl.jit(lambda xi, s: jnp.roll(xi, s, axis))(jnp.asarray(x), jnp.asarray(shift))
    np.testing.assert_array_equal(traced, np.roll(x, shift, axis))


_PAD_MODES = ["constant", "edge", "reflect", "symmetric", "wrap", "maximum", "mean", "minimum",
              "linear_ramp"]


@SETTINGS
@given(array_and_axis(max_dims=2), st.sampled_from(_PAD_MODES), st.data())
def test_pad_drawn_widths_match_numpy(xa, mode, data):
    x, _ = xa
    widths = data.draw(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)),
                                min_size=x.ndim, max_size=x.ndim), label="pad_width")
    got = jnp.pad(jnp.asarray(x), widths, mode)
    np.testing.assert_allclose(got, np.pad(x, widths, mode), rtol=1e-12, atol=1e-12)
    # vmap over a new leading axis agrees too
    both = np.stack([x, 2 * x])
    got_b = fl.vmap(lambda xi: jnp.pad(xi, widths, mode))(jnp.asarray(both))
    np.testing.assert_allclose(got_b, np.stack([np.pad(b, widths, mode) for b in both]),
                               rtol=1e-12, atol=1e-12)


@SETTINGS
@given(array_and_axis(), st.integers(1, 4), st.data())
def test_split_and_moveaxis_drawn(xa, sections, data):
    x, axis = xa
    got = jnp.array_split(jnp.asarray(x), sections, axis)
    want = np.array_split(x, sections, axis)
    assert [g.shape for g in got] == [w.shape for w in want]
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
    k = data.draw(st.integers(1, x.ndim))
    src = data.draw(st.permutations(range(x.ndim)))[:k]
    dst = data.draw(st.permutations(range(-x.ndim, 0)))[:k]
    np.testing.assert_array_equal(jnp.moveaxis(jnp.asarray(x), src, dst),
                                  np.moveaxis(x, src, dst))


@SETTINGS
@given(array_and_axis(max_dims=2), st.lists(st.integers(0, 3), min_size=4, max_size=4))
def test_repeat_counts_eager_and_jit(xa, counts):
    x, axis = xa
    counts = np.asarray(counts[: x.shape[axis]])
    want = np.repeat(x, counts, axis)
    np.testing.assert_array_equal(jnp.repeat(jnp.asarray(x), jnp.asarray(counts), axis), want)
    total = want.shape[axis]
    got = fl.jit(lambda a, r: jnp.repeat(a, r, axis, total_repeat_length=total))(
        jnp.asarray(x), jnp.asarray(counts))
    np.testing.assert_array_equal(got, want)


def test_repeat_traced_grad():
    f = fl.jit(lambda x, r: jnp.sum(jnp.repeat(x, r, total_repeat_length=4) ** 2))
    g = fl.grad(f)(jnp.asarray([1.0, 2.0, 3.0]), jnp.asarray([1, 0, 3]))
    np.testing.assert_allclose(g, [2.0, 0.0, 18.0])


def test_broadcast_shapes():
    assert jnp.broadcast_shapes((2, 1), (3,), ()) == (2, 3)
    with pytest.raises(ValueError, match="incompatible"):
        jnp.broadcast_shapes((2,), (3,))


# ---- errors --------------------------------------------------------------------------------------


def test_errors_are_clear():
    x = jnp.ones((2, 3))
    with pytest.raises(ValueError, match="axis 2 is out of range"):
        jnp.moveaxis(x, 2, 0)
    with pytest.raises(ValueError, match="axis -3 is out of range"):
        jnp.concatenate([x, x], axis=-3)
    with pytest.raises(ValueError, match="cannot be split into 2 equal sections; use array_split"):
        jnp.split(jnp.ones(5), 2)
    with pytest.raises(ValueError, match="unknown mode 'reflekt'"):
        jnp.pad(x, 1, mode="reflekt")
    with pytest.raises(ValueError, match="unsupported keyword arguments for mode 'edge'"):
        jnp.pad(x, 1, mode="edge", constant_values=1)
    with pytest.raises(ValueError, match="must be non-negative"):
        jnp.pad(x, -1)
    with pytest.raises(ValueError, match="does not fit an array with 2 dimensions"):
        jnp.pad(x, ((1, 1), (1, 1), (1, 1)))
    with pytest.raises(ValueError, match="empty axis"):
        jnp.pad(jnp.ones((0, 2)), 1, mode="wrap")
    with pytest.raises(ValueError, match="same shape except along that axis"):
        jnp.concatenate([x, jnp.ones((3, 3))], axis=1)
    with pytest.raises(ValueError, match="same shape"):
        jnp.stack([x, jnp.ones(3)])
    with pytest.raises(ValueError, match="repeated axis"):
        jnp.expand_dims(x, (0, 0))
    with pytest.raises(ValueError, match="has size 3, not 1"):
        jnp.squeeze(x, 1)
    with pytest.raises(ValueError, match="two axes must differ"):
        jnp.rot90(x, axes=(1, 1))
    with pytest.raises(ValueError, match="do not match the axis of size 3"):
        jnp.repeat(jnp.ones(3), jnp.asarray([1, 2]))
    with pytest.raises(TypeError, match="total_repeat_length"):
        fl.jit(lambda r: jnp.repeat(jnp.ones(3), r))(jnp.asarray([1, 2, 3]))
    with pytest.raises(ValueError, match="cannot broadcast shape"):
        jnp.broadcast_to(x, (3, 3))
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        jnp.fliplr(jnp.ones(3))


def test_pad_traced_values_differentiate():
    def f(v):
        return jnp.sum(jnp.pad(jnp.ones((2, 2)), 1, constant_values=v) ** 2)

    # 12 padded places hold v: d/dv sum(v^2) = 24 v.
    np.testing.assert_allclose(fl.grad(f)(jnp.asarray(0.5)), 12.0)
    np.testing.assert_allclose(fl.jit(fl.grad(f))(jnp.asarray(0.5)), 12.0)


def test_unsupported_arguments_name_the_fix():
    x = jnp.ones((2, 3))
    for order in ("A", "K"):
        with pytest.raises(NotImplementedError, match=f"ravel: order='{order}' is not supported.*"
                                                      "use 'C' or 'F'"):
            jnp.ravel(x, order=order)
    with pytest.raises(NotImplementedError, match="stack: out= is not supported .*use the "
                                                  "returned value"):
        jnp.stack([x, x], out=x)
    with pytest.raises(NotImplementedError, match="pad: a callable mode is not supported; pass "
                                                  "one of constant"):
        jnp.pad(x, 1, mode=lambda *a: None)
