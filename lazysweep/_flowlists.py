"""Long one-line flow sequences of plain words (``[1, 2, a, 1e-4, ...]``), read without the parser.

A listed axis of a million values costs the YAML parser a million Python
event objects. :func:`blank_flow_lists` finds, in the raw text, the flow
sequences whose items are all plain words of a safe alphabet
(``[A-Za-z0-9_.+~/-]``, a dash never alone) separated by commas on one
line, has them typed (by the caller), and blanks their insides with spaces
(``[1, 2]`` becomes ``[    ]``): the parser then reads an empty sequence
at the same place, and every other character, line and column is
unchanged. The loader puts the typed items into that empty sequence.

A candidate can sit where no sequence starts (inside a quoted string, a
comment, a block scalar, a plain scalar): the loader checks that each one
was read as a sequence at exactly its brackets and otherwise loads the
original text the ordinary way; it does the same for any error, so errors
are always the ordinary path's. Anything unusual (quotes, nesting, a
colon, a hash, a tag or anchor inside, several lines, a value the typing
refuses) is simply not a candidate.

Cost: one regular-expression pass over the text, then the typing of the
items (the caller's).
"""

from __future__ import annotations

import re
from functools import cache

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

__all__ = ["MIN_ITEMS", "FlowList", "blank_flow_lists"]

#: The fewest items worth reading here: shorter sequences go through the parser as usual.
MIN_ITEMS = 16


@cache
def _candidates() -> re.Pattern[str]:
    """Brackets around nothing but words of the safe alphabet, spaces and commas: no flow
    indicator, colon, hash, quote, anchor, alias, tag or block indicator can appear inside, so the
    parser reads each comma-separated word as one plain scalar (:func:`_words` checks the commas
    and spaces). Compiled on first use: most files have no list this long (start-up)."""
    return re.compile(r"\[[ A-Za-z0-9_.+~/,-]*\]")


class _Mark:
    """Where an item was written: 0-based line and column, as the parser's marks give them."""

    __slots__ = ("line", "column")

    def __init__(self, line: int, column: int) -> None:
        self.line, self.column = line, column


class FlowList:
    """One candidate sequence: its typed items, and where each item was written (computed on demand)."""

    __slots__ = ("values", "close", "text", "open")

    def __init__(self, values: list[Any], text: str, open_index: int, close_index: int) -> None:
        self.values = values
        self.text = text  # the original text, for the items' positions
        self.open = open_index  # the index of "["
        self.close = close_index  # the index of "]"

    def marks(self, line: int, column: int) -> _ItemMarks:
        """The items' positions, given the parser's line and column of the ``[``."""
        return _ItemMarks(self, line, column)


class _ItemMarks:
    """``{index: mark}`` for a :class:`FlowList`, read by ``.get`` only (an error's location):
    O(items) on the first call, nothing before."""

    __slots__ = ("flow", "line", "column", "starts")

    def __init__(self, flow: FlowList, line: int, column: int) -> None:
        self.flow, self.line, self.column = flow, line, column
        self.starts: list[int] | None = None

    def get(self, index: Any, default: Any = None) -> Any:
        if self.starts is None:
            inside = self.flow.text[self.flow.open : self.flow.close]
            self.starts = [found.start() + 1 for found in re.finditer(r"[^ ,]+", inside[1:])]
        if type(index) is not int or not 0 <= index < len(self.starts):
            return default
        return _Mark(self.line, self.column + self.starts[index])


def blank_flow_lists(text: str, typed: Callable[[list[str], str], list[Any]]) -> tuple[str, dict[int, FlowList]]:
    """``text`` with the insides of its candidate sequences blanked, and the candidates by the
    index just after their ``[`` (the parser's end mark of the sequence's start).

    ``typed(words, source)`` gives the values of a sequence's words (``source``: its text, brackets
    included); ValueError leaves the sequence to the parser, which reports it. O(len(text)) and
    the typing.
    """
    least = MIN_ITEMS
    found: dict[int, FlowList] = {}
    if text.count(",") < least - 1:  # no list long enough: nothing to look for
        return text, found
    pieces: list[str] = []
    done = 0
    for match in _candidates().finditer(text):
        start, end = match.span()
        if text.count(",", start, end) + 1 < least:
            continue
        words = _words(text[start + 1 : end - 1])
        if words is None or len(words) < least:
            continue
        try:
            values = typed(words, match.group())
        except ValueError:
            continue
        found[start + 1] = FlowList(values, text, start, end - 1)
        pieces.append(text[done : start + 1])
        pieces.append(" " * (end - start - 2))
        done = end - 1
    if not found:
        return text, found
    pieces.append(text[done:])
    return "".join(pieces), found


def _words(inside: str) -> list[str] | None:
    """The words between a candidate's brackets: one in each comma-separated slot, spaces around
    it, a comma after the last allowed; None if a slot is empty, holds a space inside a word or is
    a lone dash (a block entry, which flow context refuses). O(len(inside)), in C string methods."""
    slots = inside.split(",")
    if len(slots) > 1 and not slots[-1].strip(" "):
        slots.pop()
    words = list(map(str.strip, slots))  # spaces are the only whitespace inside
    if "" in words or "-" in words or " " in "".join(words):
        return None
    return words
