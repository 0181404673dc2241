"""The seed documents' code examples (examples/seeds/) run, both ways, and print sensible results.

Every script runs in a subprocess with ``--quick``, once directly (``python SCRIPT``: its
preamble makes ``import torch`` load the facade) and once through ``python -m
functorch_lite.torch SCRIPT`` (the runner's aliases), each in its own empty working directory.
Both runs must exit with status 0, print no traceback, print the same output (the scripts seed
every random draw), and print the values that script's training or computation must give. One
more run trains the seed CNN (document 003's SimpleCNN) on its full schedule, which must reach
at least 90% accuracy on the held-out digits. The runs go two at a time (two cores in CI).

The data stand-in (examples/seeds/_data.py) is checked in this process against scikit-learn's
``load_digits`` and the facade's CIFAR-10 reader.
"""
from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "examples" / "seeds"
SCRIPTS = sorted(p.name for p in SEEDS.glob("[0-9]*.py"))
MODES = ("direct", "runner")

# One script per code example of the five documents (blocks that continue one program share a
# script; blocks 6-7 of document 000 repeat blocks 1-2 word for word). See examples/seeds/README.
EXPECTED_SCRIPTS = [
    "000_2_simple_net_training.py", "000_3_no_grad.py", "000_4_resnet18_pretrained.py",
    "000_5_dataloader_cifar10.py", "000_8_resnet18_in_files.py",
    "001_1_tensor_creation.py", "001_2_autograd.py", "001_3_feedforward_net.py",
    "001_4_cifar10_cnn.py", "001_5_gpu_device.py", "001_8_lstm.py", "001_9_attention.py",
    "002_1_linear_regression.py",
    "003_1_simple_cnn.py", "003_2_save_load.py", "003_3_multitask.py",
    "004_1_linear_regression.py", "004_2_mlp.py",
]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # the working tree's functorch_lite first; _data.py is found next to each script
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    # one BLAS thread per run (two runs share two cores; more threads only contend)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = "1"
    env["MPLBACKEND"] = "Agg"
    env["TORCH_HOME"] = str(ROOT / "tests" / "no-such-torch-home")  # no local resnet weights
    return env


def _run(script: str, mode: str, cwd: Path, quick: bool = True) -> subprocess.CompletedProcess:
    cwd.mkdir(parents=True, exist_ok=True)
    path = str(SEEDS / script)
    cmd = [sys.executable, path] if mode == "direct" else [
        sys.executable, "-m", "functorch_lite.torch", path]
    cmd += ["--quick"] if quick else []
    return subprocess.run(cmd, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[tuple[str, str], subprocess.CompletedProcess]:
    """Every (script, mode) run with --quick, plus ("003_1_simple_cnn.py", "full")."""
    base = tmp_path_factory.mktemp("seed_runs")
    jobs = [("003_1_simple_cnn.py", "full")]  # the longest run first
    jobs += [(script, mode) for script in SCRIPTS for mode in MODES]

    def one(job):
        script, mode = job
        cwd = base / f"{Path(script).stem}-{mode}"
        if mode == "full":
            return job, _run(script, "direct", cwd, quick=False)
        return job, _run(script, mode, cwd)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(one, jobs))


def _value(out: str, label: str) -> float:
    """The number after ``label`` on its (last) line of ``out``."""
    found = re.findall(re.escape(label) + r"\s*(-?[0-9.]+(?:e-?\d+)?)", out)
    assert found, f"no {label!r} in the output:\n{out}"
    return float(found[-1])


def _trained(out: str, *, accuracy: float | None = None, ratio: float = 1.0) -> None:
    """The final loss is finite and below ``ratio`` times the first; the test accuracy, when
    printed, is a fraction at least ``accuracy``."""
    first, final = _value(out, "first loss:"), _value(out, "final loss:")
    assert math.isfinite(first) and math.isfinite(final)
    assert final < ratio * first, (first, final)
    if accuracy is not None:
        acc = _value(out, "test accuracy:")
        assert accuracy <= acc <= 1.0, acc


def _check_000_3(out: str) -> None:
    assert "outside no_grad: requires_grad=True, grad_fn=AddmmBackward0" in out
    assert "inside no_grad: requires_grad=False, grad_fn=None" in out


def _check_resnet(out: str) -> None:
    # no weights file (TORCH_HOME points nowhere): the except branch, then fine-tuning steps
    assert "starting from random weights" in out
    assert "ResNet18_Weights.IMAGENET1K_V1: no local weights file" in out
    assert re.search(r"step 1/\d+: loss", out)
    first, final = _value(out, "first loss:"), _value(out, "final loss:")
    assert math.isfinite(first) and math.isfinite(final)
    assert 0.0 <= _value(out, "test accuracy:") <= 1.0


def _check_001_1(out: str) -> None:
    assert "cuda available: False" in out or "cuda available: True" in out
    assert "x = tensor([1., 2., 3.]" in out and "dtype=torch.float32" in out


def _check_001_2(out: str) -> None:
    # dJ/dw = (w*x + b - t) * x = [1, 2] * [1, 2]; dJ/db = sum([1, 2]) on a 0-d tensor
    lines = out.splitlines()
    assert lines[0] == "tensor([1., 4.])" and lines[1] == "tensor(3.)"
    assert "by hand: dJ/dw = [1.0, 4.0], dJ/db = 3.0" in out
    assert _value(out, "loss:") == 2.5  # (1^2 + 2^2) / 2


def _check_001_3(out: str) -> None:
    assert "(fc1): Linear(in_features=2, out_features=3, bias=True)" in out
    assert "outputs: shape (4, 2), grad_fn AddmmBackward0" in out
    assert "fc1.weight.grad shape (3, 2)" in out
    before = _value(out, "loss before")
    after = _value(out, "after one gradient step")
    assert after < before


def _check_001_4(out: str) -> None:
    epochs = re.findall(r"^Epoch (\d+) loss: ([0-9.]+)$", out, re.M)
    assert [int(e) for e, _ in epochs] == list(range(1, 11))
    assert all(0 < float(loss) < 3.0 for _, loss in epochs)  # near ln(10) = 2.30 at start
    assert "Finished Training" in out
    assert 0.0 <= _value(out, "test accuracy:") <= 1.0


def _check_001_5(out: str) -> None:
    assert "device: cpu; x on cpu; parameters on cpu" in out or "cuda:0" in out
    assert _value(out, "after 100 steps") < 0.01 * _value(out, "first step")


def _check_001_9(out: str) -> None:
    assert _value(out, "attention weights sum to") == 1.0
    assert _value(out, "mean weight on the flagged item") > 0.5  # attention found the flag
    _trained(out, accuracy=0.4)  # five classes: chance is 0.2


def _check_002_1(out: str) -> None:
    assert re.search(r"Epoch \[100/100\], Loss: [0-9.]+", out)
    _trained(out, ratio=0.1)
    assert 0.5 < _value(out, "learned weight") < 1.1


def _check_003_2(out: str) -> None:
    assert "8 tensors: conv1.conv.weight, conv1.conv.bias" in out
    assert _value(out, "max |difference| before loading:") > 0.01
    assert _value(out, "max |difference| after loading:") == 0.0


def _check_003_3(out: str) -> None:
    heads = re.search(r"test accuracy: ([0-9.]+) \(head 1\), ([0-9.]+) \(head 2\)", out)
    assert heads and min(float(heads[1]), float(heads[2])) >= 0.7  # two classes
    _trained(out)


def _check_004_1(out: str) -> None:
    weight = _value(out, "learned y =")
    assert abs(weight - 2.0) < 0.05
    _trained(out, ratio=1e-4)


def _check_004_2(out: str) -> None:
    _trained(out, ratio=0.01)


CHECKS = {
    "000_2_simple_net_training.py": lambda out: _trained(out, accuracy=0.3),
    "000_3_no_grad.py": _check_000_3,
    "000_4_resnet18_pretrained.py": _check_resnet,
    "000_5_dataloader_cifar10.py": lambda out: _trained(out, accuracy=0.25),
    "000_8_resnet18_in_files.py": _check_resnet,
    "001_1_tensor_creation.py": _check_001_1,
    "001_2_autograd.py": _check_001_2,
    "001_3_feedforward_net.py": _check_001_3,
    "001_4_cifar10_cnn.py": _check_001_4,
    "001_5_gpu_device.py": _check_001_5,
    "001_8_lstm.py": lambda out: _trained(out, accuracy=0.3),  # five classes
    "001_9_attention.py": _check_001_9,
    "002_1_linear_regression.py": _check_002_1,
    "003_1_simple_cnn.py": lambda out: _trained(out, accuracy=0.5),
    "003_2_save_load.py": _check_003_2,
    "003_3_multitask.py": _check_003_3,
    "004_1_linear_regression.py": _check_004_1,
    "004_2_mlp.py": _check_004_2,
}


def test_one_script_per_code_example():
    assert SCRIPTS == EXPECTED_SCRIPTS
    assert sorted(CHECKS) == EXPECTED_SCRIPTS


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("script", EXPECTED_SCRIPTS)
def test_seed_script_runs(runs, script, mode):
    proc = runs[(script, mode)]
    assert proc.returncode == 0, f"{script} ({mode}) failed:\n{proc.stdout}\n{proc.stderr}"
    assert "Traceback" not in proc.stderr, proc.stderr
    CHECKS[script](proc.stdout)


@pytest.mark.parametrize("script", EXPECTED_SCRIPTS)
def test_both_ways_print_the_same(runs, script):
    # seeded everywhere: the facade through the preamble and through the runner is one program
    assert runs[(script, "direct")].stdout == runs[(script, "runner")].stdout


def test_seed_cnn_reaches_90_percent_on_held_out_digits(runs):
    proc = runs[("003_1_simple_cnn.py", "full")]
    assert proc.returncode == 0, proc.stderr
    epochs = re.findall(r"^epoch (\d+)/10: loss [0-9.]+, test accuracy ([0-9.]+)$",
                        proc.stdout, re.M)
    assert [int(e) for e, _ in epochs] == list(range(1, 11))
    assert _value(proc.stdout, "test accuracy:") >= 0.90
    _trained(proc.stdout, ratio=0.5)


def test_preamble_makes_torch_the_facade(tmp_path):
    # even where a real torch is installed, the preamble's aliases win
    script = tmp_path / "which.py"
    script.write_text(
        "from functorch_lite.torch._runner import install; install()\n"
        "import torch, torch.nn as nn, torchvision, torchvision.transforms as T\n"
        "from torch.utils.data import DataLoader\n"
        "print(torch.__name__, nn.__name__, torchvision.__name__, T.__name__,"
        " DataLoader.__module__.split('.')[0])\n")
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=_env(),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [
        "functorch_lite.torch", "functorch_lite.torch.nn", "functorch_lite.torchvision",
        "functorch_lite.torchvision.transforms", "functorch_lite"]


# --- the data stand-in ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def data():
    sys.path.insert(0, str(SEEDS))
    try:
        import _data
    finally:
        sys.path.remove(str(SEEDS))
    assert not _data.QUICK
    return _data


def test_digits_are_sklearns(data):
    from sklearn.datasets import load_digits

    digits = load_digits()
    images, labels = data.load_digits_arrays()
    np.testing.assert_array_equal(images, digits.images)
    np.testing.assert_array_equal(labels, digits.target)


def test_digits_split_is_fixed_stratified_and_disjoint(data):
    x_train, y_train, x_test, y_test = data.digits_split()
    images, labels = data.load_digits_arrays()
    assert len(x_train) + len(x_test) == len(images) == 1797
    np.testing.assert_array_equal(np.bincount(y_test), np.bincount(labels) // 5)
    # every image once: the split is a partition of the data set (as a multiset of images)
    got = np.unique(np.concatenate([x_train, x_test]).reshape(-1, 64), axis=0, return_counts=True)
    ref = np.unique((images / 16.0).astype(np.float32).reshape(-1, 64), axis=0,
                    return_counts=True)
    np.testing.assert_array_equal(got[0], ref[0])
    np.testing.assert_array_equal(got[1], ref[1])
    assert x_train.dtype == np.float32 and 0.0 <= x_train.min() and x_train.max() == 1.0


def test_resize_keeps_constants_and_frames_them(data):
    ones = np.ones((2, 8, 8), np.float32)
    out = data.resize(ones, 20, 28)
    assert out.shape == (2, 28, 28)
    np.testing.assert_allclose(out[:, 4:24, 4:24], 1.0, rtol=1e-6)
    assert out[:, :4].sum() == 0 and out[:, 24:].sum() == 0
    ramp = np.tile(np.arange(8, dtype=np.float64), (1, 8, 1))
    np.testing.assert_allclose(data.resize(ramp, 8), ramp)  # same size: unchanged


def test_shaped_datasets(data):
    x, y = data.mnist_like(train=False, flatten=True).tensors
    assert tuple(x.shape) == (355, 784) and str(x.dtype) == "torch.float32"
    assert str(y.dtype) == "torch.int64"
    x = data.mnist_like(train=True).tensors[0].numpy()
    assert x.shape == (1442, 1, 28, 28) and x.min() >= 0 and x.max() <= 1
    assert x[:, :, :4].sum() == 0  # MNIST-like border
    x = data.small_digits(train=True).tensors[0].numpy()
    assert x.shape == (1442, 1, 11, 11)
    assert abs(x.mean()) < 1e-4 and abs(x.std() - 1) < 1e-4  # standardised on training data
    xb, yb = data.binary_digits(train=False).tensors
    np.testing.assert_array_equal(yb.numpy(), (data.digits_split()[3] >= 5).astype(np.int64))
    xr, yr = data.digit_rows(train=False).tensors
    assert tuple(xr.shape)[1:] == (10, 10) and set(yr.tolist()) == {0, 1, 2, 3, 4}


def test_cifar10_files_read_back_through_the_facade(data, tmp_path):
    from functorch_lite.torchvision.datasets import CIFAR10

    data.write_cifar10(tmp_path)
    train = CIFAR10(str(tmp_path), train=True)
    test = CIFAR10(str(tmp_path), train=False, download=True)
    x_train, y_train, x_test, y_test = data.digits_split()
    assert train.data.shape == (1442, 32, 32, 3) and train.data.dtype == np.uint8
    assert test.data.shape == (355, 32, 32, 3)
    assert train.targets == y_train.tolist() and test.targets == y_test.tolist()
    expected = np.round(data.resize(x_test, 24, 32) * 255).astype(np.uint8)
    for channel in range(3):
        np.testing.assert_array_equal(test.data[..., channel], expected)
    assert train.classes == [str(d) for d in range(10)]
