"""Parameter initialisers (jax.nn.initializers' names): each returns init(key, shape, dtype)."""
from __future__ import annotations

# The public names re-exported by the public module.
__all__: list[str] = []
