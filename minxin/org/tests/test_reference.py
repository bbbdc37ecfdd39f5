"""The request types a submission reads come from a per-process copy: no query per
submission, a type added since is found at once, an edit counts once the copy expires."""

from __future__ import annotations

import pytest

from minxin.core import process_cache
from minxin.org import reference
from minxin.org.models import RequestType

pytestmark = pytest.mark.django_db


def test_request_types_are_read_once_per_process(city, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert reference.request_type_by_code("complaint").name == "投诉"
    with django_assert_num_queries(0):
        assert reference.request_type_by_code("complaint").name == "投诉"


def test_a_type_added_since_is_found_and_an_unknown_code_is_none(city):
    reference.request_type_by_code("complaint")
    RequestType.objects.create(code="praise", name="表扬")
    assert reference.request_type_by_code("praise").name == "表扬"
    assert reference.request_type_by_code("nope") is None


def test_an_edited_time_limit_counts_once_the_copy_expires(city, monkeypatch):
    assert reference.request_type_by_code("complaint").accept_hours != 1
    RequestType.objects.filter(code="complaint").update(accept_hours=1)
    monkeypatch.setattr(process_cache, "monotonic", lambda: 10.0**9)  # a day later
    assert reference.request_type_by_code("complaint").accept_hours == 1
