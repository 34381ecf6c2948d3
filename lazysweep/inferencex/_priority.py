"""CI priority scores and queue tokens, as InferenceX's ``utils/ci_priority.py`` (843c6254f) adds them.

Upstream's ``get-jobs`` step pipes each family's list of rows through
``ci_priority.py``, whose ``annotate_jobs`` gives every row (every mapping
holding both ``runner`` and ``framework``, at any depth) a ``priority``
(``calculate_priority``, formatted ``%.3f``) and a ``queue-token``
(``queue_token``: the first 32 hex digits of SHA-256 over
``NAMESPACE:PATH:CANONICAL-JSON``, PATH being the row's index in the family's
list). This module is that logic, ported statement for statement so that a
batch can annotate its own rows with their family-wide index: the token of
row ``i`` of a family depends only on ``i``, the row and the namespace, so no
other row is needed.

Ported: the policy file (version 1), the event, label, patchwork and
checklist rules and the ``skip-queue-pr`` field (``--pr-number``). Not
ported: ``--criteria-json`` (upstream's e2e workflow never passes it).

Cost: O(size of the row) per row.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["Priority", "load_policy", "calculate_priority", "format_priority", "queue_token", "annotate_row"]

SCORE_QUANTUM = Decimal("0.001")


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value))


def load_policy(path: str) -> dict[str, Any]:
    """Upstream's ``load_policy``: the YAML policy file, version 1 only (ValueError otherwise)."""
    import yaml

    with open(path) as policy_file:
        policy = yaml.safe_load(policy_file)
    if not isinstance(policy, dict) or policy.get("version") != 1:
        found = policy.get("version") if isinstance(policy, dict) else None
        raise ValueError(f"Unsupported CI priority policy version: {found} (in {path})")
    return policy


@dataclass(frozen=True)
class Priority:
    """Upstream's ``PriorityContext`` and policy: what ``ci_priority.py``'s flags say."""

    policy: dict[str, Any]
    event_name: str = ""
    labels: frozenset[str] = frozenset()
    queue_namespace: str = "local"
    pr_number: int | None = None

    @classmethod
    def from_flags(cls, policy_path: str, event_name: str = "", labels_json: str = "[]",
                   queue_namespace: str = "local", pr_number: int | None = None) -> Priority:
        """From ``ci_priority.py``'s flags (``--policy``, ``--event-name``, ``--labels-json``, ...)."""
        return cls(load_policy(policy_path), event_name, _labels_from_json(labels_json), queue_namespace, pr_number)


def _labels_from_json(raw_labels: str) -> frozenset[str]:
    if not raw_labels:
        return frozenset()
    value = json.loads(raw_labels)
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(label, str) for label in value):
        raise ValueError("--labels-json must be a JSON array of strings")
    return frozenset(value)


def _first_prefix_adjustment(value: str, adjustments: dict[str, Any]) -> Decimal:
    for prefix, adjustment in adjustments.items():
        if value == prefix or value.startswith(f"{prefix}-"):
            return _decimal(adjustment)
    return Decimal(0)


def calculate_priority(entry: dict[str, Any], context: Priority) -> Decimal:
    """Upstream's ``calculate_priority`` (without criteria): higher runs sooner.

    >>> policy = {"base-score": 1.0, "adjustments": {"multi-node": 1.25, "precision": {"fp4": 0.75}},
    ...           "labels": {"patchwork": {"names": ["ci-patchwork"], "score": 0.0}}}
    >>> format_priority(calculate_priority({"prefill": {}, "precision": "fp4"}, Priority(policy)))
    '3.000'
    """
    policy, labels = context.policy, context.labels
    patchwork = policy["labels"]["patchwork"]
    if labels & set(patchwork["names"]) and not labels & set(patchwork.get("waived-by", [])):
        return _decimal(patchwork["score"]).quantize(SCORE_QUANTUM, ROUND_HALF_UP)
    adjustments = policy["adjustments"]
    score = _decimal(policy["base-score"])
    score += _decimal(adjustments.get("event", {}).get(context.event_name, 0))
    if entry.get("prefill") is not None:
        score += _decimal(adjustments.get("multi-node", 0))
    if entry.get("scenario-type") == "agentic-coding":
        score += _decimal(adjustments.get("agentic", 0))
    if entry.get("eval-only") is True:
        score += _decimal(adjustments.get("eval-only", 0))
    score += _decimal(adjustments.get("precision", {}).get(str(entry.get("precision", "")), 0))
    score += _decimal(adjustments.get("spec-decoding", {}).get(str(entry.get("spec-decoding", "")), 0))
    score += _first_prefix_adjustment(str(entry.get("framework", "")), adjustments.get("framework-prefix", {}))
    score += _decimal(adjustments.get("model-prefix", {}).get(str(entry.get("model-prefix", "")), 0))
    checklist = policy["labels"].get("checklist-complete", {})
    if labels & set(checklist.get("names", [])):
        score += _decimal(checklist.get("adjustment", 0))
    return score.quantize(SCORE_QUANTUM, ROUND_HALF_UP)


def format_priority(score: Decimal) -> str:
    return f"{score:.3f}"


def queue_token(value: Any, namespace: str, path: tuple[str, ...]) -> str:
    """Upstream's ``queue_token``: 32 hex digits naming one job of one run.

    >>> queue_token({"runner": "h100"}, "1:1:single", ("0",))
    '83af049d9a5aa07c6b5ace47ef15d58e'
    """
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{namespace}:{'/'.join(path)}:{canonical}".encode()).hexdigest()[:32]


def annotate_row(row: Any, index: int, context: Priority) -> Any:
    """Upstream's ``annotate_jobs`` applied to the row at ``index`` of a family's list.

    ``row`` must be the row as upstream's script reads it (JSON values: what
    ``json.loads`` of the generator's output gives). A new value is returned.
    """
    return _annotate(row, context, (str(index),))


def _annotate(value: Any, context: Priority, path: tuple[str, ...]) -> Any:
    if isinstance(value, list):
        return [_annotate(item, context, (*path, str(number))) for number, item in enumerate(value)]
    if not isinstance(value, dict):
        return value
    annotated = {key: _annotate(item, context, (*path, key)) for key, item in value.items()}
    if "runner" in value and "framework" in value:
        annotated["priority"] = format_priority(calculate_priority(value, context))
        annotated["queue-token"] = queue_token(value, context.queue_namespace, path)
        if context.pr_number is not None and context.policy["labels"]["skip-queue"]["name"] in context.labels:
            annotated["skip-queue-pr"] = context.pr_number
    return annotated
