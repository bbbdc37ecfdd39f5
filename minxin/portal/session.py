"""What the portal remembers about a visitor between pages.

Everything lives in the server-side session, never in a URL: a verified phone is kept as
the identity service's citizen token (so it expires like the API's), and for each code this
visitor has proved, a signed tracking grant (never the password itself), so a tracking page
can be refreshed.
"""

from __future__ import annotations

from django.http import HttpRequest

from minxin.identity.services import citizen_token_phone
from minxin.tickets import codes
from minxin.tickets.actors import Actor
from minxin.tickets.models import Ticket
from minxin.tickets.submission import ticket_for_citizen, ticket_for_grant, tracking_grant_issue

TOKEN_KEY = "portal.citizen_token"
GRANTS_KEY = "portal.grants"
SUBMITTED_KEY = "portal.submitted"
# A shared computer in a community centre may track many requests; keep the session small.
MAX_GRANTS = 20


class NoGrant(Exception):
    """This visitor has not yet proved they may see that request."""


def verified_phone(request: HttpRequest) -> str | None:
    token = request.session.get(TOKEN_KEY)
    return citizen_token_phone(token) if token else None


def remember_phone(request: HttpRequest, token: str) -> None:
    # A new session id when the visitor gains a right, so a planted id gains nothing.
    request.session.cycle_key()
    request.session[TOKEN_KEY] = token
    _until_browser_closes(request)


def forget_phone(request: HttpRequest) -> None:
    request.session.pop(TOKEN_KEY, None)


def remember_grant(request: HttpRequest, code: str, password: str | None) -> None:
    if not password:
        return
    # As for a phone: the proof goes into a new session id, never into one planted earlier.
    request.session.cycle_key()
    grants = dict(request.session.get(GRANTS_KEY, {}))
    grants.pop(code, None)
    grants[code] = tracking_grant_issue(code=code)
    request.session[GRANTS_KEY] = dict(list(grants.items())[-MAX_GRANTS:])
    _until_browser_closes(request)


def _until_browser_closes(request: HttpRequest) -> None:
    # Proofs of identity should not outlive the visit on a shared computer.
    request.session.set_expiry(0)


def tracked_ticket(request: HttpRequest, raw_code: str) -> tuple[Ticket, Actor]:
    """The request behind a code, for the proof this session holds; NoGrant if it holds none.

    Asking the service without any proof would count a failed lookup against the code."""
    code = codes.normalise(raw_code) or ""
    grant = request.session.get(GRANTS_KEY, {}).get(code)
    phone = verified_phone(request)
    if grant:
        return ticket_for_grant(raw_code=code, grant=grant)
    if not phone:
        raise NoGrant(code)
    return ticket_for_citizen(raw_code=code, phone=phone)


def forget_grant(request: HttpRequest, code: str) -> None:
    grants = dict(request.session.get(GRANTS_KEY, {}))
    if grants.pop(code, None) is not None:
        request.session[GRANTS_KEY] = grants


def remember_submitted(request: HttpRequest, receipt: dict) -> None:
    request.session[SUBMITTED_KEY] = receipt


def take_submitted(request: HttpRequest) -> dict | None:
    """The last receipt; its query password is handed out once, then dropped."""
    receipt = request.session.get(SUBMITTED_KEY)
    if receipt and receipt.get("password"):
        request.session[SUBMITTED_KEY] = {**receipt, "password": None, "password_shown": True}
    return receipt
