"""lazysweep: count, slice and address huge parameter sweeps without expanding them.

The public API is the names of ``__all__`` (docs/api-names.md lists them,
each with a line); every other module is private (a leading underscore),
outside the semver promise. Names whose module costs the command line's
start-up are imported on first use (:data:`_LAZY`).
"""

from ._axes import ArithmeticRange, Axis, GeometricRange, ValuesAxis
from ._errors import SweepError, UsageError
from ._loader import Limits
from ._space import Chain, Product, Shuffled, Sweep, SweepSlice, View
from ._sweepfile import SweepWarning, from_matrix, load

TYPE_CHECKING = False
if TYPE_CHECKING:  # the lazy names, for type checkers
    from ._collect import Collected, collect
    from ._floatranges import FloatRange, LinearRange, LogRange, StepRange
    from ._matrix import MatrixSweep
    from ._plan import Plan, fingerprint
    from ._selection import Ranges, select

__all__ = [
    "load", "from_matrix",
    "Sweep", "Product", "Chain", "SweepSlice", "View", "Shuffled", "MatrixSweep",
    "Axis", "ValuesAxis", "ArithmeticRange", "GeometricRange", "FloatRange", "StepRange", "LinearRange", "LogRange",
    "select", "Ranges", "fingerprint", "Plan", "collect", "Collected",
    "SweepError", "UsageError", "SweepWarning", "Limits",
    "__version__",
]
__version__ = "1.0.0"


#: Names imported on first use, from the module that holds them: the command line starts faster without them.
_LAZY = {"MatrixSweep": "_matrix", "select": "_selection", "Ranges": "_selection", "fingerprint": "_plan",
         "Plan": "_plan", "collect": "_collect", "Collected": "_collect", "FloatRange": "_floatranges",
         "StepRange": "_floatranges", "LinearRange": "_floatranges", "LogRange": "_floatranges"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        from importlib import import_module  # only when a lazy name is first used

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'lazysweep' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
