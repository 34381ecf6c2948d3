"""What every lazysweep command line shares: argument parsing, writing, and one error path.

Both ``lazysweep`` and the drop-ins (``lazysweep inferencemax`` ...) report
a failure the same way: one line on stderr, and an exit status of 1 for bad
data, 2 for bad usage, 130 on Ctrl-C. A reader that goes away (``| head``)
ends the command quietly with status 0; standard output that cannot be
written (a full disk, a closed descriptor) is a one-line error, status 1.
Anything else is a bug: still one line, ``internal error: ...``, and
``--debug`` shows the traceback.

This module sits below every command line and imports none of them.
"""

from __future__ import annotations

import argparse
import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from collections.abc import Callable, Sequence
    from typing import Any, NoReturn

from ._errors import SweepError, UsageError

__all__ = ["OutputError", "Formatter", "Parser", "parse", "write", "flush", "guard", "fail", "finish"]


def _as_written(message: str) -> str:
    return message


def _as_written_for(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


def parse(build: Callable[[], argparse.ArgumentParser], arguments: Sequence[str]) -> argparse.Namespace:
    """``build()`` a parser and parse ``arguments`` with it, argparse's messages taken as written.

    argparse passes each of its messages through gettext, whose look-ups import locale and search
    the file system for a message catalogue, every time: about a millisecond of every command's
    start-up. Python ships no catalogue for argparse's messages, so they read the same without the
    look-up; argparse's own functions are put back afterwards, so nothing else in the process sees
    the change.
    """
    saved = getattr(argparse, "_"), getattr(argparse, "ngettext")
    setattr(argparse, "_", _as_written)
    setattr(argparse, "ngettext", _as_written_for)
    try:
        return build().parse_args(arguments)
    finally:
        setattr(argparse, "_", saved[0])
        setattr(argparse, "ngettext", saved[1])


class OutputError(Exception):
    """Standard output cannot be written (exit status 1)."""


class Formatter(argparse.HelpFormatter):
    """Help text as wide as $COLUMNS says, without argparse importing shutil at every start."""

    def __init__(self, prog: str) -> None:
        columns = os.environ.get("COLUMNS", "")
        width = int(columns) if columns.isascii() and columns.isdigit() and len(columns) < 5 else 100
        super().__init__(prog, width=max(width, 40) - 2)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are raised as one-line :class:`UsageError`, not printed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def write(text: str) -> None:
    """Write ``text`` to standard output; :class:`OutputError` when that is impossible."""
    stdout = sys.stdout
    if stdout is None:
        raise OutputError("cannot write standard output: it is closed")
    try:
        stdout.write(text)
    except BrokenPipeError:
        raise
    except OSError as error:
        raise OutputError(f"cannot write standard output: {error.strerror or error}") from None


def flush() -> None:
    """Flush standard output; :class:`OutputError` when that is impossible."""
    stdout = sys.stdout
    if stdout is None:
        return
    try:
        stdout.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as error:
        raise OutputError(f"cannot write standard output: {getattr(error, 'strerror', None) or error}") from None


def guard(
    prog: str,
    body: Callable[[], int],
    debug: bool = False,
    data_errors: tuple[type[BaseException], ...] = (SweepError,),
) -> int:
    """Run ``body`` and flush standard output; map whatever it raises to one line and a status.

    ``data_errors`` are the exceptions that mean bad input (status 1); a
    :class:`UsageError` is status 2. The drop-ins pass ``(ValueError,)``,
    since their upstream reports bad configs as ValueError.
    """
    try:
        status = body()
        flush()
        return status
    except UsageError as error:
        return fail(f"{prog}: error: {error}", 2, debug)
    except data_errors as error:
        return fail(f"{prog}: error: {error}", 1, debug)
    except OutputError as error:
        _silence_stdout()
        return fail(f"{prog}: error: {error}", 1, debug)
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except KeyboardInterrupt:
        return fail(f"{prog}: interrupted", 130, debug)
    except Exception as error:  # a bug: still one line, unless --debug
        return fail(f"{prog}: internal error: {type(error).__name__}: {error} (rerun with --debug)", 1, debug)


def fail(message: str, status: int, debug: bool = False) -> int:
    """Write ``message`` as one line on stderr (with the traceback under ``debug``); return ``status``."""
    if debug:
        import traceback

        traceback.print_exc()
    if sys.stderr is not None:
        try:
            sys.stderr.write(" ".join(message.split()) + "\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
    return status


def finish(prog: str, status: int) -> int:
    """Flush standard output and error before a process exits without the interpreter's
    finalization (``os._exit``, see :mod:`lazysweep.__main__`), which would flush them: the exit
    status, ``status`` unless standard output cannot be written (then one line, and 1). A reader
    that went away leaves it as it was, as in :func:`guard`."""
    try:
        flush()
    except BrokenPipeError:
        pass  # what is left in the buffer is dropped with the process
    except OutputError as error:
        status = fail(f"{prog}: error: {error}", 1)
    if sys.stderr is not None:
        try:
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
    return status


def _silence_stdout() -> None:
    """After the reader went away: point stdout at /dev/null so the final flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
