"""The composite action (action.yml), run step by step as a runner would.

actionlint does not read action.yml, so these tests parse it, check that every input and output is
wired, and run its scripts with bash and the environment a runner gives a composite step: inputs
through the step's ``env``, ``$GITHUB_OUTPUT`` per step, ``$GITHUB_ACTION_PATH`` a checkout of this
repository. The install step is real: it builds a virtual environment from that checkout.
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

import lazysweep

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
STEPS = ACTION["runs"]["steps"]
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
# What each command writes to $GITHUB_OUTPUT when the action gives it --github-output.
WRITTEN = {"batches": {"batches", "batches-count", "batches-plan"}, "batch": {"points"}, "count": {"count"},
           "get": {"point"}}


def repository_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


def copy_checkout(destination: Path) -> Path:
    """The repository's files as a checkout would have them (no .venv, no build leftovers)."""
    for name in repository_files():
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    return destination


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    """The action's checkout and a runner's temporary folder, shared by the module's runs."""
    base = tmp_path_factory.mktemp("action")
    return {"GITHUB_ACTION_PATH": str(copy_checkout(base / "action")), "RUNNER_TEMP": str(base / "temp"),
            "RUNNER_OS": "Linux"}


def read_outputs(path: Path) -> dict[str, str]:
    """Parse a $GITHUB_OUTPUT file: NAME=VALUE lines and NAME<<DELIMITER blocks."""
    outputs, lines = {}, iter(path.read_text().splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            outputs[name] = "\n".join(iter(lambda: next(lines), delimiter))
        else:
            name, value = line.split("=", 1)
            outputs[name] = value
    return outputs


def evaluate(expression: str, context: dict) -> str:
    """The expressions the action uses: context paths, ``a || b`` and ``x == 'literal'``."""
    if "==" in expression:
        left, right = (part.strip() for part in expression.split("=="))
        return "true" if evaluate(left, context) == right.strip("'") else ""
    value = ""
    for alternative in expression.split("||"):
        value = context
        for part in alternative.strip().split("."):
            value = value.get(part, "") if isinstance(value, dict) else ""
        if value:
            return str(value)
    return str(value)


def substitute(text: str, context: dict) -> str:
    return EXPRESSION.sub(lambda found: evaluate(found.group(1), context), text)


class Run:
    def __init__(self, status: int, outputs: dict[str, str], stdout: str, stderr: str, ran: list[str]) -> None:
        self.status, self.outputs, self.stdout, self.stderr, self.ran = status, outputs, stdout, stderr, ran


def run_action(runner: dict[str, str], tmp_path: Path, **inputs: str) -> Run:
    """Run action.yml's steps in order, as a runner would; stop at the first that fails."""
    context: dict = {"inputs": {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()},
                     "steps": {}}
    context["inputs"].update({name.replace("_", "-"): value for name, value in inputs.items()})
    context["inputs"]["cache"] = "false"  # actions/cache needs the Actions service
    stdout = stderr = ""
    ran = []
    for number, step in enumerate(STEPS):
        if "if" in step and not evaluate(step["if"], context):
            continue
        assert "run" in step, f"step {step['name']!r} should be skipped here"
        output = tmp_path / f"output-{number}"
        output.write_text("")
        script = tmp_path / f"step-{number}.sh"
        script.write_text(step["run"])
        env = {**os.environ, **runner, "GITHUB_OUTPUT": str(output)}
        env.pop("PIP_CACHE_DIR", None)
        env.update({name: substitute(str(value), context) for name, value in step.get("env", {}).items()})
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                                cwd=tmp_path, env=env, capture_output=True, text=True)
        stdout, stderr = stdout + result.stdout, stderr + result.stderr
        ran.append(step["id"])
        if result.returncode:
            return Run(result.returncode, {}, stdout, stderr, ran)
        context["steps"][step["id"]] = {"outputs": read_outputs(output)}
    outputs = {name: substitute(spec["value"], context) for name, spec in ACTION["outputs"].items()}
    return Run(0, outputs, stdout, stderr, ran)


def test_inputs_reach_scripts_only_through_the_environment():
    for step in STEPS:
        assert "${{" not in step.get("run", ""), f"step {step['name']!r} interpolates into its script"
    used = {found for step in STEPS for text in [*map(str, step.get("env", {}).values()), step.get("if", "")]
            for found in re.findall(r"inputs\.([\w-]+)", text)}
    used |= {found for step in STEPS for value in step.get("with", {}).values()
             for found in re.findall(r"inputs\.([\w-]+)", str(value))}
    assert used == set(ACTION["inputs"])
    for step in STEPS:
        for variable in set(re.findall(r"\$\{?(LAZYSWEEP\w*)", step.get("run", ""))):
            assert variable in step.get("env", {}), f"{step['name']!r} reads ${variable}, which its env does not set"


def test_every_output_comes_from_a_step_that_writes_it():
    writers = {step["id"]: set(re.findall(r'echo "([\w-]+)=', step.get("run", ""))) for step in STEPS if "id" in step}
    writers["run"] = set().union(*WRITTEN.values())
    for name, spec in ACTION["outputs"].items():
        sources = re.findall(r"steps\.([\w-]+)\.outputs\.([\w-]+)", spec["value"])
        assert sources, name
        for step_id, output in sources:
            assert output in writers[step_id], f"output {name!r} reads {step_id}.{output}, which nothing writes"
    for step in STEPS:
        for step_id, output in re.findall(r"steps\.([\w-]+)\.outputs\.([\w-]+)", json.dumps(step)):
            assert output in writers[step_id], f"{step['name']!r} reads {step_id}.{output}, which nothing writes"
    # every command's outputs are exposed
    exposed = {output for spec in ACTION["outputs"].values()
               for output in re.findall(r"steps\.run\.outputs\.([\w-]+)", spec["value"])}
    assert exposed == set().union(*WRITTEN.values())


def test_the_pip_cache_is_keyed_on_version_and_dependencies():
    cache = next(step for step in STEPS if step.get("uses", "").startswith("actions/cache@"))
    assert cache["if"] == "inputs.cache == 'true'"
    assert cache["with"]["key"] == "${{ steps.locate.outputs.cache-key }}"
    assert "$version-$digest" in STEPS[0]["run"] and "pyproject.toml" in STEPS[0]["run"]


def test_fan_out_with_the_action_covers_the_sweep(runner, tmp_path):
    sweep = str(ROOT / "examples" / "fanout.yaml")
    plan = run_action(runner, tmp_path, command="batches", sweep=sweep)
    assert plan.status == 0, plan.stderr
    assert plan.ran == ["locate", "install", "run"]
    assert plan.outputs["batches"] == "[0,1,2]"
    assert plan.outputs["lazysweep"].startswith(runner["RUNNER_TEMP"])
    points = []
    for index in json.loads(plan.outputs["batches"]):
        batch = run_action(runner, tmp_path, command="batch", sweep=sweep, index=str(index), plan=plan.outputs["plan"])
        assert batch.status == 0, batch.stderr
        points += json.loads(batch.outputs["points"])
    assert points == list(lazysweep.load(sweep))


def test_batches_exposes_count_and_plan(runner, tmp_path):
    sweep = str(ROOT / "examples" / "fanout.yaml")
    plan = run_action(runner, tmp_path, command="batches", sweep=sweep, size="100")
    assert plan.status == 0, plan.stderr
    assert (plan.outputs["batches"], plan.outputs["count"]) == ("[0,1,2,3,4,5]", "600")
    assert plan.outputs["plan"]
    last = run_action(runner, tmp_path, command="batch", sweep=sweep, index="5", plan=plan.outputs["plan"])
    assert last.status == 0, last.stderr
    assert json.loads(last.outputs["points"]) == list(lazysweep.load(sweep))[500:]


def test_count_get_and_extra_arguments(runner, tmp_path):
    sweep = str(ROOT / "examples" / "sweep.yaml")
    count = run_action(runner, tmp_path, command="count", sweep=f"\n  {sweep}\n{sweep}  \n")
    assert count.status == 0 and count.outputs["count"] == "60000"
    point = run_action(runner, tmp_path, command="get", sweep=sweep, index="7")
    assert point.status == 0 and json.loads(point.outputs["point"]) == lazysweep.load(sweep)[7]
    stream = run_action(runner, tmp_path, command="stream", sweep=sweep, args="--start\n-1\n--format\njson")
    assert stream.status == 0 and json.loads(stream.stdout.splitlines()[-1]) == [lazysweep.load(sweep)[-1]]


def test_inputs_are_data_not_code(runner, tmp_path):
    marker = tmp_path / "pwned"
    hostile = f"$(touch {marker}); touch {marker} `touch {marker}`"
    run = run_action(runner, tmp_path, command="count", sweep=hostile, args=f"--job\n$(touch {marker})")
    assert run.status == 1 and not marker.exists()
    # the error is lazysweep's own line, shown on the pull request as an annotation
    assert "no such file" in run.stderr
    assert "::error title=lazysweep count::lazysweep: error: $(touch" in run.stdout


def test_errors_become_annotations(runner, tmp_path):
    run = run_action(runner, tmp_path, command="batch", sweep=str(ROOT / "examples" / "sweep.yaml"), index="99999")
    assert run.status == 2
    annotation = [line for line in run.stdout.splitlines() if line.startswith("::error")]
    assert annotation == ["::error title=lazysweep batch::lazysweep: error: batch index 99999 is out of range: "
                          "valid range is 0 to 117 (or -118 to -1 from the end)"]


def test_lint_annotates_the_pull_request(runner, tmp_path):
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "big.yml").write_text(
        "on: push\njobs:\n  wide:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n"
        f"        n: {list(range(300))}\n    steps: [{{run: echo}}]\n"
    )
    run = run_action(runner, tmp_path, command="lint", sweep=".github/workflows")
    assert run.status == 1
    assert "::error file=.github/workflows/big.yml,line=6" in run.stdout


def test_a_second_use_in_the_job_reuses_the_environment(runner, tmp_path):
    first = run_action(runner, tmp_path, command="count", sweep=str(ROOT / "examples" / "huge.yaml"))
    marker = Path(first.outputs["lazysweep"]).parent / "marker"
    marker.write_text("")
    second = run_action(runner, tmp_path, command="count", sweep=str(ROOT / "examples" / "huge.yaml"))
    assert second.outputs["count"] == first.outputs["count"] == str(10**18)
    assert marker.exists()


def test_a_missing_or_old_python_is_refused_with_advice(runner, tmp_path):
    old = tmp_path / "python3.9"
    old.write_text('#!/bin/sh\nif [ "$1" = -V ]; then echo "Python 3.9.18"; fi\nexit 1\n')
    old.chmod(0o755)
    run = run_action(runner, tmp_path, command="count", sweep="x", python=str(old))
    assert run.status == 1 and run.ran == ["locate"]
    assert "::error title=lazysweep::Python 3.9.18 is too old for lazysweep (3.10 or later): add actions/setup-python" \
        in run.stdout
    run = run_action(runner, tmp_path, command="count", sweep="x", python=str(tmp_path / "nowhere"))
    assert run.status == 1 and "::error title=lazysweep::no Python found" in run.stdout


def test_the_scripts_pass_shellcheck(tmp_path):
    found = shutil.which("shellcheck", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
    if not found:
        pytest.skip("shellcheck is not installed (the test extra brings it on x86_64 Linux)")
    for number, step in enumerate(STEPS):
        if "run" in step:
            script = tmp_path / f"step-{number}.sh"
            script.write_text("#!/usr/bin/env bash\n" + step["run"])
            result = subprocess.run([found, str(script)], capture_output=True, text=True)
            assert result.returncode == 0, result.stdout


def unescape_property(text: str) -> str:
    """A workflow command's property as the runner reads it (actions/runner, src/Runner.Common/
    ActionCommand.cs: ``%3A`` ``%2C`` ``%0D`` ``%0A`` back, and ``%25`` last)."""
    for escaped, plain in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, plain)
    return text


def test_the_annotation_title_is_escaped(runner, tmp_path):
    """The title holds the command the workflow names: its ``:`` and ``,`` would end the title (or
    start another property) unless escaped, and ``%`` would read as an escape."""
    command = "count,file=x.yml:extra%41"
    run = run_action(runner, tmp_path, command=command, sweep="x")
    assert run.status == 2
    (annotation,) = [line for line in run.stdout.splitlines() if line.startswith("::error")]
    properties, message = annotation.removeprefix("::error ").split("::", 1)
    assert properties == "title=lazysweep count%2Cfile=x.yml%3Aextra%2541"
    (name, value), = [properties.split("=", 1)]
    assert (name, unescape_property(value)) == ("title", f"lazysweep {command}")
    assert message.startswith("lazysweep: error: ")
