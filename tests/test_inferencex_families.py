"""The e2e families by drop-in flags equal upstream's inline filters + ci_priority.py, on every config set.

Upstream's unbatched pipeline (``e2e-tests.yml`` get-jobs: generator, inline
filters, ``utils/ci_priority.py``) is run from the shared folder
(:mod:`inferencex_upstream`) on the drop-in's full output, whose bytes the
corpus proves equal to upstream's generator's. The drop-in's ``--family``,
``--priority-policy`` and ``--with-family-index`` must give each family's
rows, in order, with the same ``priority`` and ``queue-token``, batch by
batch, each row carrying its index in the family.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from inferencex_upstream import family_filters, policy_path, run_filter, upstream_families
from lazysweep._batching import batch_count
from lazysweep._errors import UsageError
from lazysweep.inferencex._cli import generate, parse_args
from lazysweep.inferencex._families import FAMILIES, family_rows
from lazysweep.inferencex._workflow_rows import workflow_rows

CORPUS = Path(__file__).resolve().parent / "compat-ix"
SETS = {"real": [["nvidia-master.yaml", "amd-master.yaml"]],
        "deprecated": [[path.name] for path in sorted((CORPUS / "deprecated").glob("*-master.yaml"))],
        **{f"synthetic-A-{n}": [["master-0.yaml", "master-1.yaml"], ["extra-loose.yaml"]] for n in range(6)}}
EVALS = [[], ["--no-evals"], ["--evals-only"], ["--all-evals"]]
MODES = [["full-sweep"], ["full-sweep", "--runner-node-filter", "_0"], ["test-config", "--config-keys", "*"]]


def rows_of(folder: Path, argv: list[str], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(folder)
    args = parse_args(argv)
    try:
        return args, generate(args)
    except (ValueError, TypeError, KeyError):  # a config set upstream refuses (the corpus covers how)
        return args, None


def cases():
    for name, file_sets in SETS.items():
        for files in file_sets:
            for mode in MODES if name != "deprecated" else MODES[:1]:
                for evals in EVALS:
                    yield pytest.param(name, files, mode, evals, id=f"{name}-{'+'.join(files)}-{' '.join(mode)}"
                                                                     f"-{' '.join(evals) or 'default'}")


def test_upstream_has_the_seven_families_the_drop_in_names():
    assert {name: tag for name, (tag, _) in family_filters().items()} == \
        {name: family.tag for name, family in FAMILIES.items()}


@pytest.mark.parametrize("name, files, mode, evals", list(cases()))
def test_family_split_equals_upstreams_filters(name, files, mode, evals, monkeypatch):
    argv = [*mode, "--config-files", *files, *evals]
    args, rows = rows_of(CORPUS / name, argv, monkeypatch)
    if rows is None:
        pytest.skip("configs refused by the generator")
    listed = json.loads(json.dumps(list(rows)))
    expected = upstream_families(listed, namespace="77:2", labels='["ci-checklist-complete"]')
    for family, upstream in expected.items():
        chosen = family_rows(rows, family)
        assert json.loads(json.dumps(list(chosen))) == run_filter(family_filters()[family][1], listed), family
        args = parse_args([*argv, "--family", family, "--priority-policy", str(policy_path()),
                           "--event-name", "workflow_dispatch", "--labels-json", '["ci-checklist-complete"]',
                           "--queue-namespace", f"77:2:{FAMILIES[family].tag}", "--with-family-index"])
        annotated = workflow_rows(args, rows)
        assert annotated.count == len(upstream)
        got = json.loads(json.dumps(list(annotated)))
        assert [row.pop("family-index") for row in got] == list(range(len(upstream)))
        assert got == upstream, family


def batches(argv: list[str], size: int) -> list[list[dict]]:
    """Every batch the drop-in's command line prints for ``argv``, as --get-batch-count and --batch-index give them."""
    from lazysweep.inferencex._cli import _run

    count = _run([*argv, "--max-batch-size", str(size), "--get-batch-count"], "x")
    return [json.loads(json.dumps(list(_run([*argv, "--max-batch-size", str(size), "--batch-index", str(k)], "x"))))
            for k in range(count)]


def test_batches_of_a_family_carry_their_family_wide_index_priority_and_token(monkeypatch):
    """Batches of 7 of each real family (sliced as the drop-in's --batch-index slices), concatenated,
    are upstream's scored family, row for row."""
    monkeypatch.chdir(CORPUS / "real")
    base = ["full-sweep", "--config-files", "nvidia-master.yaml", "amd-master.yaml"]
    rows = generate(parse_args(base))
    listed = json.loads(json.dumps(list(rows)))
    expected = upstream_families(listed, namespace="5:1", event="push")
    assert sum(map(len, expected.values())) > 1800
    for family, upstream in expected.items():
        argv = [*base, "--family", family, "--with-family-index", "--priority-policy", str(policy_path()),
                "--event-name", "push", "--queue-namespace", f"5:1:{FAMILIES[family].tag}"]
        annotated = workflow_rows(parse_args(argv), rows)
        got = [row for k in range(batch_count(annotated.count, 7)) for row in annotated[k * 7:(k + 1) * 7]]
        got = json.loads(json.dumps(got))
        assert [row.pop("family-index") for row in got] == list(range(len(upstream)))
        assert got == upstream, family


def test_the_command_line_prints_a_batch_of_a_family(monkeypatch, capsys):
    from lazysweep.inferencex import command_line

    monkeypatch.chdir(CORPUS / "real")
    base = ["full-sweep", "--config-files", "nvidia-master.yaml", "amd-master.yaml", "--family", "multi-node-eval",
            "--with-family-index", "--max-batch-size", "100"]
    command_line([*base, "--get-batch-count"])
    assert capsys.readouterr().out == "4\n"
    command_line([*base, "--batch-index", "3"])
    batch = json.loads(capsys.readouterr().out)
    assert [row["family-index"] for row in batch] == list(range(300, 317))
    with pytest.raises(SystemExit):
        command_line([*base, "--batch-index", "4"])
    assert "Invalid batch-index 4. Valid range is 0 to 3" in capsys.readouterr().err


def test_only_selects_family_rows_and_keeps_their_index(monkeypatch, capsys):
    monkeypatch.chdir(CORPUS / "real")
    base = ["full-sweep", "--config-files", "nvidia-master.yaml", "amd-master.yaml", "--family", "agentic",
            "--with-family-index", "--priority-policy", str(policy_path()), "--queue-namespace", "9:1:agentic"]
    whole = json.loads(json.dumps(list(workflow_rows(parse_args(base), generate(parse_args(base))))))
    args = parse_args([*base, "--only", "3-5,17,400"])
    chosen = json.loads(json.dumps(list(workflow_rows(args, generate(args)))))
    assert chosen == [whole[i] for i in (3, 4, 5, 17, 400)]
    args = parse_args([*base, "--only", f"{len(whole)}"])
    with pytest.raises(UsageError, match="out of range"):
        workflow_rows(args, generate(args))


def test_the_flags_leave_upstreams_output_alone_without_them(monkeypatch):
    monkeypatch.chdir(CORPUS / "real")
    args = parse_args(["full-sweep", "--config-files", "nvidia-master.yaml"])
    rows = generate(args)
    assert workflow_rows(args, rows) is rows


def test_a_bad_policy_is_one_clear_error(monkeypatch, tmp_path, capsys):
    from lazysweep.inferencex import command_line

    (tmp_path / "policy.yaml").write_text("version: 2\n")
    monkeypatch.chdir(CORPUS / "real")
    with pytest.raises(SystemExit) as exit_:
        command_line(["full-sweep", "--config-files", "nvidia-master.yaml", "--family", "single-node",
                      "--priority-policy", os.fspath(tmp_path / "policy.yaml")])
    assert exit_.value.code == 1
    assert "Unsupported CI priority policy version: 2" in capsys.readouterr().err


@pytest.mark.parametrize("evals", EVALS)
def test_rows_from_a_json_list_split_as_the_generators(evals, monkeypatch, tmp_path, capsys):
    """`rows FILE` (the changelog path's rows, a JSON list) gives each family as upstream's filters do."""
    args, rows = rows_of(CORPUS / "real", ["full-sweep", "--config-files", "nvidia-master.yaml", "amd-master.yaml",
                                           *evals], monkeypatch)
    listed = json.loads(json.dumps(list(rows)))
    (tmp_path / "rows.json").write_text(json.dumps(listed))
    expected = upstream_families(listed, namespace="3:1")
    for family, upstream in expected.items():
        argv = ["rows", str(tmp_path / "rows.json"), "--family", family, "--priority-policy", str(policy_path()),
                "--event-name", "workflow_dispatch", "--queue-namespace", f"3:1:{FAMILIES[family].tag}"]
        got = [row for batch in batches(argv, 50) for row in batch]
        capsys.readouterr()
        assert got == upstream, family
