"""The command line of the InferenceMAX (2025) drop-in: upstream's subcommands, plus the batching flags.

``main()`` behaves as upstream's (errors propagate); :func:`command_line` is
what ``python -m lazysweep.inferencemax`` and ``lazysweep inferencemax`` run,
with one-line errors.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from typing import Any

from .. import _dropin as dropin
from .._console import Parser, parse
from ._generate import GENERATORS, EntrySweep, seq_len_stoi

__all__ = ["PROG", "generate", "main", "command_line"]

PROG = "generate_sweep_configs.py"


def _full_sweep(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--model-prefix", nargs="+", help="config keys starting with any of these")
    sub.add_argument("--precision", nargs="+")
    sub.add_argument("--framework", nargs="+")
    sub.add_argument("--runner-type", nargs="+", help="needs --runner-config")
    sub.add_argument("--runner-config")
    sub.add_argument("--seq-lens", nargs="+", choices=list(seq_len_stoi))
    sub.add_argument("--step-size", type=int, default=2, help="concurrency multiplier (default 2)")
    sub.add_argument("--test-mode", action="store_true", help="highest tp at its lowest concurrency only")


def _test_config(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--runner-config", required=True)
    sub.add_argument("--key", required=True)
    sub.add_argument("--runner-node")
    sub.add_argument("--seq-lens", nargs="+", choices=list(seq_len_stoi))
    sub.add_argument("--step-size", type=int, default=2)
    sub.add_argument("--test-mode", action="store_true")


def _runner_model_sweep(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--runner-type", required=True)
    sub.add_argument("--runner-config", required=True)
    sub.add_argument("--runner-node-filter", help="only nodes containing this text")


def _runner_sweep(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--runner-type", required=True)
    sub.add_argument("--model-prefix", required=True)
    sub.add_argument("--precision")
    sub.add_argument("--framework")
    sub.add_argument("--runner-config", required=True)


def _custom(sub: argparse.ArgumentParser) -> None:
    for option in ("--runner-label", "--image", "--model", "--framework", "--precision", "--exp-name",
                   "--runner-config"):
        sub.add_argument(option, required=True)


_SUBCOMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "full-sweep": ("every config, optionally filtered", _full_sweep),
    "test-config": ("one config key's sweep", _test_config),
    "runner-model-sweep": ("every config of a runner type on each of its nodes", _runner_model_sweep),
    "runner-sweep": ("one model's configs on each node of a runner type", _runner_sweep),
    "custom": ("one 1k1k entry from the command line", _custom),
}


def _build_parser(prog: str, only: str | None = None) -> argparse.ArgumentParser:
    """Upstream's parser; with ``only``, just that subcommand's (building all costs start-up time)."""
    common = Parser(add_help=False)
    common.add_argument("--config-files", nargs="+", required=True, help="master config files (YAML)")
    dropin.add_batching_flags(common)

    parser = Parser(prog=prog, description="Generate benchmark configurations from YAML config files")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for name, (help, setup) in _SUBCOMMANDS.items():
        if only in (None, name):
            setup(commands.add_parser(name, parents=[common], help=help, description=help))
    return parser


def generate(args: argparse.Namespace) -> EntrySweep:
    """Load and validate ``args.config_files``, then run ``args.command``'s generator."""
    package = _package()
    all_config_data = package.load_config_files(args.config_files)
    package.validate_master_configs_structure(all_config_data)
    return GENERATORS[args.command](args, all_config_data)


def main(argv: Sequence[str] | None = None, prog: str = PROG) -> Any:
    """Upstream's ``main()``: parse ``argv`` (default ``sys.argv[1:]``), print, return what was printed.

    Returns the entries (a lazy sequence, or the batch's list), or the batch
    count with ``--get-batch-count``. As upstream's, errors propagate: a
    ValueError for bad configs, SystemExit(2) for refused arguments. The
    entries are checked by ``validate_matrix_output`` looked up in the
    package, so a monkeypatched validator is the one used.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    return dropin.python_main(prog, lambda: _run(arguments, prog))


def _run(arguments: list[str], prog: str) -> Any:
    only = arguments[0] if arguments and arguments[0] in _SUBCOMMANDS else None
    args = parse(lambda: _build_parser(prog, only), arguments)
    entries = generate(args)
    _package().validate_matrix_output(entries)
    return dropin.emit(args, entries)


def command_line(argv: Sequence[str] | None = None, prog: str = PROG) -> Any:
    """:func:`main` for a shell: errors are one line on stderr; exit 1 (bad configs) or 2 (bad usage)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    return dropin.run(prog, arguments, lambda: _run_on_configs(arguments, prog))


def _run_on_configs(arguments: list[str], prog: str) -> Any:
    """:func:`_run`, where what upstream's ``yaml.safe_load`` raises (bad YAML, ``!!int ''``,
    ``!!bool foo``) is reported as a bad config, as ``Type: message``."""
    import yaml

    try:
        return _run(arguments, prog)
    except (LookupError, yaml.YAMLError) as error:
        raise ValueError(f"{type(error).__name__}: {error}") from error


def _package() -> Any:
    """The package ``lazysweep.inferencemax``, where monkeypatched functions are looked up."""
    return sys.modules[__package__ or "lazysweep.inferencemax"]

