"""Drop-in replacement for InferenceMAX's ``generate_sweep_configs.py``, lazy and batched.

Run it as ``python -m lazysweep.inferencemax SUBCOMMAND ...`` or
``lazysweep inferencemax SUBCOMMAND ...``, with upstream's subcommands
(``full-sweep``, ``test-config``, ``runner-model-sweep``, ``runner-sweep``,
``custom``) and flags; stdout is byte-identical to upstream's. Every
subcommand also takes ``--max-batch-size N`` (default 256),
``--batch-index K`` and ``--get-batch-count``.

Python code switches with one import line: this module has upstream's
public names and signatures. The generators return lazy sequences
(:class:`EntrySweep`): the merged master configs become an index space of
entry x seq-len-config x search-space item x concurrency, with the filters
pruning whole sub-spaces and the derived fields (``max-model-len``,
``exp-name``, defaults) filled in per point. A batch costs what the batch
holds, plus one pass over the configs; nothing builds the full list.

Beyond upstream: a search-space item may give ``conc-list: [..]`` instead of
``conc-start``/``conc-end``; where upstream hangs (``--step-size`` below 2,
``conc-start`` below 1) or crashes (no 1k1k seq-len-config in the runner
sweeps, a config file that is not a mapping) there is a clear error; a
duplicate key inside one YAML file is an error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from itertools import product, repeat
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from .axes import Axis, GeometricRange, ValuesAxis, value_key
from .batching import DEFAULT_BATCH_SIZE, batch_count
from .console import Parser, guard, write
from .errors import SweepError, UsageError
from .github import set_output
from .loader import load_document
from .space import Chain, Sweep

__all__ = [
    "seq_len_stoi",
    "seq_len_itos",
    "seq_len_to_str",
    "MatrixEntry",
    "validate_matrix_output",
    "validate_master_configs_structure",
    "load_config_files",
    "generate_full_sweep",
    "generate_test_config",
    "generate_runner_model_sweep_config",
    "generate_runner_sweep_config",
    "generate_custom_test",
    "EntrySweep",
    "main",
]

PROG = "generate_sweep_configs.py"

seq_len_stoi = {"1k1k": (1024, 1024), "1k8k": (1024, 8192), "8k1k": (8192, 1024)}
seq_len_itos = {lengths: name for name, lengths in seq_len_stoi.items()}


def seq_len_to_str(isl: int, osl: int) -> str:
    """The short name of a sequence-length pair (``1k1k``), else ``ISL_OSL``.

    >>> seq_len_to_str(1024, 8192), seq_len_to_str(2048, 128)
    ('1k8k', '2048_128')
    """
    return seq_len_itos.get((isl, osl), f"{isl}_{osl}")


# -- emitted entries ------------------------------------------------------------

# Key order of an emitted entry, per subcommand (upstream's dict literals).
_SWEEP_ORDER = ("image", "model", "precision", "framework", "runner", "isl", "osl",
                "tp", "conc", "max-model-len", "ep", "dp-attn", "exp-name")
_TEST_ORDER = ("image", "model", "precision", "framework", "runner", "isl", "osl",
               "tp", "ep", "dp-attn", "conc", "max-model-len", "exp-name")
_RUNNER_ORDER = ("image", "model", "precision", "framework", "runner", "isl", "osl",
                 "tp", "ep", "dp-attn", "conc", "exp-name", "max-model-len")

_ENTRY_TYPES = {
    "image": str, "model": str, "precision": str, "framework": str, "runner": str,
    "isl": int, "osl": int, "tp": int, "ep": int, "dp-attn": bool, "conc": int,
    "max-model-len": int, "exp-name": str,
}
_TRUE_WORDS = {"1", "on", "t", "true", "y", "yes"}
_FALSE_WORDS = {"0", "off", "f", "false", "n", "no"}


def _fits(value: Any, kind: type) -> bool:
    """Whether pydantic (lax mode) would accept ``value`` for a field of type ``kind``."""
    if kind is str:
        return isinstance(value, str)
    if kind is int:
        if isinstance(value, int):
            return True
        if isinstance(value, float):
            return value.is_integer()
        if isinstance(value, str):
            try:
                int(value.strip())
            except ValueError:
                return False
            return True
        return False
    if isinstance(value, bool):
        return True
    if isinstance(value, (int, float)):
        return value in (0, 1)
    return isinstance(value, str) and value.strip().lower() in _TRUE_WORDS | _FALSE_WORDS


def _entry_problems(fields: Mapping[str, Any]) -> list[str]:
    """What a pydantic MatrixEntry would refuse in ``fields`` (dashed names), or []."""
    problems = [f"{name}: missing" for name in _ENTRY_TYPES if name not in fields]
    for name, value in fields.items():
        kind = _ENTRY_TYPES.get(name)
        if kind is None:
            problems.append(f"{name}: extra field not permitted")
        elif type(value) is not kind and not _fits(value, kind):
            problems.append(f"{name}: expected {kind.__name__}, got {type(value).__name__} {value!r}")
    return problems


class MatrixEntry:
    """Validates one emitted entry, as upstream's pydantic model does, without pydantic.

    ``MatrixEntry(**entry)`` raises ValueError for a missing, extra or wrongly
    typed field; field names may be written with dashes or underscores.

    >>> MatrixEntry(image="i", model="m", precision="fp8", framework="vllm", runner="h100",
    ...             isl=1024, osl=1024, tp=8, ep=1, dp_attn=False, conc=4,
    ...             max_model_len=2048, exp_name="x").conc
    4
    """

    def __init__(self, **fields: Any) -> None:
        given = {name.replace("_", "-"): value for name, value in fields.items()}
        problems = _entry_problems(given)
        if problems:
            raise ValueError(f"{len(problems)} validation error(s) for MatrixEntry: " + "; ".join(problems))
        for name, value in given.items():
            setattr(self, name.replace("-", "_"), value)


def validate_matrix_output(matrix_values: Sequence[dict[str, Any]]) -> Sequence[dict[str, Any]]:
    """Check every entry with :class:`MatrixEntry`; return ``matrix_values`` unchanged.

    O(n) in the entries given: pass a batch to validate just the batch.
    """
    for index, entry in enumerate(matrix_values):
        try:
            MatrixEntry(**entry)
        except ValueError as error:
            raise ValueError(f"Matrix entry at index {index} failed validation: {error}") from None
    return matrix_values


# -- the lazy sequence -----------------------------------------------------------------


class _Run(Sweep):
    """Entries that differ in one field only: ``values`` in key order, ``axis`` at ``slot``.

    A product with one axis that varies; lighter to make than a :class:`Product`
    of single-value axes, which matters with 10^5 config entries.
    """

    __slots__ = ("keys", "values", "slot", "axis")

    def __init__(self, order: tuple[str, ...], fields: dict[str, Any], axis: Axis) -> None:
        self.keys, self.axis, self.slot = order, axis, order.index(axis.name)
        self.values = tuple(map({**fields, axis.name: None}.__getitem__, order))

    @property
    def count(self) -> int:
        return self.axis.size

    def _point(self, index: int) -> dict[str, Any]:
        values = list(self.values)
        values[self.slot] = self.axis[index]
        return dict(zip(self.keys, values))

    def _iter_range(self, start: int, stop: int) -> Iterator[dict[str, Any]]:
        fixed: list[Sequence[Any]] = [(value,) for value in self.values]
        fixed[self.slot] = self.axis.segment(start, stop)
        return map(dict, map(zip, repeat(self.keys), product(*fixed)))

    def _matches(self, point: Any, reverse: bool = False) -> Iterator[int]:
        if not isinstance(point, Mapping) or len(point) != len(self.keys) or any(k not in point for k in self.keys):
            return iter(())
        for slot, (key, value) in enumerate(zip(self.keys, self.values)):
            if slot != self.slot and value_key(point[key]) != value_key(value):
                return iter(())
        return iter(self.axis.positions(point[self.axis.name], reverse))

    def problems(self) -> Iterator[tuple[int, list[str]]]:
        """``(position, problems)`` of the entries a pydantic MatrixEntry would refuse.

        O(listed values): a listed axis has each value checked; a geometric
        range holds ints by construction, so its first and last are enough.
        """
        axis = self.axis
        positions = range(axis.size) if isinstance(axis, ValuesAxis) else (0, axis.size - 1)
        fields = dict(zip(self.keys, self.values))
        for position in positions:
            fields[axis.name] = axis[position]
            found = _entry_problems(fields)
            if found:
                yield position, found


class EntrySweep(Chain):
    """The entries a subcommand emits, as a lazy sequence (len, index, slice, iterate, ==).

    A chain of runs: the entries of one search-space item over its
    concurrencies, or of one config over runner nodes. ``count`` is O(1),
    ``entries[i]`` one bisect, a batch O(its size + runs it touches);
    ``index(entry)`` scans the runs, O(runs), never the entries.
    """

    __slots__ = ()
    parts: tuple[_Run, ...]

    def __init__(self, runs: Iterable[_Run]) -> None:
        super().__init__(run for run in runs if run.count)

    def validate(self) -> None:
        """:func:`validate_matrix_output` for every entry, in O(runs + listed values)."""
        for offset, run in zip(self._offsets, self.parts):
            for position, problems in run.problems():
                raise ValueError(f"Matrix entry at index {offset + position} failed validation: " + "; ".join(problems))


# -- loading and validating the configs ------------------------------------------------


def _load_yaml(path: str, missing_message: str) -> Any:
    if not os.path.exists(path):
        raise ValueError(missing_message)
    try:
        return load_document(path, positions=False).value  # upstream's messages carry no positions
    except SweepError as error:
        raise ValueError(str(error)) from None


def load_config_files(config_files: Sequence[str]) -> dict[str, Any]:
    """Load master config files and merge them in order; a key in two files is an error."""
    merged: dict[str, Any] = {}
    for config_file in config_files:
        data = _load_yaml(config_file, f"Input file '{config_file}' does not exist.")
        if not isinstance(data, dict):
            raise ValueError(f"Config file '{config_file}' must contain a dictionary")
        duplicates = merged.keys() & data.keys()
        if duplicates:
            raise ValueError(
                f"Duplicate configuration keys found in '{config_file}': {', '.join(sorted(duplicates))}"
            )
        merged.update(data)
    return merged


def _load_runner_config(path: str) -> dict[str, Any]:
    data = _load_yaml(path, f"Runner config file '{path}' does not exist.")
    if not isinstance(data, dict):
        raise ValueError(f"Runner config file '{path}' must contain a mapping of runner types to nodes")
    return data


_TOP_FIELDS = {"image": str, "model": str, "model-prefix": str, "precision": str,
               "framework": str, "runner": str, "seq-len-configs": list}
_ITEM_FIELDS = {"tp", "conc-start", "conc-end", "conc-list", "ep", "dp-attn"}


def _missing(mapping: dict[str, Any], field: str) -> bool:
    return mapping.get(field) is None


def validate_master_configs_structure(all_config_data: dict[str, Any]) -> None:
    """Check every entry as upstream does, with upstream's messages (ValueError).

    Also accepts ``conc-list`` in a search-space item instead of
    ``conc-start``/``conc-end``. O(size of the configs).
    """
    for key, entry in all_config_data.items():
        if not isinstance(entry, dict):
            raise ValueError(f"Entry for key '{key}' must be a mapping")
        for field, kind in _TOP_FIELDS.items():
            if _missing(entry, field):
                raise ValueError(f"Missing required field '{field}' for key '{key}'")
            if not isinstance(entry[field], kind):
                raise ValueError(
                    f"Field '{field}' must be {kind.__name__} for key '{key}', got {type(entry[field]).__name__}"
                )
        if not entry["seq-len-configs"]:
            raise ValueError(f"'seq-len-configs' must be a non-empty list for key '{key}'")
        for i, seq_config in enumerate(entry["seq-len-configs"]):
            where = f"seq-len-config[{i}] for key '{key}'"
            if not isinstance(seq_config, dict):
                raise ValueError(f"{where[0].upper()}{where[1:]} must be a mapping")
            for field in ("isl", "osl"):
                if _missing(seq_config, field):
                    raise ValueError(f"Missing '{field}' in {where}")
                if not isinstance(seq_config[field], int):
                    raise ValueError(f"'{field}' must be int in {where}")
            items = seq_config.get("search-space")
            if not items or not isinstance(items, list):
                raise ValueError(f"Missing or invalid 'search-space' in {where}")
            for j, item in enumerate(items):
                _validate_item(item, f"search-space[{j}] of {where}")


def _validate_item(item: Any, where: str) -> None:
    if not isinstance(item, dict):
        raise ValueError(f"Item {where} must be a mapping")
    extra = set(item) - _ITEM_FIELDS
    if extra:
        raise ValueError(f"Extra fields {extra} in {where}")
    uses_list = "conc-list" in item
    if uses_list and ("conc-start" in item or "conc-end" in item):
        raise ValueError(f"Cannot specify both 'conc-list' and 'conc-start'/'conc-end' in {where}")
    for field in ("tp",) if uses_list else ("tp", "conc-start", "conc-end"):
        if _missing(item, field):
            raise ValueError(f"Missing '{field}' in {where}")
        if not isinstance(item[field], int):
            raise ValueError(f"'{field}' must be int in {where}")
    if uses_list:
        concs = item["conc-list"]
        if not isinstance(concs, list) or not concs or not all(
            isinstance(c, int) and not isinstance(c, bool) and c >= 1 for c in concs
        ):
            raise ValueError(f"'conc-list' must be a non-empty list of positive ints in {where}")
    for field, kind in (("ep", int), ("dp-attn", bool)):
        if not _missing(item, field) and not isinstance(item[field], kind):
            raise ValueError(f"'{field}' must be {kind.__name__} in {where}")


# -- the subcommands' index spaces ----------------------------------------------------


def _arg(args: Any, name: str, default: Any = None) -> Any:
    return getattr(args, name, default)


def _seq_lens_filter(args: Any) -> set[tuple[int, int]] | None:
    names = _arg(args, "seq_lens")
    return {seq_len_stoi[name] for name in names} if names else None


def _item_fields(entry: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    """The fields every emitted entry of a search-space item shares."""
    ep, dp_attn = item.get("ep"), item.get("dp-attn")
    return {
        "image": entry["image"], "model": entry["model"], "precision": entry["precision"],
        "framework": entry["framework"], "runner": entry["runner"], "tp": item["tp"],
        "ep": 1 if ep is None else ep, "dp-attn": False if dp_attn is None else dp_attn,
    }


def _lowest_conc(item: dict[str, Any]) -> int:
    lowest: int = min(item["conc-list"]) if "conc-list" in item else item["conc-start"]
    return lowest


def _highest_tp(items: list[dict[str, Any]]) -> dict[str, Any]:
    return max(items, key=lambda item: item["tp"])  # the first of equals, as upstream


def _conc_axis(item: dict[str, Any], step_size: int, where: str) -> Axis:
    """The concurrencies of an item: upstream's multiply-and-clamp loop, as a lazy axis."""
    if "conc-list" in item:
        return ValuesAxis("conc", item["conc-list"])
    start, end = item["conc-start"], item["conc-end"]
    if start > end:
        return ValuesAxis("conc", ())
    if start < 1:
        raise ValueError(f"'conc-start' must be at least 1 in {where}, got {start} (upstream loops forever)")
    if start == end:
        return ValuesAxis("conc", (start,))
    if step_size < 2:
        raise ValueError(f"--step-size must be at least 2, got {step_size} (upstream loops forever)")
    return GeometricRange("conc", start, end, step_size)


def _sweep_runs(key: str, entry: dict[str, Any], args: Any, full_sweep: bool, runner: str | None = None) -> Iterator[_Run]:
    """The runs of one config entry, for full-sweep (``full_sweep``) or test-config."""
    test_mode = bool(_arg(args, "test_mode"))
    order = _SWEEP_ORDER if full_sweep and not test_mode else _TEST_ORDER
    seq_filter, step_size = _seq_lens_filter(args), _arg(args, "step_size", 2)
    for i, seq_config in enumerate(entry["seq-len-configs"]):
        isl, osl = seq_config["isl"], seq_config["osl"]
        if seq_filter and (isl, osl) not in seq_filter:
            continue
        suffix = "test" if test_mode and not full_sweep else seq_len_to_str(isl, osl)
        shared = {"isl": isl, "osl": osl, "max-model-len": isl + osl + (200 if full_sweep else 0),
                  "exp-name": f"{entry['model-prefix']}_{suffix}"}
        items = seq_config["search-space"]
        if test_mode and full_sweep:
            items = [_highest_tp(items)]
        for j, item in enumerate(items):
            fields = {**_item_fields(entry, item), **shared}
            if runner is not None:
                fields["runner"] = runner
            axis: Axis
            if test_mode:
                axis = ValuesAxis("conc", (_lowest_conc(item),))
            else:
                axis = _conc_axis(item, step_size, f"search-space[{j}] of seq-len-config[{i}] for key '{key}'")
            yield _Run(order, fields, axis)


def generate_full_sweep(args: Any, all_config_data: dict[str, Any]) -> EntrySweep:
    """Every entry x seq-len-config x search-space item x concurrency, filtered. Lazy."""
    runner_types = _arg(args, "runner_type")
    if runner_types:
        if not _arg(args, "runner_config"):
            raise ValueError("--runner-config is required when --runner-type is specified")
        valid = set(_load_runner_config(args.runner_config))
        invalid = set(runner_types) - valid
        if invalid:
            raise ValueError(
                f"Invalid runner type(s): {invalid}. Valid runner types are: {', '.join(sorted(valid))}"
            )
    prefixes, precisions = _arg(args, "model_prefix"), _arg(args, "precision")
    frameworks, seq_filter = _arg(args, "framework"), _seq_lens_filter(args)
    runs: list[_Run] = []
    for key, entry in all_config_data.items():
        if prefixes and not any(key.startswith(prefix) for prefix in prefixes):
            continue
        if (precisions and entry["precision"] not in precisions) or (
            frameworks and entry["framework"] not in frameworks
        ) or (runner_types and entry["runner"] not in runner_types):
            continue
        runs.extend(_sweep_runs(key, entry, args, full_sweep=True))
    sweep = EntrySweep(runs)
    if not sweep.count:
        message = "No configs found matching filters:"
        for label, value in (("model-prefix", prefixes), ("precision", precisions),
                             ("framework", frameworks), ("runner-type", runner_types)):
            if value:
                message += f" {label}={value}"
        if seq_filter:
            message += f" seq-lens={args.seq_lens}"
        raise ValueError(message)
    return sweep


def generate_test_config(args: Any, all_config_data: dict[str, Any]) -> EntrySweep:
    """One config key's sweep (or one entry per item with ``test_mode``). Lazy."""
    runner_config = _load_runner_config(args.runner_config)
    entry = all_config_data.get(args.key)
    if not entry:
        raise ValueError(f"Specified key '{args.key}' does not exist in config files.")
    nodes = runner_config.get(entry["runner"]) or []
    node = _arg(args, "runner_node")
    if node and node not in nodes:
        raise ValueError(
            f"Runner node '{node}' is not compatible with config '{args.key}' which runs on runner type "
            f"'{entry['runner']}'. Available runner nodes for this config are '{', '.join(nodes)}'."
        )
    return EntrySweep(list(_sweep_runs(args.key, entry, args, full_sweep=False, runner=node or None)))


def _runner_runs(entry: dict[str, Any], key: str, nodes: list[str], order: tuple[str, ...]) -> _Run:
    """One entry's 1k1k highest-tp item at its lowest concurrency, once per runner node."""
    target = next((c for c in entry["seq-len-configs"] if c["isl"] == 1024 and c["osl"] == 1024), None)
    if target is None:
        raise ValueError(f"Config '{key}' has no 1k1k seq-len-config (isl 1024, osl 1024) to test runners with")
    item = _highest_tp(target["search-space"])
    fields = {**_item_fields(entry, item), "isl": 1024, "osl": 1024, "conc": _lowest_conc(item),
              "max-model-len": 2048, "exp-name": f"{entry['model-prefix']}_test"}
    return _Run(order, fields, ValuesAxis("runner", nodes))


def _unknown_runner(runner: str, args: Any, runner_config: dict[str, Any]) -> ValueError:
    return ValueError(
        f"Runner '{runner}' does not exist in runner config '{args.runner_config}'. "
        f"Must choose from existing runner types: '{', '.join(map(str, runner_config))}'."
    )


def generate_runner_model_sweep_config(args: Any, all_config_data: dict[str, Any]) -> EntrySweep:
    """Every config of a runner type, smoke-tested once on each of its nodes. Lazy."""
    runner_config = _load_runner_config(args.runner_config)
    nodes = runner_config.get(args.runner_type)
    if not nodes:
        raise _unknown_runner(args.runner_type, args, runner_config)
    node_filter = _arg(args, "runner_node_filter")
    if node_filter:
        nodes = [node for node in nodes if node_filter in node]
        if not nodes:
            raise ValueError(
                f"No runner nodes found matching filter '{node_filter}' for runner type '{args.runner_type}'."
            )
    return EntrySweep([
        _runner_runs(entry, key, nodes, _TEST_ORDER)
        for key, entry in all_config_data.items()
        if entry["runner"] == args.runner_type
    ])


def generate_runner_sweep_config(args: Any, all_config_data: dict[str, Any]) -> EntrySweep:
    """Every config of a model prefix (and precision, framework) on each node of a runner type."""
    runner_config = _load_runner_config(args.runner_config)
    if not runner_config.get(args.runner_type):
        raise _unknown_runner(args.runner_type, args, runner_config)
    precision, framework = _arg(args, "precision"), _arg(args, "framework")
    runs = []
    for key, entry in all_config_data.items():
        if not key.startswith(args.model_prefix) or entry["runner"] != args.runner_type:
            continue
        if (precision and entry["precision"] != precision) or (framework and entry["framework"] != framework):
            continue
        runs.append(_runner_runs(entry, key, runner_config[entry["runner"]], _RUNNER_ORDER))
    sweep = EntrySweep(runs)
    if not sweep.count:
        message = f"No configs found matching model prefix '{args.model_prefix}'"
        if precision:
            message += f", precision '{precision}'"
        if framework:
            message += f", framework '{framework}'"
        raise ValueError(message + ".")
    return sweep


def generate_custom_test(args: Any) -> EntrySweep:
    """One 1k1k entry from the command line, on a runner type or node of the runner config."""
    runner_config = _load_runner_config(args.runner_config)
    label = args.runner_label
    if not any(label == runner or label in (nodes or ()) for runner, nodes in runner_config.items()):
        raise ValueError(f"Unable to find specified runner label '{label}'.")
    fields = {"image": args.image, "model": args.model, "precision": args.precision,
              "framework": args.framework, "runner": label, "isl": 1024, "osl": 1024, "tp": 8, "ep": 1,
              "dp-attn": False, "conc": 4, "exp-name": args.exp_name, "max-model-len": 2048}
    return EntrySweep([_Run(_RUNNER_ORDER, fields, ValuesAxis("conc", (4,)))])


_GENERATORS: dict[str, Callable[[Any, dict[str, Any]], EntrySweep]] = {
    "full-sweep": generate_full_sweep,
    "test-config": generate_test_config,
    "runner-model-sweep": generate_runner_model_sweep_config,
    "runner-sweep": generate_runner_sweep_config,
    "custom": lambda args, all_config_data: generate_custom_test(args),
}


# -- command line ----------------------------------------------------------------------


def _count_arg(minimum: int, name: str) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid int value: {text[:40]!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{name} must be at least {minimum}, got {value}")
        return value

    return parse


def _build_parser(prog: str) -> argparse.ArgumentParser:
    common = Parser(add_help=False)
    common.add_argument("--config-files", nargs="+", required=True, help="master config files (YAML)")
    common.add_argument("--max-batch-size", type=_count_arg(1, "max-batch-size"), default=DEFAULT_BATCH_SIZE,
                        help=f"entries per batch (default {DEFAULT_BATCH_SIZE}, GitHub Actions' matrix limit)")
    common.add_argument("--batch-index", type=_count_arg(0, "batch-index"),
                        help="print only this batch (0-based)")
    common.add_argument("--get-batch-count", action="store_true", help="print only the number of batches")
    common.add_argument("--github-output", metavar="NAME",
                        help="also append NAME=<compact JSON> of the output to $GITHUB_OUTPUT")
    common.add_argument("--debug", action="store_true", help="show a traceback on errors")

    parser = Parser(prog=prog, description="Generate benchmark configurations from YAML config files")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, parents=[common], help=help, description=help)

    sub = command("full-sweep", "every config, optionally filtered")
    sub.add_argument("--model-prefix", nargs="+", help="config keys starting with any of these")
    sub.add_argument("--precision", nargs="+")
    sub.add_argument("--framework", nargs="+")
    sub.add_argument("--runner-type", nargs="+", help="needs --runner-config")
    sub.add_argument("--runner-config")
    sub.add_argument("--seq-lens", nargs="+", choices=list(seq_len_stoi))
    sub.add_argument("--step-size", type=int, default=2, help="concurrency multiplier (default 2)")
    sub.add_argument("--test-mode", action="store_true", help="highest tp at its lowest concurrency only")

    sub = command("test-config", "one config key's sweep")
    sub.add_argument("--runner-config", required=True)
    sub.add_argument("--key", required=True)
    sub.add_argument("--runner-node")
    sub.add_argument("--seq-lens", nargs="+", choices=list(seq_len_stoi))
    sub.add_argument("--step-size", type=int, default=2)
    sub.add_argument("--test-mode", action="store_true")

    sub = command("runner-model-sweep", "every config of a runner type on each of its nodes")
    sub.add_argument("--runner-type", required=True)
    sub.add_argument("--runner-config", required=True)
    sub.add_argument("--runner-node-filter", help="only nodes containing this text")

    sub = command("runner-sweep", "one model's configs on each node of a runner type")
    sub.add_argument("--runner-type", required=True)
    sub.add_argument("--model-prefix", required=True)
    sub.add_argument("--precision")
    sub.add_argument("--framework")
    sub.add_argument("--runner-config", required=True)

    sub = command("custom", "one 1k1k entry from the command line")
    for option in ("--runner-label", "--image", "--model", "--framework", "--precision", "--exp-name",
                   "--runner-config"):
        sub.add_argument(option, required=True)
    return parser


def generate(args: argparse.Namespace) -> EntrySweep:
    """Load and validate ``args.config_files``, then run ``args.command``'s generator."""
    all_config_data = load_config_files(args.config_files)
    validate_master_configs_structure(all_config_data)
    return _GENERATORS[args.command](args, all_config_data)


def _write_entries(entries: Any) -> None:
    """``print(json.dumps(entries))`` for a lazy sequence, a chunk at a time."""
    encode = json.JSONEncoder().encode
    chunk: list[str] = []
    opening = "["
    for entry in entries:
        chunk.append(encode(entry))
        if len(chunk) == 1024:
            write(opening + ", ".join(chunk))
            opening, chunk = ", ", []
    write((opening + ", ".join(chunk) if chunk or opening == "[" else "") + "]\n")


def main(argv: Sequence[str] | None = None, prog: str = PROG) -> Any:
    """Run the command line (default ``sys.argv[1:]``): print, and return what was printed.

    Returns the entries (a lazy sequence, or the batch's list), or the batch
    count with ``--get-batch-count``. Errors go to stderr as one line and
    exit through SystemExit: 1 for bad configs, 2 for bad usage.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    printed: list[Any] = []
    status = guard(prog, lambda: _run(arguments, prog, printed), "--debug" in arguments, (ValueError,))
    if status:
        raise SystemExit(status)
    return printed[0] if printed else None


def _run(arguments: list[str], prog: str, printed: list[Any]) -> int:
    """Parse ``arguments``, generate, print; append what was printed to ``printed``."""
    args = _build_parser(prog).parse_args(arguments)
    entries = generate(args)
    entries.validate()
    batches = batch_count(entries.count, args.max_batch_size)
    if args.get_batch_count:
        _github_output(args, str(batches))
        write(f"{batches}\n")
        printed.append(batches)
    elif args.batch_index is not None:
        if args.batch_index >= batches:
            raise UsageError(f"Invalid batch-index {args.batch_index}. Valid range is 0 to {batches - 1}")
        output: Any = entries.batch(args.batch_index, args.max_batch_size)
        _github_output(args, output)
        write(json.dumps(output) + "\n")
        printed.append(output)
    else:
        _github_output(args, entries)
        _write_entries(entries)
        printed.append(entries)
    return 0


def _github_output(args: argparse.Namespace, value: Any) -> None:
    """With --github-output, append the output (compact JSON) to $GITHUB_OUTPUT first."""
    if args.github_output:
        text = value if isinstance(value, str) else json.dumps(list(value), separators=(",", ":"))
        set_output(args.github_output, text, "use --max-batch-size with --batch-index")


if __name__ == "__main__":
    main()
