import pytest

from minxin.core.errors import Conflict, PermissionDenied, ValidationFailed
from minxin.publicinfo import cases
from minxin.publicinfo.models import CaseStatus, SearchEntry, TypicalCase
from minxin.publicinfo.tests.helpers import closed_ticket
from minxin.tickets.models import TimelineEvent
from minxin.tickets.tests.helpers import submit


@pytest.fixture
def ticket(city, staff):
    return closed_ticket(city, staff)


def test_nominating_redacts_the_texts_and_records_an_internal_step(ticket, staff):
    case = cases.case_nominate(user=staff["reviewer"], ticket_id=ticket.pk, reason="噪音治理")
    assert "13812345678" not in case.problem
    assert "张某" in case.problem
    assert "【详细地址】" in case.problem
    assert "邹军建" not in case.handling
    assert case.reply.endswith("12345热线。")
    assert {"field": "problem", "kind": "phone", "text": "13812345678"} in case.found
    assert (case.status, case.unit, case.district) == (
        CaseStatus.NOMINATED,
        ticket.lead_unit,
        ticket.district,
    )
    event = TimelineEvent.objects.get(ticket=ticket, action="case_nominate")
    assert not event.public


def test_a_case_nominated_twice_is_a_conflict_and_changes_nothing(ticket, staff):
    cases.case_nominate(user=staff["reviewer"], ticket_id=ticket.pk)
    with pytest.raises(Conflict) as exc:
        cases.case_nominate(user=staff["intake"], ticket_id=ticket.pk)
    assert exc.value.code == "case_already_nominated"
    assert TypicalCase.objects.count() == 1
    assert TimelineEvent.objects.filter(action="case_nominate").count() == 1


def test_an_open_request_cannot_be_nominated(city, staff):
    ticket, _ = submit(city)
    with pytest.raises(Conflict) as exc:
        cases.case_nominate(user=staff["intake"], ticket_id=ticket.pk)
    assert exc.value.code == "case_not_closed"


def test_a_handler_cannot_nominate_but_the_unit_head_can(ticket, staff):
    with pytest.raises(PermissionDenied):
        cases.case_nominate(user=staff["zhujian"], ticket_id=ticket.pk)
    assert cases.case_nominate(user=staff["zhujian_head"], ticket_id=ticket.pk).pk


def test_publishing_needs_the_reviewers_check_and_indexes_the_case(ticket, staff):
    case = cases.case_nominate(user=staff["intake"], ticket_id=ticket.pk)
    with pytest.raises(ValidationFailed):
        cases.case_publish(user=staff["reviewer"], case_id=case.pk, confirmed=False)
    with pytest.raises(PermissionDenied):
        cases.case_publish(user=staff["intake"], case_id=case.pk, confirmed=True)
    case = cases.case_publish(user=staff["reviewer"], case_id=case.pk, confirmed=True)
    assert case.status == CaseStatus.PUBLISHED
    assert case.reviewed_by == staff["reviewer"]
    entry = SearchEntry.objects.get(kind="case", ref_id=case.pk)
    assert entry.url == f"/cases/{case.pk}/"
    event = TimelineEvent.objects.get(ticket=ticket, action="case_publish")
    assert cases.digest(case) in event.note


def test_the_reviewer_edits_then_publishes_and_withdraws(ticket, staff):
    case = cases.case_nominate(user=staff["intake"], ticket_id=ticket.pk)
    data = {
        "title": "夜间烧烤噪音",
        "problem": "烧烤店夜间噪音",
        "handling": "已核查",
        "reply": "已整改",
    }
    cases.case_edit(user=staff["reviewer"], case_id=case.pk, data=data, expected_version=0)
    with pytest.raises(Conflict):
        cases.case_edit(user=staff["reviewer"], case_id=case.pk, data=data, expected_version=0)
    cases.case_publish(user=staff["reviewer"], case_id=case.pk, confirmed=True)
    with pytest.raises(Conflict):
        cases.case_edit(user=staff["reviewer"], case_id=case.pk, data=data)
    with pytest.raises(ValidationFailed):
        cases.case_withdraw(user=staff["reviewer"], case_id=case.pk, reason="")
    case = cases.case_withdraw(user=staff["reviewer"], case_id=case.pk, reason="当事人要求")
    assert case.status == CaseStatus.WITHDRAWN
    assert not SearchEntry.objects.filter(kind="case", ref_id=case.pk).exists()
    assert TimelineEvent.objects.filter(ticket=ticket, action="case_withdraw").exists()
    with pytest.raises(Conflict):
        cases.case_withdraw(user=staff["reviewer"], case_id=case.pk, reason="again")


def test_an_empty_field_is_refused(ticket, staff):
    case = cases.case_nominate(user=staff["intake"], ticket_id=ticket.pk)
    data = {"title": "", "problem": "x", "handling": "x", "reply": "x"}
    with pytest.raises(ValidationFailed) as exc:
        cases.case_edit(user=staff["reviewer"], case_id=case.pk, data=data)
    assert exc.value.field == "title"
