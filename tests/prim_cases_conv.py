"""Table entries for the convolution and windowed-reduction primitives (registered into
test_primitives.CASES), and the naive loop references tests/test_conv.py reuses.

The references walk every output position and every window element with explicit Python loops
over small sizes: nothing in them shares code with the im2col / strided kernels under test.
"""
from __future__ import annotations

import itertools

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from test_primitives import FLOATS, NORMAL, Ex, case, distinct, maker

from functorch_lite._src.prims import conv as C

# ---- naive references ----------------------------------------------------------------------------


def dilate_pad_ref(x: np.ndarray, first: int, pads, dilation, fill) -> np.ndarray:
    """Axes ``first...`` of ``x`` dilated then padded (negative pads crop), one axis at a time."""
    out = x
    for k, ((lo, hi), d) in enumerate(zip(pads, dilation)):
        ax = first + k
        n = out.shape[ax]
        size = (n - 1) * d + 1 if n else 0
        dil = np.full(out.shape[:ax] + (size,) + out.shape[ax + 1:], fill, x.dtype)
        for i in range(n):
            idx = (slice(None),) * ax + (i * d,)
            dil[idx] = out[(slice(None),) * ax + (i,)]
        parts = []
        if lo > 0:
            parts.append(np.full(dil.shape[:ax] + (lo,) + dil.shape[ax + 1:], fill, x.dtype))
        dil = np.take(dil, range(max(-lo, 0), dil.shape[ax]), axis=ax)
        if hi < 0:
            dil = np.take(dil, range(0, max(dil.shape[ax] + hi, 0)), axis=ax)
        parts.append(dil)
        if hi > 0:
            parts.append(np.full(dil.shape[:ax] + (hi,) + dil.shape[ax + 1:], fill, x.dtype))
        out = np.concatenate(parts, axis=ax)
    return out


def conv_ref(x, w, strides, pads, lhs_dil, rhs_dil, groups=1):
    """Canonical-layout (NC..., OI..., NC...) convolution, summed in float64, one output
    element at a time."""
    n, c = x.shape[:2]
    o, cg = w.shape[:2]
    ks = w.shape[2:]
    xd = dilate_pad_ref(x.astype(np.float64), 2, pads, lhs_dil, 0.0)
    spans = [(k - 1) * d + 1 for k, d in zip(ks, rhs_dil)]
    out_sp = [(m - s) // st + 1 if m >= s else 0
              for m, s, st in zip(xd.shape[2:], spans, strides)]
    out = np.zeros((n, o) + tuple(out_sp))
    og = o // groups
    for b, f in itertools.product(range(n), range(o)):
        g = f // og
        for pos in itertools.product(*(range(m) for m in out_sp)):
            total = 0.0
            for ci, kk in itertools.product(range(cg), itertools.product(*map(range, ks))):
                at = tuple(p * st + k * d for p, st, k, d in zip(pos, strides, kk, rhs_dil))
                total += xd[(b, g * cg + ci) + at] * float(w[(f, ci) + kk])
            out[(b, f) + pos] = total
    return out.astype(x.dtype)


def reduce_window_ref(x, kind, window, strides, pads, base_dil, win_dil):
    """Windowed sum / max / min with padding and holes skipped, one window at a time."""
    mark = np.zeros(x.shape, bool)
    xd = dilate_pad_ref(x, 0, pads, base_dil, 0)
    real = dilate_pad_ref(~mark, 0, pads, base_dil, False)  # where an operand element sits
    spans = [(k - 1) * d + 1 for k, d in zip(window, win_dil)]
    out_sp = [(m - s) // st + 1 if m >= s else 0 for m, s, st in zip(xd.shape, spans, strides)]
    out = np.full(out_sp, C.identity(kind, x.dtype), x.dtype)
    for pos in itertools.product(*(range(m) for m in out_sp)):
        vals = []
        for kk in itertools.product(*map(range, window)):
            at = tuple(p * st + k * d for p, st, k, d in zip(pos, strides, kk, win_dil))
            if real[at]:
                vals.append(xd[at])
        if vals:
            arr = np.asarray(vals, x.dtype)
            out[pos] = (arr.sum(dtype=x.dtype) if kind == "sum" else
                        arr.max() if kind == "max" else arr.min())
    return out


def window_argmax_ref(x, kind, window, strides, pads, base_dil, win_dil):
    """Flat index of each window's first extremum (row-major window order); ``x.size`` where
    padding or a hole wins (only possible when the window holds no operand element)."""
    flat_pos = dilate_pad_ref(np.arange(x.size).reshape(x.shape), 0, pads, base_dil, -1)
    xd = dilate_pad_ref(x, 0, pads, base_dil, C.identity(kind, x.dtype))
    spans = [(k - 1) * d + 1 for k, d in zip(window, win_dil)]
    out_sp = [(m - s) // st + 1 if m >= s else 0 for m, s, st in zip(xd.shape, spans, strides)]
    out = np.zeros(out_sp, np.int64)
    for pos in itertools.product(*(range(m) for m in out_sp)):
        best, where = None, -1
        for kk in itertools.product(*map(range, window)):
            at = tuple(p * st + k * d for p, st, k, d in zip(pos, strides, kk, win_dil))
            v = xd[at]
            if best is None or (v > best if kind == "max" else v < best):
                best, where = v, flat_pos[at]
        out[pos] = x.size if where < 0 else where
    return out


# ---- drawing configurations ----------------------------------------------------------------------


@st.composite
def conv_config(draw, max_spatial: int = 2):
    """A small canonical-layout convolution: shapes and every parameter."""
    nsp = draw(st.integers(1, max_spatial))
    groups = draw(st.integers(1, 2))
    cg, og, n = draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(1, 2))
    small = nsp == 3
    ks = tuple(draw(st.integers(1, 2 if small else 3)) for _ in range(nsp))
    strides = tuple(draw(st.integers(1, 2)) for _ in range(nsp))
    lhs_dil = tuple(draw(st.sampled_from([1, 1, 2])) for _ in range(nsp))
    rhs_dil = tuple(draw(st.sampled_from([1, 1, 2])) for _ in range(nsp))
    pads = tuple((draw(st.integers(-1, 2)), draw(st.integers(-1, 2))) for _ in range(nsp))
    sp = tuple(draw(st.integers(1, 3 if small else 5)) for _ in range(nsp))
    out_sp = [C.window_out_dim(m, lo, hi, ld, k, rd, s) for m, (lo, hi), ld, k, rd, s in
              zip(sp, pads, lhs_dil, ks, rhs_dil, strides)]
    assume(all(m > 0 for m in out_sp))
    return {"lhs_shape": (n, groups * cg) + sp, "rhs_shape": (groups * og, cg) + ks,
            "window_strides": strides, "padding": pads, "lhs_dilation": lhs_dil,
            "rhs_dilation": rhs_dil, "feature_group_count": groups}


@st.composite
def window_config(draw, max_dims: int = 3):
    rank = draw(st.integers(1, max_dims))
    shape = tuple(draw(st.integers(1, 4)) for _ in range(rank))
    window = tuple(draw(st.integers(1, 3)) for _ in range(rank))
    strides = tuple(draw(st.integers(1, 2)) for _ in range(rank))
    pads = tuple((draw(st.integers(-1, 2)), draw(st.integers(-1, 2))) for _ in range(rank))
    base = tuple(draw(st.sampled_from([1, 1, 2])) for _ in range(rank))
    wdil = tuple(draw(st.sampled_from([1, 1, 2])) for _ in range(rank))
    out = [C.window_out_dim(m, lo, hi, bd, k, wd, s) for m, (lo, hi), bd, k, wd, s in
           zip(shape, pads, base, window, wdil, strides)]
    assume(all(m > 0 for m in out))
    return shape, (window, strides, pads, base, wdil)


def every_window_reads_the_operand(shape, params) -> bool:
    """No window made only of padding and holes (its max would be -inf: not differentiable)."""
    return bool(np.all(reduce_window_ref(np.ones(shape), "sum", *params) > 0))


# ---- table entries ------------------------------------------------------------------------------


@case("conv_general_dilated", FLOATS, tol=8.0)
def _conv_general_dilated(draw):
    cfg = draw(conv_config())
    p = (cfg["window_strides"], cfg["padding"], cfg["lhs_dilation"], cfg["rhs_dilation"],
         cfg["feature_group_count"])
    return Ex(lambda x, w: C.conv_general_dilated(x, w, *p), lambda x, w: conv_ref(x, w, *p),
              maker((cfg["lhs_shape"], NORMAL), (cfg["rhs_shape"], NORMAL)),
              what=f"{cfg}")


@case("reduce_window_sum", FLOATS, tol=4.0)
def _reduce_window_sum(draw):
    shape, params = draw(window_config())
    return Ex(lambda x: C.reduce_window_prim("sum", x, *params),
              lambda x: reduce_window_ref(x, "sum", *params), maker((shape, NORMAL)),
              what=f"shape={shape}, params={params}")


def _chooser_case(kind: str) -> None:
    @case(f"reduce_window_{kind}", FLOATS)
    def examples(draw):
        shape, params = draw(window_config())
        assume(every_window_reads_the_operand(shape, params))
        # distinct values: no ties, so the derivative is defined at the drawn points
        return Ex(lambda x: C.reduce_window_prim(kind, x, *params),
                  lambda x: reduce_window_ref(x, kind, *params), maker((shape, distinct())),
                  what=f"shape={shape}, params={params}")


_chooser_case("max")
_chooser_case("min")


@case("window_argmax", FLOATS, grad=False)
def _window_argmax(draw):
    shape, params = draw(window_config())
    kind = draw(st.sampled_from(["max", "min"]))
    # a few ties on purpose: the first extremum must win
    ties = draw(st.booleans())

    def make(rng, dt):
        if ties:
            return [rng.integers(-1, 2, shape).astype(dt)]
        return [distinct()(rng, shape, dt)]

    return Ex(lambda x: C.window_argmax(x, kind, *params),
              lambda x: window_argmax_ref(x, kind, *params), make, diff=False,
              what=f"{kind}, shape={shape}, params={params}, ties={ties}")


# ---- select_and_scatter_add (the max/min-pool VJP) ----------------------------------------------


def select_and_scatter_add_ref(ct, x, kind, window, strides, pads, base_dil, win_dil):
    """Each window's cotangent added at its first extremum, one window at a time."""
    idx = window_argmax_ref(x, kind, window, strides, pads, base_dil, win_dil)
    out = np.zeros(x.size + 1, ct.dtype)
    for pos in itertools.product(*map(range, idx.shape)):
        out[idx[pos]] += ct[pos]
    return out[:x.size].reshape(x.shape)


@st.composite
def tiling_config(draw, max_dims: int = 3):
    """Windows side by side (window == stride, no padding or holes), sometimes leaving a
    trailing remainder no window reads: the kernel's fast path."""
    rank = draw(st.integers(1, max_dims))
    window = tuple(draw(st.integers(1, 3)) for _ in range(rank))
    shape = tuple(k * draw(st.integers(1, 3)) + draw(st.integers(0, k - 1)) for k in window)
    return shape, (window, window, ((0, 0),) * rank, (1,) * rank, (1,) * rank)


@case("select_and_scatter_add", FLOATS)
def _select_and_scatter_add(draw):
    shape, params = draw(st.one_of(tiling_config(), window_config()))
    kind = draw(st.sampled_from(["max", "min"]))
    # the forward's extrema passed along (as reduce_window's VJP does), or not
    with_extremum = draw(st.booleans())
    out_shape = tuple(C.window_out_dim(n, lo, hi, bd, k, wd, s) for n, (lo, hi), bd, k, wd, s
                      in zip(shape, params[2], params[3], params[0], params[4], params[1]))

    def fn(ct, x):
        if with_extremum:
            extremum = C.reduce_window_prim(kind, x, *params)
            return C.select_and_scatter_add_p.bind(ct, x, extremum, kind=kind,
                                                   **C._window_params(*params))
        return C.select_and_scatter_add(ct, x, kind, *params)

    # distinct operand values: the winners do not move under the finite differences
    return Ex(fn, lambda ct, x: select_and_scatter_add_ref(ct, x, kind, *params),
              maker((out_shape, NORMAL), (shape, distinct())),
              what=f"{kind}, shape={shape}, params={params}, extremum={with_extremum}")
