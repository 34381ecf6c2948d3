"""Upstream's pydantic models (InferenceX ``utils/matrix_logic/validation.py`` at 843c6254f).

The optional half of the drop-in's validation: the same classes, field
aliases (the hyphenated YAML keys), lax conversions, defaults and messages
as upstream, for code and tests that build the models directly. It needs
the ``inferencex`` extra (``pip install 'lazysweep[inferencex]'``); the
drop-in itself checks configs with the pydantic-free engine in
:mod:`.validation`, and both call the same cross-field rules (:mod:`.rules`).
Reach the names through ``lazysweep.inferencex.validation``, which imports
this module on first use.

Models come in three groups: master-config entries (input of the
generator), matrix rows (its output, checked by :func:`validate_matrix_entry`
and :func:`validate_agentic_matrix_entry`), and the changelog contract.
Validating a model is O(size of its input).

>>> WorkerConfig(**{"num-worker": 1, "tp": "8", "ep": 1, "dp-attn": "yes"}).tp
8
>>> SingleNodeSearchSpaceEntry(tp=8)
Traceback (most recent call last):
...
pydantic_core._pydantic_core.ValidationError: 1 validation error for SingleNodeSearchSpaceEntry
  Value error, Must specify either 'conc-list' list or both 'conc-start' and 'conc-end'. ...
"""

from __future__ import annotations

import pprint
from collections.abc import Callable
from typing import Annotated, Any, ClassVar, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from . import _rules as rules
from ._fields import Fields

__all__ = ["Fields", "ComponentMetadata", "KVOffloadBackendMetadata", "WorkerConfig", "SingleNodeMatrixEntry",
           "MultiNodeMatrixEntry", "SingleNodeAgenticMatrixEntry", "MultiNodeAgenticMatrixEntry",
           "SingleNodeSearchSpaceEntry", "MultiNodeSearchSpaceEntry", "AgenticCodingSearchSpaceEntry",
           "AgenticCodingConfig", "SingleNodeSeqLenConfig", "MultiNodeSeqLenConfig", "SingleNodeScenarios",
           "MultiNodeScenarios", "SingleNodeMasterConfigEntry", "MultiNodeMasterConfigEntry",
           "RunnerHardwareConfig", "RunnerConfig", "ChangelogEntry", "ChangelogMetadata", "ChangelogMatrixEntry",
           "validate_matrix_entry", "validate_agentic_matrix_entry", "validate_master_config",
           "validate_runner_config"]

SpecDecoding = Literal["mtp", "draft_model", "none"]
KVOffloading = Literal["none", "dram"]
PositiveStrictInt = Annotated[int, Field(gt=0, strict=True)]
Name = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    """Unknown keys are refused; ``after_rules`` (from :mod:`.rules`) run in order once every field passed."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    after_rules: ClassVar[tuple[Callable[[Any], object], ...]] = ()

    @model_validator(mode="after")
    def apply_rules(self) -> Any:
        for rule in self.after_rules:
            rule(self)
        return self


class _Hyphenated(_Strict):
    """Fields are read under their YAML names (``model-prefix``) or their Python names (``model_prefix``)."""

    model_config = ConfigDict(alias_generator=lambda name: name.replace("_", "-"), protected_namespaces=())


# Matrix rows (the generator's output).

class ComponentMetadata(_Hyphenated):
    """A runtime component (``router``): a non-empty name and the component's own version."""

    name: Name
    version: Name

    @field_validator("version")
    @classmethod
    def own_version(cls, version: str) -> str:
        rules.component_version(version)
        return version


class KVOffloadBackendMetadata(_Hyphenated):
    """A KV offload backend: a non-empty name, optionally its own version."""

    name: Name
    version: Optional[Name] = None

    @field_validator("version")
    @classmethod
    def own_version(cls, version: Optional[str]) -> Optional[str]:
        return rules.component_version(version)


class _Parallelism(_Hyphenated):
    pp: PositiveStrictInt = 1
    dcp_size: PositiveStrictInt = 1
    pcp_size: PositiveStrictInt = 1


class _Identity(_Hyphenated):
    image: str
    model: str
    model_prefix: str
    precision: str
    framework: str
    runner: str


class WorkerConfig(_Parallelism):
    """A prefill or decode worker pool of a multi-node entry."""

    num_worker: int
    tp: int
    ep: int
    dp_attn: bool
    hardware: Optional[Name] = None
    additional_settings: Optional[list[str]] = Field(default_factory=list)
    after_rules = (rules.tp_context,)


class _SingleNodeRow(_Hyphenated):
    """The parallelism a single-node row spells out in full."""

    tp: int
    pp: PositiveStrictInt
    dcp_size: PositiveStrictInt
    pcp_size: PositiveStrictInt
    ep: int
    dp_attn: bool


class SingleNodeMatrixEntry(_Identity, _SingleNodeRow):
    """A single-node fixed-seq-len row."""

    spec_decoding: SpecDecoding
    isl: int
    osl: int
    conc: Union[int, list[int]]
    max_model_len: int
    exp_name: str
    disagg: Literal[False]
    run_eval: bool
    eval_only: bool = False
    router: Optional[ComponentMetadata] = None
    recipe_fingerprint: Optional[str] = None  # set by utils/process_changelog.py before it validates
    after_rules = (rules.tp_context,)


class MultiNodeMatrixEntry(_Identity):
    """A multi-node fixed-seq-len row (``conc`` is a list)."""

    spec_decoding: SpecDecoding
    isl: int
    osl: int
    prefill: WorkerConfig
    decode: WorkerConfig
    conc: list[int]
    max_model_len: int
    exp_name: str
    disagg: bool
    run_eval: bool
    eval_only: bool = False
    eval_conc: Optional[int] = None
    eval_all_concs: bool = False
    router: Optional[ComponentMetadata] = None
    kv_p2p_transfer: Optional[Name] = None
    recipe_fingerprint: Optional[str] = None  # set by utils/process_changelog.py before it validates
    after_rules = (rules.hardware_pair, rules.disagg_transfer)


class _AgenticRow(_Identity):
    kv_offloading: KVOffloading
    kv_offload_backend: Optional[KVOffloadBackendMetadata] = None
    router: Optional[ComponentMetadata] = None
    total_cpu_dram_gb: Annotated[int, Field(ge=0)]
    duration: int
    exp_name: str
    scenario_type: str
    # Benchmark-only rows leave the eval fields out.
    run_eval: Optional[bool] = None
    eval_only: Optional[bool] = None
    recipe_fingerprint: Optional[str] = None  # set by utils/process_changelog.py before it validates


class SingleNodeAgenticMatrixEntry(_AgenticRow, _SingleNodeRow):
    """A single-node agentic-coding row (one concurrency)."""

    spec_decoding: SpecDecoding = "none"
    conc: int
    after_rules = (rules.kv_offload, rules.tp_context)


class MultiNodeAgenticMatrixEntry(_AgenticRow):
    """A multi-node agentic-coding row (``conc`` is a one-value list)."""

    spec_decoding: SpecDecoding
    prefill: WorkerConfig
    decode: WorkerConfig
    conc: list[int]
    kv_p2p_transfer: Optional[Name] = None
    disagg: bool
    eval_conc: Optional[int] = None
    after_rules = (rules.hardware_pair, rules.kv_offload, rules.disagg_transfer)


def _check_row(model: type[BaseModel], entry: dict[str, Any], kind: str) -> dict[str, Any]:
    try:
        model(**entry)
    except ValidationError as error:
        raise ValueError(f"The following parsed {kind} failed validation:\n{pprint.pformat(entry)}\n{error}") from None
    return entry


def validate_matrix_entry(entry: dict[str, Any], is_multinode: bool) -> dict[str, Any]:
    """Check one fixed-seq-len row; return it unchanged, or raise ValueError ``... failed validation``."""
    return _check_row(MultiNodeMatrixEntry if is_multinode else SingleNodeMatrixEntry, entry, "matrix entry")


def validate_agentic_matrix_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """Check one agentic row (multi-node when it has ``prefill``); return it unchanged or raise ValueError."""
    model = MultiNodeAgenticMatrixEntry if Fields.PREFILL.value in entry else SingleNodeAgenticMatrixEntry
    return _check_row(model, entry, "agentic matrix entry")


# Master configs (the generator's input).

class _Concurrency(_Hyphenated):
    conc_start: Optional[int] = None
    conc_end: Optional[int] = None
    conc_list: Optional[list[int]] = None


class SingleNodeSearchSpaceEntry(_Parallelism, _Concurrency):
    """A single-node fixed-seq-len search-space item."""

    tp: int
    ep: Optional[int] = None
    spec_decoding: SpecDecoding = "none"
    dp_attn: Optional[bool] = None
    router: Optional[ComponentMetadata] = None
    after_rules = (rules.concurrencies, rules.tp_context)


class MultiNodeSearchSpaceEntry(_Concurrency):
    """A multi-node fixed-seq-len search-space item: prefill and decode workers."""

    spec_decoding: SpecDecoding = "none"
    prefill: WorkerConfig
    decode: WorkerConfig
    router: Optional[ComponentMetadata] = None
    kv_p2p_transfer: Optional[Name] = None
    after_rules = (rules.concurrencies, rules.hardware_pair)


class AgenticCodingSearchSpaceEntry(_Parallelism, _Concurrency):
    """An agentic-coding search-space item: single-node (``tp``) or multi-node (``prefill`` + ``decode``)."""

    tp: Optional[int] = None
    ep: Optional[int] = None
    dp_attn: Optional[bool] = None
    spec_decoding: SpecDecoding = "none"
    prefill: Optional[WorkerConfig] = None
    decode: Optional[WorkerConfig] = None
    kv_offloading: Optional[KVOffloading] = None
    kv_offload_backend: Optional[KVOffloadBackendMetadata] = None
    router: Optional[ComponentMetadata] = None
    kv_p2p_transfer: Optional[Name] = None
    after_rules = (rules.concurrencies, rules.kv_offload, rules.agentic_topology)


class AgenticCodingConfig(_Hyphenated):
    """One agentic-coding scenario: its items and the DRAM share offloading may use."""

    search_space: list[AgenticCodingSearchSpaceEntry]
    dram_utilization: Optional[Annotated[float, Field(gt=0, le=1)]] = None
    after_rules = (rules.dram_utilization,)


class SingleNodeSeqLenConfig(_Hyphenated):
    """A fixed (isl, osl) pair and its single-node items."""

    isl: int
    osl: int
    search_space: list[SingleNodeSearchSpaceEntry]


class MultiNodeSeqLenConfig(_Hyphenated):
    """A fixed (isl, osl) pair and its multi-node items."""

    isl: int
    osl: int
    search_space: list[MultiNodeSearchSpaceEntry]


class SingleNodeScenarios(_Hyphenated):
    """The scenarios of a single-node entry: at least one non-empty list."""

    fixed_seq_len: Optional[list[SingleNodeSeqLenConfig]] = None
    agentic_coding: Optional[list[AgenticCodingConfig]] = None
    after_rules = (rules.at_least_one_scenario,)


class MultiNodeScenarios(_Hyphenated):
    """The scenarios of a multi-node entry: at least one non-empty list."""

    fixed_seq_len: Optional[list[MultiNodeSeqLenConfig]] = None
    agentic_coding: Optional[list[AgenticCodingConfig]] = None
    after_rules = (rules.at_least_one_scenario,)


_MASTER_RULES = (rules.agentic_runner, rules.component_scope)


class SingleNodeMasterConfigEntry(_Identity):
    """A master config entry with ``multinode: false``."""

    multinode: Literal[False]
    disagg: Literal[False] = False
    router: Optional[ComponentMetadata] = None
    scenarios: SingleNodeScenarios
    after_rules = _MASTER_RULES


class MultiNodeMasterConfigEntry(_Identity):
    """A master config entry with ``multinode: true``."""

    multinode: Literal[True]
    disagg: bool = False
    router: Optional[ComponentMetadata] = None
    kv_p2p_transfer: Optional[Name] = None
    scenarios: MultiNodeScenarios
    after_rules = _MASTER_RULES


def validate_master_config(master_configs: dict[str, Any]) -> dict[str, Any]:
    """Upstream's check of merged master configs with these models (the drop-in uses the pydantic-free twin)."""
    return rules.each_master_entry(master_configs, lambda multinode, entry: (
        MultiNodeMasterConfigEntry if multinode else SingleNodeMasterConfigEntry)(**entry))


# Runner config.

class RunnerHardwareConfig(_Hyphenated):
    """What generation needs to know about one runner label's nodes."""

    available_cpu_dram_mib: Annotated[int, Field(gt=0)]
    gpus_per_node: Annotated[int, Field(gt=0)]


class RunnerConfig(_Hyphenated):
    """``configs/runners.yaml``: label -> node names, and optional hardware facts per label."""

    labels: dict[str, list[str]]
    hardware: dict[str, RunnerHardwareConfig] = Field(default_factory=dict)


def validate_runner_config(runner_configs: dict[str, Any]) -> dict[str, Any]:
    """Upstream's runner config check with these models (the drop-in uses the pydantic-free twin)."""
    rules.runner_labels(runner_configs)
    try:
        RunnerConfig(**runner_configs)
    except ValidationError as error:
        raise ValueError(f"Runner config failed validation:\n{error}") from None
    return runner_configs


# The changelog contract (perf-changelog.yaml and the matrix handed to run-sweep.yml).

class ChangelogEntry(_Hyphenated):
    """One perf-changelog entry: which config keys to run and how."""

    config_keys: Annotated[list[str], Field(min_length=1)]
    description: Annotated[list[str], Field(min_length=1)]
    pr_link: str
    evals_only: bool = False
    all_evals: bool = False
    # read by utils/process_changelog.py at 843c6254f (entry.append_only, entry.eval_min_prefill_ep)
    append_only: bool = False
    eval_min_prefill_ep: Optional[int] = None
    scenario_type: Optional[Annotated[list[Literal["fixed-seq-len", "agentic-coding"]], Field(min_length=1)]] = None


class ChangelogMetadata(_Strict):
    """The refs compared and the changelog entries that produced a matrix."""

    base_ref: str
    head_ref: str
    entries: list[ChangelogEntry]


class ChangelogMatrixEntry(_Strict):
    """The matrix run-sweep.yml consumes: one bucket per job kind, so a row can only reach its own job."""

    single_node: dict[str, list[Union[SingleNodeMatrixEntry, SingleNodeAgenticMatrixEntry]]] = Field(
        default_factory=dict)
    multi_node: dict[str, list[Union[MultiNodeMatrixEntry, MultiNodeAgenticMatrixEntry]]] = Field(
        default_factory=dict)
    evals: list[SingleNodeMatrixEntry] = Field(default_factory=list)
    agentic_evals: list[SingleNodeAgenticMatrixEntry] = Field(default_factory=list)
    multinode_evals: list[MultiNodeMatrixEntry] = Field(default_factory=list)
    multinode_agentic_evals: list[MultiNodeAgenticMatrixEntry] = Field(default_factory=list)
    changelog_metadata: ChangelogMetadata
