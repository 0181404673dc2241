"""torch-named math over tensors: elementwise ops with torch's type promotion, reductions with
``dim=``/``keepdim=``, comparisons and linear algebra. Each is a composite of
``functorch_lite.numpy``/``nn`` functions run through ``_autograd.apply``, so it needs no
derivative rule of its own. Tensor methods of the same names are these functions (installed in
_methods.py). Shape, indexing and joining ops live in _shape_ops.py.
"""
from __future__ import annotations

import builtins
import collections
from typing import Any

import numpy as np

import functorch_lite.nn as fnn
import functorch_lite.numpy as jnp

from .._src.prims import elementwise as E
from . import _dtypes as D
from ._autograd import SAVE_BOTH, SAVE_INPUTS, SAVE_NONE, SAVE_OUTPUT, apply
from ._tensor import Tensor

_PY_SCALARS = (builtins.float, builtins.int, builtins.bool)

# torch.return_types: namedtuples for (values, indices) results.
max_result = collections.namedtuple("max", ["values", "indices"])
min_result = collections.namedtuple("min", ["values", "indices"])
sort_result = collections.namedtuple("sort", ["values", "indices"])
topk_result = collections.namedtuple("topk", ["values", "indices"])
median_result = collections.namedtuple("median", ["values", "indices"])
mode_result = collections.namedtuple("mode", ["values", "indices"])


def as_tensor_operand(x: Any) -> Any:
    """Tensors and Python numbers as they are; numpy arrays/scalars and lists as tensors."""
    if isinstance(x, Tensor) or type(x) in _PY_SCALARS or type(x) is builtins.complex:
        return x
    if isinstance(x, (np.ndarray, np.generic, list, tuple)):
        from ._creation import tensor

        return tensor(x)
    raise TypeError(
        f"unsupported operand type {type(x).__name__}: expected a Tensor or a number"
    )


def promote(a: Any, b: Any) -> tuple[Any, Any]:
    """``a`` and ``b`` converted to torch's result dtype (Python numbers stay numbers)."""
    ta, tb = a.__class__, b.__class__
    if isinstance(a, Tensor):
        if isinstance(b, Tensor):
            if a._data.dtype == b._data.dtype:
                return a, b
        elif tb is builtins.float:
            if a._data.dtype.kind in "fc":
                return a, b
        elif tb is builtins.int:
            if a._data.dtype.kind in "fciu":
                return a, b
        else:
            b = as_tensor_operand(b)
    else:
        a = as_tensor_operand(a)
        if isinstance(b, Tensor) and ta is builtins.float and b._data.dtype.kind in "fc":
            return a, b
        b = as_tensor_operand(b)
    dt = D.result_type(a, b)
    return _cast(a, dt), _cast(b, dt)


def _cast(x: Any, dt: D.dtype) -> Any:
    if isinstance(x, Tensor):
        return x if x._data.dtype == dt.np else x.to(dt)
    if dt.is_floating_point or dt.is_complex:
        return x
    if type(x) is builtins.bool and dt is not D.bool:
        return builtins.int(x)
    return x


def _binary(jfn: Any, name: str, saves: int = SAVE_INPUTS) -> Any:
    def op(input: Any, other: Any, *, out: Any = None) -> Tensor:
        a, b = promote(input, other)
        return _out(apply(jfn, name, (a, b), saves=saves), out)

    op.__name__ = jfn.__name__
    return op


def _out(result: Tensor, out: Any) -> Tensor:
    if out is None:
        return result
    return out._assign(result.to(out.dtype)) if isinstance(out, Tensor) else result


def _floatify(x: Tensor) -> Tensor:
    if x._data.dtype.kind in "fc":
        return x
    return x.to(D.get_default_dtype())


def _unary(jfn: Any, name: str, saves: int = SAVE_INPUTS, float_only: bool = True) -> Any:
    def op(input: Tensor, *, out: Any = None) -> Tensor:
        if float_only and input._data.dtype.kind not in "fc":
            input = _floatify(input)
        return _out(apply(jfn, name, (input,), saves=saves), out)

    op.__name__ = name
    return op


# ---- elementwise -------------------------------------------------------------------------------

def add(input: Any, other: Any, *, alpha: Any = 1, out: Any = None) -> Tensor:
    """``input + alpha * other`` with torch's type promotion.

    Example:
        >>> torch.add(torch.tensor([1, 2]), 2.5)
        tensor([3.5000, 4.5000])
    """
    if alpha != 1:
        other = mul(other, alpha)
    a, b = promote(input, other)
    return _out(apply(E.add if _same_arrays(a, b) else jnp.add, "AddBackward0", (a, b),
                      saves=SAVE_NONE), out)


def _same_arrays(a: Any, b: Any) -> bool:
    # Two tensors of one dtype and shape (the commonest case): the primitive directly.
    return isinstance(a, Tensor) and isinstance(b, Tensor) and \
        a._data.shape == b._data.shape


def sub(input: Any, other: Any, *, alpha: Any = 1, out: Any = None) -> Tensor:
    """``input - alpha * other``.

    Example:
        >>> torch.sub(torch.tensor([3.0]), 1)
        tensor([2.])
    """
    if alpha != 1:
        other = mul(other, alpha)
    a, b = promote(input, other)
    if a.__class__ is bool or (isinstance(a, Tensor) and a._data.dtype.kind == "b"):
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
            "trying to invert a mask, use the `~` or `logical_not()` operator instead."
        )
    name = "SubBackward0" if isinstance(a, Tensor) else "RsubBackward1"
    return _out(apply(jnp.subtract, name, (a, b), saves=SAVE_NONE), out)


subtract = sub


def mul(input: Any, other: Any, *, out: Any = None) -> Tensor:
    """Elementwise product.

    Example:
        >>> torch.mul(torch.tensor([1, 2]), 3)
        tensor([3, 6])
    """
    a, b = promote(input, other)
    return _out(apply(jnp.multiply, "MulBackward0", (a, b), saves=SAVE_INPUTS), out)


multiply = mul


def div(input: Any, other: Any, *, rounding_mode: str | None = None, out: Any = None
        ) -> Tensor:
    """True division (ints give the default float), or ``rounding_mode='trunc'``/``'floor'``.

    Example:
        >>> torch.div(torch.tensor([1, 3]), 2)
        tensor([0.5000, 1.5000])
    """
    a, b = promote(input, other)
    if rounding_mode is None:
        dt = D.result_type(a, b)
        if not (dt.is_floating_point or dt.is_complex):
            f = D.get_default_dtype()
            a, b = _cast(a, f), _cast(b, f)
            a = builtins.float(a) if type(a) is builtins.int else a
            b = builtins.float(b) if type(b) is builtins.int else b
        return _out(apply(jnp.true_divide, "DivBackward0", (a, b), saves=SAVE_INPUTS), out)
    if rounding_mode == "floor":
        return _out(apply(jnp.floor_divide, "DivBackward2", (a, b)), out)
    if rounding_mode == "trunc":
        def trunc_div(x: Any, y: Any) -> Any:
            q = jnp.true_divide(x, y)
            q = jnp.trunc(q)
            return q.astype(x.dtype) if hasattr(x, "dtype") else q

        return _out(apply(trunc_div, "DivBackward2", (a, b)), out)
    raise ValueError(
        f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
        f"'{rounding_mode}'"
    )


divide = true_divide = div


def floor_divide(input: Any, other: Any, *, out: Any = None) -> Tensor:
    """Division rounded down (torch >= 1.13 semantics).

    Example:
        >>> torch.floor_divide(torch.tensor([7, -7]), 2)
        tensor([ 3, -4])
    """
    return div(input, other, rounding_mode="floor", out=out)


remainder = _binary(jnp.remainder, "RemainderBackward0")
fmod = _binary(jnp.fmod, "FmodBackward0")
atan2 = _binary(jnp.arctan2, "Atan2Backward0")
arctan2 = atan2
maximum = _binary(jnp.maximum, "MaximumBackward0")
minimum = _binary(jnp.minimum, "MinimumBackward0")
fmax = _binary(jnp.fmax, "FmaxBackward0")
fmin = _binary(jnp.fmin, "FminBackward0")
bitwise_and = _binary(jnp.bitwise_and, "BitwiseAndBackward0", SAVE_NONE)
bitwise_or = _binary(jnp.bitwise_or, "BitwiseOrBackward0", SAVE_NONE)
bitwise_xor = _binary(jnp.bitwise_xor, "BitwiseXorBackward0", SAVE_NONE)


def pow(input: Any, exponent: Any, *, out: Any = None) -> Tensor:
    """``input ** exponent`` elementwise.

    Example:
        >>> torch.pow(torch.tensor([1.0, 2.0]), 2)
        tensor([1., 4.])
    """
    a, b = promote(input, exponent)
    if isinstance(a, Tensor) and type(b) in (builtins.int, builtins.float):
        if b == 2:
            return _out(apply(lambda x: jnp.multiply(x, x), "PowBackward0", (a,)), out)
        return _out(apply(lambda x: jnp.power(x, b), "PowBackward0", (a,)), out)
    name = "PowBackward1" if isinstance(a, Tensor) else "PowBackward2"
    return _out(apply(jnp.power, name, (a, b), saves=SAVE_BOTH), out)


float_power = pow


def _compare(jfn: Any, name: str) -> Any:
    def op(input: Any, other: Any, *, out: Any = None) -> Tensor:
        a, b = promote(input, other)
        return _out(apply(jfn, name, (a, b), saves=SAVE_NONE), out)

    op.__name__ = name
    return op


eq = _compare(jnp.equal, "eq")
ne = not_equal = _compare(jnp.not_equal, "ne")
lt = less = _compare(jnp.less, "lt")
le = less_equal = _compare(jnp.less_equal, "le")
gt = greater = _compare(jnp.greater, "gt")
ge = greater_equal = _compare(jnp.greater_equal, "ge")


def _logical(jfn: Any, name: str) -> Any:
    def op(input: Any, other: Any, *, out: Any = None) -> Tensor:
        return _out(apply(lambda x, y: jfn(x, y), name, (input, as_tensor_operand(other)),
                          saves=SAVE_NONE), out)

    op.__name__ = name
    return op


logical_and = _logical(jnp.logical_and, "logical_and")
logical_or = _logical(jnp.logical_or, "logical_or")
logical_xor = _logical(jnp.logical_xor, "logical_xor")


def logical_not(input: Tensor, *, out: Any = None) -> Tensor:
    """Elementwise NOT (result bool).

    Example:
        >>> torch.logical_not(torch.tensor([True, False]))
        tensor([False,  True])
    """
    return _out(apply(jnp.logical_not, "logical_not", (input,), saves=SAVE_NONE), out)


def bitwise_not(input: Tensor, *, out: Any = None) -> Tensor:
    """Elementwise bitwise NOT (logical NOT for bool tensors).

    Example:
        >>> torch.bitwise_not(torch.tensor([True, False]))
        tensor([False,  True])
    """
    return _out(apply(jnp.invert, "bitwise_not", (input,), saves=SAVE_NONE), out)


exp = _unary(jnp.exp, "ExpBackward0", SAVE_OUTPUT)
exp2 = _unary(jnp.exp2, "Exp2Backward0", SAVE_OUTPUT)
expm1 = _unary(jnp.expm1, "Expm1Backward0", SAVE_OUTPUT)
log = _unary(jnp.log, "LogBackward0")
log2 = _unary(jnp.log2, "Log2Backward0")
log10 = _unary(jnp.log10, "Log10Backward0")
log1p = _unary(jnp.log1p, "Log1PBackward0")
sqrt = _unary(jnp.sqrt, "SqrtBackward0", SAVE_OUTPUT)
rsqrt = _unary(lambda x: 1.0 / jnp.sqrt(x), "RsqrtBackward0", SAVE_OUTPUT)
sin = _unary(jnp.sin, "SinBackward0")
cos = _unary(jnp.cos, "CosBackward0")
tan = _unary(jnp.tan, "TanBackward0", SAVE_OUTPUT)
asin = arcsin = _unary(jnp.arcsin, "AsinBackward0")
acos = arccos = _unary(jnp.arccos, "AcosBackward0")
atan = arctan = _unary(jnp.arctan, "AtanBackward0")
sinh = _unary(jnp.sinh, "SinhBackward0")
cosh = _unary(jnp.cosh, "CoshBackward0")
tanh = _unary(jnp.tanh, "TanhBackward0", SAVE_OUTPUT)
asinh = arcsinh = _unary(jnp.arcsinh, "AsinhBackward0")
acosh = arccosh = _unary(jnp.arccosh, "AcoshBackward0")
atanh = arctanh = _unary(jnp.arctanh, "AtanhBackward0")
sigmoid = _unary(fnn.sigmoid, "SigmoidBackward0", SAVE_OUTPUT)
erf = _unary(lambda x: __import__("functorch_lite.scipy.special", fromlist=["erf"]).erf(x),
             "ErfBackward0")
reciprocal = _unary(jnp.reciprocal, "ReciprocalBackward0", SAVE_OUTPUT)
neg = negative = _unary(jnp.negative, "NegBackward0", SAVE_NONE, float_only=False)
abs = absolute = _unary(jnp.abs, "AbsBackward0", float_only=False)
sign = _unary(jnp.sign, "SignBackward0", SAVE_NONE, float_only=False)
sgn = sign
square = _unary(lambda x: x * x, "PowBackward0", float_only=False)
floor = _unary(jnp.floor, "FloorBackward0", SAVE_NONE, float_only=False)
ceil = _unary(jnp.ceil, "CeilBackward0", SAVE_NONE, float_only=False)
trunc = fix = _unary(jnp.trunc, "TruncBackward0", SAVE_NONE, float_only=False)
frac = _unary(lambda x: x - jnp.trunc(x), "FracBackward0", SAVE_NONE)
isnan = _unary(jnp.isnan, "isnan", SAVE_NONE, float_only=False)
isinf = _unary(jnp.isinf, "isinf", SAVE_NONE, float_only=False)
isfinite = _unary(jnp.isfinite, "isfinite", SAVE_NONE, float_only=False)


def relu(input: Tensor) -> Tensor:
    """``max(input, 0)`` elementwise.

    Example:
        >>> torch.relu(torch.tensor([-1.0, 2.0]))
        tensor([0., 2.])
    """
    return apply(fnn.relu, "ReluBackward0", (input,), saves=SAVE_OUTPUT)


def round(input: Tensor, *, decimals: int = 0, out: Any = None) -> Tensor:
    """Round half to even (``decimals`` places).

    Example:
        >>> torch.round(torch.tensor([0.5, 1.5, 2.7]))
        tensor([0., 2., 3.])
    """
    return _out(apply(lambda x: jnp.round(x, decimals), "RoundBackward0", (input,),
                      saves=SAVE_NONE), out)


def clamp(input: Tensor, min: Any = None, max: Any = None, *, out: Any = None) -> Tensor:
    """Limit values to ``[min, max]`` (either may be None or a tensor).

    Example:
        >>> torch.clamp(torch.tensor([-2.0, 0.5, 3.0]), min=0.0, max=1.0)
        tensor([0.0000, 0.5000, 1.0000])
    """
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    x = input
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        if min is not None:
            x = maximum(x, min)
        if max is not None:
            x = minimum(x, max)
        return _out(x, out)
    if input._data.dtype.kind in "iub" and (type(min) is builtins.float or
                                           type(max) is builtins.float):
        x = input.to(D.get_default_dtype())
    return _out(apply(lambda v: jnp.clip(v, min, max), "ClampBackward1", (x,)), out)


clip = clamp


def clamp_min(input: Tensor, min: Any) -> Tensor:
    """``clamp(input, min=min)``.

    Example:
        >>> torch.clamp_min(torch.tensor([-1.0, 1.0]), 0.0)
        tensor([0., 1.])
    """
    return clamp(input, min=min)


def clamp_max(input: Tensor, max: Any) -> Tensor:
    """``clamp(input, max=max)``.

    Example:
        >>> torch.clamp_max(torch.tensor([-1.0, 1.0]), 0.0)
        tensor([-1.,  0.])
    """
    return clamp(input, max=max)


def lerp(input: Tensor, end: Tensor, weight: Any) -> Tensor:
    """``input + weight * (end - input)``.

    Example:
        >>> torch.lerp(torch.tensor([0.0]), torch.tensor([10.0]), 0.5)
        tensor([5.])
    """
    return add(input, mul(weight, sub(end, input)))


def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """``input + value * tensor1 * tensor2``.

    Example:
        >>> torch.addcmul(torch.zeros(1), torch.tensor([2.0]), torch.tensor([3.0]), value=0.5)
        tensor([3.])
    """
    return add(input, mul(mul(tensor1, tensor2), value))


def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """``input + value * tensor1 / tensor2``.

    Example:
        >>> torch.addcdiv(torch.zeros(1), torch.tensor([3.0]), torch.tensor([2.0]))
        tensor([1.5000])
    """
    return add(input, mul(div(tensor1, tensor2), value))


def nan_to_num(input: Tensor, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None) -> Tensor:
    """Replace NaN/inf by finite numbers.

    Example:
        >>> torch.nan_to_num(torch.tensor([float('nan'), 1.0]))
        tensor([0., 1.])
    """
    return apply(lambda x: jnp.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf),
                 "NanToNumBackward0", (input,))


# ---- reductions --------------------------------------------------------------------------------

def _axes(dim: Any, ndim: int) -> Any:
    if dim is None:
        return None
    if isinstance(dim, (tuple, list)):
        if len(dim) == 0:
            return None
        return tuple(_norm_dim(d, ndim) for d in dim)
    return _norm_dim(dim, ndim)


def _norm_dim(d: Any, ndim: int) -> int:
    d = builtins.int(d)
    n = builtins.max(ndim, 1)
    if not -n <= d < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})"
        )
    return d % n if ndim else 0


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


# ---- linear algebra ----------------------------------------------------------------------------

def matmul(input: Tensor, other: Tensor, *, out: Any = None) -> Tensor:
    """Matrix product with numpy's broadcasting rules (1-D, 2-D and batched).

    Example:
        >>> torch.matmul(torch.ones(2, 3), torch.ones(3)).shape
        torch.Size([2])
    """
    a, b = promote(input, other)
    if not isinstance(a, Tensor) or not isinstance(b, Tensor):
        raise TypeError("matmul expects two tensors; for a scalar use * (torch.mul)")
    sa, sb = a._data.shape, b._data.shape
    if len(sa) == 0 or len(sb) == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {len(sa)}D and "
            f"{len(sb)}D"
        )
    ka = sa[-1]
    kb = sb[0] if len(sb) == 1 else sb[-2]
    if ka != kb:
        if len(sa) == 2 and len(sb) == 2:
            raise RuntimeError(
                f"mat1 and mat2 shapes cannot be multiplied ({sa[0]}x{sa[1]} and "
                f"{sb[0]}x{sb[1]}): the inner dimensions must match"
            )
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: inner dimension "
            f"{ka} of the first operand (shape {list(sa)}), but got {kb} from the second "
            f"(shape {list(sb)}); the last dim of the first must equal the second-to-last of "
            "the second"
        )
    name = "MmBackward0" if len(sa) == 2 and len(sb) == 2 else (
        "DotBackward0" if len(sa) == 1 and len(sb) == 1 else
        "MvBackward0" if len(sb) == 1 and len(sa) == 2 else "UnsafeViewBackward0")
    return _out(apply(jnp.matmul, name, (a, b), saves=SAVE_INPUTS), out)


def mm(input: Tensor, mat2: Tensor, *, out: Any = None) -> Tensor:
    """Product of two 2-D tensors.

    Example:
        >>> torch.mm(torch.ones(2, 3), torch.ones(3, 4)).shape
        torch.Size([2, 4])
    """
    if input.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError(
            f"mm: expected 2D tensors, got {input.ndim}D and {mat2.ndim}D; use torch.matmul "
            "for other ranks"
        )
    return matmul(input, mat2, out=out)


def bmm(input: Tensor, mat2: Tensor, *, out: Any = None) -> Tensor:
    """Batched product of two 3-D tensors.

    Example:
        >>> torch.bmm(torch.ones(5, 2, 3), torch.ones(5, 3, 4)).shape
        torch.Size([5, 2, 4])
    """
    if input.ndim != 3 or mat2.ndim != 3:
        raise RuntimeError(f"batch1 must be a 3D tensor (got {input.ndim}D and {mat2.ndim}D)")
    if input.shape[0] != mat2.shape[0]:
        raise RuntimeError(
            f"batch1 and batch2 must have same number of batches, got {input.shape[0]} and "
            f"{mat2.shape[0]}"
        )
    r = matmul(input, mat2, out=out)
    return r


def mv(input: Tensor, vec: Tensor) -> Tensor:
    """Matrix-vector product.

    Example:
        >>> torch.mv(torch.eye(2), torch.tensor([1.0, 2.0]))
        tensor([1., 2.])
    """
    return matmul(input, vec)


def dot(input: Tensor, other: Tensor) -> Tensor:
    """Inner product of two 1-D tensors.

    Example:
        >>> torch.dot(torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0]))
        tensor(11.)
    """
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(
            f"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors"
        )
    if input.shape[0] != other.shape[0]:
        n, m = input.shape[0], other.shape[0]
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same "
            f"number of elements, but got {n} and {m} elements respectively"
        )
    return matmul(input, other)


inner = dot


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """Outer product of two vectors.

    Example:
        >>> torch.outer(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 0.0]))
        tensor([[1., 0.],
                [2., 0.]])
    """
    a, b = promote(input, vec2)
    return apply(jnp.outer, "OuterBackward0", (a, b))


ger = outer


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: Any = 1, alpha: Any = 1
          ) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)``.

    Example:
        >>> torch.addmm(torch.zeros(2), torch.eye(2), torch.ones(2, 2)).shape
        torch.Size([2, 2])
    """
    prod_ = matmul(mat1, mat2)
    if alpha != 1:
        prod_ = mul(prod_, alpha)
    base = input if beta == 1 else mul(input, beta)
    return add(base, prod_)


def einsum(equation: str, *operands: Any) -> Tensor:
    """Einstein summation (``torch.einsum('ij,jk->ik', a, b)``; operands may be one list).

    Example:
        >>> torch.einsum('i,i->', torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0]))
        tensor(11.)
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    dt = D.result_type(*operands)
    ops = tuple(_cast(o, dt) for o in operands)
    return apply(lambda *vs: jnp.einsum(equation, *vs), "EinsumBackward0", ops)


def tensordot(a: Tensor, b: Tensor, dims: Any = 2) -> Tensor:
    """Contraction over ``dims`` (an int, or two lists of dims).

    Example:
        >>> torch.tensordot(torch.ones(2, 3), torch.ones(3, 4), dims=1).shape
        torch.Size([2, 4])
    """
    x, y = promote(a, b)
    axes = dims if isinstance(dims, builtins.int) else tuple(tuple(d) if isinstance(d, (
        list, tuple)) else (d,) for d in dims)
    return apply(lambda u, v: jnp.tensordot(u, v, axes=axes), "TensordotBackward0", (x, y))


def trace(input: Tensor) -> Tensor:
    """Sum of the main diagonal of a 2-D tensor.

    Example:
        >>> torch.trace(torch.eye(3))
        tensor(3.)
    """
    return apply(jnp.trace, "TraceBackward0", (input,), saves=SAVE_NONE)


# ---- comparisons of whole tensors --------------------------------------------------------------

def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> builtins.bool:
    """Whether all elements are close: ``|input - other| <= atol + rtol * |other|``.

    Example:
        >>> torch.allclose(torch.tensor([1.0]), torch.tensor([1.0 + 1e-9]))
        True
    """
    return builtins.bool(isclose(input, other, rtol, atol, equal_nan).all().item())


def isclose(input: Tensor, other: Any, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    """Elementwise closeness test.

    Example:
        >>> torch.isclose(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.1]))
        tensor([ True, False])
    """
    a, b = promote(input, other)
    return apply(lambda x, y: jnp.isclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan),
                 "isclose", (a, b), saves=SAVE_NONE)


def equal(input: Tensor, other: Tensor) -> builtins.bool:
    """Whether two tensors have the same shape and elements.

    Example:
        >>> torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2]))
        True
    """
    if tuple(input.shape) != tuple(other.shape):
        return False
    return builtins.bool(eq(input, other).all().item())


def where(condition: Tensor, input: Any = None, other: Any = None) -> Any:
    """``input`` where ``condition`` holds, else ``other``; with only ``condition``, the
    indices of its nonzero elements (a tuple of int64 tensors).

    Example:
        >>> torch.where(torch.tensor([True, False]), torch.tensor([1.0, 2.0]), 0.0)
        tensor([1., 0.])
    """
    if input is None and other is None:
        from ._shape_ops import nonzero

        return nonzero(condition, as_tuple=True)
    a, b = promote(input, other)
    if not isinstance(condition, Tensor):
        condition = as_tensor_operand(condition)
    return apply(lambda c, x, y: jnp.where(c, x, y), "WhereBackward0", (condition, a, b),
                 saves=SAVE_NONE)




_INTERNAL = {"as_tensor_operand", "promote"}
__all__ = [n for n, v in list(globals().items())
           if not n.startswith("_") and callable(v) and n not in _INTERNAL
           and getattr(v, "__module__", None) == __name__ and not n.endswith("_result")]
