"""tests/act_runs.py: a run of act that crashes on act's own race or goes silent starts again, and
nothing it started outlives it. Stand-in programs play act here, so this runs everywhere."""

from __future__ import annotations

import os
import sys

import pytest

import act_runs

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="act_runs reads /proc (Linux), as act runs here")


def program(tmp_path, script: str) -> list[str]:
    path = tmp_path / "fake-act"
    path.write_text("#!/bin/bash\n" + script)
    path.chmod(0o755)
    return [str(path)]


@pytest.fixture(autouse=True)
def quick_polls(monkeypatch):
    monkeypatch.setattr(act_runs, "POLL", 0.05)


def run(tmp_path, script: str, **kwargs):
    resets = []
    status, log = act_runs.run_act(program(tmp_path, script), cwd=tmp_path, env=dict(os.environ),
                                   log=tmp_path / "act-1.log", reset=lambda: resets.append(1), **kwargs)
    return status, log, len(resets)


def test_a_run_that_ends_is_returned_as_it_ended(tmp_path):
    assert run(tmp_path, "echo hello; exit 3\n") == (3, "hello\n", 0)
    assert (tmp_path / "act-1.log").read_text() == "hello\n"


@pytest.mark.parametrize("failure", ["fatal error: concurrent map writes", "[w/point-75] signal: hangup"],
                         ids=["act's race", "a step act lost"])
def test_a_run_act_failed_of_itself_starts_again_after_reset(tmp_path, failure):
    script = f"""\
if [ ! -e {tmp_path}/failed ]; then touch {tmp_path}/failed; echo '{failure}'; exit 2; fi
echo done
"""
    assert run(tmp_path, script) == (0, "done\n", 1)
    assert (tmp_path / "act-1-failed-1.log").read_text() == failure + "\n"


def gone(pid: int) -> bool:
    """Whether ``pid`` has ended (a zombie waiting for its parent has ended)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_a_silent_run_is_killed_with_what_it_started_and_starts_again(tmp_path, monkeypatch):
    """act runs each step in a session of its own (setsid): those are killed too."""
    monkeypatch.setattr(act_runs, "SILENCE", 0.5)
    script = f"""\
if [ ! -e {tmp_path}/hung ]; then
  touch {tmp_path}/hung
  setsid sleep 600 &
  echo $! > {tmp_path}/step
  echo started; sleep 600
fi
echo done
"""
    assert run(tmp_path, script) == (0, "done\n", 1)
    assert (tmp_path / "act-1-hung-1.log").read_text() == "started\n"
    assert gone(int((tmp_path / "step").read_text()))


def test_what_a_crashed_run_left_running_is_killed_before_the_next(tmp_path):
    script = f"""\
if [ ! -e {tmp_path}/crashed ]; then
  touch {tmp_path}/crashed
  setsid sleep 600 &
  echo $! > {tmp_path}/step
  echo 'fatal error: concurrent map iteration and map write'; exit 2
fi
echo done
"""
    assert run(tmp_path, script) == (0, "done\n", 1)
    assert gone(int((tmp_path / "step").read_text()))


def test_a_run_that_always_hangs_fails_the_test_naming_its_log(tmp_path, monkeypatch):
    monkeypatch.setattr(act_runs, "SILENCE", 0.3)
    with pytest.raises(pytest.fail.Exception, match=r"hung in each of 3 runs .*act-1-hung-3\.log"):
        run(tmp_path, "echo started; sleep 600\n")


def test_a_run_past_its_limit_counts_as_hung_even_while_it_talks(tmp_path, monkeypatch):
    monkeypatch.setattr(act_runs, "LIMIT", 0.5)
    monkeypatch.setattr(act_runs, "ATTEMPTS", 1)
    with pytest.raises(pytest.fail.Exception, match="act-1-hung-1.log"):
        run(tmp_path, "while true; do echo tick; sleep 0.2; done\n")
