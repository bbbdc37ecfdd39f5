"""One request through every page: intake dispatches, the unit signs and replies, the
reviewer approves, the callback agent records the citizen's rating."""

from __future__ import annotations

from minxin.tickets.models import Status
from minxin.workbench.tests.helpers import as_user, fresh, new_ticket, post_action


def test_full_walk_through_the_pages(client, city, staff):
    ticket = new_ticket(city)
    unit = staff["zhujian"].unit

    as_user(client, staff["intake"])
    page = client.get(f"/staff/requests/{ticket.pk}/").content.decode()
    assert "派遣" in page
    assert "受理" in page
    response = post_action(
        client,
        ticket,
        "dispatch",
        lead_unit_id=unit.pk,
        co_unit_ids=[city["units"]["chengguan"].pk],
        note="请尽快处理",
    )
    assert response.status_code == 302, response.content.decode()
    assert fresh(ticket).status == Status.DISPATCHED
    assert "已派遣" in client.get(response["Location"]).content.decode()

    as_user(client, staff["zhujian"])
    assert ticket.display_code in client.get("/staff/").content.decode()
    assert post_action(client, ticket, "sign").status_code == 302
    assert fresh(ticket).status == Status.SIGNED
    response = post_action(
        client,
        ticket,
        "reply",
        facts="已到现场核实",
        solved="1",
        public_reply="电梯已修复并通过检测",
    )
    assert response.status_code == 409  # the co-handling unit has not given its opinion
    assert "尚未提交协办意见" in response.content.decode()
    response = post_action(
        client,
        ticket,
        "reply",
        facts="已到现场核实",
        solved="1",
        public_reply="电梯已修复并通过检测",
        proceed_reason="城管局已电话反馈，书面意见随后补交",
    )
    assert response.status_code == 302
    assert fresh(ticket).status == Status.REPLIED

    as_user(client, staff["reviewer"])
    assert "电梯已修复并通过检测" in client.get(f"/staff/requests/{ticket.pk}/").content.decode()
    assert post_action(client, ticket, "approve", note="同意").status_code == 302
    assert fresh(ticket).status == Status.PUBLISHED

    as_user(client, staff["callback"])
    response = post_action(client, ticket, "rate", satisfaction="satisfied", comment="电话回访满意")
    assert response.status_code == 302
    done = fresh(ticket)
    assert done.status == Status.CLOSED
    assert done.rated_by == "callback"

    page = client.get(f"/staff/requests/{ticket.pk}/").content.decode()
    for step in ("提交诉求", "派遣", "签收", "提交办理结果", "审核通过并公开答复", "评价"):
        assert step in page
    assert "归档" in page  # callback may archive what is closed
    assert post_action(client, ticket, "archive").status_code == 302
    assert fresh(ticket).status == Status.ARCHIVED


def test_validation_error_keeps_what_was_typed(client, city, staff):
    ticket = new_ticket(city)
    as_user(client, staff["intake"])
    post_action(client, ticket, "dispatch", lead_unit_id=staff["zhujian"].unit_id)
    as_user(client, staff["zhujian"])
    post_action(client, ticket, "sign")
    response = post_action(
        client, ticket, "reply", facts="现场核实的详细情况", solved="0", public_reply="答复"
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "请填写未解决原因" in page
    assert "现场核实的详细情况" in page  # nothing typed is lost
    assert 'aria-invalid="true"' in page
    assert fresh(ticket).status == Status.SIGNED


def test_unit_returns_and_intake_redispatches(client, city, staff):
    ticket = new_ticket(city)
    as_user(client, staff["intake"])
    post_action(client, ticket, "dispatch", lead_unit_id=staff["renshe"].unit_id)
    as_user(client, staff["renshe"])
    response = post_action(client, ticket, "return", reason="不属于本单位职责")
    # The request has left the unit's scope: back to the home page, not a 404.
    assert response["Location"] == "/staff/"
    as_user(client, staff["intake"])
    assert ticket.display_code in client.get("/staff/").content.decode()
    post_action(client, ticket, "dispatch", lead_unit_id=staff["zhujian"].unit_id)
    assert fresh(ticket).lead_unit_id == staff["zhujian"].unit_id


def test_extension_requested_and_approved(client, city, staff):
    ticket = new_ticket(city)
    as_user(client, staff["intake"])
    post_action(client, ticket, "dispatch", lead_unit_id=staff["zhujian"].unit_id)
    as_user(client, staff["zhujian"])
    post_action(client, ticket, "sign")
    due = fresh(ticket).due_at
    assert (
        post_action(
            client, ticket, "request-extension", days=3, reason="需要多部门协调"
        ).status_code
        == 302
    )
    ext = fresh(ticket).extensions.get()
    as_user(client, staff["intake"])
    response = post_action(
        client, ticket, "decide-extension", extension_id=ext.pk, decision="approve"
    )
    assert response.status_code == 302
    assert fresh(ticket).due_at > due


def test_consultation_answered_at_intake(client, city, staff):
    from minxin.tickets.tests.helpers import submit

    ticket, _ = submit(city, kind="consultation", phone="13800002222", title="如何办理")
    as_user(client, staff["intake"])
    assert post_action(client, ticket, "answer", public_reply="请携带身份证办理").status_code == 302
    assert fresh(ticket).status == Status.PUBLISHED
