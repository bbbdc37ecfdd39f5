"""The centre's own clocks (待受理, 已受理待派遣, 已退回待改派): yellow, red, and a supervision
order to the centre; by hand on any open request; overrides per category."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from minxin.core import clock
from minxin.notify.models import InboxMessage
from minxin.org.models import DeadlineOverride
from minxin.supervision.models import SupervisionOrder
from minxin.supervision.sweeps import sweep
from minxin.tickets import services as svc
from minxin.tickets.models import Stage, Status, Ticket
from minxin.tickets.tests.helpers import as_staff, submit
from minxin.workbench.tests.helpers import as_user

pytestmark = pytest.mark.django_db


def at(y: int, m: int, d: int, h: int = 10, mi: int = 0) -> dt.datetime:
    moment = timezone.make_aware(dt.datetime(y, m, d, h, mi))
    clock.freeze(moment)
    return moment


def fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def test_a_submitted_request_is_due_for_acceptance_within_four_working_hours(city, staff):
    at(2026, 11, 6, 15)  # a Friday afternoon: two office hours left, two on Monday
    ticket, _ = submit(city)
    assert ticket.stage == Stage.ACCEPT
    assert timezone.localtime(ticket.stage_due_at) == at(2026, 11, 9, 11)
    # The yellow warning falls at 80% of the time allowed, in clock time.
    assert ticket.stage_warn_at < ticket.stage_due_at


def test_an_unaccepted_request_warns_yellow_then_goes_red_with_an_order_to_the_centre(
    city, staff, api
):
    at(2026, 11, 2, 9)  # Monday
    ticket, _ = submit(city)
    at(2026, 11, 2, 12, 30)
    counts = sweep()
    assert counts["yellow"] == 1
    assert counts["red"] == 0
    warning = InboxMessage.objects.get(event="warning", ticket=ticket)
    assert warning.unit_id is None  # the centre's inbox
    at(2026, 11, 2, 13, 30)
    assert sweep()["red"] == 1
    assert sweep()["red"] == 0
    assert fresh(ticket).warn_level == 2
    assert InboxMessage.objects.filter(event="accept_overdue", ticket=ticket, unit=None).exists()
    order = SupervisionOrder.objects.get(ticket=ticket)
    assert (order.reason, order.unit_id, order.addressee) == ("overdue", None, "市民诉求受理中心")
    assert "受理超期" in order.note
    # The centre's intake staff see it and answer it; a unit's handler cannot.
    listed = api.get("/staff/supervision", token=api.login("intake")).json()
    assert [o["id"] for o in listed] == [order.pk]
    assert listed[0]["unit"] == "市民诉求受理中心"
    refused = api.post(
        f"/staff/supervision/{order.pk}/respond", {"response": "已受理"}, token=api.login("zhujian")
    )
    assert refused.status_code == 404
    answered = api.post(
        f"/staff/supervision/{order.pk}/respond",
        {"response": "今日已受理"},
        token=api.login("intake"),
    )
    assert answered.status_code == 200
    assert answered.json()["state"] == "responded"


def test_an_accepted_request_left_undispatched_is_swept_and_supervised(city, staff):
    at(2026, 11, 2, 9)
    ticket, _ = submit(city)
    svc.ticket_accept(ticket_id=ticket.pk, actor=as_staff(staff["intake"]))
    ticket = fresh(ticket)
    assert ticket.stage == Stage.DISPATCH
    assert timezone.localtime(ticket.stage_due_at) == at(2026, 11, 2, 13)
    at(2026, 11, 2, 12, 30)
    assert sweep()["yellow"] == 1
    at(2026, 11, 2, 13, 1)
    assert sweep()["red"] == 1
    assert InboxMessage.objects.filter(event="dispatch_overdue", ticket=ticket).exists()
    order = SupervisionOrder.objects.get(ticket=ticket)
    assert order.unit_id is None
    assert "派遣超期" in order.note
    events = list(fresh(ticket).events.values_list("action", flat=True))
    assert events.count("warning") == 1
    assert events.count("overdue") == 1
    assert "supervise" in events


def test_a_returned_request_gets_a_clock_for_its_redispatch(city, staff):
    at(2026, 11, 2, 9)
    ticket, _ = submit(city)
    intake = as_staff(staff["intake"])
    svc.ticket_dispatch(ticket_id=ticket.pk, actor=intake, lead_unit_id=staff["zhujian"].unit_id)
    at(2026, 11, 2, 15)
    svc.ticket_return(ticket_id=ticket.pk, actor=as_staff(staff["zhujian"]), reason="不属本单位")
    ticket = fresh(ticket)
    assert (ticket.status, ticket.stage) == (Status.RETURNED, Stage.DISPATCH)
    # Two office hours left on Monday, two on Tuesday.
    assert timezone.localtime(ticket.stage_due_at) == at(2026, 11, 3, 11)
    at(2026, 11, 3, 11, 30)
    assert sweep()["red"] == 1
    assert SupervisionOrder.objects.get(ticket=ticket).unit_id is None


def test_a_category_override_shortens_the_accept_and_dispatch_clocks(city, staff):
    DeadlineOverride.objects.create(
        request_type=city["types"]["complaint"],
        category=city["category"],
        accept_hours=1,
        dispatch_hours=2,
    )
    at(2026, 11, 2, 9)
    ticket, _ = submit(city)
    assert timezone.localtime(ticket.stage_due_at) == at(2026, 11, 2, 10)
    svc.ticket_accept(ticket_id=ticket.pk, actor=as_staff(staff["intake"]))
    assert timezone.localtime(fresh(ticket).stage_due_at) == at(2026, 11, 2, 12)


def test_a_paused_submitted_request_is_not_swept(city, staff):
    at(2026, 11, 2, 9)
    ticket, _ = submit(city)
    svc.ticket_request_info(ticket_id=ticket.pk, actor=as_staff(staff["intake"]), note="请补充地址")
    at(2026, 11, 20)
    assert sweep()["red"] == 0
    assert not SupervisionOrder.objects.exists()


def test_a_supervisor_supervises_an_overdue_request_never_dispatched_from_its_page(
    client, city, staff
):
    at(2026, 11, 2, 9)
    ticket, _ = submit(city)
    at(2026, 11, 3, 9)
    as_user(client, staff["supervisor"])
    page = client.get(f"/staff/requests/{ticket.pk}/").content.decode()
    assert f"/staff/requests/{ticket.pk}/supervise/" in page
    assert "当前状态下您没有可执行的操作" not in page
    response = client.post(f"/staff/requests/{ticket.pk}/supervise/", {"note": "请立即受理"})
    order = SupervisionOrder.objects.get(ticket=ticket, reason="manual")
    assert response.status_code == 302
    assert order.unit_id is None
    assert InboxMessage.objects.filter(event="supervision", unit=None, ticket=ticket).exists()
    page = client.get(f"/staff/supervision/{order.pk}/").content.decode()
    assert "市民诉求受理中心" in page
    as_user(client, staff["intake"])
    page = client.get(f"/staff/supervision/{order.pk}/").content.decode()
    assert f"/staff/supervision/{order.pk}/respond/" in page


def test_a_finished_request_cannot_be_supervised_by_hand(city, staff, api):
    at(2026, 11, 2, 9)
    ticket, _ = submit(city)
    svc.ticket_reject(ticket_id=ticket.pk, actor=as_staff(staff["intake"]), reason="重复提交")
    refused = api.post(
        f"/staff/requests/{ticket.pk}/supervise", {"note": "督办"}, token=api.login("supervisor")
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "ticket_finished"
    assert not SupervisionOrder.objects.exists()


def test_an_order_to_the_centre_counts_for_no_unit_in_the_records(city, staff):
    from minxin.supervision.records import Period, unit_figures

    at(2026, 11, 2, 9)
    ticket, _ = submit(city)
    at(2026, 11, 2, 14)
    assert sweep()["red"] == 1
    assert SupervisionOrder.objects.get(ticket=ticket).unit_id is None
    figures = unit_figures(Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30)))
    assert None not in figures
    assert sum(f.orders_opened for f in figures.values()) == 0
