"""Neural-network functions (jax.nn's names): activations, softmax family, one_hot, standardize."""
from __future__ import annotations

# The public names re-exported by the public module.
__all__: list[str] = []
