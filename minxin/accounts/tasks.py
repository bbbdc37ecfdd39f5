"""Huey task of the accounts app: forget lockout counters quiet for a day."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from minxin.accounts import throttle


@db_periodic_task(crontab(minute="23"))
@lock_task("throttle-purge")
def throttle_purge_hourly() -> int:
    return throttle.purge()
