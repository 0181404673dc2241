"""custom_jvp and custom_vjp: user-defined derivative rules (JAX's API).

A custom call is dispatched to the innermost trace that owns one of its arguments. Forward
mode uses the custom JVP; reverse mode transposes it (custom_jvp) or calls the custom backward
(custom_vjp); vmap batches the function and its rules together; staging keeps just the primal.
"""
from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from .core import EVAL, _state
from .interpreters.batching import batch_flat
from .tree_util import tree_flatten, tree_unflatten


def dispatch_custom(call: Any, leaves: list, kind: str) -> list:
    t = _state.trace
    while t is not EVAL and not t.owns_any(tuple(leaves)):
        t = t.parent
    if t is EVAL:
        return call.fun_flat(*leaves)
    return getattr(t, f"process_custom_{kind}")(call, tuple(leaves))


def _resolve_args(fun: Callable, args: tuple, kwargs: dict) -> tuple:
    if not kwargs:
        return args
    bound = inspect.signature(fun).bind(*args, **kwargs)
    bound.apply_defaults()
    return tuple(bound.arguments.values())


class _FlatCall:
    """The flat-list view of one custom call, shared by every trace."""

    kind = "jvp"

    def __init__(self, fun_flat: Callable, rule_flat: Callable, n_out: int | None = None):
        self.fun_flat = fun_flat
        self.n_out = n_out
        if self.kind == "jvp":
            self.jvp_flat = rule_flat
        else:
            self.fwd_flat, self.bwd_flat = rule_flat

    def __call__(self, *leaves: Any) -> list:
        return dispatch_custom(self, list(leaves), self.kind)

    def batched(self, dims: list, size: int) -> _FlatCall:
        n_in = len(dims)
        fun_b = lambda *vals: batch_flat(self.fun_flat, list(vals), dims, size, 0)  # noqa: E731
        if self.kind == "jvp":
            def jvp_b(primals: list, tangents: list) -> tuple[list, list]:
                def both(*pt):
                    outs, t_outs = self.jvp_flat(list(pt[:n_in]), list(pt[n_in:]))
                    return list(outs) + list(t_outs)

                res = batch_flat(both, list(primals) + list(tangents), dims + dims, size, 0)
                half = len(res) // 2
                return res[:half], res[half:]

            return _FlatCall(fun_b, jvp_b)
        return _batched_vjp_call(self, dims, size, fun_b)


class _FlatVJPCall(_FlatCall):
    kind = "vjp"


def _batched_vjp_call(call: _FlatVJPCall, dims: list, size: int, fun_b: Callable):
    from .prims.reduce import reduce_sum
    from .prims.shape import moveaxis

    box: dict = {}

    def fwd_b(*vals):
        def flat_fwd(*v):
            outs, res = call.fwd_flat(*v)
            res_leaves, box["res_tree"] = tree_flatten(res)
            box["n_out"] = len(outs)
            return list(outs) + res_leaves

        flat = batch_flat(flat_fwd, list(vals), dims, size, 0)
        n = box["n_out"]
        return flat[:n], flat[n:]

    def bwd_b(res_leaves, cts):
        def flat_bwd(*a):
            res = tree_unflatten(box["res_tree"], list(a[: len(res_leaves)]))
            return call.bwd_flat(res, list(a[len(res_leaves):]))

        in_cts = batch_flat(flat_bwd, list(res_leaves) + list(cts),
                            [0] * (len(res_leaves) + len(cts)), size, 0)
        # Per-example cotangents of an unbatched input add up; batched ones go back in place.
        return [reduce_sum(c, (0,)) if d is None else moveaxis(c, 0, d)
                for c, d in zip(in_cts, dims)]

    return _FlatVJPCall(fun_b, (fwd_b, bwd_b))


def _zeros_for_none(cts: list, primals: list) -> list:
    from .prims.shape import zeros_like_value

    return [zeros_like_value(p) if c is None else c for c, p in zip(cts, primals)]


class custom_jvp:
    """A function with a user-defined JVP rule (and, by transposition, VJP).

    Example:
        >>> @custom_jvp
        ... def log1pexp(x):
        ...     return jnp.log(1.0 + jnp.exp(x))
        >>> @log1pexp.defjvp
        ... def _(primals, tangents):
        ...     (x,), (t,) = primals, tangents
        ...     return log1pexp(x), t * (1.0 - 1.0 / (1.0 + jnp.exp(x)))
    """

    def __init__(self, fun: Callable, nondiff_argnums: tuple[int, ...] = ()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.jvp: Callable | None = None

    def defjvp(self, jvp: Callable) -> Callable:
        """Set the rule ``jvp(primals, tangents) -> (primal_out, tangent_out)``."""
        self.jvp = jvp
        return jvp

    def defjvps(self, *jvps: Callable | None) -> None:
        """Set one rule per argument, ``jvp_i(tangent_i, primal_out, *primals)``, summed."""

        def jvp(primals, tangents):
            out = self(*primals)
            total = None
            for rule, t in zip(jvps, tangents):
                if rule is None:
                    continue
                term = rule(t, out, *primals)
                total = term if total is None else total + term
            return out, total

        self.jvp = jvp

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.jvp is None:
            raise AttributeError(
                f"custom_jvp function {self.__name__!r} has no JVP rule: define one with "
                "@f.defjvp before calling it"
            )
        args = _resolve_args(self.fun, args, kwargs)
        nondiff = {i: args[i] for i in self.nondiff_argnums}
        diff = [a for i, a in enumerate(args) if i not in nondiff]
        leaves, in_tree = tree_flatten(diff)
        out_tree: dict = {}

        def rebuild(leaves_: list) -> list:
            it = iter(tree_unflatten(in_tree, list(leaves_)))
            return [nondiff[i] if i in nondiff else next(it) for i in range(len(args))]

        def fun_flat(*ls):
            out_leaves, out_tree["tree"] = tree_flatten(self.fun(*rebuild(ls)))
            return out_leaves

        def jvp_flat(primals, tangents):
            ps = tree_unflatten(in_tree, list(primals))
            ts = tree_unflatten(in_tree, list(tangents))
            nd = [nondiff[i] for i in self.nondiff_argnums]
            out, t_out = self.jvp(*nd, tuple(ps), tuple(ts))
            out_leaves, out_tree["tree"] = tree_flatten(out)
            # None stands for a zero tangent: keep it as a leaf so tangents line up with outputs.
            t_leaves, _ = tree_flatten(t_out, is_leaf=lambda x: x is None)
            if len(t_leaves) != len(out_leaves):
                raise TypeError(
                    f"custom_jvp rule of {self.__name__!r} returned {len(t_leaves)} tangent "
                    f"leaves for {len(out_leaves)} primal output leaves; the tangent output "
                    "must have the primal output's structure (None for a zero tangent)"
                )
            return out_leaves, _zeros_for_none(t_leaves, out_leaves)

        outs = _FlatCall(fun_flat, jvp_flat)(*leaves)
        return tree_unflatten(out_tree["tree"], outs)


class custom_vjp:
    """A function with a user-defined VJP: ``fwd(*args) -> (out, residuals)`` and
    ``bwd(residuals, ct_out) -> tuple of cts, one per argument``.

    Example:
        >>> @custom_vjp
        ... def clip_gradient(x):
        ...     return x
        >>> clip_gradient.defvjp(lambda x: (x, None),
        ...                      lambda _, g: (jnp.clip(g, -1.0, 1.0),))
    """

    def __init__(self, fun: Callable, nondiff_argnums: tuple[int, ...] = ()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.fwd: Callable | None = None
        self.bwd: Callable | None = None

    def defvjp(self, fwd: Callable, bwd: Callable) -> None:
        self.fwd, self.bwd = fwd, bwd

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.fwd is None:
            raise AttributeError(
                f"custom_vjp function {self.__name__!r} has no rules: call f.defvjp(fwd, bwd)"
            )
        args = _resolve_args(self.fun, args, kwargs)
        nondiff = {i: args[i] for i in self.nondiff_argnums}
        nd = [nondiff[i] for i in self.nondiff_argnums]
        diff = [a for i, a in enumerate(args) if i not in nondiff]
        leaves, in_tree = tree_flatten(diff)
        out_tree: dict = {}

        def rebuild(leaves_: list) -> list:
            it = iter(tree_unflatten(in_tree, list(leaves_)))
            return [nondiff[i] if i in nondiff else next(it) for i in range(len(args))]

        def fun_flat(*ls):
            out_leaves, out_tree["tree"] = tree_flatten(self.fun(*rebuild(ls)))
            return out_leaves

        def fwd_flat(*ls):
            out, res = self.fwd(*rebuild(ls))
            out_leaves, out_tree["tree"] = tree_flatten(out)
            return out_leaves, res

        def bwd_flat(res, cts):
            ct_tree = tree_unflatten(out_tree["tree"], list(cts))
            in_cts = self.bwd(*nd, res, ct_tree)
            if not isinstance(in_cts, (tuple, list)) or len(in_cts) != len(diff):
                raise TypeError(
                    f"custom_vjp bwd of {self.__name__!r} must return a tuple with one "
                    f"cotangent per differentiable argument ({len(diff)}), got {in_cts!r:.80}"
                )
            ct_leaves = tree_flatten(list(in_cts), is_leaf=lambda x: x is None)[0]
            return _zeros_for_none(ct_leaves, list(ls_cache["leaves"]))

        ls_cache = {"leaves": leaves}
        outs = _FlatVJPCall(fun_flat, (fwd_flat, bwd_flat))(*leaves)
        return tree_unflatten(out_tree["tree"], outs)
