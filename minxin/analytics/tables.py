"""The dashboard's tables, built once for the page, the Excel export and the PDF report:
each a heading, columns and rows of cells; a countable cell carries the drill-down filter
that lists the requests behind it (`analytics.drill`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from minxin.analytics import figures as fig
from minxin.analytics import reads
from minxin.analytics.figures import Figures, Scope
from minxin.analytics.params import Query, previous, year_before
from minxin.org.models import Category, RequestType, Unit
from minxin.supervision.records import Period
from minxin.tickets.models import Channel


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.1%}"


def decimal(value: float | int | None) -> str:
    return "—" if value is None else f"{value:.1f}"


@dataclass
class Cell:
    text: str
    value: float | int | None = None  # for charts and sorting; None: nothing to show
    drill: str = ""  # the figure's name in `analytics.drill.FIGURES`, with `filters`
    filters: tuple[tuple[str, str], ...] = ()
    url: str = ""  # set by `link` for the page


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    summary: str = ""  # one sentence for screen readers and the report

    def plain(self) -> list[list[str]]:
        return [[c.text for c in row] for row in self.rows]


# (heading, value as text, value as number, drill-down figure)
Column = tuple[str, Callable[[Figures], str], Callable[[Figures], "float | int | None"], str]
COLUMNS: list[Column] = [
    ("受理量", lambda f: str(f.submitted), lambda f: f.submitted, "submitted"),
    ("办结", lambda f: str(f.closed), lambda f: f.closed, "closed"),
    ("按期办结率", lambda f: percent(f.on_time_rate), lambda f: f.on_time_rate, "on_time"),
    ("满意率", lambda f: percent(f.satisfaction_rate), lambda f: f.satisfaction_rate, "rated"),
    ("重办率", lambda f: percent(f.reopen_rate), lambda f: f.reopen_rate, "reopened"),
    (
        "平均办理用时（工作日）",
        lambda f: decimal(f.avg_handling_workdays),
        lambda f: f.avg_handling_workdays,
        "closed",
    ),
]


def _cells(f: Figures, filters: tuple[tuple[str, str], ...]) -> list[Cell]:
    return [Cell(text(f), value(f), drill, filters) for _, text, value, drill in COLUMNS]


def labels(dimension: str) -> dict[int | str, str]:
    if dimension == "type":
        return dict(RequestType.objects.values_list("pk", "name"))
    if dimension == "category":
        return dict(Category.objects.filter(parent=None).values_list("pk", "name"))
    if dimension in ("district", "unit"):
        return dict(Unit.objects.values_list("pk", "name"))
    return dict(Channel.choices)


def _folded_categories(found: dict[int | str, Figures]) -> dict[int | str, Figures]:
    tops = dict(Category.objects.values_list("pk", "parent_id"))
    folded: dict[int | str, Figures] = {}
    for leaf, figures in found.items():
        top = tops.get(int(leaf)) or leaf
        folded.setdefault(top, Figures()).add(figures)
    return folded


DIMENSION_TITLES = {
    "type": "按类型",
    "category": "按分类（一级）",
    "district": "按区县",
    "channel": "按渠道",
    "unit": "按主办单位",
}
NONE_LABELS = {"category": "未分类", "district": "未填区县", "unit": "受理中心（未派遣）"}


def breakdown_table(
    query: Query, dimension: str, found: dict[int | str, Figures] | None = None
) -> Table:
    """The table by DIMENSION (of FOUND, when the caller read several at once)."""
    if found is None:
        found = reads.breakdown(query.period, query.scope, dimension)
    if dimension == "category":
        found = _folded_categories(found)
    names = labels(dimension)
    table = Table(dimension, DIMENSION_TITLES[dimension], ["", *[c[0] for c in COLUMNS]])
    type_codes = dict(RequestType.objects.values_list("pk", "code"))
    for key, figures in sorted(found.items(), key=lambda kv: -kv[1].submitted):
        label = names.get(key) or NONE_LABELS.get(dimension, str(key))
        value = type_codes.get(int(key), "") if dimension == "type" else str(key)
        filters = () if key in (0, "") else ((dimension, value),)
        table.rows.append([Cell(label), *_cells(figures, filters)])
    if table.rows:
        top = table.rows[0]
        table.summary = (
            f"{table.title}共{len(table.rows)}项，受理量最多的是{top[0].text}（{top[1].text}件）。"
        )
    else:
        table.summary = f"{table.title}：本期没有数据。"
    return table


SUMMARY_ROWS: list[tuple[str, Callable[[Figures], str], str]] = [
    ("受理量", lambda f: str(f.submitted), "submitted"),
    ("办结量", lambda f: str(f.closed), "closed"),
    ("按期办结", lambda f: str(f.on_time), "on_time"),
    ("按期办结率", lambda f: percent(f.on_time_rate), ""),
    ("平均办理用时（工作日）", lambda f: decimal(f.avg_handling_workdays), ""),
    ("办理用时90%分位（工作日）", lambda f: decimal(f.p90_handling_workdays), ""),
    ("平均首次响应（小时）", lambda f: decimal(f.avg_response_hours), ""),
    ("已评价", lambda f: str(f.rated), "rated"),
    ("满意", lambda f: str(f.satisfied), "satisfied"),
    ("基本满意", lambda f: str(f.basic), "basic"),
    ("不满意", lambda f: str(f.unsatisfied), "unsatisfied"),
    ("满意率", lambda f: percent(f.satisfaction_rate), ""),
    ("重办", lambda f: str(f.reopened), "reopened"),
    ("重办率", lambda f: percent(f.reopen_rate), ""),
    ("协办按期率", lambda f: percent(f.co_on_time_rate), ""),
]


def _period_filters(period: Period) -> tuple[tuple[str, str], ...]:
    return (("from", f"{period.first:%Y-%m-%d}"), ("to", f"{period.last:%Y-%m-%d}"))


def summary_table(query: Query) -> Table:
    """Every figure for the period, beside the same days a year before (同比) and the period
    before (环比), each number linked to its requests."""
    periods = [query.period, year_before(query.period), previous(query.period)]
    found = [reads.period_figures(p, query.scope) for p in periods]
    orders = fig.orders_in(periods, query.scope)
    columns = ["指标", "本期", f"同比（{periods[1].label()}）", f"环比（{periods[2].label()}）"]
    table = Table("summary", "主要指标", columns)
    for label, text, drill in SUMMARY_ROWS:
        cells = [
            Cell(text(f), None, drill, _period_filters(p))
            for f, p in zip(found, periods, strict=True)
        ]
        table.rows.append([Cell(label), *cells])
    for name, label in (("orders_opened", "新开督办单"), ("orders_closed", "办结督办单")):
        table.rows.append([Cell(label), *[Cell(str(o[name])) for o in orders]])
    now = found[0]
    table.summary = (
        f"{query.period.label()}受理{now.submitted}件，办结{now.closed}件，"
        f"按期办结率{percent(now.on_time_rate)}，满意率{percent(now.satisfaction_rate)}；"
        f"同比受理{found[1].submitted}件，环比受理{found[2].submitted}件。"
    )
    return table


def trend_table(query: Query) -> Table:
    """Per day, or per month for a period longer than two months."""
    monthly = (query.period.last - query.period.first).days > 62
    read = reads.monthly if monthly else reads.daily
    buckets: dict[dt.date, Figures] = {}
    day = query.period.first
    while day <= query.period.last:
        buckets.setdefault(day.replace(day=1) if monthly else day, Figures())
        day += dt.timedelta(days=1)
    for bucket, figures in read(query.period, query.scope).items():  # a day or a month
        buckets[bucket].add(figures)
    table = Table("trend", "趋势（按月）" if monthly else "趋势（按日）", ["日期"])
    table.columns += [c[0] for c in COLUMNS[:4]]
    for bucket, figures in buckets.items():
        last = _month_end(bucket) if monthly else bucket
        filters = (
            ("from", f"{bucket:%Y-%m-%d}"),
            ("to", f"{min(last, query.period.last):%Y-%m-%d}"),
        )
        label = f"{bucket:%Y-%m}" if monthly else f"{bucket:%m-%d}"
        table.rows.append([Cell(label), *_cells(figures, filters)[:4]])
    peak = max(buckets.items(), key=lambda kv: kv[1].submitted, default=None)
    total = sum(f.submitted for f in buckets.values())
    table.summary = f"共{len(buckets)}个时间段，受理{total}件" + (
        f"，最多的是{peak[0]:%Y-%m-%d}所在时段（{peak[1].submitted}件）。"
        if peak and total
        else "。"
    )
    return table


def _month_end(first: dt.date) -> dt.date:
    return (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def now_table(scope: Scope) -> Table:
    now = fig.backlog_now(scope)
    table = Table("now", "当前在办", ["指标", "数量"])
    table.rows = [
        [Cell("在办"), Cell(str(now["backlog"]), now["backlog"], "backlog")],
        [Cell("超期"), Cell(str(now["overdue"]), now["overdue"], "overdue")],
    ]
    table.summary = f"当前在办{now['backlog']}件，其中超期{now['overdue']}件。"
    return table


def dashboard_tables(query: Query, dimensions: list[str]) -> list[Table]:
    found = reads.breakdowns(query.period, query.scope, dimensions)
    return [
        summary_table(query),
        now_table(query.scope),
        trend_table(query),
        *[breakdown_table(query, d, found[d]) for d in dimensions],
    ]


def dashboard_table(query: Query, dimensions: list[str], key: str) -> Table | None:
    """The one dashboard table named KEY (for its export), built alone; None if the
    dashboard of these DIMENSIONS has no such table."""
    if key in dimensions:
        return breakdown_table(query, key)
    built: dict[str, Callable[[], Table]] = {
        "summary": lambda: summary_table(query),
        "now": lambda: now_table(query.scope),
        "trend": lambda: trend_table(query),
    }
    return built[key]() if key in built else None


def drill_url(query: Query, cell: Cell) -> str:
    """The list of requests behind CELL: the dashboard's filters, the period, the cell's."""
    params = {"figure": cell.drill, **query.params, **_dict(_period_filters(query.period))}
    params.update(dict(cell.filters))
    return "/staff/dashboard/requests/?" + urlencode(params)


def link(query: Query, shown: list[Table]) -> None:
    for table in shown:
        for row in table.rows:
            for cell in row:
                if cell.drill:
                    cell.url = drill_url(query, cell)


def _dict(pairs: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return dict(pairs)
