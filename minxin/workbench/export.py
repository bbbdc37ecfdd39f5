"""Excel export of a search. Bounded, because a spreadsheet of a city's whole history is
neither useful nor cheap; and without personal data, because files travel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from io import BytesIO

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from minxin.tickets.models import Satisfaction, Status, Ticket
from minxin.workbench.countdown import overall_countdown, stage_countdown

MAX_ROWS = 10_000
HEADERS = ["查询码", "标题", "类型", "状态", "分类", "区县", "主办单位", "渠道", "提交时间",
           "办结期限", "环节期限", "环节时限状态", "满意度"]


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    # Excel has no time zones: write the city's local wall-clock time.
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _values(t: Ticket) -> list[object]:
    return [
        t.display_code, t.title, t.request_type.name, Status(t.status).label,
        str(t.category) if t.category_id else "", t.district.name if t.district_id else "",
        t.lead_unit.name if t.lead_unit_id else "", t.get_channel_display(),
        _local(t.created_at), _local(t.due_at), _local(t.stage_due_at),
        stage_countdown(t).text if t.stage_due_at else overall_countdown(t).text,
        Satisfaction(t.satisfaction).label if t.satisfaction else "",
    ]


def _cells(sheet: WriteOnlyWorksheet, values: Iterable[object]) -> Iterator[object]:
    for value in values:
        if isinstance(value, str) and value.startswith("="):
            # Citizens write titles; "=HYPERLINK(...)" must stay text, never become a formula.
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            yield cell
        else:
            yield value  # plain values are much cheaper for openpyxl to write


def tickets_xlsx(tickets: QuerySet[Ticket]) -> tuple[bytes, int]:
    """The workbook's bytes and how many rows it holds (at most MAX_ROWS)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("诉求")
    sheet.append(HEADERS)
    written = 0
    for ticket in tickets[:MAX_ROWS].iterator(chunk_size=2000):
        sheet.append(list(_cells(sheet, _values(ticket))))
        written += 1
    out = BytesIO()
    book.save(out)
    return out.getvalue(), written
