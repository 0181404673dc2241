# ruff: noqa: E402, E501, E702, I001, UP008, UP031, UP032, B007
"""Seed document 001 (PyTorch 基本操作与实例), code block 4 -- section 3.2.4.1: image
classification on CIFAR-10 with the classic LeNet-style CNN (conv 5x5 -> pool -> conv 5x5 ->
pool -> 120 -> 84 -> 10), SGD with momentum, 10 epochs.

``download=True`` needs the network; here the digits are written in CIFAR-10's own file format
under ``./data`` first (32x32 RGB, see _data.py).

The settings are the document's, made for CIFAR-10's 50000 images (500 steps per epoch). On the
1442 digits, 10 epochs are only 150 SGD steps, and at ``lr=0.001`` this LeNet is still on its
initial plateau then (loss about 2.30, accuracy near chance; without the random flips and crops
it leaves the plateau after about 400 steps and reaches about 80% after 600). The script keeps
the document's numbers rather than tuning them. The block uses ``torch``, ``nn`` and ``F``
without importing them (FIX below). The document defines ``testloader`` and ``classes`` but
never uses them; the added lines report the test accuracy. (The document's test set also
applies the random flips and crops of training; that is kept as written.)

    python examples/seeds/001_4_cifar10_cnn.py [--quick]
    python -m functorch_lite.torch examples/seeds/001_4_cifar10_cnn.py [--quick]
"""
# Preamble (not in the document): run directly, `import torch` resolves to functorch_lite.torch.
from functorch_lite.torch._runner import install; install()

import torch  # FIX: the block uses torch.utils.data without importing torch
import torch.nn as nn  # FIX: ... and nn
import torch.nn.functional as F  # FIX: ... and F

# --- added: the digits in CIFAR-10's files where the document downloads CIFAR-10 -------------
from _data import evaluate, plot_losses, write_cifar10

torch.manual_seed(0)
write_cifar10("./data")
losses = []

# --- code block 4 (section 3.2.4.1) ---------------------------------------------------------
import torchvision
import torchvision.transforms as transforms

# Load and normalize the CIFAR-10 dataset
transform = transforms.Compose([transforms.RandomHorizontalFlip(),
                              transforms.RandomCrop(32, padding=4),
                              transforms.ToTensor(),
                              transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
trainset = torchvision.datasets.CIFAR10(root='./data', train=True, download=True, transform=transform)
trainloader = torch.utils.data.DataLoader(trainset, batch_size=100, shuffle=True)

testset = torchvision.datasets.CIFAR10(root='./data', train=False, download=True, transform=transform)
testloader = torch.utils.data.DataLoader(testset, batch_size=100, shuffle=False)

classes = ('plane', 'car', 'bird', 'cat', 'deer',
          'dog', 'frog', 'horse', 'ship', 'truck')

# Define a convolutional neural network
class Net(nn.Module):
   def __init__(self):
       super(Net, self).__init__()
       self.conv1 = nn.Conv2d(3, 6, 5)
       self.pool = nn.MaxPool2d(2, 2)
       self.conv2 = nn.Conv2d(6, 16, 5)
       self.fc1 = nn.Linear(16 * 5 * 5, 120)
       self.fc2 = nn.Linear(120, 84)
       self.fc3 = nn.Linear(84, 10)

   def forward(self, x):
       x = self.pool(F.relu(self.conv1(x)))
       x = self.pool(F.relu(self.conv2(x)))
       x = x.view(-1, 16 * 5 * 5)
       x = F.relu(self.fc1(x))
       x = F.relu(self.fc2(x))
       x = self.fc3(x)
       return x

net = Net()

# Define a loss function and optimizer
import torch.optim as optim

criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)

# Train the network
for epoch in range(10):  # loop over the dataset multiple times

   running_loss = 0.0
   for i, data in enumerate(trainloader, 0):
       inputs, labels = data

       optimizer.zero_grad()

       outputs = net(inputs)
       loss = criterion(outputs, labels)
       loss.backward()
       optimizer.step()

       running_loss += loss.item()
       losses.append(loss.item())  # added: the loss curve
   print('Epoch %d loss: %.3f' % (epoch + 1, running_loss / len(trainloader)))

print('Finished Training')

# --- added: the result (the classes here are the digits 0-9, not CIFAR's names) ------------
accuracy = evaluate(net, testloader)
plot_losses(losses, "001_4_cifar10_cnn")
print(f"first loss: {losses[0]:.4f}")
print(f"final loss: {losses[-1]:.4f}")
print(f"test accuracy: {accuracy:.3f}")
