"""Lazy spaces against an eager oracle: exact small cases, then properties."""

from __future__ import annotations

import sys

import pytest
from conftest import eager_points
from hypothesis import given, settings
from hypothesis import strategies as st

import lazysweep._space as space
from lazysweep._lanes import LANE_BITS
from lazysweep import Chain, Product, SweepSlice, from_matrix
from lazysweep._axes import ArithmeticRange, ValuesAxis, value_key

MATRIX = {"os": ["linux", "mac"], "py": [3.10, 3.11, 3.12], "n": {"start": 1, "stop": 7, "step": 3}}


def test_small_product_exact():
    sweep = from_matrix(MATRIX)
    expected = eager_points(MATRIX)
    assert sweep.count == len(sweep) == 18
    assert list(sweep) == expected
    assert sweep[0] == {"os": "linux", "py": 3.10, "n": 1}
    assert sweep[-1] == {"os": "mac", "py": 3.12, "n": 7}
    assert sweep[7] == expected[7]
    assert list(reversed(sweep)) == expected[::-1]
    assert sweep == expected and sweep == tuple(expected) and sweep != expected[:-1]
    assert sweep != "not a sweep"
    assert bool(sweep)


def test_index_and_contains():
    sweep = from_matrix(MATRIX)
    for position, point in enumerate(eager_points(MATRIX)):
        assert sweep.index(point) == position
        assert point in sweep
    for absent in ({"os": "win", "py": 3.10, "n": 1}, {"os": "mac"}, {"os": "mac", "py": 3.10, "n": 2},
                   {"os": "mac", "py": 3.10, "n": 1, "extra": 0}, "text", None, ["os"]):
        assert absent not in sweep
        with pytest.raises(ValueError):
            sweep.index(absent)


def test_getitem_errors():
    sweep = from_matrix(MATRIX)
    for bad in (18, -19, 10**40):
        with pytest.raises(IndexError):
            sweep[bad]
    for bad in ("1", 1.0, True, None):
        with pytest.raises(TypeError):
            sweep[bad]


def test_batches_exact():
    sweep = from_matrix(MATRIX)
    expected = eager_points(MATRIX)
    assert sweep.batch_count() == 1
    assert sweep.batch_count(4) == 5
    assert [sweep.batch(k, 4) for k in range(5)] == [expected[k * 4 : k * 4 + 4] for k in range(5)]
    assert sweep.batch(-1, 4) == expected[16:]
    assert list(sweep.batches(4)) == [expected[k * 4 : k * 4 + 4] for k in range(5)]
    for bad_index in (5, -6):
        with pytest.raises(IndexError):
            sweep.batch(bad_index, 4)
    for bad_size in (0, -1):
        with pytest.raises(ValueError):
            sweep.batch_count(bad_size)
        with pytest.raises(ValueError):
            list(sweep.batches(bad_size))
    with pytest.raises(TypeError):
        sweep.batch(0, 2.5)


def test_slices_are_lazy_views_that_compose():
    sweep = from_matrix(MATRIX)
    expected = eager_points(MATRIX)
    view = sweep[2:15:3]
    assert isinstance(view, SweepSlice) and view.base is sweep
    assert list(view) == expected[2:15:3]
    inner = view[::-1][1:]
    assert inner.base is sweep
    assert list(inner) == expected[2:15:3][::-1][1:]
    assert view.index(expected[5]) == 1
    assert expected[3] not in view
    assert sweep[5:5].count == 0 and list(sweep[5:5]) == [] and not sweep[5:5]


def test_len_refuses_past_maxsize_but_count_is_exact():
    sweep = from_matrix({f"a{i}": {"start": 0, "stop": 999} for i in range(10)})
    assert sweep.count == 10**30
    with pytest.raises(OverflowError, match="count"):
        len(sweep)
    assert sweep[10**30 - 1] == {f"a{i}": 999 for i in range(10)}
    assert sweep[10**29] == {"a0": 100, **{f"a{i}": 0 for i in range(1, 10)}}
    assert sweep.index(sweep[123456789 * 10**15]) == 123456789 * 10**15
    assert sweep[::10**29].count == 10 and sweep[::-(10**29)][0] == sweep[-1]


def test_huge_sweep_batches_are_exact_at_both_ends():
    sweep = from_matrix({c: {"start": 0, "stop": 999} for c in "abcdef"})
    assert sweep.count == 10**18
    assert sweep.batch_count() == -(-(10**18) // 256)
    last = sweep.batch(sweep.batch_count() - 1)
    assert len(last) == 10**18 % 256 or len(last) == 256
    assert last[-1] == dict.fromkeys("abcdef", 999)
    assert last == [sweep[i] for i in range(10**18 - len(last), 10**18)]
    middle = sweep.batch(10**15 // 256 * 7 + 3)
    start = (10**15 // 256 * 7 + 3) * 256
    assert middle == [sweep[i] for i in range(start, start + 256)]


def test_iteration_costs_what_it_yields():
    """Every value handed to itertools.product is bounded by the output plus a constant."""
    handed = []

    class CountingRange(ArithmeticRange):
        def segment(self, start, stop):
            handed.append(stop - start)
            return super().segment(start, stop)

    sweep = Product([CountingRange(name, 0, 10**9) for name in "abc"])
    for k in (0, 12345678901, sweep.batch_count() - 1):
        handed.clear()
        batch = sweep.batch(k)
        assert sum(handed) <= 2 * 256 + 3
        assert batch == [sweep[i] for i in range(k * 256, min(k * 256 + 256, sweep.count))]


def test_product_validation():
    with pytest.raises(ValueError):
        Product([])
    with pytest.raises(ValueError):
        Product([ValuesAxis("a", [1]), ValuesAxis("a", [2])])


def test_chain_exact():
    first, second = {"x": [1, 2]}, {"y": ["a", "b", "c"], "z": [None]}
    chain = Chain([from_matrix(first), from_matrix(second), from_matrix(first)])
    expected = eager_points(first) + eager_points(second) + eager_points(first)
    assert chain.count == 7 and list(chain) == expected
    assert [chain[i] for i in range(-7, 7)] == expected[-7:] + expected
    assert chain.index({"x": 2}) == 1 and chain[4:].index({"x": 2}) == 2
    assert chain[::-1].index({"x": 2}) == 0
    assert [chain.batch(k, 3) for k in range(3)] == [expected[0:3], expected[3:6], expected[6:]]
    assert "<Chain of 7 points>" == repr(chain)


def test_repr():
    assert repr(from_matrix({"x": [1, 2]})) == "<Product of 2 points: ValuesAxis('x', [1, 2])>"


# -- properties against the eager oracle ------------------------------------

scalars = st.one_of(
    st.integers(-3, 3), st.sampled_from(["a", "b", "A"]), st.booleans(), st.none(), st.sampled_from([1.5, 2.0])
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.sampled_from("kl"), inner, max_size=2), max_leaves=4)
arithmetic = st.builds(
    lambda start, length, step: {"start": start, "stop": start + length, "step": step},
    st.integers(-5, 5), st.integers(0, 9), st.integers(1, 4),
)
geometric = st.builds(
    lambda start, extra, factor: {"start": start, "stop": start + extra, "factor": factor},
    st.integers(1, 5), st.integers(0, 40), st.integers(2, 4),
)
axes = st.one_of(st.lists(values, min_size=1, max_size=4), arithmetic, geometric)
matrices = st.dictionaries(st.sampled_from(["a", "b", "c", "d", "e"]), axes, min_size=1, max_size=4)
unions = st.lists(matrices, min_size=1, max_size=3)
blocks = st.sampled_from([1, 2, 3, 7, space.BLOCK_VALUES])


def build(union):
    parts = [from_matrix(matrix) for matrix in union]
    oracle = [point for matrix in union for point in eager_points(matrix)]
    return (parts[0] if len(parts) == 1 else Chain(parts)), oracle


def first_index(oracle, point):
    key = value_key(point)
    return next(i for i, candidate in enumerate(oracle) if value_key(candidate) == key)


class block_values:
    """Shrink the product block bound, so small sweeps take every code path."""

    def __init__(self, limit):
        self.limit = limit

    def __enter__(self):
        self.saved, space.BLOCK_VALUES = space.BLOCK_VALUES, self.limit

    def __exit__(self, *exc):
        space.BLOCK_VALUES = self.saved


@settings(max_examples=300, deadline=None)
@given(unions, blocks, st.integers(1, 9), st.data())
def test_sweep_agrees_with_the_oracle(union, block, size, data):
    sweep, oracle = build(union)
    with block_values(block):
        assert sweep.count == len(oracle)
        assert list(sweep) == oracle
        batches = [sweep.batch(k, size) for k in range(sweep.batch_count(size))]
        assert batches == [oracle[i : i + size] for i in range(0, len(oracle), size)]
        assert list(sweep.batches(size)) == batches
        assert all(len(b) == size for b in batches[:-1])
        for i in data.draw(st.lists(st.integers(-len(oracle), len(oracle) - 1), max_size=10)):
            assert sweep[i] == oracle[i]
            assert sweep.index(sweep[i]) == first_index(oracle, oracle[i])
        start, stop = sorted(data.draw(st.lists(st.integers(0, len(oracle)), min_size=2, max_size=2)))
        assert list(sweep._iter_range(start, stop)) == oracle[start:stop]


@settings(max_examples=200, deadline=None)
@given(unions, blocks, st.data())
def test_slices_agree_with_list_slices(union, block, data):
    sweep, oracle = build(union)
    bound = st.none() | st.integers(-len(oracle) - 2, len(oracle) + 2)
    step = st.none() | st.integers(-4, 4).filter(bool)
    with block_values(block):
        view, expected = sweep, oracle
        for _ in range(data.draw(st.integers(1, 3))):
            cut = slice(data.draw(bound), data.draw(bound), data.draw(step))
            view, expected = view[cut], expected[cut]
            assert view.count == len(expected)
            assert list(view) == expected
        for i in range(len(expected)):
            assert view[i] == expected[i]
            assert view.index(expected[i]) == first_index(expected, expected[i])
        for point in oracle:
            assert (point in view) == any(value_key(point) == value_key(e) for e in expected)


def test_maxsize_is_the_len_limit():
    sweep = from_matrix({"n": {"start": 1, "stop": sys.maxsize}})
    assert len(sweep) == sys.maxsize
    assert from_matrix({"n": {"start": 0, "stop": sys.maxsize}}).count == sys.maxsize + 1


@given(st.integers(0, 40), st.data())
def test_source_index_of_nested_slices_is_the_index_in_the_whole_sweep(size, data):
    sweep = from_matrix({"n": {"start": 0, "stop": size}})
    view, indices = sweep, list(range(size + 1))
    for _ in range(data.draw(st.integers(0, 3))):
        cut = slice(data.draw(st.integers(-5, 45) | st.none()), data.draw(st.integers(-5, 45) | st.none()),
                    data.draw(st.sampled_from([None, 1, 2, -1, -3])))
        view, indices = view[cut], indices[cut]
    assert [view.source_index(i) for i in range(view.count)] == indices
    assert list(view._source_range(0, view.count)) == indices
    assert [view.index(point) for point in view] == list(range(view.count))


@settings(max_examples=200, deadline=None)
@given(unions, st.data())
def test_points_at_any_indices_are_the_oracle_points(union, data):
    # The column-by-column decode (a chunk of a random order) against the eager list, any order, repeats too.
    sweep, oracle = build(union)
    indices = data.draw(st.lists(st.integers(0, len(oracle) - 1), max_size=30))
    assert list(sweep._points_at(indices)) == [oracle[i] for i in indices]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(1, 40), min_size=1, max_size=6), st.data())
def test_digits_of_32_bit_words_are_the_digits_of_the_list(sizes, data):
    # A shuffled chunk of a small product comes as 32-bit words, divided as its even and odd
    # lanes: the same digits as the list's (any length, odd ones too).
    from array import array

    sweep = Product([ArithmeticRange(f"a{level}", 0, size - 1) for level, size in enumerate(sizes)])
    indices = data.draw(st.lists(st.integers(0, sweep.count - 1), min_size=1, max_size=70))
    words = array("I", indices)
    assert words.itemsize == 4
    assert sweep._digit_columns(words) == sweep._digit_columns(indices) == [list(c) for c in zip(*map(sweep._digits, indices))]


def test_points_at_decode_huge_products_like_getitem():
    sweep = from_matrix({"a": {"start": 0, "stop": 10**12}, "b": ["x", "y", "z"], "c": {"start": 3, "stop": 10**20, "step": 7}})
    indices = [0, 1, sweep.count - 1, sweep.count // 3, 2**64, 2**64 - 1, *range(10**25, 10**25 + 40)]
    assert list(sweep._points_at(indices)) == [sweep[i] for i in indices]
    assert sweep._digit_columns([sweep.count - 1]) == [[size - 1] for size in sweep._sizes]
    wide = from_matrix({"a": {"start": 0, "stop": 10**40}, "b": ["x", "y"], "c": {"start": 0, "stop": 10**40}})
    assert wide.count.bit_length() > LANE_BITS  # decoded one index at a time, the same digits
    indices = [0, wide.count - 1, *range(10**50, 10**50 + 5)]
    assert list(wide._points_at(indices)) == [wide[i] for i in indices]
    assert wide._digit_columns([]) == [[], [], []] == sweep._digit_columns([])
