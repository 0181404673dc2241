"""functorch_lite.numpy as an Array API 2023.12 namespace: the required names with compatible
signatures, dtype objects, the inspection API, isdtype/finfo/iinfo against numpy (itself a
conforming namespace), promotion entries and special values from the specification, devices and
DLPack, array-API generic code under grad/jit/vmap, and the jax.numpy helpers of array_api.py."""
from __future__ import annotations

import inspect

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import functorch_lite as fl
import functorch_lite.numpy as jnp
from functorch_lite.test_util import check_grads

SET = settings(max_examples=15, deadline=None, derandomize=True)
TOL = {np.float32: dict(rtol=2e-5, atol=2e-5), np.float64: dict(rtol=1e-12, atol=1e-12)}

# ---- the 2023.12 specification's functions (signatures as the spec writes them) --------------
SPEC_FUNCTIONS = """
abs(x, /)
acos(x, /)
acosh(x, /)
add(x1, x2, /)
asin(x, /)
asinh(x, /)
atan(x, /)
atan2(x1, x2, /)
atanh(x, /)
bitwise_and(x1, x2, /)
bitwise_left_shift(x1, x2, /)
bitwise_invert(x, /)
bitwise_or(x1, x2, /)
bitwise_right_shift(x1, x2, /)
bitwise_xor(x1, x2, /)
ceil(x, /)
clip(x, /, min=None, max=None)
conj(x, /)
copysign(x1, x2, /)
cos(x, /)
cosh(x, /)
divide(x1, x2, /)
equal(x1, x2, /)
exp(x, /)
expm1(x, /)
floor(x, /)
floor_divide(x1, x2, /)
greater(x1, x2, /)
greater_equal(x1, x2, /)
hypot(x1, x2, /)
imag(x, /)
isfinite(x, /)
isinf(x, /)
isnan(x, /)
less(x1, x2, /)
less_equal(x1, x2, /)
log(x, /)
log1p(x, /)
log2(x, /)
log10(x, /)
logaddexp(x1, x2, /)
logical_and(x1, x2, /)
logical_not(x, /)
logical_or(x1, x2, /)
logical_xor(x1, x2, /)
maximum(x1, x2, /)
minimum(x1, x2, /)
multiply(x1, x2, /)
negative(x, /)
not_equal(x1, x2, /)
positive(x, /)
pow(x1, x2, /)
real(x, /)
remainder(x1, x2, /)
round(x, /)
sign(x, /)
signbit(x, /)
sin(x, /)
sinh(x, /)
square(x, /)
sqrt(x, /)
subtract(x1, x2, /)
tan(x, /)
tanh(x, /)
trunc(x, /)
arange(start, /, stop=None, step=1, *, dtype=None, device=None)
asarray(obj, /, *, dtype=None, device=None, copy=None)
empty(shape, *, dtype=None, device=None)
empty_like(x, /, *, dtype=None, device=None)
eye(n_rows, n_cols=None, /, *, k=0, dtype=None, device=None)
from_dlpack(x, /, *, device=None, copy=None)
full(shape, fill_value, *, dtype=None, device=None)
full_like(x, /, fill_value, *, dtype=None, device=None)
linspace(start, stop, /, num, *, dtype=None, device=None, endpoint=True)
meshgrid(*arrays, indexing='xy')
ones(shape, *, dtype=None, device=None)
ones_like(x, /, *, dtype=None, device=None)
tril(x, /, *, k=0)
triu(x, /, *, k=0)
zeros(shape, *, dtype=None, device=None)
zeros_like(x, /, *, dtype=None, device=None)
astype(x, dtype, /, *, copy=True, device=None)
can_cast(from_, to, /)
finfo(type, /)
iinfo(type, /)
isdtype(dtype, kind)
result_type(*arrays_and_dtypes)
take(x, indices, /, *, axis=None)
matmul(x1, x2, /)
matrix_transpose(x, /)
tensordot(x1, x2, /, *, axes=2)
vecdot(x1, x2, /, *, axis=-1)
broadcast_arrays(*arrays)
broadcast_to(x, /, shape)
concat(arrays, /, *, axis=0)
expand_dims(x, /, *, axis=0)
flip(x, /, *, axis=None)
moveaxis(x, source, destination, /)
permute_dims(x, /, axes)
repeat(x, repeats, /, *, axis=None)
reshape(x, /, shape, *, copy=None)
roll(x, /, shift, *, axis=None)
squeeze(x, /, axis)
stack(arrays, /, *, axis=0)
tile(x, repetitions, /)
unstack(x, /, *, axis=0)
argmax(x, /, *, axis=None, keepdims=False)
argmin(x, /, *, axis=None, keepdims=False)
nonzero(x, /)
searchsorted(x1, x2, /, *, side='left', sorter=None)
where(condition, x1, x2, /)
unique_all(x, /)
unique_counts(x, /)
unique_inverse(x, /)
unique_values(x, /)
argsort(x, /, *, axis=-1, descending=False, stable=True)
sort(x, /, *, axis=-1, descending=False, stable=True)
cumulative_sum(x, /, *, axis=None, dtype=None, include_initial=False)
max(x, /, *, axis=None, keepdims=False)
mean(x, /, *, axis=None, keepdims=False)
min(x, /, *, axis=None, keepdims=False)
prod(x, /, *, axis=None, dtype=None, keepdims=False)
std(x, /, *, axis=None, correction=0.0, keepdims=False)
sum(x, /, *, axis=None, dtype=None, keepdims=False)
var(x, /, *, axis=None, correction=0.0, keepdims=False)
all(x, /, *, axis=None, keepdims=False)
any(x, /, *, axis=None, keepdims=False)
"""
SPEC_LINALG = """
cholesky(x, /, *, upper=False)
cross(x1, x2, /, *, axis=-1)
det(x, /)
diagonal(x, /, *, offset=0)
eigh(x, /)
eigvalsh(x, /)
inv(x, /)
matmul(x1, x2, /)
matrix_norm(x, /, *, keepdims=False, ord='fro')
matrix_power(x, n, /)
matrix_rank(x, /, *, rtol=None)
matrix_transpose(x, /)
outer(x1, x2, /)
pinv(x, /, *, rtol=None)
qr(x, /, *, mode='reduced')
slogdet(x, /)
solve(x1, x2, /)
svd(x, /, *, full_matrices=True)
svdvals(x, /)
tensordot(x1, x2, /, *, axes=2)
trace(x, /, *, offset=0, dtype=None)
vecdot(x1, x2, /, *, axis=-1)
vector_norm(x, /, *, axis=None, keepdims=False, ord=2)
"""
SPEC_CONSTANTS = ["e", "inf", "nan", "newaxis", "pi"]
SPEC_DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
               "float32", "float64", "complex64", "complex128"]
# jax.numpy writes these defaults as None, meaning the spec's value (checked in
# test_none_defaults_mean_the_spec_defaults).
NONE_MEANS_SPEC_DEFAULT = {("arange", "step"), ("argmax", "keepdims"), ("argmin", "keepdims"),
                           ("std", "correction"), ("var", "correction")}
_P = inspect.Parameter


def _parse(text):
    out = {}
    for line in text.strip().splitlines():
        name = line[: line.index("(")]
        namespace = {}
        exec(f"def {line}: pass", namespace)
        out[name] = inspect.signature(namespace[name])
    return out


def _incompatibilities(name, spec, impl):
    """The ways a call that is valid against ``spec`` could fail (or mean something else)
    against ``impl``."""
    params = list(impl.parameters.values())
    var_pos = any(p.kind == _P.VAR_POSITIONAL for p in params)
    var_kw = any(p.kind == _P.VAR_KEYWORD for p in params)
    positional = [p for p in params if p.kind in (_P.POSITIONAL_ONLY, _P.POSITIONAL_OR_KEYWORD)]
    by_name = {p.name: p for p in params if p.kind in (_P.POSITIONAL_OR_KEYWORD, _P.KEYWORD_ONLY)}
    bad, i = [], 0
    for sp in spec.parameters.values():
        if sp.kind == _P.VAR_POSITIONAL:
            bad += [] if var_pos else [f"no *{sp.name}"]
            continue
        if sp.kind in (_P.POSITIONAL_ONLY, _P.POSITIONAL_OR_KEYWORD):
            if i < len(positional):
                if sp.default is not _P.empty and positional[i].default is _P.empty:
                    bad.append(f"{sp.name} is optional in the spec but required")
            elif not var_pos:
                bad.append(f"positional argument {sp.name} not accepted")
            i += 1
        if sp.kind in (_P.POSITIONAL_OR_KEYWORD, _P.KEYWORD_ONLY):
            q = by_name.get(sp.name)
            if q is None:
                bad += [] if var_kw else [f"keyword {sp.name} not accepted"]
            elif sp.default is not _P.empty:
                if q.default is _P.empty:
                    bad.append(f"{sp.name} is optional in the spec but required")
                elif q.default != sp.default and not (
                        q.default is None and (sp.default is None
                                               or (name, sp.name) in NONE_MEANS_SPEC_DEFAULT)):
                    bad.append(f"default {sp.name}={q.default!r}, spec {sp.default!r}")
    n_spec = sum(p.kind in (_P.POSITIONAL_ONLY, _P.POSITIONAL_OR_KEYWORD)
                 for p in spec.parameters.values())
    for j, q in enumerate(positional):
        if j >= n_spec and q.default is _P.empty:
            bad.append(f"extra required argument {q.name}")
    bad += [f"extra required keyword {q.name}" for q in params
            if q.kind == _P.KEYWORD_ONLY and q.default is _P.empty]
    return bad


@pytest.mark.parametrize("module,text", [(jnp, SPEC_FUNCTIONS), (jnp.linalg, SPEC_LINALG)],
                         ids=["numpy", "linalg"])
def test_required_functions_have_compatible_signatures(module, text):
    problems = {}
    for name, spec in _parse(text).items():
        fn = getattr(module, name, None)
        if fn is None:
            problems[name] = "missing"
            continue
        bad = _incompatibilities(name, spec, inspect.signature(fn))
        if bad:
            problems[name] = bad
    assert not problems, problems


def test_signature_checker_catches_incompatibilities():
    spec = _parse("f(x, /, *, axis=-1)")["f"]
    assert _incompatibilities("f", spec, inspect.signature(lambda x, axis=-1: x)) == []
    assert _incompatibilities("f", spec, inspect.signature(lambda x, dim=-1: x))
    assert _incompatibilities("f", spec, inspect.signature(lambda x, axis=0: x))
    assert _incompatibilities("f", spec, inspect.signature(lambda x, y, axis=-1: x))


def test_none_defaults_mean_the_spec_defaults():
    x = jnp.asarray([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]])
    assert jnp.arange(3).tolist() == jnp.arange(3, step=1).tolist() == [0, 1, 2]
    assert jnp.argmax(x, axis=1).shape == (2,) and jnp.argmin(x, axis=1).shape == (2,)
    np.testing.assert_allclose(jnp.std(x), np.std(np.asarray(x)), rtol=1e-6)
    np.testing.assert_allclose(jnp.var(x), np.var(np.asarray(x)), rtol=1e-6)


def test_version_constants_and_namespace():
    assert jnp.__array_api_version__ == "2023.12"
    for name in SPEC_CONSTANTS:
        assert getattr(jnp, name) == getattr(np, name) or name == "nan"
    assert jnp.newaxis is None and np.isnan(jnp.nan)
    x = jnp.ones(2)
    assert x.__array_namespace__() is jnp
    assert x.__array_namespace__(api_version="2023.12") is jnp
    with pytest.raises(ValueError, match="api_version '2099.01'"):
        x.__array_namespace__(api_version="2099.01")
    for name in ["linalg"] + [n for n in SPEC_CONSTANTS]:
        assert name in jnp.__all__


@pytest.mark.parametrize("name", SPEC_DTYPES)
def test_dtype_objects(name):
    dt = getattr(jnp, name)
    assert np.dtype(dt) == np.dtype(name)
    x = jnp.zeros(2, dtype=dt)
    assert x.dtype == dt and dt == x.dtype and hash(np.dtype(dt)) == hash(x.dtype)
    assert name in jnp.__all__


def test_inspection_api():
    info = jnp.__array_namespace_info__()
    caps = info.capabilities()
    assert caps["boolean indexing"] is False and caps["data-dependent shapes"] is False
    assert info.default_device() == "cpu" and "cpu" in info.devices()
    assert jnp.ones(2).device == info.default_device()
    defaults = info.default_dtypes()
    assert defaults == {"real floating": np.float32, "complex floating": np.complex64,
                        "integral": np.int32, "indexing": np.int32}
    assert jnp.asarray(1.0).dtype == defaults["real floating"]
    assert jnp.argmax(jnp.ones(3)).dtype == defaults["indexing"]
    assert info.dtypes() == np.__array_namespace_info__().dtypes()
    for kind in ["bool", "signed integer", "unsigned integer", "integral", "real floating",
                 "complex floating", "numeric", ("bool", "real floating")]:
        assert info.dtypes(kind=kind) == np.__array_namespace_info__().dtypes(kind=kind), kind
    with pytest.raises(ValueError, match="unknown device 'tpu'"):
        info.default_dtypes(device="tpu")


def test_default_dtypes_follow_x64():
    fl.config.update("jax_enable_x64", True)
    try:
        d = jnp.__array_namespace_info__().default_dtypes()
        assert d["real floating"] == np.float64 and d["integral"] == np.int64
    finally:
        fl.config.update("jax_enable_x64", False)


KINDS = ["bool", "signed integer", "unsigned integer", "integral", "real floating",
         "complex floating", "numeric"]


@pytest.mark.parametrize("name", SPEC_DTYPES)
def test_isdtype_matches_numpy(name):
    for kind in KINDS + [("bool", "integral"), np.float32, np.int64]:
        assert jnp.isdtype(getattr(jnp, name), kind) == np.isdtype(np.dtype(name), kind), kind
    with pytest.raises(ValueError, match="unknown kind 'floating'"):
        jnp.isdtype(jnp.float32, "floating")


@pytest.mark.parametrize("name", ["float32", "float64", "complex64", "complex128"])
def test_finfo_matches_numpy(name):
    got, want = jnp.finfo(getattr(jnp, name)), np.finfo(np.dtype(name))
    for attr in ["bits", "eps", "max", "min", "smallest_normal", "dtype"]:
        assert getattr(got, attr) == getattr(want, attr), attr
    assert jnp.finfo(jnp.ones(2, dtype=getattr(jnp, name))).bits == want.bits


@pytest.mark.parametrize("name", [n for n in SPEC_DTYPES if "int" in n])
def test_iinfo_matches_numpy(name):
    got, want = jnp.iinfo(getattr(jnp, name)), np.iinfo(np.dtype(name))
    assert (got.bits, got.max, got.min, got.dtype) == (want.bits, want.max, want.min, want.dtype)


def test_finfo_iinfo_errors():
    with pytest.raises(TypeError, match="finfo: needs a floating dtype, got int32"):
        jnp.finfo(jnp.int32)
    with pytest.raises(TypeError, match="iinfo: needs an integer dtype, got float32"):
        jnp.iinfo(jnp.float32)
    with pytest.raises(TypeError, match="expected a dtype or an array"):
        jnp.finfo(object())


# Entries of the specification's promotion tables (same-kind promotion; mixed kinds are
# unspecified there).
SPEC_PROMOTIONS = [
    ("bool", "bool", "bool"), ("int8", "int16", "int16"), ("int8", "int64", "int64"),
    ("uint8", "uint32", "uint32"), ("int8", "uint8", "int16"), ("uint8", "int16", "int16"),
    ("uint16", "int16", "int32"), ("uint32", "int32", "int64"), ("uint32", "int8", "int64"),
    ("float32", "float64", "float64"), ("complex64", "complex128", "complex128"),
    ("float32", "complex64", "complex64"), ("float64", "complex64", "complex128"),
    ("float32", "complex128", "complex128"),
]


@pytest.mark.parametrize("a,b,want", SPEC_PROMOTIONS)
def test_promotion_table(a, b, want):
    ta, tb = getattr(jnp, a), getattr(jnp, b)
    assert jnp.result_type(ta, tb) == jnp.result_type(tb, ta) == np.dtype(want)
    x, y = jnp.ones(2, dtype=ta), jnp.ones(2, dtype=tb)
    assert (x + y).dtype == np.dtype(want) and jnp.multiply(y, x).dtype == np.dtype(want)
    assert jnp.promote_types(a, b) == np.dtype(want)
    assert jnp.can_cast(ta, want) and jnp.can_cast(tb, want)


def test_result_type_with_scalars_and_arrays():
    x = jnp.ones(2, dtype=jnp.float32)
    assert jnp.result_type(x, 1.0) == np.float32  # Python scalars are weak
    assert jnp.result_type(jnp.int8, 1) == np.int8
    assert jnp.result_type(jnp.int16, float) == np.float32
    assert jnp.result_type(x, jnp.float64) == np.float64
    assert jnp.result_type(np.ones(2, np.int16)) == np.int16
    with pytest.raises(ValueError, match="at least one"):
        jnp.result_type()


def test_can_cast_and_issubdtype_match_numpy():
    for a in SPEC_DTYPES:
        for b in SPEC_DTYPES:
            assert jnp.can_cast(getattr(jnp, a), getattr(jnp, b)) == np.can_cast(a, b), (a, b)
    assert jnp.can_cast(jnp.ones(2, dtype=jnp.int8), jnp.int16)
    assert not jnp.can_cast(jnp.float64, jnp.float32)
    assert jnp.can_cast(jnp.float64, jnp.float32, casting="same_kind")
    assert jnp.issubdtype(jnp.float32, jnp.floating) and not jnp.issubdtype(jnp.int8, jnp.inexact)
    assert jnp.issubdtype(jnp.ones(2).dtype, jnp.number)


# ---- special values as the specification states them -----------------------------------------
INF, NAN = float("inf"), float("nan")
FLOOR_DIVIDE = [  # (x1, x2, spec result)
    (INF, 2.0, INF), (-INF, 2.0, -INF), (INF, -2.0, -INF), (3.0, INF, 0.0), (-3.0, INF, -0.0),
    (3.0, -INF, -0.0),
    (1.0, 0.0, INF), (-1.0, 0.0, -INF), (5.5, 2.0, 2.0), (-5.5, 2.0, -3.0), (NAN, 1.0, NAN),
    (INF, INF, NAN),
]
REMAINDER = [
    (5.5, 2.0, 1.5), (-5.5, 2.0, 0.5), (5.5, -2.0, -0.5), (3.0, INF, 3.0), (-3.0, INF, INF),
    (INF, 2.0, NAN), (1.0, 0.0, NAN), (NAN, 1.0, NAN),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_floor_divide_and_remainder_special_values(dtype):
    for table, fn in [(FLOOR_DIVIDE, jnp.floor_divide), (REMAINDER, jnp.remainder)]:
        x1 = jnp.asarray(np.array([r[0] for r in table], dtype))
        x2 = jnp.asarray(np.array([r[1] for r in table], dtype))
        want = np.array([r[2] for r in table], dtype)
        got = np.asarray(fn(x1, x2))
        np.testing.assert_array_equal(got, want, err_msg=fn.__name__)
        zero = want == 0  # the spec fixes the sign of zero results
        np.testing.assert_array_equal(np.signbit(got[zero]), np.signbit(want[zero]))
    ints = jnp.asarray(np.array([7, -7, 7, -7], np.int32))
    divs = jnp.asarray(np.array([2, 2, -2, -2], np.int32))
    assert jnp.floor_divide(ints, divs).tolist() == [3, -4, -4, 3]
    assert jnp.remainder(ints, divs).tolist() == [1, 1, -1, -1]


def test_round_half_to_even_and_sign():
    x = jnp.asarray([0.5, 1.5, 2.5, -0.5, -1.5, 3.7])
    assert jnp.round(x).tolist() == [0.0, 2.0, 2.0, -0.0, -2.0, 4.0]
    s = np.asarray(jnp.sign(jnp.asarray([-3.0, -0.0, 0.0, 2.0, NAN])))
    np.testing.assert_array_equal(s, [-1.0, 0.0, 0.0, 1.0, NAN])
    assert jnp.sign(jnp.asarray([-4, 0, 9], dtype=jnp.int8)).tolist() == [-1, 0, 1]


# ---- astype, devices, DLPack -------------------------------------------------------------------
def test_astype():
    x = jnp.asarray([1.7, -2.2])
    y = jnp.astype(x, jnp.int32)
    assert y.dtype == np.int32 and y.tolist() == [1, -2]
    assert jnp.astype(x, jnp.float64, copy=False, device="cpu").dtype == np.float64
    assert jnp.astype(y, jnp.bool).tolist() == [True, True]
    g = fl.grad(lambda v: jnp.sum(jnp.astype(v, jnp.float64) ** 2))(jnp.asarray([1.0, 2.0]))
    assert g.dtype == np.float32 and g.tolist() == [2.0, 4.0]


def test_devices():
    x = jnp.asarray([1.0, 2.0], device="cpu")
    assert x.device == "cpu" and x.to_device("cpu") is x and x.to_device(x.device) is x
    for make in [lambda d: jnp.zeros(2, device=d), lambda d: jnp.ones((2,), device=d),
                 lambda d: jnp.full(2, 3.0, device=d), lambda d: jnp.empty(2, device=d),
                 lambda d: jnp.arange(3, device=d), lambda d: jnp.eye(2, device=d),
                 lambda d: jnp.linspace(0.0, 1.0, 3, device=d),
                 lambda d: jnp.zeros_like(x, device=d), lambda d: jnp.ones_like(x, device=d),
                 lambda d: jnp.full_like(x, 1.0, device=d), lambda d: jnp.empty_like(x, device=d)]:
        assert make("cpu").device == "cpu"
        with pytest.raises(ValueError, match="unknown device 'tpu'.*'cpu' and 'gpu'"):
            make("tpu")
    if "gpu" not in fl.devices():
        with pytest.raises(ValueError, match="no GPU is available"):
            x.to_device("gpu")
    # Tracers report their value's device and accept to_device.
    out = fl.grad(lambda v: jnp.sum(v.to_device(v.device) * jnp.ones(2, device=v.device)))(x)
    assert out.tolist() == [1.0, 1.0]
    assert fl.jit(lambda v: v.to_device("cpu") * 2)(x).tolist() == [2.0, 4.0]


def test_from_dlpack_and_dlpack_export():
    a = np.arange(6.0).reshape(2, 3)
    x = jnp.from_dlpack(a)
    assert x.dtype == np.float64 and np.array_equal(np.asarray(x), a)
    a[0, 0] = 99.0
    assert np.asarray(x)[0, 0] == 0.0  # copied: later writes do not leak in
    back = np.from_dlpack(x)  # numpy consumes our __dlpack__
    np.testing.assert_array_equal(back, np.asarray(x))
    assert not back.flags.writeable  # a read-only view: the Array stays immutable
    assert x.__dlpack_device__() == (1, 0)
    assert jnp.from_dlpack(x) is x
    with pytest.raises(TypeError, match="list does not support DLPack"):
        jnp.from_dlpack([1.0])


def test_array_attributes_of_the_standard():
    x = jnp.asarray(np.arange(6.0).reshape(1, 2, 3))
    assert x.mT.shape == (1, 3, 2) and x.T.shape == (3, 2, 1)
    assert (x.ndim, x.size, x.shape, x.device) == (3, 6, (1, 2, 3), "cpu")
    i = jnp.asarray(3, dtype=jnp.int32)
    assert [10, 11, 12, 13][i] == 13 and complex(jnp.asarray(2.0)) == 2 + 0j
    assert (jnp.asarray([1, 2]) << 2).tolist() == [4, 8]
    assert (16 >> jnp.asarray([1, 2])).tolist() == [8, 4]
    y = jnp.asarray([1.0])
    y += 1  # rebinds to a new Array
    assert y.tolist() == [2.0]


# ---- array-API generic code -------------------------------------------------------------------
def generic_model(x, w, a):
    """Written only against the standard: standardize, softmax, and a linear solve."""
    xp = x.__array_namespace__()
    mu = xp.mean(x, axis=0, keepdims=True)
    sd = xp.std(x, axis=0, correction=1, keepdims=True)
    z = (x - mu) / sd
    logits = xp.matmul(z, w)
    logits = logits - xp.max(logits, axis=-1, keepdims=True)
    p = xp.exp(logits) / xp.sum(xp.exp(logits), axis=-1, keepdims=True)
    eye = xp.eye(a.shape[0], dtype=a.dtype)
    sol = xp.linalg.solve(a + 3.0 * eye, xp.matrix_transpose(p))
    return xp.sum(xp.linalg.vector_norm(sol, axis=0) ** 2) + xp.sum(xp.square(xp.tanh(z)))


def _generic_inputs(dtype):
    rng = np.random.default_rng(3)
    return (rng.normal(size=(5, 3)).astype(dtype), rng.normal(size=(3, 4)).astype(dtype),
            rng.normal(size=(4, 4)).astype(dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_generic_code_matches_numpy(dtype):
    args = _generic_inputs(dtype)
    want = generic_model(*args)  # numpy 2 is a conforming namespace itself
    got = generic_model(*[jnp.asarray(a) for a in args])
    assert got.dtype == dtype
    np.testing.assert_allclose(np.asarray(got), want, **TOL[dtype])


def test_generic_code_under_grad_jit_vmap():
    x, w, a = [jnp.asarray(v) for v in _generic_inputs(np.float64)]
    check_grads(generic_model, (x, w, a), order=2, modes=("fwd", "rev"))
    g = fl.grad(generic_model, argnums=(0, 1))(x, w, a)
    g_jit = fl.jit(fl.grad(generic_model, argnums=(0, 1)))(x, w, a)
    for u, v in zip(g, g_jit):
        np.testing.assert_allclose(np.asarray(u), np.asarray(v), rtol=1e-10)
    np.testing.assert_allclose(fl.jit(generic_model)(x, w, a), generic_model(x, w, a),
                               rtol=1e-12)
    xs = jnp.stack([x, x * 2.0, x - 1.0])
    batched = fl.vmap(generic_model, in_axes=(0, None, None))(xs, w, a)
    loop = [generic_model(xs[i], w, a) for i in range(3)]
    np.testing.assert_allclose(np.asarray(batched), np.asarray(jnp.stack(loop)), rtol=1e-10)


# ---- the jax.numpy helpers of array_api.py: values, derivatives, vmap, jit --------------------
# (name, functorch_lite function, numpy reference, input shapes, differentiable)
HELPERS = [
    ("diff", lambda x: jnp.diff(x), lambda x: np.diff(x), [(4, 5)], True),
    ("diff_n2_axis0", lambda x: jnp.diff(x, 2, axis=0, prepend=x[:1]),
     lambda x: np.diff(x, 2, axis=0, prepend=x[:1]), [(4, 5)], True),
    ("ediff1d", lambda x: jnp.ediff1d(x, to_end=x[:1]), lambda x: np.ediff1d(x, to_end=x[:1]),
     [(3, 2)], True),
    ("trapezoid", lambda y: jnp.trapezoid(y, dx=0.5), lambda y: np.trapezoid(y, dx=0.5),
     [(3, 4)], True),
    ("trapezoid_x", lambda y, x: jnp.trapezoid(y, x, axis=0),
     lambda y, x: np.trapezoid(y, x, axis=0), [(4, 2), (4,)], True),
    ("matvec", jnp.matvec, np.matvec, [(2, 3, 4), (4,)], True),
    ("vecmat", jnp.vecmat, np.vecmat, [(3,), (2, 3, 4)], True),
    ("rollaxis", lambda x: jnp.rollaxis(x, 2, 1), lambda x: np.rollaxis(x, 2, 1),
     [(2, 3, 4)], True),
    ("resize", lambda x: jnp.resize(x, (3, 3)), lambda x: np.resize(x, (3, 3)), [(2, 2)], True),
    ("copy", jnp.copy, np.copy, [(3,)], True),
    ("vander", lambda x: jnp.vander(x, 4), lambda x: np.vander(x, 4), [(3,)], True),
    ("polyval", jnp.polyval, np.polyval, [(4,), (5,)], True),
    ("polyder", lambda p: jnp.polyder(p, 2), lambda p: np.polyder(p, 2), [(5,)], True),
    ("polyint", lambda p: jnp.polyint(p, 2, k=[1.0, 2.0]), lambda p: np.polyint(p, 2, k=[1, 2]),
     [(3,)], True),
    ("polyadd", jnp.polyadd, np.polyadd, [(3,), (5,)], True),
    ("polysub", jnp.polysub, np.polysub, [(5,), (2,)], True),
    ("polymul", jnp.polymul, np.polymul, [(3,), (4,)], True),
]


def _helper_args(shapes, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=s).astype(dtype) for s in shapes]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", HELPERS, ids=[c[0] for c in HELPERS])
def test_helpers_values_match_numpy(case, dtype):
    _, fn, ref, shapes, _ = case
    args = _helper_args(shapes, dtype)
    got = fn(*[jnp.asarray(a) for a in args])
    want = ref(*args)
    assert np.asarray(got).dtype == dtype
    np.testing.assert_allclose(np.asarray(got), want, **TOL[dtype])
    eager = fn(*[jnp.asarray(a) for a in args])
    np.testing.assert_allclose(np.asarray(fl.jit(fn)(*[jnp.asarray(a) for a in args])),
                               np.asarray(eager), **TOL[dtype])


@pytest.mark.parametrize("case", [c for c in HELPERS if c[4]], ids=[c[0] for c in HELPERS if c[4]])
def test_helpers_derivatives(case):
    _, fn, _, shapes, _ = case
    args = [jnp.asarray(a) for a in _helper_args(shapes, np.float64, seed=1)]
    check_grads(fn, args, order=2, modes=("fwd", "rev"))


@SET
@given(case=st.sampled_from(HELPERS), batch=st.integers(1, 3), seed=st.integers(0, 100))
def test_helpers_vmap_matches_loop(case, batch, seed):
    _, fn, _, shapes, _ = case
    args = [jnp.asarray(a) for a in _helper_args([(batch,) + s for s in shapes], np.float64,
                                                 seed)]
    out = fl.vmap(fn)(*args)
    loop = jnp.stack([fn(*[a[i] for a in args]) for i in range(batch)])
    np.testing.assert_allclose(np.asarray(out), np.asarray(loop), rtol=1e-12, atol=1e-12)


def test_small_helpers():
    assert jnp.isscalar(1.0) and jnp.isscalar(jnp.asarray(2)) and not jnp.isscalar([1])
    assert jnp.iterable([1]) and not jnp.iterable(jnp.asarray(1.0)) and not jnp.iterable(3)
    assert not jnp.iscomplexobj(jnp.ones(2)) and jnp.iscomplexobj(np.ones(2, np.complex64))
    assert jnp.isrealobj(3) and not jnp.isrealobj(1j)
    assert jnp.iscomplex(jnp.ones(2)).tolist() == [False, False]
    assert jnp.isreal(jnp.ones((2, 1))).tolist() == [[True], [True]]
    assert jnp.bitwise_invert(jnp.asarray([0, 5], dtype=jnp.int8)).tolist() == [-1, -6]
    assert jnp.bitwise_invert(jnp.asarray([True, False])).tolist() == [False, True]
    for dt in [np.int8, np.int32, np.uint16, np.int64]:
        v = np.array([0, 1, 7, np.iinfo(dt).max, np.iinfo(dt).min], dt)
        got = jnp.bitwise_count(jnp.asarray(v))
        assert got.dtype == np.uint8 and got.tolist() == np.bitwise_count(v).tolist()
    for name in ["bartlett", "blackman", "hamming", "hanning"]:
        got = getattr(jnp, name)(7)
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, getattr(np, name)(7), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(jnp.kaiser(6, 3.0), np.kaiser(6, 3.0), rtol=1e-6)
    grid = jnp.mgrid[0:2, 0:3]
    assert grid.dtype == np.int32 and np.array_equal(grid, np.mgrid[0:2, 0:3])
    assert [g.shape for g in jnp.ogrid[0:2, 0:3]] == [(2, 1), (1, 3)]
    assert jnp.mgrid[0:1:5j].dtype == np.float32
    assert jnp.s_[1:2] == np.s_[1:2] and jnp.index_exp[1] == (1,)
    assert jnp.frombuffer(b"\x01\x02", dtype=jnp.uint8).tolist() == [1, 2]
    assert jnp.fromstring("1 2 3", dtype=jnp.int32, sep=" ").tolist() == [1, 2, 3]
    assert jnp.array_repr(jnp.ones(2)) == repr(jnp.ones(2))
    assert jnp.array_str(jnp.ones(2)) == np.array_str(np.ones(2, np.float32))
    assert jnp.euler_gamma == np.euler_gamma


def test_save_and_load(tmp_path):
    x = jnp.asarray(np.arange(6, dtype=np.float64).reshape(2, 3))
    jnp.save(tmp_path / "x.npy", x)
    y = jnp.load(tmp_path / "x.npy")
    assert isinstance(y, fl.Array) and y.dtype == np.float64 and y.tolist() == x.tolist()
    jnp.savez(tmp_path / "xy.npz", x=x, y=jnp.ones(2))
    with jnp.load(tmp_path / "xy.npz") as data:
        assert data["y"].tolist() == [1.0, 1.0]


def test_helper_errors():
    with pytest.raises(ValueError, match="diff: needs an array with at least one dimension"):
        jnp.diff(jnp.asarray(1.0))
    with pytest.raises(ValueError, match="diff: order n must be non-negative"):
        jnp.diff(jnp.ones(3), -1)
    with pytest.raises(TypeError, match="diff: n must be an int"):
        jnp.diff(jnp.ones(3), 1.5)
    with pytest.raises(ValueError, match="resize: the input array is empty"):
        jnp.resize(jnp.ones(0), (2,))
    with pytest.raises(ValueError, match="vander: x must be one-dimensional"):
        jnp.vander(jnp.ones((2, 2)))
    with pytest.raises(ValueError, match="polyval: p must be one-dimensional"):
        jnp.polyval(jnp.ones((2, 2)), 1.0)
    with pytest.raises(TypeError, match="bitwise_count: needs an integer"):
        jnp.bitwise_count(jnp.ones(2))
    with pytest.raises(ValueError, match="rollaxis: start=5 is out of range"):
        jnp.rollaxis(jnp.ones((2, 2)), 0, 5)
