"""``python -m functorch_lite.torch SCRIPT.py [args]``: run a PyTorch script on the facade."""
import sys

from ._runner import main

if __name__ == "__main__":
    sys.exit(main())
