"""Shared helpers of the benchmark scripts (bench_core.py, bench_api.py): one-thread setup,
interleaved median timing with GC enabled, optional peers (torch, jax), correctness checks,
the environment report and the text table.

Import it before numpy: it pins the BLAS/OpenMP pools to one thread first (unless the command
already set the variables) and puts the working tree's ``functorch_lite`` first on ``sys.path``.
"""
from __future__ import annotations

import datetime
import gc
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
    except RuntimeError:
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
    except OSError:
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
