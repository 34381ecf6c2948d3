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
follow the number of results, whatever the sweep's size; kept results go
through temporary files in sorted runs, so ``--output`` holds only a run at a
time. A number in a result has at most :data:`MAX_DIGITS` digits (a longer
one makes its line not JSON): parsing one is quadratic in its length.

>>> from lazysweep import from_matrix
>>> sweep = from_matrix({"n": {"start": 0, "stop": 9}})
>>> found = collect(sweep, [({"_index": 3}, "a"), ({"n": 1, "ms": 5}, "b"), ({"n": 3}, "c"), ({"n": 99}, "d")])
>>> str(found), str(found.missing)
('10 points, 2 done, 8 missing, 1 duplicated, 1 unknown, 0 stale: incomplete', '0,2,4-9')
"""

from __future__ import annotations

import gc
import json
import operator
import os
import sys
import tempfile
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain, islice, repeat
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from typing import Any, Union

    PathLike = Union[str, os.PathLike[str]]

from ._axes import value_key
from ._errors import SweepError
from ._encode import INDEX_FIELD, refuse_index_field
from ._equality import ambiguous
from ._plan import Plan, field_names, fingerprint
from ._selection import Ranges
from ._space import Sweep

__all__ = ["INDEX_FIELD", "PLAN_FIELD", "MAX_DIGITS", "MISSES_BOUND", "Collected", "Misses", "collect", "output_lines",
           "read_results", "result_files", "where_missing"]

#: The field holding the plan token a result was made under, for telling stale results apart.
PLAN_FIELD = "_plan"
#: How many problems (unknown or stale results) are kept, with where they are, to report.
KEPT_PROBLEMS = 10


class Collected:
    """What :func:`collect` found: the counts, the missing ranges, and the results in index order.

    ``results`` yields ``(index, text)`` for each point done, in index order
    (the first result read for a point wins), when :func:`collect` was asked
    to keep them: streamed from sorted runs spilled to temporary files, so
    iterating it holds a few runs' buffers, never every result (it may be
    iterated again; :meth:`close` drops the spill early). ``problems`` holds
    the first few unknown or stale results, each ``(location, reason)``.
    """

    __slots__ = ("points", "done", "duplicated", "unknown", "stale", "missing", "results", "problems")

    def __init__(self, points: int) -> None:
        self.points = points
        self.done = self.duplicated = self.unknown = self.stale = 0
        self.missing = Ranges()
        self.results: Iterable[tuple[int, str]] = ()
        self.problems: list[tuple[str, str]] = []

    @property
    def complete(self) -> bool:
        """Every point has a result, and no result is unknown or stale (duplicates are allowed)."""
        return self.done == self.points and not self.unknown and not self.stale

    def close(self) -> None:
        """Drop the kept results' temporary files now (they go with the object anyway)."""
        close = getattr(self.results, "close", None)
        if close is not None:
            close()

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
        lines += [f"- `{location}`: {_excerpt(reason, 200)}" for location, reason in self.problems]
        return "\n".join(lines) + "\n"


#: Results sorted in memory at a time (a batch more at most) before they go to a temporary file as one
#: sorted run.
RUN_SIZE = 1 << 16
#: Results read and matched at a time: lines scanned in one pass, a batch checked column by column.
BATCH = 4096
#: Runs merged at once; past this many, the runs so far are merged into one first.
MERGE_WIDTH = 64


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

    A result carrying ``_index`` and no field of a point is matched without
    looking the point up; one that also carries some of the point's fields
    is checked against those fields only. Results come in batches (of
    :data:`BATCH`): for a sweep whose points share their fields (a product;
    ``Sweep._columns_at``) and no ``only``,
    a batch whose results all carry an ``_index`` and every field of their
    points, equal and of the same type (text, integer or float), is checked a
    column at a time in C loops; any other batch is matched one result at a
    time. Cyclic garbage collection is paused
    while matching (results are acyclic; the collector's passes over millions
    of new objects were an eighth of the time).

    Cost: O(r log r) time for r results (O(axes) more per result matched or
    checked by its fields, O(log runs) more with ``only``), never O(points).
    Memory: O(:data:`RUN_SIZE`) results plus 8 bytes per result's index (the
    indices of a sweep past 2**63 points cost a Python int each); kept results
    are spilled to temporary files in sorted runs and merged when read.
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
    runs = _Runs(count, keep)
    encode, encode_objects = _compact_encoders()
    columns: Any = None  # the points a field at a time (a product's): a batch is checked a column at a time
    keys: list[Any] = []
    shared = sweep._columns_at([]) if only is None else None
    if shared is not None:
        keys = [(key, operator.itemgetter(key)) for key in shared[0]]

        def columns(indices: list[int]) -> list[Iterable[Any]]:
            found = sweep._columns_at(indices)
            assert found is not None  # as for no indices
            return found[1]
    paused = gc.isenabled()
    gc.disable()
    try:
        for values, locations in _batches(results):
            if columns is not None:
                indices = _batch_indices(values, keys, columns, count)
                if indices is not None:
                    runs.extend(indices, encode_objects(values) if keep else None)
                    continue
            _match_each(sweep, fields, found, only, zip(values, locations), runs, encode if keep else None, collected)
    finally:
        if paused:
            gc.enable()
    runs.finish()
    gaps, matched = _gaps(runs, collected)
    if only is None:
        collected.missing = Ranges.from_sorted(gaps)
    else:  # from positions in the selection back to the sweep's indices
        collected.missing = Ranges.from_sorted([piece for gap in gaps for piece in only.pieces(*gap)])
    if keep:
        collected.results = _Merged(runs, None if only is None else only.position)
    collected.done = matched - collected.duplicated
    return collected


def _batches(results: Iterable[tuple[Any, str]]) -> Iterator[tuple[Sequence[Any], Sequence[str]]]:
    """``results`` as ``(values, locations)``, :data:`BATCH` at a time (:func:`read_results`' own batches)."""
    batches = getattr(results, "batches", None)
    if batches is not None:
        yield from batches()
        return
    pairs = iter(results)
    while chunk := list(islice(pairs, BATCH)):
        values, locations = zip(*chunk)
        yield values, locations


def _batch_indices(values: Sequence[Any], keys: list[tuple[str, Any]], columns: Any, count: int) -> list[int] | None:
    """The indices of a batch of results, when every one is a JSON object without ``_plan`` whose
    ``_index`` is an index (``0 <= _index < count``) and, for each field of the product (``keys``,
    in its order, each with its item getter), either all of them carry it, equal to their point's and of the same type (text,
    integer or float), or none does; else None (the batch is matched one result at a time).
    ``columns`` gives the points' values per field. O(len(values) x fields), each step a C loop
    over the batch."""
    if set(map(type, values)) != {dict} or any(map(dict.__contains__, values, repeat(PLAN_FIELD))):
        return None
    try:
        indices = list(map(_INDEX_GETTER, values))
    except KeyError:
        return None
    if set(map(type, indices)) != {int} or min(indices) < 0 or max(indices) >= count:
        return None
    checked = []
    for number, (key, get) in enumerate(keys):
        try:
            checked.append((number, list(map(get, values))))
        except KeyError:  # fine when none of them has the field
            if any(map(dict.__contains__, values, repeat(key))):
                return None
    if not checked:
        return indices
    expected_columns = columns(indices)
    for number, column in checked:
        expected = list(expected_columns[number])
        if column != expected:
            return None
        types = list(map(type, column))
        if types != list(map(type, expected)) or not _EXACT_TYPE_SET.issuperset(types):
            return None
    return indices


_INDEX_GETTER = operator.itemgetter(INDEX_FIELD)


def _match_each(sweep: Sweep, fields: set[str], found: str, only: Ranges | None,
                results: Iterable[tuple[Any, str]], runs: _Runs, encode: Any, collected: Collected) -> None:
    """Match ``results`` one at a time: add each matched one's index (and with ``encode``, its
    text) to ``runs``; count and keep the problems in ``collected``. O(axes) per result."""
    count = sweep.count
    add = runs.add
    for value, location in results:
        index: int | None = None
        problem = None
        if type(value) is dict and PLAN_FIELD not in value:  # the common case, inline
            index = value.get(INDEX_FIELD)
            if type(index) is not int or not 0 <= index < count:
                index = None
            elif not fields.isdisjoint(value) and not _agrees(sweep[index], value):
                index = None  # _match says how it disagrees
        if index is None:
            index, problem = _match(sweep, fields, found, value)
        if index is not None and only is not None:
            index = only.rank(index)
            if index is None:
                problem = "unknown: the point is not in the selection (--only)"
        if problem is None and index is not None:  # (_match gives one or the other)
            add(index, None if encode is None else encode(value))
            continue
        if problem is not None and problem.startswith("stale"):
            collected.stale += 1
        else:
            collected.unknown += 1
        if len(collected.problems) < KEPT_PROBLEMS:
            collected.problems.append((location, _excerpt(problem or "unknown", 200)))


def output_lines(collected: Collected) -> Iterator[str]:
    """The kept results' texts, each ending in a newline, in index order: what ``--output`` writes.
    Streamed from the spill, without splitting off each line's newline to add it back."""
    results = collected.results
    if isinstance(results, _Merged):
        return results.lines()
    return (f"{text}\n" for _, text in results)


def _gaps(indices: _Runs, collected: Collected) -> tuple[list[tuple[int, int]], int]:
    """The runs of indices no result matched, and how many results matched; counts duplicates."""
    previous = -1
    gaps = []
    matched = 0
    for index in indices:
        matched += 1
        if index == previous:
            collected.duplicated += 1
            continue
        if index > previous + 1:
            gaps.append((previous + 1, index))
        previous = index
    if collected.points > previous + 1:
        gaps.append((previous + 1, collected.points))
    return gaps, matched


class _Runs:
    """Matched indices, added in any order, given back sorted, and with ``keep`` each one's text,
    given back in index order. Every :data:`RUN_SIZE` additions make a sorted run: its indices
    kept as machine words (``array('q')``, 8 bytes each, while every index fits one), its texts
    on a temporary file in the same order. Reading merges the runs; the sort and the merge are
    stable, so for an index added twice the first added comes first."""

    def __init__(self, count: int, keep: bool) -> None:
        self.compact = count <= 1 << 63
        self.keep = keep
        self.runs: list[tuple[Any, Any]] = []  # (sorted indices, their texts' file or None)
        self.indices: list[int] = []
        self.texts: list[str] = []

    def add(self, index: int, text: str | None = None) -> None:
        self.indices.append(index)
        if text is not None:
            self.texts.append(text)
        if len(self.indices) >= RUN_SIZE:
            self._flush()

    def extend(self, indices: list[int], texts: list[str] | None = None) -> None:
        """:meth:`add` for each of ``indices`` (and ``texts``), in order."""
        self.indices += indices
        if texts is not None:
            self.texts += texts
        if len(self.indices) >= RUN_SIZE:
            self._flush()

    def _flush(self) -> None:
        indices, texts = self.indices, self.texts
        self.indices, self.texts = [], []
        if not self.keep:
            indices.sort()
            self._add_run(indices, None)
            return
        order = sorted(range(len(indices)), key=indices.__getitem__)  # stable
        self._add_run(list(map(indices.__getitem__, order)), list(map(texts.__getitem__, order)))
        if len(self.runs) >= MERGE_WIDTH:  # keep the files open at once (and the merge's fan-in) bounded
            runs = self.runs
            self.runs = []
            merged_indices: list[int] = []
            handle = tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n")
            for index, line in self._pairs(runs):
                merged_indices.append(index)
                handle.write(line)
            self.runs.append((array("q", merged_indices) if self.compact else merged_indices, handle))
            for _, old in runs:
                old.close()

    def _add_run(self, indices: list[int], texts: list[str] | None) -> None:
        handle = None
        if texts is not None:
            handle = tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n")
            for start in range(0, len(texts), BATCH):  # a text of a batch at a time: one write each
                handle.write("\n".join(texts[start:start + BATCH]) + "\n")
        self.runs.append((array("q", indices) if self.compact else indices, handle))

    def finish(self) -> None:
        """Make the last run of what was added since the last one."""
        if self.indices:
            self._flush()

    def __iter__(self) -> Iterator[int]:
        """Every index added, sorted."""
        if len(self.runs) == 1:
            return iter(self.runs[0][0])
        return map(operator.floordiv, _merged_keys([indices for indices, _ in self.runs]), repeat(len(self.runs)))

    @staticmethod
    def _pairs(runs: list[tuple[Any, Any]]) -> Iterator[tuple[int, str]]:
        """``(index, line)`` of ``runs`` in index order (each line ends in a newline), the earlier
        run first for an index in two (:func:`_merged_keys`)."""
        for _, handle in runs:
            handle.seek(0)
        if len(runs) == 1:
            indices, handle = runs[0]
            yield from zip(indices, handle)
            return
        width = len(runs)
        readers = [handle.readline for _, handle in runs]
        for key in _merged_keys([indices for indices, _ in runs]):
            index, number = divmod(key, width)
            yield index, readers[number]()


#: Indices taken from each run at most (ties with the block's last index aside) per block of a merge.
MERGE_BLOCK = 4096


def _merged_keys(runs: list[Sequence[int]]) -> Iterator[int]:
    """``index * len(runs) + run`` for every index of the sorted ``runs``, by index, then by run.

    A block at a time: up to a bound, the least of each run's :data:`MERGE_BLOCK`-th index from
    where it stands, every run's indices below it are sorted at once (in C), then the copies of the
    bound follow run by run. A block holds at most ``len(runs) * MERGE_BLOCK`` keys, however many
    copies of one index there are; O(n log(len(runs) * MERGE_BLOCK)) for n indices.
    """
    width = len(runs)
    starts = [0] * width
    sizes = list(map(len, runs))
    while live := [number for number in range(width) if starts[number] < sizes[number]]:
        bound = min(runs[number][min(starts[number] + MERGE_BLOCK, sizes[number]) - 1] for number in live)
        keys: list[int] = []
        ties = []
        for number in live:
            indices, start = runs[number], starts[number]
            below = bisect_left(indices, bound, start)
            starts[number] = bisect_right(indices, bound, below)
            keys += map(operator.add, map(operator.mul, indices[start:below], repeat(width)), repeat(number))
            ties.append(repeat(bound * width + number, starts[number] - below))
        keys.sort()
        yield from keys
        yield from chain.from_iterable(ties)


class _Merged:
    """The kept results, one per index (the first added), in index order: ``(index, text)``,
    merged from the runs each time it is iterated."""

    def __init__(self, runs: _Runs, position: Any = None) -> None:
        self.runs = runs
        self.position = position

    def __iter__(self) -> Iterator[tuple[int, str]]:
        previous = -1
        position = self.position
        for index, line in self.runs._pairs(self.runs.runs):
            if index != previous:
                previous = index
                yield (index if position is None else position(index)), line[:-1]

    def lines(self) -> Iterator[str]:
        """The texts alone, each ending in a newline (what ``--output`` writes), in index order."""
        previous = -1
        for index, line in self.runs._pairs(self.runs.runs):
            if index != previous:
                previous = index
                yield line

    def close(self) -> None:
        for _, handle in self.runs.runs:
            if handle is not None:
                handle.close()
        self.runs.runs = []

    def __del__(self) -> None:
        self.close()


def _excerpt(text: str, limit: int = 40) -> str:
    """``text`` cut to ``limit`` characters for an error message (``...`` marks the cut)."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _match(sweep: Sweep, fields: set[str], fingerprint: str, value: Any) -> tuple[int | None, str | None]:
    """``(index, None)`` for a result that matches a point, else ``(None, why not)``."""
    if not isinstance(value, dict):
        return None, f"unknown: not a JSON object ({_kind(value)})"
    if PLAN_FIELD in value:
        token = value[PLAN_FIELD]
        try:
            made = Plan.parse(token) if isinstance(token, str) and len(token) <= 200 else None
        except ValueError:
            made = None
        if made is None:
            return None, f"unknown: {PLAN_FIELD} is not a plan token"
        if made.fingerprint != fingerprint:
            return None, f"stale: made for the sweep with fingerprint {made.fingerprint}, not {fingerprint}"
    own = [key for key in value if key in fields]
    if INDEX_FIELD not in value:
        point = {key: value[key] for key in own}
        try:  # two points with these values (a value listed twice, a matrix's 1 and 1.0): never one of them
            found = list(islice(sweep._matches(point), 2))
        except SweepError as error:
            return None, f"unknown: {error.message}"
        if len(found) > 1:
            return None, f"unknown: {ambiguous(point).message}"
        if not found:
            return None, "unknown: no point has these fields" if own else "unknown: no _index and no field of a point"
        return found[0], None
    index = value[INDEX_FIELD]
    if type(index) is not int or not 0 <= index < sweep.count:
        return None, f"unknown: {INDEX_FIELD} {_number_excerpt(index)} is not an index of the {sweep.count} points"
    if own:
        point = sweep[index]
        for key in own:
            if key in point and value_key(point[key]) != value_key(value[key]):
                return None, f"unknown: {INDEX_FIELD} {index} has {key}={_excerpt(_json(point[key]))}, " \
                             f"the result {_excerpt(_json(value[key]))}"
    return index, None


_EXACT_TYPES = (str, int, float)
_EXACT_TYPE_SET = frozenset(_EXACT_TYPES)


def _agrees(point: dict[str, Any], value: dict[str, Any]) -> bool:
    """Whether every field of ``point`` that ``value`` also has holds an equal value there
    (1, 1.0 and True told apart, as :func:`value_key` does). O(fields of the point)."""
    for key, expected in point.items():
        got = value.get(key, _INVALID)
        if got is _INVALID or got is expected:
            continue
        kind = type(got)
        if kind is type(expected) and kind in _EXACT_TYPES and got == expected:
            continue
        if value_key(got) != value_key(expected):
            return False
    return True


def _compact_encoders() -> tuple[Any, Any]:
    """``json.dumps(value, separators=(",", ":"), ensure_ascii=False)`` for parsed JSON, which holds
    no cycles: the C encoder called directly, without the per-call set-up of ``JSONEncoder.encode``;
    and the same for a list of JSON objects, to a list of texts, in C loops (no call per object)."""
    from json import encoder

    make = getattr(encoder, "c_make_encoder", None)
    if make is None:
        slow = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
        return slow, lambda values: list(map(slow, values))
    chunks = make(None, None, encoder.encode_basestring, None, ":", ",", False, False, True)
    join = "".join

    def encode(value: Any) -> str:
        if type(value) is str:
            return encoder.encode_basestring(value)
        return join(chunks(value, 0))

    def encode_objects(values: Sequence[dict[str, Any]]) -> list[str]:
        return list(map(join, map(chunks, values, repeat(0))))

    return encode, encode_objects


def _number_excerpt(value: Any) -> str:
    """A bounded excerpt of ``value`` for a message, without writing out a huge int whole."""
    if type(value) is int and value.bit_length() > 128:
        return f"(an integer of about {int(value.bit_length() * 0.30103) + 1} digits)"
    return _excerpt(repr(value) if isinstance(value, str) else str(value))


def _json(value: Any) -> str:
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)


#: The most points :func:`where_missing` looks at one by one: missing points beyond it are not
#: counted (the breakdown says over how many it counted), and the per-value totals are counted
#: only for a sweep (or selection) of at most this many points, or worked out from the axes'
#: sizes for a plain product of any size.
MISSES_BOUND = 1_000_000
#: Values shown in the one-line summary; the Markdown table shows up to :data:`MISSES_ROWS`.
MISSES_SHOWN = 5
MISSES_ROWS = 20


class Misses:
    """Which field values the missing points concentrate on: :func:`where_missing`'s answer.

    ``rows`` holds ``(field, value, missing, total)`` for every value at least
    one missing point has, most concentrated first (``total`` is how many of
    the expected points have it, ``None`` where it was not counted);
    ``counted`` is how many missing points were looked at (all, unless over
    :data:`MISSES_BOUND`); ``share`` is the missing share of all expected
    points (``None`` without totals).
    """

    __slots__ = ("missing", "counted", "rows", "share")

    def __init__(self, missing: int, counted: int, rows: list[tuple[str, Any, int, int | None]],
                 share: float | None = None) -> None:
        self.missing, self.counted, self.rows, self.share = missing, counted, rows, share

    def concentrated(self) -> list[tuple[str, Any, int, int | None]]:
        """The rows whose share of missing points is above the whole's (``share``), at most
        :data:`MISSES_SHOWN`; without totals, the values most missing points have. A concentration
        takes two missing points at least: a value only one of them has (a name, a seed of its own,
        or any value of a lone miss, which collect lists anyway) is left out."""
        rows = [row for row in self.rows if row[2] > 1]
        if self.share is None:
            return rows[:MISSES_SHOWN]
        return [row for row in rows if row[3] and row[2] / row[3] > self.share][:MISSES_SHOWN]

    def __str__(self) -> str:
        """``37 missing: runner=h200-dgxc 31/40, conc=512 12/60`` (the values the misses concentrate on)."""
        shown = ", ".join(f"{field}={_shown(value)} {missing}" + ("" if total is None else f"/{total}")
                          for field, value, missing, total in self.concentrated())
        counted = "" if self.counted == self.missing else f" (counted over the first {self.counted})"
        return f"{self.missing} missing{counted}" + (f": {shown}" if shown else "")

    def table(self) -> str:
        """A Markdown table of the values the missing points have (for ``$GITHUB_STEP_SUMMARY``)."""
        if not self.rows:
            return ""
        lines = [f"#### Where the {self.missing} missing points are"
                 + ("" if self.counted == self.missing else f" (the first {self.counted} counted)"), "",
                 "| field | value | missing | of | share |", "| --- | --- | ---: | ---: | ---: |"]
        for field, value, missing, total in self.rows[:MISSES_ROWS]:
            share = "" if not total else f"{100 * missing / total:.0f}%"
            lines.append(f"| {_cell(field)} | {_cell(_shown(value))} | {missing} | {'' if total is None else total} "
                         f"| {share} |")
        return "\n".join(lines) + "\n"


def where_missing(sweep: Sweep, missing: Ranges, expected: Ranges | None = None,
                  bound: int = MISSES_BOUND) -> Misses:
    """Count, per field value, the missing points that have it, against the expected points that do.

    ``missing`` holds indices of ``sweep`` (as :attr:`Collected.missing`);
    ``expected`` the indices that were expected (a re-run's ``--only``; the
    whole sweep by default). Values are ranked by how concentrated the misses
    are on them: the share of their points missing, then the count.

    Cost: O(min(missing, bound) x fields) for the missing counts, plus the
    totals: O(expected x fields) when there are at most ``bound`` expected
    points; for a plain product (:class:`~lazysweep._space.Product`) without
    ``expected``, O(axis values) from the axes' sizes, whatever the count
    (an axis of more than ``bound`` values is left uncounted); otherwise not
    counted. Never expands a sweep past ``bound`` points.

    >>> from lazysweep import from_matrix
    >>> sweep = from_matrix({"runner": ["a", "b"], "conc": [1, 2, 4]})
    >>> str(where_missing(sweep, Ranges([(3, 6), (0, 1)])))
    '4 missing: runner=b 3/3, conc=1 2/2'
    """
    counts: dict[tuple[str, Any], list[Any]] = {}
    counted = 0
    for start, stop in missing.runs:
        stop = min(stop, start + bound - counted)
        if stop <= start:
            break
        _tally(counts, sweep[start:stop], 1)
        counted += stop - start
    totals = _totals(sweep, expected, bound)
    if totals is not None:
        for key, entry in counts.items():
            entry[2] = totals[key][2] if key in totals else None
    rows = [(field, entry[0], entry[1], entry[2] if totals is not None else None)
            for (field, _), entry in counts.items()]
    rows.sort(key=lambda row: (-(row[2] / row[3]) if row[3] else 0, -row[2]))
    points = sweep.count if expected is None else expected.count
    return Misses(missing.count, counted, rows, missing.count / points if totals is not None and points else None)


def _tally(counts: dict[tuple[str, Any], list[Any]], points: Iterable[Any], slot: int) -> None:
    """Add each point's field values to ``counts``: key -> [value, missing, total] (``slot`` 1 or 2)."""
    for point in points:
        for field, value in point.items():
            key = (field, value_key(value))
            entry = counts.get(key)
            if entry is None:
                entry = counts[key] = [value, 0, 0]
            entry[slot] += 1


def _totals(sweep: Sweep, expected: Ranges | None, bound: int) -> dict[tuple[str, Any], list[Any]] | None:
    """key -> [value, 0, how many expected points have it], or None where that would cost too much."""
    totals: dict[tuple[str, Any], list[Any]] = {}
    if expected is not None:
        if expected.count > bound:
            return None
        for start, stop in expected.runs:
            _tally(totals, sweep[start:stop], 2)
        return totals
    if sweep.count <= bound:
        _tally(totals, sweep, 2)
        return totals
    from ._space import Product

    if type(sweep) is not Product:
        return None
    for axis in sweep.axes:  # each value of an axis is in count / size points of a product
        if axis.size > bound:  # too many values to list: their totals stay unknown
            continue
        share = sweep.count // axis.size
        for value in axis.segment(0, axis.size):
            entry = totals.setdefault((axis.name, value_key(value)), [value, 0, 0])
            entry[2] += share
    return totals


def _shown(value: Any) -> str:
    """A field value as the summary shows it: text as it is, anything else as JSON; bounded."""
    return _excerpt(value if isinstance(value, str) else _json(value), 60)


def _cell(text: str) -> str:
    """Text for a Markdown table cell: pipes escaped, line breaks as spaces."""
    return " ".join(text.replace("|", "\\|").split())


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


def read_results(paths: Iterable[PathLike]) -> Iterable[tuple[Any, str]]:
    """Every result under ``paths`` as ``(value, location)``, streamed file by file.

    A ``.json`` file holds one result, or a list of them; any other file (and
    a ``.json`` file that is not one JSON document) holds one result per
    line, blank lines skipped. A line or file that is not JSON yields a value
    that matches nothing. The answer can also be read a batch at a time
    (what :func:`collect` does), each location made only when asked for.
    """
    return _Results(paths)


class _Results:
    """:func:`read_results`' answer: ``(value, location)`` pairs, or with :meth:`batches`,
    ``(values, locations)`` of up to :data:`BATCH` results (one per line in most)."""

    def __init__(self, paths: Iterable[PathLike]) -> None:
        self.paths = paths

    def __iter__(self) -> Iterator[tuple[Any, str]]:
        for values, locations in self.batches():
            yield from zip(values, locations)

    def batches(self) -> Iterator[tuple[Sequence[Any], Sequence[str]]]:
        """The results, a batch at a time, file by file."""
        decode = json.JSONDecoder().decode
        for path in result_files(self.paths):
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
                for start in range(0, len(value), BATCH):
                    items = value[start:start + BATCH]
                    yield items, _Numbered(f"{path}[", start, len(items), "]")
            elif value is _INVALID and "\n" in text.strip():
                yield from _lines(path, text.splitlines())
            else:
                yield [value], [path]


class _Numbered(Sequence[str]):
    """The locations ``{prefix}{first + i}{suffix}`` for ``0 <= i < size``, each made when asked."""

    def __init__(self, prefix: str, first: int, size: int, suffix: str = "") -> None:
        self.prefix, self.first, self.size, self.suffix = prefix, first, size, suffix

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, position: Any) -> Any:
        if type(position) is not int or not 0 <= position < self.size:
            return [self[i] for i in range(self.size)][position]
        return f"{self.prefix}{self.first + position}{self.suffix}"


def _lines(path: str, lines: Iterable[str]) -> Iterator[tuple[Sequence[Any], Sequence[str]]]:
    """One result per line, :data:`BATCH` lines at a time, as ``(values, locations)``: a batch of
    JSON objects (:func:`_objects`) in one parse, else each line through the C scanner (a line it
    cannot take whole, like one with leading spaces, goes the slow way, alone). A batch of lines that
    each hold one JSON value and end in a newline has its locations made lazily."""
    from json.scanner import make_scanner

    decoder = json.JSONDecoder()
    scan = make_scanner(decoder)  # type: ignore[arg-type]  # (typeshed's signature is wrong)
    lines = iter(lines)
    number = 0
    while chunk := list(islice(lines, BATCH)):
        objects = _objects(chunk, decoder.decode)
        if objects is not None:
            yield objects, _Numbered(f"{path}:", number + 1, len(chunk))
            number += len(chunk)
            continue
        with bounded_digits():
            try:  # a line the scanner cannot start raises StopIteration, which ends map() early
                scanned = list(map(scan, chunk, repeat(0)))
            except ValueError:
                scanned = []
            whole = len(scanned) == len(chunk)  # every line scanned from its start
            if not whole:
                scanned = [_scanned(line, decoder) for line in chunk]
        values, ends = zip(*scanned)
        if whole and chunk[-1].endswith("\n") and sum(ends) + len(chunk) == sum(map(len, chunk)):  # each to its newline
            yield values, _Numbered(f"{path}:", number + 1, len(chunk))
            number += len(chunk)
            continue
        kept, locations = [], []
        for value, end, line in zip(values, ends, chunk):
            number += 1
            if value is _INVALID or (end < len(line) and line[end:] != "\n" and line[end:].strip()):
                if not line.strip():
                    continue
                value = _decoded(line, decoder.decode) if value is _INVALID else _INVALID
            kept.append(value)
            locations.append(f"{path}:{number}")
        yield kept, locations


def _objects(lines: list[str], decode: Any) -> list[Any] | None:
    """The values of ``lines`` parsed as one JSON array, when that is sure to give each line's one
    value: every line starts with ``{`` and ends in a newline (the last may not), and none holds
    ``[``. Else None, as when a line is not JSON. The lines it takes are the ones the scanner takes
    one by one (a value from the line's start, then only spaces), with the same values.

    Why it is sure: the array's elements are objects, and an object cannot run on past the end of
    its line, since the comma joining the lines would be followed by ``{`` where a key must come;
    so each line holds one element at least, and as many elements as lines means one each.
    O(size of the lines), in one call of the C parser (the keys' texts shared across the batch).
    """
    text = "[" + ",".join(lines) + "]"
    if not text.startswith("[{") or text.count("\n,{") != len(lines) - 1 or text.find("[", 1) >= 0:
        return None
    try:
        with bounded_digits():
            values = decode(text)
    except ValueError:
        return None
    return values if len(values) == len(lines) else None


def _scanned(line: str, decoder: json.JSONDecoder) -> tuple[Any, int]:
    """``(value, end)`` for one line; ``(_INVALID, 0)`` when it is not one JSON value from its start."""
    try:
        return decoder.raw_decode(line)
    except ValueError:
        return _INVALID, 0


def _decoded(text: str, decode: Any) -> Any:
    try:
        with bounded_digits():
            return decode(text)
    except ValueError:
        return _INVALID


#: The most digits a number in a result may have (CPython's default limit for int from text): the
#: command line lifts the interpreter's limit to print huge counts, but parsing is quadratic in digits.
MAX_DIGITS = 4300


@contextmanager
def bounded_digits() -> Iterator[None]:
    """While in it, int from text refuses more than :data:`MAX_DIGITS` digits (ValueError, in O(digits)),
    whatever the interpreter's own limit is (restored after). A no-op where Python has no such limit."""
    get = getattr(sys, "get_int_max_str_digits", None)
    before = get() if get is not None else MAX_DIGITS
    if 0 < before <= MAX_DIGITS:
        yield
        return
    sys.set_int_max_str_digits(MAX_DIGITS)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(before)
