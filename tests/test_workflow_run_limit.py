"""GitHub's limit of 50,000 jobs per workflow run: the fan-out (fanout.yml calling fanout-batch.yml)
schedules a plan job, one job per batch listing its points, one job per point and a collect job;
`batches --github-output` and `plan --github-output` refuse a fan-out past the limit, with advice."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lazysweep._batching import GITHUB_RUN_JOB_LIMIT, fanout_jobs, fanout_over_limit, fanout_points_per_run
from lazysweep._cli import main

WORKFLOWS = Path(__file__).resolve().parent.parent / ".github" / "workflows"


def test_the_job_count_follows_the_workflows():
    """One job each: plan and collect in fanout.yml; points in fanout-batch.yml; one point job per point."""
    fanout = (WORKFLOWS / "fanout.yml").read_text()
    batch = (WORKFLOWS / "fanout-batch.yml").read_text()
    assert re.findall(r"^  (\w+):\n", fanout.split("\njobs:\n")[1], re.M) == ["plan", "batch", "collect"]
    assert re.findall(r"^  (\w+):\n", batch.split("\njobs:\n")[1], re.M) == ["points", "point"]
    assert "batch: ${{ fromJSON(needs.plan.outputs.batches) }}" in fanout  # the batch job calls fanout-batch.yml
    assert "point: ${{ fromJSON(needs.points.outputs.points) }}" in batch  # one point job per point
    assert fanout_jobs(65536, 256) == 65536 + 256 + 2


@pytest.mark.parametrize("points, jobs", [(49_802, 49_999), (49_803, 50_000), (49_804, 50_001)])
def test_the_boundary_counts_every_job(points, jobs):
    assert fanout_jobs(points, 256) == jobs
    assert (fanout_over_limit(points, 256) == "") == (jobs <= GITHUB_RUN_JOB_LIMIT)


@pytest.mark.parametrize("size", [1, 2, 7, 100, 256, 10**6])
def test_points_per_run_is_the_largest_that_fits(size):
    most = fanout_points_per_run(size)
    assert fanout_jobs(most, size) <= GITHUB_RUN_JOB_LIMIT < fanout_jobs(most + 1, size)


@pytest.mark.parametrize("command", [["batches"], ["plan"]])
@pytest.mark.parametrize("points, status", [(49_802, 0), (49_804, 2)])
def test_commands_refuse_past_the_limit(write, capsys, tmp_path, monkeypatch, command, points, status):
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "out"))
    path = write(f"matrix:\n  n: {{start: 1, stop: {points}}}\n")
    assert main([*command, path, "--github-output", "b"]) == status
    captured = capsys.readouterr()
    if status:
        assert captured.out == "" and captured.err.count("\n") == 1
        assert f"a fan-out of {points} points is 50001 jobs in one workflow run (plan, 195 batch jobs, {points} " \
               "point jobs, collect), more than GitHub's limit of 50,000: run it in 2 runs of at most 49803 points " \
               "with --only" in captured.err
        assert not (tmp_path / "out").exists()
    else:
        assert captured.err == ""


def test_the_issue_case_and_its_advice_can_be_followed(write, capsys, tmp_path, monkeypatch):
    """-a i=1..65536 used to exit 0 with 65,794 jobs; the advised --only ranges each fit."""
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "out"))
    assert main(["batches", "-a", "i=1..65536", "--github-output", "b"]) == 2
    err = capsys.readouterr().err
    assert "65794 jobs in one workflow run" in err and "--only (0-49802, then 49803-99605" in err
    assert main(["batches", "-a", "i=1..65536", "--only", "0-49802", "--github-output", "b"]) == 0
    assert main(["batches", "-a", "i=1..65536", "--only", "49803-65535", "--github-output", "b"]) == 0
    assert main(["plan", "-a", "i=1..65536"]) == 0  # no --github-output: a plan for a Slurm or Kubernetes array
