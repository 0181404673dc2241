"""The facade against real PyTorch, where torch is installed (it is not in CI's default
environment): dtypes, promotion, values, gradients, reprs and errors of the same programs."""
import numpy as np
import pytest

real = pytest.importorskip("torch")
if not hasattr(real, "tensor"):  # some other module named torch, not the library
    pytest.skip("PyTorch is not installed", allow_module_level=True)

import functorch_lite.torch as fake  # noqa: E402

PROGRAMS = {
    "promotion": lambda t: [str((t.tensor([1, 2]) * 2.5).dtype), str((t.tensor([1, 2]) / 2).dtype),
                            str((t.ones(2, dtype=t.uint8) + t.ones(2, dtype=t.int8)).dtype),
                            str((t.ones(2) * t.tensor(2.0, dtype=t.float64)).dtype),
                            str((t.ones(2, dtype=t.int32) + t.tensor(3)).dtype),
                            str(t.tensor([True]).sum().dtype), str(t.arange(3).dtype),
                            str(t.full((1,), 7).dtype), str(t.tensor([1, 2]).argmax().dtype)],
    "repr": lambda t: [repr(t.tensor([1.0, 2.0], requires_grad=True)), repr(t.tensor([1, 2])),
                       repr(t.tensor([0.1, 100.0])), repr(t.tensor([1e-5, 1.0])),
                       repr(t.tensor([[1.5, -2.0], [3.0, 4.25]])), repr(t.zeros(0, 3)),
                       repr(t.tensor([1, 2], dtype=t.int32)), repr(t.tensor(2.0) * 3),
                       repr(t.tensor([1e10, 1.0])), repr(t.tensor([True, False])),
                       repr(t.ones(2, dtype=t.float64)), repr(t.arange(12.0).view(3, 4)),
                       repr(t.tensor([-0.5, 123.456]))],
    "shapes": lambda t: [list(t.zeros(2, 3, 4).permute(2, 0, 1).shape),
                         [list(c.shape) for c in t.arange(10).chunk(3)],
                         [list(c.shape) for c in t.arange(10).split([3, 7])],
                         list(t.zeros(2, 1, 3).squeeze().shape),
                         list(t.zeros(3).expand(2, 3).shape), str(t.zeros(2, 3).size())],
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_same_results(name):
    assert PROGRAMS[name](fake) == PROGRAMS[name](real)


def _grads(t):
    rng = np.random.default_rng(0)
    x = t.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    w = t.tensor(rng.standard_normal((2, 3)), requires_grad=True)
    h = t.tanh(x @ w.t())
    loss = t.log_softmax(h, dim=1)[:, 0].mean() + (x.exp() * x).sum() / x.norm() + h.max()
    h2 = x[1:3] * 2
    h2.retain_grad()
    (loss + h2.sum()).backward()
    (gx,) = t.autograd.grad((x ** 3).sum(), x, create_graph=True)
    (hx,) = t.autograd.grad(gx.sum(), x)
    return [x.grad.numpy(), w.grad.numpy(), h2.grad.numpy(), hx.numpy()]


def test_gradients_match_torch():
    for a, b in zip(_grads(fake), _grads(real)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def _error(t, fn):
    try:
        fn(t)
    except Exception as e:  # noqa: BLE001  (comparing which exception each raises)
        return type(e).__name__
    return None


ERRORS = [
    lambda t: (lambda l: (l.backward(), l.backward()))((t.ones(2, requires_grad=True) * 2).sum()),
    lambda t: (t.ones(2, requires_grad=True) * 2).backward(),
    lambda t: t.ones(2, requires_grad=True).add_(1),
    lambda t: t.zeros(2, 3) @ t.zeros(2, 3),
    lambda t: t.zeros(6).view(4, -1),
    lambda t: t.zeros(2)[5],
    lambda t: t.tensor([1, 2]).mean(),
    lambda t: t.tensor([1, 2], requires_grad=True),
    lambda t: t.ones(2).sum().backward(),
    lambda t: t.zeros(2).sum(dim=3),
    lambda t: t.cat([t.zeros(2, 3), t.zeros(2, 4)]),
]


@pytest.mark.parametrize("k", range(len(ERRORS)))
def test_same_exception_types(k):
    assert _error(fake, ERRORS[k]) == _error(real, ERRORS[k])
