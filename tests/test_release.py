"""release.yml's tag logic, run as the runner would: which tags a release creates, and that the
release tag is created once and never moved while the major version's tag follows the latest.

The `tags` step runs on a dist/ folder and a fanout.yml of the test's making; the `tag` step runs
against a stand-in `gh` that keeps refs as files, as GitHub's git refs API would (creating an
existing ref fails; PATCH with force moves it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import lazysweep
from lazysweep._home import REPOSITORY, release_tags
from lazysweep._loader import load_document

ROOT = Path(__file__).resolve().parent.parent
RELEASE = load_document(ROOT / ".github" / "workflows" / "release.yml").value


def step_script(job: str, step_id: str) -> str:
    return next(s for s in RELEASE["jobs"][job]["steps"] if s.get("id") == step_id)["run"]


def run(script: str, cwd: Path, env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    output = cwd / "github-output"
    output.write_text("")
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd,
                          capture_output=True, text=True, env={**os.environ, **env, "GITHUB_OUTPUT": str(output)})
    return done, dict(line.split("=", 1) for line in output.read_text().splitlines())


def tags_for(tmp_path: Path, version: str, batch_ref: str | None = None) -> tuple[int, dict[str, str], str]:
    shutil.rmtree(tmp_path / "dist", ignore_errors=True)
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / f"lazysweep-{version}-py3-none-any.whl").write_text("")
    (tmp_path / "dist" / f"lazysweep-{version}.tar.gz").write_text("")
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True, exist_ok=True)
    ref = batch_ref or f"v{version}"
    (workflows / "fanout.yml").write_text(f"    uses: {REPOSITORY}/.github/workflows/fanout-batch.yml@{ref}\n")
    done, outputs = run(step_script("build", "tags"), tmp_path, {})
    return done.returncode, outputs, done.stdout


@pytest.mark.parametrize("version", ["1.0.0", "1.2.3", "2.13.40", "0.1.0", "10.0.0"])
def test_a_release_creates_its_own_tag_and_the_moving_major_tag(tmp_path, version):
    status, outputs, _ = tags_for(tmp_path, version)
    assert status == 0
    assert (outputs["release"], outputs["major"]) == release_tags(version)


@pytest.mark.parametrize("version", ["1.0", "1.0.0rc1", "01.0.0", "1.0.0.post1", "1.0.0+local"])
def test_a_version_that_is_not_x_y_z_is_refused(tmp_path, version):
    status, outputs, stdout = tags_for(tmp_path, version)
    assert status == 1 and outputs == {}
    assert stdout == f"::error title=release::version {version} is not X.Y.Z, which a release tag needs\n"


def test_fanout_must_call_its_batch_workflow_at_the_release_tag(tmp_path):
    status, outputs, stdout = tags_for(tmp_path, "1.1.0", batch_ref="v1.0.0")
    assert status == 1 and "fanout.yml must call fanout-batch.yml@v1.1.0" in stdout


def test_this_checkout_is_releasable_as_its_version(tmp_path):
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / f"lazysweep-{lazysweep.__version__}-py3-none-any.whl").write_text("")
    shutil.copytree(ROOT / ".github", tmp_path / ".github")
    done, outputs = run(step_script("build", "tags"), tmp_path, {})
    assert done.returncode == 0, done.stdout
    assert (outputs["release"], outputs["major"]) == release_tags(lazysweep.__version__)


# A stand-in for `gh`: refs are files under STORE/refs, releases are lines in STORE/releases.
GH = r'''
import sys
from pathlib import Path

store = Path(sys.argv[1])
args = sys.argv[2:]
with open(store / "calls", "a") as calls:
    calls.write(" ".join(args) + "\n")
if args[:2] == ["release", "create"]:
    tag = args[2]
    if not (store / "refs" / "tags" / tag).exists():  # --verify-tag
        sys.exit("tag does not exist")
    with open(store / "releases", "a") as releases:
        releases.write(tag + "\n")
    sys.exit(0)
assert args[0] == "api", args
args = args[1:]
method = "GET"
if args[0] == "-X":
    method, args = args[1], args[2:]
path, fields = args[0], dict(a.split("=", 1) for a in args[2::2])
if fields and method == "GET":
    method = "POST"
route = path.split("/git/", 1)[1]
if method == "POST" and route == "refs":
    ref = store / fields["ref"]
    if ref.exists():
        sys.exit("Reference already exists")
    ref.parent.mkdir(parents=True, exist_ok=True)
    ref.write_text(fields["sha"])
elif method == "GET" and route.startswith("ref/"):
    if not (store / "refs" / route[4:]).exists():
        sys.exit("Not Found")
elif method == "PATCH" and route.startswith("refs/"):
    ref = store / route
    assert fields.get("force") == "true" and ref.exists()
    ref.write_text(fields["sha"])
else:
    sys.exit(f"unexpected: {method} {path}")
'''


def tag(tmp_path: Path, release: str, major: str, sha: str) -> subprocess.CompletedProcess[str]:
    store, bin_dir = tmp_path / "github", tmp_path / "bin"
    (store / "refs" / "tags").mkdir(parents=True, exist_ok=True)
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "gh").write_text(f'#!/bin/sh\nexec "{sys.executable}" "{bin_dir / "gh.py"}" "{store}" "$@"\n')
    (bin_dir / "gh").chmod(0o755)
    (bin_dir / "gh.py").write_text(GH)
    (tmp_path / "release" / "dist").mkdir(parents=True, exist_ok=True)
    (tmp_path / "release" / "notes.md").write_text("notes\n")
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "RELEASE": release, "MAJOR": major,
           "GITHUB_SHA": sha, "GITHUB_REPOSITORY": REPOSITORY, "GH_TOKEN": "token"}
    done, _ = run(step_script("release", "tag"), tmp_path, env)
    return done


def refs(tmp_path: Path) -> dict[str, str]:
    tags = tmp_path / "github" / "refs" / "tags"
    return {p.name: p.read_text() for p in sorted(tags.iterdir())}


def test_the_release_tag_is_created_once_and_the_major_tag_follows(tmp_path):
    first = tag(tmp_path, "v1.0.0", "v1", "a" * 40)
    assert first.returncode == 0, first.stdout + first.stderr
    assert refs(tmp_path) == {"v1": "a" * 40, "v1.0.0": "a" * 40}
    assert (tmp_path / "github" / "releases").read_text() == "v1.0.0\n"
    # The same version again, at another commit: refused, and nothing moves.
    again = tag(tmp_path, "v1.0.0", "v1", "b" * 40)
    assert again.returncode == 1
    assert again.stdout == "::error title=release::could not create tag v1.0.0 (does it exist already?)\n"
    assert refs(tmp_path) == {"v1": "a" * 40, "v1.0.0": "a" * 40}
    # The next release moves v1 and keeps v1.0.0.
    assert tag(tmp_path, "v1.0.1", "v1", "c" * 40).returncode == 0
    assert refs(tmp_path) == {"v1": "c" * 40, "v1.0.0": "a" * 40, "v1.0.1": "c" * 40}
    # A new major version starts its own moving tag.
    assert tag(tmp_path, "v2.0.0", "v2", "d" * 40).returncode == 0
    assert refs(tmp_path) == {"v1": "c" * 40, "v1.0.0": "a" * 40, "v1.0.1": "c" * 40, "v2": "d" * 40,
                              "v2.0.0": "d" * 40}
    assert (tmp_path / "github" / "releases").read_text() == "v1.0.0\nv1.0.1\nv2.0.0\n"


def test_only_a_run_by_hand_on_main_releases():
    assert set(RELEASE["on"]) == {"workflow_dispatch", "pull_request"}
    job = RELEASE["jobs"]["release"]
    assert job["if"] == "github.event_name == 'workflow_dispatch' && github.ref == 'refs/heads/main'"
    assert job["permissions"] == {"contents": "write"} and RELEASE["permissions"] == {"contents": "read"}
