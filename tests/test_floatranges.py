"""Float and log ranges: exact counts and values, against plain decimal arithmetic."""

from __future__ import annotations

import json
import re
from decimal import Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lazysweep import SweepError, load, from_matrix
from lazysweep._floatranges import LinearRange, LogRange, RangeSpecError, StepRange, float_range


def decimal_steps(start: float, stop: float, step: float) -> list[float]:
    """The oracle: add the step as written, in decimal, while at most stop."""
    with localcontext() as context:
        context.prec = 200
        value, last, increment, out = Decimal(repr(start)), Decimal(repr(stop)), Decimal(repr(step)), []
        while value <= last:
            out.append(float(value))
            value += increment
    return out


def decimal_linear(start: float, stop: float, num: int) -> list[float]:
    with localcontext() as context:
        context.prec = 1000  # exact enough for any pair of doubles, subnormals included
        first, last = Decimal(repr(start)), Decimal(repr(stop))
        return [float(first + (last - first) * k / (num - 1)) for k in range(num)]


def decimal_log(start: float, stop: float, num: int) -> list[float]:
    with localcontext() as context:
        context.prec = 60
        first, ratio = Decimal(repr(start)), Decimal(repr(stop)) / Decimal(repr(start))
        return [float(first * (ratio.ln() * k / (num - 1)).exp()) for k in range(num)]


def test_the_issue_examples():
    sweep = from_matrix({
        "lr": {"start": 1e-4, "stop": 1e-1, "num": 7, "scale": "log"},
        "p": {"start": 0.0, "stop": 1.0, "num": 11},
        "wd": {"start": 0.1, "stop": 0.5, "step": 0.1},
    })
    assert sweep.count == 7 * 11 * 5
    lrs = [sweep[k * 55]["lr"] for k in range(7)]
    assert json.dumps(lrs) == (
        "[0.0001, 0.00031622776601683794, 0.001, 0.0031622776601683794, 0.01, 0.03162277660168379, 0.1]"
    )
    assert json.dumps([sweep[k * 5]["p"] for k in range(11)]) == (
        "[0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]"
    )
    assert [point["wd"] for point in sweep[:5]] == [0.1, 0.2, 0.3, 0.4, 0.5]
    point = {"lr": 0.001, "p": 0.3, "wd": 0.4}
    assert sweep[sweep.index(point)] == point


def test_steps_that_floats_would_drift_on():
    # 0.1 * 3 is 0.30000000000000004 in floats; counting by float division misses stop.
    assert list(StepRange("x", 0.0, 0.3, 0.1)) == [0.0, 0.1, 0.2, 0.3]
    assert StepRange("x", 0.0, 1.0, 0.1).size == 11
    assert StepRange("x", 0, 0.7, 0.1)[7] == 0.7
    assert StepRange("x", 0.1, 0.45, 0.1).size == 4  # 0.45 is not landed on
    assert list(StepRange("x", 1, 2.0, 0.25)) == [1.0, 1.25, 1.5, 1.75, 2.0]
    assert list(StepRange("x", 0.5, 3.5, 1)) == [0.5, 1.5, 2.5, 3.5]


@given(
    st.integers(-10**6, 10**6), st.integers(0, 3000), st.integers(1, 10**4), st.integers(-8, 3),
)
def test_steps_count_and_list_like_decimal(start, span, step, exponent):
    # bounds written as decimals (0.0003, 1.25e-06), as a sweep file or a command line gives them
    first, last, increment = (float(f"{number}e{exponent}") for number in (start, start + span, step))
    expected = decimal_steps(first, last, increment)
    axis = StepRange("x", first, last, increment)
    assert axis.size == len(expected)
    assert list(axis) == expected
    for position in {0, axis.size // 2, axis.size - 1}:
        assert axis.positions(expected[position])[0] == position


@given(st.floats(-1e6, 1e6, allow_nan=False), st.floats(-1e6, 1e6, allow_nan=False), st.integers(2, 200))
def test_linear_ranges_list_like_decimal(start, stop, num):
    axis = LinearRange("x", start, stop, num)
    expected = decimal_linear(start, stop, num)
    assert axis.size == num and list(axis) == expected
    assert axis[0] == start and axis[num - 1] == stop
    for position in (0, num // 3, num - 1):
        assert position in axis.positions(expected[position])


@given(st.floats(1e-12, 1e12), st.floats(1e-12, 1e12), st.integers(2, 100))
def test_log_ranges_list_like_decimal(start, stop, num):
    axis = LogRange("x", start, stop, num)
    expected = decimal_log(start, stop, num)
    assert list(axis)[1:-1] == expected[1:-1]
    assert axis[0] == start and axis[num - 1] == stop
    for position in (0, num // 2, num - 1):
        assert position in axis.positions(expected[position])


def test_values_print_in_the_shortest_form():
    values = list(LinearRange("x", 0.0, 0.3, 4)) + list(StepRange("x", 0.0, 0.3, 0.1))
    assert json.dumps(values) == "[0.0, 0.1, 0.2, 0.3, 0.0, 0.1, 0.2, 0.3]"
    assert json.dumps(list(LogRange("x", 1e-6, 1e-3, 4))) == "[1e-06, 1e-05, 0.0001, 0.001]"


def test_huge_float_ranges_stay_lazy_and_exact():
    assert StepRange("x", 0, 1, 1e-29).size == 10**29 + 1
    axis = StepRange("x", 0, 1, 1e-15)  # neighbours stay distinct floats
    assert axis.size == 10**15 + 1
    assert axis[10**14] == 0.1 and axis[axis.size - 1] == 1.0
    assert axis.positions(0.5) == range(5 * 10**14, 5 * 10**14 + 1)
    sweep = from_matrix({"x": {"start": 0.0, "stop": 1.0, "step": 1e-15}, "y": [1, 2]})
    assert sweep.count == 2 * (10**15 + 1)
    assert sweep[-1] == {"x": 1.0, "y": 2}
    assert sweep.index({"x": 0.25, "y": 2}) == 2 * (25 * 10**13) + 1
    assert list(sweep[2 * 10**15 - 2 : 2 * 10**15 + 2]) == [
        {"x": 0.999999999999999, "y": 1}, {"x": 0.999999999999999, "y": 2}, {"x": 1.0, "y": 1}, {"x": 1.0, "y": 2},
    ]
    log = LogRange("lr", 1e-9, 1.0, 10**20)
    assert log[10**20 - 1] == 1.0 and log.positions(1.0)[-1] == 10**20 - 1


def test_values_that_round_to_one_float_are_all_found():
    axis = StepRange("x", 1, 2, 1e-20)  # steps far below a float's resolution near 1
    found = axis.positions(1.0)
    assert found[0] == 0 and len(found) > 1000
    assert {axis[found[0]], axis[found[-1]]} == {1.0} and axis[found[-1] + 1] > 1.0
    assert list(axis.positions(1.0, reverse=True)[:2]) == [found[-1], found[-2]]


def test_lookups_of_values_that_are_not_there():
    axis = LinearRange("x", 0, 1, 5)
    assert axis.positions(0.3) == range(1, 1) or not axis.positions(0.3)
    assert not axis.positions("0.5") and not axis.positions(True) and not axis.positions(float("nan"))
    assert axis.positions(1) == range(4, 5)  # 1 and 1.0 are the same number
    assert not LinearRange("x", 1, 0, 5).positions(2)
    assert list(LinearRange("x", 1, 0, 5).positions(0.25)) == [3]


def test_descending_and_constant_num_ranges():
    assert list(LinearRange("x", 1.0, 0.0, 3)) == [1.0, 0.5, 0.0]
    assert list(LogRange("x", 100, 1, 3)) == [100.0, 10.0, 1.0]
    assert list(LinearRange("x", 2.5, 2.5, 1)) == [2.5]


@pytest.mark.parametrize("spec, key, message", [
    ({"start": 0.0, "stop": 1.0, "num": 0}, "num", "'num' must be at least 1"),
    ({"start": 0.0, "stop": 1.0, "num": 1}, "num", "leaves out 'stop'"),
    ({"start": 0.0, "stop": 1.0, "num": 2.0}, "num", "'num' must be an integer, not 2.0"),
    ({"start": 0.0, "stop": 1.0, "num": 3, "scale": "log"}, "start", "a log range needs 'start' above 0"),
    ({"start": 1.0, "stop": 10.0, "num": 3, "scale": "ln"}, "scale", "'scale' must be 'linear' or 'log', not 'ln'"),
    ({"start": 1.0, "stop": 10.0, "scale": "log"}, "scale", "'scale' goes with 'num'"),
    ({"start": 1.0, "stop": 10.0, "num": 3, "step": 1}, "step", "'step' or 'num', not both"),
    ({"start": 1.5, "stop": 10, "factor": 2}, "factor", "'factor' takes integers"),
    ({"start": "1e-4", "stop": 1.0, "num": 3}, "start", "'start' must be a number, not '1e-4'"),
    ({"start": 0.0, "stop": float("inf"), "num": 3}, "stop", "'stop' must be a finite number, not inf"),
    ({"start": 0.5, "stop": 0.1, "step": 0.1}, "start", "starts after it stops (0.5 > 0.1)"),
    ({"start": 0.1, "stop": 0.5, "step": -0.1}, "step", "'step' must be above 0"),
    ({"start": 0.1, "stop": 0.5, "step": 0.0}, "step", "'step' must be above 0"),
])
def test_bad_specs_name_the_key(spec, key, message):
    with pytest.raises(RangeSpecError, match=re.escape(message)) as raised:
        float_range("lr", spec)
    assert raised.value.key == key


def test_sweep_files_report_bad_float_ranges_where_they_are(write):
    path = write("matrix:\n  lr: {start: 0.1, stop: 1.0, num: 3, scale: ln}\n")
    with pytest.raises(SweepError) as raised:
        load(path)
    assert str(raised.value) == (
        f"{path}:2:46: range axis 'lr': 'scale' must be 'linear' or 'log', not 'ln'"
    )


def test_sweep_files_take_float_ranges(write):
    path = write("matrix:\n  wd: {start: 0.1, stop: 0.5, step: 0.1}\n  p: {start: 0, stop: 1, num: 3}\n")
    assert list(load(path)) == [{"wd": wd, "p": p} for wd in (0.1, 0.2, 0.3, 0.4, 0.5) for p in (0.0, 0.5, 1.0)]
    logs = load(write("matrix:\n  lr: {start: 1e-4, stop: 1e-1, num: 7, scale: log}\n", "log.yaml"))
    assert [point["lr"] for point in logs][::2] == [0.0001, 0.001, 0.01, 0.1]


def test_integer_ranges_keep_their_rules():
    sweep = from_matrix({"n": {"start": 1, "stop": 10, "step": 3}, "c": {"start": 4, "stop": 100, "factor": 2}})
    assert [point["n"] for point in sweep[::6]] == [1, 4, 7, 10]
    assert all(isinstance(point["n"], int) for point in sweep)


def test_repr():
    assert repr(StepRange("x", 0.1, 0.5, 0.1)) == "StepRange('x', start=0.1, stop=0.5, step=0.1)"
    assert repr(LinearRange("x", 0, 1.0, 3)) == "LinearRange('x', start=0, stop=1.0, num=3)"
