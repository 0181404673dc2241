"""Convolution and windowed reductions: lax.conv_general_dilated, lax.reduce_window and the
pooling helpers built on them."""
from __future__ import annotations

# The public names re-exported by the public module.
__all__: list[str] = []
