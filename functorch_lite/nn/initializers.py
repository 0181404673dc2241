"""functorch_lite.nn.initializers: parameter initialisers (like jax.nn.initializers)."""
from .._src.initializers import *  # noqa: F403
from .._src.initializers import __all__  # noqa: F401
