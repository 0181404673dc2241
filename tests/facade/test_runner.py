"""`python -m functorch_lite.torch SCRIPT.py`: an unmodified PyTorch script runs on the facade,
with its argv, __name__ == "__main__", and tracebacks that show its lines."""
import subprocess
import sys
import textwrap

import pytest

import functorch_lite.torch as facade
from functorch_lite.torch import _runner

SCRIPT = textwrap.dedent("""
    import sys
    import torch
    from torch import autograd
    import torch.cuda

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    w = torch.tensor([1.0, 2.0], requires_grad=True, device=device)
    loss = ((w * torch.tensor([1.0, 2.0], device=device) + 3 - 5) ** 2).sum() / 2
    loss.backward()
    print("module", torch.__name__, autograd.__name__)
    print("argv", sys.argv[1:], __name__)
    print("grad", w.grad.tolist())
    if "--fail" in sys.argv:
        raise ValueError("failing on purpose at the script's line")
""")


def _run(tmp_path, *args):
    path = tmp_path / "train.py"
    path.write_text(SCRIPT)
    return subprocess.run([sys.executable, "-m", "functorch_lite.torch", str(path), *args],
                          capture_output=True, text=True, timeout=120)


def test_runs_script_with_torch_aliased(tmp_path):
    res = _run(tmp_path, "--epochs", "2")
    assert res.returncode == 0, res.stderr
    assert "module functorch_lite.torch functorch_lite.torch.autograd" in res.stdout
    assert "argv ['--epochs', '2'] __main__" in res.stdout
    assert "grad [-1.0, 4.0]" in res.stdout  # (w*x - 2) * x


def test_traceback_shows_script_lines(tmp_path):
    res = _run(tmp_path, "--fail")
    assert res.returncode != 0
    assert "train.py" in res.stderr and 'raise ValueError("failing on purpose' in res.stderr
    assert "runpy" not in res.stderr and "_runner.py" not in res.stderr  # only the script's frames
    assert res.stderr.startswith("Traceback") and "ValueError: failing on purpose" in res.stderr


def test_usage_and_missing_file(tmp_path):
    res = subprocess.run([sys.executable, "-m", "functorch_lite.torch"], capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 2 and "usage" in res.stdout
    res = subprocess.run([sys.executable, "-m", "functorch_lite.torch",
                          str(tmp_path / "nope.py")], capture_output=True, text=True, timeout=120)
    assert res.returncode == 2 and "can't open file" in res.stderr


def test_finder_in_process():
    _runner.install()
    try:
        import torch  # noqa: F401  (resolved by the facade finder)
        import torch.autograd

        assert sys.modules["torch"] is facade
        assert torch.autograd is facade.autograd
        with pytest.raises(ModuleNotFoundError):
            import torch.no_such_module  # noqa: F401
    finally:
        _runner.uninstall()
    assert "torch" not in sys.modules
