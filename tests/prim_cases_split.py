"""Primitive-table entry for ``split`` (concatenate's inverse), bound through lax.split
(imported by test_primitives.py)."""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from test_primitives import NORMAL, NUMERIC, Ex, case, maker, shapes

from functorch_lite import lax


@case("split", NUMERIC)
def _split(draw):
    shape = draw(shapes(min_dims=1, max_side=4))
    axis = draw(st.integers(0, len(shape) - 1))
    n = shape[axis]
    cuts = sorted(draw(st.lists(st.integers(0, n), max_size=3)))
    sizes = [b - a for a, b in zip([0] + cuts, cuts + [n])]
    which = draw(st.integers(0, len(sizes) - 1))
    return Ex(lambda x: lax.split(x, sizes, axis)[which],
              lambda x: np.split(x, np.cumsum(sizes)[:-1], axis=axis)[which],
              maker((shape, NORMAL)))
