"""Read replica for the analytics pages (docs/operations.md "Read replica").

With `DATABASE_REPLICA_URL` set, settings add the `replica` alias and `READ_REPLICA` names
it. Views wrapped in `replica_reads` (dashboard, public statistics, hotspots, rankings) send
their reads there through `ReplicaRouter`; every write, and every read anywhere else, stays
on `default`. Without the setting `reading()` is `default` and nothing changes.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.conf import settings

ALIAS = "replica"
# Reads that must see the latest write even inside a replica view: rate-limit counters and
# the database cache, sessions, the audit chain, the probe's migration check.
PRIMARY_ONLY_APPS = frozenset({"audit", "django_cache", "migrations", "ops", "sessions"})

_active: contextvars.ContextVar[bool] = contextvars.ContextVar("replica_reads", default=False)

P = ParamSpec("P")
R = TypeVar("R")


def reading() -> str:
    """The alias analytics reads use: the replica when configured, else `default`."""
    return getattr(settings, "READ_REPLICA", "") or "default"


def replica_reads(view: Callable[P, R]) -> Callable[P, R]:
    """Route the reads of `view` (and of everything it calls) to `reading()`."""

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        token = _active.set(True)
        try:
            return view(*args, **kwargs)
        finally:
            _active.reset(token)

    return wrapped


class ReplicaRouter:
    """Reads inside `replica_reads` go to the replica; all else to `default`."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if _active.get() and model._meta.app_label not in PRIMARY_ONLY_APPS:
            return reading()
        return None

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the same rows as default: objects from either may be related.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # The replica follows default by replication; migrations run on default only.
        return db != ALIAS
