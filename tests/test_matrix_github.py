"""GitHub's own matching rules in include/exclude: loose ``==``, keys ignoring case, numbers as
doubles; exact cases from real workflows, the oracle (an eager port of the runner's MatrixBuilder)
on random matrices, and laziness over ranges."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import github_matrix_oracle as oracle
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_matrix import check_against_the_oracle, same

from lazysweep import SweepError, from_matrix
from lazysweep import _matrix as matrix_module
from lazysweep._axes import ArithmeticRange, GeometricRange, ValuesAxis
from lazysweep._equality import int_interval, literal_number, loose_equal, parse_number
from lazysweep._matrix import MatrixSweep


def points(matrix):
    return list(from_matrix(matrix))


# -- the consequences seen in real workflows ----------------------------------------------------

def test_python_310_string_is_excluded_by_the_number_310():
    """"3.10" becomes the number 3.1 when compared with the YAML float 3.10."""
    assert points({"python": ["3.9", "3.10"], "exclude": [{"python": 3.10}]}) == [{"python": "3.9"}]


def test_strings_compare_ignoring_case():
    assert points({"os": ["Ubuntu-Latest", "windows"], "exclude": [{"os": "ubuntu-latest"}]}) == [{"os": "windows"}]


def test_a_numeric_string_excludes_a_number():
    assert points({"enable-x64": [1, 0], "exclude": [{"enable-x64": "0"}]}) == [{"enable-x64": 1}]


def test_no_phantom_include():
    """{py: 3.1} matches the survivor "3.10" (no extra combination appended); its extra lands there."""
    assert points({"py": ["3.9", "3.10"], "include": [{"py": 3.1, "x": 1}]}) == [{"py": "3.9"}, {"py": "3.10", "x": 1}]


def test_keys_ignore_case_in_exclude_and_include():
    matrix = {"os": ["a", "b"], "exclude": [{"OS": "A"}], "include": [{"Os": "B", "extra": 1}]}
    assert points(matrix) == [{"os": "b", "extra": 1}]  # Os is a filter on os, not an extra
    # an include key that differs from an axis only in case is never an extra of its own
    assert points({"os": ["a"], "include": [{"OS": "z"}]}) == [{"os": "a"}, {"OS": "z"}]


def test_extras_merge_ignoring_case_and_keep_the_first_spelling():
    matrix = {"os": ["a"], "include": [{"Tag": 1}, {"TAG": 2, "os": "a"}]}
    assert points(matrix) == [{"os": "a", "Tag": 2}]


def test_case_collisions_are_refused_as_github_does(write):
    with pytest.raises(SweepError, match="differ only in letter case"):
        from_matrix({"os": ["a"], "OS": ["b"]})
    with pytest.raises(ValueError, match="extra keys must differ in more than letter case"):
        MatrixSweep([ValuesAxis("os", ["a"])], include=[{"x": 1, "X": 2}])
    with pytest.raises(ValueError, match="matches no combination"):
        MatrixSweep([ValuesAxis("os", ["a"])], include=[{"os": "b", "OS": "b"}])
    assert list(MatrixSweep([ValuesAxis("os", ["a"])], include=[{"os": "a", "OS": "A", "x": 1}])) == [{"os": "a", "x": 1}]
    with pytest.raises(SweepError, match="an include entry must not be empty"):
        from_matrix({"os": ["a"], "include": [{}]})


@pytest.mark.parametrize(
    "values, literal, kept",
    [
        ([None, 0, False, "", "0", " 0 ", "0x0", "a"], None, ["a"]),  # null is 0; "a" is NaN
        ([True, 1, 1.0, "1", "1.0", "01", "true", "True"], True, ["true", "True"]),  # "true" is not a number
        ([1, 1.0, True, "1", "x"], 1.0, ["x"]),
        (["1", "1.0", 1], "1", ["1.0"]),  # two strings compare as text
        (["a", {"a": 1}, [1]], "a", [{"a": 1}, [1]]),
        ([-1, 4294967295], "0xFFFFFFFF", [4294967295]),  # 32-bit two's complement
        ([16, 8], "0o20", [8]),
        ([math.inf, 1], "Infinity", [1]),
        (["ß", "SS", "ss"], "ß", ["SS", "ss"]),  # a simple case mapping: ß stays ß
    ],
)
def test_loose_equality_cases(values, literal, kept):
    assert points({"v": values, "exclude": [{"v": literal}]}) == [{"v": v} for v in kept]
    assert same(points({"v": values, "exclude": [{"v": literal}]}), oracle.build({"v": values, "exclude": [{"v": literal}]}))


def test_paths_into_objects_and_arrays_follow_the_index_operator():
    matrix = {"cfg": [{"Node": {"Version": "20"}}, {"node": [5]}, {"list": {"0": 7}}, "plain"],
              "exclude": [{"cfg": {"node": {"version": 20}}}, {"cfg": {"node": {"0.9": 5}}}, {"cfg": {"list": [7]}}]}
    # Node.Version by any case; an array indexed by the string "0.9" (a number, floored); an object by "0"
    assert points(matrix) == [{"cfg": "plain"}]
    assert same(points(matrix), oracle.build(matrix))


def test_a_container_leaf_of_zeros_matches_every_scalar():
    """{a: 0} reads matrix.x.a, which is null on a scalar, and null == 0."""
    assert points({"x": [1, "s", {"a": 1}], "exclude": [{"x": {"a": 0}}]}) == [{"x": {"a": 1}}]
    assert from_matrix({"x": {"start": 0, "stop": 10**12}, "exclude": [{"x": {"a": False}}]}).count == 0


def test_number_literals_keep_fifteen_digits():
    """The runner prints a number literal with G15 and parses it back."""
    assert literal_number(0.30000000000000004) == 0.3
    assert points({"x": [0.30000000000000004, 0.3], "exclude": [{"x": 0.30000000000000004}]}) == [{"x": 0.30000000000000004}]


def test_parse_number_follows_expression_utility():
    assert parse_number("\u00a012\u2003") == 12 and math.isnan(parse_number("\x1c12"))  # .NET's white space
    assert math.isnan(parse_number("1_000")) and math.isnan(parse_number("0X10")) and parse_number("+.5e1") == 5
    assert parse_number("0x7FFFFFFF") == 2**31 - 1 and parse_number("0x80000000") == -(2**31)
    assert math.isnan(parse_number("0x100000000")) and parse_number("0o37777777777") == -1
    assert parse_number("infinity") == math.inf and parse_number("1e999") == math.inf
    assert loose_equal(None, "") and not loose_equal(None, "x") and not loose_equal([], [])


# -- numbers are doubles: ranges past 2**53 ---------------------------------------------------------

def test_integers_one_double_stands_for():
    low, high = int_interval(2.0**60)
    assert all(float(n) == 2.0**60 for n in (low, high)) and float(low - 1) != 2.0**60 and float(high + 1) != 2.0**60
    assert int_interval(2.0**53) == (2**53, 2**53 + 1)


@pytest.mark.parametrize("start, stop, step", [(2**60 - 1000, 2**60 + 1000, 1), (2**60 - 999, 2**60 + 1000, 7),
                                               (2**60 + 1000, 2**60 - 1000, -3)])
def test_a_range_past_two_to_the_53_excludes_every_integer_of_one_double(start, stop, step):
    axis = ArithmeticRange("n", start, stop, step)
    sweep = MatrixSweep([axis], exclude=[{"n": str(2**60)}])  # a string leaf parses to the double 2**60
    assert list(sweep) == [{"n": v} for v in axis if float(v) != 2.0**60]
    assert same(sweep, oracle.build({"n": list(axis), "exclude": [{"n": str(2**60)}]}))
    # a number leaf is printed with 15 digits first: 1.15292150460685E+18 is another double, here nothing
    assert MatrixSweep([axis], exclude=[{"n": 2**60}]).count == axis.size


def test_a_geometric_range_compares_as_doubles():
    axis = GeometricRange("n", 1, 2**60 + 1, 2)
    sweep = MatrixSweep([axis], exclude=[{"n": str(2**60)}])  # the last power 2**60 and the stop 2**60+1 alike
    assert list(sweep) == [{"n": v} for v in axis if float(v) != 2.0**60]


# -- laziness -----------------------------------------------------------------------------------------

class _NoScan(ArithmeticRange):
    """A range that fails the test if anything lists or walks its values."""

    def segment(self, start, stop):
        assert stop - start <= 1000, f"scanned {stop - start} values"
        return super().segment(start, stop)

    def __iter__(self):
        raise AssertionError("iterated")


def test_a_billion_value_range_excluded_by_a_string_is_counted_without_scanning(monkeypatch):
    calls = []
    real = matrix_module.parse_number
    monkeypatch.setattr(matrix_module, "parse_number", lambda text: calls.append(text) or real(text))
    axis = _NoScan("n", 0, 10**9)
    sweep = MatrixSweep([axis, ValuesAxis("os", ["a", "b"])], exclude=[{"n": "12345"}, {"n": " 7 ", "os": "B"}],
                        include=[{"n": "0x10", "tag": 1}])
    assert sweep.count == 2 * 10**9 - 1
    # before n = 12346: two points per n, less (7, "b") and both of 12345
    assert sweep[2 * 12346 - 3] == {"n": 12346, "os": "a"} and sweep[2 * 16 - 1] == {"n": 16, "os": "a", "tag": 1}
    assert sweep.index({"n": 12346, "os": "b"}) == 2 * 12346 - 2
    assert len(calls) <= 10  # one parse per string leaf, not per value
    assert len(sweep.batch(10**6, 100)) == 100


# -- the oracle on random matrices ------------------------------------------------------------------

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-1, 2), st.sampled_from([1.0, 0.0, 2.5, -0.0]),
    st.sampled_from(["1", "1.0", " 2 ", "", "0x1", "a", "A", "b", "true", "nan"]),
)


def nested(keys):
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.sampled_from(keys), inner, max_size=2),
                        max_leaves=3)


# A mapping value whose keys differ only in case is refused by the runner when it is read
# (TemplateTokenExtensions.ToExpressionData adds each key to a DictionaryExpressionData); lazysweep
# does not look inside values for that, so values here avoid it, and only exclude leaves use "K".
values = nested(["k", "l", "0"])
exclude_values = nested(["K", "l", "0"])
ranges = st.builds(lambda start, length: {"start": start, "stop": start + length}, st.integers(-1, 2), st.integers(0, 3))
names = ["a", "b", "c"]
spellings = {"a": ["a", "A"], "b": ["b", "B"], "c": ["c"]}


@st.composite
def github_matrices(draw):
    axes = draw(st.dictionaries(st.sampled_from(names), st.one_of(st.lists(values, min_size=1, max_size=4), ranges),
                                min_size=1, max_size=3))
    key = st.sampled_from([spelling for name in axes for spelling in spellings[name]])
    pattern = st.one_of(values, scalars, scalars)
    matrix = dict(axes)
    matrix["exclude"] = draw(st.lists(st.dictionaries(key, st.one_of(pattern, exclude_values), min_size=1, max_size=2),
                                      max_size=4))
    extra = st.sampled_from(["x", "X", "y"])
    matrix["include"] = draw(st.lists(st.dictionaries(st.one_of(key, extra), pattern, min_size=1, max_size=3), max_size=4))
    return matrix


@settings(max_examples=300, deadline=None)
@given(github_matrices(), st.integers(1, 5))
def test_loose_matching_agrees_with_the_oracle(matrix, size):
    check_against_the_oracle(matrix, size)


# -- docs/github-matching.md (its console blocks run in tests/test_docs.py) --------------------------

DOC = Path(__file__).resolve().parent.parent / "docs" / "github-matching.md"


def test_the_docs_refusals_are_the_commands_words(tmp_path, monkeypatch):
    """The text blocks of refusals: the same lines the commands print on stderr."""
    text = DOC.read_text()
    root = DOC.parent.parent
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "out"))
    for argv in (["count", "examples/github-matching.yml", "--job", "skip"],
                 ["batches", "-a", "i=1..65536", "--github-output", "batches"]):
        result = subprocess.run([sys.executable, "-m", "lazysweep", *argv], cwd=root, capture_output=True, text=True,
                                env={**os.environ, "PYTHONPATH": str(root)})
        assert result.returncode in (1, 2) and result.stderr.strip() in text
