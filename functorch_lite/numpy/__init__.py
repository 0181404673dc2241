"""functorch_lite.numpy: numpy's API over immutable, differentiable Arrays (like jax.numpy).

Each family of functions lives in one module under ``functorch_lite/_src/numpy/`` and lists its
public names in ``__all__``; this module re-exports them all.
"""
import numpy as _np

from .._src.array import Array as ndarray  # noqa: F401  (in __all__ below)
from .._src.numpy import array_api as _array_api
from .._src.numpy import creation as _creation
from .._src.numpy import indexing as _indexing
from .._src.numpy import linalg_ops as _linalg_ops
from .._src.numpy import math as _math
from .._src.numpy import reductions as _reductions
from .._src.numpy import shape_ops as _shape_ops
from .._src.numpy import sorting as _sorting
from .._src.numpy import unsupported as _unsupported
from .._src.numpy._convert import asarray  # noqa: F401  (in __all__ below)
from .._src.numpy.array_api import *  # noqa: F403
from .._src.numpy.array_api import __array_api_version__, __array_namespace_info__  # noqa: F401
from .._src.numpy.creation import *  # noqa: F403
from .._src.numpy.indexing import *  # noqa: F403
from .._src.numpy.linalg_ops import *  # noqa: F403
from .._src.numpy.math import *  # noqa: F403
from .._src.numpy.reductions import *  # noqa: F403
from .._src.numpy.shape_ops import *  # noqa: F403
from .._src.numpy.sorting import *  # noqa: F403
from .._src.numpy.unsupported import *  # noqa: F403
from . import linalg  # noqa: F401  (in __all__ below)

# dtypes, as in jax.numpy
float16, float32, float64 = _np.float16, _np.float32, _np.float64
int8, int16, int32, int64 = _np.int8, _np.int16, _np.int32, _np.int64
uint8, uint32 = _np.uint8, _np.uint32
bool_ = _np.bool_
complex64, complex128 = _np.complex64, _np.complex128
dtype = _np.dtype
pi, e, inf, nan = _np.pi, _np.e, _np.inf, _np.nan
newaxis = None

_FAMILIES = (_array_api, _creation, _indexing, _linalg_ops, _math, _reductions, _shape_ops,
             _sorting, _unsupported)

__all__ = sorted(
    [name for family in _FAMILIES for name in family.__all__]
    + [
        "asarray", "bool_", "linalg", "complex128", "complex64", "dtype", "e", "float16", "float32",
        "float64", "inf", "int16", "int32", "int64", "int8", "nan", "ndarray", "newaxis", "pi",
        "uint32", "uint8",
    ]
)
