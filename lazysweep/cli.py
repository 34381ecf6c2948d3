"""The ``lazysweep`` command: a thin shell over the library.

Every command maps to one library call (``count`` -> :attr:`Sweep.count`,
``batch`` -> :meth:`Sweep.batch`, ...) and prints compact JSON, one
document per line. Errors are one line on stderr: exit 1 for bad data,
2 for bad usage, 130 on Ctrl-C; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from typing import Any, NoReturn

from .batching import DEFAULT_BATCH_SIZE, GITHUB_MATRIX_LIMIT
from .console import Parser, guard, write
from .errors import SweepError, UsageError
from .space import Chain, Sweep
from .sweepfile import load

__all__ = ["main"]

#: ``batches`` refuses to list more batch indices than this: no engine fans out wider, and a
#: 10^15-entry list is a typo's worth of output that never ends.
MAX_LISTED_BATCHES = 1_000_000

_encode = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode
_CHUNK = 1024  # points encoded per write while streaming


def _integer(text: str) -> int:
    try:
        return int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid integer {text[:40]!r}") from None


def _natural(text: str) -> int:
    value = _integer(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {value}")
    return value


def _positive(text: str) -> int:
    value = _integer(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _sweep_command(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("files", nargs="+", metavar="FILE", help="sweep files, concatenated in order")
    sub.add_argument("--job", metavar="ID", help="read FILE as a GitHub Actions workflow: this job's matrix")
    sub.add_argument("--debug", action="store_true", help="show a traceback on errors")


def _setup_count(sub: argparse.ArgumentParser) -> None:
    _sweep_command(sub)
    _github_option(sub)


def _setup_batches(sub: argparse.ArgumentParser) -> None:
    _sweep_command(sub)
    _size_option(sub)
    _github_option(sub)
    sub.add_argument("--count", action="store_true", help="print the number of batches instead")


def _setup_batch(sub: argparse.ArgumentParser) -> None:
    _sweep_command(sub)
    sub.add_argument("--index", "-k", type=_natural, required=True, metavar="K", help="batch index, from 0")
    _size_option(sub)
    _github_option(sub)


def _setup_get(sub: argparse.ArgumentParser) -> None:
    from .jobarray import INDEX_VARIABLES

    _sweep_command(sub)
    sub.add_argument(
        "--index", "-i", type=_natural, metavar="I",
        help=f"point index, from 0 (default: from ${', $'.join(INDEX_VARIABLES)}, the first set)",
    )
    sub.add_argument("--offset", type=_natural, default=0, metavar="N", help="added to the index (one array of several)")
    sub.add_argument("--format", choices=("json", "env"), default="json",
                     help="a JSON object, or one shell assignment per field for eval")
    _github_option(sub)


def _setup_stream(sub: argparse.ArgumentParser) -> None:
    _sweep_command(sub)
    sub.add_argument("--start", type=_integer, metavar="A", help="first index (negative counts from the end)")
    sub.add_argument("--stop", type=_integer, metavar="B", help="index to stop before (negative: from the end)")
    sub.add_argument(
        "--format", choices=("jsonl", "json"), default="jsonl", help="one object per line, or one JSON list"
    )


def _setup_lint(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("paths", nargs="*", default=[".github/workflows"], metavar="PATH",
                     help="workflow files or folders (default .github/workflows)")
    sub.add_argument("--debug", action="store_true", help="show a traceback on errors")


def _build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with ``only``, just that command's (building all costs start-up time)."""
    parser = Parser(
        prog="lazysweep",
        description="Count, slice and address huge parameter sweeps without expanding them.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True
    for name, (help, setup, run) in _COMMANDS.items():
        if only in (None, name):
            sub = commands.add_parser(name, help=help, description=help)
            setup(sub)
            sub.set_defaults(run=run)
    if only is None:
        for name, upstream in (("inferencemax", "InferenceMAX's (2025)"), ("inferencex", "InferenceX's")):
            commands.add_parser(
                name, add_help=False,
                help=f"{upstream} generate_sweep_configs.py, lazy and batched (see 'lazysweep {name} --help')",
            )
    return parser


def _github_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--github-output", metavar="NAME",
                     help="also append NAME=<compact JSON> to $GITHUB_OUTPUT (GitHub Actions)")


def _size_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--size", "-s", type=_positive, default=DEFAULT_BATCH_SIZE, metavar="N",
        help=f"points per batch (default {DEFAULT_BATCH_SIZE}, GitHub's matrix limit)",
    )


def _version() -> str:
    from . import __version__

    return __version__


def _out(text: str) -> None:
    write(text)


def _check_index(index: int, count: int, what: str) -> None:
    if index >= count:
        raise UsageError(f"{what} {index} is out of range: valid range is 0 to {count - 1}")


def _load(args: argparse.Namespace) -> Sweep:
    return load(args.files, job=args.job)


def _lint(args: argparse.Namespace) -> int:
    from .workflow import lint

    reports = list(lint(args.paths))
    for report in reports:
        _out(f"{report}\n")
    if not reports:
        _out("no job has a strategy.matrix\n")
    return 1 if any(report.too_big for report in reports) else 0


def _emit(args: argparse.Namespace, text: str, hint: str = "") -> None:
    """Print ``text``; with --github-output, first append it to $GITHUB_OUTPUT."""
    if args.github_output:
        from .github import set_output

        set_output(args.github_output, text, hint)
    _out(text + "\n")


def _count(args: argparse.Namespace) -> int:
    _emit(args, str(_load(args).count))
    return 0


def _batches(args: argparse.Namespace) -> int:
    parts = [load(path, job=args.job) for path in args.files]
    sweep = parts[0] if len(parts) == 1 else Chain(parts)
    batches = sweep.batch_count(args.size)
    if args.count:
        _emit(args, str(batches))
    elif args.github_output:
        if batches > GITHUB_MATRIX_LIMIT:
            raise UsageError(
                f"{batches} batches are more than a GitHub matrix takes ({GITHUB_MATRIX_LIMIT}): "
                f"use --size {-(-sweep.count // GITHUB_MATRIX_LIMIT)} or more"
            )
        _emit(args, _encode(list(range(batches))), "use a larger --size")
    elif batches > MAX_LISTED_BATCHES:
        raise UsageError(
            f"{batches} batches are too many to list (the limit is {MAX_LISTED_BATCHES}): "
            "use --count, or a larger --size"
        )
    else:
        _write_json_list(map(str, range(batches)))
    if os.environ.get("GITHUB_STEP_SUMMARY"):
        from .github import append_step_summary

        append_step_summary(_summary(args, parts, sweep, batches))
    return 0


def _summary(args: argparse.Namespace, parts: list[Sweep], sweep: Sweep, batches: int) -> str:
    rows = "".join(f"| `{path}` | {part.count} |\n" for path, part in zip(args.files, parts))
    return (
        f"### lazysweep: {sweep.count} points in {batches} batches of up to {args.size}\n\n"
        f"| file | points |\n| --- | ---: |\n{rows}\n"
    )


def _batch(args: argparse.Namespace) -> int:
    sweep = _load(args)
    _check_index(args.index, sweep.batch_count(args.size), "batch index")
    _emit(args, _encode(sweep.batch(args.index, args.size)), "use a smaller --size")
    return 0


def _get(args: argparse.Namespace) -> int:
    from .jobarray import index_from_environment, shell_assignments

    sweep = _load(args)
    if args.index is None:
        try:
            index = index_from_environment(args.offset)
        except SweepError as error:
            raise UsageError(str(error)) from None
    else:
        index = args.index + args.offset
    _check_index(index, sweep.count, "index")
    point = sweep[index]
    if args.format == "env":
        if args.github_output:
            raise UsageError("--github-output takes JSON: drop --format env")
        _out(shell_assignments(point))
    else:
        _emit(args, _encode(point))
    return 0


def _stream(args: argparse.Namespace) -> int:
    sweep: Sweep = _load(args)[args.start : args.stop]
    encoded = map(_encode, sweep)
    if args.format == "json":
        _write_json_list(encoded)
    else:
        for chunk in _chunks(encoded):
            _out("\n".join(chunk) + "\n")
    return 0


def _chunks(items: Iterable[str]) -> Iterator[list[str]]:
    items = iter(items)
    while chunk := list(islice(items, _CHUNK)):
        yield chunk


def _write_json_list(encoded: Iterable[str]) -> None:
    """Write ``[a,b,...]`` and a newline, a chunk at a time, from encoded items."""
    opening = "["
    for chunk in _chunks(encoded):
        _out(opening + ",".join(chunk))
        opening = ","
    _out("[]\n" if opening == "[" else "]\n")


_COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]] = {
    "count": ("print the number of points", _setup_count, _count),
    "batches": ("print the JSON list of batch indices [0, 1, ...]", _setup_batches, _batches),
    "batch": ("print batch K as a JSON list of points", _setup_batch, _batch),
    "get": ("print point I as a JSON object", _setup_get, _get),
    "stream": ("print points START..STOP-1, streamed", _setup_stream, _stream),
    "lint": (f"report every workflow job's matrix size; exit 1 if one exceeds {GITHUB_MATRIX_LIMIT}",
             _setup_lint, _lint),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["--"]:  # `lazysweep -- count FILE`: the command name is not an option
        del arguments[0]
    if arguments[:1] in (["inferencemax"], ["inferencex"]):
        return _drop_in(arguments[0], arguments[1:])

    def run() -> int:
        only = arguments[0] if arguments and arguments[0] in _COMMANDS else None
        args = _build_parser(only).parse_args(arguments)
        status: int = args.run(args)
        return status

    return guard("lazysweep", run, debug="--debug" in arguments)


def _drop_in(name: str, arguments: list[str]) -> int:
    from importlib import import_module

    try:
        import_module(f".{name}", __package__).command_line(arguments, prog=f"lazysweep {name}")
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 1
    return 0
