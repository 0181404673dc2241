"""jit: static arguments, the cache and its retrace reasons, the generated code, the optimisation
passes (DCE, CSE, constant folding), jit against eager, concretization errors and methods."""
from __future__ import annotations

import traceback
import warnings
from functools import partial

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import functorch_lite as fl
import functorch_lite.numpy as jnp
from functorch_lite import lax
from functorch_lite.errors import ConcretizationTypeError, TracerBoolConversionError
from functorch_lite.tree_util import register_pytree_node_class


def assert_close(got, want, atol=1e-6, rtol=1e-6):
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), atol=atol, rtol=rtol)


class Counter:
    """A function that counts how often it is traced (its Python body runs)."""

    def __init__(self, fn):
        self.fn = fn
        self.n = 0

    def __call__(self, *args, **kwargs):
        self.n += 1
        return self.fn(*args, **kwargs)


X3 = jnp.asarray([1.0, 2.0, 3.0])


# ---- static arguments and the cache ----------------------------------------------------------


def test_static_argnums_and_argnames():
    body = Counter(lambda x, n, mode="mul": x * n if mode == "mul" else x + n)
    f = fl.jit(body, static_argnums=1, static_argnames="mode")
    assert_close(f(X3, 2), [2.0, 4.0, 6.0])
    assert_close(f(X3, 2), [2.0, 4.0, 6.0])
    assert body.n == 1
    assert_close(f(X3, 3), [3.0, 6.0, 9.0])
    assert body.n == 2
    assert_close(f(X3, 3, mode="add"), [4.0, 5.0, 6.0])
    assert body.n == 3
    assert_close(f(X3, 3, mode="add"), [4.0, 5.0, 6.0])
    assert body.n == 3
    # a static argument can use Python control flow
    g = fl.jit(lambda x, flag: x * 2.0 if flag else -x, static_argnames=("flag",))
    assert_close(g(X3, flag=True), [2.0, 4.0, 6.0])
    assert_close(g(X3, flag=False), [-1.0, -2.0, -3.0])
    # static_argnums also covers the argument passed by name, and negative numbers work
    h = fl.jit(lambda x, n: x * n, static_argnums=-1)
    assert_close(h(X3, 2), [2.0, 4.0, 6.0])
    assert_close(h(X3, n=2), [2.0, 4.0, 6.0])


def test_static_argument_must_be_hashable():
    f = fl.jit(lambda x, n: x, static_argnums=1)
    with pytest.raises(TypeError, match="hashable"):
        f(X3, [1, 2])


def test_decorator_forms():
    @fl.jit
    def a(x):
        return x + 1.0

    @partial(fl.jit, static_argnums=(1,))
    def b(x, k):
        return x * k

    @fl.jit(static_argnames="k")
    def c(x, k=2):
        return x ** k

    assert_close(a(X3), [2.0, 3.0, 4.0])
    assert_close(b(X3, 3), [3.0, 6.0, 9.0])
    assert_close(c(X3, k=3), [1.0, 8.0, 27.0])
    assert a.__name__ == "a" and a.__wrapped__ is not None
    with pytest.raises(TypeError, match="callable"):
        fl.jit(3)


def test_cache_keyed_by_structure_shape_dtype_and_static_values():
    body = Counter(lambda tree: sum(jnp.sum(v) for v in fl.tree_util.tree_leaves(tree)))
    f = fl.jit(body)
    f({"a": X3, "b": X3})
    f({"a": X3 * 2.0, "b": X3 + 1.0})  # new values, same key
    assert body.n == 1 and f.cache_size() == 1
    f({"a": X3, "c": X3})  # new key names: new structure
    assert body.n == 2
    f([X3, X3])
    f((X3, X3))  # list and tuple are different structures
    assert body.n == 4
    f({"a": jnp.ones(4), "b": X3})  # new shape
    assert body.n == 5
    f({"a": jnp.ones(3, jnp.int32), "b": X3})  # new dtype
    assert body.n == 6
    f({"a": X3, "b": X3})  # an earlier key: a cache hit, not a retrace
    assert body.n == 6 and f.cache_size() == 6
    # Python scalars are dynamic: a new value does not retrace, a new type does
    g = fl.jit(body)
    g([X3, 1.0])
    g([X3, 2.0])
    assert body.n == 7
    g([X3, 2])
    assert body.n == 8
    f.clear_cache()
    assert f.cache_size() == 0
    f({"a": X3, "b": X3})
    assert body.n == 9


def test_new_shape_retraces_and_reasons_name_the_argument():
    f = fl.jit(lambda x, y, n: x * n + y, static_argnums=2)
    assert f.retrace_reasons == []
    f(X3, 1.0, 2)
    f(jnp.ones(4), 1.0, 2)
    f(jnp.ones(4), 1.0, 5)
    f(jnp.ones(4, jnp.int32), 1.0, 5)
    f(jnp.ones(4, jnp.int32), [1.0], 5)
    reasons = f.retrace_reasons
    assert len(reasons) == 4
    assert "args[0] ('x')" in reasons[0] and "shape" in reasons[0]
    assert "(3,)" in reasons[0] and "(4,)" in reasons[0]
    assert "static argument" in reasons[1] and "'n'" in reasons[1]
    assert "from 2 to 5" in reasons[1]
    assert "dtype" in reasons[2] and "float32" in reasons[2] and "int32" in reasons[2]
    assert "args[1] ('y')" in reasons[3] and "structure" in reasons[3]


def test_retrace_reasons_for_keywords_and_pytree_leaves():
    f = fl.jit(lambda x, *, scale: x * scale["w"])
    f(X3, scale={"w": X3})
    f(X3, scale={"w": jnp.ones((2, 3))})
    assert "keyword argument 'scale'" in f.retrace_reasons[-1]
    assert "(3,)" in f.retrace_reasons[-1] and "(2, 3)" in f.retrace_reasons[-1]


def test_enable_x64_is_part_of_the_cache_key():
    f = lambda x: x * 2.5 + jnp.zeros(2)  # noqa: E731
    jf = fl.jit(f)
    i = jnp.asarray([1, 2])
    assert jf(i).dtype == np.float32
    old = fl.config.read("jax_enable_x64")
    fl.config.update("jax_enable_x64", True)
    try:
        assert jf(i).dtype == f(i).dtype == np.float64
        assert "jax_enable_x64" in jf.retrace_reasons[-1]
    finally:
        fl.config.update("jax_enable_x64", old)
    assert jf(i).dtype == np.float32 and jf.cache_size() == 2


def test_explain_cache_misses_warns():
    f = fl.jit(lambda x: x * 2.0)
    f(X3)
    old = fl.config.read("jax_explain_cache_misses")
    fl.config.update("jax_explain_cache_misses", True)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            f(jnp.ones(5))
    finally:
        fl.config.update("jax_explain_cache_misses", old)
    messages = [str(w.message) for w in caught]
    assert any("retraced" in m and "(5,)" in m for m in messages), messages


# ---- the generated code and the passes -------------------------------------------------------


def test_lower_as_text_is_readable_python():
    f = fl.jit(lambda x: jnp.sin(x) * 2.0 + jnp.exp(x))
    lowered = f.lower(X3)
    src = lowered.as_text()
    assert "xp.sin" in src and "xp.exp" in src
    assert src.startswith("def ")
    compile(src, "<test>", "exec")  # valid Python
    assert "f32[3]" in src  # shapes annotated
    out = lowered.fn(*lowered.consts, np.asarray(X3))
    assert_close(out[0], np.sin([1.0, 2.0, 3.0]) * 2.0 + np.exp([1.0, 2.0, 3.0]))
    assert f.cache_size() == 1  # lower() fills the cache; the call reuses it
    f(X3)
    assert f.cache_size() == 1 and f.retrace_reasons == []
    assert "def " in repr(lowered)


def test_dead_code_elimination():
    def f(x):
        unused = jnp.exp(x) * 3.0  # noqa: F841
        also_unused = jnp.cos(x).sum()  # noqa: F841
        return jnp.sin(x)

    lowered = fl.jit(f).lower(X3)
    raw = [e.prim.name for e in lowered.raw_jaxpr.eqns]
    opt = [e.prim.name for e in lowered.jaxpr.eqns]
    assert "exp" in raw and "cos" in raw
    assert opt == ["sin"]
    assert "exp" not in lowered.as_text() and "cos" not in lowered.as_text()


def test_common_subexpression_elimination():
    def f(x):
        return jnp.sin(x) * jnp.sin(x) + jnp.sin(x)

    lowered = fl.jit(f).lower(X3)
    assert [e.prim.name for e in lowered.raw_jaxpr.eqns].count("sin") == 3
    assert [e.prim.name for e in lowered.jaxpr.eqns].count("sin") == 1
    assert lowered.as_text().count("xp.sin") == 1
    assert_close(fl.jit(f)(X3), f(X3))


def test_constant_folding_and_identities():
    c = jnp.asarray([4.0, 5.0, 6.0])

    def f(x):
        k = jnp.sin(c) * 2.0  # depends only on a constant: computed while tracing
        return x * 1.0 + k - 0.0  # (x - 0.0 is x for every float; x + 0.0 is not, at -0.0)

    lowered = fl.jit(f).lower(X3)
    names = [e.prim.name for e in lowered.jaxpr.eqns]
    assert "sin" not in names and "mul" not in names
    assert names == ["add"]
    assert len(lowered.consts) == 1
    assert_close(fl.jit(f)(X3), np.asarray(X3) + np.sin([4.0, 5.0, 6.0]) * 2.0)


def test_jit_of_grad_code_has_no_tape():
    lowered = fl.jit(fl.grad(lambda x: jnp.sum(jnp.sin(x) ** 2))).lower(X3)
    src = lowered.as_text()
    assert "xp.sin" in src and "xp.cos" in src
    assert_close(lowered.fn(*lowered.consts, np.asarray(X3))[0],
                 2 * np.sin([1.0, 2.0, 3.0]) * np.cos([1.0, 2.0, 3.0]))


def test_runtime_error_traceback_shows_generated_code():
    f = fl.jit(lambda x, i: x[i] * 2.0)
    with pytest.raises(IndexError) as info:
        f(X3, jnp.asarray([0, 9]))
    files = [frame.filename for frame in traceback.extract_tb(info.tb)]
    assert any(name.startswith("<functorch_lite jit") for name in files), files


# ---- jit equals eager ------------------------------------------------------------------------


PROGRAMS = {
    "elementwise": lambda x: jnp.tanh(x) * jnp.exp(-x ** 2) + jnp.maximum(x, 0.1) / 3.0,
    "reductions": lambda x: jnp.stack([x.sum(), x.max(), x.min(), x.mean(), jnp.std(x)]),
    "axis_reductions": lambda x: jnp.sum(x, axis=0) - jnp.max(x.reshape(x.shape[0], -1), -1)[0],
    "shape": lambda x: jnp.concatenate([x.ravel()[::-1], jnp.flip(x).ravel()]).reshape(2, -1).T,
    "indexing": lambda x: x[..., ::2].sum() + x.ravel()[jnp.asarray([0, -1, 0])],
    "at": lambda x: x.ravel().at[jnp.asarray([0, 0, -1])].add(5.0).at[-1].set(0.0),
    "where": lambda x: jnp.where(x > 0, jnp.sqrt(jnp.abs(x)), x ** 3),
    "matmul": lambda x: x.reshape(x.shape[0], -1) @ x.reshape(x.shape[0], -1).T,
    "cumsum_argmax": lambda x: jnp.cumsum(x.ravel()) + jnp.argmax(x.ravel()),
    "int_ops": lambda x: (x * 10).astype(jnp.int32) // 3 + (x > 0).astype(jnp.int32),
    "cond": lambda x: lax.cond(x.sum() > 0, lambda v: v * 2.0, lambda v: -v, x),
    "einsum": lambda x: jnp.einsum("i...,i...->...", x, x),
    "pytree_out": lambda x: {"a": x * 2.0, "b": (x.sum(), [jnp.cos(x)])},
}


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.sampled_from(sorted(PROGRAMS)),
       hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4),
                  elements=st.floats(-3, 3)),
       st.sampled_from([np.float32, np.float64]))
def test_jit_equals_eager(name, a, dt):
    fn = PROGRAMS[name]
    x = jnp.asarray(a.astype(dt))
    want = fn(x)
    got = fl.jit(fn)(x)
    w_leaves, w_tree = fl.tree_util.tree_flatten(want)
    g_leaves, g_tree = fl.tree_util.tree_flatten(got)
    assert w_tree == g_tree
    for w, g in zip(w_leaves, g_leaves):
        assert isinstance(g, fl.Array)
        assert g.shape == w.shape and g.dtype == w.dtype, (g.aval, w.aval)
        assert_close(g, w, atol=1e-5 if dt == np.float32 else 1e-12)


def test_jit_inputs_and_outputs_of_many_kinds():
    assert_close(fl.jit(lambda a: a * 2)(3.0), 6.0)
    assert fl.jit(lambda a: a * 2)(3).dtype == np.int32
    assert fl.jit(lambda a: a * 2)(np.ones(2)).dtype == np.float64
    assert_close(fl.jit(lambda a: a[0] * a[1])([X3, X3]), [1.0, 4.0, 9.0])
    assert_close(fl.jit(lambda a, b: a)(X3, None), X3)
    assert fl.jit(lambda a: (a, None))(X3)[1] is None
    out = fl.jit(lambda a: 5)(X3)
    assert isinstance(out, fl.Array) and out.dtype == np.int32 and int(out) == 5
    assert_close(fl.jit(lambda: jnp.ones(2) * 3.0)(), [3.0, 3.0])
    assert_close(fl.jit(lambda *a, k=1.0: a[0] + a[1] * k)(X3, X3, k=2.0), [3.0, 6.0, 9.0])
    with pytest.raises(TypeError, match="returned a str"):
        fl.jit(lambda a: (a, "s"))(X3)


def test_jit_preserves_python_scalar_weak_type():
    f = lambda a, s: a * s  # noqa: E731
    f16 = jnp.ones(2, jnp.float16)
    i8 = jnp.ones(2, jnp.int8)
    assert fl.jit(f)(f16, 2.0).dtype == f(f16, 2.0).dtype == np.float16
    assert fl.jit(f)(i8, 2).dtype == f(i8, 2).dtype == np.int8


# ---- concretization errors ---------------------------------------------------------------------


def test_python_if_on_traced_value_raises():
    def f(x):
        if x.sum() > 0:
            return x
        return -x

    with pytest.raises(TracerBoolConversionError) as info:
        fl.jit(f)(X3)
    msg = str(info.value)
    assert isinstance(info.value, ConcretizationTypeError)
    assert "shape ()" in msg and "bool" in msg
    assert "static_argnums" in msg and "lax.cond" in msg
    # the same function is fine when the value is static, or with lax.cond
    # a static (hashable, concrete) argument may drive Python control flow
    assert fl.jit(lambda x, k: x * 2.0 if k > 0 else -x, static_argnums=1)(X3, 1).shape == (3,)
    g = fl.jit(lambda x: lax.cond(x.sum() > 0, lambda v: v, lambda v: -v, x))
    assert_close(g(X3), X3)
    assert_close(g(-X3), X3)


def test_while_and_conversions_on_traced_values_raise():
    def loop(x):
        while x.sum() < 10.0:
            x = x * 2.0
        return x

    with pytest.raises(TracerBoolConversionError):
        fl.jit(loop)(X3)
    assert_close(loop(X3), [2.0, 4.0, 6.0])  # eagerly fine
    with pytest.raises(ConcretizationTypeError, match=r"shape \(3,\)"):
        fl.jit(lambda x: np.sin(x))(X3)
    with pytest.raises(ConcretizationTypeError, match="float"):
        fl.jit(lambda x: float(x[0]))(X3)
    with pytest.raises(ConcretizationTypeError):
        fl.jit(lambda x: x.sum().item())(X3)
    with pytest.raises(ConcretizationTypeError):
        fl.jit(lambda x: x.tolist())(X3)


def test_if_on_concrete_values_under_grad_is_fine():
    f = lambda x: x * 2.0 if x > 0 else -x  # noqa: E731
    assert_close(fl.grad(f)(2.0), 2.0)
    assert_close(fl.grad(f)(-2.0), -1.0)
    assert_close(fl.grad(fl.jit(f))(2.0), 2.0)  # jit inlines under grad
    with pytest.raises(TracerBoolConversionError):
        fl.vmap(f)(X3)
    with pytest.raises(TracerBoolConversionError):
        fl.jit(fl.grad(f))(2.0)


# ---- methods -----------------------------------------------------------------------------


class Scaler:
    def __init__(self, w):
        self.w = w

    @partial(fl.jit, static_argnums=0)
    def apply(self, x):
        return x * self.w


@register_pytree_node_class
class Linear:
    def __init__(self, w, b):
        self.w, self.b = w, b

    def tree_flatten(self):
        return (self.w, self.b), None

    @classmethod
    def tree_unflatten(cls, aux, children):
        return cls(*children)

    @fl.jit
    def __call__(self, x):
        return x @ self.w + self.b


class Plain:
    @fl.jit
    def apply(self, x):
        return x


def test_methods_decorated_with_jit():
    s = Scaler(3.0)
    assert_close(s.apply(X3), [3.0, 6.0, 9.0])
    assert_close(Scaler(2.0).apply(X3), [2.0, 4.0, 6.0])  # another instance: its own key
    assert_close(Scaler.apply(s, X3), [3.0, 6.0, 9.0])
    lin = Linear(jnp.ones((3, 2)), jnp.asarray([0.5, -0.5]))
    assert_close(lin(X3), [6.5, 5.5])
    lin2 = Linear(jnp.ones((3, 2)) * 2.0, jnp.zeros(2))
    assert_close(lin2(X3), [12.0, 12.0])
    assert Linear.__call__.cache_size() == 1  # same structure and shapes: one trace
    # a method of a jit-decorated pytree module under grad
    g = fl.grad(lambda m: jnp.sum(m(X3)))(lin)
    assert isinstance(g, Linear)
    assert_close(g.w, np.repeat([[1.0], [2.0], [3.0]], 2, 1))
    assert_close(g.b, [1.0, 1.0])
    with pytest.raises(TypeError, match="static_argnums|register"):
        Plain().apply(X3)


def test_temporary_constants_are_not_confused_by_identity():
    # Regression: constants were deduplicated by id() without keeping them alive, so a freed
    # temporary's id could be reused by the next one and both mapped to the first's value.
    def f(x):
        for i in range(40):
            x = x + jnp.asarray(np.full(3, float(i)))
        return x

    x = jnp.zeros(3)
    assert_close(fl.jit(f)(x), f(x))
    assert_close(fl.jit(fl.grad(lambda x: (f(x) ** 2).sum()))(x),
                 fl.grad(lambda x: (f(x) ** 2).sum())(x))


def test_jit_weak_scalar_follows_eager_through_operators_and_functions():
    f16 = jnp.ones(2, jnp.float16)
    for f in (lambda a, s: a * (s * 2.0 - 1.0),      # operators keep the scalar weak
              lambda a, s: a * jnp.sin(s * 2.0),      # a numpy function makes it an Array
              lambda a, s: a + s ** 2):
        eager, jitted = f(f16, 0.5), fl.jit(f)(f16, 0.5)
        assert jitted.dtype == eager.dtype
        assert_close(np.asarray(jitted, np.float64), np.asarray(eager, np.float64), atol=1e-3)


# ---- regressions from review ---------------------------------------------------------------


@pytest.mark.parametrize("const", [np.inf, -np.inf, np.nan])
def test_non_finite_constants_lower_to_valid_code(const):
    x = jnp.asarray([1.0, -1.0])
    for f in (lambda x: jnp.where(x > 0, x, const), lambda x: x + const):
        assert_close(fl.jit(f)(x), f(x))
    lowered = fl.jit(lambda x: jnp.where(x > 0, x, const)).lower(x)
    compile(lowered.as_text(), "<check>", "exec")  # the source a user reads runs as it is


def test_output_never_aliases_a_numpy_argument():
    for f in (lambda x: x, lambda x: x.reshape(3), lambda x: (x, x[1:])):
        a = np.ones(3, np.float32)
        out = fl.jit(f)(a)
        before = [np.array(o) for o in fl.tree_util.tree_leaves(out)]
        a[:] = 7.0
        for o, b in zip(fl.tree_util.tree_leaves(out), before):
            np.testing.assert_array_equal(np.asarray(o), b)


def test_static_values_equal_but_of_other_types_are_other_keys():
    g = fl.jit(lambda x, n: x * n, static_argnums=1)
    x = jnp.asarray(2)
    assert g(x, 1).dtype == np.int32
    assert g(x, 1.0).dtype == np.float32  # not the cached int program
    assert g(x, True).dtype == np.int32
    assert g.cache_size() == 3
    assert "from 1.0 to True" in g.retrace_reasons[-1]


@pytest.mark.parametrize("f, s", [
    (lambda x, s: x * (s / 2), 3),
    (lambda x, s: x * (s + 0.5), 3),
    (lambda x, s: x * (s // 2.0), 3.0),
    (lambda x, s: x * jnp.asarray(s), 3.0),
    (lambda x, s: x * jnp.asarray(s / 2), 3),
])
def test_weak_scalar_arguments_promote_as_eagerly(f, s):
    x = jnp.asarray(np.ones(2, np.float16))
    eager, jitted = f(x, s), fl.jit(f)(x, s)
    assert eager.dtype == jitted.dtype
    assert_close(jitted, eager)


def test_signed_zero_survives_additive_identities():
    z = jnp.asarray(np.float32(-0.0))
    for f in (lambda x: x + 0.0, lambda x: 0.0 + x, lambda x: x - (-0.0)):
        assert np.signbit(np.asarray(fl.jit(f)(z))) == np.signbit(np.asarray(f(z)))
    assert np.signbit(np.asarray(fl.jit(lambda x: x - 0.0)(z)))  # x - 0.0 is x: folded
    assert fl.jit(lambda x: x - 0.0).lower(z).jaxpr.eqns == []


def test_bool_subtraction_raises_under_jit_as_eagerly():
    b = jnp.asarray([True, False])
    for f in (lambda x: x - x, lambda x: x - False, lambda x: -x):
        with pytest.raises(TypeError, match="bool"):
            f(b)
        with pytest.raises(TypeError, match="bool"):
            fl.jit(f)(b)
