"""Every staff endpoint against every persona: the wrong ones are refused, nothing changes."""

from __future__ import annotations

import pytest

from minxin.identity.services import citizen_token_issue
from minxin.tickets import cohandling
from minxin.tickets import services as svc
from minxin.tickets.actors import Actor
from minxin.tickets.models import Ticket
from minxin.tickets.tests.helpers import as_staff, submit, to_signed

pytestmark = pytest.mark.django_db

STAFF = [
    "intake",
    "reviewer",
    "callback",
    "supervisor",
    "leader",
    "oversight",
    "admin",
    "zhujian",
    "zhujian_head",
    "renshe",
]
PERSONAS = ["anonymous", "citizen", *STAFF]


def _replied(city, staff) -> Ticket:
    ticket, _ = submit(city)
    to_signed(ticket, staff)
    svc.ticket_reply(
        ticket_id=ticket.pk,
        actor=as_staff(staff["zhujian"]),
        facts="f",
        solved=True,
        public_reply="p",
    )
    return ticket


def _published(city, staff) -> Ticket:
    ticket = _replied(city, staff)
    svc.ticket_approve(ticket_id=ticket.pk, actor=as_staff(staff["reviewer"]))
    return ticket


def _closed(city, staff) -> Ticket:
    ticket = _published(city, staff)
    svc.ticket_rate(
        ticket_id=ticket.pk, actor=Actor.code_holder(ticket.tracking_code), satisfaction="satisfied"
    )
    return ticket


def _dispatched(city, staff) -> Ticket:
    ticket, _ = submit(city)
    svc.ticket_dispatch(
        ticket_id=ticket.pk, actor=as_staff(staff["intake"]), lead_unit_id=staff["zhujian"].unit_id
    )
    return ticket


def _signed(city, staff) -> Ticket:
    ticket, _ = submit(city)
    return to_signed(ticket, staff)


def _submitted(city, staff) -> Ticket:
    return submit(city)[0]


def _consultation(city, staff) -> Ticket:
    return submit(city, kind="consultation")[0]


def _co_dispatched(city, staff) -> Ticket:
    """Led by 住建局, with 人社局 co-handling."""
    ticket, _ = submit(city)
    svc.ticket_dispatch(
        ticket_id=ticket.pk,
        actor=as_staff(staff["intake"]),
        lead_unit_id=staff["zhujian"].unit_id,
        co_unit_ids=[staff["renshe"].unit_id],
    )
    return ticket


def _co_signed(city, staff) -> Ticket:
    ticket = _co_dispatched(city, staff)
    cohandling.co_part_sign(ticket_id=ticket.pk, actor=as_staff(staff["renshe"]))
    return ticket


def _co_returned(city, staff) -> Ticket:
    ticket = _co_dispatched(city, staff)
    cohandling.co_part_return(
        ticket_id=ticket.pk, actor=as_staff(staff["renshe"]), reason="非本单位职责"
    )
    return ticket


def _unit_review(city, staff) -> Ticket:
    unit = staff["zhujian"].unit
    unit.reply_approval = True
    unit.save(update_fields=["reply_approval"])
    return _replied(city, staff)


CASES = {
    "accept": (_submitted, {}, {"intake", "admin"}),
    "reject": (_submitted, {"reason": "不属受理范围"}, {"intake", "admin"}),
    "request-info": (_submitted, {"note": "请补充地址"}, {"intake", "admin"}),
    "answer": (_consultation, {"public_reply": "答复"}, {"intake", "admin"}),
    "dispatch": (_submitted, "lead", {"intake", "admin"}),
    "sign": (_dispatched, {}, {"zhujian", "zhujian_head"}),
    "return": (_dispatched, {"reason": "非本单位职责"}, {"zhujian", "zhujian_head"}),
    "reply": (
        _signed,
        {"facts": "f", "solved": True, "public_reply": "p"},
        {"zhujian", "zhujian_head"},
    ),
    "extensions": (_signed, {"days": 3, "reason": "协调中"}, {"zhujian", "zhujian_head"}),
    "approve": (_replied, {}, {"reviewer", "admin"}),
    "send-back": (_replied, {"note": "请补充"}, {"reviewer", "admin"}),
    "callback": (_published, {"satisfaction": "basic"}, {"callback", "admin"}),
    "close-unrated": (_published, {}, {"callback", "admin"}),
    "archive": (_closed, {}, {"callback", "intake", "admin"}),
    "merge": (_submitted, "into", {"intake", "admin"}),
    "co-sign": (_co_dispatched, {}, {"renshe"}),
    "co-opinion": (_co_signed, {"note": "已核查"}, {"renshe"}),
    "co-return": (_co_dispatched, {"reason": "非本单位职责"}, {"renshe"}),
    "co-decision": (_co_returned, "co_unit", {"intake", "admin"}),
    "unit-approve": (_unit_review, {"note": "同意"}, {"zhujian_head"}),
    "unit-send-back": (_unit_review, {"note": "请补充"}, {"zhujian_head"}),
}


def _headers(api, persona: str) -> dict:
    if persona == "anonymous":
        return {}
    if persona == "citizen":
        return {"headers": {"X-Citizen-Token": citizen_token_issue(phone="13800001111")}}
    return {"token": api.login(persona)}


@pytest.mark.parametrize("action", sorted(CASES))
def test_only_the_right_personas_may_act(api, city, staff, action):
    make, body, allowed = CASES[action]
    ticket = make(city, staff)
    if body == "lead":
        body = {"lead_unit_id": staff["zhujian"].unit_id}
    if body == "into":
        body = {"into_id": _submitted(city, staff).pk}
    if body == "co_unit":
        body = {"unit_id": staff["renshe"].unit_id, "keep": True}
    for persona in PERSONAS:
        if persona in allowed:
            continue
        before = Ticket.objects.get(pk=ticket.pk)
        response = api.post(f"/staff/requests/{ticket.pk}/{action}", body, **_headers(api, persona))
        assert response.status_code in (401, 403, 404), (persona, response.content)
        assert "error" in response.json()
        after = Ticket.objects.get(pk=ticket.pk)
        assert (after.status, after.version) == (before.status, before.version)
    for persona in sorted(allowed):
        fresh = make(city, staff)
        response = api.post(f"/staff/requests/{fresh.pk}/{action}", body, **_headers(api, persona))
        assert response.status_code == 200, (persona, response.content)


def test_extension_decisions_belong_to_the_dispatch_centre(api, city, staff):
    ticket = _signed(city, staff)
    ext = svc.ticket_request_extension(
        ticket_id=ticket.pk, actor=as_staff(staff["zhujian"]), days=3, reason="协调中"
    )
    for persona in ["anonymous", "citizen", "zhujian", "reviewer", "renshe", "leader"]:
        response = api.post(
            f"/staff/extensions/{ext.pk}/decision", {"approve": True}, **_headers(api, persona)
        )
        assert response.status_code in (401, 403, 404), persona
    ok = api.post(
        f"/staff/extensions/{ext.pk}/decision", {"approve": True}, token=api.login("intake")
    )
    assert ok.status_code == 200


def test_a_unit_sees_only_its_own_requests(api, city, staff):
    ticket = _dispatched(city, staff)
    other, _ = submit(city)
    for persona, visible in [
        ("zhujian", True),
        ("zhujian_head", True),
        ("renshe", False),
        ("oversight", False),
        ("leader", True),
        ("intake", True),
    ]:
        response = api.get(f"/staff/requests/{ticket.pk}", token=api.login(persona))
        assert (response.status_code == 200) == visible, persona
    unit_token = api.login("zhujian")
    assert api.get(f"/staff/requests/{other.pk}", token=unit_token).status_code == 404
    inbox = api.get("/staff/queues/inbox", token=unit_token).json()
    assert [t["id"] for t in inbox] == [ticket.pk]
    assert api.get("/staff/queues/inbox", token=api.login("renshe")).json() == []


def test_oversight_members_see_only_shared_cases(api, city, staff):
    from minxin.tickets.models import OversightShare

    ticket = _closed(city, staff)
    token = api.login("oversight")
    assert api.get(f"/staff/requests/{ticket.pk}", token=token).status_code == 404
    OversightShare.objects.create(ticket=ticket, member=staff["oversight"])
    shown = api.get(f"/staff/requests/{ticket.pk}", token=token)
    assert shown.status_code == 200
    assert api.post(f"/staff/requests/{ticket.pk}/archive", token=token).status_code == 403


@pytest.mark.parametrize("path", ["/staff/queues/intake", "/staff/requests/1"])
def test_staff_reads_need_a_staff_token(api, city, path):
    for persona in ("anonymous", "citizen"):
        response = api.get(path, **_headers(api, persona))
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"


def test_citizen_endpoints_refuse_strangers(api, city, staff):
    ticket = _published(city, staff)
    stranger = {"X-Citizen-Token": citizen_token_issue(phone="13900000000")}
    assert (
        api.post(
            f"/requests/{ticket.tracking_code}/rating",
            {"satisfaction": "satisfied"},
            headers=stranger,
        ).status_code
        == 404
    )
    assert api.get("/me/requests").status_code == 403
    assert (
        api.post(
            f"/requests/{ticket.tracking_code}/supplement",
            {"note": "x"},
        ).status_code
        == 404
    )


def test_bad_credentials_and_lockout(api, city):
    for _ in range(5):
        bad = api.post("/auth/token", {"username": "intake", "password": "wrong"})
        assert bad.status_code == 401
    locked = api.post("/auth/token", {"username": "intake", "password": "minxin-demo-2026"})
    assert locked.status_code == 429
