"""The public surface: every exported name exists, and every public function documents itself."""
import inspect

import pytest

import functorch_lite as fl
import functorch_lite.nn.initializers
import functorch_lite.numpy.linalg
import functorch_lite.scipy.special  # noqa: F401
import functorch_lite.torch as ft
import functorch_lite.torch.func
import functorch_lite.torch.optim.lr_scheduler
import functorch_lite.torch.utils.data
import functorch_lite.torchvision as tv
import functorch_lite.torchvision.datasets
import functorch_lite.torchvision.models
import functorch_lite.torchvision.transforms  # noqa: F401

MODULES = [fl, fl.numpy, fl.numpy.linalg, fl.lax, fl.random, fl.nn, fl.nn.initializers,
           fl.scipy.special, fl.tree_util, fl.test_util, fl.errors, ft, ft.nn, ft.nn.functional,
           ft.nn.init, ft.optim, ft.optim.lr_scheduler, ft.func, ft.utils.data,
           tv.transforms, tv.datasets, tv.models]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_all_names_exist(module):
    missing = [n for n in module.__all__ if not hasattr(module, n)]
    assert not missing, f"{module.__name__}.__all__ lists undefined names: {missing}"


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_public_functions_have_docstrings(module):
    undocumented = []
    for name in module.__all__:
        obj = getattr(module, name)
        if (inspect.isfunction(obj) or inspect.isclass(obj)) and not (obj.__doc__ or "").strip():
            undocumented.append(name)
    assert not undocumented, f"{module.__name__}: no docstring on {undocumented}"


def test_lax_covers_the_core_operations():
    for name in ["add", "mul", "sin", "exp", "select", "dot_general", "reduce_sum", "reshape",
                 "broadcast_in_dim", "gather", "scatter", "cond", "stop_gradient", "slice"]:
        assert callable(getattr(fl.lax, name)), name


def test_lax_broadcast_in_dim_takes_python_scalars():
    # (as JAX's lax does: the scalar is an array of the default dtype)
    import numpy as np

    from functorch_lite import lax

    out = lax.broadcast_in_dim(2.0, (4, 2), ())
    assert out.shape == (4, 2) and out.dtype == np.float32
    np.testing.assert_array_equal(np.asarray(out), np.full((4, 2), 2.0, np.float32))
    np.testing.assert_array_equal(np.asarray(fl.jit(lambda: lax.broadcast_in_dim(3, (2,), ()))()),
                                  [3, 3])


def test_docs_api_md_is_regenerated(capsys):
    # docs/api.md lists every public name with its signature; adding or changing one means
    # running `python docs/gen_api.py > docs/api.md` in the same commit.
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("gen_api", root / "docs" / "gen_api.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    gen.main()
    assert capsys.readouterr().out == (root / "docs" / "api.md").read_text(), (
        "docs/api.md is out of date: run `python docs/gen_api.py > docs/api.md`")
