"""The batched InferenceX e2e workflow's pieces, without act: its jobs, collect, the changelog path, the guide.

- The batch workflow's benchmark jobs are upstream's ``test-sweep-*`` jobs (843c6254f): the same
  template, the same ``with:`` inputs, the same ``fail-fast``; only ``needs``, ``if`` and the matrix
  source differ.
- ``--collect`` finds every row's artifact by upstream's ``RESULT_FILENAME`` and names the missing ones;
  ``--aggregate`` writes the same ``agg_<name>.json`` as upstream's ``utils/collect_results.py``.
- Upstream's ``utils/process_changelog.py`` runs with the drop-in in place of its generator, on the real
  ``perf-changelog.yaml``.
- The guide's console examples print what it says.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from inferencex_upstream import upstream_folder, workflow_text
from lazysweep.inferencex._collect import aggregate, artifact_prefix, result_name

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "inferencex"
REAL = ROOT / "tests" / "compat-ix" / "real"
GUIDE = ROOT / "docs" / "inferencex-migration.md"
UPSTREAM_JOB = {"single-node": "test-sweep-single-node", "multi-node": "test-sweep-multi-node",
                "multi-node-eval": "test-sweep-multi-node-evals", "agentic": "test-sweep-agentic",
                "agentic-eval": "test-sweep-agentic-evals", "multi-node-agentic": "test-sweep-multi-node-agentic",
                "multi-node-agentic-eval": "test-sweep-multi-node-agentic-evals"}


def example_workflow(name: str) -> dict:
    return yaml.safe_load((EXAMPLE / "workflows" / name).read_text())


@pytest.mark.parametrize("family", list(UPSTREAM_JOB))
def test_batch_jobs_are_upstreams_jobs(family):
    ours = example_workflow("e2e-batch.yml")["jobs"][family]
    theirs = yaml.safe_load(workflow_text("e2e-tests.yml"))["jobs"][UPSTREAM_JOB[family]]
    assert ours["uses"] == theirs["uses"]
    assert ours["with"] == theirs["with"]
    assert ours["strategy"]["fail-fast"] == theirs["strategy"]["fail-fast"]
    assert ours["strategy"]["matrix"] == {"config": "${{ fromJson(needs.rows.outputs.rows) }}"}
    assert ours["if"] == f"${{{{ inputs.family == '{family}' }}}}"


def test_the_batched_workflow_keeps_upstreams_inputs_and_calls_each_family():
    ours, theirs = example_workflow("e2e-tests.yml"), yaml.safe_load(workflow_text("e2e-tests.yml"))
    for event in ("workflow_dispatch", "workflow_call"):
        added = set(ours[True][event]["inputs"]) - set(theirs[True][event]["inputs"])
        assert added == {"max-batch-size", "rerun-json"}
        assert all(ours[True][event]["inputs"][name] == spec for name, spec in theirs[True][event]["inputs"].items())
    for family in UPSTREAM_JOB:
        job = ours["jobs"][f"test-sweep-{family}"]
        assert job["uses"] == "./.github/workflows/e2e-batch.yml"
        assert job["with"]["family"] == family


def write_results(folder: Path, family: str, rows: list[dict]) -> None:
    """Result artifacts as the template names them, run on the last node of each row's runner label."""
    labels = yaml.safe_load((EXAMPLE / "runners.yaml").read_text())["labels"]
    for row in rows:
        name = artifact_prefix(family, row) + result_name(family, row, labels[row["runner"]][-1])
        (folder / name).mkdir(parents=True)
        (folder / name / f"agg_{name}.json").write_text(json.dumps({"row": row.get("conc")}))


def drop_in(*argv: str, cwd: Path = EXAMPLE) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lazysweep.inferencex", *argv], cwd=cwd, capture_output=True,
                          text=True)


def test_collect_names_missing_rows_and_writes_upstreams_aggregate(tmp_path):
    base = ["full-sweep", "--config-files", str(EXAMPLE / "master.yaml"), "--runner-config",
            str(EXAMPLE / "runners.yaml")]
    rows = json.loads(drop_in(*base, "--family", "single-node").stdout)
    agentic = json.loads(drop_in(*base, "--family", "agentic").stdout)
    results = tmp_path / "results"
    write_results(results, "single-node", [row for index, row in enumerate(rows) if index not in (2, 5)])
    write_results(results, "agentic", agentic)
    (results / "server_logs_x").mkdir()  # other artifacts are not results
    report = drop_in(*base, "--collect", str(results), "--aggregate", "bmk", cwd=tmp_path)
    assert report.returncode == 1, report.stderr
    lines = report.stdout.splitlines()
    assert "single-node: 7 rows, 5 done, 2 missing, 0 duplicated" in lines
    assert "  missing single-node 2: dsr1-fp8-h200-sglang dsr1_8k1k conc=16 runner=h200" in lines
    assert any(line.startswith("  single-node: 2 missing") for line in lines)  # where the misses are
    assert "agentic: 3 rows, 3 done, 0 missing, 0 duplicated" in lines
    assert lines[-1] == 'rerun-json: {"single-node":"2,5"}'
    missing_folder = drop_in(*base, "--collect", str(tmp_path / "no-such-folder"))
    assert missing_folder.returncode == 1 and missing_folder.stderr.count("\n") == 1
    assert "no-such-folder: cannot read the results folder: No such file or directory" in missing_folder.stderr
    # written in the working directory, as upstream's script writes it
    assert len(json.loads((tmp_path / "agg_bmk.json").read_text())) == 8

    extra = tmp_path / "rerun"
    write_results(extra, "single-node", [rows[2], rows[5], rows[5]][:2])
    both = drop_in(*base, "--family", "single-node", "--collect", str(results), str(extra))
    assert both.returncode == 0 and both.stdout.endswith("complete\n"), both.stdout
    write_results(tmp_path / "again", "single-node", [rows[5]])
    twice = drop_in(*base, "--family", "single-node", "--collect", str(results), str(extra), str(tmp_path / "again"))
    assert twice.returncode == 1 and "1 duplicated" in twice.stdout


def test_aggregate_is_upstreams_collect_results(tmp_path):
    results = tmp_path / "results"
    for number, name in enumerate(["bmk_a", "bmk_b/nested", "bmk_c"]):
        (results / name).mkdir(parents=True)
        (results / name / f"agg_{number}.json").write_text(json.dumps({"n": number, "v": [1.5, "x"]}))
    (tmp_path / "ours").mkdir()
    (tmp_path / "theirs").mkdir()
    aggregate(results, "bmk", tmp_path / "ours")
    subprocess.run([sys.executable, str(upstream_folder() / "utils" / "collect_results.py"), str(results), "bmk"],
                   cwd=tmp_path / "theirs", check=True)
    assert (tmp_path / "ours" / "agg_bmk.json").read_bytes() == (tmp_path / "theirs" / "agg_bmk.json").read_bytes()


SHIM_GENERATOR = "from lazysweep.inferencex import *  # noqa\nfrom lazysweep.inferencex import main\n\n" \
                 "if __name__ == '__main__':\n    main()\n"
SHIM_VALIDATION = "from lazysweep.inferencex.validation import *  # noqa\n"


def test_process_changelog_runs_with_the_drop_in_as_its_generator(tmp_path):
    """Upstream's process_changelog.py, on the real perf-changelog.yaml whose last four entries are the
    change, with utils/matrix_logic/ holding two one-line shims over the drop-in."""
    upstream = upstream_folder()
    repo = tmp_path / "InferenceX"
    (repo / "utils" / "matrix_logic").mkdir(parents=True)
    (repo / "configs").mkdir()
    for name in ("process_changelog.py", "constants.py"):
        shutil.copy(upstream / "utils" / name, repo / "utils")
    (repo / "utils" / "matrix_logic" / "generate_sweep_configs.py").write_text(SHIM_GENERATOR)
    (repo / "utils" / "matrix_logic" / "validation.py").write_text(SHIM_VALIDATION)
    for name in ("nvidia-master.yaml", "amd-master.yaml", "configs/runners.yaml"):
        shutil.copy(REAL / name, repo / "configs")
    changelog = (upstream / "perf-changelog.yaml").read_text()
    cut = [match.start() for match in re.finditer(r"^- config-keys:", changelog, flags=re.M)][-4]
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    (repo / "perf-changelog.yaml").write_text(changelog[:cut])
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    (repo / "perf-changelog.yaml").write_text(changelog)
    subprocess.run([*git, "commit", "-qam", "head"], check=True)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run([sys.executable, "utils/process_changelog.py", "--changelog-file", "perf-changelog.yaml",
                             "--base-ref", "HEAD~1", "--head-ref", "HEAD"], cwd=repo, capture_output=True,
                            text=True, env=env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    output = json.loads(result.stdout)
    keys = [key for entry in yaml.safe_load(changelog[cut:]) for key in entry["config-keys"]]
    assert keys and output["changelog_metadata"]["base_ref"] == "HEAD~1"
    benchmarks = [row for family in ("single_node", "multi_node") for rows in output[family].values() for row in rows]
    evals = [row for family in ("evals", "agentic_evals", "multinode_evals", "multinode_agentic_evals")
             for row in output.get(family, [])]
    assert benchmarks and evals
    # every row is one the drop-in prints for those keys (the corpus proves those bytes are upstream's)
    common = ["test-config", "--config-keys", *keys, "--config-files", "configs/amd-master.yaml",
              "configs/nvidia-master.yaml", "--runner-config", "configs/runners.yaml"]
    plain = json.loads(drop_in(*common, "--no-evals", cwd=repo).stdout)
    marked = json.loads(drop_in(*common, "--evals-only", cwd=repo).stdout)
    # (process_changelog.py prints the rows through its pydantic models: defaulted fields are added)
    def covers(printed: object, generated: object) -> bool:
        if isinstance(generated, dict):
            return isinstance(printed, dict) and all(key in printed and covers(printed[key], value)
                                                     for key, value in generated.items())
        return printed == generated

    def within(row: dict, generated: list[dict]) -> bool:
        return any(covers(row, candidate) for candidate in generated)

    assert all(within(row, plain) for row in benchmarks)
    assert all(within(row, marked) for row in evals)
    assert len(benchmarks) == len(plain)


def test_the_guides_count_of_rows_sharing_an_artifact_name(monkeypatch):
    """48 jobs of a real full sweep (24 pairs) can get the artifact name of another row of their family:
    the same name but for the machine, and runner labels sharing a node."""
    from collections import defaultdict

    from lazysweep.inferencex import FAMILIES, family_rows
    from lazysweep.inferencex._cli import generate, parse_args

    monkeypatch.chdir(REAL)
    labels = yaml.safe_load((REAL / "configs" / "runners.yaml").read_text())["labels"]
    rows = generate(parse_args(["full-sweep", "--config-files", "nvidia-master.yaml", "amd-master.yaml"]))
    groups = []
    for family in FAMILIES:
        by_name = defaultdict(list)
        for row in family_rows(rows, family):
            by_name[artifact_prefix(family, row) + result_name(family, row, "@")].append(row["runner"])
        for runners in by_name.values():
            machines = [{runner, *labels.get(runner, [])} for runner in runners]
            shared = [i for i, mine in enumerate(machines)
                      if any(i != j and mine & theirs for j, theirs in enumerate(machines))]
            if shared:
                groups.append(len(shared))
    assert sum(groups) == 48 and groups == [2] * 24
    assert "48 of the 2,137" in GUIDE.read_text() and "(24 pairs" in GUIDE.read_text()
