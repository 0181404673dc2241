"""Shared helpers of the benchmark scripts (bench_core.py, bench_api.py): one-thread setup,
interleaved median timing with GC enabled, optional peers (torch, jax), correctness checks,
the environment report and the text table.

Import it before numpy: it pins the BLAS/OpenMP pools to one thread first (unless the command
already set the variables) and puts the working tree's ``functorch_lite`` first on ``sys.path``.
"""
from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

# One thread everywhere. The documented commands set these already; defaults keep a bare
# `python benchmarks/bench_*.py` honest too. They must be set before numpy/torch/jax load.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # benchmark the working tree, not an installed copy

import functorch_lite as fl  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def warn_blas_env() -> None:
    """Say so when OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE are set (the documented command unsets
    them: on some machines they force a slower OpenBLAS kernel)."""
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if os.environ.get(var):
            log(f"NOTE: {var}={os.environ[var]} is set; it can force a slower BLAS kernel "
                "(see the command at the top of this file)")


def limit_threads() -> object | None:
    """threadpoolctl's one-thread limit on every BLAS/OpenMP pool, when it is installed (belt and
    braces on top of the *_NUM_THREADS variables). Keep the returned object alive."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return None
    return threadpool_limits(1)


def log(msg: str) -> None:
    print(msg, flush=True)


def _loop(fn: Callable, n: int) -> float:
    # GC stays enabled (unlike timeit's default): collecting the cycles a library leaves behind
    # is part of its real cost.
    rng = range(n)
    t0 = time.perf_counter()
    for _ in rng:
        fn()
    return time.perf_counter() - t0


def _calibrate(fn: Callable, min_time: float) -> int:
    """The number of calls that takes at least ``min_time`` seconds."""
    n = 1
    while True:
        t = _loop(fn, n)
        if t >= min_time:
            return n
        # aim a little above min_time, grow at most 10x per step
        n = max(n + 1, min(n * 10, int(n * min_time * 1.2 / max(t, 1e-9))))


def measure(cands: dict[str, Callable], repeat: int, min_time: float) -> dict[str, dict]:
    """Median seconds per call of each candidate. Repeats are interleaved across candidates, so
    a slow drift of the machine (frequency, a neighbour's load) hits every candidate alike."""
    numbers = {}
    for name, fn in cands.items():
        for _ in range(3):
            fn()  # warm up: caches, jit traces, lazy imports
        numbers[name] = _calibrate(fn, min_time)
    samples: dict[str, list[float]] = {name: [] for name in cands}
    for _ in range(repeat):
        for name, fn in cands.items():
            n = numbers[name]
            samples[name].append(_loop(fn, n) / n)
    return {
        name: {
            "median": statistics.median(s),
            "min": min(s),
            "max": max(s),
            "number": numbers[name],
            "repeat": repeat,
        }
        for name, s in samples.items()
    }


def load_torch():
    try:
        import torch
    except Exception as e:  # noqa: BLE001 - any import failure just means "no peer"
        log(f"  torch: not available ({type(e).__name__}: {e})")
        return None
    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:  # torch allows setting it once per process: already set is fine
        pass
    log(f"  torch {torch.__version__}: threads={torch.get_num_threads()}")
    return torch


def load_jax():
    try:
        import jax
        import jax.numpy as jjnp
    except Exception as e:  # noqa: BLE001
        log(f"  jax: not available ({type(e).__name__}: {e})")
        return None
    jax.config.update("jax_platforms", "cpu")
    log(f"  jax {jax.__version__}: devices={jax.devices()}, XLA_FLAGS={os.environ['XLA_FLAGS']!r}")
    return jax, jjnp


def _to_np(v):
    if hasattr(v, "detach"):  # torch
        v = v.detach().numpy()
    return np.asarray(v)


def check_same(label: str, ref: tuple, got: tuple, *, strict: bool, rtol=2e-4, atol=2e-5) -> bool:
    """``ref`` and ``got`` are (value, grads) with grads an array or a dict of arrays."""
    rv, rg = ref
    gv, gg = got
    pairs = [("value", rv, gv)]
    if isinstance(rg, dict):
        pairs += [(f"grad[{k!r}]", rg[k], gg[k]) for k in rg]
    else:
        pairs.append(("grad", rg, gg))
    ok = True
    for what, r, g in pairs:
        r, g = np.asarray(r), _to_np(g)
        if r.shape != g.shape or not np.allclose(r, g, rtol=rtol, atol=atol):
            ok = False
            err = np.max(np.abs(r - g)) if r.shape == g.shape else f"shape {g.shape} != {r.shape}"
            msg = f"{label}: {what} differs from hand-written numpy (max abs err {err})"
            if strict:
                raise AssertionError(msg)
            log("  WARNING " + msg)
    return ok


def environment() -> dict:
    env = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": _cpu_name(),
        "numpy": np.__version__,
        "functorch_lite": getattr(fl, "__version__", "?"),
        "threads env": {v: os.environ.get(v) for v in
                        ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")},
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
        "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE"),
    }
    try:
        from threadpoolctl import threadpool_info

        env["blas"] = [
            {k: i.get(k) for k in ("internal_api", "version", "architecture", "num_threads",
                                   "threading_layer", "filepath")}
            for i in threadpool_info()
        ]
    except ImportError:
        env["blas"] = "threadpoolctl not installed (pip install threadpoolctl to see the kernel)"
    return env


def _loadavg() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:  # no /proc (not Linux): fall back to platform's answer
        pass
    return platform.processor() or "?"


def cycles_left(fl_fns: dict) -> dict[str, int]:
    """Objects each fl call leaves in reference cycles (freed only by the cyclic GC, so their
    arrays stay alive until it runs; the timings include that GC work)."""
    out = {}
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for key, fn in fl_fns.items():
            fn()
            gc.collect()
            fn()
            out[key] = gc.collect()
    finally:
        if was_enabled:
            gc.enable()
    return out


def _fmt_us(us: float) -> str:
    return f"{us:,.1f}" if us >= 100 else f"{us:.2f}"


def text_table(cells: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    lines = []
    for k, row in enumerate(cells):
        lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                               for i, (c, w) in enumerate(zip(row, widths))))
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------------
# The parts of a benchmark script's main() that every script shares
# ------------------------------------------------------------------------------------------------


def parse_args(description: str, argv: list[str] | None, *, min_time: float, top: int,
               profile_help: str) -> argparse.Namespace:
    """The common command line (--quick, --repeat, --min-time, --no-peers, --profile, --top);
    ``min_time`` and ``top`` are this script's defaults for a full run."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--quick", action="store_true", help="fast smoke run (few, short repeats)")
    ap.add_argument("--repeat", type=int, default=None, help="interleaved repeats (default 9)")
    ap.add_argument("--min-time", type=float, default=None,
                    help=f"seconds of calls per repeat and candidate (default {min_time:g})")
    ap.add_argument("--no-peers", action="store_true", help="do not time torch/jax")
    ap.add_argument("--profile", action="store_true", help=profile_help)
    ap.add_argument("--top", type=int, default=top, help="rows per listing of --profile")
    args = ap.parse_args(argv)
    if args.repeat is None:
        args.repeat = 3 if args.quick else 9
    if args.min_time is None:
        args.min_time = 0.02 if args.quick else min_time
    return args


def note_load() -> float | None:
    """The 1-minute load average before timing, with a note when other processes are busy."""
    load = _loadavg()
    if load is not None and load > 0.5:
        log(f"NOTE: load average {load} — other processes are running; expect noisy "
            "timings (the best-of column helps)")
    return load


def run_environment(load_before: float | None, limits: object | None) -> dict:
    """``environment()`` plus what this run saw: the load before/after, the CPUs available and
    whether threadpoolctl limited the pools. Call it after the peers loaded, so that their BLAS
    libraries are listed too."""
    env = environment()
    env["load average (1 min) before/after"] = [load_before, _loadavg()]
    env["cpus available"] = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") \
        else os.cpu_count()
    if limits is not None:
        env["threadpoolctl"] = "limited every BLAS/OpenMP pool to 1 thread"
    return env


def markdown_report(intro: list[str], cells: list[list[str]], env: dict) -> str:
    """A results page: ``intro`` lines, the table as markdown, then the environment as JSON."""
    md = list(intro)
    md.append("| " + " | ".join(cells[0]) + " |")
    md.append("|" + "|".join("---" if i == 0 else "---:" for i in range(len(cells[0]))) + "|")
    for row in cells[1:]:
        md.append("| " + " | ".join(row) + " |")
    md += ["", "## Environment", "", "```", json.dumps(env, indent=2, default=str), "```", ""]
    return "\n".join(md)


def run_header(title: str, env: dict, args: argparse.Namespace) -> list[str]:
    """The first lines of a results page: its title and how this run was made."""
    return [title, "",
            f"Run {env['date']} with `{' '.join(sys.argv)}` "
            f"({'quick' if args.quick else 'full'} mode: median of {args.repeat} interleaved "
            f"repeats, each at least {args.min_time:g} s of calls, GC enabled).", ""]


def write_results(stem: str, markdown: str, env: dict, args: argparse.Namespace, rows: list,
                  plot: Callable[[Path], bool]) -> None:
    """Write ``results/<stem>.md``, ``.json`` and (when ``plot(path)`` can draw) ``.png``."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{stem}.md").write_text(markdown, encoding="utf-8")
    (RESULTS / f"{stem}.json").write_text(
        json.dumps({"env": env, "args": vars(args), "rows": rows}, indent=2, default=str),
        encoding="utf-8")
    wrote = [f"{stem}.md", f"{stem}.json"]
    if plot(RESULTS / f"{stem}.png"):
        wrote.append(f"{stem}.png")
    log(f"wrote {', '.join(str(RESULTS / w) for w in wrote)}")


def log_profile_top(stats: object, calls: int, top: int) -> None:
    """The ``top`` functions of a ``pstats.Stats`` by own time, per call of the benchmark."""
    total = stats.total_tt
    entries = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    log(f"{'own %':>6} {'cum %':>6} {'calls/iter':>10}  function")
    for (file, line, func), (_cc, nc, tt, ct, _callers) in entries:
        where = f"{Path(file).name}:{line}" if line else file
        log(f"{100 * tt / total:6.1f} {100 * ct / total:6.1f} {nc / calls:10.1f}  "
            f"{func} ({where})")


def plot_ratios(rows: list[dict], peers: list[str], targets: list[float | None], path: Path, *,
                title: str, figsize: tuple[float, float], rotation: float) -> bool:
    """Bars of each row's time / reference time for functorch_lite and each peer that has a
    number (log scale), with a dashed line at each row's target; False without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    names = ["functorch_lite"] + [p for p in peers if any(p in r["peers"] for r in rows)]
    fig, ax = plt.subplots(figsize=figsize)
    width = 0.8 / len(names)
    for j, name in enumerate(names):
        vals = [r["ratio"] if name == "functorch_lite" else
                r["peers"].get(name, {}).get("ratio", np.nan) for r in rows]
        ax.bar(np.arange(len(rows)) + (j - (len(names) - 1) / 2) * width, vals, width, label=name)
    for i, target in enumerate(targets):
        if target is not None:
            ax.hlines(target, i - 0.45, i + 0.45, colors="k", linestyles="--")
    ax.axhline(1.0, color="grey", lw=0.8)
    ax.set_yscale("log")
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels([r["label"].replace(", ", ",\n", 1) for r in rows], fontsize=7,
                       rotation=rotation, ha="right")
    ax.set_ylabel("time / hand-written numpy time (log scale)")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True
