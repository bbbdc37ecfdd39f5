"""The workbench inbox: a unit's messages with the unread count in the header, marking
them read, and nobody reading or marking another unit's messages."""

from __future__ import annotations

from minxin.notify.models import InboxMessage
from minxin.tickets import services as svc
from minxin.tickets.tests.helpers import as_staff
from minxin.workbench.tests.helpers import as_user, new_ticket


def dispatched_message(city, staff) -> InboxMessage:  # type: ignore[no-untyped-def]
    ticket = new_ticket(city)
    svc.ticket_dispatch(
        ticket_id=ticket.pk, actor=as_staff(staff["intake"]), lead_unit_id=staff["zhujian"].unit_id
    )
    return InboxMessage.objects.get(unit=staff["zhujian"].unit, ticket=ticket)


def test_the_unit_sees_the_dispatch_message_and_the_unread_count(client, city, staff):
    message = dispatched_message(city, staff)
    as_user(client, staff["zhujian"])
    home = client.get("/staff/").content.decode()
    assert '<span class="count">1</span><span class="sr-only">条未读</span>' in home
    page = client.get("/staff/inbox/").content.decode()
    assert message.text in page
    assert "未读" in page
    assert f"/staff/requests/{message.ticket_id}/" in page


def test_marking_one_message_read(client, city, staff):
    message = dispatched_message(city, staff)
    as_user(client, staff["zhujian_head"])  # the head reads the unit's messages too
    response = client.post("/staff/inbox/read/", {"message": [message.pk]})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.read_at is not None
    page = client.get("/staff/inbox/").content.decode()
    assert "已将1条消息标为已读" in page
    assert 'class="count"' not in page
    assert message.text not in client.get("/staff/inbox/?unread=1").content.decode()


def test_marking_all_read_touches_only_the_users_own(client, city, staff):
    mine = dispatched_message(city, staff)
    other = InboxMessage.objects.create(
        unit=staff["renshe"].unit,
        event="warning",
        text="人社",
        idempotency_key="t:1",
        created_at=mine.created_at,
    )
    as_user(client, staff["zhujian"])
    assert client.post("/staff/inbox/read/", {"all": "1"}).status_code == 302
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.read_at is not None
    assert other.read_at is None


def test_another_units_message_is_not_found(client, city, staff):
    message = dispatched_message(city, staff)
    as_user(client, staff["renshe"])
    assert message.text not in client.get("/staff/inbox/").content.decode()
    assert client.post("/staff/inbox/read/", {"message": [message.pk]}).status_code == 404
    message.refresh_from_db()
    assert message.read_at is None


def test_oversight_member_sees_no_unit_messages(client, city, staff):
    message = dispatched_message(city, staff)
    as_user(client, staff["oversight"])
    assert message.text not in client.get("/staff/inbox/").content.decode()
    assert client.post("/staff/inbox/read/", {"message": [message.pk]}).status_code == 404


def test_nothing_chosen_and_forged_ids_are_form_errors(client, city, staff):
    dispatched_message(city, staff)
    as_user(client, staff["zhujian"])
    response = client.post("/staff/inbox/read/", {}, follow=True)
    assert "请选择消息" in response.content.decode()
    response = client.post("/staff/inbox/read/", {"message": ["1" * 30]}, follow=True)
    assert "消息无效" in response.content.decode()


def test_inbox_needs_login_and_post(client, city, staff):
    assert client.get("/staff/inbox/").status_code == 302
    assert client.post("/staff/inbox/read/", {"all": "1"}).status_code == 302
    as_user(client, staff["zhujian"])
    assert client.get("/staff/inbox/read/").status_code == 405
