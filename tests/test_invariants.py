"""The promise: every point exactly once, in a documented order, or a clear refusal.

Hypothesis builds random sweeps of every kind the project has (products of lists and ranges,
GitHub matrices with exclude/include, unions, slices of all of these) and checks the invariants
that guarantee nothing is lost or doubled. A fuzz test feeds generated YAML to the loader.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_matrix import matrices

import lazysweep
from lazysweep import Chain, SweepError, from_matrix
from lazysweep._axes import value_key
from lazysweep._cli import main
from lazysweep._loader import Limits, parse_document
from lazysweep._sweepfile import sweep_from_document


@st.composite
def sweeps(draw):
    """A sweep of any kind, with the list of its points built independently."""
    kind = draw(st.sampled_from(["matrix", "union", "slice"]))
    if kind == "matrix":
        return from_matrix(draw(matrices()))
    if kind == "union":
        return Chain([from_matrix(m) for m in draw(st.lists(matrices(), min_size=1, max_size=3))])
    base = draw(sweeps())
    bound = st.none() | st.integers(-base.count - 2, base.count + 2)
    step = st.none() | st.integers(-3, 3).filter(bool)
    return base[draw(bound) : draw(bound) : draw(step)]


def first(points, point):
    key = value_key(point)
    return next(i for i, other in enumerate(points) if value_key(other) == key)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sweeps(), st.integers(1, 7), st.data())
def test_batches_are_the_sweep_exactly(sweep, size, data):
    points = list(sweep)
    assert len(points) == sweep.count
    batches = [sweep.batch(k, size) for k in range(sweep.batch_count(size))]
    assert [p for batch in batches for p in batch] == points
    assert sum(map(len, batches)) == sweep.count
    assert all(len(batch) == size for batch in batches[:-1])
    assert list(sweep.batches(size)) == batches
    for i in range(sweep.count):
        assert sweep[i] == points[i] and sweep[i - sweep.count] == points[i]
        try:
            assert sweep.index(points[i]) == first(points, points[i])
        except SweepError as error:  # equal points of a matrix (in a view, of its base): only _index tells them apart (#19)
            assert "match results by '_index'" in str(error)
    cut = slice(data.draw(st.none() | st.integers(-9, 9)), data.draw(st.none() | st.integers(-9, 9)),
                data.draw(st.none() | st.integers(-3, 3).filter(bool)))
    assert list(sweep[cut]) == points[cut] and sweep[cut].count == len(points[cut])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(matrices(), min_size=1, max_size=2))
def test_cli_json_parses_back_to_the_points(tmp_path_factory, union):
    path = tmp_path_factory.mktemp("sweep") / "sweep.yaml"
    path.write_text(json.dumps({"sweeps": [{"matrix": m} for m in union]}))  # JSON is YAML
    sweep = lazysweep.load(str(path))
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["stream", str(path)]) == 0
        assert main(["stream", str(path), "--format", "json"]) == 0
        for k in range(sweep.batch_count(3)):
            assert main(["batch", str(path), "--index", str(k), "--size", "3"]) == 0
    lines = out.getvalue().splitlines()
    points = list(sweep)
    assert [json.loads(line) for line in lines[: len(points)]] == points
    assert json.loads(lines[len(points)]) == points
    assert [p for line in lines[len(points) + 1 :] for p in json.loads(line)] == points


yaml_text = st.one_of(
    st.text(max_size=200),
    st.lists(
        st.sampled_from(["matrix:", "sweeps:", "  a:", "  - ", " [1, 2]", " {start: 1, stop: 3}", " &x", " *x",
                         " !!python/object:os.system", " !!str", "\n", "\t", "exclude:", "include:", " [{a: 1}]",
                         "  b: [x]", " null", " 1e400", " 0x1F", " ~", "? ", ": ", "---", "...", "'q'", '"\\u00e9"',
                         " <<: *x", "{", "}", "[", "]", ",", "#"]),
        max_size=40,
    ).map("".join),
)


@settings(max_examples=1500, deadline=None)
@given(yaml_text)
def test_the_loader_never_fails_uncleanly(text):
    try:
        sweep = sweep_from_document(parse_document(text.encode("utf-8", "surrogatepass"), "fuzz.yaml", Limits(max_nodes=10_000)))
    except SweepError as error:
        assert "\n" not in str(error) and str(error).startswith("fuzz.yaml")
    else:
        assert sweep.count >= 0
        list(sweep[:50])
