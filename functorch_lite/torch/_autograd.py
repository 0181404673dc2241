"""The facade's autograd: torch's stateful API over the core's reverse mode.

There is no second autodiff engine here. A *graph* is one core ``ReverseTrace``: facade ops on
tensors that require grad run under it, so every primitive they bind is recorded on its tape,
and ``loss.backward()`` is the core's ``reverse.backward(trace, outs, cts)`` over that tape: the
same per-primitive VJP rules that ``functorch_lite.grad`` uses.

* Leaf tensors (``requires_grad=True``, made by the user) belong to no graph. The first op of a
  graph that uses one *lifts* it: ``trace.new_leaf(value)``; ``backward`` deposits the cotangent
  that reaches that tape leaf into the tensor's ``.grad``.
* An op whose grad-requiring inputs are all leaves starts a new graph; an op over tensors of two
  graphs merges the smaller graph into the larger (its tape entries are appended, their indices
  shifted). So independent computations keep independent graphs, and a graph is freed (by
  Python's refcounting) once no tensor of it is alive: no memory carries over between training
  iterations.
* ``backward`` without ``retain_graph`` frees the graph's tape; a second ``backward`` through it
  raises torch's RuntimeError. ``create_graph=True`` replays the recorded forward ops under a
  fresh graph nested around an inner trace, so the gradients are themselves recorded (higher
  order derivatives).
* Version counters: every tensor has one (shared with its views); ops record the versions of
  the tensors torch would save, and ``backward`` raises torch's error when one was changed in
  place since.

See docs/facade_internals.md for the API that the rest of the facade builds on.
"""
from __future__ import annotations

import functools
import threading
import warnings
import weakref
from collections.abc import Callable
from typing import Any

from .._src.array import Array
from .._src.core import EVAL, _state
from .._src.interpreters.reverse import ReverseTrace, ReverseTracer

# Bit flags for which tensors an op saves for its backward (torch's choice per op; used only for
# the in-place version check).
SAVE_NONE, SAVE_INPUTS, SAVE_OUTPUT, SAVE_BOTH = 0, 1, 2, 3

Tensor: Any = None  # set by _tensor.py (the class; avoids an import cycle)


# ---- grad mode ---------------------------------------------------------------------------------

class _GradMode(threading.local):
    enabled = True


_mode = _GradMode()


def is_grad_enabled() -> bool:
    """Whether operations on tensors that require grad are being recorded (per thread).

    Example:
        >>> with torch.no_grad():
        ...     torch.is_grad_enabled()
        False
    """
    return _mode.enabled


class _GradModeContext:
    """A context manager that is also a decorator (as torch's grad-mode classes are)."""

    _target = True

    def __enter__(self) -> None:
        self._prev = _mode.enabled
        _mode.enabled = self._target

    def __exit__(self, *exc: Any) -> None:
        _mode.enabled = self._prev

    def __call__(self, func: Callable) -> Callable:
        target = self._target

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            prev = _mode.enabled
            _mode.enabled = target
            try:
                return func(*args, **kwargs)
            finally:
                _mode.enabled = prev

        return wrapper

    def clone(self) -> _GradModeContext:
        return self.__class__()


class no_grad(_GradModeContext):
    """Context manager and decorator that turns off recording: results do not require grad,
    even when the inputs do. Use it for evaluation and for updating parameters in place.

    Example:
        >>> w = torch.ones(2, requires_grad=True)
        >>> with torch.no_grad():
        ...     y = w * 2
        >>> y.requires_grad
        False
    """

    _target = False

    def __init__(self, orig_func: Callable | None = None):
        if orig_func is not None and callable(orig_func):  # used as @torch.no_grad (no parens)
            self._wrapped = self(orig_func)

    def __new__(cls, orig_func: Callable | None = None):
        self = super().__new__(cls)
        if orig_func is not None and callable(orig_func):
            return _GradModeContext.__call__(self, orig_func)
        return self


class enable_grad(_GradModeContext):
    """Context manager and decorator that turns recording back on (inside ``no_grad``).

    Example:
        >>> with torch.no_grad():
        ...     with torch.enable_grad():
        ...         torch.is_grad_enabled()
        True
    """

    _target = True


class inference_mode(_GradModeContext):
    """Like ``no_grad`` (``inference_mode(False)`` changes nothing).

    Example:
        >>> with torch.inference_mode():
        ...     torch.is_grad_enabled()
        False
    """

    def __init__(self, mode: bool = True):
        self._target = not mode if mode else _mode.enabled

    def __enter__(self) -> None:
        self._prev = _mode.enabled
        if self._target is False:
            _mode.enabled = False


class set_grad_enabled(_GradModeContext):
    """Turn recording on or off: as a function it takes effect at once; as a context manager
    or decorator it restores the previous mode afterwards.

    Example:
        >>> with torch.set_grad_enabled(False):
        ...     torch.is_grad_enabled()
        False
    """

    def __init__(self, mode: bool):
        self._prev = _mode.enabled
        self._target = bool(mode)
        _mode.enabled = bool(mode)

    def __enter__(self) -> None:
        _mode.enabled = self._target


# ---- graphs ------------------------------------------------------------------------------------

class Graph:
    """One recorded computation: a core ReverseTrace plus what the facade needs around it.

    ``leaves``: id(tensor) -> (tracer, generation) for lifted leaf tensors; ``leaf_tensors``:
    tape index -> tensor; ``saved``: version records [box, version, description, index];
    ``replay``: tape index -> the core custom function of an autograd.Function call (to replay
    it for create_graph). ``into``/``offset``: set once merged into another graph.
    """

    __slots__ = ("trace", "leaves", "leaf_tensors", "saved", "replay", "freed", "into", "offset",
                 "leaf_taps", "__weakref__")

    def __init__(self, parent: Any):
        self.trace = ReverseTrace(parent)
        self.leaves: dict[int, tuple[ReverseTracer, int]] = {}
        self.leaf_tensors: dict[int, Any] = {}
        self.saved: list = []
        self.replay: dict[int, Callable] = {}
        self.leaf_taps: dict[int, list] = {}
        self.freed = False
        self.into: Graph | None = None
        self.offset = 0

    def lift(self, t: Any) -> ReverseTracer:
        """The tracer standing for leaf tensor ``t`` in this graph (lifted on first use, and
        again if ``t`` was changed in place since)."""
        key = id(t)
        got = self.leaves.get(key)
        gen = t._gen
        if got is not None and got[1] == gen:
            return got[0]
        tracer = self.trace.new_leaf(t._data)
        self.leaves[key] = (tracer, gen)
        self.leaf_tensors[tracer.where] = t
        return tracer

    def free(self) -> None:
        self.freed = True
        self.trace.tape.clear()
        self.leaves.clear()
        self.leaf_tensors.clear()
        self.saved.clear()
        self.replay.clear()
        self.leaf_taps.clear()


def _shift(where: Any, off: int) -> Any:
    if where is None:
        return None
    if where.__class__ is int:
        return where + off
    return (where[0] + off, where[1])


def _root(g: Graph) -> tuple[Graph, int]:
    off = 0
    while g.into is not None:
        off += g.offset
        g = g.into
    return g, off


def merge(a: Graph, b: Graph) -> Graph:
    """Merge two graphs (roots) into one; returns the survivor."""
    if a is b:
        return a
    if a.trace.parent is not b.trace.parent:
        raise RuntimeError(
            "these tensors were recorded under different functorch_lite transformations (one "
            "graph began inside grad/vmap/jit, the other outside it) and cannot be combined; "
            "create them under the same transformation"
        )
    if len(a.trace.tape) < len(b.trace.tape):
        a, b = b, a
    tape = a.trace.tape
    off = len(tape)
    for prim, params, primals, out, parents in b.trace.tape:
        if parents:
            parents = tuple(_shift(p, off) for p in parents)
        tape.append((prim, params, primals, out, parents))
    for key, (tracer, gen) in b.leaves.items():
        if key not in a.leaves:
            a.leaves[key] = (ReverseTracer(a.trace, tracer.primal, tracer.where + off), gen)
    for index, t in b.leaf_tensors.items():
        a.leaf_tensors[index + off] = t
    for index, taps in b.leaf_taps.items():
        a.leaf_taps[index + off] = taps
    for rec in b.saved:
        a.saved.append([rec[0], rec[1], rec[2], rec[3] + off])
    for index, fn in b.replay.items():
        a.replay[index + off] = fn
    a.freed = a.freed or b.freed
    b.into, b.offset = a, off
    b.trace.tape = []
    b.leaves, b.leaf_tensors, b.saved, b.replay, b.leaf_taps = {}, {}, [], {}, {}
    return a


def node_of(t: Any) -> tuple[Graph, ReverseTracer]:
    """(graph, tracer) of a non-leaf tensor, following merges (and updating the tensor)."""
    g = t._graph
    if g.into is None:
        return g, t._tracer
    g, off = _root(g)
    old = t._tracer
    tracer = ReverseTracer(g.trace, old.primal, _shift(old.where, off))
    t._graph = g
    t._tracer = tracer
    return g, tracer


# ---- recording an op ---------------------------------------------------------------------------

def needs_record(args: tuple) -> bool:
    if not _mode.enabled:
        return False
    for a in args:
        if isinstance(a, Tensor) and (a._graph is not None or a._rg):
            return True
    return False


def _wrap_plain(out: Any) -> Any:
    if out.__class__ is tuple or out.__class__ is list:
        return tuple(_wrap_plain(o) for o in out)
    return Tensor._from_value(out)


def apply(fn: Callable, name: str, args: tuple, kwargs: dict | None = None,
          saves: int = SAVE_INPUTS) -> Any:
    """Run ``fn`` (a function of core values: Arrays/tracers and plain Python values) on
    ``args``, where Tensors stand for their values, and wrap the result(s) as Tensors. When grad
    mode is on and a Tensor argument requires grad, the core primitives ``fn`` binds are recorded
    in that tensor's graph and the results are non-leaf tensors with grad_fn ``name``.
    ``fn`` may return one value or a tuple/list of values (wrapped as a tuple of Tensors).
    """
    n = len(args)
    if n == 2 and not kwargs:  # the commonest case (binary ops), unrolled
        a, b = args
        ta, tb = isinstance(a, Tensor), isinstance(b, Tensor)
        if _mode.enabled and ((ta and (a._rg or a._graph is not None)) or
                              (tb and (b._rg or b._graph is not None))):
            return _record(fn, name, args, kwargs, saves)
        out = fn(a._data if ta else a, b._data if tb else b)
        if out.__class__ is tuple or out.__class__ is list:
            return _wrap_plain(out)
        return Tensor._from_value(out)
    if _mode.enabled:
        for a in args:
            if isinstance(a, Tensor) and (a._rg or a._graph is not None):
                return _record(fn, name, args, kwargs, saves)
    vals = [a._data if isinstance(a, Tensor) else a for a in args]
    out = fn(*vals, **kwargs) if kwargs else fn(*vals)
    if out.__class__ is tuple or out.__class__ is list:
        return _wrap_plain(out)
    return Tensor._from_value(out)


def graph_for(args: Any) -> Graph:
    """The graph that ops over ``args`` record into: the merge of their graphs, or a new one."""
    graph = None
    for a in args:
        if isinstance(a, Tensor) and a._graph is not None:
            g, _ = node_of(a)
            graph = g if graph is None else merge(graph, g)
    if graph is None:
        graph = Graph(_state.trace)
    return graph


def value_in(graph: Graph, a: Any) -> Any:
    """What stands for ``a`` inside ``graph``: its tracer, a lifted leaf, or its plain value."""
    if not isinstance(a, Tensor):
        return a
    if a._graph is not None:
        return node_of(a)[1]
    if a._rg:
        return graph.lift(a)
    return a._data


def _record(fn: Callable, name: str, args: tuple, kwargs: dict | None, saves: int) -> Any:
    # (graph_for and value_in, inlined: this runs for every recorded op)
    graph = None
    for a in args:
        if isinstance(a, Tensor):
            g = a._graph
            if g is not None:
                if g.into is not None:
                    g = node_of(a)[0]
                graph = g if graph is None or graph is g else merge(graph, g)
    if graph is None:
        graph = Graph(_state.trace)
    vals = []
    for a in args:
        if not isinstance(a, Tensor):
            vals.append(a)
        elif a._graph is not None:
            vals.append(a._tracer if a._graph is graph else node_of(a)[1])
        elif a._rg:
            vals.append(graph.lift(a))
        else:
            vals.append(a._data)
    trace = graph.trace
    prev = _state.trace
    _state.trace = trace
    try:
        out = fn(*vals, **kwargs) if kwargs else fn(*vals)
    finally:
        _state.trace = prev
    if out.__class__ is tuple or out.__class__ is list:
        res = tuple(wrap_out(graph, o, name, i) for i, o in enumerate(out))
        outs = res
    else:
        res = wrap_out(graph, out, name, 0)
        outs = (res,)
    if saves:
        index = len(trace.tape) - 1
        if saves & SAVE_INPUTS:
            for a in args:
                if isinstance(a, Tensor):
                    save_version(graph, a, index)
        if saves & SAVE_OUTPUT:
            for o in outs:
                if o._graph is not None:
                    save_version(graph, o, index)
    return res


def wrap_out(graph: Graph, out: Any, name: str, position: int = 0) -> Any:
    """A Tensor for core value ``out`` computed under ``graph``: non-leaf if it is one of the
    graph's tracers (it depends on a grad-requiring input), a constant otherwise."""
    if out.__class__ is ReverseTracer and out._trace is graph.trace:
        if out.where.__class__ is int and graph.trace.tape[out.where][0] is None and \
                graph.trace.tape[out.where][1] is None:
            # fn returned a lifted leaf unchanged (x.reshape(x.shape), say): a new node, so
            # that the result is a non-leaf of its own as in torch.
            out = _identity_node(graph, out)
        return Tensor._make_node(out.primal, graph, out, name)
    if out.__class__ is tuple or out.__class__ is list:
        return tuple(wrap_out(graph, o, name, i) for i, o in enumerate(out))
    return Tensor._from_value(out)


def _identity_node(graph: Graph, tracer: ReverseTracer) -> ReverseTracer:
    from .._src.prims.shape import convert_element_type_p

    prev = _state.trace
    _state.trace = graph.trace
    try:
        # a same-dtype conversion: an identity primitive with an identity VJP
        return convert_element_type_p.bind(tracer, new_dtype=tracer.dtype)
    finally:
        _state.trace = prev


def save_version(graph: Graph, t: Any, index: int) -> None:
    # Only the version box and a description: holding the tensor would make a reference cycle
    # (tensor -> graph -> tensor) that keeps the tape alive until the cyclic GC runs.
    box = t._vc
    if box is None:
        box = t._vc = [0]
    graph.saved.append([box, box[0], (t._data.shape, t._data.dtype, t._fn), index])


# ---- hooks on intermediate values (retain_grad, register_hook, autograd.grad inputs) -----------

class _TapPrim:
    """Stands in for a recorded primitive in its tape entry so that the cotangent reaching the
    entry's output(s) passes through callbacks first (the core's ``backward`` only reads
    ``vjp`` and ``multiple_results`` from the entry's primitive). Indices stay unchanged."""

    __slots__ = ("orig", "vjp", "multiple_results", "callbacks", "_memo", "name")

    def __init__(self, orig: Any):
        self.orig = orig
        self.name = orig.name
        self.multiple_results = orig.multiple_results
        self.callbacks: list = []  # (output position, callback)
        self._memo: list = [None, None]
        self.vjp = tuple(None if r is None else self._wrap(r) for r in orig.vjp)

    def _tapped(self, ct: Any) -> Any:
        memo = self._memo
        if memo[0] is ct:  # one backward calls several argument rules with the same ct
            return memo[1]
        out = run_callbacks(self.callbacks, ct, self.multiple_results)
        self._memo = [ct, out]
        return out

    def _wrap(self, rule: Callable) -> Callable:
        def tapped_rule(ct: Any, out: Any, *primals: Any, **params: Any) -> Any:
            return rule(self._tapped(ct), out, *primals, **params)

        return tapped_rule


def run_callbacks(callbacks: list, ct: Any, multiple: bool) -> Any:
    if not multiple:
        for _, cb in callbacks:
            new = cb(ct)
            if new is not None:
                ct = new
        return ct
    cts = list(ct)
    for pos, cb in callbacks:
        new = cb(cts[pos])
        if new is not None:
            cts[pos] = new
    return tuple(cts) if isinstance(ct, tuple) else cts


def add_tap(t: Any, callback: Callable) -> Callable[[], None]:
    """Call ``callback(ct)`` with the cotangent reaching non-leaf tensor ``t`` in every backward
    pass through it (a non-None return value replaces the cotangent). Returns a remover."""
    graph, tracer = node_of(t)
    where = tracer.where
    index, pos = (where, 0) if where.__class__ is int else where
    tape = graph.trace.tape
    prim, params, primals, out, parents = tape[index]
    item = (pos, callback)
    if prim is None and params is None:  # a lifted leaf: applied to the leaf cotangents
        graph.leaf_taps.setdefault(index, []).append(item)
        taps = graph.leaf_taps[index]
    elif prim is None:  # a custom entry (autograd.Function): wrap its backward callable
        custom = params
        if not isinstance(custom, _TapCustom):
            custom = _TapCustom(custom)
            tape[index] = (None, custom, primals, out, parents)
        custom.callbacks.append(item)
        taps = custom.callbacks
    else:
        if not isinstance(prim, _TapPrim):
            prim = _TapPrim(prim)
            tape[index] = (prim, params, primals, out, parents)
        prim.callbacks.append(item)
        taps = prim.callbacks

    def remove() -> None:
        if item in taps:
            taps.remove(item)

    return remove


class _TapCustom:
    __slots__ = ("orig", "callbacks")

    def __init__(self, orig: Callable):
        self.orig = orig
        self.callbacks: list = []

    def __call__(self, cts: list) -> list:
        return self.orig(run_callbacks(self.callbacks, cts, True))


def warn_nonleaf_grad() -> None:
    warnings.warn(
        "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
        "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
        "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor "
        "(before calling backward). If you access the non-leaf Tensor by mistake, make sure you "
        "access the leaf Tensor instead.",
        UserWarning,
        stacklevel=3,
    )


def weak_grad_setter(t: Any) -> Callable:
    """A tap callback that accumulates the cotangent into non-leaf ``t.grad`` (retain_grad),
    holding ``t`` weakly so the graph does not keep it alive."""
    ref = weakref.ref(t)

    def store(ct: Any) -> None:
        x = ref()
        if x is None:
            return
        g = Tensor._from_value(ct)
        x._grad = g if x._grad is None else x._grad + g

    return store


__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "inference_mode"]

_unused = (Array, EVAL)
