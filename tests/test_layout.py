"""The package's shape: stages that follow the data, dependencies that point one way.

Walks ``src/reportkit`` with :mod:`ast` (every import, at module level or inside a function) and
fails on an import cycle between modules, on an import of a stage a package may not use, on a
module of more than ~600 lines, and on more than a dozen entries directly in the package.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "reportkit"
ROOT_MODULES = {"__init__", "__main__", "errors"}
# what each stage may import (besides itself, the root modules and third-party libraries):
# cli → batch → compare → render → checks → model, importer → model, demo → checks, model
ALLOWED: dict[str, set[str]] = {
    "model": set(),
    "checks": {"model"},
    "importer": {"model"},
    "demo": {"model", "checks"},
    "render": {"model", "checks"},
    "compare": {"model", "checks", "render"},
    "batch": {"model", "checks", "render", "compare"},
    "cli": {"model", "checks", "importer", "demo", "render", "compare", "batch"},
}
MAX_LINES = 620
MAX_ENTRIES = 12


def module_name(path: Path) -> str:
    """``reportkit.render.pdf`` for ``src/reportkit/render/pdf.py``."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name."""
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path, known: set[str]) -> Iterator[str]:
    """The reportkit modules ``path`` imports (resolving relative imports and ``from x import y``
    where ``y`` is a module)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "reportkit":
                    yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.split(".")[0] != "reportkit":
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                yield sub if sub in known else target


def graph() -> dict[str, set[str]]:
    """Module → the modules it imports."""
    mods = modules()
    known = set(mods)
    return {name: {t for t in imports_of(path, known) if t != name} for name, path in mods.items()}


def stage(module: str) -> str:
    """The stage of a module: its sub-package, or ``root`` for modules directly in reportkit."""
    parts = module.split(".")
    if len(parts) == 1:
        return "root"
    return "root" if parts[1] in ROOT_MODULES else parts[1]


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in edges:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle_between_modules() -> None:
    assert cycles(graph()) == []


def test_dependencies_point_one_way() -> None:
    upward = []
    for module, targets in graph().items():
        here = stage(module)
        for target in targets:
            there = stage(target)
            if there in ("root", here):
                continue
            if module == "reportkit.__main__" and there == "cli":
                continue
            if here == "root" or there not in ALLOWED[here]:
                upward.append(f"{module} imports {target}")
    assert upward == []


def test_every_package_is_a_known_stage_with_a_docstring() -> None:
    packages = sorted(p.parent for p in PACKAGE.glob("*/__init__.py"))
    assert {p.name for p in packages} <= set(ALLOWED)
    for folder in packages:
        doc = ast.get_docstring(ast.parse((folder / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "May import" in doc, (
            f"{folder.name}/__init__.py: say what it owns and may import"
        )


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: module_name(p))
def test_no_module_is_too_long(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.name}: {lines} lines — split it by what it does"


def test_at_most_a_dozen_entries_in_the_package() -> None:
    entries = [p.name for p in PACKAGE.iterdir() if p.name != "__pycache__"]
    assert len(entries) <= MAX_ENTRIES, sorted(entries)


def test_the_checker_sees_a_cycle_and_an_upward_import(tmp_path: Path) -> None:
    """The helpers above can fail: a made-up cycle and a made-up upward import are found."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert stage("reportkit.model.report") == "model"
    assert "batch" not in ALLOWED["render"]
    source = tmp_path / "reportkit" / "render" / "x.py"
    source.parent.mkdir(parents=True)
    source.write_text("def f():\n    from ..batch import run\n", encoding="utf-8")
    global PACKAGE
    saved, PACKAGE = PACKAGE, tmp_path / "reportkit"
    try:
        found = list(imports_of(source, {"reportkit.batch.run"}))
    finally:
        PACKAGE = saved
    assert found == ["reportkit.batch.run"]
