"""What loading a checked city file would change, said row by row, and the loading itself:
one transaction, bulk writes, sheets in their dependency order. Rows are added or updated,
never deleted: rows of the database that the file does not list are left as they are."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from minxin.cityfile.book import Book
from minxin.cityfile.spec import Column, Row, Sheet

NO_CHANGES = "no changes（没有变化）"
Diff = tuple[str, Any, Any]  # column title, old, new


@dataclass
class SheetPlan:
    sheet: Sheet
    new: list[Row] = field(default_factory=list)
    changed: list[tuple[Row, list[Diff]]] = field(default_factory=list)
    same: int = 0
    absent: int = 0  # database rows the file does not list (kept)

    @property
    def empty(self) -> bool:
        return not self.new and not self.changed


def book_plan(book: Book, order: list[type[Sheet]]) -> list[SheetPlan]:
    plans = []
    for sheet_type in order:
        sheet = book.sheets.get(sheet_type.key)
        if sheet is None:
            continue
        current = sheet.current()
        plan = SheetPlan(sheet)
        for row in sheet.rows:
            old = current.pop(sheet.key_of(row.values), None)
            if old is None:
                plan.new.append(row)
            elif diffs := _diffs(sheet, old, row):
                plan.changed.append((row, diffs))
            else:
                plan.same += 1
        plan.absent = len(current)
        plans.append(plan)
    return plans


def _diffs(sheet: Sheet, old: dict[str, Any], row: Row) -> list[Diff]:
    return [
        (c.title, _shown(c, old.get(c.key)), _shown(c, row.values[c.key]))
        for c in sheet.stored_columns()
        if c.key in row.values and old.get(c.key) != row.values[c.key]
    ]


def plan_apply(book: Book, plans: list[SheetPlan]) -> None:
    with transaction.atomic():
        for plan in plans:
            if not plan.empty:
                plan.sheet.write(plan.new, [row for row, _ in plan.changed], book)


def plan_render(plans: list[SheetPlan], limit: int = 30) -> str:
    """A readable diff: per sheet the counts, then up to `limit` rows of each kind."""
    if all(p.empty for p in plans):
        return NO_CHANGES
    lines = []
    for plan in plans:
        sheet = plan.sheet
        counts = f"新增 {len(plan.new)}，修改 {len(plan.changed)}，不变 {plan.same}"
        if plan.absent:
            counts += f"；数据库中另有 {plan.absent} 行不在文件中（保留）"
        lines.append(f"{sheet.title}({sheet.key})：{counts}")
        for row in plan.new[:limit]:
            shown = " ".join(
                f"{c.title}={c.show(row.values[c.key])}"
                for c in sheet.columns
                if row.values.get(c.key) not in (None, "")
            )
            lines.append(f"  + 第 {row.number} 行：{shown}")
        for row, diffs in plan.changed[:limit]:
            key = " / ".join(str(k) for k in sheet.key_of(row.values) if k is not None)
            said = "；".join(f"{title} “{old}” → “{new}”" for title, old, new in diffs)
            lines.append(f"  ~ 第 {row.number} 行 {key}：{said}")
        hidden = max(len(plan.new) - limit, 0) + max(len(plan.changed) - limit, 0)
        if hidden:
            lines.append(f"  … 另有 {hidden} 行")
    return "\n".join(lines)


def _shown(column: Column, value: Any) -> Any:
    return "（空）" if value in (None, "") else column.show(value)
