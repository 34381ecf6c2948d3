"""The drop-in's lazysweep additions for InferenceX's e2e workflow: a family, its priorities, a re-run.

Upstream's ``get-jobs`` builds the whole list, splits it into families and
scores each with ``utils/ci_priority.py``. These flags do the same for one
batch of one family, so that a batch job needs nothing but its own rows:

- ``--family NAME``: only the rows of upstream's inline filter NAME
  (:data:`~lazysweep.inferencex._families.FAMILIES`);
- ``--only RANGES``: only these rows of the output (family indices with
  ``--family``), as ``collect`` names the missing ones: ``3-5,17``;
- ``--priority-policy FILE`` (with ``--event-name``, ``--labels-json``,
  ``--queue-namespace``, ``--pr-number``, as ``ci_priority.py`` takes them):
  add ``priority`` and ``queue-token`` from each row's index in the output
  (the family), as upstream's unbatched pipeline does;
- ``--with-family-index``: add ``family-index``, that index;
- ``--collect DIR...`` (``--aggregate NAME``): instead of printing rows, check
  the result artifacts against every family's rows (:mod:`._collect`).

The ``rows FILE`` subcommand (also a lazysweep addition) takes its rows from a JSON
list instead of the configs: the rows ``utils/process_changelog.py`` made, which
no generator command rebuilds; the same flags batch them.

Without any of them the output is upstream's, unchanged. All of them keep
the output lazy: batches and counts cost what they do without them.
"""

from __future__ import annotations

import os

from .._space import Sweep

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Iterator
    from typing import Any

__all__ = ["add_family_flags", "add_rows_command", "listed_rows", "workflow_rows", "collect_rows"]

_NAMES = ("single-node", "multi-node", "multi-node-eval", "agentic", "agentic-eval", "multi-node-agentic",
          "multi-node-agentic-eval")


def add_family_flags(parser: argparse.ArgumentParser) -> None:
    """Add the family flags (lazysweep additions, outside upstream's interface) to a parser."""
    group = parser.add_argument_group("lazysweep additions for the e2e workflow")
    group.add_argument("--family", choices=_NAMES, help="only the rows of this e2e-tests.yml family")
    group.add_argument("--only", metavar="RANGES", help="only these rows (of the family), e.g. 3-5,17")
    group.add_argument("--with-family-index", action="store_true", help="add each row's family-index")
    group.add_argument("--priority-policy", metavar="FILE",
                       help="add priority and queue-token as utils/ci_priority.py --policy FILE does")
    group.add_argument("--event-name", default="", help="ci_priority.py's --event-name")
    group.add_argument("--labels-json", default="[]", help="ci_priority.py's --labels-json")
    group.add_argument("--queue-namespace", default="local", help="ci_priority.py's --queue-namespace")
    group.add_argument("--pr-number", type=int, help="ci_priority.py's --pr-number")
    group.add_argument("--collect", nargs="+", metavar="DIR",
                       help="check the downloaded result artifacts in DIR...: every row of each family "
                            "(or of --family) ran exactly once; print the missing rows and their rerun-json")
    group.add_argument("--aggregate", metavar="NAME",
                       help="with --collect, also write agg_NAME.json as utils/collect_results.py DIR NAME does")


def add_rows_command(commands: Any) -> None:
    """Add the ``rows FILE`` subcommand: a JSON list of rows, batched and split like the generator's."""
    from .. import _dropin as dropin

    sub = commands.add_parser("rows", help="rows from a JSON list (lazysweep addition), e.g. process_changelog's")
    sub.add_argument("file", metavar="FILE", help="a JSON list of rows")
    sub.add_argument("--runner-config", default="configs/runners.yaml", help="runner config, for --collect")
    dropin.add_batching_flags(sub)
    add_family_flags(sub)


def listed_rows(path: str) -> Sweep:
    """The rows of a JSON list file, as a sweep (the list is read whole: it already exists)."""
    import json

    from .._space import Chain

    try:
        with open(path) as source:
            rows = json.load(source)
    except OSError as error:
        raise ValueError(f"{path}: {error.strerror}") from None
    except ValueError as error:
        raise ValueError(f"{path}: not JSON: {error}") from None
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise ValueError(f"{path}: expected a JSON list of rows (objects)")
    return Chain([_Row(row) for row in rows])


class _Row(Sweep):
    """One row of a list, a part of its own (so a family is decided row by row)."""

    __slots__ = ("row",)

    def __init__(self, row: dict[str, Any]) -> None:
        self.row = row

    @property
    def count(self) -> int:
        return 1

    def _point(self, index: int) -> dict[str, Any]:
        return dict(self.row)

    def _iter_range(self, start: int, stop: int) -> Iterator[dict[str, Any]]:
        return (dict(self.row) for _ in range(start, stop))

    def _matches(self, point: Any, reverse: bool = False) -> Iterator[int]:
        return iter((0,) if point == self.row else ())


def workflow_rows(args: argparse.Namespace, rows: Sweep) -> Sweep:
    """``rows`` narrowed and annotated as the flags ask (``rows`` itself without them). Lazy."""
    family = getattr(args, "family", None)
    only = getattr(args, "only", None)
    policy = getattr(args, "priority_policy", None)
    with_index = getattr(args, "with_family_index", False)
    if not (family or only is not None or policy or with_index):
        return rows
    from .._errors import UsageError
    from .._selection import Ranges, select
    from ._families import Annotated, family_rows

    chosen: Sweep = family_rows(rows, family) if family else rows
    index_of = _identity
    if only is not None:
        try:
            ranges = Ranges.parse(only)
            chosen = select(chosen, ranges)
        except (ValueError, IndexError) as error:
            raise UsageError(f"--only {only[:60]}: {error}") from None
        index_of = ranges.position
    priority = None
    if policy:
        from ._priority import Priority

        priority = Priority.from_flags(policy, args.event_name, args.labels_json, args.queue_namespace,
                                       args.pr_number)
    if priority is None and not with_index:
        return chosen
    return Annotated(chosen, index_of, priority, with_index)


def _identity(index: int) -> int:
    return index


def collect_rows(args: argparse.Namespace, rows: Sweep) -> int:
    """``--collect``: report each family's rows against the artifacts; 0 when all ran once, else 1."""
    from .. import inferencex as package
    from .._collect import where_missing
    from .._console import write
    from .._github import append_step_summary
    from ._collect import aggregate, artifact_names, collect, config_keys, rerun_json
    from ._families import FAMILIES, family_rows

    names = [name for folder in args.collect for name in artifact_names(folder)]
    runner_data = package.load_runner_file(args.runner_config)
    config_files = getattr(args, "config_files", None)
    chosen = [args.family] if args.family else list(FAMILIES)
    families: dict[str, Sweep] = {name: family_rows(rows, name) for name in chosen}
    reports, unknown = collect(families, names, runner_data)
    if args.family:  # the other families' artifacts are expected: only all seven can tell an unknown one
        unknown = []
    configs = package.load_config_files(config_files) if config_files else {}
    for report in reports:
        write(report.summary() + "\n")
        for index, row in report.missing:
            keys = "|".join(config_keys(row, configs, runner_data)) or "?"
            write(f"  missing {report.family} {index}: {keys} {row.get('exp-name')} conc={row.get('conc')} "
                  f"runner={row.get('runner')}\n")
        if report.missing:  # where the misses are: one runner pool, one concurrency...
            misses = where_missing(families[report.family], report.missing_ranges)
            if misses.concentrated():
                write(f"  {report.family}: {misses}\n")
            if os.environ.get("GITHUB_STEP_SUMMARY"):
                append_step_summary(f"### {report.family}\n\n{misses.table()}")
        for name in report.duplicated:
            write(f"  duplicated {report.family}: {name}\n")
    for name in unknown:
        write(f"unknown artifact: {name}\n")
    complete = not unknown and all(not (report.missing or report.duplicated) for report in reports)
    write("complete\n" if complete else f"rerun-json: {rerun_json(reports)}\n")
    if args.aggregate:
        for folder in args.collect:
            aggregate(folder, args.aggregate)
    return 0 if complete else 1
