"""Will a workflow hit GitHub's matrix limit? Count every job's matrix before pushing.

GitHub Actions refuses a matrix of more than 256 jobs. :func:`lint` reads
workflow files, counts each job's literal ``strategy.matrix`` exactly
(``exclude``/``include`` included, with GitHub's matching rules) and reports
a matrix with a ``${{ ... }}`` anywhere in it (the whole matrix, an axis, a
value, an ``include`` or ``exclude`` entry) as dynamic: it cannot be counted
before the run, and counting its text would be wrong. The report names the
path and the expression, and lint still exits 0 for it (a fan-out's matrix is
dynamic by design). A report over the limit carries its fix: how many batches
of 256 the matrix makes, and the command that rewrites the job into a fan-out
(``lazysweep split``), or past one workflow run's 50,000 jobs, the fan-out
workflow with batch jobs that loop.
"""

from __future__ import annotations

import os
import re
import shlex
from collections import namedtuple
from collections.abc import Iterable, Iterator
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

from ._batching import GITHUB_MATRIX_LIMIT, GITHUB_RUN_JOB_LIMIT
from ._errors import SweepError
from ._home import FANOUT_WORKFLOW
from ._loader import load_document
from ._sweepfile import dynamic_reason, sweep_from_document, workflow_jobs

__all__ = ["GITHUB_MATRIX_LIMIT", "GITHUB_RUN_JOB_LIMIT", "FANOUT_WORKFLOW", "JobReport", "lint", "lint_file",
           "workflow_files"]


_FROM_JSON = re.compile(r"fromjson\(\s*([^()]*?)\s*\)", re.IGNORECASE)


class JobReport(namedtuple("JobReport", "path job count note line column source", defaults=("", None, None, ""))):
    """One job's matrix: ``count`` points, or None when built at run time (``note`` says why, and
    ``source`` names what its ``fromJSON(...)`` reads); ``line`` and ``column`` locate its
    ``matrix:`` key."""

    __slots__ = ()

    @property
    def too_big(self) -> bool:
        return self.count is not None and self.count > GITHUB_MATRIX_LIMIT

    @property
    def fix(self) -> str:
        """For a matrix over the limit, what to do about it; otherwise empty.

        >>> JobReport("ci.yml", "test", 600).fix
        'fix: 600 jobs make 3 batches of 256: lazysweep split ci.yml --job test rewrites the job into a fan-out that keeps its runs-on, services and steps'
        """
        count = self.count
        if count is None or count <= GITHUB_MATRIX_LIMIT:
            return ""
        # ceil(count / 256): the batches at size 256, and also the smallest size that makes 256 batches
        batches = -(-count // GITHUB_MATRIX_LIMIT)
        head = f"fix: {count} jobs make {batches} batches of {GITHUB_MATRIX_LIMIT}"
        if batches <= GITHUB_MATRIX_LIMIT and count <= GITHUB_RUN_JOB_LIMIT:
            split = f"lazysweep split {shlex.quote(str(self.path))} --job {shlex.quote(str(self.job))}"
            return f"{head}: {split} rewrites the job into a fan-out that keeps its runs-on, services and steps"
        how = f"put the matrix in a sweep file and fan it out with the reusable workflow {FANOUT_WORKFLOW}"
        return (
            f"{head}, more than one workflow run takes ({GITHUB_MATRIX_LIMIT} batches, {GITHUB_RUN_JOB_LIMIT} "
            f"jobs): {how} with a batch size of {batches} or more, each batch job looping over its points"
        )

    def __str__(self) -> str:
        where = ":".join(str(part) for part in (self.path, self.line, self.column) if part is not None)
        return f"{where}: job {self.job!r}: {self.summary}"

    @property
    def summary(self) -> str:
        """What the report says about the job, without where it is."""
        if self.count is None:
            return f"dynamic, cannot be counted before the run: {self.note}"
        verdict = f"over GitHub's limit of {GITHUB_MATRIX_LIMIT}" if self.too_big else "ok"
        return f"{self.count} jobs, {verdict}"


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
        yield from lint_file(path)


def lint_file(path: str | os.PathLike[str]) -> Iterator[JobReport]:
    """A report for every job with a ``strategy.matrix`` in one workflow file."""
    document = load_document(path)
    name = os.fspath(path)
    for job, definition in workflow_jobs(document).items():
        strategy = definition.get("strategy") if isinstance(definition, dict) else None
        if not isinstance(strategy, dict) or "matrix" not in strategy:
            continue
        where = document.position(strategy, "matrix", at_key=True)
        line, column = (where.line, where.column) if where else (None, None)
        reason = dynamic_reason(strategy["matrix"])
        if reason:
            yield JobReport(name, str(job), None, reason, line, column, _source(strategy["matrix"]))
        else:
            yield JobReport(name, str(job), sweep_from_document(document, str(job)).count, "", line, column)


def _source(matrix: Any) -> str:
    """What a dynamic matrix's ``fromJSON(...)`` reads, such as ``needs.plan.outputs.batches``.

    >>> _source({"os": ["linux"], "batch": "${{ fromJSON(needs.plan.outputs.batches) }}"})
    'needs.plan.outputs.batches'
    """
    texts = [matrix] if isinstance(matrix, str) else [v for v in matrix.values() if isinstance(v, str)]
    for text in texts:
        found = _FROM_JSON.search(text)
        if found:
            return found.group(1)
    return ""
