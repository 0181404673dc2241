"""Views: tensors cut from a base tensor that write back into it.

torch's views share storage; immutable Arrays cannot, so a ``_View`` keeps its base (the root
tensor), ``_vfn`` to recompute itself from the base, and ``_vinv`` to write a new value of
itself back into the base. It re-reads the base lazily when the base changed (its ``_gen``
moved), and an in-place op on the view rebinds the base through ``_vinv``.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import _autograd as AG
from ._tensor import Tensor, _leaf_inplace_error

# ---- views -------------------------------------------------------------------------------------

_S_DATA = Tensor.__dict__["_data"]
_S_GRAPH = Tensor.__dict__["_graph"]
_S_TRACER = Tensor.__dict__["_tracer"]
_S_FN = Tensor.__dict__["_fn"]


def _detached(t: Tensor) -> Tensor:
    return Tensor._from_value(t._data)


class _View(Tensor):
    """A tensor cut from a base tensor (see the module docstring). ``_vfn(base)`` recomputes
    it from the base; ``_vinv(base, value)`` gives the base with this view's elements replaced
    by ``value``. A data view (``.data``, ``detach()``) writes the base's value untracked by
    autograd."""

    __slots__ = ("_base", "_vfn", "_vinv", "_seen", "_data_view")

    @staticmethod
    def _of(src: Tensor, fn: Callable, inv: Callable, *, share_version: bool = True,
            data_view: bool = False, value: Tensor | None = None) -> _View:
        """A view of ``src`` computed by ``fn(src)`` (or given as ``value``), with ``inv(src,
        v)`` the inverse (``src`` with the view's elements replaced by ``v``)."""
        if isinstance(src, _View):
            base = src._base
            data_view = data_view or src._data_view
            vfn, vinv = _compose(src._vfn, src._vinv, fn, inv)
        else:
            base, vfn, vinv = src, fn, inv
        out = value if value is not None else fn(src)
        v = object.__new__(_View)
        _S_DATA.__set__(v, out._data)
        _S_GRAPH.__set__(v, out._graph)
        _S_TRACER.__set__(v, out._tracer)
        _S_FN.__set__(v, out._fn)
        v._rg = False
        v._grad = v._hooks = None
        v._gen = 0
        if share_version:
            if base._vc is None:
                base._vc = [0]
            v._vc = base._vc
        else:
            v._vc = None
        v._base, v._vfn, v._vinv = base, vfn, vinv
        v._data_view = data_view
        v._seen = base._gen
        return v

    def _sync(self) -> None:
        base = self._base
        if self._seen != base._gen:
            out = self._vfn(base)
            _S_DATA.__set__(self, out._data)
            _S_GRAPH.__set__(self, out._graph)
            _S_TRACER.__set__(self, out._tracer)
            _S_FN.__set__(self, out._fn)
            self._seen = base._gen

    def _get(slot: Any) -> property:  # noqa: N805  (a helper run in the class body)
        def getter(self: _View) -> Any:
            if self._seen != self._base._gen:
                self._sync()
            return slot.__get__(self)

        return property(getter, lambda self, v: slot.__set__(self, v))

    _data = _get(_S_DATA)
    _graph = _get(_S_GRAPH)
    _tracer = _get(_S_TRACER)
    _fn = _get(_S_FN)
    del _get

    @property
    def _base_tensor(self) -> Tensor:
        return self._base

    def _check_inplace(self) -> None:
        base = self._base
        if not self._data_view and base._rg and base._graph is None and AG._mode.enabled:
            raise _leaf_inplace_error(view=True)

    def __deepcopy__(self, memo: dict) -> Tensor:
        """A deep copy of a view is an independent plain tensor with its current values (as in
        torch: ``copy.deepcopy(model.state_dict())`` keeps a snapshot of the weights)."""
        if self._graph is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the "
                "deepcopy protocol at the moment. Use .detach().clone() first."
            )
        out = Tensor._leaf(self._data, False)
        out._rg = self._rg
        if self._grad is not None:
            out._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = out
        return out

    def _assign(self, out: Tensor) -> Tensor:
        base = self._base
        shared = self._vc is base._vc and self._vc is not None
        if self._data_view:  # untracked by autograd: only the base's value changes
            with AG.no_grad():
                new_base = self._vinv(base, Tensor._from_value(out._data))
            base._set_value(new_base._data, bump=shared)
        else:
            base._assign(self._vinv(base, out))
        _S_DATA.__set__(self, out._data)
        if not self._data_view:
            _S_GRAPH.__set__(self, out._graph)
            _S_TRACER.__set__(self, out._tracer)
            _S_FN.__set__(self, out._fn)
        if not shared:
            vc = self._vc
            if vc is None:
                self._vc = [1]
            else:
                vc[0] += 1
        self._seen = base._gen
        return self

    def _set_value(self, value: Any, bump: bool = True) -> None:
        self._assign(Tensor._from_value(value))

    def detach_(self) -> Tensor:
        raise RuntimeError(
            "Can't detach views in-place. Use detach() instead (y = x.detach())."
        )


def _compose(vfn0: Callable, vinv0: Callable, fn: Callable, inv: Callable) -> tuple:
    """The (view, inverse) pair of view ``fn``/``inv`` taken of view ``vfn0``/``vinv0``."""
    return (lambda b: fn(vfn0(b))), (lambda b, v: vinv0(b, inv(vfn0(b), v)))


def _replace(src: Tensor, v: Tensor) -> Tensor:
    return v
