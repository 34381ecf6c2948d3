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
internet: the changelog mode's steps (uv, the rows artifact; that mode is not run here) go, the
pinned checkout steps become one ``actions/checkout@v5``, which
act serves from the local repository, and the ``pip install`` step is gone;
``secrets: inherit`` is dropped too (an act race, see :func:`prepared`) (this environment's lazysweep is first on PATH); the
collect jobs, which call upstream's aggregation workflows, are not run here.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
import yaml

from act_runs import run_act
from github_expressions import evaluate, normalized
from inferencex_upstream import upstream_families, upstream_folder, workflow_text
from lazysweep._selection import Ranges
from lazysweep.inferencex._collect import artifact_prefix, result_name
from test_act import act, programs  # noqa: F401  (the act fixture)

pytestmark = pytest.mark.act

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "inferencex" / "workflows"
REAL = ROOT / "tests" / "compat-ix" / "real"
INSTALL = '            - name: Install lazysweep\n              run: python3 -m pip install "lazysweep[inferencex] @ git+https://github.com/lazysweep/lazysweep@v1.0.0"\n'
# the changelog mode's steps (not run here: they need uv and the network) and its uv setup
CHANGELOG_STEPS = re.compile(r"            - name: (?:Upload|Download) the changelog's rows\n(?:              [^\n]*\n)+"
                             r"|            - uses: astral-sh/setup-uv@[^\n]*\n")
CHECKOUT = re.compile(r"            - name: Checkout[^\n]*\n(?:              [^\n]*\n|                [^\n]*\n)+")
# The whole real sweep (every family of upstream's configs at 843c6254f), and three of its config-key
# prefixes, 61 rows in the five families a full sweep fills, for the run with lost results and a re-run.
WHOLE = "full-sweep --config-files configs/nvidia-master.yaml configs/amd-master.yaml"
GENERATE = f"{WHOLE} --model-prefix qwen3.5-fp4-mi355x glm5.2-fp8-h200 kimik2.6-fp4-b200"
RUN_ID = "4242"
JOB_OF = {"single-node": "test-sweep-single-node", "multi-node": "test-sweep-multi-node",
          "multi-node-eval": "test-sweep-multi-node-evals", "agentic": "test-sweep-agentic",
          "agentic-eval": "test-sweep-agentic-evals", "multi-node-agentic": "test-sweep-multi-node-agentic",
          "multi-node-agentic-eval": "test-sweep-multi-node-agentic-evals"}


def result_base(template: str) -> str:
    """Upstream's RESULT_FILENAME_BASE expression of a template, on the row's runner label as the machine."""
    found = re.search(r"RESULT_FILENAME_BASE: (.+)", workflow_text(template))
    assert found, template
    return found.group(1).replace("${{ runner.name }}", "@MACHINE@")


# The artifacts each template uploads its result under, with the template's own conditions
# (benchmark-tmpl.yml and benchmark-multinode-tmpl.yml, steps "Upload result", "Upload agentic ...",
# "Upload eval results"), as folders named like the artifacts, as download-artifact writes them.
UPLOADS = {
    "benchmark-tmpl.yml": [
        ("${{ !inputs.eval-only && inputs.scenario-type != 'agentic-coding' }}", "bmk_$RF", "agg_$RF.json"),
        ("${{ inputs.scenario-type == 'agentic-coding' }}", "bmk_agentic_$RF", "$RF.json"),
        ("${{ inputs.run-eval || inputs.eval-only }}", "eval_${EXP_NAME}_$RF", "results_$RF.json")],
    "benchmark-multinode-tmpl.yml": [
        ("${{ !inputs.eval-only && inputs.scenario-type != 'agentic-coding' }}", "bmk_$RF", "agg_$RF.json"),
        ("${{ !inputs.eval-only && inputs.scenario-type == 'agentic-coding' }}", "bmk_agentic_$RF", "$RF.json"),
        ("${{ inputs.run-eval || inputs.eval-only }}", "eval_$RF", "results_$RF.json")],
}


# The machine a job runs on (runner.name): the label, or else the first node of the label whose result
# name is still free, as if GitHub had placed the job there (rows whose artifact names are the same
# need different machines, see the guide).
PLACE = """\
for machine in "$RUNNER" $(python3 -c 'import sys, yaml; print(" ".join(yaml.safe_load(open(sys.argv[1]))["labels"].get(sys.argv[2], [])))' "RUNNERS" "$RUNNER"); do
  RF="${BASE//@MACHINE@/$machine}"
  if mkdir "RESULTS/FOLDER"; then printf '{"result": "%s"}' "$RF" > "RESULTS/FOLDER/FILE"; exit 0; fi
done
exit 1
"""


def stub(template: str, records: Path, results: Path, runners: Path) -> str:
    """A template with upstream's inputs and env whose job records its inputs (a file per job, never
    overwritten) and writes a result under each artifact name the template would upload."""
    workflow = yaml.safe_load(workflow_text(template))
    steps = [{"env": {"INPUTS": "${{ toJson(inputs) }}"},
              "run": f'printf \'%s\' "$INPUTS" > "$(mktemp {records}/{template}.XXXXXXXX)"'}]
    for condition, folder, file in UPLOADS[template]:
        script = PLACE.replace("RUNNERS", str(runners)).replace("RESULTS", str(results))
        steps.append({"if": condition, "env": {"BASE": result_base(template), "RUNNER": "${{ inputs.runner }}"},
                      "run": script.replace("FOLDER", folder).replace("FILE", file)})
    return yaml.safe_dump({
        "name": f"stub of {template}",
        "on": {"workflow_call": {"inputs": workflow[True]["workflow_call"]["inputs"]}},
        "env": workflow["env"],
        "jobs": {"record": {"runs-on": "ubuntu-latest", "steps": steps}},
    }, sort_keys=False)


def prepared(text: str, keep_collect: bool = False) -> str:
    assert INSTALL in text
    text, removed = CHECKOUT.subn("", text.replace(INSTALL, "            - uses: actions/checkout@v5\n"))
    assert removed >= 2, "the checkout steps should be there to remove"
    text, removed = CHANGELOG_STEPS.subn("", text)
    assert removed >= 1, "the changelog mode's steps should be there to remove"
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


class Repository:
    """The temporary repository and act to run its e2e workflow."""

    def __init__(self, act: str, folder: Path) -> None:
        self.act, self.folder = act, folder
        self.repo, self.records, self.results = folder / "repo", folder / "records", folder / "results"
        (self.repo / ".github" / "workflows").mkdir(parents=True)
        self.records.mkdir()
        self.results.mkdir()
        for name in ("e2e-tests.yml", "e2e-batch.yml"):
            (self.repo / ".github" / "workflows" / name).write_text(prepared((EXAMPLE / name).read_text()))
        for template in UPLOADS:
            (self.repo / ".github" / "workflows" / template).write_text(
                stub(template, self.records, self.results, REAL / "configs" / "runners.yaml"))
        (self.repo / "configs").mkdir()
        for name in ("nvidia-master.yaml", "amd-master.yaml", "configs/runners.yaml"):
            shutil.copy(REAL / name, self.repo / "configs")
        shutil.copy(upstream_folder() / "configs" / "ci-priority.yaml", self.repo / "configs")
        git = ["git", "-C", str(self.repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
        subprocess.run([*git, "init", "-q"], check=True)
        subprocess.run([*git, "add", "-A"], check=True)
        subprocess.run([*git, "commit", "-qm", "e2e"], check=True)

    def run(self, run_id: str, **inputs: str) -> float:
        argv = [self.act, "workflow_dispatch", "-W", ".github/workflows/e2e-tests.yml",
                "-P", "ubuntu-latest=-self-hosted", "--action-offline-mode", "--no-cache-server",
                "--action-cache-path", str(self.folder / "act-cache"), "--env", f"GITHUB_RUN_ID={run_id}"]
        for name, value in inputs.items():
            argv += ["--input", f"{name}={value}"]
        before = {folder: set(folder.iterdir()) for folder in (self.records, self.results)}

        def reset() -> None:  # what a crashed or hung run wrote goes before it starts again
            for folder, kept in before.items():
                for path in set(folder.iterdir()) - kept:
                    if path.is_dir():
                        shutil.rmtree(path)
                    else:
                        path.unlink()

        started = time.monotonic()
        status, log = run_act(argv, cwd=self.repo, env={"PATH": programs(), "HOME": str(self.folder)},
                              log=self.folder / f"act-{run_id}.log", reset=reset)
        assert status == 0, log[-6000:]
        return time.monotonic() - started

    def collect(self, generate: str = GENERATE) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "lazysweep.inferencex", *generate.split(), "--collect",
                               str(self.results)], cwd=self.repo, capture_output=True, text=True)

    def recorded(self) -> list[dict]:
        return [json.loads(path.read_text()) for path in sorted(self.records.iterdir())]


def check_inputs(recorded: list[dict], families: dict[str, list[dict]], generate: str = GENERATE) -> None:
    """Each family's rows reached the templates once each, with upstream's inputs."""
    workflow_inputs = {"generate-cli-command": generate, "duration-override": "", "require-power": False,
                       "power-producer-sha": "", "agentx-fast": False, "eval-limit": "", "swebench-gen-mode": "",
                       "fail-fast": False, "ref": None}
    tokens = Counter(record["queue-token"] for record in recorded)
    assert all(count == 1 for count in tokens.values()), "a row ran twice"
    by_token = {record["queue-token"]: record for record in recorded}
    for family, rows in families.items():
        template = "benchmark-multinode-tmpl.yml" if "multi" in family else "benchmark-tmpl.yml"
        defaults = template_defaults(template)
        expected = [normalized(expected_inputs(family, row, defaults, workflow_inputs)) for row in rows]
        assert [normalized(by_token.get(row["queue-token"])) for row in rows] == expected, family
    assert len(recorded) == sum(len(rows) for rows in families.values())


def test_the_whole_real_sweep_in_batches_of_256_runs_each_row_once_with_upstreams_inputs(act, tmp_path):  # noqa: F811
    """Every family of the real configs, past 256 rows each, at the default batch size."""
    upstream_folder()
    repo = Repository(act, tmp_path)
    seconds = repo.run("4545", **{"generate-cli-command": WHOLE})
    print(f"act ran the whole batched e2e workflow in {seconds:.0f} s")
    listed = json.loads(subprocess.run([sys.executable, "-m", "lazysweep.inferencex", *WHOLE.split()],
                                       cwd=repo.repo, capture_output=True, text=True, check=True).stdout)
    families = upstream_families(listed, namespace="4545:1", event="workflow_dispatch")
    assert max(len(rows) for rows in families.values()) > 256  # a family one matrix could not hold
    check_inputs(repo.recorded(), families, WHOLE)
    assert len(repo.recorded()) == sum(map(len, families.values()))
    report = repo.collect(WHOLE)
    assert report.returncode == 0 and report.stdout.endswith("complete\n"), report.stdout + report.stderr


def test_batched_e2e_passes_each_row_upstreams_inputs_exactly_once_and_reruns_the_missing(act, tmp_path):  # noqa: F811
    """A run of the batched workflow, then results lost and one re-run dispatch of the missing rows."""
    upstream_folder()
    repo = Repository(act, tmp_path)
    seconds = repo.run(RUN_ID, **{"generate-cli-command": GENERATE, "max-batch-size": "4"})
    print(f"act ran the batched e2e workflow in {seconds:.0f} s")
    listed = json.loads(subprocess.run([sys.executable, "-m", "lazysweep.inferencex", *GENERATE.split()],
                                       cwd=repo.repo, capture_output=True, text=True, check=True).stdout)
    families = upstream_families(listed, namespace=f"{RUN_ID}:1", event="workflow_dispatch")
    assert sorted(name for name, rows in families.items() if rows) == \
        ["agentic", "multi-node", "multi-node-agentic", "multi-node-eval", "single-node"]
    assert all(len(rows) > 0 for name, rows in families.items() if "agentic-eval" not in name)
    check_inputs(repo.recorded(), families)
    report = repo.collect()
    assert report.returncode == 0 and report.stdout.endswith("complete\n"), report.stdout + report.stderr

    # results lost: rows whose artifact name no other row of their family shares (of two rows with the
    # same name, collect cannot tell which one ran: see the guide)
    labels = yaml.safe_load((REAL / "configs" / "runners.yaml").read_text())["labels"]
    lost: dict[str, list[int]] = {}
    for family, rows in families.items():
        names = Counter(artifact_prefix(family, row) + result_name(family, row, "@") for row in rows)
        unique = [index for index, row in enumerate(rows)
                  if names[artifact_prefix(family, row) + result_name(family, row, "@")] == 1]
        lost[family] = [unique[0], unique[len(unique) // 2], unique[-1]] if len(unique) > 2 else []
        for index in lost[family]:
            row = families[family][index]
            machines = [row["runner"], *labels.get(row["runner"], [])]
            folders = [repo.results / (artifact_prefix(family, row) + result_name(family, row, machine))
                       for machine in machines]
            shutil.rmtree(next(folder for folder in folders if folder.exists()))
    lost = {family: indices for family, indices in lost.items() if indices}
    assert set(lost) == {"single-node", "multi-node", "multi-node-eval", "agentic", "multi-node-agentic"}
    report = repo.collect()
    assert report.returncode == 1
    for family, indices in lost.items():
        rows = len(families[family])
        assert f"{family}: {rows} rows, {rows - 3} done, 3 missing, 0 duplicated" in report.stdout
        for index in indices:
            row = families[family][index]
            assert f"  missing {family} {index}: " in report.stdout
            assert f" {row['exp-name']} conc={row['conc']} runner={row['runner']}\n" in report.stdout
    rerun = report.stdout.splitlines()[-1].removeprefix("rerun-json: ")
    assert json.loads(rerun) == {family: str(Ranges((i, i + 1) for i in indices)) for family, indices in lost.items()}

    shutil.rmtree(repo.records)
    repo.records.mkdir()
    repo.run("4343", **{"generate-cli-command": GENERATE, "max-batch-size": "4", "rerun-json": rerun})
    again = upstream_families(listed, namespace="4343:1", event="workflow_dispatch")
    rerun_rows = {family: [again[family][index] for index in indices] for family, indices in lost.items()}
    check_inputs(repo.recorded(), rerun_rows)
    report = repo.collect()
    assert report.returncode == 0 and report.stdout.endswith("complete\n"), report.stdout
