"""einsum on dot_general, with contraction-path optimisation, and einsum_path.

Operands are contracted two at a time. The order matters a great deal: for ``"ij,jk,k->i"``
left to right costs i·j·k multiply-adds where contracting ``jk,k`` first costs j·k + i·j. The
path is chosen before any computation from the shapes alone (so it is the same under jit, vmap
and grad): 'optimal' tries every pairwise order (up to 5 operands), 'greedy' takes the cheapest
pair at each step, and 'auto' (the default) is optimal for up to 5 operands and greedy beyond.
A path is a list of pairs of positions in the current operand list (the result goes to the end),
as in numpy and opt_einsum.
"""
from __future__ import annotations

import functools
import math
from typing import Any

from ..prims import reduce as R
from ..prims import shape as S
from ..prims.linalg import dot_general
from ._convert import asarray, check_out, promote

# ---- parsing -------------------------------------------------------------------------------------


def _parse(subscripts: str, ndims: list[int]) -> tuple[list[str], str]:
    subscripts = subscripts.replace(" ", "")
    lhs, out = subscripts.split("->") if "->" in subscripts else (subscripts, None)
    terms = lhs.split(",")
    if len(terms) != len(ndims):
        raise ValueError(f"einsum: {len(terms)} terms in {subscripts!r} for {len(ndims)} operands")
    if any("." in t for t in terms) or (out is not None and "." in out):
        # '...' becomes fresh capital letters, right-aligned like broadcasting.
        used = set(lhs + (out or ""))
        ranks = [n - (len(t) - 3) for t, n in zip(terms, ndims) if "..." in t]
        ell_rank = max(ranks, default=0)
        fresh = "".join([c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in used][:ell_rank])
        terms = [t.replace("...", fresh[ell_rank - (n - (len(t) - 3)):]) if "..." in t else t
                 for t, n in zip(terms, ndims)]
        if out is not None:
            out = out.replace("...", fresh)
        elif ell_rank:
            out = fresh + "".join(sorted(
                c for c in set("".join(terms)) - set(fresh) if "".join(terms).count(c) == 1))
    for t, n in zip(terms, ndims):
        if len(t) != n:
            raise ValueError(f"einsum: term {t!r} has {len(t)} indices for an operand of rank {n}")
    if out is None:  # implicit mode: the indices that appear once, sorted
        joined = "".join(terms)
        out = "".join(sorted(c for c in set(joined) if joined.count(c) == 1))
    for c in out:
        if c not in "".join(terms):
            raise ValueError(f"einsum: output index {c!r} appears in no input term of "
                             f"{subscripts!r}")
    return terms, out


def _sizes(terms: list[str], shapes: list[tuple]) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for t, shape in zip(terms, shapes):
        for c, n in zip(t, shape):
            if sizes.setdefault(c, n) != n:
                if sizes[c] == 1:  # size-1 axes broadcast (numpy allows it for '...')
                    sizes[c] = n
                elif n != 1:
                    raise ValueError(
                        f"einsum: index {c!r} has size {sizes[c]} in one operand and {n} in "
                        f"another (shapes {[tuple(s) for s in shapes]})"
                    )
    return sizes


# ---- path search (index strings only) ------------------------------------------------------------


def _pair_result(tx: str, ty: str, needed: set) -> str:
    """The term left after contracting two terms, keeping the indices needed later."""
    batch = [c for c in tx if c in ty and c in needed]
    return ("".join(batch) + "".join(c for c in tx if c not in ty and c in needed)
            + "".join(c for c in ty if c not in tx and c in needed))


def _pair_cost(tx: str, ty: str, sizes: dict) -> int:
    return math.prod(sizes[c] for c in set(tx) | set(ty))


def _needed(terms: list[str], skip: tuple, out: str) -> set:
    return set(out).union(*[set(t) for k, t in enumerate(terms) if k not in skip])


def _greedy(terms: list[str], out: str, sizes: dict) -> list[tuple]:
    terms, path = list(terms), []
    while len(terms) > 1:
        best = None
        for i in range(len(terms)):
            for j in range(i + 1, len(terms)):
                res = _pair_result(terms[i], terms[j], _needed(terms, (i, j), out))
                key = (_pair_cost(terms[i], terms[j], sizes),
                       math.prod(sizes[c] for c in res), i, j)
                if best is None or key < best[0]:
                    best = (key, res)
        (_, _, i, j), res = best
        terms = [t for k, t in enumerate(terms) if k not in (i, j)] + [res]
        path.append((i, j))
    return path


def _optimal(terms: list[str], out: str, sizes: dict) -> list[tuple]:
    @functools.cache
    def search(state: tuple) -> tuple[int, tuple]:
        if len(state) == 1:
            return 0, ()
        best = None
        for i in range(len(state)):
            for j in range(i + 1, len(state)):
                res = _pair_result(state[i], state[j], _needed(list(state), (i, j), out))
                rest = tuple(t for k, t in enumerate(state) if k not in (i, j)) + (res,)
                cost, sub = search(rest)
                cost += _pair_cost(state[i], state[j], sizes)
                if best is None or cost < best[0]:
                    best = (cost, ((i, j),) + sub)
        return best

    return list(search(tuple(terms))[1])


def _left_to_right(n: int) -> list[tuple]:
    # the running product sits at the end of the list after the first step
    return [(0, 1)] + [(0, n - 2 - k) for k in range(n - 2)]


def _path(terms: list[str], out: str, sizes: dict, optimize: Any) -> list[tuple]:
    n = len(terms)
    if n < 2:
        return []
    if isinstance(optimize, (list, tuple)):
        return _pairwise(optimize, n)
    if optimize is False or optimize is None:
        return _left_to_right(n)
    if optimize is True or optimize == "auto":
        optimize = "optimal" if n <= 5 else "greedy"
    if optimize == "greedy":
        return _greedy(terms, out, sizes)
    if optimize == "optimal":
        return _optimal(terms, out, sizes) if n <= 7 else _greedy(terms, out, sizes)
    raise ValueError(f"einsum: optimize must be 'auto', 'greedy', 'optimal', a bool or a path, "
                     f"got {optimize!r}")


def _pairwise(path: Any, n: int) -> list[tuple]:
    """An explicit path as pairs: a step may name any number of operands (numpy's and
    opt_einsum's paths contract three or more at once, e.g. ``(0, 1, 2)``); they are
    contracted two at a time, the running result staying at the end of the list."""
    steps = [p for p in path if not isinstance(p, str) or p != "einsum_path"]
    pairs, count = [], n
    for step in steps:
        try:
            step = tuple(sorted(int(i) for i in step))
        except (TypeError, ValueError):
            step = None
        if (not step or len(set(step)) != len(step) or step[0] < 0 or step[-1] >= count):
            raise ValueError(f"einsum: the path {list(path)} is not a list of tuples of "
                             f"operand positions for {n} operands (step {step!r})")
        if len(step) == 1:
            pairs.append(step)  # one operand: its unneeded indices are summed out
        else:
            pairs.append(step[:2])
            # after each contraction the others shift down past the removed positions
            for k, i in enumerate(step[2:]):
                # the k + 2 positions before it are gone; the running result is last
                pairs.append((i - (k + 2), count - 2 - k))
        count -= len(step) - 1
    if count != 1:
        raise ValueError(f"einsum: the path {list(path)} leaves {count} operands of {n}; it "
                         "must contract them all into one")
    return pairs


def _path_cost(terms: list[str], out: str, sizes: dict, path: list[tuple]) -> int:
    terms, total = list(terms), 0
    for step in path:
        if len(step) == 1:  # summing one operand's unneeded indices: no multiply-adds
            (i,) = step
            res = _sum_unneeded_term(terms[i], _needed(terms, (i,), out))
            terms = [t for k, t in enumerate(terms) if k != i] + [res]
            continue
        i, j = step
        total += _pair_cost(terms[i], terms[j], sizes)
        res = _pair_result(terms[i], terms[j], _needed(terms, (i, j), out))
        terms = [t for k, t in enumerate(terms) if k not in (i, j)] + [res]
    return total


# ---- evaluation ----------------------------------------------------------------------------------


def _diagonal_reduce(x: Any, term: str) -> tuple[Any, str]:
    """Take the diagonal over indices repeated within one term (``'ii->i'``)."""
    from .indexing import take_diagonal

    while len(set(term)) != len(term):
        c = next(ch for ch in term if term.count(ch) > 1)
        i = term.index(c)
        j = term.index(c, i + 1)
        x = take_diagonal(x, i, j)
        term = term[:i] + term[i + 1 : j] + term[j + 1 :] + c
    return x, term


def _sum_unneeded(x: Any, t: str, keep: set) -> tuple[Any, str]:
    axes = tuple(i for i, c in enumerate(t) if c not in keep)
    if not axes:
        return x, t
    return R.reduce_sum(x, axes), "".join(c for c in t if c in keep)


def _broadcast_ones(x: Any, t: str, sizes: dict) -> Any:
    """Stretch size-1 axes that another operand has larger (numpy's '...' broadcasting)."""
    full = tuple(sizes[c] for c in t)
    return x if tuple(x.shape) == full else S.broadcast_in_dim(x, full, tuple(range(len(t))))


def _contract(x: Any, tx: str, y: Any, ty: str, needed: set) -> tuple[Any, str]:
    x, tx = _sum_unneeded(x, tx, needed | set(ty))
    y, ty = _sum_unneeded(y, ty, needed | set(tx))
    batch = [c for c in tx if c in ty and c in needed]
    contract = [c for c in tx if c in ty and c not in needed]
    dn = ((tuple(tx.index(c) for c in contract), tuple(ty.index(c) for c in contract)),
          (tuple(tx.index(c) for c in batch), tuple(ty.index(c) for c in batch)))
    out = dot_general(x, y, dn)
    return out, ("".join(batch) + "".join(c for c in tx if c not in ty)
                 + "".join(c for c in ty if c not in tx))


def einsum(subscripts: str, /, *operands: Any, out: Any = None, optimize: Any = "auto",
           precision: Any = None, preferred_element_type: Any = None) -> Any:
    """Einstein summation, contracting the operands pairwise along an optimised path.

    ``optimize``: 'auto' (default), 'greedy', 'optimal', True, False (left to right) or an
    explicit path (as returned by ``einsum_path``).

    Example:
        >>> einsum("ij,jk,k->i", ones((2, 3)), ones((3, 4)), ones(4)).shape
        (2,)
    """
    check_out(out, "einsum")
    del precision
    ops = promote(*[asarray(o) for o in operands])
    if preferred_element_type is not None:
        ops = [S.convert_element_type(o, preferred_element_type) for o in ops]
    terms, out_t = _parse(subscripts, [o.ndim for o in ops])
    sizes = _sizes(terms, [o.shape for o in ops])
    pairs = [_diagonal_reduce(o, t) for o, t in zip(ops, terms)]
    pairs = [(_broadcast_ones(o, t, sizes), t) for o, t in pairs]
    # Indices in one operand only and not in the output are summed out first.
    pairs = [_sum_unneeded(o, t, _needed([p[1] for p in pairs], (k,), out_t))
             for k, (o, t) in enumerate(pairs)]
    for step in _path([t for _, t in pairs], out_t, sizes, optimize):
        if len(step) == 1:
            (i,) = step
            res = _sum_unneeded(*pairs[i], _needed([t for _, t in pairs], (i,), out_t))
            pairs = [p for k, p in enumerate(pairs) if k != i] + [res]
            continue
        i, j = step
        needed = _needed([t for _, t in pairs], (i, j), out_t)
        (x, tx), (y, ty) = pairs[i], pairs[j]
        res = _contract(x, tx, y, ty, needed)
        pairs = [p for k, p in enumerate(pairs) if k not in (i, j)] + [res]
    x, tx = _sum_unneeded(*pairs[0], set(out_t))
    return S.transpose(x, tuple(tx.index(c) for c in out_t))


def einsum_path(subscripts: str, /, *operands: Any, optimize: Any = "greedy") -> tuple:
    """The contraction path ``einsum`` takes, as numpy's ``(path, report)``: ``path`` is
    ``['einsum_path', (i, j), ...]`` and the report compares its cost to left to right.

    Example:
        >>> einsum_path("ij,jk,k->i", ones((5, 6)), ones((6, 7)), ones(7))[0]
        ['einsum_path', (1, 2), (0, 1)]
    """
    shapes = [tuple(getattr(o, "shape", ())) for o in operands]
    terms, out_t = _parse(subscripts, [len(s) for s in shapes])
    sizes = _sizes(terms, shapes)
    reduced = [_sum_unneeded_term(t, _needed(terms, (k,), out_t)) for k, t in enumerate(terms)]
    path = _path(reduced, out_t, sizes, optimize)
    naive = _path_cost(reduced, out_t, sizes, _left_to_right(len(terms))) if len(terms) > 1 \
        else 0
    cost = _path_cost(reduced, out_t, sizes, path)
    report = (f"  Complete contraction:  {subscripts}\n"
              f"  Left-to-right cost (multiply-adds):  {naive}\n"
              f"  Optimized cost (multiply-adds):  {cost}\n"
              f"  Path:  {path}")
    return ["einsum_path", *path], report


def _sum_unneeded_term(t: str, keep: set) -> str:
    t = "".join(dict.fromkeys(t))  # a repeated index becomes one (its diagonal)
    return "".join(c for c in t if c in keep)


__all__ = ["einsum", "einsum_path"]
