"""The 红黑榜's pages: supervisors review and publish it (/staff/ranking/), everyone reads the
published months (/stats/ranking/)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from minxin.core import clock
from minxin.core.errors import DomainError
from minxin.core.replica import replica_reads
from minxin.insight.models import Ranking, RankingWeights
from minxin.insight.ranking import (
    PARTS,
    may_publish_ranking,
    month_parse,
    published,
    ranking_compute,
    ranking_publish,
)
from minxin.insight.views import may_read_insight

LABELS = dict(
    zip(PARTS, ["按期办结", "满意", "未重办", "未退单", "未被督办", "第三方评议"], strict=True)
)


def _refuse(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    return render(request, "workbench/403.html", {"error": {"message": message}}, status=status)


def _context(ranking: Ranking | None) -> dict:
    rows = list(ranking.rows.select_related("unit")) if ranking else []
    return {
        "ranking": ranking,
        "rows": [r for r in rows if r.rank] + [r for r in rows if not r.rank],
        "red": [r for r in rows if r.listed == "red"],
        "black": [r for r in rows if r.listed == "black"],
        "labels": LABELS,
        "parts": PARTS,
    }


@login_required
def staff_ranking(request: HttpRequest) -> HttpResponse:
    if not may_read_insight(request.user):
        return _refuse(request, "您的角色不能查看红黑榜")
    month = None
    if raw := request.GET.get("month"):
        try:
            month = month_parse(raw)
        except DomainError as exc:
            return _refuse(request, exc.message, exc.status)
    ranking = Ranking.objects.filter(month=month).first() if month else Ranking.objects.first()
    last_month = (clock.today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    context = _context(ranking) | {
        "nav": "ranking",
        "months": Ranking.objects.values_list("month", "status"),
        "may_publish": may_publish_ranking(request.user),
        "last_month": last_month,
        "weights": RankingWeights.current(),
    }
    return render(request, "insight/ranking_staff.html", context)


@require_POST
@login_required
def staff_compute(request: HttpRequest) -> HttpResponse:
    if not may_publish_ranking(request.user):
        return _refuse(request, "只有督办人员可以计算红黑榜")
    try:
        ranking = ranking_compute(month=month_parse(request.POST.get("month", "")))
    except DomainError as exc:
        return _refuse(request, exc.message, exc.status)
    messages.success(request, f"已计算{ranking.month:%Y年%m月}红黑榜草稿，请审核后发布")
    return redirect(f"/staff/ranking/?month={ranking.month:%Y-%m}")


@require_POST
@login_required
def staff_publish(request: HttpRequest) -> HttpResponse:
    try:
        month = month_parse(request.POST.get("month", ""))
        ranking_publish(month=month, actor=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        return _refuse(request, exc.message, exc.status)
    messages.success(request, f"{month:%Y年%m月}红黑榜已发布，内容已冻结")
    return redirect(f"/staff/ranking/?month={month:%Y-%m}")


@replica_reads
def public_ranking(request: HttpRequest) -> HttpResponse:
    try:
        month = month_parse(request.GET["month"]) if request.GET.get("month") else None
        ranking = published(month)
    except DomainError as exc:
        context = {"error": exc.message, "months": _published_months()}
        return render(request, "insight/ranking_public.html", context, status=exc.status)
    context = _context(ranking) | {"months": _published_months()}
    return render(request, "insight/ranking_public.html", context)


def _published_months() -> list[dt.date]:
    return list(
        Ranking.objects.filter(status=Ranking.Status.PUBLISHED).values_list("month", flat=True)
    )
