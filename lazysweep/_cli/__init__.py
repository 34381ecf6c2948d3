"""The ``lazysweep`` command: a thin shell over the library.

Every command maps to library calls (``count`` -> :attr:`Sweep.count`,
``batch`` -> :class:`lazysweep._batching.Batching` and the writer, ...) and
prints compact JSON, one document per line. Errors are one line on stderr:
exit 1 for bad data, 2 for bad usage, 130 on Ctrl-C; ``--debug`` (before or
after the command name) shows the traceback.

The parts: :mod:`.options` (every option), :mod:`.target` (files -> selection
-> plan check, once for every command), :mod:`.points` (``batch``, ``get``,
``stream``), :mod:`.reports` (``count``, ``batches``, ``plan``,
``fingerprint``) and :mod:`.checks` (``collect``, ``lint``, ``split``). To add a
command: its options in :mod:`.options`, its body in one of the three, and a row
in :data:`COMMANDS`.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Sequence
from importlib import import_module

from .. import __version__
from .._batching import GITHUB_MATRIX_LIMIT
from .._console import fail, guard, parse
from .options import (
    Command, build_parser, setup_batch, setup_batches, setup_collect, setup_count, setup_fingerprint, setup_get,
    setup_lint, setup_plan, setup_split, setup_stream,
)

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from typing import Any

__all__ = ["main", "COMMANDS"]

#: Every command: its one-line summary (the plan job's commands and a job's tell themselves apart at a
#: glance: `batches` lists, `batch` prints one), its options, and its body as "module:function" of
#: this package (imported when the command runs).
COMMANDS: dict[str, Command] = {
    "count": ("print how many points the sweep (or the selection) has", setup_count, "reports:run_count"),
    "batches": ("plan a fan-out: print the LIST of batch indices [0,1,...], the matrix of the jobs",
                setup_batches, "reports:run_batches"),
    "plan": ("plan a fan-out: print the plan token that batch, get and stream check with --plan",
             setup_plan, "reports:run_plan"),
    "fingerprint": ("print the fingerprint of the sweep's content", setup_fingerprint, "reports:run_fingerprint"),
    "batch": ("in a fan-out job: print ONE batch, K, as a JSON list of its points", setup_batch, "points:run_batch"),
    "get": ("in a job: print ONE point, I, as a JSON object (or shell assignments)", setup_get, "points:run_get"),
    "stream": ("print points START..STOP-1, one per line, streamed", setup_stream, "points:run_stream"),
    "collect": ("match results to points: print what is done, missing, duplicated, unknown or stale; "
                "exit 1 unless complete", setup_collect, "checks:run_collect"),
    "lint": (f"report every workflow job's matrix size; exit 1 if one exceeds {GITHUB_MATRIX_LIMIT}",
             setup_lint, "checks:run_lint"),
    "split": (f"rewrite a workflow job whose matrix exceeds {GITHUB_MATRIX_LIMIT} into a fan-out that keeps the job; "
              "print the diff (or --write)", setup_split, "checks:run_split"),
}

_DROP_INS = ("inferencemax", "inferencex")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); return the exit status.

    While it runs, warnings are one line each on stderr, and integers of any
    size print (counts past CPython's 4,300 digits; the loader keeps that limit
    for numbers written in files); both settings are restored afterwards.
    """
    digits = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else None
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        if digits is not None:
            sys.set_int_max_str_digits(0)
        try:
            return _main(list(sys.argv[1:] if argv is None else argv))
        finally:
            if digits is not None:
                sys.set_int_max_str_digits(digits)


def _main(arguments: list[str]) -> int:
    debug = "--debug" in arguments
    while arguments[:1] in (["--"], ["--debug"]):  # `lazysweep --debug count FILE`, `lazysweep -- count FILE`
        del arguments[0]
    if not arguments:
        return _lost()
    if arguments[0] in _DROP_INS:
        return _drop_in(arguments[0], arguments[1:], debug)

    def run() -> int:
        only = arguments[0] if arguments[0] in COMMANDS else None
        args = parse(lambda: build_parser(COMMANDS, __version__, only), arguments)
        module, function = args.run.split(":")
        # One module of commands per run: a command never loads the other modules' imports (start-up).
        status: int = getattr(import_module(f".{module}", __name__), function)(args)
        return status

    return guard("lazysweep", run, debug=debug)


def _lost() -> int:
    """A bare ``lazysweep``: the help (the commands and an example) on stderr, exit status 2."""
    help = build_parser(COMMANDS, __version__).format_help()
    sys.stderr.write(help)
    return 2


def _show_warning(message: Warning | str, *_: Any, **__: Any) -> None:
    """A warning (a misspelled key, say) as one line on stderr."""
    fail(f"lazysweep: warning: {message}", 0)


def _drop_in(name: str, arguments: list[str], debug: bool) -> int:
    if debug and "--debug" not in arguments:
        arguments = [*arguments, "--debug"]
    try:
        drop_in = import_module(f"..{name}", __name__)  # by name, on demand: the drop-ins cost the others' start-up
        drop_in.command_line(arguments, prog=f"lazysweep {name}")
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 1
    return 0
