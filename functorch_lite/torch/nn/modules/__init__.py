"""The nn layer classes (one file per family, as torch's ``torch/nn/modules``)."""
from __future__ import annotations

from . import (
    activation,
    activation_attention,
    batchnorm,
    container,
    conv,
    dropout,
    flatten,
    linear,
    loss,
    normalization,
    padding,
    pooling,
    rnn,
    sparse,
    transformer,
)
from .activation import *  # noqa: F403
from .activation_attention import *  # noqa: F403
from .batchnorm import *  # noqa: F403
from .container import *  # noqa: F403
from .conv import *  # noqa: F403
from .dropout import *  # noqa: F403
from .flatten import *  # noqa: F403
from .linear import *  # noqa: F403
from .loss import *  # noqa: F403
from .module import Module
from .normalization import *  # noqa: F403
from .padding import *  # noqa: F403
from .pooling import *  # noqa: F403
from .rnn import *  # noqa: F403
from .sparse import *  # noqa: F403
from .transformer import *  # noqa: F403

__all__ = ["Module"]
for _m in (activation, activation_attention, batchnorm, container, conv, dropout, flatten,
           linear, loss, normalization, padding, pooling, rnn, sparse, transformer):
    __all__ += _m.__all__
del _m
