"""Cost follows the batch asked for, not the sweep: lazysweep at 10^3 .. 10^18 points, and the
eager ways people do it today, side by side in one run."""

from __future__ import annotations

import itertools
import time

import more_itertools
import pytest
from conftest import (
    EAGER_SIZES, SHAPES, ParameterGridStyle, count_of, eager_axes, eager_points, matrix, random_indices,
)

import lazysweep
from lazysweep import from_matrix

ALL = list(SHAPES)
STREAM = 100_000

#: sweep[i] and its peers in CPU time: on a shared machine, wall time swings with the neighbours' load.
GETITEM = pytest.mark.benchmark(group="1,000 random sweep[i]", timer=time.process_time)


@pytest.fixture
def sweep_file(tmp_path, size):
    lines = ["matrix:"] + [f"  {name}: {{start: {r['start']}, stop: {r['stop']}}}" for name, r in matrix(size).items()]
    path = tmp_path / f"sweep-{size}.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("size", ALL)
def test_load_count(benchmark, size, sweep_file):
    benchmark.group = "load + count"
    assert benchmark(lambda: lazysweep.load(sweep_file).count) == count_of(size)


@pytest.mark.parametrize("which", ["first", "middle", "last"])
@pytest.mark.parametrize("size", ALL)
def test_batch(benchmark, size, which):
    sweep = from_matrix(matrix(size))
    last = sweep.batch_count() - 1
    k = {"first": 0, "middle": last // 2, "last": last}[which]
    benchmark.group = f"batch ({which})"
    batch = benchmark(sweep.batch, k)
    assert batch[0] == sweep[k * 256]


@GETITEM
@pytest.mark.parametrize("size", ALL)
def test_getitem_random(benchmark, size):
    sweep = from_matrix(matrix(size))
    indices = random_indices(size)
    points = benchmark(lambda: [sweep[i] for i in indices])
    assert points[0] == sweep[indices[0]]


@pytest.mark.parametrize("size", ALL)
def test_index(benchmark, size):
    sweep = from_matrix(matrix(size))
    points = [sweep[i] for i in random_indices(size)]
    benchmark.group = "1,000 index()"
    found = benchmark(lambda: [sweep.index(point) for point in points])
    assert found == random_indices(size)


@pytest.mark.parametrize("size", ALL)
def test_stream(benchmark, size):
    sweep = from_matrix(matrix(size))
    benchmark.group = "stream 100,000 points"
    how_many = min(STREAM, sweep.count)
    result = benchmark(lambda: more_itertools.ilen(itertools.islice(sweep, how_many)))
    assert result == how_many


# -- eager baselines, in the same run -----------------------------------------------------

@pytest.mark.parametrize("size", EAGER_SIZES)
def test_eager_list_then_slice_batch_last(benchmark, size):
    benchmark.group = "batch (last)"
    points_count = count_of(size)
    last = -(-points_count // 256) - 1
    batch = benchmark.pedantic(lambda: eager_points(size)[last * 256 : last * 256 + 256], rounds=3, iterations=1)
    assert batch[-1] == from_matrix(matrix(size))[-1]


@pytest.mark.parametrize("size", EAGER_SIZES)
def test_eager_stream_baseline(benchmark, size):
    axes = eager_axes(size)
    keys = list(axes)
    how_many = min(STREAM, count_of(size))
    benchmark.group = "stream 100,000 points"

    def stream():
        return more_itertools.ilen(
            itertools.islice((dict(zip(keys, combo)) for combo in itertools.product(*axes.values())), how_many)
        )

    assert benchmark(stream) == how_many


@GETITEM
@pytest.mark.parametrize("size", EAGER_SIZES)
def test_baseline_parametergrid_getitem(benchmark, size):
    grid = ParameterGridStyle(eager_axes(size))
    indices = random_indices(size)
    points = benchmark(lambda: [grid[i] for i in indices])
    assert points[0] == from_matrix(matrix(size))[indices[0]]


@GETITEM
@pytest.mark.parametrize("size", EAGER_SIZES)
def test_baseline_sklearn_parametergrid_getitem(benchmark, size):
    """scikit-learn's own ParameterGrid.__getitem__ (the bench extra installs it)."""
    model_selection = pytest.importorskip(
        "sklearn.model_selection", reason="scikit-learn is not installed (pip install '.[bench]'): no ParameterGrid figure"
    )
    grid = model_selection.ParameterGrid(eager_axes(size))
    indices = random_indices(size)
    points = benchmark(lambda: [grid[i] for i in indices])
    assert points[0] == from_matrix(matrix(size))[indices[0]]


@GETITEM
@pytest.mark.parametrize("size", EAGER_SIZES)
def test_baseline_nth_product(benchmark, size):
    axes = eager_axes(size)
    keys = list(axes)
    values = list(axes.values())
    indices = random_indices(size)
    points = benchmark(lambda: [dict(zip(keys, more_itertools.nth_product(i, *values))) for i in indices])
    assert points[0] == from_matrix(matrix(size))[indices[0]]
