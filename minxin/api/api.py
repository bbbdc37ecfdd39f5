"""The JSON API, version 1, at /api/v1/ (OpenAPI schema at /api/v1/openapi.json)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI

from minxin.analytics import api as analytics
from minxin.api import actions, citizen, errors, insight, meta, staff, supervision
from minxin.cityevents import api as cityevents
from minxin.crosscity import api as crosscity
from minxin.ops import bench
from minxin.publicinfo import api as publicinfo

api = NinjaAPI(
    title="民心 Minxin API",
    version="1",
    description="市民诉求受理、办理与监督平台的数据接口。错误统一为 "
    '{"error": {"code", "message", "field"}}。',
    urls_namespace="api-v1",
)
errors.install(api)
api.add_router("/", citizen.router)
api.add_router("/auth", staff.auth_router)
api.add_router("/staff", staff.router, auth=staff.staff_auth)
api.add_router("/staff", actions.router, auth=staff.staff_auth)
api.add_router("/staff", supervision.router, auth=staff.staff_auth)
api.add_router("/staff", insight.router, auth=staff.staff_auth)
# Similar public cases for the submission page: no login.
api.add_router("/", insight.public_router)
api.add_router("/meta", meta.router)
# The public services (typical cases, guides, notices, search, assistant) and their staff side.
api.add_router("/", publicinfo.public_router)
api.add_router("/staff", publicinfo.staff_router, auth=staff.staff_auth)
# Cross-city transfer and joint supervision (docs/interop.md).
api.add_router("/staff", crosscity.router, auth=staff.staff_auth)
# The public figures (docs/analytics.md): no login.
api.add_router("/stats", analytics.router)
# The city operations centre's signed calls (docs/interop.md).
api.add_router("/cityevents", cityevents.router)
# Benchmark-only, a 404 unless MINXIN_BENCH_ENDPOINTS=1 (docs/benchmarks.md).
api.add_router("/bench", bench.router, auth=None)


@api.get("/ping", tags=["meta"])
def ping(request: HttpRequest) -> dict:
    """A bare endpoint: the yardstick the benchmarks compare against."""
    return {"ok": True}
