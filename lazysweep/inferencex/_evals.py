"""Eval marking (``run-eval``, ``eval-conc``), ``--all-evals`` merging and ``--evals-only``, from structure.

Upstream marks evals with passes over the whole list of rows. Every one of
them depends only on per-item facts, so here they are computed from the
segments (one per search-space item), never from the rows:

- single-node fixed 8k1k rows: per group (model, runner, framework,
  precision, isl, osl, spec-decoding, dp-attn), across config keys, the
  highest and the median of the distinct concurrencies >= MIN_EVAL_CONC;
- multi-node rows: per distinct parallelism (every field but conc, exp-name
  and the eval fields), the first row holding the highest eligible
  concurrency, which becomes its ``eval-conc``;
- agentic rows (with --evals-only or --all-evals): single-node, the first
  highest-concurrency row per (model, runner, framework, precision);
  multi-node, as multi-node fixed rows;
- --all-evals keeps every 8k1k single-node and every single-node agentic
  row and merges multi-node rows of one parallelism into the first.

:func:`plan` returns the output as parts of a lazy chain. Cost: one pass over
the segments and their runner nodes and concurrencies; rows are built only
when read.
"""

from __future__ import annotations

from itertools import groupby, starmap
from operator import itemgetter

from .._space import Sweep
from ._rows import Rows, Segment

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any

    #: The eval fields of a row, from its coordinates: ``(key, value)`` pairs set in order.
    Extra = Callable[[int, int], tuple[tuple[str, Any], ...]]

__all__ = ["MIN_EVAL_CONC", "plan", "parallelism_key", "mark_eval_entries", "mark_all_eval_entries"]

MIN_EVAL_CONC = 16
#: The fewest rows of a segment written from a template (fewer are encoded as dicts): measured on
#: the real configs 30 times over, where two thirds of the segments have one row, templates for
#: every segment take 1.4x the dicts' time, and from 3 rows on 0.9x.
_TEMPLATE_ROWS = 3
_TARGET = (8192, 1024)
_IGNORED = frozenset({"conc", "run-eval", "eval-only", "eval-conc", "eval-all-concs", "exp-name"})


def _freeze(value: Any) -> Any:
    # list comprehensions, not generators: this is most of the marking pass on multi-node configs
    if isinstance(value, dict):
        return tuple(sorted([(key, _freeze(item)) for key, item in value.items()]))
    if isinstance(value, list):
        return tuple([_freeze(item) for item in value])
    return value


def parallelism_key(row: dict[str, Any]) -> tuple[Any, ...]:
    """What identifies a multi-node configuration: every field but conc, exp-name and eval fields."""
    return tuple(sorted([(key, _freeze(value)) for key, value in row.items() if key not in _IGNORED]))


def _is_target(segment: Segment) -> bool:
    fields = segment.fields
    return not (fields.get("isl") != _TARGET[0] or fields.get("osl") != _TARGET[1])


def _eligible(concs: Any) -> list[Any]:
    return sorted(conc for conc in concs if conc >= MIN_EVAL_CONC)


class _SegmentRows(Sweep):
    """Some rows of a segment (all, or listed coordinates), with eval fields added per row."""

    __slots__ = ("segment", "pairs", "extra")

    def __init__(self, segment: Segment, extra: Extra | None, pairs: list[tuple[int, int]] | None = None) -> None:
        self.segment, self.extra, self.pairs = segment, extra, pairs

    @property
    def count(self) -> int:
        return self.segment.count if self.pairs is None else len(self.pairs)

    def _point(self, index: int) -> dict[str, Any]:
        conc, node = self.segment.coordinates(index) if self.pairs is None else self.pairs[index]
        row = self.segment.row(conc, node)
        if self.extra is not None:
            row.update(self.extra(conc, node))
        return row

    def _iter_range(self, start: int, stop: int) -> Iterator[dict[str, Any]]:
        return (self._point(index) for index in range(start, stop))

    def _holes(self, conc: int, node: int) -> tuple[tuple[str, ...], tuple[Any, ...]]:
        holes, values = self.segment.holes(conc, node)
        if self.extra is None:
            return holes, values
        keys, added = zip(*self.extra(conc, node))
        return holes + keys, values + added

    def _templated(self, start: int, stop: int) -> Iterator[tuple[dict[str, Any], tuple[str, ...], Iterator[Any]]] | None:
        """The rows ``start .. stop-1`` for the writer: the segment's fields as the template, the
        runner, concurrency, name and eval fields its holes; consecutive rows with the same
        holes form one group. O(holes) per row. None (encode them as dicts) for fewer than
        :data:`_TEMPLATE_ROWS` rows: a template costs about what encoding one row does."""
        if stop - start < _TEMPLATE_ROWS:
            return None
        segment = self.segment
        pairs = map(segment.coordinates, range(start, stop)) if self.pairs is None else self.pairs[start:stop]
        groups = groupby(starmap(self._holes, pairs), key=itemgetter(0))
        return ((segment.fields, holes, map(itemgetter(1), group)) for holes, group in groups)

    def _matches(self, point: Any, reverse: bool = False) -> Iterator[int]:
        indices = range(self.count - 1, -1, -1) if reverse else range(self.count)
        return (index for index in indices if self._point(index) == point)


class _Marks:
    """The eval choices of one output, computed in one pass over the segments."""

    def __init__(self, segments: list[Segment], include_agentic: bool) -> None:
        self.include_agentic = include_agentic
        self._keys: dict[int, Any] = {}  # parallelism key of a multi-node segment, without its runner
        concs_by_group: dict[Any, set[Any]] = {}
        self.best: dict[Any, tuple[Any, int, int, int]] = {}  # group -> (conc, segment number, conc pos, node pos)
        for number, segment in enumerate(segments):
            if segment.kind == "sn" and _is_target(segment):
                eligible = [conc for conc in segment.concs if conc >= MIN_EVAL_CONC]
                for node in range(len(segment.nodes)):
                    if eligible:
                        concs_by_group.setdefault(self.group(segment, node), set()).update(eligible)
            elif segment.kind == "mn" and _is_target(segment):
                eligible = _eligible(segment.concs)
                for node in range(len(segment.nodes)):
                    if eligible:
                        self._consider(self.group(segment, node), eligible[-1], number, -1, node)
            elif segment.kind == "sa" and include_agentic:
                position = max(range(len(segment.concs)), key=segment.concs.__getitem__)
                for node in range(len(segment.nodes)):
                    self._consider(self.group(segment, node), segment.concs[position], number, position, node)
            elif segment.kind == "ma" and include_agentic:
                for node in range(len(segment.nodes)):
                    group = None
                    for position, conc in enumerate(segment.concs):
                        if conc >= MIN_EVAL_CONC:
                            group = group or self.group(segment, node)
                            self._consider(group, conc, number, position, node)
        self.targets = {}
        for group, values in concs_by_group.items():
            ordered = sorted(values)
            self.targets[group] = {ordered[-1], ordered[len(ordered) // 2]}
        self.chosen = {(number, conc, node): value for value, number, conc, node in self.best.values()}
        self.pairs: dict[int, list[tuple[int, int]]] = {}
        for _, number, conc, node in self.best.values():
            self.pairs.setdefault(number, []).append((conc, node))

    def _consider(self, group: Any, value: Any, number: int, conc: int, node: int) -> None:
        best = self.best.get(group)
        if best is None or value > best[0]:
            self.best[group] = (value, number, conc, node)

    def group(self, segment: Segment, node: int) -> Any:
        """The eval group of the segment's rows on node position ``node``."""
        fields, runner = segment.fields, segment.nodes[node]
        if segment.kind == "sn":
            return (fields["model"], runner, fields["framework"], fields["precision"], fields["isl"], fields["osl"],
                    fields["spec-decoding"], fields["dp-attn"])
        if segment.kind == "sa":
            return ("sa", fields["model"], runner, fields["framework"], fields["precision"])
        key = self._keys.get(id(segment))
        if key is None:
            key = self._keys[id(segment)] = parallelism_key({**fields, "runner": None})
        return key, runner

    def marked_pairs(self, number: int, segment: Segment) -> list[tuple[int, int]]:
        """The coordinates of the segment's marked rows, in row order: O(concurrencies + nodes + marked)."""
        if segment.kind == "sn":
            if not _is_target(segment):
                return []
            positions: dict[Any, list[int]] = {}
            for position, value in enumerate(segment.concs):
                positions.setdefault(value, []).append(position)
            pairs = [(position, node) for node in range(len(segment.nodes))
                     for target in self.targets.get(self.group(segment, node), ())
                     for position in positions.get(target, ())]
            return sorted(pairs, key=lambda pair: _row_index(segment, pair))
        return sorted(self.pairs.get(number, ()), key=lambda pair: _row_index(segment, pair))

    def extra(self, number: int, segment: Segment, eval_only: bool) -> Extra:
        """A function that adds the eval fields to a row of segment ``number``."""
        if segment.kind == "sn":
            targets = [self.targets.get(self.group(segment, node), ()) if _is_target(segment) else ()
                       for node in range(len(segment.nodes))]

            only = _EVAL_ONLY if eval_only else ()

            def single(conc: int, node: int) -> tuple[tuple[str, Any], ...]:
                return (("run-eval", segment.concs[conc] in targets[node]), *only)

            return single
        chosen = self.chosen
        agentic_marked = segment.kind == "mn" or self.include_agentic

        def other(conc: int, node: int) -> tuple[tuple[str, Any], ...]:
            value = chosen.get((number, conc, node)) if agentic_marked else None
            found: tuple[tuple[str, Any], ...] = (("run-eval", value is not None),)
            if value is not None and segment.kind != "sa":
                found += (("eval-conc", value),)
            return found + _EVAL_ONLY if eval_only else found

        return other


def _row_index(segment: Segment, pair: tuple[int, int]) -> int:
    conc, node = pair
    if segment.kind == "mn":
        return node
    if segment.kind == "ma":
        return node * len(segment.concs) + conc
    return conc * len(segment.nodes) + node


class _Merged(Sweep):
    """One --all-evals row: a multi-node row whose conc is the sorted union of its parallelism group's."""

    __slots__ = ("segment", "node", "concs", "agentic", "eval_only")

    def __init__(self, segment: Segment, node: int, concs: list[Any], eval_only: bool = True) -> None:
        self.segment, self.node, self.concs, self.agentic = segment, node, concs, segment.kind == "ma"
        self.eval_only = eval_only

    @property
    def count(self) -> int:
        return 1

    def _point(self, index: int) -> dict[str, Any]:
        row = self.segment.row(0 if self.agentic else -1, self.node)
        row["conc"] = self.concs
        row["run-eval"] = True
        if self.agentic:
            row["eval-conc"] = max(self.concs)
        else:
            row.pop("eval-conc", None)
            row["eval-all-concs"] = True
        if self.eval_only:
            row["eval-only"] = True
        return row

    def _iter_range(self, start: int, stop: int) -> Iterator[dict[str, Any]]:
        return (self._point(index) for index in range(start, stop))

    def _matches(self, point: Any, reverse: bool = False) -> Iterator[int]:
        return iter((0,) if self._point(0) == point else ())


_EVAL_ONLY = (("eval-only", True),)


def _all_marked(conc: int, node: int) -> tuple[tuple[str, Any], ...]:
    return ("run-eval", True), ("eval-only", True)


def _run_eval(conc: int, node: int) -> tuple[tuple[str, Any], ...]:
    return (("run-eval", True),)


def plan(segments: list[Segment], no_evals: bool = False, evals_only: bool = False,
         all_evals: bool = False) -> Rows:
    """The output rows of ``segments`` under the eval flags, as a lazy :class:`Rows`."""
    if no_evals:
        return Rows(_SegmentRows(segment, None) for segment in segments)
    include_agentic = evals_only or all_evals
    marks = _Marks(segments, include_agentic)
    if all_evals:
        return Rows(_all_evals_parts(segments, marks))
    if evals_only:
        return Rows(_SegmentRows(segment, marks.extra(number, segment, True), marks.marked_pairs(number, segment))
                    for number, segment in enumerate(segments))
    return Rows(_SegmentRows(segment, marks.extra(number, segment, False)) for number, segment in enumerate(segments))


def _all_evals_parts(segments: list[Segment], marks: _Marks, eval_only: bool = True) -> list[Sweep]:
    """--all-evals: every 8k1k single-node and single-node agentic row; multi-node rows merged per group.

    With ``eval_only`` (the command line) the other rows are dropped and the
    kept ones get ``eval-only``; without (upstream's mark_all_eval_entries)
    the other rows stay as they are.
    """
    parts: list[Sweep] = []
    merged: dict[Any, _Merged] = {}
    for number, segment in enumerate(segments):
        if segment.kind == "sa" or (segment.kind in ("sn", "other") and _is_target(segment)):
            parts.append(_SegmentRows(segment, _all_marked if eval_only else _run_eval))
        elif segment.kind == "ma" or (segment.kind == "mn" and _is_target(segment)):
            concs = list(segment.concs)
            for node in range(len(segment.nodes)):
                key = marks.group(segment, node)
                first = merged.get(key)
                if first is None:
                    merged[key] = first = _Merged(segment, node, sorted(set(concs)), eval_only)
                    parts.append(first)
                else:
                    first.concs = sorted(set(first.concs + concs))
        elif not eval_only:
            parts.append(_SegmentRows(segment, None))
    return parts


# -- upstream's functions over lists of rows ---------------------------------------------


class _RowSegment(Segment):
    """One row of a list, as a segment of one row that comes out as it went in."""

    __slots__ = ()

    @property
    def count(self) -> int:
        return 1

    def holes(self, conc: int, node: int) -> tuple[tuple[str, ...], tuple[Any, ...]]:
        return (), ()


def _as_segment(row: dict[str, Any]) -> Segment:
    """A row of a list as a one-row segment (a multi-node agentic row's concs are its positions)."""
    conc, node = row.get("conc"), [row.get("runner")]
    if row.get("scenario-type") == "agentic-coding":
        if "prefill" in row:
            return _RowSegment("ma", row, list(conc) if isinstance(conc, list) else [conc], node)
        return _RowSegment("sa", row, [conc], node)
    if "tp" in row:
        return _RowSegment("sn", row, [conc], node)
    return _RowSegment("mn" if "prefill" in row else "other", row, conc if isinstance(conc, list) else [conc], node)


def mark_eval_entries(matrix_values: Any, include_agentic: bool = False) -> list[dict[str, Any]]:
    """Upstream's eval marking of a list of rows, in place: sets ``run-eval`` (and ``eval-conc``).

    O(rows). The command line marks from structure instead (:func:`plan`).
    """
    rows = matrix_values if isinstance(matrix_values, list) else list(matrix_values)
    segments = [_as_segment(row) for row in rows]
    marks = _Marks(segments, include_agentic)
    for number, (row, segment) in enumerate(zip(rows, segments)):
        if segment.kind == "other":
            row["run-eval"] = False
            continue
        conc, node = marks.pairs.get(number, [(-1 if segment.kind == "mn" else 0, 0)])[0]
        row.update(marks.extra(number, segment, False)(conc, node))
    return rows


def mark_all_eval_entries(matrix_values: Any) -> list[dict[str, Any]]:
    """Upstream's --all-evals expansion of a list of marked rows: a new list. O(rows)."""
    segments = [_as_segment(row) for row in matrix_values]
    return list(Rows(_all_evals_parts(segments, _Marks([], False), eval_only=False)))
