"""What GET requests answers: the requests filed through Open311, filtered as the spec says.

Minxin's requests are not public records: a citizen's text, address and position are seen by
the citizen and the staff. So Open311 lists only requests filed through Open311, and shows
the description, address, position, media_url and tracking code only to the client that filed
the request (by its api_key); anyone else sees the public fields (status, service, dates,
responsible unit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from minxin.core import clock
from minxin.core.errors import NotFound, ValidationFailed
from minxin.open311.models import Client, FiledRequest
from minxin.org.models import Category
from minxin.tickets.display import deadline_text
from minxin.tickets.models import OPEN_STATUSES, Assignment, Reply, Status

MAX_DAYS = 90  # the spec's longest start_date..end_date span, and the default window
PAGE_SIZE, MAX_PAGE_SIZE = 100, 1000
CENTRE = "市民诉求受理中心"


@dataclass(frozen=True)
class Page:
    rows: list[FiledRequest]
    total: int
    page: int
    page_size: int


def _base() -> QuerySet[FiledRequest]:
    return (
        FiledRequest.objects.select_related(
            "client", "ticket", "ticket__category", "ticket__request_type"
        )
        .annotate(updated=Max("ticket__events__at"))
        .prefetch_related(
            Prefetch(
                "ticket__assignments",
                queryset=Assignment.objects.filter(
                    role=Assignment.Role.LEAD, active=True
                ).select_related("unit"),
                to_attr="lead_parts",
            ),
            Prefetch(
                "ticket__replies",
                queryset=Reply.objects.filter(review=Reply.Review.APPROVED).order_by("pk"),
                to_attr="approved_replies",
            ),
        )
    )


def filed_one(request_id: str) -> FiledRequest:
    row = _base().filter(ticket_id=int(request_id)).first() if request_id.isdigit() else None
    if row is None:
        raise NotFound(f"服务请求不存在：{request_id[:30]}（not found）", code="not_found")
    return row


def filed_by_token(token: str) -> FiledRequest:
    row = FiledRequest.objects.filter(token=token).first() if len(token) <= 40 else None
    if row is None:
        raise NotFound("令牌不存在（token not found）", code="not_found")
    return row


def filed_page(params: dict[str, str]) -> Page:
    rows = _base().order_by("-created_at", "-pk")
    ids = _list(params, "service_request_id")
    if ids:  # the spec: a list of ids overrides every other filter
        if not all(i.isdigit() for i in ids):
            raise _bad("service_request_id 须为以逗号分隔的编号")
        rows = rows.filter(ticket_id__in=[int(i) for i in ids])
    else:
        rows = _filtered(rows, params)
    page, size = _int(params, "page", 1, 10**6), _int(params, "page_size", PAGE_SIZE, MAX_PAGE_SIZE)
    total = rows.count()
    return Page(list(rows[(page - 1) * size : page * size]), total, page, size)


def _filtered(rows: QuerySet[FiledRequest], params: dict[str, str]) -> QuerySet[FiledRequest]:
    codes = _list(params, "service_code")
    if codes:
        if not all(c.isdigit() for c in codes):
            raise _bad("service_code 须为服务代码")
        ids = [int(c) for c in codes]
        if Category.objects.filter(pk__in=ids).count() != len(set(ids)):
            raise _bad("service_code 不存在（unknown service_code）")
        rows = rows.filter(Q(ticket__category_id__in=ids) | Q(ticket__category__parent_id__in=ids))
    statuses = _list(params, "status")
    if statuses:
        if not set(statuses) <= {"open", "closed"}:
            raise _bad("status 只能为 open 或 closed")
        if set(statuses) == {"open"}:
            rows = rows.filter(ticket__status__in=OPEN_STATUSES)
        elif set(statuses) == {"closed"}:
            rows = rows.exclude(ticket__status__in=OPEN_STATUSES)
    start, end = _window(params)
    return rows.filter(created_at__gte=start, created_at__lte=end)


def _window(params: dict[str, str]) -> tuple[datetime, datetime]:
    start, end = _date(params, "start_date"), _date(params, "end_date")
    if start is None and end is None:
        end = clock.now()
    if start is None:
        assert end is not None
        start = end - timedelta(days=MAX_DAYS)
    if end is None:
        end = start + timedelta(days=MAX_DAYS)
    if start > end:
        raise _bad("start_date 不能晚于 end_date")
    if end - start > timedelta(days=MAX_DAYS):
        raise _bad(f"start_date 与 end_date 相隔不能超过{MAX_DAYS}天")
    return start, end


def _date(params: dict[str, str], name: str) -> datetime | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        moment = parse_datetime(raw)
    except ValueError:
        moment = None
    if moment is None:
        raise _bad(f"{name} 须为 W3C 日期时间，如 2026-01-01T00:00:00+08:00")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _list(params: dict[str, str], name: str) -> list[str]:
    return [part.strip() for part in params.get(name, "").split(",") if part.strip()]


def _int(params: dict[str, str], name: str, default: int, limit: int) -> int:
    raw = params.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= limit:
        raise _bad(f"{name} 须为1到{limit}之间的整数")
    return int(raw)


def _bad(message: str) -> ValidationFailed:
    return ValidationFailed(message, code="invalid_parameter")


# ---- one request as Open311 shows it ------------------------------------------------------


def w3c(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def request_out(row: FiledRequest, *, viewer: Client | None) -> dict:
    ticket = row.ticket
    leads = getattr(ticket, "lead_parts", [])
    replies = getattr(ticket, "approved_replies", [])
    status = Status(ticket.status)
    out = {
        "service_request_id": str(ticket.pk),
        "status": "open" if status in OPEN_STATUSES else "closed",
        "status_notes": status.label,
        "service_name": ticket.category.name if ticket.category else "",
        "service_code": str(ticket.category_id or ""),
        "description": None,
        "agency_responsible": leads[0].unit.name if leads else CENTRE,
        "service_notice": deadline_text(ticket),
        "requested_datetime": w3c(ticket.created_at),
        "updated_datetime": w3c(getattr(row, "updated", None) or ticket.created_at),
        "expected_datetime": w3c(ticket.due_at),
        "address": None,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
        # Minxin's extensions
        "status_label": status.label,
        "request_type": ticket.request_type.name,
    }
    if viewer is not None and viewer.pk == row.client_id:
        out.update(
            description=ticket.content,
            address=ticket.address or None,
            lat=float(ticket.latitude) if ticket.latitude is not None else None,
            long=float(ticket.longitude) if ticket.longitude is not None else None,
            media_url=row.media_url or None,
            tracking_code=ticket.tracking_code,
            display_code=ticket.display_code,
        )
        # The published reply goes to the citizen, not to the public: only its client sees it.
        if replies and status in (Status.PUBLISHED, Status.CLOSED, Status.ARCHIVED):
            out["status_notes"] = f"{status.label}：{replies[-1].public_reply}"
    return out
