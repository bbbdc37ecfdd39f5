"""City files written by the tests: {sheet title: [header, row, row, ...]}."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from minxin.cityfile.services import Loaded, city_import

UNIT_HEADER = ["编码", "名称", "类型", "上级单位编码"]


def workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, lines in sheets.items():
        ws = book.create_sheet(title)
        for line in lines:
            ws.append(line)
    book.save(path)
    return path


def cells(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    book = load_workbook(path, read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def load(path: Path, commit: bool = True) -> Loaded:
    return city_import(path=path, commit=commit)


def problems(loaded: Loaded) -> list[str]:
    return [str(p) for p in loaded.problems]
