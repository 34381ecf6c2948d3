"""Safe YAML loading with positions, for files nobody has checked.

PyYAML's own loaders keep the last of two equal mapping keys without a
word, crash the interpreter on deeply nested input (the C composer
recurses) and hand back structures that expand without bound when aliases
nest ("billion laughs"). This module builds plain Python values straight
from the parser's events instead (libyaml's C parser when present), so it
can refuse all of that before any harm is done:

* only plain data: strings, integers, floats, booleans, null, lists and
  mappings; any other tag (``!!python/object``, ``!!binary``, ``!foo``) is
  an error, and nothing is ever constructed or run;
* duplicate keys are errors; merge keys (``<<``) follow the YAML merge
  spec, as PyYAML's SafeLoader did up to 6.0.3 (own keys win, then earlier
  merged mappings); timestamps stay strings;
* limits on file size, nesting depth and the size of the expanded document.

Plain scalars are typed by one of two dialects:

* :data:`GITHUB` (the default: sweep files, workflows): the YAML 1.2 core
  schema, exactly as GitHub's runner reads workflows (``YamlObjectReader``
  in actions/runner): only ``true``/``false`` (three spellings each) are
  booleans; ``null``, ``~`` and nothing are null; ``017`` is 17, ``0x1F`` and
  ``0o17`` are integers (32-bit two's complement: ``0xFFFFFFFF`` is -1),
  ``1e-4`` and ``.inf`` are numbers; ``yes``, ``on``, ``1_000``, ``1:30``,
  ``0b11`` and ``2024-01-01`` are strings. ``!!str`` makes any scalar a
  string; ``!!int``, ``!!float``, ``!!bool`` and ``!!null`` take a plain
  scalar of their kind; other tags on scalars (``!`` too) are refused, as
  the runner refuses them;
* :data:`PYYAML`: ``yaml.safe_load``'s YAML 1.1 rules (``yes`` is True), for
  the drop-ins, whose upstreams read their configs with PyYAML; non-finite
  floats are refused there.

Every error is a :class:`~lazysweep._errors.SweepError` naming the file,
line and column. A loaded :class:`Document` remembers where each value of
each list and mapping was written, for the errors of later stages.
"""

from __future__ import annotations

import gc
import math
import os
import re
import sys
from collections import namedtuple
from collections.abc import Mapping

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from typing import Any

import yaml
from yaml import events as ev

from ._errors import SweepError, UsageError
from ._flowlists import FlowList, blank_flow_lists

__all__ = [
    "GITHUB", "PYYAML", "Limits", "LIMIT_RANGES", "Document", "Position",
    "STDIN", "gc_paused", "load_document", "load_file", "parse_document", "safe_load", "libyaml_agrees", "github_scalar", "yaml11_note",
]

#: The YAML 1.2 core schema, as GitHub Actions reads workflows.
GITHUB = "github"
#: PyYAML's ``safe_load`` rules (YAML 1.1).
PYYAML = "pyyaml"

try:
    _Parser: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Parser = yaml.SafeLoader

_TAG = "tag:yaml.org,2002:"
_PLAIN_TAGS = {_TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp", "value")}
_TEXT_TAGS = {_TAG + name for name in ("str", "timestamp", "value")}  # kept as the text written
# What :func:`safe_load` builds itself: any other tag (a timestamp, a merge key) is left to PyYAML.
_SAFE_LOAD_TAGS = {_TAG + name for name in ("str", "int", "float", "bool", "null")}
_scalar_maker = yaml.constructor.SafeConstructor()
_MAX_DIGITS = 4300  # CPython's default int-from-text limit, kept whatever the process sets

# The YAML 1.2 core schema (yaml.org/spec/1.2.2, 10.3.2) as actions/runner's YamlObjectReader
# applies it to plain scalars: null, then bool, then int, then float, else a string.
_CORE_WORDS = {
    "": None, "~": None, "null": None, "Null": None, "NULL": None,
    "true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False,
}
_CORE_SPECIAL = {
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
}
_NUMBER_START = frozenset("0123456789+-.")
# Within these characters, float() takes exactly the core schema's [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)
# ([eE][-+]?[0-9]+)?: no underscores, spaces or words (inf, nan) can reach it.
_FLOAT_CHARS = frozenset("0123456789+-.eE")
# The runner reads 0x and 0o integers as Int32 (YamlObjectReader.MatchInteger: Int32.TryParse with
# AllowHexSpecifier, Convert.ToInt32(text, 8)): 32 bits, two's complement, wider is an error.
_INT32_MAX = 2**31 - 1
_UINT32_MAX = 2**32 - 1


class Limits(namedtuple("Limits", "max_bytes max_depth max_nodes", defaults=(64 * 1024 * 1024, 100, 10_000_000))):
    """Bounds on what a file may cost to load: ``Limits(max_bytes, max_depth, max_nodes)``.

    Raise them by passing your own; :meth:`from_environment` (the default)
    reads ``LAZYSWEEP_MAX_BYTES``, ``LAZYSWEEP_MAX_DEPTH`` and
    ``LAZYSWEEP_MAX_NODES`` when set.
    """

    __slots__ = ()

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The limits ``LAZYSWEEP_MAX_*`` set (the defaults for the rest).

        Each value must be ASCII digits within a sane range (:data:`LIMIT_RANGES`);
        anything else is a :class:`~lazysweep._errors.UsageError` naming the variable.

        >>> Limits.from_environment({"LAZYSWEEP_MAX_DEPTH": "7"}).max_depth
        7
        """
        environ = os.environ if environ is None else environ
        values = {}
        for field, variable in _LIMIT_VARIABLES:
            text = environ.get(variable)
            if text is not None:
                values[field] = _limit_value(variable, text, LIMIT_RANGES[field])
        return cls(**values)


_LIMIT_VARIABLES = (
    ("max_bytes", "LAZYSWEEP_MAX_BYTES"),
    ("max_depth", "LAZYSWEEP_MAX_DEPTH"),
    ("max_nodes", "LAZYSWEEP_MAX_NODES"),
)

#: The values each limit may take from the environment: (lowest, highest).
LIMIT_RANGES = {"max_bytes": (1, 1 << 40), "max_depth": (1, 100_000), "max_nodes": (1, 10**12)}


def _limit_value(variable: str, text: str, bounds: tuple[int, int]) -> int:
    """``text`` as a limit: stripped ASCII digits within ``bounds``, else a UsageError."""
    low, high = bounds
    digits = text.strip()
    if digits.isascii() and digits.isdigit() and len(digits) <= len(str(high)) and low <= int(digits) <= high:
        return int(digits)
    raise UsageError(f"{variable} must be a whole number from {low} to {high}, got {_short(text)}")


def github_scalar(text: str) -> Any:
    """The value GitHub gives the plain scalar ``text`` (YAML 1.2 core schema). O(len(text)).

    Raises ValueError (the reason) for numbers GitHub refuses: a ``0x`` or
    ``0o`` integer beyond 32 bits, or more than 4,300 digits. ``0x`` and ``0o``
    integers are 32-bit two's complement, as the runner reads them.

    >>> [github_scalar(t) for t in ("yes", "on", "~", "True", "017", "0x1F", "0o17", "1e-4", "1_000", "1:30")]
    ['yes', 'on', None, True, 17, 31, 15, 0.0001, '1_000', '1:30']
    >>> github_scalar("0xFFFFFFFF"), github_scalar("0x80000000"), github_scalar("0o37777777777"), github_scalar("0X1F")
    (-1, -2147483648, -1, '0X1F')
    """
    word = _CORE_WORDS.get(text, _NO_KEY)
    if word is not _NO_KEY:
        return word
    if text[0] not in _NUMBER_START:
        return text
    digits = text[1:] if text[0] in "+-" else text
    if digits.isdigit() and digits.isascii():  # [-+]?[0-9]+ (isascii: no other script's digits)
        if len(text) > _MAX_DIGITS:
            raise ValueError(f"more than {_MAX_DIGITS} digits")
        return int(text)
    digits = text[2:]
    if text[:2] in ("0x", "0o") and digits.isalnum() and digits.isascii():  # 0x[0-9a-fA-F]+ or 0o[0-7]+
        try:
            number = int(digits, 16 if text[1] == "x" else 8)
        except ValueError:  # 0o8, 0xg: text
            return text
        if number > _UINT32_MAX:
            raise ValueError(f"GitHub reads 0x and 0o integers as 32 bits, up to {_UINT32_MAX:#x}")
        return number - (1 << 32) if number > _INT32_MAX else number  # the sign bit: 0xFFFFFFFF is -1
    if _FLOAT_CHARS.issuperset(text):
        try:
            return float(text)
        except ValueError:  # 1e, 1.5.2, +-1: text
            return text
    return _CORE_SPECIAL.get(text, text)


def github_words(words: list[str], source: str) -> list[Any]:
    """``[github_scalar(word) for word in words]``, for the plain words of a flow sequence written
    as ``source`` (brackets included, no quotes in it): ValueError as github_scalar raises it. O(len(source)).

    Numbers in JSON's syntax (and true, false, null) are read by ``json.loads``, whose values are
    the core schema's for them: JSON's integers and floats are a subset of its, read by ``int`` and
    ``float`` alike; NaN and Infinity, words to GitHub, are refused there. Words not starting
    like a number are strings, unless one of the null and boolean words.

    >>> github_words(["1", "-2.5e3", "true"], "[1, -2.5e3, true]"), github_words(["017", "NaN", "~"], "[017, NaN, ~]")
    ([1, -2500.0, True], [17, 'NaN', None])
    """
    if words[0][0] in _JSON_NUMBER_START and max(map(len, words)) <= _MAX_DIGITS:
        import json

        try:
            values: list[Any] = json.loads(source, parse_constant=_not_json)
            return values
        except ValueError:
            pass
    values = [word if word[0] not in _NUMBER_START else github_scalar(word) for word in words]
    if not _CORE_WORDS.keys().isdisjoint(words):
        values = [_CORE_WORDS[word] if word in _CORE_WORDS else value for word, value in zip(words, values)]
    return values


_JSON_NUMBER_START = frozenset("-0123456789")


def _not_json(word: str) -> Any:
    raise ValueError(f"{word} is a string to GitHub")


def yaml11_note(value: Any) -> str:
    """For a string that YAML 1.1 (PyYAML) would have typed: a note saying so, else ``""``.

    For error messages, where a file written for PyYAML meets GitHub's rules.

    >>> yaml11_note("yes")
    "`yes` is the string 'yes' on GitHub (YAML 1.1 would read a boolean)"
    >>> yaml11_note("1_000"), yaml11_note("plain")
    ("`1_000` is the string '1_000' on GitHub (YAML 1.1 would read an integer)", '')
    """
    if not isinstance(value, str) or not value or "\n" in value:
        return ""
    resolver: Any = yaml.resolver.Resolver()  # PyYAML's YAML 1.1 rules, as safe_load applies them
    kind = _YAML11_KINDS.get(resolver.resolve(yaml.ScalarNode, value, (True, False)))
    try:
        typed_on_github = github_scalar(value) is not value
    except ValueError:
        typed_on_github = True
    if kind is None or typed_on_github:
        return ""
    return f"`{value}` is the string {value!r} on GitHub (YAML 1.1 would read {kind})"


_YAML11_KINDS = {
    _TAG + "bool": "a boolean", _TAG + "int": "an integer", _TAG + "float": "a number",
    _TAG + "null": "null", _TAG + "timestamp": "a date",
}


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


def load_document(
    path: str | os.PathLike[str], limits: Limits | None = None, positions: bool = True, dialect: str = GITHUB
) -> Document:
    """Read and parse one YAML file (``-``: standard input). O(file size), bounded by ``limits``.

    ``dialect`` types plain scalars: :data:`GITHUB` (YAML 1.2 core, as GitHub
    reads workflows) or :data:`PYYAML` (``yaml.safe_load``'s YAML 1.1 rules).

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
            data = _read_at_most(handle, limits.max_bytes + 1)
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
    return parse_document(data, name, limits, positions, dialect)


#: The path that means standard input, as most command-line tools read it.
STDIN = "-"


def _open(path: str | os.PathLike[str]) -> Any:
    """The file at ``path`` for reading bytes; for ``-``, standard input (left open after)."""
    if os.fspath(path) == STDIN:
        from contextlib import nullcontext

        return nullcontext(sys.stdin.buffer)
    return open(path, "rb")


_READ_CHUNK = 1 << 20


def _read_at_most(handle: Any, limit: int) -> bytes:
    """Up to ``limit`` bytes of ``handle``, read a chunk at a time: memory follows the
    file's size, never the limit (``read(limit)`` would reserve all of a 64 GiB limit)."""
    chunks, size = [], 0
    while size < limit:
        chunk = handle.read(min(_READ_CHUNK, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def parse_document(
    data: bytes | str,
    path: str = "<string>",
    limits: Limits | None = None,
    positions: bool = True,
    dialect: str = GITHUB,
) -> Document:
    """Parse YAML text (bytes must be UTF-8) into a :class:`Document`, in ``dialect``.

    >>> parse_document("a: [yes, 017, 1e-4]").value, parse_document("a: [yes, 017]", dialect=PYYAML).value
    ({'a': ['yes', 17, 0.0001]}, {'a': [True, 15]})
    """
    if dialect not in (GITHUB, PYYAML):
        raise ValueError(f"unknown YAML dialect {dialect!r} (expected {GITHUB!r} or {PYYAML!r})")
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
    return _Builder(text, path, limits, positions, dialect == GITHUB).build()


#: No bounds of its own for :func:`safe_load` beyond the builder's depth (deeper input goes to PyYAML).
_UNBOUNDED = Limits(max_bytes=1 << 62, max_nodes=1 << 62)


def safe_load(data: str | bytes) -> Any:
    """``yaml.safe_load(data)``: the same value, or the same exception, as PyYAML's pure-Python
    SafeLoader gives, built from libyaml's events for speed where the two agree. O(data).

    The builder handles UTF-8 plain data: strings, numbers, booleans, nulls, lists, mappings
    and aliases, under PyYAML's YAML 1.1 rules, and hands anything else to PyYAML's own
    SafeLoader (a repeated key, a merge key, a timestamp or other tag, a non-finite number,
    invalid YAML, more than 100 levels, another encoding), which then decides as it always
    does: the value, or the exception (type and message). Text holding a character libyaml
    reads differently from PyYAML (:func:`libyaml_agrees`) goes to PyYAML from the start. On
    config files the builder is about four times as fast as PyYAML's C loader, whose per-node
    resolving and constructing are Python, and far faster than the pure-Python loader.

    >>> safe_load("a: [yes, 010, 1_000, ~]"), safe_load("a: 1\\na: 2"), safe_load(b"d: 2024-01-02")
    ({'a': [True, 8, 1000, None]}, {'a': 2}, {'d': datetime.date(2024, 1, 2)})
    """
    try:
        text = data if isinstance(data, str) else data.decode("utf-8")
        if libyaml_agrees(text):
            return _exact_value(text)
    except (SweepError, UnicodeDecodeError):
        pass
    return yaml.load(data, Loader=yaml.SafeLoader)


def load_file(path: str | os.PathLike[str]) -> Any:
    """``yaml.safe_load(open(path))``, exactly, as the drop-ins' upstreams read their configs:
    the file read in text mode (the locale's encoding, universal newlines), then the same value
    or the same exception (type and message, the file named in it) as PyYAML's pure-Python
    SafeLoader. Fast where libyaml agrees, as :func:`safe_load`. O(file size).

    OSError (FileNotFoundError for a missing file) as ``open`` raises it.
    """
    with open(path) as stream:  # upstream's own call: text mode, the default encoding
        try:
            text = stream.read()
        except UnicodeDecodeError:
            text = None  # PyYAML reads in chunks and reports its own position: let it
    if text is not None and libyaml_agrees(text):
        try:
            return _exact_value(text)
        except SweepError:
            pass
    with open(path) as stream:
        return yaml.load(stream, Loader=yaml.SafeLoader)


#: Characters libyaml and PyYAML's pure-Python reader treat differently (a tab after ``key:``,
#: a byte-order mark after the start, the Unicode line breaks NEL, LS and PS) and a carriage
#: return: text holding one is read by PyYAML alone.
PURE_ONLY_CHARACTERS = ("\t", "\ufeff", "\x85", "\u2028", "\u2029", "\r")


def libyaml_agrees(text: str) -> bool:
    """Whether libyaml's events for ``text`` are known to be PyYAML's pure-Python reader's:
    no character of :data:`PURE_ONLY_CHARACTERS` is in it. O(len(text)), at C speed.

    >>> libyaml_agrees("a: 1\\n"), libyaml_agrees("a:\\t1\\n")
    (True, False)
    """
    return not any(character in text for character in PURE_ONLY_CHARACTERS) and re.search(_COMMENT_AFTER_HEADER, text) is None


# libyaml takes ``|2#c`` (a comment right after a block scalar's header) as a header and a
# comment; PyYAML refuses it (a comment needs a space before it). Text that might hold one goes to
# PyYAML. (A pattern, compiled by its first search: the drop-ins need it, the commands' start-up not.)
_COMMENT_AFTER_HEADER = r"[|>][-+0-9]*#"


def _exact_value(text: str) -> Any:
    """The builder's value for ``text`` under safe_load's rules; SweepError for anything it leaves to PyYAML."""
    return _Builder(text, "<string>", _UNBOUNDED, positions=False, github=False, exact=True).build().value


class gc_paused:  # named as a function: `with gc_paused():`
    """Cyclic garbage collection off while in it (as it was after): for building millions of new,
    acyclic containers, where the collector's passes over them are wasted time. Nests. (A class,
    not contextlib's decorator: contextlib is not otherwise imported on the command path.)"""

    __slots__ = ("enabled",)

    def __enter__(self) -> None:
        self.enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *_: object) -> None:
        if self.enabled:
            gc.enable()


def _short(value: Any, limit: int = 40) -> str:
    """``repr(value)``, cut to ``limit`` characters for an error message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag


def _char_at(text: str, mark: Any) -> str:
    """The character at a YAML mark (line and column from 0), or "" past the end."""
    lines = text.split("\n", mark.line + 1)
    return lines[mark.line][mark.column:mark.column + 1] if mark.line < len(lines) else ""


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
        self.children: Any = {}  # {index or key: mark}; for a flow list read from the text, its marks (get only)
        self.keys: dict[Any, Any] = {}
        self.key: Any = _NO_KEY
        self.key_mark = own
        self.nodes = 1
        self.merged: list[tuple[Any, Any]] = []  # pairs from merge keys (<<), in PyYAML's order


_NO_KEY = object()
_MERGE = object()  # the value of a plain ``<<`` scalar: a merge key


class _NotAFlowList(Exception):
    """A blanked flow list the parser did not read as one sequence: load the original text."""


class _Builder:
    """Turns a stream of parser events into values, iteratively (no recursion)."""

    def __init__(self, text: str, path: str, limits: Limits, positions: bool = True, github: bool = True,
                 exact: bool = False) -> None:
        self.text, self.path, self.limits, self.keep_positions = text, path, limits, positions
        self.github = github
        self.exact = exact  # refuse what would not be exactly yaml.safe_load's value (see safe_load)
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.positions: dict[int, Any] = {}
        self.nodes = 0
        self.plain: dict[str, Any] = {}  # plain scalar text -> its value: resolving is the slow part
        self.flow_lists: dict[int, FlowList] = {}  # long flow sequences read from the text (_flowlists)
        self.flow_lists_read = 0

    def fail(self, message: str, mark: Any) -> SweepError:
        where = _position(mark)
        return SweepError(message, path=self.path, line=where.line, column=where.column)

    def build(self) -> Document:
        """The document, its long flow sequences of plain words read from the text (GitHub's rules
        only) when the parser confirms each of them; else, and for any error, the ordinary way."""
        if self.github:
            blanked, self.flow_lists = blank_flow_lists(self.text, github_words)
            if self.flow_lists:
                try:
                    document = self._parse(blanked)
                    if self.flow_lists_read == len(self.flow_lists):
                        return document
                except (SweepError, _NotAFlowList):
                    pass
                self.flow_lists, self.flow_lists_read, self.anchors, self.positions, self.nodes = {}, 0, {}, {}, 0
        return self._parse(self.text)

    def _parse(self, text: str) -> Document:
        parser = _Parser(text)
        try:
            with gc_paused():  # every container is new and acyclic: the collector's passes are waste
                return self._build(parser)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            message = ": ".join(part for part in (error.context, error.problem) if part)
            if mark is None:
                raise SweepError(f"invalid YAML: {message}", path=self.path) from None
            if _char_at(self.text, mark) == "\t":  # "found character that cannot start any token" says nothing of tabs
                message = "a tab: tabs can't indent YAML, use spaces"
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
        named: set[str] | None = set() if self.exact else None  # the anchors so far, for safe_load's refusal
        flow_lists = self.flow_lists
        while True:
            event = get_event()
            kind = type(event)
            if kind is scalar_event:
                if named is not None and event.anchor is not None:
                    self._name_once(named, event)
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
                if named is not None and event.anchor is not None:
                    self._name_once(named, event)
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
                if flow_lists and kind is sequence_start and event.end_mark.index in flow_lists:
                    self._fill(parser, stack[-1], flow_lists[event.end_mark.index], event.end_mark)
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

    def _fill(self, parser: Any, frame: _Frame, flow: FlowList, after_bracket: Any) -> None:
        """Put a flow list's items into the sequence just opened at its ``[``, whose end must
        follow at its ``]`` (else _NotAFlowList). O(1): the items' positions are computed on demand."""
        following = parser.peek_event()
        where: Any = following.start_mark
        if type(following) is not ev.SequenceEndEvent or where.index != flow.close:
            raise _NotAFlowList
        frame.container = flow.values
        frame.nodes += len(flow.values)
        self.nodes += len(flow.values)
        if self.keep_positions:
            frame.children = flow.marks(after_bracket.line, after_bracket.column - 1)
        self.flow_lists_read += 1

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
        if self.github:
            value = self._github_scalar(event, plain)
        else:
            value = self._pyyaml_scalar(parser, event, plain)
        if event.anchor is not None and value is not _MERGE:
            self.anchors[event.anchor] = (value, 1)
        if plain:
            self.plain[event.value] = value
        return value

    def _name_once(self, named: set[str], event: Any) -> None:
        """Note an anchor; a second one of the same name fails (``yaml.safe_load`` refuses it,
        where YAML 1.2 lets the later one win), so :func:`safe_load` leaves the text to PyYAML."""
        if event.anchor in named:
            raise self.fail(f"anchor &{event.anchor} defined twice", event.start_mark)
        named.add(event.anchor)

    def _github_scalar(self, event: Any, plain: bool) -> Any:
        """A scalar under GitHub's rules (YamlObjectReader.AllowLiteral in actions/runner): ``!!str``
        is a string in any style; ``!!int``, ``!!float``, ``!!bool`` and ``!!null`` hold a plain
        scalar of that kind; any other tag, ``!`` included, is refused with the runner's reason."""
        tag, text = event.tag, event.value
        if tag is None:
            if not plain:
                return text  # quoted, literal or folded: always a string
            if text == "<<":
                return _MERGE
            kind = "int"  # the only plain scalars refused: integers out of range
        elif tag == _TAG + "str":
            return text
        elif tag in _CORE_TAGS and not event.style:
            kind = tag[len(_TAG) :]
        elif tag in _CORE_TAGS:
            style = _STYLES.get(event.style, event.style)
            raise self.fail(f"GitHub refuses the tag {_short_tag(tag)} on a {style} scalar (the runner: "
                            f"the scalar style '{style}' is not valid with the tag '{tag}')", event.start_mark)
        else:
            raise self.fail(f"unsupported YAML tag {_short_tag(tag)} (the runner: Unexpected tag '{tag}')",
                            event.start_mark)
        try:
            value = github_scalar(text)
        except ValueError as error:
            raise self.fail(f"invalid {kind} {_short(text)}: {error}", event.start_mark) from None
        if tag is not None and not _CORE_TAGS[tag](text, value):
            raise self.fail(f"invalid {kind} {_short(text)} under GitHub's YAML rules (the runner: the value is "
                            f"invalid for the type '{tag}')", event.start_mark)
        if kind == "float" and not isinstance(value, float):
            value = float(value)  # !!float 3 is 3.0, as the runner reads it
        return value

    def _pyyaml_scalar(self, parser: Any, event: Any, plain: bool) -> Any:
        """A scalar under ``yaml.safe_load``'s rules (timestamps stay text, as written)."""
        tag = event.tag
        if tag is None:
            tag = parser.resolve(yaml.ScalarNode, event.value, event.implicit)
        elif tag == "!":  # PyYAML's parser marks a "!" scalar implicit, even an empty one (libyaml does not)
            tag = parser.resolve(yaml.ScalarNode, event.value, (True, False))
        if tag == _TAG + "merge" and not self.exact:
            return _MERGE
        if tag not in (_SAFE_LOAD_TAGS if self.exact else _PLAIN_TAGS):
            raise self.fail(f"unsupported YAML tag {_short_tag(tag)}", event.start_mark)
        if tag in _TEXT_TAGS:
            return event.value
        kind = tag[len(_TAG) :]
        if kind == "int" and len(event.value) > _MAX_DIGITS:
            raise self.fail(f"invalid int {_short(event.value)}: more than {_MAX_DIGITS} digits", event.start_mark)
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark)
        try:
            value = getattr(_scalar_maker, "construct_yaml_" + kind)(node)
        except Exception as error:  # PyYAML's own IndexError ('!!int ""'), KeyError ('!!bool foo') too
            reason = str(error).split(":")[0] or type(error).__name__
            raise self.fail(f"invalid {kind} {_short(event.value)}: {reason}", event.start_mark) from None
        if isinstance(value, float) and not math.isfinite(value):
            raise self.fail(f"{_short(event.value)} is not a finite number", event.start_mark)
        return value


# The tags GitHub's reader accepts on a plain scalar, and the text each may hold: only its own
# Match* (YamlObjectReader.ParseInteger uses MatchInteger alone, so !!int 1.5 and !!float 0x10 fail).
_CORE_TAGS = {
    _TAG + "int": lambda text, value: type(value) is int,
    _TAG + "float": lambda text, value: type(value) is float or (type(value) is int and text[:2] not in ("0x", "0o")),
    _TAG + "bool": lambda text, value: type(value) is bool,
    _TAG + "null": lambda text, value: value is None,
}
_STYLES = {"'": "SingleQuoted", '"': "DoubleQuoted", "|": "Literal", ">": "Folded"}  # YamlDotNet's ScalarStyle names
