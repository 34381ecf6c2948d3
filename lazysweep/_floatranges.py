"""Float axes: evenly spaced (linear or logarithmic) and decimal-step ranges, exactly counted.

Three range specs give float values (a spec with only integer ``start``,
``stop`` and ``step``/``factor`` stays an integer range, see
:mod:`lazysweep._axes`)::

    lr:      {start: 1e-4, stop: 1e-1, num: 7, scale: log}   # 1e-4, 3.16e-4, 1e-3, ... 1e-1
    dropout: {start: 0.0, stop: 1.0, num: 11}                # 0.0, 0.1, ... 1.0 (scale: linear)
    wd:      {start: 0.1, stop: 0.5, step: 0.1}              # 0.1, 0.2, 0.3, 0.4, 0.5

The rules, exactly:

* every bound is read as the decimal it is written as (a float as its
  shortest repr: ``0.1`` is one tenth, not the binary float nearest it);
* ``num`` values include both ends: value ``k`` is ``start + (stop - start)
  * k / (num - 1)``, or with ``scale: log``, ``start * (stop / start) **
  (k / (num - 1))`` (``start`` and ``stop`` then both positive);
* with ``step`` (a float or an integer, above 0; default 1 when a bound is a
  float), the values are ``start + k * step`` while at most ``stop``, in
  exact decimal arithmetic: ``stop`` is included when it is ``start`` plus a
  whole number of steps as written (``0.1 + 4 * 0.1`` is ``0.5``), and the
  count, ``floor((stop - start) / step) + 1``, never drifts;
* each value is the float nearest the exact one (logarithmic values are
  computed with ``decimal`` to 40 digits and more, then rounded), so it
  prints in the shortest form that reads back as itself: ``0.3``, never
  ``0.30000000000000004``.

Values are floats (``1.0``, not ``1``) even where they are whole. Looking
up a value costs O(log size) value computations, whatever the size.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from fractions import Fraction
    from typing import Any

from ._axes import Axis

__all__ = ["FloatRange", "LinearRange", "LogRange", "StepRange", "RangeSpecError", "float_range"]

#: Axes up to this size keep their values in a tuple once read as a whole.
_CACHED_VALUES = 4096


class RangeSpecError(ValueError):
    """A float range spec that makes no range; ``key`` is the spec key at fault (or None)."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _exact(value: int | float) -> Fraction:
    """A bound as the decimal it is written as: ``0.1`` is 1/10."""
    from fractions import Fraction  # imports decimal: only for float ranges, not at start-up

    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


class FloatRange(Axis):
    """Base class: ``size`` floats, value ``k`` from an exact rule (``_value``), monotonic in ``k``.

    Reading a position costs one exact computation; :meth:`positions` a
    binary search, O(log size) of them.
    """

    _cache: tuple[float, ...] | None = None

    def _value(self, position: int) -> float:
        raise NotImplementedError

    def __getitem__(self, position: int) -> float:
        cache = self._cache
        return cache[position] if cache is not None else self._value(position)

    def segment(self, start: int, stop: int) -> Sequence[float]:
        stop = min(stop, self.size)
        if self.size <= _CACHED_VALUES:
            if self._cache is None:
                self._cache = tuple(map(self._value, range(self.size)))
            return self._cache[start:stop]
        return _LazyValues(self, start, stop)

    def _descending(self) -> bool:
        return self.size > 1 and self._value(self.size - 1) < self._value(0)

    def positions(self, value: Any, reverse: bool = False) -> Sequence[int]:
        if not _is_number(value) or value != value:  # NaN is in no range
            return ()
        descending = self._descending()

        def first(after: bool) -> int:
            # the first position whose value is past ``value`` (or at it, unless ``after``)
            low, high = 0, self.size
            while low < high:
                middle = (low + high) // 2
                found = self._value(middle)
                if found == value:
                    past = not after
                else:
                    past = (found < value) == descending
                if past:
                    high = middle
                else:
                    low = middle + 1
            return low

        found = range(first(False), first(True))
        return found[::-1] if reverse else found


class _LazyValues(Sequence[float]):
    """Positions ``start .. stop-1`` of a large float axis, computed on demand."""

    def __init__(self, axis: FloatRange, start: int, stop: int) -> None:
        self.axis, self.positions = axis, range(start, stop)

    def __len__(self) -> int:
        return len(self.positions)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            chosen = self.positions[index]
            return [self.axis._value(position) for position in chosen]
        return self.axis._value(self.positions[index])

    def __iter__(self) -> Iterator[float]:
        return map(self.axis._value, self.positions)


def _scaled(*values: Fraction) -> tuple[int, list[int]]:
    """A common denominator ``q`` and each value times ``q``, as integers."""
    denominator = math.lcm(*(value.denominator for value in values))
    return denominator, [int(value * denominator) for value in values]


class StepRange(FloatRange):
    """``start, start+step, ...`` while at most ``stop``, in exact decimal arithmetic.

    >>> axis = StepRange("wd", 0.1, 0.5, 0.1)
    >>> axis.size, list(axis), axis.index(0.3)
    (5, [0.1, 0.2, 0.3, 0.4, 0.5], 2)
    >>> StepRange("x", 0, 1, 1e-29).size
    100000000000000000000000000001
    """

    def __init__(self, name: str, start: int | float, stop: int | float, step: int | float) -> None:
        self.name = name
        self.start, self.stop, self.step = start, stop, step
        exact_start, exact_stop, exact_step = _exact(start), _exact(stop), _exact(step)
        if exact_step <= 0:
            raise RangeSpecError("'step' must be above 0", "step")
        if exact_start > exact_stop:
            raise RangeSpecError(f"starts after it stops ({start!r} > {stop!r})", "start")
        self.size = math.floor((exact_stop - exact_start) / exact_step) + 1
        self._denominator, (self._first, self._increment) = _scaled(exact_start, exact_step)

    def _value(self, position: int) -> float:
        return (self._first + position * self._increment) / self._denominator  # correctly rounded

    def _describe(self) -> str:
        return f"start={self.start!r}, stop={self.stop!r}, step={self.step!r}"


class LinearRange(FloatRange):
    """``num`` evenly spaced values from ``start`` to ``stop``, both included.

    >>> list(LinearRange("p", 0.0, 1.0, 11))
    [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    >>> LinearRange("p", 1, 0, 3)[1], LinearRange("p", 0, 1, 3).index(0.5)
    (0.5, 1)
    """

    def __init__(self, name: str, start: int | float, stop: int | float, num: int) -> None:
        _check_num(num, start, stop)
        self.name, self.start, self.stop, self.size = name, start, stop, num
        exact_start, exact_stop = _exact(start), _exact(stop)
        gaps = max(num - 1, 1)
        self._denominator, (self._first, self._width) = _scaled(exact_start, exact_stop - exact_start)
        self._denominator *= gaps
        self._first *= gaps

    def _value(self, position: int) -> float:
        return (self._first + position * self._width) / self._denominator  # correctly rounded

    def _describe(self) -> str:
        return f"start={self.start!r}, stop={self.stop!r}, num={self.size}"


class LogRange(FloatRange):
    """``num`` values from ``start`` to ``stop``, both included, evenly spaced in logarithm.

    >>> list(LogRange("lr", 1e-4, 1e-1, 7))
    [0.0001, 0.00031622776601683794, 0.001, 0.0031622776601683794, 0.01, 0.03162277660168379, 0.1]
    >>> LogRange("lr", 1e-4, 1e-1, 7).index(0.01)
    4
    """

    def __init__(self, name: str, start: int | float, stop: int | float, num: int) -> None:
        _check_num(num, start, stop)
        for key, bound in (("start", start), ("stop", stop)):
            if bound <= 0:
                raise RangeSpecError(f"a log range needs '{key}' above 0, not {bound!r}", key)
        self.name, self.start, self.stop, self.size = name, start, stop, num
        from decimal import Context, Decimal  # only for log ranges: start-up time

        self._context = Context(prec=40 + len(str(num)))
        low = self._context.ln(Decimal(repr(start)))
        self._low = low
        self._span = self._context.ln(Decimal(repr(stop))) - low

    def _value(self, position: int) -> float:
        if position == 0:
            return float(self.start)
        if position == self.size - 1:
            return float(self.stop)
        context = self._context
        exponent = context.add(self._low, context.divide(context.multiply(self._span, position), self.size - 1))
        return float(context.exp(exponent))  # float() of a Decimal is correctly rounded

    def _describe(self) -> str:
        return f"start={self.start!r}, stop={self.stop!r}, num={self.size}, scale='log'"


def _check_num(num: int, start: int | float, stop: int | float) -> None:
    if num < 1:
        raise RangeSpecError("'num' must be at least 1", "num")
    if num == 1 and start != stop:
        raise RangeSpecError("'num: 1' leaves out 'stop' (both ends are included): use num >= 2", "num")


def float_range(name: str, spec: Mapping[str, Any]) -> FloatRange:
    """The float axis of a range spec (``start`` and ``stop`` present, keys known).

    Raises :class:`RangeSpecError` naming the key at fault.

    >>> float_range("lr", {"start": 1e-4, "stop": 1e-2, "num": 3, "scale": "log"})
    LogRange('lr', start=0.0001, stop=0.01, num=3, scale='log')
    """
    if "factor" in spec:
        raise RangeSpecError("'factor' takes integers: for floats, use 'num' with 'scale: log'", "factor")
    for key in ("start", "stop", "step"):
        if key in spec:
            value = spec[key]
            if not _is_number(value):
                raise RangeSpecError(f"'{key}' must be a number, not {_describe(value)}", key)
            if not math.isfinite(value):
                raise RangeSpecError(f"'{key}' must be a finite number, not {value!r}", key)
    start, stop = spec["start"], spec["stop"]
    if "num" not in spec:
        if "scale" in spec:
            raise RangeSpecError("'scale' goes with 'num': the number of values", "scale")
        return StepRange(name, start, stop, spec.get("step", 1))
    if "step" in spec:
        raise RangeSpecError("a range takes 'step' or 'num', not both", "step")
    num = spec["num"]
    if isinstance(num, bool) or not isinstance(num, int):
        raise RangeSpecError(f"'num' must be an integer, not {_describe(num)}", "num")
    scale = spec.get("scale", "linear")
    if scale == "linear":
        return LinearRange(name, start, stop, num)
    if scale == "log":
        return LogRange(name, start, stop, num)
    raise RangeSpecError(f"'scale' must be 'linear' or 'log', not {_describe(scale)}", "scale")


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
