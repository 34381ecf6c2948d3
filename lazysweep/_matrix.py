"""GitHub Actions matrix semantics (``exclude`` / ``include``), counted and addressed exactly.

The rules, GitHub's own including the undocumented corners:

* the product of the axes in the order written, first axis slowest;
* an entry *matches* a combination when every scalar leaf of the entry equals
  the value at the same path in the combination under GitHub's expression
  ``==`` (:mod:`lazysweep._equality`): keys left out are wildcards (inside
  nested objects too), lists compare by position, ``{}`` and ``[]`` match
  anything, a missing path reads as null; strings compare ignoring case,
  other kinds as doubles (``"3.10"`` is ``3.1``, ``"0"`` is ``0``, null is
  ``0``, ``true`` is ``1``); keys (of axes, entries and nested objects)
  compare ignoring case;
* a combination is dropped when any ``exclude`` entry matches it;
* ``include`` entries apply after exclusion, in order. An entry's axis keys
  are its filter and its other keys are extras: the extras are added to every
  surviving combination whose axis values match the filter (an empty filter
  matches all; later extras overwrite earlier ones; axis values are never
  overwritten). An entry that matches no survivor is appended after the
  product as a combination of its own, and is matched by nothing later;
* no de-duplication; a point's keys are the axes in order, then the extras
  in the order they were first added.

Nothing is enumerated. Each axis is cut into runs of consecutive values, and
runs whose values satisfy the same exclude/include patterns share a *class*
(a range axis has the few values a pattern names, and "the rest" between
them); a table from value to class bitmask replaces matching pattern by
pattern. Survivors are counted over the set of exclude entries still alive:

* ``count`` goes by states of the entries naming only the axes still free (the same
  for every state with those axes free) plus the few matched on the fixed ones, counted
  by inclusion-exclusion over those few or conditioned on an axis, two free axes at once
  (:mod:`lazysweep._fixedcount`): a state's work follows the entries matched at it.
  Once it has met more than 1024 sets of free axes (it does not suit the
  matrix: a grid, a chain) or passed the budget, it hands over, once, to a counter that
  factorises the entries into independent components (entries that
  share no axis still to be chosen) and, inside a component, conditions on
  the axis most entries share, so exclusions that overlap on a common axis
  (E entries ``{aI: 0, z: 0}``) cost O(E) states, not 2^E. A value that keeps
  up to three entries, each with one axis left, counts by inclusion-exclusion
  from the node of the other entries, which all such values share: the
  states follow the values the entries name, not their combinations. That
  counter goes on with the rest of the operation's allowance (an eighth at
  least), so a refusal costs about one allowance, not one per counter;
* ``sweep[i]`` and ``index`` go axis by axis over a cached table per state
  (segment starts and the survivors before each), one ``bisect`` per axis.
  A state is the entries naming no axis yet (the same on every path) plus
  those matched on the axes before; ``sweep[i]`` counts the survivors before
  a digit by inclusion-exclusion over the few matched ones, each subset a
  table of the others with the axes it names fixed. Those tables are shared
  by all the states whose entries fix the same classes, so a cold access
  rarely builds one, where a table per state was built at nearly every one;
* a batch walks those tables like an odometer, and an include's extras are
  found by AND-ing one bitmask per axis its filter names;
* whether an include matches a survivor: a quick witness (the class on each
  axis that keeps the fewest entries alive), else a count with the include's
  filter as one more exclude entry (its pattern has classes on every axis like
  theirs), in the states the count made: a survivor matches it iff that count
  is smaller. An include naming exactly an excluded pair costs one state, where
  a search had to rule out every combination. No step recurses: every walk
  keeps its own stack, so a thousand axes or entries cost no Python stack depth.

Counting under arbitrary overlapping exclusions is #P-hard, so the work is
bounded, by counting operations rather than seconds (the same file gets the
same answer on any machine). Each operation (building the matrix, one
``sweep[i]`` or ``index``, the step to each next block of a batch) may create
at most :data:`STATE_BUDGET` states and work over at most :data:`WORK_BUDGET`
entries in them (each state adds the entries alive in it). Past either:

* a matrix of at most :data:`ENUMERATION_LIMIT` combinations switches to plain
  dynamic programming over (axis, entries alive): exact, O(product of the
  class counts) time at worst, states kept on the first axes only (about
  2^16), so memory stays bounded; it is never refused;
* a larger one is refused: :class:`~lazysweep._errors.SweepError` says so in
  one line (the command line exits 1), well under a second of CPU.

Matching follows GitHub's own rules (:mod:`lazysweep._equality`: loose
``==``, keys ignoring case); a scalar leaf costs one dictionary look-up per
value of a list axis and O(1) integer arithmetic on a range axis.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial
from itertools import chain, product
from math import prod

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from typing import Any

    from ._encode import Encoding, Fragments
    from ._space import Point

    #: The survivors of one state (axis k, exclude entries alive), segment by segment:
    #: (starts, ranks, weights, follows). ``starts`` and ``ranks`` end with a sentinel
    #: (the axis size, the state's total); segment s covers digits starts[s]..starts[s+1]-1,
    #: each followed by weights[s] survivors and leaving follows[s] alive.
    Layout = tuple[list[int], list[int], list[int], list[int]]
    #: A counting node: (exclude entries alive, axes still free that they name).
    Node = tuple[int, int]
    #: One inclusion-exclusion term of a state's survivors before a digit (see
    #: ``MatrixSweep._partial_terms``): (coefficient, class, layout); with a class, the term
    #: counts the values of that class before the digit, else the layout's survivors before it.
    Term = tuple[int, int, Layout | None]

from ._axes import ArithmeticRange, Axis, AxisSlice, GeometricRange, _powers_below, value_key
from ._encode import INDEX_FIELD, canonical, describe_axes
from ._equality import ambiguous, fold, int_interval, literal_number, matches, parse_number, to_number
from ._errors import SweepError
from ._fixedcount import FixedCounter
from ._fixedcount import bits as _bits
from ._space import Product, Sweep

__all__ = ["MatrixSweep", "matches", "STATE_BUDGET", "WORK_BUDGET", "ENUMERATION_LIMIT"]

#: The most counting states one operation may create (building the matrix, one
#: ``sweep[i]`` or ``index``, the step to the next block of a batch). A state
#: costs a few microseconds, so the refusal comes well under a second.
STATE_BUDGET = 20_000

#: The most work one operation may do creating states, counted in entries: each state adds the
#: number of exclude entries alive in it (its bit operations and loops follow them). An operation
#: count, not seconds: the same file gets the same answer on any machine, under any load.
WORK_BUDGET = 200_000

#: A matrix of at most this many combinations is never refused: past the budget, it is counted by
#: plain dynamic programming over (axis, entries alive) instead (see :meth:`MatrixSweep._enumerated`).
ENUMERATION_LIMIT = 10**7

#: In that enumeration, states are kept only on the axes above which at most this many states can
#: exist; deeper ones are recomputed, so memory stays bounded whatever the entries.
_ENUMERATION_MEMO = 1 << 16

#: The most entries that one class may keep for the counter to use inclusion-exclusion over them
#: (2^this many terms) rather than a node of its own.
_SPLIT_ENTRIES = 3

#: The most inclusion-exclusion terms one state's random access sums (see
#: ``MatrixSweep._partial_terms``) before it builds the state's own layout instead.
_PARTIAL_TERMS = 16

#: The digits that such an access tries one by one before it gallops.
_STEPS = 3

#: A random access first tries inclusion-exclusion within 1/_TRIAL_SHARE of the budget; past
#: it, it walks the states' own layouts with the whole budget, as it would without the trial.
_TRIAL_SHARE = 4

#: A state whose terms have served this many random accesses has them summed into one table,
#: as its own layout would be (one bisect per access from then on, no count to make).
_SUMMED_AFTER = 64

#: The longest run of a range's values that one double stands for which an include with extras may
#: name (each of its values is listed in a table).
_LISTED_RUN = 1 << 16

#: The counter by fixed axes shares its work among the states with the same axes free; once it has
#: met more than this many sets of them (only possible past ten axes) it hands over to components
#: and conditioning (see ``MatrixSweep._charge_fixed``).
_FREE_SETS = 1 << 10

#: After that hand-over, components and conditioning have at least 1/this of the allowance left.
_LAST_SHARE = 8

#: Cached states beyond this many are dropped between operations (memory stays bounded).
_CACHE_LIMIT = 4 * STATE_BUDGET


def _is_container(value: Any) -> bool:
    return isinstance(value, (Mapping, list, tuple))


class _Signer:
    """``signer(value)``: ``neutral`` plus the bits of the patterns ``value`` matches, under
    GitHub's ``==`` (:mod:`lazysweep._equality`). A pattern that is one scalar leaf is found by
    dictionary look-ups, not tried one by one: a string value by its case-folded text (the string
    leaves) and by its number (the other leaves); any other scalar by its number (every leaf, a
    string leaf by the number it parses as). Other patterns are tried with :func:`matches`.
    O(1) per value plus O(tree) per pattern that is not a scalar leaf."""

    __slots__ = ("neutral", "by_fold", "by_number", "by_number_not_string", "general")

    def __init__(self, relevant: list[tuple[int, list[Any]]], neutral: int) -> None:
        self.neutral = neutral
        self.by_fold: dict[str, int] = {}
        self.by_number: dict[float, int] = {}
        self.by_number_not_string: dict[float, int] = {}
        self.general: list[tuple[int, list[Any]]] = []
        for bit, subs in relevant:
            if len(subs) != 1 or _is_container(subs[0]):
                self.general.append((bit, subs))
                continue
            leaf = subs[0]
            if isinstance(leaf, str):
                self.by_fold[fold(leaf)] = self.by_fold.get(fold(leaf), 0) | 1 << bit
                number = parse_number(leaf)
            else:
                number = literal_number(leaf)
                if number == number:
                    self.by_number_not_string[number] = self.by_number_not_string.get(number, 0) | 1 << bit
            if number == number:  # NaN matches nothing
                self.by_number[number] = self.by_number.get(number, 0) | 1 << bit

    def __call__(self, value: Any) -> int:
        mark = self.neutral
        if isinstance(value, str):
            mark |= self.by_fold.get(fold(value), 0)
            number = parse_number(value)
            if number == number:
                mark |= self.by_number_not_string.get(number, 0)
        elif not _is_container(value):
            number = to_number(value)
            if number == number:
                mark |= self.by_number.get(number, 0)
        for bit, subs in self.general:
            if all(matches(sub, value) for sub in subs):
                mark |= 1 << bit
        return mark


def _runs_equal_to(axis: ArithmeticRange | GeometricRange, number: float) -> list[tuple[int, int]]:
    """The runs ``(start, stop)`` of positions of an integer range whose values GitHub's ``==``
    finds equal to ``number``: the integers whose double is ``number``, found arithmetically
    (one, or a run of them past 2**53). O(1) for an arithmetic range, O(log log) big-integer
    powers for a geometric one; nothing is scanned."""
    bounds = int_interval(number)
    if bounds is None:
        return []
    low, high = bounds
    if isinstance(axis, ArithmeticRange):
        last = axis[axis.size - 1]
        smallest, largest = min(axis.start, last), max(axis.start, last)
        low = smallest if low is None else max(low, smallest)
        high = largest if high is None else min(high, largest)
        if low > high:
            return []
        step, start = axis.step, axis.start
        first, final = (-((start - low) // step), (high - start) // step) if step > 0 else \
            (-((high - start) // -step), (start - low) // -step)
        first, final = max(first, 0), min(final, axis.size - 1)
        return [(first, final + 1)] if first <= final else []
    low = 1 if low is None else max(low, 1)
    if high is None:  # +inf: every value from the first that rounds to it
        first = _powers_below(axis.start, low, axis.factor)
        return [(first, axis.size)] if first < axis.size else []
    runs = []
    below = _powers_below(axis.start, high + 1, axis.factor) - 1  # the last power <= high
    if 0 <= below <= axis.size - 2 and axis[below] >= low:
        runs.append((below, below + 1))
    if low <= axis.stop <= high:
        runs.append((axis.size - 1, axis.size))
    return runs


def _range_runs(axis: ArithmeticRange | GeometricRange, relevant: list[tuple[int, list[Any]]],
                neutral: int) -> tuple[list[tuple[int, int]], int]:
    """An integer range cut into runs ``(start, signature)``, and the signature of "the rest": the runs a scalar leaf names (found
    by :func:`_runs_equal_to`) and the rest between them. A pattern that is not a scalar leaf
    matches every integer alike (its paths lead nowhere, so its leaves meet null), so it only
    adds to every run or to none. O(patterns naming the axis) runs; no value is visited."""
    everywhere = neutral
    named: dict[tuple[int, int], int] = {}
    for bit, subs in relevant:
        allowed: list[tuple[int, int]] | None = None  # None: every position
        for sub in subs:
            found: list[tuple[int, int]] | None
            if _is_container(sub):
                found = None if matches(sub, 0) else []
            else:
                found = _runs_equal_to(axis, parse_number(sub) if isinstance(sub, str) else literal_number(sub))
            if found is not None:
                allowed = found if allowed is None else [
                    (max(a, c), min(b, d)) for a, b in allowed for c, d in found if max(a, c) < min(b, d)]
        if allowed is None:
            everywhere |= 1 << bit
        for run in allowed or ():
            named[run] = named.get(run, 0) | 1 << bit
    runs = []
    position = 0
    for (start, stop), mark in sorted(named.items()):  # runs of distinct doubles never overlap
        if position < start:
            runs.append((position, everywhere))
        runs.append((start, everywhere | mark))
        position = stop
    if position < axis.size:
        runs.append((position, everywhere))
    return runs, everywhere


class _AxisClasses:
    """One axis cut into runs, each run of one class; a class is the set of patterns
    (bits) its values satisfy. Built in O(patterns naming the axis + runs) for a range,
    O(values) for a list, with one table look-up per value instead of a match per pattern.
    ``relevant`` holds each pattern's values under the keys naming this axis (two keys that
    differ only in case name the same axis, and both must match)."""

    __slots__ = ("size", "run_starts", "run_classes", "signatures", "sizes", "class_runs", "hits", "named", "rest",
                 "class_index")

    def __init__(self, axis: Axis, relevant: list[tuple[int, list[Any]]], neutral: int) -> None:
        self.size = axis.size
        self.named = sum(1 << bit for bit, _ in relevant)  # the patterns that name this axis
        self.rest = neutral  # a range's values that no scalar leaf names have this signature
        runs: list[tuple[int, int]] = []  # (start, signature)
        if not relevant:
            runs.append((0, neutral))
        elif isinstance(axis, (ArithmeticRange, GeometricRange)):
            runs, self.rest = _range_runs(axis, relevant, neutral)
        else:
            signature = _Signer(relevant, neutral)
            for position, value in enumerate(axis.segment(0, axis.size)):
                mark = signature(value)
                if not runs or runs[-1][1] != mark:
                    runs.append((position, mark))
        self.run_starts = [start for start, _ in runs] + [axis.size]  # with a sentinel: run r stops at r+1
        number: dict[int, int] = {}
        self.run_classes = [number.setdefault(mark, len(number)) for _, mark in runs]
        self.signatures = list(number)
        self.sizes = [0] * len(number)
        self.class_runs: list[list[int]] = [[] for _ in number]
        for run, klass in enumerate(self.run_classes):
            self.sizes[klass] += self.run_starts[run + 1] - self.run_starts[run]
            self.class_runs[klass].append(run)
        self.hits: dict[int, list[int]] = {bit: [] for bit, _ in relevant}  # pattern bit -> classes it allows
        self.class_index: dict[int, tuple[list[int], list[int]]] = {}  # see below_and_at()
        for klass, mark in enumerate(self.signatures):
            for bit in _bits(mark & self.named):
                self.hits[bit].append(klass)

    def hit_size(self, bit: int) -> int:
        """How many values of the axis pattern ``bit`` allows."""
        return sum(self.sizes[klass] for klass in self.hits[bit]) if self.named >> bit & 1 else self.size

    def class_at(self, position: int) -> int:
        return self.run_classes[bisect_right(self.run_starts, position) - 1]

    def below_and_at(self, klass: int, position: int) -> tuple[int, bool]:
        """How many values before ``position`` are of class ``klass``, and whether ``position``
        is: O(1) for a class of one run (a value, or a few, that a pattern names), else one
        bisect over the class's runs, after O(its runs) once (kept per class: bounded by the
        runs), and one over the axis's runs."""
        runs = self.class_runs[klass]
        if len(runs) == 1:
            start = self.run_starts[runs[0]]
            return min(max(position - start, 0), self.sizes[klass]), start <= position < self.run_starts[runs[0] + 1]
        found = self.class_index.get(klass)
        if found is None:  # (the starts of the class's runs, the class's values before each)
            starts, before = [], [0]
            for run in runs:
                starts.append(self.run_starts[run])
                before.append(before[-1] + self.run_starts[run + 1] - self.run_starts[run])
            found = self.class_index[klass] = (starts, before)
        starts, before = found
        r = bisect_right(starts, position) - 1
        if r < 0:
            return 0, False
        return before[r] + min(position - starts[r], before[r + 1] - before[r]), self.class_at(position) == klass


def _ranks(starts: list[int], weights: list[int]) -> list[int]:
    """The survivors before each segment of a layout, then the total."""
    ranks = [0]
    for s, weight in enumerate(weights):
        ranks.append(ranks[-1] + weight * (starts[s + 1] - starts[s]))
    return ranks


def _term_counts(classes: _AxisClasses, terms: list[Term], digit: int) -> tuple[int, int]:
    """A state's survivors before ``digit`` of axis ``classes`` and those at it, from its
    inclusion-exclusion terms (``MatrixSweep._partial_terms``). O(terms) bisects."""
    before = own = 0
    for coefficient, klass, layout in terms:
        if layout is None:
            values, at = classes.below_and_at(klass, digit)
            before += coefficient * values
            if at:
                own += coefficient
        else:
            starts, ranks, weights, _ = layout
            s = bisect_right(starts, digit) - 1
            before += coefficient * (ranks[s] + (digit - starts[s]) * weights[s])
            own += coefficient * weights[s]
    return before, own


class _Enumerate(Exception):
    """Raised inside the solver when the budget runs out on a matrix small enough to enumerate."""


class _Harder(SweepError):
    """Raised while counts are made by states with fixed axes (:mod:`lazysweep._fixedcount`) when
    that counter does not suit the matrix (``MatrixSweep._charge_fixed``) or the budget runs out on
    a matrix too large to enumerate: ``MatrixSweep._free_count`` then switches, once, to the
    counter of components and conditioning (``MatrixSweep._solve``) for the rest of the
    operation's allowance; anywhere else, it is the refusal itself."""


class _Retry(Exception):
    """Raised when a trial's share of the budget runs out (``MatrixSweep._digits``)."""


class _Witness:
    """A quick proof that an include filter matches a survivor: on every axis take the class
    that leaves the fewest exclude entries alive (among the classes the filter allows, on the
    axes it names); if no entry matches that combination, it survives. O(axes the filter
    spans) per filter after O(classes) set-up, with prefix and suffix ANDs over the axes."""

    def __init__(self, classes: list[_AxisClasses], everyone: int) -> None:
        self.classes, self.everyone = classes, everyone
        self.best = [self.fewest(axis.signatures) for axis in classes]
        self.prefix = [everyone]  # prefix[k]: entries matching the best classes of axes before k
        for mark in self.best:
            self.prefix.append(self.prefix[-1] & mark)
        self.suffix = [everyone]  # suffix[j]: the same for the axes from len - j on
        for mark in reversed(self.best):
            self.suffix.append(self.suffix[-1] & mark)

    def fewest(self, marks: Iterator[int] | list[int]) -> int:
        return min((mark & self.everyone for mark in marks), key=int.bit_count)

    def found(self, bit: int, named: list[int]) -> bool:
        if not named:
            return False
        alive = self.prefix[named[0]] & self.suffix[len(self.classes) - named[-1] - 1]
        for k in range(named[0], named[-1] + 1):
            if not alive:
                break
            axis = self.classes[k]
            alive &= self.fewest(axis.signatures[c] for c in axis.hits[bit]) if axis.named >> bit & 1 else self.best[k]
        return not alive


class MatrixSweep(Sweep):
    """A GitHub Actions matrix: the product of ``axes`` minus ``exclude``, plus ``include``.

    ``count`` is O(1) after construction. Construction costs O(patterns + runs)
    plus the counting states, which are O(entries) when the exclusions are
    independent or overlap on shared axes, and bounded by :data:`STATE_BUDGET`
    and :data:`WORK_BUDGET` in general (past them, a matrix of at most
    :data:`ENUMERATION_LIMIT` combinations is enumerated instead: O(product of
    class counts), bounded memory). ``sweep[i]`` and ``index`` are O(axes)
    look-ups and bisects in cached states (the first access to a state builds
    its layout: O(classes its entries name) counts; ``sweep[i]`` builds one only
    for the entries naming no axis yet, or those with a few axes fixed, and sums
    O(2^entries matched) of them per axis); a batch costs that plus its own
    points, whatever its position.

    >>> from lazysweep._axes import ValuesAxis
    >>> sweep = MatrixSweep([ValuesAxis("os", ["linux", "mac"]), ValuesAxis("py", [3.11, 3.12])],
    ...                     exclude=[{"os": "mac", "py": 3.11}], include=[{"os": "mac", "arm": True}])
    >>> sweep.count, sweep[2], sweep.index({"os": "linux", "py": 3.12})
    (3, {'os': 'mac', 'py': 3.12, 'arm': True}, 1)
    """

    __slots__ = ("axes", "keys", "_excludes", "_includes", "_classes", "_entry_axes", "_ends", "_suffix",
                 "_tails", "_everyone", "_counts", "_memo", "_layouts", "_spent", "_work",
                 "_survivors", "_appended", "_extras", "_extras_mask", "_extra_tables", "_fold_extras",
                 "_enumerate", "_memo_depth", "_untested", "_partials", "_free_layouts", "_free_weights", "_trial", "_uses",
                 "_fixed", "_fixing", "_entry_fixings")

    def __init__(self, axes: Sequence[Axis], exclude: Sequence[Mapping[str, Any]] = (),
                 include: Sequence[Mapping[str, Any]] = ()) -> None:
        self.axes = tuple(axes)
        self.keys = tuple(axis.name for axis in self.axes)
        if len(set(self.keys)) != len(self.keys):
            raise ValueError("axis names must be unique")
        if not self.axes and not include:
            raise ValueError("a matrix needs an axis or an include entry")
        # Keys compare ignoring case: the runner keeps the axes in a DictionaryExpressionData
        # (src/Sdk/Expressions/Data/DictionaryExpressionData.cs, keys OrdinalIgnoreCase), where a
        # second key differing only in case is an error, and looks entry keys up in it.
        column = {fold(name): k for k, name in enumerate(self.keys)}
        if len(column) != len(self.keys):
            raise ValueError("axis names must differ in more than letter case (GitHub compares them ignoring case)")
        for entry in exclude:
            if not isinstance(entry, Mapping) or not entry:
                raise ValueError("an exclude entry must be a non-empty mapping")
            for key in entry:
                if not isinstance(key, str) or fold(key) not in column:
                    raise ValueError(f"exclude key {key!r} is not an axis")
        for entry in include:
            if not isinstance(entry, Mapping):
                raise ValueError("an include entry must be a mapping")
            extra_keys = [fold(key) if isinstance(key, str) else key for key in entry
                          if not isinstance(key, str) or fold(key) not in column]
            if len(set(extra_keys)) != len(extra_keys):  # MatrixInclude adds each extra to a DictionaryExpressionData
                raise ValueError("an include entry's extra keys must differ in more than letter case "
                                 "(GitHub compares them ignoring case)")
        self._counts: dict[tuple[int, int], int] = {}
        self._memo: dict[Node, int] = {}
        self._layouts: dict[tuple[int, int], Layout] = {}
        self._partials: dict[tuple[int, int], list[Term] | None] = {}  # see _partial_terms
        self._free_layouts: dict[tuple[int, int, int], Layout] = {}
        self._free_weights: dict[tuple[int, int], int] = {}
        self._trial = False
        self._uses: dict[tuple[int, int], int] = {}  # see _partial_terms
        self._entry_fixings: dict[tuple[int, int], list[dict[int, int]] | None] = {}  # see _fixings
        self._fixed: FixedCounter | None = None
        self._fixing = True  # counts by self._fixed until it runs out of budget once, then by _solve
        self._begin()
        # Pattern bit b: exclude entries first, then include filters.
        self._excludes = [dict(entry) for entry in exclude]
        self._includes = [dict(entry) for entry in include]
        # A pattern: axis -> the entry's values under the keys naming it (one, unless two keys
        # differ only in case: then both must match).
        patterns: list[dict[int, list[Any]]] = []
        for entry in [*self._excludes, *self._includes]:
            pattern: dict[int, list[Any]] = {}
            for key, sub in entry.items():
                k = column.get(fold(key)) if isinstance(key, str) else None
                if k is not None:
                    pattern.setdefault(k, []).append(sub)
            patterns.append(pattern)
        every_pattern = (1 << len(patterns)) - 1
        by_axis: list[list[tuple[int, list[Any]]]] = [[] for _ in self.axes]
        for bit, pattern in enumerate(patterns):
            for k, subs in pattern.items():
                by_axis[k].append((bit, subs))
        self._classes = [
            _AxisClasses(axis, relevant, every_pattern & ~sum(1 << bit for bit, _ in relevant))
            for axis, relevant in zip(self.axes, by_axis)
        ]
        self._entry_axes = [sum(1 << k for k in pattern) for pattern in patterns]
        # An entry that no value of one of its axes satisfies can never match: it is never alive.
        possible = [all(self._classes[k].hits[bit] for k in pattern) for bit, pattern in enumerate(patterns)]
        self._everyone = sum(1 << bit for bit in range(len(self._excludes)) if possible[bit])
        self._fixed = FixedCounter(self._classes, self._entry_axes, self._everyone, self._charge_fixed)
        self._ends = [0] * len(self.axes)  # _ends[k]: the exclude entries whose last axis is k
        for bit in _bits(self._everyone):
            self._ends[max(patterns[bit])] |= 1 << bit
        self._suffix = [((1 << len(self.axes)) - 1) >> k << k for k in range(len(self.axes) + 1)]
        self._untested = [self._everyone]  # _untested[k]: the exclude entries naming no axis before k
        for classes in self._classes:
            self._untested.append(self._untested[-1] & ~classes.named)
        tails = [1]
        for axis in reversed(self.axes):
            tails.append(tails[-1] * axis.size)
        self._tails = tails[::-1]  # _tails[k]: the product of the sizes of axes k..
        self._enumerate = False  # past the budget on a small matrix: plain dynamic programming
        states, self._memo_depth = 1, 0
        for classes in self._classes:
            states *= len(classes.signatures) + 1
            if states > _ENUMERATION_MEMO:
                break
            self._memo_depth += 1
        self._survivors = self._count(0, self._everyone) if self.axes else 0
        self._appended: list[dict[str, Any]] = []
        self._extras: dict[int, dict[str, Any]] = {}  # include bit (as a power of two) -> its extras
        witness = _Witness(self._classes, self._everyone)

        def _is_filter(key: Any) -> bool:
            return isinstance(key, str) and fold(key) in column

        for number, entry in enumerate(self._includes):
            bit = len(self._excludes) + number
            named = sorted(patterns[bit])
            self._begin()  # each include's search is an operation of its own
            if not (self._survivors and possible[bit] and (witness.found(bit, named) or self._reachable(bit, named))):
                # MatrixInclude.GetUnmatchedVectors: the filter's keys first, then the extras
                if sum(map(len, patterns[bit].values())) != len(patterns[bit]):
                    raise ValueError("an include entry that matches no combination is added as one, and its keys "
                                     "must then differ in more than letter case (GitHub compares them ignoring case)")
                self._appended.append({**{key: value for key, value in entry.items() if _is_filter(key)}, **entry})
                continue
            extras = {key: value for key, value in entry.items() if not isinstance(key, str) or fold(key) not in column}
            if extras:
                self._extras[1 << bit] = extras
        self._extras_mask = sum(self._extras)
        # Later extras overwrite earlier ones whose key differs only in case, keeping the first
        # spelling (DictionaryExpressionData's indexer): the slow merge, only when that happens.
        spellings = {key for extras in self._extras.values() for key in extras}
        self._fold_extras = len({fold(key) if isinstance(key, str) else key for key in spellings}) != len(spellings)
        self._extra_tables = self._value_tables()

    # -- the work budget -----------------------------------------------------------------

    def _begin(self) -> None:
        """Start one operation's allowance of states and work."""
        self._spent = self._work = 0
        fixed = self._fixed
        caches: list[dict[Any, Any]] = [self._memo, self._counts, self._layouts, self._partials, self._free_layouts,
                                        self._free_weights, self._uses, self._entry_fixings]
        if fixed is not None:
            caches += [fixed.memo, fixed.within_cache, fixed.touched_cache, fixed.single_cache, fixed.pair_cache]
        if sum(map(len, caches)) > _CACHE_LIMIT:
            for cache in caches:
                cache.clear()

    def _charge(self, alive: int = 0) -> None:
        """Count one state, with ``alive`` the exclude entries it works over (:meth:`_charge_work`)."""
        self._charge_work(alive.bit_count())

    def _charge_work(self, work: int) -> None:
        """Count one state that works over ``work`` entries. Past the budget, a matrix of at most
        :data:`ENUMERATION_LIMIT` combinations switches to enumeration (:class:`_Enumerate` stops
        the solver once); on a larger one, counting by states with fixed axes switches once to
        components and conditioning (:class:`_Harder`, with what is left of the allowance, an
        eighth at least), and past that it is refused. A trial (see :meth:`_digits`) has
        :data:`_TRIAL_SHARE` times less, and past it only stops (:class:`_Retry`)."""
        if self._enumerate:
            return
        self._spent += 1
        self._work += work
        share = _TRIAL_SHARE if self._trial else 1
        if self._spent * share > STATE_BUDGET:
            why = f"more than {STATE_BUDGET} states (lazysweep._matrix.STATE_BUDGET)"
        elif self._work * share > WORK_BUDGET:
            why = f"more than {WORK_BUDGET} entries worked over (lazysweep._matrix.WORK_BUDGET)"
        else:
            return
        if self._trial:
            raise _Retry
        if self._tails[0] <= ENUMERATION_LIMIT:
            self._enumerate = True
            raise _Enumerate
        refusal = _Harder if self._fixing else SweepError
        raise refusal(f"matrix of {len(self.axes)} axes and {len(self._excludes)} exclude entries is too "
                      f"complex to count: its exclude entries overlap so much that it needs {why}")

    def _charge_fixed(self, work: int) -> None:
        """:meth:`_charge_work` for counting by states with fixed axes, which shares its work among
        the states with the same axes free: once it has met more than :data:`_FREE_SETS` sets of
        them, the matrix is one it does not suit (a grid of exclusions, a chain of entries), and
        it switches to components and conditioning at once (:class:`_Harder`) rather than spend
        the allowance first. A count of operations, like the budget: the same on every run."""
        self._charge_work(work)
        fixed = self._fixed
        if fixed is not None and len(fixed.within_cache) > _FREE_SETS and not self._enumerate:
            raise _Harder(f"more than {_FREE_SETS} sets of free axes")

    # -- counting --------------------------------------------------------------------------

    def _count(self, k: int, alive: int) -> int:
        """Survivors among the completions of axes ``k..`` while the exclude entries
        ``alive`` (bits) still match the digits before ``k``."""
        if not alive:
            return self._tails[k]
        key = (k, alive)
        found = self._counts.get(key)
        if found is None:
            if self._enumerate:
                return self._enumerated(k, alive)
            try:
                found = self._counts[key] = self._free_count(alive, self._suffix[k], self._tails[k])
            except _Enumerate:
                return self._enumerated(k, alive)
        return found

    def _enumerated(self, k: int, alive: int) -> int:
        """:meth:`_count` by plain dynamic programming: each class of axis ``k`` times the count
        below it. Exact for any entries; its cost is the number of (axis, entries alive) states,
        at most the product of the class counts, so it is used only on matrices of at most
        :data:`ENUMERATION_LIMIT` combinations. States are kept on the first axes only (at most
        about 2^16 of them), deeper ones recomputed: memory stays bounded. No recursion."""
        counts, tails, ends = self._counts, self._tails, self._ends
        last = len(self.axes)
        if k == last:
            return 0 if alive else 1
        # A frame: [axis, entries alive, the branches (size, alive after) left, total so far].
        stack: list[list[Any]] = [[k, alive, self._dense_branches(k, alive), 0]]
        result = 0
        while stack:
            frame = stack[-1]
            axis, branches = frame[0], frame[2]
            step = next(branches, None)
            if step is None:
                stack.pop()
                value = frame[3]
                if frame[0] < self._memo_depth:
                    counts[frame[0], frame[1]] = value
                if stack:
                    parent = stack[-1]
                    parent[3] += parent[4] * value
                else:
                    result = value
                continue
            size, following = step
            if following & ends[axis]:
                continue  # an entry matched on its last axis: the branch is excluded
            if not following:
                frame[3] += size * tails[axis + 1]
                continue
            if axis + 1 == last:
                continue  # entries matched on every axis (the ends check catches them first)
            known = counts.get((axis + 1, following))
            if known is not None:
                frame[3] += size * known
                continue
            frame[4:] = [size]
            stack.append([axis + 1, following, self._dense_branches(axis + 1, following), 0])
        return result

    def _dense_branches(self, k: int, alive: int) -> Iterator[tuple[int, int]]:
        """``(values, entries alive after)`` for the classes of axis ``k`` that entries ``alive``
        name, then one for all the values none of them names."""
        classes = self._classes[k]
        naming = alive & classes.named
        touched = {klass for bit in _bits(naming) for klass in classes.hits[bit]}
        for klass in sorted(touched):
            yield classes.sizes[klass], alive & classes.signatures[klass]
        lump = classes.size - sum(classes.sizes[klass] for klass in touched)
        if lump:
            yield lump, alive & ~classes.named

    def _free_count(self, alive: int, free: int, total: int) -> int:
        """Assignments of the axes ``free`` (``total`` of them) that no entry ``alive`` matches,
        the entries' other axes being matched already."""
        if not alive:
            return total
        fixed = self._fixed
        if self._fixing and fixed is not None:
            shared = fixed.within(free)
            if alive & shared == shared:  # the entries naming no fixed axis, and a few matched
                try:
                    return fixed.count(free, alive & ~shared)
                except _Harder:  # components and conditioning go on with the rest of the allowance
                    self._fixing = False
                    self._spent = min(self._spent, STATE_BUDGET - STATE_BUDGET // _LAST_SHARE)
                    self._work = min(self._work, WORK_BUDGET - WORK_BUDGET // _LAST_SHARE)
                    fixed.pending = 0
        named = touching = 0  # the free axes entries alive name; the entries naming a free axis
        for axis in _bits(free):  # O(axes) wide-mask operations, not a loop over the entries
            entries = alive & self._classes[axis].named
            if entries:
                named |= 1 << axis
                touching |= entries
        if alive & ~touching:  # an entry matched on every axis: everything is excluded
            return 0
        others = free & ~named  # the free axes no entry names: multiply by their sizes
        scale = self._size_of(others) if others.bit_count() < named.bit_count() else total // self._size_of(named)
        return scale * self._solve((alive, named))

    def _weight(self, k: int, following: int) -> int:
        """Survivors below one value of axis ``k`` that leaves ``following`` alive."""
        if following & self._ends[k]:
            return 0
        if self._enumerate:
            return self._count(k + 1, following)
        try:
            return self._split_weight(k, following)
        except _Enumerate:
            return self._count(k + 1, following)

    def _split_weight(self, k: int, following: int) -> int:
        terms = self._split(1, following, following & self._classes[k].named, self._suffix[k + 1])
        if terms == [(1, following, self._suffix[k + 1])]:
            return self._count(k + 1, following)
        tail = self._tails[k + 1]
        return sum(weight * self._free_count(alive, free, tail // self._size_of(self._suffix[k + 1] & ~free))
                   for weight, alive, free in terms)

    def _size_of(self, axes: int) -> int:
        return prod(self._classes[k].size for k in _bits(axes))

    def _solve(self, root: Node) -> int:
        """Assignments of the free axes of ``root`` that no entry alive matches. Each node
        is a sum of terms ``coefficient x product of child nodes``; evaluated with an
        explicit stack (children first), so no recursion follows the input's size."""
        memo = self._memo
        plans: dict[Node, list[tuple[int, list[Node]]]] = {}
        stack = [root]
        while stack:
            node = stack[-1]
            if node in memo:
                stack.pop()
                continue
            plan = plans.get(node)
            if plan is None:
                self._charge(node[0])
                plan = plans[node] = self._plan(*node)
                waiting = [child for _, children in plan for child in children if child not in memo]
                if waiting:
                    stack.extend(waiting)
                    continue
            memo[node] = sum(coefficient * prod(memo[child] for child in children) for coefficient, children in plan)
            del plans[node]
            stack.pop()
        return memo[root]

    def _plan(self, alive: int, free: int) -> list[tuple[int, list[Node]]]:
        """Split ``(alive, free)`` into independent components, or condition its one
        component on the axis most of its entries name."""
        components = self._components(alive, free)
        if len(components) > 1:
            coefficient, children = 1, []
            for members, axes in components:
                if members & (members - 1):
                    children.append((members, axes))
                else:
                    coefficient *= self._single(members.bit_length() - 1, axes)
            return [(coefficient, children)]
        if not alive & (alive - 1):
            return [(self._single(alive.bit_length() - 1, free), [])]
        axis = max(_bits(free), key=lambda a: ((alive & self._classes[a].named).bit_count(), -a))
        return self._condition(alive, free, axis)

    def _components(self, alive: int, free: int) -> list[Node]:
        """The entries ``alive`` grouped by the free axes they share, with those axes: a
        union-find over the entries' axes, or with fewer axes than entries a search over
        the axes, whichever touches fewer bits."""
        if alive.bit_count() <= free.bit_count():
            parent: dict[int, int] = {}

            def root(axis: int) -> int:
                while parent.get(axis, axis) != axis:
                    parent[axis] = axis = parent.get(parent[axis], parent[axis])
                return axis

            remaining = {bit: self._entry_axes[bit] & free for bit in _bits(alive)}
            for mask in remaining.values():
                first, *others = _bits(mask)
                for other in others:
                    parent[root(other)] = root(first)
            groups: dict[int, Node] = {}
            for bit, mask in remaining.items():
                members, axes = groups.get(root(mask.bit_length() - 1), (0, 0))
                groups[root(mask.bit_length() - 1)] = members | 1 << bit, axes | mask
            return list(groups.values())
        components = []
        unvisited = set(_bits(free))
        while unvisited:
            queue = [unvisited.pop()]
            members, axes = alive & self._classes[queue[0]].named, 1 << queue[0]
            while queue:
                sharing = alive & self._classes[queue.pop()].named
                for other in [a for a in unvisited if sharing & self._classes[a].named]:
                    unvisited.discard(other)
                    queue.append(other)
                    members, axes = members | alive & self._classes[other].named, axes | 1 << other
            components.append((members, axes))
        return components

    def _condition(self, alive: int, free: int, axis: int) -> list[tuple[int, list[Node]]]:
        """The terms of ``(alive, free)`` by the class of ``axis``: each class's size times
        the node of the entries it keeps; entries it completes exclude the whole class.

        A class that keeps one entry of those naming ``axis``, and that entry one more free
        axis ``y``, counts as the entries that do not name ``axis`` (the node every such
        class shares) minus the points that entry excludes, one node per class of ``y`` it
        allows. So the nodes follow the values the entries name, not their combinations."""
        classes = self._classes[axis]
        free &= ~(1 << axis)
        naming = alive & classes.named
        dead = naming & ~self._node(naming, free)[0]  # entries that name no other free axis
        touched = {klass for bit in _bits(naming) for klass in classes.hits[bit]}
        lump = classes.size - sum(classes.sizes[klass] for klass in touched)
        branches = [(classes.sizes[klass], alive & classes.signatures[klass]) for klass in touched]
        if lump:
            branches.append((lump, alive & ~classes.named))
        return self._terms([term for size, following in branches if not following & dead
                            for term in self._split(size, following, following & naming, free)])

    def _terms(self, terms: list[tuple[int, int, int]]) -> list[tuple[int, list[Node]]]:
        """A plan from terms ``(weight, alive, free)``: each term's canonical node (most terms
        share a few, made once each), times the sizes of the free axes its entries leave."""
        plan: dict[Node, int] = {}
        nodes: dict[tuple[int, int], tuple[Node, int]] = {}
        for weight, alive, free in terms:
            found = nodes.get((alive, free))
            if found is None:
                node = self._node(alive, free)
                found = nodes[alive, free] = node, self._size_of(free & ~node[1])
            plan[found[0]] = plan.get(found[0], 0) + weight * found[1]
        return [(weight, [node] if node[0] else []) for node, weight in plan.items() if weight]

    def _split(self, size: int, following: int, kept: int, free: int) -> list[tuple[int, int, int]]:
        """``size`` x the assignments of ``free`` that avoid ``following``, as terms
        ``(weight, alive, free)``. When each of the few entries ``kept`` has one free axis
        left, by inclusion-exclusion over them: the other entries alone, minus the points
        each kept entry excludes, plus those two exclude, ...; each term fixes the kept
        entries' axes to a class they all allow, so its node is the others restricted."""
        if not kept or kept.bit_count() > _SPLIT_ENTRIES:
            return [(size, following, free)]
        entries = list(_bits(kept))
        axes = [self._entry_axes[bit] & free for bit in entries]
        if any(not a or a & (a - 1) for a in axes):
            return [(size, following, free)]
        base = following & ~kept
        terms = []
        for subset in range(1 << len(entries)):
            allowed: dict[int, set[int]] = {}  # axis -> the classes every chosen entry allows there
            for bit, axis in [(entries[i], axes[i].bit_length() - 1) for i in range(len(entries)) if subset >> i & 1]:
                hits = set(self._classes[axis].hits[bit])
                allowed[axis] = allowed[axis] & hits if axis in allowed else hits
            rest = free & ~sum(1 << axis for axis in allowed)
            fixed = [self._classes[axis] for axis in allowed]
            naming = touching = 0  # the entries naming a fixed axis; those naming an axis still free
            for classes in fixed:
                naming |= classes.named
            for axis in _bits(rest):
                touching |= self._classes[axis].named
            for combination in product(*(sorted(allowed[axis]) for axis in allowed)):
                restricted, weight = base, -size if subset.bit_count() % 2 else size
                for classes, klass in zip(fixed, combination):
                    restricted &= classes.signatures[klass]
                    weight *= classes.sizes[klass]
                if not restricted & naming & ~touching:  # no entry is matched on every axis
                    terms.append((weight, restricted, rest))
        return terms

    def _node(self, alive: int, free: int) -> Node:
        """``(the entries alive that name a free axis, the free axes they name)``; the
        canonical node when every entry alive names one."""
        if alive.bit_count() <= free.bit_count():
            named = 0
            for bit in _bits(alive):
                if self._entry_axes[bit] & free:
                    named |= self._entry_axes[bit]
            return sum(1 << bit for bit in _bits(alive) if self._entry_axes[bit] & free), named & free
        naming = 0
        axes = 0
        for axis in _bits(free):
            entries = alive & self._classes[axis].named
            if entries:
                naming |= entries
                axes |= 1 << axis
        return naming, axes

    def _single(self, bit: int, free: int) -> int:
        """Assignments of the axes ``free`` that entry ``bit`` alone does not match."""
        return self._size_of(free) - prod(self._classes[k].hit_size(bit) for k in _bits(free))

    def _layout(self, k: int, alive: int) -> Layout:
        """The segments of axis ``k`` for the entries ``alive`` (:meth:`_segments`), each
        weighed by its survivors below it."""
        key = (k, alive)
        found = self._layouts.get(key)
        if found is not None:
            return found
        try:
            self._charge(alive & self._classes[k].named)  # its loops follow the entries naming this axis
        except _Enumerate:
            pass  # the weights below are enumerated from now on
        starts, follows = self._segments(k, alive)
        weights = [self._weight(k, following) for following in follows]
        found = self._layouts[key] = (starts, _ranks(starts, weights), weights, follows)
        return found

    def _segments(self, k: int, alive: int) -> tuple[list[int], list[int]]:
        """The segments of axis ``k`` for the entries ``alive``: their starts (then the axis
        size) and the entries each leaves alive. Values that no entry alive names form the gaps
        between the runs that one does; adjacent segments alike are one. O(runs named)."""
        classes = self._classes[k]
        naming = alive & classes.named
        starts: list[int] = []
        follows: list[int] = []

        def add(start: int, following: int) -> None:
            if not follows or follows[-1] != following:
                starts.append(start)
                follows.append(following)

        if not naming:
            add(0, alive)
        else:
            gap = alive & ~classes.named
            touched = {klass for bit in _bits(naming) for klass in classes.hits[bit]}
            position = 0
            for run in sorted(run for klass in touched for run in classes.class_runs[klass]):
                start = classes.run_starts[run]
                if position < start:
                    add(position, gap)
                add(start, alive & classes.signatures[classes.run_classes[run]])
                position = classes.run_starts[run + 1]
            if position < classes.size:
                add(position, gap)
        starts.append(classes.size)
        return starts, follows

    def _partial_terms(self, k: int, matched: int) -> list[Term] | None:
        """The survivors of the state at axis ``k`` whose entries alive are those naming no axis
        before ``k`` (every path has them) and ``matched`` (matched on every axis they name
        before ``k``), as terms of survivors before a digit, by inclusion-exclusion over
        ``matched``: each subset of it fixes the axes its entries name to the classes they all
        allow, and counts the others' survivors there. A term's layout is keyed by the entries
        alive in it and the axes left free, so the states share a few of them: the points a
        random access reaches have entries matched on one or two values, and those values are
        rarely named by another entry. None when more than :data:`_SPLIT_ENTRIES` are matched
        or the subsets fix more than :data:`_PARTIAL_TERMS` combinations of classes. Kept per
        state: O(2^matched) look-ups once; after :data:`_SUMMED_AFTER` uses, summed into one
        term (:meth:`_summed`)."""
        key = (k, matched)
        if key in self._partials:
            found = self._partials[key]
        else:
            found = self._partials[key] = self._inclusion_exclusion(k, matched) \
                if matched.bit_count() <= _SPLIT_ENTRIES else None
        if found is not None and len(found) > 1:
            uses = self._uses[key] = self._uses.get(key, 0) + 1
            if uses >= _SUMMED_AFTER:
                found = self._partials[key] = [(1, -1, self._summed(k, self._untested[k] | matched, found))]
                del self._uses[key]
        return found

    def _summed(self, k: int, alive: int, terms: list[Term]) -> Layout:
        """The layout of axis ``k`` for the entries ``alive`` from their ``terms`` (weights
        summed over the union of their segments and of the runs of their classes), made
        without a count. Within such a segment no entry alive starts or stops matching (each
        run one names is a segment of some term), so all its values leave alive what its
        first does. O(segments x terms)."""
        classes = self._classes[k]
        points: set[int] = set()
        for _, klass, layout in terms:
            if layout is None:
                points.update(classes.run_starts[run + step] for run in classes.class_runs[klass] for step in (0, 1))
            else:
                points.update(layout[0])
        starts = sorted(points)  # 0 and the axis size among them: every layout has both
        weights = [_term_counts(classes, terms, start)[1] for start in starts[:-1]]
        follows = [alive & classes.signatures[classes.class_at(start)] for start in starts[:-1]]
        return starts, _ranks(starts, weights), weights, follows

    def _inclusion_exclusion(self, k: int, matched: int) -> list[Term] | None:
        """:meth:`_partial_terms`, made: the first term has no entry matched, each other a subset
        of ``matched`` (the sign that of its size) with the classes its entries allow together on
        the axes they name. The subsets grow entry by entry, a subset's classes merged with each
        combination the next entry allows (none when they disagree on an axis); nothing is looked
        up before their number is known to be within :data:`_PARTIAL_TERMS`. O(terms) dictionary
        merges of a few axes, and a look-up per term."""
        fixed_term = self._fixed_term
        if not matched & (matched - 1):  # one entry (the usual case): its own combinations
            options = self._fixings(k, matched.bit_length() - 1)
            if options is None or 1 + len(options) > _PARTIAL_TERMS:
                return None
            return [(1, -1, self._free_layout(k, self._untested[k], self._suffix[k + 1])),
                    *[fixed_term(k, -1, option) for option in options]]
        subsets: list[tuple[int, dict[int, int]]] = [(1, {})]  # (sign, axis -> class) per subset so far
        rest = matched
        while rest:  # the entries lowest first, peeled off (a few bits of a wide mask)
            low = rest & -rest
            rest ^= low
            options = self._fixings(k, low.bit_length() - 1)
            if options is None:
                return None
            if len(subsets) == 1:  # the first entry: its own combinations
                subsets += [(-1, option) for option in options]
            else:
                grown = []
                for sign, fixing in subsets:
                    for option in options:
                        for y, klass in option.items():
                            if fixing.get(y, klass) != klass:
                                break
                        else:
                            grown.append((-sign, {**fixing, **option}))
                subsets += grown
            if len(subsets) > _PARTIAL_TERMS:
                return None
        return [(1, -1, self._free_layout(k, self._untested[k], self._suffix[k + 1])),
                *[fixed_term(k, sign, fixing) for sign, fixing in subsets[1:]]]

    def _fixings(self, k: int, bit: int) -> list[dict[int, int]] | None:
        """The combinations of classes that entry ``bit`` allows on its axes from ``k`` on; None
        past :data:`_PARTIAL_TERMS` of them. Kept per (entry, axes left): the states of axes
        between two that it names share them. O(its axes), or their product of classes, once."""
        axes = self._entry_axes[bit] & self._suffix[k]
        key = (bit, axes)
        if key in self._entry_fixings:
            return self._entry_fixings[key]
        hits: dict[int, list[int]] = {}
        combinations = 1
        while axes:  # the entry's axes lowest first, peeled off
            low = axes & -axes
            axes ^= low
            y = low.bit_length() - 1
            hits[y] = found = self._classes[y].hits[bit]
            combinations *= len(found)
        if combinations == 1:  # the usual case: one class on each axis
            fixings: list[dict[int, int]] | None = [{y: found[0] for y, found in hits.items()}]
        elif combinations <= _PARTIAL_TERMS:
            fixings = [dict(zip(hits, combination)) for combination in product(*hits.values())]
        else:
            fixings = None
        self._entry_fixings[key] = fixings
        return fixings

    def _fixed_term(self, k: int, sign: int, fixing: dict[int, int]) -> Term:
        """The term of the survivors of the entries naming no axis before ``k`` with the axes
        of ``fixing`` fixed to its classes: ``sign`` x their sizes x a layout of axis ``k``
        (or, when ``k`` is fixed, x the weight of each of its values of that class)."""
        alive, coefficient, free, at_k = self._untested[k], sign, self._suffix[k + 1], -1
        for y, klass in fixing.items():
            classes = self._classes[y]
            alive &= classes.signatures[klass]
            if y == k:
                at_k = klass
            else:
                coefficient *= classes.sizes[klass]
                free &= ~(1 << y)
        if at_k < 0:
            return coefficient, at_k, self._free_layout(k, alive, free)
        return coefficient * self._free_weight(k, alive, free), at_k, None

    def _partial_digit(self, k: int, terms: list[Term], rank: int) -> tuple[int, int]:
        """The digit of axis ``k`` at which survivor ``rank`` of a state lies, and its rank
        among that digit's: the last digit with at most ``rank`` survivors before it. The
        state's survivors are among the first term's (no entry matched), so that digit is at
        least the first term's own, one bisect (which also gives that term's counts there); the
        search goes on from there a digit at a time
        (:data:`_STEPS`), then galloping, each step summing ``terms`` (:meth:`_partial_terms`).
        O(log distance x terms x log segments), and the distance is small (often none) when the
        entries matched exclude few points."""
        classes = self._classes[k]
        base = terms[0][2]  # the entries naming no axis before k, alone
        assert base is not None
        starts, ranks, weights, _ = base
        s = bisect_right(ranks, rank) - 1
        low = starts[s] + (rank - ranks[s]) // weights[s]
        before, own = _term_counts(classes, terms[1:], low)  # the first term's are known at low
        before += ranks[s] + (low - starts[s]) * weights[s]
        own += weights[s]
        for step in range(_STEPS):  # the entries matched exclude few points: a digit or two further
            if step:
                before, own = _term_counts(classes, terms, low)
            if before + own > rank:
                return low, rank - before
            low += 1
        step, high = 1, classes.size - 1
        while low < high:  # gallop: the last digit is in low..high
            probe = min(low + step, high)
            if _term_counts(classes, terms, probe)[0] > rank:
                high = probe - 1
                break
            low, step = probe, step * 2
        while low < high:
            middle = (low + high + 1) >> 1
            if _term_counts(classes, terms, middle)[0] <= rank:
                low = middle
            else:
                high = middle - 1
        return low, rank - _term_counts(classes, terms, low)[0]

    def _free_layout(self, k: int, alive: int, free: int) -> Layout:
        """:meth:`_layout` of axis ``k`` for entries ``alive`` when only the axes ``free`` are
        left below it (the others are fixed to classes that the entries alive allow)."""
        if free == self._suffix[k + 1]:
            return self._layout(k, alive)
        key = (k, alive, free)
        found = self._free_layouts.get(key)
        if found is None:
            self._charge(alive & self._classes[k].named)
            starts, follows = self._segments(k, alive)
            weights = [self._free_weight(k, following, free) for following in follows]
            found = self._free_layouts[key] = (starts, _ranks(starts, weights), weights, follows)
        return found

    def _free_weight(self, k: int, following: int, free: int) -> int:
        """Assignments of the axes ``free`` (after ``k``) that no entry ``following`` matches,
        the entries' other axes being matched already (:meth:`_split`, then
        :meth:`_free_count`); kept per (entries, axes)."""
        key = (following, free)
        found = self._free_weights.get(key)
        if found is None:
            terms = self._split(1, following, following & self._classes[k].named, free)
            found = self._free_weights[key] = sum(weight * self._free_count(alive, axes, self._size_of(axes))
                                                  for weight, alive, axes in terms)
        return found

    def _reachable(self, bit: int, named: list[int]) -> bool:
        """Whether a survivor matches the filter of include ``bit`` (naming axes ``named``): whether
        counting the filter as one more exclude entry leaves fewer survivors. The filter's pattern
        has its classes on every axis like an exclude entry's, so the counters take it as one more
        entry alive, in the states and caches the count made. In enumeration, or when this count
        passes the budget on a matrix that small, the depth-first search of :meth:`_searched`."""
        if not named or not self._everyone:
            return True  # every axis has a value that the filter allows
        if not self._enumerate:
            try:
                return self._free_count(self._everyone | 1 << bit, self._suffix[0], self._tails[0]) < self._survivors
            except _Enumerate:
                pass
        return self._searched(bit, named)

    def _searched(self, bit: int, named: list[int]) -> bool:
        """:meth:`_reachable` by a depth-first search over the states that stops at the first
        match, each state's branches produced only as the search reaches them."""
        last = named[-1]
        seen: set[tuple[int, int]] = set()
        stack = [(0, iter((self._everyone,)))]
        while stack:
            k, branches = stack[-1]
            following = next(branches, None)
            if following is None:
                stack.pop()
            elif not following or k > last:
                return True  # every completion survives, or the filter's last axis is passed
            elif (k, following) not in seen:
                try:
                    self._charge()  # the layouts it reads charge their own work
                except _Enumerate:
                    pass
                seen.add((k, following))
                stack.append((k + 1, self._branches(k, following, bit)))
        return False

    def _branches(self, k: int, alive: int, bit: int) -> Iterator[int]:
        """The entries alive after each value of axis ``k`` that has survivors below it and
        that the filter of include ``bit`` allows."""
        classes = self._classes[k]
        if not classes.named >> bit & 1:
            _, _, weights, follows = self._layout(k, alive)
            return (following for following, weight in zip(follows, weights) if weight)
        return (following for following in (alive & classes.signatures[klass] for klass in classes.hits[bit])
                if self._weight(k, following))

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
        """The digits of the ``rank``-th surviving combination: one bisect per axis in the state's
        layout, or (:meth:`_partial_digit`) a search over a few layouts shared by many states.
        That is a trial, with a :data:`_TRIAL_SHARE`-th of the budget; past it, the layouts of
        the states themselves are used instead, with the whole budget: the answer (a point or
        a refusal) is theirs, in at most 1 + 1/:data:`_TRIAL_SHARE` times their work."""
        if not self._enumerate:
            self._trial = True
            try:
                return self._walk(rank, partial=True)
            except _Retry:
                self._begin()
            finally:
                self._trial = False
        return self._walk(rank, partial=False)

    def _walk(self, rank: int, partial: bool) -> list[int]:
        """:meth:`_digits`, with ``partial`` whether states with entries partly matched are
        decoded by :meth:`_partial_digit`."""
        digits, alive = [], self._everyone
        for k in range(len(self.axes)):
            if not alive:  # every completion survives: plain mixed radix
                for tail in self._tails[k + 1:]:
                    digit, rank = divmod(rank, tail)
                    digits.append(digit)
                break
            matched = alive & ~self._untested[k]
            terms = self._partial_terms(k, matched) if matched and partial else None
            if terms is not None and len(terms) > 1:
                digit, rank = self._partial_digit(k, terms, rank)
                digits.append(digit)
                classes = self._classes[k]
                alive &= classes.signatures[classes.class_at(digit)]
                continue
            summed = terms[0][2] if terms else None  # the state's terms summed into one (see _partial_terms)
            starts, ranks, weights, follows = summed or self._layout(k, alive)
            s = bisect_right(ranks, rank) - 1
            digit, rank = divmod(rank - ranks[s], weights[s])
            digits.append(starts[s] + digit)
            alive = follows[s]
        return digits

    def _rank(self, digits: Sequence[int]) -> int | None:
        """How many survivors come before the combination ``digits``; None if it is excluded."""
        rank, alive = 0, self._everyone
        for k, digit in enumerate(digits):
            if not alive:
                return rank + sum(d * tail for d, tail in zip(digits[k:], self._tails[k + 1:]))
            starts, ranks, weights, follows = self._layout(k, alive)
            s = bisect_right(starts, digit) - 1
            if not weights[s]:
                return None
            rank += ranks[s] + (digit - starts[s]) * weights[s]
            alive = follows[s]
        return rank

    def _extras_masks(self) -> list[tuple[int, list[tuple[int, int]], int]]:
        """For each axis an include with extras names: ``(k, [(position, bits)], default)``, the
        extras' bits each value's class allows; positions not listed (the values of a range that
        no filter names) allow ``default``. O(values) for a list axis, O(runs) for a range."""
        found = []
        for k, (axis, classes) in enumerate(zip(self.axes, self._classes)):
            if not classes.named & self._extras_mask:
                continue
            marks = [mark & self._extras_mask for mark in classes.signatures]
            if not isinstance(axis, (ArithmeticRange, GeometricRange)):  # a list: every value listed
                found.append((k, [(p, marks[classes.class_at(p)]) for p in range(axis.size)], 0))
                continue
            listed: list[tuple[int, int]] = []
            rest = classes.rest & self._extras_mask
            for run, klass in enumerate(classes.run_classes):
                start, stop = classes.run_starts[run], classes.run_starts[run + 1]
                if classes.signatures[klass] == classes.rest:
                    continue
                if stop - start > _LISTED_RUN:  # one double past 2**53 stands for many integers
                    raise SweepError(f"axis {axis.name!r}: an include with extras names a value that stands for "
                                     f"{stop - start} integers of the range (GitHub compares numbers as doubles); "
                                     "give the range a larger step or list its values")
                listed.extend((position, marks[klass]) for position in range(start, stop))
            found.append((k, listed, rest))
        return found

    def _value_tables(self) -> list[tuple[str, bool, dict[int, int], int]]:
        """For each axis an include with extras names: value -> the extras' bits its class
        allows (``(key, by_id, table, default)``; a list axis is keyed by the value's id)."""
        tables = []
        for k, listed, default in self._extras_masks():
            axis = self.axes[k]
            by_id = not isinstance(axis, (ArithmeticRange, GeometricRange))  # a list: its values are kept objects
            values = axis.segment(0, axis.size) if by_id else None
            table = {id(values[p]) if values is not None else axis[p]: mark for p, mark in listed}
            tables.append((axis.name, by_id, table, default))
        return tables

    def _merged_extras(self, mask: int) -> dict[str, Any]:
        """The extras of the includes ``mask`` (bits) in GitHub's order: later ones overwrite
        earlier ones' values, each key keeping the place where it was first added."""
        merged: dict[str, Any] = {}
        if self._fold_extras:
            spelling: dict[Any, str] = {}
            while mask:
                low = mask & -mask
                for key, value in self._extras[low].items():
                    merged[spelling.setdefault(fold(key) if isinstance(key, str) else key, key)] = value
                mask ^= low
            return merged
        while mask:
            low = mask & -mask
            merged.update(self._extras[low])
            mask ^= low
        return merged

    def _with_extras(self, point: Point) -> Point:
        mask = self._extras_mask
        for key, by_id, table, default in self._extra_tables:
            value = point[key]
            mask &= table.get(id(value) if by_id else value, default)
        point.update(self._merged_extras(mask))
        return point

    def _blocks(self, rank: int) -> Iterator[tuple[list[int], int, int, int, int]]:
        """Blocks of survivors in order, from survivor ``rank`` on: ``(prefix, k, start, stop, offset)``
        means every combination with digits ``prefix``, a digit in ``start..stop-1`` at axis ``k``
        and anything after survives; the first block is entered at ``offset``. An odometer over
        the states' segments, one frame ``[layout, segment, digit]`` per axis."""
        last = len(self.axes) - 1
        frames: list[list[Any]] = []
        while True:
            self._begin()
            while not frames or (len(frames) <= last and frames[-1][0][3][frames[-1][1]]):
                alive = frames[-1][0][3][frames[-1][1]] if frames else self._everyone
                layout = starts, ranks, weights, _ = self._layout(len(frames), alive)
                s = bisect_right(ranks, rank) - 1
                digit, rank = divmod(rank - ranks[s], weights[s])
                frames.append([layout, s, starts[s] + digit])
            (starts, ranks, weights, _), s, digit = frames[-1]
            yield [frame[2] for frame in frames[:-1]], len(frames) - 1, digit, starts[s + 1], rank
            rank = 0
            frames[-1][2] = starts[s + 1] - 1
            while frames:  # the next survivor after the block: the odometer's carry
                frame = frames[-1]
                (starts, ranks, weights, _), s, digit = frame
                if digit + 1 < starts[s + 1]:
                    frame[2] = digit + 1
                    break
                following = bisect_right(ranks, ranks[s + 1]) - 1  # skips segments without survivors
                if following < len(weights) and weights[following]:
                    frame[1], frame[2] = following, starts[following]
                    break
                frames.pop()
            if not frames:
                return

    def _iter_survivors(self, start: int, stop: int) -> Iterator[Point]:
        remaining = stop - start
        for prefix, k, first, last, offset in self._blocks(start):
            box = Product([AxisSlice(self.axes[k], first, last), *self.axes[k + 1:]])
            take = min(remaining, box.count - offset)
            points = box._iter_range(offset, offset + take)
            if prefix:  # the axes before k are fixed: their values lead every point
                fixed = dict(zip(self.keys, [axis[digit] for axis, digit in zip(self.axes, prefix)]))
                points = ({**fixed, **point} for point in points)
            yield from map(self._with_extras, points) if self._extras else points
            remaining -= take
            if not remaining:
                return

    # -- Sweep primitives ------------------------------------------------------------------

    def _point(self, index: int) -> Point:
        if index >= self._survivors:
            return dict(self._appended[index - self._survivors])
        self._begin()
        digits = self._digits(index)
        point = dict(zip(self.keys, [axis[d] for axis, d in zip(self.axes, digits)]))
        return self._with_extras(point) if self._extras else point

    def _iter_range(self, start: int, stop: int) -> Iterator[Point]:
        if start < self._survivors:
            yield from self._iter_survivors(start, min(stop, self._survivors))
        for number in range(max(start, self._survivors), stop):
            yield dict(self._appended[number - self._survivors])

    def _matches(self, point: Any, reverse: bool = False) -> Iterator[int]:
        """The point whose values equal ``point``'s, as JSON compares them (``1`` is ``1.0``,
        ``"a"`` is not ``"A"``: what a job's matrix context carries). Two or more such points
        (an axis listing ``1`` and ``1.0``, an include repeated) are jobs GitHub runs apart whose
        results cannot be told apart by their fields: :class:`SweepError` says to match by
        ``_index``, rather than credit one of them silently. O(axes) per candidate."""
        if not isinstance(point, Mapping):
            return
        wanted = value_key(point)
        found = [self._survivors + number for number, entry in enumerate(self._appended) if value_key(entry) == wanted]
        if self.axes and all(key in point for key in self.keys):
            for digits in product(*(axis.positions(point[axis.name]) for axis in self.axes)):
                self._begin()
                rank = self._rank(digits)
                if rank is not None and value_key(self._point(rank)) == wanted:
                    found.append(rank)
                    if len(found) > 1:
                        break
        if len(found) > 1:
            raise ambiguous(point)
        yield from found

    def __repr__(self) -> str:
        return (f"<MatrixSweep of {self.count} points: {len(self.axes)} axes, "
                f"{len(self._excludes)} exclude, {len(self._includes)} include>")

    # -- hooks: text and description (the writer and the plan call only these) ---------------

    def _describe(self) -> list[Any]:
        """Axes as a product's; ``exclude`` entries as a set, ``include`` entries in order, key
        order inside an entry not counting (GitHub matches entries so)."""
        if not self._excludes and not self._includes:
            return ["product", describe_axes(self.axes)]
        return ["matrix", describe_axes(self.axes), sorted({canonical(entry) for entry in self._excludes}),
                [canonical(entry) for entry in self._includes]]

    def _texts(self, start: int, stop: int, encoding: Encoding) -> Iterator[str]:
        """The survivors block by block (:meth:`_blocks`), each block a product of the axes'
        fragments as for a :class:`~lazysweep._space.Product`, their include extras joined after
        them (:class:`_IncludeExtras`); then the include entries appended after the product,
        one by one. Points as dicts when a key is not a string, or an ``_index`` is among them."""
        survivors = self._survivors
        appended = encoding.dicts(map(dict, self._appended[max(start - survivors, 0) : max(stop - survivors, 0)]))
        if start >= survivors:
            return appended
        keys = [*self.keys, *(key for extras in self._extras.values() for key in extras)]
        extras = None
        if all(key.__class__ is str for key in keys) and (encoding.closed or INDEX_FIELD not in keys):
            extras = _IncludeExtras.of(self, encoding)
        if extras is None:  # keys JSON would convert, or an _index among them: the points as dicts
            return chain(encoding.dicts(self._iter_range(start, min(stop, survivors))), appended)
        texts = chain.from_iterable(self._fragment_blocks(start, min(stop, survivors), extras))
        return chain(encoding.indexed(texts), appended)

    def _fragment_blocks(self, start: int, stop: int, extras: _IncludeExtras) -> Iterator[Iterator[str]]:
        """The texts of survivors ``start .. stop-1``, an iterator per block of :meth:`_blocks`:
        the block ``(prefix, k, first, last, offset)`` is walked as a product of the matrix's own
        axes, one value each before ``k``, a run at ``k``, whole after it. O(axes) per block."""
        fragments = extras.fragments
        remaining = stop - start
        for prefix, k, first, last, offset in self._blocks(start):
            shift = [*prefix, first] + [0] * (len(self.axes) - k - 1)  # each box axis's first position
            box = Product([AxisSlice(axis, digit, digit + 1) for axis, digit in zip(self.axes, prefix)]
                          + [AxisSlice(self.axes[k], first, last), *self.axes[k + 1 :]])
            take = min(remaining, box.count - offset)

            def segment(level: int, first: int, stop: int, shift: list[int] = shift) -> Sequence[str]:
                return fragments.segment(level, first + shift[level], stop + shift[level])

            yield chain.from_iterable(map(extras.texts(prefix), box._blocks(offset, offset + take, segment)))
            remaining -= take
            if not remaining:
                return


#: The most distinct extras texts (one per set of include entries matched) kept at a time.
_EXTRAS_CACHED = 4096


class _IncludeExtras:
    """A matrix's fragments and its points' include extras as text (``,"key":value`` per extra
    in JSON, then the closing when the point closes there), made once per set of include entries
    matched.

    A point's set (a bitmask) is the AND of one mask per axis that an include with extras
    names, looked up by the fragment the point holds on that axis. Texts are cached per set,
    at most :data:`_EXTRAS_CACHED` at a time (up to 2^includes sets may occur).
    """

    __slots__ = ("sweep", "encoding", "fragments", "masks", "cache")

    def __init__(self, sweep: MatrixSweep, encoding: Encoding, fragments: Fragments) -> None:
        self.sweep, self.encoding, self.fragments = sweep, encoding, fragments
        self.masks: list[tuple[int, dict[str, int], int]] = []
        self.cache: dict[int, str] = {}

    @classmethod
    def of(cls, sweep: MatrixSweep, encoding: Encoding) -> _IncludeExtras | None:
        """The extras of ``sweep``; None when two values of an axis write the same text but match
        different include entries, or a value of a listed axis is one the format refuses (the
        points then go as dicts, which refuse it when a point holds it)."""
        # Without extras the last axis closes the point (unless an _index follows), as in a product.
        extra_keys = list(dict.fromkeys(key for extras in sweep._extras.values() for key in extras))
        fragments = encoding.fragments(sweep.keys, sweep.axes, more=extra_keys)
        if fragments is None:
            return None
        made = cls(sweep, encoding, fragments)
        for k, listed, default in sweep._extras_masks():
            table: dict[str, int] = {}
            for position, mask in listed:
                try:
                    text = fragments.segment(k, position, position + 1)[0]
                except (SweepError, ValueError, TypeError):
                    return None
                if table.setdefault(text, mask) != mask:
                    return None
            made.masks.append((k, table, default))
        return made

    def text(self, mask: int) -> str:
        """The extras of the include entries ``mask`` (bits), as text. O(1) when cached."""
        found = self.cache.get(mask)
        if found is None:
            if len(self.cache) >= _EXTRAS_CACHED:
                self.cache.clear()
            found = self.cache[mask] = self.encoding.fields_text(self.sweep._merged_extras(mask))
        return found

    def texts(self, prefix: list[int]) -> Callable[[Iterator[tuple[str, ...]]], Iterator[str]]:
        """For a block whose digits before ``len(prefix)`` are ``prefix``: what makes the texts of
        one product of its fragments (the mask of the fixed axes is found once)."""
        sweep = self.sweep
        if not sweep._extras:
            return self.encoding.suffixed("")
        fixed, varying = sweep._extras_mask, []
        for k, table, default in self.masks:
            if k < len(prefix):
                fixed &= table.get(self.fragments.segment(k, prefix[k], prefix[k] + 1)[0], default)
            else:
                varying.append((k, table.get, default))
        if not varying:
            return self.encoding.suffixed(self.text(fixed))
        text = self.text
        join = "".join

        def point_text(point: tuple[str, ...]) -> str:
            mask = fixed
            for k, get, default in varying:
                mask &= get(point[k], default)
            return join(point) + text(mask)

        return partial(map, point_text)
