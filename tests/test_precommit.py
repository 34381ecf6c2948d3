"""The pre-commit hook, run by pre-commit itself (`pre-commit try-repo`) in a repository of its own.

try-repo installs this repository into a fresh virtual environment as pre-commit would for a user
(its dependencies from PyPI), then runs the hook on the files its `files` pattern selects.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from lazysweep._workflow import JobReport

ROOT = Path(__file__).resolve().parent.parent
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())


def workflow(job: str, values: int) -> str:
    return (f"on: push\njobs:\n  {job}:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n"
            f"        n: {list(range(values))}\n    steps:\n      - run: echo\n")


def test_the_hook_is_declared_as_documented():
    assert [hook["id"] for hook in HOOKS] == ["lazysweep-lint"]
    hook = HOOKS[0]
    assert (hook["language"], hook["files"], hook["entry"]) == ("python", r"^\.github/workflows/[^/]+\.ya?ml$",
                                                                "lazysweep lint")


@pytest.fixture
def repository(tmp_path):
    """A git repository with one good and one oversized workflow, and files the hook must not read:
    YAML outside .github/workflows/, and YAML in a subfolder of it, which GitHub does not read as a
    workflow (apache/arrow keeps such files there)."""
    repo = tmp_path / "repo"
    workflows = repo / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "small.yml").write_text(workflow("small", 3))
    (workflows / "wide.yaml").write_text(workflow("wide", 300))
    (repo / "not-a-workflow.yml").write_text("matrix: [unclosed\n")
    (workflows / "templates").mkdir()
    (workflows / "templates" / "not-a-workflow.yml").write_text("{{ jinja: [unclosed\n")
    (workflows / "templates" / "wide.yml").write_text(workflow("templated", 300))
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    return repo


def test_pre_commit_try_repo_fails_and_names_the_job(repository, tmp_path):
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PRE_COMMIT_COLOR": "never"}
    env.pop("PYTHONPATH", None)
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "lazysweep-lint", "--all-files", "--verbose"],
        cwd=repository, env=env, capture_output=True, text=True,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "lazysweep lint" in output and "Failed" in output
    assert ".github/workflows/wide.yaml:6:7: job 'wide': 300 jobs, over GitHub's limit of 256" in output
    assert JobReport(".github/workflows/wide.yaml", "wide", 300).fix in output
    assert "lazysweep split .github/workflows/wide.yaml --job wide" in output
    assert ".github/workflows/small.yml:6:7: job 'small': 3 jobs, ok" in output
    assert "not-a-workflow" not in output and "templates" not in output and "templated" not in output


@pytest.mark.parametrize("path, selected", [
    (".github/workflows/ci.yml", True), (".github/workflows/ci.yaml", True),
    (".github/workflows/templates/ci.yml", False), (".github/workflows/a/b/ci.yaml", False),
    (".github/workflows/ci.yml.orig", False), ("sub/.github/workflows/ci.yml", False), ("ci.yml", False),
])
def test_the_files_pattern_selects_only_workflows(path, selected):
    assert bool(re.search(HOOKS[0]["files"], path)) is selected
