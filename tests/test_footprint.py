"""What a command costs as a whole process: the modules it loads and its peak memory.

No timings here (they live in benchmarks/): these are facts about the process that hold on any
machine. The peak is the child's own VmHWM (Linux): ru_maxrss would also count the memory of this
test process, which the child starts as a copy of (fork) or inside of (vfork) before exec.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HUGE = str(Path(__file__).resolve().parent.parent / "examples" / "huge.yaml")
LAST_BATCH = ["batch", HUGE, "--index", str(10**18 // 256 - 1)]
MiB = 1024  # VmHWM is in KiB


def run_command(arguments: list[str]) -> tuple[int, set[str]]:
    """Run the command line ARGUMENTS in a fresh interpreter, output discarded:
    (peak resident memory in KiB, the modules it loaded)."""
    script = (
        "import sys\n"
        "from lazysweep._cli import main\n"
        f"status = main({arguments!r})\n"
        "with open('/proc/self/status') as status_file:\n"
        "    peak = next(line.split()[1] for line in status_file if line.startswith('VmHWM:'))\n"
        "sys.stderr.write(peak + ' ' + ' '.join(sorted(sys.modules)))\n"
        "sys.exit(status)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, check=True)
    peak, *modules = done.stderr.split()
    return int(peak), set(modules)


needs_proc = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="VmHWM is Linux's")


@needs_proc
def test_the_last_batch_of_10_18_points_stays_under_20_mib():
    assert run_command(LAST_BATCH)[0] <= 20 * MiB


@needs_proc
def test_streaming_a_million_points_stays_under_25_mib(tmp_path):
    path = tmp_path / "million.yaml"
    path.write_text(json.dumps({"matrix": {f"a{k}": {"start": 0, "stop": 9} for k in range(6)}}))
    assert run_command(["stream", str(path)])[0] <= 25 * MiB


@needs_proc
def test_a_batch_loads_no_module_it_does_not_use():
    """json's decoder, locale (through argparse's gettext look-ups), typing and dataclasses cost
    start-up time and serve no command: the writer needs only the C encoder (_json)."""
    loaded = run_command(LAST_BATCH)[1]
    assert "_json" in loaded and "lazysweep._writer" in loaded
    assert loaded.isdisjoint({"json", "json.decoder", "locale", "typing", "dataclasses", "shutil"})


@needs_proc
def test_streaming_a_million_shuffled_points_of_10_18_stays_under_25_mib():
    """A random order is made a chunk of lanes at a time: memory O(chunk), not O(points written)."""
    peak, loaded = run_command(["stream", HUGE, "--shuffle", "7", "--stop", str(10**6)])
    assert peak <= 25 * MiB
    assert "lazysweep._lanes" in loaded and "lazysweep._permutation" in loaded


@needs_proc
def test_only_a_random_order_loads_the_lanes():
    loaded = run_command(LAST_BATCH)[1]
    assert loaded.isdisjoint({"lazysweep._lanes", "lazysweep._permutation", "array", "hashlib"})
