"""New accounts get no password: a one-time link to set one, printed or mailed."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import call_command

from minxin.accounts.models import User
from minxin.cityfile.tests.helpers import UNIT_HEADER, workbook

pytestmark = pytest.mark.django_db

STAFF = {
    "单位": [UNIT_HEADER, ["centre", "受理中心", "市级受理中心", None]],
    "工作人员": [
        ["用户名", "姓名", "角色", "所属单位编码", "邮箱"],
        ["wang", "王敏", "intake", "centre", None],
        ["li", "李强", "reviewer", "centre", "li@example.org"],
    ],
}


def test_the_printed_link_sets_a_password_once(tmp_path, client, capsys):
    call_command("city", "import", str(workbook(tmp_path / "s.xlsx", STAFF)), "--commit")
    out = capsys.readouterr().out
    link = re.search(r"wang: https?://[^/]+(/staff/password/set/\S+)", out).group(1)
    assert "li: 设置密码链接已发送至 li@example.org" in out
    form = client.get(link, follow=True)
    assert "设置登录密码" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Minxin-Start-2026", "new_password2": "Minxin-Start-2026"},
    )
    assert done.status_code == 302
    assert done["Location"] == "/staff/login/"
    assert User.objects.get(username="wang").check_password("Minxin-Start-2026")
    client.cookies.clear()
    again = client.get(link, follow=True).content.decode()
    assert "此链接无效或已使用过" in again


def test_the_mailed_link_goes_to_the_address_in_the_file(tmp_path):
    call_command("city", "import", str(workbook(tmp_path / "s.xlsx", STAFF)), "--commit")
    [message] = mail.outbox
    assert message.to == ["li@example.org"]
    assert "/staff/password/set/" in message.body


def test_an_import_never_touches_an_existing_password(tmp_path):
    User.objects.create_user("wang", password="kept-password-1", role="handler")
    call_command("city", "import", str(workbook(tmp_path / "s.xlsx", STAFF)), "--commit")
    wang = User.objects.get(username="wang")
    assert wang.role == "intake"
    assert wang.check_password("kept-password-1")


def test_a_mail_that_cannot_be_sent_leaves_the_link_printed(tmp_path, settings, capsys):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    call_command("city", "import", str(workbook(tmp_path / "s.xlsx", STAFF)), "--commit")
    out = capsys.readouterr().out
    assert re.search(r"li: 邮件未能发送（.+），请转交此链接：http\S+/staff/password/set/", out)
