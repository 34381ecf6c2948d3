"""Job arrays: a task's index from its engine's environment (a point as shell variables: :mod:`lazysweep._formats`).

Slurm, Kubernetes Indexed Jobs and AWS Batch each hand a task its index in
an environment variable; :func:`index_from_environment` reads whichever is
set, so one command serves them all; several set to different values are
refused, never one picked silently. Large sweeps run as several arrays
(Slurm's ``MaxArraySize`` defaults to 1001), each with an ``offset``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from ._errors import SweepError, UsageError

__all__ = ["INDEX_VARIABLES", "index_from_environment"]

#: The most digits an index variable may hold: reading a number costs time quadratic in its digits
#: (50,000 read in milliseconds; the command line's options take as many).
_MAX_DIGITS = 50_000
#: Where each engine puts the task index, in the order they are tried.
INDEX_VARIABLES = ("LAZYSWEEP_INDEX", "SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX")


def index_from_environment(offset: int = 0, environ: Mapping[str, str] | None = None) -> int:
    """The task index the job-array variables hold, plus ``offset``.

    Every variable of :data:`INDEX_VARIABLES` that is set (and not empty) is
    read; when they hold different values (a ``LAZYSWEEP_INDEX`` exported in
    the submitting shell and passed on by ``sbatch --export=ALL``, say) none is
    picked: that is a :class:`~lazysweep._errors.UsageError` naming them all.

    >>> index_from_environment(1000, {"SLURM_ARRAY_TASK_ID": "7"})
    1007
    >>> index_from_environment(0, {"LAZYSWEEP_INDEX": "3", "SLURM_ARRAY_TASK_ID": "0"})
    Traceback (most recent call last):
    ...
    lazysweep._errors.UsageError: the job-array index variables disagree: $LAZYSWEEP_INDEX=3, $SLURM_ARRAY_TASK_ID=0 (unset the stray one, or pass --index)
    """
    environ = os.environ if environ is None else environ
    found: dict[str, int] = {}
    for variable in INDEX_VARIABLES:
        text = environ.get(variable)
        if text is None or not text.strip():
            continue
        if len(text) > _MAX_DIGITS:  # reading a number costs time quadratic in its digits
            raise SweepError(f"${variable} has {len(text)} characters: an index has at most {_MAX_DIGITS} digits")
        if not re.fullmatch(r"\s*\d+\s*", text):
            raise SweepError(f"${variable} must be a non-negative integer, got {text[:40]!r}")
        found[variable] = int(text)
    if not found:
        raise SweepError(f"no --index given and none of ${', $'.join(INDEX_VARIABLES)} is set")
    if len(set(found.values())) > 1:
        listed = ", ".join(f"${variable}={value}" for variable, value in found.items())
        raise UsageError(f"the job-array index variables disagree: {listed} (unset the stray one, or pass --index)")
    return next(iter(found.values())) + offset
