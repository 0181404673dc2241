"""functorch_lite.scipy: scipy functions over Arrays (like jax.scipy)."""
from . import special

__all__ = ["special"]
