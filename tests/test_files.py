"""Files a command writes (#22 item 1): whole or not at all, and never replacing what is not a regular file."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from lazysweep import SweepError
from lazysweep._files import write_file

ROOT = Path(__file__).resolve().parent.parent


def test_a_regular_file_is_replaced_whole_keeping_its_mode(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("old\n")
    path.chmod(0o600)
    write_file(str(path), ["a\n", "b\n"])
    assert path.read_text() == "a\nb\n" and (path.stat().st_mode & 0o777) == 0o600
    assert os.listdir(tmp_path) == ["out.txt"]


def test_a_failure_half_way_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("old\n")

    def chunks():
        yield "new\n"
        raise OSError(28, "No space left on device")

    with pytest.raises(SweepError, match="out.txt: cannot write: No space left on device"):
        write_file(str(path), chunks())
    assert path.read_text() == "old\n" and os.listdir(tmp_path) == ["out.txt"]


def test_a_new_file_is_created(tmp_path):
    write_file(str(tmp_path / "new.txt"), ["x\n"])
    assert (tmp_path / "new.txt").read_text() == "x\n"


def test_a_symlink_stays_a_link_and_its_target_gets_the_content(tmp_path):
    target, link = tmp_path / "target.txt", tmp_path / "link.txt"
    target.write_text("old\n")
    link.symlink_to(target)
    write_file(str(link), ["new\n"])
    assert link.is_symlink() and target.read_text() == "new\n"
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "made.txt")
    write_file(str(dangling), ["made\n"])
    assert dangling.is_symlink() and (tmp_path / "made.txt").read_text() == "made\n"


def test_a_fifo_is_written_through_to_its_reader(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    write_file(str(fifo), ["0-9,15\n"])
    reader.join(timeout=10)
    assert received == ["0-9,15\n"] and fifo.exists() and not fifo.is_file()


def test_a_missing_folder_and_a_folder_are_refused(tmp_path):
    with pytest.raises(SweepError, match="nowhere/out.txt: cannot write: No such file or directory"):
        write_file(str(tmp_path / "nowhere" / "out.txt"), ["x\n"])
    with pytest.raises(SweepError, match="cannot write: it is a folder"):
        write_file(str(tmp_path), ["x\n"])


def collect_missing_to_dev_stdout(stdout, results):
    results.write_text("")
    return subprocess.run(
        [sys.executable, "-m", "lazysweep", "collect", "-a", "n=0..9", "--results", str(results),
         "--missing", "/dev/stdout"],
        stdout=stdout, stderr=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


@pytest.mark.skipif(not os.path.islink("/dev/stdout"), reason="needs /dev/stdout")
def test_dev_stdout_is_written_through_a_pipe_and_a_redirected_file(tmp_path):
    summary = "10 points, 0 done, 10 missing, 0 duplicated, 0 unknown, 0 stale: incomplete\n"
    piped = collect_missing_to_dev_stdout(subprocess.PIPE, tmp_path / "none.jsonl")
    assert (piped.returncode, piped.stdout, piped.stderr) == (1, "0-9\n" + summary, "")
    with open(tmp_path / "out.txt", "w") as handle:
        redirected = collect_missing_to_dev_stdout(handle, tmp_path / "none.jsonl")
    assert (redirected.returncode, redirected.stderr) == (1, "")
    assert (tmp_path / "out.txt").read_text() == "0-9\n" + summary
    assert os.path.islink("/dev/stdout")


def test_github_output_through_a_symlink_appends_to_its_target_and_refuses_a_device(tmp_path):
    target, link = tmp_path / "out", tmp_path / "link"
    target.write_text("a=1\n")
    link.symlink_to(target)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GITHUB_OUTPUT": str(link)}
    argv = [sys.executable, "-m", "lazysweep", "count", "-a", "n=0..9", "--github-output", "n"]
    result = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, env=env)
    assert (result.returncode, result.stdout, result.stderr) == (0, "10\n", "")
    assert link.is_symlink() and target.read_text() == "a=1\nn=10\n"
    result = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, env={**env, "GITHUB_OUTPUT": "/dev/null"})
    assert (result.returncode, result.stdout, result.stderr) == (
        1, "", "lazysweep: error: /dev/null: cannot write $GITHUB_OUTPUT: not a regular file\n")


def test_a_character_device_is_written_through_never_replaced():
    import stat

    write_file(os.devnull, ["discarded\n"])
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
