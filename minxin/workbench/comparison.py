"""The units compared on their records (单位考核对比): one row a unit, one column a figure of
`minxin.supervision.records`, sortable by any column; only the units the reader may open."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from minxin.accounts.models import User
from minxin.core.errors import ValidationFailed
from minxin.org.models import Unit
from minxin.supervision.records import Figures, Period, unit_figures
from minxin.tickets.models import Satisfaction
from minxin.workbench.pages import dispatch_units, percent
from minxin.workbench.permissions import may_read_record

S = Satisfaction
Getter = Callable[[Figures], "int | float | None"]
# key -> (heading, value, shown as a percentage)
COLUMNS: dict[str, tuple[str, Getter, bool]] = {
    "led": ("主办", lambda f: f.led, False),
    "co": ("协办", lambda f: f.co, False),
    "closed": ("办结", lambda f: f.closed, False),
    "on_time_rate": ("按期办结率", lambda f: f.on_time_rate, True),
    "rated": ("评价数", lambda f: f.rated, False),
    "satisfied": ("满意", lambda f: f.ratings[S.SATISFIED], False),
    "basic": ("基本满意", lambda f: f.ratings[S.BASIC], False),
    "unsatisfied": ("不满意", lambda f: f.ratings[S.UNSATISFIED], False),
    "satisfied_rate": ("满意率", lambda f: f.rate(S.SATISFIED), True),
    "basic_rate": ("基本满意率", lambda f: f.rate(S.BASIC), True),
    "unsatisfied_rate": ("不满意率", lambda f: f.rate(S.UNSATISFIED), True),
    "reopen_rate": ("重办率", lambda f: f.reopen_rate, True),
    "returns": ("退回", lambda f: f.returns, False),
    "overdue": ("超期", lambda f: f.overdue, False),
    "orders_opened": ("新开督办", lambda f: f.orders_opened, False),
    "orders_closed": ("办结督办", lambda f: f.orders_closed, False),
}


@dataclass(frozen=True)
class Sort:
    key: str = ""  # "" = by level and unit, as the unit lists are
    desc: bool = False

    def params(self) -> str:
        return f"sort={self.key}&dir={'desc' if self.desc else 'asc'}" if self.key else ""


def sort_from(params: Mapping[str, str]) -> Sort:
    key = (params.get("sort") or "").strip()
    direction = (params.get("dir") or "").strip()
    if key and key not in COLUMNS and key != "unit":
        raise ValidationFailed("排序列无效", code="invalid_sort", field="sort")
    if direction not in ("", "asc", "desc"):
        raise ValidationFailed("排序方向无效", code="invalid_sort", field="dir")
    return Sort("" if key == "unit" else key, direction == "desc")


@dataclass
class Row:
    unit: Unit
    level: str
    figures: Figures

    def value(self, key: str) -> int | float | None:
        return COLUMNS[key][1](self.figures)

    @property
    def cells(self) -> list[str | float]:
        return [percent(self.value(k)) if COLUMNS[k][2] else self.value(k) or 0 for k in COLUMNS]


def readable_units(user: User) -> list[tuple[str, Unit]]:
    return [
        (label, unit)
        for label, units in dispatch_units()
        for unit in units
        if may_read_record(user, unit)
    ]


def comparison(user: User, period: Period, sort: Sort) -> list[Row]:
    """A row for every unit the user may read, its figures for PERIOD, in SORT's order;
    a unit without a figure (a rate with nothing to divide) goes last either way."""
    units = readable_units(user)
    figures = unit_figures(period, [unit.pk for _, unit in units])
    rows = [Row(unit, label, figures.get(unit.pk, Figures())) for label, unit in units]
    if not sort.key:
        return rows
    present = [r for r in rows if r.value(sort.key) is not None]
    missing = [r for r in rows if r.value(sort.key) is None]
    present.sort(key=lambda r: r.value(sort.key) or 0, reverse=sort.desc)
    return present + missing


def headers(sort: Sort) -> list[dict[str, object]]:
    """Each column's heading with the link that sorts by it (descending first: the busiest
    or best at the top; again to reverse) and its aria-sort state."""
    result = []
    for key, (label, _, _) in COLUMNS.items():
        current = sort.key == key
        desc = not (current and sort.desc)
        result.append(
            {
                "key": key,
                "label": label,
                "current": current,
                "aria": ("descending" if sort.desc else "ascending") if current else "",
                "params": Sort(key, desc).params(),
            }
        )
    return result


def export_headers() -> list[str]:
    return ["单位", "层级", *[label for label, _, _ in COLUMNS.values()]]
