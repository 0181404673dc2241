"""torchvision datasets on tiny fake files in the exact on-disk formats: CIFAR's pickled batches
(Python 2 style, written opcode by opcode, and Python 3 pickles), CIFAR's binary version,
MNIST's idx files (plain and gzip); the pickle reader refuses anything that would run code."""
import gzip
import os
import pickle
import struct
import tarfile

import numpy as np
import pytest

from functorch_lite.torchvision.datasets import CIFAR10, CIFAR100, MNIST, FashionMNIST
from functorch_lite.torchvision.datasets._safe_pickle import UnsafePickleError, load_data_pickle
from functorch_lite.torchvision.datasets.mnist import read_idx_file

CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
           "truck"]


# --- a Python 2 cPickle (protocol 2) writer, as the real CIFAR files were made --------------

def _s(raw: bytes) -> bytes:  # SHORT_BINSTRING / BINSTRING (a Python 2 str)
    if len(raw) < 256:
        return b"U" + bytes([len(raw)]) + raw
    return b"T" + struct.pack("<i", len(raw)) + raw


def _i(v: int) -> bytes:  # BININT1 / BININT2 / BININT
    if 0 <= v < 256:
        return b"K" + bytes([v])
    if 0 <= v < 65536:
        return b"M" + struct.pack("<H", v)
    return b"J" + struct.pack("<i", v)


def _py2_array(arr: np.ndarray) -> bytes:
    assert arr.dtype == np.uint8 and arr.ndim == 2
    out = b"cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\n" + _i(0) + b"\x85"
    out += _s(b"b") + b"\x87R"  # _reconstruct(ndarray, (0,), 'b')
    out += b"(" + _i(1) + _i(arr.shape[0]) + _i(arr.shape[1]) + b"\x86"
    out += b"cnumpy\ndtype\n" + _s(b"u1") + _i(0) + _i(1) + b"\x87R"
    out += b"(" + _i(3) + _s(b"|") + b"NNN" + _i(-1) + _i(-1) + _i(0) + b"tb"  # dtype state
    out += b"\x89" + _s(arr.tobytes()) + b"tb"  # (1, shape, dtype, False, raw) -> BUILD
    return out


def _py2_pickle(entries: dict) -> bytes:
    out = b"\x80\x02}q\x01("
    for key, value in entries.items():
        out += _s(key.encode())
        if isinstance(value, np.ndarray):
            out += _py2_array(value)
        elif isinstance(value, list):
            out += b"](" + b"".join(_s(v.encode()) if isinstance(v, str) else _i(v)
                                   for v in value) + b"e"
        elif isinstance(value, int):
            out += _i(value)
        else:
            out += _s(value.encode())
    return out + b"u."


def _batches(n_per_batch, n_batches, seed=0):
    rng = np.random.default_rng(seed)
    data = rng.integers(0, 256, (n_per_batch * n_batches, 3072), dtype=np.uint8)
    labels = rng.integers(0, 10, n_per_batch * n_batches).tolist()
    return data, labels


def _write_cifar_py(root, data, labels, test_data, test_labels, style="py2"):
    folder = os.path.join(root, "cifar-10-batches-py")
    os.makedirs(folder, exist_ok=True)
    dump = _py2_pickle if style == "py2" else (lambda d: pickle.dumps(d, protocol=style))
    per = len(data) // 5
    for k in range(5):
        entry = {"batch_label": f"training batch {k + 1} of 5",
                 "labels": labels[k * per:(k + 1) * per],
                 "data": data[k * per:(k + 1) * per]}
        with open(os.path.join(folder, f"data_batch_{k + 1}"), "wb") as f:
            f.write(dump(entry))
    with open(os.path.join(folder, "test_batch"), "wb") as f:
        f.write(dump({"batch_label": "testing batch 1 of 1", "labels": test_labels,
                      "data": test_data}))
    with open(os.path.join(folder, "batches.meta"), "wb") as f:
        f.write(dump({"num_cases_per_batch": per, "label_names": CLASSES, "num_vis": 3072}))


def test_handwritten_py2_pickle_is_what_numpy_reads():
    data, labels = _batches(3, 1)
    blob = _py2_pickle({"data": data, "labels": labels})
    ref = pickle.loads(blob, encoding="latin1")  # numpy's own reading of the same bytes
    np.testing.assert_array_equal(ref["data"], data)
    ours = load_data_pickle(blob)
    np.testing.assert_array_equal(ours["data"], data)
    assert ours["labels"] == labels and ours["data"].dtype == np.uint8


@pytest.mark.parametrize("style", ["py2", 2, 4, 5])
def test_cifar10_reads_pickled_batches(tmp_path, style):
    data, labels = _batches(4, 5)
    test_data, test_labels = _batches(6, 1, seed=1)
    _write_cifar_py(str(tmp_path), data, labels, test_data, test_labels, style)
    train = CIFAR10(str(tmp_path), train=True)
    assert len(train) == 20 and train.classes == CLASSES
    assert train.data.shape == (20, 32, 32, 3) and train.data.dtype == np.uint8
    # the row layout: 1024 red, then green, then blue values, each row-major 32x32
    np.testing.assert_array_equal(train.data[3, :, :, 1], data[3, 1024:2048].reshape(32, 32))
    assert train.targets == labels
    assert train.class_to_idx["cat"] == 3
    test = CIFAR10(str(tmp_path), train=False, download=True)  # files present: no-op
    assert len(test) == 6 and test.targets == test_labels
    img, target = test[2]
    assert target == test_labels[2]
    np.testing.assert_array_equal(np.asarray(img), test.data[2])
    assert "Split: Test" in repr(test) and "Number of datapoints: 6" in repr(test)


def test_cifar10_transform_and_target_transform(tmp_path):
    data, labels = _batches(2, 5)
    _write_cifar_py(str(tmp_path), data, labels, data[:2], labels[:2])
    ds = CIFAR10(str(tmp_path), transform=lambda im: np.asarray(im).sum(),
                 target_transform=lambda t: t + 100)
    value, target = ds[1]
    assert value == int(ds.data[1].astype(np.int64).sum()) and target == labels[1] + 100


def test_cifar10_binary_version(tmp_path):
    folder = tmp_path / "cifar-10-batches-bin"
    folder.mkdir()
    rng = np.random.default_rng(3)
    all_px, all_lab = [], []
    for name in [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]:
        px = rng.integers(0, 256, (2, 3072), dtype=np.uint8)
        lab = rng.integers(0, 10, 2).astype(np.uint8)
        (folder / name).write_bytes(np.concatenate([lab[:, None], px], axis=1).tobytes())
        all_px.append(px)
        all_lab.append(lab)
    (folder / "batches.meta.txt").write_text("\n".join(CLASSES) + "\n\n")
    ds = CIFAR10(str(tmp_path), train=True)
    assert len(ds) == 10 and ds.classes == CLASSES
    assert ds.targets == np.concatenate(all_lab[:5]).tolist()
    np.testing.assert_array_equal(ds.data[7].transpose(2, 0, 1).reshape(-1),
                                  np.concatenate(all_px[:5])[7])
    (folder / "test_batch.bin").write_bytes(b"\x00" * 100)
    with pytest.raises(ValueError, match="truncated"):
        CIFAR10(str(tmp_path), train=False)


def test_cifar100_fine_labels(tmp_path):
    folder = tmp_path / "cifar-100-python"
    folder.mkdir()
    data, labels = _batches(3, 1)
    for name in ("train", "test"):
        (folder / name).write_bytes(pickle.dumps(
            {"data": data, "fine_labels": labels, "coarse_labels": [0, 0, 0]}, protocol=2))
    (folder / "meta").write_bytes(pickle.dumps(
        {"fine_label_names": [f"c{i}" for i in range(100)], "coarse_label_names": []}))
    ds = CIFAR100(str(tmp_path), train=False)
    assert ds.targets == labels and ds.classes[5] == "c5"


def test_cifar10_missing_files_say_where(tmp_path):
    with pytest.raises(RuntimeError, match="cifar-10-batches-py") as e:
        CIFAR10(str(tmp_path), train=True)
    assert "data_batch_1" in str(e.value) and "cifar-10-python.tar.gz" in str(e.value)
    with pytest.raises(RuntimeError, match="download=True cannot fetch"):
        CIFAR10(str(tmp_path), train=False, download=True)


def test_cifar10_download_unpacks_a_local_archive(tmp_path):
    src = tmp_path / "src"
    data, labels = _batches(2, 5)
    _write_cifar_py(str(src), data, labels, data[:3], labels[:3], style=2)
    root = tmp_path / "root"
    root.mkdir()
    with tarfile.open(root / "cifar-10-python.tar.gz", "w:gz") as tar:
        tar.add(src / "cifar-10-batches-py", arcname="cifar-10-batches-py")
    ds = CIFAR10(str(root), train=False, download=True)
    assert ds.targets == labels[:3]


def test_archive_with_escaping_member_is_refused(tmp_path):
    bad = tmp_path / "cifar-10-python.tar.gz"
    payload = tmp_path / "payload"
    payload.write_bytes(b"x")
    with tarfile.open(bad, "w:gz") as tar:
        tar.add(payload, arcname="../escaped")
    with pytest.raises(RuntimeError, match="refusing to extract"):
        CIFAR10(str(tmp_path), download=True)
    assert not (tmp_path.parent / "escaped").exists()


# --- the pickle reader refuses code -----------------------------------------------------------

CALLS = []


def _record(arg):
    CALLS.append(arg)
    return arg


class _Evil:
    def __reduce__(self):
        return (_record, ("ran",))


def test_pickle_reader_never_calls_globals_from_the_file(tmp_path):
    CALLS.clear()
    blob = pickle.dumps({"data": _Evil()}, protocol=2)
    with pytest.raises(UnsafePickleError, match="refusing to load the global"):
        load_data_pickle(blob)
    assert CALLS == []
    os_system = b"\x80\x02cos\nsystem\nU\x04trueq\x00\x85R."
    with pytest.raises(UnsafePickleError, match="os.system"):
        load_data_pickle(os_system)
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch", "batches.meta"]:
        (folder / name).write_bytes(blob)
    with pytest.raises(UnsafePickleError):
        CIFAR10(str(tmp_path))
    assert CALLS == []


def test_pickle_reader_refuses_object_arrays_and_reports_truncation():
    with pytest.raises(UnsafePickleError, match="kind 'O'"):
        load_data_pickle(pickle.dumps(np.array([None, 1], dtype=object), protocol=2))
    blob = _py2_pickle({"data": np.zeros((2, 3072), np.uint8), "labels": [0, 1]})
    with pytest.raises(pickle.UnpicklingError, match="truncated or corrupt"):
        load_data_pickle(blob[: len(blob) // 2])
    # numbers, floats, nested containers and big-endian arrays come through
    value = {"a": [1.5, (2, "x")], "b": np.arange(4, dtype=">i4").reshape(2, 2), "c": None}
    out = load_data_pickle(pickle.dumps(value, protocol=4))
    assert out["a"] == [1.5, (2, "x")] and out["c"] is None
    np.testing.assert_array_equal(out["b"], value["b"])


# --- MNIST idx files ------------------------------------------------------------------------

def _idx(arr: np.ndarray, code: int = 0x08) -> bytes:
    header = bytes([0, 0, code, arr.ndim]) + b"".join(struct.pack(">I", d) for d in arr.shape)
    return header + arr.astype(arr.dtype.newbyteorder(">")).tobytes()


def _write_mnist(root, name="MNIST", n_train=5, n_test=3, gz=False):
    raw = os.path.join(root, name, "raw")
    os.makedirs(raw, exist_ok=True)
    rng = np.random.default_rng(4)
    out = {}
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, n).astype(np.uint8)
        for kind, arr, nd in (("images", images, 3), ("labels", labels, 1)):
            path = os.path.join(raw, f"{prefix}-{kind}-idx{nd}-ubyte" + (".gz" if gz else ""))
            with (gzip.open if gz else open)(path, "wb") as f:
                f.write(_idx(arr))
        out[prefix] = (images, labels)
    return out


def test_read_idx_file_types_and_errors(tmp_path):
    p = tmp_path / "x"
    arr = np.arange(6, dtype=np.int16).reshape(2, 3) - 3
    p.write_bytes(_idx(arr, 0x0B))
    out = read_idx_file(p)
    np.testing.assert_array_equal(out, arr)
    assert out.dtype == np.int16 and out.dtype.byteorder in ("=", "|", "<")
    p.write_bytes(b"\x01\x02\x08\x01" + b"\x00" * 8)
    with pytest.raises(ValueError, match="not an idx file"):
        read_idx_file(p)
    p.write_bytes(_idx(np.zeros(10, np.uint8))[:-3])
    with pytest.raises(ValueError, match="truncated"):
        read_idx_file(p)


@pytest.mark.parametrize("gz", [False, True])
def test_mnist_reads_idx_files(tmp_path, gz):
    made = _write_mnist(str(tmp_path), gz=gz)
    ds = MNIST(str(tmp_path), train=True)
    assert len(ds) == 5
    np.testing.assert_array_equal(ds.data.numpy(), made["train"][0])
    assert ds.targets.tolist() == made["train"][1].tolist()
    assert str(ds.targets.dtype).endswith("int64") and str(ds.data.dtype).endswith("uint8")
    img, target = ds[4]
    assert isinstance(target, int) and target == int(made["train"][1][4])
    np.testing.assert_array_equal(np.asarray(img), made["train"][0][4])
    test = MNIST(str(tmp_path), train=False)
    assert len(test) == 3 and test.classes[7] == "7 - seven"
    assert ds.class_to_idx["3 - three"] == 3


def test_mnist_missing_files_say_where(tmp_path):
    with pytest.raises(RuntimeError) as e:
        MNIST(str(tmp_path), download=True)
    msg = str(e.value)
    assert os.path.join(str(tmp_path), "MNIST", "raw") in msg
    assert "train-images-idx3-ubyte" in msg and "download=True" in msg
    with pytest.raises(RuntimeError, match="t10k-labels-idx1-ubyte"):
        FashionMNIST(str(tmp_path), train=False)


def test_fashion_mnist_folder_and_classes(tmp_path):
    _write_mnist(str(tmp_path), name="FashionMNIST")
    ds = FashionMNIST(str(tmp_path))
    assert len(ds) == 5 and ds.classes[9] == "Ankle boot"


def test_a_vision_dataset_subclass_must_implement_getitem_and_len():
    from functorch_lite.torchvision.datasets import VisionDataset

    class Empty(VisionDataset):
        pass

    ds = Empty("/nonexistent")
    with pytest.raises(NotImplementedError, match=r"Empty must implement __getitem__\(index\)"):
        ds[0]
    with pytest.raises(NotImplementedError, match=r"Empty must implement __len__\(\)"):
        len(ds)
