"""Replay of the InferenceX golden corpus (upstream 843c6254f): every recorded invocation, byte for byte.

In-process through the command line for speed (each YAML file parsed once per
set; everything after parsing runs per record), plus a sample as real
processes. tests/compat-ix/ holds what the records use, copied from the
shared ground truth; outputs over 4 KiB are kept as their SHA-256, byte count
and entry count (the corpus format's ``stdout_sha256``).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
from collections import defaultdict
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COMPAT = Path(__file__).resolve().parent / "compat-ix"


def records_by_set() -> dict[str, list[dict]]:
    grouped = defaultdict(list)
    with gzip.open(COMPAT / "corpus.jsonl.gz", "rt") as lines:
        for line in lines:
            record = json.loads(line)
            grouped[record["set"]].append(record)
    return dict(grouped)


RECORDS = records_by_set()


def mismatch(record: dict, status: int, out: str, err: str) -> str | None:
    """Why an outcome differs from the record, or None when it matches."""
    if record["exit"] == 0:
        if status != 0:
            return f"exit {status}, stderr {err.strip()!r}"
        if "stdout" in record:
            return None if out == record["stdout"] else f"stdout differs: {out[:200]!r} vs {record['stdout'][:200]!r}"
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


def run_inferencex(argv: list[str]) -> tuple[int, str, str]:
    """The drop-in's command line in-process: (exit status, stdout, stderr)."""
    from lazysweep.inferencex.cli import command_line

    out, err = io.StringIO(), io.StringIO()
    status = 0
    with redirect_stdout(out), redirect_stderr(err):
        try:
            command_line(argv)
        except SystemExit as exit_:
            status = exit_.code
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def parse_once(monkeypatch):
    """Parse each YAML file once (per working directory): the replay is about what follows parsing."""
    from lazysweep.inferencex import validation

    parse, cache = validation.load_yaml, {}

    def cached(path):
        key = (os.getcwd(), path)
        if key not in cache:
            try:
                cache[key] = (True, parse(path))
            except Exception as error:  # replayed for every record that reads the file
                cache[key] = (False, error)
        parsed, value = cache[key]
        if not parsed:
            raise value
        return value

    monkeypatch.setattr(validation, "load_yaml", cached)


def test_the_corpus_is_all_there():
    assert sum(map(len, RECORDS.values())) == 9773 and len(RECORDS) == 8
    assert sum(record.get("derived", False) for records in RECORDS.values() for record in records) == 1258


@pytest.mark.parametrize("name", sorted(RECORDS))
def test_corpus_set_in_process(name, monkeypatch, parse_once):
    monkeypatch.chdir(COMPAT / name)
    failures = []
    for record in RECORDS[name]:
        why = mismatch(record, *run_inferencex(record["argv"]))
        if why:
            failures.append(f"{' '.join(record['argv'])}: {why}")
    assert not failures, f"{len(failures)} of {len(RECORDS[name])} records differ:\n" + "\n".join(failures[:10])


def test_corpus_sample_as_processes():
    sample = [record for name in sorted(RECORDS) for record in RECORDS[name][::200]]
    assert len(sample) >= 45
    for record in sample:
        result = subprocess.run(
            [sys.executable, "-m", "lazysweep.inferencex", *record["argv"]],
            cwd=COMPAT / record["set"], capture_output=True, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        why = mismatch(record, result.returncode, result.stdout, result.stderr)
        assert why is None, f"{' '.join(record['argv'])}: {why}"
