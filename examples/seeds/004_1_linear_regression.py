# ruff: noqa: E402, E501, E702, I001, UP008, UP031, UP032, B007
"""Seed document 004 (PyTorch 基本操作和实例), code block 1 -- section 4.1: linear regression of
``y = 2x`` on five points with ``nn.Linear(1, 1)``, MSE and SGD, 1000 epochs.

What the block gets wrong (FIX below):
- ``model`` is never created (``LinearRegression()``): a NameError.
- ``x`` and ``y`` are 1-D (5 numbers), but ``nn.Linear(1, 1)`` takes a batch of 1-feature
  samples, ``(5, 1)``: the forward pass raises "mat1 and mat2 shapes cannot be multiplied
  (1x5 and 1x1)". The data get a feature axis (``unsqueeze(1)``).
- The loop never calls ``optimizer.zero_grad()``, so every step adds up all earlier gradients:
  the loss oscillates instead of converging (still about 30 after 1000 epochs). A
  ``zero_grad`` is added before ``backward``.

    python examples/seeds/004_1_linear_regression.py
    python -m functorch_lite.torch examples/seeds/004_1_linear_regression.py
"""
# Preamble (not in the document): run directly, `import torch` resolves to functorch_lite.torch.
from functorch_lite.torch._runner import install; install()

# --- code block 1 (section 4.1) -------------------------------------------------------------
import torch
import torch.nn as nn
import torch.optim as optim

torch.manual_seed(0)  # added: the same initial weights on every run
losses = []  # added: the loss curve

# 创建数据集
x = torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0], dtype=torch.float32)
y = torch.tensor([2.0, 4.0, 6.0, 8.0, 10.0], dtype=torch.float32)
x, y = x.unsqueeze(1), y.unsqueeze(1)  # FIX: (5, 1): five samples of one feature

# 创建模型
class LinearRegression(nn.Module):
    def __init__(self):
        super(LinearRegression, self).__init__()
        self.linear = nn.Linear(1, 1)

    def forward(self, x):
        return self.linear(x)

model = LinearRegression()  # FIX: the document never creates the model

# 创建损失函数和优化器
criterion = nn.MSELoss()
optimizer = optim.SGD(model.parameters(), lr=0.01)

# 训练模型
for epoch in range(1000):
    # 前向传播
    y_pred = model(x)
    # 计算损失
    loss = criterion(y_pred, y)
    # 反向传播
    optimizer.zero_grad()  # FIX: without it the gradients of all epochs add up
    loss.backward()
    # 更新参数
    optimizer.step()
    losses.append(loss.item())  # added
    if (epoch + 1) % 200 == 0:  # added: progress
        print(f"epoch {epoch + 1}: loss {loss.item():.6f}")

# --- added: the result ---------------------------------------------------------------------
from _data import plot_losses

plot_losses(losses, "004_1_linear_regression", xlabel="epoch")
print(f"learned y = {model.linear.weight.item():.4f} x + {model.linear.bias.item():.4f} "
      "(the data: y = 2 x)")
print(f"first loss: {losses[0]:.4f}")
print(f"final loss: {losses[-1]:.6f}")
