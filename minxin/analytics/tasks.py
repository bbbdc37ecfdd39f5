"""The worker keeps the rollups up to date: the days marked since the last minute."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from minxin.analytics.rollups import refresh_all

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
@lock_task("analytics-refresh")
def rollups_refresh() -> int:
    days = refresh_all()
    if days:
        logger.info("analytics: %s days recomputed", days)
    return days
