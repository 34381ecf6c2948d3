"""GitHub's expression ``==``, the way matrix ``include`` and ``exclude`` entries use it.

Each scalar leaf of an entry becomes the expression ``matrix[path] == literal``
(actions/runner, src/Sdk/WorkflowParser/Conversion/MatrixBuilder.cs, class
``MatrixFilter``), evaluated by GitHub's expression engine:

* the literal is written into the expression text and parsed back: a number
  keeps 15 significant digits (``ExpressionConstants.NumberFormat`` is ``G15``,
  ``ExpressionUtility.ConvertToParseToken``), so ``0.30000000000000004`` in an
  entry is the literal ``0.3``; strings, booleans and null are kept exactly;
* ``matrix[path]`` walks the combination (src/Sdk/Expressions/Sdk/Operators/
  Index.cs, class ``Index``): an object is looked up by key ignoring case
  (``DictionaryExpressionData`` keys are ``StringComparer.OrdinalIgnoreCase``),
  an array by a number (a string key is parsed as a number, then floored); any
  other step gives null;
* ``==`` is ``EvaluationResult.AbstractEqual`` (src/Sdk/Expressions/
  EvaluationResult.cs): two strings compare ordinal-ignore-case; otherwise
  ``CoerceTypes`` turns both sides into numbers (null 0, false 0, true 1, a
  string by ``ExpressionUtility.ParseNumber``, an array or object NaN) and
  NaN equals nothing. Every number is a double: ``1`` is ``1.0``, and an
  integer past 2**53 is the double nearest to it.

All functions are O(size of the value); none recurses.

>>> loose_equal("3.10", 3.1), loose_equal("Ubuntu-Latest", "ubuntu-latest"), loose_equal(0, "0")
(True, True, True)
>>> loose_equal(None, False), loose_equal("", 0), loose_equal("abc", 0), loose_equal([], 0)
(True, True, False, False)
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from functools import cache

from ._errors import SweepError

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from collections.abc import Callable
    from typing import Any

__all__ = ["ambiguous", "parse_number", "to_number", "literal_number", "fold", "loose_equal", "lookup", "matches", "int_interval"]

NAN = math.nan

#: What .NET's ``String.Trim()`` removes (``Char.IsWhiteSpace``); Python's ``str.strip()`` would
#: also remove U+001C..U+001F, which .NET keeps.
_WHITESPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"


@cache
def _decimal() -> Callable[[str], Any]:
    """``Double.TryParse`` with ``AllowLeadingSign | AllowDecimalPoint | AllowExponent`` (invariant
    culture): ASCII digits only, no whitespace, no thousands separators, no underscores. Compiled
    on first use: only a matrix's include and exclude compare loosely (start-up)."""
    return re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z").match


_HEX = frozenset("0123456789abcdefABCDEF")
_OCTAL = frozenset("01234567")
_INT32 = 1 << 32


def _int32(unsigned: int) -> float:
    """A 32-bit pattern read as two's complement (``Int32`` parsing of hex, ``Convert.ToInt32`` of
    octal both let a non-decimal number set the sign bit): 0xFFFFFFFF is -1; wider is NaN."""
    if unsigned >= _INT32:
        return NAN
    return float(unsigned - _INT32 if unsigned >= _INT32 >> 1 else unsigned)


def parse_number(text: str) -> float:
    """A string as a number, as ``ExpressionUtility.ParseNumber`` reads it (JavaScript's
    ``Number()``, nearly): trimmed; empty is 0; a decimal with an optional sign, point and
    exponent; ``0x`` hex and ``0o`` octal as 32-bit two's complement; ``Infinity``; else NaN.

    The .NET Core parser behind ``Double.TryParse`` also accepts ``infinity``, ``+Infinity``
    and ``nan`` in any case (``Number.Parsing``'s symbol fallback); that is followed too.

    >>> [parse_number(t) for t in (" 3.10 ", "", "1e3", ".5", "5.", "0x1F", "0xFFFFFFFF", "0o17")]
    [3.1, 0.0, 1000.0, 0.5, 5.0, 31.0, -1.0, 15.0]
    >>> [parse_number(t) for t in ("-Infinity", "1_000", "0X1F", "- 1", "0x100000000")]
    [-inf, nan, nan, nan, nan]
    """
    text = text.strip(_WHITESPACE)
    if not text:
        return 0.0
    if _decimal()(text):
        return float(text)  # overflow gives +-inf, as .NET Core's parser does
    upper = fold(text)
    if upper in ("INFINITY", "+INFINITY"):
        return math.inf
    if upper == "-INFINITY":
        return -math.inf
    digits = text[2:]
    if text[0] == "0" and digits:
        if text[1] == "x" and _HEX.issuperset(digits):
            return _int32(int(digits, 16))
        if text[1] == "o" and _OCTAL.issuperset(digits):
            return _int32(int(digits, 8))
    return NAN


def int_to_double(number: int) -> float:
    """The double nearest to an integer (round half to even), +-inf past the largest double."""
    try:
        return float(number)
    except OverflowError:
        return math.inf if number > 0 else -math.inf


def to_number(value: Any) -> float:
    """``EvaluationResult.ConvertToNumber``: null 0, booleans 0/1, numbers as doubles,
    strings by :func:`parse_number`, arrays and objects NaN."""
    if value is None:
        return 0.0
    if isinstance(value, str):
        return parse_number(value)
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int):
        return int_to_double(value)
    if isinstance(value, float):
        return value
    return NAN


def literal_number(value: Any) -> float:
    """The number an entry's scalar leaf stands for once written into the filter expression:
    a number rounded to 15 significant digits (``G15``), other scalars as :func:`to_number`.

    >>> literal_number(0.30000000000000004), literal_number(12345678901234567), literal_number("0x10")
    (0.3, 1.23456789012346e+16, 16.0)
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = to_number(value)
        return float(format(number, ".15g")) if math.isfinite(number) else number
    return to_number(value)


def fold(text: str) -> str:
    """A string's key under ``OrdinalIgnoreCase``: each character mapped to its upper case when
    that is one character (a simple case mapping: ``ß`` stays ``ß``, as in .NET)."""
    if text.isascii():
        return text.upper()
    return "".join(upper if len(upper := char.upper()) == 1 else char for char in text)


def _is_container(value: Any) -> bool:
    return isinstance(value, (Mapping, list, tuple))


def loose_equal(value: Any, literal: Any) -> bool:
    """``value == literal`` in a GitHub expression, ``literal`` being a scalar leaf of an entry."""
    if _is_container(value):
        return False
    if isinstance(value, str) and isinstance(literal, str):
        return fold(value) == fold(literal)
    return to_number(value) == literal_number(literal)  # NaN equals nothing


def lookup(value: Any, key: str | int) -> Any:
    """``value[key]`` as the ``Index`` operator reads it: an object by key ignoring case (the
    first such key), an array by position (a string key parsed as a number and floored, NaN or
    negative or past 2**31-1 giving nothing), anything else null.

    >>> lookup({"Version": 20}, "version"), lookup([5, 6], "1.9"), lookup({"0": 7}, 0), lookup("x", "a")
    (20, 6, 7, None)
    """
    if isinstance(value, Mapping):
        name = key if isinstance(key, str) else format(float(key), ".15g")
        folded = fold(name)
        for item_key, item in value.items():
            if not isinstance(item_key, str):  # a key YAML read as a scalar: its name in the JSON written
                item_key = _json_name(item_key)
            if item_key == name or fold(item_key) == folded:
                return item
        return None
    if isinstance(value, (list, tuple)):
        number = key if isinstance(key, int) else parse_number(key)
        if number != number or number < 0 or number > 0x7FFFFFFF:
            return None
        position = int(number)  # floor: number is not negative
        return value[position] if position < len(value) else None
    return None


def _json_name(key: Any) -> str:
    """The name JSON writes for a mapping key that YAML read as a scalar other than a string.

    >>> _json_name(8), _json_name(True), _json_name(None), _json_name(1.5)
    ('8', 'true', 'null', '1.5')
    """
    return "true" if key is True else "false" if key is False else "null" if key is None else repr(key)


def matches(pattern: Any, value: Any) -> bool:
    """Whether ``pattern`` (an entry's value under one key) matches ``value`` leaf by leaf, the way
    ``MatrixFilter`` does: every scalar leaf ``matrix[path] == leaf``; empty objects and arrays
    add no leaf, so they match anything. Iterative: the nesting depth costs no Python stack.

    >>> matches({"node": {"version": 20}}, {"node": {"Version": "20", "env": "x"}})
    True
    >>> matches({}, 5), matches([1], [1, 2]), matches(1, True), matches({"a": 0}, "anything")
    (True, True, True, True)
    """
    pending = [(pattern, value)]
    while pending:
        pattern, value = pending.pop()
        if isinstance(pattern, Mapping):
            pending.extend((sub, lookup(value, key)) for key, sub in pattern.items())
        elif isinstance(pattern, (list, tuple)):
            pending.extend((sub, lookup(value, i)) for i, sub in enumerate(pattern))
        elif not loose_equal(value, pattern):
            return False
    return True


def int_interval(number: float) -> tuple[int | None, int | None] | None:
    """The integers whose nearest double is ``number``, as ``(low, high)`` inclusive (None: no
    bound), or None when there are none. One integer below 2**53; a run of them above, where
    doubles are further apart than 1 (2**60 stands for 64 integers below it and 128 above).
    O(1) big-integer operations.

    >>> int_interval(5.0), int_interval(0.5), int_interval(2.0**60)
    ((5, 5), None, (1152921504606846912, 1152921504606847104))
    """
    if number != number:
        return None
    if math.isinf(number):
        edge = (1 << 1024) - (1 << 970)  # the first integer that rounds to infinity
        return (edge, None) if number > 0 else (None, -edge)
    if not number.is_integer():
        return None
    whole = int(number)
    if abs(whole) < 1 << 53:
        return whole, whole
    below, above = math.nextafter(number, -math.inf), math.nextafter(number, math.inf)
    low = (int(below) + whole) // 2 if math.isfinite(below) else None
    high = (int(above) + whole) // 2 if math.isfinite(above) else (1 << 1024) - (1 << 970) - 1
    if low is not None and int_to_double(low) != number:  # a tie goes to the even neighbour
        low += 1
    if int_to_double(high) != number:
        high -= 1
    return low, high


def ambiguous(point: Mapping[str, Any]) -> SweepError:
    """The refusal of ``index(point)`` when two points have ``point``'s values (``1`` and ``1.0``,
    or a value listed twice): GitHub runs them as two jobs, and a result carrying those values
    cannot say which one it came from, so only its ``_index`` can."""
    text = repr(dict(point))
    text = text if len(text) <= 60 else text[:57] + "..."
    return SweepError(f"{text} is more than one point of the sweep (equal values that run as separate jobs): "
                      "match results by '_index' (--with-index)")
