"""The whole command as a process against the floor every Python YAML tool pays: importing yaml.

The two commands take turns (each runs between the other's timed rounds), so both see the
same machine, and each round is the CPU time the child process used (user + system, from the
kernel's accounting of reaped children): on a shared 2-core machine, wall time also measures
how long the process waited for a core, which is the neighbours' load, not start-up.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HUGE = Path(__file__).resolve().parent.parent / "examples" / "huge.yaml"
BASELINE = [sys.executable, "-c", "import yaml"]

#: As installed programs run: with their bytecode cached (the warm-up rounds write it), even where
#: PYTHONDONTWRITEBYTECODE is set, which would make every round compile lazysweep from source.
ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def command() -> list[str]:
    """The installed console script when there is one (as users run it), else python -m."""
    script = shutil.which("lazysweep", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "lazysweep"]


CLI = command() + ["batch", str(HUGE), "--index", "3906249999999999"]


def children_cpu() -> float:
    """CPU seconds used so far by this process's reaped children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(argv: list[str]) -> None:
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=ENVIRONMENT)


def taking_turns(benchmark, timed: list[str], other: list[str]) -> None:
    benchmark.pedantic(run, args=(timed,), setup=lambda: run(other), rounds=40, iterations=1, warmup_rounds=3)


PROCESS_CPU = pytest.mark.benchmark(group="whole process (CPU time)", timer=children_cpu)


@PROCESS_CPU
def test_cli_batch_1e18_process(benchmark):
    taking_turns(benchmark, CLI, BASELINE)


@PROCESS_CPU
def test_baseline_python_import_yaml_process(benchmark):
    taking_turns(benchmark, BASELINE, CLI)
