# ruff: noqa: E402, E501, E702, I001, UP008, UP031, UP032, B007
"""Seed document 001 (PyTorch 基本操作与实例), code block 9 -- FAQ 3.2.8.3 "how to implement
attention": score each item of a sequence with ``nn.Linear`` layers, turn the scores into
weights with ``nn.Softmax``, sum the items with those weights, and feed the context vector to a
GRU step.

Two things in the block are wrong (FIX below):
- ``self._forward_gru`` is called but never defined (an AttributeError); a GRU cell
  (``nn.GRUCell(50, 20)``) is added and ``_forward_gru`` steps it.
- ``nn.Softmax(dim=-1)`` normalises over the last axis of the ``(batch, seq, 1)`` scores, which
  has length 1, so every weight is 1.0 and the "attention" is a plain sum. The weights must be
  normalised over the sequence: ``dim=1``.

The document has no data; the added lines make a task that needs attention: each sample is 6
random 50-dim items, one flagged by a large first feature, and the class is which of features
1-5 is largest in the flagged item. The net must find the flagged item to answer.

    python examples/seeds/001_9_attention.py [--quick]
    python -m functorch_lite.torch examples/seeds/001_9_attention.py [--quick]
"""
# Preamble (not in the document): run directly, `import torch` resolves to functorch_lite.torch.
from functorch_lite.torch._runner import install; install()

import torch  # added: used by the added training code

# --- code block 9 (FAQ 3.2.8.3) -------------------------------------------------------------
import torch.nn as nn

class Net(nn.Module):
   def __init__(self):
       super(Net, self).__init__()
       self.linear1 = nn.Linear(50, 10)
       self.linear2 = nn.Linear(10, 1)
       self.softmax = nn.Softmax(dim=1)  # FIX: the document has dim=-1 (a length-1 axis: all weights 1.0)
       self.gru = nn.GRUCell(50, 20)  # FIX: the GRU that _forward_gru steps (missing in the document)

   def forward(self, inputs, hidden):
       attn_weights = self.softmax(self.linear2(self.linear1(inputs)))
       context_vector = (attn_weights * inputs).sum(dim=1)
       output = self._forward_gru(context_vector, hidden)
       return output

   def _forward_gru(self, context_vector, hidden):  # FIX: called above, never defined in the document
       return self.gru(context_vector, hidden)

# --- added: a task that needs attention, and training ----------------------------------------
from _data import QUICK, plot_losses, progress

torch.manual_seed(0)

def make_batch(n, seq=6):
    items = torch.randn(n, seq, 50)
    flagged = torch.randint(0, seq, (n,))
    items[:, :, 0] = 0.0
    items[torch.arange(n), flagged, 0] = 4.0  # the flag
    labels = items[torch.arange(n), flagged, 1:6].argmax(dim=1)
    return items, labels

net = Net()
head = nn.Linear(20, 5)  # reads the class off the GRU state
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(list(net.parameters()) + list(head.parameters()), lr=0.01)
test_inputs, test_labels = make_batch(1000)
losses = []
steps = 30 if QUICK else 400
for step in progress(range(steps)):
    inputs, labels = make_batch(64)
    hidden = torch.zeros(64, 20)
    optimizer.zero_grad()
    loss = criterion(head(net(inputs, hidden)), labels)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
    if (step + 1) % 100 == 0:
        print(f"step {step + 1}/{steps}: loss {loss.item():.4f}")

with torch.no_grad():
    logits = head(net(test_inputs, torch.zeros(1000, 20)))
    accuracy = (logits.argmax(dim=1) == test_labels).float().mean().item()
    weights = net.softmax(net.linear2(net.linear1(test_inputs)))
    flag_weight = weights[:, :, 0].gather(1, test_inputs[:, :, 0].argmax(dim=1, keepdim=True)).mean().item()
plot_losses(losses, "001_9_attention")
print(f"attention weights sum to {weights.sum(dim=1).mean().item():.3f} over the sequence; "
      f"mean weight on the flagged item {flag_weight:.3f}")
print(f"first loss: {losses[0]:.4f}")
print(f"final loss: {losses[-1]:.4f}")
print(f"test accuracy: {accuracy:.3f}")
