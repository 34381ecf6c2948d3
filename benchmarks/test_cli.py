"""The whole command as a process against the floor every Python YAML tool pays: importing yaml.

The two commands take turns (each runs between the other's timed rounds), so both see the
same machine: on a noisy 2-core box, timing them one after the other skews the ratio.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HUGE = Path(__file__).resolve().parent.parent / "examples" / "huge.yaml"
BASELINE = [sys.executable, "-c", "import yaml"]


def command() -> list[str]:
    """The installed console script when there is one (as users run it), else python -m."""
    script = shutil.which("lazysweep", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "lazysweep"]


CLI = command() + ["batch", str(HUGE), "--index", "3906249999999999"]


def run(argv: list[str]) -> None:
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)


def taking_turns(benchmark, timed: list[str], other: list[str]) -> None:
    benchmark.group = "whole process"
    benchmark.pedantic(run, args=(timed,), setup=lambda: run(other), rounds=40, iterations=1, warmup_rounds=3)


def test_cli_batch_1e18_process(benchmark):
    taking_turns(benchmark, CLI, BASELINE)


def test_baseline_python_import_yaml_process(benchmark):
    taking_turns(benchmark, BASELINE, CLI)
