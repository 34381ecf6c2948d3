"""Rewrite a workflow job whose matrix is over GitHub's 256-job limit into a fan-out that keeps it.

:func:`split` takes a workflow file and the name of a job with a literal ``strategy.matrix``
of more than 256 (and at most 50,000) jobs, and returns three files:

- the workflow, where the job became two: ``JOB-plan`` (the composite action's ``batches``
  over the matrix) and ``JOB``, a matrix of batches that calls the reusable workflow below;
- ``.github/workflows/STEM-JOB.yml``, a reusable workflow holding the job as it was
  (``runs-on``, ``services``, ``steps``, ``env``, ``container``, ``timeout-minutes``...), its
  ``strategy.matrix`` fed from its batch: ``include`` is the batch's points, each with the point's
  ``_index`` in the original matrix;
- ``.github/lazysweep/STEM-JOB.yml``, the matrix itself as a sweep file, where it is edited from
  now on.

Each point runs once, with the matrix values GitHub would give it in the original job.
``fail-fast`` carries over to both levels (a failed batch cancels the others, as a failed job
cancelled the matrix); ``max-parallel`` N becomes at most N jobs at once across the batches. The
job's ``needs`` and ``if`` move to the plan job. The rewrite keeps the workflow's comments, key
order and quoting (ruamel.yaml, the ``split`` extra).

Refused, in one line saying why: a matrix holding expressions (only a run knows its points), a
job whose steps read ``needs``/``inputs`` (a called workflow has its own), a job whose outputs other
jobs read (the batches' jobs can't merge them), a job calling a reusable workflow, and more than
50,000 jobs (one workflow run's limit).

Cost: parsing the workflow and counting the matrix; nothing is expanded.
"""

from __future__ import annotations

import difflib
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

from ._batching import GITHUB_MATRIX_LIMIT, GITHUB_RUN_JOB_LIMIT
from ._errors import SweepError, UsageError
from ._home import ACTION
from ._loader import load_document
from ._sweepfile import sweep_from_document, workflow_jobs

__all__ = ["Split", "split"]

_CONTEXT = re.compile(r"(?<![\w.-])(needs|inputs)\.([\w-]+)")  # not github.event.inputs: the caller's
_INSTALL = "lazysweep split needs ruamel.yaml, which keeps the workflow's comments: pip install 'lazysweep[split]'"


@dataclass(frozen=True)
class Split:
    """The files a split writes: ``files`` maps each path to its old text (None: new) and new text."""

    job: str
    count: int
    batches: int
    files: dict[str, tuple[str | None, str]]

    def diff(self) -> str:
        """A unified diff of every file, new files against /dev/null."""
        parts: list[str] = []
        for path, (old, new) in self.files.items():
            parts += difflib.unified_diff(
                (old or "").splitlines(keepends=True), new.splitlines(keepends=True),
                fromfile="/dev/null" if old is None else f"a/{path}", tofile=f"b/{path}")
        return "".join(parts)

    def write(self) -> None:
        """Write every file: all temporary files first, then the renames, so a failure leaves the
        repository as it was (short of a failing rename)."""
        staged = []
        try:
            for path, (_, new) in self.files.items():
                Path(path).parent.mkdir(parents=True, exist_ok=True)
                temporary = f"{path}.{os.getpid()}.tmp"
                staged.append((temporary, path))
                with open(temporary, "w", encoding="utf-8") as handle:
                    handle.write(new)
            for temporary, path in staged:
                os.replace(temporary, path)
        except OSError as error:
            for temporary, _ in staged:
                if os.path.exists(temporary):
                    os.unlink(temporary)
            raise SweepError(f"cannot write: {error.strerror or error}", path=error.filename) from None


def split(workflow: str | os.PathLike[str], job: str, size: int = GITHUB_MATRIX_LIMIT) -> Split:
    """Rewrite ``job`` of ``workflow`` into a fan-out (see the module's docstring); nothing is written.

    Raises :class:`SweepError` (one line, naming the file) for a job it refuses, and
    :class:`UsageError` when ruamel.yaml is not installed or ``size`` is out of 1..256.
    """
    if not 1 <= size <= GITHUB_MATRIX_LIMIT:
        raise UsageError(f"--size {size}: a batch is one matrix, so 1 to {GITHUB_MATRIX_LIMIT} points")
    path = os.fspath(workflow)
    document = load_document(path)
    jobs = workflow_jobs(document)
    definition = jobs.get(job)
    if not isinstance(definition, dict):
        raise document.error(f"no job {job!r} in the workflow (jobs: {', '.join(map(str, jobs))})")

    def refuse(why: str, container: Any = None, key: Any = None) -> SweepError:
        return document.error(f"job {job!r} can't be split: {why}", container, key, at_key=key is not None)

    if "uses" in definition:
        raise refuse("it calls a reusable workflow, which has no steps to fan out", definition, "uses")
    strategy = definition.get("strategy")
    if not isinstance(strategy, dict) or "matrix" not in strategy:
        raise refuse("it has no strategy.matrix", jobs, job)
    expression = next(_expressions(strategy["matrix"]), None)
    if expression is not None:
        raise refuse(f"its matrix holds the expression {expression!r}, and only a run can tell the points it "
                     "makes", strategy, "matrix")
    count = sweep_from_document(document, job).count
    if count <= GITHUB_MATRIX_LIMIT:
        raise refuse(f"its matrix makes {count} jobs, within GitHub's limit of {GITHUB_MATRIX_LIMIT}: "
                     "nothing to split", strategy, "matrix")
    if count > GITHUB_RUN_JOB_LIMIT:
        raise refuse(f"its matrix makes {count} jobs, more than one workflow run takes ({GITHUB_RUN_JOB_LIMIT}): "
                     "fan it out with batch jobs that loop over their points (see lazysweep lint)", strategy, "matrix")
    for key, value in definition.items():
        if key in ("needs", "if"):
            continue
        for text in _texts(value):
            found = _CONTEXT.search(text)
            if found:
                raise refuse(f"it reads {found.group(0)}, which a called workflow's job can't see: it has "
                             f"{found.group(1)} of its own", definition, key)
    for other, body in jobs.items():
        if other != job and isinstance(body, dict):
            for text in _texts(body):
                if re.search(rf"\bneeds\.{re.escape(job)}\.outputs\b", text):
                    raise refuse(f"job {other!r} reads its outputs (needs.{job}.outputs), which a matrix of "
                                 "batches can't give", jobs, other)

    stem = Path(path).stem
    called_name = f"{stem}-{job}.yml"
    called = Path(path).parent / called_name
    sweep_file = Path(path).parent.parent / "lazysweep" / called_name
    plan_job = f"{job}-plan"
    if plan_job in jobs:
        raise refuse(f"the workflow has a job {plan_job!r} already, the name the plan job takes")
    for target in (called, sweep_file):
        if target.exists():
            raise refuse(f"{target} exists: split writes it")

    yaml = _round_trip()
    original = Path(path).read_text(encoding="utf-8")
    sequence, offset = _guess_indent(original)
    yaml.indent(mapping=max(2, sequence - offset), sequence=sequence, offset=offset)
    top = yaml.load(original)
    node = top["jobs"][job]
    batches = -(-count // size)
    rel_sweep = _repository_path(sweep_file)
    rel_called = _repository_path(called)

    # The caller: JOB-plan, then JOB as a matrix of batches, where JOB was.
    plan = _mapping(yaml, {})
    for key in ("needs", "if"):
        if key in node:
            plan[key] = node[key]
    plan.update(_mapping(yaml, {
        "runs-on": "ubuntu-latest",
        "outputs": {"batches": "${{ steps.plan.outputs.batches }}", "plan": "${{ steps.plan.outputs.plan }}"},
        "steps": [{"uses": "actions/checkout@v5", "with": {"persist-credentials": False}},
                  {"id": "plan", "uses": ACTION,
                   "with": {"command": "batches", "sweep": rel_sweep, "size": size}}],
    }))
    strategy_node = node["strategy"]
    fail_fast = strategy_node.get("fail-fast")
    max_parallel = strategy_node.get("max-parallel")
    outer = _mapping(yaml, {})
    if fail_fast is not None:
        outer["fail-fast"] = fail_fast
    inner_parallel = None
    if isinstance(max_parallel, int) and not isinstance(max_parallel, bool):
        # at most N jobs at once: batches x jobs per batch <= N
        inner_parallel = max(1, min(max_parallel, size))
        outer["max-parallel"] = max(1, max_parallel // inner_parallel)
    outer["matrix"] = _mapping(yaml, {"batch": f"${{{{ fromJSON(needs.{plan_job}.outputs.batches) }}}}"})
    caller = _mapping(yaml, {"needs": plan_job, "strategy": outer, "uses": f"./{rel_called}",
                             "with": {"batch": "${{ matrix.batch }}",
                                      "plan": f"${{{{ needs.{plan_job}.outputs.plan }}}}"},
                             "secrets": "inherit"})
    if "permissions" in node:
        caller["permissions"] = node["permissions"]
    position = list(top["jobs"]).index(job)
    del top["jobs"][job]
    top["jobs"].insert(position, plan_job, plan)
    top["jobs"].insert(position + 1, job, caller)

    # The called workflow: a job listing the batch's points, then the job as it was.
    matrix = strategy_node["matrix"]
    strategy_node["matrix"] = _mapping(yaml, {"include": "${{ fromJSON(needs.points.outputs.points) }}"})
    if inner_parallel is not None:
        strategy_node["max-parallel"] = inner_parallel
    keys = list(node)
    position = keys.index("needs") if "needs" in keys else 0
    for key in ("needs", "if"):
        node.pop(key, None)
    node.insert(position, "needs", "points")
    head = _mapping(yaml, {
        "name": f"{top.get('name', stem)} / {job} (a batch)",
        "on": {"workflow_call": {"inputs": {"batch": {"type": "number", "required": True},
                                            "plan": {"type": "string", "required": True}}}},
    })
    for key in ("permissions", "env", "defaults"):
        if key in top:
            head[key] = top[key]
    head["jobs"] = _mapping(yaml, {
        "points": {
            "runs-on": "ubuntu-latest",
            "outputs": {"points": "${{ steps.batch.outputs.points }}"},
            "steps": [{"uses": "actions/checkout@v5", "with": {"persist-credentials": False}},
                      {"id": "batch", "uses": ACTION,
                       "with": {"command": "batch", "sweep": rel_sweep, "index": "${{ inputs.batch }}",
                                "plan": "${{ inputs.plan }}", "args": "--with-index"}}],
        },
    })
    head["jobs"][job] = node
    head.yaml_set_start_comment(
        f"Job {job!r} of {_repository_path(Path(path))}, {count} points in batches of {size}, written by\n"
        f"`lazysweep split`: its matrix is {rel_sweep}; this workflow runs one batch of it.")
    sweep = _mapping(yaml, {"matrix": matrix})
    sweep.yaml_set_start_comment(
        f"The matrix of job {job!r} ({count} jobs), moved here by `lazysweep split`: {rel_called}\n"
        f"runs it in batches. Edit it here; `lazysweep count {rel_sweep}` counts it.")

    files = {path: (original, _dump(yaml, top)), str(called): (None, _dump(yaml, head)),
             str(sweep_file): (None, _dump(yaml, sweep))}
    return Split(job, count, batches, files)


def _expressions(value: Any) -> Iterator[str]:
    """Every string holding ``${{`` in ``value``, depth first."""
    for text in _texts(value):
        if "${{" in text:
            yield text


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(key)
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _repository_path(path: Path) -> str:
    """``path`` from the repository's top (the folder holding .github), as workflows name files."""
    parts = Path(os.path.abspath(path)).parts
    if ".github" in parts:
        return "/".join(parts[len(parts) - parts[::-1].index(".github") - 1:])
    return path.as_posix()


def _round_trip() -> Any:
    try:
        # Imported here: ruamel.yaml is the optional `split` extra, and only this command needs it.
        from ruamel.yaml import YAML
    except ImportError:
        raise UsageError(_INSTALL) from None
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long line that was one line
    return yaml


def _guess_indent(text: str) -> tuple[int, int]:
    """The file's sequence indent and the dash's offset in it (GitHub's examples: 4 and 2)."""
    from ruamel.yaml.util import load_yaml_guess_indent

    _, indent, block_seq_indent = load_yaml_guess_indent(text)
    return indent or 2, block_seq_indent or 0


def _mapping(yaml: Any, value: dict[str, Any]) -> Any:
    """``value`` as ruamel.yaml's round-trip mapping (block style, in this order)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    def convert(item: Any) -> Any:
        if isinstance(item, dict) and not isinstance(item, CommentedMap):
            return CommentedMap((key, convert(inner)) for key, inner in item.items())
        if isinstance(item, list) and not isinstance(item, CommentedSeq):
            return CommentedSeq(convert(inner) for inner in item)
        return item

    return convert(value)


def _dump(yaml: Any, data: Any) -> str:
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()
