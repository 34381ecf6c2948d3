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
* anything else: a comma-separated list, each item read the way a sweep
  file reads a plain YAML 1.2 scalar (:func:`lazysweep._loader.github_scalar`) (``1e-4`` is a float, ``true`` a
  boolean, ``null`` null, ``8`` an integer, anything else a string). A single
  value is a one-value axis.

The axes of one command line make one product, first axis slowest.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from typing import Any

    from ._space import Sweep

from ._axes import ArithmeticRange, Axis, GeometricRange, ValuesAxis
from ._errors import UsageError

__all__ = ["parse_axis", "sweep_from_axes", "plain_scalar"]

_NUMBER = r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
_RANGE = re.compile(rf"({_NUMBER})\.\.({_NUMBER})(?::({_NUMBER})|x([0-9]+))?")
_INTEGER = re.compile(r"[-+]?[0-9]+")
# A..B:num=N[:log], and the malformed texts that mean it (A..B:log, A..B:num, ...): refused, not read as a list item.
_EVENLY = re.compile(rf"({_NUMBER})\.\.({_NUMBER}):((?:num|log)\b.*)", re.DOTALL)


def plain_scalar(text: str) -> Any:
    """A list item as a sweep file reads a plain scalar (YAML 1.2 core, GitHub's rules).

    ``.inf`` and ``.nan`` are refused (ValueError): JSON cannot carry them.

    >>> [plain_scalar(t) for t in ("1e-4", "8", "0x10", "true", "~", "llama-3", "1_000")]
    [0.0001, 8, 16, True, None, 'llama-3', '1_000']
    """
    from ._loader import github_scalar

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
        items = spec.split(",")
        if not all(item.strip() for item in items):
            raise ValueError("an empty item in the list")
        return ValuesAxis(name, [plain_scalar(item.strip()) for item in items])
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


def sweep_from_axes(options: Sequence[str]) -> Sweep:
    """The product of the axes of ``-a NAME=SPEC`` options, in order. UsageError if malformed.

    >>> sweep = sweep_from_axes(["lr=1e-4,3e-4,1e-3", "seed=0..99", "conc=4..1024x2"])
    >>> sweep.count, sweep[0]
    (2700, {'lr': 0.0001, 'seed': 0, 'conc': 4})
    """
    from ._space import Product

    axes = [parse_axis(option) for option in options]
    names = [axis.name for axis in axes]
    for position, name in enumerate(names):
        if name in names[:position]:
            raise UsageError(f"-a {name}=...: the axis {name!r} is given twice")
    return Product(axes)
