"""Turn a pytest-benchmark JSON file into the figures of benchmarks/README.md, and the plot.

    python benchmarks/report.py results.json [--plot benchmarks/scaling.png]

Prints the target ratios (each measured side by side in the same run) and a table of medians,
as Markdown, and exits 1 when a target is missed. Whole-process timings compare minimums: a
process's start-up only ever gets slower from noise, so the fastest run is the true cost. The plot needs matplotlib (pip install
'.[bench]'), a dependency of the benchmarks only.
"""

from __future__ import annotations

import argparse
import json
import sys

SIZES = ["1e3", "1e6", "1e9", "1e12", "1e18"]


def medians(path: str) -> dict[tuple[str, str, str], float]:
    """(test function, size, variant) -> median seconds (minimum for whole processes)."""
    with open(path) as handle:
        data = json.load(handle)
    found = {}
    for bench in data["benchmarks"]:
        params = bench.get("params") or {}
        key = (bench["name"].split("[")[0], params.get("size", ""), params.get("which", ""))
        found[key] = bench["stats"]["min" if key[0].endswith("_process") else "median"]
    return found


def targets(m: dict) -> list[tuple[str, float, str, bool]]:
    """(what, ratio, goal, met) for each target that the run measured."""
    rows = []

    def add(what, numerator, denominator, goal, at_most):
        if numerator in m and denominator in m:
            ratio = m[numerator] / m[denominator]
            rows.append((what, ratio, f"{'<=' if at_most else '>='} {goal}", ratio <= goal if at_most else ratio >= goal))

    add("last batch / first batch at 10^18", ("test_batch", "1e18", "last"), ("test_batch", "1e18", "first"), 1.2, True)
    add("last batch at 10^18 / first batch at 10^3 (both 256 points)",
        ("test_batch", "1e18", "last"), ("test_batch", "1e3", "first"), 1.2, True)
    add("streaming throughput vs eager itertools.product + dict (10^6)",
        ("test_eager_stream_baseline", "1e6", ""), ("test_stream", "1e6", ""), 0.9, False)
    add("stream JSONL of 10^6 points / eager product + dict + json.dumps per line (CPU time)",
        ("test_stream_jsonl", "1e6", ""), ("test_eager_stream_jsonl_baseline", "1e6", ""), 0.2, True)
    add("random sweep[i] speed-up vs ParameterGrid-style decode (10^6)",
        ("test_baseline_parametergrid_getitem", "1e6", ""), ("test_getitem_random", "1e6", ""), 2.0, False)
    add("random sweep[i] speed-up vs scikit-learn ParameterGrid.__getitem__ (10^6)",
        ("test_baseline_sklearn_parametergrid_getitem", "1e6", ""), ("test_getitem_random", "1e6", ""), 5.0, False)
    add("random sweep[i] speed-up vs more_itertools.nth_product (10^6)",
        ("test_baseline_nth_product", "1e6", ""), ("test_getitem_random", "1e6", ""), 2.0, False)
    add("whole-process batch at 10^18 / python -c 'import yaml'",
        ("test_cli_batch_1e18_process", "", ""), ("test_baseline_python_import_yaml_process", "", ""), 1.15, True)
    add("InferenceMAX real configs: eager full sweep / drop-in last batch",
        ("test_eager_inferencemax_last_batch_real", "", ""), ("test_inferencemax_last_batch_real", "", ""), 5.0, False)
    add("InferenceMAX 10^5 entries: eager / drop-in, count + last batch",
        ("test_eager_inferencemax_last_batch_generated", "", ""), ("test_inferencemax_last_batch_generated", "", ""),
        1.5, False)
    for test, what, goal in (("test_inferencemax_write_list_generated", "InferenceMAX 160,000 rows", 0.75),
                             ("test_inferencex_write_list_hundredfold", "InferenceX 100x master", 1.1)):
        add(f"{what}: whole list from templates / as dicts (CPU time)", (test, "", "templates"), (test, "", "dicts"),
            goal, True)
    for which in ("two-30", "two-300", "last-30"):
        add(f"stream JSONL of a GitHub matrix with include extras ({which}, 10^5 points) / its dicts + json.dumps",
            ("test_stream_matrix_jsonl", "", which), ("test_dict_stream_matrix_jsonl_baseline", "", which), 0.5, True)
    for drop_in, upstream, what, goal in (
        ("test_inferencex_last_batch_vs_upstream_process", "test_upstream_inferencex_full_sweep_process",
         "last batch", 0.25),
        ("test_inferencex_batch_count_vs_upstream_process", "test_upstream_inferencex_full_sweep_process",
         "--get-batch-count", 0.2),
        ("test_inferencex_last_batch_hundredfold_vs_upstream_process",
         "test_upstream_inferencex_full_sweep_hundredfold_process", "100x master, last batch", 0.1)):
        add(f"InferenceX, whole process: drop-in {what} / upstream's full sweep", (drop_in, "", ""),
            (upstream, "", ""), goal, True)
    for test, what in (("test_shuffle_getitem_random", "1,000 random sweep[i]"),
                       ("test_shuffle_stream", "streaming the first 100,000 points")):
        add(f"shuffled / plain, {what} at 10^18", (test, "1e18", "shuffled"), (test, "1e18", "plain"), 3.0, True)
    return rows


def seconds(value: float) -> str:
    for unit, scale in (("s", 1), ("ms", 1e-3), ("us", 1e-6)):
        if value >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value / 1e-9:.3g} ns"


def report(m: dict) -> tuple[str, bool]:
    lines = ["| target | ratio | goal | met |", "| --- | ---: | --- | --- |"]
    met_all = True
    for what, ratio, goal, met in targets(m):
        lines.append(f"| {what} | {ratio:.2f} | {goal} | {'yes' if met else '**no**'} |")
        met_all &= met
    lines += ["", "| benchmark | " + " | ".join(SIZES) + " |", "| --- |" + " ---: |" * len(SIZES)]
    names = sorted({(name, which) for name, size, which in m if size})
    for name, which in names:
        label = name.removeprefix("test_") + (f" ({which})" if which else "")
        cells = [seconds(m[(name, size, which)]) if (name, size, which) in m else "" for size in SIZES]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    others = sorted(key for key in m if not key[1])
    if others:
        lines += ["", "| benchmark | median |", "| --- | ---: |"]
        lines += [f"| {name.removeprefix('test_')}{f' ({w})' if w else ''} | {seconds(m[(name, s, w)])} |"
                  for name, s, w in others]
        lines.append("")
        lines.append("(whole-process rows: the fastest of the rounds)")
    return "\n".join(lines), met_all


def plot(m: dict, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.5))
    for name, which, label, style in (
        ("test_batch", "middle", "lazysweep: middle batch", "o-"),
        ("test_batch", "first", "lazysweep: first batch", "s--"),
        ("test_eager_list_then_slice_batch_last", "", "eager list, then slice (last batch)", "x-"),
    ):
        points = [(float(size), m[(name, size, which)]) for size in SIZES if (name, size, which) in m]
        if points:
            axes.plot(*zip(*points), style, label=label)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("points in the sweep")
    axes.set_ylabel("time for one batch of 256 points (s)")
    axes.set_title("Batch time against sweep size")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", help="pytest-benchmark JSON (--benchmark-json)")
    parser.add_argument("--plot", metavar="PNG", help="also draw batch time against sweep size")
    args = parser.parse_args()
    found = medians(args.results)
    text, met = report(found)
    print(text)
    if args.plot:
        plot(found, args.plot)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
