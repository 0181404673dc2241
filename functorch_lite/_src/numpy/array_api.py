"""The Array API standard (2023.12) pieces of ``functorch_lite.numpy`` that numpy's names lack.

``functorch_lite.numpy`` is itself the standard's namespace (``x.__array_namespace__()``
returns it): the data type objects and functions (``isdtype``, ``finfo``, ``astype``,
``result_type``...), the inspection API (``__array_namespace_info__``), ``from_dlpack``, and a
few cheap jax.numpy names built on the same functions (dtype helpers, ``diff``, ``copy``...),
and (from ``extra_math.py``) ``angle``, ``gcd``, ``lcm``, ``i0``, ``spacing``, ``convolve``,
``correlate``.
Devices are the strings ``"cpu"`` and ``"gpu"`` (the values of ``Array.device``).
See docs/array_api.md.
"""
from __future__ import annotations

import builtins
from operator import index as operator_index
from typing import Any

import numpy as np

from .. import dtypes
from ..array import Array, check_device, on_device
from ..core import Tracer
from ..prims import elementwise as E
from . import math as _math
from ._convert import asarray
from .extra_math import angle, convolve, correlate, gcd, i0, lcm, spacing

__array_api_version__ = "2023.12"
_API_VERSIONS = ("2021.12", "2022.12", "2023.12")

# ---- data type objects ---------------------------------------------------------------------
# numpy's scalar types, as in functorch_lite.numpy's other dtype names: they compare equal to
# the dtypes of arrays (``x.dtype == float32``) and hash like them, as the standard asks.
bool = np.bool_  # noqa: A001  (the standard's name)
uint16, uint64 = np.uint16, np.uint64
single, double, csingle, cdouble = np.float32, np.float64, np.complex64, np.complex128
int_, uint, float_, complex_ = np.int64, np.uint64, np.float64, np.complex128
generic, number, inexact, floating = np.generic, np.number, np.inexact, np.floating
complexfloating, integer = np.complexfloating, np.integer
signedinteger, unsignedinteger = np.signedinteger, np.unsignedinteger
character, flexible, object_ = np.character, np.flexible, np.object_
ComplexWarning = np.exceptions.ComplexWarning
euler_gamma = float(np.euler_gamma)

# The dtypes the standard names, by kind (bool first, then ints, floats, complex).
_SPEC_DTYPES = {
    "bool": np.dtype(np.bool_),
    **{f"int{b}": np.dtype(f"int{b}") for b in (8, 16, 32, 64)},
    **{f"uint{b}": np.dtype(f"uint{b}") for b in (8, 16, 32, 64)},
    "float32": np.dtype(np.float32), "float64": np.dtype(np.float64),
    "complex64": np.dtype(np.complex64), "complex128": np.dtype(np.complex128),
}
# isdtype's kinds: the dtype kind characters each one covers.
_KINDS = {
    "bool": "b", "signed integer": "i", "unsigned integer": "u", "integral": "iu",
    "real floating": "f", "complex floating": "c", "numeric": "iufc",
}


def _to_dtype(x: Any, name: str) -> np.dtype:
    """A dtype from a dtype spec, an Array, a tracer or a numpy array (its dtype)."""
    if isinstance(x, (Array, Tracer, np.ndarray, np.generic)):
        return np.dtype(x.dtype)
    try:
        return dtypes.canonicalize(x)
    except TypeError:
        raise TypeError(
            f"{name}: expected a dtype or an array, got {x!r} of type {type(x).__name__}"
        ) from None


def isdtype(dtype: Any, kind: Any) -> builtins.bool:
    """Whether ``dtype`` is of ``kind``: a dtype, a kind name (``"bool"``, ``"signed integer"``,
    ``"unsigned integer"``, ``"integral"``, ``"real floating"``, ``"complex floating"``,
    ``"numeric"``) or a tuple of them.

    Example:
        >>> isdtype(float32, "real floating"), isdtype(int8, ("bool", "unsigned integer"))
        (True, False)
    """
    dt = _to_dtype(dtype, "isdtype")
    if isinstance(kind, tuple):
        return builtins.any(isdtype(dt, k) for k in kind)
    if isinstance(kind, str):
        chars = _KINDS.get(kind)
        if chars is None:
            raise ValueError(
                f"isdtype: unknown kind {kind!r}; use a dtype or one of {sorted(_KINDS)}"
            )
        return dt.kind in chars
    return dt == _to_dtype(kind, "isdtype")


def finfo(type: Any, /) -> np.finfo:  # noqa: A002  (the standard's name)
    """Machine limits of a floating dtype (or of an array's dtype): ``bits``, ``eps``, ``max``,
    ``min``, ``smallest_normal``, ``dtype``.

    Example:
        >>> float(finfo(float32).eps)
        1.1920928955078125e-07
    """
    dt = _to_dtype(type, "finfo")
    if dt.kind not in "fc":
        raise TypeError(f"finfo: needs a floating dtype, got {dt}; use iinfo for integers")
    return np.finfo(dt)


def iinfo(type: Any, /) -> np.iinfo:  # noqa: A002
    """Machine limits of an integer dtype (or of an array's dtype): ``bits``, ``max``, ``min``,
    ``dtype``.

    Example:
        >>> iinfo(int8).min
        -128
    """
    dt = _to_dtype(type, "iinfo")
    if dt.kind not in "iu":
        raise TypeError(f"iinfo: needs an integer dtype, got {dt}; use finfo for floats")
    return np.iinfo(dt)


def _weak_or_dtype(x: Any) -> Any:
    """result_type's operands: Python scalars (and the types int/float/complex) stay weak."""
    if dtypes.is_python_scalar(x) or isinstance(x, (Array, Tracer)):
        return x
    if isinstance(x, (np.ndarray, np.generic)):
        return np.empty((), x.dtype)
    if x is int or x is float or x is complex or x is builtins.bool:
        return x()  # the weak scalar of that kind: 0, 0.0, 0j, False
    return np.empty((), _to_dtype(x, "result_type"))


def result_type(*arrays_and_dtypes: Any) -> np.dtype:
    """The dtype that promoting the arguments gives (arrays, dtypes, Python scalars), by
    functorch_lite's table (docs/dtypes.md): Python scalars are weak.

    Example:
        >>> result_type(int8, uint8), result_type(float32, 1.0)
        (dtype('int16'), dtype('float32'))
    """
    if not arrays_and_dtypes:
        raise ValueError("result_type: pass at least one array or dtype")
    return dtypes.result_type(*[_weak_or_dtype(a) for a in arrays_and_dtypes])


def promote_types(a: Any, b: Any) -> np.dtype:
    """The dtype two dtypes promote to (functorch_lite's table, as jax.numpy's).

    Example:
        >>> promote_types(int32, float32)
        dtype('float32')
    """
    return dtypes.promote_types(_to_dtype(a, "promote_types"), _to_dtype(b, "promote_types"))


def can_cast(from_: Any, to: Any, /, casting: str = "safe") -> builtins.bool:
    """Whether ``from_`` (a dtype or an array) casts to ``to`` under ``casting`` (numpy's rule;
    ``"safe"`` by default: no loss of values).

    Example:
        >>> can_cast(int8, int16), can_cast(float64, float32)
        (True, False)
    """
    return builtins.bool(np.can_cast(_to_dtype(from_, "can_cast"), _to_dtype(to, "can_cast"),
                                     casting=casting))


def issubdtype(arg1: Any, arg2: Any) -> builtins.bool:
    """numpy's ``issubdtype``: whether ``arg1`` is ``arg2`` or below it in the type hierarchy
    (``arg2`` may be an abstract type such as ``floating``).

    Example:
        >>> issubdtype(float32, floating), issubdtype(int32, floating)
        (True, False)
    """
    if isinstance(arg1, (Array, Tracer)):
        arg1 = arg1.dtype
    return builtins.bool(np.issubdtype(arg1, arg2))


def astype(x: Any, dtype: Any, /, *, copy: builtins.bool = True, device: Any = None) -> Any:
    """``x`` converted to ``dtype`` (and placed on ``device``). Arrays are immutable, so
    ``copy`` changes nothing observable and is accepted for the standard's signature.

    Example:
        >>> astype(asarray([1.5, 2.5]), int32)
        Array([1, 2], dtype=int32)
    """
    return on_device(asarray(x, dtype=dtype), device)


def from_dlpack(x: Any, /, *, device: Any = None, copy: builtins.bool | None = None) -> Array:
    """An Array from any object that exports DLPack (``__dlpack__``: numpy, cupy, torch...).
    The data is copied unless ``copy=False`` (Arrays must not change behind the caller's back).

    Example:
        >>> from_dlpack(np.arange(3.0))
        Array([0., 1., 2.], dtype=float64)
    """
    if isinstance(x, Array):
        return on_device(x, device)
    if not hasattr(x, "__dlpack__"):
        raise TypeError(
            f"from_dlpack: {type(x).__name__} does not support DLPack (no __dlpack__ method)"
        )
    kind = x.__dlpack_device__()[0] if hasattr(x, "__dlpack_device__") else 1
    if kind == 1:  # kDLCPU
        value = np.from_dlpack(x)
    else:
        import cupy

        value = cupy.from_dlpack(x)
    out = Array(value if copy is False else value.copy())
    return on_device(out, device)


def bitwise_invert(x: Any, /) -> Any:
    """Bitwise NOT (logical NOT for bools): the standard's name for ``invert``.

    Example:
        >>> bitwise_invert(asarray([0, 1], dtype=int8))
        Array([-1, -2], dtype=int8)
    """
    return _math.invert(x)


def bitwise_count(x: Any, /) -> Any:
    """The number of 1 bits in each element's absolute value (numpy's ``bitwise_count``).

    Example:
        >>> bitwise_count(asarray([7, -3], dtype=int8))
        Array([3, 2], dtype=uint8)
    """
    x = asarray(x)
    if x.dtype.kind not in "iub":
        raise TypeError(f"bitwise_count: needs an integer or bool array, got {x.dtype}")
    if x.dtype.kind == "b":
        return astype(x, np.uint8)
    magnitude = _math.absolute(x) if x.dtype.kind == "i" else x
    # abs(int_min) wraps to int_min; as unsigned it is 2**(bits-1), whose count is 1 as wanted.
    unsigned = np.dtype(f"uint{x.dtype.itemsize * 8}")
    return astype(E.population_count(asarray(magnitude, unsigned)), np.uint8)


# ---- cheap jax.numpy names -------------------------------------------------------------------
def iscomplexobj(x: Any) -> builtins.bool:
    """Whether ``x`` has a complex dtype. Example: ``iscomplexobj(zeros(2))`` is False."""
    return _to_dtype(x, "iscomplexobj").kind == "c" if not dtypes.is_python_scalar(x) else (
        type(x) is complex)


def isrealobj(x: Any) -> builtins.bool:
    """Whether ``x`` has a non-complex dtype. Example: ``isrealobj(zeros(2))`` is True."""
    return not iscomplexobj(x)


def iscomplex(x: Any) -> Any:
    """Elementwise: a nonzero imaginary part. Example: ``iscomplex(ones(2))`` is all False."""
    x = asarray(x)
    if x.dtype.kind == "c":
        return _math.not_equal(_math.imag(x), 0)
    return _fill_bool(x, False)


def isreal(x: Any) -> Any:
    """Elementwise: a zero imaginary part. Example: ``isreal(ones(2))`` is all True."""
    x = asarray(x)
    if x.dtype.kind == "c":
        return _math.equal(_math.imag(x), 0)
    return _fill_bool(x, True)


def _fill_bool(x: Any, value: builtins.bool) -> Any:
    from .shape_ops import broadcast_to

    return broadcast_to(Array(np.asarray(value)), x.shape)


def isscalar(element: Any) -> builtins.bool:
    """True for Python/numpy scalars and 0-d arrays (as jax.numpy, unlike numpy).

    Example:
        >>> isscalar(1.0), isscalar(asarray(1.0)), isscalar(asarray([1.0]))
        (True, True, False)
    """
    if isinstance(element, (Array, Tracer, np.ndarray)):
        return element.ndim == 0
    return builtins.bool(np.isscalar(element))


def iterable(y: Any) -> builtins.bool:
    """Whether ``iter(y)`` works (0-d arrays are not iterable). Example: ``iterable([1])``."""
    try:
        iter(y)
    except TypeError:
        return False
    return True


def copy(a: Any, order: Any = None) -> Any:
    """A copy of ``a`` as an Array (Arrays are immutable, so this is ``asarray``'s result).

    Example:
        >>> copy([1.0, 2.0])
        Array([1., 2.], dtype=float32)
    """
    return asarray(a, copy=True)


def diff(a: Any, n: int = 1, axis: int = -1, prepend: Any = None, append: Any = None) -> Any:
    """The ``n``-th discrete difference along ``axis`` (``prepend``/``append`` are joined first).

    Example:
        >>> diff(asarray([1.0, 4.0, 9.0]))
        Array([3., 5.], dtype=float32)
    """
    from .shape_ops import _axis, broadcast_to, concatenate

    a = asarray(a)
    if a.ndim == 0:
        raise ValueError("diff: needs an array with at least one dimension, got a 0-d array")
    n = _int_arg(n, "diff", "n")
    if n < 0:
        raise ValueError(f"diff: order n must be non-negative, got {n}")
    ax = _axis(axis, a.ndim)
    parts = []
    for extra in (prepend, a, append):
        if extra is None:
            continue
        extra = asarray(extra)
        if extra.ndim == 0:
            shape = list(a.shape)
            shape[ax] = 1
            extra = broadcast_to(extra, tuple(shape))
        parts.append(extra)
    a = concatenate(parts, axis=ax) if len(parts) > 1 else a
    for _ in range(n):
        hi = _take_range(a, 1, a.shape[ax], ax)
        lo = _take_range(a, 0, a.shape[ax] - 1, ax)
        a = _math.not_equal(hi, lo) if a.dtype.kind == "b" else _math.subtract(hi, lo)
    return a


def _take_range(a: Any, start: int, stop: int, axis: int) -> Any:
    idx = [slice(None)] * a.ndim
    idx[axis] = slice(start, max(start, stop))
    return a[tuple(idx)]


def _int_arg(v: Any, fname: str, name: str) -> int:
    try:
        return operator_index(v)
    except TypeError:
        raise TypeError(f"{fname}: {name} must be an int, got {type(v).__name__}") from None


def ediff1d(ary: Any, to_end: Any = None, to_begin: Any = None) -> Any:
    """Differences of consecutive elements of the flattened array, with optional ends.

    Example:
        >>> ediff1d(asarray([1, 2, 4]), to_begin=asarray([0]))
        Array([0, 1, 2], dtype=int32)
    """
    from .shape_ops import concatenate, ravel

    flat = ravel(asarray(ary))
    out = _math.subtract(flat[1:], flat[:-1])
    parts = [ravel(asarray(e, out.dtype)) for e in (to_begin,) if e is not None]
    parts += [out] + [ravel(asarray(e, out.dtype)) for e in (to_end,) if e is not None]
    return concatenate(parts) if len(parts) > 1 else out


def rollaxis(a: Any, axis: int, start: int = 0) -> Any:
    """numpy's older ``moveaxis``: axis ``axis`` moves to just before ``start``.

    Example: ``rollaxis(ones((2, 3, 4)), 2).shape == (4, 2, 3)``.
    """
    from .shape_ops import _axis, moveaxis

    a = asarray(a)
    axis = _axis(axis, a.ndim)
    if not -a.ndim <= start <= a.ndim:
        raise ValueError(f"rollaxis: start={start} is out of range for {a.ndim} dimensions")
    start = start + a.ndim if start < 0 else start
    return moveaxis(a, axis, start - 1 if axis < start else start)


def resize(a: Any, new_shape: Any) -> Any:
    """``a``'s elements, flattened and repeated cyclically, in ``new_shape``.

    Example:
        >>> resize(asarray([1, 2, 3]), (2, 2))
        Array([[1, 2],
               [3, 1]], dtype=int32)
    """
    from .shape_ops import _int_tuple, ravel, reshape, tile

    shape = (new_shape,) if isinstance(new_shape, int) else _int_tuple(new_shape)
    flat = ravel(asarray(a))
    total = int(np.prod(shape))
    if flat.size == 0:
        raise ValueError("resize: the input array is empty; there is nothing to repeat")
    reps = -(-total // flat.size)
    return reshape(tile(flat, (reps,))[:total], shape)


def trapezoid(y: Any, x: Any = None, dx: Any = 1.0, axis: int = -1) -> Any:
    """The integral of ``y`` along ``axis`` by the trapezoidal rule (samples at ``x``, or
    spaced ``dx`` apart).

    Example:
        >>> trapezoid(asarray([1.0, 2.0, 3.0]))
        Array(4., dtype=float32)
    """
    from .reductions import sum as _sum
    from .shape_ops import _axis, moveaxis

    y = asarray(y)
    ax = _axis(axis, y.ndim)
    y = moveaxis(y, ax, -1)
    mid = _math.multiply(_math.add(y[..., 1:], y[..., :-1]), 0.5)
    if x is None:
        return _math.multiply(_sum(mid, axis=-1), dx)
    x = asarray(x)
    dxs = diff(x) if x.ndim == 1 else moveaxis(diff(x, axis=ax), ax, -1)
    return _sum(_math.multiply(mid, dxs), axis=-1)


def matvec(x1: Any, x2: Any, /) -> Any:
    """Matrix-vector products over the last axes, batched: ``(..., m, n) @ (..., n)``.

    Example: ``matvec(eye(2), asarray([1.0, 2.0]))`` is ``[1., 2.]``.
    """
    from .linalg_ops import matmul

    return matmul(x1, asarray(x2)[..., None])[..., 0]


def vecmat(x1: Any, x2: Any, /) -> Any:
    """Vector-matrix products over the last axes, batched: ``(..., m) @ (..., m, n)``
    (the vector is conjugated, as in numpy).

    Example: ``vecmat(asarray([1.0, 2.0]), eye(2))`` is ``[1., 2.]``.
    """
    from .linalg_ops import matmul

    x1 = asarray(x1)
    if x1.dtype.kind == "c":
        x1 = _math.conjugate(x1)
    return matmul(x1[..., None, :], x2)[..., 0, :]


def array_str(a: Any, max_line_width: Any = None, precision: Any = None,
              suppress_small: Any = None) -> str:
    """numpy's ``array_str`` of the array's values. Example: ``array_str(ones(2))``."""
    return np.array_str(np.asarray(a), max_line_width, precision, suppress_small)


def array_repr(arr: Any, max_line_width: Any = None, precision: Any = None,
               suppress_small: Any = None) -> str:
    """The repr of an Array (numpy's formatting options apply). Example: ``array_repr(x)``."""
    return repr(asarray(arr))


printoptions = np.printoptions
get_printoptions = np.get_printoptions
set_printoptions = np.set_printoptions
index_exp = np.index_exp
s_ = np.s_


def save(file: Any, arr: Any, allow_pickle: builtins.bool = True) -> None:
    """Save an array to a ``.npy`` file (numpy's format). Example: ``save("x.npy", x)``."""
    np.save(file, np.asarray(arr), allow_pickle=allow_pickle)


def savez(file: Any, *args: Any, **kwds: Any) -> None:
    """Save arrays to an uncompressed ``.npz`` file. Example: ``savez("a.npz", x=x, y=y)``."""
    np.savez(file, *[np.asarray(a) for a in args], **{k: np.asarray(v) for k, v in kwds.items()})


def load(file: Any, *args: Any, **kwargs: Any) -> Any:
    """Load a ``.npy`` file as an Array (an ``.npz`` file loads as numpy's mapping).

    Example: ``load("x.npy")``.
    """
    out = np.load(file, *args, **kwargs)
    return asarray(out) if isinstance(out, np.ndarray) and out.dtype.kind in "biufc" else out


def frombuffer(buffer: Any, dtype: Any = float, count: int = -1, offset: int = 0) -> Array:
    """An Array of the data in a bytes-like object (copied). Example:
    ``frombuffer(b"\\x01\\x02", dtype=uint8)`` is ``[1, 2]``."""
    dt = dtypes.canonicalize(dtype)
    return Array(np.frombuffer(buffer, dt, count, offset).copy())


def fromstring(string: str, dtype: Any = float, count: int = -1, *, sep: str) -> Array:
    """An Array of the numbers in a text string split at ``sep``.

    Example: ``fromstring("1 2", dtype=int32, sep=" ")`` is ``[1, 2]``.
    """
    return Array(np.fromstring(string, dtypes.canonicalize(dtype), count, sep=sep))


class _GridHelper:
    """``mgrid``/``ogrid``: numpy's dense/open grids from slices, with the default dtypes."""

    def __init__(self, grid: Any, name: str):
        self._grid = grid
        self._name = name

    def __getitem__(self, key: Any) -> Any:
        out = self._grid[key]
        if isinstance(out, (tuple, list)):
            return [self._convert(g) for g in out]
        return self._convert(out)

    @staticmethod
    def _convert(g: np.ndarray) -> Array:
        rank = dtypes.kind_rank(g.dtype)
        return Array(g.astype(dtypes.default_dtype_for_rank(rank)))

    def __repr__(self) -> str:
        return f"functorch_lite.numpy.{self._name}"


mgrid = _GridHelper(np.mgrid, "mgrid")
ogrid = _GridHelper(np.ogrid, "ogrid")


def _window(np_fn: Any, name: str) -> Any:
    def window(M: int) -> Array:
        return Array(np_fn(_int_arg(M, name, "M")).astype(dtypes.default_float))

    window.__name__ = name
    window.__doc__ = (f"numpy's {name} window of ``M`` points (default float dtype).\n\n"
                      f"Example: ``{name}(5).shape == (5,)``.")
    return window


bartlett = _window(np.bartlett, "bartlett")
blackman = _window(np.blackman, "blackman")
hamming = _window(np.hamming, "hamming")
hanning = _window(np.hanning, "hanning")


def kaiser(M: int, beta: float) -> Array:
    """The Kaiser window of ``M`` points with shape parameter ``beta`` (a concrete number).

    Example: ``kaiser(5, 14.0).shape == (5,)``.
    """
    return Array(np.kaiser(_int_arg(M, "kaiser", "M"), float(beta)).astype(dtypes.default_float))


def vander(x: Any, N: int | None = None, increasing: builtins.bool = False) -> Any:
    """The Vandermonde matrix of a 1-d ``x``: columns are powers of ``x`` (decreasing unless
    ``increasing``). Example: ``vander(asarray([2.0]), 3)`` is ``[[4., 2., 1.]]``."""
    x = asarray(x)
    if x.ndim != 1:
        raise ValueError(f"vander: x must be one-dimensional, got shape {x.shape}")
    n = x.shape[0] if N is None else _int_arg(N, "vander", "N")
    powers = np.arange(n) if increasing else np.arange(n)[::-1]
    return _math.power(x[:, None], asarray(powers.astype(np.int32)))


def polyval(p: Any, x: Any) -> Any:
    """The polynomial with coefficients ``p`` (highest power first) at ``x`` (Horner's rule).

    Example:
        >>> polyval(asarray([1.0, 0.0, -1.0]), 3.0)
        Array(8., dtype=float32)
    """
    p = asarray(p)
    if p.ndim != 1:
        raise ValueError(f"polyval: p must be one-dimensional, got shape {p.shape}")
    y = _math.multiply(_math.multiply(x, 0), p[0]) if p.shape[0] else asarray(0.0)
    for i in range(p.shape[0]):
        y = _math.add(_math.multiply(y, x), p[i])
    return y


def polyder(p: Any, m: int = 1) -> Any:
    """The coefficients of the ``m``-th derivative of the polynomial ``p``.

    Example: ``polyder(asarray([1.0, 1.0, 1.0]))`` is ``[2., 1.]``.
    """
    p = asarray(p)
    for _ in range(_int_arg(m, "polyder", "m")):
        n = p.shape[0] - 1
        p = _math.multiply(p[:-1], asarray(np.arange(n, 0, -1).astype(np.int32)))
    return p


def polyint(p: Any, m: int = 1, k: Any = None) -> Any:
    """The coefficients of the ``m``-th antiderivative of ``p`` (integration constants ``k``,
    zero by default). Example: ``polyint(asarray([3.0, 2.0]))`` is ``[1.5, 2., 0.]``."""
    from .shape_ops import concatenate

    p = asarray(p)
    if p.dtype.kind not in "fc":
        p = asarray(p, dtypes.default_float)
    m = _int_arg(m, "polyint", "m")
    ks = np.zeros(m) if k is None else np.broadcast_to(np.asarray(k, dtype=float), (m,))
    for i in range(m):
        n = p.shape[0]
        scaled = _math.divide(p, asarray(np.arange(n, 0, -1).astype(p.dtype)))
        p = concatenate([scaled, asarray([ks[i]], p.dtype)])
    return p


def _poly_pad(p: Any, n: int) -> Any:
    from .padding import pad

    return pad(p, (n - p.shape[0], 0))


def polyadd(a1: Any, a2: Any) -> Any:
    """The sum of two polynomials (coefficients, highest power first).

    Example: ``polyadd(asarray([1.0, 2.0]), asarray([1.0]))`` is ``[1., 3.]``.
    """
    a1, a2 = asarray(a1), asarray(a2)
    n = builtins.max(a1.shape[0], a2.shape[0])
    return _math.add(_poly_pad(a1, n), _poly_pad(a2, n))


def polysub(a1: Any, a2: Any) -> Any:
    """The difference of two polynomials. Example: ``polysub(asarray([1.0, 2.0]), asarray([1.0]))``
    is ``[1., 1.]``."""
    a1, a2 = asarray(a1), asarray(a2)
    n = builtins.max(a1.shape[0], a2.shape[0])
    return _math.subtract(_poly_pad(a1, n), _poly_pad(a2, n))


def polymul(a1: Any, a2: Any) -> Any:
    """The product of two polynomials (the full convolution of their coefficients).

    Example: ``polymul(asarray([1.0, 1.0]), asarray([1.0, -1.0]))`` is ``[1., 0., -1.]``.
    """
    from .padding import pad

    a1, a2 = asarray(a1), asarray(a2)
    n1, n2 = a1.shape[0], a2.shape[0]
    if n1 == 0 or n2 == 0:
        raise ValueError("polymul: the coefficient arrays must not be empty")
    out = None
    for i in range(n1):  # row i of the convolution, shifted i places
        term = pad(_math.multiply(a1[i], a2), (i, n1 - 1 - i))
        out = term if out is None else _math.add(out, term)
    return out


# ---- the inspection API ----------------------------------------------------------------------
class __array_namespace_info__:  # noqa: N801  (the standard's name)
    """The standard's inspection API: what this namespace supports.

    Example:
        >>> info = __array_namespace_info__()
        >>> info.default_device(), info.default_dtypes()["real floating"]
        ('cpu', dtype('float32'))
    """

    def capabilities(self) -> dict[str, Any]:
        """Optional features. Boolean masks and data-dependent shapes work eagerly but not under
        jit or vmap (pass ``size=`` there), so, as jax.numpy, both are reported False."""
        return {"boolean indexing": False, "data-dependent shapes": False,
                "max dimensions": 64}

    def default_device(self) -> str:
        """Where arrays are created when no device is given: ``"cpu"``."""
        return "cpu"

    def default_dtypes(self, *, device: Any = None) -> dict[str, np.dtype]:
        """The default dtypes (float64/int64 with ``jax_enable_x64``, else float32/int32)."""
        check_device(device)
        return {"real floating": dtypes.default_float, "complex floating": dtypes.default_complex,
                "integral": dtypes.default_int, "indexing": dtypes.default_int}

    def dtypes(self, *, device: Any = None, kind: Any = None) -> dict[str, np.dtype]:
        """The supported dtypes of the standard, by name, optionally of a ``kind``."""
        check_device(device)
        if kind is None:
            return dict(_SPEC_DTYPES)
        return {name: dt for name, dt in _SPEC_DTYPES.items() if isdtype(dt, kind)}

    def devices(self) -> list[str]:
        """The devices arrays can live on: ``"cpu"``, plus ``"gpu"`` when cupy sees one."""
        from ..backends import cupy_or_none

        return ["cpu"] + (["gpu"] if cupy_or_none() is not None else [])


__all__ = [
    "array_repr", "array_str", "bartlett", "blackman", "copy", "diff", "ediff1d", "frombuffer",
    "fromstring", "get_printoptions", "hamming", "hanning", "index_exp", "iscomplex",
    "iscomplexobj", "isreal", "isrealobj", "isscalar", "iterable", "kaiser", "load", "matvec",
    "mgrid", "ogrid", "polyadd", "polyder", "polyint", "polymul", "polysub", "polyval",
    "printoptions", "resize", "rollaxis", "s_", "save", "savez", "set_printoptions",
    "trapezoid", "vander", "vecmat",
    "ComplexWarning", "__array_api_version__", "__array_namespace_info__", "astype",
    "bitwise_count", "bitwise_invert", "bool", "can_cast", "cdouble", "character",
    "complex_", "complexfloating", "csingle", "double", "euler_gamma", "finfo", "flexible",
    "float_", "floating", "from_dlpack", "generic", "iinfo", "inexact", "int_", "integer",
    "isdtype", "issubdtype", "number", "object_", "promote_types", "result_type",
    "signedinteger", "single", "uint", "uint16", "uint64", "unsignedinteger",
    "angle", "convolve", "correlate", "gcd", "i0", "lcm", "spacing",
]
