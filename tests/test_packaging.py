"""Release-ready packaging: what `python -m build` makes, what the wheel holds, and the release workflow.

The sdist and the wheel are built once for the module, from a copy of the repository's files (as a
fresh clone has them), with the same `python -m build` a release runs.
"""

from __future__ import annotations

import email.parser
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
import yaml

import lazysweep
from lazysweep._workflow import FANOUT_WORKFLOW

from test_action import copy_checkout
from test_docs import check_console_example
from test_workflows import actionlint

ROOT = Path(__file__).resolve().parent.parent
RELEASE = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())
VERSION = lazysweep.__version__


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("packaging")
    source = copy_checkout(base / "source")
    subprocess.run([sys.executable, "-m", "build", "--outdir", str(base / "dist"), str(source)],
                   check=True, capture_output=True, text=True)
    return base / "dist"


@pytest.fixture(scope="module")
def wheel(dist) -> Path:
    return dist / f"lazysweep-{VERSION}-py3-none-any.whl"


def metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as archive:
        return email.parser.Parser().parsestr(archive.read(f"lazysweep-{VERSION}.dist-info/METADATA").decode())


def test_build_makes_an_sdist_and_a_wheel_that_pass_twine_check(dist):
    assert sorted(path.name for path in dist.iterdir()) == [f"lazysweep-{VERSION}-py3-none-any.whl",
                                                           f"lazysweep-{VERSION}.tar.gz"]
    result = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *map(str, dist.iterdir())],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("PASSED") == 2


def test_the_wheel_holds_only_the_package_and_py_typed(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    info = f"lazysweep-{VERSION}.dist-info/"
    package = {f"lazysweep/{path.relative_to(ROOT / 'lazysweep').as_posix()}"
               for path in (ROOT / "lazysweep").rglob("*.py")}
    package.add("lazysweep/py.typed")
    assert {name for name in names if not name.startswith(info)} == package
    assert {name.removeprefix(info) for name in names if name.startswith(info)} == {
        "METADATA", "WHEEL", "RECORD", "entry_points.txt", "top_level.txt", "licenses/LICENSE"}


def test_the_sdist_holds_the_package_and_its_documents(dist):
    with tarfile.open(dist / f"lazysweep-{VERSION}.tar.gz") as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"LICENSE", "README.md", "CHANGELOG.md", "pyproject.toml", "lazysweep/py.typed", "lazysweep/_cli/__init__.py"} <= names
    docs = {path.relative_to(ROOT).as_posix() for path in (ROOT / "docs").rglob("*.md")}
    assert {"mkdocs.yml", "docs/index.md"} | docs <= names
    assert {name.split("/")[0] for name in names} <= {
        "LICENSE", "README.md", "CHANGELOG.md", "pyproject.toml", "MANIFEST.in", "PKG-INFO", "setup.cfg", "lazysweep",
        "lazysweep.egg-info", "docs", "mkdocs.yml"}


def test_metadata(wheel):
    meta = metadata(wheel)
    assert meta["Name"] == "lazysweep" and meta["Version"] == VERSION
    assert meta["License-Expression"] == "MIT" and meta["License-File"] == "LICENSE"
    assert meta["Requires-Python"] == ">=3.10"
    assert meta.get_all("Requires-Dist")[0] == "PyYAML>=6.0"
    urls = dict(url.split(", ", 1) for url in meta.get_all("Project-URL"))
    assert urls["Homepage"] == "https://github.com/lazysweep/lazysweep"
    assert "github actions" in meta["Keywords"].split(",")
    classifiers = meta.get_all("Classifier")
    assert "Typing :: Typed" in classifiers
    # one classifier for each Python version CI tests (.github/workflows/ci.yml)
    ci = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    tested = ci["jobs"]["test"]["strategy"]["matrix"]["python"]
    assert [c.rsplit(" ", 1)[1] for c in classifiers if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)] \
        == tested
    assert meta.get_content_type() == "text/plain" and meta["Description-Content-Type"] == "text/markdown"


def test_the_version_is_written_once():
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert re.search(r'^dynamic = \["version"\]$', pyproject, re.M)
    assert not re.search(r"^version\s*=\s*\"", pyproject, re.M)
    assert 'version = { attr = "lazysweep.__version__" }' in pyproject
    result = subprocess.run([sys.executable, "-m", "lazysweep", "--version"], capture_output=True, text=True,
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert (result.returncode, result.stdout) == (0, f"lazysweep {VERSION}\n")
    # the changelog has this version's section, which the release notes are made of
    assert f"\n## [{VERSION}]\n" in (ROOT / "CHANGELOG.md").read_text()


@pytest.mark.parametrize("argv", [["--version"], ["count", "examples/sweep.yaml"], ["lint", "tests/workflow_example.yml"]])
def test_start_up_does_not_read_installed_metadata(argv):
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "lazysweep", *argv], capture_output=True,
                            text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    imported = {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "lazysweep._cli" in imported
    assert "importlib.metadata" not in imported


def test_a_clean_venv_runs_the_installed_wheel(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python, program = venv / "bin" / "python", venv / "bin" / "lazysweep"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                    "--disable-pip-version-check", str(wheel)], check=True, capture_output=True)
    elsewhere = {"cwd": tmp_path, "capture_output": True, "text": True, "check": True,
                 "env": {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}}
    assert subprocess.run([str(program), "--version"], **elsewhere).stdout == f"lazysweep {VERSION}\n"
    assert subprocess.run([str(program), "count", str(ROOT / "examples" / "sweep.yaml")], **elsewhere).stdout \
        == "30000\n"
    located = subprocess.run([str(python), "-c", "import lazysweep; print(lazysweep.__file__)"], **elsewhere).stdout
    assert Path(located.strip()).is_relative_to(venv)


def release_step(job: str, name: str) -> dict:
    return next(step for step in RELEASE["jobs"][job]["steps"] if step.get("name") == name)


def test_release_runs_by_hand_and_publishes_nothing_from_pull_requests():
    """A release is a manual run on main (tests/test_release.py runs its tag logic)."""
    on = RELEASE[True] if True in RELEASE else RELEASE["on"]  # PyYAML reads the key `on` as True
    assert set(on) == {"workflow_dispatch", "pull_request"}
    assert RELEASE["permissions"] == {"contents": "read"}
    jobs = RELEASE["jobs"]
    assert "permissions" not in jobs["build"]  # the build, which pull requests run, cannot write
    assert jobs["release"]["if"] == "github.event_name == 'workflow_dispatch' && github.ref == 'refs/heads/main'"
    assert jobs["release"]["permissions"] == {"contents": "write"}
    assert all("secrets." not in str(step) for step in jobs["build"]["steps"])


def test_release_notes_are_the_versions_changelog_section(tmp_path):
    script = release_step("build", "Release notes from CHANGELOG.md")["run"]
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / f"lazysweep-{VERSION}-py3-none-any.whl").write_text("")
    (tmp_path / "CHANGELOG.md").write_text((ROOT / "CHANGELOG.md").read_text())
    run = lambda version: subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=tmp_path,  # noqa: E731
                                         capture_output=True, text=True, env={**os.environ, "VERSION": version})
    assert run(VERSION).returncode == 0
    notes = (tmp_path / "notes.md").read_text()
    changelog = (ROOT / "CHANGELOG.md").read_text()
    section = changelog.split(f"\n## [{VERSION}]\n", 1)[1].split("\n## ", 1)[0]
    assert notes.strip() == section.strip() and "### Added" in notes
    # a version without a section fails the build, on pull requests too
    result = run("99.0.0")
    assert result.returncode == 1
    assert "::error file=CHANGELOG.md,title=release::CHANGELOG.md has no '## [99.0.0]' section" in result.stdout


# The installation and GitHub Action section of the GitHub Actions guide.
SECTION = "## Use it from any repository\n" + (ROOT / "docs" / "ci.md").read_text().split("## Use it from any repository\n", 1)[1]
SECTION = SECTION.split("\n## ", 1)[0]


def section_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", SECTION, flags=re.S)


@pytest.mark.parametrize("command, expected", [
    (chunk.partition("\n")[0], chunk.partition("\n")[2])
    for block in section_blocks("console") for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]
])
def test_documented_commands_print_what_is_shown(command, expected):
    check_console_example(command, expected)


def test_documented_install_from_git_works(tmp_path):
    """The pip line, with the repository at a local path tagged v1 instead of GitHub."""
    (line,) = [text.strip() for text in section_blocks("sh") if "pip install" in text]
    repo = copy_checkout(tmp_path / "lazysweep")
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid"]
    for argv in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "release"], ["tag", "v1"]):
        subprocess.run([*git, *argv], cwd=repo, check=True)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    env.pop("PYTHONPATH", None)
    assert "https://github.com/lazysweep/lazysweep@v1" in line
    subprocess.run(["bash", "-c", line.replace("https://github.com/lazysweep/lazysweep", f"file://{repo}")],
                   cwd=tmp_path, env=env, check=True, capture_output=True)
    version = subprocess.run([str(venv / "bin" / "lazysweep"), "--version"], capture_output=True, text=True, env=env)
    assert version.stdout == f"lazysweep {VERSION}\n"


def test_documented_workflow_passes_actionlint_against_the_action(tmp_path):
    """The example workflow, with `uses: ./` so actionlint checks its inputs and outputs against action.yml."""
    (example,) = [text for text in section_blocks("yaml") if "uses: lazysweep/lazysweep@v1" in text]
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    used = [step for job in yaml.safe_load(example)["jobs"].values() for step in job["steps"]
            if step.get("uses") == "lazysweep/lazysweep@v1"]
    assert len(used) == 2 and all(set(step["with"]) <= set(action["inputs"]) for step in used)
    ids = {step["id"] for step in used}
    for step_id, output in re.findall(r"steps\.([\w-]+)\.outputs\.([\w-]+)", example):
        assert step_id in ids and output in action["outputs"], f"{step_id}.{output}"
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "action.yml").write_text((ROOT / "action.yml").read_text())
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "example.yml").write_text(example.replace("lazysweep/lazysweep@v1", "./"))
    result = subprocess.run([actionlint(), str(workflows / "example.yml")], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_documented_pre_commit_configuration_names_this_release_and_hook():
    (config,) = [yaml.safe_load(text) for text in section_blocks("yaml") if "repos:" in text]
    (repo,) = config["repos"]
    assert repo["repo"] == metadata_urls()["Homepage"]
    assert repo["rev"] == f"v{VERSION}"
    hooks = {hook["id"] for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert [hook["id"] for hook in repo["hooks"]] == ["lazysweep-lint"] and "lazysweep-lint" in hooks
    assert f"uses: {FANOUT_WORKFLOW}" in SECTION


def metadata_urls() -> dict[str, str]:
    text = (ROOT / "pyproject.toml").read_text().split("[project.urls]\n", 1)[1].split("\n\n", 1)[0]
    return dict(re.findall(r'^(\w+) = "([^"]+)"$', text, re.M))
