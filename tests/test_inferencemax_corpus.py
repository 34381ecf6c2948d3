"""Replay of the InferenceMAX golden corpus: every recorded invocation, byte for byte.

In-process through the command line for speed, plus a sample as real processes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Corpus

CORPUS = Corpus(Path(__file__).resolve().parent / "compat", "inferencemax")


def test_the_corpus_is_all_there():
    assert sum(map(len, CORPUS.records.values())) == 6117 and len(CORPUS.records) == 7


@pytest.mark.parametrize("name", sorted(CORPUS.records))
def test_corpus_set_in_process(name, monkeypatch):
    CORPUS.replay_in_process(name, monkeypatch)


def test_corpus_sample_as_processes():
    CORPUS.replay_as_processes(every=150, at_least=30)
