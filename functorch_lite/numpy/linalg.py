"""functorch_lite.numpy.linalg: linear algebra (like jax.numpy.linalg)."""
from .._src.numpy.linalg import *  # noqa: F403
from .._src.numpy.linalg import __all__  # noqa: F401
