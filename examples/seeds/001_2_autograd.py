# ruff: noqa: E402, E501, E702, I001, UP008, UP031, UP032, B007
"""Seed document 001 (PyTorch 基本操作与实例), code block 2 -- section 3.2.3.2: backpropagation
through ``y = w * x + b`` and the loss ``J = sum((y - t)^2) / 2``.

The code runs as written; its comments claim the wrong gradients (FIX below): with
``y - t = [1, 2]``, ``dJ/dw = (y - t) * x = [1, 4]`` and ``dJ/db = sum(y - t) = 3`` (``b`` is a
0-dimensional tensor, so its gradient prints as ``tensor(3.)``).

    python examples/seeds/001_2_autograd.py
    python -m functorch_lite.torch examples/seeds/001_2_autograd.py
"""
# Preamble (not in the document): run directly, `import torch` resolves to functorch_lite.torch.
from functorch_lite.torch._runner import install; install()

# --- code block 2 (section 3.2.3.2) ---------------------------------------------------------
import torch

# Define a function y = wx + b
w = torch.tensor([1.0, 2.0], requires_grad=True)
b = torch.tensor(3.0, requires_grad=True)
x = torch.tensor([1.0, 2.0], requires_grad=False)
y = w * x + b

# Compute the loss function J = (1/2) * sum((y - t)^2)
t = torch.tensor([3.0, 5.0], requires_grad=False)
loss = ((y - t) ** 2).sum() / 2

# Perform backpropagation to compute gradients
loss.backward()

# Print gradients
print(w.grad)  # prints tensor([1., 4.])   FIX: the document says tensor([2., 4.])
print(b.grad)  # prints tensor(3.)         FIX: the document says tensor([10.])

# --- added: the same gradients by hand -----------------------------------------------------
residual = (w * x + b - t).detach()
print(f"by hand: dJ/dw = {(residual * x).tolist()}, dJ/db = {residual.sum().item()}")
print(f"loss: {loss.item()}")
