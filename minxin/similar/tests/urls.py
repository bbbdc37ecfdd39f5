"""URLs for the insight API tests: the project's own when `api.py` mounts the insight routers,
otherwise an API mounting them exactly as `minxin/api/insight.py` documents."""

from __future__ import annotations

from django.urls import path
from ninja import NinjaAPI

from minxin.api import errors, insight, staff
from minxin.api.api import api

if any(router is insight.router for _, router in api._routers):
    from minxin.urls import urlpatterns
else:
    test_api = NinjaAPI(urls_namespace="api-v1-insight-test")
    errors.install(test_api)
    test_api.add_router("/auth", staff.auth_router)
    test_api.add_router("/staff", insight.router, auth=staff.staff_auth)
    test_api.add_router("/", insight.public_router)
    urlpatterns = [path("api/v1/", test_api.urls)]
