"""Axes written on the command line: ``-a NAME=SPEC``, as Hydra's ``-m name=a,b`` does.

A SPEC is one of:

* ``A..B`` or ``A..B:STEP``: a range, both ends included when landed on.
  Integers make an integer range (:class:`~lazysweep._axes.ArithmeticRange`);
  any float makes a decimal-step float range
  (:class:`~lazysweep._floatranges.StepRange`: ``0.1..0.5:0.1`` ends at 0.5);
* ``A..BxF``: a geometric range of integers, ``A, A*F, ...`` while below
  ``B``, then ``B`` (as ``{start, stop, factor}`` in a sweep file);
* ``A..B:num=N``: ``N`` evenly spaced floats from ``A`` to ``B``, both
  included, and ``A..B:num=N:log``: evenly spaced in logarithm (``A`` and
  ``B`` above 0). The same axes, value for value, as a sweep file's
  ``{start: A, stop: B, num: N}`` and ``{..., scale: log}``
  (:mod:`lazysweep._floatranges`);
* anything else: a comma-separated list of values, each a YAML 1.2 flow
  node as a sweep file reads it: a plain scalar
  (:func:`lazysweep._loader.github_scalar`: ``1e-4`` is a float, ``true`` a
  boolean, ``null`` null, ``8`` an integer, anything else a string), or a
  flow list ``[1,2]``, a flow mapping ``{a: 1, b: x}`` or a quoted string
  ``'a,b'`` / ``"a,b"``, whose commas and brackets belong to the value. A
  single value is a one-value axis; ``x=[1,2]`` is one value, a list, and
  ``x=[1,2],[3]`` two.

Every other text is refused, never read as a string by accident: an item
that starts like a range (``1..5:step=2``, ``1..2..3``) but is not one,
unbalanced brackets or quotes, an empty item, ``.inf`` or ``.nan`` anywhere
in a value (JSON cannot carry them). Quote a value to keep it a string:
``-a "v='1..5'"``.

The axes of one command line make one product, first axis slowest.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from typing import Any

from ._axes import ArithmeticRange, Axis, GeometricRange, ValuesAxis
from ._errors import SweepError, UsageError
from ._loader import github_scalar, parse_document
from ._space import Product, Sweep

__all__ = ["parse_axis", "sweep_from_axes", "plain_scalar"]

_NUMBER = r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
_RANGE = re.compile(rf"({_NUMBER})\.\.({_NUMBER})(?::({_NUMBER})|x([0-9]+))?")
_INTEGER = re.compile(r"[-+]?[0-9]+")
# A..B:num=N[:log], and the malformed texts that mean it (A..B:log, A..B:num, ...): refused, not read as a list item.
_EVENLY = re.compile(rf"({_NUMBER})\.\.({_NUMBER}):((?:num|log)\b.*)", re.DOTALL)
# What starts like a range: a number and "..". Such an item must be a whole range spec.
_RANGE_START = re.compile(rf"\s*{_NUMBER}\.\.")
_GRAMMAR = "expected A..B, A..B:STEP, A..BxF or A..B:num=N[:log] (quote the value for a string)"
_OPENING, _CLOSING = "[{", "]}"


def plain_scalar(text: str) -> Any:
    """A list item as a sweep file reads a plain scalar (YAML 1.2 core, GitHub's rules).

    ``.inf`` and ``.nan`` are refused (ValueError): JSON cannot carry them.

    >>> [plain_scalar(t) for t in ("1e-4", "8", "0x10", "true", "~", "llama-3", "1_000")]
    [0.0001, 8, 16, True, None, 'llama-3', '1_000']
    """
    value = github_scalar(text)
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{text} cannot be written as JSON")
    return value


def _number(text: str) -> int | float:
    return int(text, 10) if _INTEGER.fullmatch(text) else float(text)


def parse_axis(option: str) -> Axis:
    """The axis of one ``NAME=SPEC`` (see the module's documentation). UsageError if malformed.

    >>> parse_axis("seed=0..99"), parse_axis("conc=4..1024x2")
    (ArithmeticRange('seed', start=0, stop=99, step=1), GeometricRange('conc', start=4, stop=1024, factor=2))
    >>> parse_axis("lr=1e-4,3e-4"), parse_axis("wd=0.1..0.5:0.1")
    (ValuesAxis('lr', [0.0001, 0.0003]), StepRange('wd', start=0.1, stop=0.5, step=0.1))
    >>> list(parse_axis("p=0..1:num=5")), list(parse_axis("lr=1e-4..1e-2:num=3:log"))
    ([0.0, 0.25, 0.5, 0.75, 1.0], [0.0001, 0.001, 0.01])
    """
    name, equals, spec = option.partition("=")
    name = name.strip()
    try:
        if not equals or not name:
            raise ValueError("expected NAME=SPEC (a list a,b,c or a range A..B, A..B:STEP, A..BxF, A..B:num=N[:log])")
        if not spec.strip():
            raise ValueError("the SPEC after '=' is empty")
        return _axis(name, spec.strip())
    except ValueError as error:
        raise UsageError(f"-a {option[:60]!r}: {error}") from None


def _axis(name: str, spec: str) -> Axis:
    evenly = _EVENLY.fullmatch(spec)
    if evenly is not None:
        return _evenly_spaced(name, _number(evenly[1]), _number(evenly[2]), evenly[3])
    found = _RANGE.fullmatch(spec)
    if found is None:
        return ValuesAxis(name, [_value(item) for item in _items(spec)])
    start, stop = _number(found[1]), _number(found[2])
    if found[4] is not None:
        if not (isinstance(start, int) and isinstance(stop, int)):
            raise ValueError("a geometric range A..BxF takes integers")
        return GeometricRange(name, start, stop, int(found[4]))
    step = _number(found[3]) if found[3] is not None else 1
    if isinstance(start, int) and isinstance(stop, int) and isinstance(step, int):
        if step < 1:
            raise ValueError("STEP must be at least 1")
        return ArithmeticRange(name, start, stop, step)
    from ._floatranges import StepRange

    return StepRange(name, start, stop, step)


def _evenly_spaced(name: str, start: int | float, stop: int | float, options: str) -> Axis:
    """``A..B:num=N[:log]``, ``options`` being what follows ``A..B:``: built from the spec a sweep
    file would hold, by the same function (so the values are the file form's, bit for bit)."""
    num, colon, scale = options.partition(":")
    key, equals, count = num.partition("=")
    if key == "log":
        raise ValueError(":log needs the number of values first: A..B:num=N:log")
    if key != "num" or not equals:
        raise ValueError("expected A..B:num=N or A..B:num=N:log")
    if not _INTEGER.fullmatch(count):
        raise ValueError(f"num=N takes an integer, not {count!r}")
    if colon and scale != "log":
        raise ValueError(f"expected :log after num=N, not {scale!r}")
    from ._floatranges import float_range  # floats only: start-up time

    spec: dict[str, Any] = {"start": start, "stop": stop, "num": int(count)}
    if colon:
        spec["scale"] = "log"
    return float_range(name, spec)  # its RangeSpecError is a ValueError: one line, naming the option


def _items(spec: str) -> list[str]:
    """The comma-separated items of a list SPEC; commas inside brackets and quotes belong to their item.

    O(len(spec)). ValueError for unbalanced brackets or quotes and empty items.

    >>> _items("a, [1, 2], {b: 'x,y'}, 'c,d'")
    ['a', '[1, 2]', "{b: 'x,y'}", "'c,d'"]
    """
    items: list[str] = []
    depth: list[str] = []  # the closing bracket each open one waits for
    start, quote = 0, ""
    position = 0
    while position < len(spec):
        char = spec[position]
        if quote:
            if char == "\\" and quote == '"':
                position += 1  # the escaped character, whatever it is
            elif char == quote:
                if quote == "'" and spec.startswith("''", position):
                    position += 1  # '' is a quote inside single quotes
                else:
                    quote = ""
        elif char in "'\"" and (position == start or spec[start:position].strip() == "" or depth):
            quote = char
        elif char in _OPENING:
            depth.append(_CLOSING[_OPENING.index(char)])
        elif char in _CLOSING:
            if not depth or depth.pop() != char:
                raise ValueError(f"unbalanced {char!r} at character {position + 1}")
        elif char == "," and not depth:
            items.append(spec[start:position])
            start = position + 1
        position += 1
    if quote:
        raise ValueError(f"unclosed quote {quote}")
    if depth:
        raise ValueError(f"unclosed {_OPENING[_CLOSING.index(depth[-1])]!r}: expected {depth[-1]!r}")
    items.append(spec[start:])
    if not all(item.strip() for item in items):
        raise ValueError("an empty item in the list")
    return [item.strip() for item in items]


def _value(item: str) -> Any:
    """One list item as a value: a plain scalar, or a flow node (list, mapping, quoted string)."""
    if _RANGE.fullmatch(item) or _EVENLY.fullmatch(item):
        raise ValueError(f"the range {item[:40]!r} cannot be an item of a list: give it its own -a")
    if _RANGE_START.match(item):
        raise ValueError(f"{item[:40]!r} is not a range: {_GRAMMAR}")
    if item[0] not in "[{'\"":
        return plain_scalar(item)
    try:
        value = parse_document(item, positions=False).value
    except SweepError as error:
        raise ValueError(f"{item[:40]!r} is not a YAML flow value ({error.message})") from None
    _check_finite(value, item)
    return value


def _check_finite(value: Any, item: str) -> None:
    """ValueError for .inf or .nan anywhere in ``value``: JSON cannot carry them."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{item[:40]} holds {value}, which JSON cannot carry")
    for inner in value.values() if isinstance(value, dict) else value if isinstance(value, list) else ():
        _check_finite(inner, item)


def sweep_from_axes(options: Sequence[str]) -> Sweep:
    """The product of the axes of ``-a NAME=SPEC`` options, in order. UsageError if malformed.

    >>> sweep = sweep_from_axes(["lr=1e-4,3e-4,1e-3", "seed=0..99", "conc=4..1024x2"])
    >>> sweep.count, sweep[0]
    (2700, {'lr': 0.0001, 'seed': 0, 'conc': 4})
    """
    axes = [parse_axis(option) for option in options]
    names = [axis.name for axis in axes]
    for position, name in enumerate(names):
        if name in names[:position]:
            raise UsageError(f"-a {name}=...: the axis {name!r} is given twice")
    return Product(axes)
