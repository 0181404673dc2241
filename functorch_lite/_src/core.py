"""Primitives, traces, tracers and ``bind``: the dispatch heart of functorch_lite.

Every operation is a ``Primitive`` applied with ``bind``. ``bind`` hands it to the *current trace*
(one per thread). A trace processes a primitive only if one of the arguments is one of its own
tracers; otherwise it passes the call on to its parent, down to the ``EvalTrace`` that runs the
numpy/cupy kernel. Rules (jvp, vjp, batching) are themselves written with ``bind``, and run with
the trace's parent as current, so transformations nest to any depth (dispatch on context,
not on levels).
"""
from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from . import dtypes
from .array import Array
from .errors import (
    ConcretizationTypeError,
    TracerBoolConversionError,
    TracerIntegerConversionError,
    UnexpectedTracerError,
)

# ------------------------------------------------------------------------------------------------
# Abstract values
# ------------------------------------------------------------------------------------------------


class ShapedArray:
    """The abstract value of an array: its shape and dtype (``weak`` for Python scalars)."""

    __slots__ = ("shape", "dtype", "weak")

    def __init__(self, shape: tuple[int, ...], dtype: np.dtype, weak: bool = False):
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self.weak = weak

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    def str_short(self) -> str:
        return f"{dtypes.short_name(self.dtype)}[{','.join(map(str, self.shape))}]"

    def __repr__(self) -> str:
        return f"ShapedArray({self.str_short()})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ShapedArray)
            and self.shape == other.shape
            and self.dtype == other.dtype
            and self.weak == other.weak
        )

    def __hash__(self) -> int:
        return hash((self.shape, self.dtype, self.weak))


def get_aval(x: Any) -> ShapedArray:
    """The abstract value of an Array, tracer, numpy array or Python scalar."""
    if type(x) is Array:
        return ShapedArray(x._value.shape, x._value.dtype)
    if isinstance(x, Tracer):
        return x.aval
    if dtypes.is_python_scalar(x):
        return ShapedArray((), dtypes.python_scalar_dtype(x), weak=True)
    return ShapedArray(np.shape(x), dtypes.dtype_of(x))


# ------------------------------------------------------------------------------------------------
# Primitives
# ------------------------------------------------------------------------------------------------

# Marks for rules a primitive deliberately lacks (the registry test accepts these, not gaps).
ZERO_DERIVATIVE = "zero-derivative"  # output is piecewise constant / integer: derivative is 0


class Primitive:
    """One operation with all its rules, stated together (see ``_src/prims``).

    * ``kernel(xp)`` returns the implementation for array module ``xp`` (numpy or cupy), called as
      ``impl(*values, **params)``;
    * ``abstract_eval(*avals, **params)`` gives the output ShapedArray(s) (shape/dtype rule);
    * ``jvp``: a tuple with one linear map per argument, ``jvp[i](t_i, out, *args, **params)``,
      whose results are summed (``None`` for an argument that has no derivative), or
      ``ZERO_DERIVATIVE``; or ``jvp_full(primals, tangents, out, **params)`` for rules that are not
      a sum over arguments;
    * ``vjp``: one map per argument, ``vjp[i](ct, out, *args, **params)``, or ``ZERO_DERIVATIVE``;
    * ``batch(values, bdims, **params) -> (out, out_bdim)``;
    * ``emit(arg_names, params)``: optional Python source for the jit lowering.
    """

    __slots__ = (
        "name", "kernel", "impl", "abstract_eval", "jvp", "jvp_full", "vjp", "batch", "emit",
        "multiple_results", "_impls",
    )

    def __init__(
        self,
        name: str,
        *,
        kernel: Callable[[Any], Callable],
        abstract_eval: Callable,
        jvp: Any = None,
        vjp: Any = None,
        batch: Callable | None = None,
        jvp_full: Callable | None = None,
        emit: Callable | None = None,
        multiple_results: bool = False,
    ):
        self.name = name
        self.kernel = kernel
        self.impl = kernel(np)  # the numpy kernel, the hot path
        self._impls = {"numpy": self.impl}
        self.abstract_eval = abstract_eval
        self.jvp = jvp
        self.jvp_full = jvp_full
        self.vjp = vjp
        self.batch = batch
        self.emit = emit
        self.multiple_results = multiple_results
        if name in PRIMITIVES:
            raise ValueError(f"primitive {name!r} is registered twice")
        PRIMITIVES[name] = self

    def impl_for(self, xp: Any) -> Callable:
        name = xp.__name__
        impl = self._impls.get(name)
        if impl is None:
            impl = self._impls[name] = self.kernel(xp)
        return impl

    def bind(self, *args: Any, **params: Any) -> Any:
        trace = _state.trace
        if trace is EVAL:
            # Inlined fast path for the commonest eager case (every backward-pass operation of
            # an eager grad lands here): concrete numpy Arrays, maybe a float. (Calling with an
            # empty **params costs ~40 ns, so the parameter-free call is spelled out.)
            if not _backends_in_use["cupy"] and not self.multiple_results:
                n = len(args)
                a = args[0]
                if a.__class__ is Array:
                    if n == 2:
                        b = args[1]
                        if b.__class__ is Array or b.__class__ is float:
                            bv = b if b.__class__ is float else b._value
                            try:
                                return Array(self.impl(a._value, bv, **params) if params
                                             else self.impl(a._value, bv))
                            except Exception as e:
                                raise _kernel_error(self, args, params, e) from e
                    elif n == 1:
                        try:
                            return Array(self.impl(a._value, **params) if params
                                         else self.impl(a._value))
                        except Exception as e:
                            raise _kernel_error(self, args, params, e) from e
            return eval_apply(self, args, params)
        return trace.process(self, args, params)

    def __repr__(self) -> str:
        return self.name


PRIMITIVES: dict[str, Primitive] = {}


# ------------------------------------------------------------------------------------------------
# Trace state (per thread) and the eval trace
# ------------------------------------------------------------------------------------------------


class Trace:
    """A transformation in progress. ``parent`` is the trace that was current when it began."""

    parent: Trace
    kind = "trace"

    def process(self, prim: Primitive, args: tuple, params: dict) -> Any:
        for a in args:
            if isinstance(a, Tracer) and a._trace is self:
                return self.process_primitive(prim, args, params)
        return self.parent.process(prim, args, params)

    def process_primitive(self, prim: Primitive, args: tuple, params: dict) -> Any:
        raise NotImplementedError  # every concrete trace overrides it

    def process_custom(self, call: Any, args: tuple) -> Any:
        """Apply a custom_jvp/custom_vjp function; by default, just run its primal function."""
        return call.call_primal_under(self.parent, args)

    def owns_any(self, args: tuple) -> bool:
        for a in args:
            if isinstance(a, Tracer) and a._trace is self:
                return True
        return False

    def is_ancestor_of_current(self) -> bool:
        t = _state.trace
        while t is not None:
            if t is self:
                return True
            t = getattr(t, "parent", None)
        return False


class EvalTrace(Trace):
    """The bottom of every chain: runs kernels on concrete values."""

    kind = "eval"
    parent = None  # type: ignore[assignment]

    def process(self, prim: Primitive, args: tuple, params: dict) -> Any:
        return eval_apply(prim, args, params)

    def process_custom(self, call: Any, args: tuple) -> Any:
        return call.fun(*args)


EVAL = EvalTrace()


class _TraceState(threading.local):
    # A class attribute, so every new thread starts at EVAL with no set-up.
    trace: Trace = EVAL


_state = _TraceState()

# Set once a cupy value has been seen; until then the numpy kernels are used without a check.
_backends_in_use = {"cupy": False}


def current_trace() -> Trace:
    return _state.trace


class set_current_trace:
    """Context manager: make ``trace`` current for this thread."""

    __slots__ = ("trace", "prev")

    def __init__(self, trace: Trace):
        self.trace = trace

    def __enter__(self) -> Trace:
        self.prev = _state.trace
        _state.trace = self.trace
        return self.trace

    def __exit__(self, *exc: Any) -> None:
        _state.trace = self.prev


def _leaked(t: Tracer) -> UnexpectedTracerError:
    return UnexpectedTracerError(
        f"Encountered a {type(t).__name__} ({t.aval.str_short()}) created by a "
        f"{t._trace.kind} transformation that has already finished: the traced value leaked "
        "out of the function being transformed (for example through a global, a closure, or "
        "a list kept outside), and was used afterwards. Return the value from the transformed "
        "function instead of storing it."
    )


def _eval_value(a: Any) -> Any:
    if type(a) is Array:
        return a._value
    if isinstance(a, Tracer):
        raise _leaked(a)
    return a


def eval_apply(prim: Primitive, args: tuple, params: dict) -> Any:
    # Unrolled for one and two arguments: this runs for every eager operation.
    n = len(args)
    if n == 1:
        a = args[0]
        vals = (a._value if a.__class__ is Array else _eval_value(a),)
    elif n == 2:
        a, b = args
        # (a Python float passes through as is: numpy treats it as a weak scalar)
        vals = (a._value if a.__class__ is Array else _eval_value(a),
                b._value if b.__class__ is Array else b if b.__class__ is float
                else _eval_value(b))
    else:
        vals = [a._value if a.__class__ is Array else _eval_value(a) for a in args]
    impl = prim.impl
    if _backends_in_use["cupy"]:
        from .backends import array_module_of

        impl = prim.impl_for(array_module_of(vals))
    try:  # (free in Python 3.11 unless it raises)
        out = impl(*vals, **params) if params else impl(*vals)
    except Exception as e:
        raise _kernel_error(prim, args, params, e) from e
    if prim.multiple_results:
        return tuple(Array(o) for o in out)
    return Array(out)


def _kernel_error(prim: Primitive, args: tuple, params: dict, e: Exception) -> Exception:
    """Turn a kernel's exception into ours where the shape/dtype rule explains it better (a
    broadcasting mismatch, say); otherwise keep the kernel's (an out-of-bounds index...)."""
    try:
        prim.abstract_eval(*[get_aval(a) for a in args], **params)
    except Exception as ours:  # the rule rejects these inputs: its message names them
        return ours
    return e


# ------------------------------------------------------------------------------------------------
# Tracers
# ------------------------------------------------------------------------------------------------


class Tracer:
    """A stand-in for an array while a transformation runs. Subclasses define ``aval``."""

    __slots__ = ("_trace",)
    __array_priority__ = 100
    # True for a traced Python scalar (a jit argument): it promotes like one, so that
    # ``f16_array * s`` stays float16 under jit as it does eagerly.
    weak_type = False

    @property
    def aval(self) -> ShapedArray:
        raise NotImplementedError  # every concrete tracer overrides it

    @property
    def shape(self) -> tuple[int, ...]:
        return self.aval.shape

    @property
    def dtype(self) -> np.dtype:
        return self.aval.dtype

    # Through ``shape`` (which tracers forward cheaply), not ``aval`` (built anew on each use).
    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    def to_concrete(self) -> Any:
        """The concrete value behind this tracer, or raise ConcretizationTypeError."""
        raise self._concretization_error("its value", ConcretizationTypeError)

    def _concretization_error(self, what: str, cls: type = ConcretizationTypeError):
        return cls(
            f"Abstract tracer value encountered where a concrete value is expected: {what} was "
            f"needed for a traced array of shape {self.shape} and dtype {self.dtype} (inside a "
            f"{self._trace.kind} transformation). Its value is not known while tracing. Fixes: "
            "mark the argument static (jit(f, static_argnums=...) or static_argnames=...), "
            "use functorch_lite.numpy.where / lax.cond / lax.select instead of Python "
            "`if`, or move the computation outside the transformed function."
        )

    def __bool__(self) -> bool:
        return bool(self._concrete_or(TracerBoolConversionError, "bool() (an `if`/`while`)"))

    def __int__(self) -> int:
        return int(self._concrete_or(TracerIntegerConversionError, "int()"))

    def __index__(self) -> int:
        return int(self._concrete_or(TracerIntegerConversionError, "an integer index"))

    def __float__(self) -> float:
        return float(self._concrete_or(ConcretizationTypeError, "float()"))

    def __complex__(self) -> complex:
        return complex(self._concrete_or(ConcretizationTypeError, "complex()"))

    def _concrete_or(self, cls: type, what: str) -> Any:
        try:
            return self.to_concrete()
        except ConcretizationTypeError:
            raise self._concretization_error(what, cls) from None

    def item(self) -> Any:
        return self._concrete_or(ConcretizationTypeError, ".item()").item()

    def tolist(self) -> Any:
        return self._concrete_or(ConcretizationTypeError, ".tolist()").tolist()

    def __array__(self, dtype=None, copy=None):
        raise self._concretization_error(
            "conversion to a numpy array (np.asarray / a numpy function)"
            " — use functorch_lite.numpy instead of numpy inside transformed functions"
        )

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of a 0-d traced array")
        return self.shape[0]

    def __iter__(self):
        if not self.shape:
            raise TypeError("iteration over a 0-d traced array")
        return (self[i] for i in range(self.shape[0]))

    def __setitem__(self, idx, value):
        Array.__setitem__(self, idx, value)  # type: ignore[arg-type]

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}<{self.aval.str_short()}>"


def is_tracer_of(x: Any, trace: Trace) -> bool:
    return isinstance(x, Tracer) and x._trace is trace


def concrete_or_none(x: Any) -> Any:
    """The concrete numpy value of ``x`` if it is known now, else None."""
    if type(x) is Array:
        return x._value
    if isinstance(x, Tracer):
        try:
            return concrete_or_none(x.to_concrete())
        except ConcretizationTypeError:
            return None
    return np.asarray(x)
