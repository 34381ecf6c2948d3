"""The report commands: ``count``, ``batches``, ``plan``, ``fingerprint``, ``collect``, ``lint``.

Each is a thin shell: the target from :func:`.target.resolve`, then one
library call (:attr:`Sweep.count`, :class:`lazysweep._batching.Batching`,
:class:`lazysweep._plan.Plan`, :func:`lazysweep._collect.collect`,
:func:`lazysweep._workflow.lint_file`), its answer printed.
"""

from __future__ import annotations

import argparse
import os
import sys

from .._batching import GITHUB_MATRIX_LIMIT, fanout_over_limit, listing_advice, over_limit_advice
from .._console import fail, flush, write
from .._errors import SweepError, UsageError
from .._files import write_file
from .._github import annotation, append_step_summary, set_output
from .._pipeline import options_of
from .._selection import Ranges
from .._workflow import lint_file, workflow_files
from .._writer import write_encoded_list
from .points import emit
from .target import Target, TargetOptions, resolve

__all__ = ["run_count", "run_batches", "run_plan", "run_fingerprint", "run_collect", "run_lint", "run_split"]


def run_count(args: argparse.Namespace) -> int:
    emit(args, str(resolve(TargetOptions(args)).sweep.count))
    return 0


def run_fingerprint(args: argparse.Namespace) -> int:
    from .._plan import fingerprint  # lazily: 0.09x `import yaml` (measured)

    write(fingerprint(resolve(TargetOptions(args)).whole) + "\n")
    return 0


def run_plan(args: argparse.Namespace) -> int:
    target = resolve(TargetOptions(args))
    if args.github_output and (why := fanout_over_limit(target.sweep.count, target.size)):
        raise UsageError(why)  # a plan for GitHub must fit one workflow run; Slurm or Kubernetes need not
    emit(args, _token(target))
    return 0


def _token(target: Target) -> str:
    from .._plan import Plan  # lazily: 0.09x `import yaml` (measured)

    return str(Plan.of(target.whole, target.size, target.steps))


def run_batches(args: argparse.Namespace) -> int:
    target = resolve(TargetOptions(args))
    batches = target.batching.total
    token = None
    if args.count:
        emit(args, str(batches))
    elif args.github_output:
        if batches > GITHUB_MATRIX_LIMIT:
            raise UsageError(over_limit_advice(target.sweep.count, batches))
        if why := fanout_over_limit(target.sweep.count, target.size):
            raise UsageError(why)
        token = _github_plan(args.github_output, target)
    else:
        advice = listing_advice(batches)
        if advice:
            raise UsageError(advice)
        write_encoded_list(map(str, range(batches)), write)
        write("\n")
    if os.environ.get("GITHUB_STEP_SUMMARY"):
        append_step_summary(_summary(target, token))
    return 0


def _github_plan(name: str, target: Target) -> str:
    """Write NAME (the batch list), NAME-count (the points) and NAME-plan (the token); print the list.

    Returns the token.
    """
    listed = "[" + ",".join(map(str, range(target.batching.total))) + "]"
    token = _token(target)
    set_output(name, listed, "use a larger --size")
    set_output(f"{name}-count", str(target.sweep.count))
    set_output(f"{name}-plan", token)
    write(listed + "\n")
    return token


def _summary(target: Target, plan: str | None) -> str:
    """The step summary of ``batches``: the files, the selection, the batches, the plan."""
    rows = "".join(f"| `{label}` | {part.count} |\n" for label, part in zip(target.labels, target.parts))
    if target.steps:
        rows += f"| selected (`{options_of(target.steps)}`) | {target.sweep.count} |\n"
    notes = f"Plan: `{plan}`\n\n" if plan else ""
    if not target.sweep.count:
        notes += "No points: nothing to run (the fan-out skips its jobs when the count is 0).\n\n"
    return (
        f"### lazysweep: {target.sweep.count} points in {target.batching.total} batches of up to "
        f"{target.batching.largest or target.size}\n\n"
        f"| file | points |\n| --- | ---: |\n{rows}\n{notes}"
    )


def run_collect(args: argparse.Namespace) -> int:
    from .._collect import collect, output_lines, read_results, where_missing  # lazily: 0.78x `import yaml` (measured), collect only

    if not args.files and not args.axis and len(args.results) > 1:
        raise UsageError(f"did --results take {args.results[-1][:60]!r}? put the sweep first or repeat --results")
    options = TargetOptions(args)
    options.plan = None  # the library checks the plan's sweep; the selection may differ (all of it, after a re-run)
    target = resolve(options)
    plan = None
    if args.plan is not None:
        from .._plan import Plan  # lazily: 0.09x `import yaml` (measured)

        try:
            plan = Plan.parse(args.plan)
        except ValueError as error:
            raise UsageError(f"--plan: {error}") from None
    only = target.only
    if options.selection.sample is not None:  # the sample's indices: as many runs as the sample has points
        only = Ranges((index, index + 1) for index in map(target.sweep.source_index, range(target.sweep.count)))
    found = collect(target.whole, read_results(args.results), plan, keep=args.output is not None, only=only)
    if args.output is not None:
        write_file(args.output, output_lines(found))  # streamed from collect's spill
        found.close()
    misses = where_missing(target.whole, found.missing, only) if found.missing.count else None
    if args.missing is not None:
        write_file(args.missing, [f"{found.missing}\n"])
    if args.github_output:
        set_output(args.github_output, str(found.missing), "too many gaps for one output: use --missing FILE")
        set_output(f"{args.github_output}-count", str(found.missing.count))
    if os.environ.get("GITHUB_STEP_SUMMARY"):
        append_step_summary(found.table() + ("" if misses is None else "\n" + misses.table()))
    write(f"{found}\n")
    if found.problems or (misses is not None and misses.concentrated()):
        flush()  # the summary line first, then the details on stderr, in that order on a terminal or a pipe
    for location, problem in found.problems:  # where to look, on stderr: stdout holds the one summary line
        sys.stderr.write(f"lazysweep: {location}: {problem}\n")
    if misses is not None and misses.concentrated():  # where the misses are
        sys.stderr.write(f"lazysweep: {misses}\n")
    return 0 if found.complete else 1


def run_lint(args: argparse.Namespace) -> int:
    """Report every file; a file that cannot be read is one error among the reports, not the end."""
    github = args.format == "github"
    status = reported = 0
    for path in workflow_files(args.paths):
        try:
            reports = list(lint_file(path))
        except SweepError as error:
            if github:
                write(annotation("error", error.message, file=error.path, line=error.line, column=error.column,
                                 title="lazysweep lint") + "\n")
            flush()  # the error line after the reports before it
            fail(f"lazysweep: error: {error}", 1, getattr(args, "debug", False))
            status = 1
            continue
        for report in reports:
            reported += 1
            if report.too_big:
                status = 1
                if github:
                    write(annotation("error", f"job {report.job!r}: {report.summary}. {report.fix}", file=report.path,
                                     line=report.line, column=report.column,
                                     title=f"matrix over {GITHUB_MATRIX_LIMIT} jobs") + "\n")
                    continue
                write(f"{report}\n  {report.fix}\n")
            else:
                write(f"{report}\n")
    if not reported and not status:
        write("no job has a strategy.matrix\n")
    return status


def run_split(args: argparse.Namespace) -> int:
    from .._split import split  # lazily: ruamel.yaml, an optional extra, is only for this command

    result = split(args.workflow, args.job, args.size)
    if args.write:
        result.write()
    write(f"wrote {', '.join(result.files)}\n" if args.write else result.diff())
    return 0
