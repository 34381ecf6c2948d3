"""A lazy random order: a keyed permutation of ``[0, count)``, computed one index at a time.

:class:`Permutation` is a Feistel network over the ``bits``-bit numbers,
``bits = (count - 1).bit_length()``, so its domain ``2**bits`` is less than
twice ``count``; an output at or past ``count`` is permuted again
("cycle-walking") until it lands inside, which takes fewer than two passes
on average. Both directions cost O(rounds) integer operations per index,
whatever the count (10**30 included), and nothing is stored but the keys.
A run of consecutive indices goes through the same network a chunk at a
time, every index of the chunk in one lane of a big int
(:mod:`lazysweep._lanes`): the same numbers, in about a quarter of the time.

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

from collections.abc import Callable, Iterable, Iterator, MutableSequence, Sequence
from itertools import chain

from ._lanes import LANE_BITS, WORD, Lanes, fitting_width, lane_width

__all__ = ["ROUNDS", "CHUNK", "Permutation"]

#: Feistel rounds (an even number, so each half is updated equally often). Fixed: the
#: order of a seed depends on it, and :func:`_network` writes the rounds out.
ROUNDS = 6

#: Indices permuted together, one to a lane of a big int: memory O(CHUNK), whatever the run's length.
#: (4,096: about 0.93x the time of 1,024 for a whole stream, the Python steps of a chunk paid a quarter
#: as often; 8,192 and 16,384 gained nothing more.)
CHUNK = 4096

#: Fewer indices than this go through the network one at a time (cheaper than making lane
#: constants), as do all the indices of a count wider than :data:`~lazysweep._lanes.LANE_BITS`.
SCALAR_BELOW = 16

#: Chunks kept by :meth:`Permutation.chunks` after they are made.
RECENT = 4

#: The lanes of a cycle-walking pass are rounded up to a multiple of this, so a few networks,
#: made once, serve every pass of every chunk (at most ``CHUNK / LANE_STEP`` of them).
LANE_STEP = 128


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


class _LaneNetwork:
    """:func:`_network` over every lane of a packed int at once: the same numbers.

    Each round is five big-int operations on the whole chunk:
    ``high ^= ((low ^ K) * m & M) >> b``, ``K`` being the key in every lane
    and ``M`` the replicated mask of bits ``b .. bits-1``: ANDing before the
    shift keeps each lane's bits in its own lane. The lanes are wide enough
    (:func:`~lazysweep._lanes.lane_width` of ``bits``) for ``(h ^ k) * m``,
    two ``bits``-bit numbers, not to reach the next lane.

    With ``split``, six: ``high ^= ((low ^ K) * m + C & M) >> b``. ``low`` is
    below ``2**b``, so ``low ^ k == (low ^ k_lo) + k_hi`` (``k``'s bits below
    ``b``, and the rest), and modulo ``2**bits`` the product is ``(low ^ k_lo) * m``
    plus the constant ``C = k_hi * m mod 2**bits``; ``K`` is then ``k_lo`` in every
    lane and ``C`` is in every lane. A lane holds :func:`lane_bits` of ``bits``,
    ``bits + ceil(bits / 2)``, not ``2 * bits + 2``: 32-bit lanes up to 21 bits,
    half the work of 64-bit ones, for one addition a round more (taken only where
    the lanes are narrower for it: :meth:`Permutation._network_of`).
    """

    __slots__ = ("lanes", "bits", "twice", "_low_bits", "_low_mask", "_high_mask", "_rounds", "_split")

    def __init__(self, a: int, b: int, keys: list[tuple[int, int, int, int]], lanes: Lanes, split: bool,
                 twice: bool = False) -> None:
        self.lanes, self.bits, self._low_bits, self._split = lanes, a + b, b, split
        #: Whether :meth:`walk` takes two steps: worth a second pass over every lane where many walk.
        self.twice = twice
        bits_mask, low_mask, high_low_mask = (1 << (a + b)) - 1, (1 << b) - 1, (1 << a) - 1
        self._low_mask, self._high_mask = lanes.replicate(low_mask), lanes.replicate(bits_mask ^ low_mask)
        low_result = lanes.replicate(bits_mask ^ high_low_mask)

        def key(key: int, multiplier: int, half_mask: int) -> tuple[int, ...]:
            if not split:
                return lanes.replicate(key), multiplier
            # the key's bits inside the half, in every lane, and its bits above, times m, as a constant
            return lanes.replicate(key & half_mask), lanes.replicate((key & ~half_mask) * multiplier & bits_mask), multiplier

        self._rounds = [
            (*key(k_high, m_high, low_mask), *key(k_low, m_low, high_low_mask), low_result)
            for k_high, m_high, k_low, m_low in keys
        ]

    def __call__(self, packed: int) -> int:
        b, a, high_result = self._low_bits, self.bits - self._low_bits, self._high_mask
        high, low = (packed & high_result) >> b, packed & self._low_mask
        if self._split:
            for k_high, c_high, m_high, k_low, c_low, m_low, low_result in self._rounds:
                high ^= ((low ^ k_high) * m_high + c_high & high_result) >> b
                low ^= ((high ^ k_low) * m_low + c_low & low_result) >> a
        else:
            for k_high, m_high, k_low, m_low, low_result in self._rounds:
                high ^= ((low ^ k_high) * m_high & high_result) >> b
                low ^= ((high ^ k_low) * m_low & low_result) >> a
        return high << b | low

    def walk(self, packed: int, count: int) -> tuple[MutableSequence[int], list[int]]:
        """The network's image of every lane, and the lanes where it is ``count`` or more; with
        :attr:`twice`, two steps of the cycle-walk at once: each lane's image,
        or, where that is ``count`` or more, its image's image (one more pass over the whole int, and
        a mask picking its lanes, in place of gathering the lanes outside and putting them back one by one).
        The images are an ``array`` of the lanes' words when the lanes are 32 or 64 bits
        (:meth:`~lazysweep._lanes.Lanes.words`), else a list."""
        lanes = self.lanes
        image = self(packed)
        flags = lanes.flags_at_least(image, count)
        if flags and self.twice:
            image ^= (image ^ self(image)) & lanes.spread(flags)
            flags = lanes.flags_at_least(image, count)
        images = lanes.words(image) if lanes.width <= WORD else lanes.unpack(image, self.bits)
        return images, lanes.flagged(flags)


class Permutation:
    """A seeded bijection of ``range(count)``: ``p[i]`` and its inverse ``p.index(j)``.

    Each costs O(:data:`ROUNDS`) integer operations on numbers of
    ``2 * bits`` bits, about twice over on average for the cycle-walking,
    and O(1) memory, for any ``count``. A run of ``n`` consecutive indices
    (:meth:`chunks`, :meth:`iter_range`) costs O(n) too, but a chunk of
    :data:`CHUNK` at a time, in lanes, with memory O(CHUNK).

    >>> p = Permutation(10, seed=1)
    >>> order = [p[i] for i in range(10)]
    >>> sorted(order) == list(range(10)), [p.index(j) for j in order] == list(range(10))
    (True, True)
    >>> Permutation(10**30, seed=7)[10**30 - 1] < 10**30
    True
    >>> list(Permutation(1000, seed=0).iter_range(0, 5))
    [329, 47, 707, 307, 827]
    """

    __slots__ = ("count", "seed", "_bits", "_keys", "_forward", "_backward", "_networks", "_recent")

    def __init__(self, count: int, seed: int) -> None:
        if count < 0:
            raise ValueError("count must not be negative")
        self.count, self.seed = count, seed
        bits = max(count - 1, 0).bit_length()
        self._bits = bits
        self._keys = keys = _round_keys(seed, bits)
        self._forward = _network(bits // 2, bits - bits // 2, keys)
        self._backward = _inverse_network(bits // 2, bits - bits // 2, keys)
        self._networks: dict[int, _LaneNetwork] = {}  # by lane count, each made on first use
        self._recent: dict[tuple[int, int], Sequence[int]] = {}

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
        """``self[i]`` for ``start <= i < stop``, lazily (a chunk at a time)."""
        return chain.from_iterable(self.chunks(start, stop))

    def chunks(self, start: int, stop: int) -> Iterator[Sequence[int]]:
        """``[self[i] for i in range(start, stop)]`` as sequences of at most :data:`CHUNK`, lazily:
        arrays of the lanes' 32 or 64-bit words when the lanes are that wide (``bits`` up to 21
        or 42: :func:`lane_bits`), which a product's decode reads without making an int per index;
        else lists.

        ``0 <= start <= stop <= count``. O(stop - start) big-int work in all,
        O(CHUNK) memory, whatever ``start`` and the count. The last :data:`RECENT`
        chunks are kept (the caller must not change them): a writer that reads the same
        run twice, once for the points and once for their ``_index``, permutes it once.
        """
        recent = self._recent
        for first in range(start, stop, CHUNK):
            key = (first, min(first + CHUNK, stop))
            found = recent.get(key)
            if found is None:
                if len(recent) >= RECENT:
                    recent.clear()
                found = recent[key] = self._chunk(*key)
            yield found

    def _chunk(self, start: int, stop: int) -> MutableSequence[int]:
        """``self[i]`` for ``start <= i < stop``: one pass of the lanes, then the walk of the few outside."""
        if stop - start < SCALAR_BELOW or self._bits > LANE_BITS:
            return list(_walk(self._forward, self.count, range(start, stop)))
        network = self._network_of(stop - start)
        images, outside = network.walk(network.lanes.ramp(start), self.count)
        while outside:  # cycle-walking, all the lanes still outside together
            if len(outside) < SCALAR_BELOW:
                for at in outside:
                    images[at] = self[images[at]]
                break
            lanes = -(-len(outside) // LANE_STEP) * LANE_STEP  # the lanes past the outside ones hold 0
            network = self._network_of(lanes)
            packed = network.lanes.pack([images[at] for at in outside] + [0] * (lanes - len(outside)))
            walked, still = network.walk(packed, self.count)
            for at, image in zip(outside, walked):
                images[at] = image
            outside = [outside[at] for at in still if at < len(outside)]
        return images

    def _network_of(self, lanes: int) -> _LaneNetwork:
        """The lane network for ``lanes`` lanes, kept when they are a multiple of :data:`LANE_STEP`
        (:data:`CHUNK` is one): a run's last, shorter chunk makes its first pass's network anew."""
        network = self._networks.get(lanes)
        if network is None:
            bits = self._bits
            split = fitting_width(lane_bits(bits)) < lane_width(bits)  # the split key only where it narrows the lanes
            width = fitting_width(lane_bits(bits)) if split else lane_width(bits)
            # A second pass over every lane costs about width / 256 of what walking a lane apart does
            # (gathered, walked, put back: measured at 32, 64 and 128 bits), so it pays where more than
            # that share of the domain lies past the count (216,000 of 2**18: 18% > 12.5%, 0.85x the time).
            twice = ((1 << bits) - self.count) * 256 > width << bits
            network = _LaneNetwork(bits // 2, bits - bits // 2, self._keys, Lanes(width, lanes), split, twice)
            if lanes % LANE_STEP == 0:
                self._networks[lanes] = network
        return network


def lane_bits(bits: int) -> int:
    """The bits a lane of :class:`_LaneNetwork` over ``bits``-bit numbers must hold: a half's
    number times a multiplier, plus a constant, at most ``(2**h - 1) * (2**bits - 1) + 2**bits - 1``,
    below ``2**(bits + h)`` (``h`` the wider half). O(1).

    >>> lane_bits(18), lane_bits(60)
    (27, 90)
    """
    return bits + (bits - bits // 2)


def _walk(network: Callable[[int], int], count: int, indices: Iterable[int]) -> Iterator[int]:
    """Cycle-walking: each index through ``network`` until it lands below ``count``."""
    for index in indices:
        index = network(index)
        while index >= count:
            index = network(index)
        yield index
