"""--format args|hydra|env: the fragment path writes the dict path's bytes, one line per point,
values that come back intact through bash and through Hydra's own parser and compose."""

from __future__ import annotations

import json
import math
import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lazysweep import Product, SweepError, fingerprint, from_matrix
from lazysweep._axes import ArithmeticRange, ValuesAxis
from lazysweep._cli import main
from lazysweep._formats import LINE_BREAKS, EnvFormat, HydraFormat, hydra_value, program_format, shell_word
from lazysweep._plan import field_names
from lazysweep._writer import iter_encoded

BASH = shutil.which("bash")
needs_bash = pytest.mark.skipif(BASH is None, reason="bash is not installed")

#: Any character but NUL and the surrogates, line breaks and shell/Hydra specials made frequent.
characters = st.one_of(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"),
    st.sampled_from([*LINE_BREAKS, "'", '"', "\\", "$", "{", "}", "${", "`", "!", " ", ",", "=", "*"]),
)
strings = st.lists(characters, max_size=8).map("".join)
scalars = st.one_of(st.none(), st.booleans(), strings, st.integers(-(10**20), 10**20),
                    st.floats(allow_nan=False, allow_infinity=False))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.from_regex(r"[a-z][a-z0-9_]{0,5}", fullmatch=True), inner, max_size=3),
                      max_leaves=5)
names = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True)


def bash_words(lines: list[str]) -> list[list[str]]:
    """Each line as a job script's ``while read`` loop and ``eval`` split it, the words NUL-separated."""
    script = 'while IFS= read -r line; do eval "set -- $line"; printf \'%s\\0\' "$@"; printf \'\\1\\0\'; done'
    feed = "".join(line + "\n" for line in lines).encode()
    out = subprocess.run([BASH, "--norc", "-c", script], input=feed, capture_output=True, check=True).stdout
    found: list[list[str]] = []
    current: list[str] = []
    for word in out.decode("utf-8").split("\0")[:-1]:
        if word == "\1":
            found.append(current)
            current = []
        else:
            current.append(word)
    return found


# -- the fragment path is the dict path, byte for byte -----------------------------------------

@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(values, min_size=1, max_size=3), min_size=1, max_size=3),
       st.sampled_from(["args", "hydra", "env"]), st.booleans(), st.booleans())
def test_fragments_write_what_points_write(columns, name, with_index, shuffled):
    sweep = Product([ValuesAxis(f"k{i}", column) for i, column in enumerate(columns)] + [ArithmeticRange("n", 0, 2)])
    if shuffled:
        sweep = sweep.shuffled(3)
    format = program_format(name)
    try:
        expected = [format.point({**sweep[i], **({"_index": sweep.source_index(i)} if with_index else {})})
                    for i in range(sweep.count)]
    except SweepError as error:
        with pytest.raises(SweepError, match=str(error)[:30].replace("(", r"\(").replace("[", r"\[")):
            list(iter_encoded(sweep, format=format, with_index=with_index))
        return
    assert list(iter_encoded(sweep, format=format, with_index=with_index)) == expected


# -- one line per point, and bash gives the values back ------------------------------------------

@needs_bash
@settings(max_examples=60, deadline=None)
@given(st.lists(strings, min_size=1, max_size=6), st.lists(st.one_of(strings, st.integers(), st.booleans()),
                                                           min_size=1, max_size=3))
def test_args_lines_are_one_per_point_and_eval_gives_the_values_back(first, second):
    sweep = Product([ValuesAxis("a", first), ValuesAxis("b-c", second)])
    text = "\n".join(iter_encoded(sweep, format=program_format("args"))) + "\n"
    lines = text.splitlines()
    assert len(lines) == sweep.count
    expected = [[f"--a={p['a']}", f"--b-c={p['b-c'] if isinstance(p['b-c'], str) else str(p['b-c']).lower()}"]
                for p in sweep]
    assert bash_words(lines) == expected


@needs_bash
@settings(max_examples=60, deadline=None)
@given(st.dictionaries(names, st.one_of(strings, st.integers()), min_size=1, max_size=4))
def test_env_lines_are_one_per_field_and_eval_gives_the_values_back(point):
    text = EnvFormat().point(point)
    lines = text.splitlines()
    assert len(lines) == len(point) and text.endswith("\n")
    script = "".join(f"{line}\nprintf '%s\\0' \"${line.partition('=')[0]}\"\n" for line in lines)
    out = subprocess.run([BASH, "--norc", "-c", script], capture_output=True, check=True).stdout.decode()
    assert out.split("\0")[:-1] == [value if isinstance(value, str) else str(value) for value in point.values()]


def test_every_line_break_is_written_as_an_escape():
    for brk in LINE_BREAKS:
        word = shell_word(f"a{brk}b")
        assert word.startswith("$'") and len(word.splitlines()) == 1 and brk not in word


def test_a_nul_is_refused_in_one_line():
    sweep = Product([ValuesAxis("x", ["a\0b"])])
    for name in ("args", "hydra", "env"):
        with pytest.raises(SweepError, match="field 'x' holds a NUL character"):
            list(iter_encoded(sweep, format=program_format(name)))


# -- Hydra: values are data ----------------------------------------------------------------

try:
    import hydra  # noqa: F401
except ImportError:
    hydra = None
needs_hydra = pytest.mark.skipif(hydra is None, reason="hydra-core (the test extra) is not installed")

NASTY = ["${oc.env:HOME}", "\\${oc.env:HOME}", "\\\\${x}", "a\\", "a\\'b", "it's", "true", "8", "1e-4", "nan",
         "a,b", "x y", "", "[1]", "{a: b}", "line\nbreak", "tab\tx", "$HOME", "`id`", "a=b", "'quoted'", '"dq"',
         "${", "}", "é\u2028z"]


def resolved(word: str) -> object:
    """A ``key=value`` override through Hydra's OverridesParser, then OmegaConf's resolution."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from omegaconf import OmegaConf

    override = OverridesParser.create().parse_overrides([word])[0]
    return OmegaConf.to_container(OmegaConf.create({"x": override.value()}), resolve=True)["x"]


@needs_hydra
@needs_bash
@pytest.mark.parametrize("value", NASTY + [None, True, 0.5, 10**20, [1, "b c", None], {"k": ["${y}", "8"]}])
def test_hydra_reads_back_the_value_through_the_shell(value):
    line = next(iter_encoded(Product([ValuesAxis("x", [value])]), format=program_format("hydra")))
    (word,), = bash_words([line])
    assert resolved(word) == value


@needs_hydra
@settings(max_examples=200, deadline=None)
@given(values)
def test_hydra_values_are_data(value):
    assert resolved(f"x={hydra_value(value)}") == value


@needs_hydra
@pytest.mark.parametrize("value", ["\\\n", "x\\\n", "it's\n"])
def test_a_backslash_before_a_final_line_break_is_kept(value):
    """The backslashes before the closing quote are doubled, and only those: a regular expression's
    `$` also matches before a final newline, which once doubled a backslash that stood there."""
    assert resolved(f"x={hydra_value(value)}") == value


@needs_hydra
def test_inf_and_nan_are_floats_for_hydra_and_args():
    sweep = Product([ValuesAxis("x", [math.inf, -math.inf]), ValuesAxis("y", [math.nan])])
    assert list(iter_encoded(sweep, format=program_format("args"))) == ["--x=inf --y=nan", "--x=-inf --y=nan"]
    assert list(iter_encoded(sweep, format=program_format("hydra"))) == ["x=inf y=nan", "x=-inf y=nan"]
    assert resolved("x=-inf") == -math.inf and math.isnan(resolved("x=nan"))  # type: ignore[arg-type]
    assert hydra_value([1.5, math.inf]) == "[1.5,inf]"
    with pytest.raises(SweepError, match="JSON cannot write"):  # inside a list, args writes JSON
        list(iter_encoded(Product([ValuesAxis("x", [[math.inf]])]), format=program_format("args")))


@needs_hydra
@needs_bash
def test_a_real_compose_receives_the_values(tmp_path):
    from hydra import compose, initialize_config_dir
    from omegaconf import OmegaConf

    (tmp_path / "conf.yaml").write_text("x: 0\nmodel: none\nbs: 1\n")
    sweep = from_matrix({"x": NASTY, "pair": [{"model": "vit", "bs": 64, "extra": "${oc.env:HOME}"}]})
    format = program_format("hydra", hydra_flatten=True, hydra_add={"extra"})
    lines = list(iter_encoded(sweep, format=format))
    assert lines[0].endswith(" model=vit bs=64 '+extra='\"'\"'\\${oc.env:HOME}'\"'\"''")
    with initialize_config_dir(version_base=None, config_dir=str(tmp_path)):
        for point, words in zip(sweep, bash_words(lines)):
            config = OmegaConf.to_container(compose("conf", overrides=words), resolve=True)
            assert config == {"x": point["x"], **point["pair"]}


def test_hydra_flattening_refuses_a_name_given_twice():
    sweep = from_matrix({"model": ["a"], "pair": [{"model": "vit"}]})
    with pytest.raises(SweepError, match="two fields give the Hydra override 'model'"):
        list(iter_encoded(sweep, format=program_format("hydra", hydra_flatten=True)))
    with pytest.raises(SweepError, match="two fields give the Hydra override 'model'"):
        HydraFormat(flatten=True).point({"model": "a", "pair": {"model": "b"}})


def test_hydra_options_on_the_command_line(tmp_path, capsys):
    path = tmp_path / "pairs.yaml"
    path.write_text("matrix:\n  pair: [{model: vit, bs: 64}, {model: rn50, bs: 256}]\n  lr: [0.1]\n")
    assert main(["stream", str(path), "--format", "hydra"]) == 0
    assert capsys.readouterr().out == "'pair={model:vit,bs:64}' lr=0.1\n'pair={model:rn50,bs:256}' lr=0.1\n"
    assert main(["stream", str(path), "--format", "hydra", "--hydra-flatten", "--hydra-add", "bs,lr"]) == 0
    assert capsys.readouterr().out == "model=vit +bs=64 +lr=0.1\nmodel=rn50 +bs=256 +lr=0.1\n"
    assert main(["stream", str(path), "--hydra-flatten"]) == 2
    assert capsys.readouterr().err == "lazysweep: error: --hydra-flatten and --hydra-add go with --format hydra\n"


# -- names: env's shell variables, JSON's repeated names, keys of mixed types ------------------

@pytest.mark.parametrize("name", ["FUNCNEST", "EXECIGNORE", "GLOBSORT", "CHILD_MAX", "histchars", "PATH", "BASH_ENV"])
def test_env_refuses_the_shells_own_variables(name):
    with pytest.raises(SweepError, match=f"would set the shell variable {name}, which the shell"):
        EnvFormat().point({name: 1})
    assert EnvFormat("P_").point({name: 1}) == f"P_{name}=1\n"


def test_json_refuses_two_keys_written_as_one_name():
    for sweep in (from_matrix({"m": [{1: "a", "1": "b"}]}), Product([ValuesAxis(1, ["a"]), ValuesAxis("1", ["b"])])):
        with pytest.raises(SweepError, match="two keys that JSON writes as the one name '1'"):
            list(iter_encoded(sweep))
    with pytest.raises(SweepError, match="JSON writes as the one name '1'"):
        fingerprint(from_matrix({"m": [{1: "a", "1": "b"}]}))


def test_keys_of_mixed_types_have_one_order():
    sweep = from_matrix({"m": [{"name": "a", 8: "fast"}], "include": [{"m": {8: "fast", "name": "a"}, "x": 1}]})
    assert fingerprint(sweep) == fingerprint(from_matrix({"m": [{8: "fast", "name": "a"}],
                                                          "include": [{"m": {"name": "a", 8: "fast"}, "x": 1}]}))
    assert field_names(sweep) == {"m", "x"}
    assert list(iter_encoded(sweep, with_index=True)) == ['{"m":{"name":"a","8":"fast"},"x":1,"_index":0}']


@pytest.mark.parametrize("name", ["json", "args", "hydra"])
@pytest.mark.parametrize("with_index", [False, True])
def test_a_long_random_order_is_decoded_by_groups_of_axes(name, with_index):
    """From a first chunk of 512 indices on, small neighbouring axes are decoded as one (their
    fragments joined once); an axis past BLOCK_VALUES stays alone. The bytes stay the points'."""
    sweep = Product([ValuesAxis("a", ["x", "it's", None]), ArithmeticRange("big", 0, 10**6), ValuesAxis("b", [1.5, True]),
                     ValuesAxis("c", list(range(40))), ValuesAxis("d", [[1], {"k": "v"}, "z"])]).shuffled(11)
    format = None if name == "json" else program_format(name)
    write = (lambda point: json.dumps(point, separators=(",", ":"))) if format is None else format.point
    for start, stop in ((0, 3000), (10**6, 10**6 + 700), (5, 300)):
        expected = [write({**sweep[i], **({"_index": sweep.source_index(i)} if with_index else {})})
                    for i in range(start, stop)]
        assert list(iter_encoded(sweep, start, stop, format=format, with_index=with_index)) == expected


def test_inf_and_nan_from_a_sweep_file_on_the_command_line(tmp_path, capsys):
    path = tmp_path / "floats.yaml"
    path.write_text("matrix:\n  x: [.inf, -.inf, .nan]\n")
    assert main(["stream", str(path), "--format", "args"]) == 0
    assert capsys.readouterr().out == "--x=inf\n--x=-inf\n--x=nan\n"
    assert main(["stream", str(path), "--format", "hydra", "--with-index"]) == 0
    assert capsys.readouterr().out == "x=inf _index=0\nx=-inf _index=1\nx=nan _index=2\n"
    assert main(["get", str(path), "-i", "0"]) == 1
    assert capsys.readouterr().err.startswith("lazysweep: error: a value is .inf, -.inf or .nan, which JSON cannot write")
