"""A GRU that forecasts a chaotic time series: lax.scan, vmap and functorch_lite.random together.

The data come from a known process, so nothing is downloaded: the Mackey-Glass delay equation
``dx/dt = 0.2 x(t-17) / (1 + x(t-17)^10) - 0.1 x(t)`` (a standard chaotic benchmark series),
sampled once per time unit, plus Gaussian observation noise drawn with ``functorch_lite.random``.
The model reads a window of 40 noisy values and predicts, at every step, the next value.

What it shows:

* ``lax.scan`` runs the GRU cell over the time steps; the model is written for ONE sequence
  (state of shape ``(hidden,)``), and ``fl.vmap`` turns it into a batched model;
* ``fl.jit(fl.value_and_grad(loss))`` compiles the forward scan and its backward scan into one
  generated Python function (``--show-code`` prints it);
* ``functorch_lite.random`` with explicit keys: the noise, the parameter initialisers
  (``fl.nn.initializers``: Glorot for input weights, orthogonal for recurrent ones) and the
  minibatch shuffling each get their own key from ``random.split``;
* ``fl.vmap(fl.grad(...))`` at the end gives per-sequence gradient norms (which windows the
  model still finds hard), and the test error is compared with the trivial "tomorrow equals
  today" (persistence) forecast.

Run it from the repository root (a few seconds to ~20 s; numpy is the only requirement; tqdm
shows a progress bar and matplotlib writes a loss-curve plot when they are installed):

    python examples/gru_forecast.py                 # default: 400 Adam steps
    python examples/gru_forecast.py --steps 1000    # train longer
    python examples/gru_forecast.py --quick         # a 2-second smoke run (used by the tests)
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

import functorch_lite as fl  # noqa: E402
import functorch_lite.numpy as jnp  # noqa: E402
from functorch_lite import lax, random  # noqa: E402
from functorch_lite.nn import initializers  # noqa: E402
from functorch_lite.tree_util import tree_leaves, tree_map  # noqa: E402

WINDOW = 40  # time steps per training sequence
BURN_IN = 8  # steps the GRU reads before its predictions count in the loss


# ---- data: the Mackey-Glass series ---------------------------------------------------------


def mackey_glass(n: int, tau: int = 17, dt: float = 0.1, x0: float = 1.2) -> np.ndarray:
    """``n`` samples (one per time unit) of the Mackey-Glass series, by Euler steps of ``dt``
    on the delay equation after a transient of 500 time units. Deterministic."""
    per_unit = int(round(1 / dt))
    lag = tau * per_unit
    total = (n + 500) * per_unit
    x = np.empty(total + lag)
    x[:lag + 1] = x0
    for t in range(lag, total + lag - 1):
        delayed = x[t - lag]
        x[t + 1] = x[t] + dt * (0.2 * delayed / (1.0 + delayed ** 10) - 0.1 * x[t])
    return x[lag + 500 * per_unit::per_unit][:n]


def make_windows(series, n_windows: int, start: int, stop: int) -> tuple:
    """Windows of WINDOW + 1 values from ``series[start:stop]`` (evenly spaced starts): the
    inputs are the first WINDOW values, the targets the same values shifted by one step."""
    starts = np.linspace(start, stop - WINDOW - 1, n_windows).astype(int)
    idx = starts[:, None] + np.arange(WINDOW + 1)[None, :]
    w = jnp.asarray(series)[jnp.asarray(idx)]
    return w[:, :-1, None], w[:, 1:]  # (n, WINDOW, 1) inputs, (n, WINDOW) targets


# ---- the model: a GRU written for one sequence -----------------------------------------------


def init_params(key, hidden: int) -> dict:
    k_in, k_rec, k_out = random.split(key, 3)
    return {
        "w": initializers.glorot_uniform()(k_in, (1, 3 * hidden)),  # input -> gates
        "u": jnp.concatenate([initializers.orthogonal()(k, (hidden, hidden))  # state -> gates
                              for k in random.split(k_rec, 3)], axis=1),
        "b": jnp.zeros(3 * hidden),
        "w_out": initializers.glorot_uniform()(k_out, (hidden, 1)),
        "b_out": jnp.zeros(1),
    }


def gru_step(params: dict, h, x):
    """One GRU step on one sequence: h is (hidden,), x is (1,)."""
    xz, xr, xn = jnp.split(x @ params["w"] + params["b"], 3)
    hz, hr, hn = jnp.split(h @ params["u"], 3)
    z = fl.nn.sigmoid(xz + hz)  # update gate
    r = fl.nn.sigmoid(xr + hr)  # reset gate
    n = jnp.tanh(xn + r * hn)
    return (1.0 - z) * n + z * h


def predict_sequence(params: dict, xs):
    """The one-step-ahead forecasts for one sequence xs of shape (WINDOW, 1)."""
    hidden = params["u"].shape[0]

    def step(h, x):
        h = gru_step(params, h, x)
        return h, (h @ params["w_out"] + params["b_out"])[0]

    _, preds = lax.scan(step, jnp.zeros(hidden), xs)
    return preds  # (WINDOW,)


# vmap over the sequences of a batch; the parameters are shared (in_axes None)
predict_batch = fl.vmap(predict_sequence, in_axes=(None, 0))


def sequence_loss(params: dict, xs, ys):
    """Mean squared error of one sequence's forecasts after the burn-in."""
    err = predict_sequence(params, xs)[BURN_IN:] - ys[BURN_IN:]
    return jnp.mean(err * err)


def batch_loss(params: dict, xs, ys):
    err = predict_batch(params, xs)[:, BURN_IN:] - ys[:, BURN_IN:]
    return jnp.mean(err * err)


# ---- training: Adam, written with tree_map ---------------------------------------------------


def adam_update(params, grads, state, step: int, lr: float, b1=0.9, b2=0.999, eps=1e-8):
    m, v = state
    m = tree_map(lambda m_, g: b1 * m_ + (1 - b1) * g, m, grads)
    v = tree_map(lambda v_, g: b2 * v_ + (1 - b2) * g * g, v, grads)
    # a Python float (weakly typed) keeps the float32 parameters float32; a numpy float64
    # scalar would promote them
    scale = float(lr * np.sqrt(1 - b2 ** step) / (1 - b1 ** step))
    params = tree_map(lambda p, m_, v_: p - scale * m_ / (jnp.sqrt(v_) + eps), params, m, v)
    return params, (m, v)


def progress(total: int):
    """tqdm's progress bar when it is installed, else None (plain prints are used)."""
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, desc="training", unit="step")


def plot_curve(history: list, test_mse: float, baseline: float, path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    steps, losses = zip(*history)
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(steps, losses, label="training minibatch MSE")
    ax.axhline(test_mse, color="C1", ls="--", label=f"test MSE after training ({test_mse:.4f})")
    ax.axhline(baseline, color="grey", ls=":", label=f"persistence forecast ({baseline:.4f})")
    ax.set_yscale("log")
    ax.set_xlabel("Adam step")
    ax.set_ylabel("mean squared error (standardised units)")
    ax.set_title("GRU one-step-ahead forecasts of the Mackey-Glass series")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=400, help="Adam steps (default 400)")
    ap.add_argument("--quick", action="store_true", help="a tiny, fast run (smoke test)")
    ap.add_argument("--hidden", type=int, default=32, help="GRU state size (default 32)")
    ap.add_argument("--batch", type=int, default=32, help="sequences per minibatch")
    ap.add_argument("--lr", type=float, default=1e-2, help="Adam learning rate")
    ap.add_argument("--noise", type=float, default=0.02,
                    help="observation noise, standard deviations of the series (default 0.02)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--plot", type=Path, default=Path(tempfile.gettempdir()) /
                    "gru_forecast_loss.png", help="where to write the loss curve (matplotlib)")
    ap.add_argument("--no-plot", action="store_true", help="do not write the plot")
    ap.add_argument("--show-code", action="store_true",
                    help="print the Python code jit generated for the training step")
    args = ap.parse_args(argv)
    n_train, n_test, report_every = 512, 256, 50
    if args.quick:
        args.steps, args.hidden, n_train, n_test, report_every = 12, 8, 64, 32, 4

    # ---- data: series, noise from a key, windows ----
    key = random.key(args.seed)
    k_noise, k_init, k_shuffle = random.split(key, 3)
    clean = mackey_glass(2000)
    clean = (clean - clean.mean()) / clean.std()
    series = jnp.asarray(clean, jnp.float32) + args.noise * random.normal(k_noise, clean.shape)
    split_at = 1400  # train on the first 1400 time units, test on the rest
    train_x, train_y = make_windows(series, n_train, 0, split_at)
    test_x, test_y = make_windows(series, n_test, split_at, len(clean))
    print(f"Mackey-Glass series: {len(clean)} steps, noise sd {args.noise}; "
          f"{n_train} training windows, {n_test} test windows of {WINDOW} steps")

    params = init_params(k_init, args.hidden)
    n_params = sum(leaf.size for leaf in tree_leaves(params))
    print(f"GRU with {args.hidden} units ({n_params} parameters), Adam lr {args.lr}, "
          f"batch {args.batch}, {args.steps} steps")
    state = (tree_map(jnp.zeros_like, params), tree_map(jnp.zeros_like, params))

    loss_and_grad = fl.jit(fl.value_and_grad(batch_loss))
    if args.show_code:
        print(loss_and_grad.lower(params, train_x[:args.batch], train_y[:args.batch]).as_text())

    # ---- training: a fresh shuffle of the windows every epoch, from its own key ----
    history = []
    bar = progress(args.steps)
    t0 = time.perf_counter()
    order, pos, epoch = None, n_train, 0
    for step in range(1, args.steps + 1):
        if pos + args.batch > n_train:
            order = random.permutation(random.fold_in(k_shuffle, epoch), n_train)
            pos, epoch = 0, epoch + 1
        idx = order[pos:pos + args.batch]
        pos += args.batch
        loss, grads = loss_and_grad(params, train_x[idx], train_y[idx])
        params, state = adam_update(params, grads, state, step, args.lr)
        history.append((step, float(loss)))
        if bar is not None:
            bar.update(1)
            bar.set_postfix(loss=f"{float(loss):.4f}")
        elif step == 1 or step % report_every == 0 or step == args.steps:
            recent = np.mean([h[1] for h in history[-report_every:]])
            print(f"  step {step:4d}  minibatch MSE {float(loss):.4f}"
                  + (f"  (mean of the last {min(report_every, step)}: {recent:.4f})"
                     if step > 1 else ""))
    if bar is not None:
        bar.close()
    seconds = time.perf_counter() - t0
    print(f"trained in {seconds:.1f} s ({seconds / args.steps * 1e3:.1f} ms per step, "
          "the first one includes tracing)")

    # ---- evaluation: test MSE vs the persistence forecast, per-sequence gradient norms ----
    test_mse = float(fl.jit(batch_loss)(params, test_x, test_y))
    persistence = float(jnp.mean((test_x[:, BURN_IN:, 0] - test_y[:, BURN_IN:]) ** 2))
    verdict = (f"{persistence / test_mse:.1f}x lower error" if test_mse < persistence else
               "not better yet: train longer")
    print(f"test MSE {test_mse:.5f}  vs persistence forecast (next value = current value) "
          f"{persistence:.5f}: {verdict}")
    per_seq_grads = fl.vmap(fl.grad(sequence_loss), in_axes=(None, 0, 0))(params, test_x, test_y)
    sq = sum(jnp.sum(g.reshape(n_test, -1) ** 2, axis=1) for g in tree_leaves(per_seq_grads))
    norms = np.asarray(jnp.sqrt(sq))
    hardest = int(np.argmax(norms))
    print(f"per-sequence gradient norms on the test windows (vmap of grad): median "
          f"{np.median(norms):.4f}, largest {norms[hardest]:.4f} (window {hardest})")

    first = float(np.mean([h[1] for h in history[:max(1, len(history) // 10)]]))
    last = float(np.mean([h[1] for h in history[-max(1, len(history) // 10):]]))
    print(f"training loss: {first:.4f} (first tenth of the steps) -> {last:.4f} (last tenth)")
    if not args.no_plot and plot_curve(history, test_mse, persistence, args.plot):
        print(f"wrote the loss curve to {args.plot}")
    return {"history": history, "test_mse": test_mse, "persistence_mse": persistence,
            "grad_norms": norms, "first_loss": first, "last_loss": last}


if __name__ == "__main__":
    main()
