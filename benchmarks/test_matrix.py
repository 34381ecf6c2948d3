"""GitHub Actions matrices with exclude/include: counted and batched without enumeration.

Growth curves, on six range axes of 1000 values, for n = 10 to 1000: build + count, 100
random ``sweep[i]``, the middle batch of 256. Two shapes of n exclude and n include entries:

* ``two``: issue #15's target; excludes are random pairs of values on the same two axes,
  includes name one of those axes and add one extra each;
* ``six``: the issue's table; excludes and includes are random pairs of axes and values
  (up to n = 300: at 1000 the overlaps pass the counting budget and the matrix is refused).

Each is measured beside the same six axes without entries (a plain product) in the same run,
and ``python benchmarks/test_matrix.py results.json`` prints the ratios as in the README.
"""

from __future__ import annotations

import json
import random
import sys

import pytest

from lazysweep import Sweep, from_matrix

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


CASES = [("two", 0), *[("two", n) for n in GROWTH], *[("six", n) for n in GROWTH if n <= 300]]


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


if __name__ == "__main__":
    print(growth_table(sys.argv[1]))
