"""Where lazysweep lives: the one place that names its repository and its release tags.

Everything that points users at the project (lint's advice, the workflows, the action, the
package's URLs) spells the repository as :data:`REPOSITORY`; tests/test_workflows.py checks
the files that cannot import this module against it.

>>> REPOSITORY
'lazysweep/lazysweep'
>>> release_tags("1.4.2")
('v1.4.2', 'v1')
"""

from __future__ import annotations

from . import __version__

__all__ = ["REPOSITORY", "URL", "RELEASE", "MAJOR", "FANOUT_WORKFLOW", "ACTION", "release_tags"]

#: The canonical repository on GitHub, as ``owner/name``.
REPOSITORY = "lazysweep/lazysweep"
#: Its web address.
URL = f"https://github.com/{REPOSITORY}"


def release_tags(version: str) -> tuple[str, str]:
    """The tags a release of ``version`` (``X.Y.Z``) creates: its own immutable ``vX.Y.Z`` and the
    moving ``vX`` that follows the latest ``X.*`` release. Cost: O(len(version))."""
    parts = version.split(".")
    if len(parts) != 3 or not all(part.isdigit() and part.isascii() for part in parts):
        raise ValueError(f"not a release version X.Y.Z: {version!r}")
    return f"v{version}", f"v{parts[0]}"


#: This release's own tag and its major version's moving tag.
RELEASE, MAJOR = release_tags(__version__)
#: The reusable fan-out workflow, pinned to this release.
FANOUT_WORKFLOW = f"{REPOSITORY}/.github/workflows/fanout.yml@{RELEASE}"
#: The composite action, pinned to this release.
ACTION = f"{REPOSITORY}@{RELEASE}"
