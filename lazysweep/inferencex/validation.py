"""InferenceX's config checks (upstream ``validation.py`` at 843c6254f), without pydantic.

:func:`load_config_files` and :func:`load_runner_file` read YAML exactly as
upstream's ``yaml.safe_load`` (PyYAML's pure-Python loader) reads it: a key
repeated in one mapping keeps its last value, a tab after ``key:`` is PyYAML's
ScannerError. They then check every entry as upstream's pydantic models would (lax mode: ``tp: "8"``
passes) and raise ``ValueError`` with upstream's message. The generator
copies the raw values, never the converted ones.

Upstream's pydantic model classes (``SingleNodeMatrixEntry``, ``Fields``,
``validate_matrix_entry`` ...) are reachable here too, imported on first
use from :mod:`.models`; they need the ``inferencex`` extra (pydantic).

Cost: one pass over the configs, O(their size).
"""

from __future__ import annotations

from . import _rules as rules
from ._rules import CLUSTER_LABEL_PREFIX
from ._schema import (REQUIRED, Field, Invalid, Model, constrained, dict_of, list_of, literal, optional, to_bool,
                     to_float, to_int, to_str, to_strict_int)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Upstream's model classes and matrix-row checks (pydantic, the ``inferencex`` extra), loaded on first use.
_MODEL_NAMES = ("Fields", "ComponentMetadata", "KVOffloadBackendMetadata", "SingleNodeMatrixEntry",
                "SingleNodeAgenticMatrixEntry", "MultiNodeMatrixEntry", "MultiNodeAgenticMatrixEntry", "WorkerConfig",
                "SingleNodeSearchSpaceEntry", "MultiNodeSearchSpaceEntry", "AgenticCodingSearchSpaceEntry",
                "AgenticCodingConfig", "SingleNodeSeqLenConfig", "MultiNodeSeqLenConfig", "SingleNodeScenarios",
                "MultiNodeScenarios", "SingleNodeMasterConfigEntry", "MultiNodeMasterConfigEntry",
                "RunnerHardwareConfig", "RunnerConfig", "ChangelogEntry", "ChangelogMetadata", "ChangelogMatrixEntry",
                "validate_matrix_entry", "validate_agentic_matrix_entry")
__all__ = ["CLUSTER_LABEL_PREFIX", "DEFAULT_AGENTIC_DURATION_SECONDS", "load_yaml", "load_config_files",
           "load_runner_file", "validate_master_config", "validate_runner_config", *_MODEL_NAMES]

DEFAULT_AGENTIC_DURATION_SECONDS = 3600
_SPEC_DECODING = literal("mtp", "draft_model", "none")
_POSITIVE = constrained(to_strict_int, gt=0)
_NAME = constrained(to_str, min_length=1)


def __getattr__(name: str) -> Any:
    """Upstream's pydantic model classes (:mod:`.models`), imported on first use (PEP 562), so that
    ``from lazysweep.inferencex.validation import SingleNodeMatrixEntry`` works as upstream's tests expect
    while the drop-in itself never imports pydantic."""
    if name not in _MODEL_NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if name == "Fields":
        from ._fields import Fields

        return Fields
    try:
        from . import _models as models
    except ModuleNotFoundError as error:
        if error.name != "pydantic":
            raise
        raise ImportError(f"{name} needs pydantic: pip install 'lazysweep[inferencex]'", name=name) from None
    return getattr(models, name)


def _component(name: str, version_required: bool) -> Model:
    version = constrained(to_str, min_length=1)
    return Model(name, {
        "name": Field("name", _NAME),
        "version": Field("version", version if version_required else optional(version),
                         REQUIRED if version_required else None),
    }, [lambda self: rules.component_version(self.version)])


_COMPONENT = _component("ComponentMetadata", True)
_BACKEND = _component("KVOffloadBackendMetadata", False)

_PARALLEL = {
    "pp": Field("pp", _POSITIVE, 1),
    "dcp_size": Field("dcp-size", _POSITIVE, 1),
    "pcp_size": Field("pcp-size", _POSITIVE, 1),
}
_CONCURRENCY = {
    "conc_start": Field("conc-start", optional(to_int), None),
    "conc_end": Field("conc-end", optional(to_int), None),
    "conc_list": Field("conc-list", optional(list_of(to_int)), None),
}
_ROUTER = {"router": Field("router", optional(_COMPONENT), None)}
_TRANSFER = {"kv_p2p_transfer": Field("kv-p2p-transfer", optional(_NAME), None)}

WORKER = Model("WorkerConfig", {
    "num_worker": Field("num-worker", to_int),
    "tp": Field("tp", to_int),
    **_PARALLEL,
    "ep": Field("ep", to_int),
    "dp_attn": Field("dp-attn", to_bool),
    "hardware": Field("hardware", optional(_NAME), None),
    "additional_settings": Field("additional-settings", optional(list_of(to_str)), list),
}, [rules.tp_context])

SINGLE_NODE_ITEM = Model("SingleNodeSearchSpaceEntry", {
    "tp": Field("tp", to_int),
    **_PARALLEL,
    "ep": Field("ep", optional(to_int), None),
    "spec_decoding": Field("spec-decoding", _SPEC_DECODING, "none"),
    "dp_attn": Field("dp-attn", optional(to_bool), None),
    **_ROUTER,
    **_CONCURRENCY,
}, [rules.concurrencies, rules.tp_context])

MULTI_NODE_ITEM = Model("MultiNodeSearchSpaceEntry", {
    "spec_decoding": Field("spec-decoding", _SPEC_DECODING, "none"),
    "prefill": Field("prefill", WORKER),
    "decode": Field("decode", WORKER),
    **_ROUTER,
    **_TRANSFER,
    **_CONCURRENCY,
}, [rules.concurrencies, rules.hardware_pair])

AGENTIC_ITEM = Model("AgenticCodingSearchSpaceEntry", {
    "tp": Field("tp", optional(to_int), None),
    **_PARALLEL,
    "ep": Field("ep", optional(to_int), None),
    "dp_attn": Field("dp-attn", optional(to_bool), None),
    "spec_decoding": Field("spec-decoding", _SPEC_DECODING, "none"),
    "prefill": Field("prefill", optional(WORKER), None),
    "decode": Field("decode", optional(WORKER), None),
    "kv_offloading": Field("kv-offloading", optional(literal("none", "dram")), None),
    "kv_offload_backend": Field("kv-offload-backend", optional(_BACKEND), None),
    **_ROUTER,
    **_TRANSFER,
    **_CONCURRENCY,
}, [rules.concurrencies, rules.kv_offload, rules.agentic_topology])

AGENTIC_CONFIG = Model("AgenticCodingConfig", {
    "search_space": Field("search-space", list_of(AGENTIC_ITEM)),
    "dram_utilization": Field("dram-utilization", optional(constrained(to_float, gt=0, le=1)), None),
}, [rules.dram_utilization])


def _seq_len_config(name: str, item: Model) -> Model:
    return Model(name, {
        "isl": Field("isl", to_int),
        "osl": Field("osl", to_int),
        "search_space": Field("search-space", list_of(item)),
    })


def _scenarios(name: str, seq_len_config: Model) -> Model:
    return Model(name, {
        "fixed_seq_len": Field("fixed-seq-len", optional(list_of(seq_len_config)), None),
        "agentic_coding": Field("agentic-coding", optional(list_of(AGENTIC_CONFIG)), None),
    }, [rules.at_least_one_scenario])


_IDENTITY = {name.replace("-", "_"): Field(name, to_str)
             for name in ("image", "model", "model-prefix", "precision", "framework", "runner")}
_MASTER_RULES = (rules.agentic_runner, rules.component_scope)

SINGLE_NODE_MASTER = Model("SingleNodeMasterConfigEntry", {
    **_IDENTITY,
    "multinode": Field("multinode", literal(False)),
    "disagg": Field("disagg", literal(False), False),
    **_ROUTER,
    "scenarios": Field("scenarios", _scenarios("SingleNodeScenarios",
                                               _seq_len_config("SingleNodeSeqLenConfig", SINGLE_NODE_ITEM))),
}, _MASTER_RULES)

MULTI_NODE_MASTER = Model("MultiNodeMasterConfigEntry", {
    **_IDENTITY,
    "multinode": Field("multinode", literal(True)),
    "disagg": Field("disagg", to_bool, False),
    **_ROUTER,
    **_TRANSFER,
    "scenarios": Field("scenarios", _scenarios("MultiNodeScenarios",
                                               _seq_len_config("MultiNodeSeqLenConfig", MULTI_NODE_ITEM))),
}, _MASTER_RULES)

RUNNER_CONFIG = Model("RunnerConfig", {
    "labels": Field("labels", dict_of(list_of(to_str))),
    "hardware": Field("hardware", dict_of(Model("RunnerHardwareConfig", {
        "available_cpu_dram_mib": Field("available-cpu-dram-mib", constrained(to_int, gt=0)),
        "gpus_per_node": Field("gpus-per-node", constrained(to_int, gt=0)),
    })), dict),
})


def _keywords(mapping: dict[Any, Any]) -> dict[Any, Any]:
    """``model(**mapping)`` as upstream calls it: keys that are not strings are a TypeError."""
    if not all(isinstance(key, str) for key in mapping):
        raise TypeError("keywords must be strings")
    return mapping


def validate_master_config(master_configs: dict[str, Any]) -> dict[str, Any]:
    """Check every entry; ValueError ``Master config entry 'k' failed validation: ...`` on the first bad one."""
    return rules.each_master_entry(master_configs, lambda multinode, entry: (
        MULTI_NODE_MASTER if multinode else SINGLE_NODE_MASTER)(_keywords(entry)))


def validate_runner_config(runner_configs: dict[str, Any]) -> dict[str, Any]:
    """Check the runner config: ``labels`` (label -> node names) and optional ``hardware``."""
    rules.runner_labels(runner_configs)
    try:
        RUNNER_CONFIG(_keywords(runner_configs))
    except Invalid as error:
        raise ValueError(f"Runner config failed validation:\n{error}") from None
    return runner_configs


def load_yaml(path: str) -> Any:
    """``yaml.safe_load(open(path))``, exactly (the same value, or PyYAML's pure-Python loader's
    exception), through the faster :func:`lazysweep._loader.load_file`."""
    from .._loader import load_file

    return load_file(path)


def load_config_files(config_files: list[str], validate: bool = True) -> dict[str, Any]:
    """Load master config files, merge them in order, and validate the result (garbage collection
    paused: the values are acyclic, and the collector's passes made large configs superlinear)."""
    from .._loader import gc_paused

    with gc_paused():
        return _load_config_files(config_files, validate)


def _load_config_files(config_files: list[str], validate: bool) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for config_file in config_files:
        try:
            data = load_yaml(config_file)
        except FileNotFoundError:
            raise ValueError(f"Input file '{config_file}' does not exist.") from None
        if not isinstance(data, dict):
            raise AssertionError(f"Config file '{config_file}' must contain a dictionary")
        for key in data:
            if "*" in key:
                raise ValueError(f" Wildcard '*' is not allowed in master config keys: '{key}'")
        duplicates = set(merged) & set(data)
        if duplicates:
            raise ValueError(f"Duplicate configuration keys found in '{config_file}': {', '.join(sorted(duplicates))}")
        merged.update(data)
    if validate:
        validate_master_config(merged)
    return merged


def load_runner_file(runner_file: str, validate: bool = True) -> dict[str, Any]:
    """Load and validate the runner config (``labels`` and ``hardware``)."""
    try:
        runner_config = load_yaml(runner_file)
    except FileNotFoundError:
        raise ValueError(f"Runner config file '{runner_file}' does not exist.") from None
    if validate:
        validate_runner_config(runner_config)
    loaded: dict[str, Any] = runner_config
    return loaded
