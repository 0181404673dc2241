"""``torch.nn.Module``: the base class of every layer, with torch's registration, traversal,
state_dict, hooks, train/eval and conversion API.

A Module keeps its parameters, buffers and submodules in three ordered dicts
(``_parameters``, ``_buffers``, ``_modules``), filled by attribute assignment as in torch;
traversal order (and so the state_dict's key order) is registration order: each module's
parameters, then its persistent buffers, then its children, recursively.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

from ... import _autograd as AG
from ..._tensor import Tensor
from ..parameter import Buffer, Parameter
from ._module_state import (  # noqa: F401  (torch has them in module.py)
    RemovableHandle,
    StateDictMixin,
    _IncompatibleKeys,
)

__all__ = ["Module"]


def _addindent(s: str, num_spaces: int) -> str:
    lines = s.split("\n")
    if len(lines) == 1:
        return s
    first = lines.pop(0)
    return first + "\n" + "\n".join(" " * num_spaces + line for line in lines)


def _typename(value: Any) -> str:
    if isinstance(value, Tensor):
        return "torch.FloatTensor" if type(value) is Tensor else type(value).__name__
    return type(value).__module__ + "." + type(value).__qualname__ \
        if type(value).__module__ != "builtins" else type(value).__qualname__


class Module(StateDictMixin):
    """Base class for all neural network modules; subclass it and define ``forward``.

    Assigning a ``Parameter``, a ``Module`` or (after ``register_buffer``) a Tensor as an
    attribute registers it; ``model(x)`` runs forward pre-hooks, ``forward`` and forward hooks.

    Example:
        >>> class Net(torch.nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.fc = torch.nn.Linear(2, 1)
        ...     def forward(self, x):
        ...         return self.fc(x)
        >>> Net()
        Net(
          (fc): Linear(in_features=2, out_features=1, bias=True)
        )
    """

    training: bool
    _version: int = 1
    dump_patches: bool = False
    call_super_init: bool = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args or kwargs:
            raise TypeError(
                f"{type(self).__name__}.__init__() got unexpected arguments {args} {kwargs}: "
                "Module.__init__ takes none"
            )
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = OrderedDict()
        d["_buffers"] = OrderedDict()
        d["_non_persistent_buffers_set"] = set()
        d["_modules"] = OrderedDict()
        d["_forward_hooks"] = OrderedDict()
        d["_forward_hooks_with_kwargs"] = {}
        d["_forward_hooks_always_called"] = {}
        d["_forward_pre_hooks"] = OrderedDict()
        d["_forward_pre_hooks_with_kwargs"] = {}
        d["_backward_hooks"] = OrderedDict()
        d["_state_dict_hooks"] = OrderedDict()
        d["_load_state_dict_pre_hooks"] = OrderedDict()

    def forward(self, *input: Any) -> Any:
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    # ---- calling ---------------------------------------------------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not (self._forward_pre_hooks or self._forward_hooks):
            return self.forward(*args, **kwargs)
        return self._call_with_hooks(args, kwargs)

    def _call_with_hooks(self, args: tuple, kwargs: dict) -> Any:
        for hook_id, hook in list(self._forward_pre_hooks.items()):
            if hook_id in self._forward_pre_hooks_with_kwargs:
                result = hook(self, args, kwargs)
                if result is not None:
                    if not (isinstance(result, tuple) and len(result) == 2):
                        raise RuntimeError(
                            "forward pre-hook must return None or a tuple of (new_args, "
                            f"new_kwargs), but got {result}."
                        )
                    args, kwargs = result
            else:
                result = hook(self, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
        output = self.forward(*args, **kwargs)
        for hook_id, hook in list(self._forward_hooks.items()):
            if hook_id in self._forward_hooks_with_kwargs:
                result = hook(self, args, kwargs, output)
            else:
                result = hook(self, args, output)
            if result is not None:
                output = result
        return output

    _call_impl = __call__

    def register_forward_pre_hook(self, hook: Callable, *, prepend: bool = False,
                                  with_kwargs: bool = False) -> RemovableHandle:
        """Register ``hook(module, args) -> None | new_args`` (``with_kwargs=True``:
        ``hook(module, args, kwargs) -> None | (args, kwargs)``) to run before ``forward``.

        Example:
            >>> m = torch.nn.Identity()
            >>> h = m.register_forward_pre_hook(lambda mod, args: (args[0] * 2,))
            >>> m(torch.ones(1))
            tensor([2.])
        """
        handle = RemovableHandle(self._forward_pre_hooks, self._forward_pre_hooks_with_kwargs)
        self._forward_pre_hooks[handle.id] = hook
        if with_kwargs:
            self._forward_pre_hooks_with_kwargs[handle.id] = True
        if prepend:
            self._forward_pre_hooks.move_to_end(handle.id, last=False)
        return handle

    def register_forward_hook(self, hook: Callable, *, prepend: bool = False,
                              with_kwargs: bool = False, always_call: bool = False
                              ) -> RemovableHandle:
        """Register ``hook(module, args, output) -> None | new_output`` to run after
        ``forward`` (``with_kwargs=True``: ``hook(module, args, kwargs, output)``).

        Example:
            >>> m = torch.nn.Identity(); seen = []
            >>> h = m.register_forward_hook(lambda mod, args, out: seen.append(out.shape))
            >>> _ = m(torch.ones(3)); seen
            [torch.Size([3])]
        """
        handle = RemovableHandle(self._forward_hooks, self._forward_hooks_with_kwargs,
                                 self._forward_hooks_always_called)
        self._forward_hooks[handle.id] = hook
        if with_kwargs:
            self._forward_hooks_with_kwargs[handle.id] = True
        if always_call:
            self._forward_hooks_always_called[handle.id] = True
        if prepend:
            self._forward_hooks.move_to_end(handle.id, last=False)
        return handle

    # ---- registration ----------------------------------------------------------------------------
    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a parameter (or None) under ``name``.

        Example:
            >>> m = torch.nn.Module(); m.register_parameter("w", torch.nn.Parameter(torch.ones(1)))
            >>> [n for n, _ in m.named_parameters()]
            ['w']
        """
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        _check_name(name, "parameter")
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute '{name}' already exists")
        if param is None:
            self._parameters[name] = None
        elif not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{_typename(param)}' object to parameter '{name}' "
                "(torch.nn.Parameter or None required)"
            )
        elif param._graph is not None:
            raise ValueError(
                f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be "
                "created explicitly. To express '{name}' as a function of another Tensor, "
                "compute the value in the forward() method."
            )
        else:
            self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Add a buffer (state that is not a parameter, e.g. BatchNorm's running mean);
        ``persistent=False`` keeps it out of ``state_dict``.

        Example:
            >>> m = torch.nn.Module(); m.register_buffer("count", torch.zeros(1))
            >>> m.state_dict()
            OrderedDict([('count', tensor([0.]))])
        """
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        _check_name(name, "buffer")
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{_typename(tensor)}' object to buffer '{name}' "
                "(torch Tensor or None required)"
            )
        if isinstance(tensor, Buffer):
            tensor = Tensor._leaf(tensor._data, False)
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Add a child module under ``name`` (``register_module`` is an alias).

        Example:
            >>> m = torch.nn.Module(); m.add_module("act", torch.nn.ReLU())
            >>> m
            Module(
              (act): ReLU()
            )
        """
        if not isinstance(module, Module) and module is not None:
            raise TypeError(f"{_typename(module)} is not a Module subclass")
        if not isinstance(name, str):
            raise TypeError(f"module name should be a string. Got {_typename(name)}")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        if "." in name:
            raise KeyError(f'module name can\'t contain ".", got: {name}')
        if name == "":
            raise KeyError('module name can\'t be empty string ""')
        self._modules[name] = module

    register_module = add_module

    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        if "_parameters" in d:
            if name in d["_parameters"]:
                return d["_parameters"][name]
            if name in d["_buffers"]:
                return d["_buffers"][name]
            if name in d["_modules"]:
                return d["_modules"][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        params = d.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            _remove_from(self, name, params)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_typename(value)}' as parameter '{name}' "
                    "(torch.nn.Parameter or None expected)"
                )
            self.register_parameter(name, value)
        else:
            modules = d.get("_modules")
            if isinstance(value, Module):
                if modules is None:
                    raise AttributeError("cannot assign module before Module.__init__() call")
                _remove_from(self, name, modules)
                modules[name] = value
            elif modules is not None and name in modules:
                if value is not None:
                    raise TypeError(
                        f"cannot assign '{_typename(value)}' as child module '{name}' "
                        "(torch.nn.Module or None expected)"
                    )
                modules[name] = value
            else:
                buffers = d.get("_buffers")
                if isinstance(value, Buffer):
                    if buffers is None:
                        raise AttributeError("cannot assign buffer before Module.__init__() call")
                    _remove_from(self, name, buffers)
                    self.register_buffer(name, value, value.__dict__.get("persistent", True))
                elif buffers is not None and name in buffers:
                    if value is not None and not isinstance(value, Tensor):
                        raise TypeError(
                            f"cannot assign '{_typename(value)}' as buffer '{name}' "
                            "(torch.Tensor or None expected)"
                        )
                    buffers[name] = value
                else:
                    object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        d = self.__dict__
        if name in d.get("_parameters", ()):
            del d["_parameters"][name]
        elif name in d.get("_buffers", ()):
            del d["_buffers"][name]
            d["_non_persistent_buffers_set"].discard(name)
        elif name in d.get("_modules", ()):
            del d["_modules"][name]
        else:
            object.__delattr__(self, name)

    def __dir__(self) -> list[str]:
        keys = list(object.__dir__(self)) + list(self._parameters) + list(self._modules) + \
            list(self._buffers)
        return sorted(k for k in set(keys) if not k[0].isdigit())

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    # ---- traversal -------------------------------------------------------------------------------
    def _named_members(self, get_members: Callable, prefix: str = "", recurse: bool = True,
                       remove_duplicate: bool = True) -> Iterator[tuple[str, Any]]:
        memo: set = set()
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) \
            if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for k, v in get_members(module):
                if v is None or (remove_duplicate and id(v) in memo):
                    continue
                if remove_duplicate:
                    memo.add(id(v))
                yield (module_prefix + ("." if module_prefix else "") + k, v)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """The parameters of this module (and of all submodules when ``recurse``), each once.

        Example:
            >>> [tuple(p.shape) for p in torch.nn.Linear(3, 2).parameters()]
            [(2, 3), (2,)]
        """
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        """``(name, parameter)`` pairs with dotted names (``'fc1.weight'``).

        Example:
            >>> [n for n, _ in torch.nn.Linear(3, 2).named_parameters()]
            ['weight', 'bias']
        """
        yield from self._named_members(lambda m: m._parameters.items(), prefix, recurse,
                                       remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """The buffers of this module (and of all submodules when ``recurse``).

        Example:
            >>> len(list(torch.nn.BatchNorm1d(3).buffers()))
            3
        """
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        """``(name, buffer)`` pairs with dotted names.

        Example:
            >>> [n for n, _ in torch.nn.BatchNorm1d(3).named_buffers()]
            ['running_mean', 'running_var', 'num_batches_tracked']
        """
        yield from self._named_members(lambda m: m._buffers.items(), prefix, recurse,
                                       remove_duplicate)

    def children(self) -> Iterator[Module]:
        """The direct submodules, each once.

        Example:
            >>> len(list(torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Tanh()).children()))
            2
        """
        for _, m in self.named_children():
            yield m

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """``(name, module)`` pairs of the direct submodules.

        Example:
            >>> [n for n, _ in torch.nn.Sequential(torch.nn.ReLU()).named_children()]
            ['0']
        """
        memo: set = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in memo:
                memo.add(id(module))
                yield name, module

    def modules(self) -> Iterator[Module]:
        """This module and all its submodules, depth first, each once.

        Example:
            >>> len(list(torch.nn.Sequential(torch.nn.ReLU()).modules()))
            2
        """
        for _, m in self.named_modules():
            yield m

    def named_modules(self, memo: set | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]:
        """``(name, module)`` for this module (name ``prefix``) and every submodule.

        Example:
            >>> [n for n, _ in torch.nn.Sequential(torch.nn.ReLU()).named_modules()]
            ['', '0']
        """
        if memo is None:
            memo = set()
        if id(self) in memo:
            return
        if remove_duplicate:
            memo.add(id(self))
        yield prefix, self
        for name, module in self._modules.items():
            if module is None:
                continue
            sub = prefix + ("." if prefix else "") + name
            yield from module.named_modules(memo, sub, remove_duplicate)

    def get_submodule(self, target: str) -> Module:
        """The submodule at dotted path ``target`` (``''`` is self).

        Example:
            >>> net = torch.nn.Sequential(torch.nn.Sequential(torch.nn.ReLU()))
            >>> net.get_submodule("0.0")
            ReLU()
        """
        if target == "":
            return self
        mod: Module = self
        for item in target.split("."):
            if not hasattr(mod, item):
                raise AttributeError(f"{mod._get_name()} has no attribute `{item}`")
            mod = getattr(mod, item)
            if not isinstance(mod, Module):
                raise AttributeError(f"`{item}` is not an nn.Module")
        return mod

    def get_parameter(self, target: str) -> Parameter:
        """The parameter at dotted path ``target`` (``'0.weight'``).

        Example:
            >>> torch.nn.Sequential(torch.nn.Linear(2, 3)).get_parameter("0.bias").shape
            torch.Size([3])
        """
        module_path, _, name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if not hasattr(mod, name):
            raise AttributeError(f"{mod._get_name()} has no attribute `{name}`")
        param = getattr(mod, name)
        if not isinstance(param, Parameter):
            raise AttributeError(f"`{name}` is not an nn.Parameter")
        return param

    def get_buffer(self, target: str) -> Tensor:
        """The buffer at dotted path ``target``.

        Example:
            >>> torch.nn.BatchNorm1d(2).get_buffer("running_var")
            tensor([1., 1.])
        """
        module_path, _, name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if name not in mod._buffers:
            raise AttributeError(f"`{name}` is not a buffer")
        return mod._buffers[name]

    # ---- modes and conversions -------------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Set training mode on this module and its submodules (Dropout, BatchNorm care).

        Example:
            >>> torch.nn.Dropout().train(False).training
            False
        """
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self) -> Module:
        """``train(False)``.

        Example:
            >>> torch.nn.Dropout().eval().training
            False
        """
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Set ``requires_grad`` of every parameter; returns self.

        Example:
            >>> m = torch.nn.Linear(2, 2).requires_grad_(False)
            >>> m.weight.requires_grad
            False
        """
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all parameters (to None by default, as torch 2).

        Example:
            >>> m = torch.nn.Linear(2, 1); m(torch.ones(1, 2)).sum().backward()
            >>> m.zero_grad(); m.weight.grad is None
            True
        """
        for p in self.parameters():
            if p._grad is not None:
                if set_to_none:
                    p._grad = None
                else:
                    g = p._grad
                    if g._graph is not None:
                        p._grad = g.detach()
                        g = p._grad
                    g.requires_grad_(False)
                    g.zero_()

    def apply(self, fn: Callable[[Module], None]) -> Module:
        """Call ``fn`` on every submodule (children first) and on self; returns self.

        Example:
            >>> def init(m):
            ...     if isinstance(m, torch.nn.Linear):
            ...         torch.nn.init.zeros_(m.weight)
            >>> float(torch.nn.Sequential(torch.nn.Linear(2, 2)).apply(init)[0].weight.sum())
            0.0
        """
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    def _apply(self, fn: Callable[[Tensor], Tensor], recurse: bool = True) -> Module:
        """Rebind every parameter, gradient and buffer to ``fn(tensor)`` in place (the
        Parameter objects stay the same, so an optimizer built before ``.to()`` still holds
        them, as in torch)."""
        if recurse:
            for module in self.children():
                module._apply(fn)
        with AG.no_grad():
            for p in self._parameters.values():
                if p is None:
                    continue
                new = fn(p)
                if new is not p:
                    p._set_value(new._data, bump=False)
                if p._grad is not None:
                    g = fn(p._grad)
                    if g is not p._grad:
                        p._grad._set_value(g._data, bump=False)
            for key, b in self._buffers.items():
                if b is not None:
                    self._buffers[key] = fn(b)
        return self

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """Move parameters and buffers to a device and/or cast floating ones to a dtype:
        ``to(device)``, ``to(dtype)``, ``to(device, dtype)``, ``to(tensor)``; in place,
        returns self.

        Example:
            >>> torch.nn.Linear(2, 2).to(torch.float64).weight.dtype
            torch.float64
        """
        from ... import _dtypes as D
        from ..._device import device as device_cls

        dtype = kwargs.pop("dtype", None)
        dev = kwargs.pop("device", None)
        kwargs.pop("non_blocking", None)
        kwargs.pop("memory_format", None)
        if kwargs:
            raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
        for a in args:
            if isinstance(a, Tensor):
                dtype, dev = a.dtype, a.device
            elif isinstance(a, (str, device_cls, int)) and not isinstance(a, bool) and not (
                    isinstance(a, str) and a in D._ALIASES and a not in ("cpu", "cuda")):
                dev = f"cuda:{a}" if isinstance(a, int) else a
            elif isinstance(a, bool) or a is None:
                continue
            else:
                dtype = a
        if dtype is not None:
            dtype = D.as_dtype(dtype)
            if not (dtype.is_floating_point or dtype.is_complex):
                raise TypeError(
                    "nn.Module.to only accepts floating point or complex dtypes, but got "
                    f"desired dtype={dtype}"
                )

        def convert(t: Tensor) -> Tensor:
            if dtype is not None and (t.is_floating_point() or t.is_complex()):
                return t.to(dev, dtype) if dev is not None else t.to(dtype)
            return t.to(dev) if dev is not None else t

        return self._apply(convert)

    def cuda(self, device: Any = None) -> Module:
        """Move everything to the GPU (RuntimeError without one).

        Example:
            >>> torch.cuda.is_available() or True
            True
        """
        from ... import cuda as _cuda
        from ..._device import no_cuda_error

        if not _cuda.is_available():
            raise no_cuda_error()
        return self.to("cuda" if device is None else device)

    def cpu(self) -> Module:
        """Move everything to the CPU.

        Example:
            >>> torch.nn.Linear(2, 2).cpu().weight.device
            device(type='cpu')
        """
        return self.to("cpu")

    def type(self, dst_type: Any) -> Module:
        """Cast all parameters and buffers to ``dst_type``.

        Example:
            >>> torch.nn.Linear(1, 1).type(torch.float64).bias.dtype
            torch.float64
        """
        return self._apply(lambda t: t.to(dst_type))

    def float(self) -> Module:
        """Cast floating parameters and buffers to float32.

        Example:
            >>> torch.nn.Linear(1, 1).double().float().weight.dtype
            torch.float32
        """
        from ... import _dtypes as D

        return self._apply(lambda t: t.to(D.float32) if t.is_floating_point() else t)

    def double(self) -> Module:
        """Cast floating parameters and buffers to float64.

        Example:
            >>> torch.nn.Linear(1, 1).double().weight.dtype
            torch.float64
        """
        from ... import _dtypes as D

        return self._apply(lambda t: t.to(D.float64) if t.is_floating_point() else t)

    def half(self) -> Module:
        """Cast floating parameters and buffers to float16.

        Example:
            >>> torch.nn.Linear(1, 1).half().weight.dtype
            torch.float16
        """
        from ... import _dtypes as D

        return self._apply(lambda t: t.to(D.float16) if t.is_floating_point() else t)

    def bfloat16(self) -> Module:
        """Cast floating parameters and buffers to bfloat16.

        Example:
            >>> isinstance(torch.nn.Linear(1, 1).bfloat16(), torch.nn.Linear)
            True
        """
        from ... import _dtypes as D

        return self._apply(lambda t: t.to(D.bfloat16) if t.is_floating_point() else t)

    def share_memory(self) -> Module:
        """No-op (Arrays are immutable); returns self.

        Example:
            >>> isinstance(torch.nn.ReLU().share_memory(), torch.nn.ReLU)
            True
        """
        return self

    # ---- repr ------------------------------------------------------------------------------------
    def _get_name(self) -> str:
        return type(self).__name__

    def extra_repr(self) -> str:
        """The layer's own settings in its repr (override in subclasses).

        Example:
            >>> torch.nn.Linear(2, 3).extra_repr()
            'in_features=2, out_features=3, bias=True'
        """
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({key}): " + _addindent(repr(module), 2)
                       for key, module in self._modules.items()]
        lines = extra_lines + child_lines
        main = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                main += extra_lines[0]
            else:
                main += "\n  " + "\n  ".join(lines) + "\n"
        return main + ")"


def _check_name(name: Any, what: str) -> None:
    if not isinstance(name, str):
        raise TypeError(f"{what} name should be a string. Got {_typename(name)}")
    if "." in name:
        raise KeyError(f'{what} name can\'t contain "."')
    if name == "":
        raise KeyError(f'{what} name can\'t be empty string ""')


def _remove_from(module: Module, name: str, keep: dict) -> None:
    d = module.__dict__
    for registry in (d["_parameters"], d["_buffers"], d["_modules"]):
        if registry is not keep:
            registry.pop(name, None)
    if keep is not d["_buffers"]:
        d["_non_persistent_buffers_set"].discard(name)
    d.pop(name, None)
