"""The layout shows the pipeline: stage folders whose imports form no cycle, OCR engines that import nothing
above them, and every module's imports resolvable (a move that left an import behind fails here)."""

from __future__ import annotations

import ast
import importlib
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "extract"
STAGES = ("pdf", "textlayer", "scan", "forms", "checks", "records", "ingest", "inspect", "web")


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def imports(path: Path, top_level_only: bool) -> set[str]:
    """The extract modules a module imports (at module level only, or anywhere, lazy imports included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.If):  # ``if TYPE_CHECKING:`` blocks are for the type checker only
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("extract"):
            assert node.level == 0, f"{path}: a relative import"
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("extract"))
    known = modules()
    return {m for m in found if m in known}


def stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in STAGES else module


def test_every_module_imports() -> None:
    for name in modules():
        if name != "extract.__main__":  # that one runs the command line
            importlib.import_module(name)


def test_no_module_level_import_cycle() -> None:
    graph = {m: imports(p, top_level_only=True) - {m} for m, p in modules().items()}
    state: dict[str, int] = {}

    def visit(m: str, trail: list[str]) -> None:
        if state.get(m) == 1:
            cycle = [*trail[trail.index(m) :], m]
            pytest.fail("import cycle: " + " -> ".join(cycle))
        if state.get(m) == 2:
            return
        state[m] = 1
        for n in sorted(graph[m]):
            if n != m and not m.startswith(n + ".") and not n.startswith(m + "."):  # a package and its modules
                visit(n, [*trail, m])
        state[m] = 2

    for m in graph:
        visit(m, [])


def test_stage_folders_import_each_other_without_a_cycle() -> None:
    """Between stage folders, lazy imports included: a stage may use an earlier one, never the reverse too."""
    edges: dict[str, set[str]] = defaultdict(set)
    for m, p in modules().items():
        for n in imports(p, top_level_only=False):
            a, b = stage(m), stage(n)
            if a != b and a in STAGES and b in STAGES:
                edges[a].add(b)
    for a, targets in edges.items():
        for b in targets:
            assert a not in edges.get(b, set()), f"stages {a} and {b} import each other"


def test_ocr_engines_import_nothing_above_them() -> None:
    for m, p in modules().items():
        if m == "extract.scan.ocr" or m.startswith("extract.scan.ocr."):
            engine = {
                n
                for n in imports(p, top_level_only=False)
                if n == "extract.scan.ocr" or n.startswith("extract.scan.ocr.")
            }
            above = imports(p, top_level_only=False) - engine
            assert above <= {"extract.errors"}, f"{m} imports {sorted(above)}"
