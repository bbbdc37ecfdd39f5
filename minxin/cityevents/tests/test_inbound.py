"""The city operations centre's calls, signed and sent over HTTP to a live server."""

from __future__ import annotations

import dataclasses
import time

import pytest
from django.core.management import call_command

from minxin.cityevents.models import CityEvent, Client, EventType, Nonce
from minxin.cityevents.services import client_create
from minxin.cityevents.tests.centre import Centre
from minxin.tickets.models import Channel, Ticket

EVENTS = "/api/v1/cityevents/events"
LINKS = "/api/v1/cityevents/links"


@pytest.fixture
def centre(live_server, transactional_db, city) -> Centre:  # type: ignore[no-untyped-def]
    EventType.objects.create(
        code="road_damage",
        name="道路破损",
        request_type=city["types"]["complaint"],
        category=city["category"],
    )
    client, secret = client_create(name="城市运行管理中心")
    return Centre(base=live_server.url, key=client.key, secret=secret)


def event(event_id: str = "EV-2026-0001", **changes: object) -> dict:
    return {
        "event_id": event_id,
        "event_type": "road_damage",
        "title": "南湖街道人行道破损",
        "content": "巡查发现南湖街道某路段人行道地砖破损，存在绊倒风险。",
        "district_code": "heping",
        "occurred_at": "2026-12-06T09:30:00+08:00",
        **changes,
    }


def test_an_event_becomes_one_request_however_often_it_is_sent(centre: Centre) -> None:
    status, first = centre.post(EVENTS, event())
    assert status == 201, first
    assert first["created"] is True
    ticket = Ticket.objects.get(tracking_code=first["tracking_code"])
    assert (ticket.channel, ticket.category.name, ticket.district.code) == (
        Channel.API,
        "物业管理",
        "heping",
    )
    status, again = centre.post(EVENTS, event(title="标题改了也还是同一事件"))
    assert status == 200, again
    assert (again["created"], again["tracking_code"]) == (False, first["tracking_code"])
    assert again["query_password"] is None
    assert Ticket.objects.count() == 1


def test_a_replayed_call_is_refused_and_changes_nothing(centre: Centre) -> None:
    call = centre.sign("POST", EVENTS, event())
    assert centre.send(call)[0] == 201
    status, body = centre.send(call)
    assert status == 409, body
    assert body["error"]["code"] == "replayed"
    # The same nonce on a new event is still a replay: nothing is created.
    replay = centre.sign("POST", EVENTS, event("EV-2"), nonce=call.headers["X-Minxin-Nonce"])
    assert centre.send(replay)[0] == 409
    assert (Ticket.objects.count(), CityEvent.objects.count()) == (1, 1)


def test_a_tampered_body_is_refused_and_changes_nothing(centre: Centre) -> None:
    call = centre.sign("POST", EVENTS, event())
    tampered = dataclasses.replace(
        call, body=call.body.replace("人行道".encode(), "车行道".encode())
    )
    status, body = centre.send(tampered)
    assert (status, body["error"]["code"]) == (401, "bad_signature")
    assert (Ticket.objects.count(), Nonce.objects.count()) == (0, 0)
    # The untouched call still goes through: the refused one spent nothing.
    assert centre.send(call)[0] == 201


def test_a_wrong_secret_or_a_revoked_client_is_refused(centre: Centre) -> None:
    forger = dataclasses.replace(centre, secret="ces_" + "0" * 64)
    assert forger.post(EVENTS, event())[1]["error"]["code"] == "bad_signature"
    Client.objects.update(revoked=True)
    status, body = centre.post(EVENTS, event())
    assert (status, body["error"]["code"]) == (401, "unknown_client")
    assert Ticket.objects.count() == 0


def test_a_stale_or_unsigned_call_is_refused(centre: Centre) -> None:
    stale = centre.sign("POST", EVENTS, event(), timestamp=str(int(time.time()) - 3600))
    status, body = centre.send(stale)
    assert (status, body["error"]["code"]) == (401, "stale_request")
    unsigned = centre.sign("POST", EVENTS, event())
    del unsigned.headers["X-Minxin-Signature"]
    status, body = centre.send(unsigned)
    assert (status, body["error"]["code"]) == (401, "unsigned")
    assert Ticket.objects.count() == 0


def test_an_unknown_event_type_or_district_is_refused_and_changes_nothing(centre: Centre) -> None:
    status, body = centre.post(EVENTS, event(event_type="ufo_sighting"))
    assert (status, body["error"]["code"], body["error"]["field"]) == (
        422,
        "unknown_event_type",
        "event_type",
    )
    status, body = centre.post(EVENTS, event(district_code="atlantis"))
    assert (status, body["error"]["code"]) == (422, "unknown_district")
    assert (Ticket.objects.count(), CityEvent.objects.count(), Nonce.objects.count()) == (0, 0, 0)


def test_an_event_is_linked_to_an_existing_request_once(centre: Centre) -> None:
    first = centre.post(EVENTS, event("EV-A"))[1]
    other = centre.post(EVENTS, event("EV-B"))[1]
    status, linked = centre.post(
        LINKS, {"event_id": "EV-C", "tracking_code": first["tracking_code"]}
    )
    assert (status, linked["how"], linked["tracking_code"]) == (
        201,
        "linked",
        first["tracking_code"],
    )
    again = centre.post(LINKS, {"event_id": "EV-C", "tracking_code": first["tracking_code"]})
    assert (again[0], again[1]["created"]) == (200, False)
    moved = centre.post(LINKS, {"event_id": "EV-C", "tracking_code": other["tracking_code"]})
    assert (moved[0], moved[1]["error"]["code"]) == (409, "already_linked")
    missing = centre.post(LINKS, {"event_id": "EV-D", "tracking_code": "ZZZZZZZZZZ"})
    assert missing[0] == 404
    assert CityEvent.objects.filter(how="linked").count() == 1
    status, state = centre.send(centre.sign("GET", "/api/v1/cityevents/events/EV-C"))
    assert (status, state["tracking_code"], state["status"]) == (
        200,
        first["tracking_code"],
        "submitted",
    )


def test_the_command_makes_a_client_whose_secret_signs(centre: Centre, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("cityevents-client", "create", "网格化平台")
    lines = dict(line.split(":", 1) for line in capsys.readouterr().out.splitlines()[:2])
    grid = dataclasses.replace(
        centre, key=lines["client key"].strip(), secret=lines["secret"].strip()
    )
    assert grid.post(EVENTS, event("GRID-1"))[0] == 201
    call_command("cityevents-client", "revoke", grid.key)
    assert grid.post(EVENTS, event("GRID-2"))[0] == 401


def test_an_event_is_a_staff_step_on_its_requests_timeline(centre: Centre) -> None:
    from minxin.tickets.selectors import full_timeline, public_timeline

    created = centre.post(EVENTS, event("EV-T1"))[1]
    ticket = Ticket.objects.get(tracking_code=created["tracking_code"])
    centre.post(LINKS, {"event_id": "EV-T2", "tracking_code": created["tracking_code"]})
    centre.post(LINKS, {"event_id": "EV-T2", "tracking_code": created["tracking_code"]})
    steps = [(e.action, e.note) for e in full_timeline(ticket).order_by("at", "id")]
    assert steps == [
        ("submit", "通过接口提交"),
        ("city_event", "城市运行管理中心事件 EV-T1（道路破损）生成本诉求"),
        ("city_event", "城市运行管理中心事件 EV-T2关联到本诉求"),  # once: the repeat adds none
    ]
    assert [e.action for e in public_timeline(ticket)] == ["submit"]


def test_a_link_refused_leaves_no_step(centre: Centre) -> None:
    first = centre.post(EVENTS, event("EV-R1"))[1]
    other = centre.post(EVENTS, event("EV-R2"))[1]
    centre.post(LINKS, {"event_id": "EV-R1", "tracking_code": other["tracking_code"]})
    ticket = Ticket.objects.get(tracking_code=other["tracking_code"])
    assert list(ticket.events.values_list("action", flat=True)) == ["submit", "city_event"]
    assert first["tracking_code"] != other["tracking_code"]
