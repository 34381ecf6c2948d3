"""The command line a newcomer expects (#23, #22 items 7 and 9), through the real entry point.

Each case runs ``python -m lazysweep ...`` as a subprocess and checks the exit status and the
exact one-line message.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lazysweep import from_matrix

ROOT = Path(__file__).resolve().parent.parent
SWEEP = "examples/sweep.yaml"


def lazysweep(*argv: str, **env: str) -> tuple[int, str, str]:
    result = subprocess.run(
        [sys.executable, "-m", "lazysweep", *argv], capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
    )
    return result.returncode, result.stdout, result.stderr


def error(status: int, message: str) -> tuple[int, str, str]:
    return status, "", f"lazysweep: error: {message}\n"


def test_a_bare_lazysweep_prints_the_help_with_an_example_and_exits_2():
    status, out, err = lazysweep()
    assert (status, out) == (2, "")
    assert err.startswith("usage: lazysweep [-h] [--version] [--debug] COMMAND ...")
    for command in ("count", "batches", "plan", "fingerprint", "batch", "get", "stream", "collect", "lint"):
        assert f"\n    {command} " in err or f"\n    {command}\n" in err
    assert "example, a fan-out" in err and "lazysweep batch sweep.yaml --index K --plan TOKEN" in err
    assert lazysweep("--debug") == (status, out, err)


def test_batch_and_batches_tell_themselves_apart_in_the_help():
    help = lazysweep("--help")[1]
    lines = {line.split()[0]: line for line in help.splitlines() if line.startswith("    ") and line.split()}
    assert "LIST of batch indices" in lines["batches"] and "ONE batch" in lines["batch"]


@pytest.mark.parametrize("argv", [
    ["--debug", "count", "nope.yaml"], ["count", "nope.yaml", "--debug"], ["count", "--debug", "nope.yaml"],
])
def test_debug_goes_before_or_after_the_command(argv):
    status, out, err = lazysweep(*argv)
    assert (status, out) == (1, "")
    assert err.startswith("Traceback (most recent call last):")
    assert err.endswith("lazysweep: error: nope.yaml: no such file\n")


def test_debug_before_a_drop_in_is_passed_on():
    assert lazysweep("--debug", "inferencex", "--help")[0] == 0


def test_index_is_i_for_every_command_and_k_stays_an_alias_of_batch():
    one = lazysweep("batch", SWEEP, "-i", "1", "--size", "2")
    assert one[0] == 0 and one == lazysweep("batch", SWEEP, "-k", "1", "--size", "2")
    assert one == lazysweep("batch", SWEEP, "--index", "1", "--size", "2")
    assert "-k" not in lazysweep("batch", "--help")[1]


def test_results_that_swallowed_the_sweep_are_named():
    assert lazysweep("collect", "--results", "res", SWEEP) == error(
        2, f"did --results take '{SWEEP}'? put the sweep first or repeat --results")


def test_results_repeat(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"_index": 0}\n')
    (tmp_path / "b.jsonl").write_text('{"_index": 1}\n')
    status, out, _ = lazysweep("collect", "--results", str(tmp_path / "a.jsonl"), "-a", "n=0..1",
                               "--results", str(tmp_path / "b.jsonl"))
    assert (status, out) == (0, "2 points, 2 done, 0 missing, 0 duplicated, 0 unknown, 0 stale: complete\n")


def test_a_workflow_without_job_names_its_matrix_jobs(tmp_path):
    workflow = tmp_path / "ci.yml"
    workflow.write_text("name: ci\non: push\njobs:\n  lint:\n    runs-on: x\n"
                        "  a:\n    strategy:\n      matrix: {x: [1]}\n  b:\n    strategy: {matrix: {y: [2]}}\n")
    assert lazysweep("count", str(workflow)) == error(
        1, f"{workflow}:1:1: this is a GitHub Actions workflow: pass --job NAME (jobs with a matrix: a, b)")
    assert lazysweep("count", str(workflow), "--job", "b")[1] == "1\n"


@pytest.mark.parametrize("text, where", [("matrix:\n\tx: [1]\n", "2:1"), ("matrix:\n  x: [1]\n  y:\n\t- 2\n", "4:1")])
def test_a_tab_says_tabs_cannot_indent_yaml(tmp_path, text, where):
    path = tmp_path / "tab.yaml"
    path.write_text(text)
    assert lazysweep("count", str(path)) == error(1, f"{path}:{where}: invalid YAML: a tab: tabs can't indent YAML, use spaces")


@pytest.mark.parametrize("command, message", [
    ("count", "--shuffle alone does not change what count prints (it is the seed of --sample): drop it"),
    ("fingerprint", "fingerprint takes no --shuffle: the fingerprint covers the points, not their order; drop it"),
])
def test_options_that_do_nothing_are_refused(command, message):
    assert lazysweep(command, SWEEP, "--shuffle", "3") == error(2, message)
    assert lazysweep(command, SWEEP, "--seed", "3") == error(2, message)
    assert "--shuffle" not in lazysweep("fingerprint", "--help")[1]


def test_collect_refuses_a_lone_shuffle(tmp_path):
    (tmp_path / "r.jsonl").write_text("")
    assert lazysweep("collect", SWEEP, "--results", str(tmp_path / "r.jsonl"), "--shuffle", "1") == error(
        2, "--shuffle alone does not change what collect prints (it is the seed of --sample): drop it")


def test_sample_then_shard_is_the_librarys():


    union = []
    for shard in range(8):
        status, out, _ = lazysweep("stream", "-a", "n=0..99", "--sample", "20", "--seed", "42", "--shards", "8",
                                   "--shard", str(shard), "--with-index")
        assert status == 0
        union += out.splitlines()
    sweep = from_matrix({"n": {"start": 0, "stop": 99}})
    assert [line for line in union] == [f'{{"n":{p["n"]},"_index":{p["n"]}}}' for p in sweep.sample(20, seed=42)]
    assert lazysweep("count", "-a", "n=0..99", "--sample", "20", "--seed", "42", "--shards", "8", "--shard", "0")[1] == "3\n"


@pytest.mark.parametrize("argv, message", [
    (["--sample", "5"], "--sample N takes the first N points of a random order: give its seed, "
                        "--shuffle SEED (or --seed SEED)"),
    (["--sample", "101", "--seed", "1"], "--sample 101 is more than the 100 points of the sweep"),
    (["--only", "0-9", "--sample", "11", "--seed", "1"], "--sample 11 is more than the 10 points of the selection"),
])
def test_sample_errors(argv, message):
    assert lazysweep("stream", "-a", "n=0..99", *argv) == error(2, message)


@pytest.mark.parametrize("spec, message", [
    ("x=1..5:step=2", "-a 'x=1..5:step=2': '1..5:step=2' is not a range: expected A..B, A..B:STEP, A..BxF or "
                      "A..B:num=N[:log] (quote the value for a string)"),
    ("lst=[1,2", "-a 'lst=[1,2': unclosed '[': expected ']'"),
])
def test_malformed_axes_are_refused(spec, message):
    assert lazysweep("count", "-a", spec) == error(2, message)


def test_flow_values_in_axes():
    assert lazysweep("stream", "-a", "lst=[1,2],[3]", "-a", "s='a,b'") == (
        0, '{"lst":[1,2],"s":"a,b"}\n{"lst":[3],"s":"a,b"}\n', "")


def test_only_numbers_have_a_digit_limit_and_errors_a_bounded_excerpt(tmp_path):
    huge = "7" * 200_000
    (tmp_path / "only.txt").write_text(f"0-3,{huge}\n")
    status, out, err = lazysweep("count", SWEEP, "--only", f"@{tmp_path / 'only.txt'}")
    assert (status, out, err) == error(
        1, f"{tmp_path / 'only.txt'}: invalid range '{'7' * 40}...': a number of 200000 digits, "
           "more than an index below 30000 needs")
    status, _, err = lazysweep("count", SWEEP, "--only", "1" * 46)
    assert status == 2 and len(err) < 200 and "a number of 46 digits" in err
    assert lazysweep("count", SWEEP, "--only", "0" * 44 + "7")[1] == "1\n"  # 5 digits needed, 40 spare


def test_an_index_variable_has_a_digit_limit():
    assert lazysweep("get", SWEEP, LAZYSWEEP_INDEX="9" * 50_001) == error(
        2, "$LAZYSWEEP_INDEX has 50001 characters: an index has at most 50000 digits")
    assert lazysweep("get", SWEEP, LAZYSWEEP_INDEX="9" * 5000) == error(
        2, f"index {'9' * 40}... (5000 digits) is out of range: valid range is 0 to 29999 (or -30000 to -1 from the end)")
    status, _, err = lazysweep("get", SWEEP, "--index", "9" * 50_001)
    assert status == 2 and "invalid integer '9999999999999999999999999999999999999999...': more than 50000 digits" in err


def test_collect_expects_just_the_sample(tmp_path):
    sample = ["--sample", "20", "--seed", "42"]
    for shard in range(8):
        status, out, _ = lazysweep("stream", "-a", "n=0..99", *sample, "--shards", "8", "--shard", str(shard),
                                   "--with-index")
        assert status == 0
        if shard != 5:  # one worker's results are lost
            (tmp_path / f"{shard}.jsonl").write_text(out)
    lost = lazysweep("stream", "-a", "n=0..99", *sample, "--shards", "8", "--shard", "5", "--with-index")[1]
    missing = ",".join(sorted((line.split('"_index":')[1].rstrip("}") for line in lost.splitlines()), key=int))
    status, out, err = lazysweep("collect", "-a", "n=0..99", *sample, "--results", str(tmp_path),
                                 "--missing", str(tmp_path / "missing.txt"))
    assert (status, out) == (1, "20 points, 18 done, 2 missing, 0 duplicated, 0 unknown, 0 stale: incomplete\n")
    assert err == ""  # each n is one point's: no value the misses concentrate on, no line about it
    assert (tmp_path / "missing.txt").read_text() == missing + "\n"
