"""lazysweep: count, slice and address huge parameter sweeps without expanding them."""

from .errors import SweepError, UsageError
from .loader import Limits
from .space import Chain, Product, Sweep, SweepSlice
from .sweepfile import load

__all__ = ["load", "Sweep", "Product", "Chain", "SweepSlice", "MatrixSweep", "SweepError", "UsageError", "Limits"]
__version__ = "1.0.0"


def __getattr__(name: str) -> object:
    # MatrixSweep is imported on first use: the command line starts faster without it.
    if name == "MatrixSweep":
        from .matrix import MatrixSweep

        return MatrixSweep
    raise AttributeError(f"module 'lazysweep' has no attribute {name!r}")
