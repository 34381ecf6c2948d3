"""InferenceX's cross-field config rules, written once for both validation engines.

Each rule reads a validated object's converted fields as attributes and
raises ``ValueError`` with upstream's message (``validation.py`` at
843c6254f). The pydantic-free engine (:mod:`.schema`, used by the drop-in)
and the optional pydantic models (:mod:`.models`) call the same functions
after their field checks, so the two cannot drift apart. Nothing here
imports pydantic.

Cost: each rule is O(1), except :func:`component_scope` and
:func:`dram_utilization`, which are O(search-space items).

>>> class Item:
...     conc_start, conc_end, conc_list = 64, 4, None
>>> concurrencies(Item())
Traceback (most recent call last):
...
ValueError: 'conc-start' (64) must be <= 'conc-end' (4).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

__all__ = ["CLUSTER_LABEL_PREFIX", "IMAGE_VERSION_ERROR", "component_version", "tp_context", "hardware_pair",
           "concurrencies", "kv_offload", "agentic_topology", "dram_utilization", "at_least_one_scenario",
           "agentic_runner", "component_scope", "disagg_transfer", "runner_labels", "each_master_entry"]

CLUSTER_LABEL_PREFIX = "cluster:"
IMAGE_VERSION_ERROR = ("component version must be a release, package version, or source commit, "
                       "not an image reference")


def component_version(version: str | None) -> str | None:
    """A component's own version, never its image (``image:...``)."""
    if version is not None and version.startswith("image:"):
        raise ValueError(IMAGE_VERSION_ERROR)
    return version


def tp_context(self: Any) -> Any:
    """``tp`` must be divisible by ``dcp-size`` (single-node items and workers)."""
    if self.tp % self.dcp_size != 0:
        raise ValueError(f"'tp' ({self.tp}) must be divisible by 'dcp-size' ({self.dcp_size})")
    return self


def hardware_pair(self: Any) -> Any:
    """Prefill and decode workers name their hardware together or not at all."""
    if bool(self.prefill.hardware) != bool(self.decode.hardware):
        raise ValueError("'hardware' must be specified for both 'prefill' and 'decode', or neither")
    return self


def concurrencies(self: Any) -> Any:
    """Either ``conc-list`` or ``conc-start`` + ``conc-end``; every value > 0, start <= end."""
    has_range = self.conc_start is not None and self.conc_end is not None
    has_list = self.conc_list is not None and len(self.conc_list) > 0
    if has_range and has_list:
        raise ValueError("Cannot specify both 'conc-list' list and 'conc-start'/'conc-end'. "
                         "Use either a list or a range, not both.")
    if not has_range and not has_list:
        raise ValueError("Must specify either 'conc-list' list or both 'conc-start' and 'conc-end'.")
    if has_range:
        if self.conc_start <= 0 or self.conc_end <= 0:
            raise ValueError("Input 'conc-start' and 'conc-end' must be greater than 0.")
        if self.conc_start > self.conc_end:
            raise ValueError(f"'conc-start' ({self.conc_start}) must be <= 'conc-end' ({self.conc_end}).")
    elif not all(value > 0 for value in self.conc_list):
        raise ValueError("Input 'conc-list' entries must be greater than 0.")
    return self


def kv_offload(self: Any) -> Any:
    """A KV offload backend exactly when ``kv-offloading`` is set and not ``none``."""
    backend = getattr(self, "kv_offload_backend", None)
    if self.kv_offloading is None:
        if backend is not None:
            raise ValueError("kv-offload-backend requires kv-offloading")
    elif self.kv_offloading == "none":
        if backend is not None:
            raise ValueError("kv-offload-backend can only be set when kv-offloading is not 'none'")
    elif backend is None:
        raise ValueError(f"kv-offload-backend is required when kv-offloading is '{self.kv_offloading}'")
    return self


def agentic_topology(self: Any) -> Any:
    """An agentic item is single-node (``tp`` and ``kv-offloading``) or multi-node (prefill + decode)."""
    any_worker = self.prefill is not None or self.decode is not None
    both_workers = self.prefill is not None and self.decode is not None
    if (self.tp is not None) + both_workers != 1 or (any_worker and not both_workers):
        raise ValueError("Agentic search-space entries must specify exactly one of tp, or both prefill and decode")
    if self.tp is not None:
        if self.kv_offloading is None:
            raise ValueError("Single-node agentic search-space entries must specify kv-offloading")
        return tp_context(self)
    if {"pp", "dcp_size", "pcp_size"} & self.model_fields_set:
        raise ValueError("Multinode agentic search-space entries cannot specify 'pp', 'dcp-size', 'pcp-size'")
    return hardware_pair(self)


def dram_utilization(self: Any) -> Any:
    """DRAM offloading needs ``dram-utilization`` on its agentic config."""
    if self.dram_utilization is None and any(item.kv_offloading == "dram" for item in self.search_space):
        raise ValueError("kv-offloading='dram' requires dram-utilization with runner hardware metadata")
    return self


def at_least_one_scenario(self: Any) -> Any:
    """``scenarios`` holds a non-empty ``fixed-seq-len`` or ``agentic-coding`` list."""
    if not self.fixed_seq_len and not self.agentic_coding:
        raise ValueError("At least one scenario type must be specified")
    return self


def agentic_runner(self: Any) -> Any:
    """Agentic master entries run on one exact ``cluster:`` label."""
    if self.scenarios.agentic_coding and not self.runner.startswith(CLUSTER_LABEL_PREFIX):
        raise ValueError(f"Agentic master configs must use a '{CLUSTER_LABEL_PREFIX}<name>' runner "
                         "so every point runs on one exact hardware fleet.")
    return self


def _items(self: Any) -> list[Any]:
    return [item for configs in (self.scenarios.fixed_seq_len, self.scenarios.agentic_coding)
            for config in configs or () for item in config.search_space]


def component_scope(self: Any) -> Any:
    """``router`` and ``kv-p2p-transfer`` live at one level; transfers are multi-node; disagg needs one."""
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
    return self


def disagg_transfer(self: Any) -> Any:
    """A disaggregated matrix row names its KV transfer."""
    if self.disagg and self.kv_p2p_transfer is None:
        raise ValueError("disagg=true requires kv-p2p-transfer")
    return self


def runner_labels(runner_configs: Any) -> None:
    """The checks upstream makes before the runner model: ``labels`` maps labels to non-empty string lists."""
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


def each_master_entry(master_configs: dict[str, Any], check: Callable[[bool, Any], object]) -> dict[str, Any]:
    """Call ``check(multinode, entry)`` on every entry (``multinode`` as upstream reads it: truthiness);
    a refusal (``ValueError``) becomes ``Master config entry 'k' failed validation:`` and its details."""
    for key, entry in master_configs.items():
        try:
            check(bool(entry.get("multinode", False)), entry)
        except ValueError as error:
            raise ValueError(f"Master config entry '{key}' failed validation:\n{error}") from None
    return master_configs
