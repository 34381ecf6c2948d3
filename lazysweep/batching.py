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

__all__ = ["GITHUB_MATRIX_LIMIT", "DEFAULT_BATCH_SIZE", "batch_count", "batch_bounds", "check_batch_size"]

#: The most jobs GitHub Actions runs from one matrix.
GITHUB_MATRIX_LIMIT = 256
DEFAULT_BATCH_SIZE = GITHUB_MATRIX_LIMIT


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
