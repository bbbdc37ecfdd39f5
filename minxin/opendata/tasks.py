"""Huey: publish the open data every night."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from minxin.opendata.publish import opendata_publish


@db_periodic_task(crontab(hour="2", minute="30"))
@lock_task("opendata-publish")
def opendata_daily() -> None:
    opendata_publish()
