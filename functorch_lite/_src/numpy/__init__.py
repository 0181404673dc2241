"""The implementation of ``functorch_lite.numpy`` (public names re-exported there)."""
from . import methods  # noqa: F401  (installs operators on Array and Tracer)
