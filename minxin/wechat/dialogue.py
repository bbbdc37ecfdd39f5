"""The guided dialogue: each text message moves one conversation one step.

Idle → 1 file a request (type → description → address → confirm), 2 check progress (the
requests filed here, or any by tracking code and query password), 3 ask the assistant.
"取消" or "0" leaves any step. Requests are filed anonymously: WeChat gives us an openid,
not a verified phone, so the reply carries the tracking code and query password, exactly
as the web form's anonymous path does (docs/interop.md).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings

from minxin.core import clock
from minxin.core.errors import DomainError
from minxin.org.models import RequestType
from minxin.publicinfo.assistant import answer
from minxin.tickets import codes, selectors
from minxin.tickets.actors import Actor
from minxin.tickets.display import deadline_text
from minxin.tickets.models import Channel, Status, Ticket
from minxin.tickets.submission import Submission, ticket_for_citizen, ticket_submit
from minxin.wechat import personal
from minxin.wechat.models import Conversation, Filing

MENU = (
    "您好，这里是民心市民诉求服务。请回复数字：\n"
    "1 提交诉求（投诉、咨询、建议、求助、举报）\n"
    "2 查询办理进度\n"
    "3 咨询问题（智能客服）\n"
    "办理中随时回复“取消”可退出；回复“我的数据”查看本号保存的您的信息。"
)
EXPORT, ERASE = "我的数据", "删除我的数据"
CANCEL = {"取消", "0", "退出"}
MAX_REPLY = 600  # characters: a passive reply holds at most 2048 bytes


def respond(conversation: Conversation, text: str) -> str:
    text = " ".join((text or "").split())
    if text in CANCEL and conversation.step:
        _go(conversation, "")
        return "已取消。\n" + MENU
    if text == EXPORT:
        return _short(personal.conversation_export(conversation))
    if text == ERASE:
        personal.conversation_erase(conversation)
        return "已删除本号保存的您的信息。\n" + MENU
    step = conversation.step or "idle"
    return _short(STEPS[step](conversation, text))


def _short(reply: str) -> str:
    return reply if len(reply) <= MAX_REPLY else reply[: MAX_REPLY - 1] + "…"


def _go(conversation: Conversation, step: str, **draft: Any) -> None:
    data = json.loads(conversation.draft or "{}") if step else {}
    data.update(draft)
    conversation.step = step
    conversation.draft = json.dumps(data, ensure_ascii=False) if data else ""


def _draft(conversation: Conversation) -> dict[str, Any]:
    return json.loads(conversation.draft or "{}")


def _idle(conversation: Conversation, text: str) -> str:
    if text in ("1", "提交", "提交诉求"):
        _go(conversation, "type")
        return _type_menu()
    if text in ("2", "查询", "查询进度"):
        _go(conversation, "track")
        return _my_requests(conversation)
    if text in ("3", "咨询"):
        _go(conversation, "ask")
        return "请直接输入您的问题，例如：“新生儿落户需要什么材料？”"
    if text.split(" ")[0] and codes.normalise(text.split(" ")[0]):
        return _track(conversation, text)
    return MENU


def _types() -> list[RequestType]:
    return list(RequestType.objects.order_by("sort", "id")[:9])


def _type_menu() -> str:
    lines = [f"{i} {t.name}" for i, t in enumerate(_types(), start=1)]
    return "请选择诉求类型，回复数字：\n" + "\n".join(lines)


def _type(conversation: Conversation, text: str) -> str:
    types = _types()
    chosen = next((t for i, t in enumerate(types, 1) if text in (str(i), t.name)), None)
    if chosen is None:
        return "没有这个选项。" + _type_menu()
    _go(conversation, "content", request_type=chosen.code, type_name=chosen.name)
    return "请用一段话描述您的诉求：发生了什么、在哪里、希望如何解决（不超过5000字）。"


def _content(conversation: Conversation, text: str) -> str:
    if len(text) < 5:
        return "描述太短了，请具体说明发生了什么（至少5个字）。"
    if len(text) > 5000:
        return f"诉求内容不能超过5000字（当前{len(text)}字），请精简后重新发送。"
    _go(conversation, "address", content=text)
    return "请回复事情发生的地址（如：某某区某某路12号）；没有具体地址请回复“无”。"


def _address(conversation: Conversation, text: str) -> str:
    address = "" if text in ("无", "没有") else text
    if len(address) > 200:
        return "地址不能超过200字，请精简后重新发送。"
    _go(conversation, "confirm", address=address)
    draft = _draft(conversation)
    return (
        f"请确认：\n类型：{draft['type_name']}\n地址：{address or '无'}\n"
        f"内容：{draft['content'][:200]}\n回复 1 确认提交，回复 0 取消。"
    )


def _confirm(conversation: Conversation, text: str) -> str:
    if text not in ("1", "确认"):
        return "回复 1 确认提交，回复 0 取消。"
    draft = _draft(conversation)
    data = Submission(
        request_type=draft["request_type"],
        title=draft["content"][:30],
        content=draft["content"],
        address=draft.get("address", ""),
        channel=Channel.WECHAT,
        anonymous=True,
    )
    try:
        ticket, password = ticket_submit(data=data, actor=Actor())
    except DomainError as exc:
        _go(conversation, "")
        return f"提交失败：{exc.message}\n" + MENU
    assert password is not None  # anonymous submissions always get one
    Filing.objects.create(
        conversation=conversation,
        tracking_code=ticket.tracking_code,
        password=password,
        created_at=clock.now(),
    )
    _go(conversation, "")
    return (
        f"您的诉求已提交。\n查询码：{ticket.display_code}\n查询密码：{password}\n"
        f"{deadline_text(ticket)}\n请妥善保存查询密码；回复 2 可随时查询进度。"
    )


def _client(conversation: Conversation) -> str:
    # The tracking lookup's per-client limit counts per follower, not per WeChat server.
    return f"wechat:{conversation.openid_index[:32]}"


def _describe(ticket: Ticket) -> str:
    line = f"{ticket.display_code}：{Status(ticket.status).label}"
    extra = deadline_text(ticket)
    return f"{line}（{extra}）" if extra else line


def _my_requests(conversation: Conversation) -> str:
    lines = []
    for filing in conversation.filings.all()[:5]:
        try:
            ticket, _ = ticket_for_citizen(
                raw_code=filing.tracking_code, password=filing.password, ip=_client(conversation)
            )
        except DomainError as exc:
            lines.append(f"{filing.tracking_code}：{exc.message}")
            continue
        lines.append(_describe(ticket))
    mine = ("您在公众号提交的诉求：\n" + "\n".join(lines) + "\n") if lines else ""
    return mine + "查询其他诉求，请回复：查询码 查询密码（中间用空格隔开）。"


def _track(conversation: Conversation, text: str) -> str:
    parts = text.split(" ")
    if len(parts) != 2:
        return "请回复：查询码 查询密码（中间用空格隔开），回复 0 退出查询。"
    try:
        ticket, _ = ticket_for_citizen(
            raw_code=parts[0], password=parts[1], ip=_client(conversation)
        )
    except DomainError as exc:
        return f"{exc.message}。回复 0 退出查询。"
    _go(conversation, "")
    reply = _describe(ticket)
    replied = ticket.status in (Status.PUBLISHED, Status.CLOSED, Status.ARCHIVED)
    published = selectors.published_reply(ticket) if replied else None
    if published is not None:
        reply += f"\n答复：{published.public_reply[:300]}"
    return reply + f"\n详情：{settings.SITE_URL}/track/"


def _ask(conversation: Conversation, text: str) -> str:
    try:
        result = answer(text)
    except DomainError as exc:
        return exc.message
    _go(conversation, "")
    links = [f"《{s['title']}》{settings.SITE_URL}{s['url']}" for s in result["sources"]]
    tail = "\n".join(links)
    return result["answer"] + ("\n" + tail if tail else "") + "\n回复 1 可转为诉求提交。"


STEPS = {
    "idle": _idle,
    "type": _type,
    "content": _content,
    "address": _address,
    "confirm": _confirm,
    "track": _track,
    "ask": _ask,
}
