"""Control flow (JAX's ``jax.lax`` names): cond, switch, scan, fori_loop, while_loop, map,
associative_scan, and dynamic slicing.

Two ways to run, chosen per call (see docs/control_flow.md):

* **as a Python loop** when only eager evaluation, grad/vjp and jvp are running (they keep
  concrete values): the user's functions are called step by step, so eager loops cost what the
  body costs, and reverse mode records every step on the tape;
* **as a primitive carrying its body program** (``scan`` and ``while`` in ``prims/loops.py``,
  ``cond`` in ``prims/control.py``) when jit/make_jaxpr or vmap is running, so the staged
  program shows one loop, not an unrolled one, and vmap batches the body once.

``cond``/``switch`` with a concrete predicate just call the chosen branch, whatever is running.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import dtypes
from .array import Array
from .core import EVAL, ShapedArray, _state, concrete_or_none, get_aval
from .ir import Jaxpr, Var
from .numpy._convert import asarray
from .prims import elementwise as E
from .prims import shape as S
from .prims.control import bind_control, cond_p, stage, strong
from .prims.dynamic import dynamic_slice, dynamic_update_slice
from .prims.loops import scan_p, while_p
from .tree_util import leaf_paths, tree_flatten, tree_unflatten


def _python_mode() -> bool:
    """True when every running transformation keeps concrete values (eval, grad, jvp)."""
    t = _state.trace
    while t is not EVAL:
        if t.kind in ("jit", "vmap"):
            return False
        t = t.parent
    return True


def _describe(aval: Any) -> str:
    return f"{aval.dtype}{list(aval.shape)}"


class _Retype(Exception):
    """A weakly typed initial carry (a Python scalar) must take the body's output dtype."""

    def __init__(self, k: int, dtype: np.dtype):
        self.k, self.dtype = k, dtype


def _match_leaves(name: str, what: str, ref_tree: Any, ref_leaves: list, tree: Any,
                  leaves: list, ref_label: str, label: str, ref_weak: Any = ()) -> list:
    """Check that ``leaves``/``tree`` have the structure, shapes and dtypes of the reference;
    weakly typed Python scalars adapt to the reference dtype, and a weak reference leaf
    (``ref_weak``) to the output's (by raising _Retype). Returns the (converted) leaves."""
    if tree != ref_tree:
        raise TypeError(
            f"{name}: {what} must have the same structure as {ref_label}, but {label} has "
            f"structure {tree} and {ref_label} has {ref_tree}"
        )
    out = []
    paths = leaf_paths(tree_unflatten(ref_tree, ref_leaves), "")
    for k, (ref, leaf) in enumerate(zip(ref_leaves, leaves)):
        ra, a = get_aval(ref), get_aval(leaf)
        if a.weak and a.shape == ra.shape and a.dtype != ra.dtype:
            leaf, a = asarray(leaf, ra.dtype), ShapedArray(a.shape, ra.dtype)
        if k < len(ref_weak) and ref_weak[k] and a.shape == ra.shape and a.dtype != ra.dtype:
            raise _Retype(k, a.dtype)
        if a.shape != ra.shape or a.dtype != ra.dtype:
            where = paths[k] or "(the whole value)"
            raise TypeError(
                f"{name}: {what} leaf {where} is {_describe(a)} in {label} but "
                f"{_describe(ra)} in {ref_label}; they must match in shape and dtype (use "
                f".astype / reshape so the types agree)"
            )
        out.append(leaf)
    return out


def _leaves_as_arrays(tree: Any) -> tuple[list, Any]:
    leaves, treedef = tree_flatten(tree)
    return [asarray(x) for x in leaves], treedef


def _weak_flags(tree: Any) -> list:
    return [dtypes.is_python_scalar(x) or bool(getattr(x, "weak_type", False))
            for x in tree_flatten(tree)[0]]


def _retyped(run: Callable, leaves: list, weak: list) -> Any:
    """``run(leaves, weak)``, converting weak initial leaves to the dtype the body gives them."""
    while True:
        try:
            return run(leaves, weak)
        except _Retype as r:
            leaves = list(leaves)
            leaves[r.k] = asarray(leaves[r.k], r.dtype)
            weak = list(weak)
            weak[r.k] = False


# ---- cond / switch ------------------------------------------------------------------------------


class _NoOperand:
    """The default of ``cond``'s legacy ``operand=`` keyword: not given."""

    def __repr__(self) -> str:
        return "<not given>"


_NO_OPERAND = _NoOperand()


def switch(index: Any, branches: Sequence[Callable], *operands: Any,
           operand: Any = _NO_OPERAND) -> Any:
    """Apply ``branches[index](*operands)``; ``index`` is clamped to ``[0, len(branches) - 1]``
    as in JAX. (``operand=`` is JAX's older keyword form of a single operand.)

    Under vmap with a batched index, each branch runs only on the lanes that select it (JAX runs
    every branch on every lane); under jit the branch is chosen at run time.

    Example:
        >>> switch(2, [lambda x: x, lambda x: 2 * x, lambda x: 3 * x], jnp.ones(2))
        Array([3., 3.], dtype=float32)
    """
    if operand is not _NO_OPERAND:
        operands = operands + (operand,)
    branches = list(branches)
    if not branches or not all(callable(b) for b in branches):
        raise TypeError("switch: branches must be a non-empty sequence of callables")
    idx = asarray(index)
    if idx.shape != () or idx.dtype.kind not in "iu":
        raise TypeError(
            f"switch: the index must be a scalar integer, got {_describe(get_aval(idx))}; "
            "use lax.cond for a boolean predicate"
        )
    return _switch(idx, branches, operands, "switch")


def cond(pred: Any, true_fun: Callable, false_fun: Callable, *operands: Any,
         operand: Any = _NO_OPERAND) -> Any:
    """``true_fun(*operands)`` if ``pred`` else ``false_fun(*operands)`` (operands are pytrees).

    ``pred`` is a scalar bool or number (nonzero is true). Under vmap with a batched predicate,
    each branch runs only on the lanes that take it.

    Example:
        >>> cond(x > 0, lambda v: v * 2.0, lambda v: -v, x)
    """
    if operand is not _NO_OPERAND:  # JAX's older keyword form
        operands = operands + (operand,)
    p = asarray(pred)
    if p.shape != ():
        raise TypeError(
            f"cond: the predicate must be a scalar (shape ()), got shape {p.shape}; reduce it "
            "(jnp.all / jnp.any) or use jnp.where for an elementwise choice"
        )
    if p.dtype.kind not in "biuf":
        raise TypeError(f"cond: the predicate must be bool or a number, got {p.dtype}")
    known = concrete_or_none(p)
    if known is not None:
        return (true_fun if bool(np.asarray(known)) else false_fun)(*operands)
    if p.dtype.kind != "b":
        p = E.ne(p, p.dtype.type(0))
    return _switch(S.convert_element_type(p, np.int32), [false_fun, true_fun], operands, "cond")


def _switch(index: Any, branches: list, operands: tuple, name: str) -> Any:
    known = concrete_or_none(index)
    if known is not None:
        i = min(max(int(np.asarray(known)), 0), len(branches) - 1)
        return branches[i](*operands)
    index = S.convert_element_type(index, np.int32)
    leaves, in_tree = _leaves_as_arrays(operands)
    avals = [strong(get_aval(x)) for x in leaves]
    staged = []
    for br in branches:
        box: dict = {}

        def flat(*args: Any, br=br, box=box) -> list:
            out_leaves, box["tree"] = tree_flatten(br(*tree_unflatten(in_tree, list(args))))
            box["leaves"] = out_leaves
            return out_leaves

        jaxpr, captured = stage(flat, avals)
        staged.append((jaxpr, captured, box["tree"]))
    labels = (["false_fun", "true_fun"] if name == "cond"
              else [f"branches[{i}]" for i in range(len(branches))])
    ref_jaxpr, _, ref_tree = staged[0]
    for k, (jaxpr, _, tree) in enumerate(staged[1:], 1):
        if tree != ref_tree:
            raise TypeError(
                f"{name}: {labels[0]} and {labels[k]} return different structures: "
                f"{labels[0]} returns {ref_tree} and {labels[k]} returns {tree}; every branch "
                "must return the same structure"
            )
        paths = leaf_paths(tree_unflatten(ref_tree, list(range(len(ref_jaxpr.outvars)))), "")
        for j, (a, b) in enumerate(zip(ref_jaxpr.out_avals, jaxpr.out_avals)):
            if a.shape != b.shape or a.dtype != b.dtype:
                raise TypeError(
                    f"{name}: output {paths[j] or '(the whole value)'} is {_describe(a)} in "
                    f"{labels[0]} but {_describe(b)} in {labels[k]}; the branches must return "
                    "the same shapes and dtypes"
                )
    # Every branch takes every branch's captured values (and ignores the others').
    all_captured = [c for _, captured, _ in staged for c in captured]
    new_branches, offset = [], 0
    for jaxpr, captured, _ in staged:
        before = [Var(strong(get_aval(c))) for c in all_captured[:offset]]
        after = [Var(strong(get_aval(c))) for c in all_captured[offset + len(captured):]]
        n_cap = len(captured)
        invars = before + jaxpr.invars[:n_cap] + after + jaxpr.invars[n_cap:]
        new_branches.append(Jaxpr(jaxpr.constvars, jaxpr.consts, invars, jaxpr.eqns,
                                  jaxpr.outvars))
        offset += n_cap
    outs = bind_control(cond_p, [index] + all_captured + leaves,
                        dict(branches=tuple(new_branches)))
    return tree_unflatten(ref_tree, outs)


# ---- scan, map ----------------------------------------------------------------------------------


def scan(f: Callable, init: Any, xs: Any = None, length: int | None = None,
         reverse: bool = False, unroll: int | bool = 1) -> tuple[Any, Any]:
    """Loop ``carry, y = f(carry, x)`` over the leading axis of ``xs``; returns the final carry
    and the stacked ``y``s. ``xs=None`` with ``length`` loops without inputs; ``reverse=True``
    runs from the last element to the first (ys keep their positions). ``unroll`` is accepted
    for compatibility and does not change results.

    Example:
        >>> scan(lambda c, x: (c + x, c * x), 0.0, jnp.arange(4.0))
        (Array(6., dtype=float32), Array([0., 1., 3., 6.], dtype=float32))
    """
    if not callable(f):
        raise TypeError(f"scan: f must be callable, got {type(f).__name__}")
    _check_unroll("scan", unroll)
    xs_leaves, xs_tree = _leaves_as_arrays(xs)
    lengths = {x.shape[0] if x.ndim else None for x in xs_leaves}
    if None in lengths:
        raise ValueError("scan: every leaf of xs needs a leading axis to scan over; got a scalar")
    if length is not None:
        lengths.add(int(length))
    if len(lengths) > 1:
        shapes = [tuple(x.shape) for x in xs_leaves]
        raise ValueError(
            f"scan: the leading axes of xs disagree (shapes {shapes}"
            + (f", length={length}" if length is not None else "") + "); they must all be equal"
        )
    if not lengths:
        raise ValueError("scan: with xs=None, pass length= (the number of steps)")
    n = lengths.pop()
    init_leaves, init_tree = _leaves_as_arrays(init)
    if _python_mode() and n > 0:
        return _retyped(lambda leaves, weak: _scan_python(
            f, leaves, weak, init_tree, xs_leaves, xs_tree, n, reverse),
            init_leaves, _weak_flags(init))
    return _retyped(lambda leaves, weak: _scan_staged(
        f, leaves, weak, init_tree, xs_leaves, xs_tree, n, reverse, unroll),
        init_leaves, _weak_flags(init))


def _check_unroll(name: str, unroll: Any) -> None:
    if not isinstance(unroll, bool) and (not isinstance(unroll, (int, np.integer)) or unroll < 1):
        raise ValueError(f"{name}: unroll must be a positive int or a bool, got {unroll!r}")


def _scan_staged(f, init_leaves, weak, init_tree, xs_leaves, xs_tree, n, reverse, unroll):
    carry_avals = [strong(get_aval(c)) for c in init_leaves]
    x_avals = [ShapedArray(x.shape[1:], x.dtype) for x in xs_leaves]
    nc = len(init_leaves)
    box: dict = {}

    def body(*args: Any) -> list:
        carry = tree_unflatten(init_tree, list(args[:nc]))
        x = tree_unflatten(xs_tree, list(args[nc:]))
        c_leaves, y_leaves, box["y_tree"] = _step(f, carry, x, init_tree, args[:nc], weak)
        return c_leaves + y_leaves

    jaxpr, captured = stage(body, carry_avals + x_avals)
    outs = bind_control(scan_p, captured + init_leaves + xs_leaves, dict(
        jaxpr=jaxpr, num_consts=len(captured), num_carry=nc, length=n, reverse=bool(reverse),
        unroll=unroll))
    return tree_unflatten(init_tree, outs[:nc]), tree_unflatten(box["y_tree"], outs[nc:])


def _step(f: Callable, carry: Any, x: Any, init_tree: Any, init_leaves: Any,
          weak: Any = ()) -> tuple:
    out = f(carry, x)
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise TypeError(
            f"scan: the body must return a pair (new_carry, y), got {type(out).__name__}"
            + (f" of length {len(out)}" if isinstance(out, (tuple, list)) else "")
        )
    c_leaves, c_tree = tree_flatten(out[0])
    c_leaves = _match_leaves("scan", "the carry returned by the body", init_tree,
                             list(init_leaves), c_tree, c_leaves, "init", "the body's output",
                             weak)
    y_leaves, y_tree = tree_flatten(out[1])
    return c_leaves, y_leaves, y_tree


def _scan_python(f, init_leaves, weak, init_tree, xs_leaves, xs_tree, n, reverse):
    from .numpy.shape_ops import stack

    carry_leaves = init_leaves
    ys, y_tree = [], None
    for i in (range(n - 1, -1, -1) if reverse else range(n)):
        carry = tree_unflatten(init_tree, carry_leaves)
        x = tree_unflatten(xs_tree, [leaf[i] for leaf in xs_leaves])
        carry_leaves, y_leaves, tree = _step(f, carry, x, init_tree, init_leaves, weak)
        weak = ()  # (only the first step may retype the initial carry)
        if y_tree is not None and tree != y_tree:
            raise TypeError(f"scan: the body's y changed structure from {y_tree} to {tree}")
        y_tree = tree
        ys.append(y_leaves)
    if reverse:
        ys.reverse()
    stacked = [stack([asarray(step[k]) for step in ys]) for k in range(len(ys[0]))]
    return tree_unflatten(init_tree, carry_leaves), tree_unflatten(y_tree, stacked)


def map(f: Callable, xs: Any) -> Any:
    """``f`` applied to each slice of ``xs`` along its leading axis, results stacked (a scan
    with no carry).

    Example:
        >>> map(lambda x: x.sum(), jnp.ones((3, 2)))
        Array([2., 2., 2.], dtype=float32)
    """
    return scan(lambda _, x: (None, f(x)), None, xs)[1]


# ---- loops --------------------------------------------------------------------------------------


def fori_loop(lower: Any, upper: Any, body_fun: Callable, init_val: Any, *,
              unroll: int | bool | None = None) -> Any:
    """``val = body_fun(i, val)`` for ``i`` in ``range(lower, upper)``; returns ``val``.

    With concrete bounds this is a scan (reverse-differentiable); with traced bounds a
    while_loop. The index is an int32 array (the bounds' dtype if they are integer arrays).
    ``unroll`` is accepted for compatibility and does not change results.

    Example:
        >>> fori_loop(0, 4, lambda i, s: s + i, 0)
        Array(6, dtype=int32)
    """
    if unroll is not None:
        _check_unroll("fori_loop", unroll)
    lo_a, hi_a = asarray(lower), asarray(upper)
    for name, v in (("lower", lo_a), ("upper", hi_a)):
        if v.shape != () or v.dtype.kind not in "iu":
            raise TypeError(f"fori_loop: {name} must be a scalar integer, got "
                            f"{_describe(get_aval(v))}")
    dtype = np.result_type(lo_a.dtype, hi_a.dtype)
    lo, hi = concrete_or_none(lo_a), concrete_or_none(hi_a)
    if lo is not None and hi is not None:
        lo, hi = int(lo), int(hi)
        if _python_mode():
            val = init_val
            for i in range(lo, hi):
                val = body_fun(Array(np.asarray(i, dtype)), val)
            return val

        def step(carry: Any, _: Any) -> tuple:
            i, val = carry
            return (E.add(i, dtype.type(1)), body_fun(i, val)), None

        start = Array(np.asarray(lo, dtype))
        return scan(step, (start, init_val), None, length=max(hi - lo, 0))[0][1]
    lo_a, hi_a = S.convert_element_type(lo_a, dtype), S.convert_element_type(hi_a, dtype)
    _, _, val = while_loop(lambda c: E.lt(c[0], c[1]),
                           lambda c: (E.add(c[0], dtype.type(1)), c[1], body_fun(c[0], c[2])),
                           (lo_a, hi_a, init_val))
    return val


def while_loop(cond_fun: Callable, body_fun: Callable, init_val: Any) -> Any:
    """``val = body_fun(val)`` while ``cond_fun(val)``; returns ``val``.

    Differentiable in forward mode, and (beyond JAX) in reverse mode: the forward pass records
    the trip count and the backward pass runs that many steps back.

    Example:
        >>> while_loop(lambda v: v < 10, lambda v: v * 2, 1)
        Array(16, dtype=int32)
    """
    init_leaves, tree = _leaves_as_arrays(init_val)
    return _retyped(lambda leaves, weak: _while(cond_fun, body_fun, leaves, weak, tree),
                    init_leaves, _weak_flags(init_val))


def _while(cond_fun: Callable, body_fun: Callable, init_leaves: list, weak: list,
           tree: Any) -> Any:
    def check(out: Any, ref: list, weak: Any) -> list:
        out_leaves, out_tree = tree_flatten(out)
        return _match_leaves("while_loop", "the value returned by body_fun", tree, ref,
                             out_tree, out_leaves, "init_val", "body_fun's output", weak)

    if _python_mode():
        leaves = init_leaves
        while _pred(cond_fun(tree_unflatten(tree, leaves))):
            leaves = check(body_fun(tree_unflatten(tree, leaves)), init_leaves, weak)
            weak = ()
        return tree_unflatten(tree, leaves)
    avals = [strong(get_aval(x)) for x in init_leaves]

    def cond_flat(*args: Any) -> list:
        p = asarray(cond_fun(tree_unflatten(tree, list(args))))
        _check_pred(p)
        return [p]

    def body_flat(*args: Any) -> list:
        return check(body_fun(tree_unflatten(tree, list(args))), list(args), weak)

    cond_j, cond_cap = stage(cond_flat, avals)
    body_j, body_cap = stage(body_flat, avals)
    outs = bind_control(while_p, cond_cap + body_cap + init_leaves, dict(
        cond_jaxpr=cond_j, body_jaxpr=body_j, cond_nconsts=len(cond_cap),
        body_nconsts=len(body_cap)))
    return tree_unflatten(tree, outs)


def _check_pred(p: Any) -> None:
    if p.shape != () or p.dtype != np.bool_:
        raise TypeError(
            f"while_loop: cond_fun must return a boolean scalar, got {_describe(get_aval(p))}"
        )


def _pred(p: Any) -> bool:
    p = asarray(p)
    _check_pred(p)
    return bool(np.asarray(concrete_or_none(p)))


# ---- associative_scan ---------------------------------------------------------------------------


def associative_scan(fn: Callable, elems: Any, reverse: bool = False, axis: int = 0) -> Any:
    """Inclusive prefix scan with an associative ``fn`` along ``axis`` (a parallel
    odd/even recursion of O(log n) depth, built from slices and concatenations).

    Example:
        >>> associative_scan(jnp.add, jnp.arange(5.0))
        Array([ 0.,  1.,  3.,  6., 10.], dtype=float32)
    """
    leaves, tree = _leaves_as_arrays(elems)
    if not leaves:
        return elems
    ndim = leaves[0].ndim
    if not -ndim <= axis < ndim:
        raise ValueError(f"associative_scan: axis {axis} is out of range for rank {ndim}")
    axis = axis % ndim
    sizes = {x.shape[axis] for x in leaves}
    if len(sizes) != 1:
        raise ValueError(
            f"associative_scan: the leaves have different sizes along axis {axis}: "
            f"{[x.shape for x in leaves]}"
        )
    if reverse:
        leaves = [S.rev(x, (axis,)) for x in leaves]

    def combine(a: list, b: list) -> list:
        out, _ = tree_flatten(fn(tree_unflatten(tree, a), tree_unflatten(tree, b)))
        return [asarray(o) for o in out]

    def sl(x: Any, start: int, stop: int | None = None, step: int = 1) -> Any:
        n = x.shape[axis]
        stop = n if stop is None else stop if stop >= 0 else n + stop
        starts, limits, strides = [0] * x.ndim, list(x.shape), [1] * x.ndim
        starts[axis], limits[axis], strides[axis] = start, max(stop, start), step
        return S.slice_(x, tuple(starts), tuple(limits), tuple(strides))

    def interleave(a: Any, b: Any) -> Any:  # a[0], b[0], a[1], b[1], ... (len(a) >= len(b))
        na, nb = a.shape[axis], b.shape[axis]
        if na > nb:
            pad = [(0, 0, 0)] * b.ndim
            pad[axis] = (0, 1, 0)
            b = S.pad(b, b.dtype.type(0), tuple(pad))
        shape = list(a.shape)
        ex = shape[:axis + 1] + [1] + shape[axis + 1:]
        both = S.concatenate([S.reshape(a, tuple(ex)), S.reshape(b, tuple(ex))], axis + 1)
        shape[axis] = 2 * na
        out = S.reshape(both, tuple(shape))
        return sl(out, 0, na + nb) if na > nb else out

    def scan_(xs: list) -> list:
        n = xs[0].shape[axis]
        if n < 2:
            return xs
        reduced = combine([sl(x, 0, n - 1 if n % 2 else n, 2) for x in xs],
                          [sl(x, 1, None, 2) for x in xs])
        odd = scan_(reduced)
        if n % 2 == 0:
            even = combine([sl(o, 0, -1) for o in odd], [sl(x, 2, None, 2) for x in xs])
        else:
            even = combine(odd, [sl(x, 2, None, 2) for x in xs])
        even = [S.concatenate([sl(x, 0, 1), e], axis) for x, e in zip(xs, even)]
        return [interleave(e, o) for e, o in zip(even, odd)]

    out = scan_(leaves)
    if reverse:
        out = [S.rev(x, (axis,)) for x in out]
    return tree_unflatten(tree, out)


# ---- dynamic slicing helpers --------------------------------------------------------------------


def _starts_at(ndim: int, axis: int, index: Any) -> list:
    starts: list = [np.int32(0)] * ndim
    starts[axis] = index
    return starts


def dynamic_slice_in_dim(operand: Any, start_index: Any, slice_size: int, axis: int = 0, *,
                         allow_negative_indices: bool = True) -> Any:
    """``dynamic_slice`` along one axis (a negative start counts from the end, then clamped).

    Example:
        >>> lax.dynamic_slice_in_dim(jnp.arange(12).reshape(3, 4), 1, 2, axis=1)  # x[:, 1:3]
    """
    x = asarray(operand)
    axis = _axis("dynamic_slice_in_dim", axis, x.ndim)
    sizes = list(x.shape)
    sizes[axis] = slice_size
    return dynamic_slice(x, _starts_at(x.ndim, axis, start_index), sizes,
                         allow_negative_indices=allow_negative_indices)


def dynamic_index_in_dim(operand: Any, index: Any, axis: int = 0, keepdims: bool = True, *,
                         allow_negative_indices: bool = True) -> Any:
    """``operand``'s slice at ``index`` along ``axis`` (a negative index counts from the end,
    then clamped), keeping the axis as size 1 unless ``keepdims=False``.

    Example:
        >>> lax.dynamic_index_in_dim(jnp.arange(6).reshape(3, 2), -1, keepdims=False)
        Array([4, 5], dtype=int32)
    """
    x = asarray(operand)
    axis = _axis("dynamic_index_in_dim", axis, x.ndim)
    out = dynamic_slice_in_dim(x, index, 1, axis, allow_negative_indices=allow_negative_indices)
    if keepdims:
        return out
    return S.reshape(out, x.shape[:axis] + x.shape[axis + 1:])


def dynamic_update_slice_in_dim(operand: Any, update: Any, start_index: Any, axis: int, *,
                                allow_negative_indices: bool = True) -> Any:
    """``dynamic_update_slice`` at ``start_index`` along one axis (0 elsewhere).

    Example:
        >>> lax.dynamic_update_slice_in_dim(jnp.zeros((3, 2)), jnp.ones((1, 2)), 1, axis=0)
    """
    x = asarray(operand)
    axis = _axis("dynamic_update_slice_in_dim", axis, x.ndim)
    return dynamic_update_slice(x, update, _starts_at(x.ndim, axis, start_index),
                                allow_negative_indices=allow_negative_indices)


def dynamic_update_index_in_dim(operand: Any, update: Any, index: Any, axis: int, *,
                                allow_negative_indices: bool = True) -> Any:
    """Write ``update`` (with or without the size-1 ``axis``) at ``index`` along ``axis``.

    Example:
        >>> lax.dynamic_update_index_in_dim(jnp.zeros((3, 2)), jnp.ones(2), -1, 0)  # last row
    """
    x, u = asarray(operand), asarray(update)
    axis = _axis("dynamic_update_index_in_dim", axis, x.ndim)
    if u.ndim == x.ndim - 1:
        u = S.reshape(u, u.shape[:axis] + (1,) + u.shape[axis:])
    return dynamic_update_slice_in_dim(x, u, index, axis,
                                       allow_negative_indices=allow_negative_indices)


def _axis(name: str, axis: int, ndim: int) -> int:
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name}: axis {axis} is out of range for an operand of rank {ndim}")
    return axis % ndim


# The public names functorch_lite.lax re-exports from this module.
__all__ = [
    "associative_scan", "cond", "dynamic_index_in_dim", "dynamic_slice", "dynamic_slice_in_dim",
    "dynamic_update_index_in_dim", "dynamic_update_slice", "dynamic_update_slice_in_dim",
    "fori_loop", "map", "scan", "switch", "while_loop",
]
