"""``torch.nn``: Module, Parameter, layers, losses, ``nn.functional`` and ``nn.init``.

Layers are stateful Modules over the facade's tensors; every forward is a few recorded ops of
the functional core (see docs/facade_nn.md).

Example:
    >>> import functorch_lite.torch as torch
    >>> net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    >>> net(torch.randn(5, 4)).shape
    torch.Size([5, 2])
"""
from __future__ import annotations

from . import functional, init, modules, parameter, utils  # noqa: F401
from .modules import *  # noqa: F403
from .modules import __all__ as _modules_all
from .parameter import Buffer, Parameter

__all__ = ["Parameter", "Buffer", "functional", "init", "utils", *_modules_all]
