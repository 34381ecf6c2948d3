"""The README's examples are run as written, so they stay true."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def console_examples() -> list[tuple[str, str]]:
    examples = []
    for block in blocks("console"):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            examples.append((command, output))
    return examples


@pytest.mark.parametrize("code", blocks("python"))
def test_python_examples(code, monkeypatch):
    monkeypatch.chdir(ROOT)
    exec(compile(code, "README.md", "exec"), {})


@pytest.mark.parametrize("command, expected", console_examples())
def test_console_examples(command, expected):
    status = 0
    found = re.search(r"^\(exit status (\d+)\)\n\Z", expected, flags=re.M)
    if found:
        status, expected = int(found.group(1)), expected[: found.start()]
    argv = shlex.split(command)
    assignments = {}
    while "=" in argv[0]:
        name, _, value = argv.pop(0).partition("=")
        assignments[name] = value
    assert argv[0] == "lazysweep"
    result = subprocess.run(
        [sys.executable, "-m", "lazysweep", *argv[1:]], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, **assignments, "PYTHONPATH": str(ROOT)},
    )
    assert (result.returncode, result.stdout, result.stderr) == (status, expected, "")


def test_quick_start_is_what_ci_runs():
    install, example, test = blocks("sh")[0].strip().splitlines()
    ci = (ROOT / ".ci" / "run").read_text()
    assert install in ci and test in ci
    argv = shlex.split(example)
    assert argv[0].endswith("lazysweep")
    result = subprocess.run(
        [sys.executable, "-m", "lazysweep", *argv[1:]], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0 and result.stdout == "118\n"


def test_slurm_submission_covers_every_point_once(tmp_path):
    """The README's sbatch loop, with a stub sbatch, Slurm's default MaxArraySize and a 2,500-point sweep
    (tests/test_slurm.py runs it on a real cluster)."""
    loop = next(block for block in blocks("sh") if "sbatch --array" in block)
    (tmp_path / "sweep.yaml").write_text("matrix:\n  n: {start: 1, stop: 2500}\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "lazysweep").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m lazysweep "$@"\n')
    (bin_dir / "sbatch").write_text('#!/bin/sh\necho "$1 $2"\n')
    (bin_dir / "scontrol").write_text('#!/bin/sh\necho "MaxArraySize            = 1001"\n')
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    result = subprocess.run(
        ["bash", "-c", loop], cwd=tmp_path, capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
    )
    covered = []
    for line in result.stdout.splitlines():
        found = re.fullmatch(r"--array=0-(\d+)%50 --export=ALL,OFFSET=(\d+)", line)
        last, offset = int(found.group(1)), int(found.group(2))
        covered += [offset + task for task in range(last + 1)]
    assert covered == list(range(2500))


# The two shell examples of "Random search, shards and sweeps without a file", and what they print.
ML_SHELL_EXAMPLES = {
    "lazysweep count - -a model=mistral": "3\n",
    "--format args | while read": "--lr=0.0001|--seed=0|\n--lr=0.0001|--seed=1|\n--lr=0.0003|--seed=0|\n"
                                  "--lr=0.0003|--seed=1|\n",
}


@pytest.mark.parametrize("marker, expected", ML_SHELL_EXAMPLES.items())
def test_shell_examples_print_what_the_readme_says(marker, expected, tmp_path):
    script = next(block for block in blocks("sh") if marker in block)
    tool = tmp_path / "lazysweep"
    tool.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m lazysweep "$@"\n')
    tool.chmod(0o755)
    done = subprocess.run(
        ["bash", "-c", script], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"},
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, expected, "")
