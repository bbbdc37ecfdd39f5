"""Automatic dispatch above a confidence threshold (自动派遣), off unless switched on.

The city's administrator switches it on in the admin (`AutoDispatchSetting`: on or off and the
threshold, every change on the audit chain); a deployment may instead pin it with
MINXIN_AUTO_DISPATCH_THRESHOLD. While it is on, a request just submitted is queued for the
worker after commit. The worker accepts and dispatches it through the normal services as the
system, when its top recommended unit's confidence reaches the threshold and it is neither
high-risk (nor unanalysed: its risk unknown) nor a suspected duplicate. Running twice, or
after a dispatcher already took it, does nothing.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction

from minxin.core.errors import DomainError
from minxin.risk.models import RiskLevel, TicketInsight
from minxin.routing.labels import model_guesses
from minxin.routing.models import AutoDispatchSetting
from minxin.routing.recommend import knowledge, recommend_for_tickets
from minxin.similar.models import DuplicateFlag
from minxin.tickets.actors import Actor
from minxin.tickets.models import Status, Ticket
from minxin.tickets.services import ticket_accept, ticket_dispatch

logger = logging.getLogger(__name__)
HELD_BACK_RISK = (RiskLevel.HIGH, RiskLevel.CRITICAL)


def threshold() -> float | None:
    """The confidence a request's top unit must reach, or None while the switch is off. The
    environment's value wins when set; otherwise the admin's switch decides."""
    pinned = getattr(settings, "AUTO_DISPATCH_THRESHOLD", None)
    if pinned is not None:
        return pinned
    switch = AutoDispatchSetting.objects.filter(enabled=True).first()
    return float(switch.threshold) if switch else None


def auto_dispatch_schedule(ticket_id: int) -> None:
    """Called on commit of a submission: queue the worker's look, if the switch is on."""
    if threshold() is None:
        return
    try:
        from minxin.routing.tasks import auto_dispatch_task

        auto_dispatch_task(ticket_id)
    except Exception:  # noqa: BLE001 - the citizen's submission is already saved
        logger.exception("routing: could not queue automatic dispatch of %s", ticket_id)


def held_back(ticket: Ticket) -> str:
    """Why a person must look at this request first ("" if nothing)."""
    if ticket.status != Status.SUBMITTED or ticket.merged_into_id:
        return "not waiting for intake"
    level = TicketInsight.objects.filter(ticket=ticket).values_list("risk_level", flat=True)
    if not level:  # its analysis failed at submission: no one knows its risk yet
        return "not analysed"
    if level[0] in HELD_BACK_RISK:
        return "high risk"
    if DuplicateFlag.objects.filter(ticket=ticket, resolved=False).exists():
        return "suspected duplicate"
    return ""


def auto_dispatch(ticket_id: int) -> Ticket | None:
    """Accept and dispatch `ticket_id` if it qualifies; the dispatched ticket, else None."""
    limit = threshold()
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if limit is None or ticket is None or held_back(ticket):
        return None
    top = recommend_for_tickets([ticket])[0]
    if not top or top[0].confidence < limit:
        return None
    best = top[0]
    category_id = ticket.category_id or _top_category(ticket)
    system = Actor.system_actor()
    note = f"系统自动派遣：{best.unit.name}置信度{best.confidence:.2f}（阈值{limit:.2f}）"
    try:
        with transaction.atomic():
            accepted = ticket_accept(
                ticket_id=ticket.pk,
                actor=system,
                category_id=category_id,
                note="系统自动受理（智能派遣）",
                expected_version=ticket.version,
            )
            return ticket_dispatch(
                ticket_id=ticket.pk,
                actor=system,
                lead_unit_id=best.unit.pk,
                note=note,
                expected_version=accepted.version,
            )
    except DomainError as exc:  # a dispatcher got there first: theirs stands
        logger.info("routing: automatic dispatch of %s skipped: %s", ticket.pk, exc.message)
        return None


def _top_category(ticket: Ticket) -> int | None:
    guesses = model_guesses([f"{ticket.title}\n{ticket.content}"], knowledge())[0]
    return guesses[0].category.pk if guesses else None
