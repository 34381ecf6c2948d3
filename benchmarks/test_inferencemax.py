"""The InferenceMAX drop-in against upstream's eager algorithm, on the real configs and on a
generated master config of 10^5 entries; and its whole list written from templates against its
entries as dicts, encoded one by one (the writer's path before templates)."""

from __future__ import annotations

import io
import time
from contextlib import redirect_stdout
from pathlib import Path

import pytest
import yaml
from conftest import write_whole_list
from eager_inferencemax import batch as eager_batch

from lazysweep import inferencemax

REAL = Path(__file__).resolve().parent.parent / "tests" / "compat" / "real"
CONFIGS = [str(REAL / "nvidia-master.yaml"), str(REAL / "amd-master.yaml")]


def real_configs() -> dict:
    merged = {}
    for path in CONFIGS:
        with open(path) as handle:
            merged.update(yaml.safe_load(handle))
    return merged


def generated_configs(entries: int) -> dict:
    item = {"tp": 8, "conc-start": 4, "conc-end": 512}
    return {
        f"model{n}-fp8-h200-vllm": {
            "image": "img", "model": f"org/model{n}", "model-prefix": f"model{n}", "runner": "h200",
            "precision": "fp8", "framework": "vllm",
            "seq-len-configs": [{"isl": 1024, "osl": 1024, "search-space": [item, {**item, "tp": 4}]}],
        }
        for n in range(entries)
    }


def run_main(argv: list[str]) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        inferencemax.main(argv)
    return out.getvalue()


def test_inferencemax_last_batch_real(benchmark):
    base = ["full-sweep", "--config-files", *CONFIGS]
    last = int(run_main(base + ["--get-batch-count"])) - 1
    benchmark.group = "InferenceMAX real configs: last batch"
    printed = benchmark(run_main, base + ["--batch-index", str(last)])
    assert printed.startswith("[{")


def test_eager_inferencemax_last_batch_real(benchmark):
    benchmark.group = "InferenceMAX real configs: last batch"

    def eager():
        configs = real_configs()
        count = len(eager_batch(configs, 0, size=10**9))
        return eager_batch(configs, -(-count // 256) - 1)

    assert benchmark(eager)


@pytest.fixture(scope="module")
def big(request):
    return generated_configs(1_000 if request.config.getoption("--quick") else 100_000)


def test_inferencemax_last_batch_generated(benchmark, big):
    class Args:
        model_prefix = precision = framework = runner_type = runner_config = seq_lens = None
        step_size, test_mode = 2, False

    benchmark.group = "InferenceMAX 10^5 entries: count + last batch"

    def lazy():
        sweep = inferencemax.generate_full_sweep(Args, big)
        return sweep.batch(sweep.batch_count() - 1)

    assert benchmark.pedantic(lazy, rounds=3, iterations=1)


def test_eager_inferencemax_last_batch_generated(benchmark, big):
    benchmark.group = "InferenceMAX 10^5 entries: count + last batch"

    def eager():
        entries = eager_batch(big, 0, size=10**12)
        return entries[(len(entries) - 1) // 256 * 256 :]

    assert benchmark.pedantic(eager, rounds=3, iterations=1)


@pytest.fixture(scope="module")
def written(request):
    """The full sweep of a generated master of 10^4 entries (160,000 rows; 100 with --quick)."""

    class Args:
        model_prefix = precision = framework = runner_type = runner_config = seq_lens = None
        step_size, test_mode = 2, False

    return inferencemax.generate_full_sweep(Args, generated_configs(100 if request.config.getoption("--quick") else 10_000))


WRITE = pytest.mark.benchmark(timer=time.process_time, group="InferenceMAX: the whole list written, 160,000 rows")


@WRITE
@pytest.mark.parametrize("which", ["templates", "dicts"])
def test_inferencemax_write_list_generated(benchmark, written, which):
    write_whole_list(benchmark, written, as_dicts=which == "dicts")
