"""Every shape the API answers with is declared: no object without its properties, no list
of anything. Checked on the OpenAPI document itself, so a `dict` or `list[dict]` field added
anywhere the API serves fails here."""

from __future__ import annotations

from typing import Any

from minxin.api.api import api
from minxin.api.records_out import OrdersByOutcomeOut, OrdersByReasonOut, RatesOut, RatingsOut
from minxin.supervision.models import SupervisionOrder
from minxin.supervision.records import RATED
from minxin.tickets.models import Satisfaction

# Maps still served with free keys, each kept only until it is declared: the list only
# shrinks (the test fails when an entry is no longer found).
KNOWN_MAPS: dict[str, str] = {}


def undeclared(node: Any, path: str = "") -> list[str]:
    """The paths in the document of objects with no declared properties, of maps (free keys)
    and of arrays whose items are not declared."""
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" not in node:
            found.append(path)
        elif "additionalProperties" in node and node["additionalProperties"] is not False:
            found.append(path)
        if node.get("type") == "array" and not node.get("items"):
            found.append(path)
        for key, value in node.items():
            found += undeclared(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += undeclared(value, f"{path}[{i}]")
    return found


def test_every_shape_the_api_serves_is_declared() -> None:
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    assert sorted(undeclared(document)) == sorted(KNOWN_MAPS)


def test_a_units_record_declares_its_period_and_counts() -> None:
    schemas = api.get_openapi_schema(path_prefix="/api/v1/")["components"]["schemas"]
    assert schemas["PeriodOut"]["required"] == ["from", "to"]
    assert set(OrdersByReasonOut.__annotations__) == set(SupervisionOrder.Reason.values)
    assert set(OrdersByOutcomeOut.__annotations__) == set(SupervisionOrder.Outcome.values)
    assert set(RatingsOut.model_fields) == set(Satisfaction.values)
    assert set(RatesOut.model_fields) == {s.value for s in RATED}
