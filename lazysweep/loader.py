"""Safe YAML loading with positions, for files nobody has checked.

PyYAML's own loaders keep the last of two equal mapping keys without a
word, crash the interpreter on deeply nested input (the C composer
recurses) and hand back structures that expand without bound when aliases
nest ("billion laughs"). This module builds plain Python values straight
from the parser's events instead (libyaml's C parser when present), so it
can refuse all of that before any harm is done:

* only plain data: strings, integers, finite floats, booleans, null, lists
  and mappings; any other tag (``!!python/object``, ``!!binary``, ``!foo``)
  is an error, and nothing is ever constructed or run;
* duplicate keys are errors; merge keys (``<<``) follow the YAML merge
  spec, as PyYAML's SafeLoader did up to 6.0.3 (own keys win, then earlier
  merged mappings); timestamps stay strings, as GitHub reads them;
* limits on file size, nesting depth and the size of the expanded document.

Every error is a :class:`~lazysweep.errors.SweepError` naming the file,
line and column. A loaded :class:`Document` remembers where each value of
each list and mapping was written, for the errors of later stages.
"""

from __future__ import annotations

import math
import os
import sys
from collections import namedtuple

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from typing import Any

import yaml
from yaml import events as ev

from .errors import SweepError

__all__ = ["Limits", "Document", "Position", "STDIN", "load_document", "parse_document"]

try:
    _Parser: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Parser = yaml.SafeLoader

_TAG = "tag:yaml.org,2002:"
_PLAIN_TAGS = {_TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp", "value")}
_TEXT_TAGS = {_TAG + name for name in ("str", "timestamp", "value")}  # kept as the text written
_scalar_maker = yaml.constructor.SafeConstructor()


class Limits(namedtuple("Limits", "max_bytes max_depth max_nodes", defaults=(64 * 1024 * 1024, 100, 10_000_000))):
    """Bounds on what a file may cost to load: ``Limits(max_bytes, max_depth, max_nodes)``.

    Raise them by passing your own; :meth:`from_environment` (the default)
    reads ``LAZYSWEEP_MAX_BYTES``, ``LAZYSWEEP_MAX_DEPTH`` and
    ``LAZYSWEEP_MAX_NODES`` when set.
    """

    __slots__ = ()

    @classmethod
    def from_environment(cls) -> Limits:
        values = {}
        for field, variable in (
            ("max_bytes", "LAZYSWEEP_MAX_BYTES"),
            ("max_depth", "LAZYSWEEP_MAX_DEPTH"),
            ("max_nodes", "LAZYSWEEP_MAX_NODES"),
        ):
            text = os.environ.get(variable)
            if text is not None:
                if not text.strip().isdigit() or int(text) < 1:
                    raise SweepError(f"{variable} must be a positive integer, got {text!r}")
                values[field] = int(text)
        return cls(**values)


Position = namedtuple("Position", "line column")
Position.__doc__ = "A 1-based line and column."


class Document:
    """A loaded YAML document: its ``value`` and where each part of it was written."""

    def __init__(self, path: str | None, value: Any, positions: dict[int, Any], root: Position | None) -> None:
        self.path = path
        self.value = value
        # id(container) -> (its mark, {key or index: value mark}, {key: key mark}), parser marks
        # turned into positions only when asked for
        self._positions = positions
        self._root = root  # `value` keeps every container alive, so their ids stay valid

    def position(self, container: Any = None, key: Any = None, at_key: bool = False) -> Position | None:
        """Where ``container[key]`` was written (the key itself with ``at_key``,
        the container without ``key``)."""
        if container is None:
            return self._root
        entry = self._positions.get(id(container))
        if entry is None:
            return None
        own, values, keys = entry
        return _position(own if key is None else (keys if at_key else values).get(key, own))

    def error(self, message: str, container: Any = None, key: Any = None, at_key: bool = False) -> SweepError:
        """A SweepError about ``container[key]`` (or that key), located in this file."""
        where = self.position(container, key, at_key)
        if where is None:
            return SweepError(message, path=self.path)
        return SweepError(message, path=self.path, line=where.line, column=where.column)


def load_document(path: str | os.PathLike[str], limits: Limits | None = None, positions: bool = True) -> Document:
    """Read and parse one YAML file (``-``: standard input). O(file size), bounded by ``limits``.

    ``positions=False`` keeps no record of where each value was written once
    its mapping or list is read (errors found later then name only the file):
    half the time and most of the memory for large files whose later errors
    have no use for positions.
    """
    name = os.fspath(path)
    if name == STDIN:
        name = "<stdin>"
    limits = limits or Limits.from_environment()
    try:
        with _open(path) as handle:
            data = handle.read(limits.max_bytes + 1)
    except IsADirectoryError:
        raise SweepError("is a directory, not a file", path=name) from None
    except FileNotFoundError:
        raise SweepError("no such file", path=name) from None
    except OSError as error:
        raise SweepError(f"cannot read: {error.strerror or error}", path=name) from None
    if len(data) > limits.max_bytes:
        raise SweepError(
            f"file is larger than {limits.max_bytes} bytes (raise LAZYSWEEP_MAX_BYTES to allow it)",
            path=name,
        )
    return parse_document(data, name, limits, positions)


#: The path that means standard input, as most command-line tools read it.
STDIN = "-"


def _open(path: str | os.PathLike[str]) -> Any:
    """The file at ``path`` for reading bytes; for ``-``, standard input (left open after)."""
    if os.fspath(path) == STDIN:
        from contextlib import nullcontext

        return nullcontext(sys.stdin.buffer)
    return open(path, "rb")


def parse_document(
    data: bytes | str, path: str = "<string>", limits: Limits | None = None, positions: bool = True
) -> Document:
    """Parse YAML text (bytes must be UTF-8) into a :class:`Document`."""
    limits = limits or Limits.from_environment()
    if isinstance(data, bytes):
        if b"\0" in data:
            raise SweepError("binary data, not YAML text", path=path)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
            raise SweepError("not UTF-8 text", path=path, line=line, column=column) from None
    else:
        text = data
    text = text.removeprefix("\ufeff")  # a byte-order mark
    if not text.strip():
        raise SweepError("file is empty", path=path)
    return _Builder(text, path, limits, positions).build()


def _short(value: Any, limit: int = 40) -> str:
    """``repr(value)``, cut to ``limit`` characters for an error message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag


def _position(mark: Any) -> Position:
    return Position(mark.line + 1, mark.column + 1)


class _Frame:
    """A list or mapping being built. Positions are kept as the parser's marks and turned
    into line and column only when an error asks (most never are)."""

    __slots__ = ("container", "anchor", "children", "keys", "own", "key", "key_mark", "nodes", "is_map", "merged")

    def __init__(self, container: Any, anchor: str | None, own: Any) -> None:
        self.container = container
        self.is_map = isinstance(container, dict)
        self.anchor = anchor
        self.own = own
        self.children: dict[Any, Any] = {}
        self.keys: dict[Any, Any] = {}
        self.key: Any = _NO_KEY
        self.key_mark = own
        self.nodes = 1
        self.merged: list[tuple[Any, Any]] = []  # pairs from merge keys (<<), in PyYAML's order


_NO_KEY = object()
_MERGE = object()  # the value of a plain ``<<`` scalar: a merge key


class _Builder:
    """Turns a stream of parser events into values, iteratively (no recursion)."""

    def __init__(self, text: str, path: str, limits: Limits, positions: bool = True) -> None:
        self.text, self.path, self.limits, self.keep_positions = text, path, limits, positions
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.positions: dict[int, Any] = {}
        self.nodes = 0
        self.plain: dict[str, Any] = {}  # plain scalar text -> its value: resolving is the slow part

    def fail(self, message: str, mark: Any) -> SweepError:
        where = _position(mark)
        return SweepError(message, path=self.path, line=where.line, column=where.column)

    def build(self) -> Document:
        parser = _Parser(self.text)
        try:
            return self._build(parser)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            message = ": ".join(part for part in (error.context, error.problem) if part)
            if mark is None:
                raise SweepError(f"invalid YAML: {message}", path=self.path) from None
            raise self.fail(f"invalid YAML: {message}", mark) from None
        except yaml.reader.ReaderError as error:
            before = self.text[: error.position]
            line, column = before.count("\n") + 1, error.position - (before.rfind("\n") + 1) + 1
            raise SweepError(
                f"invalid YAML: character #x{error.character:04x} is not allowed ({error.reason})"
                if isinstance(error.character, int)
                else f"invalid YAML: {error.reason}",
                path=self.path, line=line, column=column,
            ) from None
        except yaml.YAMLError as error:
            raise SweepError(f"invalid YAML: {error}", path=self.path) from None
        finally:
            parser.dispose()

    def _build(self, parser: Any) -> Document:
        parser.get_event()  # StreamStartEvent
        if parser.check_event(ev.StreamEndEvent):
            raise SweepError("file is empty", path=self.path)
        parser.get_event()  # DocumentStartEvent
        root_mark = parser.peek_event().start_mark
        value = self._value(parser)
        parser.get_event()  # DocumentEndEvent
        if not parser.check_event(ev.StreamEndEvent):
            raise self.fail("more than one YAML document in the file", parser.peek_event().start_mark)
        return Document(self.path, value, self.positions, _position(root_mark))

    def _value(self, parser: Any) -> Any:
        """The next node's value. The hot loop of loading: kept flat on purpose."""
        stack: list[_Frame] = []
        get_event, limits, anchors, keep_positions = parser.get_event, self.limits, self.anchors, self.keep_positions
        scalar_event, alias_event, mapping_start = ev.ScalarEvent, ev.AliasEvent, ev.MappingStartEvent
        sequence_start = ev.SequenceStartEvent
        while True:
            event = get_event()
            kind = type(event)
            if kind is scalar_event:
                done, nodes = self._scalar(parser, event), 1
                where = event.start_mark
                self.nodes += 1
            elif kind is alias_event:
                if event.anchor not in anchors:
                    raise self.fail(f"unknown or recursive alias *{event.anchor}", event.start_mark)
                done, nodes = anchors[event.anchor]
                where = event.start_mark
                self.nodes += nodes
                if self.nodes > limits.max_nodes:
                    raise self._too_big(event)
            elif kind is mapping_start or kind is sequence_start:
                self._check_collection_tag(event, "map" if kind is mapping_start else "seq")
                if len(stack) >= limits.max_depth:
                    raise self.fail(
                        f"nested deeper than {limits.max_depth} levels (raise LAZYSWEEP_MAX_DEPTH to allow it)",
                        event.start_mark,
                    )
                self.nodes += 1
                if self.nodes > limits.max_nodes:
                    raise self._too_big(event)
                stack.append(_Frame({} if kind is mapping_start else [], event.anchor, event.start_mark))
                continue
            else:  # SequenceEndEvent or MappingEndEvent
                frame = stack.pop()
                done, nodes, where = frame.container, frame.nodes, frame.own
                if frame.merged:  # merged pairs first, the mapping's own keys override them
                    own_pairs = list(done.items())
                    done.clear()
                    done.update(frame.merged)
                    done.update(own_pairs)
                if keep_positions:
                    self.positions[id(done)] = (frame.own, frame.children, frame.keys)
                if frame.anchor is not None:
                    anchors[frame.anchor] = (done, nodes)
            if not stack:
                return done
            frame = stack[-1]
            frame.nodes += nodes
            container = frame.container
            if done is _MERGE and not (frame.is_map and frame.key is _NO_KEY):
                raise self.fail("'<<' (a merge key) is only allowed as a mapping key", where)
            if not frame.is_map:
                if keep_positions:
                    frame.children[len(container)] = where
                container.append(done)
            elif frame.key is _MERGE:
                frame.merged.extend(self._merge_pairs(done, where))
                frame.key = _NO_KEY
            elif frame.key is _NO_KEY:
                if isinstance(done, (dict, list)):
                    raise self.fail("a mapping key must be a scalar", where)
                if done in container:
                    first = frame.keys[done].line + 1
                    raise self.fail(f"duplicate key {_short(done)} (first at line {first})", where)
                frame.key, frame.key_mark = done, where
            else:
                container[frame.key] = done
                frame.keys[frame.key] = frame.key_mark  # kept while the mapping is open, for duplicates
                if keep_positions:
                    frame.children[frame.key] = where
                frame.key = _NO_KEY

    def _merge_pairs(self, value: Any, where: Any) -> list[tuple[Any, Any]]:
        """The pairs a merge key brings, in PyYAML's order up to 6.0.3: for a list of
        mappings the earlier ones win (the merge spec), so their pairs come later."""
        sources = value if isinstance(value, list) else [value]
        if not all(isinstance(source, dict) for source in sources):
            raise self.fail("a merge key (<<) takes a mapping or a list of mappings", where)
        return [pair for source in reversed(sources) for pair in source.items()]

    def _too_big(self, event: Any) -> SweepError:
        return self.fail(
            f"document expands to more than {self.limits.max_nodes} values through aliases "
            "(raise LAZYSWEEP_MAX_NODES to allow it)",
            event.start_mark,
        )

    def _check_collection_tag(self, event: Any, kind: str) -> None:
        if event.tag not in (None, "!", _TAG + kind):
            raise self.fail(f"unsupported YAML tag {_short_tag(event.tag)}", event.start_mark)

    def _scalar(self, parser: Any, event: Any) -> Any:
        tag = event.tag
        plain = tag is None and event.implicit[0]
        if plain and event.anchor is None:
            known = self.plain.get(event.value, _NO_KEY)
            if known is not _NO_KEY:
                return known
        if tag is None or tag == "!":
            tag = parser.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == _TAG + "merge":
            if plain:
                self.plain[event.value] = _MERGE
            return _MERGE
        if tag not in _PLAIN_TAGS:
            raise self.fail(f"unsupported YAML tag {_short_tag(tag)}", event.start_mark)
        if tag in _TEXT_TAGS:
            value: Any = event.value
        else:
            node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark)
            kind = tag[len(_TAG) :]
            try:
                value = getattr(_scalar_maker, "construct_yaml_" + kind)(node)
            except (ValueError, yaml.YAMLError) as error:
                reason = str(error).split(":")[0]
                raise self.fail(f"invalid {kind} {_short(event.value)}: {reason}", event.start_mark) from None
            if isinstance(value, float) and not math.isfinite(value):
                raise self.fail(f"{_short(event.value)} is not a finite number", event.start_mark)
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, 1)
        if plain:
            self.plain[event.value] = value
        return value

