"""Control-flow primitives, each carrying its body as a jaxpr: the machinery they share, and
``cond`` (``scan`` and ``while`` are in ``loops.py``).

They are used only when a loop must stay a loop: under jit/make_jaxpr (the generated code runs
the body in a Python ``for``/``while`` loop) and under vmap. Eagerly, and under grad/jvp alone,
``lax.scan`` & co. just run the Python loop (see ``_src/control.py`` and docs/control_flow.md).

Every rule a transformation needs is stated on the primitive, as for any other primitive:
``jvp_full`` builds the JVP of the body, ``batch`` the batched body (to a fixpoint for the loop
carry), and reverse mode goes through ``fwd``/``bwd`` functions (the custom-VJP dispatch every
trace already understands): scan's forward pass stacks the body's residuals (found by splitting
the body's joint forward+backward program into a loop-invariant, a forward and a backward part),
and its backward pass is a reverse scan over them; while's forward pass counts the trips;
cond's backward pass is a cond over the branches' pullbacks. Sub-programs are staged with
closure conversion: a traced value of an enclosing transformation that a body closes over
becomes an operand of the primitive, so every transformation sees it.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from ..array import Array
from ..backends.lowering import lower
from ..core import (
    EVAL,
    Primitive,
    ShapedArray,
    Tracer,
    _leaked,
    _state,
    concrete_or_none,
    get_aval,
)
from ..core import set_current_trace as _set_trace
from ..custom import _FlatVJPCall
from ..interpreters.batching import BatchTrace, BatchTracer, batch_flat
from ..interpreters.jvp import JVPTrace, JVPTracer, instantiate_zeros
from ..interpreters.reverse import vjp_flat
from ..interpreters.staging import StagingTrace, StagingTracer
from ..ir import Jaxpr, Literal, Var, optimize
from . import elementwise as E
from . import shape as S
from .indexing import gather

# ---- staging sub-programs, with closure conversion -----------------------------------------


class _SubStaging(StagingTrace):
    """Stages a body. A tracer of an enclosing (still running) transformation that the body uses
    becomes a new leading input of the program; its value is ``captured`` (passed as an operand)."""

    def __init__(self, parent: Any):
        super().__init__(parent)
        self.captured: list = []
        self.captured_vars: list[Var] = []
        self._captured_ids: dict[int, Var] = {}

    def to_atom(self, x: Any) -> Any:
        if isinstance(x, Tracer) and not (isinstance(x, StagingTracer) and x._trace is self):
            if not x._trace.is_ancestor_of_current():
                raise _leaked(x)
            var = self._captured_ids.get(id(x))
            if var is None:
                var = self._captured_ids[id(x)] = Var(strong(x.aval))
                self.captured.append(x)
                self.captured_vars.append(var)
            return var
        return super().to_atom(x)


def strong(aval: ShapedArray) -> ShapedArray:
    return ShapedArray(aval.shape, aval.dtype)


def stage(fun: Callable, avals: list) -> tuple[Jaxpr, list]:
    """Stage ``fun`` (flat list in, flat list out) at ``avals``. Returns the program, whose inputs
    are the captured values' variables followed by the arguments, and the captured values."""
    trace = _SubStaging(_state.trace)
    args = [trace.new_arg(a) for a in avals]
    with _set_trace(trace):
        outs = list(fun(*args))
    outvars = [trace.to_atom(o) for o in outs]
    jaxpr = Jaxpr(trace.constvars, trace.consts, trace.captured_vars + trace.invars, trace.eqns,
                  outvars)
    return jaxpr, trace.captured


def stage_closed(fun: Callable, avals: list) -> Jaxpr:
    """``stage`` for the rules' own programs, which close over nothing traced."""
    jaxpr, captured = stage(fun, avals)
    if captured:  # (the rules pass every traced value as an argument)
        raise AssertionError("a control-flow rule's sub-program closed over a traced value")
    return jaxpr


def eval_jaxpr(jaxpr: Jaxpr, args: list) -> list:
    """Run a program with ``bind`` under the current trace; nested control flow is dispatched
    like a fresh call (so reverse mode sees it as such)."""
    env: dict = {}

    def read(v: Any) -> Any:
        return v.val if isinstance(v, Literal) else env[v]

    for v, c in zip(jaxpr.constvars, jaxpr.consts):
        env[v] = Array(c)
    for v, a in zip(jaxpr.invars, args):
        env[v] = a
    for eqn in jaxpr.eqns:
        ins = [read(v) for v in eqn.invars]
        if eqn.prim in REVERSE:
            out = bind_control(eqn.prim, ins, eqn.params)
        else:
            out = eqn.prim.bind(*ins, **eqn.params)
        if eqn.prim.multiple_results:
            for v, o in zip(eqn.outvars, out):
                env[v] = o
        else:
            env[eqn.outvars[0]] = out
    return [read(v) for v in jaxpr.outvars]


def program_cache(jaxpr: Jaxpr) -> dict:
    return jaxpr.__dict__.setdefault("_fl_cache", {})


_counter = [0]


def lowered(jaxpr: Jaxpr, xp: Any) -> Callable:
    """The body as generated Python (optimised and lowered once per program and array module)."""
    cache = program_cache(jaxpr)
    fn = cache.get(xp.__name__)
    if fn is None:
        opt = optimize(jaxpr)
        _counter[0] += 1
        f, _, consts = lower(opt, xp, f"body{_counter[0]}")
        fn = cache[xp.__name__] = functools.partial(f, *consts) if consts else f
    return fn


def permuted(jaxpr: Jaxpr, in_order: list, out_order: list | None = None) -> Jaxpr:
    outs = jaxpr.outvars if out_order is None else [jaxpr.outvars[i] for i in out_order]
    return Jaxpr(jaxpr.constvars, jaxpr.consts, [jaxpr.invars[i] for i in in_order],
                 jaxpr.eqns, outs)


def with_unused_inputs(jaxpr: Jaxpr, before: list, after: list) -> Jaxpr:
    """The same program taking extra inputs it ignores (avals ``before`` and ``after``)."""
    return Jaxpr(jaxpr.constvars, jaxpr.consts,
                 [Var(a) for a in before] + jaxpr.invars + [Var(a) for a in after],
                 jaxpr.eqns, jaxpr.outvars)


def typed(x: Any, aval: ShapedArray) -> Any:
    if isinstance(x, (Tracer, Array)):
        return x
    return Array(np.asarray(x, aval.dtype))


def is_float(aval: ShapedArray) -> bool:
    return aval.dtype.kind in "fc"


# ---- dispatch ---------------------------------------------------------------------------------


def bind_control(prim: Primitive, operands: list, params: dict) -> list:
    """Apply a control-flow primitive under the current traces. Reverse mode reaches it as a
    custom-VJP call (forward with residuals, then a backward loop), every other trace through
    the primitive's own rules."""
    if _state.trace is EVAL:
        return list(prim.bind(*operands, **params))
    fwd, bwd = REVERSE[prim]
    call = _ControlCall(lambda *ls: list(prim.bind(*ls, **params)),
                        (lambda *ls: fwd(params, list(ls)),
                         lambda res, cts: bwd(params, res, list(cts))))
    call.avals = [strong(get_aval(x)) for x in operands]
    return list(call(*operands))


class _ControlCall(_FlatVJPCall):
    avals: list

    def batched(self, dims: list, size: int) -> Any:
        # vmap's batched backward wants a cotangent for every input: zeros where none flows.
        def bwd(res: Any, cts: list) -> list:
            return [Array(np.zeros(a.shape, a.dtype)) if c is None else c
                    for c, a in zip(self.bwd_flat(res, cts), self.avals)]

        return _FlatVJPCall(self.fun_flat, (self.fwd_flat, bwd)).batched(dims, size)


class VJPFromFwdBwd:
    """Per-argument VJP rules (for a tape that records the primitive itself, which happens when
    forward mode runs above reverse mode): one backward pass serves every argument."""

    def __init__(self, prim_name: str):
        self.prim_name = prim_name
        self._last: Any = None

    def __getitem__(self, i: int) -> Callable:
        def rule(ct: Any, out: Any, *primals: Any, **params: Any) -> Any:
            last = self._last
            if last is None or last[0] is not ct:
                fwd, bwd = REVERSE[PRIMS[self.prim_name]]
                _, res = fwd(params, list(primals))
                last = self._last = (ct, bwd(params, res, list(ct)))
            return last[1][i]

        return rule


REVERSE: dict = {}
PRIMS: dict = {}


# ---- program transformations: JVP and batching of a body -----------------------------------


def jvp_jaxpr(jaxpr: Jaxpr, nonzero: list, force: list) -> tuple[Jaxpr, list]:
    """The JVP of a program: inputs are its primals then the tangents of the ``nonzero`` inputs;
    outputs are its primals then the tangents of the outputs that have one (or are ``force``d).
    Also returns which outputs have a tangent."""
    in_avals = jaxpr.in_avals
    n = len(in_avals)
    box: dict = {}

    def f(*args: Any) -> list:
        ts = iter(args[n:])
        trace = JVPTrace(_state.trace)
        ins = [JVPTracer(trace, p, next(ts)) if nz else p for p, nz in zip(args[:n], nonzero)]
        with _set_trace(trace):
            outs = eval_jaxpr(jaxpr, ins)
        prim_out, t_out = [], []
        for o, aval in zip(outs, jaxpr.out_avals):
            own = isinstance(o, JVPTracer) and o._trace is trace
            prim_out.append(o.primal if own else typed(o, aval))
            t_out.append(o.tangent if own and is_float(aval) else None)
        box["nz"] = [t is not None or fo for t, fo in zip(t_out, force)]
        return prim_out + [instantiate_zeros(p, t) for p, t, nz in zip(prim_out, t_out, box["nz"])
                           if nz]

    t_avals = [strong(a) for a, nz in zip(in_avals, nonzero) if nz]
    return stage_closed(f, [strong(a) for a in in_avals] + t_avals), box["nz"]


def jvp_fixpoint(jaxpr: Jaxpr, before_nz: list, carry_nz: list, after_nz: list,
                 n_extra_out: int) -> tuple[Jaxpr, list, list]:
    """JVP of a loop body ``(before..., carry..., after...) -> (carry..., extra...)``: the carry
    gets a tangent wherever the body can give it one (iterated to a fixpoint). Returns the JVP
    program (as ``jvp_jaxpr``), which carries have tangents and which outputs have them."""
    while True:
        force = carry_nz + [False] * n_extra_out
        jj, out_nz = jvp_jaxpr(jaxpr, before_nz + carry_nz + after_nz, force)
        grown = [a or b for a, b in zip(carry_nz, out_nz[:len(carry_nz)])]
        if grown == carry_nz:
            return jj, carry_nz, out_nz
        carry_nz = grown


def batch_jaxpr(jaxpr: Jaxpr, in_batched: list, size: int, force: list) -> tuple[Jaxpr, list]:
    """The program over a batch of ``size`` (batch axis 0 on the batched inputs and outputs);
    also returns which outputs are batched (``force``d ones always are)."""
    box: dict = {}

    def f(*args: Any) -> list:
        trace = BatchTrace(_state.trace, size)
        ins = [BatchTracer(trace, a, 0) if b else a for a, b in zip(args, in_batched)]
        with _set_trace(trace):
            outs = eval_jaxpr(jaxpr, ins)
        res, batched = [], []
        for o, fo, aval in zip(outs, force, jaxpr.out_avals):
            if isinstance(o, BatchTracer) and o._trace is trace:
                res.append(S.moveaxis(o.val, o.bdim, 0))
                batched.append(True)
            elif fo:
                res.append(S.broadcast_batch(typed(o, aval), size, 0))
                batched.append(True)
            else:
                res.append(typed(o, aval))
                batched.append(False)
        box["b"] = batched
        return res

    avals = [ShapedArray(((size,) if b else ()) + a.shape, a.dtype)
             for a, b in zip(jaxpr.in_avals, in_batched)]
    return stage_closed(f, avals), box["b"]


def to_front(v: Any, d: int | None) -> Any:
    return v if d is None else S.moveaxis(v, d, 0)


def split3(vals: list, n0: int, n1: int) -> tuple[list, list, list]:
    """A primitive's operands (or their dims, tangents...) as its three groups: the first
    ``n0``, the next ``n1`` and the rest (consts, carry, xs; cond consts, body consts, carry)."""
    return list(vals[:n0]), list(vals[n0:n0 + n1]), list(vals[n0 + n1:])


# ---- cond (switch) ------------------------------------------------------------------------------


def _cond_kernel(xp: Any) -> Callable:
    def impl(index, *ops, branches):
        i = min(max(int(index), 0), len(branches) - 1)
        out = lowered(branches[i], xp)(*ops)
        return tuple(xp.asarray(o, a.dtype) for o, a in zip(out, branches[i].out_avals))

    return impl


def _cond_aval(index, *ops, branches):
    if index.shape != () or index.dtype != np.int32:
        raise TypeError(f"cond: the branch index must be an int32 scalar, got "
                        f"{index.str_short()}")
    return [strong(a) for a in branches[0].out_avals]


def _cond_jvp(primals, tangents, out, *, branches):
    index, ops, op_t = primals[0], list(primals[1:]), list(tangents[1:])
    avals = branches[0].in_avals
    nz = [t is not None and is_float(a) for t, a in zip(op_t, avals)]
    n_out = len(branches[0].outvars)
    force = [False] * n_out
    for br in branches:
        force = [a or b for a, b in zip(force, jvp_jaxpr(br, nz, force)[1])]
    new = tuple(jvp_jaxpr(br, nz, force)[0] for br in branches)
    outs = bind_control(cond_p, [index] + ops + [t for t, z in zip(op_t, nz) if z],
                        dict(branches=new))
    ts = iter(outs[n_out:])
    return [next(ts) if z else None for z in force]


def _clamped(index: Any, n: int) -> Any:
    return E.min_(E.max_(index, np.int32(0)), np.int32(n - 1))


def _cond_batch(vals, dims, *, branches):
    size = S.batch_size(vals, dims)
    ops = [to_front(v, d) for v, d in zip(vals[1:], dims[1:])]
    in_b = [d is not None for d in dims[1:]]
    n_out = len(branches[0].outvars)
    if dims[0] is None:
        force = [False] * n_out
        for br in branches:
            force = [a or b for a, b in zip(force, batch_jaxpr(br, in_b, size, force)[1])]
        new = tuple(batch_jaxpr(br, in_b, size, force)[0] for br in branches)
        outs = bind_control(cond_p, [vals[0]] + ops, dict(branches=new))
        return outs, [0 if b else None for b in force]
    index = to_front(vals[0], dims[0])
    known = concrete_or_none(index)
    if known is not None:
        return _cond_lanes(np.clip(np.asarray(known), 0, len(branches) - 1), ops, in_b,
                           branches, size)
    # Lane counts are unknown while staging (jit): run every branch on every lane and select.
    index = _clamped(index, len(branches))
    outs = None
    for i, br in enumerate(branches):
        jb, _ = batch_jaxpr(br, in_b, size, [True] * n_out)
        res = eval_jaxpr(jb, ops)
        if outs is None:
            outs = res
            continue
        take = E.eq(index, np.int32(i))
        outs = [E.select(S.reshape(take, (size,) + (1,) * (S.ndim_of(r) - 1)), r, o)
                for r, o in zip(res, outs)]
    return outs, [0] * n_out


def _cond_lanes(index: np.ndarray, ops: list, in_b: list, branches: tuple, size: int):
    """vmap of cond with a known batched predicate: each branch runs only on its own lanes
    (gathered), and the results are put back in lane order."""
    parts, order = [], []
    for i, br in enumerate(branches):
        lanes = np.nonzero(index == i)[0]
        if lanes.size == 0:
            continue
        if lanes.size == size:
            return batch_flat(lambda *a, br=br: eval_jaxpr(br, list(a)), ops,
                              [0 if b else None for b in in_b], size, 0), [0] * len(br.outvars)
        take = Array(lanes.astype(np.int64))
        sub = [gather(v, take) if b else v for v, b in zip(ops, in_b)]
        parts.append(batch_flat(lambda *a, br=br: eval_jaxpr(br, list(a)), sub,
                                [0 if b else None for b in in_b], lanes.size, 0))
        order.append(lanes)
    back = Array(np.argsort(np.concatenate(order)).astype(np.int64))
    outs = [gather(S.concatenate([p[k] for p in parts], 0), back) for k in range(len(parts[0]))]
    return outs, [0] * len(outs)


def _cond_fwd(params: dict, leaves: list) -> tuple[list, Any]:
    return bind_control(cond_p, leaves, params), leaves


def _cond_bwd(params: dict, res: Any, cts: list) -> list:
    branches = params["branches"]
    index, ops = res[0], list(res[1:])
    avals = [strong(a) for a in branches[0].in_avals]
    out_avals = [strong(a) for a in branches[0].out_avals]
    f_in, f_out = [is_float(a) for a in avals], [is_float(a) for a in out_avals]
    n = len(ops)
    cache = program_cache(branches[0])
    key = ("cond_bwd", branches)
    if key not in cache:
        def backward_of(br: Jaxpr) -> Jaxpr:
            def f(*a: Any) -> list:
                _, pullback = vjp_flat(lambda *v: eval_jaxpr(br, list(v)), list(a[:n]))
                cti = iter(a[n:])
                in_cts = pullback([next(cti) if f else None for f in f_out])
                return [S.zeros_like_value(p) if c is None else c
                        for c, p, f in zip(in_cts, a[:n], f_in) if f]

            return stage_closed(f, avals + [a for a, f in zip(out_avals, f_out) if f])

        cache[key] = tuple(backward_of(br) for br in branches)
    outs = bind_control(cond_p, [index] + ops + [c for c, f in zip(cts, f_out) if f],
                        dict(branches=cache[key]))
    it = iter(outs)
    return [None] + [next(it) if f else None for f in f_in]


cond_p = Primitive(
    "cond",
    kernel=_cond_kernel,
    abstract_eval=_cond_aval,
    jvp_full=_cond_jvp,
    vjp=VJPFromFwdBwd("cond"),
    batch=_cond_batch,
    multiple_results=True,
)
REVERSE[cond_p] = (_cond_fwd, _cond_bwd)
PRIMS["cond"] = cond_p
