"""Writing points as JSON: the `stream` command against eager itertools.product + dict + json.dumps.

Both write the same bytes to the same sink (/dev/null) in the same run, and both are timed in CPU
time (time.process_time): on a shared 2-core machine, wall time measures the neighbours too.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import time

import pytest
from conftest import EAGER_SIZES, count_of, eager_axes, matrix

from lazysweep.cli import main

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
