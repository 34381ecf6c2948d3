"""InferenceX's config checks (upstream ``validation.py`` at 843c6254f), without pydantic.

:func:`load_config_files` and :func:`load_runner_file` read YAML with
PyYAML's ``safe_load`` rules (the C loader when present), so a key repeated
in one mapping keeps its last value, exactly as upstream. They then check
every entry as upstream's pydantic models would (lax mode: ``tp: "8"``
passes) and raise ``ValueError`` with upstream's message. The generator
copies the raw values, never the converted ones.

Cost: one pass over the configs, O(their size).
"""

from __future__ import annotations

from .schema import (REQUIRED, Field, Invalid, Model, Validated, constrained, dict_of, list_of, literal,
                     optional, to_bool, to_float, to_int, to_str, to_strict_int)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["CLUSTER_LABEL_PREFIX", "DEFAULT_AGENTIC_DURATION_SECONDS", "load_yaml", "load_config_files",
           "load_runner_file", "validate_master_config", "validate_runner_config"]

CLUSTER_LABEL_PREFIX = "cluster:"
DEFAULT_AGENTIC_DURATION_SECONDS = 3600
_SPEC_DECODING = literal("mtp", "draft_model", "none")
_POSITIVE = constrained(to_strict_int, gt=0)
_NAME = constrained(to_str, min_length=1)


def _own_version(version: Any) -> Any:
    if version is not None and version.startswith("image:"):
        raise ValueError("component version must be a release, package version, or source commit, "
                         "not an image reference")
    return version


def _component(name: str, version_required: bool) -> Model:
    version = constrained(to_str, min_length=1)
    return Model(name, {
        "name": Field("name", _NAME),
        "version": Field("version", version if version_required else optional(version),
                         REQUIRED if version_required else None),
    }, [lambda self: _own_version(self.version)])


_COMPONENT = _component("ComponentMetadata", True)
_BACKEND = _component("KVOffloadBackendMetadata", False)


def _tp_context(self: Validated) -> None:
    if self.tp % self.dcp_size != 0:
        raise ValueError(f"'tp' ({self.tp}) must be divisible by 'dcp-size' ({self.dcp_size})")


def _hardware_pair(self: Validated) -> None:
    if bool(self.prefill.hardware) != bool(self.decode.hardware):
        raise ValueError("'hardware' must be specified for both 'prefill' and 'decode', or neither")


def _concurrencies(self: Validated) -> None:
    has_range = self.conc_start is not None and self.conc_end is not None
    has_list = self.conc_list is not None and len(self.conc_list) > 0
    if has_range == has_list:
        raise ValueError("Use either 'conc-list' or both 'conc-start' and 'conc-end'")
    if has_range and (self.conc_start <= 0 or self.conc_end <= 0 or self.conc_start > self.conc_end):
        raise ValueError("'conc-start' and 'conc-end' must be > 0, and start <= end")
    if has_list and not all(value > 0 for value in self.conc_list):
        raise ValueError("Input 'conc-list' entries must be greater than 0.")


def _kv_offload(self: Validated) -> None:
    backend = self.kv_offload_backend
    if self.kv_offloading is None or self.kv_offloading == "none":
        if backend is not None:
            raise ValueError("kv-offload-backend needs kv-offloading other than 'none'")
    elif backend is None:
        raise ValueError(f"kv-offload-backend is required when kv-offloading is '{self.kv_offloading}'")


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
}, [_tp_context])

SINGLE_NODE_ITEM = Model("SingleNodeSearchSpaceEntry", {
    "tp": Field("tp", to_int),
    **_PARALLEL,
    "ep": Field("ep", optional(to_int), None),
    "spec_decoding": Field("spec-decoding", _SPEC_DECODING, "none"),
    "dp_attn": Field("dp-attn", optional(to_bool), None),
    **_ROUTER,
    **_CONCURRENCY,
}, [_concurrencies, _tp_context])

MULTI_NODE_ITEM = Model("MultiNodeSearchSpaceEntry", {
    "spec_decoding": Field("spec-decoding", _SPEC_DECODING, "none"),
    "prefill": Field("prefill", WORKER),
    "decode": Field("decode", WORKER),
    **_ROUTER,
    **_TRANSFER,
    **_CONCURRENCY,
}, [_concurrencies, _hardware_pair])


def _agentic_topology(self: Validated) -> None:
    multi = self.prefill is not None or self.decode is not None
    complete = self.prefill is not None and self.decode is not None
    if (self.tp is not None) + complete != 1 or (multi and not complete):
        raise ValueError("Agentic search-space entries must specify exactly one of tp, or both prefill and decode")
    if self.tp is not None:
        if self.kv_offloading is None:
            raise ValueError("Single-node agentic search-space entries must specify kv-offloading")
        _tp_context(self)
    else:
        if {"pp", "dcp_size", "pcp_size"} & self.fields_set:
            raise ValueError("Multinode agentic search-space entries cannot specify 'pp', 'dcp-size', 'pcp-size'")
        _hardware_pair(self)


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
}, [_concurrencies, _kv_offload, _agentic_topology])


def _dram_utilization(self: Validated) -> None:
    if self.dram_utilization is None and any(item.kv_offloading == "dram" for item in self.search_space):
        raise ValueError("kv-offloading='dram' requires dram-utilization with runner hardware metadata")


AGENTIC_CONFIG = Model("AgenticCodingConfig", {
    "search_space": Field("search-space", list_of(AGENTIC_ITEM)),
    "dram_utilization": Field("dram-utilization", optional(constrained(to_float, gt=0, le=1)), None),
}, [_dram_utilization])


def _seq_len_config(name: str, item: Model) -> Model:
    return Model(name, {
        "isl": Field("isl", to_int),
        "osl": Field("osl", to_int),
        "search_space": Field("search-space", list_of(item)),
    })


def _at_least_one_scenario(self: Validated) -> None:
    if not self.fixed_seq_len and not self.agentic_coding:
        raise ValueError("At least one scenario type must be specified")


def _scenarios(name: str, seq_len_config: Model) -> Model:
    return Model(name, {
        "fixed_seq_len": Field("fixed-seq-len", optional(list_of(seq_len_config)), None),
        "agentic_coding": Field("agentic-coding", optional(list_of(AGENTIC_CONFIG)), None),
    }, [_at_least_one_scenario])


def _items(self: Validated) -> list[Validated]:
    return [item for configs in (self.scenarios.fixed_seq_len, self.scenarios.agentic_coding)
            for config in configs or () for item in config.search_space]


def _agentic_runner(self: Validated) -> None:
    if self.scenarios.agentic_coding and not self.runner.startswith(CLUSTER_LABEL_PREFIX):
        raise ValueError("Agentic master configs must use a 'cluster:<name>' runner")


def _component_scope(self: Validated) -> None:
    items = _items(self)
    for attr, name in (("router", "router"), ("kv_p2p_transfer", "kv-p2p-transfer")):
        if getattr(self, attr, None) is not None and any(getattr(item, attr, None) is not None for item in items):
            raise ValueError(f"{name} must be declared either at the top level or in search-space entries, not both")
    if not self.multinode and any(getattr(item, "kv_p2p_transfer", None) is not None for item in items):
        raise ValueError("kv-p2p-transfer is only valid when multinode=true")
    if self.disagg and getattr(self, "kv_p2p_transfer", None) is None and (
        not items or any(item.kv_p2p_transfer is None for item in items)
    ):
        raise ValueError("disagg=true requires kv-p2p-transfer at the top level or in every search-space entry")


_IDENTITY = {name.replace("-", "_"): Field(name, to_str)
             for name in ("image", "model", "model-prefix", "precision", "framework", "runner")}

SINGLE_NODE_MASTER = Model("SingleNodeMasterConfigEntry", {
    **_IDENTITY,
    "multinode": Field("multinode", literal(False)),
    "disagg": Field("disagg", literal(False), False),
    **_ROUTER,
    "scenarios": Field("scenarios", _scenarios("SingleNodeScenarios",
                                               _seq_len_config("SingleNodeSeqLenConfig", SINGLE_NODE_ITEM))),
}, [_agentic_runner, _component_scope])

MULTI_NODE_MASTER = Model("MultiNodeMasterConfigEntry", {
    **_IDENTITY,
    "multinode": Field("multinode", literal(True)),
    "disagg": Field("disagg", to_bool, False),
    **_ROUTER,
    **_TRANSFER,
    "scenarios": Field("scenarios", _scenarios("MultiNodeScenarios",
                                               _seq_len_config("MultiNodeSeqLenConfig", MULTI_NODE_ITEM))),
}, [_agentic_runner, _component_scope])

RUNNER_CONFIG = Model("RunnerConfig", {
    "labels": Field("labels", dict_of(list_of(to_str))),
    "hardware": Field("hardware", dict_of(Model("RunnerHardwareConfig", {
        "available_cpu_dram_mib": Field("available-cpu-dram-mib", constrained(to_int, gt=0)),
        "gpus_per_node": Field("gpus-per-node", constrained(to_int, gt=0)),
    })), dict),
})


def validate_master_config(master_configs: dict[str, Any]) -> dict[str, Any]:
    """Check every entry; ValueError ``Master config entry 'k' failed validation: ...`` on the first bad one."""
    for key, entry in master_configs.items():
        model = MULTI_NODE_MASTER if entry.get("multinode", False) else SINGLE_NODE_MASTER
        _check(model, entry, f"Master config entry '{key}' failed validation:")
    return master_configs


def _check(model: Model, mapping: dict[Any, Any], failure: str) -> None:
    """``model(**mapping)`` as upstream calls it: keys that are not strings are a TypeError, and a
    refusal is a ValueError starting with ``failure``."""
    if not all(isinstance(key, str) for key in mapping):
        raise TypeError("keywords must be strings")
    try:
        model(mapping)
    except Invalid as error:
        raise ValueError(f"{failure}\n{error}") from None


def validate_runner_config(runner_configs: dict[str, Any]) -> dict[str, Any]:
    """Check the runner config: ``labels`` (label -> node names) and optional ``hardware``."""
    labels = runner_configs.get("labels")
    if not isinstance(labels, dict):
        raise ValueError("Runner config must define a labels mapping")
    for key, value in labels.items():
        if not isinstance(value, list):
            raise ValueError(f"Runner config entry '{key}' must be a list, got {type(value).__name__}")
        if not all(isinstance(item, str) for item in value):
            raise ValueError(f"Runner config entry '{key}' must contain only strings")
        if not value:
            raise ValueError(f"Runner config entry '{key}' cannot be an empty list")
    _check(RUNNER_CONFIG, runner_configs, "Runner config failed validation:")
    return runner_configs


def load_yaml(path: str) -> Any:
    """``yaml.safe_load`` of a file, exactly (duplicate keys keep the last value), through the
    faster :func:`lazysweep.loader.safe_load`."""
    from ..loader import safe_load

    with open(path, "rb") as stream:
        return safe_load(stream.read())


def load_config_files(config_files: list[str], validate: bool = True) -> dict[str, Any]:
    """Load master config files, merge them in order, and validate the result."""
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
