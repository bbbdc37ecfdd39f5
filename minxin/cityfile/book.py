"""Reading a city file: every sheet, every row, every cell, then every cross-reference,
collecting all problems before anything is written."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from minxin.cityfile.spec import CellError, Column, Problem, Row, Sheet
from minxin.org.models import Category, RequestType, Unit

README_TITLE = "说明"


@dataclass(frozen=True)
class UnitInfo:
    kind: str
    parent: str | None


class Book:
    """The sheets a file holds (each with its rows), and what they refer to: the database's
    units, categories and types as they will be once the file is loaded."""

    def __init__(self, sheets: Iterable[Sheet]) -> None:
        self.sheets = {s.key: s for s in sheets}
        self.new_accounts: list[str] = []  # usernames the staff sheet created

    def rows(self, key: str) -> list[Row]:
        sheet = self.sheets.get(key)
        return sheet.rows if sheet else []

    @cached_property
    def units(self) -> dict[str, UnitInfo]:
        units = {
            code: UnitInfo(kind, parent)
            for code, kind, parent in Unit.objects.values_list("code", "kind", "parent__code")
        }
        for row in self.rows("units"):
            old = units.get(row.get("code"))
            kind = row.values.get("kind") or (old.kind if old else "")
            parent = row.values["parent"] if "parent" in row.values else (old and old.parent)
            units[row.get("code")] = UnitInfo(kind, parent or None)
        return units

    def district_of(self, code: str) -> str | None:
        """The district a unit lies in: itself or its nearest district ancestor."""
        seen: set[str] = set()
        current: str | None = code
        while current and current in self.units and current not in seen:
            seen.add(current)
            if self.units[current].kind == Unit.Kind.DISTRICT:
                return current
            current = self.units[current].parent
        return None

    @cached_property
    def categories(self) -> set[str]:
        """Category paths, "一级" or "一级/二级"."""
        paths = {
            f"{parent}/{name}" if parent else name
            for name, parent in Category.objects.values_list("name", "parent__name")
        }
        for row in self.rows("categories"):
            paths.add(category_path(row.get("top"), row.get("name")))
        return paths

    @cached_property
    def request_types(self) -> dict[str, str]:
        """Code or name -> code."""
        types: dict[str, str] = {}
        pairs = list(RequestType.objects.values_list("code", "name"))
        pairs += [(r.get("code"), r.get("name") or r.get("code")) for r in self.rows("types")]
        for code, name in pairs:
            types[code] = types[name] = code
        return types


def category_path(top: str, name: str | None) -> str:
    return f"{top}/{name}" if name else top


def read_book(path: Path, sheet_types: list[type[Sheet]]) -> tuple[Book, list[Problem]]:
    """The file's sheets and every problem in them; a book with problems must not be loaded."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        return Book([]), [Problem(None, None, f"无法读取文件 {path}：{exc}（应为 .xlsx 文件）")]
    by_name = {name: t for t in sheet_types for name in (t.title, t.key, f"{t.title} {t.key}")}
    sheets, problems = [], []
    for ws in workbook.worksheets:
        sheet_type = by_name.get(ws.title.strip())
        if sheet_type is None:
            if ws.title.strip() != README_TITLE:
                known = "、".join(f"{t.title}({t.key})" for t in sheet_types)
                problems.append(Problem(None, None, f"未知的工作表“{ws.title}”（可用：{known}）"))
            continue
        sheet = sheet_type()
        problems += _read_rows(sheet, ws.iter_rows(values_only=True))
        sheets.append(sheet)
    workbook.close()
    book = Book(sheets)
    if not sheets and not problems:
        problems.append(Problem(None, None, "文件中没有可识别的工作表（见 docs/city-setup.md）"))
    elif not problems and not any(s.rows for s in sheets):
        problems.append(Problem(None, None, "文件中的工作表都没有数据行"))
    for sheet in sheets:
        problems += sheet.check(book)
    return book, problems


def _read_rows(sheet: Sheet, cells: Iterable[tuple[Any, ...]]) -> list[Problem]:
    lines = iter(cells)
    header = next(lines, None)
    if header is None or all(_blank(v) for v in header):
        return [sheet.problem(None, "工作表是空的：第 1 行应为表头（列名）")]
    columns, problems = _header(sheet, header)
    if problems:
        return problems
    first_seen: dict[tuple[Any, ...], int] = {}
    for number, line in enumerate(lines, start=2):
        if all(_blank(v) for v in line):
            continue
        row, bad = Row(number, {}), False
        for i, column in enumerate(columns):
            if column is None:
                continue
            try:
                row.values[column.key] = column.parse(line[i] if i < len(line) else None)
            except CellError as exc:
                problems.append(sheet.problem(row, str(exc), column.key))
                bad = True
        if bad:
            continue
        key = sheet.key_of(row.values)
        if key in first_seen:
            shown = " / ".join(str(k) for k in key if k is not None)
            problems.append(sheet.problem(row, f"“{shown}”与第 {first_seen[key]} 行重复"))
            continue
        first_seen[key] = number
        sheet.rows.append(row)
    return problems


def _header(sheet: Sheet, header: tuple[Any, ...]) -> tuple[list[Column | None], list[Problem]]:
    names = {name: c for c in sheet.columns for name in (c.title, c.key)}
    columns: list[Column | None] = []
    problems = []
    for raw in header:
        text = "" if _blank(raw) else str(raw).strip()
        column = names.get(text)
        if text and column is None:
            known = "、".join(c.title for c in sheet.columns)
            problems.append(sheet.problem(None, f"第 1 行有未知的列“{text}”（可用：{known}）"))
        if column is not None and column in columns:
            problems.append(sheet.problem(None, f"第 1 行“{text}”列出现了两次"))
        columns.append(column)
    for column in sheet.columns:
        if (column.required or column.key in sheet.key_columns) and column not in columns:
            problems.append(sheet.problem(None, f"缺少“{column.title}”列"))
    return columns, problems


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
