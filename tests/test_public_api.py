"""The public API is what the top level's ``__all__`` lists, and every other module is private."""

from __future__ import annotations

import inspect
from pathlib import Path

import lazysweep
from lazysweep import Sweep

PACKAGE = Path(lazysweep.__file__).parent

#: The documented API (docs/api-names.md), in its order.
API = [
    "load", "from_matrix",
    "Sweep", "Product", "Chain", "SweepSlice", "View", "Shuffled", "MatrixSweep",
    "Axis", "ValuesAxis", "ArithmeticRange", "GeometricRange", "FloatRange", "StepRange", "LinearRange", "LogRange",
    "select", "Ranges", "fingerprint", "Plan", "collect", "Collected",
    "SweepError", "UsageError", "SweepWarning", "Limits",
    "__version__",
]

#: The drop-ins keep upstream's public module names.
PUBLIC_MODULES = {"lazysweep.inferencex", "lazysweep.inferencex.validation", "lazysweep.inferencemax",
                  "lazysweep.inferencemax.validation"}


def test_all_is_the_documented_api_and_every_name_resolves():
    assert lazysweep.__all__ == API
    for name in API:
        assert getattr(lazysweep, name) is not None, name
    assert set(API) <= set(dir(lazysweep))


def test_the_api_is_listed_in_the_docs():
    listed = (PACKAGE.parent / "docs" / "api-names.md").read_text(encoding="utf-8")
    assert [name for name in API if f"`{name}`" not in listed] == []


def test_every_other_module_is_private():
    public = []
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] in ("__init__", "__main__"):
            continue
        name = ".".join(parts)
        if name not in PUBLIC_MODULES and not any(part.startswith("_") for part in parts[1:]):
            public.append(name)
    assert public == []


def test_the_lazy_names_are_the_modules_own():
    from lazysweep._matrix import MatrixSweep
    from lazysweep._plan import Plan

    assert lazysweep.MatrixSweep is MatrixSweep and lazysweep.Plan is Plan


def test_the_subclass_hooks_are_declared_on_sweep():
    """The hooks the drop-ins and the kinds of sweep override are Sweep's, documented and typed."""
    for hook in ("_point", "_iter_range", "_matches", "_source", "_source_range", "_points_at", "_texts",
                 "_texts_at", "_templated", "_describe"):
        method = getattr(Sweep, hook)
        assert method.__doc__ and inspect.signature(method).return_annotation != inspect.Signature.empty, hook
    # mypy --strict (tests/test_typing.py) checks the drop-ins' overrides against these signatures.
