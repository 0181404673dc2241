"""Primitive-table entry for the fused ``log_softmax`` (imported by test_primitives.py)."""
from __future__ import annotations

import numpy as np
from test_primitives import NORMAL, Ex, case, maker, shapes, subset

from functorch_lite._src.prims import softmax as SM


def _ref(x, axes):
    x64 = x.astype(np.float64)
    m = x64.max(axis=axes, keepdims=True)
    z = x64 - m
    return (z - np.log(np.exp(z).sum(axis=axes, keepdims=True))).astype(x.dtype)


@case("log_softmax")
def _log_softmax(draw):
    shape = draw(shapes(min_dims=1))
    axes = subset(draw, len(shape))
    return Ex(lambda x: SM.log_softmax(x, axes), lambda x: _ref(x, axes), maker((shape, NORMAL)))
