"""Array creation: array, zeros/ones/full/empty (and *_like), arange, linspace, logspace,
geomspace, eye, identity, tri, tril/triu, diag, diagonal, diagflat, meshgrid, indices, the
tril/triu/diag index helpers, ix_ and fromfunction.

Constants (zeros, eye, index arrays) are plain Arrays built with numpy. Functions of arrays
(tril/triu, diag, diagonal, linspace of array endpoints...) compose primitives, so they are
differentiable, batchable and jittable like any other numpy-layer function.
"""
from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import dtypes
from ..array import Array, on_device
from ..core import concrete_or_none
from ..prims import elementwise as E
from ..prims import shape as S
from ._convert import asarray, promote_inexact


def _shape(shape: Any) -> tuple[int, ...]:
    # operator.index gives traced sizes a TracerIntegerConversionError that says what to do.
    if isinstance(shape, (int, np.integer)) or getattr(shape, "ndim", None) == 0:
        out = (operator.index(shape),)
    else:
        out = tuple(operator.index(s) for s in shape)
    if any(s < 0 for s in out):
        raise ValueError(f"negative dimensions are not allowed: shape {out}")
    return out


def _dt(dtype: Any, default: np.dtype) -> np.dtype:
    return default if dtype is None else dtypes.canonicalize(dtype)


def _int(x: Any, name: str) -> int:
    try:
        return operator.index(x)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {x!r}") from None


# ---- filled arrays -------------------------------------------------------------------------------


def array(object: Any, dtype: Any = None, copy: bool = True, order: str | None = "K",
          ndmin: int = 0) -> Any:
    """Create an Array from a number, nested list, numpy array or Array; ``ndmin`` adds leading
    axes of size 1. (Arrays are immutable, so ``copy`` never changes the result's behaviour.)

    Example:
        >>> array([[1., 2.], [3., 4.]]).shape
        (2, 2)
    """
    if order not in (None, "K", "A", "C", "F"):
        raise ValueError(f"array: order must be one of 'C', 'F', 'A', 'K' or None, got "
                         f"{order!r}")
    # order is numpy's memory layout: an immutable Array's values are the same in any of them
    out = asarray(object, dtype=dtype, copy=copy)
    if out.ndim < ndmin:
        out = S.reshape(out, (1,) * (ndmin - out.ndim) + tuple(out.shape))
    return out


def zeros(shape: Any, dtype: Any = None, *, device: Any = None) -> Array:
    """An array of zeros. Example: ``zeros((2, 3))`` is a float32 (2, 3) array of 0."""
    return on_device(Array(np.zeros(_shape(shape), _dt(dtype, dtypes.default_float))), device)


def ones(shape: Any, dtype: Any = None, *, device: Any = None) -> Array:
    """An array of ones. Example: ``ones(3, dtype=int)`` is ``Array([1, 1, 1], dtype=int32)``."""
    return on_device(Array(np.ones(_shape(shape), _dt(dtype, dtypes.default_float))), device)


def full(shape: Any, fill_value: Any, dtype: Any = None, *, device: Any = None) -> Any:
    """An array filled with ``fill_value`` (a scalar, or an array broadcast to ``shape``).

    Example: ``full((2,), 7.0)`` is ``Array([7., 7.], dtype=float32)``.
    """
    from .shape_ops import broadcast_to

    if dtype is None and dtypes.is_python_scalar(fill_value):
        dtype = dtypes.python_scalar_dtype(fill_value)
    return on_device(broadcast_to(asarray(fill_value, dtype), _shape(shape)), device)


def empty(shape: Any, dtype: Any = None, *, device: Any = None) -> Array:
    """Like ``zeros`` (Arrays are immutable, so uninitialised memory is never useful).

    Example: ``empty(3).shape == (3,)``.
    """
    return zeros(shape, dtype, device=device)


def _like_device(a: Any, device: Any) -> Any:
    """The device of a ``*_like`` result: the given one, else that of ``a`` (the standard)."""
    return device if device is not None else getattr(a, "device", None)


def _like_shape_dtype(a: Any, dtype: Any, shape: Any) -> tuple[tuple, np.dtype]:
    a = asarray(a)
    return (a.shape if shape is None else _shape(shape),
            a.dtype if dtype is None else dtypes.canonicalize(dtype))


def zeros_like(a: Any, dtype: Any = None, shape: Any = None, *, device: Any = None) -> Array:
    """Zeros with the shape and dtype of ``a``. Example: ``zeros_like(x)``."""
    s, d = _like_shape_dtype(a, dtype, shape)
    return on_device(Array(np.zeros(s, d)), _like_device(a, device))


def ones_like(a: Any, dtype: Any = None, shape: Any = None, *, device: Any = None) -> Array:
    """Ones with the shape and dtype of ``a``. Example: ``ones_like(x)``."""
    s, d = _like_shape_dtype(a, dtype, shape)
    return on_device(Array(np.ones(s, d)), _like_device(a, device))


def full_like(a: Any, fill_value: Any, dtype: Any = None, shape: Any = None, *,
              device: Any = None) -> Any:
    """``fill_value`` with the shape and dtype of ``a``. Example: ``full_like(x, 2.0)``."""
    s, d = _like_shape_dtype(a, dtype, shape)
    return full(s, fill_value, d, device=_like_device(a, device))


def empty_like(a: Any, dtype: Any = None, shape: Any = None, *, device: Any = None) -> Array:
    """Like ``zeros_like``. Example: ``empty_like(x).shape == x.shape``."""
    return zeros_like(a, dtype, shape, device=device)


# ---- ranges --------------------------------------------------------------------------------------


def arange(start: Any, stop: Any = None, step: Any = None, dtype: Any = None, *,
           device: Any = None) -> Array:
    """Evenly spaced values in ``[start, stop)``; int32 for int arguments, as in JAX.

    Example:
        >>> arange(3)
        Array([0, 1, 2], dtype=int32)
    """
    if stop is None and step is not None:
        start, stop = 0, start  # arange(n, step=s) counts from 0, as in numpy
    args = [a for a in (start, stop, step) if a is not None]
    values = []
    for a in args:
        v = concrete_or_none(a) if not isinstance(a, (int, float, np.number)) else a
        if v is None or np.ndim(v) != 0 or isinstance(a, (list, tuple, str)):
            raise TypeError(
                f"arange needs concrete scalars for start/stop/step, got {type(a).__name__}; "
                "under jit pass them as static arguments (the length fixes the output shape)"
            )
        values.append(v.item() if isinstance(v, (np.ndarray, np.generic)) else v)
    if len(values) == 3 and values[2] == 0:
        raise ValueError("arange: step must not be zero")
    out = np.arange(*values)
    if dtype is None:
        dtype = dtypes.default_dtype_for_rank(dtypes.kind_rank(out.dtype))
    return on_device(Array(out.astype(dtypes.canonicalize(dtype))), device)


def _num(num: Any) -> int:
    n = _int(num, "num")
    if n < 0:
        raise ValueError(f"num must be non-negative, got {n}")
    return n


def linspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True,
             retstep: bool = False, dtype: Any = None, axis: int = 0, *,
             device: Any = None) -> Any:
    """``num`` evenly spaced numbers from ``start`` to ``stop`` (``stop`` left out if not
    ``endpoint``). Array endpoints give one such sequence per element, along ``axis``; the
    result is differentiable in ``start`` and ``stop``. ``retstep=True`` also returns the step.

    Example:
        >>> linspace(0.0, 1.0, 5)
        Array([0.  , 0.25, 0.5 , 0.75, 1.  ], dtype=float32)
    """
    from .shape_ops import _axis, broadcast_arrays

    num = _num(num)
    out_dtype = None if dtype is None else dtypes.canonicalize(dtype)
    start, stop = promote_inexact(asarray(start), asarray(stop))
    start, stop = broadcast_arrays(start, stop)
    work = start.dtype
    div = (num - 1) if endpoint else num
    delta = E.sub(stop, start)
    lead = (num,) + (1,) * start.ndim
    iota = Array(np.arange(num, dtype=work).reshape(lead))
    step = E.div(delta, float(div)) if div > 0 else E.mul(delta, float("nan"))
    y = E.add(start, E.mul(iota, step)) if div > 0 else E.add(start, E.mul(iota, delta))
    if endpoint and num > 1:
        body = S.slice_(y, (0,) * y.ndim, (num - 1,) + tuple(y.shape[1:]))
        y = S.concatenate([body, S.reshape(stop, (1,) + tuple(stop.shape))], 0)
    y = S.moveaxis(y, 0, _axis(axis, y.ndim))
    if out_dtype is not None and out_dtype != y.dtype:
        if out_dtype.kind in "iu":
            y = E.floor(y)  # numpy rounds towards -inf for integer dtypes
        y = S.convert_element_type(y, out_dtype)
    y = on_device(y, device)
    return (y, step) if retstep else y


def logspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, base: Any = 10.0,
             dtype: Any = None, axis: int = 0) -> Any:
    """``base ** linspace(start, stop, num)``.

    Example:
        >>> logspace(0.0, 2.0, 3)
        Array([  1.,  10., 100.], dtype=float32)
    """
    from .math import power
    from .shape_ops import broadcast_arrays, expand_dims

    start, stop = _exact_for_integers(start, stop, dtype)
    if dtypes.is_python_scalar(base):
        y = linspace(start, stop, num, endpoint, axis=axis)
        out = power(base, y)
    else:
        start, stop, b = broadcast_arrays(*promote_inexact(asarray(start), asarray(stop),
                                                           asarray(base)))
        y = linspace(start, stop, num, endpoint, axis=axis)
        out = power(expand_dims(b, axis), y)
    return _to_dtype(out, dtype)


def _exact_for_integers(start: Any, stop: Any, dtype: Any) -> tuple:
    """For an integer ``dtype``, ``start`` and ``stop`` in float64 (``_to_integers`` then
    rounds: ``10 ** log10(1000)`` is 999.99...)."""
    if dtype is not None and dtypes.canonicalize(dtype).kind in "iub":
        f64 = np.dtype(np.float64)
        return asarray(start, f64), asarray(stop, f64)
    return asarray(start), asarray(stop)


def _to_dtype(y: Any, dtype: Any) -> Any:
    """logspace/geomspace results as ``dtype``. Integer dtypes truncate, as numpy and JAX, but
    values within rounding error of an integer are that integer first (``2**3`` computed as
    7.99... is 8, as JAX gives; numpy gives 7)."""
    if dtype is None:
        return y
    dt = dtypes.canonicalize(dtype)
    if dt.kind in "iu":
        nearest = E.round_(y)
        close = E.le(E.abs_(E.sub(y, nearest)), E.mul(E.abs_(y), 1e-12))
        y = E.select(close, nearest, y)
    return asarray(y, dt)


def geomspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, dtype: Any = None,
              axis: int = 0) -> Any:
    """``num`` numbers spaced evenly on a log scale (a geometric progression) from ``start``
    to ``stop``; both must be nonzero and of one sign.

    Example:
        >>> geomspace(1.0, 1000.0, 4)
        Array([   1.,   10.,  100., 1000.], dtype=float32)
    """
    from .math import log10, sign

    start, stop = promote_inexact(*_exact_for_integers(start, stop, dtype))
    for name, v in (("start", start), ("stop", stop)):
        c = concrete_or_none(v)
        if c is not None and np.any(c == 0):
            raise ValueError(f"geomspace: {name} must be nonzero (a geometric sequence cannot "
                             "include 0)")
    out_sign = sign(start)
    y = logspace(log10(E.mul(start, out_sign)), log10(E.mul(stop, out_sign)), num, endpoint,
                 10.0, axis=0)
    y = E.mul(y, out_sign)
    n = _num(num)
    # Exact endpoints, as numpy sets them.
    if n > 0:
        s1 = S.reshape(start, (1,) + tuple(start.shape))
        parts = [S.broadcast_to(s1, (1,) + tuple(y.shape[1:]))]
        if endpoint and n > 1:
            mid = S.slice_(y, (1,) + (0,) * (y.ndim - 1), (n - 1,) + tuple(y.shape[1:]))
            e1 = S.broadcast_to(S.reshape(stop, (1,) + tuple(stop.shape)),
                                (1,) + tuple(y.shape[1:]))
            parts += [mid, e1]
        else:
            parts.append(S.slice_(y, (1,) + (0,) * (y.ndim - 1), tuple(y.shape)))
        y = S.concatenate(parts, 0)
    y = S.moveaxis(y, 0, axis % y.ndim)
    return _to_dtype(y, dtype)


# ---- matrices ------------------------------------------------------------------------------------


def eye(N: int, M: int | None = None, k: int = 0, dtype: Any = None, *,
        device: Any = None) -> Array:
    """The identity matrix, or ones on diagonal ``k`` of an N by M matrix.

    Example: ``eye(2, 3, k=1)`` is ``[[0, 1, 0], [0, 0, 1]]`` (float32).
    """
    N = _int(N, "N")
    M = N if M is None else _int(M, "M")
    if N < 0 or M < 0:
        raise ValueError(f"eye: N and M must be non-negative, got N={N}, M={M}")
    return on_device(Array(np.eye(N, M, _int(k, "k"), dtype=_dt(dtype, dtypes.default_float))),
                     device)


def identity(n: int, dtype: Any = None) -> Array:
    """The ``n`` by ``n`` identity matrix. Example: ``identity(2)``."""
    return eye(n, dtype=dtype)


def tri(N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> Array:
    """Ones at and below diagonal ``k`` of an N by M matrix, zeros above.

    Example: ``tri(2)`` is ``[[1, 0], [1, 1]]`` (float32).
    """
    N = _int(N, "N")
    M = N if M is None else _int(M, "M")
    return Array(np.tri(N, M, _int(k, "k"), dtype=_dt(dtype, dtypes.default_float)))


def _masked_tri(name: str, m: Any, k: int, lower: bool) -> Any:
    m = asarray(m)
    if m.ndim < 2:
        raise ValueError(f"{name} needs an array of at least 2 dimensions, got shape {m.shape}")
    n1, n2 = m.shape[-2:]
    k = _int(k, "k")
    mask = np.tri(n1, n2, k, dtype=bool) if lower else ~np.tri(n1, n2, k - 1, dtype=bool)
    return E.select(Array(mask), m, Array(np.zeros((), m.dtype)))


def tril(m: Any, k: int = 0) -> Any:
    """``m`` with the elements above diagonal ``k`` zeroed (on the last two axes).

    Example: ``tril(ones((2, 2)))`` is ``[[1, 0], [1, 1]]``.
    """
    return _masked_tri("tril", m, k, lower=True)


def triu(m: Any, k: int = 0) -> Any:
    """``m`` with the elements below diagonal ``k`` zeroed (on the last two axes).

    Example: ``triu(ones((2, 2)))`` is ``[[1, 1], [0, 1]]``.
    """
    return _masked_tri("triu", m, k, lower=False)


def diagonal(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    """Diagonal ``offset`` of the 2-d slices over ``axis1`` and ``axis2``, as the last axis.

    Example: ``diagonal(asarray([[1, 2], [3, 4]]))`` is ``[1, 4]``.
    """
    from .shape_ops import _axis

    a = asarray(a)
    if a.ndim < 2:
        raise ValueError(f"diagonal needs an array of at least 2 dimensions, got shape "
                         f"{a.shape}")
    ax1, ax2 = _axis(axis1, a.ndim, "axis1"), _axis(axis2, a.ndim, "axis2")
    if ax1 == ax2:
        raise ValueError(f"diagonal: axis1 and axis2 must differ, got {axis1} and {axis2}")
    offset = _int(offset, "offset")
    others = [i for i in range(a.ndim) if i not in (ax1, ax2)]
    x = S.transpose(a, tuple(others) + (ax1, ax2))
    n1, n2 = a.shape[ax1], a.shape[ax2]
    r0, c0 = max(-offset, 0), max(offset, 0)
    length = max(0, min(n1 - r0, n2 - c0))
    lead = tuple(x.shape[:-2])
    # The diagonal is every (n2 + 1)-th element of the flattened matrix: a strided slice,
    # whose VJP is a pad (no scatter).
    flat = S.reshape(x, lead + (n1 * n2,))
    first = r0 * n2 + c0
    if length == 0:
        return S.slice_(flat, (0,) * flat.ndim, lead + (0,))
    limit = first + (length - 1) * (n2 + 1) + 1
    return S.slice_(flat, (0,) * len(lead) + (first,), lead + (limit,),
                    (1,) * len(lead) + (n2 + 1,))


def diag(v: Any, k: int = 0) -> Any:
    """A 1-d ``v`` becomes a square matrix with ``v`` on diagonal ``k``; from a 2-d ``v`` the
    diagonal ``k`` is extracted.

    Example: ``diag(asarray([1, 2]))`` is ``[[1, 0], [0, 2]]``.
    """
    v = asarray(v)
    k = _int(k, "k")
    if v.ndim == 2:
        return diagonal(v, k)
    if v.ndim != 1:
        raise ValueError(f"diag needs a 1-d or 2-d array, got shape {v.shape}")
    n = v.shape[0] + abs(k)
    zero = Array(np.zeros((), v.dtype))
    padded = S.pad(v, zero, ((0, abs(k), 0),))  # v, then |k| zeros: length n
    along = S.reshape(padded, (n, 1) if k >= 0 else (1, n))  # k >= 0: v[i] sits on row i
    mask = Array(np.eye(n, n, k, dtype=bool))
    return E.select(mask, along, zero)


def diagflat(v: Any, k: int = 0) -> Any:
    """A matrix with the flattened ``v`` on diagonal ``k``. Example: ``diagflat(ones((2, 1)))``.
    """
    from .shape_ops import ravel

    return diag(ravel(v), k)


# ---- grids and index helpers ---------------------------------------------------------------------


def meshgrid(*xi: Any, copy: bool = True, sparse: bool = False, indexing: str = "xy") -> list:
    """Coordinate arrays from 1-d coordinate vectors. ``indexing="xy"`` (the default) swaps the
    first two output axes (Cartesian), ``"ij"`` keeps them (matrix); ``sparse=True`` returns
    broadcastable arrays instead of full ones.

    Example:
        >>> [g.shape for g in meshgrid(ones(3), ones(2))]
        [(2, 3), (2, 3)]
    """
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    from .shape_ops import ravel

    xs = [ravel(x) for x in xi]
    n = len(xs)
    sizes = [x.shape[0] for x in xs]
    if indexing == "xy" and n >= 2:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    out = []
    for i, x in enumerate(xs):
        pos = i
        if indexing == "xy" and n >= 2 and i < 2:
            pos = 1 - i
        shape = tuple(x.shape[0] if j == pos else 1 for j in range(n))
        g = S.reshape(x, shape)
        out.append(g if sparse else S.broadcast_to(g, tuple(sizes)))
    return out


def indices(dimensions: Any, dtype: Any = None, sparse: bool = False) -> Any:
    """The index grid of an array of shape ``dimensions``: one integer array per axis,
    stacked (or a tuple of broadcastable arrays if ``sparse``).

    Example: ``indices((2, 3)).shape == (2, 2, 3)``.
    """
    dims = _shape(dimensions)
    dt = _dt(dtype, dtypes.default_int)
    grids = np.indices(dims, dtype=dt, sparse=sparse)
    if sparse:
        return tuple(Array(g) for g in grids)
    return Array(grids)


def _index_pair(rows: np.ndarray, cols: np.ndarray) -> tuple[Array, Array]:
    dt = dtypes.default_int
    return Array(rows.astype(dt)), Array(cols.astype(dt))


def tril_indices(n: int, k: int = 0, m: int | None = None) -> tuple[Array, Array]:
    """Row and column indices of the lower triangle (at and below diagonal ``k``) of an n by m
    matrix. Example: ``x[tril_indices(3)]`` are the 6 lower-triangle entries of a 3x3 ``x``.
    """
    return _index_pair(*np.tril_indices(_int(n, "n"), _int(k, "k"),
                                        None if m is None else _int(m, "m")))


def triu_indices(n: int, k: int = 0, m: int | None = None) -> tuple[Array, Array]:
    """Row and column indices of the upper triangle (at and above diagonal ``k``).

    Example: ``triu_indices(2)`` is ``([0, 0, 1], [0, 1, 1])``.
    """
    return _index_pair(*np.triu_indices(_int(n, "n"), _int(k, "k"),
                                        None if m is None else _int(m, "m")))


def _matrix_shape(name: str, arr: Any) -> tuple[int, int]:
    shape = tuple(np.shape(arr)) if not hasattr(arr, "shape") else tuple(arr.shape)
    if len(shape) != 2:
        raise ValueError(f"{name} needs a 2-d array, got shape {shape}")
    return shape


def tril_indices_from(arr: Any, k: int = 0) -> tuple[Array, Array]:
    """``tril_indices`` for the shape of the 2-d ``arr``. Example: ``tril_indices_from(x)``."""
    n, m = _matrix_shape("tril_indices_from", arr)
    return tril_indices(n, k, m)


def triu_indices_from(arr: Any, k: int = 0) -> tuple[Array, Array]:
    """``triu_indices`` for the shape of the 2-d ``arr``. Example: ``triu_indices_from(x)``."""
    n, m = _matrix_shape("triu_indices_from", arr)
    return triu_indices(n, k, m)


def diag_indices(n: int, ndim: int = 2) -> tuple[Array, ...]:
    """Indices of the main diagonal of an n x n x ... array (``ndim`` axes).

    Example: ``x[diag_indices(3)]`` is the diagonal of a 3x3 ``x``.
    """
    n, ndim = _int(n, "n"), _int(ndim, "ndim")
    if n < 0 or ndim < 0:
        raise ValueError(f"diag_indices: n and ndim must be non-negative, got {n}, {ndim}")
    r = Array(np.arange(n, dtype=dtypes.default_int))
    return (r,) * ndim


def diag_indices_from(arr: Any) -> tuple[Array, ...]:
    """``diag_indices`` for ``arr``, whose axes must all have one length (at least 2 of them).

    Example: ``diag_indices_from(ones((3, 3)))``.
    """
    shape = tuple(arr.shape) if hasattr(arr, "shape") else np.shape(arr)
    if len(shape) < 2 or len(set(shape)) != 1:
        raise ValueError(f"diag_indices_from needs at least 2 axes of equal length, got shape "
                         f"{shape}")
    return diag_indices(shape[0], len(shape))


def ix_(*args: Any) -> tuple:
    """Open-mesh index arrays from 1-d sequences: ``x[ix_(rows, cols)]`` is the cross product
    sub-array. Boolean sequences select by mask (eagerly).

    Example: ``x[ix_([0, 2], [1])]`` has shape (2, 1).
    """
    n = len(args)
    out = []
    for i, a in enumerate(args):
        a = asarray(a) if not (isinstance(a, (list, tuple)) and len(a) == 0) else asarray(
            a, dtypes.default_int)
        if a.ndim != 1:
            raise ValueError(f"ix_: argument {i} must be 1-d, got shape {a.shape}")
        if a.dtype == dtypes.bool_:
            mask = concrete_or_none(a)
            if mask is None:
                raise TypeError("ix_: a traced boolean argument has a data-dependent size; "
                                "pass integer indices")
            a = Array(np.nonzero(mask)[0].astype(dtypes.default_int))
        elif a.dtype.kind not in "iu":
            raise TypeError(f"ix_: argument {i} must be integer or bool, got {a.dtype}")
        shape = tuple(a.shape[0] if j == i else 1 for j in range(n))
        out.append(S.reshape(a, shape))
    return tuple(out)


def fromfunction(function: Callable, shape: Any, *, dtype: Any = None, **kwargs: Any) -> Any:
    """``function`` called on the coordinate arrays of ``shape`` (as numpy does: one array per
    axis, of dtype ``dtype``, float by default).

    Example: ``fromfunction(lambda i, j: i + j, (2, 2))`` is ``[[0, 1], [1, 2]]``.
    """
    grids = np.indices(_shape(shape), dtype=_dt(dtype, dtypes.default_float))
    return function(*[Array(g) for g in grids], **kwargs)


# The public names functorch_lite.numpy re-exports from this module.
__all__ = [
    "arange", "array", "diag", "diag_indices", "diag_indices_from", "diagflat", "diagonal",
    "empty", "empty_like", "eye", "fromfunction", "full", "full_like", "geomspace", "identity",
    "indices", "ix_", "linspace", "logspace", "meshgrid", "ones", "ones_like", "tri", "tril",
    "tril_indices", "tril_indices_from", "triu", "triu_indices", "triu_indices_from", "zeros",
    "zeros_like",
]
