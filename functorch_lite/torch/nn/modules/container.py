"""Containers: ``Sequential``, ``ModuleList``, ``ModuleDict``, ``ParameterList``,
``ParameterDict`` (torch's indexing, naming and repr)."""
from __future__ import annotations

import operator
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ..._tensor import Tensor
from ..parameter import Parameter
from .module import Module, _addindent

__all__ = ["Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict"]


def _index(idx: Any, n: int, what: str) -> int:
    idx = operator.index(idx)
    if not -n <= idx < n:
        raise IndexError(f"index {idx} is out of range for a {what} of length {n}")
    return idx % n


class Sequential(Module):
    """Modules applied in order: ``Sequential(m0, m1, ...)`` (children named ``'0'``,
    ``'1'``...) or ``Sequential(OrderedDict(name=module))``.

    Example:
        >>> net = torch.nn.Sequential(torch.nn.Linear(4, 2), torch.nn.ReLU())
        >>> net(torch.ones(3, 4)).shape
        torch.Size([3, 2])
        >>> net[0]
        Linear(in_features=4, out_features=2, bias=True)
    """

    def __init__(self, *args: Any) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for key, module in args[0].items():
                self.add_module(key, module)
        else:
            for idx, module in enumerate(args):
                self.add_module(str(idx), module)

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, slice):
            return type(self)(OrderedDict(list(self._modules.items())[idx]))
        keys = list(self._modules)
        return self._modules[keys[_index(idx, len(keys), "Sequential")]]

    def __setitem__(self, idx: int, module: Module) -> None:
        keys = list(self._modules)
        setattr(self, keys[_index(idx, len(keys), "Sequential")], module)

    def __delitem__(self, idx: Any) -> None:
        keys = list(self._modules)
        if isinstance(idx, slice):
            for key in keys[idx]:
                delattr(self, key)
        else:
            delattr(self, keys[_index(idx, len(keys), "Sequential")])
        # renumber as torch does, keeping the order
        items = list(self._modules.items())
        self._modules.clear()
        self._modules.update((str(i), m) for i, (_, m) in enumerate(items))

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __add__(self, other: Sequential) -> Sequential:
        if not isinstance(other, Sequential):
            raise ValueError("add operator supports only objects of Sequential class, but "
                             f"{type(other)} is given.")
        out = Sequential()
        for i, module in enumerate(list(self) + list(other)):
            out.add_module(str(i), module)
        return out

    def append(self, module: Module) -> Sequential:
        """Add ``module`` at the end; returns self.

        Example:
            >>> len(torch.nn.Sequential().append(torch.nn.ReLU()))
            1
        """
        self.add_module(str(len(self)), module)
        return self

    def insert(self, index: int, module: Module) -> Sequential:
        """Insert ``module`` before position ``index``; returns self.

        Example:
            >>> torch.nn.Sequential(torch.nn.ReLU()).insert(0, torch.nn.Tanh())[0]
            Tanh()
        """
        if not isinstance(module, Module):
            raise AssertionError(f"module should be of type: {Module}")
        n = len(self._modules)
        if not -n <= index <= n:
            raise IndexError(f"Index out of range: {index}")
        if index < 0:
            index += n
        mods = list(self._modules.values())
        mods.insert(index, module)
        self._modules.clear()
        self._modules.update((str(i), m) for i, m in enumerate(mods))
        return self

    def extend(self, sequential: Iterable[Module]) -> Sequential:
        """Append every module of ``sequential``; returns self.

        Example:
            >>> len(torch.nn.Sequential().extend([torch.nn.ReLU(), torch.nn.Tanh()]))
            2
        """
        for layer in sequential:
            self.append(layer)
        return self

    def pop(self, key: int | slice) -> Module:
        """Remove and return the module at ``key``.

        Example:
            >>> torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Tanh()).pop(1)
            Tanh()
        """
        v = self[key]
        del self[key]
        return v

    def forward(self, input: Any) -> Any:
        for module in self._modules.values():
            input = module(input)
        return input


class ModuleList(Module):
    """A list of modules whose parameters are registered (children named ``'0'``, ``'1'``...).

    Example:
        >>> layers = torch.nn.ModuleList([torch.nn.Linear(2, 2) for _ in range(3)])
        >>> len(list(layers.parameters()))
        6
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self += modules

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, slice):
            return type(self)(list(self._modules.values())[idx])
        return self._modules[str(_index(idx, len(self), "ModuleList"))]

    def __setitem__(self, idx: int, module: Module) -> None:
        setattr(self, str(_index(idx, len(self), "ModuleList")), module)

    def __delitem__(self, idx: Any) -> None:
        if isinstance(idx, slice):
            for k in range(len(self._modules))[idx]:
                delattr(self, str(k))
        else:
            delattr(self, str(_index(idx, len(self), "ModuleList")))
        mods = list(self._modules.values())
        self._modules.clear()
        self._modules.update((str(i), m) for i, m in enumerate(mods))

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)

    def __add__(self, other: Iterable[Module]) -> ModuleList:
        out = ModuleList()
        for i, module in enumerate([*self, *other]):
            out.add_module(str(i), module)
        return out

    def insert(self, index: int, module: Module) -> None:
        """Insert ``module`` before position ``index``.

        Example:
            >>> ml = torch.nn.ModuleList([torch.nn.ReLU()]); ml.insert(0, torch.nn.Tanh())
            >>> ml[0]
            Tanh()
        """
        mods = list(self._modules.values())
        mods.insert(index, module)
        self._modules.clear()
        for i, m in enumerate(mods):
            self.add_module(str(i), m)

    def append(self, module: Module) -> ModuleList:
        """Add ``module`` at the end; returns self.

        Example:
            >>> len(torch.nn.ModuleList().append(torch.nn.ReLU()))
            1
        """
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Append every module of ``modules``; returns self.

        Example:
            >>> len(torch.nn.ModuleList().extend([torch.nn.ReLU()]))
            1
        """
        if not isinstance(modules, Iterable):
            raise TypeError("ModuleList.extend should be called with an iterable, but got "
                            + type(modules).__name__)
        offset = len(self)
        for i, module in enumerate(modules):
            self.add_module(str(offset + i), module)
        return self

    def pop(self, key: int | slice) -> Module:
        """Remove and return the module at ``key``.

        Example:
            >>> torch.nn.ModuleList([torch.nn.ReLU()]).pop(0)
            ReLU()
        """
        v = self[key]
        del self[key]
        return v

    def __repr__(self) -> str:
        reprs = [repr(m) for m in self]
        if not reprs:
            return self._get_name() + "()"
        blocks: list[list] = []  # [start, end, repr] runs of identical reprs
        for i, r in enumerate(reprs):
            if blocks and blocks[-1][2] == r:
                blocks[-1][1] = i
            else:
                blocks.append([i, i, r])
        lines = []
        for start, end, r in blocks:
            line = f"({start}): {r}" if start == end else \
                f"({start}-{end}): {end - start + 1} x {r}"
            lines.append(_addindent(line, 2))
        return self._get_name() + "(\n  " + "\n  ".join(lines) + "\n)"

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            "ModuleList has no forward(): iterate over it in your module's forward"
        )


class ModuleDict(Module):
    """A dict of modules whose parameters are registered (insertion order kept).

    Example:
        >>> d = torch.nn.ModuleDict({"act": torch.nn.ReLU()})
        >>> d["act"]
        ReLU()
    """

    def __init__(self, modules: Mapping[str, Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: str) -> bool:
        return key in self._modules

    def clear(self) -> None:
        """Remove every module.

        Example:
            >>> d = torch.nn.ModuleDict({"a": torch.nn.ReLU()}); d.clear(); len(d)
            0
        """
        self._modules.clear()

    def pop(self, key: str) -> Module:
        """Remove and return the module under ``key``.

        Example:
            >>> torch.nn.ModuleDict({"a": torch.nn.ReLU()}).pop("a")
            ReLU()
        """
        v = self[key]
        del self[key]
        return v

    def keys(self) -> Iterable[str]:
        """The keys.

        Example:
            >>> list(torch.nn.ModuleDict({"a": torch.nn.ReLU()}).keys())
            ['a']
        """
        return self._modules.keys()

    def items(self) -> Iterable[tuple[str, Module]]:
        """The (key, module) pairs.

        Example:
            >>> [k for k, _ in torch.nn.ModuleDict({"a": torch.nn.ReLU()}).items()]
            ['a']
        """
        return self._modules.items()

    def values(self) -> Iterable[Module]:
        """The modules.

        Example:
            >>> list(torch.nn.ModuleDict({"a": torch.nn.ReLU()}).values())
            [ReLU()]
        """
        return self._modules.values()

    def update(self, modules: Any) -> None:
        """Add the modules of a mapping or of an iterable of (key, module) pairs.

        Example:
            >>> d = torch.nn.ModuleDict(); d.update([("a", torch.nn.ReLU())]); len(d)
            1
        """
        if isinstance(modules, Mapping):
            for key, module in modules.items():
                self[key] = module
        else:
            for j, pair in enumerate(modules):
                if len(pair) != 2:
                    raise ValueError(f"ModuleDict update sequence element #{j} has length "
                                     f"{len(pair)}; 2 is required")
                self[pair[0]] = pair[1]


def _as_parameter(value: Any) -> Any:
    if isinstance(value, Tensor) and not isinstance(value, Parameter):
        return Parameter(value)
    return value


def _param_line(k: Any, p: Any, legacy_type: bool = False) -> str:
    if isinstance(p, Tensor):
        size = "x".join(str(s) for s in p.size())
        dev = f" ({p.device})" if p.device.type == "cuda" else ""
        kind = "Parameter" if isinstance(p, Parameter) else "Tensor"
        what = p.type() if legacy_type else p.dtype  # torch: ParameterDict shows the type name
        return f"  ({k}): {kind} containing: [{what} of size {size}{dev}]"
    return f"  ({k}): Object of type: {type(p).__name__}"


class ParameterList(Module):
    """A list of parameters (plain tensors are wrapped in ``Parameter``), registered under
    ``'0'``, ``'1'``...

    Example:
        >>> pl = torch.nn.ParameterList([torch.nn.Parameter(torch.ones(2)) for _ in range(2)])
        >>> [n for n, _ in pl.named_parameters()]
        ['0', '1']
    """

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        self._size = 0
        if values is not None:
            self += values

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, slice):
            return ParameterList([self[i] for i in range(self._size)[idx]])
        return getattr(self, str(_index(idx, self._size, "ParameterList")))

    def __setitem__(self, idx: int, param: Any) -> None:
        setattr(self, str(_index(idx, self._size, "ParameterList")), _as_parameter(param))

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Any]:
        return iter(self[i] for i in range(self._size))

    def __iadd__(self, parameters: Iterable[Any]) -> ParameterList:
        return self.extend(parameters)

    def append(self, value: Any) -> ParameterList:
        """Add ``value`` at the end; returns self.

        Example:
            >>> len(torch.nn.ParameterList().append(torch.ones(1)))
            1
        """
        new_idx = self._size
        self._size += 1
        setattr(self, str(new_idx), _as_parameter(value))
        return self

    def extend(self, values: Iterable[Any]) -> ParameterList:
        """Append every value; returns self.

        Example:
            >>> len(torch.nn.ParameterList().extend([torch.ones(1), torch.ones(2)]))
            2
        """
        for value in values:
            self.append(value)
        return self

    def extra_repr(self) -> str:
        return "\n".join(_param_line(k, p) for k, p in enumerate(self))

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("ParameterList has no forward(): index it instead")


class ParameterDict(Module):
    """A dict of parameters (plain tensors are wrapped in ``Parameter``).

    Example:
        >>> pd = torch.nn.ParameterDict({"w": torch.nn.Parameter(torch.ones(2))})
        >>> [n for n, _ in pd.named_parameters()]
        ['w']
    """

    def __init__(self, parameters: Any = None) -> None:
        super().__init__()
        self._keys: dict[str, None] = {}
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)

    def __setitem__(self, key: str, value: Any) -> None:
        self._keys[key] = None
        setattr(self, key, _as_parameter(value))

    def __delitem__(self, key: str) -> None:
        del self._keys[key]
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __contains__(self, key: str) -> bool:
        return key in self._keys

    def keys(self) -> Iterable[str]:
        """The keys.

        Example:
            >>> list(torch.nn.ParameterDict({"w": torch.ones(1)}).keys())
            ['w']
        """
        return self._keys.keys()

    def items(self) -> Iterable[tuple[str, Any]]:
        """The (key, parameter) pairs.

        Example:
            >>> [k for k, _ in torch.nn.ParameterDict({"w": torch.ones(1)}).items()]
            ['w']
        """
        return [(k, self[k]) for k in self._keys]

    def values(self) -> Iterable[Any]:
        """The parameters.

        Example:
            >>> len(list(torch.nn.ParameterDict({"w": torch.ones(1)}).values()))
            1
        """
        return [self[k] for k in self._keys]

    def pop(self, key: str) -> Any:
        """Remove and return the parameter under ``key``.

        Example:
            >>> torch.nn.ParameterDict({"w": torch.ones(1)}).pop("w").shape
            torch.Size([1])
        """
        v = self[key]
        del self[key]
        return v

    def get(self, key: str, default: Any = None) -> Any:
        """The parameter under ``key``, or ``default``.

        Example:
            >>> torch.nn.ParameterDict().get("w") is None
            True
        """
        return self[key] if key in self else default

    def clear(self) -> None:
        """Remove every parameter.

        Example:
            >>> pd = torch.nn.ParameterDict({"w": torch.ones(1)}); pd.clear(); len(pd)
            0
        """
        for k in list(self._keys):
            del self[k]

    def update(self, parameters: Any) -> None:
        """Add the parameters of a mapping or an iterable of (key, value) pairs.

        Example:
            >>> pd = torch.nn.ParameterDict(); pd.update({"w": torch.ones(1)}); len(pd)
            1
        """
        items = parameters.items() if isinstance(parameters, Mapping) else parameters
        if isinstance(parameters, (OrderedDict, ParameterDict)) or not isinstance(
                parameters, Mapping):
            for k, v in items:
                self[k] = v
        else:
            for k, v in sorted(items):  # torch sorts plain dicts' keys
                self[k] = v

    def extra_repr(self) -> str:
        return "\n".join(_param_line(k, p, True) for k, p in self.items())

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("ParameterDict has no forward(): index it instead")
