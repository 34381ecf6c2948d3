"""lazysweep.inferencex: upstream's Python names, laziness, and the eval policy against an eager oracle."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lazysweep import inferencex as ix
from lazysweep.inferencex._evals import plan
from lazysweep.inferencex._generate import full_sweep_segments
from lazysweep.inferencex._schema import Invalid, to_bool, to_int
from lazysweep.inferencex.validation import validate_master_config

REAL = Path(__file__).resolve().parent / "compat-ix" / "real"
RUNNERS = {"labels": {"h100": ["h100-a", "h100-b"], "cluster:b200": ["b200-x"], "gb200": ["gb200-y", "gb200-z"]},
           "hardware": {"cluster:b200": {"available-cpu-dram-mib": 2_000_000, "gpus-per-node": 8}}}


def sweep_args(**values):
    base = dict(model_prefix=None, precision=None, framework=None, runner_type=None, seq_lens=None, step_size=2,
                min_conc=None, max_conc=None, max_tp=None, max_ep=None, runner_node_filter=None,
                single_node=True, multi_node=True)
    return argparse.Namespace(**{**base, **values})  # no scenario_type: as in upstream's hand-built tests


def single(runner="h100", fixed=None, agentic=None, **extra):
    scenarios = {}
    if fixed is not None:
        scenarios["fixed-seq-len"] = fixed
    if agentic is not None:
        scenarios["agentic-coding"] = agentic
    return {"image": "img", "model": "m", "model-prefix": "p", "precision": "fp8", "framework": "vllm",
            "runner": runner, "multinode": False, "scenarios": scenarios, **extra}


def worker(tp=8, ep=1, dp_attn=False, num=1):
    return {"num-worker": num, "tp": tp, "ep": ep, "dp-attn": dp_attn}


def multi(fixed=None, agentic=None, runner="gb200"):
    entry = single(runner, fixed, agentic)
    entry.update(multinode=True, disagg=True, **{"kv-p2p-transfer": "nixl"})
    return entry


def test_loose_values_pass_as_pydantic_lax_mode_does():
    assert (to_int("8"), to_int(8.0), to_int(True), to_bool("off"), to_bool(1)) == (8, 8, 1, False, True)
    for bad in ("8.5", "x", 8.5, None, [8]):
        with pytest.raises(Invalid):
            to_int(bad)
    loose = {"k": single(fixed=[{"isl": 8192.0, "osl": 1024, "search-space": [{"tp": "8", "conc-start": 4, "conc-end": 64.0}]}])}
    validate_master_config(loose)
    row = ix.generate_full_sweep(sweep_args(), loose, RUNNERS)[0]
    assert (row["tp"], row["isl"]) == ("8", 8192.0)  # raw values are echoed, as upstream does


def test_validation_refuses_what_upstream_refuses():
    cases = [
        single(fixed=[{"isl": 1, "osl": 1, "search-space": [{"tp": 8, "conc-start": 8, "conc-end": 4}]}]),
        single(fixed=[{"isl": 1, "osl": 1, "search-space": [{"tp": 8, "conc-list": [4], "conc-start": 4, "conc-end": 8}]}]),
        single(fixed=[{"isl": 1, "osl": 1, "search-space": [{"tp": 8, "pp": "2", "conc-list": [4]}]}]),  # strict int
        single(fixed=[{"isl": 1, "osl": 1, "search-space": [{"tp": 6, "dcp-size": 4, "conc-list": [4]}]}]),
        single(fixed=[{"isl": 1, "osl": 1, "search-space": [{"tp": 8, "conc-list": [4], "extra": 1}]}]),
        single(agentic=[{"search-space": [{"tp": 8, "kv-offloading": "none", "conc-list": [1]}]}]),  # not cluster:
        single(fixed=[]),
        {**single(fixed=[{"isl": 1, "osl": 1, "search-space": [{"tp": 8, "conc-list": [4]}]}]), "disagg": True},
    ]
    for entry in cases:
        with pytest.raises(ValueError, match="Master config entry 'k' failed validation:"):
            validate_master_config({"k": entry})


def test_rows_are_a_lazy_sequence_and_batches_cost_the_batch():
    entry = single(fixed=[{"isl": 8192, "osl": 1024, "search-space": [{"tp": 8, "conc-start": 1, "conc-end": 2**40}]}])
    data = {f"k{n}": entry for n in range(20_000)}
    rows = plan(list(full_sweep_segments(sweep_args(), data, RUNNERS)))
    assert rows.count == 20_000 * 41
    last = rows.batch(rows.batch_count() - 1)
    assert last[-1]["conc"] == 2**40 and last[-1]["run-eval"] is True
    assert rows[41]["conc"] == 1 and rows[41]["run-eval"] is False


def test_hand_built_namespaces_without_newer_attributes_work():
    data = {"k": single(fixed=[{"isl": 1024, "osl": 1024, "search-space": [{"tp": 8, "conc-start": 4, "conc-end": 16}]}])}
    assert [row["conc"] for row in ix.generate_full_sweep(sweep_args(), data, RUNNERS)] == [4, 8, 16]
    test = argparse.Namespace(config_keys=["k*"])
    assert [row["conc"] for row in ix.generate_test_config_sweep(test, data)] == [4, 8, 16]


def test_loaders_are_looked_up_through_the_package(monkeypatch, capsys):
    data = {"k": single(fixed=[{"isl": 1024, "osl": 1024, "search-space": [{"tp": 8, "conc-list": [4]}]}])}
    monkeypatch.setattr(ix, "load_config_files", lambda files: data)
    monkeypatch.setattr(ix, "load_runner_file", lambda path: RUNNERS)
    monkeypatch.setattr("sys.argv", ["generate_sweep_configs.py", "full-sweep", "--config-files", "nowhere.yaml"])
    returned = ix.main()
    assert json.loads(capsys.readouterr().out) == list(returned) and returned[0]["conc"] == 4


def test_main_from_python_raises_value_error():
    with pytest.raises(ValueError, match="Input file 'missing.yaml' does not exist."):
        ix.main(["full-sweep", "--config-files", "missing.yaml"])


def test_real_configs_counts(monkeypatch):
    monkeypatch.chdir(REAL)
    args = ix._cli.parse_args(["full-sweep", "--config-files", "nvidia-master.yaml", "amd-master.yaml"])
    assert ix._cli.generate(args).count == 1820


# -- the eval policy from structure equals upstream's passes over the rows ----------------------------------


def eager_marked(rows, evals_only, all_evals):
    """The rows as upstream's main() leaves them: mark, expand, filter (the list-based functions)."""
    rows = ix.mark_eval_entries([dict(row) for row in rows], include_agentic=evals_only or all_evals)
    if all_evals:
        rows = ix.mark_all_eval_entries(rows)
    if evals_only or all_evals:
        rows = [row for row in rows if row.get("run-eval", False)]
        for row in rows:
            row["eval-only"] = True
    return rows


concs = st.one_of(st.builds(lambda a, b: {"conc-start": min(a, b), "conc-end": max(a, b)},
                            st.integers(1, 200), st.integers(1, 200)),
                  st.builds(lambda values: {"conc-list": values}, st.lists(st.integers(1, 100), min_size=1, max_size=4)))
single_items = st.builds(lambda c, tp, dpa: {"tp": tp, "dp-attn": dpa, **c}, concs, st.sampled_from([1, 2, 8]), st.booleans())
multi_items = st.builds(lambda c, tp, ep: {"prefill": worker(tp), "decode": worker(8, ep), **c},
                        concs, st.sampled_from([4, 8]), st.sampled_from([1, 8]))
agentic_items = st.builds(lambda c, tp: {"tp": tp, "kv-offloading": "none", **c}, concs, st.sampled_from([4, 8]))
seq = st.sampled_from([(8192, 1024), (1024, 1024)])


def fixed_configs(items):
    return st.lists(st.builds(lambda lengths, found: {"isl": lengths[0], "osl": lengths[1], "search-space": found},
                              seq, st.lists(items, min_size=1, max_size=3)), max_size=2)


entries = st.one_of(
    st.builds(lambda f, model: {**single(fixed=f or [{"isl": 1, "osl": 1, "search-space": []}]), "model": model},
              fixed_configs(single_items), st.sampled_from(["m", "n"])),
    st.builds(lambda f: multi(fixed=f or [{"isl": 1, "osl": 1, "search-space": []}]), fixed_configs(multi_items)),
    st.builds(lambda a: single("cluster:b200", agentic=[{"search-space": a}]), st.lists(agentic_items, min_size=1, max_size=3)),
    st.builds(lambda a: multi(agentic=[{"search-space": a}], runner="cluster:b200"),
              st.lists(multi_items, min_size=1, max_size=3)),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(entries, min_size=1, max_size=5), st.sampled_from([(False, False), (True, False), (False, True), (True, True)]),
       st.sampled_from([None, "b200", "gb200", "h100-b"]))
def test_eval_marking_from_structure_equals_marking_the_list(found, flags, node_filter):
    data = {f"k{n}": entry for n, entry in enumerate(found)}
    validate_master_config(data)
    segments = list(full_sweep_segments(sweep_args(runner_node_filter=node_filter), data, RUNNERS))
    unmarked = list(plan(segments, no_evals=True))
    assert list(plan(segments, False, *flags)) == eager_marked(unmarked, *flags)
