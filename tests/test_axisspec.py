"""Axes from the command line (-a NAME=SPEC) and point formats for programs (args, hydra)."""

from __future__ import annotations

import argparse
from decimal import Decimal
import shlex
import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lazysweep import UsageError, from_matrix
from lazysweep._axisspec import parse_axis, plain_scalar, sweep_from_axes
from lazysweep._formats import args_line, hydra_line, hydra_value


def values(option):
    return list(parse_axis(option))


def test_the_issue_example():
    sweep = sweep_from_axes(["lr=1e-4,3e-4,1e-3", "seed=0..99", "conc=4..1024x2"])
    assert sweep.count == 3 * 100 * 9
    assert sweep[-1] == {"lr": 0.001, "seed": 99, "conc": 1024}
    assert sweep.index({"lr": 0.0003, "seed": 5, "conc": 16}) == 900 + 5 * 9 + 2


@pytest.mark.parametrize("option, expected", [
    ("n=1..4", [1, 2, 3, 4]),
    ("n=-2..2:2", [-2, 0, 2]),
    ("n=0..10:3", [0, 3, 6, 9]),
    ("c=4..100x2", [4, 8, 16, 32, 64, 100]),
    ("wd=0.1..0.5:0.1", [0.1, 0.2, 0.3, 0.4, 0.5]),
    ("x=0..1:0.25", [0.0, 0.25, 0.5, 0.75, 1.0]),
    ("x=0.5..2", [0.5, 1.5]),
    ("lr=1e-4,3e-4", [0.0001, 0.0003]),
    ("model=llama,qwen 2", ["llama", "qwen 2"]),
    ("flag=true,false,null", [True, False, None]),
    ("one=8", [8]),
    (" name = a , b ", ["a", "b"]),
    ("path=../data,./x..y", ["../data", "./x..y"]),
    ("v='1..2..3'", ["1..2..3"]),
    ("eq=a=b", ["a=b"]),
    ("p=0..1:num=5", [0.0, 0.25, 0.5, 0.75, 1.0]),
    ("p=0..10:num=3", [0.0, 5.0, 10.0]),
    ("p=1..0:num=3", [1.0, 0.5, 0.0]),
    ("p=2..2:num=1", [2.0]),
    ("lr=1e-4..1e-1:num=4:log", [0.0001, 0.001, 0.01, 0.1]),
    ("lr=1e-4..1e-2:num=5:log", [0.0001, 0.00031622776601683794, 0.001, 0.0031622776601683794, 0.01]),
    ("c=1..1000:num=4:log", [1.0, 10.0, 100.0, 1000.0]),
    ("t='1..2:nums'", ["1..2:nums"]),  # quoted: a string
    ("lst=[1,2]", [[1, 2]]),
    ("lst=[1,2],[3]", [[1, 2], [3]]),
    ("m={a: 1, b: [x, 'y,z']}", [{"a": 1, "b": ["x", "y,z"]}]),
    ("s='a,b',\"c,d\",e", ["a,b", "c,d", "e"]),
    ("s='it''s'", ["it's"]),
    ("s=it's", ["it's"]),
    ("f=[yes, 017, 1e-4, ~]", [["yes", 17, 0.0001, None]]),
])
def test_specs(option, expected):
    assert values(option) == expected
    assert [type(v) for v in values(option)] == [type(v) for v in expected]


@pytest.mark.parametrize("option, message", [
    ("lr", "expected NAME=SPEC"),
    ("=1,2", "expected NAME=SPEC"),
    ("lr=", "the SPEC after '=' is empty"),
    ("lr=1,,2", "an empty item in the list"),
    ("n=5..1", "start must not be after stop"),
    ("n=1..5:0", "STEP must be at least 1"),
    ("n=1..5:-1", "STEP must be at least 1"),
    ("c=0..8x2", "start must be at least 1"),
    ("c=1..8x1", "factor must be at least 2"),
    ("c=0.5..8x2", "a geometric range A..BxF takes integers"),
    ("x=0.5..0.1:0.1", "starts after it stops"),
    ("x=0..1:-0.1", "'step' must be above 0"),
    ("x=1,.nan", ".nan cannot be written as JSON"),
    ("x=0..1:num=0", "'num' must be at least 1"),
    ("x=0..1:num=-3", "'num' must be at least 1"),
    ("x=0..1:num=1", "both ends are included"),
    ("x=0..1:num=x", "num=N takes an integer, not 'x'"),
    ("x=0..1:num=2.5", "num=N takes an integer, not '2.5'"),
    ("x=0..1:num=", "num=N takes an integer, not ''"),
    ("x=0..1:num", "expected A..B:num=N or A..B:num=N:log"),
    ("lr=0..1:num=3:log", "a log range needs 'start' above 0, not 0"),
    ("lr=1..-1:num=3:log", "a log range needs 'stop' above 0, not -1"),
    ("lr=1e-4..1:log", ":log needs the number of values first: A..B:num=N:log"),
    ("lr=1e-4..1:log:num=3", ":log needs the number of values first"),
    ("x=0..1:num=3:lin", "expected :log after num=N, not 'lin'"),
    ("x=1..2:num=3:log:log", "expected :log after num=N, not 'log:log'"),
    ("x=1..5:step=2", "'1..5:step=2' is not a range: expected A..B, A..B:STEP, A..BxF or A..B:num=N"),
    ("v=1..2..3", "'1..2..3' is not a range"),
    ("t=1..2:nums", "'1..2:nums' is not a range"),
    ("x=1..5,7", "the range '1..5' cannot be an item of a list: give it its own -a"),
    ("x=[1,2", "unclosed '\\[': expected '\\]'"),
    ("x=1]", "unbalanced '\\]' at character 2"),
    ("x={a: [1}", "unbalanced '}' at character 7"),
    ("x='a", "unclosed quote '"),
    ("x='a'b", "is not a YAML flow value"),
    ("x={a: 1, a: 2}", "is not a YAML flow value \\(duplicate key 'a'"),
    ("x=[1, .nan]", "holds nan, which JSON cannot carry"),
    ("x={a: -.inf}", "holds -inf, which JSON cannot carry"),
])
def test_bad_specs_are_usage_errors_naming_the_option(option, message):
    with pytest.raises(UsageError, match=message) as raised:
        parse_axis(option)
    assert str(raised.value).startswith(f"-a {option!r}: ")


def test_an_axis_given_twice():
    with pytest.raises(UsageError, match="the axis 'n' is given twice"):
        sweep_from_axes(["n=1,2", "m=3", "n=4"])


@pytest.mark.parametrize("text, expected", [
    ("1e-4", 0.0001), ("1E3", 1000.0), ("-.5", -0.5), ("+3", 3), ("007", 7), ("0o17", 15), ("0x1F", 31),
    ("~", None), ("NULL", None), ("True", True), ("FALSE", False),
    ("yes", "yes"), ("on", "on"), ("1_000", "1_000"), ("0b11", "0b11"), ("1.2.3", "1.2.3"), ("e5", "e5"),
])
def test_plain_scalars_follow_yaml_1_2_core(text, expected):
    found = plain_scalar(text)
    assert found == expected and type(found) is type(expected)


def test_args_lines_reach_argparse_intact():
    point = {"lr": 1e-05, "model": "it's a \"model\" $HOME", "fp8": False, "tp": [1, 2], "empty": "", "n": None}
    line = args_line(point)
    assert line.startswith("--lr=1e-05 ")
    parser = argparse.ArgumentParser()
    for key in point:
        parser.add_argument(f"--{key}")
    parsed = vars(parser.parse_args(shlex.split(line)))
    assert parsed == {"lr": "1e-05", "model": point["model"], "fp8": "false", "tp": "[1,2]", "empty": "", "n": "null"}
    echoed = subprocess.run(["sh", "-c", f"printf '%s\\n' {line}"], capture_output=True, text=True).stdout
    assert echoed.splitlines() == shlex.split(line)


# shlex knows no ANSI-C quotes: line breaks (written $'...') and NUL (refused) are tests/test_formats.py's.
@given(st.dictionaries(st.from_regex(r"[a-z][a-z_.-]{0,8}", fullmatch=True),
                       st.text(st.characters(blacklist_characters="\0\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"),
                               max_size=12), max_size=4))
def test_any_strings_survive_the_shell(point):
    assert shlex.split(args_line(point)) == [f"--{key}={value}" for key, value in point.items()]
    assert [word.partition("=")[0] for word in shlex.split(hydra_line(point))] == list(point)


@pytest.mark.parametrize("value, expected", [
    ("llama-3.1/8B", "llama-3.1/8B"),
    ("8", "'8'"), ("1e-4", "'1e-4'"), ("true", "'true'"), ("Null", "'Null'"), ("nan", "'nan'"),
    ("a,b", "'a,b'"), ("x y", "'x y'"), ("", "''"), ("it's", "'it\\'s'"), ("end\\", "'end\\\\'"),
    ("a\\'b", "'a\\\\\\'b'"), ("a\\b", "'a\\b'"),
    (None, "null"), (True, "true"), (3, "3"), (0.1, "0.1"), (1e-05, "1e-05"),
    ([1, "b c", None], "[1,'b c',null]"), ({"x": {"y": "8"}}, "{x:{y:'8'}}"),
])
def test_hydra_values(value, expected):
    assert hydra_value(value) == expected


def test_hydra_lines():
    assert hydra_line({"lr": 0.001, "seed": 3, "model.name": "a b"}) == "lr=0.001 seed=3 \"model.name='a b'\""


@given(st.integers(-10**20, 10**20), st.integers(0, 300), st.integers(1, 50))
def test_integer_ranges_list_like_range(start, span, step):
    assert values(f"n={start}..{start + span}:{step}") == list(range(start, start + span + 1, step))


@given(st.integers(-10**4, 10**4), st.integers(0, 500), st.integers(1, 100), st.integers(1, 4))
def test_decimal_ranges_list_like_decimal(start, span, step, places):
    text = [f"{Decimal(n).scaleb(-places)}" for n in (start, start + span, step)]
    listed = values(f"x={text[0]}..{text[1]}:{text[2]}")
    first, last, increment = (Decimal(part) for part in text)
    expected = [float(first + k * increment) for k in range(int((last - first) / increment) + 1)]
    assert listed == expected


@given(st.integers(-10**6, 10**6), st.integers(-10**6, 10**6), st.integers(0, 6), st.integers(2, 300), st.booleans())
def test_num_forms_are_the_sweep_files_ranges(first, last, places, num, log):
    # A..B:num=N[:log] against {start, stop, num[, scale: log]} read from a sweep file: the same values, bit for bit.
    from lazysweep._loader import github_scalar

    texts = [str(Decimal(n).scaleb(-places)) for n in ((abs(first) + 1, abs(last) + 1) if log else (first, last))]
    suffix = ":log" if log else ""
    listed = values(f"x={texts[0]}..{texts[1]}:num={num}{suffix}")
    spec = {"start": github_scalar(texts[0]), "stop": github_scalar(texts[1]), "num": num}
    if log:
        spec["scale"] = "log"
    from_file = list(from_matrix({"x": spec}))
    assert [point["x"] for point in from_file] == listed
    assert [value.hex() for value in listed] == [point["x"].hex() for point in from_file]
    assert len(listed) == num and all(type(value) is float for value in listed)
