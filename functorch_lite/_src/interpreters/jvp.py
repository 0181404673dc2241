"""Forward mode: a tracer carries (primal, tangent); tangents that are zero are ``None``."""
from __future__ import annotations

from typing import Any

from ..core import (
    ZERO_DERIVATIVE,
    Primitive,
    Trace,
    Tracer,
    get_aval,
    set_current_trace,
)
from ..prims import elementwise as _E
from ..prims import shape as _S


class JVPTracer(Tracer):
    __slots__ = ("primal", "tangent")

    def __init__(self, trace: JVPTrace, primal: Any, tangent: Any):
        self._trace = trace
        self.primal = primal
        self.tangent = tangent

    @property
    def aval(self):
        return get_aval(self.primal)

    shape = property(lambda self: self.primal.shape)
    dtype = property(lambda self: self.primal.dtype)
    weak_type = property(lambda self: getattr(self.primal, "weak_type", False))

    def to_concrete(self) -> Any:
        p = self.primal
        return p.to_concrete() if isinstance(p, Tracer) else p


class JVPTrace(Trace):
    kind = "jvp"

    def __init__(self, parent: Trace):
        self.parent = parent

    def _split(self, args: tuple) -> tuple[list, list]:
        primals, tangents = [], []
        for a in args:
            if isinstance(a, JVPTracer) and a._trace is self:
                primals.append(a.primal)
                tangents.append(a.tangent)
            else:
                primals.append(a)
                tangents.append(None)
        return primals, tangents

    def process_primitive(self, prim: Primitive, args: tuple, params: dict) -> Any:
        primals, tangents = self._split(args)
        out = self.parent.process(prim, tuple(primals), params)
        with set_current_trace(self.parent):
            t_out = jvp_apply(prim, primals, tangents, out, params)
        if prim.multiple_results:
            return tuple(
                o if t is None else JVPTracer(self, o, t) for o, t in zip(out, t_out)
            )
        return out if t_out is None else JVPTracer(self, out, t_out)

    def process_custom_jvp(self, call: Any, args: tuple) -> Any:
        primals, tangents = self._split(args)
        tangents = [instantiate_zeros(p, t) for p, t in zip(primals, tangents)]
        with set_current_trace(self.parent):
            outs, t_outs = call.jvp_flat(primals, tangents)
        return [JVPTracer(self, o, t) for o, t in zip(outs, t_outs)]

    def process_custom_vjp(self, call: Any, args: tuple) -> Any:
        # NOTE: forward mode of a custom_vjp function differentiates its primal code (JAX raises
        # instead); the custom backward rule only serves reverse mode.
        with set_current_trace(self):
            return call.fun_flat(*args)


def jvp_apply(prim: Primitive, primals: list, tangents: list, out: Any, params: dict) -> Any:
    """The output tangent of one primitive application (None when it is zero)."""
    if prim.jvp_full is not None:
        return prim.jvp_full(primals, tangents, out, **params)
    rules = prim.jvp
    if rules is ZERO_DERIVATIVE:
        return [None] * len(out) if prim.multiple_results else None
    total = None
    for i, t in enumerate(tangents):
        if t is None or rules[i] is None:
            continue
        contribution = rules[i](t, out, *primals, **params)
        total = contribution if total is None else add_tangents(total, contribution)
    return total


def add_tangents(a: Any, b: Any) -> Any:
    if a is None:
        return b
    if b is None:
        return a
    return _E.add(a, b)


def instantiate_zeros(primal: Any, t: Any) -> Any:
    if t is not None:
        return t
    return _S.zeros_like_value(primal)
