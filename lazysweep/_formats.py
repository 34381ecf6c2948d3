"""Points as lines for the programs that run them: ``--format args``, ``hydra`` and ``env``.

* :class:`ArgsFormat`: ``--name=value`` per field, for argparse, click, typer
  and Hydra scripts' own flags;
* :class:`HydraFormat`: ``name=value`` per field, Hydra's override grammar
  (optionally a mapping value spread into its own fields, and ``+name=`` for
  names not in the config);
* :class:`EnvFormat`: ``NAME=value`` per field, one assignment a line, for
  ``eval`` in a job script.

Each is a :class:`~lazysweep._encode.Format`, so a point's line is joined
from words made once per axis value (the writer's fragment path), not
quoted once per point. Strings are given as they are; other values as
JSON (``true``, ``null``, ``[1,2]``); floats in the shortest form that
reads back as the same float (``0.0001``, ``1e-05``). For ``args`` and
``hydra``, a float that is infinite or not a number is ``inf``, ``-inf``,
``nan`` (what Python's ``float()`` and Hydra read; ``args`` refuses one
inside a list or mapping, which is JSON); ``env`` refuses it, as JSON does.

The escaping rules (docs/formats.md):

* every word is quoted for a POSIX shell (``eval``, ``xargs``, a job
  script) so that it arrives as one argument; a value holding a line break
  (any that ``str.splitlines`` knows) is written in ANSI-C quotes
  (``$'a\\nb'``, bash, zsh, ksh and POSIX.1-2024 ``sh``), the break as an
  escape, so a point is always one line (an ``env`` assignment one line);
  a NUL, which no argument or variable can hold, is refused;
* Hydra values are data: a string Hydra would read as something else is
  single-quoted, its quotes and the backslashes before them escaped as
  Hydra's grammar requires, and an interpolation ``${...}`` escaped with
  the backslashes OmegaConf requires, so ``${oc.env:HOME}`` arrives as
  that text, not the environment's;
* ``env`` names are the fields' names made shell names, refused when they
  are ones the shell uses (``PATH``, ``IFS``, ``FUNCNEST``...).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from collections.abc import Iterable, Iterator, Sequence
    from typing import Any

    from ._axes import Axis

from ._encode import Format, encode_value
from ._errors import SweepError, UsageError

__all__ = ["ArgsFormat", "HydraFormat", "EnvFormat", "program_format", "args_line", "hydra_line", "hydra_value",
           "shell_word", "shell_name", "shell_assignments", "SHELL_VARIABLES", "SHELL_PREFIXES", "LINE_BREAKS"]

#: Every character ``str.splitlines`` ends a line at.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_BREAKS = re.compile(f"[{LINE_BREAKS}\\\\']")
_SHELL_UNSAFE = re.compile(r"[^\w@%+=:,./-]", re.ASCII)
_DOUBLE_QUOTE_SPECIAL = re.compile(r'[\\"$`!]')
#: Inside ANSI-C quotes: each line break as an escape (the non-ASCII ones as their UTF-8 bytes,
#: whatever the shell's locale), and the backslash and quote escaped.
_ANSI_C = {**{ord(c): "".join(f"\\x{byte:02x}" for byte in c.encode()) for c in LINE_BREAKS},
           ord("\n"): "\\n", ord("\r"): "\\r", ord("\x0b"): "\\v", ord("\x0c"): "\\f",
           ord("\\"): "\\\\", ord("'"): "\\'"}
_HAS_BREAK = re.compile(f"[{LINE_BREAKS}]")


def shell_word(argument: str, double: bool = True) -> str:
    """One shell word on one line: as it is when safe, else single-quoted; one holding a ``'``
    in double quotes when nothing in it is special there (unless not ``double``), else as
    :func:`shlex.quote` writes it; one holding a line break in ANSI-C quotes ``$'...'``. O(length).

    >>> print(shell_word("a=b"), shell_word("a b"), shell_word("n='8'"), shell_word("it's $x"), shell_word(""))
    a=b 'a b' "n='8'" 'it'"'"'s $x' ''
    >>> print(shell_word("a\\nb's\\\\"), shell_word("x\\u2028"))
    $'a\\nb\\'s\\\\' $'x\\xe2\\x80\\xa8'
    """
    if argument and not _SHELL_UNSAFE.search(argument):
        return argument
    if _HAS_BREAK.search(argument):
        return "$'" + argument.translate(_ANSI_C) + "'"
    if "'" not in argument:
        return f"'{argument}'"
    if double and not _DOUBLE_QUOTE_SPECIAL.search(argument):
        return f'"{argument}"'
    return "'" + argument.replace("'", "'\"'\"'") + "'"


def _text(value: Any, key: Any, words: bool = True) -> str:
    """A value as a program reads it from a word: a string as it is, a non-finite float as
    ``float()`` reads it (unless not ``words``: then refused, as JSON refuses it), anything else
    as compact JSON. SweepError for a NUL."""
    kind = value.__class__
    text: str
    if kind is str:
        text = value
    elif words and kind is float and value - value != 0:  # inf, -inf, nan
        text = "nan" if value != value else ("inf" if value > 0 else "-inf")
    else:
        text = encode_value(value)
    if "\0" in text:
        raise SweepError(f"field {str(key)!r} holds a NUL character, which no argument or shell variable can hold")
    return text


class _WordsFormat(Format):
    """Fields as shell words on one line, separated by spaces."""

    separator = " "


class ArgsFormat(_WordsFormat):
    """``--name=value`` per field, quoted for the shell, on one line.

    >>> print(ArgsFormat().point({"lr": 0.0001, "model": "llama 3", "fp8": True, "tp": [1, 2], "x": float("inf")}))
    --lr=0.0001 '--model=llama 3' --fp8=true '--tp=[1,2]' --x=inf
    """

    def field(self, key: Any, value: Any) -> str:
        return shell_word(f"--{key}={_text(value, key)}")


def args_line(point: Mapping[str, Any]) -> str:
    """``--name=value`` for each field, quoted for the shell, on one line (:class:`ArgsFormat`).

    >>> print(args_line({"lr": 0.0001, "model": "llama 3", "fp8": True, "tp": [1, 2]}))
    --lr=0.0001 '--model=llama 3' --fp8=true '--tp=[1,2]'
    """
    return _ARGS.point(point)


class HydraFormat(_WordsFormat):
    """``name=value`` overrides in Hydra's grammar, quoted for the shell, on one line.

    ``flatten``: a mapping value is spread into its own overrides
    (``pair: {model: vit, bs: 64}`` gives ``model=vit bs=64``, what a Hydra
    user writes, rather than ``pair={model:vit,bs:64}``; one level: a mapping
    inside it stays a value). ``add``: the names
    written ``+name=value``, Hydra's form for a key the config does not have
    (``True``: every name).

    >>> HydraFormat(flatten=True, add={"bs"}).point({"pair": {"model": "vit", "bs": 64}, "lr": 0.1})
    'model=vit +bs=64 lr=0.1'
    """

    def __init__(self, flatten: bool = False, add: Collection[str] | bool = ()) -> None:
        self.flatten, self.add = flatten, add

    def _name(self, key: Any) -> str:
        add = self.add
        return f"+{key}" if add is True or (add and key in add) else str(key)

    def field(self, key: Any, value: Any) -> str:
        if self.flatten and isinstance(value, Mapping):
            if not value:
                raise SweepError(f"field {str(key)!r} is an empty mapping, which flattens to no override")
            return " ".join(self._override(inner, item) for inner, item in value.items())  # one level
        return self._override(key, value)

    def _override(self, key: Any, value: Any) -> str:
        text = hydra_value(value)
        if "\0" in text:
            raise SweepError(f"field {str(key)!r} holds a NUL character, which no argument can hold")
        return shell_word(f"{self._name(key)}={text}")

    def check_keys(self, keys: Sequence[Any], axes: Sequence[Axis] = ()) -> bool:
        """With ``flatten``: SweepError when two axes can give one override name (every value of
        an axis meets every value of the others in a product). O(listed values)."""
        if self.flatten and axes:
            _refuse_repeats((name for key, axis in zip(keys, axes) for name in _axis_names(key, axis)),
                            "Hydra override")
        return super().check_keys(keys, axes)

    def point(self, point: Mapping[Any, Any]) -> str:
        if self.flatten:
            _refuse_repeats(_flat_names(point), "Hydra override")
        return super().point(point)


def _axis_names(key: Any, axis: Axis) -> set[str]:
    """The override names an axis's values flatten to. O(its listed values)."""
    values = axis.segment(0, axis.size)
    if values.__class__ is not tuple:  # a range's numbers
        return {str(key)}
    names: set[str] = set()
    for value in values:
        if isinstance(value, Mapping):
            names.update(map(str, value))
        else:
            names.add(str(key))
    return names


def _flat_names(point: Mapping[Any, Any]) -> Iterator[str]:
    """The override names a point flattens to, in order."""
    for key, value in point.items():
        if isinstance(value, Mapping):
            yield from map(str, value)
        else:
            yield str(key)


def _refuse_repeats(names: Iterable[str], what: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise SweepError(f"two fields give the {what} {name!r}: rename one")
        seen.add(name)


_ARGS = ArgsFormat()
_HYDRA = HydraFormat()


def hydra_line(point: Mapping[str, Any]) -> str:
    """``name=value`` overrides for each field, in Hydra's grammar, quoted for the shell (:class:`HydraFormat`).

    >>> print(hydra_line({"lr": 0.0001, "model": "llama-3", "tag": "a,b", "n": "8", "opt.wd": None}))
    lr=0.0001 model=llama-3 "tag='a,b'" "n='8'" opt.wd=null
    """
    return _HYDRA.point(point)


# A string Hydra reads back as that same string without quotes: an identifier-like word
# that is not one of its keywords or numbers.
_BARE = re.compile(r"[A-Za-z_/][A-Za-z0-9_./\-+@:%]*")
_KEYWORDS = {"null", "true", "false", "inf", "nan"}
# Hydra's quoted strings: the backslashes before a quote or the closing quote are doubled.
_BEFORE_QUOTE = re.compile(r"(\\*)('|\Z)")  # \Z, not $: $ also matches before a final newline
# OmegaConf's interpolations: the backslashes before `${` are doubled, and one more escapes it.
_INTERPOLATION = re.compile(r"(\\*)\$\{")


def hydra_value(value: Any) -> str:
    """A value in Hydra's override grammar (before shell quoting): data, never an interpolation.

    Strings that Hydra would read as something else, or that hold its special
    characters, are single-quoted, with quotes and the backslashes before
    them escaped as Hydra's grammar requires, and each ``${`` escaped (with the
    backslashes before it doubled) as OmegaConf requires.

    >>> hydra_value("it's"), hydra_value("True"), hydra_value({"a": [1, "x y"]}), hydra_value(0.1)
    ("'it\\\\'s'", "'True'", "{a:[1,'x y']}", '0.1')
    >>> print(hydra_value("${oc.env:HOME}"), hydra_value("\\\\${x}"), hydra_value(float("-inf")))
    '\\${oc.env:HOME}' '\\\\\\${x}' -inf
    """
    if isinstance(value, str):
        if _BARE.fullmatch(value) and value.lower() not in _KEYWORDS:
            return value
        if "${" in value:
            value = _INTERPOLATION.sub(lambda m: m[1] * 2 + "\\${", value)
        escaped = _BEFORE_QUOTE.sub(lambda m: m[1] * 2 + ("\\'" if m[2] else ""), value)
        return f"'{escaped}'"
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{key}:{hydra_value(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(map(hydra_value, value)) + "]"
    if value.__class__ is float and value - value != 0:  # inf, -inf, nan: Hydra's own words for them
        return "nan" if value != value else ("inf" if value > 0 else "-inf")
    return encode_value(value)


# -- env: one assignment a line -----------------------------------------------------------

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
    """_ BASH CDPATH CHILD_MAX COLUMNS DIRSTACK EMACS ENV EPOCHREALTIME EPOCHSECONDS EUID EXECIGNORE FCEDIT
    FIGNORE FUNCNAME FUNCNEST GLOBIGNORE GLOBSORT GROUPS HISTCMD HISTCONTROL HISTFILE HISTFILESIZE HISTIGNORE
    HISTSIZE HISTTIMEFORMAT HOME HOSTFILE HOSTNAME HOSTTYPE IFS IGNOREEOF INPUTRC INSIDE_EMACS LANG LANGUAGE
    LINENO LINES LOGNAME MACHTYPE MAIL MAILCHECK MAILPATH NLSPATH OLDPWD OPTARG OPTERR OPTIND OSTYPE PATH
    PIPESTATUS POSIXLY_CORRECT PPID PROMPT_COMMAND PROMPT_DIRTRIM PS0 PS1 PS2 PS3 PS4 PWD RANDOM REPLY SECONDS
    SHELL SHELLOPTS SHLVL SRANDOM TERM TIMEFORMAT TMOUT TMPDIR TZ UID USER auto_resume histchars""".split()
)
#: Prefixes of the same: locale, bash's own, the dynamic loader's, completion and readline.
SHELL_PREFIXES = ("LC_", "BASH", "LD_", "COMP_", "READLINE_")

_PREFIX = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class EnvFormat(Format):
    """``NAME=value`` per field, one line each, quoted for ``eval``; strings as they are, other
    values as compact JSON (``true``, ``8``, ``[1,2]``). Each name is ``prefix`` +
    :func:`shell_name` of the field.

    Refused (:class:`~lazysweep._errors.SweepError`, nothing written): a value
    holding NUL (every shell would cut it there), an empty field name, a name
    that is just ``_``, two fields with one name, and a name the shell or the
    job's programs use (:data:`SHELL_VARIABLES`, :data:`SHELL_PREFIXES`):
    pass a ``prefix`` such as ``P_`` to avoid those.
    """

    closing = ""

    def __init__(self, prefix: str = "") -> None:
        if prefix and not _PREFIX.match(prefix):
            raise UsageError(f"--env-prefix must be a shell name (letters, digits, '_', not first a digit), got {prefix!r}")
        self.prefix = prefix

    def _name(self, key: Any) -> str:
        field = str(key)
        if not field:
            raise SweepError("a field with an empty name cannot be a shell variable")
        name = self.prefix + shell_name(field)
        if name == "_":
            raise SweepError(f"field {field!r} would become the shell variable _, which the shell overwrites")
        if name in SHELL_VARIABLES or name.startswith(SHELL_PREFIXES):
            raise SweepError(
                f"field {field!r} would set the shell variable {name}, which the shell or the job's programs use: "
                "rename the field or pass --env-prefix (for example --env-prefix P_)"
            )
        return name

    def field(self, key: Any, value: Any) -> str:
        return f"{self._name(key)}={shell_word(_text(value, key, words=False), double=False)}\n"

    def check_keys(self, keys: Sequence[Any], axes: Sequence[Axis] = ()) -> bool:
        self._names(keys)
        return all(key.__class__ is str for key in keys)

    def _names(self, keys: Iterable[Any]) -> None:
        seen: dict[str, Any] = {}
        for key in keys:
            name = self._name(key)
            if name in seen:
                raise SweepError(f"fields {seen[name]!r} and {key!r} both become the shell variable {name}")
            seen[name] = key

    def point(self, point: Mapping[Any, Any]) -> str:
        self._names(point)
        return "".join(self.field(key, value) for key, value in point.items())

    def indexed(self, texts: Iterator[str], sources: Iterator[int]) -> Iterator[str]:
        return (text + self.field("_index", index) for text, index in zip(texts, sources))


def shell_assignments(point: Mapping[str, Any], prefix: str = "") -> str:
    """One ``NAME=VALUE`` line per field, quoted for ``eval`` (:class:`EnvFormat`). O(size of the point).

    >>> print(shell_assignments({"os": "it's", "tp": 8, "dp-attn": False}), end="")
    os='it'"'"'s'
    tp=8
    dp_attn=false
    >>> print(shell_assignments({"PATH": "/x", "-": 2}, prefix="P_"), end="")
    P_PATH=/x
    P__=2
    """
    return EnvFormat(prefix).point(point)


def program_format(name: str, *, env_prefix: str = "", hydra_flatten: bool = False,
                   hydra_add: Collection[str] | bool = ()) -> Format:
    """The format ``--format NAME`` writes: ``args``, ``hydra`` or ``env``. ValueError for another name.

    >>> program_format("hydra", hydra_flatten=True).point({"pair": {"model": "vit", "bs": 64}})
    'model=vit bs=64'
    """
    if name == "args":
        return _ARGS
    if name == "hydra":
        return HydraFormat(hydra_flatten, hydra_add) if hydra_flatten or hydra_add else _HYDRA
    if name == "env":
        return EnvFormat(env_prefix)
    raise ValueError(f"unknown format {name!r}: expected args, hydra or env")
