"""The city's own hot topics: the worker clusters the last PERIOD_DAYS of requests (growth
against the PERIOD_DAYS before) and keeps the result as a `TopicSnapshot`, which the
dashboard reads and the early warning compares."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from minxin.core import clock
from minxin.insight.models import TopicSnapshot
from minxin.insight.topics import Doc, Topic, as_json, topics_find
from minxin.tickets.models import Status, Ticket

PERIOD_DAYS = 30
KEEP_SNAPSHOTS = 60  # two months of daily snapshots, or hourly ones for the last 60 hours
SHOWN = 20


def requests_between(start: dt.datetime, end: dt.datetime) -> list[Doc]:
    """The requests submitted in [start, end) as documents (merged ones included: each is a
    citizen who wrote about the matter), oldest first."""
    rows = (
        Ticket.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(status=Status.REJECTED)
        .order_by("created_at", "pk")
        .values_list("pk", "title", "content", "created_at", "district__name")
    )
    return [
        Doc(pk, title, content, at, 0, district or "") for pk, title, content, at, district in rows
    ]


def snapshot_take(*, days: int = PERIOD_DAYS) -> TopicSnapshot:
    """Cluster the last `days` days' requests and store the hottest SHOWN topics."""
    end = clock.now()
    start = end - dt.timedelta(days=days)
    docs = requests_between(start, end)
    previous = requests_between(start - dt.timedelta(days=days), start)
    topics = topics_find(docs, previous=previous)
    with transaction.atomic():
        snapshot = TopicSnapshot.objects.create(
            computed_at=end,
            first=start.date(),
            last=end.date(),
            n_requests=len(docs),
            topics=[_stored(t, rank) for rank, t in enumerate(topics[:SHOWN], 1)],
        )
        old = TopicSnapshot.objects.order_by("-computed_at").values_list("pk", flat=True)
        TopicSnapshot.objects.filter(pk__in=list(old[KEEP_SNAPSHOTS:])).delete()
    return snapshot


def _stored(topic: Topic, rank: int) -> dict:
    """A topic as kept: request ids, never their words (an erased request's title must not
    live on in a snapshot)."""
    data = as_json(topic, rank)
    data.pop("titles")
    return data


def latest() -> TopicSnapshot | None:
    return TopicSnapshot.objects.order_by("-computed_at").first()
