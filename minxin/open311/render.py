"""Open311 answers in JSON or XML, chosen by the URL's extension as the spec does, and the
spec's error format: `[{"code": 400, "description": "…"}]` or `<errors><error>…</error></errors>`.
"""

from __future__ import annotations

import json
from xml.etree import ElementTree

from django.http import HttpResponse

from minxin.core.errors import DomainError

# The element name of one item in each list the spec defines.
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


def respond(fmt: str, root: str, data: list | dict, *, status: int = 200) -> HttpResponse:
    """`root` names the XML document element (`services`, `service_requests`, …); JSON is
    the data as it is."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False).encode()
    else:
        element = _element(root, data)
        body = ElementTree.tostring(element, encoding="utf-8", xml_declaration=True)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return respond(fmt, "errors", [{"code": status, "description": description}], status=status)


def domain_error(fmt: str, exc: DomainError) -> HttpResponse:
    # Minxin's 422 (the input broke a rule) is the spec's 400.
    status = 400 if exc.status == 422 else exc.status
    return error(fmt, status, exc.message)


def _element(tag: str, value: object) -> ElementTree.Element:
    element = ElementTree.Element(tag)
    if isinstance(value, dict):
        for key, child in value.items():
            element.append(_element(key, child))
    elif isinstance(value, list):
        item = ITEMS.get(tag, "item")
        for child in value:
            element.append(_element(item, child))
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)
    return element
