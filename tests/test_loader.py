"""The safe loader: plain data only, exact positions, limits that hold."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from lazysweep import Limits, SweepError
from lazysweep._errors import UsageError
from lazysweep._loader import (PYYAML, github_scalar, libyaml_agrees, load_document, load_file, parse_document, safe_load,
                               yaml11_note)


def error_of(text, limits=None):
    with pytest.raises(SweepError) as caught:
        parse_document(text, "f.yaml", limits)
    return str(caught.value)


def test_plain_values_and_positions():
    doc = parse_document(b"m:\n  os: [a, 'b']\n  n: {start: 1, stop: 0x10}\n  when: 2024-01-01\n", "f.yaml")
    assert doc.value == {"m": {"os": ["a", "b"], "n": {"start": 1, "stop": 16}, "when": "2024-01-01"}}
    m = doc.value["m"]
    assert doc.position(m, "n") == (3, 6)
    assert doc.position(m["os"], 1) == (2, 11)
    assert doc.position(m) == (2, 3)
    assert doc.position() == (1, 1)
    assert str(doc.error("bad", m, "os")) == "f.yaml:2:7: bad"


def test_aliases_share_values():
    doc = parse_document("base: &b [1, 2]\ncopy: *b\nscalar: &s x\nagain: *s\n")
    assert doc.value == {"base": [1, 2], "copy": [1, 2], "scalar": "x", "again": "x"}


@pytest.mark.parametrize(
    "text, expected",
    [
        (b"a: 1\na: 2\n", "f.yaml:2:1: duplicate key 'a' (first at line 1)"),
        (b"a:\n  b: 1\n  b: 1\n", "f.yaml:3:3: duplicate key 'b' (first at line 2)"),
        (b"a: [1, 2\n", "f.yaml:2:1: invalid YAML: while parsing a flow sequence"),
        (b"\tfoo: 1", "f.yaml:1:1: invalid YAML"),
        (b"a: !!python/object/apply:os.system [echo hi]\n", "f.yaml:1:4: unsupported YAML tag !!python/object/apply:os.system"),
        (b"a: !!binary aGVsbG8=\n", "unsupported YAML tag !!binary"),
        (b"a: !!set {x}\n", "unsupported YAML tag !!set"),
        (b"a: !custom 1\n", "unsupported YAML tag !custom"),
        (b"a: &x [1, *x]\n", "f.yaml:1:11: unknown or recursive alias *x"),
        (b"a: *nope\n", "unknown or recursive alias *nope"),
        (b"[1]\n---\n[2]\n", "f.yaml:2:1: more than one YAML document"),
        (b"a: " + b"9" * 5000 + b"\n", "invalid int '99999"),
        (b"a: 0x100000000\n", "f.yaml:1:4: invalid int '0x100000000': GitHub reads 0x and 0o integers as 32 bits, up to 0xffffffff"),
        (b"a: 0o40000000000\n", "invalid int '0o40000000000'"),
        (b"a: ! x\n", "f.yaml:1:4: unsupported YAML tag ! (the runner: Unexpected tag '!')"),
        (b"a: !!int '1'\n", "f.yaml:1:4: GitHub refuses the tag !!int on a SingleQuoted scalar"),
        (b"a: !!float 0x10\n", "invalid float '0x10' under GitHub's YAML rules"),
        (b"a: !!int 1.5\n", "f.yaml:1:4: invalid int '1.5' under GitHub's YAML rules"),
        (b"a: !!bool yes\n", "invalid bool 'yes' under GitHub's YAML rules"),
        (b"a: !!null nil\n", "invalid null 'nil'"),
        (b"a: !!timestamp 2024-01-01\n", "unsupported YAML tag !!timestamp"),
        (b"\xff\xfe\x00", "f.yaml: binary data"),
        (b"a: b\n\xffc", "f.yaml:2:1: not UTF-8 text"),
        (b"a: <<\n", "f.yaml:1:4: '<<' (a merge key) is only allowed as a mapping key"),
        (b"a: {<<: [1]}\n", "f.yaml:1:9: a merge key (<<) takes a mapping or a list of mappings"),
        (b"? [a]\n: 1\n", "f.yaml:1:3: a mapping key must be a scalar"),
        (b"", "f.yaml: file is empty"),
        (b"  \n# just a comment\n", "f.yaml: file is empty"),
    ],
)
def test_bad_yaml_is_one_located_line(text, expected):
    message = error_of(text)
    assert message.startswith(expected) or expected in message
    assert "\n" not in message


def test_limits():
    assert "nested deeper than 5 levels" in error_of("[" * 6 + "]" * 6, Limits(max_depth=5))
    assert parse_document("[" * 5 + "]" * 5, limits=Limits(max_depth=5)).value == [[[[[]]]]]
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(9)
    )
    assert "expands to more than 10000000 values" in error_of(bomb)
    assert "more than 50 values" in error_of("a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [*a, *a, *a, *a, *a]\n", Limits(max_nodes=50))


def test_deep_nesting_does_not_crash():
    # PyYAML's C composer segfaults near this depth; we (or a newer libyaml) refuse it cleanly.
    message = error_of("[" * 100000 + "]" * 100000)
    assert "nested deeper than 100 levels" in message or "exceeded maximum nesting depth" in message
    assert "nested deeper than 100 levels" in error_of("a:\n" + "".join("  " * i + "- \n" for i in range(1, 200)))


def test_file_errors(tmp_path, write):
    with pytest.raises(SweepError, match="no such file"):
        load_document(tmp_path / "missing.yaml")
    with pytest.raises(SweepError, match="is a directory"):
        load_document(tmp_path)
    big = write("a: " + "x" * 100)
    with pytest.raises(SweepError, match="larger than 10 bytes"):
        load_document(big, Limits(max_bytes=10))


def test_limits_from_environment(monkeypatch):
    monkeypatch.setenv("LAZYSWEEP_MAX_DEPTH", "7")
    monkeypatch.setenv("LAZYSWEEP_MAX_NODES", " 1000\n")
    assert Limits.from_environment() == Limits(max_depth=7, max_nodes=1000)
    assert Limits.from_environment({"LAZYSWEEP_MAX_BYTES": str(1 << 40)}).max_bytes == 1 << 40


@pytest.mark.parametrize(
    "variable, text",
    [
        ("LAZYSWEEP_MAX_BYTES", "lots"),
        ("LAZYSWEEP_MAX_BYTES", "0"),
        ("LAZYSWEEP_MAX_BYTES", "-5"),
        ("LAZYSWEEP_MAX_BYTES", "9" * 20),  # was an OverflowError
        ("LAZYSWEEP_MAX_BYTES", "9" * 5000),  # more digits than int() takes
        ("LAZYSWEEP_MAX_BYTES", str((1 << 40) + 1)),
        ("LAZYSWEEP_MAX_DEPTH", "\u00b2"),  # '²' passes str.isdigit() and int() refuses it
        ("LAZYSWEEP_MAX_DEPTH", "\u0663"),  # Arabic-Indic 3: int() would take it
        ("LAZYSWEEP_MAX_DEPTH", "1e3"),
        ("LAZYSWEEP_MAX_NODES", ""),
    ],
)
def test_bad_limits_from_environment_are_usage_errors(variable, text):
    with pytest.raises(UsageError, match=f"^{variable} must be a whole number from 1 to ") as caught:
        Limits.from_environment({variable: text})
    assert "\n" not in str(caught.value)


def test_reading_is_bounded_by_the_file_not_the_limit(write):
    """A 64 GiB limit reads a 200-byte file without reserving 64 GiB."""
    path = write("matrix:\n  a: [1, 2]\n" + "#" * 200)
    assert load_document(path, Limits(max_bytes=64 << 30)).value == {"matrix": {"a": [1, 2]}}
    big = write("a: " + "x" * (3 << 20), "big.yaml")  # several read chunks
    assert len(load_document(big).value["a"]) == 3 << 20
    with pytest.raises(SweepError, match=f"larger than {3 << 20} bytes"):
        load_document(big, Limits(max_bytes=3 << 20))


# Merge keys as the YAML merge spec (yaml.org/type/merge.html) defines them: a mapping's own keys
# override merged ones, and earlier mappings of a merged list override later ones. Key order is
# PyYAML's up to 6.0.3; PyYAML 6.0.4 departs from the spec (which merged value wins can depend on
# whether two key strings are the same object), so the expectations are written out here.
MERGES = [
    ("a: &A {x: 1, y: 2}\nb: {<<: *A, y: 3, z: 4}\n", {"x": 1, "y": 3, "z": 4}),
    ("a: &A {x: 1, y: 2}\nc: &C {y: 9, w: 0}\nb:\n  <<: [*A, *C]\n  z: 4\n", {"y": 2, "w": 0, "x": 1, "z": 4}),
    ("a: &A {x: 1}\nb:\n  k: 0\n  <<: *A\n  x: 5\n", {"x": 5, "k": 0}),
    ("a: &A {x: 1, y: 2}\nb: &B {<<: *A, y: 7}\nc: {<<: *B, q: 1}\n", {"x": 1, "y": 7, "q": 1}),
    ("a: &A {x: 1}\nb: &B {x: 2, y: 2}\nc: {<<: *A, <<: *B}\n", {"x": 2, "y": 2}),
    ("a: &Apple {long_key: 1}\nb: &Banana {long_key: 2}\nc: {<<: [*Apple, *Banana]}\n", {"long_key": 1}),
    ("a: {<<: [], k: 1}\n", {"k": 1}),
    ("a: {<<: {inline: true}, k: 1}\n", {"inline": True, "k": 1}),
    ("a: {'<<': quoted, k: 1}\n", {"<<": "quoted", "k": 1}),
]


@pytest.mark.parametrize("text, merged", MERGES)
def test_merge_keys_follow_the_yaml_spec(text, merged):
    got = parse_document(text).value
    last = list(got.values())[-1]
    assert last == merged and list(last) == list(merged)  # key order too


# GitHub's scalar rules: the YAML 1.2 core schema as actions/runner's YamlObjectReader applies it
# (src/Sdk/DTPipelines/Pipelines/ObjectTemplating/YamlObjectReader.cs: MatchNull, MatchBoolean,
# MatchInteger, MatchFloat, tried in that order on plain scalars; anything else is a string).
GITHUB_RULES = [
    # booleans: three spellings each, nothing else
    ("true", True), ("True", True), ("TRUE", True), ("false", False), ("False", False), ("FALSE", False),
    ("yes", "yes"), ("no", "no"), ("on", "on"), ("off", "off"), ("y", "y"), ("n", "n"),
    ("Yes", "Yes"), ("NO", "NO"), ("On", "On"), ("tRUE", "tRUE"),
    # nulls: null (three spellings), ~ and nothing
    ("null", None), ("Null", None), ("NULL", None), ("~", None), ("", None), ("nULL", "nULL"),
    # integers: decimal (a leading zero is decimal), 0x, 0o; no sign on 0x/0o, no 0X/0O, no 0b, no _
    ("0", 0), ("17", 17), ("-17", -17), ("+17", 17), ("017", 17), ("-0", 0), ("0x1F", 31), ("0xff", 255),
    ("0o17", 15), ("0x7FFFFFFF", 2**31 - 1), ("0o17777777777", 2**31 - 1),
    ("0X1F", "0X1F"), ("-0x1F", "-0x1F"), ("0x", "0x"), ("0o8", "0o8"), ("0O17", "0O17"),
    ("0b11", "0b11"), ("1_000", "1_000"), ("1:30", "1:30"), ("190:20:30", "190:20:30"),
    ("9" * 400, int("9" * 400)),  # exact (the runner holds a double)
    # floats: a dot or an exponent (no dot needed), .inf and .nan
    ("1.5", 1.5), ("1.", 1.0), (".5", 0.5), ("-.5", -0.5), ("+1.5", 1.5), ("1e-4", 1e-4), ("1E5", 1e5),
    ("2.5e+3", 2500.0), ("-1e3", -1000.0), ("1e400", math.inf),
    (".inf", math.inf), (".Inf", math.inf), ("+.INF", math.inf), ("-.inf", -math.inf), ("-.Inf", -math.inf),
    (".nan", math.nan), (".NaN", math.nan), (".NAN", math.nan),
    ("-.nan", "-.nan"), (".", "."), ("e5", "e5"), ("1e", "1e"), ("1.5.2", "1.5.2"), ("inf", "inf"), ("NaN", "NaN"),
    ("1,000", "1,000"), ("1_000.5", "1_000.5"),
    # what YAML 1.1 would have typed: timestamps, sexagesimal, binary, = are strings
    ("2024-01-01", "2024-01-01"), ("2001-12-14t21:59:43.10-05:00", "2001-12-14t21:59:43.10-05:00"), ("=", "="),
    ("v1.0", "v1.0"), ("ubuntu-latest", "ubuntu-latest"), ("3.10", 3.1),
]


def same(a, b):
    return type(a) is type(b) and (a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b)))


@pytest.mark.parametrize("text, expected", GITHUB_RULES, ids=[repr(text)[:30] for text, _ in GITHUB_RULES])
def test_plain_scalars_follow_github(text, expected):
    got = parse_document(f"a: {text}\n" if text else "a:\n").value["a"]
    assert same(got, expected), (got, expected)
    assert same(github_scalar(text), expected)
    quoted = parse_document(f"a: '{text}'\nb: \"{text}\"\nd: !!str {text}\ne: !!str '{text}'\n").value
    assert quoted == dict.fromkeys("abde", text)  # quoted or tagged !!str: always the string (! is refused)


@pytest.mark.parametrize(
    "text, expected",
    [("!!int 017", 17), ("!!int 0x10", 16), ("!!float 3", 3.0), ("!!float 1e-4", 1e-4), ("!!float .inf", math.inf),
     ("!!bool TRUE", True), ("!!null ~", None), ("!!str true", "true")],
)
def test_core_tags_follow_github(text, expected):
    assert same(parse_document(f"a: {text}\n").value["a"], expected)


def test_pyyaml_dialect_keeps_safe_loads_rules():
    """The drop-ins read their configs as upstream does, with yaml.safe_load's YAML 1.1 rules."""
    import yaml

    text = "a: [yes, no, on, off, y, n, 017, 0b11, 1_000, 1:30, 0x1F, 1e-4, 1.5e3, ~, '', null]\n"
    got = parse_document(text, dialect=PYYAML).value
    assert got == yaml.safe_load(text)
    assert got["a"][:4] == [True, False, True, False] and got["a"][6:10] == [15, 3, 1000, 90]
    assert parse_document("a: 2024-01-01\n", dialect=PYYAML).value == {"a": "2024-01-01"}  # text, as before
    for bad, message in (("a: .inf\n", "'.inf' is not a finite number"), ("a: .nan\n", "'.nan' is not a finite number"),
                         ("a: " + "9" * 5000 + "\n", "invalid int '9999")):
        with pytest.raises(SweepError, match=message):
            parse_document(bad, dialect=PYYAML)
    with pytest.raises(ValueError, match="unknown YAML dialect"):
        parse_document("a: 1\n", dialect="1.1")


@pytest.mark.parametrize(
    "value, note",
    [("yes", "`yes` is the string 'yes' on GitHub (YAML 1.1 would read a boolean)"),
     ("Off", "`Off` is the string 'Off' on GitHub (YAML 1.1 would read a boolean)"),
     ("1_000", "`1_000` is the string '1_000' on GitHub (YAML 1.1 would read an integer)"),
     ("0b11", "`0b11` is the string '0b11' on GitHub (YAML 1.1 would read an integer)"),
     ("1:30", "`1:30` is the string '1:30' on GitHub (YAML 1.1 would read an integer)"),
     ("2024-01-01", "`2024-01-01` is the string '2024-01-01' on GitHub (YAML 1.1 would read a date)"),
     ("y", ""), ("plain", ""), ("017", ""), ("true", ""), (17, ""), ("", ""), ("a\nb", "")],
)
def test_yaml11_note(value, note):
    assert yaml11_note(value) == note


# The core schema's regular expressions (yaml.org/spec/1.2.2, 10.3.2), the way the spec writes them:
# an oracle for github_scalar, which checks characters instead (no regex to compile at start-up).
SPEC = [
    (re.compile(r"null|Null|NULL|~|"), lambda text: None),
    (re.compile(r"true|True|TRUE|false|False|FALSE"), lambda text: text.lower() == "true"),
    (re.compile(r"[-+]?[0-9]+"), int),
    (re.compile(r"0o[0-7]+"), lambda text: int(text[2:], 8)),
    (re.compile(r"0x[0-9a-fA-F]+"), lambda text: int(text[2:], 16)),
    (re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?"), float),
    (re.compile(r"[-+]?(\.inf|\.Inf|\.INF)"), lambda text: -math.inf if text[0] == "-" else math.inf),
    (re.compile(r"\.nan|\.NaN|\.NAN"), lambda text: math.nan),
]


def spec_scalar(text):
    for pattern, make in SPEC:
        if pattern.fullmatch(text):
            return make(text)
    return text


@given(st.text(st.sampled_from("0123456789+-.eExoXOabfAF_:~ \u00b2\u0663infaNlsTru"), max_size=8))
def test_github_scalar_agrees_with_the_spec(text):
    expected = spec_scalar(text)
    if isinstance(expected, int) and not isinstance(expected, bool) and expected > 2**31 - 1 and text[:2] in ("0x", "0o"):
        with pytest.raises(ValueError, match="32 bits"):
            github_scalar(text)
    else:
        assert same(github_scalar(text), expected), (text, github_scalar(text), expected)


# --- safe_load: yaml.safe_load's value (or exception), exactly ---------------------------------

COMPAT = Path(__file__).resolve().parent


def typed(value):
    """``value`` with every type spelt out (True is not 1, 1.0 is not 1) and NaN equal to itself."""
    if isinstance(value, dict):
        return ("dict", [(typed(key), typed(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("list", [typed(item) for item in value])
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


def outcome(load, data):
    try:
        return "value", typed(load(data))
    except Exception as error:  # the same exception, type and message, is the contract
        return "error", type(error).__name__, str(error)


def pyyaml_safe_load(data):
    """The drop-ins' upstreams' loader: PyYAML's pure-Python SafeLoader (what ``yaml.safe_load`` is)."""
    return yaml.load(data, Loader=yaml.SafeLoader)


@pytest.mark.parametrize("path", sorted(p.relative_to(COMPAT).as_posix() for p in COMPAT.glob("compat*/**/*.yaml")))
def test_safe_load_equals_pyyaml_on_every_corpus_file(path):
    data = (COMPAT / path).read_bytes()
    assert outcome(safe_load, data) == outcome(pyyaml_safe_load, data)


TRICKY_SCALARS = ["yes", "No", "on", "OFF", "y", "010", "0o17", "0x1F", "0b101", "1_000", "1:30", "-1:30:00", "~",
                  "null", "", "2024-01-02", "2024-01-02 10:00:00", ".inf", "-.Inf", ".nan", "1e5", "1.5e3", "6.",
                  "+1", "-0", "0", "=", "<<", "'1'", '"yes"', "!!str 1", "!!int '7'", "!!float 3", "!!binary aGk=",
                  "!!bool yes", "!!timestamp 2001-12-14", "!foo x", "a b", "x: y", "[1, 2]", "{a: 1}", "- q",
                  "&a 5", "*a", "*missing", "1" * 5000, "\t", "'unterminated"]


@given(st.lists(st.tuples(st.sampled_from(["k", "a", "b", "<<", "1", "yes", "k2"]),
                          st.sampled_from(TRICKY_SCALARS)), max_size=6),
       st.sampled_from(["mapping", "list", "nested"]))
def test_safe_load_equals_pyyaml_on_tricky_documents(pairs, shape):
    if shape == "mapping":
        text = "".join(f"{key}: {value}\n" for key, value in pairs)
    elif shape == "list":
        text = "".join(f"- {value}\n" for _, value in pairs)
    else:
        text = "top: &top\n" + "".join(f"  {key}: {value}\n" for key, value in pairs) + "other:\n  <<: *top\n  k: 1\n"
    assert outcome(safe_load, text) == outcome(pyyaml_safe_load, text)
    assert outcome(safe_load, text.encode()) == outcome(pyyaml_safe_load, text.encode())


@pytest.mark.parametrize("text", ["a: &x 1\nb: &x 2\n", "a: &x [&x 1]\n", "- &x {k: &x v}\n", "a: &x 1\nb: *x\nc: &y 2\n"])
def test_safe_load_refuses_a_repeated_anchor_as_pyyaml_does(text):
    assert outcome(safe_load, text) == outcome(pyyaml_safe_load, text)


def test_safe_load_shares_aliased_values_as_pyyaml_does():
    value = safe_load("a: &x [1]\nb: *x\n")
    assert value["a"] is value["b"]


@pytest.mark.parametrize("path", sorted(p.relative_to(COMPAT).as_posix() for p in COMPAT.glob("compat*/**/*.yaml")))
def test_load_file_is_upstreams_safe_load_of_the_open_file(path):
    def upstream(name):
        with open(name) as stream:
            return yaml.safe_load(stream)

    assert outcome(load_file, COMPAT / path) == outcome(upstream, COMPAT / path)


# --- differential fuzz against PyYAML's pure-Python loader (issue: libyaml reads some text differently) ----

# Where libyaml and PyYAML's own reader part: each of these was a held-out difference.
LIBYAML_DIFFERS = ["a:\t1\n", "a: 1\n\ufeffb: 2\n", "a: 1\x85b: 2\n", "a: [1,\u2028 2]\n", "- a\u2029- b\n",
                   "a: |2#c\n", "a: >+#\n", "!\n", "a: !\n", "a: \r\n b\r\n"]


@pytest.mark.parametrize("text", LIBYAML_DIFFERS)
def test_where_libyaml_differs_the_pure_loader_decides(text):
    assert outcome(safe_load, text) == outcome(pyyaml_safe_load, text)


def test_the_precheck_lets_ordinary_configs_take_the_fast_path():
    assert all(libyaml_agrees((COMPAT / p).read_text()) for p in ("compat-ix/real/nvidia-master.yaml",
                                                                    "compat/real/amd-master.yaml"))


@pytest.mark.parametrize("text", ["a: !!bool foo\nb: [\n", "a: !!int ''\nb: {\n", "- !!bool foo\n- &x 1\n- &x 2\n- {\n",
                                  "a: !!int ''\n", "a: !!bool foo\n", "a: !!float x\n"])
def test_construction_errors_wait_for_the_parse_as_pyyaml_does(text):
    """PyYAML parses the whole document before it constructs a value: a parse error later in the text
    wins over a scalar it cannot construct, and an unconstructible scalar is its own KeyError/IndexError."""
    assert outcome(safe_load, text) == outcome(pyyaml_safe_load, text)


FRAGMENTS = ["a", "b", "<<", "1", "yes", "~", "", " ", "  ", "\t", "\ufeff", "\x85", "\u2028", "\u2029", "\r", "\n",
             "\n  ", "\n- ", "- ", ": ", ":", "? ", ",", "[", "]", "{", "}", "'", '"', "#", " #c", "&x ", "*x", "&y ",
             "*y", "!!int ", "!!bool ", "!!str ", "!!float ", "!!null ", "!!map ", "!!seq ", "!x ", "!", "|", ">", "|-",
             ">+", "|2", "---", "...", "%YAML 1.1\n", "%YAML 1.3\n", "%TAG ! tag:x,2000:\n", "010", "0x1F", "1_000",
             "1:30", "2024-01-01", ".inf", ".nan", "\\", "\\x41", "\\u2028", "\\/", "\\N", "é", "\U0001F600", "-",
             "=", "%", "@", "0b11", "1e3", "x" * 1030, "é" * 600]
KEYS = ["a", "b", "<<", "? a", "'q'", "1", "[1]", "{a: 1}", "&x a", "*x", "!!str k", "- a", "-", "a b", "a#b"]
SEPARATORS = [": ", ":", ": &x ", ": *x", ":\n", ": !!int ", ": !!bool ", ": !", ": |", ": >-", ":\t", ":\n  - ", ": ["]
VALUES = ["", "1", "yes", "~", "[1, 2]", "{a: 1, b: [2]}", "[a: 1]", "{a: b: c}", "'x''y'", '"a\\tb"', '"\\/"', "*x",
          "&y [1]", "2024-01-01", "1:30", "0x1F", "1_0", ".inf", "!!float 1", "!!int '1'", "!!int ''", "!!bool foo",
          "{<<: *x}", "[*x]", "a # c", "a#c", "'", "]", "!!set {a}", "!!binary aGk=", "\ufeff", "a\u2028b"]


@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=14))
def test_safe_load_is_pure_pyyaml_on_random_fragments(fragments):
    text = "".join(fragments)
    assert outcome(safe_load, text) == outcome(pyyaml_safe_load, text)


@given(st.lists(st.tuples(st.sampled_from(["", "  ", "- ", "  - "]), st.sampled_from(KEYS), st.sampled_from(SEPARATORS),
                          st.sampled_from(VALUES)), min_size=1, max_size=6),
       st.sampled_from(["", "---\n", "%YAML 1.1\n---\n", "\ufeff"]), st.sampled_from(["", "\n", "\n...\n", "\n---\n"]))
def test_safe_load_is_pure_pyyaml_on_random_documents(lines, head, tail):
    text = head + "\n".join("".join(line) for line in lines) + tail
    assert outcome(safe_load, text) == outcome(pyyaml_safe_load, text)
    assert outcome(safe_load, text.encode()) == outcome(pyyaml_safe_load, text.encode())


# -- long flow sequences read from the text (lazysweep._flowlists) ------------------------------------

FLOW_WORDS = ["1", "-2", "0", "-0", "-0.0", "017", "0x1F", "0o17", "0xFFFFFFFF", "0x1FFFFFFFF", "0o8", "1e-4", "1E5",
              "1e400", "1.", ".5", "-.5", "+1", "+", "1.5.2", ".inf", "-.inf", "+.INF", ".nan", ".NaN", "NaN",
              "Infinity", "-Infinity", "true", "True", "TRUE", "false", "FALSE", "null", "Null", "~", "yes", "on",
              "1_000", "1:30", "a", "-a", "--a", "v1.0", "ubuntu-latest", "a/b", "~x", "_", "9" * 4301,
              # not plain words: their sequence is left to the parser
              "'q'", '"d"', "a b", "&a x", "*a", "!!str 1", "!!int 3", "[1]", "{k: 1}", "k: v", "x #c", "<<", "-",
              "a\u00e9", ""]
FLOW_SEPARATORS = [", ", ",", " , ", ",  "]
#: Where a sequence sits: a value, nested, anchored and aliased, tagged; and where brackets are not one
#: (a quoted string, a comment, a block or plain scalar); and errors around it.
FLOW_PLACES = ["x: @\n", "- @\n", "x:\n  y: @\n", "x: {k: @}\n", "x: [@, @]\n", "x: &a @\ny: *a\n",
               "x: !!seq @\n", "x: ! @\n", "x: !!map @\n", "\u00e9\u00e9: @\n", "x: @ # c\n",
               "x: \"s @\"\n", "x: 's @'\n", "# @\nx: 1\n", "x: |\n  @\n", "x: s @\n", "x: s\n  @\n",
               "@: 1\n", "x: @]\n", "x: @\nx: 1\n", "\"k @\": 1\n\"k @\": 2\n", "x: @\n\ty: 1\n"]


def ordinary_outcome(text, min_items):
    """(value with types, each list item's position) or (error), with flow lists read from the text
    from ``min_items`` items on (None: never)."""
    from lazysweep import _flowlists

    kept = _flowlists.MIN_ITEMS
    _flowlists.MIN_ITEMS = 10**9 if min_items is None else min_items
    try:
        document = parse_document(text, "f.yaml")
    except SweepError as error:
        return "error", str(error)
    finally:
        _flowlists.MIN_ITEMS = kept
    places, pending = [], [document.value]
    while pending:
        value = pending.pop()
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for key, item in items:
            places.append((document.position(value, key), document.position(value, key, at_key=True)))
            pending.append(item)
    return "value", typed(document.value), places


@given(st.lists(st.sampled_from(FLOW_WORDS[:50]), min_size=1, max_size=40) | st.lists(st.sampled_from(FLOW_WORDS),
       min_size=1, max_size=40), st.sampled_from(FLOW_SEPARATORS), st.sampled_from(["", " "]),
       st.sampled_from(["", ",", ", "]), st.sampled_from(FLOW_PLACES), st.sampled_from([1, 2, 16]))
def test_flow_lists_read_from_the_text_are_the_parsers(words, separator, pad, trailing, place, min_items):
    """Same values, types, positions and errors (message, line and column) as the parser's path."""
    sequence = "[" + pad + separator.join(words) + trailing + pad + "]"
    text = place.replace("@", sequence)
    assert ordinary_outcome(text, min_items) == ordinary_outcome(text, None)


def test_a_long_flow_list_is_read_from_the_text():
    from lazysweep import _flowlists

    words = ["1", "a", "2.5", "true", "~", "0x10", "NaN", ".inf", "017", "yes"] * 4
    text = "x: &a [" + ", ".join(words) + "]\ny: *a\n"
    blanked, found = _flowlists.blank_flow_lists(text, lambda words, source: list(words))
    assert len(blanked) == len(text) and blanked.startswith("x: &a [ ") and blanked.endswith(" ]\ny: *a\n")
    assert list(found) == [text.index("[") + 1]
    document = parse_document(text, "f.yaml")
    assert document.value["x"][:10] == [1, "a", 2.5, True, None, 16, "NaN", math.inf, 17, "yes"]
    assert document.value["y"] is document.value["x"]
    assert document.position(document.value["x"], 3) == (1, 7 + len("1, a, 2.5, ") + 1)
    assert document.position(document.value["x"], 40) == document.position(document.value, "x")
    inside = "[" + ", ".join(words) + "]"
    assert parse_document(f"x: 's {inside}'\n# {inside}\n").value == {"x": f"s {inside}"}  # not a sequence there
