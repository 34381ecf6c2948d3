"""Axes: the digits of a sweep's mixed-radix index space.

An axis is an ordered, finite sequence of values with exact integer
arithmetic for its size, for reading the value at a position, and for
finding the positions that hold a value. Three kinds exist:

* :class:`ValuesAxis`: an explicit list of values (any YAML values);
* :class:`ArithmeticRange`: ``start, start+step, ...`` while ``<= stop``;
* :class:`GeometricRange`: ``start, start*factor, ...`` while ``< stop``,
  then ``stop`` itself (InferenceMAX's concurrency rule).

Values compare the way JSON and GitHub Actions compare them: by type and
value, except that ``1`` and ``1.0`` are the same number; ``True`` is not
``1``, ``"1"`` is not ``1``, and ``{"a": 1}`` equals ``{"a": 1}`` whatever
its key order.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from typing import Any

__all__ = ["Axis", "ValuesAxis", "ArithmeticRange", "GeometricRange", "AxisSlice", "geometric_count", "value_key"]


def value_key(value: Any) -> Any:
    """A hashable key such that two values are equal exactly when their keys are.

    Cost: O(size of the value).

    >>> value_key(1) == value_key(1.0), value_key(1) == value_key(True)
    (True, False)
    >>> value_key({"a": [1, 2], "b": None}) == value_key({"b": None, "a": [1, 2]})
    True
    """
    if isinstance(value, bool) or value is None:
        return ("const", value)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return ("nan",)
        return ("number", value)
    if isinstance(value, str):
        return ("str", value)
    if isinstance(value, dict):
        return ("map", frozenset((value_key(k), value_key(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return ("seq", tuple(value_key(item) for item in value))
    return ("other", type(value).__name__, value)


class Axis:
    """Base class: a named, finite, non-empty sequence of values.

    Subclasses set ``name`` and ``size`` and implement ``__getitem__`` (for
    ``0 <= i < size``), :meth:`segment` and :meth:`positions`.
    """

    name: str
    size: int

    def __getitem__(self, position: int) -> Any:
        raise NotImplementedError

    def segment(self, start: int, stop: int) -> Sequence[Any]:
        """The values at positions ``start .. stop-1``, as a tuple or a lazy range."""
        raise NotImplementedError

    def positions(self, value: Any, reverse: bool = False) -> Sequence[int]:
        """Every position holding ``value``, ascending (descending with ``reverse``)."""
        raise NotImplementedError

    def index(self, value: Any) -> int:
        """The first position holding ``value``; ValueError when there is none."""
        found = self.positions(value)
        if not found:
            raise ValueError(f"{value!r} is not in axis {self.name!r}")
        return found[0]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.segment(0, self.size))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, {self._describe()})"

    def _describe(self) -> str:
        raise NotImplementedError


class ValuesAxis(Axis):
    """An explicit list of values.

    Reading a position is O(1); :meth:`positions` is O(1) on average after
    a one-off O(size) table build on the first look-up.

    >>> axis = ValuesAxis("os", ["linux", "mac", "linux"])
    >>> axis.size, axis[1], list(axis.positions("linux"))
    (3, 'mac', [0, 2])
    """

    def __init__(self, name: str, values: Sequence[Any]) -> None:
        self.name = name
        self.values = tuple(values)
        self.size = len(self.values)
        self._table: dict[Any, list[int]] | None = None

    def __getitem__(self, position: int) -> Any:
        return self.values[position]

    def segment(self, start: int, stop: int) -> Sequence[Any]:
        if start == 0 and stop >= self.size:
            return self.values
        return self.values[start:stop]

    def positions(self, value: Any, reverse: bool = False) -> Sequence[int]:
        if self._table is None:
            table: dict[Any, list[int]] = {}
            for position, item in enumerate(self.values):
                table.setdefault(value_key(item), []).append(position)
            self._table = table
        try:
            found = self._table.get(value_key(value), [])
        except TypeError:  # an unhashable value of a type YAML never produces
            found = []
        return found[::-1] if reverse else found

    def _describe(self) -> str:
        return repr(list(self.values))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _as_exact_int(value: Any) -> int | None:
    """``value`` as an int when it is a whole number (``4`` or ``4.0``), else None."""
    if not _is_number(value):
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    number: int = value
    return number


class ArithmeticRange(Axis):
    """``start, start+step, ...`` up to ``stop`` (``stop`` only when landed on).

    The step may be negative (then ``start >= stop``: a descending range, as
    ``range(10, 0, -3)`` gives in Python). Every operation is O(1) integer
    arithmetic, for any size (10**30 values is fine); :meth:`segment` returns
    a lazy ``range``.

    >>> axis = ArithmeticRange("seed", 0, 10**30, 3)
    >>> axis.size, axis[2], axis.index(9)
    (333333333333333333333333333334, 6, 3)
    >>> list(ArithmeticRange("down", 10, 1, -3))
    [10, 7, 4, 1]
    """

    def __init__(self, name: str, start: int, stop: int, step: int = 1) -> None:
        if step == 0:
            raise ValueError("step must not be 0")
        if (stop - start) * step < 0:
            raise ValueError("start must not be after stop" if step > 0 else "a negative step needs start >= stop")
        self.name = name
        self.start, self.stop, self.step = start, stop, step
        self.size = (stop - start) // step + 1

    def __getitem__(self, position: int) -> int:
        return self.start + position * self.step

    def segment(self, start: int, stop: int) -> range:
        return range(self.start + start * self.step, self.start + stop * self.step, self.step)

    def positions(self, value: Any, reverse: bool = False) -> Sequence[int]:
        number = _as_exact_int(value)
        if number is None:
            return ()
        position, remainder = divmod(number - self.start, self.step)
        return (position,) if not remainder and 0 <= position < self.size else ()

    def _describe(self) -> str:
        return f"start={self.start}, stop={self.stop}, step={self.step}"


def _powers_below(start: int, stop: int, factor: int) -> int:
    """How many ``k >= 0`` have ``start * factor**k < stop``.

    Bit lengths bracket the answer between ``low`` and ``high``, a ratio of
    at most ``factor.bit_length() / (factor.bit_length() - 1)`` apart; a
    binary search then settles it. That is O(log(log(stop) / log(factor)))
    big-integer powers, none larger than about ``stop * factor**2``, and
    never a float logarithm: a factor of thousands of digits costs a few
    multiplications, not a search over ``stop.bit_length()``.
    """
    if start >= stop:
        return 0
    # 2**(s-1) <= start < 2**s and 2**(f-1) <= factor < 2**f (f >= 2), so
    # start * factor**k < 2**(s + k*f) and start * factor**k >= 2**(s - 1 + k*(f - 1)).
    spare, f = stop.bit_length() - start.bit_length(), factor.bit_length()
    low = max(0, spare - 1) // f  # start * factor**low < 2**(stop.bit_length() - 1) <= stop
    high = -(-(spare + 1) // (f - 1))  # start * factor**high >= 2**stop.bit_length() > stop
    while high - low > 1:  # invariant: start * factor**low < stop <= start * factor**high
        middle = (low + high) // 2
        if start * factor**middle < stop:
            low = middle
        else:
            high = middle
    return high


def geometric_count(start: int, stop: int, factor: int) -> int:
    """The number of values of the geometric range ``start..stop`` by ``factor``.

    >>> geometric_count(4, 100, 2), geometric_count(4, 64, 2), geometric_count(7, 7, 3)
    (6, 5, 1)
    """
    return _powers_below(start, stop, factor) + 1


class GeometricRange(Axis):
    """``start, start*factor, ...`` while below ``stop``, then ``stop`` itself.

    Lazy and exact: the size comes from a binary search on the exponent, a
    value from one power, a look-up from one integer logarithm, so numbers of
    hundreds of digits cost no more than small ones.

    >>> axis = GeometricRange("conc", 4, 100, 2)
    >>> list(axis), axis.index(32), axis.index(100), axis.positions(48)
    ([4, 8, 16, 32, 64, 100], 3, 5, ())
    """

    def __init__(self, name: str, start: int, stop: int, factor: int) -> None:
        if start < 1:
            raise ValueError("start must be at least 1")
        if factor < 2:
            raise ValueError("factor must be at least 2")
        if start > stop:
            raise ValueError("start must not be after stop")
        self.name = name
        self.start, self.stop, self.factor = start, stop, factor
        self.size = geometric_count(start, stop, factor)

    def __getitem__(self, position: int) -> int:
        if position == self.size - 1:
            return self.stop
        value: int = self.start * self.factor**position
        return value

    def segment(self, start: int, stop: int) -> Sequence[int]:
        stop = min(stop, self.size)
        if start >= stop:
            return ()
        values = []
        value = self[start]
        for _ in range(start, min(stop, self.size - 1)):
            values.append(value)
            value *= self.factor
        if stop == self.size:
            values.append(self.stop)
        return values

    def positions(self, value: Any, reverse: bool = False) -> Sequence[int]:
        number = _as_exact_int(value)
        if number is None or number < self.start or number > self.stop:
            return ()
        if number == self.stop:
            return (self.size - 1,)
        if number % self.start:
            return ()
        power = _powers_below(1, number // self.start + 1, self.factor) - 1  # floor(log_factor)
        return (power,) if self.factor**power * self.start == number else ()

    def _describe(self) -> str:
        return f"start={self.start}, stop={self.stop}, factor={self.factor}"


class AxisSlice(Axis):
    """Positions ``start .. stop-1`` of another axis, as an axis of its own. O(1) to make.

    >>> part = AxisSlice(ArithmeticRange("n", 0, 10**9), 5, 8)
    >>> part.size, list(part), list(part.positions(6))
    (3, [5, 6, 7], [1])
    """

    def __init__(self, axis: Axis, start: int, stop: int) -> None:
        self.name = axis.name
        self.axis, self.start, self.size = axis, start, stop - start

    def __getitem__(self, position: int) -> Any:
        return self.axis[self.start + position]

    def segment(self, start: int, stop: int) -> Sequence[Any]:
        return self.axis.segment(self.start + start, self.start + min(stop, self.size))

    def positions(self, value: Any, reverse: bool = False) -> Sequence[int]:
        return [p - self.start for p in self.axis.positions(value, reverse) if 0 <= p - self.start < self.size]

    def _describe(self) -> str:
        return f"{self.axis!r}[{self.start}:{self.start + self.size}]"
