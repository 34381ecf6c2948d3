"""Every plan that ``plan`` prints is usable by the job commands (#22 item 8), and sample/shard/only/plan
compose exactly as the library does (#23): the union of the jobs' points is the selection, each once."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lazysweep import from_matrix, select
from lazysweep._cli import main
from lazysweep._jobarray import INDEX_VARIABLES

SWEEP = from_matrix({"n": {"start": 0, "stop": 99}})
AXES = ["-a", "n=0..99"]


@pytest.fixture(autouse=True)
def no_job_array(monkeypatch):
    for variable in (*INDEX_VARIABLES, "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(variable, raising=False)


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert (status, err) == (0, ""), (argv, err)
    return out


def indices(capsys, *argv):
    format = [] if argv[0] == "get" else ["--format", "jsonl"]
    return [json.loads(line)["_index"] for line in run(capsys, *argv, "--with-index", *format).splitlines()]


def expected(options):
    """The library's selection for the options: select, then sample, then (all) shards."""
    sweep = SWEEP
    if "--only" in options:
        sweep = select(sweep, options[options.index("--only") + 1])
    seed = options[options.index("--shuffle") + 1] if "--shuffle" in options else None
    if "--sample" in options:
        sweep = sweep.sample(int(options[options.index("--sample") + 1]), seed=int(seed))
    elif seed is not None:
        sweep = sweep.shuffled(int(seed))
    return [sweep.source_index(i) for i in range(sweep.count)]


def without_size(options):
    """The options without --size/--max-batches: stream and get take neither (the plan pins the size)."""
    kept, skip = [], False
    for option in options:
        if skip:
            skip = False
        elif option in ("--size", "--max-batches"):
            skip = True
        else:
            kept.append(option)
    return kept


def jobs(capsys, options, token, job_size):
    """Every job the plan fans out, by each job command: the points each command's jobs cover, in job order."""
    size = int(token.split(".")[1])
    stream_options = without_size(options)
    batch_options = options if job_size else stream_options
    covered = {"stream": [], "get": [], "batch": []}
    shards = int(options[options.index("--shards") + 1]) if "--shards" in options else None
    for shard in range(shards or 1):
        where = ["--shard", shard] if shards else []
        streamed = indices(capsys, "stream", *AXES, *stream_options, *where, "--plan", token)
        covered["stream"] += streamed
        for index in range(len(streamed)):
            covered["get"] += indices(capsys, "get", *AXES, *stream_options, *where, "--plan", token, "-i", index)
        for batch in range(-(-len(streamed) // size)):
            covered["batch"] += indices(capsys, "batch", *AXES, *batch_options, *where, "--plan", token, "-i", batch)
    if not shards:  # the plan job's list is the jobs' indices
        listed = json.loads(run(capsys, "batches", *AXES, *options))
        assert listed == list(range(-(-len(covered["stream"]) // size)))
    return covered


COMBINATIONS = [
    [], ["--size", "7"], ["--size", "auto"], ["--size", "auto", "--max-batches", "6"],
    ["--shards", "3"], ["--shards", "3", "--size", "auto"], ["--shards", "4", "--size", "auto", "--max-batches", "9"],
    ["--only", "5-40,77,90-99"], ["--only", "5-40,77", "--size", "auto", "--max-batches", "5"],
    ["--shuffle", "7"], ["--shuffle", "7", "--shards", "3", "--size", "auto"],
    ["--sample", "20", "--shuffle", "4"], ["--sample", "20", "--shuffle", "42", "--shards", "8"],
    ["--only", "0-59", "--shuffle", "9", "--sample", "25", "--shards", "4", "--size", "auto", "--max-batches", "3"],
]


@pytest.mark.parametrize("options", COMBINATIONS, ids=" ".join)
@pytest.mark.parametrize("job_size", [True, False], ids=["job-passes-size", "job-omits-size"])
def test_every_plan_is_usable_by_every_job_command(capsys, options, job_size):
    token = run(capsys, "plan", *AXES, *options).strip()
    want = expected(options)
    for command, covered in jobs(capsys, options, token, job_size).items():
        assert covered == want, command  # the selection's points, in its order, each once


def test_a_job_whose_selection_differs_is_told_which_option(capsys):
    token = run(capsys, "plan", *AXES, "--shuffle", "7").strip()
    assert main(["stream", *AXES, "--plan", token]) == 2
    assert capsys.readouterr().err == (
        "lazysweep: error: the plan was made for a selection of the sweep: pass the plan job's selection options "
        "(--only, --shuffle, --sample, --shards)\n")
    assert main(["stream", *AXES, "--plan", token, "--shuffle", "7", "--only", "0-9"]) == 2
    assert capsys.readouterr().err == "lazysweep: error: the plan was made without --only 0-9: drop it\n"
    assert main(["get", *AXES, "--plan", token, "--shuffle", "8", "-i", "0"]) == 2
    assert capsys.readouterr().err == (
        "lazysweep: error: the plan was made for another selection of the sweep (this job passes --shuffle 8): "
        "pass the plan job's selection options (--only, --shuffle, --sample, --shards) unchanged\n")


@st.composite
def selections(draw):
    count = draw(st.integers(1, 40))
    options = ["-a", f"n=0..{count - 1}"]
    selected = count
    if draw(st.booleans()):
        runs = draw(st.lists(st.tuples(st.integers(0, count - 1), st.integers(0, 5)), min_size=1, max_size=4))
        text = ",".join(f"{start}-{min(start + span, count - 1)}" for start, span in runs)
        options += ["--only", text]
        selected = select(from_matrix({"n": range(count)}), text).count
    seed = draw(st.integers(0, 2**64))
    if draw(st.booleans()):
        options += ["--shuffle", str(seed)]
        if draw(st.booleans()):
            options += ["--sample", str(draw(st.integers(0, selected)))]
    shards = draw(st.integers(1, 6))
    size = draw(st.sampled_from([[], ["--size", "auto"], ["--size", str(draw(st.integers(1, 5)))]]))
    return count, options, shards, size, draw(st.booleans())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])  # capsys is read
# after every command, so nothing carries over between examples
@given(selections())
def test_the_shards_union_is_the_sample_without_repeats(capsys, case):
    count, options, shards, size, planned = case
    sweep = from_matrix({"n": range(count)})
    rest = options[2:]
    if "--only" in rest:
        sweep = select(sweep, rest[rest.index("--only") + 1])
    if "--sample" in rest:
        sweep = sweep.sample(int(rest[rest.index("--sample") + 1]), seed=int(rest[rest.index("--shuffle") + 1]))
    elif "--shuffle" in rest:
        sweep = sweep.shuffled(int(rest[rest.index("--shuffle") + 1]))
    want = [sweep.source_index(i) for i in range(sweep.count)]
    plan = ["--plan", run(capsys, "plan", *options, "--shards", shards, *size).strip()] if planned else []
    union = []
    for shard in range(shards):
        union += indices(capsys, "stream", *options, "--shards", shards, "--shard", shard, *plan)
    assert union == want and len(set(union)) == len(union)


def test_collect_takes_a_selections_plan_for_the_whole_sweep(capsys, tmp_path):
    token = run(capsys, "plan", *AXES, "--only", "0-3").strip()
    (tmp_path / "r.jsonl").write_text('{"_index": 1}\n')
    assert main(["collect", *AXES, "--results", str(tmp_path / "r.jsonl"), "--plan", token]) == 1
    assert capsys.readouterr().out == "100 points, 1 done, 99 missing, 0 duplicated, 0 unknown, 0 stale: incomplete\n"
