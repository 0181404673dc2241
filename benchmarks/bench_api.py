"""API-breadth benchmarks: per-example gradients with vmap(grad), and a scanned LSTM trained
through jit(value_and_grad), each against hand-written numpy doing the same computation.

Run it on one thread, from the repository root:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
        MKL_NUM_THREADS=1 python benchmarks/bench_api.py

Options: ``--quick`` for a fast smoke run, ``--profile`` to print where fl's time goes (cProfile
of the eager benchmarks, and a per-line timing of the code that jit generates), ``--no-peers``
to skip torch/jax, ``--repeat N`` and ``--min-time S`` to tune the timing.

What is measured (every number is a ratio to a reference timed in the same run, interleaved):

1. per-example gradients of a 64-128-10 ReLU MLP's softmax cross-entropy (written with
   ``fl.nn.log_softmax``) at batch 256, float32: ``fl.vmap(fl.grad(loss), in_axes=(None, 0, 0))``
   eager and under ``fl.jit``, against hand-vectorised numpy (the forward pass on the batch, then
   the per-example weight gradients as batched outer products with ``np.einsum``): target at most
   1.3x. And eager vmap against a Python loop calling ``fl.grad(loss)`` on each of the 256
   examples: target at least 20x faster.
2. ``fl.jit(fl.value_and_grad(loss))`` where ``loss`` runs a 2-layer LSTM (input 64, hidden 128,
   batch 32) over 50 steps with ``lax.scan`` and takes the mean squared error of a linear readout
   (16 outputs) of every step, against hand-written numpy forward + backpropagation through time
   (per step, saving the gates): target at most 1.5x. Eager ``value_and_grad`` for information.

Before timing, the numpy results are checked against functorch_lite's (eager and jit) and the
peers'. torch (``torch.func`` / eager autograd) and jax (eager and ``jax.jit``) are timed when
importable. The table is printed and written to ``benchmarks/results/bench_api.md`` (plus
``.json``, and ``.png`` with matplotlib).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

# _timing pins the BLAS/OpenMP pools to one thread, so it must load before numpy.
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
from functorch_lite import lax
# isort: on

F32 = np.float32
# benchmark 1: MLP sizes and batch
PE_IN, PE_HIDDEN, PE_CLASSES, PE_BATCH = 64, 128, 10, 256
# benchmark 2: sequence length, batch, input, hidden, readout sizes
T, B, N_IN, N_H, N_OUT = 50, 32, 64, 128, 16


# ================================================================================================
# 1. Per-example gradients
# ================================================================================================


def fl_example_loss(params: dict, x, y):
    """Softmax cross-entropy of ONE example (x: f32[64], y: one-hot f32[10])."""
    h = fl.nn.relu(x @ params["w1"] + params["b1"])
    z = h @ params["w2"] + params["b2"]
    return -jnp.sum(y * fl.nn.log_softmax(z))


def np_per_example_grads(params: dict, x: np.ndarray, y: np.ndarray) -> dict:
    """Hand-vectorised numpy: the batch's forward pass, then each example's gradients at once.
    ``np.einsum('bi,bj->bij')`` is the fastest numpy batched outer product here (faster than
    broadcasting ``x[:, :, None] * d[:, None, :]`` or a k=1 ``np.matmul``)."""
    w1, b1, w2, b2 = params["w1"], params["b1"], params["w2"], params["b2"]
    pre = x @ w1 + b1
    h = np.maximum(pre, 0.0)
    z = h @ w2 + b2
    e = np.exp(z - z.max(axis=1, keepdims=True))
    softmax = e / e.sum(axis=1, keepdims=True)
    dz = softmax * y.sum(axis=1, keepdims=True) - y  # d(-sum(y * log_softmax(z)))/dz
    dh = (dz @ w2.T) * (pre > 0)
    return {"w1": np.einsum("bi,bj->bij", x, dh), "b1": dh,
            "w2": np.einsum("bi,bj->bij", h, dz), "b2": dz}


def make_pe_data(seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    params = {
        "w1": (rng.standard_normal((PE_IN, PE_HIDDEN)) / np.sqrt(PE_IN)).astype(F32),
        "b1": (0.01 * rng.standard_normal(PE_HIDDEN)).astype(F32),
        "w2": (rng.standard_normal((PE_HIDDEN, PE_CLASSES)) / np.sqrt(PE_HIDDEN)).astype(F32),
        "b2": (0.01 * rng.standard_normal(PE_CLASSES)).astype(F32),
    }
    x = rng.standard_normal((PE_BATCH, PE_IN)).astype(F32)
    y = np.eye(PE_CLASSES, dtype=F32)[rng.integers(0, PE_CLASSES, PE_BATCH)]
    return {"params": params, "x": x, "y": y}


# ================================================================================================
# 2. A 2-layer LSTM scanned over a sequence
# ================================================================================================
# Parameters: per layer k (1, 2) wx{k}: f32[n_in, 4H], wh{k}: f32[H, 4H], b{k}: f32[4H] with the
# gates in the order input, forget, cell, output; then the readout w_out: f32[H, 16], b_out.


def fl_lstm_cell(wx, wh, b, h, c, x):
    z = x @ wx + h @ wh + b
    i, f, g, o = jnp.split(z, 4, axis=-1)
    c = fl.nn.sigmoid(f) * c + fl.nn.sigmoid(i) * jnp.tanh(g)
    return fl.nn.sigmoid(o) * jnp.tanh(c), c


def fl_lstm_loss(p: dict, xs, targets):
    """Mean squared error of the readout of the top layer's state at every step."""
    def step(carry, x):
        h1, c1, h2, c2 = carry
        h1, c1 = fl_lstm_cell(p["wx1"], p["wh1"], p["b1"], h1, c1, x)
        h2, c2 = fl_lstm_cell(p["wx2"], p["wh2"], p["b2"], h2, c2, h1)
        return (h1, c1, h2, c2), h2

    zero = jnp.zeros((xs.shape[1], N_H), xs.dtype)
    _, hs = lax.scan(step, (zero, zero, zero, zero), xs)
    err = hs @ p["w_out"] + p["b_out"] - targets
    return 0.5 * jnp.mean(err * err)


def _np_sigmoid(v: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-v))


def np_lstm_value_and_grad(p: dict, xs: np.ndarray, targets: np.ndarray) -> tuple:
    """Hand-written numpy forward + backpropagation through time of ``fl_lstm_loss``: the
    forward loop saves each step's gates, the backward loop applies the chain rule per step and
    accumulates the weight gradients (the same per-step matmuls fl's scan does)."""
    steps, batch, _ = xs.shape
    nh = N_H

    def cell(k, h, c, x):
        z = x @ p[f"wx{k}"] + h @ p[f"wh{k}"] + p[f"b{k}"]
        i, f = _np_sigmoid(z[:, :nh]), _np_sigmoid(z[:, nh:2 * nh])
        g, o = np.tanh(z[:, 2 * nh:3 * nh]), _np_sigmoid(z[:, 3 * nh:])
        c_new = f * c + i * g
        tc = np.tanh(c_new)
        return o * tc, c_new, (x, h, c, i, f, g, o, tc)

    h1 = c1 = h2 = c2 = np.zeros((batch, nh), xs.dtype)
    saved = []
    hs = np.empty((steps, batch, nh), xs.dtype)
    for t in range(steps):
        h1, c1, s1 = cell(1, h1, c1, xs[t])
        h2, c2, s2 = cell(2, h2, c2, h1)
        saved.append((s1, s2))
        hs[t] = h2
    err = hs @ p["w_out"] + p["b_out"] - targets
    value = 0.5 * np.mean(err * err)

    d_err = err * (1.0 / err.size)
    grads = {"w_out": hs.reshape(-1, nh).T @ d_err.reshape(-1, N_OUT),
             "b_out": d_err.sum(axis=(0, 1))}
    for k in (1, 2):
        for name in ("wx", "wh", "b"):
            grads[f"{name}{k}"] = np.zeros_like(p[f"{name}{k}"])
    d_hs = d_err @ p["w_out"].T

    def cell_back(k, s, dh, dc):
        x, h, c, i, f, g, o, tc = s
        dc = dc + dh * o * (1.0 - tc * tc)
        dz = np.concatenate([dc * g * i * (1.0 - i), dc * c * f * (1.0 - f),
                             dc * i * (1.0 - g * g), dh * tc * o * (1.0 - o)], axis=1)
        grads[f"wx{k}"] += x.T @ dz
        grads[f"wh{k}"] += h.T @ dz
        grads[f"b{k}"] += dz.sum(axis=0)
        return dz @ p[f"wx{k}"].T, dz @ p[f"wh{k}"].T, dc * f

    dh1 = dc1 = dh2 = dc2 = np.zeros((batch, nh), xs.dtype)
    for t in range(steps - 1, -1, -1):
        s1, s2 = saved[t]
        dx2, dh2, dc2 = cell_back(2, s2, dh2 + d_hs[t], dc2)
        _, dh1, dc1 = cell_back(1, s1, dh1 + dx2, dc1)
    return value, grads


def make_lstm_data(seed: int = 1) -> dict:
    rng = np.random.default_rng(seed)
    params = {}
    for k, n_in in ((1, N_IN), (2, N_H)):
        params[f"wx{k}"] = (rng.standard_normal((n_in, 4 * N_H)) / np.sqrt(n_in)).astype(F32)
        params[f"wh{k}"] = (rng.standard_normal((N_H, 4 * N_H)) / np.sqrt(N_H)).astype(F32)
        params[f"b{k}"] = (0.1 * rng.standard_normal(4 * N_H)).astype(F32)
    params["w_out"] = (rng.standard_normal((N_H, N_OUT)) / np.sqrt(N_H)).astype(F32)
    params["b_out"] = np.zeros(N_OUT, F32)
    xs = rng.standard_normal((T, B, N_IN)).astype(F32)
    targets = rng.standard_normal((T, B, N_OUT)).astype(F32)
    return {"params": params, "xs": xs, "targets": targets}


# ================================================================================================
# Peers (optional)
# ================================================================================================


def torch_workloads(torch, pe: dict, ls: dict) -> dict:
    import torch.nn.functional as tf

    tp = {k: torch.from_numpy(v.copy()) for k, v in pe["params"].items()}
    tx, ty = torch.from_numpy(pe["x"].copy()), torch.from_numpy(pe["y"].copy())

    def example_loss(p, x, y):
        h = torch.relu(x @ p["w1"] + p["b1"])
        return -torch.sum(y * tf.log_softmax(h @ p["w2"] + p["b2"], dim=-1))

    pe_vmap = torch.func.vmap(torch.func.grad(example_loss), in_dims=(None, 0, 0))

    lp = {k: torch.from_numpy(v.copy()).requires_grad_() for k, v in ls["params"].items()}
    names = list(lp)
    txs, ttg = torch.from_numpy(ls["xs"].copy()), torch.from_numpy(ls["targets"].copy())

    def cell(k, h, c, x):
        z = x @ lp[f"wx{k}"] + h @ lp[f"wh{k}"] + lp[f"b{k}"]
        i, f, g, o = torch.chunk(z, 4, dim=-1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        return torch.sigmoid(o) * torch.tanh(c), c

    def lstm_vg():
        h1 = c1 = h2 = c2 = torch.zeros(B, N_H)
        hs = []
        for t in range(T):
            h1, c1 = cell(1, h1, c1, txs[t])
            h2, c2 = cell(2, h2, c2, h1)
            hs.append(h2)
        err = torch.stack(hs) @ lp["w_out"] + lp["b_out"] - ttg
        v = 0.5 * torch.mean(err * err)
        gs = torch.autograd.grad(v, [lp[k] for k in names])
        return v.detach(), dict(zip(names, gs))

    return {"pe_vmap": lambda: pe_vmap(tp, tx, ty), "lstm_eager": lstm_vg}


def jax_workloads(jax, jjnp, pe: dict, ls: dict) -> dict:
    block = jax.block_until_ready
    jp = {k: jjnp.asarray(v) for k, v in pe["params"].items()}
    jx, jy = jjnp.asarray(pe["x"]), jjnp.asarray(pe["y"])

    def example_loss(p, x, y):
        h = jax.nn.relu(x @ p["w1"] + p["b1"])
        return -jjnp.sum(y * jax.nn.log_softmax(h @ p["w2"] + p["b2"]))

    pe_vmap = jax.vmap(jax.grad(example_loss), in_axes=(None, 0, 0))
    pe_jit = jax.jit(pe_vmap)

    lp = {k: jjnp.asarray(v) for k, v in ls["params"].items()}
    jxs, jtg = jjnp.asarray(ls["xs"]), jjnp.asarray(ls["targets"])

    def cell(p, k, h, c, x):
        z = x @ p[f"wx{k}"] + h @ p[f"wh{k}"] + p[f"b{k}"]
        i, f, g, o = jjnp.split(z, 4, axis=-1)
        c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jjnp.tanh(g)
        return jax.nn.sigmoid(o) * jjnp.tanh(c), c

    def lstm_loss(p, xs, targets):
        def step(carry, x):
            h1, c1, h2, c2 = carry
            h1, c1 = cell(p, 1, h1, c1, x)
            h2, c2 = cell(p, 2, h2, c2, h1)
            return (h1, c1, h2, c2), h2

        zero = jjnp.zeros((xs.shape[1], N_H), xs.dtype)
        _, hs = jax.lax.scan(step, (zero, zero, zero, zero), xs)
        err = hs @ p["w_out"] + p["b_out"] - targets
        return 0.5 * jjnp.mean(err * err)

    lstm_vg = jax.value_and_grad(lstm_loss)
    lstm_jit = jax.jit(lstm_vg)
    return {
        "pe_vmap": lambda: block(pe_vmap(jp, jx, jy)), "pe_jit": lambda: block(pe_jit(jp, jx, jy)),
        "lstm_jit": lambda: block(lstm_jit(lp, jxs, jtg)),
        "lstm_eager": lambda: block(lstm_vg(lp, jxs, jtg)),
    }


# ================================================================================================
# The benchmarks
# ================================================================================================

# (key, label, kind, target). kind "ratio": fl time / hand-written numpy time, at most target;
# "speedup": the reference is a Python loop of eager fl.grad, fl (eager vmap) must be at least
# target times faster; "info": no target.
BENCHMARKS = [
    ("pe_vmap", "1a. vmap(grad) per-example grads, MLP 64-128-10 (B=256), eager", "ratio", 1.3),
    ("pe_jit", "1b. jit(vmap(grad)) per-example grads, MLP 64-128-10 (B=256)", "ratio", 1.3),
    ("pe_loop", "1c. eager vmap(grad) vs a Python loop of grad over the 256 examples", "speedup",
     20.0),
    ("lstm_jit", "2. jit(value_and_grad), lax.scan 2-layer LSTM 64-128 (T=50, B=32)", "ratio",
     1.5),
    ("lstm_eager", "2. value_and_grad, the same LSTM, eager (information)", "info", None),
]


def build(pe: dict, ls: dict) -> tuple[dict, dict]:
    """(reference candidates, fl candidates), keyed like BENCHMARKS."""
    params, x, y = pe["params"], pe["x"], pe["y"]
    P = {k: jnp.asarray(v) for k, v in params.items()}
    X, Y = jnp.asarray(x), jnp.asarray(y)
    # the loop gets its examples sliced in advance: only the grad calls are timed
    examples = [(jnp.asarray(x[i]), jnp.asarray(y[i])) for i in range(len(x))]
    lp, xs, tg = ls["params"], ls["xs"], ls["targets"]
    LP = {k: jnp.asarray(v) for k, v in lp.items()}
    XS, TG = jnp.asarray(xs), jnp.asarray(tg)

    pe_vmap = fl.vmap(fl.grad(fl_example_loss), in_axes=(None, 0, 0))
    pe_jit = fl.jit(fl.vmap(fl.grad(fl_example_loss), in_axes=(None, 0, 0)))
    grad_one = fl.grad(fl_example_loss)
    lstm_vg = fl.value_and_grad(fl_lstm_loss)
    lstm_jit = fl.jit(fl.value_and_grad(fl_lstm_loss))

    def loop():
        return [grad_one(P, xi, yi) for xi, yi in examples]

    ref_fns = {
        "pe_vmap": lambda: np_per_example_grads(params, x, y),
        "pe_jit": lambda: np_per_example_grads(params, x, y),
        "pe_loop": loop,
        "lstm_jit": lambda: np_lstm_value_and_grad(lp, xs, tg),
        "lstm_eager": lambda: np_lstm_value_and_grad(lp, xs, tg),
    }
    fl_fns = {
        "pe_vmap": lambda: pe_vmap(P, X, Y), "pe_jit": lambda: pe_jit(P, X, Y),
        "pe_loop": lambda: pe_vmap(P, X, Y),
        "lstm_jit": lambda: lstm_jit(LP, XS, TG), "lstm_eager": lambda: lstm_vg(LP, XS, TG),
    }
    return ref_fns, fl_fns


def _grads_only(grads: dict) -> tuple:
    # check_same compares (value, grads) pairs; per-example gradients have no value to compare
    return 0.0, grads


def _stack_loop(per_example: list) -> dict:
    return {k: np.stack([np.asarray(g[k]) for g in per_example]) for k in per_example[0]}


def verify(ref_fns: dict, fl_fns: dict, peers: dict) -> None:
    log("checking that hand-written numpy and functorch_lite compute the same thing ...")
    pe_ref = _grads_only(ref_fns["pe_vmap"]())
    check_same("functorch_lite eager vmap(grad)", pe_ref, _grads_only(fl_fns["pe_vmap"]()),
               strict=True)
    check_same("functorch_lite jit(vmap(grad))", pe_ref, _grads_only(fl_fns["pe_jit"]()),
               strict=True)
    loop_grads = _stack_loop(ref_fns["pe_loop"]())
    check_same("functorch_lite loop of grad", pe_ref, _grads_only(loop_grads), strict=True)
    lstm_ref = ref_fns["lstm_jit"]()
    check_same("functorch_lite jit(value_and_grad(lstm))", lstm_ref, fl_fns["lstm_jit"](),
               strict=True)
    check_same("functorch_lite value_and_grad(lstm)", lstm_ref, fl_fns["lstm_eager"](),
               strict=True)
    for peer, fns in peers.items():
        for key, fn in fns.items():
            ref, got = (pe_ref, _grads_only(fn())) if key.startswith("pe") else (lstm_ref, fn())
            if not check_same(f"{peer} {key}", ref, got, strict=False):
                log(f"  ({peer} {key} is still timed)")
    log("  ok: values and gradients agree (rtol 2e-4, atol 2e-5)")


def run(args: argparse.Namespace) -> list[dict]:
    pe, ls = make_pe_data(), make_lstm_data()
    ref_fns, fl_fns = build(pe, ls)
    peers: dict[str, dict] = {}
    if not args.no_peers:
        log("looking for optional peers ...")
        torch = load_torch()
        if torch is not None:
            peers["torch"] = torch_workloads(torch, pe, ls)
        jx = load_jax()
        if jx is not None:
            peers["jax"] = jax_workloads(*jx, pe, ls)
    verify(ref_fns, fl_fns, peers)
    cycles = cycles_left({k: fl_fns[k] for k in ("pe_vmap", "pe_jit", "lstm_jit")})
    leaky = {k: n for k, n in cycles.items() if n}
    if leaky:
        log("  NOTE: objects left in reference cycles per fl call (freed only by the cyclic GC): "
            + ", ".join(f"{k}={n}" for k, n in leaky.items()))

    rows = []
    for key, label, kind, target in BENCHMARKS:
        log(f"timing {label} ...")
        cands = {"ref": ref_fns[key], "fl": fl_fns[key]}
        for peer, fns in peers.items():
            if key in fns:
                cands[peer] = fns[key]
        res = measure(cands, args.repeat, args.min_time)
        ref_t, fl_t = res["ref"]["median"], res["fl"]["median"]
        row = {
            "key": key, "label": label, "kind": kind, "target": target,
            "ref_us": ref_t * 1e6, "fl_us": fl_t * 1e6, "ratio": fl_t / ref_t,
            "best_ratio": res["fl"]["min"] / res["ref"]["min"], "timings": res, "peers": {},
            "fl_cycle_objects_per_call": cycles.get(key, 0),
        }
        if kind == "ratio":
            row["pass"] = row["ratio"] <= target
        elif kind == "speedup":
            row["pass"] = 1.0 / row["ratio"] >= target
        else:
            row["pass"] = None
        for peer in peers:
            if peer in res:
                pt = res[peer]["median"]
                row["peers"][peer] = {"us": pt * 1e6, "ratio": pt / ref_t}
        log(f"  reference {ref_t * 1e6:10.1f} µs | fl {fl_t * 1e6:10.1f} µs | "
            + (f"{1 / row['ratio']:.1f}x faster" if kind == "speedup" else
               f"ratio {row['ratio']:.2f}x")
            + "".join(f" | {p} {v['ratio']:.2f}x" for p, v in row["peers"].items()))
        rows.append(row)
    return rows


# ================================================================================================
# Reporting
# ================================================================================================

PEER_COLUMNS = [("torch", "torch"), ("jax", "jax (same mode)")]


def _result(kind: str, ratio: float) -> str:
    return f"{1 / ratio:.1f}x faster" if kind == "speedup" else f"{ratio:.2f}x"


def table(rows: list[dict]) -> list[list[str]]:
    head = ["benchmark", "reference µs", "fl µs", "fl / reference", "target", "pass", "best-of"]
    head += [h for _, h in PEER_COLUMNS]
    out = [head]
    for r in rows:
        tgt = {"ratio": "≤ {:g}x", "speedup": "≥ {:g}x faster", "info": "—"}[r["kind"]]
        tgt = tgt.format(r["target"])
        ok = "—" if r["pass"] is None else ("PASS" if r["pass"] else "FAIL")
        line = [r["label"], _fmt_us(r["ref_us"]), _fmt_us(r["fl_us"]),
                _result(r["kind"], r["ratio"]), tgt, ok, _result(r["kind"], r["best_ratio"])]
        for peer, _ in PEER_COLUMNS:
            p = r["peers"].get(peer)
            line.append("—" if p is None else f"{p['ratio']:.2f}x")
        out.append(line)
    return out


def markdown(cells: list[list[str]], env: dict, args: argparse.Namespace) -> str:
    intro = run_header("# functorch_lite API benchmarks (vmap of grad, scan under jit of grad)",
                       env, args)
    intro += ["The reference is hand-written numpy computing the same thing, timed in the same "
              "run, except on row 1c, where it is a Python loop calling eager `fl.grad` per "
              "example. Peers' ratios are to the same reference: torch is "
              "`torch.func.vmap(grad)` on row 1a and eager autograd on the eager LSTM row; jax is "
              "eager on eager rows and `jax.jit` on jit rows.", ""]
    return markdown_report(intro, cells, env)


def plot(rows: list[dict], path: Path) -> bool:
    rows = [r for r in rows if r["kind"] != "speedup"]  # a different reference; in the table
    return plot_ratios(rows, [p for p, _ in PEER_COLUMNS], [r["target"] for r in rows], path,
                       title="functorch_lite vs numpy: vmap(grad) and scan (dashed: target)",
                       figsize=(10, 5), rotation=15)


# ================================================================================================
# Profiling (--profile)
# ================================================================================================


class LineTimer:
    """Times every line of the Python that jit generates (the top-level program and each loop
    body): while active, the lowering returns an instrumented copy of each function, which adds
    the wall time of each generated line to a counter. A line that calls a loop body includes
    the body's time; the body's own lines are listed separately."""

    def __init__(self) -> None:
        self.programs: list[tuple[str, list[str], list[float], list[int]]] = []

    def __enter__(self) -> LineTimer:
        from functorch_lite._src import jit as jit_mod
        from functorch_lite._src.prims import control as control_mod

        self._mods = [(m, m.lower) for m in (jit_mod, control_mod)]
        original = jit_mod.lower
        for m, _ in self._mods:
            m.lower = lambda jaxpr, xp, name="jitted": self._instrument(original(jaxpr, xp, name))
        return self

    def __exit__(self, *exc: object) -> None:
        for m, f in self._mods:
            m.lower = f

    def _instrument(self, lowered: tuple) -> tuple:
        fn, source, consts = lowered
        src_lines = source.splitlines()
        timed, labels = [], []
        for line in src_lines:
            if " = " in line and line.startswith("    ") and not line.lstrip().startswith("#"):
                k = len(labels)
                labels.append(line.strip())
                timed += ["    _t0 = _pc()", line, f"    _T[{k}] += _pc() - _t0",
                          f"    _N[{k}] += 1"]
            else:
                timed.append(line)
        totals, counts = [0.0] * len(labels), [0] * len(labels)
        namespace = dict(fn.__globals__, _pc=time.perf_counter, _T=totals, _N=counts)
        exec(compile("\n".join(timed) + "\n", f"<line-timed {fn.__name__}>", "exec"), namespace)
        self.programs.append((fn.__name__, labels, totals, counts))
        return namespace[fn.__name__], source, consts

    def report(self, calls: int, top: int) -> None:
        grand = sum(sum(t) for name, _, t, _ in self.programs if not name.startswith("body"))
        for name, labels, totals, counts in self.programs:
            total = sum(totals)
            log(f"\n-- {name}: {total / calls * 1e6:,.0f} µs per call of the jitted function "
                f"({100 * total / max(grand, 1e-12):.0f} % of the top-level program's time)")
            order = sorted(range(len(labels)), key=lambda k: -totals[k])[:top]
            log(f"{'µs/call':>9} {'%':>5} {'runs/call':>9}  line")
            for k in order:
                line = labels[k] if len(labels[k]) <= 150 else labels[k][:147] + "..."
                log(f"{totals[k] / calls * 1e6:9.1f} {100 * totals[k] / max(total, 1e-12):5.1f} "
                    f"{counts[k] / calls:9.0f}  {line}")


def profile(top: int) -> None:
    import cProfile
    import pstats

    pe, ls = make_pe_data(), make_lstm_data()
    _, fl_fns = build(pe, ls)
    for key, calls in (("pe_vmap", 100), ("lstm_eager", 5)):
        fn = fl_fns[key]
        for _ in range(2):
            fn()
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(calls):
            fn()
        prof.disable()
        stats = pstats.Stats(prof)
        total = stats.total_tt
        log(f"\n== cProfile of fl {key} ({calls} calls, {total / calls * 1e6:,.0f} µs/call "
            "under the profiler): top functions by own time ==")
        log("  (numpy ufuncs and the @ operator are invisible to cProfile: their time counts as "
            "the own time of the Python function that calls them)")
        log_profile_top(stats, calls, top)

    P = {k: jnp.asarray(v) for k, v in pe["params"].items()}
    X, Y = jnp.asarray(pe["x"]), jnp.asarray(pe["y"])
    LP = {k: jnp.asarray(v) for k, v in ls["params"].items()}
    XS, TG = jnp.asarray(ls["xs"]), jnp.asarray(ls["targets"])
    jobs = [("jit(vmap(grad)) per-example MLP", fl.vmap(fl.grad(fl_example_loss),
                                                         in_axes=(None, 0, 0)), (P, X, Y), 100),
            ("jit(value_and_grad) scanned LSTM", fl.value_and_grad(fl_lstm_loss), (LP, XS, TG),
             10)]
    for what, f, args, calls in jobs:
        with LineTimer() as timer:
            jitted = fl.jit(f)
            jitted(*args)  # trace, lower (instrumented) and warm up
        for counter in timer.programs:
            counter[2][:] = [0.0] * len(counter[2])
            counter[3][:] = [0] * len(counter[3])
        t0 = time.perf_counter()
        for _ in range(calls):
            jitted(*args)
        wall = time.perf_counter() - t0
        log(f"\n== per-line time of the code jit generated for {what} ({calls} calls, "
            f"{wall / calls * 1e6:,.0f} µs/call with the timers) ==")
        timer.report(calls, top)


# ================================================================================================


def main(argv: list[str] | None = None) -> int:
    args = parse_args(__doc__.split("\n\n")[0], argv, min_time=0.3, top=20,
                      profile_help="print where fl's time goes (cProfile of the eager "
                                   "benchmarks, per-line time of the jitted programs), then exit")
    limits = limit_threads()
    warn_blas_env()
    if args.profile:
        profile(args.top)
        return 0

    load_before = note_load()
    rows = run(args)
    env = run_environment(load_before, limits)

    cells = table(rows)
    log("\n" + text_table(cells) + "\n")
    scored = [r for r in rows if r["pass"] is not None]
    log(f"{sum(r['pass'] for r in scored)}/{len(scored)} targets met")
    write_results("bench_api", markdown(cells, env, args), env, args, rows,
                  lambda path: plot(rows, path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
