"""The selection pipeline: which points of a sweep a job works on, as one library call.

The command line's selection options are applied here, in one fixed order,
each as a lazy view of the sweep before it:

1. ``only``: just these indices of the whole sweep (:func:`lazysweep.select`);
2. ``seed``: the points in that seeded random order (:meth:`Sweep.shuffled`);
3. ``sample``: the first ``sample`` points of that order (:meth:`Sweep.sample`:
   a uniform random sample without repeats, so it needs a seed);
4. ``shards``: part ``shard`` of ``shards`` balanced parts (:meth:`Sweep.shard`),
   or, with ``shard=None``, all of them (what a plan covers).

How the result is cut into batches is not a selection: that is
:class:`lazysweep._batching.Batching`, and a plan pins it by its size.

So ``select_points(sweep, Selection(sample=20, seed=42, shards=8, shard=i))`` is
``sweep.sample(20, seed=42).shard(i, 8)``. Batches and indices count within
the result, while :meth:`Sweep.source_index` (``_index``) stays the point's
index in the whole sweep. Each step is written down as a JSON-able item
(``["only", "0-9,15"]``): the *steps* a plan's selection fingerprint covers
(:mod:`lazysweep._plan`). Making the selection is O(runs of ``only``); nothing
grows with the number of points.

>>> from lazysweep import from_matrix
>>> sweep = from_matrix({"n": {"start": 0, "stop": 99}})
>>> parts = [select_points(sweep, Selection(sample=20, seed=42, shards=8, shard=i)) for i in range(8)]
>>> [part.sweep.count for part in parts], parts[0].steps
([3, 3, 3, 3, 2, 2, 2, 2], [['shuffle', 42], ['sample', 20], ['shards', 8]])
>>> sorted(p["n"] for part in parts for p in part.sweep) == sorted(p["n"] for p in sweep.sample(20, seed=42))
True
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from typing import Any

    from ._selection import Ranges

from ._errors import UsageError
from ._space import Sweep

__all__ = ["Selection", "Selected", "select_points", "STEP_OPTIONS", "options_of"]

#: The command-line option behind each kind of step, for messages.
STEP_OPTIONS = {"only": "--only", "shuffle": "--shuffle", "sample": "--sample", "shards": "--shards"}


class Selection:
    """The selection options, all optional (see the module's documentation for their order).

    ``only`` is a :class:`~lazysweep._selection.Ranges` or its text (``"0-9,15"``);
    ``shard=None`` with ``shards`` means every shard (a plan over all of them).
    """

    __slots__ = ("only", "seed", "sample", "shards", "shard")

    def __init__(
        self, only: Ranges | str | None = None, seed: int | None = None, sample: int | None = None,
        shards: int | None = None, shard: int | None = None,
    ) -> None:
        self.only, self.seed, self.sample = only, seed, sample
        self.shards, self.shard = shards, shard


class Selected:
    """The result of :func:`select_points`: the whole sweep, the selection of it, and the steps taken."""

    __slots__ = ("whole", "sweep", "steps")

    def __init__(self, whole: Sweep) -> None:
        self.whole = whole
        self.sweep = whole
        self.steps: list[list[Any]] = []

    def narrow(self, sweep: Sweep, step: list[Any]) -> None:
        self.sweep = sweep
        self.steps.append(step)


def select_points(sweep: Sweep, selection: Selection) -> Selected:
    """``sweep`` narrowed by ``selection``, step by step. UsageError for options that cannot go
    together or do not fit the sweep (one line, naming the option)."""
    selected = Selected(sweep)
    if selection.only is not None:
        from ._selection import Ranges, select  # lazily: 0.04x `import yaml` (measured, with bisect), --only only

        only = selection.only
        try:
            ranges = only if isinstance(only, Ranges) else Ranges.parse(only, end=sweep.count)
            selected.narrow(select(sweep, ranges), ["only", str(ranges)])
        except (ValueError, IndexError) as error:
            raise UsageError(f"--only: {error}") from None
    if selection.seed is not None:
        selected.narrow(selected.sweep.shuffled(selection.seed), ["shuffle", selection.seed])
    if selection.sample is not None:
        if selection.seed is None:
            raise UsageError("--sample N takes the first N points of a random order: give its seed, "
                             "--shuffle SEED (or --seed SEED)")
        count = selected.sweep.count
        if selection.sample > count:
            what = "selection" if selected.steps[:-1] else "sweep"
            raise UsageError(f"--sample {selection.sample} is more than the {count} points of the {what}")
        selected.narrow(selected.sweep[: selection.sample], ["sample", selection.sample])
    if selection.shards is None:
        if selection.shard is not None:
            raise UsageError("--shard I needs --shards N")
    elif selection.shard is None:  # every shard: a plan over all of them
        selected.narrow(selected.sweep, ["shards", selection.shards])
    else:
        if not 0 <= selection.shard < selection.shards:
            raise UsageError(f"shard {selection.shard} is out of range: valid range is 0 to {selection.shards - 1}")
        selected.narrow(selected.sweep.shard(selection.shard, selection.shards), ["shards", selection.shards])
    return selected


def options_of(steps: list[list[Any]]) -> str:
    """The options behind selection steps, as a user would write them.

    >>> options_of([["only", "0-9"], ["shuffle", 3], ["sample", 5], ["only", ""]])
    "--only 0-9 --shuffle 3 --sample 5 --only ''"
    """
    return " ".join(f"{STEP_OPTIONS[step[0]]} {str(step[1]) or repr('')}" for step in steps)
