"""Answering one message from WeChat, once: the reply to a MsgId is kept and replayed."""

from __future__ import annotations

from django.db import transaction

from minxin.core import clock
from minxin.encryption.crypto import blind_index
from minxin.wechat import dialogue
from minxin.wechat.models import Conversation, Message
from minxin.wechat.personal import KEEP_MESSAGES
from minxin.wechat.protocol import ProtocolError, text_reply

WELCOME = "感谢关注！" + dialogue.MENU
ONLY_TEXT = "目前只能处理文字消息。\n" + dialogue.MENU


@transaction.atomic
def wechat_message_answer(*, message: dict[str, str]) -> str:
    """The reply XML to MESSAGE (a parsed WeChat message): computed on its first delivery,
    the same reply for its retries. Conversations are locked, so two app processes taking
    a message and its retry answer it once."""
    openid = message.get("FromUserName", "")
    if not openid or not message.get("ToUserName"):
        raise ProtocolError("no sender")
    index = blind_index(openid, purpose="wechat-openid")
    now = clock.now()
    created, _ = Conversation.objects.get_or_create(
        openid_index=index, defaults={"updated_at": now}
    )
    conversation = Conversation.objects.select_for_update().get(pk=created.pk)
    key = _key(message, index)
    seen = Message.objects.filter(key=key).first()
    if seen is not None:
        text = seen.reply
    else:
        text = _answer(conversation, message)
        conversation.updated_at = now
        conversation.save(update_fields=["step", "draft", "updated_at"])
        Message.objects.create(key=key, conversation=conversation, reply=text, received_at=now)
        Message.objects.filter(
            conversation=conversation, received_at__lt=now - KEEP_MESSAGES
        ).delete()
    if not text:
        return "success"  # WeChat's "nothing to say"
    return text_reply(to_user=openid, from_user=message["ToUserName"], content=text)


def _key(message: dict[str, str], index: str) -> str:
    if message.get("MsgId"):
        return f"msg:{message['MsgId'][:80]}"
    # Events carry no MsgId; WeChat's advice is sender plus CreateTime.
    return f"evt:{index[:40]}:{message.get('CreateTime', '')[:20]}"


def _answer(conversation: Conversation, message: dict[str, str]) -> str:
    kind = message.get("MsgType")
    if kind == "text":
        return dialogue.respond(conversation, message.get("Content", ""))
    if kind == "event":
        return WELCOME if message.get("Event") == "subscribe" else ""
    return ONLY_TEXT
