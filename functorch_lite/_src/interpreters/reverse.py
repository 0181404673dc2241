"""Reverse mode on a tape: each primitive application records a node; ``backward`` walks the tape
in reverse, calling each primitive's per-argument VJP rules.

We chose a tape over JAX's linearize-and-transpose because it costs a few microseconds per
operation in eager mode (see docs/design.md for the measurement). The VJP rules are written with
traceable operations and run under whatever trace is current when the backward pass runs, so
grad-of-grad, vmap-of-grad and jit-of-grad need nothing extra.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..array import Array
from ..core import (
    EVAL,
    ZERO_DERIVATIVE,
    Primitive,
    Trace,
    Tracer,
    _backends_in_use,
    _kernel_error,
    eval_apply,
    get_aval,
    set_current_trace,
)
from ..prims.elementwise import add
from .jvp import add_tangents, instantiate_zeros

# A tape entry is a plain tuple (cheap to build on every operation):
#   (prim, params, primals, out, parents)    a primitive application;
#   (None, custom, primals, outs, parents)   a custom rule: custom(cts list) -> input cts list;
#   (None, None, None, primal, ())           an input leaf.
# ``parents[i]`` says where argument i's cotangent goes: the ``where`` of the tracer passed (see
# ReverseTracer), or None for a constant. Entries hold indices, not tracers, so the tape has no
# reference cycle back to its trace: it is freed as soon as the last pullback using it is dropped.


class ReverseTracer(Tracer):
    # ``where``: the tape index of the entry that made this value (an int) when that entry has
    # one output, ``(index, output_position)`` when it has several; it is what ``parents`` hold.
    __slots__ = ("primal", "where")

    def __init__(self, trace: ReverseTrace, primal: Any, where: Any):
        self._trace = trace
        self.primal = primal
        self.where = where

    @property
    def index(self) -> int:
        w = self.where
        return w if w.__class__ is int else w[0]

    @property
    def aval(self):
        return get_aval(self.primal)

    # Direct forwards: the hot paths ask for these on every op.
    shape = property(lambda self: self.primal.shape)
    dtype = property(lambda self: self.primal.dtype)
    weak_type = property(lambda self: getattr(self.primal, "weak_type", False))

    def to_concrete(self) -> Any:
        p = self.primal
        return p.to_concrete() if isinstance(p, Tracer) else p


class ReverseTrace(Trace):
    kind = "grad/vjp"

    def __init__(self, parent: Trace):
        self.parent = parent
        self.tape: list[tuple] = []

    def new_leaf(self, primal: Any) -> ReverseTracer:
        self.tape.append((None, None, None, primal, ()))
        return ReverseTracer(self, primal, len(self.tape) - 1)

    def _split(self, args: tuple) -> tuple[list, list]:
        primals, parents = [], []
        for a in args:
            if isinstance(a, ReverseTracer) and a._trace is self:
                primals.append(a.primal)
                parents.append(a.where)
            else:
                primals.append(a)
                parents.append(None)
        return primals, parents

    def process(self, prim: Primitive, args: tuple, params: dict) -> Any:
        # One pass both finds this trace's tracers and unboxes them. This is the per-operation
        # cost of eager grad, so the one- and two-argument cases are unrolled.
        n = len(args)
        if n == 1:
            a = args[0]
            if a.__class__ is not ReverseTracer or a._trace is not self:
                return self.parent.process(prim, args, params)
            primals = (a.primal,)
            parents = (a.where,)
        elif n == 2:
            a, b = args
            a_own = a.__class__ is ReverseTracer and a._trace is self
            b_own = b.__class__ is ReverseTracer and b._trace is self
            if not (a_own or b_own):
                return self.parent.process(prim, args, params)
            primals = (a.primal if a_own else a, b.primal if b_own else b)
            parents = (a.where if a_own else None, b.where if b_own else None)
        else:
            primals, parents = self._split(args)
            if all(p is None for p in parents):
                return self.parent.process(prim, args, params)
        parent = self.parent
        if parent is not EVAL:
            out = parent.process(prim, tuple(primals), params)
        elif n == 1 and not params and primals[0].__class__ is Array and not \
                prim.multiple_results and not _backends_in_use["cupy"]:
            # Eager grad's commonest step, inlined: a unary kernel on a concrete array.
            try:
                out = Array(prim.impl(primals[0]._value))
            except Exception as e:
                raise _kernel_error(prim, primals, params, e) from e
        elif n == 2 and not params and primals[0].__class__ is Array and \
                (primals[1].__class__ is Array or primals[1].__class__ is float) and not \
                prim.multiple_results and not _backends_in_use["cupy"]:
            # ... and the next commonest: a binary one (a float passes as numpy's weak scalar).
            b = primals[1]
            try:
                out = Array(prim.impl(primals[0]._value, b if b.__class__ is float
                                      else b._value))
            except Exception as e:
                raise _kernel_error(prim, primals, params, e) from e
        else:
            out = eval_apply(prim, primals, params)
        if prim.vjp is ZERO_DERIVATIVE:
            return out
        tape = self.tape
        index = len(tape)
        tape.append((prim, params, primals, out, parents))
        if prim.multiple_results:
            return tuple(ReverseTracer(self, o, (index, i)) for i, o in enumerate(out))
        return ReverseTracer(self, out, index)

    def _wrap_custom(self, primals, parents, outs, custom) -> list:
        index = len(self.tape)
        self.tape.append((None, custom, primals, list(outs), parents))
        return [ReverseTracer(self, o, (index, i)) for i, o in enumerate(outs)]

    def process_custom_jvp(self, call: Any, args: tuple) -> Any:
        primals, parents = self._split(args)
        with set_current_trace(self.parent):
            # Dispatched again (not fun_flat): a transformation enclosing this one that owns
            # the primals (fwd-over-rev) must apply the custom rule too, not differentiate the
            # primal code.
            outs = call(*primals)

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


def backward(trace: ReverseTrace, outputs: list, cts: list) -> dict[int, Any]:
    """Propagate cotangents ``cts`` of ``outputs`` back along the tape; returns the cotangents
    that reached the input leaves, by tape index (absent where nothing reached one). Runs under
    the current trace, so the rules' operations are themselves traced by any outer transform."""
    tape = trace.tape
    pending: dict[int, Any] = {}
    top = -1
    for out, ct in zip(outputs, cts):
        if isinstance(out, ReverseTracer) and out._trace is trace and ct is not None:
            _accumulate(pending, tape, out.where, ct)
            top = max(top, out.index)
    leaf_cts: dict[int, Any] = {}
    for index in range(top, -1, -1):
        ct = pending.pop(index, None)
        if ct is None:
            continue
        prim, params, primals, out, parents = tape[index]
        if prim is None:
            if params is None:  # an input leaf
                leaf_cts[index] = ct
                continue
            in_cts = params([instantiate_zeros(o, c) for o, c in zip(out, ct)])
            for parent, c in zip(parents, in_cts):
                if parent is not None and c is not None:
                    _accumulate(pending, tape, parent, c)
            continue
        if prim.multiple_results:
            ct = tuple(instantiate_zeros(o, c) for o, c in zip(out, ct))
        rules = prim.vjp
        if len(parents) == 1 and parents[0].__class__ is int:  # unary: the commonest entry
            parent, rule = parents[0], rules[0]
            if rule is None:
                continue
            c = rule(ct, out, *primals, **params) if params else rule(ct, out, primals[0])
            if c is not None:
                prev = pending.get(parent)
                pending[parent] = c if prev is None else add(prev, c)
            continue
        for i, parent in enumerate(parents):
            if parent is None:
                continue
            rule = rules[i]
            if rule is None:
                continue
            c = rule(ct, out, *primals, **params)
            if c is None:
                continue
            if parent.__class__ is int:  # inlined _accumulate for the common single output
                prev = pending.get(parent)
                pending[parent] = c if prev is None else add(prev, c)
            else:
                _accumulate(pending, tape, parent, c)
    return leaf_cts


def _accumulate(pending: dict, tape: list, where: Any, ct: Any) -> None:
    if where.__class__ is int:
        pending[where] = add_tangents(pending.get(where), ct)
        return
    index, out_index = where
    slots = pending.get(index)
    if slots is None:
        slots = pending[index] = [None] * len(tape[index][3])
    slots[out_index] = add_tangents(slots[out_index], ct)


def vjp_flat(fun: Callable, primals: list) -> tuple[list, Callable]:
    """Reverse mode over flat lists: returns the outputs and a pullback (cts list -> cts list)."""
    from ..core import _state

    trace = ReverseTrace(_state.trace)
    leaves = [trace.new_leaf(p) for p in primals]
    with set_current_trace(trace):
        outs = list(fun(*leaves))
    primal_outs = [o.primal if isinstance(o, ReverseTracer) and o._trace is trace else o
                   for o in outs]

    def pullback(cts: list) -> list:
        leaf_cts = backward(trace, outs, list(cts))
        return [leaf_cts.get(leaf.index) for leaf in leaves]

    return primal_outs, pullback
