"""Target resolution, done once for every sweep command: files, stdin, ``-a`` axes -> selection -> plan check.

:class:`TargetOptions` is the explicit shape of what a command asked for
(read from the Namespace, whose fields :data:`.options.TARGET_DEFAULTS` always
fills); :func:`resolve` turns it into a :class:`Target` through library calls:
:func:`lazysweep.load`, :func:`lazysweep._axisspec.sweep_from_axes`,
:func:`lazysweep._pipeline.select_points` and :func:`lazysweep._plan.check_plan`.
"""

from __future__ import annotations

import argparse

from .._batching import DEFAULT_BATCH_SIZE, Batching, auto_size
from .._errors import SweepError, UsageError
from .._jobarray import index_from_environment
from .._pipeline import Selection, select_points
from .._space import Chain, Sweep
from .._sweepfile import load

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from typing import Any

    from .._selection import Ranges

__all__ = ["TargetOptions", "Target", "resolve"]


class TargetOptions:
    """What a sweep command works on, as asked: the sources, the selection, the plan and batch size.

    ``planning`` is set for the commands that plan a fan-out (``batches``,
    ``plan``): they cover every shard, so ``--shard`` is theirs to refuse.
    """

    __slots__ = ("files", "job", "axes", "only", "selection", "plan", "size", "max_batches", "planning")

    def __init__(self, args: argparse.Namespace) -> None:
        if args.refuse_shuffle is not None:
            raise UsageError(f"{args.command} takes no --shuffle: {args.shuffle_reason}; drop it")
        if args.order_free and args.shuffle is not None and args.sample is None:
            raise UsageError(f"--shuffle alone does not change what {args.command} prints "
                             "(it is the seed of --sample): drop it")
        self.files: list[str] = args.files
        self.job: str | None = args.job
        self.axes: list[str] = args.axis
        self.planning: bool = args.planning
        self.plan: str | None = args.plan
        self.size: int | str | None = args.size
        self.max_batches: int = args.max_batches
        if self.planning and args.shard is not None:
            raise UsageError(f"{args.command} covers every shard: drop --shard")
        shard = args.shard
        if args.shards is not None and shard is None and not self.planning:
            shard = _shard_from_environment(args)
        self.only: str | None = args.only
        self.selection = Selection(seed=args.shuffle, sample=args.sample, shards=args.shards, shard=shard)


def _shard_from_environment(args: argparse.Namespace) -> int:
    """The job-array index as the shard (``--offset`` is the point's or batch's, not the shard's)."""
    if args.takes_index and args.index is None:
        raise UsageError("--shards without --shard: give --shard I or the command's --index, "
                         "not both from the job-array index")
    try:
        return index_from_environment()
    except SweepError as error:
        raise UsageError(f"--shards: {error}") from None


class Target:
    """What a sweep command works on: the files' sweeps (``parts``, named by ``labels``), their
    concatenation (``whole``), the selection of it (``sweep``, with its ``steps``), the batch size
    and how the selection is cut into batches."""

    __slots__ = ("parts", "labels", "whole", "sweep", "steps", "only", "size", "batching")

    def __init__(self, parts: list[Sweep], labels: list[str]) -> None:
        self.parts, self.labels = parts, labels
        self.whole: Sweep = parts[0] if len(parts) == 1 else Chain(parts)
        self.sweep: Sweep = self.whole
        self.steps: list[list[Any]] = []
        self.only: Ranges | None = None  # --only's ranges, read and checked against the sweep
        self.size = DEFAULT_BATCH_SIZE
        self.batching = Batching(0)


def resolve(options: TargetOptions) -> Target:
    """Load, select, check the plan, and settle the batches: the one way every command gets its points."""
    target = _sources(options)
    only = options.only
    selection = options.selection
    if only is not None:
        selection.only = target.only = _only_ranges(only, target.whole.count)
    selected = select_points(target.whole, selection)
    target.sweep, target.steps = selected.sweep, selected.steps
    size = options.size if isinstance(options.size, int) else None
    count = target.sweep.count
    if options.plan is not None:  # the plan's size, whatever --size auto would work out for this job
        from .._plan import Plan, check_plan  # lazily: 0.09x `import yaml` (measured)

        try:
            plan = Plan.parse(options.plan)
        except ValueError as error:
            raise UsageError(f"--plan: {error}") from None
        target.size = check_plan(plan, target.whole, target.steps, size)
        target.batching = Batching(count, target.size)
    elif options.size == "auto":
        target.size = auto_size(count, options.max_batches)
        target.batching = Batching.auto(count, options.max_batches)
    else:
        target.size = DEFAULT_BATCH_SIZE if size is None else size
        target.batching = Batching(count, target.size)
    if options.planning and selection.shards is not None:  # batches --shards N lists the parts
        target.batching = Batching.parts(count, selection.shards)
    return target


def _sources(options: TargetOptions) -> Target:
    """The files' sweeps, then the product of the ``-a`` axes as one more part."""
    parts = [load(path, job=options.job) for path in options.files]
    labels = list(options.files)
    if options.axes:
        from .._axisspec import sweep_from_axes  # lazily: 0.06x `import yaml` (measured), -a only

        parts.append(sweep_from_axes(options.axes))
        labels.append("-a")
    if not parts:
        raise UsageError("no sweep: give sweep files, - for standard input, or axes with -a NAME=SPEC")
    return Target(parts, labels)


def _only_ranges(text: str, count: int) -> Ranges:
    """The ranges of ``--only RANGES`` or ``--only @FILE``, numbers no longer than ``count`` needs."""
    from .._selection import Ranges  # lazily: 0.04x `import yaml` (measured, with bisect), --only only

    if not text.startswith("@"):
        try:
            return Ranges.parse(text, end=count)
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
        return Ranges.parse(content, end=count)
    except ValueError as error:
        raise SweepError(str(error), path=path) from None
