"""Sweep files: the format, and one located error for each way to break it."""

from __future__ import annotations

import pytest
from conftest import eager_points

import lazysweep
from lazysweep import Chain, Product, SweepError, from_matrix
from lazysweep._sweepfile import SweepWarning


def test_matrix_file(write):
    path = write("matrix:\n  os: [linux, mac]\n  conc: {start: 4, stop: 100, factor: 2}\n  seed: {start: 0, stop: 4}\n")
    sweep = lazysweep.load(path)
    assert isinstance(sweep, Product)
    assert sweep.count == 2 * 6 * 5
    assert list(sweep) == eager_points(
        {"os": ["linux", "mac"], "conc": [4, 8, 16, 32, 64, 100], "seed": [0, 1, 2, 3, 4]}
    )
    assert list(sweep[0]) == ["os", "conc", "seed"]


def test_sweeps_file_and_several_files_concatenate(write):
    first = write("sweeps:\n  - matrix: {x: [1, 2]}\n  - matrix: {y: [a]}\n", "a.yaml")
    second = write("matrix:\n  z: {start: 0, stop: 9, step: 5}\n", "b.yaml")
    assert list(lazysweep.load(first)) == [{"x": 1}, {"x": 2}, {"y": "a"}]
    both = lazysweep.load([first, second])
    assert isinstance(both, Chain)
    assert list(both) == [{"x": 1}, {"x": 2}, {"y": "a"}, {"z": 0}, {"z": 5}]
    assert list(lazysweep.load([second])) == [{"z": 0}, {"z": 5}]
    with pytest.raises(SweepError, match="no sweep files given"):
        lazysweep.load([])


def test_values_may_be_any_yaml_data(write):
    path = write("matrix:\n  node: [{version: 20, env: x}, [1, 2], null, true, 1.5]\n")
    assert [p["node"] for p in lazysweep.load(path)] == [{"version": 20, "env": "x"}, [1, 2], None, True, 1.5]


def test_from_matrix_accepts_python_data():
    sweep = from_matrix({"a": (1, 2), "b": range(0, 10, 5), "c": range(3, 0, -1)})
    assert list(sweep) == eager_points({"a": [1, 2], "b": [0, 5], "c": [3, 2, 1]})
    with pytest.raises(SweepError, match="axis 'a' is empty"):
        from_matrix({"a": range(0)})
    down = from_matrix({"a": range(10**30, 0, -(10**20))})  # lazy: never listed
    assert down.count == 10**10 and down[-1] == {"a": 10**20} and down.index({"a": 5 * 10**29}) == 5 * 10**9
    with pytest.raises(SweepError, match="^'matrix' must be a mapping"):
        from_matrix([1, 2])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("- 1\n", "f.yaml:1:1: the top level must be a mapping with 'matrix' or 'sweeps', not a list"),
        ("42\n", "not the number 42"),
        ("---\n", "not null"),
        ("matrix: {a: [1]}\nother: 1\n", "f.yaml:2:1: unknown key 'other' (expected 'matrix' or 'sweeps')"),
        ("matrix: {a: [1]}\nsweeps: []\n", "expected exactly one of 'matrix' or 'sweeps'"),
        ("{}\n", "expected exactly one of 'matrix' or 'sweeps'"),
        ("sweeps: []\n", "f.yaml:1:9: 'sweeps' must be a non-empty list"),
        ("sweeps: [{matrix: {a: [1]}, x: 1}]\n", "f.yaml:1:10: each entry of 'sweeps' must be a mapping with just 'matrix'"),
        ("matrix: [a, b]\n", "f.yaml:1:9: 'matrix' must be a mapping of axes, not a list"),
        ("matrix: {}\n", "f.yaml:1:9: 'matrix' has no axes and no include entries"),
        ("matrix:\n  os: []\n", "f.yaml:2:7: axis 'os' is empty"),
        ("matrix:\n  os: linux\n", "f.yaml:2:7: axis 'os' must be a list or a range, not a string"),
        ("matrix:\n  1: [a]\n", "f.yaml:2:3: axis name 1 must be a string (quote it)"),
        ("matrix:\n  true: [a]\n", "axis name True must be a string (quote it)"),
        ("matrix:\n  n: {start: 1, stop: 5, stpe: 1}\n", "f.yaml:2:26: unknown key 'stpe' in range axis 'n'"),
        ("matrix:\n  n: {stop: 5}\n", "f.yaml:2:6: range axis 'n' needs 'start'"),
        ("matrix:\n  n: {start: 5}\n", "range axis 'n' needs 'stop'"),
        ("matrix:\n  n: {start: 1, stop: 5, step: 1, factor: 2}\n", "takes 'step' or 'factor', not both"),
        ("matrix:\n  n: {start: 1.5, stop: 5, factor: 2}\n",
         "f.yaml:2:36: range axis 'n': 'factor' takes integers: for floats, use 'num' with 'scale: log'"),
        ("matrix:\n  n: {start: true, stop: 5}\n", "'start' of range axis 'n' must be an integer, not a boolean"),
        ("matrix:\n  n: {start: '1', stop: 5}\n", "must be an integer, not a string"),
        ("matrix:\n  n: {start: 1, stop: 5, step: 0}\n", "f.yaml:2:32: 'step' of range axis 'n' must be at least 1"),
        ("matrix:\n  n: {start: 1, stop: 5, step: -2}\n", "'step' of range axis 'n' must be at least 1"),
        ("matrix:\n  n: {start: 1, stop: 5, factor: 1}\n", "'factor' of range axis 'n' must be at least 2"),
        ("matrix:\n  n: {start: 0, stop: 5, factor: 2}\n", "a geometric range axis 'n' must start at 1 or more"),
        ("matrix:\n  n: {start: 6, stop: 5}\n", "f.yaml:2:14: range axis 'n' starts after it stops (6 > 5)"),
        # near misses and YAML 1.1 spellings: the message says what was probably meant
        ("matrix:\n  a: {start: 0, stpe: 1, stop: 3}\n", "unknown key 'stpe' in range axis 'a' (did you mean 'step'? expected"),
        ("matrix:\n  a: {start: 0, stop: 3, factr: 2}\n", "(did you mean 'factor'? expected"),
        ("matrx:\n  a: [1]\n", "f.yaml:1:1: unknown key 'matrx' (did you mean 'matrix'? expected 'matrix' or 'sweeps')"),
        ("sweep:\n  - matrix: {a: [1]}\n", "unknown key 'sweep' (did you mean 'sweeps'? expected 'matrix' or 'sweeps')"),
        ("matrix:\n  a: {start: 1_000, stop: 2000}\n",
         "'start' of range axis 'a' must be an integer, not a string: `1_000` is the string '1_000' on GitHub "
         "(YAML 1.1 would read an integer)"),
        ("matrix:\n  a: {start: 0, stop: 0b11}\n", "`0b11` is the string '0b11' on GitHub"),
        ("matrix:\n  a: yes\n", "axis 'a' must be a list or a range, not a string: `yes` is the string 'yes' on GitHub"),
    ],
)
def test_bad_sweep_files(write, text, expected):
    path = write(text, "f.yaml")
    with pytest.raises(SweepError) as caught:
        lazysweep.load(path)
    message = str(caught.value)
    assert message.startswith(path[: -len("f.yaml")])
    assert expected in message, message
    assert "\n" not in message


def test_from_matrix_takes_any_sequence_and_any_mapping():
    from types import MappingProxyType

    expected = from_matrix({"os": ["a", "b"], "n": [1, 2], "include": [{"os": "a", "x": 1}], "exclude": [{"n": 2}]})
    for include, exclude in [
        (({"os": "a", "x": 1},), ({"n": 2},)),  # tuples: were "must be a list of mappings, not a list"
        ([MappingProxyType({"os": "a", "x": 1})], [MappingProxyType({"n": 2})]),  # were "not a mapping"
    ]:
        sweep = from_matrix({"os": ("a", "b"), "n": [1, 2], "include": include, "exclude": exclude})
        assert list(sweep) == list(expected) == [{"os": "a", "n": 1, "x": 1}, {"os": "b", "n": 1}]
    with pytest.raises(SweepError, match="^each 'include' entry must be a mapping, not the number 0$"):
        from_matrix({"os": ["a"], "include": range(10**30)})  # never listed
    with pytest.raises(SweepError, match="^'exclude' must be a list of mappings, not a string$"):
        from_matrix({"os": ["a"], "exclude": "os"})


@pytest.mark.parametrize(
    "text, warning",
    [
        ("matrix:\n  os: [a, b]\n  exlude: [{os: a}]\n", "f.yaml:3:3: axis 'exlude' looks like 'exclude': it is an axis, as on GitHub"),
        ("matrix:\n  os: [a, b]\n  includ: [x]\n", "axis 'includ' looks like 'include'"),
        ("matrix:\n  os: [a, b]\n  Include: [x]\n", "axis 'Include' looks like 'include'"),
        ("matrix:\n  os: [a, b]\n  inculde: [x]\n", "axis 'inculde' looks like 'include'"),
        ("sweeps:\n  - matrix: {os: [a], exclud: [1, 2]}\n", "axis 'exclud' looks like 'exclude'"),
    ],
)
def test_near_misses_warn_and_count_as_github_does(write, text, warning):
    path = write(text, "f.yaml")
    with pytest.warns(SweepWarning) as caught:
        sweep = lazysweep.load(path)
    assert len(caught) == 1 and warning in str(caught[0].message) and str(caught[0].message).startswith(path)
    assert sweep.count == 2  # an axis, as GitHub makes it


def test_far_keys_do_not_warn(write, recwarn):
    lazysweep.load(write("matrix:\n  os: [a, b]\n  exclusive: [1]\n  inputs: [2]\n  ex: [3]\n"))
    assert not recwarn.list
