"""单位审核: where the lead unit asks for it, a handler's reply waits for the unit head."""

from __future__ import annotations

import pytest

from minxin.core.errors import Conflict, PermissionDenied, ValidationFailed
from minxin.notify.models import InboxMessage
from minxin.tickets import services as svc
from minxin.tickets.models import Reply, Stage, Status, Ticket
from minxin.tickets.selectors import queue
from minxin.tickets.tests.helpers import as_staff, submit, to_signed
from minxin.tickets.unit_review import ticket_unit_approve, ticket_unit_send_back
from minxin.tickets.workflow import allowed_actions

pytestmark = pytest.mark.django_db


def approval_on(staff, persona: str = "zhujian") -> None:
    unit = staff[persona].unit
    unit.reply_approval = True
    unit.save(update_fields=["reply_approval"])


def replied(city, staff, by: str = "zhujian") -> Ticket:
    ticket = to_signed(submit(city)[0], staff)
    svc.ticket_reply(
        ticket_id=ticket.pk,
        actor=as_staff(staff[by]),
        facts="已核实",
        solved=True,
        public_reply="已修复",
    )
    return Ticket.objects.get(pk=ticket.pk)


def test_a_handler_s_reply_waits_for_the_unit_head_with_the_handling_clock_running(city, staff):
    approval_on(staff)
    signed = to_signed(submit(city)[0], staff)
    stage_due = Ticket.objects.get(pk=signed.pk).stage_due_at
    svc.ticket_reply(
        ticket_id=signed.pk,
        actor=as_staff(staff["zhujian"]),
        facts="已核实",
        solved=True,
        public_reply="已修复",
    )
    ticket = Ticket.objects.get(pk=signed.pk)
    assert ticket.status == Status.UNIT_REVIEW
    assert (ticket.stage, ticket.stage_due_at) == (Stage.REPLY, stage_due)
    assert InboxMessage.objects.filter(ticket=ticket, event="unit_review").exists()
    assert list(queue(user=staff["zhujian_head"], name="unit_review")) == [ticket]
    assert not queue(user=staff["reviewer"], name="review").filter(pk=ticket.pk).exists()
    assert {str(a) for a in allowed_actions(staff["zhujian_head"], ticket)} >= {
        "unit_approve",
        "unit_send_back",
    }
    assert "unit_approve" not in allowed_actions(staff["zhujian"], ticket)


def test_the_unit_head_approves_it_on_to_the_centre_s_review(city, staff):
    approval_on(staff)
    ticket = replied(city, staff)
    ticket_unit_approve(ticket_id=ticket.pk, actor=as_staff(staff["zhujian_head"]), note="同意上报")
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.status, ticket.stage) == (Status.REPLIED, Stage.REVIEW)
    event = ticket.events.get(action="unit_approve")
    assert not event.public
    assert event.note == "同意上报"
    svc.ticket_approve(ticket_id=ticket.pk, actor=as_staff(staff["reviewer"]))
    assert Ticket.objects.get(pk=ticket.pk).status == Status.PUBLISHED


def test_the_unit_head_sends_it_back_inside_the_unit(city, staff):
    approval_on(staff)
    ticket = replied(city, staff)
    with pytest.raises(ValidationFailed):
        ticket_unit_send_back(ticket_id=ticket.pk, actor=as_staff(staff["zhujian_head"]), note="")
    ticket_unit_send_back(
        ticket_id=ticket.pk, actor=as_staff(staff["zhujian_head"]), note="请补充整改照片"
    )
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == Status.SIGNED
    reply = ticket.replies.get()
    assert reply.review == Reply.Review.SENT_BACK
    assert "请补充整改照片" in reply.review_note
    svc.ticket_reply(
        ticket_id=ticket.pk,
        actor=as_staff(staff["zhujian"]),
        facts="已补充",
        solved=True,
        public_reply="已修复",
    )
    assert Ticket.objects.get(pk=ticket.pk).status == Status.UNIT_REVIEW


def test_a_unit_head_s_own_reply_skips_the_step(city, staff):
    approval_on(staff)
    ticket = replied(city, staff, by="zhujian_head")
    assert ticket.status == Status.REPLIED


@pytest.mark.parametrize("persona", ["zhujian", "renshe", "reviewer", "intake", "heping_head"])
def test_only_the_lead_unit_s_head_may_approve(city, staff, persona):
    approval_on(staff)
    ticket = replied(city, staff)
    with pytest.raises(PermissionDenied):
        ticket_unit_approve(ticket_id=ticket.pk, actor=as_staff(staff[persona]))
    after = Ticket.objects.get(pk=ticket.pk)
    assert (after.status, after.version) == (Status.UNIT_REVIEW, ticket.version)


def test_unit_approve_when_the_unit_has_no_approval_step_is_a_conflict(city, staff):
    ticket = replied(city, staff)
    assert ticket.status == Status.REPLIED
    with pytest.raises(Conflict) as error:
        ticket_unit_approve(ticket_id=ticket.pk, actor=as_staff(staff["zhujian_head"]))
    assert error.value.code == "unit_review_off"
    after = Ticket.objects.get(pk=ticket.pk)
    assert (after.status, after.version) == (ticket.status, ticket.version)


def test_approving_twice_is_a_conflict(city, staff):
    approval_on(staff)
    ticket = replied(city, staff)
    ticket_unit_approve(ticket_id=ticket.pk, actor=as_staff(staff["zhujian_head"]))
    with pytest.raises(Conflict) as error:
        ticket_unit_approve(ticket_id=ticket.pk, actor=as_staff(staff["zhujian_head"]))
    assert error.value.code == "invalid_transition"


def test_a_reply_waiting_for_the_head_is_still_swept_as_handling(city, staff):
    import datetime as dt

    from minxin.core import clock
    from minxin.supervision.models import SupervisionOrder
    from minxin.supervision.sweeps import sweep

    approval_on(staff)
    ticket = replied(city, staff)
    clock.freeze(ticket.stage_due_at + dt.timedelta(minutes=1))
    assert sweep()["red"] == 1
    order = SupervisionOrder.objects.get(ticket=ticket)
    assert (order.unit_id, order.reason) == (staff["zhujian"].unit_id, "overdue")
