"""Index selections: ``--only 0-9,15,20-29`` as a lazy view of a sweep.

A selection is written as compact ranges: comma-separated indices and
inclusive ``A-B`` runs, the form ``lazysweep collect --missing`` writes. The
runs are sorted and merged, so a selection keeps the sweep's order and holds
each point once, and it costs memory for the runs written, never for the
indices they cover: ``0-999999999999`` is one run.

>>> from lazysweep._axes import ArithmeticRange
>>> from lazysweep._space import Product
>>> sweep = Product([ArithmeticRange("n", 100, 199)])
>>> only = select(sweep, "20-29,0-9,15")
>>> only.count, only[10], only.source_index(10), str(only.ranges)
(21, {'n': 115}, 15, '0-9,15,20-29')
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from itertools import accumulate

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from typing import Any

    from ._space import Point

from ._space import Sweep, View

__all__ = ["Ranges", "IndexSelection", "select", "MAX_DIGITS", "SPARE_DIGITS"]

#: Digits a selected index may have beyond those of the count it selects from (see :meth:`Ranges.parse`).
SPARE_DIGITS = 40
#: Digits a selected index may have when the count is not known: CPython's own default limit.
MAX_DIGITS = 4300


class Ranges:
    """Sorted, merged, half-open runs ``[start, stop)`` of indices, with their total count.

    Build from text with :meth:`parse`, from runs with the constructor (they
    are sorted and merged, adjacent ones joined). ``str()`` is the compact
    form, ``0-9,15,20-29``; the empty selection is ``""``.

    >>> Ranges([(20, 30), (0, 5), (5, 10), (15, 16), (3, 4)])
    Ranges('0-9,15,20-29')
    >>> Ranges.parse("7, 1-3,2").count
    4
    """

    __slots__ = ("runs", "offsets")

    def __init__(self, runs: Iterable[tuple[int, int]] = ()) -> None:
        merged: list[tuple[int, int]] = []
        for start, stop in sorted(run for run in runs if run[0] < run[1]):
            if merged and start <= merged[-1][1]:
                if stop > merged[-1][1]:
                    merged[-1] = (merged[-1][0], stop)
            else:
                merged.append((start, stop))
        self._set(merged)

    @classmethod
    def from_sorted(cls, runs: list[tuple[int, int]]) -> Ranges:
        """Ranges from runs already sorted, non-empty and apart (not even adjacent): not checked. O(runs)."""
        ranges = cls.__new__(cls)
        ranges._set(runs)
        return ranges

    def _set(self, runs: list[tuple[int, int]]) -> None:
        self.runs = runs
        #: offsets[r]: how many indices the runs before run r hold.
        self.offsets = list(accumulate((stop - start for start, stop in runs), initial=0))

    @classmethod
    def parse(cls, text: str, end: int | None = None) -> Ranges:
        """Ranges from ``0-9,15,20-29``: commas or white space between items; ValueError when malformed.

        A number may have at most :data:`SPARE_DIGITS` digits more than ``end`` (the
        count of what is selected from) has, or :data:`MAX_DIGITS` without ``end``:
        reading a number costs time quadratic in its digits, and no index needs
        more. Errors quote at most 40 characters of an item.
        O(length of the text), whatever the indices cover.

        >>> Ranges.parse("1" * 50, end=10**6)
        Traceback (most recent call last):
        ...
        ValueError: invalid range '1111111111111111111111111111111111111111...': a number of 50 digits, more than an index below 1000000 needs
        """
        limit = MAX_DIGITS if end is None else len(str(end)) + SPARE_DIGITS
        runs = []
        for item in text.replace(",", " ").split():
            first, dash, last = item.partition("-")
            excerpt = repr(item[:40]) if len(item) <= 40 else repr(item[:40])[:-1] + "...'"
            if not _is_number(first) or (dash and not _is_number(last)):
                raise ValueError(f"invalid range {excerpt}: expected an index N or a run A-B, like 0-9,15,20-29")
            digits = max(len(first), len(last))
            if digits > limit:
                needs = f"an index below {end} needs" if end is not None else f"the limit is {MAX_DIGITS}"
                raise ValueError(f"invalid range {excerpt}: a number of {digits} digits, more than {needs}")
            start = int(first)
            stop = int(last) + 1 if dash else start + 1
            if stop <= start:
                raise ValueError(f"invalid range {excerpt}: it ends before it starts")
            runs.append((start, stop))
        return cls(runs)

    @property
    def count(self) -> int:
        """How many indices the runs cover (any size). O(1)."""
        return self.offsets[-1]

    @property
    def end(self) -> int:
        """One past the highest index selected; 0 when nothing is. O(1)."""
        return self.runs[-1][1] if self.runs else 0

    def __str__(self) -> str:
        return ",".join(str(start) if stop == start + 1 else f"{start}-{stop - 1}" for start, stop in self.runs)

    def __repr__(self) -> str:
        return f"Ranges({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Ranges) and self.runs == other.runs

    __hash__ = None  # type: ignore[assignment]

    def position(self, index: int) -> int:
        """The ``index``-th selected index (``0 <= index < count``). O(log runs)."""
        run = bisect_right(self.offsets, index) - 1
        return self.runs[run][0] + index - self.offsets[run]

    def rank(self, value: int) -> int | None:
        """Where ``value`` sits among the selected indices, or None when it is not selected. O(log runs)."""
        run = bisect_right(self.runs, value, key=_run_start) - 1
        if run < 0 or value >= self.runs[run][1]:
            return None
        return self.offsets[run] + value - self.runs[run][0]

    def pieces(self, start: int, stop: int) -> Iterator[tuple[int, int]]:
        """The selected indices at positions ``start .. stop-1``, as contiguous ``(first, stop)`` runs."""
        run = bisect_right(self.offsets, start) - 1
        while start < stop:
            first, last = self.runs[run]
            offset = self.offsets[run]
            take = min(stop, offset + last - first)
            yield first + start - offset, first + take - offset
            start = take
            run += 1


def _run_start(run: tuple[int, int]) -> int:
    return run[0]


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit()


class IndexSelection(View):
    """The points of ``base`` at the indices of :class:`Ranges`, numbered from 0, lazily.

    ``count`` is O(1); ``sweep[i]`` and :meth:`~lazysweep.Sweep.source_index`
    are one bisect over the runs plus the base's cost; iterating walks each
    run with the base's own contiguous iteration, so a batch costs what it
    holds. Memory is the runs written, never the indices they cover.
    """

    __slots__ = ("ranges",)

    def __init__(self, base: Sweep, ranges: Ranges) -> None:
        if ranges.runs and ranges.runs[0][0] < 0:
            raise IndexError(f"index {ranges.runs[0][0]} is out of range: selected indices are never negative")
        if ranges.end > base.count:
            raise IndexError(
                f"index {ranges.end - 1} is out of range: the sweep has {base.count} points"
                + (f" (0 to {base.count - 1})" if base.count else "")
            )
        self.base = base
        self.ranges = ranges

    @property
    def count(self) -> int:
        return self.ranges.count

    def _to_base(self, index: int) -> int:
        return self.ranges.position(index)

    def _from_base(self, index: int) -> int | None:
        return self.ranges.rank(index)

    def _pieces(self, start: int, stop: int) -> Iterable[tuple[int, int]]:
        return self.ranges.pieces(start, stop)

    def _iter_range(self, start: int, stop: int) -> Iterator[Point]:
        for first, last in self.ranges.pieces(start, stop):
            yield from self.base._iter_range(first, last)

    def _source_range(self, start: int, stop: int) -> Iterable[int]:
        for first, last in self.ranges.pieces(start, stop):
            yield from self.base._source_range(first, last)

    def _describe(self) -> list[Any]:
        return ["only", self.base._describe(), str(self.ranges)]

    def __repr__(self) -> str:
        return f"<IndexSelection of {self.count} points: {str(self.ranges)[:60]!r} of {self.base!r}>"


def select(sweep: Sweep, ranges: str | Ranges | Iterable[int | range]) -> IndexSelection:
    """The points of ``sweep`` at ``ranges``, in the sweep's order, as a lazy sweep of its own.

    ``ranges`` is compact text (``"0-9,15,20-29"``, what ``collect --missing``
    writes), a :class:`Ranges`, or indices and ``range`` objects (step 1).
    The selection numbers its points from 0 (so its batches and ``[i]`` count
    within it), while :meth:`~lazysweep.Sweep.source_index` gives each point's
    index in ``sweep``. ValueError for malformed text, IndexError for an index
    past the end. O(runs log runs), whatever they cover.

    >>> from lazysweep._axes import ArithmeticRange
    >>> from lazysweep._space import Product
    >>> sweep = Product([ArithmeticRange("x", 0, 10**20)])
    >>> chosen = select(sweep, [range(5, 8), 10**19])
    >>> chosen.count, list(chosen)[-1], chosen.source_index(-1)
    (4, {'x': 10000000000000000000}, 10000000000000000000)
    """
    if isinstance(ranges, str):
        ranges = Ranges.parse(ranges)
    elif not isinstance(ranges, Ranges):
        ranges = Ranges(_as_run(item) for item in ranges)
    return IndexSelection(sweep, ranges)


def _as_run(item: int | range) -> tuple[int, int]:
    if isinstance(item, range):
        if item.step != 1:
            raise ValueError(f"a selected range must have step 1, not {item.step}")
        return item.start, item.stop
    if isinstance(item, bool) or not isinstance(item, int):
        raise TypeError(f"selected indices must be integers or ranges, not {type(item).__name__}")
    return item, item + 1
