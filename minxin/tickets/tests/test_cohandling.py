"""协办: each co-handling unit's part signs, returns or gives its opinion; the lead waits or
says why it goes ahead; bad input changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from minxin.core import clock
from minxin.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from minxin.notify.models import InboxMessage
from minxin.org.models import DeadlineOverride
from minxin.sla.calendar import workdays_between
from minxin.tickets import cohandling
from minxin.tickets import services as svc
from minxin.tickets.models import Assignment, Satisfaction, Ticket, TimelineEvent
from minxin.tickets.selectors import queue, tickets_visible_to
from minxin.tickets.tests.helpers import as_staff, submit
from minxin.tickets.workflow import allowed_actions

pytestmark = pytest.mark.django_db
P = Assignment.PartStatus


def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(y, m, d, h))


def dispatched(city, staff) -> Ticket:
    ticket = submit(city)[0]
    svc.ticket_dispatch(
        ticket_id=ticket.pk,
        actor=as_staff(staff["intake"]),
        lead_unit_id=staff["zhujian"].unit_id,
        co_unit_ids=[staff["huanbao"].unit_id, staff["heping"].unit_id],
    )
    return Ticket.objects.get(pk=ticket.pk)


def part(ticket: Ticket, persona_unit) -> Assignment:
    return Assignment.objects.get(ticket=ticket, role="co", unit=persona_unit)


def snapshot(ticket: Ticket) -> tuple:
    ticket = Ticket.objects.get(pk=ticket.pk)
    parts = list(
        Assignment.objects.filter(ticket=ticket)
        .order_by("id")
        .values_list("status", "active", "opinion", "return_reason")
    )
    return ticket.status, ticket.version, parts, ticket.events.count()


def sign(ticket, staff, *personas):
    for persona in personas:
        cohandling.co_part_sign(ticket_id=ticket.pk, actor=as_staff(staff[persona]))


def test_dispatch_gives_each_co_unit_its_own_part_clock_and_inbox_notice(city, staff):
    clock.freeze(at(2026, 11, 2))  # a Monday; complaints allow 15 working days
    ticket = dispatched(city, staff)
    parts = cohandling.co_parts(ticket)
    assert {p.unit.code for p in parts} == {"huanbao", "heping"}
    lead_due = timezone.localdate(ticket.due_at)
    for p in parts:
        assert p.status == P.PENDING
        assert p.warn_level == 0
        # Two working days before the lead's reply is due (Monday 23 -> Thursday 19).
        assert timezone.localdate(p.due_at) == dt.date(2026, 11, 19)
        assert workdays_between(timezone.localdate(p.due_at), lead_due) == 2
        assert p.warn_at < p.due_at
    notices = InboxMessage.objects.filter(ticket=ticket, event="co_dispatched")
    assert set(notices.values_list("unit_id", flat=True)) == {p.unit_id for p in parts}


def test_a_category_limit_sets_the_part_clock_in_working_days(city, staff):
    clock.freeze(at(2026, 11, 2))
    DeadlineOverride.objects.create(
        request_type=city["types"]["complaint"], category=city["category"], co_days=3
    )
    ticket = dispatched(city, staff)
    assert {timezone.localdate(p.due_at) for p in cohandling.co_parts(ticket)} == {
        dt.date(2026, 11, 5)
    }


def test_a_short_deadline_still_leaves_the_co_unit_until_the_next_working_day(city, staff):
    clock.freeze(at(2026, 11, 6))  # a Friday
    ticket = submit(city, kind="consultation")[0]  # 3 working days
    svc.ticket_dispatch(
        ticket_id=ticket.pk,
        actor=as_staff(staff["intake"]),
        lead_unit_id=staff["renshe"].unit_id,
        co_unit_ids=[staff["huanbao"].unit_id],
    )
    (only,) = cohandling.co_parts(ticket)
    assert timezone.localdate(only.due_at) == dt.date(2026, 11, 9)  # Monday


def test_co_units_see_their_part_in_their_queue_and_may_open_the_request(city, staff):
    ticket = dispatched(city, staff)
    for persona in ("huanbao", "heping", "heping_head"):
        user = staff[persona]
        assert tickets_visible_to(user).filter(pk=ticket.pk).exists()
        assert list(queue(user=user, name="co")) == [ticket]
        assert {str(a) for a in allowed_actions(user, ticket)} == {"co_sign", "co_return"}
    assert not queue(user=staff["renshe"], name="co").exists()
    assert not queue(user=staff["zhujian"], name="co").exists()


def test_sign_then_opinion_reaches_the_lead_internally(city, staff):
    ticket = dispatched(city, staff)
    sign(ticket, staff, "huanbao")
    assert {str(a) for a in allowed_actions(staff["huanbao"], ticket)} == {
        "co_opinion",
        "co_return",
    }
    cohandling.co_part_opinion(
        ticket_id=ticket.pk, actor=as_staff(staff["huanbao"]), note="已现场检查，排污口已封堵"
    )
    done = part(ticket, staff["huanbao"].unit)
    assert done.status == P.DONE
    assert done.opinion_by == staff["huanbao"]
    assert done.opinion == "已现场检查，排污口已封堵"
    events = TimelineEvent.objects.filter(ticket=ticket, action__in=["co_sign", "co_opinion"])
    assert [e.action for e in events] == ["co_sign", "co_opinion"]
    assert not any(e.public for e in events)
    assert InboxMessage.objects.filter(
        ticket=ticket, event="co_opinion", unit_id=staff["zhujian"].unit_id
    ).exists()
    assert allowed_actions(staff["huanbao"], ticket) == []
    assert not queue(user=staff["huanbao"], name="co").exists()


def test_a_unit_head_above_a_co_unit_may_act_for_it(city, staff):
    ticket = dispatched(city, staff)
    sign(ticket, staff, "heping_head")
    assert part(ticket, staff["heping"].unit).status == P.SIGNED


@pytest.mark.parametrize("persona", ["renshe", "zhujian", "zhujian_head", "intake", "reviewer"])
def test_a_co_opinion_from_a_unit_not_on_the_request_changes_nothing(city, staff, persona):
    ticket = dispatched(city, staff)
    sign(ticket, staff, "huanbao")
    before = snapshot(ticket)
    with pytest.raises(PermissionDenied):
        cohandling.co_part_opinion(ticket_id=ticket.pk, actor=as_staff(staff[persona]), note="意见")
    assert snapshot(ticket) == before


def test_a_second_opinion_is_a_conflict(city, staff):
    ticket = dispatched(city, staff)
    sign(ticket, staff, "huanbao")
    cohandling.co_part_opinion(ticket_id=ticket.pk, actor=as_staff(staff["huanbao"]), note="一")
    before = snapshot(ticket)
    with pytest.raises(Conflict) as error:
        cohandling.co_part_opinion(ticket_id=ticket.pk, actor=as_staff(staff["huanbao"]), note="二")
    assert error.value.code == "co_part_state"
    assert snapshot(ticket) == before


@pytest.mark.parametrize("note", ["", "   ", "长" * 3001])
def test_an_empty_or_overlong_opinion_is_refused(city, staff, note):
    ticket = dispatched(city, staff)
    sign(ticket, staff, "huanbao")
    before = snapshot(ticket)
    with pytest.raises(ValidationFailed):
        cohandling.co_part_opinion(ticket_id=ticket.pk, actor=as_staff(staff["huanbao"]), note=note)
    assert snapshot(ticket) == before


def test_an_opinion_before_signing_is_a_conflict(city, staff):
    ticket = dispatched(city, staff)
    with pytest.raises(Conflict):
        cohandling.co_part_opinion(
            ticket_id=ticket.pk, actor=as_staff(staff["huanbao"]), note="意见"
        )


def test_a_co_opinion_after_the_request_closed_is_a_conflict(city, staff):
    ticket = dispatched(city, staff)
    sign(ticket, staff, "huanbao")
    svc.ticket_sign(ticket_id=ticket.pk, actor=as_staff(staff["zhujian"]))
    svc.ticket_reply(
        ticket_id=ticket.pk,
        actor=as_staff(staff["zhujian"]),
        facts="f",
        solved=True,
        public_reply="p",
        proceed_reason="群众急需答复",
    )
    svc.ticket_approve(ticket_id=ticket.pk, actor=as_staff(staff["reviewer"]))
    svc.ticket_rate(
        ticket_id=ticket.pk, actor=as_staff(staff["callback"]), satisfaction=Satisfaction.SATISFIED
    )
    before = snapshot(ticket)
    with pytest.raises(Conflict) as error:
        cohandling.co_part_opinion(
            ticket_id=ticket.pk, actor=as_staff(staff["huanbao"]), note="迟到的意见"
        )
    assert error.value.code == "invalid_transition"
    assert snapshot(ticket) == before


def test_the_lead_unit_cannot_sign_a_co_part(city, staff):
    ticket = dispatched(city, staff)
    before = snapshot(ticket)
    for persona in ("zhujian", "zhujian_head"):
        with pytest.raises(PermissionDenied) as error:
            cohandling.co_part_sign(ticket_id=ticket.pk, actor=as_staff(staff[persona]))
        assert error.value.code == "not_co_unit"
    assert snapshot(ticket) == before


def test_signing_twice_is_a_conflict(city, staff):
    ticket = dispatched(city, staff)
    sign(ticket, staff, "huanbao")
    with pytest.raises(Conflict):
        sign(ticket, staff, "huanbao")


def test_a_return_needs_a_reason_and_the_centre_decides(city, staff):
    ticket = dispatched(city, staff)
    before = snapshot(ticket)
    with pytest.raises(ValidationFailed):
        cohandling.co_part_return(ticket_id=ticket.pk, actor=as_staff(staff["huanbao"]), reason=" ")
    assert snapshot(ticket) == before
    cohandling.co_part_return(
        ticket_id=ticket.pk, actor=as_staff(staff["huanbao"]), reason="非本单位职责"
    )
    returned = part(ticket, staff["huanbao"].unit)
    assert returned.status == P.RETURNED
    assert returned.return_reason == "非本单位职责"
    assert InboxMessage.objects.filter(ticket=ticket, event="co_returned", unit=None).exists()
    assert list(queue(user=staff["intake"], name="co_returned")) == [ticket]
    assert "co_decide" in allowed_actions(staff["intake"], ticket)
    with pytest.raises(PermissionDenied):
        cohandling.co_part_decide(
            ticket_id=ticket.pk,
            actor=as_staff(staff["zhujian"]),
            unit_id=returned.unit_id,
            keep=False,
        )
    cohandling.co_part_decide(
        ticket_id=ticket.pk,
        actor=as_staff(staff["intake"]),
        unit_id=returned.unit_id,
        keep=False,
        note="改由和平区协办",
    )
    released = part(ticket, staff["huanbao"].unit)
    assert (released.status, released.active) == (P.RELEASED, False)
    assert not tickets_visible_to(staff["huanbao"]).filter(pk=ticket.pk).exists()
    with pytest.raises(NotFound):  # released: no longer a part of this request
        cohandling.co_part_decide(
            ticket_id=ticket.pk,
            actor=as_staff(staff["intake"]),
            unit_id=returned.unit_id,
            keep=True,
        )


def test_the_centre_may_overrule_a_return_and_keep_the_unit_on(city, staff):
    ticket = dispatched(city, staff)
    cohandling.co_part_return(
        ticket_id=ticket.pk, actor=as_staff(staff["heping"]), reason="不归我们"
    )
    cohandling.co_part_decide(
        ticket_id=ticket.pk,
        actor=as_staff(staff["admin"]),
        unit_id=staff["heping"].unit_id,
        keep=True,
    )
    kept = part(ticket, staff["heping"].unit)
    assert kept.status == P.SIGNED
    assert kept.active
    assert kept.signed_at is not None
    assert InboxMessage.objects.filter(
        ticket=ticket, event="co_decided", unit_id=kept.unit_id
    ).exists()


def test_the_lead_cannot_reply_while_a_part_is_open_unless_it_says_why(city, staff):
    ticket = dispatched(city, staff)
    lead = as_staff(staff["zhujian"])
    svc.ticket_sign(ticket_id=ticket.pk, actor=lead)
    sign(ticket, staff, "huanbao", "heping")
    cohandling.co_part_opinion(ticket_id=ticket.pk, actor=as_staff(staff["huanbao"]), note="已核查")
    before = snapshot(ticket)
    with pytest.raises(Conflict) as error:
        svc.ticket_reply(ticket_id=ticket.pk, actor=lead, facts="f", solved=True, public_reply="p")
    assert error.value.code == "co_parts_open"
    assert "和平区" in error.value.message
    assert snapshot(ticket) == before
    svc.ticket_reply(
        ticket_id=ticket.pk,
        actor=lead,
        facts="f",
        solved=True,
        public_reply="p",
        proceed_reason="和平区已电话反馈，书面意见随后补交",
    )
    proceed = TimelineEvent.objects.get(ticket=ticket, action="co_proceed")
    assert not proceed.public
    assert "书面意见随后补交" in proceed.note


def test_the_lead_replies_without_a_reason_once_every_part_is_in(city, staff):
    ticket = dispatched(city, staff)
    svc.ticket_sign(ticket_id=ticket.pk, actor=as_staff(staff["zhujian"]))
    sign(ticket, staff, "huanbao", "heping")
    for persona in ("huanbao", "heping"):
        cohandling.co_part_opinion(
            ticket_id=ticket.pk, actor=as_staff(staff[persona]), note="已核查"
        )
    svc.ticket_reply(
        ticket_id=ticket.pk,
        actor=as_staff(staff["zhujian"]),
        facts="f",
        solved=True,
        public_reply="p",
    )
    assert not TimelineEvent.objects.filter(ticket=ticket, action="co_proceed").exists()


def test_co_actions_leave_the_lead_s_version_alone(city, staff):
    ticket = dispatched(city, staff)
    version = ticket.version
    sign(ticket, staff, "huanbao")
    cohandling.co_part_opinion(ticket_id=ticket.pk, actor=as_staff(staff["huanbao"]), note="意见")
    assert Ticket.objects.get(pk=ticket.pk).version == version
    svc.ticket_sign(ticket_id=ticket.pk, actor=as_staff(staff["zhujian"]), expected_version=version)
