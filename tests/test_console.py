"""The one error path every command line shares: write failures, usage, and bugs."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from lazysweep._console import guard
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
