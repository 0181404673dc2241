"""Staging: trace a function into the IR (for ``jit`` and ``make_jaxpr``).

Operations whose inputs are all known constants are computed right away by the parent trace
(constant folding while tracing); only work that depends on the arguments is staged.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import dtypes
from ..array import Array
from ..core import (
    ConcretizationTypeError,
    Primitive,
    ShapedArray,
    Trace,
    Tracer,
    _leaked,
    get_aval,
    set_current_trace,
)
from ..ir import Eqn, Jaxpr, Literal, Var, literal_for


class StagingTracer(Tracer):
    __slots__ = ("var", "weak_type")

    def __init__(self, trace: StagingTrace, var: Var, weak_type: bool = False):
        self._trace = trace
        self.var = var
        self.weak_type = weak_type

    @property
    def aval(self) -> ShapedArray:
        return self.var.aval

    def to_concrete(self) -> Any:
        raise ConcretizationTypeError("staged value")


class StagingTrace(Trace):
    kind = "jit"

    def __init__(self, parent: Trace):
        self.parent = parent
        self.invars: list[Var] = []
        self.eqns: list[Eqn] = []
        self.constvars: list[Var] = []
        self.consts: list[Any] = []
        self._const_ids: dict[int, tuple[Var, Any]] = {}

    def new_arg(self, aval: ShapedArray) -> StagingTracer:
        # A weak aval marks a Python-scalar argument: the variable itself is a typed array at
        # run time (strong to the kernels), and the tracer carries the weakness for promotion.
        var = Var(ShapedArray(aval.shape, aval.dtype))
        self.invars.append(var)
        return StagingTracer(self, var, aval.weak)

    def to_atom(self, x: Any) -> Var | Literal:
        if isinstance(x, StagingTracer) and x._trace is self:
            return x.var
        if isinstance(x, Tracer):
            if x._trace.is_ancestor_of_current():
                raise TypeError(
                    "jit/make_jaxpr was applied inside another transformation to a function "
                    f"that closes over that transformation's traced value ({x.aval.str_short()});"
                    " pass the value as an argument instead."
                )
            raise _leaked(x)
        value = x._value if type(x) is Array else x
        if getattr(value, "ndim", 0) == 0:
            return literal_for(value)
        # Constants are deduplicated by identity; the entry keeps ``x`` alive so that its id
        # cannot be reused by another temporary while tracing goes on.
        entry = self._const_ids.get(id(x))
        if entry is None:
            entry = self._const_ids[id(x)] = (Var(get_aval(x)), x)
            self.constvars.append(entry[0])
            self.consts.append(value)
        return entry[0]

    def process_primitive(self, prim: Primitive, args: tuple, params: dict) -> Any:
        invars = [self.to_atom(a) for a in args]
        out_aval = prim.abstract_eval(*[v.aval for v in invars], **params)
        if prim.multiple_results:
            outvars = [Var(a) for a in out_aval]
            self.eqns.append(Eqn(prim, invars, outvars, params))
            return tuple(StagingTracer(self, v) for v in outvars)
        outvar = Var(out_aval)
        self.eqns.append(Eqn(prim, invars, [outvar], params))
        return StagingTracer(self, outvar, _stays_weak(prim, args, out_aval))

    def process_custom_jvp(self, call: Any, args: tuple) -> Any:
        # Nothing differentiates a staged program (jit under a transformation inlines instead),
        # so a custom rule is not needed here: stage the primal function.
        with set_current_trace(self):
            return call.fun_flat(*args)

    process_custom_vjp = process_custom_jvp

    def to_jaxpr(self, outs: list) -> Jaxpr:
        outvars = [self.to_atom(o) for o in outs]
        return Jaxpr(self.constvars, self.consts, self.invars, self.eqns, outvars)


# Python's own operators: eagerly, these keep a Python scalar a Python scalar (``s * 2.0``),
# while functorch_lite.numpy functions turn it into an Array (``jnp.sin(s)`` is float32).
# ``floor`` is here because float ``s // y`` is floor(s / y) (a plain jnp.floor of a traced scalar
# then stays weak too, where eagerly it gives a float32 Array: a harmless difference).
_SCALAR_OPERATORS = {"add", "sub", "mul", "div", "rem", "pow", "integer_pow", "neg", "abs",
                     "floor_divide", "floor"}


def _stays_weak(prim: Primitive, args: tuple, out_aval: ShapedArray) -> bool:
    """A traced Python scalar stays weak through the operators Python would apply to the scalar
    eagerly, when all their other inputs are weak too; so jit and eager promote alike."""
    if prim.name == "convert_element_type":
        # Promotion lifting a weak int to the default float (``s / 2``, ``s + 0.5``) gives what
        # Python gives eagerly, a float scalar, which is weak; a same-dtype conversion is how
        # asarray makes a weak value strong.
        (a,) = args
        return (isinstance(a, Tracer) and a.weak_type and a.dtype != out_aval.dtype
                and out_aval.dtype == dtypes.default_dtype_for_rank(
                    dtypes.kind_rank(out_aval.dtype)))
    if prim.name not in _SCALAR_OPERATORS:
        return False
    weak = None
    for a in args:
        if isinstance(a, Tracer):
            if not a.weak_type:
                return False
            weak = a
        elif not dtypes.is_python_scalar(a):
            return False
    return weak is not None and weak.dtype == out_aval.dtype


def trace_to_jaxpr(fun: Callable, avals: list[ShapedArray]) -> tuple[Jaxpr, list]:
    """Stage ``fun`` (flat list in, flat list out) at the given input avals."""
    from ..core import _state

    trace = StagingTrace(_state.trace)
    args = [trace.new_arg(a) for a in avals]
    with set_current_trace(trace):
        outs = list(fun(*args))
    return trace.to_jaxpr(outs), outs


def eval_jaxpr(jaxpr: Jaxpr, args: list) -> list:
    """Interpret a jaxpr with ``bind`` (so it runs under whatever trace is current)."""
    env: dict[Var, Any] = {}

    def read(v: Any) -> Any:
        return v.val if isinstance(v, Literal) else env[v]

    for v, c in zip(jaxpr.constvars, jaxpr.consts):
        env[v] = Array(c)
    for v, a in zip(jaxpr.invars, args):
        env[v] = a
    for eqn in jaxpr.eqns:
        out = eqn.prim.bind(*[read(v) for v in eqn.invars], **eqn.params)
        if eqn.prim.multiple_results:
            for v, o in zip(eqn.outvars, out):
                env[v] = o
        else:
            env[eqn.outvars[0]] = out
    return [read(v) for v in jaxpr.outvars]
