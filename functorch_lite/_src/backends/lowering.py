"""jit's back end: lower an optimised jaxpr to the source of a plain Python function of ``xp``
calls, which the user can read (``jitted.lower(*args).as_text()``) and step through in pdb.
"""
from __future__ import annotations

import linecache
from collections.abc import Callable
from typing import Any

import numpy as np

from ..ir import Jaxpr, Literal, Var, format_param, name_vars


def _literal_source(v: Literal) -> str:
    val = v.val
    if isinstance(val, np.generic):
        if val.dtype.kind == "b":
            return repr(bool(val))
        if val.dtype.kind == "f":  # the shortest digits that give back this float32/64
            if not np.isfinite(val):  # inf/nan have no literal: spell them as strings
                return f"xp.{val.dtype.name}({str(val.item())!r})"
            return f"xp.{val.dtype.name}({np.format_float_positional(val, unique=True, trim='0')})"
        return f"xp.{val.dtype.name}({val.item()!r})"
    if isinstance(val, (float, complex)) and not np.isfinite(val):
        return f"{type(val).__name__}({str(val)!r})"  # repr gives bare inf/nan: not Python
    return repr(val)


class _Params:
    """Turns params into source: repr where it round-trips, else a named global."""

    def __init__(self, namespace: dict):
        self.namespace = namespace

    def source(self, value: Any) -> str:
        if isinstance(value, np.dtype):
            return f"xp.{value.name}"
        if value is None or isinstance(value, (bool, int, float, str)):
            return repr(value)
        if isinstance(value, tuple):
            inner = ", ".join(self.source(v) for v in value)
            return f"({inner}{',' if len(value) == 1 else ''})"
        name = f"_param{len(self.namespace)}"
        self.namespace[name] = value
        return name


_counter = [0]


# Primitives whose kernels always return a new array that nothing else references: their
# outputs are buffers the generated code owns (with elementwise ufuncs, detected by kernel).
_FRESH = {"dot_general", "select", "log_softmax", "reduce_sum", "reduce_max", "reduce_min"}


def _reuse_plan(jaxpr: Jaxpr, xp: Any, donated: frozenset) -> dict:
    """{equation index: operand position} for elementwise ufunc equations that may write their
    result into that operand's buffer (numpy ``out=``): an owned buffer (one this code made, or
    a donated argument) of the output's shape and dtype that no variable reads afterwards
    (views included: a variable made by anything but an owning primitive may alias any of its
    operands). Fresh 400 KB temporaries cost cache misses on every pass; in place they stay hot.
    """
    owned: set = {v for i, v in enumerate(jaxpr.invars) if i in donated}
    aliases: dict = {}  # var -> the owned buffers it may share memory with
    last_use: dict = {}
    ufunc_eqns = []
    for i, eqn in enumerate(jaxpr.eqns):
        for v in eqn.invars:
            if isinstance(v, Var):
                for root in aliases.get(v, (v,)):
                    last_use[root] = i
        impl = eqn.prim.impl_for(xp)
        is_ufunc = isinstance(impl, np.ufunc) and not eqn.prim.multiple_results
        if is_ufunc:
            ufunc_eqns.append(i)
        if is_ufunc or eqn.prim.name in _FRESH:
            for v in eqn.outvars:
                owned.add(v)
        else:
            roots = {r for v in eqn.invars if isinstance(v, Var) for r in aliases.get(v, (v,))}
            for v in eqn.outvars:
                aliases[v] = roots
    for v in jaxpr.outvars:
        if isinstance(v, Var):
            for root in aliases.get(v, (v,)):
                last_use[root] = len(jaxpr.eqns)
    plan = {}
    for i in ufunc_eqns:
        eqn = jaxpr.eqns[i]
        out = eqn.outvars[0].aval
        if not out.shape:  # (numpy gives 0-d results as scalars: no buffer to write into)
            continue
        for k, v in enumerate(eqn.invars):
            if (isinstance(v, Var) and v in owned and v not in aliases and last_use.get(v) == i
                    and v.aval.shape == out.shape and v.aval.dtype == out.dtype):
                plan[i] = k
                break
    return plan


def lower(jaxpr: Jaxpr, xp: Any, name: str = "jitted",
          donated: frozenset = frozenset()) -> tuple[Callable, str, list]:
    """Return (function, its source, its constants). The function takes the jaxpr's constants
    followed by its arguments, all as raw ``xp`` arrays, and returns a tuple of raw arrays.
    Elementwise results are written into dead buffers the function owns; ``donated`` lists
    argument positions (after the constants) whose buffers it may overwrite too."""
    names = name_vars(jaxpr)
    namespace: dict[str, Any] = {"xp": xp}
    params = _Params(namespace)
    reuse = _reuse_plan(jaxpr, xp, donated)

    def atom(v: Any) -> str:
        return _literal_source(v) if isinstance(v, Literal) else names[v]

    args = [names[v] for v in jaxpr.constvars + jaxpr.invars]
    lines = [f"def {name}({', '.join(args)}):"]
    if jaxpr.constvars:
        consts = ", ".join(names[v] for v in jaxpr.constvars)
        lines.append(f"    # constants captured while tracing: {consts}")
    for i, eqn in enumerate(jaxpr.eqns):
        ins = [atom(v) for v in eqn.invars]
        expr = None
        if i in reuse:  # into the buffer of an operand nothing reads afterwards
            ufunc = eqn.prim.impl_for(xp).__name__
            expr = f"xp.{ufunc}({', '.join(ins)}, out={ins[reuse[i]]})"
        elif eqn.prim.emit is not None:
            expr = eqn.prim.emit(ins, eqn.params, [v.aval for v in eqn.invars])
        if expr is None:
            kernel = f"{eqn.prim.name}_kernel"
            namespace[kernel] = eqn.prim.impl_for(xp)
            kw = "".join(f", {k}={params.source(p)}" for k, p in eqn.params.items())
            expr = f"{kernel}({', '.join(ins)}{kw})"
        outs = ", ".join(names[v] for v in eqn.outvars)
        if eqn.prim.multiple_results:
            outs += "," if len(eqn.outvars) == 1 else ""
        avals = " ".join(v.aval.str_short() for v in eqn.outvars)
        lines.append(f"    {outs} = {expr}  # {avals}")
    outs = ", ".join(atom(v) for v in jaxpr.outvars)
    lines.append(f"    return ({outs}{',' if len(jaxpr.outvars) == 1 else ''})")
    source = "\n".join(lines) + "\n"
    # Register the source with linecache so tracebacks and pdb show the generated lines.
    _counter[0] += 1
    filename = f"<functorch_lite jit {name} #{_counter[0]}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)
    return namespace[name], source, jaxpr.consts


def describe_params(params: dict) -> str:
    return " ".join(f"{k}={format_param(v)}" for k, v in params.items())


__all__ = ["lower", "Var"]
