"""Probes for load balancers and orchestrators, and the metrics endpoint.

/livez    200 while the process answers (no database): restart the process when it fails
/readyz   200 when the database, cache, queue and migrations are ready, else 503 with
          the checks that failed: take the node out of the pool when it fails
/healthz  the same as /readyz (the name load balancers were given first)
/metrics  Prometheus text; from loopback without a forwarding header, or with
          `Authorization: Bearer $MINXIN_METRICS_TOKEN`
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from minxin.ops import metrics

log = logging.getLogger(__name__)
_migrated = False  # once true in a process it stays true: migrations are not undone live


@never_cache
@require_GET
def livez(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {name: _passes(name, check) for name, check in CHECKS.items()}
    ready = all(checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not _may_scrape(request):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(metrics.exposition(), content_type=CONTENT_TYPE_LATEST)


def _may_scrape(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token:
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    if "X-Forwarded-For" in request.headers:
        return False  # came through a proxy: the peer address says nothing
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    cache.set("ops:ready", "1", 10)
    if cache.get("ops:ready") != "1":
        raise RuntimeError("the cache did not keep a value")


def _queue() -> None:
    from huey.contrib.djhuey import HUEY

    HUEY.pending_count()


def _migrations() -> None:
    global _migrated
    if _migrated:
        return
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise RuntimeError("migrations not applied")
    _migrated = True


CHECKS: dict[str, Callable[[], None]] = {
    "database": _database,
    "cache": _cache,
    "queue": _queue,
    "migrations": _migrations,
}


def _passes(name: str, check: Callable[[], None]) -> bool:
    try:
        check()
    except (DatabaseError, Exception):  # noqa: BLE001 - any failure means "not ready"
        log.exception("readiness: %s failed", name)
        return False
    return True
