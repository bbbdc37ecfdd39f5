"""Staff pages read a bounded number of SQL queries, whatever the number of requests: a
query per row (N+1) would make them slow at a city's volume (docs/benchmarks.md, "Pages at
100,000 requests"). Each page is read with some requests in every state, then with twice as
many: the count may grow by at most EMPTY_LIST_GROWTH (a list that was empty looks up its
rows' marks once it has rows), never by a query per row, and stays under a ceiling."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from minxin.demo.seed import add_requests
from minxin.tickets.models import Status, Ticket
from minxin.workbench.tests.helpers import as_user

# (persona, page); {ticket}, {order}, {unit} are filled in from the seeded requests.
PAGES = [
    ("handler", "/staff/"),
    ("zhujian_head", "/staff/"),
    ("reviewer", "/staff/"),
    ("callback", "/staff/"),
    ("supervisor", "/staff/"),
    ("leader", "/staff/"),
    ("callback", "/staff/queues/to_archive/"),
    ("supervisor", "/staff/queues/overdue/"),
    ("reviewer", "/staff/queues/review/"),
    ("handler", "/staff/queues/handling/"),
    # Sorted and filtered queues: the breakdown counts are two queries, never one a row.
    ("intake", "/staff/queues/intake/?sort=risk&type=complaint&overdue=on"),
    ("supervisor", "/staff/queues/overdue/?sort=deadline&risk=high"),
    ("handler", "/staff/queues/handling/?sort=newest&channel=web"),
    ("admin", "/staff/requests/{ticket}/"),
    ("handler", "/staff/requests/{ticket}/"),
    ("intake", "/staff/search/?q="),
    ("intake", "/staff/search/?q=%E5%B0%8F%E5%8C%BA"),
    ("handler", "/staff/search/?status=closed&overdue=on"),
    ("intake", "/staff/search/export.xlsx?q="),
    ("supervisor", "/staff/supervision/?state=all"),
    ("handler", "/staff/supervision/"),
    ("supervisor", "/staff/units/{unit}/record/"),
    ("leader", "/staff/units/?sort=overdue"),
    ("handler", "/staff/inbox/"),
    ("intake", "/staff/inbox/"),
]
MAX_QUERIES = 25
EMPTY_LIST_GROWTH = 2


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:  # the export reads its rows as it streams them
            b"".join(response.streaming_content)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def _counts(client: Client, ids: dict) -> dict[tuple[str, str], int]:
    counts = {}
    for persona, page in PAGES:
        client.logout()
        counts[persona, page] = _count(as_user(client, ids["staff"][persona]), page.format(**ids))
    return counts


@pytest.mark.django_db
def test_staff_pages_do_not_query_per_row(client, city, staff):
    add_requests(24)
    # A finished request of the busiest unit; "handler" is that unit's handler (named after
    # the unit), whose lists then have rows to begin with.
    finished = Ticket.objects.filter(status=Status.ARCHIVED).exclude(lead_unit=None)
    busiest = (
        Ticket.objects.filter(lead_unit__in=finished.values("lead_unit"))
        .values("lead_unit")
        .annotate(n=Count("id"))
        .order_by("-n", "lead_unit")[0]
    )
    ticket = finished.filter(lead_unit=busiest["lead_unit"]).first()
    handler = staff[ticket.lead_unit.code]
    ids = {"ticket": ticket.pk, "unit": handler.unit_id, "staff": {**staff, "handler": handler}}
    before = _counts(client, ids)
    add_requests(24, first=24)
    after = _counts(client, ids)
    grew = {
        page: (before[page], after[page])
        for page in before
        if after[page] > before[page] + EMPTY_LIST_GROWTH
    }
    assert not grew, f"queries grew with the number of requests: {grew}"
    heavy = {page: n for page, n in after.items() if n > MAX_QUERIES}
    assert not heavy, f"more than {MAX_QUERIES} queries: {heavy}"
