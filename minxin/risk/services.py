"""What the platform reads in a request as it arrives: keywords, duplicates, anger, urgency,
danger, group requests (群体性诉求), and the supervisors' alert when the risk is high."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F

from minxin.accounts.models import Role, User
from minxin.core import clock
from minxin.core.process_cache import ProcessCache
from minxin.notify.services import inbox_post, render
from minxin.risk import hooks
from minxin.risk.models import EmergencyLine, MissedAnalysis, RiskLevel, RiskTerm, TicketInsight
from minxin.risk.scoring import Assessment, Term, assess, level_for
from minxin.similar.duplicates import Neighbour, duplicates_flag, keywords_store, neighbours
from minxin.similar.text import weighted_keywords
from minxin.tickets.models import OPEN_STATUSES, Ticket

logger = logging.getLogger(__name__)
KEYWORDS_SHOWN = 8
# 群体性诉求: this many requests (this one included) about one matter in one district within
# GROUP_HOURS. The likeness is lower than for a duplicate: many people describe one matter
# each in their own words (measured on the 57 real messages about one housing estate).
GROUP_HOURS, GROUP_SIZE, GROUP_MIN = 48, 5, 0.35
TERMS_TTL = 60.0
ALERT_LEVELS = (RiskLevel.HIGH, RiskLevel.CRITICAL)


def _load_terms(_key: None, _previous: list[Term] | None) -> list[Term]:
    rows = RiskTerm.objects.filter(active=True).values_list("term", "kind", "weight", "category")
    return [Term(*row) for row in rows if row[0]]


# The active lexicon, reloaded at most every TERMS_TTL seconds: an admin's edit takes effect
# within a minute and a submission costs no query for it.
terms: ProcessCache[None, list[Term]] = ProcessCache("risk terms", _load_terms, ttl=TERMS_TTL)


def analysis_queue(ticket: Ticket) -> None:
    """Called by `ticket_submit` in its transaction (`tickets.hooks.submitted`). With
    RISK_ANALYSIS_IN_WORKER (the default outside tests) the request is noted as waiting, a
    `MissedAnalysis` row without an attempt committed with the request itself, so it is
    never lost and staff see it is being read; the worker reads it right after the commit
    (`tasks.analyse_request`), or the sweep within the minute. Otherwise it is read here."""
    if not settings.RISK_ANALYSIS_IN_WORKER:
        analyse_submission(ticket)
        return
    MissedAnalysis.objects.create(ticket=ticket, failed_at=clock.now(), attempts=0)
    pk = ticket.pk
    transaction.on_commit(lambda: _queue(pk))


def _queue(ticket_id: int) -> None:
    from minxin.risk.tasks import analyse_request

    try:
        analyse_request(ticket_id)
    except Exception:  # noqa: BLE001 - the note stays: the sweep reads it within the minute
        logger.exception("could not queue the analysis of request %s", ticket_id)


def analysis_waiting(ticket: Ticket) -> bool:
    """Not read yet: queued at submission, or its reading failed and is retried."""
    return MissedAnalysis.objects.filter(ticket_id=ticket.pk).exists()


def analyse_submission(ticket: Ticket) -> TicketInsight | None:
    """Read a request: at submission or in the worker. A failure here is logged and noted for
    the worker's retry (`analyse_missed`): reading a request must never cost the citizen their
    submission, and a danger in it must not go unread because of one bad moment. Once the
    reading commits, the apps that wait for it act (`hooks.analysed`: automatic dispatch)."""
    try:
        with transaction.atomic():
            insight = insight_compute(ticket=ticket)
    except Exception as exc:  # whatever went wrong, the request itself is kept
        logger.exception("could not analyse request %s", ticket.pk)
        _note_missed(ticket, exc)
        return None
    pk = ticket.pk
    transaction.on_commit(lambda: hooks.analysed(pk))
    return insight


def _note_missed(ticket: Ticket, exc: Exception) -> None:
    try:
        with transaction.atomic():
            missed, created = MissedAnalysis.objects.get_or_create(
                ticket=ticket, defaults={"failed_at": clock.now(), "error": repr(exc)[:200]}
            )
            if not created:
                MissedAnalysis.objects.filter(pk=missed.pk).update(
                    failed_at=clock.now(), attempts=F("attempts") + 1, error=repr(exc)[:200]
                )
    except Exception:  # the database itself is failing: the submission's own save will say so
        logger.exception("could not note the missed analysis of request %s", ticket.pk)


def analyse_waiting(*, ticket_id: int) -> bool:
    """Read the request noted as waiting (the worker's task after its submission commits).
    True if read now; False if already read, being read by another worker, or failed again
    (then noted for the retry)."""
    pk = MissedAnalysis.objects.filter(ticket_id=ticket_id).values_list("pk", flat=True).first()
    return pk is not None and _analyse_noted(pk)


def analyse_missed(*, limit: int = 100) -> int:
    """The requests noted as not read (queued, or failed), read now, longest-waiting first: a
    danger found now alerts the supervisors as it would have then. The sweep runs this every
    minute (`supervision.sweeps`), so a queued reading whose task was lost waits no longer.
    A finished request is dropped from the list unread."""
    pks = list(MissedAnalysis.objects.values_list("pk", flat=True)[:limit])
    return sum(1 for pk in pks if _analyse_noted(pk))


def _analyse_noted(pk: int) -> bool:
    with transaction.atomic():
        # Claimed row by row: two workers never read one request twice. Only the note is
        # locked, never the request staff may be acting on.
        missed = (
            MissedAnalysis.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("ticket")
            .filter(pk=pk)
            .first()
        )
        if missed is None:  # another worker has it, or it is done
            return False
        ticket = missed.ticket
        unread = not TicketInsight.objects.filter(ticket=ticket).exists()
        read = False
        if ticket.status in OPEN_STATUSES and unread:
            if analyse_submission(ticket) is None:
                return False  # failed again: noted, tried next minute
            read = True
        missed.delete()
        return read


def insight_compute(*, ticket: Ticket) -> TicketInsight:
    text = f"{ticket.title}\n{ticket.content}"
    vector = weighted_keywords(text)
    keywords_store(ticket=ticket, vector=vector)
    near = neighbours(ticket, vector)
    duplicates_flag(ticket=ticket, vector=vector, near=near)
    assessment = assess(text, terms.get(None))
    group = group_of(ticket, near)
    insight = TicketInsight.objects.create(
        ticket=ticket,
        anger=assessment.anger,
        urgency=assessment.urgency,
        danger=assessment.danger,
        risk_level=level_for(assessment, group=bool(group)),
        signals=_signals(assessment, group),
        keywords=list(vector)[:KEYWORDS_SHOWN],
        computed_at=clock.now(),
    )
    # Danger words always alert; a group request alerts once, not once per citizen joining it.
    level = level_for(assessment)
    if level in ALERT_LEVELS or (group and not _group_alerted(group)):
        supervisors_alert(ticket=ticket, insight=insight)
    if level == RiskLevel.CRITICAL:  # and the duty staff, by SMS, at once
        hooks.critical_found(ticket=ticket, reason=_alert_reason(insight))
    return insight


def group_of(ticket: Ticket, near: dict[int, Neighbour]) -> list[int]:
    """The other requests forming a group request with this one, or [] if too few."""
    since = ticket.created_at - dt.timedelta(hours=GROUP_HOURS)
    members = sorted(pk for pk, n in near.items() if n.created_at >= since and n.score >= GROUP_MIN)
    return members if len(members) + 1 >= GROUP_SIZE else []


def _group_alerted(group: list[int]) -> bool:
    return TicketInsight.objects.filter(ticket_id__in=group, signals__has_key="group").exists()


def _signals(assessment: Assessment, group: list[int]) -> dict:
    signals: dict = {"terms": assessment.matches, "categories": assessment.categories}
    if group:
        signals["group"] = {"count": len(group) + 1, "ticket_ids": group, "hours": GROUP_HOURS}
    return signals


def supervisors_alert(*, ticket: Ticket, insight: TicketInsight) -> None:
    """Every active supervisor gets the alert in their inbox, in this transaction."""
    level, reason = insight.get_risk_level_display(), _alert_reason(insight)
    note = f"风险预警（{level}）：诉求{ticket.display_code}「{ticket.title}」。{reason}"
    text = render(
        "risk", note=note, code=ticket.display_code, title=ticket.title, level=level, reason=reason
    )[:500]
    supervisors = User.objects.filter(role=Role.SUPERVISOR, is_active=True)
    for user_id in supervisors.values_list("pk", flat=True):
        inbox_post(
            key=f"risk:{ticket.pk}:{user_id}",
            event="risk",
            text=text,
            user_id=user_id,
            ticket_id=ticket.pk,
        )


def _alert_reason(insight: TicketInsight) -> str:
    words = "、".join(m["term"] for m in insight.signals["terms"] if m["kind"] == "danger")
    reasons = [f"危险信号：{words[:100]}"] if words else []
    if group := insight.signals.get("group"):
        reasons.append(f"群体性诉求：{group['hours']}小时内同区域同类诉求{group['count']}件")
    return "；".join(reasons)


# ---- the citizen's emergency notice ------------------------------------------------------

# Dangers to life and property: the citizen is shown the emergency numbers. A threatened
# petition or gathering is urgent for staff, but no reason to tell anyone to call 110.
SAFETY = {
    RiskTerm.Category.SELF_HARM,
    RiskTerm.Category.VIOLENCE,
    RiskTerm.Category.GAS,
    RiskTerm.Category.COLLAPSE,
    RiskTerm.Category.FIRE,
    RiskTerm.Category.ELECTRIC,
    RiskTerm.Category.FLOOD,
}


def danger_notice(text: str) -> dict | None:
    """What the citizen is told when `text` suggests a danger to life or property (risk high
    or critical, with the same lexicon staff tune): the dangers read and the numbers to
    call now. None otherwise, and None rather than an error if the check itself fails."""
    try:
        assessment = assess(text[:5000], terms.get(None))
        kinds = [c for c in assessment.categories if c in SAFETY]
        if level_for(assessment) not in ALERT_LEVELS or not kinds:
            return None
        lines = list(EmergencyLine.objects.filter(active=True).values("name", "number", "note"))
    except Exception:  # a notice is a help; the form must work without it
        logger.exception("danger check failed")
        return None
    return {"dangers": [RiskTerm.Category(c).label for c in kinds], "lines": lines}
