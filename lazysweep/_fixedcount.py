"""Counting a matrix's survivors state by state, where a state is the entries that name no fixed
axis (the same on every path) plus the few matched on the fixed ones.

A state ``(free, matched)`` stands for the assignments of the axes ``free`` that avoid every
exclude entry naming only axes of ``free`` (``within(free)``, shared by every state with those
axes free) and the entries ``matched``, which name a fixed axis and matched it. Its count is,
by inclusion-exclusion over the few entries matched,

    sum over subsets S of matched: (-1)^|S| x sizes x count(free - axes S names, matched'),

where S fixes the axes its entries name to classes they all allow, and ``matched'`` is the
entries of ``within(free)`` that those classes match: again a few, since values rarely collide.
A state with none matched (or too many) is conditioned on one axis instead: each class of it
gives the state of the other axes with the entries that class matches. So a state's own work
follows the entries that change at it (those it matches, those its classes name), not all the
entries alive in it: the shared ones are wide-mask operations, O(axes) per state. Nothing
recurses: states are evaluated from an explicit stack.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import product
from math import prod

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    #: The entries naming only two axes y < z, as ``FixedCounter.pair`` reads them: (classes of y
    #: they leave no value of z, classes of z they exclude whatever y, y class -> the other classes
    #: of z its pairs exclude, z class -> the y classes whose pairs exclude it, survivors, values
    #: of y left, values of z left).
    PairTable = tuple[set[int], set[int], dict[int, set[int]], dict[int, list[int]], int, int, int]
    #: A state: (axes free, entries matched on the fixed axes).
    State = tuple[int, int]
    #: How a state's count is made: (scale, [(coefficient, child state)]), the scale alone when
    #: the terms are None (no entry alive).
    Plan = tuple[int, list[tuple[int, State]] | None]

#: The most combinations of classes that inclusion-exclusion may fix at one state (subsets of
#: the entries matched that fix the same classes are one term; those whose signs cancel, none).
SUBSET_TERMS = 64


def bits(mask: int) -> Iterator[int]:
    """The positions of the set bits of ``mask``, lowest first: a scan of its binary digits
    in C, where peeling off bits one by one would copy a wide mask at every step."""
    digits = bin(mask)[:1:-1]
    position = digits.find("1")
    while position >= 0:
        yield position
        position = digits.find("1", position + 1)


class FixedCounter:
    """Counts of states ``(free, matched)`` for a matrix's axes ``classes`` (each with
    ``named``, ``signatures``, ``sizes``, ``hits`` and ``size``), its exclude entries
    ``everyone`` (bits) and their axes ``entry_axes``. ``charge(work)`` is called once per
    state made, with the entries its own loops go over. Memory: one count per state."""

    def __init__(self, classes: Sequence[Any], entry_axes: Sequence[int], everyone: int,
                 charge: Callable[[int], None]) -> None:
        self.classes, self.entry_axes, self.everyone, self.charge = classes, entry_axes, everyone, charge
        self.named = [axis.named for axis in classes]  # include filters too (see MatrixSweep._reachable)
        self.all_axes = (1 << len(classes)) - 1
        self.within_cache: dict[int, int] = {}
        self.touched_cache: dict[tuple[int, int], list[int]] = {}
        self.single_cache: dict[int, tuple[set[int], int]] = {}
        self.pair_cache: dict[tuple[int, int], PairTable] = {}
        self.memo: dict[State, int] = {}
        self.pending = 0  # the work of the states counted in one go since the last charge

    def within(self, free: int) -> int:
        """The entries naming only axes of ``free``: O(axes) wide-mask operations, kept."""
        found = self.within_cache.get(free)
        if found is None:
            outside = 0
            for axis in bits(self.all_axes & ~free):
                outside |= self.named[axis]
            found = self.within_cache[free] = self.everyone & ~outside
        return found

    def count(self, free: int, matched: int) -> int:
        """The assignments of ``free`` avoiding ``within(free)`` and ``matched``."""
        memo = self.memo
        plans: dict[State, Plan] = {}
        root = (free, matched)
        stack = [root]
        while stack:
            state = stack[-1]
            if state in memo:
                stack.pop()
                continue
            plan = plans.get(state)
            if plan is None:
                plan = plans[state] = self.plan(*state)
                waiting = [child for _, child in plan[1] or () if child not in memo]
                if waiting:
                    stack.extend(waiting)
                    continue
            scale, terms = plan
            memo[state] = scale if terms is None else scale * sum(coefficient * memo[child] for coefficient, child in terms)
            del plans[state]
            stack.pop()
        return memo[root]

    def plan(self, free: int, matched: int) -> Plan:
        """The terms of one state: the axes no entry alive names multiply; then inclusion-exclusion
        over a few entries matched, or conditioning on one axis."""
        shared = self.within(free)
        alive = shared | matched
        if not alive:
            self.charge(0)
            return prod(self.classes[axis].size for axis in bits(free)), None
        named = 0
        if alive.bit_count() < free.bit_count():
            for bit in bits(alive):
                named |= self.entry_axes[bit]
            named &= free
        else:
            for axis in bits(free):
                if alive & self.named[axis]:
                    named |= 1 << axis
        scale = prod(self.classes[axis].size for axis in bits(free & ~named))
        if matched:
            terms = self.subsets(named, shared, matched)
            if terms is not None:
                self.charge(matched.bit_count() + self.pending)
                self.pending = 0
                return scale, terms
        return scale, self.condition(named, shared, matched)

    def narrowed(self, shared: int, free: int, fixed: int) -> int:
        """``within(free & ~fixed)`` from ``shared``, ``within(free)``: O(axes fixed), kept."""
        found = self.within_cache.get(free & ~fixed)
        if found is None:
            for axis in bits(fixed):
                shared &= ~self.named[axis]
            found = self.within_cache[free & ~fixed] = shared
        return found

    def child(self, free: int, entries: int, shared: int) -> State | None:
        """The state of ``free`` for ``entries`` alive (among them all of ``shared``, which is
        ``within(free)``), or None when one of them has no axis left in ``free`` (it is matched:
        nothing survives). O(entries matched)."""
        matched = entries & ~shared
        for bit in bits(matched):
            if not self.entry_axes[bit] & free:
                return None
        state = free, matched
        if state not in self.memo and free.bit_count() <= 2:  # two axes or fewer: counted at once
            if not free & (free - 1):
                self.memo[state] = self.single(free.bit_length() - 1, matched) if free else 1
            else:
                self.memo[state] = self.pair(free & -free, free & (free - 1), matched)
        return state

    def pair_table(self, low: int, high: int) -> PairTable:
        """:data:`PairTable` of the axes ``low`` and ``high`` (one bit each), kept: O(entries
        naming only them x their classes)."""
        key = (low, high)
        found = self.pair_cache.get(key)
        if found is not None:
            return found
        ys, zs = self.classes[low.bit_length() - 1], self.classes[high.bit_length() - 1]
        entries = self.within(low | high)
        dead, z_only, rows = self._excluded(entries, low, high)
        rows = {klass: row - z_only for klass, row in rows.items() if klass not in dead}
        columns: dict[int, list[int]] = {}
        for klass, row in rows.items():
            for other in row:
                columns.setdefault(other, []).append(klass)
        y_left = ys.size - sum(ys.sizes[klass] for klass in dead)
        z_left = zs.size - sum(zs.sizes[klass] for klass in z_only)
        total = y_left * z_left - sum(ys.sizes[klass] * sum(zs.sizes[other] for other in row)
                                      for klass, row in rows.items())
        self.pending += entries.bit_count()
        found = self.pair_cache[key] = dead, z_only, rows, columns, total, y_left, z_left
        return found

    def pair(self, low: int, high: int, matched: int) -> int:
        """The assignments of the two axes ``low`` < ``high`` (one bit each) that avoid the entries
        naming only them and ``matched`` (each with one or both of them left): the former's count
        (:meth:`pair_table`) less what each entry matched takes away from it. O(matched x the
        classes it allows x the classes of y sharing an excluded class of z)."""
        dead, z_only, rows, columns, total, y_left, z_left = self.pair_table(low, high)
        ys, zs = self.classes[low.bit_length() - 1], self.classes[high.bit_length() - 1]
        lost_rows, lost_columns, cells = self._excluded(matched, low, high)
        self.pending += matched.bit_count()
        lost_rows -= dead
        lost_columns -= z_only
        empty: set[int] = set()
        for klass in lost_rows:
            total -= ys.sizes[klass] * (z_left - sum(zs.sizes[other] for other in rows.get(klass, empty)))
        rows_left = y_left - sum(ys.sizes[klass] for klass in lost_rows)
        for other in lost_columns:
            excluded = sum(ys.sizes[klass] for klass in columns.get(other, ()) if klass not in lost_rows)
            total -= zs.sizes[other] * (rows_left - excluded)
        for klass, row in cells.items():
            if klass not in dead and klass not in lost_rows:
                extra = row - z_only - rows.get(klass, empty) - lost_columns
                total -= ys.sizes[klass] * sum(zs.sizes[other] for other in extra)
        return total

    def _excluded(self, entries: int, low: int, high: int) -> tuple[set[int], set[int], dict[int, set[int]]]:
        """What ``entries`` (each naming one or both of the axes ``low`` < ``high``, one bit each,
        and no other axis still free) exclude: the classes of y that leave no value of z (an entry
        naming y alone), the classes of z excluded whatever y (one naming z alone), and for the
        others, each class of y -> the classes of z its pairs exclude. O(entries x their classes)."""
        ys, zs = self.classes[low.bit_length() - 1], self.classes[high.bit_length() - 1]
        rows_out: set[int] = set()
        columns_out: set[int] = set()
        cells: dict[int, set[int]] = {}
        for bit in bits(entries):
            axes = self.entry_axes[bit]
            if not axes & high:
                rows_out.update(ys.hits[bit])
            elif not axes & low:
                columns_out.update(zs.hits[bit])
            else:
                for klass in ys.hits[bit]:
                    cells.setdefault(klass, set()).update(zs.hits[bit])
        return rows_out, columns_out, cells

    def single(self, axis: int, matched: int) -> int:
        """The values of ``axis`` that no entry naming only it and none of ``matched`` (each with
        only this axis left) allows: the classes the former hit are kept per axis, the latter's
        added, O(matched)."""
        classes = self.classes[axis]
        found = self.single_cache.get(axis)
        if found is None:
            hit = {klass for bit in bits(self.within(1 << axis)) for klass in classes.hits[bit]}
            found = self.single_cache[axis] = hit, classes.size - sum(classes.sizes[klass] for klass in hit)
            self.pending += len(hit)
        hit, left = found
        extra = {klass for bit in bits(matched) for klass in classes.hits[bit] if klass not in hit}
        self.pending += matched.bit_count()
        count: int = left - sum(classes.sizes[klass] for klass in extra)
        return count

    def subsets(self, free: int, shared: int, matched: int) -> list[tuple[int, State]] | None:
        """Inclusion-exclusion over ``matched``; None past :data:`SUBSET_TERMS` combinations."""
        signs: dict[tuple[tuple[int, int], ...], int] = {(): 1}  # fixing (axis, class pairs) -> sign
        for bit in bits(matched):
            hits = {axis: self.classes[axis].hits[bit] for axis in bits(self.entry_axes[bit] & free)}
            options = [dict(zip(hits, combination)) for combination in product(*hits.values())]
            added: dict[tuple[tuple[int, int], ...], int] = {}
            for fixing, sign in signs.items():  # each subset so far, with this entry or without it
                known = dict(fixing)
                for option in options:
                    if all(known.get(axis, klass) == klass for axis, klass in option.items()):
                        merged = tuple(sorted({**known, **option}.items()))
                        added[merged] = added.get(merged, 0) - sign
            for fixing, sign in added.items():
                signs[fixing] = signs.get(fixing, 0) + sign
            signs = {fixing: sign for fixing, sign in signs.items() if sign}  # subsets that cancel
            if len(signs) > SUBSET_TERMS:
                return None
        terms = []
        for fixing, sign in signs.items():
            entries, coefficient = shared, sign
            for axis, klass in fixing:
                classes = self.classes[axis]
                entries &= classes.signatures[klass]
                coefficient *= classes.sizes[klass]
            fixed = sum(1 << axis for axis, _ in fixing)
            state = self.child(free & ~fixed, entries, self.narrowed(shared, free, fixed))
            if state is not None:
                terms.append((coefficient, state))
        return terms

    def condition(self, free: int, shared: int, matched: int) -> list[tuple[int, State]]:
        """Each class of the axis most entries name (the matched ones first) times the state of
        the other axes with the entries it keeps."""
        alive = shared | matched
        source = matched if matched else shared
        axis = max(bits(free), key=lambda a: ((source & self.named[a]).bit_count(), -a))
        classes = self.classes[axis]
        key = (free, axis)
        touched = self.touched_cache.get(key)
        work = matched.bit_count()
        if touched is None:
            touched_set = {klass for bit in bits(shared & self.named[axis]) for klass in classes.hits[bit]}
            touched = self.touched_cache[key] = sorted(touched_set)
            work += len(touched)
        extra = {klass for bit in bits(matched & self.named[axis]) for klass in classes.hits[bit]}
        every = sorted(set(touched) | extra) if extra else touched
        rest = free & ~(1 << axis)
        narrowed = self.narrowed(shared, free, 1 << axis)
        terms = []
        for klass in every:
            state = self.child(rest, alive & classes.signatures[klass], narrowed)
            if state is not None:
                terms.append((classes.sizes[klass], state))
        lump = classes.size - sum(classes.sizes[klass] for klass in every)
        if lump:
            state = self.child(rest, alive & ~self.named[axis], narrowed)
            if state is not None:
                terms.append((lump, state))
        self.charge(work + len(every) + self.pending)
        self.pending = 0
        return terms
