"""The one error path every command line shares: write failures, usage, and bugs."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from lazysweep._console import finish, guard
from lazysweep._errors import SweepError, UsageError


def lazysweep(*argv: str, stdout=subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    return subprocess.run(
        [sys.executable, "-m", "lazysweep", *argv], stdout=stdout, stderr=subprocess.PIPE, text=True, env=env
    )


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_disk_is_one_line_and_status_1():
    with open("/dev/full", "w") as full:
        result = lazysweep("count", "examples/sweep.yaml", stdout=full)
    assert result.returncode == 1
    assert result.stderr == "lazysweep: error: cannot write standard output: No space left on device\n"


def test_a_closed_stdout_is_one_line_and_status_1():
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    result = subprocess.run(
        f"{sys.executable} -m lazysweep count examples/sweep.yaml >&-", shell=True,
        stderr=subprocess.PIPE, text=True, env=env,
    )
    assert result.returncode == 1
    assert result.stderr == "lazysweep: error: cannot write standard output: it is closed\n"


def test_a_leading_double_dash_is_allowed():
    result = lazysweep("--", "count", "examples/sweep.yaml")
    assert (result.returncode, result.stdout) == (0, "30000\n")


@pytest.mark.parametrize(
    ("error", "status", "line"),
    [
        (UsageError("bad flag"), 2, "prog: error: bad flag"),
        (SweepError("bad data", path="f.yaml", line=2, column=3), 1, "prog: error: f.yaml:2:3: bad data"),
        (ValueError("a bug"), 1, "prog: internal error: ValueError: a bug (rerun with --debug)"),
        (KeyboardInterrupt(), 130, "prog: interrupted"),
    ],
)
def test_guard_maps_each_failure_to_a_status_and_one_line(capsys, error, status, line):
    def body() -> int:
        raise error

    assert guard("prog", body) == status
    assert capsys.readouterr().err == line + "\n"


def test_guard_treats_the_given_data_errors_as_bad_data(capsys):
    def body() -> int:
        raise ValueError("upstream's wording")

    assert guard("prog", body, data_errors=(ValueError,)) == 1
    assert capsys.readouterr().err == "prog: error: upstream's wording\n"


def test_parsing_leaves_argparse_as_it_was():
    import argparse

    from lazysweep._console import Parser, parse

    before = getattr(argparse, "_"), getattr(argparse, "ngettext")
    parser = Parser(prog="prog")
    parser.add_argument("--n", type=int)
    assert parse(lambda: parser, ["--n", "3"]).n == 3
    with pytest.raises(UsageError, match="argument --n: invalid int value"):
        parse(lambda: parser, ["--n", "x"])
    assert (getattr(argparse, "_"), getattr(argparse, "ngettext")) == before


def test_a_process_writes_every_byte_before_it_exits(tmp_path):
    """The process ends with os._exit (lazysweep.__main__), skipping the interpreter's own flush:
    every byte must be out first, to a file and to a pipe alike."""
    expected = "".join(f'{{"n":{n}}}\n' for n in range(200_000))
    with open(tmp_path / "out", "w") as out:
        assert lazysweep("stream", "-a", "n=0..199999", stdout=out).returncode == 0
    assert (tmp_path / "out").read_text() == expected
    piped = lazysweep("stream", "-a", "n=0..199999")
    assert (piped.returncode, piped.stdout) == (0, expected)


@pytest.mark.parametrize(("argv", "status"), [(["count", "-a", "n=0..9"], 0), (["count", "missing.yaml"], 1),
                                              (["count", "--bogus"], 2)])
def test_a_process_exits_with_the_commands_status(argv, status):
    assert lazysweep(*argv).returncode == status


class _Stdout:
    """A standard output whose flush fails as ``error`` says."""

    def __init__(self, error: OSError) -> None:
        self.error = error

    def flush(self) -> None:
        raise self.error

    def fileno(self) -> int:
        raise ValueError("no descriptor")


def test_finish_reports_output_that_cannot_be_written(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdout", _Stdout(OSError(28, "No space left on device")))
    assert finish("prog", 0) == 1
    assert capsys.readouterr().err == "prog: error: cannot write standard output: No space left on device\n"


def test_finish_keeps_the_status_when_the_reader_went_away(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdout", _Stdout(BrokenPipeError(32, "Broken pipe")))
    assert finish("prog", 2) == 2
    assert capsys.readouterr().err == ""
