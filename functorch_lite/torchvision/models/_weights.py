"""Pretrained weights, from local safetensors files only.

torchvision downloads pickled ``.pth`` checkpoints; functorch_lite never downloads and never
unpickles. A named weight (``ResNet18_Weights.IMAGENET1K_V1``, ``"DEFAULT"``, or
``pretrained=True``) is read from ``<torch hub dir>/checkpoints/<torchvision file
stem>.safetensors``, where the hub dir is ``$TORCH_HOME/hub`` (default
``$XDG_CACHE_HOME/torch/hub``, i.e. ``~/.cache/torch/hub``) as in torch. ``weights`` may also be
a path to any safetensors state dict.
"""
from __future__ import annotations

import enum
import os
from typing import Any

__all__ = ["WeightsEnum", "get_weight", "checkpoint_dir", "load_weights"]

_CONVERT = (
    "Make the file once on a machine with PyTorch and network access:\n"
    "    import torchvision\n"
    "    from safetensors.torch import save_file\n"
    "    m = torchvision.models.{model}(weights='{name}')\n"
    "    save_file(m.state_dict(), '{file}')\n"
    "then copy it to {path} (or pass weights='/path/to/file.safetensors')."
)


class WeightsEnum(enum.Enum):
    """Base of the ``*_Weights`` enums; each value is (torchvision file stem, name).

    Example:
        >>> from functorch_lite.torchvision.models import ResNet18_Weights
        >>> ResNet18_Weights.DEFAULT is ResNet18_Weights.IMAGENET1K_V1
        True
    """

    @property
    def file_name(self) -> str:
        return self.value[0] + ".safetensors"

    @property
    def meta(self) -> dict[str, Any]:
        return {"num_classes": 1000}

    @property
    def model_name(self) -> str:
        return type(self).__name__.split("_Weights")[0].lower()

    def get_state_dict(self, progress: bool = True, check_hash: bool = False) -> dict:
        """The state dict from the local checkpoint file (see the module docstring).

        Example:
            >>> from functorch_lite.torchvision.models import ResNet18_Weights
            >>> ResNet18_Weights.DEFAULT.get_state_dict()  # doctest: +SKIP
        """
        path = os.path.join(checkpoint_dir(), self.file_name)
        if not os.path.isfile(path):
            pth = os.path.join(checkpoint_dir(), self.value[0] + ".pth")
            seen = (f" ({pth} exists, but it is a pickled checkpoint, which functorch_lite "
                    "never loads because unpickling can run code)") if os.path.isfile(pth) else ""
            hint = _CONVERT.format(model=self.model_name, name=self.name, file=self.file_name,
                                   path=path)
            raise RuntimeError(f"{type(self).__name__}.{self.name}: no local weights file at "
                               f"{path}{seen}. functorch_lite does not download weights. "
                               f"{hint}")
        return _load_file(path)


def checkpoint_dir() -> str:
    """Where named weights are looked for: ``$TORCH_HOME/hub/checkpoints`` (torch's default).

    Example:
        >>> checkpoint_dir().endswith(os.path.join("hub", "checkpoints"))
        True
    """
    torch_home = os.environ.get("TORCH_HOME")
    if torch_home is None:
        cache = os.environ.get("XDG_CACHE_HOME", os.path.join("~", ".cache"))
        torch_home = os.path.join(cache, "torch")
    return os.path.join(os.path.expanduser(torch_home), "hub", "checkpoints")


def get_weight(name: str, enum_cls: type[WeightsEnum]) -> WeightsEnum:
    """A weights enum member by name (``"DEFAULT"``, ``"IMAGENET1K_V1"``, or
    ``"ResNet18_Weights.IMAGENET1K_V1"``).

    Example:
        >>> from functorch_lite.torchvision.models import ResNet18_Weights
        >>> get_weight("DEFAULT", ResNet18_Weights).name
        'IMAGENET1K_V1'
    """
    member = name.split(".")[-1]
    try:
        return enum_cls[member]
    except KeyError:
        raise ValueError(f"{name!r} is not a weight of {enum_cls.__name__} (known: "
                         f"{', '.join(enum_cls.__members__)}) nor an existing file") from None


def _load_file(path: str) -> dict:
    import functorch_lite.torch as torch
    state = torch.load(path)
    if not isinstance(state, dict):
        raise RuntimeError(f"{path}: expected a state dict (a mapping of names to tensors), got "
                           f"{type(state).__name__}")
    return state


def load_weights(weights: Any, enum_cls: type[WeightsEnum],
                 kwargs: dict[str, Any]) -> tuple[dict | None, str | None]:
    """Resolve a builder's ``weights`` argument to ``(state_dict, description)``.

    A named weight fixes ``num_classes`` at 1000 (a different value raises ValueError, as in
    torchvision); a file path leaves ``num_classes`` to the caller.

    Example:
        >>> from functorch_lite.torchvision.models import ResNet18_Weights
        >>> load_weights(None, ResNet18_Weights, {})
        (None, None)
    """
    if weights is None:
        return None, None
    if isinstance(weights, (str, os.PathLike)):
        path = os.fspath(weights)
        if os.path.isfile(os.path.expanduser(path)):
            return _load_file(os.path.expanduser(path)), path
        if isinstance(weights, os.PathLike) or os.sep in path or path.endswith(
                (".safetensors", ".pt", ".pth", ".bin")):
            raise FileNotFoundError(f"weights file not found: {path}")
        weights = get_weight(path, enum_cls)
    if not isinstance(weights, enum_cls):
        raise TypeError(f"weights should be None, a {enum_cls.__name__}, its name, or a path to "
                        f"a safetensors file; got {weights!r}")
    expected = weights.meta["num_classes"]
    if kwargs.get("num_classes", expected) != expected:
        raise ValueError(f"The parameter 'num_classes' expected value {expected} but got "
                         f"{kwargs['num_classes']} instead.")
    kwargs["num_classes"] = expected
    return weights.get_state_dict(), os.path.join(checkpoint_dir(), weights.file_name)
