"""``torch.func`` on the functional core: functional_call, grad, vmap, jacobians, ensembles.

Every transform here is the core's (``functorch_lite.grad``, ``vmap``, ``vjp``, ``jvp``,
``jacrev``, ``jacfwd``, ``hessian``, ``linearize``) with facade Tensors in and out: arguments
are flattened (pytrees of Tensors), their core values are transformed, and the function sees
plain Tensors over the core's tracers, so ordinary facade code (modules, losses, in-place
methods) runs unchanged inside. The whole transformed call is recorded as one facade op, so
its results stay connected to ``loss.backward()`` when the inputs require grad.

Beyond torch.func (docs/facade_func.md):

* In-place changes of an input inside ``grad``/``vmap``/``jvp``/... (``x.add_(1)``,
  ``x[i] = v``, BatchNorm's running statistics) are written back to the caller's tensor after
  the call, as torch does eagerly; under ``vmap`` a mapped input gets its per-example updates.
* ``functional_call`` accepts core Arrays or tracers as well as Tensors; buffers updated by
  the forward pass are written back into the dict that was passed, so a transformed function
  can return them.
"""
from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from .._src import api as _api
from .._src.core import Tracer
from .._src.interpreters.batching import BatchTracer
from .._src.tree_util import tree_flatten, tree_unflatten
from . import _autograd as AG
from ._creation import default_generator
from ._func_modules import (
    _is_value,
    functional_call,
    replace_all_batch_norm_modules_,
    stack_module_state,
)
from ._tensor import MUTATION_LOGS, Tensor

__all__ = ["functional_call", "grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd",
           "hessian", "vmap", "linearize", "stack_module_state",
           "replace_all_batch_norm_modules_"]


def _is_none(x: Any) -> bool:
    return x is None


def _wrap(tree: Any) -> Any:
    """Core values -> plain Tensors (other leaves unchanged)."""
    leaves, treedef = tree_flatten(tree)
    return tree_unflatten(treedef, [Tensor._from_value(v) if _is_value(v) else v
                                    for v in leaves])


def _unwrap(tree: Any) -> Any:
    """Tensors -> their core values (other leaves unchanged)."""
    leaves, treedef = tree_flatten(tree)
    return tree_unflatten(treedef, [v._data if isinstance(v, Tensor) else v for v in leaves])


class _Inputs:
    """The facade side of one transformed call: which leaves of ``args`` are Tensors, and
    the fresh Tensors the function sees inside the transform (to detect in-place changes)."""

    def __init__(self, args: tuple):
        self.leaves, self.treedef = tree_flatten(args)
        self.tensor_pos = [i for i, x in enumerate(self.leaves) if isinstance(x, Tensor)]
        self.wrappers: list = []

    def rebuild_inside(self, vals: Sequence) -> tuple:
        """The arguments as the function sees them: plain Tensors over ``vals``."""
        full = list(self.leaves)
        self.wrappers = []
        for i, v in zip(self.tensor_pos, vals):
            w = Tensor._from_value(v)
            self.wrappers.append(w)
            full[i] = w
        return tree_unflatten(self.treedef, full)

    def mutated_tree(self) -> Any:
        """The args' pytree with each in-place-changed Tensor replaced by its new core value
        and every other leaf by None (so it is a pytree with the args' prefix structure)."""
        full: list = [None] * len(self.leaves)
        for i, w in zip(self.tensor_pos, self.wrappers):
            if w._gen != 0:
                full[i] = w._data
        return tree_unflatten(self.treedef, full)

    def write_back(self, mutated: Any) -> None:
        """Rebind the caller's tensors that the function changed in place."""
        new_leaves = tree_flatten(mutated, is_leaf=_is_none)[0]
        for i, new in zip(range(len(self.leaves)), new_leaves):
            if new is None:
                continue
            orig = self.leaves[i]
            orig._check_inplace()
            new_t = new if isinstance(new, Tensor) else Tensor._from_value(new)
            if new_t._data.shape != orig._data.shape:
                raise RuntimeError(
                    f"an in-place operation inside a torch.func transform changed an input of "
                    f"shape {list(orig.shape)} to shape {list(new_t.shape)}; use the "
                    "out-of-place form and return the new value instead"
                )
            orig._assign(new_t) if new_t._graph is not None else orig._set_value(new_t._data)


def _finished(v: Any) -> bool:
    """Whether ``v`` is a tracer of a transformation that is over (not one still running
    around this call)."""
    return isinstance(v, Tracer) and not v._trace.is_ancestor_of_current()


@contextlib.contextmanager
def _settled_state(where: str) -> Iterator[None]:
    """Run a transform, then check the tensors that it changed in place but did not get as
    arguments (a module called directly inside: BatchNorm's running statistics). A new value
    that is concrete under the tracer (grad, jvp) is kept, as an eager call would; one that
    only exists inside the transformation (per-example under vmap, staged under jit) cannot be
    stored: every such tensor is put back and the error says how to pass the state instead.
    (Tensors created inside the transform, such as the arguments' wrappers, are not checked.)"""
    log: dict = {}
    MUTATION_LOGS.append(log)
    try:
        yield
    finally:
        MUTATION_LOGS.pop()
    bad = None
    for t, old in log.values():
        v = t._data
        if _finished(old) or not _finished(v):
            continue
        try:
            t._data = v.to_concrete()
        except Exception:
            bad = t
    if bad is None:
        return
    for t, old in log.values():
        if not _finished(old):
            t._data = old
    raise RuntimeError(
        f"{where}: a tensor of shape {list(bad._data.shape)} that is not an argument of the "
        "transformed function (a module buffer, such as BatchNorm's running_mean in training "
        "mode) was changed in place with a value that only exists inside the transformation; "
        "pass the module's state explicitly (torch.func.functional_call(model, (params, "
        "buffers), args), which writes the buffers back), or call model.eval() first. Its "
        "value and the other state the call changed were put back."
    )


def _call_as_op(core_fn: Callable, name: str, trees: tuple) -> Any:
    """Run ``core_fn(core_trees)`` (a function of core values returning a pytree) as ONE
    facade op over the Tensors in ``trees``: when one of them requires grad, the core
    transformation runs inside that tensor's graph and its results are graph nodes."""
    leaves, treedef = tree_flatten(trees)
    pos = [i for i, x in enumerate(leaves) if isinstance(x, Tensor)]
    box: dict = {}

    def fn(*vals: Any) -> list:
        full = list(leaves)
        for i, v in zip(pos, vals):
            full[i] = v
        out = core_fn(tree_unflatten(treedef, full))
        out_leaves, box["tree"] = tree_flatten(out, is_leaf=_is_none)
        box["is_value"] = [_is_value(o) for o in out_leaves]
        box["other"] = [o for o in out_leaves if not _is_value(o)]
        return [o for o in out_leaves if _is_value(o)]

    with _settled_state(name.replace("Backward", "").lower()):
        outs = AG.apply(fn, name, tuple(leaves[i] for i in pos), saves=AG.SAVE_NONE)
    tensors, others = iter(outs), iter(box["other"])
    return tree_unflatten(box["tree"], [next(tensors) if v else next(others)
                                        for v in box["is_value"]])


def _argnums(argnums: Any, nargs: int) -> tuple[int, ...]:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    if not nums:
        raise RuntimeError("argnums must be non-empty")
    for i in nums:
        if not isinstance(i, int):
            raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(i)}")
        if not -nargs <= i < nargs:
            raise RuntimeError(f"Got argnum={i}, but only {nargs} positional inputs")
    return tuple(i % nargs for i in nums)


def _check_diff_inputs(args: tuple, nums: tuple) -> None:
    for i in nums:
        for leaf in tree_flatten(args[i])[0]:
            if isinstance(leaf, Tensor) and leaf._data.dtype.kind not in "fc":
                raise RuntimeError(
                    "only Tensors of floating point dtype can require gradients (argument "
                    f"{i} has a {leaf.dtype} tensor); convert it with .float() or leave it out "
                    "of argnums"
                )
            if not isinstance(leaf, Tensor) and not _is_value(leaf):
                raise RuntimeError(
                    f"Expected argument {i} to be a Tensor or a pytree of Tensors, found a "
                    f"{type(leaf).__name__}; differentiate with respect to tensors only"
                )


def _scalar_out(out: Any, where: str) -> Any:
    if not isinstance(out, Tensor):
        raise RuntimeError(f"{where}: Expected f(*args) to return a Tensor, got {type(out)}")
    if out.dim() != 0:
        raise RuntimeError(
            f"{where}: Expected f(*args) to return a scalar Tensor, got tensor with "
            f"{out.dim()} dims. Maybe you wanted to use the vjp or jacrev APIs instead?"
        )
    if out._data.dtype.kind not in "fc":
        raise RuntimeError(f"{where}: Expected f(*args) to return a floating-point Tensor, got "
                           f"{out.dtype}")
    return out._data


def _split_aux(out: Any, has_aux: bool, where: str) -> tuple[Any, Any]:
    """``(output, aux)`` of a function's result: the pair it must return with ``has_aux``,
    else ``(out, None)``."""
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise RuntimeError(f"{where}: output of function f should be a tuple: (output, aux) if "
                           "has_aux is True")
    return out


# ---- reverse mode -------------------------------------------------------------------------------


def grad_and_value(func: Callable, argnums: int | tuple[int, ...] = 0,
                   has_aux: bool = False) -> Callable:
    """``func``'s gradient with respect to ``argnums`` and its value: ``(grad, value)``, or
    ``(grad, (value, aux))`` with ``has_aux``. Inputs and outputs are (pytrees of) Tensors.

    Example:
        >>> from functorch_lite.torch.func import grad_and_value
        >>> g, v = grad_and_value(lambda x: (x ** 2).sum())(torch.tensor([1.0, 2.0]))
        >>> g, v
        (tensor([2., 4.]), tensor(5.))
    """

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nums = _argnums(argnums, len(args))
        _check_diff_inputs(args, nums)
        inputs = _Inputs(args)

        def core_fn(core_args: tuple) -> Any:
            def f(*a: Any) -> Any:
                inside = inputs.rebuild_inside(_values_of(inputs, a))
                out, aux = _split_aux(func(*inside, **kwargs), has_aux, "grad_and_value(f)(*args)")
                value = _scalar_out(out, "grad_and_value(f)(*args)")
                return value, (_unwrap(aux), inputs.mutated_tree())

            diff = nums[0] if isinstance(argnums, int) else nums
            (value, (aux, mutated)), g = _api.value_and_grad(f, diff, has_aux=True)(*core_args)
            return g, value, aux, mutated

        g, value, aux, mutated = _call_as_op(core_fn, "GradBackward", args)
        inputs.write_back(mutated)
        return (g, (value, aux)) if has_aux else (g, value)

    return wrapper


def _values_of(inputs: _Inputs, core_args: tuple) -> list:
    leaves = tree_flatten(core_args)[0]
    return [leaves[i] for i in inputs.tensor_pos]


def grad(func: Callable, argnums: int | tuple[int, ...] = 0, has_aux: bool = False) -> Callable:
    """The gradient of scalar-valued ``func`` with respect to argument(s) ``argnums``
    (``(grad, aux)`` with ``has_aux``). Composes with ``vmap`` for per-sample gradients.

    Example:
        >>> from functorch_lite.torch.func import grad
        >>> grad(lambda x: x.sin().sum())(torch.tensor([0.0]))
        tensor([1.])
    """
    gv = grad_and_value(func, argnums, has_aux)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        g, rest = gv(*args, **kwargs)
        return (g, rest[1]) if has_aux else g

    return wrapper


def vjp(func: Callable, *primals: Any, has_aux: bool = False) -> tuple:
    """``(func(*primals), vjp_fn)`` (and ``aux``): ``vjp_fn(cotangents)`` returns one
    gradient per primal. The results do not connect to ``backward()`` (they are new values).

    Example:
        >>> from functorch_lite.torch.func import vjp
        >>> out, vjp_fn = vjp(torch.sin, torch.tensor([0.0]))
        >>> vjp_fn(torch.tensor([2.0]))
        (tensor([2.]),)
    """
    inputs = _Inputs(primals)

    def f(*vals: Any) -> Any:
        inside = inputs.rebuild_inside(_values_of(inputs, vals))
        out, aux = _split_aux(func(*inside), has_aux, "vjp(f, *primals)")
        return _unwrap(out), (_unwrap(aux), inputs.mutated_tree())

    with _settled_state("vjp"):
        res = _api.vjp(f, *_unwrap(primals), has_aux=True)
    out, pullback, (aux, mutated) = res
    inputs.write_back(mutated)
    out_tree = tree_flatten(out)[1]

    def vjp_fn(cotangents: Any) -> tuple:
        ct = _unwrap(cotangents)
        if tree_flatten(ct)[1] != out_tree:
            raise RuntimeError(
                f"Expected pytree structure of cotangents to be the same as pytree structure "
                f"of outputs to the function. cotangents: {tree_flatten(ct)[1]}, primal "
                f"output: {out_tree}"
            )
        try:
            return _wrap(pullback(ct))
        except ValueError as e:
            raise RuntimeError(str(e)) from None

    return (_wrap(out), vjp_fn, _wrap(aux)) if has_aux else (_wrap(out), vjp_fn)


# ---- forward mode -------------------------------------------------------------------------------


def jvp(func: Callable, primals: Any, tangents: Any, *, strict: bool = False,
        has_aux: bool = False) -> tuple:
    """``(func(*primals), J @ tangents)`` in one forward pass (and ``aux``).

    Example:
        >>> from functorch_lite.torch.func import jvp
        >>> jvp(torch.sin, (torch.tensor([0.0]),), (torch.tensor([1.0]),))
        (tensor([0.]), tensor([1.]))
    """
    for what, v in (("primals", primals), ("tangents", tangents)):
        if not isinstance(v, tuple):
            raise RuntimeError(f"jvp(f, primals, tangents): Expected {what} to be a tuple. E.g. "
                               "it should be valid to call f(*primals).")
    if tree_flatten(primals)[1] != tree_flatten(tangents)[1]:
        raise RuntimeError("jvp(f, primals, tangents): Expected primals and tangents to have "
                           "the same python structure.")
    for p, t in zip(tree_flatten(primals)[0], tree_flatten(tangents)[0]):
        if tuple(p.shape) != tuple(t.shape):
            raise RuntimeError(f"jvp(f, primals, tangents): Expected primals and tangents to "
                               f"have the same shape, got {list(p.shape)} and "
                               f"{list(t.shape)}")
    inputs = _Inputs(primals)

    def core_fn(trees: tuple) -> Any:
        core_primals, core_tangents = trees

        def f(*vals: Any) -> Any:
            inside = inputs.rebuild_inside(_values_of(inputs, vals))
            out, aux = _split_aux(func(*inside), has_aux, "jvp(f, primals, tangents)")
            return _unwrap(out), (_unwrap(aux), inputs.mutated_tree())

        out, t_out, (aux, mutated) = _api.jvp(f, core_primals, core_tangents, has_aux=True)
        return out, t_out, aux, mutated

    out, t_out, aux, mutated = _call_as_op(core_fn, "JvpBackward", (primals, tangents))
    inputs.write_back(mutated)
    return (out, t_out, aux) if has_aux else (out, t_out)


def linearize(func: Callable, *primals: Any) -> tuple:
    """``(func(*primals), jvp_fn)``: ``jvp_fn(*tangents)`` is the JVP at ``primals`` (staged
    once and compiled with the core's jit).

    Example:
        >>> from functorch_lite.torch.func import linearize
        >>> out, jvp_fn = linearize(torch.sin, torch.tensor([0.0]))
        >>> jvp_fn(torch.tensor([3.0]))
        tensor([3.])
    """
    def f(*vals: Any) -> Any:
        return _unwrap(func(*_wrap(vals)))

    with _settled_state("linearize"):
        out, lin = _api.linearize(f, *_unwrap(primals))

    def jvp_fn(*tangents: Any) -> Any:
        return _wrap(lin(*_unwrap(tangents)))

    return _wrap(out), jvp_fn


# ---- Jacobians ----------------------------------------------------------------------------------


def _jacobian(core_jac: Callable, name: str, func: Callable, argnums: Any,
              has_aux: bool) -> Callable:
    def wrapper(*args: Any) -> Any:
        nums = _argnums(argnums, len(args))
        _check_diff_inputs(args, nums)
        inputs = _Inputs(args)

        def core_fn(core_args: tuple) -> Any:
            def f(*a: Any) -> Any:
                out, aux = _split_aux(func(*inputs.rebuild_inside(_values_of(inputs, a))),
                                      has_aux, f"{name}(f)(*args)")
                return (_unwrap(out), _unwrap(aux)) if has_aux else _unwrap(out)

            diff = nums[0] if isinstance(argnums, int) else nums
            return core_jac(f, diff, has_aux=has_aux)(*core_args)

        return _call_as_op(core_fn, name.capitalize() + "Backward", args)

    return wrapper


def jacrev(func: Callable, argnums: int | tuple[int, ...] = 0, *, has_aux: bool = False,
           chunk_size: int | None = None, _preallocate_and_copy: bool = False) -> Callable:
    """The Jacobian of ``func`` by reverse mode (output shape + input shape).

    ``chunk_size`` is accepted for compatibility: the VJPs are always vmapped at once.

    Example:
        >>> from functorch_lite.torch.func import jacrev
        >>> jacrev(lambda x: x ** 2)(torch.tensor([1.0, 2.0]))
        tensor([[2., 0.],
                [0., 4.]])
    """
    if chunk_size is not None and chunk_size <= 0:
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")
    return _jacobian(_api.jacrev, "jacrev", func, argnums, has_aux)


def jacfwd(func: Callable, argnums: int | tuple[int, ...] = 0, has_aux: bool = False, *,
           randomness: str = "error") -> Callable:
    """The Jacobian of ``func`` by forward mode (output shape + input shape).

    Example:
        >>> from functorch_lite.torch.func import jacfwd
        >>> jacfwd(torch.sin)(torch.tensor([0.0]))
        tensor([[1.]])
    """
    _check_randomness(randomness)
    return _jacobian(_api.jacfwd, "jacfwd", func, argnums, has_aux)


def hessian(func: Callable, argnums: int | tuple[int, ...] = 0) -> Callable:
    """The Hessian of scalar ``func``: ``jacfwd(jacrev(func))``.

    Example:
        >>> from functorch_lite.torch.func import hessian
        >>> hessian(lambda x: (x ** 3).sum())(torch.tensor([1.0, 2.0]))
        tensor([[ 6.,  0.],
                [ 0., 12.]])
    """
    return _jacobian(lambda f, diff, has_aux: _api.hessian(f, diff), "hessian", func, argnums,
                     False)


# ---- vmap ---------------------------------------------------------------------------------------


def _check_randomness(randomness: str) -> None:
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or "
                           f"'same'. Got {randomness}")


def _rng_token() -> Any:
    rng = default_generator._rng
    state = rng.bit_generator.state
    return id(rng), repr(state)


def vmap(func: Callable, in_dims: Any = 0, out_dims: Any = 0, randomness: str = "error", *,
         chunk_size: int | None = None) -> Callable:
    """Vectorise ``func`` over dimension ``in_dims`` of its (pytrees of) Tensor arguments;
    outputs are stacked along ``out_dims``. Keyword arguments are not mapped.

    ``randomness``: ``'error'`` raises if ``func`` draws random numbers; ``'same'`` gives every
    example the same draws; ``'different'`` gives each example its own (the batch then runs one
    example at a time). ``chunk_size`` maps that many examples at once.

    Example:
        >>> from functorch_lite.torch.func import vmap
        >>> vmap(torch.dot)(torch.ones(3, 2), torch.ones(3, 2))
        tensor([2., 2., 2.])
    """
    _check_randomness(randomness)
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size <= 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got "
                         f"{chunk_size})")
    if not callable(func):
        raise RuntimeError(f"vmap: Expected a callable, got {type(func)}")
    name = getattr(func, "__name__", repr(func))

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        dims = tuple(in_dims) if isinstance(in_dims, list) else in_dims
        if not isinstance(dims, (int, tuple)) and dims is not None:
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): expected "
                             "`in_dims` to be int or a (potentially nested) tuple matching the "
                             "structure of inputs")
        if isinstance(dims, tuple) and len(dims) != len(args):
            raise ValueError(
                f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible "
                f"with the structure of `inputs`: in_dims has {len(dims)} entries but there "
                f"are {len(args)} positional inputs"
            )
        size = _batch_size(args, dims, name)
        before = _rng_token()
        saved = [(t, t._data) for t in tree_flatten(args)[0] if isinstance(t, Tensor)]
        if chunk_size is not None and chunk_size < size:
            return _chunked(wrapper_once, args, kwargs, dims, size, chunk_size, out_dims)
        out = wrapper_once(args, kwargs, dims)
        if _rng_token() != before:
            if randomness == "error":
                raise RuntimeError(
                    "vmap: called random operation while in randomness error mode. Please "
                    "either use the 'same' or 'different' randomness flags on vmap or perform "
                    "the randomness operation out of vmap"
                )
            if randomness == "different" and size > 1:
                # Host-drawn randomness is one draw per call: run one example per call (after
                # undoing the in-place changes that the batched run wrote back).
                for t, old in saved:
                    if t._data is not old:
                        t._data = old
                        t._gen += 1
                return _chunked(wrapper_once, args, kwargs, dims, size, 1, out_dims)
        return out

    def wrapper_once(args: tuple, kwargs: dict, dims: Any) -> Any:
        inputs = _Inputs(args)

        def core_fn(core_args: tuple) -> Any:
            def f(*a: Any) -> Any:
                inside = inputs.rebuild_inside(_values_of(inputs, a))
                out = func(*inside, **kwargs)
                for leaf in tree_flatten(out)[0]:
                    if not isinstance(leaf, Tensor):
                        raise ValueError(
                            f"vmap({name}, ...): `{name}` must only return Tensors, got type "
                            f"{type(leaf)}. Did you mean to set out_dims= to None for output?"
                        )
                mutated = inputs.mutated_tree()
                _check_unbatched_mutation(mutated, dims, args, name)
                return _unwrap(out), mutated

            try:
                return _api.vmap(f, in_axes=dims, out_axes=(out_dims, dims))(*core_args)
            except ValueError as e:
                raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): {e}") \
                    from None

        out, mutated = _call_as_op(core_fn, "VmapBackward", args)
        inputs.write_back(mutated)
        return out

    return wrapper


def _batch_size(args: tuple, dims: Any, name: str) -> int:
    from .._src.tree_util import broadcast_prefix

    leaves = tree_flatten(args)[0]
    try:
        axes = broadcast_prefix(dims, args, "in_dims")
    except ValueError as e:
        raise ValueError(f"vmap({name}, in_dims={dims}, ...)(<inputs>): in_dims is not "
                         f"compatible with the structure of `inputs`. {e}") from None
    sizes = []
    for leaf, ax in zip(leaves, axes):
        if ax is None:
            continue
        if not isinstance(leaf, Tensor):
            raise ValueError(
                f"vmap({name}, in_dims={dims}, ...)(<inputs>): Got in_dim={ax} for an input "
                f"but the input is of type {type(leaf)}. We cannot vmap over non-Tensor "
                "arguments, please use None as the respective in_dim"
            )
        nd = leaf.dim()
        if not -nd <= ax < nd:
            raise ValueError(
                f"vmap({name}, in_dims={dims}, ...)(<inputs>): Got in_dim={ax} for some input, "
                f"but that input is a Tensor of dimensionality {nd} so expected in_dim to "
                f"satisfy -{nd} <= in_dim < {nd}."
            )
        sizes.append(leaf.shape[ax])
    if not sizes:
        raise ValueError(f"vmap({name}, in_dims={dims}, ...)(<inputs>): at least one input "
                         "must be a Tensor with a mapped dimension (in_dims not None)")
    if len(set(sizes)) > 1:
        raise ValueError(
            f"vmap: Expected all tensors to have the same size in the mapped dimension, got "
            f"sizes {sizes} for the mapped dimension"
        )
    return sizes[0]


def _check_unbatched_mutation(mutated: Any, dims: Any, args: tuple, name: str) -> None:
    from .._src.tree_util import broadcast_prefix

    new = tree_flatten(mutated, is_leaf=_is_none)[0]
    axes = broadcast_prefix(dims, args, "in_dims")
    for v, ax in zip(new, axes):
        if v is not None and ax is None and isinstance(v, BatchTracer):
            raise RuntimeError(
                f"vmap({name}): an in-place operation wrote a per-example (batched) value into "
                "an input that is not mapped (in_dims None); map that input too (in_dims=0 on "
                "a tensor with a batch dimension) or use the out-of-place form"
            )


def _chunked(call: Callable, args: tuple, kwargs: dict, dims: Any, size: int, chunk: int,
             out_dims: Any) -> Any:
    """Run ``call`` on slices of ``chunk`` examples and concatenate along ``out_dims``."""
    from .._src.tree_util import broadcast_prefix
    from ._select_ops import cat

    leaves, treedef = tree_flatten(args)
    axes = broadcast_prefix(dims, args, "in_dims")
    pieces = []
    for start in range(0, size, chunk):
        stop = min(start + chunk, size)
        # copies (narrow gives views), so that in-place changes stay within the chunk
        part = [x if ax is None else x.narrow(ax, start, stop - start).clone()
                for x, ax in zip(leaves, axes)]
        pieces.append((part, call(tree_unflatten(treedef, part), kwargs, dims)))
    # in-place changes of mapped inputs, made per chunk, go back into the full inputs
    for i, (x, ax) in enumerate(zip(leaves, axes)):
        if ax is not None and isinstance(x, Tensor) and any(p[0][i]._gen for p in pieces):
            with AG.no_grad():
                x._set_value(cat([p[0][i] for p in pieces], dim=ax)._data)
    outs = [p[1] for p in pieces]
    out_leaves, out_tree = tree_flatten(outs[0])
    per_leaf_dims = broadcast_prefix(out_dims, outs[0], "out_dims")
    cols = zip(*[tree_flatten(o)[0] for o in outs])
    return tree_unflatten(out_tree, [col[0] if od is None else cat(list(col), dim=od)
                                     for col, od in zip(cols, per_leaf_dims)])
