"""functorch_lite.random: functional, splittable pseudo-random keys (like jax.random)."""
from ._src.random import *  # noqa: F403
from ._src.random import __all__  # noqa: F401
