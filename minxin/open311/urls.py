from django.urls import re_path

from minxin.open311 import views

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="open311_discovery"),
    re_path(r"^services" + FMT, views.services, name="open311_services"),
    re_path(r"^services/(?P<code>[^/]+)" + FMT, views.service_definition),
    re_path(r"^requests" + FMT, views.requests, name="open311_requests"),
    re_path(r"^requests/(?P<request_id>[^/]+)" + FMT, views.request_detail),
    re_path(r"^tokens/(?P<token>[^/]+)" + FMT, views.token),
    # Anything else under /open311/v2/ is a 404 in the spec's error format (JSON unless .xml).
    re_path(r"^.*?(?:\.(?P<fmt>xml))?$", views.unknown),
]
