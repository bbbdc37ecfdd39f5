"""Who is calling the API: staff by bearer token, citizens by a verified-phone token."""

from __future__ import annotations


from django.http import HttpRequest
from ninja.security import HttpBearer

from minxin.accounts.models import ApiToken, User
from minxin.core import clock
from minxin.identity.services import citizen_token_phone


class StaffToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token.startswith("mxs_"):
            return None
        row = (ApiToken.objects.select_related("user", "user__unit")
               .filter(key_hash=ApiToken.hash_key(token), revoked=False,
                       expires_at__gt=clock.now(), user__is_active=True).first())
        if row is None:
            return None
        request.user = row.user
        return row.user


def citizen_phone(request: HttpRequest) -> str | None:
    """The verified phone of the calling citizen, if they sent a valid citizen token."""
    token = request.headers.get("X-Citizen-Token", "")
    if not token:
        auth = request.headers.get("Authorization", "")
        if auth.startswith("Bearer ") and not auth.startswith("Bearer mxs_"):
            token = auth[len("Bearer "):]
    return citizen_token_phone(token.strip()) if token else None


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None



