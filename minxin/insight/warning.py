"""Early warning (预警): trending topics and group requests raise a supervisor alert.

- Trending topic: in the latest hot-topic snapshot, a topic of at least `trend_min_size`
  requests that grew by `trend_min_growth` or more against the period before (a topic with
  none then counts as grown). Alerted once: a topic sharing half its requests with one
  alerted in the last PERIOD_DAYS is the same topic.
- Group request (群体性诉求): within `group_hours`, at least `group_min_size` requests from
  different citizens in one district whose texts are alike (keyword cosine ≥
  `group_similarity`) and whose addresses are alike (character overlap ≥
  `address_similarity`; a request without an address is placed by its district alone).
  Pairs join into groups (connected components). The risk app flags a group at the moment
  a request arrives, from its duplicate neighbours, and alerts then: a group with a member
  it flagged is not alerted again. This sweep catches the groups it missed: members worded
  too differently to be neighbours, or arriving while its analysis failed.
The thresholds are the admin's 预警阈值 (`WarningSettings`). Every active supervisor gets
the alert in their workbench inbox, as the risk alerts do.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction

from minxin.accounts.models import Role, User
from minxin.core import clock
from minxin.insight.hotspots import PERIOD_DAYS, latest
from minxin.insight.models import InsightAlert, WarningSettings
from minxin.notify.services import inbox_post, render
from minxin.risk.models import TicketInsight
from minxin.similar.text import cosine, dice, weighted_keywords
from minxin.tickets.models import Status, Ticket


def warnings_raise() -> list[InsightAlert]:
    """Both checks; the new alerts."""
    settings = WarningSettings.current()
    return _trends(settings) + _groups(settings)


def _trends(settings: WarningSettings) -> list[InsightAlert]:
    snapshot = latest()
    if snapshot is None:
        return []
    since = clock.now() - dt.timedelta(days=PERIOD_DAYS)
    alerted = [
        set(ids)
        for ids in InsightAlert.objects.filter(
            kind=InsightAlert.Kind.TREND, raised_at__gte=since
        ).values_list("ticket_ids", flat=True)
    ]
    raised = []
    for topic in snapshot.topics:
        ids, growth = set(topic["ids"]), topic["growth"]
        if len(ids) < settings.trend_min_size:
            continue
        if topic["previous"] and (growth is None or growth < settings.trend_min_growth):
            continue
        if any(len(ids & old) * 2 >= len(ids) for old in alerted):
            continue
        was = topic["previous"] or 0
        summary = (
            f"热点“{' '.join(topic['keywords'][:4])}”：近{PERIOD_DAYS}天{len(ids)}件，上期{was}件"
        )
        raised.append(
            _alert(
                InsightAlert.Kind.TREND,
                f"trend:{snapshot.pk}:{topic['rank']}",
                summary,
                topic["keywords"],
                sorted(ids),
                None,
            )
        )
        alerted.append(ids)
    return raised


def _recent(hours: int) -> list[Ticket]:
    since = clock.now() - dt.timedelta(hours=hours)
    return list(
        Ticket.objects.filter(created_at__gte=since, district__isnull=False)
        .exclude(status__in=[Status.REJECTED, Status.MERGED])
        .only(
            "pk", "title", "content", "address", "district", "submitter_phone_index", "created_at"
        )
        .order_by("pk")
    )


def _groups(settings: WarningSettings) -> list[InsightAlert]:
    by_district: dict[int, list[Ticket]] = defaultdict(list)
    for ticket in _recent(settings.group_hours):
        by_district[ticket.district_id].append(ticket)  # type: ignore[index]
    raised = []
    for district_id, tickets in by_district.items():
        if len(tickets) < settings.group_min_size:
            continue
        for group in _components(tickets, settings):
            citizens = {t.submitter_phone_index or f"#{t.pk}" for t in group}
            if len(citizens) < settings.group_min_size:
                continue
            if alert := _group_alert(group, district_id, settings):
                raised.append(alert)
    return raised


def _components(tickets: list[Ticket], settings: WarningSettings) -> list[list[Ticket]]:
    vectors = [weighted_keywords(f"{t.title}\n{t.content}") for t in tickets]
    parent = list(range(len(tickets)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(tickets)):
        for j in range(i + 1, len(tickets)):
            a, b = tickets[i].address, tickets[j].address
            same_place = not a or not b or dice(a, b) >= settings.address_similarity
            if same_place and cosine(vectors[i], vectors[j]) >= settings.group_similarity:
                parent[root(i)] = root(j)
    groups: dict[int, list[Ticket]] = defaultdict(list)
    for i, ticket in enumerate(tickets):
        groups[root(i)].append(ticket)
    return [g for g in groups.values() if len(g) > 1]


def _group_alert(
    group: list[Ticket], district_id: int, settings: WarningSettings
) -> InsightAlert | None:
    ids = sorted(t.pk for t in group)
    if TicketInsight.objects.filter(ticket_id__in=ids, signals__has_key="group").exists():
        return None  # the risk check flagged it as it arrived and told the supervisors then
    since = clock.now() - dt.timedelta(hours=settings.group_hours)
    for old in InsightAlert.objects.filter(kind=InsightAlert.Kind.GROUP, raised_at__gte=since):
        if len(set(ids) & set(old.ticket_ids)) * 2 >= len(ids):
            return None  # the same group, already alerted
    words: dict[str, float] = defaultdict(float)
    for t in group:
        for word, weight in weighted_keywords(f"{t.title}\n{t.content}").items():
            words[word] += weight
    keywords = [w for w, _ in sorted(words.items(), key=lambda kv: -kv[1])[:6]]
    words_shown = "、".join(keywords[:3])
    hours = settings.group_hours
    summary = f"群体性诉求：{hours}小时内同一地点{len(ids)}件相似诉求（{words_shown}）"
    return _alert(
        InsightAlert.Kind.GROUP, f"group:{ids[0]}:{len(ids)}", summary, keywords, ids, district_id
    )


def _alert(
    kind: str, key: str, summary: str, keywords: list[str], ids: list[int], district_id: int | None
) -> InsightAlert:
    """The alert and each active supervisor's inbox message, in one transaction."""
    with transaction.atomic():
        alert, created = InsightAlert.objects.get_or_create(
            key=key,
            defaults={
                "kind": kind,
                "summary": summary[:300],
                "keywords": keywords,
                "ticket_ids": ids,
                "district_id": district_id,
                "raised_at": clock.now(),
            },
        )
        if created:
            text = render(
                "risk", note=f"热点预警：{alert.summary}", level="预警", reason=alert.summary
            )
            for user_id in User.objects.filter(role=Role.SUPERVISOR, is_active=True).values_list(
                "pk", flat=True
            ):
                inbox_post(
                    key=f"insight:{alert.pk}:{user_id}",
                    event="risk",
                    text=text[:500],
                    user_id=user_id,
                    ticket_id=ids[0],
                )
    return alert
