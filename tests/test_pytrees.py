"""Pytrees: the built-in nodes (tuple, list, dict, None, namedtuple, OrderedDict, defaultdict),
user classes via register_pytree_node / register_pytree_node_class, the tree functions, and
pytrees flowing through grad, vmap and jit."""
from __future__ import annotations

from collections import OrderedDict, defaultdict, namedtuple

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import functorch_lite as fl
import functorch_lite.numpy as jnp
from functorch_lite.tree_util import (
    PyTreeDef,
    register_pytree_node,
    register_pytree_node_class,
    tree_flatten,
    tree_leaves,
    tree_map,
    tree_structure,
    tree_unflatten,
)

Point = namedtuple("Point", ["x", "y"])


class Box:
    """Registered with register_pytree_node; ``label`` is static aux data."""

    def __init__(self, value, label):
        self.value, self.label = value, label

    def __eq__(self, other):
        return type(other) is Box and self.label == other.label and self.value == other.value


register_pytree_node(Box, lambda b: ((b.value,), b.label), lambda label, ch: Box(ch[0], label))


@register_pytree_node_class
class Pair:
    def __init__(self, a, b):
        self.a, self.b = a, b

    def tree_flatten(self):
        return (self.a, self.b), None

    @classmethod
    def tree_unflatten(cls, aux, children):
        return cls(*children)

    def __eq__(self, other):
        return type(other) is Pair and (self.a, self.b) == (other.a, other.b)


def assert_close(got, want, atol=1e-9):
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), atol=atol)


# ---- flatten / unflatten -------------------------------------------------------------------


@pytest.mark.parametrize(
    "tree, leaves",
    [
        ((1, 2, (3,)), [1, 2, 3]),
        ([1, [2, [3, []]]], [1, 2, 3]),
        ({"b": 1, "a": 2, "c": {"z": 3, "y": 4}}, [2, 1, 4, 3]),  # dict keys sorted
        (None, []),
        ([None, 1, (None,)], [1]),  # None is an empty node, not a leaf
        (Point(1, (2, 3)), [1, 2, 3]),
        (OrderedDict([("b", 1), ("a", 2)]), [1, 2]),  # insertion order kept
        (Box(5, "tag"), [5]),
        (Pair(1, Pair(2, 3)), [1, 2, 3]),
        ({"p": Point(Box(1, "l"), [2]), "q": None}, [1, 2]),
        (7, [7]),
        ("a string leaf", ["a string leaf"]),
        (object, [object]),
    ],
)
def test_flatten_unflatten_roundtrip(tree, leaves):
    flat, treedef = tree_flatten(tree)
    assert flat == leaves
    assert tree_leaves(tree) == leaves
    assert tree_structure(tree) == treedef
    assert isinstance(treedef, PyTreeDef)
    assert treedef.num_leaves == len(leaves)
    rebuilt = tree_unflatten(treedef, flat)
    assert rebuilt == tree and type(rebuilt) is type(tree)
    assert treedef.unflatten(flat) == tree


def test_defaultdict_keeps_its_factory():
    d = defaultdict(list, {"x": 1, "a": 2})
    out = tree_map(lambda v: v * 10, d)
    assert isinstance(out, defaultdict) and out.default_factory is list
    assert out == {"x": 10, "a": 20}


def test_namedtuple_type_is_kept():
    p = tree_map(lambda v: v + 1, Point(1, 2))
    assert isinstance(p, Point) and p == Point(2, 3)
    Other = namedtuple("Other", ["x", "y"])
    assert tree_structure(Point(1, 2)) != tree_structure(Other(1, 2))
    assert tree_structure(Point(1, 2)) != tree_structure((1, 2))


def test_structure_equality_and_hash():
    a = tree_structure({"a": 1, "b": (2, 3)})
    b = tree_structure({"a": 10, "b": (20, 30)})
    assert a == b and hash(a) == hash(b)
    assert a != tree_structure({"a": 1, "b": [2, 3]})
    assert a != tree_structure({"a": 1, "c": (2, 3)})
    assert tree_structure(Box(1, "x")) != tree_structure(Box(1, "y"))  # aux data matters
    assert tree_structure([1, None]) != tree_structure([1, 2])
    assert len({a, b, tree_structure((1,))}) == 2
    assert "PyTreeDef" in repr(a) and "'a'" in repr(a)


def test_is_leaf():
    tree = [(1, 2), (3, (4, 5))]
    leaves, treedef = tree_flatten(tree, is_leaf=lambda x: isinstance(x, tuple))
    assert leaves == [(1, 2), (3, (4, 5))]
    assert tree_map(len, tree, is_leaf=lambda x: isinstance(x, tuple)) == [2, 2]
    assert tree_leaves([None, 1], is_leaf=lambda x: x is None) == [None, 1]


def test_tree_map_several_trees():
    out = tree_map(lambda a, b, c: a + b * c, {"x": 1, "y": (2,)}, {"x": 10, "y": (20,)},
                   {"x": 2, "y": (3,)})
    assert out == {"x": 21, "y": (62,)}
    with pytest.raises(ValueError, match="structures differ"):
        tree_map(lambda a, b: a, [1, 2], (1, 2))
    with pytest.raises(ValueError):
        tree_map(lambda a, b: a, {"x": 1}, {"y": 1})


def test_unflatten_with_wrong_number_of_leaves():
    treedef = tree_structure([1, (2, 3)])
    with pytest.raises(ValueError, match="3 leaves"):
        tree_unflatten(treedef, [1, 2])
    assert tree_unflatten(treedef, iter([4, 5, 6])) == [4, (5, 6)]


def test_register_twice_raises():
    class C:
        pass

    register_pytree_node(C, lambda c: ((), None), lambda aux, ch: C())
    with pytest.raises(ValueError, match="already registered"):
        register_pytree_node(C, lambda c: ((), None), lambda aux, ch: C())


nested = st.recursive(
    st.integers(-5, 5) | st.none(),
    lambda kids: (st.lists(kids, max_size=3) | st.tuples(kids, kids)
                  | st.dictionaries(st.sampled_from("abcd"), kids, max_size=3)
                  | st.builds(Point, kids, kids) | st.builds(Pair, kids, kids)),
    max_leaves=10,
)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(nested)
def test_roundtrip_drawn(tree):
    leaves, treedef = tree_flatten(tree)
    assert all(isinstance(v, int) for v in leaves)
    assert tree_unflatten(treedef, leaves) == tree
    doubled = tree_map(lambda v: 2 * v, tree)
    assert tree_leaves(doubled) == [2 * v for v in leaves]
    assert tree_structure(doubled) == treedef


# ---- pytrees through transformations --------------------------------------------------------


def params():
    return {
        "layers": [Pair(jnp.asarray(np.ones((2, 3))), jnp.asarray(np.zeros(3))),
                   Pair(jnp.asarray(np.full((3, 1), 0.5)), jnp.asarray(np.ones(1)))],
        "scale": Box(jnp.asarray(2.0, jnp.float64), "static-label"),
        "unused": None,
    }


def mlp(p, x):
    for layer in p["layers"]:
        x = jnp.tanh(x @ layer.a + layer.b)
    return jnp.sum(x) * p["scale"].value


def test_grad_of_nested_user_pytree():
    p = params()
    x = jnp.asarray(np.array([[0.1, -0.2], [0.3, 0.4]]))
    g = fl.grad(mlp)(p, x)
    assert tree_structure(g) == tree_structure(p)
    assert isinstance(g["layers"][0], Pair) and g["scale"].label == "static-label"
    assert g["unused"] is None
    # check one leaf against finite differences
    eps = 1e-6
    b0 = np.asarray(p["layers"][1].b)

    def with_b(b):
        q = params()
        q["layers"][1] = Pair(q["layers"][1].a, jnp.asarray(b))
        return float(mlp(q, x))

    fd = (with_b(b0 + eps) - with_b(b0 - eps)) / (2 * eps)
    assert_close(g["layers"][1].b, [fd], atol=1e-6)
    # the same through jit
    gj = fl.jit(fl.grad(mlp))(p, x)
    for a, b in zip(tree_leaves(g), tree_leaves(gj)):
        assert_close(a, b)


def test_jit_with_pytree_arguments_and_aux_in_the_key():
    calls = []

    def f(box, pair):
        calls.append(box.label)
        return Pair(box.value * pair.a, box.label)  # a string in aux position is fine

    jf = fl.jit(lambda box, pair: f(box, pair).a)
    out = jf(Box(jnp.asarray(2.0), "x"), Pair(jnp.ones(2), None))
    assert_close(out, [2.0, 2.0])
    jf(Box(jnp.asarray(3.0), "x"), Pair(jnp.ones(2), None))
    assert calls == ["x"]
    jf(Box(jnp.asarray(3.0), "y"), Pair(jnp.ones(2), None))  # new aux data: retrace
    assert calls == ["x", "y"]
    assert "structure" in jf.retrace_reasons[-1]
    # pytree outputs come back with their types
    out = fl.jit(lambda p: Point(p.x * 2.0, {"s": p.y}))(Point(jnp.ones(2), jnp.zeros(1)))
    assert isinstance(out, Point) and set(out.y) == {"s"}


def test_vmap_over_user_pytrees_with_prefix_axes():
    batch = Pair(jnp.asarray(np.arange(6.0).reshape(3, 2)), jnp.asarray(np.ones(2)))
    out = fl.vmap(lambda p: p.a * p.b, in_axes=(Pair(0, None),))(batch)
    assert_close(out, np.arange(6.0).reshape(3, 2))
    out = fl.vmap(lambda p: Pair(p.a.sum(), p.b), in_axes=(Pair(0, None),),
                  out_axes=Pair(0, None))(batch)
    assert isinstance(out, Pair)
    assert_close(out.a, [1.0, 5.0, 9.0])
    assert_close(out.b, [1.0, 1.0])
    with pytest.raises(ValueError, match="prefix"):
        fl.vmap(lambda p: p.a, in_axes=([0, None],))(batch)


def test_tree_map_over_gradients_sgd_step():
    p = params()
    x = jnp.asarray(np.array([[0.1, -0.2]]))
    g = fl.grad(mlp)(p, x)
    new = tree_map(lambda w, dw: w - 0.1 * dw, p, g)
    assert tree_structure(new) == tree_structure(p)
    assert float(mlp(new, x)) < float(mlp(p, x))
