"""torch.save / torch.load: the safetensors layout, atomic writes, corrupt and foreign files."""

from __future__ import annotations

import io
import json
import math
import os
import pickle
import subprocess
import sys
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

from functorch_lite.torch import serialization as ser
from functorch_lite.torch.serialization import (
    CheckpointError,
    CorruptCheckpointError,
    ForeignCheckpointError,
    read_safetensors,
    write_safetensors,
)


def _bytes(named, metadata=None) -> bytes:
    buf = io.BytesIO()
    write_safetensors(buf, named, metadata)
    return buf.getvalue()


def _read(data: bytes):
    return read_safetensors(io.BytesIO(data), "the test file")


def _header(data: bytes) -> dict:
    n = int.from_bytes(data[:8], "little")
    return json.loads(data[8 : 8 + n])


ALL_DTYPES = [
    np.bool_, np.uint8, np.int8, np.int16, np.uint16, np.int32, np.uint32, np.int64,
    np.uint64, np.float16, np.float32, np.float64, np.complex64,
]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# The safetensors layer (numpy only)
# ---------------------------------------------------------------------------------------------


def test_golden_bytes():
    # Worked out by hand from the spec: tensors sorted by dtype (F32 before I16), then name;
    # header padded with spaces to 112 = 0x70 bytes so the data starts 8-byte aligned.
    data = _bytes([("b", np.array([1, 2], np.int16)), ("a", np.array([1.5], np.float32))], None)
    expected = (
        b"\x70\x00\x00\x00\x00\x00\x00\x00"
        b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},'
        b'"b":{"dtype":"I16","shape":[2],"data_offsets":[4,8]}}     '
        b"\x00\x00\xc0\x3f"  # 1.5 as little-endian float32
        b"\x01\x00\x02\x00"  # 1, 2 as little-endian int16
    )
    assert data == expected


def test_golden_bytes_read():
    data = (
        b"\x38\x00\x00\x00\x00\x00\x00\x00"
        b'{"x":{"dtype":"I32","shape":[2,1],"data_offsets":[0,8]}}'
        b"\x07\x00\x00\x00\xff\xff\xff\xff"
    )
    arrays, metadata = _read(data)
    assert metadata == {}
    assert arrays["x"].dtype == np.int32 and arrays["x"].tolist() == [[7], [-1]]


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_roundtrip_every_dtype(dtype):
    rng = np.random.default_rng(0)
    value = (rng.standard_normal((3, 4)) * 50).astype(dtype)
    arrays, _ = _read(_bytes([("t", value)]))
    assert arrays["t"].dtype == np.dtype(dtype)
    np.testing.assert_array_equal(arrays["t"], value)


def test_shapes_alignment_and_big_endian_input():
    named = [
        ("scalar", np.array(3.0)),
        ("empty", np.zeros((0, 5), np.float32)),
        ("flag", np.array([True, False])),
        ("big", np.arange(6, dtype=">i4").reshape(2, 3)),
        ("strided", np.arange(12.0).reshape(3, 4)[:, ::2]),
    ]
    data = _bytes(named)
    n = int.from_bytes(data[:8], "little")
    assert (8 + n) % 8 == 0 and data[8:9] == b"{"
    header = _header(data)
    for info in header.values():
        dtype = np.dtype(ser._CODE_TO_NP[info["dtype"]])
        assert info["data_offsets"][0] % dtype.itemsize == 0  # each tensor naturally aligned
    arrays, _ = _read(data)
    for name, value in named:
        assert arrays[name].shape == value.shape
        np.testing.assert_array_equal(arrays[name], value)
    assert arrays["big"].dtype == np.dtype("int32")  # stored little-endian, read native


def _corrupt_cases():
    good = _bytes([("w", np.arange(4, dtype=np.float32))], {"k": "v"})
    n = int.from_bytes(good[:8], "little")
    header = good[8 : 8 + n]

    def with_header(text: bytes, data: bytes = good[8 + n :]) -> bytes:
        text += b" " * (-len(text) % 8)
        return len(text).to_bytes(8, "little") + text + data

    return {
        "truncated data": (good[:-3], "truncated"),
        "truncated header": (good[: 8 + n // 2], "truncated"),
        "not json": (with_header(b"{not json}"), "not valid UTF-8 JSON"),
        "bad utf8": (with_header(b'{"\xff":1}'), "not valid UTF-8 JSON"),
        "duplicate name": (
            with_header(
                b'{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},'
                b'"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'
            ),
            "names 'w' twice",
        ),
        "size mismatch": (
            with_header(header.replace(b"[4]", b"[5]")),
            "needs 20 bytes",
        ),
        "hole": (
            with_header(b'{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}'),
            "starts at byte 8, expected 0",
        ),
        "unknown dtype": (
            with_header(b'{"w":{"dtype":"Q7","shape":[1],"data_offsets":[0,4]}}'),
            "not a safetensors dtype",
        ),
        "malformed entry": (with_header(b'{"w":{"dtype":"F32"}}'), "malformed"),
        "bad metadata": (with_header(b'{"__metadata__":{"a":1}}', b""), "strings to strings"),
        "empty file": (b"", "empty file"),
        "short file": (b"\x01\x02", "too short"),
    }


@pytest.mark.parametrize("case", list(_corrupt_cases()))
def test_corrupt_files_raise_clear_errors(case):
    data, message = _corrupt_cases()[case]
    with pytest.raises(CorruptCheckpointError, match=message) as info:
        _read(data)
    assert isinstance(info.value, RuntimeError)


def _torch_zip_bytes() -> bytes:
    # The layout PyTorch's torch.save writes: a zip archive with archive/data.pkl inside.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("archive/data.pkl", pickle.dumps({"w": 1}, protocol=2))
        archive.writestr("archive/version", "3\n")
    return buf.getvalue()


def _npz_bytes() -> bytes:
    buf = io.BytesIO()
    np.savez(buf, a=np.zeros(2))
    return buf.getvalue()


def _npy_bytes() -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.zeros(2))
    return buf.getvalue()


FOREIGN = {
    "torch zip": (_torch_zip_bytes, "PyTorch pickle checkpoint.*safetensors.torch.save_file"),
    "legacy torch pickle": (
        lambda: b"\x80\x02\x8a\x0alp\xfc\x9cF\xf9 j\xa8P\x19." + b"\x00" * 16,
        "legacy PyTorch pickle",
    ),
    "plain pickle": (lambda: pickle.dumps({"w": [1, 2]}), "Python pickle.*never unpickle"),
    "npz": (_npz_bytes, "numpy .npz archive"),
    "npy": (_npy_bytes, "numpy .npy file"),
    "hdf5": (lambda: b"\x89HDF\r\n\x1a\n" + b"\x00" * 32, "HDF5"),
    "gzip": (lambda: b"\x1f\x8b\x08\x00" + b"\x00" * 32, "gzip"),
    "text": (lambda: b"hello world, this is text", "not a safetensors file"),
}


@pytest.mark.parametrize("case", list(FOREIGN))
def test_foreign_files_are_recognised_and_never_unpickled(case, monkeypatch):
    make, message = FOREIGN[case]
    data = make()

    def refuse(*args, **kwargs):
        raise AssertionError("the loader must never unpickle")

    monkeypatch.setattr(pickle, "loads", refuse)
    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "Unpickler", refuse)
    with pytest.raises(ForeignCheckpointError, match=message) as info:
        _read(data)
    # catchable the way ported PyTorch code catches load failures
    assert isinstance(info.value, RuntimeError)
    assert isinstance(info.value, pickle.UnpicklingError)
    assert isinstance(info.value, CheckpointError)


def test_header_length_is_bounded():
    data = (10**12).to_bytes(8, "little") + b"{" + b" " * 15
    with pytest.raises(ForeignCheckpointError, match="header length of 1000000000000"):
        _read(data)


def test_bfloat16_needs_ml_dtypes(monkeypatch):
    data = (
        b"\x38\x00\x00\x00\x00\x00\x00\x00"
        b'{"h":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}} '
        b"\x80\x3f\x00\x40"  # 1.0 and 2.0 in bfloat16
    )
    monkeypatch.setitem(sys.modules, "ml_dtypes", None)  # as if it were not installed
    with pytest.raises(CheckpointError, match="BF16.*ml_dtypes.*float32"):
        _read(data)


def test_bfloat16_with_ml_dtypes():
    ml_dtypes = pytest.importorskip("ml_dtypes")
    value = np.array([1.0, 2.0, -0.5], ml_dtypes.bfloat16)
    data = _bytes([("h", value)])
    assert _header(data)["h"]["dtype"] == "BF16"
    np.testing.assert_array_equal(_read(data)[0]["h"], value)


def test_unsupported_dtype_on_save():
    with pytest.raises(TypeError, match="complex128.*cannot store"):
        _bytes([("z", np.zeros(2, np.complex128))])


# ---------------------------------------------------------------------------------------------
# Atomic writes
# ---------------------------------------------------------------------------------------------


def _temp_leftovers(folder) -> list[str]:
    return [name for name in os.listdir(folder) if name.endswith(".tmp")]


def test_atomic_write_failure_keeps_old_file(tmp_path):
    path = tmp_path / "ckpt.safetensors"
    path.write_bytes(b"old checkpoint")

    def half_then_fail(fh):
        fh.write(b"new but only half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        ser._atomic_write(str(path), half_then_fail)
    assert path.read_bytes() == b"old checkpoint"
    assert _temp_leftovers(tmp_path) == []


def test_atomic_write_failure_in_fsync_keeps_old_file(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.safetensors"
    path.write_bytes(b"old checkpoint")

    def broken_fsync(fd):
        raise OSError("I/O error")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="I/O error"):
        ser._atomic_write(str(path), lambda fh: fh.write(b"new"))
    assert path.read_bytes() == b"old checkpoint"
    assert _temp_leftovers(tmp_path) == []


def test_crash_mid_write_leaves_old_file(tmp_path):
    # A process killed while writing (os._exit: no cleanup runs) leaves the old file intact.
    path = tmp_path / "ckpt.safetensors"
    path.write_bytes(_bytes([("w", np.zeros(3, np.float32))]))
    old = path.read_bytes()
    script = f"""
import os, numpy as np
from functorch_lite.torch import serialization as ser
def dying(fh, named, metadata):
    fh.write(b"\\x00" * 1000)
    fh.flush()
    os._exit(3)
ser._atomic_write({str(path)!r}, lambda fh: dying(fh, None, None))
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert result.returncode == 3, result.stderr.decode()
    assert path.read_bytes() == old
    np.testing.assert_array_equal(_read(path.read_bytes())[0]["w"], np.zeros(3, np.float32))


def test_atomic_write_replaces_and_keeps_mode(tmp_path):
    path = tmp_path / "ckpt.safetensors"
    path.write_bytes(b"old")
    os.chmod(path, 0o640)
    ser._atomic_write(str(path), lambda fh: fh.write(b"new"))
    assert path.read_bytes() == b"new"
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert _temp_leftovers(tmp_path) == []
    fresh = tmp_path / "fresh.safetensors"
    ser._atomic_write(str(fresh), lambda fh: fh.write(b"x"))
    mask = os.umask(0)
    os.umask(mask)
    assert os.stat(fresh).st_mode & 0o777 == 0o666 & ~mask  # like open(path, "wb")


def test_atomic_write_through_symlink_and_bad_targets(tmp_path):
    target = tmp_path / "real.safetensors"
    target.write_bytes(b"old")
    link = tmp_path / "link.safetensors"
    link.symlink_to(target)
    ser._atomic_write(str(link), lambda fh: fh.write(b"new"))
    assert link.is_symlink() and target.read_bytes() == b"new"
    with pytest.raises(IsADirectoryError, match="is a directory"):
        ser._atomic_write(str(tmp_path), lambda fh: None)
    with pytest.raises(FileNotFoundError, match="does not exist.*makedirs"):
        ser._atomic_write(str(tmp_path / "missing" / "x.pt"), lambda fh: None)


# ---------------------------------------------------------------------------------------------
# Cross-check with the safetensors library (when installed)
# ---------------------------------------------------------------------------------------------


def test_safetensors_library_reads_ours_byte_for_byte():
    st = pytest.importorskip("safetensors.numpy")
    rng = np.random.default_rng(1)
    named = {
        f"layer.{dtype.__name__}": (rng.standard_normal((2, 3)) * 9).astype(dtype)
        for dtype in ALL_DTYPES
    }
    named["scalar"] = np.array(2.5, np.float32)
    named["empty"] = np.zeros((0, 2), np.int64)
    ours = _bytes(list(named.items()), {"format": "np"})
    assert ours == st.save(named, metadata={"format": "np"})  # same order, padding, JSON
    theirs = st.load(ours)
    assert theirs.keys() == named.keys()
    for name, value in named.items():
        assert theirs[name].dtype == value.dtype
        np.testing.assert_array_equal(theirs[name], value)


def test_we_read_safetensors_library_files(tmp_path):
    st = pytest.importorskip("safetensors.numpy")
    named = {"b": np.arange(5, dtype=np.uint8), "a": np.ones((2, 2), np.float64)}
    path = tmp_path / "lib.safetensors"
    st.save_file(named, str(path), metadata={"who": "library"})
    with open(path, "rb") as fh:
        arrays, metadata = read_safetensors(fh)
    assert metadata == {"who": "library"}
    for name, value in named.items():
        np.testing.assert_array_equal(arrays[name], value)
        assert arrays[name].dtype == value.dtype


# ---------------------------------------------------------------------------------------------
# torch.save / torch.load (the facade)
# ---------------------------------------------------------------------------------------------


def _facade():
    import functorch_lite.torch as torch

    return torch


def _np(t):
    return np.asarray(t.detach().numpy())


def _optimizer_like_state(torch):
    return {
        "state": {
            0: {"step": torch.tensor(3.0), "momentum_buffer": torch.ones(2, 2)},
            1: {"step": torch.tensor(3.0), "momentum_buffer": torch.zeros(3)},
        },
        "param_groups": [
            {
                "lr": 0.1,
                "momentum": 0.9,
                "nesterov": False,
                "weight_decay": 0,
                "betas": (0.9, 0.999),
                "maximize": None,
                "name": "body",
                "params": [0, 1],
            }
        ],
    }


@pytest.mark.parametrize("as_path", [True, False])
def test_state_dict_roundtrip(tmp_path, as_path):
    torch = _facade()
    state = OrderedDict(
        [
            ("fc1.weight", torch.randn(4, 3)),
            ("fc1.bias", torch.zeros(4)),
            ("bn.num_batches_tracked", torch.tensor(7)),
            ("mask", torch.tensor([True, False])),
            ("half", torch.ones(2, dtype=torch.float16)),
            ("bytes", torch.arange(5, dtype=torch.uint8)),
            ("double", torch.tensor([1.0, 2.0], dtype=torch.float64)),
        ]
    )
    obj = {"model": state, "optim": _optimizer_like_state(torch), "epoch": 3, "note": None}
    if as_path:
        path = tmp_path / "ckpt.pt"
        torch.save(obj, path)
        loaded = torch.load(str(path))
    else:
        buf = io.BytesIO()
        torch.save(obj, buf)
        buf.seek(0)
        loaded = torch.load(buf)
    assert isinstance(loaded["model"], OrderedDict)
    assert list(loaded["model"]) == list(state)
    for key, value in state.items():
        got = loaded["model"][key]
        assert isinstance(got, torch.Tensor) and got.dtype == value.dtype
        assert tuple(got.shape) == tuple(value.shape)
        np.testing.assert_array_equal(_np(got), _np(value))
    optim = loaded["optim"]
    assert list(optim["state"]) == [0, 1]  # int keys survive
    np.testing.assert_array_equal(_np(optim["state"][0]["momentum_buffer"]), np.ones((2, 2)))
    assert optim["param_groups"] == [
        {
            "lr": 0.1,
            "momentum": 0.9,
            "nesterov": False,
            "weight_decay": 0,
            "betas": (0.9, 0.999),
            "maximize": None,
            "name": "body",
            "params": [0, 1],
        }
    ]
    assert loaded["epoch"] == 3 and loaded["note"] is None


def test_flat_names_seen_by_a_plain_reader(tmp_path):
    torch = _facade()
    path = tmp_path / "ckpt.pt"
    torch.save({"model": {"fc.weight": torch.ones(2)}, "optim": _optimizer_like_state(torch)}, path)
    with open(path, "rb") as fh:
        arrays, metadata = read_safetensors(fh)
    assert set(arrays) == {
        "model.fc.weight",
        "optim.state.0.step",
        "optim.state.0.momentum_buffer",
        "optim.state.1.step",
        "optim.state.1.momentum_buffer",
    }
    assert metadata["format"] == "pt"
    assert json.loads(metadata["functorch_lite"])["version"] == 1


def test_bare_tensor_scalars_and_odd_values():
    torch = _facade()
    buf = io.BytesIO()
    t = torch.arange(6).reshape(2, 3)
    torch.save(t, buf)
    loaded = torch.load(io.BytesIO(buf.getvalue()))
    assert isinstance(loaded, torch.Tensor) and loaded.dtype == torch.int64
    np.testing.assert_array_equal(_np(loaded), np.arange(6).reshape(2, 3))
    odd = {
        "nan": float("nan"), "inf": float("-inf"), "big": 2**70, "bytes": b"\x00\xff",
        "complex": 1 + 2j, "tuple": (1, (2, "x")), "dtype": torch.float16,
        "device": torch.device("cpu"), "np": np.arange(3, dtype=np.uint16),
        "np_scalar": np.float32(2.5), 3.5: "float key", None: "none key", True: "bool key",
    }  # fmt: skip
    buf = io.BytesIO()
    torch.save(odd, buf)
    back = torch.load(io.BytesIO(buf.getvalue()))
    assert math.isnan(back["nan"]) and back["inf"] == float("-inf") and back["big"] == 2**70
    assert back["bytes"] == b"\x00\xff" and back["complex"] == 1 + 2j
    assert back["tuple"] == (1, (2, "x")) and back["dtype"] == torch.float16
    assert back["device"] == torch.device("cpu")
    assert back["np"].dtype == np.uint16 and back["np"].tolist() == [0, 1, 2]
    assert back["np_scalar"] == np.float32(2.5) and back["np_scalar"].dtype == np.float32
    assert back[3.5] == "float key" and back[None] == "none key" and back[True] == "bool key"


def test_shared_tensors_stay_shared_and_names_do_not_collide():
    torch = _facade()
    w = torch.ones(3)
    buf = io.BytesIO()
    torch.save(
        {"enc.weight": w, "dec.weight": w, "a.b": torch.zeros(1), "a": {"b": torch.ones(1)}}, buf
    )
    arrays, _ = read_safetensors(io.BytesIO(buf.getvalue()))
    assert set(arrays) == {"enc.weight", "a.b", "a.b#2"}  # w stored once
    back = torch.load(io.BytesIO(buf.getvalue()))
    assert back["enc.weight"] is back["dec.weight"]
    assert _np(back["a.b"]).tolist() == [0.0] and _np(back["a"]["b"]).tolist() == [1.0]


def test_requires_grad_is_kept():
    torch = _facade()
    buf = io.BytesIO()
    torch.save({"p": torch.ones(2, requires_grad=True), "q": torch.ones(2)}, buf)
    back = torch.load(io.BytesIO(buf.getvalue()))
    assert back["p"].requires_grad and not back["q"].requires_grad


def test_save_errors():
    torch = _facade()
    with pytest.raises(TypeError, match="cannot store object at 'a.0'.*state_dict"):
        torch.save({"a": [object()]}, io.BytesIO())
    with pytest.raises(TypeError, match="dict key \\(1, 2\\)"):
        torch.save({(1, 2): 1}, io.BytesIO())
    with pytest.raises(ValueError, match="never pickles"):
        torch.save({}, io.BytesIO(), pickle_module=pickle)
    with pytest.raises(TypeError, match="must be a path.*or a binary file object"):
        torch.save({}, 42)
    with pytest.raises(TypeError, match="complex128"):
        torch.save(torch.zeros(2, dtype=torch.complex128), io.BytesIO())


def test_save_failure_midway_keeps_old_checkpoint(tmp_path, monkeypatch):
    torch = _facade()
    path = tmp_path / "model.pt"
    torch.save({"w": torch.ones(3)}, path)

    def failing(fh, named, metadata):
        fh.write(b"partial")
        raise KeyboardInterrupt  # even an interrupt leaves the old file

    monkeypatch.setattr(ser, "write_safetensors", failing)
    with pytest.raises(KeyboardInterrupt):
        torch.save({"w": torch.zeros(3)}, path)
    monkeypatch.undo()
    np.testing.assert_array_equal(_np(torch.load(path)["w"]), np.ones(3))
    assert _temp_leftovers(tmp_path) == []


def test_load_foreign_and_missing_files(tmp_path):
    torch = _facade()
    pt = tmp_path / "model.pt"
    pt.write_bytes(_torch_zip_bytes())
    with pytest.raises(pickle.UnpicklingError, match="model.pt.*PyTorch pickle checkpoint"):
        torch.load(pt)
    with pytest.raises(RuntimeError, match="PyTorch pickle checkpoint"):
        torch.load(str(pt), weights_only=False)  # weights_only=False still never unpickles
    with pytest.raises(FileNotFoundError):
        torch.load(tmp_path / "missing.pt")
    with pytest.raises(ValueError, match="never unpickles"):
        torch.load(pt, pickle_module=pickle)


def test_load_plain_safetensors_file_and_map_location(tmp_path):
    torch = _facade()
    path = tmp_path / "plain.safetensors"
    with open(path, "wb") as fh:
        write_safetensors(fh, [("b", np.arange(3.0)), ("a", np.ones(2, np.int32))], None)
    for kwargs in (
        {},
        {"map_location": "cpu"},
        {"map_location": torch.device("cpu")},
        {"map_location": {"cuda:0": "cpu"}},
        {"mmap": True},
    ):
        loaded = torch.load(path, **kwargs)
        assert list(loaded) == ["b", "a"]  # file order
        assert loaded["a"].dtype == torch.int32 and str(loaded["a"].device) == "cpu"
        np.testing.assert_array_equal(_np(loaded["b"]), np.arange(3.0))
    seen = []
    loaded = torch.load(path, map_location=lambda t, where: seen.append(where) or t * 2)
    assert seen == ["cpu", "cpu"] and _np(loaded["b"]).tolist() == [0.0, 2.0, 4.0]
    with pytest.raises(TypeError, match="map_location must be"):
        torch.load(path, map_location=3)


def test_cuda_checkpoint_on_cpu_machine(tmp_path):
    torch = _facade()
    if torch.cuda.is_available():
        pytest.skip("this checks the CPU-only message")
    path = tmp_path / "gpu.pt"
    with open(path, "wb") as fh:  # what save writes for a tensor that lived on cuda:0
        tree = {"version": 1, "tree": {"$dict": [["w", {"$tensor": "w", "device": "cuda:0"}]]}}
        write_safetensors(
            fh,
            [("w", np.ones(2, np.float32))],
            {"format": "pt", "functorch_lite": json.dumps(tree)},
        )
    with pytest.raises(RuntimeError, match="torch.cuda.is_available\\(\\) is False.*map_location"):
        torch.load(path)
    assert _np(torch.load(path, map_location="cpu")["w"]).tolist() == [1.0, 1.0]
    assert _np(torch.load(path, map_location={"cuda:0": "cpu"})["w"]).tolist() == [1.0, 1.0]


def test_corrupt_tree_and_newer_format():
    torch = _facade()

    def file_with(doc: str) -> io.BytesIO:
        return io.BytesIO(
            _bytes([("w", np.ones(1, np.float32))], {"format": "pt", "functorch_lite": doc})
        )

    with pytest.raises(CorruptCheckpointError, match="structure metadata is corrupt"):
        torch.load(file_with("{not json"))
    with pytest.raises(CorruptCheckpointError, match="tensor 'zz' the file does not hold"):
        torch.load(file_with(json.dumps({"version": 1, "tree": {"$tensor": "zz"}})))
    with pytest.raises(CorruptCheckpointError, match="unknown node"):
        torch.load(file_with(json.dumps({"version": 1, "tree": {"$evil": "os.system"}})))
    with pytest.raises(CheckpointError, match="newer functorch_lite"):
        torch.load(file_with(json.dumps({"version": 99, "tree": None})))


def test_pytorch_and_safetensors_read_our_checkpoint(tmp_path):
    torch = _facade()
    st_torch = pytest.importorskip("safetensors.torch")
    real = pytest.importorskip("torch")
    if not hasattr(real, "from_numpy"):  # some other module named torch, not the library
        pytest.skip("PyTorch is not installed")
    path = tmp_path / "ours.safetensors"
    state = {
        "fc.weight": torch.randn(3, 2),
        "fc.bias": torch.zeros(3, dtype=torch.float64),
        "steps": torch.tensor([1, 2], dtype=torch.int64),
    }
    torch.save(state, path)
    theirs = st_torch.load_file(str(path))
    for key, value in state.items():
        assert isinstance(theirs[key], real.Tensor)
        np.testing.assert_array_equal(theirs[key].numpy(), _np(value))
    # and the other way: a real PyTorch state dict saved by safetensors loads here
    real_state = {"w": real.arange(6, dtype=real.float32).reshape(2, 3), "n": real.tensor(5)}
    other = tmp_path / "theirs.safetensors"
    st_torch.save_file(real_state, str(other))
    loaded = torch.load(other)
    assert loaded["w"].dtype == torch.float32 and loaded["n"].dtype == torch.int64
    np.testing.assert_array_equal(_np(loaded["w"]), real_state["w"].numpy())


@pytest.mark.parametrize("zipfile_format", [True, False])
def test_real_pytorch_checkpoints_are_refused_with_advice(tmp_path, zipfile_format, monkeypatch):
    torch = _facade()
    real = pytest.importorskip("torch")
    if not hasattr(real, "from_numpy"):  # some other module named torch, not the library
        pytest.skip("PyTorch is not installed")
    path = tmp_path / "model.pth"
    real.save(
        {"fc.weight": real.ones(2, 2)}, str(path), _use_new_zipfile_serialization=zipfile_format
    )

    def refuse(*args, **kwargs):
        raise AssertionError("the loader must never unpickle")

    monkeypatch.setattr(pickle, "Unpickler", refuse)
    monkeypatch.setattr(pickle, "load", refuse)
    what = "PyTorch pickle checkpoint" if zipfile_format else "legacy PyTorch pickle checkpoint"
    with pytest.raises(ForeignCheckpointError, match=f"{what}.*save_file"):
        torch.load(path)


def test_module_and_optimizer_state_dicts_roundtrip(tmp_path):
    torch = _facade()
    try:
        nn, optim = torch.nn, torch.optim
    except AttributeError:
        pytest.skip("functorch_lite.torch.nn / optim are not there yet")
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(torch.randn(5, 3)).sum().backward()
    opt.step()
    path = tmp_path / "ckpt.pt"
    torch.save({"model": model.state_dict(), "optim": opt.state_dict()}, path)
    ckpt = torch.load(path)
    fresh = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    fresh.load_state_dict(ckpt["model"])
    for (name, a), (_, b) in zip(model.state_dict().items(), fresh.state_dict().items()):
        np.testing.assert_array_equal(_np(a), _np(b), err_msg=name)
    fresh_opt = optim.SGD(fresh.parameters(), lr=0.5)
    fresh_opt.load_state_dict(ckpt["optim"])
    assert fresh_opt.param_groups[0]["lr"] == 0.1
    assert fresh_opt.param_groups[0]["momentum"] == 0.9
