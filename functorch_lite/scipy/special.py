"""functorch_lite.scipy.special: special functions (like jax.scipy.special)."""
from .._src.scipy_special import *  # noqa: F403
from .._src.scipy_special import __all__  # noqa: F401
