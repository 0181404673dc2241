"""numpy.linalg with numpy's names (jax.numpy.linalg): norm, inv, solve, det, cholesky, ..."""
from __future__ import annotations

# The public names re-exported by the public module.
__all__: list[str] = []
