"""Collect InferenceX's e2e results: every row of every family ran exactly once, or which did not.

A benchmark job of upstream's templates (843c6254f) names its artifacts
after ``RESULT_FILENAME``: ``EXP_PRECISION_FRAMEWORK_<parallelism>_disagg-D_spec-S_concC_MACHINE``
(``benchmark-tmpl.yml``, step "Launch job script"; ``benchmark-multinode-tmpl.yml`` spells the
prefill and decode workers and joins the concurrency list with ``x``), plus
``_recipe-<16 hex digits>`` when the row has a ``recipe-fingerprint``. The
artifact is ``bmk_<name>`` for throughput rows, ``bmk_agentic_<name>`` for
agentic rows, ``eval_<exp-name>_<name>`` (single-node template) or
``eval_<name>`` (multi-node template) for eval rows. MACHINE is the runner
that ran the job (``runner.name``): one of the nodes of the row's runner label
in the runner config, or the label itself.

:func:`collect` reads the artifact folders (what ``actions/download-artifact``
writes, one folder per artifact) and matches each to a row of its family,
first unmatched row first; it reports each family's missing rows by config
key, exp-name, conc and runner, the duplicated and the unknown artifacts,
and the ``rerun-json`` that re-runs only the missing rows in one dispatch.
:func:`aggregate` writes upstream's ``agg_<name>.json`` exactly as
``utils/collect_results.py`` does.

Cost: one pass over each family's rows (the report is about all of them) and
over the artifact folders.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from .._errors import SweepError
from .._selection import Ranges

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from .._space import Sweep

__all__ = ["result_name", "artifact_prefix", "FamilyReport", "collect", "aggregate", "rerun_json"]

_MULTI_NODE_TEMPLATE = ("multi-node", "multi-node-eval", "multi-node-agentic", "multi-node-agentic-eval")
_AGENTIC_DISAGG = ("agentic", "agentic-eval")  # upstream's job passes disagg: 'false'


def _text(value: Any) -> str:
    """A value as it reaches an environment variable through ``${{ }}``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else json.dumps(value)


def _worker(worker: dict[str, Any]) -> str:
    return (f"tp{_text(worker.get('tp'))}-pp{_text(worker.get('pp'))}-dcp{_text(worker.get('dcp-size'))}"
            f"-pcp{_text(worker.get('pcp-size'))}-ep{_text(worker.get('ep'))}-dp{_text(worker.get('dp-attn'))}"
            f"-nw{_text(worker.get('num-worker'))}")


def result_name(family: str, row: dict[str, Any], machine: str) -> str:
    """The ``RESULT_FILENAME`` the template gives ``row`` of ``family`` on runner ``machine``."""
    head = f"{_text(row.get('exp-name'))}_{_text(row.get('precision'))}_{_text(row.get('framework'))}"
    disagg = "false" if family in _AGENTIC_DISAGG else _text(row.get("disagg"))
    spec = _text(row.get("spec-decoding"))
    if family in _MULTI_NODE_TEMPLATE:
        concs = row.get("conc")
        joined = "x".join(map(_text, concs)) if isinstance(concs, list) else _text(concs)
        name = (f"{head}_prefill-{_worker(row.get('prefill') or {})}_decode-{_worker(row.get('decode') or {})}"
                f"_disagg-{disagg}_spec-{spec}_conc{joined}_{machine}")
    else:
        name = (f"{head}_tp{_text(row.get('tp'))}-pp{_text(row.get('pp'))}-dcp{_text(row.get('dcp-size'))}"
                f"-pcp{_text(row.get('pcp-size'))}-ep{_text(row.get('ep'))}-dpa{_text(row.get('dp-attn'))}"
                f"_disagg-{disagg}_spec-{spec}_conc{_text(row.get('conc'))}_{machine}")
    fingerprint = row.get("recipe-fingerprint")
    return f"{name}_recipe-{fingerprint[:16]}" if fingerprint else name


def artifact_prefix(family: str, row: dict[str, Any]) -> str:
    """The prefix of the artifact a row of ``family`` uploads its result under."""
    if family.endswith("-eval"):
        return "eval_" if family in _MULTI_NODE_TEMPLATE else f"eval_{_text(row.get('exp-name'))}_"
    return "bmk_agentic_" if "agentic" in family else "bmk_"


@dataclass
class FamilyReport:
    """What :func:`collect` found for one family."""

    family: str
    rows: int = 0
    done: int = 0
    missing: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)

    @property
    def missing_ranges(self) -> Ranges:
        return Ranges((index, index + 1) for index, _ in self.missing)

    def summary(self) -> str:
        return (f"{self.family}: {self.rows} rows, {self.done} done, {len(self.missing)} missing, "
                f"{len(self.duplicated)} duplicated")


def _machines(label: str, runner_data: dict[str, Any]) -> list[str]:
    return [label, *runner_data.get("labels", {}).get(label, [])]


def collect(families: dict[str, Sweep], artifacts: Iterable[str], runner_data: dict[str, Any]
            ) -> tuple[list[FamilyReport], list[str]]:
    """Match artifact names to the rows of ``families`` (name -> that family's rows, in order).

    Returns a report per family and the artifact names (``bmk_*``/``eval_*``)
    no row claims. O(rows x nodes of their label + artifacts).
    """
    present: dict[str, int] = {}
    for name in artifacts:
        present[name] = present.get(name, 0) + 1
    claimed: dict[str, FamilyReport] = {}
    reports = []
    for family, rows in families.items():
        report = FamilyReport(family)
        for index, row in enumerate(rows):
            report.rows += 1
            prefix = artifact_prefix(family, row)
            names = [prefix + result_name(family, row, machine)
                     for machine in _machines(str(row.get("runner")), runner_data)]
            found = next((name for name in names if present.get(name, 0) > 0), None)
            if found is None:
                report.missing.append((index, row))
                continue
            present[found] -= 1
            claimed[found] = report
            report.done += 1
        reports.append(report)
    for name, left in present.items():
        if left > 0 and name in claimed:
            claimed[name].duplicated.extend([name] * left)
    unknown = sorted(name for name, left in present.items()
                     if left > 0 and name not in claimed and name.startswith(("bmk_", "eval_")))
    return reports, unknown


def config_keys(row: dict[str, Any], all_config_data: dict[str, Any], runner_data: dict[str, Any]) -> list[str]:
    """The master-config keys a row can come from (its entry's identity and runner)."""
    fields = ("image", "model", "model-prefix", "precision", "framework")
    runner = row.get("runner")
    return [key for key, entry in all_config_data.items()
            if all(entry.get(name) == row.get(name) for name in fields)
            and (entry.get("runner") == runner or runner in runner_data.get("labels", {}).get(entry.get("runner"), []))]


def rerun_json(reports: list[FamilyReport]) -> str:
    """The e2e workflow's ``rerun-json`` input that re-runs exactly the missing rows."""
    return json.dumps({report.family: str(report.missing_ranges) for report in reports if report.missing},
                      separators=(",", ":"))


def aggregate(results_dir: str | os.PathLike[str], name: str, into: str | os.PathLike[str] = ".") -> Path:
    """Upstream's ``utils/collect_results.py RESULTS_DIR NAME``: every ``*.json`` under the folder,
    in ``rglob`` order, as one JSON list in ``agg_NAME.json`` (indent 2). Returns its path."""
    results = []
    for result_path in Path(results_dir).rglob("*.json"):
        with open(result_path) as result_file:
            results.append(json.load(result_file))
    target = Path(into) / f"agg_{name}.json"
    with open(target, "w") as out:
        json.dump(results, out, indent=2)
    return target


def artifact_names(results_dir: str | os.PathLike[str]) -> list[str]:
    """The artifact folders under ``results_dir`` (download-artifact writes one folder per artifact);
    a folder that cannot be read is a :class:`~lazysweep._errors.SweepError` naming it."""
    try:
        return sorted(entry.name for entry in os.scandir(results_dir) if entry.is_dir())
    except OSError as error:
        raise SweepError(f"cannot read the results folder: {error.strerror}", path=os.fspath(results_dir)) from None

