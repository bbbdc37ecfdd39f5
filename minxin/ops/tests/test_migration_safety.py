"""Migrations stay safe to apply under running code (docs/operations.md "Upgrades").

Old code keeps running while `migrate` applies the new release's migrations, so a migration
may not drop or rename a column or table the previous release still uses. A release that
removes one (the contract step, after the code stopped using it) lists the migration here.
"""

from __future__ import annotations

from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.base import Operation

DESTRUCTIVE = (
    migrations.RemoveField,
    migrations.DeleteModel,
    migrations.RenameField,
    migrations.RenameModel,
    migrations.AlterModelTable,
)
DESTRUCTIVE_SQL = ("DROP TABLE", "DROP COLUMN", "RENAME ")

# (app, migration, operation): reviewed contract steps; the code that used the column or
# table had been gone for a release when each was written.
ALLOWED = {
    ("identity", "0002_hash_phone_and_ip", "RemoveField smscode.phone"),
    ("identity", "0002_hash_phone_and_ip", "RemoveField smscode.ip"),
    ("workbench", "0003_drop_contact_reveal", "DeleteModel ContactReveal"),
}


def described(operation: Operation) -> str | None:
    kind = type(operation).__name__
    if isinstance(operation, migrations.RemoveField | migrations.RenameField):
        old = getattr(operation, "old_name", None) or operation.name
        return f"{kind} {operation.model_name}.{old}"
    if isinstance(operation, DESTRUCTIVE):
        return f"{kind} {getattr(operation, 'old_name', None) or operation.name}"
    if isinstance(operation, migrations.RunSQL):
        sql = str(operation.sql).upper()
        if any(word in sql for word in DESTRUCTIVE_SQL):
            return f"RunSQL {str(operation.sql)[:60]}"
    return None


def destructive_operations() -> set[tuple[str, str, str]]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    found = set()
    for (app, name), migration in loader.disk_migrations.items():
        if not migration.__module__.startswith("minxin."):
            continue
        for operation in migration.operations:
            text = described(operation)
            if text:
                found.add((app, name, text))
    return found


def test_no_migration_drops_or_renames_a_column_or_table_unreviewed() -> None:
    unreviewed = destructive_operations() - ALLOWED
    assert not unreviewed, (
        "these migrations drop or rename what the running release may still read; split "
        "them into expand/contract steps (docs/operations.md) or, for a contract step, "
        f"add them to ALLOWED: {sorted(unreviewed)}"
    )


def test_the_check_sees_each_kind_of_destructive_step() -> None:
    assert described(migrations.RemoveField("ticket", "title")) == "RemoveField ticket.title"
    assert described(migrations.RenameField("ticket", "a", "b")) == "RenameField ticket.a"
    assert described(migrations.DeleteModel("Ticket")) == "DeleteModel Ticket"
    assert described(migrations.RenameModel("Old", "New")) == "RenameModel Old"
    assert described(migrations.RunSQL("alter table t drop column c")) is not None
    assert described(migrations.AddField("ticket", "x", models.IntegerField(null=True))) is None
    assert destructive_operations() >= ALLOWED  # the list names real migrations
