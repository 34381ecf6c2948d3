"""tests/upstream_alias.py: upstream's test files run against our drop-ins, never against upstream's code.

The real upstream suites are not part of the repository; these tests write a
tiny fake checkout whose generator module would fail if it were imported.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

RUNNER = Path(__file__).resolve().parent / "upstream_alias.py"

FAKE_TESTS = '''
import generate_sweep_configs
from generate_sweep_configs import seq_len_to_str
{validation}

def test_names_are_the_drop_in():
    assert generate_sweep_configs.__name__ == "{target}"

def test_behaviour_is_the_drop_in():
    assert seq_len_to_str(8192, 1024) == "8k1k"
'''


def fake_checkout(root: Path, folder: str, target: str, validation: str = "") -> Path:
    tests = root / folder
    tests.mkdir(parents=True)
    (tests / "generate_sweep_configs.py").write_text("raise RuntimeError('upstream code was imported')\n")
    (tests / "validation.py").write_text("raise RuntimeError('upstream code was imported')\n")
    (tests / "test_generate_sweep_configs.py").write_text(FAKE_TESTS.format(target=target, validation=validation))
    return root


def run(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(RUNNER), *arguments, "-q"], capture_output=True, text=True, env=env,
                          timeout=120)


def test_inferencex_suite_runs_against_lazysweep_inferencex(tmp_path):
    checkout = fake_checkout(tmp_path, "utils/matrix_logic", "lazysweep.inferencex",
                             "from validation import load_config_files, load_runner_file  # noqa: F401")
    result = run(str(checkout))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_inferencemax_suite_runs_against_lazysweep_inferencemax(tmp_path):
    checkout = fake_checkout(tmp_path, "utils/matrix-logic", "lazysweep.inferencemax")
    result = run(str(checkout), "--dropin", "inferencemax")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_checkout_from_the_environment_and_failures_reach_the_exit_status(tmp_path):
    checkout = fake_checkout(tmp_path, "utils/matrix_logic", "upstream's own module")
    env = {**os.environ, "LAZYSWEEP_UPSTREAM": str(checkout)}
    result = run(env=env)
    assert result.returncode == 1
    assert "1 failed, 1 passed" in result.stdout


def test_a_checkout_without_the_suites_is_refused(tmp_path):
    sys.path.insert(0, str(RUNNER.parent))
    try:
        import upstream_alias
    finally:
        sys.path.remove(str(RUNNER.parent))
    with pytest.raises(SystemExit, match="test_generate_sweep_configs.py"):
        upstream_alias.upstream_test_files(str(tmp_path))
