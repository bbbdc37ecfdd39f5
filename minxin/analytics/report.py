"""The monthly report (月度报告) as a PDF, drawn on the server: the month's figures beside
the year before and the month before, the daily volume and the categories as bar charts, and
the tables by district and unit. fpdf2 writes it; the CJK font is Noto Sans CJK (SIL Open
Font License) from the system's fonts-noto-cjk package, subset into the file
(docs/dependencies.md). `ANALYTICS_PDF_FONT` names another font file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from fpdf import FPDF
from fpdf.fonts import FontFace

from minxin.analytics import tables
from minxin.analytics.params import Query
from minxin.analytics.tables import Table
from minxin.core import clock
from minxin.core.errors import ValidationFailed

FONTS = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
]
CHART_BLUE = (46, 94, 170)


def font_path() -> str:
    for candidate in [settings.ANALYTICS_PDF_FONT, *FONTS]:
        if candidate and Path(candidate).exists():
            return candidate
    raise ValidationFailed("服务器未安装中文字体（fonts-noto-cjk），无法生成PDF", code="no_font")


def month_of(raw: str | None) -> tuple[dt.date, dt.date]:
    """`YYYY-MM` (default: last month) as its first and last day."""
    if raw:
        try:
            first = dt.date.fromisoformat(f"{raw.strip()}-01")
        except ValueError:
            raise ValidationFailed(
                "月份应为“年-月”格式，如2026-03", code="invalid_month", field="month"
            ) from None
    else:
        first = (clock.today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return first, last


class Report(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.add_font("cjk", "", font_path(), collection_font_number=2)  # 2: Simplified Chinese
        self.set_font("cjk", size=10)
        self.set_title(title)
        self.set_creator("民心 Minxin")
        self.set_lang("zh-CN")
        self.heading = title

    def header(self) -> None:
        self.set_font("cjk", size=9)
        self.set_text_color(100)
        self.cell(0, 6, self.heading, align="R", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0)
        self.set_font("cjk", size=10)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("cjk", size=8)
        self.cell(0, 6, f"第 {self.page_no()} 页", align="C")

    def figures_table(self, table: Table, widths: list[float] | None = None) -> None:
        self.section(table.title)
        self.multi_cell(0, 5, table.summary, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)
        usable = self.w - self.l_margin - self.r_margin
        widths = widths or [usable * 0.28] + [usable * 0.72 / (len(table.columns) - 1)] * (
            len(table.columns) - 1
        )
        self.set_font("cjk", size=8)
        with self.table(
            col_widths=widths,
            text_align="LEFT",
            line_height=5,
            headings_style=FontFace(emphasis="", fill_color=(230, 236, 245)),
        ) as grid:
            grid.row([c or "项目" for c in table.columns])
            for row in table.plain():
                grid.row(row)
        self.set_font("cjk", size=10)
        self.ln(3)

    def section(self, title: str) -> None:
        self.set_font("cjk", size=12)
        self.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
        self.set_font("cjk", size=10)

    def bars(self, title: str, labels: list[str], values: list[float], height: float = 50) -> None:
        """A vertical bar chart of VALUES, drawn with rectangles, labelled every few bars."""
        self.section(title)
        left, top = self.l_margin + 10, self.get_y() + 2
        width = self.w - self.r_margin - left
        peak = max(values, default=0) or 1
        step = width / max(len(values), 1)
        self.set_font("cjk", size=7)
        self.set_draw_color(150)
        self.line(left, top + height, left + width, top + height)
        self.set_xy(self.l_margin, top - 1)
        self.cell(10, 4, f"{peak:g}")
        self.set_fill_color(*CHART_BLUE)
        every = max(1, len(values) // 12)
        for i, (label, value) in enumerate(zip(labels, values, strict=True)):
            bar = height * value / peak
            self.rect(left + i * step + step * 0.15, top + height - bar, step * 0.7, bar, style="F")
            if i % every == 0:
                self.set_xy(left + i * step - 2, top + height + 1)
                self.cell(step * every, 4, label)
        self.set_font("cjk", size=10)
        self.set_y(top + height + 8)


def build(query: Query, scope_label: str) -> bytes:
    title = f"民心 月度报告 · {query.period.first:%Y年%m月} · {scope_label}"
    pdf = Report(title)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.cell(0, 12, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10)
    summary = tables.summary_table(query)
    pdf.figures_table(summary)
    trend = tables.trend_table(query)
    pdf.bars("每日受理量", [r[0].text for r in trend.rows], [r[1].value or 0 for r in trend.rows])
    category = tables.breakdown_table(query, "category")
    pdf.bars(
        "各分类受理量",
        [r[0].text[:4] for r in category.rows],
        [r[1].value or 0 for r in category.rows],
    )
    pdf.add_page()
    for dimension in (
        ("category", "district", "unit") if query.scope.unit_ids is None else ("category", "unit")
    ):
        pdf.figures_table(tables.breakdown_table(query, dimension))
    return bytes(pdf.output())
