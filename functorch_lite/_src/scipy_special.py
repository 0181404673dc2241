"""scipy.special functions (jax.scipy.special's names): logsumexp, erf, gammaln, ..."""
from __future__ import annotations

# The public names re-exported by the public module.
__all__: list[str] = []
