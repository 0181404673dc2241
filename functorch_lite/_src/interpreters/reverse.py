"""Reverse mode on a tape: each primitive application records a node; ``backward`` walks the tape
in reverse, calling each primitive's per-argument VJP rules.

We chose a tape over JAX's linearize-and-transpose because it costs a few microseconds per
operation in eager mode (see docs/design.md for the measurement). The VJP rules are written with
traceable operations and run under whatever trace is current when the backward pass runs, so
grad-of-grad, vmap-of-grad and jit-of-grad need nothing extra.
"""
from __future__ import annotations

from typing import Any, Callable

from ..core import (
    EVAL,
    ZERO_DERIVATIVE,
    Primitive,
    Trace,
    Tracer,
    eval_apply,
    get_aval,
    set_current_trace,
)
from .jvp import add_tangents, instantiate_zeros


class Node:
    """One recorded application. ``parents[i]`` is ``(node, output_index)`` or None."""

    __slots__ = ("index", "prim", "params", "primals", "out", "parents", "custom")

    def __init__(self, index, prim, params, primals, out, parents, custom=None):
        self.index = index
        self.prim = prim
        self.params = params
        self.primals = primals
        self.out = out
        self.parents = parents
        self.custom = custom  # for custom rules: cts (list) -> list of input cts


class ReverseTracer(Tracer):
    __slots__ = ("primal", "node", "out_index")

    def __init__(self, trace: ReverseTrace, primal: Any, node: Node, out_index: int = -1):
        self._trace = trace
        self.primal = primal
        self.node = node
        self.out_index = out_index  # -1: the node's single output

    @property
    def aval(self):
        return get_aval(self.primal)

    # Direct forwards: the hot paths ask for these on every op.
    shape = property(lambda self: self.primal.shape)
    dtype = property(lambda self: self.primal.dtype)

    def to_concrete(self) -> Any:
        p = self.primal
        return p.to_concrete() if isinstance(p, Tracer) else p


class ReverseTrace(Trace):
    kind = "grad/vjp"

    def __init__(self, parent: Trace):
        self.parent = parent
        self.tape: list[Node] = []

    def new_leaf(self, primal: Any) -> ReverseTracer:
        node = Node(len(self.tape), None, None, None, primal, ())
        self.tape.append(node)
        return ReverseTracer(self, primal, node)

    def _split(self, args: tuple) -> tuple[list, list]:
        primals, parents = [], []
        for a in args:
            if isinstance(a, ReverseTracer) and a._trace is self:
                primals.append(a.primal)
                parents.append((a.node, a.out_index))
            else:
                primals.append(a)
                parents.append(None)
        return primals, parents

    def _record(self, prim, params, primals, out, parents, custom=None) -> Node:
        node = Node(len(self.tape), prim, params, primals, out, parents, custom)
        self.tape.append(node)
        return node

    def process(self, prim: Primitive, args: tuple, params: dict) -> Any:
        # One pass both finds this trace's tracers and unboxes them. This is the per-operation
        # cost of eager grad, so the single-argument case is unrolled and calls are inlined.
        if len(args) == 1:
            a = args[0]
            if type(a) is not ReverseTracer or a._trace is not self:
                return self.parent.process(prim, args, params)
            primals = [a.primal]
            parents = [(a.node, a.out_index)]
        else:
            primals, parents = [], []
            owned = False
            for a in args:
                if type(a) is ReverseTracer and a._trace is self:
                    primals.append(a.primal)
                    parents.append((a.node, a.out_index))
                    owned = True
                else:
                    primals.append(a)
                    parents.append(None)
            if not owned:
                return self.parent.process(prim, args, params)
        parent = self.parent
        out = eval_apply(prim, primals, params) if parent is EVAL else parent.process(
            prim, tuple(primals), params)
        if prim.vjp is ZERO_DERIVATIVE:
            return out
        tape = self.tape
        node = Node(len(tape), prim, params, primals, out, parents)
        tape.append(node)
        if prim.multiple_results:
            return tuple(ReverseTracer(self, o, node, i) for i, o in enumerate(out))
        return ReverseTracer(self, out, node)

    def _wrap_custom(self, primals, parents, outs, custom) -> list:
        node = self._record(None, None, primals, list(outs), parents, custom)
        return [ReverseTracer(self, o, node, i) for i, o in enumerate(outs)]

    def process_custom_jvp(self, call: Any, args: tuple) -> Any:
        primals, parents = self._split(args)
        with set_current_trace(self.parent):
            outs = call.fun_flat(*primals)

        def custom(cts: list) -> list:
            # The tangent map t -> jvp(primals, t) is linear, so its VJP (taken by this same tape,
            # at t = 0) is its transpose: custom_jvp rules serve reverse mode too.
            zeros = [instantiate_zeros(p, None) for p in primals]
            _, pullback = vjp_flat(lambda *ts: call.jvp_flat(primals, list(ts))[1], zeros)
            return pullback(cts)

        return self._wrap_custom(primals, parents, outs, custom)

    def process_custom_vjp(self, call: Any, args: tuple) -> Any:
        primals, parents = self._split(args)
        with set_current_trace(self.parent):
            outs, residuals = call.fwd_flat(*primals)

        def custom(cts: list) -> list:
            return call.bwd_flat(residuals, cts)

        return self._wrap_custom(primals, parents, outs, custom)


def backward(trace: ReverseTrace, outputs: list, cts: list) -> list:
    """Propagate cotangents ``cts`` of ``outputs`` back to every node; returns cts per tape node
    for the leaves (``None`` where nothing reached it). Runs under the current trace."""
    pending: dict[int, Any] = {}
    top = -1
    for out, ct in zip(outputs, cts):
        if isinstance(out, ReverseTracer) and out._trace is trace and ct is not None:
            _accumulate(pending, out.node, out.out_index, ct)
            top = max(top, out.node.index)
    leaf_cts: dict[int, Any] = {}
    tape = trace.tape
    for index in range(top, -1, -1):
        ct = pending.pop(index, None)
        if ct is None:
            continue
        node = tape[index]
        if node.prim is None and node.custom is None:  # an input leaf
            leaf_cts[index] = ct
            continue
        if node.custom is not None:
            cts_out = [instantiate_zeros(o, c) for o, c in zip(node.out, ct)]
            in_cts = node.custom(cts_out)
            for parent, c in zip(node.parents, in_cts):
                if parent is not None and c is not None:
                    _accumulate(pending, parent[0], parent[1], c)
            continue
        prim = node.prim
        if prim.multiple_results:
            ct = tuple(instantiate_zeros(o, c) for o, c in zip(node.out, ct))
        rules = prim.vjp
        out, primals, params = node.out, node.primals, node.params
        for i, parent in enumerate(node.parents):
            if parent is None:
                continue
            rule = rules[i]
            if rule is None:
                continue
            c = rule(ct, out, *primals, **params)
            if c is None:
                continue
            parent_node, out_index = parent
            if out_index < 0:  # inlined _accumulate for the common single-output case
                k = parent_node.index
                prev = pending.get(k)
                pending[k] = c if prev is None else add_tangents(prev, c)
            else:
                _accumulate(pending, parent_node, out_index, c)
    return leaf_cts


def _accumulate(pending: dict, node: Node, out_index: int, ct: Any) -> None:
    if out_index < 0:
        pending[node.index] = add_tangents(pending.get(node.index), ct)
        return
    slots = pending.get(node.index)
    if slots is None:
        slots = pending[node.index] = [None] * len(node.out)
    slots[out_index] = add_tangents(slots[out_index], ct)


def vjp_flat(fun: Callable, primals: list) -> tuple[list, Callable]:
    """Reverse mode over flat lists: returns the outputs and a pullback (cts list -> cts list)."""
    from ..core import _state

    parent = _state.trace
    trace = ReverseTrace(parent)
    leaves = [trace.new_leaf(p) for p in primals]
    with set_current_trace(trace):
        outs = list(fun(*leaves))
    primal_outs = [o.primal if isinstance(o, ReverseTracer) and o._trace is trace else o
                   for o in outs]

    def pullback(cts: list) -> list:
        leaf_cts = backward(trace, outs, list(cts))
        return [leaf_cts.get(leaf.node.index) for leaf in leaves]

    return primal_outs, pullback
