"""Convolution and windowed reductions: lax.conv_general_dilated, lax.reduce_window and the
pooling helpers built on them.

Everything here is a composite: layouts are transposed into the canonical one of the
``conv_general_dilated`` primitive (``prims/conv.py``), and ``reduce_window`` picks the windowed
sum / max / min primitive for the computation it recognises.
"""
from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from .core import concrete_or_none
from .numpy import math as _jnp_math
from .numpy._convert import asarray
from .prims import conv as P
from .prims import elementwise as E
from .prims import shape as S

# ---- dimension numbers ---------------------------------------------------------------------------


class ConvDimensionNumbers(NamedTuple):
    """Axis positions of a convolution's operands: each spec lists the batch (or output
    feature) axis, the feature (or input feature) axis, then the spatial axes in the kernel's
    spatial order.

    Example:
        >>> conv_dimension_numbers((1, 5, 5, 3), (3, 3, 3, 8), ("NHWC", "HWIO", "NHWC"))
        ConvDimensionNumbers(lhs_spec=(0, 3, 1, 2), rhs_spec=(3, 2, 0, 1), out_spec=(0, 3, 1, 2))
    """

    lhs_spec: tuple[int, ...]
    rhs_spec: tuple[int, ...]
    out_spec: tuple[int, ...]


def conv_general_permutations(dimension_numbers: Sequence[str]) -> tuple:
    """The (lhs, rhs, out) axis permutations a triple of layout strings stands for: lhs and
    out need one ``N`` and one ``C``, rhs one ``O`` and one ``I``; the other letters name the
    spatial axes, which all three must share (ordered as in the rhs string).

    Example:
        >>> conv_general_permutations(("NCHW", "OIHW", "NCHW"))
        ((0, 1, 2, 3), (0, 1, 2, 3), (0, 1, 2, 3))
    """
    if len(dimension_numbers) != 3 or not all(isinstance(s, str) for s in dimension_numbers):
        raise TypeError(
            "conv dimension_numbers must be None, a ConvDimensionNumbers, or three layout "
            f"strings such as ('NCHW', 'OIHW', 'NCHW'), got {dimension_numbers!r}")
    lhs, rhs, out = dimension_numbers
    for spec, pair, what in ((lhs, "NC", "lhs"), (rhs, "OI", "rhs"), (out, "NC", "out")):
        if spec.count(pair[0]) != 1 or spec.count(pair[1]) != 1 or len(set(spec)) != len(spec):
            example = "NCHW" if pair == "NC" else "OIHW"
            raise TypeError(
                f"conv dimension_numbers: the {what} layout {spec!r} must hold {pair[0]!r} and "
                f"{pair[1]!r} once each and no letter twice (e.g. {example!r})")
    spatial = [set(lhs) - set("NC"), set(rhs) - set("OI"), set(out) - set("NC")]
    if not spatial[0] == spatial[1] == spatial[2]:
        raise TypeError(
            f"conv dimension_numbers {tuple(dimension_numbers)!r}: the three layouts must "
            "name the same spatial dimensions")

    def perm(spec: str, pair: str) -> tuple:
        sp = sorted((i for i, ch in enumerate(spec) if ch not in pair),
                    key=lambda i: rhs.index(spec[i]))
        return (spec.index(pair[0]), spec.index(pair[1])) + tuple(sp)

    return perm(lhs, "NC"), perm(rhs, "OI"), perm(out, "NC")


def conv_dimension_numbers(lhs_shape: Sequence[int], rhs_shape: Sequence[int],
                           dimension_numbers: Any) -> ConvDimensionNumbers:
    """Normalise ``dimension_numbers`` (None, a ConvDimensionNumbers, or layout strings) for
    operands of these shapes. None means ``('NCH...', 'OIH...', 'NCH...')``.

    Example:
        >>> conv_dimension_numbers((1, 3, 5), (4, 3, 2), None)
        ConvDimensionNumbers(lhs_spec=(0, 1, 2), rhs_spec=(0, 1, 2), out_spec=(0, 1, 2))
    """
    lhs_shape, rhs_shape = tuple(lhs_shape), tuple(rhs_shape)
    if len(lhs_shape) != len(rhs_shape) or len(lhs_shape) < 2:
        raise ValueError(
            "convolution: lhs and rhs need the same rank, 2 + the number of spatial dimensions,"
            f" got shapes {lhs_shape} and {rhs_shape}")
    if dimension_numbers is None:
        iota = tuple(range(len(lhs_shape)))
        return ConvDimensionNumbers(iota, iota, iota)
    if isinstance(dimension_numbers, ConvDimensionNumbers):
        return ConvDimensionNumbers(*(tuple(int(i) for i in s) for s in dimension_numbers))
    if (isinstance(dimension_numbers, (tuple, list)) and len(dimension_numbers) == 3
            and all(isinstance(s, str) for s in dimension_numbers)):
        for spec, shape, what in zip(dimension_numbers, (lhs_shape, rhs_shape, lhs_shape),
                                     ("lhs", "rhs", "out")):
            if len(spec) != len(shape):
                raise TypeError(
                    f"conv dimension_numbers: the {what} layout {spec!r} has {len(spec)} "
                    f"letters but the operands have rank {len(shape)} (lhs {lhs_shape}, rhs "
                    f"{rhs_shape})")
        return ConvDimensionNumbers(*conv_general_permutations(dimension_numbers))
    raise TypeError(
        "conv dimension_numbers must be None, a ConvDimensionNumbers, or three layout strings"
        f" such as ('NHWC', 'HWIO', 'NHWC'), got {dimension_numbers!r}")


# ---- padding -------------------------------------------------------------------------------------


def padtype_to_pads(in_shape: Sequence[int], window_shape: Sequence[int],
                    window_strides: Sequence[int], padding: str) -> list[tuple[int, int]]:
    """Explicit (low, high) pads for ``'VALID'``, ``'SAME'`` (extra pad at the end) or
    ``'SAME_LOWER'`` (extra pad at the start); ``SAME`` keeps ``ceil(in / stride)`` outputs.

    Example:
        >>> padtype_to_pads((5,), (3,), (2,), "SAME")
        [(1, 1)]
    """
    if not isinstance(padding, str):
        raise TypeError(f"padtype_to_pads: padding must be a string, got {padding!r}")
    kind = padding.upper()
    if kind not in ("VALID", "SAME", "SAME_LOWER"):
        raise ValueError(
            f"unrecognised padding {padding!r}: expected 'VALID', 'SAME', 'SAME_LOWER' or a "
            "sequence of (low, high) integer pairs")
    if kind == "VALID":
        return [(0, 0)] * len(in_shape)
    pads = []
    for n, k, s in zip(in_shape, window_shape, window_strides):
        total = max((-(-n // s) - 1) * s + k - n, 0)
        small, big = total // 2, total - total // 2
        pads.append((small, big) if kind == "SAME" else (big, small))
    return pads


def _ints(name: str, value: Any, n: int, default: int = 1,
          per: str = "spatial dimension") -> tuple[int, ...]:
    """``n`` positive ints (strides, dilations, window sizes), checked before any padding
    arithmetic divides by them."""
    if value is None:
        return (default,) * n
    try:
        out = tuple(operator.index(v) for v in value)
    except TypeError:
        raise TypeError(f"{name} must be a sequence of {n} ints, got {value!r}") from None
    if len(out) != n:
        raise ValueError(f"{name}={value!r} needs {n} entries, one per {per}")
    if any(v < 1 for v in out):
        raise ValueError(f"{name}={value!r} must hold positive ints (1 for no stride or "
                         "dilation)")
    return out


def _pairs(name: str, padding: Any, n: int) -> tuple[tuple[int, int], ...]:
    try:
        pads = tuple((operator.index(lo), operator.index(hi)) for lo, hi in padding)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name}: padding must be 'VALID', 'SAME', 'SAME_LOWER' or a sequence of (low, "
            f"high) integer pairs, got {padding!r}") from None
    if len(pads) != n:
        raise ValueError(f"{name}: padding={padding!r} needs {n} (low, high) pairs")
    return pads


# ---- convolutions --------------------------------------------------------------------------------


def conv_general_dilated(
    lhs: Any, rhs: Any, window_strides: Sequence[int], padding: str | Sequence[tuple[int, int]],
    lhs_dilation: Sequence[int] | None = None, rhs_dilation: Sequence[int] | None = None,
    dimension_numbers: Any = None, feature_group_count: int = 1, batch_group_count: int = 1,
    precision: Any = None, preferred_element_type: Any = None,
) -> Any:
    """General n-d convolution (a cross-correlation, as in JAX and every deep-learning
    library), with strides, padding, input dilation (transposed convolution), kernel dilation
    (atrous), feature groups (grouped / depthwise) and batch groups.

    ``padding`` is 'VALID', 'SAME', 'SAME_LOWER' or (low, high) pairs per spatial dimension;
    ``dimension_numbers`` is None (``('NCHW', 'OIHW', 'NCHW')`` style), layout strings or a
    ConvDimensionNumbers. ``precision`` is accepted and ignored (numpy computes in the operand
    dtype); ``preferred_element_type`` converts the operands before the convolution.

    Example:
        >>> x = jnp.ones((1, 3, 5, 5)); w = jnp.ones((8, 3, 3, 3))
        >>> conv_general_dilated(x, w, (1, 1), "SAME").shape
        (1, 8, 5, 5)
    """
    del precision  # numpy has one precision per dtype
    lhs, rhs = asarray(lhs), asarray(rhs)
    if preferred_element_type is not None:
        lhs = S.convert_element_type(lhs, preferred_element_type)
        rhs = S.convert_element_type(rhs, preferred_element_type)
    dn = conv_dimension_numbers(lhs.shape, rhs.shape, dimension_numbers)
    nsp = lhs.ndim - 2
    window_strides = _ints("conv_general_dilated: window_strides", window_strides, nsp)
    lhs_dilation = _ints("conv_general_dilated: lhs_dilation", lhs_dilation, nsp)
    rhs_dilation = _ints("conv_general_dilated: rhs_dilation", rhs_dilation, nsp)
    lhs_sp = tuple(lhs.shape[i] for i in dn.lhs_spec[2:])
    rhs_sp = tuple(rhs.shape[i] for i in dn.rhs_spec[2:])
    if isinstance(padding, str):
        if any(d != 1 for d in lhs_dilation):
            raise ValueError(
                "conv_general_dilated: string padding is not defined together with "
                f"lhs_dilation={lhs_dilation}; give explicit (low, high) pairs, or use "
                "conv_transpose")
        pads = padtype_to_pads(lhs_sp, [P.dilate_dim(k, r) for k, r in
                                        zip(rhs_sp, rhs_dilation)], window_strides, padding)
    else:
        pads = _pairs("conv_general_dilated", padding, nsp)
    _check_groups(lhs.shape, rhs.shape, dn, dimension_numbers, feature_group_count,
                  batch_group_count)
    if lhs.dtype != rhs.dtype:
        raise TypeError(
            f"conv_general_dilated requires lhs and rhs of one dtype, got {lhs.dtype} and "
            f"{rhs.dtype}; convert one with .astype(...), or pass preferred_element_type")
    x = S.transpose(lhs, dn.lhs_spec)
    w = S.transpose(rhs, dn.rhs_spec)
    g = feature_group_count
    if batch_group_count > 1:
        # Batch group b (lhs examples b*N/B ... (b+1)*N/B - 1) meets output features
        # b*O/B ...: the same contraction as feature groups over (B, C) stacked features.
        b = batch_group_count
        n = x.shape[0]
        x = S.reshape(x, (b, n // b) + x.shape[1:])
        x = S.transpose(x, (1, 0) + tuple(range(2, x.ndim)))
        x = S.reshape(x, (n // b, b * x.shape[2]) + x.shape[3:])
        g = b
    y = P.conv_general_dilated(x, w, window_strides, pads, lhs_dilation, rhs_dilation, g)
    return S.transpose(y, S.inverse_permutation(dn.out_spec))


def _check_groups(lhs_shape: tuple, rhs_shape: tuple, dn: ConvDimensionNumbers,
                  given: Any, feature_group_count: int, batch_group_count: int) -> None:
    g, b = feature_group_count, batch_group_count
    layout = f" (dimension_numbers={given!r})" if given is not None else ""
    if not isinstance(g, (int, np.integer)) or g < 1:
        raise ValueError(f"conv_general_dilated: feature_group_count={g!r} must be a positive int")
    if not isinstance(b, (int, np.integer)) or b < 1:
        raise ValueError(f"conv_general_dilated: batch_group_count={b!r} must be a positive int")
    if g > 1 and b > 1:
        raise ValueError(
            "conv_general_dilated: at most one of feature_group_count and batch_group_count "
            f"may exceed 1, got {g} and {b}")
    n, c = lhs_shape[dn.lhs_spec[0]], lhs_shape[dn.lhs_spec[1]]
    o, i = rhs_shape[dn.rhs_spec[0]], rhs_shape[dn.rhs_spec[1]]
    if c % g or c // g != i:
        raise ValueError(
            f"conv_general_dilated: lhs of shape {lhs_shape} has {c} input features but rhs "
            f"of shape {rhs_shape} expects {i} per group with feature_group_count={g} "
            f"({g} * {i} = {g * i}){layout}; the lhs feature count must be "
            "feature_group_count times the rhs input-feature count")
    if o % g:
        raise ValueError(
            f"conv_general_dilated: rhs of shape {rhs_shape} has {o} output features, not a "
            f"multiple of feature_group_count={g}{layout}")
    if b > 1 and (n % b or o % b):
        raise ValueError(
            f"conv_general_dilated: batch_group_count={b} must divide the lhs batch size {n} "
            f"(lhs shape {lhs_shape}) and the rhs output features {o} (rhs shape "
            f"{rhs_shape}){layout}")


def conv(lhs: Any, rhs: Any, window_strides: Sequence[int], padding: str,
         precision: Any = None, preferred_element_type: Any = None) -> Any:
    """``conv_general_dilated`` with the default (NCHW / OIHW) layout and no dilation.

    Example:
        >>> conv(jnp.ones((2, 3, 8, 8)), jnp.ones((4, 3, 3, 3)), (1, 1), "VALID").shape
        (2, 4, 6, 6)
    """
    return conv_general_dilated(lhs, rhs, window_strides, padding, precision=precision,
                                preferred_element_type=preferred_element_type)


def conv_with_general_padding(lhs: Any, rhs: Any, window_strides: Sequence[int],
                              padding: str | Sequence[tuple[int, int]],
                              lhs_dilation: Sequence[int] | None,
                              rhs_dilation: Sequence[int] | None, precision: Any = None,
                              preferred_element_type: Any = None) -> Any:
    """``conv_general_dilated`` with the default layout, explicit padding and dilations.

    Example:
        >>> conv_with_general_padding(jnp.ones((1, 1, 5)), jnp.ones((1, 1, 2)), (1,),
        ...                           [(1, 1)], None, (2,)).shape
        (1, 1, 5)
    """
    return conv_general_dilated(lhs, rhs, window_strides, padding, lhs_dilation=lhs_dilation,
                                rhs_dilation=rhs_dilation, precision=precision,
                                preferred_element_type=preferred_element_type)


def _conv_transpose_padding(k: int, s: int, padding: str) -> tuple[int, int]:
    """Pads that make a stride-``s`` transposed convolution the shape-inverse of a forward
    'SAME' / 'VALID' one with a (dilated) kernel of ``k``."""
    if padding == "SAME":
        total = k + s - 2
        before = k - 1 if s > k - 1 else -(-total // 2)
    else:  # VALID
        total = k + s - 2 + max(k - s, 0)
        before = k - 1
    return before, total - before


_TRANSPOSE_LAYOUTS = {2: ("NC", "IO", "NC"), 3: ("NHC", "HIO", "NHC"),
                      4: ("NHWC", "HWIO", "NHWC"), 5: ("NHWDC", "HWDIO", "NHWDC")}


def conv_transpose(lhs: Any, rhs: Any, strides: Sequence[int],
                   padding: str | Sequence[tuple[int, int]],
                   rhs_dilation: Sequence[int] | None = None, dimension_numbers: Any = None,
                   transpose_kernel: bool = False, precision: Any = None,
                   preferred_element_type: Any = None) -> Any:
    """Transposed ("fractionally strided") convolution: the input is dilated by ``strides``.
    'SAME' / 'VALID' give the output shape the matching forward convolution would invert
    (the Keras Conv2DTranspose convention); the default layout is channels-last
    (``NHWC``/``HWIO``). ``transpose_kernel=True`` flips the kernel in space and swaps its
    feature axes, which makes this the gradient of ``conv_general_dilated``.

    Example:
        >>> conv_transpose(jnp.ones((1, 4, 4, 3)), jnp.ones((3, 3, 3, 8)), (2, 2),
        ...                "SAME").shape
        (1, 8, 8, 8)
    """
    lhs, rhs = asarray(lhs), asarray(rhs)
    ndim = lhs.ndim
    if dimension_numbers is None:
        if ndim not in _TRANSPOSE_LAYOUTS:
            raise ValueError(
                f"conv_transpose: no default layout for rank-{ndim} operands (lhs "
                f"{lhs.shape}); pass dimension_numbers")
        dimension_numbers = _TRANSPOSE_LAYOUTS[ndim]
    dn = conv_dimension_numbers(lhs.shape, rhs.shape, dimension_numbers)
    nsp = ndim - 2
    strides = _ints("conv_transpose: strides", strides, nsp)
    rhs_dilation = _ints("conv_transpose: rhs_dilation", rhs_dilation, nsp)
    if isinstance(padding, str):
        if padding.upper() not in ("SAME", "VALID"):
            raise ValueError(
                f"conv_transpose: padding {padding!r} must be 'SAME', 'VALID' or (low, high) "
                "pairs")
        ks = [P.dilate_dim(rhs.shape[i], r) for i, r in zip(dn.rhs_spec[2:], rhs_dilation)]
        pads = [_conv_transpose_padding(k, s, padding.upper()) for k, s in zip(ks, strides)]
    else:
        pads = _pairs("conv_transpose", padding, nsp)
    if transpose_kernel:
        rhs = S.rev(rhs, tuple(dn.rhs_spec[2:]))
        perm = list(range(ndim))
        o_ax, i_ax = dn.rhs_spec[0], dn.rhs_spec[1]
        perm[o_ax], perm[i_ax] = i_ax, o_ax
        rhs = S.transpose(rhs, tuple(perm))
    return conv_general_dilated(lhs, rhs, (1,) * nsp, pads, lhs_dilation=strides,
                                rhs_dilation=rhs_dilation, dimension_numbers=dn,
                                preferred_element_type=preferred_element_type)


# ---- reduce_window -------------------------------------------------------------------------------


def _monoid(computation: Callable) -> str | None:
    """'sum', 'max' or 'min' for the computations reduce_window recognises."""
    if getattr(computation, "__module__", None) == "functorch_lite.lax":
        return {"add": "sum", "max": "max", "min": "min"}.get(computation.__name__)
    owner = getattr(computation, "__self__", None)  # a bound primitive (E.add, E.max_, ...)
    known = {E.add_p: "sum", E.max_p: "max", E.min_p: "min"}
    if owner in known:
        return known[owner]
    return {id(_jnp_math.add): "sum", id(_jnp_math.maximum): "max",
            id(_jnp_math.minimum): "min"}.get(id(computation))


_COMBINE = {"sum": E.add, "max": E.max_, "min": E.min_}


def reduce_window(operand: Any, init_value: Any, computation: Callable,
                  window_dimensions: Sequence[int], window_strides: Sequence[int] | None = None,
                  padding: str | Sequence[tuple[int, int]] = "VALID",
                  base_dilation: Sequence[int] | None = None,
                  window_dilation: Sequence[int] | None = None) -> Any:
    """Reduce every window of ``operand`` with ``computation`` (``lax.add``, ``lax.max`` or
    ``lax.min``; ``jnp.add``/``maximum``/``minimum`` work too), starting from ``init_value``.
    Windows cover every axis; padding and base-dilation holes take no part in the reduction
    (so ``init_value`` is combined once per window, as in XLA). Strides default to 1.

    Example:
        >>> reduce_window(jnp.arange(6.0), -jnp.inf, lax.max, (2,), (2,), "VALID")
        Array([1., 3., 5.], dtype=float32)
    """
    kind = _monoid(computation)
    if kind is None:
        raise NotImplementedError(
            f"reduce_window: computation {computation!r} is not supported; use lax.add, "
            "lax.max or lax.min (sum, max and min pooling)")
    x = asarray(operand)
    nd = x.ndim
    per = "axis of the operand"
    window = _ints("reduce_window: window_dimensions", window_dimensions, nd, per=per)
    strides = _ints("reduce_window: window_strides", window_strides, nd, per=per)
    base_dilation = _ints("reduce_window: base_dilation", base_dilation, nd, per=per)
    window_dilation = _ints("reduce_window: window_dilation", window_dilation, nd, per=per)
    if isinstance(padding, str):
        pads = padtype_to_pads(x.shape, [P.dilate_dim(k, d) for k, d in
                                         zip(window, window_dilation)], strides, padding)
    else:
        pads = _pairs("reduce_window", padding, nd)
    init = init_value if isinstance(init_value, (int, float, bool)) else asarray(init_value)
    if getattr(init, "shape", ()) != ():
        raise TypeError(f"reduce_window: init_value must be a scalar, got shape {init.shape}")
    if isinstance(init, float) and x.dtype.kind in "iub" and not init.is_integer():
        raise TypeError(
            f"reduce_window: init_value {init!r} cannot be an element of the {x.dtype} "
            f"operand; for max over integers use {P.identity('max', x.dtype)!r}")
    if not isinstance(init, (int, float, bool)) and init.dtype != x.dtype:
        raise TypeError(
            f"reduce_window: init_value of dtype {init.dtype} does not match the operand's "
            f"{x.dtype}; convert one of them")
    out = P.reduce_window_prim(kind, x, window, strides, pads, base_dilation, window_dilation)
    known = concrete_or_none(init)
    if known is not None and np.asarray(known) == P.identity(kind, x.dtype):
        return out
    return _COMBINE[kind](out, init)


# ---- pooling helpers for the PyTorch-style facade (not exported: JAX's lax has none) -----------


def _trailing(x: Any, name: str, window_shape: Sequence[int], strides: Any, padding: Any,
              window_dilation: Any = None) -> tuple:
    """Full-rank window parameters for pooling the trailing ``len(window_shape)`` axes."""
    k = len(window_shape)
    lead = x.ndim - k
    if lead < 0:
        raise ValueError(f"{name}: window {tuple(window_shape)} has more axes than the input "
                         f"of shape {x.shape}")
    window = (1,) * lead + _ints(f"{name}: window_shape", window_shape, k)
    strides = (1,) * lead + _ints(f"{name}: strides", strides if strides is not None
                                  else window_shape, k)
    dil = (1,) * lead + _ints(f"{name}: window_dilation", window_dilation, k)
    if isinstance(padding, str):
        pads = padtype_to_pads(x.shape, [P.dilate_dim(w, d) for w, d in zip(window, dil)],
                               strides, padding)
    else:
        pads = ((0, 0),) * lead + _pairs(name, padding, k)
    return window, strides, tuple(pads), dil


def max_pool(x: Any, window_shape: Sequence[int], strides: Sequence[int] | None = None,
             padding: str | Sequence[tuple[int, int]] = "VALID",
             window_dilation: Sequence[int] | None = None) -> Any:
    """Max over windows of the trailing ``len(window_shape)`` axes (NCHW pooling for a 2-d
    window). ``strides`` defaults to ``window_shape`` (PyTorch's default); explicit padding
    acts as -inf. The gradient goes to the first maximum of each window.

    Example:
        >>> max_pool(jnp.arange(16.0).reshape(1, 1, 4, 4), (2, 2)).shape
        (1, 1, 2, 2)
    """
    x = asarray(x)
    window, strides, pads, dil = _trailing(x, "max_pool", window_shape, strides, padding,
                                           window_dilation)
    return P.reduce_window_prim("max", x, window, strides, pads, (1,) * x.ndim, dil)


def avg_pool(x: Any, window_shape: Sequence[int], strides: Sequence[int] | None = None,
             padding: str | Sequence[tuple[int, int]] = "VALID",
             count_include_pad: bool = True) -> Any:
    """Mean over windows of the trailing ``len(window_shape)`` axes. ``count_include_pad``:
    divide by the window size (padding counts as zeros, PyTorch's default) or, if False, by
    the number of input elements each window covers.

    Example:
        >>> avg_pool(jnp.ones((1, 1, 4, 4)), (2, 2), padding=[(1, 1), (1, 1)]).shape
        (1, 1, 3, 3)
    """
    x = asarray(x)
    window, strides, pads, dil = _trailing(x, "avg_pool", window_shape, strides, padding)
    ones = (1,) * x.ndim
    total = P.reduce_window_prim("sum", x, window, strides, pads, ones, dil)
    if count_include_pad:
        return E.div(total, float(math.prod(window)))
    # How many real elements each window holds: a constant, computed once on concrete ones.
    from .array import Array

    counts = P.reduce_window_prim("sum", Array(np.ones(x.shape[-len(window_shape):], x.dtype)),
                                  window[-len(window_shape):], strides[-len(window_shape):],
                                  pads[-len(window_shape):], ones[-len(window_shape):],
                                  dil[-len(window_shape):])
    return E.div(total, counts)


# The public names re-exported by the public module.
__all__: list[str] = [
    "ConvDimensionNumbers", "conv", "conv_dimension_numbers", "conv_general_dilated",
    "conv_general_permutations", "conv_transpose", "conv_with_general_padding",
    "padtype_to_pads", "reduce_window",
]
