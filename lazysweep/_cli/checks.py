"""The commands that read what ran and what will run: ``collect``, ``lint``, ``split``.

Each is a thin shell over one library call (:func:`lazysweep._collect.collect`,
:func:`lazysweep._workflow.lint_file`, :func:`lazysweep._split.split`), its answer printed.
"""

from __future__ import annotations

import argparse
import os
import sys

from .._batching import GITHUB_MATRIX_LIMIT
from .._console import fail, flush, write
from .._errors import SweepError, UsageError
from .._files import write_file
from .._github import annotation, append_step_summary, set_output
from .._selection import Ranges
from .._workflow import lint_file, workflow_files
from .target import TargetOptions, resolve

__all__ = ["run_collect", "run_lint", "run_split"]


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
