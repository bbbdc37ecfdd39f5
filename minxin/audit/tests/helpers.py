"""A few requests walked through the services, so the chain has something in it."""

from __future__ import annotations

from django.db import connection

from minxin.tickets import services as svc
from minxin.tickets.tests.helpers import as_staff, submit


def some_history(city: dict, staff: dict, requests: int = 3) -> None:
    for i in range(requests):
        ticket, _ = submit(city, phone=f"1380000000{i}", title=f"诉求{i}")
        svc.ticket_accept(ticket_id=ticket.pk, actor=as_staff(staff["intake"]))


def sql(statement: str, *params: object) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, list(params))
