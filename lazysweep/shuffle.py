"""A lazy random order: a keyed permutation of ``[0, count)``, computed one index at a time.

:class:`Permutation` is a Feistel network over the ``bits``-bit numbers,
``bits = (count - 1).bit_length()``, so its domain ``2**bits`` is less than
twice ``count``; an output at or past ``count`` is permuted again
("cycle-walking") until it lands inside, which takes fewer than two passes
on average. Both directions cost O(rounds) integer operations per index,
whatever the count (10**30 included), and nothing is stored but the keys.

The network, exactly (so any implementation can reproduce it):

* a number ``x`` of the domain is split into ``L = x >> b`` (``a`` bits)
  and ``R = x & (2**b - 1)`` (``b`` bits), ``a = bits // 2``, ``b = bits - a``;
* :data:`ROUNDS` rounds alternate ``L ^= F(R)`` and ``R ^= F(L)``, where
  round ``r``'s ``F(h) = ((h ^ k_r) * m_r mod 2**bits) >> s``, ``s`` being the
  width of the half that is *not* updated, so the result fills the updated
  half (multiply-shift hashing: the top bits of a keyed product);
* the keys come from SHAKE-256 of ``"lazysweep.shuffle/1 seed=<seed> bits=<bits>"``
  (the seed in decimal): ``2 * ROUNDS`` little-endian integers of ``bits // 8 + 1``
  bytes each, reduced modulo ``2**bits``, ``k_0, m_0, k_1, m_1, ...``, every ``m_r`` made odd.

Only integer operations and a fixed hash are involved, so a seed gives the
same order on every platform and Python version.

What "random" means here: the order is a *pseudo-random permutation*, meant
to pass statistical tests (the first ``k`` points of a shuffled sweep are
spread like a uniform sample without replacement: the tests check that with
chi-square), not to resist an adversary. It is not cryptographic: whoever
knows the seed knows the order, and the round function is chosen for speed.
Nor can it reach every one of the ``count!`` orders; no seeded shuffle of a
large sweep can.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from .space import Point, Sweep

from .space import View

__all__ = ["ROUNDS", "Permutation", "Shuffled"]

#: Feistel rounds (an even number, so each half is updated equally often). Fixed: the
#: order of a seed depends on it, and :func:`_network` writes the rounds out.
ROUNDS = 6


def _round_keys(seed: int, bits: int) -> list[tuple[int, int, int, int]]:
    """The round keys, two rounds to a tuple ``(k_even, m_even, k_odd, m_odd)``."""
    from hashlib import shake_256  # only when a shuffle is made: start-up time

    width = bits // 8 + 1
    stream = shake_256(f"lazysweep.shuffle/1 seed={seed} bits={bits}".encode()).digest(2 * ROUNDS * width)
    mask = (1 << bits) - 1
    words = [int.from_bytes(stream[at : at + width], "little") & mask for at in range(0, len(stream), width)]
    return [(words[i], words[i + 1] | 1, words[i + 2], words[i + 3] | 1) for i in range(0, len(words), 4)]


def _network(a: int, b: int, keys: list[tuple[int, int, int, int]]) -> Callable[[int], int]:
    """One pass of the network over ``0 <= x < 2**(a+b)``, the rounds written out (the hot path)."""
    (k0, m0, k1, m1), (k2, m2, k3, m3), (k4, m4, k5, m5) = keys
    mask, low_mask = (1 << (a + b)) - 1, (1 << b) - 1

    def forward(x: int) -> int:
        high, low = x >> b, x & low_mask
        high ^= ((low ^ k0) * m0 & mask) >> b
        low ^= ((high ^ k1) * m1 & mask) >> a
        high ^= ((low ^ k2) * m2 & mask) >> b
        low ^= ((high ^ k3) * m3 & mask) >> a
        high ^= ((low ^ k4) * m4 & mask) >> b
        low ^= ((high ^ k5) * m5 & mask) >> a
        return high << b | low

    return forward


def _inverse_network(a: int, b: int, keys: list[tuple[int, int, int, int]]) -> Callable[[int], int]:
    """The inverse of :func:`_network`: the same rounds, last first."""
    mask, low_mask, backwards = (1 << (a + b)) - 1, (1 << b) - 1, keys[::-1]

    def backward(x: int) -> int:
        high, low = x >> b, x & low_mask
        for k0, m0, k1, m1 in backwards:
            low ^= ((high ^ k1) * m1 & mask) >> a
            high ^= ((low ^ k0) * m0 & mask) >> b
        return high << b | low

    return backward


class Permutation:
    """A seeded bijection of ``range(count)``: ``p[i]`` and its inverse ``p.index(j)``.

    Each costs O(:data:`ROUNDS`) integer operations on numbers of
    ``2 * bits`` bits, about twice over on average for the cycle-walking,
    and O(1) memory, for any ``count``.

    >>> p = Permutation(10, seed=1)
    >>> order = [p[i] for i in range(10)]
    >>> sorted(order) == list(range(10)), [p.index(j) for j in order] == list(range(10))
    (True, True)
    >>> Permutation(10**30, seed=7)[10**30 - 1] < 10**30
    True
    """

    __slots__ = ("count", "seed", "_bits", "_forward", "_backward")

    def __init__(self, count: int, seed: int) -> None:
        if count < 0:
            raise ValueError("count must not be negative")
        self.count, self.seed = count, seed
        bits = max(count - 1, 0).bit_length()
        self._bits = bits
        keys = _round_keys(seed, bits)
        self._forward = _network(bits // 2, bits - bits // 2, keys)
        self._backward = _inverse_network(bits // 2, bits - bits // 2, keys)

    def __getitem__(self, index: int) -> int:
        """Where ``0 <= index < count`` goes (the walk of :func:`_walk`, without a generator: the hot path)."""
        count, forward = self.count, self._forward
        index = forward(index)
        while index >= count:
            index = forward(index)
        return index

    def index(self, value: int) -> int:
        """The ``i`` with ``self[i] == value``, for ``0 <= value < count``."""
        return next(_walk(self._backward, self.count, (value,)))

    def iter_range(self, start: int, stop: int) -> Iterator[int]:
        """``self[i]`` for ``start <= i < stop``, lazily."""
        return _walk(self._forward, self.count, range(start, stop))


def _walk(network: Callable[[int], int], count: int, indices: Iterable[int]) -> Iterator[int]:
    """Cycle-walking: each index through ``network`` until it lands below ``count``."""
    for index in indices:
        index = network(index)
        while index >= count:
            index = network(index)
        yield index


class Shuffled(View):
    """A sweep in a seeded random order: ``sweep.shuffled(seed)``. O(1) to make.

    ``view[i]`` costs one :class:`Permutation` look-up plus the base's own
    ``sweep[j]``; ``index()`` one inverse look-up per match; iterating ``n``
    points costs ``n`` look-ups.

    >>> from lazysweep import Sweep
    >>> view = Shuffled(Sweep.from_matrix({"n": {"start": 0, "stop": 9}}), seed=3)
    >>> sorted(point["n"] for point in view) == list(range(10)), view.index(view[4])
    (True, 4)
    """

    __slots__ = ("permutation",)

    def __init__(self, base: Sweep, seed: int) -> None:
        self.base = base
        self.permutation = Permutation(base.count, seed)

    @property
    def count(self) -> int:
        return self.base.count

    def _to_base(self, index: int) -> int:
        return self.permutation[index]

    def _from_base(self, index: int) -> int:
        return self.permutation.index(index)

    def _iter_range(self, start: int, stop: int) -> Iterator[Point]:
        return map(self.base._point, self.permutation.iter_range(start, stop))

    def _source_range(self, start: int, stop: int) -> Iterator[int]:
        return map(self.base._source, self.permutation.iter_range(start, stop))

    def __repr__(self) -> str:
        return f"<Shuffled of {self.count} points, seed {self.permutation.seed}: {self.base!r}>"
