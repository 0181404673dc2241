"""Exceptions a user can act on; each message names the values involved and the fix."""
from __future__ import annotations


class ConcretizationTypeError(TypeError):
    """A traced value was needed as a concrete Python value (``if``, ``bool()``, ``int()``...)."""


class TracerBoolConversionError(ConcretizationTypeError):
    """``bool()`` (an ``if`` or ``while``) on a traced value whose value is not known."""


class TracerIntegerConversionError(ConcretizationTypeError):
    """``int()``/``__index__`` on a traced value whose value is not known."""


class UnexpectedTracerError(RuntimeError):
    """A tracer escaped the transformation that made it and was used afterwards."""


class NonScalarOutputError(TypeError):
    """``grad`` was asked to differentiate a function whose output is not a scalar."""
