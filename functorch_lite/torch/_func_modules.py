"""``torch.func``'s functions of modules: ``functional_call`` (a module run with given tensors
in place of its parameters and buffers), ``stack_module_state`` (ensembles for ``vmap``) and
``replace_all_batch_norm_modules_``. They need none of the transforms; ``torch.func``
re-exports them (see func.py for the transforms, and docs/facade_func.md).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._src.array import Array
from .._src.core import Tracer
from . import _autograd as AG
from ._tensor import Tensor

__all__ = ["functional_call", "stack_module_state", "replace_all_batch_norm_modules_"]


def _is_value(x: Any) -> bool:
    """A core value (an Array or a tracer of a transformation), as opposed to a Tensor."""
    return isinstance(x, (Array, Tracer))


def functional_call(module: Any, parameter_and_buffer_dicts: Any, args: Any = None,
                    kwargs: dict | None = None, *, tie_weights: bool = True,
                    strict: bool = False) -> Any:
    """Call ``module`` with the given tensors in place of its parameters and buffers.

    ``parameter_and_buffer_dicts`` is a dict (or a sequence of dicts) from dotted names
    (``'0.weight'``) to Tensors, or to core Arrays/tracers (inside ``functorch_lite.grad``/
    ``vmap``/``jit``). The module itself is unchanged afterwards. In-place updates made by the
    forward pass (BatchNorm's running statistics) go to the given tensors: a Tensor is rebound,
    and a core value is replaced in the dict that was passed.

    Example:
        >>> from functorch_lite.torch.func import functional_call
        >>> m = torch.nn.Linear(2, 1)
        >>> params = {"weight": torch.ones(1, 2), "bias": torch.zeros(1)}
        >>> functional_call(m, params, (torch.tensor([1.0, 2.0]),))
        tensor([3.])
    """
    dicts = [parameter_and_buffer_dicts] if isinstance(parameter_and_buffer_dicts, dict) \
        else list(parameter_and_buffer_dicts)
    given: dict = {}
    owner: dict = {}
    dup = []
    for d in dicts:
        if not isinstance(d, dict):
            raise ValueError(f"Expected all elements of parameter_and_buffer_dicts to be "
                             f"dictionaries, got {type(d).__name__}")
        for k, v in d.items():
            if k in given:
                dup.append(k)
            given[k] = v
            owner[k] = d
    if dup:
        raise ValueError(f"{sorted(set(dup))} appeared in multiple dictionaries; behavior of "
                         "functional call is ambiguous")
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    kwargs = kwargs or {}
    slots = _module_slots(module)
    if strict:
        missing = [k for k in slots if k not in given]
        unexpected = [k for k in given if k not in slots]
        if missing or unexpected:
            msgs = []
            if missing:
                msgs.append("Missing key(s): " + ", ".join(f"'{k}'" for k in missing) + ".")
            if unexpected:
                msgs.append("Unexpected key(s): " + ", ".join(f"'{k}'" for k in unexpected) +
                            ".")
            raise RuntimeError(f"Error(s) in reparametrizing for {type(module).__name__}:\n\t" +
                               "\n\t".join(msgs))
    # tied names (one tensor registered under several names) share the given value
    if tie_weights:
        by_tensor: dict = {}
        for k, (_, _, t) in slots.items():
            if t is not None:
                by_tensor.setdefault(id(t), []).append(k)
        for names in by_tensor.values():
            if len(names) < 2:
                continue
            present = [k for k in names if k in given]
            if len({id(given[k]) for k in present}) > 1:
                raise ValueError(
                    f"functional_call got multiple values for keys {present}, which are tied. "
                    "Consider using tie_weights=False"
                )
            if present:
                for k in names:
                    if k not in given:
                        given[k] = given[present[0]]
    swapped = []  # (registry dict, name, original, wrapper, dict key)
    wrappers: dict = {}
    for k, v in given.items():
        slot = slots.get(k)
        if slot is None:
            continue
        registry, attr, orig = slot
        if isinstance(v, Tensor):
            t = v
        elif id(v) in wrappers:
            t = wrappers[id(v)]
        else:
            t = Tensor._from_value(v if _is_value(v) else Array(np.asarray(v)))
            wrappers[id(v)] = t
        swapped.append((registry, attr, orig, t, k))
    untouched = [(k, t, t._data) for k, (_, _, t) in slots.items()
                 if k not in given and t is not None]
    for registry, attr, _, t, _ in swapped:
        registry[attr] = t
    try:
        out = module(*args, **kwargs)
    finally:
        for registry, attr, orig, _, _ in swapped:
            registry[attr] = orig
    for _, _, _, t, k in swapped:
        v = given[k]
        if not isinstance(v, Tensor) and t._gen != 0 and k in owner:
            owner[k][k] = t._data
    _settle_untouched(untouched, type(module).__name__)
    return out


def _module_slots(module: Any) -> dict:
    """dotted name -> (registry dict, attribute name, tensor) for every parameter and buffer
    (tied ones under each of their names)."""
    slots = {}
    for prefix, mod in module.named_modules(remove_duplicate=False):
        for registry in (mod._parameters, mod._buffers):
            for attr, t in registry.items():
                slots[prefix + ("." if prefix else "") + attr] = (registry, attr, t)
    return slots


def _settle_untouched(untouched: list, mod_name: str) -> None:
    """Module state that was not passed but was changed in place with a traced value (a
    BatchNorm buffer left out of the dict): keep the concrete update when there is one
    (under grad/jvp); otherwise restore all of it (no half update) and say how to pass it."""
    bad = None
    for k, t, old in untouched:
        v = t._data
        if v is old or not isinstance(v, Tracer):
            continue
        try:
            t._data = v.to_concrete()
        except Exception:
            bad = k
    if bad is None:
        return
    for _, t, old in untouched:
        t._data = old
    raise RuntimeError(
        f"functional_call({mod_name}): the forward pass changed '{bad}' in place with a value "
        "that only exists inside the transformation (vmap/jit); pass the buffers in the dicts "
        "so that the new values come back in the dict, or call .eval() first"
    )


def stack_module_state(models: Sequence[Any]) -> tuple[dict, dict]:
    """Stack the parameters and buffers of identically built modules along a new dim 0:
    ``(params, buffers)`` for ``vmap(functional_call-based fn, in_dims=(0, 0, None))``.
    The stacked parameters are new leaves that require grad.

    Example:
        >>> from functorch_lite.torch.func import stack_module_state
        >>> params, buffers = stack_module_state([torch.nn.Linear(3, 2) for _ in range(4)])
        >>> params["weight"].shape
        torch.Size([4, 2, 3])
    """
    from ._select_ops import stack

    models = list(models)
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or all(not m.training for m in models)):
        raise RuntimeError("stack_module_state: Expected all models to have the same training/"
                           "eval mode.")
    ref_type = type(models[0])
    if not all(type(m) is ref_type for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")
    names = [n for n, _ in models[0].named_parameters()]
    params = {}
    with AG.no_grad():
        for n in names:
            ps = [dict(m.named_parameters())[n] for m in models]
            params[n] = stack([p.detach() for p in ps]).requires_grad_(ps[0].requires_grad)
        buffers = {n: stack([dict(m.named_buffers())[n].detach() for m in models])
                   for n, _ in models[0].named_buffers()}
    return params, buffers


def replace_all_batch_norm_modules_(root: Any) -> Any:
    """Stop every BatchNorm in ``root`` from tracking running statistics (torch.func's
    helper for vmap over models whose buffers are not mapped); returns ``root``. Not needed
    here when the buffers are passed to ``functional_call`` (docs/facade_func.md).

    Example:
        >>> from functorch_lite.torch.func import replace_all_batch_norm_modules_
        >>> bn = replace_all_batch_norm_modules_(torch.nn.BatchNorm1d(3))
        >>> bn.running_mean is None
        True
    """
    from .nn.modules.batchnorm import _BatchNorm

    for m in root.modules():
        if isinstance(m, _BatchNorm):
            m.running_mean = None
            m.running_var = None
            m.num_batches_tracked = None
            m.track_running_stats = False
    return root

