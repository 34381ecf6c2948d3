"""Mutation fuzz of both drop-ins against upstream's own generators, in-process.

For every mutated config (loose values, YAML 1.1 dates, alias-and-name twins,
deleted and renamed keys, repeated keys, tabs, byte-order marks and Unicode
line breaks in the text), the drop-in and upstream must make the same
accept/refuse decision, and print the same bytes when they accept.

Upstream's code is not part of this repository. Point the variables at a
checkout (or its generator folder), with pydantic installed:

* ``LAZYSWEEP_UPSTREAM_IX``: InferenceX at 843c6254f (``utils/matrix_logic``);
* ``LAZYSWEEP_UPSTREAM_IMAX``: InferenceMAX before its multinode rewrite
  (``utils/matrix-logic`` at a5646c531 of the same history).

Without them the tests skip, saying so; the committed cross-check that runs
everywhere is tests/test_inferencex_models.py (the same kind of mutations
against the pydantic models).
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import importlib
import io
import os
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lazysweep import inferencemax, inferencex

ROOT = Path(__file__).resolve().parent
FOLDERS = {"ix": ("utils/matrix_logic", "."), "imax": ("utils/matrix-logic", ".")}


def upstream_module(variable: str, kind: str):
    """Upstream's generate_sweep_configs, imported from ``$variable`` under its own names, then taken
    out of ``sys.modules`` again (upstream_alias.py puts the drop-in under those names)."""
    checkout = os.environ.get(variable, "")
    if not checkout:
        pytest.skip(f"{variable} is not set (upstream's generator checkout; see this file's docstring)")
    folder = next((Path(checkout) / sub for sub in FOLDERS[kind] if (Path(checkout) / sub / "generate_sweep_configs.py")
                   .is_file()), None)
    if folder is None:
        pytest.skip(f"{variable}={checkout}: no generate_sweep_configs.py there")
    names = ("generate_sweep_configs", "validation")
    saved = {name: sys.modules.pop(name, None) for name in names}
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module("generate_sweep_configs")
    finally:
        sys.path.remove(str(folder))
        for name in names:
            sys.modules.pop(name, None)
            if saved[name] is not None:
                sys.modules[name] = saved[name]


@pytest.fixture(scope="module")
def upstream_ix():
    return upstream_module("LAZYSWEEP_UPSTREAM_IX", "ix")


@pytest.fixture(scope="module")
def upstream_imax():
    return upstream_module("LAZYSWEEP_UPSTREAM_IMAX", "imax")


def outcome(main, argv):
    """("accepted", stdout) or ("refused", the exception's type)."""
    out = io.StringIO()
    saved = sys.argv
    sys.argv = ["generate_sweep_configs.py", *argv]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            main()
            sys.stdout.flush()
    except (Exception, SystemExit) as error:
        return "refused", type(error).__name__
    finally:
        sys.argv = saved
    return "accepted", out.getvalue()


LOOSE = st.one_of(st.sampled_from(["8", " 8 ", "1_024", "8.0", "yes", "off", "", "none", "mtp", "2024-01-01"]),
                  st.integers(-2, 3), st.sampled_from([0.5, 8.0, 1e30]), st.booleans(), st.none(),
                  st.just([]), st.just({}), st.just([1, "2"]),
                  st.sampled_from([datetime.date(2024, 1, 1), datetime.datetime(2024, 1, 1, 10, 30)]))
TEXT_MUTATIONS = ["tab", "bom", "nel", "ls", "repeat", "int-empty", "bool-word", "none"]


def _paths(node, prefix=()):
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        yield (*prefix, key)
        yield from _paths(child, (*prefix, key))


def mutated_text(data, config: dict) -> str:
    """A few entries of ``config``, mutated as values, then as YAML text."""
    keys = data.draw(st.lists(st.sampled_from(sorted(config)), min_size=1, max_size=2, unique=True))
    mutated = {key: copy.deepcopy(config[key]) for key in keys}
    for _ in range(data.draw(st.integers(0, 3))):
        paths = list(_paths(mutated))
        if not paths:  # every entry deleted: an empty mapping is itself a case to compare
            break
        *parents, key = data.draw(st.sampled_from(paths))
        node = mutated
        for parent in parents:
            node = node[parent]
        kind = data.draw(st.sampled_from(["value", "delete", "twin", "rename"]))
        if isinstance(node, dict) and kind == "delete":
            del node[key]
        elif isinstance(node, dict) and isinstance(key, str) and kind == "twin":
            node[key.replace("-", "_") if "-" in key else key.replace("_", "-")] = node[key]
        elif isinstance(node, dict) and kind == "rename":
            node[data.draw(st.sampled_from(["extra", "conc_list", "tp ", 8]))] = node.pop(key)
        else:
            node[key] = copy.deepcopy(data.draw(LOOSE))  # a fresh value: st.just shares one object
    text = yaml.safe_dump(mutated, sort_keys=False, default_flow_style=data.draw(st.booleans()))
    lines = text.splitlines(keepends=True)
    line = data.draw(st.integers(0, len(lines) - 1))
    where = data.draw(st.sampled_from(TEXT_MUTATIONS))
    if where == "tab":
        lines[line] = lines[line].replace(": ", ":\t", 1)
    elif where == "bom":
        lines[line] = "\ufeff" + lines[line]
    elif where in ("nel", "ls"):
        lines[line] = lines[line].replace("\n", "\x85" if where == "nel" else "\u2028")
    elif where == "repeat":
        lines.insert(line + 1, lines[line])
    elif where == "int-empty":
        lines[line] = lines[line].replace(": ", ": !!int ''\n  x: ", 1)
    elif where == "bool-word":
        lines[line] = lines[line].replace(": ", ": !!bool 'foo'\n  x: ", 1)
    return "".join(lines)


def agree(tmp_path, upstream_main, our_main, argv, text):
    (tmp_path / "master.yaml").write_text(text, encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        theirs, ours = outcome(upstream_main, argv), outcome(our_main, argv)
    finally:
        os.chdir(cwd)
    assert ours[0] == theirs[0], (text, theirs, ours)
    if theirs[0] == "accepted":
        assert ours == theirs, text


IX_REAL = ROOT / "compat-ix" / "real"
IMAX_REAL = ROOT / "compat" / "real"


@settings(max_examples=int(os.environ.get("LAZYSWEEP_UPSTREAM_EXAMPLES", "40")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(st.data())
def test_inferencex_decides_as_upstream_on_mutated_configs(upstream_ix, tmp_path, data):
    config = yaml.safe_load((IX_REAL / "nvidia-master.yaml").read_text())
    text = mutated_text(data, config)
    (tmp_path / "configs").mkdir(exist_ok=True)
    (tmp_path / "configs" / "runners.yaml").write_bytes((IX_REAL / "configs" / "runners.yaml").read_bytes())
    command = data.draw(st.sampled_from([["full-sweep"], ["full-sweep", "--single-node"],
                                         ["full-sweep", "--multi-node"]]))
    agree(tmp_path, upstream_ix.main, inferencex.main, [*command, "--config-files", "master.yaml"], text)


@settings(max_examples=int(os.environ.get("LAZYSWEEP_UPSTREAM_EXAMPLES", "40")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(st.data())
def test_inferencemax_decides_as_upstream_on_mutated_configs(upstream_imax, tmp_path, data):
    config = yaml.safe_load((IMAX_REAL / "nvidia-master.yaml").read_text())
    text = mutated_text(data, config)
    agree(tmp_path, upstream_imax.main, inferencemax.main, ["full-sweep", "--config-files", "master.yaml"], text)
