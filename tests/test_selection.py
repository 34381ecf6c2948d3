"""Index selections (--only): compact ranges and the lazy view, against a plain list oracle."""

from __future__ import annotations

import pytest
from conftest import eager_points
from hypothesis import given, settings
from hypothesis import strategies as st

from lazysweep import from_matrix
from lazysweep._selection import IndexSelection, Ranges, select

MATRIX = {"x": [1, 2, 3], "y": ["a", "b"], "n": {"start": 0, "stop": 4}}


def test_ranges_text_round_trip():
    assert str(Ranges.parse("0-9,15,20-29")) == "0-9,15,20-29"
    assert str(Ranges.parse(" 20-29 , 15,0-9\n")) == "0-9,15,20-29"
    assert str(Ranges.parse("3,1,2,2,7-8,5-6")) == "1-3,5-8"
    assert str(Ranges.parse("")) == "" and Ranges.parse("  ").count == 0
    assert Ranges.parse("0-9,15,20-29").count == 21
    big = 10**30
    assert str(Ranges.parse(f"0-{big}")) == f"0-{big}" and Ranges.parse(f"0-{big}").count == big + 1


@pytest.mark.parametrize("text", ["a", "1-", "-3", "5-3", "1--2", "1.5", "0x10", "١"])
def test_ranges_refuse_malformed_text(text):
    with pytest.raises(ValueError, match="invalid range"):
        Ranges.parse(text)


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 8)), max_size=12))
def test_ranges_against_a_set(pairs):
    runs = [(start, start + length) for start, length in pairs]
    expected = sorted({i for start, stop in runs for i in range(start, stop)})
    ranges = Ranges(runs)
    assert ranges.count == len(expected)
    assert [ranges.position(k) for k in range(ranges.count)] == expected
    assert [ranges.rank(i) for i in range(70)] == [expected.index(i) if i in expected else None for i in range(70)]
    assert Ranges.parse(str(ranges)) == ranges
    for start in range(len(expected) + 1):
        for stop in range(start, len(expected) + 1):
            pieces = [i for first, last in ranges.pieces(start, stop) for i in range(first, last)]
            assert pieces == expected[start:stop]


@settings(max_examples=60)
@given(st.lists(st.tuples(st.integers(0, 29), st.integers(1, 6)), max_size=6), st.integers(1, 7))
def test_selection_against_the_eager_oracle(pairs, size):
    sweep = from_matrix(MATRIX)
    points = eager_points(MATRIX)
    runs = [(start, min(start + length, 30)) for start, length in pairs]
    chosen = sorted({i for start, stop in runs for i in range(start, stop)})
    view = select(sweep, [range(start, stop) for start, stop in runs])
    assert view.count == len(chosen)
    assert list(view) == [points[i] for i in chosen]
    assert [view[k] for k in range(view.count)] == [points[i] for i in chosen]
    assert [view.source_index(k) for k in range(view.count)] == chosen
    assert list(view._source_range(0, view.count)) == chosen
    for k in range(view.batch_count(size)):
        assert view.batch(k, size) == [points[i] for i in chosen[k * size : (k + 1) * size]]
    for k, i in enumerate(chosen):
        assert view.index(points[i]) == k
    assert list(view[1::2]) == [points[i] for i in chosen[1::2]]
    assert [view[1::2].source_index(k) for k in range(view[1::2].count)] == chosen[1::2]
    unchosen = [i for i in range(30) if i not in chosen]
    for i in unchosen:
        assert points[i] not in view


def test_selection_of_a_huge_sweep_stays_lazy():
    sweep = from_matrix({"a": {"start": 0, "stop": 10**9 - 1}, "b": {"start": 0, "stop": 10**9 - 1}})
    view = select(sweep, f"0-{10**17},{10**18 - 1}")
    assert view.count == 10**17 + 2
    assert view[-1] == {"a": 10**9 - 1, "b": 10**9 - 1} and view.source_index(-1) == 10**18 - 1
    assert view.batch(view.batch_count(256) - 1, 256)[-2:] == [sweep[10**17], sweep[10**18 - 1]]
    assert view.index(sweep[10**18 - 1]) == 10**17 + 1


def test_selection_errors():
    sweep = from_matrix(MATRIX)
    with pytest.raises(IndexError, match="index 30 is out of range: the sweep has 30 points"):
        select(sweep, "0-30")
    with pytest.raises(IndexError, match="never negative"):
        select(sweep, [-1])
    with pytest.raises(ValueError, match="step 1"):
        select(sweep, [range(0, 10, 2)])
    with pytest.raises(TypeError):
        select(sweep, [True])
    empty = select(sweep, "")
    assert isinstance(empty, IndexSelection) and empty.count == 0 and list(empty) == []
    with pytest.raises(IndexError):
        empty[0]


def test_selection_of_a_selection_composes():
    sweep = from_matrix(MATRIX)
    inner = select(select(sweep, "4-20"), "0,2-3")
    assert list(inner) == [sweep[4], sweep[6], sweep[7]]
    assert [inner.source_index(k) for k in range(3)] == [4, 6, 7]


def test_package_exports_the_selection_and_plan_calls():
    import lazysweep
    from lazysweep._plan import Plan, fingerprint

    assert lazysweep.select is select and lazysweep.fingerprint is fingerprint and lazysweep.Plan is Plan
    with pytest.raises(AttributeError):
        lazysweep.no_such_name
