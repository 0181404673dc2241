"""Regenerate docs/api.md from the public modules: ``python docs/gen_api.py > docs/api.md``."""
from __future__ import annotations

import importlib
import inspect

from functorch_lite._src.numpy.unsupported import _StandIn

MODULES = [
    ("functorch_lite", "Transformations, the Array type and configuration."),
    ("functorch_lite.numpy", "numpy's API over immutable, differentiable Arrays (like jax.numpy)."),
    ("functorch_lite.numpy.linalg", "Linear algebra (like jax.numpy.linalg)."),
    ("functorch_lite.lax", "Primitive-level operations with jax.lax names."),
    ("functorch_lite.random", "Functional, splittable pseudo-random keys (like jax.random)."),
    ("functorch_lite.nn", "Neural-network functions (like jax.nn)."),
    ("functorch_lite.nn.initializers", "Parameter initialisers (like jax.nn.initializers)."),
    ("functorch_lite.scipy.special", "Special functions (like jax.scipy.special)."),
    ("functorch_lite.tree_util", "Pytrees."),
    ("functorch_lite.torch", "The PyTorch-style facade: tensors, autograd, creation and math."),
    ("functorch_lite.torch.nn", "Modules, layers and losses (torch.nn)."),
    ("functorch_lite.torch.nn.functional", "Functional layers and losses."),
    ("functorch_lite.torch.nn.init", "Parameter initialisation (torch.nn.init)."),
    ("functorch_lite.torch.optim", "Optimisers (torch.optim)."),
    ("functorch_lite.torch.optim.lr_scheduler", "Learning-rate schedulers."),
    ("functorch_lite.torch.func", "torch.func on the functional core."),
    ("functorch_lite.torch.utils.data", "Datasets and loaders (torch.utils.data)."),
    ("functorch_lite.torchvision.transforms", "Image transforms (torchvision.transforms)."),
    ("functorch_lite.torchvision.datasets", "CIFAR and MNIST from local files."),
    ("functorch_lite.torchvision.models", "ResNets (torchvision.models)."),
    ("functorch_lite.test_util", "Derivative checks against finite differences."),
    ("functorch_lite.errors", "Exceptions."),
]


def summary(obj: object) -> str:
    doc = inspect.getdoc(obj) or ""
    first = doc.strip().split("\n\n")[0].replace("\n", " ").strip()
    return first.replace("|", "\\|")


def signature(name: str, obj: object) -> str:
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return name
    empty = inspect.Parameter.empty
    sig = sig.replace(parameters=[p.replace(annotation=empty) for p in sig.parameters.values()],
                      return_annotation=empty)
    return f"{name}{sig}".replace("|", "\\|")


def public_names(module: object) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in dir(module) if not n.startswith("_")]
    return sorted(names, key=str.lower)


def main() -> None:
    print("# API reference")
    print()
    print("Generated from the modules by `docs/gen_api.py`; each entry gives the signature and")
    print("the first paragraph of its docstring. The names and signatures follow JAX.")
    for modname, blurb in MODULES:
        module = importlib.import_module(modname)
        print()
        print(f"## `{modname}`")
        print()
        print(blurb)
        print()
        funcs, classes, modules, constants = [], [], [], []
        unsupported = []
        for name in public_names(module):
            obj = getattr(module, name)
            if isinstance(obj, _StandIn):  # raises on any use: listed, not inspected
                unsupported.append(name)
                continue
            if inspect.ismodule(obj):
                if obj.__name__.startswith("functorch_lite"):
                    modules.append(name)
            elif inspect.isclass(obj):
                if obj.__module__.startswith("functorch_lite"):
                    classes.append((name, obj))
                else:
                    constants.append(name)  # numpy dtypes re-exported as jnp.float32 etc.
            elif callable(obj):
                funcs.append((name, obj))
            else:
                constants.append(name)
        if modules:
            print("Submodules: " + ", ".join(f"`{m}`" for m in modules) + ".")
            print()
        if classes:
            print("| class | summary |")
            print("|---|---|")
            for name, obj in classes:
                print(f"| `{name}` | {summary(obj)} |")
            print()
        if funcs:
            print("| function | summary |")
            print("|---|---|")
            for name, obj in funcs:
                print(f"| `{signature(name, obj)}` | {summary(obj)} |")
            print()
        if constants:
            print("Constants and dtypes: " + ", ".join(f"`{c}`" for c in constants) + ".")
        if unsupported:
            print()
            print("Not supported (calling them raises NotImplementedError with the reason; see "
                  "[array_api.md](array_api.md)): " + ", ".join(f"`{u}`" for u in unsupported)
                  + ".")
            print()


if __name__ == "__main__":
    main()
