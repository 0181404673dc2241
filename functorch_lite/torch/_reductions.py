"""torch-named reductions over tensors (``sum``, ``mean``, ``max`` with values and indices,
``std``/``var`` with torch's Bessel default, ``softmax``, ``norm``...) with torch's ``dim=``/
``keepdim=`` and dtype rules (int and bool sums are int64; ``mean`` needs floats)."""
from __future__ import annotations

import builtins
from typing import Any

import numpy as np

import functorch_lite.nn as fnn
import functorch_lite.numpy as jnp

from . import _dtypes as D
from ._autograd import SAVE_BOTH, SAVE_INPUTS, SAVE_NONE, SAVE_OUTPUT, apply
from ._ops import _axes, _floatify, _norm_dim, isnan, max_result, maximum, min_result, minimum, sub
from ._tensor import Tensor

# ---- reductions --------------------------------------------------------------------------------

def _sum_dtype(x: Tensor, dtype: Any) -> Any:
    if dtype is not None:
        return D.as_dtype(dtype).np
    if x._data.dtype.kind in "biu":
        return np.dtype(np.int64)
    return None


def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Sum over all elements or over ``dim`` (int or tuple); ints and bools sum as int64.

    Example:
        >>> torch.sum(torch.tensor([[1, 2], [3, 4]]), dim=0)
        tensor([4, 6])
    """
    axis = _axes(dim, input._data.ndim)
    if input._data.ndim == 0:
        axis = None
    dt = _sum_dtype(input, dtype)
    name = "SumBackward0" if dim is None else "SumBackward1"
    return apply(lambda x: jnp.sum(x, axis=axis, keepdims=keepdim, dtype=dt), name, (input,),
                 saves=SAVE_NONE)


def nansum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None
           ) -> Tensor:
    """Sum treating NaN as zero.

    Example:
        >>> torch.nansum(torch.tensor([1.0, float('nan')]))
        tensor(1.)
    """
    from ._linalg import where

    return sum(where(isnan(input), 0.0, input), dim, keepdim, dtype=dtype)


def _need_float(x: Tensor, fname: str) -> None:
    if x._data.dtype.kind not in "fc":
        raise RuntimeError(
            f"{fname}(): could not infer output dtype. Input dtype must be either a floating "
            f"point or complex dtype. Got: {_short_name(x)}. Convert first, e.g. x.float()."
        )


def _short_name(x: Tensor) -> str:
    from ._tensor import _short

    return _short(x.dtype)


def mean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Mean over all elements or over ``dim`` (floating-point tensors only, as in torch).

    Example:
        >>> torch.mean(torch.tensor([1.0, 2.0, 4.0]))
        tensor(2.3333)
    """
    if dtype is not None:
        input = input.to(dtype)
    _need_float(input, "mean")
    axis = _axes(dim, input._data.ndim) if input._data.ndim else None
    name = "MeanBackward0" if dim is None else "MeanBackward1"
    return apply(lambda x: jnp.mean(x, axis=axis, keepdims=keepdim), name, (input,),
                 saves=SAVE_NONE)


def nanmean(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Mean ignoring NaN.

    Example:
        >>> torch.nanmean(torch.tensor([1.0, float('nan'), 3.0]))
        tensor(2.)
    """
    axis = _axes(dim, input._data.ndim)
    return apply(lambda x: jnp.nanmean(x, axis=axis, keepdims=keepdim), "NanmeanBackward0",
                 (input,))


def prod(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Product over all elements or over one ``dim``.

    Example:
        >>> torch.prod(torch.tensor([2, 3]))
        tensor(6)
    """
    axis = _axes(dim, input._data.ndim) if input._data.ndim else None
    dt = _sum_dtype(input, dtype)
    return apply(lambda x: jnp.prod(x, axis=axis, keepdims=keepdim, dtype=dt),
                 "ProdBackward0" if dim is None else "ProdBackward1", (input,), saves=SAVE_BOTH)


def _var_args(dim: Any, unbiased: Any, keepdim: Any, correction: Any) -> tuple:
    if isinstance(dim, builtins.bool):  # legacy std(input, unbiased)
        dim, unbiased = None, dim
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    return dim, builtins.bool(keepdim), correction


def var(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
        correction: Any = None) -> Tensor:
    """Variance with Bessel's correction by default (``correction=1``, torch's default).

    Example:
        >>> torch.var(torch.tensor([1.0, 2.0, 3.0]))
        tensor(1.)
    """
    dim, keepdim, correction = _var_args(dim, unbiased, keepdim, correction)
    _need_float(input, "var")
    axis = _axes(dim, input._data.ndim) if input._data.ndim else None
    return apply(lambda x: jnp.var(x, axis=axis, keepdims=keepdim, correction=correction),
                 "VarBackward0", (input,))


def std(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
        correction: Any = None) -> Tensor:
    """Standard deviation with Bessel's correction by default (``correction=1``).

    Example:
        >>> torch.std(torch.tensor([1.0, 2.0, 3.0]))
        tensor(1.)
    """
    dim, keepdim, correction = _var_args(dim, unbiased, keepdim, correction)
    _need_float(input, "std")
    axis = _axes(dim, input._data.ndim) if input._data.ndim else None
    return apply(lambda x: jnp.std(x, axis=axis, keepdims=keepdim, correction=correction),
                 "StdBackward0", (input,), saves=SAVE_BOTH)


def std_mean(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
             correction: Any = None) -> tuple:
    """``(std, mean)``.

    Example:
        >>> torch.std_mean(torch.tensor([1.0, 3.0]))
        (tensor(1.4142), tensor(2.))
    """
    return (std(input, dim, unbiased, keepdim, correction=correction), mean(input, dim, keepdim))


def var_mean(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
             correction: Any = None) -> tuple:
    """``(var, mean)``.

    Example:
        >>> torch.var_mean(torch.tensor([1.0, 3.0]))
        (tensor(2.), tensor(2.))
    """
    return (var(input, dim, unbiased, keepdim, correction=correction), mean(input, dim, keepdim))


def _extreme(jfn: Any, argfn: Any, result: Any, fname: str) -> Any:
    def op(input: Tensor, dim: Any = None, keepdim: bool = False, *, out: Any = None) -> Any:
        if isinstance(dim, Tensor):  # torch.max(a, b): elementwise
            return (maximum if fname == "max" else minimum)(input, dim)
        if dim is None:
            if input.numel() == 0:
                raise RuntimeError(
                    f"{fname}(): Expected reduction dim to be specified for input.numel() == 0."
                    " Specify the reduction dim with the 'dim' argument."
                )
            return apply(lambda x: jnp.max(x) if fname == "max" else jnp.min(x),
                         f"{fname.capitalize()}Backward1", (input,), saves=SAVE_BOTH)
        axis = _norm_dim(dim, input._data.ndim)

        def both(x: Any) -> tuple:
            idx = argfn(x, axis=axis, keepdims=True)
            vals = jnp.take_along_axis(x, idx, axis=axis)
            if not keepdim:
                vals = jnp.squeeze(vals, axis)
                idx = jnp.squeeze(idx, axis)
            return vals, idx.astype(np.int64)

        if input._data.ndim == 0:
            return result(input.clone(), _zeros_long(()))
        values, indices = apply(both, f"{fname.capitalize()}Backward0", (input,),
                                saves=SAVE_INPUTS)
        return result(values, indices)

    op.__name__ = fname
    op.__doc__ = (f"The {fname}imum of all elements; with ``dim``, a (values, indices) named tuple;"
                  f" with a tensor second argument, the elementwise {fname}imum.\n\n    Example:\n"
                  f"        >>> torch.{fname}(torch.tensor([[1.0, 3.0]]), dim=1)\n")
    return op


def _zeros_long(shape: tuple) -> Tensor:
    from .._src.array import Array

    return Tensor._from_value(Array(np.zeros(shape, np.int64)))


max = _extreme(jnp.max, jnp.argmax, max_result, "max")
min = _extreme(jnp.min, jnp.argmin, min_result, "min")


def amax(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    """Maximum over ``dim`` (all dims by default), values only.

    Example:
        >>> torch.amax(torch.tensor([[1, 5], [3, 2]]), dim=1)
        tensor([5, 3])
    """
    axis = _axes(dim, input._data.ndim)
    return apply(lambda x: jnp.max(x, axis=axis, keepdims=keepdim), "AmaxBackward0", (input,))


def amin(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    """Minimum over ``dim`` (all dims by default), values only.

    Example:
        >>> torch.amin(torch.tensor([[1, 5], [3, 2]]), dim=1)
        tensor([1, 2])
    """
    axis = _axes(dim, input._data.ndim)
    return apply(lambda x: jnp.min(x, axis=axis, keepdims=keepdim), "AminBackward0", (input,))


def _argext(jfn: Any, fname: str) -> Any:
    def op(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
        if dim is None:
            out = apply(lambda x: jfn(x).astype(np.int64), fname, (input,), saves=SAVE_NONE)
            return out.reshape((1,) * input.ndim) if keepdim else out
        axis = _norm_dim(dim, input._data.ndim)
        return apply(lambda x: jfn(x, axis=axis, keepdims=keepdim).astype(np.int64), fname,
                     (input,), saves=SAVE_NONE)

    op.__name__ = fname
    op.__doc__ = (f"The index of the {fname[3:]}imum (int64), over all elements or along ``dim``."
                  f"\n\n    Example:\n        >>> torch.{fname}(torch.tensor([1.0, 3.0, 2.0]))\n")
    return op


argmax = _argext(jnp.argmax, "argmax")
argmin = _argext(jnp.argmin, "argmin")


def all(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Whether all elements (over ``dim``) are nonzero.

    Example:
        >>> torch.all(torch.tensor([True, False]))
        tensor(False)
    """
    axis = _axes(dim, input._data.ndim)
    return apply(lambda x: jnp.all(x, axis=axis, keepdims=keepdim), "all", (input,),
                 saves=SAVE_NONE)


def any(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Whether any element (over ``dim``) is nonzero.

    Example:
        >>> torch.any(torch.tensor([True, False]))
        tensor(True)
    """
    axis = _axes(dim, input._data.ndim)
    return apply(lambda x: jnp.any(x, axis=axis, keepdims=keepdim), "any", (input,),
                 saves=SAVE_NONE)


def logsumexp(input: Tensor, dim: Any, keepdim: bool = False) -> Tensor:
    """``log(sum(exp(input)))`` over ``dim``, computed stably.

    Example:
        >>> torch.logsumexp(torch.tensor([0.0, 0.0]), dim=0)
        tensor(0.6931)
    """
    axis = _axes(dim, input._data.ndim)
    return apply(lambda x: fnn.logsumexp(x, axis=axis, keepdims=keepdim), "LogsumexpBackward0",
                 (_floatify(input),), saves=SAVE_BOTH)


def cumsum(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """Cumulative sum along ``dim``.

    Example:
        >>> torch.cumsum(torch.tensor([1, 2, 3]), dim=0)
        tensor([1, 3, 6])
    """
    axis = _norm_dim(dim, input._data.ndim)
    dt = _sum_dtype(input, dtype)
    return apply(lambda x: jnp.cumsum(x, axis=axis, dtype=dt), "CumsumBackward0", (input,),
                 saves=SAVE_NONE)


def cumprod(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """Cumulative product along ``dim``.

    Example:
        >>> torch.cumprod(torch.tensor([1, 2, 3]), dim=0)
        tensor([1, 2, 6])
    """
    axis = _norm_dim(dim, input._data.ndim)
    dt = _sum_dtype(input, dtype)
    return apply(lambda x: jnp.cumprod(x, axis=axis, dtype=dt), "CumprodBackward0", (input,),
                 saves=SAVE_BOTH)


def softmax(input: Tensor, dim: int | None = None, dtype: Any = None) -> Tensor:
    """Softmax along ``dim``.

    Example:
        >>> torch.softmax(torch.tensor([0.0, 0.0]), dim=0)
        tensor([0.5000, 0.5000])
    """
    if dtype is not None:
        input = input.to(dtype)
    dim = _implicit_dim(input, dim)
    return apply(lambda x: fnn.softmax(x, axis=dim), "SoftmaxBackward0", (_floatify(input),),
                 saves=SAVE_OUTPUT)


def log_softmax(input: Tensor, dim: int | None = None, dtype: Any = None) -> Tensor:
    """Log of softmax along ``dim``, computed stably.

    Example:
        >>> torch.log_softmax(torch.tensor([0.0, 0.0]), dim=0)
        tensor([-0.6931, -0.6931])
    """
    if dtype is not None:
        input = input.to(dtype)
    dim = _implicit_dim(input, dim)
    return apply(lambda x: fnn.log_softmax(x, axis=dim), "LogSoftmaxBackward0",
                 (_floatify(input),), saves=SAVE_OUTPUT)


def _implicit_dim(x: Tensor, dim: Any) -> int:
    if dim is None:  # torch's legacy rule (with a deprecation warning there)
        return 0 if x.ndim in (0, 1, 3) else 1
    return _norm_dim(dim, x._data.ndim)


def norm(input: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False,
         dtype: Any = None) -> Tensor:
    """Vector p-norm over ``dim`` (all elements by default; 'fro' = 2), or 'nuc'.

    Example:
        >>> torch.norm(torch.tensor([3.0, 4.0]))
        tensor(5.)
    """
    x = _floatify(input if dtype is None else input.to(dtype))
    axis = _axes(dim, x._data.ndim)
    if p == "nuc":
        return apply(lambda v: jnp.linalg.norm(v, ord="nuc", axis=axis, keepdims=keepdim),
                     "NormBackward1", (x,))
    order = 2 if p in ("fro", None) else p

    def vector_norm(v: Any) -> Any:
        a = jnp.abs(v)
        if order == float("inf"):
            return jnp.max(a, axis=axis, keepdims=keepdim)
        if order == -float("inf"):
            return jnp.min(a, axis=axis, keepdims=keepdim)
        if order == 0:
            return jnp.sum((a != 0).astype(v.dtype), axis=axis, keepdims=keepdim)
        if order == 2:
            return jnp.sqrt(jnp.sum(v * v, axis=axis, keepdims=keepdim))
        if order == 1:
            return jnp.sum(a, axis=axis, keepdims=keepdim)
        return jnp.sum(a ** order, axis=axis, keepdims=keepdim) ** (1.0 / order)

    return apply(vector_norm, "NormBackward1", (x,), saves=SAVE_BOTH)


def dist(input: Tensor, other: Tensor, p: float = 2) -> Tensor:
    """``norm(input - other, p)``.

    Example:
        >>> torch.dist(torch.tensor([0.0, 0.0]), torch.tensor([3.0, 4.0]))
        tensor(5.)
    """
    return norm(sub(input, other), p)


__all__ = [n for n, v in list(globals().items())
           if not n.startswith("_") and callable(v)
           and getattr(v, "__module__", None) == __name__]
