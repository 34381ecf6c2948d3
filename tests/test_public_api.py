"""The public API is what the top level's ``__all__`` lists, and every other module is private."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path

import lazysweep
from lazysweep import Sweep

ROOT = Path(__file__).resolve().parent.parent

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
                 "_texts_at", "_templated", "_describe", "_columns_at"):
        method = getattr(Sweep, hook)
        assert method.__doc__ and inspect.signature(method).return_annotation != inspect.Signature.empty, hook
    # mypy --strict (tests/test_typing.py) checks the drop-ins' overrides against these signatures.


def test_a_new_kind_of_sweep_is_one_class():
    """The writer and the plan ask the sweep itself (Sweep._texts, Sweep._describe): a kind defined
    here, nowhere else, is written, fingerprinted and refused as its hooks say."""
    from lazysweep import Product, fingerprint
    from lazysweep._axes import ValuesAxis
    from lazysweep._writer import iter_encoded

    class Doubled(Sweep):
        """Each point of a product twice."""

        def __init__(self, base):
            self.base = base

        @property
        def count(self):
            return 2 * self.base.count

        def _point(self, index):
            return self.base[index // 2]

        def _iter_range(self, start, stop):
            return map(self._point, range(start, stop))

        def _describe(self):
            return ["doubled", self.base._describe()]

    base = Product([ValuesAxis("x", [1, "a"])])
    doubled = Doubled(base)
    assert list(iter_encoded(doubled, with_index=True)) == [
        '{"x":1,"_index":0}', '{"x":1,"_index":1}', '{"x":"a","_index":2}', '{"x":"a","_index":3}']
    assert fingerprint(doubled) != fingerprint(base)

    class Renamed(Product):
        """A product whose points are its own: defining _point without _texts means the dict path."""

        def _point(self, index):
            return {"renamed": super()._point(index)["x"]}

        def _iter_range(self, start, stop):
            return map(self._point, range(start, stop))

    assert list(iter_encoded(Renamed([ValuesAxis("x", [1])]))) == ['{"renamed":1}']


def test_import_lazysweep_loads_no_other_module():
    """Each public name is imported on first use: `import lazysweep` costs nothing else, and the
    command line's start-up loads only what its command needs."""
    code = ("import sys, lazysweep; before = sorted(m for m in sys.modules if m.startswith('lazysweep')); "
            "lazysweep.load; print(before, 'lazysweep._sweepfile' in sys.modules, lazysweep.load.__module__)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.stdout == "['lazysweep'] True lazysweep._sweepfile\n"
