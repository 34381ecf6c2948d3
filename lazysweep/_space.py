"""Lazy index spaces: products of axes, their concatenations, and slices.

A :class:`Sweep` is a sequence of points (dicts) that is never expanded.
Its subclasses supply four primitives (``count``, ``_point``,
``_iter_range`` and ``_matches``); everything users call is built on them
in :class:`Sweep`:

* :class:`Product`: the Cartesian product of axes as a mixed-radix number,
  first axis slowest, last fastest (``itertools.product`` order);
* :class:`Chain`: sweeps one after another, found by prefix sums + bisect;
* :class:`View`: a lazy selection of another sweep's points: :class:`SweepSlice`
  (``sweep[a:b:c]``, ``shard``) and :class:`Shuffled` (``shuffled``, ``sample``).

Each kind also writes its own points as text through the hook
:meth:`Sweep._texts` (the encodings of :mod:`lazysweep._encode`), and
describes its own content for fingerprints through :meth:`Sweep._describe`,
so the writer and the plan never look inside a sweep: a new kind of sweep
is one class here (or in its own module), nothing else.

Counts are Python ints, exact at any size; ``len()`` works up to
``sys.maxsize`` and :attr:`Sweep.count` beyond it.
"""

from __future__ import annotations

import operator
import sys
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import partial
from itertools import chain, islice, product, repeat

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from typing import Any, TypeVar, overload

    from ._axes import Axis
    from ._encode import Encoding, Fragments, Templated
    from ._lanes import Lanes

    T = TypeVar("T")

    Point = dict[str, Any]

from ._axes import ArithmeticRange
from ._batching import DEFAULT_BATCH_SIZE, batch_bounds, batch_count, check_batch_size, shard_bounds
from ._encode import BLOCK_VALUES, describe_axes

#: A random order of a product is decoded by groups of axes (:meth:`Product._texts_at`) from a first
#: chunk this long on: a shorter first chunk is the whole output, too short to pay for the groups.
GROUPED_FROM = 512

__all__ = ["Sweep", "Product", "Chain", "View", "SweepSlice", "Shuffled", "BLOCK_VALUES"]


class Sweep:
    """A lazy, immutable sequence of points: count, index, slice and batch it.

    Do not instantiate directly: use :func:`lazysweep.load`,
    :func:`lazysweep.from_matrix`, :class:`Product` or :class:`Chain`.
    Points are fresh dicts, but values inside them (lists, mappings) are
    shared between points: copy before mutating them.

    A subclass supplies the primitives ``count``, ``_point``, ``_iter_range``
    and ``_matches``, and may override the hooks below them (``_source``,
    ``_source_range``, ``_points_at``, ``_texts``, ``_texts_at``,
    ``_templated``, ``_describe``): each is declared here with its contract.
    A subclass that defines its own ``_point`` (points of its own making)
    writes its points as dicts unless it defines ``_texts`` too: the
    inherited fast path would write its base class's points.
    """

    __slots__ = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "_point" in cls.__dict__ and "_texts" not in cls.__dict__:
            cls._texts = Sweep._texts  # type: ignore[method-assign]

    # -- primitives supplied by subclasses --------------------------------

    @property
    def count(self) -> int:
        """The exact number of points, as a Python int of any size. O(1)."""
        raise NotImplementedError

    def _point(self, index: int) -> Point:
        """The point at ``0 <= index < count``."""
        raise NotImplementedError

    def _iter_range(self, start: int, stop: int) -> Iterator[Point]:
        """The points at ``start .. stop-1`` (``0 <= start <= stop <= count``)."""
        raise NotImplementedError

    def _matches(self, point: Any, reverse: bool = False) -> Iterator[int]:
        """Every index holding ``point``, ascending (descending with ``reverse``)."""
        raise NotImplementedError

    def _source(self, index: int) -> int:
        """The index of point ``0 <= index < count`` in the sweep it was selected from.

        A sweep that is no selection is its own source; a :class:`View` maps
        through its base, so this is the index in the outermost sweep.
        """
        return index

    def _source_range(self, start: int, stop: int) -> Iterable[int]:
        """``_source(i)`` for ``start <= i < stop``, lazily."""
        return range(start, stop)

    def _points_at(self, indices: Sequence[int]) -> Iterator[Point]:
        """The points at ``indices`` (each in ``0 .. count-1``, in any order), lazily.

        A chunk of a random order (:mod:`lazysweep._permutation`) is read through
        this; a :class:`Product` decodes the whole chunk column by column.
        """
        return map(self._point, indices)

    # -- hooks: text and description (the writer and the plan call only these) ---------

    def _texts(self, start: int, stop: int, encoding: Encoding) -> Iterator[str]:
        """The text of each point ``start .. stop-1`` (``0 <= start <= stop <= count``), lazily,
        in ``encoding``'s format, each with its ``_index`` when the encoding adds them.

        This default writes the rows of :meth:`_templated` when it offers them, else each
        point as a dict (O(size of each point)); a kind of sweep with a faster way overrides it
        (a :class:`Product` joins per-value fragments). The writer's one call into a sweep.
        """
        groups = self._templated(start, stop)
        if groups is not None:
            return encoding.templated(groups)
        return encoding.dicts(self._iter_range(start, stop))

    def _texts_at(self, chunks: Iterable[Sequence[int]], encoding: Encoding) -> Iterator[str]:
        """The texts of the points at the indices in ``chunks`` (each index in ``0 .. count-1``,
        in any order: a random order read a chunk at a time); by default through
        :meth:`_points_at`, as dicts."""
        return encoding.dicts(chain.from_iterable(map(self._points_at, chunks)))

    def _columns_at(self, indices: Sequence[int]) -> tuple[Sequence[str], list[Iterable[Any]]] | None:
        """The points at ``indices`` (each in ``0 .. count-1``) a field at a time, when every
        point has the same fields: those fields and, per field, its values, lazily; None (the
        default) when the points' fields may differ or the sweep does not say. What
        :func:`lazysweep._collect.collect` checks a batch of results against, a column at a time."""
        return None

    def _templated(self, start: int, stop: int) -> Iterable[Templated] | None:
        """Points ``start .. stop-1`` as templates with holes, or None (the default): groups
        ``(fields, holes, rows)``, each row the values of ``holes`` in the point
        ``{**fields, **dict(zip(holes, row))}``. Rows that share most of their fields (the
        drop-ins') are written a template at a time (:meth:`lazysweep._encode.Encoding.templated`)."""
        return None

    def _describe(self) -> list[Any]:
        """The canonical, JSON-able description of this sweep's content that
        :func:`lazysweep.fingerprint` hashes (see :mod:`lazysweep._plan`); O(its description,
        never its points). TypeError for a kind of sweep that has none (the default)."""
        raise TypeError(f"cannot fingerprint a {type(self).__name__}")

    # -- sequence protocol ------------------------------------------------

    def __len__(self) -> int:
        count = self.count
        if count > sys.maxsize:
            raise OverflowError(f"sweep has {count} points, more than len() can return; use .count")
        return count

    def __bool__(self) -> bool:
        return self.count > 0

    if TYPE_CHECKING:

        @overload
        def __getitem__(self, index: int) -> Point: ...

        @overload
        def __getitem__(self, index: slice) -> Sweep: ...

    def __getitem__(self, index: int | slice) -> Point | Sweep:
        """``sweep[i]`` (negative too) in O(axes); ``sweep[a:b:c]`` as a lazy view in O(1)."""
        if index.__class__ is int and 0 <= index < self.count:  # the common case, without a call
            return self._point(index)
        if isinstance(index, slice):
            return SweepSlice(self, range(self.count)[index])
        return self._point(self._position(index))

    def source_index(self, index: int) -> int:
        """The index that point ``index`` has in the sweep it was selected from. O(views).

        A slice, shard, shuffle or ``--only`` selection numbers its points
        from 0; this is where each came from in the whole sweep (the
        ``_index`` the command line adds with ``--with-index``).

        >>> from lazysweep._axes import ArithmeticRange, ValuesAxis
        >>> sweep = Product([ArithmeticRange("n", 0, 99)])
        >>> sweep[10:][::-2].source_index(0), sweep.source_index(-1)
        (99, 99)
        """
        return self._source(self._position(index))

    def _position(self, index: Any) -> int:
        """``index`` (negative counts from the end) as a position in ``0 .. count-1``; IndexError outside."""
        position = index if index.__class__ is int else _as_index(index, "sweep index")
        count = self.count
        if position < 0:
            position += count
        if not 0 <= position < count:
            raise IndexError("sweep index out of range")
        return position

    def __iter__(self) -> Iterator[Point]:
        """All points in order; O(1) amortised per point beyond building its dict."""
        return self._iter_range(0, self.count)

    def __reversed__(self) -> Iterator[Point]:
        return iter(self[::-1])

    def __contains__(self, point: object) -> bool:
        return next(self._matches(point), None) is not None

    def index(self, point: Mapping[str, Any]) -> int:
        """The first index of ``point``; ValueError when the sweep does not hold it.

        O(axes) when every axis holds distinct values.
        """
        found = next(self._matches(point), None)
        if found is None:
            raise ValueError("point is not in the sweep")
        return found

    def __eq__(self, other: object) -> bool:
        """Equal to another sweep, list or tuple holding the same points in the same order."""
        if isinstance(other, Sweep):
            if other.count != self.count:
                return False
        elif isinstance(other, (list, tuple)):
            if len(other) != self.count:
                return False
        else:
            return NotImplemented
        return all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self.count} points>"

    # -- batches ----------------------------------------------------------

    def batch_count(self, size: int = DEFAULT_BATCH_SIZE) -> int:
        """How many batches of ``size`` points cover the sweep: ceil(count/size). O(1)."""
        return batch_count(self.count, size)

    def batch(self, index: int, size: int = DEFAULT_BATCH_SIZE) -> list[Point]:
        """Batch ``index`` (points ``index*size ..``, negative counts from the end).

        Costs what the batch holds, O(size + axes), whatever the index and the
        sweep's size. IndexError when there is no such batch.

        >>> from lazysweep._axes import ArithmeticRange, ValuesAxis
        >>> sweep = Product([ValuesAxis("x", [1, 2, 3]), ValuesAxis("y", ["a", "b"])])
        >>> sweep.batch(1, size=4)
        [{'x': 3, 'y': 'a'}, {'x': 3, 'y': 'b'}]
        """
        start, stop = batch_bounds(index, self.count, size)
        return list(self._iter_range(start, stop))

    def batches(self, size: int = DEFAULT_BATCH_SIZE) -> Iterator[list[Point]]:
        """Every batch in order, each a list of at most ``size`` points, streamed."""
        size = check_batch_size(size)
        points = iter(self)
        while chunk := list(islice(points, size)):
            yield chunk

    # -- random order and balanced parts -----------------------------------

    def shuffled(self, seed: int) -> Sweep:
        """This sweep in a seeded random order, as a lazy sweep of its own. O(1) to make.

        The order is a permutation of the points (no repeats, none left out),
        the same for a seed on every platform and Python version: a keyed
        Feistel network with cycle-walking (see :mod:`lazysweep._permutation`,
        and :class:`Shuffled`),
        pseudo-random, not cryptographic. ``view[i]`` and ``index()`` cost
        O(axes + rounds) integer operations, for any count.

        >>> from lazysweep._axes import ArithmeticRange, ValuesAxis
        >>> sweep = Product([ArithmeticRange("n", 0, 10**30 - 1)])
        >>> view = sweep.shuffled(seed=42)
        >>> view.count == sweep.count, view.index(view[10**29]) == 10**29
        (True, True)
        >>> view.source_index(5) == view[5]["n"]
        True
        """
        return Shuffled(self, _as_index(seed, "seed"))

    def sample(self, k: int, seed: int) -> Sweep:
        """``k`` points chosen at random without repeats: the first ``k`` of :meth:`shuffled`.

        A lazy sweep, O(1) to make; a larger ``k`` with the same seed extends the
        sample, never repeating a point. ValueError when ``k`` exceeds the count.

        >>> from lazysweep._axes import ArithmeticRange, ValuesAxis
        >>> sweep = Product([ValuesAxis("lr", [0.1, 0.01]), ArithmeticRange("seed", 0, 10**20)])
        >>> small, large = sweep.sample(3, seed=1), sweep.sample(5, seed=1)
        >>> list(small) == list(large)[:3], len({tuple(p.values()) for p in large})
        (True, 5)
        """
        k = _as_index(k, "sample size")
        if not 0 <= k <= self.count:
            raise ValueError(f"sample size {k} is out of range: the sweep has {self.count} points")
        return self.shuffled(seed)[:k]

    def shard(self, index: int, shards: int) -> Sweep:
        """Part ``index`` of ``shards`` contiguous parts whose sizes differ by at most 1. O(1).

        The parts, in order, are the whole sweep: a lazy view of this one
        (``source_index`` maps back). IndexError when there is no such shard.

        >>> from lazysweep._axes import ArithmeticRange, ValuesAxis
        >>> sweep = Product([ArithmeticRange("n", 0, 9)])
        >>> [[point["n"] for point in sweep.shard(k, 3)] for k in range(3)]
        [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]
        """
        start, stop = shard_bounds(index, shards, self.count)
        return SweepSlice(self, range(start, stop))


def _as_index(value: Any, what: str) -> int:
    if isinstance(value, bool):
        raise TypeError(f"{what} must be an integer, not bool")
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{what} must be an integer, not {type(value).__name__}") from None


def _applied(function: Callable[[T], Any], argument: T) -> Any:
    return function(argument)


def _picked(table: Sequence[T], positions: Sequence[int]) -> Sequence[T]:
    """``[table[p] for p in positions]``: one ``itemgetter`` call, whose loop is in C
    (0.6x the time of ``map(table.__getitem__, ...)`` for a chunk of 1,024, measured)."""
    if len(positions) < 2:  # itemgetter of one position returns the item, not a tuple
        return [table[position] for position in positions]
    picked: Sequence[T] = operator.itemgetter(*positions)(table)
    return picked


def _range_count(indices: range) -> int:
    """len(indices) without the sys.maxsize limit."""
    start, stop, step = indices.start, indices.stop, indices.step
    if step > 0:
        return max(0, (stop - start + step - 1) // step)
    return max(0, (start - stop - step - 1) // -step)


def _is_identity(lookup: Sequence[Any]) -> bool:
    """Whether ``lookup[i] == i`` for every position: ``range(n)``, whose look-up can be skipped."""
    return lookup.__class__ is range and lookup.start == 0 and lookup.step == 1


def _compose(outer: range, inner: range) -> range:
    """The range of ``outer[i] for i in inner``, for any sizes."""
    count = _range_count(inner)
    first = outer.start + inner.start * outer.step
    step = outer.step * inner.step
    return range(first, first + count * step, step)


class Product(Sweep):
    """The Cartesian product of axes, as a mixed-radix number.

    The first axis is the most significant digit, the last the least, so the
    order is ``itertools.product``'s. ``count`` is O(1); ``sweep[i]`` and
    ``index`` are O(axes); iterating ``n`` points from any position costs
    O(n + axes**2) plus building the dicts, with no skipping.

    >>> from lazysweep._axes import ValuesAxis, ArithmeticRange
    >>> sweep = Product([ValuesAxis("os", ["linux", "mac"]), ArithmeticRange("seed", 0, 10**20)])
    >>> sweep.count, sweep[-1], sweep.index({"os": "mac", "seed": 7})
    (200000000000000000002, {'os': 'mac', 'seed': 100000000000000000000}, 100000000000000000008)
    """

    __slots__ = ("axes", "keys", "_sizes", "_strides", "_inner_values", "_count", "_decoder")

    def __init__(self, axes: Sequence[Axis]) -> None:
        self.axes = tuple(axes)
        self.keys = tuple(axis.name for axis in self.axes)
        if len(set(self.keys)) != len(self.keys):
            raise ValueError("axis names must be unique")
        if not self.axes:
            raise ValueError("a product needs at least one axis")
        self._sizes = [axis.size for axis in self.axes]
        strides = [1] * len(self.axes)
        for level in range(len(self.axes) - 2, -1, -1):
            strides[level] = strides[level + 1] * self._sizes[level + 1]
        self._strides = strides
        self._count = strides[0] * self._sizes[0]
        # _inner_values[level]: how many values the axes after `level` hold together.
        self._inner_values = [sum(self._sizes[level + 1 :]) for level in range(len(self.axes))]
        self._decoder: list[tuple[str, Sequence[Any], int]] | None = None

    @property
    def count(self) -> int:
        return self._count

    def _digits(self, index: int) -> list[int]:
        digits = []
        for stride in self._strides:
            digit, index = divmod(index, stride)
            digits.append(digit)
        return digits

    def _point(self, index: int) -> Point:
        point = {}
        for key, lookup, stride in self._lookups():
            point[key] = lookup[index // stride]
            index %= stride
        return point

    def _lookups(self) -> list[tuple[str, Sequence[Any], int]]:
        """``(key, values, stride)`` per axis, the values a tuple or range indexed in C.

        Made on first use (a box of MatrixSweep never needs it): twice as fast as Axis.__getitem__.
        """
        decoder = self._decoder
        if decoder is None:
            lookups = [axis.segment(0, axis.size) for axis in self.axes]
            decoder = self._decoder = list(zip(self.keys, lookups, self._strides))
        return decoder

    def _points_at(self, indices: Sequence[int]) -> Iterator[Point]:
        """The points at ``indices``, decoded column by column: per axis, one pass over the
        digits (:meth:`_digit_columns`) and one look-up pass, then the dicts. O(len(indices) * axes).

        >>> from lazysweep._axes import ValuesAxis, ArithmeticRange
        >>> sweep = Product([ValuesAxis("os", ["linux", "mac"]), ArithmeticRange("seed", 5, 10**20)])
        >>> list(sweep._points_at([3, 10**20 + 2])) == [sweep[3], sweep[10**20 + 2]]
        True
        """
        return map(dict, map(zip, repeat(self.keys), zip(*self._columns_at(indices)[1])))

    def _columns_at(self, indices: Sequence[int]) -> tuple[Sequence[str], list[Iterable[Any]]]:
        """:attr:`keys`, and per axis the values the points at ``indices`` have there, lazily:
        :meth:`_points_at` without the dicts. O(len(indices) * axes)."""
        return self.keys, [
            digits if _is_identity(lookup) else map(lookup.__getitem__, digits)
            for (key, lookup, stride), digits in zip(self._lookups(), self._digit_columns(indices))
        ]

    def _digit_columns(self, indices: Sequence[int]) -> list[list[int]]:
        """The mixed-radix digits of ``indices`` (each in ``0 .. count-1``), one list per axis.

        All the indices are divided at once, each in a lane of one big int
        (:mod:`lazysweep._lanes`): O(axes) big-int operations on
        O(len(indices) * bits) bits, where a loop of ``divmod`` would cost
        O(len(indices) * axes) Python steps (the loop it is, past
        :data:`~lazysweep._lanes.LANE_BITS` bits).

        >>> from lazysweep._axes import ValuesAxis, ArithmeticRange
        >>> Product([ValuesAxis("x", "abc"), ArithmeticRange("y", 0, 9)])._digit_columns([0, 29, 14])
        [[0, 2, 1], [0, 9, 4]]
        """
        # Only a random order needs lanes: importing them (and array) costs the command line's
        # start-up 1.5-3 ms (python -X importtime, a loaded 2-core machine); tests/test_footprint.py.
        from ._lanes import LANE_BITS, WORD, lane_width, lanes_of

        bits = (self._count - 1).bit_length()
        if bits > LANE_BITS:  # numbers too wide for lanes to pay: one index at a time
            return [list(column) for column in zip(*map(self._digits, indices))] if indices else [[] for _ in self.axes]
        width, digit_bits = lane_width(bits), [(size - 1).bit_length() for size in self._sizes]
        if width == WORD and getattr(indices, "itemsize", 0) == 4:
            # 32-bit words (a shuffled chunk's): divided as two halves in 64-bit lanes, the even
            # lanes and the odd ones, then put back together: no index repacked into a 64-bit lane
            narrow = lanes_of(32, len(indices))
            wide, even, odd = narrow.pairs(narrow.pack(indices))
            columns = list(map(narrow.paired, self._divided(wide, even, bits), self._divided(wide, odd, bits)))
            return narrow.unpack_all(columns, digit_bits)
        lanes = lanes_of(width, len(indices))
        return lanes.unpack_all(self._divided(lanes, lanes.pack(indices), bits), digit_bits)

    def _divided(self, lanes: Lanes, rest: int, bits: int) -> list[int]:
        """The digits of the lanes of ``rest`` (each below ``count <= 2**bits``), one packed int per
        axis: a division by each stride in the lanes (:meth:`~lazysweep._lanes.Lanes.divide`). O(axes) big-int operations."""
        bound = 1 << bits
        columns = []
        for stride in self._strides:
            if stride == 1:  # the axes after this one hold a single value each
                digits, rest = rest, 0
            else:
                digits, rest = lanes.divide(rest, stride, (bound - 1).bit_length())
            columns.append(digits)
            bound = stride
        return columns

    def _iter_range(self, start: int, stop: int) -> Iterator[Point]:
        keys = repeat(self.keys)
        for block in self._blocks(start, stop, self._segment):
            yield from map(dict, map(zip, keys, block))

    def _segment(self, level: int, start: int, stop: int) -> Sequence[Any]:
        if stop - start == 1:
            return (self.axes[level][start],)
        return self.axes[level].segment(start, stop)

    def _blocks(
        self, start: int, stop: int, segment: Callable[[int, int, int], Sequence[T]]
    ) -> Iterator[Iterator[tuple[T, ...]]]:
        """Points ``start .. stop-1`` as ``itertools.product`` blocks of ``segment(level, first, stop)``.

        ``segment`` returns what stands for positions ``first .. stop-1`` of
        axis ``level`` (the values, or the writer's encoded fragments). The
        whole walk calls it for O(points / BLOCK_VALUES + axes) segments of
        at most BLOCK_VALUES positions each, so its cost follows the output.
        """
        # Walk like an odometer, but a block at a time: at each step take the
        # highest level whose lower digits are all zero, and hand
        # itertools.product the fixed digits above it as singletons, a run of
        # that level's values, and the full axes below it. Each block is
        # bounded by the points still wanted and by BLOCK_VALUES, so there is
        # no skipping and no setup work out of proportion to the output.
        sizes, strides = self._sizes, self._strides
        last = len(self.axes) - 1
        digits = self._digits(start)
        remaining = stop - start
        while remaining > 0:
            level = last
            while level > 0 and digits[level] == 0:
                level -= 1
            while True:
                run = min(sizes[level] - digits[level], remaining // strides[level], BLOCK_VALUES)
                if run and self._inner_values[level] <= BLOCK_VALUES:
                    break
                level += 1
            first = digits[level]
            yield product(
                *[segment(above, digits[above], digits[above] + 1) for above in range(level)],
                segment(level, first, first + run),
                *[segment(below, 0, sizes[below]) for below in range(level + 1, last + 1)],
            )
            remaining -= run * strides[level]
            digits[level] += run
            while level > 0 and digits[level] == sizes[level]:
                digits[level] = 0
                level -= 1
                digits[level] += 1

    def _matches(self, point: Any, reverse: bool = False) -> Iterator[int]:
        if not isinstance(point, Mapping) or len(point) != len(self.keys):
            return
        try:
            choices = [axis.positions(point[axis.name], reverse) for axis in self.axes]
        except KeyError:
            return
        for digits in product(*choices):
            yield sum(map(operator.mul, digits, self._strides))

    def _texts(self, start: int, stop: int, encoding: Encoding) -> Iterator[str]:
        """Never a dict: the block walk (:meth:`_blocks`) hands out the encoded fragments of the
        positions each block spans, and a point is one ``str.join`` of its axes' fragments.
        O(axes) to start, then O(1) amortised per point beyond its text."""
        fragments = encoding.fragments(self.keys, self.axes)
        if fragments is None:
            return encoding.dicts(self._iter_range(start, stop))
        return encoding.joined(self._blocks(start, stop, fragments.segment))

    def _texts_at(self, chunks: Iterable[Sequence[int]], encoding: Encoding) -> Iterator[str]:
        """A chunk at a time: its digits column by column (:meth:`_digit_columns`), each column's
        fragments, then one ``str.join`` per point. O(points * axes) C-level steps, no dict.

        From a first chunk of :data:`GROUPED_FROM` indices on, neighbouring axes of at most
        :data:`BLOCK_VALUES` values together are decoded as one: their joined fragments are
        made once (O(BLOCK_VALUES) per group), and each chunk has fewer columns to divide out."""
        fragments = encoding.fragments(self.keys, self.axes)
        if fragments is None:
            return super()._texts_at(chunks, encoding)
        chunks = iter(chunks)
        first = next(chunks, None)
        if first is None:
            return iter(())
        chunks = chain([first], chunks)
        if len(first) < GROUPED_FROM:
            levels = range(len(self.axes))
            texts = chain.from_iterable(
                map("".join, zip(*map(fragments.at, levels, self._digit_columns(chunk)))) for chunk in chunks
            )
            return encoding.indexed(texts)
        groups, lookups = self._grouped(fragments)
        texts = chain.from_iterable(
            map("".join, zip(*map(_applied, lookups, groups._digit_columns(chunk)))) for chunk in chunks
        )
        return encoding.indexed(texts)

    def _grouped(self, fragments: Fragments) -> tuple[Product, list[Callable[[list[int]], Iterable[str]]]]:
        """The axes in groups, from the last: each run of neighbours whose sizes multiply to at most
        :data:`BLOCK_VALUES` is one axis of a product of their sizes, its values the group's joined
        fragments; a larger axis stays alone, its fragments made as looked up. Returns that product
        (to decode digits with) and each group's look-up of a digit column."""
        spans: list[tuple[int, int]] = []
        stop = len(self.axes)
        while stop:
            start, size = stop - 1, self._sizes[stop - 1]
            while start and size * self._sizes[start - 1] <= BLOCK_VALUES:
                start -= 1
                size *= self._sizes[start]
            spans.append((start, stop))
            stop = start
        spans.reverse()
        lookups: list[Callable[[list[int]], Iterable[str]]] = []
        sizes = []
        for start, stop in spans:
            if stop - start == 1 and self._sizes[start] > BLOCK_VALUES:
                lookups.append(partial(fragments.at, start))
                sizes.append(self._sizes[start])
                continue
            table = list(map("".join, product(*(fragments.segment(level, 0, self._sizes[level])
                                                for level in range(start, stop)))))
            lookups.append(partial(_picked, table))
            sizes.append(len(table))
        return Product([ArithmeticRange(str(number), 0, size - 1) for number, size in enumerate(sizes)]), lookups

    def _describe(self) -> list[Any]:
        return ["product", describe_axes(self.axes)]

    def __repr__(self) -> str:
        return f"<Product of {self.count} points: {', '.join(map(repr, self.axes))}>"


class Chain(Sweep):
    """Sweeps one after another (a union, in order, duplicates kept).

    ``count`` is O(1); ``sweep[i]`` is one bisect over the parts' prefix sums
    plus the part's own cost.

    >>> from lazysweep._axes import ValuesAxis
    >>> a, b = Product([ValuesAxis("x", [1, 2])]), Product([ValuesAxis("y", ["a"])])
    >>> chain = Chain([a, b])
    >>> chain.count, chain[2], list(chain)
    (3, {'y': 'a'}, [{'x': 1}, {'x': 2}, {'y': 'a'}])
    """

    __slots__ = ("parts", "_offsets")

    def __init__(self, parts: Iterable[Sweep]) -> None:
        self.parts = tuple(parts)
        offsets = [0]
        for part in self.parts:
            offsets.append(offsets[-1] + part.count)
        self._offsets = offsets

    @property
    def count(self) -> int:
        return self._offsets[-1]

    def _part_at(self, index: int) -> int:
        return bisect_right(self._offsets, index) - 1

    def _point(self, index: int) -> Point:
        part = self._part_at(index)
        return self.parts[part]._point(index - self._offsets[part])

    def _iter_range(self, start: int, stop: int) -> Iterator[Point]:
        for part, part_start, part_stop in self._spans(start, stop):
            yield from part._iter_range(part_start, part_stop)

    def _spans(self, start: int, stop: int) -> Iterator[tuple[Sweep, int, int]]:
        """``(part, first, stop)``: the parts' own index ranges that make up ``start .. stop-1``."""
        part = self._part_at(start)
        while start < stop:
            offset = self._offsets[part]
            part_stop = min(stop, self._offsets[part + 1])
            yield self.parts[part], start - offset, part_stop - offset
            start = part_stop
            part += 1

    def _texts(self, start: int, stop: int, encoding: Encoding) -> Iterator[str]:
        """Part by part, each through its own :meth:`~Sweep._texts`."""
        return chain.from_iterable(part._texts(first, last, encoding) for part, first, last in self._spans(start, stop))

    def _describe(self) -> list[Any]:
        """The parts' descriptions in order, a chain inside a chain flattened: however the
        matrices are split between files and ``sweeps:`` lists, the same description."""
        parts: list[Any] = []
        for part in (part._describe() for part in self.parts):
            parts += part[1] if part[0] == "chain" else [part]
        return parts[0] if len(parts) == 1 else ["chain", parts]

    def _matches(self, point: Any, reverse: bool = False) -> Iterator[int]:
        order = range(len(self.parts) - 1, -1, -1) if reverse else range(len(self.parts))
        for part in order:
            offset = self._offsets[part]
            for found in self.parts[part]._matches(point, reverse):
                yield offset + found


class View(Sweep):
    """A lazy selection of another sweep's points, numbered from 0.

    Subclasses map a local index to the base's (``_to_base``) and back
    (``_from_base``, None for a base index that is not selected); points,
    iteration, ``index`` and :meth:`Sweep.source_index` follow from those.
    """

    __slots__ = ("base",)

    base: Sweep

    def _to_base(self, index: int) -> int:
        """The base index of local point ``0 <= index < count``."""
        raise NotImplementedError

    def _from_base(self, index: int) -> int | None:
        """The local index of base point ``index``, or None when it is not selected."""
        raise NotImplementedError

    def _pieces(self, start: int, stop: int) -> Iterable[tuple[int, int]] | None:
        """The base indices of local points ``start .. stop-1`` as ascending runs ``(first, stop)``
        of consecutive indices, or None when they are not made of such runs.

        Runs let a reader of the view (iteration, the JSON writer) use the
        base's own contiguous walk instead of fetching points one by one.
        """
        return None

    def _chunks(self, start: int, stop: int) -> Iterable[Sequence[int]] | None:
        """The base indices of local points ``start .. stop-1``, in order, as lists of a bounded
        length, or None when a view has no faster way to make them than ``_to_base`` one by one.

        A random order makes them a chunk at a time (:meth:`lazysweep._permutation.Permutation.chunks`),
        and a reader of the view (iteration, the JSON writer) decodes each chunk at once.
        """
        return None

    def _point(self, index: int) -> Point:
        return self.base._point(self._to_base(index))

    def _texts(self, start: int, stop: int, encoding: Encoding) -> Iterator[str]:
        """Run by run of consecutive base indices through the base's own :meth:`~Sweep._texts`
        when the view has runs (:meth:`_pieces`), else a chunk of base indices at a time
        (:meth:`_chunks`, the base's :meth:`~Sweep._texts_at`), else point by point."""
        pieces = self._pieces(start, stop)
        if pieces is not None:
            base = self.base
            return chain.from_iterable(base._texts(first, last, encoding) for first, last in pieces)
        chunks = self._chunks(start, stop)
        if chunks is not None:
            return self.base._texts_at(chunks, encoding)
        return encoding.dicts(self._iter_range(start, stop))

    def _texts_at(self, chunks: Iterable[Sequence[int]], encoding: Encoding) -> Iterator[str]:
        return self.base._texts_at((list(map(self._to_base, chunk)) for chunk in chunks), encoding)

    def _points_at(self, indices: Sequence[int]) -> Iterator[Point]:
        return self.base._points_at(list(map(self._to_base, indices)))

    def _iter_range(self, start: int, stop: int) -> Iterator[Point]:
        chunks = self._chunks(start, stop)
        if chunks is None:
            return map(self.base._point, map(self._to_base, range(start, stop)))
        return chain.from_iterable(map(self.base._points_at, chunks))

    def _matches(self, point: Any, reverse: bool = False) -> Iterator[int]:
        # Local order need not follow the base's, so the (usually single) match is sorted.
        found = (self._from_base(index) for index in self.base._matches(point))
        yield from sorted((local for local in found if local is not None), reverse=reverse)

    def _source(self, index: int) -> int:
        return self.base._source(self._to_base(index))

    def _source_range(self, start: int, stop: int) -> Iterable[int]:
        chunks = self._chunks(start, stop)
        indices = map(self._to_base, range(start, stop)) if chunks is None else chain.from_iterable(chunks)
        if type(self.base)._source is Sweep._source:  # the base is its own source: no call per point
            return indices
        return map(self.base._source, indices)


class SweepSlice(View):
    """A lazy view ``base[a:b:c]``: the base's points at the indices of a range.

    Slicing a slice composes the ranges, so views never nest. Contiguous
    iteration costs what the base's does; with a step, O(axes) per point.

    >>> from lazysweep._axes import ArithmeticRange
    >>> sweep = Product([ArithmeticRange("n", 0, 10**30)])
    >>> view = sweep[10**29 :: -(10**28)]
    >>> view.count, view[1], view[1:3].count
    (11, {'n': 90000000000000000000000000000}, 2)
    """

    __slots__ = ("indices",)

    def __init__(self, base: Sweep, indices: range) -> None:
        self.base = base
        self.indices: range = indices
        if isinstance(base, SweepSlice):  # a view of a view: compose, never nest
            self.base, self.indices = base.base, _compose(base.indices, indices)

    @property
    def count(self) -> int:
        return _range_count(self.indices)

    def _to_base(self, index: int) -> int:
        return self.indices[index]

    def _from_base(self, index: int) -> int | None:
        return self.indices.index(index) if index in self.indices else None

    def _pieces(self, start: int, stop: int) -> Iterable[tuple[int, int]] | None:
        chosen = self.indices[start:stop]
        return ((chosen.start, chosen.stop),) if chosen.step == 1 else None

    def _iter_range(self, start: int, stop: int) -> Iterator[Point]:
        chosen = self.indices[start:stop]
        if chosen.step == 1:
            return self.base._iter_range(chosen.start, chosen.stop)
        return map(self.base._point, chosen)

    def _source_range(self, start: int, stop: int) -> Iterable[int]:
        chosen = self.indices[start:stop]
        if chosen.step == 1:
            return self.base._source_range(chosen.start, chosen.stop)
        return map(self.base._source, chosen)

    def _describe(self) -> list[Any]:
        indices = self.indices
        return ["slice", self.base._describe(), indices.start, indices.step, self.count]

    def _matches(self, point: Any, reverse: bool = False) -> Iterator[int]:
        indices = self.indices
        for found in self.base._matches(point, reverse != (indices.step < 0)):
            if found in indices:
                yield indices.index(found)


class Shuffled(View):
    """A sweep in a seeded random order: ``sweep.shuffled(seed)``. O(1) to make.

    ``view[i]`` costs one :class:`~lazysweep._permutation.Permutation` look-up plus the base's own
    ``sweep[j]``; ``index()`` one inverse look-up per match; iterating ``n``
    points costs ``n`` look-ups, made a chunk at a time in lanes, each chunk
    then read from the base at once (a product decodes it column by column).

    >>> from lazysweep._axes import ArithmeticRange
    >>> view = Shuffled(Product([ArithmeticRange("n", 0, 9)]), seed=3)
    >>> sorted(point["n"] for point in view) == list(range(10)), view.index(view[4])
    (True, 4)
    """

    __slots__ = ("permutation",)

    def __init__(self, base: Sweep, seed: int) -> None:
        # As for the lanes (Product._digit_columns): 1.5 ms of start-up, paid only when shuffling.
        from ._permutation import Permutation

        self.base = base
        self.permutation = Permutation(base.count, seed)

    @property
    def count(self) -> int:
        return self.base.count

    def _to_base(self, index: int) -> int:
        return self.permutation[index]

    def _from_base(self, index: int) -> int:
        return self.permutation.index(index)

    def _chunks(self, start: int, stop: int) -> Iterator[Sequence[int]]:
        return self.permutation.chunks(start, stop)

    def __repr__(self) -> str:
        return f"<Shuffled of {self.count} points, seed {self.permutation.seed}: {self.base!r}>"
