"""A unit's record (考核记录) over a period: every figure's definition lives here, and the
single unit's page, the comparison of all units, the API and the export all read it.

Definitions (docs/workbench.md, "Unit records", says the same in prose); a period is
[start, end) in city time, each figure counts what happened within it:

- led (主办): requests dispatched to the unit as lead for the first time in the period: each
  request once however often it comes back to the unit (counted on its first dispatch).
- co-handled (协办): the same for the unit as a co-handling unit.
- closed and on time: requests led by the unit that closed (满意/基本满意, unsatisfied past
  the reopen limit, or unrated) in the period; on time when the last approved reply was
  published no later than the time limit (`due_at`, which approved extensions and paused
  days for the citizen's material move). On-time rate = on time / closed.
- ratings: every rating given in the period, counted for the unit that led the request when
  it was given: 满意, 基本满意, 不满意 (each 不满意 counts, also one that reopened the request
  and was later followed by a 满意), and 未评价 (closed unrated). Rates are over the rated
  ones (满意 + 基本满意 + 不满意); 未评价 is not in them.
- reopen rate: reopens (不满意 that sent the request back to the unit) / rated.
- returns (退回): requests the unit returned to the centre as not its own.
- overdue: the unit's stages (sign-for, handling, also while its head reviews the reply)
  and its co-handling parts (协办) that passed their deadline.
- supervision orders: addressed to the unit, opened in the period; closed in the period.

Every figure is thus dated by a moment written once, and a period's figures are the sums of
its days': `supervision.tally` counts them in SQL, `supervision.unitdays` keeps the past
days' sums.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from minxin.core import clock
from minxin.core.errors import ValidationFailed
from minxin.supervision import unitdays
from minxin.tickets.models import Satisfaction

MAX_DAYS = 3 * 366  # a longer span is an export job, not a page
RATED = [Satisfaction.SATISFIED, Satisfaction.BASIC, Satisfaction.UNSATISFIED]
SHORTCUTS = {"this_month": "本月", "last_month": "上月", "this_year": "本年"}


@dataclass(frozen=True)
class Period:
    first: dt.date  # both days included
    last: dt.date

    @property
    def start(self) -> dt.datetime:
        return clock.day_start(self.first)

    @property
    def end(self) -> dt.datetime:
        return clock.day_start(self.last + dt.timedelta(days=1))

    def params(self) -> str:
        return f"from={self.first:%Y-%m-%d}&to={self.last:%Y-%m-%d}"

    def label(self) -> str:
        return f"{self.first:%Y-%m-%d} 至 {self.last:%Y-%m-%d}"


def shortcut(name: str, today: dt.date | None = None) -> Period:
    today = today or clock.today()
    month = today.replace(day=1)
    if name == "last_month":
        last = month - dt.timedelta(days=1)
        return Period(last.replace(day=1), last)
    if name == "this_year":
        return Period(today.replace(month=1, day=1), today.replace(month=12, day=31))
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return Period(month, following - dt.timedelta(days=1))


def _day(params: Mapping[str, str], name: str, label: str) -> dt.date | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(
            f"{label}应为“年-月-日”格式的日期", code="invalid_period", field=name
        ) from None


def period_from(params: Mapping[str, str]) -> Period:
    """The period named in a GET query: `period` (a shortcut) or `from`/`to` dates; default
    this month. A half-given range runs from the month's start or to today."""
    name = (params.get("period") or "").strip()
    if name:
        if name not in SHORTCUTS:
            raise ValidationFailed("统计期间无效", code="invalid_period", field="period")
        return shortcut(name)
    first, last = _day(params, "from", "开始日期"), _day(params, "to", "结束日期")
    if first is None and last is None:
        return shortcut("this_month")
    first = first or (last or clock.today()).replace(day=1)
    last = last or clock.today()
    if first > last:
        raise ValidationFailed("结束日期不能早于开始日期", code="invalid_period", field="to")
    if (last - first).days >= MAX_DAYS:
        raise ValidationFailed("统计期间最长三年", code="invalid_period", field="from")
    return Period(first, last)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Figures:
    led: int = 0
    co: int = 0
    closed: int = 0
    on_time: int = 0
    ratings: Counter[str] = field(default_factory=Counter)
    reopens: int = 0
    returns: int = 0
    overdue: int = 0
    orders_opened: int = 0
    orders_closed: int = 0

    @property
    def rated(self) -> int:
        return sum(self.ratings[s] for s in RATED)

    @property
    def on_time_rate(self) -> float | None:
        return _share(self.on_time, self.closed)

    def rate(self, satisfaction: str) -> float | None:
        return _share(self.ratings[satisfaction], self.rated)

    @property
    def reopen_rate(self) -> float | None:
        return _share(self.reopens, self.rated)


def unit_figures(period: Period, unit_ids: list[int] | None = None) -> dict[int, Figures]:
    """Every unit's figures for PERIOD (or only UNIT_IDS'): the sealed days from the daily
    rollups (`supervision.unitdays`), the others counted from the source (`tally`); never a
    query per unit."""
    figures: dict[int, Figures] = {}
    for unit_id, _day, kind, n in unitdays.rows_for(period.first, period.last, unit_ids):
        _add(figures.setdefault(unit_id, Figures()), kind, n)
    return figures


COUNTED = {"led", "co", "closed", "on_time", "returns", "overdue", "orders_opened", "orders_closed"}


def _add(figures: Figures, kind: str, n: int) -> None:
    if kind in COUNTED:
        setattr(figures, kind, getattr(figures, kind) + n)
    elif kind == "reopens":  # a 不满意 that sent the request back
        figures.reopens += n
        figures.ratings[Satisfaction.UNSATISFIED] += n
    elif kind in Satisfaction.values:
        figures.ratings[kind] += n


def figures_for(period: Period, unit_id: int) -> Figures:
    return unit_figures(period, [unit_id]).get(unit_id, Figures())


def as_dict(figures: Figures) -> dict:
    """The figures as plain values (the API's answer); rates are fractions or None."""
    return {
        "led": figures.led,
        "co_handled": figures.co,
        "closed": figures.closed,
        "on_time": figures.on_time,
        "on_time_rate": figures.on_time_rate,
        "ratings": {s.value: figures.ratings[s.value] for s in Satisfaction},
        "rated": figures.rated,
        "rates": {s: figures.rate(s) for s in RATED},
        "reopens": figures.reopens,
        "reopen_rate": figures.reopen_rate,
        "returns": figures.returns,
        "overdue": figures.overdue,
        "orders_opened": figures.orders_opened,
        "orders_closed": figures.orders_closed,
    }
