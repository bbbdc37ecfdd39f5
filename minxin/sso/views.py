"""/sso/staff/ and /sso/citizen/ send the visitor to the provider; /sso/callback/ takes them
back. mozilla-django-oidc builds the authorization request (state, nonce, PKCE) and checks
the tokens; the callback is ours because what a login opens differs for staff and citizens."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlparse

import requests
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from minxin.core.errors import DomainError
from minxin.sso import signin
from minxin.sso.provider import ProviderClient, configured, setting

log = logging.getLogger(__name__)
AUDIENCES = ("staff", "citizen")


class Start(OIDCAuthenticationRequestView):
    audience = "citizen"
    get_settings = staticmethod(setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not configured():
            raise Http404
        response = super().get(request)
        # The audience goes with the state the library just stored: one login each.
        state = parse_qs(urlparse(response["Location"]).query)["state"][0]
        states = request.session["oidc_states"]
        states[state]["audience"] = self.audience
        request.session["oidc_states"] = states
        return response


class StaffStart(Start):
    audience = "staff"


@never_cache
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    if not configured():
        raise Http404
    states = dict(request.session.get("oidc_states") or {})
    entry = states.pop(request.GET.get("state", ""), None)
    if entry is None:
        return _refused(request, "登录请求已失效或并非从本站发起，请重新登录。", 400, None)
    request.session["oidc_states"] = states  # a state serves once, even when refused
    audience = entry.get("audience")
    if request.GET.get("error") or not request.GET.get("code") or audience not in AUDIENCES:
        return _refused(request, "统一身份认证未完成，请重新登录。", 400, audience)
    try:
        claims = ProviderClient().authenticate(
            request, nonce=entry["nonce"], code_verifier=entry.get("code_verifier")
        )
    except (SuspiciousOperation, requests.RequestException) as exc:
        log.warning("sso: provider answer refused: %s", exc)
        claims = None
    if not claims:
        return _refused(request, "统一身份认证未通过，请重新登录。", 403, audience)
    next_url = request.session.pop("oidc_login_next", None)
    try:
        if audience == "staff":
            return signin.staff_sign_in(request, claims, next_url)
        return signin.citizen_sign_in(request, claims, next_url)
    except DomainError as exc:
        return _refused(request, exc.message, exc.status, audience)


def _refused(request: HttpRequest, message: str, status: int, audience: str | None) -> HttpResponse:
    again = "/sso/staff/" if audience == "staff" else "/sso/citizen/"
    return render(request, "sso/refused.html", {"message": message, "again": again}, status=status)
