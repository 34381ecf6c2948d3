"""lazysweep.inferencex's pydantic models (upstream 843c6254f's classes, the `inferencex` extra).

Exact cases per model (valid input, and each refusal with upstream's
message), then cross-checks against the pydantic-free engine the drop-in
validates with: every master and runner config of the compat-ix sets, the
same configs mutated with loose values (hypothesis), and the lax scalar
conversions themselves. Last, the start-up rule: pydantic is only imported by
code that asks for a model.
"""

from __future__ import annotations

import contextlib
import copy
import io
import re
import subprocess
import sys
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from lazysweep import inferencex as ix
from lazysweep.inferencex import _models as models, _schema as schema, validation
from lazysweep.inferencex.validation import (AgenticCodingConfig, AgenticCodingSearchSpaceEntry, ChangelogEntry,
                                             ChangelogMatrixEntry, ComponentMetadata, Fields,
                                             KVOffloadBackendMetadata, MultiNodeAgenticMatrixEntry,
                                             MultiNodeMasterConfigEntry, MultiNodeMatrixEntry,
                                             MultiNodeSearchSpaceEntry, SingleNodeAgenticMatrixEntry,
                                             SingleNodeMasterConfigEntry, SingleNodeMatrixEntry, SingleNodeScenarios,
                                             SingleNodeSearchSpaceEntry, WorkerConfig, validate_agentic_matrix_entry,
                                             validate_matrix_entry)

COMPAT = Path(__file__).resolve().parent / "compat-ix"
SETS = sorted(path for path in COMPAT.iterdir() if path.is_dir())


def worker(**extra):
    return {"num-worker": 1, "tp": 8, "ep": 1, "dp-attn": False, **extra}


def master(multinode=False, **extra):
    item = ({"prefill": worker(), "decode": worker(), "conc-list": [1]} if multinode
            else {"tp": 8, "conc-list": [1]})
    return {"image": "img", "model": "m", "model-prefix": "p", "precision": "fp8", "framework": "vllm",
            "runner": "h100", "multinode": multinode,
            "scenarios": {"fixed-seq-len": [{"isl": 1024, "osl": 1024, "search-space": [item]}]}, **extra}


def single_row(**extra):
    return {"image": "img", "model": "m", "model-prefix": "p", "precision": "fp8", "framework": "vllm",
            "spec-decoding": "none", "runner": "h100", "isl": 1024, "osl": 1024, "tp": 8, "pp": 1, "dcp-size": 1,
            "pcp-size": 1, "ep": 1, "dp-attn": False, "conc": 4, "max-model-len": 2304, "exp-name": "p_1k1k",
            "disagg": False, "run-eval": False, **extra}


def agentic_row(multinode=False, **extra):
    shape = ({"prefill": worker(), "decode": worker(), "conc": [4], "disagg": False, "spec-decoding": "none"}
             if multinode else {"tp": 8, "pp": 1, "dcp-size": 1, "pcp-size": 1, "ep": 1, "dp-attn": False, "conc": 4})
    return {"image": "img", "model": "m", "model-prefix": "p", "precision": "fp8", "framework": "vllm",
            "runner": "cluster:h100", **shape, "kv-offloading": "none", "total-cpu-dram-gb": 0, "duration": 3600,
            "exp-name": "p_tp8_conc4_kvnone", "scenario-type": "agentic-coding", **extra}


# The lazy names.

def test_the_model_names_are_upstreams_and_load_on_first_use():
    assert validation.SingleNodeMatrixEntry is models.SingleNodeMatrixEntry
    assert set(validation._MODEL_NAMES) <= set(models.__all__)
    assert (Fields.MODEL_PREFIX.value, Fields("kv-p2p-transfer")) == ("model-prefix", Fields.KV_P2P_TRANSFER)
    with pytest.raises(AttributeError, match="no attribute 'NoSuchModel'"):
        validation.NoSuchModel  # noqa: B018


def test_without_pydantic_the_import_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "pydantic", None)  # `import pydantic` now fails as if it were absent
    monkeypatch.delitem(sys.modules, "lazysweep.inferencex._models")
    monkeypatch.delattr(ix, "_models")  # as in a process that never imported it
    with pytest.raises(ImportError, match=r"^WorkerConfig needs pydantic: pip install 'lazysweep\[inferencex\]'$"):
        from lazysweep.inferencex.validation import WorkerConfig  # noqa: F401
    from lazysweep.inferencex.validation import Fields  # the enum needs no pydantic

    assert Fields.TP.value == "tp"


def test_generic_commands_and_the_drop_in_never_import_pydantic():
    script = (
        "import contextlib, io, os, sys\n"
        "from lazysweep._cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['count', {str(COMPAT.parent.parent / 'examples' / 'sweep.yaml')!r}]) == 0\n"
        f"    os.chdir({str(COMPAT / 'real')!r})\n"
        "    assert main(['inferencex', 'full-sweep', '--config-files', 'nvidia-master.yaml', 'amd-master.yaml',\n"
        "                 '--max-batch-size', '100', '--batch-index', '3']) == 0\n"
        "import lazysweep.inferencex.validation\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in ('pydantic', 'pydantic_core')))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"


# Exact cases per model.

def test_worker_config_converts_as_lax_mode_does_and_defaults_the_parallelism():
    config = WorkerConfig(**worker(tp="8", **{"dp-attn": "yes", "num-worker": 2.0}))
    assert (config.tp, config.dp_attn, config.num_worker) == (8, True, 2)
    assert (config.pp, config.dcp_size, config.pcp_size, config.hardware, config.additional_settings) == (
        1, 1, 1, None, [])
    assert WorkerConfig(num_worker=1, tp=4, ep=1, dp_attn=True).tp == 4  # Python names work as well


def test_component_metadata_needs_both_names_and_the_components_own_version():
    assert ComponentMetadata(name="vllm-router", version="0.1.14").version == "0.1.14"
    assert KVOffloadBackendMetadata(name="lmcache").version is None


def refusal(model, data, message):
    return pytest.param(model, data, message, id=f"{model.__name__}: {message[:40]}")


REFUSALS = [
    refusal(WorkerConfig, worker(pp="2"), "pp\n  Input should be a valid integer"),
    refusal(WorkerConfig, worker(**{"dcp-size": 0}), "dcp-size\n  Input should be greater than 0"),
    refusal(WorkerConfig, worker(tp=4, **{"dcp-size": 3}), "Value error, 'tp' (4) must be divisible by 'dcp-size' (3)"),
    refusal(WorkerConfig, worker(hardware=""), "hardware\n  String should have at least 1 character"),
    refusal(WorkerConfig, worker(extra=1), "extra\n  Extra inputs are not permitted"),
    refusal(ComponentMetadata, {"name": "x", "version": "image:vllm:v1"},
            "Value error, component version must be a release, package version, or source commit, "
            "not an image reference"),
    refusal(ComponentMetadata, {"name": "x"}, "version\n  Field required"),
    refusal(SingleNodeSearchSpaceEntry, {"tp": 8},
            "Value error, Must specify either 'conc-list' list or both 'conc-start' and 'conc-end'."),
    refusal(SingleNodeSearchSpaceEntry, {"tp": 8, "conc-start": 1, "conc-end": 2, "conc-list": [1]},
            "Value error, Cannot specify both 'conc-list' list and 'conc-start'/'conc-end'. "
            "Use either a list or a range, not both."),
    refusal(SingleNodeSearchSpaceEntry, {"tp": 8, "conc-start": 0, "conc-end": 2},
            "Value error, Input 'conc-start' and 'conc-end' must be greater than 0."),
    refusal(SingleNodeSearchSpaceEntry, {"tp": 8, "conc-start": 64, "conc-end": 4},
            "Value error, 'conc-start' (64) must be <= 'conc-end' (4)."),
    refusal(SingleNodeSearchSpaceEntry, {"tp": 8, "conc-list": [4, 0]},
            "Value error, Input 'conc-list' entries must be greater than 0."),
    refusal(SingleNodeSearchSpaceEntry, {"tp": 8, "conc-list": [1], "spec-decoding": "eagle"},
            "spec-decoding\n  Input should be 'mtp', 'draft_model' or 'none'"),
    refusal(MultiNodeSearchSpaceEntry, {"prefill": worker(hardware="gb200"), "decode": worker(), "conc-list": [1]},
            "Value error, 'hardware' must be specified for both 'prefill' and 'decode', or neither"),
    refusal(AgenticCodingSearchSpaceEntry, {"conc-list": [1], "prefill": worker()},
            "Value error, Agentic search-space entries must specify exactly one of tp, or both prefill and decode"),
    refusal(AgenticCodingSearchSpaceEntry, {"tp": 8, "conc-list": [1]},
            "Value error, Single-node agentic search-space entries must specify kv-offloading"),
    refusal(AgenticCodingSearchSpaceEntry, {"prefill": worker(), "decode": worker(), "pp": 1, "conc-list": [1]},
            "Value error, Multinode agentic search-space entries cannot specify 'pp', 'dcp-size', 'pcp-size'"),
    refusal(AgenticCodingSearchSpaceEntry, {"tp": 8, "kv-offloading": "dram", "conc-list": [1]},
            "Value error, kv-offload-backend is required when kv-offloading is 'dram'"),
    refusal(AgenticCodingSearchSpaceEntry,
            {"tp": 8, "kv-offloading": "none", "kv-offload-backend": {"name": "x"}, "conc-list": [1]},
            "Value error, kv-offload-backend can only be set when kv-offloading is not 'none'"),
    refusal(AgenticCodingSearchSpaceEntry,
            {"prefill": worker(), "decode": worker(), "kv-offload-backend": {"name": "x"}, "conc-list": [1]},
            "Value error, kv-offload-backend requires kv-offloading"),
    refusal(AgenticCodingConfig, {"search-space": [
        {"tp": 8, "kv-offloading": "dram", "kv-offload-backend": {"name": "x"}, "conc-list": [1]}]},
            "Value error, kv-offloading='dram' requires dram-utilization with runner hardware metadata"),
    refusal(AgenticCodingConfig, {"search-space": [], "dram-utilization": 1.5},
            "dram-utilization\n  Input should be less than or equal to 1"),
    refusal(SingleNodeScenarios, {"fixed-seq-len": []}, "Value error, At least one scenario type must be specified"),
    refusal(SingleNodeMasterConfigEntry, master(scenarios={"agentic-coding": [{"search-space": [
        {"tp": 8, "kv-offloading": "none", "conc-list": [1]}]}]}),
            "Value error, Agentic master configs must use a 'cluster:<name>' runner "
            "so every point runs on one exact hardware fleet."),
    refusal(SingleNodeMasterConfigEntry, master(multinode=True), "multinode\n  Input should be False"),
    refusal(SingleNodeMasterConfigEntry, master(disagg=True), "disagg\n  Input should be False"),
    refusal(MultiNodeMasterConfigEntry, master(multinode=True, disagg=True),
            "Value error, disagg=true requires kv-p2p-transfer at the top level or in every search-space entry"),
    refusal(MultiNodeMasterConfigEntry, master(multinode=True, router={"name": "r", "version": "1"}, scenarios={
        "fixed-seq-len": [{"isl": 1, "osl": 1, "search-space": [
            {"prefill": worker(), "decode": worker(), "conc-list": [1], "router": {"name": "r", "version": "1"}}]}]}),
            "Value error, router must be declared either at the top level or in search-space entries, not both"),
    refusal(SingleNodeMasterConfigEntry, master(runner="cluster:h100", scenarios={"agentic-coding": [
        {"search-space": [{"tp": 8, "kv-offloading": "none", "conc-list": [1], "kv-p2p-transfer": "nixl"}]}]}),
            "Value error, kv-p2p-transfer is only valid when multinode=true"),
    refusal(SingleNodeMatrixEntry, single_row(conc="many"), "conc.int\n  Input should be a valid integer"),
    refusal(MultiNodeMatrixEntry, {**single_row(disagg=True), "prefill": worker(), "decode": worker(), "conc": [4]},
            "tp\n  Extra inputs are not permitted"),
    refusal(MultiNodeAgenticMatrixEntry, agentic_row(multinode=True, disagg=True),
            "Value error, disagg=true requires kv-p2p-transfer"),
    refusal(SingleNodeAgenticMatrixEntry, agentic_row(**{"total-cpu-dram-gb": -1}),
            "total-cpu-dram-gb\n  Input should be greater than or equal to 0"),
    refusal(ChangelogEntry, {"config-keys": [], "description": ["d"], "pr-link": "u"},
            "config-keys\n  List should have at least 1 item"),
    refusal(ChangelogEntry, {"config-keys": ["k"], "description": ["d"], "pr-link": "u", "scenario-type": ["x"]},
            "scenario-type.0\n  Input should be 'fixed-seq-len' or 'agentic-coding'"),
]


@pytest.mark.parametrize(("model", "data", "message"), REFUSALS)
def test_each_refusal_carries_upstreams_message(model, data, message):
    with pytest.raises(ValidationError) as refused:
        model(**data)
    assert message in str(refused.value)


def test_matrix_rows_keep_their_eval_fields_and_the_dispatchers_name_the_row():
    row = agentic_row(multinode=True, **{"run-eval": True, "eval-conc": 4})
    entry = MultiNodeAgenticMatrixEntry(**row)
    assert (entry.run_eval, entry.eval_only, entry.eval_conc) == (True, None, 4)
    assert validate_agentic_matrix_entry(row) is row and validate_matrix_entry(single_row(), False) == single_row()
    with pytest.raises(ValueError, match=r"^The following parsed agentic matrix entry failed validation:\n\{"):
        validate_agentic_matrix_entry(agentic_row(conc=[4]))
    with pytest.raises(ValueError, match=r"^The following parsed matrix entry failed validation:\n\{"):
        validate_matrix_entry(single_row(), is_multinode=True)


def test_a_changelog_matrix_takes_each_row_only_in_its_own_bucket():
    metadata = {"base_ref": "a", "head_ref": "b",
                "entries": [{"config-keys": ["k"], "description": ["d"], "pr-link": "u", "all-evals": True}]}
    matrix = ChangelogMatrixEntry.model_validate({"agentic_evals": [agentic_row()], "evals": [single_row()],
                                                  "changelog_metadata": metadata})
    assert matrix.changelog_metadata.entries[0].all_evals and matrix.multi_node == {}
    with pytest.raises(ValidationError, match="agentic_evals.0.isl"):
        ChangelogMatrixEntry.model_validate({"agentic_evals": [single_row()], "changelog_metadata": metadata})


@pytest.mark.parametrize("name", [path.name for path in SETS if (path / "master-0.yaml").exists()] + ["real"])
def test_every_generated_row_is_a_valid_matrix_entry(name, monkeypatch):
    monkeypatch.chdir(COMPAT / name)
    files = sorted(path.name for path in Path().glob("*master*.yaml")) if name == "real" else [
        "master-0.yaml", "master-1.yaml"]
    checked = 0
    for flags in ([], ["--all-evals"], ["--no-evals"]):
        monkeypatch.setattr(sys, "argv", ["generate_sweep_configs.py", "full-sweep", "--config-files", *files, *flags])
        with contextlib.redirect_stdout(io.StringIO()):
            rows = ix.main()
        for row in rows:
            if row.get("scenario-type") == "agentic-coding":
                validate_agentic_matrix_entry(row)
            else:
                validate_matrix_entry(row, is_multinode="prefill" in row)
        checked += len(rows)
    assert checked > 0


# Cross-checks against the pydantic-free engine.

def verdict(check, config):
    """What a check says about CONFIG: accepted, or the refusal's type and first line."""
    try:
        check(config)
    except Exception as error:  # both engines crash alike on non-mappings: compare the exception type
        return type(error).__name__, str(error).split("\n")[0]
    return "accepted"


def corpus_configs():
    """Every master entry (alone) and every runner config of the compat-ix sets that parses as YAML."""
    for path in sorted(COMPAT.rglob("*.yaml")):
        try:
            data = validation.load_yaml(str(path))
        except Exception:  # bad-yaml-syntax.yaml: refused before validation
            continue
        label = str(path.relative_to(COMPAT))
        if path.name.startswith("runners"):
            yield label, "runner", data
        elif isinstance(data, dict):
            yield from ((f"{label}:{key}", "master", {key: entry}) for key, entry in data.items())
        else:
            yield label, "master", data


CHECKS = {"master": (validation.validate_master_config, models.validate_master_config),
          "runner": (validation.validate_runner_config, models.validate_runner_config)}


def test_the_models_accept_exactly_what_the_drop_in_accepts_on_every_compat_config():
    verdicts = {}
    for label, kind, config in corpus_configs():
        ours, pydantic_models = CHECKS[kind]
        verdicts[label] = verdict(ours, config)
        assert verdict(pydantic_models, config) == verdicts[label], label
    refused = [label for label, said in verdicts.items() if said != "accepted"]
    assert len(verdicts) > 700 and 40 < len(refused) < len(verdicts) / 2


def _real_entries():
    return [entry for _, kind, config in corpus_configs() if kind == "master" and isinstance(config, dict)
            for entry in config.values() if isinstance(entry, dict)]


ENTRIES = _real_entries()
LOOSE = st.one_of(
    st.sampled_from(["8", " 8 ", "1_024", "8.0", "8.", "8.5", "yes", "off", "T", "0", "", "none", "dram", "mtp",
                     "cluster:x", "image:x", "８", "1e3", "+8", "inf", "nan"]),
    st.integers(-3, 3), st.sampled_from([2**63, 1e30, 2.0**63, 0.5, -0.0]), st.floats(allow_nan=False),
    st.booleans(), st.none(), st.just([]), st.just({}), st.just({"name": "n"}), st.just([1, "2"]),
)


def _paths(node, prefix=()):
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        yield (*prefix, key)
        yield from _paths(child, (*prefix, key))


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_the_models_agree_with_the_drop_in_on_mutated_configs(data):
    entry = copy.deepcopy(data.draw(st.sampled_from(ENTRIES)))
    *parents, key = data.draw(st.sampled_from(list(_paths(entry))))
    node = entry
    for parent in parents:
        node = node[parent]
    if isinstance(node, dict) and data.draw(st.booleans()):
        del node[key]
    else:
        node[key] = data.draw(LOOSE)
    config = {"k": entry}
    assert verdict(models.validate_master_config, config) == verdict(validation.validate_master_config, config)


SCALARS = st.one_of(st.integers(), st.floats(), st.booleans(), st.none(),
                    st.text(alphabet="0123456789_.+-eE xinfatruyso８", max_size=8))
CONVERTERS = [(int, schema.to_int), (bool, schema.to_bool), (float, schema.to_float), (str, schema.to_str),
              (Literal[True], schema.literal(True)), (Literal[False], schema.literal(False))]


# pydantic-core (2.14) reads integer text that starts with zeros then `-` or `__` by dropping the
# zeros: "0-2" is -2, "0__9" is 9. No config writes that, and Python and YAML read it as text, so the
# drop-in refuses it (test_the_int_quirk_of_leading_zeros_is_refused); everything else must agree.
LEADING_ZERO_QUIRK = re.compile(r"\s*[+-]?0[0_]*(?:-|__)")


@pytest.mark.parametrize("text", ["0-2", "00-5", "0__9", " +0-6"])
def test_the_int_quirk_of_leading_zeros_is_refused(text):
    assert TypeAdapter(int).validate_python(text) is not None  # pydantic-core takes it ...
    with pytest.raises(schema.Invalid):  # ... the drop-in does not
        schema.to_int(text)


@pytest.mark.parametrize("text", ["0_.", "1_e3", "._5", "-_8", "1e1_0", "8_E3621"])
def test_float_text_with_inner_underscores_is_read_as_pydantic_core_reads_it(text):
    assert schema.to_float(text) == TypeAdapter(float).validate_python(text)
    with pytest.raises(ValidationError):  # the second try keeps the spaces, which then refuse it ...
        TypeAdapter(float).validate_python(" " + text)
    with pytest.raises(schema.Invalid):  # ... here too
        schema.to_float(" " + text)


@pytest.mark.parametrize(("annotation", "convert"), CONVERTERS,
                         ids=["int", "bool", "float", "str", "Literal[True]", "Literal[False]"])
@settings(max_examples=300, deadline=None)
@given(value=SCALARS)
def test_the_lax_conversions_are_pydantics(annotation, convert, value):
    assume(not (annotation is int and isinstance(value, str) and LEADING_ZERO_QUIRK.match(value)))
    try:
        expected = ("accepted", TypeAdapter(annotation).validate_python(value))
    except ValidationError:
        expected = ("refused",)
    try:
        got = ("accepted", convert(value))
    except schema.Invalid:
        got = ("refused",)
    assert got[0] == expected[0]
    if got[0] == "accepted" and expected[1] == expected[1]:  # NaN is never equal to itself
        assert (type(got[1]), got[1]) == (type(expected[1]), expected[1])


def _twin(key):
    """The other spelling of a field: its alias (``dp-attn``) for its name (``dp_attn``), and back."""
    return key.replace("-", "_") if "-" in key else key.replace("_", "-")


DATES = st.sampled_from([__import__("datetime").date(2024, 1, 1),
                         __import__("datetime").datetime(2024, 1, 1, 10, 30)])


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_the_models_agree_with_the_drop_in_on_twins_dates_and_odd_keys(data):
    """Mutations the loose values above do not make: a field given by alias and by name at once (pydantic
    refuses the name as an extra input), YAML 1.1 dates (``2024-01-01``), non-string and renamed keys."""
    entry = copy.deepcopy(data.draw(st.sampled_from(ENTRIES)))
    for _ in range(data.draw(st.integers(1, 3))):
        paths = [path for path in _paths(entry)]
        *parents, key = data.draw(st.sampled_from(paths))
        node = entry
        for parent in parents:
            node = node[parent]
        mutation = data.draw(st.sampled_from(["twin", "date", "int key", "rename", "twin only"]))
        if isinstance(node, dict) and isinstance(key, str) and mutation == "twin" and _twin(key) != key:
            node[_twin(key)] = data.draw(st.one_of(st.just(node[key]), LOOSE))
        elif isinstance(node, dict) and isinstance(key, str) and mutation == "twin only" and _twin(key) != key:
            node[_twin(key)] = node.pop(key)
        elif isinstance(node, dict) and mutation == "int key":
            node[data.draw(st.sampled_from([8, 1.5, True, None]))] = node[key]
        elif isinstance(node, dict) and mutation == "rename":
            node[data.draw(st.sampled_from(["tp ", "TP", "conc_list", "extra"]))] = node.pop(key)
        else:
            node[key] = data.draw(DATES)
    config = {"k": entry}
    assert verdict(models.validate_master_config, config) == verdict(validation.validate_master_config, config)


@pytest.mark.parametrize("twin", ["dp_attn", "conc_list"])
def test_a_field_by_alias_and_by_name_is_refused_as_pydantic_does(twin):
    config = master()
    item = config["scenarios"]["fixed-seq-len"][0]["search-space"][0]
    item.update({"dp-attn": False, "conc-list": [1]})
    item[twin] = item[twin.replace("_", "-")]
    for check in (validation.validate_master_config, models.validate_master_config):
        with pytest.raises(ValueError, match="Extra inputs are not permitted"):
            check({"k": config})
