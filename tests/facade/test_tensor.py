"""functorch_lite.torch Tensor: values vs numpy, torch's dtypes and promotion, views and
in-place rebinding, repr, devices on the CPU, creation and random ops, and the errors."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import functorch_lite.torch as torch

RNG = np.random.default_rng(0)


def _np(t):
    return t.detach().numpy()


# ---- dtypes and promotion ----------------------------------------------------------------------

def test_default_dtypes():
    assert torch.tensor([1, 2]).dtype is torch.int64
    assert torch.tensor([1.0, 2]).dtype is torch.float32
    assert torch.tensor(True).dtype is torch.bool
    assert torch.tensor(np.array([1.0])).dtype is torch.float64
    assert torch.tensor(np.array([1], np.int32)).dtype is torch.int32
    assert torch.zeros(2).dtype is torch.float32
    assert torch.arange(3).dtype is torch.int64
    assert torch.arange(0, 1, 0.5).dtype is torch.float32
    assert torch.full((2,), 7).dtype is torch.int64
    assert torch.full((2,), 7.0).dtype is torch.float32
    assert torch.randint(0, 5, (2,)).dtype is torch.int64
    assert torch.randperm(3).dtype is torch.int64
    assert torch.float is torch.float32 and torch.long is torch.int64
    assert torch.double is torch.float64 and torch.half is torch.float16
    assert repr(torch.float32) == "torch.float32"


def test_set_default_dtype():
    torch.set_default_dtype(torch.float64)
    try:
        assert torch.tensor(1.5).dtype is torch.float64
        assert torch.zeros(1).dtype is torch.float64
        assert (torch.tensor([1, 2]) / 2).dtype is torch.float64
    finally:
        torch.set_default_dtype(torch.float32)
    with pytest.raises(TypeError, match="floating-point"):
        torch.set_default_dtype(torch.int64)


# (a, b, expected) with a/b as (dtype, ndim) for tensors or Python scalars; torch's table.
PROMOTION = [
    ((torch.int64, 1), 2.5, torch.float32),
    ((torch.int64, 1), 2, torch.int64),
    ((torch.int32, 1), 2, torch.int32),
    ((torch.bool, 1), 1, torch.int64),
    ((torch.bool, 1), True, torch.bool),
    ((torch.float16, 1), 2.0, torch.float16),
    ((torch.uint8, 1), (torch.int8, 1), torch.int16),
    ((torch.float32, 1), (torch.float64, 0), torch.float32),
    ((torch.int32, 1), (torch.int64, 0), torch.int32),
    ((torch.int64, 1), (torch.float64, 0), torch.float64),
    ((torch.float32, 1), (torch.float64, 1), torch.float64),
    ((torch.int32, 1), (torch.float16, 1), torch.float16),
    ((torch.int64, 0), 2.5, torch.float32),
    ((torch.float32, 1), 1j, torch.complex64),
]


def _make(spec):
    if isinstance(spec, tuple):
        dt, ndim = spec
        return torch.ones((2,) * ndim, dtype=dt)
    return spec


@pytest.mark.parametrize("a,b,expected", PROMOTION)
def test_promotion_table(a, b, expected):
    x, y = _make(a), _make(b)
    assert torch.result_type(x, y) is expected
    assert (x + y).dtype is expected
    assert (y * x).dtype is expected


def test_division_and_reductions_dtypes():
    i = torch.tensor([1, 2, 3])
    assert (i / 2).dtype is torch.float32 and (i / i).tolist() == [1.0, 1.0, 1.0]
    assert (i // 2).tolist() == [0, 1, 1] and (i // 2).dtype is torch.int64
    assert i.sum().dtype is torch.int64
    assert torch.tensor([True, True]).sum().item() == 2
    assert torch.tensor([True]).sum().dtype is torch.int64
    assert i.argmax().dtype is torch.int64
    assert torch.exp(i).dtype is torch.float32
    with pytest.raises(RuntimeError, match="mean\\(\\): could not infer output dtype.*Long"):
        i.mean()
    assert i.float().mean().item() == 2.0


def test_inplace_dtype_rules():
    i = torch.tensor([1, 2])
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired "
                                           "output type Long"):
        i.add_(1.5)
    f = torch.tensor([1.0, 2.0])
    f.add_(torch.tensor([1, 1]))
    assert f.dtype is torch.float32 and f.tolist() == [2.0, 3.0]
    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
        f.add_(torch.ones(2, 2))


# ---- values vs numpy -----------------------------------------------------------------------------

UNARY = [("exp", np.exp), ("log", np.log), ("sqrt", np.sqrt), ("abs", np.abs),
         ("sin", np.sin), ("tanh", np.tanh), ("sigmoid", lambda v: 1 / (1 + np.exp(-v))),
         ("relu", lambda v: np.maximum(v, 0)), ("neg", np.negative), ("floor", np.floor),
         ("reciprocal", np.reciprocal), ("square", np.square), ("log1p", np.log1p)]


@pytest.mark.parametrize("name,ref", UNARY)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_unary_vs_numpy(name, ref, dtype):
    x = RNG.uniform(0.1, 2.0, (3, 4)).astype(dtype)
    t = torch.from_numpy(x)
    for out in (getattr(torch, name)(t), getattr(t, name)()):
        assert out.dtype is torch.tensor(x).dtype
        np.testing.assert_allclose(_np(out), ref(x), rtol=1e-6)


@settings(max_examples=20, deadline=None)
@given(st.sampled_from([(3, 4), (2, 3, 4), (5,)]), st.integers(0, 10**6), st.booleans())
def test_reductions_vs_numpy(shape, seed, keepdim):
    x = np.random.default_rng(seed).standard_normal(shape)
    t = torch.tensor(x)
    ndim = len(shape)
    for dim in range(-ndim, ndim):
        np.testing.assert_allclose(_np(t.sum(dim, keepdim)), x.sum(dim, keepdims=keepdim))
        np.testing.assert_allclose(_np(t.mean(dim=dim, keepdim=keepdim)),
                                   x.mean(dim, keepdims=keepdim))
        np.testing.assert_allclose(_np(t.std(dim, keepdim=keepdim)),
                                   x.std(dim, ddof=1, keepdims=keepdim))
        np.testing.assert_allclose(_np(t.var(dim, unbiased=False)), x.var(dim))
        values, indices = t.max(dim, keepdim)
        np.testing.assert_array_equal(_np(values), x.max(dim, keepdims=keepdim))
        np.testing.assert_array_equal(_np(indices), x.argmax(dim, keepdims=keepdim))
        m = torch.min(t, dim=dim)
        np.testing.assert_array_equal(_np(m.indices), x.argmin(dim))
        np.testing.assert_array_equal(_np(t.argmax(dim)), x.argmax(dim))
        np.testing.assert_allclose(_np(t.softmax(dim)),
                                   np.exp(x) / np.exp(x).sum(dim, keepdims=True))
        np.testing.assert_allclose(_np(t.logsumexp(dim)), np.log(np.exp(x).sum(dim)))
        np.testing.assert_allclose(_np(t.cumsum(dim)), np.cumsum(x, dim))
    np.testing.assert_allclose(t.sum().item(), x.sum())
    np.testing.assert_allclose(t.prod().item(), x.prod())
    np.testing.assert_allclose(t.norm().item(), np.linalg.norm(x.ravel()))
    if ndim > 1:
        np.testing.assert_allclose(t.sum(dim=(0, -1)).numpy(), x.sum(axis=(0, ndim - 1)))
    assert t.max().item() == x.max() and t.argmax().item() == x.argmax()


def test_operators_and_reflected():
    a = torch.tensor([1.0, 2.0, 4.0])
    x = np.array([1.0, 2.0, 4.0], np.float32)
    np.testing.assert_allclose(_np(2 - a), 2 - x)
    np.testing.assert_allclose(_np(2 / a), 2 / x)
    np.testing.assert_allclose(_np(2 ** a), 2 ** x)
    np.testing.assert_allclose(_np(a ** 0.5), x ** 0.5)
    np.testing.assert_allclose(_np(-a), -x)
    np.testing.assert_allclose(_np(a % 3), x % 3)
    assert (a == 2).tolist() == [False, True, False] and (a != 2).dtype is torch.bool
    assert (a >= 2).tolist() == [False, True, True] and (2 < a).tolist() == [False, False, True]
    assert (~(a > 1)).tolist() == [True, False, False]
    assert ((a > 1) & (a < 4)).tolist() == [False, True, False]
    m = torch.ones(2, 3)
    assert (m @ torch.ones(3, 4)).shape == (2, 4)
    assert (a == None) is False  # noqa: E711
    b = torch.tensor([1.0, 2.0, 4.0])
    b += 1
    b *= 2
    b -= 1
    b /= 2
    assert b.tolist() == [1.5, 2.5, 4.5]
    with pytest.raises(RuntimeError, match="Subtraction.*bool.*logical_not"):
        torch.tensor([True]) - torch.tensor([False])


def test_matmul_errors_and_variants():
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied "
                                           r"\(64x784 and 128x10\)"):
        torch.zeros(64, 784) @ torch.zeros(128, 10)
    a, b = RNG.standard_normal((3, 4)), RNG.standard_normal((4, 2))
    np.testing.assert_allclose(_np(torch.mm(torch.tensor(a), torch.tensor(b))), a @ b)
    bb = RNG.standard_normal((5, 3, 4))
    np.testing.assert_allclose(_np(torch.bmm(torch.tensor(bb), torch.tensor(bb).transpose(1, 2))),
                               bb @ bb.transpose(0, 2, 1))
    v = RNG.standard_normal(4)
    assert torch.dot(torch.tensor(v), torch.tensor(v)).item() == pytest.approx(v @ v)
    np.testing.assert_allclose(_np(torch.einsum("ij,jk->ik", torch.tensor(a), torch.tensor(b))),
                               a @ b)


# ---- shapes, views, indexing ---------------------------------------------------------------------

def test_shape_methods():
    t = torch.arange(24).view(2, 3, 4)
    x = np.arange(24).reshape(2, 3, 4)
    assert t.size() == torch.Size([2, 3, 4]) and t.size(1) == 3 and t.size(-1) == 4
    assert repr(t.shape) == "torch.Size([2, 3, 4])" and t.dim() == 3 and t.numel() == 24
    np.testing.assert_array_equal(_np(t.view(-1, 4)), x.reshape(-1, 4))
    np.testing.assert_array_equal(_np(t.reshape(6, -1)), x.reshape(6, -1))
    np.testing.assert_array_equal(_np(t.permute(2, 0, 1)), x.transpose(2, 0, 1))
    np.testing.assert_array_equal(_np(t.transpose(0, 2)), x.swapaxes(0, 2))
    np.testing.assert_array_equal(_np(t.flatten(1)), x.reshape(2, 12))
    np.testing.assert_array_equal(_np(t.unsqueeze(1)), x[:, None])
    np.testing.assert_array_equal(_np(t[:, :1].squeeze(1)), x[:, 0])
    np.testing.assert_array_equal(_np(t[0].t()), x[0].T)
    np.testing.assert_array_equal(_np(t[0].T), x[0].T)
    np.testing.assert_array_equal(_np(t[:1].expand(3, 3, 4)), np.broadcast_to(x[:1], (3, 3, 4)))
    np.testing.assert_array_equal(_np(t[0].repeat(2, 1)), np.tile(x[0], (2, 1)))
    assert [c.shape[1] for c in t.chunk(2, dim=1)] == [2, 1]
    assert [c.shape[2] for c in t.split([1, 3], dim=2)] == [1, 3]
    assert torch.cat([t, t], dim=1).shape == (2, 6, 4)
    assert torch.stack([t, t], dim=-1).shape == (2, 3, 4, 2)
    assert t.contiguous() is t
    with pytest.raises(RuntimeError, match=r"shape '\[5, -1\]' is invalid for input of size 24"):
        t.view(5, -1)
    with pytest.raises(IndexError, match="Dimension out of range"):
        t.sum(3)
    with pytest.raises(RuntimeError, match="Sizes of tensors must match except in dimension"):
        torch.cat([t, torch.zeros(2, 2, 5, dtype=torch.int64)], dim=1)


def test_indexing_and_setitem():
    x = np.arange(12.0).reshape(3, 4)
    t = torch.tensor(x)
    np.testing.assert_array_equal(_np(t[1]), x[1])
    np.testing.assert_array_equal(_np(t[:, 1:3]), x[:, 1:3])
    np.testing.assert_array_equal(_np(t[t > 5]), x[x > 5])
    np.testing.assert_array_equal(_np(t[torch.tensor([2, 0])]), x[[2, 0]])
    np.testing.assert_array_equal(_np(t[..., None, 0]), x[..., None, 0])
    t[0, 0] = 100.0
    t[t > 10] = -1.0
    x[0, 0] = 100.0
    x[x > 10] = -1.0
    np.testing.assert_array_equal(_np(t), x)
    t[:, 0] = torch.tensor([7.0, 8.0, 9.0])
    assert t[:, 0].tolist() == [7.0, 8.0, 9.0]
    with pytest.raises(IndexError):
        t[5]


def test_views_write_through_and_refresh():
    base = torch.zeros(2, 3)
    row = base[0]
    row.fill_(1.0)  # writes into base
    assert base.tolist() == [[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]]
    flat = base.view(-1)
    flat[4] = 5.0
    assert base[1, 1].item() == 5.0
    base.mul_(2)  # the views see the base's new value
    assert row.tolist() == [2.0, 2.0, 2.0] and flat[4].item() == 10.0
    col = base.t()[1]
    col.zero_()
    assert base[:, 1].tolist() == [0.0, 0.0]
    d = base.detach()
    assert d._version == base._version
    chunks = base.chunk(2)  # chunks are copies here
    chunks[0].zero_()
    assert base[0, 0].item() == 2.0


def test_gather_scatter_sort_topk_where():
    x = np.array([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]])
    t = torch.tensor(x)
    idx = torch.tensor([[2, 0], [1, 1]])
    np.testing.assert_array_equal(_np(t.gather(1, idx)), np.take_along_axis(x, idx.numpy(), 1))
    with pytest.raises(RuntimeError, match="Expected dtype int64 for index"):
        t.gather(1, idx.int())
    s = torch.zeros(2, 3).scatter(1, torch.tensor([[2], [0]]), torch.tensor([[1.0], [2.0]]))
    assert s.tolist() == [[0.0, 0.0, 1.0], [2.0, 0.0, 0.0]]
    sa = torch.zeros(3).scatter_add(0, torch.tensor([0, 0, 2]), torch.tensor([1.0, 2.0, 3.0]))
    assert sa.tolist() == [3.0, 0.0, 3.0]
    values, indices = t.sort(dim=1, descending=True)
    np.testing.assert_array_equal(_np(values), -np.sort(-x, 1))
    np.testing.assert_array_equal(_np(indices), np.argsort(-x, 1, kind="stable"))
    top = t.topk(2, dim=1)
    assert top.values.tolist() == [[5.0, 3.0], [6.0, 4.0]] and top.indices.dtype is torch.int64
    np.testing.assert_array_equal(_np(torch.where(t > 2, t, torch.zeros_like(t))),
                                  np.where(x > 2, x, 0))
    assert t.where(t > 4, -1.0).tolist() == [[-1.0, 5.0, -1.0], [-1.0, -1.0, 6.0]]
    assert t.masked_fill(t > 4, 0.0).tolist() == [[1.0, 0.0, 3.0], [4.0, 2.0, 0.0]]
    assert t.index_select(1, torch.tensor([0, 2])).tolist() == [[1.0, 3.0], [4.0, 6.0]]
    assert torch.nonzero(torch.tensor([0, 1, 1])).tolist() == [[1], [2]]


# ---- conversions, repr -----------------------------------------------------------------------

def test_conversions():
    t = torch.tensor([1.5, 2.5])
    assert t.long().tolist() == [1, 2] and t.int().dtype is torch.int32
    assert t.double().dtype is torch.float64 and t.half().dtype is torch.float16
    assert t.bool().tolist() == [True, True] and t.to(torch.int64).dtype is torch.int64
    assert t.to("cpu") is t and t.cpu() is t and t.to(torch.float32) is t
    assert t.type() == "torch.FloatTensor" and t.long().type() == "torch.LongTensor"
    assert t.type(torch.DoubleTensor).dtype is torch.float64
    assert t.type("torch.LongTensor").dtype is torch.int64
    assert isinstance(t, torch.FloatTensor) and not isinstance(t, torch.LongTensor)
    assert torch.tensor([[1.0]]).item() == 1.0 and isinstance(t.tolist()[0], float)
    a = t.numpy()
    a[0] = 100.0  # a copy: the tensor is unchanged
    assert t[0].item() == 1.5
    with pytest.raises(RuntimeError, match="Use tensor.detach\\(\\).numpy\\(\\) instead"):
        torch.ones(1, requires_grad=True).numpy()
    with pytest.raises(RuntimeError, match="cannot be converted to Scalar"):
        t.item()
    with pytest.raises(RuntimeError, match="Boolean value of Tensor with more than one value"):
        bool(t)
    assert float(torch.tensor(2.0)) == 2.0 and int(torch.tensor(3)) == 3
    assert f"{torch.tensor(0.5):.2f}" == "0.50"
    assert torch.FloatTensor([1, 2]).dtype is torch.float32
    assert torch.LongTensor([1, 2]).dtype is torch.int64
    assert torch.Tensor(2, 3).shape == (2, 3) and torch.Tensor([1, 2]).dtype is torch.float32
    arr = np.array([1.0, 2.0])
    ft = torch.from_numpy(arr)
    arr[0] = 9.0
    assert ft.tolist() == [1.0, 2.0] and ft.dtype is torch.float64
    assert torch.as_tensor(ft) is ft


REPRS = [
    (lambda: torch.tensor([1.0, 2.0], requires_grad=True), "tensor([1., 2.], requires_grad=True)"),
    (lambda: torch.tensor([1, 2]), "tensor([1, 2])"),
    (lambda: torch.tensor([1, 2], dtype=torch.int32), "tensor([1, 2], dtype=torch.int32)"),
    (lambda: torch.tensor(3.5), "tensor(3.5000)"),
    (lambda: torch.tensor([0.1, 100.0]), "tensor([  0.1000, 100.0000])"),
    (lambda: torch.tensor([1e-5, 1.0]), "tensor([1.0000e-05, 1.0000e+00])"),
    (lambda: torch.tensor([True, False]), "tensor([ True, False])"),
    (lambda: torch.ones(2, dtype=torch.float64), "tensor([1., 1.], dtype=torch.float64)"),
    (lambda: torch.zeros(0, 3), "tensor([], size=(0, 3))"),
    (lambda: torch.tensor([[1.0, 2.0], [3.0, 4.0]]), "tensor([[1., 2.],\n        [3., 4.]])"),
    (lambda: torch.tensor([-1.0, 2.0]), "tensor([-1.,  2.])"),
    (lambda: torch.tensor([float("nan"), 1.5, float("inf")]), "tensor([   nan, 1.5000,    inf])"),
    (lambda: torch.ones(2, requires_grad=True) * 2, "tensor([2., 2.], grad_fn=<MulBackward0>)"),
]


@pytest.mark.parametrize("make,expected", REPRS)
def test_repr_like_torch(make, expected):
    assert repr(make()) == expected
    assert str(make()) == expected


def test_repr_summarizes_long_tensors():
    r = repr(torch.arange(2000.0))
    assert "..." in r and r.startswith("tensor([0.0000e+00,")


# ---- creation and random ---------------------------------------------------------------------

def test_creation_functions():
    assert torch.zeros(2, 3).tolist() == [[0.0] * 3] * 2
    assert torch.ones((2,)).tolist() == [1.0, 1.0]
    assert torch.eye(2).tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert torch.arange(1, 7, 2).tolist() == [1, 3, 5]
    np.testing.assert_allclose(torch.arange(0, 1, 0.1).numpy(), np.arange(0, 1, 0.1), atol=1e-7)
    assert torch.linspace(0, 1, 5).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert torch.full((2, 2), 3.0).sum().item() == 12.0
    t = torch.ones(2, dtype=torch.int32)
    assert torch.zeros_like(t).dtype is torch.int32 and torch.full_like(t, 4).tolist() == [4, 4]
    assert torch.ones_like(t, dtype=torch.float64).dtype is torch.float64
    assert torch.empty(3).shape == (3,) and torch.empty_like(t).shape == (2,)
    assert torch.zeros(2, requires_grad=True).requires_grad
    with pytest.raises(RuntimeError, match="negative dimension"):
        torch.zeros(-1)


def test_random_is_seeded_and_deterministic():
    torch.manual_seed(42)
    a = (torch.rand(3), torch.randn(2, 2), torch.randint(0, 10, (4,)), torch.randperm(5))
    torch.manual_seed(42)
    b = (torch.rand(3), torch.randn(2, 2), torch.randint(0, 10, (4,)), torch.randperm(5))
    for x, y in zip(a, b):
        assert torch.equal(x, y)
    assert 0 <= a[0].min().item() and a[0].max().item() < 1
    assert sorted(a[3].tolist()) == [0, 1, 2, 3, 4]
    g = torch.Generator().manual_seed(1)
    x = torch.randn(3, generator=g)
    g.manual_seed(1)
    assert torch.equal(x, torch.randn(3, generator=g))
    state = torch.get_rng_state()
    u = torch.rand(2)
    torch.set_rng_state(state)
    assert torch.equal(u, torch.rand(2))
    w = torch.empty(1000)
    w.normal_(2.0, 0.5)
    assert abs(w.mean().item() - 2.0) < 0.1 and abs(w.std().item() - 0.5) < 0.1
    w.uniform_(-1, 1)
    assert -1 <= w.min().item() and w.max().item() <= 1
    assert torch.randn(2, dtype=torch.float64).dtype is torch.float64


# ---- devices ---------------------------------------------------------------------------------

def test_devices_on_cpu():
    assert torch.device("cuda:0") == torch.device("cuda", 0)
    assert repr(torch.device("cpu")) == "device(type='cpu')"
    assert str(torch.device("cuda", 0)) == "cuda:0"
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    x = torch.tensor([1.0, 2, 3], device=device)
    assert x.device == device
    assert x.to(device, non_blocking=True).device == device
    if not torch.cuda.is_available():
        assert torch.cuda.device_count() == 0
        with pytest.raises(RuntimeError, match="No CUDA GPUs are available.*is_available"):
            x.cuda()
        with pytest.raises(RuntimeError, match="No CUDA GPUs"):
            torch.zeros(1, device="cuda")
    with pytest.raises(RuntimeError, match="Expected one of cpu, cuda"):
        torch.device("tpu")


def test_view_as_a_dtype_is_unsupported_with_a_fix():
    with pytest.raises(NotImplementedError, match=r"view\(dtype\) \(reinterpreting the bits "
                                                  r"as another dtype\) is not supported; to "
                                                  r"convert the values use \.to\(dtype\)"):
        torch.zeros(2).view(torch.int32)
