# ruff: noqa: E402, E501, E702, I001, UP008, UP031, UP032, B007
"""Seed document 001 (PyTorch 基本操作与实例), code blocks 5, 6 and 7 -- FAQ 3.2.8.1 "how to use
the GPU": pick a device, move data and a model to it, and take an optimizer step there.

Blocks 6 and 7 use ``Net``, ``optimizer``, ``y`` and ``t`` from elsewhere in the document
without defining them here; the added lines take ``Net`` from section 3.2.3.3 (block 3) and
give it a regression target. On a machine without a GPU (CuPy seeing none) the device is the
CPU and everything below runs there.

    python examples/seeds/001_5_gpu_device.py
    python -m functorch_lite.torch examples/seeds/001_5_gpu_device.py
"""
# Preamble (not in the document): run directly, `import torch` resolves to functorch_lite.torch.
from functorch_lite.torch._runner import install; install()

# --- code block 5 ----------------------------------------------------------------------------
import torch
if torch.cuda.is_available():
   device = torch.device("cuda")
else:
   device = torch.device("cpu")

# --- added: the network of block 3 (section 3.2.3.3), which block 6 moves to the device -------
import torch.nn as nn

torch.manual_seed(0)

class Net(nn.Module):
   def __init__(self):
       super(Net, self).__init__()
       self.fc1 = nn.Linear(2, 3)
       self.fc2 = nn.Linear(3, 2)

   def forward(self, x):
       x = torch.relu(self.fc1(x))
       x = self.fc2(x)
       return x

# --- code block 6 ----------------------------------------------------------------------------
x = torch.tensor([1.0, 2, 3], device=device)
net = Net().to(device)

# --- added: what block 7 uses: an optimizer, the prediction y and the target t ---------------
optimizer = torch.optim.SGD(net.parameters(), lr=0.05)
inputs = torch.tensor([[1.0, 2.0], [2.0, 1.0]], device=device)
t = torch.tensor([[3.0, 5.0], [4.0, 1.0]], device=device)
first = None
for step in range(100):
    y = net(inputs)

    # --- code block 7 (the document's single step, repeated) -------------------------------
    optimizer.zero_grad()
    loss = ((y - t) ** 2).sum() / 2
    loss.backward()
    optimizer.step()

    first = loss.item() if first is None else first  # added

# --- added: the result ---------------------------------------------------------------------
final = (((net(inputs) - t) ** 2).sum() / 2).item()
print(f"device: {device}; x on {x.device}; parameters on {next(net.parameters()).device}")
print(f"loss: first step {first:.4f}, after 100 steps {final:.4f}")
