"""Dispatchers' answers to the suggestions: accepted or corrected (采纳/纠正).

`ticket_accept` and `ticket_dispatch` call `feedback_record` in their transaction, before
they change the request, so the suggestion is the one the dispatcher saw. One row per
request, updated by each later accept or dispatch. A failure here is logged and forgotten:
it never blocks a dispatch.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models import Count, Q

from minxin.accounts.models import User
from minxin.core import clock
from minxin.nlp.models import ModelVersion
from minxin.routing.labels import model_guesses
from minxin.routing.models import SuggestionFeedback
from minxin.routing.recommend import Knowledge, case_of, knowledge
from minxin.tickets.models import Ticket

logger = logging.getLogger(__name__)


def feedback_record(
    *, ticket: Ticket, user: User, category_id: int | None = None, lead_unit_id: int | None = None
) -> SuggestionFeedback | None:
    try:
        with transaction.atomic():
            return _record(ticket, user, category_id, lead_unit_id)
    except Exception:  # noqa: BLE001 - learning must never cost a dispatch
        logger.exception("routing: could not record suggestion feedback for %s", ticket.pk)
        return None


def _record(
    ticket: Ticket, user: User, category_id: int | None, lead_unit_id: int | None
) -> SuggestionFeedback:
    known = knowledge()
    guesses = model_guesses([f"{ticket.title}\n{ticket.content}"], known)[0]
    feedback = SuggestionFeedback.objects.select_for_update().filter(
        ticket=ticket
    ).first() or SuggestionFeedback(ticket=ticket)
    if feedback.pk is None:
        feedback.model_version_id = (
            ModelVersion.objects.filter(is_active=True, name="category")
            .values_list("pk", flat=True)
            .first()
        )
        feedback.suggested_categories = [
            {"category_id": g.category.pk, "label": str(g.category), "confidence": g.confidence}
            for g in guesses
        ]
    if category_id is not None:
        feedback.chosen_category_id = category_id
        feedback.accepted_category = _agrees(known, feedback.suggested_categories, category_id)
    if lead_unit_id is not None:
        ticket.category_id = category_id if category_id is not None else ticket.category_id
        units = known.recommend([case_of(ticket, guesses)])[0]
        feedback.suggested_units = [
            {"unit_id": g.unit.pk, "name": g.unit.name, "confidence": g.confidence} for g in units
        ]
        feedback.chosen_unit_id = lead_unit_id
        feedback.accepted_unit = units[0].unit.pk == lead_unit_id if units else None
    feedback.user, feedback.at = user, clock.now()
    feedback.save()
    return feedback


def _agrees(known: Knowledge, suggested: list[dict[str, Any]], chosen_id: int) -> bool | None:
    """The first suggestion was taken: the same category, or a child of a first-level guess."""
    if not suggested:
        return None
    top = suggested[0]["category_id"]
    return chosen_id == top or known.parents.get(chosen_id) == top


def acceptance_rates() -> dict[str, Any]:
    """How often dispatchers took the first suggestion, overall and per model version."""

    def rates(rows: Any) -> dict[str, Any]:
        got = rows.aggregate(
            n_category=Count("id", filter=Q(accepted_category__isnull=False)),
            category_accepted=Count("id", filter=Q(accepted_category=True)),
            n_unit=Count("id", filter=Q(accepted_unit__isnull=False)),
            unit_accepted=Count("id", filter=Q(accepted_unit=True)),
        )
        return {
            "n_category": got["n_category"],
            "n_unit": got["n_unit"],
            "category_acceptance": (
                round(got["category_accepted"] / got["n_category"], 4)
                if got["n_category"]
                else None
            ),
            "unit_acceptance": (
                round(got["unit_accepted"] / got["n_unit"], 4) if got["n_unit"] else None
            ),
        }

    rows = SuggestionFeedback.objects.all()
    versions = sorted(set(rows.values_list("model_version_id", flat=True)), key=lambda v: v or 0)
    return {
        "overall": rates(rows),
        "by_model_version": {
            str(v or "none"): rates(rows.filter(model_version_id=v)) for v in versions
        },
    }
