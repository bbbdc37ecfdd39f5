"""The staff text search's index: each request's character bigrams, under the database's own
full-text engine (see `minxin.tickets.textsearch`).

PostgreSQL: the grams are a `tsvector` column of `tickets_ticket` that the Django model does not
declare (no positions: the search asks only whether a gram occurs), with a GIN index. It serves
every term length, so the trigram indexes of 0007 (175 MB at 100,000 requests) are dropped.
SQLite: the grams in `TicketText`, under an FTS5 table (external content, `detail=none`: row ids only, no
positions), kept in step by triggers.
Existing requests are indexed here, in batches.
"""

import django.db.models.deletion
from django.db import migrations, models

from minxin.tickets.textsearch import grams, postgres_update

POSTGRES = [
    "CREATE INDEX tickets_ticket_grams ON tickets_ticket USING gin (grams)",
    "DROP INDEX IF EXISTS tickets_title_trgm",
    "DROP INDEX IF EXISTS tickets_content_trgm",
    # The trigram indexes also gave the planner statistics on UPPER(column), from which it
    # estimates how many rows an `icontains` keeps. Without them it guesses "almost none" and
    # scans the whole table for a common term (1.9 s at 100,000 requests instead of 5 ms).
    "CREATE STATISTICS IF NOT EXISTS tickets_title_upper "
    "ON (UPPER(title::text)) FROM tickets_ticket",
    "CREATE STATISTICS IF NOT EXISTS tickets_content_upper "
    "ON (UPPER(content::text)) FROM tickets_ticket",
    "ANALYZE tickets_ticket",
]
SQLITE = [
    "CREATE VIRTUAL TABLE tickets_tickettext_fts USING fts5("
    "grams, content='tickets_tickettext', content_rowid='ticket_id', detail=none)",
    "CREATE TRIGGER tickets_tickettext_ai AFTER INSERT ON tickets_tickettext BEGIN "
    "INSERT INTO tickets_tickettext_fts(rowid, grams) VALUES (new.ticket_id, new.grams); END",
    "CREATE TRIGGER tickets_tickettext_ad AFTER DELETE ON tickets_tickettext BEGIN "
    "INSERT INTO tickets_tickettext_fts(tickets_tickettext_fts, rowid, grams) "
    "VALUES ('delete', old.ticket_id, old.grams); END",
    "CREATE TRIGGER tickets_tickettext_au AFTER UPDATE ON tickets_tickettext BEGIN "
    "INSERT INTO tickets_tickettext_fts(tickets_tickettext_fts, rowid, grams) "
    "VALUES ('delete', old.ticket_id, old.grams); "
    "INSERT INTO tickets_tickettext_fts(rowid, grams) VALUES (new.ticket_id, new.grams); END",
    "INSERT INTO tickets_tickettext_fts(tickets_tickettext_fts) VALUES ('rebuild')",
]
UNDO = {
    "postgresql": ["DROP INDEX IF EXISTS tickets_ticket_grams",
                   "ALTER TABLE tickets_ticket DROP COLUMN IF EXISTS grams",
                   "DROP STATISTICS IF EXISTS tickets_title_upper",
                   "DROP STATISTICS IF EXISTS tickets_content_upper",
                   *(f"CREATE INDEX IF NOT EXISTS tickets_{column}_trgm ON tickets_ticket "
                     f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
                     for column in ("title", "content"))],
    "sqlite": ["DROP TABLE IF EXISTS tickets_tickettext_fts",
               *(f"DROP TRIGGER IF EXISTS tickets_tickettext_{kind}" for kind in ("ai", "ad", "au"))],
}


def backfill(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute("ALTER TABLE tickets_ticket ADD COLUMN grams tsvector")
    ticket_model, text_model = apps.get_model("tickets", "Ticket"), apps.get_model("tickets", "TicketText")
    ids = list(ticket_model.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 1000):
        rows = [(t.pk, grams(t.title, t.content)) for t in
                ticket_model.objects.filter(pk__in=ids[start:start + 1000]).only("title", "content")]
        if postgres:
            with schema_editor.connection.cursor() as cursor:
                postgres_update(cursor, rows)
        else:
            text_model.objects.bulk_create([text_model(ticket_id=pk, grams=text) for pk, text in rows])


def engine(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": POSTGRES, "sqlite": SQLITE}.get(vendor, []):
        schema_editor.execute(statement)


def engine_undo(apps, schema_editor):
    for statement in UNDO.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('tickets', '0008_list_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='TicketText',
            fields=[
                ('ticket', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='text_index', serialize=False, to='tickets.ticket')),
                ('grams', models.TextField()),
            ],
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(engine, engine_undo, elidable=False),
    ]
