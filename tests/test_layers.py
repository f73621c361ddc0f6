"""The engine's package layers: imports run downward only, and no two modules import each other in a ring.

Every module of engine/ is parsed (not imported), so every import counts: at the top, under
`if TYPE_CHECKING:`, and inside functions. A type-only import that runs upward still ties a lower
layer to a higher one (a reader, a type checker and a refactoring must know both), so it is held to
the same rule as any other.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ROOT / "engine"

# Lowest first; packages on one line are peers.
LAYERS: list[set[str]] = [
    {"version", "paths", "errors", "faces"},
    {"atomic"},  # writes files whole or not at all, raising the engine's error
    {"calendar"},
    {"language"},
    {"elements"},
    {"methodology"},
    {"evaluation"},
    {"analysis"},
    {"editions"},
    {"formats"},
    {"diff", "testing", "history"},
    {"api", ""},  # "" is engine/__init__.py, the public facade over engine.api
]
RANK = {package: rank for rank, packages in enumerate(LAYERS) for package in packages}

# Peers may not import each other, except these (importer, imported) pairs: engine/__init__.py
# re-exports engine.api's functions (lazily). diff, testing and history import none of each other:
# each stands on formats and below only.
PEER_IMPORTS: set[tuple[str, str]] = {("", "api")}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES: dict[str, Path] = {module_name(p): p for p in sorted(ENGINE.rglob("*.py"))}


def imported_modules(name: str, source: str, is_package: bool = False) -> set[str]:
    """The engine modules that module `name` (of text `source`) imports anywhere, relative imports resolved."""
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source, name)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            # `from P import m` imports the module P.m when there is one, else a name of P itself
            targets = [f"{source}.{a.name}" if f"{source}.{a.name}" in MODULES else source for a in node.names]
        else:
            continue
        found.update(t for t in targets if t == "engine" or t.startswith("engine."))
    unknown = found - set(MODULES)
    assert not unknown, f"{name} imports engine modules that do not exist: {sorted(unknown)}"
    found.discard(name)
    return found


GRAPH: dict[str, set[str]] = {name: imported_modules(name, path.read_text(encoding="utf-8"), path.name == "__init__.py")
                              for name, path in MODULES.items()}


def package_of(module: str) -> str:
    """`engine.elements.maps` -> `elements`; `engine.errors` -> `errors`; `engine` -> ``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_every_engine_package_has_a_layer():
    assert {package_of(m) for m in MODULES} - set(RANK) == set()


def test_the_parser_sees_every_kind_of_import():
    source = """
from typing import TYPE_CHECKING
from . import maps
from ..language.expressions import Expression
import json
if TYPE_CHECKING:
    from ..methodology.model import Compiler

def f():
    from ..analysis import checks
    import engine.api
"""
    assert imported_modules("engine.elements.example", source) == {
        "engine.elements.maps", "engine.language.expressions", "engine.methodology.model", "engine.analysis.checks", "engine.api"}
    assert imported_modules("engine.elements", "from .maps import ForEach\nfrom .. import errors\n", is_package=True) == {
        "engine.elements.maps", "engine.errors"}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_import_runs_upward_or_sideways(module):
    here = package_of(module)
    wrong = []
    for target in sorted(GRAPH[module]):
        there = package_of(target)
        if there == here:
            continue
        if RANK[there] > RANK[here] or (RANK[there] == RANK[here] and (here, there) not in PEER_IMPORTS):
            wrong.append(target)
    assert wrong == [], f"{module} ({here or 'engine'}) imports from a higher or peer layer: {wrong}"


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of `graph` as a list of nodes (first == last), or None; iterative depth-first search."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour = dict.fromkeys(graph, WHITE)
    for start in sorted(graph):
        if colour[start] != WHITE:
            continue
        colour[start] = GREY
        path = [start]
        stack = [iter(sorted(graph[start]))]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                colour[path.pop()] = BLACK
                stack.pop()
            elif colour[nxt] == GREY:
                return path[path.index(nxt):] + [nxt]
            elif colour[nxt] == WHITE:
                colour[nxt] = GREY
                path.append(nxt)
                stack.append(iter(sorted(graph[nxt])))
    return None


def test_find_cycle_finds_a_ring_and_only_a_ring():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None  # a diamond is no ring
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"b"}}) == ["b", "c", "b"]


def test_no_import_cycle_between_modules():
    assert find_cycle(GRAPH) is None
