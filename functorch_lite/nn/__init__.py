"""functorch_lite.nn: neural-network functions (like jax.nn); initialisers in nn.initializers."""
from .._src.nn import *  # noqa: F403
from .._src.nn import __all__ as _names
from . import initializers

__all__ = [*_names, "initializers"]
