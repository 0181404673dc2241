"""jax.numpy names functorch_lite does not implement: stand-ins that say why, and what to use.
"""
__all__: list[str] = []
