"""Sorting, searching, counting and set operations with numpy's names (sort, argsort, unique,
searchsorted, bincount, histogram, ...)."""
from __future__ import annotations

# The public names functorch_lite.numpy re-exports from this module.
__all__: list[str] = []
