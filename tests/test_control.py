"""lax control flow: cond, switch, scan, fori_loop, while_loop, map, associative_scan and the
dynamic-slice helpers, against Python loops, under every transformation and their compositions.

Functions run three ways: eagerly (a Python loop), under vmap (the primitive, batched) and under
jit (the primitive, staged); derivatives are checked in each (the vmapped forms exercise the
primitives' own JVP and reverse rules, since grad/jvp alone run the Python loop)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import functorch_lite as fl
import functorch_lite.numpy as jnp
from functorch_lite import lax
from functorch_lite.test_util import check_grads

SETTINGS = settings(max_examples=15, deadline=None, derandomize=True)
FLOATS = [np.float32, np.float64]


def close(a, b, dtype=np.float64, tol=None):
    tol = tol or (1e-5 if dtype == np.float32 else 1e-10)
    for x, y in zip(fl.tree_util.tree_leaves(a), fl.tree_util.tree_leaves(b), strict=True):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=tol, atol=tol)


def rand(seed, *shape, dtype=np.float64):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


# ---- the functions under test, with their Python-loop references --------------------------


def rnn(w, h0, xs, reverse=False):
    """A pytree carry (dict) and pytree ys (tuple): h = tanh(w * h + x)."""
    def step(c, x):
        h = jnp.tanh(w * c["h"] + x)
        return {"h": h, "n": c["n"] + 1}, (h.sum(), h * 2.0)

    return lax.scan(step, {"h": h0, "n": jnp.asarray(0)}, xs, reverse=reverse)


def rnn_ref(w, h0, xs, reverse=False):
    h, ys = h0, [None] * len(xs)
    for i in (reversed(range(len(xs))) if reverse else range(len(xs))):
        h = np.tanh(w * h + xs[i])
        ys[i] = (h.sum(), h * 2.0)
    return {"h": h, "n": len(xs)}, (np.stack([y[0] for y in ys]), np.stack([y[1] for y in ys]))


def rnn_loss(w, h0, xs):
    c, (s, hs) = rnn(w, h0, xs)
    return (c["h"] ** 2).sum() + s.sum() + jnp.sin(hs).sum()


def pow_loop(x):  # while with a data-independent trip count
    return lax.while_loop(lambda c: c[0] < 4, lambda c: (c[0] + 1, jnp.sin(c[1]) + c[1] * 0.5),
                          (0, x))[1]


def grow(x):  # while whose trip count depends on the value
    return lax.while_loop(lambda v: v.sum() < 10.0, lambda v: v * 1.7 + 0.1, x)


def grow_ref(x):
    while x.sum() < 10.0:
        x = x * 1.7 + 0.1
    return x


def piecewise(x):
    return lax.cond(x.sum() > 0, lambda v: jnp.sin(v) * v, lambda v: jnp.exp(v) - 2.0, x)


def three_way(i, x):
    return lax.switch(i, [lambda v: v * v, lambda v: jnp.cos(v), lambda v: -v * 3.0], x)


# ---- values ---------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("reverse", [False, True])
def test_scan_pytrees_match_python_loop(dtype, reverse):
    w, h0, xs = rand(0, 3, dtype=dtype), rand(1, 3, dtype=dtype), rand(2, 5, 3, dtype=dtype)
    want = rnn_ref(w, h0, xs, reverse)
    for f in (rnn, fl.jit(rnn, static_argnums=3)):
        got = f(w, h0, xs, reverse)
        close(got, want, dtype)
        assert got[0]["h"].dtype == dtype and got[1][1].shape == (5, 3)


def test_scan_length_without_xs_and_unroll():
    f = lambda c, _: (c * 2.0 + 1.0, c)  # noqa: E731
    want_c, want_ys = 31.0, np.array([0.0, 1.0, 3.0, 7.0, 15.0])
    for run in (lambda: lax.scan(f, 0.0, None, length=5),
                lambda: fl.jit(lambda: lax.scan(f, 0.0, None, length=5))(),
                lambda: lax.scan(f, 0.0, None, length=5, unroll=3),
                lambda: fl.jit(lambda: lax.scan(f, 0.0, None, length=5, unroll=2))()):
        c, ys = run()
        close(c, want_c)
        close(ys, want_ys)
    c, ys = lax.scan(f, 1.0, None, length=0)
    assert float(c) == 1.0 and ys.shape == (0,)


def test_scan_weak_initial_carry_takes_the_body_dtype():
    xs = np.arange(4.0)  # float64
    c, ys = lax.scan(lambda c, x: (c + x, c), 0.0, xs)
    assert c.dtype == np.float64 and float(c) == 6.0
    c, _ = fl.jit(lambda xs: lax.scan(lambda c, x: (c + x, c), 0.0, xs))(xs)
    assert c.dtype == np.float64


@pytest.mark.parametrize("dtype", FLOATS)
def test_loops_match_python(dtype):
    x = rand(3, 4, dtype=dtype)
    for f in (grow, fl.jit(grow)):
        close(f(np.abs(x)), grow_ref(np.abs(x)), dtype)
    fori = lambda x: lax.fori_loop(1, 4, lambda i, v: v * 0.5 + i, x)  # noqa: E731
    want = x.copy()
    for i in range(1, 4):
        want = want * 0.5 + i
    for f in (fori, fl.jit(fori)):
        close(f(x), want, dtype)
    traced_bounds = fl.jit(lambda x, n: lax.fori_loop(0, n, lambda i, v: v + i, x))
    close(traced_bounds(x, 4), x + 6, dtype)
    close(lax.map(lambda r: r.sum(), x.reshape(2, 2)), x.reshape(2, 2).sum(1), dtype)
    close(fl.jit(lambda x: lax.map(jnp.sin, x))(x), np.sin(x), dtype)


def test_cond_and_switch_values_and_operand_forms():
    x = rand(4, 3)
    for f in (piecewise, fl.jit(piecewise)):
        close(f(x), np.sin(x) * x if x.sum() > 0 else np.exp(x) - 2.0)
        close(f(-x), np.sin(-x) * -x if -x.sum() > 0 else np.exp(-x) - 2.0)
    for i, want in [(-3, x * x), (0, x * x), (1, np.cos(x)), (2, -3 * x), (7, -3 * x)]:
        close(three_way(i, x), want)  # out-of-range indices clamp, as in JAX
        close(fl.jit(three_way)(i, x), want)
    # several operands, pytree operands, the numeric predicate and the operand= keyword
    out = lax.cond(1, lambda a, b: (a["u"] + b, a["u"] * b), lambda a, b: (b, b),
                   {"u": x}, 2.0)
    close(out, (x + 2.0, x * 2.0))
    close(lax.cond(False, jnp.sin, jnp.cos, operand=x), np.cos(x))
    close(fl.jit(lambda p, x: lax.cond(p, jnp.sin, jnp.cos, x))(0.0, x), np.cos(x))


def test_associative_scan():
    x = rand(5, 7, 3)
    close(lax.associative_scan(jnp.add, x), np.cumsum(x, 0))
    close(lax.associative_scan(jnp.multiply, x, axis=1), np.cumprod(x, 1))
    close(lax.associative_scan(jnp.add, x, reverse=True), np.cumsum(x[::-1], 0)[::-1])
    pair = lax.associative_scan(lambda a, b: (a[0] + b[0], jnp.maximum(a[1], b[1])), (x, x))
    close(pair, (np.cumsum(x, 0), np.maximum.accumulate(x, 0)))
    close(fl.jit(lambda x: lax.associative_scan(jnp.add, x, axis=-1))(x), np.cumsum(x, -1))
    check_grads(lambda x: lax.associative_scan(jnp.multiply, x, axis=1), (x[:2],), order=2,
                modes=("fwd", "rev"))


def test_dynamic_slice_helpers_clamp_like_jax():
    x = np.arange(12.0).reshape(3, 4)
    close(lax.dynamic_slice_in_dim(x, 3, 2, axis=1), x[:, 2:4])  # start 3 clamps to 2
    close(lax.dynamic_slice_in_dim(x, -5, 2, axis=0), x[0:2])
    close(lax.dynamic_index_in_dim(x, 1, axis=0), x[1:2])
    close(lax.dynamic_index_in_dim(x, 9, axis=1, keepdims=False), x[:, 3])
    close(lax.dynamic_update_slice_in_dim(x, np.ones((3, 2)), 3, axis=1),
          np.concatenate([x[:, :2], np.ones((3, 2))], 1))
    want = x.copy()
    want[2] = -1.0
    close(lax.dynamic_update_index_in_dim(x, -np.ones(4), 2, 0), want)
    close(lax.dynamic_update_index_in_dim(x, -np.ones((1, 4)), 5, 0), want)
    f = fl.jit(lambda x, i: lax.dynamic_slice(x, (i, i), (2, 2)))
    close(f(x, 1), x[1:3, 1:3])
    close(f(x, 10), x[1:3, 2:4])
    with pytest.raises(TypeError, match="start indices must be integers"):
        lax.dynamic_slice(x, (0.5, 0), (1, 1))


def _start_ref(s, dim, size, allow=True):
    """JAX's start: a negative one counts from the end of its axis, then clamped."""
    s = s + dim if (allow and s < 0) else s
    return min(max(s, 0), dim - size)


def test_negative_start_indices_count_from_the_end_like_jax():
    x = np.arange(20.0).reshape(4, 5)
    u = -np.ones((2, 2))
    starts = [(-1, -1), (-3, 2), (-9, -7), (1, -2), (-2, 0)]
    ref_sl = [x[_start_ref(i, 4, 2):][:2, _start_ref(j, 5, 2):][:, :2] for i, j in starts]
    ref_up = []
    for i, j in starts:
        r = x.copy()
        a, b = _start_ref(i, 4, 2), _start_ref(j, 5, 2)
        r[a:a + 2, b:b + 2] = u
        ref_up.append(r)
    sl = lambda x, i, j: lax.dynamic_slice(x, (i, j), (2, 2))  # noqa: E731
    up = lambda x, i, j: lax.dynamic_update_slice(x, u, (i, j))  # noqa: E731
    for (i, j), want_sl, want_up in zip(starts, ref_sl, ref_up):
        for f in (sl, fl.jit(sl)):  # Python ints, traced ints
            close(f(x, i, j), want_sl)
        for f in (up, fl.jit(up)):
            close(f(x, i, j), want_up)
        close(sl(x, np.int8(i), np.int64(j)), want_sl)
    i, j = (np.array([s[k] for s in starts]) for k in (0, 1))
    close(fl.vmap(sl, (None, 0, 0))(x, i, j), np.stack(ref_sl))
    close(fl.jit(fl.vmap(up, (None, 0, 0)))(x, i, j), np.stack(ref_up))
    # the derivative puts the cotangent where the (normalised) slice was taken
    g = fl.vmap(fl.grad(lambda x, i, j: sl(x, i, j).sum()), (None, 0, 0))(x, i, j)
    close(g, np.stack([(r == -1).astype(float) for r in ref_up]))  # (x has no -1 entries)
    # the *_in_dim helpers, and allow_negative_indices=False (clamps to 0, as XLA)
    close(lax.dynamic_slice_in_dim(x, -2, 2, axis=1), x[:, 3:5])
    close(lax.dynamic_index_in_dim(x, -1, axis=0, keepdims=False), x[3])
    close(lax.dynamic_update_index_in_dim(x, -np.ones(5), -1, 0)[3], -np.ones(5))
    close(lax.dynamic_slice_in_dim(x, -2, 2, axis=1, allow_negative_indices=False), x[:, :2])
    close(fl.jit(lambda x, i: lax.dynamic_slice(x, (i, i), (2, 2),
                                                allow_negative_indices=(False, True)))(x, -1),
          x[0:2, 3:5])


# ---- jit: the loop stays a loop, and a cache hit traces nothing --------------------------


def test_jit_keeps_one_loop_and_cache_hits_do_not_trace():
    calls = []

    def step(c, x):
        calls.append(1)
        return c * x, c

    f = fl.jit(lambda xs: lax.scan(step, 1.0, xs))
    xs = np.linspace(0.5, 1.5, 50)
    jaxpr = fl.make_jaxpr(lambda xs: lax.scan(step, 1.0, xs))(xs)
    assert [e.prim.name for e in jaxpr.eqns] == ["scan"]
    f(xs)
    n = len(calls)
    close(f(xs)[0], np.prod(xs))
    assert len(calls) == n  # the cached program ran the loop without calling `step`
    text = f.lower(xs).as_text()
    assert "scan_kernel" in text and text.count("\n") < 10
    g = fl.jit(fl.grad(lambda w, xs: lax.scan(lambda c, x: (jnp.sin(c * w) + x, c), 0.1,
                                              xs)[0]))
    src = g.lower(0.3, xs).as_text()
    assert src.count("scan_kernel") == 2  # one forward and one backward loop
    assert "while_kernel" in fl.jit(grow).lower(np.ones(3)).as_text()
    assert "cond_kernel" in fl.jit(piecewise).lower(np.ones(3)).as_text()


# ---- derivatives ----------------------------------------------------------------------------


def test_check_grads_scan_fori_cond_switch_while():
    w, h0, xs = rand(5, 3), rand(6, 3), rand(7, 4, 3)
    check_grads(rnn_loss, (w, h0, xs), order=2, modes=("fwd", "rev"))
    check_grads(lambda w, xs: rnn(w, h0, xs, reverse=True)[1][1], (w, xs), order=2,
                modes=("fwd", "rev"))
    check_grads(lambda x: lax.fori_loop(0, 3, lambda i, v: jnp.sin(v) * x + i, x), (w,),
                order=2, modes=("fwd", "rev"))
    check_grads(piecewise, (w,), order=2, modes=("fwd", "rev"))
    check_grads(piecewise, (-np.abs(w),), order=2, modes=("fwd", "rev"))
    for i in range(3):
        check_grads(lambda x, i=i: three_way(i, x), (w,), order=2, modes=("fwd", "rev"))
    # while_loop: reverse mode too (beyond JAX), at points away from a trip-count change
    check_grads(pow_loop, (w,), order=2, modes=("fwd", "rev"))
    check_grads(grow, (np.array([0.3, 0.45, 0.2]),), order=2, modes=("fwd", "rev"))


def test_derivatives_through_the_primitives():
    """vmap runs the primitives: their own JVP and reverse rules, to second order."""
    w, h0, xs = rand(8, 2, 3), rand(9, 3), rand(10, 4, 3)
    batched = lambda w: fl.vmap(rnn_loss, (0, None, None))(w, h0, xs)  # noqa: E731
    check_grads(batched, (w,), order=2, modes=("fwd", "rev"))
    check_grads(lambda x: fl.vmap(pow_loop)(x), (w,), order=2, modes=("fwd", "rev"))
    check_grads(lambda x: fl.vmap(grow)(x), (np.array([[0.3, 0.45, 0.2], [1.1, 2.0, 3.2]]),),
                order=2, modes=("fwd", "rev"))
    check_grads(lambda x: fl.vmap(piecewise)(x), (np.stack([w[0], -np.abs(w[1])]),), order=2,
                modes=("fwd", "rev"))
    idx = np.array([0, 2])
    check_grads(lambda x: fl.vmap(three_way)(idx, x), (w,), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("fn,args", [
    (rnn_loss, (rand(11, 3), rand(12, 3), rand(13, 6, 3))),
    (lambda x: pow_loop(x).sum(), (rand(14, 3),)),
    (lambda x: grow(x).sum(), (np.array([0.3, 0.45, 0.2]),)),
    (lambda x: piecewise(x).sum(), (rand(15, 3),)),
    (lambda x: three_way(1, x).sum() + three_way(2, x).sum(), (rand(16, 3),)),
])
def test_jit_of_grad_and_value_and_grad_match_eager(fn, args):
    close(fl.jit(fl.grad(fn))(*args), fl.grad(fn)(*args))
    close(fl.jit(fl.value_and_grad(fn))(*args), fl.value_and_grad(fn)(*args))
    second = fl.grad(lambda *a: (fl.grad(fn)(*a) ** 2).sum())  # second order, jitted
    close(fl.jit(second)(*args), second(*args))
    close(fl.jit(lambda *a: fl.jvp(fn, a, a)[1])(*args), fl.jvp(fn, args, args)[1])


# ---- vmap ----------------------------------------------------------------------------------


@SETTINGS
@given(st.integers(1, 4), st.integers(0, 2), st.booleans(), st.integers(0, 2**31 - 1))
def test_vmap_scan_matches_loop(size, axis, batch_init, seed):
    w, h0, xs = rand(seed, 3), rand(seed + 1, 3), rand(seed + 2, 4, 3)
    wb = np.moveaxis(rand(seed + 3, size, 3), 0, axis % 2)
    xsb = np.moveaxis(rand(seed + 4, size, 4, 3), 0, axis)
    # an unbatched initial carry becomes batched by the body (the carry fixpoint)
    in_axes = (axis % 2, 0 if batch_init else None, axis)
    h0b = rand(seed + 5, size, 3) if batch_init else h0
    got = fl.vmap(rnn, in_axes)(wb, h0b, xsb)
    want = [rnn_ref(np.moveaxis(wb, axis % 2, 0)[k], h0b[k] if batch_init else h0,
                    np.moveaxis(xsb, axis, 0)[k]) for k in range(size)]
    close(got[0]["h"], np.stack([r[0]["h"] for r in want]))
    close(got[1][1], np.stack([r[1][1] for r in want]))
    close(fl.jit(fl.vmap(rnn, in_axes))(wb, h0b, xsb), got)
    del w, xs


@SETTINGS
@given(st.integers(1, 5), st.integers(0, 2**31 - 1))
def test_vmap_while_with_batched_predicate(size, seed):
    x = np.abs(rand(seed, size, 3)) + 0.05
    want = np.stack([grow_ref(r) for r in x])
    close(fl.vmap(grow)(x), want)
    close(fl.jit(fl.vmap(grow))(x), want)
    # the trip count itself batched, through fori_loop with traced bounds
    n = np.arange(size) % 3
    got = fl.vmap(lambda n, v: lax.fori_loop(0, n, lambda i, v: v * 2.0 + i, v))(n, x)
    want = []
    for k in range(size):
        v = x[k]
        for i in range(n[k]):
            v = v * 2.0 + i
        want.append(v)
    close(got, np.stack(want))


@SETTINGS
@given(st.integers(1, 6), st.integers(0, 1), st.integers(0, 2**31 - 1))
def test_vmap_cond_switch_batched_predicate(size, axis, seed):
    x = rand(seed, size, 3)
    idx = np.random.default_rng(seed).integers(-1, 4, size)
    xb = np.moveaxis(x, 0, axis)
    got = fl.vmap(three_way, (0, axis))(idx, xb)
    want = np.stack([np.asarray(three_way(int(i), r)) for i, r in zip(idx, x)])
    close(got, want)
    close(fl.jit(fl.vmap(three_way, (0, axis)))(idx, xb), want)
    close(fl.vmap(piecewise)(x), np.stack([np.asarray(piecewise(r)) for r in x]))


def test_vmap_cond_runs_each_branch_only_on_its_lanes():
    # sqrt' at a negative lane would be NaN (NaN * 0 = NaN under select-over-both-branches);
    # running each branch only on its own lanes keeps the gradient clean.
    f = lambda x: lax.cond(x > 0, jnp.sqrt, lambda v: -v, x)  # noqa: E731
    x = np.array([4.0, -1.0, 9.0, -2.0])
    close(fl.vmap(fl.grad(f))(x), np.array([0.25, -1.0, 1 / 6, -1.0]))
    close(fl.grad(lambda x: fl.vmap(f)(x).sum())(x), np.array([0.25, -1.0, 1 / 6, -1.0]))


def test_compositions():
    w, h0, xs = rand(20, 3), rand(21, 3), rand(22, 4, 3)
    ws = rand(23, 2, 3)
    per = np.stack([np.asarray(fl.grad(rnn_loss)(r, h0, xs)) for r in ws])
    vg = fl.vmap(fl.grad(rnn_loss), (0, None, None))
    close(vg(ws, h0, xs), per)
    close(fl.jit(vg)(ws, h0, xs), per)
    gv = fl.grad(lambda ws: fl.vmap(rnn_loss, (0, None, None))(ws, h0, xs).sum())
    close(gv(ws), per)
    close(fl.jit(gv)(ws), per)
    # vmap of grad of while with per-lane trip counts, and its jit
    x = np.array([[0.3, 0.45, 0.2], [1.1, 2.0, 3.2], [0.05, 0.1, 0.1]])
    per = np.stack([np.asarray(fl.grad(lambda v: grow(v).sum())(r)) for r in x])
    close(fl.vmap(fl.grad(lambda v: grow(v).sum()))(x), per)
    close(fl.jit(fl.vmap(fl.grad(lambda v: grow(v).sum())))(x), per)
    del w


def test_nested_loops_and_closures_over_traced_values():
    def f(x, ys):
        def outer(c, y):
            inner = lax.fori_loop(0, 2, lambda i, v: v * x + y, c)  # closes over x and y
            return inner, lax.cond(inner.sum() > 0, lambda: inner, lambda: -inner)

        return lax.scan(outer, jnp.zeros_like(x), ys)

    x, ys = rand(30, 3) * 0.5, rand(31, 4, 3)
    close(fl.jit(f)(x, ys), f(x, ys))
    loss = lambda x: f(x, ys)[1].sum()  # noqa: E731
    close(fl.jit(fl.grad(loss))(x), fl.grad(loss)(x))
    close(fl.vmap(fl.grad(loss))(np.stack([x, 2 * x])),
          np.stack([np.asarray(fl.grad(loss)(x)), np.asarray(fl.grad(loss)(2 * x))]))


# ---- errors ---------------------------------------------------------------------------------


def test_errors_name_both_sides():
    x = np.ones(3)
    with pytest.raises(TypeError, match=r"false_fun.*true_fun|true_fun.*false_fun"):
        fl.jit(lambda x: lax.cond(x.sum() > 0, lambda v: (v, v), lambda v: v, x))(x)
    with pytest.raises(TypeError, match=r"float64\[3\] in false_fun but float32\[3\]"):
        fl.jit(lambda x: lax.cond(x.sum() > 0, lambda v: v.astype(np.float32), lambda v: v,
                                  x))(x)
    with pytest.raises(TypeError, match=r"branches\[1\]"):
        fl.vmap(lambda i, v: lax.switch(i, [lambda v: v, lambda v: v[:2]], v))(np.array([0]),
                                                                               x[None])
    with pytest.raises(TypeError, match=r"leaf \['h'\] is float64\[2\] in the body's output but "
                                        r"float64\[3\] in init"):
        lax.scan(lambda c, x: ({"h": c["h"][:2]}, x), {"h": x}, np.ones((2, 3)))
    with pytest.raises(TypeError, match="structure"):
        fl.jit(lambda x: lax.scan(lambda c, y: ((c, c), y), x, x))(x)
    with pytest.raises(TypeError, match="predicate must be a scalar"):
        lax.cond(x > 0, jnp.sin, jnp.cos, x)
    with pytest.raises(TypeError, match="boolean scalar"):
        lax.while_loop(lambda v: v.sum(), lambda v: v, x)
    with pytest.raises(TypeError, match="boolean scalar"):
        fl.jit(lambda x: lax.while_loop(lambda v: v, lambda v: v, x))(x)
    with pytest.raises(TypeError, match="index must be a scalar integer"):
        lax.switch(0.5, [jnp.sin], x)
    with pytest.raises(ValueError, match="leading axes of xs disagree"):
        lax.scan(lambda c, x: (c, x), 0.0, (np.ones(3), np.ones(4)))
    with pytest.raises(ValueError, match="pass length"):
        lax.scan(lambda c, x: (c, x), 0.0, None)
    with pytest.raises(TypeError, match="pair"):
        lax.scan(lambda c, x: c, 0.0, np.ones(3))
    # dynamic slices check their shapes eagerly too (an eager bind skips the shape rule: the
    # kernel silently returned a shorter slice, or dropped a start index)
    for f in (lambda f: f, fl.jit):
        with pytest.raises(TypeError, match=r"slice_sizes=\(4,\)"):
            f(lambda x: lax.dynamic_slice(x, (0,), (4,)))(x)
        with pytest.raises(TypeError, match="2 start indices for an operand of rank 1"):
            f(lambda x: lax.dynamic_slice(x, (0, 0), (1, 1)))(x)
        with pytest.raises(TypeError, match=r"update's dtype int32 differs"):
            f(lambda x: lax.dynamic_update_slice(x, np.ones(2, np.int32), (0,)))(x)
        with pytest.raises(TypeError, match="fit inside it"):
            f(lambda x: lax.dynamic_update_slice(x, np.ones(4), (0,)))(x)


def test_jax_signature_forms():
    x = np.arange(3.0)
    # a scan body may return its (carry, y) pair as a list; fori_loop takes unroll=; switch
    # takes JAX's older operand= keyword (and cond/switch accept operand=None as an operand)
    close(lax.scan(lambda c, x: [c + x, c], 0.0, x), (3.0, np.array([0.0, 0.0, 1.0])))
    close(fl.jit(lambda x: lax.scan(lambda c, x: [c + x, c], 0.0, x))(x),
          (3.0, np.array([0.0, 0.0, 1.0])))
    close(lax.fori_loop(0, 3, lambda i, v: v + i, 0.0, unroll=2), 3.0)
    with pytest.raises(ValueError, match="unroll"):
        lax.fori_loop(0, 3, lambda i, v: v + i, 0.0, unroll=0)
    close(lax.switch(1, [lambda v: v, lambda v: v * 2], operand=x), 2 * x)
    assert lax.cond(True, lambda v: v is None, lambda v: False, operand=None)
    assert lax.switch(0, [lambda v: v is None], operand=None)


def test_reverse_over_forward_under_jit():
    """jit(jacrev(jacfwd(f))): the tape records the primitives themselves (their per-argument
    VJP rules), against the eager Hessian."""
    x = np.array([0.3, 0.7])
    fns = [lambda x: lax.scan(lambda c, y: (jnp.sin(c) * y, c * c), x,
                              jnp.ones((3, 2)))[1].sum(),
           lambda x: pow_loop(x).sum(),
           lambda x: piecewise(x).sum()]
    for f in fns:
        close(fl.jit(fl.jacrev(fl.jacfwd(f)))(x), fl.hessian(f)(x))
