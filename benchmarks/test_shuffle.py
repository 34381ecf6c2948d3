"""A random order costs a small factor over sweep order: shuffled(seed)[i] and streaming the
first 100,000 points of a shuffled 10^18 sweep, each beside its unshuffled counterpart."""

from __future__ import annotations

import itertools

import more_itertools
import pytest
from conftest import matrix, random_indices

from lazysweep import Sweep

STREAM = 100_000
SEED = 2026


def sweep_in(which: str) -> Sweep:
    sweep = Sweep.from_matrix(matrix("1e18"))
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
