"""Numbers in lanes of one big int (lazysweep._lanes) against plain per-number arithmetic."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lazysweep._lanes import WORD, Lanes, lane_width

# Widths on both sides of a word's edge, and far past it (10**30 needs 100 bits).
bit_counts = st.one_of(st.sampled_from([0, 1, 31, 32, 63, 64, 65, 100, 128, 200]), st.integers(0, 260))


@st.composite
def lanes_and_values(draw: st.DrawFn) -> tuple[int, list[int]]:
    bits = draw(bit_counts)
    values = draw(st.lists(st.integers(0, (1 << bits) - 1), max_size=40))
    return bits, values


def test_lane_width_holds_the_product_of_two_numbers_of_the_bits():
    for bits in range(300):
        width = lane_width(bits)
        assert width % WORD == 0 and width >= 2 * bits + 2 and width - WORD < 2 * bits + 2


@given(lanes_and_values())
def test_pack_and_unpack_round_trip(case):
    bits, values = case
    lanes = Lanes(lane_width(bits), len(values))
    packed = lanes.pack(values)
    assert packed == sum(value << (at * lanes.width) for at, value in enumerate(values))
    assert lanes.unpack(packed, bits) == values


@given(bit_counts, st.integers(0, 2**130), st.integers(0, 3000))
def test_ramp_is_consecutive_numbers(bits, start, count):
    width = lane_width(max(bits, (start + count).bit_length()))
    lanes = Lanes(width, count)
    assert lanes.unpack(lanes.ramp(start), width) == list(range(start, start + count))


@settings(max_examples=300)
@given(lanes_and_values(), st.data())
def test_divide_is_divmod_in_every_lane(case, data):
    bits, values = case
    divisor = data.draw(st.one_of(st.integers(1, max(1, 1 << bits)), st.sampled_from([1, 2, 3, 10, 1000])))
    lanes = Lanes(lane_width(bits), len(values))
    quotients, remainders = lanes.divide(lanes.pack(values), divisor, bits)
    assert lanes.unpack(quotients, bits) == [value // divisor for value in values]
    assert lanes.unpack(remainders, bits) == [value % divisor for value in values]


def test_divide_at_the_edges_of_the_bits():
    # the largest dividend with every divisor whose magic number is largest or smallest
    for bits in (1, 2, 7, 60, 64, 100):
        values = [0, 1, (1 << bits) - 1, (1 << bits) - 2, 1 << (bits - 1)]
        lanes = Lanes(lane_width(bits), len(values))
        for divisor in {1, 2, 3, (1 << bits) - 1, 1 << bits, (1 << (bits - 1)) + 1, max(1, (1 << bits) // 3)}:
            quotients, remainders = lanes.divide(lanes.pack(values), divisor, bits)
            assert lanes.unpack(quotients, bits) == [value // divisor for value in values], (bits, divisor)
            assert lanes.unpack(remainders, bits) == [value % divisor for value in values], (bits, divisor)


@given(st.lists(lanes_and_values(), min_size=1, max_size=8), st.integers(0, 30), st.data())
def test_unpack_all_is_unpack_of_each(cases, count, data):
    # Columns of numbers of any widths in the same lanes: small ones read as shared 8/16/32-bit fields.
    top = max(bits for bits, _ in cases)
    lanes = Lanes(lane_width(top), count)
    columns, widths, expected = [], [], []
    for bits, _ in cases:
        values = data.draw(st.lists(st.integers(0, (1 << bits) - 1), min_size=count, max_size=count))
        columns.append(lanes.pack(values))
        widths.append(bits)
        expected.append(values)
    assert lanes.unpack_all(columns, widths) == expected
