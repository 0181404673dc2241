"""functorch_lite.numpy: numpy's API over immutable, differentiable Arrays (like jax.numpy)."""
import numpy as _np

from .._src.array import Array as ndarray
from .._src.numpy.creation import (
    arange, array, empty, empty_like, eye, full, full_like, identity, linspace, ones,
    ones_like, zeros, zeros_like,
)
from .._src.numpy._convert import asarray
from .._src.numpy.indexing import take
from .._src.numpy.linalg_ops import dot, einsum, inner, matmul, outer, tensordot, trace, vdot
from .._src.numpy.math import (
    abs, absolute, add, all, amax, amin, any, arccos, arccosh, arcsin, arcsinh, arctan,
    arctan2, arctanh, argmax, argmin, bitwise_and, bitwise_not, bitwise_or, bitwise_xor, ceil,
    clip, cos, cosh, cumsum, divide, equal, exp, exp2, expm1, floor, floor_divide, greater,
    greater_equal, invert, isfinite, less, less_equal, log, log1p, log2, log10, logaddexp,
    logical_and, logical_not, logical_or, max, maximum, mean, min, minimum, mod, multiply,
    negative, not_equal, power, reciprocal, remainder, round, sign, sin, sinh, sqrt, square,
    std, subtract, sum, tan, tanh, true_divide, var, where,
)
from .._src.numpy.shape_ops import (
    atleast_1d, broadcast_arrays, broadcast_to, concatenate, expand_dims, flip, moveaxis,
    ndim, ravel, reshape, shape, size, squeeze, stack, swapaxes, transpose,
)

# dtypes, as in jax.numpy
float16, float32, float64 = _np.float16, _np.float32, _np.float64
int8, int16, int32, int64 = _np.int8, _np.int16, _np.int32, _np.int64
uint8, uint32 = _np.uint8, _np.uint32
bool_ = _np.bool_
complex64, complex128 = _np.complex64, _np.complex128
dtype = _np.dtype
pi, e, inf, nan = _np.pi, _np.e, _np.inf, _np.nan
newaxis = None

__all__ = [n for n in dir() if not n.startswith("_")]
