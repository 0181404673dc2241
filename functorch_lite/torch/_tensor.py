"""``torch.Tensor``: a stateful handle on an immutable core Array.

A Tensor holds ``_data`` (a core Array, or a core tracer when facade code runs inside a core
transformation) and, when it was computed from tensors that require grad, its node in a graph
(``_graph``, ``_tracer``, ``_fn``: see _autograd.py). In-place methods never mutate an Array:
they compute the new value out of place and *rebind* the tensor to it (``_assign``), bumping
its version counter. Views (``.data``, ``detach()``, basic indexing, ``view``/``reshape``/
``transpose``/``permute``/``squeeze``/``unsqueeze``/``flatten``) are ``_View`` tensors that
remember their base and how they were cut from it: an in-place change of a view is written back
into the base, and a view re-reads its base when the base changed since. So ``p.data.add_(u)``,
``x[0] = v``, ``w[:, 1].zero_()`` and ``x.view(-1).mul_(2)`` change the base as in torch.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .._src.array import Array
from .._src.core import Tracer
from . import _autograd as AG
from . import _dtypes as D
from ._device import device_of, move, no_cuda_error
from ._tensor_str import format_tensor


class Size(tuple):
    """A tensor's shape: a tuple of ints (``torch.Size([2, 3])``).

    Example:
        >>> torch.zeros(2, 3).size()
        torch.Size([2, 3])
    """

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"

    def numel(self) -> int:
        return math.prod(self)

    def __getitem__(self, i: Any) -> Any:
        out = tuple.__getitem__(self, i)
        return Size(out) if isinstance(i, slice) else out

    def __add__(self, other: Any) -> Size:
        return Size(tuple(self) + tuple(other))


_TYPE_NAMES = {
    "float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
    "int64": "LongTensor", "int32": "IntTensor", "int16": "ShortTensor", "int8": "CharTensor",
    "uint8": "ByteTensor", "bool": "BoolTensor", "complex64": "ComplexFloatTensor",
    "complex128": "ComplexDoubleTensor",
}


def type_name(np_dtype: Any, cuda: bool = False) -> str:
    """torch's legacy type string for a dtype: 'torch.FloatTensor', 'torch.cuda.LongTensor'."""
    name = _TYPE_NAMES[D.from_np(np.dtype(np_dtype)).name]
    return f"torch.cuda.{name}" if cuda else f"torch.{name}"


def _leaf_inplace_error(view: bool = False) -> RuntimeError:
    what = "a view of a leaf Variable" if view else "a leaf Variable"
    return RuntimeError(
        f"{what} that requires grad is being used in an in-place operation. Wrap the update "
        "in `with torch.no_grad():` (as optimizers do), or use the out-of-place form "
        "(w = w + 1) to build a new tensor"
    )


# While a torch.func transform runs, the tensors changed in place and their values before
# (id -> (tensor, old value)), so that state a transform must not keep (a per-example value
# stored in a module buffer) can be found and put back (see func._settled_state).
MUTATION_LOGS: list[dict] = []


class Tensor:
    """A multi-dimensional array with torch's API and autograd, over a core Array.

    Create tensors with ``torch.tensor``, ``torch.zeros``, ``torch.randn``...;
    ``torch.Tensor(data)`` and ``torch.Tensor(*sizes)`` (float tensors) work as in torch.

    Example:
        >>> w = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> loss = (w * w).sum()
        >>> loss.backward()
        >>> w.grad
        tensor([2., 4.])
    """

    __slots__ = ("_data", "_graph", "_tracer", "_fn", "_rg", "_grad", "_vc", "_gen", "_hooks",
                 "__dict__", "__weakref__")
    __array_priority__ = 1000  # numpy_array + tensor -> Tensor.__radd__

    def __new__(cls, *args: Any, **kwargs: Any) -> Tensor:
        self = object.__new__(cls)
        _init_leaf(self, None, False)
        if args or kwargs.get("size") is not None:
            from ._creation import legacy_new

            self._data = legacy_new(args, kwargs)._data
        elif kwargs.get("device") is not None:
            self._data = Array(np.zeros((0,), D.get_default_dtype().np))
        return self

    def __init__(self, *args: Any, **kwargs: Any):
        pass  # everything is set in __new__ (subclasses such as Parameter construct there too)

    # ---- construction (internal) ----------------------------------------------------------------
    @staticmethod
    def _from_value(value: Any) -> Tensor:
        """A plain tensor (no graph, requires_grad False) over core value ``value``."""
        t = object.__new__(Tensor)
        t._data = value
        t._graph = t._tracer = t._fn = t._grad = t._hooks = None
        t._rg = False
        t._vc = None
        t._gen = 0
        return t

    @staticmethod
    def _make_node(value: Any, graph: Any, tracer: Any, name: str) -> Tensor:
        """A non-leaf tensor: ``value`` computed as ``tracer`` in ``graph`` by op ``name``."""
        t = object.__new__(Tensor)
        t._data = value
        t._graph = graph
        t._tracer = tracer
        t._fn = name
        t._grad = t._hooks = None
        t._rg = False
        t._vc = None
        t._gen = 0
        return t

    @classmethod
    def _leaf(cls, value: Any, requires_grad: bool = False) -> Tensor:
        """A leaf tensor of class ``cls`` (a Parameter, say) over core value ``value``."""
        t = object.__new__(cls)
        _init_leaf(t, value, False)
        if requires_grad:
            t.requires_grad_(True)
        return t

    # ---- autograd state -------------------------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        return self._graph is not None or self._rg

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set whether autograd records operations on this (leaf) tensor; returns self."""
        if self._graph is not None:
            if not requires_grad:
                raise RuntimeError(
                    "you can only change requires_grad flags of leaf variables. If you want to "
                    "use a computed variable in a subgraph that doesn't require differentiation "
                    "use var_no_grad = var.detach()."
                )
            return self
        if requires_grad and self._data.dtype.kind not in "fc":
            raise RuntimeError(
                "only Tensors of floating point and complex dtype can require gradients, got "
                f"{self.dtype}; convert first, e.g. x = x.float().requires_grad_()"
            )
        self._rg = bool(requires_grad)
        return self

    @property
    def _version(self) -> int:
        return 0 if self._vc is None else self._vc[0]

    @property
    def is_leaf(self) -> bool:
        return self._graph is None

    @property
    def grad_fn(self) -> Any:
        if self._graph is None:
            return None
        return Node(self._fn, self)

    @property
    def grad(self) -> Any:
        if self._graph is not None and self._grad is None and not self.__dict__.get("_retains"):
            AG.warn_nonleaf_grad()
        return self._grad

    @grad.setter
    def grad(self, value: Any) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got "
                                f"{type(value).__name__}")
            if tuple(value.shape) != tuple(self.shape):
                raise RuntimeError(
                    f"assigned grad has data of a different size: {value.shape} for a tensor of "
                    f"shape {self.shape}"
                )
        self._grad = value

    @property
    def retains_grad(self) -> bool:
        return bool(self.__dict__.get("_retains"))

    def retain_grad(self) -> None:
        """Make ``.grad`` of this non-leaf tensor hold its gradient after ``backward``."""
        if self._graph is None:
            if not self._rg:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        if self.__dict__.get("_retains"):
            return
        self.__dict__["_retains"] = True
        AG.add_tap(self, AG.weak_grad_setter(self))

    def register_hook(self, hook: Callable) -> Any:
        """Call ``hook(grad)`` with this tensor's gradient during backward; a returned tensor
        replaces the gradient. Returns a handle with ``.remove()``."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._graph is None:
            if self._hooks is None:
                self._hooks = []
            self._hooks.append(hook)
            hooks = self._hooks
            return _Handle(lambda: hook in hooks and hooks.remove(hook))

        def on_ct(ct: Any) -> Any:
            out = hook(Tensor._from_value(ct))
            return None if out is None else out._data

        return _Handle(AG.add_tap(self, on_ct))

    def backward(self, gradient: Any = None, retain_graph: bool | None = None,
                 create_graph: bool = False, inputs: Any = None) -> None:
        """Accumulate the gradient of this tensor into the ``.grad`` of the leaves it depends
        on. A non-scalar tensor needs ``gradient`` (the vector of the vector-Jacobian product).
        """
        if inputs is not None:
            inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
        from ._engine import run_backward

        run_backward([self], [gradient], retain_graph, create_graph, inputs)

    def detach(self) -> Tensor:
        """A tensor with the same data that does not require grad (a view: in-place changes of
        it change this tensor too, and count as in-place changes of it)."""
        from ._views import _detached, _replace, _View

        return _View._of(self, _detached, _replace, share_version=True, data_view=True)

    def detach_(self) -> Tensor:
        """Make this tensor a leaf that does not require grad; returns self."""
        self._graph = self._tracer = self._fn = None
        self._rg = False
        return self

    @property
    def data(self) -> Tensor:
        from ._views import _detached, _replace, _View

        return _View._of(self, _detached, _replace, share_version=False, data_view=True)

    @data.setter
    def data(self, value: Tensor) -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"Tensor.data must be set to a Tensor, got {type(value).__name__}")
        self._set_value(value._data, bump=False)

    # ---- in-place machinery ---------------------------------------------------------------------
    def _assign(self, out: Tensor) -> Tensor:
        """Rebind this tensor to ``out`` (an out-of-place result computed from it): the core of
        every in-place method. Bumps the version counter."""
        if MUTATION_LOGS:
            MUTATION_LOGS[-1].setdefault(id(self), (self, self._data))
        self._data = out._data
        old_box = self._vc
        old_version = None if old_box is None else old_box[0]
        if out._graph is not None or self._graph is not None:
            self._graph, self._tracer, self._fn = out._graph, out._tracer, out._fn
        self._bump()
        graph = out._graph
        if graph is not None and graph.saved:
            # The op that computed `out` read this tensor's old value (kept immutably, so
            # that is fine) and may have saved its own output, which this tensor now is:
            # re-point those version records to this tensor at its new version.
            box, version = self._vc, self._vc[0]
            index = len(graph.trace.tape) - 1  # the entry of the op that computed `out`
            for rec in graph.saved[-4:]:
                if rec[3] == index and (rec[0] is out._vc or (rec[0] is old_box and
                                                               rec[1] == old_version)):
                    rec[0], rec[1] = box, version
        return self

    def _bump(self) -> None:
        vc = self._vc
        if vc is None:
            self._vc = [1]
        else:
            vc[0] += 1
        self._gen += 1

    def _set_value(self, value: Any, bump: bool = True) -> None:
        """Replace the value without autograd noticing (``.data`` semantics): a non-leaf keeps
        its gradient path, with the new value."""
        if MUTATION_LOGS:
            MUTATION_LOGS[-1].setdefault(id(self), (self, self._data))
        if self._graph is not None:
            delta = Tensor._from_value(value - self._data)
            out = AG._record(lambda b, d: b + d, self._fn or "CopyBackwards", (self, delta),
                             None, AG.SAVE_NONE)
            self._graph, self._tracer = out._graph, out._tracer
        self._data = value
        if bump:
            self._bump()
        else:
            self._gen += 1

    def _check_inplace(self) -> None:
        if self._rg and self._graph is None and AG._mode.enabled:
            raise _leaf_inplace_error()

    def _inplace(self, out: Any) -> Tensor:
        """Write result ``out`` (a Tensor computed out of place) into this tensor, as torch's
        in-place ops do: same shape, result cast to this tensor's dtype."""
        self._check_inplace()
        if not isinstance(out, Tensor):
            from ._creation import tensor

            out = tensor(out, dtype=self.dtype)
        if out._data.shape != self._data.shape:
            if out._data.ndim <= self._data.ndim and np.broadcast_shapes(
                    out._data.shape, self._data.shape) == self._data.shape:
                out = out.expand(self.shape)
            else:
                raise RuntimeError(
                    f"output with shape {list(self.shape)} doesn't match the broadcast shape "
                    f"{list(out.shape)}: an in-place operation cannot change a tensor's shape; "
                    "use the out-of-place form (x = x + y)"
                )
        if out._data.dtype != self._data.dtype:
            if not D.can_cast(out.dtype, self.dtype):
                raise RuntimeError(
                    f"result type {_short(out.dtype)} can't be cast to the desired output type "
                    f"{_short(self.dtype)}; convert the tensor first (x = x.float()) or use the "
                    "out-of-place form"
                )
            out = out.to(self.dtype)
        return self._assign(out)

    # ---- basic properties -----------------------------------------------------------------------
    @property
    def _torch_dtype(self) -> D.dtype:
        return D._BY_NP[self._data.dtype]

    @property
    def dtype(self) -> D.dtype:
        return D._BY_NP[self._data.dtype]

    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: int | None = None) -> Any:
        """The shape (a torch.Size), or the length of dimension ``dim``."""
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_dim(dim, self._data.ndim)]

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        return math.prod(self._data.shape)

    nelement = numel

    @property
    def device(self) -> Any:
        return device_of(self._data)

    @property
    def is_cuda(self) -> bool:
        return self.device.type == "cuda"

    @property
    def is_cpu(self) -> bool:
        return self.device.type == "cpu"

    def get_device(self) -> int:
        return -1 if self.device.type == "cpu" else 0

    @property
    def itemsize(self) -> int:
        return self._data.dtype.itemsize

    def element_size(self) -> int:
        return self._data.dtype.itemsize

    @property
    def nbytes(self) -> int:
        return self._data.dtype.itemsize * self.numel()

    @property
    def layout(self) -> str:
        return "torch.strided"

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def is_complex(self) -> bool:
        return self._data.dtype.kind == "c"

    def is_contiguous(self, memory_format: Any = None) -> bool:
        return True

    def contiguous(self, memory_format: Any = None) -> Tensor:
        return self

    def type(self, dtype: Any = None, non_blocking: bool = False) -> Any:
        """Without arguments, the type string ('torch.FloatTensor'); with a dtype or type
        string, the tensor converted to it."""
        if dtype is None:
            return type_name(self._data.dtype, self.is_cuda)
        if isinstance(dtype, str) or isinstance(dtype, _LegacyType):
            name = dtype if isinstance(dtype, str) else dtype.type_string
            for np_name, tname in _TYPE_NAMES.items():
                if name.endswith("." + tname):
                    out = self.to(D._BY_NAME[np_name])
                    return out.cuda() if ".cuda." in name else out
            raise ValueError(f"invalid type: '{name}'")
        return self.to(dtype)

    # ---- conversion to Python / numpy -----------------------------------------------------------
    def _concrete(self) -> np.ndarray:
        v = self._data
        if isinstance(v, Tracer):
            return np.asarray(v.to_concrete())
        return np.asarray(v)

    def item(self) -> Any:
        """The value of a one-element tensor as a Python number."""
        if self.numel() != 1:
            raise RuntimeError(
                f"a Tensor with {self.numel()} elements cannot be converted to Scalar: item() "
                "needs exactly one element; index it first (x[0].item()) or use x.tolist()"
            )
        v = self._data
        if isinstance(v, Tracer):
            return v.item()
        return v.item()

    def tolist(self) -> Any:
        """The tensor as (nested) Python lists of Python numbers."""
        return self._concrete().tolist()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """A numpy array with this tensor's values (a new array: it shares no memory with the
        tensor, since the tensor's Array is immutable)."""
        if self.requires_grad and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead."
            )
        if self.is_cuda and not force:
            raise TypeError(
                "can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() to copy the "
                "tensor to host memory first."
            )
        return np.array(self._concrete() if not self.is_cuda else self._data._value.get())

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        a = self._concrete() if not self.is_cuda else self.cpu()._concrete()
        return a.astype(dtype) if dtype is not None else np.array(a)

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __bool__(self) -> bool:
        if self.numel() != 1:
            raise RuntimeError(
                f"Boolean value of Tensor with more than one value is ambiguous (shape "
                f"{list(self.shape)}); use .any() or .all()"
            )
        return bool(self.item())

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub" or self.numel() != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return int(self.item())

    def __complex__(self) -> complex:
        return complex(self.item())

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0 or (spec and self.numel() == 1):
            return format(self.item(), spec)
        return format(repr(self), spec)

    __hash__ = object.__hash__  # tensors hash by identity (dict keys, sets), as in torch

    def __reduce_ex__(self, protocol: int):
        from ._creation import _rebuild

        return (_rebuild, (self.detach().numpy(force=True), self._rg))

    def __deepcopy__(self, memo: dict) -> Tensor:
        if self._graph is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the "
                "deepcopy protocol at the moment. Use .detach().clone() first."
            )
        out = type(self)._leaf(self._data, False)
        out._rg = self._rg
        out.__dict__.update({k: v for k, v in self.__dict__.items() if k != "_retains"})
        if self._grad is not None:
            out._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = out
        return out

    # ---- devices and dtypes ---------------------------------------------------------------------
    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """This tensor converted to a dtype and/or moved to a device: ``to(dtype)``,
        ``to(device)``, ``to(device, dtype)``, ``to(other_tensor)``; ``non_blocking`` and
        ``copy`` are accepted. Returns self when nothing changes."""
        from ._device import as_device
        from ._device import device as device_cls

        dtype = kwargs.pop("dtype", None)
        dev = kwargs.pop("device", None)
        copy = kwargs.pop("copy", False)
        kwargs.pop("non_blocking", None)
        kwargs.pop("memory_format", None)
        if kwargs:
            raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
        for a in args:
            if isinstance(a, Tensor):
                dtype, dev = a.dtype, a.device
            elif isinstance(a, (str, device_cls)) and not (isinstance(a, str) and a in D._ALIASES
                                                          and a not in ("cpu", "cuda")):
                dev = a
            elif isinstance(a, bool) or a is None:
                continue
            else:
                dtype = a
        out = self
        if dtype is not None:
            dt = D.as_dtype(dtype)
            if dt.np != self._data.dtype:
                out = AG.apply(_convert, "ToCopyBackward0", (out,), {"dtype": dt.np},
                               saves=AG.SAVE_NONE)
        if dev is not None:
            target = as_device(dev)
            if device_of(out._data) != target and not (target.type == "cuda" and out.is_cuda):
                out = AG.apply(lambda v: _moved(v, target), "ToCopyBackward0", (out,),
                               saves=AG.SAVE_NONE)
        if copy and out is self:
            out = self.clone()
        return out

    def cpu(self, memory_format: Any = None) -> Tensor:
        return self.to("cpu")

    def cuda(self, device: Any = None, non_blocking: bool = False, memory_format: Any = None
             ) -> Tensor:
        from . import cuda as _cuda

        if not _cuda.is_available():
            raise no_cuda_error()
        return self.to("cuda" if device is None else device)

    def float(self, memory_format: Any = None) -> Tensor:
        return self.to(D.float32)

    def double(self, memory_format: Any = None) -> Tensor:
        return self.to(D.float64)

    def half(self, memory_format: Any = None) -> Tensor:
        return self.to(D.float16)

    def bfloat16(self, memory_format: Any = None) -> Tensor:
        return self.to(D.bfloat16)

    def long(self, memory_format: Any = None) -> Tensor:
        return self.to(D.int64)

    def int(self, memory_format: Any = None) -> Tensor:
        return self.to(D.int32)

    def short(self, memory_format: Any = None) -> Tensor:
        return self.to(D.int16)

    def char(self, memory_format: Any = None) -> Tensor:
        return self.to(D.int8)

    def byte(self, memory_format: Any = None) -> Tensor:
        return self.to(D.uint8)

    def bool(self, memory_format: Any = None) -> Tensor:
        return self.to(D.bool)

    def type_as(self, other: Tensor) -> Tensor:
        return self.to(other.dtype)

    def pin_memory(self) -> Tensor:
        return self

    def share_memory_(self) -> Tensor:
        return self

    def cpu_numpy(self) -> np.ndarray:  # internal helper for other facade modules
        return self.detach().numpy(force=True)

    # ---- printing -------------------------------------------------------------------------------
    def __repr__(self, *, tensor_contents: Any = None) -> str:
        if isinstance(self._data, Tracer):
            try:
                values = self._concrete()
            except Exception:
                return f"tensor(<traced {self._data.aval.str_short()}>)"
        else:
            values = np.asarray(self._data) if not self.is_cuda else self._data._value.get()
        suffixes = []
        if self.is_cuda:
            suffixes.append("device='cuda:0'")
        dt = self.dtype
        default = dt is D.get_default_dtype() or dt is D.int64 or dt is D.bool
        if not default or values.size == 0 and dt is not D.get_default_dtype():
            suffixes.append(f"dtype={dt}")
        if self._graph is not None and AG._mode.enabled or self._graph is not None:
            suffixes.append(f"grad_fn=<{self._fn}>")
        elif self._rg:
            suffixes.append("requires_grad=True")
        prefix = "Parameter containing:\ntensor(" if type(self).__name__ == "Parameter" else \
            "tensor("
        if prefix != "tensor(":
            return "Parameter containing:\n" + format_tensor(values, suffixes)
        return format_tensor(values, suffixes)

    def __str__(self) -> str:
        return self.__repr__()


def _init_leaf(t: Tensor, value: Any, requires_grad: bool) -> None:
    t._data = value
    t._graph = t._tracer = t._fn = t._grad = t._hooks = None
    t._rg = requires_grad
    t._vc = None
    t._gen = 0


def _short(d: D.dtype) -> str:
    return {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
            "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
            "complex64": "ComplexFloat", "complex128": "ComplexDouble"}[d.name]


def _convert(v: Any, dtype: Any) -> Any:
    from .._src.numpy._convert import asarray

    return asarray(v, dtype=dtype)


def _moved(v: Any, target: Any) -> Any:
    if isinstance(v, Tracer):
        return v  # a traced value lives where its inputs live
    return move(v, target)


def _dim(d: int, ndim: int) -> int:
    n = max(ndim, 1)
    if not -n <= d < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})"
        )
    return d % n


class _Handle:
    """What ``register_hook`` returns: ``.remove()`` unregisters the hook."""

    def __init__(self, remove: Callable):
        self._remove = remove

    def remove(self) -> None:
        self._remove()


class Node:
    """A ``grad_fn``: names the operation that produced a non-leaf tensor.

    Example:
        >>> x = torch.ones(2, requires_grad=True)
        >>> (x + 1).grad_fn.name()
        'AddBackward0'
    """

    def __init__(self, name: str, tensor: Tensor):
        self._name = name
        self._tensor_ref = tensor

    def name(self) -> str:
        return self._name

    def __repr__(self) -> str:
        return f"<{self._name} object at {id(self):#x}>"

    @property
    def next_functions(self) -> tuple:
        return ()

    def register_hook(self, fn: Callable) -> Any:
        t = self._tensor_ref
        return t.register_hook(lambda g: fn((g,), (g,)))


class _LegacyType:
    """``torch.FloatTensor`` and friends: call to build a tensor of that type; pass to
    ``.type()`` to convert; ``isinstance(x, torch.FloatTensor)`` checks the dtype."""

    def __init__(self, type_string: str, dtype: D.dtype):
        self.type_string = type_string
        self.dtype = dtype
        self.__name__ = type_string.rsplit(".", 1)[-1]

    def __call__(self, *args: Any, **kwargs: Any) -> Tensor:
        from ._creation import legacy_new

        return legacy_new(args, kwargs, dtype=self.dtype)

    def __instancecheck__(self, obj: Any) -> bool:
        return isinstance(obj, Tensor) and obj.dtype is self.dtype

    def __repr__(self) -> str:
        return f"<class '{self.type_string}'>"


AG.Tensor = Tensor
