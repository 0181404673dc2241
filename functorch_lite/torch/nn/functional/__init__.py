"""``torch.nn.functional``: the stateless forms of the nn layers, losses and activations.

Each function is a few recorded ops (``_autograd.apply``) over the functional core; the
derivatives are the core's primitive rules (see docs/facade_internals.md and
docs/facade_nn.md).

Example:
    >>> import functorch_lite.torch as torch
    >>> import functorch_lite.torch.nn.functional as F
    >>> F.cross_entropy(torch.zeros(2, 3), torch.tensor([0, 2])).item() > 1.09
    True
"""
from __future__ import annotations

from .. import _functional_attention
from .._functional_attention import *  # noqa: F403
from . import _activation, _conv, _linear, _loss, _misc, _norm
from ._activation import *  # noqa: F403
from ._conv import *  # noqa: F403
from ._linear import *  # noqa: F403
from ._loss import *  # noqa: F403
from ._misc import *  # noqa: F403
from ._norm import *  # noqa: F403

__all__: list[str] = [*_linear.__all__, *_activation.__all__, *_loss.__all__, *_conv.__all__,
                      *_norm.__all__, *_misc.__all__, *_functional_attention.__all__]
