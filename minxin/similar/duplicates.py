"""Finding requests that repeat another: by the same person, or about the same matter.

Runs inside the submission, so it must stay cheap whatever the size of the city: candidates
come from indexed lookups only (the submitter's phone blind index; `TicketKeyword` rows of the
same district in a date window), at most `MAX_CANDIDATES` of them, and are compared by the
cosine of their weighted keywords, already stored, so no other request's text is read.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import NamedTuple

from django.db.models import Count, Max

from minxin.core import clock
from minxin.similar.models import DuplicateFlag, TicketKeyword
from minxin.similar.text import Vector, cosine, dice
from minxin.tickets.models import OPEN_STATUSES, Status, Ticket

MAX_CANDIDATES = 30
MIN_SHARED_KEYWORDS = 2
# Likeness of real pairs (docs/similar-and-risk.md): a "再次反映" and its first message 0.58,
# two residents about one estate 0.87, unrelated messages on one topic mostly 0.2 to 0.45.
REPEAT_DAYS, REPEAT_MIN = 90, 0.35
SAME_MATTER_DAYS, SAME_MATTER_MIN = 30, 0.5
# Two requests about one address need less textual likeness to be the same matter.
ADDRESS_NEAR, SAME_MATTER_NEAR_MIN = 0.6, 0.35


def keywords_store(*, ticket: Ticket, vector: Vector) -> None:
    TicketKeyword.objects.bulk_create(
        [
            TicketKeyword(
                ticket=ticket,
                term=term,
                weight=weight,
                district_id=ticket.district_id,
                created_at=ticket.created_at,
            )
            for term, weight in vector.items()
        ]
    )


def keyword_vectors(ticket_ids: list[int]) -> dict[int, Vector]:
    vectors: dict[int, Vector] = defaultdict(dict)
    rows = TicketKeyword.objects.filter(ticket_id__in=ticket_ids).values_list(
        "ticket_id", "term", "weight"
    )
    for ticket_id, term, weight in rows:
        vectors[ticket_id][term] = weight
    return vectors


class Neighbour(NamedTuple):
    score: float  # cosine of the weighted keywords
    created_at: dt.datetime


def neighbours(ticket: Ticket, vector: Vector) -> dict[int, Neighbour]:
    """Requests of the same district from the last SAME_MATTER_DAYS sharing at least two
    keywords, with their likeness: one grouped, indexed query and one for their keywords.
    Duplicate detection and group detection (`minxin.risk`) both read from this."""
    if not ticket.district_id or not vector:
        return {}
    since = ticket.created_at - dt.timedelta(days=SAME_MATTER_DAYS)
    rows = list(
        TicketKeyword.objects.filter(
            term__in=list(vector), district_id=ticket.district_id, created_at__gte=since
        )
        .exclude(ticket_id=ticket.pk)
        .values("ticket_id")
        .annotate(shared=Count("id"), at=Max("created_at"))
        .filter(shared__gte=MIN_SHARED_KEYWORDS)
        .order_by("-shared", "-ticket_id")[:MAX_CANDIDATES]
    )
    vectors = keyword_vectors([row["ticket_id"] for row in rows])
    return {
        row["ticket_id"]: Neighbour(round(cosine(vector, vectors[row["ticket_id"]]), 3), row["at"])
        for row in rows
    }


def repeats_of(ticket: Ticket, vector: Vector) -> dict[int, float]:
    """The same submitter's recent requests about the same matter."""
    if not ticket.submitter_phone_index:
        return {}
    since = ticket.created_at - dt.timedelta(days=REPEAT_DAYS)
    ids = list(
        Ticket.objects.filter(
            submitter_phone_index=ticket.submitter_phone_index, created_at__gte=since
        )
        .exclude(pk=ticket.pk)
        .exclude(status=Status.MERGED)
        .order_by("-created_at")
        .values_list("pk", flat=True)[:MAX_CANDIDATES]
    )
    vectors = keyword_vectors(ids)
    scores = {pk: round(cosine(vector, vectors.get(pk, {})), 3) for pk in ids}
    return {pk: score for pk, score in scores.items() if score >= REPEAT_MIN}


def same_matter_as(ticket: Ticket, near: dict[int, Neighbour]) -> dict[int, float]:
    """Open requests about the same place and matter, whoever sent them."""
    close = {pk: n.score for pk, n in near.items() if n.score >= SAME_MATTER_NEAR_MIN}
    # Addresses are encrypted: decrypt only the few that are already textually close.
    others = Ticket.objects.filter(pk__in=list(close), status__in=OPEN_STATUSES).only("address")
    return {
        other.pk: close[other.pk]
        for other in others
        if close[other.pk] >= SAME_MATTER_MIN or dice(ticket.address, other.address) >= ADDRESS_NEAR
    }


def duplicates_flag(
    *, ticket: Ticket, vector: Vector, near: dict[int, Neighbour]
) -> list[DuplicateFlag]:
    """Flag the new request against the ones it seems to repeat, for intake to decide."""
    found = {pk: (DuplicateFlag.Kind.REPEAT, s) for pk, s in repeats_of(ticket, vector).items()}
    for pk, score in same_matter_as(ticket, near).items():
        found.setdefault(pk, (DuplicateFlag.Kind.SAME_MATTER, score))
    now = clock.now()
    flags = [
        DuplicateFlag(ticket=ticket, similar_to_id=pk, kind=kind, score=score, created_at=now)
        for pk, (kind, score) in found.items()
    ]
    return DuplicateFlag.objects.bulk_create(flags, ignore_conflicts=True)
