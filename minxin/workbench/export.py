"""Excel export of a search, streamed. Bounded, because a spreadsheet of a city's whole history
is neither useful nor cheap; and without personal data, because files travel.

The workbook leaves as it is written: the standard library's `zipfile` writes to an unseekable
sink (each member followed by a data descriptor, as Java's and Apache POI's writers do), and the
response hands the sink's bytes on every few hundred rows. The first bytes leave at once, the
server holds no more than a chunk in memory, and 10,000 rows take about a second, where openpyxl
built the whole file first (2 s at 100,000 requests, docs/benchmarks.md). openpyxl cannot
stream: its write-only mode keeps the sheet in a temporary file until `save`. The SpreadsheetML
written here is the minimum Excel, WPS and LibreOffice read: inline strings, one date style.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from xml.sax.saxutils import escape

from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from typing_extensions import Buffer  # collections.abc.Buffer from Python 3.12

from minxin.tickets.models import Satisfaction, Status, Ticket
from minxin.workbench.countdown import overall_countdown, stage_countdown

MAX_ROWS = 10_000
HEADERS = [
    "查询码",
    "标题",
    "类型",
    "状态",
    "分类",
    "区县",
    "主办单位",
    "渠道",
    "提交时间",
    "办结期限",
    "环节期限",
    "环节时限状态",
    "满意度",
]
WIDTHS = [18, 40, 10, 10, 20, 10, 20, 10, 17, 17, 17, 16, 10]
TRUNCATED = f"仅导出前{MAX_ROWS}条，请缩小查询范围后分批导出"
ROWS_PER_CHUNK = 500
# XML 1.0 cannot carry these control characters; a pasted title may hold one.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
DATE_STYLE, HEADER_STYLE = 1, 2

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
XLSX = f"{_SHEET_TYPE}.sheet"  # a workbook's media type
PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_SHEET_TYPE}.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        f'ContentType="{_SHEET_TYPE}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_SHEET_TYPE}.styles+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
        f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
        '<sheet name="诉求" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
    ),
    # Style 1: local date and time; style 2: the bold header.
    "xl/styles.xml": (
        f'<styleSheet xmlns="{_MAIN}"><numFmts count="1">'
        '<numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="宋体"/></font>'
        '<font><b/><sz val="11"/><name val="宋体"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        '</cellStyleXfs><cellXfs count="3">'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
        "</cellStyles></styleSheet>"
    ),
}
SHEET = "xl/worksheets/sheet1.xml"
COLUMNS = [chr(ord("A") + i) for i in range(len(HEADERS))]
_SHEET_HEAD = (
    f'{_XML}<worksheet xmlns="{_MAIN}"><sheetViews><sheetView workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView>'
    "</sheetViews><cols>"
    + "".join(
        f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
        for i, w in enumerate(WIDTHS, start=1)
    )
    + "</cols><sheetData>"
)
_SHEET_TAIL = "</sheetData></worksheet>"


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    # Excel has no time zones: write the city's local wall-clock time.
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _values(t: Ticket) -> list[object]:
    return [
        t.display_code,
        t.title,
        t.request_type.name,
        Status(t.status).label,
        str(t.category) if t.category_id else "",
        t.district.name if t.district else "",
        t.lead_unit.name if t.lead_unit else "",
        t.get_channel_display(),
        _local(t.created_at),
        _local(t.due_at),
        _local(t.stage_due_at),
        stage_countdown(t).text if t.stage_due_at else overall_countdown(t).text,
        Satisfaction(t.satisfaction).label if t.satisfaction else "",
    ]


def _cell(ref: str, value: object, style: int = 0) -> str:
    if value is None or value == "":
        return ""
    styled = f' s="{style}"' if style else ""
    if isinstance(value, dt.datetime):
        serial = (value - EXCEL_EPOCH) / dt.timedelta(days=1)
        return f'<c r="{ref}" s="{DATE_STYLE}"><v>{serial:.6f}</v></c>'
    if isinstance(value, int) and not isinstance(value, bool):
        return f'<c r="{ref}"{styled}><v>{value}</v></c>'
    # An inline string is text whatever it holds: a citizen's "=HYPERLINK(...)" never becomes
    # a formula.
    text = escape(NOT_XML.sub("", str(value)))
    return f'<c r="{ref}" t="inlineStr"{styled}><is><t xml:space="preserve">{text}</t></is></c>'


def _row(
    number: int, values: Sequence[object], style: int = 0, columns: Sequence[str] = COLUMNS
) -> bytes:
    cells = "".join(
        _cell(f"{col}{number}", v, style) for col, v in zip(columns, values, strict=False)
    )
    return f'<row r="{number}">{cells}</row>'.encode()


class _Sink(io.RawIOBase):
    """Where `zipfile` writes; unseekable, so it streams. The generator drains it."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Buffer) -> int:
        chunk = bytes(data)
        self.chunks.append(chunk)
        return len(chunk)

    def drain(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def tickets_xlsx(tickets: QuerySet[Ticket]) -> Iterator[bytes]:
    """The workbook of TICKETS (at most MAX_ROWS, then a line saying so), as it is written."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as book:
        for name, xml in PARTS.items():
            book.writestr(name, _XML + xml)
        yield sink.drain()
        with book.open(SHEET, "w") as sheet:
            sheet.write(_SHEET_HEAD.encode())
            sheet.write(_row(1, HEADERS, HEADER_STYLE))
            for number, ticket in enumerate(
                tickets[: MAX_ROWS + 1].iterator(chunk_size=2000), start=2
            ):
                if number > MAX_ROWS + 1:
                    sheet.write(_row(number, [TRUNCATED]))
                    break
                sheet.write(_row(number, _values(ticket)))
                if number % ROWS_PER_CHUNK == 0:
                    yield sink.drain()
            sheet.write(_SHEET_TAIL.encode())
    yield sink.drain()


def table_xlsx(
    sheet: str, headers: Sequence[str], widths: Sequence[int], rows: Sequence[Sequence[object]]
) -> bytes:
    """A small workbook of one table (at most 26 columns), written whole: for summaries of a
    few hundred rows, such as the units' records compared."""
    columns = [chr(ord("A") + i) for i in range(len(headers))]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as book:
        for name, xml in PARTS.items():
            if name == "xl/workbook.xml":
                xml = xml.replace('name="诉求"', f'name="{escape(sheet)}"')
            book.writestr(name, _XML + xml)
        head = (
            _SHEET_HEAD.split("<cols>")[0]
            + "<cols>"
            + "".join(
                f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                for i, w in enumerate(widths, start=1)
            )
            + "</cols><sheetData>"
        )
        body = [_row(1, headers, HEADER_STYLE, columns)]
        body += [_row(n, values, 0, columns) for n, values in enumerate(rows, start=2)]
        book.writestr(SHEET, head.encode() + b"".join(body) + _SHEET_TAIL.encode())
    return buffer.getvalue()


def attachment(
    content: bytes | Iterator[bytes], filename: str, content_type: str = XLSX
) -> HttpResponseBase:
    """A file to save as FILENAME (a workbook unless CONTENT_TYPE says otherwise), streamed
    when CONTENT comes in chunks."""
    response: HttpResponseBase
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
