# ruff: noqa: E402, E501, E702, I001, UP008, UP031, UP032, B007
"""Seed document 000 (PyTorch 开发环境搭建), code blocks 1 and 2 -- sections 3.1 and 3.2, repeated
word for word as blocks 6 and 7 in the FAQ (8.1, 8.2): the 784-128-10 MLP ``SimpleNet`` and its
Adam training loop, trained on MNIST-shaped digits (scikit-learn's 8x8 digits in a 28x28 frame,
flattened to the 784 inputs ``fc1`` takes; see _data.py).

The document never defines ``dataset``, ``model`` or ``num_epochs`` and leaves the validation
loop as ``# ...``: the lines marked "added" supply them.

    python examples/seeds/000_2_simple_net_training.py [--quick]
    python -m functorch_lite.torch examples/seeds/000_2_simple_net_training.py [--quick]
"""
# Preamble (not in the document): run directly, `import torch` resolves to functorch_lite.torch.
from functorch_lite.torch._runner import install; install()

# --- code block 1 (section 3.1) -------------------------------------------------------------
import torch
import torch.nn as nn
import torch.nn.functional as F

class SimpleNet(nn.Module):
    def __init__(self):
        super(SimpleNet, self).__init__()
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = self.fc2(x)
        return x

# --- added: what block 2 uses but the document never defines ---------------------------------
from _data import QUICK, evaluate, mnist_like, plot_losses

torch.manual_seed(0)
dataset = mnist_like(train=True, flatten=True)  # (784,) float32 images, int64 labels
test_loader = torch.utils.data.DataLoader(mnist_like(train=False, flatten=True), batch_size=355)
model = SimpleNet()
num_epochs = 5 if QUICK else 10
losses = []

# --- code block 2 (section 3.2) -------------------------------------------------------------
# 数据加载
train_loader = torch.utils.data.DataLoader(dataset, batch_size=64, shuffle=True)

# 损失函数定义
criterion = nn.CrossEntropyLoss()

# 优化器定义
optimizer = torch.optim.Adam(model.parameters(), lr=0.001)

# 训练循环
for epoch in range(num_epochs):
    for i, (inputs, labels) in enumerate(train_loader):
        # 前向传播
        outputs = model(inputs)
        loss = criterion(outputs, labels)

        # 反向传播
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())  # added: the loss curve

    # 验证循环
    # ...
    # added: the validation the document leaves out (evaluate() runs under torch.no_grad())
    accuracy = evaluate(model, test_loader)
    print(f"epoch {epoch + 1}/{num_epochs}: loss {loss.item():.4f}, "
          f"test accuracy {accuracy:.3f}")

# --- added: the result ---------------------------------------------------------------------
plot_losses(losses, "000_2_simple_net_training")
print(f"first loss: {losses[0]:.4f}")
print(f"final loss: {losses[-1]:.4f}")
print(f"test accuracy: {accuracy:.3f}")
