"""The exceptions lazysweep raises for bad input.

Every error about a file names the file and, where the problem sits at a
known place, its line and column (1-based), so ``str(error)`` is the one
line a command-line user needs:

>>> str(SweepError("axis 'os' is empty", path="sweep.yaml", line=3, column=7))
"sweep.yaml:3:7: axis 'os' is empty"
"""

from __future__ import annotations

__all__ = ["SweepError", "UsageError"]


class SweepError(ValueError):
    """Bad sweep data: unreadable file, invalid YAML, or a sweep that breaks the rules.

    Attributes:
        message: what is wrong, without the location.
        path: the file, when the error comes from one.
        line, column: 1-based position in that file, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.message = " ".join(message.splitlines())  # always one line
        self.path = path
        self.line = line
        self.column = column
        super().__init__(self._render())

    def _render(self) -> str:
        where = [str(part) for part in (self.path, self.line, self.column) if part is not None]
        return ":".join(where + [" " + self.message]) if where else self.message


class UsageError(Exception):
    """A request that cannot be carried out as asked (the command-line exit status 2):
    an index past the end, a missing ``$GITHUB_OUTPUT``, an output over GitHub's limit."""
