import pytest
from hypothesis import given
from hypothesis import strategies as st

from lazysweep._axes import ArithmeticRange, GeometricRange, ValuesAxis, geometric_count, value_key


def test_value_key_compares_like_json():
    assert value_key(1) == value_key(1.0)
    assert value_key(1) != value_key(True)
    assert value_key("1") != value_key(1)
    assert value_key(None) != value_key(False)
    assert value_key({"a": 1, "b": [1, {"c": None}]}) == value_key({"b": [1, {"c": None}], "a": 1.0})
    assert value_key([1, 2]) != value_key([2, 1])
    assert value_key(float("nan")) == value_key(float("nan"))


def test_values_axis_positions_duplicates_and_unhashable():
    axis = ValuesAxis("x", ["a", {"k": [1]}, "a", 3])
    assert axis.size == 4
    assert list(axis.positions("a")) == [0, 2]
    assert list(axis.positions("a", reverse=True)) == [2, 0]
    assert list(axis.positions({"k": [1]})) == [1]
    assert list(axis.positions(3.0)) == [3]
    assert list(axis.positions(True)) == []
    assert axis.index("a") == 0
    with pytest.raises(ValueError):
        axis.index("missing")
    assert axis.segment(1, 3) == ({"k": [1]}, "a")
    assert list(axis) == ["a", {"k": [1]}, "a", 3]


@pytest.mark.parametrize(
    "start, stop, step",
    [(0, 0, 1), (0, 10, 1), (0, 10, 3), (5, 9, 10), (-7, 7, 2), (3, 100, 7)],
)
def test_arithmetic_range_matches_range(start, stop, step):
    axis = ArithmeticRange("n", start, stop, step)
    expected = list(range(start, stop + 1, step))
    assert axis.size == len(expected)
    assert [axis[i] for i in range(axis.size)] == expected
    assert list(axis) == expected
    for position, value in enumerate(expected):
        assert axis.index(value) == position
    for missing in (start - 1, stop + 1, start + step * axis.size, "1", True, 1.5):
        if missing not in expected or isinstance(missing, (str, bool)):
            assert list(axis.positions(missing)) == []


def test_arithmetic_range_is_exact_at_huge_sizes():
    axis = ArithmeticRange("n", 0, 10**30, 7)
    assert axis.size == 10**30 // 7 + 1
    assert axis[axis.size - 1] == (10**30 // 7) * 7
    assert axis.index(7 * 10**28) == 10**28
    assert list(axis.positions(7 * 10**28 + 1)) == []
    assert list(axis.segment(10**28, 10**28 + 2)) == [7 * 10**28, 7 * 10**28 + 7]
    assert axis.index(float(7 * 10**3)) == 10**3


@given(st.integers(-50, 50), st.integers(0, 60), st.integers(1, 9), st.booleans())
def test_arithmetic_range_agrees_with_python_range(start, length, step, descending):
    expected = range(start, start - length - 1, -step) if descending else range(start, start + length + 1, step)
    axis = ArithmeticRange("n", expected.start, expected[-1], expected.step)
    assert axis.size == len(expected) and list(axis) == list(expected)
    for position, value in enumerate(expected):
        assert axis[position] == value and axis.index(value) == position
        assert list(axis.segment(position, axis.size)) == list(expected[position:])
    for absent in set(range(start - 70, start + 70)) - set(expected):
        assert list(axis.positions(absent)) == []


@pytest.mark.parametrize("start, stop, step", [(0, 10, 0), (0, 10, -1), (5, 4, 1)])
def test_arithmetic_range_rejects_bad_bounds(start, stop, step):
    with pytest.raises(ValueError):
        ArithmeticRange("n", start, stop, step)


@pytest.mark.parametrize(
    "start, stop, factor, expected",
    [
        (4, 100, 2, [4, 8, 16, 32, 64, 100]),
        (4, 64, 2, [4, 8, 16, 32, 64]),
        (1, 1, 2, [1]),
        (3, 10, 10, [3, 10]),
        (1, 1000, 10, [1, 10, 100, 1000]),
    ],
)
def test_geometric_range_always_ends_at_stop(start, stop, factor, expected):
    assert geometric_count(start, stop, factor) == len(expected)
    axis = GeometricRange("c", start, stop, factor)
    assert list(axis) == expected
    assert [axis[i] for i in range(axis.size)] == expected
    for position, value in enumerate(expected):
        assert axis.index(value) == position
        assert list(axis.segment(position, axis.size)) == expected[position:]
        assert list(axis.segment(0, position)) == expected[:position]
    for absent in set(range(start - 2, stop + 3)) - set(expected):
        assert list(axis.positions(absent)) == []
    assert list(axis.positions(str(start))) == [] and list(axis.positions(float(stop))) == [len(expected) - 1]


@given(st.integers(1, 10**40), st.integers(0, 10**40), st.integers(2, 1000))
def test_geometric_range_agrees_with_a_loop(start, extra, factor):
    stop = start + extra
    expected, value = [], start
    while value < stop:
        expected.append(value)
        value *= factor
    expected.append(stop)
    axis = GeometricRange("c", start, stop, factor)
    assert axis.size == len(expected)
    assert list(axis) == expected
    for position, value in enumerate(expected):
        assert axis[position] == value
        assert axis.index(value) == position
        assert list(axis.positions(value + 1)) == ([position + 1] if position + 1 < len(expected) and expected[position + 1] == value + 1 else [])


def test_geometric_range_huge_is_exact():
    axis = GeometricRange("c", 1, 10**30, 2)
    assert axis.size == 101  # 2**0 .. 2**99 < 10**30 < 2**100, then 10**30
    assert axis[100] == 10**30 and axis[99] == 2**99 and axis.index(2**77) == 77
    huge = GeometricRange("c", 3, 10**300, 7)
    assert huge[huge.size - 2] < 10**300 <= huge[huge.size - 2] * 7


@pytest.mark.parametrize("start, stop, factor", [(0, 10, 2), (1, 10, 1), (10, 1, 2)])
def test_geometric_range_rejects_bad_bounds(start, stop, factor):
    with pytest.raises(ValueError):
        GeometricRange("c", start, stop, factor)


def test_repr_names_the_axis():
    assert repr(ArithmeticRange("n", 0, 9, 3)) == "ArithmeticRange('n', start=0, stop=9, step=3)"
    assert "factor=2" in repr(GeometricRange("c", 1, 8, 2))
    assert repr(ValuesAxis("x", [1])) == "ValuesAxis('x', [1])"


def test_geometric_range_with_a_huge_factor_is_quick():
    """Size and look-up cost O(log(stop)/log(factor)) big-int operations: a factor of
    4,299 digits gives 2 points at once (a search over stop.bit_length() took minutes)."""
    nines = 10**4299 - 1
    axis = GeometricRange("a", 1, nines, nines)
    assert axis.size == 2 and list(axis) == [1, nines]
    assert axis.index(nines) == 1 and list(axis.positions(nines - 1)) == []
    wide = GeometricRange("a", 3, 10**4000, 10**1000 + 1)
    assert wide.size == 5 and wide[3] == 3 * (10**1000 + 1) ** 3 and wide.index(wide[3]) == 3


@pytest.mark.parametrize("factor", [2, 3, 255, 256, 257, 2**64, 2**64 + 1, 10**50])
def test_geometric_count_at_power_boundaries(factor):
    for start in (1, 2, factor - 1, factor, factor + 1):
        for power in range(0, 5):
            for stop in (start * factor**power - 1, start * factor**power, start * factor**power + 1):
                if stop < start:
                    continue
                expected, value = 1, start
                while value < stop:
                    expected, value = expected + 1, value * factor
                assert geometric_count(start, stop, factor) == expected, (start, stop, factor)
