"""Primitive-table entries for dynamic_slice / dynamic_update_slice and the control-flow
primitives (scan, while, cond), each bound through its lax function (imported by
test_primitives.py)."""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from test_primitives import FLOATS, I32, NORMAL, Ex, case, fixed, maker, real, shapes

from functorch_lite import lax
from functorch_lite._src.prims import elementwise as E
from functorch_lite._src.prims import reduce as R

# ---- dynamic slicing --------------------------------------------------------------------------


def _clamp(starts, shape, sizes):
    # as JAX: a negative start counts from the end of its axis, then every start is clamped
    return [min(max(int(s) + (d if s < 0 else 0), 0), d - n)
            for s, d, n in zip(starts, shape, sizes)]


def _starts(shape):
    # start indices drawn from [-dim - 2, dim + 1]: negative ones count from the end, and
    # out-of-range ones exercise the clamping
    return maker(*[((), fixed(I32, real(-d - 2, d + 1))) for d in shape])


@case("dynamic_slice")
def _dynamic_slice(draw):
    shape = draw(shapes(min_dims=1))
    sizes = tuple(draw(st.integers(0, d)) for d in shape)
    make_starts = _starts(shape)

    def ref(x, *starts):
        b = _clamp(starts, x.shape, sizes)
        return x[tuple(slice(s, s + n) for s, n in zip(b, sizes))]

    return Ex(lambda x, *starts: lax.dynamic_slice(x, starts, sizes), ref,
              lambda rng, dt: maker((shape, NORMAL))(rng, dt) + make_starts(rng, dt))


@case("dynamic_update_slice")
def _dynamic_update_slice(draw):
    shape = draw(shapes(min_dims=1))
    up_shape = tuple(draw(st.integers(0, d)) for d in shape)
    make_starts = _starts(shape)

    def ref(x, u, *starts):
        b = _clamp(starts, x.shape, u.shape)
        out = x.copy()
        out[tuple(slice(s, s + n) for s, n in zip(b, u.shape))] = u
        return out

    return Ex(lambda x, u, *starts: lax.dynamic_update_slice(x, u, starts), ref,
              lambda rng, dt: maker((shape, NORMAL), (up_shape, NORMAL))(rng, dt)
              + make_starts(rng, dt))


# ---- control flow (functions of the loop body chosen so the reference is a plain loop) -------


def _body_step(c, x):
    return c * 0.5 + x * x, c * x


@case("scan", FLOATS, tol=4.0)
def _scan(draw):
    shape = draw(shapes(max_dims=2))
    length = draw(st.integers(0, 4))
    reverse = draw(st.booleans())

    def fn(init, xs):
        c, ys = lax.scan(lambda c, x: (E.add(E.mul(c, 0.5), E.mul(x, x)), E.mul(c, x)),
                         init, xs, reverse=reverse)
        return E.add(ys, c)  # (broadcasts the final carry over the stacked ys)

    def ref(init, xs):
        c, ys = init, [None] * length
        for i in (reversed(range(length)) if reverse else range(length)):
            c, ys[i] = _body_step(c, xs[i])
        ys = np.stack(ys) if length else np.zeros((0,) + shape, init.dtype)
        return (ys + c).astype(init.dtype)

    return Ex(fn, ref, maker((shape, NORMAL), ((length,) + shape, NORMAL)))


@case("while", FLOATS, tol=4.0)
def _while(draw):
    shape = draw(shapes(max_dims=2))
    trips = draw(st.integers(0, 3))

    def fn(x, y):
        def body(c):
            i, v = c
            return E.add(i, np.int32(1)), E.add(E.mul(E.sin(v), y), v)

        return lax.while_loop(lambda c: E.lt(c[0], np.int32(trips)), body, (np.int32(0), x))[1]

    def ref(x, y):
        for _ in range(trips):
            x = np.sin(x) * y + x
        return x

    return Ex(fn, ref, maker((shape, NORMAL), (shape, NORMAL)))


@case("cond", FLOATS)
def _cond(draw):
    shape = draw(shapes(max_dims=2))
    n = draw(st.integers(1, 3))
    fns = [lambda x, y: E.mul(x, y), lambda x, y: E.sin(E.add(x, y)),
           lambda x, y: E.sub(E.mul(x, x), y)][:n]
    refs = [lambda x, y: x * y, lambda x, y: np.sin(x + y), lambda x, y: x * x - y][:n]

    def fn(i, x, y):
        # (a reduction first, so the predicate is not a constant: the primitive is bound)
        return lax.switch(E.add(i, R.reduce_sum(E.mul(x, 0.0), tuple(range(len(shape))))
                                .astype(np.int32)), fns, x, y)

    def ref(i, x, y):
        return refs[min(max(int(i), 0), n - 1)](x, y).astype(x.dtype)

    return Ex(fn, ref, lambda rng, dt: [np.asarray(fixed(I32, real(-1, n))(rng, (), dt))]
              + maker((shape, NORMAL), (shape, NORMAL))(rng, dt))
