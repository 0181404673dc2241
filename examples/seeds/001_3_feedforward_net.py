# ruff: noqa: E402, E501, E702, I001, UP008, UP031, UP032, B007
"""Seed document 001 (PyTorch 基本操作与实例), code block 3 -- section 3.2.3.3: a small
feed-forward network (2 -> 3 -> 2 with a ReLU).

The block calls ``torch.relu`` but imports only ``torch.nn`` (FIX below). The document builds
the network and stops; the added lines run it on a batch and take one gradient step.

    python examples/seeds/001_3_feedforward_net.py
    python -m functorch_lite.torch examples/seeds/001_3_feedforward_net.py
"""
# Preamble (not in the document): run directly, `import torch` resolves to functorch_lite.torch.
from functorch_lite.torch._runner import install; install()

import torch  # FIX: `forward` uses torch.relu; the block does not import torch

torch.manual_seed(0)  # added: the same initial weights on every run

# --- code block 3 (section 3.2.3.3) ---------------------------------------------------------
import torch.nn as nn

class Net(nn.Module):
   def __init__(self):
       super(Net, self).__init__()
       self.fc1 = nn.Linear(2, 3)
       self.fc2 = nn.Linear(3, 2)

   def forward(self, x):
       x = torch.relu(self.fc1(x))
       x = self.fc2(x)
       return x

net = Net()

# --- added: run it ---------------------------------------------------------------------------
print(net)
inputs = torch.randn(4, 2)
outputs = net(inputs)
print(f"outputs: shape {tuple(outputs.shape)}, grad_fn {outputs.grad_fn.name()}")
loss = outputs.pow(2).mean()
loss.backward()
print(f"fc1.weight.grad shape {tuple(net.fc1.weight.grad.shape)}")
with torch.no_grad():
    for p in net.parameters():
        p -= 0.1 * p.grad
print(f"loss before {loss.item():.4f}, after one gradient step {net(inputs).pow(2).mean().item():.4f}")
