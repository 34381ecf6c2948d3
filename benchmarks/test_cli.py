"""The whole command as a process against the floor every Python YAML tool pays: importing yaml."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HUGE = Path(__file__).resolve().parent.parent / "examples" / "huge.yaml"


def command() -> list[str]:
    """The installed console script when there is one (as users run it), else python -m."""
    script = shutil.which("lazysweep", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "lazysweep"]


def run(argv: list[str]) -> None:
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)


def test_cli_batch_1e18_process(benchmark):
    benchmark.group = "whole process"
    benchmark.pedantic(run, args=(command() + ["batch", str(HUGE), "--index", "3906249999999999"],),
                       rounds=40, iterations=1, warmup_rounds=3)


def test_baseline_python_import_yaml_process(benchmark):
    benchmark.group = "whole process"
    benchmark.pedantic(run, args=([sys.executable, "-c", "import yaml"],), rounds=40, iterations=1, warmup_rounds=3)
