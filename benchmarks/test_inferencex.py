"""The InferenceX drop-in against upstream's eager algorithm (eager_inferencex.py), on the real
configs (in-process and as whole processes) and on a master 100 times their size; and that
master's whole list written from templates against its rows as dicts, encoded one by one."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path

import eager_inferencex
import pytest
from conftest import write_whole_list
from processes import children_cpu, taking_turns

from lazysweep import inferencex
from lazysweep.inferencex._cli import parse_args
from lazysweep.inferencex._evals import plan
from lazysweep.inferencex._generate import full_sweep_segments
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


DROP_IN = [sys.executable, "-m", "lazysweep.inferencex"]
EAGER = [sys.executable, str(HERE / "eager_inferencex.py"), *BASE]
WHOLE_PROCESS = pytest.mark.benchmark(group="InferenceX whole process (CPU)", timer=children_cpu)


@WHOLE_PROCESS
def test_inferencex_last_batch_process(benchmark):
    taking_turns(benchmark, DROP_IN + BASE + ["--batch-index", last_batch()], EAGER, rounds=10, warmup_rounds=1)


@WHOLE_PROCESS
def test_eager_inferencex_full_sweep_process(benchmark):
    taking_turns(benchmark, EAGER, DROP_IN + BASE + ["--batch-index", last_batch()], rounds=10, warmup_rounds=1)


@WHOLE_PROCESS
def test_inferencex_batch_count_process(benchmark):
    taking_turns(benchmark, DROP_IN + BASE + ["--get-batch-count"], EAGER, rounds=10, warmup_rounds=1)


# --- Against upstream itself (issue #12's targets) ---------------------------------------------------
#
# Upstream's generator cannot be part of this repository: point LAZYSWEEP_UPSTREAM_IX at a checkout
# (or its utils/matrix_logic) at 843c6254f, in an environment with pydantic (pip install '.[bench]').
# Both programs run as whole processes with this interpreter, taking turns, timed by their CPU time.

UPSTREAM_IX = os.environ.get("LAZYSWEEP_UPSTREAM_IX", "")
NEEDS_UPSTREAM = pytest.mark.skipif(
    not UPSTREAM_IX, reason="LAZYSWEEP_UPSTREAM_IX is not set (upstream InferenceX's utils/matrix_logic, which needs "
                            "pydantic): the side-by-side with upstream itself is skipped")
VS_UPSTREAM = pytest.mark.benchmark(group="InferenceX vs upstream, real configs: whole process (CPU)",
                                    timer=children_cpu)
VS_UPSTREAM_BIG = pytest.mark.benchmark(group="InferenceX vs upstream, 100x master: whole process (CPU)",
                                        timer=children_cpu)


def upstream_generator() -> list[str]:
    """The command running upstream's generator, from LAZYSWEEP_UPSTREAM_IX (a checkout or its folder)."""
    for folder in (Path(UPSTREAM_IX), Path(UPSTREAM_IX) / "utils" / "matrix_logic"):
        if (folder / "generate_sweep_configs.py").is_file():
            return [sys.executable, str(folder / "generate_sweep_configs.py")]
    raise pytest.UsageError(f"LAZYSWEEP_UPSTREAM_IX={UPSTREAM_IX}: no generate_sweep_configs.py there")


def drop_in_last_batch(arguments: list[str]) -> list[str]:
    count = subprocess.run(DROP_IN + arguments + ["--get-batch-count"], check=True, capture_output=True, text=True)
    return DROP_IN + arguments + ["--batch-index", str(int(count.stdout) - 1)]


@NEEDS_UPSTREAM
@VS_UPSTREAM
def test_upstream_inferencex_full_sweep_process(benchmark):
    taking_turns(benchmark, upstream_generator() + BASE, drop_in_last_batch(BASE), rounds=5, warmup_rounds=1)


@NEEDS_UPSTREAM
@VS_UPSTREAM
def test_inferencex_last_batch_vs_upstream_process(benchmark):
    taking_turns(benchmark, drop_in_last_batch(BASE), upstream_generator() + BASE, rounds=5, warmup_rounds=1)


@NEEDS_UPSTREAM
@VS_UPSTREAM
def test_inferencex_batch_count_vs_upstream_process(benchmark):
    taking_turns(benchmark, DROP_IN + BASE + ["--get-batch-count"], upstream_generator() + BASE, rounds=5,
                 warmup_rounds=1)


@pytest.fixture(scope="module")
def hundredfold_master(request, tmp_path_factory):
    """The real masters' text 100 times over (10 with --quick), every top-level key renamed: the
    full-sweep arguments for a master 100 times their size, written as upstream's files are."""
    copies = 10 if request.config.getoption("--quick") else 100
    texts = [(REAL / name).read_text() for name in ("nvidia-master.yaml", "amd-master.yaml")]
    top_level_key = re.compile(r"^([^\s#][^:\n]*):", re.M)
    path = tmp_path_factory.mktemp("inferencex") / f"master-{copies}x.yaml"
    with open(path, "w") as out:
        for n in range(copies):
            out.writelines(top_level_key.sub(rf"\1-copy{n}:", text) for text in texts)
    return ["full-sweep", "--config-files", str(path), "--runner-config", BASE[-1]]


@NEEDS_UPSTREAM
@VS_UPSTREAM_BIG
def test_upstream_inferencex_full_sweep_hundredfold_process(benchmark, hundredfold_master):
    # Upstream takes minutes here: one round, after a round of the drop-in.
    taking_turns(benchmark, upstream_generator() + hundredfold_master, drop_in_last_batch(hundredfold_master),
                 rounds=1, warmup_rounds=0)


@NEEDS_UPSTREAM
@VS_UPSTREAM_BIG
def test_inferencex_last_batch_hundredfold_vs_upstream_process(benchmark, hundredfold_master):
    last_batch_command = drop_in_last_batch(hundredfold_master)
    taking_turns(benchmark, last_batch_command, last_batch_command, rounds=3, warmup_rounds=0)
