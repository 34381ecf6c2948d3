"""Upstream InferenceX's pipeline (843c6254f) for the tests, read from the shared folder, never committed.

The shared folder holds upstream's workflow and pipeline files
(``shared/compat-ix/upstream``); CI checks it out beside the clone, so it is
``../shared`` from the repository (``../../shared`` from a worktree one level
deeper). Tests that need it skip with the reason when it is absent.

- :func:`family_filters`: the seven inline ``python3 -c`` filters of
  ``e2e-tests.yml``'s ``get-jobs`` step, as upstream wrote them, each run on a
  JSON list exactly as the step runs it (stdin in, stdout out);
- :func:`ci_priority`: upstream's ``utils/ci_priority.py``, imported from there;
- :func:`upstream_families`: the whole unbatched pipeline: filter, then
  ``annotate_jobs`` under the namespace ``RUN:ATTEMPT:TAG``.
"""

from __future__ import annotations

import importlib.util
import io
import json
import re
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
# score_matrix TAG -> the job output it is written to (echo "OUTPUT=$VARIABLE")
STEP = re.compile(r'^\s*(\w+)=\$\(echo "\$CONFIG_JSON" \| python3 -c "(.+)" \| score_matrix ([\w-]+)\)$', re.M)
OUTPUT = re.compile(r'^\s*echo "([\w-]+)-config=\$(\w+)"$', re.M)


def upstream_folder() -> Path:
    """The shared upstream folder, or skip the test with the reason."""
    for parent in (ROOT.parent, ROOT.parent.parent):
        folder = parent / "shared" / "compat-ix" / "upstream"
        if folder.is_dir():
            return folder
    pytest.skip("upstream InferenceX files not found: ../shared/compat-ix/upstream beside the repository")


def workflow_text(name: str) -> str:
    return (upstream_folder() / ".github" / "workflows" / name).read_text()


@cache
def family_filters() -> dict[str, tuple[str, str]]:
    """family name (the job output without ``-config``) -> (score_matrix tag, filter program)."""
    text = workflow_text("e2e-tests.yml")
    by_variable = {variable: (tag, program) for variable, program, tag in STEP.findall(text)}
    found = {output: by_variable[variable] for output, variable in OUTPUT.findall(text) if variable in by_variable}
    assert len(found) == 7, f"expected upstream's seven family filters, found {sorted(found)}"
    return found


def run_filter(program: str, rows: list[dict]) -> list[dict]:
    """Run one upstream filter as its step does: JSON on stdin, JSON on stdout."""
    stdin, stdout = sys.stdin, sys.stdout
    sys.stdin, sys.stdout = io.StringIO(json.dumps(rows)), io.StringIO()
    try:
        exec(program, {"__name__": "__main__"})
        return json.loads(sys.stdout.getvalue())
    finally:
        sys.stdin, sys.stdout = stdin, stdout


@cache
def ci_priority() -> ModuleType:
    path = upstream_folder() / "utils" / "ci_priority.py"
    spec = importlib.util.spec_from_file_location("upstream_ci_priority", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def policy_path() -> Path:
    return upstream_folder() / "configs" / "ci-priority.yaml"


def upstream_families(rows: list[dict], namespace: str = "1:1", event: str = "workflow_dispatch",
                      labels: str = "[]") -> dict[str, list[dict]]:
    """What upstream's get-jobs writes to each family's output: filtered, then scored."""
    module = ci_priority()
    policy = module.load_policy(policy_path())
    families = {}
    for name, (tag, program) in family_filters().items():
        context = module.PriorityContext(event_name=event, labels=module._labels_from_json(labels),
                                         queue_namespace=f"{namespace}:{tag}")
        families[name] = module.annotate_jobs(run_filter(program, rows), policy, context)
    return families
