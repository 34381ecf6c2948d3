"""Collecting a fan-out's results: match each to its point, prove every point ran once, list the rest.

A result is a JSON object that a job wrote for its point. It is matched to
the point by ``_index`` (what ``--with-index`` adds; when the result also
carries some of the point's own fields, they must agree), or else by its
fields, through :meth:`Sweep.index`. Each result is then

* *done*: the first result for its point;
* *duplicated*: another result for a point already done (a retried job);
* *unknown*: it matches no point (an ``_index`` out of range or whose fields
  disagree, fields no point has, not a JSON object, not JSON at all);
* *stale*: it carries ``"_plan": TOKEN`` and that plan's fingerprint is not
  the sweep's: it was made for another version of the sweep.

Points with no result are *missing*; they come out as compact ranges
(``0-9,15``), ready for ``--only``. Nothing walks the sweep: memory and time
follow the number of results (held to put them in index order), whatever
the sweep's size.

>>> from lazysweep import from_matrix
>>> sweep = from_matrix({"n": {"start": 0, "stop": 9}})
>>> found = collect(sweep, [({"_index": 3}, "a"), ({"n": 1, "ms": 5}, "b"), ({"n": 3}, "c"), ({"n": 99}, "d")])
>>> str(found), str(found.missing)
('10 points, 2 done, 8 missing, 1 duplicated, 1 unknown, 0 stale: incomplete', '0,2,4-9')
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from typing import Any, Union

    PathLike = Union[str, os.PathLike[str]]

from ._axes import value_key
from ._errors import SweepError
from ._encode import INDEX_FIELD, refuse_index_field
from ._plan import Plan, field_names, fingerprint
from ._selection import Ranges
from ._space import Sweep

__all__ = ["INDEX_FIELD", "PLAN_FIELD", "Collected", "collect", "read_results", "result_files"]

#: The field holding the plan token a result was made under, for telling stale results apart.
PLAN_FIELD = "_plan"
#: How many problems (unknown or stale results) are kept, with where they are, to report.
KEPT_PROBLEMS = 10


class Collected:
    """What :func:`collect` found: the counts, the missing ranges, and the results in index order.

    ``results`` holds ``(index, text)`` for each point done, sorted by index
    (the first result read for a point wins), when :func:`collect` was asked
    to keep them; ``problems`` holds the first few unknown or stale results,
    each ``(location, reason)``.
    """

    __slots__ = ("points", "done", "duplicated", "unknown", "stale", "missing", "results", "problems")

    def __init__(self, points: int) -> None:
        self.points = points
        self.done = self.duplicated = self.unknown = self.stale = 0
        self.missing = Ranges()
        self.results: list[tuple[int, str]] = []
        self.problems: list[tuple[str, str]] = []

    @property
    def complete(self) -> bool:
        """Every point has a result, and no result is unknown or stale (duplicates are allowed)."""
        return self.done == self.points and not self.unknown and not self.stale

    def __str__(self) -> str:
        return (
            f"{self.points} points, {self.done} done, {self.missing.count} missing, {self.duplicated} duplicated, "
            f"{self.unknown} unknown, {self.stale} stale: {'complete' if self.complete else 'incomplete'}"
        )

    def table(self) -> str:
        """A Markdown summary (for ``$GITHUB_STEP_SUMMARY``)."""
        lines = [
            f"### lazysweep collect: {self.done} of {self.points} points done"
            f"{'' if self.complete else ' (incomplete)'}",
            "",
            "| points | done | missing | duplicated | unknown | stale |",
            "| ---: | ---: | ---: | ---: | ---: | ---: |",
            f"| {self.points} | {self.done} | {self.missing.count} | {self.duplicated} | {self.unknown} "
            f"| {self.stale} |",
            "",
        ]
        if self.missing.count:
            text = str(self.missing)
            shown = text if len(text) <= 500 else text[: text.rfind(",", 0, 500)] + ",..."
            lines += [f"Missing: `{shown}`", ""]
        lines += [f"- `{location}`: {reason}" for location, reason in self.problems]
        return "\n".join(lines) + "\n"


def collect(
    sweep: Sweep,
    results: Iterable[tuple[Any, str]],
    plan: Plan | None = None,
    keep: bool = False,
    only: Ranges | None = None,
) -> Collected:
    """Match ``results`` (``(value, location)`` pairs, as :func:`read_results` gives) to the points of ``sweep``.

    With ``plan``, the sweep must be the one the plan was made for
    (SweepError otherwise). With ``keep``, the done results' compact JSON is
    kept in index order in :attr:`Collected.results`. With ``only``, just
    those indices of the sweep are expected (a re-run's selection): a result
    for another point is unknown. Indices, missing ranges included, are
    always the whole sweep's.

    Cost: O(r log r) time and O(r) memory for r results (O(axes) more per
    result matched by its fields, O(log runs) more with ``only``), never O(points).
    """
    found = fingerprint(sweep)
    if plan is not None and plan.fingerprint != found:
        raise SweepError(f"the sweep's fingerprint is {found}, the plan's is {plan.fingerprint}: "
                         "these are not the results of this sweep's plan")
    fields = field_names(sweep)
    refuse_index_field(fields)
    count = sweep.count
    if only is not None and only.end > count:
        raise IndexError(f"index {only.end - 1} is out of range: the sweep has {count} points")
    collected = Collected(count if only is None else only.count)
    matched: list[Any] = []  # indices (within `only`, when given), or (index, text) pairs when keeping
    encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
    for value, location in results:
        index: int | None = None
        problem = None
        if type(value) is dict and PLAN_FIELD not in value and fields.isdisjoint(value):  # the common case
            index = value.get(INDEX_FIELD)
            if type(index) is not int or not 0 <= index < count:
                index = None
        if index is None:
            index, problem = _match(sweep, fields, found, value)
        if index is not None and only is not None:
            index = only.rank(index)
            if index is None:
                problem = "unknown: the point is not in the selection (--only)"
        if problem is None:
            matched.append((index, encode(value)) if keep else index)
            continue
        if problem.startswith("stale"):
            collected.stale += 1
        else:
            collected.unknown += 1
        if len(collected.problems) < KEPT_PROBLEMS:
            collected.problems.append((location, problem))
    if keep:
        matched.sort(key=_first)  # stable: the first result read for a point stays first
    else:
        matched.sort()
    gaps = _gaps(matched, keep, collected)
    if only is None:
        collected.missing = Ranges.from_sorted(gaps)
    else:  # from positions in the selection back to the sweep's indices
        collected.missing = Ranges.from_sorted([piece for gap in gaps for piece in only.pieces(*gap)])
        collected.results = [(only.position(index), text) for index, text in collected.results]
    collected.done = len(matched) - collected.duplicated
    return collected


def _gaps(matched: list[Any], keep: bool, collected: Collected) -> list[tuple[int, int]]:
    """The runs of indices no result matched; counts duplicates and keeps one result per point."""
    previous = -1
    gaps = []
    kept = collected.results
    for item in matched:
        index = item[0] if keep else item
        if index == previous:
            collected.duplicated += 1
            continue
        if index > previous + 1:
            gaps.append((previous + 1, index))
        previous = index
        if keep:
            kept.append(item)
    if collected.points > previous + 1:
        gaps.append((previous + 1, collected.points))
    return gaps


def _first(pair: tuple[int, str]) -> int:
    return pair[0]


def _match(sweep: Sweep, fields: set[str], fingerprint: str, value: Any) -> tuple[int | None, str | None]:
    """``(index, None)`` for a result that matches a point, else ``(None, why not)``."""
    if not isinstance(value, dict):
        return None, f"unknown: not a JSON object ({_kind(value)})"
    if PLAN_FIELD in value:
        token = value[PLAN_FIELD]
        try:
            made = Plan.parse(token) if isinstance(token, str) else None
        except ValueError:
            made = None
        if made is None:
            return None, f"unknown: {PLAN_FIELD} is not a plan token"
        if made.fingerprint != fingerprint:
            return None, f"stale: made for the sweep with fingerprint {made.fingerprint}, not {fingerprint}"
    own = [key for key in value if key in fields]
    if INDEX_FIELD not in value:
        try:
            return sweep.index({key: value[key] for key in own}), None
        except SweepError as error:  # two points with these values (a matrix listing 1 and 1.0)
            return None, f"unknown: {error.message}"
        except ValueError:
            return None, "unknown: no point has these fields" if own else "unknown: no _index and no field of a point"
    index = value[INDEX_FIELD]
    if type(index) is not int or not 0 <= index < sweep.count:
        return None, f"unknown: {INDEX_FIELD} {str(index)[:40]} is not an index of the {sweep.count} points"
    if own:
        point = sweep[index]
        for key in own:
            if key in point and value_key(point[key]) != value_key(value[key]):
                return None, f"unknown: {INDEX_FIELD} {index} has {key}={json.dumps(point[key])[:40]}, " \
                             f"the result {json.dumps(value[key])[:40]}"
    return index, None


def _kind(value: Any) -> str:
    return "invalid JSON" if value is _INVALID else type(value).__name__


class _Invalid:
    """Stands for a line or file that is not JSON."""


_INVALID = _Invalid()


def result_files(paths: Iterable[PathLike]) -> list[str]:
    """The files named, and every ``*.json`` and ``*.jsonl`` file under the folders named, in sorted order.

    SweepError naming a path that does not exist.
    """
    found: list[str] = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(str(p) for p in path.rglob("*") if p.suffix in (".json", ".jsonl") and p.is_file())
        elif path.is_file():
            found.append(str(path))
        else:
            raise SweepError("no such file or folder", path=str(path))
    return found


def read_results(paths: Iterable[PathLike]) -> Iterator[tuple[Any, str]]:
    """Every result under ``paths`` as ``(value, location)``, streamed file by file.

    A ``.json`` file holds one result, or a list of them; any other file (and
    a ``.json`` file that is not one JSON document) holds one result per
    line, blank lines skipped. A line or file that is not JSON yields a value
    that matches nothing.
    """
    decode = json.JSONDecoder().decode
    for path in result_files(paths):
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                if not path.endswith(".json"):
                    yield from _lines(path, handle)
                    continue
                text = handle.read()
        except OSError as error:
            raise SweepError(f"cannot read results: {error.strerror or error}", path=path) from None
        value = _decoded(text, decode)
        if isinstance(value, list):
            for position, item in enumerate(value):
                yield item, f"{path}[{position}]"
        elif value is _INVALID and "\n" in text.strip():
            yield from _lines(path, text.splitlines())
        else:
            yield value, path


def _lines(path: str, lines: Iterable[str]) -> Iterator[tuple[Any, str]]:
    """One result per line, a chunk of lines at a time through the C scanner (a line it cannot
    take whole, like one with leading spaces, goes the slow way, alone)."""
    from itertools import islice, repeat
    from json.scanner import make_scanner

    decoder = json.JSONDecoder()
    scan = make_scanner(decoder)  # type: ignore[arg-type]  # (typeshed's signature is wrong)
    lines = iter(lines)
    number = 0
    while chunk := list(islice(lines, 4096)):
        try:  # a line the scanner cannot start raises StopIteration, which ends map() early
            scanned = list(map(scan, chunk, repeat(0)))
        except ValueError:
            scanned = []
        if len(scanned) < len(chunk):
            scanned = [_scanned(line, decoder) for line in chunk]
        for (value, end), line in zip(scanned, chunk):
            number += 1
            if value is _INVALID or (end < len(line) and line[end:].strip()):
                if not line.strip():
                    continue
                value = _decoded(line, decoder.decode) if value is _INVALID else _INVALID
            yield value, f"{path}:{number}"


def _scanned(line: str, decoder: json.JSONDecoder) -> tuple[Any, int]:
    """``(value, end)`` for one line; ``(_INVALID, 0)`` when it is not one JSON value from its start."""
    try:
        return decoder.raw_decode(line)
    except ValueError:
        return _INVALID, 0


def _decoded(text: str, decode: Any) -> Any:
    try:
        return decode(text)
    except ValueError:
        return _INVALID
