"""The writer's bytes are json.dumps' bytes, point by point, for every kind of sweep.

The oracle is the library's own dict iteration (itself checked against itertools.product in
test_space, test_matrix and test_invariants) encoded by ``json.dumps``: the writer must never
differ from it, whatever the values (nested, unicode, big ints, floats, bools, None), the keys,
the separators, the range asked for, or the shape of the sweep.
"""

from __future__ import annotations

import io
import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from conftest import eager_axis
from hypothesis import strategies as st
from test_matrix import eager_matrix, matrices

import lazysweep
from lazysweep import Chain, Product, Sweep, from_matrix
from lazysweep import _encode as encode
from lazysweep import _matrix as matrix_module
from lazysweep._axes import ArithmeticRange, AxisSlice, GeometricRange, ValuesAxis
from lazysweep._matrix import MatrixSweep
from lazysweep._encode import BLOCK_VALUES
from lazysweep._writer import (
    COMPACT, SPACED, encode_json_list, encode_value, iter_encoded, write_json_list, write_jsonl,
)


def dumps(value, separators=COMPACT):
    return json.dumps(value, separators=separators, allow_nan=False)


def oracle(sweep, start=0, stop=None, with_index=False, separators=COMPACT):
    """What the command line wrote before the writer: json.dumps of each dict point."""
    stop = sweep.count if stop is None else stop
    texts = []
    for index in range(start, stop):
        point = sweep[index]
        if with_index:
            point = {**point, "_index": sweep.source_index(index)}
        texts.append(dumps(point, separators))
    return texts


# -- strategies ------------------------------------------------------------------------------

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=6)  # any unicode, escapes included
scalars = st.one_of(
    st.none(), st.booleans(), text,
    st.integers(-(10**40), 10**40),
    st.floats(allow_nan=False, allow_infinity=False),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=6,
)


@st.composite
def axes_of(draw, name):
    kind = draw(st.sampled_from(["values", "arithmetic", "geometric", "slice"]))
    if kind == "values":
        return ValuesAxis(name, draw(st.lists(values, min_size=1, max_size=4)))
    if kind == "arithmetic":
        start = draw(st.integers(-(10**20), 10**20))
        step = draw(st.integers(-7, 7).filter(bool))
        return ArithmeticRange(name, start, start + step * draw(st.integers(0, 5)), step)
    if kind == "geometric":
        start = draw(st.integers(1, 10**15))
        return GeometricRange(name, start, start * draw(st.integers(1, 40)), draw(st.integers(2, 5)))
    whole = ArithmeticRange(name, 0, 10**30)
    first = draw(st.integers(0, 10**30 - 5))
    return AxisSlice(whole, first, first + draw(st.integers(1, 4)))


@st.composite
def products(draw):
    names = draw(st.lists(text, min_size=1, max_size=4, unique=True))
    return Product([draw(axes_of(name)) for name in names])


@st.composite
def sweeps(draw):
    """Products of any axes and keys, GitHub matrices with exclude/include, chains, slices and --only selections."""
    kind = draw(st.sampled_from(["product", "matrix", "chain", "slice", "shuffled"]))
    if kind == "product":
        return draw(products())
    if kind == "shuffled":  # a random order: of a product, its texts are joined chunk by chunk
        return draw(sweeps()).shuffled(draw(st.integers(0, 2**70)))
    if kind == "matrix":
        return from_matrix(draw(matrices()))
    if kind == "chain":
        return Chain(draw(st.lists(sweeps(), min_size=1, max_size=3)))
    base = draw(sweeps())
    if draw(st.booleans()):  # --only: runs of indices
        from lazysweep._selection import select

        chosen = draw(st.lists(st.integers(0, max(base.count - 1, 0)), max_size=6)) if base.count else []
        return select(base, [range(index, min(index + 3, base.count)) for index in chosen])
    bound = st.none() | st.integers(-base.count - 2, base.count + 2)
    return base[draw(bound) : draw(bound) : draw(st.none() | st.integers(-3, 3).filter(bool))]


@st.composite
def ranges(draw, sweep):
    start = draw(st.integers(0, sweep.count))
    return start, draw(st.integers(start, sweep.count))


FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- properties ------------------------------------------------------------------------------

@FUZZ
@given(sweeps(), st.booleans(), st.sampled_from([COMPACT, SPACED, (";%s", "=%d")]), st.data())
def test_every_text_is_json_dumps_of_the_point(sweep, with_index, separators, data):
    start, stop = data.draw(ranges(sweep))
    got = list(iter_encoded(sweep, start, stop, with_index=with_index, separators=separators))
    assert got == oracle(sweep, start, stop, with_index, separators)


@FUZZ
@given(sweeps(), st.booleans(), st.data())
def test_jsonl_and_lists_are_the_texts_joined(sweep, with_index, data):
    start, stop = data.draw(ranges(sweep))
    texts = oracle(sweep, start, stop, with_index)
    jsonl, listed = [], []
    write_jsonl(sweep, start, stop, jsonl.append, with_index=with_index)
    write_json_list(sweep, start, stop, listed.append, with_index=with_index)
    assert "".join(jsonl) == "".join(text + "\n" for text in texts)
    assert "".join(listed) == "[" + ",".join(texts) + "]"
    assert encode_json_list(sweep, start, stop, with_index=with_index) == "".join(listed)


@settings(max_examples=200, deadline=None)
@given(values, st.sampled_from([COMPACT, SPACED, (";", "=%s")]))
def test_encode_value_is_json_dumps(value, separators):
    point = {"v": value, "w": [value, {"k": value}]}
    assert encode_value(point, separators) == dumps(point, separators)
    assert encode_value(value, separators) == dumps(value, separators)


# -- GitHub matrices: survivors joined from fragments, include extras, appended entries ---------

@st.composite
def github_matrices(draw, sizes=st.integers(0, 5)):
    """Lists of any values (unicode, floats, nested) and ranges; exclude entries (overlapping,
    with {} wildcards) and include entries whose filters take values of the axes and whose
    extras share keys, so later ones overwrite earlier ones; an include naming an axis with a
    value it lacks, so it is appended after the product."""
    names = draw(st.lists(st.sampled_from(["a", "b", "\u00e7", "d"]), min_size=1, max_size=4, unique=True))
    matrix = {}
    for name in names:
        if draw(st.booleans()):
            matrix[name] = draw(st.lists(values, min_size=1, max_size=4))
        else:
            start = draw(st.integers(-3, 10**12))
            matrix[name] = {"start": start, "stop": start + draw(sizes)}
    pools = {name: eager_axis(matrix[name]) for name in names}

    def filters(minimum):
        keys = draw(st.lists(st.sampled_from(names), min_size=minimum, max_size=2, unique=True))
        return {key: draw(st.sampled_from(pools[key]) | st.just({}) | values) for key in keys}

    matrix["exclude"] = [filters(1) for _ in range(draw(st.integers(0, 4)))]
    extras = st.dictionaries(st.sampled_from(["x", "\u00ff", "t"]), values, max_size=2)
    matrix["include"] = [entry for entry in ({**filters(0), **draw(extras)} for _ in range(draw(st.integers(0, 5)))) if entry]
    return matrix


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(github_matrices(), st.booleans(), st.sampled_from([COMPACT, SPACED]), st.data())
def test_a_github_matrix_writes_the_eager_oracles_bytes(matrix, with_index, separators, data):
    """Writer == json.dumps of each sweep[i] == json.dumps of itertools.product + GitHub's rules."""
    sweep = from_matrix(matrix)
    expected = eager_matrix(matrix)
    assert sweep.count == len(expected)
    start, stop = data.draw(ranges(sweep))
    got = list(iter_encoded(sweep, start, stop, with_index=with_index, separators=separators))
    assert got == oracle(sweep, start, stop, with_index, separators)
    if with_index:
        expected = [{**point, "_index": index} for index, point in enumerate(expected)]
    assert got == [dumps(point, separators) for point in expected[start:stop]]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(github_matrices(sizes=st.integers(0, 3 * BLOCK_VALUES)), st.booleans(), st.data())
def test_a_big_github_matrix_writes_each_points_json_dumps(matrix, with_index, data):
    """Ranges longer than a block: windows anywhere, blocks at every axis, extras varying inside them."""
    sweep = from_matrix(matrix)
    start = data.draw(st.integers(0, sweep.count))
    stop = data.draw(st.integers(start, min(sweep.count, start + 2 * BLOCK_VALUES + 10)))
    assert list(iter_encoded(sweep, start, stop, with_index=with_index)) == oracle(sweep, start, stop, with_index)


def test_include_extras_vary_inside_a_block_and_follow_githubs_rules():
    sweep = from_matrix({
        "n": {"start": 0, "stop": 3}, "os": ["linux", "m\u00e4c"],
        "exclude": [{"n": 1, "os": "linux"}],
        "include": [{"os": "m\u00e4c", "arch": "arm", "tag": 1}, {"n": 2, "tag": [2.5, {"k": None}]},
                    {"n": 9, "arch": "x86"}, {"os": "linux", "n": 3, "\u00e9": "\U0001f389"}],
    })
    assert list(iter_encoded(sweep, 1, sweep.count, with_index=True)) == [
        '{"n":0,"os":"m\\u00e4c","arch":"arm","tag":1,"_index":1}',
        '{"n":1,"os":"m\\u00e4c","arch":"arm","tag":1,"_index":2}',
        '{"n":2,"os":"linux","tag":[2.5,{"k":null}],"_index":3}',
        '{"n":2,"os":"m\\u00e4c","arch":"arm","tag":[2.5,{"k":null}],"_index":4}',
        '{"n":3,"os":"linux","\\u00e9":"\\ud83c\\udf89","_index":5}',
        '{"n":3,"os":"m\\u00e4c","arch":"arm","tag":1,"_index":6}',
        '{"n":9,"arch":"x86","_index":7}',
    ]


@pytest.mark.parametrize("include, with_index", [
    ({"n": 1, 7: "an int key"}, False),  # JSON writes the key as "7": the points go as dicts
    ({"n": 1, "_index": "mine"}, True),  # an extra named _index keeps its place and takes the index
])
def test_extras_json_would_change_go_as_dicts(include, with_index):
    sweep = MatrixSweep([ArithmeticRange("n", 0, 2), ValuesAxis("s", ["x"])], include=[include])
    assert list(iter_encoded(sweep, with_index=with_index)) == oracle(sweep, with_index=with_index)


def test_keys_that_write_the_same_name_match_alike():
    """{1: "a"} and {"1": "a"} are both {"1":"a"} in JSON, and GitHub's keys are strings: a filter
    on "1" matches both, as it matches what a job would see."""
    sweep = MatrixSweep([ValuesAxis("v", [{1: "a"}, {"1": "a"}, {"2": "a"}])],
                        include=[{"v": {"1": "a"}, "hit": True}])
    assert list(iter_encoded(sweep)) == ['{"v":{"1":"a"},"hit":true}', '{"v":{"1":"a"},"hit":true}', '{"v":{"2":"a"}}']


def test_a_value_json_refuses_is_refused_only_when_written():
    sweep = MatrixSweep([ValuesAxis("v", [1, math.inf])], include=[{"v": 1, "x": 2}])
    assert list(iter_encoded(sweep, 0, 1)) == ['{"v":1,"x":2}']
    with pytest.raises(lazysweep.SweepError, match="which JSON cannot write"):
        list(iter_encoded(sweep))


def test_the_extras_texts_cached_stay_bounded(monkeypatch):
    """2^12 sets of include entries matched, in a walk where they vary inside every block:
    the cache never holds more than _EXTRAS_CACHED texts, and the bytes stay json.dumps'."""
    monkeypatch.setattr(matrix_module, "_EXTRAS_CACHED", 5)
    sizes = []
    text = matrix_module._IncludeExtras.text

    def spied(self, mask):
        found = text(self, mask)
        sizes.append(len(self.cache))
        return found

    monkeypatch.setattr(matrix_module._IncludeExtras, "text", spied)
    sweep = from_matrix({**{f"b{i}": [0, 1] for i in range(12)},
                               "include": [{f"b{i}": 1, f"x{i}": i} for i in range(12)]})
    assert list(iter_encoded(sweep)) == oracle(sweep)
    assert len(sizes) == sweep.count == 4096 and max(sizes) == 5


def test_a_matrix_with_extras_is_written_without_building_a_point(monkeypatch):
    sweep = from_matrix({"n": {"start": 0, "stop": 10**6}, "s": ["a", "\u00e9"],
                               "exclude": [{"n": 3, "s": "a"}], "include": [{"s": "a", "x": 1}, {"n": 5, "y": [2]}]})
    expected = oracle(sweep, 0, 20, with_index=True)
    for name in ("_iter_range", "_point", "_with_extras"):
        monkeypatch.setattr(MatrixSweep, name, None)
    assert list(iter_encoded(sweep, 0, 20, with_index=True)) == expected


# -- templates with holes (the _templated protocol of the drop-ins' rows) ---------------------

class TemplatedRows(Sweep):
    """Groups of rows ``(fields, holes, rows)``: each point ``{**fields, **dict(zip(holes, row))}``."""

    def __init__(self, groups):
        self.groups = groups

    @property
    def count(self):
        return sum(len(rows) for _, _, rows in self.groups)

    def _point(self, index):
        for fields, holes, rows in self.groups:
            if index < len(rows):
                return {**fields, **dict(zip(holes, rows[index]))}
            index -= len(rows)

    def _iter_range(self, start, stop):
        return map(self._point, range(start, stop))

    def _templated(self, start, stop):
        for fields, holes, rows in self.groups:
            if start < len(rows) and stop > 0:
                yield fields, holes, rows[max(start, 0) : stop]
            start, stop = start - len(rows), stop - len(rows)


keys = st.one_of(text, st.sampled_from(["runner", "conc", "_index", "\u00e9"]))


@st.composite
def templated_groups(draw):
    fields = draw(st.dictionaries(keys, values, max_size=5))
    if draw(st.integers(0, 9)) == 0:  # a key JSON writes as a string: the dicts' path
        fields[draw(st.integers(0, 3))] = draw(values)
    inside = [key for key in fields if draw(st.booleans())]
    if draw(st.booleans()):  # usually in the fields' order: the fast path; else the dicts' path
        inside = draw(st.permutations(inside))
    outside = draw(st.lists(keys.filter(lambda key: key not in fields), max_size=2, unique=True))
    holes = tuple(inside + outside)
    rows = draw(st.lists(st.tuples(*[values for _ in holes]), min_size=1, max_size=4))
    return fields, holes, rows


@FUZZ
@given(st.lists(templated_groups(), min_size=1, max_size=4), st.booleans(), st.sampled_from([COMPACT, SPACED]),
       st.data())
def test_templated_rows_are_json_dumps_of_their_points(groups, with_index, separators, data):
    """Fields shared by groups (a template reused), holes inside and after the fields, in and
    out of order, keys that are not strings, an _index among them: the bytes of json.dumps."""
    fields, holes, _ = groups[0]
    if data.draw(st.booleans()):  # the same fields and holes again, after other groups
        groups.append((fields, holes, data.draw(st.lists(st.tuples(*[values for _ in holes]), min_size=1, max_size=3))))
    sweep = TemplatedRows(groups)
    start, stop = data.draw(ranges(sweep))
    got = list(iter_encoded(sweep, start, stop, with_index=with_index, separators=separators))
    assert got == oracle(sweep, start, stop, with_index, separators)


def test_a_template_is_encoded_once_and_kept_bounded(monkeypatch):
    monkeypatch.setattr(encode, "_TEMPLATES_CACHED", 2)
    made = []
    template = encode.Encoding._template

    def spied(self, fields, holes):
        made.append(len(self._templates))
        return template(self, fields, holes)

    monkeypatch.setattr(encode.Encoding, "_template", spied)
    shared = {"a": 1, "conc": None, "b": "\u00e9"}
    groups = [(shared, ("conc",), [(1,), (2,)]), (shared, ("conc", "x"), [(3, True)]), (shared, ("conc",), [(4,)]),
              ({"z": 0}, (), [()]), (shared, ("b", "a"), [(5, 6)])]
    sweep = TemplatedRows(groups)
    assert list(iter_encoded(sweep, separators=SPACED)) == oracle(sweep, separators=SPACED) == [
        '{"a": 1, "conc": 1, "b": "\\u00e9"}', '{"a": 1, "conc": 2, "b": "\\u00e9"}',
        '{"a": 1, "conc": 3, "b": "\\u00e9", "x": true}', '{"a": 1, "conc": 4, "b": "\\u00e9"}', '{"z": 0}',
        '{"a": 6, "conc": null, "b": 5}',  # holes out of the fields' order: written as a dict
    ]
    assert made == [0, 1, 2, 2, 1]  # one per group, the third a cached template, never more than 2 kept


# -- exact cases -----------------------------------------------------------------------------

def test_blocks_and_chunks_far_into_a_big_product():
    """Runs longer than a block, blocks of every level, chunks that end mid-block."""
    sweep = Product([ValuesAxis("é", ["a", "\"q\"", None]), ArithmeticRange("n", 10**25, 0, -(10**18)),
                     GeometricRange("g", 3, 10**9, 7), ArithmeticRange("last", 0, 2 * BLOCK_VALUES)])
    start = sweep.count // 3 - 5
    stop = start + 3 * BLOCK_VALUES + 7000
    assert list(iter_encoded(sweep, start, stop)) == [dumps(point) for point in sweep._iter_range(start, stop)]
    chunks = []
    write_jsonl(sweep, start, stop, chunks.append)
    assert len(chunks) > 1 and "".join(chunks) == "".join(dumps(p) + "\n" for p in sweep._iter_range(start, stop))


@pytest.mark.parametrize("with_index", [False, True])
def test_a_random_order_of_a_product_with_axes_past_a_block(with_index):
    # Axes too long for their fragments to be made whole: each chunk's values are encoded as looked up.
    sweep = Product([
        ArithmeticRange("seed", -(10**20), 10**20, 3), ValuesAxis("model", [f"m\u00e9{k}" for k in range(BLOCK_VALUES + 5)]),
        ValuesAxis("tp", [1, 2.5, None]), GeometricRange("conc", 1, 10**6, 2),
    ]).shuffled(7)
    first, stop = 10**9, 10**9 + 3000
    got = list(iter_encoded(sweep, first, stop, with_index=with_index, separators=SPACED))
    assert got == oracle(sweep, first, stop, with_index, SPACED)
    assert list(iter_encoded(sweep.base.sample(40, 7), with_index=with_index)) == oracle(sweep, 0, 40, with_index)


def test_index_is_the_source_index_in_the_whole_sweep():
    sweep = Chain([from_matrix({"x": [1, 2, 3]}), from_matrix({"y": {"start": 0, "stop": 10**20}})])
    view = sweep[2:][::2][1:3]  # whole-sweep indices 4 and 6
    assert list(iter_encoded(view, with_index=True)) == ['{"y":1,"_index":4}', '{"y":3,"_index":6}']
    assert list(iter_encoded(sweep, 2, 4, with_index=True, separators=SPACED)) == [
        '{"x": 3, "_index": 2}', '{"y": 0, "_index": 3}'
    ]


def test_an_axis_named_index_keeps_its_place_and_takes_the_index():
    sweep = Product([ValuesAxis("_index", ["a"]), ValuesAxis("b", [1])])
    assert list(iter_encoded(sweep, with_index=True)) == ['{"_index":0,"b":1}']


def test_a_matrix_with_include_extras_and_appended_entries():
    sweep = from_matrix({
        "os": ["linux", "mac"], "py": [3.11, 3.12],
        "exclude": [{"os": "mac", "py": 3.11}],
        "include": [{"os": "mac", "arm": True}, {"os": "bsd", "note": "ünï"}],
    })
    assert list(iter_encoded(sweep, with_index=True)) == [
        '{"os":"linux","py":3.11,"_index":0}', '{"os":"linux","py":3.12,"_index":1}',
        '{"os":"mac","py":3.12,"arm":true,"_index":2}', '{"os":"bsd","note":"\\u00fcn\\u00ef","_index":3}',
    ]


def test_empty_ranges_write_empty_documents():
    sweep = from_matrix({"x": [1]})
    jsonl, listed = io.StringIO(), io.StringIO()
    write_jsonl(sweep, 1, 1, jsonl.write)
    write_json_list(sweep, 0, 0, listed.write)
    assert (jsonl.getvalue(), listed.getvalue(), encode_json_list(sweep, 1)) == ("", "[]", "[]")


def test_a_range_outside_the_sweep_is_refused():
    sweep = from_matrix({"x": [1, 2]})
    for start, stop in ((-1, 1), (2, 1), (0, 3)):
        with pytest.raises(IndexError, match="not all in a sweep of 2"):
            iter_encoded(sweep, start, stop)


def test_what_json_refuses_the_writer_refuses_the_same_way():
    for value, error in ((b"x", TypeError), (10**5000, ValueError)):
        sweep = Product([ValuesAxis("v", [value])])
        with pytest.raises(error) as expected:
            dumps(value)
        with pytest.raises(error) as caught:
            list(iter_encoded(sweep))
        assert str(caught.value) == str(expected.value)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, [1, {"deep": math.inf}]])
def test_inf_and_nan_are_refused_in_one_clear_line(value):
    for sweep in (Product([ValuesAxis("v", [value])]), from_matrix({"v": [value], "include": [{"x": 1}]})):
        with pytest.raises(lazysweep.SweepError, match="which JSON cannot write"):
            list(iter_encoded(sweep))


def test_separators_must_be_strings():
    with pytest.raises(TypeError, match="pair of strings"):
        encode_value({}, (",", None))  # type: ignore[arg-type]


# -- the commands write through the writer ---------------------------------------------------

TRICKY = {
    "matrix": {
        "name": ["plain", "ünïcode \"quoted\" \\ back", "emoji 🎉"],
        "value": [None, True, 1.5, -0.0, 10**30, {"nested": [1, "x", {"deep": False}]}],
        "n": {"start": -3, "stop": 3},
    }
}


def command_output(capsys, arguments):
    from lazysweep._cli import main

    assert main(arguments) == 0
    return capsys.readouterr().out


def test_the_commands_write_json_dumps_bytes(tmp_path, capsys):
    path = tmp_path / "tricky.yaml"
    path.write_text(json.dumps(TRICKY, ensure_ascii=False), encoding="utf-8")
    sweep = from_matrix(TRICKY["matrix"])
    every = oracle(sweep)
    indexed = oracle(sweep, with_index=True)
    assert command_output(capsys, ["stream", str(path)]) == "".join(text + "\n" for text in every)
    assert command_output(capsys, ["stream", str(path), "--format", "json", "--start", "5", "--stop", "-7"]) == (
        "[" + ",".join(every[5:-7]) + "]\n"
    )
    assert command_output(capsys, ["stream", str(path), "--with-index", "--start", "-4"]) == "".join(
        text + "\n" for text in indexed[-4:]
    )
    assert command_output(capsys, ["batch", str(path), "--index", "1", "--size", "40"]) == (
        "[" + ",".join(every[40:80]) + "]\n"
    )
    assert command_output(capsys, ["batch", str(path), "-k", "2", "-s", "40", "--format", "jsonl", "--with-index"]) == (
        "".join(text + "\n" for text in indexed[80:120])
    )
    assert command_output(capsys, ["get", str(path), "--index", "77", "--with-index"]) == indexed[77] + "\n"
    assert command_output(capsys, ["batches", str(path), "--size", "7"]) == json.dumps(list(range(18))).replace(" ", "") + "\n"


def test_the_writer_serves_the_inferencemax_drop_in(monkeypatch, capsys):
    """The drop-in prints json.dumps' spacing: SPACED gives its bytes from its lazy entries."""
    from pathlib import Path

    from lazysweep.inferencemax import main as inferencemax

    monkeypatch.chdir(Path(__file__).parent / "compat" / "real")
    base = ["full-sweep", "--config-files", "nvidia-master.yaml", "amd-master.yaml"]
    entries = inferencemax(base)
    printed = capsys.readouterr().out
    listed = []
    write_json_list(entries, 0, entries.count, listed.append, separators=SPACED)
    assert "".join(listed) + "\n" == printed
    batch = inferencemax([*base, "--max-batch-size", "50", "--batch-index", "3"])
    assert encode_json_list(entries, 150, 200, separators=SPACED) + "\n" == capsys.readouterr().out == dumps(list(batch), SPACED) + "\n"
    assert encode_json_list(entries, 150, 200) == dumps(list(batch))  # its --github-output


def test_the_inferencemax_entries_are_written_from_templates(monkeypatch, capsys):
    import importlib
    from pathlib import Path

    from lazysweep.inferencemax import main as inferencemax

    monkeypatch.chdir(Path(__file__).parent / "compat" / "real")
    entries = inferencemax(["full-sweep", "--config-files", "nvidia-master.yaml", "amd-master.yaml"])
    expected = [dumps(entry, SPACED) for entry in entries]
    assert capsys.readouterr().out == "[" + ", ".join(expected) + "]\n"
    run = importlib.import_module("lazysweep.inferencemax._generate")._Run
    for name in ("_point", "_iter_range"):  # the writer never builds an entry
        monkeypatch.setattr(run, name, None)
    assert list(iter_encoded(entries, separators=SPACED)) == expected


@pytest.mark.parametrize("flags", [[], ["--evals-only"], ["--no-evals"], ["--runner-node-filter", "b"],
                                   ["--scenario-type", "agentic-coding", "--evals-only"], ["--all-evals"]])
def test_the_inferencex_rows_are_written_from_templates(monkeypatch, capsys, flags):
    """Every kind of row (single- and multi-node, fixed and agentic, eval fields added or not)
    in upstream's bytes; only --all-evals' merged rows (one per group) are built as dicts."""
    from pathlib import Path

    from lazysweep.inferencex import _evals as evals, main as inferencex

    monkeypatch.chdir(Path(__file__).parent / "compat-ix" / "real")
    rows = inferencex(["full-sweep", "--config-files", "nvidia-master.yaml", "amd-master.yaml", *flags])
    printed = capsys.readouterr().out
    expected = [dumps(row, SPACED) for row in rows]
    assert printed == "[" + ", ".join(expected) + "]\n"
    indexed = [dumps({**rows[index], "_index": index}) for index in range(1, min(30, rows.count))]
    assert list(iter_encoded(rows, separators=SPACED)) == expected  # segments of few rows go as dicts
    monkeypatch.setattr(evals, "_TEMPLATE_ROWS", 1)
    for name in ("_point", "_iter_range"):  # now the writer never builds a row but a merged one
        monkeypatch.setattr(evals._SegmentRows, name, None)
    assert list(iter_encoded(rows, separators=SPACED)) == expected
    assert list(iter_encoded(rows, 1, min(30, rows.count), with_index=True)) == indexed
