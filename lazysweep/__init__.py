"""lazysweep: count, slice and address huge parameter sweeps without expanding them."""

from ._errors import SweepError, UsageError
from ._loader import Limits
from ._space import Chain, Product, Sweep, SweepSlice
from ._sweepfile import SweepWarning, load

__all__ = [
    "load", "Sweep", "Product", "Chain", "SweepSlice", "MatrixSweep", "select", "fingerprint", "Plan",
    "SweepError", "SweepWarning", "UsageError", "Limits",
]
__version__ = "1.0.0"


#: Names imported on first use, from the module that holds them: the command line starts faster without them.
_LAZY = {"MatrixSweep": "_matrix", "select": "_selection", "fingerprint": "_plan", "Plan": "_plan"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'lazysweep' has no attribute {name!r}")
