"""Run an unmodified PyTorch script on the facade: ``python -m functorch_lite.torch SCRIPT.py``.

A meta-path finder maps every ``torch`` module name to the facade: ``torch`` ->
``functorch_lite.torch``, ``torch.X.Y`` -> ``functorch_lite.torch.X.Y`` (whatever submodules
exist, so new ones need no change here), ``torchvision...`` -> ``functorch_lite.torchvision...``.
The alias is the facade module object itself, so ``import torch.nn as nn`` and
``functorch_lite.torch.nn`` are one module.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import runpy
import sys
import traceback
from typing import Any

ALIASES = {"torch": "functorch_lite.torch", "torchvision": "functorch_lite.torchvision"}


def _target(fullname: str) -> str | None:
    for alias, real in ALIASES.items():
        if fullname == alias or fullname.startswith(alias + "."):
            return real + fullname[len(alias):]
    return None


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: str):
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> Any:
        return importlib.import_module(self.target)

    def exec_module(self, module: Any) -> None:
        # The facade module is already executed; the import system just records it under
        # the alias name (sys.modules["torch.nn"] is functorch_lite.torch.nn).
        pass


class FacadeFinder(importlib.abc.MetaPathFinder):
    """Resolves ``torch``/``torchvision`` imports to the facade's modules."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        real = _target(fullname)
        if real is None:
            return None
        try:
            real_spec = importlib.util.find_spec(real)
        except (ImportError, ValueError):
            real_spec = None
        if real_spec is None:
            return None  # torch.something the facade lacks: a normal ModuleNotFoundError
        spec = importlib.machinery.ModuleSpec(
            fullname, _AliasLoader(real), is_package=real_spec.submodule_search_locations
            is not None
        )
        if real_spec.submodule_search_locations is not None:
            spec.submodule_search_locations = list(real_spec.submodule_search_locations)
        return spec


def install() -> None:
    """Make ``import torch`` / ``import torchvision`` load the facade in this process (it goes
    first on sys.meta_path, ahead of a real torch if one is installed)."""
    for name in list(sys.modules):
        if _target(name) is not None and not getattr(sys.modules[name], "__name__",
                                                     "").startswith("functorch_lite"):
            del sys.modules[name]  # a real torch imported earlier
    if not any(isinstance(f, FacadeFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, FacadeFinder())


def uninstall() -> None:
    """Undo ``install`` (remove the finder and the alias entries in sys.modules)."""
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, FacadeFinder)]
    for name in list(sys.modules):
        if _target(name) is not None and name.split(".")[0] in ALIASES:
            del sys.modules[name]


USAGE = """usage: python -m functorch_lite.torch SCRIPT.py [ARGS...]
       python -m functorch_lite.torch -m MODULE [ARGS...]

Runs a PyTorch script with `torch` and `torchvision` resolving to functorch_lite's facade.
"""


def main(argv: list[str] | None = None) -> int:
    """The ``python -m functorch_lite.torch`` entry point."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE, end="")
        return 0 if argv else 2
    install()
    if argv[0] == "-m":
        if len(argv) < 2:
            print(USAGE, end="", file=sys.stderr)
            return 2
        sys.argv = [argv[1]] + argv[2:]
        sys.path.insert(0, os.getcwd())
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
        return 0
    script = argv[0]
    if not os.path.exists(script):
        print(f"python -m functorch_lite.torch: can't open file '{script}': no such file",
              file=sys.stderr)
        return 2
    sys.argv = [script] + argv[1:]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    try:
        runpy.run_path(script, run_name="__main__")
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as e:  # noqa: BLE001  (reported like Python would, minus our frames)
        _print_from(e, os.path.abspath(script))
        return 1
    return 0


def _print_from(e: BaseException, script: str) -> None:
    """Print ``e``'s traceback starting at the script's first frame (the runner's and runpy's
    frames above it are noise to the user)."""
    tb = e.__traceback__
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) != script:
        tb = tb.tb_next
    traceback.print_exception(type(e), e, tb or e.__traceback__)
