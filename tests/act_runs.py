"""Running act (nektos/act) so that its own failures can't hang or fail a test by chance.

act 0.2.89 races over the shared maps of called workflows (nektos/act#6030): a run may die with
``fatal error: concurrent map iteration and map write``, or, when the race corrupts a map instead,
spin forever and say nothing more. Rarely, act also loses a step: the step's process
is killed by SIGHUP and act logs ``signal: hangup`` for it (seen once in 600 point jobs, in the
install step, a script that sends no signal; nothing in the workflows or in lazysweep sends one).
None of these proves anything about the workflow under test, so :func:`run_act` starts such a run
again, from the state ``reset`` restores, up to ``ATTEMPTS`` times.
A run counts as hung once its log has not grown for ``SILENCE`` seconds (every job prints as it
goes; the quietest legitimate step, a pip install, takes well under a minute here; pip gives up on a
silent index after PIP_DEFAULT_TIMEOUT, 180 s on these machines, and says so) or once it has
run ``LIMIT`` seconds in all. Whatever act started is killed after each run, whether act ended
or was stopped: act runs each host step in a session of its own, and a step outlives act when act
crashes, so the processes are found by a tag in the environment that act hands to every step
(``TAG``), not by their parent or session.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

ATTEMPTS = 3
SILENCE = 240.0
LIMIT = 1800.0
POLL = 1.0
#: What act logs when it fails of itself: its race (nektos/act#6030), a step it lost.
ACT_FAILURES = ("fatal error: concurrent map", "] signal: hangup\n")
TAG = "LAZYSWEEP_TEST_ACT_RUN"


def run_act(argv: list[str], *, cwd: Path, env: dict[str, str], log: Path,
            reset: Callable[[], None] = lambda: None) -> tuple[int, str]:
    """Run act's ``argv``; return its exit status and its log (also written to ``log``).

    A run that act fails of itself (:data:`ACT_FAILURES`) or that hangs is logged beside ``log``
    (``NAME-failed-1.log``, ``NAME-hung-1.log``, ...), ``reset`` is called, and the run starts
    again; a test fails if every attempt did so.
    """
    for attempt in range(1, ATTEMPTS + 1):
        status, text, hung = run_once(argv, cwd=cwd, env=env, log=log)
        if not hung and not any(failure in text for failure in ACT_FAILURES):
            return status, text
        failed = log.with_name(f"{log.stem}-{'hung' if hung else 'failed'}-{attempt}.log")
        log.rename(failed)
        reset()
    pytest.fail(f"act failed of itself or hung in each of {ATTEMPTS} runs (nektos/act#6030); the last: {failed}")


def run_once(argv: list[str], *, cwd: Path, env: dict[str, str], log: Path) -> tuple[int, str, bool]:
    """One run of act, its output going to ``log``: (exit status, log, whether it hung)."""
    tag = uuid.uuid4().hex
    with log.open("wb") as out:
        process = subprocess.Popen(argv, cwd=cwd, env={**env, TAG: tag}, stdin=subprocess.DEVNULL, stdout=out,
                                   stderr=subprocess.STDOUT)
        started = heard = time.monotonic()
        size, hung = 0, False
        while process.poll() is None:
            time.sleep(POLL)
            now = time.monotonic()
            if log.stat().st_size != size:
                size, heard = log.stat().st_size, now
            if now - heard > SILENCE or now - started > LIMIT:
                hung = True
                break
        kill_tagged(tag)
        status = process.wait()
    return status, log.read_text(errors="replace"), hung


def kill_tagged(tag: str) -> None:
    """Kill every process whose environment holds ``TAG=tag`` (act, and every step it started),
    scanning again until none is left: a step may start another while it is being killed."""
    marker = f"{TAG}={tag}".encode()
    while True:
        found = [pid for pid in _processes() if marker in _environment(pid).split(b"\0")]
        if not found:
            return
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.05)  # a killed process leaves /proc once reaped


def _processes() -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


def _environment(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return b""
