"""jax.numpy names functorch_lite does not implement: stand-ins that say why, and what to use.

Each entry of ``UNSUPPORTED`` is ``(name, reason)``; the reason names the alternative when
there is one. ``_stand_in`` turns an entry into an object that raises ``NotImplementedError``
when it is called, indexed (``r_[...]``) or asked for an attribute (``fft.fft``), so ported
code fails at the first use with a message instead of an ``AttributeError`` at import.
The list is kept in docs/array_api.md too.
"""
from __future__ import annotations

from typing import Any, NoReturn

_NARROW_FLOAT = "needs the ml_dtypes package (narrow floats); use float16 or float32"
_NARROW_INT = "sub-byte integers are not supported; use int8/uint8"
_IMMUTABLE = "Arrays are immutable; use x.at[idx].set(values) instead"

UNSUPPORTED: tuple[tuple[str, str], ...] = (
    ("bfloat16", _NARROW_FLOAT),
    ("float4_e2m1fn", _NARROW_FLOAT),
    ("float6_e2m3fn", _NARROW_FLOAT),
    ("float6_e3m2fn", _NARROW_FLOAT),
    ("float8_e3m4", _NARROW_FLOAT),
    ("float8_e4m3", _NARROW_FLOAT),
    ("float8_e4m3b11fnuz", _NARROW_FLOAT),
    ("float8_e4m3fn", _NARROW_FLOAT),
    ("float8_e4m3fnuz", _NARROW_FLOAT),
    ("float8_e5m2", _NARROW_FLOAT),
    ("float8_e5m2fnuz", _NARROW_FLOAT),
    ("float8_e8m0fnu", _NARROW_FLOAT),
    ("int1", _NARROW_INT),
    ("int2", _NARROW_INT),
    ("int4", _NARROW_INT),
    ("uint1", _NARROW_INT),
    ("uint2", _NARROW_INT),
    ("uint4", _NARROW_INT),
    ("fft", "the FFT extension is not implemented; use numpy.fft on np.asarray(x) outside "
            "transformed functions"),
    ("ufunc", "ufunc objects (.reduce/.accumulate/.outer) are not implemented; use vmap, "
              "vectorize or the reductions"),
    ("frompyfunc", "ufunc objects are not implemented; use functorch_lite.numpy.vectorize or "
                   "vmap"),
    ("fromfile", "read the file with numpy.fromfile, then functorch_lite.numpy.asarray"),
    ("fromiter", "build a numpy array with numpy.fromiter, then functorch_lite.numpy.asarray"),
    ("place", _IMMUTABLE),
    ("put", _IMMUTABLE + " (on x.ravel() for flat indices)"),
    ("put_along_axis", _IMMUTABLE),
    ("fill_diagonal", _IMMUTABLE + " with idx = diag_indices_from(x)"),
    ("r_", "index-trick concatenation is not implemented; use concatenate or arange"),
    ("c_", "index-trick concatenation is not implemented; use column_stack or stack(..., -1)"),
    ("insert", "use concatenate of slices (x[:i], values, x[i:])"),
    ("roots", "needs a non-symmetric eigensolver (linalg.eig), which is not implemented"),
    ("sort_complex", "complex arrays are not supported yet"),
    ("histogram2d", "use histogram on each axis, or bincount of combined bin indices"),
    ("histogramdd", "use histogram on each axis, or bincount of combined bin indices"),
    ("packbits", "use shifts and bitwise_or on uint8 arrays"),
    ("unpackbits", "use right_shift(x[..., None], arange(8)[::-1]) & 1 on uint8 arrays"),
    # Not implemented yet: each has a short composite alternative.
    ("apply_along_axis", "not implemented yet; use vmap(func, in_axes=axis) over the other axes"),
    ("apply_over_axes", "not implemented yet; apply the reduction to each axis in a loop"),
    ("vectorize", "not implemented yet; use vmap (nested once per broadcast dimension)"),
    ("block", "not implemented yet; use nested concatenate calls"),
    ("delete", "not implemented yet; use take(x, kept_indices, axis) or a boolean mask"),
    ("trim_zeros", "not implemented yet (data-dependent shape); slice with nonzero(x)"),
    ("mask_indices", "not implemented yet; use nonzero(mask_func(ones((n, n)), k))"),
    ("piecewise", "not implemented yet; use select(condlist, [f(x) for f in funclist])"),
    ("cov", "not implemented yet; use (x - mean) @ (x - mean).T / (n - 1)"),
    ("corrcoef", "not implemented yet; normalise the covariance by outer(std, std)"),
    ("gradient", "not implemented yet; use (x[2:] - x[:-2]) / 2 and one-sided ends"),
    ("interp", "not implemented yet; use searchsorted and a linear blend of neighbours"),
    ("unwrap", "not implemented yet; use cumsum of the 2*pi corrections of diff(p)"),
    ("poly", "not implemented yet; multiply (x - r) factors with polymul"),
    ("polydiv", "not implemented yet"),
    ("polyfit", "not implemented yet; use linalg.lstsq(vander(x, deg + 1), y)"),
)


class _StandIn:
    """A placeholder for an unsupported name: every use raises NotImplementedError."""

    __slots__ = ("_name", "_reason")

    def __init__(self, name: str, reason: str):
        self._name = name
        self._reason = reason

    def _fail(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise NotImplementedError(
            f"functorch_lite.numpy.{self._name} is not supported: {self._reason}"
        )

    __call__ = _fail
    __getitem__ = _fail

    def __getattr__(self, attr: str) -> NoReturn:
        if attr.startswith("__"):  # copy, pickle, inspect... probe dunders: plain absence
            raise AttributeError(attr)
        self._fail()

    def __repr__(self) -> str:
        return f"<unsupported functorch_lite.numpy.{self._name}: {self._reason}>"


def _stand_in(name: str, reason: str) -> _StandIn:
    return _StandIn(name, reason)


globals().update({name: _stand_in(name, reason) for name, reason in UNSUPPORTED})

__all__ = [name for name, _ in UNSUPPORTED]
