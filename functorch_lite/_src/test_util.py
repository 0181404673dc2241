"""check_grads: forward- and reverse-mode derivatives against central finite differences,
in float64, to any order (derivatives of derivatives are checked the same way)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .api import jvp, vjp
from .array import Array
from .numpy._convert import asarray
from .tree_util import tree_flatten, tree_map, tree_unflatten


def _to_f64(x: Any) -> Any:
    x = asarray(x)
    return asarray(np.asarray(x), np.float64) if x.dtype.kind == "f" else x


def _inner(a_leaves: list, b_leaves: list) -> float:
    return float(sum(np.vdot(np.asarray(a, np.float64), np.asarray(b, np.float64))
                     for a, b in zip(a_leaves, b_leaves)))


def _random_like(rng: np.random.RandomState, x: Any) -> Array:
    x = asarray(x)
    if x.dtype.kind != "f":
        return Array(np.zeros(x.shape, x.dtype))
    return Array(rng.standard_normal(x.shape).astype(x.dtype))


def _axpy(a: float, xs: tuple, ys: tuple) -> tuple:
    return tuple(tree_map(lambda x, y: x + a * y if asarray(x).dtype.kind == "f" else x, x_, y_)
                 for x_, y_ in zip(xs, ys))


def _out_leaves(f: Callable, args: tuple) -> list:
    return [np.asarray(asarray(o), np.float64) for o in tree_flatten(f(*args))[0]]


def _numerical_jvp(f: Callable, args: tuple, tangents: tuple, eps: float) -> list:
    plus = _out_leaves(f, _axpy(eps, args, tangents))
    minus = _out_leaves(f, _axpy(-eps, args, tangents))
    return [(p - m) / (2 * eps) for p, m in zip(plus, minus)]


def _close(a: Any, b: Any, atol: float, rtol: float, what: str) -> None:
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    if not np.allclose(a, b, atol=atol, rtol=rtol, equal_nan=True):
        raise AssertionError(
            f"{what}: derivative mismatch\n  transform: {a}\n  numerical: {b}\n"
            f"  max abs diff {np.max(np.abs(a - b))} (atol {atol}, rtol {rtol})"
        )


def check_jvp(f: Callable, args: tuple, atol: float, rtol: float, eps: float,
              rng: np.random.RandomState) -> None:
    """Forward mode: ``jvp(f, args, t)`` against a central difference along ``t``."""
    tangents = tuple(tree_map(lambda x: _random_like(rng, x), a) for a in args)
    _, t_out = jvp(f, args, tangents)
    numerical = _numerical_jvp(f, args, tangents, eps)
    for k, (t, n) in enumerate(zip(tree_flatten(t_out)[0], numerical)):
        _close(t, n, atol, rtol, f"jvp of output {k}")


def check_vjp(f: Callable, args: tuple, atol: float, rtol: float, eps: float,
              rng: np.random.RandomState) -> None:
    """Reverse mode: ``<vjp(u), t>`` against ``<u, numerical J t>`` for random u and t."""
    out, pullback = vjp(f, *args)
    out_leaves, out_tree = tree_flatten(out)
    u = [_random_like(rng, o) for o in out_leaves]
    cts = pullback(tree_unflatten(out_tree, u))
    tangents = tuple(tree_map(lambda x: _random_like(rng, x), a) for a in args)
    lhs = _inner(tree_flatten(cts)[0], tree_flatten(tangents)[0])
    rhs = _inner(u, _numerical_jvp(f, args, tangents, eps))
    _close(lhs, rhs, atol, rtol, "vjp (inner product with a random direction)")


def check_grads(f: Callable, args: Sequence[Any], order: int = 2,
                modes: Sequence[str] = ("fwd", "rev"), atol: float | None = None,
                rtol: float | None = None, eps: float | None = None, seed: int = 0) -> None:
    """Check ``f``'s derivatives at ``args`` against finite differences, up to ``order``.

    Float inputs are promoted to float64. ``modes`` picks forward ("fwd") and/or reverse
    ("rev") mode; higher orders check the derivative functions themselves (jvp of jvp, vjp of
    vjp, and the mixed combinations). Raises AssertionError naming the mismatch.

    Example:
        >>> check_grads(jnp.sin, (jnp.asarray([0.3, 1.2]),), order=2)
    """
    args = tuple(tree_map(_to_f64, a) for a in args)
    atol = 1e-5 if atol is None else atol
    rtol = 1e-5 if rtol is None else rtol
    eps = 1e-4 if eps is None else eps
    rng = np.random.RandomState(seed)
    for mode in modes:
        if mode not in ("fwd", "rev"):
            raise ValueError(f"check_grads: unknown mode {mode!r}; use 'fwd' and/or 'rev'")

    def check(fun: Callable, level: int) -> None:
        if "fwd" in modes:
            check_jvp(fun, args, atol, rtol, eps, rng)
        if "rev" in modes:
            check_vjp(fun, args, atol, rtol, eps, rng)
        if level >= order:
            return
        # The derivative maps, as functions of the primal point, checked one order up.
        if "fwd" in modes:
            t = tuple(tree_map(lambda x: _random_like(rng, x), a) for a in args)
            check(lambda *xs: jvp(fun, xs, t)[1], level + 1)
        if "rev" in modes:
            out = fun(*args)
            out_leaves, out_tree = tree_flatten(out)
            u = tree_unflatten(out_tree, [_random_like(rng, o) for o in out_leaves])
            check(lambda *xs: vjp(fun, *xs)[1](u), level + 1)

    check(f, 1)
