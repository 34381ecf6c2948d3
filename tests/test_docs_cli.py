"""docs/cli.md and docs/sampling.md run as written: every console command, every Python block, and the
command table matches the commands' own one-line summaries."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from lazysweep._cli import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "docs" / "cli.md", ROOT / "docs" / "sampling.md"]


def blocks(language: str) -> list[tuple[str, str]]:
    return [(page.name, block) for page in PAGES
            for block in re.findall(rf"```{language}\n(.*?)```", page.read_text(), flags=re.S)]


def console_examples() -> list[tuple[str, str]]:
    examples = []
    for _, block in blocks("console"):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            examples.append((command, output))
    return examples


@pytest.mark.parametrize("command, expected", console_examples())
def test_console_examples(command, expected):
    status = 0
    found = re.search(r"^\(exit status (\d+)\)\n\Z", expected, flags=re.M)
    if found:
        status, expected = int(found.group(1)), expected[: found.start()]
    argv = shlex.split(command)
    assignments = {}
    while "=" in argv[0]:
        name, _, value = argv.pop(0).partition("=")
        assignments[name] = value
    assert argv[0] == "lazysweep"
    result = subprocess.run(
        [sys.executable, "-m", "lazysweep", *argv[1:]], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, **assignments, "PYTHONPATH": str(ROOT)},
    )
    assert (result.returncode, result.stdout, result.stderr) == (status, expected, "")


@pytest.mark.parametrize("page, code", blocks("python"))
def test_python_examples(page, code, monkeypatch):
    monkeypatch.chdir(ROOT)
    exec(compile(code, page, "exec"), {})


def test_the_command_table_is_the_help():
    text = (ROOT / "docs" / "cli.md").read_text()
    for name, (summary, _, _) in COMMANDS.items():
        assert f"| `{name}` | {summary} |" in text
