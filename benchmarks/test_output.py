"""Writing points as JSON: the `stream` command against eager itertools.product + dict + json.dumps,
and on GitHub matrices with include extras against the library's dicts encoded one by one.

Each pair writes the same bytes to the same sink (/dev/null) in the same run, and both are timed in
CPU time (time.process_time): on a shared 2-core machine, wall time measures the neighbours too.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import time

import pytest
from conftest import EAGER_SIZES, count_of, eager_axes, matrix
from test_matrix import growth_matrix

import lazysweep
from lazysweep._cli import main

CPU = pytest.mark.benchmark(timer=time.process_time, group="stream JSONL, all points")


@pytest.fixture
def sweep_file(tmp_path, size):
    path = tmp_path / f"sweep-{size}.yaml"
    path.write_text(json.dumps({"matrix": matrix(size)}))  # JSON is YAML
    return str(path)


@pytest.fixture
def sink():
    with open(os.devnull, "w") as devnull:
        yield devnull


@CPU
@pytest.mark.parametrize("size", EAGER_SIZES)
def test_stream_jsonl(benchmark, size, sweep_file, sink):
    def stream():
        with contextlib.redirect_stdout(sink):
            return main(["stream", sweep_file])

    assert benchmark.pedantic(stream, rounds=5 if size == "1e6" else 50, iterations=1, warmup_rounds=1) == 0


@CPU
@pytest.mark.parametrize("size", EAGER_SIZES)
def test_eager_stream_jsonl_baseline(benchmark, size, sink):
    axes = eager_axes(size)
    keys = list(axes)

    def stream():
        for combo in itertools.product(*axes.values()):
            sink.write(json.dumps(dict(zip(keys, combo)), separators=(",", ":")) + "\n")
        return count_of(size)

    assert benchmark.pedantic(stream, rounds=5 if size == "1e6" else 50, iterations=1, warmup_rounds=1) == count_of(size)


# -- GitHub matrices with include extras: the writer's matrix path against the dict path -----------

MATRIX_CPU = pytest.mark.benchmark(timer=time.process_time, group="stream JSONL, GitHub matrix with include extras")
MATRIX_POINTS = 10**5
#: ``which``: the growth curves' shape "two" (extras on the two slowest axes: one text per block)
#: with n exclude and n include entries, and "last", whose includes name the fastest axis instead,
#: so the extras change from one point to the next.
MATRIX_CASES = ["two-30", "two-300", "last-30"]


def extras_matrix(which: str) -> dict:
    shape, n = which.split("-")
    found = growth_matrix("two", int(n))
    if shape == "last":
        for entry in found["include"]:
            entry["x5"] = entry.pop("x0") if "x0" in entry else entry.pop("x1")
    return found


@pytest.fixture
def matrix_file(tmp_path, which):
    path = tmp_path / f"matrix-{which}.yaml"
    path.write_text(json.dumps({"matrix": extras_matrix(which)}))
    return str(path)


@MATRIX_CPU
@pytest.mark.parametrize("which", MATRIX_CASES)
def test_stream_matrix_jsonl(benchmark, which, matrix_file, sink):
    def stream():
        with contextlib.redirect_stdout(sink):
            return main(["stream", matrix_file, "--stop", str(MATRIX_POINTS)])

    assert benchmark.pedantic(stream, rounds=5, iterations=1, warmup_rounds=1) == 0


@MATRIX_CPU
@pytest.mark.parametrize("which", MATRIX_CASES)
def test_dict_stream_matrix_jsonl_baseline(benchmark, which, matrix_file, sink):
    """The same file loaded, the same points from the library's iteration, json.dumps per dict."""

    def stream():
        written = 0
        for point in itertools.islice(lazysweep.load(matrix_file), MATRIX_POINTS):
            sink.write(json.dumps(point, separators=(",", ":")) + "\n")
            written += 1
        return written

    assert benchmark.pedantic(stream, rounds=5, iterations=1, warmup_rounds=1) == MATRIX_POINTS
