"""What one submission costs the citizen's request, locked: the statements it runs once the
reading of the request and the linking of the audit chain are the worker's (decision 0003).
A new query on this path fails here first; raise the figure only with a reason."""

from __future__ import annotations

import json

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

BODY = {
    "request_type": "complaint",
    "title": "小区门口路灯不亮",
    "content": "小区东门外的三盏路灯已经连续一周不亮，晚上出行很不方便。",
    "anonymous": True,
    "channel": "api",
}
# Counted inside the test's own transaction, savepoints included. PostgreSQL: the holiday
# calendar's generation (twice; Redis in production, the database cache here), the request
# and its search grams (each in a savepoint), the timeline event, the pending chain entries,
# the day's rollup mark and the note that the request waits to be read: 14. (On the bench
# stack, `benchmarks/profile_requests.py`: 13 statements with BEGIN and COMMIT, 28 before.)
# SQLite links the chain at once (5 more) and writes the grams as a row of its own (1 more).
STATEMENTS = {"postgresql": 14, "sqlite": 20}


def _submit(client) -> dict:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/requests", json.dumps(BODY), content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def test_a_submission_runs_a_fixed_handful_of_statements(
    city, client, settings, django_assert_num_queries
):
    settings.RISK_ANALYSIS_IN_WORKER = True
    settings.AUDIT_LINK_IN_WORKER = True
    _submit(client)  # the request types are now held by this process
    with django_assert_num_queries(STATEMENTS[connection.vendor]):
        answer = _submit(client)
    assert answer["tracking_code"]
    assert answer["query_password"]
    assert answer["status"] == "submitted"
