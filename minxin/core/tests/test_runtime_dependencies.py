"""Every package the platform's own code imports is a runtime dependency in pyproject.toml,
not only a test one: `pip install .` (and `python3 dev.py demo`) must run without the
test extras."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "minxin"


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _imported_top_levels() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in relative or "/migrations/" in relative:
            continue
        for node in ast.walk(ast.parse(path.read_text(), relative)):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                found.setdefault(name.split(".")[0], relative)
    return found


def test_the_code_imports_only_runtime_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_name(r) for r in project["dependencies"]}
    owners = packages_distributions()
    missing = {}
    for top, where in _imported_top_levels().items():
        if top == "minxin" or top in sys.stdlib_module_names:
            continue
        distributions = {d.lower().replace("_", "-") for d in owners.get(top, [])}
        if not distributions & runtime:
            missing[top] = (where, sorted(distributions))
    assert not missing, f"imported by the platform but not a runtime dependency: {missing}"
