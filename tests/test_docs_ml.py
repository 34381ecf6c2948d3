"""docs-ml.md (the draft README section of issue #14) runs as written: console, python and sh blocks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import test_readme

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs-ml.md").read_text()


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC, flags=re.S)


def console_examples() -> list[tuple[str, str]]:
    return [tuple(chunk.partition("\n")[::2]) for block in blocks("console") for chunk in re.split(r"^\$ ", block,
            flags=re.M)[1:]]


@pytest.mark.parametrize("command, expected", console_examples())
def test_console_examples(command, expected):
    test_readme.test_console_examples(command, expected)


@pytest.mark.parametrize("code", blocks("python"))
def test_python_examples(code, monkeypatch):
    test_readme.test_python_examples(code, monkeypatch)


SH_OUTPUTS = [
    "3\n",
    "--lr=0.0001|--seed=0|\n--lr=0.0001|--seed=1|\n--lr=0.0003|--seed=0|\n--lr=0.0003|--seed=1|\n",
]


@pytest.mark.parametrize("script, expected", list(zip(blocks("sh"), SH_OUTPUTS, strict=True)))
def test_shell_examples(script, expected, tmp_path):
    tool = tmp_path / "lazysweep"
    tool.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m lazysweep "$@"\n')
    tool.chmod(0o755)
    done = subprocess.run(
        ["bash", "-c", script], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"},
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, expected, "")
