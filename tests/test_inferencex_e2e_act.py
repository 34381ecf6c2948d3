"""The batched InferenceX e2e workflow (examples/inferencex/workflows), run by act on the real configs.

A temporary repository holds the two example workflows, the real 843c6254f
master and runner configs, upstream's ``configs/ci-priority.yaml`` (from the
shared folder, never committed) and, in place of upstream's benchmark
templates, stubs with the templates' own ``on.workflow_call.inputs`` whose
one job records ``toJson(inputs)``. For every family, the recorded inputs must
be, as a multiset and row for row by ``queue-token``, what upstream's
unbatched pipeline passes: its inline filters and ``ci_priority.py`` (run from
the shared folder) on the generator's rows, then its own ``with:`` expressions
(``e2e-tests.yml``) evaluated on each row. Every row is recorded exactly once.

Left out of the clone, as in tests/test_act.py, only what needs the
internet: the pinned checkout steps become one ``actions/checkout@v5``, which
act serves from the local repository, and the ``pip install`` step is gone;
``secrets: inherit`` is dropped too (an act race, see :func:`prepared`) (this environment's lazysweep is first on PATH); the
collect jobs, which call upstream's aggregation workflows, are not run here.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
import yaml

from github_expressions import evaluate, normalized
from inferencex_upstream import upstream_families, upstream_folder, workflow_text
from test_act import act, programs  # noqa: F401  (the act fixture)

pytestmark = pytest.mark.act

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "inferencex" / "workflows"
REAL = ROOT / "tests" / "compat-ix" / "real"
INSTALL = '            - name: Install lazysweep\n              run: python3 -m pip install "lazysweep[inferencex]"\n'
CHECKOUT = re.compile(r"            - name: Checkout[^\n]*\n(?:              [^\n]*\n|                [^\n]*\n)+")
GENERATE = "full-sweep --config-files configs/nvidia-master.yaml configs/amd-master.yaml"
RUN_ID = "4242"
JOB_OF = {"single-node": "test-sweep-single-node", "multi-node": "test-sweep-multi-node",
          "multi-node-eval": "test-sweep-multi-node-evals", "agentic": "test-sweep-agentic",
          "agentic-eval": "test-sweep-agentic-evals", "multi-node-agentic": "test-sweep-multi-node-agentic",
          "multi-node-agentic-eval": "test-sweep-multi-node-agentic-evals"}


def stub(template: str, records: Path) -> str:
    """A template with upstream's inputs whose one job records them (a file per job, never overwritten)."""
    inputs = yaml.safe_load(workflow_text(template))[True]["workflow_call"]["inputs"]
    return yaml.safe_dump({
        "name": f"stub of {template}",
        "on": {"workflow_call": {"inputs": inputs}},
        "jobs": {"record": {"runs-on": "ubuntu-latest", "steps": [{
            "env": {"INPUTS": "${{ toJson(inputs) }}"},
            "run": f'printf \'%s\' "$INPUTS" > "$(mktemp {records}/{template}.XXXXXXXX)"'}]}},
    }, sort_keys=False)


def prepared(text: str, keep_collect: bool = False) -> str:
    assert INSTALL in text
    text, removed = CHECKOUT.subn("", text.replace(INSTALL, "            - uses: actions/checkout@v5\n"))
    assert removed >= 2, "the checkout steps should be there to remove"
    # act 0.2.89 races on `secrets: inherit` in nested reusable workflows run in parallel (fatal error:
    # concurrent map iteration and map write, in pkg/runner/expression.go getWorkflowSecrets); the stubs
    # need no secrets, so the clone passes none
    text, inherited = re.subn(r"\n +secrets: inherit\n", "\n", text)
    assert inherited >= 7
    if not keep_collect and "    collect-results:\n" in text:
        text = text[:text.index("    collect-results:\n")]
    return text


@cache
def upstream_jobs() -> dict:
    return yaml.safe_load(workflow_text("e2e-tests.yml"))["jobs"]


def expected_inputs(family: str, row: dict, defaults: dict, workflow_inputs: dict) -> dict:
    job = upstream_jobs()[JOB_OF[family]]
    context = {"matrix": {"config": row}, "inputs": workflow_inputs}
    passed = {name: evaluate(value, context) for name, value in job["with"].items()}
    return {**defaults, **passed}


def template_defaults(template: str) -> dict:
    inputs = yaml.safe_load(workflow_text(template))[True]["workflow_call"]["inputs"]
    return {name: spec.get("default") for name, spec in inputs.items()}


def test_batched_e2e_passes_each_row_upstreams_inputs_exactly_once(act, tmp_path):  # noqa: F811
    upstream_folder()
    repo, records = tmp_path / "repo", tmp_path / "records"
    (repo / ".github" / "workflows").mkdir(parents=True)
    records.mkdir()
    for name in ("e2e-tests.yml", "e2e-batch.yml"):
        (repo / ".github" / "workflows" / name).write_text(prepared((EXAMPLE / name).read_text()))
    for template in ("benchmark-tmpl.yml", "benchmark-multinode-tmpl.yml"):
        (repo / ".github" / "workflows" / template).write_text(stub(template, records))
    (repo / "configs").mkdir()
    for name in ("nvidia-master.yaml", "amd-master.yaml", "configs/runners.yaml"):
        shutil.copy(REAL / name, repo / "configs")
    shutil.copy(upstream_folder() / "configs" / "ci-priority.yaml", repo / "configs")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "e2e"], check=True)
    argv = [act, "workflow_dispatch", "-W", ".github/workflows/e2e-tests.yml", "-P", "ubuntu-latest=-self-hosted",
            "--action-offline-mode", "--no-cache-server", "--action-cache-path", str(tmp_path / "act-cache"),
            "--env", f"GITHUB_RUN_ID={RUN_ID}", "--input", f"generate-cli-command={GENERATE}",
            "--input", "max-batch-size=128"]
    started = time.monotonic()
    result = subprocess.run(argv, cwd=repo, capture_output=True, text=True, env={"PATH": programs(), "HOME": str(tmp_path)})
    seconds = time.monotonic() - started
    (tmp_path / "act.log").write_text(result.stdout + result.stderr)
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
    print(f"act ran the batched e2e workflow in {seconds:.0f} s")

    # upstream's unbatched pipeline on the generator's rows (run from the configs folder layout)
    listed = json.loads(subprocess.run(
        [str(Path(programs().split(":")[0]) / "python"), "-m", "lazysweep.inferencex", *GENERATE.split()],
        cwd=repo, capture_output=True, text=True, check=True).stdout)
    families = upstream_families(listed, namespace=f"{RUN_ID}:1", event="workflow_dispatch")
    workflow_inputs = {"generate-cli-command": GENERATE, "duration-override": "", "require-power": False,
                       "power-producer-sha": "", "agentx-fast": False, "eval-limit": "", "swebench-gen-mode": "",
                       "fail-fast": False, "ref": None}
    recorded = [json.loads(path.read_text()) for path in sorted(records.iterdir())]
    by_token = Counter(record["queue-token"] for record in recorded)
    assert all(count == 1 for count in by_token.values()), "a row ran twice"
    recorded_by_token = {record["queue-token"]: record for record in recorded}
    total = 0
    for family, rows in families.items():
        template = "benchmark-multinode-tmpl.yml" if "multi" in family else "benchmark-tmpl.yml"
        defaults = template_defaults(template)
        expected = [normalized(expected_inputs(family, row, defaults, workflow_inputs)) for row in rows]
        got = [normalized(recorded_by_token.get(row["queue-token"])) for row in rows]
        assert got == expected, family
        total += len(rows)
    assert total == len(recorded) == sum(len(rows) for rows in families.values())
    assert total > 1800
