"""Will a workflow hit GitHub's matrix limit? Count every job's matrix before pushing.

GitHub Actions refuses a matrix of more than 256 jobs. :func:`lint` reads
workflow files, counts each job's literal ``strategy.matrix`` exactly
(``exclude``/``include`` included) and reports matrices built by an
expression as dynamic, since only a run can tell their size.
"""

from __future__ import annotations

import os
from collections import namedtuple
from collections.abc import Iterable, Iterator
from pathlib import Path

from .batching import GITHUB_MATRIX_LIMIT
from .errors import SweepError
from .loader import load_document
from .sweepfile import dynamic_reason, sweep_from_document, workflow_jobs

__all__ = ["GITHUB_MATRIX_LIMIT", "JobReport", "lint", "workflow_files"]


class JobReport(namedtuple("JobReport", "path job count note", defaults=("",))):
    """One job's matrix: ``count`` points, or None when built at run time (``note`` says why)."""

    __slots__ = ()

    @property
    def too_big(self) -> bool:
        return self.count is not None and self.count > GITHUB_MATRIX_LIMIT

    def __str__(self) -> str:
        if self.count is None:
            return f"{self.path}: job {self.job!r}: dynamic ({self.note})"
        verdict = f"over GitHub's limit of {GITHUB_MATRIX_LIMIT}" if self.too_big else "ok"
        return f"{self.path}: job {self.job!r}: {self.count} jobs, {verdict}"


def workflow_files(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """The files named, and the ``*.yml``/``*.yaml`` files in the folders named, sorted."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(str(p) for p in path.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file())
        elif path.exists():
            found.append(str(path))
        else:
            raise SweepError("no such file or folder", path=str(path))
    return found


def lint(paths: Iterable[str | os.PathLike[str]]) -> Iterator[JobReport]:
    """A report for every job with a ``strategy.matrix`` in the workflows at ``paths``.

    Cost: parsing the files and counting each matrix; nothing is expanded.
    """
    for path in workflow_files(paths):
        document = load_document(path)
        for job, definition in workflow_jobs(document).items():
            strategy = definition.get("strategy") if isinstance(definition, dict) else None
            if not isinstance(strategy, dict) or "matrix" not in strategy:
                continue
            reason = dynamic_reason(strategy["matrix"])
            if reason:
                yield JobReport(path, str(job), None, reason)
            else:
                yield JobReport(path, str(job), sweep_from_document(document, str(job)).count)
