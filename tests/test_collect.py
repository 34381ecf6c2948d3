"""collect: results matched to points, counted, merged in order, and the missing ones re-run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lazysweep import Chain, SweepError, from_matrix
from lazysweep._cli import main
from lazysweep._collect import collect, read_results, result_files
from lazysweep._plan import Plan
from lazysweep._selection import Ranges

ROOT = Path(__file__).resolve().parent.parent
FANOUT = str(ROOT / "examples" / "fanout.yaml")
HUGE = str(ROOT / "examples" / "huge.yaml")


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def write_batches(capsys, folder: Path, plan: str, *extra: str) -> None:
    """What each batch job of a fan-out does: its points, with _index, as a results file."""
    folder.mkdir(parents=True, exist_ok=True)
    batches = json.loads(run(capsys, "batches", FANOUT, "--size", "100", *extra)[1])
    for k in batches:
        status, out, _ = run(capsys, "batch", FANOUT, "--plan", plan, "--index", k, "--with-index", *extra)
        assert status == 0
        for point in json.loads(out):
            (folder / f"point-{point['_index']}.json").write_text(json.dumps({**point, "ms": point["seed"], "_plan": plan}))


def test_the_whole_loop(capsys, tmp_path, monkeypatch):
    """Plan, run, collect complete; lose some results; collect names them; re-run just those; complete."""
    plan = run(capsys, "plan", FANOUT, "--size", "100")[1].strip()
    results = tmp_path / "results"
    write_batches(capsys, results, plan)
    merged, missing = tmp_path / "merged.jsonl", tmp_path / "missing.txt"
    status, out, err = run(capsys, "collect", FANOUT, "--results", results, "--plan", plan, "--output", merged,
                           "--missing", missing)
    assert (status, out, err) == (0, "600 points, 600 done, 0 missing, 0 duplicated, 0 unknown, 0 stale: complete\n", "")
    lines = merged.read_text().splitlines()
    assert [json.loads(line)["_index"] for line in lines] == list(range(600))
    assert json.loads(lines[7]) == {**from_matrix({"model": ["llama-3-8b"], "conc": [4], "seed": [7]})[0],
                                    "_index": 7, "ms": 7, "_plan": plan}
    assert missing.read_text() == "\n"

    for index in (0, 1, 2, 3, 250, 599):
        (results / f"point-{index}.json").unlink()
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "github-output"))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    status, out, _ = run(capsys, "collect", FANOUT, "--results", results, "--plan", plan, "--missing", missing,
                         "--github-output", "missing")
    assert (status, out) == (1, "600 points, 594 done, 6 missing, 0 duplicated, 0 unknown, 0 stale: incomplete\n")
    assert missing.read_text() == "0-3,250,599\n"
    assert (tmp_path / "github-output").read_text() == "missing=0-3,250,599\nmissing-count=6\n"
    summary = (tmp_path / "summary.md").read_text()
    assert "| 600 | 594 | 6 | 0 | 0 | 0 |" in summary and "Missing: `0-3,250,599`" in summary

    # The re-run: the same fan-out machinery over just the missing points, with its own plan.
    rerun = run(capsys, "plan", FANOUT, "--size", "100", "--only", f"@{missing}")[1].strip()
    assert run(capsys, "batches", FANOUT, "--only", f"@{missing}", "--size", "100")[1] == "[0]\n"
    write_batches(capsys, tmp_path / "rerun", rerun, "--only", f"@{missing}")
    assert sorted(p.name for p in (tmp_path / "rerun").iterdir()) == [
        f"point-{i}.json" for i in sorted(["0", "1", "2", "250", "3", "599"])]
    status, out, _ = run(capsys, "collect", FANOUT, "--results", results, tmp_path / "rerun", "--plan", plan,
                         "--missing", missing)
    assert (status, out) == (0, "600 points, 600 done, 0 missing, 0 duplicated, 0 unknown, 0 stale: complete\n")


def test_counts_each_kind_of_result(capsys, tmp_path):
    sweep = from_matrix({"model": ["a", "b"], "n": {"start": 0, "stop": 4}})  # 10 points
    path = tmp_path / "sweep.yaml"
    path.write_text("matrix: {model: [a, b], n: {start: 0, stop: 4}}\n")
    plan = str(Plan.of(sweep))
    other = "v1.256.0123456789abcdef"
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "deep").mkdir()
    (tmp_path / "r" / "a.jsonl").write_text("\n".join([
        '{"_index": 0, "model": "a", "n": 0, "ok": true}',   # done, fields agree
        '{"_index": 0}',                                      # duplicated
        '{"model": "a", "n": 1, "ok": true}',                 # done, matched by fields
        '{"model": "a", "n": 1}',                              # duplicated, by fields
        '',
        '{"_index": 2, "model": "b"}',                        # unknown: point 2 is model a
        '{"_index": 10}',                                     # unknown: out of range
        '{"_index": true}',                                   # unknown: not an index
        '{"_index": "3"}',                                    # unknown: not an index
        '{"model": "c", "n": 1}',                              # unknown: no such point
        '{"model": "a"}',                                      # unknown: not a whole point
        '{"ok": 1}',                                           # unknown: nothing to match by
        '[1, 2]',                                              # unknown: not an object
        '{"_index": 3',                                        # unknown: not JSON
        '{"_index": 3} {"_index": 4}',                         # unknown: two documents on a line
        f'{{"_index": 4, "_plan": "{other}"}}',                # stale
        f'{{"_index": 5, "_plan": "{plan}"}}',                 # done
        '{"_index": 6, "_plan": "v9.nonsense"}',               # unknown: not a token
        '  {"_index": 7}  ',                                   # done, spaces around
    ]) + "\n")
    (tmp_path / "r" / "deep" / "b.json").write_text('[{"_index": 8}, {"_index": 9}]')
    (tmp_path / "r" / "deep" / "c.json").write_text('{"_index": 9}\n{"_index": 9}\n')  # lines, in a .json file
    (tmp_path / "r" / "deep" / "notes.txt").write_text("not a result\n")  # ignored: not .json/.jsonl
    found = collect(sweep, read_results([tmp_path / "r"]), Plan.parse(plan), keep=True)
    assert (found.points, found.done, found.duplicated, found.unknown, found.stale) == (10, 6, 4, 11, 1)
    assert str(found.missing) == "2-4,6" and found.missing.count == 4
    results = list(found.results)
    assert [index for index, _ in results] == [0, 1, 5, 7, 8, 9]
    assert json.loads(results[0][1]) == {"_index": 0, "model": "a", "n": 0, "ok": True}
    assert not found.complete
    locations = [location for location, _ in found.problems]
    assert locations[:3] == [f"{tmp_path}/r/a.jsonl:6", f"{tmp_path}/r/a.jsonl:7", f"{tmp_path}/r/a.jsonl:8"]
    assert len(found.problems) == 10
    reasons = dict(found.problems)
    assert reasons[f"{tmp_path}/r/a.jsonl:6"] == 'unknown: _index 2 has model="a", the result "b"'
    stale = collect(sweep, [({"_index": 4, "_plan": other}, "here")])
    assert stale.problems == [("here", f"stale: made for the sweep with fingerprint 0123456789abcdef, "
                                       f"not {plan.split('.')[2]}")]

    status, out, err = run(capsys, "collect", path, "--results", tmp_path / "r")
    assert status == 1 and out.startswith("10 points, 6 done, 4 missing, 4 duplicated, 11 unknown, 1 stale")
    assert err.splitlines()[0] == f'lazysweep: {tmp_path}/r/a.jsonl:6: unknown: _index 2 has model="a", the result "b"'


def test_duplicates_alone_still_complete(capsys, tmp_path):
    sweep = from_matrix({"n": [1, 2]})
    found = collect(sweep, [({"_index": 1}, "a"), ({"n": 1}, "b"), ({"_index": 1, "retry": 1}, "c")], keep=True)
    assert found.complete and found.duplicated == 1 and list(found.results) == [(0, '{"n":1}'), (1, '{"_index":1}')]


def test_refusals(capsys, tmp_path, write):
    plan = str(Plan.of(from_matrix({"n": [1]})))
    (tmp_path / "r.jsonl").write_text('{"_index": 0}\n')
    status, out, err = run(capsys, "collect", FANOUT, "--results", tmp_path / "r.jsonl", "--plan", plan)
    assert (status, out) == (1, "") and "the plan's is " + plan.split(".")[2] in err and err.count("\n") == 1
    assert run(capsys, "collect", FANOUT, "--results", tmp_path / "r.jsonl", "--plan", "bad")[0] == 2
    status, _, err = run(capsys, "collect", FANOUT, "--results", tmp_path / "nope")
    assert status == 1 and err == f"lazysweep: error: {tmp_path}/nope: no such file or folder\n"
    indexed = write("matrix: {_index: [1, 2]}\n")
    status, _, err = run(capsys, "collect", indexed, "--results", tmp_path / "r.jsonl")
    assert status == 1 and "an axis or include key is named '_index'" in err
    with pytest.raises(SweepError, match="no such file"):
        result_files([tmp_path / "missing"])


def test_an_include_sweep_matches_by_fields():
    sweep = from_matrix({"os": ["linux", "mac"], "n": [1, 2], "include": [{"os": "mac", "arm": True},
                                                                                 {"os": "win", "n": 0}]})
    results = [({**point, "time": i}, str(i)) for i, point in enumerate(sweep)]
    found = collect(sweep, reversed(results), keep=True)
    assert found.complete and [json.loads(text)["time"] for _, text in found.results] == list(range(5))
    found = collect(sweep, [({"os": "mac", "n": 1}, "x")])  # the arm extra is part of the point
    assert found.unknown == 1


@pytest.mark.parametrize("sweep", [
    from_matrix({"os": ["linux", "linux"], "n": [1, 2]}),  # a value listed twice: two jobs
    from_matrix({"n": [1, 1.0]}),  # equal as GitHub compares, and as a result's JSON reads them back
    from_matrix({"os": ["linux"], "n": [1, 2], "include": [{"os": "linux", "n": 2}]}),  # no: include extends
    Chain([from_matrix({"n": [1, 2]}), from_matrix({"n": [2, 3]})]),  # a union of two files
], ids=["listed-twice", "one-and-one-point-zero", "include-extends", "union"])
def test_a_result_whose_fields_two_points_have_is_credited_to_neither(sweep):
    """Matched by fields, a result that fits two points could be either job's: it is unknown, with
    the advice to match by _index; never credited to the first one silently."""
    points = list(sweep)
    shared = [point for point in points if sum(value == point for value in points) > 1]
    found = collect(sweep, [(dict(point), "r") for point in shared] or [({"n": 2, "os": "linux"}, "r")])
    if shared:
        assert found.done == 0 and found.unknown == len(shared)
        assert all("match results by '_index'" in problem for _, problem in found.problems)
    else:  # the include only extends the one point: one match, credited
        assert found.done == 1 and found.unknown == 0


@settings(max_examples=50)
@given(st.lists(st.one_of(st.integers(-2, 25), st.booleans()), max_size=40))
def test_counts_against_a_plain_oracle(indices):
    sweep = from_matrix({"n": {"start": 0, "stop": 19}})
    found = collect(sweep, [({"_index": i}, "r") for i in indices])
    valid = [i for i in indices if type(i) is int and 0 <= i < 20]
    assert found.done == len(set(valid)) and found.duplicated == len(valid) - len(set(valid))
    assert found.unknown == len(indices) - len(valid)
    assert [found.missing.position(k) for k in range(found.missing.count)] == sorted(set(range(20)) - set(valid))
    assert found.complete == (not found.missing.count and found.unknown == 0)


def test_a_million_results_over_10_to_the_18_points(tmp_path):
    """Streams: time and memory follow the results, never the sweep (10^18 points)."""
    sweep = from_matrix({k: {"start": 0, "stop": 999} for k in "abcdef"})
    step = 999_999_999_989  # coprime with 10^18: a scattered, unordered million distinct indices
    with open(tmp_path / "results.jsonl", "w") as handle:
        for chunk in range(100):
            handle.write("".join(f'{{"_index":{(k * step) % 10**18},"ms":1}}\n'
                                 for k in range(chunk * 10_000, (chunk + 1) * 10_000)))
        handle.write('{"_index":0,"ms":2}\n{"a":999,"b":999,"c":999,"d":999,"e":999,"f":999}\n')
    found = collect(sweep, read_results([tmp_path]))
    assert (found.done, found.duplicated, found.unknown) == (1_000_001, 1, 0)
    assert found.missing.count == 10**18 - 1_000_001
    assert len(found.missing.runs) == 1_000_000
    assert found.missing.runs[0] == (1, step) and found.missing.runs[-1][1] == 10**18 - 1
    assert Ranges.parse(str(found.missing).split(",", 3)[3]).count > 0


def test_only_expects_just_the_selection(capsys, tmp_path):
    """A re-run in a new workflow run sees only its own results: --only checks just its selection."""
    sweep = from_matrix({"n": {"start": 0, "stop": 99}})
    only = Ranges.parse("10-19,50,90-99")
    results = [({"_index": i}, f"r{i}") for i in (10, 11, 19, 12, 50, 95, 95)] + [({"n": 13}, "by fields")]
    found = collect(sweep, results + [({"_index": 20}, "outside"), ({"n": 0}, "outside too")], only=only, keep=True)
    assert (found.points, found.done, found.duplicated, found.unknown) == (21, 7, 1, 2)
    assert str(found.missing) == "14-18,90-94,96-99" and found.missing.count == 14
    assert [index for index, _ in found.results] == [10, 11, 12, 13, 19, 50, 95]
    assert found.problems[0] == ("outside", "unknown: the point is not in the selection (--only)")
    complete = collect(sweep, [({"_index": i}, "r") for i in range(10, 20)], only=Ranges.parse("10-19"))
    assert complete.complete and str(complete) == "10 points, 10 done, 0 missing, 0 duplicated, 0 unknown, 0 stale: complete"
    with pytest.raises(IndexError):
        collect(sweep, [], only=Ranges.parse("100"))

    path = tmp_path / "sweep.yaml"
    path.write_text("matrix: {n: {start: 0, stop: 99}}\n")
    (tmp_path / "r.jsonl").write_text("".join(f'{{"_index": {i}}}\n' for i in (10, 11, 50)))
    (tmp_path / "missing.txt").write_text("10-11\n50\n")
    status, out, err = run(capsys, "collect", path, "--results", tmp_path / "r.jsonl", "--only", f"@{tmp_path}/missing.txt")
    assert (status, out, err) == (0, "3 points, 3 done, 0 missing, 0 duplicated, 0 unknown, 0 stale: complete\n", "")
    status, out, _ = run(capsys, "collect", path, "--results", tmp_path / "r.jsonl", "--only", "10-12",
                         "--missing", tmp_path / "left.txt")
    assert status == 1 and out.startswith("3 points, 2 done, 1 missing, 0 duplicated, 1 unknown")
    assert (tmp_path / "left.txt").read_text() == "12\n"
    assert run(capsys, "collect", path, "--results", tmp_path / "r.jsonl", "--only", "100")[0] == 2
