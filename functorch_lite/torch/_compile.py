"""``torch.compile`` through the core's staging and lowering (the machinery of ``fl.jit``).

* A Module: its forward is staged as a pure function of (parameters, buffers, inputs) and
  lowered to generated numpy code, once per key (input shapes/dtypes/static values, the
  parameters' shapes/dtypes and requires_grad, every submodule's training flag, grad mode).
  Each call re-reads the module's current tensors, so optimizer updates are seen. When
  autograd needs it, the forward and its backward are staged together and split into two
  generated functions (forward + residuals, and backward); the call is recorded as ONE op on
  the facade's tape whose VJP runs the compiled backward. Buffers changed by the forward
  (BatchNorm's running statistics) are outputs of the compiled code, written back afterwards.
* A function that uses Modules (a training step: forward, loss, ``backward()``,
  ``optimizer.step()``): run as Python with each Module it refers to compiled (torch's
  ``fullgraph=False`` behaviour with a graph break around the stateful parts): the optimizer
  runs eagerly. Any other function is compiled whole, as a pure function of its arguments.
* Whatever cannot be staged (Python control flow on tensor values, ``.item()``, random draws
  such as Dropout in training mode) is a graph break: that key runs eagerly (a warning says
  why), or raises with ``fullgraph=True``.

See docs/facade_func.md.
"""
from __future__ import annotations

import functools
import types
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from .._src.array import Array
from .._src.backends.lowering import lower
from .._src.core import EVAL, ShapedArray, _state
from .._src.interpreters.staging import trace_to_jaxpr
from .._src.ir import Jaxpr, Literal, Var, optimize
from .._src.jit import _identifier, _wrap_out
from .._src.tree_util import tree_flatten, tree_unflatten
from . import _autograd as AG
from ._compile_step import StepCompiler
from ._compile_step import _Fallback as _GraphBreak
from ._func_modules import _module_slots
from ._tensor import Tensor
from .func import _rng_token

__all__ = ["compile"]

_MODES = (None, "default", "reduce-overhead", "max-autotune", "max-autotune-no-cudagraphs")


def compile(model: Any = None, *, fullgraph: bool = False, dynamic: bool | None = None,
            backend: Any = "inductor", mode: str | None = None, options: dict | None = None,
            disable: bool = False, **kwargs: Any) -> Any:
    """Compile a Module's forward pass, or a function, to generated numpy code through the
    core's jit (see docs/facade_func.md). ``dynamic``, ``mode``, ``options`` and any
    ``backend`` other than ``"eager"`` are accepted; ``backend="eager"`` and ``disable=True``
    return ``model`` unchanged.

    Example:
        >>> model = torch.nn.Linear(3, 2)
        >>> fast = torch.compile(model)
        >>> fast(torch.ones(4, 3)).shape
        torch.Size([4, 2])
        >>> "def Linear_forward" in fast._lowered_text()   # the code of the last call
        True
    """
    if mode not in _MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: "
                           + ", ".join(m for m in _MODES if m))
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be "
                           "specified at the same time.")
    if model is None:
        return lambda m: compile(m, fullgraph=fullgraph, dynamic=dynamic, backend=backend,
                                 mode=mode, options=options, disable=disable, **kwargs)
    if not callable(model):
        raise RuntimeError(f"torch.compile expects a Module or a callable, got "
                           f"{type(model).__name__}")
    if disable or backend == "eager":
        return model
    from .nn.modules.module import Module

    if isinstance(model, Module):
        return OptimizedModule(model, fullgraph)
    return CompiledFunction(model, fullgraph)


# ---- the compiled program of one key ------------------------------------------------------------


class _Entry:
    """One key's compiled code: ``fwd`` (no autograd) or ``fwd``/``bwd`` split for autograd;
    ``eager`` when the key hit a graph break."""

    __slots__ = ("eager", "reason", "fwd", "fwd_consts", "bwd", "bwd_consts", "n_out",
                 "n_mut", "mut_pos", "out_tree", "statics", "is_value", "diff", "source")

    def __init__(self) -> None:
        self.eager = False
        self.reason = ""
        self.bwd = None
        self.source = ""


def _split(jaxpr: Jaxpr, n_primal: int, n_fwd_out: int) -> tuple[Jaxpr, Jaxpr, int]:
    """Split a staged forward+backward program (invars: primals then cotangents; outvars:
    forward outputs then gradients) into a forward program that also returns the residuals
    the backward needs, and a backward program of (residuals, cotangents). An equation
    belongs to the backward when it depends on a cotangent."""
    ct_vars = set(jaxpr.invars[n_primal:])
    bwd_vars = set(ct_vars)
    fwd_eqns, bwd_eqns = [], []
    for eqn in jaxpr.eqns:
        if any(isinstance(v, Var) and v in bwd_vars for v in eqn.invars):
            bwd_eqns.append(eqn)
            bwd_vars.update(eqn.outvars)
        else:
            fwd_eqns.append(eqn)
    const_of = dict(zip(jaxpr.constvars, jaxpr.consts))
    needed: list = []
    seen: set = set()

    def need(v: Any) -> None:
        if isinstance(v, Var) and v not in bwd_vars and v not in const_of and v not in seen:
            seen.add(v)
            needed.append(v)

    for eqn in bwd_eqns:
        for v in eqn.invars:
            need(v)
    for v in jaxpr.outvars[n_fwd_out:]:
        need(v)

    def consts_used(eqns: list, extra: list) -> tuple[list, list]:
        used = {v for e in eqns for v in e.invars if isinstance(v, Var) and v in const_of}
        used.update(v for v in extra if isinstance(v, Var) and v in const_of)
        cvars = [v for v in jaxpr.constvars if v in used]
        return cvars, [const_of[v] for v in cvars]

    fwd_out = list(jaxpr.outvars[:n_fwd_out]) + needed
    cv, cs = consts_used(fwd_eqns, fwd_out)
    fwd = optimize(Jaxpr(cv, cs, jaxpr.invars[:n_primal], fwd_eqns, fwd_out))
    bwd_out = list(jaxpr.outvars[n_fwd_out:])
    cv, cs = consts_used(bwd_eqns, bwd_out)
    bwd = Jaxpr(cv, cs, needed + jaxpr.invars[n_primal:], bwd_eqns, bwd_out)
    return fwd, bwd, len(needed)


def _literal_or_var(v: Any) -> bool:
    return isinstance(v, (Var, Literal))


class _Compiler:
    """Compiles ``call(*args, **kwargs)`` where ``state()`` gives the tensors it reads besides
    its arguments (a module's parameters and buffers) and ``swap(wrappers)`` makes the call
    use the given tensors in their place (returning an undo function)."""

    def __init__(self, call: Callable, name: str, fullgraph: bool,
                 state: Callable[[], tuple], swap: Callable, modes: Callable[[], tuple]):
        self.call = call
        self.name = name
        self.fullgraph = fullgraph
        self.state = state
        self.swap = swap
        self.modes = modes
        self._cache: dict = {}
        self._last_key: Any = None
        self._last_entry: _Entry | None = None
        self.retrace_reasons: list[str] = []
        self._warned: set = set()

    # -- keys ---------------------------------------------------------------------------------
    def _key(self, state: list, leaves: list, treedef: Any, grad_on: bool) -> Any:
        skey = tuple((t._data.shape, t._data.dtype, grad_on and t.requires_grad)
                     for t in state)
        akey = []
        for x in leaves:
            if isinstance(x, Tensor):
                akey.append((x._data.shape, x._data.dtype, grad_on and x.requires_grad))
            else:
                try:
                    hash(x)
                except TypeError:
                    raise TypeError(
                        f"torch.compile({self.name}): a {type(x).__name__} argument must be "
                        "hashable (it is a constant of the compiled code); pass a tuple, or "
                        "tensors"
                    ) from None
                akey.append(("static", type(x), x))
        return (treedef, tuple(akey), skey, self.modes())

    # -- calling -------------------------------------------------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if _state.trace is not EVAL:  # inside a core transformation (or our own trace): inline
            return self.call(*args, **kwargs)
        state = self.state()
        leaves, treedef = tree_flatten((args, kwargs))
        grad_on = AG._mode.enabled
        key = self._key(state, leaves, treedef, grad_on)
        entry = self._cache.get(key)
        if entry is None:
            entry = self._compile(key, state, leaves, treedef)
        self._last_entry = entry
        if entry.eager:
            return self.call(*args, **kwargs)
        tensors = list(state) + [x for x in leaves if isinstance(x, Tensor)]
        raw = [t._data._value if type(t._data) is Array else _raw(t._data) for t in tensors]
        if entry.bwd is None:
            res = entry.fwd(*entry.fwd_consts, *raw)
            outs = [Tensor._from_value(_wrap_out(o)) for o in res[:entry.n_out]]
            muts = res[entry.n_out:entry.n_out + entry.n_mut]
        else:
            outs, muts = self._call_recorded(entry, tensors, raw)
        with AG.no_grad():
            for pos, new in zip(entry.mut_pos, muts):
                tensors[pos]._set_value(_wrap_out(new))
        it, st = iter(outs), iter(entry.statics)
        return tree_unflatten(entry.out_tree, [next(it) if v else next(st)
                                               for v in entry.is_value])

    def _call_recorded(self, entry: _Entry, tensors: list, raw: list) -> tuple:
        """Run the compiled forward as ONE op of the facade's tape whose VJP is the compiled
        backward (a custom tape entry, as an autograd.Function's)."""
        n_out, n_mut = entry.n_out, entry.n_mut
        diff = entry.diff
        box: dict = {}

        def fwd_flat(*primals: Any) -> tuple:
            vals = list(raw)
            for d, p in zip(diff, primals):
                vals[d] = p._value if type(p) is Array else _raw(p)
            res = entry.fwd(*entry.fwd_consts, *vals)
            box["muts"] = res[n_out:n_out + n_mut]
            return [_wrap_out(o) for o in res[:n_out]], res[n_out + n_mut:]

        def bwd_flat(residuals: Any, cts: list) -> list:
            cts_raw = [c._value if type(c) is Array else np.asarray(c) for c in cts]
            return [_wrap_out(g) for g in entry.bwd(*entry.bwd_consts, *residuals, *cts_raw)]

        call = types.SimpleNamespace(fwd_flat=fwd_flat, bwd_flat=bwd_flat)

        def op(*vals: Any) -> list:
            return _state.trace.process_custom_vjp(call, vals)

        outs = AG.apply(op, "CompiledFunctionBackward", tuple(tensors[d] for d in diff),
                        saves=AG.SAVE_NONE)
        if not isinstance(outs, tuple):
            outs = (outs,)
        return list(outs), box.get("muts", ())

    # -- tracing -------------------------------------------------------------------------------
    def _compile(self, key: Any, state: list, leaves: list, treedef: Any) -> _Entry:
        if self._cache:
            self.retrace_reasons.append(_explain(self._last_key, key))
        self._last_key = key
        entry = _Entry()
        try:
            self._trace(entry, key, state, leaves, treedef)
        except _GraphBreak as e:
            entry.eager, entry.reason = True, str(e)
        except Exception as e:  # anything the staging cannot follow: a graph break
            if self.fullgraph:
                raise
            entry.eager, entry.reason = True, f"{type(e).__name__}: {e}"
        if entry.eager:
            if self.fullgraph:
                raise RuntimeError(f"torch.compile({self.name}, fullgraph=True): cannot compile "
                                   f"the whole graph: {entry.reason}")
            if entry.reason not in self._warned:
                self._warned.add(entry.reason)
                warnings.warn(f"torch.compile({self.name}): graph break, running eagerly for "
                              f"these inputs: {entry.reason}", stacklevel=3)
        self._cache[key] = entry
        return entry

    def _pure(self, entry: _Entry, n_state: int, leaves: list, treedef: Any,
              grad_on: bool) -> Callable:
        """The call as a function of core values (state then tensor arguments), returning
        the output values then the new values of the tensors changed in place."""
        tensor_pos = [i for i, x in enumerate(leaves) if isinstance(x, Tensor)]

        def pure(*vals: Any) -> list:
            wrappers = [Tensor._from_value(v) for v in vals]
            full = list(leaves)
            for i, w in zip(tensor_pos, wrappers[n_state:]):
                full[i] = w
            args, kwargs = tree_unflatten(treedef, full)
            undo = self.swap(wrappers[:n_state])
            try:
                with AG.set_grad_enabled(grad_on):
                    out = self.call(*args, **kwargs)
            finally:
                undo()
            out_leaves, entry.out_tree = tree_flatten(out)
            entry.is_value = [isinstance(o, Tensor) for o in out_leaves]
            entry.statics = [o for o in out_leaves if not isinstance(o, Tensor)]
            for o in entry.statics:
                if not (o is None or isinstance(o, (int, float, bool, str))):
                    raise _GraphBreak(f"the output holds a {type(o).__name__}")
            entry.mut_pos = [k for k, w in enumerate(wrappers) if w._gen != 0]
            entry.n_mut = len(entry.mut_pos)
            outs = [o._data for o in out_leaves if isinstance(o, Tensor)]
            entry.n_out = len(outs)
            return outs + [wrappers[k]._data for k in entry.mut_pos]

        return pure

    def _trace(self, entry: _Entry, key: Any, state: list, leaves: list, treedef: Any) -> None:
        from .._src import api

        grad_on = AG._mode.enabled
        tensors = list(state) + [x for x in leaves if isinstance(x, Tensor)]
        avals = [ShapedArray(t._data.shape, t._data.dtype) for t in tensors]
        pure = self._pure(entry, len(state), leaves, treedef, grad_on)
        before = _rng_token()
        jaxpr, _ = trace_to_jaxpr(pure, avals)
        if _rng_token() != before:
            raise _GraphBreak("it draws random numbers (Dropout in training mode, torch.rand...)"
                              "; call .eval() or compile the parts without randomness")
        entry.diff = [k for k, t in enumerate(tensors) if grad_on and t.requires_grad and
                      t._data.dtype.kind in "fc"]
        if not entry.diff:
            jaxpr = optimize(jaxpr)
            entry.fwd, entry.source, entry.fwd_consts = lower(jaxpr, np, _identifier(self.name))
            return
        n_out, n_mut = entry.n_out, entry.n_mut
        out_avals = [v.aval for v in jaxpr.outvars[:n_out]]
        diff = entry.diff
        n_in = len(tensors)

        def fwd_bwd(*vals: Any) -> list:
            primals, cts = list(vals[:n_in]), list(vals[n_in:])

            def f_diff(*dvals: Any) -> Any:
                full = list(primals)
                for d, v in zip(diff, dvals):
                    full[d] = v
                res = pure(*full)
                return res[:n_out], res[n_out:]

            outs, pullback, muts = api.vjp(f_diff, *[primals[d] for d in diff], has_aux=True)
            grads = pullback(list(cts))
            return list(outs) + list(muts) + list(grads)

        ct_avals = [ShapedArray(a.shape, a.dtype) for a in out_avals]
        full, _ = trace_to_jaxpr(fwd_bwd, avals + ct_avals)
        full = optimize(full)
        fwd, bwd, _ = _split(full, n_in, n_out + n_mut)
        name = _identifier(self.name)
        entry.fwd, src_f, entry.fwd_consts = lower(fwd, np, name + "_forward")
        entry.bwd, src_b, entry.bwd_consts = lower(bwd, np, name + "_backward")
        entry.source = src_f + "\n" + src_b

    def lowered_text(self) -> str:
        e = self._last_entry
        if e is None:
            return ""
        return f"# graph break, runs eagerly: {e.reason}\n" if e.eager else e.source


def _raw(v: Any) -> Any:
    return v._value if isinstance(v, Array) else np.asarray(v)


def _explain(old: Any, new: Any) -> str:
    if old is None:
        return "first call"
    reasons = []
    if old[0] != new[0]:
        reasons.append("the arguments' structure changed")
    elif old[1] != new[1]:
        for k, (a, b) in enumerate(zip(old[1], new[1])):
            if a != b:
                reasons.append(f"argument leaf {k} changed from {_fmt(a)} to {_fmt(b)}")
    if old[2] != new[2]:
        reasons.append("a parameter or buffer changed shape, dtype or requires_grad")
    if old[3] != new[3]:
        reasons.append("a module switched between train() and eval() (or grad mode changed)")
    return "; ".join(reasons) or "a new combination of previously seen inputs"


def _fmt(k: Any) -> str:
    if k[0] == "static":
        return repr(k[2])
    return f"{np.dtype(k[1]).name}{list(k[0])}" + (" requiring grad" if k[2] else "")


# ---- Modules ------------------------------------------------------------------------------------


def _module_compiler(mod: Any, fullgraph: bool, with_hooks: bool = True) -> _Compiler:
    cache: dict = {}

    def state() -> tuple:
        # Re-read every call (optimizer updates rebind the tensors, the user may assign new
        # ones); the traversal is cached while the module tree and its registries keep their
        # shape, which a cheap identity check confirms.
        slots = cache.get("slots")
        if slots is not None and all(registry.get(attr) is t for registry, attr, t in slots) \
                and all(len(d) == n for d, n in cache["sizes"]) \
                and all(tuple(d.values()) == kids for d, kids in cache["children"]):
            return cache["state"]
        slots = list(_module_slots(mod).values())
        seen: dict = {}
        for _, _, t in slots:
            if t is not None and id(t) not in seen:
                seen[id(t)] = t
        cache["slots"] = slots
        cache["sizes"] = [(d, len(d)) for m in mod.modules()
                          for d in (m._parameters, m._buffers)]
        cache["children"] = [(m._modules, tuple(m._modules.values())) for m in mod.modules()]
        cache["mods"] = list(mod.modules())
        cache["state"] = tuple(seen.values())
        return cache["state"]

    def swap(wrappers: list) -> Callable:
        slots = _module_slots(mod)
        originals = []
        by_id: dict = {}
        for t in state():
            by_id[id(t)] = None
        for (t_id, w) in zip(by_id, wrappers):
            by_id[t_id] = w
        for registry, attr, t in slots.values():
            if t is not None:
                originals.append((registry, attr, t))
                registry[attr] = by_id[id(t)]

        def undo() -> None:
            for registry, attr, t in originals:
                registry[attr] = t

        return undo

    def modes() -> tuple:  # (called right after state(), which refreshes the module list)
        return (AG._mode.enabled,) + tuple(m.training for m in cache["mods"])

    if with_hooks:
        call = mod.__call__
    else:  # installed as the module's forward: its __call__ runs the hooks already
        def call(*args: Any, **kwargs: Any) -> Any:
            return type(mod).forward(mod, *args, **kwargs)

    return _Compiler(call, type(mod).__name__, fullgraph, state, swap, modes)


def _make_optimized_module() -> type:
    from .nn.modules.module import Module

    class OptimizedModule(Module):
        """What ``torch.compile(module)`` returns: calls run the compiled forward; the
        original is ``_orig_mod`` (its parameters appear under that prefix, as in torch), and
        other attributes are read from it.

        Example:
            >>> fast = torch.compile(torch.nn.Linear(2, 2))
            >>> type(fast._orig_mod).__name__
            'Linear'
        """

        def __init__(self, mod: Any, fullgraph: bool = False):
            super().__init__()
            self._orig_mod = mod
            self.__dict__["_compiler"] = _module_compiler(mod, fullgraph)

        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            return self.__dict__["_compiler"](*args, **kwargs)

        forward = __call__

        def __getattr__(self, name: str) -> Any:
            try:
                return Module.__getattr__(self, name)
            except AttributeError:
                return getattr(self.__dict__["_modules"]["_orig_mod"], name)

        def _lowered_text(self) -> str:
            """The generated code that the last call ran (forward, then backward when it was
            recorded for autograd)."""
            return self.__dict__["_compiler"].lowered_text()

        @property
        def retrace_reasons(self) -> list[str]:
            return self.__dict__["_compiler"].retrace_reasons

        def cache_size(self) -> int:
            return len(self.__dict__["_compiler"]._cache)

    return OptimizedModule


@functools.cache
def _optimized_module_class() -> type:
    return _make_optimized_module()


def OptimizedModule(mod: Any, fullgraph: bool = False) -> Any:  # noqa: N802 (a class factory)
    """``torch.compile(module)``'s result (see ``compile``).

    Example:
        >>> torch.compile(torch.nn.ReLU())(torch.tensor([-1.0, 2.0]))
        tensor([0., 2.])
    """
    return _optimized_module_class()(mod, fullgraph)


# ---- functions ----------------------------------------------------------------------------------


class CompiledFunction:
    """What ``torch.compile(fn)`` returns for a function.

    A function that refers to Modules or optimizers (a training step) runs as Python with
    those Modules' forwards compiled; any other function is compiled whole as a pure function
    of its arguments (tensors it reads from globals are constants of the compiled code).

    Example:
        >>> f = torch.compile(lambda x: torch.sin(x) + 1)
        >>> f(torch.zeros(2))
        tensor([1., 1.])
    """

    def __init__(self, fn: Callable, fullgraph: bool = False):
        functools.update_wrapper(self, fn)
        self.fn = fn
        self.fullgraph = fullgraph
        self._whole = _Compiler(fn, getattr(fn, "__name__", "fn"), fullgraph, lambda: (),
                                lambda wrappers: (lambda: None), lambda: (AG._mode.enabled,))
        self._module_compilers: dict = {}
        self._stateful: bool | None = None
        self._step = StepCompiler(fn, getattr(fn, "__name__", "step"))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if _state.trace is not EVAL:
            return self.fn(*args, **kwargs)
        modules, optimizers, stateful = _referenced_state(self.fn, args, kwargs)
        if not stateful:
            return self._whole(*args, **kwargs)
        try:  # the whole step as one program
            return self._step(modules, optimizers, args, kwargs)
        except _GraphBreak as e:
            why = str(e)
        if self.fullgraph:
            raise RuntimeError(
                f"torch.compile({getattr(self.fn, '__name__', 'fn')}, fullgraph=True): cannot "
                f"compile the step as one graph: {why}; use fullgraph=False (its Modules are "
                "compiled and the rest runs as Python), or compile a pure function of tensors"
            )
        installed = []
        try:
            for m in modules:
                if "forward" in m.__dict__:
                    continue
                comp = self._module_compilers.get(id(m))
                if comp is None or comp[0] is not m:
                    comp = (m, _module_compiler(m, False, with_hooks=False))
                    self._module_compilers[id(m)] = comp
                m.__dict__["forward"] = _as_forward(comp[1])
                installed.append(m)
            return self.fn(*args, **kwargs)
        finally:
            for m in installed:
                m.__dict__.pop("forward", None)

    def _lowered_text(self) -> str:
        """The generated code of the last call: the whole function's (a training step's
        included), or each compiled Module's when the step runs as Python."""
        if self._whole._last_entry is not None and not self._module_compilers:
            return self._whole.lowered_text()
        last = self._step.last
        if last is not None and not last.fallback:
            return last.source
        if last is not None and not self._module_compilers:
            return last.source
        return "\n".join(f"# {type(m).__name__}\n{c.lowered_text()}"
                         for m, c in self._module_compilers.values())


def _as_forward(compiler: _Compiler) -> Callable:
    def forward(*args: Any, **kwargs: Any) -> Any:
        return compiler(*args, **kwargs)

    return forward


def _referenced_state(fn: Callable, args: tuple, kwargs: dict) -> tuple[list, list, bool]:
    """The Modules and optimizers that ``fn`` refers to (arguments, closure cells, globals it
    names, a bound method's self) and whether it refers to any Module or optimizer at all."""
    from .nn.modules.module import Module
    from .optim.optimizer import Optimizer

    found: list = []
    optimizers: list = []
    candidates = list(args) + list(kwargs.values())
    target = getattr(fn, "__func__", fn)
    if hasattr(fn, "__self__"):
        candidates.append(fn.__self__)
    code = getattr(target, "__code__", None)
    if code is not None:
        for cell in getattr(target, "__closure__", None) or ():
            try:
                candidates.append(cell.cell_contents)
            except ValueError:  # an empty cell (a variable not yet bound): nothing to find
                pass
        glb = getattr(target, "__globals__", {})
        candidates += [glb[n] for n in code.co_names if n in glb]
    stateful = False
    for c in candidates:
        if isinstance(c, Module):
            stateful = True
            if all(c is not m for m in found):
                found.append(c)
        elif isinstance(c, Optimizer):
            stateful = True
            if all(c is not o for o in optimizers):
                optimizers.append(c)
    return found, optimizers, stateful
