"""Huey task of the privacy app: apply the retention periods every hour."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from minxin.identity.services import sms_codes_purge
from minxin.privacy import hooks
from minxin.privacy.services import personal_data_purge, retention_days


@db_periodic_task(crontab(minute="17"))
@lock_task("privacy-purge")
def purge_hourly() -> tuple[int, int, int]:
    return (
        personal_data_purge(commit=True),
        sms_codes_purge(),
        hooks.conversations_purge(retention_days=retention_days(), commit=True),
    )
