"""DATABASE_REPLICA_URL: the analytics pages read from the replica, everything else from default.

Under pytest the `replica` alias is a test mirror of default (the same database through a
second connection); `READ_REPLICA` switches the routing on as `DATABASE_REPLICA_URL` does.
"""

from __future__ import annotations

import pytest
from django.db import connections, router
from django.test.utils import CaptureQueriesContext

from minxin.core.replica import reading, replica_reads
from minxin.tickets.models import Ticket
from minxin.workbench.tests.helpers import as_user

BOTH = ["default", "replica"]
# (who, page, status): no ranking is published in the test city, so its page says 404.
ANALYTICS_PAGES = [
    ("leader", "/staff/dashboard/", 200),
    ("leader", "/staff/hotspots/", 200),
    (None, "/stats/", 200),
    (None, "/stats/ranking/", 404),
    (None, "/api/v1/stats/summary", 200),
]


def _read_tables(queries: list[dict]) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]


def _get(client, staff, role, url, status=200):  # type: ignore[no-untyped-def]
    if role:
        as_user(client, staff[role])
    with (
        CaptureQueriesContext(connections["default"]) as default,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = client.get(url)
    assert response.status_code == status, url
    return default, replica


def test_without_a_replica_every_read_goes_to_default(settings):  # type: ignore[no-untyped-def]
    settings.READ_REPLICA = ""
    assert reading() == "default"
    assert replica_reads(lambda: router.db_for_read(Ticket))() == "default"


# Transactional: a TestCase transaction on default would hide its rows from the replica's
# own connection (and on SQLite the two would wait on each other's write lock).
@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_without_a_replica_the_pages_query_default_only(client, staff, settings):  # type: ignore[no-untyped-def]
    settings.READ_REPLICA = ""
    for role, url, status in ANALYTICS_PAGES:
        default, replica = _get(client, staff, role, url, status)
        assert _read_tables(default.captured_queries), url
        assert replica.captured_queries == [], url


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_with_a_replica_the_analytics_pages_read_there(client, staff, settings):  # type: ignore[no-untyped-def]
    settings.READ_REPLICA = "replica"
    for role, url, status in ANALYTICS_PAGES:
        default, replica = _get(client, staff, role, url, status)
        assert _read_tables(replica.captured_queries), url
        # On default at most the login's session and user: no figures, requests or units.
        for sql in _read_tables(default.captured_queries):
            assert any(t in sql for t in ('"django_session"', '"accounts_', '"auth_')), sql
        for sql in replica.captured_queries:
            assert sql["sql"].lstrip().upper().startswith("SELECT"), sql


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_with_a_replica_other_pages_and_all_writes_stay_on_default(client, staff, settings):  # type: ignore[no-untyped-def]
    settings.READ_REPLICA = "replica"
    assert reading() == "replica"
    assert replica_reads(lambda: router.db_for_write(Ticket))() == "default"
    assert router.db_for_read(Ticket) == "default"  # outside an analytics view
    default, replica = _get(client, staff, "intake", "/staff/")
    assert _read_tables(default.captured_queries)
    assert replica.captured_queries == []
