"""Table entries for the multi-operand ``sort`` primitive (registered into
test_primitives.CASES). Each example returns one of the sorted outputs.

Keys are either distinct floats (no ties: the sort is smooth there) or integers with many ties
(carried float operands are then still smooth, and ties check stability: the reference is
numpy's stable lexsort).
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from test_primitives import FLOATS, I32, NORMAL, Ex, case, distinct, fixed, real, shapes


@case("sort", FLOATS)
def _sort(draw):
    from functorch_lite._src.prims import sort as So

    shape = draw(shapes(min_dims=1, max_side=4))
    dim = draw(st.integers(0, len(shape) - 1))
    n_ops = draw(st.integers(1, 3))
    num_keys = draw(st.integers(1, n_ops))
    tied = draw(st.booleans())  # integer keys with ties
    stable = True if tied else draw(st.booleans())
    which = draw(st.integers(0, n_ops - 1))
    key_dom = fixed(I32, real(-1, 1)) if tied else distinct()
    doms = [key_dom] + [fixed(I32, real(-1, 1)) if tied and i < num_keys else NORMAL
                        for i in range(1, n_ops)]

    def make(rng, dt):
        return [np.asarray(d(rng, shape, dt)) for d in doms]

    def ref(*xs):
        keys = [np.broadcast_to(k, shape) for k in xs[:num_keys]]
        perm = np.lexsort(keys[::-1], axis=dim)
        return np.take_along_axis(xs[which], perm, axis=dim)

    return Ex(lambda *xs: So.sort(list(xs), dim, stable, num_keys)[which], ref, make,
              diff=not (tied and which < num_keys))
