"""The figures' query: a period and the dashboard's filters, from GET parameters shared by
the dashboard, its exports, the public page and the API (docs/analytics.md, "Parameters").

`from`/`to` (YYYY-MM-DD, both days included; or `period` = this_month | last_month |
this_year), `type` (a request type's code), `category` (an id: a first-level category
includes its children), `district` (a district's id), `channel`. A value that names nothing
is refused, with the parameter named, in Chinese.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace

from minxin.analytics.figures import Scope
from minxin.core.errors import ValidationFailed
from minxin.org.models import Category, RequestType, Unit
from minxin.supervision.records import Period, period_from
from minxin.tickets.models import Channel


@dataclass(frozen=True)
class Query:
    period: Period
    scope: Scope
    params: dict[str, str]  # the filters as given, for links that keep them


def _id(params: Mapping[str, str], name: str, label: str) -> int | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise ValidationFailed(f"{label}的取值无效", code="invalid_filter", field=name)
    return int(raw)


def _category_ids(category_id: int | None) -> frozenset[int] | None:
    if category_id is None:
        return None
    ids = set(Category.objects.filter(parent_id=category_id).values_list("pk", flat=True))
    if not ids and not Category.objects.filter(pk=category_id).exists():
        raise ValidationFailed("分类不存在", code="unknown_category", field="category")
    return frozenset(ids | {category_id})


def _type_id(code: str) -> int | None:
    if not code:
        return None
    found = RequestType.objects.filter(code=code[:20]).values_list("pk", flat=True).first()
    if found is None:
        raise ValidationFailed("诉求类型不存在", code="unknown_type", field="type")
    return found


def parse(params: Mapping[str, str], scope: Scope | None = None) -> Query:
    """The period and filters named in PARAMS, within SCOPE (the reader's units)."""
    period = period_from(params)
    district = _id(params, "district", "区县")
    if (
        district is not None
        and not Unit.objects.filter(pk=district, kind=Unit.Kind.DISTRICT).exists()
    ):
        raise ValidationFailed("区县不存在", code="unknown_district", field="district")
    channel = (params.get("channel") or "").strip()
    if channel and channel not in Channel.values:
        raise ValidationFailed("渠道的取值无效", code="invalid_filter", field="channel")
    narrowed = replace(
        scope or Scope(),
        request_type_id=_type_id((params.get("type") or "").strip()),
        category_ids=_category_ids(_id(params, "category", "分类")),
        district_id=district,
        channel=channel,
    )
    kept = {k: (params.get(k) or "").strip() for k in ("type", "category", "district", "channel")}
    return Query(period, narrowed, {k: v for k, v in kept.items() if v})


def year_before(period: Period) -> Period:
    """同比: the same days a year earlier (29 February becomes the 28th)."""
    return Period(_back_a_year(period.first), _back_a_year(period.last))


def _back_a_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def previous(period: Period) -> Period:
    """环比: the period just before, as long; whole months give the months before."""
    first, last = period.first, period.last
    following = last + dt.timedelta(days=1)
    if first.day == 1 and following.day == 1:
        months = (following.year - first.year) * 12 + following.month - first.month
        start = _months_back(first, months)
        return Period(start, first - dt.timedelta(days=1))
    length = (last - first).days + 1
    return Period(first - dt.timedelta(days=length), first - dt.timedelta(days=1))


def _months_back(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)
