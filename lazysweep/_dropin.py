"""What both generator drop-ins (``inferencemax``, ``inferencex``) share: batching flags and output.

Each drop-in parses upstream's flags plus ``--max-batch-size N``,
``--batch-index K``, ``--get-batch-count`` and ``--github-output NAME``
(added by :func:`add_batching_flags`), builds its output as a lazy
sequence, and hands it to :func:`emit`, which prints what was asked for:
the whole list (streamed, a chunk at a time), one batch, or the batch
count. :func:`run` is the one error path of their command lines: one line on
stderr, exit 1 for bad configs, 2 for bad usage.

Cost of :func:`emit`: O(1) for the count, O(batch) for a batch.
"""

from __future__ import annotations

import argparse
import sys

from ._batching import DEFAULT_BATCH_SIZE, batch_bounds, batch_count
from ._console import guard, write
from ._errors import UsageError
from ._github import bounded_json_list, set_output
from ._writer import SPACED, iter_encoded, write_json_list

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from ._space import Sweep

__all__ = ["add_batching_flags", "emit", "write_list", "run", "python_main"]


def _count_flag(minimum: int, name: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid int value: {text[:40]!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{name} must be at least {minimum}, got {value}")
        return value

    return parse


def add_batching_flags(parser: argparse.ArgumentParser) -> None:
    """Add the batching flags and ``--debug`` to a (parent) parser."""
    parser.add_argument("--max-batch-size", type=_count_flag(1, "max-batch-size"), default=DEFAULT_BATCH_SIZE,
                        help=f"entries per batch (default {DEFAULT_BATCH_SIZE}, GitHub Actions' matrix limit)")
    parser.add_argument("--batch-index", type=_count_flag(0, "batch-index"), help="print only this batch (0-based)")
    parser.add_argument("--get-batch-count", action="store_true", help="print only the number of batches")
    parser.add_argument("--github-output", metavar="NAME",
                        help="also append NAME=<compact JSON> of the output to $GITHUB_OUTPUT")
    parser.add_argument("--debug", action="store_true", help="show a traceback on errors")


def write_list(entries: Sweep) -> None:
    """``print(json.dumps(list(entries)))``, through the one writer, a chunk at a time, without the list."""
    write_json_list(entries, write=write, separators=SPACED)
    write("\n")


def _github_output(args: argparse.Namespace, value: Any) -> None:
    """With --github-output, append the output (compact JSON) to $GITHUB_OUTPUT first; a list is
    encoded lazily and refused as soon as it passes GitHub's limit."""
    if args.github_output:
        hint = "use --max-batch-size with --batch-index"
        text = value if isinstance(value, str) else bounded_json_list(iter_encoded(value), args.github_output, hint)
        set_output(args.github_output, text, hint)


def emit(args: argparse.Namespace, entries: Any) -> Any:
    """Print ``entries`` (a lazy sequence with ``count`` and ``batch``) as the batching flags ask.

    Returns what was printed: the batch count, or the batch or ``entries`` as a lazy sequence.
    """
    batches = batch_count(entries.count, args.max_batch_size)
    if args.get_batch_count:
        _github_output(args, str(batches))
        write(f"{batches}\n")
        return batches
    if args.batch_index is not None:
        if args.batch_index >= batches:
            raise UsageError(f"Invalid batch-index {args.batch_index}. Valid range is 0 to {batches - 1}")
        start, stop = batch_bounds(args.batch_index, entries.count, args.max_batch_size)
        batch = entries[start:stop]  # a lazy slice: written, never listed
        _github_output(args, batch)  # before printing anything
        write_list(batch)
        return batch
    _github_output(args, entries)
    write_list(entries)
    return entries


def run(prog: str, arguments: list[str], body: Callable[[], Any],
        data_errors: tuple[type[BaseException], ...] = (ValueError,)) -> Any:
    """Run ``body()`` as a command line, through :func:`lazysweep._console.guard`: an error is one
    line on stderr and a SystemExit (``data_errors``: 1, UsageError: 2); ``--debug`` in
    ``arguments`` shows the traceback. Returns what ``body()`` returned."""
    returned: list[Any] = []

    def run_body() -> int:
        returned.append(body())
        return 0

    status = guard(prog, run_body, "--debug" in arguments, data_errors)
    if status:
        raise SystemExit(status)
    return returned[0] if returned else None


def python_main(prog: str, body: Callable[[], Any]) -> Any:
    """Run ``body()`` as upstream's ``main()`` runs from Python: refused arguments print argparse's
    ``prog: error: ...`` line and raise SystemExit(2); every other error propagates."""
    try:
        return body()
    except UsageError as error:
        sys.stderr.write(f"{prog}: error: {error}\n")
        raise SystemExit(2) from None
