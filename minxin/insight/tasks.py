"""The worker's hot-topic snapshot and early warning, every hour."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from minxin.insight.hotspots import snapshot_take
from minxin.insight.warning import warnings_raise

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="17"))
@lock_task("insight-hourly")
def hotspots_hourly() -> int:
    snapshot_take()
    raised = warnings_raise()
    if raised:
        logger.warning("raised %s early warnings", len(raised))
    return len(raised)
