"""Staff sign in through the provider into the account linked to their subject, under the
workbench's own rules; an unlinked subject gets nothing and creates nothing."""

from __future__ import annotations

import re

import pyotp

from minxin.accounts.models import User
from minxin.sso.models import StaffIdentity
from minxin.sso.tests.conftest import walk
from minxin.workbench.models import StaffTotp


def _link(sso_settings_issuer: str, username: str) -> User:
    user = User.objects.filter(role="handler", is_active=True).order_by("pk").first()
    assert user is not None
    StaffIdentity.objects.create(user=user, issuer=sso_settings_issuer, subject=f"prov-{username}")
    return user


def test_a_linked_account_signs_in_to_the_workbench(sso: str, settings) -> None:  # type: ignore[no-untyped-def]
    _link(settings.SSO_OIDC["OIDC_OP_ISSUER"], "staffer")
    flow = walk(sso, "/sso/staff/", "staffer")
    done = flow.finish()
    assert done.status_code == 302
    assert done.headers["Location"] == "/staff/"
    assert flow.session.get(sso + "/staff/", allow_redirects=False, timeout=30).status_code == 200


def test_an_unlinked_subject_is_refused_and_no_account_is_created(sso: str) -> None:
    accounts = User.objects.count()
    flow = walk(sso, "/sso/staff/", "stranger")
    done = flow.finish()
    assert done.status_code == 403
    assert "尚未关联工作人员账号" in done.text
    assert User.objects.count() == accounts
    assert flow.session.get(sso + "/staff/", allow_redirects=False, timeout=30).status_code == 302


def test_a_link_to_a_deactivated_account_is_refused(sso: str, settings) -> None:  # type: ignore[no-untyped-def]
    user = _link(settings.SSO_OIDC["OIDC_OP_ISSUER"], "staffer")
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert walk(sso, "/sso/staff/", "staffer").finish().status_code == 403


def test_an_account_with_a_totp_device_still_gives_its_code(sso: str, settings) -> None:  # type: ignore[no-untyped-def]
    user = _link(settings.SSO_OIDC["OIDC_OP_ISSUER"], "totp-staffer")
    device = StaffTotp.objects.create(user=user, secret=pyotp.random_base32(), confirmed=True)
    flow = walk(sso, "/sso/staff/", "totp-staffer")
    done = flow.finish()
    assert done.status_code == 302
    assert done.headers["Location"] == "/staff/login/totp/"
    # Not signed in yet: the provider stood in for the password only.
    assert flow.session.get(sso + "/staff/", allow_redirects=False, timeout=30).status_code == 302
    page = flow.session.get(sso + "/staff/login/totp/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    step = flow.session.post(
        sso + "/staff/login/totp/",
        data={"code": pyotp.TOTP(device.secret).now(), "csrfmiddlewaretoken": token},
        headers={"Referer": sso + "/staff/login/totp/"},
        allow_redirects=False,
        timeout=30,
    )
    assert step.status_code == 302
    assert flow.session.get(sso + "/staff/", allow_redirects=False, timeout=30).status_code == 200
