"""Staff who must have a TOTP device and logged in without one see only the enrolment
page (and logout) until they have confirmed a device: no workbench page, no admin."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from minxin.workbench import login_flow

OPEN_PATHS = ("/staff/account/totp/", "/staff/logout/", "/staff/login/", "/static/")


class EnrolmentGate:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.path.startswith(("/staff/", "/admin/"))
            and not request.path.startswith(OPEN_PATHS)
            and login_flow.must_enrol(request)
        ):
            return redirect("workbench:totp")
        return self.get_response(request)
