"""Core-speed benchmarks: functorch_lite against hand-written numpy doing the same computation.

Run it on one thread, from the repository root:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
        MKL_NUM_THREADS=1 python benchmarks/bench_core.py

(``OPENBLAS_CORETYPE``/``OPENBLAS_L2_SIZE`` are unset only for this command: on some machines they
force a slower OpenBLAS kernel than the one it would pick itself.) Options: ``--quick`` for a fast
smoke run, ``--profile`` to print cProfile hotspots of the eager benchmarks, ``--no-peers`` to
skip torch/jax, ``--repeat N`` and ``--min-time S`` to tune the timing.

What is measured (every number is a ratio to numpy code timed in the same run, interleaved):

1. one eager operation on a 16-element float32 array (``x + y``, ``jnp.sin(x)``, ``x * 2.0``):
   the absolute overhead over the raw numpy call, target at most 3 µs;
2. eager ``fl.value_and_grad`` of a chain of 50 elementwise operations ending in a sum, on 16
   float32 elements, against hand-written numpy forward + backward code: target at most 4x;
3. ``fl.jit(fl.value_and_grad(chain))`` of the same chain: target at most 2x;
4. ``value_and_grad`` of a 784-128-10 ReLU MLP's mean softmax cross-entropy at batch 64 (float32,
   parameters in a dict): eager target at most 1.5x, jit target at most 1.15x.

Before timing, the hand-written numpy gradients are checked against functorch_lite's (and the
peers') so that the comparison is between equal computations. torch (eager autograd) and jax
(eager and jax.jit) are timed too when importable; they are optional. The table is printed and
written to ``benchmarks/results/bench_core.md`` (plus ``.json``, and ``.png`` with matplotlib).
"""
from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable
from pathlib import Path

# _timing pins the BLAS/OpenMP pools to one thread and puts the working tree first on sys.path,
# so it must load before numpy.
# isort: off
from _timing import (
    _fmt_us,
    check_same,
    cycles_left,
    limit_threads,
    load_jax,
    load_torch,
    log,
    log_profile_top,
    markdown_report,
    measure,
    note_load,
    parse_args,
    plot_ratios,
    run_environment,
    run_header,
    text_table,
    warn_blas_env,
    write_results,
)

import numpy as np

import functorch_lite as fl
import functorch_lite.numpy as jnp
# isort: on

N_CHAIN_BLOCKS = 5  # 5 blocks of 10 elementwise ops = 50 ops, then a sum


# ================================================================================================
# Workloads: the fl version, the hand-written numpy version, and the peers' versions
# ================================================================================================

# ---- 2/3: a chain of 50 elementwise ops -------------------------------------------------------
# One block is 10 primitive ops: sin, mul by x, cos, scale, exp (of values in [-0.5, 0.5]),
# tanh, add x, square (h * h), shift, tanh. Values stay bounded, so any number of blocks is safe.


def make_chain(m: object) -> Callable:
    """The chain written against a numpy-like module ``m`` (functorch_lite.numpy, jax.numpy,
    torch): ``sin, cos, exp, tanh, sum``."""
    sin, cos, exp, tanh, sum_ = m.sin, m.cos, m.exp, m.tanh, m.sum

    def chain(x):
        h = x
        for _ in range(N_CHAIN_BLOCKS):
            h = sin(h)
            h = h * x
            h = cos(h)
            h = h * 0.5
            h = exp(h)
            h = tanh(h)
            h = h + x
            h = h * h
            h = h - 0.3
            h = tanh(h)
        return sum_(h)

    return chain


def np_chain_value_and_grad(x: np.ndarray) -> tuple:
    """Hand-written numpy forward + backward of ``make_chain``: what one would write by hand."""
    saved = []
    h = x
    for _ in range(N_CHAIN_BLOCKS):
        a1 = np.sin(h)
        a2 = a1 * x
        a3 = np.cos(a2)
        a4 = a3 * 0.5
        a5 = np.exp(a4)
        a6 = np.tanh(a5)
        a7 = a6 + x
        a8 = a7 * a7
        a9 = a8 - 0.3
        a10 = np.tanh(a9)
        saved.append((h, a1, a2, a5, a6, a7, a10))
        h = a10
    value = np.sum(h)
    g = np.ones_like(h)
    gx = np.zeros_like(x)
    for h, a1, a2, a5, a6, a7, a10 in reversed(saved):
        g = g * (1.0 - a10 * a10)  # tanh; the shift passes g through
        g = g * (a7 + a7)  # h * h
        gx = gx + g  # h + x
        g = g * (1.0 - a6 * a6)  # tanh
        g = g * a5  # exp
        g = g * 0.5  # scale
        g = g * -np.sin(a2)  # cos
        gx = gx + g * a1  # h * x, with respect to x
        g = g * x  # h * x, with respect to h
        g = g * np.cos(h)  # sin
    return value, gx + g


# ---- 4: MLP softmax cross-entropy ---------------------------------------------------------------


def fl_mlp_loss(params: dict, x, y):
    h = jnp.maximum(x @ params["w1"] + params["b1"], 0.0)
    z = h @ params["w2"] + params["b2"]
    # Each library's own log_softmax, as its users write a softmax cross-entropy (optax and
    # torch's cross_entropy do the same); the numpy reference is the hand-written equivalent.
    return -jnp.mean(jnp.sum(y * fl.nn.log_softmax(z, axis=1), axis=1))


def np_mlp_value_and_grad(params: dict, x: np.ndarray, y: np.ndarray) -> tuple:
    """Hand-written numpy forward + backward of ``fl_mlp_loss``."""
    w1, b1, w2, b2 = params["w1"], params["b1"], params["w2"], params["b2"]
    batch = x.shape[0]
    pre = x @ w1 + b1
    h = np.maximum(pre, 0.0)
    z = h @ w2 + b2
    z = z - np.max(z, axis=1, keepdims=True)
    e = np.exp(z)
    s = np.sum(e, axis=1, keepdims=True)
    logp = z - np.log(s)
    value = -np.mean(np.sum(y * logp, axis=1))
    dz = (e / s - y) * (1.0 / batch)
    dh = (dz @ w2.T) * (pre > 0)
    grads = {"w1": x.T @ dh, "b1": dh.sum(0), "w2": h.T @ dz, "b2": dz.sum(0)}
    return value, grads


def make_data(seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    f32 = np.float32
    a = rng.uniform(-1.0, 1.0, 16).astype(f32)
    b = rng.uniform(-1.0, 1.0, 16).astype(f32)
    params = {
        "w1": (rng.standard_normal((784, 128)) / np.sqrt(784)).astype(f32),
        "b1": (0.01 * rng.standard_normal(128)).astype(f32),
        "w2": (rng.standard_normal((128, 10)) / np.sqrt(128)).astype(f32),
        "b2": (0.01 * rng.standard_normal(10)).astype(f32),
    }
    x = rng.standard_normal((64, 784)).astype(f32)
    y = np.eye(10, dtype=f32)[rng.integers(0, 10, 64)]
    return {"a": a, "b": b, "params": params, "x": x, "y": y}


# ================================================================================================
# Peers (optional)
# ================================================================================================


def torch_workloads(torch, d: dict) -> dict:
    t = {k: torch.from_numpy(d[k].copy()) for k in ("a", "b", "x", "y")}
    tp = {k: torch.from_numpy(v.copy()).requires_grad_() for k, v in d["params"].items()}
    names = list(tp)
    chain = make_chain(torch)
    a, b = t["a"], t["b"]

    def chain_vg():
        xa = a.detach().requires_grad_()
        v = chain(xa)
        (g,) = torch.autograd.grad(v, xa)
        return v.detach(), g

    def mlp_loss(p, x, y):
        h = torch.relu(x @ p["w1"] + p["b1"])
        z = h @ p["w2"] + p["b2"]
        return -torch.mean(torch.sum(y * torch.log_softmax(z, dim=1), dim=1))

    def mlp_vg():
        v = mlp_loss(tp, t["x"], t["y"])
        gs = torch.autograd.grad(v, [tp[k] for k in names])
        return v.detach(), dict(zip(names, gs))

    return {
        "add": lambda: a + b, "sin": lambda: torch.sin(a), "mul_scalar": lambda: a * 2.0,
        "chain_eager": chain_vg, "mlp_eager": mlp_vg,
    }


def jax_workloads(jax, jjnp, d: dict) -> dict:
    a, b = jjnp.asarray(d["a"]), jjnp.asarray(d["b"])
    x, y = jjnp.asarray(d["x"]), jjnp.asarray(d["y"])
    params = {k: jjnp.asarray(v) for k, v in d["params"].items()}
    block = jax.block_until_ready

    def mlp_loss(p, x, y):
        h = jjnp.maximum(x @ p["w1"] + p["b1"], 0.0)
        z = h @ p["w2"] + p["b2"]
        return -jjnp.mean(jjnp.sum(y * jax.nn.log_softmax(z, axis=1), axis=1))

    chain_vg = jax.value_and_grad(make_chain(jjnp))
    chain_vg_jit = jax.jit(chain_vg)
    mlp_vg = jax.value_and_grad(mlp_loss)
    mlp_vg_jit = jax.jit(mlp_vg)
    return {
        "add": lambda: block(a + b), "sin": lambda: block(jjnp.sin(a)),
        "mul_scalar": lambda: block(a * 2.0),
        "chain_eager": lambda: block(chain_vg(a)), "chain_jit": lambda: block(chain_vg_jit(a)),
        "mlp_eager": lambda: block(mlp_vg(params, x, y)),
        "mlp_jit": lambda: block(mlp_vg_jit(params, x, y)),
    }


# ================================================================================================
# The benchmarks
# ================================================================================================

# (key, label, kind, target): kind "overhead" compares absolute µs, "ratio" compares ratios.
BENCHMARKS = [
    ("add", "1. eager `x + y` (f32[16])", "overhead", 3.0),
    ("sin", "1. eager `jnp.sin(x)` (f32[16])", "overhead", 3.0),
    ("mul_scalar", "1. eager `x * 2.0` (f32[16])", "overhead", 3.0),
    ("chain_eager", "2. value_and_grad, 50-op chain (f32[16]), eager", "ratio", 4.0),
    ("chain_jit", "3. jit(value_and_grad), 50-op chain (f32[16])", "ratio", 2.0),
    ("mlp_eager", "4. value_and_grad, MLP 784-128-10 xent (B=64), eager", "ratio", 1.5),
    ("mlp_jit", "4. jit(value_and_grad), MLP 784-128-10 xent (B=64)", "ratio", 1.15),
]


def build(d: dict) -> tuple[dict, dict]:
    """(numpy candidates, fl candidates), keyed like BENCHMARKS."""
    a, b = d["a"], d["b"]
    A, B = jnp.asarray(a), jnp.asarray(b)
    P = {k: jnp.asarray(v) for k, v in d["params"].items()}
    X, Y = jnp.asarray(d["x"]), jnp.asarray(d["y"])
    params, x, y = d["params"], d["x"], d["y"]

    chain_vg = fl.value_and_grad(make_chain(jnp))
    chain_vg_jit = fl.jit(fl.value_and_grad(make_chain(jnp)))
    mlp_vg = fl.value_and_grad(fl_mlp_loss)
    mlp_vg_jit = fl.jit(fl.value_and_grad(fl_mlp_loss))

    numpy_fns = {
        "add": lambda: a + b, "sin": lambda: np.sin(a), "mul_scalar": lambda: a * 2.0,
        "chain_eager": lambda: np_chain_value_and_grad(a),
        "chain_jit": lambda: np_chain_value_and_grad(a),
        "mlp_eager": lambda: np_mlp_value_and_grad(params, x, y),
        "mlp_jit": lambda: np_mlp_value_and_grad(params, x, y),
    }
    fl_fns = {
        "add": lambda: A + B, "sin": lambda: jnp.sin(A), "mul_scalar": lambda: A * 2.0,
        "chain_eager": lambda: chain_vg(A), "chain_jit": lambda: chain_vg_jit(A),
        "mlp_eager": lambda: mlp_vg(P, X, Y), "mlp_jit": lambda: mlp_vg_jit(P, X, Y),
    }
    return numpy_fns, fl_fns


def verify(numpy_fns: dict, fl_fns: dict, peers: dict) -> None:
    log("checking that hand-written numpy and functorch_lite compute the same thing ...")
    for key, _, kind, _ in BENCHMARKS:
        ref = numpy_fns[key]()
        if kind == "overhead":
            ref, got = (ref, ref), (fl_fns[key](), fl_fns[key]())
        else:
            got = fl_fns[key]()
        check_same(f"functorch_lite {key}", ref, got, strict=True)
        for peer, fns in peers.items():
            if key in fns:
                out = fns[key]()
                pg = (out, out) if kind == "overhead" else out
                if not check_same(f"{peer} {key}", ref, pg, strict=False):
                    log(f"  ({peer} {key} is still timed, but its ratio is marked '!')")
    log("  ok: values and gradients agree (rtol 2e-4, atol 2e-5)")


def run(args: argparse.Namespace) -> list[dict]:
    d = make_data()
    numpy_fns, fl_fns = build(d)
    peers: dict[str, dict] = {}
    if not args.no_peers:
        log("looking for optional peers ...")
        torch = load_torch()
        if torch is not None:
            peers["torch"] = torch_workloads(torch, d)
        jx = load_jax()
        if jx is not None:
            peers["jax"] = jax_workloads(*jx, d)
    verify(numpy_fns, fl_fns, peers)
    cycles = cycles_left(fl_fns)
    leaky = {k: n for k, n in cycles.items() if n}
    if leaky:
        log("  NOTE: objects left in reference cycles per fl call (freed only by the cyclic GC): "
            + ", ".join(f"{k}={n}" for k, n in leaky.items()))

    rows = []
    for key, label, kind, target in BENCHMARKS:
        log(f"timing {label} ...")
        cands = {"numpy": numpy_fns[key], "fl": fl_fns[key]}
        for peer, fns in peers.items():
            if key in fns:
                cands[peer] = fns[key]
        res = measure(cands, args.repeat, args.min_time)
        np_t, fl_t = res["numpy"]["median"], res["fl"]["median"]
        row = {
            "key": key, "label": label, "kind": kind, "target": target,
            "numpy_us": np_t * 1e6, "fl_us": fl_t * 1e6, "ratio": fl_t / np_t,
            "overhead_us": (fl_t - np_t) * 1e6, "timings": res, "peers": {},
            # the ratio of the fastest repeats: less sensitive to a busy machine
            "best_ratio": res["fl"]["min"] / res["numpy"]["min"],
        }
        value = row["overhead_us"] if kind == "overhead" else row["ratio"]
        row["pass"] = value <= target
        for peer in peers:
            if peer in res:
                pt = res[peer]["median"]
                row["peers"][peer] = {"us": pt * 1e6, "ratio": pt / np_t,
                                      "overhead_us": (pt - np_t) * 1e6}
        log(f"  numpy {np_t * 1e6:10.2f} µs | fl {fl_t * 1e6:10.2f} µs | ratio "
            f"{row['ratio']:6.2f}x" + (f" | overhead {row['overhead_us']:.2f} µs"
                                       if kind == "overhead" else "")
            + "".join(f" | {p} {v['ratio']:.2f}x" for p, v in row["peers"].items()))
        row["fl_cycle_objects_per_call"] = cycles.get(key, 0)
        rows.append(row)
    return rows


# ================================================================================================
# Reporting
# ================================================================================================

PEER_COLUMNS = [("torch", "torch eager"), ("jax", "jax (same mode)")]


def table(rows: list[dict]) -> list[list[str]]:
    head = ["benchmark", "numpy µs", "fl µs", "fl / numpy", "target", "pass", "best-of"]
    head += [h for _, h in PEER_COLUMNS]
    out = [head]
    for r in rows:
        if r["kind"] == "overhead":
            res = f"{r['ratio']:.2f}x (+{r['overhead_us']:.2f} µs)"
            tgt = f"≤ +{r['target']:g} µs"
        else:
            res = f"{r['ratio']:.2f}x"
            tgt = f"≤ {r['target']:g}x"
        line = [r["label"], _fmt_us(r["numpy_us"]), _fmt_us(r["fl_us"]), res, tgt,
                "PASS" if r["pass"] else "FAIL", f"{r['best_ratio']:.2f}x"]
        for peer, _ in PEER_COLUMNS:
            p = r["peers"].get(peer)
            if p is None:
                line.append("—")
            elif r["kind"] == "overhead":
                line.append(f"{p['ratio']:.2f}x (+{p['overhead_us']:.2f} µs)")
            else:
                line.append(f"{p['ratio']:.2f}x")
        out.append(line)
    return out


def markdown(cells: list[list[str]], env: dict, args: argparse.Namespace) -> str:
    intro = run_header("# functorch_lite core benchmarks", env, args)
    intro += ["Ratios are time divided by the hand-written numpy time measured in the same run. "
              "Peers: torch is eager autograd; jax is eager `jax.value_and_grad` on eager rows "
              "and `jax.jit` on jit rows.", ""]
    return markdown_report(intro, cells, env)


def plot(rows: list[dict], path: Path) -> bool:
    # an overhead row's target is absolute µs: drawn as the ratio it allows on that row
    targets = [r["target"] if r["kind"] == "ratio" else 1 + r["target"] / r["numpy_us"]
               for r in rows]
    return plot_ratios(rows, [p for p, _ in PEER_COLUMNS], targets, path,
                       title="functorch_lite vs numpy (dashed: target)", figsize=(11, 5),
                       rotation=20)


# ================================================================================================
# Profiling (--profile): where fl's eager time goes
# ================================================================================================


def profile(top: int) -> None:
    import cProfile
    import pstats

    d = make_data()
    _, fl_fns = build(d)
    for key, calls in (("chain_eager", 2000), ("mlp_eager", 300)):
        fn = fl_fns[key]
        for _ in range(5):
            fn()
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(calls):
            fn()
        prof.disable()
        stats = pstats.Stats(prof)
        total = stats.total_tt
        log(f"\n== cProfile of fl {key} ({calls} calls, {total / calls * 1e6:.1f} µs/call "
            "under the profiler): top functions by own time ==")
        phases = {"chain": "forward (user function, taping)", "fl_mlp_loss":
                  "forward (user function, taping)", "backward": "backward (VJP rules)",
                  "value_and_grad_f": "whole value_and_grad call"}
        for (_file, _line, func), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():
            if func in phases:
                log(f"  {phases[func]:34s} {100 * ct / total:5.1f} % ({func})")
        log("  (numpy ufunc kernels are invisible to cProfile: their time counts as the own "
            "time of the Python function that calls them, mostly eval_apply)")
        log_profile_top(stats, calls, top)


# ================================================================================================


def main(argv: list[str] | None = None) -> int:
    args = parse_args(__doc__.split("\n\n")[0], argv, min_time=0.2, top=25,
                      profile_help="print cProfile hotspots of fl's eager benchmarks 2 and 4, "
                                   "then exit")
    limits = limit_threads()
    if args.profile:
        profile(args.top)
        return 0

    warn_blas_env()
    load_before = note_load()
    rows = run(args)
    env = run_environment(load_before, limits)
    log("\nBLAS in use:")
    for b in env["blas"] if isinstance(env["blas"], list) else [env["blas"]]:
        log(f"  {b}")

    cells = table(rows)
    log("\n" + text_table(cells) + "\n")
    n_fail = sum(not r["pass"] for r in rows)
    log(f"{len(rows) - n_fail}/{len(rows)} targets met")
    write_results("bench_core", markdown(cells, env, args), env, args, rows,
                  lambda path: plot(rows, path))
    gc.collect()
    return 0


if __name__ == "__main__":
    sys.exit(main())
