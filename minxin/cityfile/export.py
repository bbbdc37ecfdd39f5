"""Writing the city as a file: one sheet per spec, a header of Chinese column names, and a
first sheet (说明) that says what each sheet and column means. Import reads it back."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from minxin.cityfile.book import README_TITLE
from minxin.cityfile.spec import Sheet, Values

BOLD = Font(bold=True)


def book_export(path: Path, order: list[type[Sheet]]) -> dict[str, int]:
    """Write every sheet of `order` from the database; returns rows written per sheet."""
    return book_write(path, order, lambda sheet: list(sheet.current().values()))


def book_write(
    path: Path,
    order: list[type[Sheet]],
    rows_of: Callable[[Sheet], Iterable[Values]],
    left_out: Mapping[str, set[str]] | None = None,
) -> dict[str, int]:
    """Write a city file whose rows (in the file's terms) come from `rows_of`. Columns in
    `left_out` (sheet key -> column keys) are not written, so an import leaves them alone."""
    workbook = Workbook()
    readme = workbook.active
    readme.title = README_TITLE
    readme.append(["工作表", "英文名", "列", "英文列名", "说明"])
    counts = {}
    for sheet_type in order:
        sheet = sheet_type()
        readme.append([sheet.title, sheet.key, "", "", sheet.about])
        for column in sheet.columns:
            must = "（必填）" if column.required else ""
            readme.append(["", "", column.title, column.key, f"{column.help}{must}"])
        ws = workbook.create_sheet(sheet.title)
        skip = (left_out or {}).get(sheet.key, set())
        columns = [c for c in sheet.columns if c.key not in skip]
        ws.append([c.title for c in columns])
        counts[sheet.key] = 0
        for values in rows_of(sheet):
            ws.append([c.show(values.get(c.key)) for c in columns])
            counts[sheet.key] += 1
        _dress(ws, [len(c.title) for c in columns])
    _dress(readme, [8, 16, 14, 16, 40])
    workbook.save(path)
    return counts


def _dress(ws: Worksheet, widths: list[int]) -> None:
    ws.freeze_panes = "A2"
    for cell in ws[1]:
        cell.font = BOLD
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = max(10, width * 2 + 2)
