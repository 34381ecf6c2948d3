"""Upstream InferenceX's algorithm (843c6254f), the eager way, for a baseline.

``generate_sweep_configs.py`` loads and validates the configs, builds every row of the sweep as a
dict in a list, marks evals with passes over that list, filters it, and prints it (a workflow then
slices it). This module does the same with lazysweep's loading, validation and list-based marking,
so the only difference from the drop-in is laziness: it skips pydantic and the per-row pydantic
validation upstream also pays, which makes the baseline faster than upstream, never slower.

    python benchmarks/eager_inferencex.py full-sweep --config-files A.yaml B.yaml [--batch-index K]
"""

from __future__ import annotations

import json
import sys

from lazysweep import inferencex
from lazysweep.inferencex._cli import parse_args


def rows(configs: dict, runners: dict, args) -> list[dict]:
    """Every output row, built, marked and filtered as upstream's main() does."""
    generate = inferencex.generate_full_sweep if args.command == "full-sweep" else inferencex.generate_test_config_sweep
    built = list(generate(args, configs, runners))
    if not args.no_evals:
        built = inferencex.mark_eval_entries(built, include_agentic=args.evals_only or args.all_evals)
        if args.all_evals:
            built = inferencex.mark_all_eval_entries(built)
    if args.evals_only or args.all_evals:
        built = [row for row in built if row.get("run-eval", False)]
        for row in built:
            row["eval-only"] = True
    return built


def main(argv: list[str]) -> list[dict]:
    """Load, validate, build everything; print the list, or slice batch K of 256 out of it."""
    args = parse_args(argv)
    everything = rows(inferencex.load_config_files(args.config_files), inferencex.load_runner_file(args.runner_config), args)
    if args.batch_index is not None:
        everything = everything[args.batch_index * args.max_batch_size:][:args.max_batch_size]
    print(json.dumps(everything))
    return everything


if __name__ == "__main__":
    main(sys.argv[1:])
