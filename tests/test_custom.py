"""custom_jvp and custom_vjp under grad, jvp, vmap, jit and grad-of-grad (and their mixes).

The rules below are deliberately *different* from the true derivative (scaled by a factor), so a
test passes only if the transformation really used the custom rule.
"""
from __future__ import annotations

import numpy as np
import pytest

import functorch_lite as fl
import functorch_lite.numpy as jnp


def f64(x) -> fl.Array:
    return jnp.asarray(np.asarray(x, np.float64))


def assert_close(got, want, atol=1e-9, rtol=1e-9):
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), atol=atol, rtol=rtol)


X = np.array([0.3, 1.2, -0.5])
S0 = 0.7


# ---- custom_jvp: sin with a JVP rule of 2 * cos(x) * t (twice the true one) -----------------


@fl.custom_jvp
def sin2(x):
    return jnp.sin(x)


@sin2.defjvp
def _sin2_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return sin2(x), 2.0 * jnp.cos(x) * t


@pytest.mark.parametrize("wrap", [lambda f: f, fl.jit], ids=["eager", "jit"])
def test_custom_jvp_under_grad(wrap):
    g = wrap(fl.grad(lambda x: jnp.sum(sin2(x))))(f64(X))
    assert_close(g, 2 * np.cos(X))


@pytest.mark.parametrize("wrap", [lambda f: f, fl.jit], ids=["eager", "jit"])
def test_custom_jvp_grad_of_grad(wrap):
    # d/dx of the custom derivative 2 cos(x) (differentiated through the rule itself)
    gg = wrap(fl.grad(fl.grad(sin2)))(f64(S0))
    assert_close(gg, -2 * np.sin(S0))
    ggg = wrap(fl.grad(fl.grad(fl.grad(sin2))))(f64(S0))
    assert_close(ggg, -2 * np.cos(S0))
    h = wrap(fl.hessian(lambda x: jnp.sum(sin2(x))))(f64(X))
    assert_close(h, np.diag(-2 * np.sin(X)))


def test_custom_jvp_under_jvp_and_jacobians():
    y, t = fl.jvp(sin2, (f64(X),), (f64([1.0, 2.0, 3.0]),))
    assert_close(y, np.sin(X))
    assert_close(t, 2 * np.cos(X) * [1.0, 2.0, 3.0])
    assert_close(fl.jacfwd(sin2)(f64(X)), np.diag(2 * np.cos(X)))
    assert_close(fl.jacrev(sin2)(f64(X)), np.diag(2 * np.cos(X)))
    _, f_jvp = fl.linearize(sin2, f64(X))
    assert_close(f_jvp(f64(np.ones(3))), 2 * np.cos(X))


def test_custom_jvp_under_vmap_and_jit():
    assert_close(fl.vmap(sin2)(f64(X)), np.sin(X))
    assert_close(fl.jit(sin2)(f64(X)), np.sin(X))
    assert_close(fl.jit(fl.vmap(sin2))(f64(X)), np.sin(X))
    assert_close(fl.vmap(fl.grad(sin2))(f64(X)), 2 * np.cos(X))
    assert_close(fl.grad(lambda x: fl.vmap(sin2)(x).sum())(f64(X)), 2 * np.cos(X))
    assert_close(fl.vmap(fl.jit(fl.grad(sin2)))(f64(X)), 2 * np.cos(X))
    assert_close(fl.jit(fl.vmap(fl.grad(fl.grad(sin2))))(f64(X)), -2 * np.sin(X))
    _, t = fl.vmap(lambda x: fl.jvp(sin2, (x,), (f64(1.0),)))(f64(X))
    assert_close(t, 2 * np.cos(X))


def test_custom_jvp_rule_used_for_numerical_stability():
    @fl.custom_jvp
    def log1pexp(x):
        return jnp.log(1.0 + jnp.exp(x))

    @log1pexp.defjvp
    def _jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        return log1pexp(x), t * (1.0 - 1.0 / (1.0 + jnp.exp(x)))

    g = fl.grad(log1pexp)(f64(100.0))
    assert np.isfinite(float(g))
    assert_close(g, 1.0)
    assert_close(fl.vmap(fl.grad(log1pexp))(f64([0.0, 100.0])), [0.5, 1.0])


def test_custom_jvp_two_args_pytree_and_nondiff():
    @fl.custom_jvp
    def weighted(p, x):
        return p["w"] * x ** 2

    @weighted.defjvp
    def _jvp(primals, tangents):
        (p, x), (tp, tx) = primals, tangents
        # true rule for w, 3x the true rule for x
        return weighted(p, x), tp["w"] * x ** 2 + 3.0 * p["w"] * 2 * x * tx

    p, x = {"w": f64(2.0)}, f64(1.5)
    gp, gx = fl.grad(weighted, argnums=(0, 1))(p, x)
    assert_close(gp["w"], 1.5 ** 2)
    assert_close(gx, 3 * 2.0 * 2 * 1.5)

    from functools import partial

    @partial(fl.custom_jvp, nondiff_argnums=(0,))
    def scale(n, x):
        return x * n

    @scale.defjvp
    def _scale_jvp(n, primals, tangents):
        (x,), (t,) = primals, tangents
        return scale(n, x), t * (n + 1)  # "wrong" on purpose

    assert_close(fl.grad(lambda x: scale(3, x))(f64(2.0)), 4.0)
    assert_close(fl.jit(fl.grad(lambda x: scale(3, x)))(f64(2.0)), 4.0)
    assert_close(fl.vmap(fl.grad(lambda x: scale(3, x)))(f64([1.0, 2.0])), [4.0, 4.0])


def test_custom_jvp_defjvps():
    @fl.custom_jvp
    def mul(x, y):
        return x * y

    mul.defjvps(lambda tx, out, x, y: 10.0 * tx * y, lambda ty, out, x, y: x * ty)
    gx, gy = fl.grad(mul, argnums=(0, 1))(f64(2.0), f64(3.0))
    assert_close(gx, 30.0)
    assert_close(gy, 2.0)


def test_custom_jvp_with_integer_argument_and_keyword():
    @fl.custom_jvp
    def shift(x, k):
        return x + k

    @shift.defjvp
    def _jvp(primals, tangents):
        (x, k), (tx, _) = primals, tangents
        return shift(x, k), 5.0 * tx

    assert_close(fl.grad(lambda x: shift(x, k=jnp.asarray(2)))(f64(1.0)), 5.0)


def test_custom_jvp_without_rule_raises():
    @fl.custom_jvp
    def f(x):
        return x

    with pytest.raises(AttributeError, match="defjvp"):
        f(f64(1.0))


# ---- custom_vjp: sin with a backward rule of 3 * cos(x) * ct -----------------------------------


@fl.custom_vjp
def sin3(x):
    return jnp.sin(x)


def _sin3_fwd(x):
    return jnp.sin(x), x  # residual: x itself, so the bwd is differentiable again


def _sin3_bwd(x, ct):
    return (3.0 * jnp.cos(x) * ct,)


sin3.defvjp(_sin3_fwd, _sin3_bwd)


@pytest.mark.parametrize("wrap", [lambda f: f, fl.jit], ids=["eager", "jit"])
def test_custom_vjp_under_grad(wrap):
    assert_close(wrap(fl.grad(lambda x: jnp.sum(sin3(x))))(f64(X)), 3 * np.cos(X))
    assert_close(wrap(fl.jacrev(sin3))(f64(X)), np.diag(3 * np.cos(X)))
    _, pullback = fl.vjp(sin3, f64(X))
    assert_close(pullback(f64(np.ones(3)))[0], 3 * np.cos(X))


@pytest.mark.parametrize("wrap", [lambda f: f, fl.jit], ids=["eager", "jit"])
def test_custom_vjp_grad_of_grad(wrap):
    assert_close(wrap(fl.grad(fl.grad(sin3)))(f64(S0)), -3 * np.sin(S0))
    assert_close(wrap(fl.grad(fl.grad(fl.grad(sin3))))(f64(S0)), -3 * np.cos(S0))


def test_custom_vjp_residual_computed_in_fwd_is_differentiated():
    @fl.custom_vjp
    def f(x):
        return jnp.sin(x)

    f.defvjp(lambda x: (jnp.sin(x), jnp.cos(x)), lambda c, ct: (3.0 * c * ct,))
    assert_close(fl.grad(fl.grad(f))(f64(S0)), -3 * np.sin(S0))


def test_custom_vjp_under_jvp_uses_the_primal_function():
    # documented behaviour: forward mode differentiates the primal code of a custom_vjp function
    y, t = fl.jvp(sin3, (f64(X),), (f64(np.ones(3)),))
    assert_close(y, np.sin(X))
    assert_close(t, np.cos(X))


def test_custom_vjp_under_vmap_and_jit():
    assert_close(fl.vmap(sin3)(f64(X)), np.sin(X))
    assert_close(fl.jit(sin3)(f64(X)), np.sin(X))
    assert_close(fl.vmap(fl.grad(sin3))(f64(X)), 3 * np.cos(X))
    assert_close(fl.grad(lambda x: fl.vmap(sin3)(x).sum())(f64(X)), 3 * np.cos(X))
    assert_close(fl.jit(fl.vmap(fl.grad(sin3)))(f64(X)), 3 * np.cos(X))
    assert_close(fl.vmap(fl.jit(fl.grad(sin3)))(f64(X)), 3 * np.cos(X))
    assert_close(fl.vmap(fl.grad(fl.grad(sin3)))(f64(X)), -3 * np.sin(X))


def test_custom_vjp_vmap_with_unbatched_argument():
    @fl.custom_vjp
    def mul(w, x):
        return w * x

    mul.defvjp(lambda w, x: (w * x, (w, x)), lambda res, ct: (2.0 * res[1] * ct, res[0] * ct))
    w = f64(3.0)
    xs = f64([1.0, 2.0, 4.0])
    # gradient w.r.t. the unbatched w of a batched sum: per-example cts add up
    gw = fl.grad(lambda w: fl.vmap(mul, in_axes=(None, 0))(w, xs).sum())(w)
    assert_close(gw, 2.0 * 7.0)
    gx = fl.vmap(fl.grad(mul, argnums=1), in_axes=(None, 0))(w, xs)
    assert_close(gx, [3.0, 3.0, 3.0])


def test_custom_vjp_gradient_clipping_pytree_and_none_cotangent():
    @fl.custom_vjp
    def clip_grad(x, y):
        return x * y

    def fwd(x, y):
        return x * y, (x, y)

    def bwd(res, ct):
        x, y = res
        return (jnp.clip(ct * y, -1.0, 1.0), None)  # None: zero cotangent for y

    clip_grad.defvjp(fwd, bwd)
    gx, gy = fl.grad(lambda x, y: clip_grad(x, y).sum(), argnums=(0, 1))(
        f64([1.0, 2.0]), f64([0.5, 10.0]))
    assert_close(gx, [0.5, 1.0])
    assert_close(gy, [0.0, 0.0])

    @fl.custom_vjp
    def tree_f(p):
        return p["a"] * p["b"]

    tree_f.defvjp(lambda p: (p["a"] * p["b"], p),
                  lambda p, ct: ({"a": ct * p["b"] * 2.0, "b": ct * p["a"]},))
    g = fl.grad(tree_f)({"a": f64(2.0), "b": f64(5.0)})
    assert_close(g["a"], 10.0)
    assert_close(g["b"], 2.0)


def test_custom_vjp_nondiff_argnums():
    from functools import partial

    @partial(fl.custom_vjp, nondiff_argnums=(0,))
    def power(n, x):
        return x ** n

    power.defvjp(lambda n, x: (x ** n, x), lambda n, x, ct: (ct * n * x ** (n - 1) * 10.0,))
    assert_close(fl.grad(lambda x: power(3, x))(f64(2.0)), 120.0)
    assert_close(fl.jit(fl.grad(lambda x: power(3, x)))(f64(2.0)), 120.0)


def test_custom_vjp_bad_bwd_output_raises():
    @fl.custom_vjp
    def f(x):
        return x * 2.0

    f.defvjp(lambda x: (x * 2.0, None), lambda r, ct: ct)  # not a tuple
    with pytest.raises(TypeError, match="one cotangent per differentiable argument"):
        fl.grad(f)(f64(1.0))


def test_custom_vjp_without_rules_raises():
    @fl.custom_vjp
    def f(x):
        return x

    with pytest.raises(AttributeError, match="defvjp"):
        f(f64(1.0))


def test_custom_rules_inside_jit_staged_code_is_primal():
    lowered = fl.jit(lambda x: sin2(x) + sin3(x)).lower(f64(X))
    names = [e.prim.name for e in lowered.jaxpr.eqns]
    assert names.count("sin") == 1  # CSE merged the two identical primal sins
    assert_close(lowered.fn(*lowered.consts, X)[0], 2 * np.sin(X))


# ---- mixes: unbatched arguments, several outputs, closures ---------------------------------------


@fl.custom_jvp
def wmul(w, x):
    return w * x


@wmul.defjvp
def _wmul_jvp(primals, tangents):
    (w, x), (tw, tx) = primals, tangents
    return wmul(w, x), 2.0 * (tw * x + w * tx)  # twice the true rule


def test_custom_jvp_unbatched_argument_under_vmap():
    xs = f64([1.0, 2.0, 3.0])
    w = f64(2.0)
    assert_close(fl.vmap(wmul, in_axes=(None, 0))(w, xs), [2.0, 4.0, 6.0])
    assert_close(fl.grad(lambda w: fl.vmap(lambda x: wmul(w, x))(xs).sum())(w), 12.0)
    assert_close(fl.vmap(fl.grad(wmul), in_axes=(None, 0))(w, xs), [2.0, 4.0, 6.0])
    assert_close(fl.jacfwd(lambda w: fl.vmap(lambda x: wmul(w, x))(xs))(w), [2.0, 4.0, 6.0])
    # a closure over an outer tracer multiplying a custom call
    assert_close(fl.grad(lambda w: fl.vmap(lambda x: wmul(x, x) * w)(xs).sum())(w), 14.0)
    # a Python float argument next to a traced one
    assert_close(fl.grad(lambda w: wmul(w, 2.0))(f64(3.0)), 4.0)


def test_custom_rules_with_several_outputs():
    @fl.custom_jvp
    def sincos(x):
        return jnp.sin(x), jnp.cos(x)

    @sincos.defjvp
    def _jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        return sincos(x), (2 * jnp.cos(x) * t, -2 * jnp.sin(x) * t)

    x = 0.5
    assert_close(fl.grad(lambda x: sum(sincos(x)))(f64(x)), 2 * (np.cos(x) - np.sin(x)))
    _, (t1, t2) = fl.jvp(sincos, (f64(x),), (f64(1.0),))
    assert_close([t1, t2], [2 * np.cos(x), -2 * np.sin(x)])
    assert_close(fl.vmap(fl.grad(lambda x: sincos(x)[0]))(f64(X)), 2 * np.cos(X))

    @fl.custom_vjp
    def two(x):
        return jnp.sin(x), x * 2.0

    two.defvjp(lambda x: (two(x), x), lambda x, ct: (ct[0] * jnp.cos(x) * 3.0 + ct[1] * 2.0,))
    assert_close(fl.grad(lambda x: two(x)[0] + two(x)[1])(f64(x)), 3 * np.cos(x) + 2)
    # only one output used: the other's cotangent is zero
    assert_close(fl.grad(lambda x: two(x)[0])(f64(x)), 3 * np.cos(x))
    assert_close(fl.jit(fl.vmap(fl.grad(fl.grad(lambda x: two(x)[0]))))(f64(X)), -3 * np.sin(X))


# ---- the custom rules in every composition ---------------------------------------------------

# (custom function, factor its rule puts on reverse mode, factor forward mode sees)
RULES = {"custom_jvp": (sin2, 2.0, 2.0), "custom_vjp": (sin3, 3.0, 1.0)}
COMPOSITIONS = {
    "grad(jit)": lambda f: lambda x: fl.grad(lambda y: fl.jit(f)(y).sum())(x),
    "grad(vmap(jit))": lambda f: lambda x: fl.grad(lambda y: fl.vmap(fl.jit(f))(y).sum())(x),
    "jit(grad(vmap))": lambda f: fl.jit(lambda x: fl.grad(lambda y: fl.vmap(f)(y).sum())(x)),
    "vmap(vjp)": lambda f: fl.vmap(lambda x: fl.vjp(f, x)[1](jnp.ones_like(x))[0]),
    "vmap_in_axes_1(grad)": lambda f: lambda x: fl.vmap(
        fl.grad(lambda y: f(y).sum()), in_axes=1, out_axes=1)(jnp.stack([x, x]))[0],
    "vmap(vmap(grad))": lambda f: lambda x: fl.vmap(fl.vmap(fl.grad(f)))(jnp.stack([x, x]))[1],
}


@pytest.mark.parametrize("comp", sorted(COMPOSITIONS))
@pytest.mark.parametrize("rule", sorted(RULES))
def test_custom_rules_in_compositions(rule, comp):
    fn, k_rev, _ = RULES[rule]
    assert_close(COMPOSITIONS[comp](fn)(f64(X)), k_rev * np.cos(X))


@pytest.mark.parametrize("rule", sorted(RULES))
def test_custom_rules_in_jacobians_of_vmap(rule):
    fn, k_rev, k_fwd = RULES[rule]
    assert_close(fl.jacrev(fl.vmap(fn))(f64(X)), np.diag(k_rev * np.cos(X)))
    assert_close(fl.jacfwd(fl.vmap(fn))(f64(X)), np.diag(k_fwd * np.cos(X)))
    assert_close(fl.jit(fl.hessian(lambda x: fn(x).sum()))(f64(X)), np.diag(-k_rev * np.sin(X)))
    assert_close(fl.linearize(fn, f64(X))[1](f64(np.ones(3))), k_fwd * np.cos(X))


def test_custom_jvp_none_tangent_output_is_zero():
    @fl.custom_jvp
    def f(x, y):
        return x * y, x

    @f.defjvp
    def f_jvp(primals, tangents):
        (x, y), (xd, _) = primals, tangents
        return f(x, y), (None, xd)  # None: the first output has a zero tangent

    (p0, p1), (t0, t1) = fl.jvp(f, (f64(3.0), f64(2.0)), (f64(1.0), f64(0.0)))
    assert_close(p0, 6.0)
    assert_close(t0, 0.0)
    assert_close(t1, 1.0)
    assert_close(fl.grad(lambda x: f(x, f64(2.0))[1])(f64(3.0)), 1.0)


def test_custom_jvp_tangent_structure_mismatch_is_explained():
    @fl.custom_jvp
    def f(x):
        return x, x

    f.defjvp(lambda p, t: (f(*p), (t[0],)))
    with pytest.raises(TypeError, match="tangent output must have the primal output"):
        fl.jvp(f, (f64(1.0),), (f64(1.0),))
