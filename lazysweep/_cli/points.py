"""The point commands: ``batch`` (one batch), ``get`` (one point), ``stream`` (a run of points).

Each resolves its target once (:func:`.target.resolve`), picks its indices,
and hands the points to the writer (:mod:`lazysweep._writer`).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from .._console import write
from .._errors import SweepError, UsageError
from .._jobarray import index_from_environment
from .._writer import iter_encoded, iter_lines, write_encoded_list, write_lines
from .options import PROGRAM_FORMATS
from .target import Target, TargetOptions, resolve

__all__ = ["run_batch", "run_get", "run_stream", "emit"]


def run_batch(args: argparse.Namespace) -> int:
    target = resolve(TargetOptions(args))
    index = _position(_chosen_index(args), target.batching.total, "batch index", target)
    start, stop = target.batching.bounds(index)
    if args.format != "json":
        if args.github_output:
            raise UsageError(f"--github-output takes one JSON list: drop --format {args.format}")
        write_lines(_texts(args, target, start, stop, lines=True), write)
    elif args.github_output:  # encoded lazily: refused as soon as it passes GitHub's limit
        from .._github import bounded_json_list  # lazily: 0.03x `import yaml` (measured, with _files)

        hint = "use a smaller --size"
        emit(args, bounded_json_list(_texts(args, target, start, stop), args.github_output, hint), hint)
    else:
        write_encoded_list(_texts(args, target, start, stop), write)
        write("\n")
    return 0


def run_get(args: argparse.Namespace) -> int:
    target = resolve(TargetOptions(args))
    index = _position(_chosen_index(args), target.sweep.count, "index", target)
    if args.github_output and args.format != "json":
        raise UsageError(f"--github-output takes JSON: drop --format {args.format}")
    if args.format == "env":
        write(next(_texts(args, target, index, index + 1)))
    elif args.env_prefix:
        raise UsageError("--env-prefix goes with --format env")
    else:
        emit(args, next(_texts(args, target, index, index + 1)))
    return 0


def run_stream(args: argparse.Namespace) -> int:
    target = resolve(TargetOptions(args))
    start, stop, _ = slice(args.start, args.stop).indices(target.sweep.count)
    if args.format == "json":
        write_encoded_list(_texts(args, target, start, max(start, stop)), write)
        write("\n")
    else:
        write_lines(_texts(args, target, start, max(start, stop), lines=True), write)
    return 0


def emit(args: argparse.Namespace, text: str, hint: str = "") -> None:
    """Print ``text``; with --github-output, first append it to $GITHUB_OUTPUT."""
    if args.github_output:
        from .._github import set_output  # lazily: 0.03x `import yaml` (measured, with _files)

        set_output(args.github_output, text, hint)
    write(text + "\n")


def _position(index: int, count: int, what: str, target: Target) -> int:
    """``index`` (negative counts from the end) as a position below ``count``; UsageError outside."""
    position = index + count if index < 0 else index
    if not 0 <= position < count:
        text = str(index)
        shown = text if len(text) <= 60 else f"{text[:40]}... ({len(text)} digits)"  # a bounded excerpt
        if not count:
            raise UsageError(f"{what} {shown} is out of range: the {'selection' if target.steps else 'sweep'} is empty")
        raise UsageError(
            f"{what} {shown} is out of range: valid range is 0 to {count - 1} (or {-count} to -1 from the end)"
        )
    return position


def _chosen_index(args: argparse.Namespace) -> int:
    """``--index`` plus ``--offset``, or else the job-array index from the environment plus ``--offset``."""
    if args.index is None:
        try:
            return index_from_environment(args.offset)
        except SweepError as error:
            raise UsageError(str(error)) from None
    if args.index < 0 and args.offset:
        raise UsageError("--offset takes an --index from 0 up, not one counted from the end")
    index: int = args.index + args.offset
    return index


def _texts(args: argparse.Namespace, target: Target, start: int, stop: int, lines: bool = False) -> Iterator[str]:
    """The texts of points ``start .. stop-1`` of the target: JSON (see :mod:`lazysweep._writer`),
    or a line for a program with ``--format args|hydra|env``; with ``--with-index``, ``_index`` last.
    With ``lines``, as runs of lines (:func:`lazysweep._writer.iter_lines`)."""
    if args.with_index:
        _refuse_index_field(target)
    if (args.hydra_flatten or args.hydra_add) and args.format != "hydra":
        raise UsageError("--hydra-flatten and --hydra-add go with --format hydra")
    format = None
    if args.format in (*PROGRAM_FORMATS, "env"):
        from .._formats import program_format  # its regular expressions: compiled for these formats only

        format = program_format(args.format, env_prefix=getattr(args, "env_prefix", ""),
                                hydra_flatten=args.hydra_flatten, hydra_add=args.hydra_add)
    return (iter_lines if lines else iter_encoded)(target.sweep, start, stop, with_index=args.with_index, format=format)


def _refuse_index_field(target: Target) -> None:
    """--with-index on a sweep with a field named ``_index`` of its own, which the index would shadow."""
    from .._encode import refuse_index_field
    from .._plan import field_names  # lazily: 0.09x `import yaml` (measured)

    for label, part in zip(target.labels, target.parts):
        refuse_index_field(field_names(part), label)
