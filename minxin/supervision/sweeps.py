"""The deadline sweep, run every minute by the worker.

Each pass claims due requests in batches with `SELECT ... FOR UPDATE SKIP LOCKED` and flips
their `warn_level` in the same transaction, so several workers share the work without
overlap, and a pass that runs twice finds nothing left to do the second time.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from minxin.audit.services import chain_append_timeline_many
from minxin.core import clock
from minxin.core.errors import DomainError
from minxin.notify.models import InboxMessage
from minxin.notify.services import render, template_text
from minxin.sla.deadlines import due_after
from minxin.supervision.models import SupervisionOrder
from minxin.supervision.services import escalate_due, open_order
from minxin.tickets.actors import Actor
from minxin.tickets.models import Stage, Status, Ticket, TimelineEvent
from minxin.tickets.services import ticket_close_unrated, warn_moment

BATCH = 1000
# Paused requests (待补充) are not listed: their clocks do not run.
RUNNING = [Status.DISPATCHED, Status.SIGNED, Status.REPLIED, Status.PUBLISHED]
YELLOW, RED = 1, 2
SUPERVISED_STAGES = {Stage.SIGN, Stage.REPLY}


def sweep() -> dict[str, int]:
    now = clock.now()
    return {
        "yellow": _sweep(now, YELLOW),
        "red": _sweep(now, RED),
        "closed_unrated": _close_unrated(now),
        "escalated": escalate_due(),
    }


def _due(now: dt.datetime, level: int) -> Q:
    if level == YELLOW:  # the units' own stages; review and rating have no early warning
        return Q(warn_level=0, stage_warn_at__lte=now, stage_due_at__gt=now,
                 stage__in=SUPERVISED_STAGES)
    # Equality / IN on warn_level lets the (warn_level, stage_*_at) indexes do the work.
    return Q(warn_level__in=[0, YELLOW], stage_due_at__lte=now) & ~Q(stage=Stage.CALLBACK)


def _sweep(now: dt.datetime, level: int) -> int:
    total = 0
    while True:
        with transaction.atomic():
            rows = list(
                Ticket.objects.select_for_update(skip_locked=True)
                .filter(_due(now, level), status__in=RUNNING)
                .order_by()
                .values("id", "tracking_code", "title", "lead_unit_id", "stage",
                        "stage_due_at", "status")[:BATCH]
            )
            if not rows:
                return total
            ids = [r["id"] for r in rows]
            Ticket.objects.filter(pk__in=ids, warn_level__lt=level).update(warn_level=level)
            _record(rows, now, level)
        total += len(rows)


def _record(rows: list[dict], now: dt.datetime, level: int) -> None:
    events, inbox = [], []
    templates: dict[str, str] = {}
    for row in rows:
        event = _event_name(row, level)
        if event not in templates:
            templates[event] = template_text(event)
        code = f"{row['tracking_code'][:5]}-{row['tracking_code'][5:]}"
        text = render(event, template=templates[event], code=code, title=row["title"],
                      due=f"{row['stage_due_at']:%Y-%m-%d %H:%M}")
        events.append(TimelineEvent(
            ticket_id=row["id"], at=now, action="warning" if level == YELLOW else "overdue",
            actor_label="系统", unit_id=row["lead_unit_id"], from_status=row["status"],
            to_status=row["status"], note=text, public=False))
        inbox.append(InboxMessage(
            # A unit's stages go to its inbox; review and callback to the centre's (no unit).
            unit_id=row["lead_unit_id"] if row["stage"] in SUPERVISED_STAGES else None, ticket_id=row["id"], event=event, text=text,
            created_at=now, idempotency_key=f"{event}:{row['id']}:{row['stage']}:"
                                            f"{row['stage_due_at']:%Y%m%d%H%M}"))
    InboxMessage.objects.bulk_create(inbox, ignore_conflicts=True)
    # The events are witnessed on the audit chain like every other timeline event.
    chain_append_timeline_many(events=TimelineEvent.objects.bulk_create(events))
    if level == RED:
        _after_red(rows, now)


def _event_name(row: dict, level: int) -> str:
    if level == YELLOW:
        return "warning"
    if row["stage"] == Stage.SIGN:
        return "sign_overdue"
    if row["stage"] == Stage.RATE:
        return "callback"
    return "overdue"


def _after_red(rows: list[dict], now: dt.datetime) -> None:
    """Overdue handling opens supervision; an unrated reply goes to the callback agents."""
    system = Actor.system_actor()
    supervised = [r["id"] for r in rows if r["stage"] in SUPERVISED_STAGES]
    for ticket in Ticket.objects.filter(pk__in=supervised):
        open_order(ticket, reason=SupervisionOrder.Reason.OVERDUE, actor=system,
                   note=f"{Stage(ticket.stage).label}超期")
    unrated = [r["id"] for r in rows if r["stage"] == Stage.RATE]
    if unrated:
        due = due_after(now, settings.CALLBACK_WINDOW_DAYS)
        Ticket.objects.filter(pk__in=unrated, stage=Stage.RATE).update(
            stage=Stage.CALLBACK, stage_started_at=now, stage_due_at=due,
            stage_warn_at=warn_moment(now, due), warn_level=0)


def _close_unrated(now: dt.datetime) -> int:
    """After the callback window, close with "not rated" — a rating is never invented."""
    due = Ticket.objects.filter(status=Status.PUBLISHED, stage=Stage.CALLBACK,
                                stage_due_at__lte=now).values_list("pk", flat=True)[:BATCH]
    closed = 0
    for pk in list(due):
        try:
            ticket_close_unrated(ticket_id=pk, actor=Actor.system_actor())
            closed += 1
        except DomainError:  # rated meanwhile: nothing to do
            continue
    return closed
