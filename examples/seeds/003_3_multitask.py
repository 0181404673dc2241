# ruff: noqa: E402, E501, E702, I001, UP008, UP031, UP032, B007
"""Seed document 003 (PyTorch 开源社区与生态), code block 3 -- FAQ "PyTorch如何实现多任务学习":
a model with two 2-way output heads on a shared trunk (``ConvLayer`` from code block 1), one
loss per head, and a training loop.

What the block gets wrong (FIX below):
- ``model`` is never created from ``MultiTaskModel`` (and ``optimizer``, ``train_loader`` are
  not defined in the block): added.
- ``loss1.backward(); optimizer.step(); loss2.backward()`` fails: the first ``backward`` frees
  the shared trunk's graph ("Trying to backward through the graph a second time"), and the
  ``step`` in between changes the weights that ``loss2``'s graph saved. The first backward keeps
  the graph (``retain_graph=True``) and one step follows both, so the update uses the sum of
  both heads' gradients.

The heads have 2 outputs, so the labels must be 0 or 1 (``ignore_index=-1`` skips -1): the
added data are the 11x11 digits of code block 1 labelled 1 for 5-9 and 0 for 0-4. As in the
document, both heads learn from the same labels.

    python examples/seeds/003_3_multitask.py [--quick]
    python -m functorch_lite.torch examples/seeds/003_3_multitask.py [--quick]
"""
# Preamble (not in the document): run directly, `import torch` resolves to functorch_lite.torch.
from functorch_lite.torch._runner import install; install()

# --- added: code block 1's imports and ConvLayer, which this block uses -----------------------
import torch
import torch.nn as nn
import torch.optim as optim

class ConvLayer(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride, padding):
        super(ConvLayer, self).__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding)
        self.relu = nn.ReLU()

    def forward(self, x):
        x = self.conv(x)
        x = self.relu(x)
        return x

# --- code block 3 ----------------------------------------------------------------------------
# 定义一个多输出层的模型
class MultiTaskModel(nn.Module):
    def __init__(self):
        super(MultiTaskModel, self).__init__()
        self.conv1 = ConvLayer(1, 32, 3, 1, 0)
        self.conv2 = ConvLayer(32, 64, 3, 1, 0)
        self.fc1 = nn.Linear(64 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, 2)  # 定义两个输出层
        self.fc3 = nn.Linear(128, 2)  # 定义两个输出层

    def forward(self, x):
        x = self.conv1(x)
        x = self.conv2(x)
        x = x.view(x.size(0), -1)
        x = self.fc1(x)
        x1 = self.fc2(x)
        x2 = self.fc3(x)
        return x1, x2

# --- added (FIX): the model, optimizer and data the block uses but never defines -------------
from _data import binary_digits, evaluate, plot_losses

torch.manual_seed(0)
model = MultiTaskModel()
optimizer = optim.SGD(model.parameters(), lr=0.01)
train_loader = torch.utils.data.DataLoader(binary_digits(train=True), batch_size=16, shuffle=True)
test_loader = torch.utils.data.DataLoader(binary_digits(train=False), batch_size=355)
losses = []

# 定义多任务损失函数
criterion = nn.CrossEntropyLoss(ignore_index=-1)

# 训练模型
for epoch in range(10):
    for i, (inputs, labels) in enumerate(train_loader):
        outputs1, outputs2 = model(inputs)
        loss1 = criterion(outputs1, labels)
        loss2 = criterion(outputs2, labels)

        optimizer.zero_grad()
        loss1.backward(retain_graph=True)  # FIX: keep the shared graph for loss2's backward
        # optimizer.step()  FIX: one step after both backward passes (see the docstring)
        loss2.backward()
        optimizer.step()
        losses.append(loss1.item() + loss2.item())  # added: the loss curve

    head1 = evaluate(model, test_loader)  # added: progress (evaluate() scores the first head)
    print(f"epoch {epoch + 1}/10: loss1 {loss1.item():.4f}, loss2 {loss2.item():.4f}, "
          f"head 1 test accuracy {head1:.3f}")

# --- added: the result ---------------------------------------------------------------------
with torch.no_grad():
    model.eval()
    inputs, labels = next(iter(test_loader))
    outputs1, outputs2 = model(inputs)
    accuracy1 = (outputs1.argmax(dim=1) == labels).float().mean().item()
    accuracy2 = (outputs2.argmax(dim=1) == labels).float().mean().item()
plot_losses(losses, "003_3_multitask")
print(f"first loss: {losses[0]:.4f}")
print(f"final loss: {losses[-1]:.4f}")
print(f"test accuracy: {accuracy1:.3f} (head 1), {accuracy2:.3f} (head 2)")
