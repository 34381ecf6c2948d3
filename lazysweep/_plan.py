"""Plans: one token that every job of a fan-out checks, so none can disagree with the plan.

A sweep's *fingerprint* is a hash of its content, worked out from its
structure without expanding it; a :class:`Plan` is the batch size, the
fingerprint and (when the plan was made for a selection, ``--only``) a
fingerprint of that selection, written as a compact token such as
``v1.256.3f0c2a9d41b7e855``. The plan job makes the token; every job it fans
out passes it back, and a sweep or selection that differs is refused.

What counts as the same sweep: the same points in the same order, described
the same way. Precisely, the fingerprint covers

* each axis as its sequence of values: a list, a range and a geometric range
  giving the same values are the same axis (``[1, 2, 3]`` is
  ``{start: 1, stop: 3}``; ``{start: 0, stop: 10, step: 5}`` is
  ``{start: 0, stop: 12, step: 5}``), and key order inside a value that is a
  mapping does not count (JSON objects are unordered; GitHub matches them so);
* the order of the axes (it is the order of the points);
* ``exclude`` entries as a set (order, duplicates and key order inside an
  entry do not count); ``include`` entries in order (later ones overwrite),
  key order inside an entry not counting;
* the matrices of a concatenation in order, however they are split between
  files and ``sweeps:`` lists.

Each kind of sweep describes itself (:meth:`lazysweep.Sweep._describe`);
mapping keys are compared as the names JSON writes for them, so keys of
mixed types (``{name: a, 8: fast}``) have one order, and two keys JSON
writes as one name are refused.

Nothing else counts: not comments, YAML style (flow or block, quoting,
anchors), key order in range specs and entries, file names, nor the platform.
Two descriptions that happen to give the same points another way (axes
swapped where one of them has a single value, an ``exclude`` that removes
nothing) get different fingerprints: the plan then refuses a run it could
have allowed, never the other way round.

>>> from lazysweep import ArithmeticRange, Product, ValuesAxis
>>> a = Product([ValuesAxis("n", [0, 5, 10]), ValuesAxis("os", [{"name": "linux", "arm": False}])])
>>> b = Product([ArithmeticRange("n", 0, 10, 5), ValuesAxis("os", [{"arm": False, "name": "linux"}])])
>>> fingerprint(a) == fingerprint(b), len(fingerprint(a))
(True, 16)
"""

from __future__ import annotations

import json
import re

from hashlib import sha256

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from collections.abc import Sequence
    from typing import Any

from ._batching import DEFAULT_BATCH_SIZE, check_batch_size
from ._encode import INDEX_FIELD, canonical
from ._errors import SweepError, UsageError
from ._pipeline import options_of
from ._space import Sweep

__all__ = ["INDEX_FIELD", "fingerprint", "describe", "field_names", "selection_fingerprint", "Plan", "check_plan"]

#: Hex digits of the SHA-256 digest kept: 64 bits, plenty to tell sweeps apart by accident.
FINGERPRINT_DIGITS = 16
_VERSION = "v1"
_TOKEN = re.compile(r"v1\.([1-9][0-9]{0,30})\.([0-9a-f]{16})(?:\.([0-9a-f]{16}))?\Z")


def fingerprint(sweep: Sweep) -> str:
    """The sweep's fingerprint: 16 hex digits of a SHA-256 over :func:`describe`.

    Cost: O(size of the sweep's description: its axes' listed values and
    entries), never O(points).
    """
    return _digest(["lazysweep-sweep-1", describe(sweep)])


def selection_fingerprint(steps: Sequence[Any]) -> str:
    """The fingerprint of a selection, given as its JSON-able steps (``[["only", "0-9,15"]]``)."""
    return _digest(["lazysweep-selection-1", list(steps)])


def _digest(value: Any) -> str:
    return sha256(canonical(value).encode("ascii")).hexdigest()[:FINGERPRINT_DIGITS]


def describe(sweep: Sweep) -> list[Any]:
    """The canonical, JSON-able description of a sweep's content that :func:`fingerprint` hashes.

    Each kind of sweep gives its own (:meth:`lazysweep.Sweep._describe`). TypeError for a
    sweep whose kind has none (a shuffled one: its order is not content).

    >>> from lazysweep import GeometricRange, Product, ValuesAxis
    >>> describe(Product([ValuesAxis("os", ["linux"]), GeometricRange("n", 1, 9, 2)]))
    ['product', [['os', ['values', ['"linux"']]], ['n', ['geometric', 1, 2, 5, 9]]]]
    """
    if not isinstance(sweep, Sweep):
        raise TypeError(f"cannot fingerprint a {type(sweep).__name__}")
    return sweep._describe()


def field_names(sweep: Sweep) -> set[str]:
    """Every key a point of ``sweep`` can have: its axes, and its ``include`` entries' keys.

    >>> from lazysweep._axes import ValuesAxis
    >>> from lazysweep._matrix import MatrixSweep
    >>> sorted(field_names(MatrixSweep([ValuesAxis("os", ["linux"])], include=[{"arm": True}])))
    ['arm', 'os']
    """
    return _field_names(describe(sweep))


def _field_names(description: list[Any]) -> set[str]:
    kind = description[0]
    if kind == "chain":
        return set().union(*map(_field_names, description[1]))
    if kind in ("slice", "only"):
        return _field_names(description[1])
    names = {name for name, _ in description[1]}
    for entry in description[3] if kind == "matrix" else ():
        names.update(json.loads(entry))
    return names


class Plan:
    """A fan-out's plan: batch size, sweep fingerprint and, for a selection, its fingerprint.

    ``str(plan)`` is the token (letters, digits and dots: safe in URLs, shell
    words and GitHub outputs); :meth:`parse` reads it back.

    >>> plan = Plan(100, "3f0c2a9d41b7e855")
    >>> str(plan), Plan.parse(str(plan)) == plan
    ('v1.100.3f0c2a9d41b7e855', True)
    """

    __slots__ = ("size", "fingerprint", "selection")

    def __init__(self, size: int = DEFAULT_BATCH_SIZE, fingerprint: str = "", selection: str | None = None) -> None:
        self.size = check_batch_size(size)
        self.fingerprint = fingerprint
        self.selection = selection

    @classmethod
    def of(cls, sweep: Sweep, size: int = DEFAULT_BATCH_SIZE, selection: Sequence[Any] = ()) -> Plan:
        """The plan for batches of ``size`` over ``sweep`` (the whole sweep, before any selection),
        narrowed by the selection ``steps`` when there are any."""
        return cls(size, fingerprint(sweep), selection_fingerprint(selection) if selection else None)

    @classmethod
    def parse(cls, token: str) -> Plan:
        """The plan a token holds; ValueError when it is not one."""
        found = _TOKEN.match(token.strip())
        if not found:
            raise ValueError(f"invalid plan token {token[:60]!r} (expected one that 'lazysweep batches "
                             "--github-output' or 'lazysweep plan' wrote, like v1.256.3f0c2a9d41b7e855)")
        return cls(int(found.group(1)), found.group(2), found.group(3))

    def __str__(self) -> str:
        parts = [_VERSION, str(self.size), self.fingerprint] + ([self.selection] if self.selection else [])
        return ".".join(parts)

    def __repr__(self) -> str:
        return f"Plan.parse({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Plan) and str(self) == str(other)

    __hash__ = None  # type: ignore[assignment]


def check_plan(plan: Plan, sweep: Sweep, steps: Sequence[Any] = (), size: int | None = None) -> int:
    """Check a job against its plan; return the batch size to use (the plan's).

    ``sweep`` is the whole sweep, ``steps`` the job's selection steps
    (:func:`lazysweep._pipeline.select_points`), ``size`` the job's own batch
    size when it gives one. A sweep whose fingerprint differs is bad data
    (:class:`~lazysweep._errors.SweepError`); a size or selection that differs
    is bad usage (:class:`~lazysweep._errors.UsageError`), and the message
    names the option to change. ``--size auto`` is no size of the job's own:
    with a plan, the size is the one the plan job worked out (pass ``size=None``),
    so a shard never works out another. O(the sweep's description + steps).
    """
    if size is not None and size != plan.size:
        raise UsageError(f"--size {size} disagrees with the plan's batch size {plan.size}: drop --size")
    found = fingerprint(sweep)
    if found != plan.fingerprint:
        raise SweepError(
            f"the sweep's fingerprint is {found}, the plan's is {plan.fingerprint}: "
            "the sweep changed since the plan was made (run the plan again)"
        )
    selection = selection_fingerprint(steps) if steps else None
    if selection != plan.selection:
        raise UsageError(_selection_advice(plan, list(steps)))
    return plan.size


def _selection_advice(plan: Plan, steps: list[Any]) -> str:
    """What to change when a job's selection is not its plan's: the one option to add or drop when
    that is what it takes, else every selection option the job passed."""
    if plan.selection is None:
        return f"the plan covers the whole sweep, not a selection: drop {options_of(steps)}"
    candidates = [(steps[:k] + steps[k + 1:], f"the plan was made without {options_of([step])}: drop it")
                  for k, step in enumerate(steps)]
    for candidate, advice in candidates:
        if candidate and selection_fingerprint(candidate) == plan.selection:
            return advice
    options = "selection options (--only, --shuffle, --sample, --shards)"
    if not steps:
        return f"the plan was made for a selection of the sweep: pass the plan job's {options}"
    return (f"the plan was made for another selection of the sweep (this job passes {options_of(steps)}): "
            f"pass the plan job's {options} unchanged")
