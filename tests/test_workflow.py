"""Workflow files: a job's literal matrix, and lint against GitHub's 256-job limit."""

from __future__ import annotations

from pathlib import Path

import re

import pytest

import lazysweep
from lazysweep import SweepError
from lazysweep._cli import main
from lazysweep._workflow import FANOUT_WORKFLOW, JobReport, lint

WORKFLOW = str(Path(__file__).with_name("workflow_example.yml"))


def test_a_jobs_matrix_is_a_sweep():
    sweep = lazysweep.load(WORKFLOW, job="build")
    assert sweep.count == 12
    assert sweep[-1] == {"os": "ubuntu-latest", "py": "3.14", "experimental": True}
    assert {"os": "macos-latest", "py": "3.10"} not in sweep
    assert lazysweep.load(WORKFLOW, job="huge").count == 289


@pytest.mark.parametrize(
    "job, message",
    [
        ("nope", "1:1: no job 'nope' in the workflow (jobs: plan, build, huge, fan)"),
        ("plan", "5:5: job 'plan' has no strategy.matrix"),
        ("fan", "28:7: job 'fan' cannot be counted before the run: matrix.batch is ${{ fromJSON(needs.plan.outputs.batches) }}"),
    ],
)
def test_job_errors(job, message):
    with pytest.raises(SweepError, match=re.escape(message)):
        lazysweep.load(WORKFLOW, job=job)


def test_ranges_are_not_github_syntax(write):
    path = write("on: push\njobs:\n  a:\n    strategy:\n      matrix:\n        n: {start: 1, stop: 3}\n", "w.yml")
    with pytest.raises(SweepError, match="6:12: axis 'n' must be a list, not a mapping"):
        lazysweep.load(path, job="a")
    with pytest.raises(SweepError, match="no 'jobs' mapping"):
        lazysweep.load(write("matrix: {a: [1]}\n", "s.yml"), job="a")


def test_lint_reports_every_matrix(tmp_path):
    reports = list(lint([WORKFLOW]))
    assert reports == [
        JobReport(WORKFLOW, "build", 12, "", 9, 7),
        JobReport(WORKFLOW, "huge", 289, "", 20, 7),
        JobReport(WORKFLOW, "fan", None, "matrix.batch is ${{ fromJSON(needs.plan.outputs.batches) }}", 28, 7,
                  "needs.plan.outputs.batches"),
    ]
    assert [r.too_big for r in reports] == [False, True, False]
    assert str(reports[1]) == f"{WORKFLOW}:20:7: job 'huge': 289 jobs, over GitHub's limit of 256"
    assert str(reports[2]) == f"{WORKFLOW}:28:7: job 'fan': dynamic, cannot be counted before the run: matrix.batch is ${{{{ fromJSON(needs.plan.outputs.batches) }}}}"
    assert [r.fix for r in reports[::2]] == ["", ""]
    folder = tmp_path / "workflows"
    folder.mkdir()
    (folder / "a.yml").write_text("on: push\njobs:\n  x:\n    strategy:\n      matrix: ${{ fromJson( inputs.m ) }}\n")
    (folder / "b.yaml").write_text("on: push\njobs:\n  y:\n    strategy:\n      matrix:\n        n: ${{ inputs.n }}\n")
    (folder / "notes.txt").write_text("not a workflow")
    assert [str(r) for r in lint([folder])] == [
        f"{folder / 'a.yml'}:5:7: job 'x': dynamic, cannot be counted before the run: matrix is ${{{{ fromJson( inputs.m ) }}}}",
        f"{folder / 'b.yaml'}:5:7: job 'y': dynamic, cannot be counted before the run: matrix.n is ${{{{ inputs.n }}}}",
    ]


@pytest.mark.parametrize(
    "count, fix",
    [
        (257, "fix: 257 jobs make 2 batches of 256: lazysweep split w.yml --job job rewrites the job into a fan-out "
              "that keeps its runs-on, services and steps"),
        (50_000, "fix: 50000 jobs make 196 batches of 256: lazysweep split w.yml --job job rewrites"),
        # past one workflow run: a batch size that makes at most 256 batches, each job looping
        (50_001, "fix: 50001 jobs make 196 batches of 256, more than one workflow run takes (256 batches, 50000 "
                 f"jobs): put the matrix in a sweep file and fan it out with the reusable workflow {FANOUT_WORKFLOW} "
                 "with a batch size of 196 or more, each batch job looping over its points"),
        (10**30, f"fix: {10**30} jobs make {-(-10**30 // 256)} batches of 256, more than one"),
    ],
)
def test_the_fix_for_a_matrix_over_the_limit(count, fix):
    assert JobReport("w.yml", "job", count).fix.startswith(fix)
    if count > 50_000:
        size = int(JobReport("w.yml", "job", count).fix.split("batch size of ")[1].split()[0])
        assert -(-count // size) <= 256 < -(-count // (size - 1))  # the smallest size that fits


def test_the_fan_out_pointer_is_this_release():
    assert FANOUT_WORKFLOW == f"lazysweep/lazysweep/.github/workflows/fanout.yml@v{lazysweep.__version__}"


def test_lint_command(capsys, tmp_path, monkeypatch):
    assert main(["lint", WORKFLOW]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[1:3] == [
        f"{WORKFLOW}:20:7: job 'huge': 289 jobs, over GitHub's limit of 256",
        f"  {JobReport(WORKFLOW, 'huge', 289).fix}",
    ]
    assert out.count("\n") == 4
    small = tmp_path / ".github" / "workflows"
    small.mkdir(parents=True)
    (small / "ok.yaml").write_text("on: push\njobs:\n  x:\n    strategy:\n      matrix: {a: [1, 2]}\n")
    monkeypatch.chdir(tmp_path)
    assert main(["lint"]) == 0
    assert capsys.readouterr().out == ".github/workflows/ok.yaml:5:7: job 'x': 2 jobs, ok\n"
    assert main(["lint", "missing"]) == 1
    assert capsys.readouterr().err == "lazysweep: error: missing: no such file or folder\n"
    (small / "none.yml").write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n")
    assert main(["lint", str(small / "none.yml")]) == 0
    assert capsys.readouterr().out == "no job has a strategy.matrix\n"
    assert main(["count", WORKFLOW, "--job", "build"]) == 0
    assert capsys.readouterr().out == "12\n"


def test_lint_goes_on_past_a_file_it_cannot_read(capsys, tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  x: [\n")
    assert main(["lint", str(bad), WORKFLOW]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith(f"lazysweep: error: {bad}:4:1: invalid YAML") and captured.err.count("\n") == 1
    assert captured.out.count("\n") == 4 and "job 'huge'" in captured.out


def test_lint_format_github_annotates(capsys, tmp_path):
    assert main(["lint", "--format", "github", WORKFLOW]) == 1
    lines = capsys.readouterr().out.splitlines()
    fix = JobReport(WORKFLOW, "huge", 289).fix
    assert lines == [
        f"{WORKFLOW}:9:7: job 'build': 12 jobs, ok",
        f"::error file={WORKFLOW},line=20,col=7,title=matrix over 256 jobs::job 'huge': 289 jobs, over GitHub's "
        f"limit of 256. {fix}",
        f"{WORKFLOW}:28:7: job 'fan': dynamic, cannot be counted before the run: matrix.batch is ${{{{ fromJSON(needs.plan.outputs.batches) }}}}",
    ]
    bad = tmp_path / "odd, name.yml"
    bad.write_text("on: push\njobs:\n  x:\n    strategy:\n      matrix: {a: []}\n")
    assert main(["lint", "--format", "github", str(bad)]) == 1
    captured = capsys.readouterr()
    assert captured.out == (f"::error file={str(bad).replace(',', '%2C')},line=5,col=19,title=lazysweep lint::"
                            "axis 'a' is empty\n")
    assert captured.err == f"lazysweep: error: {bad}:5:19: axis 'a' is empty\n"


EXPRESSIONS = [
    ("os: [a, b]\nexclude:\n  - os: ${{ inputs.skip }}\n", "matrix.exclude[0].os is ${{ inputs.skip }}"),
    ("os: [a]\ninclude:\n  - os: a\n    cfg: {x: [1, '${{ env.X }}']}\n", "matrix.include[0].cfg.x[1] is ${{ env.X }}"),
    ("os: [a, 'pre-${{ github.ref }}']\n", "matrix.os[1] is ${{ github.ref }}"),
    ("os: [a]\ninclude: [{'${{ inputs.k }}': 1}]\n", "a key of matrix.include[0] is ${{ inputs.k }}"),
]


@pytest.mark.parametrize("matrix, where", EXPRESSIONS)
def test_an_expression_anywhere_is_never_counted_as_text(write, capsys, matrix, where):
    """lint reports it and exits 0 (dynamic is not an error); count and stream --job refuse in one
    line, exit 1."""
    body = "".join(f"        {line}\n" for line in matrix.strip("\n").split("\n"))
    path = write(f"on: push\njobs:\n  t:\n    runs-on: x\n    strategy:\n      matrix:\n{body}", "w.yml")
    assert main(["lint", path]) == 0
    assert capsys.readouterr().out == f"{path}:6:7: job 't': dynamic, cannot be counted before the run: {where}\n"
    for argv in (["count", path, "--job", "t"], ["stream", path, "--job", "t"]):
        assert main(argv) == 1
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err == f"lazysweep: error: {path}:6:7: job 't' cannot be counted before the run: {where}\n"
