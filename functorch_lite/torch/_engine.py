"""The backward engines: ``Tensor.backward``/``torch.autograd.backward`` (``run_backward``),
``torch.autograd.grad``, and ``create_graph=True`` by replaying the recorded forward under a
new graph. All of them end in the core's ``reverse.backward`` over a graph's tape."""
from __future__ import annotations

import re
from typing import Any

from .._src.core import _state
from .._src.interpreters.reverse import ReverseTrace
from .._src.interpreters.reverse import backward as core_backward
from ._autograd import (
    Graph,
    _TapPrim,
    add_tap,
    graph_for,
    merge,
    node_of,
    run_callbacks,
    value_in,
    wrap_out,
)
from ._tensor import Tensor

# ---- backward ----------------------------------------------------------------------------------

_FREED_MSG = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed when "
    "you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward "
    "through the graph a second time or if you need to access saved tensors after calling "
    "backward."
)


def _check_versions(graph: Graph, tracers: list) -> None:
    stale = [rec for rec in graph.saved if rec[0][0] != rec[1]]
    if not stale:
        return
    reach = _reachable(graph, tracers)
    for box, version, (shape, dt, fn), index in stale:
        if index in reach:
            kind = ("output 0 of " + re.sub(r"Backward\d*$", "", fn)) if fn else \
                "a leaf tensor"
            from ._tensor import type_name

            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: [{type_name(dt)} {list(shape)}], which is {kind}, is at "
                f"version {box[0]}; expected version {version} instead. Hint: the in-place "
                "operation (a method ending in _ like add_/zero_/relu_, an augmented assignment "
                "like +=, or x[idx] = ...) changed a tensor after an operation saved it for the "
                "backward pass; use the out-of-place form (x = x + y, F.relu(x)) or .clone() "
                "the tensor before changing it."
            )


def _reachable(graph: Graph, tracers: list) -> set[int]:
    tape = graph.trace.tape
    todo = [tr.index for tr in tracers]
    seen: set[int] = set()
    while todo:
        i = todo.pop()
        if i in seen:
            continue
        seen.add(i)
        for p in tape[i][4]:
            if p is not None:
                todo.append(p if p.__class__ is int else p[0])
    return seen


def _default_ct(t: Any, g: Any, k: int) -> Any:
    if g is None:
        if t.numel() != 1:
            raise RuntimeError(
                "grad can be implicitly created only for scalar outputs: the output has shape "
                f"{list(t.shape)}. Pass gradient= (backward(gradient=torch.ones_like(out)) for "
                "the sum of the outputs' gradients), or reduce the output first (out.sum())"
            )
        from . import _creation

        return _creation.ones_like(t, requires_grad=False)._data
    if not isinstance(g, Tensor):
        from . import _creation

        g = _creation.tensor(g, dtype=t.dtype)
    if tuple(g.shape) != tuple(t.shape):
        raise RuntimeError(
            f"Mismatch in shape: grad_output[{k}] has a shape of {g.shape} and output[{k}] has "
            f"a shape of {t.shape}. Pass a gradient of the output's shape."
        )
    return g


def _prepare(outputs: list, grad_outputs: list, create_graph: bool) -> tuple:
    """Check outputs; split them into leaf outputs and (graph, tracer) outputs, with cts."""
    leaf_outs, graph, tracers, cts, ct_tensors = [], None, [], [], []
    for k, (t, g) in enumerate(zip(outputs, grad_outputs)):
        if not isinstance(t, Tensor):
            raise TypeError(f"backward/grad: outputs[{k}] is a {type(t).__name__}, not a Tensor")
        if not t.requires_grad:
            raise RuntimeError(
                f"element {k} of tensors does not require grad and does not have a grad_fn: "
                "it was computed from tensors that do not require grad, or under torch.no_grad()"
                ". Create the inputs with requires_grad=True (or call .requires_grad_()) and "
                "compute the output with grad mode on"
            )
        ct = _default_ct(t, g, k)
        if isinstance(ct, Tensor):
            ct_tensors.append(ct)
            ct_val = ct
        else:
            ct_val = ct
        if t._graph is None:
            leaf_outs.append((t, ct_val))
            continue
        g_, tracer = node_of(t)
        graph = g_ if graph is None else merge(graph, g_)
        tracers.append(t)
        cts.append(ct_val)
    tracers = [node_of(t)[1] for t in tracers]
    return leaf_outs, graph, tracers, cts


def _ct_value(ct: Any) -> Any:
    return ct._data if isinstance(ct, Tensor) else ct


def _eager_leaf_cts(graph: Graph, tracers: list, cts: list) -> dict[int, Any]:
    if graph.freed:
        raise RuntimeError(_FREED_MSG)
    _check_versions(graph, tracers)
    prev = _state.trace
    _state.trace = graph.trace.parent
    try:
        leaf_cts = core_backward(graph.trace, tracers, [_ct_value(c) for c in cts])
        for index, taps in graph.leaf_taps.items():
            if index in leaf_cts:
                leaf_cts[index] = run_callbacks(taps, leaf_cts[index], False)
    finally:
        _state.trace = prev
    return leaf_cts


def run_backward(outputs: list, grad_outputs: list, retain_graph: bool | None,
                 create_graph: bool, inputs: list | None) -> None:
    """The engine behind ``Tensor.backward`` and ``torch.autograd.backward``."""
    if retain_graph is None:
        retain_graph = create_graph
    leaf_outs, graph, tracers, cts = _prepare(outputs, grad_outputs, create_graph)
    wanted = None if inputs is None else {id(t) for t in inputs}
    for t, ct in leaf_outs:
        if wanted is None or id(t) in wanted:
            accumulate_grad(t, _as_grad_tensor(ct, create_graph))
    if graph is None:
        return
    if create_graph:
        grads = _replay_grads(graph, tracers, cts, list(graph.leaf_tensors.items()))
        per_tensor: dict[int, tuple[Any, Any]] = {}
        for (_index, t), g in zip(list(graph.leaf_tensors.items()), grads):
            if g is None or (wanted is not None and id(t) not in wanted):
                continue
            prev = per_tensor.get(id(t))
            per_tensor[id(t)] = (t, g if prev is None else prev[1] + g)
        for t, g in per_tensor.values():
            accumulate_grad(t, g)
    else:
        leaf_cts = _eager_leaf_cts(graph, tracers, cts)
        per_tensor = {}
        for index, ct in leaf_cts.items():
            t = graph.leaf_tensors.get(index)
            if t is None or (wanted is not None and id(t) not in wanted):
                continue
            prev = per_tensor.get(id(t))
            per_tensor[id(t)] = (t, ct if prev is None else prev[1] + ct)
        for t, ct in per_tensor.values():
            accumulate_grad(t, Tensor._from_value(ct))
    if not retain_graph:
        graph.free()


def _as_grad_tensor(ct: Any, create_graph: bool) -> Any:
    if isinstance(ct, Tensor):
        return ct if create_graph else ct.detach()
    return Tensor._from_value(ct)


def accumulate_grad(t: Any, g: Any) -> None:
    """Add gradient tensor ``g`` into leaf ``t.grad`` (after the leaf's hooks), as torch's
    AccumulateGrad does: in place when no graph is being built, out of place otherwise."""
    for hook in t._hooks or ():
        new = hook(g)
        if new is not None:
            g = new
    if g.dtype != t.dtype:
        g = g.to(t.dtype)
    old = t._grad
    if old is None:
        t._grad = g if g._graph is not None else g.detach()
    elif g._graph is not None or old._graph is not None:
        t._grad = old + g
    else:
        old._set_value(old._data + g._data)


# ---- autograd.grad -----------------------------------------------------------------------------

def grad(outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: bool | None = None,
         create_graph: bool = False, allow_unused: bool | None = None,
         is_grads_batched: bool = False, materialize_grads: bool = False) -> tuple:
    """The gradients of ``outputs`` with respect to ``inputs`` (leaf or not), returned instead
    of accumulated into ``.grad``.

    Example:
        >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> torch.autograd.grad((x ** 2).sum(), x)
        (tensor([2., 4.]),)
    """
    if is_grads_batched:
        raise NotImplementedError(
            "is_grads_batched=True is not supported; use torch.func.vmap over "
            "torch.func.vjp, or a loop over the grad_outputs"
        )
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    single = isinstance(inputs, Tensor)
    inputs = [inputs] if single else list(inputs)
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs]
    else:
        grad_outputs = list(grad_outputs)
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(
            f"grad_outputs has {len(grad_outputs)} entries for {len(outputs)} outputs; pass one "
            "gradient (or None) per output"
        )
    if retain_graph is None:
        retain_graph = create_graph
    allow_unused = materialize_grads if allow_unused is None else allow_unused
    for k, x in enumerate(inputs):
        if not isinstance(x, Tensor):
            raise TypeError(f"grad: inputs[{k}] is a {type(x).__name__}, not a Tensor")
        if not x.requires_grad:
            raise RuntimeError(
                f"One of the differentiated Tensors (inputs[{k}]) does not require grad; create "
                "it with requires_grad=True or call .requires_grad_() before computing with it"
            )
    leaf_outs, graph, tracers, cts = _prepare(outputs, grad_outputs, create_graph)
    results: list = [None] * len(inputs)
    for t, ct in leaf_outs:
        for k, x in enumerate(inputs):
            if x is t:
                g = _as_grad_tensor(ct, create_graph)
                results[k] = g if results[k] is None else results[k] + g
    if graph is not None:
        if create_graph:
            _grad_replay(graph, tracers, cts, inputs, results)
        else:
            _grad_eager(graph, tracers, cts, inputs, results)
        if not retain_graph:
            graph.free()
    for k, r in enumerate(results):
        if r is None:
            if not allow_unused:
                raise RuntimeError(
                    f"One of the differentiated Tensors (inputs[{k}]) appears to not have been "
                    "used in the graph. Set allow_unused=True if this is the desired behavior."
                )
            if materialize_grads:
                from . import _creation

                results[k] = _creation.zeros_like(inputs[k])
    return tuple(results)


def _grad_eager(graph: Graph, tracers: list, cts: list, inputs: list, results: list) -> None:
    boxes: list = []
    removers = []
    for k, x in enumerate(inputs):
        if x._graph is not None:
            g_, tr = node_of(x)
            if g_ is graph:
                box: list = []
                boxes.append((k, box))
                removers.append(add_tap(x, lambda ct, box=box: box.append(ct)))
    try:
        leaf_cts = _eager_leaf_cts(graph, tracers, cts)
    finally:
        for r in removers:
            r()
    for k, box in boxes:
        if box:
            total = box[0]
            for c in box[1:]:
                total = total + c
            results[k] = Tensor._from_value(total)
    for index, ct in leaf_cts.items():
        t = graph.leaf_tensors.get(index)
        for k, x in enumerate(inputs):
            if x is t:
                g = Tensor._from_value(ct)
                results[k] = g if results[k] is None else results[k] + g


# ---- create_graph: replay the forward under a new graph ----------------------------------------

def _replay_grads(graph: Graph, tracers: list, cts: list, leaf_items: list,
                  nonleaf: list | None = None) -> list:
    """Gradients, as tensors recorded in a new graph, of ``tracers`` (with cotangents ``cts``)
    with respect to the graph's lifted leaves ``leaf_items`` [(index, tensor)] and the non-leaf
    tensors ``nonleaf`` (tape indices/positions). The recorded forward ops are run again under an
    inner ReverseTrace whose parent is the new graph's trace; the core's backward over the inner
    trace then runs under the new graph, so every rule it applies is recorded there."""
    if graph.freed:
        raise RuntimeError(_FREED_MSG)
    _check_versions(graph, tracers)
    from .._src.custom import custom_vjp

    tape = graph.trace.tape
    reach = _reachable(graph, tracers)
    ct_tensors = [c for c in cts if isinstance(c, Tensor)]
    outer = graph_for(ct_tensors) if ct_tensors else Graph(graph.trace.parent)
    inner = ReverseTrace(outer.trace)
    vals: dict[int, Any] = {}
    captured: dict[Any, list] = {}
    capture_at = {}
    for where in nonleaf or ():
        capture_at[where] = []

    def capturing(where: Any, value: Any) -> Any:
        box = capture_at[where]

        @custom_vjp
        def ident(v):
            return v

        def fwd(v):
            return v, None

        def bwd(_, ct):
            box.append(ct)
            return (ct,)

        ident.defvjp(fwd, bwd)
        captured[where] = box
        return ident(value)

    def get(where: Any) -> Any:
        return vals[where] if where.__class__ is int else vals[where[0]][where[1]]

    prev = _state.trace
    _state.trace = inner
    try:
        for index in sorted(reach):
            prim, params, primals, out, parents = tape[index]
            if prim is None and params is None:
                t = graph.leaf_tensors[index]
                res = inner.new_leaf(outer.lift(t))
            else:
                args = [primals[i] if p is None else get(p) for i, p in enumerate(parents)]
                if prim is None:
                    fn = graph.replay.get(index)
                    if fn is None:
                        raise RuntimeError(
                            "create_graph=True cannot differentiate through this custom "
                            "function's backward; compute without create_graph"
                        )
                    res = fn(*args)
                else:
                    if isinstance(prim, _TapPrim):
                        prim = prim.orig
                    res = prim.bind(*args, **params)
            if index in capture_at:
                res = capturing(index, res)
            elif (index, 0) in capture_at or any((index, i) in capture_at for i in range(8)):
                res = [capturing((index, i), r) if (index, i) in capture_at else r
                       for i, r in enumerate(res)]
            vals[index] = res
        inner_outs = [get(tr.where) for tr in tracers]
        _state.trace = outer.trace.parent
        ct_vals = [value_in(outer, c) if isinstance(c, Tensor) else c for c in cts]
        _state.trace = outer.trace
        leaf_cts = core_backward(inner, inner_outs, ct_vals)
    finally:
        _state.trace = prev
    grads = []
    for index, _t in leaf_items:
        tr = vals.get(index)
        ct = None if tr is None else leaf_cts.get(tr.index)
        grads.append(None if ct is None else wrap_out(outer, ct, "ReplayBackward0"))
    if nonleaf is not None:
        for where in nonleaf:
            box = captured.get(where) or []
            total = None
            for c in box:
                total = c if total is None else total + c
            grads.append(None if total is None else wrap_out(outer, total, "ReplayBackward0"))
    return grads


def _grad_replay(graph: Graph, tracers: list, cts: list, inputs: list, results: list) -> None:
    leaf_items = list(graph.leaf_tensors.items())
    nonleaf, nonleaf_k = [], []
    for k, x in enumerate(inputs):
        if x._graph is not None:
            g_, tr = node_of(x)
            if g_ is graph:
                nonleaf.append(tr.where)
                nonleaf_k.append(k)
    grads = _replay_grads(graph, tracers, cts, leaf_items, nonleaf)
    for (_index, t), g in zip(leaf_items, grads[: len(leaf_items)]):
        if g is None:
            continue
        for k, x in enumerate(inputs):
            if x is t:
                results[k] = g if results[k] is None else results[k] + g
    for k, g in zip(nonleaf_k, grads[len(leaf_items):]):
        if g is not None:
            results[k] = g if results[k] is None else results[k] + g


def backward(tensors: Any, grad_tensors: Any = None, retain_graph: bool | None = None,
             create_graph: bool = False, inputs: Any = None) -> None:
    """Accumulate the gradients of ``tensors`` into the ``.grad`` of the leaves they depend on
    (``torch.autograd.backward``).

    Example:
        >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> torch.autograd.backward((x * x).sum())
        >>> x.grad
        tensor([2., 4.])
    """
    tensors = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    if grad_tensors is None:
        grad_tensors = [None] * len(tensors)
    elif isinstance(grad_tensors, Tensor):
        grad_tensors = [grad_tensors]
    if inputs is not None:
        inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    run_backward(tensors, list(grad_tensors), retain_graph, create_graph, inputs)
