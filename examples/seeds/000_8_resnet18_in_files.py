# ruff: noqa: E402, E501, E702, I001, UP008, UP031, UP032, B007
"""Seed document 000 (PyTorch 开发环境搭建), code block 8 -- FAQ 8.3, the same example as
block 4 (000_8_resnet18_in_files.py) with a typo: ``resnet.fc.in_files`` (an AttributeError;
the attribute is ``in_features``). Load a pretrained ResNet-18, replace its last layer by a
10-class ``nn.Linear``, and fine-tune it (the document's ``# 训练循环 # ...``) on CIFAR-shaped
digits (32x32 RGB, see _data.py).

``pretrained=True`` reads ImageNet weights from a local file only (functorch_lite never
downloads; the error says where to put the file). Without that file the added ``except``
falls back to random initial weights, so the rest runs anyway.

    python examples/seeds/000_8_resnet18_in_files.py [--quick]
    python -m functorch_lite.torch examples/seeds/000_8_resnet18_in_files.py [--quick]
"""
# Preamble (not in the document): run directly, `import torch` resolves to functorch_lite.torch.
from functorch_lite.torch._runner import install; install()

import torch  # added: used by the added training loop
import torch.nn as nn  # FIX: the block uses nn without importing it (block 1 does)

# --- code block 8 (FAQ 8.3) -----------------------------------------------------------------
import torchvision.models as models

# 加载 ResNet 预训练模型
try:  # added: no network here; see the module docstring
    resnet = models.resnet18(pretrained=True)
except RuntimeError as e:
    print(f"no local ImageNet weights ({str(e).split('. ')[0]}); starting from random weights")
    resnet = models.resnet18(pretrained=False)

# 替换最后的全连接层
num_ftrs = resnet.fc.in_features  # FIX: the document has `in_files` (no such attribute)
resnet.fc = nn.Linear(num_ftrs, 10)

# 训练循环
# ...
# --- added: the training loop the document leaves out ----------------------------------------
import torchvision
import torchvision.transforms as transforms
from _data import QUICK, evaluate, plot_losses, write_cifar10

torch.manual_seed(0)
write_cifar10("./data")  # the digits in CIFAR-10's file format
transform = transforms.ToTensor()
trainset = torchvision.datasets.CIFAR10(root="./data", train=True, transform=transform)
testset = torchvision.datasets.CIFAR10(root="./data", train=False, transform=transform)
trainloader = torch.utils.data.DataLoader(trainset, batch_size=64, shuffle=True)
testloader = torch.utils.data.DataLoader(testset, batch_size=120)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(resnet.parameters(), lr=0.01, momentum=0.9)
steps = 1 if QUICK else 10
losses = []
resnet.train()
while len(losses) < steps:
    for inputs, labels in trainloader:
        optimizer.zero_grad()
        loss = criterion(resnet(inputs), labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        print(f"step {len(losses)}/{steps}: loss {losses[-1]:.4f}")
        if len(losses) == steps:
            break
accuracy = evaluate(resnet, testloader, max_batches=1 if QUICK else None)
plot_losses(losses, "000_8_resnet18_in_files")
print(f"first loss: {losses[0]:.4f}")
print(f"final loss: {losses[-1]:.4f}")
print(f"test accuracy: {accuracy:.3f}")
