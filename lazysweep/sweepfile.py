"""The sweep-file format, turned into lazy sweeps.

A sweep file is YAML holding either one matrix or a union of matrices::

    matrix:                      # GitHub Actions strategy.matrix syntax, plus ranges
      os: [ubuntu-latest, macos-latest]
      conc: {start: 4, stop: 1024, factor: 2}
      seed: {start: 0, stop: 999999, step: 1}

    sweeps:                      # matrices one after another, in order
      - matrix: {model: [a, b], tp: [1, 2]}
      - matrix: {model: [c], tp: [8]}

An axis is a non-empty list of values, or a range: ``{start, stop}`` with
an optional ``step`` (arithmetic, default 1) or a ``factor`` (geometric).
Each point is a dict with its matrix's axes as keys, in the order written.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Iterable, Union

from .axes import ArithmeticRange, Axis, GeometricRange, ValuesAxis
from .errors import SweepError
from .loader import Document, Limits, load_document
from .space import Chain, Product, Sweep

__all__ = ["load", "sweep_from_matrix", "sweep_from_document"]

PathLike = Union[str, "os.PathLike[str]"]

_RANGE_KEYS = ("start", "stop", "step", "factor")
_MATRIX_RULES = {
    "include": "'include' is not supported yet",
    "exclude": "'exclude' is not supported yet",
}


def load(paths: PathLike | Iterable[PathLike], limits: Limits | None = None) -> Sweep:
    """Load one sweep file, or several concatenated in order, as a lazy sweep.

    Cost: parsing the files; nothing grows with the number of points.
    Raises :class:`~lazysweep.errors.SweepError` naming the file, line and
    column for anything wrong.
    """
    if isinstance(paths, (str, os.PathLike)):
        return sweep_from_document(load_document(paths, limits))
    sweeps = [sweep_from_document(load_document(path, limits)) for path in paths]
    if not sweeps:
        raise SweepError("no sweep files given")
    return sweeps[0] if len(sweeps) == 1 else Chain(sweeps)


def sweep_from_matrix(matrix: Mapping[str, Any]) -> Sweep:
    """The sweep of a matrix given as Python data (lists, tuples, ``range``, range dicts).

    >>> sweep_from_matrix({"tp": [4, 8], "conc": {"start": 4, "stop": 100, "factor": 2}}).count
    12
    """
    document = Document(None, {"matrix": matrix}, {}, None)
    return _Interpreter(document).matrix(document.value, "matrix")


def sweep_from_document(document: Document) -> Sweep:
    """The sweep a loaded sweep file describes."""
    return _Interpreter(document).top()


class _Interpreter:
    def __init__(self, document: Document) -> None:
        self.document = document

    def fail(self, message: str, container: Any = None, key: Any = None, at_key: bool = False) -> SweepError:
        return self.document.error(message, container, key, at_key)

    def top(self) -> Sweep:
        top = self.document.value
        if not isinstance(top, dict):
            raise self.fail(f"the top level must be a mapping with 'matrix' or 'sweeps', not {_kind(top)}")
        for key in top:
            if key not in ("matrix", "sweeps"):
                raise self.fail(f"unknown key {key!r} (expected 'matrix' or 'sweeps')", top, key, at_key=True)
        if ("matrix" in top) == ("sweeps" in top):
            raise self.fail("expected exactly one of 'matrix' or 'sweeps' at the top level")
        if "matrix" in top:
            return self.matrix(top, "matrix")
        sweeps = top["sweeps"]
        if not isinstance(sweeps, list) or not sweeps:
            raise self.fail("'sweeps' must be a non-empty list of {matrix: ...} entries", top, "sweeps")
        parts = []
        for position, entry in enumerate(sweeps):
            if not isinstance(entry, dict) or list(entry) != ["matrix"]:
                raise self.fail("each entry of 'sweeps' must be a mapping with just 'matrix'", sweeps, position)
            parts.append(self.matrix(entry, "matrix"))
        return parts[0] if len(parts) == 1 else Chain(parts)

    def matrix(self, parent: Any, key: str) -> Product:
        matrix = parent[key]
        if not isinstance(matrix, Mapping):
            raise self.fail(f"'matrix' must be a mapping of axes, not {_kind(matrix)}", parent, key)
        if not matrix:
            raise self.fail("'matrix' has no axes", parent, key)
        axes = []
        for name, values in matrix.items():
            if name in _MATRIX_RULES:
                raise self.fail(_MATRIX_RULES[name], matrix, name, at_key=True)
            if not isinstance(name, str):
                raise self.fail(f"axis name {name!r} must be a string (quote it)", matrix, name, at_key=True)
            axes.append(self.axis(matrix, name, values))
        return Product(axes)

    def axis(self, matrix: Any, name: str, values: Any) -> Axis:
        if isinstance(values, (list, tuple)):
            if not values:
                raise self.fail(f"axis {name!r} is empty", matrix, name)
            return ValuesAxis(name, values)
        if isinstance(values, range):
            if not values:
                raise self.fail(f"axis {name!r} is empty", matrix, name)
            if values.step < 0:
                return ValuesAxis(name, values)
            return ArithmeticRange(name, values.start, values[-1], values.step)
        if isinstance(values, Mapping):
            return self.range_axis(matrix, name, values)
        raise self.fail(f"axis {name!r} must be a list or a range, not {_kind(values)}", matrix, name)

    def range_axis(self, matrix: Any, name: str, spec: Mapping[str, Any]) -> Axis:
        for key in spec:
            if key not in _RANGE_KEYS:
                raise self.fail(
                    f"unknown key {key!r} in range axis {name!r} (expected start, stop, and step or factor)",
                    spec,
                    key,
                    at_key=True,
                )
        for key in ("start", "stop"):
            if key not in spec:
                raise self.fail(f"range axis {name!r} needs {key!r}", matrix, name)
        if "step" in spec and "factor" in spec:
            raise self.fail(f"range axis {name!r} takes 'step' or 'factor', not both", spec, "factor", at_key=True)
        numbers = {}
        for key, value in spec.items():
            if isinstance(value, bool) or not isinstance(value, int):
                raise self.fail(f"{key!r} of range axis {name!r} must be an integer, not {_kind(value)}", spec, key)
            numbers[key] = value
        start, stop = numbers["start"], numbers["stop"]
        if start > stop:
            raise self.fail(f"range axis {name!r} starts after it stops ({start} > {stop})", spec, "start")
        if "factor" in numbers:
            if numbers["factor"] < 2:
                raise self.fail(f"'factor' of range axis {name!r} must be at least 2", spec, "factor")
            if start < 1:
                raise self.fail(f"a geometric range axis {name!r} must start at 1 or more", spec, "start")
            return GeometricRange(name, start, stop, numbers["factor"])
        step = numbers.get("step", 1)
        if step < 1:
            raise self.fail(f"'step' of range axis {name!r} must be at least 1", spec, "step")
        return ArithmeticRange(name, start, stop, step)


def _kind(value: Any) -> str:
    """A short description of a value's type for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__
