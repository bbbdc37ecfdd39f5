"""The intake home and queue ask the database the same number of times for 2 rows or 12."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from minxin.routing.tests.helpers import submit
from minxin.workbench.tests.helpers import as_user


def count(client, path: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_intake_pages_use_constant_queries(client, city, staff):
    intake = as_user(client, staff["intake"])
    for i in range(2):
        submit(city, f"路灯不亮{i}", f"第{i}条路的路灯坏了", path="城乡建设/市政设施")
    paths = ("/staff/", "/staff/queues/intake/")
    for path in paths:  # the first request of a session costs a few one-off queries
        count(intake, path)
    few = {path: count(intake, path) for path in paths}
    for i in range(10):  # no district: ten alike in one district would be a group request,
        # and the 风险预警 list above the queue would then need its count (one query)
        submit(
            city, f"噪音扰民{i}", f"第{i}家工地夜间施工", path="环境保护/噪声污染", district=None
        )
    for path, queries in few.items():
        assert count(intake, path) == queries, path
