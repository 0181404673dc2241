"""A pickle reader for data files that never runs code from the file.

CIFAR's "python version" batches are pickled dicts whose ``data`` entry is a numpy array. A plain
``pickle.load`` would import and call whatever the file names, so a tampered download could run
arbitrary code. This reader uses ``pickle.Unpickler`` with a ``find_class`` that refuses every
global except the handful numpy's own array pickles name, and answers those with stand-ins
written here: they only turn (shape, dtype string, raw bytes) into an array, refuse object
dtypes, and never import or call anything from the file. Everything else in the file must be
plain data (dicts, lists, tuples, str, bytes, numbers, bool, None).
"""
from __future__ import annotations

import io
import pickle
from typing import Any

import numpy as np

__all__ = ["load_data_pickle", "UnsafePickleError"]

# Kinds a data array may have: bool, signed/unsigned int, float, complex. Never "O" (objects).
_SAFE_KINDS = frozenset("biufc")


class UnsafePickleError(pickle.UnpicklingError):
    """The file names a global this reader does not allow (it would run code to load)."""


class _NdarrayClass:
    """Stand-in for ``numpy.ndarray`` as the class argument of ``_reconstruct``."""


class _DtypeStub:
    """Stand-in for ``numpy.dtype(spec, align, copy)``; BUILD gives it the byte order."""

    def __init__(self, spec: Any, align: Any = False, copy: Any = True):
        if isinstance(spec, bytes):
            spec = spec.decode("latin1")
        if not isinstance(spec, str) or len(spec) > 8:
            raise UnsafePickleError(f"unsupported dtype spec in pickle: {spec!r}")
        try:
            self.dtype = np.dtype(spec)
        except TypeError as e:
            raise UnsafePickleError(f"unsupported dtype spec in pickle: {spec!r}") from e
        if self.dtype.kind not in _SAFE_KINDS:
            raise UnsafePickleError(f"refusing dtype {spec!r} (kind {self.dtype.kind!r}): only "
                                    "numeric arrays are read")

    def __setstate__(self, state: Any) -> None:
        # (version, byteorder, subdescr, names, fields, elsize, alignment, flags)
        if not isinstance(state, tuple) or len(state) < 2:
            raise UnsafePickleError(f"unexpected dtype state in pickle: {state!r}")
        byteorder = state[1]
        if isinstance(byteorder, bytes):
            byteorder = byteorder.decode("latin1")
        if any(part is not None for part in state[2:5]):
            raise UnsafePickleError("structured dtypes are not supported in data pickles")
        if byteorder in ("<", ">"):
            self.dtype = self.dtype.newbyteorder(byteorder)
        elif byteorder not in ("|", "="):
            raise UnsafePickleError(f"unexpected byte order {byteorder!r} in pickle")


def _as_dtype(d: Any) -> np.dtype:
    if isinstance(d, _DtypeStub):
        return d.dtype
    raise UnsafePickleError(f"expected a dtype in the array state, got {type(d).__name__}")


def _as_bytes(raw: Any) -> bytes:
    # Python 2 pickles store the raw buffer as str; read with encoding="latin1" it maps 1:1.
    if isinstance(raw, str):
        return raw.encode("latin1")
    if isinstance(raw, (bytes, bytearray)):
        return bytes(raw)
    if isinstance(raw, pickle.PickleBuffer):
        return bytes(raw.raw())
    raise UnsafePickleError(f"array data must be raw bytes, got {type(raw).__name__} "
                            "(object arrays are not read)")


class _ArrayStub:
    """Stand-in for ``numpy.core.multiarray._reconstruct(ndarray, (0,), b'b')``."""

    def __init__(self) -> None:
        self.array: np.ndarray | None = None

    def __setstate__(self, state: Any) -> None:
        if not isinstance(state, tuple) or len(state) not in (4, 5):
            raise UnsafePickleError("unexpected ndarray state in pickle")
        shape, dtype, is_fortran, raw = state[-4:]
        dtype = _as_dtype(dtype)
        if not isinstance(shape, tuple) or not all(isinstance(n, int) and n >= 0
                                                   for n in shape):
            raise UnsafePickleError(f"bad array shape in pickle: {shape!r}")
        data = _as_bytes(raw)
        count = int(np.prod(shape, dtype=np.int64))
        if len(data) != count * dtype.itemsize:
            raise pickle.UnpicklingError(
                f"array of shape {shape} and dtype {dtype} needs {count * dtype.itemsize} "
                f"bytes, the file holds {len(data)}: the file is truncated or corrupt")
        flat = np.frombuffer(data, dtype=dtype).copy()
        self.array = flat.reshape(shape, order="F" if is_fortran else "C")


def _reconstruct(cls: Any, shape: Any, typecode: Any) -> _ArrayStub:
    if cls is not _NdarrayClass:
        raise UnsafePickleError("_reconstruct is only allowed for numpy.ndarray")
    return _ArrayStub()


def _frombuffer(buf: Any, dtype: Any, shape: Any, order: Any) -> np.ndarray:
    # numpy's protocol-5 pickles: numpy.core.numeric._frombuffer(buffer, dtype, shape, order)
    stub = _ArrayStub()
    stub.__setstate__((tuple(shape), dtype, order == "F", buf))
    return stub.array


def _codecs_encode(text: Any, encoding: str = "utf-8") -> bytes:
    # Python 3 writes bytes as _codecs.encode(str, "latin1") under protocols 0-2.
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1"):
        raise UnsafePickleError("_codecs.encode is only allowed for latin1 byte strings")
    return text.encode("latin1")


_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy", "ndarray"): _NdarrayClass,
    ("numpy", "dtype"): _DtypeStub,
    ("numpy.core.numeric", "_frombuffer"): _frombuffer,
    ("numpy._core.numeric", "_frombuffer"): _frombuffer,
    ("_codecs", "encode"): _codecs_encode,
}


class _RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise UnsafePickleError(
                f"refusing to load the global {module}.{name}: this is not a plain data pickle "
                "(only dicts, lists, strings, numbers and numeric numpy arrays are read, and "
                "nothing in the file is imported or run)") from None

    def persistent_load(self, pid: Any) -> Any:
        raise UnsafePickleError("persistent ids are not allowed in data pickles")


def _finish(obj: Any) -> Any:
    # Swap the array stand-ins for the arrays they built.
    if isinstance(obj, _ArrayStub):
        if obj.array is None:
            raise pickle.UnpicklingError("an array in the pickle has no data")
        return obj.array
    if isinstance(obj, (_DtypeStub, _NdarrayClass)) or obj is _NdarrayClass:
        raise UnsafePickleError("a bare dtype/ndarray object is not data")
    if isinstance(obj, dict):
        return {_finish(k): _finish(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_finish(v) for v in obj]
    if isinstance(obj, tuple):
        return tuple(_finish(v) for v in obj)
    return obj


def load_data_pickle(data: bytes, encoding: str = "latin1") -> Any:
    """Read a data-only pickle (such as CIFAR's batches) without running code from it.

    Example:
        >>> import pickle, numpy as np
        >>> blob = pickle.dumps({"data": np.arange(3, dtype=np.uint8), "labels": [1, 2]})
        >>> load_data_pickle(blob)["data"].tolist()
        [0, 1, 2]
    """
    try:
        obj = _RestrictedUnpickler(io.BytesIO(data), encoding=encoding).load()
    except UnsafePickleError:
        raise
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError,
            IndexError, KeyError, UnicodeDecodeError) as e:
        raise pickle.UnpicklingError(f"not a readable data pickle ({type(e).__name__}: {e}); "
                                     "the file is truncated or corrupt") from e
    return _finish(obj)
