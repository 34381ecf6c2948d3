"""zizmor's security audit of every workflow and of action.yml: no finding above "low".

zizmor (from the test extra) looks for template injection, credentials persisted into artifacts,
over-broad permissions, unpinned actions, cache poisoning and the like. It runs offline (its online
audits ask GitHub's API, out of reach in tests). Findings are allowed only where justified where they
are: .github/zizmor.yml (GitHub's own actions pinned by major tag) and inline
``# zizmor: ignore[...]`` comments that say why.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEVERITIES = ["Unknown", "Informational", "Low", "Medium", "High"]


def zizmor() -> str:
    found = shutil.which("zizmor", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    if found:
        return found
    if sys.platform == "linux" and platform.machine() in ("x86_64", "aarch64"):
        pytest.fail("zizmor is not installed: install the test extra, pip install '.[test]'")
    pytest.skip("zizmor's wheels cover this platform only through a Rust build")


def audit(*paths: str | Path) -> list[dict]:
    result = subprocess.run([zizmor(), "--offline", "--no-progress", "--config", str(ROOT / ".github" / "zizmor.yml"),
                             "--format", "json", *map(str, paths)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode in (0, 10, 11, 12, 13, 14), result.stderr  # 1x: findings of some severity
    return json.loads(result.stdout)


def where(finding: dict) -> str:
    location = finding["locations"][0]
    path = location["symbolic"]["key"]["Local"]["verbatim_path"]
    return f"{path}:{location['concrete']['location']['start_point']['row'] + 1}: {finding['ident']}"


def test_no_finding_above_low_in_any_workflow_or_the_action():
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert len(workflows) >= 6
    findings = audit(*workflows, ROOT / "action.yml")
    above = [where(f) for f in findings if SEVERITIES.index(f["determinations"]["severity"]) > SEVERITIES.index("Low")]
    assert above == []


def test_the_audit_finds_what_it_should(tmp_path):
    """The same audit on a workflow with an injection and an unpinned third-party action fails,
    so the test above cannot pass by auditing nothing."""
    bad = tmp_path / "bad.yml"
    bad.write_text("on: pull_request_target\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - uses: someone/action@main\n      - run: echo ${{ github.event.pull_request.title }}\n")
    idents = {f["ident"] for f in audit(bad) if SEVERITIES.index(f["determinations"]["severity"]) > 2}
    assert {"template-injection", "unpinned-uses"} <= idents
