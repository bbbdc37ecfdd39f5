"""The one table of who may do what: complete, and what pages offer is what services accept."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import transaction

from minxin.core.errors import DomainError, PermissionDenied
from minxin.tickets import cohandling, unit_review
from minxin.tickets import services as svc
from minxin.tickets.actions import ACTION_LABELS, Action
from minxin.tickets.actors import Actor
from minxin.tickets.models import Extension, Ticket
from minxin.tickets.tests.helpers import as_staff, submit, to_signed
from minxin.tickets.workflow import PERMISSIONS, TRANSITIONS, allowed_actions, may_act

pytestmark = pytest.mark.django_db

PERSONAS = [
    "admin",
    "intake",
    "reviewer",
    "callback",
    "supervisor",
    "leader",
    "oversight",
    "zhujian",
    "zhujian_head",
    "renshe",
    "huanbao",
    "heping",
    "heping_head",
]

Try = Callable[[Ticket, Actor, dict], object]


def _last_extension(ticket: Ticket) -> int:
    return Extension.objects.filter(ticket=ticket).values_list("pk", flat=True).last() or 0


TRIES: dict[str, Try] = {
    Action.ACCEPT: lambda t, a, c: svc.ticket_accept(ticket_id=t.pk, actor=a),
    Action.REJECT: lambda t, a, c: svc.ticket_reject(ticket_id=t.pk, actor=a, reason="不属实"),
    Action.REQUEST_INFO: lambda t, a, c: svc.ticket_request_info(
        ticket_id=t.pk, actor=a, note="请补充地址"
    ),
    Action.SUPPLEMENT: lambda t, a, c: svc.ticket_supplement(ticket_id=t.pk, actor=a, note="补充"),
    Action.ANSWER: lambda t, a, c: svc.ticket_answer(ticket_id=t.pk, actor=a, public_reply="答"),
    Action.DISPATCH: lambda t, a, c: svc.ticket_dispatch(
        ticket_id=t.pk, actor=a, lead_unit_id=c["zhujian"]
    ),
    Action.SIGN: lambda t, a, c: svc.ticket_sign(ticket_id=t.pk, actor=a),
    Action.RETURN: lambda t, a, c: svc.ticket_return(ticket_id=t.pk, actor=a, reason="非本单位"),
    Action.REPLY: lambda t, a, c: svc.ticket_reply(
        ticket_id=t.pk,
        actor=a,
        facts="f",
        solved=True,
        public_reply="p",
        proceed_reason="情况紧急，先行答复",
    ),
    Action.APPROVE: lambda t, a, c: svc.ticket_approve(ticket_id=t.pk, actor=a),
    Action.SEND_BACK: lambda t, a, c: svc.ticket_send_back(ticket_id=t.pk, actor=a, note="补"),
    Action.RATE: lambda t, a, c: svc.ticket_rate(ticket_id=t.pk, actor=a, satisfaction="satisfied"),
    Action.CLOSE_UNRATED: lambda t, a, c: svc.ticket_close_unrated(ticket_id=t.pk, actor=a),
    Action.ARCHIVE: lambda t, a, c: svc.ticket_archive(ticket_id=t.pk, actor=a),
    Action.REQUEST_EXTENSION: lambda t, a, c: svc.ticket_request_extension(
        ticket_id=t.pk, actor=a, days=3, reason="协调中"
    ),
    Action.DECIDE_EXTENSION: lambda t, a, c: svc.ticket_decide_extension(
        extension_id=_last_extension(t), actor=a, approve=True
    ),
    Action.MERGE: lambda t, a, c: svc.ticket_merge(ticket_id=t.pk, into_id=c["target"], actor=a),
    Action.CO_SIGN: lambda t, a, c: cohandling.co_part_sign(ticket_id=t.pk, actor=a),
    Action.CO_RETURN: lambda t, a, c: cohandling.co_part_return(
        ticket_id=t.pk, actor=a, reason="非本单位职责"
    ),
    Action.CO_OPINION: lambda t, a, c: cohandling.co_part_opinion(
        ticket_id=t.pk, actor=a, note="已核查"
    ),
    Action.CO_DECIDE: lambda t, a, c: cohandling.co_part_decide(
        ticket_id=t.pk, actor=a, unit_id=c["huanbao"], keep=True
    ),
    Action.UNIT_APPROVE: lambda t, a, c: unit_review.ticket_unit_approve(ticket_id=t.pk, actor=a),
    Action.UNIT_SEND_BACK: lambda t, a, c: unit_review.ticket_unit_send_back(
        ticket_id=t.pk, actor=a, note="请补充现场照片"
    ),
}


class _Undo(Exception):
    pass


def accepted(attempt: Callable[[], object]) -> bool:
    """Whether the service accepts the action; whatever it did is rolled back."""
    try:
        with transaction.atomic():
            attempt()
            raise _Undo
    except _Undo:
        return True
    except DomainError:
        return False


def _states(city, staff) -> dict[str, Ticket]:
    intake, unit = as_staff(staff["intake"]), as_staff(staff["zhujian"])
    made: dict[str, Ticket] = {
        "submitted": submit(city)[0],
        "consultation": submit(city, kind="consultation")[0],
    }
    made["accepted"] = submit(city)[0]
    svc.ticket_accept(ticket_id=made["accepted"].pk, actor=intake)
    made["pending_info"] = submit(city)[0]
    svc.ticket_request_info(ticket_id=made["pending_info"].pk, actor=intake, note="地址")
    made["dispatched"] = submit(city)[0]
    svc.ticket_dispatch(
        ticket_id=made["dispatched"].pk, actor=intake, lead_unit_id=staff["zhujian"].unit_id
    )
    made["returned"] = submit(city)[0]
    svc.ticket_dispatch(
        ticket_id=made["returned"].pk, actor=intake, lead_unit_id=staff["zhujian"].unit_id
    )
    svc.ticket_return(ticket_id=made["returned"].pk, actor=unit, reason="非本单位")
    made["signed"] = to_signed(submit(city)[0], staff)
    made["extending"] = to_signed(submit(city)[0], staff)
    svc.ticket_request_extension(ticket_id=made["extending"].pk, actor=unit, days=2, reason="等")
    made["replied"] = to_signed(submit(city)[0], staff)
    TRIES[Action.REPLY](made["replied"], unit, {})
    made["published"] = to_signed(submit(city)[0], staff)
    TRIES[Action.REPLY](made["published"], unit, {})
    svc.ticket_approve(ticket_id=made["published"].pk, actor=as_staff(staff["reviewer"]))
    made["closed"] = submit(city)[0]
    svc.ticket_reject(ticket_id=made["closed"].pk, actor=intake, reason="不属实")
    made.update(_co_states(city, staff))
    return made


def _co_dispatched(city, staff) -> Ticket:
    ticket = submit(city)[0]
    svc.ticket_dispatch(
        ticket_id=ticket.pk,
        actor=as_staff(staff["intake"]),
        lead_unit_id=staff["zhujian"].unit_id,
        co_unit_ids=[staff["huanbao"].unit_id, staff["heping"].unit_id],
    )
    return ticket


def _co_states(city, staff) -> dict[str, Ticket]:
    made = {"co_dispatched": _co_dispatched(city, staff)}
    made["co_signed"] = _co_dispatched(city, staff)
    svc.ticket_sign(ticket_id=made["co_signed"].pk, actor=as_staff(staff["zhujian"]))
    for persona in ("huanbao", "heping"):
        cohandling.co_part_sign(ticket_id=made["co_signed"].pk, actor=as_staff(staff[persona]))
    made["co_returned"] = _co_dispatched(city, staff)
    cohandling.co_part_return(
        ticket_id=made["co_returned"].pk, actor=as_staff(staff["huanbao"]), reason="非本单位职责"
    )
    made["co_done"] = _co_dispatched(city, staff)
    cohandling.co_part_sign(ticket_id=made["co_done"].pk, actor=as_staff(staff["huanbao"]))
    cohandling.co_part_opinion(
        ticket_id=made["co_done"].pk, actor=as_staff(staff["huanbao"]), note="已核查排污口"
    )
    zhujian = staff["zhujian"].unit
    zhujian.reply_approval = True
    zhujian.save(update_fields=["reply_approval"])
    made["unit_review"] = to_signed(submit(city)[0], staff)
    TRIES[Action.REPLY](made["unit_review"], as_staff(staff["zhujian"]), {})
    return made


def test_every_action_has_a_label_and_a_permission_entry():
    for action in Action:
        assert action in ACTION_LABELS, action
        assert PERMISSIONS[action], action
    assert set(TRANSITIONS) <= set(PERMISSIONS)


def test_stored_action_names_are_unchanged():
    assert Action.SEND_BACK == "send_back"
    assert Action("request_info") is Action.REQUEST_INFO
    assert {
        "submit",
        "accept",
        "dispatch",
        "sign",
        "reply",
        "approve",
        "rate",
        "archive",
        "supervise",
        "oversight_evaluate",
    } <= {a.value for a in Action}


def test_every_transition_can_be_tried_here():
    assert set(TRANSITIONS) <= set(TRIES)


def test_pages_offer_exactly_what_the_services_accept_for_every_persona_in_every_state(city, staff):
    context = {
        "zhujian": staff["zhujian"].unit_id,
        "huanbao": staff["huanbao"].unit_id,
        "target": submit(city)[0].pk,
    }
    pairs = 0
    for state, ticket in _states(city, staff).items():
        for persona in PERSONAS:
            user = staff[persona]
            ticket = Ticket.objects.get(pk=ticket.pk)
            offered = {str(a) for a in allowed_actions(user, ticket)}
            taken = {
                str(a)
                for a in TRANSITIONS
                if accepted(lambda a=a, t=ticket, u=user: TRIES[a](t, as_staff(u), context))
            }
            assert offered == taken, (state, persona, offered, taken)
            pairs += len(taken)
    assert pairs >= 40  # the walk really took actions, not only refusals


def test_may_act_ignores_the_state_so_a_late_click_is_a_conflict_not_a_refusal(city, staff):
    ticket = to_signed(submit(city)[0], staff)
    handler = staff["zhujian"]
    assert may_act(handler, ticket, Action.SIGN)  # signed already: a conflict, not a 403
    assert not may_act(staff["renshe"], ticket, Action.SIGN)
    assert not may_act(staff["reviewer"], ticket, Action.SIGN)


def test_the_wrong_unit_is_told_it_is_not_theirs(city, staff):
    ticket = to_signed(submit(city)[0], staff)
    with pytest.raises(PermissionDenied) as error:
        TRIES[Action.REPLY](ticket, as_staff(staff["renshe"]), {})
    assert error.value.code == "not_your_unit"


def test_a_citizen_may_rate_only_their_own_request(city, staff):
    ticket = to_signed(submit(city)[0], staff)
    TRIES[Action.REPLY](ticket, as_staff(staff["zhujian"]), {})
    svc.ticket_approve(ticket_id=ticket.pk, actor=as_staff(staff["reviewer"]))
    stranger = Actor.code_holder("XXXXXXXXXX")
    assert not accepted(lambda: TRIES[Action.RATE](ticket, stranger, {}))
    assert accepted(lambda: TRIES[Action.RATE](ticket, Actor.code_holder(ticket.tracking_code), {}))
