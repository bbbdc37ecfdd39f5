"""Tracking a request: lookup, the public timeline, rating, supplements, my requests."""

from __future__ import annotations

import pytest

from minxin.portal.tests.helpers import sms_code
from minxin.tickets import services as svc
from minxin.tickets.models import Status, Ticket
from minxin.tickets.tests.helpers import as_staff, submit, to_signed

pytestmark = pytest.mark.django_db
PHONE = "13900139000"


def publish(ticket: Ticket, staff: dict) -> Ticket:
    """Walk a request to a published reply with the services, as staff would."""
    to_signed(ticket, staff)
    svc.ticket_reply(
        ticket_id=ticket.pk,
        actor=as_staff(staff["zhujian"]),
        facts="现场核实属实",
        solved=True,
        public_reply="电梯已于本周修复，感谢您的监督。",
    )
    return svc.ticket_approve(ticket_id=ticket.pk, actor=as_staff(staff["reviewer"]))


def look_up(client, ticket: Ticket, password: str):
    return client.post(
        "/track/", {"tracking_code": ticket.display_code.lower(), "password": password}
    )


def test_a_wrong_password_is_refused(client, city):
    ticket, password = submit(city)
    wrong = "000000" if password != "000000" else "111111"
    response = look_up(client, ticket, wrong)
    html = response.content.decode()
    assert response.status_code == 200
    assert "查询码或查询密码不正确" in html
    assert 'role="alert"' in html
    assert ticket.title not in html
    assert client.get(f"/track/{ticket.tracking_code}/").status_code == 302


def test_a_malformed_code_is_named_at_the_code_field(client, city):
    html = client.post("/track/", {"tracking_code": "ABC", "password": "123456"}).content.decode()
    assert 'id="id_tracking_code_error"' in html
    assert "查询码格式不正确" in html


def test_tracking_keeps_the_proof_in_the_session_not_the_url(client, city):
    ticket, password = submit(city)
    response = look_up(client, ticket, password)
    assert response.status_code == 302
    assert password not in response["Location"]
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert ticket.title in html
    assert "待受理" in html
    assert "将在" in html
    assert "提交诉求" in html
    assert "no-store" in page["Cache-Control"]
    assert client.get(response["Location"]).status_code == 200  # a refresh still works


def test_a_published_reply_can_be_read_and_rated(client, city, staff):
    ticket, password = submit(city)
    publish(ticket, staff)
    look_up(client, ticket, password)
    html = client.get(f"/track/{ticket.tracking_code}/").content.decode()
    assert "电梯已于本周修复" in html
    assert "评价办理结果" in html
    assert 'value="satisfied"' in html
    assert 'value="basic"' in html
    assert 'value="unsatisfied"' in html

    missing = client.post(f"/track/{ticket.tracking_code}/rate/", {}).content.decode()
    assert 'id="id_satisfaction_error"' in missing
    assert "请选择满意" in missing

    response = client.post(
        f"/track/{ticket.tracking_code}/rate/", {"satisfaction": "satisfied", "comment": "处理及时"}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert ticket.rating_comment == "处理及时"
    html = client.get(response["Location"]).content.decode()
    assert "感谢您的评价" in html
    assert "评价办理结果" not in html


def test_unsatisfied_reopens_the_request(client, city, staff):
    ticket, password = submit(city)
    publish(ticket, staff)
    look_up(client, ticket, password)
    client.post(f"/track/{ticket.tracking_code}/rate/", {"satisfaction": "unsatisfied"})
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED
    assert ticket.reopen_count == 1


def test_no_rating_form_before_a_reply_is_published(client, city):
    ticket, password = submit(city)
    look_up(client, ticket, password)
    assert "评价办理结果" not in client.get(f"/track/{ticket.tracking_code}/").content.decode()
    client.post(f"/track/{ticket.tracking_code}/rate/", {"satisfaction": "satisfied"})
    ticket.refresh_from_db()
    assert ticket.status == Status.SUBMITTED


def test_material_can_be_supplemented_when_asked(client, city, staff):
    ticket, password = submit(city)
    svc.ticket_request_info(
        ticket_id=ticket.pk, actor=as_staff(staff["intake"]), note="请补充电梯停运的具体楼栋和单元"
    )
    look_up(client, ticket, password)
    html = client.get(f"/track/{ticket.tracking_code}/").content.decode()
    assert "请补充材料" in html
    assert "具体楼栋和单元" in html
    response = client.post(f"/track/{ticket.tracking_code}/supplement/", {"note": "3号楼2单元"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.SUBMITTED


def test_another_visitor_cannot_open_a_request_by_its_code_alone(client, city):
    ticket, _ = submit(city)
    response = client.get(f"/track/{ticket.tracking_code}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/track/?code=")
    assert (
        client.post(
            f"/track/{ticket.tracking_code}/rate/", {"satisfaction": "satisfied"}
        ).status_code
        == 302
    )


def test_my_requests_lists_a_verified_phones_requests(client, city):
    mine, _ = submit(city, phone=PHONE, title="我的电梯诉求")
    submit(city, phone="13700137000", title="别人的诉求")
    assert client.get("/track/mine/").status_code == 302
    client.post("/track/phone/", {"phone": PHONE, "action": "send_code"})
    response = client.post(
        "/track/phone/", {"phone": PHONE, "code": sms_code(PHONE), "action": "verify"}
    )
    assert response["Location"] == "/track/mine/"
    html = client.get("/track/mine/").content.decode()
    assert "我的电梯诉求" in html
    assert "别人的诉求" not in html
    assert mine.display_code in html
    assert "139****9000" in html
    detail = client.get(f"/track/{mine.tracking_code}/").content.decode()
    assert "我的电梯诉求" in detail


def test_signing_out_forgets_every_proof(client, city):
    ticket, password = submit(city)
    look_up(client, ticket, password)
    client.post("/track/signout/")
    assert client.get(f"/track/{ticket.tracking_code}/").status_code == 302


def plant_session(client) -> str:
    """A session id the attacker made and got onto the victim's browser."""
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store["planted"] = True
    store.create()
    client.cookies["sessionid"] = store.session_key
    return store.session_key


def test_proving_a_tracking_password_renews_the_session_key(client, city):
    # Finding 8: a session id planted on the victim's browser must not pick up their access.
    from django.test import Client

    ticket, password = submit(city)
    planted = plant_session(client)
    look_up(client, ticket, password)
    assert client.cookies["sessionid"].value != planted
    assert client.get(f"/track/{ticket.tracking_code}/").status_code == 200
    attacker = Client()
    attacker.cookies["sessionid"] = planted
    assert attacker.get(f"/track/{ticket.tracking_code}/").status_code == 302


def test_proving_a_phone_by_sms_renews_the_session_key(client, city):
    planted = plant_session(client)
    client.post("/track/phone/", {"phone": PHONE, "action": "send_code"})
    client.post("/track/phone/", {"phone": PHONE, "code": sms_code(PHONE), "action": "verify"})
    assert client.cookies["sessionid"].value != planted


def test_a_real_name_request_is_tracked_with_an_sms_code_and_no_password(client, city):
    ticket, password = submit(city, phone=PHONE, title="我的路灯诉求")
    assert password is None
    page = client.get(f"/track/?code={ticket.display_code}").content.decode()
    assert "实名提交的没有查询密码，不用填" in page
    assert "短信验证码" in page
    # Code alone, on another browser: no password is asked, the phone form takes over.
    html = client.post("/track/", {"tracking_code": ticket.display_code}).content.decode()
    assert "实名提交的不用查询密码" in html
    assert f'name="tracking_code" value="{ticket.display_code}"' in html
    assert ticket.title not in html
    client.post("/track/phone/", {"phone": PHONE, "action": "send_code"})
    response = client.post(
        "/track/phone/",
        {
            "phone": PHONE,
            "code": sms_code(PHONE),
            "tracking_code": ticket.display_code,
            "action": "verify",
        },
    )
    assert response["Location"] == f"/track/{ticket.tracking_code}/"
    assert ticket.title in client.get(response["Location"]).content.decode()
    # Now the code alone opens it, as the help text says.
    again = client.post("/track/", {"tracking_code": ticket.display_code})
    assert again["Location"] == f"/track/{ticket.tracking_code}/"
