# ruff: noqa: E402, E501, E702, I001, UP008, UP031, UP032, B007
"""Seed document 003 (PyTorch 开源社区与生态), code block 2 -- FAQ "PyTorch如何保存和加载模型":
``torch.save(model.state_dict(), 'model.pth')`` and ``model.load_state_dict(torch.load(...))``.

The block's ``model`` is the section-4 ``SimpleCNN`` (code block 1); the added lines build one,
save it, and load the file into a second, freshly initialised ``SimpleCNN``, which then
computes the same outputs. functorch_lite writes the safetensors layout (no pickle; the
``.pth`` name is kept), so the file is written in the working directory and read back without
running any code from it.

    python examples/seeds/003_2_save_load.py
    python -m functorch_lite.torch examples/seeds/003_2_save_load.py
"""
# Preamble (not in the document): run directly, `import torch` resolves to functorch_lite.torch.
from functorch_lite.torch._runner import install; install()

# --- added: the model of code block 1 (section 4) ---------------------------------------------
import torch
import torch.nn as nn

torch.manual_seed(0)

class ConvLayer(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride, padding):
        super(ConvLayer, self).__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding)
        self.relu = nn.ReLU()

    def forward(self, x):
        x = self.conv(x)
        x = self.relu(x)
        return x

class SimpleCNN(nn.Module):
    def __init__(self):
        super(SimpleCNN, self).__init__()
        self.conv1 = ConvLayer(1, 32, 3, 1, 0)
        self.conv2 = ConvLayer(32, 64, 3, 1, 0)
        self.fc1 = nn.Linear(64 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.conv1(x)
        x = self.conv2(x)
        x = x.view(x.size(0), -1)
        x = self.fc1(x)
        x = self.fc2(x)
        return x

model = SimpleCNN()
inputs = torch.randn(4, 1, 11, 11)
with torch.no_grad():
    before = model(inputs)

# --- code block 2 ----------------------------------------------------------------------------
# 保存模型
torch.save(model.state_dict(), 'model.pth')

# --- added: load into a new model, whose random initial weights differ ----------------------
model = SimpleCNN()
with torch.no_grad():
    fresh = model(inputs)

# 加载模型
model.load_state_dict(torch.load('model.pth'))

# --- added: the result ---------------------------------------------------------------------
import os

with torch.no_grad():
    after = model(inputs)
print(f"saved model.pth: {os.path.getsize('model.pth')} bytes, "
      f"{len(model.state_dict())} tensors: {', '.join(model.state_dict())}")
print(f"max |difference| before loading: {(fresh - before).abs().max().item():.4f}")
print(f"max |difference| after loading: {(after - before).abs().max().item():.4f}")
