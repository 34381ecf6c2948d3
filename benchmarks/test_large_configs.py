"""Large inputs, each beside its baseline in the same run (CPU time):

* the InferenceX master 1x, 10x and 100x over (keys renamed), loaded as the drop-in loads it
  (``load_file``: upstream's ``yaml.safe_load`` values, built from libyaml's events, GC paused),
  beside PyYAML's C SafeLoader on the same text, and the drop-in's loading and validation;
* a sweep file with one listed axis of 10^6 values, ``lazysweep.load``, beside ``json.loads`` of
  the same values;
* the drop-in's loader on the real masters beside upstream's own ``yaml.safe_load`` (pure Python).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml

import lazysweep
from lazysweep._loader import load_file
from lazysweep.inferencex import load_config_files

REAL = Path(__file__).resolve().parent.parent / "tests" / "compat-ix" / "real"
CPU = pytest.mark.benchmark(timer=time.process_time)


@pytest.fixture(scope="module", params=[1, 10, 100], ids=lambda n: f"{n}x")
def master(request, tmp_path_factory):
    copies = request.param
    if copies == 100 and request.config.getoption("--quick"):
        pytest.skip("--quick: 1x and 10x only")
    text = "".join((REAL / name).read_text() for name in ("nvidia-master.yaml", "amd-master.yaml"))
    data = yaml.load(text, Loader=yaml.CSafeLoader)
    path = tmp_path_factory.mktemp("master") / f"master-{copies}x.yaml"
    with open(path, "w") as handle:
        for n in range(copies):
            handle.write(yaml.dump({f"{key}-copy{n}": entry for key, entry in data.items()},
                                   Dumper=yaml.CSafeDumper, sort_keys=False))
    return path, copies


@CPU
@pytest.mark.parametrize("which", ["load_file", "baseline_csafe_load"])
def test_master_load_scaling(benchmark, master, which):
    path, copies = master
    benchmark.group = f"InferenceX master {copies}x: load"
    if which == "load_file":
        value = benchmark.pedantic(load_file, args=(path,), rounds=3, iterations=1)
    else:
        text = path.read_text()
        value = benchmark.pedantic(yaml.load, args=(text,), kwargs={"Loader": yaml.CSafeLoader}, rounds=3,
                                   iterations=1)
    assert len(value) == copies * 195 or len(value) > copies * 100


@CPU
def test_master_load_and_validate_scaling(benchmark, master):
    path, copies = master
    benchmark.group = f"InferenceX master {copies}x: load + validate (drop-in)"
    assert benchmark.pedantic(load_config_files, args=([str(path)],), rounds=3, iterations=1)


@pytest.fixture(scope="module")
def listed(tmp_path_factory):
    values = [f"v{i}" for i in range(10**6)]
    path = tmp_path_factory.mktemp("listed") / "listed.yaml"
    path.write_text("matrix:\n  x: [" + ", ".join(values) + "]\n")
    return path, json.dumps({"matrix": {"x": values}})


@CPU
@pytest.mark.parametrize("which", ["lazysweep_load", "baseline_json_loads"])
def test_listed_values(benchmark, listed, which):
    path, as_json = listed
    benchmark.group = "one listed axis of 10^6 values: load"
    if which == "lazysweep_load":
        assert benchmark.pedantic(lambda: lazysweep.load(path).count, rounds=3, iterations=1) == 10**6
    else:
        assert len(benchmark.pedantic(json.loads, args=(as_json,), rounds=3, iterations=1)["matrix"]["x"]) == 10**6


@CPU
@pytest.mark.parametrize("which", ["load_file", "baseline_upstream_safe_load"])
def test_dropin_yaml_real(benchmark, which):
    """The drop-in's exact loader beside what upstream runs: yaml.safe_load of the open file (pure Python)."""
    path = REAL / "nvidia-master.yaml"
    benchmark.group = "InferenceX real nvidia master: upstream's yaml.safe_load, exactly"

    def upstream():
        with open(path) as stream:
            return yaml.safe_load(stream)

    value = benchmark.pedantic(load_file if which == "load_file" else upstream,
                               args=(path,) if which == "load_file" else (), rounds=5, iterations=1)
    assert value == upstream()
