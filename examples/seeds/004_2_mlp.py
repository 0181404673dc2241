# ruff: noqa: E402, E501, E702, I001, UP008, UP031, UP032, B007
"""Seed document 004 (PyTorch 基本操作和实例), code block 2 -- section 4.2: a multilayer perceptron
(2 -> 5 -> 2 with a ReLU) fitted to five points with MSE and SGD, 1000 epochs (the targets are
the inputs: the network learns the identity on them).

What the block gets wrong (FIX below): ``model`` is never created (``MLP()``), and the loop never
calls ``optimizer.zero_grad()``, so the gradients of all earlier epochs add up.

    python examples/seeds/004_2_mlp.py
    python -m functorch_lite.torch examples/seeds/004_2_mlp.py
"""
# Preamble (not in the document): run directly, `import torch` resolves to functorch_lite.torch.
from functorch_lite.torch._runner import install; install()

# --- code block 2 (section 4.2) -------------------------------------------------------------
import torch
import torch.nn as nn
import torch.optim as optim

torch.manual_seed(0)  # added: the same initial weights on every run
losses = []  # added: the loss curve

# 创建数据集
x = torch.tensor([[1.0, 2.0], [2.0, 3.0], [3.0, 4.0], [4.0, 5.0], [5.0, 6.0]], dtype=torch.float32)
y = torch.tensor([[1.0, 2.0], [2.0, 3.0], [3.0, 4.0], [4.0, 5.0], [5.0, 6.0]], dtype=torch.float32)

# 创建模型
class MLP(nn.Module):
    def __init__(self):
        super(MLP, self).__init__()
        self.fc1 = nn.Linear(2, 5)
        self.fc2 = nn.Linear(5, 2)

    def forward(self, x):
        x = torch.relu(self.fc1(x))
        x = self.fc2(x)
        return x

model = MLP()  # FIX: the document never creates the model

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

plot_losses(losses, "004_2_mlp", xlabel="epoch")
with torch.no_grad():
    print(f"predictions:\n{model(x)}")
print(f"first loss: {losses[0]:.4f}")
print(f"final loss: {losses[-1]:.6f}")
