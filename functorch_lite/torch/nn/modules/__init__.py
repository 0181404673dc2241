"""The nn layer classes (one file per family, as torch's ``torch/nn/modules``)."""
from __future__ import annotations

from .container import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .linear import Identity, LazyLinear, Linear
from .module import Module

__all__ = [
    "Module", "Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict",
    "Identity", "Linear", "LazyLinear",
]
