"""functorch_lite.random: the generator against published known answers, determinism, split and
fold_in independence, jit == eager, vmap == a loop, statistics on big samples, gradients and
errors."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prim_cases_random import reference_bits, threefry2x32_reference

import functorch_lite as fl
import functorch_lite.numpy as jnp
from functorch_lite import random
from functorch_lite._src.prims import random_bits as RB
from functorch_lite.test_util import check_grads

SETTINGS = settings(max_examples=15, deadline=None, derandomize=True)
KEY = random.key(0)
F32, F64 = np.dtype(np.float32), np.dtype(np.float64)

# Random123's known-answer vectors for threefry2x32 with 20 rounds: (key, counter) -> output.
KAT = [
    ((0x00000000, 0x00000000), (0x00000000, 0x00000000), (0x6B200159, 0x99BA4EFE)),
    ((0xFFFFFFFF, 0xFFFFFFFF), (0xFFFFFFFF, 0xFFFFFFFF), (0x1CB996FC, 0xBB002BE7)),
    ((0x13198A2E, 0x03707344), (0x243F6A88, 0x85A308D3), (0xC4923A9C, 0x483DF7A0)),
]


def _np(x):
    return np.asarray(x)


# ---- the generator is right, not just random ---------------------------------------------------


@pytest.mark.parametrize("key,counter,want", KAT)
def test_threefry_matches_random123_known_answers(key, counter, want):
    got = RB.threefry2x32(fl.Array(np.array(key, np.uint32)),
                          fl.Array(np.array(counter, np.uint32)))
    assert tuple(int(v) for v in _np(got)) == want
    assert threefry2x32_reference(key, counter) == want  # the test table's reference too
    jitted = fl.jit(RB.threefry2x32)(np.array(key, np.uint32), np.array(counter, np.uint32))
    assert tuple(int(v) for v in _np(jitted)) == want


def test_keys_split_and_bits_match_jax():
    # jax.random with its default (partitionable) Threefry: PRNGKey(0) is [0, 0], split hashes
    # counters (0, 0) and (0, 1) (the first pair is the first Random123 vector above), and
    # bits xors the two words of each counter's hash.
    np.testing.assert_array_equal(_np(random.PRNGKey(0)), [0, 0])
    np.testing.assert_array_equal(_np(random.key(42)), [0, 42])
    np.testing.assert_array_equal(_np(random.split(KEY)),
                                  [[1797259609, 2579123966], [928981903, 3453687069]])
    np.testing.assert_array_equal(_np(random.bits(KEY, (3,))),
                                  [4070199207, 4202968722, 1427181096])
    assert random.split(KEY).dtype == np.uint32


def test_seeds_become_high_and_low_words():
    np.testing.assert_array_equal(_np(random.key(-1)), [0, 2**32 - 1])  # int32 seed
    np.testing.assert_array_equal(_np(random.key(jnp.asarray(7, jnp.int64))), [0, 7])
    np.testing.assert_array_equal(_np(random.key(jnp.asarray(2**33 + 5, jnp.int64))), [2, 5])
    np.testing.assert_array_equal(_np(random.key(np.uint32(9))), [0, 9])
    np.testing.assert_array_equal(_np(fl.jit(random.key)(jnp.asarray(11))), [0, 11])
    fl.config.update("jax_enable_x64", True)
    try:
        np.testing.assert_array_equal(_np(random.key(2**33 + 5)), [2, 5])
        np.testing.assert_array_equal(_np(random.key(-1)), [2**32 - 1, 2**32 - 1])
        # a 32-bit seed has high word 0 in either mode (as in JAX), a 64-bit one gives both
        np.testing.assert_array_equal(_np(random.key(np.int32(-5))), [0, 2**32 - 5])
        np.testing.assert_array_equal(_np(random.key(np.int64(-5))), [2**32 - 1, 2**32 - 5])
        np.testing.assert_array_equal(_np(random.key(jnp.asarray(-5, jnp.int32))),
                                      [0, 2**32 - 5])
        # bits defaults to uint64 in 64-bit mode, as in JAX: both words joined
        wide = _np(random.bits(KEY, (3,)))
        assert wide.dtype == np.uint64
        np.testing.assert_array_equal(wide, _np(random.bits(KEY, (3,), np.uint64)))
    finally:
        fl.config.update("jax_enable_x64", False)


def test_fold_in_hashes_zero_and_data():
    for data in (0, 5, 2**32 - 1):
        want = threefry2x32_reference((0, 42), (0, data))
        np.testing.assert_array_equal(_np(random.fold_in(random.key(42), data)), want)
        traced = fl.jit(random.fold_in)(random.key(42), jnp.asarray(data, jnp.uint32))
        np.testing.assert_array_equal(_np(traced), want)


@SETTINGS
@given(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1),
       st.lists(st.integers(0, 4), min_size=0, max_size=3))
def test_random_bits_against_the_reference(k0, k1, shape):
    shape = tuple(shape)
    key = np.array([k0, k1], np.uint32)
    pairs = reference_bits(key, shape)
    np.testing.assert_array_equal(_np(random.split(fl.Array(key), shape)), pairs)
    np.testing.assert_array_equal(_np(random.bits(fl.Array(key), shape)),
                                  pairs[..., 0] ^ pairs[..., 1])
    wide = (pairs[..., 0].astype(np.uint64) << np.uint64(32)) | pairs[..., 1]
    np.testing.assert_array_equal(_np(random.bits(fl.Array(key), shape, np.uint64)), wide)
    for dt in (np.uint8, np.uint16):
        got = random.bits(fl.Array(key), shape, dt)
        assert got.dtype == dt
        np.testing.assert_array_equal(_np(got), (pairs[..., 0] ^ pairs[..., 1]).astype(dt))


def test_uniform_is_the_top_mantissa_bits():
    b = _np(random.bits(KEY, (1000,)))
    np.testing.assert_array_equal(_np(random.uniform(KEY, (1000,))),
                                  (b >> 9).astype(np.float32) * np.float32(2.0**-23))
    pairs = _np(random.split(KEY, 1000)).astype(np.uint64)
    wide = (pairs[:, 0] << np.uint64(32)) | pairs[:, 1]
    np.testing.assert_array_equal(_np(random.uniform(KEY, (1000,), jnp.float64)),
                                  (wide >> np.uint64(12)).astype(np.float64) * 2.0**-52)


@pytest.mark.parametrize("dtype", [F32, F64])
def test_laplace_is_jax_formula_of_uniform(dtype):
    # JAX: sign(u) * log1p(-|u|) for u uniform on (-1 + epsneg, 1); the same key gives JAX's
    # numbers (pinned below from jax 0.10.2), not their negatives.
    lo = np.nextafter(dtype.type(-1), dtype.type(0))
    u = _np(random.uniform(KEY, (1000,), dtype, lo, 1.0))
    want = np.sign(u) * np.log1p(-np.abs(u))
    np.testing.assert_allclose(_np(random.laplace(KEY, (1000,), dtype)), want,
                               rtol=1e-6 if dtype == F32 else 1e-14)
    if dtype == F32:
        np.testing.assert_allclose(_np(random.laplace(KEY, (4,))),
                                   [-2.2569816, -3.1502788, 0.40859544, 0.06471242], rtol=1e-6)


# ---- every sampler: determinism, dtypes, jit, vmap ---------------------------------------------

SAMPLERS = {
    "uniform": lambda k, s, dt: random.uniform(k, s, dt, -2.0, 3.0),
    "normal": lambda k, s, dt: random.normal(k, s, dt),
    "truncated_normal": lambda k, s, dt: random.truncated_normal(k, -1.0, 2.0, s, dt),
    "exponential": lambda k, s, dt: random.exponential(k, s, dt),
    "gumbel": lambda k, s, dt: random.gumbel(k, s, dt),
    "laplace": lambda k, s, dt: random.laplace(k, s, dt),
    "logistic": lambda k, s, dt: random.logistic(k, s, dt),
    "cauchy": lambda k, s, dt: random.cauchy(k, s, dt),
    "bernoulli": lambda k, s, dt: random.bernoulli(k, jnp.asarray(0.3, dt), s),
    "randint": lambda k, s, dt: random.randint(k, s, -3, 9),
    "rademacher": lambda k, s, dt: random.rademacher(k, s),
    "bits": lambda k, s, dt: random.bits(k, s),
    "split": lambda k, s, dt: random.split(k, s),
    "categorical": lambda k, s, dt: random.categorical(
        k, jnp.log(jnp.asarray([0.1, 0.2, 0.7], dt)), shape=s),
    "permutation": lambda k, s, dt: random.permutation(k, 1 + sum(s)),
    "choice": lambda k, s, dt: random.choice(k, 7, s),
    "choice_p": lambda k, s, dt: random.choice(k, 4, s, p=jnp.asarray([0.1, 0.2, 0.3, 0.4], dt)),
    "choice_no_replace": lambda k, s, dt: random.choice(k, 7, s[:1] and (min(s[0], 7),),
                                                        replace=False),
}
FLOAT_SAMPLERS = ["uniform", "normal", "truncated_normal", "exponential", "gumbel", "laplace",
                  "logistic", "cauchy"]


@pytest.mark.parametrize("name", sorted(SAMPLERS))
@SETTINGS
@given(shape=st.lists(st.integers(1, 4), min_size=0, max_size=2).map(tuple),
       dtype=st.sampled_from([F32, F64]), seed=st.integers(0, 2**32 - 1))
def test_same_key_same_numbers_under_jit_and_vmap(name, shape, dtype, seed):
    sample = SAMPLERS[name]
    key = random.key(seed)
    eager = _np(sample(key, shape, dtype))
    np.testing.assert_array_equal(_np(sample(key, shape, dtype)), eager)  # no hidden state
    if name in FLOAT_SAMPLERS:
        assert eager.dtype == dtype and eager.shape == shape
    jitted = fl.jit(lambda k: sample(k, shape, dtype))
    np.testing.assert_array_equal(_np(jitted(key)), eager)
    np.testing.assert_array_equal(_np(jitted(random.key(seed))), eager)  # the cached path
    keys = random.split(key, 3)
    batched = _np(fl.vmap(lambda k: sample(k, shape, dtype))(keys))
    loop = np.stack([_np(sample(keys[i], shape, dtype)) for i in range(3)])
    np.testing.assert_array_equal(batched, loop)
    np.testing.assert_array_equal(_np(fl.jit(fl.vmap(lambda k: sample(k, shape, dtype)))(keys)),
                                  loop)


def test_vmap_over_keys_equals_a_python_loop():
    keys = random.split(KEY, 8)
    got = fl.vmap(lambda k: random.normal(k, (3,)))(keys)
    want = np.stack([_np(random.normal(k, (3,))) for k in keys])
    np.testing.assert_array_equal(_np(got), want)
    # keys on another axis, and a traced fold_in
    got = fl.vmap(lambda k: random.uniform(k, (2,)), in_axes=1)(jnp.transpose(keys))
    np.testing.assert_array_equal(_np(got), np.stack([_np(random.uniform(k, (2,)))
                                                      for k in keys]))
    folded = fl.vmap(lambda i: random.fold_in(KEY, i))(jnp.arange(5))
    np.testing.assert_array_equal(_np(folded), np.stack([_np(random.fold_in(KEY, i))
                                                         for i in range(5)]))


def test_split_and_fold_in_give_independent_streams():
    # As in JAX's partitionable Threefry, split(key, n)[i] and fold_in(key, i) hash the same
    # counter (0, i): the same key. Keys from different counters give unrelated streams.
    np.testing.assert_array_equal(_np(random.split(KEY, 4)[2]), _np(random.fold_in(KEY, 2)))
    keys = [*random.split(KEY, 4), *(random.fold_in(KEY, 100 + i) for i in range(4)), KEY]
    streams = [_np(random.bits(k, (64,))) for k in keys]
    assert len({s.tobytes() for s in streams}) == len(streams)
    # no correlation between neighbouring streams
    a, b = (_np(random.normal(k, (20000,))) for k in random.split(KEY))
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.03
    assert not np.array_equal(_np(random.split(random.key(1))), _np(random.split(KEY)))


# ---- statistics on big samples -------------------------------------------------------------------

N = 200_000


def _normal_cdf(x):
    return 0.5 * (1 + np.vectorize(math.erf)(np.asarray(x, np.float64) / math.sqrt(2)))


def _chi_square_ok(counts, probs) -> None:
    """Pearson's statistic within a generous bound (mean k-1, sd sqrt(2(k-1)))."""
    expected = np.sum(counts) * np.asarray(probs)
    stat = float(np.sum((counts - expected) ** 2 / expected))
    k = len(counts)
    assert stat < (k - 1) + 6 * math.sqrt(2 * (k - 1)), (stat, counts, expected)


@pytest.mark.parametrize("dtype", [F32, F64])
def test_uniform_and_normal_moments_and_histograms(dtype):
    u = _np(random.uniform(KEY, (N,), dtype, 2.0, 5.0))
    assert u.dtype == dtype and u.min() >= 2.0 and u.max() < 5.0
    assert abs(u.mean() - 3.5) < 0.01 and abs(u.var() - 0.75) < 0.01
    _chi_square_ok(np.histogram(u, bins=20, range=(2, 5))[0], np.full(20, 1 / 20))
    z = _np(random.normal(random.key(1), (N,), dtype))
    assert z.dtype == dtype and np.all(np.isfinite(z))
    assert abs(z.mean()) < 0.01 and abs(z.var() - 1) < 0.015
    edges = np.linspace(-3, 3, 25)
    counts = np.histogram(z, bins=np.concatenate([[-np.inf], edges, [np.inf]]))[0]
    cdf = np.concatenate([[0.0], _normal_cdf(edges), [1.0]])
    _chi_square_ok(counts, np.diff(cdf))


def test_other_continuous_distributions():
    e = _np(random.exponential(KEY, (N,)))
    assert e.min() >= 0 and abs(e.mean() - 1) < 0.01 and abs(e.var() - 1) < 0.03
    g = _np(random.gumbel(KEY, (N,)))
    assert abs(g.mean() - 0.5772157) < 0.01 and abs(g.var() - math.pi**2 / 6) < 0.04
    lap = _np(random.laplace(KEY, (N,)))
    assert abs(lap.mean()) < 0.01 and abs(lap.var() - 2) < 0.05
    lg = _np(random.logistic(KEY, (N,)))
    assert abs(lg.mean()) < 0.02 and abs(lg.var() - math.pi**2 / 3) < 0.08
    c = _np(random.cauchy(KEY, (N,)))
    assert abs(np.median(c)) < 0.01 and abs(np.mean(np.abs(c) < 1) - 0.5) < 0.01
    r = _np(random.rademacher(KEY, (N,)))
    assert set(np.unique(r)) == {-1, 1} and abs(r.mean()) < 0.01


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("lower,upper", [(-2.0, 2.0), (0.5, 3.0), (-1.0, 0.0)])
def test_truncated_normal_within_bounds_with_the_right_moments(lower, upper, dtype):
    x = _np(random.truncated_normal(KEY, lower, upper, (N,), dtype))
    assert x.dtype == dtype and x.min() > lower and x.max() < upper
    pdf = [math.exp(-v * v / 2) / math.sqrt(2 * math.pi) for v in (lower, upper)]
    mass = float(_normal_cdf(upper) - _normal_cdf(lower))
    mean = (pdf[0] - pdf[1]) / mass
    var = 1 + (lower * pdf[0] - upper * pdf[1]) / mass - mean**2
    assert abs(x.mean() - mean) < 0.01 and abs(x.var() - var) < 0.01
    # broadcasting bounds give per-column truncation
    y = _np(random.truncated_normal(KEY, jnp.asarray([-1.0, 0.0]), jnp.asarray([0.0, 1.0]),
                                    (1000, 2)))
    assert np.all((y[:, 0] > -1) & (y[:, 0] < 0) & (y[:, 1] > 0) & (y[:, 1] < 1))


def test_randint_is_uniform_over_its_range():
    x = _np(random.randint(KEY, (N,), -3, 7))
    assert x.dtype == np.int32 and x.min() == -3 and x.max() == 6
    _chi_square_ok(np.bincount(x + 3, minlength=10), np.full(10, 0.1))
    # bounds broadcast; maxval <= minval gives minval; dtype ranges
    y = _np(random.randint(KEY, (1000, 2), jnp.asarray([0, 10]), jnp.asarray([2, 10])))
    assert set(np.unique(y[:, 0])) == {0, 1} and np.all(y[:, 1] == 10)
    z = _np(random.randint(KEY, (N,), 0, 256, np.uint8))
    assert z.dtype == np.uint8 and z.max() == 255
    _chi_square_ok(np.bincount(z, minlength=256), np.full(256, 1 / 256))
    big = _np(random.randint(KEY, (N,), -(2**31), 2**31 - 1))
    assert big.min() < -(2**30) and big.max() > 2**30


def test_randint_narrow_dtypes_and_float_bounds_follow_jax():
    # As JAX: 8/16-bit integers are drawn as int32 with the bounds clipped to the dtype's range
    # (maxval up to max + 1), then cast; float bounds truncate towards zero.
    for dt, lo, hi in [(np.int16, -5, 7), (np.int8, -100, 100), (np.uint16, 3, 60000),
                       (np.int8, -1000, 1000), (np.uint8, -5, 300)]:
        info = np.iinfo(dt)
        want = _np(random.randint(KEY, (500,), max(lo, info.min), min(hi, info.max + 1)))
        np.testing.assert_array_equal(_np(random.randint(KEY, (500,), lo, hi, dt)),
                                      want.astype(dt))
    np.testing.assert_array_equal(_np(random.randint(KEY, (6,), -5, 7, jnp.int16)),
                                  [-4, -5, 3, -4, 6, -2])  # jax 0.10.2's numbers
    np.testing.assert_array_equal(_np(random.randint(KEY, (500,), -2.5, 3.7)),
                                  _np(random.randint(KEY, (500,), -2, 3)))
    x = _np(random.randint(KEY, (N,), 0, 127.5, jnp.int8))  # maxval truncates to 127
    assert x.max() == 126 and x.min() == 0
    np.testing.assert_array_equal(_np(random.randint(KEY, (6,), -2.5, 3.7)),
                                  [2, -2, 0, 1, -1, 0])  # jax 0.10.2's numbers
    # an 8-bit draw from 16 random bits had a modulo bias of 136/65536 on a span of 200
    counts = np.bincount(_np(random.randint(KEY, (N,), 0, 200, jnp.uint8)), minlength=200)
    _chi_square_ok(counts, np.full(200, 1 / 200))


def test_categorical_frequencies_follow_softmax():
    p = np.array([0.1, 0.2, 0.3, 0.4])
    draws = _np(random.categorical(KEY, jnp.log(jnp.asarray(p)), shape=(N,)))
    _chi_square_ok(np.bincount(draws, minlength=4), p)
    # batched logits along axis 0, extra sample axis in front
    logits = jnp.log(jnp.asarray([[0.9, 0.5], [0.1, 0.5]]))
    d = _np(random.categorical(KEY, logits, axis=0, shape=(20000, 2)))
    assert d.shape == (20000, 2)
    assert abs(d[:, 0].mean() - 0.1) < 0.01 and abs(d[:, 1].mean() - 0.5) < 0.015


def test_bernoulli_frequency_and_shape():
    b = _np(random.bernoulli(KEY, 0.3, (N,)))
    assert b.dtype == np.bool_ and abs(b.mean() - 0.3) < 0.005
    per = _np(random.bernoulli(KEY, jnp.asarray([0.0, 1.0, 0.5])))
    assert per.shape == (3,) and not per[0] and per[1]


def test_permutation_is_a_permutation():
    p = _np(random.permutation(KEY, 1000))
    np.testing.assert_array_equal(np.sort(p), np.arange(1000))
    assert not np.array_equal(p, np.arange(1000))
    x = jnp.arange(24).reshape(4, 6)
    rows = _np(random.permutation(KEY, x))  # whole rows move together
    np.testing.assert_array_equal(np.sort(rows[:, 0]), np.arange(0, 24, 6))
    np.testing.assert_array_equal(rows - rows[:, :1], np.tile(np.arange(6), (4, 1)))
    cols = _np(random.permutation(KEY, x, axis=1, independent=True))
    np.testing.assert_array_equal(np.sort(cols, axis=1), _np(x))
    assert len({tuple(r - r.min()) for r in cols}) > 1  # rows permuted independently
    # every position equally likely: first elements of many permutations of 5
    firsts = _np(fl.vmap(lambda k: random.permutation(k, 5)[0])(random.split(KEY, 20000)))
    _chi_square_ok(np.bincount(firsts, minlength=5), np.full(5, 0.2))


def test_choice_with_and_without_replacement():
    no_rep = _np(random.choice(KEY, 50, (50,), replace=False))
    np.testing.assert_array_equal(np.sort(no_rep), np.arange(50))
    a = jnp.arange(30).reshape(10, 3)
    picked = _np(random.choice(KEY, a, (4,), replace=False))
    assert picked.shape == (4, 3) and len(set(picked[:, 0])) == 4
    cols = _np(random.choice(KEY, a, (2, 2), axis=1))
    assert cols.shape == (10, 2, 2)
    p = np.array([0.5, 0.0, 0.2, 0.3])
    d = _np(random.choice(KEY, 4, (N,), p=jnp.asarray(p)))
    assert not np.any(d == 1)
    _chi_square_ok(np.bincount(d, minlength=4)[[0, 2, 3]], p[[0, 2, 3]])
    weighted = _np(random.choice(KEY, 4, (3,), replace=False, p=jnp.asarray(p)))
    assert len(set(weighted)) == 3 and 1 not in weighted
    # more draws than nonzero weights: the zero-weight elements come last, never repeated
    for k in random.split(KEY, 5):
        every = _np(random.choice(k, 4, (4,), replace=False, p=jnp.asarray([0.5, 0, 0.5, 0])))
        assert sorted(every[:2]) == [0, 2] and list(every[2:]) == [1, 3]
    np.testing.assert_array_equal(  # jax 0.10.2's draws
        _np(random.choice(KEY, 3, (3,), replace=False, p=jnp.asarray([0.5, 0.0, 0.5]))),
        [0, 2, 1])
    firsts = _np(fl.vmap(lambda k: random.choice(k, 4, (2,), False, jnp.asarray(p))[0])(
        random.split(KEY, 20000)))
    _chi_square_ok(np.bincount(firsts, minlength=4)[[0, 2, 3]], p[[0, 2, 3]])


# ---- gradients --------------------------------------------------------------------------------


def test_uniform_gradients_in_minval_and_maxval():
    u = _np(random.uniform(KEY, (5,), jnp.float64))

    def f(lo, hi):
        return random.uniform(KEY, (5,), jnp.float64, lo, hi)

    lo, hi = jnp.asarray(-1.0, jnp.float64), jnp.asarray([2.0, 3, 4, 5, 6], jnp.float64)
    check_grads(f, (lo, hi), order=2, modes=("fwd", "rev"))
    g_lo, g_hi = fl.grad(lambda a, b: f(a, b).sum(), argnums=(0, 1))(lo, hi)
    np.testing.assert_allclose(_np(g_lo), np.sum(1 - u))
    np.testing.assert_allclose(_np(g_hi), u)


def test_truncated_normal_and_categorical_gradients():
    def f(lo, hi):
        return random.truncated_normal(KEY, lo, hi, (6,), jnp.float64)

    lo, hi = jnp.asarray(-1.5, jnp.float64), jnp.asarray(0.7, jnp.float64)
    check_grads(f, (lo, hi), order=1, modes=("fwd", "rev"), atol=1e-4, rtol=1e-4)
    g = fl.grad(lambda lg: random.categorical(KEY, lg).astype(jnp.float32).sum())(
        jnp.zeros(3))
    np.testing.assert_array_equal(_np(g), 0)  # integer outputs: zero gradient, no error


@pytest.mark.parametrize("dtype", [F32, F64])
def test_erfinv_inverts_erf(dtype):
    from functorch_lite._src.random import _erfinv

    x = np.concatenate([np.linspace(-0.999999, 0.999999, 2001), [1e-8, -0.5, 0.9999999]])
    x = x.astype(dtype)
    y = _np(_erfinv(fl.Array(x))).astype(np.float64)
    back = np.vectorize(math.erf)(y)
    tol = 2e-7 if dtype == F32 else 1e-14
    np.testing.assert_allclose(back, x.astype(np.float64), rtol=4 * tol, atol=tol)
    check_grads(_erfinv, (jnp.asarray([-0.9, -0.3, 0.0, 0.5, 0.8], jnp.float64),), order=2,
                modes=("fwd", "rev"))
    # into every branch: erfinv'(x) = sqrt(pi)/2 * exp(erfinv(x)^2)
    xs = jnp.asarray([-0.9999999, -0.999, 0.2, 0.99, 0.999999], dtype)
    slope = _np(fl.vmap(fl.grad(_erfinv))(xs)).astype(np.float64)
    want = math.sqrt(math.pi) / 2 * np.exp(_np(_erfinv(xs)).astype(np.float64) ** 2)
    np.testing.assert_allclose(slope, want, rtol=1e-5 if dtype == F32 else 1e-12)


# ---- errors -------------------------------------------------------------------------------------


def test_non_keys_are_refused_with_a_message_that_says_how_to_make_one():
    with pytest.raises(TypeError, match=r"PRNG key.*random\.key\(0\)"):
        random.normal(0, (3,))
    with pytest.raises(TypeError, match=r"dtype float32 and shape \(2,\).*random\.key\(0\)"):
        random.uniform(jnp.zeros(2), (3,))
    with pytest.raises(TypeError, match=r"shape \(3,\)"):
        random.split(jnp.zeros(3, jnp.uint32))
    with pytest.raises(ValueError, match=r"batch of keys of shape \(4, 2\).*vmap"):
        random.normal(random.split(KEY, 4), (3,))
    with pytest.raises(TypeError, match="seed must be an integer"):
        random.key(1.5)


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="must be a float dtype"):
        random.uniform(KEY, (2,), jnp.int32)
    with pytest.raises(TypeError, match="integer dtypes"):
        random.randint(KEY, (2,), 0, 3, jnp.float32)
    with pytest.raises(ValueError, match="broadcast-compatible"):
        random.uniform(KEY, (2,), minval=jnp.zeros(3))
    with pytest.raises(ValueError, match="without replacement"):
        random.choice(KEY, 3, (4,), replace=False)
    with pytest.raises(ValueError, match=r"p must be None or have shape \(3,\)"):
        random.choice(KEY, 3, (2,), p=jnp.ones(4) / 4)
    with pytest.raises(ValueError, match="must end with the batch shape"):
        random.categorical(KEY, jnp.zeros((2, 3)), shape=(5,))
    with pytest.raises(TypeError, match="unsigned"):
        random.bits(KEY, (2,), jnp.int32)
    with pytest.raises(TypeError, match="float dtype"):
        random.bernoulli(KEY, 1)
