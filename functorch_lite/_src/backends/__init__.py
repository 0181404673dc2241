"""Array modules (``xp``): numpy always, cupy when installed and a GPU is present."""
from __future__ import annotations

from typing import Any

import numpy as np


def array_module_of(values: Any) -> Any:
    """numpy, or cupy if any of ``values`` lives on a GPU."""
    for v in values:
        if type(v).__module__.startswith("cupy"):
            import cupy

            return cupy
    return np


def cupy_or_none() -> Any:
    try:
        import cupy

        if cupy.cuda.runtime.getDeviceCount() > 0:
            return cupy
    except Exception:  # no cupy, no driver or no device: numpy only
        return None
    return None
