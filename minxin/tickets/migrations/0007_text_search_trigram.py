"""Trigram indexes for the staff search's "title or content contains" on PostgreSQL.

Django writes `icontains` as `UPPER(col::text) LIKE UPPER('%term%')`, so the indexes are on
that expression. pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may
create it. SQLite has no such index; there the search relies on scanning newest first
(docs/benchmarks.md, "Pages at 100,000 requests").
"""

from django.db import migrations

INDEXES = {
    "tickets_title_trgm": "title",
    "tickets_content_trgm": "content",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON tickets_ticket "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [("tickets", "0006_page_indexes")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
