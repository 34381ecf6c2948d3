"""The row types of the InferenceX drop-in: a search-space item's rows, and a generator's output.

:class:`Segment` is one search-space item's rows as a lazy index space
(concurrency x runner node), :class:`Rows` the chain of them a generator
returns. The generator (:mod:`._generate`) makes them and the eval marking
(:mod:`._evals`) views them; both import them from here, neither the other's
row types.
"""

from __future__ import annotations

from .._space import Chain, Sweep

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

__all__ = ["Segment", "Rows"]

_RUNNER_CONC = ("runner", "conc")
_RUNNER_CONC_NAME = ("runner", "conc", "exp-name")


class Segment(Sweep):
    """The rows of one search-space item: its concurrencies x runner nodes.

    ``kind`` is ``"sn"``/``"mn"`` (fixed sequence lengths, single/multi-node)
    or ``"sa"``/``"ma"`` (agentic). ``fields`` holds the row's values in
    output order, with ``conc``, ``runner`` and (agentic) ``exp-name`` filled
    per row. O(1) per row; ``count`` is O(1).
    """

    __slots__ = ("kind", "fields", "concs", "nodes", "name")

    def __init__(self, kind: str, fields: dict[str, Any], concs: list[Any], nodes: list[Any],
                 name: tuple[str, str] | None = None) -> None:
        self.kind, self.fields, self.concs, self.nodes, self.name = kind, fields, concs, nodes, name

    @property
    def multinode(self) -> bool:
        return self.kind[0] == "m"

    @property
    def agentic(self) -> bool:
        return self.kind[1] == "a"

    @property
    def count(self) -> int:
        return len(self.nodes) if self.kind == "mn" else len(self.concs) * len(self.nodes)

    def coordinates(self, index: int) -> tuple[int, int]:
        """``(concurrency position, node position)`` of row ``index`` (-1: the whole list)."""
        if self.kind == "mn":
            return -1, index
        if self.kind == "ma":
            node, conc = divmod(index, len(self.concs))
            return conc, node
        return divmod(index, len(self.nodes))

    def row(self, conc: int, node: int) -> dict[str, Any]:
        """The row at concurrency position ``conc`` (-1: all) on node position ``node``."""
        row = dict(self.fields)
        row.update(zip(*self.holes(conc, node)))
        return row

    def holes(self, conc: int, node: int) -> tuple[tuple[str, ...], tuple[Any, ...]]:
        """The fields that vary from row to row (keys of ``fields``, in its order) and their values
        in the row at ``conc`` and ``node``: ``row`` is ``fields`` with these put in place."""
        value = self.concs if conc < 0 else self.concs[conc]
        listed = [value] if self.kind == "ma" else value
        if self.name is None:
            return _RUNNER_CONC, (self.nodes[node], listed)
        return _RUNNER_CONC_NAME, (self.nodes[node], listed, f"{self.name[0]}{value}{self.name[1]}")

    def _point(self, index: int) -> dict[str, Any]:
        return self.row(*self.coordinates(index))

    def _iter_range(self, start: int, stop: int) -> Iterator[dict[str, Any]]:
        return (self._point(index) for index in range(start, stop))

    def _matches(self, point: Any, reverse: bool = False) -> Iterator[int]:
        indices = range(self.count - 1, -1, -1) if reverse else range(self.count)
        return (index for index in indices if self._point(index) == point)


class Rows(Chain):
    """A generator's output: a lazy sequence of rows (len, index, slice, iterate, batch)."""

    __slots__ = ()

    def __init__(self, parts: Any) -> None:
        super().__init__(part for part in parts if part.count)
