"""Printing tensors the way torch does: ``tensor([1., 2.], requires_grad=True)``.

Floats share one format per tensor: integral values print as ``1.``, others with 4 decimals
(``0.1000``), switching to scientific notation (``1.0000e-05``) when the magnitudes span more
than 1000x or leave [1e-4, 1e8]. Long tensors are summarized (``...``) above 1000 elements.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np


class _PrintOptions:
    precision = 4
    threshold = 1000
    edgeitems = 3
    linewidth = 80
    sci_mode: bool | None = None


PRINT_OPTS = _PrintOptions()


def set_printoptions(precision: int | None = None, threshold: int | None = None,
                     edgeitems: int | None = None, linewidth: int | None = None,
                     profile: str | None = None, sci_mode: bool | None = None) -> None:
    """Set how tensors print (torch's options: precision, threshold, edgeitems, linewidth,
    profile 'default'/'short'/'full', sci_mode).

    Example:
        >>> torch.set_printoptions(precision=2)
        >>> torch.tensor([0.12345])
        tensor([0.12])
        >>> torch.set_printoptions(profile="default")
    """
    if profile is not None:
        PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems, \
            PRINT_OPTS.linewidth = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80),
                                    "full": (4, math.inf, 3, 80)}[profile]
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


class _Formatter:
    def __init__(self, values: np.ndarray):
        self.kind = values.dtype.kind
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        p = PRINT_OPTS.precision
        if self.kind in "iub":
            strs = [str(v) for v in values.ravel().tolist()]
            self.width = max((len(s) for s in strs), default=1)
            return
        finite = values[np.isfinite(values)].astype(np.float64)
        nonzero = np.abs(finite[finite != 0])
        if finite.size == 0:
            self.width = max((len(str(v)) for v in values.ravel().tolist()), default=3)
            return
        self.int_mode = bool(np.all(np.ceil(finite) == finite))
        if self.int_mode:
            if nonzero.size and (nonzero.max() / nonzero.min() > 1000.0 or nonzero.max() > 1e8):
                self.sci_mode = True
        elif nonzero.size and (nonzero.max() / nonzero.min() > 1000.0 or nonzero.max() > 1e8
                               or nonzero.min() < 1e-4):
            self.sci_mode = True
        if PRINT_OPTS.sci_mode is not None:
            self.sci_mode = PRINT_OPTS.sci_mode
        self.p = p
        self.width = max((len(self._fmt(v)) for v in values.ravel().tolist()), default=1)

    def _fmt(self, v: Any) -> str:
        if self.kind in "iu":
            return str(v)
        if self.kind == "b":
            return str(bool(v))
        if not math.isfinite(v):
            return str(v) if not math.isnan(v) else "nan"
        if self.sci_mode:
            return f"{v:.{self.p}e}"
        if self.int_mode:
            return f"{v:.0f}."
        return f"{v:.{self.p}f}"

    def format(self, v: Any) -> str:
        return self._fmt(v).rjust(self.width)


def _summarize(a: np.ndarray, edge: int) -> np.ndarray:
    # The elements that will be shown (for the formatter's width), as a flat array.
    if a.ndim == 0:
        return a.reshape(1)
    rows = list(range(a.shape[0]))
    if a.shape[0] > 2 * edge:
        rows = rows[:edge] + rows[-edge:]
    if a.ndim == 1:
        return a[rows]
    return np.concatenate([_summarize(a[i], edge) for i in rows])


def _vector(a: np.ndarray, indent: int, fmt: _Formatter, summarize: bool) -> str:
    edge = PRINT_OPTS.edgeitems
    per_line = max(math.floor((PRINT_OPTS.linewidth - indent) / (fmt.width + 2)), 1)
    items = a.tolist()
    if summarize and len(items) > 2 * edge:
        strs = [fmt.format(v) for v in items[:edge]] + [" ..."] + \
               [fmt.format(v) for v in items[-edge:]]
    else:
        strs = [fmt.format(v) for v in items]
    lines = [", ".join(strs[i:i + per_line]) for i in range(0, len(strs), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _tensor_str(a: np.ndarray, indent: int, fmt: _Formatter, summarize: bool) -> str:
    if a.ndim == 0:
        return fmt._fmt(a.item())
    if a.ndim == 1:
        return _vector(a, indent, fmt, summarize)
    edge = PRINT_OPTS.edgeitems
    if summarize and a.shape[0] > 2 * edge:
        rows = [_tensor_str(a[i], indent + 1, fmt, summarize) for i in range(edge)] + ["..."] + \
               [_tensor_str(a[i], indent + 1, fmt, summarize)
                for i in range(a.shape[0] - edge, a.shape[0])]
    else:
        rows = [_tensor_str(a[i], indent + 1, fmt, summarize) for i in range(a.shape[0])]
    sep = "," + "\n" * (a.ndim - 1) + " " * (indent + 1)
    return "[" + sep.join(rows) + "]"


def format_tensor(values: np.ndarray, suffixes: list[str], prefix: str = "tensor(") -> str:
    """torch's repr of ``values`` with ``suffixes`` (``dtype=...``, ``requires_grad=True``...)."""
    indent = len(prefix)
    if values.size == 0:
        body = "[]"
        if values.shape != (0,):
            suffixes = [f"size={tuple(values.shape)}"] + suffixes
    else:
        summarize = values.size > PRINT_OPTS.threshold
        shown = _summarize(values, PRINT_OPTS.edgeitems) if summarize else values.ravel()
        fmt = _Formatter(shown)
        body = _tensor_str(values, indent, fmt, summarize)
    out = prefix + body
    for s in suffixes:
        last_line = out.rsplit("\n", 1)[-1]
        if len(last_line) + len(s) + 2 > PRINT_OPTS.linewidth:
            out += ",\n" + " " * indent + s
        else:
            out += ", " + s
    return out + ")"
