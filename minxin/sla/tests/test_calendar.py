"""Working days: the package, the editable table that wins over it, and the fallback."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from minxin.sla.calendar import add_workdays, is_workday, workdays_between
from minxin.sla.models import CalendarFallback, Holiday, HolidayYear

pytestmark = pytest.mark.django_db
D = dt.date


def test_national_day_2026_follows_the_official_schedule():
    # 2026: 1-7 Oct off; Sun 20 Sep and Sat 10 Oct are worked (调休).
    assert add_workdays(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert is_workday(D(2026, 9, 20))
    assert is_workday(D(2026, 10, 10))
    assert not is_workday(D(2026, 10, 1))
    assert not is_workday(D(2026, 10, 7))


def test_between_counts_working_days_after_start_up_to_end():
    assert workdays_between(D(2026, 9, 30), D(2026, 10, 10)) == 3
    assert workdays_between(D(2026, 10, 10), D(2026, 9, 30)) == -3
    assert workdays_between(D(2026, 11, 2), D(2026, 11, 2)) == 0


def test_the_holiday_table_wins_over_the_package():
    Holiday.objects.create(date=D(2026, 12, 1), is_workday=False, name="地方假日")
    Holiday.objects.create(date=D(2026, 12, 5), is_workday=True, name="调休上班")
    assert not is_workday(D(2026, 12, 1))
    assert is_workday(D(2026, 12, 5))
    assert add_workdays(D(2026, 11, 30), 1) == D(2026, 12, 2)


def test_a_missing_year_falls_back_to_weekdays_and_says_so(caplog):
    assert add_workdays(D(2026, 12, 31), 1) == D(2027, 1, 1)  # no 2027 data: Friday counts
    assert CalendarFallback.objects.filter(year=2027).exists()


def test_an_entered_year_is_trusted_over_the_fallback():
    HolidayYear.objects.create(year=2027, complete=True)
    Holiday.objects.create(date=D(2027, 1, 1), is_workday=False, name="元旦")
    assert add_workdays(D(2026, 12, 31), 1) == D(2027, 1, 4)


def test_the_command_prints_the_date_and_count(capsys):
    call_command("workdays", "add", "2026-09-30", "3")
    call_command("workdays", "between", "2026-09-30", "2026-10-10")
    assert capsys.readouterr().out.split() == ["2026-10-10", "3"]


def test_the_command_warns_about_missing_years(capsys):
    call_command("workdays", "add", "2026-12-30", "5")
    captured = capsys.readouterr()
    assert captured.out.strip() == "2027-01-06"
    assert "2027" in captured.err


def test_working_hours_skip_nights_weekends_and_holidays():
    from django.utils import timezone

    from minxin.sla.deadlines import due_after_working_hours

    def local(*args: int) -> dt.datetime:
        return timezone.make_aware(dt.datetime(*args))

    assert due_after_working_hours(local(2026, 11, 27, 16), 2) == local(2026, 11, 30, 10)
    assert due_after_working_hours(local(2026, 9, 30, 16), 2) == local(2026, 10, 8, 10)
    assert due_after_working_hours(local(2026, 11, 30, 7), 3) == local(2026, 11, 30, 12)
