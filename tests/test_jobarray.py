"""Job arrays: the index from each engine's variable, --offset, and --format env through a real shell."""

from __future__ import annotations

import json
import subprocess

import pytest

from lazysweep import SweepError, UsageError
from lazysweep._cli import main
from lazysweep._formats import shell_assignments, shell_name
from lazysweep._jobarray import INDEX_VARIABLES, index_from_environment

SWEEP = "matrix:\n  x: {start: 0, stop: 9999}\n"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for variable in INDEX_VARIABLES:
        monkeypatch.delenv(variable, raising=False)


@pytest.mark.parametrize("variable", INDEX_VARIABLES)
def test_each_engine_variable(variable, monkeypatch, write, capsys):
    monkeypatch.setenv(variable, "42")
    assert main(["get", write(SWEEP)]) == 0
    assert capsys.readouterr().out == '{"x":42}\n'
    assert main(["get", write(SWEEP), "--offset", "1001"]) == 0
    assert capsys.readouterr().out == '{"x":1043}\n'


def test_variables_must_agree():
    assert index_from_environment(0, {"JOB_COMPLETION_INDEX": "9", "SLURM_ARRAY_TASK_ID": "9"}) == 9
    assert index_from_environment(0, {"LAZYSWEEP_INDEX": "", "AWS_BATCH_JOB_ARRAY_INDEX": "4"}) == 4
    with pytest.raises(UsageError) as error:
        index_from_environment(0, {"JOB_COMPLETION_INDEX": "3", "SLURM_ARRAY_TASK_ID": "9", "LAZYSWEEP_INDEX": "9"})
    assert str(error.value) == ("the job-array index variables disagree: $LAZYSWEEP_INDEX=9, $SLURM_ARRAY_TASK_ID=9, "
                                "$JOB_COMPLETION_INDEX=3 (unset the stray one, or pass --index)")
    for bad in ("-1", "1e3", "abc", "1.0"):
        with pytest.raises(SweepError, match="must be a non-negative integer"):
            index_from_environment(0, {"SLURM_ARRAY_TASK_ID": bad})


def test_stray_index_variable_is_refused_not_picked(monkeypatch, write, capsys):
    """sbatch --export=ALL passes a LAZYSWEEP_INDEX exported in the submitting shell to every task."""
    path = write(SWEEP)
    monkeypatch.setenv("LAZYSWEEP_INDEX", "7")
    for task in ("0", "1", "2"):
        monkeypatch.setenv("SLURM_ARRAY_TASK_ID", task)
        for command in ("get", "batch"):
            assert main([command, path]) == 2
            out, err = capsys.readouterr()
            assert out == "" and err == (
                f"lazysweep: error: the job-array index variables disagree: $LAZYSWEEP_INDEX=7, "
                f"$SLURM_ARRAY_TASK_ID={task} (unset the stray one, or pass --index)\n"
            )
    monkeypatch.setenv("SLURM_ARRAY_TASK_ID", "7")
    assert main(["get", path]) == 0 and capsys.readouterr().out == '{"x":7}\n'
    monkeypatch.setenv("SLURM_ARRAY_TASK_ID", "2")
    assert main(["get", path, "--index", "5"]) == 0 and capsys.readouterr().out == '{"x":5}\n'


def test_batch_takes_its_index_from_the_array(monkeypatch, write, capsys):
    path = write(SWEEP)
    monkeypatch.setenv("SLURM_ARRAY_TASK_ID", "3")
    assert main(["batch", path, "--size", "4"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"x": x} for x in range(12, 16)]
    assert main(["batch", path, "--size", "4", "--offset", "2496", "--with-index", "--format", "jsonl"]) == 0
    assert capsys.readouterr().out == "".join(f'{{"x":{x},"_index":{x}}}\n' for x in range(9996, 10000))
    assert main(["batch", path, "--size", "4", "--offset", "2497"]) == 2
    assert "batch index 2500 is out of range: valid range is 0 to 2499" in capsys.readouterr().err


def test_negative_indices_follow_sequence_rules(write, capsys):
    path = write(SWEEP)
    for index, expected in (("-1", 9999), ("-10000", 0), ("0", 0)):
        assert main(["get", path, "--index", index]) == 0
        assert json.loads(capsys.readouterr().out) == {"x": expected}
    assert main(["get", path, "--index", "-10001"]) == 2
    assert "index -10001 is out of range: valid range is 0 to 9999 (or -10000 to -1 from the end)" in capsys.readouterr().err
    assert main(["batch", path, "--index", "-1", "--size", "3"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"x": 9999}]


def test_index_flag_and_errors(monkeypatch, write, capsys):
    path = write(SWEEP)
    monkeypatch.setenv("SLURM_ARRAY_TASK_ID", "5")
    assert main(["get", path, "--index", "7"]) == 0 and capsys.readouterr().out == '{"x":7}\n'
    assert main(["get", path, "--offset", "9995"]) == 2
    assert "index 10000 is out of range: valid range is 0 to 9999" in capsys.readouterr().err
    monkeypatch.delenv("SLURM_ARRAY_TASK_ID")
    assert main(["get", path]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lazysweep: error: no --index given and none of $LAZYSWEEP_INDEX") and err.count("\n") == 1
    monkeypatch.setenv("JOB_COMPLETION_INDEX", "x")
    assert main(["get", path]) == 2
    assert "$JOB_COMPLETION_INDEX must be a non-negative integer, got 'x'" in capsys.readouterr().err


def test_shell_names():
    assert [shell_name(k) for k in ("os", "max-model-len", "a.b c", "9lives", "")] == ["os", "max_model_len", "a_b_c", "_9lives", "_"]
    with pytest.raises(SweepError, match="both become the shell variable a_b"):
        shell_assignments({"a-b": 1, "a.b": 2})


def test_env_format_round_trips_through_bash(write, capsys):
    values = ["it's", 'say "hi"', "two words", "line\nbreak", "$(touch /tmp/lazysweep-pwned)", "`id`", "$HOME", "",
              "back\\slash", "ünïcode"]
    path = write("matrix:\n  value: " + json.dumps(values) + "\n  n: [8]\n  flag: [true]\n  obj: [{a: [1, null]}]\n")
    for index, expected in enumerate(values):
        assert main(["get", path, "--index", str(index), "--format", "env"]) == 0
        script = capsys.readouterr().out
        result = subprocess.run(
            ["bash", "-c", 'eval "$1"; printf "%s\\0%s\\0%s\\0%s" "$value" "$n" "$flag" "$obj"', "bash", script],
            capture_output=True, text=True, check=True,
        )
        assert result.stdout.split("\0") == [expected, "8", "true", '{"a":[1,null]}']
    assert not __import__("os").path.exists("/tmp/lazysweep-pwned")
    assert main(["get", path, "--index", "0", "--format", "env", "--github-output", "x"]) == 2
    assert "drop --format env" in capsys.readouterr().err
