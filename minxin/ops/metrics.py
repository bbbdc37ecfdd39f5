"""`/metrics` in Prometheus text format.

Two kinds of figures:

- counted in the process that saw them: request latency and login failures. Under gunicorn
  with several workers, set `PROMETHEUS_MULTIPROC_DIR` to an empty directory per node
  (cleared before the server starts); every worker then writes its counts there and any
  worker's `/metrics` reports the node's total;
- read from the database at scrape time, the same from every node: queue depth, outbox
  backlog and age, open and overdue requests, and each periodic task's last run (the
  deadline sweep's duration among them), which the worker records in `ops.TaskRun`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

from django.db import DatabaseError
from django.db.models import Count, Min
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from minxin.core import clock

log = logging.getLogger(__name__)

REQUEST_SECONDS = Histogram(
    "minxin_http_request_duration_seconds",
    "Time to answer an HTTP request, by URL pattern",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=None,
)
LOGIN_FAILURES = Counter(
    "minxin_login_failures_total",
    "Failed sign-ins (wrong password, wrong or reused one-time code), by where they happened",
    ["surface"],
    registry=None,
)
_IN_PROCESS = (REQUEST_SECONDS, LOGIN_FAILURES)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(method, route, str(status)).observe(seconds)


def login_failed(surface: str) -> None:
    LOGIN_FAILURES.labels(surface).inc()


def exposition() -> bytes:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        for metric in _IN_PROCESS:
            registry.register(metric)
    registry.register(StateCollector())
    return generate_latest(registry)


class StateCollector(Collector):
    """Figures read from the database and the queue when Prometheus scrapes."""

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        ok = GaugeMetricFamily(
            "minxin_scrape_state_ok", "1 when the database and queue figures below were read"
        )
        try:
            families = [*_queue(), *_outbox(), *_chain(), *_requests(), *_tasks()]
        except DatabaseError:
            log.exception("metrics: the database could not be read")
            ok.add_metric([], 0)
            yield ok
            return
        ok.add_metric([], 1)
        yield ok
        yield from families


def _queue() -> list[GaugeMetricFamily]:
    from huey.contrib.djhuey import HUEY

    depth = GaugeMetricFamily("minxin_queue_depth", "Background tasks waiting for a worker")
    depth.add_metric([], HUEY.pending_count())
    scheduled = GaugeMetricFamily(
        "minxin_queue_scheduled", "Background tasks scheduled for later (retries, delays)"
    )
    scheduled.add_metric([], HUEY.scheduled_count())
    return [depth, scheduled]


def _outbox() -> list[GaugeMetricFamily]:
    from minxin.notify.models import Status
    from minxin.notify.services import CHANNELS

    backlog = GaugeMetricFamily(
        "minxin_outbox_backlog", "Messages accepted and not yet delivered", labels=["channel"]
    )
    age = GaugeMetricFamily(
        "minxin_outbox_oldest_age_seconds",
        "Age of the oldest message not yet delivered (0 when none waits)",
        labels=["channel"],
    )
    stuck = GaugeMetricFamily(
        "minxin_outbox_given_up",
        "Messages that failed for good or wait for a person to check them",
        labels=["channel"],
    )
    now = clock.now()
    for channel, model in CHANNELS.items():
        waiting = model.objects.filter(status__in=[Status.PENDING, Status.SENDING]).aggregate(
            n=Count("pk"), oldest=Min("created_at")
        )
        backlog.add_metric([channel], waiting["n"])
        oldest = waiting["oldest"]
        age.add_metric([channel], (now - oldest).total_seconds() if oldest else 0)
        given_up = model.objects.filter(status__in=[Status.FAILED, Status.UNCERTAIN]).count()
        stuck.add_metric([channel], given_up)
    return [backlog, age, stuck]


def _chain() -> list[GaugeMetricFamily]:
    from minxin.audit.models import PendingEntry

    waiting = PendingEntry.objects.aggregate(n=Count("pk"), oldest=Min("at"))
    backlog = GaugeMetricFamily(
        "minxin_audit_pending_entries", "Audit chain entries committed and not yet linked"
    )
    backlog.add_metric([], waiting["n"])
    age = GaugeMetricFamily(
        "minxin_audit_pending_oldest_age_seconds",
        "Age of the oldest audit entry not yet linked (0 when none waits)",
    )
    oldest = waiting["oldest"]
    age.add_metric([], max(0.0, (clock.now() - oldest).total_seconds()) if oldest else 0)
    return [backlog, age]


def _requests() -> list[GaugeMetricFamily]:
    from minxin.tickets.listing import overdue_q
    from minxin.tickets.models import OPEN_STATUSES, Ticket

    open_ = GaugeMetricFamily("minxin_requests_open", "Requests not yet closed")
    open_.add_metric([], Ticket.objects.filter(status__in=OPEN_STATUSES).count())
    overdue = GaugeMetricFamily(
        "minxin_requests_overdue",
        "Requests past their stage's deadline or their time limit, clock running",
    )
    overdue.add_metric([], Ticket.objects.filter(overdue_q()).count())
    return [open_, overdue]


def _tasks() -> list[GaugeMetricFamily | CounterMetricFamily]:
    from minxin.ops.models import TaskRun

    duration = GaugeMetricFamily(
        "minxin_task_last_duration_seconds",
        "How long the periodic task's last run took (deadline_sweep: the deadline sweep)",
        labels=["task"],
    )
    started = GaugeMetricFamily(
        "minxin_task_last_run_timestamp_seconds", "When its last run started", labels=["task"]
    )
    last_ok = GaugeMetricFamily(
        "minxin_task_last_run_ok", "1 if its last run succeeded", labels=["task"]
    )
    runs = CounterMetricFamily("minxin_task_runs", "Runs of the periodic task", labels=["task"])
    failures = CounterMetricFamily(
        "minxin_task_failures", "Failed runs of the periodic task", labels=["task"]
    )
    for run in TaskRun.objects.order_by("name"):
        duration.add_metric([run.name], run.duration_seconds)
        started.add_metric([run.name], run.started_at.timestamp())
        last_ok.add_metric([run.name], 1 if run.ok else 0)
        runs.add_metric([run.name], run.runs)
        failures.add_metric([run.name], run.failures)
    return [duration, started, last_ok, runs, failures]
