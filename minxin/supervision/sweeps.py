"""The deadline sweep, run every minute by the worker.

Each pass claims due requests in batches with `SELECT ... FOR UPDATE SKIP LOCKED` and flips
their `warn_level` in the same transaction (`batches.claim_loop`), so several workers share
the work without overlap, and a pass that runs twice finds nothing left to do the second time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db.models import Q

from minxin.audit.services import chain_append_timeline_many
from minxin.core import clock
from minxin.core.errors import DomainError
from minxin.notify.models import InboxMessage
from minxin.notify.services import render, template_text
from minxin.risk.models import RiskLevel
from minxin.risk.services import analyse_missed
from minxin.sla.deadlines import due_after
from minxin.supervision.batches import claim_loop
from minxin.supervision.coparts import sweep_co_parts
from minxin.supervision.models import SupervisionOrder
from minxin.supervision.opening import OPENING_FIELDS, Opening, open_orders
from minxin.supervision.services import escalate_due, orders_follow_due
from minxin.tickets.actors import Actor
from minxin.tickets.clocks import warn_moment
from minxin.tickets.models import RUNNING_STATUSES, Stage, Status, Ticket, TimelineEvent
from minxin.tickets.services import ticket_close_unrated

BATCH = 1000
# Paused requests (待补充) are not listed: their clocks do not run.
RUNNING = RUNNING_STATUSES
YELLOW, RED = 1, 2
# The centre's stages (待受理, 待派遣/待改派) and the lead unit's (签收, 办理) warn early;
# review and rating do not.
CENTRE_STAGES = {Stage.ACCEPT, Stage.DISPATCH}
UNIT_STAGES = {Stage.SIGN, Stage.REPLY}
WARNED_STAGES = CENTRE_STAGES | UNIT_STAGES
# Overdue here opens a supervision order (to the centre for its own stages and review).
SUPERVISED_STAGES = WARNED_STAGES | {Stage.REVIEW}
OVERDUE_EVENTS = {
    Stage.ACCEPT: "accept_overdue",
    Stage.DISPATCH: "dispatch_overdue",
    Stage.SIGN: "sign_overdue",
    Stage.RATE: "callback",
}


def sweep() -> dict[str, int]:
    now = clock.now()
    return {
        # First: a request whose analysis failed is read again, so an emergency in it is
        # alerted and put on its clock within this one sweep.
        "analysed": analyse_missed(),
        "yellow": _sweep(now, YELLOW),
        "red": _sweep(now, RED),
        "closed_unrated": _close_unrated(now),
        "followed": orders_follow_due(),
        "escalated": escalate_due(),
        "co_parts": sweep_co_parts(now),
    }


def _due(now: dt.datetime, level: int) -> Q:
    if level == YELLOW:  # the centre's and the units' stages; review and rating have none
        return Q(
            warn_level=0, stage_warn_at__lte=now, stage_due_at__gt=now, stage__in=WARNED_STAGES
        )
    # Equality / IN on warn_level lets the (warn_level, stage_*_at) indexes do the work.
    return Q(warn_level__in=[0, YELLOW], stage_due_at__lte=now) & ~Q(stage=Stage.CALLBACK)


def _sweep(now: dt.datetime, level: int) -> int:
    def claim() -> list[Mapping[str, Any]]:
        return list(
            Ticket.objects.select_for_update(skip_locked=True)
            .filter(_due(now, level), status__in=RUNNING)
            .order_by()
            .values(
                "id", "tracking_code", "title", "lead_unit_id", "stage", "stage_due_at", "status"
            )[:BATCH]
        )

    def act(rows: Sequence[Mapping[str, Any]]) -> None:
        ids = [r["id"] for r in rows]
        Ticket.objects.filter(pk__in=ids, warn_level__lt=level).update(warn_level=level)
        _record(rows, now, level)

    return claim_loop(claim, act)


def _record(rows: Sequence[Mapping[str, Any]], now: dt.datetime, level: int) -> None:
    events, inbox = [], []
    templates: dict[str, str] = {}
    for row in rows:
        event = _event_name(row, level)
        if event not in templates:
            templates[event] = template_text(event)
        code = f"{row['tracking_code'][:5]}-{row['tracking_code'][5:]}"
        text = render(
            event,
            template=templates[event],
            code=code,
            title=row["title"],
            due=f"{row['stage_due_at']:%Y-%m-%d %H:%M}",
        )
        events.append(
            TimelineEvent(
                ticket_id=row["id"],
                at=now,
                action="warning" if level == YELLOW else "overdue",
                actor_label="系统",
                unit_id=row["lead_unit_id"],
                from_status=row["status"],
                to_status=row["status"],
                note=text,
                public=False,
            )
        )
        inbox.append(
            InboxMessage(
                # A unit's stages go to its inbox; the centre's, review and callback to the
                # centre's (no unit).
                unit_id=row["lead_unit_id"] if row["stage"] in UNIT_STAGES else None,
                ticket_id=row["id"],
                event=event,
                text=text,
                created_at=now,
                idempotency_key=f"{event}:{row['id']}:{row['stage']}:"
                f"{row['stage_due_at']:%Y%m%d%H%M}",
            )
        )
    InboxMessage.objects.bulk_create(inbox, ignore_conflicts=True)
    # The events are witnessed on the audit chain like every other timeline event.
    chain_append_timeline_many(events=TimelineEvent.objects.bulk_create(events))
    if level == RED:
        _after_red(rows, now)


def _event_name(row: Mapping[str, Any], level: int) -> str:
    if level == YELLOW:
        return "warning"
    return OVERDUE_EVENTS.get(row["stage"], "overdue")


def _after_red(rows: Sequence[Mapping[str, Any]], now: dt.datetime) -> None:
    """Overdue handling opens supervision; an unrated reply goes to the callback agents."""
    supervised = [r["id"] for r in rows if r["stage"] in SUPERVISED_STAGES]
    tickets = Ticket.objects.filter(pk__in=supervised).order_by("pk").only(*OPENING_FIELDS)
    open_orders(
        [Opening(ticket, note=f"{Stage(ticket.stage).label}超期") for ticket in tickets],
        reason=SupervisionOrder.Reason.OVERDUE,
        actor=Actor.system_actor(),
    )
    unrated = [r["id"] for r in rows if r["stage"] == Stage.RATE]
    if unrated:
        due = due_after(now, settings.CALLBACK_WINDOW_DAYS)
        Ticket.objects.filter(pk__in=unrated, stage=Stage.RATE).update(
            stage=Stage.CALLBACK,
            stage_started_at=now,
            stage_due_at=due,
            stage_warn_at=warn_moment(now, due),
            warn_level=0,
        )


def _close_unrated(now: dt.datetime) -> int:
    """After the callback window, close with "not rated" — a rating is never invented."""
    # An emergency stays with the callback agents until a person has rated it.
    due = (
        Ticket.objects.filter(status=Status.PUBLISHED, stage=Stage.CALLBACK, stage_due_at__lte=now)
        .exclude(insight__risk_level=RiskLevel.CRITICAL)
        .values_list("pk", flat=True)[:BATCH]
    )
    closed = 0
    for pk in list(due):
        try:
            ticket_close_unrated(ticket_id=pk, actor=Actor.system_actor())
            closed += 1
        except DomainError:  # rated meanwhile: nothing to do
            continue
    return closed
