"""lazysweep: count, slice and address huge parameter sweeps without expanding them.

The public API is the names of ``__all__`` (docs/api-names.md lists them,
each with a line); every other module is private (a leading underscore),
outside the semver promise. Each name is imported from its module on first
use (PEP 562): ``import lazysweep`` loads nothing else, and the command line
(``lazysweep.__main__``) imports what its command needs, and only that.
"""

TYPE_CHECKING = False
if TYPE_CHECKING:  # the names, for type checkers
    from ._axes import ArithmeticRange, Axis, GeometricRange, ValuesAxis
    from ._collect import Collected, collect
    from ._errors import SweepError, UsageError
    from ._floatranges import FloatRange, LinearRange, LogRange, StepRange
    from ._loader import Limits
    from ._matrix import MatrixSweep
    from ._plan import Plan, fingerprint
    from ._selection import Ranges, select
    from ._space import Chain, Product, Shuffled, Sweep, SweepSlice, View
    from ._sweepfile import SweepWarning, from_matrix, load

__all__ = [
    "load", "from_matrix",
    "Sweep", "Product", "Chain", "SweepSlice", "View", "Shuffled", "MatrixSweep",
    "Axis", "ValuesAxis", "ArithmeticRange", "GeometricRange", "FloatRange", "StepRange", "LinearRange", "LogRange",
    "select", "Ranges", "fingerprint", "Plan", "collect", "Collected",
    "SweepError", "UsageError", "SweepWarning", "Limits",
    "__version__",
]
__version__ = "1.0.0"

#: The private module that holds each public name, imported when the name is first used.
_HOMES = {
    "load": "_sweepfile", "from_matrix": "_sweepfile", "SweepWarning": "_sweepfile",
    "Sweep": "_space", "Product": "_space", "Chain": "_space", "SweepSlice": "_space", "View": "_space",
    "Shuffled": "_space", "MatrixSweep": "_matrix",
    "Axis": "_axes", "ValuesAxis": "_axes", "ArithmeticRange": "_axes", "GeometricRange": "_axes",
    "FloatRange": "_floatranges", "StepRange": "_floatranges", "LinearRange": "_floatranges",
    "LogRange": "_floatranges",
    "select": "_selection", "Ranges": "_selection", "fingerprint": "_plan", "Plan": "_plan",
    "collect": "_collect", "Collected": "_collect",
    "SweepError": "_errors", "UsageError": "_errors", "Limits": "_loader",
}


def __getattr__(name: str) -> object:
    """A public name, imported from its module (:data:`_HOMES`) and kept: O(1) after the first use."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'lazysweep' has no attribute {name!r}")
    from importlib import import_module  # only when a name is first used

    value = globals()[name] = getattr(import_module(f".{home}", __name__), name)
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
