"""torch-named linear algebra and whole-tensor comparisons: ``matmul``/``mm``/``bmm`` (with
torch's shape-mismatch messages), ``einsum``, ``allclose``, ``equal``, ``where``."""
from __future__ import annotations

import builtins
from typing import Any

import functorch_lite.numpy as jnp

from . import _dtypes as D
from ._autograd import SAVE_INPUTS, SAVE_NONE, apply
from ._ops import _cast, _out, add, as_tensor_operand, eq, mul, promote
from ._tensor import Tensor

# ---- linear algebra ----------------------------------------------------------------------------

def matmul(input: Tensor, other: Tensor, *, out: Any = None) -> Tensor:
    """Matrix product with numpy's broadcasting rules (1-D, 2-D and batched).

    Example:
        >>> torch.matmul(torch.ones(2, 3), torch.ones(3)).shape
        torch.Size([2])
    """
    a, b = promote(input, other)
    if not isinstance(a, Tensor) or not isinstance(b, Tensor):
        raise TypeError("matmul expects two tensors; for a scalar use * (torch.mul)")
    sa, sb = a._data.shape, b._data.shape
    if len(sa) == 0 or len(sb) == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {len(sa)}D and "
            f"{len(sb)}D"
        )
    ka = sa[-1]
    kb = sb[0] if len(sb) == 1 else sb[-2]
    if ka != kb:
        if len(sa) == 2 and len(sb) == 2:
            raise RuntimeError(
                f"mat1 and mat2 shapes cannot be multiplied ({sa[0]}x{sa[1]} and "
                f"{sb[0]}x{sb[1]}): the inner dimensions must match"
            )
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: inner dimension "
            f"{ka} of the first operand (shape {list(sa)}), but got {kb} from the second "
            f"(shape {list(sb)}); the last dim of the first must equal the second-to-last of "
            "the second"
        )
    name = "MmBackward0" if len(sa) == 2 and len(sb) == 2 else (
        "DotBackward0" if len(sa) == 1 and len(sb) == 1 else
        "MvBackward0" if len(sb) == 1 and len(sa) == 2 else "UnsafeViewBackward0")
    return _out(apply(jnp.matmul, name, (a, b), saves=SAVE_INPUTS), out)


def mm(input: Tensor, mat2: Tensor, *, out: Any = None) -> Tensor:
    """Product of two 2-D tensors.

    Example:
        >>> torch.mm(torch.ones(2, 3), torch.ones(3, 4)).shape
        torch.Size([2, 4])
    """
    if input.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError(
            f"mm: expected 2D tensors, got {input.ndim}D and {mat2.ndim}D; use torch.matmul "
            "for other ranks"
        )
    return matmul(input, mat2, out=out)


def bmm(input: Tensor, mat2: Tensor, *, out: Any = None) -> Tensor:
    """Batched product of two 3-D tensors.

    Example:
        >>> torch.bmm(torch.ones(5, 2, 3), torch.ones(5, 3, 4)).shape
        torch.Size([5, 2, 4])
    """
    if input.ndim != 3 or mat2.ndim != 3:
        raise RuntimeError(f"batch1 must be a 3D tensor (got {input.ndim}D and {mat2.ndim}D)")
    if input.shape[0] != mat2.shape[0]:
        raise RuntimeError(
            f"batch1 and batch2 must have same number of batches, got {input.shape[0]} and "
            f"{mat2.shape[0]}"
        )
    r = matmul(input, mat2, out=out)
    return r


def mv(input: Tensor, vec: Tensor) -> Tensor:
    """Matrix-vector product.

    Example:
        >>> torch.mv(torch.eye(2), torch.tensor([1.0, 2.0]))
        tensor([1., 2.])
    """
    return matmul(input, vec)


def dot(input: Tensor, other: Tensor) -> Tensor:
    """Inner product of two 1-D tensors.

    Example:
        >>> torch.dot(torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0]))
        tensor(11.)
    """
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(
            f"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors"
        )
    if input.shape[0] != other.shape[0]:
        n, m = input.shape[0], other.shape[0]
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same "
            f"number of elements, but got {n} and {m} elements respectively"
        )
    return matmul(input, other)


inner = dot


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """Outer product of two vectors.

    Example:
        >>> torch.outer(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 0.0]))
        tensor([[1., 0.],
                [2., 0.]])
    """
    a, b = promote(input, vec2)
    return apply(jnp.outer, "OuterBackward0", (a, b))


ger = outer


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: Any = 1, alpha: Any = 1
          ) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)``.

    Example:
        >>> torch.addmm(torch.zeros(2), torch.eye(2), torch.ones(2, 2)).shape
        torch.Size([2, 2])
    """
    prod_ = matmul(mat1, mat2)
    if alpha != 1:
        prod_ = mul(prod_, alpha)
    base = input if beta == 1 else mul(input, beta)
    return add(base, prod_)


def einsum(equation: str, *operands: Any) -> Tensor:
    """Einstein summation (``torch.einsum('ij,jk->ik', a, b)``; operands may be one list).

    Example:
        >>> torch.einsum('i,i->', torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0]))
        tensor(11.)
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    dt = D.result_type(*operands)
    ops = tuple(_cast(o, dt) for o in operands)
    return apply(lambda *vs: jnp.einsum(equation, *vs), "EinsumBackward0", ops)


def tensordot(a: Tensor, b: Tensor, dims: Any = 2) -> Tensor:
    """Contraction over ``dims`` (an int, or two lists of dims).

    Example:
        >>> torch.tensordot(torch.ones(2, 3), torch.ones(3, 4), dims=1).shape
        torch.Size([2, 4])
    """
    x, y = promote(a, b)
    axes = dims if isinstance(dims, builtins.int) else tuple(tuple(d) if isinstance(d, (
        list, tuple)) else (d,) for d in dims)
    return apply(lambda u, v: jnp.tensordot(u, v, axes=axes), "TensordotBackward0", (x, y))


def trace(input: Tensor) -> Tensor:
    """Sum of the main diagonal of a 2-D tensor.

    Example:
        >>> torch.trace(torch.eye(3))
        tensor(3.)
    """
    return apply(jnp.trace, "TraceBackward0", (input,), saves=SAVE_NONE)


# ---- comparisons of whole tensors --------------------------------------------------------------

def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> builtins.bool:
    """Whether all elements are close: ``|input - other| <= atol + rtol * |other|``.

    Example:
        >>> torch.allclose(torch.tensor([1.0]), torch.tensor([1.0 + 1e-9]))
        True
    """
    return builtins.bool(isclose(input, other, rtol, atol, equal_nan).all().item())


def isclose(input: Tensor, other: Any, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    """Elementwise closeness test.

    Example:
        >>> torch.isclose(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.1]))
        tensor([ True, False])
    """
    a, b = promote(input, other)
    return apply(lambda x, y: jnp.isclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan),
                 "isclose", (a, b), saves=SAVE_NONE)


def equal(input: Tensor, other: Tensor) -> builtins.bool:
    """Whether two tensors have the same shape and elements.

    Example:
        >>> torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2]))
        True
    """
    if tuple(input.shape) != tuple(other.shape):
        return False
    return builtins.bool(eq(input, other).all().item())


def where(condition: Tensor, input: Any = None, other: Any = None) -> Any:
    """``input`` where ``condition`` holds, else ``other``; with only ``condition``, the
    indices of its nonzero elements (a tuple of int64 tensors).

    Example:
        >>> torch.where(torch.tensor([True, False]), torch.tensor([1.0, 2.0]), 0.0)
        tensor([1., 0.])
    """
    if input is None and other is None:
        from ._select_ops import nonzero

        return nonzero(condition, as_tuple=True)
    a, b = promote(input, other)
    if not isinstance(condition, Tensor):
        condition = as_tensor_operand(condition)
    return apply(lambda c, x, y: jnp.where(c, x, y), "WhereBackward0", (condition, a, b),
                 saves=SAVE_NONE)


__all__ = [n for n, v in list(globals().items())
           if not n.startswith("_") and callable(v)
           and getattr(v, "__module__", None) == __name__]
