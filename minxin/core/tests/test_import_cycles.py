"""No two apps import each other, however indirectly: a foundation depends on nothing above
it. Every import in every module counts, those inside functions too; the tests, the
migrations and the project's own modules (settings, urls), which wire all apps together,
are left out."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # minxin/
SKIPPED_PARTS = {"tests", "migrations"}
# Imports that still close a cycle, each the upward edge of one, kept only until it is
# removed: the list only shrinks (the test fails when an entry no longer exists). Empty: an
# app below acts through the hooks the apps above register (core.hooks).
KNOWN_UPWARD: dict[tuple[str, str], str] = {}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Every module `path` names in an import statement, resolved to absolute names."""
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else None
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = (package or module_name(path)).split(".")
                base = ".".join(anchor[: len(anchor) - node.level + 1] + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def app_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "minxin" or not (ROOT / parts[1]).is_dir():
        return None
    return parts[1]


def app_graph() -> dict[str, dict[str, str]]:
    """app -> {app it imports: the first module found doing so}."""
    graph: dict[str, dict[str, str]] = defaultdict(dict)
    for path in sorted(ROOT.rglob("*.py")):
        if SKIPPED_PARTS & set(path.relative_to(ROOT).parts):
            continue
        source = app_of(module_name(path))
        if source is None:
            continue
        for name in imported(path):
            target = app_of(name)
            if target and target != source:
                graph[source].setdefault(target, module_name(path))
    return graph


def cycles(graph: dict[str, dict[str, str]]) -> list[list[str]]:
    """One cycle per strongly connected group of apps (Tarjan), as a path a -> ... -> a."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(app: str) -> None:
        index[app] = low[app] = len(index)
        stack.append(app)
        for nxt in graph.get(app, {}):
            if nxt not in index:
                visit(nxt)
                low[app] = min(low[app], low[nxt])
            elif nxt in stack:
                low[app] = min(low[app], index[nxt])
        if low[app] == index[app]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == app:
                    break
            if len(group) > 1:
                found.append(path_within(set(group), graph))

    for app in sorted(graph):
        if app not in index:
            visit(app)
    return found


def path_within(group: set[str], graph: dict[str, dict[str, str]]) -> list[str]:
    """A shortest cycle through the group's first app, for the failure message."""
    start = min(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        app = queue.pop(0)
        for nxt in sorted(graph.get(app, {})):
            if nxt == start:
                return [*paths[app], start]
            if nxt in group and nxt not in paths:
                paths[nxt] = [*paths[app], nxt]
                queue.append(nxt)
    return sorted(group)


def describe(cycle: list[str], graph: dict[str, dict[str, str]]) -> str:
    steps = [f"{a} -> {b} ({graph[a][b]})" for a, b in zip(cycle, cycle[1:], strict=False)]
    return "; ".join(steps)


def test_the_walk_sees_imports_inside_functions():
    assert app_of("minxin.tickets.models") == "tickets"
    assert app_of("minxin.settings") is None
    assert app_of("django.db") is None
    graph = app_graph()
    # api/citizen.py imports privacy inside its /me/data endpoint only.
    assert "privacy" in graph["api"]


def test_no_app_level_import_cycles():
    graph = app_graph()
    for source, target in KNOWN_UPWARD:
        graph[source].pop(target, None)
    found = cycles(graph)
    assert not found, "app-level import cycles:\n" + "\n".join(describe(c, graph) for c in found)


def test_every_known_upward_import_still_exists():
    graph = app_graph()
    gone = [edge for edge in KNOWN_UPWARD if edge[1] not in graph.get(edge[0], {})]
    assert not gone, f"no longer imported, remove from KNOWN_UPWARD: {gone}"


def test_the_encryption_foundation_imports_no_other_app():
    assert not app_graph().get("encryption")


def test_a_cycle_is_found_and_named():
    graph = {"a": {"b": "minxin.a.x"}, "b": {"c": "minxin.b.y"}, "c": {"a": "minxin.c.z"}}
    (cycle,) = cycles(graph)
    assert cycle == ["a", "b", "c", "a"]
    assert describe(cycle, graph) == (
        "a -> b (minxin.a.x); b -> c (minxin.b.y); c -> a (minxin.c.z)"
    )
