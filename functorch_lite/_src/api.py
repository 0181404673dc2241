"""The transformations' public API, with JAX's names and signatures: grad, value_and_grad,
vjp, jvp, linearize, jacfwd, jacrev, hessian, vmap and make_jaxpr (jit lives in jit.py)."""
from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import dtypes
from .array import Array
from .core import _state, get_aval, set_current_trace
from .errors import NonScalarOutputError
from .interpreters.batching import batch_flat
from .interpreters.jvp import JVPTrace, JVPTracer
from .interpreters.reverse import ReverseTrace, ReverseTracer, backward
from .numpy._convert import asarray, is_arraylike
from .prims.shape import zeros_like_value
from .tree_util import broadcast_prefix, leaf_paths, tree_flatten, tree_map, tree_unflatten


def _argnums_tuple(argnums: int | Sequence[int], nargs: int, fname: str) -> tuple[int, ...]:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for i in nums:
        if not -nargs <= i < nargs:
            raise ValueError(
                f"{fname}: argnums={argnums!r} refers to argument {i}, but the function was "
                f"called with {nargs} positional argument(s)"
            )
    return tuple(i % nargs for i in nums)


def _as_input(x: Any, where: str, *, need_float: bool, fname: str) -> Any:
    if not is_arraylike(x):
        try:
            x = asarray(x)
        except TypeError:
            raise TypeError(
                f"{fname}: {where} is a {type(x).__name__}, which is not an array; pytree "
                "positions that are differentiated or mapped must hold arrays or numbers "
                "(register custom classes with tree_util.register_pytree_node)"
            ) from None
    if need_float and x.dtype.kind not in "fc":
        raise TypeError(
            f"{fname} requires real- or complex-valued inputs, but {where} has dtype "
            f"{x.dtype}. Differentiate with respect to a float array (x.astype(float)), or "
            "leave this argument out of argnums."
        )
    return x


def _strip(trace: Any, tree: Any) -> Any:
    """Replace this trace's tracers in ``tree`` by their primal values (for aux outputs)."""

    def f(x):
        if isinstance(x, (ReverseTracer, JVPTracer)) and x._trace is trace:
            return x.primal
        return x

    return tree_map(f, tree)


# ---- reverse mode --------------------------------------------------------------------------------


def value_and_grad(fun: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False,
                   allow_int: bool = False) -> Callable:
    """A function returning ``fun``'s value and its gradient with respect to ``argnums``.

    Example:
        >>> value, g = value_and_grad(lambda x: (x ** 2).sum())(jnp.asarray([1.0, 2.0]))
        >>> g
        Array([2., 4.], dtype=float32)
    """

    @functools.wraps(fun)
    def value_and_grad_f(*args: Any, **kwargs: Any) -> Any:
        trace = ReverseTrace(_state.trace)
        new_args = list(args)
        leaves_per_arg = []
        for i in _argnums_tuple(argnums, len(args), "grad"):
            x = args[i]
            if type(x) is Array and (allow_int or x._value.dtype.kind in "fc"):
                tracer = trace.new_leaf(x)  # the common case: one array, no pytree to walk
                leaves_per_arg.append((None, [x], [tracer]))
                new_args[i] = tracer
                continue
            leaves, tree = tree_flatten(x)
            leaves = [_as_input(v, f"argument {i}", need_float=not allow_int, fname="grad")
                      for v in leaves]
            tracers = [trace.new_leaf(v) for v in leaves]
            leaves_per_arg.append((tree, leaves, tracers))
            new_args[i] = tree_unflatten(tree, tracers)
        with set_current_trace(trace):
            out = fun(*new_args, **kwargs)
        aux = None
        if has_aux:
            if not (isinstance(out, (tuple, list)) and len(out) == 2):
                raise TypeError(
                    "grad with has_aux=True needs the function to return a pair (output, aux),"
                    f" got {type(out).__name__}"
                )
            out, aux = out
            aux = _strip(trace, aux)
        out_aval = _check_scalar_output(out)
        own = isinstance(out, ReverseTracer) and out._trace is trace
        value = out.primal if own else asarray(out)
        leaf_cts = backward(trace, [out], [Array(np.ones((), out_aval.dtype))]) if own else {}
        grads = []
        for tree, leaves, tracers in leaves_per_arg:
            cts = [leaf_cts.get(t.index) for t in tracers]
            cts = [zeros_like_value(x) if c is None else c for c, x in zip(cts, leaves)]
            grads.append(cts[0] if tree is None else tree_unflatten(tree, cts))
        g = grads[0] if isinstance(argnums, int) else tuple(grads)
        return ((value, aux), g) if has_aux else (value, g)

    return value_and_grad_f


def _check_scalar_output(out: Any):
    if is_arraylike(out) or dtypes.is_python_scalar(out) or isinstance(out, np.ndarray):
        aval = get_aval(out)
        if aval.shape != ():
            raise NonScalarOutputError(
                f"grad requires a scalar-valued function (output shape ()), but the output has "
                f"shape {aval.shape}. Reduce it (e.g. .sum() or .mean()), or use jacrev/jacfwd "
                "for the Jacobian, or vjp(f, x) with a cotangent of that shape."
            )
        if aval.dtype.kind not in "fc":
            raise TypeError(
                f"grad requires a real-valued output, but the output has dtype {aval.dtype}"
            )
        return aval
    raise NonScalarOutputError(
        f"grad requires the function to return one scalar array, got {type(out).__name__}; "
        "with an auxiliary output use has_aux=True, for several outputs use jacrev or vjp"
    )


def grad(fun: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False,
         allow_int: bool = False) -> Callable:
    """The gradient of scalar-valued ``fun`` with respect to argument(s) ``argnums``.

    Example:
        >>> grad(lambda x: jnp.sin(x).sum())(jnp.asarray([0.0]))
        Array([1.], dtype=float32)
    """
    vg = value_and_grad(fun, argnums, has_aux, allow_int)

    @functools.wraps(fun)
    def grad_f(*args: Any, **kwargs: Any) -> Any:
        (value_and_aux, g) = vg(*args, **kwargs)
        return (g, value_and_aux[1]) if has_aux else g

    return grad_f


def vjp(fun: Callable, *primals: Any, has_aux: bool = False) -> tuple:
    """``fun(*primals)`` and a function mapping an output cotangent to input cotangents.

    Example:
        >>> y, pullback = vjp(jnp.sin, jnp.asarray([0.0, 1.0]))
        >>> (ct,) = pullback(jnp.ones(2))
    """
    trace = ReverseTrace(_state.trace)
    structs = []
    new_args = []
    for i, p in enumerate(primals):
        leaves, tree = tree_flatten(p)
        leaves = [_as_input(x, f"primals[{i}]", need_float=False, fname="vjp") for x in leaves]
        tracers = [trace.new_leaf(x) for x in leaves]
        structs.append((tree, leaves, tracers))
        new_args.append(tree_unflatten(tree, tracers))
    with set_current_trace(trace):
        out = fun(*new_args)
    aux = None
    if has_aux:
        out, aux = out
        aux = _strip(trace, aux)
    out_leaves, out_tree = tree_flatten(out)
    primal_out = [o.primal if isinstance(o, ReverseTracer) and o._trace is trace else o
                  for o in out_leaves]

    def pullback(ct: Any) -> tuple:
        ct_leaves, ct_tree = tree_flatten(ct)
        if ct_tree != out_tree:
            raise ValueError(
                f"vjp: the cotangent's structure {ct_tree} differs from the output's {out_tree}"
            )
        for k, (c, o) in enumerate(zip(ct_leaves, primal_out)):
            cs, os_ = get_aval(c).shape, get_aval(o).shape
            if cs != os_:
                raise ValueError(
                    f"vjp: cotangent {k} has shape {cs} but the output it belongs to has shape "
                    f"{os_}"
                )
        ct_leaves = [asarray(c) if not is_arraylike(c) else c for c in ct_leaves]
        leaf_cts = backward(trace, out_leaves, ct_leaves)
        result = []
        for tree, leaves, tracers in structs:
            cts = [leaf_cts.get(t.index) for t in tracers]
            result.append(tree_unflatten(
                tree, [zeros_like_value(x) if c is None else c for c, x in zip(cts, leaves)]))
        return tuple(result)

    out_value = tree_unflatten(out_tree, primal_out)
    return (out_value, pullback, aux) if has_aux else (out_value, pullback)


# ---- forward mode --------------------------------------------------------------------------------


def jvp(fun: Callable, primals: Sequence[Any], tangents: Sequence[Any],
        has_aux: bool = False) -> tuple:
    """``(fun(*primals), J(primals) @ tangents)``, the Jacobian-vector product in one pass.

    Example:
        >>> jvp(jnp.sin, (jnp.asarray(0.0),), (jnp.asarray(1.0),))
        (Array(0., dtype=float32), Array(1., dtype=float32))
    """
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError("jvp: primals and tangents must be tuples or lists (one per argument)")
    if len(primals) != len(tangents):
        raise ValueError(f"jvp: {len(primals)} primals but {len(tangents)} tangents")
    trace = JVPTrace(_state.trace)
    new_args = []
    for i, (p, t) in enumerate(zip(primals, tangents)):
        p_leaves, p_tree = tree_flatten(p)
        t_leaves, t_tree = tree_flatten(t)
        if p_tree != t_tree:
            raise ValueError(f"jvp: primals[{i}] is {p_tree} but tangents[{i}] is {t_tree}")
        wrapped = []
        for p_leaf, t_leaf in zip(p_leaves, t_leaves):
            p_leaf = _as_input(p_leaf, f"primals[{i}]", need_float=False, fname="jvp")
            t_leaf = asarray(t_leaf) if not is_arraylike(t_leaf) else t_leaf
            if p_leaf.shape != t_leaf.shape:
                raise ValueError(
                    f"jvp: primals[{i}] has shape {p_leaf.shape} but its tangent has shape "
                    f"{t_leaf.shape}; they must match"
                )
            if p_leaf.dtype.kind in "fc" and t_leaf.dtype != p_leaf.dtype:
                t_leaf = asarray(t_leaf, p_leaf.dtype)
            wrapped.append(JVPTracer(trace, p_leaf, t_leaf) if p_leaf.dtype.kind in "fc"
                           else p_leaf)
        new_args.append(tree_unflatten(p_tree, wrapped))
    with set_current_trace(trace):
        out = fun(*new_args)
    aux = None
    if has_aux:
        out, aux = out
        aux = _strip(trace, aux)
    out_leaves, out_tree = tree_flatten(out)
    ps, ts = [], []
    for o in out_leaves:
        if isinstance(o, JVPTracer) and o._trace is trace:
            ps.append(o.primal)
            ts.append(o.tangent)
        else:
            ps.append(o)
            ts.append(zeros_like_value(o))
    res = (tree_unflatten(out_tree, ps), tree_unflatten(out_tree, ts))
    return res + (aux,) if has_aux else res


def linearize(fun: Callable, *primals: Any) -> tuple[Any, Callable]:
    """``fun(*primals)`` and its linear map ``tangents -> J @ tangents``.

    At the top level the map is staged once and compiled with jit: the primal computation is
    folded into constants, leaving only the linear tangent operations.

    Example:
        >>> y, f_jvp = linearize(jnp.sin, jnp.asarray(1.0))
        >>> f_jvp(jnp.asarray(2.0))   # 2 * cos(1)
        Array(1.0806046, dtype=float32)
    """
    from .jit import jit

    def tangent_map(*tangents: Any) -> Any:
        return jvp(fun, primals, tangents)[1]

    out = fun(*primals)
    return out, jit(tangent_map)


# ---- Jacobians -----------------------------------------------------------------------------------


def _basis(n: int, shapes: list, dtypes_: list) -> list:
    eye = np.eye(n)
    out, off = [], 0
    for shape, dt in zip(shapes, dtypes_):
        size = math.prod(shape)
        out.append(Array(eye[:, off:off + size].reshape((n,) + tuple(shape)).astype(dt)))
        off += size
    return out


def _split_axis(x: Any, sizes: list, axis: int) -> list:
    from .prims.shape import slice_

    shape = get_aval(x).shape
    axis = axis % len(shape)
    parts, off = [], 0
    for size in sizes:
        start = tuple(off if a == axis else 0 for a in range(len(shape)))
        limit = tuple(off + size if a == axis else s for a, s in enumerate(shape))
        parts.append(slice_(x, start, limit))
        off += size
    return parts


def jacrev(fun: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False) -> Callable:
    """The Jacobian of ``fun`` by reverse mode (one VJP per output element, vmapped).

    Example:
        >>> jacrev(lambda x: x ** 2)(jnp.asarray([1.0, 2.0]))
        Array([[2., 0.],
               [0., 4.]], dtype=float32)
    """

    @functools.wraps(fun)
    def jac(*args: Any) -> Any:
        nums = _argnums_tuple(argnums, len(args), "jacrev")
        diff = [args[i] for i in nums]

        def f_diff(*d):
            full = list(args)
            for i, v in zip(nums, d):
                full[i] = v
            return fun(*full)

        res = vjp(f_diff, *diff, has_aux=has_aux)
        y, pullback = res[0], res[1]
        y_leaves, y_tree = tree_flatten(y)
        y_avals = [get_aval(v) for v in y_leaves]
        n = sum(a.size for a in y_avals)
        basis = _basis(n, [a.shape for a in y_avals], [a.dtype for a in y_avals])
        cts = vmap(pullback)(tree_unflatten(y_tree, basis))
        in_leaves, in_tree = tree_flatten(cts)
        per_out = []
        for j, aval in enumerate(y_avals):
            blocks = []
            for leaf in in_leaves:
                part = _split_axis(leaf, [a.size for a in y_avals], 0)[j]
                blocks.append(_reshape(part, aval.shape + get_aval(leaf).shape[1:]))
            tree = tree_unflatten(in_tree, blocks)
            per_out.append(tree[0] if isinstance(argnums, int) else tree)
        out = tree_unflatten(y_tree, per_out)
        return (out, res[2]) if has_aux else out

    return jac


def jacfwd(fun: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False) -> Callable:
    """The Jacobian of ``fun`` by forward mode (one JVP per input element, vmapped).

    Example:
        >>> jacfwd(jnp.sin)(jnp.asarray([0.0]))
        Array([[1.]], dtype=float32)
    """

    @functools.wraps(fun)
    def jac(*args: Any) -> Any:
        nums = _argnums_tuple(argnums, len(args), "jacfwd")
        diff = [args[i] for i in nums]
        in_leaves, in_tree = tree_flatten(diff)
        in_leaves = [_as_input(x, "an argument", need_float=True, fname="jacfwd")
                     for x in in_leaves]
        avals = [get_aval(x) for x in in_leaves]
        n = sum(a.size for a in avals)
        basis = _basis(n, [a.shape for a in avals], [a.dtype for a in avals])
        primals = tree_unflatten(in_tree, in_leaves)

        def f_diff(*d):
            full = list(args)
            for i, v in zip(nums, d):
                full[i] = v
            return fun(*full)

        def push(*t_leaves):
            tangents = tree_unflatten(in_tree, list(t_leaves))
            res = jvp(f_diff, tuple(primals), tuple(tangents), has_aux=has_aux)
            return res[1]

        out_t = vmap(push, out_axes=-1)(*basis)
        aux = None
        if has_aux:
            aux = jvp(f_diff, tuple(primals), tuple(tree_map(zeros_like_value, primals)),
                      has_aux=True)[2]
        out_leaves, out_tree = tree_flatten(out_t)
        per_out = []
        for leaf in out_leaves:
            oshape = get_aval(leaf).shape[:-1]
            parts = _split_axis(leaf, [a.size for a in avals], -1)
            blocks = [_reshape(p, oshape + a.shape) for p, a in zip(parts, avals)]
            tree = tree_unflatten(in_tree, blocks)
            per_out.append(tree[0] if isinstance(argnums, int) else tuple(tree))
        out = tree_unflatten(out_tree, per_out)
        return (out, aux) if has_aux else out

    return jac


def _reshape(x: Any, shape: tuple) -> Any:
    from .prims.shape import reshape

    return reshape(x, shape)


def hessian(fun: Callable, argnums: int | Sequence[int] = 0) -> Callable:
    """The Hessian of scalar ``fun``: ``jacfwd(jacrev(fun))``.

    Example:
        >>> hessian(lambda x: (x ** 3).sum())(jnp.asarray([1.0, 2.0]))
        Array([[ 6.,  0.],
               [ 0., 12.]], dtype=float32)
    """
    return jacfwd(jacrev(fun, argnums), argnums)


# ---- vmap ----------------------------------------------------------------------------------------


def vmap(fun: Callable, in_axes: Any = 0, out_axes: Any = 0, axis_name: str | None = None,
         axis_size: int | None = None) -> Callable:
    """Vectorise ``fun`` over axis ``in_axes`` of its arguments (ints/None, or pytrees of them).

    Example:
        >>> vmap(jnp.dot)(jnp.ones((3, 2)), jnp.ones((3, 2)))
        Array([2., 2., 2.], dtype=float32)
    """
    if isinstance(in_axes, list):
        in_axes = tuple(in_axes)

    @functools.wraps(fun)
    def batched(*args: Any, **kwargs: Any) -> Any:
        if isinstance(in_axes, tuple) and len(in_axes) != len(args):
            raise ValueError(
                f"vmap in_axes has {len(in_axes)} entries but the function was called with "
                f"{len(args)} positional arguments; give one entry per argument"
            )
        leaves, tree = tree_flatten((args, kwargs))
        axes = broadcast_prefix((in_axes, 0), (args, kwargs))
        vals, dims, sizes = [], [], []
        # Leaf names (args[0]['w']) are only spelled out for an error message.
        name_of = lambda k: _leaf_arg_names(args, kwargs)[k]  # noqa: E731
        for k, (leaf, ax) in enumerate(zip(leaves, axes)):
            if ax is None:
                vals.append(leaf)
                dims.append(None)
                continue
            if not is_arraylike(leaf):
                leaf = _as_input(leaf, name_of(k), need_float=False, fname="vmap")
            nd = leaf.ndim
            if not -nd <= ax < nd:
                raise ValueError(
                    f"vmap in_axes={ax} for {name_of(k)} of shape {leaf.shape}: the axis is out "
                    f"of range for rank {nd}"
                )
            vals.append(leaf)
            dims.append(ax % nd)
            sizes.append((k, leaf.shape[ax % nd], ax))
        size = axis_size
        if sizes:
            distinct = {s for _, s, _ in sizes}
            if len(distinct) > 1 or (axis_size is not None and axis_size not in distinct):
                names = _leaf_arg_names(args, kwargs)
                listed = "; ".join(f"{names[k]} has size {s} along axis {ax}"
                                   for k, s, ax in sizes)
                raise ValueError(
                    "vmap got inconsistent sizes for the mapped axis: " + listed +
                    (f"; axis_size={axis_size}" if axis_size is not None else "")
                )
            size = sizes[0][1]
        if size is None:
            raise ValueError(
                "vmap needs at least one argument with a mapped axis (in_axes not None), or "
                "axis_size= when every in_axes entry is None"
            )

        out_tree_box = {}

        def flat_fun(*flat):
            a, kw = tree_unflatten(tree, list(flat))
            out = fun(*a, **kw)
            out_leaves, out_tree_box["tree"] = tree_flatten(out)
            out_tree_box["out"] = out
            return out_leaves

        from .interpreters.batching import BatchTrace, BatchTracer, place

        trace = BatchTrace(_state.trace, size)
        wrapped = [v if d is None else BatchTracer(trace, v, d) for v, d in zip(vals, dims)]
        with set_current_trace(trace):
            outs = flat_fun(*wrapped)
        out_dims = broadcast_prefix(out_axes, out_tree_box["out"], "out_axes")
        placed = [place(trace, o, d) for o, d in zip(outs, out_dims)]
        return tree_unflatten(out_tree_box["tree"], placed)

    return batched


def _leaf_arg_names(args: tuple, kwargs: dict) -> list[str]:
    """Where each leaf of ``(args, kwargs)`` sits, spelled out: ``args[0]['w']``."""
    names = []
    for i, a in enumerate(args):
        names += leaf_paths(a, f"args[{i}]")
    for k in sorted(kwargs):
        names += [f"keyword argument {k!r}{path}" for path in leaf_paths(kwargs[k])]
    return names


# ---- make_jaxpr ----------------------------------------------------------------------------------


def make_jaxpr(fun: Callable, static_argnums: int | Sequence[int] = ()) -> Callable:
    """A function that returns the IR (jaxpr) that ``fun`` traces to for given arguments.

    Example:
        >>> print(make_jaxpr(lambda x: jnp.sin(x) * 2.0)(jnp.ones(3)))
        { lambda ; a:f32[3]. let
            b:f32[3] = sin a
            c:f32[3] = mul b 2.0
          in (c,) }
    """
    from .interpreters.staging import trace_to_jaxpr

    statics = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)

    @functools.wraps(fun)
    def make(*args: Any, **kwargs: Any):
        dyn = [a for i, a in enumerate(args) if i not in statics]
        leaves, tree = tree_flatten((dyn, kwargs))
        leaves = [_as_input(x, "an argument", need_float=False, fname="make_jaxpr")
                  for x in leaves]

        def flat(*tracers):
            d, kw = tree_unflatten(tree, list(tracers))
            it = iter(d)
            full = [a if i in statics else next(it) for i, a in enumerate(args)]
            return tree_flatten(fun(*full, **kw))[0]

        jaxpr, _ = trace_to_jaxpr(flat, [get_aval(x) for x in leaves])
        return jaxpr

    return make


__all__ = [
    "grad", "value_and_grad", "vjp", "jvp", "linearize", "jacfwd", "jacrev", "hessian",
    "vmap", "make_jaxpr", "batch_flat",
]
