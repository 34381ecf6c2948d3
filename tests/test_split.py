"""`lazysweep split`: a job over 256 becomes a plan job, a matrix of batches and a reusable workflow
holding the job as it was; every point of the original matrix runs exactly once, with its values.

tests/test_act.py runs the result with act; these tests check the rewrite itself, the points it
gives against a plain oracle of GitHub's include/exclude rules, and every refusal, through the real
entry point (`python -m lazysweep`).
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import lazysweep
from lazysweep._errors import SweepError
from lazysweep._home import ACTION
from lazysweep._loader import load_document
from lazysweep._split import split

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "split" / ".github" / "workflows" / "ci.yml"


def github_matrix(matrix: dict) -> list[dict]:
    """A matrix's jobs the plain way, as GitHub's docs state the rules: the product of the axes,
    minus each combination an exclude entry matches (all its keys), then each include entry merged
    into every original combination whose axis values it doesn't contradict (it may overwrite values
    an earlier include added), or added as a job of its own where it fits none."""
    axes = {k: v for k, v in matrix.items() if k not in ("include", "exclude")}
    combos = [dict(zip(axes, values)) for values in itertools.product(*axes.values())]
    combos = [c for c in combos if not any(all(c.get(k) == v for k, v in e.items()) for e in matrix.get("exclude", []))]
    jobs, extra = [dict(c) for c in combos], []
    for entry in matrix.get("include", []):
        fits = [i for i, c in enumerate(combos) if all(c[k] == v for k, v in entry.items() if k in axes)]
        for i in fits:
            jobs[i].update(entry)
        if not fits:
            extra.append(dict(entry))
    return jobs + extra


@pytest.fixture
def repo(tmp_path):
    """A repository holding the example workflow."""
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(EXAMPLE, tmp_path / ".github" / "workflows" / "ci.yml")
    return tmp_path


def cli(*argv: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lazysweep", *argv], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def written(repo: Path) -> tuple[dict, dict, dict]:
    """The three files, read as GitHub reads YAML (1.2: `on` is a key, not true)."""
    return tuple(load_document(repo / ".github" / name).value  # type: ignore[return-value]
                 for name in ("workflows/ci.yml", "workflows/ci-test.yml", "lazysweep/ci-test.yml"))


def test_the_example_is_841_jobs_as_github_counts_them():
    matrix = yaml.safe_load(EXAMPLE.read_text())["jobs"]["test"]["strategy"]["matrix"]
    assert len(github_matrix(matrix)) == lazysweep.load(EXAMPLE, job="test").count == 841


def test_split_writes_a_plan_a_matrix_of_batches_and_the_job_as_it_was(repo):
    before = yaml.safe_load((repo / ".github" / "workflows" / "ci.yml").read_text())
    done = cli("split", ".github/workflows/ci.yml", "--job", "test", "--write", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ("wrote .github/workflows/ci.yml, .github/workflows/ci-test.yml, "
                           ".github/lazysweep/ci-test.yml\n")
    caller, called, sweep = written(repo)
    original = before["jobs"]["test"]
    # The caller: the other jobs untouched, JOB-plan and JOB where JOB was.
    assert list(caller["jobs"]) == ["lint", "test-plan", "test"]
    assert caller["jobs"]["lint"] == before["jobs"]["lint"]
    plan = caller["jobs"]["test-plan"]
    assert plan["needs"] == "lint"  # the job's needs: met before any point runs
    assert plan["steps"][1] == {"id": "plan", "uses": ACTION,
                                "with": {"command": "batches", "sweep": ".github/lazysweep/ci-test.yml", "size": 256}}
    assert caller["jobs"]["test"] == {
        "needs": "test-plan",
        "strategy": {"fail-fast": False, "max-parallel": 1,
                     "matrix": {"batch": "${{ fromJSON(needs.test-plan.outputs.batches) }}"}},
        "uses": "./.github/workflows/ci-test.yml",
        "with": {"batch": "${{ matrix.batch }}", "plan": "${{ needs.test-plan.outputs.plan }}"},
        "secrets": "inherit",
    }
    # The called workflow: the job as it was, its matrix the batch's points.
    job = called["jobs"]["test"]
    assert job["needs"] == "points"
    assert job["strategy"] == {"fail-fast": False, "max-parallel": 64,
                               "matrix": {"include": "${{ fromJSON(needs.points.outputs.points) }}"}}
    for key in ("name", "runs-on", "env", "steps"):
        assert job[key] == original[key], key
    assert called["on"] == {"workflow_call": {"inputs": {"batch": {"type": "number", "required": True},
                                                         "plan": {"type": "string", "required": True}}}}
    assert called["env"] == before["env"] and called["permissions"] == before["permissions"]
    assert called["jobs"]["points"]["steps"][1]["with"] == {
        "command": "batch", "sweep": ".github/lazysweep/ci-test.yml", "index": "${{ inputs.batch }}",
        "plan": "${{ inputs.plan }}", "args": "--with-index"}
    # The matrix, moved as it was.
    assert sweep == {"matrix": original["strategy"]["matrix"]}


def test_every_point_once_with_the_values_github_gives_the_original_job(repo):
    """The plan and batch steps' commands (what the composite action runs): the batches' points, in
    order, are the original matrix's jobs, each with its `_index`."""
    assert cli("split", ".github/workflows/ci.yml", "--job", "test", "--write", cwd=repo).returncode == 0
    sweep = ".github/lazysweep/ci-test.yml"
    batches = json.loads(cli("batches", sweep, "--size", "256", cwd=repo).stdout)
    plan = cli("plan", sweep, "--size", "256", cwd=repo).stdout.strip()
    assert batches == [0, 1, 2, 3]
    points = []
    for batch in batches:
        done = cli("batch", sweep, "--index", str(batch), "--plan", plan, "--with-index", cwd=repo)
        assert done.returncode == 0, done.stderr
        got = json.loads(done.stdout)
        assert len(got) <= 256
        points += got
    assert [point.pop("_index") for point in points] == list(range(841))
    assert points == list(lazysweep.load(EXAMPLE, job="test"))
    expected = github_matrix(yaml.safe_load(EXAMPLE.read_text())["jobs"]["test"]["strategy"]["matrix"])
    assert sorted(map(json.dumps, points)) == sorted(map(json.dumps, expected))


def test_comments_quoting_and_order_are_kept(repo):
    """Every line of the workflow outside the job is as it was; the job's comments move with it."""
    text = (repo / ".github" / "workflows" / "ci.yml").read_text()
    result = split(repo / ".github" / "workflows" / "ci.yml", "test")
    new = result.files[str(repo / ".github" / "workflows" / "ci.yml")][1]
    head = text[:text.index("  test:\n")]
    assert new.startswith(head)  # header comment, on:, permissions, env (quoted "1"), lint job
    called = result.files[str(repo / ".github" / "workflows" / "ci-test.yml")][1]
    assert "# every shard reports, even after a failure" in called
    assert 'SHARDS: "70"' in called and "      - uses: actions/checkout@v5\n" in called
    swept = result.files[str(repo / ".github" / "lazysweep" / "ci-test.yml")][1]
    assert "# these two shards are flaky on Windows' oldest Python" in swept
    assert '- {os: windows-2022, python: "3.10", shard: 0}' in swept


def test_the_diff_is_what_write_writes(repo):
    diff = cli("split", ".github/workflows/ci.yml", "--job", "test", cwd=repo)
    assert diff.returncode == 0
    assert diff.stdout.startswith("--- a/.github/workflows/ci.yml\n+++ b/.github/workflows/ci.yml\n")
    assert "--- /dev/null\n+++ b/.github/workflows/ci-test.yml\n" in diff.stdout
    assert not (repo / ".github" / "workflows" / "ci-test.yml").exists()  # printing writes nothing
    patch = shutil.which("patch")
    if patch:
        subprocess.run([patch, "-p1", "--quiet"], input=diff.stdout, text=True, cwd=repo, check=True)
        applied = {p: (repo / p).read_text() for p in (".github/workflows/ci.yml", ".github/workflows/ci-test.yml",
                                                        ".github/lazysweep/ci-test.yml")}
        other = repo.parent / "other"
        (other / ".github" / "workflows").mkdir(parents=True)
        shutil.copy(EXAMPLE, other / ".github" / "workflows" / "ci.yml")
        assert cli("split", ".github/workflows/ci.yml", "--job", "test", "--write", cwd=other).returncode == 0
        assert applied == {p: (other / p).read_text() for p in applied}


def test_the_output_passes_actionlint(repo):
    from test_workflows import actionlint

    assert cli("split", ".github/workflows/ci.yml", "--job", "test", "--write", cwd=repo).returncode == 0
    files = [str(p) for p in (repo / ".github" / "workflows").glob("*.yml")]
    done = subprocess.run([actionlint(), *files], cwd=repo, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


JOB = """\
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    outputs:
      tag: ${{{{ steps.t.outputs.tag }}}}
    steps:
      - id: t
        run: echo tag=x >> "$GITHUB_OUTPUT"
  test:
    needs: build
    if: github.event_name == 'push'
    runs-on: ${{{{ matrix.os }}}}
    permissions:
      contents: read
      id-token: write
    services:
      postgres:
        image: postgres:16
        ports: ["5432:5432"]
    container: python:3.12
    timeout-minutes: 30
{strategy}
    steps:
      - run: echo "$X"
        env:
          X: ${{{{ matrix.n }}}}
{after}"""


def job_file(tmp_path: Path, strategy: str, after: str = "", name: str = "w.yml") -> Path:
    path = tmp_path / ".github" / "workflows" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(JOB.format(strategy=strategy, after=after))
    return path


MATRIX_300 = "      matrix:\n        os: [ubuntu-latest, ubuntu-24.04, ubuntu-22.04]\n        n: {}\n".format(list(range(100)))


def test_services_container_permissions_needs_and_if(tmp_path):
    path = job_file(tmp_path, "    strategy:\n" + MATRIX_300.rstrip("\n"))
    result = split(path, "test")
    caller = yaml.safe_load(result.files[str(path)][1])
    called = yaml.safe_load(result.files[str(path.parent / "w-test.yml")][1])
    original = yaml.safe_load(path.read_text())["jobs"]["test"]
    assert caller["jobs"]["test-plan"]["needs"] == "build"
    assert caller["jobs"]["test-plan"]["if"] == "github.event_name == 'push'"
    assert caller["jobs"]["test"]["permissions"] == original["permissions"]  # the token the job needs
    job = called["jobs"]["test"]
    assert "if" not in job and job["needs"] == "points"
    for key in ("runs-on", "permissions", "services", "container", "timeout-minutes", "steps"):
        assert job[key] == original[key], key
    assert "fail-fast" not in job["strategy"] and "fail-fast" not in caller["jobs"]["test"]["strategy"]


@pytest.mark.parametrize("fail_fast, parallel, outer, inner", [
    (True, 500, 1, 256), (None, 1000, 3, 256), (False, 64, 1, 64), (None, 300, 1, 256), (True, 3, 1, 3),
])
def test_fail_fast_and_max_parallel_carry_over(tmp_path, fail_fast, parallel, outer, inner):
    lines = ["    strategy:"] + ([f"      fail-fast: {str(fail_fast).lower()}"] if fail_fast is not None else [])
    lines += [f"      max-parallel: {parallel}", MATRIX_300.rstrip("\n")]
    path = job_file(tmp_path, "\n".join(lines))
    result = split(path, "test")
    batches = yaml.safe_load(result.files[str(path)][1])["jobs"]["test"]["strategy"]
    points = yaml.safe_load(result.files[str(path.parent / "w-test.yml")][1])["jobs"]["test"]["strategy"]
    assert (batches.get("fail-fast"), points.get("fail-fast")) == (fail_fast, fail_fast)
    assert (batches["max-parallel"], points["max-parallel"]) == (outer, inner)
    assert outer * inner <= parallel  # never more jobs at once than the job allowed


REFUSALS = [
    ("    strategy:\n      matrix:\n        os: ${{ fromJSON(needs.build.outputs.oses) }}\n        n: [1]\n", "",
     "job 'test' can't be split: its matrix holds the expression '${{ fromJSON(needs.build.outputs.oses) }}', "
     "and only a run can tell the points it makes"),
    ("    strategy:\n" + MATRIX_300 + "        include:\n          - {os: ubuntu-latest, ref: '${{ github.ref }}'}\n",
     "", "job 'test' can't be split: its matrix holds the expression '${{ github.ref }}', and only a run can tell "
         "the points it makes"),
    ("    strategy:\n" + MATRIX_300, "  report:\n    needs: test\n    runs-on: ubuntu-latest\n    steps:\n"
     "      - run: echo ${{ needs.test.outputs.result }}\n",
     "job 'test' can't be split: job 'report' reads its outputs (needs.test.outputs), which a matrix of batches "
     "can't give"),
    ("    strategy:\n      matrix:\n        a: {}\n        b: {}\n".format(list(range(250)), list(range(201))), "",
     "job 'test' can't be split: its matrix makes 50250 jobs, more than one workflow run takes (50000): fan it "
     "out with batch jobs that loop over their points (see lazysweep lint)"),
    ("    strategy:\n      matrix:\n        os: [a, b]\n        n: [1, 2]\n", "",
     "job 'test' can't be split: its matrix makes 4 jobs, within GitHub's limit of 256: nothing to split"),
    ("    env:\n      TAG: ${{ needs.build.outputs.tag }}\n    strategy:\n" + MATRIX_300, "",
     "job 'test' can't be split: it reads needs.build, which a called workflow's job can't see: it has needs "
     "of its own"),
]


@pytest.mark.parametrize("strategy, after, message", REFUSALS)
def test_refusals_are_one_line_saying_why(tmp_path, strategy, after, message):
    path = job_file(tmp_path, strategy.rstrip("\n"), after)
    done = cli("split", str(path), "--job", "test", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (1, "")
    assert re.fullmatch(rf"lazysweep: error: {re.escape(str(path))}:\d+:\d+: {re.escape(message)}\n", done.stderr)
    assert sorted(p.name for p in path.parent.iterdir()) == ["w.yml"]  # nothing written


def test_the_callers_contexts_are_not_refused(tmp_path):
    """github.event.inputs, secrets and vars are the caller's in a called workflow too."""
    steps = ("    strategy:\n" + MATRIX_300.rstrip("\n") + "\n    env:\n      A: ${{ github.event.inputs.level }}\n"
             "      B: ${{ secrets.TOKEN }}\n      C: ${{ vars.REGION }}")
    assert split(job_file(tmp_path, steps), "test").count == 300


def test_other_refusals(tmp_path):
    path = job_file(tmp_path, "    strategy:\n" + MATRIX_300.rstrip("\n"))
    with pytest.raises(SweepError, match=r"no job 'nope' in the workflow \(jobs: build, test\)"):
        split(path, "nope")
    with pytest.raises(SweepError, match="job 'build' can't be split: it has no strategy.matrix"):
        split(path, "build")
    (path.parent / "w-test.yml").write_text("")
    with pytest.raises(SweepError, match="w-test.yml exists: split writes it"):
        split(path, "test")


def test_without_ruamel_yaml_one_line_says_what_to_install(tmp_path):
    path = job_file(tmp_path, "    strategy:\n" + MATRIX_300.rstrip("\n"))
    code = ("import sys; sys.modules['ruamel'] = sys.modules['ruamel.yaml'] = None; "
            "from lazysweep._cli import main; sys.exit(main(sys.argv[1:]))")
    done = subprocess.run([sys.executable, "-c", code, "split", str(path), "--job", "test"], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2
    assert done.stderr == ("lazysweep: error: lazysweep split needs ruamel.yaml, which keeps the workflow's "
                           "comments: pip install 'lazysweep[split]'\n")
