# ruff: noqa: E402, E501, E702, I001, UP008, UP031, UP032, B007
"""Seed document 002 (PyTorch 中文手册), code blocks 1-4 -- section 4 "具体代码实例": linear
regression on scikit-learn's ``make_regression`` data (imports, data, model, training; the four
blocks are one program). It runs as written; the added lines only fix the random data (the
document draws new data on every run) and report the fit. (Trailing spaces of the document's
lines are removed.) 100 epochs at lr=0.01 take the weight most of the way to the
least-squares slope, not all the way.

    python examples/seeds/002_1_linear_regression.py
    python -m functorch_lite.torch examples/seeds/002_1_linear_regression.py
"""
# Preamble (not in the document): run directly, `import torch` resolves to functorch_lite.torch.
from functorch_lite.torch._runner import install; install()

# --- code block 1: imports -------------------------------------------------------------------
import torch
import torch.nn as nn
import torch.optim as optim
from sklearn import datasets
from sklearn.preprocessing import StandardScaler

# --- added: the same data and initial weights on every run ----------------------------------
import numpy as np
from _data import plot_losses

np.random.seed(0)  # make_regression draws from numpy's global generator
torch.manual_seed(0)
losses = []

# --- code block 2: data ----------------------------------------------------------------------
X_train, y_train = datasets.make_regression(n_samples=100, n_features=1, noise=2)
scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
y_train = scaler.fit_transform(y_train.reshape(-1, 1))

# --- code block 3: model ---------------------------------------------------------------------
class LinearRegressionModel(nn.Module):
    def __init__(self, input_size, output_size):
        super(LinearRegressionModel, self).__init__()
        self.linear = nn.Linear(input_size, output_size)

    def forward(self, x):
        out = self.linear(x)
        return out

model = LinearRegressionModel(1, 1)
criterion = nn.MSELoss()
optimizer = optim.SGD(model.parameters(), lr=0.01)

# --- code block 4: training ------------------------------------------------------------------
epochs = 100
for epoch in range(epochs):
    inputs = X_train.astype('float32')
    labels = y_train.astype('float32')

    optimizer.zero_grad()
    outputs = model(torch.from_numpy(inputs).float())
    loss = criterion(outputs, torch.from_numpy(labels).float())
    loss.backward()
    optimizer.step()
    losses.append(loss.item())  # added: the loss curve

    if (epoch+1) % 10 == 0:
        print ('Epoch [{}/{}], Loss: {:.4f}'
              .format(epoch+1, epochs, loss.item()))

# --- added: the result: the least-squares line the training approaches ----------------------
slope = np.polyfit(X_train[:, 0], y_train[:, 0], 1)[0]
plot_losses(losses, "002_1_linear_regression", xlabel="epoch")
print(f"learned weight {model.linear.weight.item():.4f}, bias {model.linear.bias.item():.4f} "
      f"(least squares: weight {slope:.4f}, bias 0)")
print(f"first loss: {losses[0]:.4f}")
print(f"final loss: {losses[-1]:.4f}")
