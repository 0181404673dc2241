"""``torch.optim``: optimizers (SGD, Adam, AdamW, RMSprop, Adagrad) and ``lr_scheduler``.

Each optimizer follows torch's names, signatures, defaults, update formulas and state-dict
layout; underneath, a step is a pure per-leaf update over core Arrays (docs/facade_optim.md).

Example:
    >>> import functorch_lite.torch as torch
    >>> w = torch.zeros(3, requires_grad=True)
    >>> opt = torch.optim.Adam([w], lr=0.1)
    >>> (w - 1.0).pow(2).sum().backward()
    >>> opt.step()
    >>> w
    tensor([0.1000, 0.1000, 0.1000], requires_grad=True)
"""
from __future__ import annotations

from . import lr_scheduler, optimizer
from .adagrad import Adagrad
from .adam import Adam
from .adamw import AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "lr_scheduler",
           "optimizer"]
