"""Loading: GitHub's scalar rules (YAML 1.2 core) cost no more than PyYAML's resolver did."""

from __future__ import annotations

import random

import pytest
import yaml

from lazysweep._loader import GITHUB, PYYAML, Limits, parse_document

GROUP = "loader: 5,000 entries of mixed plain scalars (~0.3 MB)"


@pytest.fixture(scope="module")
def text() -> str:
    """A config-like file: distinct strings, integers, floats, booleans and nulls, as plain scalars."""
    pick = random.Random(11)
    words = ["ubuntu-latest", "yes", "true", "null", "v1.2", "1e-4", "0x1F", "2024-01-01", "on", "~"]
    lines = []
    for i in range(5_000):
        lines.append(
            f"- {{name: model-{i}, tp: {pick.randrange(1, 64)}, lr: {pick.random():.6g}, "
            f"tag: {pick.choice(words)}, seed: {pick.randrange(10**9)}, on: {pick.choice(['true', 'false'])}}}"
        )
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("dialect", [GITHUB, PYYAML])
def test_load_dialect(benchmark, text, dialect):
    benchmark.group = GROUP
    limits = Limits()
    assert len(benchmark(parse_document, text, "bench.yaml", limits, False, dialect).value) == 5_000


def test_baseline_yaml_csafe_load(benchmark, text):
    benchmark.group = GROUP
    assert len(benchmark(yaml.load, text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))) == 5_000
