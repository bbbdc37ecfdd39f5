"""Shared steps for the workbench tests."""

from __future__ import annotations

from django.test import Client

from minxin.accounts.models import User
from minxin.tickets.models import Ticket
from minxin.tickets.tests.helpers import submit


def new_ticket(
    city: dict, *, phone: str | None = "13800001111", title: str = "小区电梯故障"
) -> Ticket:
    ticket, _ = submit(city, phone=phone, title=title)
    return ticket


def fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def as_user(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def post_action(client: Client, ticket: Ticket, action: str, **data: object):  # type: ignore[no-untyped-def]
    """Post an action form the way the page does: with the version it was rendered at."""
    data.setdefault("version", fresh(ticket).version)
    return client.post(f"/staff/requests/{ticket.pk}/{action}/", data)
