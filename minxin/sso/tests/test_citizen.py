"""A citizen signed in by the provider holds a verified phone, as after an SMS code."""

from __future__ import annotations

from minxin.sso.tests.conftest import walk
from minxin.tickets.actors import Actor
from minxin.tickets.submission import Submission, ticket_submit


def test_a_verified_phone_from_the_provider_opens_my_requests(sso: str) -> None:
    ticket, _ = ticket_submit(
        data=Submission(request_type="complaint", title="噪音扰民", content="楼下夜间施工噪音很大",
                        anonymous=False, name="张三"),
        actor=Actor.citizen("13800138000"),
    )  # fmt: skip
    flow = walk(sso, "/sso/citizen/", "citizen")
    done = flow.finish()
    assert done.status_code == 302
    assert done.headers["Location"] == "/track/mine/"
    mine = flow.session.get(sso + "/track/mine/", allow_redirects=False, timeout=30)
    assert mine.status_code == 200
    assert ticket.display_code in mine.text


def test_an_unverified_phone_is_refused(sso: str) -> None:
    flow = walk(sso, "/sso/citizen/", "unverified")
    done = flow.finish()
    assert done.status_code == 403
    assert "未提供已验证的手机号" in done.text
    mine = flow.session.get(sso + "/track/mine/", allow_redirects=False, timeout=30)
    assert mine.status_code == 302  # still asked to verify a phone


def test_a_callback_with_a_state_this_browser_never_sent_is_refused(sso: str) -> None:
    flow = walk(sso, "/sso/citizen/", "citizen")
    forged = flow.callback.replace("state=", "state=forged")
    assert flow.finish(forged).status_code == 400
    # The real state is still unused after the forged one... and serves once only.
    assert flow.finish().status_code == 302
    assert flow.finish().status_code == 400


def test_an_id_token_with_another_nonce_is_refused(sso: str) -> None:
    from django.contrib.sessions.backends.db import SessionStore

    flow = walk(sso, "/sso/citizen/", "citizen")
    stored = SessionStore(flow.session.cookies["sessionid"])
    for state in stored["oidc_states"].values():
        state["nonce"] = "a-nonce-the-provider-never-saw"
    stored.save()
    done = flow.finish()
    assert done.status_code == 403
    assert flow.session.get(sso + "/track/mine/", allow_redirects=False).status_code == 302


def test_an_id_token_from_another_issuer_is_refused(sso: str, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SSO_OIDC = {**settings.SSO_OIDC, "OIDC_OP_ISSUER": "https://other.example/o"}
    assert walk(sso, "/sso/citizen/", "citizen").finish().status_code == 403


def test_single_sign_on_is_off_when_not_configured(sso: str, settings) -> None:  # type: ignore[no-untyped-def]
    import requests

    settings.SSO_OIDC = {}
    assert requests.get(sso + "/sso/citizen/", timeout=30).status_code == 404
    assert requests.get(sso + "/sso/staff/", timeout=30).status_code == 404


def test_the_login_pages_offer_single_sign_on_only_when_configured(sso: str, settings) -> None:  # type: ignore[no-untyped-def]
    import requests

    assert 'href="/sso/citizen/"' in requests.get(sso + "/track/", timeout=30).text
    assert 'href="/sso/staff/?next=' in requests.get(sso + "/staff/login/", timeout=30).text
    settings.SSO_OIDC = {}
    assert "/sso/citizen/" not in requests.get(sso + "/track/", timeout=30).text
    assert "/sso/staff/" not in requests.get(sso + "/staff/login/", timeout=30).text
