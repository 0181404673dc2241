"""Errors a user can act on: each is a specific exception whose message names the values involved
(shapes, dtypes, argument names) and the fix."""
from __future__ import annotations

import numpy as np
import pytest

import functorch_lite as fl
import functorch_lite.numpy as jnp
from functorch_lite import lax
from functorch_lite.errors import (
    ConcretizationTypeError,
    NonScalarOutputError,
    TracerBoolConversionError,
    TracerIntegerConversionError,
    UnexpectedTracerError,
)

X3 = jnp.asarray([1.0, 2.0, 3.0])


# ---- grad --------------------------------------------------------------------------------


def test_grad_of_non_scalar_output():
    with pytest.raises(NonScalarOutputError) as info:
        fl.grad(lambda x: x * 2.0)(X3)
    msg = str(info.value)
    assert "(3,)" in msg and "jacrev" in msg and "vjp" in msg
    assert isinstance(info.value, TypeError)
    with pytest.raises(NonScalarOutputError, match=r"\(2, 3\)"):
        fl.grad(lambda x: jnp.ones((2, 3)) * x)(1.0)
    with pytest.raises(NonScalarOutputError, match="has_aux"):
        fl.grad(lambda x: (x.sum(), x.sum()))(X3)
    with pytest.raises(NonScalarOutputError, match=r"\(3,\)"):
        fl.jit(fl.grad(lambda x: jnp.sin(x)))(X3)
    with pytest.raises(NonScalarOutputError):
        fl.vmap(fl.grad(lambda x: x))(jnp.ones((2, 3)))


def test_grad_with_respect_to_integer_input():
    with pytest.raises(TypeError) as info:
        fl.grad(lambda x: jnp.sum(x * 2.0))(jnp.asarray([1, 2]))
    msg = str(info.value)
    assert "int32" in msg and "argument 0" in msg and "astype" in msg
    with pytest.raises(TypeError, match="int32"):
        fl.grad(lambda x, y: x * y, argnums=1)(2.0, 3)
    with pytest.raises(TypeError, match="int32"):
        fl.jacfwd(lambda x: x * 1.0)(jnp.asarray([1, 2]))
    with pytest.raises(TypeError, match="real-valued output.*int32"):
        fl.grad(lambda x: jnp.sum(x > 0))(X3)
    # allow_int=True accepts it (the gradient is zero)
    assert fl.grad(lambda x: jnp.sum(x * 1.0), allow_int=True)(jnp.asarray([1, 2])).shape == (2,)


def test_grad_argument_errors():
    with pytest.raises(ValueError, match="argnums=2.*1 positional"):
        fl.grad(lambda x: x.sum(), argnums=2)(X3)
    with pytest.raises(TypeError, match=r"pair \(output, aux\)"):
        fl.grad(lambda x: x.sum(), has_aux=True)(X3)


def test_jvp_and_vjp_argument_errors():
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        fl.jvp(jnp.sin, (X3,), (jnp.ones(2),))
    with pytest.raises(ValueError, match="1 primals but 2 tangents"):
        fl.jvp(jnp.sin, (X3,), (X3, X3))
    with pytest.raises(TypeError, match="tuples or lists"):
        fl.jvp(jnp.sin, X3, X3)
    with pytest.raises(ValueError, match="PyTreeDef"):
        fl.jvp(jnp.sin, (X3,), ((X3,),))
    _, pullback = fl.vjp(jnp.sin, X3)
    with pytest.raises(ValueError, match=r"shape \(2,\).*shape \(3,\)"):
        pullback(jnp.ones(2))
    with pytest.raises(ValueError, match="structure"):
        pullback((X3,))


# ---- vmap ----------------------------------------------------------------------------------


def test_vmap_inconsistent_axis_sizes_names_each_argument():
    with pytest.raises(ValueError) as info:
        fl.vmap(lambda a, b: a + b)(jnp.ones(3), jnp.ones(4))
    msg = str(info.value)
    assert "args[0] has size 3" in msg and "args[1] has size 4" in msg
    with pytest.raises(ValueError) as info:
        fl.vmap(lambda a, b: a + b.sum(), in_axes=(0, 1))(jnp.ones((3, 2)), jnp.ones((3, 5)))
    assert "size 3 along axis 0" in str(info.value) and "size 5 along axis 1" in str(info.value)
    with pytest.raises(ValueError) as info:
        fl.vmap(lambda d: d["a"] + d["b"][0])({"a": jnp.ones(3), "b": [jnp.ones(4)]})
    msg = str(info.value)
    assert "args[0]['a'] has size 3" in msg and "args[0]['b'][0] has size 4" in msg
    with pytest.raises(ValueError, match="keyword argument 'b' has size 4"):
        fl.vmap(lambda a, b: a + b)(jnp.ones(3), b=jnp.ones(4))
    with pytest.raises(ValueError, match="axis_size=4"):
        fl.vmap(lambda a: a, axis_size=4)(X3)


def test_vmap_axis_errors():
    with pytest.raises(ValueError, match="1 entries.*2 positional"):
        fl.vmap(lambda a, b: a, in_axes=(0,))(X3, X3)
    with pytest.raises(ValueError, match=r"in_axes=1.*shape \(3,\)"):
        fl.vmap(lambda a: a, in_axes=1)(X3)
    with pytest.raises(ValueError, match=r"shape \(\)"):
        fl.vmap(lambda a: a)(jnp.asarray(1.0))
    with pytest.raises(ValueError, match="axis_size"):
        fl.vmap(lambda a: a, in_axes=None)(X3)
    with pytest.raises(ValueError, match="out_axes=None"):
        fl.vmap(lambda a: a, out_axes=None)(X3)
    with pytest.raises(ValueError, match="prefix"):
        fl.vmap(lambda a: a, in_axes=({"x": 0},))(X3)


# ---- concretization under jit/vmap --------------------------------------------------------------


def test_bool_and_int_of_traced_values():
    with pytest.raises(TracerBoolConversionError) as info:
        fl.jit(lambda x: x if x[0] > 0 else -x)(X3)
    msg = str(info.value)
    assert "shape ()" in msg and "dtype bool" in msg
    assert "static_argnums" in msg and "lax.cond" in msg
    with pytest.raises(TracerBoolConversionError, match=r"shape \(3,\)"):
        fl.jit(lambda x: bool(x))(X3)
    with pytest.raises(TracerIntegerConversionError) as info:
        fl.jit(lambda x: jnp.ones(int(x[0])))(X3)
    assert "int()" in str(info.value) and "float32" in str(info.value)
    with pytest.raises(TracerIntegerConversionError, match="index"):
        fl.jit(lambda x, i: [1, 2, 3][i])(X3, 1)
    with pytest.raises(TracerBoolConversionError, match="vmap"):
        fl.vmap(lambda x: x if x > 0 else -x)(X3)
    # all of them are ConcretizationTypeErrors (and TypeErrors)
    for cls in (TracerBoolConversionError, TracerIntegerConversionError):
        assert issubclass(cls, ConcretizationTypeError) and issubclass(cls, TypeError)


def test_numpy_function_on_a_tracer():
    with pytest.raises(ConcretizationTypeError, match=r"functorch_lite.numpy.*shape \(3,\)"):
        fl.jit(lambda x: np.exp(x))(X3)


def test_boolean_mask_under_jit():
    with pytest.raises(IndexError, match=r"mask.*where"):
        fl.jit(lambda x: x[x > 1.0])(X3)


# ---- leaked tracers ----------------------------------------------------------------------


@pytest.mark.parametrize("transform", ["jit", "grad", "vmap", "jvp"])
def test_leaked_tracer_used_later(transform):
    leaked = []

    def f(x):
        leaked.append(x)
        return jnp.sum(x * 2.0)

    if transform == "jit":
        fl.jit(f)(X3)
    elif transform == "grad":
        fl.grad(f)(X3)
    elif transform == "vmap":
        fl.vmap(f)(jnp.ones((2, 3)))
    else:
        fl.jvp(f, (X3,), (X3,))
    (t,) = leaked
    with pytest.raises(UnexpectedTracerError) as info:
        jnp.sin(t)
    msg = str(info.value)
    assert "leaked" in msg and "f32" in msg
    with pytest.raises(UnexpectedTracerError):
        t + 1.0
    with pytest.raises(UnexpectedTracerError):
        fl.jit(lambda y: y + t)(X3)
    with pytest.raises(UnexpectedTracerError):
        fl.jit(lambda y: y)(t)


def test_closing_over_an_outer_tracer_inside_jit_is_named():
    def outer(x):
        return fl.jit(lambda y: y * x)(jnp.ones(3))  # closes over grad's tracer: inlined, fine

    assert np.allclose(np.asarray(fl.grad(lambda x: outer(x).sum())(2.0)), 3.0)
    # make_jaxpr (staging, no inlining) of a closure over an outer tracer is an error
    with pytest.raises(TypeError, match="closes over"):
        fl.grad(lambda x: fl.make_jaxpr(lambda y: y * x)(1.0) and 1.0)(2.0)


# ---- shapes -----------------------------------------------------------------------------


def test_matmul_incompatible_shapes_names_both():
    for fn in (lambda a, b: a @ b, fl.jit(lambda a, b: a @ b), jnp.matmul):
        with pytest.raises(ValueError) as info:
            fn(jnp.ones((2, 3)), jnp.ones((4, 5)))
        msg = str(info.value)
        assert "(2, 3)" in msg and "(4, 5)" in msg and "x.T" in msg
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(2, 3\)"):
        fl.vmap(lambda a, b: a @ b)(jnp.ones((5, 2, 3)), jnp.ones((5, 2, 3)))
    with pytest.raises(ValueError, match="scalar"):
        jnp.ones(3) @ jnp.asarray(2.0)
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(2, 3\)"):
        jnp.dot(jnp.ones((2, 3)), jnp.ones((2, 3)))


def test_broadcast_errors_name_shapes():
    with pytest.raises(ValueError, match=r"\(3,\).*\(4,\)"):
        jnp.ones(3) + jnp.ones(4)
    with pytest.raises(ValueError, match=r"\(3,\).*\(4,\)"):
        fl.jit(lambda a, b: a * b)(jnp.ones(3), jnp.ones(4))
    with pytest.raises(ValueError, match="6"):
        jnp.ones(6).reshape(4, 2)
    with pytest.raises(ValueError, match="axis 2"):
        jnp.sum(jnp.ones((2, 3)), axis=2)


def test_cond_errors():
    with pytest.raises(TypeError, match=r"scalar.*\(3,\)"):
        lax.cond(X3 > 0, lambda: 1.0, lambda: 2.0)
    with pytest.raises(TypeError, match="different structures"):
        fl.jit(lambda a: lax.cond(a.sum() > 0, lambda: (a, a), lambda: a))(X3)


# ---- types that are not arrays -----------------------------------------------------------


class Opaque:
    pass


def test_unregistered_type_where_arrays_are_needed():
    with pytest.raises(TypeError) as info:
        fl.grad(lambda o: 1.0)(Opaque())
    msg = str(info.value)
    assert "Opaque" in msg and "register_pytree_node" in msg and "argument 0" in msg
    with pytest.raises(TypeError) as info:
        fl.jit(lambda o, x: x)(Opaque(), X3)
    msg = str(info.value)
    assert "Opaque" in msg and "'o'" in msg
    assert "static_argnums" in msg and "register_pytree_node" in msg
    with pytest.raises(TypeError, match=r"Opaque.*register_pytree_node"):
        fl.vmap(lambda o, x: x)(Opaque(), X3)
    with pytest.raises(TypeError, match="str"):
        fl.grad(lambda d: d["a"].sum())({"a": X3, "b": "text"})
    with pytest.raises(TypeError, match="set"):
        fl.jit(lambda s: 1.0)({1, 2})
    with pytest.raises(TypeError, match="Opaque"):
        fl.jvp(lambda o: o, (Opaque(),), (Opaque(),))
    # marked static, the same object is fine
    assert fl.jit(lambda o, x: x * 2.0, static_argnums=0)(Opaque(), X3).shape == (3,)
    # vmap with in_axes=None passes it through untouched
    assert fl.vmap(lambda o, x: x, in_axes=(None, 0))(Opaque(), X3).shape == (3,)


def test_conversion_errors():
    with pytest.raises(TypeError, match="Opaque"):
        jnp.asarray(Opaque())
    with pytest.raises(TypeError, match="str"):
        jnp.asarray("abc")
    with pytest.raises(TypeError, match="Opaque"):
        X3 + Opaque()
    with pytest.raises(TypeError, match="jit"):
        fl.jit(lambda x: (x, Opaque()))(X3)


def test_broadcast_in_dim_rejects_reordered_dimensions():
    x = jnp.ones((2, 3))
    for run in (lambda: lax.broadcast_in_dim(x, (3, 2), (1, 0)),
                lambda: fl.jit(lambda x: lax.broadcast_in_dim(x, (3, 2), (1, 0)))(x),
                lambda: lax.broadcast_in_dim(x, (2, 3), (0, 5))):
        with pytest.raises(ValueError, match="strictly increasing"):
            run()
    assert lax.broadcast_in_dim(x, (4, 2, 3), (1, 2)).shape == (4, 2, 3)
