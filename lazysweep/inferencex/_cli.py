"""The command line of the InferenceX drop-in: upstream's flags, plus the batching flags.

``main()`` behaves as upstream's: it parses ``sys.argv``, prints the rows and
returns them; errors propagate (``ValueError`` for bad configs, SystemExit
from argparse). :func:`command_line` is what ``python -m lazysweep.inferencex``
and ``lazysweep inferencex`` run: the same, with one-line errors.
"""

from __future__ import annotations

import argparse
import sys

from .. import _dropin as dropin
from .._console import Parser, parse
from .._errors import UsageError
from ._generate import apply_node_type_defaults, seq_len_stoi
from ._workflow_rows import add_family_flags, add_rows_command, collect_rows, listed_rows, workflow_rows

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

__all__ = ["PROG", "build_parser", "parse_args", "main", "command_line"]

PROG = "generate_sweep_configs.py"



def build_parser(prog: str = PROG, only: str | None = None) -> argparse.ArgumentParser:
    """Upstream's parser (843c6254f), with the batching flags on both subcommands; with ``only``,
    just that subcommand's (building both costs start-up time)."""
    common = Parser(add_help=False)
    common.add_argument("--config-files", nargs="+", required=True, help="master config files (YAML)")
    common.add_argument("--runner-config", default="configs/runners.yaml",
                        help="runner config (default configs/runners.yaml)")
    evals = common.add_mutually_exclusive_group()
    evals.add_argument("--no-evals", action="store_true", help="skip evals")
    evals.add_argument("--evals-only", action="store_true", help="only the eval subset")
    common.add_argument("--all-evals", action="store_true", help="every eligible config runs evals")
    common.add_argument("--runner-node-filter", help="one row per runner node whose name contains this")
    common.add_argument("--scenario-type", nargs="+", choices=["fixed-seq-len", "agentic-coding"])
    dropin.add_batching_flags(common)
    add_family_flags(common)

    parser = Parser(prog=prog, description="Generate benchmark configurations from YAML config files")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    if only in (None, "full-sweep"):
        _full_sweep(commands.add_parser("full-sweep", parents=[common], help="every config, optionally filtered"))
    if only in (None, "test-config"):
        _test_config(commands.add_parser("test-config", parents=[common], help="the sweep of the given config keys"))
    if only in (None, "rows"):
        add_rows_command(commands)
    return parser


def _full_sweep(sub: argparse.ArgumentParser) -> None:
    for flag in ("--model-prefix", "--precision", "--framework", "--runner-type"):
        sub.add_argument(flag, nargs="+")
    sub.add_argument("--seq-lens", nargs="+", choices=list(seq_len_stoi))
    sub.add_argument("--step-size", type=int, default=2, help="concurrency multiplier (default 2)")
    for flag in ("--min-conc", "--max-conc", "--max-tp", "--max-ep"):
        sub.add_argument(flag, type=int)
    sub.add_argument("--single-node", action="store_true")
    sub.add_argument("--multi-node", action="store_true")


def _test_config(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--config-keys", nargs="+", required=True, help="keys or globs (* and ?)")
    sub.add_argument("--conc", nargs="+", type=int, help="only these concurrencies")
    sub.add_argument("--seq-lens", nargs="+", choices=list(seq_len_stoi))


def parse_args(arguments: Sequence[str], prog: str = PROG) -> argparse.Namespace:
    """Parse and check the arguments as upstream does; UsageError when they are refused."""
    only = arguments[0] if arguments and arguments[0] in ("full-sweep", "test-config", "rows") else None
    args = parse(lambda: build_parser(prog, only), arguments)
    apply_node_type_defaults(args)
    if args.command == "full-sweep" and args.step_size <= 1:
        raise UsageError("--step-size must be greater than 1")
    if args.command == "full-sweep" and args.min_conc is not None and args.max_conc is not None \
            and args.min_conc > args.max_conc:
        raise UsageError("--min-conc must be less than or equal to --max-conc")
    if getattr(args, "no_evals", False) and getattr(args, "all_evals", False):
        raise UsageError("--all-evals cannot be combined with --no-evals")
    return args


def generate(args: argparse.Namespace) -> Any:
    """Load and validate the configs, then the rows ``args`` asks for, lazily (looked up in the package,
    so that monkeypatched loaders are used)."""
    from .. import inferencex as package
    from .._loader import gc_paused
    from ._evals import plan
    from ._generate import full_sweep_segments, test_config_segments

    if args.command == "rows":
        return listed_rows(args.file)
    all_config_data = package.load_config_files(args.config_files)
    runner_data = package.load_runner_file(args.runner_config)
    walk = full_sweep_segments if args.command == "full-sweep" else test_config_segments
    # the segments and the marks are new, acyclic containers; with the configs' objects in the heap,
    # the collector's full passes over it would make this step grow faster than the configs do
    with gc_paused():
        segments = list(walk(args, all_config_data, runner_data))
        return plan(segments, args.no_evals, args.evals_only, args.all_evals)


def main(argv: Sequence[str] | None = None, prog: str = PROG) -> Any:
    """Upstream's ``main()``: parse ``sys.argv``, print, return the rows; errors propagate."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    return dropin.python_main(prog, lambda: _run(arguments, prog))


def _run(arguments: list[str], prog: str) -> Any:
    args = parse_args(arguments, prog)
    if getattr(args, "collect", None):
        status = collect_rows(args, generate(args))
        if status:
            raise SystemExit(status)
        return status
    return dropin.emit(args, workflow_rows(args, generate(args)))


def command_line(argv: Sequence[str] | None = None, prog: str = PROG) -> Any:
    """``main()`` for a shell: errors are one line on stderr; exit 1 (bad configs) or 2 (bad usage)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    return dropin.run(prog, arguments, lambda: _run_on_configs(arguments, prog))


def _run_on_configs(arguments: list[str], prog: str) -> Any:
    """:func:`_run`, where the errors upstream crashes with on odd configs (a loose value in
    arithmetic, a file that is not a mapping, bad YAML) are reported as bad configs."""
    import yaml

    try:
        return _run(arguments, prog)
    except (TypeError, LookupError, AttributeError, AssertionError, ArithmeticError, yaml.YAMLError) as error:
        raise ValueError(f"{type(error).__name__}: {error}") from error
