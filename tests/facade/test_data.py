"""torch.utils.data: datasets, samplers, collation and the DataLoader, against torch's rules."""

from __future__ import annotations

import math
import warnings
from collections import OrderedDict, namedtuple

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import functorch_lite.torch as torch
from functorch_lite.torch.utils.data import (
    BatchSampler,
    ChainDataset,
    ConcatDataset,
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    SequentialSampler,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    default_collate,
    default_convert,
    get_worker_info,
    random_split,
)
from functorch_lite.torch.utils.data import _dataset as dataset_module

SETTINGS = settings(max_examples=20, deadline=None)


def _np(t):
    return np.asarray(t.numpy())


def _real_torch():
    """Real PyTorch, or skip (checking that the module found is the library)."""
    real = pytest.importorskip("torch")
    if not hasattr(real, "from_numpy"):
        pytest.skip("PyTorch is not installed")
    return real


class Rows(Dataset):
    """A map-style dataset that records which indices were read."""

    def __init__(self, n):
        self.n = n
        self.seen = []

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        self.seen.append(i)
        return {"x": np.full(2, i, np.float32), "y": i}


class Stream(IterableDataset):
    def __init__(self, n, with_len=True):
        self.n = n
        self.with_len = with_len

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        if not self.with_len:
            raise TypeError("no len")
        return self.n


# ---------------------------------------------------------------------------------------------
# default_collate / default_convert
# ---------------------------------------------------------------------------------------------


def test_collate_numbers_follow_torch_dtypes():
    assert default_collate([1.5, 2.0]).dtype == torch.float64  # floats -> float64, as torch
    assert default_collate([1, 2]).dtype == torch.int64
    assert default_collate([True, False]).dtype == torch.bool
    assert default_collate([np.float32(1), np.float32(2)]).dtype == torch.float32
    assert default_collate([np.int16(1), np.int16(2)]).dtype == torch.int16
    np.testing.assert_array_equal(_np(default_collate([1.5, 2.0])), [1.5, 2.0])


def test_collate_tensors_and_arrays_stack():
    batch = default_collate([torch.ones(2, 3), torch.zeros(2, 3)])
    assert tuple(batch.shape) == (2, 2, 3)
    np.testing.assert_array_equal(_np(batch)[0], np.ones((2, 3)))
    arrays = default_collate([np.arange(3, dtype=np.int32), np.arange(3, dtype=np.int32) + 1])
    assert arrays.dtype == torch.int32 and tuple(arrays.shape) == (2, 3)
    np.testing.assert_array_equal(_np(arrays), [[0, 1, 2], [1, 2, 3]])


def test_collate_containers():
    Point = namedtuple("Point", "x y")
    xs, ys = default_collate([(torch.zeros(2), 1), (torch.ones(2), 0)])
    assert isinstance(default_collate([(1, 2), (3, 4)]), list)  # tuples give a list, as torch
    assert tuple(xs.shape) == (2, 2) and _np(ys).tolist() == [1, 0]
    d = default_collate([OrderedDict(a=1, b="u"), OrderedDict(a=2, b="v")])
    assert isinstance(d, OrderedDict) and d["b"] == ["u", "v"] and _np(d["a"]).tolist() == [1, 2]
    p = default_collate([Point(1, 2.0), Point(3, 4.0)])
    assert isinstance(p, Point) and p.y.dtype == torch.float64
    nested = default_collate([[1, [2.0]], [3, [4.0]]])
    assert isinstance(nested, list) and _np(nested[1][0]).tolist() == [2.0, 4.0]
    assert default_collate(["a", "b"]) == ["a", "b"]
    assert default_collate([np.str_("a"), np.str_("b")]) == ["a", "b"]


def test_collate_errors():
    with pytest.raises(TypeError, match="found <U1"):
        default_collate([np.array(["a"]), np.array(["b"])])
    with pytest.raises(TypeError, match="batch must contain tensors.*found <class 'object'>"):
        default_collate([object(), object()])
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([[1, 2], [3]])


def test_default_convert():
    out = default_convert((np.zeros(2), 1, "s"))
    assert isinstance(out, list) and out[1:] == [1, "s"]  # a tuple gives a list, as torch
    assert isinstance(out[0], torch.Tensor) and out[0].dtype == torch.float64
    assert isinstance(default_convert(np.float32(3)), torch.Tensor)
    assert default_convert({"a": 1})["a"] == 1
    assert default_convert(np.array(["s"])).dtype.kind == "U"  # strings stay numpy


# ---------------------------------------------------------------------------------------------
# Datasets
# ---------------------------------------------------------------------------------------------


def test_tensor_dataset():
    ds = TensorDataset(torch.arange(12.0).reshape(4, 3), torch.arange(4))
    assert len(ds) == 4
    x, y = ds[2]
    assert _np(x).tolist() == [6.0, 7.0, 8.0] and y.item() == 2
    with pytest.raises(AssertionError, match="Size mismatch.*\\(3,\\), \\(4,\\)"):
        TensorDataset(torch.zeros(3), torch.zeros(4))
    with pytest.raises(ValueError, match="Size mismatch"):
        TensorDataset(torch.zeros(3), torch.zeros(4))


def test_subset_concat_chain():
    sub = Subset(list("abcdef"), [5, 0, 2])
    assert len(sub) == 3 and sub[0] == "f" and sub.__getitems__([1, 2]) == ["a", "c"]
    cat = ConcatDataset([list("ab"), list("cde")])
    assert len(cat) == 5 and cat.cumulative_sizes == [2, 5]
    assert [cat[i] for i in range(5)] == list("abcde") and cat[-1] == "e"
    with pytest.raises(ValueError, match="should not exceed dataset length"):
        cat[-6]
    with pytest.raises(IndexError, match="out of range"):
        cat[5]
    with pytest.raises(ValueError, match="empty iterable"):
        ConcatDataset([])
    with pytest.raises(TypeError, match="does not support IterableDataset"):
        ConcatDataset([Stream(2)])
    assert isinstance(Rows(2) + Rows(3), ConcatDataset) and len(Rows(2) + Rows(3)) == 5
    chained = Stream(2) + Stream(3)
    assert isinstance(chained, ChainDataset) and list(chained) == [0, 1, 0, 1, 2]
    with pytest.raises(NotImplementedError, match="Subclasses of Dataset should implement "
                                                  "__getitem__"):
        Dataset()[0]
    with pytest.raises(NotImplementedError, match="Subclasses of IterableDataset should "
                                                  "implement __iter__"):
        iter(IterableDataset())
    from functorch_lite.torch.utils.data import Sampler

    with pytest.raises(NotImplementedError, match="Subclasses of Sampler should implement "
                                                  "__iter__"):
        iter(Sampler())


@given(
    n=st.integers(1, 40),
    fractions=st.lists(st.integers(1, 9), min_size=1, max_size=4),
    seed=st.integers(0, 2**31 - 1),
)
@SETTINGS
def test_random_split_fractions(n, fractions, seed):
    total = sum(fractions)
    fracs = [f / total for f in fractions]
    # torch accepts fractions whose float sum is close to 1 and not above it (its own rule);
    # rounding can push the sum of these past 1, which torch rejects too (tested below).
    assume(sum(fracs) <= 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parts = random_split(range(n), fracs, generator=torch.Generator().manual_seed(seed))
        again = random_split(range(n), fracs, generator=torch.Generator().manual_seed(seed))
    lengths = [len(p) for p in parts]
    # torch's rule: floor of each fraction, the remainder one each in turn
    expected = [math.floor(n * f) for f in fracs]
    for i in range(n - sum(expected)):
        expected[i % len(expected)] += 1
    assert lengths == expected
    items = sorted(x for part in parts for x in (part[i] for i in range(len(part))))
    assert items == list(range(n))  # a partition
    assert [list(p.indices) for p in again] == [list(p.indices) for p in parts]


def test_random_split_fractions_summing_past_one_are_rejected_as_torch_does():
    fracs = [9 / 28, 9 / 28, 9 / 28, 1 / 28]  # sums to 1.0000000000000002 in floats
    assert sum(fracs) > 1
    with pytest.raises(ValueError, match="fractions summing to 1"):
        random_split(range(5), fracs)


def test_random_split_lengths_and_errors():
    torch.manual_seed(0)
    a, b = random_split(range(10), [7, 3])
    torch.manual_seed(0)
    a2, _ = random_split(range(10), [7, 3])
    assert (len(a), len(b)) == (7, 3) and a.indices == a2.indices
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        random_split(range(10), [5, 4])
    with pytest.raises(ValueError, match="Fraction at index 0 is not between 0 and 1"):
        random_split(range(10), [1.5, -0.5])
    with pytest.warns(UserWarning, match="Length of split at index 2 is 0"):
        random_split(range(2), [0.5, 0.5, 0.0])


# ---------------------------------------------------------------------------------------------
# Samplers
# ---------------------------------------------------------------------------------------------


def test_samplers():
    assert list(SequentialSampler(range(4))) == [0, 1, 2, 3]
    g = torch.Generator().manual_seed(3)
    order = list(RandomSampler(range(20), generator=g))
    assert sorted(order) == list(range(20)) and len(RandomSampler(range(20))) == 20
    more = list(RandomSampler(range(5), num_samples=12, generator=g))
    assert len(more) == 12 and sorted(more[:10]) == sorted(list(range(5)) * 2)
    drawn = list(RandomSampler(range(5), replacement=True, num_samples=70, generator=g))
    assert len(drawn) == 70 and set(drawn) <= set(range(5)) and len(set(drawn)) > 1
    assert sorted(SubsetRandomSampler([7, 3, 5], generator=g)) == [3, 5, 7]
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        RandomSampler(range(3), num_samples=0)
    with pytest.raises(TypeError, match="replacement should be a boolean"):
        RandomSampler(range(3), replacement=1)


@given(n=st.integers(0, 30), batch_size=st.integers(1, 8), drop_last=st.booleans())
@SETTINGS
def test_batch_sampler(n, batch_size, drop_last):
    batches = list(BatchSampler(range(n), batch_size, drop_last))
    flat = list(range(n))
    expected = [flat[i : i + batch_size] for i in range(0, n, batch_size)]
    if drop_last and expected and len(expected[-1]) < batch_size:
        expected.pop()
    assert batches == expected
    assert len(BatchSampler(range(n), batch_size, drop_last)) == len(expected)


def test_batch_sampler_errors():
    with pytest.raises(ValueError, match="batch_size should be a positive integer"):
        BatchSampler(range(3), 0, False)
    with pytest.raises(ValueError, match="batch_size should be a positive integer"):
        BatchSampler(range(3), True, False)
    with pytest.raises(ValueError, match="drop_last should be a boolean"):
        BatchSampler(range(3), 2, 0)


# ---------------------------------------------------------------------------------------------
# DataLoader
# ---------------------------------------------------------------------------------------------


@given(n=st.integers(1, 40), batch_size=st.integers(1, 9), drop_last=st.booleans())
@SETTINGS
def test_loader_in_order_matches_per_sample_collation(n, batch_size, drop_last):
    x = np.random.default_rng(n).standard_normal((n, 3)).astype(np.float32)
    y = np.arange(n, dtype=np.int64)
    ds = TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    loader = DataLoader(ds, batch_size=batch_size, drop_last=drop_last)
    batches = list(loader)
    assert len(batches) == len(loader) == (n // batch_size if drop_last else -(-n // batch_size))
    for k, batch in enumerate(batches):
        # the fast gather gives what default_collate of single samples gives
        reference = default_collate(
            [ds[i] for i in range(k * batch_size, (k + 1) * batch_size) if i < n]
        )
        assert isinstance(batch, list) and len(batch) == 2
        for got, want in zip(batch, reference):
            assert got.dtype == want.dtype and tuple(got.shape) == tuple(want.shape)
            np.testing.assert_array_equal(_np(got), _np(want))


def test_loader_generic_dataset_and_getitems():
    rows = Rows(7)
    batches = list(DataLoader(rows, batch_size=3))
    assert [_np(b["y"]).tolist() for b in batches] == [[0, 1, 2], [3, 4, 5], [6]]
    assert batches[0]["x"].dtype == torch.float32 and tuple(batches[0]["x"].shape) == (3, 2)
    assert rows.seen == list(range(7))

    class Batched(Rows):
        def __getitems__(self, indices):
            self.seen.append(tuple(indices))
            return [self[i] for i in indices]

    batched = Batched(4)
    list(DataLoader(batched, batch_size=2))
    assert (0, 1) in batched.seen and (2, 3) in batched.seen


def test_loader_shuffle_is_seeded_and_changes_each_epoch():
    n = 50
    ds = TensorDataset(torch.arange(n))

    def epoch(loader):
        return np.concatenate([_np(b[0]) for b in loader]).tolist()

    torch.manual_seed(0)
    loader = DataLoader(ds, batch_size=8, shuffle=True)
    first, second = epoch(loader), epoch(loader)
    assert sorted(first) == list(range(n)) and first != list(range(n))
    assert first != second  # a new permutation each epoch
    torch.manual_seed(0)
    assert epoch(loader) == first  # reproducible after manual_seed
    g1 = torch.Generator().manual_seed(7)
    g2 = torch.Generator().manual_seed(7)
    a = DataLoader(ds, batch_size=8, shuffle=True, generator=g1)
    b = DataLoader(ds, batch_size=8, shuffle=True, generator=g2)
    assert [epoch(a), epoch(a)] == [epoch(b), epoch(b)]


def test_loader_subset_fast_path_and_custom_collate():
    ds = TensorDataset(torch.arange(20.0).reshape(10, 2), torch.arange(10))
    sub = Subset(Subset(ds, [9, 8, 7, 6, 5, 4]), [0, 2, 4])
    ((x, y),) = list(DataLoader(sub, batch_size=3))
    assert _np(y).tolist() == [9, 7, 5] and _np(x)[:, 0].tolist() == [18.0, 14.0, 10.0]
    seen = []
    out = list(DataLoader(ds, batch_size=4, collate_fn=lambda b: seen.append(len(b)) or len(b)))
    assert out == [4, 4, 2] and seen == [4, 4, 2]  # a custom collate_fn sees the samples


def test_loader_requires_grad_tensors_keep_the_graph():
    w = torch.ones(6, 2, requires_grad=True)
    (xb,) = next(iter(DataLoader(TensorDataset(w), batch_size=3, shuffle=True)))
    assert xb.requires_grad
    xb.sum().backward()
    assert _np(w.grad).sum() == 6.0


def test_loader_without_batching_and_samplers():
    loader = DataLoader(Rows(3), batch_size=None)
    items = list(loader)
    assert len(loader) == 3 and items[1]["y"] == 1 and isinstance(items[1]["x"], torch.Tensor)
    loader = DataLoader(Rows(6), sampler=[5, 1], batch_size=2)
    assert [_np(b["y"]).tolist() for b in loader] == [[5, 1]]
    loader = DataLoader(Rows(6), batch_sampler=[[0, 3], [4]])
    assert [_np(b["y"]).tolist() for b in loader] == [[0, 3], [4]] and len(loader) == 2


def test_loader_iterable_dataset():
    loader = DataLoader(Stream(7), batch_size=3)
    assert [_np(b).tolist() for b in loader] == [[0, 1, 2], [3, 4, 5], [6]] and len(loader) == 3
    loader = DataLoader(Stream(7), batch_size=3, drop_last=True)
    assert len(list(loader)) == 2 == len(loader)
    assert list(DataLoader(Stream(2, with_len=False), batch_size=None)) == [0, 1]


def test_loader_iterator_and_workers():
    ds = TensorDataset(torch.zeros(10, 1))
    it = iter(DataLoader(ds, batch_size=4, num_workers=2, pin_memory=True))
    assert len(it) == 3 and len(list(it)) == 3  # workers run in-process, same batches
    assert get_worker_info() is None


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"sampler": [0], "shuffle": True}, "mutually exclusive with shuffle"),
        ({"batch_sampler": [[0]], "batch_size": 2}, "batch_sampler option is mutually"),
        ({"batch_sampler": [[0]], "drop_last": True}, "batch_sampler option is mutually"),
        ({"batch_size": None, "drop_last": True}, "disables auto-batching"),
        ({"num_workers": -1}, "num_workers option should be non-negative"),
        ({"prefetch_factor": 2}, "prefetch_factor option could only be specified"),
        ({"persistent_workers": True}, "persistent_workers option needs num_workers > 0"),
        ({"timeout": -1}, "timeout option should be non-negative"),
    ],
)
def test_loader_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DataLoader(Rows(3), **kwargs)


def test_loader_iterable_dataset_errors_and_frozen_attributes():
    for kwargs in ({"shuffle": True}, {"sampler": [0]}, {"batch_sampler": [[0]]}):
        with pytest.raises(ValueError, match="DataLoader with IterableDataset: expected"):
            DataLoader(Stream(3), **kwargs)
    loader = DataLoader(Rows(3), batch_size=2)
    with pytest.raises(ValueError, match="batch_size attribute should not be set after"):
        loader.batch_size = 3
    loader.num_workers = 1  # not frozen in torch either


# ---------------------------------------------------------------------------------------------
# Against real PyTorch (when importable)
# ---------------------------------------------------------------------------------------------


def _to_plain(value, real):
    """A collated batch as nested plain Python/numpy values, for either library."""
    if isinstance(value, (torch.Tensor, real.Tensor)):
        array = np.asarray(value.numpy())
        return ("tensor", str(array.dtype), array.tolist())
    if isinstance(value, dict):
        return (type(value).__name__, {k: _to_plain(v, real) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_to_plain(v, real) for v in value])
    return ("other", value)


COLLATE_CASES = {
    "floats": [1.5, 2.0],
    "ints": [1, 2, 3],
    "bools": [True, False],
    "mixed ints then float": [1, 2.5],
    "numpy scalars": [np.float32(1), np.float32(2.5)],
    "numpy int16": [np.int16(3), np.int16(4)],
    "numpy arrays": [np.arange(3.0), np.arange(3.0) * 2],
    "tuples": [(1, 2.0, "a"), (3, 4.0, "b")],
    "dicts": [{"a": 1, "b": [1.0, 2]}, {"a": 2, "b": [3.0, 4]}],
    "ordered dicts": [OrderedDict(z=1, a=2.0), OrderedDict(z=3, a=4.0)],
    "strings": ["x", "y"],
    "nested lists": [[1, [2.0, 3]], [4, [5.0, 6]]],
}


@pytest.mark.parametrize("case", list(COLLATE_CASES))
def test_default_collate_matches_pytorch(case):
    real = _real_torch()
    from torch.utils.data import default_collate as real_collate

    samples = COLLATE_CASES[case]
    assert _to_plain(default_collate(samples), real) == _to_plain(real_collate(samples), real)


def test_loader_lengths_and_splits_match_pytorch():
    real = _real_torch()
    from torch.utils import data as real_data

    for n, bs, drop in [(10, 3, False), (10, 3, True), (9, 3, True), (1, 4, False)]:
        ours = DataLoader(TensorDataset(torch.zeros(n, 2)), batch_size=bs, drop_last=drop)
        theirs = real_data.DataLoader(
            real_data.TensorDataset(real.zeros(n, 2)), batch_size=bs, drop_last=drop
        )
        assert len(ours) == len(theirs)
        assert [tuple(b[0].shape) for b in ours] == [tuple(b[0].shape) for b in theirs]
    for n, fractions in [(10, [0.33, 0.33, 0.34]), (7, [0.5, 0.5]), (100, [0.7, 0.2, 0.1])]:
        ours = [len(s) for s in random_split(range(n), fractions)]
        theirs = [len(s) for s in real_data.random_split(range(n), fractions)]
        assert ours == theirs
    for n, bs, drop in [(10, 4, False), (10, 4, True), (3, 5, False)]:
        assert list(BatchSampler(range(n), bs, drop)) == list(
            real_data.BatchSampler(range(n), bs, drop)
        )


def test_dataset_module_has_fast_gather():
    ds = TensorDataset(torch.arange(6.0).reshape(3, 2), torch.arange(3))
    gather = dataset_module.batch_gatherer(ds)
    x, y = gather(np.array([2, 0]))
    assert _np(x).tolist() == [[4.0, 5.0], [0.0, 1.0]] and _np(y).tolist() == [2, 0]
    assert dataset_module.batch_gatherer(Rows(3)) is None

    class Doubled(TensorDataset):
        def __getitem__(self, i):
            return tuple(t[i] * 2 for t in self.tensors)

    assert dataset_module.batch_gatherer(Doubled(torch.zeros(2))) is None  # respects overrides
