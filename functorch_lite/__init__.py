"""functorch_lite: JAX's programming model (grad, vmap, jit) on plain numpy and cupy.

Example:
    >>> import functorch_lite as fl
    >>> import functorch_lite.numpy as jnp
    >>> fl.grad(lambda x: jnp.sum(x ** 2))(jnp.asarray([1.0, 2.0]))
    Array([2., 4.], dtype=float32)
"""
from . import errors, lax, nn, numpy, random, scipy, test_util, tree_util  # noqa: E402
from ._src import numpy as _numpy_impl  # noqa: F401  (installs Array operators)
from ._src import prims as _prims  # noqa: F401  (registers the primitives)
from ._src.api import (
    grad,
    hessian,
    jacfwd,
    jacrev,
    jvp,
    linearize,
    make_jaxpr,
    value_and_grad,
    vjp,
    vmap,
)
from ._src.array import Array
from ._src.config import config
from ._src.core import ShapedArray
from ._src.custom import custom_jvp, custom_vjp
from ._src.jit import jit

__version__ = "0.1.0"


def devices() -> list[str]:
    """The devices arrays can live on: ``["cpu"]``, plus ``"gpu"`` when cupy sees one."""
    from ._src.backends import cupy_or_none

    return ["cpu"] + (["gpu"] if cupy_or_none() is not None else [])


__all__ = [
    "Array", "ShapedArray", "config", "custom_jvp", "custom_vjp", "devices", "errors", "grad",
    "hessian", "jacfwd", "jacrev", "jit", "jvp", "lax", "linearize", "make_jaxpr", "nn", "numpy",
    "random", "scipy", "test_util", "tree_util", "value_and_grad", "vjp", "vmap",
]
