"""Citizen pages read a bounded number of SQL queries, however many requests a citizen has
or a request's timeline holds (docs/benchmarks.md, "Pages at 100,000 requests")."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from minxin.identity.services import citizen_token_issue
from minxin.portal import session
from minxin.tickets.models import Ticket
from minxin.tickets.tests.helpers import submit, to_signed

pytestmark = pytest.mark.django_db
PHONE = "13900139001"
MAX_QUERIES = 10


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def _verified(client: Client) -> Client:
    s = client.session
    s[session.TOKEN_KEY] = citizen_token_issue(phone=PHONE)
    s.save()
    return client


def _pages(ticket: Ticket) -> list[str]:
    return ["/", "/submit/", "/track/", "/track/mine/", f"/track/{ticket.tracking_code}/"]


def test_citizen_pages_do_not_query_per_request(client, city, staff):
    first, _ = submit(city, phone=PHONE)
    client = _verified(client)
    before = {url: _count(client, url) for url in _pages(first)}
    for _ in range(5):
        submit(city, phone=PHONE)
    to_signed(first, staff)  # three more timeline events
    after = {url: _count(client, url) for url in _pages(first)}
    # At most one more: a dispatched request also shows its handling unit.
    grew = {url: (before[url], after[url]) for url in after if after[url] > before[url] + 1}
    assert not grew, f"queries grew with the requests or the timeline: {grew}"
    assert max(after.values()) <= MAX_QUERIES, after
