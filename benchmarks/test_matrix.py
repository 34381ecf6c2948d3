"""GitHub Actions matrices with exclude/include: counted and batched without enumeration.

Growth curves, on six range axes of 1000 values, for n = 10 to 1000: build + count, 100
random ``sweep[i]``, the middle batch of 256. Two shapes of n exclude and n include entries:

* ``two``: issue #15's target; excludes are random pairs of values on the same two axes,
  includes name one of those axes and add one extra each;
* ``six``: the issue's table; excludes and includes are random pairs of axes and values.

Each is measured beside the same six axes without entries (a plain product) in the same run,
and ``python benchmarks/test_matrix.py results.json`` prints the ratios as in the README.
"""

from __future__ import annotations

import json
import random
import sys
import time

import pytest

from lazysweep import Sweep, SweepError, from_matrix

GROWTH = [10, 30, 100, 300, 1000]
GETITEMS = 100  # random sweep[i] per round


def big_matrix() -> dict:
    matrix: dict = {f"x{i}": {"start": 0, "stop": 10**9} for i in range(4)}
    matrix["os"] = ["ubuntu-latest", "macos-latest", "windows-latest"]
    matrix["exclude"] = [{f"x{i % 4}": i, "os": ["macos-latest", "windows-latest"][i % 2]} for i in range(30)]
    matrix["include"] = [{f"x{i % 4}": i, "tag": i} for i in range(10)]
    return matrix


def test_matrix_30_excludes_count(benchmark):
    benchmark.group = "matrix: 30 exclude entries, 10^9-value ranges"
    assert benchmark(lambda: from_matrix(big_matrix()).count) > 10**36


def test_matrix_30_excludes_last_batch(benchmark):
    sweep = from_matrix(big_matrix())
    last = sweep.batch_count() - 1
    benchmark.group = "matrix: 30 exclude entries, 10^9-value ranges"
    assert len(benchmark(sweep.batch, last)) >= 1


def growth_matrix(shape: str, n: int) -> dict:
    """A matrix of the growth curves; n = 0 is the baseline, the same axes with no entries."""
    generator = random.Random(n)
    matrix: dict = {f"x{i}": {"start": 0, "stop": 999} for i in range(6)}
    if not n:
        return matrix

    def pair() -> dict:
        axes = ["x0", "x1"] if shape == "two" else generator.sample(sorted(matrix), 2)
        return {axis: generator.randrange(1000) for axis in axes}

    matrix["exclude"] = [pair() for _ in range(n)]
    if shape == "two":
        matrix["include"] = [{generator.choice(["x0", "x1"]): generator.randrange(1000), f"tag{i % 7}": i}
                             for i in range(n)]
    else:
        matrix["include"] = [{**pair(), "tag": i} for i in range(n)]
    return matrix


CASES = [("two", 0), *[("two", n) for n in GROWTH], *[("six", n) for n in GROWTH]]


def indices(sweep: Sweep) -> list[int]:
    generator = random.Random(0)
    return [generator.randrange(sweep.count) for _ in range(GETITEMS)]


@pytest.mark.parametrize("shape, n", CASES)
def test_matrix_growth_build_count(benchmark, shape, n):
    benchmark.group = "matrix growth: build + count"
    matrix = growth_matrix(shape, n)
    assert benchmark(lambda: from_matrix(matrix).count) > 10**17


@pytest.mark.parametrize("shape, n", CASES)
def test_matrix_growth_getitem(benchmark, shape, n):
    benchmark.group = f"matrix growth: {GETITEMS} random sweep[i]"
    sweep = from_matrix(growth_matrix(shape, n))
    chosen = indices(sweep)
    assert len(benchmark(lambda: [sweep[i] for i in chosen])) == GETITEMS


@pytest.mark.parametrize("shape, n", CASES)
def test_matrix_growth_middle_batch(benchmark, shape, n):
    benchmark.group = "matrix growth: middle batch of 256"
    sweep = from_matrix(growth_matrix(shape, n))
    middle = sweep.batch_count() // 2
    assert len(benchmark(sweep.batch, middle)) == 256


def growth_table(path: str) -> str:
    """The growth curves of a pytest-benchmark JSON file as a Markdown table: medians, and
    each as a ratio to the same benchmark at n = 0 (no entries) of the same run."""
    with open(path) as handle:
        runs = json.load(handle)["benchmarks"]
    median = {(b["name"].split("[")[0], b["params"]["shape"], b["params"]["n"]): b["stats"]["median"]
              for b in runs if "growth" in b["name"]}
    rows = [("build + count", "test_matrix_growth_build_count", 1),
            ("sweep[i]", "test_matrix_growth_getitem", GETITEMS),
            ("middle batch of 256", "test_matrix_growth_middle_batch", 1)]
    lines = ["| shape | n | " + " | ".join(what for what, _, _ in rows) + " |", "| --- | ---: |" + " ---: |" * len(rows)]
    for shape, n in CASES[1:]:
        cells = []
        for _, name, per in rows:
            if (name, shape, n) in median and (name, "two", 0) in median:
                ratio = median[name, shape, n] / median[name, "two", 0]
                cells.append(f"{median[name, shape, n] / per * 1e3:.3g} ms ({ratio:.3g}x)")
            else:
                cells.append("")
        lines.append(f"| {shape} | {n} | " + " | ".join(cells) + " |")
    baseline = [f"{median[name, 'two', 0] / per * 1e3:.3g} ms" for _, name, per in rows if (name, "two", 0) in median]
    return "\n".join(lines) + "\n\nn = 0 (no entries): " + ", ".join(baseline)


# -- issue #25: growth to n = 3000 by the number of axes an entry names; cold random access ----------

ENTRY_AXES = [1, 2, 3, 6]
GROWTH_3000 = [0, 100, 300, 1000, 3000]
QUICK_GROWTH = [0, 100]


def entries_matrix(axes_per_entry: int, n: int) -> dict:
    """Six range axes of 1000 values; n exclude and n include entries, each naming
    ``axes_per_entry`` random axes with random values (an include adds one extra)."""
    generator = random.Random(1000 * axes_per_entry + n)
    matrix: dict = {f"x{i}": {"start": 0, "stop": 999} for i in range(6)}
    if not n:
        return matrix

    def entry() -> dict:
        return {axis: generator.randrange(1000) for axis in generator.sample(sorted(matrix), axes_per_entry)}

    matrix["exclude"] = [entry() for _ in range(n)]
    matrix["include"] = [{**entry(), "tag": i} for i in range(n)]
    return matrix


def build_or_refuse(matrix: dict) -> int | None:
    """The count, or None when the matrix is refused as too complex to count."""
    try:
        return from_matrix(matrix).count
    except SweepError:
        return None


@pytest.mark.parametrize("axes_per_entry", ENTRY_AXES)
@pytest.mark.parametrize("n", GROWTH_3000)
def test_matrix_entries_growth_build_count(benchmark, request, axes_per_entry, n):
    """Build + count; n = 0 (the same six axes, no entries) is the baseline of the same run.
    A refusal is recorded in extra_info, not hidden."""
    if request.config.getoption("--quick") and n not in QUICK_GROWTH:
        pytest.skip("--quick keeps n <= 100")
    benchmark.group = f"matrix growth to 3000: {axes_per_entry}-axis entries, build + count"
    matrix = entries_matrix(axes_per_entry, n)
    counted = benchmark.pedantic(build_or_refuse, (matrix,), rounds=1 if n >= 1000 else 3, iterations=1)
    benchmark.extra_info["refused"] = counted is None


def cold_p99(matrix: dict, samples: int) -> float:
    """The 99th percentile of the first sweep[i] of ``samples`` distinct random indices, on a
    matrix built just before (nothing warmed), in seconds of CPU."""
    sweep = from_matrix(matrix)
    generator = random.Random(7)
    chosen = list({generator.randrange(sweep.count) for _ in range(samples)})
    times = []
    for index in chosen:
        start = time.process_time()
        sweep[index]
        times.append(time.process_time() - start)
    times.sort()
    return times[int(0.99 * (len(times) - 1))]


@pytest.mark.parametrize("n", [0, 300])
def test_matrix_cold_getitem_p99(benchmark, request, n):
    """Issue #25's case: 300 exclude + 300 include entries over random axis pairs; the baseline is
    the same axes without entries, in the same run. The p99 is in extra_info["p99_us"]."""
    samples = 200 if request.config.getoption("--quick") else 10_000
    benchmark.group = "matrix: cold sweep[i], p99 of distinct random indices"
    p99 = benchmark.pedantic(cold_p99, (entries_matrix(2, n), samples), rounds=1, iterations=1)
    benchmark.extra_info["p99_us"] = p99 * 1e6


if __name__ == "__main__":
    print(growth_table(sys.argv[1]))
