"""schemathesis against the OpenAPI schema, over HTTP against a live server: nothing any
client can send causes a 500."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from minxin.api.api import api as ninja_api

schema = schemathesis.openapi.from_dict(ninja_api.get_openapi_schema(path_prefix="/api/v1/"))


@pytest.fixture
def admin_token(live_server, transactional_db, city, api) -> str:  # type: ignore[no-untyped-def]
    return api.login("admin")


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_input_causes_a_server_error(case, admin_token, live_server):  # type: ignore[no-untyped-def]
    case.call_and_validate(
        base_url=live_server.url,
        checks=[not_a_server_error],
        headers={"Authorization": f"Bearer {admin_token}"},
    )
