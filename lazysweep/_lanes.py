"""SIMD within a Python int: many unsigned numbers side by side in one big int, as "lanes".

A list of ``n`` numbers becomes one int of ``n * width`` bits, number ``i``
at bits ``i * width`` and up. One big-int operation then acts on every lane
at once, in C and in time linear in the int's size: XOR or AND with a
replicated constant, multiplication by a number small enough that no lane's
product reaches ``2**width``, addition and subtraction that neither carry
out of a lane nor borrow across one, and a right shift whose bits coming
down from the next lane are masked off. Keeping every lane inside its
width is the caller's part; :func:`lane_width` gives a width where the
product of two ``bits``-bit numbers fits.

It serves the hot loops of a shuffled sweep: the Feistel network over a
chunk of consecutive indices (:mod:`lazysweep._permutation`) and the mixed-radix
decode of a chunk of indices (:meth:`lazysweep._space.Product._digit_columns`),
where a Python loop costs about a microsecond per number.

Packing and unpacking go through 64-bit words (``array("Q")``), or 32-bit ones for lanes of
32 bits, read in little-endian order whatever the platform's, so lanes are exact everywhere.

>>> lanes = Lanes(lane_width(10), 3)
>>> lanes.unpack(lanes.pack([3, 700, 1023]) * 5 + lanes.replicate(1), bits=13)
[16, 3501, 5116]
>>> lanes.unpack(lanes.ramp(7), bits=4)
[7, 8, 9]
"""

from __future__ import annotations

import sys
from array import array
from functools import lru_cache
from itertools import compress, repeat
from operator import and_, lshift, or_, rshift

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from collections.abc import Sequence
    from typing import Literal

__all__ = ["WORD", "LANE_BITS", "REPLICAS_KEPT", "lane_width", "fitting_width", "Lanes", "lanes_of"]

#: Bits in a packing word: a lane is a whole number of words, or half of one (32 bits).
WORD = 64
#: The array type of 32-bit words (``"I"`` on every common platform).
_HALF_WORD: Literal["I", "L"] = "I" if array("I").itemsize == 4 else "L"
_WORD_MASK = (1 << WORD) - 1
#: The widest numbers worth putting in lanes: a lane's multiplication grows with the square of its
#: width, and past about 192 bits one number at a time is faster (measured: 1.7x faster at 100
#: bits, even at 192, 0.7x at 320); callers go one at a time above this.
LANE_BITS = 160
#: Replicated constants a :class:`Lanes` keeps (a chunk's network needs 15, a product's decode one per axis).
REPLICAS_KEPT = 64
#: The memoryview formats of unsigned 8, 16 and 32-bit fields.
_FIELD_FORMATS: dict[int, Literal["B", "H", "I"]] = {8: "B", 16: "H", 32: "I"}
_SWAP = sys.byteorder == "big"  # array("Q") holds words in the platform's order; ints are read little-endian


def lane_width(bits: int) -> int:
    """The narrowest lane, a whole number of words, of at least ``2 * bits + 2`` bits. O(1).

    Wide enough for the product of two numbers below ``2**bits``, and for
    :meth:`Lanes.divide`'s products, so neither ever reaches the next lane.

    >>> lane_width(0), lane_width(31), lane_width(60), lane_width(100)
    (64, 64, 128, 256)
    """
    return -(-(2 * bits + 2) // WORD) * WORD


def fitting_width(bits: int) -> int:
    """The narrowest lane for numbers below ``2**bits``: 32 bits, else a whole number of words. O(1).

    >>> fitting_width(28), fitting_width(33), fitting_width(91)
    (32, 64, 128)
    """
    return 32 if bits <= 32 else -(-bits // WORD) * WORD


def _words_needed(bits: int) -> int:
    return max(1, -(-bits // WORD))


@lru_cache(maxsize=16)
def lanes_of(width: int, count: int) -> Lanes:
    """``Lanes(width, count)``, shared: the constants it has made are made once per shape."""
    return Lanes(width, count)


class Lanes:
    """``count`` lanes of ``width`` bits (32, or a multiple of :data:`WORD`): packing, unpacking, constants.

    Every method costs O(count * width / WORD) machine words of work, in C
    but for one Python-level step per word of a lane. Replicated constants
    are kept (a few per caller), so a chunk after the first costs no set-up.
    """

    __slots__ = ("width", "count", "ones", "_step", "_code", "_replicas", "_positions")

    def __init__(self, width: int, count: int) -> None:
        self.width, self.count, self._step = width, count, max(1, width // WORD)
        self._code = _HALF_WORD if width == 32 else "Q"  # the array type of a packing word
        #: 1 in every lane: ``value * ones`` is ``value`` in every lane.
        self.ones = int.from_bytes((b"\x01" + bytes(width // 8 - 1)) * count, "little")
        self._replicas: dict[int, int] = {}
        self._positions: list[int] | None = None  # 0 .. count-1, made by the first flagged() that needs them

    def replicate(self, value: int) -> int:
        """``value`` (below ``2**width``) in every lane, made once per value (the last
        :data:`REPLICAS_KEPT` values: memory O(count * width) whatever the callers ask)."""
        replica = self._replicas.get(value)
        if replica is None:
            if len(self._replicas) >= REPLICAS_KEPT:
                self._replicas.clear()
            replica = self._replicas[value] = value * self.ones
        return replica

    def ramp(self, start: int) -> int:
        """``start, start + 1, ..., start + count - 1``, one to a lane (each below ``2**width``)."""
        steps = self._replicas.get(-1)  # 0, 1, 2, ... (no replica is negative)
        if steps is None:
            words = self._zeros()
            words[:: self._step] = array(self._code, range(self.count))
            steps = self._replicas[-1] = self._to_int(words)
        return start * self.ones + steps

    def flags_at_least(self, packed: int, bound: int) -> int:
        """The top bit of each lane of ``packed`` holding ``bound`` or more, the other bits 0
        (every lane below ``2**(width - 1)``).

        >>> lanes = Lanes(64, 4)
        >>> lanes.flagged(lanes.flags_at_least(lanes.pack([5, 9, 2, 7]), 7))
        [1, 3]
        """
        # bound or more exactly when the lane's top bit is set after adding 2**(width-1) - bound
        top = 1 << (self.width - 1)
        return (packed + self.replicate(top - bound)) & self.replicate(top)

    def spread(self, flags: int) -> int:
        """Every bit of each lane whose top bit is set in ``flags`` (:meth:`flags_at_least`), the
        other lanes 0: a mask to pick those lanes with."""
        return (flags << 1) - (flags >> (self.width - 1))

    def flagged(self, flags: int) -> list[int]:
        """The lanes whose top bit is set in ``flags`` (:meth:`flags_at_least`), in order."""
        if not flags:
            return []
        lane_bytes = self.width // 8
        # each lane's top byte, read little-endian: 0x80 or 0 (a bytes slice, iterated without making ints)
        tops = flags.to_bytes(lane_bytes * self.count, "little")[lane_bytes - 1 :: lane_bytes]
        if tops.count(0x80) <= self.count >> 4:  # few: found one by one, each find in C (0.6x compress's time)
            found, at = [], tops.find(0x80)
            while at >= 0:
                found.append(at)
                at = tops.find(0x80, at + 1)
            return found
        positions = self._positions
        if positions is None:  # kept: compress then hands out these ints instead of making new ones
            positions = self._positions = list(range(self.count))
        return list(compress(positions, tops))

    def pack(self, values: Sequence[int]) -> int:
        """``count`` numbers (each below ``2**width``), one to a lane, in order (an ``array`` of 64-bit
        words, as :meth:`words` makes, is copied as it is: no int made per number).

        >>> Lanes(128, 2).pack([1, 2**70]) == 1 + (2**70 << 128)
        True
        """
        step = self._step
        if step == 1:  # one word a lane: each value fits a word, no maximum to look for
            return self._to_int(array(self._code, values))
        words = self._zeros()
        top = _words_needed(max(values, default=0).bit_length())
        if top == 1:
            words[::step] = array("Q", values)
        else:
            for word in range(top):
                words[word::step] = array("Q", map(and_, map(rshift, values, repeat(word * WORD)), repeat(_WORD_MASK)))
        return self._to_int(words)

    def unpack(self, packed: int, bits: int) -> list[int]:
        """The numbers in the lanes of ``packed``, each known to be below ``2**bits``.

        >>> Lanes(128, 3).unpack(Lanes(128, 3).pack([0, 2**64, 5]), bits=65)
        [0, 18446744073709551616, 5]
        """
        step = self._step
        words = array(self._code, packed.to_bytes(self.width // 8 * self.count, "little"))
        if _SWAP:
            words.byteswap()
        values = words[::step].tolist()
        for word in range(1, min(_words_needed(bits), step)):
            values = list(map(or_, values, map(lshift, words[word::step].tolist(), repeat(word * WORD))))
        return values

    def words(self, packed: int) -> array[int]:
        """The numbers in the lanes of ``packed``, lanes of 32 or 64 bits only, as an ``array`` of
        words of the lane's size: made in C, no int made per lane (and :meth:`pack` takes it back
        at the speed of a copy).

        >>> Lanes(32, 3).words(Lanes(32, 3).pack([7, 2**31, 0])).tolist()
        [7, 2147483648, 0]
        """
        words = array(self._code, packed.to_bytes(self.width // 8 * self.count, "little"))
        if _SWAP:
            words.byteswap()
        return words

    def pairs(self, packed: int) -> tuple[Lanes, int, int]:
        """32-bit lanes as two ints of 64-bit lanes, half as many: the even lanes and the odd lanes
        (what needs room to compute, as a division does, in half the lanes each, with no repacking).
        :meth:`paired` puts them back. O(count) in three big-int operations.

        >>> lanes = Lanes(32, 3)
        >>> wide, even, odd = lanes.pairs(lanes.pack([5, 6, 7]))
        >>> wide.unpack(even, 3), wide.unpack(odd, 3), lanes.unpack(lanes.paired(even * 2, odd), 4)
        ([5, 7], [6, 0], [10, 6, 14])
        """
        wide = lanes_of(64, -(-self.count // 2))
        low = wide.replicate(0xFFFFFFFF)
        return wide, packed & low, packed >> 32 & low

    @staticmethod
    def paired(even: int, odd: int) -> int:
        """The 32-bit lanes whose even and odd lanes are those of ``even`` and ``odd`` (64-bit lanes,
        each holding a number below ``2**32``): the inverse of :meth:`pairs`."""
        return even | odd << 32

    def unpack_all(self, columns: list[int], bits: list[int]) -> list[list[int]]:
        """:meth:`unpack` of each packed int of ``columns``, its lanes below ``2**bits[k]``.

        Columns of small numbers share one conversion: each is shifted into an
        8, 16 or 32-bit field of the lane, the widest fields first (so they fill
        the lane with no gap), and the fields are read as strided views of one
        ``to_bytes``. O(len(columns) * count * width).

        >>> lanes = Lanes(64, 3)
        >>> columns = [lanes.pack([1, 2, 3]), lanes.pack([300, 0, 65535]), lanes.pack([2**40, 7, 0])]
        >>> lanes.unpack_all(columns, [2, 16, 41])
        [[1, 2, 3], [300, 0, 65535], [1099511627776, 7, 0]]
        """
        found: list[list[int]] = [[]] * len(columns)
        fields: list[tuple[int, int, int]] = []  # the columns sharing the next conversion: (index, field, offset)
        merged = offset = 0
        sizes = [next((size for size in (8, 16, 32) if top <= size), 0) for top in bits]
        for at in sorted(range(len(columns)), key=sizes.__getitem__, reverse=True):
            column, field = columns[at], sizes[at]
            if not field or _SWAP:  # a wide number, or a byte order the views do not read
                found[at] = self.unpack(column, bits[at])
                continue
            if offset + field > self.width:  # (offsets stay multiples of the field: widest first)
                self._read_fields(merged, fields, found)
                merged, offset, fields = 0, 0, []
            merged |= column << offset
            fields.append((at, field, offset))
            offset += field
        self._read_fields(merged, fields, found)
        return found

    def _read_fields(self, merged: int, fields: list[tuple[int, int, int]], found: list[list[int]]) -> None:
        """``found[at]``: the ``field``-bit numbers at bit ``offset`` of each lane of ``merged``."""
        if fields:
            data = memoryview(merged.to_bytes(self.width // 8 * self.count, "little"))
            for at, field, offset in fields:
                found[at] = data.cast(_FIELD_FORMATS[field])[offset // field :: self.width // field].tolist()

    def divide(self, packed: int, divisor: int, bits: int) -> tuple[int, int]:
        """Each lane's quotient and remainder by ``divisor``, as two packed ints.

        Every lane must hold a number below ``2**bits``, with ``width`` at
        least :func:`lane_width` of ``bits``. Division by a constant as a
        multiplication: with ``s = bits + divisor.bit_length()`` and
        ``M = ceil(2**s / divisor)``, ``v * M >> s == v // divisor`` for every
        ``0 <= v < 2**bits`` (the error, ``v * (M - 2**s / divisor) / 2**s``,
        stays below ``2**-divisor.bit_length()``, less than ``1 / divisor``),
        and ``v * M`` stays below ``2**(2 * bits + 2)``: inside the lane.

        >>> lanes = Lanes(lane_width(20), 3)
        >>> quotients, remainders = lanes.divide(lanes.pack([0, 999_999, 12345]), 1000, bits=20)
        >>> lanes.unpack(quotients, bits=20), lanes.unpack(remainders, bits=20)
        ([0, 999, 12], [0, 999, 345])
        """
        shift = bits + divisor.bit_length()
        magic = -(-(1 << shift) // divisor)
        # After the shift a lane's top bits come from the next lane's product: masked off.
        quotients = packed * magic >> shift & self.replicate((1 << self.width - shift) - 1)
        return quotients, packed - quotients * divisor

    def _zeros(self) -> array[int]:
        return array(self._code, bytes(self.width // 8 * self.count))

    @staticmethod
    def _to_int(words: array[int]) -> int:
        if _SWAP:
            words.byteswap()
        return int.from_bytes(words, "little")
