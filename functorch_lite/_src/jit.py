"""jit: trace once per cache key into the IR, optimise it, and lower it to a readable Python
function of numpy/cupy calls. On a cache hit only that function runs (plus argument flattening).

Under another transformation (``grad(jit(f))``, ``vmap(jit(f))``) a jitted function is inlined:
``f`` runs under the current trace, so custom rules and every transformation apply as usual.
"""
from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import dtypes
from .array import BUFFER_ALONE, Array, buffer_refs
from .backends.lowering import lower
from .config import config
from .core import EVAL, ShapedArray, Tracer, _backends_in_use, _leaked, _state
from .interpreters.staging import trace_to_jaxpr
from .ir import Jaxpr, optimize
from .tree_util import LEAF, tree_flatten, tree_unflatten


class Lowered:
    """A traced and optimised program: ``as_text()`` is the generated Python source."""

    def __init__(self, jaxpr: Jaxpr, raw_jaxpr: Jaxpr, fn: Callable, source: str,
                 out_tree: Any, name: str):
        self.jaxpr = jaxpr
        self.raw_jaxpr = raw_jaxpr
        self.fn = fn
        self.source = source
        self.out_tree = out_tree
        self.name = name
        self.consts = tuple(jaxpr.consts)
        self.donated: frozenset = frozenset()  # positions of the donated argument leaves

    def as_text(self) -> str:
        """The generated Python function that runs on every call with these shapes."""
        return self.source

    def compile(self) -> Lowered:
        return self

    def __repr__(self) -> str:
        return f"Lowered({self.name})\n{self.source}"


def _describe(value: Any) -> str:
    return f"{dtypes.short_name(value[1])}{list(value[0])}" if isinstance(value, tuple) else \
        repr(value)


class JitFunction:
    """The result of ``jit(f)``: call it like ``f``. ``retrace_reasons`` lists why each new
    trace after the first was needed; ``lower(*args).as_text()`` shows the generated code."""

    def __init__(self, fun: Callable, static_argnums: Sequence[int],
                 static_argnames: Sequence[str], donate: tuple = ((), ())):
        functools.update_wrapper(self, fun)
        self.fun = fun
        try:
            self._params = list(inspect.signature(fun).parameters.values())
        except (TypeError, ValueError):
            self._params = []
        names = [p.name for p in self._params]
        self.static_argnums, self.static_argnames = _positions_and_names(
            static_argnums, static_argnames, names)
        self.donate_argnums, self.donate_argnames = _positions_and_names(
            donate[0], donate[1], names)
        both = (self.static_argnums & self.donate_argnums) or (
            self.static_argnames & self.donate_argnames)
        if both:
            raise ValueError(
                f"jit({getattr(fun, '__name__', 'fn')}): arguments {sorted(map(str, both))} are "
                "both static and donated; a static argument is a constant of the compiled "
                "code and has no memory to donate")
        self._cache: dict[Any, Lowered] = {}
        self._last_key: Any = None
        self.retrace_reasons: list[str] = []

    # -- keys ---------------------------------------------------------------------------------
    def _arg_name(self, i: int) -> str:
        if i < len(self._params) and self._params[i].kind in (
            inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD
        ):
            return f"args[{i}] ({self._params[i].name!r})"
        return f"args[{i}]"

    def _position_name(self, position: Any) -> str:
        if isinstance(position, int):
            return self._arg_name(position)
        return f"keyword argument {position!r}"

    def _flatten_args(self, args: tuple, kwargs: dict):
        """Split the call into (cache key, dynamic leaves). The key is (backend, parts, x64),
        with one part per argument:
        ``("static", position, value)`` or ``("dyn", position, treedef, ((shape, dtype), ...))``,
        where position is an index or a keyword name (names are only spelled out when a
        retrace is explained)."""
        key_parts = []
        dyn_leaves: list = []
        statics = self.static_argnums
        for i, a in enumerate(args):
            if i in statics:
                key_parts.append(("static", i, _hashable(a, self._arg_name(i))))
            elif type(a) is Array:  # the common case: a bare array is a one-leaf pytree
                v = a._value
                key_parts.append(("dyn", i, LEAF, ((v.shape, v.dtype),)))
                dyn_leaves.append(a)
            else:
                leaves, tree = tree_flatten(a)
                avals = tuple(_leaf_aval(x, self._arg_name(i)) for x in leaves)
                key_parts.append(("dyn", i, tree, avals))
                dyn_leaves += leaves
        for k in sorted(kwargs) if kwargs else ():
            v = kwargs[k]
            if k in self.static_argnames:
                key_parts.append(("static", k, _hashable(v, f"keyword argument {k!r}")))
                continue
            leaves, tree = tree_flatten(v)
            avals = tuple(_leaf_aval(x, f"keyword argument {k!r}") for x in leaves)
            key_parts.append(("dyn", k, tree, avals))
            dyn_leaves += leaves
        backend = "numpy"
        if _backends_in_use["cupy"] and any(
            type(x._value if type(x) is Array else x).__module__.startswith("cupy")
            for x in dyn_leaves
        ):
            backend = "cupy"
        # The x64 switch changes default dtypes while tracing, so it is part of the key.
        return (backend, tuple(key_parts), config.jax_enable_x64), dyn_leaves

    # -- calling ---------------------------------------------------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if _state.trace is not EVAL:
            return self.fun(*args, **kwargs)  # inline under other transformations
        key, leaves = self._flatten_args(args, kwargs)
        lowered = self._cache.get(key)
        if lowered is None:
            lowered = self._compile(key, args, kwargs)
        donated = lowered.donated
        if donated:
            ids = [id(x._value) for x in leaves if type(x) is Array]
            shared = {i for i in ids if ids.count(i) > 1}
            raw = [_donated_value(x, shared) if k in donated else
                   x._value if type(x) is Array else _raw(x) for k, x in enumerate(leaves)]
        else:
            raw = [x._value if type(x) is Array else _raw(x) for x in leaves]
        outs = lowered.fn(*lowered.consts, *raw)
        if donated:
            del raw
            for k in donated:
                if type(leaves[k]) is Array:
                    leaves[k].delete()
        if lowered.out_tree is LEAF:
            return _wrap_out(outs[0])
        return tree_unflatten(lowered.out_tree, [_wrap_out(o) for o in outs])

    def lower(self, *args: Any, **kwargs: Any) -> Lowered:
        """Trace and lower for these arguments (using the cache): ``.as_text()`` shows the code."""
        key, _ = self._flatten_args(args, kwargs)
        return self._cache.get(key) or self._compile(key, args, kwargs)

    def _compile(self, key: Any, args: tuple, kwargs: dict) -> Lowered:
        if self._cache:
            reason = _explain(self._last_key, key, self._position_name)
            self.retrace_reasons.append(reason)
            if config.jax_explain_cache_misses:
                warnings.warn(f"jit({self.__name__}) retraced: {reason}", stacklevel=3)
        backend, parts = key[0], key[1]
        dyn_avals = [ShapedArray(a[0], a[1], weak=len(a) > 2)
                     for p in parts if p[0] == "dyn" for a in p[3]]
        static_vals = {}
        for i, a in enumerate(args):
            if i in self.static_argnums:
                static_vals[i] = a
        static_kw = {k: v for k, v in kwargs.items() if k in self.static_argnames}
        dyn_kw_names = [k for k in sorted(kwargs) if k not in self.static_argnames]
        out_box: dict = {}

        def flat_fun(*tracers: Any) -> list:
            it = iter(tracers)
            full = []
            for i, a in enumerate(args):
                if i in static_vals:
                    full.append(a)
                else:
                    leaves, tree = tree_flatten(a)
                    full.append(tree_unflatten(tree, [next(it) for _ in leaves]))
            kw = dict(static_kw)
            for k in dyn_kw_names:
                leaves, tree = tree_flatten(kwargs[k])
                kw[k] = tree_unflatten(tree, [next(it) for _ in leaves])
            out = self.fun(*full, **kw)
            out_leaves, out_box["tree"] = tree_flatten(out)
            for leaf in out_leaves:
                if not (isinstance(leaf, (Tracer, Array, np.ndarray, np.generic))
                        or dtypes.is_python_scalar(leaf)):
                    raise TypeError(
                        f"jit({self.__name__}) returned a {type(leaf).__name__} inside its "
                        "output; outputs must be pytrees of arrays or numbers"
                    )
            return out_leaves

        raw_jaxpr, _ = trace_to_jaxpr(flat_fun, dyn_avals)
        jaxpr = optimize(raw_jaxpr)
        xp = np
        if backend == "cupy":
            import cupy as xp  # noqa: F811
        name = _identifier(getattr(self.fun, "__name__", "fn"))
        donated = _donated_leaves(parts, self.donate_argnums, self.donate_argnames) \
            if xp is np else frozenset()
        fn, source, _ = lower(jaxpr, xp, name, donated=donated)
        lowered = Lowered(jaxpr, raw_jaxpr, fn, source, out_box["tree"], name)
        lowered.donated = donated
        self._cache[key] = lowered
        self._last_key = key
        return lowered

    def clear_cache(self) -> None:
        self._cache.clear()
        self._last_key = None

    def cache_size(self) -> int:
        return len(self._cache)

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        # Support decorating methods: bind `self` as the first (dynamic) argument.
        if obj is None:
            return self
        return functools.partial(self, obj)


def _identifier(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c == "_" else "_" for c in name)
    return cleaned if cleaned and not cleaned[0].isdigit() else f"fn_{cleaned}"


def _hashable(value: Any, where: str) -> Any:
    try:
        hash(value)
    except TypeError:
        raise TypeError(
            f"jit: static argument {where} must be hashable, got {type(value).__name__}; pass "
            "a tuple instead of a list, or make the argument dynamic"
        ) from None
    # 1 == 1.0 == True as dict keys, but a function may trace differently for each (dtypes,
    # isinstance checks), so the type is part of the key.
    return (type(value), value)


def _leaf_aval(x: Any, where: str) -> tuple:
    if type(x) is Array:
        return (x._value.shape, x._value.dtype)
    if isinstance(x, Tracer):
        raise _leaked(x)
    if dtypes.is_python_scalar(x):
        return ((), dtypes.python_scalar_dtype(x), "weak")
    if isinstance(x, (np.ndarray, np.generic)):
        return (x.shape, x.dtype)
    if type(x).__module__.startswith("cupy"):
        return (x.shape, x.dtype)
    raise TypeError(
        f"jit: {where} contains a {type(x).__name__}, which is not an array or a number. "
        "Mark the argument static (static_argnums/static_argnames) or register its type as a "
        "pytree node (tree_util.register_pytree_node)."
    )


def _raw(x: Any) -> Any:
    if type(x) is Array:
        return x._value
    if dtypes.is_python_scalar(x):
        return np.asarray(x, dtypes.python_scalar_dtype(x))
    # A numpy/cupy argument is the caller's mutable buffer: copy it, as eager asarray does, so
    # an output that forwards it (identity, reshape views) cannot change when the caller writes.
    return x.copy()


def _wrap_out(o: Any) -> Array:
    if o.__class__ in (float, int, bool, complex):  # a literal the program returns as is
        return Array(np.asarray(o, dtypes.python_scalar_dtype(o)))
    return Array(o)


def _explain(old: Any, new: Any, name_of: Callable[[Any], str]) -> str:
    """Name what changed between two cache keys: an argument's shape, dtype, structure, or a
    static value. ``name_of`` spells out a position (an index or a keyword)."""
    if old is None:
        return "first call"
    reasons = []
    if old[0] != new[0]:
        reasons.append(f"the arrays moved from {old[0]} to {new[0]}")
    if old[2] != new[2]:
        reasons.append(f"jax_enable_x64 changed from {old[2]} to {new[2]}")
    old_parts = {p[1]: p for p in old[1]}
    for p in new[1]:
        name = name_of(p[1])
        q = old_parts.get(p[1])
        if q is None:
            reasons.append(f"{name} is new")
        elif q == p:
            continue
        elif p[0] != q[0]:
            reasons.append(f"{name} changed between static and dynamic")
        elif p[0] == "static":
            reasons.append(f"static argument {name} changed from {q[2][1]!r} to {p[2][1]!r}")
        elif p[2] != q[2]:
            reasons.append(f"{name} changed structure from {q[2]} to {p[2]}")
        else:
            for k, (a, b) in enumerate(zip(q[3], p[3])):
                if a[0] != b[0]:
                    reasons.append(f"{name}{_leaf_label(k, len(p[3]))} changed shape from "
                                   f"{tuple(a[0])} to {tuple(b[0])}")
                if a[1] != b[1]:
                    reasons.append(f"{name}{_leaf_label(k, len(p[3]))} changed dtype from "
                                   f"{a[1]} to {b[1]}")
    new_positions = {p[1] for p in new[1]}
    for position in old_parts:
        if position not in new_positions:
            reasons.append(f"{name_of(position)} is no longer passed")
    return "; ".join(reasons) or "a new combination of previously seen arguments"


def _leaf_label(k: int, n: int) -> str:
    return "" if n == 1 else f" leaf {k}"


def _positions_and_names(nums: Sequence[int], names: Sequence[str],
                         params: list[str]) -> tuple[set, set]:
    """Argument positions and names, each completed from the other through the signature."""
    positions, named = set(nums), set(names)
    for i in list(positions):
        if i < len(params):
            named.add(params[i])
    for n in list(named):
        if n in params:
            positions.add(params.index(n))
    return positions, named


def _donated_leaves(parts: tuple, donate_nums: set, donate_names: set) -> frozenset:
    """Positions, among the dynamic leaves of a call with key ``parts``, of the donated ones."""
    out, k = [], 0
    for part in parts:
        if part[0] != "dyn":
            continue
        n = len(part[3])
        if part[1] in donate_nums or part[1] in donate_names:
            out.extend(range(k, k + n))
        k += n
    return frozenset(out)


def _donated_value(a: Any, shared: set) -> Any:
    """The raw value to pass for a donated argument leaf: an Array's own buffer when nothing
    else holds it (no other Array, numpy view, or other argument of this call, whose ids are
    in ``shared``), so the call may write its results there; else a private copy."""
    if type(a) is not Array:
        return _raw(a)  # (numpy arguments are copied anyway)
    if id(a._value) not in shared and buffer_refs(a) == BUFFER_ALONE:
        return a._value
    return a._value.copy()


def jit(fun: Callable | None = None, *, static_argnums: int | Sequence[int] = (),
        static_argnames: str | Sequence[str] = (), donate_argnums: int | Sequence[int] = (),
        donate_argnames: str | Sequence[str] = (), inline: bool = False) -> Any:
    """Compile ``fun``: trace once per argument signature, optimise (DCE, CSE, algebraic
    simplification, constant folding) and run generated numpy code on later calls.

    ``donate_argnums``/``donate_argnames`` (as in JAX): the arrays in those arguments are given
    to the call, which may write its results into their memory (a training step updating
    parameters and optimizer state in place). Afterwards they are deleted: using one raises
    RuntimeError. ``inline`` is accepted for JAX compatibility (calls under another
    transformation are always inlined).

    Example:
        >>> f = jit(lambda x: jnp.sin(x) * 2.0)
        >>> f(jnp.ones(3))
        Array([1.6829419, 1.6829419, 1.6829419], dtype=float32)
        >>> print(f.lower(jnp.ones(3)).as_text())   # the generated function
        >>> step = jit(lambda p, g: p - 0.1 * g, donate_argnums=0)  # p's memory is reused
    """
    def _tuple(v: Any, one: type) -> tuple:
        return (v,) if isinstance(v, one) else tuple(v)

    nums, names = _tuple(static_argnums, int), _tuple(static_argnames, str)
    donate = (_tuple(donate_argnums, int), _tuple(donate_argnames, str))
    if fun is None:
        return lambda f: JitFunction(f, nums, names, donate)
    if not callable(fun):
        raise TypeError(f"jit expects a callable, got {type(fun).__name__}")
    return JitFunction(fun, nums, names, donate)
