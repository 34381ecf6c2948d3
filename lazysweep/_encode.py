"""Points as text: the encodings every output goes through, and the one home of ``_index``.

This layer sits below the sweeps (:mod:`lazysweep._space`,
:mod:`lazysweep._matrix`): each kind of sweep writes its own points through
the hook :meth:`lazysweep.Sweep._texts`, handed an :class:`Encoding`, and
the writer (:mod:`lazysweep._writer`) makes that one call. What a sweep can
ask of an encoding:

* :meth:`Encoding.fragments`: the already-encoded *fragments* of its axes'
  values, ``{"key":value`` / ``,"key":value`` .. ``,"last":value}`` for JSON
  (``--key=value`` words for ``--format args``), made per axis value, never
  per point, so a point is one ``str.join`` of its axes' fragments;
* :meth:`Encoding.templated`: rows sharing most of their fields as
  templates with holes, each template encoded once;
* :meth:`Encoding.dicts`: points as dicts, a point at a time (the fallback).

The texts come a point a string, or, for an encoding with a
:attr:`~Encoding.terminator` (the writer's lines with ``_index``), in runs:
each string holds up to :data:`POINTS_PER_RUN` points, each text followed by
the terminator, so the index's pieces join the run's one ``str.join``.

A :class:`Format` says how one field and one point are written:
:class:`JsonFormat` here (``json.dumps``' bytes, through CPython's own C
encoder), the programs' formats (``args``, ``hydra``, ``env``) in
:mod:`lazysweep._formats`.

``_index`` (:data:`INDEX_FIELD`), the field ``--with-index`` adds and
``collect`` matches by, is defined here only, and so is the refusal of a
sweep that has a field of that name (:func:`refuse_index_field`).

>>> from lazysweep._axes import ValuesAxis
>>> encoding = Encoding(JsonFormat(COMPACT))
>>> fragments = encoding.fragments(("os", "n"), (ValuesAxis("os", ["linux"]), ValuesAxis("n", [1, 2])))
>>> list(encoding.joined([iter([("{\\"os\\":\\"linux\\"", ',"n":1}')])]))
['{"os":"linux","n":1}']
>>> fragments.segment(1, 0, 2)
[',"n":1}', ',"n":2}']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import chain, islice, repeat
from operator import add

# CPython's C encoder itself: `import json` would load its decoder too, a millisecond of start-up.
from _json import encode_basestring_ascii, make_encoder

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from typing import Any, NoReturn

    from ._axes import Axis

    #: A group of rows sharing a template (:meth:`lazysweep.Sweep._templated`): ``(fields, holes, rows)``,
    #: each row the values of ``holes`` in a point ``{**fields, **dict(zip(holes, row))}``.
    Templated = tuple[Mapping[str, Any], tuple[str, ...], Iterable[Sequence[Any]]]

from ._axes import ArithmeticRange, GeometricRange, ValuesAxis
from ._errors import SweepError

__all__ = ["canonical", "describe_axes", "INDEX_FIELD", "COMPACT", "SPACED", "NOT_FINITE", "BLOCK_VALUES", "Format", "JsonFormat", "Encoding",
           "Fragments", "json_format", "encode_value", "refuse_index_field", "json_key", "POINTS_PER_RUN"]

#: The field ``--with-index`` adds to each point for its index in the whole sweep, and ``collect``
#: matches results by: no axis or ``include`` key may take it.
INDEX_FIELD = "_index"

#: ``json.dumps(..., separators=(",", ":"))``: the command line's output.
COMPACT = (",", ":")
#: ``json.dumps``' defaults, its spacing and its ``NaN``/``Infinity`` included: the drop-ins' output,
#: as their upstream prints it.
SPACED = (", ", ": ")

#: The most values an axis may have for its whole fragment table to be kept by one walk (and
#: the most values a block of :meth:`lazysweep.Product._blocks` is handed).
BLOCK_VALUES = 4096

#: The refusal of a value JSON cannot write.
NOT_FINITE = (
    "a value is .inf, -.inf or .nan, which JSON cannot write "
    "(GitHub's YAML reads these as numbers): quote it in the YAML to keep it as text"
)


def refuse_index_field(names: Iterable[Any], path: str | None = None) -> None:
    """A :class:`~lazysweep._errors.SweepError` when ``names`` (a sweep's field names) hold
    :data:`INDEX_FIELD`, which ``--with-index`` adds and ``collect`` matches by. O(names).

    >>> refuse_index_field(["os", "_index"], path="sweep.yaml")
    Traceback (most recent call last):
    ...
    lazysweep._errors.SweepError: sweep.yaml: an axis or include key is named '_index', the field lazysweep adds for the point's index (and collect matches results by): rename it
    """
    if INDEX_FIELD in names:
        raise SweepError(f"an axis or include key is named {INDEX_FIELD!r}, the field lazysweep adds for the "
                         "point's index (and collect matches results by): rename it", path=path)


def _unserializable(value: Any) -> NoReturn:
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


def _literal(text: str) -> str:
    """``text`` as a %-format that prints it unchanged."""
    return text.replace("%", "%%")


def json_key(key: Any) -> str:
    """The name JSON writes for a mapping key: a string as it is, ``true``/``false``/``null``,
    a number as its JSON text (``1``, ``1.5``). TypeError for any other key.

    >>> json_key(1), json_key(True), json_key(None), json_key("a")
    ('1', 'true', 'null', 'a')
    """
    kind = key.__class__
    if kind is str:
        return str(key)
    if key is True or key is False or key is None:
        return {True: "true", False: "false", None: "null"}[key]
    if kind is int or kind is float:
        return int.__repr__(key) if kind is int else float.__repr__(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {kind.__name__}")


def _refuse_repeated_names(value: Any) -> None:
    """SweepError when a mapping inside ``value`` has two keys JSON writes as one name
    (``{1: a, "1": b}``): its reader would keep one of them. O(size of the value)."""
    kind = value.__class__
    if kind is dict:
        if set(map(type, value)) != {str} and value:
            names = [json_key(key) for key in value]
            if len(set(names)) != len(names):
                repeated = next(name for name in names if names.count(name) > 1)
                raise SweepError(f"a mapping has two keys that JSON writes as the one name {repeated!r} "
                                 "(a number and a string, say): rename one")
        values: Iterable[Any] = value.values()
    elif kind is list or kind is tuple:
        values = value
    else:
        return
    if set(map(type, values)) & {dict, list, tuple}:
        for item in values:
            _refuse_repeated_names(item)


class Format:
    """How one field and one point are written: a field's text, the texts around and between
    fields, and how the ``_index`` is added. Subclasses: :class:`JsonFormat`, and the programs'
    formats of :mod:`lazysweep._formats`.

    A point is ``opening + separator.join(fields) + closing``; :meth:`field`,
    :meth:`point` and :meth:`fragment_maker` cost O(size of what they write).
    """

    opening = ""
    separator = ""
    closing = ""
    #: Whether rows with holes (:meth:`Encoding.templated`) can be written as templates.
    templates = False

    def field(self, key: str, value: Any) -> str:
        """One field's text, without the separator before it."""
        raise NotImplementedError

    def check_keys(self, keys: Sequence[Any], axes: Sequence[Axis] = ()) -> bool:
        """Whether points with these keys (in this order), of these axes' values, can be written
        from fragments; SweepError when no point with them can be written at all. O(keys)."""
        return all(key.__class__ is str for key in keys)

    def fragment_maker(self, level: int, key: str, closes: bool) -> Callable[[Iterable[Any], bool], Iterator[str]]:
        """What makes the fragments of field ``key`` (the ``level``-th of a point, closing it when
        ``closes``) from values; the flag says they are exact ints (a range's)."""
        before = self.opening if level == 0 else self.separator
        after = self.closing if closes else ""
        field = self.field

        def make(values: Iterable[Any], exact_ints: bool) -> Iterator[str]:
            return (before + field(key, value) + after for value in values)

        return make

    def point(self, point: Mapping[Any, Any]) -> str:
        """A whole point's text (the fallback, a point at a time)."""
        return self.opening + self.separator.join(self.field(key, value) for key, value in point.items()) + self.closing

    def index_affixes(self) -> tuple[str, str]:
        """What comes before and after an index's digits when ``_index`` ends an open text
        (a point without its closing): the same for every index, which needs no quoting."""
        before, _, after = (self.separator + self.field(INDEX_FIELD, 0) + self.closing).rpartition("0")
        return before, after


class JsonFormat(Format):
    """JSON, byte for byte what ``json.JSONEncoder(separators=separators)`` writes, through one C
    encoder made for the separators. Compact output (read by other programs) refuses inf and nan
    (:data:`NOT_FINITE`) and a mapping whose keys JSON writes as one name; :data:`SPACED` (the
    drop-ins, as their upstream's ``json.dumps``) writes them as it does."""

    templates = True
    opening, closing = "{", "}"

    def __init__(self, separators: tuple[str, str]) -> None:
        item, key = separators
        if not (isinstance(item, str) and isinstance(key, str)):
            raise TypeError("separators must be a pair of strings, like (',', ':')")
        self.item, self.key, self.separator = item, key, item
        # The containers being encoded, for the circular-reference check; emptied after a
        # failure, which leaves the ones it was inside (as json.dumps's fresh dict per call would).
        self.markers: dict[int, Any] = {}
        self.strict = (item, key) != SPACED
        self.encoder = make_encoder(
            self.markers, _unserializable, encode_basestring_ascii, None, key, item, False, False, not self.strict
        )

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
            text = "".join(self.encoder(value, 0))
        except (ValueError, TypeError) as error:
            self.markers.clear()
            if "Out of range float" not in str(error):  # not the encoder's refusal of inf or nan
                raise
            raise SweepError(NOT_FINITE) from None
        if self.strict:  # after the encoder, which refuses a value that holds itself
            _refuse_repeated_names(value)
        return text

    def point(self, point: Mapping[Any, Any]) -> str:
        return self.value(point)

    def field(self, key: str, value: Any) -> str:
        return encode_basestring_ascii(key) + self.key + self.value(value)

    def fragment_maker(self, level: int, key: str, closes: bool) -> Callable[[Iterable[Any], bool], Iterator[str]]:
        template = (_literal(("{" if level == 0 else self.item) + encode_basestring_ascii(key) + self.key)
                    + "%s" + ("}" if closes else ""))
        fill, value = template.__mod__, self.value

        def make(values: Iterable[Any], exact_ints: bool) -> Iterator[str]:
            # exact ints (a range's) are their own JSON under %s; anything else is encoded first
            return map(fill, values if exact_ints else map(value, values))

        return make

    def index_affixes(self) -> tuple[str, str]:
        return self.item + encode_basestring_ascii(INDEX_FIELD) + self.key, "}"


_JSON_FORMATS: dict[tuple[str, str], JsonFormat] = {}


def json_format(separators: tuple[str, str] = COMPACT) -> JsonFormat:
    """The (shared) JSON format of these separators."""
    found = _JSON_FORMATS.get(separators)
    if found is None:
        found = _JSON_FORMATS[separators] = JsonFormat(separators)
    return found


def encode_value(value: Any, separators: tuple[str, str] = COMPACT) -> str:
    """A point's (or any value's) JSON text, as ``json.dumps(value, separators=separators)``
    writes it, through the one C encoder made for these separators. O(size of the value).

    >>> encode_value({"model": "café", "tp": [1, 2], "ok": None})
    '{"model":"caf\\\\u00e9","tp":[1,2],"ok":null}'
    >>> encode_value([1.5, True], SPACED)
    '[1.5, true]'
    """
    return json_format(separators).value(value)


class Fragments:
    """A point's fields as encoded fragments, axis by axis: for JSON ``{"first":v``,
    ``,"next":v`` .. ``,"last":v}``. The last axis's fragments close the point unless an
    ``_index`` follows. A segment costs O(its positions); whole axes of at most
    :data:`BLOCK_VALUES` values (the inner axes of every block) are encoded once per walk.
    """

    __slots__ = ("axes", "makers", "whole")

    def __init__(self, format: Format, keys: Sequence[str], axes: Sequence[Axis], closed: bool) -> None:
        self.axes = axes
        last = len(keys) - 1
        self.makers = [format.fragment_maker(level, key, closed and level == last) for level, key in enumerate(keys)]
        self.whole: dict[int, list[str]] = {}

    def segment(self, level: int, start: int, stop: int) -> Sequence[str]:
        """The fragments of axis ``level``'s positions ``start .. stop-1``."""
        axis = self.axes[level]
        whole = start == 0 and stop == axis.size
        if whole and level in self.whole:
            return self.whole[level]
        values = axis.segment(start, stop)
        fragments = list(self.makers[level](values, values.__class__ is range))
        if whole:
            self.whole[level] = fragments
        return fragments

    def at(self, level: int, positions: Iterable[int]) -> Iterator[str]:
        """The fragments of axis ``level``'s ``positions``, in any order: look-ups in the whole axis's
        fragments when it has at most :data:`BLOCK_VALUES` values, else each value encoded. O(positions)."""
        axis = self.axes[level]
        if axis.size <= BLOCK_VALUES:
            return map(self.segment(level, 0, axis.size).__getitem__, positions)
        values = axis.segment(0, axis.size)
        return self.makers[level](map(values.__getitem__, positions), values.__class__ is range)


#: The most row templates kept at a time by one writing call.
_TEMPLATES_CACHED = 1024
#: What stands in a template's holes while it is encoded, and its text.
_HOLE = "\x00\ufffe\x00"
_HOLE_TEXT = encode_basestring_ascii(_HOLE)


class Encoding:
    """One writing call's encoding: a :class:`Format`, and the ``_index`` of each point when
    they are added (``sources``, shared by every part of a chain, each part taking as many as it
    has points). What a sweep's :meth:`~lazysweep.Sweep._texts` hook builds its texts with.
    """

    __slots__ = ("format", "closed", "terminator", "_affixes", "_pieces", "_runs", "_templates")

    def __init__(self, format: Format, sources: Iterable[int] | None = None, terminator: str | None = None) -> None:
        self.format = format
        #: Whether a point's text is closed by its last field (no ``_index`` follows).
        self.closed = sources is None
        #: With ``sources``, what follows each point's text (a line's ``\n``) when the texts come as
        #: runs (:data:`POINTS_PER_RUN` points a string, each text and its terminator) rather than a
        #: text a point: then the ``_index`` pieces are joined into a run's one ``str.join``.
        self.terminator = None if sources is None else terminator
        before, after = format.index_affixes() if sources is not None else ("", "")
        self._affixes = before, after + (self.terminator or "")
        # The text that ends each open text with its ``_index`` (``,"_index":7}``, and the terminator
        # of runs) in two pieces, heads and tails, both shared by every part of a chain (:func:`_index_pieces`).
        self._pieces = None if sources is None or self.terminator is not None else _index_pieces(*self._affixes, sources)
        #: In runs (a :attr:`terminator`), what makes a run's index pieces instead.
        self._runs = None if sources is None or self.terminator is None else _IndexRuns(*self._affixes, sources)
        self._templates: dict[tuple[int, tuple[str, ...]], tuple[Mapping[str, Any], str | None]] = {}

    def fragments(self, keys: Sequence[Any], axes: Sequence[Axis], more: Sequence[Any] = ()) -> Fragments | None:
        """The fragments of a product of ``axes`` named ``keys``, or None when its points must go
        as dicts (a key that is not a string, an ``_index`` the added one would repeat). ``more``:
        the names of fields that may follow the last axis's (then its fragments never close the
        point), checked with the axes' by the format."""
        if not self.format.check_keys([*keys, *more], axes) or (not self.closed and INDEX_FIELD in keys):
            return None
        return Fragments(self.format, keys, axes, self.closed and not more)

    def joined(self, blocks: Iterable[Iterator[tuple[str, ...]]]) -> Iterator[str]:
        """The texts of blocks of fragment tuples (one tuple per point), ``_index`` added."""
        return self.indexed(chain.from_iterable(map("".join, block) for block in blocks))

    def indexed(self, texts: Iterator[str]) -> Iterator[str]:
        """Each open text with its ``_index`` added (unchanged when no index is added): one
        ``str.join`` of the text and its index's two pieces (0.6x the time of two concatenations);
        with a :attr:`terminator`, runs of points, a run's texts and pieces in one ``str.join``
        (:func:`_interleaved`), no string made per point."""
        if self._runs is not None:
            return _interleaved(texts, self._runs)
        if self._pieces is None:
            return texts
        heads, tails = self._pieces
        return map("".join, zip(texts, heads, tails))  # stops at the texts' end, pieces untaken

    def suffixed(self, suffix: str) -> Callable[[Iterator[tuple[str, ...]]], Iterator[str]]:
        """What joins a block of fragment tuples and puts ``suffix`` after each point."""
        if not suffix:
            return _joined
        return lambda block: map(add, map("".join, block), repeat(suffix))

    def fields_text(self, fields: Mapping[str, Any]) -> str:
        """``fields`` as the text that follows a point's other fields (with the closing when closed)."""
        format = self.format
        text = "".join(format.separator + format.field(key, value) for key, value in fields.items())
        return text + (format.closing if self.closed else "")

    def dicts(self, points: Iterable[Mapping[str, Any]]) -> Iterator[str]:
        """Point by point (the fallback): O(size of each point); in runs (a :attr:`terminator`),
        a run of points at a time."""
        if self._runs is not None:
            return map(self._dicts_run, _runs(iter(points)))
        if self._pieces is not None:
            points = map(_indexed, points, self._indices(map(add, *self._pieces)))
        return map(self.format.point, points)

    def _indices(self, suffixes: Iterable[str]) -> Iterator[int]:
        """The indices written in ``suffixes`` (each ``before + str(index) + after``)."""
        before, after = map(len, self._affixes)
        return (int(suffix[before : len(suffix) - after]) for suffix in suffixes)

    def _dicts_run(self, run: list[Mapping[str, Any]]) -> str:
        """A run of points as dicts, each with its ``_index`` and the terminator."""
        slots, tails = self._runs.take(len(run))  # type: ignore[union-attr]  # only called in runs
        points = map(_indexed, run, self._indices(map(add, slots[1::3], tails)))
        return "".join(map(add, map(self.format.point, points), repeat(self.terminator)))

    def templated(self, groups: Iterable[Templated]) -> Iterator[str]:
        """The texts of rows given as templates with holes (:meth:`lazysweep.Sweep._templated`):
        each group's template is encoded once (and kept while groups reuse its fields), each row
        is its holes' values encoded and put in place by one ``%``. O(fields) per template,
        O(holes) per row; a format without templates writes the rows as dicts."""
        return chain.from_iterable(self._rows(fields, holes, rows) for fields, holes, rows in groups)

    def _template(self, fields: Mapping[str, Any], holes: tuple[str, ...]) -> str | None:
        """The %-format of the rows ``{**fields, **dict(zip(holes, values))}``, one ``%s`` per hole:
        that dict encoded once with a marker in each hole. None when such rows must go as dicts:
        holes not in the order the merged dict keeps them, a value that writes the marker, or
        an ``_index`` among the keys when one is added."""
        key = (id(fields), holes)
        found = self._templates.get(key)
        if found is not None and found[0] is fields:  # the same fields (kept alive here, so their id is theirs)
            return found[1]
        if len(self._templates) >= _TEMPLATES_CACHED:
            self._templates.clear()
        merged = {**fields, **dict.fromkeys(holes, _HOLE)}
        made = None
        if (self.format.templates and merged and tuple(filter(holes.__contains__, merged)) == holes
                and (self.closed or INDEX_FIELD not in merged)):
            text = self.format.point(merged)
            if text.count(_HOLE_TEXT) == len(holes):
                made = _literal(text if self.closed else text[:-1]).replace(_HOLE_TEXT, "%s")  # the _index ends it
        self._templates[key] = fields, made
        return made

    def _rows(self, fields: Mapping[str, Any], holes: tuple[str, ...], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
        made = self._template(fields, holes)
        if made is None:
            return self.dicts({**fields, **dict(zip(holes, row))} for row in rows)
        value = self.format.value  # type: ignore[attr-defined]  # templates: JsonFormat only
        return self.indexed(map(made.__mod__, map(tuple, map(map, repeat(value), rows))))


#: The most points in one run of texts (:attr:`Encoding.terminator`): what bounds a run's memory.
POINTS_PER_RUN = 2048


def _runs(texts: Iterator[Any]) -> Iterator[list[Any]]:
    """``texts`` (or points) in lists of :data:`POINTS_PER_RUN` (the last one shorter)."""
    while run := list(islice(texts, POINTS_PER_RUN)):
        yield run


def _interleaved(texts: Iterator[str], runs: _IndexRuns) -> Iterator[str]:
    """Runs of open texts (as long as :meth:`_IndexRuns.size` says), each text followed by its
    index's head and tail, as one ``str.join`` a run (:meth:`_IndexRuns.pieces`): no string is
    made per point. O(points) time, O(POINTS_PER_RUN) memory."""
    while run := list(islice(texts, runs.size())):
        yield "".join(runs.pieces(run))


#: Indices are written a thousand at a time: a prefix per thousand, a table of the last three digits.
_THOUSAND = 1000


def _index_pieces(before: str, after: str, indices: Iterable[int]) -> tuple[Iterator[str], Iterator[str]]:
    """Heads and tails, lazily, with ``head + tail == before + str(index) + after`` for each index;
    to be taken in step (a head, then its tail). For a ``range`` of step 1 (a product's, a contiguous
    selection's) a head is ``before`` and the digits of a thousand, a tail the last three digits and
    ``after`` from a table: no index is formatted, where ``%`` would format each anew."""
    if indices.__class__ is not range or indices.step != 1 or indices.stop - indices.start < _THOUSAND:
        return repeat(before), map(("%d" + _literal(after)).__mod__, indices)
    plain = [f"{low}{after}" for low in range(_THOUSAND)]
    padded = [f"{low:03d}{after}" for low in range(_THOUSAND)]
    start, stop = indices.start, indices.stop

    def thousands() -> Iterator[tuple[int, int, int]]:
        first = start
        while first < stop:
            high, low = divmod(first, _THOUSAND)
            take = min(stop - first, _THOUSAND - low)
            yield high, low, take
            first += take

    heads = chain.from_iterable(repeat(f"{before}{high}" if high else before, take) for high, _, take in thousands())
    tails = chain.from_iterable((padded if high else plain)[low : low + take] for high, low, take in thousands())
    return heads, tails


class _IndexRuns:
    """The ``_index`` pieces of runs of texts (:func:`_interleaved`), a run at a time, with
    ``head + tail == before + str(index) + after`` for each index as in :func:`_index_pieces`.

    For a ``range`` of step 1, runs end at thousands (:meth:`size`) and a whole thousand's
    pieces are one list kept from run to run: its tails (the table) stay in place, only the texts
    and the thousand's head are put in, by two slice assignments. O(size) C-level steps a run.
    """

    __slots__ = ("before", "formatted", "next", "stop", "plain", "padded", "whole")

    def __init__(self, before: str, after: str, indices: Iterable[int]) -> None:
        self.before = before
        #: The whole texts after each open text of indices that are not a long range of step 1,
        #: formatted each (their heads empty).
        self.formatted: Iterator[str] | None = None
        self.next = self.stop = 0
        if indices.__class__ is not range or indices.step != 1 or indices.stop - indices.start < _THOUSAND:
            self.formatted = map((_literal(before) + "%d" + _literal(after)).__mod__, indices)
            return
        self.next, self.stop = indices.start, indices.stop
        self.plain = [f"{low}{after}" for low in range(_THOUSAND)]
        self.padded = [f"{low:03d}{after}" for low in range(_THOUSAND)]
        #: The slots of a whole thousand past the first, kept: its tails in place, its texts and
        #: heads put in for each run.
        self.whole = [before] * (3 * _THOUSAND)
        self.whole[2::3] = self.padded

    def size(self) -> int:
        """How many points the next run should hold: up to the next thousand (of a range)."""
        if self.formatted is not None:
            return POINTS_PER_RUN
        return _THOUSAND - self.next % _THOUSAND

    def take(self, size: int) -> tuple[list[str], list[str]]:
        """The next ``size`` indices' pieces: a list of ``3 * size`` slots with each index's head at
        ``3 * k + 1`` (the other slots to be filled), and the ``size`` tails."""
        slots: list[str] = []
        tails: list[str] = []
        if self.formatted is not None:
            tails += islice(self.formatted, size)
            return [""] * (3 * len(tails)), tails
        first = self.next
        last = self.next = min(first + size, self.stop)
        while first < last:
            high, low = divmod(first, _THOUSAND)
            count = min(last - first, _THOUSAND - low)
            slots += [f"{self.before}{high}" if high else self.before] * (3 * count)
            tails += (self.padded if high else self.plain)[low : low + count]
            first += count
        return slots, tails

    def pieces(self, run: list[str]) -> list[str]:
        """The run's texts, each followed by its index's head and tail (or its formatted text
        alone), ready to join."""
        size = len(run)
        if self.formatted is not None:
            pieces = run * 2  # any strings: every slot is put in below
            pieces[::2] = run
            pieces[1::2] = islice(self.formatted, size)
            return pieces
        high = self.next // _THOUSAND
        if size == _THOUSAND and high:  # a whole thousand, past the first
            self.next += size
            pieces = self.whole
            pieces[1::3] = [f"{self.before}{high}"] * size
        else:
            pieces, tails = self.take(size)
            pieces[2::3] = tails
        pieces[::3] = run
        return pieces


def _joined(block: Iterator[tuple[str, ...]]) -> Iterator[str]:
    return map("".join, block)


def _indexed(point: Mapping[str, Any], index: int) -> dict[str, Any]:
    return {**point, INDEX_FIELD: index}


# -- canonical text: what fingerprints hash ---------------------------------------------------

#: Float ranges up to this size are described by their values, so a list giving the same values matches.
_LISTED_FLOATS = 10_000


def canonical(value: Any) -> str:
    """A value as canonical JSON: no spaces, ASCII only, and the keys of each mapping written as
    JSON names (``1`` as ``"1"``) and sorted as such, so keys of mixed types (``{name: a, 8: fast}``)
    have one order. SweepError for a mapping with two keys JSON writes as one name. O(size).

    >>> canonical({"name": "a", 8: "fast", "ok": [True, None]})
    '{"8":"fast","name":"a","ok":[true,null]}'
    """
    return "".join(_CANONICAL(_named(value), 0))


#: The C encoder of canonical JSON (``json.dumps(sort_keys=True, separators=(",", ":"))``'s bytes).
_CANONICAL = make_encoder(None, _unserializable, encode_basestring_ascii, None, ":", ",", True, False, True)


def _named(value: Any) -> Any:
    """``value`` with every mapping's keys as the names JSON writes for them (repeats refused)."""
    kind = value.__class__
    if kind is dict:
        _refuse_repeated_names(value)
        return {json_key(key): _named(item) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [_named(item) for item in value]
    return value


def describe_axes(axes: Sequence[Axis]) -> list[Any]:
    """Axes as ``[name, form]`` pairs, each form a function of the axis's values only: a list, a
    range and a geometric range giving the same values have the same form. O(listed values)."""
    return [[axis.name, _axis(axis)] for axis in axes]


def _axis(axis: Axis) -> list[Any]:
    if isinstance(axis, ArithmeticRange):
        if axis.size == 1:
            return _values([axis.start])
        return ["arithmetic", axis.start, axis.step, axis.size]
    if isinstance(axis, GeometricRange):
        if axis.size <= 3:  # few enough to be an arithmetic progression, or a plain list
            return _values(list(axis))
        return ["geometric", axis.start, axis.factor, axis.size, axis.stop]
    if isinstance(axis, ValuesAxis):
        return _values(list(axis.values))
    # Float ranges are imported here, as the sweep-file reader does: 2 ms of the command line's
    # start-up (python -X importtime, a loaded 2-core machine), paid only when floats are described.
    from ._floatranges import FloatRange

    if isinstance(axis, FloatRange):  # listed when short, else its rule: floats are never written as a range
        return _values(list(axis)) if axis.size <= _LISTED_FLOATS else ["float", repr(axis)]
    raise TypeError(f"cannot fingerprint an axis of kind {type(axis).__name__}")


def _values(values: list[Any]) -> list[Any]:
    """A list of values in the form a range giving the same values takes, or else as canonical JSON."""
    whole = len(values) >= 2 and all(type(value) is int for value in values)
    if whole:
        step = values[1] - values[0]
        if step and all(b - a == step for a, b in zip(values, values[1:])):
            return ["arithmetic", values[0], step, len(values)]
        if len(values) >= 4 and values[0] >= 1 and values[1] % values[0] == 0:
            factor = values[1] // values[0]
            if factor >= 2 and list(GeometricRange("", values[0], values[-1], factor)) == values:
                return ["geometric", values[0], factor, len(values), values[-1]]
    return ["values", list(map(canonical, values))]
