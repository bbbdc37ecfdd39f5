"""What the account keeps about a follower, as personal data (个人信息保护法): shown to the
follower and erased on request (by openid: WeChat proves the sender, not a phone, so this
is asked in the dialogue, not with the phone-verified export), and removed after a time.

A conversation holds the answers typed so far (a description may carry a phone or an
address), the requests filed from it (code and query password) and the replies of the last
day (which may repeat a password).
"""

from __future__ import annotations

import datetime as dt
import json

from django.db import transaction
from django.db.models import Q

from minxin.core import clock
from minxin.wechat.models import Conversation, Message

# A request left unfinished this long is dropped: the follower starts again at the menu.
DRAFT_KEEP = dt.timedelta(days=30)
# WeChat retries within about 15 seconds; a day of answered messages is plenty.
KEEP_MESSAGES = dt.timedelta(days=1)
STEP_LABELS = {
    "type": "选择诉求类型",
    "content": "填写诉求内容",
    "address": "填写地址",
    "confirm": "确认提交",
    "track": "查询进度",
    "ask": "咨询问题",
}


def conversation_export(conversation: Conversation) -> str:
    """Everything kept about the follower, in words (a reply holds 600 characters, so a
    long description is shown by its start and length)."""
    draft = json.loads(conversation.draft or "{}")
    lines = ["本公众号保存的您的信息："]
    if conversation.step:
        lines.append(f"进行中：{STEP_LABELS.get(conversation.step, conversation.step)}")
    if draft.get("type_name"):
        lines.append(f"诉求类型：{draft['type_name']}")
    if draft.get("content"):
        content = draft["content"]
        shown = content if len(content) <= 100 else f"{content[:100]}…（共{len(content)}字）"
        lines.append(f"诉求内容：{shown}")
    if "address" in draft:
        lines.append(f"地址：{draft['address'] or '无'}")
    codes = list(conversation.filings.values_list("tracking_code", flat=True)[:10])
    lines.append("已提交的诉求：" + ("、".join(codes) if codes else "无"))
    lines.append("另保存最近一天的回复，以便微信重发时答复一致。")
    lines.append("回复“删除我的数据”可删除以上信息（已提交的诉求仍按查询码办理）。")
    return "\n".join(lines)


def conversation_erase(conversation: Conversation) -> None:
    """Forget the follower's answers, filed requests and replies (the requests themselves
    stay: they are the city's record, tracked by code and password). The caller saves
    `conversation`."""
    conversation.step, conversation.draft = "", ""
    conversation.filings.all().delete()
    conversation.message_set.all().delete()


@transaction.atomic
def wechat_conversations_purge(*, retention_days: int, commit: bool = False) -> int:
    """The retention periods: conversations quiet longer than `retention_days` are deleted
    with all they hold, unfinished requests after DRAFT_KEEP, replies after KEEP_MESSAGES.
    Returns the conversations deleted or cleared; a dry run (the default) only counts them."""
    now = clock.now()
    quiet = Conversation.objects.filter(updated_at__lt=now - dt.timedelta(days=retention_days))
    stale = Conversation.objects.filter(
        ~Q(step="") | ~Q(draft=""), updated_at__lt=now - DRAFT_KEEP
    ).exclude(pk__in=quiet.values("pk"))
    count = quiet.count() + stale.count()
    if commit:
        Message.objects.filter(received_at__lt=now - KEEP_MESSAGES).delete()
        quiet.delete()  # with its filings
        stale.update(step="", draft="")
    return count
