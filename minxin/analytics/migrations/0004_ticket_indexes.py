"""Two indexes on `tickets_ticket` for the dashboards (decision 0010), created here beside
the figures they serve (`tickets/models.py` is at its length limit):

- the drill-down lists of closed requests (`analytics.drill`): newest closings first and
  their count, read from an index range of the closing times instead of the whole table
  sorted; the condition is `analytics.figures.closed_q`;
- 在办 and 超期 now under a dashboard filter (`analytics.figures.backlog_now` with a channel,
  district, type or category): an index-only count over the open requests, whose size
  follows the open work, not the history; the condition is `tickets.models.OPEN_STATUSES`.
"""

from django.db import migrations

OPEN = (
    "'submitted', 'pending_info', 'accepted', 'dispatched', 'returned', 'signed', "
    "'unit_review', 'replied', 'published'"
)
CLOSED_AT = (
    "CREATE INDEX IF NOT EXISTS analytics_closed_at_idx ON tickets_ticket (closed_at, id) "
    "WHERE status IN ('closed', 'archived') AND satisfaction <> ''"
)
OPEN_SCOPE = (
    "CREATE INDEX IF NOT EXISTS analytics_open_scope_idx ON tickets_ticket (status, "
    "stage_due_at, due_at, lead_unit_id, channel, district_id, request_type_id, category_id) "
    f"WHERE status IN ({OPEN})"
)


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0003_slices"),
        ("tickets", "0015_open_clock_index"),
    ]

    operations = [
        migrations.RunSQL(CLOSED_AT, "DROP INDEX IF EXISTS analytics_closed_at_idx"),
        migrations.RunSQL(OPEN_SCOPE, "DROP INDEX IF EXISTS analytics_open_scope_idx"),
    ]
