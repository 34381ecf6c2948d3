"""The InferenceMAX drop-in beyond the corpus: API, laziness, batching flags, upstream's hangs and crashes."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from conftest import run_inferencemax

from lazysweep import inferencemax as im
from lazysweep._cli import main as cli_main

REAL = Path(__file__).resolve().parent / "compat" / "real"


def entry(prefix="dsr1", runner="h100", seq_configs=None, **extra):
    return {
        "image": "img", "model": f"org/{prefix}", "model-prefix": prefix, "runner": runner,
        "precision": "fp8", "framework": "vllm",
        "seq-len-configs": seq_configs or [
            {"isl": 1024, "osl": 1024, "search-space": [{"tp": 4, "conc-start": 4, "conc-end": 100},
                                                        {"tp": 8, "ep": 8, "dp-attn": True, "conc-start": 4, "conc-end": 4}]},
            {"isl": 8192, "osl": 1024, "search-space": [{"tp": 8, "conc-start": 16, "conc-end": 8}]},
        ],
        **extra,
    }


def args(**values):
    defaults = dict(model_prefix=None, precision=None, framework=None, runner_type=None, runner_config=None,
                    seq_lens=None, step_size=2, test_mode=False)
    return argparse.Namespace(**{**defaults, **values})


def eager_full_sweep(data, step=2, test_mode=False):
    """Upstream's algorithm, the plain way: the oracle."""
    out = []
    for key, val in data.items():
        for seq in val["seq-len-configs"]:
            isl, osl = seq["isl"], seq["osl"]
            name = f"{val['model-prefix']}_{im.seq_len_to_str(isl, osl)}"
            base = {k: val[k] for k in ("image", "model", "precision", "framework", "runner")}
            items = [max(seq["search-space"], key=lambda b: b["tp"])] if test_mode else seq["search-space"]
            for b in items:
                ep, dp = b.get("ep") or 1, b.get("dp-attn") or False
                if test_mode:
                    out.append({**base, "isl": isl, "osl": osl, "tp": b["tp"], "ep": ep, "dp-attn": dp,
                                "conc": b["conc-start"], "max-model-len": isl + osl + 200, "exp-name": name})
                    continue
                conc = b["conc-start"]
                while conc <= b["conc-end"]:
                    out.append({**base, "isl": isl, "osl": osl, "tp": b["tp"], "conc": conc,
                                "max-model-len": isl + osl + 200, "ep": ep, "dp-attn": dp, "exp-name": name})
                    if conc == b["conc-end"]:
                        break
                    conc = min(conc * step, b["conc-end"])
    return out


def test_full_sweep_is_a_lazy_sequence_equal_to_the_eager_list():
    data = {"dsr1-a": entry(), "gpt-b": entry("gpt", "h200")}
    sweep = im.generate_full_sweep(args(), data)
    expected = eager_full_sweep(data)
    assert isinstance(sweep, im.EntrySweep)
    assert sweep == expected and len(sweep) == len(expected) == 14
    assert [json.dumps(e) for e in sweep] == [json.dumps(e) for e in expected]  # key order too
    assert sweep[-1] == expected[-1] and list(sweep[3:11:2]) == expected[3:11:2]
    for position, point in enumerate(expected):
        assert sweep.index(point) == position
    assert {**expected[0], "conc": 5} not in sweep
    assert list(sweep.batch(1, 5)) == expected[5:10]
    assert im.generate_full_sweep(args(test_mode=True), data) == eager_full_sweep(data, test_mode=True)
    assert im.generate_full_sweep(args(step_size=3), data) == eager_full_sweep(data, step=3)


def test_filters_and_no_match_message():
    data = {"dsr1-a": entry(), "gpt-b": entry("gpt", "h200")}
    assert {e["model"] for e in im.generate_full_sweep(args(model_prefix=["gpt"]), data)} == {"org/gpt"}
    assert {e["isl"] for e in im.generate_full_sweep(args(seq_lens=["8k1k", "1k1k"]), data)} == {1024}
    with pytest.raises(ValueError, match=r"^No configs found matching filters: model-prefix=\['x'\] precision=\['fp4'\]$"):
        im.generate_full_sweep(args(model_prefix=["x"], precision=["fp4"]), data)
    with pytest.raises(ValueError, match=r"seq-lens=\['8k1k'\]$"):
        im.generate_full_sweep(args(seq_lens=["8k1k"]), data)  # 16 > 8: no concurrency at all


def test_conc_list_extension():
    data = {"k": entry(seq_configs=[{"isl": 1024, "osl": 1024, "search-space": [{"tp": 2, "conc-list": [64, 8, 32]}]}])}
    assert [e["conc"] for e in im.generate_full_sweep(args(), data)] == [64, 8, 32]
    assert [e["conc"] for e in im.generate_full_sweep(args(test_mode=True), data)] == [8]
    im.validate_master_configs_structure(data)
    for bad in ([], [0], [True], "8", [1.5]):
        broken = {"k": entry(seq_configs=[{"isl": 1, "osl": 1, "search-space": [{"tp": 2, "conc-list": bad}]}])}
        with pytest.raises(ValueError, match="'conc-list' must be a non-empty list of positive ints"):
            im.validate_master_configs_structure(broken)
    both = {"k": entry(seq_configs=[{"isl": 1, "osl": 1, "search-space": [{"tp": 2, "conc-list": [1], "conc-start": 1}]}])}
    with pytest.raises(ValueError, match="Cannot specify both 'conc-list' and 'conc-start'/'conc-end'"):
        im.validate_master_configs_structure(both)


def upstream_loop(start, end, step, limit=100):
    """Upstream's concurrency loop, cut off after ``limit`` values (None: it never ends)."""
    values, conc = [], start
    while conc <= end:
        values.append(conc)
        if conc == end:
            return values
        if len(values) == limit:
            return None
        conc *= step
        if conc > end:
            conc = end
    return values


def one_range(start, end):
    return {"k": entry(seq_configs=[{"isl": 1, "osl": 2, "search-space": [{"tp": 1, "conc-start": start, "conc-end": end}]}])}


@pytest.mark.parametrize("step", [-2, -3, -1, 0, 1, 2, 3])
@pytest.mark.parametrize("start, end", [(4, 64), (4, 10), (4, 4), (1, 100), (0, 8), (-4, 8), (-4, 0), (-8, -2), (0, 0), (True, 8)])
def test_concurrency_ranges_end_where_upstream_ends_and_are_refused_exactly_where_it_never_does(start, end, step):
    expected = upstream_loop(start, end, step)
    data = one_range(start, end)
    if expected is None:
        with pytest.raises(ValueError, match=r"in search-space\[0\] of seq-len-config\[0\] for key 'k' never reach conc-end: "
                                             r"(.* comes back forever|the values fall below .* forever) \(upstream loops forever\)"):
            im.generate_full_sweep(args(step_size=step), data)
    else:
        got = [e["conc"] for e in im.generate_full_sweep(args(step_size=step), data)]
        assert got == expected and [type(value) for value in got] == [type(value) for value in expected]
    assert [e["conc"] for e in im.generate_full_sweep(args(step_size=step, test_mode=True), data)] == [start]


def test_negative_step_sizes_alternate_in_sign_as_upstream():
    assert [e["conc"] for e in im.generate_full_sweep(args(step_size=-2), one_range(4, 64))] == [4, -8, 16, -32, 64]


def test_a_true_conc_start_is_emitted_as_true(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "true.yaml").write_text(
        "k: {image: i, model: m, model-prefix: p, precision: fp8, framework: vllm, runner: h100,\n"
        "    seq-len-configs: [{isl: 1024, osl: 1024, search-space: [{tp: 1, conc-start: true, conc-end: 4}]}]}\n")
    status, out, err = run_inferencemax(["full-sweep", "--config-files", "true.yaml"])
    assert status == 0 and [e["conc"] for e in json.loads(out)] == [True, 2, 4] and '"conc": true' in out


def test_main_from_python_raises_as_upstream_and_uses_the_module_validator(monkeypatch, capsys):
    monkeypatch.chdir(REAL)
    with pytest.raises(ValueError, match="Input file 'missing.yaml' does not exist."):
        im.main(["full-sweep", "--config-files", "missing.yaml"])
    with pytest.raises(SystemExit) as refused:
        im.main(["full-sweep"])
    assert refused.value.code == 2 and "--config-files" in capsys.readouterr().err
    checked = []
    monkeypatch.setattr(im, "validate_matrix_output", lambda entries: checked.append(len(entries)) or entries)
    returned = im.main(["full-sweep", "--config-files", "nvidia-master.yaml", "--model-prefix", "gptoss"])
    assert checked == [len(returned)] and json.loads(capsys.readouterr().out) == list(returned)


def test_runner_sweeps_without_1k1k_are_an_error_not_a_crash(tmp_path):
    runners = tmp_path / "runners.yaml"
    runners.write_text("h100: [h100-a, h100-b]\n")
    data = {"k": entry(seq_configs=[{"isl": 8192, "osl": 1024, "search-space": [{"tp": 8, "conc-start": 4, "conc-end": 4}]}])}
    for generate, extra in ((im.generate_runner_model_sweep_config, {}), (im.generate_runner_sweep_config, {"model_prefix": "k"})):
        with pytest.raises(ValueError, match="Config 'k' has no 1k1k seq-len-config"):
            generate(args(runner_type="h100", runner_config=str(runners), runner_node_filter=None, **extra), data)


def test_runner_model_sweep_and_custom(tmp_path):
    runners = tmp_path / "runners.yaml"
    runners.write_text("h100: [h100-a, h100-b]\nh200: [h200-x]\n")
    data = {"k": entry(), "other": entry(runner="h200")}
    sweep = im.generate_runner_model_sweep_config(args(runner_type="h100", runner_config=str(runners), runner_node_filter="-b"), data)
    assert list(sweep) == [{"image": "img", "model": "org/dsr1", "precision": "fp8", "framework": "vllm", "runner": "h100-b",
                            "isl": 1024, "osl": 1024, "tp": 8, "ep": 8, "dp-attn": True, "conc": 4,
                            "max-model-len": 2048, "exp-name": "dsr1_test"}]
    custom = im.generate_custom_test(argparse.Namespace(runner_config=str(runners), runner_label="h200-x", image="i", model="m",
                                                        framework="f", precision="p", exp_name="e"))
    assert list(custom[0]) == ["image", "model", "precision", "framework", "runner", "isl", "osl", "tp", "ep",
                               "dp-attn", "conc", "exp-name", "max-model-len"]
    with pytest.raises(ValueError, match="Unable to find specified runner label 'nope'."):
        im.generate_custom_test(argparse.Namespace(runner_config=str(runners), runner_label="nope"))


def test_matrix_entry_validates_like_the_pydantic_model():
    good = {"image": "i", "model": "m", "precision": "p", "framework": "f", "runner": "r", "isl": 1, "osl": 2,
            "tp": 8, "ep": 1, "dp-attn": False, "conc": 4, "max-model-len": 3, "exp-name": "e"}
    assert im.MatrixEntry(**good).dp_attn is False
    assert im.validate_matrix_output([good]) == [good]
    for broken, problem in (
        ({k: v for k, v in good.items() if k != "tp"}, "tp: missing"),
        ({**good, "extra": 1}, "extra: extra field not permitted"),
        ({**good, "image": 5}, "image: expected str"),
        ({**good, "conc": 4.5}, "conc: expected int"),
        ({**good, "dp-attn": 2}, "dp-attn: expected bool"),
    ):
        with pytest.raises(ValueError, match=problem):
            im.MatrixEntry(**broken)
        with pytest.raises(ValueError, match="Matrix entry at index 1 failed validation"):
            im.validate_matrix_output([good, broken])
    for lax in ({"conc": "8"}, {"conc": 8.0}, {"isl": True}, {"dp-attn": "yes"}, {"dp-attn": 1}):
        im.MatrixEntry(**{**good, **lax})


def test_batching_flags(monkeypatch):
    monkeypatch.chdir(REAL)
    base = ["full-sweep", "--config-files", "nvidia-master.yaml", "amd-master.yaml"]
    status, out, _ = run_inferencemax(base)
    everything = json.loads(out)
    assert status == 0 and out.endswith("]\n") and len(everything) > 300
    for size in (1, 7, 256, 10**6):
        batches = -(-len(everything) // size)
        assert run_inferencemax(base + ["--max-batch-size", str(size), "--get-batch-count"]) == (0, f"{batches}\n", "")
        for k in {0, batches // 2, batches - 1}:
            status, out, _ = run_inferencemax(base + ["--max-batch-size", str(size), "--batch-index", str(k)])
            assert status == 0 and out == json.dumps(everything[k * size : k * size + size]) + "\n"
        status, out, err = run_inferencemax(base + ["--max-batch-size", str(size), "--batch-index", str(batches)])
        assert (status, out) == (2, "") and f"Invalid batch-index {batches}. Valid range is 0 to {batches - 1}" in err
    assert run_inferencemax(base + ["--batch-index", "0", "--get-batch-count"])[1] == f"{-(-len(everything) // 256)}\n"
    for flag, value in (("--max-batch-size", "0"), ("--max-batch-size", "-3"), ("--batch-index", "-1"), ("--batch-index", "x")):
        status, out, err = run_inferencemax(base + [flag, value])
        assert (status, out) == (2, "") and flag.lstrip("-") in err and err.count("\n") == 1


def test_main_returns_the_entries_and_the_cli_wraps_it(monkeypatch, capsys):
    monkeypatch.chdir(REAL)
    argv = ["full-sweep", "--config-files", "nvidia-master.yaml", "--seq-lens", "1k8k", "--model-prefix", "gptoss"]
    monkeypatch.setattr("sys.argv", [im.PROG, *argv])
    returned = im.main()
    printed = capsys.readouterr().out
    assert json.loads(printed) == list(returned)
    assert cli_main(["inferencemax", *argv]) == 0
    assert capsys.readouterr().out == printed
    assert cli_main(["inferencemax", "full-sweep", "--config-files", "missing.yaml"]) == 1
    assert capsys.readouterr().err == "lazysweep inferencemax: error: Input file 'missing.yaml' does not exist.\n"


def test_yaml_problems_are_one_line_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dup.yaml").write_text("k:\n  image: a\n  image: b\n")
    (tmp_path / "list.yaml").write_text("- 1\n")
    (tmp_path / "syntax.yaml").write_text("k: [1\n")
    (tmp_path / "tab.yaml").write_text("k:\t1\n")
    (tmp_path / "int.yaml").write_text("k: !!int ''\n")
    # upstream's yaml.safe_load decides: a repeated key keeps its last value, PyYAML's own errors
    for name, message in (("dup.yaml", "Missing required field 'model' for key 'k'"),
                          ("list.yaml", "Config file 'list.yaml' must contain a dictionary"),
                          ("syntax.yaml", 'ParserError: while parsing a flow sequence in "syntax.yaml", line 1'),
                          ("tab.yaml", "ScannerError: while scanning for the next token found character '\\t' "
                                       'that cannot start any token in "tab.yaml", line 1, column 3'),
                          ("int.yaml", "IndexError: string index out of range")):
        status, out, err = run_inferencemax(["full-sweep", "--config-files", name])
        assert (status, out) == (1, "") and message in err and err.count("\n") == 1


def test_a_hundred_thousand_entries_batch_without_the_full_list():
    data = {f"dsr1-{n}": entry() for n in range(100_000)}
    sweep = im.generate_full_sweep(args(), data)
    per_entry = len(eager_full_sweep({"x": entry()}))
    assert sweep.count == 100_000 * per_entry
    last = sweep.batch_count() - 1
    tail = eager_full_sweep({"x": entry()}) * (256 // per_entry + 1)
    assert sweep.batch(last) == tail[len(tail) - (sweep.count - last * 256):]
    assert sweep[-1] == tail[-1] and sweep[123_456] == tail[123_456 % per_entry]
