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
``exclude`` and ``include`` follow GitHub Actions' rules (see
:mod:`lazysweep._matrix`), and so do scalars: sweep files are read with
GitHub's YAML rules (YAML 1.2 core: ``yes`` is a string, ``1e-4`` a number;
see :mod:`lazysweep._loader`).

A key one or two edits away from a key with a meaning (``exlude``,
``includ``) is still an axis, as on GitHub, so the count stays GitHub's;
a :class:`SweepWarning` says what it looks like.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Mapping, Sequence

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from typing import Any, Union

    PathLike = Union[str, os.PathLike[str]]

from ._axes import ArithmeticRange, Axis, GeometricRange, ValuesAxis
from ._equality import fold
from ._errors import SweepError
from ._loader import Document, Limits, load_document, yaml11_note
from ._space import Chain, Product, Sweep

__all__ = ["load", "from_matrix", "sweep_from_document", "workflow_jobs", "dynamic_reason", "SweepWarning"]


_RANGE_KEYS = ("start", "stop", "step", "factor", "num", "scale")
_MATRIX_KEYS = ("include", "exclude")
_TOP_KEYS = ("matrix", "sweeps")


class SweepWarning(UserWarning):
    """Something in a sweep that is valid but probably not what was meant (a misspelled key).

    The command line prints each as one line on stderr; the result is unchanged.
    """


def load(paths: PathLike | Iterable[PathLike], limits: Limits | None = None, job: str | None = None) -> Sweep:
    """Load one sweep file, or several concatenated in order, as a lazy sweep.

    With ``job``, each file is a GitHub Actions workflow and the sweep is that
    job's literal ``strategy.matrix``.

    Cost: parsing the files; nothing grows with the number of points.
    Raises :class:`~lazysweep._errors.SweepError` naming the file, line and
    column for anything wrong.
    """
    if isinstance(paths, (str, os.PathLike)):
        return sweep_from_document(load_document(paths, limits), job)
    sweeps = [sweep_from_document(load_document(path, limits), job) for path in paths]
    if not sweeps:
        raise SweepError("no sweep files given")
    return sweeps[0] if len(sweeps) == 1 else Chain(sweeps)


def from_matrix(matrix: Mapping[str, Any]) -> Sweep:
    """The sweep of a matrix given as Python data (lists, tuples, ``range``, range dicts), as
    written under ``matrix:`` in a sweep file (``lazysweep.from_matrix``).

    >>> from_matrix({"tp": [4, 8], "conc": {"start": 4, "stop": 100, "factor": 2}}).count
    12
    """
    document = Document(None, {"matrix": matrix}, {}, None)
    return _Interpreter(document).matrix(document.value, "matrix")


def sweep_from_document(document: Document, job: str | None = None) -> Sweep:
    """The sweep a loaded sweep file describes, or with ``job`` a workflow job's matrix."""
    if job is None:
        return _Interpreter(document).top()
    return _Interpreter(document, github=True).workflow_job(job)


def workflow_jobs(document: Document) -> dict[str, Any]:
    """The ``jobs`` mapping of a GitHub Actions workflow document."""
    top = document.value
    jobs = top.get("jobs") if isinstance(top, dict) else None
    if not isinstance(jobs, dict):
        raise document.error("not a GitHub Actions workflow: no 'jobs' mapping")
    return jobs


def dynamic_reason(matrix: Any) -> str | None:
    """Where GitHub would fill this matrix in at run time, or None if it is all literal: the path
    of the first ``${{ ... }}`` anywhere in it (an axis, a value deep in one, an ``include`` or
    ``exclude`` entry, or a key) and the expression. Such a matrix cannot be counted before the
    run: counting its text would be wrong. O(size of the matrix), without recursion.

    >>> dynamic_reason({"os": ["a"], "exclude": [{"os": "${{ inputs.skip }}"}]})
    'matrix.exclude[0].os is ${{ inputs.skip }}'
    >>> dynamic_reason("${{ fromJSON(needs.plan.outputs.batches) }}"), dynamic_reason({"os": ["a"]})
    ('matrix is ${{ fromJSON(needs.plan.outputs.batches) }}', None)
    """
    pending: list[tuple[str, Any]] = [("matrix", matrix)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            if "${{" in value:
                return f"{path} is {_expression(value)}"
        elif isinstance(value, Mapping):
            for key in value:
                if isinstance(key, str) and "${{" in key:
                    return f"a key of {path} is {_expression(key)}"
            pending.extend((_step(path, key), item) for key, item in reversed(list(value.items())))
        elif _is_list(value):
            pending.extend((f"{path}[{position}]", item) for position, item in reversed(list(enumerate(value))))
    return None


def _step(path: str, key: Any) -> str:
    return f"{path}.{key}" if isinstance(key, str) and key.replace("-", "_").isidentifier() else f"{path}[{key!r}]"


def _expression(text: str, limit: int = 100) -> str:
    """The first ``${{ ... }}`` in ``text`` (to its end if it is not closed), at most ``limit`` long."""
    start = text.index("${{")
    stop = text.find("}}", start + 3)
    found = text[start:] if stop < 0 else text[start:stop + 2]
    return found if len(found) <= limit else found[: limit - 3] + "..."


class _Interpreter:
    def __init__(self, document: Document, github: bool = False) -> None:
        self.document = document
        self.github = github  # GitHub's own syntax: no range axes

    def workflow_job(self, job: str) -> Sweep:
        jobs = workflow_jobs(self.document)
        if job not in jobs:
            raise self.fail(f"no job {job!r} in the workflow (jobs: {', '.join(map(str, jobs))})")
        strategy = jobs[job].get("strategy") if isinstance(jobs[job], dict) else None
        if not isinstance(strategy, dict) or "matrix" not in strategy:
            keys = strategy if isinstance(strategy, dict) else {}
            near = [key for key in keys if isinstance(key, str) and _near_miss(key, ("matrix",))]
            hint = f" ({near[0]!r} looks like 'matrix')" if near else ""
            raise self.fail(f"job {job!r} has no strategy.matrix{hint}", jobs, job)
        reason = dynamic_reason(strategy["matrix"])
        if reason:
            raise self.fail(f"job {job!r} cannot be counted before the run: {reason}", strategy, "matrix", at_key=True)
        return self.matrix(strategy, "matrix")

    def fail(self, message: str, container: Any = None, key: Any = None, at_key: bool = False) -> SweepError:
        return self.document.error(message, container, key, at_key)

    def warn(self, message: str, container: Any, key: Any) -> None:
        """A :class:`SweepWarning` located at ``key`` of ``container``."""
        warnings.warn(SweepWarning(str(self.fail(message, container, key, at_key=True))), stacklevel=2)

    def top(self) -> Sweep:
        top = self.document.value
        if not isinstance(top, dict):
            raise self.fail(f"the top level must be a mapping with 'matrix' or 'sweeps', not {_kind(top)}")
        if isinstance(top.get("jobs"), dict) and "matrix" not in top and "sweeps" not in top:
            matrices = [str(job) for job, body in top["jobs"].items()
                        if isinstance(body, dict) and isinstance(body.get("strategy"), dict)
                        and "matrix" in body["strategy"]]
            raise self.fail("this is a GitHub Actions workflow: pass --job NAME "
                            f"({'jobs with a matrix: ' + ', '.join(matrices) if matrices else 'no job has a matrix'})")
        for key in top:
            if key not in _TOP_KEYS:
                raise self.fail(
                    f"unknown key {key!r} ({_did_you_mean(key, _TOP_KEYS)}expected 'matrix' or 'sweeps')",
                    top, key, at_key=True,
                )
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

    def matrix(self, parent: Any, key: str) -> Sweep:
        matrix = parent[key]
        if not isinstance(matrix, Mapping):
            raise self.fail(f"'matrix' must be a mapping of axes, not {_kind(matrix)}", parent, key)
        axes = []
        for name, values in matrix.items():
            if name in _MATRIX_KEYS:
                continue
            if not isinstance(name, str):
                raise self.fail(f"axis name {name!r} must be a string (quote it)", matrix, name, at_key=True)
            axes.append(self.axis(matrix, name, values))
            near = _near_miss(name, _MATRIX_KEYS)
            if near:
                self.warn(f"axis {name!r} looks like {near!r}: it is an axis, as on GitHub", matrix, name)
        names: dict[str, str] = {}  # GitHub compares matrix keys ignoring case (see lazysweep._matrix)
        for axis in axes:
            if names.setdefault(fold(axis.name), axis.name) != axis.name:
                raise self.fail(f"axes {names[fold(axis.name)]!r} and {axis.name!r} differ only in letter case: "
                                "GitHub compares matrix keys ignoring case", matrix, axis.name, at_key=True)
        exclude = self.entries(matrix, "exclude")
        include = self.entries(matrix, "include")
        for entry in exclude:
            if not entry:
                raise self.fail("an exclude entry must not be empty", entry)
            for name in entry:
                if fold(name) not in names:
                    raise self.fail(f"exclude key {name!r} is not an axis of the matrix", entry, name, at_key=True)
        for entry in include:
            if not entry:
                raise self.fail("an include entry must not be empty (GitHub: 'Matrix include mapping does not "
                                "contain any values')", entry)
        if not axes and not include:
            raise self.fail("'matrix' has no axes and no include entries", parent, key)
        if not exclude and not include:
            return Product(axes)
        from ._matrix import MatrixSweep  # only for matrices that need it: start-up time

        try:
            return MatrixSweep(axes, exclude, include)
        except SweepError as error:  # over the counting budget: say which matrix
            raise self.fail(error.message, parent, key) from None

    def entries(self, matrix: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
        """The ``include`` or ``exclude`` list of a matrix: mappings with string keys
        (from Python, any sequence of any mappings)."""
        entries = matrix.get(key, [])
        if not _is_list(entries):
            raise self.fail(f"'{key}' must be a list of mappings, not {_kind(entries)}", matrix, key)
        checked = []
        for position, entry in enumerate(entries):
            if not isinstance(entry, Mapping):
                raise self.fail(f"each '{key}' entry must be a mapping, not {_kind(entry)}", entries, position)
            if not isinstance(entry, dict):
                entry = dict(entry)
            for name in entry:
                if not isinstance(name, str):
                    raise self.fail(f"{key} key {name!r} must be a string (quote it)", entry, name, at_key=True)
            checked.append(entry)
        return checked

    def axis(self, matrix: Any, name: str, values: Any) -> Axis:
        if isinstance(values, range):
            if not values:
                raise self.fail(f"axis {name!r} is empty", matrix, name)
            return ArithmeticRange(name, values.start, values[-1], values.step)
        if _is_list(values):
            if not values:
                raise self.fail(f"axis {name!r} is empty", matrix, name)
            return ValuesAxis(name, values)
        if isinstance(values, Mapping) and not self.github:
            return self.range_axis(matrix, name, values)
        expected = "a list" if self.github else "a list or a range"
        raise self.fail(f"axis {name!r} must be {expected}, not {_kind(values)}", matrix, name)

    def range_axis(self, matrix: Any, name: str, spec: Mapping[str, Any]) -> Axis:
        for key in spec:
            if key not in _RANGE_KEYS:
                hint = _did_you_mean(key, _RANGE_KEYS)
                raise self.fail(
                    f"unknown key {key!r} in range axis {name!r} ({hint}expected start, stop, and step, factor or num)",
                    spec,
                    key,
                    at_key=True,
                )
        for key in ("start", "stop"):
            if key not in spec:
                raise self.fail(f"range axis {name!r} needs {key!r}", matrix, name)
        if "num" in spec or "scale" in spec or any(isinstance(value, float) for value in spec.values()):
            from ._floatranges import RangeSpecError, float_range  # floats only: start-up time

            try:
                return float_range(name, spec)
            except RangeSpecError as error:
                raise self.fail(f"range axis {name!r}: {error}", spec, error.key) from None
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
        note = yaml11_note(value)
        return f"a string: {note}" if note else "a string"
    if _is_list(value):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__


def _is_list(value: Any) -> bool:
    """A list, a tuple or any other sequence that is not text (a ``range`` is one too)."""
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray))


def _near_miss(word: str, choices: Sequence[str]) -> str | None:
    """The closest of ``choices`` within two edits of ``word`` (but not ``word`` itself), or None.

    >>> _near_miss("exlude", ("include", "exclude")), _near_miss("stpe", _RANGE_KEYS), _near_miss("os", _MATRIX_KEYS)
    ('exclude', 'step', None)
    """
    distances = [
        (_edit_distance(word, choice), choice)
        for choice in choices
        if word != choice and abs(len(word) - len(choice)) <= 2
    ]
    distance, choice = min(distances, default=(3, None))
    return choice if distance <= 2 else None


def _did_you_mean(word: Any, choices: Sequence[str]) -> str:
    """``"did you mean 'x'? "`` for a near miss of one of ``choices``, else ``""``."""
    near = _near_miss(word, choices) if isinstance(word, str) else None
    return f"did you mean {near!r}? " if near else ""


def _edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, with a swap of two neighbours as one edit. O(len(a) * len(b)).

    >>> _edit_distance("exlude", "exclude"), _edit_distance("stpe", "step"), _edit_distance("abc", "xyz")
    (1, 1, 3)
    """
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        before, previous = previous, current
    return previous[-1]
