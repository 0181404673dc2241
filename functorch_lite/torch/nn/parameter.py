"""``torch.nn.Parameter``: a leaf Tensor that a Module registers as a learnable parameter."""
from __future__ import annotations

from typing import Any

from .._tensor import Tensor

__all__ = ["Parameter", "Buffer"]


class Parameter(Tensor):
    """A Tensor that, assigned as a Module attribute, is registered as a parameter.

    ``Parameter(data=None, requires_grad=True)``: a leaf over ``data``'s value (an empty
    float tensor when ``data`` is None). Arrays are immutable, so sharing storage with ``data``
    is never observable.

    Example:
        >>> p = torch.nn.Parameter(torch.ones(2))
        >>> p
        Parameter containing:
        tensor([1., 1.], requires_grad=True)
    """

    def __new__(cls, data: Any = None, requires_grad: bool = True) -> Parameter:
        if data is None:
            from .._creation import empty

            data = empty(0)
        elif not isinstance(data, Tensor):
            from .._creation import as_tensor

            data = as_tensor(data)
        return cls._leaf(data._data, requires_grad)

    def __init__(self, data: Any = None, requires_grad: bool = True):
        pass  # built in __new__ (Tensor._leaf)

    def __reduce_ex__(self, protocol: int):
        return (Parameter, (Tensor._from_value(self._data), self.requires_grad))


class Buffer(Tensor):
    """``torch.nn.Buffer``: a Tensor that, assigned as a Module attribute, is registered as a
    buffer (``persistent=False`` keeps it out of the state_dict).

    Example:
        >>> m = torch.nn.Module(); m.stat = torch.nn.Buffer(torch.zeros(2))
        >>> list(m.state_dict())
        ['stat']
    """

    def __new__(cls, data: Any = None, *, persistent: bool = True) -> Buffer:
        if data is None:
            from .._creation import empty

            data = empty(0)
        out = cls._leaf(data._data, False)
        out.persistent = persistent
        return out

    def __init__(self, data: Any = None, *, persistent: bool = True):
        pass  # built in __new__
