"""The InferenceX drop-in against upstream's eager algorithm (eager_inferencex.py), on the real
configs (in-process and as whole processes) and on a master 100 times their size; and that
master's whole list written from templates against its rows as dicts, encoded one by one."""

from __future__ import annotations

import io
import subprocess
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path

import eager_inferencex
import pytest
from conftest import write_whole_list

from lazysweep import inferencex
from lazysweep.inferencex.cli import parse_args
from lazysweep.inferencex.evals import plan
from lazysweep.inferencex.generate import full_sweep_segments
from lazysweep.inferencex.validation import validate_master_config

HERE = Path(__file__).resolve().parent
REAL = HERE.parent / "tests" / "compat-ix" / "real"
BASE = ["full-sweep", "--config-files", str(REAL / "nvidia-master.yaml"), str(REAL / "amd-master.yaml"),
        "--runner-config", str(REAL / "configs" / "runners.yaml")]


def run_main(argv: list[str]) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        inferencex.main(argv)
    return out.getvalue()


def last_batch() -> str:
    return str(int(run_main(BASE + ["--get-batch-count"])) - 1)


def test_inferencex_last_batch_real(benchmark):
    benchmark.group = "InferenceX real configs: last batch"
    argv = BASE + ["--batch-index", last_batch()]
    assert benchmark(run_main, argv).startswith("[{")


def test_eager_inferencex_last_batch_real(benchmark):
    benchmark.group = "InferenceX real configs: last batch"
    argv = BASE + ["--batch-index", last_batch()]
    assert benchmark(_quiet, eager_inferencex.main, argv)


def test_inferencex_batch_count_real(benchmark):
    benchmark.group = "InferenceX real configs: batch count"
    assert benchmark(run_main, BASE + ["--get-batch-count"]) == "8\n"


def test_eager_inferencex_batch_count_real(benchmark):
    benchmark.group = "InferenceX real configs: batch count"
    assert len(benchmark(_quiet, eager_inferencex.main, BASE)) == 1820


def _quiet(function, *args):
    with redirect_stdout(io.StringIO()):
        return function(*args)


@pytest.fixture(scope="module")
def hundredfold(request):
    """The real masters 100 times over (10 with --quick), keys renamed, already parsed."""
    copies = 10 if request.config.getoption("--quick") else 100
    real = inferencex.load_config_files(BASE[2:4])
    configs = {f"{key}-copy{n}": entry for n in range(copies) for key, entry in real.items()}
    return configs, inferencex.load_runner_file(BASE[-1]), parse_args(BASE)


def test_inferencex_last_batch_hundredfold(benchmark, hundredfold):
    benchmark.group = "InferenceX 100x master: validate + count + last batch"
    configs, runners, args = hundredfold

    def lazy():
        validate_master_config(configs)
        rows = plan(list(full_sweep_segments(args, configs, runners)))
        return rows.batch(rows.batch_count() - 1)

    assert benchmark.pedantic(lazy, rounds=3, iterations=1)


def test_eager_inferencex_last_batch_hundredfold(benchmark, hundredfold):
    benchmark.group = "InferenceX 100x master: validate + count + last batch"
    configs, runners, args = hundredfold

    def eager():
        validate_master_config(configs)
        everything = eager_inferencex.rows(configs, runners, args)
        return everything[(len(everything) - 1) // 256 * 256:]

    assert benchmark.pedantic(eager, rounds=3, iterations=1)


@pytest.fixture(scope="module")
def hundredfold_rows(hundredfold):
    configs, runners, args = hundredfold
    return plan(list(full_sweep_segments(args, configs, runners)))


WRITE = pytest.mark.benchmark(timer=time.process_time, group="InferenceX 100x master: the whole list written")


@WRITE
@pytest.mark.parametrize("which", ["templates", "dicts"])
def test_inferencex_write_list_hundredfold(benchmark, hundredfold_rows, which):
    write_whole_list(benchmark, hundredfold_rows, as_dicts=which == "dicts")


def process(argv: list[str]) -> None:
    subprocess.run([sys.executable, *argv], check=True, stdout=subprocess.DEVNULL)


def test_inferencex_last_batch_process(benchmark):
    lazy = ["-m", "lazysweep.inferencex", *BASE, "--batch-index", last_batch()]
    eager = [str(HERE / "eager_inferencex.py"), *BASE]
    benchmark.group = "InferenceX whole process"
    benchmark.pedantic(process, args=(lazy,), setup=lambda: process(eager), rounds=10, iterations=1, warmup_rounds=1)


def test_eager_inferencex_full_sweep_process(benchmark):
    lazy = ["-m", "lazysweep.inferencex", *BASE, "--batch-index", last_batch()]
    eager = [str(HERE / "eager_inferencex.py"), *BASE]
    benchmark.group = "InferenceX whole process"
    benchmark.pedantic(process, args=(eager,), setup=lambda: process(lazy), rounds=10, iterations=1, warmup_rounds=1)


def test_inferencex_batch_count_process(benchmark):
    lazy = ["-m", "lazysweep.inferencex", *BASE, "--get-batch-count"]
    eager = [str(HERE / "eager_inferencex.py"), *BASE]
    benchmark.group = "InferenceX whole process"
    benchmark.pedantic(process, args=(lazy,), setup=lambda: process(eager), rounds=10, iterations=1, warmup_rounds=1)
