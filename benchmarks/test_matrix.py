"""GitHub Actions matrices with exclude/include: counted and batched without enumeration."""

from __future__ import annotations

from lazysweep import Sweep


def big_matrix() -> dict:
    matrix: dict = {f"x{i}": {"start": 0, "stop": 10**9} for i in range(4)}
    matrix["os"] = ["ubuntu-latest", "macos-latest", "windows-latest"]
    matrix["exclude"] = [{f"x{i % 4}": i, "os": ["macos-latest", "windows-latest"][i % 2]} for i in range(30)]
    matrix["include"] = [{f"x{i % 4}": i, "tag": i} for i in range(10)]
    return matrix


def test_matrix_30_excludes_count(benchmark):
    benchmark.group = "matrix: 30 exclude entries, 10^9-value ranges"
    assert benchmark(lambda: Sweep.from_matrix(big_matrix()).count) > 10**36


def test_matrix_30_excludes_last_batch(benchmark):
    sweep = Sweep.from_matrix(big_matrix())
    last = sweep.batch_count() - 1
    benchmark.group = "matrix: 30 exclude entries, 10^9-value ranges"
    assert len(benchmark(sweep.batch, last)) >= 1
