"""Products: matmul, dot, vdot, inner, outer, tensordot and einsum, all on dot_general."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..prims import elementwise as E
from ..prims import reduce as R
from ..prims import shape as S
from ..prims.linalg import dot_general
from ._convert import asarray, promote
from .shape_ops import broadcast_to, ravel


def matmul(a: Any, b: Any, /) -> Any:
    """Matrix product with numpy's rules: 1-d operands are vectors, leading axes broadcast.

    Example:
        >>> matmul(ones((2, 3)), ones((3, 4))).shape
        (2, 4)
    """
    a, b = promote(asarray(a), asarray(b))
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(
            f"matmul: operands must not be scalars, got shapes {a.shape} and {b.shape}; "
            "use * to multiply by a scalar"
        )
    k_a = a.shape[-1]
    k_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if k_a != k_b:
        raise ValueError(
            f"matmul: shapes {a.shape} and {b.shape} are incompatible: the last axis of the "
            f"first ({k_a}) must equal the {'only' if b.ndim == 1 else 'second-to-last'} axis "
            f"of the second ({k_b}). Transpose one operand (x.T) or check the layer sizes."
        )
    if b.ndim <= 2:  # no batch axes on b: contract a's last axis with b's first/only one
        return dot_general(a, b, (((a.ndim - 1,), (0,)), ((), ())))
    if a.ndim == 1:
        return dot_general(a, b, (((0,), (b.ndim - 2,)), ((), ())))
    batch = tuple(np.broadcast_shapes(a.shape[:-2], b.shape[:-2]))
    a = broadcast_to(a, batch + a.shape[-2:])
    b = broadcast_to(b, batch + b.shape[-2:])
    nb = len(batch)
    dims = tuple(range(nb))
    return dot_general(a, b, (((nb + 1,), (nb,)), (dims, dims)))


def dot(a: Any, b: Any, /) -> Any:
    """numpy's dot: scalars multiply, vectors give an inner product, otherwise the last axis of
    ``a`` contracts with the second-to-last axis of ``b``.
    """
    a, b = promote(asarray(a), asarray(b))
    if a.ndim == 0 or b.ndim == 0:
        return E.mul(a, b)
    kb = 0 if b.ndim == 1 else b.ndim - 2
    if a.shape[-1] != b.shape[kb]:
        raise ValueError(
            f"dot: shapes {a.shape} and {b.shape} are not aligned: {a.shape[-1]} (axis "
            f"{a.ndim - 1}) != {b.shape[kb]} (axis {kb})"
        )
    return dot_general(a, b, (((a.ndim - 1,), (kb,)), ((), ())))


def vdot(a: Any, b: Any, /) -> Any:
    """Dot product of the flattened arguments."""
    return dot(ravel(a), ravel(b))


def inner(a: Any, b: Any, /) -> Any:
    """Contract the last axes of ``a`` and ``b``."""
    a, b = promote(asarray(a), asarray(b))
    if a.ndim == 0 or b.ndim == 0:
        return E.mul(a, b)
    return dot_general(a, b, (((a.ndim - 1,), (b.ndim - 1,)), ((), ())))


def outer(a: Any, b: Any, /) -> Any:
    """Outer product of the flattened arguments."""
    a, b = promote(ravel(a), ravel(b))
    return E.mul(S.reshape(a, (a.shape[0], 1)), b)


def tensordot(a: Any, b: Any, axes: Any = 2) -> Any:
    """Contract ``axes`` of ``a`` with ``axes`` of ``b`` (an int: the last/first n)."""
    a, b = promote(asarray(a), asarray(b))
    if isinstance(axes, int):
        ca = tuple(range(a.ndim - axes, a.ndim))
        cb = tuple(range(axes))
    else:
        ca, cb = axes
        ca = (ca,) if isinstance(ca, int) else tuple(ca)
        cb = (cb,) if isinstance(cb, int) else tuple(cb)
        ca = tuple(c % a.ndim for c in ca)
        cb = tuple(c % b.ndim for c in cb)
    return dot_general(a, b, ((ca, cb), ((), ())))


# ---- einsum --------------------------------------------------------------------------------------


def _parse_einsum(subscripts: str, ndims: list[int]) -> tuple[list[str], str]:
    subscripts = subscripts.replace(" ", "")
    if "->" in subscripts:
        lhs, out = subscripts.split("->")
    else:
        lhs, out = subscripts, None
    terms = lhs.split(",")
    if len(terms) != len(ndims):
        raise ValueError(f"einsum: {len(terms)} terms in {subscripts!r} for {len(ndims)} operands")
    if any("." in t for t in terms):
        # Expand '...' with fresh capital letters.
        ell_rank = max(n - (len(t) - 3) for t, n in zip(terms, ndims) if "..." in t)
        fresh = "".join(chr(ord("A") + i) for i in range(ell_rank))
        terms = [t.replace("...", fresh[ell_rank - (n - (len(t) - 3)):]) if "..." in t else t
                 for t, n in zip(terms, ndims)]
        if out is not None:
            out = out.replace("...", fresh)
    for t, n in zip(terms, ndims):
        if len(t) != n:
            raise ValueError(f"einsum: term {t!r} has {len(t)} indices for an operand of rank {n}")
    if out is None:  # implicit mode: indices appearing once, sorted
        counts: dict[str, int] = {}
        for t in terms:
            for c in t:
                counts[c] = counts.get(c, 0) + 1
        out = "".join(sorted(c for c, k in counts.items() if k == 1))
    return terms, out


def _diagonal_reduce(x: Any, term: str) -> tuple[Any, str]:
    """Take the diagonal over repeated indices in one term (``'ii->i'``)."""
    from .indexing import take_diagonal

    while len(set(term)) != len(term):
        c = next(ch for ch in term if term.count(ch) > 1)
        i = term.index(c)
        j = term.index(c, i + 1)
        x = take_diagonal(x, i, j)
        term = term[:i] + term[i + 1 : j] + term[j + 1 :] + c
    return x, term


def einsum(subscripts: str, *operands: Any) -> Any:
    """Einstein summation over operands, contracted pairwise (left to right) with dot_general.

    Example:
        >>> einsum("ij,jk->ik", ones((2, 3)), ones((3, 4))).shape
        (2, 4)
    """
    ops = promote(*[asarray(o) for o in operands])
    terms, out = _parse_einsum(subscripts, [o.ndim for o in ops])
    ops_terms = [_diagonal_reduce(o, t) for o, t in zip(ops, terms)]
    # Sum out indices that appear in one operand only and not in the output.
    def keep(c: str, skip: int) -> bool:
        return c in out or any(c in t for k, (_, t) in enumerate(ops_terms) if k != skip)

    for k, (o, t) in enumerate(ops_terms):
        axes = tuple(i for i, c in enumerate(t) if not keep(c, k))
        if axes:
            ops_terms[k] = (R.reduce_sum(o, axes), "".join(c for c in t if keep(c, k)))
    x, tx = ops_terms[0]
    for k in range(1, len(ops_terms)):
        y, ty = ops_terms[k]
        later = out + "".join(t for _, t in ops_terms[k + 1 :])
        batch = [c for c in tx if c in ty and c in later]
        contract = [c for c in tx if c in ty and c not in later]
        dn = ((tuple(tx.index(c) for c in contract), tuple(ty.index(c) for c in contract)),
              (tuple(tx.index(c) for c in batch), tuple(ty.index(c) for c in batch)))
        x = dot_general(x, y, dn)
        tx = ("".join(batch) + "".join(c for c in tx if c not in batch and c not in contract)
              + "".join(c for c in ty if c not in batch and c not in contract))
        # An index only in x or y but needed later stays as a free axis.
    extra = tuple(i for i, c in enumerate(tx) if c not in out)
    if extra:
        x = R.reduce_sum(x, extra)
        tx = "".join(c for c in tx if c in out)
    if sorted(tx) != sorted(out):
        raise ValueError(f"einsum: output indices {out!r} do not match the operands' {tx!r}")
    return S.transpose(x, tuple(tx.index(c) for c in out))


def trace(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    """Sum along a diagonal."""
    from .indexing import take_diagonal

    if offset:
        raise NotImplementedError("trace: offset != 0 is not supported yet")
    return R.reduce_sum(take_diagonal(asarray(a), axis1, axis2), (-1 % (asarray(a).ndim - 1),))


# The public names functorch_lite.numpy re-exports from this module.
__all__ = [
    "dot", "einsum", "inner", "matmul", "outer", "tensordot", "trace", "vdot"
]
