"""Pytrees: nested tuples, lists, dicts, None, namedtuples and registered classes.

Leaves are everything else (arrays, scalars, ...). ``None`` is an empty node, as in JAX.
"""
from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Callable
from typing import Any

from .array import Array

_registry: dict[type, tuple[Callable, Callable]] = {}


def register_pytree_node(nodetype: type, flatten_func: Callable, unflatten_func: Callable) -> None:
    """Teach the pytree functions to look inside ``nodetype``.

    ``flatten_func(node) -> (children, aux_data)``; ``unflatten_func(aux_data, children) -> node``.

    Example:
        >>> class Point:
        ...     def __init__(self, x, y): self.x, self.y = x, y
        >>> register_pytree_node(Point, lambda p: ((p.x, p.y), None),
        ...                      lambda aux, ch: Point(*ch))
    """
    if nodetype in _registry:
        raise ValueError(f"{nodetype.__name__} is already registered as a pytree node")
    _registry[nodetype] = (flatten_func, unflatten_func)


def register_pytree_node_class(cls: type) -> type:
    """Class decorator: register ``cls`` using its ``tree_flatten`` / ``tree_unflatten`` methods.

    Example:
        >>> @register_pytree_node_class
        ... class Pair:
        ...     def __init__(self, a, b): self.a, self.b = a, b
        ...     def tree_flatten(self): return (self.a, self.b), None
        ...     @classmethod
        ...     def tree_unflatten(cls, aux, children): return cls(*children)
    """
    register_pytree_node(cls, lambda x: x.tree_flatten(), cls.tree_unflatten)
    return cls


register_pytree_node(tuple, lambda t: (t, None), lambda _, c: tuple(c))
register_pytree_node(list, lambda t: (t, None), lambda _, c: list(c))
def _flatten_dict(d: dict) -> tuple:
    keys = sorted(d)
    return [d[k] for k in keys], tuple(keys)


register_pytree_node(dict, _flatten_dict, lambda keys, c: dict(zip(keys, c)))
register_pytree_node(
    OrderedDict,
    lambda d: (tuple(d.values()), tuple(d.keys())),
    lambda keys, c: OrderedDict(zip(keys, c)),
)
register_pytree_node(
    defaultdict,
    lambda d: (tuple(d[k] for k in sorted(d)), (d.default_factory, tuple(sorted(d)))),
    lambda aux, c: defaultdict(aux[0], zip(aux[1], c)),
)
register_pytree_node(type(None), lambda n: ((), None), lambda _, c: None)


def _is_namedtuple(x: Any) -> bool:
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


class PyTreeDef:
    """The structure of a pytree, without its leaves. Hashable and comparable."""

    __slots__ = ("kind", "aux", "children", "num_leaves", "flat", "_key_cache", "_hash")

    def __init__(self, kind: Any, aux: Any, children: tuple):
        self.kind = kind  # None for a leaf
        self.aux = aux
        self.children = children
        if kind is None:
            self.num_leaves, self.flat = 1, False
        else:
            n, flat = 0, True
            for c in children:
                n += c.num_leaves
                flat = flat and c.kind is None
            self.num_leaves = n
            # A container of leaves only (a dict of parameters, a tuple of arrays): rebuilt
            # without recursing, since every pytree argument of grad/jit is flattened and
            # rebuilt on each call.
            self.flat = flat
        self._key_cache = None
        self._hash = None

    def _key(self):
        # Cached: jit hashes and compares the structure of its arguments on every call.
        if self._key_cache is None:
            self._key_cache = (self.kind, self.aux, tuple(c._key() for c in self.children))
        return self._key_cache

    def __eq__(self, other: object) -> bool:
        return self is other or (isinstance(other, PyTreeDef) and self._key() == other._key())

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(self._key())
        return self._hash

    def __repr__(self) -> str:
        return f"PyTreeDef({self._str()})"

    def _str(self) -> str:
        if self.kind is None:
            return "*"
        inner = ", ".join(c._str() for c in self.children)
        if self.kind is tuple:
            return f"({inner}{',' if len(self.children) == 1 else ''})"
        if self.kind is list:
            return f"[{inner}]"
        if self.kind is dict:
            return "{" + ", ".join(f"{k!r}: {c._str()}" for k, c in zip(self.aux,
                                                                      self.children)) + "}"
        if self.kind is type(None):
            return "None"
        return f"{self.kind.__name__}({inner})"

    def unflatten(self, leaves: list) -> Any:
        return tree_unflatten(self, leaves)


LEAF = PyTreeDef(None, None, ())


def _flatten(x: Any, leaves: list, is_leaf: Callable | None) -> PyTreeDef:
    if is_leaf is not None and is_leaf(x):
        leaves.append(x)
        return LEAF
    t = type(x)
    if t is Array:  # the commonest leaf, answered before the registry lookups
        leaves.append(x)
        return LEAF
    entry = _registry.get(t)
    if entry is None:
        if _is_namedtuple(x):
            children = [_flatten(c, leaves, is_leaf) for c in x]
            return PyTreeDef(t, None, tuple(children))
        leaves.append(x)
        return LEAF
    kids, aux = entry[0](x)
    children = [_flatten(c, leaves, is_leaf) for c in kids]
    return PyTreeDef(t, aux, tuple(children))


def tree_flatten(tree: Any, is_leaf: Callable | None = None) -> tuple[list, PyTreeDef]:
    """Split a pytree into its list of leaves and its structure.

    Example:
        >>> tree_flatten({"a": 1, "b": (2, 3)})
        ([1, 2, 3], PyTreeDef({'a': *, 'b': (*, *)}))
    """
    leaves: list = []
    treedef = _flatten(tree, leaves, is_leaf)
    return leaves, treedef


def tree_unflatten(treedef: PyTreeDef, leaves: Any) -> Any:
    """Rebuild a pytree of structure ``treedef`` from ``leaves``.

    Example:
        >>> leaves, tree = tree_flatten((1, [2, 3]))
        >>> tree_unflatten(tree, [4, 5, 6])
        (4, [5, 6])
    """
    leaves = list(leaves)
    if len(leaves) != treedef.num_leaves:
        raise ValueError(
            f"tree_unflatten: the structure {treedef} has {treedef.num_leaves} leaves, "
            f"got {len(leaves)}"
        )
    it = iter(leaves)
    return _build(treedef, it)


def _build(td: PyTreeDef, it) -> Any:
    if td.kind is None:
        return next(it)
    if td.flat:
        children = [next(it) for _ in td.children]
    else:
        children = [_build(c, it) for c in td.children]
    if td.kind in _registry:
        return _registry[td.kind][1](td.aux, children)
    return td.kind(*children)  # namedtuple


def tree_leaves(tree: Any, is_leaf: Callable | None = None) -> list:
    """The leaves of a pytree, in order. Example: ``tree_leaves([1, (2, None)]) == [1, 2]``."""
    return tree_flatten(tree, is_leaf)[0]


def tree_structure(tree: Any, is_leaf: Callable | None = None) -> PyTreeDef:
    """The structure of a pytree. Example: ``tree_structure((1, 2))`` is ``PyTreeDef((*, *))``."""
    return tree_flatten(tree, is_leaf)[1]


def tree_map(f: Callable, tree: Any, *rest: Any, is_leaf: Callable | None = None) -> Any:
    """Apply ``f`` leafwise over one or more pytrees of the same structure.

    Example:
        >>> tree_map(lambda a, b: a + b, {"x": 1}, {"x": 2})
        {'x': 3}
    """
    leaves, treedef = tree_flatten(tree, is_leaf)
    all_leaves = [leaves]
    for r in rest:
        r_leaves, r_def = tree_flatten(r, is_leaf)
        if r_def != treedef:
            raise ValueError(f"tree_map: structures differ: {treedef} vs {r_def}")
        all_leaves.append(r_leaves)
    return tree_unflatten(treedef, [f(*xs) for xs in zip(*all_leaves)])


def leaf_paths(tree: Any, prefix: str = "") -> list[str]:
    """A readable path to each leaf, in flatten order, for error messages: ``prefix['a'][0]``,
    ``prefix.x`` for namedtuple fields, ``prefix[i]`` for the i-th child of other nodes."""
    t = type(tree)
    entry = _registry.get(t)
    if entry is None and not _is_namedtuple(tree):
        return [prefix]
    if entry is None:
        kids, labels = list(tree), [f".{f}" for f in type(tree)._fields]
    else:
        kids, aux = entry[0](tree)
        kids = list(kids)
        if t is dict or t is OrderedDict:
            labels = [f"[{k!r}]" for k in aux]
        elif t is defaultdict:
            labels = [f"[{k!r}]" for k in aux[1]]
        else:
            labels = [f"[{i}]" for i in range(len(kids))]
    out: list[str] = []
    for kid, label in zip(kids, labels):
        out += leaf_paths(kid, prefix + label)
    return out


def broadcast_prefix(prefix: Any, tree: Any, name: str = "in_axes") -> list:
    """Expand ``prefix`` (a pytree prefix of ``tree``) to one entry per leaf of ``tree``.

    A leaf of the prefix (an int or None) applies to the whole subtree under it.
    """
    out: list = []

    def go(p: Any, t: Any, path: str) -> None:
        if p is None or isinstance(p, int):
            out.extend([p] * len(tree_leaves(t)))
            return
        p_kids, p_def = _children(p)
        t_kids, t_def = _children(t)
        if p_def is None or t_def is None or p_def != t_def or len(p_kids) != len(t_kids):
            raise ValueError(
                f"{name} at {path or 'the top'} has structure {tree_structure(p)}, which is "
                f"not a prefix of the arguments' structure {tree_structure(t)}"
            )
        for i, (pk, tk) in enumerate(zip(p_kids, t_kids)):
            go(pk, tk, f"{path}[{i}]")

    go(prefix, tree, "")
    return out


def _children(x: Any):
    entry = _registry.get(type(x))
    if entry is not None:
        kids, aux = entry[0](x)
        return list(kids), (type(x), aux)
    if _is_namedtuple(x):
        return list(x), (type(x), None)
    return [], None
