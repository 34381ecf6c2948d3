"""Replay of the InferenceMAX golden corpus: every recorded invocation, byte for byte.

In-process through ``main()`` for speed, plus a sample as real processes.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import run_inferencemax

ROOT = Path(__file__).resolve().parent.parent
COMPAT = Path(__file__).resolve().parent / "compat"
CORPUS = COMPAT / "corpus.jsonl.gz"


def records_by_set() -> dict[str, list[dict]]:
    grouped = defaultdict(list)
    with gzip.open(CORPUS, "rt") as lines:
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
        if out != record["stdout"]:
            return f"stdout differs: {out[:200]!r} vs {record['stdout'][:200]!r}"
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


def test_the_corpus_is_all_there():
    assert sum(map(len, RECORDS.values())) == 6117 and len(RECORDS) == 7


@pytest.mark.parametrize("name", sorted(RECORDS))
def test_corpus_set_in_process(name, monkeypatch):
    monkeypatch.chdir(COMPAT / name)
    failures = []
    for record in RECORDS[name]:
        why = mismatch(record, *run_inferencemax(record["argv"]))
        if why:
            failures.append(f"{' '.join(record['argv'])}: {why}")
    assert not failures, f"{len(failures)} of {len(RECORDS[name])} records differ:\n" + "\n".join(failures[:10])


def test_corpus_sample_as_processes():
    sample = [record for name in sorted(RECORDS) for record in RECORDS[name][::150]]
    assert len(sample) >= 30
    for record in sample:
        result = subprocess.run(
            [sys.executable, "-m", "lazysweep.inferencemax", *record["argv"]],
            cwd=COMPAT / record["set"], capture_output=True, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        why = mismatch(record, result.returncode, result.stdout, result.stderr)
        assert why is None, f"{' '.join(record['argv'])}: {why}"
