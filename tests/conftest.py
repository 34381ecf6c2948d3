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


def run_drop_in(name: str, argv: list[str]) -> tuple[int, str, str]:
    """``lazysweep.<name>.command_line(argv)`` in-process: (exit status, stdout, stderr)."""
    import importlib

    command_line = importlib.import_module(f"lazysweep.{name}").command_line
    out, err = io.StringIO(), io.StringIO()
    status = 0
    with redirect_stdout(out), redirect_stderr(err):
        try:
            command_line(argv)
        except SystemExit as exit_:
            status = exit_.code
    return status, out.getvalue(), err.getvalue()


def run_inferencemax(argv: list[str]) -> tuple[int, str, str]:
    """``lazysweep.inferencemax.command_line(argv)`` in-process: (exit status, stdout, stderr)."""
    return run_drop_in("inferencemax", argv)


def corpus_mismatch(record: dict[str, Any], status: int, out: str, err: str) -> str | None:
    """Why an outcome differs from a golden-corpus record, or None when it matches.

    A success must print ``stdout`` exactly (or text with its ``stdout_sha256`` and
    ``stdout_bytes``); a failure must exit 1 or 2 with nothing on stdout and one line on
    stderr holding ``stderr_contains`` when the record gives it.
    """
    if record["exit"] == 0:
        if status != 0:
            return f"exit {status}, stderr {err.strip()!r}"
        if "stdout" in record:
            return None if out == record["stdout"] else f"stdout differs: {out[:200]!r} vs {record['stdout'][:200]!r}"
        import hashlib

        data = out.encode()
        if hashlib.sha256(data).hexdigest() != record["stdout_sha256"] or len(data) != record["stdout_bytes"]:
            return f"stdout differs: {len(data)} bytes, {out[:200]!r}"
        return None
    if status not in (1, 2):
        return f"exit {status}, expected a failure (1 or 2)"
    if out:
        return f"wrote stdout on failure: {out[:100]!r}"
    if err.count("\n") != 1 or "Traceback" in err:
        return f"stderr is not one line: {err!r}"
    expected = record.get("stderr_contains")
    if expected and expected not in err:
        return f"stderr {err.strip()!r} lacks {expected!r}"
    return None


class Corpus:
    """A golden corpus (``corpus.jsonl.gz`` in ``folder``, one folder per set) of a drop-in's runs."""

    def __init__(self, folder: Any, drop_in: str) -> None:
        import gzip
        import json

        self.folder, self.drop_in = folder, drop_in
        self.records: dict[str, list[dict[str, Any]]] = {}
        with gzip.open(folder / "corpus.jsonl.gz", "rt") as lines:
            for line in lines:
                record = json.loads(line)
                self.records.setdefault(record["set"], []).append(record)

    def replay_in_process(self, name: str, monkeypatch: Any) -> None:
        """Every record of set ``name`` through the command line in-process; assert they all match."""
        monkeypatch.chdir(self.folder / name)
        failures = []
        for record in self.records[name]:
            why = corpus_mismatch(record, *run_drop_in(self.drop_in, record["argv"]))
            if why:
                failures.append(f"{' '.join(record['argv'])}: {why}")
        assert not failures, f"{len(failures)} of {len(self.records[name])} records differ:\n" + "\n".join(failures[:10])

    def replay_as_processes(self, every: int, at_least: int) -> None:
        """Every ``every``-th record of each set as a real ``python -m lazysweep.<drop-in>`` process."""
        import os
        import subprocess
        import sys

        sample = [record for name in sorted(self.records) for record in self.records[name][::every]]
        assert len(sample) >= at_least
        root = self.folder.parent.parent
        for record in sample:
            result = subprocess.run(
                [sys.executable, "-m", f"lazysweep.{self.drop_in}", *record["argv"]],
                cwd=self.folder / record["set"], capture_output=True, text=True,
                env={**os.environ, "PYTHONPATH": str(root)},
            )
            why = corpus_mismatch(record, result.returncode, result.stdout, result.stderr)
            assert why is None, f"{' '.join(record['argv'])}: {why}"


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
    """The first ``language`` code block holding ``marker`` in README.md or docs/. Tests run these blocks as written."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for page in [root / "README.md", *sorted((root / "docs").rglob("*.md"))]:
        for block in re.findall(rf"```{language}\n(.*?)```", page.read_text(), flags=re.S):
            if marker in block:
                return block
    raise AssertionError(f"no {language} block holding {marker!r} in README.md or docs/")
