"""Table entries for reduce_prod and cumprod (registered into test_primitives.CASES).

Their values are drawn with exact zeros now and then: the products are polynomials, so they are
smooth there, and the derivative rules must give the product of the other elements without
dividing by zero, to second order.
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from test_primitives import NUMERIC, Ex, case, maker, shapes, subset


def with_zeros(rng, shape, dt):
    """Uniform on [-1.5, 1.5] (small nonzero ints for int dtypes), about a third exact zeros."""
    if dt.kind in "iu":
        x = rng.integers(1, 3, shape) * rng.choice([-1, 1], shape)
    else:
        x = rng.uniform(-1.5, 1.5, shape)
    return np.where(rng.random(shape) < 0.3, 0, x).astype(dt)


@case("reduce_prod", NUMERIC, tol=4.0)
def _reduce_prod(draw):
    from functorch_lite._src.prims import reduce as R

    shape = draw(shapes())
    axes = subset(draw, len(shape))
    return Ex(lambda x: R.reduce_prod(x, axes), lambda x: np.prod(x, axis=axes, dtype=x.dtype),
              maker((shape, with_zeros)))


@case("cumprod", NUMERIC, tol=4.0)
def _cumprod(draw):
    from functorch_lite._src.prims import reduce as R

    shape = draw(shapes(min_dims=1, max_side=5))
    axis = draw(st.integers(0, len(shape) - 1))
    reverse = draw(st.booleans())

    def ref(x):
        if reverse:
            return np.flip(np.cumprod(np.flip(x, axis), axis=axis, dtype=x.dtype), axis)
        return np.cumprod(x, axis=axis, dtype=x.dtype)

    return Ex(lambda x: R.cumprod(x, axis, reverse), ref, maker((shape, with_zeros)))
