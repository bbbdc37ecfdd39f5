"""Huey task of the routing app: look at one new request for automatic dispatch."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from minxin.routing import autodispatch


@db_task(retries=0)
def auto_dispatch_task(ticket_id: int) -> bool:
    return autodispatch.auto_dispatch(ticket_id) is not None
