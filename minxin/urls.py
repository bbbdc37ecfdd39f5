from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path
from django.utils.http import urlencode
from django.views.static import serve

from minxin.api.api import api
from minxin.core.views import healthz


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin has no door of its own: its login is the workbench's, with the TOTP step."""
    return redirect("/staff/login/?" + urlencode({"next": request.GET.get("next") or "/admin/"}))


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("staff/", include("minxin.workbench.urls")),
    path("", include("minxin.portal.urls")),
]

if settings.DEBUG or settings.DEMO_MODE:
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
