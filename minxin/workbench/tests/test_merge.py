"""并案 from the intake page: by tracking code or id, the link shown on both requests, and
every wrong persona refused."""

from __future__ import annotations

import pytest

from minxin.tickets import services as svc
from minxin.tickets.models import Status
from minxin.tickets.tests.helpers import as_staff
from minxin.workbench.tests.helpers import as_user, fresh, new_ticket, post_action


def pair(city):  # type: ignore[no-untyped-def]
    return new_ticket(city, title="三号楼电梯又坏了"), new_ticket(city, title="小区电梯故障")


def test_intake_merges_by_tracking_code_and_both_pages_link(client, city, staff):
    duplicate, primary = pair(city)
    as_user(client, staff["intake"])
    page = client.get(f"/staff/requests/{duplicate.pk}/").content.decode()
    assert f"/staff/requests/{duplicate.pk}/merge/" in page
    response = post_action(
        client, duplicate, "merge", into_id=primary.display_code.lower(), note="同一部电梯"
    )
    assert response.status_code == 302, response.content.decode()
    merged = fresh(duplicate)
    assert merged.status == Status.MERGED
    assert merged.merged_into_id == primary.pk
    page = client.get(response["Location"]).content.decode()
    assert "已并案" in page
    assert "本件已并入诉求" in page
    assert f'href="/staff/requests/{primary.pk}/">{primary.display_code}' in page
    page = client.get(f"/staff/requests/{primary.pk}/").content.decode()
    assert "以下诉求已并入本件" in page
    assert f'href="/staff/requests/{duplicate.pk}/">{duplicate.display_code}' in page


def test_merge_by_id(client, city, staff):
    duplicate, primary = pair(city)
    as_user(client, staff["admin"])
    assert post_action(client, duplicate, "merge", into_id=str(primary.pk)).status_code == 302
    assert fresh(duplicate).merged_into_id == primary.pk


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("", "请填写要并入的诉求"),
        ("ZZZZZ-ZZZZZ", "没有找到该诉求"),
        ("999999", "没有找到该诉求"),
        ("SELF", "不能与自身并案"),
    ],
)
def test_bad_targets_are_shown_beside_the_field(client, city, staff, target, message):
    duplicate, _ = pair(city)
    as_user(client, staff["intake"])
    target = duplicate.display_code if target == "SELF" else target
    response = post_action(client, duplicate, "merge", into_id=target, note="说明")
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page
    assert 'aria-invalid="true"' in page
    assert "说明</textarea>" in page
    assert fresh(duplicate).status == Status.SUBMITTED


def test_merging_into_a_merged_request_is_a_conflict(client, city, staff):
    duplicate, primary = pair(city)
    third = new_ticket(city)
    svc.ticket_merge(ticket_id=primary.pk, into_id=third.pk, actor=as_staff(staff["intake"]))
    as_user(client, staff["intake"])
    assert post_action(client, duplicate, "merge", into_id=str(primary.pk)).status_code == 409
    assert fresh(duplicate).status == Status.SUBMITTED


def test_merge_is_offered_only_before_dispatch(client, city, staff):
    ticket, _ = pair(city)
    svc.ticket_dispatch(
        ticket_id=ticket.pk, actor=as_staff(staff["intake"]), lead_unit_id=staff["zhujian"].unit_id
    )
    as_user(client, staff["intake"])
    assert (
        f"/staff/requests/{ticket.pk}/merge/"
        not in client.get(f"/staff/requests/{ticket.pk}/").content.decode()
    )


@pytest.mark.parametrize("persona", ["reviewer", "callback", "supervisor", "leader"])
def test_non_intake_roles_are_refused(client, city, staff, persona):
    duplicate, primary = pair(city)
    as_user(client, staff[persona])
    page = client.get(f"/staff/requests/{duplicate.pk}/").content.decode()
    assert f"/staff/requests/{duplicate.pk}/merge/" not in page
    response = post_action(client, duplicate, "merge", into_id=str(primary.pk))
    assert response.status_code == 403
    assert fresh(duplicate).status == Status.SUBMITTED


def test_units_cannot_see_undispatched_requests_to_merge(client, city, staff):
    duplicate, primary = pair(city)
    as_user(client, staff["zhujian"])
    assert post_action(client, duplicate, "merge", into_id=str(primary.pk)).status_code == 404


def test_stale_page_is_a_conflict(client, city, staff):
    duplicate, primary = pair(city)
    as_user(client, staff["intake"])
    response = post_action(
        client, duplicate, "merge", into_id=str(primary.pk), version=fresh(duplicate).version + 1
    )
    assert response.status_code == 409
