"""Job arrays: a task's index from its engine's environment, and a point as shell variables.

Slurm, Kubernetes Indexed Jobs and AWS Batch each hand a task its index in
an environment variable; :func:`index_from_environment` reads whichever is
set, so one command serves them all; several set to different values are
refused, never one picked silently. Large sweeps run as several arrays
(Slurm's ``MaxArraySize`` defaults to 1001), each with an ``offset``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from typing import Any

from ._errors import SweepError, UsageError
from ._writer import encode_value

__all__ = [
    "INDEX_VARIABLES", "SHELL_VARIABLES", "SHELL_PREFIXES", "index_from_environment", "shell_name", "shell_assignments",
]

#: The most digits an index variable may hold: reading a number costs time quadratic in its digits
#: (50,000 read in milliseconds; the command line's options take as many).
_MAX_DIGITS = 50_000
#: Where each engine puts the task index, in the order they are tried.
INDEX_VARIABLES = ("LAZYSWEEP_INDEX", "SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX")


def index_from_environment(offset: int = 0, environ: Mapping[str, str] | None = None) -> int:
    """The task index the job-array variables hold, plus ``offset``.

    Every variable of :data:`INDEX_VARIABLES` that is set (and not empty) is
    read; when they hold different values (a ``LAZYSWEEP_INDEX`` exported in
    the submitting shell and passed on by ``sbatch --export=ALL``, say) none is
    picked: that is a :class:`~lazysweep._errors.UsageError` naming them all.

    >>> index_from_environment(1000, {"SLURM_ARRAY_TASK_ID": "7"})
    1007
    >>> index_from_environment(0, {"LAZYSWEEP_INDEX": "3", "SLURM_ARRAY_TASK_ID": "0"})
    Traceback (most recent call last):
    ...
    lazysweep._errors.UsageError: the job-array index variables disagree: $LAZYSWEEP_INDEX=3, $SLURM_ARRAY_TASK_ID=0 (unset the stray one, or pass --index)
    """
    environ = os.environ if environ is None else environ
    found: dict[str, int] = {}
    for variable in INDEX_VARIABLES:
        text = environ.get(variable)
        if text is None or not text.strip():
            continue
        if len(text) > _MAX_DIGITS:  # reading a number costs time quadratic in its digits
            raise SweepError(f"${variable} has {len(text)} characters: an index has at most {_MAX_DIGITS} digits")
        if not re.fullmatch(r"\s*\d+\s*", text):
            raise SweepError(f"${variable} must be a non-negative integer, got {text[:40]!r}")
        found[variable] = int(text)
    if not found:
        raise SweepError(f"no --index given and none of ${', $'.join(INDEX_VARIABLES)} is set")
    if len(set(found.values())) > 1:
        listed = ", ".join(f"${variable}={value}" for variable, value in found.items())
        raise UsageError(f"the job-array index variables disagree: {listed} (unset the stray one, or pass --index)")
    return next(iter(found.values())) + offset


def shell_name(key: str) -> str:
    """A field name as a shell variable name: each character outside ``[A-Za-z0-9_]``
    becomes ``_``, and a leading digit gets a ``_`` in front.

    >>> shell_name("max-model-len"), shell_name("2nd.try")
    ('max_model_len', '_2nd_try')
    """
    name = re.sub(r"[^A-Za-z0-9_]", "_", key)
    return "_" + name if not name or name[0].isdigit() else name


#: Variables that bash, dash or the programs a job runs read, or that bash keeps read-only:
#: a field must not set them (``--env-prefix`` avoids every clash).
SHELL_VARIABLES = frozenset(
    """_ BASH CDPATH COLUMNS DIRSTACK ENV EPOCHREALTIME EPOCHSECONDS EUID FCEDIT FIGNORE FUNCNAME
    GLOBIGNORE GROUPS HISTCMD HISTCONTROL HISTFILE HISTFILESIZE HISTIGNORE HISTSIZE HISTTIMEFORMAT
    HOME HOSTFILE HOSTNAME HOSTTYPE IFS IGNOREEOF INPUTRC LANG LANGUAGE LINENO LINES LOGNAME MACHTYPE
    MAIL MAILCHECK MAILPATH NLSPATH OLDPWD OPTARG OPTERR OPTIND OSTYPE PATH PIPESTATUS POSIXLY_CORRECT
    PPID PROMPT_COMMAND PROMPT_DIRTRIM PS0 PS1 PS2 PS3 PS4 PWD RANDOM REPLY SECONDS SHELL SHELLOPTS
    SHLVL SRANDOM TERM TIMEFORMAT TMOUT TMPDIR TZ UID USER""".split()
)
#: Prefixes of the same: locale, bash's own, the dynamic loader's, completion and readline.
SHELL_PREFIXES = ("LC_", "BASH", "LD_", "COMP_", "READLINE_")

_PREFIX = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def shell_assignments(point: Mapping[str, Any], prefix: str = "") -> str:
    """One ``NAME=VALUE`` line per field, quoted for ``eval``; strings as they are,
    other values as compact JSON (``true``, ``8``, ``[1,2]``). Each name is
    ``prefix`` + :func:`shell_name` of the field.

    Refused (:class:`~lazysweep._errors.SweepError`, nothing returned): a value
    holding NUL (every shell would cut it there), an empty field name, a name
    that is just ``_``, two fields with one name, and a name the shell or the
    job's programs use (:data:`SHELL_VARIABLES`, :data:`SHELL_PREFIXES`):
    pass a ``prefix`` such as ``P_`` to avoid those. O(size of the point).

    >>> print(shell_assignments({"os": "it's", "tp": 8, "dp-attn": False}), end="")
    os='it'"'"'s'
    tp=8
    dp_attn=false
    >>> print(shell_assignments({"PATH": "/x", "-": 2}, prefix="P_"), end="")
    P_PATH=/x
    P__=2
    """
    from shlex import quote  # only here: it costs the command's start-up


    if prefix and not _PREFIX.match(prefix):
        raise UsageError(f"--env-prefix must be a shell name (letters, digits, '_', not first a digit), got {prefix!r}")
    lines: list[str] = []
    seen: dict[str, Any] = {}
    for key, value in point.items():
        field = str(key)
        if not field:
            raise SweepError("a field with an empty name cannot be a shell variable")
        name = prefix + shell_name(field)
        _check_shell_name(name, field)
        if name in seen:
            raise SweepError(f"fields {seen[name]!r} and {key!r} both become the shell variable {name}")
        seen[name] = key
        text = value if isinstance(value, str) else encode_value(value)
        if "\0" in text:
            raise SweepError(f"field {field!r} holds a NUL character, which no shell variable can hold")
        lines.append(f"{name}={quote(text)}\n")
    return "".join(lines)


def _check_shell_name(name: str, field: str) -> None:
    if name == "_":
        raise SweepError(f"field {field!r} would become the shell variable _, which the shell overwrites")
    if name in SHELL_VARIABLES or name.startswith(SHELL_PREFIXES):
        raise SweepError(
            f"field {field!r} would set the shell variable {name}, which the shell or the job's programs use: "
            "rename the field or pass --env-prefix (for example --env-prefix P_)"
        )
