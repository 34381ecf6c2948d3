"""Points as command-line arguments for the programs that run them.

* :func:`args_line`: ``--name=value`` per field, for argparse, click, typer
  and Hydra scripts' own flags;
* :func:`hydra_line`: ``name=value`` per field, Hydra's override syntax.

Each line is quoted for a POSIX shell (``eval``, ``xargs``, a job script),
so a value with spaces or quotes arrives as one argument. Strings are given
as they are; other values as JSON (``true``, ``null``, ``[1,2]``); floats in
the shortest form that reads back as the same float (``0.0001``, ``1e-05``).
Each costs O(size of the point).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from typing import Any

__all__ = ["args_line", "hydra_line", "hydra_value"]

_encode = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode


_SHELL_UNSAFE = re.compile(r"[^\w@%+=:,./-]", re.ASCII)
_DOUBLE_QUOTE_SPECIAL = re.compile(r'[\\"$`!]')


def _quote(argument: str) -> str:
    """One shell word: as it is when safe, else single-quoted; one holding a ``'`` in double
    quotes when nothing in it is special there, else as :func:`shlex.quote` writes it.

    >>> print(_quote("a=b"), _quote("a b"), _quote("n='8'"), _quote("it's $x"), _quote(""))
    a=b 'a b' "n='8'" 'it'"'"'s $x' ''
    """
    if argument and not _SHELL_UNSAFE.search(argument):
        return argument
    if "'" not in argument:
        return f"'{argument}'"
    if not _DOUBLE_QUOTE_SPECIAL.search(argument):
        return f'"{argument}"'
    return "'" + argument.replace("'", "'\"'\"'") + "'"


def args_line(point: Mapping[str, Any]) -> str:
    """``--name=value`` for each field, quoted for the shell, on one line.

    >>> print(args_line({"lr": 0.0001, "model": "llama 3", "fp8": True, "tp": [1, 2]}))
    --lr=0.0001 '--model=llama 3' --fp8=true '--tp=[1,2]'
    """
    return " ".join(_quote(f"--{key}={value if isinstance(value, str) else _encode(value)}")
                    for key, value in point.items())


def hydra_line(point: Mapping[str, Any]) -> str:
    """``name=value`` overrides for each field, in Hydra's grammar, quoted for the shell.

    >>> print(hydra_line({"lr": 0.0001, "model": "llama-3", "tag": "a,b", "n": "8", "opt.wd": None}))
    lr=0.0001 model=llama-3 "tag='a,b'" "n='8'" opt.wd=null
    """
    return " ".join(_quote(f"{key}={hydra_value(value)}") for key, value in point.items())


# A string Hydra reads back as that same string without quotes: an identifier-like word
# that is not one of its keywords or numbers.
_BARE = re.compile(r"[A-Za-z_/][A-Za-z0-9_./\-+@:%]*")
_KEYWORDS = {"null", "true", "false", "inf", "nan"}


def hydra_value(value: Any) -> str:
    """A value in Hydra's override grammar (before shell quoting).

    Strings that Hydra would read as something else, or that hold its special
    characters, are single-quoted, with quotes and the backslashes before
    them escaped as Hydra's grammar requires.

    >>> hydra_value("it's"), hydra_value("True"), hydra_value({"a": [1, "x y"]}), hydra_value(0.1)
    ("'it\\\\'s'", "'True'", "{a:[1,'x y']}", '0.1')
    """
    if isinstance(value, str):
        if _BARE.fullmatch(value) and value.lower() not in _KEYWORDS:
            return value
        escaped = re.sub(r"(\\*)('|$)", lambda m: m[1] * 2 + ("\\'" if m[2] else ""), value)
        return f"'{escaped}'"
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{key}:{hydra_value(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(map(hydra_value, value)) + "]"
    return _encode(value)
