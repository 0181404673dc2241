"""vmap: a tracer carries a value with one extra axis, ``bdim`` (None: not batched)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..core import (
    ConcretizationTypeError,
    Primitive,
    ShapedArray,
    Trace,
    Tracer,
    get_aval,
    set_current_trace,
)


class BatchTracer(Tracer):
    __slots__ = ("val", "bdim")

    def __init__(self, trace: BatchTrace, val: Any, bdim: int):
        self._trace = trace
        self.val = val
        self.bdim = bdim

    @property
    def aval(self) -> ShapedArray:
        a = get_aval(self.val)
        shape = a.shape[: self.bdim] + a.shape[self.bdim + 1 :]
        return ShapedArray(shape, a.dtype)

    # Direct forwards (the numpy layer asks for these on every op).
    @property
    def shape(self) -> tuple[int, ...]:
        s, d = self.val.shape, self.bdim
        return tuple(s[:d]) + tuple(s[d + 1 :])

    dtype = property(lambda self: self.val.dtype)
    weak_type = property(lambda self: getattr(self.val, "weak_type", False))

    def to_concrete(self) -> Any:
        raise ConcretizationTypeError(
            "a vmapped value differs along the batch; its concrete value is not one value"
        )


class BatchTrace(Trace):
    kind = "vmap"

    def __init__(self, parent: Trace, axis_size: int):
        self.parent = parent
        self.axis_size = axis_size

    def _split(self, args) -> tuple[list, list]:
        vals, dims = [], []
        for a in args:
            if isinstance(a, BatchTracer) and a._trace is self:
                vals.append(a.val)
                dims.append(a.bdim)
            else:
                vals.append(a)
                dims.append(None)
        return vals, dims

    def process_primitive(self, prim: Primitive, args: tuple, params: dict) -> Any:
        vals, dims = self._split(args)
        with set_current_trace(self.parent):
            out, out_dim = prim.batch(vals, dims, **params)
        if prim.multiple_results:
            return tuple(self.wrap(o, d) for o, d in zip(out, out_dim))
        return self.wrap(out, out_dim)

    def wrap(self, val: Any, bdim: int | None) -> Any:
        return val if bdim is None else BatchTracer(self, val, bdim)

    def process_custom_jvp(self, call: Any, args: tuple) -> Any:
        vals, dims = self._split(args)
        batched = call.batched(dims, self.axis_size)
        with set_current_trace(self.parent):
            outs = batched(*vals)
        return [BatchTracer(self, o, 0) for o in outs]

    process_custom_vjp = process_custom_jvp


def batch_flat(fun: Callable, vals: list, in_dims: list, axis_size: int, out_dims: Any) -> list:
    """Run ``fun`` over flat lists with the given batch axes; outputs are moved to ``out_dims``
    (a list with an int axis, or None for an output that must not be batched, per output; or
    one int for all outputs)."""
    from ..core import _state

    trace = BatchTrace(_state.trace, axis_size)
    args = [v if d is None else BatchTracer(trace, v, d) for v, d in zip(vals, in_dims)]
    with set_current_trace(trace):
        outs = list(fun(*args))
    if out_dims is None or isinstance(out_dims, int):
        out_dims = [out_dims] * len(outs)
    return [place(trace, o, d) for o, d in zip(outs, out_dims)]


def place(trace: BatchTrace, out: Any, out_dim: int | None) -> Any:
    from ..prims.shape import broadcast_batch, moveaxis

    if isinstance(out, BatchTracer) and out._trace is trace:
        if out_dim is None:
            raise ValueError(
                f"vmap has out_axes=None for an output that is batched (per-example shape "
                f"{out.shape}): it differs along the mapped axis. Use out_axes=0 to stack it."
            )
        dim = out_dim % (out.ndim + 1)
        return moveaxis(out.val, out.bdim, dim)
    if out_dim is None:
        return out
    return broadcast_batch(out, trace.axis_size, out_dim)
