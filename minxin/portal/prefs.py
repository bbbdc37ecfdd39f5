"""Display preferences (适老化): large text, high contrast, spoken navigation.

Kept in a plain cookie that both the server and the page's script read and write, so the
page is drawn in the chosen mode from its first byte (no flash) with or without script.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

COOKIE = "mx_view"
OPTIONS = ("large", "contrast", "voice")
MAX_AGE = 365 * 24 * 3600


def read(request: HttpRequest) -> set[str]:
    raw = request.COOKIES.get(COOKIE, "")
    return {p for p in raw.split(".") if p in OPTIONS}


def toggle(prefs: set[str], option: str) -> set[str]:
    return prefs ^ {option} if option in OPTIONS else prefs


def store(response: HttpResponse, prefs: set[str]) -> None:
    value = ".".join(o for o in OPTIONS if o in prefs)
    # Not HttpOnly: the page's script flips modes without a reload and writes the same cookie.
    response.set_cookie(COOKIE, value, max_age=MAX_AGE, samesite="Lax", httponly=False)
