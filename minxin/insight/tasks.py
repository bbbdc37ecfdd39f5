"""The worker's hot-topic snapshot and early warning every hour, the demand forecasts every
night, and the 红黑榜 draft on the first of every month."""

from __future__ import annotations

import datetime as dt
import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from minxin.core import clock
from minxin.insight.demand import forecasts_store
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


@db_periodic_task(crontab(hour="3", minute="10"))
@lock_task("insight-forecasts")
def forecasts_nightly() -> None:
    forecasts_store()


@db_periodic_task(crontab(day="1", hour="2", minute="30"))
@lock_task("insight-ranking")
def ranking_monthly() -> None:
    """Last month's 红黑榜 draft, for a supervisor to review and publish."""
    from minxin.core.errors import Conflict
    from minxin.insight.ranking import ranking_compute

    last_month = (clock.today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    try:
        ranking_compute(month=last_month)
    except Conflict:  # already published by hand: frozen
        logger.info("ranking for %s already published", last_month)
