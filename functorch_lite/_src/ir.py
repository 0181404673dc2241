"""The IR: a jaxpr-like program of equations over variables, its printer, and the optimisation
passes run before jit lowers it (simplification, common-subexpression and dead-code elimination).
"""
from __future__ import annotations

import keyword
from typing import Any

import numpy as np

from . import dtypes
from .core import Primitive, ShapedArray


class Var:
    __slots__ = ("aval",)

    def __init__(self, aval: ShapedArray):
        self.aval = aval


class Literal:
    """A scalar constant written inline in the program (a Python or 0-d numpy scalar)."""

    __slots__ = ("val", "aval")

    def __init__(self, val: Any, aval: ShapedArray):
        self.val = val
        self.aval = aval

    def __repr__(self) -> str:
        v = self.val
        if isinstance(v, (bool, np.bool_)):
            return str(bool(v))
        if isinstance(v, np.floating):
            return np.format_float_positional(v, unique=True, trim="0")
        return repr(v.item() if isinstance(v, np.generic) else v)

    def key(self) -> Any:
        return ("lit", self.aval.dtype.str, repr(self))


class Eqn:
    __slots__ = ("prim", "invars", "outvars", "params")

    def __init__(self, prim: Primitive, invars: list, outvars: list, params: dict):
        self.prim = prim
        self.invars = invars
        self.outvars = outvars
        self.params = params


class Jaxpr:
    """A closed program: ``constvars`` bound to ``consts``, ``invars`` the arguments."""

    def __init__(self, constvars, consts, invars, eqns, outvars):
        self.constvars: list[Var] = constvars
        self.consts: list[Any] = consts
        self.invars: list[Var] = invars
        self.eqns: list[Eqn] = eqns
        self.outvars: list[Var | Literal] = outvars

    def __repr__(self) -> str:
        return pretty_print(self)

    __str__ = __repr__

    @property
    def in_avals(self) -> list[ShapedArray]:
        return [v.aval for v in self.invars]

    @property
    def out_avals(self) -> list[ShapedArray]:
        return [v.aval for v in self.outvars]


# ------------------------------------------------------------------------------------------------
# Names and printing
# ------------------------------------------------------------------------------------------------

_RESERVED = {"xp", "np"}


def _names():
    letters = "abcdefghijklmnopqrstuvwxyz"
    n = 0
    while True:
        s, k = "", n
        while True:
            s = letters[k % 26] + s
            k = k // 26 - 1
            if k < 0:
                break
        n += 1
        if not keyword.iskeyword(s) and s not in _RESERVED:
            yield s


def name_vars(jaxpr: Jaxpr) -> dict[Var, str]:
    gen = _names()
    names: dict[Var, str] = {}
    for v in jaxpr.constvars + jaxpr.invars:
        names[v] = next(gen)
    for eqn in jaxpr.eqns:
        for v in eqn.outvars:
            names[v] = next(gen)
    return names


def format_param(v: Any) -> str:
    if isinstance(v, np.dtype):
        return v.name
    if isinstance(v, type) and issubclass(v, np.generic):
        return np.dtype(v).name
    if isinstance(v, Jaxpr):  # a control-flow body: indented under its equation
        return pretty_print(v).replace("\n", "\n      ")
    if isinstance(v, tuple) and v and all(isinstance(x, Jaxpr) for x in v):
        return "(" + ", ".join(format_param(x) for x in v) + ")"
    return repr(v)


def pretty_print(jaxpr: Jaxpr) -> str:
    names = name_vars(jaxpr)

    def atom(v: Any) -> str:
        if isinstance(v, Literal):  # weak Python scalars take the other operand's dtype
            return repr(v) if v.aval.weak else f"{v!r}:{v.aval.str_short()}"
        return names[v]

    def binder(v: Var) -> str:
        return f"{names[v]}:{v.aval.str_short()}"

    consts = " ".join(binder(v) for v in jaxpr.constvars)
    args = " ".join(binder(v) for v in jaxpr.invars)
    lines = [f"{{ lambda {consts}; {args}. let"]
    for eqn in jaxpr.eqns:
        lhs = " ".join(binder(v) for v in eqn.outvars)
        params = " ".join(f"{k}={format_param(p)}" for k, p in eqn.params.items())
        head = eqn.prim.name + (f"[{params}]" if params else "")
        rhs = " ".join(atom(v) for v in eqn.invars)
        lines.append(f"    {lhs} = {head} {rhs}")
    outs = ", ".join(atom(v) for v in jaxpr.outvars)
    lines.append(f"  in ({outs}{',' if len(jaxpr.outvars) == 1 else ''}) }}")
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------------
# Passes
# ------------------------------------------------------------------------------------------------


def _literal_value(v: Any) -> Any:
    return v.val if isinstance(v, Literal) else None


def _is_literal(v: Any, value: float) -> bool:
    return isinstance(v, Literal) and np.all(np.asarray(v.val) == value)


def _is_negative_zero(v: Literal) -> bool:
    return bool(np.all(np.signbit(np.asarray(v.val))))


def _is_positive_zero(v: Literal) -> bool:
    return not bool(np.any(np.signbit(np.asarray(v.val))))


def _simplify(eqn: Eqn) -> Any:
    """A variable or literal that ``eqn``'s single output equals, or None."""
    name = eqn.prim.name
    ins, out = eqn.invars, eqn.outvars[0]

    def same(v: Any) -> bool:  # forwarding v is only safe if it already has out's shape/dtype
        return v.aval.shape == out.aval.shape and v.aval.dtype == out.aval.dtype

    if name == "mul":
        for i, j in ((0, 1), (1, 0)):
            if _is_literal(ins[j], 1) and same(ins[i]):
                return ins[i]
    elif name in ("add", "sub") and out.aval.dtype.kind != "b":  # bool - x must still raise
        # x - 0.0 and x + -0.0 are x for every float, but -0.0 + 0.0 is +0.0: x + 0.0 is not x.
        zero_keeps = _is_negative_zero if name == "add" else _is_positive_zero
        if _is_literal(ins[1], 0) and same(ins[0]) and (
                out.aval.dtype.kind not in "fc" or zero_keeps(ins[1])):
            return ins[0]
        if name == "add" and _is_literal(ins[0], 0) and same(ins[1]) and (
                out.aval.dtype.kind not in "fc" or _is_negative_zero(ins[0])):
            return ins[1]
    elif name == "div":
        if _is_literal(ins[1], 1) and same(ins[0]):
            return ins[0]
    elif name == "stop_gradient":  # only matters to differentiation, which is done by now
        return ins[0]
    elif name in ("convert_element_type", "reshape", "broadcast_in_dim"):
        if same(ins[0]):
            return ins[0]
    elif name == "transpose":
        if tuple(eqn.params["permutation"]) == tuple(range(len(out.aval.shape))):
            return ins[0]
    elif name in ("reduce_sum", "reduce_max", "reduce_min"):
        if not eqn.params["axes"]:
            return ins[0]
    return None


def _param_key(params: dict) -> Any:
    items = []
    for k, v in params.items():
        if isinstance(v, np.dtype):
            v = ("dtype", v.str)
        items.append((k, v))
    key = tuple(items)
    hash(key)
    return key


# Binary elementwise primitives that broadcast their operands numpy-style.
_BROADCASTING_BINARY = {"add", "sub", "mul", "div", "max", "min", "pow", "atan2", "rem",
                        "eq", "ne", "lt", "le", "gt", "ge"}


def _uniform_constants(jaxpr: Jaxpr) -> dict[Var, Literal]:
    """Constants whose elements are all equal (a folded ``ones_like(x) / n``, say), as scalar
    literals: where an operation broadcasts anyway, the scalar serves and reads better."""
    out = {}
    for v, c in zip(jaxpr.constvars, jaxpr.consts):
        flat = np.ravel(c) if isinstance(c, (np.ndarray, np.generic)) else None
        if flat is not None and flat.size > 1 and bool(np.all(flat == flat[0])):
            out[v] = Literal(c.dtype.type(flat[0]), ShapedArray((), c.dtype))
    return out


def _use_counts(jaxpr: Jaxpr) -> dict[Var, int]:
    uses: dict[Var, int] = {}
    for v in [v for e in jaxpr.eqns for v in e.invars] + list(jaxpr.outvars):
        if isinstance(v, Var):
            uses[v] = uses.get(v, 0) + 1
    return uses


def _swapped_dot(eqn: Eqn, operand: Any, producer: dict, uses: dict) -> Eqn | None:
    """``transpose(dot_general(x, y))`` that only swaps the free-axis blocks, as the one
    ``dot_general(y, x)``: same numbers, but a contiguous result instead of a strided view
    (what reverse mode leaves for the weight of ``x @ w.T``). Elementwise ops meeting a
    transposed operand next to a contiguous one run several times slower."""
    dot = producer.get(operand)
    if dot is None or uses.get(operand, 0) != 1:
        return None
    (lc, rc), (lb, rb) = dot.params["dimension_numbers"]
    x, y = dot.invars
    nb = len(lb)
    n_lf = len(x.aval.shape) - len(lc) - nb
    n_rf = len(y.aval.shape) - len(rc) - nb
    swap = tuple(range(nb)) + tuple(range(nb + n_lf, nb + n_lf + n_rf)) + \
        tuple(range(nb, nb + n_lf))
    if not n_lf or not n_rf or tuple(eqn.params["permutation"]) != swap:
        return None
    return Eqn(dot.prim, [y, x], eqn.outvars, {"dimension_numbers": ((rc, lc), (rb, lb))})


def optimize(jaxpr: Jaxpr) -> Jaxpr:
    """Simplify algebraic identities, then CSE, then DCE. Returns a new Jaxpr."""
    subst: dict[Var, Any] = {}
    uniform = _uniform_constants(jaxpr)

    def read(v: Any) -> Any:
        while isinstance(v, Var) and v in subst:
            v = subst[v]
        return v

    seen: dict[Any, list] = {}
    eqns: list[Eqn] = []
    uses = _use_counts(jaxpr)
    producer: dict[Var, Eqn] = {}
    for eqn in jaxpr.eqns:
        invars = [read(v) for v in eqn.invars]
        if eqn.prim.name == "transpose":
            swapped = _swapped_dot(eqn, invars[0], producer, uses)
            if swapped is not None:
                eqn, invars = swapped, swapped.invars
        if uniform and eqn.prim.name in _BROADCASTING_BINARY:
            out_shape = eqn.outvars[0].aval.shape
            for i, v in enumerate(invars):
                other = invars[1 - i]
                if v in uniform and other.aval.shape == out_shape:
                    invars[i] = uniform[v]  # the other operand alone gives the output shape
        eqn = Eqn(eqn.prim, invars, eqn.outvars, eqn.params)
        if not eqn.prim.multiple_results:
            target = _simplify(eqn)
            if target is not None:
                subst[eqn.outvars[0]] = target
                continue
        try:
            key = (
                eqn.prim,
                tuple(v.key() if isinstance(v, Literal) else id(v) for v in invars),
                _param_key(eqn.params),
            )
        except TypeError:  # unhashable params: never merged
            key = None
        if key is not None and key in seen:
            for old, new in zip(eqn.outvars, seen[key]):
                subst[old] = new
            continue
        if key is not None:
            seen[key] = eqn.outvars
        if eqn.prim.name == "dot_general":
            producer[eqn.outvars[0]] = eqn
        eqns.append(eqn)
    outvars = [read(v) for v in jaxpr.outvars]

    # Dead-code elimination: keep what an output needs, walking backwards.
    live = {v for v in outvars if isinstance(v, Var)}
    kept: list[Eqn] = []
    for eqn in reversed(eqns):
        if any(v in live for v in eqn.outvars):
            kept.append(eqn)
            live.update(v for v in eqn.invars if isinstance(v, Var))
    kept.reverse()
    constvars, consts = [], []
    for v, c in zip(jaxpr.constvars, jaxpr.consts):
        if v in live:
            constvars.append(v)
            consts.append(c)
    return Jaxpr(constvars, consts, jaxpr.invars, kept, outvars)


def literal_for(value: Any) -> Literal:
    """A Literal for a Python scalar (weak) or a 0-d numpy value (strong)."""
    if dtypes.is_python_scalar(value):
        return Literal(value, ShapedArray((), dtypes.python_scalar_dtype(value), weak=True))
    value = np.asarray(value)
    return Literal(value.dtype.type(value.item()), ShapedArray((), value.dtype))
