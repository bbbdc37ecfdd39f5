"""The public search's index under each database's own engine (see `minxin.publicinfo.search`).

PostgreSQL: a generated `tsvector` column over the pre-segmented words (a cast, no parser: the
words are already cut by jieba) with a GIN index. SQLite: an FTS5 table keyed by the entry's id,
written by `search.entry_write`.
"""

from django.db import migrations

POSTGRES = [
    "ALTER TABLE publicinfo_searchentry ADD COLUMN tsv tsvector "
    "GENERATED ALWAYS AS (words::tsvector) STORED",
    "CREATE INDEX publicinfo_search_tsv ON publicinfo_searchentry USING gin (tsv)",
]
SQLITE = ["CREATE VIRTUAL TABLE publicinfo_search_fts USING fts5(words)"]
UNDO = {
    "postgresql": [
        "DROP INDEX IF EXISTS publicinfo_search_tsv",
        "ALTER TABLE publicinfo_searchentry DROP COLUMN IF EXISTS tsv",
    ],
    "sqlite": ["DROP TABLE IF EXISTS publicinfo_search_fts"],
}


def engine(apps, schema_editor):
    for statement in {"postgresql": POSTGRES, "sqlite": SQLITE}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def engine_undo(apps, schema_editor):
    for statement in UNDO.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("publicinfo", "0001_initial")]
    operations = [migrations.RunPython(engine, engine_undo)]
