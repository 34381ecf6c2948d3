"""Every output format at the JSON stream's speed, and --shuffle / --with-index against the plain
stream: `lazysweep stream` in-process on one mixed-type six-axis sweep (strings that need quoting,
floats, a range, booleans, lists and null; 216,000 points), each to /dev/null, CPU time. Each group
holds the pair (or set) to compare in the same run: `plain` (JSON lines) is the baseline.
"""

from __future__ import annotations

import contextlib
import json
import os
import time

import pytest

from lazysweep._cli import main

MIXED = {"matrix": {
    "model": ["llama-3.1-8b", "qwen 2.5", "mistral's"], "lr": [0.1, 0.01, 0.001, 1e-4],
    "seed": {"start": 0, "stop": 999}, "fp8": [True, False], "tp": [[1, 2], [2, 4], None], "tag": ["a,b", "x", "8"],
}}
POINTS = 216_000

FORMATS = {"plain": [], "args": ["--format", "args"], "hydra": ["--format", "hydra"]}
ORDERS = {"plain": [], "with-index": ["--with-index"], "shuffle": ["--shuffle", "7"],
          "shuffle-with-index": ["--shuffle", "7", "--with-index"]}


@pytest.fixture
def mixed_file(tmp_path):
    path = tmp_path / "mixed.yaml"
    path.write_text(json.dumps(MIXED))  # JSON is YAML
    return str(path)


def stream(benchmark, arguments):
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        assert benchmark.pedantic(main, (arguments,), rounds=10, iterations=1, warmup_rounds=1) == 0


@pytest.mark.benchmark(timer=time.process_time, group="stream 216,000 mixed points: JSON lines, args, hydra")
@pytest.mark.parametrize("format", list(FORMATS))
def test_stream_format(benchmark, mixed_file, format):
    stream(benchmark, ["stream", mixed_file, *FORMATS[format]])


@pytest.mark.benchmark(timer=time.process_time, group="stream 216,000 mixed points: plain, --with-index, --shuffle")
@pytest.mark.parametrize("order", list(ORDERS))
def test_stream_order(benchmark, mixed_file, order):
    stream(benchmark, ["stream", mixed_file, *ORDERS[order]])


@pytest.mark.benchmark(timer=time.process_time, group="one point as shell variables, 100,000 times: JSON and env")
@pytest.mark.parametrize("format", ["json", "env"])
def test_point_env(benchmark, format):
    """`get --format env` prints one point: its cost is the library's, the same per point as JSON."""
    from lazysweep import from_matrix
    from lazysweep._formats import program_format
    from lazysweep._writer import iter_encoded

    sweep = from_matrix(MIXED["matrix"])
    chosen = None if format == "json" else program_format("env")
    count = benchmark.pedantic(lambda: sum(1 for _ in iter_encoded(sweep, 0, 100_000, format=chosen)),
                               rounds=10, iterations=1, warmup_rounds=1)
    assert count == 100_000
