"""The code's layout rules (docs/architecture.md): no module in minxin/ outside migrations,
tests included, passes MAX_LINES lines; one past it is split by concern."""

from pathlib import Path

import minxin

MAX_LINES = 400
ROOT = Path(minxin.__file__).parent


def module_lengths() -> dict[str, int]:
    return {
        path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in ROOT.rglob("*.py")
        if "migrations" not in path.parts
    }


def test_no_module_passes_the_line_limit():
    too_long = {name: lines for name, lines in module_lengths().items() if lines > MAX_LINES}
    assert too_long == {}


def test_the_walk_reads_the_project():
    # The limit means nothing if the walk finds no module.
    lengths = module_lengths()
    assert "tickets/services.py" in lengths
    assert "core/tests/test_layout.py" in lengths
