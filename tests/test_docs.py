"""The examples of the README and of every page under docs/ run as written, so they stay true.

- A ```console block holds commands, each a line starting with `$ `, and after each what the terminal
  shows: standard output and standard error as they interleave, then `(exit status N)` when N is not 0.
  The command runs in bash from the repository's root, with `lazysweep` on the PATH meaning this checkout,
  so pipes and `NAME=value` prefixes work as a user types them.
- A ```python block is run with `exec`, from the repository's root.
- Other fences (```sh, ```bash, ```yaml, a bare ```) are shown, not run here; the ```sh blocks of the
  fan-out, the batch loop and the Slurm recipe are run by tests/test_act.py, tests/test_workflows.py and
  tests/test_slurm.py, and the Slurm submission loop below.
"""

from __future__ import annotations

import atexit
import functools
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def page_name(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


def blocks(language: str, page: Path = ROOT / "README.md") -> list[str]:
    """The code blocks fenced as ``language`` in ``page``, in order (fences may be indented in lists)."""
    return ["".join(line.removeprefix(indent) for line in body.splitlines(keepends=True)) for indent, body in
            re.findall(rf"^([ \t]*)```{language}\n(.*?)^[ \t]*```$", page.read_text(), flags=re.S | re.M)]


def console_examples() -> list[tuple[str, str, str]]:
    """(page, command, what it shows) for every command of every ```console block."""
    examples = []
    for page in PAGES:
        for block in blocks("console", page):
            for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
                command, _, output = chunk.partition("\n")
                examples.append((page_name(page), command, output))
    return examples


def python_examples() -> list[tuple[str, str]]:
    return [(page_name(page), code) for page in PAGES for code in blocks("python", page)]


@functools.cache
def program_folder() -> Path:
    """A folder holding `lazysweep`, a script that runs this checkout's package with this Python."""
    folder = Path(tempfile.mkdtemp(prefix="lazysweep-bin-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    tool = folder / "lazysweep"
    tool.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m lazysweep "$@"\n')
    tool.chmod(0o755)
    return folder


#: Variables that would change what an example shows, were the tests run inside a job array or a workflow.
JOB_VARIABLES = ("SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX", "GITHUB_OUTPUT",
                 "GITHUB_STEP_SUMMARY")


def run_console(command: str) -> tuple[int, str]:
    """Run ``command`` as a user types it; (exit status, what the terminal shows)."""
    env = {name: value for name, value in os.environ.items()
           if name not in JOB_VARIABLES and not name.startswith("LAZYSWEEP_")}
    result = subprocess.run(
        ["bash", "-c", command], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**env, "PYTHONPATH": str(ROOT), "PATH": f"{program_folder()}{os.pathsep}{os.environ['PATH']}"},
    )
    return result.returncode, result.stdout


def check_console_example(command: str, expected: str) -> None:
    """``command`` shows ``expected`` (its last line `(exit status N)` when N is not 0)."""
    status = 0
    found = re.search(r"^\(exit status (\d+)\)\n\Z", expected, flags=re.M)
    if found:
        status, expected = int(found.group(1)), expected[: found.start()]
    assert "lazysweep" in command, "a console example runs lazysweep"
    assert run_console(command) == (status, expected)


@pytest.mark.parametrize("page, code", python_examples())
def test_python_examples(page, code, monkeypatch):
    monkeypatch.chdir(ROOT)
    exec(compile(code, page, "exec"), {})


@pytest.mark.parametrize("page, command, expected", console_examples())
def test_console_examples(page, command, expected):
    check_console_example(command, expected)


def test_every_fence_is_one_this_file_knows():
    """No example is silently left unrun because of a misspelt fence."""
    pages = {page for page, *_ in console_examples()} | {page for page, _ in python_examples()}
    fences = {page_name(page): set(re.findall(r"^[ \t]*```(\w*)", page.read_text(), flags=re.M)) for page in PAGES}
    known = {"", "console", "python", "sh", "bash", "yaml", "text", "json", "toml"}
    assert {page: fence - known for page, fence in fences.items() if fence - known} == {}
    assert "README.md" in pages


def test_quick_start_is_what_ci_runs():
    install, example, test = blocks("sh")[0].strip().splitlines()
    ci = (ROOT / ".ci" / "run").read_text()
    assert install in ci and test in ci
    argv = shlex.split(example)
    assert argv[0].endswith("lazysweep") and argv[2].startswith("examples/")
    result = subprocess.run(
        [sys.executable, "-m", "lazysweep", *argv[1:]], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0 and result.stdout == "118\n"


def test_slurm_submission_covers_every_point_once(tmp_path):
    """The HPC guide's sbatch loop, with a stub sbatch, Slurm's default MaxArraySize and a 2,500-point sweep
    (tests/test_slurm.py runs it on a real cluster)."""
    loop = next(block for block in blocks("sh", ROOT / "docs" / "hpc.md") if "sbatch --array" in block)
    (tmp_path / "sweep.yaml").write_text("matrix:\n  n: {start: 1, stop: 2500}\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "lazysweep").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m lazysweep "$@"\n')
    (bin_dir / "sbatch").write_text('#!/bin/sh\necho "$1 $2"\n')
    (bin_dir / "scontrol").write_text('#!/bin/sh\necho "MaxArraySize            = 1001"\n')
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    result = subprocess.run(
        ["bash", "-c", loop], cwd=tmp_path, capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
    )
    covered = []
    for line in result.stdout.splitlines():
        found = re.fullmatch(r"--array=0-(\d+)%50 --export=ALL,OFFSET=(\d+)", line)
        last, offset = int(found.group(1)), int(found.group(2))
        covered += [offset + task for task in range(last + 1)]
    assert covered == list(range(2500))


def test_the_library_page_documents_every_public_name():
    """docs/library.md's API section names everything in `lazysweep.__all__`, so the semver promise is written down."""
    import lazysweep

    page = (ROOT / "docs" / "library.md").read_text()
    section = page.split("\n## The public API\n", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`(\w+)`", section))
    assert set(lazysweep.__all__) - documented == set()
