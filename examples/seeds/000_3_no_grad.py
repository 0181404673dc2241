# ruff: noqa: E402, E501, E702, I001, UP008, UP031, UP032, B007
"""Seed document 000 (PyTorch 开发环境搭建), code block 3 -- section 3.3: computing under
``with torch.no_grad():``.

The block's body is only comments, which Python rejects (a ``with`` needs a statement), and
its comment says the opposite of what ``no_grad`` does: inside it autograd records nothing
(that is why it saves memory, as the prose around the block says). The lines marked FIX and
added give the block a body and show the difference.

    python examples/seeds/000_3_no_grad.py
    python -m functorch_lite.torch examples/seeds/000_3_no_grad.py
"""
# Preamble (not in the document): run directly, `import torch` resolves to functorch_lite.torch.
from functorch_lite.torch._runner import install; install()

import torch  # the document imports it in block 1
import torch.nn as nn  # added: a model to compute with (block 1's SimpleNet layers)

# --- added: a model and a batch of MNIST-shaped test digits -------------------------------
from _data import mnist_like

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
inputs, labels = mnist_like(train=False, flatten=True)[:8]
outputs = model(inputs)  # with autograd: the result has a graph to backpropagate through
print(f"outside no_grad: requires_grad={outputs.requires_grad}, grad_fn={outputs.grad_fn.name()}")

# --- code block 3 (section 3.3) -------------------------------------------------------------
with torch.no_grad():
    # 在这里进行计算，PyTorch 会自动记录计算图
    # FIX: the comment above is wrong: under no_grad PyTorch records NO graph.
    # ...
    outputs = model(inputs)  # FIX: a `with` block of comments only is a SyntaxError

# --- added: the result ---------------------------------------------------------------------
print(f"inside no_grad: requires_grad={outputs.requires_grad}, grad_fn={outputs.grad_fn}")
print(f"predictions of the untrained model: {outputs.argmax(dim=1).tolist()}")
