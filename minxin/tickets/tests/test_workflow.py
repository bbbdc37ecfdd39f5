"""The seven steps, done by the right people, refused to the wrong ones."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from minxin.core import clock
from minxin.core.errors import Conflict, PermissionDenied, ValidationFailed
from minxin.tickets import services as svc
from minxin.tickets.actors import Actor
from minxin.tickets.models import Satisfaction, Stage, Status, Ticket
from minxin.tickets.tests.helpers import as_staff, submit, to_signed

pytestmark = pytest.mark.django_db


def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(y, m, d, h))


def test_it_walks_every_step_and_the_timeline_explains_it(city, staff):
    clock.freeze(at(2026, 9, 28))
    ticket, password = submit(city)
    assert password
    assert ticket.status == Status.SUBMITTED
    to_signed(ticket, staff)
    reply = svc.ticket_reply(
        ticket_id=ticket.pk,
        actor=as_staff(staff["zhujian"]),
        facts="已核实",
        solved=True,
        public_reply="已修复电梯",
    )
    svc.ticket_approve(ticket_id=ticket.pk, actor=as_staff(staff["reviewer"]))
    owner = Actor.code_holder(ticket.tracking_code)
    svc.ticket_rate(ticket_id=ticket.pk, actor=owner, satisfaction=Satisfaction.SATISFIED)
    svc.ticket_archive(ticket_id=ticket.pk, actor=as_staff(staff["callback"]))
    ticket.refresh_from_db()
    reply.refresh_from_db()
    assert ticket.status == Status.ARCHIVED
    assert reply.published_at is not None
    events = list(ticket.events.values_list("action", "from_status", "to_status"))
    assert [e[0] for e in events] == [
        "submit",
        "accept",
        "dispatch",
        "sign",
        "reply",
        "approve",
        "rate",
        "archive",
    ]
    for (_, _, to), (_, frm, _) in zip(events, events[1:], strict=False):
        assert to == frm
    assert events[-1][2] == ticket.status


def test_complaint_deadline_counts_working_days_across_national_day(city, staff):
    clock.freeze(at(2026, 9, 28))
    ticket, _ = submit(city)
    svc.ticket_accept(ticket_id=ticket.pk, actor=as_staff(staff["intake"]))
    ticket.refresh_from_db()
    # From Mon 28 Sep 2026: 29, 30 Sep; 1-7 Oct off; 8, 9, 10 (a Saturday worked, 调休),
    # 12-16, 19-23: the 15th working day is Friday 23 October.
    assert timezone.localdate(ticket.due_at) == dt.date(2026, 10, 23)


def test_consultation_is_answered_at_intake(city, staff):
    clock.freeze(at(2026, 11, 30))
    ticket, _ = submit(city, kind="consultation")
    assert timezone.localdate(ticket.due_at) == dt.date(2026, 12, 3)
    svc.ticket_answer(
        ticket_id=ticket.pk,
        actor=as_staff(staff["intake"]),
        public_reply="请携带身份证到社保大厅办理",
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.PUBLISHED
    assert ticket.stage == Stage.RATE


def test_a_complaint_cannot_be_answered_at_intake(city, staff):
    ticket, _ = submit(city)
    with pytest.raises(Conflict):
        svc.ticket_answer(ticket_id=ticket.pk, actor=as_staff(staff["intake"]), public_reply="答复")


def test_it_refuses_the_wrong_persona(city, staff):
    ticket, _ = submit(city)
    for name in ("zhujian", "reviewer", "callback", "leader", "oversight", "supervisor"):
        with pytest.raises(PermissionDenied):
            svc.ticket_accept(ticket_id=ticket.pk, actor=as_staff(staff[name]))
    with pytest.raises(PermissionDenied):
        svc.ticket_accept(ticket_id=ticket.pk, actor=Actor())
    to_signed(ticket, staff)
    with pytest.raises(PermissionDenied):  # another unit's handler
        svc.ticket_reply(
            ticket_id=ticket.pk,
            actor=as_staff(staff["renshe"]),
            facts="x",
            solved=True,
            public_reply="y",
        )


def test_a_unit_head_above_the_lead_unit_may_act_but_a_sibling_may_not(city, staff):
    ticket, _ = submit(city)
    intake = as_staff(staff["intake"])
    svc.ticket_dispatch(ticket_id=ticket.pk, actor=intake, lead_unit_id=staff["nanhu"].unit_id)
    with pytest.raises(PermissionDenied):
        svc.ticket_sign(ticket_id=ticket.pk, actor=as_staff(staff["shenhe"]))
    svc.ticket_sign(ticket_id=ticket.pk, actor=as_staff(staff["heping_head"]))


def test_illegal_transitions_get_a_clear_conflict(city, staff):
    ticket, _ = submit(city)
    with pytest.raises(Conflict) as error:
        svc.ticket_approve(ticket_id=ticket.pk, actor=as_staff(staff["reviewer"]))
    assert "待受理" in error.value.message
    assert error.value.code == "invalid_transition"


def test_return_goes_back_to_dispatch_and_can_be_redispatched(city, staff):
    ticket, _ = submit(city)
    intake = as_staff(staff["intake"])
    svc.ticket_dispatch(ticket_id=ticket.pk, actor=intake, lead_unit_id=staff["renshe"].unit_id)
    with pytest.raises(ValidationFailed):
        svc.ticket_return(ticket_id=ticket.pk, actor=as_staff(staff["renshe"]), reason=" ")
    svc.ticket_return(ticket_id=ticket.pk, actor=as_staff(staff["renshe"]), reason="不属本单位职责")
    ticket.refresh_from_db()
    assert ticket.status == Status.RETURNED
    assert ticket.lead_unit is None
    svc.ticket_dispatch(ticket_id=ticket.pk, actor=intake, lead_unit_id=staff["zhujian"].unit_id)
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED
    assert ticket.lead_unit_id == staff["zhujian"].unit_id


def test_unsatisfied_reopens_a_limited_number_of_times(city, staff, settings):
    settings.MAX_REOPENS = 1
    ticket, _ = submit(city, phone="13800001111")
    to_signed(ticket, staff)
    owner = Actor.citizen("13800001111")
    for expected in (Status.DISPATCHED, Status.CLOSED):
        if expected == Status.CLOSED:
            svc.ticket_sign(ticket_id=ticket.pk, actor=as_staff(staff["zhujian"]))
        svc.ticket_reply(
            ticket_id=ticket.pk,
            actor=as_staff(staff["zhujian"]),
            facts="f",
            solved=False,
            unsolved_reason="资金未到位",
            public_reply="p",
        )
        svc.ticket_approve(ticket_id=ticket.pk, actor=as_staff(staff["reviewer"]))
        svc.ticket_rate(
            ticket_id=ticket.pk, actor=owner, satisfaction="unsatisfied", comment="没有解决"
        )
        ticket.refresh_from_db()
        assert ticket.status == expected
    assert ticket.reopen_count == 1
    assert ticket.satisfaction == Satisfaction.UNSATISFIED


def test_only_the_submitter_may_rate(city, staff):
    ticket, _ = submit(city, phone="13800001111")
    other, _ = submit(city)
    to_signed(ticket, staff)
    svc.ticket_reply(
        ticket_id=ticket.pk,
        actor=as_staff(staff["zhujian"]),
        facts="f",
        solved=True,
        public_reply="p",
    )
    svc.ticket_approve(ticket_id=ticket.pk, actor=as_staff(staff["reviewer"]))
    for stranger in (Actor.citizen("13900009999"), Actor.code_holder(other.tracking_code)):
        with pytest.raises(PermissionDenied):
            svc.ticket_rate(ticket_id=ticket.pk, actor=stranger, satisfaction="satisfied")


def test_pending_info_pauses_the_clock(city, staff):
    clock.freeze(at(2026, 11, 2))  # a Monday
    ticket, _ = submit(city)
    to_signed(ticket, staff)
    ticket.refresh_from_db()
    due = ticket.due_at
    svc.ticket_request_info(
        ticket_id=ticket.pk, actor=as_staff(staff["zhujian"]), note="请提供照片"
    )
    clock.freeze(at(2026, 11, 5))  # three working days later
    svc.ticket_supplement(
        ticket_id=ticket.pk, actor=Actor.code_holder(ticket.tracking_code), note="照片已上传"
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.SIGNED
    assert (timezone.localdate(ticket.due_at) - timezone.localdate(due)).days >= 3


def test_an_approved_extension_moves_the_deadline(city, staff):
    clock.freeze(at(2026, 11, 2))
    ticket, _ = submit(city)
    to_signed(ticket, staff)
    before = Ticket.objects.get(pk=ticket.pk).due_at
    ext = svc.ticket_request_extension(
        ticket_id=ticket.pk, actor=as_staff(staff["zhujian"]), days=5, reason="需要协调施工单位"
    )
    with pytest.raises(Conflict):
        svc.ticket_request_extension(
            ticket_id=ticket.pk, actor=as_staff(staff["zhujian"]), days=5, reason="again"
        )
    svc.ticket_decide_extension(extension_id=ext.pk, actor=as_staff(staff["intake"]), approve=True)
    after = Ticket.objects.get(pk=ticket.pk).due_at
    assert timezone.localdate(after) == dt.date(2026, 11, 30)
    assert after > before


def test_stale_version_is_a_conflict(city, staff):
    ticket, _ = submit(city)
    with pytest.raises(Conflict):
        svc.ticket_accept(
            ticket_id=ticket.pk,
            actor=as_staff(staff["intake"]),
            expected_version=ticket.version + 3,
        )


def test_a_category_can_have_its_own_stage_limits_in_working_hours(city, staff):
    from minxin.org.models import DeadlineOverride

    DeadlineOverride.objects.create(
        request_type=city["types"]["complaint"],
        category=city["category"].parent,
        sign_hours=2,
        deadline_days=5,
    )
    clock.freeze(at(2026, 11, 27, 16))  # Friday afternoon
    ticket, _ = submit(city)
    svc.ticket_dispatch(
        ticket_id=ticket.pk, actor=as_staff(staff["intake"]), lead_unit_id=staff["zhujian"].unit_id
    )
    ticket.refresh_from_db()
    assert timezone.localtime(ticket.stage_due_at) == at(2026, 11, 30, 10)
    assert timezone.localdate(ticket.due_at) == dt.date(2026, 12, 4)


def test_merging_keeps_both_citizens_and_timelines(city, staff, api):
    first, _ = submit(city, phone="13800001111")
    second, password = submit(city)
    intake = as_staff(staff["intake"])
    svc.ticket_merge(ticket_id=second.pk, into_id=first.pk, actor=intake, note="同一路灯")
    with pytest.raises(Conflict):
        svc.ticket_merge(ticket_id=first.pk, into_id=second.pk, actor=intake)
    to_signed(first, staff)
    svc.ticket_reply(
        ticket_id=first.pk,
        actor=as_staff(staff["zhujian"]),
        facts="f",
        solved=True,
        public_reply="路灯已修复",
    )
    svc.ticket_approve(ticket_id=first.pk, actor=as_staff(staff["reviewer"]))
    seen = api.get(
        f"/requests/{second.tracking_code}", headers={"X-Query-Password": password}
    ).json()
    assert seen["status"] == "merged"
    assert seen["merged_into"] == first.display_code
    assert seen["reply"]["public_reply"] == "路灯已修复"
    assert [e["action"] for e in seen["timeline"]] == ["submit", "merge"]
    assert first.events.filter(action="merge").exists()
