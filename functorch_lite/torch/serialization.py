"""torch.save / torch.load in the safetensors layout, without pickle.

A file is a plain safetensors file (https://huggingface.co/docs/safetensors):

    8 bytes    N, the header length, unsigned little-endian
    N bytes    JSON header: {"__metadata__": {str: str}, name: {"dtype", "shape", "data_offsets"}}
               padded with spaces so that the data starts at a multiple of 8
    rest       the raw little-endian bytes of every tensor, back to back

Every tensor of the saved object is stored under a flat dotted name (a state dict's own keys,
``state.0.momentum_buffer`` for an optimizer's state), so any safetensors reader sees the
tensors. The structure around them (dicts with int keys, lists, tuples, numbers, strings) goes
into ``__metadata__["functorch_lite"]`` as JSON, see ``docs/facade_data_and_checkpoints.md``.

Loading only parses JSON and copies bytes into arrays: it never executes code. Files that are
not safetensors (a PyTorch pickle, a numpy archive, a truncated write) raise a
:class:`CheckpointError` that names the format and the way to convert it.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import pickle
import stat
import tempfile
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable
from typing import IO, Any, Union

import numpy as np

__all__ = [
    "save",
    "load",
    "CheckpointError",
    "CorruptCheckpointError",
    "ForeignCheckpointError",
]

FileLike = Union[str, "os.PathLike[str]", IO[bytes]]

# The metadata key that holds our JSON description of the saved object's structure.
TREE_KEY = "functorch_lite"
FORMAT_VERSION = 1
# The safetensors library refuses headers over 100 MB; so do we (a corrupt length field
# must not make us allocate gigabytes).
MAX_HEADER_BYTES = 100_000_000


class CheckpointError(RuntimeError):
    """A file that ``torch.load`` cannot read: corrupt, truncated or of another format.

    A subclass of ``RuntimeError``, which is what PyTorch raises for unreadable archives, so a
    ported script's ``except RuntimeError`` keeps working.
    """


class CorruptCheckpointError(CheckpointError):
    """A safetensors file whose header or data is damaged or cut short."""


class ForeignCheckpointError(CheckpointError, pickle.UnpicklingError):
    """A file of another format (a PyTorch pickle ``.pt``, a numpy ``.npz``, ...).

    Also a ``pickle.UnpicklingError``, which is what PyTorch's ``weights_only`` loader raises
    for pickles it refuses.
    """


# --------------------------------------------------------------------------------------------
# dtypes
# --------------------------------------------------------------------------------------------

_CODE_TO_NP: dict[str, np.dtype] = {
    "BOOL": np.dtype(np.bool_),
    "U8": np.dtype(np.uint8),
    "I8": np.dtype(np.int8),
    "I16": np.dtype(np.int16),
    "U16": np.dtype(np.uint16),
    "F16": np.dtype(np.float16),
    "I32": np.dtype(np.int32),
    "U32": np.dtype(np.uint32),
    "F32": np.dtype(np.float32),
    "C64": np.dtype(np.complex64),
    "F64": np.dtype(np.float64),
    "I64": np.dtype(np.int64),
    "U64": np.dtype(np.uint64),
}
# Narrow floats: numpy has none, the ml_dtypes package (when installed) provides them.
_ML_DTYPES_NAMES = {"BF16": "bfloat16", "F8_E5M2": "float8_e5m2", "F8_E4M3": "float8_e4m3fn"}
# The safetensors library writes tensors sorted by dtype (in this order, largest first), then
# by name; we do the same so our bytes equal its bytes and every tensor is naturally aligned.
_DTYPE_RANK = [
    "BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0",
    "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "C64", "F64", "I64", "U64",
]  # fmt: skip


def _ml_dtype(code: str) -> np.dtype | None:
    try:
        import ml_dtypes  # optional: only used when it is installed
    except ImportError:
        return None
    return np.dtype(getattr(ml_dtypes, _ML_DTYPES_NAMES[code]))


def _np_dtype_of_code(code: str, name: str) -> np.dtype:
    if code in _CODE_TO_NP:
        return _CODE_TO_NP[code]
    if code in _ML_DTYPES_NAMES:
        dtype = _ml_dtype(code)
        if dtype is not None:
            return dtype
        raise CheckpointError(
            f"tensor {name!r} is stored as {code} ({_ML_DTYPES_NAMES[code]}), which numpy "
            f"cannot represent without the ml_dtypes package. Install it (pip install "
            f"ml_dtypes), or convert the tensor to float32 where it was saved, e.g. in PyTorch "
            f"`save_file({{k: v.float() for k, v in sd.items()}}, path)`."
        )
    raise CorruptCheckpointError(
        f"tensor {name!r} has dtype {code!r}, which is not a safetensors dtype this reader "
        f"knows ({', '.join(sorted(_CODE_TO_NP))}, BF16 and F8 with ml_dtypes)."
    )


def _code_of_np_dtype(dtype: np.dtype, where: str) -> str:
    native = dtype.newbyteorder("=")  # big-endian input is stored little-endian
    for code, candidate in _CODE_TO_NP.items():
        if native == candidate:
            return code
    for code, np_name in _ML_DTYPES_NAMES.items():
        if dtype.name == np_name:
            return code
    raise TypeError(
        f"torch.save: {where} has dtype {dtype}, which the safetensors layout cannot store. "
        f"Supported: bool, uint8/16/32/64, int8/16/32/64, float16/32/64, complex64 (and "
        f"bfloat16/float8 as ml_dtypes arrays); convert it first, e.g. `.to(torch.float32)`."
    )


# --------------------------------------------------------------------------------------------
# The safetensors layer: named numpy arrays <-> bytes
# --------------------------------------------------------------------------------------------


def _little_endian(array: np.ndarray) -> np.ndarray:
    if not array.flags.c_contiguous:  # (np.ascontiguousarray would turn 0-d into 1-d)
        array = array.copy(order="C")
    if array.dtype.byteorder == ">" or (array.dtype.byteorder == "=" and not _LITTLE_HOST):
        array = array.astype(array.dtype.newbyteorder("<"))
    return array


_LITTLE_HOST = np.little_endian


def serialize_header(
    named_arrays: list[tuple[str, np.ndarray]], metadata: dict[str, str] | None
) -> tuple[bytes, list[np.ndarray]]:
    """The first 8 + N bytes of a safetensors file, and the arrays to write after them in order.

    Example:
        >>> head, arrays = serialize_header([("w", np.zeros(2, np.float32))], None)
        >>> head[8:].rstrip()
        b'{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'
    """
    entries = []
    for name, array in named_arrays:
        entries.append((name, _code_of_np_dtype(array.dtype, f"tensor {name!r}"), array))
    entries.sort(key=lambda e: (-_DTYPE_RANK.index(e[1]), e[0]))
    header: dict[str, Any] = {}
    if metadata:
        header["__metadata__"] = metadata
    arrays, offset = [], 0
    for name, code, array in entries:
        array = _little_endian(array)
        header[name] = {
            "dtype": code,
            "shape": list(array.shape),
            "data_offsets": [offset, offset + array.nbytes],
        }
        offset += array.nbytes
        arrays.append(array)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned, as the spec asks
    return len(text).to_bytes(8, "little") + text, arrays


def write_safetensors(
    fh: IO[bytes], named_arrays: list[tuple[str, np.ndarray]], metadata: dict[str, str] | None
) -> None:
    """Write arrays to a binary file object in the safetensors layout.

    Example:
        >>> buf = io.BytesIO()
        >>> write_safetensors(buf, [("x", np.arange(3, dtype=np.int64))], {"format": "pt"})
        >>> read_safetensors(io.BytesIO(buf.getvalue()))[0]["x"]
        array([0, 1, 2])
    """
    head, arrays = serialize_header(named_arrays, metadata)
    fh.write(head)
    for array in arrays:
        if array.nbytes:
            # reshape(-1).view(uint8) is zero-copy for the contiguous array and works for every
            # dtype (memoryview has no format code for ml_dtypes' bfloat16).
            fh.write(array.reshape(-1).view(np.uint8).data)


def _read_exact(fh: IO[bytes], n: int) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = fh.read(n - got)
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _readinto_exact(fh: IO[bytes], buf: bytearray) -> int:
    view, got = memoryview(buf), 0
    readinto = getattr(fh, "readinto", None)
    while got < len(buf):
        if readinto is not None:
            n = readinto(view[got:])
        else:
            chunk = fh.read(len(buf) - got)
            n = len(chunk)
            view[got : got + n] = chunk
        if not n:
            break
        got += n
    return got


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise CorruptCheckpointError(f"the safetensors header names {key!r} twice")
        out[key] = value
    return out


def _parse_header(fh: IO[bytes], source: str) -> tuple[int, dict[str, Any]]:
    first = _read_exact(fh, 9)
    if len(first) >= 8:
        n = int.from_bytes(first[:8], "little")
        if 0 < n <= MAX_HEADER_BYTES and first[8:9] == b"{":
            text = first[8:] + _read_exact(fh, n - 1)
            if len(text) < n:
                raise CorruptCheckpointError(
                    f"{source} is truncated: its safetensors header should be {n} bytes but "
                    f"the file ends after {len(text)}. The file was cut short (an interrupted "
                    f"copy or download); save or fetch it again."
                )
            try:
                header = json.loads(text.decode("utf-8"), object_pairs_hook=_no_duplicates)
            except (UnicodeDecodeError, ValueError) as err:
                if isinstance(err, CorruptCheckpointError):
                    raise
                raise CorruptCheckpointError(
                    f"{source} is corrupt: its safetensors header is not valid UTF-8 JSON "
                    f"({err}). Save it again from the original object."
                ) from None
            if not isinstance(header, dict):
                raise CorruptCheckpointError(f"{source}: the safetensors header is not an object")
            return 8 + n, header
    raise _foreign_error(first, fh, source)


def _describe_foreign(first: bytes, fh: IO[bytes]) -> tuple[str, str]:
    """(what the file is, what to do instead) from its first bytes; reads, never unpickles."""
    pytorch_fix = (
        "Convert it once where PyTorch is installed: `sd = torch.load(path, weights_only=True); "
        "safetensors.torch.save_file(sd, 'model.safetensors')` for a flat state dict (or "
        "`functorch_lite.torch.save`-compatible nested dicts via our save), then load the "
        ".safetensors file here. We never unpickle: unpickling can run arbitrary code."
    )
    if first[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        names: list[str] = []
        with contextlib.suppress(Exception):
            fh.seek(0)
            names = zipfile.ZipFile(fh).namelist()  # reads the directory only
        if any(name.endswith("data.pkl") for name in names) or not names:
            return "a PyTorch pickle checkpoint (a zip archive holding data.pkl)", pytorch_fix
        if all(name.endswith(".npy") for name in names):
            return "a numpy .npz archive", "Read it with numpy.load (allow_pickle=False)."
        return "a zip archive, not a checkpoint", "Unzip it and load the checkpoint inside."
    if first[:1] == b"\x80" and first[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        if first[2:4] == b"\x8a\x0a":  # the pickled magic number legacy torch.save writes first
            return "a legacy PyTorch pickle checkpoint (_use_new_zipfile_serialization=False)", (
                pytorch_fix
            )
        return "a Python pickle (e.g. a PyTorch .pt/.pth file)", pytorch_fix
    if first[:6] == b"\x93NUMPY":
        return "a numpy .npy file", "Read it with numpy.load and wrap it with torch.from_numpy."
    if first[:4] == b"\x89HDF":
        return "an HDF5 file (e.g. Keras .h5)", "Read it with h5py and re-save the arrays."
    if first[:2] == b"\x1f\x8b":
        return "a gzip-compressed file", "Decompress it first (gunzip)."
    if first[:4] == b"GGUF":
        return "a GGUF model file", "Convert it to safetensors with the tool that made it."
    if not first:
        return "an empty file (0 bytes)", "Save it again; our torch.save never leaves one."
    if len(first) < 8:
        return f"too short ({len(first)} bytes) to be a checkpoint", "Save it again."
    n = int.from_bytes(first[:8], "little")
    return (
        f"not a safetensors file (its first 8 bytes give a header length of {n} and the "
        f"header does not start with '{{')",
        "Pass a file written by functorch_lite.torch.save or safetensors' save_file.",
    )


def _foreign_error(first: bytes, fh: IO[bytes], source: str) -> CheckpointError:
    what, fix = _describe_foreign(first, fh)
    cls = CorruptCheckpointError if what.startswith(("an empty", "too short")) else None
    message = f"torch.load: {source} is {what}. {fix}"
    return (cls or ForeignCheckpointError)(message)


def read_safetensors(
    fh: IO[bytes], source: str = "the file", *, mmap_path: str | None = None
) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Read a safetensors file object: (arrays by name in file order, metadata).

    Example:
        >>> buf = io.BytesIO()
        >>> write_safetensors(buf, [("b", np.ones(2, np.float16))], None)
        >>> arrays, meta = read_safetensors(io.BytesIO(buf.getvalue()))
        >>> arrays["b"].dtype, meta
        (dtype('float16'), {})
    """
    data_start, header = _parse_header(fh, source)
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()
    ):
        raise CorruptCheckpointError(f"{source}: __metadata__ must map strings to strings")
    specs = []
    for name, info in header.items():
        try:
            code, shape, (begin, end) = info["dtype"], info["shape"], info["data_offsets"]
            ok = all(isinstance(d, int) and d >= 0 for d in shape) and 0 <= begin <= end
        except (TypeError, KeyError, ValueError):
            ok = False
        if not ok:
            raise CorruptCheckpointError(f"{source}: the header entry of {name!r} is malformed")
        dtype = _np_dtype_of_code(code, name)
        if end - begin != math.prod(shape) * dtype.itemsize:
            raise CorruptCheckpointError(
                f"{source}: tensor {name!r} of shape {shape} and dtype {code} needs "
                f"{math.prod(shape) * dtype.itemsize} bytes but its data_offsets span "
                f"{end - begin}"
            )
        specs.append((begin, end, name, dtype, tuple(shape)))
    specs.sort(key=lambda s: (s[0], s[1]))
    expected = 0
    for begin, end, name, _, _ in specs:
        if begin != expected:  # the spec forbids holes and overlaps
            raise CorruptCheckpointError(
                f"{source}: tensor {name!r} starts at byte {begin}, expected {expected}"
            )
        expected = end
    data_len = expected
    if mmap_path is not None:
        size = os.path.getsize(mmap_path) - data_start
        if size < data_len:
            raise _truncated(source, data_len, size)
        buffer: Any = (
            np.memmap(mmap_path, dtype=np.uint8, mode="c", offset=data_start, shape=(data_len,))
            if data_len
            else np.zeros(0, np.uint8)
        )
    else:
        buffer = bytearray(data_len)
        got = _readinto_exact(fh, buffer)
        if got < data_len:
            raise _truncated(source, data_len, got)
    arrays: dict[str, np.ndarray] = {}
    for begin, _, name, dtype, shape in specs:
        le_dtype = dtype.newbyteorder("<") if dtype.itemsize > 1 else dtype
        count = math.prod(shape)
        array = np.frombuffer(buffer, dtype=le_dtype, count=count, offset=begin)
        if begin % dtype.itemsize or not le_dtype.isnative:  # foreign writers may not align
            array = array.astype(dtype.newbyteorder("="))
        arrays[name] = array.reshape(shape)
    return arrays, metadata


def _truncated(source: str, want: int, got: int) -> CorruptCheckpointError:
    return CorruptCheckpointError(
        f"{source} is truncated: its header promises {want} bytes of tensor data but only "
        f"{got} follow. The file was cut short (an interrupted copy or download, or a writer "
        f"that is not atomic); save or fetch it again."
    )


# --------------------------------------------------------------------------------------------
# The structure around the tensors: a JSON tree in __metadata__
# --------------------------------------------------------------------------------------------
#
# Nodes: None, bools, ints, strings and finite floats are themselves; a list is a JSON array;
# everything else is an object with one "$tag":
#   {"$tensor": name, "requires_grad"?: true, "device"?: "cuda:0", "parameter"?: true}
#   {"$ndarray": name, "scalar"?: true}       a numpy array (or numpy scalar) kept as numpy
#   {"$dict": [[key, value], ...]}            keys are scalar nodes, order kept
#   {"$odict": [[key, value], ...]}           collections.OrderedDict
#   {"$tuple": [...]}   {"$float": "nan"|"inf"|"-inf"}   {"$bytes": "<hex>"}
#   {"$complex": [re, im]}   {"$dtype": "float32"}   {"$device": "cpu"}


def _torch():
    import functorch_lite.torch as torch  # lazy: torch/__init__ imports this module

    return torch


def wrap_owned(array: np.ndarray) -> Any:
    from functorch_lite.torch.utils.data._dataset import wrap_owned as wrap

    return wrap(array)


class _Encoder:
    def __init__(self) -> None:
        self.named: list[tuple[str, np.ndarray]] = []
        self.taken: set[str] = {"__metadata__"}
        self.by_id: dict[int, tuple[Any, dict]] = {}  # shared tensors are stored once
        self.torch = _torch()

    def name_for(self, path: list[str]) -> str:
        base = ".".join(path) or "tensor"
        name, k = base, 1
        while name in self.taken:  # {"a.b": x, "a": {"b": y}} would collide
            k += 1
            name = f"{base}#{k}"
        self.taken.add(name)
        return name

    def encode(self, obj: Any, path: list[str]) -> Any:
        torch = self.torch
        if obj is None or isinstance(obj, (bool, str)):
            return obj
        if isinstance(obj, int):
            return int(obj)
        if isinstance(obj, float):
            return float(obj) if math.isfinite(obj) else {"$float": repr(float(obj))}
        if isinstance(obj, torch.Tensor):
            return self.tensor(obj, path)
        if isinstance(obj, (np.ndarray, np.generic)):
            return self.ndarray(obj, path)
        if isinstance(obj, dict):
            tag = "$odict" if isinstance(obj, OrderedDict) else "$dict"
            items = []
            for key, value in obj.items():
                items.append([self.key(key, path), self.encode(value, [*path, str(key)])])
            return {tag: items}
        if isinstance(obj, list):
            return [self.encode(v, [*path, str(i)]) for i, v in enumerate(obj)]
        if isinstance(obj, tuple):
            return {"$tuple": [self.encode(v, [*path, str(i)]) for i, v in enumerate(obj)]}
        if isinstance(obj, (bytes, bytearray)):
            return {"$bytes": bytes(obj).hex()}
        if isinstance(obj, complex):
            return {"$complex": [self.encode(obj.real, path), self.encode(obj.imag, path)]}
        if isinstance(obj, torch.dtype):
            return {"$dtype": str(obj).removeprefix("torch.")}
        if isinstance(obj, torch.device):
            return {"$device": str(obj)}
        where = ".".join(path) or "the object"
        raise TypeError(
            f"torch.save: cannot store {type(obj).__name__} at {where!r}. Checkpoints hold "
            f"tensors, numpy arrays, dicts, lists, tuples, int/float/bool/str/bytes/None, "
            f"dtypes and devices, with no pickle; save the object's state_dict() instead."
        )

    def key(self, key: Any, path: list[str]) -> Any:
        if key is None or isinstance(key, (bool, int, float, str)):
            return self.encode(key, path)
        raise TypeError(
            f"torch.save: dict key {key!r} at {'.'.join(path) or 'the top level'!r} is a "
            f"{type(key).__name__}; checkpoint dict keys must be str, int, float, bool or None."
        )

    def tensor(self, t: Any, path: list[str]) -> dict:
        if id(t) in self.by_id:
            return dict(self.by_id[id(t)][1])
        name = self.name_for(path)
        data = t.detach()
        device = str(data.device)
        # read in place (no copy of a big model); docs/facade_internals.md: _concrete
        array = (data.cpu() if device != "cpu" else data)._concrete()
        self.named.append((name, array))
        node: dict[str, Any] = {"$tensor": name}
        if t.requires_grad:
            node["requires_grad"] = True
        if device != "cpu":
            node["device"] = device
        parameter = getattr(getattr(self.torch, "nn", None), "Parameter", None)
        if isinstance(parameter, type) and isinstance(t, parameter):
            node["parameter"] = True
        self.by_id[id(t)] = (t, node)  # keep t alive so its id stays unique
        return node

    def ndarray(self, array: np.ndarray | np.generic, path: list[str]) -> dict:
        if isinstance(array, np.ndarray) and id(array) in self.by_id:
            return dict(self.by_id[id(array)][1])
        name = self.name_for(path)
        self.named.append((name, np.asarray(array)))
        node: dict[str, Any] = {"$ndarray": name}
        if isinstance(array, np.generic):
            node["scalar"] = True
        else:
            self.by_id[id(array)] = (array, node)
        return node


def _flatten_for_save(obj: Any) -> tuple[list[tuple[str, np.ndarray]], dict[str, str]]:
    encoder = _Encoder()
    tree = encoder.encode(obj, [])
    doc = json.dumps({"version": FORMAT_VERSION, "tree": tree}, separators=(",", ":"))
    return encoder.named, {"format": "pt", TREE_KEY: doc}


def save(
    obj: Any,
    f: FileLike,
    pickle_module: Any = None,
    pickle_protocol: int | None = None,
    _use_new_zipfile_serialization: bool = True,
    _disable_byteorder_record: bool = False,
) -> None:
    """Save a tensor or a (nested) state dict to ``f`` in the safetensors layout, atomically.

    ``f`` is a path (str or ``os.PathLike``) or a binary file object. A path is written to a
    temporary file in the same folder, flushed, fsynced and then renamed over ``f``, so a crash
    leaves either the old file or the new one, never half of one. A file object is written in
    place (its atomicity is the caller's). ``pickle_module`` must stay ``None``: nothing is ever
    pickled. ``pickle_protocol`` and the underscore flags are accepted for PyTorch
    compatibility and ignored.

    Example:
        >>> import functorch_lite.torch as torch
        >>> torch.save({"w": torch.ones(2), "step": 3}, "/tmp/ckpt.pt")
        >>> torch.load("/tmp/ckpt.pt")["step"]
        3
    """
    if pickle_module is not None:
        raise ValueError(
            "torch.save(pickle_module=...): functorch_lite never pickles; checkpoints are "
            "safetensors files. Drop the pickle_module argument."
        )
    named, metadata = _flatten_for_save(obj)
    if isinstance(f, (str, os.PathLike)):
        _atomic_write(os.fspath(f), lambda fh: write_safetensors(fh, named, metadata))
    elif hasattr(f, "write"):
        write_safetensors(f, named, metadata)
        with contextlib.suppress(AttributeError, ValueError, io.UnsupportedOperation):
            f.flush()
    else:
        raise TypeError(
            f"torch.save: f must be a path (str or os.PathLike) or a binary file object with "
            f"write(), got {type(f).__name__}"
        )


_UMASK_LOCK = threading.Lock()


def _new_file_mode(path: str) -> int:
    try:
        return stat.S_IMODE(os.stat(path).st_mode)  # keep an existing file's permissions
    except OSError:
        with _UMASK_LOCK:  # os.umask can only be read by setting it
            mask = os.umask(0o022)
            os.umask(mask)
        return 0o666 & ~mask


def _fsync_dir(directory: str) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)  # makes the rename itself durable
        finally:
            os.close(fd)


def _atomic_write(path: str, write: Callable[[IO[bytes]], None]) -> None:
    path = os.path.realpath(path)  # write through a symlink, as open(path, "wb") would
    if os.path.isdir(path):
        raise IsADirectoryError(f"torch.save: {path!r} is a directory; pass a file path")
    directory = os.path.dirname(path)
    if not os.path.isdir(directory):
        raise FileNotFoundError(
            f"torch.save: the folder {directory!r} does not exist; create it first "
            f"(os.makedirs({directory!r}, exist_ok=True))"
        )
    mode = _new_file_mode(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(directory)


# --------------------------------------------------------------------------------------------
# load
# --------------------------------------------------------------------------------------------


class _Decoder:
    def __init__(
        self, arrays: dict[str, np.ndarray], source: str, place: Callable[[Any, str], Any]
    ) -> None:
        self.arrays, self.source, self.place = arrays, source, place
        self.done: dict[str, Any] = {}  # a tensor stored once and referenced twice stays shared
        self.torch = _torch()

    def bad(self, what: str) -> CorruptCheckpointError:
        return CorruptCheckpointError(f"{self.source}: the structure metadata is corrupt ({what})")

    def array(self, name: Any) -> np.ndarray:
        if not isinstance(name, str) or name not in self.arrays:
            raise self.bad(f"it refers to a tensor {name!r} the file does not hold")
        return self.arrays[name]

    def decode(self, node: Any) -> Any:
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if isinstance(node, list):
            return [self.decode(v) for v in node]
        if not isinstance(node, dict) or len([k for k in node if k.startswith("$")]) != 1:
            raise self.bad(f"unexpected node {str(node)[:80]}")
        tag = next(k for k in node if k.startswith("$"))
        value = node[tag]
        if tag == "$tensor":
            if value not in self.done:
                self.done[value] = self.tensor(value, node)
            return self.done[value]
        if tag == "$ndarray":
            array = self.array(value)
            return array[()] if node.get("scalar") else array
        if tag in ("$dict", "$odict"):
            if not isinstance(value, list) or not all(
                isinstance(kv, list) and len(kv) == 2 for kv in value
            ):
                raise self.bad(f"{tag} must hold [key, value] pairs")
            out = OrderedDict() if tag == "$odict" else {}
            for key, item in value:
                out[self.decode(key)] = self.decode(item)
            return out
        if tag == "$tuple" and isinstance(value, list):
            return tuple(self.decode(v) for v in value)
        if tag == "$float" and value in ("nan", "inf", "-inf"):
            return float(value)
        if tag == "$bytes" and isinstance(value, str):
            return bytes.fromhex(value)
        if tag == "$complex" and isinstance(value, list) and len(value) == 2:
            return complex(self.decode(value[0]), self.decode(value[1]))
        if tag == "$dtype" and isinstance(getattr(self.torch, str(value), None), self.torch.dtype):
            return getattr(self.torch, value)
        if tag == "$device" and isinstance(value, str):
            return self.torch.device(value)
        raise self.bad(f"unknown node {str(node)[:80]}")

    def tensor(self, name: str, node: dict) -> Any:
        # the arrays are views of the buffer this load read and owns: wrap them, no copy
        t = self.place(wrap_owned(self.array(name)), node.get("device", "cpu"))
        if node.get("parameter") and hasattr(self.torch, "nn"):
            return self.torch.nn.Parameter(t, requires_grad=bool(node.get("requires_grad")))
        if node.get("requires_grad"):
            t.requires_grad_(True)
        return t


def _placer(map_location: Any) -> Callable[[Any, str], Any]:
    """A function (cpu tensor, saved device string) -> tensor on the device it should load to."""
    torch = _torch()

    def to(t: Any, device: Any) -> Any:
        device = torch.device(device)
        if device.type == "cuda" and not torch.cuda.is_available():
            raise RuntimeError(
                f"Attempting to deserialize a tensor onto {device} but "
                f"torch.cuda.is_available() is False. If you are running on a CPU-only machine, "
                f"use torch.load with map_location=torch.device('cpu') to map your storages to "
                f"the CPU."
            )
        return t if device.type == "cpu" else t.to(device)

    if map_location is None:
        return to
    if isinstance(map_location, (str, torch.device)):
        return lambda t, saved: to(t, map_location)
    if isinstance(map_location, dict):
        return lambda t, saved: to(t, map_location.get(saved, saved))
    if callable(map_location):

        def call(t: Any, saved: str) -> Any:
            result = map_location(t, saved)
            return to(t, saved) if result is None else result

        return call
    raise TypeError(
        f"torch.load: map_location must be None, a str, a torch.device, a dict or a callable, "
        f"got {type(map_location).__name__}"
    )


def load(
    f: FileLike,
    map_location: Any = None,
    pickle_module: Any = None,
    *,
    weights_only: bool | None = True,
    mmap: bool | None = None,
    **pickle_load_args: Any,
) -> Any:
    """Load what :func:`save` wrote, or any safetensors file, never executing code.

    A file written by :func:`save` comes back as the object that was saved (dict key types,
    OrderedDicts, lists, tuples and numbers included; a tensor stored under two names is one
    tensor again). A plain safetensors file (e.g. from ``safetensors.torch.save_file``) comes
    back as a flat ``{name: tensor}`` dict. ``map_location`` is a device (``'cpu'``,
    ``'cuda'``, ``torch.device``), a dict from saved device to device, or a callable
    ``(tensor, saved_device) -> tensor``; without it tensors go back to the device they were
    saved from. ``weights_only`` is accepted and makes no difference: nothing but tensors and
    plain data can be loaded. ``mmap=True`` maps a file path instead of reading it.

    Raises:
        ForeignCheckpointError: the file is another format (a PyTorch pickle ``.pt``, ...).
        CorruptCheckpointError: the file is truncated or damaged.

    Example:
        >>> import functorch_lite.torch as torch
        >>> torch.save(torch.arange(3), "/tmp/t.pt")
        >>> torch.load("/tmp/t.pt", map_location="cpu").tolist()
        [0, 1, 2]
    """
    if pickle_module is not None:
        raise ValueError(
            "torch.load(pickle_module=...): functorch_lite never unpickles; drop the argument"
        )
    del weights_only, pickle_load_args  # accepted for compatibility; nothing here unpickles
    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        source = repr(path)
        with open(path, "rb") as fh:
            arrays, metadata = read_safetensors(fh, source, mmap_path=path if mmap else None)
    elif hasattr(f, "read"):
        source = repr(getattr(f, "name", "the file object"))
        arrays, metadata = read_safetensors(f, source)
    else:
        raise TypeError(
            f"torch.load: f must be a path (str or os.PathLike) or a binary file object with "
            f"read(), got {type(f).__name__}"
        )
    decoder = _Decoder(arrays, source, _placer(map_location))
    if TREE_KEY not in metadata:
        return {name: decoder.tensor(name, {}) for name in arrays}
    try:
        doc = json.loads(metadata[TREE_KEY])
        tree, version = doc["tree"], doc["version"]
    except (ValueError, TypeError, KeyError):
        raise decoder.bad("not a JSON object with 'version' and 'tree'") from None
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise CheckpointError(
            f"{source} was written by a newer functorch_lite (checkpoint format {version}, this "
            f"one reads up to {FORMAT_VERSION}); upgrade functorch_lite to load it."
        )
    return decoder.decode(tree)
