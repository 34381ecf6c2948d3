"""Run upstream's own test files against the drop-ins, upstream's module names aliased to ours.

Upstream's generator tests import ``generate_sweep_configs`` (and, for
InferenceX, ``validation``) from their own folder. This runner puts
:mod:`lazysweep.inferencex` and :mod:`lazysweep.inferencex.validation` (or,
for the 2025 generator, :mod:`lazysweep.inferencemax`) into ``sys.modules``
under those names, then runs pytest on upstream's test files: every test
exercises our code, never upstream's, which is not even imported. Nothing of
upstream is part of this repository; bring a checkout::

    LAZYSWEEP_UPSTREAM=/path/to/InferenceX python tests/upstream_alias.py
    python tests/upstream_alias.py /path/to/InferenceMAX --dropin inferencemax -k eval

The checkout may be the repository, its generator folder or one test file;
arguments the runner does not know go to pytest. The exit status is pytest's.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

ALIASES = {
    "inferencex": {"generate_sweep_configs": "lazysweep.inferencex",
                   "validation": "lazysweep.inferencex.validation"},
    "inferencemax": {"generate_sweep_configs": "lazysweep.inferencemax"},
}
GENERATOR_FOLDERS = ("utils/matrix_logic", "utils/matrix-logic", "utils", ".")
TEST_FILES = ("test_generate_sweep_configs.py", "test_validation.py")


def upstream_test_files(checkout: str) -> list[Path]:
    """Upstream's generator and validation test files in ``checkout`` (a file is taken as it is)."""
    root = Path(checkout)
    if root.is_file():
        return [root]
    for folder in GENERATOR_FOLDERS:
        files = [root / folder / name for name in TEST_FILES if (root / folder / name).is_file()]
        if files:
            return files
    raise SystemExit(f"{checkout}: none of {', '.join(TEST_FILES)} in {', '.join(GENERATOR_FOLDERS)}")


def alias(dropin: str) -> None:
    """Make upstream's module names import our drop-in's modules."""
    for name, target in ALIASES[dropin].items():
        sys.modules[name] = importlib.import_module(target)


def main(argv: list[str] | None = None) -> int:
    """Alias the modules, then run pytest on upstream's test files; pytest's exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkout", nargs="?", default=os.environ.get("LAZYSWEEP_UPSTREAM"),
                        help="upstream checkout, generator folder or test file (default: $LAZYSWEEP_UPSTREAM)")
    parser.add_argument("--dropin", choices=sorted(ALIASES), default="inferencex")
    options, pytest_args = parser.parse_known_args(argv)
    if not options.checkout:
        parser.error("give the upstream checkout, or set LAZYSWEEP_UPSTREAM")
    import pytest

    files = upstream_test_files(options.checkout)
    alias(options.dropin)
    # Upstream's own settings and ours (doctests of lazysweep) stay out of the run.
    return int(pytest.main([*map(str, files), "-p", "no:cacheprovider", "-o", "addopts=",
                            "--rootdir", str(files[0].parent), *pytest_args]))


if __name__ == "__main__":
    sys.exit(main())
