"""The documented Slurm recipe on a real single-node Slurm cluster: every point runs exactly once.

The fixture starts slurmctld and slurmd (Debian's slurm-wlm packages, see .ci/run) in the foreground
as background processes, each with its own state, spool and log folders under a temporary folder and
ports no other process holds, and stops them by PID. ``MaxArraySize=11`` makes the recipe's loop
submit several arrays for a 30-point sweep.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import documented_block, require_engine_host

pytestmark = pytest.mark.slurm

ROOT = Path(__file__).resolve().parent.parent
DAEMONS = ("slurmctld", "slurmd")
MAX_ARRAY_SIZE = 11
SWEEP = "matrix:\n  model: [llama-3-8b, mistral-7b, qwen-2-7b]\n  conc: [4, 16]\n  seed: {start: 0, stop: 4}\n"
POINTS = 30
BENCH = """\
import argparse, json
parser = argparse.ArgumentParser()
parser.add_argument("--model")
parser.add_argument("--conc", type=int)
parser.add_argument("--seed", type=int)
parser.add_argument("--index", type=int)
args = parser.parse_args()
print(json.dumps({"model": args.model, "conc": args.conc, "seed": args.seed, "_index": args.index,
                  "score": args.conc * 100 + args.seed}))
"""

def documented_recipe() -> tuple[str, str, str, str]:
    """(run-point.sh, the submission loop, the collect line, the re-run's setting), as documented."""
    return (documented_block("sh", "#SBATCH --output=logs/%A_%a.out"),
            documented_block("sh", "scontrol show config"),
            documented_block("sh", "lazysweep collect sweep.yaml --results results --output"),
            documented_block("sh", "export ONLY=@rerun-1.txt"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Cluster:
    conf: Path
    logs: Path

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "SLURM_CONF": str(self.conf)}

    def run(self, *argv: str) -> str:
        return subprocess.run(argv, env=self.env, capture_output=True, text=True, check=True).stdout

    def wait_idle(self, deadline: float = 120) -> None:
        """Return when no job is pending or running."""
        stop = time.monotonic() + deadline
        while self.run("squeue", "--noheader", "--format=%i").strip():
            if time.monotonic() > stop:
                pytest.fail(f"jobs still queued after {deadline} s:\n{self.run('squeue')}\n{self.log()}")
            time.sleep(0.25)

    def log(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in sorted(self.logs.iterdir()))


def configuration(folder: Path) -> str:
    node = subprocess.run(["slurmd", "-C"], capture_output=True, text=True, check=True).stdout.splitlines()[0]
    assert node.startswith("NodeName="), node
    settings = {
        "ClusterName": "lazysweep",
        "SlurmctldHost": socket.gethostname().split(".")[0],
        "SlurmctldPort": free_port(),
        "SlurmdPort": free_port(),
        "SlurmUser": "root",
        "SlurmdUser": "root",
        "AuthType": "auth/none",
        "CredType": "cred/none",
        "StateSaveLocation": folder / "state",
        "SlurmdSpoolDir": folder / "spool",
        "SlurmctldPidFile": folder / "slurmctld.pid",
        "SlurmdPidFile": folder / "slurmd.pid",
        "SlurmctldLogFile": folder / "log" / "slurmctld.log",
        "SlurmdLogFile": folder / "log" / "slurmd.log",
        "PlugStackConfig": folder / "plugstack.conf",
        "MailProg": shutil.which("true"),
        "ProctrackType": "proctrack/linuxproc",
        "TaskPlugin": "task/none",
        "SelectType": "select/cons_tres",
        "SelectTypeParameters": "CR_Core",
        "SchedulerType": "sched/backfill",
        "SchedulerParameters": "batch_sched_delay=0,sched_min_interval=0,bf_interval=1",
        "MpiDefault": "none",
        "JobAcctGatherType": "jobacct_gather/none",
        "AccountingStorageType": "accounting_storage/none",
        "ReturnToService": 2,
        "MaxArraySize": MAX_ARRAY_SIZE,
    }
    lines = [f"{key}={value}" for key, value in settings.items()]
    lines += [f"{node} State=UNKNOWN",
              "PartitionName=main Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:8"]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def slurm(tmp_path_factory) -> Iterator[Cluster]:
    require_engine_host("Slurm", root=True)
    missing = [tool for tool in (*DAEMONS, "sbatch", "squeue", "scontrol") if not shutil.which(tool)]
    if missing:
        pytest.fail(f"Slurm is not installed ({', '.join(missing)} missing): "
                    "apt-get install slurmctld slurmd slurm-client munge (as .ci/run does)")
    folder = tmp_path_factory.mktemp("slurm")
    for sub in ("state", "spool", "log"):
        (folder / sub).mkdir()
    (folder / "plugstack.conf").write_text("")
    conf = folder / "slurm.conf"
    conf.write_text(configuration(folder))
    cluster = Cluster(conf, folder / "log")
    daemons = [subprocess.Popen([daemon, "-D", "-f", str(conf)], env=cluster.env,
                                stdout=(folder / "log" / f"{daemon}.out").open("w"), stderr=subprocess.STDOUT)
               for daemon in DAEMONS]
    try:
        stop = time.monotonic() + 30
        while "idle" not in subprocess.run(["sinfo", "--noheader", "--format=%t"], env=cluster.env,
                                           capture_output=True, text=True).stdout:
            if time.monotonic() > stop or any(d.poll() is not None for d in daemons):
                pytest.fail(f"the Slurm node did not come up:\n{cluster.log()}")
            time.sleep(0.1)
        yield cluster
    finally:
        for daemon in daemons:
            daemon.terminate()
        for daemon in daemons:
            try:
                daemon.wait(timeout=10)
            except subprocess.TimeoutExpired:
                daemon.kill()
                daemon.wait()


@pytest.fixture
def submit_dir(tmp_path, slurm) -> Path:
    """A folder holding the recipe's files, as a user's sweep folder on the cluster would."""
    script = documented_recipe()[0]
    (tmp_path / "run-point.sh").write_text(script)
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    (tmp_path / "bench.py").write_text(BENCH)
    return tmp_path


def shell(command: str, cwd: Path, slurm: Cluster, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a documented shell block with this environment's lazysweep and python3 first on PATH."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(["bash", "-c", command], cwd=cwd, capture_output=True, text=True,
                          env={**slurm.env, "PATH": path, **env})


def job_ids(submitted: str) -> list[str]:
    return re.findall(r"^Submitted batch job (\d+)$", submitted, flags=re.M)


def test_recipe_runs_every_point_exactly_once_and_reruns_the_missing(slurm, submit_dir):
    _, loop, collect, rerun = documented_recipe()
    submitted = shell(loop, submit_dir, slurm)
    assert submitted.returncode == 0, submitted.stderr
    assert len(job_ids(submitted.stdout)) == -(-POINTS // MAX_ARRAY_SIZE)  # several arrays
    slurm.wait_idle()
    results = sorted((submit_dir / "results").iterdir())
    assert len(results) == POINTS and all(p.suffix == ".json" for p in results), slurm.log()
    collected = shell(collect, submit_dir, slurm)
    assert collected.returncode == 0, collected.stdout + collected.stderr
    assert collected.stdout.startswith(f"{POINTS} points, {POINTS} done, 0 missing, 0 duplicated, 0 unknown")
    merged = [json.loads(line) for line in (submit_dir / "merged.jsonl").read_text().splitlines()]
    assert len(merged) == POINTS

    # Lose three results: collect names their points, and the documented re-run runs just those.
    lost = sorted(merged.index(json.loads(path.read_text())) for path in results[4:7])
    for path in results[4:7]:
        path.unlink()
    collected = shell(collect, submit_dir, slurm)
    assert collected.returncode == 1 and collected.stdout.startswith(f"{POINTS} points, {POINTS - 3} done, 3 missing")
    assert sorted(int(i) for part in (submit_dir / "missing.txt").read_text().strip().split(",")
                  for i in _expand(part)) == lost
    submitted = shell(f"{rerun}\n{loop}", submit_dir, slurm)
    assert submitted.returncode == 0 and len(job_ids(submitted.stdout)) == 1, submitted.stderr
    slurm.wait_idle()
    collected = shell(collect, submit_dir, slurm)
    assert collected.returncode == 0, collected.stdout + collected.stderr
    assert collected.stdout.startswith(f"{POINTS} points, {POINTS} done, 0 missing, 0 duplicated, 0 unknown")
    assert [json.loads(line) for line in (submit_dir / "merged.jsonl").read_text().splitlines()] == merged


def _expand(part: str) -> range:
    first, _, last = part.partition("-")
    return range(int(first), int(last or first) + 1)


def test_stray_index_variable_fails_the_tasks_instead_of_repeating_a_point(slurm, submit_dir):
    """LAZYSWEEP_INDEX exported when submitting with --export=ALL: tasks whose own index disagrees fail."""
    loop = documented_recipe()[1]
    submitted = shell(loop, submit_dir, slurm, LAZYSWEEP_INDEX="7")
    assert submitted.returncode == 0, submitted.stderr
    slurm.wait_idle()
    refused = [p for p in (submit_dir / "logs").glob("*.err")
               if "$LAZYSWEEP_INDEX=7, $SLURM_ARRAY_TASK_ID=" in p.read_text()]
    assert len(refused) == POINTS - 3, slurm.log()
    # Task 7 of each array agrees with the stray value, so it runs its own point, once.
    import lazysweep

    points = lazysweep.load(submit_dir / "sweep.yaml")
    results = [json.loads(p.read_text()) for p in sorted((submit_dir / "results").glob("*.json"))]
    expected = [points[offset + 7] for offset in range(0, POINTS, MAX_ARRAY_SIZE) if offset + 7 < POINTS]
    assert sorted((r["model"], r["conc"], r["seed"]) for r in results) == sorted(
        (p["model"], p["conc"], p["seed"]) for p in expected)
