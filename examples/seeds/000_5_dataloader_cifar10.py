# ruff: noqa: E402, E501, E702, I001, UP008, UP031, UP032, B007
"""Seed document 000 (PyTorch 开发环境搭建), code block 5 -- section 4.2: CIFAR-10 through
``torchvision.datasets.CIFAR10`` and a ``DataLoader``, and a training loop over it.

``download=True`` needs the network; here the digits are written in CIFAR-10's own file format
under ``./data`` first (see _data.py), and the facade's ``CIFAR10`` reads them from there. The
loop body is only comments in the document (``# 进行训练 # ...``), which Python rejects: the
lines marked FIX train a linear classifier (``nn.Linear(3 * 32 * 32, 10)``) on the batches.

    python examples/seeds/000_5_dataloader_cifar10.py [--quick]
    python -m functorch_lite.torch examples/seeds/000_5_dataloader_cifar10.py [--quick]
"""
# Preamble (not in the document): run directly, `import torch` resolves to functorch_lite.torch.
from functorch_lite.torch._runner import install; install()

import torch  # added: used by the model and optimizer the loop trains
import torch.nn as nn
import torchvision  # FIX: the block uses torchvision without importing it

# --- added: the digits in CIFAR-10's files where the document downloads CIFAR-10 -------------
from _data import QUICK, evaluate, plot_losses, write_cifar10

torch.manual_seed(0)
write_cifar10("./data")

# --- code block 5 (section 4.2) -------------------------------------------------------------
from torch.utils.data import DataLoader

# 创建一个数据集
dataset = torchvision.datasets.CIFAR10(root='./data', train=True, download=True, transform=torchvision.transforms.ToTensor())

# 创建一个 DataLoader
train_loader = DataLoader(dataset, batch_size=64, shuffle=True)

# added: the model the loop trains, and a test set to check it on
model = nn.Linear(3 * 32 * 32, 10)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
losses = []

# 在训练循环中使用 DataLoader
for epoch in range(1 if QUICK else 3):  # added: a few passes over the data
    for i, (inputs, labels) in enumerate(train_loader):
        # 进行训练
        # ...
        outputs = model(inputs.view(inputs.size(0), -1))  # FIX: the loop body (from here)
        loss = criterion(outputs, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    print(f"epoch {epoch + 1}: {i + 1} batches of {tuple(inputs.shape)}, loss {loss.item():.4f}")

# --- added: the result ---------------------------------------------------------------------
testset = torchvision.datasets.CIFAR10(root='./data', train=False, transform=torchvision.transforms.ToTensor())
test_loader = DataLoader(testset, batch_size=355)
flat = nn.Sequential(nn.Flatten(), model)  # the same weights, fed whole images
accuracy = evaluate(flat, test_loader)
plot_losses(losses, "000_5_dataloader_cifar10")
print(f"first loss: {losses[0]:.4f}")
print(f"final loss: {losses[-1]:.4f}")
print(f"test accuracy: {accuracy:.3f}")
