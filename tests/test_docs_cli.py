"""docs/cli.md's command table is the commands' own one-line summaries (its console and Python
blocks run in tests/test_docs.py, as every page's do)."""

from __future__ import annotations

from pathlib import Path

from lazysweep._cli import COMMANDS

ROOT = Path(__file__).resolve().parent.parent


def test_the_command_table_is_the_help():
    text = (ROOT / "docs" / "cli.md").read_text()
    for name, (summary, _, _) in COMMANDS.items():
        assert f"| `{name}` | {summary} |" in text
