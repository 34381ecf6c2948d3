"""The package's import drawing: layers from the bottom up, no arrow back up, no circle.

Every import of every module under lazysweep/ is read with ``ast`` (the ones inside functions
and ``if TYPE_CHECKING:`` blocks included) and resolved to the lazysweep module it names. A
module may import modules of a lower layer only; an entry that is a package (the command line's,
the drop-ins') covers its submodules, which may import each other as long as no circle forms.
A module that is in no layer fails: a new module is placed here on purpose.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "lazysweep"

#: Bottom to top. A module may import any module of a layer below its own, nothing else.
LAYERS = [
    ["lazysweep._errors", "lazysweep._lanes", "lazysweep._batching", "lazysweep._axes", "lazysweep._home",
     "lazysweep._flowlists"],                                # long flow sequences read from the text
    ["lazysweep._permutation", "lazysweep._floatranges", "lazysweep._loader", "lazysweep._console",
     "lazysweep._files", "lazysweep._equality"],            # ... files written whole; GitHub's `==`
    ["lazysweep._encode", "lazysweep._github"],              # JSON fragments, templates, _index; GitHub's files
    ["lazysweep._formats", "lazysweep._space", "lazysweep._fixedcount"],             # program formats; the sweeps
    ["lazysweep._selection", "lazysweep._matrix", "lazysweep._jobarray"],
    ["lazysweep._pipeline"],                                 # only -> shuffle -> sample -> shards
    ["lazysweep._sweepfile", "lazysweep._axisspec", "lazysweep._plan", "lazysweep._writer"],
    ["lazysweep._collect", "lazysweep._workflow", "lazysweep._dropin", "lazysweep._split"],
    ["lazysweep._cli"],
    ["lazysweep.inferencex", "lazysweep.inferencemax"],      # the drop-ins
    ["lazysweep", "lazysweep.__main__"],                     # the public API, the entry point
]

#: Imports allowed against the layers, each with its reason.
EXCEPTIONS = {
    # The version is written once, in the package's __init__, where the build reads it.
    ("lazysweep._cli", "lazysweep"): "__version__",
    ("lazysweep._home", "lazysweep"): "__version__",
    # Upstream's tests monkeypatch the package's loaders: generate() looks them up there, at call time.
    ("lazysweep.inferencex._cli", "lazysweep.inferencex"): "load_config_files, load_runner_file",
    ("lazysweep.inferencex._workflow_rows", "lazysweep.inferencex"): "load_runner_file, as generate() does",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports(name: str) -> set[str]:
    """The lazysweep modules ``name`` imports, wherever the import statement stands."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "lazysweep")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "lazysweep":
                continue
            for alias in node.names:  # `from . import _dropin` names a module, `from . import __version__` not
                found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in MODULES else target)
    found.discard(name)
    return found


def entry_of(name: str) -> tuple[int, str] | None:
    """The layer and the entry that cover module ``name`` (the longest entry that is it or its package)."""
    best = None
    for level, entries in enumerate(LAYERS):
        for entry in entries:
            if (name == entry or name.startswith(entry + ".")) and (best is None or len(entry) > len(best[1])):
                best = (level, entry)
    return best


def test_every_module_has_a_layer():
    assert [name for name in MODULES if entry_of(name) is None] == []


def test_no_import_goes_up_or_sideways():
    wrong = []
    for name in MODULES:
        level, entry = entry_of(name)
        for target in sorted(imports(name)):
            target_level, target_entry = entry_of(target)
            if target_entry == entry and entry != "lazysweep":  # inside one package: the circle test's
                continue
            if target_level >= level and (name, target) not in EXCEPTIONS:
                wrong.append(f"{name} imports {target}")
    assert wrong == []


def test_no_circles():
    graph = {name: {target for target in imports(name) if (name, target) not in EXCEPTIONS} for name in MODULES}
    state: dict[str, int] = {}
    circles = []

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                circles.append(" -> ".join(path[path.index(target):] + [target]))
            elif target not in state:
                visit(target, [*path, target])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert circles == []


def test_the_check_finds_what_it_looks_for():
    """The reader sees function-local imports and resolves relative ones (else the tests above pass vacuously)."""
    assert "lazysweep._evals" not in MODULES
    assert imports("lazysweep.inferencex._cli") >= {"lazysweep._dropin", "lazysweep.inferencex._evals",
                                                     "lazysweep.inferencex"}
    assert imports("lazysweep._space") >= {"lazysweep._encode", "lazysweep._permutation"}
    assert "lazysweep._space" not in imports("lazysweep._permutation")
