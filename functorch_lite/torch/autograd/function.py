"""``torch.autograd.Function`` through the core's ``custom_vjp``: one source of truth.

``MyFn.apply(*args)`` builds a core ``custom_vjp`` function over the values of the tensor
arguments: its ``fwd`` runs ``MyFn.forward(ctx, ...)`` (under no_grad, as torch does) and keeps
``ctx`` as the residual; its ``bwd`` runs ``MyFn.backward(ctx, *grad_outputs)``. Called under a
facade graph, the core records it as one custom tape entry, so ``backward`` calls the user's
rule exactly where torch would, and ``create_graph=True`` replays it.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ... import numpy as jnp
from ..._src.custom import custom_vjp
from ..._src.interpreters.reverse import ReverseTracer
from .. import _autograd as AG
from .._tensor import Tensor


class FunctionCtx:
    """The ``ctx`` of a Function: ``save_for_backward``/``saved_tensors``,
    ``needs_input_grad``, and any attributes ``forward`` sets for ``backward``."""

    def __init__(self, needs_input_grad: tuple = (), originals: dict | None = None):
        self.needs_input_grad = needs_input_grad
        self._originals = originals or {}
        self._saved: tuple = ()
        self._versions: list = []
        self._non_differentiable: set = set()  # ids of outputs marked by forward
        self.materialize_grads = True

    def save_for_backward(self, *tensors: Any) -> None:
        """Keep tensors (or None) for ``backward``; changing one in place afterwards makes
        ``backward`` raise, as in torch."""
        self._saved = tuple(None if t is None else t._data for t in tensors)
        self._versions = []
        for t in tensors:
            orig = self._originals.get(id(t), t) if t is not None else None
            if orig is not None:
                if orig._vc is None:
                    orig._vc = [0]
                self._versions.append((orig._vc, orig._vc[0], orig.type(), list(orig.shape)))
            else:
                self._versions.append(None)

    save_for_forward = save_for_backward

    @property
    def saved_tensors(self) -> tuple:
        for rec in self._versions:
            if rec is not None and rec[0][0] != rec[1]:
                box, version, type_str, shape = rec
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified by "
                    f"an inplace operation: [{type_str} {shape}] is at version "
                    f"{box[0]}; expected version {version} instead. Hint: use the out-of-place "
                    "form, or .clone() the tensor before changing it."
                )
        return tuple(None if v is None else Tensor._from_value(v) for v in self._saved)

    @property
    def saved_variables(self) -> tuple:
        return self.saved_tensors

    def mark_dirty(self, *tensors: Any) -> None:
        """Accepted for ported code. ``forward`` sees fresh tensors over the inputs' immutable
        values, so an in-place change there stays local to ``forward`` (torch would change the
        caller's tensor); return the changed tensor as an output instead."""

    def mark_non_differentiable(self, *tensors: Any) -> None:
        """Outputs that have no gradient: ``backward`` receives zeros for them, as in torch."""
        self._non_differentiable.update(id(t) for t in tensors)

    def set_materialize_grads(self, value: bool) -> None:
        self.materialize_grads = value


class Function:
    """Base class for an operation with a hand-written backward.

    Subclass with static ``forward(ctx, *args)`` and ``backward(ctx, *grad_outputs)`` (one
    gradient, or None, per ``forward`` argument), then call ``MyFn.apply(*args)``. The newer
    style with ``forward(*args)`` plus ``setup_context(ctx, inputs, output)`` works too.

    Example:
        >>> class Square(torch.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x * x
        ...     @staticmethod
        ...     def backward(ctx, g):
        ...         (x,) = ctx.saved_tensors
        ...         return 2 * x * g
        >>> x = torch.tensor([3.0], requires_grad=True)
        >>> Square.apply(x).sum().backward(); x.grad
        tensor([6.])
    """

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward mode "
                                  "AD.")

    vjp = backward

    def __init__(self, *args: Any, **kwargs: Any):
        pass  # torch's legacy instance form; Functions are used through the classmethod apply

    @classmethod
    def _uses_setup_context(cls) -> bool:
        return "setup_context" in {k for c in cls.__mro__ if c is not Function
                                   for k in vars(c)}

    @classmethod
    def _run_forward(cls, ctx: FunctionCtx, args: tuple) -> Any:
        with AG.no_grad():
            if cls._uses_setup_context():
                out = cls.forward(*args)
                cls.setup_context(ctx, args, out)
            else:
                out = cls.forward(ctx, *args)
        return out

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        if kwargs:
            raise TypeError(f"{cls.__name__}.apply takes positional arguments only")
        positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        needs = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        if not (AG._mode.enabled and any(needs)):
            out = cls._run_forward(FunctionCtx(needs), args)
            return _plain(out)
        structure: dict = {}
        name = f"{cls.__name__}Backward"

        def rebuild(vals: tuple) -> tuple:
            full = list(args)
            wrappers = {}
            for i, v in zip(positions, vals):
                w = Tensor._from_value(v)
                wrappers[id(w)] = args[i]
                full[i] = w
            return tuple(full), wrappers

        def run(vals: tuple) -> tuple:
            full, wrappers = rebuild(vals)
            ctx = FunctionCtx(needs, wrappers)
            out = cls._run_forward(ctx, full)
            ctx._originals = {}  # (no reference cycle through the graph's residuals)
            single = isinstance(out, Tensor)
            outs = (out,) if single else tuple(out)
            structure["single"] = single
            structure["n"] = len(outs)
            structure["non_differentiable"] = [k for k, o in enumerate(outs)
                                               if id(o) in ctx._non_differentiable]
            return tuple(o._data for o in outs), ctx

        @custom_vjp
        def fn(*vals: Any) -> tuple:
            return run(vals)[0]

        def fwd(*vals: Any) -> tuple:
            return run(vals)

        def bwd(ctx: FunctionCtx, cts: tuple) -> tuple:
            cts = list(cts)
            for k in structure["non_differentiable"]:
                cts[k] = jnp.zeros_like(cts[k])
            grads = cls.backward(ctx, *[Tensor._from_value(c) for c in cts])
            if not isinstance(grads, tuple):
                grads = (grads,)
            if len(grads) != len(args):
                raise RuntimeError(
                    f"function {name} returned an incorrect number of gradients (expected "
                    f"{len(args)}, got {len(grads)}): return one gradient (or None) per "
                    "forward argument"
                )
            out = []
            for i in positions:
                g = grads[i]
                if g is None:
                    out.append(None)
                elif not isinstance(g, Tensor):
                    raise TypeError(f"function {name}: gradient {i} is a {type(g).__name__}; "
                                    "return Tensors or None")
                else:
                    ref = args[i]
                    if tuple(g.shape) != tuple(ref.shape):
                        raise RuntimeError(
                            f"Function {name} returned an invalid gradient at index {i} - got "
                            f"{list(g.shape)} but expected shape compatible with "
                            f"{list(ref.shape)}"
                        )
                    out.append(g.to(ref.dtype)._data)
            return tuple(out)

        fn.defvjp(fwd, bwd)
        outs = AG.apply(lambda *vals: tuple(fn(*vals)), name, tuple(args[i] for i in positions),
                        saves=AG.SAVE_NONE)
        _register_replay(outs, fn)
        return outs[0] if structure.get("single") else outs


def _register_replay(outs: tuple, fn: Callable) -> None:
    for o in outs:
        if o._graph is not None:
            graph, tracer = AG.node_of(o)
            where = tracer.where
            if isinstance(tracer, ReverseTracer) and where.__class__ is tuple:
                graph.replay[where[0]] = lambda *vals: list(fn(*vals))
            return


def _plain(out: Any) -> Any:
    return out


def once_differentiable(fn: Callable) -> Callable:
    """Decorator for ``backward``: accepted (backward already runs without recording unless
    create_graph=True).

    Example:
        >>> @once_differentiable
        ... def backward(ctx, g):
        ...     return g
    """

    @functools.wraps(fn)
    def wrapper(ctx: Any, *args: Any) -> Any:
        with AG.no_grad():
            return fn(ctx, *args)

    return wrapper
