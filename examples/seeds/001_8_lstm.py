# ruff: noqa: E402, E501, E702, I001, UP008, UP031, UP032, B007
"""Seed document 001 (PyTorch 基本操作与实例), code block 8 -- FAQ 3.2.8.2 "how to implement an
LSTM": a two-layer ``nn.LSTM`` (10 inputs, 20 hidden, batch_first) whose last time step feeds a
5-way ``nn.Linear``.

The document stops at the class. The added lines train it on real sequences that fit its
shapes: the digits 0-4 resized to 10x10 and read row by row, top to bottom (10 time steps of
10 pixels; see _data.py), classified into their 5 classes.

    python examples/seeds/001_8_lstm.py [--quick]
    python -m functorch_lite.torch examples/seeds/001_8_lstm.py [--quick]
"""
# Preamble (not in the document): run directly, `import torch` resolves to functorch_lite.torch.
from functorch_lite.torch._runner import install; install()

import torch  # added: used by the added training code

# --- code block 8 (FAQ 3.2.8.2) -------------------------------------------------------------
import torch.nn as nn

class Net(nn.Module):
   def __init__(self):
       super(Net, self).__init__()
       self.lstm = nn.LSTM(input_size=10, hidden_size=20, num_layers=2, batch_first=True)
       self.fc = nn.Linear(20, 5)

   def forward(self, x):
       out, _ = self.lstm(x)
       out = self.fc(out[:, -1, :])
       return out

# --- added: train it on the digits 0-4, read as sequences of rows -----------------------------
from _data import QUICK, digit_rows, evaluate, plot_losses, progress

torch.manual_seed(0)
net = Net()
train_loader = torch.utils.data.DataLoader(digit_rows(train=True), batch_size=32, shuffle=True)
test_loader = torch.utils.data.DataLoader(digit_rows(train=False), batch_size=200)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(net.parameters(), lr=0.01)
losses = []
num_epochs = 15 if QUICK else 8  # --quick: ~60 training sequences, more passes
for epoch in range(num_epochs):
    for inputs, labels in progress(train_loader, leave=False):  # (batch, 10 steps, 10 features)
        optimizer.zero_grad()
        loss = criterion(net(inputs), labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    accuracy = evaluate(net, test_loader)
    print(f"epoch {epoch + 1}/{num_epochs}: loss {loss.item():.4f}, test accuracy {accuracy:.3f}")

plot_losses(losses, "001_8_lstm")
print(f"first loss: {losses[0]:.4f}")
print(f"final loss: {losses[-1]:.4f}")
print(f"test accuracy: {accuracy:.3f}")
