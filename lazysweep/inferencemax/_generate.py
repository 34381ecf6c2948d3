"""The entries of InferenceMAX's (2025) subcommands, as lazy index spaces.

The merged master configs become an index space of entry x seq-len-config x
search-space item x concurrency, with the filters pruning whole sub-spaces
and the derived fields (``max-model-len``, ``exp-name``, defaults) filled in
per point. A batch costs what the batch holds plus one pass over the configs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import product, repeat

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from typing import Any

from .._axes import Axis, GeometricRange, ValuesAxis, value_key
from .._space import Chain, Sweep
from ._schema import entry_problems
from .validation import load_runner_config

__all__ = ["seq_len_stoi", "seq_len_itos", "seq_len_to_str", "EntrySweep", "generate_full_sweep",
           "generate_test_config", "generate_runner_model_sweep_config", "generate_runner_sweep_config",
           "generate_custom_test", "GENERATORS"]

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

    def _templated(self, start: int, stop: int) -> Iterator[tuple[dict[str, Any], tuple[str, ...], Iterable[Any]]]:
        """The entries ``start .. stop-1`` for the writer: one template, the varying field its hole."""
        yield dict(zip(self.keys, self.values)), (self.axis.name,), zip(self.axis.segment(start, stop))

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
            found = entry_problems(fields)
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
    """The concurrencies of an item: upstream's multiply-and-clamp loop, as a lazy axis.

    A range of ints from 1 up with a step of 2 or more is a lazy
    :class:`GeometricRange` (exact for numbers of any size); anything else
    (``conc-start: true``, a negative step) runs upstream's loop, which
    either ends after O(log(end/start)) values or provably never ends: a
    ValueError says which value repeats or that the values fall forever.
    """
    if "conc-list" in item:
        return ValuesAxis("conc", item["conc-list"])
    start, end = item["conc-start"], item["conc-end"]
    if start > end:
        return ValuesAxis("conc", ())
    if type(start) is int and start >= 1 and step_size >= 2 and start != end:
        return GeometricRange("conc", start, end, step_size)
    return ValuesAxis("conc", _listed_range(start, end, step_size, where))


def _listed_range(start: Any, end: Any, step: int, where: str) -> list[Any]:
    """Upstream's loop, refusing exactly the ranges on which it never ends."""
    values, seen, conc = [], set(), start
    while conc <= end:
        values.append(conc)
        if conc == end:
            break
        if conc in seen:
            raise ValueError(f"conc-start {start}, conc-end {end} and --step-size {step} in {where} never reach "
                             f"conc-end: {conc} comes back forever (upstream loops forever)")
        if conc < 0 and step >= 2:
            raise ValueError(f"conc-start {start}, conc-end {end} and --step-size {step} in {where} never reach "
                             f"conc-end: the values fall below {conc} forever (upstream loops forever)")
        seen.add(conc)
        conc *= step
        if conc > end:
            conc = end
    return values


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
        valid = set(load_runner_config(args.runner_config))
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
    runner_config = load_runner_config(args.runner_config)
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
    runner_config = load_runner_config(args.runner_config)
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
    runner_config = load_runner_config(args.runner_config)
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
    runner_config = load_runner_config(args.runner_config)
    label = args.runner_label
    if not any(label == runner or label in (nodes or ()) for runner, nodes in runner_config.items()):
        raise ValueError(f"Unable to find specified runner label '{label}'.")
    fields = {"image": args.image, "model": args.model, "precision": args.precision,
              "framework": args.framework, "runner": label, "isl": 1024, "osl": 1024, "tp": 8, "ep": 1,
              "dp-attn": False, "conc": 4, "exp-name": args.exp_name, "max-model-len": 2048}
    return EntrySweep([_Run(_RUNNER_ORDER, fields, ValuesAxis("conc", (4,)))])


GENERATORS: dict[str, Callable[[Any, dict[str, Any]], EntrySweep]] = {
    "full-sweep": generate_full_sweep,
    "test-config": generate_test_config,
    "runner-model-sweep": generate_runner_model_sweep_config,
    "runner-sweep": generate_runner_sweep_config,
    "custom": lambda args, all_config_data: generate_custom_test(args),
}


