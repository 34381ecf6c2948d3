"""Hostile and broken input: one readable line on stderr, exit 1 or 2, in bounded time and memory,
nothing executed. Each case runs as a real process under a memory cap."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MEMORY_CAP = 1024 * 1024 * 1024  # bytes of address space for the child
SECONDS = 20
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
    ("float in a range", "matrix:\n  a: {start: 0.5, stop: 3}\n", ["count", "{f}"], 1, "must be an integer, not the number 0.5"),
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
    ("infinite float", "matrix:\n  a: [.inf]\n", ["count", "{f}"], 1, "is not a finite number"),
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
    ("no command", None, [], 2, "the following arguments are required: COMMAND"),
    ("inferencemax bad batch size", GOOD, ["inferencemax", "full-sweep", "--config-files", "{f}", "--max-batch-size", "0"], 2,
     "max-batch-size must be at least 1"),
    ("inferencemax not a config", GOOD, ["inferencemax", "full-sweep", "--config-files", "{f}"], 1,
     "Missing required field 'image' for key 'matrix'"),
]


def cap_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run(argv, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "lazysweep", *argv], capture_output=True, text=True, timeout=SECONDS,
        preexec_fn=cap_memory, env={**os.environ, "PYTHONPATH": str(ROOT)}, **kwargs,
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
    result = run([arg.format(f=path) for arg in argv])
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
