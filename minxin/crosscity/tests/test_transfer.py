"""A request transferred to another city (here: a peer under our own code, one database):
signed, sealed, taken once, refused when altered, and its progress flowing back."""

from __future__ import annotations

import json

import pytest

from conftest import staff_token
from minxin.core.errors import Conflict, PermissionDenied
from minxin.crosscity import seal, services
from minxin.crosscity.models import Message, Received, Transfer
from minxin.crosscity.tests.helpers import carry, mirror_peer, post
from minxin.supervision.models import SupervisionOrder
from minxin.tickets import services as svc
from minxin.tickets.actors import Actor
from minxin.tickets.models import Channel, Status, Ticket
from minxin.tickets.selectors import public_timeline
from minxin.tickets.tests.helpers import submit, to_signed
from minxin.tickets.timeline import citizen_timeline

pytestmark = pytest.mark.django_db
PHONE = "13800138000"


@pytest.fixture
def peer(city):
    return mirror_peer()


def _send(staff, ticket: Ticket) -> Transfer:
    return services.transfer_send(
        ticket_id=ticket.pk,
        peer_code="local",
        actor=Actor.staff(staff["intake"]),
        reason="事发地在邻市",
    )


def _arrived(transfer: Transfer) -> Ticket:
    return Transfer.objects.get(uid=transfer.uid, direction="in").ticket


def test_a_transferred_request_arrives_with_its_history_and_contact(client, city, staff, peer):
    origin, _ = submit(city, phone=PHONE)
    svc.ticket_accept(ticket_id=origin.pk, actor=Actor.staff(staff["intake"]))
    transfer = _send(staff, origin)

    origin.refresh_from_db()
    assert origin.status == Status.CLOSED
    assert "已转至邻市办理" in [e["text"] for e in citizen_timeline(public_timeline(origin))]
    message = Message.objects.get(kind="transfer")
    assert PHONE not in message.body
    assert "张三" not in message.body
    body = json.loads(message.body)["body"]
    assert [e["text"] for e in body["timeline"]] == ["诉求已提交", "诉求已受理"]

    answer = carry(client)[0].json()
    arrived = _arrived(transfer)
    assert answer["tracking_code"] == arrived.tracking_code != origin.tracking_code
    assert arrived.status == Status.SUBMITTED
    assert arrived.channel == Channel.API
    assert (arrived.submitter_phone, arrived.submitter_name) == (PHONE, "张三")
    assert (arrived.title, arrived.category_id) == (origin.title, origin.category_id)
    link = Transfer.objects.get(uid=transfer.uid, direction="in")
    assert link.remote_code == origin.tracking_code
    assert [e["text"] for e in link.origin["timeline"]][:2] == ["诉求已提交", "诉求已受理"]
    assert arrived.events.filter(action="transfer_in").exists()

    # The API declares what came with it: the origin's matter and public steps, no contact.
    token = {"HTTP_AUTHORIZATION": f"Bearer {staff_token(client, 'intake')}"}
    [received] = client.get(f"/api/v1/staff/requests/{arrived.pk}/transfers", **token).json()
    assert received["origin"]["tracking_code"] == origin.tracking_code
    assert received["origin"]["title"] == origin.title
    assert [s["text"] for s in received["origin"]["timeline"]][:2] == ["诉求已提交", "诉求已受理"]
    assert "sealed_contact" not in received["origin"]
    [sent] = client.get(f"/api/v1/staff/requests/{origin.pk}/transfers", **token).json()
    assert sent["origin"] is None


def test_progress_in_the_receiving_city_shows_on_the_origin_timeline(client, city, staff, peer):
    origin, _ = submit(city)
    transfer = _send(staff, origin)
    carry(client)  # the transfer, then the arrival's own step
    arrived = _arrived(transfer)
    to_signed(arrived, staff)
    carry(client)

    origin_transfer = Transfer.objects.get(uid=transfer.uid, direction="out")
    assert origin_transfer.remote_code == arrived.tracking_code
    shown = [e["text"] for e in citizen_timeline(public_timeline(origin))]
    assert shown[-3:] == [
        "邻市：诉求已受理",
        "邻市：已派遣至市住房和城乡建设局办理",
        "邻市：承办单位已签收",
    ]
    notes = list(origin.events.filter(action="transfer_progress").values_list("note", flat=True))
    assert any("状态：办理中" in n for n in notes)


def test_a_message_delivered_twice_is_taken_once(client, city, staff, peer):
    origin, _ = submit(city)
    transfer = _send(staff, origin)
    message = Message.objects.get(kind="transfer")
    first = post(client, message.body, message.signature)
    again = post(client, message.body, message.signature)
    assert first.status_code == again.status_code == 200
    assert again.json() == {**first.json(), "duplicate": True}
    assert Transfer.objects.filter(uid=transfer.uid, direction="in").count() == 1
    assert Ticket.objects.count() == 2


def test_a_tampered_message_is_refused_and_creates_nothing(client, city, staff, peer):
    origin, _ = submit(city)
    _send(staff, origin)
    message = Message.objects.get(kind="transfer")
    altered = message.body.replace("电梯", "水管")
    assert altered != message.body
    refused = post(client, altered, message.signature)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "bad_signature"
    assert "签名验证失败" in refused.json()["error"]["message"]
    assert post(client, message.body, "00" * 64).status_code == 401
    stranger = post(client, message.body, message.signature, city="elsewhere")
    assert stranger.status_code == 403
    assert stranger.json()["error"]["code"] == "unknown_city"
    assert Ticket.objects.count() == 1
    assert not Received.objects.exists()
    assert not Transfer.objects.filter(direction="in").exists()


def test_joint_supervision_opens_an_order_there_and_its_answer_comes_back(
    client, city, staff, peer
):
    origin, _ = submit(city)
    transfer = _send(staff, origin)
    carry(client)
    arrived = _arrived(transfer)
    services.joint_supervise(
        transfer_uid=str(transfer.uid), actor=Actor.staff(staff["supervisor"]), note="请加快处理"
    )
    carry(client)
    order = SupervisionOrder.objects.get(ticket=arrived)
    assert order.state == "open"
    assert "邻市联合督办：请加快处理" in order.note
    notes = list(origin.events.filter(action="transfer_progress").values_list("note", flat=True))
    assert any("督办" in n and "请加快处理" in n for n in notes)
    assert origin.events.filter(action="joint_supervise").exists()


def test_only_the_centre_transfers_and_only_before_a_unit_handles_it(city, staff, peer):
    ticket, _ = submit(city)
    with pytest.raises(PermissionDenied):
        services.transfer_send(
            ticket_id=ticket.pk, peer_code="local", actor=Actor.staff(staff["zhujian"]), reason="x"
        )
    to_signed(ticket, staff)
    with pytest.raises(Conflict):
        _send(staff, ticket)
    assert not Message.objects.exists()
    assert not Transfer.objects.exists()


def test_the_seal_opens_only_unaltered():
    sealed = seal.seal("张三 13800138000".encode(), seal.our_public_key())
    assert seal.unseal(sealed).decode() == "张三 13800138000"
    altered = sealed[:-2] + ("00" if sealed[-2:] != "00" else "11")
    with pytest.raises(seal.SealError):
        seal.unseal(altered)
    off_curve = "01" * 64 + sealed[128:]
    with pytest.raises(seal.SealError):
        seal.unseal(off_curve)
