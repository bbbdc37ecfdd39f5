"""What the account keeps about a follower: shown and erased on request in the dialogue, and
removed after the retention periods by `minxin privacy purge` and the hourly task."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from minxin.core import clock
from minxin.encryption.crypto import blind_index
from minxin.privacy.tasks import purge_hourly
from minxin.tickets.models import Ticket
from minxin.wechat.models import Conversation, Filing, Message
from minxin.wechat.personal import DRAFT_KEEP, wechat_conversations_purge
from minxin.wechat.services import wechat_message_answer

pytestmark = pytest.mark.django_db
T0 = timezone.make_aware(dt.datetime(2026, 6, 1, 10))
PHONE_TEXT = "楼上每晚装修噪音很大，请联系我13812345678处理"
_ids = iter(range(10**6))


def say(openid: str, text: str) -> str:
    xml = wechat_message_answer(
        message={
            "ToUserName": "gh_account",
            "FromUserName": openid,
            "MsgType": "text",
            "Content": text,
            "MsgId": str(next(_ids)),
        }
    )
    return xml.split("<Content><![CDATA[")[1].rsplit("]]></Content>")[0]


def conversation(openid: str) -> Conversation:
    return Conversation.objects.get(openid_index=blind_index(openid, purpose="wechat-openid"))


def draft_with_a_phone(openid: str) -> None:
    for text in ("1", "1", PHONE_TEXT):
        say(openid, text)


def filed(openid: str) -> None:
    for text in ("1", "1", "小区门口的路灯坏了两个星期", "无", "1"):
        say(openid, text)


def test_the_follower_sees_what_is_kept_and_can_erase_it(city):
    filed("o_a")
    draft_with_a_phone("o_a")
    code = Filing.objects.get().tracking_code
    shown = say("o_a", "我的数据")
    assert "13812345678" in shown
    assert code in shown
    assert "填写地址" in shown
    assert "已提交的诉求：无" in say("o_b", "我的数据")  # only the follower's own
    assert "已删除" in say("o_a", "删除我的数据")
    kept = conversation("o_a")
    assert (kept.step, kept.draft) == ("", "")
    assert not Filing.objects.exists()
    # Of its replies only the last is kept (for WeChat's retry of it): the confirmation.
    [reply] = Message.objects.filter(conversation=kept).values_list("reply", flat=True)
    assert "已删除" in reply
    assert Ticket.objects.count() == 1  # the request filed stays the city's record
    assert "已提交的诉求：无" in say("o_a", "我的数据")


def test_the_purge_removes_quiet_conversations_old_drafts_and_old_replies(city, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 365
    clock.freeze(T0 - dt.timedelta(days=400))
    filed("o_quiet")
    clock.freeze(T0 - DRAFT_KEEP - dt.timedelta(days=1))
    draft_with_a_phone("o_stale")
    clock.freeze(T0 - dt.timedelta(days=2))
    draft_with_a_phone("o_recent")
    clock.freeze(T0)
    assert wechat_conversations_purge(retention_days=365) == 2  # a dry run by default
    assert Conversation.objects.count() == 3
    assert purge_hourly.call_local() == (0, 0, 2)
    assert not Filing.objects.exists()  # went with the quiet conversation
    stale, recent = conversation("o_stale"), conversation("o_recent")
    assert (stale.step, stale.draft) == ("", "")
    assert recent.step == "address"
    assert "13812345678" in recent.draft
    assert Conversation.objects.count() == 2
    assert not Message.objects.filter(received_at__lt=T0 - dt.timedelta(days=1)).exists()
    assert purge_hourly.call_local() == (0, 0, 0)


def test_the_purge_command_counts_conversations_and_clears_them_only_when_committed(city):
    clock.freeze(T0 - dt.timedelta(days=20))
    draft_with_a_phone("o_x")
    clock.freeze(T0)
    out = io.StringIO()
    call_command("privacy", "purge", "--older-than-days", "10", stdout=out)
    assert "clear 1 WeChat conversations" in out.getvalue()
    assert Conversation.objects.exists()
    call_command("privacy", "purge", "--older-than-days", "10", "--commit", stdout=out)
    assert "cleared 1 WeChat conversations" in out.getvalue()
    assert not Conversation.objects.exists()
