"""Only intake, supervisors and administrators may see a submitter's contact; each reveal
is logged with its reason and witnessed by the audit chain; anonymous submitters have
nothing to reveal and nothing that points to them."""

from __future__ import annotations

import pytest

from minxin.audit.models import ChainEntry
from minxin.audit.verify import chain_verify
from minxin.core.errors import NotFound, PermissionDenied, ValidationFailed
from minxin.identity.models import SmsCode
from minxin.identity.services import sms_code_request
from minxin.privacy.models import RevealLog
from minxin.privacy.services import contact_reveal
from minxin.privacy.tests.helpers import ADDRESS, NAME, PHONE, submit_real_name
from minxin.tickets.models import Ticket, TimelineEvent
from minxin.tickets.tests.helpers import submit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["intake", "supervisor", "admin"])
def test_a_role_that_needs_it_sees_the_contact_and_leaves_a_trace(city, staff, role):
    ticket = submit_real_name(city)
    contact = contact_reveal(ticket_id=ticket.pk, user=staff[role], reason="电话核实地址")
    assert contact == {"name": NAME, "phone": PHONE, "address": ADDRESS}
    log = RevealLog.objects.get()
    assert (log.user, log.ticket_id, log.reason, log.role) == (
        staff[role],
        ticket.pk,
        "电话核实地址",
        staff[role].role,
    )
    assert ChainEntry.objects.filter(kind="reveal", ref=f"reveal:{log.pk}").exists()
    event = TimelineEvent.objects.get(ticket=ticket, action="reveal_contact")
    assert not event.public
    # The chain records who, when and a digest of the reason: no personal data.
    assert PHONE not in ChainEntry.objects.get(kind="reveal").payload
    assert chain_verify().ok


@pytest.mark.parametrize(
    "role", ["reviewer", "callback", "leader", "oversight", "zhujian", "zhujian_head"]
)
def test_other_roles_are_refused_and_nothing_is_logged(city, staff, role):
    ticket = submit_real_name(city)
    with pytest.raises(PermissionDenied):
        contact_reveal(ticket_id=ticket.pk, user=staff[role], reason="想看看")
    assert not RevealLog.objects.exists()


def test_an_inactive_account_is_refused(city, staff):
    ticket = submit_real_name(city)
    staff["intake"].is_active = False
    with pytest.raises(PermissionDenied):
        contact_reveal(ticket_id=ticket.pk, user=staff["intake"], reason="核实")


@pytest.mark.parametrize("reason", ["", "   ", "理" * 201])
def test_a_reason_is_required(city, staff, reason):
    ticket = submit_real_name(city)
    with pytest.raises(ValidationFailed):
        contact_reveal(ticket_id=ticket.pk, user=staff["intake"], reason=reason)
    assert not RevealLog.objects.exists()


def test_an_anonymous_submitter_cannot_be_revealed_or_traced(city, staff):
    ticket, password = submit(city)
    assert password
    with pytest.raises(NotFound):
        contact_reveal(ticket_id=ticket.pk, user=staff["admin"], reason="核实")
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.submitter_name, ticket.submitter_phone, ticket.submitter_phone_index) == (
        "",
        "",
        "",
    )
    # No IP is kept on requests, and SMS codes keep only keyed hashes of phone and IP.
    names = {f.name for f in Ticket._meta.get_fields()} | {
        f.name for f in SmsCode._meta.get_fields()
    }
    assert not {"ip", "ip_address", "remote_addr", "phone"} & names
    assert not SmsCode.objects.exists()


def test_sms_codes_keep_only_hashes(city):
    sms_code_request(phone=PHONE, ip="10.1.2.3")
    code = SmsCode.objects.get()
    assert PHONE not in code.phone_index
    assert "10.1.2.3" not in code.ip_index
    assert len(code.phone_index) == len(code.ip_index) == 64
