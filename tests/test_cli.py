"""The command line: each command in-process, and the process-level behaviour."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lazysweep.cli import main

ROOT = Path(__file__).resolve().parent.parent
HUGE = str(ROOT / "examples" / "huge.yaml")
SMALL = "matrix:\n  x: [1, 2, 3]\n  y: [a, b]\n"
POINTS = [{"x": x, "y": y} for x in (1, 2, 3) for y in ("a", "b")]


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_count(capsys, write):
    assert run(capsys, "count", write(SMALL)) == (0, "6\n", "")
    assert run(capsys, "count", HUGE) == (0, "1000000000000000000\n", "")


def test_several_files_concatenate(capsys, write):
    first, second = write(SMALL, "a.yaml"), write("matrix: {z: [0]}\n", "b.yaml")
    assert run(capsys, "count", first, second)[1] == "7\n"
    assert run(capsys, "get", first, second, "--index", "6")[1] == '{"z":0}\n'


def test_batches(capsys, write):
    path = write(SMALL)
    assert run(capsys, "batches", path) == (0, "[0]\n", "")
    assert run(capsys, "batches", path, "--size", "4") == (0, "[0,1]\n", "")
    assert run(capsys, "batches", path, "--size", "1") == (0, "[0,1,2,3,4,5]\n", "")
    assert run(capsys, "batches", path, "--size", "4", "--count") == (0, "2\n", "")
    assert run(capsys, "batches", HUGE, "--count")[1] == f"{-(-(10**18) // 256)}\n"


def test_batch_and_get(capsys, write):
    path = write(SMALL)
    status, out, _ = run(capsys, "batch", path, "--index", "1", "--size", "4")
    assert status == 0 and out == json.dumps(POINTS[4:], separators=(",", ":")) + "\n"
    for i, point in enumerate(POINTS):
        assert json.loads(run(capsys, "get", path, "--index", i)[1]) == point
    status, out, _ = run(capsys, "batch", HUGE, "--index", -(-(10**18) // 256) - 1)
    assert status == 0 and json.loads(out)[-1] == dict.fromkeys("abcdef", 999)


def test_stream(capsys, write):
    path = write(SMALL)
    status, out, _ = run(capsys, "stream", path)
    assert status == 0 and [json.loads(line) for line in out.splitlines()] == POINTS
    assert json.loads(run(capsys, "stream", path, "--format", "json")[1]) == POINTS
    assert json.loads(run(capsys, "stream", path, "--start", "2", "--stop", "-1", "--format", "json")[1]) == POINTS[2:-1]
    assert run(capsys, "stream", path, "--start", "9", "--format", "json")[1] == "[]\n"
    assert run(capsys, "stream", path, "--start", "9")[1] == ""
    out = run(capsys, "stream", HUGE, "--start", str(10**18 - 2))[1]
    assert [json.loads(line) for line in out.splitlines()] == [
        {**dict.fromkeys("abcdef", 999), "f": 998},
        dict.fromkeys("abcdef", 999),
    ]


@pytest.mark.parametrize(
    "argv, status, message",
    [
        (["get", "{path}", "--index", "6"], 2, "lazysweep: error: index 6 is out of range: valid range is 0 to 5"),
        (["get", "{path}", "--index", "-1"], 2, "lazysweep: error: argument --index/-i: must not be negative, got -1 (see 'lazysweep get --help')"),
        (["get", "{path}", "--index", "1e3"], 2, "invalid integer '1e3'"),
        (["get", "{path}", "--index", str(10**50)], 2, f"index {10**50} is out of range"),
        (["batch", "{path}"], 2, "the following arguments are required: --index"),
        (["batch", "{path}", "--index", "1"], 2, "batch index 1 is out of range: valid range is 0 to 0"),
        (["batch", "{path}", "--index", "0", "--size", "0"], 2, "argument --size/-s: must be at least 1, got 0"),
        (["batches", "{path}", "--size", "-3"], 2, "must be at least 1, got -3"),
        (["count"], 2, "the following arguments are required: FILE"),
        (["frobnicate"], 2, "invalid choice: 'frobnicate'"),
        (["count", "{path}", "--bogus"], 2, "unrecognized arguments: --bogus"),
        (["count", "missing.yaml"], 1, "lazysweep: error: missing.yaml: no such file"),
        (["count", "{bad}"], 1, "bad.yaml:3:6: axis 'y' is empty"),
    ],
)
def test_errors_are_one_line(capsys, write, argv, status, message):
    path, bad = write(SMALL), write("matrix:\n  x: [1]\n  y: []\n", "bad.yaml")
    got_status, out, err = run(capsys, *(a.format(path=path, bad=bad) for a in argv))
    assert got_status == status
    assert out == ""
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_help_and_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    assert "batches" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("lazysweep ")


def test_debug_shows_the_traceback(capsys):
    assert main(["count", "missing.yaml", "--debug"]) == 1
    assert "Traceback" in capsys.readouterr().err


# -- as real processes ---------------------------------------------------------

def process(*argv, **kwargs):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "lazysweep", *argv], capture_output=True, text=True, env=env, **kwargs)


def test_process_yaml_syntax_error_has_no_traceback(write):
    result = process("count", write("matrix:\n  a: [1, 2\n"))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "sweep.yaml:3:1: invalid YAML" in result.stderr


def test_process_broken_pipe_is_quiet():
    reader = subprocess.Popen(
        f"{sys.executable} -m lazysweep stream {HUGE} | head -n 3",
        shell=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    out, err = reader.communicate(timeout=60)
    assert len(out.splitlines()) == 3
    assert err == b""


def test_process_ctrl_c_exits_130(tmp_path):
    import signal
    import time

    child = subprocess.Popen(
        [sys.executable, "-m", "lazysweep", "stream", HUGE],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    time.sleep(1.0)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=30)
    assert child.returncode == 130
    assert "Traceback" not in err and err.count("\n") == 1
