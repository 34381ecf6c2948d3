"""Batch arithmetic: which points make up batch ``k`` of a given size.

Batch ``k`` of size ``s`` holds points ``k*s .. k*s+s-1`` (the last batch
may be shorter). Everything here is O(1) integer arithmetic, exact for
counts of any size. The default size, 256, is GitHub Actions' limit on
the jobs of one matrix.

>>> batch_count(1000, 256), batch_bounds(3, 1000, 256)
(4, (768, 1000))
"""

from __future__ import annotations

import operator

__all__ = [
    "GITHUB_MATRIX_LIMIT", "GITHUB_RUN_JOB_LIMIT", "DEFAULT_BATCH_SIZE", "MAX_LISTED_BATCHES", "batch_count",
    "batch_bounds", "check_batch_size", "shard_bounds", "balanced_batch_count", "auto_size", "Batching",
    "over_limit_advice", "listing_advice", "fanout_jobs", "fanout_points_per_run", "fanout_over_limit",
]

#: The most jobs GitHub Actions runs from one matrix.
GITHUB_MATRIX_LIMIT = 256
#: The most jobs GitHub Actions runs in one workflow run (one check run per job; "Actions limits").
GITHUB_RUN_JOB_LIMIT = 50_000
DEFAULT_BATCH_SIZE = GITHUB_MATRIX_LIMIT
#: The most batch indices ``batches`` lists: no engine fans out wider, and a 10^15-entry list is a
#: typo's worth of output that never ends.
MAX_LISTED_BATCHES = 1_000_000


def check_batch_size(size: int) -> int:
    """Return ``size`` as an int; TypeError if it is not an integer, ValueError if below 1."""
    if isinstance(size, bool):
        raise TypeError("batch size must be an integer, not bool")
    size = operator.index(size)
    if size < 1:
        raise ValueError(f"batch size must be at least 1, got {size}")
    return size


def batch_count(count: int, size: int = DEFAULT_BATCH_SIZE) -> int:
    """The number of batches of ``size`` needed for ``count`` points: ceil(count / size)."""
    return -(-count // check_batch_size(size))


def batch_bounds(index: int, count: int, size: int = DEFAULT_BATCH_SIZE) -> tuple[int, int]:
    """``(start, stop)`` point indices of batch ``index``; negative counts from the end.

    IndexError when there is no such batch.

    >>> batch_bounds(-1, 10, 4)
    (8, 10)
    """
    batches = batch_count(count, size)
    if isinstance(index, bool):
        raise TypeError("batch index must be an integer, not bool")
    index = operator.index(index)
    if index < 0:
        index += batches
    if not 0 <= index < batches:
        raise IndexError("batch index out of range")
    start = index * size
    return start, min(start + size, count)


def shard_bounds(index: int, shards: int, count: int) -> tuple[int, int]:
    """``(start, stop)`` of shard ``index`` when ``count`` points are split into ``shards``
    contiguous parts whose sizes differ by at most one (the larger ones first). O(1).

    IndexError when there is no such shard, ValueError when ``shards < 1``.

    >>> [shard_bounds(k, 3, 10) for k in range(3)]
    [(0, 4), (4, 7), (7, 10)]
    """
    for value, what in ((index, "shard index"), (shards, "shard count")):
        if isinstance(value, bool):
            raise TypeError(f"{what} must be an integer, not bool")
    index, shards = operator.index(index), operator.index(shards)
    if shards < 1:
        raise ValueError(f"shard count must be at least 1, got {shards}")
    if not 0 <= index < shards:
        raise IndexError(f"shard index {index} is out of range: valid range is 0 to {shards - 1}")
    size, larger = divmod(count, shards)
    start = index * size + min(index, larger)
    return start, start + size + (index < larger)


def balanced_batch_count(count: int, max_batches: int) -> int:
    """How many balanced batches ``--size auto`` makes: those of the smallest size that
    keeps their number within ``max_batches``. O(1).

    With ``size = ceil(count / max_batches)``, that is ``ceil(count / size)``
    batches; splitting the points evenly over them (:func:`shard_bounds`)
    gives sizes of ``size`` or ``size - 1``, never a short last batch.

    >>> balanced_batch_count(300, 256), balanced_batch_count(514, 256), balanced_batch_count(0, 256)
    (150, 172, 0)
    """
    check_batch_size(max_batches)
    if count == 0:
        return 0
    return batch_count(count, batch_count(count, max_batches))


def auto_size(count: int, max_batches: int = GITHUB_MATRIX_LIMIT) -> int:
    """The batch size ``--size auto`` picks: the smallest that keeps ``count`` points within
    ``max_batches`` batches (at least 1). O(1).

    >>> auto_size(1000), auto_size(0)
    (4, 1)
    """
    return max(1, batch_count(count, max_batches))


class Batching:
    """How ``count`` points are cut into batches: every ``size`` points, or balanced.

    Balanced batches (``--size auto``, or the ``N`` parts of ``batches --shards N``)
    split the points evenly (:func:`shard_bounds`), so there is no short last
    batch. Everything is O(1).

    >>> fixed, balanced = Batching(10, 4), Batching.auto(10, max_batches=4)
    >>> fixed.total, fixed.bounds(-1), balanced.total, [balanced.bounds(k) for k in range(balanced.total)]
    (3, (8, 10), 4, [(0, 3), (3, 6), (6, 8), (8, 10)])
    """

    __slots__ = ("count", "size", "total", "balanced")

    def __init__(self, count: int, size: int = DEFAULT_BATCH_SIZE) -> None:
        self.count = count
        self.size = check_batch_size(size)
        self.total = batch_count(count, size)
        self.balanced = False

    @classmethod
    def auto(cls, count: int, max_batches: int = GITHUB_MATRIX_LIMIT) -> Batching:
        """The balanced batches of ``--size auto``: as few as keep each within :func:`auto_size`."""
        return cls._balanced(count, auto_size(count, max_batches), balanced_batch_count(count, max_batches))

    @classmethod
    def parts(cls, count: int, parts: int) -> Batching:
        """``parts`` balanced parts (``batches --shards N``), whose sizes differ by at most one."""
        return cls._balanced(count, max(1, batch_count(count, parts)), parts)

    @classmethod
    def _balanced(cls, count: int, size: int, total: int) -> Batching:
        batching = cls(count, size)
        batching.total, batching.balanced = total, True
        return batching

    def bounds(self, index: int) -> tuple[int, int]:
        """``(start, stop)`` of batch ``index`` (negative counts from the end); IndexError outside."""
        if not self.balanced:
            return batch_bounds(index, self.count, self.size)
        if -self.total <= index < 0:
            index += self.total
        if not 0 <= index < self.total:
            raise IndexError("batch index out of range")
        return shard_bounds(index, self.total, self.count)

    @property
    def largest(self) -> int:
        """How many points the largest batch holds (0 when there are none)."""
        return min(self.size, self.count) if self.total else 0


def over_limit_advice(count: int, batches: int) -> str:
    """Why ``batches`` batches of ``count`` points do not fit one GitHub matrix, and what to do:
    advice that can be followed (a job per batch and one per point must fit a workflow run).

    >>> over_limit_advice(1000, 1000)
    '1000 batches are more than a GitHub matrix takes (256): use --size 4 or more'
    """
    fits = batch_count(count, GITHUB_MATRIX_LIMIT)  # the smallest size giving at most 256 batches
    message = f"{batches} batches are more than a GitHub matrix takes ({GITHUB_MATRIX_LIMIT})"
    # One job per point, plus one per batch, the plan and collect, must stay within a run's limit.
    room = GITHUB_RUN_JOB_LIMIT - 2 - count
    smallest = max(fits, batch_count(count, room)) if room > 0 else GITHUB_MATRIX_LIMIT + 1
    if smallest <= GITHUB_MATRIX_LIMIT:
        return f"{message}: use --size {smallest} or more"
    return (
        f"{message}, and {count} points as one job each are beyond GitHub's limits "
        f"({GITHUB_MATRIX_LIMIT} jobs per matrix, {GITHUB_RUN_JOB_LIMIT:,} jobs per workflow run): "
        f"use --size {fits} or more with batch jobs that each loop over their points "
        "('lazysweep batch ... --format jsonl', see docs/ci.md)"
    )


def listing_advice(batches: int) -> str | None:
    """Why ``batches`` batch indices are too many to list, or None when they are not."""
    if batches <= MAX_LISTED_BATCHES:
        return None
    return (f"{batches} batches are too many to list (the limit is {MAX_LISTED_BATCHES}): "
            "use --count, or a larger --size")


def fanout_jobs(count: int, size: int = DEFAULT_BATCH_SIZE) -> int:
    """The jobs one run of the fan-out workflow schedules for ``count`` points in batches of ``size``:
    the plan job, then per batch one job listing its points (fanout-batch.yml's ``points``) and one
    job per point (its ``point`` matrix), then the collect job. With no points, plan and collect.
    O(1).

    >>> fanout_jobs(65536), fanout_jobs(0)
    (65794, 2)
    """
    return count + batch_count(count, size) + 2


def fanout_points_per_run(size: int = DEFAULT_BATCH_SIZE, limit: int = GITHUB_RUN_JOB_LIMIT) -> int:
    """The most points one fan-out run takes in batches of ``size``: the largest ``n`` with
    ``fanout_jobs(n, size) <= limit``. O(1).

    >>> fanout_points_per_run(256), fanout_jobs(49803), fanout_jobs(49804)
    (49803, 50000, 50001)
    """
    points = (limit - 2) * size // (size + 1)  # n + n/size <= limit - 2, give or take one
    while fanout_jobs(points + 1, size) <= limit:
        points += 1
    while points > 0 and fanout_jobs(points, size) > limit:
        points -= 1
    return points


def fanout_over_limit(count: int, size: int = DEFAULT_BATCH_SIZE, limit: int = GITHUB_RUN_JOB_LIMIT) -> str:
    """Why a fan-out of ``count`` points in batches of ``size`` does not fit one workflow run, with
    what to do instead; ``""`` when it fits. O(1).

    >>> fanout_over_limit(49803)
    ''
    >>> print(fanout_over_limit(65536))  # doctest: +NORMALIZE_WHITESPACE
    a fan-out of 65536 points is 65794 jobs in one workflow run (plan, 256 batch jobs, 65536 point jobs, collect),
    more than GitHub's limit of 50,000: run it in 2 runs of at most 49803 points with --only (0-49802, then
    49803-99605, ...), or use batch jobs that each loop over their points (--size 256 or more, no job per
    point), or a Slurm or Kubernetes job array (batch and get read its index)
    """
    jobs = fanout_jobs(count, size)
    if jobs <= limit:
        return ""
    batches = batch_count(count, size)
    most = fanout_points_per_run(size, limit)
    runs = -(-count // most) if most else 0
    split = (f"run it in {runs} runs of at most {most} points with --only (0-{most - 1}, then {most}-{2 * most - 1}, "
             "...), or " if most else "")
    return (
        f"a fan-out of {count} points is {jobs} jobs in one workflow run (plan, {batches} batch jobs, {count} point "
        f"jobs, collect), more than GitHub's limit of {limit:,}: {split}use batch jobs that each loop over their "
        f"points (--size {batch_count(count, GITHUB_MATRIX_LIMIT)} or more, no job per point), or a Slurm or "
        "Kubernetes job array (batch and get read its index)"
    )
