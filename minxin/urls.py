from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from minxin.api.api import api
from minxin.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("staff/", include("minxin.workbench.urls")),
    path("", include("minxin.portal.urls")),
]

if settings.DEBUG or settings.DEMO_MODE:
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
