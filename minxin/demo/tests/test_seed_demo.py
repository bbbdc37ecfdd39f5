from __future__ import annotations

import pytest
from django.core.management import call_command

from minxin.core import clock
from minxin.demo import city
from minxin.notify.models import InboxMessage
from minxin.org.models import Category, Unit
from minxin.risk.models import TicketInsight
from minxin.similar.models import DuplicateFlag
from minxin.tickets.models import Status, Ticket, TimelineEvent

pytestmark = pytest.mark.django_db


def test_it_loads_a_believable_city_with_requests_in_every_state(capsys):
    call_command("seed_demo", "--requests", "44")
    assert 18 <= Unit.objects.count() <= 30
    assert Category.objects.filter(parent=None).count() == 7
    assert Category.objects.exclude(parent=None).count() >= 14
    assert set(Ticket.objects.values_list("status", flat=True)) == set(Status.values)
    for ticket in Ticket.objects.all():
        assert ticket.events.order_by("at", "id").last().to_status == ticket.status
    assert "minxin-demo-2026" in capsys.readouterr().out


def test_running_it_twice_changes_nothing():
    call_command("seed_demo", "--requests", "11")
    call_command("seed_demo", "--requests", "11")
    assert Ticket.objects.count() == 11 + len(city.RECENT)


def test_requests_are_submitted_oldest_first_so_duplicates_point_back_in_time():
    call_command("seed_demo", "--requests", "66")
    assert not TimelineEvent.objects.filter(at__gt=clock.now()).exists()  # nothing ahead
    flags = DuplicateFlag.objects.select_related("ticket", "similar_to")
    assert flags.exists()
    for flag in flags:
        # The workbench calls `similar_to` "更早的诉求": it must be.
        assert flag.similar_to.created_at <= flag.ticket.created_at, flag


def test_the_latest_requests_show_the_risk_signals():
    call_command("seed_demo", "--requests", "11")
    latest = TicketInsight.objects.filter(ticket__status=Status.SUBMITTED)
    dangers = {c for i in latest.filter(risk_level="critical") for c in i.signals["categories"]}
    assert dangers == {"gas", "self_harm"}
    assert latest.filter(signals__group__count=5).count() == 1
    assert InboxMessage.objects.filter(event="risk").count() == 3  # one supervisor, 3 alerts


def test_the_demo_has_open_data_at_once_published_once(client):
    assert client.get("/open-data/").status_code == 404  # before the seed, as in any city
    call_command("seed_demo", "--requests", "11")
    first = client.get("/open-data/")
    assert first.status_code == 200
    manifest = first.json()
    assert manifest["records"] == Ticket.objects.filter(created_at__date__lt=clock.today()).count()
    assert manifest["records"] > 0
    assert client.get("/open-data/requests.csv").status_code == 200
    call_command("seed_demo", "--requests", "11")
    assert client.get("/open-data/").json()["generated_at"] == manifest["generated_at"]
