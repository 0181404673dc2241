"""``torch.optim.Optimizer``: parameter groups, per-parameter state, state dicts and hooks.

An optimizer here is a thin stateful shell: each subclass's ``step`` reads the current core
values (``p._data``, ``p.grad._data`` and its state tensors' ``_data``), computes the new values
with a pure per-leaf update function over core Arrays (a handful of ``functorch_lite.numpy``
operations per parameter, see e.g. ``adam._adam_leaf``) and rebinds the tensors to them with
``_set_value``. No Array is ever mutated, so values that a retained graph, a checkpoint or a
clone still hold stay as they were (DESIGN.md principle 7).
"""
from __future__ import annotations

import copy
import functools
import itertools
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ... import numpy as jnp
from ..._src.array import Array
from .. import _autograd as AG
from .._tensor import Tensor, type_name

__all__ = ["Optimizer", "required", "register_optimizer_step_pre_hook",
           "register_optimizer_step_post_hook"]


class _RequiredParameter:
    """The marker of a hyper-parameter that has no default (``torch.optim.optimizer.required``)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()

_global_step_pre_hooks: OrderedDict = OrderedDict()
_global_step_post_hooks: OrderedDict = OrderedDict()


class RemovableHandle:
    """The handle a ``register_*_hook`` call returns; ``handle.remove()`` unregisters the hook.

    Example:
        >>> handle = opt.register_step_post_hook(lambda opt, args, kwargs: None)
        >>> handle.remove()
    """

    _next_id = itertools.count()

    def __init__(self, hooks: OrderedDict):
        self._hooks = hooks
        self.id = next(RemovableHandle._next_id)

    def remove(self) -> None:
        self._hooks.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.remove()


def _register(hooks: OrderedDict, hook: Callable, prepend: bool = False) -> RemovableHandle:
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    if prepend:
        hooks.move_to_end(handle.id, last=False)
    return handle


def register_optimizer_step_pre_hook(hook: Callable) -> RemovableHandle:
    """Run ``hook(optimizer, args, kwargs)`` before every optimizer's ``step``; it may return
    ``(new_args, new_kwargs)``.

    Example:
        >>> h = torch.optim.optimizer.register_optimizer_step_pre_hook(
        ...     lambda opt, args, kwargs: None)
        >>> h.remove()
    """
    return _register(_global_step_pre_hooks, hook)


def register_optimizer_step_post_hook(hook: Callable) -> RemovableHandle:
    """Run ``hook(optimizer, args, kwargs)`` after every optimizer's ``step``.

    Example:
        >>> h = torch.optim.optimizer.register_optimizer_step_post_hook(
        ...     lambda opt, args, kwargs: None)
        >>> h.remove()
    """
    return _register(_global_step_post_hooks, hook)


def _typename(obj: Any) -> str:
    """``torch.typename``: 'torch.FloatTensor' for a tensor, the qualified type name otherwise."""
    if isinstance(obj, Tensor):
        return type_name(obj._data.dtype)
    cls = type(obj)
    module = cls.__module__
    return cls.__qualname__ if module == "builtins" else f"{module}.{cls.__qualname__}"


def _hooked_step(step: Callable) -> Callable:
    """Wrap a subclass's ``step`` so that it runs the step hooks and marks the optimizer as
    stepped (what ``lr_scheduler`` checks to warn about a scheduler stepped first). A ``step``
    that calls ``super().step()`` runs the hooks once."""

    @functools.wraps(step)
    def wrapper(self: Optimizer, *args: Any, **kwargs: Any) -> Any:
        if self._in_step:
            return step(self, *args, **kwargs)
        pre = self._optimizer_step_pre_hooks
        if pre or _global_step_pre_hooks:
            for hook in itertools.chain(_global_step_pre_hooks.values(), pre.values()):
                result = hook(self, args, kwargs)
                if result is not None:
                    if not (isinstance(result, tuple) and len(result) == 2):
                        raise RuntimeError(
                            f"{hook} must return None or a tuple of (new_args, new_kwargs), "
                            f"but got {result}."
                        )
                    args, kwargs = result
        self._in_step = True
        try:
            out = step(self, *args, **kwargs)
        finally:
            self._in_step = False
        self._opt_called = True
        post = self._optimizer_step_post_hooks
        if post or _global_step_post_hooks:
            for hook in itertools.chain(post.values(), _global_step_post_hooks.values()):
                hook(self, args, kwargs)
        return out

    wrapper._hooked = True  # type: ignore[attr-defined]
    return wrapper


def _as_float(x: Any) -> Any:
    """A hyper-parameter given as a one-element tensor, as a Python float (torch's
    ``_to_scalar``); numbers pass through."""
    if isinstance(x, Tensor):
        if x.numel() != 1:
            raise ValueError(f"Tensor hyper-parameter must be 1-element, got shape "
                             f"{list(x.shape)}")
        return x.item()
    return x


def _check_lr(lr: Any) -> None:
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= _as_float(lr):
        raise ValueError(f"Invalid learning rate: {lr}")


def _check_unsupported(differentiable: bool) -> None:
    if differentiable:
        raise NotImplementedError(
            "differentiable=True is not supported by functorch_lite's optimizers: the update "
            "is not recorded by autograd. To differentiate through an update, write it with "
            "tensor operations (p - lr * p.grad) or with functorch_lite.torch.func"
        )


def _new_step() -> Tensor:
    """A fresh step counter: a float32 scalar tensor on the CPU, as torch keeps it."""
    return Tensor._from_value(jnp.asarray(0.0, dtype=jnp.float32))


def _advance(state: dict) -> Any:
    """Add one to ``state['step']`` (a scalar tensor, or a number in an old state dict) and
    return the new count as a Python float (torch's non-capturable path); while a whole step
    is being compiled (the count is traced), as the traced float32 value (torch's
    ``capturable`` path: the bias corrections are computed in float32 on the tensor)."""
    step_t = state["step"]
    if not isinstance(step_t, Tensor):
        step_t = state["step"] = Tensor._from_value(jnp.asarray(float(step_t), jnp.float32))
    if type(step_t._data) is not Array:  # traced
        value = step_t._data + jnp.float32(1.0)
        step_t._set_value(value)
        return value
    value = jnp.asarray(float(step_t._data) + 1.0, dtype=jnp.float32)
    step_t._set_value(value)
    return float(value)


def _zeros_like(p: Tensor) -> Tensor:
    return Tensor._from_value(jnp.zeros_like(p._data))


def _no_complex(opt_name: str, p: Tensor) -> None:
    if p._data.dtype.kind == "c":
        raise NotImplementedError(
            f"{opt_name} on complex parameters is not supported yet (torch treats the real "
            "and imaginary parts as separate real numbers); split the parameter into two real "
            "ones (torch.view_as_real) or use SGD"
        )


class Optimizer:
    """Base class of all optimizers: ``param_groups``, ``state``, ``zero_grad``, ``step``,
    ``state_dict``/``load_state_dict`` and hooks, as ``torch.optim.Optimizer``.

    Args:
        params: an iterable of tensors, of ``(name, tensor)`` pairs, or of dicts (parameter
            groups: ``{"params": [...], "lr": 0.1, ...}`` with per-group options).
        defaults: the default value of each option, used where a group does not set it.

    Example:
        >>> w = torch.zeros(3, requires_grad=True)
        >>> opt = torch.optim.SGD([w], lr=0.1)
        >>> (w - 1.0).pow(2).sum().backward()
        >>> opt.step(); opt.zero_grad()
        >>> w
        tensor([0.2000, 0.2000, 0.2000], requires_grad=True)
    """

    _in_step = False
    # Options a subclass added in some torch release: ``__setstate__`` fills them into the
    # groups of an older pickle or state dict, as each torch optimizer's own __setstate__ does.
    _GROUP_DEFAULTS: dict[str, Any] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        step = cls.__dict__.get("step")
        if step is not None and not getattr(step, "_hooked", False):
            cls.step = _hooked_step(step)

    def __init__(self, params: Any, defaults: dict[str, Any]):
        self.defaults = defaults
        self._optimizer_step_pre_hooks: OrderedDict = OrderedDict()
        self._optimizer_step_post_hooks: OrderedDict = OrderedDict()
        self._optimizer_state_dict_pre_hooks: OrderedDict = OrderedDict()
        self._optimizer_state_dict_post_hooks: OrderedDict = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks: OrderedDict = OrderedDict()
        self._optimizer_load_state_dict_post_hooks: OrderedDict = OrderedDict()
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or "
                f"dicts, but got {_typename(params)}; wrap it in a list ([w]) or pass "
                "model.parameters()"
            )
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    # ---- groups ---------------------------------------------------------------------------------
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a parameter group (a dict with ``"params"`` and optional per-group options);
        options it does not set take the optimizer's defaults.

        Example:
            >>> opt = torch.optim.SGD([w1], lr=0.1)
            >>> opt.add_param_group({"params": [w2], "lr": 0.01})
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list instead."
            )
        else:
            param_group["params"] = list(params)

        extracted, names = [], []
        for item in param_group["params"]:
            if isinstance(item, tuple):
                names.append(item[0])
                extracted.append(item[1])
            else:
                extracted.append(item)
        if names:
            if len(names) != len(extracted):
                raise ValueError("all optimizer params should be with/without names. Some "
                                 "param names are missing")
            param_group["params"], param_group["param_names"] = extracted, names

        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                + _typename(param))
            if not self.defaults.get("differentiable", None) and not (
                    param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")

        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            param_group.setdefault(name, default)

        params = param_group["params"]
        if len(params) != len({id(p) for p in params}):
            import warnings

            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; in future, "
                "this will cause an error; see github.com/pytorch/pytorch/issues/40967 for more "
                "information", stacklevel=3)

        seen: set[int] = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group["params"])
            if ("param_names" in group) != ("param_names" in param_group):
                current = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {current} to the optimizer")
        if not seen.isdisjoint(id(p) for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # ---- gradients and steps --------------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all optimized tensors: ``p.grad = None`` (the default), or
        fill them with zeros when ``set_to_none=False``.

        Example:
            >>> opt.zero_grad()
            >>> w.grad is None
            True
        """
        for group in self.param_groups:
            for p in group["params"]:
                g = p._grad
                if g is None:
                    continue
                if set_to_none:
                    p._grad = None
                else:
                    if g.grad_fn is not None:
                        g.detach_()
                    else:
                        g.requires_grad_(False)
                    g._set_value(jnp.zeros_like(g._data))

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform one optimization step (update every parameter that has a ``.grad``).

        ``closure``, if given, re-evaluates the model and returns the loss; it runs with grad
        enabled and its result is returned.

        Example:
            >>> loss = opt.step(lambda: model_loss())
        """
        raise NotImplementedError(f"{type(self).__name__} must implement step(closure=None), "
                                  "the update of every parameter that has a .grad")

    def _params_with_grad(self, group: dict[str, Any]) -> Iterator[tuple[Tensor, Tensor]]:
        """``(p, p.grad)`` for each parameter of ``group`` that has a gradient (the ones a
        ``step`` updates)."""
        for p in group["params"]:
            g = p._grad
            if g is not None:
                yield p, g

    def _eval_closure(self, closure: Callable[[], Any] | None) -> Any:
        if closure is None:
            return None
        with AG.enable_grad():
            return closure()

    # ---- hooks ----------------------------------------------------------------------------------
    def register_step_pre_hook(self, hook: Callable) -> RemovableHandle:
        """Run ``hook(optimizer, args, kwargs)`` before each ``step`` of this optimizer; it may
        return ``(new_args, new_kwargs)``.

        Example:
            >>> h = opt.register_step_pre_hook(lambda opt, args, kwargs: None)
        """
        return _register(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook: Callable) -> RemovableHandle:
        """Run ``hook(optimizer, args, kwargs)`` after each ``step`` of this optimizer.

        Example:
            >>> h = opt.register_step_post_hook(lambda opt, args, kwargs: print("stepped"))
        """
        return _register(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook: Callable, prepend: bool = False
                                     ) -> RemovableHandle:
        """Run ``hook(optimizer)`` before ``state_dict()`` builds the dict.

        Example:
            >>> h = opt.register_state_dict_pre_hook(lambda opt: None)
        """
        return _register(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook: Callable, prepend: bool = False
                                      ) -> RemovableHandle:
        """Run ``hook(optimizer, state_dict)`` on the dict ``state_dict()`` built; a non-None
        result replaces it.

        Example:
            >>> h = opt.register_state_dict_post_hook(lambda opt, sd: None)
        """
        return _register(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook: Callable, prepend: bool = False
                                          ) -> RemovableHandle:
        """Run ``hook(optimizer, state_dict)`` before loading; a non-None result is loaded
        instead.

        Example:
            >>> h = opt.register_load_state_dict_pre_hook(lambda opt, sd: None)
        """
        return _register(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook: Callable, prepend: bool = False
                                           ) -> RemovableHandle:
        """Run ``hook(optimizer)`` after ``load_state_dict``.

        Example:
            >>> h = opt.register_load_state_dict_post_hook(lambda opt: None)
        """
        return _register(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # ---- state dicts ----------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state in torch's layout: ``{"state": {0: {...}, 1: {...}},
        "param_groups": [{..options.., "params": [0, 1]}]}``, parameters replaced by their
        position across all groups. The state tensors are the live ones (as in torch);
        ``torch.save`` it to checkpoint.

        Example:
            >>> sd = opt.state_dict()
            >>> sd["param_groups"][0]["params"]
            [0]
        """
        for hook in self._optimizer_state_dict_pre_hooks.values():
            hook(self)
        mapping: dict[int, int] = {}
        start = 0
        packed_groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start):
                mapping.setdefault(id(p), i)
            packed["params"] = [mapping[id(p)] for p in group["params"]]
            start += len(packed["params"])
            packed_groups.append(packed)
        packed_state = {(mapping[id(k)] if isinstance(k, Tensor) else k): v
                        for k, v in self.state.items()}
        state_dict = {"state": packed_state, "param_groups": packed_groups}
        for hook in self._optimizer_state_dict_post_hooks.values():
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a state from ``state_dict()`` (or ``torch.load`` of a saved one): the groups'
        options and each parameter's state, matched by position. State tensors are converted
        to their parameter's floating dtype and device (``step`` stays as saved).

        Example:
            >>> opt.load_state_dict(torch.load("ckpt.pt")["optim"])
        """
        state_dict = dict(state_dict)
        for hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        groups = self.param_groups
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError(
                "loaded state dict has a different number of parameter groups "
                f"({len(saved_groups)} saved, {len(groups)} in this optimizer)")
        for g, s in zip(groups, saved_groups):
            if len(g["params"]) != len(s["params"]):
                raise ValueError(
                    "loaded state dict contains a parameter group that doesn't match the size "
                    f"of optimizer's group ({len(s['params'])} saved parameters, "
                    f"{len(g['params'])} in this optimizer)")
        id_map = dict(zip(itertools.chain.from_iterable(s["params"] for s in saved_groups),
                          itertools.chain.from_iterable(g["params"] for g in groups)))
        state: defaultdict = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = _cast(param, v)
            else:
                state[k] = v
        for g, s in zip(groups, saved_groups):
            s["params"] = g["params"]
            if "param_names" in g and "param_names" not in s:
                s["param_names"] = g["param_names"]
        self.__setstate__({"state": state, "param_groups": saved_groups})
        for hook in self._optimizer_load_state_dict_post_hooks.values():
            hook(self)

    def __getstate__(self) -> dict[str, Any]:
        return {"defaults": self.defaults, "state": self.state,
                "param_groups": self.param_groups}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        for name in ("_optimizer_step_pre_hooks", "_optimizer_step_post_hooks",
                     "_optimizer_state_dict_pre_hooks", "_optimizer_state_dict_post_hooks",
                     "_optimizer_load_state_dict_pre_hooks",
                     "_optimizer_load_state_dict_post_hooks"):
            if name not in self.__dict__:
                setattr(self, name, OrderedDict())
        self.defaults.setdefault("differentiable", False)
        for group in self.param_groups:
            for key, value in self._GROUP_DEFAULTS.items():
                group.setdefault(key, value)

    def __repr__(self) -> str:
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"


def _cast(param: Tensor, value: Any, key: Any = None) -> Any:
    """A loaded state value for ``param``: tensors become new tensors (so later updates never
    write into the loaded dict) of the parameter's floating dtype and device; ``step`` keeps
    its dtype."""
    if isinstance(value, Tensor):
        if key != "step":
            if param.is_floating_point():
                value = value.to(dtype=param.dtype, device=param.device)
            else:
                value = value.to(device=param.device)
        return Tensor._from_value(value._data)
    if isinstance(value, dict):
        return {k: _cast(param, v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(param, v) for v in value)
    if isinstance(value, np.ndarray):
        return value.copy()
    return value
