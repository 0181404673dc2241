"""Control-flow primitives: ``scan``, ``while`` and ``cond``, each carrying its body as a jaxpr.

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
from . import reduce as R
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
        if eqn.prim in _REVERSE:
            out = bind_control(eqn.prim, ins, eqn.params)
        else:
            out = eqn.prim.bind(*ins, **eqn.params)
        if eqn.prim.multiple_results:
            for v, o in zip(eqn.outvars, out):
                env[v] = o
        else:
            env[eqn.outvars[0]] = out
    return [read(v) for v in jaxpr.outvars]


def _cache(jaxpr: Jaxpr) -> dict:
    return jaxpr.__dict__.setdefault("_fl_cache", {})


_counter = [0]


def lowered(jaxpr: Jaxpr, xp: Any) -> Callable:
    """The body as generated Python (optimised and lowered once per program and array module)."""
    cache = _cache(jaxpr)
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


def _typed(x: Any, aval: ShapedArray) -> Any:
    if isinstance(x, (Tracer, Array)):
        return x
    return Array(np.asarray(x, aval.dtype))


def _is_float(aval: ShapedArray) -> bool:
    return aval.dtype.kind in "fc"


# ---- dispatch ---------------------------------------------------------------------------------


def bind_control(prim: Primitive, operands: list, params: dict) -> list:
    """Apply a control-flow primitive under the current traces. Reverse mode reaches it as a
    custom-VJP call (forward with residuals, then a backward loop), every other trace through
    the primitive's own rules."""
    if _state.trace is EVAL:
        return list(prim.bind(*operands, **params))
    fwd, bwd = _REVERSE[prim]
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


class _VJPFromFwdBwd:
    """Per-argument VJP rules (for a tape that records the primitive itself, which happens when
    forward mode runs above reverse mode): one backward pass serves every argument."""

    def __init__(self, prim_name: str):
        self.prim_name = prim_name
        self._last: Any = None

    def __getitem__(self, i: int) -> Callable:
        def rule(ct: Any, out: Any, *primals: Any, **params: Any) -> Any:
            last = self._last
            if last is None or last[0] is not ct:
                fwd, bwd = _REVERSE[PRIMS[self.prim_name]]
                _, res = fwd(params, list(primals))
                last = self._last = (ct, bwd(params, res, list(ct)))
            return last[1][i]

        return rule


_REVERSE: dict = {}
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
            prim_out.append(o.primal if own else _typed(o, aval))
            t_out.append(o.tangent if own and _is_float(aval) else None)
        box["nz"] = [t is not None or fo for t, fo in zip(t_out, force)]
        return prim_out + [instantiate_zeros(p, t) for p, t, nz in zip(prim_out, t_out, box["nz"])
                           if nz]

    t_avals = [strong(a) for a, nz in zip(in_avals, nonzero) if nz]
    return stage_closed(f, [strong(a) for a in in_avals] + t_avals), box["nz"]


def jvp_fixpoint(jaxpr: Jaxpr, fixed_nz: list, carry_nz: list, n_extra_out: int,
                 carry_first: bool = True) -> tuple[Jaxpr, list, list]:
    """JVP of a loop body ``(fixed..., carry...) -> (carry..., extra...)``: the carry gets a
    tangent wherever the body can give it one (iterated to a fixpoint)."""
    while True:
        force = carry_nz + [False] * n_extra_out
        jj, out_nz = jvp_jaxpr(jaxpr, fixed_nz + carry_nz, force)
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
                res.append(S.broadcast_batch(_typed(o, aval), size, 0))
                batched.append(True)
            else:
                res.append(_typed(o, aval))
                batched.append(False)
        box["b"] = batched
        return res

    avals = [ShapedArray(((size,) if b else ()) + a.shape, a.dtype)
             for a, b in zip(jaxpr.in_avals, in_batched)]
    return stage_closed(f, avals), box["b"]


def _to_front(v: Any, d: int | None) -> Any:
    return v if d is None else S.moveaxis(v, d, 0)


# ---- scan ---------------------------------------------------------------------------------------


def _scan_kernel(xp: Any) -> Callable:
    def impl(*vals, jaxpr, num_consts, num_carry, length, reverse, unroll):
        body = lowered(jaxpr, xp)
        consts = vals[:num_consts]
        carry = vals[num_consts:num_consts + num_carry]
        xs = vals[num_consts + num_carry:]
        y_avals = jaxpr.out_avals[num_carry:]
        ys = [xp.empty((length,) + a.shape, a.dtype) for a in y_avals]
        for i in (range(length - 1, -1, -1) if reverse else range(length)):
            out = body(*consts, *carry, *[x[i] for x in xs])
            carry = out[:num_carry]
            for buf, y in zip(ys, out[num_carry:]):
                buf[i] = y
        carry = [xp.asarray(c, a.dtype) for c, a in zip(carry, jaxpr.out_avals)]
        return tuple(carry) + tuple(ys)

    return impl


def _scan_aval(*avals, jaxpr, num_consts, num_carry, length, reverse, unroll):
    outs = jaxpr.out_avals
    return [strong(a) for a in outs[:num_carry]] + [
        ShapedArray((length,) + a.shape, a.dtype) for a in outs[num_carry:]]


def _scan_split(vals: list, num_consts: int, num_carry: int) -> tuple[list, list, list]:
    return (list(vals[:num_consts]), list(vals[num_consts:num_consts + num_carry]),
            list(vals[num_consts + num_carry:]))


def _scan_jvp(primals, tangents, out, *, jaxpr, num_consts, num_carry, **params):
    avals = jaxpr.in_avals
    nz = [t is not None and _is_float(a) for t, a in zip(tangents, avals)]
    c_nz, carry_nz, x_nz = _scan_split(nz, num_consts, num_carry)
    n_y = len(jaxpr.outvars) - num_carry
    # the JVP body's inputs: consts, carry, xs, then their tangents; reorder to
    # (consts, const tangents, carry, carry tangents, xs, x tangents)
    while True:
        jj, out_nz = jvp_jaxpr(jaxpr, c_nz + carry_nz + x_nz, carry_nz + [False] * n_y)
        grown = [a or b for a, b in zip(carry_nz, out_nz[:num_carry])]
        if grown == carry_nz:
            break
        carry_nz = grown
    n_in = len(avals)
    nz = c_nz + carry_nz + x_nz
    t_pos = iter(range(n_in, n_in + sum(nz)))
    t_index = [next(t_pos) if z else None for z in nz]
    groups = [range(0, num_consts), range(num_consts, num_consts + num_carry),
              range(num_consts + num_carry, n_in)]
    in_order = []
    for g in groups:
        in_order += list(g) + [t_index[i] for i in g if nz[i]]
    y_nz = out_nz[num_carry:]
    n_out = num_carry + n_y
    to_pos = iter(range(n_out, n_out + sum(out_nz)))
    to_index = [next(to_pos) if z else None for z in out_nz]
    out_order = list(range(num_carry)) + [to_index[i] for i in range(num_carry) if carry_nz[i]]
    out_order += list(range(num_carry, n_out)) + [to_index[num_carry + k]
                                                   for k in range(n_y) if y_nz[k]]
    jj = permuted(jj, in_order, out_order)
    operands = []
    for g in groups:
        operands += [primals[i] for i in g]
        operands += [instantiate_zeros(primals[i], tangents[i]) for i in g if nz[i]]
    n_ct = sum(carry_nz)
    outs = bind_control(scan_p, operands, dict(
        params, jaxpr=jj, num_consts=num_consts + sum(c_nz), num_carry=num_carry + n_ct))
    ts = iter(outs[num_carry:num_carry + n_ct])
    carry_t = [next(ts) if z else None for z in carry_nz]
    ts = iter(outs[num_carry + n_ct + n_y:])
    return carry_t + [next(ts) if z else None for z in y_nz]


def _scan_batch(vals, dims, *, jaxpr, num_consts, num_carry, **params):
    size = S.batch_size(vals, dims)
    c_d, carry_d, x_d = _scan_split(dims, num_consts, num_carry)
    c_b = [d is not None for d in c_d]
    carry_b = [d is not None for d in carry_d]
    x_b = [d is not None for d in x_d]
    n_y = len(jaxpr.outvars) - num_carry
    # Iterate to a fixpoint: a carry the body makes batched must start batched too.
    while True:
        jb, out_b = batch_jaxpr(jaxpr, c_b + carry_b + x_b, size, carry_b + [False] * n_y)
        grown = [a or b for a, b in zip(carry_b, out_b[:num_carry])]
        if grown == carry_b:
            break
        carry_b = grown
    consts, init, xs = _scan_split(vals, num_consts, num_carry)
    consts = [_to_front(v, d) for v, d in zip(consts, c_d)]
    init = [S.bdim_to_front(v, d, size) if b else v for v, d, b in zip(init, carry_d, carry_b)]
    xs = [v if d is None else S.moveaxis(v, d, 1) for v, d in zip(xs, x_d)]
    outs = bind_control(scan_p, consts + init + xs, dict(
        params, jaxpr=jb, num_consts=num_consts, num_carry=num_carry))
    return outs, [0 if b else None for b in carry_b] + [1 if b else None
                                                         for b in out_b[num_carry:]]


def _scan_vjp_parts(jaxpr: Jaxpr, num_consts: int, num_carry: int) -> dict:
    """Split the body's joint forward+backward program into: ``pre`` (loop-invariant work on the
    consts, run once), ``fwd`` (the body, also emitting the residuals the backward step needs)
    and ``bwd`` (one backward step, from the residuals and the output cotangents)."""
    key = ("scan_vjp", num_consts, num_carry)
    cache = _cache(jaxpr)
    if key in cache:
        return cache[key]
    in_avals, out_avals = jaxpr.in_avals, jaxpr.out_avals
    n_in, n_out = len(in_avals), len(out_avals)
    f_in = [_is_float(a) for a in in_avals]
    f_out = [_is_float(a) for a in out_avals]

    def joint(*args: Any) -> list:
        outs, pullback = vjp_flat(lambda *a: eval_jaxpr(jaxpr, list(a)), list(args[:n_in]))
        cts = iter(args[n_in:])
        in_cts = pullback([next(cts) if f else None for f in f_out])
        return [_typed(o, a) for o, a in zip(outs, out_avals)] + [
            S.zeros_like_value(p) if c is None else c
            for c, p, f in zip(in_cts, args[:n_in], f_in) if f]

    ct_avals = [strong(a) for a, f in zip(out_avals, f_out) if f]
    J = stage_closed(joint, [strong(a) for a in in_avals] + ct_avals)
    consts_in = J.invars[:num_consts]
    primal_in = J.invars[num_consts:n_in]
    ct_in = J.invars[n_in:]
    level = {v: 0 for v in consts_in + J.constvars}
    level.update({v: 1 for v in primal_in})
    level.update({v: 2 for v in ct_in})
    by_level: list[list] = [[], [], []]
    for eqn in J.eqns:
        lv = max([level[v] for v in eqn.invars if isinstance(v, Var)], default=0)
        for v in eqn.outvars:
            level[v] = lv
        by_level[lv].append(eqn)
    primal_outs, ct_outs = J.outvars[:n_out], J.outvars[n_out:]

    def used_by(eqns: list, outs: list) -> list:
        seen: dict = {}
        for eqn in eqns:
            for v in eqn.invars:
                if isinstance(v, Var):
                    seen[v] = None
        for v in outs:
            if isinstance(v, Var):
                seen[v] = None
        return list(seen)

    known0 = set(consts_in) | set(J.constvars)
    hoisted = [v for v in used_by(by_level[1] + by_level[2], primal_outs + ct_outs)
               if level.get(v) == 0 and v not in known0]
    residuals = [v for v in used_by(by_level[2], ct_outs) if level.get(v) == 1]
    parts = {
        "pre": Jaxpr(J.constvars, J.consts, consts_in, by_level[0], hoisted),
        "fwd": Jaxpr(J.constvars, J.consts, consts_in + hoisted + primal_in, by_level[1],
                     primal_outs + residuals),
        "n_hoisted": len(hoisted), "n_res": len(residuals),
    }
    bwd_raw = Jaxpr(J.constvars, J.consts, consts_in + hoisted + residuals + ct_in,
                    by_level[2], ct_outs)
    n_cf = sum(f_in[:num_consts])
    n_carry_f = sum(f_in[num_consts:num_consts + num_carry])
    n_k = num_consts + len(hoisted)
    n_ct_carry = sum(f_out[:num_carry])

    def bwd_body(*a: Any) -> list:
        acc = a[n_k:n_k + n_cf]
        ct_carry = a[n_k + n_cf:n_k + n_cf + n_ct_carry]
        rest = a[n_k + n_cf + n_ct_carry:]
        res, ct_y = rest[:len(residuals)], rest[len(residuals):]
        outs = eval_jaxpr(bwd_raw, list(a[:n_k]) + list(res) + list(ct_carry) + list(ct_y))
        step = outs[:n_cf]
        return [E.add(s, t) for s, t in zip(acc, step)] + outs[n_cf:]

    res_avals = [strong(v.aval) for v in residuals]
    c_avals = [strong(v.aval) for v in consts_in + hoisted]
    acc_avals = [strong(a) for a, f in zip(in_avals[:num_consts], f_in) if f]
    ct_carry_avals = [strong(a) for a, f in zip(out_avals[:num_carry], f_out) if f]
    ct_y_avals = [strong(a) for a, f in zip(out_avals[num_carry:], f_out[num_carry:]) if f]
    parts["bwd"] = stage_closed(bwd_body, c_avals + acc_avals + ct_carry_avals + res_avals
                                + ct_y_avals)
    parts.update(n_cf=n_cf, n_carry_f=n_carry_f, f_in=f_in, f_out=f_out)
    cache[key] = parts
    return parts


def _scan_fwd(params: dict, leaves: list) -> tuple[list, Any]:
    nc, ncar = params["num_consts"], params["num_carry"]
    parts = _scan_vjp_parts(params["jaxpr"], nc, ncar)
    consts, init, xs = _scan_split(leaves, nc, ncar)
    hoisted = eval_jaxpr(parts["pre"], consts)
    outs = bind_control(scan_p, consts + hoisted + init + xs, dict(
        params, jaxpr=parts["fwd"], num_consts=nc + parts["n_hoisted"]))
    n_prim = len(params["jaxpr"].outvars)
    return outs[:n_prim], (consts + hoisted, outs[n_prim:])


def _scan_bwd(params: dict, res: Any, cts: list) -> list:
    nc, ncar = params["num_consts"], params["num_carry"]
    parts = _scan_vjp_parts(params["jaxpr"], nc, ncar)
    consts_h, stacks = res
    f_in, f_out = parts["f_in"], parts["f_out"]
    acc0 = [S.zeros_like_value(c) for c, f in zip(consts_h[:nc], f_in) if f]
    ct_carry = [c for c, f in zip(cts[:ncar], f_out) if f]
    ct_ys = [c for c, f in zip(cts[ncar:], f_out[ncar:]) if f]
    n_cf, n_carry_f = parts["n_cf"], parts["n_carry_f"]
    outs = bind_control(scan_p, consts_h + acc0 + ct_carry + stacks + ct_ys, dict(
        params, jaxpr=parts["bwd"], num_consts=len(consts_h), num_carry=n_cf + n_carry_f,
        reverse=not params["reverse"]))
    it = iter(outs)
    return [next(it) if f else None for f in f_in]


scan_p = Primitive(
    "scan",
    kernel=_scan_kernel,
    abstract_eval=_scan_aval,
    jvp_full=_scan_jvp,
    vjp=_VJPFromFwdBwd("scan"),
    batch=_scan_batch,
    multiple_results=True,
)
_REVERSE[scan_p] = (_scan_fwd, _scan_bwd)
PRIMS["scan"] = scan_p


# ---- while --------------------------------------------------------------------------------------


def _while_kernel(xp: Any) -> Callable:
    def impl(*vals, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
        cond, body = lowered(cond_jaxpr, xp), lowered(body_jaxpr, xp)
        cc = vals[:cond_nconsts]
        bc = vals[cond_nconsts:cond_nconsts + body_nconsts]
        carry = vals[cond_nconsts + body_nconsts:]
        while cond(*cc, *carry)[0]:
            carry = body(*bc, *carry)
        return tuple(xp.asarray(c, a.dtype) for c, a in zip(carry, body_jaxpr.out_avals))

    return impl


def _while_aval(*avals, body_jaxpr, **params):
    return [strong(a) for a in body_jaxpr.out_avals]


def _while_split(vals: list, cn: int, bn: int) -> tuple[list, list, list]:
    return list(vals[:cn]), list(vals[cn:cn + bn]), list(vals[cn + bn:])


def _while_jvp(primals, tangents, out, *, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    avals = body_jaxpr.in_avals
    cc, bc, init = _while_split(primals, cond_nconsts, body_nconsts)
    _, bt, it = _while_split(tangents, cond_nconsts, body_nconsts)
    bc_nz = [t is not None and _is_float(a) for t, a in zip(bt, avals)]
    carry_nz = [t is not None and _is_float(a) for t, a in zip(it, avals[body_nconsts:])]
    jj, carry_nz, _ = jvp_fixpoint(body_jaxpr, bc_nz, carry_nz, 0)
    nb, ncar = body_nconsts, len(init)
    n_bt, n_ct = sum(bc_nz), sum(carry_nz)
    # (bc, carry, bc tangents, carry tangents) -> (bc, bc tangents, carry, carry tangents)
    jj = permuted(jj, list(range(nb)) + list(range(nb + ncar, nb + ncar + n_bt))
                  + list(range(nb, nb + ncar)) + list(range(nb + ncar + n_bt,
                                                            nb + ncar + n_bt + n_ct)))
    cond_j = with_unused_inputs(cond_jaxpr, [], [strong(a) for a, z in
                                                 zip(avals[nb:], carry_nz) if z])
    operands = (cc + bc + [t for t, z in zip(bt, bc_nz) if z] + init
                + [instantiate_zeros(p, t) for p, t, z in zip(init, it, carry_nz) if z])
    outs = bind_control(while_p, operands, dict(
        cond_jaxpr=cond_j, body_jaxpr=jj, cond_nconsts=cond_nconsts, body_nconsts=nb + n_bt))
    ts = iter(outs[ncar:])
    return [next(ts) if z else None for z in carry_nz]


def _any(pred: Any) -> Any:
    return E.gt(R.reduce_sum(S.convert_element_type(pred, np.int32), (0,)), 0)


def _while_batch(vals, dims, *, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    size = S.batch_size(vals, dims)
    cd, bd, carry_d = _while_split(dims, cond_nconsts, body_nconsts)
    cc_b, bc_b = [d is not None for d in cd], [d is not None for d in bd]
    carry_b = [d is not None for d in carry_d]
    while True:
        jb, out_b = batch_jaxpr(body_jaxpr, bc_b + carry_b, size, carry_b)
        grown = [a or b for a, b in zip(carry_b, out_b)]
        jc, (pred_b,) = batch_jaxpr(cond_jaxpr, cc_b + carry_b, size, [False])
        if pred_b:  # lanes stop at different trips: every carry is batched (finished lanes freeze)
            grown = [True] * len(carry_b)
        if grown == carry_b:
            break
        carry_b = grown
    cc, bc, init = _while_split(vals, cond_nconsts, body_nconsts)
    cc = [_to_front(v, d) for v, d in zip(cc, cd)]
    bc = [_to_front(v, d) for v, d in zip(bc, bd)]
    init = [S.bdim_to_front(v, d, size) if b else v for v, d, b in zip(init, carry_d, carry_b)]
    if not pred_b:
        outs = bind_control(while_p, cc + bc + init, dict(
            cond_jaxpr=jc, body_jaxpr=jb, cond_nconsts=cond_nconsts, body_nconsts=body_nconsts))
        return outs, [0 if b else None for b in carry_b]
    ncc, nbc = len(cc), len(bc)

    def cond_any(*a: Any) -> list:
        return [_any(eval_jaxpr(jc, list(a))[0])]

    def body_masked(*a: Any) -> list:
        carry = list(a[ncc + nbc:])
        (pred,) = eval_jaxpr(jc, list(a[:ncc]) + carry)
        new = eval_jaxpr(jb, list(a[ncc:ncc + nbc]) + carry)
        return [E.select(S.reshape(pred, (size,) + (1,) * (S.ndim_of(c) - 1)), n, c)
                for n, c in zip(new, carry)]

    c_avals = [strong(v.aval) for v in jc.invars]
    b_avals = [strong(v.aval) for v in jb.invars]
    new_cond = stage_closed(cond_any, c_avals)
    new_body = stage_closed(body_masked, c_avals[:ncc] + b_avals)
    outs = bind_control(while_p, cc + cc + bc + init, dict(
        cond_jaxpr=new_cond, body_jaxpr=new_body, cond_nconsts=ncc, body_nconsts=ncc + nbc))
    return outs, [0] * len(outs)


def _counted(cond_jaxpr: Jaxpr, body_jaxpr: Jaxpr, bn: int) -> tuple[Jaxpr, Jaxpr]:
    """The loop with a trip counter as an extra leading carry."""
    cache = _cache(body_jaxpr)
    key = ("counted", id(cond_jaxpr))
    if key not in cache:
        counter = ShapedArray((), np.dtype(np.int32))

        def body(*a: Any) -> list:
            return [E.add(a[bn], np.int32(1))] + eval_jaxpr(body_jaxpr, list(a[:bn]) +
                                                             list(a[bn + 1:]))

        avals = [strong(a) for a in body_jaxpr.in_avals]
        b = stage_closed(body, avals[:bn] + [counter] + avals[bn:])
        cn = len(cond_jaxpr.invars) - (len(avals) - bn)
        c = permuted(with_unused_inputs(cond_jaxpr, [counter], []),
                     list(range(1, cn + 1)) + [0] + list(range(cn + 1, len(cond_jaxpr.invars)
                                                               + 1)))
        cache[key] = (c, b, cond_jaxpr)  # (keeps cond_jaxpr alive: its id is the key)
    return cache[key][:2]


def _while_fwd(params: dict, leaves: list) -> tuple[list, Any]:
    cn, bn = params["cond_nconsts"], params["body_nconsts"]
    cc, bc, init = _while_split(leaves, cn, bn)
    cond, body = _counted(params["cond_jaxpr"], params["body_jaxpr"], bn)
    outs = bind_control(while_p, cc + bc + [Array(np.int32(0))] + init, dict(
        params, cond_jaxpr=cond, body_jaxpr=body))
    return outs[1:], (bc, init, outs[0])


def _while_bwd(params: dict, res: Any, cts: list) -> list:
    """Run the loop back ``n`` (the recorded trip count) steps. Step k needs the state after k
    forward steps, recomputed from the initial state by an inner loop, so this costs O(n^2)
    body evaluations; it works under every transformation, with a traced ``n`` too."""
    bc, init, n = res
    cn, bn = params["cond_nconsts"], params["body_nconsts"]
    body_jaxpr = params["body_jaxpr"]
    avals = [strong(a) for a in body_jaxpr.in_avals]
    f_bc = [_is_float(a) for a in avals[:bn]]
    f_carry = [_is_float(a) for a in avals[bn:]]
    nc = len(init)
    counter = ShapedArray((), np.dtype(np.int32))
    inner_body = _counted(params["cond_jaxpr"], body_jaxpr, bn)[1]
    inner_cond = _stage_lt(avals[bn:])
    n_af = sum(f_bc)

    def back_step(*a: Any) -> list:
        bcs, init_, k = list(a[:bn]), list(a[bn:bn + nc]), a[bn + nc]
        acc, ct = list(a[bn + nc + 1:bn + nc + 1 + n_af]), list(a[bn + nc + 1 + n_af:])
        k1 = E.sub(k, np.int32(1))
        carry_k = bind_control(while_p, [k1] + bcs + [Array(np.int32(0))] + init_, dict(
            cond_jaxpr=inner_cond, body_jaxpr=inner_body, cond_nconsts=1,
            body_nconsts=bn))[1:]
        _, pullback = vjp_flat(lambda *v: eval_jaxpr(body_jaxpr, list(v)), bcs + carry_k)
        cti = iter(ct)
        in_cts = pullback([next(cti) if f else None for f in f_carry])
        in_cts = [S.zeros_like_value(p) if c is None else c
                  for c, p in zip(in_cts, bcs + carry_k)]
        step = [c for c, f in zip(in_cts[:bn], f_bc) if f]
        return [k1] + [E.add(s, t) for s, t in zip(acc, step)] + [
            c for c, f in zip(in_cts[bn:], f_carry) if f]

    acc_avals = [a for a, f in zip(avals[:bn], f_bc) if f]
    ct_avals = [a for a, f in zip(avals[bn:], f_carry) if f]
    step_j = stage_closed(back_step, avals + [counter] + acc_avals + ct_avals)
    k_pos = ShapedArray((), np.dtype(np.int32))
    more = stage_closed(lambda k, *rest: [E.gt(k, np.int32(0))], [k_pos] + acc_avals + ct_avals)
    acc0 = [S.zeros_like_value(c) for c, f in zip(bc, f_bc) if f]
    ct0 = [c for c, f in zip(cts, f_carry) if f]
    outs = bind_control(while_p, bc + init + [n] + acc0 + ct0, dict(
        cond_jaxpr=more, body_jaxpr=step_j, cond_nconsts=0, body_nconsts=bn + nc))
    acc = iter(outs[1:1 + n_af])
    ct_init = iter(outs[1 + n_af:])
    return ([None] * cn + [next(acc) if f else None for f in f_bc]
            + [next(ct_init) if f else None for f in f_carry])


def _stage_lt(carry_avals: list) -> Jaxpr:
    """cond(limit; j, carry...) = j < limit, as a loop condition taking one const."""
    i32 = ShapedArray((), np.dtype(np.int32))
    return stage_closed(lambda limit, *carry: [E.lt(carry[0], limit)], [i32, i32] +
                        list(carry_avals))


while_p = Primitive(
    "while",
    kernel=_while_kernel,
    abstract_eval=_while_aval,
    jvp_full=_while_jvp,
    vjp=_VJPFromFwdBwd("while"),
    batch=_while_batch,
    multiple_results=True,
)
_REVERSE[while_p] = (_while_fwd, _while_bwd)
PRIMS["while"] = while_p


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
    nz = [t is not None and _is_float(a) for t, a in zip(op_t, avals)]
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
    ops = [_to_front(v, d) for v, d in zip(vals[1:], dims[1:])]
    in_b = [d is not None for d in dims[1:]]
    n_out = len(branches[0].outvars)
    if dims[0] is None:
        force = [False] * n_out
        for br in branches:
            force = [a or b for a, b in zip(force, batch_jaxpr(br, in_b, size, force)[1])]
        new = tuple(batch_jaxpr(br, in_b, size, force)[0] for br in branches)
        outs = bind_control(cond_p, [vals[0]] + ops, dict(branches=new))
        return outs, [0 if b else None for b in force]
    index = _to_front(vals[0], dims[0])
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
    f_in, f_out = [_is_float(a) for a in avals], [_is_float(a) for a in out_avals]
    n = len(ops)
    cache = _cache(branches[0])
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
    vjp=_VJPFromFwdBwd("cond"),
    batch=_cond_batch,
    multiple_results=True,
)
_REVERSE[cond_p] = (_cond_fwd, _cond_bwd)
PRIMS["cond"] = cond_p
