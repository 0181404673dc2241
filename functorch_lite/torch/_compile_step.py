"""``torch.compile`` of a whole training step: forward, loss, ``backward()`` and the optimizer's
``step()`` staged into ONE generated function.

A function that refers to Modules and optimizers changes state by side effect: it rebinds
parameters, creates and accumulates ``.grad`` tensors, and updates (or, on the first step,
creates) optimizer state. To stage it, every tensor it may read or write is a *slot*: each
parameter and buffer of the referenced Modules, each parameter's ``.grad``, and each tensor of
the optimizers' ``state``. While tracing, each slot's tensor holds a tracer; the function runs
once as Python (autograd's tape, ``backward()`` and the update all work on tracers); what each
slot holds afterwards is an output of the program, and the Python objects are restored
exactly. Every later call with the same key runs only the generated code and writes each
output back into its slot: parameters and old state tensors are rebound in place (``_set_value``,
so the objects users hold stay the same), new ``.grad`` and state tensors are created where the
traced call created them.

The buffers the program replaces (old parameters, old optimizer state, old gradients) are
donated to it: the generated code writes its elementwise updates into them (numpy ``out=``)
rather than into fresh arrays, like a hand-written in-place update. A buffer is only donated
when nothing outside the slot holds it (reference counts, as for the eager optimizers in
``optim/_inplace.py``); otherwise the program gets a private copy.

What cannot be staged makes the step fall back to running as Python with its Modules
compiled (``_compile.CompiledFunction``): Python control flow on tensor values, ``.item()``,
random draws, tensors made from host data (a DataLoader iterated inside, ``torch.tensor``),
optimizer hooks, LR schedulers stepped inside the function, an optimizer whose
update needs a concrete value (none of the built-in ones), Module attributes or optimizer
hyper-parameters changed by the call, a tensor argument changed in place. The reason is kept in
``lowered_text()``.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from .._src.array import Array
from .._src.backends.lowering import lower
from .._src.core import ShapedArray, Tracer
from .._src.interpreters.staging import trace_to_jaxpr
from .._src.ir import optimize
from .._src.jit import _identifier, _wrap_out
from .._src.tree_util import tree_flatten, tree_unflatten
from . import _autograd as AG
from . import _engine
from ._creation import HOST_DATA
from ._func_modules import _module_slots
from ._tensor import MUTATION_LOGS, Tensor
from .func import _rng_token
from .optim import _inplace

_TENSOR_FIELDS = ("_data", "_graph", "_tracer", "_fn", "_rg", "_grad", "_vc", "_gen", "_hooks")


class _Fallback(Exception):
    """What cannot be staged (the message says why): a whole step then runs as Python with
    its Modules compiled; a Module's or a pure function's key then runs eagerly."""


class _Snapshot:
    """Everything a traced call may change, to put back exactly: the fields of every tensor
    involved, the Modules' registries, and the optimizers' state dicts."""

    def __init__(self, tensors: list, modules: list, optimizers: list):
        self.tensors = [(t, tuple(getattr(t, f) for f in _TENSOR_FIELDS),
                         None if t._vc is None else t._vc[0]) for t in tensors]
        self.registries = [(d, dict(d)) for m in modules for sub in m.modules()
                           for d in (sub._parameters, sub._buffers, sub._modules)]
        self.training = [(sub, sub.training) for m in modules for sub in m.modules()]
        self.states = [(o.state, dict(o.state),
                        [(st, dict(st)) for st in o.state.values()]) for o in optimizers]
        self.groups = [(g, dict(g)) for o in optimizers for g in o.param_groups]

    def restore(self) -> None:
        for t, fields, vc in self.tensors:
            for f, v in zip(_TENSOR_FIELDS, fields):
                setattr(t, f, v)
            if vc is not None:
                t._vc[0] = vc
        for d, saved in self.registries:
            d.clear()
            d.update(saved)
        for m, flag in self.training:
            m.training = flag
        for state, outer, inner in self.states:
            for st, saved in inner:
                st.clear()
                st.update(saved)
            state.clear()
            state.update(outer)
        for g, saved in self.groups:
            g.clear()
            g.update(saved)

    def unchanged_python_state(self) -> str | None:
        """Why the traced call changed something that a replay cannot repeat, or None."""
        for d, saved in self.registries:
            if d.keys() != saved.keys() or any(d[k] is not saved[k] for k in d):
                return "it assigned a Module attribute (a parameter, buffer or submodule)"
        for m, flag in self.training:
            if m.training != flag:
                return "it switched a Module between train() and eval()"
        for g, saved in self.groups:
            if any(k != "params" and g.get(k) != v for k, v in saved.items()):
                return "it changed an optimizer hyper-parameter (an LR scheduler's step?)"
        return None


class _Entry:
    __slots__ = ("fallback", "fn", "consts", "source", "donate", "plan", "n_out",
                 "out_tree", "is_value", "statics")

    def __init__(self) -> None:
        self.fallback = ""
        self.source = ""


def _params_of(modules: list, optimizers: list) -> list:
    seen: dict = {}
    for m in modules:
        for _, _, t in _module_slots(m).values():
            if t is not None:
                seen.setdefault(id(t), t)
    for o in optimizers:
        for g in o.param_groups:
            for p in g["params"]:
                seen.setdefault(id(p), p)
    return list(seen.values())


def _opt_tensors(optimizers: list) -> list:
    """(optimizer, parameter, name, tensor) for every tensor in the optimizers' state."""
    out = []
    for o in optimizers:
        for p, st in o.state.items():
            for name, v in st.items():
                if isinstance(v, Tensor):
                    out.append((o, p, name, v))
                elif not isinstance(v, (int, float, bool, str, type(None))):
                    raise _Fallback(f"optimizer state {name!r} holds a {type(v).__name__}")
    return out


def _aval_key(t: Tensor) -> tuple:
    d = t._data
    if type(d) is not Array or not isinstance(d._value, (np.ndarray, np.generic)):
        raise _Fallback("a tensor is not a numpy-backed array (a GPU tensor, or a tracer)")
    return (d._value.shape, d._value.dtype.str, t._rg)


def _hashable(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        return tuple(_hashable(x) for x in v)
    if isinstance(v, Tensor):
        return ("tensor", _aval_key(v), float(v._data._value.reshape(-1)[0]))
    hash(v)
    return v


class StepCompiler:
    """Compiles a training-step function as one program (see the module docstring)."""

    def __init__(self, fn: Callable, name: str):
        self.fn = fn
        self.name = name
        self._cache: dict = {}
        self._structure: Any = None
        self.last: _Entry | None = None

    # -- the state a call reads and writes ------------------------------------------------
    def _params(self, modules: list, optimizers: list) -> tuple[list, list]:
        """(parameters and buffers, every submodule), re-collected only when the Modules'
        registries or the optimizers' groups changed (identity checks: this runs every call)."""
        ids = (tuple(map(id, modules)), tuple(map(id, optimizers)),
               tuple(id(g) for o in optimizers for g in o.param_groups))  # add_param_group
        c = self._structure
        if c is not None and c[0] == ids and all(
                tuple(map(id, d.values())) == vals for d, vals in c[1]) and all(
                tuple(map(id, g["params"])) == vals for g, vals in c[2]):
            return c[3], c[4]
        subs = list({id(sub): sub for m in modules for sub in m.modules()}.values())
        registries = [(d, tuple(map(id, d.values()))) for sub in subs
                      for d in (sub._parameters, sub._buffers, sub._modules)]
        groups = [(g, tuple(map(id, g["params"]))) for o in optimizers for g in o.param_groups]
        params = _params_of(modules, optimizers)
        self._structure = (ids, registries, groups, params, subs)
        return params, subs

    def _slots(self, modules: list, optimizers: list) -> tuple[list, Any]:
        """(slots, key part): each slot is ("t", tensor) for a parameter/buffer, ("g", param)
        for a parameter's .grad, ("s", optimizer, param, name) for an optimizer state tensor."""
        from .optim import optimizer as optim_base

        if optim_base._global_step_pre_hooks or optim_base._global_step_post_hooks or any(
                o._optimizer_step_pre_hooks or o._optimizer_step_post_hooks for o in optimizers):
            raise _Fallback("an optimizer has step hooks")
        params, subs = self._params(modules, optimizers)
        slots: list = [("t", t) for t in params]
        key: list = [(id(t), _aval_key(t)) for t in params]
        for p in params:
            if p._grad is not None:
                slots.append(("g", p))
                key.append(("g", id(p), _aval_key(p._grad)))
        for o, p, name, t in _opt_tensors(optimizers):
            slots.append(("s", o, p, name))
            key.append(("s", id(o), id(p), name, _aval_key(t)))
        for o in optimizers:
            key.append(("state", id(o), tuple(
                (id(p), tuple((k, v) for k, v in st.items() if not isinstance(v, Tensor)))
                for p, st in o.state.items())))
            for g in o.param_groups:
                hyper = tuple((k, v) for k, v in g.items() if k != "params")
                if any(isinstance(v, (Tensor, list)) for _, v in hyper):
                    hyper = _hashable(hyper)
                key.append(hyper)
        key.append(tuple(m.training for m in subs))
        key.append(AG._mode.enabled)
        return slots, tuple(key)

    @staticmethod
    def _tensor_of(slot: tuple) -> Tensor:
        if slot[0] == "t":
            return slot[1]
        if slot[0] == "g":
            return slot[1]._grad
        return slot[1].state[slot[2]][slot[3]]

    # -- calling ----------------------------------------------------------------------------
    def __call__(self, modules: list, optimizers: list, args: tuple, kwargs: dict) -> Any:
        """The step's result, or raises _Fallback (before any state changed)."""
        slots, skey = self._slots(modules, optimizers)
        leaves, treedef = tree_flatten((args, kwargs))
        akey = []
        for x in leaves:
            if isinstance(x, Tensor):
                akey.append(_aval_key(x))
            else:
                try:
                    hash(x)
                except TypeError:
                    raise _Fallback(f"a {type(x).__name__} argument is not hashable") from None
                akey.append(("static", type(x), x))
        key = (treedef, tuple(akey), skey)
        entry = self._cache.get(key)
        if entry is None:
            entry = self._cache[key] = self._compile(slots, modules, optimizers, leaves,
                                                     treedef)
        self.last = entry
        if entry.fallback:
            raise _Fallback(entry.fallback)
        tensors = [self._tensor_of(s) for s in slots] + [x for x in leaves
                                                         if isinstance(x, Tensor)]
        raw = []
        for k, t in enumerate(tensors):
            # The program writes into the donated buffers: only ones that no one else holds
            # (no clone, detach() or state_dict() sharing them, no numpy view); else a copy.
            if k in entry.donate and _inplace._probe(t) != _inplace._BASELINE:
                raw.append(t._data._value.copy())
            else:
                raw.append(t._data._value)
        del tensors, t
        outs = entry.fn(*entry.consts, *raw)
        del raw
        with AG.no_grad():
            for action in entry.plan:
                _apply(action, outs)
        values = iter([Tensor._from_value(_wrap_out(o)) for o in outs[:entry.n_out]])
        statics = iter(entry.statics)
        return tree_unflatten(entry.out_tree, [next(values) if v else next(statics)
                                               for v in entry.is_value])

    # -- tracing ----------------------------------------------------------------------------
    def _compile(self, slots: list, modules: list, optimizers: list, leaves: list,
                 treedef: Any) -> _Entry:
        entry = _Entry()
        tensors = [self._tensor_of(s) for s in slots]
        arg_pos = [i for i, x in enumerate(leaves) if isinstance(x, Tensor)]
        inputs = tensors + [leaves[i] for i in arg_pos]
        avals = [ShapedArray(t._data.shape, t._data.dtype) for t in inputs]
        params = [s[1] for s in slots if s[0] == "t"]
        involved = list({id(t): t for t in inputs + params}.values())
        for i in arg_pos:
            x = leaves[i]
            if x._rg or x._graph is not None or any(x is t for t in involved[:len(tensors)]):
                # The program would see a detached copy: no gradient would reach it, and a
                # parameter passed in would not be the parameter the step updates.
                entry.fallback = ("a tensor argument requires grad (or is a parameter, buffer "
                                  "or state tensor of the step): its gradient would be lost")
                entry.source = f"# runs as Python, its Modules compiled: {entry.fallback}\n"
                return entry
        snap = _Snapshot(involved, modules, optimizers)
        n_slots = len(slots)
        box: dict = {}

        def pure(*vals: Any) -> list:
            for t, v in zip(tensors, vals):
                t._data = v
            full = list(leaves)
            for i, v in zip(arg_pos, vals[n_slots:]):
                full[i] = Tensor._from_value(v)
            args, kwargs = tree_unflatten(treedef, full)
            out = self.fn(*args, **kwargs)
            if any(full[i]._data is not v for i, v in zip(arg_pos, vals[n_slots:])):
                raise _Fallback("it changes a tensor argument in place")
            why = snap.unchanged_python_state()
            if why is not None:
                raise _Fallback(why)
            out_leaves, entry.out_tree = tree_flatten(out)
            entry.is_value = [isinstance(o, Tensor) for o in out_leaves]
            entry.statics = [o for o in out_leaves if not isinstance(o, Tensor)]
            for o in entry.statics:
                if not (o is None or isinstance(o, (int, float, bool, str))):
                    raise _Fallback(f"it returns a {type(o).__name__}")
            if any(isinstance(o, Tensor) and o._graph is not None and not o._graph.freed
                   for o in out_leaves):
                raise _Fallback("it returns a tensor whose autograd graph is still live "
                                "(backward() called outside the step)")
            results = [o._data for o in out_leaves if isinstance(o, Tensor)]
            entry.n_out = len(results)
            box["plan"] = self._plan(slots, tensors, vals, params, optimizers, results)
            # the tensors the plan writes back (created .grad and optimizer state included)
            box["known"] = {
                id(p._grad) for p in params} | {
                id(t) for o in optimizers for st in o.state.values() for t in st.values()}
            return results

        from .optim import optimizer as optim_base

        known_optimizers = {id(o) for o in optimizers}

        def unknown_optimizer(opt: Any, args: Any, kwargs: Any) -> None:
            # An optimizer found only through an attribute or a container: its state is no
            # slot, so its update would leak tracers into it. Refuse before it changes.
            if id(opt) not in known_optimizers:
                raise _Fallback(f"it steps a {type(opt).__name__} that it reaches only through "
                                "an attribute or a container (keep optimizers in locals, "
                                "globals or arguments)")

        slot_params = {id(p) for p in params}
        accumulate = _engine.accumulate_grad

        def accumulate_into_slot(t: Any, g: Any) -> None:
            # A tensor read from a closure or global that requires grad is a constant of the
            # program: its .grad could not be written back (and would hold a tracer).
            if id(t) not in slot_params:
                raise _Fallback("backward() reaches a tensor that requires grad but is no "
                                "parameter of the Modules and optimizers it refers to; pass "
                                "it to an optimizer, or refer to its Module in the step")
            accumulate(t, g)

        hook_key = object()
        optim_base._global_step_pre_hooks[hook_key] = unknown_optimizer
        _engine.accumulate_grad = accumulate_into_slot
        mutated: dict = {}
        MUTATION_LOGS.append(mutated)
        before, host_before = _rng_token(), HOST_DATA[0]
        try:
            jaxpr, _ = trace_to_jaxpr(pure, avals)
        except _Fallback as e:
            entry.fallback = str(e)
        except Exception as e:  # anything the staging cannot follow
            entry.fallback = f"{type(e).__name__}: {e}"
        finally:
            MUTATION_LOGS.pop()
            _engine.accumulate_grad = accumulate
            del optim_base._global_step_pre_hooks[hook_key]
            snap.restore()
        # Tensors that are no slot but were changed in place (a Module reached through a
        # helper's closure or an attribute: BatchNorm's running statistics; a global tensor):
        # the program cannot write them back, and they hold tracers now. Put them back and
        # run as Python. (Temporaries made and changed inside the step are held by no one.)
        known = box.get("known", set()) | {id(t) for t in involved}
        base = _refcounts([(Tensor._from_value(Array(np.zeros(1))), None)])[0]
        entries = [e for e in mutated.values() if id(e[0]) not in known]
        stray = [e for e, n in zip(entries, _refcounts(entries)) if n > base]
        del entries
        for t, old in stray:
            if not isinstance(old, Tracer):
                t._data = old
        if stray and not entry.fallback:
            entry.fallback = ("it changes in place a tensor that is no parameter, buffer or "
                              "optimizer state of the Modules and optimizers it refers to (a "
                              "Module reached only through a helper or an attribute, a global "
                              "tensor); refer to such Modules in the step itself")
        if not entry.fallback and _rng_token() != before:
            entry.fallback = "it draws random numbers (Dropout in training mode, torch.rand...)"
        if not entry.fallback and HOST_DATA[0] != host_before:
            entry.fallback = ("it makes tensors from host data (a DataLoader's batches, "
                              "torch.tensor/from_numpy), which the program would freeze; pass "
                              "the batch as an argument")
        if entry.fallback:
            entry.source = f"# runs as Python, its Modules compiled: {entry.fallback}\n"
            return entry
        entry.plan, written = box["plan"]
        entry.donate = frozenset(written)
        jaxpr = optimize(jaxpr)
        entry.fn, entry.source, entry.consts = lower(jaxpr, np, _identifier(self.name),
                                                     donated=entry.donate)
        return entry

    def _plan(self, slots: list, tensors: list, vals: tuple, params: list, optimizers: list,
              results: list) -> tuple[list, set]:
        """Where each new value goes after a call (appending the values to ``results``), and
        which inputs (slot positions) the call replaces."""
        plan: list = []
        written: set = set()
        pos_of = {id(t): k for k, t in enumerate(tensors)}

        def emit(value: Any) -> int:
            results.append(value)
            return len(results) - 1

        for k, (slot, t) in enumerate(zip(slots, tensors)):
            if slot[0] == "g":
                continue  # below, with the parameter's grad as it ends
            if slot[0] == "s":
                o, p, name = slot[1:]
                now = o.state.get(p, {}).get(name)
                if now is not t:
                    raise _Fallback(f"the optimizer replaced its state tensor {name!r}")
            if t._data is not vals[k]:
                if slot[0] == "s":  # looked up at each call: load_state_dict() replaces it
                    plan.append(("state_set", slot[1], slot[2], slot[3], emit(t._data)))
                else:
                    plan.append(("set", t, emit(t._data)))
                written.add(k)
        for p in params:
            g = p._grad
            k = next((k for k, s in enumerate(slots) if s[0] == "g" and s[1] is p), None)
            if g is None:
                if k is not None:
                    plan.append(("grad_none", p))
                continue
            if k is not None and g is tensors[k]:
                if g._data is not vals[k]:
                    plan.append(("grad_set", p, emit(g._data)))
                    written.add(k)
                continue
            if id(g) in pos_of and pos_of[id(g)] != k:
                raise _Fallback("a .grad is another tracked tensor")
            plan.append(("grad_new", p, g._rg, emit(g._data)))
            if k is not None:
                written.add(k)
        for o in optimizers:
            for p, st in o.state.items():
                for name, t in st.items():
                    if isinstance(t, Tensor) and id(t) not in pos_of:
                        plan.append(("state_new", o, p, name, emit(t._data)))
        return plan, written

    def lowered_text(self) -> str:
        return "" if self.last is None else self.last.source


def _apply(action: tuple, outs: tuple) -> None:
    kind = action[0]
    if kind == "set":
        action[1]._set_value(_wrap_out(outs[action[2]]))
    elif kind == "state_set":
        _, o, p, name, pos = action
        o.state[p][name]._set_value(_wrap_out(outs[pos]))
    elif kind == "grad_none":
        action[1]._grad = None
    elif kind == "grad_set":
        action[1]._grad._set_value(_wrap_out(outs[action[2]]))
    elif kind == "grad_new":
        g = Tensor._from_value(_wrap_out(outs[action[3]]))
        if action[2]:
            g.requires_grad_(True)
        action[1]._grad = g
    else:  # state_new
        _, o, p, name, pos = action
        o.state.setdefault(p, {})[name] = Tensor._from_value(_wrap_out(outs[pos]))


def _refcounts(entries: list) -> list:
    """Reference counts of the tensors in (tensor, old value) pairs, compared with that of a
    tensor held only by such a pair, measured the same way."""
    return [sys.getrefcount(t) for t, _ in entries]

