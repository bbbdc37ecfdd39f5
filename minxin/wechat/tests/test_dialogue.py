"""The guided dialogue, spoken as WeChat speaks it, in plain and encrypted mode."""

from __future__ import annotations

import re

from minxin.publicinfo.assistant import answer
from minxin.tickets.models import Channel, Status, Ticket
from minxin.wechat.models import Conversation
from minxin.wechat.tests.conftest import WeChat, text_message

COMPLAINT = "小区门口的路灯坏了两个星期，晚上很黑，希望尽快修好。"


def _file(wechat: WeChat, openid: str) -> str:
    assert "请选择诉求类型" in wechat.say(openid, "1")
    assert "请用一段话描述" in wechat.say(openid, "1")
    assert "地址" in wechat.say(openid, COMPLAINT)
    assert "请确认" in wechat.say(openid, "东城区和平路12号")
    return wechat.say(openid, "1")


def test_a_request_is_filed_through_the_dialogue(wechat: WeChat) -> None:
    reply = _file(wechat, "o_citizen_a")
    ticket = Ticket.objects.get()
    assert "您的诉求已提交" in reply
    assert ticket.display_code in reply
    assert ticket.content == COMPLAINT
    assert ticket.channel == Channel.WECHAT
    assert ticket.address == "东城区和平路12号"
    assert ticket.is_anonymous
    assert ticket.status == Status.SUBMITTED
    assert Conversation.objects.get().step == ""


def test_a_retried_message_gets_the_same_reply_and_files_one_request(wechat: WeChat) -> None:
    for text in ("1", "1", COMPLAINT, "无"):
        wechat.say("o_citizen_b", text)
    first = wechat.say("o_citizen_b", "1", msg_id=777001)
    retry = wechat.say("o_citizen_b", "1", msg_id=777001)
    again = wechat.say("o_citizen_b", "1", msg_id=777001)
    assert first == retry == again
    assert "查询密码" in first
    assert Ticket.objects.count() == 1


def test_the_follower_sees_the_progress_of_what_they_filed(wechat: WeChat) -> None:
    _file(wechat, "o_citizen_c")
    ticket = Ticket.objects.get()
    reply = wechat.say("o_citizen_c", "2")
    assert f"{ticket.display_code}：{Status.SUBMITTED.label}" in reply
    # Another follower does not see it.
    assert ticket.display_code not in wechat.say("o_someone_else", "2")


def test_anyone_checks_progress_with_code_and_password(wechat: WeChat) -> None:
    filed = _file(wechat, "o_citizen_d")
    code = re.search(r"查询码：(\S+)", filed).group(1)  # type: ignore[union-attr]
    password = re.search(r"查询密码：(\S+)", filed).group(1)  # type: ignore[union-attr]
    reply = wechat.say("o_friend", f"{code} {password}")
    assert f"{code}：{Status.SUBMITTED.label}" in reply
    assert "不正确" in wechat.say("o_friend", f"{code} WRONG1")


def test_wrong_passwords_meet_the_tracking_lookup_limit(wechat: WeChat, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TRACKING_LOOKUP_MAX_FAILURES = 2
    filed = _file(wechat, "o_citizen_e")
    code = re.search(r"查询码：(\S+)", filed).group(1)  # type: ignore[union-attr]
    password = re.search(r"查询密码：(\S+)", filed).group(1)  # type: ignore[union-attr]
    for attempt in ("BAD111", "BAD222"):
        assert "不正确" in wechat.say("o_guesser", f"{code} {attempt}")
    # Locked: even the right password is refused unchecked now.
    assert "查询失败次数过多" in wechat.say("o_guesser", f"{code} {password}")


def test_the_assistant_answers_a_question(wechat: WeChat) -> None:
    question = "新生儿落户需要什么材料"
    assert "请直接输入您的问题" in wechat.say("o_asker", "3")
    reply = wechat.say("o_asker", question)
    assert answer(question)["answer"][:40] in reply
    assert Conversation.objects.get().step == ""


def test_cancel_leaves_the_dialogue_without_filing(wechat: WeChat) -> None:
    wechat.say("o_citizen_f", "1")
    wechat.say("o_citizen_f", "1")
    assert "已取消" in wechat.say("o_citizen_f", "取消")
    assert not Ticket.objects.exists()


def test_a_message_after_a_wrong_signature_is_still_answered_once(wechat: WeChat) -> None:
    wechat.post(text_message("o_citizen_g", "1", 880001), token="wrong")
    assert "请选择诉求类型" in wechat.say("o_citizen_g", "1", msg_id=880001)
