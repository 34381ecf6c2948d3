"""Shared helpers: an eager oracle for sweeps, and running the CLI."""

from __future__ import annotations

import io
import itertools
from contextlib import redirect_stderr, redirect_stdout
from typing import Any

import pytest


def eager_axis(values: Any) -> list[Any]:
    """An axis's values the plain way: lists stay, ranges are listed by loops."""
    if isinstance(values, list):
        return values
    start, stop = values["start"], values["stop"]
    if "factor" in values:
        out, value = [], start
        while value < stop:
            out.append(value)
            value *= values["factor"]
        return out + [stop]
    return list(range(start, stop + 1, values.get("step", 1)))


def eager_points(matrix: dict[str, Any]) -> list[dict[str, Any]]:
    """Every point of a matrix, built with itertools.product: the test oracle."""
    keys = list(matrix)
    return [dict(zip(keys, combo)) for combo in itertools.product(*(eager_axis(v) for v in matrix.values()))]


@pytest.fixture
def write(tmp_path):
    """Write text to a file in a temporary folder and return its path as a string."""

    def write(text: str | bytes, name: str = "sweep.yaml") -> str:
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)
        return str(path)

    return write


def run_inferencemax(argv: list[str]) -> tuple[int, str, str]:
    """``lazysweep.inferencemax.main(argv)`` in-process: (exit status, stdout, stderr)."""
    from lazysweep import inferencemax

    out, err = io.StringIO(), io.StringIO()
    status = 0
    with redirect_stdout(out), redirect_stderr(err):
        try:
            inferencemax.main(argv)
        except SystemExit as exit_:
            status = exit_.code
    return status, out.getvalue(), err.getvalue()


def require_engine_host(engine: str, root: bool = False) -> None:
    """Skip unless this machine can run ``engine``: x86_64 Linux (act's wheel, Debian's Slurm), and
    root when ``root`` (Slurm's daemons run as root here).

    Anywhere else the engine is missing by nature, so the test is skipped with the reason; on such a
    host a missing tool is a failure instead (CI installs it: see .ci/run).
    """
    import os
    import platform
    import sys

    if sys.platform != "linux" or platform.machine() != "x86_64":
        pytest.skip(f"{engine} runs here only on x86_64 Linux, not {sys.platform} {platform.machine()}")
    if root and os.geteuid() != 0:
        pytest.skip(f"{engine} needs root here: its daemons run as root")


def documented_block(language: str, marker: str) -> str:
    """The first ``language`` code block holding ``marker`` in README.md or, until the engines text
    is merged into it, in its draft docs-engines.md. Tests run these blocks as written."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for name in ("README.md", "docs-engines.md"):
        path = root / name
        text = path.read_text() if path.exists() else ""
        for block in re.findall(rf"```{language}\n(.*?)```", text, flags=re.S):
            if marker in block:
                return block
    raise AssertionError(f"no {language} block holding {marker!r} in README.md or docs-engines.md")
