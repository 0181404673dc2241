"""Functional, splittable, counter-based pseudo-random numbers (jax.random's names)."""
from __future__ import annotations

# The public names re-exported by the public module.
__all__: list[str] = []
