"""Writing GitHub Actions step outputs, step summaries and annotations, safely.

``$GITHUB_OUTPUT`` is a file of ``NAME=VALUE`` lines, or ``NAME<<DELIMITER``
blocks for values that span lines. A value must never be able to start a
line of its own making (that would inject another output), a job's outputs
are limited to 1 MiB, and a half-written record would corrupt the file, so
:func:`set_output` validates the name, picks the block form with a random
delimiter whenever the value holds a line break, refuses oversized values
before touching the file, and writes each record whole or not at all.
:func:`bounded_json_list` builds a list value and gives up as soon as it
passes the limit, so a batch of millions of points costs about 1 MiB of
encoding to refuse, not the whole batch. Only regular files are written:
a FIFO named by ``$GITHUB_OUTPUT`` would block forever
(:func:`lazysweep._files.append_whole`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

from ._errors import UsageError
from ._files import append_whole

__all__ = ["OUTPUT_LIMIT", "set_output", "append_step_summary", "output_record", "bounded_json_list", "annotation"]

#: GitHub's limit on the outputs of one job.
OUTPUT_LIMIT = 1024 * 1024

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")


def output_record(name: str, value: str) -> str:
    """The text to append to ``$GITHUB_OUTPUT`` for one output.

    >>> output_record("batches", "[0,1]")
    'batches=[0,1]\\n'
    >>> output_record("text", "a\\nb").startswith("text<<ghadelimiter_")
    True
    """
    if not _NAME.match(name):
        raise UsageError(
            f"invalid output name {name!r}: use letters, digits, '-' and '_', starting with a letter or '_'"
        )
    if "\n" not in value and "\r" not in value:
        return f"{name}={value}\n"
    import secrets  # only here: it costs the command's start-up a few milliseconds

    while True:
        delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
        if delimiter not in value:
            return f"{name}<<{delimiter}\n{value}\n{delimiter}\n"


def bounded_json_list(encoded: Iterable[str], name: str, hint: str = "") -> str:
    """``[a,b,...]`` from JSON-encoded items, as the value of output ``name``.

    Raises :class:`~lazysweep._errors.UsageError` as soon as the record would
    pass :data:`OUTPUT_LIMIT`: no item after that one is asked for, so the
    cost is O(limit) whatever the number of items. Sizes count characters,
    never more than the UTF-8 bytes, so nothing within the limit is refused
    (:func:`set_output` checks the exact size).

    >>> bounded_json_list(["1", '"a"'], "x")
    '[1,"a"]'
    """
    budget = OUTPUT_LIMIT - len(name) - 2  # NAME=VALUE and the newline
    parts, size = [], 1  # the closing bracket
    for item in encoded:
        size += len(item) + 1  # the item and the "[" or "," before it
        if size > budget:
            raise _too_big(name, f"more than {OUTPUT_LIMIT}", hint)
        parts.append(item)
    return "[" + ",".join(parts) + "]"


def _too_big(name: str, size: str, hint: str) -> UsageError:
    return UsageError(
        f"output {name!r} would be {size} bytes, over GitHub's limit of {OUTPUT_LIMIT} bytes per job"
        + (f": {hint}" if hint else "")
    )


def set_output(name: str, value: str, hint: str = "") -> None:
    """Append output ``name`` with ``value`` to the file named by ``$GITHUB_OUTPUT``.

    Raises :class:`~lazysweep._errors.UsageError`, writing nothing, when the
    variable is unset or the record would exceed GitHub's 1 MiB limit
    (``hint`` says what to change).
    """
    path = os.environ.get("GITHUB_OUTPUT")
    if not path:
        raise UsageError("--github-output needs $GITHUB_OUTPUT, which GitHub Actions sets in a job; it is not set")
    record = output_record(name, value)
    size = len(record.encode("utf-8"))
    if size > OUTPUT_LIMIT:
        raise _too_big(name, str(size), hint)
    append_whole(path, record, "$GITHUB_OUTPUT")


def append_step_summary(markdown: str) -> bool:
    """Append Markdown to ``$GITHUB_STEP_SUMMARY`` when it is set; return whether it was.

    The summary is UTF-8: bytes of a file name that are not (kept by Python as
    surrogates) are written as ``\\xNN`` escapes.
    """
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return False
    markdown = markdown.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    append_whole(path, markdown if markdown.endswith("\n") else markdown + "\n", "$GITHUB_STEP_SUMMARY")
    return True


def _escape(text: str, properties: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if properties else text


def annotation(
    level: str, message: str, *, file: str | None = None, line: int | None = None, column: int | None = None,
    title: str | None = None,
) -> str:
    """The workflow command (one line) that shows ``message`` as an annotation on a run and its pull request.

    ``level`` is ``error``, ``warning`` or ``notice``. Escaped as GitHub's toolkit does, so no text
    can end the command early or start another line:

    >>> annotation("error", "50% done\\nrm", file="a,b.yml", line=3, column=7, title="lint: size")
    '::error file=a%2Cb.yml,line=3,col=7,title=lint%3A size::50%25 done%0Arm'
    """
    properties = [f"{name}={_escape(str(value), True)}"
                  for name, value in (("file", file), ("line", line), ("col", column), ("title", title))
                  if value is not None]
    return f"::{level} {','.join(properties)}::{_escape(message)}" if properties else f"::{level}::{_escape(message)}"
