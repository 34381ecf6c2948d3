"""One writer for every command that prints points: JSON, JSON Lines, and the programs' lines.

The JSON text is byte for byte what ``json.JSONEncoder(separators=separators,
allow_nan=False)`` makes of each point: keys in order, non-ASCII escaped,
compact by default (``SPACED`` is ``json.dumps``' own spacing, the
InferenceMAX drop-in's). ``--format args|hydra|env`` lines
(:mod:`lazysweep._formats`) take the same path, only their fields are
written another way.

The writer makes one call, :meth:`~lazysweep.Sweep._texts`, and each kind
of sweep writes its own points through the encoding it is handed
(:mod:`lazysweep._encode`): a product joins per-value fragments and never
builds a point, a chain goes part by part, a selection run by run or a
chunk of a random order at a time, a GitHub matrix block by block of its
survivors, the drop-ins' rows template by template; any other sweep is
written a point at a time by one C encoder made once per format, not once
per point as ``json.dumps`` does.

GitHub's YAML reads ``.inf``, ``-.inf``, ``.nan`` and ``1e400`` as numbers,
so a sweep may hold them, but JSON cannot write them: a point holding one
is refused with a :class:`~lazysweep._errors.SweepError` (:data:`NOT_FINITE`)
rather than printed as ``Infinity``, which no JSON reader takes. Floats are
written as Python's ``repr``, the shortest text that reads back to the same
number (``1e-4`` is ``0.0001``).

With ``with_index`` each point gains ``"_index": I`` last, where ``I`` is
the point's index in the whole sweep it was selected from
(:meth:`~lazysweep.Sweep.source_index`): the text of
``{**point, "_index": I}``.

Cost: O(points written + axes), memory O(BLOCK_VALUES + POINTS_PER_WRITE points),
whatever the sweep's size and the position of the range.

>>> from lazysweep._axes import ArithmeticRange, ValuesAxis
>>> from lazysweep._space import Product
>>> sweep = Product([ValuesAxis("os", ["linux", "mac"]), ArithmeticRange("n", 1, 3)])
>>> write_jsonl(sweep, 2, 4, print)
{"os":"linux","n":3}
{"os":"mac","n":1}
<BLANKLINE>
>>> encode_json_list(sweep[::-3], with_index=True, separators=SPACED)
'[{"os": "mac", "n": 3, "_index": 5}, {"os": "linux", "n": 3, "_index": 2}]'
>>> from lazysweep._formats import program_format
>>> list(iter_encoded(sweep, 0, 2, format=program_format("args")))
['--os=linux --n=1', '--os=linux --n=2']
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from ._encode import Format
    from ._space import Sweep

    Writer = Callable[[str], object]

from ._encode import COMPACT, NOT_FINITE, POINTS_PER_RUN, SPACED, Encoding, encode_value, json_format

__all__ = ["COMPACT", "SPACED", "POINTS_PER_WRITE", "NOT_FINITE", "iter_encoded", "iter_lines", "write_jsonl", "write_json_list",
           "encode_json_list", "encode_value", "write_lines", "write_encoded_list"]

#: The most points joined into one string per ``write`` call.
POINTS_PER_WRITE = POINTS_PER_RUN


def iter_encoded(sweep: Sweep, start: int = 0, stop: int | None = None, *, with_index: bool = False,
                 separators: tuple[str, str] = COMPACT, format: Format | None = None) -> Iterator[str]:
    """The text of each point ``start .. stop-1`` (default: all), lazily, in order: JSON with
    ``separators``, or ``format`` (:func:`lazysweep._formats.program_format`) when given.

    O(axes) to start, then O(1) amortised per point beyond its text for a
    product (O(its keys and values) per point for other sweeps).
    IndexError unless ``0 <= start <= stop <= count``.

    >>> from lazysweep._axes import ValuesAxis
    >>> from lazysweep._space import Product
    >>> list(iter_encoded(Product([ValuesAxis("x", [True, 0.5]), ValuesAxis("y", [None])]), 1))
    ['{"x":0.5,"y":null}']
    """
    stop = _checked_stop(sweep, start, stop)
    sources = sweep._source_range(start, stop) if with_index else None
    return sweep._texts(start, stop, Encoding(format or json_format(separators), sources))


def iter_lines(sweep: Sweep, start: int = 0, stop: int | None = None, *, with_index: bool = False,
               separators: tuple[str, str] = COMPACT, format: Format | None = None) -> Iterator[str]:
    """Points ``start .. stop-1`` as lines (each text of :func:`iter_encoded` followed by ``\\n``),
    lazily, in runs: each string holds the lines of up to :data:`POINTS_PER_WRITE` points.

    With ``with_index``, a run's open texts and their ``_index`` pieces are one ``str.join``
    (:attr:`lazysweep._encode.Encoding.terminator`): no string made per point beyond its
    open text. Time as :func:`iter_encoded`; memory one run.

    >>> from lazysweep._axes import ValuesAxis
    >>> from lazysweep._space import Product
    >>> list(iter_lines(Product([ValuesAxis("x", [1, 2])]), with_index=True))
    ['{"x":1,"_index":0}\\n{"x":2,"_index":1}\\n']
    """
    if not with_index:
        return _line_runs(iter_encoded(sweep, start, stop, separators=separators, format=format))
    stop = _checked_stop(sweep, start, stop)
    encoding = Encoding(format or json_format(separators), sweep._source_range(start, stop), terminator="\n")
    return sweep._texts(start, stop, encoding)


def _checked_stop(sweep: Sweep, start: int, stop: int | None) -> int:
    """``stop`` (default: the count); IndexError unless ``0 <= start <= stop <= count``."""
    stop = sweep.count if stop is None else stop
    if not 0 <= start <= stop <= sweep.count:
        raise IndexError(f"points {start} to {stop} are not all in a sweep of {sweep.count}")
    return stop


def _line_runs(texts: Iterator[str]) -> Iterator[str]:
    """Texts as runs of :data:`POINTS_PER_WRITE` lines."""
    while chunk := list(islice(texts, POINTS_PER_WRITE)):  # a text may be empty: a point without fields
        yield "\n".join(chunk) + "\n"


def write_jsonl(sweep: Sweep, start: int = 0, stop: int | None = None, write: Writer | None = None, *,
                with_index: bool = False, separators: tuple[str, str] = COMPACT) -> None:
    """Write points ``start .. stop-1`` as JSON Lines (each line ending in ``\\n``) through ``write``.

    ``write`` defaults to ``sys.stdout.write`` and gets one string per run of
    :func:`iter_lines` (at most :data:`POINTS_PER_WRITE` points). Time: as :func:`iter_encoded`;
    memory: one run.
    """
    write_lines(iter_lines(sweep, start, stop, with_index=with_index, separators=separators), write)


def write_json_list(sweep: Sweep, start: int = 0, stop: int | None = None, write: Writer | None = None, *,
                    with_index: bool = False, separators: tuple[str, str] = COMPACT) -> None:
    """Write points ``start .. stop-1`` as one JSON list ``[...]`` (no newline) through ``write``.

    ``json.dumps(list_of_points, separators=separators)``, a chunk at a time:
    time as :func:`iter_encoded`, memory one chunk.
    """
    texts = iter_encoded(sweep, start, stop, with_index=with_index, separators=separators)
    write_encoded_list(texts, write, separators[0])


def write_lines(runs: Iterable[str], write: Writer | None = None) -> None:
    """Write runs of lines (:func:`iter_lines`), one ``write`` call a run.

    >>> write_lines(["1\\n2\\n", "3\\n"], print)
    1
    2
    <BLANKLINE>
    3
    <BLANKLINE>
    """
    write = write or sys.stdout.write
    for run in runs:
        write(run)


def write_encoded_list(texts: Iterable[str], write: Writer | None = None, separator: str = ",") -> None:
    """Write JSON texts (each non-empty) as one JSON list, no newline, :data:`POINTS_PER_WRITE` per ``write`` call.

    >>> write_encoded_list(map(str, range(3)), print)
    [0,1,2
    ]
    """
    texts = iter(texts)
    write = write or sys.stdout.write
    opening = "["
    while text := separator.join(islice(texts, POINTS_PER_WRITE)):
        write(opening + text)
        opening = separator
    write("[]" if opening == "[" else "]")


def encode_json_list(sweep: Sweep, start: int = 0, stop: int | None = None, *, with_index: bool = False,
                     separators: tuple[str, str] = COMPACT) -> str:
    """Points ``start .. stop-1`` as one JSON list, in a string (a batch, a GitHub output).

    >>> from lazysweep._axes import ValuesAxis
    >>> from lazysweep._space import Product
    >>> encode_json_list(Product([ValuesAxis("x", [1, 2, 3])]), 1)
    '[{"x":2},{"x":3}]'
    """
    texts = iter_encoded(sweep, start, stop, with_index=with_index, separators=separators)
    return "[" + separators[0].join(texts) + "]"
