"""One collect run as its own process, for the benchmarks: ``python collect_run.py MODE RESULTS``.

MODE ``lazysweep`` runs :func:`lazysweep._collect.collect` with ``keep`` and writes the results in
index order, as ``collect --output`` does; MODE ``naive`` is the loop people write: ``json.loads``
each line, look the point up by ``_index``, check the fields it has, keep the first result per
point in a dict, write them sorted. Prints ``{"cpu": seconds, "peak_mb": VmHWM}`` as JSON.
"""

from __future__ import annotations

import json
import resource
import sys
import time

from lazysweep import Sweep, from_matrix
from lazysweep._axes import value_key
from lazysweep._collect import collect, output_lines, read_results


def sweep_for(results: int) -> Sweep:
    """100 models x 100 concurrencies x results/10^4 seeds: one point per result."""
    return from_matrix({"model": [f"m{i}" for i in range(100)], "conc": {"start": 0, "stop": 99},
                              "seed": {"start": 0, "stop": results // 10_000 - 1}})


def write_results(path: str, results: int) -> None:
    """``results`` results, one per point, in a scattered order, each with its point's fields."""
    step = 999_983  # coprime with 10^k: every index once
    per_model = results // 100
    with open(path, "w") as handle:
        for k in range(results):
            index = (k * step) % results
            model, rest = divmod(index, per_model)
            conc, seed = divmod(rest, results // 10_000)
            handle.write(json.dumps({"_index": index, "model": f"m{model}", "conc": conc, "seed": seed,
                                     "ms": 1.5}) + "\n")


def naive(sweep: Sweep, path: str, output: str) -> None:
    done: dict[int, str] = {}
    with open(path) as handle:
        for line in handle:
            result = json.loads(line)
            index = result["_index"]
            point = sweep[index]
            if all(value_key(point[key]) == value_key(result[key]) for key in point if key in result):
                done.setdefault(index, json.dumps(result, separators=(",", ":"), ensure_ascii=False))
    with open(output, "w") as handle:
        handle.writelines(done[index] + "\n" for index in sorted(done))


def ours(sweep: Sweep, path: str, output: str) -> None:
    found = collect(sweep, read_results([path]), keep=True)
    with open(output, "w") as handle:
        handle.writelines(output_lines(found))
    found.close()


def main() -> None:
    mode, path, results = sys.argv[1], sys.argv[2], int(sys.argv[3])
    sweep = sweep_for(results)
    started = time.process_time()
    (ours if mode == "lazysweep" else naive)(sweep, path, f"{path}.{mode}.out")
    cpu = time.process_time() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"cpu": round(cpu, 3), "peak_mb": round(peak, 1)}))


if __name__ == "__main__":
    main()
