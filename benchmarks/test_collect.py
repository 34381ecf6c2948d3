"""collect against the naive loop, in the same run: CPU time and peak memory, as processes.

Each round runs one process (``collect_run.py``) on the same results file: lazysweep's collect
with ``--output``'s ordering, then the naive loop, taking turns. The benchmark's figure is the
child's CPU time; its peak memory (VmHWM) is kept in ``extra_info``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from processes import ENVIRONMENT, children_cpu

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from collect_run import write_results  # noqa: E402

SIZES = [100_000, 1_000_000]


@pytest.fixture(scope="module", params=SIZES, ids=lambda n: f"{n}-results")
def results(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("collect") / "results.jsonl"
    write_results(str(path), request.param)
    return str(path), request.param


def run_once(mode: str, path: str, count: int) -> dict:
    done = subprocess.run([sys.executable, str(HERE / "collect_run.py"), mode, path, str(count)], check=True,
                          capture_output=True, text=True, env=ENVIRONMENT)
    return json.loads(done.stdout)


@pytest.mark.benchmark(timer=children_cpu)
@pytest.mark.parametrize("mode", ["lazysweep", "naive"])
def test_collect_output(benchmark, results, mode):
    """CPU of the whole process (start-up included, the same for both), the other mode run untimed
    before each round; the peak memory of the timed runs goes in extra_info."""
    path, count = results
    benchmark.group = f"collect --output, {count} results (process CPU)"
    other = "naive" if mode == "lazysweep" else "lazysweep"
    figures: list[dict] = []
    benchmark.pedantic(lambda: figures.append(run_once(mode, path, count)),
                       setup=lambda: [run_once(other, path, count)] and None, rounds=3, iterations=1)
    benchmark.extra_info["cpu_inside_s"] = sorted(f["cpu"] for f in figures)[len(figures) // 2]
    benchmark.extra_info["peak_mb"] = max(f["peak_mb"] for f in figures)
    assert Path(f"{path}.{mode}.out").read_bytes() == Path(f"{path}.{other}.out").read_bytes()
