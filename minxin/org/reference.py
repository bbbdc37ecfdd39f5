"""Reference data every submission reads, kept per process (`core.process_cache`): the request
types and their time limits. An administrator's edit reaches every process within
REFERENCE_TTL seconds; a type added since is read at once (a code not held is looked up)."""

from __future__ import annotations

from minxin.core.process_cache import ProcessCache
from minxin.org.models import RequestType

REFERENCE_TTL = 60.0


def _load_types(_key: None, _previous: dict[str, RequestType] | None) -> dict[str, RequestType]:
    return {t.code: t for t in RequestType.objects.all()}


types: ProcessCache[None, dict[str, RequestType]] = ProcessCache(
    "request types", _load_types, ttl=REFERENCE_TTL
)


def request_type_by_code(code: str) -> RequestType | None:
    held = types.get(None).get(code)
    if held is None:  # added since the copy was taken, or no such type
        return RequestType.objects.filter(code=code).first()
    return held
