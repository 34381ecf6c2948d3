"""A random order costs a small factor over sweep order: shuffled(seed)[i], streaming the first
100,000 points of a shuffled 10^18 sweep, and the `stream --shuffle` command writing them as JSON
lines, each beside its unshuffled counterpart in the same run."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import time

import more_itertools
import pytest
from conftest import matrix, random_indices

from lazysweep import Sweep, from_matrix
from lazysweep._cli import main

STREAM = 100_000
SEED = 2026


def sweep_in(which: str) -> Sweep:
    sweep = from_matrix(matrix("1e18"))
    return sweep.shuffled(SEED) if which == "shuffled" else sweep


@pytest.mark.parametrize("size", ["1e18"])
@pytest.mark.parametrize("which", ["plain", "shuffled"])
def test_shuffle_getitem_random(benchmark, size, which):
    sweep = sweep_in(which)
    indices = random_indices(size)
    benchmark.group = "1,000 random sweep[i], 10^18: plain and shuffled"
    points = benchmark(lambda: [sweep[i] for i in indices])
    assert points[0] == sweep[indices[0]]


@pytest.mark.parametrize("size", ["1e18"])
@pytest.mark.parametrize("which", ["plain", "shuffled"])
def test_shuffle_stream(benchmark, size, which):
    sweep = sweep_in(which)
    benchmark.group = "stream the first 100,000 points, 10^18: plain and shuffled"
    assert benchmark(lambda: more_itertools.ilen(itertools.islice(sweep, STREAM))) == STREAM


@pytest.mark.benchmark(timer=time.process_time)
@pytest.mark.parametrize("size", ["1e18"])
@pytest.mark.parametrize("which", ["plain", "shuffled"])
def test_shuffle_stream_command(benchmark, size, which, tmp_path):
    """`lazysweep stream FILE --stop 100000 [--shuffle SEED]` in-process, JSON lines to /dev/null, CPU time."""
    path = tmp_path / "sweep.yaml"
    path.write_text(json.dumps({"matrix": matrix(size)}))  # JSON is YAML
    arguments = ["stream", str(path), "--stop", str(STREAM), *(["--shuffle", str(SEED)] if which == "shuffled" else [])]
    benchmark.group = "`lazysweep stream --stop 100000` (JSON lines), 10^18: plain and --shuffle"
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        assert benchmark.pedantic(main, (arguments,), rounds=10, iterations=1, warmup_rounds=1) == 0
