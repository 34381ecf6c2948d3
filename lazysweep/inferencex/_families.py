"""The families of InferenceX's end-to-end workflow, as lazy selections of the generator's rows.

Upstream's ``.github/workflows/e2e-tests.yml`` (843c6254f), job ``get-jobs``,
runs the generator once and splits its list with seven inline Python filters,
one per benchmark job; :data:`FAMILIES` holds them, named after the job
outputs (``single-node-config`` -> ``single-node``), with the namespace tag
each family is scored under (``score_matrix single`` -> ``single``).

Here a family is an :class:`~lazysweep._selection.IndexSelection` of the
rows, built from the parts of the generator's lazy output (one part per
search-space item) without building the list: a part's rows share their
kind, their scenario and (from :func:`lazysweep.inferencex._evals.plan`)
their ``eval-only`` and, except in multi-node fixed-seq-len parts, their
``run-eval``. So one row decides a part, and a multi-node fixed part (one
row per runner node, its ``run-eval`` set per node) is read row by row.

:class:`Annotated` adds what upstream's pipeline adds to a family's rows
(``priority``, ``queue-token``, see :mod:`._priority`) and, on request, the
row's index in its family (``family-index``, a lazysweep addition), for the
rows of any batch, from their family-wide index.

Cost: one row per part (every row of a multi-node fixed part) to select a
family; then what the batch holds.
"""

from __future__ import annotations

import json
from itertools import accumulate

from .._selection import Ranges, select
from .._space import Sweep

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any

    from .._selection import IndexSelection
    from ._priority import Priority

__all__ = ["FAMILIES", "Family", "family_rows", "Annotated", "FAMILY_INDEX"]

AGENTIC = "agentic-coding"
#: The field a row's index in its family is written to (``--with-family-index``).
FAMILY_INDEX = "family-index"


class Family:
    """One of upstream's inline filters: its job output name, its scoring tag, its predicate."""

    __slots__ = ("name", "tag", "accepts", "by_run_eval")

    def __init__(self, name: str, tag: str, accepts: Callable[[dict[str, Any]], bool], by_run_eval: bool) -> None:
        self.name, self.tag, self.accepts, self.by_run_eval = name, tag, accepts, by_run_eval

    @property
    def output(self) -> str:
        """The ``get-jobs`` output upstream writes this family to."""
        return f"{self.name}-config"

    def __repr__(self) -> str:
        return f"Family({self.name!r})"


def _agentic(x: dict[str, Any]) -> bool:
    return x.get("scenario-type") == AGENTIC


# e2e-tests.yml, get-jobs, step get-jobs: each `python3 -c "... [x for x in d if PREDICATE] ..." | score_matrix TAG`
FAMILIES: dict[str, Family] = {family.name: family for family in (
    Family("single-node", "single",
           lambda x: "prefill" not in x and not _agentic(x) and not x.get("eval-only", False), False),
    Family("multi-node", "multi",
           lambda x: "prefill" in x and not _agentic(x) and not x.get("eval-only", False), False),
    Family("multi-node-eval", "multi-eval",
           lambda x: "prefill" in x and not _agentic(x) and x.get("run-eval", False), True),
    Family("agentic", "agentic",
           lambda x: _agentic(x) and "prefill" not in x and not x.get("run-eval", False), True),
    Family("agentic-eval", "agentic-eval",
           lambda x: _agentic(x) and "prefill" not in x and x.get("run-eval", False), True),
    Family("multi-node-agentic", "multi-agentic",
           lambda x: _agentic(x) and "prefill" in x and not x.get("run-eval", False), True),
    Family("multi-node-agentic-eval", "multi-agentic-eval",
           lambda x: _agentic(x) and "prefill" in x and x.get("run-eval", False), True),
)}


def _parts(rows: Sweep) -> tuple[Sweep, ...]:
    parts: tuple[Sweep, ...] | None = getattr(rows, "parts", None)
    return (rows,) if parts is None else parts


def _read_row_by_row(first: dict[str, Any], family: Family) -> bool:
    """Whether a part's rows can differ in membership: multi-node fixed rows under a run-eval filter."""
    return family.by_run_eval and "prefill" in first and not _agentic(first) and not first.get("eval-only", False)


def family_rows(rows: Sweep, family: str | Family) -> IndexSelection:
    """The rows of ``rows`` (the generator's output) that upstream's filter ``family`` keeps, in order.

    O(parts) rows read (plus the runner nodes of multi-node fixed parts).
    """
    chosen = family if isinstance(family, Family) else FAMILIES[family]
    parts = _parts(rows)
    runs: list[tuple[int, int]] = []
    for part, offset in zip(parts, accumulate((part.count for part in parts), initial=0)):
        if not part.count:
            continue
        first = part[0]
        if _read_row_by_row(first, chosen):
            runs.extend((offset + index, offset + index + 1) for index, row in enumerate(part)
                        if chosen.accepts(row))
        elif chosen.accepts(first):
            runs.append((offset, offset + part.count))
    return select(rows, Ranges(runs))


class Annotated(Sweep):
    """Rows of a family with what upstream's pipeline adds, from each row's family-wide index.

    ``base`` is a family (or a selection of one), ``index_of`` maps a
    position in ``base`` to the row's index in its family, ``priority``
    adds ``priority`` and ``queue-token`` as ``ci_priority.py`` does;
    ``with_index`` adds ``family-index``. O(row) per row.
    """

    __slots__ = ("base", "index_of", "priority", "with_index")

    def __init__(self, base: Sweep, index_of: Callable[[int], int], priority: Priority | None,
                 with_index: bool) -> None:
        self.base, self.index_of, self.priority, self.with_index = base, index_of, priority, with_index

    @property
    def count(self) -> int:
        return self.base.count

    def _annotated(self, row: dict[str, Any], position: int) -> dict[str, Any]:
        index = self.index_of(position)
        if self.priority is not None:
            from ._priority import annotate_row

            # upstream's script reads the rows as JSON: annotate what it would read
            row = annotate_row(json.loads(json.dumps(row)), index, self.priority)
        if self.with_index:
            row = {**row, FAMILY_INDEX: index}
        return row

    def _point(self, index: int) -> dict[str, Any]:
        return self._annotated(self.base[index], index)

    def _iter_range(self, start: int, stop: int) -> Iterator[dict[str, Any]]:
        return map(self._annotated, self.base[start:stop], range(start, stop))

    def _matches(self, point: Any, reverse: bool = False) -> Iterator[int]:
        indices = range(self.count - 1, -1, -1) if reverse else range(self.count)
        return (index for index in indices if self._point(index) == point)
