"""The timeline: writing a step, and what the citizen reads of it.

Staff notes are internal. An event carries two texts: `note`, the internal record staff
wrote (opinions, instructions, reasons), which only staff ever read; and `public_note`,
text written for the citizen in a field that says so (不予受理理由, 需要补充的材料), or a
fact the public wording names (the lead unit, the new deadline). The citizen's timeline
shows each step in a fixed wording per action, from `CITIZEN_WORDING`, plus only
`public_note`. An action with no wording there is never shown: new actions stay internal
until someone decides what the citizen reads of them (docs/citizen-view.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone

from minxin.audit.services import chain_append_timeline, chain_append_timeline_many
from minxin.core import clock
from minxin.org.models import Unit
from minxin.tickets import hooks, tracking_cache
from minxin.tickets.actions import Action as A
from minxin.tickets.actors import Actor
from minxin.tickets.models import Status, Ticket, TimelineEvent


@dataclass(frozen=True)
class Wording:
    text: str  # shown when the event carries no public text
    with_public: str = ""  # shown instead when it does: "{}" is the public text


# action -> what the citizen reads. Anything not listed (warnings, supervision, contact
# reveals, returns, extension requests, replies under review, co-handling steps,
# oversight...) is internal.
CITIZEN_WORDING: dict[str, Wording] = {
    A.SUBMIT: Wording("诉求已提交"),
    A.ACCEPT: Wording("诉求已受理"),
    A.REJECT: Wording("不予受理", "不予受理：{}"),
    A.REQUEST_INFO: Wording("需要您补充材料", "需要您补充材料：{}"),
    A.SUPPLEMENT: Wording("您已补充材料", "您已补充材料：{}"),
    A.ANSWER: Wording("答复已公开"),
    A.DISPATCH: Wording("已派遣至承办单位办理", "已派遣至{}办理"),
    A.SIGN: Wording("承办单位已签收"),
    A.SEND_BACK: Wording("答复正在完善，承办单位重新办理"),
    A.APPROVE: Wording("答复已公开"),
    A.DECIDE_EXTENSION: Wording("办理期限已延长", "办理期限已延长至{}"),
    A.RATE: Wording("已评价", "已评价：{}"),
    A.REOPEN: Wording("不满意，已重新办理"),
    A.CLOSE_UNRATED: Wording("评价期限已过，诉求已办结（未评价）"),
    A.ARCHIVE: Wording("诉求已归档"),
    A.MERGE: Wording("已与同一事项的诉求合并办理"),
    A.TRANSFER_OUT: Wording("已转外市办理", "已转至{}办理"),
    A.TRANSFER_PROGRESS: Wording("外市办理进展", "{}"),
}
CITIZEN_ACTIONS = frozenset(CITIZEN_WORDING)


def record(
    ticket: Ticket,
    *,
    actor: Actor,
    action: str,
    from_status: str = "",
    note: str = "",
    public_note: str = "",
    public: bool = True,
    unit: Unit | None = None,
) -> TimelineEvent:
    """Append a step. `note` is internal; `public_note` is for the citizen. `public=False`
    keeps a step the citizen would otherwise see off their timeline (a refused extension,
    the merge as recorded on the request merged into)."""
    event = _step(
        ticket,
        at=clock.now(),
        actor=actor,
        action=action,
        from_status=from_status,
        note=note,
        public_note=public_note,
        public=public,
        unit=unit,
    )
    event.save(force_insert=True)
    # Witnessed by the tamper-evident chain in the same transaction (docs/security.md).
    chain_append_timeline(event=event, created=ticket if action == A.SUBMIT else None)
    # The days whose figures this step may change, for the worker (docs/analytics.md).
    hooks.step_recorded(ticket, event.at)
    code = ticket.tracking_code
    if action != A.SUBMIT:  # a code just allocated has no cached view to drop
        transaction.on_commit(lambda: tracking_cache.forget_view(code))
    return event


def record_many(
    steps: Sequence[tuple[Ticket, str, Unit | None]],
    *,
    actor: Actor,
    action: str,
    public: bool = True,
) -> list[TimelineEvent]:
    """Append one step (ticket, internal note, unit) to each of many requests at once, as
    `record` would one by one: one insert (each event's `post_save` sent as a save sends
    it), one chain append, one mark of the days."""
    if not steps:
        return []
    now = clock.now()
    events = TimelineEvent.objects.bulk_create(
        _step(ticket, at=now, actor=actor, action=action, note=note, public=public, unit=unit)
        for ticket, note, unit in steps
    )
    for event in events:  # as each save would: crosscity reports a transferred request's steps
        post_save.send(
            TimelineEvent, instance=event, created=True, raw=False, using=event._state.db
        )
    chain_append_timeline_many(events=events)
    hooks.steps_recorded([ticket for ticket, _, _ in steps], now)
    codes = [ticket.tracking_code for ticket, _, _ in steps]
    transaction.on_commit(lambda: tracking_cache.forget_views(codes))
    return events


def _step(
    ticket: Ticket,
    *,
    at: dt.datetime,
    actor: Actor,
    action: str,
    from_status: str = "",
    note: str = "",
    public_note: str = "",
    public: bool = True,
    unit: Unit | None = None,
) -> TimelineEvent:
    if unit is None and actor.user is not None:
        unit = actor.user.unit
    return TimelineEvent(
        ticket=ticket,
        at=at,
        action=action,
        actor=actor.user,
        actor_label=actor.label,
        unit=unit,
        from_status=from_status or ticket.status,
        to_status=ticket.status,
        note=note,
        public_note=public_note,
        public=public and action in CITIZEN_ACTIONS,
    )


def date_text(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    day = timezone.localdate(moment)
    return f"{day.year}年{day.month}月{day.day}日"


def citizen_text(event: TimelineEvent) -> str | None:
    """What the citizen reads of this step, or None when it is internal."""
    wording = CITIZEN_WORDING.get(event.action)
    if wording is None or not event.public:
        return None
    if event.public_note and wording.with_public:
        return wording.with_public.format(event.public_note)
    return wording.text


def citizen_event(event: TimelineEvent) -> dict[str, Any] | None:
    """One step as the citizen's pages and API show it: fixed wording, public text only."""
    text = citizen_text(event)
    if text is None:
        return None
    return {
        "at": event.at,
        "action": event.action,
        "text": text,
        "public_note": event.public_note if CITIZEN_WORDING[event.action].with_public else "",
        "unit": event.unit.name if event.unit else None,
        # Citizens see which unit acted, never which official.
        "actor": "工作人员" if event.actor_id else event.actor_label,
        "to_status": event.to_status,
        "to_status_label": Status(event.to_status).label,
    }


def citizen_timeline(events: Any) -> list[dict[str, Any]]:
    return [shown for shown in (citizen_event(e) for e in events) if shown is not None]
