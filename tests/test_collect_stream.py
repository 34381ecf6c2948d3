"""collect at scale: streamed --output (sorted runs on disk), bounded digits, where the misses are."""

from __future__ import annotations

import gc
import json
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lazysweep import SweepError, from_matrix
from lazysweep import _collect
from lazysweep._cli import main
from lazysweep._collect import collect, where_missing
from lazysweep._jobarray import index_from_environment
from lazysweep._selection import Ranges


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-1, 30), max_size=60))
def test_kept_results_stream_in_index_order_first_wins(indices):
    """Through many tiny runs and merges of runs, the output is the plain oracle's: sorted, first read wins."""
    sweep = from_matrix({"n": {"start": 0, "stop": 29}})
    results = [({"_index": i, "seq": k}, f"r{k}") for k, i in enumerate(indices)]
    old = _collect.RUN_SIZE, _collect.MERGE_WIDTH
    _collect.RUN_SIZE, _collect.MERGE_WIDTH = 3, 2  # many runs, merged into one along the way
    try:
        found = collect(sweep, results, keep=True)
    finally:
        _collect.RUN_SIZE, _collect.MERGE_WIDTH = old
    first: dict[int, int] = {}
    for k, i in enumerate(indices):
        if 0 <= i < 30:
            first.setdefault(i, k)
    expected = [(i, json.dumps({"_index": i, "seq": first[i]}, separators=(",", ":"))) for i in sorted(first)]
    assert list(found.results) == expected and list(found.results) == expected  # may be read again
    assert found.done == len(first) and str(found.missing) == str(Ranges([(i, i + 1) for i in set(range(30)) - set(first)]))
    found.close()
    assert list(found.results) == []


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(st.integers(0, 12), max_size=30).map(sorted), min_size=2, max_size=6), st.integers(1, 5))
def test_merged_keys_are_the_sorted_keys_whatever_the_copies(runs, block):
    """The block merge gives index * runs + run in order, through blocks of any size and many copies."""
    old = _collect.MERGE_BLOCK
    _collect.MERGE_BLOCK = block
    try:
        merged = list(_collect._merged_keys(runs))
    finally:
        _collect.MERGE_BLOCK = old
    assert merged == sorted(index * len(runs) + number for number, run in enumerate(runs) for index in run)


#: Lines a results file may hold: whole batches of objects parse in one go, the rest line by line.
LINES = ['{"_index": %d, "m": "a", "n": %d}', '{"_index": %d}', '{"_index": %d, "n": %d, "xs": [1, {"y": 2}]}',
         '  {"_index": %d}', "", "junk", '{"_index": %d}, {"_index": 3}', '{"_index": %d, "n": 1.0}',
         '{"_index": %d, "n": true}', '{"_index": %d, "s": "a\\u00e9 [ ,{"}', '{"m": "b", "n": %d}', '{"_index": %d,',
         '{"_index": %d, "m": "b", "n": %d, "_plan": "x"}', '{"_index": %d, "n": %d}   ']


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(LINES), st.integers(-1, 21)), max_size=40), st.integers(1, 6))
def test_batches_match_as_one_at_a_time(tmp_path_factory, lines, batch):
    """Batched reading and matching (a batch of objects parsed at once, checked a column at a time) give
    what matching each result alone gives: counts, problems and their locations, kept texts."""
    sweep = from_matrix({"m": ["a", "b"], "n": {"start": 0, "stop": 9}})
    path = tmp_path_factory.mktemp("batches") / "r.jsonl"
    path.write_text("".join((line % ((i, i % 10)[: line.count("%")])) + "\n" for line, i in lines))
    old = _collect.BATCH
    _collect.BATCH = batch
    try:
        batched = collect(sweep, _collect.read_results([path]), keep=True)
        alone = collect(sweep, _collect.read_results([path]), keep=True, only=Ranges([(0, sweep.count)]))
    finally:
        _collect.BATCH = old
    assert (str(batched), str(batched.missing), batched.problems, list(batched.results)) == \
           (str(alone), str(alone.missing), alone.problems, list(alone.results))
    assert "".join(_collect.output_lines(batched)) == "".join(f"{text}\n" for _, text in alone.results)


def test_gc_is_paused_while_matching_and_restored():
    sweep = from_matrix({"n": [1, 2]})
    seen = []

    def results():
        seen.append(gc.isenabled())
        yield {"_index": 0}, "a"

    assert gc.isenabled()
    collect(sweep, results())
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        collect(sweep, results())
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_two_million_digit_index_is_refused_fast_and_quoted_short(capsys, tmp_path):
    """The command line lifts the interpreter's digit limit (to print huge counts); results keep one."""
    path = tmp_path / "sweep.yaml"
    path.write_text("matrix: {n: {start: 0, stop: 9}}\n")
    (tmp_path / "r.jsonl").write_text('{"_index": ' + "7" * 2_000_000 + "}\n" + '{"_index": 1}\n')
    (tmp_path / "big.json").write_text('{"_index": ' + "1" * 5000 + "}")
    started = time.process_time()
    status, out, err = run(capsys, "collect", path, "--results", tmp_path / "r.jsonl", tmp_path / "big.json")
    assert time.process_time() - started < 5
    assert status == 1 and out.startswith("10 points, 1 done, 9 missing, 0 duplicated, 2 unknown")
    assert max(map(len, err.splitlines())) < 300 and "not a JSON object (invalid JSON)" in err
    assert sys.get_int_max_str_digits() == 4300  # restored after the command


def test_a_huge_index_from_python_is_quoted_short():
    found = collect(from_matrix({"n": [1]}), [({"_index": 10**4000}, "x"), ({"_index": "9" * 5000}, "y")])
    assert found.unknown == 2 and all(len(reason) < 200 for _, reason in found.problems)


def test_index_variables_have_a_digit_limit():
    started = time.process_time()
    with pytest.raises(SweepError, match="has 2000000 characters: an index has at most 50000 digits"):
        index_from_environment(0, {"LAZYSWEEP_INDEX": "9" * 2_000_000})
    assert time.process_time() - started < 2
    assert index_from_environment(0, {"LAZYSWEEP_INDEX": "9" * 30}) == 10**30 - 1


# --- where the misses are ------------------------------------------------------------------------

def oracle(sweep, missing: set[int], expected: list[int]):
    """Per (field, value): (missing, total) by expanding everything."""
    missed, total = Counter(), Counter()
    for i in expected:
        for field, value in sweep[i].items():
            key = (field, json.dumps(value, sort_keys=True))
            total[key] += 1
            missed[key] += i in missing
    return {key: (missed[key], total[key]) for key in total if missed[key]}


SWEEPS = [
    {"runner": ["h100", "h200-dgxc", "mi300x"], "conc": [4, 8, 512], "tp": [1, 8]},
    {"os": ["linux", "mac"], "n": [1, 2], "include": [{"os": "mac", "arm": True}, {"os": "win", "n": 0}],
     "exclude": [{"os": "linux", "n": 2}]},
]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(SWEEPS), st.sets(st.integers(0, 17)), st.booleans())
def test_where_missing_against_an_eager_count(matrix, missing, selected):
    sweep = from_matrix(matrix)
    missing = {i for i in missing if i < sweep.count}
    expected = list(range(0, sweep.count, 2)) if selected else list(range(sweep.count))
    missing &= set(expected)
    found = where_missing(sweep, Ranges([(i, i + 1) for i in missing]),
                          Ranges([(i, i + 1) for i in expected]) if selected else None)
    got = {(field, json.dumps(value, sort_keys=True)): (m, t) for field, value, m, t in found.rows}
    assert got == oracle(sweep, missing, expected)
    assert found.missing == found.counted == len(missing)
    share = len(missing) / len(expected)
    assert found.concentrated() == [row for row in found.rows if row[2] > 1 and row[2] / row[3] > share][:5]


def test_where_missing_names_the_failed_runner_pool():
    sweep = from_matrix({"runner": ["h100", "h200-dgxc", "mi300x"], "conc": [4, 8, 512]})
    missing = Ranges([(3, 6), (8, 9)])  # all of h200-dgxc, and mi300x at 512
    assert str(where_missing(sweep, missing)) == "4 missing: runner=h200-dgxc 3/3, conc=512 2/3"


def test_where_missing_on_a_huge_product_counts_from_the_axes_and_stays_bounded():
    sweep = from_matrix({"a": {"start": 0, "stop": 10**9}, "b": ["x", "y"], "c": {"start": 0, "stop": 10**9}})
    missing = Ranges([(0, 10**12)])  # every point with a=0..499 (b=x, y; all c)
    found = where_missing(sweep, missing, bound=1000)
    assert found.counted == 1000 and "counted over the first 1000" in str(found)
    by_value = {(field, value): (m, t) for field, value, m, t in found.rows}
    assert by_value[("b", "x")] == (1000, (10**9 + 1) ** 2)  # from the axes' sizes
    assert by_value[("a", 0)] == (1000, None)  # an axis of more values than the bound: not listed
    big = from_matrix({"a": {"start": 0, "stop": 10**9}, "include": [{"z": 1}]})
    assert all(total is None for *_, total in where_missing(big, Ranges([(0, 5)]), bound=1000).rows)


def test_collect_prints_where_the_misses_are_and_writes_the_step_summary(capsys, tmp_path, monkeypatch):
    path = tmp_path / "sweep.yaml"
    path.write_text("matrix: {runner: [h100, 'h200|dgxc'], conc: [4, 8]}\n")
    (tmp_path / "r.jsonl").write_text('{"_index": 0}\n{"_index": 1}\n')
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    status, out, err = run(capsys, "collect", path, "--results", tmp_path / "r.jsonl")
    assert status == 1 and err == "lazysweep: 2 missing: runner=h200|dgxc 2/2\n"  # conc=4, conc=8: one miss each
    table = summary.read_text()
    assert "| runner | h200\\|dgxc | 2 | 2 | 100% |" in table and "| conc | 4 | 1 | 2 | 50% |" in table


def test_output_streams_a_hundred_thousand_results_in_order(capsys, tmp_path):
    path = tmp_path / "sweep.yaml"
    path.write_text("matrix: {n: {start: 0, stop: 99999}}\n")
    step = 7919  # coprime with 10^5: every index once, scattered
    (tmp_path / "r.jsonl").write_text("".join(f'{{"_index": {(k * step) % 100_000}, "k": {k}}}\n'
                                              for k in range(100_000)))
    status, out, _ = run(capsys, "collect", path, "--results", tmp_path / "r.jsonl", "--output", tmp_path / "all.jsonl")
    assert status == 0
    lines = (tmp_path / "all.jsonl").read_text().splitlines()
    assert [json.loads(line)["_index"] for line in lines] == list(range(100_000))
    assert list(Path(tmp_path).glob("*.tmp")) == []
