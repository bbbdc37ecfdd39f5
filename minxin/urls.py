from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path
from django.utils.http import urlencode

from minxin.analytics.public_views import stats as public_stats
from minxin.api.api import api
from minxin.crosscity.views import inbox as crosscity_inbox
from minxin.insight.ranking_views import public_ranking
from minxin.portal.views.photos import photo
from minxin.wechat.views import endpoint as wechat_endpoint


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin has no door of its own: its login is the workbench's, with the TOTP step."""
    return redirect("/staff/login/?" + urlencode({"next": request.GET.get("next") or "/admin/"}))


urlpatterns = [
    path("", include("minxin.ops.urls")),
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("open311/v2/", include("minxin.open311.urls")),
    path("crosscity/v1/messages", crosscity_inbox, name="crosscity_inbox"),
    path("photos/<int:photo_id>/", photo, name="photo"),
    path("wechat/", wechat_endpoint, name="wechat"),
    path("sso/", include("minxin.sso.urls")),
    path("stats/", public_stats, name="stats"),
    path("stats/ranking/", public_ranking, name="public_ranking"),
    path("staff/", include("minxin.insight.urls")),
    path("staff/public/", include("minxin.publicinfo.staff_urls")),
    path("staff/video/", include("minxin.video.staff_urls")),
    path("staff/", include("minxin.workbench.urls")),
    path("", include("minxin.opendata.urls")),
    path("", include("minxin.publicinfo.urls")),
    path("video/", include("minxin.video.urls")),
    path("", include("minxin.portal.urls")),
]

# No static serving of MEDIA_ROOT, in any mode: photos go through the checked view above.
