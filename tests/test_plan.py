"""Fingerprints and plan tokens: what counts as the same sweep, and tokens that round-trip."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lazysweep import load, from_matrix
from lazysweep._plan import Plan, describe, field_names, fingerprint, selection_fingerprint
from lazysweep._selection import select

BLOCK = """\
# a benchmark sweep
matrix:
  model: [llama, mistral]      # two models
  conc:
    start: 4
    stop: 64
    factor: 2
  opts: [{tp: 8, ep: 1}]
  exclude:
    - {model: mistral, conc: 8}
    - model: llama
      conc: 4
  include:
    - {model: llama, extra: true}
"""

FLOW = (
    "matrix: {model: ['llama', \"mistral\"], conc: {factor: 2, stop: 64, start: 4}, opts: [{ep: 1, tp: 8}],\n"
    "  exclude: [{conc: 4, model: llama}, {conc: 8, model: mistral}, {model: llama, conc: 4}],\n"
    "  include: [{extra: true, model: llama}]}\n"
)


def test_stable_across_comments_style_and_key_order(write):
    assert fingerprint(load(write(BLOCK, "a.yaml"))) == fingerprint(load(write(FLOW, "b.yaml")))
    assert fingerprint(load(write(BLOCK.replace("\n", "\r\n"), "c.yaml"))) == fingerprint(load(write(BLOCK, "a.yaml")))


def test_anchors_and_merge_keys_are_style_too(write):
    plain = "matrix:\n  a: {start: 0, stop: 3}\n  b: {start: 0, stop: 3, step: 1}\n  c: [{x: 1, y: 2}]\n"
    anchored = "matrix:\n  a: &r {start: 0, stop: 3}\n  b: {<<: *r, step: 1}\n  c: [{<<: {y: 2}, x: 1}]\n"
    assert fingerprint(load(write(plain, "p.yaml"))) == fingerprint(load(write(anchored, "a.yaml")))


def test_known_value_is_stable_across_platforms(write):
    # A fixed expectation: the fingerprint must not depend on the platform, the Python version or hash seeds.
    assert fingerprint(load(write("matrix: {x: [1, 2, 3], y: [a]}\n"))) == fingerprint(
        from_matrix({"x": range(1, 4), "y": ("a",)})
    )
    sweep = from_matrix({"x": [1, 2, 3], "y": ["a"]})
    assert describe(sweep) == ["product", [["x", ["arithmetic", 1, 1, 3]], ["y", ["values", ['"a"']]]]]
    text = '["lazysweep-sweep-1",["product",[["x",["arithmetic",1,1,3]],["y",["values",["\\"a\\""]]]]]]'
    assert fingerprint(sweep) == hashlib.sha256(text.encode()).hexdigest()[:16] == "9e3f809297c5f993"


def test_same_values_same_axis():
    same = [
        ({"n": [1, 2, 3]}, {"n": {"start": 1, "stop": 3}}),
        ({"n": [0, 5, 10]}, {"n": {"start": 0, "stop": 12, "step": 5}}),
        ({"n": [4, 8, 16, 32, 64, 100]}, {"n": {"start": 4, "stop": 100, "factor": 2}}),
        ({"n": [4, 8, 12]}, {"n": {"start": 4, "stop": 12, "factor": 2}}),
        ({"n": [7]}, {"n": {"start": 7, "stop": 7}}),
        ({"n": [7]}, {"n": {"start": 7, "stop": 7, "factor": 3}}),
        ({"n": [3, 2, 1]}, {"n": range(3, 0, -1)}),
        ({"o": [{"a": 1, "b": [2]}]}, {"o": [{"b": [2], "a": 1}]}),
    ]
    for a, b in same:
        assert fingerprint(from_matrix(a)) == fingerprint(from_matrix(b)), (a, b)


def test_different_sweeps_differ():
    base = {"x": [1, 2], "y": ["a", "b"]}
    different = [
        {"y": ["a", "b"], "x": [1, 2]},  # axis order is point order
        {"x": [1, 2], "y": ["a", "c"]},
        {"x": [1.0, 2], "y": ["a", "b"]},  # 1.0 is written 1.0, not 1
        {"x": ["1", 2], "y": ["a", "b"]},
        {"x": [True, 2], "y": ["a", "b"]},
        {"x": [1, 2], "z": ["a", "b"]},
        {"x": [2, 1], "y": ["a", "b"]},
        {**base, "exclude": [{"x": 1}]},
        {**base, "include": [{"x": 1, "e": 1}, {"x": 1, "e": 2}]},
        {**base, "include": [{"x": 1, "e": 2}, {"x": 1, "e": 1}]},
    ]
    prints = [fingerprint(from_matrix(m)) for m in [base, *different]]
    assert len(set(prints)) == len(prints)


def test_concatenation_however_split(write):
    a, b = write("matrix: {x: [1]}\n", "a.yaml"), write("matrix: {y: [2]}\n", "b.yaml")
    both = write("sweeps:\n  - matrix: {x: [1]}\n  - matrix: {y: [2]}\n", "both.yaml")
    assert fingerprint(load([a, b])) == fingerprint(load(both)) != fingerprint(load([b, a]))
    assert fingerprint(load([a, both])) == fingerprint(load([a, a, b]))


def test_selections_and_slices():
    sweep = from_matrix({"x": {"start": 0, "stop": 99}})
    assert fingerprint(select(sweep, "1-3")) == fingerprint(select(sweep, "3,1,2")) != fingerprint(sweep)
    assert fingerprint(sweep[::2]) != fingerprint(sweep[1::2])
    assert selection_fingerprint([["only", "1-3"]]) != selection_fingerprint([["only", "1-4"]])
    with pytest.raises(TypeError, match="cannot fingerprint"):
        describe(object())  # type: ignore[arg-type]


@given(st.integers(-50, 50), st.integers(1, 9), st.integers(1, 8))
def test_arithmetic_range_is_its_list(start, step, size):
    values = list(range(start, start + step * size, step))
    as_range = {"n": {"start": start, "stop": values[-1] + step - 1, "step": step}}
    assert fingerprint(from_matrix({"n": values})) == fingerprint(from_matrix(as_range))


@given(st.integers(1, 40), st.integers(2, 5), st.integers(1, 5000))
def test_geometric_range_is_its_list(start, factor, stop):
    stop = max(start, stop)
    as_range = from_matrix({"n": {"start": start, "stop": stop, "factor": factor}})
    as_list = from_matrix({"n": [point["n"] for point in as_range]})
    assert fingerprint(as_range) == fingerprint(as_list)


def test_fingerprint_costs_nothing_per_point():
    huge = from_matrix({f"a{i}": {"start": 0, "stop": 10**12} for i in range(6)})
    assert huge.count > 10**70
    assert len(fingerprint(huge)) == 16


def test_field_names():
    sweep = from_matrix({"os": ["a"], "n": [1], "include": [{"os": "a", "x": 1}, {"z": 2}]})
    assert field_names(sweep) == {"os", "n", "x", "z"}
    assert field_names(select(sweep[0:], "0")) == {"os", "n", "x", "z"}


def test_plan_tokens():
    plan = Plan(256, "0123456789abcdef")
    assert str(plan) == "v1.256.0123456789abcdef" and Plan.parse(str(plan)) == plan
    narrowed = Plan(10, "0123456789abcdef", "fedcba9876543210")
    assert str(narrowed) == "v1.10.0123456789abcdef.fedcba9876543210"
    assert Plan.parse(" " + str(narrowed) + "\n") == narrowed != plan
    sweep = from_matrix({"x": [1, 2]})
    assert Plan.of(sweep, 7) == Plan(7, fingerprint(sweep))
    assert Plan.of(sweep, 7, [["only", "1"]]).selection == selection_fingerprint([["only", "1"]])
    for bad in ("", "v1", "v2.256.0123456789abcdef", "v1.0.0123456789abcdef", "v1.256.0123456789ABCDEF",
                "v1.256.0123", "v1.-1.0123456789abcdef", "v1.256.0123456789abcdef.", "v1.256.0123456789abcdefx"):
        with pytest.raises(ValueError, match="invalid plan token"):
            Plan.parse(bad)
