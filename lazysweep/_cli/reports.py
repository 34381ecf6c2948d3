"""The report commands: ``count``, ``batches``, ``plan``, ``fingerprint``.

Each is a thin shell: the target from :func:`.target.resolve`, then one
library call (:attr:`Sweep.count`, :class:`lazysweep._batching.Batching`,
:class:`lazysweep._plan.Plan`), its answer printed. They run at the start of
every fan-out, so this module imports only what they all need: GitHub's
outputs and step summary load when asked for (:mod:`.checks` holds the
commands that read results and workflows).
"""

from __future__ import annotations

import argparse
import os

from .._batching import GITHUB_MATRIX_LIMIT, fanout_over_limit, listing_advice, over_limit_advice
from .._console import write
from .._errors import UsageError
from .._pipeline import options_of
from .._writer import write_encoded_list
from .points import emit
from .target import Target, TargetOptions, resolve

__all__ = ["run_count", "run_batches", "run_plan", "run_fingerprint"]


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
        from .._github import append_step_summary  # lazily: GitHub's files, in a workflow only

        append_step_summary(_summary(target, token))
    return 0


def _github_plan(name: str, target: Target) -> str:
    """Write NAME (the batch list), NAME-count (the points) and NAME-plan (the token); print the list.

    Returns the token.
    """
    from .._github import set_output  # lazily: GitHub's files, in a workflow only

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
