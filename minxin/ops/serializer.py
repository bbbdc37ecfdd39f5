"""`dumpdata`'s JSON Lines with full-precision times, for backups.

Django's JSON encoder cuts datetimes to milliseconds. The audit chain hashes times to the
microsecond, so a backup written that way would restore a chain that no longer verifies.
Registered as the serialization format `mxjsonl` (settings.SERIALIZATION_MODULES)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder


class FullPrecisionEncoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


class Serializer(jsonl.Serializer):
    def start_serialization(self) -> None:
        super().start_serialization()
        self.json_kwargs["cls"] = FullPrecisionEncoder


Deserializer = jsonl.Deserializer
