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
    op.__doc__ = _doc(jfn.__name__, "Elementwise, with torch's type promotion", 2)
    return op


def _doc(fname: str, what: str, n_args: int) -> str:
    """The docstring of a generated torch function: what it does and an example call."""
    args = ", ".join(["torch.tensor([1.0, 2.0])"] * n_args)
    return (f"{what} (``numpy.{fname}`` semantics).\n\n    Example:\n"
            f"        >>> torch.{fname}({args})\n")


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
    op.__doc__ = _doc(getattr(jfn, "__name__", name), "Elementwise", 1)
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
    op.__doc__ = _doc(name, "Elementwise comparison giving a bool tensor", 2)
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
    op.__doc__ = _doc(name, "Elementwise logical operation giving a bool tensor", 2)
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


# ---- dims ---------------------------------------------------------------------------------------

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


_INTERNAL = {"as_tensor_operand", "promote"}
__all__ = [n for n, v in list(globals().items())
           if not n.startswith("_") and callable(v) and n not in _INTERNAL
           and getattr(v, "__module__", None) == __name__ and not n.endswith("_result")]
