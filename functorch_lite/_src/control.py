"""lax.cond: choose a branch by a predicate.

When the predicate is concrete (eagerly, and under grad/jvp, which keep concrete values) only
the chosen branch runs. When it is traced (jit, or vmap with a batched predicate) both branches
run and ``select`` picks each output, which is what JAX does under vmap. A control-flow
primitive that runs one branch inside jit is future work (see docs/jit.md).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .core import concrete_or_none
from .numpy._convert import asarray
from .prims import elementwise as E
from .prims import shape as S
from .tree_util import tree_flatten, tree_unflatten


def cond(pred: Any, true_fun: Callable, false_fun: Callable, *operands: Any) -> Any:
    """``true_fun(*operands)`` if ``pred`` else ``false_fun(*operands)``.

    Example:
        >>> cond(x > 0, lambda v: v * 2.0, lambda v: -v, x)
    """
    p = asarray(pred)
    if p.shape != ():
        raise TypeError(f"cond: the predicate must be a scalar, got shape {p.shape}")
    known = concrete_or_none(p)
    if known is not None:
        return true_fun(*operands) if bool(np.asarray(known)) else false_fun(*operands)
    t_out, t_tree = tree_flatten(true_fun(*operands))
    f_out, f_tree = tree_flatten(false_fun(*operands))
    if t_tree != f_tree:
        raise TypeError(
            f"cond: the branches return different structures: {t_tree} and {f_tree}"
        )
    p = S.convert_element_type(p, np.bool_)
    out = []
    for k, (a, b) in enumerate(zip(t_out, f_out)):
        a, b = asarray(a), asarray(b)
        if a.shape != b.shape or a.dtype != b.dtype:
            raise TypeError(
                f"cond: output {k} differs between branches: {a.dtype}{list(a.shape)} vs "
                f"{b.dtype}{list(b.shape)}"
            )
        out.append(E.select(p, a, b))
    return tree_unflatten(t_tree, out)


# The public names functorch_lite.lax re-exports from this module.
__all__ = ["cond"]
