"""$GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY, read back the way the runner reads them."""

from __future__ import annotations

import json
import os

import pytest

import lazysweep

from lazysweep import UsageError
from lazysweep._cli import main
from lazysweep._github import OUTPUT_LIMIT, append_step_summary, bounded_json_list, output_record, set_output
from lazysweep.inferencemax import main as inferencemax_main
from lazysweep._plan import Plan


def runner_outputs(text: str) -> dict[str, str]:
    """Parse a $GITHUB_OUTPUT file as the Actions runner does (both forms)."""
    outputs, lines, i = {}, text.split("\n"), 0
    while i < len(lines):
        line = lines[i]
        if not line:
            i += 1
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            value = []
            i += 1
            while lines[i] != delimiter:
                value.append(lines[i])
                i += 1
            outputs[name] = "\n".join(value)
        else:
            name, value = line.split("=", 1)
            outputs[name] = value
        i += 1
    return outputs


@pytest.fixture
def output(tmp_path, monkeypatch):
    path = tmp_path / "output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(path))
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    return path


SWEEP = "matrix:\n  x: [1, 2, 3]\n  y: [a, b]\n"


def test_both_forms_round_trip_and_appends_keep_earlier_outputs(output):
    output.write_text("earlier=1\n")
    set_output("simple", '{"a":"b=c"}')
    set_output("multi", "line one\nline two\r\nthree")
    assert runner_outputs(output.read_bytes().decode()) == {
        "earlier": "1", "simple": '{"a":"b=c"}', "multi": "line one\nline two\r\nthree",
    }


def test_injection_attempts_stay_inside_their_value(output):
    hostile = "x\nevil=1\nghadelimiter_0000\nmore<<EOF\nEOF"
    set_output("safe", hostile)
    set_output("after", "2")
    assert runner_outputs(output.read_bytes().decode()) == {"safe": hostile, "after": "2"}
    for bad_name in ("a=b", "a\nb", "x<<y", "", "1st", "a b"):
        with pytest.raises(UsageError, match="invalid output name"):
            set_output(bad_name, "v")


def test_values_over_a_mebibyte_are_refused_and_leave_the_file_alone(output):
    output.write_text("earlier=1\n")
    with pytest.raises(UsageError, match=r"over GitHub's limit of 1048576 bytes per job: use a smaller --size"):
        set_output("big", "x" * OUTPUT_LIMIT, "use a smaller --size")
    assert output.read_text() == "earlier=1\n"


def test_unset_output_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("GITHUB_OUTPUT", raising=False)
    with pytest.raises(UsageError, match=r"needs \$GITHUB_OUTPUT"):
        set_output("a", "1")


def test_commands_write_outputs(output, write, capsys):
    path = write(SWEEP)
    assert main(["count", path, "--github-output", "count"]) == 0
    assert main(["batches", path, "--size", "4", "--github-output", "batches"]) == 0
    assert main(["batch", path, "--index", "1", "--size", "4", "--github-output", "points"]) == 0
    assert main(["get", path, "--index", "5", "--github-output", "point"]) == 0
    outputs = runner_outputs(output.read_bytes().decode())
    assert outputs == {"count": "6", "batches": "[0,1]", "batches-count": "6",
                       "batches-plan": str(Plan.of(lazysweep.load(path), 4)),
                       "points": '[{"x":3,"y":"a"},{"x":3,"y":"b"}]', "point": '{"x":3,"y":"b"}'}
    assert capsys.readouterr().out.splitlines() == ["6", "[0,1]", outputs["points"], outputs["point"]]


def test_batches_refuses_more_than_a_matrix_takes(output, write, capsys):
    path = write("matrix:\n  n: {start: 1, stop: 1000}\n")
    assert main(["batches", path, "--size", "3", "--github-output", "b"]) == 2
    assert "334 batches are more than a GitHub matrix takes (256): use --size 4 or more" in capsys.readouterr().err
    assert not output.exists()
    path = write("matrix:\n  n: {start: 1, stop: 100000}\n")
    assert main(["batches", path, "--github-output", "b"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "lazysweep: error: 391 batches are more than a GitHub matrix takes (256), and 100000 points as one job each "
        "are beyond GitHub's limits (256 jobs per matrix, 50,000 jobs per workflow run): use --size 391 or more "
        "with batch jobs that each loop over their points ('lazysweep batch ... --format jsonl', see docs/ci.md)\n"
    )
    assert not output.exists()


def test_oversized_batch_is_refused_by_the_command(output, write, capsys):
    path = write("matrix:\n  blob: ['" + "x" * 5000 + "']\n  n: {start: 1, stop: 300}\n")
    output.write_text("keep=1\n")
    assert main(["batch", path, "--index", "0", "--github-output", "b"]) == 2
    err = capsys.readouterr().err
    assert "over GitHub's limit" in err and "use a smaller --size" in err and err.count("\n") == 1
    assert output.read_text() == "keep=1\n"


def test_step_summary(tmp_path, monkeypatch, write, capsys):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    first, second = write(SWEEP, "a.yaml"), write("matrix: {z: [0]}\n", "b.yaml")
    assert main(["batches", first, second, "--size", "4"]) == 0
    text = summary.read_text()
    assert "### lazysweep: 7 points in 2 batches of up to 4" in text
    assert f"| `{first}` | 6 |" in text and f"| `{second}` | 1 |" in text
    assert append_step_summary("more") and summary.read_text().endswith("more\n")
    monkeypatch.delenv("GITHUB_STEP_SUMMARY")
    assert not append_step_summary("x")


def test_inferencemax_github_output(output, tmp_path, monkeypatch, capsys):
    master = tmp_path / "m.yaml"
    master.write_text("k:\n  image: i\n  model: m\n  model-prefix: p\n  runner: r\n  precision: x\n  framework: f\n"
                      "  seq-len-configs:\n  - {isl: 1024, osl: 1024, search-space: [{tp: 1, conc-start: 1, conc-end: 8}]}\n")
    argv = ["full-sweep", "--config-files", str(master), "--max-batch-size", "3"]
    inferencemax_main(argv + ["--get-batch-count", "--github-output", "n"])
    inferencemax_main(argv + ["--batch-index", "1", "--github-output", "batch"])
    outputs = runner_outputs(output.read_bytes().decode())
    assert outputs["n"] == "2"
    assert [e["conc"] for e in json.loads(outputs["batch"])] == [8]
    capsys.readouterr()


def test_output_record_form():
    assert output_record("a", "1") == "a=1\n"
    record = output_record("a", "x\ny")
    head, body, tail = record.split("\n", 2)[0], record.split("\n")[1:3], record.split("\n")[3]
    assert head == "a<<" + tail and body == ["x", "y"]


def test_a_failed_write_leaves_the_file_as_it_was(output, monkeypatch):
    import os as real_os

    output.write_text("earlier=1\n")
    calls = []

    def half_then_fail(handle, data):
        calls.append(len(data))
        if len(calls) == 1:
            return real_os.write(handle, data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("lazysweep._github.os.write", half_then_fail)
    with pytest.raises(lazysweep.SweepError, match=r"cannot write \$GITHUB_OUTPUT: No space left on device"):
        set_output("big", "x" * 1000)
    assert output.read_text() == "earlier=1\n"


def test_a_list_value_stops_encoding_once_it_passes_the_limit():
    pulled = []

    def items():
        for i in range(10**9):  # far too many to encode: only about 1 MiB of them is ever asked for
            pulled.append(i)
            yield '"' + "x" * 98 + '"'

    with pytest.raises(UsageError, match=r"output 'b' would be more than 1048576 bytes, over GitHub's limit.*: smaller"):
        bounded_json_list(items(), "b", "smaller")
    assert len(pulled) == OUTPUT_LIMIT // 101 + 1
    assert bounded_json_list([], "b") == "[]" and bounded_json_list(["1", "2"], "b") == "[1,2]"


def test_a_list_value_just_within_the_limit_is_kept(output):
    item = '"' + "x" * 1022 + '"'  # 1,024 characters
    fits = (OUTPUT_LIMIT - len("b=\n") - 1) // (len(item) + 1)
    text = bounded_json_list([item] * fits, "b")
    set_output("b", text)
    assert len(output.read_bytes()) <= OUTPUT_LIMIT
    with pytest.raises(UsageError):
        bounded_json_list([item] * (fits + 1), "b")


def test_a_fifo_is_refused_without_blocking(tmp_path, monkeypatch):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    monkeypatch.setenv("GITHUB_OUTPUT", str(fifo))
    with pytest.raises(lazysweep.SweepError, match=r"cannot write \$GITHUB_OUTPUT: not a regular file"):
        set_output("a", "1")  # nobody reads it
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        with pytest.raises(lazysweep.SweepError, match="not a regular file"):
            set_output("a", "1")  # somebody does: still not a file
    finally:
        os.close(reader)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(fifo))
    with pytest.raises(lazysweep.SweepError, match=r"cannot write \$GITHUB_STEP_SUMMARY: not a regular file"):
        append_step_summary("x")


def test_a_file_name_that_is_not_utf8_is_escaped_in_the_summary(tmp_path, monkeypatch, capsys):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    name = os.fsdecode(bytes(tmp_path) + b"/caf\xe9.yaml")
    with open(name, "w") as handle:
        handle.write(SWEEP)
    assert main(["batches", name]) == 0
    text = summary.read_bytes().decode("utf-8")  # still UTF-8
    assert "caf\\xe9.yaml` | 6 |" in text
    capsys.readouterr()


def test_inferencemax_github_output_over_the_limit_is_refused(output, tmp_path, capsys):
    entry = ("  image: i\n  model: m\n  model-prefix: p\n  runner: r\n  precision: x\n  framework: f\n"
             "  seq-len-configs:\n  - {isl: 1024, osl: 1024, search-space: [{tp: 1, conc-start: 1, conc-end: 8}]}\n")
    master = tmp_path / "m.yaml"
    master.write_text("".join(f"k{i}:\n{entry}" for i in range(3000)))  # 12,000 entries, about 3 MB of JSON
    output.write_text("keep=1\n")
    with pytest.raises(SystemExit) as exit_:
        inferencemax_main(["full-sweep", "--config-files", str(master), "--github-output", "all"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "would be more than 1048576 bytes" in err and "use --max-batch-size with --batch-index" in err
    assert output.read_text() == "keep=1\n"
