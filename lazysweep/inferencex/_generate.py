"""The rows InferenceX's generator emits, as lazy index spaces (upstream 843c6254f).

One pass over the config keys, their scenarios and search-space items makes
one :class:`~lazysweep.inferencex._rows.Segment` per item: the item's raw fields, its concurrencies and
the runner nodes it runs on. A segment's rows are the product concurrency x
node (node x concurrency for multi-node agentic rows; one row per node, with
the whole list, for multi-node fixed rows), decoded from an index on demand.
The walk mirrors upstream's loops statement for statement, so filters,
defaults, loose YAML values and the crashes they cause come out the same.

Cost: O(search-space items + their concurrencies + runner nodes); no row is
built until asked for.
"""

from __future__ import annotations

import fnmatch
from decimal import Decimal

from ._evals import plan
from ._rows import Rows, Segment
from .validation import DEFAULT_AGENTIC_DURATION_SECONDS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

__all__ = ["seq_len_stoi", "seq_len_itos", "seq_len_to_str", "full_sweep_segments",
           "test_config_segments", "generate_full_sweep", "generate_test_config_sweep", "expand_config_keys",
           "apply_node_type_defaults"]

seq_len_stoi = {"1k1k": (1024, 1024), "8k1k": (8192, 1024)}
seq_len_itos = {lengths: name for name, lengths in seq_len_stoi.items()}
BYTES_PER_MIB = 1024 * 1024
BYTES_PER_GB = 1_000_000_000
MAX_AGENTIC_AVAILABLE_CPU_DRAM_MIB = 2_861_022
AGENTIC = "agentic-coding"

_SINGLE_FIXED = ("image", "model", "model-prefix", "precision", "framework", "runner", "isl", "osl", "tp", "pp",
                 "dcp-size", "pcp-size", "conc", "max-model-len", "ep", "dp-attn", "spec-decoding", "exp-name",
                 "disagg", "run-eval")
_MULTI_FIXED = ("image", "model", "model-prefix", "precision", "framework", "runner", "isl", "osl",
                "spec-decoding", "prefill", "decode", "conc", "max-model-len", "exp-name", "disagg", "run-eval")
_SINGLE_AGENTIC = ("image", "model", "model-prefix", "precision", "framework", "runner", "tp", "pp", "dcp-size",
                   "pcp-size", "ep", "dp-attn", "spec-decoding", "conc", "kv-offloading", "total-cpu-dram-gb",
                   "duration", "exp-name", "scenario-type")
_MULTI_AGENTIC = ("image", "model", "model-prefix", "precision", "framework", "runner", "spec-decoding", "prefill",
                  "decode", "conc", "kv-offloading", "total-cpu-dram-gb", "duration", "exp-name", "disagg",
                  "scenario-type")


def seq_len_to_str(isl: int, osl: int) -> str:
    """The short name of a sequence-length pair, else ``ISL_OSL``.

    >>> seq_len_to_str(8192, 1024), seq_len_to_str(2048, 128)
    ('8k1k', '2048_128')
    """
    return seq_len_itos.get((isl, osl), f"{isl}_{osl}")


def _geometric(start: Any, end: Any, step: Any) -> list[Any]:
    """Upstream's concurrency loop: start, times ``step``, clamped to ``end``, ``end`` last."""
    values = []
    conc = start
    while conc <= end:
        values.append(conc)
        if conc == end:
            break
        conc *= step
        if conc > end:
            conc = end
    return values


def _item_range(item: dict[str, Any], step: Any, by_presence: bool) -> Any:
    present = "conc-list" in item if by_presence else item.get("conc-list")
    if present:
        return item["conc-list"]
    return _geometric(item["conc-start"], item["conc-end"], step)


def _with_parallel_defaults(worker: dict[str, Any]) -> dict[str, Any]:
    return {**worker, "pp": worker.get("pp", 1), "dcp-size": worker.get("dcp-size", 1),
            "pcp-size": worker.get("pcp-size", 1)}


def _metadata(item: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    found = {}
    for field in ("router", "kv-p2p-transfer"):
        value = item.get(field, entry.get(field))
        if value is not None:
            found[field] = value
    return found


def _hardware_int(runner: str, runner_data: dict[str, Any], field: str) -> Any:
    hardware = runner_data.get("hardware", {})
    value = hardware.get(runner, {}).get(field)
    if value is None:
        raise ValueError(f"Runner '{runner}' requires '{field}' in runner hardware metadata. "
                         f"Available hardware keys: {', '.join(sorted(hardware))}")
    return value


def _worker_gpus(worker: dict[str, Any], gpus_per_node: Any) -> Any:
    gpus = worker["tp"] * worker.get("pp", 1) * worker.get("pcp-size", 1)
    if gpus > gpus_per_node:
        if gpus % gpus_per_node != 0:
            raise ValueError(f"worker tp*pp*pcp-size={gpus} spans multiple nodes but is not a multiple "
                             f"of gpus-per-node={gpus_per_node}")
        return gpus_per_node
    if gpus_per_node % gpus != 0:
        raise ValueError(f"worker tp*pp*pcp-size={gpus} does not divide gpus-per-node={gpus_per_node} evenly")
    return gpus


def _dram_gb(config: dict[str, Any], item: dict[str, Any], runner: str, runner_data: dict[str, Any]) -> Any:
    """The DRAM offload budget (GB, truncated) of one agentic item; 0 without ``kv-offloading: dram``."""
    if item.get("kv-offloading", "none") != "dram":
        return 0
    available = min(_hardware_int(runner, runner_data, "available-cpu-dram-mib"), MAX_AGENTIC_AVAILABLE_CPU_DRAM_MIB)
    utilization = Decimal(str(config["dram-utilization"]))
    per_node = _hardware_int(runner, runner_data, "gpus-per-node")
    if "prefill" in item:
        gpus = _worker_gpus(item["prefill"], per_node)
    else:
        gpus = item["tp"] * item.get("pp", 1) * item.get("pcp-size", 1)
        if gpus > per_node:
            raise ValueError(f"tp={item['tp']} with pp={item.get('pp', 1)} and pcp-size={item.get('pcp-size', 1)} "
                             f"requires {gpus} GPUs and exceeds gpus-per-node={per_node} for runner '{runner}'")
    return int(Decimal(available) * BYTES_PER_MIB * utilization * gpus / per_node / BYTES_PER_GB)


def _identity(entry: dict[str, Any]) -> dict[str, Any]:
    return {field: entry[field] for field in ("image", "model", "model-prefix", "precision", "framework", "runner")}


def _fixed_segment(entry: dict[str, Any], item: dict[str, Any], isl: Any, osl: Any, concs: list[Any],
                   nodes: list[Any], ep: Any = None) -> Segment:
    """The rows of one fixed-seq-len item (``ep`` already lowered by --max-ep, single-node)."""
    disagg = entry.get("disagg", False)
    fields = {**_identity(entry), "isl": isl, "osl": osl}
    prefix = entry["model-prefix"]
    spec = item.get("spec-decoding", "none")
    if entry.get("multinode", False):
        prefill, decode = _with_parallel_defaults(item["prefill"]), _with_parallel_defaults(item["decode"])
        fields.update({"spec-decoding": spec, "prefill": prefill, "decode": decode, "conc": None,
                       "max-model-len": isl + osl + 256, "exp-name": f"{prefix}_{seq_len_to_str(isl, osl)}",
                       "disagg": disagg, "run-eval": False})
        kind = "mn"
    else:
        dp_attn = item.get("dp-attn")
        fields.update({"tp": item["tp"], "pp": item.get("pp", 1), "dcp-size": item.get("dcp-size", 1),
                       "pcp-size": item.get("pcp-size", 1), "conc": None, "max-model-len": isl + osl + 256,
                       "ep": 1 if ep is None else ep, "dp-attn": False if dp_attn is None else dp_attn,
                       "spec-decoding": spec, "exp-name": f"{prefix}_{seq_len_to_str(isl, osl)}",
                       "disagg": disagg, "run-eval": False})
        kind = "sn"
    fields.update(_metadata(item, entry))
    return Segment(kind, fields, concs, nodes)


def _kv_suffix(kv_offloading: Any, backend: Any) -> str:
    return "kvnone" if kv_offloading == "none" else f"kv{kv_offloading}-{backend['name']}"


def _worker_tag(worker: dict[str, Any], role: str) -> str:
    ep, dpa = worker.get("ep", 1), worker.get("dp-attn", False)
    return f"{role}{worker['num-worker']}x{worker['tp']}" + (f"ep{ep}" if ep != 1 else "") + ("dpa" if dpa else "")


class _AgenticItem:
    """An agentic item's fields before its concurrencies are known (the DRAM budget is computed first)."""

    def __init__(self, entry: dict[str, Any], config: dict[str, Any], item: dict[str, Any],
                 runner_data: dict[str, Any]) -> None:
        self.entry, self.item = entry, item
        self.multinode = entry.get("multinode", False)
        if self.multinode:
            self.workers = (_with_parallel_defaults(item["prefill"]), _with_parallel_defaults(item["decode"]))
            self.kv_offloading = item.get("kv-offloading", "none")
        else:
            self.kv_offloading = item["kv-offloading"]
        self.spec = item.get("spec-decoding", "none")
        self.backend = item.get("kv-offload-backend")
        self.dram_gb = _dram_gb(config, item, entry["runner"], runner_data)

    def segment(self, concs: list[Any], nodes: list[Any]) -> Segment:
        entry, item, prefix = self.entry, self.item, self.entry["model-prefix"]
        fields = _identity(entry)
        if self.multinode:
            prefill, decode = self.workers
            fields.update({"spec-decoding": self.spec, "prefill": prefill, "decode": decode, "conc": None,
                           "kv-offloading": self.kv_offloading, "total-cpu-dram-gb": self.dram_gb,
                           "duration": DEFAULT_AGENTIC_DURATION_SECONDS, "exp-name": None,
                           "disagg": entry.get("disagg", False), "scenario-type": AGENTIC})
            suffix = "" if self.kv_offloading == "none" else f"_{_kv_suffix(self.kv_offloading, self.backend)}"
            name = (f"{prefix}_{_worker_tag(prefill, 'p')}_{_worker_tag(decode, 'd')}_conc", suffix)
            kind = "ma"
        else:
            ep, dp_attn, tp = item.get("ep"), item.get("dp-attn"), item["tp"]
            fields.update({"tp": tp, "pp": item.get("pp", 1), "dcp-size": item.get("dcp-size", 1),
                           "pcp-size": item.get("pcp-size", 1), "ep": 1 if ep is None else ep,
                           "dp-attn": False if dp_attn is None else dp_attn, "spec-decoding": self.spec,
                           "conc": None, "kv-offloading": self.kv_offloading, "total-cpu-dram-gb": self.dram_gb,
                           "duration": DEFAULT_AGENTIC_DURATION_SECONDS, "exp-name": None,
                           "scenario-type": AGENTIC})
            spec = f"_spec-{self.spec}" if self.spec != "none" else ""
            name = (f"{prefix}_tp{tp}_conc", f"_{_kv_suffix(self.kv_offloading, self.backend)}{spec}")
            kind = "sa"
        if self.backend is not None:
            fields["kv-offload-backend"] = self.backend
        fields.update(_metadata(item, entry))
        return Segment(kind, fields, concs, nodes, name)


def _scenario_configs(entry: dict[str, Any], scenario: str, scenario_filter: Any) -> Any:
    if scenario_filter is None or scenario in scenario_filter:
        return entry["scenarios"].get(scenario, [])
    return []


def _labels(runner_data: dict[str, Any]) -> dict[str, Any]:
    labels: dict[str, Any] = runner_data["labels"]
    return labels


def full_sweep_segments(args: Any, all_config_data: dict[str, Any], runner_data: dict[str, Any]) -> Iterator[Segment]:
    """Upstream's ``generate_full_sweep`` walk, one segment per item that emits rows."""
    if args.step_size <= 1:
        raise ValueError("step_size must be greater than 1")
    if args.min_conc is not None and args.max_conc is not None and args.min_conc > args.max_conc:
        raise ValueError("min_conc must be less than or equal to max_conc")
    if args.runner_type:
        valid = set(_labels(runner_data).keys())
        invalid = set(args.runner_type) - valid
        if invalid:
            raise ValueError(f"Invalid runner type(s): {invalid}. Valid runner types are: {', '.join(sorted(valid))}")
    seq_filter = {seq_len_stoi[name] for name in args.seq_lens} if args.seq_lens else None
    scenario_filter = set(args.scenario_type) if getattr(args, "scenario_type", None) else None
    for key, entry in all_config_data.items():
        if args.model_prefix and not any(key.startswith(prefix) for prefix in args.model_prefix):
            continue
        if (args.precision and entry["precision"] not in args.precision) or (
            args.framework and entry["framework"] not in args.framework
        ) or (args.runner_type and entry["runner"] not in args.runner_type):
            continue
        multinode = entry.get("multinode", False)
        fixed = _scenario_configs(entry, "fixed-seq-len", scenario_filter)
        runner = entry["runner"]
        nodes = [runner]
        if args.runner_node_filter:
            nodes = [node for node in _labels(runner_data).get(runner, []) if args.runner_node_filter in node]
            if not nodes:
                continue
        for seq_config in fixed:
            isl, osl = seq_config["isl"], seq_config["osl"]
            if seq_filter and (isl, osl) not in seq_filter:
                continue
            for item in seq_config["search-space"]:
                if (multinode and not args.multi_node) or (not multinode and not args.single_node):
                    continue
                found = (_multi_node_concs if multinode else _single_node_concs)(item, args)
                if found is not None:
                    yield _fixed_segment(entry, item, isl, osl, found[0], nodes, found[1])
        agentic = _scenario_configs(entry, AGENTIC, scenario_filter)
        if (multinode and not args.multi_node) or (not multinode and not args.single_node):
            continue
        for config in agentic:
            for item in config["search-space"]:
                made = _AgenticItem(entry, config, item, runner_data)
                concs = _item_range(item, args.step_size, by_presence=False)
                if args.min_conc is not None:
                    concs = [conc for conc in concs if conc >= args.min_conc]
                if args.max_conc is not None:
                    concs = [conc for conc in concs if conc <= args.max_conc]
                if concs:
                    yield made.segment(concs, nodes)


def _listed_concs(concs: list[Any], args: Any, refuse_non_positive_max: bool) -> list[Any] | None:
    """Listed concurrencies under --min-conc (a filter) and --max-conc (a filter that falls back to
    ``[max-conc]``), or None to skip the item; single-node lists refuse a non-positive --max-conc first."""
    if args.min_conc is not None:
        if args.min_conc <= 0:
            return None
        concs = [conc for conc in concs if conc >= args.min_conc]
        if not concs:
            return None
    if args.max_conc is not None:
        if refuse_non_positive_max and args.max_conc <= 0:
            return None
        kept = [conc for conc in concs if conc <= args.max_conc]
        if not kept and args.max_conc <= 0:
            return None
        concs = kept or [args.max_conc]
    return concs


def _multi_node_concs(item: dict[str, Any], args: Any) -> tuple[list[Any], None] | None:
    """A multi-node fixed item's concurrencies under --min-conc/--max-conc, or None to skip it."""
    concs = _listed_concs(_item_range(item, args.step_size, by_presence=False), args, False)
    return None if concs is None else (concs, None)


def _single_node_concs(item: dict[str, Any], args: Any) -> tuple[list[Any], Any] | None:
    """A single-node fixed item's concurrencies and ep under the filters, or None to skip it."""
    tp, ep = item["tp"], item.get("ep")
    if args.max_tp is not None and (args.max_tp <= 0 or tp > args.max_tp):
        return None
    if args.max_ep is not None:
        if args.max_ep <= 0:
            return None
        if ep is not None and ep > args.max_ep:
            ep = args.max_ep
    listed = item.get("conc-list")
    if listed:
        concs = _listed_concs(list(listed), args, True)
        return None if concs is None else (concs, ep)
    start, end = item["conc-start"], item["conc-end"]
    if args.min_conc is not None:
        if args.min_conc <= 0 or end < args.min_conc:
            return None
        start = max(start, args.min_conc)
    if args.max_conc is not None:
        if args.max_conc <= 0:
            return None
        if start > args.max_conc:
            start = end = args.max_conc
        else:
            end = min(end, args.max_conc)
    return _geometric(start, end, args.step_size), ep


def _test_nodes(runner: str, runner_data: dict[str, Any], node_filter: str | None) -> list[str]:
    if not node_filter:
        return [runner]
    candidates = _labels(runner_data).get(runner, [])
    if node_filter in runner:
        candidates = [runner, *candidates]
    return list(dict.fromkeys(node for node in candidates if node_filter in node))


def expand_config_keys(config_keys: list[str], available_keys: Any) -> list[str]:
    """Resolve exact keys and ``*``/``?`` globs against the merged keys, in order, without repeats.

    >>> expand_config_keys(["b", "a*", "b"], ["a1", "b", "a2"])
    ['b', 'a1', 'a2']
    """
    available = list(available_keys)
    seen: dict[str, None] = {}
    for key in config_keys:
        if "*" in key or "?" in key:
            matches = fnmatch.filter(available, key)
            if not matches:
                raise ValueError(f"Pattern '{key}' matched no config keys.\n"
                                 f"Available keys: {', '.join(sorted(available))}")
            seen.update(dict.fromkeys(matches))
        else:
            if key not in available:
                raise ValueError(f"Config key(s) not found: {key}.\nAvailable keys: {', '.join(sorted(available))}")
            seen.setdefault(key, None)
    return list(seen)


def test_config_segments(args: Any, all_config_data: dict[str, Any],
                         runner_data: dict[str, Any] | None = None) -> Iterator[Segment]:
    """Upstream's ``generate_test_config_sweep`` walk: the given keys, concurrencies always doubling."""
    keys = expand_config_keys(args.config_keys, all_config_data.keys())
    runner_data = runner_data or {}
    wanted = getattr(args, "conc", None)
    for key in keys:
        entry = all_config_data[key]
        nodes = _test_nodes(entry["runner"], runner_data, getattr(args, "runner_node_filter", None))
        if not nodes:
            continue
        seq_filter = {seq_len_stoi[name] for name in args.seq_lens} if getattr(args, "seq_lens", None) else None
        scenario_filter = set(args.scenario_type) if getattr(args, "scenario_type", None) else None
        for seq_config in _scenario_configs(entry, "fixed-seq-len", scenario_filter):
            isl, osl = seq_config["isl"], seq_config["osl"]
            if seq_filter and (isl, osl) not in seq_filter:
                continue
            for item in seq_config["search-space"]:
                concs = _item_range(item, 2, by_presence=True)
                if wanted:
                    concs = [conc for conc in concs if conc in wanted]
                    if not concs:
                        continue
                yield _fixed_segment(entry, item, isl, osl, concs, nodes, item.get("ep"))
        for config in _scenario_configs(entry, AGENTIC, scenario_filter):
            for item in config["search-space"]:
                made = _AgenticItem(entry, config, item, runner_data)
                concs = _item_range(item, 2, by_presence=False)
                if wanted:
                    concs = [conc for conc in concs if conc in wanted]
                if concs:
                    yield made.segment(concs, nodes)


def _unmarked(segments: Iterator[Segment]) -> Rows:
    return plan(list(segments), no_evals=True)


def generate_full_sweep(args: Any, all_config_data: dict[str, Any], runner_data: dict[str, Any]) -> Rows:
    """Upstream's ``generate_full_sweep``: the filtered rows, before eval marking, as a lazy sequence."""
    return _unmarked(full_sweep_segments(args, all_config_data, runner_data))


def generate_test_config_sweep(args: Any, all_config_data: dict[str, Any],
                               runner_data: dict[str, Any] | None = None) -> Rows:
    """Upstream's ``generate_test_config_sweep``: the rows of the given keys, before eval marking, lazily."""
    return _unmarked(test_config_segments(args, all_config_data, runner_data))


def apply_node_type_defaults(args: Any) -> Any:
    """Neither --single-node nor --multi-node means both."""
    if hasattr(args, "single_node") and hasattr(args, "multi_node") and not args.single_node and not args.multi_node:
        args.single_node = args.multi_node = True
    return args
