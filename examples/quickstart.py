"""functorch_lite quickstart: a small MLP fitted with grad, vmap and jit.

Run it from the repository root after installing the package:

    python examples/quickstart.py

It takes a few seconds, needs nothing but numpy, and downloads nothing. Each section
prints a heading and a few short lines, so you can read along with the code below.
"""
from __future__ import annotations

import time

import numpy as np

import functorch_lite as fl
import functorch_lite.numpy as jnp
from functorch_lite.tree_util import tree_leaves, tree_map


def heading(title: str) -> None:
    print()
    print(f"== {title} " + "=" * max(0, 66 - len(title)))


# ---- 1. Data and model -----------------------------------------------------------------------
# A deterministic toy regression problem: 2 input features, one smooth target.

rng = np.random.default_rng(0)
N_EXAMPLES, N_IN, N_HIDDEN = 128, 2, 32
x_np = rng.uniform(-2.0, 2.0, size=(N_EXAMPLES, N_IN)).astype(np.float32)
y_np = (np.sin(2.0 * x_np[:, 0]) * np.cos(x_np[:, 1])).astype(np.float32)
batch = (jnp.asarray(x_np), jnp.asarray(y_np))  # a pytree: a tuple of two arrays


def init_params(seed: int) -> dict:
    """Parameters as a pytree: a dict of arrays (any nesting of dicts/lists/tuples works)."""
    r = np.random.default_rng(seed)
    return {
        "w1": jnp.asarray(r.normal(0.0, 1.0, (N_IN, N_HIDDEN)).astype(np.float32)),
        "b1": jnp.zeros(N_HIDDEN),
        "w2": jnp.asarray(r.normal(0.0, N_HIDDEN ** -0.5, (N_HIDDEN,)).astype(np.float32)),
        "b2": jnp.zeros(()),
    }


def predict(params: dict, x):
    """The MLP. Works for one example (x of shape (2,)) or a batch (shape (n, 2))."""
    hidden = jnp.tanh(x @ params["w1"] + params["b1"])
    return hidden @ params["w2"] + params["b2"]


def loss(params: dict, batch: tuple):
    """Mean squared error over whatever examples ``batch`` holds."""
    x, y = batch
    return jnp.mean((predict(params, x) - y) ** 2)


params = init_params(seed=1)
heading("1. Data and model")
print(f"inputs  x: {batch[0].shape} {batch[0].dtype}")
print(f"targets y: {batch[1].shape} {batch[1].dtype}")
for name, p in params.items():
    print(f"param {name}: shape {p.shape}")
print(f"initial loss: {float(loss(params, batch)):.4f}")

# ---- 2. grad -----------------------------------------------------------------------------------
# fl.grad(loss) is a new function returning d loss / d params, with the same pytree shape.

heading("2. fl.grad: gradients of a pytree")
grads = fl.grad(loss)(params, batch)
for name, g in grads.items():
    print(f"d loss / d {name}: shape {g.shape}, norm {float(jnp.sqrt(jnp.sum(g ** 2))):.4f}")

# value_and_grad returns both at once, as in JAX.
value, grads = fl.value_and_grad(loss)(params, batch)
print(f"value_and_grad -> loss {float(value):.4f} and the same gradients")

# A central finite difference on one entry agrees with the gradient.
eps = 1e-2
loss_up = float(loss(dict(params, b2=params["b2"] + eps), batch))
loss_down = float(loss(dict(params, b2=params["b2"] - eps), batch))
fd = (loss_up - loss_down) / (2 * eps)
print(f"d loss / d b2: grad says {float(grads['b2']):+.4f}, finite difference {fd:+.4f}")

# ---- 3. vmap: per-example gradients ------------------------------------------------------------
# loss works on a single example too, so vmap over the examples gives one gradient each.

heading("3. fl.vmap: per-example gradients")
per_example_grad = fl.vmap(fl.grad(loss), in_axes=(None, 0))  # params shared, batch mapped
pe_grads = per_example_grad(params, batch)
for name, g in pe_grads.items():
    print(f"per-example d loss / d {name}: shape {g.shape}")

# Their mean is the full-batch gradient.
mean_grads = tree_map(lambda g: jnp.mean(g, axis=0), pe_grads)
diff = max(float(jnp.max(jnp.abs(a - b)))
           for a, b in zip(tree_leaves(mean_grads), tree_leaves(grads)))
print(f"max |mean(per-example) - full batch| = {diff:.1e}")

# Per-example gradient norms, as used for gradient clipping in differentially private SGD.
sq_norms = sum(jnp.sum(g.reshape(N_EXAMPLES, -1) ** 2, axis=1) for g in tree_leaves(pe_grads))
norms = np.sqrt(np.asarray(sq_norms))
print(f"per-example gradient norms: min {norms.min():.3f}, "
      f"median {np.median(norms):.3f}, max {norms.max():.3f}")

# ---- 4. jit: compile the training step ---------------------------------------------------------

LEARNING_RATE = 0.1


def sgd_step(params: dict, batch: tuple) -> tuple:
    """One step of gradient descent; returns the new params and the loss before the step."""
    value, grads = fl.value_and_grad(loss)(params, batch)
    new_params = tree_map(lambda p, g: p - LEARNING_RATE * g, params, grads)
    return new_params, value


heading("4. fl.jit: compiled training step")
sgd_step_jit = fl.jit(sgd_step)


def time_per_call(fn, *args, repeat: int = 200) -> float:
    fn(*args)  # warm up (for the jitted function: trace and compile once)
    start = time.perf_counter()
    for _ in range(repeat):
        fn(*args)
    return (time.perf_counter() - start) / repeat


t_eager = time_per_call(sgd_step, params, batch)
t_jit = time_per_call(sgd_step_jit, params, batch)
print(f"eager step: {t_eager * 1e6:7.1f} us per call")
print(f"jit step:   {t_jit * 1e6:7.1f} us per call  ({t_eager / t_jit:.1f}x faster)")

# Both compute the same thing.
p_eager, l_eager = sgd_step(params, batch)
p_jit, l_jit = sgd_step_jit(params, batch)
diff = max(float(jnp.max(jnp.abs(a - b))) for a, b in zip(tree_leaves(p_eager), tree_leaves(p_jit)))
print(f"max |eager - jit| over the new params: {diff:.1e}")

heading("5. Training with the jitted step")
for step in range(1001):
    params, value = sgd_step_jit(params, batch)
    if step % 200 == 0:
        print(f"step {step:4d}  loss {float(value):.4f}")
print(f"traces of the step function: {sgd_step_jit.cache_size()} (later calls reuse it)")

# Fresh points from the same function, never seen in training.
x_new = rng.uniform(-2.0, 2.0, size=(1000, N_IN)).astype(np.float32)
y_new = (np.sin(2.0 * x_new[:, 0]) * np.cos(x_new[:, 1])).astype(np.float32)
print(f"loss on 1000 new points: {float(loss(params, (jnp.asarray(x_new), y_new))):.4f}")

# Calling with a new shape traces again, and the jitted function records why.
sgd_step_jit(params, (batch[0][:16], batch[1][:16]))
print("a batch of 16 examples needed a new trace, because:")
for reason in sgd_step_jit.retrace_reasons[-1].split("; "):
    print("   ", reason)

# ---- 6. Reading what jit runs ------------------------------------------------------------------
# jit traces the step once, optimises the program and turns it into plain Python of numpy
# calls (``xp`` is numpy). This is the whole step: forward, backward and update.

heading("6. The code jit generated for sgd_step")
lowered = sgd_step_jit.lower(params, batch)
source = lowered.as_text()
# The generated function takes the captured constants, then every leaf of the arguments.
arg_names = source.split("(", 1)[1].split(")", 1)[0].split(", ")
labels = ["a constant"] * len(lowered.consts)
labels += [f"params[{k!r}]" for k in sorted(params)] + ["x", "y"]
pairs = [f"{a} = {lbl}" for a, lbl in zip(arg_names, labels)]
for i in range(0, len(pairs), 4):
    print("arguments: " if i == 0 else " " * 11, end="")
    print(", ".join(pairs[i:i + 4]))
print()
print(source)

# ---- 7. make_jaxpr -----------------------------------------------------------------------------
# The intermediate representation jit starts from, before any optimisation.

heading("7. fl.make_jaxpr(fl.grad(loss))(params, batch)")
print(fl.make_jaxpr(fl.grad(loss))(params, batch))
