"""Hostile and broken input: one readable line on stderr, exit 1 or 2, in bounded time and memory,
nothing executed. Each case runs as a real process under a 1 GiB address-space cap and a time limit
of a few seconds, so work that grows with a number in the input (a factor of 4,299 digits, a batch of
millions of points, a 64 GiB size limit) shows up as a failure here."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MEMORY_CAP = 1024 * 1024 * 1024  # bytes of address space for the child
SECONDS = 5
PWNED = "/tmp/lazysweep-hardening-pwned"

GOOD = "matrix:\n  a: [1, 2, 3]\n"
BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(9)
) + "matrix:\n  big: *j\n"

# (id, file content or None for no file, argv after `lazysweep` ({f} is the file), status, stderr part)
CASES = [
    ("missing file", None, ["count", "{f}"], 1, "no such file"),
    ("directory", "DIR", ["count", "{f}"], 1, "is a directory"),
    ("empty file", b"", ["count", "{f}"], 1, "file is empty"),
    ("binary garbage", bytes(range(256)) * 4, ["count", "{f}"], 1, "binary data"),
    ("not UTF-8", b"matrix:\n  a: [\xe9t\xe9]\n", ["count", "{f}"], 1, ":2:7: not UTF-8 text"),
    ("syntax error", "matrix:\n  a: [1, 2\n", ["count", "{f}"], 1, ":3:1: invalid YAML"),
    ("control character", "matrix:\n  a: [\x08]\n", ["count", "{f}"], 1, ":2:7: invalid YAML: character #x0008 is not allowed"),
    ("tabs", "matrix:\n\ta: [1]\n", ["count", "{f}"], 1, ":2:1: invalid YAML"),
    ("top-level list", "- 1\n- 2\n", ["count", "{f}"], 1, "the top level must be a mapping"),
    ("top-level scalar", "hello\n", ["count", "{f}"], 1, "not a string"),
    ("string where a list goes", "matrix:\n  a: hello\n", ["count", "{f}"], 1, "axis 'a' must be a list or a range"),
    ("matrix as a list", "matrix: [1, 2]\n", ["count", "{f}"], 1, "'matrix' must be a mapping"),
    ("float in a geometric range", "matrix:\n  a: {start: 0.5, stop: 3, factor: 2}\n", ["count", "{f}"], 1,
     "'factor' takes integers"),
    ("boolean in a range", "matrix:\n  a: {start: 0, stop: true}\n", ["count", "{f}"], 1, "must be an integer, not a boolean"),
    ("empty axis", "matrix:\n  a: []\n", ["count", "{f}"], 1, "axis 'a' is empty"),
    ("zero step", "matrix:\n  a: {start: 0, stop: 3, step: 0}\n", ["count", "{f}"], 1, "'step' of range axis 'a' must be at least 1"),
    ("negative step", "matrix:\n  a: {start: 0, stop: 3, step: -1}\n", ["count", "{f}"], 1, "must be at least 1"),
    ("factor 1", "matrix:\n  a: {start: 1, stop: 3, factor: 1}\n", ["count", "{f}"], 1, "'factor' of range axis 'a' must be at least 2"),
    ("start after stop", "matrix:\n  a: {start: 5, stop: 3}\n", ["count", "{f}"], 1, "starts after it stops"),
    ("step and factor", "matrix:\n  a: {start: 1, stop: 3, step: 1, factor: 2}\n", ["count", "{f}"], 1, "not both"),
    ("duplicate key", "matrix:\n  a: [1]\n  a: [2]\n", ["count", "{f}"], 1, ":3:3: duplicate key 'a' (first at line 2)"),
    ("python object tag", f"matrix:\n  a: !!python/object/apply:os.system ['touch {PWNED}']\n", ["count", "{f}"], 1,
     "unsupported YAML tag !!python/object/apply:os.system"),
    ("python name tag", "matrix:\n  a: [!!python/name:os.system '']\n", ["count", "{f}"], 1, "unsupported YAML tag"),
    ("billion laughs", BILLION_LAUGHS, ["count", "{f}"], 1, "expands to more than 10000000 values"),
    ("deep nesting", "matrix:\n  a: " + "[" * 50000 + "]" * 50000 + "\n", ["count", "{f}"], 1, "nest"),
    ("deep block nesting", "matrix:\n  a:\n" + "".join("  " * (i + 2) + "- \n" for i in range(2000)), ["count", "{f}"], 1, "nested deeper than 100 levels"),
    ("huge integer", "matrix:\n  a: [" + "9" * 5000 + "]\n", ["count", "{f}"], 1, "invalid int"),
    ("index of 5,000 digits", GOOD, ["get", "{f}", "--index", "9" * 5000], 2, "is out of range: valid range is 0 to 2"),
    ("infinite float printed", "matrix:\n  a: [.inf]\n", ["get", "{f}", "--index", "0"], 1, "which JSON cannot write"),
    ("NaN in a batch", "matrix:\n  a: [1, .nan]\n", ["batch", "{f}", "--index", "0"], 1, "quote it in the YAML"),
    ("hex beyond 32 bits", "matrix:\n  a: [0x100000000]\n", ["count", "{f}"], 1, ":2:7: invalid int '0x100000000'"),
    ("YAML 1.1 integer in a range", "matrix:\n  a: {start: 1_000, stop: 2000}\n", ["count", "{f}"], 1,
     "`1_000` is the string '1_000' on GitHub"),
    ("empty sweep get", "matrix:\n  a: [1, 2]\n  exclude: [{a: 1}, {a: 2}]\n", ["get", "{f}", "--index", "0"], 2,
     "index 0 is out of range: the sweep is empty"),
    ("empty sweep batch", "matrix:\n  a: [1]\n  exclude: [{a: 1}]\n", ["batch", "{f}", "--index", "0"], 2,
     "the sweep is empty"),
    # LAZYSWEEP_INDEX of 5,000 digits (set for every case): read (up to 50,000), then out of range
    ("huge index variable", GOOD, ["get", "{f}"], 2, "is out of range: valid range is 0 to 2"),
    ("env NUL", "matrix:\n  a: [\"x\\0y\"]\n", ["get", "{f}", "--index", "0", "--format", "env"], 1, "NUL character"),
    ("env PATH", "matrix:\n  PATH: [/evil]\n", ["get", "{f}", "--index", "0", "--format", "env"], 1,
     "would set the shell variable PATH"),
    ("env IFS with a prefix that clashes", "matrix:\n  ALL: [x]\n",
     ["get", "{f}", "--index", "0", "--format", "env", "--env-prefix", "LC_"], 1, "shell variable LC_ALL"),
    ("env key _", "matrix:\n  '-': [x]\n", ["get", "{f}", "--index", "0", "--format", "env"], 1, "shell variable _"),
    ("env empty key", "matrix:\n  '': [x]\n", ["get", "{f}", "--index", "0", "--format", "env"], 1, "empty name"),
    ("bad env prefix", GOOD, ["get", "{f}", "--index", "0", "--format", "env", "--env-prefix", "a-b"], 2,
     "--env-prefix must be a shell name"),
    ("negative index past the start", GOOD, ["get", "{f}", "--index", "-1000"], 2, "index -1000 is out of range"),
    ("index past the end", GOOD, ["get", "{f}", "--index", "3"], 2, "index 3 is out of range: valid range is 0 to 2"),
    ("huge index", GOOD, ["get", "{f}", "--index", "9" * 400], 2, "is out of range"),
    ("index not a number", GOOD, ["get", "{f}", "--index", "two"], 2, "invalid integer 'two'"),
    ("float index", GOOD, ["get", "{f}", "--index", "1.0"], 2, "invalid integer '1.0'"),
    ("negative batch past the start", GOOD, ["batch", "{f}", "--index", "-2"], 2, "batch index -2 is out of range: valid range is 0 to 0"),
    ("batch past the end", GOOD, ["batch", "{f}", "--index", "1"], 2, "batch index 1 is out of range"),
    ("huge batch", GOOD, ["batch", "{f}", "--index", "1" + "0" * 300], 2, "is out of range"),
    ("batch size 0", GOOD, ["batch", "{f}", "--index", "0", "--size", "0"], 2, "must be at least 1, got 0"),
    ("negative batch size", GOOD, ["batches", "{f}", "--size", "-5"], 2, "must be at least 1, got -5"),
    ("too many batches to list", "matrix:\n  a: {start: 0, stop: 1000000000000}\n", ["batches", "{f}"], 2, "too many to list"),
    ("unknown command", GOOD, ["explode", "{f}"], 2, "invalid choice: 'explode'"),
    ("unknown flag", GOOD, ["count", "{f}", "--frobnicate"], 2, "unrecognized arguments: --frobnicate"),
    # A bare `lazysweep` prints the help, exit 2 (#23): tests/test_cli_newcomer.py.
    ("inferencemax bad batch size", GOOD, ["inferencemax", "full-sweep", "--config-files", "{f}", "--max-batch-size", "0"], 2,
     "max-batch-size must be at least 1"),
    ("inferencemax not a config", GOOD, ["inferencemax", "full-sweep", "--config-files", "{f}"], 1,
     "Missing required field 'image' for key 'matrix'"),
]


def cap_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run(argv, env=None, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "lazysweep", *argv], capture_output=True, text=True, timeout=SECONDS,
        preexec_fn=cap_memory, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}, **kwargs,
    )


@pytest.mark.parametrize("content, argv, status, expected", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_input_is_one_clean_line(tmp_path, content, argv, status, expected):
    path = tmp_path / "sweep.yaml"
    if content == "DIR":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    result = run([arg.format(f=path) for arg in argv], env={"LAZYSWEEP_INDEX": "9" * 5000})
    assert result.returncode == status, result.stderr
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert expected in result.stderr, result.stderr
    assert result.stderr.startswith("lazysweep")
    assert not os.path.exists(PWNED)


def test_the_memory_cap_is_real(tmp_path):
    """The cap above would stop a process that expanded the alias bomb."""
    code = "x = [0] * (300 * 1024 * 1024)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, preexec_fn=cap_memory, timeout=SECONDS)
    assert result.returncode != 0 and b"MemoryError" in result.stderr


def test_unwritable_github_output_is_one_line(tmp_path):
    path = tmp_path / "sweep.yaml"
    path.write_text(GOOD)
    result = subprocess.run(
        [sys.executable, "-m", "lazysweep", "count", str(path), "--github-output", "n"], capture_output=True, text=True,
        timeout=SECONDS, env={**os.environ, "PYTHONPATH": str(ROOT), "GITHUB_OUTPUT": "/dev/full"},
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "cannot write $GITHUB_OUTPUT" in result.stderr
    assert result.stdout == ""


def test_numbers_of_hundreds_of_digits_are_exact_and_quick(tmp_path):
    path = tmp_path / "sweep.yaml"
    path.write_text(f"matrix:\n  a: {{start: 0, stop: {10**300}}}\n  b: {{start: 1, stop: {10**200}, factor: 7}}\n")
    geometric = 1
    while 7**geometric < 10**200:
        geometric += 1
    count = (10**300 + 1) * (geometric + 1)
    result = run(["count", str(path)])
    assert (result.returncode, result.stdout, result.stderr) == (0, f"{count}\n", "")
    last = -(-count // 256) - 1
    result = run(["batch", str(path), "--index", str(last)])
    assert result.returncode == 0 and f'{{"a":{10**300},"b":{10**200}}}' in result.stdout


# -- issue #11: work that grew with a number in the input, and output that could not be written ------


def test_a_geometric_range_with_a_huge_factor_is_quick(tmp_path):
    nines = "9" * 4299
    path = tmp_path / "sweep.yaml"
    path.write_text(f"matrix:\n  a: {{start: 1, stop: {nines}, factor: {nines}}}\n")
    result = run(["count", str(path)])  # took about 190 s
    assert (result.returncode, result.stdout, result.stderr) == (0, "2\n", "")
    result = run(["get", str(path), "--index", "1"])
    assert result.returncode == 0 and result.stdout == f'{{"a":{nines}}}\n'


@pytest.fixture
def long_int_text():
    """Let this process turn ints of any size into text (the CLI does the same), then restore the limit."""
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    yield
    sys.set_int_max_str_digits(limit)


def test_counts_past_4300_digits_print(tmp_path, long_int_text):
    path = tmp_path / "sweep.yaml"
    path.write_text(f"matrix:\n  a: {{start: 1, stop: {10**3000}}}\n  b: {{start: 1, stop: {10**3000}}}\n")
    result = run(["count", str(path)])
    assert (result.returncode, result.stdout, result.stderr) == (0, f"{10**6000}\n", "")
    result = run(["batches", str(path), "--count", "--size", "7"])
    assert result.returncode == 0 and result.stdout == f"{-(-10**6000 // 7)}\n"
    last = str(10**6000 - 1)
    result = run(["get", str(path), "--index", last])
    assert result.returncode == 0 and result.stdout == f'{{"a":{10**3000},"b":{10**3000}}}\n'


def test_a_huge_batch_for_github_output_is_refused_early(tmp_path):
    """5,000,000 points: encoding stops at 1 MiB, under the memory cap and well within the time limit."""
    path = tmp_path / "sweep.yaml"
    path.write_text("matrix:\n  model: [llama-3-70b-instruct]\n  seed: {start: 1, stop: 5000000}\n")
    output = tmp_path / "output"
    output.write_text("keep=1\n")
    result = run(["batch", str(path), "--index", "0", "--size", "5000000", "--github-output", "points"],
                 env={"GITHUB_OUTPUT": str(output)})
    assert result.returncode == 2 and result.stdout == ""
    assert "would be more than 1048576 bytes" in result.stderr and result.stderr.count("\n") == 1
    assert output.read_text() == "keep=1\n"


@pytest.mark.parametrize(
    "value, status, message",
    [
        (str(64 << 30), 0, ""),  # read(64 GiB + 1) reserved 64 GiB: MemoryError
        ("9" * 20, 2, "LAZYSWEEP_MAX_BYTES must be a whole number from 1 to 1099511627776, got '99999999999999999999'"),
        ("\u00b2", 2, "LAZYSWEEP_MAX_BYTES must be a whole number"),
        ("-1", 2, "LAZYSWEEP_MAX_BYTES must be a whole number"),
    ],
)
def test_size_limit_from_the_environment(tmp_path, value, status, message):
    path = tmp_path / "sweep.yaml"
    path.write_text(GOOD + "# padding\n" * 20)
    result = run(["count", str(path)], env={"LAZYSWEEP_MAX_BYTES": value})
    assert result.returncode == status
    if status:
        assert result.stderr.startswith(f"lazysweep: error: {message}")
        assert result.stderr.count("\n") == 1 and result.stdout == ""
    else:
        assert result.stdout == "3\n" and result.stderr == ""


def test_depth_limit_from_the_environment_is_strict(tmp_path):
    path = tmp_path / "sweep.yaml"
    path.write_text(GOOD)
    result = run(["count", str(path)], env={"LAZYSWEEP_MAX_DEPTH": "\u00b2"})  # passed isdigit(), then crashed
    assert result.returncode == 2 and result.stderr == (
        "lazysweep: error: LAZYSWEEP_MAX_DEPTH must be a whole number from 1 to 100000, got '\u00b2'\n"
    )


def test_a_fifo_as_github_output_does_not_block(tmp_path):
    path = tmp_path / "sweep.yaml"
    path.write_text(GOOD)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    result = run(["count", str(path), "--github-output", "n"], env={"GITHUB_OUTPUT": str(fifo)})
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == f"lazysweep: error: {fifo}: cannot write $GITHUB_OUTPUT: not a regular file\n"


def test_a_file_name_that_is_not_utf8_in_the_step_summary(tmp_path):
    name = os.path.join(os.fsencode(tmp_path), b"caf\xe9.yaml")
    with open(name, "w") as handle:
        handle.write(GOOD)
    summary = tmp_path / "summary.md"
    result = subprocess.run(
        [os.fsencode(sys.executable), b"-m", b"lazysweep", b"batches", name], capture_output=True, timeout=SECONDS,
        preexec_fn=cap_memory, env={**os.environ, "PYTHONPATH": str(ROOT), "GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, b"[0]\n", b"")
    assert "caf\\xe9.yaml` | 3 |" in summary.read_bytes().decode("utf-8")


def test_near_misses_warn_on_stderr_and_keep_githubs_count(tmp_path):
    path = tmp_path / "sweep.yaml"
    path.write_text("matrix:\n  os: [a, b]\n  exlude: [{os: a}]\n")
    result = run(["count", str(path)])
    assert result.returncode == 0 and result.stdout == "2\n"
    assert result.stderr == (
        f"lazysweep: warning: {path}:3:3: axis 'exlude' looks like 'exclude': it is an axis, as on GitHub\n"
    )
    workflow = tmp_path / "w.yml"
    workflow.write_text("on: push\njobs:\n  t:\n    strategy:\n      matrix:\n        os: [a, b]\n        includ: [{os: c}]\n")
    result = run(["lint", str(workflow)])
    assert result.returncode == 0 and "job 't': 2 jobs, ok" in result.stdout
    assert result.stderr == (
        f"lazysweep: warning: {workflow}:7:9: axis 'includ' looks like 'include': it is an axis, as on GitHub\n"
    )


def test_job_counts_use_githubs_yaml(tmp_path):
    workflow = tmp_path / "w.yml"
    workflow.write_text(
        "on: push\njobs:\n  t:\n    strategy:\n      matrix:\n        os: [ubuntu-latest, windows-latest]\n"
        "        coverage: [yes, no]\n        exclude: [{os: windows-latest, coverage: \"yes\"}]\n"
        "        include: [{os: ubuntu-latest, coverage: \"no\", experimental: true}]\n"
    )
    result = run(["count", str(workflow), "--job", "t"])
    assert (result.returncode, result.stdout, result.stderr) == (0, "3\n", "")  # PyYAML's rules gave 5
    result = run(["get", str(workflow), "--job", "t", "--index", "0"])
    assert result.stdout == '{"os":"ubuntu-latest","coverage":"yes"}\n'


def test_inferencemax_github_output_over_the_limit_is_refused(tmp_path):
    entry = ("  image: i\n  model: m\n  model-prefix: p\n  runner: r\n  precision: x\n  framework: f\n"
             "  seq-len-configs:\n  - {isl: 1024, osl: 1024, search-space: [{tp: 1, conc-start: 1, conc-end: 1024}]}\n")
    master = tmp_path / "master.yaml"
    master.write_text("".join(f"k{i}:\n{entry}" for i in range(1000)))  # 11,000 entries, about 3 MB of JSON
    output = tmp_path / "output"
    output.write_text("keep=1\n")
    result = run(["inferencemax", "full-sweep", "--config-files", str(master), "--github-output", "all"],
                 env={"GITHUB_OUTPUT": str(output)})
    assert result.returncode == 2 and result.stdout == "" and result.stderr.count("\n") == 1
    assert "would be more than 1048576 bytes" in result.stderr
    assert output.read_text() == "keep=1\n"
