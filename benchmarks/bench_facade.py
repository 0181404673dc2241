"""Facade benchmarks: the seed documents' training steps through ``functorch_lite.torch``, against
PyTorch eager and hand-written numpy, on one CPU thread.

torch is not a dependency of the project; run it with an environment that has torch (and this
working tree on the path), on one thread:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
        MKL_NUM_THREADS=1 PYTHONPATH=. /path/to/torch-env/bin/python benchmarks/bench_facade.py

(without torch it still times the facade against numpy). ``--quick`` is a smoke run,
``--profile`` prints where the facade's time goes, ``--repeat N``/``--min-time S`` tune timing.

What is measured (one training step each: forward, loss, ``zero_grad``, ``backward``,
optimizer ``step``), every library from the same initial weights and the same batch:

1. the seed MLP (document 000's ``SimpleNet``: 784-128-10, ReLU), ``nn.CrossEntropyLoss``,
   ``optim.Adam(lr=1e-3)``, batch 64: the facade at most **1.3x** torch's time.
2. the seed CIFAR-10 LeNet (document 001: conv 5x5 -> max-pool -> conv 5x5 -> max-pool ->
   120 -> 84 -> 10), ``nn.CrossEntropyLoss``, ``optim.SGD(lr=1e-3, momentum=0.9)``, batch 100
   of 3x32x32: at most **1.5x**.
3. the MLP step of 1 through ``functorch_lite.torch.compile`` of the step function (forward,
   loss, backward and the Adam step staged as one program): at most **1.0x** torch eager --
   timed where the facade's ``compile`` is real (``functorch_lite.torch._compile``); otherwise
   the row says so. Row 3b (information) compiles only the model (``torch.compile(model)``,
   the loss, backward engine and optimizer running as Python). Row 4 (information) is the
   same step written as a pure function (``value_and_grad`` + the Adam update in
   ``functorch_lite.numpy``) under the core's ``fl.jit``, the parameters and Adam state
   donated (``donate_argnums``) as JAX training loops do.

The numpy reference is what a careful person writes by hand: the forward pass saving its
intermediates, the chain rule, and torch's update formulas, in place. Before timing, a few steps
of every candidate are checked against each other (losses and updated weights; torch is the
reference, float32 tolerances). The table is printed and written to
``benchmarks/results/bench_facade.md`` (and ``.json``).
"""
from __future__ import annotations

import argparse
import json
import sys

# _timing pins the BLAS/OpenMP pools to one thread, so it must load before numpy.
# isort: off
from _timing import (
    RESULTS,
    _fmt_us,
    _loadavg,
    environment,
    limit_threads,
    load_torch,
    log,
    measure,
    text_table,
    warn_blas_env,
)

import numpy as np

import functorch_lite as fl
import functorch_lite.numpy as jnp
import functorch_lite.torch as ft
# isort: on

B_MLP, B_LENET = 64, 100
RTOL, ATOL = 2e-3, 2e-5

# ================================================================================================
# The seed models, written once against a torch-like module (the facade or PyTorch)
# ================================================================================================


def seed_mlp(T):
    """Document 000's SimpleNet."""
    nn, F = T.nn, T.nn.functional

    class SimpleNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(784, 128)
            self.fc2 = nn.Linear(128, 10)

        def forward(self, x):
            x = F.relu(self.fc1(x))
            return self.fc2(x)

    return SimpleNet()


def seed_lenet(T):
    """Document 001's CIFAR-10 Net."""
    nn, F = T.nn, T.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 6, 5)
            self.pool = nn.MaxPool2d(2, 2)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = self.pool(F.relu(self.conv1(x)))
            x = self.pool(F.relu(self.conv2(x)))
            x = x.view(-1, 16 * 5 * 5)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)

    return Net()


def init_params(model, seed: int) -> dict[str, np.ndarray]:
    """torch's default-style uniform initial weights, drawn with numpy (one set for everyone)."""
    rng = np.random.default_rng(seed)
    out = {}
    for name, p in model.state_dict().items():
        shape = tuple(p.shape)
        fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else None
        if fan_in is None:  # a bias: its layer's fan-in
            w = model.state_dict()[name[: -len("bias")] + "weight"]
            fan_in = int(np.prod(tuple(w.shape)[1:]))
        bound = 1.0 / np.sqrt(fan_in)
        out[name] = rng.uniform(-bound, bound, shape).astype(np.float32)
    return out


def make_data(seed: int) -> dict:
    rng = np.random.default_rng(seed)
    return {
        "mlp_x": rng.standard_normal((B_MLP, 784)).astype(np.float32),
        "mlp_y": rng.integers(0, 10, B_MLP).astype(np.int64),
        "lenet_x": rng.standard_normal((B_LENET, 3, 32, 32)).astype(np.float32),
        "lenet_y": rng.integers(0, 10, B_LENET).astype(np.int64),
    }


def torchlike_step(T, model_fn, params: dict, x: np.ndarray, y: np.ndarray, make_opt,
                   compile: str | None = None):
    """(step, model) for the facade or PyTorch: the seed loop's body as a closure;
    ``compile="model"`` runs it with ``T.compile(model)``, ``compile="step"`` is
    ``T.compile`` of the whole step (forward, loss, backward, optimizer step)."""
    model = model_fn(T)
    model.load_state_dict({k: T.from_numpy(v.copy()) for k, v in params.items()})
    run = T.compile(model) if compile == "model" else model
    criterion = T.nn.CrossEntropyLoss()
    optimizer = make_opt(T, model.parameters())
    tx, ty = T.from_numpy(x.copy()), T.from_numpy(y.copy())

    def step():
        outputs = run(tx)
        loss = criterion(outputs, ty)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss

    return (T.compile(step) if compile == "step" else step), model


def adam(T, params):
    return T.optim.Adam(params, lr=1e-3)


def sgd_momentum(T, params):
    return T.optim.SGD(params, lr=1e-3, momentum=0.9)


# ================================================================================================
# Hand-written numpy
# ================================================================================================


def _softmax_ce(z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of logits ``z`` and its gradient."""
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    s = e.sum(axis=1, keepdims=True)
    rows = np.arange(len(y))
    loss = float(np.log(s[:, 0]).mean() - z[rows, y].mean())
    dz = e / s
    dz[rows, y] -= 1.0
    dz /= len(y)
    return loss, dz


class NumpyAdam:
    """torch.optim.Adam's update (lr, betas (0.9, 0.999), eps 1e-8), in place."""

    def __init__(self, params: dict, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8):
        self.p, self.lr, (self.b1, self.b2), self.eps, self.t = params, lr, betas, eps, 0
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}

    def step(self, grads: dict) -> None:
        self.t += 1
        c1, c2 = 1 - self.b1 ** self.t, 1 - self.b2 ** self.t
        for k, g in grads.items():
            m, v = self.m[k], self.v[k]
            m *= self.b1
            m += (1 - self.b1) * g
            v *= self.b2
            v += (1 - self.b2) * (g * g)
            denom = np.sqrt(v)
            denom /= np.sqrt(c2)
            denom += self.eps
            self.p[k] -= (self.lr / c1) * (m / denom)


class NumpySGD:
    """torch.optim.SGD with momentum (no dampening), in place."""

    def __init__(self, params: dict, lr: float = 1e-3, momentum: float = 0.9):
        self.p, self.lr, self.mu, self.buf = params, lr, momentum, {}

    def step(self, grads: dict) -> None:
        for k, g in grads.items():
            buf = self.buf.get(k)
            if buf is None:
                self.buf[k] = buf = g.copy()
            else:
                buf *= self.mu
                buf += g
            self.p[k] -= self.lr * buf


def np_mlp_step(p: dict, opt: NumpyAdam, x: np.ndarray, y: np.ndarray) -> float:
    h_pre = x @ p["fc1.weight"].T
    h_pre += p["fc1.bias"]
    h = np.maximum(h_pre, 0)
    z = h @ p["fc2.weight"].T
    z += p["fc2.bias"]
    loss, dz = _softmax_ce(z, y)
    dh = dz @ p["fc2.weight"]
    dh *= h_pre > 0
    opt.step({"fc1.weight": dh.T @ x, "fc1.bias": dh.sum(0),
              "fc2.weight": dz.T @ h, "fc2.bias": dz.sum(0)})
    return loss


def _im2col(x: np.ndarray, k: int) -> np.ndarray:
    """(B, C, H, W) -> (B*Ho*Wo, C*k*k) patches of a stride-1 valid convolution."""
    b, c, h, w = x.shape
    win = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(2, 3))  # B C Ho Wo k k
    return win.transpose(0, 2, 3, 1, 4, 5).reshape(b * (h - k + 1) * (w - k + 1), c * k * k)


def _conv(x: np.ndarray, w: np.ndarray, bias: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    b, _, h, wd = x.shape
    o, _, k, _ = w.shape
    cols = _im2col(x, k)
    out = cols @ w.reshape(o, -1).T
    out += bias
    return out.reshape(b, h - k + 1, wd - k + 1, o).transpose(0, 3, 1, 2), cols


def _conv_back(dout: np.ndarray, cols: np.ndarray, x_shape: tuple, w: np.ndarray,
               need_dx: bool) -> tuple:
    o, c, k, _ = w.shape
    b, _, ho, wo = dout.shape
    d2 = dout.transpose(0, 2, 3, 1).reshape(-1, o)
    dw = (d2.T @ cols).reshape(w.shape)
    db = d2.sum(0)
    if not need_dx:
        return None, dw, db
    dcols = (d2 @ w.reshape(o, -1)).reshape(b, ho, wo, c, k, k)
    dx = np.zeros(x_shape, np.float32)
    for i in range(k):
        for j in range(k):
            dx[:, :, i:i + ho, j:j + wo] += dcols[:, :, :, :, i, j].transpose(0, 3, 1, 2)
    return dx, dw, db


def _pool(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    b, c, h, w = x.shape
    win = x.reshape(b, c, h // 2, 2, w // 2, 2)
    out = win.max(axis=(3, 5))
    mask = win == out[:, :, :, None, :, None]  # ties only among ReLU zeros, whose grad is 0
    return out, mask


def _pool_back(dout: np.ndarray, mask: np.ndarray) -> np.ndarray:
    b, c, h2, _, w2, _ = mask.shape
    return (mask * dout[:, :, :, None, :, None]).reshape(b, c, h2 * 2, w2 * 2)


def np_lenet_step(p: dict, opt: NumpySGD, x: np.ndarray, y: np.ndarray) -> float:
    c1, cols1 = _conv(x, p["conv1.weight"], p["conv1.bias"])
    r1 = np.maximum(c1, 0)
    p1, m1 = _pool(r1)
    c2, cols2 = _conv(p1, p["conv2.weight"], p["conv2.bias"])
    r2 = np.maximum(c2, 0)
    p2, m2 = _pool(r2)
    f = p2.reshape(len(x), 400)
    a1 = f @ p["fc1.weight"].T + p["fc1.bias"]
    h1 = np.maximum(a1, 0)
    a2 = h1 @ p["fc2.weight"].T + p["fc2.bias"]
    h2 = np.maximum(a2, 0)
    z = h2 @ p["fc3.weight"].T + p["fc3.bias"]
    loss, dz = _softmax_ce(z, y)
    g = {"fc3.weight": dz.T @ h2, "fc3.bias": dz.sum(0)}
    d = (dz @ p["fc3.weight"]) * (a2 > 0)
    g["fc2.weight"], g["fc2.bias"] = d.T @ h1, d.sum(0)
    d = (d @ p["fc2.weight"]) * (a1 > 0)
    g["fc1.weight"], g["fc1.bias"] = d.T @ f, d.sum(0)
    d = (d @ p["fc1.weight"]).reshape(p2.shape)
    d = _pool_back(d, m2) * (c2 > 0)
    d, g["conv2.weight"], g["conv2.bias"] = _conv_back(d, cols2, p1.shape, p["conv2.weight"],
                                                       True)
    d = _pool_back(d, m1) * (c1 > 0)
    _, g["conv1.weight"], g["conv1.bias"] = _conv_back(d, cols1, x.shape, p["conv1.weight"],
                                                       False)
    opt.step(g)
    return loss


# ================================================================================================
# The core's jit of the same MLP step (what a facade compile can lower to)
# ================================================================================================


def core_jit_mlp_step(params: dict, x: np.ndarray, y: np.ndarray):
    """A closure running ``fl.jit`` of (loss, grads, Adam update) on a params dict; returns
    (step, state) where ``state["p"]`` holds the current parameters."""
    b1, b2, lr, eps = 0.9, 0.999, 1e-3, 1e-8

    def loss_fn(p, x, y):
        h = fl.nn.relu(x @ p["fc1.weight"].T + p["fc1.bias"])
        z = h @ p["fc2.weight"].T + p["fc2.bias"]
        logp = fl.nn.log_softmax(z)
        return -jnp.mean(jnp.take_along_axis(logp, y[:, None], axis=1))

    def step(p, m, v, t, x, y):
        loss, g = fl.value_and_grad(loss_fn)(p, x, y)
        t = t + 1
        c1, c2 = 1 - b1 ** t, 1 - b2 ** t
        m = {k: b1 * m[k] + (1 - b1) * g[k] for k in p}
        v = {k: b2 * v[k] + (1 - b2) * g[k] * g[k] for k in p}
        p = {k: p[k] - (lr / c1) * (m[k] / (jnp.sqrt(v[k]) / jnp.sqrt(c2) + eps)) for k in p}
        return loss, p, m, v, t

    jstep = fl.jit(step, donate_argnums=(0, 1, 2))  # params and Adam state, as JAX loops do
    state = {"p": {k: jnp.asarray(v) for k, v in params.items()},
             "m": {k: jnp.zeros(v.shape, jnp.float32) for k, v in params.items()},
             "v": {k: jnp.zeros(v.shape, jnp.float32) for k, v in params.items()},
             "t": jnp.asarray(0.0, jnp.float32)}
    X, Y = jnp.asarray(x), jnp.asarray(y.astype(np.int32))

    def run():
        loss, state["p"], state["m"], state["v"], state["t"] = jstep(
            state["p"], state["m"], state["v"], state["t"], X, Y)
        return loss

    return run, state


def facade_compile_status() -> str | None:
    """None when the facade's torch.compile is real (it compiles through the core's jit), else
    why it is not used."""
    import functorch_lite.torch as ft

    if ft.compile.__module__ != "functorch_lite.torch._compile":
        return "functorch_lite.torch.compile is a placeholder"
    return None


# ================================================================================================
# Checks and timing
# ================================================================================================


def _close(label: str, a, b) -> None:
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    if a.shape != b.shape or not np.allclose(a, b, rtol=RTOL, atol=ATOL):
        err = np.max(np.abs(a - b)) if a.shape == b.shape else f"shapes {a.shape} {b.shape}"
        raise AssertionError(f"{label}: candidates disagree (max abs err {err})")


def build(torch, data: dict) -> tuple[dict, dict]:
    """({benchmark key: {candidate: step fn}}, notes). Checks every candidate's first steps."""
    cands: dict[str, dict] = {}
    notes: dict[str, str] = {}
    for key, model_fn, make_opt, np_opt, np_step, xk, yk, seed in (
            ("mlp", seed_mlp, adam, NumpyAdam, np_mlp_step, "mlp_x", "mlp_y", 0),
            ("lenet", seed_lenet, sgd_momentum, NumpySGD, np_lenet_step, "lenet_x", "lenet_y",
             1)):
        params = init_params(seed_mlp(ft) if key == "mlp" else seed_lenet(ft), seed)
        x, y = data[xk], data[yk]
        fstep, fmodel = torchlike_step(ft, model_fn, params, x, y, make_opt)
        nparams = {k: v.copy() for k, v in params.items()}
        nopt = np_opt(nparams)
        cand = {"facade": fstep, "numpy": lambda s=np_step, p=nparams, o=nopt, x=x, y=y:
                s(p, o, x, y)}
        losses = {"facade": [float(fstep().item()) for _ in range(3)],
                  "numpy": [cand["numpy"]() for _ in range(3)]}
        finals = {"facade": {k: v.detach().numpy() for k, v in fmodel.state_dict().items()},
                  "numpy": nparams}
        if torch is not None:
            tstep, tmodel = torchlike_step(torch, model_fn, params, x, y, make_opt)
            cand["torch"] = tstep
            losses["torch"] = [float(tstep().item()) for _ in range(3)]
            finals["torch"] = {k: v.detach().numpy() for k, v in tmodel.state_dict().items()}
        ref = "torch" if torch is not None else "numpy"
        for name in losses:
            _close(f"{key} {name} losses", losses[name], losses[ref])
            for k in params:
                _close(f"{key} {name} {k} after 3 steps", finals[name][k], finals[ref][k])
        log(f"  {key}: losses of 3 steps agree ({', '.join(sorted(losses))}): "
            f"{[round(v, 5) for v in losses[ref]]}")
        cands[key] = cand

    # 3: the facade's compile of the step (3b: of the model only); 4: the core's jit of the
    # same step (information). Both against torch eager, the reference.
    params = init_params(seed_mlp(ft), 0)
    x, y = data["mlp_x"], data["mlp_y"]
    why = facade_compile_status()
    for key, how in (("mlp_compile", "step"), ("mlp_compile_model", "model")):
        if why is not None:
            notes[key] = why
            log(f"  {key}: not timed: {why}")
            continue
        try:
            cstep, _ = torchlike_step(ft, seed_mlp, params, x, y, adam, compile=how)
            closs = [float(cstep().item()) for _ in range(3)]
            nparams = {k: v.copy() for k, v in params.items()}
            nopt = NumpyAdam(nparams)
            _close(f"mlp compile({how}) losses", closs, [np_mlp_step(nparams, nopt, x, y)
                                                         for _ in range(3)])
            cands[key] = {"facade": cstep, "numpy": cands["mlp"]["numpy"]}
            if "torch" in cands["mlp"]:
                cands[key]["torch"] = cands["mlp"]["torch"]
        except Exception as e:  # noqa: BLE001 - report, don't abort the other rows
            notes[key] = f"torch.compile failed: {type(e).__name__}: {e}"
            log(f"  {key}: not timed: {notes[key]}")
    jstep, state = core_jit_mlp_step(params, x, y)
    jl = [float(np.asarray(jstep())) for _ in range(3)]
    nparams = {k: v.copy() for k, v in params.items()}
    nopt = NumpyAdam(nparams)
    nl = [np_mlp_step(nparams, nopt, x, y) for _ in range(3)]
    _close("mlp core jit losses", jl, nl)
    for k in params:
        _close(f"mlp core jit {k}", np.asarray(state["p"][k]), nparams[k])
    cands["mlp_core_jit"] = {"facade": jstep, "numpy": cands["mlp"]["numpy"]}
    if "torch" in cands["mlp"]:
        cands["mlp_core_jit"]["torch"] = cands["mlp"]["torch"]
    return cands, notes


# (key, label, target ratio to torch eager or None)
BENCHMARKS = [
    ("mlp", "1. seed MLP 784-128-10 train step, Adam, B=64 (eager)", 1.3),
    ("lenet", "2. seed CIFAR-10 LeNet train step, SGD momentum, B=100 (eager)", 1.5),
    ("mlp_compile", "3. seed MLP train step through torch.compile (the step)", 1.0),
    ("mlp_compile_model", "3b. the same with torch.compile(model) only (information)", None),
    ("mlp_core_jit", "4. the same step as a pure function under fl.jit (information)", None),
]


def run(args: argparse.Namespace) -> tuple[list[dict], dict]:
    torch = None if args.no_peers else load_torch()
    data = make_data(0)
    log("checking that every candidate computes the same steps ...")
    cands, notes = build(torch, data)
    rows = []
    for key, label, target in BENCHMARKS:
        if key not in cands:
            rows.append({"key": key, "label": label, "target": target, "note": notes.get(key)})
            continue
        log(f"timing {label} ...")
        res = measure(cands[key], args.repeat, args.min_time)
        med = {k: v["median"] for k, v in res.items()}
        best = {k: v["min"] for k, v in res.items()}
        row = {"key": key, "label": label, "target": target, "timings": res,
               "facade_us": med["facade"] * 1e6, "numpy_us": med["numpy"] * 1e6,
               "vs_numpy": med["facade"] / med["numpy"]}
        if "torch" in med:
            row.update(torch_us=med["torch"] * 1e6, vs_torch=med["facade"] / med["torch"],
                       best_vs_torch=best["facade"] / best["torch"],
                       torch_vs_numpy=med["torch"] / med["numpy"])
            row["pass"] = None if target is None else row["vs_torch"] <= target
        log(f"  fl {row['facade_us']:10.1f} µs | numpy {row['numpy_us']:10.1f} µs"
            + (f" | torch {row['torch_us']:10.1f} µs | facade/torch {row['vs_torch']:.2f}x"
               if "torch_us" in row else ""))
        rows.append(row)
    return rows, notes


# ================================================================================================
# Profile and report
# ================================================================================================


def profile(top: int) -> None:
    import cProfile
    import pstats

    data = make_data(0)
    for key, model_fn, make_opt, xk, yk, n in (("mlp", seed_mlp, adam, "mlp_x", "mlp_y", 300),
                                               ("lenet", seed_lenet, sgd_momentum, "lenet_x",
                                                "lenet_y", 30)):
        params = init_params(model_fn(ft), 0)
        step, _ = torchlike_step(ft, model_fn, params, data[xk], data[yk], make_opt)
        for _ in range(3):
            step()
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(n):
            step()
        prof.disable()
        log(f"\n=== facade {key} train step, {n} steps: by own time ===")
        pstats.Stats(prof).sort_stats("tottime").print_stats(top)
        log(f"=== facade {key} train step: by cumulative time ===")
        pstats.Stats(prof).sort_stats("cumulative").print_stats(top)


def table(rows: list[dict]) -> list[list[str]]:
    out = [["benchmark", "torch µs", "numpy µs", "fl µs", "fl / torch", "target", "pass",
            "best-of / torch", "fl / numpy", "torch / numpy"]]
    for r in rows:
        if "facade_us" not in r:
            out.append([r["label"], "—", "—", "—", "not timed", f"≤ {r['target']:g}x", "—", "—",
                        "—", "—"])
            continue
        has_t = "torch_us" in r
        ok = "—" if r.get("pass") is None else ("PASS" if r["pass"] else "FAIL")
        out.append([
            r["label"], _fmt_us(r["torch_us"]) if has_t else "—", _fmt_us(r["numpy_us"]),
            _fmt_us(r["facade_us"]), f"{r['vs_torch']:.2f}x" if has_t else "—",
            "—" if r["target"] is None else f"≤ {r['target']:g}x", ok,
            f"{r['best_vs_torch']:.2f}x" if has_t else "—", f"{r['vs_numpy']:.2f}x",
            f"{r['torch_vs_numpy']:.2f}x" if has_t else "—"])
    return out


def markdown(cells: list[list[str]], notes: dict, env: dict, args: argparse.Namespace) -> str:
    md = ["# functorch_lite.torch facade benchmarks (seed training steps)", "",
          f"Run {env['date']} with `{' '.join(sys.argv)}` "
          f"({'quick' if args.quick else 'full'} mode: median of {args.repeat} interleaved "
          f"repeats, each at least {args.min_time:g} s of calls, GC enabled, one thread).", "",
          "fl is `functorch_lite.torch` on rows 1-3 and the core's `fl.jit` on row 4.", ""]
    md.append("| " + " | ".join(cells[0]) + " |")
    md.append("|" + "|".join("---" if i == 0 else "---:" for i in range(len(cells[0]))) + "|")
    md += ["| " + " | ".join(row) + " |" for row in cells[1:]]
    md += [""] + [f"- {k}: {v}" for k, v in notes.items()]
    md += ["", "## Environment", "", "```", json.dumps(env, indent=2, default=str), "```", ""]
    return "\n".join(md)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fast smoke run (few, short repeats)")
    ap.add_argument("--repeat", type=int, default=None, help="interleaved repeats (default 9)")
    ap.add_argument("--min-time", type=float, default=None,
                    help="seconds of calls per repeat and candidate (default 0.3)")
    ap.add_argument("--no-peers", action="store_true", help="do not time torch")
    ap.add_argument("--profile", action="store_true",
                    help="print cProfile listings of the facade's train steps, then exit")
    ap.add_argument("--top", type=int, default=25, help="rows per listing of --profile")
    args = ap.parse_args(argv)
    if args.repeat is None:
        args.repeat = 3 if args.quick else 9
    if args.min_time is None:
        args.min_time = 0.03 if args.quick else 0.3

    limits = limit_threads()
    warn_blas_env()
    if args.profile:
        profile(args.top)
        return 0
    load_before = _loadavg()
    if load_before is not None and load_before > 0.5:
        log(f"NOTE: load average {load_before} — other processes are running; expect noisy "
            "timings (the best-of column helps)")
    rows, notes = run(args)
    env = environment()
    env["load average (1 min) before/after"] = [load_before, _loadavg()]
    if limits is not None:
        env["threadpoolctl"] = "limited every BLAS/OpenMP pool to 1 thread"
    cells = table(rows)
    log("\n" + text_table(cells) + "\n")
    for k, v in notes.items():
        log(f"{k}: {v}")
    scored = [r for r in rows if r.get("pass") is not None]
    log(f"{sum(r['pass'] for r in scored)}/{len(scored)} targets met")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench_facade.md").write_text(markdown(cells, notes, env, args), encoding="utf-8")
    (RESULTS / "bench_facade.json").write_text(
        json.dumps({"env": env, "args": vars(args), "rows": rows, "notes": notes}, indent=2,
                   default=str), encoding="utf-8")
    log(f"wrote {RESULTS / 'bench_facade.md'}, {RESULTS / 'bench_facade.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
