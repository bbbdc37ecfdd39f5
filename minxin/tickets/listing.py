"""How a list of requests is sorted and narrowed: one vocabulary for the workbench's queue
pages (GET forms) and the staff API's queue endpoint, so both accept the same parameters.

Parameters (all optional): `sort` (newest | oldest | deadline | risk), `type` (a request
type's code), `category` (an id; a first-level category includes its children), `district`
(an id), `channel`, `risk` (low | medium | high | critical) and `overdue` (on | true | 1).
A value that is not one of these is refused with a message naming the parameter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from urllib.parse import urlencode

from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, OrderBy, Q, QuerySet

from minxin.core import clock
from minxin.core.errors import ValidationFailed
from minxin.tickets import hooks
from minxin.tickets.models import RUNNING_STATUSES, Channel, Status, Ticket

SORTS = {
    "newest": "最新提交在前",
    "oldest": "最早提交在前",
    "deadline": "环节期限最近在前",
    "risk": "风险最高在前",
}
# Each sort as field names; `order_terms` turns them into ORDER BY terms (empty deadlines last).
SORT_FIELDS: dict[str, tuple[str, ...]] = {
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "deadline": ("stage_due_at", "due_at", "id"),
    "risk": ("risk_rank", "stage_due_at", "id"),
}
TRUE = {"on", "true", "1", "yes"}
FALSE = {"", "off", "false", "0", "no"}


@dataclass(frozen=True)
class ListQuery:
    sort: str = ""
    type: str = ""
    category: int | None = None
    district: int | None = None
    channel: str = ""
    risk: str = ""
    overdue: bool = False

    def params(self) -> str:
        """The choice as a URL query string (the pager keeps it), empty values left out."""
        pairs = {
            k: ("on" if v is True else v)
            for k, v in asdict(self).items()
            if v not in ("", None, False)
        }
        return urlencode(pairs)

    @property
    def narrowed(self) -> bool:
        return any((self.type, self.category, self.district, self.channel, self.risk, self.overdue))


def _choice(params: Mapping[str, str], name: str, allowed: set[str], label: str) -> str:
    value = (params.get(name) or "").strip()
    if value and value not in allowed:
        raise ValidationFailed(f"{label}的取值无效", code="invalid_filter", field=name)
    return value


def _id(params: Mapping[str, str], name: str, label: str) -> int | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 18:
        raise ValidationFailed(f"{label}的取值无效", code="invalid_filter", field=name)
    return int(value)


def _flag(params: Mapping[str, str], name: str, label: str) -> bool:
    value = (params.get(name) or "").strip().lower()
    if value not in TRUE | FALSE:
        raise ValidationFailed(f"{label}的取值无效", code="invalid_filter", field=name)
    return value in TRUE


def parse(params: Mapping[str, str]) -> ListQuery:
    """The sort and filters named in PARAMS (a GET query), or ValidationFailed."""
    type_code = (params.get("type") or "").strip()
    if len(type_code) > 20:
        raise ValidationFailed("类型的取值无效", code="invalid_filter", field="type")
    return ListQuery(
        sort=_choice(params, "sort", set(SORTS), "排序"),
        type=type_code,
        category=_id(params, "category", "分类"),
        district=_id(params, "district", "区县"),
        channel=_choice(params, "channel", set(Channel.values), "渠道"),
        risk=_choice(params, "risk", set(hooks.risk_levels()), "风险等级"),
        overdue=_flag(params, "overdue", "仅看超期"),
    )


def overdue_q() -> Q:
    """Past the stage's deadline, or past the time limit and not yet answered; only requests
    whose clock runs (a published reply waits for the citizen, not the unit)."""
    now = clock.now()
    late = Q(stage_due_at__lt=now) | (Q(due_at__lt=now) & ~Q(status=Status.PUBLISHED))
    return late & Q(status__in=RUNNING_STATUSES)


def narrow(tickets: QuerySet[Ticket], query: ListQuery) -> QuerySet[Ticket]:
    if query.type:
        tickets = tickets.filter(request_type__code=query.type)
    if query.category is not None:
        tickets = tickets.filter(
            Q(category_id=query.category) | Q(category__parent_id=query.category)
        )
    if query.district is not None:
        tickets = tickets.filter(district_id=query.district)
    if query.channel:
        tickets = tickets.filter(channel=query.channel)
    if query.risk:
        tickets = hooks.at_risk_level(tickets, query.risk)
    if query.overdue:
        tickets = tickets.filter(overdue_q())
    return tickets


def with_risk(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Annotated with `risk_rank` (0 critical, 1 high, 2 medium, 3 low or not analysed) and
    `alarm` (0 critical, 1 otherwise), for sorting; the risk app supplies both."""
    return hooks.with_risk(tickets)


def sorted_list(
    tickets: QuerySet[Ticket], sort: str, *, alarm_first: bool = False
) -> QuerySet[Ticket]:
    """TICKETS in the chosen order (default: nearest stage deadline); with ALARM_FIRST (an
    intake list) critical-risk requests above the rest whatever the order."""
    names = sort_fields(sort, alarm_first=alarm_first)
    if "alarm" in names or "risk_rank" in names:
        tickets = with_risk(tickets)
    return tickets.order_by(*order_terms(names))


def sort_fields(sort: str, *, alarm_first: bool = False) -> tuple[str, ...]:
    """The field names of a sort (default: nearest stage deadline); with ALARM_FIRST,
    critical-risk requests above the rest."""
    names = SORT_FIELDS.get(sort, SORT_FIELDS["deadline"])
    return ("alarm", *names) if alarm_first else names


def order_terms(names: Iterable[str], *, nulls_last: bool = True) -> list[OrderBy]:
    """ORDER BY terms for field names ("-" for descending). With NULLS_LAST, rows whose
    nullable field is empty (a paused or finished stage's deadline) go last."""
    return [_term(name, nulls_last) for name in names]


def _term(name: str, nulls_last: bool) -> OrderBy:
    field = name.lstrip("-")
    try:
        nullable = bool(getattr(Ticket._meta.get_field(field), "null", False))
    except FieldDoesNotExist:  # an annotation of the list's own (risk_rank, alarm)
        nullable = False
    last = True if nulls_last and nullable else None
    return F(field).desc(nulls_last=last) if name.startswith("-") else F(field).asc(nulls_last=last)
