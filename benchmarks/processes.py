"""Timing whole processes by the CPU time they use, taking turns with a baseline.

Each round is the CPU time the child process used (user + system, from the kernel's
accounting of reaped children): on a shared 2-core machine, wall time also measures how long
the process waited for a core, which is the neighbours' load, not the program. Two commands
take turns (each runs between the other's timed rounds), so both see the same machine.
"""

from __future__ import annotations

import os
import resource
import subprocess

#: As installed programs run: with their bytecode cached (the warm-up rounds write it), even where
#: PYTHONDONTWRITEBYTECODE is set, which would make every round compile from source.
ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def children_cpu() -> float:
    """CPU seconds used so far by this process's reaped children: the benchmark timer."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(argv: list[str]) -> None:
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=ENVIRONMENT)


def taking_turns(benchmark, timed: list[str], other: list[str], rounds: int = 40, warmup_rounds: int = 3) -> None:
    """Time ``timed`` (CPU of the child) with ``other`` run before each round, untimed."""
    benchmark.pedantic(run, args=(timed,), setup=lambda: run(other), rounds=rounds, iterations=1,
                       warmup_rounds=warmup_rounds)
