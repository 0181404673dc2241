"""Primitive-table entries for the special-function and bit-level elementwise primitives (erf,
lgamma, digamma, polygamma, exp2, cbrt, fmod, copysign, nextafter, shifts, population_count).

References come from the ``math`` module or from independent series written here, never from
the kernels under test (numpy has no erf or gamma functions).
"""
from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st
from test_primitives import (
    FLOATS,
    I32,
    NORMAL,
    NUMERIC,
    Ex,
    apart,
    case,
    elementwise,
    maker,
    real,
    steps,
)
from test_primitives import shapes as table_shapes

from functorch_lite._src.prims import elementwise as E


def _vectorized(fn):
    """A float64 reference from a scalar function, cast back to the input's dtype."""

    def ref(x):
        out = np.vectorize(fn, otypes=[np.float64])(np.asarray(x, np.float64))
        return out.astype(x.dtype)

    return ref


def erf_inv_ref(y: float) -> float:
    lo, hi = -7.0, 7.0  # bisection on math.erf
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if math.erf(mid) < y else (lo, mid)
    return 0.5 * (lo + hi)


def hurwitz_ref(s: int, x: float) -> float:
    """zeta(s, x) = sum_k (x + k)^-s: 200 direct terms, then an integral tail with 3 corrections
    (a different cut-off and a different number of terms from the kernel's)."""
    direct = math.fsum((x + k) ** -s for k in range(200))
    y = x + 200
    return direct + y ** (1 - s) / (s - 1) + 0.5 * y ** -s + s / 12 * y ** (-s - 1) - (
        s * (s + 1) * (s + 2) / 720 * y ** (-s - 3))


def polygamma_ref(n: int, x: float) -> float:
    return (-1) ** (n + 1) * math.factorial(n) * hurwitz_ref(n + 1, x)


def digamma_ref(x: float) -> float:
    # psi(x) = psi(x + 200) - sum 1/(x + k); the asymptotic series at x + 200 needs 3 terms.
    y = x + 200
    shifted = math.log(y) - 0.5 / y - 1 / (12 * y * y) + 1 / (120 * y ** 4)
    return shifted - math.fsum(1 / (x + k) for k in range(200))


U = (NORMAL,)
for _name, _fn, _ref, _dom, _dts, _diff in [
    ("exp2", E.exp2, np.exp2, U, FLOATS, True),
    ("cbrt", E.cbrt, np.cbrt, (apart(0.2, 2.0),), FLOATS, True),
    ("erf", E.erf, _vectorized(math.erf), U, FLOATS, True),
    ("erfc", E.erfc, _vectorized(math.erfc), U, FLOATS, True),
    ("erf_inv", E.erf_inv, _vectorized(erf_inv_ref), (real(-0.9, 0.9),), FLOATS, True),
    # away from lgamma's zeros (1, 2) and digamma's (1.46...): relative checks stay meaningful
    ("lgamma", E.lgamma, _vectorized(math.lgamma), (real(2.5, 6.0),), FLOATS, True),
    ("digamma", E.digamma, _vectorized(digamma_ref), (real(2.0, 6.0),), FLOATS, True),
    # x/y stays at least 0.19 away from an integer: fmod is smooth there.
    ("fmod", E.fmod, np.fmod, (steps, apart(0.95, 1.05)), NUMERIC, True),
    ("copysign", E.copysign, np.copysign, (apart(0.2, 2.0), apart(0.2, 2.0)), FLOATS, True),
    ("nextafter", E.nextafter, np.nextafter, (NORMAL, NORMAL), FLOATS, False),
    ("shift_left", E.shift_left, np.left_shift, (real(-50, 50), real(0, 5)), (I32,), False),
    ("shift_right_arithmetic", E.shift_right_arithmetic, np.right_shift,
     (real(-50, 50), real(0, 5)), (I32,), False),
    ("shift_right_logical", E.shift_right_logical,
     lambda x, y: (np.asarray(x).astype(np.uint32) >> np.asarray(y).astype(np.uint32)).astype(
         np.int32), (real(-50, 50), real(0, 5)), (I32,), False),
    ("population_count", E.population_count,
     lambda x: np.vectorize(lambda v: bin(int(v) & 0xFFFFFFFF).count("1"))(x).astype(x.dtype),
     (real(-50, 50),), (I32,), False),
]:
    elementwise(_name, _fn, _ref, _dom, _dts, _diff)


@case("polygamma", FLOATS)
def _polygamma(draw):
    shape = draw(table_shapes())
    n = draw(st.integers(1, 3))
    return Ex(lambda x: E.polygamma(n, x), _vectorized(lambda v: polygamma_ref(n, v)),
              maker((shape, real(0.5, 4.0))))
