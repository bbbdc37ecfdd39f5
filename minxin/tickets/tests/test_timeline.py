"""What the citizen reads of each step: a fixed wording per action plus only the text staff
wrote for the citizen; staff read everything, marked with what the citizen saw."""

from __future__ import annotations

import html
import json
import re

import pytest

from minxin.notify.models import SmsMessage
from minxin.tickets import services as svc
from minxin.tickets.actions import Action
from minxin.tickets.actors import Actor
from minxin.tickets.display import event_dict
from minxin.tickets.models import Satisfaction, Ticket
from minxin.tickets.selectors import public_timeline
from minxin.tickets.tests.helpers import as_staff, submit, to_signed
from minxin.tickets.timeline import CITIZEN_WORDING, citizen_text, record

pytestmark = pytest.mark.django_db
PHONE = "13900137000"


def citizen_page(client, ticket: Ticket, password: str) -> str:
    client.post("/track/", {"tracking_code": ticket.display_code, "password": password})
    response = client.get(f"/track/{ticket.tracking_code}/")
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def citizen_api(api, ticket: Ticket, password: str) -> dict:
    response = api.get(f"/requests/{ticket.tracking_code}", headers={"X-Query-Password": password})
    assert response.status_code == 200, response.content
    return response.json()


def texts(answer: dict) -> list[str]:
    return [e["text"] for e in answer["timeline"]]


def reply(ticket: Ticket, staff: dict, facts: str = "现场核实属实") -> None:
    svc.ticket_reply(
        ticket_id=ticket.pk,
        actor=as_staff(staff["zhujian"]),
        facts=facts,
        solved=True,
        public_reply="电梯已于本周修复，感谢您的监督。",
    )


def test_each_step_reads_in_its_fixed_wording_and_internal_notes_stay_out(client, api, city, staff):
    ticket, password = submit(city)
    intake, reviewer = as_staff(staff["intake"]), as_staff(staff["reviewer"])
    svc.ticket_accept(ticket_id=ticket.pk, actor=intake, note="受理意见：属实，优先办理")
    # Co-handling units are walked by test_timeline_leaks (a co-part holds up the reply).
    svc.ticket_dispatch(
        ticket_id=ticket.pk,
        actor=intake,
        note="请住建局牵头核查",
        lead_unit_id=city["units"]["zhujian"].pk,
    )
    svc.ticket_sign(ticket_id=ticket.pk, actor=as_staff(staff["zhujian"]))
    reply(ticket, staff)
    svc.ticket_send_back(ticket_id=ticket.pk, actor=reviewer, note="答复过于简单，请补充维修时间")
    reply(ticket, staff)
    svc.ticket_approve(ticket_id=ticket.pk, actor=reviewer, note="答复内容完整，同意公开")

    answer = citizen_api(api, ticket, password)
    assert texts(answer) == [
        "诉求已提交",
        "诉求已受理",
        "已派遣至市住房和城乡建设局办理",
        "承办单位已签收",
        "答复正在完善，承办单位重新办理",
        "答复已公开",
    ]
    page = citizen_page(client, ticket, password)
    for shown in texts(answer):
        assert shown in page
    body = json.dumps(answer, ensure_ascii=False)
    for internal in (
        "受理意见",
        "请住建局牵头核查",
        "答复过于简单",
        "答复内容完整",
        "现场核实属实",
        "主办：",
    ):
        assert internal not in page
        assert internal not in body
    assert "电梯已于本周修复" in page
    assert answer["reply"]["public_reply"].startswith("电梯已于")


def test_text_addressed_to_the_citizen_reaches_the_page_the_api_and_the_sms(
    client, api, city, staff
):
    ticket, _ = submit(city, phone=PHONE)
    intake = as_staff(staff["intake"])
    svc.ticket_request_info(ticket_id=ticket.pk, actor=intake, note="请补充电梯停运的照片")
    sms = SmsMessage.objects.filter(ticket_id=ticket.pk, event="pending_info").get()
    assert "请补充电梯停运的照片" in sms.text
    svc.ticket_supplement(ticket_id=ticket.pk, actor=Actor.citizen(PHONE), note="照片已上传")
    svc.ticket_reject(ticket_id=ticket.pk, actor=intake, reason="该事项属于司法程序，请向法院反映")
    sms = SmsMessage.objects.filter(ticket_id=ticket.pk, event="rejected").get()
    assert "该事项属于司法程序" in sms.text

    answer = api.get(
        f"/requests/{ticket.tracking_code}", headers={"X-Citizen-Token": citizen_token()}
    ).json()
    assert texts(answer)[1:] == [
        "需要您补充材料：请补充电梯停运的照片",
        "您已补充材料：照片已上传",
        "不予受理：该事项属于司法程序，请向法院反映",
    ]
    assert answer["timeline"][-1]["public_note"] == "该事项属于司法程序，请向法院反映"


def citizen_token() -> str:
    from minxin.identity.services import citizen_token_issue

    return citizen_token_issue(phone=PHONE)


def test_the_supplement_panel_names_what_was_asked(client, city, staff):
    ticket, password = submit(city)
    svc.ticket_request_info(
        ticket_id=ticket.pk, actor=as_staff(staff["intake"]), note="请补充小区名称"
    )
    page = citizen_page(client, ticket, password)
    assert "工作人员需要您补充：请补充小区名称" in page


def test_an_approved_extension_names_the_new_deadline_and_a_refused_one_is_not_shown(
    api, city, staff
):
    ticket, password = submit(city)
    to_signed(ticket, staff)
    unit, intake = as_staff(staff["zhujian"]), as_staff(staff["intake"])
    ext = svc.ticket_request_extension(
        ticket_id=ticket.pk, actor=unit, days=3, reason="需协调供电部门"
    )
    svc.ticket_decide_extension(extension_id=ext.pk, actor=intake, approve=True, note="同意")
    ext = svc.ticket_request_extension(ticket_id=ticket.pk, actor=unit, days=2, reason="再延")
    svc.ticket_decide_extension(extension_id=ext.pk, actor=intake, approve=False, note="不同意")
    ticket.refresh_from_db()
    due = ticket.due_at.astimezone()
    shown = texts(citizen_api(api, ticket, password))
    assert shown[-1] == f"办理期限已延长至{due.year}年{due.month}月{due.day}日"
    assert sum("延" in s for s in shown) == 1


def test_unsatisfied_reopens_in_its_wording_and_a_callback_record_stays_internal(
    client, api, city, staff
):
    ticket, password = submit(city)
    to_signed(ticket, staff)
    reply(ticket, staff)
    svc.ticket_approve(ticket_id=ticket.pk, actor=as_staff(staff["reviewer"]))
    svc.ticket_rate(
        ticket_id=ticket.pk,
        actor=Actor.code_holder(ticket.tracking_code),
        satisfaction=Satisfaction.UNSATISFIED,
        comment="电梯还是坏的",
    )
    svc.ticket_sign(ticket_id=ticket.pk, actor=as_staff(staff["zhujian"]))
    reply(ticket, staff)
    svc.ticket_approve(ticket_id=ticket.pk, actor=as_staff(staff["reviewer"]))
    svc.ticket_rate(
        ticket_id=ticket.pk,
        actor=as_staff(staff["callback"]),
        satisfaction=Satisfaction.BASIC,
        comment="电话回访：诉求人语气不满",
    )
    shown = texts(citizen_api(api, ticket, password))
    assert "不满意，已重新办理" in shown
    assert shown[-1] == "已评价：基本满意"
    page = citizen_page(client, ticket, password)
    assert "电话回访" not in page
    assert "语气不满" not in page
    assert "基本满意" in page


def test_an_action_without_a_wording_is_internal(city, staff):
    ticket, _ = submit(city)
    event = record(
        ticket,
        actor=as_staff(staff["zhujian"]),
        action="co_opinion",
        note="协办意见：已现场查看",
        public_note="不应出现",
    )
    assert "co_opinion" not in CITIZEN_WORDING
    assert citizen_text(event) is None
    assert not event.public
    assert not ticket.events.filter(action="co_opinion", public=True).exists()


def test_every_action_the_table_does_not_word_stays_off_the_citizens_timeline(city, staff):
    ticket, _ = submit(city)
    hidden = [a for a in Action if a not in CITIZEN_WORDING]
    assert {"return", "reply", "request_extension", "supervise", "reveal_contact"} <= set(hidden)
    for action in hidden:
        event = record(ticket, actor=as_staff(staff["intake"]), action=action, note="内部")
        assert citizen_text(event) is None, action
    assert list(public_timeline(ticket).values_list("action", flat=True)) == ["submit"]


def test_a_step_recorded_as_internal_is_hidden_even_when_its_action_has_a_wording(city, staff):
    ticket, _ = submit(city)
    event = record(
        ticket, actor=as_staff(staff["intake"]), action="merge", public=False, note="诉求X并入本件"
    )
    assert citizen_text(event) is None


def test_staff_read_the_internal_note_and_what_the_citizen_saw(client, api, city, staff):
    ticket, _ = submit(city)
    intake = as_staff(staff["intake"])
    svc.ticket_accept(ticket_id=ticket.pk, actor=intake, note="受理意见：优先")
    svc.ticket_dispatch(
        ticket_id=ticket.pk,
        actor=intake,
        note="请牵头核查",
        lead_unit_id=city["units"]["zhujian"].pk,
    )
    svc.ticket_return(ticket_id=ticket.pk, actor=as_staff(staff["zhujian"]), reason="不属本单位")
    events = {e["action"]: e for e in (event_dict(ev) for ev in ticket.events.all())}
    assert events["dispatch"]["citizen_text"] == "已派遣至市住房和城乡建设局办理"
    assert "请牵头核查" in events["dispatch"]["note"]
    assert events["return"]["citizen_text"] is None
    assert events["return"]["note"] == "不属本单位"

    token = api.login("intake")
    timeline = api.get(f"/staff/requests/{ticket.pk}", token=token).json()["timeline"]
    assert timeline[2]["citizen_text"] == "已派遣至市住房和城乡建设局办理"
    assert timeline[2]["public_note"] == "市住房和城乡建设局"

    client.force_login(staff["intake"])
    page = html.unescape(client.get(f"/staff/requests/{ticket.pk}/").content.decode())
    assert "受理意见：优先" in page
    assert "请牵头核查" in page
    assert "不属本单位" in page
    assert "诉求人看到" in page
    assert "已派遣至市住房和城乡建设局办理" in page


def page_text(client, url: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", client.get(url).content.decode()))


def test_the_workbench_forms_say_who_reads_each_note(client, city, staff):
    ticket, _ = submit(city)
    client.force_login(staff["intake"])
    page = page_text(client, f"/staff/requests/{ticket.pk}/")
    assert "不予受理的理由（将告知诉求人）" in page
    assert "需要补充的材料（将告知诉求人" in page
    assert re.search(r"受理意见（可选）\s*内部，诉求人看不到", page)
    assert re.search(r"派遣说明（可选）\s*内部，诉求人只看到主办单位名称", page)
    to_signed(ticket, staff)
    client.force_login(staff["zhujian"])
    page = page_text(client, f"/staff/requests/{ticket.pk}/")
    for label in ("调查核实情况", "未解决原因（未解决时必填）", "延期理由"):
        assert re.search(label + r"\s*内部，诉求人看不到", page), label


def test_the_api_schema_says_which_fields_the_citizen_reads(client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schema["RejectIn"]["properties"]["reason"]["description"].endswith("（将告知诉求人）")
    assert schema["RequestInfoIn"]["properties"]["note"]["description"].endswith("（将告知诉求人）")
    for name, field in (
        ("NoteIn", "note"),
        ("ReasonIn", "reason"),
        ("DispatchIn", "note"),
        ("MergeIn", "note"),
        ("DecisionIn", "note"),
        ("ExtensionIn", "reason"),
        ("StaffRatingIn", "comment"),
    ):
        assert "诉求人看不到" in schema[name]["properties"][field]["description"], name
    assert "note" not in schema["CitizenEventOut"]["properties"]
