"""The command line of issue #14: -a axes, - for stdin, --shuffle, --shards, --size auto, --format args/hydra."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys

import pytest

from lazysweep import from_matrix
from lazysweep._cli import main
from lazysweep._jobarray import INDEX_VARIABLES

AXES = ["-a", "lr=1e-4,3e-4,1e-3", "-a", "seed=0..99", "-a", "conc=4..1024x2"]


@pytest.fixture(autouse=True)
def no_job_array(monkeypatch):
    for variable in INDEX_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.delenv("GITHUB_OUTPUT", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def lines(capsys, *argv):
    status, out, err = run(capsys, *argv)
    assert (status, err) == (0, "")
    return [json.loads(line) for line in out.splitlines()]


def test_the_issue_example_counts(capsys):
    assert run(capsys, "count", *AXES) == (0, "2700\n", "")


def test_axes_come_after_the_files_points(capsys, write):
    path = write("matrix:\n  lr: [0.1]\n  seed: [7]\n")
    assert lines(capsys, "stream", path, "-a", "lr=0.5", "-a", "seed=1,2") == [
        {"lr": 0.1, "seed": 7}, {"lr": 0.5, "seed": 1}, {"lr": 0.5, "seed": 2},
    ]


def test_every_sweep_command_takes_axes(capsys):
    assert run(capsys, "batches", *AXES, "--count")[1] == "11\n"
    assert lines(capsys, "get", *AXES, "-i", "-1") == [{"lr": 0.001, "seed": 99, "conc": 1024}]
    assert json.loads(run(capsys, "batch", *AXES, "-k", "10")[1])[-1] == {"lr": 0.001, "seed": 99, "conc": 1024}
    fingerprint = run(capsys, "fingerprint", *AXES)[1]
    assert fingerprint == run(capsys, "fingerprint", "-a", "lr=0.0001,0.0003,0.001", *AXES[2:])[1]
    assert len(fingerprint.strip()) == 16


def test_bad_axes_are_usage_errors(capsys):
    assert run(capsys, "count", "-a", "lr=") == (2, "", "lazysweep: error: -a 'lr=': the SPEC after '=' is empty\n")
    assert run(capsys, "stream", "-a", "lr=0..1e-1:num=4:log") == (
        2, "", "lazysweep: error: -a 'lr=0..1e-1:num=4:log': a log range needs 'start' above 0, not 0\n"
    )
    assert run(capsys, "count", "-a", "x=0..1:num=0") == (2, "", "lazysweep: error: -a 'x=0..1:num=0': 'num' must be at least 1\n")
    assert run(capsys, "count") == (
        2, "", "lazysweep: error: no sweep: give sweep files, - for standard input, or axes with -a NAME=SPEC\n"
    )


def test_a_sweep_file_from_standard_input():
    command = [sys.executable, "-m", "lazysweep", "stream", "-", "-a", "b=x,y"]
    done = subprocess.run(command, input="matrix:\n  a: [1, 2]\n", capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")
    assert [json.loads(line) for line in done.stdout.splitlines()] == [{"a": 1}, {"a": 2}, {"b": "x"}, {"b": "y"}]
    done = subprocess.run(command[:3] + ["count", "-"], input="matrix: [", capture_output=True, text=True)
    assert done.returncode == 1 and done.stderr.startswith("lazysweep: error: <stdin>:2:1: invalid YAML")


def test_shuffle_is_a_permutation_with_unshuffled_indices(capsys):
    plain = lines(capsys, "stream", "-a", "n=0..49", "-a", "x=a,b")
    shuffled = lines(capsys, "stream", "-a", "n=0..49", "-a", "x=a,b", "--shuffle", "3", "--with-index")
    assert [point for point in shuffled if point.pop("_index") is not None] != plain
    indexed = lines(capsys, "stream", "-a", "n=0..49", "-a", "x=a,b", "--shuffle", "3", "--with-index")
    assert all(plain[point.pop("_index")] == point for point in indexed)
    assert sorted(shuffled, key=plain.index) == plain
    expected = list(from_matrix({"n": range(50), "x": ["a", "b"]}).shuffled(3))
    assert shuffled == expected


def test_shuffle_composes_with_only_batches_and_get(capsys):
    base = ["-a", "n=0..99", "--only", "10-19,50-59", "--shuffle", "5"]
    streamed = lines(capsys, "stream", *base, "--with-index")
    assert sorted(point["_index"] for point in streamed) == [*range(10, 20), *range(50, 60)]
    assert all(point["n"] == point["_index"] for point in streamed)
    batch = json.loads(run(capsys, "batch", *base, "--size", "6", "-k", "1", "--with-index")[1])
    assert batch == streamed[6:12]
    assert lines(capsys, "get", *base, "-i", "7", "--with-index") == [streamed[7]]
    assert run(capsys, "count", *base[:-2])[1] == "20\n"  # count takes no --shuffle: the order changes no count


def test_shuffle_and_shards_go_into_the_plan(capsys):
    base = ["-a", "n=0..99"]
    plain = run(capsys, "plan", *base)[1].strip()
    shuffled = run(capsys, "plan", *base, "--shuffle", "1")[1].strip()
    assert plain.count(".") == 2 and shuffled.count(".") == 3 and shuffled.startswith(plain)
    assert run(capsys, "plan", *base, "--shuffle", "2")[1].strip() != shuffled
    assert run(capsys, "stream", *base, "--shuffle", "1", "--plan", shuffled, "--stop", "1")[0] == 0
    status, _, err = run(capsys, "stream", *base, "--plan", shuffled)
    assert status == 2 and "the plan was made for a selection" in err
    sharded = run(capsys, "plan", *base, "--shards", "4")[1].strip()
    assert run(capsys, "stream", *base, "--shards", "4", "--shard", "3", "--plan", sharded)[0] == 0


def test_fingerprint_and_collect_match_by_the_unshuffled_index(capsys, tmp_path):
    base = ["-a", "n=0..9"]
    assert run(capsys, "fingerprint", *base, "--shuffle", "4") == (
        2, "", "lazysweep: error: fingerprint takes no --shuffle: the fingerprint covers the points, not their order; "
               "drop it\n")
    points = lines(capsys, "stream", *base, "--shuffle", "4", "--with-index", "--stop", "4")
    (tmp_path / "done.jsonl").write_text("".join(json.dumps(point) + "\n" for point in points))
    assert run(capsys, "collect", *base, "--seed", "4", "--results", tmp_path / "done.jsonl") == (
        2, "", "lazysweep: error: --shuffle alone does not change what collect prints (it is the seed of --sample): "
               "drop it\n")
    found = run(capsys, "collect", *base, "--results", tmp_path / "done.jsonl")
    assert found[1] == "10 points, 4 done, 6 missing, 0 duplicated, 0 unknown, 0 stale: incomplete\n"


@pytest.mark.parametrize("count", [10, 11, 300])
def test_shards_partition_the_points(capsys, count):
    base = ["-a", f"n=1..{count}"]
    assert run(capsys, "batches", *base, "--shards", "4") == (0, "[0,1,2,3]\n", "")
    parts = [lines(capsys, "stream", *base, "--shards", "4", "--shard", str(k)) for k in range(4)]
    assert [point["n"] for part in parts for point in part] == list(range(1, count + 1))
    assert max(map(len, parts)) - min(map(len, parts)) <= 1


def test_the_shard_comes_from_the_job_array(capsys, monkeypatch):
    monkeypatch.setenv("SLURM_ARRAY_TASK_ID", "2")
    assert lines(capsys, "stream", "-a", "n=1..10", "--shards", "3") == [{"n": 8}, {"n": 9}, {"n": 10}]
    assert lines(capsys, "get", "-a", "n=1..10", "--shards", "3", "-i", "0") == [{"n": 8}]
    assert lines(capsys, "get", "-a", "n=1..10", "--shards", "3", "-i", "0", "--offset", "2") == [{"n": 10}]
    status, _, err = run(capsys, "get", "-a", "n=1..10", "--shards", "3")
    assert status == 2 and "give --shard I or the command's --index" in err


@pytest.mark.parametrize("argv, message", [
    (["count", "-a", "n=1..10", "--shards", "3"], "--shards: no --index given and none of"),
    (["count", "-a", "n=1..10", "--shards", "3", "--shard", "3"], "shard 3 is out of range: valid range is 0 to 2"),
    (["count", "-a", "n=1..10", "--shard", "1"], "--shard I needs --shards N"),
    (["batches", "-a", "n=1..10", "--shards", "3", "--shard", "1"], "batches covers every shard: drop --shard"),
    (["plan", "-a", "n=1..10", "--shards", "3", "--shard", "1"], "plan covers every shard: drop --shard"),
    (["count", "-a", "n=1..10", "--shards", "0"], "--shards: must be at least 1, got 0"),
    (["batches", "-a", "n=1..10", "--size", "some"], "invalid integer 'some'"),
    (["get", "-a", "n=1..10", "-i", "0", "--format", "args", "--github-output", "p"],
     "--github-output takes JSON: drop --format args"),
    (["batch", "-a", "n=1..10", "-k", "0", "--format", "hydra", "--github-output", "p"],
     "--github-output takes one JSON list: drop --format hydra"),
])
def test_bad_shard_and_size_options(capsys, argv, message):
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "") and message in err and err.count("\n") == 1


def test_an_index_axis_on_the_command_line_is_refused_with_with_index(capsys):
    status, out, err = run(capsys, "get", "-a", "_index=1,2", "-i", "0", "--with-index")
    assert (status, out) == (1, "") and err.startswith("lazysweep: error: -a: an axis or include key is named '_index'")


def test_size_auto_balances_batches_within_the_limit(capsys):
    base = ["-a", "n=1..300"]
    assert run(capsys, "batches", *base, "--size", "auto", "--count") == (0, "150\n", "")
    assert run(capsys, "batches", *base, "--size", "auto", "--max-batches", "7", "--count")[1] == "7\n"
    batches = [json.loads(run(capsys, "batch", *base, "--size", "auto", "--max-batches", "7", "-k", k)[1])
               for k in range(7)]
    assert [len(batch) for batch in batches] == [43] * 6 + [42]
    assert [point["n"] for batch in batches for point in batch] == list(range(1, 301))
    plan = run(capsys, "plan", *base, "--size", "auto", "--max-batches", "7")[1].strip()
    assert plan.split(".")[1] == "43"
    assert run(capsys, "batch", *base, "--size", "auto", "--max-batches", "7", "-k", "6", "--plan", plan)[0] == 0
    # The plan pins the size: a job with or without --size auto cuts the same batches (#22 item 8).
    assert json.loads(run(capsys, "batch", *base, "-k", "6", "--plan", plan)[1]) == batches[6]


def test_program_formats(capsys):
    base = ["-a", "lr=1e-4,0.3", "-a", "model=llama 3,qwen"]
    assert run(capsys, "get", *base, "-i", "1", "--format", "args") == (0, "--lr=0.0001 --model=qwen\n", "")
    assert run(capsys, "get", *base, "-i", "0", "--format", "hydra") == (0, "lr=0.0001 \"model='llama 3'\"\n", "")
    status, out, _ = run(capsys, "stream", *base, "--format", "args", "--with-index")
    assert [shlex.split(line) for line in out.splitlines()] == [
        ["--lr=0.0001", "--model=llama 3", "--_index=0"], ["--lr=0.0001", "--model=qwen", "--_index=1"],
        ["--lr=0.3", "--model=llama 3", "--_index=2"], ["--lr=0.3", "--model=qwen", "--_index=3"],
    ]
    assert run(capsys, "batch", *base, "-k", "0", "--size", "2", "--format", "hydra")[1] == (
        "lr=0.0001 \"model='llama 3'\"\nlr=0.0001 model=qwen\n"
    )


def test_float_ranges_from_files_print_as_written(capsys, write):
    path = write("matrix:\n  wd: {start: 0.1, stop: 0.5, step: 0.1}\n  p: {start: 0, stop: 0.3, num: 4}\n")
    status, out, _ = run(capsys, "stream", path, "--format", "json")
    assert status == 0 and "0.30000000000000004" not in out
    assert json.loads(out)[-4:] == [{"wd": 0.5, "p": p} for p in (0.0, 0.1, 0.2, 0.3)]
    same = write("matrix:\n  wd: [0.1, 0.2, 0.3, 0.4, 0.5]\n  p: [0.0, 0.1, 0.2, 0.3]\n", "listed.yaml")
    assert run(capsys, "plan", path) == run(capsys, "plan", same)  # a float axis is its values


def test_the_step_summary_names_the_axes_and_the_selection(capsys, monkeypatch, tmp_path, write):
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    path = write("matrix:\n  n: [1, 2, 3]\n")
    assert run(capsys, "batches", path, "-a", "m=1..7", "--only", "0-8", "--shuffle", "2", "--shards", "4")[0] == 0
    summary = (tmp_path / "summary.md").read_text()
    assert "### lazysweep: 9 points in 4 batches of up to 3" in summary
    assert f"| `{path}` | 3 |" in summary and "| `-a` | 7 |" in summary
    assert "| selected (`--only 0-8 --shuffle 2 --shards 4`) | 9 |" in summary


@pytest.mark.parametrize("option, spec", [
    ("lr=1e-4..1e-1:num=7:log", "{start: 1e-4, stop: 1e-1, num: 7, scale: log}"),
    ("p=0..1:num=11", "{start: 0, stop: 1, num: 11}"),
    ("p=0.0..1.0:num=11", "{start: 0.0, stop: 1.0, num: 11}"),
    ("w=2.5..-1e3:num=9", "{start: 2.5, stop: -1e3, num: 9}"),
])
def test_num_axes_write_the_bytes_of_the_sweep_files_ranges(capsys, write, option, spec):
    name = option.partition("=")[0]
    path = write(f"matrix:\n  {name}: {spec}\n")
    for command in (["stream"], ["stream", "--format", "args"], ["batch", "-k", "0"], ["fingerprint"]):
        from_axis, from_file = run(capsys, *command, "-a", option), run(capsys, *command, path)
        assert from_axis == from_file and from_axis[0] == 0
