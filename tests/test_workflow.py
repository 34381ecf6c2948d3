"""Workflow files: a job's literal matrix, and lint against GitHub's 256-job limit."""

from __future__ import annotations

from pathlib import Path

import pytest

import lazysweep
from lazysweep import SweepError
from lazysweep.cli import main
from lazysweep.workflow import JobReport, lint

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
        ("fan", "job 'fan' builds its matrix at run time ('batch' is an expression): it cannot be counted"),
    ],
)
def test_job_errors(job, message):
    with pytest.raises(SweepError, match=message.replace("(", r"\(").replace(")", r"\)")):
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
        JobReport(WORKFLOW, "build", 12),
        JobReport(WORKFLOW, "huge", 289),
        JobReport(WORKFLOW, "fan", None, "'batch' is an expression"),
    ]
    assert [r.too_big for r in reports] == [False, True, False]
    assert str(reports[1]) == f"{WORKFLOW}: job 'huge': 289 jobs, over GitHub's limit of 256"
    folder = tmp_path / "workflows"
    folder.mkdir()
    (folder / "a.yml").write_text("on: push\njobs:\n  x:\n    strategy:\n      matrix: ${{ fromJSON(inputs.m) }}\n")
    (folder / "notes.txt").write_text("not a workflow")
    assert [str(r) for r in lint([folder])] == [f"{folder / 'a.yml'}: job 'x': dynamic (the whole matrix is an expression)"]


def test_lint_command(capsys, tmp_path, monkeypatch):
    assert main(["lint", WORKFLOW]) == 1
    out = capsys.readouterr().out
    assert out.count("\n") == 3 and "289 jobs, over GitHub's limit of 256" in out
    small = tmp_path / ".github" / "workflows"
    small.mkdir(parents=True)
    (small / "ok.yaml").write_text("on: push\njobs:\n  x:\n    strategy:\n      matrix: {a: [1, 2]}\n")
    monkeypatch.chdir(tmp_path)
    assert main(["lint"]) == 0
    assert capsys.readouterr().out == ".github/workflows/ok.yaml: job 'x': 2 jobs, ok\n"
    assert main(["lint", "missing"]) == 1
    assert capsys.readouterr().err == "lazysweep: error: missing: no such file or folder\n"
    assert main(["count", WORKFLOW, "--job", "build"]) == 0
    assert capsys.readouterr().out == "12\n"
