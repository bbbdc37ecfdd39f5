"""Benchmark-only endpoints (docs/benchmarks.md): POST /api/v1/bench/insert writes one row
and answers, on the same stack as a submission (middleware, django-ninja, one transaction on
the database), so a submission's cost reads as a ratio to it. Off unless the environment
sets MINXIN_BENCH_ENDPOINTS=1 (`settings.BENCH_ENDPOINTS`); off, it is a 404 like any
unknown address. Never set it in production."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest
from ninja import Router

from minxin.core import clock
from minxin.ops.models import BenchRow

router = Router(tags=["meta"])


@router.post("/insert", include_in_schema=False, response={201: dict})
def insert(request: HttpRequest) -> tuple[int, dict]:
    if not settings.BENCH_ENDPOINTS:
        raise Http404
    with transaction.atomic():
        row = BenchRow.objects.create(at=clock.now())
    return 201, {"id": row.pk}
