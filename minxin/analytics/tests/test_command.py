"""`minxin analytics`: the demo's figures are there at once and agree with its requests."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from minxin.analytics.figures import Scope
from minxin.analytics.models import DailyRollup, DailySlice, MonthlySlice
from minxin.analytics.reads import period_figures
from minxin.core import clock
from minxin.supervision.records import Period
from minxin.tickets.models import Ticket


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("analytics", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_demo_has_figures_and_check_confirms_them():
    call_command("seed_demo", "--requests", "30", stdout=io.StringIO())
    first = timezone.localdate(min(Ticket.objects.values_list("created_at", flat=True)))
    period = Period(first, clock.today())
    assert period_figures(period, Scope()).submitted == Ticket.objects.count()
    assert "rollups agree" in _run("check", "--from", f"{first}", "--to", f"{clock.today()}")
    DailyRollup.objects.all().delete()
    with pytest.raises(CommandError, match="submitted"):
        _run("check", "--from", f"{first}", "--to", f"{clock.today()}")
    assert "rebuilt" in _run("rebuild")
    assert "rollups agree" in _run("check", "--from", f"{first}", "--to", f"{clock.today()}")
    DailySlice.objects.all().delete()
    MonthlySlice.objects.all().delete()
    with pytest.raises(CommandError, match="slices differ"):
        _run("check", "--from", f"{first}", "--to", f"{clock.today()}")
    assert "rows" in _run("months")  # the slices summed again from the daily rollups
    assert "rollups agree" in _run("check", "--from", f"{first}", "--to", f"{clock.today()}")


def test_bad_dates_are_refused():
    with pytest.raises(CommandError, match="before"):
        _run("rebuild", "--from", "2026-03-02", "--to", "2026-03-01")
    with pytest.raises(CommandError, match="not a date"):
        _run("rebuild", "--from", "yesterday")


@pytest.mark.django_db
def test_months_leaves_the_slices_to_their_migration_on_an_older_database(monkeypatch):
    """`benchmarks/scale_seed.py` may run `months` on a database filled before the slices'
    migration: the monthly rollups are summed, the slices left to that migration."""
    from django.db import connection

    from minxin.analytics.models import MonthlyRollup

    call_command("seed_demo", "--requests", "10", stdout=io.StringIO())
    tables = [t for t in connection.introspection.table_names() if "slice" not in t]
    monkeypatch.setattr(connection.introspection, "table_names", lambda *a, **k: tables)
    MonthlyRollup.objects.all().delete()
    kept = DailySlice.objects.count()
    assert "rows" in _run("months")
    assert MonthlyRollup.objects.exists()
    assert DailySlice.objects.count() == kept  # not touched
