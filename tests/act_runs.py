"""Running act (nektos/act) so that its own failures can't hang or fail a test by chance.

act 0.2.89 races over the shared maps of called workflows (nektos/act#6030): a run may die with
``fatal error: concurrent map iteration and map write``, or, when the race corrupts a map instead,
spin forever and say nothing more. Neither proves anything about the workflow under test, so
:func:`run_act` starts such a run again, from the state ``reset`` restores, up to ``ATTEMPTS`` times.
A run counts as hung once its log has not grown for ``SILENCE`` seconds (every job prints as it
goes; the quietest legitimate step, a pip install, takes well under a minute here; pip gives up on a
silent index after PIP_DEFAULT_TIMEOUT, 180 s on these machines, and says so) or once it has
run ``LIMIT`` seconds in all. Whatever act started is killed with it: act and its host jobs share
one session, which :func:`run_act` creates.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

ATTEMPTS = 3
SILENCE = 240.0
LIMIT = 1800.0
POLL = 1.0
CRASH = "fatal error: concurrent map"


def run_act(argv: list[str], *, cwd: Path, env: dict[str, str], log: Path,
            reset: Callable[[], None] = lambda: None) -> tuple[int, str]:
    """Run act's ``argv``; return its exit status and its log (also written to ``log``).

    A run that crashes on act's race or hangs is logged beside ``log`` (``NAME-crashed-1.log``,
    ``NAME-hung-1.log``, ...), ``reset`` is called, and the run starts again; a test fails if
    every attempt did so.
    """
    for attempt in range(1, ATTEMPTS + 1):
        status, text, hung = run_once(argv, cwd=cwd, env=env, log=log)
        if not hung and CRASH not in text:
            return status, text
        failed = log.with_name(f"{log.stem}-{'hung' if hung else 'crashed'}-{attempt}.log")
        log.rename(failed)
        reset()
    pytest.fail(f"act crashed or hung in each of {ATTEMPTS} runs (nektos/act#6030); the last: {failed}")


def run_once(argv: list[str], *, cwd: Path, env: dict[str, str], log: Path) -> tuple[int, str, bool]:
    """One run of act, its output going to ``log``: (exit status, log, whether it hung)."""
    with log.open("wb") as out:
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
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
        kill_session(process.pid)
        status = process.wait()
    return status, log.read_text(errors="replace"), hung


def kill_session(session: int) -> None:
    """Kill every process of ``session`` (act, and what it left running after it exited)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # Fields after the command's closing parenthesis: state, ppid, pgrp, session, ...
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[3]) == session:
                os.kill(int(entry.name), signal.SIGKILL)
        except (OSError, IndexError, ValueError):
            continue
