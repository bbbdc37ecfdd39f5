"""Where the process-counted figures come from: Django's failed sign-in signal, and Huey's
signals around each periodic task (its duration lands in `TaskRun`)."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.contrib.auth.signals import user_login_failed
from django.db import DatabaseError
from django.db.models import F

from minxin.core import clock
from minxin.ops import metrics

log = logging.getLogger(__name__)
_started: dict[str, tuple[float, Any]] = {}


def surface(request: Any) -> str:
    path = getattr(request, "path", "") or ""
    for prefix, name in (("/api/", "api"), ("/admin/", "admin"), ("/staff/", "workbench")):
        if path.startswith(prefix):
            return name
    return "portal" if path else "other"


def _login_failed(sender: Any, credentials: Any = None, request: Any = None, **_: Any) -> None:
    metrics.login_failed(surface(request))


def connect() -> None:
    user_login_failed.connect(_login_failed, dispatch_uid="ops-login-failed")
    from huey.api import PeriodicTask
    from huey.contrib.djhuey import HUEY
    from huey.signals import SIGNAL_COMPLETE, SIGNAL_ERROR, SIGNAL_EXECUTING

    @HUEY.signal(SIGNAL_EXECUTING)
    def _executing(signal: str, task: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(task, PeriodicTask):
            _started[task.id] = (time.perf_counter(), clock.now())

    @HUEY.signal(SIGNAL_COMPLETE, SIGNAL_ERROR)
    def _finished(signal: str, task: Any, *args: Any, **kwargs: Any) -> None:
        begun = _started.pop(task.id, None) if isinstance(task, PeriodicTask) else None
        if begun is not None:
            record_run(
                task.name, begun[1], time.perf_counter() - begun[0], signal == SIGNAL_COMPLETE
            )


def record_run(name: str, started_at: Any, seconds: float, ok: bool) -> None:
    """Upsert the task's last run; counted with F() so two workers never lose a run."""
    from minxin.ops.models import TaskRun

    try:
        TaskRun.objects.get_or_create(
            name=name, defaults={"started_at": started_at, "duration_seconds": 0, "ok": ok}
        )
        TaskRun.objects.filter(name=name).update(
            started_at=started_at,
            duration_seconds=seconds,
            ok=ok,
            runs=F("runs") + 1,
            failures=F("failures") + (0 if ok else 1),
        )
    except DatabaseError:
        log.exception("could not record the run of %s", name)
