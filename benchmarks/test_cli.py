"""The whole command as a process against the floor every Python YAML tool pays: importing yaml.

The two commands take turns, each round timed by the CPU time of the child (see processes.py).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from processes import children_cpu, taking_turns

HUGE = Path(__file__).resolve().parent.parent / "examples" / "huge.yaml"
BASELINE = [sys.executable, "-c", "import yaml"]


def command() -> list[str]:
    """The installed console script when there is one (as users run it), else python -m."""
    script = shutil.which("lazysweep", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "lazysweep"]


CLI = command() + ["batch", str(HUGE), "--index", "3906249999999999"]


PROCESS_CPU = pytest.mark.benchmark(group="whole process (CPU time)", timer=children_cpu)


@PROCESS_CPU
def test_cli_batch_1e18_process(benchmark):
    taking_turns(benchmark, CLI, BASELINE)


@PROCESS_CPU
def test_baseline_python_import_yaml_process(benchmark):
    taking_turns(benchmark, BASELINE, CLI)
