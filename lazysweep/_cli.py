"""The ``lazysweep`` command: a thin shell over the library.

Every command maps to one library call (``count`` -> :attr:`Sweep.count`,
``batch`` -> :meth:`Sweep.batch`, ...) and prints compact JSON, one
document per line. Errors are one line on stderr: exit 1 for bad data,
2 for bad usage, 130 on Ctrl-C; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from typing import Any

    from ._selection import Ranges
    from ._space import Point

from ._batching import DEFAULT_BATCH_SIZE, GITHUB_MATRIX_LIMIT, batch_bounds
from ._console import Parser, fail, guard, parse, write
from ._errors import SweepError, UsageError
from ._space import Chain, Sweep
from ._sweepfile import load
from ._writer import iter_encoded, write_encoded_lines, write_encoded_list

__all__ = ["main"]

#: ``batches`` refuses to list more batch indices than this: no engine fans out wider, and a
#: 10^15-entry list is a typo's worth of output that never ends.
MAX_LISTED_BATCHES = 1_000_000

#: The most jobs GitHub Actions runs in one workflow run (one check run per job; "Actions limits").
GITHUB_RUN_JOB_LIMIT = 50_000



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
    sub.add_argument("files", nargs="*", metavar="FILE",
                     help="sweep files, concatenated in order (- reads one from standard input)")
    sub.add_argument("--job", metavar="ID", help="read FILE as a GitHub Actions workflow: this job's matrix")
    _axis_option(sub)
    sub.add_argument("--debug", action="store_true", help="show a traceback on errors")


def _selection_options(sub: argparse.ArgumentParser) -> None:
    """The options that choose which points of the files a command works on (see :func:`_target`)."""
    sub.add_argument("--only", metavar="RANGES",
                     help="only these indices of the sweep, like 0-9,15,20-29 (or @FILE holding them); "
                          "batches and --index then count within the selection")
    _shuffle_option(sub)
    _shard_options(sub)


def _plan_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--plan", metavar="TOKEN",
                     help="the plan job's token (batches --github-output NAME writes it as NAME-plan): "
                          "the batch size comes from it, and a different sweep or selection is refused")
    sub.add_argument("--with-index", action="store_true",
                     help='add "_index": I, the point\'s index in the whole sweep, as its last key')


def _index_options(sub: argparse.ArgumentParser, short: str, what: str) -> None:
    from ._jobarray import INDEX_VARIABLES

    sub.add_argument(
        "--index", short, type=_integer, metavar=short[1].upper(),
        help=f"{what} index, from 0, negative from the end "
             f"(default: from ${', $'.join(INDEX_VARIABLES)}, which must agree when several are set)",
    )
    sub.add_argument("--offset", type=_natural, default=0, metavar="N",
                     help="added to the index (one array of several)")


def _setup_count(sub: argparse.ArgumentParser) -> None:
    _sweep_command(sub)
    _selection_options(sub)
    _github_option(sub)


def _setup_batches(sub: argparse.ArgumentParser) -> None:
    _sweep_command(sub)
    _selection_options(sub)
    _size_option(sub)
    sub.add_argument("--github-output", metavar="NAME",
                     help="also append NAME=<batch list>, NAME-count=<points> and NAME-plan=<plan token> "
                          "to $GITHUB_OUTPUT (GitHub Actions); with --count, NAME=<number of batches>")
    sub.add_argument("--count", action="store_true", help="print the number of batches instead")


def _setup_plan(sub: argparse.ArgumentParser) -> None:
    _sweep_command(sub)
    _selection_options(sub)
    _size_option(sub)
    _github_option(sub)


def _setup_fingerprint(sub: argparse.ArgumentParser) -> None:
    _sweep_command(sub)
    _shuffle_option(sub, "the fingerprint covers the points, not their order: the same with or without")


def _setup_batch(sub: argparse.ArgumentParser) -> None:
    _sweep_command(sub)
    _selection_options(sub)
    _index_options(sub, "-k", "batch")
    _size_option(sub)
    _plan_options(sub)
    sub.add_argument("--format", choices=("json", "jsonl", *_PROGRAM_FORMATS), default="json",
                     help="one JSON list, or one point per line (for a job that loops over its points): "
                          f"{_FORMATS_HELP}")
    _github_option(sub)


def _setup_get(sub: argparse.ArgumentParser) -> None:
    _sweep_command(sub)
    _selection_options(sub)
    _index_options(sub, "-i", "point")
    _plan_options(sub)
    sub.add_argument("--format", choices=("json", "env", *_PROGRAM_FORMATS), default="json",
                     help=f"a JSON object, or one shell assignment per field for eval; {_FORMATS_HELP}")
    sub.add_argument("--env-prefix", default="", metavar="P_",
                     help="with --format env: put P_ before every variable name, so none can clash with the shell's")
    _github_option(sub)


def _setup_stream(sub: argparse.ArgumentParser) -> None:
    _sweep_command(sub)
    _selection_options(sub)
    sub.add_argument("--start", type=_integer, metavar="A", help="first index (negative counts from the end)")
    sub.add_argument("--stop", type=_integer, metavar="B", help="index to stop before (negative: from the end)")
    _plan_options(sub)
    sub.add_argument(
        "--format", choices=("jsonl", "json", *_PROGRAM_FORMATS), default="jsonl",
        help=f"one object per line, or one JSON list; {_FORMATS_HELP}",
    )


def _setup_collect(sub: argparse.ArgumentParser) -> None:
    _sweep_command(sub)
    _shuffle_option(sub, "results are matched by _index in the unshuffled sweep: the same with or without")
    sub.add_argument("--only", metavar="RANGES",
                     help="expect results for just these indices (a re-run's selection), like 0-9,15 or @FILE")
    sub.add_argument("--results", nargs="+", required=True, metavar="PATH",
                     help="result files, or folders searched for *.json and *.jsonl: one JSON object per line or file")
    sub.add_argument("--plan", metavar="TOKEN", help="the plan token: the sweep must be the one it was made for "
                                                     "(results carrying another sweep's \"_plan\" are stale anyway)")
    sub.add_argument("--output", metavar="FILE", help="write the results, one per point, in index order (JSON lines)")
    sub.add_argument("--missing", metavar="FILE", help="write the missing indices as ranges, like 0-9,15, for --only")
    sub.add_argument("--github-output", metavar="NAME",
                     help="also append NAME=<missing ranges> and NAME-count=<missing points> to $GITHUB_OUTPUT")


def _setup_lint(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("paths", nargs="*", default=[".github/workflows"], metavar="PATH",
                     help="workflow files or folders (default .github/workflows)")
    sub.add_argument("--format", choices=("text", "github"), default="text",
                     help="github: problems as workflow-command annotations, shown on the pull request")
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
        "--size", "-s", type=_size, metavar="N",
        help=f"points per batch (default {DEFAULT_BATCH_SIZE}, GitHub's matrix limit; with --plan, the plan's); "
             "auto: the smallest size that keeps the batches within --max-batches, sizes balanced",
    )
    _max_batches_option(sub)


def _version() -> str:
    from . import __version__

    return __version__


def _out(text: str) -> None:
    write(text)


class Target:
    """What a sweep command works on: the files' sweeps, their concatenation, and the selection of it.

    ``steps`` describe the selection as JSON-able items (``["only", "0-9,15"]``); they are what
    a plan's selection fingerprint covers, so every way of narrowing the sweep must add one.
    """

    __slots__ = ("parts", "whole", "sweep", "steps")

    def __init__(self, parts: list[Sweep]) -> None:
        self.parts = parts
        self.whole: Sweep = parts[0] if len(parts) == 1 else Chain(parts)
        self.sweep: Sweep = self.whole
        self.steps: list[list[Any]] = []

    def narrow(self, sweep: Sweep, step: list[Any]) -> None:
        """Work on ``sweep``, a selection of the current one, described by ``step``."""
        self.sweep = sweep
        self.steps.append(step)


def _target(args: argparse.Namespace) -> Target:
    """The one place that decides which points a command works on: files, then --only.

    The selection options (``_selection_options``) are applied here, in order, each as a lazy
    view of the sweep before it, so batches and indices count within the selection while
    ``source_index`` (``_index``) stays the point's index in the whole sweep.
    """
    target = Target(_parts(args))
    if getattr(args, "only", None) is not None:
        from ._selection import select

        ranges = _only_ranges(args.only)
        try:
            target.narrow(select(target.sweep, ranges), ["only", str(ranges)])
        except IndexError as error:
            raise UsageError(f"--only: {error}") from None
    _order(args, target)
    return target


def _only_ranges(text: str) -> Ranges:
    """The ranges of ``--only RANGES`` or ``--only @FILE``."""
    from ._selection import Ranges

    if not text.startswith("@"):
        try:
            return Ranges.parse(text)
        except ValueError as error:
            raise UsageError(f"--only: {error}") from None
    path = text[1:]
    try:
        with open(path, encoding="utf-8") as handle:
            content = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        raise SweepError(f"cannot read the --only file: {getattr(error, 'strerror', None) or error}",
                         path=path) from None
    try:
        return Ranges.parse(content)
    except ValueError as error:
        raise SweepError(str(error), path=path) from None


def _batch_size(args: argparse.Namespace, target: Target) -> int:
    """Check ``--plan`` against the target; the batch size: the plan's, else ``--size``, else the default."""
    size: int | None = _auto_size(args, target.sweep)
    if getattr(args, "plan", None) is None:
        return DEFAULT_BATCH_SIZE if size is None else size
    from ._plan import Plan, fingerprint, selection_fingerprint

    try:
        plan = Plan.parse(args.plan)
    except ValueError as error:
        raise UsageError(f"--plan: {error}") from None
    if size is not None and size != plan.size:
        raise UsageError(f"--size {size} disagrees with the plan's batch size {plan.size}: drop --size")
    found = fingerprint(target.whole)
    if found != plan.fingerprint:
        raise SweepError(
            f"the sweep's fingerprint is {found}, the plan's is {plan.fingerprint}: "
            "the sweep changed since the plan was made (run the plan again)"
        )
    selection = selection_fingerprint(target.steps) if target.steps else None
    if selection != plan.selection:
        if plan.selection is None:
            raise UsageError("the plan covers the whole sweep, not a selection: drop --only")
        if selection is None:
            raise UsageError("the plan was made for a selection of the sweep: pass the plan job's --only")
        raise UsageError(f"the plan was made for another selection ({plan.selection}, this is {selection}): "
                         "pass the plan job's --only")
    return plan.size


def _position(index: int, count: int, what: str, target: Target) -> int:
    """``index`` (negative counts from the end) as a position below ``count``; UsageError outside."""
    position = index + count if index < 0 else index
    if not 0 <= position < count:
        if not count:
            raise UsageError(f"{what} {index} is out of range: the {'selection' if target.steps else 'sweep'} is empty")
        raise UsageError(
            f"{what} {index} is out of range: valid range is 0 to {count - 1} (or {-count} to -1 from the end)"
        )
    return position


def _chosen_index(args: argparse.Namespace) -> int:
    """``--index`` plus ``--offset``, or else the job-array index from the environment plus ``--offset``."""
    if args.index is None:
        from ._jobarray import index_from_environment

        try:
            return index_from_environment(args.offset)
        except SweepError as error:
            raise UsageError(str(error)) from None
    if args.index < 0 and args.offset:
        raise UsageError("--offset takes an --index from 0 up, not one counted from the end")
    index: int = args.index + args.offset
    return index


def _texts(args: argparse.Namespace, target: Target, start: int, stop: int) -> Iterator[str]:
    """The texts of points ``start .. stop-1`` of the target: JSON (see :mod:`lazysweep._writer`),
    or a line of arguments with ``--format args|hydra``; with ``--with-index``, ``_index`` last."""
    if args.format in _PROGRAM_FORMATS:
        return map(_program_line(args.format), _points(args, target, start, stop))
    if args.with_index:
        _refuse_index_field(args, target)
    return iter_encoded(target.sweep, start, stop, with_index=args.with_index)


def _points(args: argparse.Namespace, target: Target, start: int, stop: int) -> Iterator[Point]:
    """Points ``start .. stop-1`` of the target; with ``--with-index``, each with its ``_index`` last."""
    sweep = target.sweep
    points = iter(sweep[start:stop])
    if not args.with_index:
        return points
    from ._plan import INDEX_FIELD

    _refuse_index_field(args, target)

    def indexed(point: Point, index: int) -> Point:
        point[INDEX_FIELD] = index
        return point

    return map(indexed, points, map(sweep.source_index, range(start, stop)))


def _refuse_index_field(args: argparse.Namespace, target: Target) -> None:
    """--with-index on a sweep with a field named ``_index`` of its own, which the index would shadow."""
    from ._plan import INDEX_FIELD, field_names

    for path, part in zip([*args.files, "-a"], target.parts):  # the -a axes are the part after the files
        if INDEX_FIELD in field_names(part):
            raise SweepError(f"an axis or include key is named {INDEX_FIELD!r}, the field lazysweep adds "
                             "for the point's index: rename it", path=path)


def _lint(args: argparse.Namespace) -> int:
    """Report every file; a file that cannot be read is one error among the reports, not the end."""
    from ._console import fail, flush
    from ._github import annotation
    from ._workflow import GITHUB_MATRIX_LIMIT, lint_file, workflow_files

    github = args.format == "github"
    status = reported = 0
    for path in workflow_files(args.paths):
        try:
            reports = list(lint_file(path))
        except SweepError as error:
            if github:
                _out(annotation("error", error.message, file=error.path, line=error.line, column=error.column,
                                title="lazysweep lint") + "\n")
            flush()  # the error line after the reports before it
            fail(f"lazysweep: error: {error}", 1, args.debug)
            status = 1
            continue
        for report in reports:
            reported += 1
            if report.too_big:
                status = 1
                if github:
                    _out(annotation("error", f"job {report.job!r}: {report.summary}. {report.fix}", file=report.path,
                                    line=report.line, column=report.column,
                                    title=f"matrix over {GITHUB_MATRIX_LIMIT} jobs") + "\n")
                    continue
                _out(f"{report}\n  {report.fix}\n")
            else:
                _out(f"{report}\n")
    if not reported and not status:
        _out("no job has a strategy.matrix\n")
    return status


def _emit(args: argparse.Namespace, text: str, hint: str = "") -> None:
    """Print ``text``; with --github-output, first append it to $GITHUB_OUTPUT."""
    if args.github_output:
        from ._github import set_output

        set_output(args.github_output, text, hint)
    _out(text + "\n")


def _count(args: argparse.Namespace) -> int:
    _emit(args, str(_target(args).sweep.count))
    return 0


def _fingerprint(args: argparse.Namespace) -> int:
    from ._plan import fingerprint

    _out(fingerprint(_target(args).whole) + "\n")
    return 0


def _plan(args: argparse.Namespace) -> int:
    from ._plan import Plan

    target = _target(args)
    _emit(args, str(Plan.of(target.whole, _batch_size(args, target), target.steps)))
    return 0


def _batches(args: argparse.Namespace) -> int:
    target = _target(args)
    size = _batch_size(args, target)
    sweep = target.sweep
    batches = _batch_total(args, sweep, size)
    plan = None
    if args.count:
        _emit(args, str(batches))
    elif args.github_output:
        if batches > GITHUB_MATRIX_LIMIT:
            raise UsageError(_over_limit(sweep.count, batches))
        plan = _github_plan(args.github_output, target, size, batches)
    elif batches > MAX_LISTED_BATCHES:
        raise UsageError(
            f"{batches} batches are too many to list (the limit is {MAX_LISTED_BATCHES}): "
            "use --count, or a larger --size"
        )
    else:
        write_encoded_list(map(str, range(batches)), _out)
        _out("\n")
    if os.environ.get("GITHUB_STEP_SUMMARY"):
        from ._github import append_step_summary

        append_step_summary(_summary(args, target, size, batches, plan))
    return 0


def _github_plan(name: str, target: Target, size: int, batches: int) -> str:
    """Write NAME (the batch list), NAME-count (the points) and NAME-plan (the token); print the list.

    Returns the token.
    """
    from ._github import set_output
    from ._plan import Plan

    listed = "[" + ",".join(map(str, range(batches))) + "]"
    token = str(Plan.of(target.whole, size, target.steps))
    set_output(name, listed, "use a larger --size")
    set_output(f"{name}-count", str(target.sweep.count))
    set_output(f"{name}-plan", token)
    _out(listed + "\n")
    return token


def _over_limit(count: int, batches: int) -> str:
    """Advice for a sweep whose batches do not fit one GitHub matrix: advice that can be followed."""
    fits = -(-count // GITHUB_MATRIX_LIMIT)  # the smallest size giving at most 256 batches
    message = f"{batches} batches are more than a GitHub matrix takes ({GITHUB_MATRIX_LIMIT})"
    # One job per point, plus one per batch, the plan and collect, must stay within a run's limit.
    room = GITHUB_RUN_JOB_LIMIT - 2 - count
    smallest = max(fits, -(-count // room)) if room > 0 else GITHUB_MATRIX_LIMIT + 1
    if smallest <= GITHUB_MATRIX_LIMIT:
        return f"{message}: use --size {smallest} or more"
    return (
        f"{message}, and {count} points as one job each are beyond GitHub's limits "
        f"({GITHUB_MATRIX_LIMIT} jobs per matrix, {GITHUB_RUN_JOB_LIMIT:,} jobs per workflow run): "
        f"use --size {fits} or more with batch jobs that each loop over their points "
        "('lazysweep batch ... --format jsonl', see the README)"
    )


def _summary(args: argparse.Namespace, target: Target, size: int, batches: int, plan: str | None) -> str:
    rows = "".join(f"| `{path}` | {part.count} |\n" for path, part in zip([*args.files, "-a"], target.parts))
    if target.steps:
        rows += f"| selected ({_selection_label(target)}) | {target.sweep.count} |\n"
    notes = f"Plan: `{plan}`\n\n" if plan else ""
    if not target.sweep.count:
        notes += "No points: nothing to run (the fan-out skips its jobs when the count is 0).\n\n"
    return (
        f"### lazysweep: {target.sweep.count} points in {batches} batches of up to "
        f"{_largest_batch(args, target.sweep, size, batches)}\n\n"
        f"| file | points |\n| --- | ---: |\n{rows}\n{notes}"
    )


def _batch(args: argparse.Namespace) -> int:
    target = _target(args)
    size = _batch_size(args, target)
    sweep = target.sweep
    index = _position(_chosen_index(args), _batch_total(args, sweep, size), "batch index", target)
    start, stop = _batch_bounds(args, index, sweep, size)
    if args.format != "json":
        if args.github_output:
            raise UsageError(f"--github-output takes one JSON list: drop --format {args.format}")
        write_encoded_lines(_texts(args, target, start, stop), _out)
    elif args.github_output:  # encoded lazily: refused as soon as it passes GitHub's limit
        from ._github import bounded_json_list

        hint = "use a smaller --size"
        _emit(args, bounded_json_list(_texts(args, target, start, stop), args.github_output, hint), hint)
    else:
        write_encoded_list(_texts(args, target, start, stop), _out)
        _out("\n")
    return 0


def _get(args: argparse.Namespace) -> int:
    from ._jobarray import shell_assignments

    target = _target(args)
    _batch_size(args, target)
    index = _position(_chosen_index(args), target.sweep.count, "index", target)
    if args.github_output and args.format != "json":
        raise UsageError(f"--github-output takes JSON: drop --format {args.format}")
    if args.format == "env":
        _out(shell_assignments(next(_points(args, target, index, index + 1)), args.env_prefix))
    elif args.env_prefix:
        raise UsageError("--env-prefix goes with --format env")
    else:
        _emit(args, next(_texts(args, target, index, index + 1)))
    return 0


def _stream(args: argparse.Namespace) -> int:
    target = _target(args)
    _batch_size(args, target)
    start, stop, _ = slice(args.start, args.stop).indices(target.sweep.count)
    texts = _texts(args, target, start, max(start, stop))
    if args.format == "json":
        write_encoded_list(texts, _out)
        _out("\n")
    else:
        write_encoded_lines(texts, _out)
    return 0


def _collect(args: argparse.Namespace) -> int:
    from ._collect import collect, read_results, where_missing

    target = _target(args)
    plan = None
    if args.plan is not None:
        from ._plan import Plan

        try:
            plan = Plan.parse(args.plan)
        except ValueError as error:
            raise UsageError(f"--plan: {error}") from None
    from ._selection import IndexSelection

    only = target.sweep.ranges if isinstance(target.sweep, IndexSelection) else None  # --only, checked by _target
    found = collect(target.whole, read_results(args.results), plan, keep=args.output is not None, only=only)
    if args.output is not None:
        _replace_file(args.output, (f"{text}\n" for _, text in found.results))  # streamed from collect's spill
        found.close()
    misses = where_missing(target.whole, found.missing, only) if found.missing.count else None
    if args.missing is not None:
        _replace_file(args.missing, [f"{found.missing}\n"])
    if args.github_output:
        from ._github import set_output

        set_output(args.github_output, str(found.missing), "too many gaps for one output: use --missing FILE")
        set_output(f"{args.github_output}-count", str(found.missing.count))
    if os.environ.get("GITHUB_STEP_SUMMARY"):
        from ._github import append_step_summary

        append_step_summary(found.table() + ("" if misses is None else "\n" + misses.table()))
    _out(f"{found}\n")
    if found.problems or misses is not None:
        sys.stdout.flush()  # the summary line first, then the details on stderr, in that order on a terminal or a pipe
    for location, problem in found.problems:  # where to look, on stderr: stdout holds the one summary line
        sys.stderr.write(f"lazysweep: {location}: {problem}\n")
    if misses is not None:  # where the misses are
        sys.stderr.write(f"lazysweep: {misses}\n")
    return 0 if found.complete else 1


def _replace_file(path: str, chunks: Iterable[str]) -> None:
    """Write ``path`` whole, through a temporary file beside it, or leave it as it was."""
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.writelines(chunks)
        os.replace(temporary, path)
    except OSError as error:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise SweepError(f"cannot write: {error.strerror or error}", path=path) from None


# -- issue #14: sweeps from the command line, random order, shards, balanced batches, formats for programs --

_PROGRAM_FORMATS = ("args", "hydra")
_FORMATS_HELP = "args: --name=value per field, hydra: name=value overrides (each a line, quoted for the shell)"


def _axis_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("-a", "--axis", action="append", default=[], metavar="NAME=SPEC",
                     help="an axis: a list a,b,c, a range A..B or A..B:STEP, a geometric range A..BxF, "
                          "or N evenly spaced floats A..B:num=N (A..B:num=N:log: in logarithm); "
                          "repeated, the axes make one product, which comes after the files' points")


def _shuffle_option(sub: argparse.ArgumentParser, note: str | None = None) -> None:
    sub.add_argument("--shuffle", type=_integer, metavar="SEED",
                     help=note or "in a random order, the same for a seed everywhere (after --only; "
                                  "_index stays the index in the unshuffled sweep)")


def _shard_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--shards", type=_positive, metavar="N",
                     help="split the points into N contiguous parts whose sizes differ by at most 1 "
                          "(after --only and --shuffle); batches lists the parts")
    sub.add_argument("--shard", type=_natural, metavar="I",
                     help="work on part I of --shards (default: the job-array index, $LAZYSWEEP_INDEX, "
                          "$SLURM_ARRAY_TASK_ID, ...)")


def _max_batches_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--max-batches", type=_positive, default=GITHUB_MATRIX_LIMIT, metavar="N",
                     help=f"the most batches --size auto may make (default {GITHUB_MATRIX_LIMIT})")


def _size(text: str) -> int | str:
    return "auto" if text == "auto" else _positive(text)


def _parts(args: argparse.Namespace) -> list[Sweep]:
    """The files' sweeps, then the product of the ``-a`` axes as one more part."""
    parts = [load(path, job=args.job) for path in args.files]
    if args.axis:
        from ._axisspec import sweep_from_axes

        parts.append(sweep_from_axes(args.axis))
    if not parts:
        raise UsageError("no sweep: give sweep files, - for standard input, or axes with -a NAME=SPEC")
    return parts


def _order(args: argparse.Namespace, target: Target) -> None:
    """Apply --shuffle, then --shards/--shard, then note --size auto, as selection steps of ``target``."""
    seed = getattr(args, "shuffle", None)
    if seed is not None and hasattr(args, "shards"):  # not on fingerprint and collect, which match by _index
        target.narrow(target.sweep.shuffled(seed), ["shuffle", seed])
    shards = getattr(args, "shards", None)
    if shards is None:
        if getattr(args, "shard", None) is not None:
            raise UsageError("--shard I needs --shards N")
    elif args.command in ("batches", "plan"):  # they cover every shard: the jobs they plan each take one
        if args.shard is not None:
            raise UsageError(f"{args.command} covers every shard: drop --shard")
        target.narrow(target.sweep, ["shards", shards])
    else:
        target.narrow(target.sweep.shard(_shard_index(args, shards), shards), ["shards", shards])
    if getattr(args, "size", None) == "auto":
        target.narrow(target.sweep, ["size", "auto", args.max_batches])


def _shard_index(args: argparse.Namespace, shards: int) -> int:
    """``--shard``, or else the job-array index from the environment (``--offset`` is the point's or batch's)."""
    index: int | None = args.shard
    if index is None:
        if getattr(args, "index", 0) is None:
            raise UsageError("--shards without --shard: give --shard I or the command's --index, "
                             "not both from the job-array index")
        from ._jobarray import index_from_environment

        try:
            index = index_from_environment()
        except SweepError as error:
            raise UsageError(f"--shards: {error}") from None
    if index >= shards:
        raise UsageError(f"shard {index} is out of range: valid range is 0 to {shards - 1}")
    return index


def _auto_size(args: argparse.Namespace, sweep: Sweep) -> int | None:
    """``--size`` as a number: for ``auto``, the smallest that keeps the batches within --max-batches."""
    size: int | str | None = getattr(args, "size", None)
    if size == "auto":
        limit: int = args.max_batches
        return max(1, -(-sweep.count // limit))
    return size if size is None else int(size)


def _batch_total(args: argparse.Namespace, sweep: Sweep, size: int) -> int:
    """How many batches: the shards for ``batches --shards N``, balanced ones for --size auto, else by size."""
    if args.command == "batches" and args.shards is not None:
        shards: int = args.shards
        return shards
    if args.size == "auto":
        from ._batching import balanced_batch_count

        return balanced_batch_count(sweep.count, args.max_batches)
    return sweep.batch_count(size)


def _batch_bounds(args: argparse.Namespace, index: int, sweep: Sweep, size: int) -> tuple[int, int]:
    """Where batch ``index`` starts and stops: balanced for --size auto, else every ``size`` points."""
    if args.size == "auto":
        from ._batching import shard_bounds

        return shard_bounds(index, _batch_total(args, sweep, size), sweep.count)
    return batch_bounds(index, sweep.count, size)


def _largest_batch(args: argparse.Namespace, sweep: Sweep, size: int, batches: int) -> int:
    """How many points the largest batch holds: ``size``, or for shards the larger shard size."""
    if args.shards is not None and batches:
        return -(-sweep.count // batches)
    return size


def _selection_label(target: Target) -> str:
    """The options behind a target's selection steps, for the step summary: `--only`, `--shuffle`, ..."""
    options = {"only": "--only", "shuffle": "--shuffle", "shards": "--shards", "size": "--size auto"}
    return ", ".join(f"`{options[step[0]]}`" for step in target.steps)


def _program_line(format: str) -> Callable[[Point], str]:
    """A point as a line of arguments, for ``--format args`` or ``--format hydra``."""
    from ._formats import args_line, hydra_line

    return args_line if format == "args" else hydra_line


_COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]] = {
    "count": ("print the number of points", _setup_count, _count),
    "batches": ("print the JSON list of batch indices [0, 1, ...]", _setup_batches, _batches),
    "plan": ("print the plan token that batch, get and stream take as --plan", _setup_plan, _plan),
    "fingerprint": ("print the fingerprint of the sweep's content", _setup_fingerprint, _fingerprint),
    "batch": ("print batch K as a JSON list of points", _setup_batch, _batch),
    "get": ("print point I as a JSON object", _setup_get, _get),
    "stream": ("print points START..STOP-1, streamed", _setup_stream, _stream),
    "collect": ("match results to points: print what is done, missing, duplicated, unknown or stale; "
                "exit 1 unless complete", _setup_collect, _collect),
    "lint": (f"report every workflow job's matrix size; exit 1 if one exceeds {GITHUB_MATRIX_LIMIT}",
             _setup_lint, _lint),
}


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
            return _main(argv)
        finally:
            if digits is not None:
                sys.set_int_max_str_digits(digits)


def _main(argv: Sequence[str] | None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["--"]:  # `lazysweep -- count FILE`: the command name is not an option
        del arguments[0]
    if arguments[:1] in (["inferencemax"], ["inferencex"]):
        return _drop_in(arguments[0], arguments[1:])

    def run() -> int:
        only = arguments[0] if arguments and arguments[0] in _COMMANDS else None
        args = parse(lambda: _build_parser(only), arguments)
        status: int = args.run(args)
        return status

    return guard("lazysweep", run, debug="--debug" in arguments)


def _show_warning(message: Warning | str, *_: Any, **__: Any) -> None:
    """A warning (a misspelled key, say) as one line on stderr."""
    fail(f"lazysweep: warning: {message}", 0)


def _drop_in(name: str, arguments: list[str]) -> int:
    from importlib import import_module

    try:
        import_module(f".{name}", __package__).command_line(arguments, prog=f"lazysweep {name}")
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 1
    return 0
