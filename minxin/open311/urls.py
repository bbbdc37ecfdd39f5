from django.urls import path, re_path, register_converter

from minxin.open311 import views


class Format:
    """The spec's format suffix: `.json` or `.xml`."""

    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(Format, "open311fmt")

urlpatterns = [
    path("discovery.<open311fmt:fmt>", views.discovery, name="open311_discovery"),
    path("services.<open311fmt:fmt>", views.services, name="open311_services"),
    path("services/<str:code>.<open311fmt:fmt>", views.service_definition),
    path("requests.<open311fmt:fmt>", views.requests, name="open311_requests"),
    path("requests/<str:request_id>.<open311fmt:fmt>", views.request_detail),
    path("tokens/<str:token>.<open311fmt:fmt>", views.token),
    # Anything else under /open311/v2/ is a 404 in the spec's error format (JSON unless .xml).
    re_path(r"^.*?(?:\.(?P<fmt>xml))?$", views.unknown),
]
