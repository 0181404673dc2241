"""Testing helpers: ``check_grads`` compares derivatives with finite differences."""
from ._src.test_util import check_grads, check_jvp, check_vjp

__all__ = ["check_grads", "check_jvp", "check_vjp"]
