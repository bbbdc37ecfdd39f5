"""The 红黑榜: a monthly score per unit, reviewed and published by a supervisor.

Each unit's parts are read from the figures defined once elsewhere (`analytics.figures`:
closed, on-time, satisfaction, reopen, supervision orders; `supervision.records`: returns, the
unit record's one definition of them) and from the oversight group's evaluations. Each part
becomes a goodness between 0 and 1:

- on_time: the on-time rate;              - satisfaction: the satisfaction rate;
- reopen: 1 − the reopen rate;            - returns: 1 − returns / requests led (at most 1);
- supervision: 1 − orders opened / requests led (at most 1);
- oversight: the evaluations' verdicts (好 1, 一般 0.5, 差 0), averaged over every aspect of
  every evaluation of the unit's requests given in the month.

score = 100 × Σ weight × goodness / Σ weight, over the parts the unit has (a part with nothing
to divide is left out, not counted as 0). The weights, the least number of closed requests to
be ranked, and the sizes of the red and black lists are the admin's 红黑榜评分规则. Units are
ranked by score (ties by name); the first `red_count` are the red list, the last `black_count`
(never a red one) the black list.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass

from django.db import transaction

from minxin.accounts.models import SUPERVISOR_ROLES, User
from minxin.analytics.figures import Scope, order_figures
from minxin.analytics.reads import breakdown
from minxin.audit.chain import canonical_json, sm3_hex
from minxin.audit.services import chain_append
from minxin.core import clock
from minxin.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from minxin.insight.models import Ranking, RankingRow, RankingWeights
from minxin.org.models import Unit
from minxin.supervision.models import OversightEvaluation
from minxin.supervision.records import Period, unit_figures

PARTS = ["on_time", "satisfaction", "reopen", "returns", "supervision", "oversight"]
VERDICT = {"good": 1.0, "fair": 0.5, "poor": 0.0}


@dataclass(frozen=True)
class Parts:
    on_time: float | None
    satisfaction: float | None
    reopen: float | None
    returns: float | None
    supervision: float | None
    oversight: float | None


def month_period(month: dt.date) -> Period:
    following = (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return Period(month.replace(day=1), following - dt.timedelta(days=1))


def month_parse(raw: str) -> dt.date:
    """A month as YYYY-MM, or a clear error."""
    try:
        return dt.datetime.strptime((raw or "").strip(), "%Y-%m").date()
    except ValueError:
        raise ValidationFailed("月份应为“年-月”格式，例如 2024-05", code="invalid_month") from None


def _less(share: float | None) -> float | None:
    return None if share is None else 1 - share


def _capped(part: int, whole: int) -> float | None:
    return 1 - min(1.0, part / whole) if whole else None


def _oversight(period: Period) -> dict[int, float]:
    scores: dict[int, list[float]] = defaultdict(list)
    rows = OversightEvaluation.objects.filter(
        created_at__gte=period.start, created_at__lt=period.end, unit__isnull=False
    ).values_list("unit_id", "timeliness", "quality", "attitude")
    for unit_id, *verdicts in rows:
        scores[unit_id].extend(VERDICT[v] for v in verdicts)
    return {unit_id: sum(s) / len(s) for unit_id, s in scores.items()}


def unit_parts(period: Period) -> dict[int, tuple[int, Parts]]:
    """Each unit's closed requests and parts in `period`."""
    figures = breakdown(period, Scope(), "unit")
    records = unit_figures(period)
    oversight = _oversight(period)
    units = Unit.objects.filter(is_active=True).exclude(kind=Unit.Kind.CENTRE)
    result = {}
    for unit_id in units.values_list("pk", flat=True):
        f, r = figures.get(unit_id), records.get(unit_id)
        orders = order_figures(period, Scope(unit_ids=frozenset({unit_id})))["orders_opened"]
        led = r.led if r else 0
        parts = Parts(
            on_time=f.on_time_rate if f else None,
            satisfaction=f.satisfaction_rate if f else None,
            reopen=_less(f.reopen_rate) if f else None,
            returns=_capped(r.returns, led) if r else None,
            supervision=_capped(orders, led),
            oversight=oversight.get(unit_id),
        )
        result[unit_id] = (f.closed if f else 0, parts)
    return result


def score(parts: Parts, weights: RankingWeights) -> float | None:
    total = weighted = 0.0
    for name in PARTS:
        value, weight = getattr(parts, name), getattr(weights, name)
        if value is not None and weight:
            total, weighted = total + weight, weighted + weight * value
    return round(100 * weighted / total, 2) if total else None


def _weights_json(weights: RankingWeights) -> dict:
    names = [*PARTS, "min_closed", "red_count", "black_count"]
    return {name: getattr(weights, name) for name in names}


def ranking_compute(*, month: dt.date) -> Ranking:
    """The month's draft, computed afresh (a published month is frozen: Conflict)."""
    month = month.replace(day=1)
    if month >= clock.today().replace(day=1):
        raise ValidationFailed("只能计算已经结束的月份", code="month_not_over")
    weights = RankingWeights.current()
    scored = []
    for unit_id, (closed, parts) in unit_parts(month_period(month)).items():
        value = score(parts, weights) if closed >= weights.min_closed else None
        scored.append((unit_id, closed, parts, value))
    with transaction.atomic():
        ranking, _ = Ranking.objects.select_for_update().get_or_create(
            month=month, defaults={"weights": {}, "computed_at": clock.now()}
        )
        if ranking.status == Ranking.Status.PUBLISHED:
            raise Conflict("该月红黑榜已发布，不能重新计算", code="ranking_published")
        ranking.weights, ranking.computed_at = _weights_json(weights), clock.now()
        ranking.save(update_fields=["weights", "computed_at"])
        ranking.rows.all().delete()
        RankingRow.objects.bulk_create(_rows(ranking, scored, weights))
    return ranking


def _rows(ranking: Ranking, scored: list, weights: RankingWeights) -> list[RankingRow]:
    names = dict(Unit.objects.values_list("pk", "name"))
    ranked = sorted((s for s in scored if s[3] is not None), key=lambda s: (-s[3], names[s[0]]))
    red = {s[0] for s in ranked[: weights.red_count]}
    black = {s[0] for s in ranked[::-1][: weights.black_count]} - red
    place = {s[0]: i for i, s in enumerate(ranked, 1)}
    return [
        RankingRow(
            ranking=ranking,
            unit_id=unit_id,
            rank=place.get(unit_id),
            score=value,
            closed=closed,
            parts=asdict(parts),
            listed="red" if unit_id in red else "black" if unit_id in black else "",
        )
        for unit_id, closed, parts, value in scored
        if closed or any(v is not None for v in asdict(parts).values())
    ]


def may_publish_ranking(user: object) -> bool:
    """Supervisors (and the admin) compute and publish; the one rule pages and services ask."""
    return getattr(user, "role", None) in SUPERVISOR_ROLES


def ranking_publish(*, month: dt.date, actor: User) -> Ranking:
    """A supervisor publishes the reviewed draft: from now on it is frozen, and its digest
    (SM3 of its weights and rows) is appended to the audit chain."""
    if not may_publish_ranking(actor):
        raise PermissionDenied("只有督办人员可以发布红黑榜")
    with transaction.atomic():
        ranking = Ranking.objects.select_for_update().filter(month=month).first()
        if ranking is None:
            raise NotFound("该月红黑榜尚未计算")
        if ranking.status == Ranking.Status.PUBLISHED:
            raise Conflict("该月红黑榜已发布", code="ranking_published")
        ranking.status, ranking.published_at = Ranking.Status.PUBLISHED, clock.now()
        ranking.published_by, ranking.digest = actor, ranking_digest(ranking)
        ranking.save(update_fields=["status", "published_at", "published_by", "digest"])
        chain_append(
            kind="ranking",
            ref=f"ranking:{ranking.pk}",
            payload={"month": f"{month:%Y-%m}", "digest": ranking.digest, "by": actor.pk},
        )
    return ranking


def ranking_digest(ranking: Ranking) -> str:
    rows = ranking.rows.order_by("unit_id").values(
        "unit_id", "rank", "score", "listed", "closed", "parts"
    )
    return sm3_hex(canonical_json({"weights": ranking.weights, "rows": list(rows)}))


def published(month: dt.date | None = None) -> Ranking:
    """A published month (the latest if none is named), or NotFound."""
    rankings = Ranking.objects.filter(status=Ranking.Status.PUBLISHED)
    ranking = rankings.filter(month=month).first() if month else rankings.first()
    if ranking is None:
        raise NotFound("该月红黑榜尚未发布" if month else "尚未发布红黑榜")
    return ranking
