"""GitHub Actions matrix semantics (``exclude`` / ``include``), counted and addressed exactly.

The rules, GitHub's own including the undocumented corners:

* the product of the axes in the order written, first axis slowest;
* an entry *matches* a combination when every scalar leaf of the entry equals
  the value at the same path in the combination: keys left out are
  wildcards (inside nested objects too), lists compare by position, ``{}``
  and ``[]`` match anything, a missing path reads as null, and scalars
  compare by type and value (``1`` is not ``true``, ``"1"`` is not ``1``);
* a combination is dropped when any ``exclude`` entry matches it;
* ``include`` entries apply after exclusion, in order. An entry's axis keys
  are its filter and its other keys are extras: the extras are added to every
  surviving combination whose axis values match the filter (an empty filter
  matches all; later extras overwrite earlier ones; axis values are never
  overwritten). An entry that matches no survivor is appended after the
  product as a combination of its own, and is matched by nothing later;
* no de-duplication; a point's keys are the axes in order, then the extras
  in the order they were first added.

Nothing is enumerated. Each axis is cut into runs of consecutive values that
satisfy the same exclude/include patterns (a range axis has the few values a
pattern names, and runs of "the rest" between them), survivors are counted
by a memoised recursion over the axes on the set of exclude entries still
alive, and point ``i`` is found digit by digit with the same counts.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from itertools import product

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from typing import Any

    from .space import Point

from .axes import ArithmeticRange, Axis, AxisSlice, GeometricRange, ValuesAxis, value_key
from .space import Product, Sweep

__all__ = ["MatrixSweep", "matches"]


def matches(pattern: Any, value: Any) -> bool:
    """Whether ``pattern`` matches ``value`` leaf by leaf, the way GitHub matches matrix entries.

    >>> matches({"node": {"version": 20}}, {"node": {"version": 20, "env": "x"}})
    True
    >>> matches({}, 5), matches([1], [1, 2]), matches(1, True), matches({"a": None}, {})
    (True, True, False, True)
    """
    if isinstance(pattern, Mapping):
        inner = value if isinstance(value, Mapping) else {}
        return all(matches(sub, inner.get(key)) for key, sub in pattern.items())
    if isinstance(pattern, (list, tuple)):
        items = value if isinstance(value, (list, tuple)) else ()
        return all(matches(sub, items[i] if i < len(items) else None) for i, sub in enumerate(pattern))
    return bool(value_key(pattern) == value_key(value))


class _Unnamed:
    """Stands for the values of a range that no pattern names: a scalar equal to nothing."""


_UNNAMED = _Unnamed()


class MatrixSweep(Sweep):
    """A GitHub Actions matrix: the product of ``axes`` minus ``exclude``, plus ``include``.

    ``count`` is O(1) after construction; construction costs O(runs x states)
    where states are the sets of exclude entries that can still match (few in
    practice). ``sweep[i]`` and ``index`` are O(axes x runs); a batch costs
    that plus its own points, whatever its position.

    >>> from lazysweep.axes import ValuesAxis
    >>> sweep = MatrixSweep([ValuesAxis("os", ["linux", "mac"]), ValuesAxis("py", [3.11, 3.12])],
    ...                     exclude=[{"os": "mac", "py": 3.11}], include=[{"os": "mac", "arm": True}])
    >>> sweep.count, sweep[2], sweep.index({"os": "linux", "py": 3.12})
    (3, {'os': 'mac', 'py': 3.12, 'arm': True}, 1)
    """

    __slots__ = ("axes", "keys", "_excludes", "_includes", "_runs", "_signatures", "_last", "_tails",
                 "_memo", "_everyone", "_survivors", "_appended", "_extras")

    def __init__(self, axes: Sequence[Axis], exclude: Sequence[Mapping[str, Any]] = (),
                 include: Sequence[Mapping[str, Any]] = ()) -> None:
        self.axes = tuple(axes)
        self.keys = tuple(axis.name for axis in self.axes)
        if len(set(self.keys)) != len(self.keys):
            raise ValueError("axis names must be unique")
        if not self.axes and not include:
            raise ValueError("a matrix needs an axis or an include entry")
        column = {name: k for k, name in enumerate(self.keys)}
        for entry in exclude:
            if not isinstance(entry, Mapping) or not entry:
                raise ValueError("an exclude entry must be a non-empty mapping")
            for key in entry:
                if key not in column:
                    raise ValueError(f"exclude key {key!r} is not an axis")
        for entry in include:
            if not isinstance(entry, Mapping):
                raise ValueError("an include entry must be a mapping")
        # Pattern bit b: exclude entries first, then include filters.
        self._excludes = [dict(entry) for entry in exclude]
        self._includes = [dict(entry) for entry in include]
        patterns = [{column[k]: v for k, v in entry.items()} for entry in self._excludes]
        patterns += [{column[k]: v for k, v in entry.items() if k in column} for entry in self._includes]
        self._everyone = (1 << len(self._excludes)) - 1
        self._runs = [self._axis_runs(k, axis, patterns) for k, axis in enumerate(self.axes)]
        self._signatures = []
        for runs in self._runs:
            totals: dict[int, int] = {}
            for start, stop, signature in runs:
                totals[signature] = totals.get(signature, 0) + stop - start
            self._signatures.append(list(totals.items()))
        self._last = [0] * len(self.axes)
        for bit, entry in enumerate(self._excludes):
            self._last[max(column[key] for key in entry)] |= 1 << bit
        tails = [1]
        for axis in reversed(self.axes):
            tails.append(tails[-1] * axis.size)
        self._tails = tails[::-1]  # _tails[k]: the product of the sizes of axes k..
        self._memo: dict[tuple[int, int, int], int] = {}
        self._survivors = self._count(0, self._everyone, 0) if self.axes else 0
        self._appended: list[dict[str, Any]] = []
        self._extras: list[tuple[dict[str, Any], dict[str, Any]]] = []
        for number, entry in enumerate(self._includes):
            bit = 1 << (len(self._excludes) + number)
            if not self.axes or not self._count(0, self._everyone, bit):
                self._appended.append(entry)
                continue
            extras = {key: value for key, value in entry.items() if key not in column}
            if extras:
                self._extras.append(({k: v for k, v in entry.items() if k in column}, extras))

    @staticmethod
    def _axis_runs(k: int, axis: Axis, patterns: list[dict[int, Any]]) -> list[tuple[int, int, int]]:
        """Runs ``(start, stop, signature)`` of axis ``k``: bit b set when pattern b allows the value."""
        relevant = [(bit, pattern[k]) for bit, pattern in enumerate(patterns) if k in pattern]
        neutral = sum(1 << bit for bit, pattern in enumerate(patterns) if k not in pattern)

        def signature(value: Any) -> int:
            return neutral | sum(1 << bit for bit, sub in relevant if matches(sub, value))

        if isinstance(axis, (ArithmeticRange, GeometricRange)):
            named = sorted({p for _, sub in relevant for p in axis.positions(sub)})
            rest = signature(_UNNAMED)
            runs, start = [], 0
            for position in named:
                if start < position:
                    runs.append((start, position, rest))
                runs.append((position, position + 1, signature(axis[position])))
                start = position + 1
            if start < axis.size:
                runs.append((start, axis.size, rest))
        else:
            runs = []
            for position, value in enumerate(axis.segment(0, axis.size)):
                mark = signature(value)
                if runs and runs[-1][2] == mark:
                    runs[-1] = (runs[-1][0], position + 1, mark)
                else:
                    runs.append((position, position + 1, mark))
        return runs

    def _count(self, k: int, alive: int, required: int) -> int:
        """Survivors among the completions of axes ``k..`` given the exclude entries still
        ``alive`` (bits), and matching the include filter bit ``required`` (0: none)."""
        if k == len(self.axes):
            return 1
        if not alive and not required:
            return self._tails[k]
        key = (k, alive, required)
        found = self._memo.get(key)
        if found is None:
            found = 0
            for signature, size in self._signatures[k]:
                if required and not signature & required:
                    continue
                following = alive & signature
                if not following & self._last[k]:
                    found += size * self._count(k + 1, following, required)
            self._memo[key] = found
        return found

    @property
    def count(self) -> int:
        return self._survivors + len(self._appended)

    @property
    def exclude(self) -> tuple[dict[str, Any], ...]:
        """The ``exclude`` entries, as given."""
        return tuple(self._excludes)

    @property
    def include(self) -> tuple[dict[str, Any], ...]:
        """The ``include`` entries, in order, as given."""
        return tuple(self._includes)

    # -- the product part ------------------------------------------------------------

    def _digits(self, rank: int) -> list[int]:
        """The digits of the ``rank``-th surviving combination, axis by axis over runs."""
        digits, alive = [], self._everyone
        for k, runs in enumerate(self._runs):
            for start, stop, signature in runs:
                following = alive & signature
                if following & self._last[k]:
                    continue
                each = self._count(k + 1, following, 0)
                if rank < (stop - start) * each:
                    digits.append(start + rank // each)
                    rank %= each
                    alive = following
                    break
                rank -= (stop - start) * each
        return digits

    def _rank(self, digits: Sequence[int]) -> int | None:
        """How many survivors come before the combination ``digits``; None if it is excluded."""
        rank, alive = 0, self._everyone
        for k, digit in enumerate(digits):
            for start, stop, signature in self._runs[k]:
                following = alive & signature
                killed = following & self._last[k]
                if digit < stop:
                    if killed:
                        return None
                    rank += (digit - start) * self._count(k + 1, following, 0)
                    alive = following
                    break
                if not killed:
                    rank += (stop - start) * self._count(k + 1, following, 0)
        return rank

    def _with_extras(self, point: Point) -> Point:
        for filter_, extras in self._extras:
            if all(matches(pattern, point[key]) for key, pattern in filter_.items()):
                point.update(extras)
        return point

    def _boxes(self, k: int, alive: int, prefix: list[int], skip: int) -> Iterator[tuple[list[int], int, int, int, int]]:
        """Blocks of survivors in order, from survivor ``skip`` on: ``(prefix, k, start, stop, offset)``
        means every combination with digits ``prefix``, a digit in ``start..stop-1`` at axis ``k``
        and anything after survives; the first block is entered at ``offset``."""
        for start, stop, signature in self._runs[k]:
            following = alive & signature
            if following & self._last[k]:
                continue
            if not following or k == len(self.axes) - 1:
                total = (stop - start) * self._tails[k + 1]
                if skip >= total:
                    skip -= total
                    continue
                yield prefix, k, start, stop, skip
                skip = 0
                continue
            each = self._count(k + 1, following, 0)
            if skip >= (stop - start) * each:
                skip -= (stop - start) * each
                continue
            first, skip = start + skip // each, skip % each
            for digit in range(first, stop):
                yield from self._boxes(k + 1, following, prefix + [digit], skip)
                skip = 0

    def _iter_survivors(self, start: int, stop: int) -> Iterator[Point]:
        remaining = stop - start
        for prefix, k, first, last, offset in self._boxes(0, self._everyone, [], start):
            fixed = [ValuesAxis(axis.name, (axis[digit],)) for axis, digit in zip(self.axes, prefix)]
            box = Product([*fixed, AxisSlice(self.axes[k], first, last), *self.axes[k + 1:]])
            take = min(remaining, box.count - offset)
            points = box._iter_range(offset, offset + take)
            yield from map(self._with_extras, points) if self._extras else points
            remaining -= take
            if not remaining:
                return

    # -- Sweep primitives ------------------------------------------------------------------

    def _point(self, index: int) -> Point:
        if index >= self._survivors:
            return dict(self._appended[index - self._survivors])
        digits = self._digits(index)
        return self._with_extras(dict(zip(self.keys, [axis[d] for axis, d in zip(self.axes, digits)])))

    def _iter_range(self, start: int, stop: int) -> Iterator[Point]:
        if start < self._survivors:
            yield from self._iter_survivors(start, min(stop, self._survivors))
        for number in range(max(start, self._survivors), stop):
            yield dict(self._appended[number - self._survivors])

    def _matches(self, point: Any, reverse: bool = False) -> Iterator[int]:
        if not isinstance(point, Mapping):
            return
        wanted = value_key(point)
        appended = [
            self._survivors + number
            for number, entry in enumerate(self._appended)
            if value_key(entry) == wanted
        ]
        if reverse:
            yield from reversed(appended)
        if self.axes and all(key in point for key in self.keys):
            choices = [axis.positions(point[axis.name], reverse) for axis in self.axes]
            for digits in product(*choices):
                rank = self._rank(digits)
                if rank is not None and value_key(self._point(rank)) == wanted:
                    yield rank
        if not reverse:
            yield from appended

    def __repr__(self) -> str:
        return (f"<MatrixSweep of {self.count} points: {len(self.axes)} axes, "
                f"{len(self._excludes)} exclude, {len(self._includes)} include>")

