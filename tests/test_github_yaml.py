"""Workflows read the way GitHub reads them: YAML 1.2 core scalars, so the counts are GitHub's.

GitHub's runner types plain scalars with the YAML 1.2 core schema (actions/runner,
src/Sdk/DTPipelines/Pipelines/ObjectTemplating/YamlObjectReader.cs). The oracle here is written
independently of lazysweep's loader: PyYAML's SafeLoader with its implicit resolvers replaced by the
core schema's regular expressions (yaml.org/spec/1.2.2, 10.3.2), and GitHub's matrix rules expanded
eagerly (tests/test_matrix.py).
"""

from __future__ import annotations

import json
import math
import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_matrix import eager_matrix, same

import lazysweep
from lazysweep._cli import main
from lazysweep._writer import NOT_FINITE
from lazysweep._loader import PYYAML, load_document
from lazysweep._sweepfile import sweep_from_document


class CoreLoader(yaml.SafeLoader):
    """YAML 1.2 core schema on PyYAML: the oracle's reading of plain scalars."""


CoreLoader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in [
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    ("bool", r"true|True|TRUE|false|False|FALSE", list("tTfF")),
    ("int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", list("-+0123456789")),
    ("float", r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
     list("-+0123456789.")),
]:
    CoreLoader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(f"^(?:{_pattern})$"), _first)


def _core_int(loader, node):
    text = loader.construct_scalar(node)
    return int(text[2:], 16 if text[1:2] == "x" else 8) if text[:2] in ("0x", "0o") else int(text, 10)


def _core_float(loader, node):
    return float(loader.construct_scalar(node).lower().replace(".inf", "inf").replace(".nan", "nan"))


CoreLoader.add_constructor("tag:yaml.org,2002:int", _core_int)
CoreLoader.add_constructor("tag:yaml.org,2002:float", _core_float)


def workflow(matrix_yaml: str) -> str:
    body = "".join(f"        {line}\n" for line in matrix_yaml.strip("\n").split("\n"))
    return f"on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n{body}    steps:\n      - run: 'true'\n"


def github_points(text: str) -> list[dict]:
    return eager_matrix(yaml.load(text, Loader=CoreLoader)["jobs"]["test"]["strategy"]["matrix"])


ISSUE_EXAMPLE = """\
os: [ubuntu-latest, windows-latest]
coverage: [yes, no]
exclude: [{os: windows-latest, coverage: "yes"}]
include: [{os: ubuntu-latest, coverage: "no", experimental: true}]
"""

# (matrix, GitHub's count): each uses YAML 1.1 spellings that PyYAML would have typed
WORKFLOWS = [
    (ISSUE_EXAMPLE, 3),  # PyYAML's rules gave 5
    ("flag: [on, off]\nexclude: [{flag: 'on'}]\n", 1),  # PyYAML: on/off are booleans, nothing excluded: 2
    ("answer: [y, n, yes, no, true]\nexclude: [{answer: true}]\n", 4),  # PyYAML: yes == true, 3 left
    ("time: [1:30, 90]\nexclude: [{time: 90}]\n", 1),  # PyYAML: 1:30 is 90 (sexagesimal), both excluded: 0
    ("n: [1_000, 1000]\nexclude: [{n: 1000}]\n", 1),  # PyYAML: 1_000 is 1000: 0
    ("mask: [0b11, 3]\nexclude: [{mask: 3}]\n", 1),  # PyYAML: 0b11 is 3: 0
    ("mode: [017, 15]\nexclude: [{mode: 17}]\n", 1),  # PyYAML: 017 is octal 15: 2 (17 matches nothing)
    ("lr: [1e-4, '1e-4', 0.0001]\nexclude: [{lr: 0.0001}]\n", 0),  # PyYAML: 1e-4 is a string, and strict: 2
    ("day: [2024-01-01, '2024-01-01']\nexclude: [{day: '2024-01-01'}]\n", 0),  # strings on both
    ("v: [~, null, '', NULL]\nexclude: [{v: null}]\n", 0),  # '' is a string, and '' == null (both 0)
    ("os: [a, b]\ninclude: [{os: a, coverage: yes}, {os: c, coverage: on}]\n", 3),
]


@pytest.mark.parametrize("matrix, count", WORKFLOWS, ids=[m.split("\n")[0][:30] for m, _ in WORKFLOWS])
def test_job_counts_are_githubs(write, capsys, matrix, count):
    path = write(workflow(matrix), "w.yml")
    expected = github_points(workflow(matrix))
    assert len(expected) == count  # the oracle agrees with the count worked out by hand
    sweep = lazysweep.load(path, job="test")
    assert sweep.count == count and same(sweep, expected)
    assert main(["count", path, "--job", "test"]) == 0 and capsys.readouterr().out == f"{count}\n"
    assert main(["lint", path]) == 0 and f"job 'test': {count} jobs, ok" in capsys.readouterr().out


def test_the_issue_example_prints_githubs_values(write, capsys):
    path = write(workflow(ISSUE_EXAMPLE), "w.yml")
    yaml11 = sweep_from_document(load_document(path, dialect=PYYAML), "test")
    assert yaml11.count == 5 and yaml11[0]["coverage"] is True  # what PyYAML's rules gave
    assert main(["stream", path, "--job", "test"]) == 0
    assert [json.loads(line) for line in capsys.readouterr().out.splitlines()] == [
        {"os": "ubuntu-latest", "coverage": "yes"},
        {"os": "ubuntu-latest", "coverage": "no", "experimental": True},
        {"os": "windows-latest", "coverage": "no"},
    ]
    assert main(["get", path, "--job", "test", "--index", "0"]) == 0
    assert capsys.readouterr().out == '{"os":"ubuntu-latest","coverage":"yes"}\n'


SPELLINGS = ["yes", "no", "on", "off", "y", "n", "Yes", "OFF", "true", "False", "~", "null", "1:30", "90", "0b11", "3",
             "1_000", "1000", "017", "17", "15", "0x1F", "0o17", "31", "1e-4", "0.0001", "1E3", "1000.0", "2024-01-01",
             "'yes'", "'17'", "\"on\"", "ubuntu", ".inf", ".5", "+1", "-0"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    a=st.lists(st.sampled_from(SPELLINGS), min_size=1, max_size=4),
    b=st.lists(st.sampled_from(SPELLINGS), min_size=1, max_size=3),
    exclude=st.lists(st.tuples(st.sampled_from("ab"), st.sampled_from(SPELLINGS)), max_size=3),
    include=st.lists(st.tuples(st.sampled_from("ab"), st.sampled_from(SPELLINGS), st.sampled_from(SPELLINGS)), max_size=3),
)
def test_random_matrices_of_yaml11_spellings_match_github(write, a, b, exclude, include):
    matrix = f"a: [{', '.join(a)}]\nb: [{', '.join(b)}]\n"
    if exclude:
        matrix += "exclude:\n" + "".join(f"  - {{{k}: {v}}}\n" for k, v in exclude)
    if include:
        matrix += "include:\n" + "".join(f"  - {{{k}: {v}, extra: {x}}}\n" for k, v, x in include)
    text = workflow(matrix)
    expected = github_points(text)
    sweep = lazysweep.load(write(text, "w.yml"), job="test")
    assert sweep.count == len(expected)
    assert same(sweep, expected)  # no NaN among the spellings


def test_floats_print_as_json_does(write, capsys):
    path = write("matrix:\n  lr: [1e-4, 2.5E+3, 1.0, 3, 1e22, 0.1]\n")
    assert main(["stream", path, "--format", "json"]) == 0
    assert capsys.readouterr().out == '[{"lr":0.0001},{"lr":2500.0},{"lr":1.0},{"lr":3},{"lr":1e+22},{"lr":0.1}]\n'
    assert main(["get", path, "--index", "0", "--format", "env"]) == 0
    assert capsys.readouterr().out == "lr=0.0001\n"


@pytest.mark.parametrize("spelling", [".inf", "-.Inf", ".NaN", "1e400"])
def test_non_finite_values_count_but_do_not_print(write, capsys, spelling):
    """GitHub reads them as numbers, so counts include them; JSON cannot write them: one line, exit 1."""
    path = write(f"matrix:\n  x: [1, {spelling}]\n")
    assert main(["count", path]) == 0 and capsys.readouterr().out == "2\n"
    assert main(["get", path, "--index", "0"]) == 0 and capsys.readouterr().out == '{"x":1}\n'
    for argv in (["get", path, "--index", "1"], ["batch", path, "--index", "0"], ["get", path, "--index", "1", "--format", "env"]):
        assert main(argv) == 1
        captured = capsys.readouterr()
        assert captured.out == "" and captured.err == f"lazysweep: error: {NOT_FINITE}\n"
    assert math.isinf(lazysweep.load(path)[1]["x"]) or math.isnan(lazysweep.load(path)[1]["x"])


def test_the_command_line_restores_what_it_changes(write, capsys):
    """main() prints warnings as one line and lifts the int-to-text limit only while it runs."""
    import sys
    import warnings

    limit, show = sys.get_int_max_str_digits(), warnings.showwarning
    path = write("matrix:\n  os: [a, b]\n  exlude: [{os: a}]\n")
    for _ in range(2):  # shown on every run, not once per process
        assert main(["count", path]) == 0
        captured = capsys.readouterr()
        assert captured.out == "2\n" and captured.err.startswith("lazysweep: warning: ")
        assert captured.err.count("\n") == 1
    assert (sys.get_int_max_str_digits(), warnings.showwarning) == (limit, show)


def test_a_misspelled_matrix_under_strategy_is_named(write):
    path = write("on: push\njobs:\n  t:\n    strategy:\n      matrx: {os: [a]}\n", "w.yml")
    with pytest.raises(lazysweep.SweepError, match=r"job 't' has no strategy.matrix \('matrx' looks like 'matrix'\)"):
        lazysweep.load(path, job="t")


def test_only_non_finite_numbers_get_the_non_finite_message():
    from lazysweep._writer import encode_value as compact_json

    with pytest.raises(lazysweep.SweepError, match="which JSON cannot write"):
        compact_json({"x": [1, {"y": float("-inf")}]})
    with pytest.raises(ValueError, match="Circular reference") as caught:
        loop: list = []
        loop.append(loop)
        compact_json(loop)
    assert not isinstance(caught.value, lazysweep.SweepError)


@pytest.mark.parametrize(
    "matrix, expected",
    [
        ("n: [-1, 4294967295, 31]\nexclude: [{n: 0xFFFFFFFF}, {n: 0x1F}]\n", [{"n": 4294967295}]),  # Int32: -1
        ("n: [-2147483648, 2147483648]\nexclude: [{n: 0o20000000000}]\n", [{"n": 2147483648}]),
        ("v: ['0x10', 16, '0X10']\nexclude: [{v: 0x10}]\n", [{"v": "0X10"}]),  # ParseNumber knows 0x, not 0X
        ("v: [!!str 5, 5, '6']\nexclude: [{v: !!str 6}]\n", [{"v": "5"}, {"v": 5}]),  # !!str: a string
    ],
)
def test_integer_literals_and_tags_as_the_runner_reads_them(write, matrix, expected):
    text = workflow(matrix)
    sweep = lazysweep.load(write(text, "w.yml"), job="test")
    assert list(sweep) == expected


@pytest.mark.parametrize(
    "matrix, message",
    [
        ("n: [0x100000000]\n", "invalid int '0x100000000': GitHub reads 0x and 0o integers as 32 bits"),
        ("n: [! 5]\n", "unsupported YAML tag ! (the runner: Unexpected tag '!')"),
        ("n: [!!int '5']\n", "GitHub refuses the tag !!int on a SingleQuoted scalar"),
        ("n: [!foo 5]\n", "unsupported YAML tag !foo"),
    ],
)
def test_what_the_runner_refuses_is_refused(write, capsys, matrix, message):
    path = write(workflow(matrix), "w.yml")
    assert main(["count", path, "--job", "test"]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
