"""The provider's side, through mozilla-django-oidc: the code is exchanged for tokens, the ID
token's signature (the provider's JWKS), nonce, issuer and audience are checked, and the
claims are read from the userinfo endpoint. What the claims then open is `signin.py`'s."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

# The city's variables (settings.SSO_OIDC, read from the environment) and their defaults.
VARIABLES: dict[str, str | None] = {
    "OIDC_RP_CLIENT_ID": "",
    "OIDC_RP_CLIENT_SECRET": "",
    "OIDC_OP_ISSUER": "",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "",
    "OIDC_OP_TOKEN_ENDPOINT": "",
    "OIDC_OP_USER_ENDPOINT": "",
    "OIDC_OP_JWKS_ENDPOINT": None,
    "OIDC_RP_SIGN_ALGO": "RS256",
    "OIDC_RP_SCOPES": "openid phone",
}
# Not the city's to choose: PKCE always, our callback, a bound on each call to the provider.
FIXED: dict[str, Any] = {
    "OIDC_USE_PKCE": True,
    "OIDC_AUTHENTICATION_CALLBACK_URL": "sso:callback",
    "OIDC_TIMEOUT": 10,
}


def setting(name: str, *default: Any) -> Any:
    """mozilla-django-oidc's settings lookup: FIXED, then the city's variables, then
    the library's own defaults."""
    if name in FIXED:
        return FIXED[name]
    if name in VARIABLES:
        return settings.SSO_OIDC.get(name) or VARIABLES[name]
    return import_from_settings(name, *default)


def configured() -> bool:
    return bool(setting("OIDC_RP_CLIENT_ID") and setting("OIDC_OP_AUTHORIZATION_ENDPOINT"))


class ProviderClient(OIDCAuthenticationBackend):
    """Not an authentication backend of the site: the callback view calls it directly and
    gets the claims back, for staff and citizens alike."""

    get_settings = staticmethod(setting)

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        # The library leaves these two to us (it decodes with verify_aud off).
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if setting("OIDC_RP_CLIENT_ID") not in audiences:
            raise SuspiciousOperation("ID token for another client")
        issuer = setting("OIDC_OP_ISSUER")
        if issuer and payload.get("iss") != issuer:
            raise SuspiciousOperation("ID token from another issuer")
        return payload

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> dict[str, Any] | None:
        claims: dict[str, Any] = self.get_userinfo(access_token, id_token, payload)
        if not payload.get("sub") or claims.get("sub") != payload["sub"]:
            raise SuspiciousOperation("userinfo for another subject")
        return {**claims, "iss": payload.get("iss", "")}
