"""jax.numpy coverage: every public jax.numpy name is implemented or a documented stand-in."""
import pathlib

import pytest

import functorch_lite.numpy as jnp
from functorch_lite._src.numpy import unsupported

HERE = pathlib.Path(__file__).parent
JAX_NAMES = [
    line.strip() for line in (HERE / "jax_numpy_names.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
]
UNSUPPORTED = dict(unsupported.UNSUPPORTED)
DOCS = (HERE.parent / "docs" / "array_api.md").read_text()


def test_names_file_is_jax_numpy():
    assert len(JAX_NAMES) > 400 and len(set(JAX_NAMES)) == len(JAX_NAMES)
    for name in ["sum", "where", "linalg", "__array_api_version__", "bfloat16"]:
        assert name in JAX_NAMES


def test_every_jax_numpy_name_is_covered():
    missing = [n for n in JAX_NAMES if not hasattr(jnp, n) and n not in UNSUPPORTED]
    assert not missing, f"jax.numpy names neither implemented nor listed unsupported: {missing}"


def test_unsupported_names_are_exported_and_not_implemented_elsewhere():
    for name in UNSUPPORTED:
        assert name in jnp.__all__, name
        assert getattr(jnp, name).__class__.__name__ == "_StandIn", (
            f"{name} is implemented by another module too: remove it from unsupported.py")


@pytest.mark.parametrize("name", sorted(UNSUPPORTED))
def test_unsupported_raises_naming_function_and_reason(name):
    stand_in = getattr(jnp, name)
    reason = UNSUPPORTED[name]
    with pytest.raises(NotImplementedError, match=rf"numpy\.{name} is not supported") as info:
        stand_in(1.0)
    assert reason in str(info.value)
    with pytest.raises(NotImplementedError, match=name):
        stand_in[0]
    with pytest.raises(NotImplementedError, match=name):
        stand_in.some_attribute  # noqa: B018  (fft.fft, ...)
    assert name in repr(stand_in)


@pytest.mark.parametrize("name", sorted(UNSUPPORTED))
def test_unsupported_names_are_documented(name):
    assert f"`{name}`" in DOCS, f"docs/array_api.md does not list unsupported {name}"

