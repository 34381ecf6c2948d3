"""Every option of the ``lazysweep`` commands, in one place.

The option groups are shared, so a flag means the same on every command
that takes it (``-i/--index`` is the point's index for ``get`` and the
batch's for ``batch``; ``-s/--size``, ``-a/--axis``). Every sweep command's
Namespace carries every target field (:data:`TARGET_DEFAULTS`), so the
target is resolved from one explicit shape (:mod:`.target`), never from
which attributes happen to exist.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from .._batching import DEFAULT_BATCH_SIZE, GITHUB_MATRIX_LIMIT
from .._console import Formatter, Parser
from .._jobarray import INDEX_VARIABLES

__all__ = [
    "TARGET_DEFAULTS", "PROGRAM_FORMATS", "EXAMPLE", "build_parser", "setup_count", "setup_batches", "setup_plan",
    "setup_fingerprint", "setup_batch", "setup_get", "setup_stream", "setup_collect", "setup_lint",
]

#: Every field target resolution reads, with its value when a command does not take the option.
TARGET_DEFAULTS: dict[str, object] = {
    "files": [], "job": None, "axis": [], "only": None, "shuffle": None, "sample": None, "shards": None,
    "shard": None, "size": None, "max_batches": GITHUB_MATRIX_LIMIT, "plan": None, "with_index": False,
    "index": None, "offset": 0, "planning": False, "refuse_shuffle": None, "shuffle_reason": "", "order_free": False,
    "takes_index": False,
}

PROGRAM_FORMATS = ("args", "hydra")
_FORMATS_HELP = "args: --name=value per field, hydra: name=value overrides (each a line, quoted for the shell)"
#: Longest integer an option takes: reading one costs time quadratic in its digits (50,000 digits read in
#: milliseconds, and index a sweep of 10^49999 points; 2 million would take minutes).
_MAX_DIGITS = 50_000

#: The example the bare command's help ends with.
EXAMPLE = """example, a fan-out of 1000 points over GitHub Actions jobs:
  lazysweep batches sweep.yaml --github-output batches   (the plan job: [0,1,2,3] and a plan token)
  lazysweep batch sweep.yaml --index K --plan TOKEN        (job K: its batch as a JSON list)"""


def _integer(text: str) -> int:
    excerpt = repr(text[:40]) if len(text) <= 40 else repr(text[:40])[:-1] + "...'"
    if len(text) > _MAX_DIGITS:
        raise argparse.ArgumentTypeError(f"invalid integer {excerpt}: more than {_MAX_DIGITS} digits")
    try:
        return int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid integer {excerpt}") from None


def _natural(text: str) -> int:
    value = _integer(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {value}")
    return value


def _positive(text: str) -> int:
    value = _integer(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _size(text: str) -> int | str:
    return "auto" if text == "auto" else _positive(text)


# -- option groups --------------------------------------------------------------------------------


def _sweep(sub: argparse.ArgumentParser) -> None:
    """FILE..., --job, -a: where the points come from; every sweep command takes them."""
    sub.set_defaults(**TARGET_DEFAULTS)
    sub.add_argument("files", nargs="*", metavar="FILE",
                     help="sweep files, concatenated in order (- reads one from standard input)")
    sub.add_argument("--job", metavar="ID", help="read FILE as a GitHub Actions workflow: this job's matrix")
    sub.add_argument("-a", "--axis", action="append", default=[], metavar="NAME=SPEC",
                     help="an axis: a list a,b,c (items are YAML flow values: 8, 1e-4, '[1,2]', '{a: 1}', 'x,y'), "
                          "a range A..B or A..B:STEP, a geometric range A..BxF, or N evenly spaced floats "
                          "A..B:num=N (A..B:num=N:log: in logarithm); repeated, the axes make one product, "
                          "which comes after the files' points")
    _debug(sub)


def _debug(sub: argparse.ArgumentParser) -> None:
    # SUPPRESS: a --debug before the command name (the main parser's) is not reset by the command's default.
    sub.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show a traceback on errors")


def _only(sub: argparse.ArgumentParser, help: str) -> None:
    sub.add_argument("--only", metavar="RANGES", help=help)


def _seed(sub: argparse.ArgumentParser, help: str) -> None:
    sub.add_argument("--shuffle", "--seed", dest="shuffle", type=_integer, metavar="SEED", help=help)


def _refused_seed(sub: argparse.ArgumentParser, reason: str) -> None:
    """--shuffle/--seed on a command whose output does not depend on the order: refused with ``reason``."""
    sub.add_argument("--shuffle", "--seed", dest="refuse_shuffle", type=_integer, help=argparse.SUPPRESS)
    sub.set_defaults(shuffle_reason=reason)


def _sample(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--sample", type=_natural, metavar="N",
                     help="N points at random without repeats: the first N of --shuffle SEED's order "
                          "(as the library's sweep.sample(N, seed)); before --shards")


def _shards(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--shards", type=_positive, metavar="N",
                     help="split the points into N contiguous parts whose sizes differ by at most 1 "
                          "(after --only, --shuffle and --sample); batches and plan cover every part")
    sub.add_argument("--shard", type=_natural, metavar="I",
                     help=f"work on part I of --shards (default: the job-array index, ${', $'.join(INDEX_VARIABLES)})")


def _selection(sub: argparse.ArgumentParser) -> None:
    """--only, --shuffle/--seed, --sample, --shards/--shard: which points, in the pipeline's order."""
    _only(sub, "only these indices of the sweep, like 0-9,15,20-29 (or @FILE holding them); "
               "batches and --index then count within the selection")
    _seed(sub, "in a random order, the same for a seed everywhere (after --only; "
               "_index stays the index in the unshuffled sweep); --seed is the same option")
    _sample(sub)
    _shards(sub)


def _plan(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--plan", metavar="TOKEN",
                     help="the plan job's token (batches --github-output NAME writes it as NAME-plan): "
                          "the batch size comes from it, and a different sweep or selection is refused")
    sub.add_argument("--with-index", action="store_true",
                     help='add "_index": I, the point\'s index in the whole sweep, as its last key')
    sub.add_argument("--hydra-flatten", action="store_true",
                     help="with --format hydra: a mapping value gives its own overrides (model=vit bs=64)")
    sub.add_argument("--hydra-add", metavar="KEYS", type=lambda text: set(filter(None, text.split(","))),
                     default=set(), help="with --format hydra: write these keys (comma-separated) as +key=value")


def _index(sub: argparse.ArgumentParser, what: str, alias: str | None = None) -> None:
    sub.add_argument(
        "--index", "-i", type=_integer, metavar="I",
        help=f"{what} index, from 0, negative from the end "
             f"(default: from ${', $'.join(INDEX_VARIABLES)}, which must agree when several are set)",
    )
    if alias:  # an older short flag, kept working, not shown
        sub.add_argument(alias, dest="index", type=_integer, help=argparse.SUPPRESS)
    sub.add_argument("--offset", type=_natural, default=0, metavar="N",
                     help="added to the index (one array of several)")
    sub.set_defaults(takes_index=True)


def _size_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--size", "-s", type=_size, metavar="N",
        help=f"points per batch (default {DEFAULT_BATCH_SIZE}, GitHub's matrix limit; with --plan, the plan's); "
             "auto: the smallest size that keeps the batches within --max-batches, sizes balanced",
    )
    sub.add_argument("--max-batches", type=_positive, default=GITHUB_MATRIX_LIMIT, metavar="N",
                     help=f"the most batches --size auto may make (default {GITHUB_MATRIX_LIMIT})")


def _github(sub: argparse.ArgumentParser, help: str = "also append NAME=<compact JSON> to $GITHUB_OUTPUT "
                                                        "(GitHub Actions)") -> None:
    sub.add_argument("--github-output", metavar="NAME", help=help)


def _format(sub: argparse.ArgumentParser, choices: tuple[str, ...], help: str) -> None:
    sub.add_argument("--format", choices=choices, default=choices[0], help=help)


# -- commands ------------------------------------------------------------------------------------


def setup_count(sub: argparse.ArgumentParser) -> None:
    _sweep(sub)
    _only(sub, "count only these indices of the sweep, like 0-9,15 (or @FILE)")
    _seed(sub, "the seed of --sample (the order alone never changes a count)")
    _sample(sub)
    _shards(sub)
    _github(sub)
    sub.set_defaults(order_free=True)


def setup_batches(sub: argparse.ArgumentParser) -> None:
    _sweep(sub)
    _selection(sub)
    _size_options(sub)
    _github(sub, "also append NAME=<batch list>, NAME-count=<points> and NAME-plan=<plan token> "
                 "to $GITHUB_OUTPUT (GitHub Actions); with --count, NAME=<number of batches>")
    sub.add_argument("--count", action="store_true", help="print the number of batches instead")
    sub.set_defaults(planning=True)


def setup_plan(sub: argparse.ArgumentParser) -> None:
    _sweep(sub)
    _selection(sub)
    _size_options(sub)
    _github(sub)
    sub.set_defaults(planning=True)


def setup_fingerprint(sub: argparse.ArgumentParser) -> None:
    _sweep(sub)
    _refused_seed(sub, "the fingerprint covers the points, not their order")


def setup_batch(sub: argparse.ArgumentParser) -> None:
    _sweep(sub)
    _selection(sub)
    _index(sub, "batch", alias="-k")
    _size_options(sub)
    _plan(sub)
    _format(sub, ("json", "jsonl", *PROGRAM_FORMATS),
            f"one JSON list, or one point per line (for a job that loops over its points): {_FORMATS_HELP}")
    _github(sub)


def setup_get(sub: argparse.ArgumentParser) -> None:
    _sweep(sub)
    _selection(sub)
    _index(sub, "point")
    _plan(sub)
    _format(sub, ("json", "env", *PROGRAM_FORMATS),
            f"a JSON object, or one shell assignment per field for eval; {_FORMATS_HELP}")
    sub.add_argument("--env-prefix", default="", metavar="P_",
                     help="with --format env: put P_ before every variable name, so none can clash with the shell's")
    _github(sub)


def setup_stream(sub: argparse.ArgumentParser) -> None:
    _sweep(sub)
    _selection(sub)
    sub.add_argument("--start", type=_integer, metavar="A", help="first index (negative counts from the end)")
    sub.add_argument("--stop", type=_integer, metavar="B", help="index to stop before (negative: from the end)")
    _plan(sub)
    _format(sub, ("jsonl", "json", *PROGRAM_FORMATS), f"one object per line, or one JSON list; {_FORMATS_HELP}")


def setup_collect(sub: argparse.ArgumentParser) -> None:
    _sweep(sub)
    _only(sub, "expect results for just these indices (a re-run's selection), like 0-9,15 or @FILE")
    _seed(sub, "the seed of --sample (results are matched by _index, whatever the order)")
    _sample(sub)
    sub.set_defaults(order_free=True)
    sub.add_argument("--results", action="extend", nargs="+", required=True, metavar="PATH",
                     help="result files, or folders searched for *.json and *.jsonl: one JSON object per line or "
                          "file (repeat --results, or put the sweep first: the paths after --results are all results)")
    sub.add_argument("--plan", metavar="TOKEN", help="the plan token: the sweep must be the one it was made for "
                                                     "(results carrying another sweep's \"_plan\" are stale anyway)")
    sub.add_argument("--output", metavar="FILE", help="write the results, one per point, in index order (JSON lines)")
    sub.add_argument("--missing", metavar="FILE", help="write the missing indices as ranges, like 0-9,15, for --only")
    _github(sub, "also append NAME=<missing ranges> and NAME-count=<missing points> to $GITHUB_OUTPUT")


def setup_lint(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("paths", nargs="*", default=[".github/workflows"], metavar="PATH",
                     help="workflow files or folders (default .github/workflows)")
    _format(sub, ("text", "github"), "github: problems as workflow-command annotations, shown on the pull request")
    _debug(sub)


def setup_split(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("workflow", metavar="WORKFLOW", help="the workflow file")
    sub.add_argument("--job", required=True, metavar="NAME", help="the job to fan out")
    sub.add_argument("--size", type=_positive, default=GITHUB_MATRIX_LIMIT, metavar="N",
                     help=f"points per batch (default {GITHUB_MATRIX_LIMIT})")
    sub.add_argument("--write", action="store_true", help="write the files instead of printing the diff")
    _debug(sub)


#: A command: its one-line summary, its options, and what runs it ("module:function" of the package).
Command = tuple[str, Callable[[argparse.ArgumentParser], None], str]


def build_parser(commands: dict[str, Command], version: str, only: str | None = None) -> Parser:
    """The argument parser; with ``only``, just that command's (building all costs start-up time)."""
    parser = Parser(
        prog="lazysweep",
        description="Count, slice and address huge parameter sweeps without expanding them.",
        epilog=EXAMPLE, formatter_class=_RawEpilog,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {version}")
    parser.add_argument("--debug", action="store_true", help="show a traceback on errors")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    subparsers.required = True
    for name, (summary, setup, run) in commands.items():
        if only in (None, name):
            sub = subparsers.add_parser(name, help=summary, description=summary)
            setup(sub)
            sub.set_defaults(run=run)
    if only is None:
        for name, upstream in (("inferencemax", "InferenceMAX's (2025)"), ("inferencex", "InferenceX's")):
            subparsers.add_parser(
                name, add_help=False,
                help=f"{upstream} generate_sweep_configs.py, lazy and batched (see 'lazysweep {name} --help')",
            )
    return parser


class _RawEpilog(argparse.RawDescriptionHelpFormatter, Formatter):
    """The main help: the example's lines kept as written."""
