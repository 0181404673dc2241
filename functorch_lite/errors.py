"""The exceptions functorch_lite raises for mistakes a user can fix."""
from ._src.errors import (
    ConcretizationTypeError,
    NonScalarOutputError,
    TracerBoolConversionError,
    TracerIntegerConversionError,
    UnexpectedTracerError,
)

__all__ = [
    "ConcretizationTypeError", "NonScalarOutputError", "TracerBoolConversionError",
    "TracerIntegerConversionError", "UnexpectedTracerError",
]
