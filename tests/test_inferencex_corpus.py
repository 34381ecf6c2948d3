"""Replay of the InferenceX golden corpus (upstream 843c6254f): every recorded invocation, byte for byte.

In-process through the command line for speed (each YAML file parsed once per
set; everything after parsing runs per record), plus a sample as real
processes. tests/compat-ix/ holds what the records use, copied from the
shared ground truth; outputs over 4 KiB are kept as their SHA-256, byte count
and entry count (the corpus format's ``stdout_sha256``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import Corpus

CORPUS = Corpus(Path(__file__).resolve().parent / "compat-ix", "inferencex")


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
    records = [record for found in CORPUS.records.values() for record in found]
    assert len(records) == 9773 and len(CORPUS.records) == 8
    assert sum(record.get("derived", False) for record in records) == 1258


@pytest.mark.parametrize("name", sorted(CORPUS.records))
def test_corpus_set_in_process(name, monkeypatch, parse_once):
    CORPUS.replay_in_process(name, monkeypatch)


def test_corpus_sample_as_processes():
    CORPUS.replay_as_processes(every=200, at_least=45)
