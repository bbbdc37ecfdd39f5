"""The periodic deadline sweep."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from minxin.supervision import unitdays
from minxin.supervision.sweeps import sweep

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
@lock_task("deadline-sweep")
def deadline_sweep() -> dict[str, int]:
    counts = sweep()
    if any(counts.values()):
        logger.info("deadline sweep: %s", counts)
    return counts


@db_periodic_task(crontab(hour="1", minute="17"))
@lock_task("unit-days-seal")
def unit_days_seal() -> int:
    """Seal the units' record rollups of the days old enough (`supervision.unitdays`)."""
    return unitdays.seal_due()
