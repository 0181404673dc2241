"""The loop primitives ``scan`` and ``while``, each carrying its body as a jaxpr (the shared
machinery, and ``cond``, are in ``control.py``).

Reverse mode goes through ``fwd``/``bwd`` functions (see ``control.bind_control``). scan's
forward pass stacks the body's residuals, found by splitting the body's joint
forward+backward program into a loop-invariant, a forward and a backward part, and its
backward pass is a reverse scan over them. while's forward pass counts the trips, and its
backward pass runs that many steps back, recomputing each step's input state from the initial
state (O(n^2) body evaluations, but it needs no stack of states whose size is known only at run
time).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..array import Array
from ..core import Primitive, ShapedArray
from ..interpreters.jvp import instantiate_zeros
from ..interpreters.reverse import vjp_flat
from ..ir import Jaxpr, Var
from . import elementwise as E
from . import reduce as R
from . import shape as S
from .control import (
    PRIMS,
    REVERSE,
    VJPFromFwdBwd,
    batch_jaxpr,
    bind_control,
    eval_jaxpr,
    is_float,
    jvp_fixpoint,
    lowered,
    permuted,
    program_cache,
    split3,
    stage_closed,
    strong,
    to_front,
    typed,
    with_unused_inputs,
)

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


def _scan_jvp(primals, tangents, out, *, jaxpr, num_consts, num_carry, **params):
    avals = jaxpr.in_avals
    nz = [t is not None and is_float(a) for t, a in zip(tangents, avals)]
    c_nz, carry_nz, x_nz = split3(nz, num_consts, num_carry)
    n_y = len(jaxpr.outvars) - num_carry
    jj, carry_nz, out_nz = jvp_fixpoint(jaxpr, c_nz, carry_nz, x_nz, n_y)
    # the JVP body's inputs: consts, carry, xs, then their tangents; reorder to
    # (consts, const tangents, carry, carry tangents, xs, x tangents)
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
    c_d, carry_d, x_d = split3(dims, num_consts, num_carry)
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
    consts, init, xs = split3(vals, num_consts, num_carry)
    consts = [to_front(v, d) for v, d in zip(consts, c_d)]
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
    cache = program_cache(jaxpr)
    if key in cache:
        return cache[key]
    in_avals, out_avals = jaxpr.in_avals, jaxpr.out_avals
    n_in, n_out = len(in_avals), len(out_avals)
    f_in = [is_float(a) for a in in_avals]
    f_out = [is_float(a) for a in out_avals]

    def joint(*args: Any) -> list:
        outs, pullback = vjp_flat(lambda *a: eval_jaxpr(jaxpr, list(a)), list(args[:n_in]))
        cts = iter(args[n_in:])
        in_cts = pullback([next(cts) if f else None for f in f_out])
        return [typed(o, a) for o, a in zip(outs, out_avals)] + [
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
    consts, init, xs = split3(leaves, nc, ncar)
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
    vjp=VJPFromFwdBwd("scan"),
    batch=_scan_batch,
    multiple_results=True,
)
REVERSE[scan_p] = (_scan_fwd, _scan_bwd)
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


def _while_jvp(primals, tangents, out, *, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    avals = body_jaxpr.in_avals
    cc, bc, init = split3(primals, cond_nconsts, body_nconsts)
    _, bt, it = split3(tangents, cond_nconsts, body_nconsts)
    bc_nz = [t is not None and is_float(a) for t, a in zip(bt, avals)]
    carry_nz = [t is not None and is_float(a) for t, a in zip(it, avals[body_nconsts:])]
    jj, carry_nz, _ = jvp_fixpoint(body_jaxpr, bc_nz, carry_nz, [], 0)
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
    cd, bd, carry_d = split3(dims, cond_nconsts, body_nconsts)
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
    cc, bc, init = split3(vals, cond_nconsts, body_nconsts)
    cc = [to_front(v, d) for v, d in zip(cc, cd)]
    bc = [to_front(v, d) for v, d in zip(bc, bd)]
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
    cache = program_cache(body_jaxpr)
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
    cc, bc, init = split3(leaves, cn, bn)
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
    f_bc = [is_float(a) for a in avals[:bn]]
    f_carry = [is_float(a) for a in avals[bn:]]
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
    vjp=VJPFromFwdBwd("while"),
    batch=_while_batch,
    multiple_results=True,
)
REVERSE[while_p] = (_while_fwd, _while_bwd)
PRIMS["while"] = while_p
