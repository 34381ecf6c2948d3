"""Shared set-up for the benchmarks: sweep sizes, the --quick mode, and the eager baselines."""

from __future__ import annotations

import itertools
import os
import random
from functools import partial

import pytest

#: Six axes at every size, so every point is a dict of six keys.
SHAPES = {
    "1e3": [10, 10, 10, 1, 1, 1],
    "1e6": [10] * 6,
    "1e9": [10, 10, 10, 100, 100, 100],
    "1e12": [100] * 6,
    "1e18": [1000] * 6,
}
EAGER_SIZES = ["1e3", "1e6"]  # where building the whole list is possible at all
QUICK_SIZES = ["1e3", "1e18"]


def pytest_report_header(config):
    try:
        import sklearn
    except ImportError:
        return "scikit-learn: not installed, so the ParameterGrid comparison is skipped (pip install '.[bench]')"
    return f"scikit-learn {sklearn.__version__}: ParameterGrid.__getitem__ is a baseline"


def pytest_addoption(parser):
    parser.addoption("--quick", action="store_true", help="a fast smoke run of every benchmark (CI)")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    if config.getoption("--quick"):
        config.option.benchmark_min_rounds = 1
        config.option.benchmark_max_time = 0.001
        config.option.benchmark_warmup = False
        config.option.benchmark_calibration_precision = 1


def sizes(config_sizes):
    """Parametrize over sweep sizes (the quick mode keeps the smallest and the largest)."""
    return pytest.mark.parametrize("size", config_sizes)


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--quick"):
        return
    keep = []
    for item in items:
        size = getattr(item, "callspec", None) and item.callspec.params.get("size")
        if size is None or size in QUICK_SIZES:
            keep.append(item)
    items[:] = keep


def matrix(size: str) -> dict[str, dict[str, int]]:
    return {f"a{k}": {"start": 0, "stop": n - 1} for k, n in enumerate(SHAPES[size])}


def count_of(size: str) -> int:
    total = 1
    for n in SHAPES[size]:
        total *= n
    return total


def random_indices(size: str, how_many: int = 1000) -> list[int]:
    generator = random.Random(size)
    return [generator.randrange(count_of(size)) for _ in range(how_many)]


def eager_axes(size: str) -> dict[str, list[int]]:
    return {f"a{k}": list(range(n)) for k, n in enumerate(SHAPES[size])}


def eager_points(size: str) -> list[dict[str, int]]:
    """What upstream InferenceMAX and Hydra do: every point, as a dict, in a list."""
    axes = eager_axes(size)
    keys = list(axes)
    return [dict(zip(keys, combo)) for combo in itertools.product(*axes.values())]


class ParameterGridStyle:
    """scikit-learn ParameterGrid's __getitem__: sizes recomputed on every call."""

    def __init__(self, grid: dict[str, list[int]]) -> None:
        self.grid = grid

    def __getitem__(self, index: int) -> dict[str, int]:
        items = sorted(self.grid.items())
        keys, values = zip(*items)
        sizes = [len(v) for v in values]
        total = 1
        for n in sizes:
            total *= n
        if index >= total:
            raise IndexError("ParameterGrid index out of range")
        out = {}
        for key, options, n in zip(keys[::-1], values[::-1], sizes[::-1]):
            index, offset = divmod(index, n)
            out[key] = options[offset]
        return out


def write_whole_list(benchmark, rows, as_dicts: bool) -> None:
    """Time writing ``rows`` as one JSON list (json.dumps' spacing, the drop-ins') to /dev/null:
    through the writer, or ``as_dicts``: each row built as a dict and encoded by the same encoder."""
    from lazysweep._writer import SPACED, encode_value, write_encoded_list, write_json_list

    with open(os.devnull, "w") as sink:
        if as_dicts:
            texts = partial(map, partial(encode_value, separators=SPACED))
            benchmark.pedantic(lambda: write_encoded_list(texts(rows), sink.write, ", "), rounds=3)
        else:
            benchmark.pedantic(write_json_list, (rows,), {"write": sink.write, "separators": SPACED}, rounds=3)
