"""``torch.nn.functional``: the stateless forms of the nn layers, losses and activations.

Each function is a few recorded ops (``_autograd.apply``) over the functional core; the
derivatives are the core's primitive rules (see docs/facade_internals.md).
"""
from __future__ import annotations

from . import _linear
from ._linear import *  # noqa: F403

__all__: list[str] = [*_linear.__all__]
