"""The drill-down lists of closed requests (`analytics.drill`): newest closings first and
their count, read from an index range of the closed requests' closing times instead of the
whole table sorted (decision 0010). Created here, beside the figure it serves, on
`tickets_ticket` (`tickets/models.py` is at its length limit); the condition is
`analytics.figures.closed_q`."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS analytics_closed_at_idx ON tickets_ticket (closed_at, id) "
    "WHERE status IN ('closed', 'archived') AND satisfaction <> ''"
)


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0003_slices"),
        ("tickets", "0015_open_clock_index"),
    ]

    operations = [
        migrations.RunSQL(CREATE, "DROP INDEX IF EXISTS analytics_closed_at_idx"),
    ]
