"""functorch_lite.torch: PyTorch's API as a stateful layer over the functional core.

``import functorch_lite.torch as torch`` and write PyTorch code: tensors with
``requires_grad`` and ``loss.backward()``, ``torch.no_grad()``, ``torch.nn``, ``torch.optim``,
``torch.utils.data``. Tensors wrap immutable core Arrays; autograd is the core's reverse mode
(see docs/from_pytorch.md and docs/facade_internals.md). ``python -m functorch_lite.torch
script.py`` runs an unmodified PyTorch script on it.

Example:
    >>> import functorch_lite.torch as torch
    >>> w = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> (w * w).sum().backward()
    >>> w.grad
    tensor([2., 4.])
"""
from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from . import (
    _methods,  # noqa: F401  (installs Tensor methods and operators)
    autograd,
    cuda,
)
from ._autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from ._compile import compile
from ._creation import (
    BoolTensor,
    ByteTensor,
    CharTensor,
    DoubleTensor,
    FloatTensor,
    Generator,
    HalfTensor,
    IntTensor,
    LongTensor,
    ShortTensor,
    arange,
    as_tensor,
    asarray,
    bernoulli,
    default_generator,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    get_rng_state,
    initial_seed,
    linspace,
    logspace,
    manual_seed,
    multinomial,
    normal,
    ones,
    ones_like,
    poisson,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    range,
    seed,
    set_rng_state,
    tensor,
    zeros,
    zeros_like,
)
from ._device import device
from ._dtypes import (
    bfloat16,
    bool,
    can_cast,
    cdouble,
    cfloat,
    complex64,
    complex128,
    double,
    dtype,
    finfo,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    iinfo,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    promote_types,
    result_type,
    set_default_dtype,
    short,
    uint8,
)
from ._linalg import *  # noqa: F403
from ._linalg import __all__ as _linalg_all
from ._ops import *  # noqa: F403
from ._ops import __all__ as _ops_all
from ._reductions import *  # noqa: F403
from ._reductions import __all__ as _reductions_all
from ._select_ops import *  # noqa: F403
from ._select_ops import __all__ as _select_all
from ._shape_ops import *  # noqa: F403
from ._shape_ops import __all__ as _shape_all
from ._tensor import Size, Tensor
from ._tensor_str import set_printoptions

__version__ = "2.5.0+functorch_lite"
strided = "torch.strided"
contiguous_format = preserve_format = channels_last = "torch.contiguous_format"
pi = 3.141592653589793
e = 2.718281828459045
inf = __builtins__["float"]("inf") if isinstance(__builtins__, dict) else 1e309
nan = inf - inf


def is_tensor(obj: Any) -> bool:
    """Whether ``obj`` is a Tensor.

    Example:
        >>> torch.is_tensor(torch.zeros(1))
        True
    """
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> bool:
    """Whether the tensor's dtype is a floating-point one.

    Example:
        >>> torch.is_floating_point(torch.zeros(1))
        True
    """
    return input.is_floating_point()


def is_complex(input: Tensor) -> bool:
    """Whether the tensor's dtype is complex.

    Example:
        >>> torch.is_complex(torch.zeros(1))
        False
    """
    return input.is_complex()


def numel(input: Tensor) -> int:
    """The number of elements.

    Example:
        >>> torch.numel(torch.zeros(2, 3))
        6
    """
    return input.numel()


def clone(input: Tensor, *, memory_format: Any = None) -> Tensor:
    """A copy connected to autograd.

    Example:
        >>> torch.clone(torch.ones(1))
        tensor([1.])
    """
    return input.clone()


def detach(input: Tensor) -> Tensor:
    """``input.detach()``.

    Example:
        >>> torch.detach(torch.ones(1, requires_grad=True)).requires_grad
        False
    """
    return input.detach()


def set_num_threads(n: int) -> None:
    """Accepted for compatibility (numpy's BLAS threads are set by its environment).

    Example:
        >>> torch.set_num_threads(1)
    """


def get_num_threads() -> int:
    """The number of CPU cores.

    Example:
        >>> torch.get_num_threads() >= 1
        True
    """
    import os

    return os.cpu_count() or 1


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Accepted: every facade operation is deterministic.

    Example:
        >>> torch.use_deterministic_algorithms(True)
    """


def _submodule(name: str) -> Any:
    try:
        spec = importlib.util.find_spec(f"{__name__}.{name}")
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    return importlib.import_module(f"{__name__}.{name}")


def __getattr__(name: str) -> Any:
    # torch imports its submodules eagerly (torch.nn, torch.optim...); here they load on first
    # use, so that submodules other engineers add need no edit of this file. save/load come
    # from serialization.
    if name in ("save", "load"):
        ser = _submodule("serialization")
        if ser is not None:
            return getattr(ser, name)
    if not name.startswith("__"):
        mod = _submodule(name)
        if mod is not None:
            globals()[name] = mod
            return mod
    raise AttributeError(f"module 'functorch_lite.torch' has no attribute '{name}'")


__all__ = [
    "BoolTensor", "ByteTensor", "CharTensor", "DoubleTensor", "FloatTensor", "Generator",
    "HalfTensor", "IntTensor", "LongTensor", "ShortTensor", "Size", "Tensor", "arange",
    "as_tensor", "asarray", "autograd", "bernoulli", "bfloat16", "bool", "can_cast", "cdouble",
    "cfloat", "clone", "complex128", "complex64", "cuda", "default_generator", "detach",
    "device", "double", "dtype", "empty", "empty_like", "enable_grad", "eye", "finfo", "float",
    "float16", "float32", "float64", "from_numpy", "full", "full_like", "get_default_dtype",
    "get_rng_state", "half", "iinfo", "inference_mode", "initial_seed", "int", "int16",
    "int32", "int64", "int8", "is_complex", "is_floating_point", "is_grad_enabled",
    "is_tensor", "linspace", "logspace", "long", "manual_seed", "multinomial", "no_grad",
    "normal", "numel", "ones", "ones_like", "poisson", "promote_types", "rand", "rand_like",
    "randint", "randint_like", "randn", "randn_like", "randperm", "range", "result_type",
    "seed", "set_default_dtype", "set_grad_enabled", "set_printoptions", "set_rng_state",
    "short", "tensor", "uint8", "zeros", "zeros_like", "compile", "set_num_threads",
    "get_num_threads", "use_deterministic_algorithms",
] + list(_ops_all) + list(_reductions_all) + list(_linalg_all) + list(_shape_all) + \
    list(_select_all)
