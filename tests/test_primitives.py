"""Every primitive, tested mechanically from one table (DESIGN.md principle 12).

Each table entry (``CASES[name]``) is a hypothesis strategy of examples ``Ex``: a lax-level
function that binds exactly that primitive (params drawn and closed over), its numpy reference,
and a maker of argument values for a dtype. The same examples drive every check:

* values against numpy, in every dtype the entry lists (float32 and float64 where it makes sense);
* the shape/dtype rule: ``make_jaxpr`` out avals equal the eager result's shape and dtype;
* jit output equal to eager output;
* (in test_primitives_transforms.py) derivatives against finite differences to second order,
  the batching rule against a Python loop, and the derivative rules under vmap and jit.

Run with ``FL_PRIMITIVES_PROFILE=primitives-thorough`` for many more (random) examples.
"""
from __future__ import annotations

import importlib
import os
import pathlib
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import functorch_lite as fl
from functorch_lite import Array
from functorch_lite._src import dtypes
from functorch_lite._src.core import PRIMITIVES, ZERO_DERIVATIVE
from functorch_lite._src.prims import elementwise as E
from functorch_lite._src.prims import indexing as ix
from functorch_lite._src.prims import linalg as la
from functorch_lite._src.prims import reduce as R
from functorch_lite._src.prims import shape as S

_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile("primitives", max_examples=25, deadline=None, derandomize=True,
                          suppress_health_check=_HEALTH, print_blob=True)
settings.register_profile("primitives-thorough", max_examples=200, deadline=None,
                          suppress_health_check=_HEALTH, print_blob=True)
SETTINGS = settings(settings.get_profile(os.environ.get("FL_PRIMITIVES_PROFILE", "primitives")))

F32, F64, I32, I64, BOOL = (np.dtype(t) for t in (np.float32, np.float64, np.int32, np.int64,
                                                     np.bool_))
FLOATS = (F32, F64)
NUMERIC = (F32, F64, I32)
SEEDS = st.integers(0, 2**32 - 1)

# ---- value domains: domain(rng, shape, dtype) -> numpy array ------------------------------------


def real(lo: float, hi: float) -> Callable:
    """Uniform on [lo, hi]; integers in that range for int dtypes, coin flips for bool."""

    def make(rng, shape, dt):
        if dt == BOOL:
            return rng.integers(0, 2, shape).astype(bool)
        if dt.kind in "iu":
            return rng.integers(int(np.floor(lo)), int(np.ceil(hi)) + 1, shape).astype(dt)
        return rng.uniform(lo, hi, shape).astype(dt)

    return make


def apart(lo: float, hi: float) -> Callable:
    """Either sign, magnitude in [lo, hi] (nonzero integers for int dtypes)."""

    def make(rng, shape, dt):
        sign = rng.choice([-1, 1], shape)
        if dt.kind in "iu":
            return (sign * rng.integers(max(1, int(lo)), int(hi) + 2, shape)).astype(dt)
        return (sign * rng.uniform(lo, hi, shape)).astype(dt)

    return make


def grid(offset: int) -> Callable:
    """Even (offset 0) or odd (offset 1) integers plus noise: the two grids never come within
    0.4 of each other, so max/min have no ties (and ints never tie either)."""

    def make(rng, shape, dt):
        k = 2 * rng.integers(-2, 3, shape) + offset
        if dt.kind in "iu":
            return k.astype(dt)
        return (k + rng.uniform(-0.3, 0.3, shape)).astype(dt)

    return make


def steps(rng, shape, dt):
    """Inside the flat parts of floor/ceil/round/sign: k + [0.1, 0.4] for integers k != 0."""
    k = rng.choice([-3, -2, -1, 1, 2], shape)
    return (k + rng.uniform(0.1, 0.4, shape)).astype(dt)


def distinct(offset: int = 0) -> Callable:
    """Distinct values 2 apart, within 0.05 of integers of the parity of ``offset`` (no ties for
    extrema, and never within 0.25 of a value from ``grid(1 - offset)``)."""

    def make(rng, shape, dt):
        n = int(np.prod(shape, dtype=np.int64))
        k = 2 * (rng.permutation(n).reshape(shape) - n // 2) + offset
        if dt.kind in "iu":
            return k.astype(dt)
        return (k + rng.uniform(-0.05, 0.05, shape)).astype(dt)

    return make


def nonfinite(rng, shape, dt):
    x = rng.standard_normal(shape)
    special = rng.choice([np.inf, -np.inf, np.nan], shape)
    return np.where(rng.random(shape) < 0.3, special, x).astype(dt)


def fixed(dtype: np.dtype, domain: Callable) -> Callable:
    """A domain whose dtype does not follow the tested dtype (indices, predicates)."""
    return lambda rng, shape, dt: domain(rng, shape, dtype)


NORMAL = real(-2.0, 2.0)


def maker(*specs: tuple) -> Callable:
    """make(rng, dtype) -> list of numpy arguments, from (shape, domain) pairs."""
    return lambda rng, dt: [np.asarray(dom(rng, tuple(shape), dt)) for shape, dom in specs]


# ---- the table --------------------------------------------------------------------------------


@dataclass
class Ex:
    fn: Callable = field(repr=False)  # lax-level function of Arrays; binds the primitive
    ref: Callable = field(repr=False)  # the same on numpy arrays
    make: Callable = field(repr=False)  # make(rng, dtype) -> list of numpy arguments
    diff: bool = True  # smooth at the points `make` draws: check derivatives there
    grad_kw: dict = field(default_factory=dict)
    what: str = ""  # the drawn parameters, for failure reports


@dataclass
class Case:
    name: str
    examples: st.SearchStrategy
    dtypes: tuple = FLOATS
    tol: float = 1.0  # scales the float tolerances (sums, matmuls)
    grad: bool = True  # differentiable (or zero-derivative) where its examples are drawn


CASES: dict[str, Case] = {}


def _described(ex: Ex) -> Ex:
    """Fill ``ex.what`` with the parameters its function closes over (for failure reports)."""
    cells = zip(ex.fn.__code__.co_freevars, ex.fn.__closure__ or (), strict=True)
    ex.what = ex.what or ", ".join(f"{k}={c.cell_contents!r}" for k, c in cells
                                   if not callable(c.cell_contents))
    return ex


def case(name: str, dtypes_: tuple = FLOATS, tol: float = 1.0, grad: bool = True) -> Callable:
    def register(draw_example: Callable) -> Callable:
        examples = st.composite(lambda draw: _described(draw_example(draw)))()
        CASES[name] = Case(name, examples, dtypes_, tol, grad)
        return draw_example

    return register


@st.composite
def shapes(draw, min_dims: int = 0, max_dims: int = 3, min_side: int = 1, max_side: int = 3):
    # (hnp.array_shapes spends most of a small budget on rank 0 and sides of 1)
    rank = draw(st.sampled_from(range(min_dims, max_dims + 1)))
    return tuple(draw(st.sampled_from(range(min_side, max_side + 1))) for _ in range(rank))


def subset(draw, n: int, min_size: int = 1) -> tuple:
    """Sorted axes out of ``n``; nonempty unless ``n`` is 0 (empty sets are the dull case)."""
    return tuple(sorted(draw(st.sets(st.integers(0, n - 1), min_size=min_size)))) if n else ()


# Zero-size arrays now and then (a quarter of the draws), for the shape primitives.
SOMETIMES_EMPTY = st.sampled_from([1, 1, 1, 0])


def _weak_for(values: dict, like: Any) -> Any:
    kind = np.dtype(like.dtype).kind
    return values["b" if kind == "b" else "i" if kind in "iu" else "f"]


def elementwise(name: str, fn: Callable, ref: Callable, domains: tuple, dtypes_: tuple = FLOATS,
                diff: bool = True, weak_at: tuple | None = None, tol: float = 1.0) -> None:
    """An elementwise entry: broadcasting shapes, and (for n-ary ones) variants where one
    operand is a weak Python scalar."""
    n = len(domains)
    weak_at = tuple(range(n)) if weak_at is None and n > 1 else weak_at or ()

    @st.composite
    def examples(draw):
        shp = draw(hnp.mutually_broadcastable_shapes(num_shapes=n, max_dims=3, max_side=3))
        shp = shp.input_shapes
        which = draw(st.sampled_from((None, None) + weak_at))
        if which is None:
            return Ex(fn, ref, maker(*zip(shp, domains, strict=True)), diff, what="no scalar")
        rng = np.random.default_rng(draw(SEEDS))
        scalars = {k: domains[which](rng, (), dt).item() for k, dt in
                   (("b", BOOL), ("i", I32), ("f", F64))}

        def with_scalar(f):
            return lambda *a: f(*a[:which], _weak_for(scalars, a[-1]), *a[which:])

        rest = [sd for i, sd in enumerate(zip(shp, domains, strict=True)) if i != which]
        return Ex(with_scalar(fn), with_scalar(ref), maker(*rest), diff,
                  what=f"weak scalar {scalars} at position {which}")

    CASES[name] = Case(name, examples(), dtypes_, tol, diff)


def _logistic_ref(x):
    return (1 / (1 + np.exp(-x.astype(np.float64)))).astype(x.dtype)


U = (NORMAL,)
for _name, _fn, _ref, _dom, _dts, _diff in [
    ("neg", E.neg, np.negative, U, NUMERIC, True),
    ("exp", E.exp, np.exp, U, FLOATS, True),
    ("log", E.log, np.log, (real(0.5, 3.0),), FLOATS, True),
    ("log1p", E.log1p, np.log1p, (real(-0.5, 2.0),), FLOATS, True),
    ("expm1", E.expm1, np.expm1, U, FLOATS, True),
    ("tanh", E.tanh, np.tanh, U, FLOATS, True),
    ("logistic", E.logistic, _logistic_ref, (real(-4.0, 4.0),), FLOATS, True),
    ("sin", E.sin, np.sin, (real(-3.0, 3.0),), FLOATS, True),
    ("cos", E.cos, np.cos, (real(-3.0, 3.0),), FLOATS, True),
    ("tan", E.tan, np.tan, (real(-1.2, 1.2),), FLOATS, True),
    ("asin", E.asin, np.arcsin, (real(-0.8, 0.8),), FLOATS, True),
    ("acos", E.acos, np.arccos, (real(-0.8, 0.8),), FLOATS, True),
    ("atan", E.atan, np.arctan, (real(-3.0, 3.0),), FLOATS, True),
    ("sinh", E.sinh, np.sinh, U, FLOATS, True),
    ("cosh", E.cosh, np.cosh, U, FLOATS, True),
    ("asinh", E.asinh, np.arcsinh, (real(-3.0, 3.0),), FLOATS, True),
    ("acosh", E.acosh, np.arccosh, (real(1.2, 3.0),), FLOATS, True),
    ("atanh", E.atanh, np.arctanh, (real(-0.8, 0.8),), FLOATS, True),
    ("sqrt", E.sqrt, np.sqrt, (real(0.5, 3.0),), FLOATS, True),
    ("abs", E.abs_, np.abs, (apart(0.2, 2.0),), NUMERIC, True),
    # zero-derivative ones are checked where they are flat: the derivative there is 0
    ("sign", E.sign, np.sign, (steps,), NUMERIC, True),
    ("floor", E.floor, np.floor, (steps,), FLOATS, True),
    ("ceil", E.ceil, np.ceil, (steps,), FLOATS, True),
    ("round", E.round_, np.round, (steps,), FLOATS, True),
    ("is_finite", E.is_finite, np.isfinite, (nonfinite,), FLOATS, False),
    ("not", E.bitwise_not, np.invert, (real(-5, 5),), (BOOL, I32), False),
    # binary
    ("add", E.add, np.add, (NORMAL, NORMAL), NUMERIC, True),
    ("sub", E.sub, np.subtract, (NORMAL, NORMAL), NUMERIC, True),
    ("mul", E.mul, np.multiply, (NORMAL, NORMAL), NUMERIC, True),
    ("div", E.div, np.true_divide, (NORMAL, apart(0.5, 2.0)), FLOATS, True),
    ("max", E.max_, np.maximum, (grid(0), grid(1)), NUMERIC, True),
    ("min", E.min_, np.minimum, (grid(1), grid(0)), NUMERIC, True),
    ("pow", E.pow_, np.power, (real(0.5, 2.0), NORMAL), FLOATS, True),
    ("atan2", E.atan2, np.arctan2, (NORMAL, real(0.3, 2.0)), FLOATS, True),
    # x/y stays at least 0.19 away from an integer: rem and floor_divide are smooth there.
    ("rem", E.rem, np.remainder, (steps, apart(0.95, 1.05)), NUMERIC, True),
    ("floor_divide", E.floor_divide, np.floor_divide, (steps, apart(0.95, 1.05)), NUMERIC,
     True),
    ("heaviside", E.heaviside, np.heaviside, (grid(0), grid(1)), FLOATS, False),
    ("eq", E.eq, np.equal, (real(-2, 2), real(-2, 2)), NUMERIC, False),
    ("ne", E.ne, np.not_equal, (real(-2, 2), real(-2, 2)), NUMERIC, False),
    ("lt", E.lt, np.less, (real(-2, 2), real(-2, 2)), NUMERIC, False),
    ("le", E.le, np.less_equal, (real(-2, 2), real(-2, 2)), NUMERIC, False),
    ("gt", E.gt, np.greater, (real(-2, 2), real(-2, 2)), NUMERIC, False),
    ("ge", E.ge, np.greater_equal, (real(-2, 2), real(-2, 2)), NUMERIC, False),
    ("and", E.bitwise_and, np.bitwise_and, (real(-5, 5), real(-5, 5)), (BOOL, I32), False),
    ("or", E.bitwise_or, np.bitwise_or, (real(-5, 5), real(-5, 5)), (BOOL, I32), False),
    ("xor", E.bitwise_xor, np.bitwise_xor, (real(-5, 5), real(-5, 5)), (BOOL, I32), False),
]:
    elementwise(_name, _fn, _ref, _dom, _dts, _diff)

elementwise("select", E.select, np.where, (fixed(BOOL, real(0, 1)), NORMAL, NORMAL), NUMERIC,
            weak_at=(1, 2))


@case("integer_pow", NUMERIC)
def _integer_pow(draw):
    shape = draw(shapes())
    y = draw(st.integers(-2, 4))

    def power(x):  # (negative powers only for floats: numpy refuses them on ints)
        return y if np.dtype(x.dtype).kind == "f" else abs(y)

    return Ex(lambda x: E.integer_pow(x, power(x)), lambda x: np.power(x, power(x)),
              maker((shape, apart(0.5, 1.5))))


# ---- reductions ---------------------------------------------------------------------------------


@case("reduce_sum", NUMERIC, tol=4.0)
def _reduce_sum(draw):
    shape = draw(shapes())
    axes = subset(draw, len(shape))
    return Ex(lambda x: R.reduce_sum(x, axes), lambda x: np.sum(x, axis=axes, dtype=x.dtype),
              maker((shape, NORMAL)))


def _extremum(name: str, fn: Callable, ref: Callable) -> None:
    @case(name, NUMERIC)
    def examples(draw):
        shape = draw(shapes())
        axes = subset(draw, len(shape))
        return Ex(lambda x: fn(x, axes), lambda x: ref(x, axis=axes), maker((shape, distinct())))


_extremum("reduce_max", R.reduce_max, np.max)
_extremum("reduce_min", R.reduce_min, np.min)


def _arg_extremum(name: str, fn: Callable, ref: Callable) -> None:
    @case(name, NUMERIC, grad=False)
    def examples(draw):
        shape = draw(shapes(min_dims=1))
        axis = draw(st.integers(0, len(shape) - 1))
        idt = draw(st.sampled_from([None, I32, I64]))
        out_dt = idt or dtypes.default_int
        return Ex(lambda x: fn(x, axis, idt), lambda x: ref(x, axis=axis).astype(out_dt),
                  maker((shape, distinct())), diff=False)


_arg_extremum("argmax", R.argmax, np.argmax)
_arg_extremum("argmin", R.argmin, np.argmin)


@case("cumsum", NUMERIC, tol=4.0)
def _cumsum(draw):
    shape = draw(shapes(min_dims=1))
    axis = draw(st.integers(0, len(shape) - 1))
    reverse = draw(st.booleans())

    def ref(x):
        if reverse:
            return np.flip(np.cumsum(np.flip(x, axis), axis=axis, dtype=x.dtype), axis)
        return np.cumsum(x, axis=axis, dtype=x.dtype)

    return Ex(lambda x: R.cumsum(x, axis, reverse), ref, maker((shape, NORMAL)))


# ---- shape primitives ---------------------------------------------------------------------------


@case("broadcast_in_dim", NUMERIC)
def _broadcast_in_dim(draw):
    out_shape = draw(shapes(max_dims=4, min_side=draw(SOMETIMES_EMPTY)))
    dims = subset(draw, len(out_shape), min_size=0)
    in_shape = tuple(out_shape[d] if draw(st.booleans()) else 1 for d in dims)
    expanded = [1] * len(out_shape)
    for s, d in zip(in_shape, dims, strict=True):
        expanded[d] = s
    return Ex(lambda x: S.broadcast_in_dim(x, out_shape, dims),
              lambda x: np.broadcast_to(x.reshape(expanded), out_shape),
              maker((in_shape, NORMAL)))


@case("reshape", NUMERIC)
def _reshape(draw):
    shape = draw(shapes(min_side=draw(SOMETIMES_EMPTY)))
    size = int(np.prod(shape, dtype=np.int64))
    perm = draw(st.permutations(shape))
    candidates = {(size,), tuple(perm), tuple(perm) + (1,), (1,) + shape, ()} - {shape}
    if size != 1:
        candidates.discard(())
    new = draw(st.sampled_from(sorted(candidates)))
    return Ex(lambda x: S.reshape(x, new), lambda x: np.reshape(x, new), maker((shape, NORMAL)))


@case("transpose", NUMERIC)
def _transpose(draw):
    shape = draw(shapes(min_dims=2, max_dims=4, min_side=draw(SOMETIMES_EMPTY)))
    perm = tuple(draw(st.permutations(range(len(shape))).filter(lambda p: p != sorted(p))))
    return Ex(lambda x: S.transpose(x, perm), lambda x: np.transpose(x, perm),
              maker((shape, NORMAL)))


@case("slice", NUMERIC)
def _slice(draw):
    shape = draw(shapes(max_side=5))
    start = tuple(draw(st.integers(0, s)) for s in shape)
    limit = tuple(draw(st.integers(b, s)) for b, s in zip(start, shape, strict=True))
    strides = tuple(draw(st.integers(1, 3)) for _ in shape)
    index = tuple(slice(*t) for t in zip(start, limit, strides, strict=True))
    return Ex(lambda x: S.slice_(x, start, limit, strides), lambda x: x[index],
              maker((shape, NORMAL)))


def _pad_ref(x, v, config):
    out_shape = [lo + hi + s + max(s - 1, 0) * it
                 for s, (lo, hi, it) in zip(x.shape, config, strict=True)]
    out = np.full(out_shape, v, x.dtype)
    for i in np.ndindex(*x.shape):
        out[tuple(lo + k * (it + 1) for k, (lo, _, it) in zip(i, config, strict=True))] = x[i]
    return out


@case("pad", NUMERIC)
def _pad(draw):
    shape = draw(shapes(min_side=draw(SOMETIMES_EMPTY)))
    config = tuple((draw(st.integers(0, 2)), draw(st.integers(0, 2)), draw(st.integers(0, 2)))
                   for _ in shape)
    if draw(st.booleans()):  # the padding value as an array operand (differentiable)
        return Ex(lambda x, v: S.pad(x, v, config), lambda x, v: _pad_ref(x, v, config),
                  maker((shape, NORMAL), ((), NORMAL)))
    c = draw(st.sampled_from([0.0, -1.5, 2.0]))

    def weak(x):
        return c if np.dtype(x.dtype).kind == "f" else int(c)

    return Ex(lambda x: S.pad(x, weak(x), config), lambda x: _pad_ref(x, weak(x), config),
              maker((shape, NORMAL)))


@case("concatenate", NUMERIC)
def _concatenate(draw):
    shape = draw(shapes(min_dims=1))
    dim = draw(st.integers(0, len(shape) - 1))
    sizes = draw(st.lists(st.integers(0, 3), min_size=1, max_size=3))
    specs = [(shape[:dim] + (k,) + shape[dim + 1:], NORMAL) for k in sizes]
    return Ex(lambda *xs: S.concatenate(xs, dim), lambda *xs: np.concatenate(xs, axis=dim),
              maker(*specs))


@case("rev", NUMERIC)
def _rev(draw):
    shape = draw(shapes(min_side=draw(SOMETIMES_EMPTY)))
    dims = subset(draw, len(shape))
    return Ex(lambda x: S.rev(x, dims), lambda x: np.flip(x, axis=dims), maker((shape, NORMAL)))


@case("convert_element_type", (F32, F64, I32, BOOL))
def _convert_element_type(draw):
    shape = draw(shapes())
    new = draw(st.sampled_from([F32, F64, I32, BOOL]))

    def target(x):  # never the input's own dtype: that is no conversion at all (not bound)
        src = np.dtype(x.dtype)
        return new if new != src else (F32 if src == F64 else F64)

    # Linear between floats: a large finite-difference step is exact and beats float32 rounding.
    return Ex(lambda x: S.convert_element_type(x, target(x)), lambda x: x.astype(target(x)),
              maker((shape, NORMAL)), diff=new.kind == "f", grad_kw={"eps": 0.5})


@case("stop_gradient", NUMERIC, grad=False)
def _stop_gradient(draw):
    return Ex(S.stop_gradient_p.bind, lambda x: x, maker((draw(shapes()), NORMAL)),
              diff=False)


# ---- indexing ---------------------------------------------------------------------------------


def _index_maker(dims: tuple, idx_shapes: list, idx_dtype, unique: bool) -> Callable:
    """Index arrays into the leading ``dims``, negative ones included; ``unique``: no position
    is hit twice (over the broadcast index shape)."""

    def make(rng, dt):
        bshape = np.broadcast_shapes(*idx_shapes) if idx_shapes else ()
        n = int(np.prod(bshape, dtype=np.int64))
        total = int(np.prod(dims, dtype=np.int64))
        if unique:  # (all index shapes are the same here)
            flat = rng.choice(total, size=n, replace=False).reshape(bshape)
            idx = list(np.unravel_index(flat, dims))
        else:
            idx = [rng.integers(0, d, sh) for d, sh in zip(dims, idx_shapes, strict=True)]
        flip = [rng.random(np.shape(i)) < 0.5 for i in idx]
        return [np.where(f, i - d, i).astype(idx_dtype)
                for i, f, d in zip(idx, flip, dims, strict=True)]

    return make


@case("gather", NUMERIC)
def _gather(draw):
    shape = draw(shapes(min_dims=1))
    k = draw(st.integers(1, min(2, len(shape))))
    idx_shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=k, max_dims=2, max_side=3))
    idx_dtype = draw(st.sampled_from([I32, I64]))
    make_idx = _index_maker(shape[:k], list(idx_shapes.input_shapes), idx_dtype, unique=False)
    return Ex(lambda x, *idx: ix.gather(x, *idx), lambda x, *idx: x[tuple(idx)],
              lambda rng, dt: [NORMAL(rng, shape, dt)] + make_idx(rng, dt))


_SCATTER_REFS = {"add": np.add, "mul": np.multiply, "min": np.minimum, "max": np.maximum}


def _scatter_ref(mode: str) -> Callable:
    """One update at a time (not ufunc.at, which numpy 2.4 gets wrong for some broadcasts)."""

    def ref(x, u, *idx):
        out = x.copy()
        idx = np.broadcast_arrays(*idx)
        u = np.broadcast_to(u, idx[0].shape + x.shape[len(idx):])
        for j in np.ndindex(*idx[0].shape):
            at = tuple(i[j] for i in idx)
            out[at] = u[j] if mode == "set" else _SCATTER_REFS[mode](out[at], u[j])
        return out

    return ref


@case("scatter", NUMERIC)
def _scatter(draw):
    shape = draw(shapes(min_dims=1))
    mode = draw(st.sampled_from(["set", "add", "mul", "min", "max"]))
    k = draw(st.integers(1, min(2, len(shape))))
    total = int(np.prod(shape[:k]))
    unique = mode == "set"  # (repeated indices under "set" have no defined winner or derivative)
    # one index shape for all k (unique positions are drawn over it); or broadcasting ones
    idx_shapes = [draw(shapes(max_dims=2, max_side=min(3, total) if unique else 3))] * k
    if not unique and draw(st.booleans()):
        idx_shapes = list(draw(hnp.mutually_broadcastable_shapes(num_shapes=k, max_dims=2,
                                                                 max_side=3)).input_shapes)
    if unique:
        assume(int(np.prod(idx_shapes[0])) <= total)
    target = np.broadcast_shapes(*idx_shapes) + shape[k:]
    lead = draw(st.integers(0, len(target)))  # updates broadcast against the indexed shape
    up_shape = tuple(s if draw(st.booleans()) else 1 for s in target[lead:])
    idx_dtype = draw(st.sampled_from([I32, I64]))
    make_idx = _index_maker(shape[:k], idx_shapes, idx_dtype, unique)
    x_dom, u_dom = {"min": (grid(1), distinct(0)), "max": (grid(0), distinct(1)),
                    "mul": (NORMAL, real(0.5, 1.5))}.get(mode, (NORMAL, NORMAL))
    if draw(st.booleans()):  # the updates as a weak Python scalar: x.at[i].set(2.0)
        rng = np.random.default_rng(draw(SEEDS))
        scalars = {k: u_dom(rng, (), dt).item() for k, dt in (("i", I32), ("f", F64))}
        return Ex(lambda x, *idx: ix.scatter(x, _weak_for(scalars, x), *idx, mode=mode),
                  lambda x, *idx: _scatter_ref(mode)(x, _weak_for(scalars, x), *idx),
                  lambda rng, dt: [x_dom(rng, shape, dt)] + make_idx(rng, dt),
                  diff=mode != "mul", what=f"{mode=}, weak updates {scalars}")
    return Ex(lambda x, u, *idx: ix.scatter(x, u, *idx, mode=mode), _scatter_ref(mode),
              lambda rng, dt: [x_dom(rng, shape, dt), u_dom(rng, up_shape, dt)]
              + make_idx(rng, dt), diff=mode != "mul", what=f"{mode=}, updates {up_shape}")


# ---- dot_general ------------------------------------------------------------------------------


@case("dot_general", NUMERIC, tol=8.0)
def _dot_general(draw):
    counts = [draw(st.integers(0, 2)) for _ in range(4)]  # batch, contract, lhs free, rhs free
    counts[0] = min(counts[0], 1)
    sizes = [[draw(st.integers(1, 3)) for _ in range(c)] for c in counts]
    letters = iter(string.ascii_lowercase)
    names = [[next(letters) for _ in range(c)] for c in counts]

    def side(free: int):  # axis positions of one operand: a random layout of its groups
        n = counts[0] + counts[1] + counts[free]
        perm = draw(st.permutations(range(n)))
        b, c, f = perm[:counts[0]], perm[counts[0]:counts[0] + counts[1]], perm[-counts[free]:]
        f = f if counts[free] else []
        shape, sub = [0] * n, [""] * n
        for group, axes in ((0, b), (1, c), (free, f)):
            for j, a in enumerate(axes):
                shape[a], sub[a] = sizes[group][j], names[group][j]
        return tuple(b), tuple(c), tuple(shape), "".join(sub), sorted(f)

    lb, lc, lshape, lsub, lf = side(2)
    rb, rc, rshape, rsub, rf = side(3)
    out = "".join(names[0]) + "".join(lsub[a] for a in lf) + "".join(rsub[a] for a in rf)
    dn = ((lc, rc), (lb, rb))
    spec = f"{lsub},{rsub}->{out}"
    return Ex(lambda x, y: la.dot_general(x, y, dn),
              lambda x, y: np.einsum(spec, x, y).astype(x.dtype),
              maker((lshape, NORMAL), (rshape, NORMAL)))


# ---- entries of other primitive families -------------------------------------------------------
# Each family of primitives keeps its table entries in tests/prim_cases_<family>.py, which
# imports ``case``, ``elementwise``, ``Ex``, the domains and the dtypes from this module and
# registers its entries into CASES when imported here.

for _path in sorted(pathlib.Path(__file__).parent.glob("prim_cases_*.py")):
    importlib.import_module(_path.stem)


# ---- helpers for the checks ----------------------------------------------------------------------


def _close(got: Any, want: Any, tol: float = 1.0) -> None:
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    if got.dtype.kind in "fc":
        eps = np.finfo(got.dtype).eps
        np.testing.assert_allclose(got, want, rtol=16 * tol * eps, atol=16 * tol * eps)
    else:
        np.testing.assert_array_equal(got, want)


def _draw(data, name: str, dtype: np.dtype | None = None) -> tuple[Ex, np.dtype, list]:
    c = CASES[name]
    ex = data.draw(c.examples, label="example")
    dtype = dtype or data.draw(st.sampled_from(c.dtypes), label="dtype")
    rng = np.random.default_rng(data.draw(SEEDS, label="seed"))
    args = ex.make(rng, dtype)
    note(f"arguments: {[(a.dtype.name, a.shape) for a in args]}")
    return ex, dtype, args


def _arrays(args: list) -> list:
    return [Array(np.asarray(a)) for a in args]


NAMES = sorted(CASES)
ZERO_NAMES = sorted(n for n in NAMES if PRIMITIVES[n].jvp is ZERO_DERIVATIVE
                    and set(CASES[n].dtypes) & set(FLOATS))

# ---- the registry -------------------------------------------------------------------------------


def test_table_covers_every_registered_primitive():
    assert set(CASES) == set(PRIMITIVES), (
        "primitives without a test entry: "
        f"{sorted(set(PRIMITIVES) - set(CASES))}; entries without a primitive: "
        f"{sorted(set(CASES) - set(PRIMITIVES))}"
    )


def _rule_at(rules: Any, i: int) -> Any:
    try:
        return rules[i]
    except IndexError:
        return None


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_registry_every_rule(name):
    p = PRIMITIVES[name]
    assert p.name == name
    assert callable(p.kernel) and callable(p.impl) and callable(p.impl_for(np))
    assert callable(p.abstract_eval) and callable(p.batch)
    if p.jvp is ZERO_DERIVATIVE or p.vjp is ZERO_DERIVATIVE:
        assert p.jvp is ZERO_DERIVATIVE and p.vjp is ZERO_DERIVATIVE and p.jvp_full is None
        return
    assert p.jvp_full is not None or p.jvp is not None, f"{name} has no jvp rule"
    assert p.vjp is not None, f"{name} has no vjp rule"
    for kind, rules in (("jvp", p.jvp if p.jvp_full is None else None), ("vjp", p.vjp)):
        if rules is not None:  # per-argument rules: at least one argument has one
            found = [callable(_rule_at(rules, i)) for i in range(3)]
            assert any(found), f"{name} has no callable {kind} rule"
    assert p.jvp_full is None or callable(p.jvp_full)


# ---- the per-primitive checks ----------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(data=st.data())
def test_values_against_numpy(name, data):
    """Eager values, shapes and dtypes against numpy, in every dtype of the entry."""
    c = CASES[name]
    ex = data.draw(c.examples, label="example")
    seed = data.draw(SEEDS, label="seed")
    for dtype in c.dtypes:
        args = ex.make(np.random.default_rng(seed), dtype)
        got = ex.fn(*_arrays(args))
        assert type(got) is Array
        _close(got, ex.ref(*[a.copy() for a in args]), c.tol)


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(data=st.data())
def test_abstract_eval_and_jit_match_eager(name, data):
    ex, dtype, args = _draw(data, name)
    args = _arrays(args)
    eager = ex.fn(*args)
    jaxpr = fl.make_jaxpr(ex.fn)(*args)
    assert name in {e.prim.name for e in jaxpr.eqns}, f"{name} was not bound:\n{jaxpr}"
    (aval,) = jaxpr.out_avals
    assert (aval.shape, aval.dtype) == (eager.shape, eager.dtype), (aval, eager.shape)
    jitted = fl.jit(ex.fn)
    _close(jitted(*args), eager, CASES[name].tol)
    _close(jitted(*args), eager, CASES[name].tol)  # the cached path


@settings(max_examples=25, deadline=None)
@given(st.integers(1024, 5000), st.sampled_from([np.float32, np.float64]),
       st.sampled_from([0.5, 0.0, 1.0, -2.0]), st.integers(0, 2**31 - 1))
def test_heaviside_large_inputs_match_numpy(n, dtype, h0, seed):
    # Large inputs take a faster kernel than np.heaviside; ties, -0.0 and NaN must still agree.
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n).astype(dtype)
    x[rng.integers(0, n, n // 5)] = 0.0
    x[rng.integers(0, n, n // 20)] = -0.0
    x[rng.integers(0, n, n // 20)] = np.nan
    want = np.heaviside(x, h0)
    for got in (E.heaviside(fl.Array(x), h0), fl.jit(lambda v: E.heaviside(v, h0))(x)):
        assert got.dtype == dtype
        np.testing.assert_array_equal(np.asarray(got), want)


@settings(max_examples=25, deadline=None)
@given(st.sampled_from([np.float32, np.float64, np.float16, np.int32, np.int64, np.uint8,
                        np.bool_, np.complex64, np.complex128]),
       st.sampled_from(["arrays", "scalar_true", "scalar_false", "zero_true", "zero_false",
                        "minus_zero_false", "broadcast"]),
       st.integers(0, 2**31 - 1))
def test_select_large_inputs_match_numpy_bit_for_bit(dtype, form, seed):
    # Large selects pick bits instead of calling np.where (which branches per element); every
    # value must come through unchanged: NaN, inf, -0.0, and the weak-scalar dtype rules.
    rng = np.random.default_rng(seed)
    shape = (64, 80)
    t = (rng.standard_normal(shape) * 3).astype(dtype)
    f = (rng.standard_normal(shape) * 3).astype(dtype)
    if np.dtype(dtype).kind == "f":
        t[::3] = np.nan
        f[::5] = -np.inf
        t[1::7] = -0.0
    pred = rng.random(shape) < 0.5
    scalar = True if dtype == np.bool_ else 2
    zero = False if dtype == np.bool_ else 0.0 if np.dtype(dtype).kind in "fc" else 0
    minus_zero = -0.0 if np.dtype(dtype).kind in "fc" else zero
    args = {"arrays": (pred, t, f), "scalar_true": (pred, scalar, f),
            "scalar_false": (pred, t, scalar), "zero_true": (pred, zero, f),
            "zero_false": (pred, t, zero), "minus_zero_false": (pred, t, minus_zero),
            "broadcast": (pred[:, :1], t[0], f)}[form]
    want = np.where(*args)
    got = E.select(*[a if np.isscalar(a) else fl.Array(a) for a in args])
    got = np.asarray(got)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got.view(np.uint8), want.view(np.uint8))


@pytest.mark.parametrize("dn, spec, shapes", [
    ((((), ()), ((0,), (0,))), "bi,bj->bij", ((5, 3), (5, 4))),
    ((((), ()), ((), ())), "i,j->ij", ((3,), (4,))),
    ((((), ()), ((1,), (0,))), "ibk,bj->bikj", ((3, 5, 2), (5, 4))),
    ((((), ()), ((0, 2), (1, 0))), "bic,cbj->bcij", ((5, 3, 2), (2, 5, 4))),
])
def test_dot_general_without_contraction_is_an_outer_product(dn, spec, shapes):
    # No contracted axes take a broadcast-multiply kernel; values, gradients and jit agree.
    rng = np.random.default_rng(0)
    x, y = (rng.standard_normal(s) for s in shapes)
    out = la.dot_general(Array(x), Array(y), dn)
    np.testing.assert_allclose(np.asarray(out), np.einsum(spec, x, y), rtol=1e-12)
    np.testing.assert_allclose(np.asarray(fl.jit(lambda a, b: la.dot_general(a, b, dn))(x, y)),
                               np.einsum(spec, x, y), rtol=1e-12)
    fl.test_util.check_grads(lambda a, b: la.dot_general(a, b, dn), (Array(x), Array(y)),
                             order=2, modes=("fwd", "rev"))
