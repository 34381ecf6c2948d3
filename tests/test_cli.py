"""The command line: each command in-process, and the process-level behaviour."""

from __future__ import annotations

import json
import re
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lazysweep._cli import main
from lazysweep._jobarray import INDEX_VARIABLES

ROOT = Path(__file__).resolve().parent.parent
HUGE = str(ROOT / "examples" / "huge.yaml")
SMALL = "matrix:\n  x: [1, 2, 3]\n  y: [a, b]\n"
POINTS = [{"x": x, "y": y} for x in (1, 2, 3) for y in ("a", "b")]


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_count(capsys, write):
    assert run(capsys, "count", write(SMALL)) == (0, "6\n", "")
    assert run(capsys, "count", HUGE) == (0, "1000000000000000000\n", "")


def test_several_files_concatenate(capsys, write):
    first, second = write(SMALL, "a.yaml"), write("matrix: {z: [0]}\n", "b.yaml")
    assert run(capsys, "count", first, second)[1] == "7\n"
    assert run(capsys, "get", first, second, "--index", "6")[1] == '{"z":0}\n'


def test_batches(capsys, write):
    path = write(SMALL)
    assert run(capsys, "batches", path) == (0, "[0]\n", "")
    assert run(capsys, "batches", path, "--size", "4") == (0, "[0,1]\n", "")
    assert run(capsys, "batches", path, "--size", "1") == (0, "[0,1,2,3,4,5]\n", "")
    assert run(capsys, "batches", path, "--size", "4", "--count") == (0, "2\n", "")
    assert run(capsys, "batches", HUGE, "--count")[1] == f"{-(-(10**18) // 256)}\n"


def test_batch_and_get(capsys, write):
    path = write(SMALL)
    status, out, _ = run(capsys, "batch", path, "--index", "1", "--size", "4")
    assert status == 0 and out == json.dumps(POINTS[4:], separators=(",", ":")) + "\n"
    for i, point in enumerate(POINTS):
        assert json.loads(run(capsys, "get", path, "--index", i)[1]) == point
    status, out, _ = run(capsys, "batch", HUGE, "--index", -(-(10**18) // 256) - 1)
    assert status == 0 and json.loads(out)[-1] == dict.fromkeys("abcdef", 999)


def test_stream(capsys, write):
    path = write(SMALL)
    status, out, _ = run(capsys, "stream", path)
    assert status == 0 and [json.loads(line) for line in out.splitlines()] == POINTS
    assert json.loads(run(capsys, "stream", path, "--format", "json")[1]) == POINTS
    assert json.loads(run(capsys, "stream", path, "--start", "2", "--stop", "-1", "--format", "json")[1]) == POINTS[2:-1]
    assert run(capsys, "stream", path, "--start", "9", "--format", "json")[1] == "[]\n"
    assert run(capsys, "stream", path, "--start", "9")[1] == ""
    out = run(capsys, "stream", HUGE, "--start", str(10**18 - 2))[1]
    assert [json.loads(line) for line in out.splitlines()] == [
        {**dict.fromkeys("abcdef", 999), "f": 998},
        dict.fromkeys("abcdef", 999),
    ]


@pytest.mark.parametrize(
    "argv, status, message",
    [
        (["get", "{path}", "--index", "6"], 2, "lazysweep: error: index 6 is out of range: valid range is 0 to 5"),
        (["get", "{path}", "--index", "-7"], 2, "lazysweep: error: index -7 is out of range: valid range is 0 to 5 (or -6 to -1 from the end)"),
        (["get", "{path}", "--index", "-1", "--offset", "2"], 2, "--offset takes an --index from 0 up"),
        (["get", "{path}", "--index", "1e3"], 2, "invalid integer '1e3'"),
        (["get", "{path}", "--index", str(10**50)], 2, f"index {10**50} is out of range"),
        (["batch", "{path}"], 2, "no --index given and none of $LAZYSWEEP_INDEX"),
        (["batch", "{path}", "--index", "-2"], 2, "batch index -2 is out of range: valid range is 0 to 0 (or -1 to -1"),
        (["batch", "{path}", "--index", "1"], 2, "batch index 1 is out of range: valid range is 0 to 0"),
        (["batch", "{path}", "--index", "0", "--size", "0"], 2, "argument --size/-s: must be at least 1, got 0"),
        (["batches", "{path}", "--size", "-3"], 2, "must be at least 1, got -3"),
        (["count"], 2, "no sweep: give sweep files, - for standard input, or axes with -a NAME=SPEC"),
        (["frobnicate"], 2, "invalid choice: 'frobnicate'"),
        (["count", "{path}", "--bogus"], 2, "unrecognized arguments: --bogus"),
        (["count", "missing.yaml"], 1, "lazysweep: error: missing.yaml: no such file"),
        (["count", "{bad}"], 1, "bad.yaml:3:6: axis 'y' is empty"),
    ],
)
def test_errors_are_one_line(capsys, write, monkeypatch, argv, status, message):
    for variable in INDEX_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    path, bad = write(SMALL), write("matrix:\n  x: [1]\n  y: []\n", "bad.yaml")
    got_status, out, err = run(capsys, *(a.format(path=path, bad=bad) for a in argv))
    assert got_status == status
    assert out == ""
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_help_and_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    assert "batches" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("lazysweep ")


def test_debug_shows_the_traceback(capsys):
    assert main(["count", "missing.yaml", "--debug"]) == 1
    assert "Traceback" in capsys.readouterr().err


# -- as real processes ---------------------------------------------------------

def process(*argv, **kwargs):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "lazysweep", *argv], capture_output=True, text=True, env=env, **kwargs)


def test_process_yaml_syntax_error_has_no_traceback(write):
    result = process("count", write("matrix:\n  a: [1, 2\n"))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "sweep.yaml:3:1: invalid YAML" in result.stderr


def test_process_broken_pipe_is_quiet():
    reader = subprocess.Popen(
        f"{sys.executable} -m lazysweep stream {HUGE} | head -n 3",
        shell=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    out, err = reader.communicate(timeout=60)
    assert len(out.splitlines()) == 3
    assert err == b""


def test_process_ctrl_c_exits_130(tmp_path):
    """Ctrl-C while the stream runs (its first line read, so however loaded the machine, the
    command is past its start-up): one line, status 130. The child starts with Ctrl-C's default
    action, as from a terminal: a test run started in the background of a shell ignores SIGINT,
    and a Python started so never turns it into KeyboardInterrupt."""
    import signal

    child = subprocess.Popen(
        [sys.executable, "-m", "lazysweep", "stream", HUGE],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert child.stdout is not None and child.stdout.readline().startswith("{")
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=30)
    assert child.returncode == 130
    assert "Traceback" not in err and err.count("\n") == 1


# -- one plan for every job, --only, --with-index ------------------------------------

FANOUT = str(ROOT / "examples" / "fanout.yaml")


def outputs_of(path):
    return dict(line.split("=", 1) for line in Path(path).read_text().splitlines())


def test_batches_github_output_writes_list_count_and_plan(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "out"))
    assert run(capsys, "batches", FANOUT, "--github-output", "batches") == (0, "[0,1,2]\n", "")
    outputs = outputs_of(tmp_path / "out")
    assert outputs["batches"] == "[0,1,2]" and outputs["batches-count"] == "600"
    plan = outputs["batches-plan"]
    assert re.fullmatch(r"v1\.256\.[0-9a-f]{16}", plan)
    assert run(capsys, "plan", FANOUT) == (0, plan + "\n", "")
    assert run(capsys, "plan", FANOUT, "--github-output", "plan") == (0, plan + "\n", "")
    assert outputs_of(tmp_path / "out")["plan"] == plan
    assert plan.endswith("." + run(capsys, "fingerprint", FANOUT)[1].strip())


def test_an_empty_selection_plans_zero_jobs(capsys, tmp_path, monkeypatch, write):
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "out"))
    empty = write("matrix:\n  x: [1]\n  exclude: [{x: 1}]\n")
    assert run(capsys, "batches", empty, "--github-output", "b") == (0, "[]\n", "")
    assert run(capsys, "batches", FANOUT, "--only", "", "--github-output", "c") == (0, "[]\n", "")
    outputs = outputs_of(tmp_path / "out")
    assert (outputs["b"], outputs["b-count"], outputs["c"], outputs["c-count"]) == ("[]", "0", "[]", "0")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    assert run(capsys, "batches", FANOUT, "--only", "", "--github-output", "d")[0] == 0
    summary = (tmp_path / "summary.md").read_text()
    assert "### lazysweep: 0 points in 0 batches of up to 256" in summary and "| selected (`--only ''`) | 0 |" in summary
    assert f"Plan: `{outputs_of(tmp_path / 'out')['d-plan']}`" in summary and "No points: nothing to run" in summary
    assert run(capsys, "count", FANOUT, "--only", "")[1] == "0\n"
    status, _, err = run(capsys, "batch", FANOUT, "--only", "", "--index", "0")
    assert status == 2 and "batch index 0 is out of range: the selection is empty" in err


def test_plan_fixes_the_size_and_refuses_disagreement(capsys, write):
    plan = run(capsys, "plan", FANOUT, "--size", "100")[1].strip()
    status, out, _ = run(capsys, "batch", FANOUT, "--plan", plan, "--index", "5")
    assert status == 0 and len(json.loads(out)) == 100
    assert run(capsys, "batch", FANOUT, "--plan", plan, "--index", "5", "--size", "100")[1] == out
    assert run(capsys, "get", FANOUT, "--plan", plan, "--index", "599")[0] == 0
    assert run(capsys, "stream", FANOUT, "--plan", plan, "--start", "-1")[0] == 0

    status, out, err = run(capsys, "batch", FANOUT, "--plan", plan, "--index", "0", "--size", "256")
    assert (status, out) == (2, "") and err == (
        "lazysweep: error: --size 256 disagrees with the plan's batch size 100: drop --size\n")

    changed = write(Path(FANOUT).read_text().replace("stop: 39", "stop: 38"))
    expected, found = plan.split(".")[2], run(capsys, "fingerprint", changed)[1].strip()
    for command in (["batch", "--index", "0"], ["get", "--index", "0"], ["stream"]):
        status, out, err = run(capsys, command[0], changed, "--plan", plan, *command[1:])
        assert (status, out) == (1, "") and err == (
            f"lazysweep: error: the sweep's fingerprint is {found}, the plan's is {expected}: "
            "the sweep changed since the plan was made (run the plan again)\n")

    for bad in ("nonsense", "v1.0.0123456789abcdef"):
        status, _, err = run(capsys, "batch", FANOUT, "--plan", bad, "--index", "0")
        assert status == 2 and "--plan: invalid plan token" in err


def test_plan_with_a_selection_must_be_run_with_it(capsys):
    plan = run(capsys, "plan", FANOUT, "--only", "10-19,500", "--size", "4")[1].strip()
    assert re.fullmatch(r"v1\.4\.[0-9a-f]{16}\.[0-9a-f]{16}", plan)
    status, out, _ = run(capsys, "batch", FANOUT, "--only", "500,10-19", "--plan", plan, "--index", "2", "--with-index")
    assert status == 0 and [p["_index"] for p in json.loads(out)] == [18, 19, 500]
    for extra, message in (([], "the plan was made for a selection of the sweep: pass the plan job's selection options (--only, "),
                           (["--only", "10-19"], "the plan was made for another selection")):
        status, out, err = run(capsys, "batch", FANOUT, "--plan", plan, "--index", "0", *extra)
        assert (status, out) == (2, "") and message in err
    whole = run(capsys, "plan", FANOUT)[1].strip()
    status, _, err = run(capsys, "get", FANOUT, "--plan", whole, "--only", "1", "--index", "0")
    assert status == 2 and "the plan covers the whole sweep, not a selection: drop --only" in err


def test_only_selects_lazily_and_index_stays_global(capsys, write):
    status, out, _ = run(capsys, "stream", HUGE, "--only", f"5,{10**18 - 1},7-8", "--with-index")
    assert status == 0 and [json.loads(line)["_index"] for line in out.splitlines()] == [5, 7, 8, 10**18 - 1]
    assert run(capsys, "count", HUGE, "--only", f"0-{10**17}")[1] == f"{10**17 + 1}\n"
    assert run(capsys, "batches", HUGE, "--only", "0-999", "--size", "300")[1] == "[0,1,2,3]\n"
    status, out, _ = run(capsys, "get", HUGE, "--only", f"3,{10**18 - 2}", "--index", "-1", "--with-index")
    assert json.loads(out) == {**dict.fromkeys("abcdef", 999), "f": 998, "_index": 10**18 - 2}
    ranges = write("0-2\n 5,\n4\n", "missing.txt")
    status, out, _ = run(capsys, "batch", write(SMALL), "--only", "@" + ranges, "--index", "0", "--with-index")
    assert status == 0 and json.loads(out) == [{**POINTS[i], "_index": i} for i in (0, 1, 2, 4, 5)]


@pytest.mark.parametrize(
    "argv, status, message",
    [
        (["count", "{path}", "--only", "1-x"], 2, "--only: invalid range '1-x'"),
        (["count", "{path}", "--only", "2-1"], 2, "--only: invalid range '2-1': it ends before it starts"),
        (["count", "{path}", "--only", "0-6"], 2, "--only: index 6 is out of range: the sweep has 6 points (0 to 5)"),
        (["count", "{path}", "--only", "@{missing}"], 1, "missing.txt: cannot read the --only file: No such file"),
        (["count", "{path}", "--only", "@{bad}"], 1, "bad.txt: invalid range 'x'"),
        (["get", "{indexed}", "--index", "0", "--with-index"], 1,
         "indexed.yaml: an axis or include key is named '_index', the field lazysweep adds"),
        (["stream", "{included}", "--with-index"], 1, "included.yaml: an axis or include key is named '_index'"),
    ],
)
def test_selection_and_index_errors(capsys, write, tmp_path, argv, status, message):
    files = {
        "path": write(SMALL), "missing": str(tmp_path / "missing.txt"), "bad": write("1,x\n", "bad.txt"),
        "indexed": write("matrix: {_index: [1]}\n", "indexed.yaml"),
        "included": write("matrix: {x: [1], include: [{x: 1, _index: 3}]}\n", "included.yaml"),
    }
    got, out, err = run(capsys, *(a.format(**files) for a in argv))
    assert (got, out) == (status, "") and message in err and err.count("\n") == 1


def test_with_index_in_every_format(capsys, write):
    path = write(SMALL)
    assert run(capsys, "get", path, "--index", "3", "--with-index")[1] == '{"x":2,"y":"b","_index":3}\n'
    assert run(capsys, "get", path, "--index", "3", "--with-index", "--format", "env")[1] == "x=2\ny=b\n_index=3\n"
    expected = [{**point, "_index": i} for i, point in enumerate(POINTS)]
    assert json.loads(run(capsys, "batch", path, "--index", "1", "--size", "4", "--with-index")[1]) == expected[4:]
    out = run(capsys, "batch", path, "--index", "0", "--size", "4", "--with-index", "--format", "jsonl")[1]
    assert [json.loads(line) for line in out.splitlines()] == expected[:4]
    assert json.loads(run(capsys, "stream", path, "--with-index", "--format", "json", "--start", "-2")[1]) == expected[-2:]
    assert run(capsys, "get", path, "--index", "3")[1] == '{"x":2,"y":"b"}\n'


@pytest.mark.parametrize("count, size, advice", [
    (600, 2, "300 batches are more than a GitHub matrix takes (256): use --size 3 or more"),
    (49_803, 100, "499 batches are more than a GitHub matrix takes (256): use --size 256 or more"),
    (49_742, 100, "498 batches are more than a GitHub matrix takes (256): use --size 195 or more"),
    (49_804, 100, "499 batches are more than a GitHub matrix takes (256), and 49804 points as one job each are "
                  "beyond GitHub's limits (256 jobs per matrix, 50,000 jobs per workflow run): use --size 195 or more "
                  "with batch jobs that each loop over their points"),
    (10**18, 256, "3906250000000000 batches are more than a GitHub matrix takes (256), and 1000000000000000000 "
                  "points as one job each are beyond GitHub's limits"),
])
def test_over_limit_advice_can_be_followed(capsys, tmp_path, monkeypatch, write, count, size, advice):
    """The advice names a size whose fan-out GitHub accepts: at most 256 batches, and (one job per point,
    one per batch, plan and collect) at most 50,000 jobs; else it says the batch jobs must loop."""
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "out"))
    path = write(f"matrix:\n  n: {{start: 1, stop: {count}}}\n")
    status, out, err = run(capsys, "batches", path, "--size", size, "--github-output", "b")
    assert (status, out) == (2, "") and advice in err
    found = re.search(r"use --size (\d+) or more(.*)", err)
    suggested, loops = int(found.group(1)), bool(found.group(2).strip())
    assert -(-count // suggested) <= 256
    if not loops:
        assert count + -(-count // suggested) + 2 <= 50_000
        assert suggested == 1 or count + -(-count // (suggested - 1)) + 2 > 50_000 or -(-count // (suggested - 1)) > 256
        assert run(capsys, "batches", path, "--size", suggested, "--github-output", "b")[0] == 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3)), max_size=4), st.integers(1, 4))
def test_batches_of_a_selection_cover_it_once_with_global_indices(capsys, tmp_path_factory, runs, size):
    path = tmp_path_factory.mktemp("sweep") / "sweep.yaml"
    path.write_text(SMALL)
    chosen = sorted({i for start, length in runs for i in range(start, start + length) if i < 6})
    ranges = ",".join(f"{start}-{min(start + length, 6) - 1}" for start, length in runs if start < 6 and length)
    plan = run(capsys, "plan", path, "--only", ranges, "--size", size)[1].strip()
    batches = json.loads(run(capsys, "batches", path, "--only", ranges, "--size", size)[1])
    points = []
    for k in batches:
        status, out, err = run(capsys, "batch", path, "--only", ranges, "--plan", plan, "--index", k, "--with-index")
        assert status == 0, err
        points += json.loads(out)
    assert points == [{**POINTS[i], "_index": i} for i in chosen]
    streamed = run(capsys, "stream", path, "--only", ranges, "--with-index", "--format", "json")[1]
    assert json.loads(streamed) == points
