"""Global configuration, mirroring the names of ``jax.config`` where they exist.

Only defaults change with configuration: dtypes the user asks for are always honoured.
"""
from __future__ import annotations

from typing import Any


class Config:
    """Holds the library's switches. Use ``functorch_lite.config.update(name, value)``.

    Example:
        >>> import functorch_lite as fl
        >>> fl.config.update("jax_enable_x64", True)   # Python floats now default to float64
        >>> fl.config.update("jax_enable_x64", False)
    """

    def __init__(self) -> None:
        # NOTE: x64 here only changes the *default* dtypes (like torch.set_default_dtype);
        # float64 inputs are honoured either way.
        self.jax_enable_x64 = False
        # Log (warnings.warn) why a jitted function retraced; the reasons are always
        # kept on the function too (``jitted.retrace_reasons``).
        self.jax_explain_cache_misses = False

    def update(self, name: str, value: Any) -> None:
        """Set option ``name`` to ``value``; unknown names raise a clear error."""
        if name not in vars(self):
            known = ", ".join(sorted(vars(self)))
            raise AttributeError(f"unknown config option {name!r}; known options: {known}")
        setattr(self, name, value)
        if name == "jax_enable_x64":
            from . import dtypes

            dtypes._refresh_defaults()

    def read(self, name: str) -> Any:
        return getattr(self, name)


config = Config()
