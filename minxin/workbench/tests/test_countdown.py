"""Deadline colours: green with time left, yellow within a day, red once passed."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from minxin.workbench.countdown import countdown

NOW = timezone.make_aware(dt.datetime(2026, 5, 6, 9, 0))


def test_levels():
    assert countdown(NOW + dt.timedelta(days=3), now=NOW).level == "ok"
    soon = countdown(NOW + dt.timedelta(hours=5), now=NOW)
    assert (soon.level, soon.text) == ("warn", "剩余5小时0分")
    late = countdown(NOW - dt.timedelta(days=2, hours=3), now=NOW)
    assert (late.level, late.label, late.text) == ("late", "超期", "已超期2天3小时")
    assert countdown(None, now=NOW).level == "none"


def test_the_stage_warning_moment_turns_it_yellow_early():
    due = NOW + dt.timedelta(days=3)
    assert countdown(due, now=NOW, warn_at=NOW - dt.timedelta(hours=1)).level == "warn"
    assert countdown(due, now=NOW, warn_at=NOW + dt.timedelta(hours=1)).level == "ok"


def test_the_badge_shows_colour_label_and_time():
    from django.template import Context, Template

    page = Template("{% load wb %}{% countdown_badge cd %}")
    late = countdown(NOW - dt.timedelta(days=2, hours=3), now=NOW)
    assert page.render(Context({"cd": late})) == (
        '<span class="badge badge-late">超期：已超期2天3小时</span>'
    )
    none = page.render(Context({"cd": countdown(None, now=NOW)}))
    assert none.startswith('<span class="badge badge-none">')
    assert "：" not in none
