"""GitHub Actions matrix semantics: the documentation's examples, the corners, and an eager oracle."""

from __future__ import annotations


import pytest
from conftest import eager_axis
from hypothesis import given, settings
from hypothesis import strategies as st

import lazysweep
from lazysweep import SweepError, from_matrix
from lazysweep._axes import ArithmeticRange, ValuesAxis, value_key
from lazysweep import _matrix as matrix_module
from lazysweep._equality import matches
from lazysweep._matrix import MatrixSweep

import github_matrix_oracle as oracle


# -- the oracle: an eager port of GitHub's MatrixBuilder (tests/github_matrix_oracle.py) -------------

def eager_matrix(matrix):
    """The oracle's combinations, with lazysweep's range axes listed first."""
    listed = {k: (v if k in ("include", "exclude") else eager_axis(v)) for k, v in matrix.items()}
    return oracle.build(listed)


def normal(value):
    """A value as GitHub holds it: every number a double; keys in order."""
    if isinstance(value, dict):
        return ("map", tuple((k, normal(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("seq", tuple(normal(v) for v in value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return ("number", float(oracle.to_data(value)))
    return (type(value).__name__, value)


def same(points, expected):
    return [normal(p) for p in points] == [normal(e) for e in expected]


def check_index(sweep, points):
    """index() finds each point; a matrix with include or exclude refuses when two points have equal
    values (1 and 1.0), a plain product (no entries) gives the first of them."""
    for i, point in enumerate(points):
        equal = [j for j, other in enumerate(points) if value_key(other) == value_key(point)]
        if len(equal) > 1 and not isinstance(sweep, MatrixSweep):
            assert sweep.index(point) == equal[0]
        elif len(equal) > 1:
            with pytest.raises(SweepError, match="_index"):
                sweep.index(point)
        else:
            assert sweep.index(point) == i


# -- GitHub's documentation examples ------------------------------------------------

def test_docs_expanding_or_adding_combinations():
    matrix = {
        "fruit": ["apple", "pear"], "animal": ["cat", "dog"],
        "include": [{"color": "green"}, {"color": "pink", "animal": "cat"}, {"fruit": "apple", "shape": "circle"},
                    {"fruit": "banana"}, {"fruit": "banana", "animal": "cat"}],
    }
    assert same(from_matrix(matrix), [
        {"fruit": "apple", "animal": "cat", "color": "pink", "shape": "circle"},
        {"fruit": "apple", "animal": "dog", "color": "green", "shape": "circle"},
        {"fruit": "pear", "animal": "cat", "color": "pink"},
        {"fruit": "pear", "animal": "dog", "color": "green"},
        {"fruit": "banana"},
        {"fruit": "banana", "animal": "cat"},
    ])


def test_docs_expanding_configurations():
    matrix = {"os": ["windows-latest", "ubuntu-latest"], "node": [14, 16],
              "include": [{"os": "windows-latest", "node": 16, "npm": 6}]}
    assert same(from_matrix(matrix), [
        {"os": "windows-latest", "node": 14}, {"os": "windows-latest", "node": 16, "npm": 6},
        {"os": "ubuntu-latest", "node": 14}, {"os": "ubuntu-latest", "node": 16},
    ])


def test_docs_adding_configurations():
    matrix = {"os": ["macos-latest", "windows-latest", "ubuntu-latest"], "version": [10, 12, 14],
              "include": [{"os": "windows-latest", "version": 17}]}
    sweep = from_matrix(matrix)
    assert sweep.count == 10 and sweep[-1] == {"os": "windows-latest", "version": 17}


def test_docs_include_only():
    matrix = {"include": [{"site": "production", "datacenter": "site-a"}, {"site": "staging", "datacenter": "site-b"}]}
    assert list(from_matrix(matrix)) == matrix["include"]


def test_docs_excluding_matrix_configurations():
    matrix = {"os": ["macos-latest", "windows-latest"], "version": [12, 14, 16], "environment": ["staging", "production"],
              "exclude": [{"os": "macos-latest", "version": 12, "environment": "production"},
                          {"os": "windows-latest", "version": 16}]}
    sweep = from_matrix(matrix)
    assert sweep.count == 9
    assert same(sweep, eager_matrix(matrix))


def test_docs_single_dimension_and_objects():
    assert from_matrix({"version": [10, 12, 14]}).count == 3
    matrix = {"os": ["ubuntu-latest", "macos-latest"],
              "node": [{"version": 14}, {"version": 20, "env": "NODE_OPTIONS=--openssl-legacy-provider"}],
              "exclude": [{"os": "macos-latest", "node": {"version": 20}}]}
    sweep = from_matrix(matrix)
    assert sweep.count == 3
    assert {"os": "macos-latest", "node": {"version": 20, "env": "NODE_OPTIONS=--openssl-legacy-provider"}} not in sweep


# -- the corners ----------------------------------------------------------------------

def test_matching_corners():
    assert matches({"node": {"version": 20}}, {"version": 20, "env": "x"}) is False  # path node.version, not version
    assert matches({"version": 20}, {"version": 20, "env": "x"})
    assert matches([1, {}], [1, {"a": 2}, 3]) and not matches([1, 2], [1])
    assert matches({}, None) and matches([], "x") and matches({"a": None}, 5)
    # GitHub's loose ==: 1 is true, "1" is 1, "A" is "a", 1 is 1.0; a missing path is null, and null is 0
    assert matches(1, True) and matches("1", 1) and matches("A", "a") and matches(1, 1.0)
    assert matches({"a": 0}, 5) and matches({"a": ""}, {}) and not matches({"a": 1}, {})


def test_include_never_overwrites_axes_and_later_extras_win():
    matrix = {"os": ["a", "b"], "include": [{"x": 1}, {"os": "a", "x": 2}, {"x": 3, "os": "b"}]}
    assert same(from_matrix(matrix), [{"os": "a", "x": 2}, {"os": "b", "x": 3}])


def test_added_combinations_are_neither_merged_nor_matched_and_duplicates_stay():
    matrix = {"os": ["a"], "include": [{"os": "z", "k": 1}, {"os": "z", "k": 1}, {"k": 2}]}
    assert same(from_matrix(matrix), [{"os": "a", "k": 2}, {"os": "z", "k": 1}, {"os": "z", "k": 1}])
    sweep = from_matrix(matrix)
    for view in (sweep, sweep[::-1]):  # two jobs with equal fields: only _index tells their results apart
        with pytest.raises(SweepError, match="is more than one point of the sweep.*match results by '_index'"):
            view.index({"os": "z", "k": 1})
    assert sweep.index({"os": "a", "k": 2}) == 0


def test_include_matches_survivors_only():
    matrix = {"os": ["a", "b"], "exclude": [{"os": "a"}], "include": [{"os": "a", "x": 1}]}
    assert same(from_matrix(matrix), [{"os": "b"}, {"os": "a", "x": 1}])


def test_everything_excluded_makes_includes_their_own_combinations():
    matrix = {"os": ["a"], "exclude": [{"os": "a"}], "include": [{"k": 1}]}
    assert same(from_matrix(matrix), [{"k": 1}])
    assert from_matrix({"os": ["a"], "exclude": [{"os": "a"}]}).count == 0


def test_huge_ranges_with_excludes_and_includes_are_exact():
    matrix = {"a": {"start": 0, "stop": 10**9}, "b": {"start": 0, "stop": 10**9, "step": 2},
              "exclude": [{"a": 5}, {"b": 8}, {"a": 6, "b": 10}, {"a": "text"}],
              "include": [{"a": 7, "extra": True}, {"a": 5, "gone": 1}]}
    sweep = from_matrix(matrix)
    size_a, size_b = 10**9 + 1, 5 * 10**8 + 1
    assert sweep.count == size_a * size_b - size_b - (size_a - 1) - 1 + 1
    assert sweep[-1] == {"a": 5, "gone": 1}
    assert sweep[7 * (size_b - 1) - 1 - 1] == {"a": 7, "b": 10**9, "extra": True}
    last = sweep.batch(sweep.batch_count() - 1)
    assert last[-1] == {"a": 5, "gone": 1} and last[-2] == {"a": 10**9, "b": 10**9}
    for i in (0, 123456789012, sweep.count - 2):
        assert sweep.index(sweep[i]) == i
    assert {"a": 5, "b": 0} not in sweep and {"a": 6, "b": 10} not in sweep and {"a": 6, "b": 12} in sweep


def test_thirty_excludes_need_few_states(monkeypatch):
    """Bounded work without a timed assertion: building and a middle batch fit in 200 states
    each (the benchmarks hold the times)."""
    monkeypatch.setattr(matrix_module, "STATE_BUDGET", 200)
    matrix = {f"x{i}": {"start": 0, "stop": 10**9} for i in range(6)}
    matrix["exclude"] = [{f"x{i % 6}": i, f"x{(i + 1) % 6}": i + 1} for i in range(30)]
    matrix["include"] = [{f"x{i % 6}": i, "tag": i} for i in range(30)]
    sweep = from_matrix(matrix)
    assert len(sweep.batch(sweep.batch_count() // 2)) == 256


@pytest.mark.parametrize(
    "text, message",
    [
        ("matrix:\n  a: [1]\n  exclude: [{b: 1}]\n", "f.yaml:3:14: exclude key 'b' is not an axis of the matrix"),
        ("matrix:\n  a: [1]\n  exclude: [{}]\n", "f.yaml:3:13: an exclude entry must not be empty"),
        ("matrix:\n  a: [1]\n  exclude: {a: 1}\n", "f.yaml:3:12: 'exclude' must be a list of mappings, not a mapping"),
        ("matrix:\n  a: [1]\n  include: [1]\n", "f.yaml:3:13: each 'include' entry must be a mapping, not the number 1"),
        ("matrix:\n  a: [1]\n  include: [{1: x}]\n", "f.yaml:3:14: include key 1 must be a string"),
        ("matrix:\n  include: []\n", "'matrix' has no axes and no include entries"),
        ("matrix: {}\n", "f.yaml:1:9: 'matrix' has no axes and no include entries"),
    ],
)
def test_bad_include_exclude(write, text, message):
    with pytest.raises(SweepError) as caught:
        lazysweep.load(write(text, "f.yaml"))
    assert message in str(caught.value)


def test_library_validation():
    with pytest.raises(ValueError, match="exclude key 'z' is not an axis"):
        MatrixSweep([ValuesAxis("a", [1])], exclude=[{"z": 1}])
    with pytest.raises(ValueError, match="needs an axis or an include"):
        MatrixSweep([])
    assert repr(MatrixSweep([ArithmeticRange("n", 0, 9)], exclude=[{"n": 1}])) == "<MatrixSweep of 9 points: 1 axes, 1 exclude, 0 include>"


# -- properties against the oracle --------------------------------------------------------

scalars = st.one_of(st.integers(0, 3), st.sampled_from(["a", "b"]), st.booleans(), st.none())
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.sampled_from("kl"), inner, max_size=2), max_leaves=4)
axis_values = st.one_of(
    st.lists(values, min_size=1, max_size=4),
    st.builds(lambda start, length: {"start": start, "stop": start + length}, st.integers(0, 2), st.integers(0, 4)),
    st.builds(lambda start, extra: {"start": start, "stop": start + extra, "factor": 2}, st.integers(1, 2), st.integers(0, 6)),
)
names = ["a", "b", "c"]


@st.composite
def matrices(draw):
    axes = draw(st.dictionaries(st.sampled_from(names), axis_values, min_size=0, max_size=3))
    pattern = st.one_of(values, st.just({}), st.integers(0, 7))
    matrix = dict(axes)
    if axes:
        exclude = draw(st.lists(st.dictionaries(st.sampled_from(sorted(axes)), pattern, min_size=1, max_size=2), max_size=4))
        if exclude:
            matrix["exclude"] = exclude
    include = draw(st.lists(st.dictionaries(st.sampled_from(names + ["x", "y"]), pattern, min_size=1, max_size=3), max_size=4))
    if include or not axes:
        matrix["include"] = include or [{"x": 1}]
    return matrix


@settings(max_examples=400, deadline=None)
@given(matrices(), st.integers(1, 5), st.data())
def test_matrix_agrees_with_the_oracle(matrix, size, data):
    sweep, expected = build_both(matrix)
    if sweep is None:
        return
    points = list(sweep)
    assert sweep.count == len(expected)
    assert same(points, expected)
    assert same([sweep[i] for i in range(-len(expected), len(expected))], expected + expected)
    assert same([p for k in range(sweep.batch_count(size)) for p in sweep.batch(k, size)], expected)
    check_index(sweep, points)
    cut = slice(data.draw(st.integers(-3, 8)), data.draw(st.integers(-3, 8)), data.draw(st.sampled_from([1, 2, -1])))
    assert list(sweep[cut]) == points[cut]
    for point in points[cut]:
        if sum(value_key(other) == value_key(point) for other in points) == 1:
            assert sweep[cut].index(point) == next(j for j, o in enumerate(points[cut]) if value_key(o) == value_key(point))


def build_both(matrix):
    """lazysweep's sweep and the oracle's list; where the runner throws, lazysweep must refuse too
    (then ``(None, None)``)."""
    try:
        expected = eager_matrix(matrix)
    except oracle.GitHubError:
        with pytest.raises((SweepError, ValueError)):
            from_matrix(matrix)
        return None, None
    return from_matrix(matrix), expected


# -- overlapping exclusions: the factorised count, the state tables, the include search ------------

def check_against_the_oracle(matrix, size):
    sweep, expected = build_both(matrix)
    if sweep is None:
        return None
    points = list(sweep)
    assert sweep.count == len(expected)
    assert same(points, expected)
    assert same([sweep[i] for i in range(len(expected))], expected)
    assert same([p for k in range(sweep.batch_count(size)) for p in sweep.batch(k, size)], expected)
    check_index(sweep, points)
    return sweep


small = st.sampled_from([0, 1, 2])
overlap_axes = st.one_of(
    st.lists(st.sampled_from([0, 1, 2, "a", {"k": 0}, [0]]), min_size=1, max_size=4),
    st.builds(lambda start, length: {"start": start, "stop": start + length}, st.integers(0, 1), st.integers(0, 3)),
)
overlap_pattern = st.one_of(small, small, st.just({}), st.just({"k": 0}), st.just([0]), st.just("a"))


@st.composite
def overlapping_matrices(draw):
    """Up to five axes with few values and many multi-axis exclude entries on the same
    values, so entries share axes, form components, and die or complete at every step."""
    names = [f"x{i}" for i in range(draw(st.integers(1, 5)))]
    matrix = {name: draw(overlap_axes) for name in names}
    entry = st.dictionaries(st.sampled_from(names), overlap_pattern, min_size=1, max_size=4)
    matrix["exclude"] = draw(st.lists(entry, max_size=10))
    include = st.dictionaries(st.sampled_from(names + ["t", "u"]), overlap_pattern, max_size=4)
    matrix["include"] = draw(st.lists(include, max_size=6))
    return matrix


@settings(max_examples=200, deadline=None)
@given(overlapping_matrices(), st.integers(1, 7))
def test_overlapping_exclusions_agree_with_the_oracle(matrix, size):
    check_against_the_oracle(matrix, size)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 5), st.integers(1, 3), st.data())
def test_exclusions_sharing_one_axis_agree_with_the_oracle(entries, size, data):
    """The issue's shape, small: entries {aI: v, z: w} over shared z; the count conditions on z."""
    matrix = {f"a{i}": {"start": 0, "stop": data.draw(st.integers(0, 2))} for i in range(entries)}
    matrix["z"] = [0, 1]
    matrix["exclude"] = [{f"a{i}": data.draw(small), "z": data.draw(st.sampled_from([0, 1]))} for i in range(entries)]
    matrix["include"] = data.draw(st.lists(st.fixed_dictionaries({f"a{data.draw(st.integers(0, entries - 1))}": small, "tag": small}), max_size=3))
    check_against_the_oracle(matrix, size)


def test_the_issue_shape_counts_exactly_at_sixty_entries(monkeypatch):
    """E entries {aI: 0, z: 0} over E ranges of 10^9 values plus z: [0, 1]: with z = 1 all
    survive, with z = 0 none of the aI may be 0. Counting and each sweep[i] take O(E) states
    (a budget of 4E here), not 2^E."""
    entries, n = 60, 10**9
    monkeypatch.setattr(matrix_module, "STATE_BUDGET", 4 * entries)
    matrix = {f"a{i}": {"start": 0, "stop": n - 1} for i in range(entries)}
    matrix["z"] = [0, 1]
    matrix["exclude"] = [{f"a{i}": 0, "z": 0} for i in range(entries)]
    matrix["include"] = [{"a3": 0, "tag": "zero"}]
    sweep = from_matrix(matrix)
    assert sweep.count == n**entries + (n - 1) ** entries
    assert sweep[0] == {**{f"a{i}": 0 for i in range(entries)}, "z": 1, "tag": "zero"}
    assert sweep[1] == {**{f"a{i}": 0 for i in range(entries - 1)}, f"a{entries - 1}": 1, "z": 1, "tag": "zero"}
    first_with_z_0 = sum(n**j for j in range(entries))  # before it: a prefix of zeros, then z = 1
    assert sweep[first_with_z_0] == {**{f"a{i}": 1 for i in range(entries)}, "z": 0}
    for i in (0, 1, 2, 10**100, sweep.count // 3, sweep.count - 1):
        point = sweep[i]
        assert point["z"] == 1 or all(point[f"a{k}"] for k in range(entries))
        assert ("tag" in point) == (point["a3"] == 0)
        assert sweep.index(point) == i
    assert len(sweep.batch(sweep.batch_count() // 2)) == 256


def test_include_extras_come_from_the_class_of_each_value():
    """Extras found by AND-ing per-axis bitmasks: lists keyed by the value, ranges by the number."""
    matrix = {"os": ["a", {"k": 1}, "a"], "n": {"start": 0, "stop": 10**12},
              "include": [{"os": "a", "x": 1}, {"n": 7, "y": 2}, {"os": {"k": 1}, "n": 7, "z": 3}, {"w": 0}]}
    sweep = from_matrix(matrix)
    size = 10**12 + 1
    assert sweep[7] == {"os": "a", "n": 7, "x": 1, "y": 2, "w": 0}
    assert sweep[size + 7] == {"os": {"k": 1}, "n": 7, "y": 2, "z": 3, "w": 0}
    assert sweep[size + 8] == {"os": {"k": 1}, "n": 8, "w": 0}
    assert sweep[2 * size] == {"os": "a", "n": 0, "x": 1, "w": 0}
    assert sweep.batch(0, 3)[2] == {"os": "a", "n": 2, "x": 1, "w": 0}


def test_matches_is_not_recursive():
    deep_pattern = deep_value = 1
    for _ in range(20_000):  # twenty times Python's recursion limit
        deep_pattern, deep_value = [deep_pattern], [deep_value, 2]
    assert matches(deep_pattern, deep_value)
    assert not matches(deep_pattern, [[[5]]])


@st.composite
def pair_matrices(draw):
    """Entries on two axes each, over up to four small axes: the counter's subtraction (one
    entry left with one free axis: the others, minus what it excludes) runs on most steps,
    with patterns that allow one value, several ({} and [0] on lists), or none."""
    names = [f"x{i}" for i in range(draw(st.integers(2, 4)))]
    matrix = {name: draw(overlap_axes) for name in names}
    pair = st.lists(st.sampled_from(names), min_size=2, max_size=2, unique=True)
    matrix["exclude"] = [{name: draw(overlap_pattern) for name in draw(pair)} for _ in range(draw(st.integers(1, 12)))]
    matrix["include"] = [{name: draw(overlap_pattern) for name in draw(pair)} | {"t": 1} for _ in range(draw(st.integers(0, 3)))]
    return matrix


@settings(max_examples=200, deadline=None)
@given(pair_matrices(), st.integers(1, 5))
def test_pair_exclusions_agree_with_the_oracle(matrix, size):
    check_against_the_oracle(matrix, size)


# -- cold random access: the states with entries partly matched, by inclusion-exclusion ------------

def check_cold_access(matrix, order):
    """A matrix built just before, its points read one by one in ``order`` (nothing else warmed
    first): the same as the oracle's."""
    sweep, expected = build_both(matrix)
    if sweep is None:
        return
    for i in order.draw(st.permutations(range(len(expected)))):
        assert same([sweep[i]], [expected[i]]), i


@st.composite
def partly_matched_matrices(draw):
    """Three to five small axes and entries naming two or three of them, mostly one value each,
    sometimes a pattern allowing several ({} or [0] on a list): walks go through states with one
    to three entries matched on the axes before, passed through or fixed on the axis at hand."""
    names = [f"x{i}" for i in range(draw(st.integers(3, 5)))]
    axis = st.one_of(st.builds(lambda stop: {"start": 0, "stop": stop}, st.integers(1, 3)),
                     st.lists(st.sampled_from([0, 1, 2, "1", 2.0, [0], {"k": 0}]), min_size=1, max_size=4))
    matrix = {name: draw(axis) for name in names}
    pattern = st.one_of(small, small, st.just({}), st.just([0]), st.just("1"))
    entry = st.lists(st.sampled_from(names), min_size=2, max_size=3, unique=True)
    matrix["exclude"] = [{name: draw(pattern) for name in draw(entry)} for _ in range(draw(st.integers(1, 8)))]
    matrix["include"] = [{name: draw(pattern) for name in draw(entry)} | {"t": 1} for _ in range(draw(st.integers(0, 2)))]
    return matrix


@settings(max_examples=200, deadline=None)
@given(partly_matched_matrices(), st.data())
def test_cold_random_access_agrees_with_the_oracle(matrix, data):
    check_cold_access(matrix, data)


@settings(max_examples=100, deadline=None)
@given(overlapping_matrices(), st.data())
def test_cold_random_access_of_overlaps_agrees_with_the_oracle(matrix, data):
    check_cold_access(matrix, data)


@settings(max_examples=150, deadline=None)
@given(pair_matrices(), st.data())
def test_cold_random_access_of_pairs_agrees_with_the_oracle(matrix, data):
    check_cold_access(matrix, data)


@settings(max_examples=100, deadline=None)
@given(partly_matched_matrices(), st.integers(1, 3), st.integers(1, 4), st.integers(0, 2), st.integers(1, 3),
       st.data())
def test_cold_random_access_past_the_term_limits_agrees_with_the_oracle(matrix, entries, terms, steps, summed, data):
    """With fewer entries matched or terms allowed, more states fall back to their own layouts,
    in the middle of a walk; with fewer steps tried one by one, the search gallops sooner; with
    fewer uses before a state's terms are summed, the walks read summed tables too."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(matrix_module, "_SPLIT_ENTRIES", entries)
        patch.setattr(matrix_module, "_PARTIAL_TERMS", terms)
        patch.setattr(matrix_module, "_STEPS", steps)
        patch.setattr(matrix_module, "_SUMMED_AFTER", summed)
        check_cold_access(matrix, data)


def test_cold_random_access_past_the_term_limit_in_one_entry():
    """An entry allowing more combinations of classes than the term limit on the axes left
    (``{}`` on an axis other entries cut into three classes) is not expanded: its state reads
    its own layout, and every point, read cold, is the oracle's."""
    matrix = {"x0": [0, 1], "x1": {"start": 0, "stop": 3}, "x2": {"start": 0, "stop": 2},
              "exclude": [{"x0": 0, "x1": {}, "x2": 1}, {"x1": 1, "x2": 0}, {"x1": 2, "x2": 2}]}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(matrix_module, "_PARTIAL_TERMS", 2)
        sweep, expected = build_both(matrix)
        assert same([sweep[i] for i in range(len(expected))], expected)
        assert sweep._partials[1, 1] is None  # x0 = 0 matched the first entry: 3 classes of x1 x 1 of x2
        assert sweep._entry_fixings[0, 0b110] is None  # not even listed


@pytest.mark.parametrize("axes_per_entry, entries", [(1, 40), (2, 60), (3, 30), (6, 20)])
def test_cold_random_access_matches_the_states_own_layouts(monkeypatch, axes_per_entry, entries):
    """On matrices past any oracle (six axes of 40 values, random entries): each digit found by
    inclusion-exclusion is the one the state's own layout gives, and ``index`` inverts it."""
    import random

    monkeypatch.setattr(matrix_module, "_SUMMED_AFTER", 2)
    generator = random.Random(entries)
    matrix: dict = {f"x{i}": {"start": 0, "stop": 39} for i in range(6)}

    def entry() -> dict:
        return {axis: generator.randrange(12) for axis in generator.sample(sorted(matrix), axes_per_entry)}

    matrix["exclude"] = [entry() for _ in range(entries)]
    matrix["include"] = [{**entry(), "tag": i} for i in range(entries // 2)]
    cold, reference = from_matrix(matrix), from_matrix(matrix)
    ranks = [generator.randrange(cold._survivors) for _ in range(300)]
    for rank in ranks + ranks[::-1] * 2:  # then again, states' terms summed after a few uses
        cold._begin()
        digits = cold._walk(rank, partial=True)
        reference._begin()
        assert digits == reference._walk(rank, partial=False)
        assert reference._rank(digits) == rank
