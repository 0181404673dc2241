# ruff: noqa: E402, E501, E702, I001, UP008, UP031, UP032, B007
"""Seed document 001 (PyTorch 基本操作与实例), code block 1 -- section 3.2.3.1: create a tensor on
the CPU, and on the GPU when one is available (``torch.cuda.is_available()`` is True only where
CuPy sees a GPU; otherwise the tensor stays on the CPU).

    python examples/seeds/001_1_tensor_creation.py
    python -m functorch_lite.torch examples/seeds/001_1_tensor_creation.py
"""
# Preamble (not in the document): run directly, `import torch` resolves to functorch_lite.torch.
from functorch_lite.torch._runner import install; install()

# --- code block 1 (section 3.2.3.1) ---------------------------------------------------------
import torch

# Create a tensor on the CPU
x = torch.tensor([1.0, 2, 3])

# Create a tensor on the GPU (if available)
if torch.cuda.is_available():
   x = torch.tensor([1.0, 2, 3], device='cuda')

# --- added: the result ---------------------------------------------------------------------
print(f"cuda available: {torch.cuda.is_available()}")
print(f"x = {x}, dtype={x.dtype}, device={x.device}, shape={tuple(x.shape)}")
