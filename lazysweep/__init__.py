"""lazysweep: count, slice and address huge parameter sweeps without expanding them."""

from .errors import SweepError, UsageError
from .loader import Limits
from .space import Chain, Product, Sweep, SweepSlice
from .sweepfile import load

__all__ = ["load", "Sweep", "Product", "Chain", "SweepSlice", "SweepError", "UsageError", "Limits"]
__version__ = "0.1.0"
