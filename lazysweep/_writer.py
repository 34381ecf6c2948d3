"""One JSON writer for every command that prints points.

The text is byte for byte what ``json.JSONEncoder(separators=separators,
allow_nan=False)`` makes of each point: keys in order, non-ASCII escaped,
compact by default (``SPACED`` is ``json.dumps``' own spacing, the
InferenceMAX drop-in's). The library's iteration builds a dict per point;
this is the fast path around it:

* a :class:`~lazysweep._space.Product`'s points are never built at all. Its
  block walk (``Product._blocks``) hands out, instead of values, the
  already-encoded fragments ``{"key":value`` / ``,"key":value`` of the
  positions each block spans (computed per block segment, so a 10^9-value
  axis never has all its fragments made), and a point is one ``str.join``
  of its axes' fragments;
* a :class:`~lazysweep._space.Chain` is written part by part, and a
  :class:`~lazysweep._space.View` (a slice, a selection) run by run of
  consecutive base indices when it has such runs, so the products inside
  them take the fast path too;
* a GitHub ``MatrixSweep`` is written block by block of its survivors
  (``MatrixSweep._blocks``), each block a product of the same fragments;
  a point's ``include`` extras are one text per set of entries matched
  (cached, at most :data:`_EXTRAS_CACHED` at a time), found by AND-ing one
  bitmask per axis looked up by the point's fragment; the entries appended
  after the product are encoded one by one;
* a sweep whose rows share most of their fields (the drop-ins' rows) may
  offer them as templates with holes: a method ``_templated(start, stop)``
  returning groups ``(fields, holes, rows)``, each row the values of
  ``holes`` in the point ``{**fields, **dict(zip(holes, row))}`` (or None:
  encode the points as dicts). Each template is encoded once, and a row is
  its holes' values encoded and put in place by one ``%``;
* a shuffled product (:class:`~lazysweep._permutation.Shuffled`) is written a
  chunk of permuted indices at a time, decoded column by column into the
  same per-axis fragments;
* any other sweep (a stepped slice, a shuffled matrix) is encoded a point
  at a time by one C encoder made once per call, not once per point as
  ``json.dumps`` does.

GitHub's YAML reads ``.inf``, ``-.inf``, ``.nan`` and ``1e400`` as numbers,
so a sweep may hold them, but JSON cannot write them: a point holding one
is refused with a :class:`~lazysweep._errors.SweepError` (:data:`NOT_FINITE`)
rather than printed as ``Infinity``, which no JSON reader takes. Floats are
written as Python's ``repr``, the shortest text that reads back to the same
number (``1e-4`` is ``0.0001``).

With ``with_index`` each point gains ``"_index": I`` last, where ``I`` is
the point's index in the whole sweep it was selected from
(:meth:`~lazysweep._space.Sweep.source_index`): the text of
``{**point, "_index": I}``.

Cost: O(points written + axes), memory O(BLOCK_VALUES + CHUNK points),
whatever the sweep's size and the position of the range.

>>> from lazysweep import Sweep
>>> sweep = Sweep.from_matrix({"os": ["linux", "mac"], "n": {"start": 1, "stop": 3}})
>>> write_jsonl(sweep, 2, 4, print)
{"os":"linux","n":3}
{"os":"mac","n":1}
<BLANKLINE>
>>> encode_json_list(sweep[::-3], with_index=True, separators=SPACED)
'[{"os": "mac", "n": 3, "_index": 5}, {"os": "linux", "n": 3, "_index": 2}]'
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import partial
from itertools import chain, islice, repeat
from operator import add

# CPython's C encoder itself: `import json` would load its decoder too, a millisecond of start-up.
from _json import encode_basestring_ascii, make_encoder

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from typing import Any, NoReturn

    from ._matrix import MatrixSweep

    Writer = Callable[[str], object]
    #: A group of rows sharing a template (the ``_templated`` protocol): ``(fields, holes, rows)``,
    #: each row the values of ``holes`` in a point ``{**fields, **dict(zip(holes, row))}``.
    Templated = tuple[Mapping[str, Any], tuple[str, ...], Iterable[Sequence[Any]]]

from ._axes import AxisSlice
from ._errors import SweepError
from ._space import BLOCK_VALUES, Chain, Product, Sweep, View

__all__ = ["COMPACT", "SPACED", "CHUNK", "NOT_FINITE", "iter_encoded", "write_jsonl", "write_json_list", "encode_json_list",
           "encode_value", "write_encoded_lines", "write_encoded_list"]

#: ``json.dumps(..., separators=(",", ":"))``: the command line's output.
COMPACT = (",", ":")
#: ``json.dumps``' defaults, its spacing and its ``NaN``/``Infinity`` included: the drop-ins' output,
#: as their upstream prints it.
SPACED = (", ", ": ")
#: Points joined into one string per ``write`` call.
CHUNK = 2048

INDEX_FIELD = "_index"

#: The refusal of a value JSON cannot write.
NOT_FINITE = (
    "a value is .inf, -.inf or .nan, which JSON cannot write "
    "(GitHub's YAML reads these as numbers): quote it in the YAML to keep it as text"
)


def _unserializable(value: Any) -> NoReturn:
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


class _Style:
    """One pair of separators: a C encoder made once, and the texts built from the separators."""

    __slots__ = ("item", "key", "markers", "encoder", "indexed")

    def __init__(self, separators: tuple[str, str]) -> None:
        self.item, self.key = separators
        # The containers being encoded, for the circular-reference check; emptied after a
        # failure, which leaves the ones it was inside (as json.dumps's fresh dict per call would).
        self.markers: dict[int, Any] = {}
        # json.dumps' own defaults (SPACED, what the drop-ins' upstream prints) write NaN and
        # Infinity as it does; compact output, read by other programs, refuses them.
        allow_nan = (self.item, self.key) == SPACED
        self.encoder = make_encoder(
            self.markers, _unserializable, encode_basestring_ascii, None, self.key, self.item, False, False, allow_nan
        )
        # `%` formatting: "%s,"_index":%d}" % (a point's text without its closing brace, its index).
        self.indexed = "%s" + _literal(self.item + encode_basestring_ascii(INDEX_FIELD) + self.key) + "%d}"

    def value(self, value: Any) -> str:
        """One value's (or point's) JSON text; :data:`NOT_FINITE` for inf and nan."""
        kind = value.__class__
        if kind is str:
            return encode_basestring_ascii(value)
        if kind is int:
            return int.__repr__(value)
        if kind is bool:
            return "true" if value else "false"
        try:
            return "".join(self.encoder(value, 0))
        except (ValueError, TypeError) as error:
            self.markers.clear()
            if "Out of range float" not in str(error):  # not the encoder's refusal of inf or nan
                raise
            raise SweepError(NOT_FINITE) from None


_STYLES: dict[tuple[str, str], _Style] = {}


def _style(separators: tuple[str, str]) -> _Style:
    style = _STYLES.get(separators)
    if style is None:
        item, key = separators
        if not (isinstance(item, str) and isinstance(key, str)):
            raise TypeError("separators must be a pair of strings, like (',', ':')")
        style = _STYLES[separators] = _Style((item, key))
    return style


def _literal(text: str) -> str:
    """``text`` as a %-format that prints it unchanged."""
    return text.replace("%", "%%")


def encode_value(value: Any, separators: tuple[str, str] = COMPACT) -> str:
    """A point's (or any value's) JSON text, as ``json.dumps(value, separators=separators)``
    writes it, through the one C encoder made for these separators. O(size of the value).

    >>> encode_value({"model": "café", "tp": [1, 2], "ok": None})
    '{"model":"caf\\\\u00e9","tp":[1,2],"ok":null}'
    >>> encode_value([1.5, True], SPACED)
    '[1.5, true]'
    """
    return _style(separators).value(value)


def iter_encoded(sweep: Sweep, start: int = 0, stop: int | None = None, *, with_index: bool = False,
                 separators: tuple[str, str] = COMPACT) -> Iterator[str]:
    """The JSON text of each point ``start .. stop-1`` (default: all), lazily, in order.

    O(axes) to start, then O(1) amortised per point beyond its text for a
    product (O(its keys and values) per point for other sweeps).
    IndexError unless ``0 <= start <= stop <= count``.

    >>> from lazysweep import Sweep
    >>> list(iter_encoded(Sweep.from_matrix({"x": [True, 0.5], "y": [None]}), 1))
    ['{"x":0.5,"y":null}']
    """
    stop = sweep.count if stop is None else stop
    if not 0 <= start <= stop <= sweep.count:
        raise IndexError(f"points {start} to {stop} are not all in a sweep of {sweep.count}")
    style = _style(separators)
    sources = iter(sweep._source_range(start, stop)) if with_index else None
    return _texts(sweep, start, stop, style, sources)


def write_jsonl(sweep: Sweep, start: int = 0, stop: int | None = None, write: Writer | None = None, *,
                with_index: bool = False, separators: tuple[str, str] = COMPACT) -> None:
    """Write points ``start .. stop-1`` as JSON Lines (each line ending in ``\\n``) through ``write``.

    ``write`` defaults to ``sys.stdout.write`` and gets one string per
    :data:`CHUNK` points. Time: as :func:`iter_encoded`; memory: one chunk.
    """
    write_encoded_lines(iter_encoded(sweep, start, stop, with_index=with_index, separators=separators), write)


def write_json_list(sweep: Sweep, start: int = 0, stop: int | None = None, write: Writer | None = None, *,
                    with_index: bool = False, separators: tuple[str, str] = COMPACT) -> None:
    """Write points ``start .. stop-1`` as one JSON list ``[...]`` (no newline) through ``write``.

    ``json.dumps(list_of_points, separators=separators)``, a chunk at a time:
    time as :func:`iter_encoded`, memory one chunk.
    """
    texts = iter_encoded(sweep, start, stop, with_index=with_index, separators=separators)
    write_encoded_list(texts, write, separators[0])


def write_encoded_lines(texts: Iterable[str], write: Writer | None = None) -> None:
    """Write JSON texts one per line, each ending in ``\\n``, :data:`CHUNK` lines per ``write`` call.

    >>> write_encoded_lines(["1", '"a"'], print)
    1
    "a"
    <BLANKLINE>
    """
    texts = iter(texts)
    write = write or sys.stdout.write
    while text := "\n".join(islice(texts, CHUNK)):
        write(text + "\n")


def write_encoded_list(texts: Iterable[str], write: Writer | None = None, separator: str = ",") -> None:
    """Write JSON texts (each non-empty) as one JSON list, no newline, :data:`CHUNK` per ``write`` call.

    >>> write_encoded_list(map(str, range(3)), print)
    [0,1,2
    ]
    """
    texts = iter(texts)
    write = write or sys.stdout.write
    opening = "["
    while text := separator.join(islice(texts, CHUNK)):
        write(opening + text)
        opening = separator
    write("[]" if opening == "[" else "]")


def encode_json_list(sweep: Sweep, start: int = 0, stop: int | None = None, *, with_index: bool = False,
                     separators: tuple[str, str] = COMPACT) -> str:
    """Points ``start .. stop-1`` as one JSON list, in a string (a batch, a GitHub output).

    >>> from lazysweep import Sweep
    >>> encode_json_list(Sweep.from_matrix({"x": [1, 2, 3]}), 1)
    '[{"x":2},{"x":3}]'
    """
    texts = iter_encoded(sweep, start, stop, with_index=with_index, separators=separators)
    return "[" + separators[0].join(texts) + "]"


# -- the walk: one text stream per kind of sweep ------------------------------------------

def _texts(sweep: Sweep, start: int, stop: int, style: _Style, sources: Iterator[int] | None) -> Iterator[str]:
    """The texts of ``sweep``'s points ``start .. stop-1``; ``sources`` yields their ``_index``
    values (shared by every part of a chain, each part taking as many as it has points)."""
    exact = sweep.__class__  # these classes only: a subclass may change what its points hold
    if isinstance(sweep, Product) and exact is Product:
        return _product_texts(sweep, start, stop, style, sources)
    if isinstance(sweep, Chain) and exact._point is Chain._point and exact._iter_range is Chain._iter_range:
        spans = sweep._spans(start, stop)  # a chain, or a subclass whose points are its parts' points
        return chain.from_iterable(_texts(part, first, last, style, sources) for part, first, last in spans)
    if _is_matrix(sweep):
        return _matrix_texts(sweep, start, stop, style, sources)  # type: ignore[arg-type]
    if isinstance(sweep, View):  # a selection of the base's points, unchanged
        pieces = sweep._pieces(start, stop)
        if pieces is not None:
            base = sweep.base
            return chain.from_iterable(_texts(base, first, last, style, sources) for first, last in pieces)
        if sweep.base.__class__ is Product and (chunks := sweep._chunks(start, stop)) is not None:
            return _product_texts_at(sweep.base, chunks, style, sources)  # a random order of a product
    templated = getattr(sweep, "_templated", None)
    groups = None if templated is None else templated(start, stop)
    if groups is not None:
        return _templated_texts(groups, style, sources)
    return _dict_texts(sweep._iter_range(start, stop), style, sources)


def _dict_texts(points: Iterable[Mapping[str, Any]], style: _Style, sources: Iterator[int] | None) -> Iterator[str]:
    """Point by point, through the one C encoder: O(size of each point)."""
    if sources is not None:
        points = map(_indexed, points, sources)
    return map(style.value, points)


def _indexed(point: Mapping[str, Any], index: int) -> dict[str, Any]:
    return {**point, INDEX_FIELD: index}


def _product_texts(
    sweep: Product, start: int, stop: int, style: _Style, sources: Iterator[int] | None
) -> Iterator[str]:
    fragments = _fragments_for(sweep, style, sources)
    if fragments is None:
        return _dict_texts(sweep._iter_range(start, stop), style, sources)
    texts = chain.from_iterable(map("".join, block) for block in sweep._blocks(start, stop, fragments.segment))
    return _with_index(texts, style, sources)


def _is_matrix(sweep: Sweep) -> bool:
    """Whether ``sweep`` is exactly a GitHub ``MatrixSweep``: looked up, not imported, since a
    command that never made one must not pay for importing :mod:`lazysweep._matrix`."""
    matrix = sys.modules.get("lazysweep._matrix")
    return matrix is not None and sweep.__class__ is matrix.MatrixSweep


def _matrix_texts(
    sweep: MatrixSweep, start: int, stop: int, style: _Style, sources: Iterator[int] | None
) -> Iterator[str]:
    """A GitHub matrix: its survivors block by block (``MatrixSweep._blocks``), each block a
    product of fragments as for a :class:`~lazysweep._space.Product`, their include extras
    joined after them; then the include entries appended after the product, one by one."""
    survivors = sweep._survivors
    appended = map(dict, sweep._appended[max(start - survivors, 0) : max(stop - survivors, 0)])
    if start >= survivors:
        return _dict_texts(appended, style, sources)
    keys = [*sweep.keys, *(key for extras in sweep._extras.values() for key in extras)]
    extras = None
    if all(key.__class__ is str for key in keys) and (sources is None or INDEX_FIELD not in keys):
        extras = _IncludeExtras.of(sweep, style, closed=sources is None)
    if extras is None:  # keys JSON would convert, or an _index among them: the points as dicts
        return chain(_dict_texts(sweep._iter_range(start, min(stop, survivors)), style, sources),
                     _dict_texts(appended, style, sources))
    texts = chain.from_iterable(_matrix_blocks(sweep, start, min(stop, survivors), extras))
    return chain(_with_index(texts, style, sources), _dict_texts(appended, style, sources))


def _matrix_blocks(sweep: MatrixSweep, start: int, stop: int, extras: _IncludeExtras) -> Iterator[Iterator[str]]:
    """The texts of survivors ``start .. stop-1``, an iterator per block of ``sweep._blocks``:
    the block ``(prefix, k, first, last, offset)`` is walked as a product of the matrix's own
    axes, one value each before ``k``, a run at ``k``, whole after it. O(axes) per block."""
    fragments = extras.fragments
    remaining = stop - start
    for prefix, k, first, last, offset in sweep._blocks(start):
        shift = [*prefix, first] + [0] * (len(sweep.axes) - k - 1)  # each box axis's first position
        box = Product([AxisSlice(axis, digit, digit + 1) for axis, digit in zip(sweep.axes, prefix)]
                      + [AxisSlice(sweep.axes[k], first, last), *sweep.axes[k + 1 :]])
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
    """A matrix's fragments and its points' include extras as text: ``,"key":value`` per extra
    (then ``}`` when the object closes there), made once per set of include entries matched.

    A point's set (a bitmask) is the AND of one mask per axis that an include with extras
    names, looked up by the fragment the point holds on that axis. Texts are cached per set,
    at most :data:`_EXTRAS_CACHED` at a time (up to 2^includes sets may occur).
    """

    __slots__ = ("sweep", "style", "closed", "fragments", "masks", "cache")

    def __init__(self, sweep: MatrixSweep, style: _Style, closed: bool) -> None:
        self.sweep, self.style, self.closed = sweep, style, closed
        # Without extras the last axis closes the object (unless an _index follows), as in a product.
        self.fragments = _Fragments(sweep, style, closed and not sweep._extras)
        self.masks: list[tuple[int, dict[str, int], int]] = []
        self.cache: dict[int, str] = {}

    @classmethod
    def of(cls, sweep: MatrixSweep, style: _Style, closed: bool) -> _IncludeExtras | None:
        """The extras of ``sweep``; None when two values of an axis write the same text but match
        different include entries, or a value of a listed axis is one JSON refuses (the points
        then go as dicts, which refuse it when a point holds it)."""
        made = cls(sweep, style, closed)
        for k, listed, default in sweep._extras_masks():
            table: dict[str, int] = {}
            for position, mask in listed:
                try:
                    text = made.fragments.segment(k, position, position + 1)[0]
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
            style = self.style
            found = "".join(style.item + encode_basestring_ascii(key) + style.key + style.value(value)
                            for key, value in self.sweep._merged_extras(mask).items())
            found = self.cache[mask] = found + ("}" if self.closed else "")
        return found

    def texts(self, prefix: list[int]) -> Callable[[Iterator[tuple[str, ...]]], Iterator[str]]:
        """For a block whose digits before ``len(prefix)`` are ``prefix``: what makes the texts of
        one product of its fragments (the mask of the fixed axes is found once)."""
        if not self.sweep._extras:
            return _joined
        fixed, varying = self.sweep._extras_mask, []
        for k, table, default in self.masks:
            if k < len(prefix):
                fixed &= table.get(self.fragments.segment(k, prefix[k], prefix[k] + 1)[0], default)
            else:
                varying.append((k, table.get, default))
        if not varying:
            return partial(_suffixed, self.text(fixed))
        text = self.text
        join = "".join

        def point_text(point: tuple[str, ...]) -> str:
            mask = fixed
            for k, get, default in varying:
                mask &= get(point[k], default)
            return join(point) + text(mask)

        return partial(map, point_text)


def _joined(block: Iterator[tuple[str, ...]]) -> Iterator[str]:
    return map("".join, block)


def _suffixed(suffix: str, block: Iterator[tuple[str, ...]]) -> Iterator[str]:
    return map(add, map("".join, block), repeat(suffix))


def _templated_texts(groups: Iterable[Templated], style: _Style, sources: Iterator[int] | None) -> Iterator[str]:
    """The texts of rows given as templates with holes (the ``_templated`` protocol): each
    group's template is encoded once (and kept while groups reuse its fields), each row is its
    holes' values encoded and put in place by one ``%``. O(fields) per template, O(holes) per row."""
    templates = _Templates(style, closed=sources is None)
    return chain.from_iterable(templates.texts(fields, holes, rows, sources) for fields, holes, rows in groups)


#: The most row templates kept at a time by one writing call.
_TEMPLATES_CACHED = 1024
#: What stands in a template's holes while it is encoded, and its text.
_HOLE = "\x00\ufffe\x00"
_HOLE_TEXT = encode_basestring_ascii(_HOLE)


class _Templates:
    """Row templates: ``{"key": value, ..."key": %s, ...}`` as %-formats, keyed by fields and holes."""

    __slots__ = ("style", "closed", "made")

    def __init__(self, style: _Style, closed: bool) -> None:
        self.style, self.closed = style, closed
        self.made: dict[tuple[int, tuple[str, ...]], tuple[Mapping[str, Any], str | None]] = {}

    def format(self, fields: Mapping[str, Any], holes: tuple[str, ...]) -> str | None:
        """The %-format of the rows ``{**fields, **dict(zip(holes, values))}``, one ``%s`` per hole:
        that dict encoded once by the C encoder with a marker in each hole. None when such rows
        must go as dicts: holes not in the order the merged dict keeps them, a value that
        writes the marker, or an ``_index`` among the keys when one is added."""
        key = (id(fields), holes)
        found = self.made.get(key)
        if found is not None and found[0] is fields:  # the same fields (kept alive here, so their id is theirs)
            return found[1]
        if len(self.made) >= _TEMPLATES_CACHED:
            self.made.clear()
        merged = {**fields, **dict.fromkeys(holes, _HOLE)}
        made = None
        if merged and tuple(filter(holes.__contains__, merged)) == holes and (self.closed or INDEX_FIELD not in merged):
            text = self.style.value(merged)
            if text.count(_HOLE_TEXT) == len(holes):
                made = _literal(text if self.closed else text[:-1]).replace(_HOLE_TEXT, "%s")  # the _index ends it
        self.made[key] = fields, made
        return made

    def texts(self, fields: Mapping[str, Any], holes: tuple[str, ...], rows: Iterable[Sequence[Any]],
              sources: Iterator[int] | None) -> Iterator[str]:
        """The texts of ``rows`` (each the values of ``holes``), taking their ``_index`` from ``sources``."""
        made = self.format(fields, holes)
        if made is None:
            return _dict_texts(({**fields, **dict(zip(holes, row))} for row in rows), self.style, sources)
        texts = map(made.__mod__, map(tuple, map(map, repeat(self.style.value), rows)))
        return texts if sources is None else map(self.style.indexed.__mod__, zip(texts, sources))


class _Fragments:
    """A product's encoded fragments, axis by axis: ``{"first":v``, ``,"next":v`` .. ``,"last":v}``.

    The last axis's fragments close the object unless an ``_index`` follows.
    A segment costs O(its positions); whole axes (the inner axes of every
    block, at most BLOCK_VALUES values together) are encoded once per walk.
    """

    __slots__ = ("axes", "style", "formats", "whole")

    def __init__(self, sweep: Product | MatrixSweep, style: _Style, closed: bool) -> None:
        self.axes, self.style = sweep.axes, style
        last = len(sweep.keys) - 1
        self.formats = [
            _literal(("{" if level == 0 else style.item) + encode_basestring_ascii(key) + style.key)
            + "%s" + ("}" if closed and level == last else "")
            for level, key in enumerate(sweep.keys)
        ]
        self.whole: dict[int, list[str]] = {}

    def segment(self, level: int, start: int, stop: int) -> Sequence[str]:
        """The fragments of axis ``level``'s positions ``start .. stop-1``."""
        axis = self.axes[level]
        whole = start == 0 and stop == axis.size
        if whole and level in self.whole:
            return self.whole[level]
        values = axis.segment(start, stop)
        fragments = list(self._filled(level, values, exact_ints=values.__class__ is range))
        if whole:
            self.whole[level] = fragments
        return fragments

    def at(self, level: int, positions: Iterable[int]) -> Iterator[str]:
        """The fragments of axis ``level``'s ``positions``, in any order: look-ups in the whole axis's
        fragments when it has at most BLOCK_VALUES values, else each value encoded. O(positions)."""
        axis = self.axes[level]
        if axis.size <= BLOCK_VALUES:
            return map(self.segment(level, 0, axis.size).__getitem__, positions)
        values = axis.segment(0, axis.size)
        return self._filled(level, map(values.__getitem__, positions), exact_ints=values.__class__ is range)

    def _filled(self, level: int, values: Iterable[Any], exact_ints: bool) -> Iterator[str]:
        """The fragments of axis ``level``'s ``values``: exact ints (a range's) are their own JSON
        under ``%s``; anything else is encoded first."""
        return map(self.formats[level].__mod__, values if exact_ints else map(self.style.value, values))


# -- a random order of a product (lazysweep._permutation) ----------------------------------------

def _product_texts_at(
    sweep: Product, chunks: Iterable[list[int]], style: _Style, sources: Iterator[int] | None
) -> Iterator[str]:
    """The texts of a product's points at the indices in ``chunks`` (a random order), a chunk at a
    time: its digits column by column (``Product._digit_columns``), each column's fragments, then
    one ``str.join`` per point. O(points * axes) C-level steps, no dict."""
    fragments = _fragments_for(sweep, style, sources)
    if fragments is None:
        return _dict_texts(chain.from_iterable(map(sweep._points_at, chunks)), style, sources)
    levels = range(len(sweep.axes))
    texts = chain.from_iterable(
        map("".join, zip(*map(fragments.at, levels, sweep._digit_columns(chunk)))) for chunk in chunks
    )
    return _with_index(texts, style, sources)


def _fragments_for(sweep: Product, style: _Style, sources: Iterator[int] | None) -> _Fragments | None:
    """The fragments of a product's axes, or None when its points need the dict path (a key that
    is not a string, or an ``_index`` that would repeat one)."""
    keys = sweep.keys
    if not all(key.__class__ is str for key in keys) or (sources is not None and INDEX_FIELD in keys):
        return None
    return _Fragments(sweep, style, closed=sources is None)


def _with_index(texts: Iterator[str], style: _Style, sources: Iterator[int] | None) -> Iterator[str]:
    """Each text with its ``_index`` added, when there are indices."""
    if sources is None:
        return texts
    return map(style.indexed.__mod__, zip(texts, sources))  # zip stops at the texts' end, taking no extra index
